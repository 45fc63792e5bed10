/*
 * The alert side of the API.  Reads go to a query process like every
 * other read (QK_ALERTS, QK_ALERT, ...); changes go to the store as
 * IMSG_TRIAGE, with the principal's user as "who", and are answered
 * when the store's IMSG_TRIAGE_DONE comes back (store_triage.h says
 * what is checked there: transitions, values, history).  Here only
 * the shape of a request is checked: query parameters, that a body is
 * a JSON object, ids in paths, and times in ISO 8601.
 *
 * GET /alerts:
 *   - status, severity, rule (or rule_id), assignee: repeatable or
 *     comma-separated, ORed within a field, ANDed across; assignee
 *     "none" is an alert nobody is assigned to.
 *   - from, to: on last_seen, ISO 8601 or relative (-24h), inclusive.
 *   - q: a substring of title or group_key (ASCII case ignored).
 *   - limit: 1 to 500 (larger is taken as 500), default 50.
 *   - Alerts most recently updated first (a triage change or a new
 *     match moves an alert up).  cursor: the next_cursor of the last
 *     page; it holds (updated_at, id) of the last alert and a hash of
 *     the parameters as written, under the server's cursor key (see
 *     api.c), so relative times are resolved again on each page.  An
 *     alert updated while paging moves above the pages already read
 *     and is not read twice.
 *
 * GET /stream/alerts: server-sent events, one per alert created or
 * changed, data {"change": "created" | "updated", "alert": {...}}.
 * An update that detection merged into an alert (a new match) is read
 * back from the database first, so that a stream shows what the API
 * would; a triage change arrives from the store whole.  A client that
 * does not keep up gets ALERTS_SSE_QUEUED bytes of slack, then
 * "event: gap" and the end of the stream; a comment every
 * ALERTS_SSE_KEEPALIVE seconds keeps proxies from closing it.  Auth
 * as /stream/events: a bearer token in Authorization or access_token.
 * Each message's id is the alert's updated_at (µs): a client that
 * reconnects with Last-Event-ID (or ?since=) first gets every alert
 * changed after it, oldest change first, then the live ones; news that
 * arrives meanwhile makes it read again from where it got, so that no
 * older state follows a newer one.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "siemd.h"
#include "store_triage.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "auth.h"
#include "live.h"
#include "api.h"
#include "api_alerts.h"

/* What the store's answer becomes. */
enum answer {
	ANS_ALERT,		/* 200, the alert */
	ANS_BULK,		/* 200, {"data": results} */
	ANS_NOTE,		/* 201, the note */
	ANS_SILENCE,		/* 201, the silence */
	ANS_ENTRY,		/* 201, the allow-list entry */
	ANS_SILENCE_EDITED,	/* 200, the silence */
	ANS_ENTRY_EDITED,	/* 200, the allow-list entry */
	ANS_DELETED		/* 204 */
};

struct pending {
	TAILQ_ENTRY(pending)	 entry;
	uint32_t		 reqid;
	uint32_t		 ticket;
	enum answer		 answer;
};

struct aclient {
	TAILQ_ENTRY(aclient)	 entry;
	struct conn		*conn;
	struct api_call		*call;		/* catching up */
	int64_t			 last;		/* updated_at last sent */
	int			 missed;	/* live news while catching up */
	int			 resumed;	/* the first read is done */
	char			 jti[ROUTER_MAX_JTI];	/* the token's */
	time_t			 exp;
};

/* A merged alert being read back for the streams. */
struct fetch {
	int64_t			 id;
	int			 again;	/* merged again meanwhile */
	int			 busy;
};

struct alerts_ctx {
	int64_t			 now;
	uint8_t			 hash[API_HASH_LEN];
};

static const char *statuses[] = {
	"new", "acknowledged", "in_progress", "resolved", "false_positive"
};
static const char *severities[] = {
	"info", "low", "medium", "high", "critical"
};

static struct {
	struct proc_ctx		*ctx;
	TAILQ_HEAD(, pending)	 pending;
	int			 npending;
	uint32_t		 next_reqid;
	TAILQ_HEAD(, aclient)	 clients;
	int			 nclients;
	struct event		 keepalive_ev;
	struct fetch		 fetches[ALERTS_MAX_FETCH];
	uint64_t		 triage;	/* requests sent */
	uint64_t		 triage_lost;	/* could not be sent */
	uint64_t		 sent;		/* stream messages */
	uint64_t		 gaps;
	uint64_t		 missed;	/* merges not read back */
} al;

static void	 triage_done(uint32_t, const char *);
static void	 alert_live(json_t *);
static void	 stream_keepalive(int, short, void *);
static void	 broadcast(const char *, json_t *);
static void	 fetch_start(struct fetch *);
static void	 fetch_done(struct api_call *, int, const char *);

/* The allowlist statements of siemd.conf, shown beside the API's. */
static json_t	*conf_allow;
static void	(*prev_revoke_hook)(void);
static void	 clients_tokens(void);
static void	 clients_check(void);

