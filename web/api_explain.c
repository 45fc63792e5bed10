/*
 * POST /rules/explain and POST /rules/backtest: a Sigma rule sent in
 * the body is compiled here, in the web process, with the built-in
 * mapping.  The web process's sandbox forbids executable memory, so
 * regular expressions run in PCRE2's interpreter (sigma_set_jit(0)).
 *
 * explain: one event, sent in the body or fetched by id from a query
 * process, and sigma_explain()'s account of the rule against it.
 *
 * backtest: stored events of a time range, newest first, fetched page
 * by page from a query process and matched here; the hits are grouped
 * as correlate groups a detection rule's hits (src_ip=..., else
 * host=..., per hour of event time) and answered, not stored.  The
 * scan stops at max_events events or BT_BUDGET_MS, and says so with
 * "truncated": true.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "siemd.h"
#include "event.h"
#include "sigma.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "api.h"
#include "api_explain.h"

#define BT_MAX_SCAN	200000		/* events a backtest reads */
#define BT_BUDGET_MS	60000		/* wall time of a backtest */
#define BT_PAGE		2000		/* events per page */
#define BT_MAX_IDS	100		/* event ids kept per alert */
#define BT_MAX_GROUPS	10000		/* alerts tracked */
#define BT_MAX_ALERTS	1000		/* alerts answered */
#define BT_WINDOW	3600		/* seconds, as correlate */

static const char *const text_names[] = {
#define X(e, n)	n,
	EVENT_TEXT_FIELDS
#undef X
};
static const char *const int_names[] = {
#define X(e, n)	n,
	EVENT_INT_FIELDS
#undef X
};

static struct sigma_map	*explain_map;

/*
 * The mapping correlate uses, as the parent sent it at start and at
 * every reload; the built-in one until then.  No JIT in this process.
 */
static struct sigma_map *
map_get(void)
{
	if (explain_map == NULL) {
		sigma_set_jit(0);
		explain_map = sigma_map_default();
	}
	return (explain_map);
}

/* A backtest still running keeps the mapping it started with. */
void
api_explain_mapping(const char *text)
{
	struct sigma_map	*m;
	char			 err[SIGMA_REASON_LEN];

	sigma_set_jit(0);
	if ((m = sigma_map_load_buf(text, strlen(text), err,
	    sizeof(err))) == NULL) {
		log_warnx("rules mapping: %s; explain keeps the one it had",
		    err);
		return;
	}
	sigma_map_free(explain_map);
	explain_map = m;
}

/* A JSON object body; NULL when answered already. */
static json_t *
body_object(struct request *req, const char *const *allowed)
{
	const char	*type = request_header(req, "Content-Type");
	const char	*key;
	json_t		*body, *v;
	size_t		 i;
	int		 ok;

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
	json_object_foreach(body, key, v) {
		for (ok = 0, i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				ok = 1;
		if (!ok) {
			json_decref(body);
			http_problem(req->conn, 400, "unknown member of the "
			    "body");
			return (NULL);
		}
	}
	v = json_object_get(body, "rule");
	if (!json_is_string(v) || json_string_length(v) == 0) {
		json_decref(body);
		http_problem(req->conn, 400, "rule: the Sigma rule as YAML "
		    "text");
		return (NULL);
	}
	if (json_string_length(v) > SIGMA_MAX_FILE) {
		json_decref(body);
		http_problem(req->conn, 413, "rule: too large");
		return (NULL);
	}
	return (body);
}

/*
 * Compile the rule text; the first detection rule in *rp.  Any
 * document not loaded, or no detection rule: 422 with the reason, and
 * NULL.
 */
static struct sigma_set *
rule_compile(struct conn *c, const char *text, struct sigma_rule **rp)
{
	struct sigma_set	*set;
	struct sigma_rule	*r, *first = NULL;
	char			 why[SIGMA_REASON_LEN + 128];
	size_t			 i;

	set = sigma_set_new(map_get());
	(void)sigma_set_add_file(set, "rule", text, strlen(text));
	sigma_set_compile(set);
	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++) {
		if (r->state != SIGMA_LOADED) {
			snprintf(why, sizeof(why), "rule %s: %s: %s",
			    r->title ? r->title : "(no title)",
			    sigma_state_name(r->state), r->reason);
			http_problem(c, 422, why);
			sigma_set_free(set);
			return (NULL);
		}
		if (first == NULL && r->kind == SIGMA_DETECTION)
			first = r;
	}
	if (first == NULL) {
		http_problem(c, 422, "rule: no detection rule in the text");
		sigma_set_free(set);
		return (NULL);
	}
	*rp = first;
	return (set);
}

