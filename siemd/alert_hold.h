/*
 * Alert reports held for a moment so that an ongoing attack updates
 * its alert at most once per hold interval instead of once per batch
 * of events (alert_hold.c).
 */

#ifndef SIEMD_ALERT_HOLD_H
#define SIEMD_ALERT_HOLD_H

#include <stdint.h>
#include <jansson.h>

#define ALERT_HOLD_US		1000000		/* one report per key per second */
#define ALERT_HOLD_MAX		65536		/* keys remembered */
#define ALERT_HOLD_IDS		100		/* event ids kept per alert */

/* Receives every report that leaves; it owns js. */
typedef void	(*alert_hold_cb)(json_t *, void *);

struct alert_hold_stats {
	uint64_t	 sent;		/* reports that left */
	uint64_t	 merged;	/* reports folded into a held one */
	uint64_t	 unheld;	/* sent at once: no room to remember */
	size_t		 keys;		/* remembered now */
	size_t		 held;		/* waiting now */
};

struct alert_hold;

struct alert_hold *alert_hold_new(int64_t, size_t, alert_hold_cb, void *);
void		 alert_hold_free(struct alert_hold *);
void		 alert_hold_put(struct alert_hold *, json_t *, int64_t);
void		 alert_hold_tick(struct alert_hold *, int64_t);
void		 alert_hold_flush(struct alert_hold *);
const struct alert_hold_stats *alert_hold_stats(const struct alert_hold *);
int		 alert_merge(json_t *, json_t *);
json_t		*alert_ids_union(json_t *, json_t *);

#endif /* SIEMD_ALERT_HOLD_H */
