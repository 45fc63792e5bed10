/*
 * The rule pages of the API: every rule correlate compiled, loaded or
 * not, with the reason and its counters.  The list comes from the
 * parent, which keeps correlate's last report.
 */

#ifndef SIEMD_API_RULES_H
#define SIEMD_API_RULES_H

struct request;

void	 api_rules(struct request *);
void	 api_rule(struct request *);
void	 api_rules_answer(const char *);
void	 api_rule_source_answer(const char *);

#endif /* SIEMD_API_RULES_H */
