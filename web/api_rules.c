/*
 * GET /rules and GET /rules/{id}.  Each request waits for the parent's
 * copy of correlate's rule report (refreshed every few seconds and on
 * every reload), then is answered from it with its own filters.  One
 * rule also carries its file's text ("yaml"), which the parent reads
 * for it: only the parent may open rule files.
 */

#include <sys/types.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "api.h"
#include "api_rules.h"

#define RULES_WAITING	32
#define RULES_MAX_ARG	256

struct rules_wait {
	uint32_t	 ticket;
	int		 one;			/* /rules/{id} */
	char		 id[RULES_MAX_ARG];
	char		 status[32];		/* loaded, skipped, invalid */
	char		 kind[32];
	char		 q[RULES_MAX_ARG];
};

/* waiting for a rule file's text; the parent answers in order */
struct source_wait {
	uint32_t	 ticket;
	json_t		*rule;
};

static struct rules_wait	 waiting[RULES_WAITING];
static size_t			 nwaiting;
static struct source_wait	 sources[RULES_WAITING];
static size_t			 nsources;
static struct proc_ctx		*rules_ctx;

static int	 rules_ask(struct request *, int);
static int	 rule_is(json_t *, const char *);
static int	 contains_nocase(const char *, const char *);
static void	 rule_answer(struct conn *, uint32_t, json_t *);

static int
contains_nocase(const char *hay, const char *needle)
{
	return (hay != NULL && strcasestr(hay, needle) != NULL);
}

static int
rule_is(json_t *r, const char *id)
{
	const char	*keys[] = { "id", "name", "title" };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((v = json_string_value(json_object_get(r, keys[i]))) !=
		    NULL && strcmp(v, id) == 0)
			return (1);
	return (0);
}

static int
rules_ask(struct request *req, int one)
{
	struct rules_wait	*w;
	const char		*v;

	if (rules_ctx == NULL)
		rules_ctx = api_ctx();
	if (nwaiting == RULES_WAITING) {
		http_problem(req->conn, 503, "too many rule requests waiting");
		return (-1);
	}
	w = &waiting[nwaiting];
	memset(w, 0, sizeof(*w));
	w->one = one;
	if (one) {
		if ((v = request_param(req, "id")) == NULL ||
		    strlen(v) >= sizeof(w->id)) {
			http_problem(req->conn, 400, "bad rule id");
			return (-1);
		}
		strlcpy(w->id, v, sizeof(w->id));
	} else {
		if ((v = request_query(req, "status")) != NULL) {
			if (strcmp(v, "loaded") != 0 &&
			    strcmp(v, "skipped") != 0 &&
			    strcmp(v, "invalid") != 0) {
				http_problem(req->conn, 400, "status: one of "
				    "loaded, skipped, invalid");
				return (-1);
			}
			strlcpy(w->status, v, sizeof(w->status));
		}
		if ((v = request_query(req, "kind")) != NULL) {
			if (strcmp(v, "detection") != 0 &&
			    strcmp(v, "correlation") != 0 &&
			    strcmp(v, "filter") != 0) {
				http_problem(req->conn, 400, "kind: one of "
				    "detection, correlation, filter");
				return (-1);
			}
			strlcpy(w->kind, v, sizeof(w->kind));
		}
		if ((v = request_query(req, "q")) != NULL) {
			if (strlen(v) >= sizeof(w->q)) {
				http_problem(req->conn, 400, "q is too long");
				return (-1);
			}
			strlcpy(w->q, v, sizeof(w->q));
		}
	}
	if (imsgev_compose(&rules_ctx->parent, IMSG_RULES_REQ, 0, -1, NULL,
	    0) == -1) {
		http_problem(req->conn, 503, "cannot reach the parent process");
		return (-1);
	}
	w->ticket = request_ticket(req->conn);
	nwaiting++;
	return (0);
}

void
api_rules(struct request *req)
{
	(void)rules_ask(req, 0);
}

void
api_rule(struct request *req)
{
	(void)rules_ask(req, 1);
}

/*
 * One rule, with its file's text asked of the parent; without a path
 * (a rule correlate made itself) or a free slot, the rule alone.
 * Consumes r.
 */
static void
rule_answer(struct conn *c, uint32_t ticket, json_t *r)
{
	const char	*path;

	path = json_string_value(json_object_get(r, "path"));
	if (path == NULL || nsources == RULES_WAITING ||
	    imsgev_compose(&rules_ctx->parent, IMSG_RULE_SOURCE_REQ, 0, -1,
	    path, strlen(path) + 1) == -1) {
		resp_json(c, 200, r);
		json_decref(r);
		return;
	}
	sources[nsources].ticket = ticket;
	sources[nsources].rule = r;
	nsources++;
}

/* The parent's answer to the oldest IMSG_RULE_SOURCE_REQ. */
void
api_rule_source_answer(const char *text)
{
	struct source_wait	 w;
	struct conn		*c;
	json_t			*js, *v;

	if (nsources == 0) {
		log_warnx("%s: no request waits for a rule file", __func__);
		return;
	}
	w = sources[0];
	memmove(&sources[0], &sources[1], --nsources * sizeof(sources[0]));
	js = json_loads(text, 0, NULL);
	if ((c = request_lookup(w.ticket)) != NULL) {
		if ((v = json_object_get(js, "yaml")) != NULL &&
		    json_is_string(v))
			json_object_set(w.rule, "yaml", v);
		else if ((v = json_object_get(js, "error")) != NULL &&
		    json_is_string(v))
			json_object_set(w.rule, "yaml_error", v);
		resp_json(c, 200, w.rule);
	}
	json_decref(js);
	json_decref(w.rule);
}

/* The parent's answer: every waiting request is served from it. */
void
api_rules_answer(const char *text)
{
	struct rules_wait	*w;
	struct conn		*c;
	json_t			*all, *r, *out, *data;
	size_t			 i, j;

	all = json_loads(text, 0, NULL);
	for (i = 0; i < nwaiting; i++) {
		w = &waiting[i];
		if ((c = request_lookup(w->ticket)) == NULL)
			continue;
		if (!json_is_array(all)) {
			http_problem(c, 503, "no rule report yet");
			continue;
		}
		if (w->one) {
			out = NULL;
			json_array_foreach(all, j, r)
				if (rule_is(r, w->id)) {
					out = r;
					break;
				}
			if (out == NULL)
				http_problem(c, 404, "no such rule");
			else
				rule_answer(c, w->ticket, json_deep_copy(out));
			continue;
		}
		if ((data = json_array()) == NULL)
			fatal("%s: json_array", __func__);
		json_array_foreach(all, j, r) {
			if (w->status[0] != '\0' && strcmp(w->status,
			    json_string_value(json_object_get(r, "status"))
			    ? json_string_value(json_object_get(r, "status")) :
			    "") != 0)
				continue;
			if (w->kind[0] != '\0' && strcmp(w->kind,
			    json_string_value(json_object_get(r, "kind")) ?
			    json_string_value(json_object_get(r, "kind")) :
			    "") != 0)
				continue;
			if (w->q[0] != '\0' && !contains_nocase(
			    json_string_value(json_object_get(r, "title")),
			    w->q) && !contains_nocase(json_string_value(
			    json_object_get(r, "id")), w->q))
				continue;
			json_array_append(data, r);
		}
		out = json_pack("{s:o,s:I}", "data", data, "total",
		    (json_int_t)json_array_size(data));
		resp_json(c, 200, out);
		json_decref(out);
	}
	nwaiting = 0;
	json_decref(all);
}
