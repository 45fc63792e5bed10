/*
 * GET /stream/events: server-sent events of every event the store
 * commits that passes the same filters as /events (applied in C by
 * api_filter_match()), each with "id:" its row id.
 *
 * Resuming: with a Last-Event-ID header (or ?since_id=) the events
 * after that id are first read from the database through a query
 * process, oldest first, page by page; events committed meanwhile
 * are held back, then sent once the database has no more, skipping
 * what the pages already had.  An event is committed before the
 * store tells us of it, so it is in a page or held back, never lost,
 * and ids only grow, so it is never sent twice.  If too much is held
 * back the held events are dropped and the database is read again
 * from the last id sent.
 *
 * A client that does not keep up gets SSE_MAX_QUEUED bytes of slack,
 * then "event: gap" and the end of the stream: it reconnects with
 * Last-Event-ID and resumes from the database.  A comment line every
 * SSE_KEEPALIVE seconds keeps proxies from closing an idle stream.
 *
 * EventSource cannot send an Authorization header, so the route is
 * public in the table and this handler checks the bearer token
 * itself, from the header or from an access_token parameter.
 *
 * A stream lives longer than the token that opened it was checked
 * for, so its expiry and id are kept: at every keepalive, and at once
 * when a logout revokes a token, streams whose token has expired or
 * was revoked end.  The client gets a last
 *	event: error
 *	data: {"status":401,"reason":"token expired"}	(or "token revoked")
 * and the end of the body (only the end in the middle of a replay
 * page, where the half-sent event is dropped by the client); an
 * EventSource then reconnects with the same token, is refused with
 * 401, and gives up.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "event_wire.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "auth.h"
#include "live.h"
#include "api.h"

#define SSE_MAX_CLIENTS		64
#define SSE_MAX_QUEUED		(512 * 1024)	/* then a gap */
#define SSE_MAX_HELD		(4 * 1024 * 1024)	/* during replay */
#define SSE_KEEPALIVE		15		/* seconds */
#define SSE_REPLAY_PAGE		500		/* events per page */
#define SSE_REPLAY_BYTES	(512 * 1024)
#define SSE_RATE_WINDOW		10		/* seconds for events/s */

struct held {
	TAILQ_ENTRY(held)	 entry;
	int64_t			 id;
	size_t			 len;
	char			 text[];
};

struct sclient {
	TAILQ_ENTRY(sclient)	 entry;
	struct conn		*conn;
	struct api_filter	 f;
	char			 jti[ROUTER_MAX_JTI];	/* the token's */
	time_t			 exp;		/* the token's expiry */
	int			 live;		/* replay done */
	int64_t			 last_id;	/* last sent */
	/* replay */
	json_t			*params;
	struct api_call		*call;
	char			*out;		/* a page being written */
	size_t			 outlen;
	size_t			 outoff;
	int			 more;		/* the page was full */
	TAILQ_HEAD(, held)	 held;
	size_t			 heldbytes;
	int			 dropped;	/* held events were dropped */
};

static TAILQ_HEAD(, sclient)	 clients = TAILQ_HEAD_INITIALIZER(clients);
static int			 nclients;
static struct event		 keepalive_ev;
static uint64_t			 sse_events;	/* sent to clients */
static uint64_t			 sse_gaps;
static uint64_t			 sse_streams;
static uint64_t			 committed[SSE_RATE_WINDOW + 1];
static time_t			 committed_at[SSE_RATE_WINDOW + 1];

static void	 stream_live(const struct event_view *);
static void	 stream_keepalive(int, short, void *);
static void	 stream_closed(struct conn *, void *);
static void	 stream_drain(struct conn *, void *);
static void	 stream_free(struct sclient *);
static void	 stream_gap(struct sclient *, const char *);
static void	 stream_tokens(void);
static void	 stream_unauthorized(struct sclient *, const char *);
static void	 replay_page(struct sclient *);
static void	 replay_done(struct api_call *, int, const char *);
static void	 go_live(struct sclient *);

void
stream_init(struct proc_ctx *ctx)
{
	struct timeval	 tv = { SSE_KEEPALIVE, 0 };

	live_event_hook = stream_live;
	auth_revoke_hook = stream_tokens;
	evtimer_assign(&keepalive_ev, ctx->evbase, stream_keepalive, NULL);
	evtimer_add(&keepalive_ev, &tv);
}

