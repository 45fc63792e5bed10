/*
 * The read side of the API in the web process: event search filters
 * and cursors, the query processes' protocol as a client, the
 * endpoint handlers (api.c), live streams (stream.c) and HTTP ingest
 * (ingest_http.c).
 */

#ifndef SIEMD_API_H
#define SIEMD_API_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http.h"
#include "router.h"

#define API_DEFAULT_LIMIT	200	/* events per page */
#define API_MAX_LIMIT		1000
#define API_MAX_VALUES		32	/* values of one filter field */
#define API_MAX_VALUE		1024	/* bytes of one value */
#define API_MAX_Q		1024	/* bytes of q */
#define API_MAX_TERMS		32	/* terms of q */
#define API_FTS_MAX		(API_MAX_Q * 3 + 64)	/* sanitized q */
#define API_DEFAULT_BUDGET_MS	10000	/* a query's time budget */
#define API_BUDGET_MS		api_budget_ms()	/* query timeout */
#define API_EXPORT_BUDGET_MS	30000	/* per export page */
#define API_EXPORT_PAGE		2000	/* events per export page */
#define API_PAGE_BYTES		(4 * 1024 * 1024)	/* answer size cap */
#define API_CURSOR_MAX		128	/* text of a cursor */
#define API_HASH_LEN		16	/* filter hash bytes */

/* Text fields a filter may name, in the order of the parameters. */
enum api_field {
	FLD_APP,
	FLD_EVENT_TYPE,
	FLD_LEVEL,
	FLD_SEVERITY,
	FLD_HOST,
	FLD_USER_ID,
	FLD_SRC_IP,
	FLD_DEST_IP,
	FLD_REQUEST_ID,
	FLD_SOURCE_TYPE,
	FLD_MAX
};

/* One term of q: tokens in order, folded to lower case. */
struct api_term {
	char		*text;		/* tokens separated by one space */
	int		 prefix;	/* last token is a prefix */
	int		 negated;	/* -term */
	int		 or_next;	/* OR the following term */
};

/*
 * A parsed filter: what the query process is sent (json), and the
 * same in C for matching live events (api_filter_match()).
 */
struct api_filter {
	json_t		*json;
	int		 has_from;
	int		 has_to;
	int64_t		 from;		/* µs UTC */
	int64_t		 to;
	int64_t		 now;		/* what relative times were against */
	const char	*values[FLD_MAX][API_MAX_VALUES];	/* in json */
	int		 nvalues[FLD_MAX];
	const char	*nots[FLD_MAX][API_MAX_VALUES];	/* not_<field> */
	int		 nnots[FLD_MAX];
	struct cidr	 nets[2][API_MAX_VALUES];	/* src, dest */
	int		 nnets[2];
	int		 status[API_MAX_VALUES][2];	/* ranges */
	int		 nstatus;
	struct api_term	 terms[API_MAX_TERMS];
	int		 nterms;
	const char	*contains[API_MAX_VALUES];	/* in json */
	int		 ncontains;
};

struct event_view;
struct api_call;
struct proc_ctx;

/*
 * done(call, status, detail): 200 with call's body and meta, or the
 * problem's status and detail.  The call is freed after it returns.
 */
typedef void	(*api_done_cb)(struct api_call *, int, const char *);

struct api_call {
	TAILQ_ENTRY(api_call)	 entry;
	uint32_t		 reqid;
	int			 proc;		/* query instance */
	int			 orphan;	/* nobody waits any more */
	char			*body;		/* NUL-terminated too */
	size_t			 len;
	size_t			 cap;
	json_t			*meta;
	api_done_cb		 done;
	void			*arg;
	int			 freearg;	/* free(arg) with the call */
	uint32_t		 ticket;	/* the request, if any */
	int			 kind;		/* enum query_kind */
	int64_t			 t0;		/* sent, monotonic µs */
};

/* api.c: parameter names, shared by the parser and the document */
extern const char *const api_field_names[FLD_MAX];	/* and not_<name> */
extern const char *const api_filter_names[];
extern const char *const api_events_extra[];
extern const char *const api_export_extra[];
extern const char *const api_top_extra[];

/* api.c: pure helpers, exposed for the unit tests */
int		 api_time_parse(const char *, int64_t, int64_t *);
int		 api_status_parse(const char *, int *, int *);
int		 api_fts_sanitize(const char *, char *, size_t,
		    struct api_term *, int *, const char **);
int		 api_filter_parse(struct api_filter *,
		    const struct http_param *, int, int64_t,
		    const char *const *, const char **);
void		 api_filter_free(struct api_filter *);
void		 api_filter_hash(const struct api_filter *, uint8_t *);
int		 api_filter_match(const struct api_filter *,
		    const struct event_view *);
void		 api_cursor_init(void);
void		 api_cursor_key(const void *, size_t);
int		 api_cursor_encode(int64_t, int64_t, const uint8_t *, char *,
		    size_t);
int		 api_cursor_decode(const char *, int64_t *, int64_t *,
		    uint8_t *);
json_t		*api_event_json(const struct event_view *);
char		*api_iso_time(int64_t, char *, size_t);
int64_t		 api_now(void);

/* api.c: the query processes */
void		 api_budget_set(int64_t);
int		 api_budget_ms(void);
void		 api_init(struct proc_ctx *);
struct proc_ctx	*api_ctx(void);
struct api_call	*api_query(int, json_t *, int, api_done_cb, void *);
void		 api_query_cancel(struct api_call *);
struct api_call	*api_ask(struct request *, int, json_t *, int, api_done_cb,
		    void *);
struct conn	*api_call_conn(struct api_call *, int, const char *);
json_t		*api_counters(void);

/* api.c: handlers */
void		 api_events(struct request *);
void		 api_event(struct request *);
void		 api_export(struct request *);
void		 api_apps(struct request *);
void		 api_event_types(struct request *);
void		 api_hosts(struct request *);
void		 api_host(struct request *);
void		 api_stats(struct request *);
void		 api_timeline(struct request *);
void		 api_top(struct request *);
void		 api_status(struct request *);
void		 api_reload(struct request *);
void		 api_readyz(struct request *);
void		 api_metrics(struct request *);
void		 api_openapi(json_t *);

/* stream.c: GET /stream/events */
void		 stream_init(struct proc_ctx *);
void		 stream_events(struct request *);
double		 stream_rate(void);
json_t		*stream_counters(void);

/* ingest_http.c: POST /ingest */
void		 ingest_http_init(struct proc_ctx *);
void		 ingest_http(struct request *);
int		 ingest_http_split(const uint8_t *, size_t,
		    void (*)(void *, const char *, size_t, int, const char *),
		    void *);
json_t		*ingest_http_counters(void);

#endif /* SIEMD_API_H */
