/*
 * Detections beyond Sigma, over the hits of detection rules that carry
 * a siemd: section (struct sigma_ext): rate baselines, new values and
 * secrets found by their entropy.
 *
 * Use:
 *
 *	struct base_engine *be = base_new(set, &params, alert, arg);
 *	for every event and every rule with an ext section it matches:
 *		base_hit(be, rule, &se, ts, id, received_at);
 *	base_flush(be);		(after a batch: updates of open alerts)
 *	base_free(be);
 *
 * Alerts are struct corr_alert (sigma_corr.h), with detail set: the
 * figures that made it fire, for the alert's description.
 *
 * Baseline (siemd: baseline: bucket, window, k, min-count, group-by):
 *  - Hits are counted per group in buckets of event time, aligned on
 *    multiples of bucket since the epoch.  The trailing window is the
 *    window / bucket buckets before the current one (the newest the
 *    group has seen); a bucket without hits counts 0, including those
 *    before the group's first hit and those a gap skipped.
 *  - When a hit brings the current bucket's count c to at least
 *    min-count and above mean + k * sigma of the trailing window
 *    (sigma: the population standard deviation), the group fires one
 *    alert for that bucket (key: bucket start), carrying the bucket's
 *    hits; every further hit of that bucket updates it.  A next bucket
 *    that crosses too continues the same alert: one alert per run of
 *    anomalous buckets.
 *  - A hit for an older bucket still in the window is counted into it
 *    (it changes the baseline, it does not fire); one older than the
 *    window is dropped (late_dropped).  Spike buckets stay in the
 *    baseline: after a spike, the same again needs to be larger.
 *
 * New value (siemd: new-value: fields, group-by, learn):
 *  - Every hit's group (group-by values) and value combination (the
 *    fields' values) is remembered.  A combination not seen before in
 *    its group fires one alert (group key: the group-by and the value
 *    fields, e.g. "user_id=alice,src_ip=192.0.2.7"); a repeat does not.
 *  - At most max_values_rule combinations per rule and max_values in
 *    all; the least recently seen go first (values_evicted), and one
 *    seen again after its eviction is new again.
 *
 * Both: a hit without every group-by (and value) field is not counted
 * (ungrouped).  learn is counted in processing time (received_at)
 * from the rule's earliest hit: until it has passed, state is built
 * and nothing alerts -- so a first start, or an import of old logs,
 * learns what is usual instead of reporting it.
 *
 * Secret entropy (siemd: secret-entropy: fields, min-length,
 * max-length, min-entropy, min-entropy-hex, context, context-distance,
 * need-context, allow):
 *  - The fields (default message) are cut into tokens: runs of
 *    letters, digits and + / _ - (a token starting with / is a path
 *    and is cut at every /).  A token is a secret when it is
 *    min-length to max-length long, is no UUID and holds none, matches
 *    no allow pattern, and either
 *    - is hex (digits and a-f only, at least one of each) with at least
 *      min-entropy-hex bits of Shannon entropy per character, or
 *    - holds a digit and a letter, at least min-entropy bits per
 *      character, and less than half of it in word-like runs of
 *      letters (a capital and 3 or more small letters, or 4 or more
 *      small letters).
 *  - need-context (none, hex or all; default hex) says which tokens
 *    also need one of the context words (case-insensitive) in the
 *    context-distance bytes before them.
 *  - An event with a secret not seen before by the rule fires one
 *    alert; the same token again does not (remembered by its hash, as
 *    new values are).  The alert shows only the token's first
 *    BASE_SECRET_SHOW characters and its length.
 *
 * Restarts: base_span() is how far back a replay of stored events must
 * reach (by received_at) to rebuild the state: a baseline's window and
 * one bucket; for new-value the longer of learn and BASE_NV_REPLAY.
 * The store replays at most its newest STORE_REPLAY_MAX_EVENTS events;
 * a combination last seen before what was replayed is new again after
 * a restart, and buckets left out of a replay count as 0.  The
 * learning period restarts from the earliest replayed hit.
 */

#ifndef SIEMD_SIGMA_BASE_H
#define SIEMD_SIGMA_BASE_H

#include <stddef.h>
#include <stdint.h>

