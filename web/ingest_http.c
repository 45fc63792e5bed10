/*
 * POST /ingest: events over HTTPS with an ingest key.  The body is
 * one JSON object, an array of objects, or JSON lines.  Every record
 * goes to a parser (all of one request to the same one, the next
 * request to the next parser) as an IMSG_RECORDS record of kind
 * SOURCE_HTTP whose id is this request's number; the parser stamps
 * the request's events with it and the store acknowledges them by
 * that number once they are committed.  The answer, 202, comes only
 * when the store has acknowledged every record:
 *
 *	{"accepted": N, "stored": N, "errors": [{"line": n, "error": "..."}]}
 *
 * A line that is not valid JSON is reported in errors and still sent:
 * the parser stores it as a parse_error event with its raw bytes, so
 * nothing a client sends is lost.  In an array, "line" is the
 * element's position (1 is the first).  If the store has not confirmed
 * within INGEST_HTTP_TIMEOUT seconds the answer is 503; the records
 * already sent are stored all the same.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/uio.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "live.h"
#include "api.h"

#define INGEST_HTTP_TIMEOUT	10	/* seconds to wait for the store */
#define INGEST_HTTP_MAX_ERRORS	100	/* errors listed in an answer */
#define INGEST_HTTP_MAX_WAIT	256	/* requests waiting at once */
#define INGEST_HTTP_MAX_QUEUED	(32 * 1024 * 1024)	/* to one parser */

struct ireq {
	TAILQ_ENTRY(ireq)	 entry;
	uint32_t		 reqid;
	uint32_t		 ticket;
	uint32_t		 accepted;
	uint32_t		 stored;
	json_t			*errors;
	struct event		 timer;
};

/* Records of one request on their way to a parser. */
struct ibatch {
	struct ireq		*ir;
	struct imsgev		*parser;
	const char		*peer;
	int64_t			 now;
	uint8_t			*buf;
	size_t			 len;
	int			 failed;
	int			 nerrors;
};

static TAILQ_HEAD(, ireq)	 ireqs = TAILQ_HEAD_INITIALIZER(ireqs);
static struct proc_ctx		*ictx;
static uint32_t			 next_reqid;
static int			 nwaiting;
static int			 next_parser;
static uint64_t			 requests, records, bad_records, timeouts;

static void	 ingest_ack(uint32_t, uint32_t);
static void	 ingest_timeout(int, short, void *);
static void	 ingest_closed(struct conn *, void *);
static void	 ireq_free(struct ireq *);

void
ingest_http_init(struct proc_ctx *ctx)
{
	ictx = ctx;
	live_ack_hook = ingest_ack;
}

json_t *
ingest_http_counters(void)
{
	return (json_pack("{s:I, s:I, s:I, s:I, s:i}",
	    "requests", (json_int_t)requests,
	    "records", (json_int_t)records,
	    "bad_records", (json_int_t)bad_records,
	    "timeouts", (json_int_t)timeouts,
	    "waiting", nwaiting));
}

static void
ireq_free(struct ireq *ir)
{
	evtimer_del(&ir->timer);
	TAILQ_REMOVE(&ireqs, ir, entry);
	nwaiting--;
	json_decref(ir->errors);
	free(ir);
}

static void
ingest_answer(struct ireq *ir)
{
	struct conn	*c;
	json_t		*js;

	if ((c = request_lookup(ir->ticket)) != NULL) {
		resp_watch(c, NULL, NULL, NULL);
		js = json_pack("{s:I, s:I, s:O}",
		    "accepted", (json_int_t)ir->accepted,
		    "stored", (json_int_t)ir->stored,
		    "errors", ir->errors);
		resp_json(c, 202, js);
		json_decref(js);
	}
	ireq_free(ir);
}

static void
ingest_ack(uint32_t reqid, uint32_t stored)
{
	struct ireq	*ir;

	TAILQ_FOREACH(ir, &ireqs, entry) {
		if (ir->reqid != reqid)
			continue;
		ir->stored += stored;
		if (ir->stored >= ir->accepted)
			ingest_answer(ir);
		return;
	}
}