static int
name_index(const char *const *names, size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], key) == 0)
			return ((int)i);
	return (-1);
}

/*
 * An event from JSON with the schema's column names (as GET
 * /events/{id} answers).  Times are ISO 8601 text or µs integers; the
 * event time defaults to now.  -1 with why on a bad member.
 */
static int
event_from_json(json_t *o, struct siem_event *ev, char *why, size_t len)
{
	const char	*key;
	json_t		*v, *d;
	char		*s;
	int64_t		 t;
	int		 i, has_ts = 0;
	enum event_severity sev;

	event_init(ev);
	json_object_foreach(o, key, v) {
		if (json_is_null(v))
			continue;
		if ((i = name_index(text_names, EV_TEXT_MAX, key)) >= 0) {
			if (json_is_string(v))
				event_set(ev, i, json_string_value(v),
				    json_string_length(v));
			else if (i == EV_TAGS && json_is_array(v)) {
				if ((s = json_dumps(v, JSON_COMPACT)) == NULL)
					fatal("%s: json_dumps", __func__);
				event_set(ev, i, s, strlen(s));
				free(s);
			} else
				goto bad;
		} else if ((i = name_index(int_names, EV_INT_MAX, key)) >= 0) {
			if (!json_is_integer(v))
				goto bad;
			ev->ints[i] = json_integer_value(v);
		} else if (strcmp(key, "id") == 0) {
			if (!json_is_integer(v))
				goto bad;
			ev->id = json_integer_value(v);
		} else if (strcmp(key, "ts") == 0 ||
		    strcmp(key, "received_at") == 0) {
			if (json_is_integer(v))
				t = json_integer_value(v);
			else if (!json_is_string(v) || api_time_parse(
			    json_string_value(v), api_now(), &t) == -1)
				goto bad;
			if (key[0] == 't') {
				ev->ts = t;
				has_ts = 1;
			} else
				ev->received_at = t;
		} else if (strcmp(key, "severity") == 0) {
			if (!json_is_string(v) || event_severity_parse(
			    json_string_value(v), &sev) == -1)
				goto bad;
			ev->severity = sev;
		} else if (strcmp(key, "latency_ms") == 0) {
			if (!json_is_number(v))
				goto bad;
			ev->latency_ms = json_number_value(v);
		} else if (strcmp(key, "data_json") == 0) {
			if (json_is_string(v))
				d = json_loads(json_string_value(v), 0, NULL);
			else
				d = json_incref(v);
			if (!json_is_object(d)) {
				json_decref(d);
				goto bad;
			}
			json_decref(ev->data);
			ev->data = d;
		} else {
			snprintf(why, len, "event: unknown field %s", key);
			event_clear(ev);
			return (-1);
		}
	}
	if (!has_ts)
		ev->ts = api_now();
	if (ev->received_at == 0)
		ev->received_at = ev->ts;
	return (0);
 bad:
	snprintf(why, len, "event: %s: not a valid value", key);
	event_clear(ev);
	return (-1);
}

/* POST /rules/explain ------------------------------------------------ */

