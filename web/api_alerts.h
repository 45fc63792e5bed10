/*
 * The alert side of the API in the web process: the alert queue and
 * one alert (read through the query processes), triage, silences and
 * the allow-list (written by the store, store_triage.c), alert
 * statistics, and the live stream of created and updated alerts.
 */

#ifndef SIEMD_API_ALERTS_H
#define SIEMD_API_ALERTS_H

#include <jansson.h>

#define ALERTS_DEFAULT_LIMIT	50	/* alerts per page */
#define ALERTS_MAX_LIMIT	500
#define ALERTS_MAX_PENDING	256	/* triage requests at the store */
#define ALERTS_MAX_FETCH	64	/* merged alerts being read back */
#define ALERTS_SSE_CLIENTS	64
#define ALERTS_SSE_QUEUED	(256 * 1024)	/* then a gap */
#define ALERTS_SSE_KEEPALIVE	15	/* seconds */
#define ALERTS_SSE_CATCHUP	100	/* alerts per catch-up read */

struct proc_ctx;
struct request;

void	 alerts_init(struct proc_ctx *);
json_t	*alerts_counters(void);
void	 api_alerts_openapi(json_t *);

/* handlers */
void	 api_alerts(struct request *);
void	 api_alert(struct request *);
void	 api_alert_patch(struct request *);
void	 api_alerts_bulk(struct request *);
void	 api_alert_note(struct request *);
void	 api_alerts_stats(struct request *);
void	 api_stream_alerts(struct request *);
void	 api_silences(struct request *);
void	 api_silence_add(struct request *);
void	 api_silence_delete(struct request *);
void	 api_silence_edit(struct request *);
void	 api_allowlist(struct request *);
void	 api_allow_add(struct request *);
void	 api_allow_delete(struct request *);
void	 api_allow_edit(struct request *);
void	 alerts_conf(json_t *);

#endif /* SIEMD_API_ALERTS_H */
