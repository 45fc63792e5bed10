/*
 * Trying a Sigma rule without loading it: POST /rules/explain says why
 * one event matches a rule or not; POST /rules/backtest runs a rule
 * over stored events and answers the alerts it would have raised,
 * grouped as correlate groups them, without storing anything.
 */

#ifndef SIEMD_API_EXPLAIN_H
#define SIEMD_API_EXPLAIN_H

struct request;

void	 api_rules_explain(struct request *);
void	 api_rules_backtest(struct request *);
void	 api_explain_mapping(const char *);

#endif /* SIEMD_API_EXPLAIN_H */