static void
ingest_timeout(int fd, short events, void *arg)
{
	struct ireq	*ir = arg;
	struct conn	*c;
	char		 detail[128];

	timeouts++;
	if ((c = request_lookup(ir->ticket)) != NULL) {
		resp_watch(c, NULL, NULL, NULL);
		snprintf(detail, sizeof(detail), "the store confirmed %u of "
		    "%u records in time; the rest may still be stored",
		    ir->stored, ir->accepted);
		http_problem(c, 503, detail);
	}
	ireq_free(ir);
}

static void
ingest_closed(struct conn *c, void *arg)
{
	ireq_free(arg);
}

static void
batch_flush(struct ibatch *b)
{
	if (b->len == 0 || b->failed)
		return;
	if (imsgev_compose(b->parser, IMSG_RECORDS, 0, -1, b->buf,
	    b->len) == -1) {
		log_warn("%s: compose", __func__);
		b->failed = 1;
	}
	b->len = 0;
}

/* One record: into the batch, its error (if any) into the answer. */
static void
batch_add(void *arg, const char *data, size_t len, int line,
    const char *err)
{
	struct ibatch		*b = arg;
	struct record_hdr	 rh;
	size_t			 peerlen = strlen(b->peer), need;

	memset(&rh, 0, sizeof(rh));
	if (len > SIEMD_MAX_LINE) {
		len = SIEMD_MAX_LINE;
		rh.flags |= RECORD_TRUNCATED;
	}
	if (peerlen > 255)
		peerlen = 255;
	rh.len = len;
	rh.kind = SOURCE_HTTP;
	rh.peerlen = peerlen;
	rh.id = b->ir->reqid;
	rh.received_at = b->now;
	rh.offset = -1;
	need = sizeof(rh) + peerlen + len;
	if (b->len + need > RECORDS_BATCH_MAX)
		batch_flush(b);
	if ((b->buf = realloc(b->buf, b->len + need)) == NULL)
		fatal("%s: realloc", __func__);
	memcpy(b->buf + b->len, &rh, sizeof(rh));
	memcpy(b->buf + b->len + sizeof(rh), b->peer, peerlen);
	memcpy(b->buf + b->len + sizeof(rh) + peerlen, data, len);
	b->len += need;
	b->ir->accepted++;
	records++;
	if (err != NULL) {
		bad_records++;
		if (b->nerrors++ < INGEST_HTTP_MAX_ERRORS)
			json_array_append_new(b->ir->errors, json_pack(
			    "{s:i, s:s}", "line", line, "error", err));
	}
}

static const char *
json_error_of(const char *s, size_t len, json_t **out)
{
	json_error_t	 jerr;
	json_t		*js;

	*out = NULL;
	if ((js = json_loadb(s, len, 0, &jerr)) == NULL)
		return ("invalid JSON");
	if (!json_is_object(js)) {
		json_decref(js);
		return ("not a JSON object");
	}
	*out = js;
	return (NULL);
}

/*
 * Split a body into records: an array's elements, a single object
 * (which may span lines), or lines.  cb(arg, bytes, len, line, error)
 * for each; the number of records.
 */