/* Committed events per second, over the last full seconds. */
double
stream_rate(void)
{
	time_t		 now = time(NULL);
	uint64_t	 n = 0;
	int		 i;

	for (i = 0; i <= SSE_RATE_WINDOW; i++)
		if (committed_at[i] < now && committed_at[i] >= now -
		    SSE_RATE_WINDOW)
			n += committed[i];
	return ((double)n / SSE_RATE_WINDOW);
}

json_t *
stream_counters(void)
{
	return (json_pack("{s:i, s:I, s:I, s:I, s:f}",
	    "clients", nclients,
	    "streams", (json_int_t)sse_streams,
	    "events_sent", (json_int_t)sse_events,
	    "gaps", (json_int_t)sse_gaps,
	    "events_per_second", stream_rate()));
}

/* "id: N\ndata: {...}\n\n" into a malloc'ed string. */
static char *
sse_format(int64_t id, json_t *js, size_t *len)
{
	char	*data, *s;
	int	 n;

	if ((data = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	/* compact JSON has no newline: one data line */
	if ((n = asprintf(&s, "id: %lld\ndata: %s\n\n", (long long)id,
	    data)) == -1)
		fatal("%s: asprintf", __func__);
	free(data);
	*len = n;
	return (s);
}

static void
stream_free(struct sclient *sc)
{
	struct held	*h;

	if (sc->call != NULL)
		api_query_cancel(sc->call);
	while ((h = TAILQ_FIRST(&sc->held)) != NULL) {
		TAILQ_REMOVE(&sc->held, h, entry);
		free(h);
	}
	TAILQ_REMOVE(&clients, sc, entry);
	nclients--;
	api_filter_free(&sc->f);
	json_decref(sc->params);
	free(sc->out);
	free(sc);
}

static void
stream_closed(struct conn *c, void *arg)
{
	stream_free(arg);
}

/* The client is too slow: say so and end the stream. */
static void
stream_gap(struct sclient *sc, const char *why)
{
	char	 buf[256];
	int	 n;

	sse_gaps++;
	n = snprintf(buf, sizeof(buf), "event: gap\ndata: {\"reason\":\"%s\","
	    "\"last_id\":%lld}\n\n", why, (long long)sc->last_id);
	resp_watch(sc->conn, NULL, NULL, NULL);
	resp_chunk(sc->conn, buf, n);
	resp_end(sc->conn);
	stream_free(sc);
}

/* The token no longer holds: say why and end the stream. */
static void
stream_unauthorized(struct sclient *sc, const char *why)
{
	char	 buf[128];
	int	 n;

	n = snprintf(buf, sizeof(buf), "event: error\ndata: {\"status\":401,"
	    "\"reason\":\"%s\"}\n\n", why);
	resp_watch(sc->conn, NULL, NULL, NULL);
	/* inside a replay page an event may be half written: just end */
	if (sc->out == NULL)
		resp_chunk(sc->conn, buf, n);
	resp_end(sc->conn);
	stream_free(sc);
}

/* End the streams of tokens that expired or were revoked. */
static void
stream_tokens(void)
{
	struct sclient	*sc, *next;
	time_t		 now = time(NULL);

	for (sc = TAILQ_FIRST(&clients); sc != NULL; sc = next) {
		next = TAILQ_NEXT(sc, entry);
		/* the leeway jwt_verify() allows, so both agree */
		if (sc->exp <= now - JWT_LEEWAY)
			stream_unauthorized(sc, "token expired");
		else if (auth_revoked(sc->jti, now))
			stream_unauthorized(sc, "token revoked");
	}
}

/* Send one event now; 0, or -1 when the stream ended in a gap. */
static int
stream_send(struct sclient *sc, int64_t id, const char *text, size_t len)
{
	if (id <= sc->last_id)
		return (0);
	if (resp_queued(sc->conn) + len > SSE_MAX_QUEUED ||
	    resp_chunk(sc->conn, text, len) == -1) {
		stream_gap(sc, "the client did not keep up");
		return (-1);
	}
	sc->last_id = id;
	sse_events++;
	return (0);
}

static void
stream_live(const struct event_view *v)
{
	struct sclient	*sc, *next;
	struct held	*h;
	json_t		*js = NULL;
	char		*text = NULL;
	size_t		 len = 0, i;
	time_t		 now = time(NULL);

	i = now % (SSE_RATE_WINDOW + 1);
	if (committed_at[i] != now) {
		committed_at[i] = now;
		committed[i] = 0;
	}
	committed[i]++;

	for (sc = TAILQ_FIRST(&clients); sc != NULL; sc = next) {
		next = TAILQ_NEXT(sc, entry);
		if (v->h.id <= sc->last_id || !api_filter_match(&sc->f, v))
			continue;
		if (text == NULL) {
			js = api_event_json(v);
			text = sse_format(v->h.id, js, &len);
			json_decref(js);
		}
		if (sc->live) {
			stream_send(sc, v->h.id, text, len);
			continue;
		}
		/* replaying: hold it back, within bounds */
		if (sc->heldbytes + len > SSE_MAX_HELD) {
			while ((h = TAILQ_FIRST(&sc->held)) != NULL) {
				TAILQ_REMOVE(&sc->held, h, entry);
				free(h);
			}
			sc->heldbytes = 0;
			sc->dropped = 1;
		}
		if ((h = malloc(sizeof(*h) + len)) == NULL)
			fatal("%s: malloc", __func__);
		h->id = v->h.id;
		h->len = len;
		memcpy(h->text, text, len);
		TAILQ_INSERT_TAIL(&sc->held, h, entry);
		sc->heldbytes += len;
	}
	free(text);
}

static void
stream_keepalive(int fd, short events, void *arg)
{
	struct timeval	 tv = { SSE_KEEPALIVE, 0 };
	struct sclient	*sc;
	static const char ka[] = ": keepalive\n\n";

	stream_tokens();
	/* never inside a replay page, which is written in pieces */
	TAILQ_FOREACH(sc, &clients, entry)
		if (sc->out == NULL && resp_queued(sc->conn) < SSE_MAX_QUEUED)
			resp_chunk(sc->conn, ka, sizeof(ka) - 1);
	evtimer_add(&keepalive_ev, &tv);
}

/* The database has nothing newer: what was held back, then live. */
static void
go_live(struct sclient *sc)
{
	struct held	*h;

	sc->live = 1;
	json_decref(sc->params);
	sc->params = NULL;
	while ((h = TAILQ_FIRST(&sc->held)) != NULL) {
		TAILQ_REMOVE(&sc->held, h, entry);
		sc->heldbytes -= h->len;
		if (stream_send(sc, h->id, h->text, h->len) == -1) {
			free(h);
			return;		/* sc is gone */
		}
		free(h);
	}
}

/* Write the replay page; when written, the next page or live. */
static void
stream_drain(struct conn *c, void *arg)
{
	struct sclient	*sc = arg;
	size_t		 n;

	if (sc->out == NULL)
		return;
	while (sc->outoff < sc->outlen) {
		n = sc->outlen - sc->outoff;
		if (n > SERVER_OUT_LOW)
			n = SERVER_OUT_LOW;
		if (resp_chunk(c, sc->out + sc->outoff, n) == -1)
			return;
		sc->outoff += n;
	}
	free(sc->out);
	sc->out = NULL;
	sc->outlen = sc->outoff = 0;
	if (sc->more || sc->dropped) {
		sc->dropped = 0;
		replay_page(sc);
	} else
		go_live(sc);
}

static void
replay_page(struct sclient *sc)
{
	json_object_set_new(sc->params, "after_id",
	    json_integer(sc->last_id));
	if ((sc->call = api_query(QK_EVENTS, sc->params, API_BUDGET_MS,
	    replay_done, sc)) == NULL) {
		stream_gap(sc, "no query process could replay");
		return;
	}
}

/* A page of events after last_id, oldest first, as SSE text. */
static void
replay_done(struct api_call *call, int status, const char *detail)
{
	struct sclient	*sc = call->arg;
	const char	*line, *e;
	json_t		*js;
	char		*text;
	size_t		 len, cap = 0;
	int64_t		 id;

	sc->call = NULL;
	if (status != 200) {
		stream_gap(sc, "the database could not replay");
		return;
	}
	sc->more = json_is_true(json_object_get(call->meta, "more"));
	for (line = call->body; *line != '\0'; line = *e ? e + 1 : e) {
		e = line + strcspn(line, "\n");
		if (e == line)
			continue;
		if ((js = json_loadb(line, e - line, 0, NULL)) == NULL)
			continue;
		id = json_integer_value(json_object_get(js, "id"));
		text = sse_format(id, js, &len);
		json_decref(js);
		if (sc->outlen + len > cap) {
			cap = (sc->outlen + len) * 2;
			if ((sc->out = realloc(sc->out, cap)) == NULL)
				fatal("%s: realloc", __func__);
		}
		memcpy(sc->out + sc->outlen, text, len);
		sc->outlen += len;
		free(text);
		if (id > sc->last_id)
			sc->last_id = id;
		sse_events++;
	}
	if (sc->out == NULL && (sc->out = strdup("")) == NULL)
		fatal("%s: strdup", __func__);
	sc->outoff = 0;
	stream_drain(sc->conn, sc);
}

void
stream_events(struct request *req)
{
	struct sclient	*sc;
	struct principal p;
	const char	*hdr, *tok, *since, *errstr;
	const char	*err = "bad parameters";
	char		 bearer[4096], jti[ROUTER_MAX_JTI];
	char		 retry_after[64];
	time_t		 exp;
	int64_t		 since_id = -1;
	int		 retry;
	static const char hello[] = "retry: 2000\n: stream open\n\n";
	static const char *const extra[] = { "since_id", NULL };

	if ((hdr = request_header(req, "Authorization")) == NULL &&
	    (tok = request_query(req, "access_token")) != NULL) {
		snprintf(bearer, sizeof(bearer), "Bearer %s", tok);
		hdr = bearer;
	}
	if (hdr == NULL || auth_bearer_exp(hdr, time(NULL), &p, jti,
	    sizeof(jti), &exp) == -1) {
		http_problem_ex(req->conn, 401, NULL, hdr == NULL ?
		    "a bearer token is required" : auth_bearer_reason(),
		    "WWW-Authenticate: Bearer realm=\"siemd\"\r\n");
		return;
	}
	if (auth_ratelimit(jti, time(NULL), &retry) == -1) {
		snprintf(retry_after, sizeof(retry_after),
		    "Retry-After: %d\r\n", retry > 0 ? retry : 1);
		http_problem_ex(req->conn, 429, NULL, "too many requests for "
		    "this token", retry_after);
		return;
	}
	if ((since = request_header(req, "Last-Event-ID")) == NULL)
		since = request_query(req, "since_id");
	if (since != NULL && *since != '\0') {
		since_id = strtonum(since, 0, INT64_MAX, &errstr);
		if (errstr != NULL) {
			http_problem(req->conn, 400,
			    "since_id, Last-Event-ID: an event id");
			return;
		}
	}
	if (nclients >= SSE_MAX_CLIENTS) {
		http_problem(req->conn, 503, "too many live streams");
		return;
	}
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		fatal("%s: calloc", __func__);
	TAILQ_INIT(&sc->held);
	if (api_filter_parse(&sc->f, req->query, req->nquery, api_now(),
	    extra, &err) == -1) {
		free(sc);
		http_problem(req->conn, 400, err);
		return;
	}
	sc->conn = req->conn;
	strlcpy(sc->jti, jti, sizeof(sc->jti));
	sc->exp = exp;
	sc->live = since_id < 0;
	sc->last_id = since_id < 0 ? 0 : since_id;
	TAILQ_INSERT_TAIL(&clients, sc, entry);
	nclients++;
	sse_streams++;
	resp_start(req->conn, 200, "text/event-stream",
	    "X-Accel-Buffering: no\r\n");
	resp_chunk(req->conn, hello, sizeof(hello) - 1);
	resp_watch(req->conn, stream_drain, stream_closed, sc);
	if (!sc->live) {
		sc->params = json_deep_copy(sc->f.json);
		json_object_set_new(sc->params, "order", json_string("asc"));
		json_object_set_new(sc->params, "format",
		    json_string("jsonl"));
		json_object_set_new(sc->params, "limit",
		    json_integer(SSE_REPLAY_PAGE));
		json_object_set_new(sc->params, "max_bytes",
		    json_integer(SSE_REPLAY_BYTES));
		replay_page(sc);
	}
}
