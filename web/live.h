/*
 * What the web process hears from its peers: committed events from the
 * store (for live streams) and acknowledgements of HTTP ingest.
 */

#ifndef SIEMD_LIVE_H
#define SIEMD_LIVE_H

#include "siemd.h"

struct event_view;

/* Called for every committed event; set by the stream code. */
extern void	(*live_event_hook)(const struct event_view *);
/* Called for every alert created or updated (JSON, with its id). */
extern void	(*live_alert_hook)(json_t *);
/* Called with the store's answer to a triage request (JSON). */
extern void	(*live_triage_hook)(uint32_t, const char *);
/* Called when events of an HTTP ingest request are committed. */
extern void	(*live_ack_hook)(uint32_t, uint32_t);

void	 live_init(struct proc_ctx *);
json_t	*live_counters(void);

#endif /* SIEMD_LIVE_H */
