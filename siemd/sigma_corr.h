/*
 * Sigma correlation rules over a stream of detection hits: sliding
 * windows in event time, per group, with bounded state.
 *
 * Use:
 *
 *	struct corr_engine *ce = corr_new(set, map, &params, alert, arg);
 *	(rules the engine cannot run are marked SIGMA_SKIPPED, with why)
 *	for every event and every detection rule it matches:
 *		corr_hit(ce, rule, &se, ts, id, received_at);
 *	corr_flush(ce);		(after a batch: updates of open alerts)
 *	corr_free(ce);
 *
 * Semantics (see also the comment at the top of sigma_corr.c):
 *  - A group is the values of the correlation's group-by fields in
 *    the hit's event, read through the referenced rule's logsource
 *    (and its aliases); a hit without every group-by value, or without
 *    the value `field` a value_* type needs, is not counted.
 *  - A window is every hit of the group whose event time lies within
 *    timespan of the newest: [end - timespan, end].  The condition is
 *    tested on the window ending at each new hit (and, for a late hit,
 *    on the windows ending at the later hits it now belongs to).
 *  - value_count: distinct values of field.  value_sum, value_avg:
 *    sum and mean of field read as a number.  value_percentile: the
 *    share, in percent (0-100), of the window's hits whose field has
 *    the value of the hit just added; "lte: 1" finds a value seen in
 *    at most 1% of the group's events (a rare process on a host).
 *    temporal: every referenced rule hit in the window, in any order;
 *    temporal_ordered: in the order listed.
 *  - A hit older than lateness behind the newest of its group is
 *    dropped and counted (late_dropped).
 *  - When the condition holds, the group fires one alert (key: rule,
 *    group, event time of the firing) and is suppressed: each further
 *    hit of the group within the suppression window of the previous
 *    one updates that alert (count, last_seen, event ids) instead of
 *    raising another.  Quiet for a suppression window, it may fire
 *    again.
 *  - A firing is a hit for the correlations that reference this one
 *    (chains); its fields are the group-by fields of the firing rule.
 *  - State is bounded: at most max_entries hits per group (the oldest
 *    go first), max_groups_rule groups per rule and max_groups in
 *    all (the least recently used go first, counted as evictions);
 *    groups idle longer than their rule's span (processing time, the
 *    received_at of hits) are freed.
 */

#ifndef SIEMD_SIGMA_CORR_H
#define SIEMD_SIGMA_CORR_H

#include <stddef.h>
#include <stdint.h>

#include "sigma.h"

#define CORR_LATENESS		(60 * 1000000LL)	/* µs */
#define CORR_MAX_GROUPS_RULE	10000
#define CORR_MAX_GROUPS		100000
#define CORR_MAX_ENTRIES	1024		/* hits kept per group */
#define CORR_ALERT_IDS		100		/* event ids per report */
#define CORR_MAX_REFS		64		/* rules one correlation names */
#define CORR_GROUP_LEN		512		/* bytes of a group key */

struct corr_params {
	int64_t		 lateness;		/* µs */
	int64_t		 suppress;		/* µs; 0: the rule's timespan */
	size_t		 max_groups_rule;
	size_t		 max_groups;
	size_t		 max_entries;
};

/* One report: a new alert (update 0) or more of an open one. */
struct corr_alert {
	const struct sigma_rule	*rule;
	const char		*group;		/* "src_ip=192.0.2.1" */
	int64_t			 fired;		/* µs event time: the key */
	int64_t			 first;		/* µs */
	int64_t			 last;		/* µs */
	int64_t			 count;		/* hits in this report */
	const int64_t		*ids;
	size_t			 nids;
	int			 update;
	const char		*detail;	/* or NULL: why it fired */
};

struct corr_stats {
	uint64_t	 hits;		/* hits fed to correlations */
	uint64_t	 fired;
	uint64_t	 updates;
	uint64_t	 late_dropped;
	uint64_t	 ungrouped;	/* no group-by or field value */
	uint64_t	 evicted;	/* by the per-rule or total bound */
	uint64_t	 expired;	/* idle groups freed */
	uint64_t	 truncated;	/* hits pushed out of a full group */
	uint64_t	 groups;	/* now */
	uint64_t	 groups_peak;
};

typedef void	(*corr_alert_cb)(const struct corr_alert *, void *);

struct corr_engine;

void		 corr_params_default(struct corr_params *);
struct corr_engine *corr_new(struct sigma_set *, const struct sigma_map *,
		    const struct corr_params *, corr_alert_cb, void *);
void		 corr_free(struct corr_engine *);
size_t		 corr_rules(const struct corr_engine *);
/* µs of event time a replay must cover to rebuild every window */
int64_t		 corr_span(const struct corr_engine *);
void		 corr_hit(struct corr_engine *, const struct sigma_rule *,
		    struct sigma_event *, int64_t, int64_t, int64_t);
void		 corr_flush(struct corr_engine *);
/* quiet: state is rebuilt but nothing is reported (a replay) */
void		 corr_set_quiet(struct corr_engine *, int);
const struct corr_stats *corr_stats(const struct corr_engine *);

#endif /* SIEMD_SIGMA_CORR_H */