int
ingest_http_split(const uint8_t *body, size_t len,
    void (*cb)(void *, const char *, size_t, int, const char *), void *arg)
{
	const char	*s = (const char *)body, *end = s + len, *e, *p;
	json_t		*js, *v;
	char		*one;
	const char	*err;
	size_t		 i, n;
	int		 line = 0, count = 0;

	/* a UTF-8 byte order mark, then white space */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end && strchr(" \t\r\n", *s) != NULL && *s != '\0')
		s++;
	if (s < end && (*s == '[' || *s == '{')) {
		js = json_loadb(s, end - s, 0, NULL);
		if (json_is_array(js)) {
			json_array_foreach(js, i, v) {
				if ((one = json_dumps(v, JSON_COMPACT |
				    JSON_ENCODE_ANY)) == NULL)
					fatalx("%s: json_dumps", __func__);
				cb(arg, one, strlen(one), i + 1,
				    json_is_object(v) ? NULL :
				    "not a JSON object");
				free(one);
				count++;
			}
			json_decref(js);
			return (count);
		}
		if (json_is_object(js)) {
			if ((one = json_dumps(js, JSON_COMPACT)) == NULL)
				fatalx("%s: json_dumps", __func__);
			cb(arg, one, strlen(one), 1, NULL);
			free(one);
			json_decref(js);
			return (1);
		}
		json_decref(js);
	}
	/* JSON lines */
	for (p = (const char *)body; p < end; p = e + 1) {
		line++;
		if ((e = memchr(p, '\n', end - p)) == NULL)
			e = end;
		n = e - p;
		if (line == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			n -= 3;
		}
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (i = 0; i < n && strchr(" \t", p[i]) != NULL; i++)
			;
		if (i == n)
			continue;
		err = json_error_of(p, n, &js);
		json_decref(js);
		cb(arg, p, n, line, err);
		count++;
		if (e == end)
			break;
	}
	return (count);
}

void
ingest_http(struct request *req)
{
	struct ibatch	 b;
	struct ireq	*ir;
	struct imsgev	*iev = NULL;
	struct timeval	 tv = { INGEST_HTTP_TIMEOUT, 0 };
	struct timespec	 ts;
	int		 i, n;

	requests++;
	if (req->body == NULL || req->bodylen == 0) {
		http_problem(req->conn, 400, "the body is empty");
		return;
	}
	if (nwaiting >= INGEST_HTTP_MAX_WAIT) {
		http_problem_ex(req->conn, 503, NULL,
		    "too many ingest requests waiting", "Retry-After: 1\r\n");
		return;
	}
	for (i = 0; i < PROC_MAX_INSTANCES && iev == NULL; i++) {
		next_parser = (next_parser + 1) % PROC_MAX_INSTANCES;
		iev = proc_peer(ictx, PROC_PARSER, next_parser);
	}
	if (iev == NULL) {
		http_problem(req->conn, 503, "no parser to take the events");
		return;
	}
	/* the store is behind and the parser stopped reading: say so */
	if (imsgbuf_queued(&iev->ibuf) > INGEST_HTTP_MAX_QUEUED) {
		http_problem_ex(req->conn, 503, NULL, "the parsers are busy",
		    "Retry-After: 1\r\n");
		return;
	}
	if ((ir = calloc(1, sizeof(*ir))) == NULL ||
	    (ir->errors = json_array()) == NULL)
		fatal("%s: calloc", __func__);
	/* 0 is the login audit's; it never waits */
	if (++next_reqid == 0)
		next_reqid = 1;
	ir->reqid = next_reqid;
	ir->ticket = request_ticket(req->conn);
	TAILQ_INSERT_TAIL(&ireqs, ir, entry);
	nwaiting++;
	evtimer_assign(&ir->timer, ictx->evbase, ingest_timeout, ir);

	memset(&b, 0, sizeof(b));
	b.ir = ir;
	b.parser = iev;
	b.peer = req->client;
	clock_gettime(CLOCK_REALTIME, &ts);
	b.now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	n = ingest_http_split(req->body, req->bodylen, batch_add, &b);
	batch_flush(&b);
	free(b.buf);
	if (n == 0) {
		ireq_free(ir);
		http_problem(req->conn, 400, "no records in the body");
		return;
	}
	if (b.failed) {
		ireq_free(ir);
		http_problem_ex(req->conn, 503, NULL, "the parsers are busy",
		    "Retry-After: 1\r\n");
		return;
	}
	if (ir->stored >= ir->accepted) {
		ingest_answer(ir);
		return;
	}
	evtimer_add(&ir->timer, &tv);
	resp_watch(req->conn, NULL, ingest_closed, ir);
}