#include "sigma.h"
#include "sigma_corr.h"

#define BASE_MAX_GROUPS_RULE	10000		/* baseline groups per rule */
#define BASE_MAX_CELLS		(4 * 1024 * 1024)	/* bucket counters */
#define BASE_MAX_VALUES_RULE	100000		/* combinations per rule */
#define BASE_MAX_VALUES		500000		/* combinations in all */
#define BASE_NV_REPLAY		(7 * 86400 * 1000000LL)	/* µs */

/* siemd: secret-entropy: defaults and bounds */
#define BASE_SECRET_MIN_LENGTH	20
#define BASE_SECRET_MAX_LENGTH	256
#define BASE_SECRET_LENGTH_MAX	4096	/* bound of max-length */
#define BASE_SECRET_ENTROPY	4.0	/* bits per character */
#define BASE_SECRET_ENTROPY_HEX	3.0
#define BASE_SECRET_DISTANCE	32	/* bytes before a token */
#define BASE_SECRET_MAX_DISTANCE 256
#define BASE_SECRET_MAX_WORDS	64	/* context words */
#define BASE_SECRET_WORD_LEN	32
#define BASE_SECRET_MAX_ALLOW	16	/* allow patterns */
#define BASE_SECRET_SHOW	4	/* characters an alert shows */

struct base_params {
	size_t		 max_groups_rule;
	size_t		 max_cells;
	size_t		 max_values_rule;
	size_t		 max_values;
};

struct base_stats {
	uint64_t	 hits;
	uint64_t	 fired;
	uint64_t	 updates;
	uint64_t	 learning;	/* hits while learning */
	uint64_t	 ungrouped;
	uint64_t	 late_dropped;
	uint64_t	 groups;	/* baseline groups now */
	uint64_t	 groups_evicted;
	uint64_t	 groups_expired;
	uint64_t	 values;	/* combinations now */
	uint64_t	 values_evicted;
};

struct base_engine;
struct base_secret;		/* a siemd: secret-entropy: section */
struct sigma_ynode;

enum base_need {
	BASE_NEED_NONE,			/* no token needs a context word */
	BASE_NEED_HEX,			/* hex tokens do */
	BASE_NEED_ALL
};

/* A secret found in a text. */
struct base_token {
	size_t		 off;		/* in the text */
	size_t		 len;
	double		 entropy;	/* bits per character */
	int		 hex;
	const char	*context;	/* the word before it, or NULL */
};

void		 base_params_default(struct base_params *);
struct base_engine *base_new(struct sigma_set *, const struct base_params *,
		    corr_alert_cb, void *);
void		 base_free(struct base_engine *);
size_t		 base_rules(const struct base_engine *);
/* µs of received_at a replay must cover to rebuild the state */
int64_t		 base_span(const struct base_engine *);
/* ts and received_at in µs; id the event's row id */
void		 base_hit(struct base_engine *, const struct sigma_rule *,
		    struct sigma_event *, int64_t, int64_t, int64_t);
void		 base_flush(struct base_engine *);
/* quiet: state is rebuilt but nothing is reported (a replay) */
void		 base_set_quiet(struct base_engine *, int);
const struct base_stats *base_stats(const struct base_engine *);
uint64_t	 base_rule_fired(const struct base_engine *,
		    const struct sigma_rule *);

/*
 * siemd: secret-entropy: the section's map (every key checked; fields
 * are resolved by the caller and only checked here); 0, or -1 with
 * the reason in err.
 */
int		 base_secret_parse(const struct sigma_ynode *,
		    struct base_secret **, char *, size_t);
void		 base_secret_free(struct base_secret *);
/* The secrets in a text: how many, the first in *tok. */
size_t		 base_secret_scan(const struct base_secret *, const char *,
		    size_t, struct base_token *);
/* "abcd...(40 chars)": what an alert shows of a token */
void		 base_secret_mask(const char *, size_t, char *, size_t);
double		 base_entropy(const char *, size_t);

/* The baseline figures, exposed for tests: 0, or -1 before any hit. */
int		 base_window_stats(const struct base_engine *,
		    const struct sigma_rule *, const char *, int64_t *,
		    double *, double *);

#endif /* SIEMD_SIGMA_BASE_H */