static void
explain_send(struct conn *c, struct sigma_rule *r, struct siem_event *ev)
{
	struct sigma_event	 se;
	json_t			*ex = NULL, *rule, *out;
	char			*text;

	sigma_event_from_event(&se, ev);
	(void)sigma_explain(r, &se, &ex);
	sigma_event_done(&se);
	rule = json_pack("{s:s?, s:s?, s:s}", "id", r->id, "title",
	    r->title, "status", sigma_state_name(r->state));
	if (r->level != NULL)
		json_object_set_new(rule, "level", json_string(r->level));
	if (r->state != SIGMA_LOADED)
		json_object_set_new(rule, "reason", json_string(r->reason));
	out = json_pack("{s:o, s:b, s:o}", "rule", rule, "matched",
	    json_is_true(json_object_get(ex, "matched")), "explain",
	    ex ? ex : json_null());
	if (out == NULL || (text = json_dumps(out, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	resp_send(c, 200, "application/json", NULL, text, strlen(text));
	free(text);
	json_decref(out);
}

static void
explain_closed(struct conn *c, void *arg)
{
	api_query_cancel(arg);
}

/* The event fetched by id: call->arg is the rule text. */
static void
explain_done(struct api_call *call, int status, const char *detail)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct conn		*c;
	json_t			*js;
	char			 why[256];

	if ((c = request_lookup(call->ticket)) == NULL)
		return;
	resp_watch(c, NULL, NULL, NULL);
	if (status != 200) {
		http_problem(c, status, detail);
		return;
	}
	if (!json_is_true(json_object_get(call->meta, "found"))) {
		http_problem(c, 404, "no such event");
		return;
	}
	js = json_loadb(call->body, call->len, 0, NULL);
	if (!json_is_object(js) ||
	    event_from_json(js, &ev, why, sizeof(why)) == -1) {
		json_decref(js);
		http_problem(c, 503, "the query process sent a bad event");
		return;
	}
	json_decref(js);
	if ((set = rule_compile(c, call->arg, &r)) != NULL) {
		explain_send(c, r, &ev);
		sigma_set_free(set);
	}
	event_clear(&ev);
}

void
api_rules_explain(struct request *req)
{
	static const char *const allowed[] = { "rule", "event_id", "event",
	    NULL };
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct api_call		*call;
	json_t			*body, *e, *id, *p;
	char			 why[256], *text;

	if ((body = body_object(req, allowed)) == NULL)
		return;
	e = json_object_get(body, "event");
	id = json_object_get(body, "event_id");
	if ((e == NULL) == (id == NULL)) {
		json_decref(body);
		http_problem(req->conn, 400, "send event_id or event, one "
		    "of them");
		return;
	}
	if (e != NULL && !json_is_object(e)) {
		json_decref(body);
		http_problem(req->conn, 400, "event: an object with the "
		    "event's columns");
		return;
	}
	if (id != NULL && (!json_is_integer(id) ||
	    json_integer_value(id) < 1)) {
		json_decref(body);
		http_problem(req->conn, 400, "event_id: an event's id");
		return;
	}
	if ((set = rule_compile(req->conn, json_string_value(
	    json_object_get(body, "rule")), &r)) == NULL) {
		json_decref(body);
		return;
	}
	if (e != NULL) {
		if (event_from_json(e, &ev, why, sizeof(why)) == -1)
			http_problem(req->conn, 400, why);
		else {
			explain_send(req->conn, r, &ev);
			event_clear(&ev);
		}
		sigma_set_free(set);
		json_decref(body);
		return;
	}
	sigma_set_free(set);
	if ((text = strdup(json_string_value(json_object_get(body,
	    "rule")))) == NULL)
		fatal("%s: strdup", __func__);
	p = json_pack("{s:I}", "id", (json_int_t)json_integer_value(id));
	json_decref(body);
	if ((call = api_query(QK_EVENT, p, API_BUDGET_MS, explain_done,
	    text)) == NULL) {
		free(text);
		http_problem(req->conn, 503, "no query process can answer");
	} else {
		call->freearg = 1;
		call->ticket = request_ticket(req->conn);
		resp_watch(req->conn, NULL, explain_closed, call);
	}
	json_decref(p);
}

/* POST /rules/backtest ----------------------------------------------- */

struct bt_group {
	char		 key[128];
	int64_t		 window;
	int64_t		 first, last;	/* µs */
	int64_t		 count;
	int64_t		 ids[BT_MAX_IDS];
	size_t		 nids;
};

struct backtest {
	uint32_t		 ticket;
	struct sigma_set	*set;
	struct sigma_rule	*rule;
	json_t			*params;
	struct api_call		*call;
	struct timespec		 t0;
	int64_t			 max_scan;
	int64_t			 limit;
	int64_t			 from, to;
	int64_t			 scanned;
	int64_t			 matched;
	int			 truncated;
	int			 hit;		/* set by bt_hit() */
	struct bt_group		*groups;
	size_t			 ngroups;
	size_t			 dropped;	/* over BT_MAX_GROUPS */
};

static void	 bt_page(struct backtest *);

static void
bt_free(struct backtest *x)
{
	if (x->set != NULL)
		sigma_set_free(x->set);
	json_decref(x->params);
	free(x->groups);
	free(x);
}

static void
bt_closed(struct conn *c, void *arg)
{
	struct backtest	*x = arg;

	if (x->call != NULL)
		api_query_cancel(x->call);
	bt_free(x);
}

static void
bt_hit(const struct sigma_rule *r, void *arg)
{
	struct backtest	*x = arg;

	if (r == x->rule)
		x->hit = 1;
}

/* Count a hit into its group, as correlate would. */
static void
bt_group(struct backtest *x, const struct siem_event *ev)
{
	struct bt_group	*g = NULL;
	char		 key[128];
	int64_t		 window;
	size_t		 i;

	if (ev->text[EV_SRC_IP] != NULL && ev->text[EV_SRC_IP][0] != '\0')
		snprintf(key, sizeof(key), "src_ip=%s", ev->text[EV_SRC_IP]);
	else
		snprintf(key, sizeof(key), "host=%s", ev->text[EV_HOST] ?
		    ev->text[EV_HOST] : "");
	window = ev->ts / 1000000 / BT_WINDOW;
	for (i = x->ngroups; i > 0; i--)
		if (x->groups[i - 1].window == window &&
		    strcmp(x->groups[i - 1].key, key) == 0) {
			g = &x->groups[i - 1];
			break;
		}
	if (g == NULL) {
		if (x->ngroups == BT_MAX_GROUPS) {
			x->dropped++;
			return;
		}
		if ((x->ngroups & (x->ngroups - 1)) == 0 &&
		    (x->groups = reallocarray(x->groups, x->ngroups ?
		    x->ngroups * 2 : 16, sizeof(*x->groups))) == NULL)
			fatal("%s: reallocarray", __func__);
		g = &x->groups[x->ngroups++];
		memset(g, 0, sizeof(*g));
		strlcpy(g->key, key, sizeof(g->key));
		g->window = window;
		g->first = g->last = ev->ts;
	}
	g->count++;
	if (ev->ts < g->first)
		g->first = ev->ts;
	if (ev->ts > g->last)
		g->last = ev->ts;
	if (g->nids < BT_MAX_IDS)
		g->ids[g->nids++] = ev->id;
}

/* Newest last hit first. */
static int
bt_cmp(const void *a, const void *b)
{
	const struct bt_group	*x = a, *y = b;

	if (x->last != y->last)
		return (x->last < y->last ? 1 : -1);
	return (strcmp(x->key, y->key));
}

static void
bt_send(struct backtest *x, struct conn *c)
{
	json_t		*out, *alerts, *a, *ids;
	char		 t[64], *text;
	size_t		 i, j;

	qsort(x->groups, x->ngroups, sizeof(*x->groups), bt_cmp);
	alerts = json_array();
	for (i = 0; i < x->ngroups && (int64_t)i < x->limit; i++) {
		ids = json_array();
		for (j = 0; j < x->groups[i].nids; j++)
			json_array_append_new(ids,
			    json_integer(x->groups[i].ids[j]));
		a = json_pack("{s:s, s:s, s:s, s:I, s:o}",
		    "group_key", x->groups[i].key,
		    "first_seen", api_iso_time(x->groups[i].first, t,
		    sizeof(t)),
		    "last_seen", "", "count",
		    (json_int_t)x->groups[i].count, "event_ids", ids);
		json_object_set_new(a, "last_seen", json_string(
		    api_iso_time(x->groups[i].last, t, sizeof(t))));
		json_array_append_new(alerts, a);
	}
	out = json_pack("{s:{s:s?, s:s?}, s:s, s:s, s:I, s:I, s:I, s:b, "
	    "s:o}", "rule", "id", x->rule->id, "title", x->rule->title,
	    "from", "", "to", "", "scanned", (json_int_t)x->scanned,
	    "matched", (json_int_t)x->matched,
	    "alerts_total", (json_int_t)(x->ngroups + x->dropped),
	    "truncated", x->truncated || x->dropped > 0, "alerts", alerts);
	json_object_set_new(out, "from", json_string(api_iso_time(x->from,
	    t, sizeof(t))));
	json_object_set_new(out, "to", json_string(api_iso_time(x->to, t,
	    sizeof(t))));
	if ((text = json_dumps(out, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	resp_watch(c, NULL, NULL, NULL);
	resp_send(c, 200, "application/json", NULL, text, strlen(text));
	free(text);
	json_decref(out);
}

static int64_t
bt_elapsed_ms(const struct backtest *x)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((now.tv_sec - x->t0.tv_sec) * 1000 +
	    (now.tv_nsec - x->t0.tv_nsec) / 1000000);
}

static void
bt_done(struct api_call *call, int status, const char *detail)
{
	struct backtest		*x = call->arg;
	struct sigma_event	 se;
	struct siem_event	 ev;
	struct conn		*c;
	json_t			*rows, *row, *last;
	char			*buf, why[256];
	size_t			 i;
	int			 more;

	x->call = NULL;
	if ((c = request_lookup(x->ticket)) == NULL) {
		bt_free(x);
		return;
	}
	if (status != 200) {
		resp_watch(c, NULL, NULL, NULL);
		http_problem(c, status, detail);
		bt_free(x);
		return;
	}
	/* the body: objects separated by commas */
	if ((buf = malloc(call->len + 3)) == NULL)
		fatal("%s: malloc", __func__);
	buf[0] = '[';
	memcpy(buf + 1, call->body, call->len);
	buf[call->len + 1] = ']';
	buf[call->len + 2] = '\0';
	rows = json_loads(buf, 0, NULL);
	free(buf);
	json_array_foreach(rows, i, row) {
		if (x->scanned >= x->max_scan) {
			x->truncated = 1;
			break;
		}
		x->scanned++;
		if (event_from_json(row, &ev, why, sizeof(why)) == -1)
			continue;
		sigma_event_from_event(&se, &ev);
		x->hit = 0;
		(void)sigma_match(x->set, &se, bt_hit, x);
		sigma_event_done(&se);
		if (x->hit) {
			x->matched++;
			bt_group(x, &ev);
		}
		event_clear(&ev);
	}
	json_decref(rows);
	more = json_is_true(json_object_get(call->meta, "more"));
	last = json_object_get(call->meta, "last_id");
	if (more && json_is_integer(last) && !x->truncated) {
		if (x->scanned >= x->max_scan ||
		    bt_elapsed_ms(x) >= BT_BUDGET_MS)
			x->truncated = 1;
		else {
			json_object_set(x->params, "before_id", last);
			bt_page(x);
			return;
		}
	}
	bt_send(x, c);
	bt_free(x);
}

static void
bt_page(struct backtest *x)
{
	struct conn	*c;
	int64_t		 n = x->max_scan - x->scanned;

	json_object_set_new(x->params, "limit", json_integer(n < BT_PAGE ?
	    n : BT_PAGE));
	if ((x->call = api_query(QK_EVENTS, x->params, API_EXPORT_BUDGET_MS,
	    bt_done, x)) != NULL) {
		x->call->ticket = x->ticket;
		return;
	}
	if ((c = request_lookup(x->ticket)) != NULL) {
		resp_watch(c, NULL, NULL, NULL);
		http_problem(c, 503, "no query process can answer");
	}
	bt_free(x);
}

/* A time member: text as the event filters take it; def if absent. */
static int
bt_time(json_t *body, const char *name, const char *def, int64_t now,
    int64_t *out)
{
	json_t	*v = json_object_get(body, name);

	if (v == NULL || json_is_null(v))
		return (api_time_parse(def, now, out));
	if (!json_is_string(v))
		return (-1);
	return (api_time_parse(json_string_value(v), now, out));
}

/* A number member in [1, max]; def if absent. */
static int
bt_int(json_t *body, const char *name, int64_t def, int64_t max,
    int64_t *out)
{
	json_t	*v = json_object_get(body, name);

	*out = def;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return (-1);
	*out = json_integer_value(v) > max ? max : json_integer_value(v);
	return (0);
}

void
api_rules_backtest(struct request *req)
{
	static const char *const allowed[] = { "rule", "from", "to",
	    "limit", "max_events", NULL };
	struct backtest	*x;
	struct sigma_rule *r;
	json_t		*body;
	int64_t		 now = api_now();
	size_t		 i;

	if ((body = body_object(req, allowed)) == NULL)
		return;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("%s: calloc", __func__);
	if (bt_time(body, "from", "-24h", now, &x->from) == -1 ||
	    bt_time(body, "to", "now", now, &x->to) == -1) {
		http_problem(req->conn, 400, "from, to: \"now\", \"-15m\" "
		    "(s, m, h, d, w) or ISO 8601");
		goto fail;
	}
	if (x->from > x->to) {
		http_problem(req->conn, 400, "from: after to");
		goto fail;
	}
	if (bt_int(body, "limit", BT_MAX_ALERTS, BT_MAX_ALERTS,
	    &x->limit) == -1 ||
	    bt_int(body, "max_events", BT_MAX_SCAN, BT_MAX_SCAN,
	    &x->max_scan) == -1) {
		http_problem(req->conn, 400, "limit, max_events: positive "
		    "numbers");
		goto fail;
	}
	if ((x->set = rule_compile(req->conn, json_string_value(
	    json_object_get(body, "rule")), &x->rule)) == NULL)
		goto fail;
	/*
	 * A correlation needs events oldest first through the engine;
	 * answering with its base rule's hits would be wrong, so say so.
	 */
	for (i = 0; (r = sigma_set_rule(x->set, i)) != NULL; i++)
		if (r->kind == SIGMA_CORRELATION) {
			http_problem(req->conn, 422, "rule: a backtest does "
			    "not run correlation rules; send the detection "
			    "rules alone to see their hits");
			goto fail;
		}
	/* events come newest first here: no buckets, no first sightings */
	if (x->rule->ext != NULL) {
		http_problem(req->conn, 422, "rule: a backtest does not run "
		    "siemd: baseline or new-value sections; without the "
		    "section it shows the detection's hits");
		goto fail;
	}
	json_decref(body);
	body = NULL;
	x->params = json_pack("{s:I, s:I, s:I, s:s}", "from",
	    (json_int_t)x->from, "to", (json_int_t)x->to, "max_bytes",
	    (json_int_t)API_PAGE_BYTES, "format", "json");
	x->ticket = request_ticket(req->conn);
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	resp_watch(req->conn, NULL, bt_closed, x);
	bt_page(x);
	return;
 fail:
	json_decref(body);
	bt_free(x);
}