void
alerts_conf(json_t *api)
{
	json_t	*a, *v;
	size_t	 i;

	json_decref(conf_allow);
	if ((conf_allow = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	a = json_object_get(api, "allowlist");
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			json_array_append_new(conf_allow, json_pack("{s:n, s:O,"
			    " s:s, s:s, s:n}", "id", "cidr", v, "comment",
			    "siemd.conf", "owner", "config", "created_at"));
}

void
alerts_init(struct proc_ctx *ctx)
{
	struct timeval	 tv = { ALERTS_SSE_KEEPALIVE, 0 };

	al.ctx = ctx;
	TAILQ_INIT(&al.pending);
	TAILQ_INIT(&al.clients);
	live_triage_hook = triage_done;
	live_alert_hook = alert_live;
	prev_revoke_hook = auth_revoke_hook;
	auth_revoke_hook = clients_tokens;
	evtimer_assign(&al.keepalive_ev, ctx->evbase, stream_keepalive, NULL);
	evtimer_add(&al.keepalive_ev, &tv);
}

json_t *
alerts_counters(void)
{
	return (json_pack("{s:I, s:I, s:i, s:i, s:I, s:I, s:I}",
	    "triage", (json_int_t)al.triage,
	    "triage_lost", (json_int_t)al.triage_lost,
	    "pending", al.npending,
	    "stream_clients", al.nclients,
	    "stream_sent", (json_int_t)al.sent,
	    "stream_gaps", (json_int_t)al.gaps,
	    "stream_missed", (json_int_t)al.missed));
}

/* common parts ------------------------------------------------------ */

static int
in_list(const char *s, const char **list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return (1);
	return (0);
}

/* A positive id from the path, or 0 after answering 404 with what. */
static int64_t
path_id(struct request *req, const char *what)
{
	const char	*id = request_param(req, "id"), *errstr;
	long long	 n;

	n = strtonum(id ? id : "", 1, INT64_MAX, &errstr);
	if (errstr != NULL) {
		http_problem(req->conn, 404, what);
		return (0);
	}
	return (n);
}

/* Only these query parameters (and access_token); else 400. */
static int
params_only(struct request *req, const char *const *allowed)
{
	const char *const	*a;
	int			 i;

	for (i = 0; i < req->nquery; i++) {
		if (strcmp(req->query[i].name, "access_token") == 0)
			continue;
		for (a = allowed; a != NULL && *a != NULL; a++)
			if (strcmp(req->query[i].name, *a) == 0)
				break;
		if (a == NULL || *a == NULL) {
			http_problem(req->conn, 400,
			    "unknown query parameter");
			return (-1);
		}
	}
	return (0);
}

/* {"data": body} where the body is a JSON array. */
static void
done_list(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;
	char		*out;
	int		 n;

	if ((c = api_call_conn(call, status, detail)) == NULL)
		return;
	if ((n = asprintf(&out, "{\"data\":%s}", call->body)) == -1)
		fatal("%s: asprintf", __func__);
	resp_send(c, 200, "application/json", NULL, out, n);
	free(out);
}

static void
done_plain(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;

	if ((c = api_call_conn(call, status, detail)) != NULL)
		resp_send(c, 200, "application/json", NULL, call->body,
		    call->len);
}

/*
 * The body of a change: a JSON object without the members the server
 * sets (op, who, id).  NULL when answered already.
 */
static json_t *
req_body(struct request *req, const char *members)
{
	const char	*type = request_header(req, "Content-Type");
	json_t		*body;

	if (type == NULL || strncasecmp(type, "application/json", 16) != 0 ||
	    (type[16] != '\0' && type[16] != ';' && type[16] != ' ')) {
		http_problem(req->conn, 415, "send application/json");
		return (NULL);
	}
	body = req->body == NULL ? NULL : json_loadb((const char *)req->body,
	    req->bodylen, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(body)) {
		json_decref(body);
		http_problem(req->conn, 400, "the body must be a JSON object");
		return (NULL);
	}
	if (json_object_get(body, "op") != NULL ||
	    json_object_get(body, "who") != NULL ||
	    json_object_get(body, "id") != NULL) {
		json_decref(body);
		http_problem(req->conn, 400, members);
		return (NULL);
	}
	return (body);
}

/* triage at the store ------------------------------------------------- */

/*
 * Send a change to the store, as op by the principal; the answer
 * comes to triage_done().  Consumes body.
 */
static void
triage_send(struct request *req, json_t *body, const char *op,
    enum answer answer)
{
	struct triage_msg	 tm;
	struct iovec		 iov[2];
	struct imsgev		*iev;
	struct pending		*p, *next;
	char			*text;

	json_object_set_new(body, "op", json_string(op));
	json_object_set_new(body, "who", json_string(req->principal.user));
	if (al.npending >= ALERTS_MAX_PENDING) {
		/* forget those whose client has gone */
		for (p = TAILQ_FIRST(&al.pending); p != NULL; p = next) {
			next = TAILQ_NEXT(p, entry);
			if (request_lookup(p->ticket) != NULL)
				continue;
			TAILQ_REMOVE(&al.pending, p, entry);
			al.npending--;
			free(p);
		}
	}
	if ((text = json_dumps(body, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	json_decref(body);
	if (al.npending >= ALERTS_MAX_PENDING ||
	    strlen(text) + 1 + sizeof(tm) > SIEMD_MAX_PAYLOAD ||
	    (iev = proc_peer(al.ctx, PROC_STORE, 0)) == NULL) {
		free(text);
		al.triage_lost++;
		http_problem(req->conn, 503, "the store cannot take changes "
		    "now; try again");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("%s: calloc", __func__);
	if (++al.next_reqid == 0)
		al.next_reqid = 1;
	p->reqid = al.next_reqid;
	p->ticket = request_ticket(req->conn);
	p->answer = answer;
	memset(&tm, 0, sizeof(tm));
	tm.reqid = p->reqid;
	iov[0].iov_base = &tm;
	iov[0].iov_len = sizeof(tm);
	iov[1].iov_base = text;
	iov[1].iov_len = strlen(text) + 1;
	if (imsgev_composev(iev, IMSG_TRIAGE, 0, -1, iov, 2) == -1) {
		log_warn("%s: compose", __func__);
		free(text);
		free(p);
		al.triage_lost++;
		http_problem(req->conn, 503, "the store cannot take changes "
		    "now; try again");
		return;
	}
	free(text);
	TAILQ_INSERT_TAIL(&al.pending, p, entry);
	al.npending++;
	al.triage++;
}

/* 201 with a member of the store's answer. */
static void
answer_member(struct conn *c, json_t *js, const char *name, int status)
{
	json_t	*v;

	if ((v = json_object_get(js, name)) == NULL)
		http_problem(c, 503, "the store sent nonsense");
	else
		resp_json(c, status, v);
}

/* live_triage_hook: the store's answer. */
static void
triage_done(uint32_t reqid, const char *text)
{
	struct pending	*p;
	struct conn	*c;
	json_t		*js, *v;
	const char	*detail;
	int		 status;

	TAILQ_FOREACH(p, &al.pending, entry)
		if (p->reqid == reqid)
			break;
	if (p == NULL)
		return;		/* forgotten: its client had gone */
	TAILQ_REMOVE(&al.pending, p, entry);
	al.npending--;
	c = request_lookup(p->ticket);
	js = json_loads(text, 0, NULL);
	status = json_integer_value(json_object_get(js, "status"));
	detail = json_string_value(json_object_get(js, "detail"));
	if (c == NULL)
		;
	else if (status < 200 || status > 599)
		http_problem(c, 503, "the store sent nonsense");
	else if (status >= 300)
		http_problem(c, status, detail ? detail : "refused");
	else {
		switch (p->answer) {
		case ANS_ALERT:
			if ((v = json_object_get(js, "alert")) == NULL)
				v = json_pack("{s:s}", "status", "changed");
			else
				json_incref(v);
			resp_json(c, 200, v);
			json_decref(v);
			break;
		case ANS_BULK:
			v = json_pack("{s:O}", "data",
			    json_object_get(js, "results"));
			resp_json(c, 200, v);
			json_decref(v);
			break;
		case ANS_NOTE:
			answer_member(c, js, "note", 201);
			break;
		case ANS_SILENCE:
			answer_member(c, js, "silence", 201);
			break;
		case ANS_ENTRY:
			answer_member(c, js, "entry", 201);
			break;
		case ANS_SILENCE_EDITED:
			answer_member(c, js, "silence", 200);
			break;
		case ANS_ENTRY_EDITED:
			answer_member(c, js, "entry", 200);
			break;
		case ANS_DELETED:
			resp_send(c, 204, NULL, NULL, NULL, 0);
			break;
		}
	}
	json_decref(js);
	free(p);
}

/* GET /alerts ----------------------------------------------------------- */

/* Values of one filter into params[key]; -1 with *err set. */
static int
filter_values(json_t *params, const char *key, const char *v,
    const char **err)
{
	char		 buf[API_MAX_VALUE + 1];
	const char	*e;
	json_t		*a, *s;
	size_t		 len, i;

	for (; *v != '\0'; v = *e ? e + 1 : e) {
		e = v + strcspn(v, ",");
		while (v < e && *v == ' ')
			v++;
		if ((len = e - v) == 0)
			continue;
		if (len > API_MAX_VALUE) {
			*err = "a filter value is too long";
			return (-1);
		}
		memcpy(buf, v, len);
		buf[len] = '\0';
		if (strcmp(key, "severity") == 0) {
			for (i = 0; i < len; i++)
				buf[i] = tolower((unsigned char)buf[i]);
			if (!in_list(buf, severities, 5)) {
				*err = "severity: one of info, low, medium, "
				    "high, critical";
				return (-1);
			}
		}
		if (strcmp(key, "status") == 0 && !in_list(buf, statuses, 5)) {
			*err = "status: one of new, acknowledged, in_progress,"
			    " resolved, false_positive";
			return (-1);
		}
		if (strcmp(key, "assignee") == 0 && strcmp(buf, "none") == 0) {
			json_object_set_new(params, "unassigned", json_true());
			continue;
		}
		if ((a = json_object_get(params, key)) == NULL) {
			a = json_array();
			json_object_set_new(params, key, a);
		}
		if (json_array_size(a) == API_MAX_VALUES) {
			*err = "too many values for one filter";
			return (-1);
		}
		if ((s = json_string(buf)) == NULL) {
			*err = "a filter value is not UTF-8";
			return (-1);
		}
		json_array_append_new(a, s);
	}
	return (0);
}

/*
 * The query parameters of GET /alerts into the query's params, and a
 * hash of them as written (for cursors).  0, or -1 with *err set.
 */
static int
alerts_params(struct request *req, int64_t now, json_t *params,
    uint8_t *hash, const char **err)
{
	const char	*name, *v;
	json_t		*raw;
	char		*text;
	int64_t		 t;
	int		 i;

	raw = json_array();
	for (i = 0; i < req->nquery; i++) {
		name = req->query[i].name;
		v = req->query[i].value;
		if (strcmp(name, "cursor") == 0 ||
		    strcmp(name, "limit") == 0 ||
		    strcmp(name, "access_token") == 0)
			continue;
		json_array_append_new(raw, json_pack("[s?, s?]", name, v));
		if (strcmp(name, "status") == 0 ||
		    strcmp(name, "severity") == 0 ||
		    strcmp(name, "assignee") == 0) {
			if (filter_values(params, name, v, err) == -1)
				goto fail;
		} else if (strcmp(name, "rule") == 0 ||
		    strcmp(name, "rule_id") == 0) {
			if (filter_values(params, "rule_id", v, err) == -1)
				goto fail;
		} else if (strcmp(name, "from") == 0 ||
		    strcmp(name, "to") == 0) {
			if (api_time_parse(v, now, &t) == -1) {
				*err = "from, to: ISO 8601 "
				    "(2026-11-03T10:15:02Z) or relative "
				    "(now, -15m, -24h, -7d)";
				goto fail;
			}
			json_object_set_new(params, name, json_integer(t));
		} else if (strcmp(name, "q") == 0) {
			if (*v == '\0')
				continue;
			if (strlen(v) > API_MAX_Q || json_object_set_new(params,
			    "q", json_string(v)) == -1) {
				*err = "q: at most 1024 bytes of UTF-8";
				goto fail;
			}
		} else {
			*err = "unknown query parameter";
			goto fail;
		}
	}
	if (json_is_integer(json_object_get(params, "from")) &&
	    json_is_integer(json_object_get(params, "to")) &&
	    json_integer_value(json_object_get(params, "from")) >
	    json_integer_value(json_object_get(params, "to"))) {
		*err = "from is after to";
		goto fail;
	}
	if ((text = json_dumps(raw, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	crypto_generichash(hash, API_HASH_LEN, (const unsigned char *)text,
	    strlen(text), NULL, 0);
	free(text);
	json_decref(raw);
	return (0);
 fail:
	json_decref(raw);
	return (-1);
}

static void
done_alerts(struct api_call *call, int status, const char *detail)
{
	struct alerts_ctx	*x = call->arg;
	struct conn		*c;
	json_t			*last, *up;
	char			 cur[API_CURSOR_MAX], *out;
	int			 n;

	if ((c = api_call_conn(call, status, detail)) == NULL)
		return;
	last = json_object_get(call->meta, "last_id");
	up = json_object_get(call->meta, "last_updated");
	if (json_is_true(json_object_get(call->meta, "more")) &&
	    json_is_integer(last) && json_is_integer(up) &&
	    api_cursor_encode(json_integer_value(last),
	    json_integer_value(up), x->hash, cur, sizeof(cur)) == 0)
		n = asprintf(&out, "{\"data\":[%s],\"next_cursor\":\"%s\"}",
		    call->body, cur);
	else
		n = asprintf(&out, "{\"data\":[%s],\"next_cursor\":null}",
		    call->body);
	if (n == -1)
		fatal("%s: asprintf", __func__);
	resp_send(c, 200, "application/json", NULL, out, n);
	free(out);
}

void
api_alerts(struct request *req)
{
	struct alerts_ctx	*x;
	struct api_call		*call;
	const char		*err = "bad parameters", *cur, *v, *errstr;
	uint8_t			 chash[API_HASH_LEN];
	int64_t			 limit = ALERTS_DEFAULT_LIMIT, last = -1;
	int64_t			 updated = 0;
	json_t			*p;

	if ((v = request_query(req, "limit")) != NULL && *v != '\0') {
		limit = strtonum(v, 1, INT64_MAX, &errstr);
		if (errstr != NULL) {
			http_problem(req->conn, 400,
			    "limit: a number from 1 to 500");
			return;
		}
		if (limit > ALERTS_MAX_LIMIT)
			limit = ALERTS_MAX_LIMIT;
	}
	if ((cur = request_query(req, "cursor")) != NULL && *cur != '\0' &&
	    api_cursor_decode(cur, &last, &updated, chash) == -1) {
		http_problem(req->conn, 400, "cursor: not a cursor of this "
		    "server (cursors do not survive a restart)");
		return;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("%s: calloc", __func__);
	x->now = api_now();
	p = json_object();
	if (alerts_params(req, x->now, p, x->hash, &err) == -1) {
		http_problem(req->conn, 400, err);
		goto out;
	}
	if (last != -1) {
		if (sodium_memcmp(chash, x->hash, API_HASH_LEN) != 0) {
			http_problem(req->conn, 400,
			    "cursor: made for other filters");
			goto out;
		}
		json_object_set_new(p, "before_id", json_integer(last));
		json_object_set_new(p, "before_updated",
		    json_integer(updated));
	}
	json_object_set_new(p, "limit", json_integer(limit));
	if ((call = api_ask(req, QK_ALERTS, p, API_BUDGET_MS, done_alerts,
	    x)) != NULL) {
		call->freearg = 1;
		x = NULL;
	}
 out:
	json_decref(p);
	free(x);
}

/* GET /alerts/{id} ------------------------------------------------------ */

static void
done_found(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;

	if ((c = api_call_conn(call, status, detail)) == NULL)
		return;
	if (!json_is_true(json_object_get(call->meta, "found")))
		http_problem(c, 404, "no such alert");
	else
		resp_send(c, 200, "application/json", NULL, call->body,
		    call->len);
}

void
api_alert(struct request *req)
{
	int64_t	 id;
	json_t	*p;

	if ((id = path_id(req, "no such alert")) == 0 ||
	    params_only(req, NULL) == -1)
		return;
	p = json_pack("{s:I}", "id", (json_int_t)id);
	api_ask(req, QK_ALERT, p, API_BUDGET_MS, done_found, NULL);
	json_decref(p);
}

/* changes ----------------------------------------------------------------- */

#define UPDATE_MEMBERS	"the body may hold status, assignee and note only"

void
api_alert_patch(struct request *req)
{
	int64_t	 id;
	json_t	*body;

	if ((id = path_id(req, "no such alert")) == 0 ||
	    params_only(req, NULL) == -1 ||
	    (body = req_body(req, UPDATE_MEMBERS)) == NULL)
		return;
	json_object_set_new(body, "id", json_integer(id));
	triage_send(req, body, "update", ANS_ALERT);
}

void
api_alerts_bulk(struct request *req)
{
	json_t	*body;

	if (params_only(req, NULL) == -1 || (body = req_body(req,
	    "the body may hold ids, status, assignee and note only")) == NULL)
		return;
	triage_send(req, body, "bulk", ANS_BULK);
}

void
api_alert_note(struct request *req)
{
	int64_t	 id;
	json_t	*body;

	if ((id = path_id(req, "no such alert")) == 0 ||
	    params_only(req, NULL) == -1 ||
	    (body = req_body(req, "the body may hold note only")) == NULL)
		return;
	json_object_set_new(body, "id", json_integer(id));
	triage_send(req, body, "note", ANS_NOTE);
}

/* GET /alerts/stats ------------------------------------------------------ */

/*
 * window=24h (default: hours, the current one last) or 30d (days).
 * Counts by status, severity and rule are of alerts seen in the
 * window; "over_time" counts the alerts raised in each bucket; "open"
 * every alert not resolved or a false positive.
 */
void
api_alerts_stats(struct request *req)
{
	static const char *const allowed[] = { "window", NULL };
	const char	*w = request_query(req, "window");
	int64_t		 bucket, nb, now = api_now();
	json_t		*p;

	if (params_only(req, allowed) == -1)
		return;
	if (w == NULL || *w == '\0' || strcmp(w, "24h") == 0) {
		bucket = 3600LL * 1000000;
		nb = 24;
	} else if (strcmp(w, "30d") == 0) {
		bucket = 86400LL * 1000000;
		nb = 30;
	} else {
		http_problem(req->conn, 400, "window: 24h or 30d");
		return;
	}
	p = json_pack("{s:I, s:I, s:I}",
	    "since", (json_int_t)((now / bucket - nb + 1) * bucket),
	    "bucket", (json_int_t)bucket, "buckets", (json_int_t)nb);
	api_ask(req, QK_ALERT_STATS, p, API_BUDGET_MS, done_plain, NULL);
	json_decref(p);
}

/* silences and the allow-list ------------------------------------------- */

void
api_silences(struct request *req)
{
	static const char *const allowed[] = { "active", NULL };
	const char	*a = request_query(req, "active");
	json_t		*p;

	if (params_only(req, allowed) == -1)
		return;
	if (a != NULL && *a != '\0' && strcmp(a, "true") != 0 &&
	    strcmp(a, "false") != 0) {
		http_problem(req->conn, 400, "active: true or false");
		return;
	}
	p = json_pack("{s:b}", "active", a != NULL && strcmp(a, "true") == 0);
	api_ask(req, QK_SILENCES, p, API_BUDGET_MS, done_list, NULL);
	json_decref(p);
}

/*
 * The body of a silence, its expires_at (ISO 8601 here, µs at the
 * store, which checks it) converted; NULL when answered already.
 */
static json_t *
silence_body(struct request *req)
{
	json_t		*body, *exp;
	int64_t		 t;

	if (params_only(req, NULL) == -1 || (body = req_body(req,
	    "the body may hold rule_id, group_key, reason and expires_at "
	    "only")) == NULL)
		return (NULL);
	if ((exp = json_object_get(body, "expires_at")) != NULL) {
		if (!json_is_string(exp) ||
		    api_time_parse(json_string_value(exp), api_now(), &t) ==
		    -1) {
			json_decref(body);
			http_problem(req->conn, 400, "expires_at: an ISO 8601 "
			    "time (2026-11-04T08:00:00Z)");
			return (NULL);
		}
		json_object_set_new(body, "expires_at", json_integer(t));
	}
	return (body);
}

void
api_silence_add(struct request *req)
{
	json_t	*body;

	if ((body = silence_body(req)) != NULL)
		triage_send(req, body, "silence", ANS_SILENCE);
}

void
api_silence_delete(struct request *req)
{
	int64_t	 id;

	if ((id = path_id(req, "no such silence")) == 0 ||
	    params_only(req, NULL) == -1)
		return;
	triage_send(req, json_pack("{s:I}", "id", (json_int_t)id),
	    "unsilence", ANS_DELETED);
}

/* PATCH: the fields given change. */
void
api_silence_edit(struct request *req)
{
	json_t		*body;
	int64_t		 id;

	if ((id = path_id(req, "no such silence")) == 0 ||
	    (body = silence_body(req)) == NULL)
		return;
	json_object_set_new(body, "id", json_integer(id));
	triage_send(req, body, "silence_edit", ANS_SILENCE_EDITED);
}

void
api_allow_edit(struct request *req)
{
	json_t	*body;
	int64_t	 id;

	if ((id = path_id(req, "no such allow-list entry")) == 0 ||
	    params_only(req, NULL) == -1 || (body = req_body(req,
	    "the body may hold cidr and comment only")) == NULL)
		return;
	json_object_set_new(body, "id", json_integer(id));
	triage_send(req, body, "allow_edit", ANS_ENTRY_EDITED);
}

/*
 * The entries added through the API, then those of siemd.conf (id
 * null, owner "config": they change only with the file).
 */
static void
done_allowlist(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;
	json_t		*list, *v;
	size_t		 i;

	if ((c = api_call_conn(call, status, detail)) == NULL)
		return;
	if ((list = json_loadb(call->body, call->len, 0, NULL)) == NULL ||
	    !json_is_array(list)) {
		json_decref(list);
		http_problem(c, 503, "the query process sent nonsense");
		return;
	}
	json_array_foreach(conf_allow, i, v)
		json_array_append(list, v);
	v = json_pack("{s:o}", "data", list);
	resp_json(c, 200, v);
	json_decref(v);
}

void
api_allowlist(struct request *req)
{
	json_t	*p;

	if (params_only(req, NULL) == -1)
		return;
	p = json_object();
	api_ask(req, QK_ALLOWLIST, p, API_BUDGET_MS, done_allowlist, NULL);
	json_decref(p);
}

void
api_allow_add(struct request *req)
{
	json_t	*body;

	if (params_only(req, NULL) == -1 || (body = req_body(req,
	    "the body may hold cidr and comment only")) == NULL)
		return;
	triage_send(req, body, "allow", ANS_ENTRY);
}

void
api_allow_delete(struct request *req)
{
	int64_t	 id;

	if ((id = path_id(req, "no such allow-list entry")) == 0 ||
	    params_only(req, NULL) == -1)
		return;
	triage_send(req, json_pack("{s:I}", "id", (json_int_t)id),
	    "unallow", ANS_DELETED);
}

/* GET /stream/alerts ------------------------------------------------------ */

static void
client_free(struct aclient *ac)
{
	if (ac->call != NULL)
		api_query_cancel(ac->call);
	TAILQ_REMOVE(&al.clients, ac, entry);
	al.nclients--;
	free(ac);
}

static void
client_closed(struct conn *c, void *arg)
{
	client_free(arg);
}

static void
stream_keepalive(int fd, short events, void *arg)
{
	struct timeval	 tv = { ALERTS_SSE_KEEPALIVE, 0 };
	struct aclient	*ac;
	static const char ka[] = ": keepalive\n\n";

	/* stream.c checks its own clients at its keepalive */
	clients_check();
	TAILQ_FOREACH(ac, &al.clients, entry)
		if (resp_queued(ac->conn) < ALERTS_SSE_QUEUED)
			resp_chunk(ac->conn, ka, sizeof(ka) - 1);
	evtimer_add(&al.keepalive_ev, &tv);
}

/* One SSE message for an alert, with its updated_at as the id. */
static int
alert_message(const char *change, json_t *alert, char **text, int64_t *upd)
{
	const char	*u;
	json_t		*js;
	char		*data;
	int		 n;

	*upd = 0;
	if ((u = json_string_value(json_object_get(alert, "updated_at"))) !=
	    NULL && api_time_parse(u, api_now(), upd) == -1)
		*upd = 0;
	js = json_pack("{s:s, s:O}", "change", change, "alert", alert);
	if (js == NULL || (data = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	json_decref(js);
	/* compact JSON has no newline: one data line */
	if ((n = asprintf(text, "id: %lld\ndata: %s\n\n", (long long)*upd,
	    data)) == -1)
		fatal("%s: asprintf", __func__);
	free(data);
	return (n);
}

/* "event: gap" with its reason, and the end of the client's stream. */
static void
client_gap(struct aclient *ac, const char *reason)
{
	char	*text;
	int	 n;

	al.gaps++;
	if ((n = asprintf(&text, "event: gap\ndata: {\"reason\":\"%s\"}"
	    "\n\n", reason)) == -1)
		fatal("%s: asprintf", __func__);
	resp_watch(ac->conn, NULL, NULL, NULL);
	resp_chunk(ac->conn, text, n);
	resp_end(ac->conn);
	free(text);
	client_free(ac);
}

/*
 * A stream whose token expired or was revoked ends with an error
 * event, as /stream/events does; EventSource then reconnects and gets
 * 401.
 */
static void
client_unauthorized(struct aclient *ac, const char *why)
{
	char	 buf[128];
	int	 n;

	n = snprintf(buf, sizeof(buf), "event: error\ndata: {\"status\":401,"
	    "\"reason\":\"%s\"}\n\n", why);
	resp_watch(ac->conn, NULL, NULL, NULL);
	resp_chunk(ac->conn, buf, n);
	resp_end(ac->conn);
	client_free(ac);
}

/* End the alert streams of tokens that expired or were revoked. */
static void
clients_check(void)
{
	struct aclient	*ac, *next;
	time_t		 now = time(NULL);

	for (ac = TAILQ_FIRST(&al.clients); ac != NULL; ac = next) {
		next = TAILQ_NEXT(ac, entry);
		if (ac->exp <= now - JWT_LEEWAY)
			client_unauthorized(ac, "token expired");
		else if (auth_revoked(ac->jti, now))
			client_unauthorized(ac, "token revoked");
	}
}

/* After a logout: ours, then the hook this one replaced (stream.c's). */
static void
clients_tokens(void)
{
	clients_check();
	if (prev_revoke_hook != NULL)
		prev_revoke_hook();
}

/* Send or drop: a client that does not keep up gets a gap and the end. */
static int
client_send(struct aclient *ac, const char *text, int n)
{
	if (resp_queued(ac->conn) + n <= ALERTS_SSE_QUEUED &&
	    resp_chunk(ac->conn, text, n) == 0) {
		al.sent++;
		return (0);
	}
	client_gap(ac, "the client did not keep up");
	return (-1);
}

/* {"change", "alert"} to every client; consumes alert. */
static void
broadcast(const char *change, json_t *alert)
{
	struct aclient	*ac, *next;
	char		*text;
	int64_t		 upd;
	int		 n;

	n = alert_message(change, alert, &text, &upd);
	json_decref(alert);
	for (ac = TAILQ_FIRST(&al.clients); ac != NULL; ac = next) {
		next = TAILQ_NEXT(ac, entry);
		if (ac->call != NULL) {
			ac->missed = 1;		/* read again after */
			continue;
		}
		if (client_send(ac, text, n) == 0 && upd > ac->last)
			ac->last = upd;
	}
	free(text);
}

static void	 catchup_done(struct api_call *, int, const char *);

#define CATCHUP_FAILED	"the changes since Last-Event-ID could not be read"

/* The alerts changed after ac->last, oldest change first. */
static void
catchup_start(struct aclient *ac)
{
	json_t	*p;

	/* first from the id itself: alerts changed together share it */
	p = json_pack("{s:I, s:s, s:i}", ac->resumed ? "after_updated" :
	    "from_updated", (json_int_t)ac->last, "order", "asc", "limit",
	    ALERTS_SSE_CATCHUP);
	ac->resumed = 1;
	ac->missed = 0;
	if ((ac->call = api_query(QK_ALERTS, p, API_BUDGET_MS, catchup_done,
	    ac)) == NULL)
		client_gap(ac, CATCHUP_FAILED);
	json_decref(p);
}

static void
catchup_done(struct api_call *call, int status, const char *detail)
{
	struct aclient	*ac = call->arg;
	json_t		*list, *a;
	char		*text, *body;
	int64_t		 upd, created, since = ac->last;
	size_t		 i;
	int		 n, more;

	ac->call = NULL;
	if (status != 200) {
		client_gap(ac, CATCHUP_FAILED);
		return;
	}
	/* the body is alert objects separated by commas */
	if (asprintf(&body, "[%.*s]", (int)call->len, call->body) == -1)
		fatal("%s: asprintf", __func__);
	list = json_loads(body, 0, NULL);
	free(body);
	if (!json_is_array(list)) {
		json_decref(list);
		client_gap(ac, CATCHUP_FAILED);
		return;
	}
	more = json_is_true(json_object_get(call->meta, "more"));
	json_array_foreach(list, i, a) {
		created = 0;
		if (json_is_string(json_object_get(a, "created_at")))
			api_time_parse(json_string_value(json_object_get(a,
			    "created_at")), api_now(), &created);
		n = alert_message(created > since ? "created" : "updated",
		    a, &text, &upd);
		if (client_send(ac, text, n) == -1) {
			free(text);
			json_decref(list);
			return;
		}
		free(text);
		if (upd > ac->last)
			ac->last = upd;
	}
	json_decref(list);
	if (more || ac->missed)
		catchup_start(ac);
}

/*
 * live_alert_hook.  A triage change ("full") and a new alert carry
 * what the stream shows; an alert detection merged a match into
 * carries only the match, so the alert is read back.
 */
static void
alert_live(json_t *a)
{
	struct fetch	*f, *free_slot = NULL;
	int64_t		 id;
	int		 i;

	if (TAILQ_EMPTY(&al.clients))
		return;
	if (json_is_true(json_object_get(a, "full")) ||
	    json_is_true(json_object_get(a, "created"))) {
		broadcast(json_is_true(json_object_get(a, "created")) ?
		    "created" : "updated", triage_alert_normalize(a,
		    api_now()));
		return;
	}
	if (!json_is_integer(json_object_get(a, "id")))
		return;
	id = json_integer_value(json_object_get(a, "id"));
	for (i = 0; i < ALERTS_MAX_FETCH; i++) {
		f = &al.fetches[i];
		if (f->busy && f->id == id) {
			f->again = 1;
			return;
		}
		if (!f->busy && free_slot == NULL)
			free_slot = f;
	}
	if (free_slot == NULL) {
		al.missed++;
		return;
	}
	free_slot->id = id;
	free_slot->again = 0;
	fetch_start(free_slot);
}

static void
fetch_start(struct fetch *f)
{
	json_t	*p;

	p = json_pack("{s:I, s:b}", "id", (json_int_t)f->id, "bare", 1);
	f->busy = 1;
	if (api_query(QK_ALERT, p, API_BUDGET_MS, fetch_done, f) == NULL) {
		f->busy = 0;
		al.missed++;
	}
	json_decref(p);
}

static void
fetch_done(struct api_call *call, int status, const char *detail)
{
	struct fetch	*f = call->arg;
	json_t		*js;

	f->busy = 0;
	if (status == 200 && json_is_true(json_object_get(call->meta,
	    "found")) && (js = json_loadb(call->body, call->len, 0,
	    NULL)) != NULL) {
		if (!TAILQ_EMPTY(&al.clients))
			broadcast("updated", js);
		else
			json_decref(js);
	} else
		al.missed++;
	if (f->again) {
		f->again = 0;
		fetch_start(f);
	}
}

void
api_stream_alerts(struct request *req)
{
	struct aclient	*ac;
	struct principal p;
	const char	*hdr, *tok, *since, *errstr;
	char		 bearer[4096], jti[ROUTER_MAX_JTI];
	time_t		 exp;
	int64_t		 last = 0;
	int		 retry;
	static const char hello[] = "retry: 2000\n: stream open\n\n";
	static const char *const since_p[] = { "since", NULL };

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
		char	 retry_after[48];

		snprintf(retry_after, sizeof(retry_after),
		    "Retry-After: %d\r\n", retry > 0 ? retry : 1);
		http_problem_ex(req->conn, 429, NULL, "too many requests for "
		    "this token", retry_after);
		return;
	}
	if (params_only(req, since_p) == -1)
		return;
	if ((since = request_header(req, "Last-Event-ID")) == NULL)
		since = request_query(req, "since");
	if (since != NULL) {
		last = strtonum(since, 0, INT64_MAX, &errstr);
		if (errstr != NULL) {
			http_problem(req->conn, 400, "since, Last-Event-ID: "
			    "an id this stream sent");
			return;
		}
	}
	if (al.nclients >= ALERTS_SSE_CLIENTS) {
		http_problem(req->conn, 503, "too many live streams");
		return;
	}
	if ((ac = calloc(1, sizeof(*ac))) == NULL)
		fatal("%s: calloc", __func__);
	ac->conn = req->conn;
	strlcpy(ac->jti, jti, sizeof(ac->jti));
	ac->exp = exp;
	TAILQ_INSERT_TAIL(&al.clients, ac, entry);
	al.nclients++;
	resp_start(req->conn, 200, "text/event-stream",
	    "X-Accel-Buffering: no\r\n");
	resp_chunk(req->conn, hello, sizeof(hello) - 1);
	resp_watch(req->conn, NULL, client_closed, ac);
	if (since != NULL) {
		ac->last = last;
		catchup_start(ac);
	}
}

/* the OpenAPI document ----------------------------------------------------- */

static json_t *
qparam(const char *name, const char *desc)
{
	return (json_pack("{s:s, s:s, s:b, s:{s:s}, s:s}", "name", name,
	    "in", "query", "required", 0, "schema", "type", "string",
	    "description", desc));
}

static json_t *
op_of(json_t *doc, const char *path, const char *method)
{
	char	 full[128];

	snprintf(full, sizeof(full), "%s%s", ROUTER_API_ROOT, path);
	return (json_object_get(json_object_get(json_object_get(doc,
	    "paths"), full), method));
}

static void
set_answer(json_t *op, const char *status, const char *desc, json_t *schema)
{
	json_t	*r = json_object_get(op, "responses");

	if (strcmp(status, "200") != 0)
		json_object_del(r, "200");
	if (schema == NULL)
		json_object_set_new(r, status, json_pack("{s:s}",
		    "description", desc));
	else
		json_object_set_new(r, status, json_pack("{s:s, s:{s:{s:o}}}",
		    "description", desc, "content", "application/json",
		    "schema", schema));
}

static void
set_body(json_t *op, json_t *schema)
{
	json_object_set_new(op, "requestBody", json_pack("{s:b, s:{s:{s:o}}}",
	    "required", 1, "content", "application/json", "schema", schema));
}

static json_t *
ref(const char *name)
{
	char	 r[128];

	snprintf(r, sizeof(r), "#/components/schemas/%s", name);
	return (json_pack("{s:s}", "$ref", r));
}

static json_t *
str_enum(const char **values, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(values[i]));
	return (json_pack("{s:s, s:o}", "type", "string", "enum", a));
}

/* Parameters, bodies and answers of this file's routes. */
void
api_alerts_openapi(json_t *doc)
{
	json_t	*schemas, *op, *a, *change;

	schemas = json_object_get(json_object_get(doc, "components"),
	    "schemas");
	json_object_set_new(schemas, "Alert", json_pack("{s:s, s:{"
	    "s:{s:s}, s:{s:s}, s:{s:[s, s]}, s:{s:[s, s]}, s:{s:[s, s]},"
	    " s:{s:[s, s]}, s:{s:s}, s:{s:s, s:{s:s}}, s:{s:s, s:{s:s}},"
	    " s:{s:s, s:{s:s}}, s:{s:[s, s]}, s:{s:s}, s:{s:s}, s:{s:s},"
	    " s:{s:s, s:{s:s}}, s:{s:s}, s:o, s:{s:[s, s]}, s:{s:s},"
	    " s:{s:s}}}",
	    "type", "object", "properties",
	    "id", "type", "integer",
	    "rule_id", "type", "string",
	    "title", "type", "string", "null",
	    "author", "type", "string", "null",
	    "description", "type", "string", "null",
	    "level", "type", "string", "null",
	    "severity", "type", "string",
	    "tags", "type", "array", "items", "type", "string",
	    "tactics", "type", "array", "items", "type", "string",
	    "techniques", "type", "array", "items", "type", "string",
	    "group_key", "type", "string", "null",
	    "first_seen", "type", "string",
	    "last_seen", "type", "string",
	    "count", "type", "integer",
	    "event_ids", "type", "array", "items", "type", "integer",
	    "events_total", "type", "integer",
	    "status", str_enum(statuses, 5),
	    "assignee", "type", "string", "null",
	    "created_at", "type", "string",
	    "updated_at", "type", "string"));
	json_object_set_new(schemas, "AlertChange", json_pack("{s:s, s:{"
	    "s:o, s:{s:[s, s], s:s}, s:{s:s}}}",
	    "type", "object", "properties",
	    "status", str_enum(statuses, 5),
	    "assignee", "type", "string", "null", "description",
	    "a user name, or null for nobody",
	    "note", "type", "string"));
	json_object_set_new(schemas, "Silence", json_pack("{s:s, s:{"
	    "s:{s:s}, s:{s:[s, s]}, s:{s:[s, s]}, s:{s:s}, s:{s:s},"
	    " s:{s:s}, s:{s:s}, s:{s:s}}}",
	    "type", "object", "properties",
	    "id", "type", "integer",
	    "rule_id", "type", "string", "null",
	    "group_key", "type", "string", "null",
	    "reason", "type", "string",
	    "owner", "type", "string",
	    "created_at", "type", "string",
	    "expires_at", "type", "string",
	    "active", "type", "boolean"));
	json_object_set_new(schemas, "AllowEntry", json_pack("{s:s, s:{"
	    "s:{s:s}, s:{s:s}, s:{s:[s, s]}, s:{s:s}, s:{s:s}}}",
	    "type", "object", "properties",
	    "id", "type", "integer",
	    "cidr", "type", "string",
	    "comment", "type", "string", "null",
	    "owner", "type", "string",
	    "created_at", "type", "string"));

	if ((op = op_of(doc, "/alerts", "get")) != NULL) {
		a = json_object_get(op, "parameters");
		json_array_append_new(a, qparam("status", "new, acknowledged, "
		    "in_progress, resolved, false_positive; repeatable or "
		    "comma-separated"));
		json_array_append_new(a, qparam("severity",
		    "info, low, medium, high or critical"));
		json_array_append_new(a, qparam("rule", "rule id (also "
		    "rule_id)"));
		json_array_append_new(a, qparam("assignee",
		    "user name, or none for unassigned alerts"));
		json_array_append_new(a, qparam("from", "last seen at or "
		    "after: ISO 8601 or relative (-24h)"));
		json_array_append_new(a, qparam("to",
		    "last seen at or before"));
		json_array_append_new(a, qparam("q",
		    "substring of title or group key"));
		json_array_append_new(a, qparam("limit", "1 to 500, "
		    "default 50"));
		json_array_append_new(a, qparam("cursor",
		    "next_cursor of the previous page"));
		set_answer(op, "200", "Alerts, most recently updated first",
		    json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[s, s]}}}",
		    "type", "object", "properties", "data", "type", "array",
		    "items", ref("Alert"), "next_cursor", "type", "string",
		    "null"));
	}
	if ((op = op_of(doc, "/alerts/{id}", "get")) != NULL)
		set_answer(op, "200", "The alert with events, notes and "
		    "history", json_pack("{s:[o, {s:{s:{s:s}, s:{s:s},"
		    " s:{s:s}}}]}", "allOf", ref("Alert"), "properties",
		    "events", "type", "array", "notes", "type", "array",
		    "history", "type", "array"));
	if ((op = op_of(doc, "/alerts/{id}", "patch")) != NULL) {
		set_body(op, ref("AlertChange"));
		set_answer(op, "200", "The changed alert", ref("Alert"));
		json_object_set_new(json_object_get(op, "responses"), "409",
		    json_pack("{s:s}", "description", "A status this alert "
		    "cannot go to (new -> acknowledged -> in_progress -> "
		    "resolved | false_positive; closed -> acknowledged)"));
	}
	if ((op = op_of(doc, "/alerts/bulk", "post")) != NULL) {
		change = json_pack("{s:[o, {s:[s], s:{s:{s:s, s:{s:s},"
		    " s:i}}}]}", "allOf", ref("AlertChange"), "required",
		    "ids", "properties", "ids", "type", "array", "items",
		    "type", "integer", "maxItems", 100);
		set_body(op, change);
		set_answer(op, "200", "One result per id: status 200, 404 or "
		    "409", json_pack("{s:s, s:{s:{s:s}}}", "type", "object",
		    "properties", "data", "type", "array"));
	}
	if ((op = op_of(doc, "/alerts/{id}/notes", "post")) != NULL) {
		set_body(op, json_pack("{s:s, s:[s], s:{s:{s:s}}}", "type",
		    "object", "required", "note", "properties", "note",
		    "type", "string"));
		set_answer(op, "201", "The note", json_pack("{s:s}", "type",
		    "object"));
	}
	if ((op = op_of(doc, "/alerts/stats", "get")) != NULL) {
		json_array_append_new(json_object_get(op, "parameters"),
		    qparam("window", "24h (per hour, default) or 30d (per "
		    "day)"));
		set_answer(op, "200", "Counts by status, severity and rule, "
		    "and over time", json_pack("{s:s}", "type", "object"));
	}
	if ((op = op_of(doc, "/stream/alerts", "get")) != NULL) {
		json_array_append_new(json_object_get(op, "parameters"),
		    qparam("access_token", "the bearer token, for clients "
		    "that cannot send Authorization"));
		json_object_set_new(json_object_get(json_object_get(op,
		    "responses"), "200"), "content", json_pack("{s:{s:{s:s}}}",
		    "text/event-stream", "schema", "type", "string"));
	}
	if ((op = op_of(doc, "/silences", "get")) != NULL) {
		json_array_append_new(json_object_get(op, "parameters"),
		    qparam("active", "true: only silences not expired"));
		set_answer(op, "200", "Silences", json_pack("{s:s, s:{s:{s:s,"
		    " s:o}}}", "type", "object", "properties", "data", "type",
		    "array", "items", ref("Silence")));
	}
	if ((op = op_of(doc, "/silences", "post")) != NULL) {
		set_body(op, json_pack("{s:s, s:[s, s], s:{s:{s:s}, s:{s:s},"
		    " s:{s:s}, s:{s:s, s:s}}}", "type", "object", "required",
		    "reason", "expires_at", "properties",
		    "rule_id", "type", "string", "group_key", "type", "string",
		    "reason", "type", "string", "expires_at", "type", "string",
		    "format", "date-time"));
		set_answer(op, "201", "The silence", ref("Silence"));
	}
	if ((op = op_of(doc, "/silences/{id}", "delete")) != NULL)
		set_answer(op, "204", "Deleted", NULL);
	if ((op = op_of(doc, "/silences/{id}", "patch")) != NULL) {
		set_body(op, json_pack("{s:s, s:{s:{s:s}, s:{s:s},"
		    " s:{s:s}, s:{s:s, s:s}}}", "type", "object", "properties",
		    "rule_id", "type", "string", "group_key", "type", "string",
		    "reason", "type", "string", "expires_at", "type", "string",
		    "format", "date-time"));
		set_answer(op, "200", "The silence", ref("Silence"));
	}
	if ((op = op_of(doc, "/allowlist", "get")) != NULL)
		set_answer(op, "200", "The allow-list", json_pack("{s:s, s:{"
		    "s:{s:s, s:o}}}", "type", "object", "properties", "data",
		    "type", "array", "items", ref("AllowEntry")));
	if ((op = op_of(doc, "/allowlist", "post")) != NULL) {
		set_body(op, json_pack("{s:s, s:[s], s:{s:{s:s, s:s},"
		    " s:{s:s}}}", "type", "object", "required", "cidr",
		    "properties", "cidr", "type", "string", "description",
		    "an IPv4 or IPv6 address or network, host bits clear",
		    "comment", "type", "string"));
		set_answer(op, "201", "The entry", ref("AllowEntry"));
	}
	if ((op = op_of(doc, "/allowlist/{id}", "delete")) != NULL)
		set_answer(op, "204", "Deleted", NULL);
	if ((op = op_of(doc, "/allowlist/{id}", "patch")) != NULL) {
		set_body(op, json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}", "type",
		    "object", "properties", "cidr", "type", "string", "comment",
		    "type", "string"));
		set_answer(op, "200", "The entry", ref("AllowEntry"));
	}
}
