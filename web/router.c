/*
 * Routing: which handler answers a request, and what every answer
 * shares.  The route table below is data: a method set, a path
 * pattern with {name} segments, what the caller must present, the
 * handler, and a summary for the OpenAPI document, which is built
 * from the same table so that the two cannot disagree.
 *
 * Paths are matched after the configured prefix is taken off when it
 * is there, so that /siem/api/v1/... (a proxy that passes the path
 * on) and /api/v1/... (a proxy that strips the prefix) both work.
 * Paths under /api that match no route are 404 problems; any other
 * path that is not a route is a dashboard file (static.c).
 *
 * The client address is the socket peer, unless the peer is a
 * trusted proxy: then Forwarded (RFC 7239) or X-Forwarded-For is
 * walked from the right, past trusted proxies, to the first address
 * that is not one.
 *
 * /metrics answers loopback clients and the addresses of "metrics
 * from"; it is the client address that is checked, so behind a
 * trusted proxy it is the scraper's, not the proxy's.  The time each
 * request takes, from dispatch to the end of its answer, goes into a
 * histogram per route (the pattern, never the path as sent).
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "siemd.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "auth.h"
#include "api.h"
#include "api_rules.h"
#include "api_explain.h"
#include "api_alerts.h"

#define ALLOW_HEADERS	"Authorization, Content-Type, Last-Event-ID"
#define NROUTES		(sizeof(router_routes) / sizeof(router_routes[0]))
#define NBUCKETS	(sizeof(router_buckets) / sizeof(router_buckets[0]))

static void	 h_healthz(struct request *);
static void	 h_openapi(struct request *);
static void	 h_metrics(struct request *);

static int	 router_metrics_allowed(const char *);
static int	 router_authorize(struct request *, int);
static unsigned int router_prepare(struct request *);
static void	 router_noroute(struct request *, unsigned int);
static void	 router_preflight(struct request *, unsigned int);
static void	 allow_list(unsigned int, char *, size_t);
static int	 addr_bytes(const char *, int *, uint8_t *);
static int	 forwarded_for(const char *, char *, size_t);

/*
 * Every endpoint.  HEAD is served wherever GET is.  Endpoints of
 * other parts of the daemon are added here, with their handler.
 */
const struct route router_routes[] = {
	{ HTTP_M_GET, "/healthz", AUTH_NONE, h_healthz,
	    "Liveness: the web process answers" },
	{ HTTP_M_GET, "/readyz", AUTH_NONE, api_readyz,
	    "Readiness: every process runs, ingestion flows, the database "
	    "reads" },
	{ HTTP_M_GET, "/openapi.json", AUTH_NONE, h_openapi,
	    "This document" },
	{ HTTP_M_GET, "/metrics", AUTH_NONE, h_metrics,
	    "Prometheus metrics; loopback clients and the addresses of "
	    "metrics from only" },
	/* the same four under the API root */
	{ HTTP_M_GET, ROUTER_API_ROOT "/healthz", AUTH_NONE, h_healthz,
	    "Liveness: the web process answers" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/readyz", AUTH_NONE, api_readyz,
	    "Readiness: every process runs, ingestion flows, the database "
	    "reads" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/openapi.json", AUTH_NONE, h_openapi,
	    "This document" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/metrics", AUTH_NONE, h_metrics,
	    "Prometheus metrics; loopback clients and the addresses of "
	    "metrics from only" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/auth/login", AUTH_NONE, auth_handle_login,
	    "Exchange a user name and password for a bearer token" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/auth/logout", AUTH_ANY, auth_handle_logout,
	    "Revoke the bearer token of this request" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/auth/me", AUTH_ANY, auth_handle_me,
	    "The user and role of the bearer token" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/events", AUTH_ANY, api_events,
	    "Search events, newest first, with filters and a cursor" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/events/export", AUTH_ANY, api_export,
	    "Every matching event as JSON lines, CSV or ECS NDJSON" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/events/{id}", AUTH_ANY, api_event,
	    "One event" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/apps", AUTH_ANY, api_apps,
	    "Applications with event counts and first and last seen" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/event-types", AUTH_ANY,
	    api_event_types, "Event types, of one app with ?app=" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/hosts", AUTH_ANY, api_hosts,
	    "Hosts with first and last seen and counts by severity" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/hosts/{name}", AUTH_ANY, api_host,
	    "One host: summary, top event types, recent events" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/stats", AUTH_ANY, api_stats,
	    "Totals, the last 24 hours by severity, events/s, top apps" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/timeline", AUTH_ANY, api_timeline,
	    "Event counts per time bucket by severity" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/top", AUTH_ANY, api_top,
	    "Most frequent values of a field under the event filters" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/stream/events", AUTH_NONE,
	    stream_events, "Live events (SSE) with the event filters; "
	    "bearer token in Authorization or access_token" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/ingest", AUTH_INGEST, ingest_http,
	    "Store events: a JSON object, an array or JSON lines" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/status", AUTH_ANY, api_status,
	    "Every process with its pid, uptime and counters" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/rules", AUTH_ANY, api_rules,
	    "Every rule, loaded or not (with the reason), and its counters" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/rules/{id}", AUTH_ANY, api_rule,
	    "One rule by id, name or title, with its file's YAML" },
	/* trying a rule: api_explain.c */
	{ HTTP_M_POST, ROUTER_API_ROOT "/rules/explain", AUTH_ANY,
	    api_rules_explain, "Why a Sigma rule sent in the body matches "
	    "an event (stored, by id, or sent) or not" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/rules/backtest", AUTH_ANALYST,
	    api_rules_backtest, "The alerts a Sigma rule sent in the body "
	    "would have raised on stored events of a time range; nothing "
	    "is stored" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/admin/reload", AUTH_ADMIN, api_reload,
	    "Re-read the configuration: rules swap live, other changes "
	    "restart the processes" },
	/* alerts, triage, silences, allow-list: api_alerts.c */
	{ HTTP_M_GET, ROUTER_API_ROOT "/alerts", AUTH_ANY, api_alerts,
	    "The alert queue with filters and a cursor, most recently "
	    "updated first" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/alerts/stats", AUTH_ANY,
	    api_alerts_stats, "Alerts by status, severity and rule, and "
	    "over time" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/alerts/bulk", AUTH_ANALYST,
	    api_alerts_bulk, "Change the status, assignee or notes of many "
	    "alerts; one result per id" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/alerts/{id}", AUTH_ANY, api_alert,
	    "One alert with its matched events, notes and history" },
	{ HTTP_M_PATCH, ROUTER_API_ROOT "/alerts/{id}", AUTH_ANALYST,
	    api_alert_patch, "Triage: change the status, assignee, or add "
	    "a note" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/alerts/{id}/notes", AUTH_ANALYST,
	    api_alert_note, "Add a note to an alert" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/stream/alerts", AUTH_NONE,
	    api_stream_alerts, "Live alerts (SSE) as they are created or "
	    "changed; bearer token in Authorization or access_token" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/silences", AUTH_ANY, api_silences,
	    "Silences of alerts by rule or group, with their expiry" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/silences", AUTH_ADMIN,
	    api_silence_add, "Silence a rule or group until a time" },
	{ HTTP_M_DELETE, ROUTER_API_ROOT "/silences/{id}", AUTH_ADMIN,
	    api_silence_delete, "Delete a silence" },
	{ HTTP_M_PATCH, ROUTER_API_ROOT "/silences/{id}", AUTH_ADMIN,
	    api_silence_edit, "Change a silence's rule, group, reason or "
	    "expiry" },
	{ HTTP_M_GET, ROUTER_API_ROOT "/allowlist", AUTH_ANY, api_allowlist,
	    "Addresses and networks that do not raise alerts" },
	{ HTTP_M_POST, ROUTER_API_ROOT "/allowlist", AUTH_ADMIN,
	    api_allow_add, "Add an address or network to the allow-list" },
	{ HTTP_M_DELETE, ROUTER_API_ROOT "/allowlist/{id}", AUTH_ADMIN,
	    api_allow_delete, "Delete an allow-list entry" },
	{ HTTP_M_PATCH, ROUTER_API_ROOT "/allowlist/{id}", AUTH_ADMIN,
	    api_allow_edit, "Change an allow-list entry's network or "
	    "comment" },
};
const size_t	 router_nroutes = NROUTES;

/* Upper bounds of the request duration buckets, in seconds. */
static const double	 router_buckets[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
};

static struct {
	char		 prefix[ROUTER_MAX_PREFIX];
	char		*cors[ROUTER_MAX_CORS];
	int		 ncors;
	struct cidr	 proxies[ROUTER_MAX_PROXIES];
	int		 nproxies;
	struct cidr	 scrapers[ROUTER_MAX_PROXIES];	/* metrics from */
	int		 nscrapers;
	char		*openapi;	/* the document, made once */
	/* request durations per route: counts per bucket, then +Inf */
	uint64_t	 hist[NROUTES][NBUCKETS + 1];
	double		 hist_sum[NROUTES];
} rt;

/* The "api" configuration object. */
int
router_init(json_t *api)
{
	json_t		*a, *v;
	const char	*s;
	size_t		 i;

	s = json_string_value(json_object_get(api, "prefix"));
	if (s != NULL && strlcpy(rt.prefix, s, sizeof(rt.prefix)) >=
	    sizeof(rt.prefix)) {
		log_warnx("%s: prefix too long", __func__);
		return (-1);
	}
	a = json_object_get(api, "cors");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || rt.ncors >= ROUTER_MAX_CORS ||
		    strlen(json_string_value(v)) >= ROUTER_MAX_ORIGIN) {
			log_warnx("%s: bad cors origin", __func__);
			return (-1);
		}
		if ((rt.cors[rt.ncors++] = strdup(json_string_value(v))) ==
		    NULL)
			fatal("%s: strdup", __func__);
	}
	a = json_object_get(api, "trusted_proxies");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || rt.nproxies >= ROUTER_MAX_PROXIES ||
		    cidr_parse(json_string_value(v),
		    &rt.proxies[rt.nproxies]) == -1) {
			log_warnx("%s: bad trusted proxy", __func__);
			return (-1);
		}
		rt.nproxies++;
	}
	a = json_object_get(api, "metrics_from");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || rt.nscrapers >= ROUTER_MAX_PROXIES ||
		    cidr_parse(json_string_value(v),
		    &rt.scrapers[rt.nscrapers]) == -1) {
			log_warnx("%s: bad metrics from", __func__);
			return (-1);
		}
		rt.nscrapers++;
	}
	v = json_object_get(api, "query_timeout_ms");
	if (json_is_integer(v))
		api_budget_set(json_integer_value(v));
	return (0);
}

const char *
router_prefix(void)
{
	return (rt.prefix);
}

const char *
request_param(const struct request *req, const char *name)
{
	return (http_query_get(req->params, req->nparams, name));
}

const char *
request_query(const struct request *req, const char *name)
{
	return (http_query_get(req->query, req->nquery, name));
}

const char *
request_header(const struct request *req, const char *name)
{
	return (http_field(req->http, name));
}

/*
 * The server frees a request once its answer is complete or given
 * up: a dispatched one counts in its route's histogram then.  Live
 * streams are left out, their duration is how long someone watched.
 */
void
router_request_free(struct request *req)
{
	const struct route	*r = req->route;
	double			 secs;
	size_t			 i, k;

	if (req->t0 != 0 && r != NULL && r >= router_routes &&
	    r < router_routes + NROUTES &&
	    strstr(r->pattern, "/stream/") == NULL) {
		i = r - router_routes;
		secs = (mono_us() - req->t0) / 1e6;
		for (k = 0; k < NBUCKETS; k++)
			if (secs <= router_buckets[k])
				break;
		rt.hist[i][k]++;
		rt.hist_sum[i] += secs;
	}
	req->t0 = 0;
	free(req->buf);
	req->buf = NULL;
}

/* The path below the prefix, when the request carries the prefix. */
const char *
router_local_path(const char *prefix, const char *path)
{
	size_t	 len = strlen(prefix);

	if (len == 0 || strncmp(path, prefix, len) != 0)
		return (path);
	if (path[len] == '\0')
		return ("/");
	if (path[len] == '/')
		return (path + len);
	return (path);
}

int
router_is_api(const char *local)
{
	return (strcmp(local, "/api") == 0 ||
	    strncmp(local, "/api/", 5) == 0);
}

/*
 * Match a path against a pattern; {name} takes one non-empty
 * segment.  Names and values are copied into buf from *used on.
 */
int
router_pattern_match(const char *pat, const char *path,
    struct http_param *params, int *nparams, char *buf, size_t bufsz,
    size_t *used)
{
	size_t	 plen, slen;
	int	 n = 0;

	while (*pat != '\0' && *path != '\0') {
		if (*pat != '/' || *path != '/')
			return (0);
		pat++;
		path++;
		plen = strcspn(pat, "/");
		slen = strcspn(path, "/");
		if (plen > 2 && pat[0] == '{' && pat[plen - 1] == '}') {
			if (slen == 0 || n >= ROUTER_MAX_PARAMS ||
			    *used + plen - 2 + 1 + slen + 1 > bufsz)
				return (0);
			memcpy(buf + *used, pat + 1, plen - 2);
			buf[*used + plen - 2] = '\0';
			params[n].name = buf + *used;
			*used += plen - 1;
			memcpy(buf + *used, path, slen);
			buf[*used + slen] = '\0';
			params[n].value = buf + *used;
			*used += slen + 1;
			n++;
		} else if (plen != slen || strncmp(pat, path, plen) != 0)
			return (0);
		pat += plen;
		path += slen;
	}
	if (*pat != '\0' || *path != '\0')
		return (0);
	*nparams = n;
	return (1);
}

/*
 * The route for a local path and method, with its {name} values in
 * params; or NULL, and *allowed says which methods the path has (0:
 * no such path).
 */
const struct route *
router_match(const char *path, enum http_method method,
    struct http_param *params, int *nparams, char *buf, size_t bufsz,
    unsigned int *allowed)
{
	const struct route	*r;
	unsigned int		 m;
	size_t			 i, used;
	int			 n;

	*allowed = 0;
	*nparams = 0;
	for (i = 0; i < router_nroutes; i++) {
		r = &router_routes[i];
		used = 0;
		if (!router_pattern_match(r->pattern, path, params, &n, buf,
		    bufsz, &used))
			continue;
		m = r->methods;
		if (m & HTTP_M_GET)
			m |= HTTP_M_HEAD;
		*allowed |= m;
		if (method & m) {
			*nparams = n;
			return (r);
		}
	}
	return (NULL);
}

static void
allow_list(unsigned int methods, char *out, size_t outsz)
{
	static const enum http_method	 order[] = {
		HTTP_M_GET, HTTP_M_HEAD, HTTP_M_POST, HTTP_M_PUT,
		HTTP_M_PATCH, HTTP_M_DELETE, HTTP_M_OPTIONS
	};
	size_t				 i;

	out[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(methods & order[i]))
			continue;
		if (out[0] != '\0')
			strlcat(out, ", ", outsz);
		strlcat(out, http_method_name(order[i]), outsz);
	}
}

/* addresses -------------------------------------------------------- */

/* Text to family and bytes; IPv4-mapped IPv6 becomes IPv4. */
static int
addr_bytes(const char *s, int *family, uint8_t *addr)
{
	struct in6_addr	 in6;

	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return (0);
	}
	if (inet_pton(AF_INET6, s, &in6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&in6)) {
			*family = AF_INET;
			memcpy(addr, &in6.s6_addr[12], 4);
		} else {
			*family = AF_INET6;
			memcpy(addr, &in6, 16);
		}
		return (0);
	}
	return (-1);
}

/* "10.0.0.0/8", "::1", "2001:db8::/32" */
int
cidr_parse(const char *s, struct cidr *c)
{
	char		 a[ROUTER_MAX_ADDR];
	const char	*slash, *errstr;
	size_t		 len;
	int		 max, i;

	memset(c, 0, sizeof(*c));
	slash = strchr(s, '/');
	len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof(a))
		return (-1);
	memcpy(a, s, len);
	a[len] = '\0';
	if (addr_bytes(a, &c->family, c->addr) == -1)
		return (-1);
	max = c->family == AF_INET ? 32 : 128;
	c->bits = max;
	if (slash != NULL) {
		c->bits = strtonum(slash + 1, 0, max, &errstr);
		if (errstr != NULL || slash[1] == '\0')
			return (-1);
	}
	/* host bits are cleared, so "10.1.2.3/8" is 10.0.0.0/8 */
	for (i = c->bits; i < max; i++)
		c->addr[i / 8] &= ~(0x80 >> (i % 8));
	return (0);
}

int
cidr_match(const struct cidr *c, const char *s)
{
	uint8_t	 a[16];
	int	 family, full, rest;

	if (addr_bytes(s, &family, a) == -1 || family != c->family)
		return (0);
	full = c->bits / 8;
	rest = c->bits % 8;
	if (memcmp(a, c->addr, full) != 0)
		return (0);
	if (rest != 0 &&
	    (a[full] & (0xff << (8 - rest))) != c->addr[full])
		return (0);
	return (1);
}

/*
 * One entry of a forwarding header to the canonical text of its
 * address: quotes, brackets and ports are taken off.  0, or -1 for
 * anything that is not an address ("unknown", "_hidden").
 */
int
addr_canon(const char *s, char *out, size_t outsz)
{
	char		 a[ROUTER_MAX_ADDR];
	const char	*e, *colon;
	size_t		 len;
	uint8_t		 bytes[16];
	int		 family;

	s += strspn(s, " \t\"");
	len = strlen(s);
	while (len > 0 && strchr(" \t\"", s[len - 1]) != NULL)
		len--;
	if (len > 0 && s[0] == '[') {
		if ((e = memchr(s, ']', len)) == NULL)
			return (-1);
		s++;
		len = e - s;
	} else if ((colon = memchr(s, ':', len)) != NULL &&
	    memchr(colon + 1, ':', len - (colon + 1 - s)) == NULL)
		len = colon - s;	/* IPv4 with a port */
	if (len == 0 || len >= sizeof(a))
		return (-1);
	memcpy(a, s, len);
	a[len] = '\0';
	if (addr_bytes(a, &family, bytes) == -1 ||
	    inet_ntop(family, bytes, out, outsz) == NULL)
		return (-1);
	return (0);
}

int
addr_is_loopback(const char *s)
{
	uint8_t	 a[16];
	int	 family;

	if (addr_bytes(s, &family, a) == -1)
		return (0);
	if (family == AF_INET)
		return (a[0] == 127);
	return (IN6_IS_ADDR_LOOPBACK((struct in6_addr *)a));
}

/* A client /metrics answers: loopback, or listed in metrics from. */
static int
router_metrics_allowed(const char *addr)
{
	int	 i;

	if (addr_is_loopback(addr))
		return (1);
	for (i = 0; i < rt.nscrapers; i++)
		if (cidr_match(&rt.scrapers[i], addr))
			return (1);
	return (0);
}

/*
 * The for= values of a Forwarded field, comma-separated, into out;
 * an element without one becomes "unknown".  0, or -1.
 */
static int
forwarded_for(const char *fwd, char *out, size_t outsz)
{
	const char	*el, *ee, *pr, *pe, *v;
	char		 val[ROUTER_MAX_ADDR];
	size_t		 vlen;
	int		 found;

	out[0] = '\0';
	for (el = fwd; *el != '\0'; el = *ee ? ee + 1 : ee) {
		ee = el + strcspn(el, ",");
		found = 0;
		for (pr = el; pr < ee; pr = pe + 1) {
			pr += strspn(pr, " \t");
			pe = pr + strcspn(pr, ";,");
			if (pe > ee)
				pe = ee;
			if (pe - pr > 4 && strncasecmp(pr, "for=", 4) == 0) {
				v = pr + 4;
				vlen = pe - v;
				while (vlen > 0 && (v[vlen - 1] == ' ' ||
				    v[vlen - 1] == '\t'))
					vlen--;
				if (vlen >= sizeof(val))
					vlen = 0;
				memcpy(val, v, vlen);
				val[vlen] = '\0';
				found = 1;
			}
			if (pe >= ee)
				break;
		}
		if (out[0] != '\0' && strlcat(out, ",", outsz) >= outsz)
			return (-1);
		if (strlcat(out, found ? val : "unknown", outsz) >= outsz)
			return (-1);
	}
	return (0);
}

/*
 * The client: the peer, or, when the peer is a trusted proxy, the
 * first untrusted address from the right of Forwarded (preferred) or
 * X-Forwarded-For.  Past an entry that is not an address nothing can
 * be believed, so the last trusted hop is the answer then.
 */
int
client_address(const char *peer, const char *xff, const char *fwd,
    const struct cidr *proxies, int nproxies, char *out, size_t outsz)
{
	char		 list[ROUTER_MAX_FORWARD];
	char		 last[ROUTER_MAX_ADDR], a[ROUTER_MAX_ADDR];
	char		*hops[ROUTER_MAX_HOPS], *s;
	int		 n = 0, i, j, trusted;

	if (addr_canon(peer, last, sizeof(last)) == -1)
		strlcpy(last, peer, sizeof(last));
	if (strlcpy(out, last, outsz) >= outsz)
		return (-1);
	for (trusted = 0, j = 0; j < nproxies; j++)
		if (cidr_match(&proxies[j], last))
			trusted = 1;
	if (!trusted)
		return (0);
	if (fwd != NULL && *fwd != '\0') {
		if (forwarded_for(fwd, list, sizeof(list)) == -1)
			return (0);
	} else if (xff != NULL) {
		if (strlcpy(list, xff, sizeof(list)) >= sizeof(list))
			return (0);
	} else
		return (0);
	/* the rightmost ROUTER_MAX_HOPS entries */
	for (s = list; s != NULL; ) {
		if (n == ROUTER_MAX_HOPS) {
			memmove(hops, hops + 1, sizeof(hops[0]) * (n - 1));
			n--;
		}
		hops[n++] = s;
		if ((s = strchr(s, ',')) != NULL)
			*s++ = '\0';
	}
	for (i = n - 1; i >= 0; i--) {
		if (addr_canon(hops[i], a, sizeof(a)) == -1)
			break;
		for (trusted = 0, j = 0; j < nproxies; j++)
			if (cidr_match(&proxies[j], a))
				trusted = 1;
		strlcpy(last, a, sizeof(last));
		if (!trusted)
			break;
	}
	if (strlcpy(out, last, outsz) >= outsz)
		return (-1);
	return (0);
}

/* The configured origin equal to this one, or NULL. */
const char *
cors_match(const char *origin, char *const *list, int n)
{
	int	 i;

	if (origin == NULL)
		return (NULL);
	for (i = 0; i < n; i++)
		if (strcmp(origin, list[i]) == 0)
			return (list[i]);
	return (NULL);
}

/* dispatch --------------------------------------------------------- */

/* A CORS preflight: 204, with CORS fields only for a known origin. */
static void
router_preflight(struct request *req, unsigned int allowed)
{
	char	 hdrs[512], methods[128];

	allow_list(allowed | HTTP_M_OPTIONS, methods, sizeof(methods));
	if (req->cors != NULL)
		snprintf(hdrs, sizeof(hdrs), "Allow: %s\r\n"
		    "Access-Control-Allow-Methods: %s\r\n"
		    "Access-Control-Allow-Headers: %s\r\n"
		    "Access-Control-Max-Age: %d\r\n", methods, methods,
		    ALLOW_HEADERS, ROUTER_CORS_MAX_AGE);
	else
		snprintf(hdrs, sizeof(hdrs), "Allow: %s\r\n", methods);
	resp_send(req->conn, 204, NULL, hdrs, NULL, 0);
}

/*
 * The route's requirement; 0 to go on, -1 when answered already.
 * The token's rate limit is only spent when ratelimit is set, once
 * per request.
 */
static int
router_authorize(struct request *req, int ratelimit)
{
	const char	*hdr = request_header(req, "Authorization");
	char		 hdrs[128];
	time_t		 now = time(NULL), exp = 0;
	int		 need, retry;

	switch (req->route->auth) {
	case AUTH_NONE:
		return (0);
	case AUTH_INGEST:
		if (hdr == NULL || auth_ingest_key(hdr, req->ingest_key,
		    sizeof(req->ingest_key)) == -1) {
			http_problem_ex(req->conn, 401, NULL,
			    "a valid ingest key is required",
			    "WWW-Authenticate: Bearer realm=\"siemd\"\r\n");
			return (-1);
		}
		return (0);
	case AUTH_ANY:
		need = ROLE_VIEWER;
		break;
	case AUTH_ANALYST:
		need = ROLE_ANALYST;
		break;
	case AUTH_ADMIN:
	default:
		need = ROLE_ADMIN;
		break;
	}
	if (hdr == NULL) {
		http_problem_ex(req->conn, 401, NULL,
		    "a bearer token is required",
		    "WWW-Authenticate: Bearer realm=\"siemd\"\r\n");
		return (-1);
	}
	if (auth_bearer_exp(hdr, now, &req->principal, req->jti,
	    sizeof(req->jti), &exp) == -1) {
		http_problem_ex(req->conn, 401, NULL, auth_bearer_reason(),
		    "WWW-Authenticate: Bearer realm=\"siemd\", "
		    "error=\"invalid_token\"\r\n");
		return (-1);
	}
	req->token_exp = exp;
	req->authenticated = 1;
	if (ratelimit && auth_ratelimit(req->jti, now, &retry) == -1) {
		snprintf(hdrs, sizeof(hdrs), "Retry-After: %d\r\n",
		    retry > 0 ? retry : 1);
		http_problem_ex(req->conn, 429, NULL,
		    "too many requests for this token", hdrs);
		return (-1);
	}
	if (!auth_allows(req->principal.role, need)) {
		http_problem(req->conn, 403, "this role may not do that");
		return (-1);
	}
	return (0);
}

/*
 * What every request needs before routing: the client address, the
 * CORS decision, the local path and the route.  Returns the methods
 * the path has (0: no route there).
 */
static unsigned int
router_prepare(struct request *req)
{
	struct http_request	*hr = req->http;
	char			 xff[ROUTER_MAX_FORWARD];
	char			 fwd[ROUTER_MAX_FORWARD];
	size_t			 bufsz;
	unsigned int		 allowed;
	int			 nx, nf;

	nx = http_field_list(hr, "X-Forwarded-For", xff, sizeof(xff));
	nf = http_field_list(hr, "Forwarded", fwd, sizeof(fwd));
	/* too long to walk: believe none of it */
	if (nx == -1 || nf == -1)
		nx = nf = 0;
	if (client_address(req->peer, nx > 0 ? xff : NULL,
	    nf > 0 ? fwd : NULL, rt.proxies, rt.nproxies, req->client,
	    sizeof(req->client)) == -1)
		strlcpy(req->client, req->peer, sizeof(req->client));
	req->cors = cors_match(http_field(hr, "Origin"), rt.cors, rt.ncors);
	req->local = router_local_path(rt.prefix, req->path);
	req->body = hr->bodylen > 0 ? hr->body : NULL;
	req->bodylen = hr->bodylen;

	/* {name} names and values, then query names and values */
	bufsz = strlen(req->local) + ROUTER_MAX_PARAMS * 64 +
	    strlen(hr->query) + HTTP_MAX_QUERY * 2 + 16;
	free(req->buf);
	if ((req->buf = malloc(bufsz)) == NULL)
		fatal("%s: malloc", __func__);
	req->bufsz = bufsz;
	req->route = router_match(req->local, req->method, req->params,
	    &req->nparams, req->buf, bufsz, &allowed);
	return (allowed);
}

/* No route for this method: 404, 405, or the dashboard. */
static void
router_noroute(struct request *req, unsigned int allowed)
{
	char	 hdrs[256], methods[128];

	if (allowed == 0 && !router_is_api(req->local)) {
		allowed = HTTP_M_GET | HTTP_M_HEAD;
		if (req->method & allowed) {
			static_serve(req);
			return;
		}
	}
	if (allowed == 0) {
		http_problem(req->conn, 404, "no such endpoint");
		return;
	}
	allow_list(allowed | HTTP_M_OPTIONS, methods, sizeof(methods));
	snprintf(hdrs, sizeof(hdrs), "Allow: %s\r\n", methods);
	if (req->method == HTTP_M_OPTIONS)
		resp_send(req->conn, 204, NULL, hdrs, NULL, 0);
	else
		http_problem_ex(req->conn, 405, NULL, "method not allowed here",
		    hdrs);
}

/*
 * A head with a body to come: refuse now what would be refused once
 * the body is in (no such route, wrong method, no credentials), so
 * that nobody can make the process hold a large body for nothing.
 * 0 to read the body; -1 when answered.
 */
int
router_precheck(struct conn *c, struct request *req)
{
	unsigned int	 allowed;

	allowed = router_prepare(req);
	if (req->method == HTTP_M_OPTIONS)
		return (0);
	if (req->route == NULL) {
		if (allowed == 0 && !router_is_api(req->local) &&
		    (req->method & (HTTP_M_GET | HTTP_M_HEAD)))
			return (0);
		router_noroute(req, allowed);
		return (-1);
	}
	return (router_authorize(req, 0));
}

void
router_dispatch(struct conn *c, struct request *req)
{
	struct http_request	*hr = req->http;
	size_t			 used = 0;
	unsigned int		 allowed;
	int			 i;

	allowed = router_prepare(req);
	if (req->method == HTTP_M_OPTIONS &&
	    http_field(hr, "Origin") != NULL &&
	    http_field(hr, "Access-Control-Request-Method") != NULL) {
		if (allowed == 0 && router_is_api(req->local)) {
			http_problem(c, 404, "no such endpoint");
			return;
		}
		router_preflight(req, allowed ? allowed :
		    HTTP_M_GET | HTTP_M_HEAD);
		return;
	}
	if (req->route == NULL) {
		router_noroute(req, allowed);
		return;
	}
	req->t0 = mono_us();
	for (i = 0; i < req->nparams; i++)
		used += strlen(req->params[i].name) +
		    strlen(req->params[i].value) + 2;
	if ((req->nquery = http_query_parse(hr->query, req->query,
	    HTTP_MAX_QUERY, req->buf + used, req->bufsz - used)) == -1) {
		req->nquery = 0;
		http_problem(c, 400, "malformed query string");
		return;
	}
	if (router_authorize(req, 1) == -1)
		return;
	req->route->handler(req);
}

/* built-in endpoints ----------------------------------------------- */

static void
h_healthz(struct request *req)
{
	static const char	 ok[] = "{\"status\":\"ok\"}";

	resp_send(req->conn, 200, "application/json", NULL, ok,
	    sizeof(ok) - 1);
}

/* OpenAPI 3.1, from the route table. */
json_t *
openapi_document(const char *prefix)
{
	static const enum http_method	 order[] = {
		HTTP_M_GET, HTTP_M_POST, HTTP_M_PUT, HTTP_M_PATCH,
		HTTP_M_DELETE
	};
	static const char		*auth_names[] = {
		"none", "any", "analyst", "admin", "ingest"
	};
	const struct route		*r;
	json_t				*doc, *paths, *item, *op, *params;
	char				 method[16], name[64];
	const char			*p, *e;
	size_t				 i, k, j;

	paths = json_object();
	for (i = 0; i < router_nroutes; i++) {
		r = &router_routes[i];
		if ((item = json_object_get(paths, r->pattern)) == NULL) {
			item = json_object();
			json_object_set_new(paths, r->pattern, item);
		}
		params = json_array();
		for (p = r->pattern; (p = strchr(p, '{')) != NULL; p = e) {
			if ((e = strchr(p, '}')) == NULL ||
			    (size_t)(e - p) > sizeof(name))
				break;
			memcpy(name, p + 1, e - p - 1);
			name[e - p - 1] = '\0';
			json_array_append_new(params, json_pack(
			    "{s:s, s:s, s:b, s:{s:s}}", "name", name,
			    "in", "path", "required", 1, "schema",
			    "type", "string"));
		}
		for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			if (!(r->methods & order[k]))
				continue;
			strlcpy(method, http_method_name(order[k]),
			    sizeof(method));
			for (j = 0; method[j] != '\0'; j++)
				method[j] = method[j] - 'A' + 'a';
			op = json_pack("{s:s, s:O, s:s, s:{s:{s:s}, "
			    "s:{s:s, s:{s:{s:{s:s}}}}}}",
			    "summary", r->summary,
			    "parameters", params,
			    "x-siemd-auth", auth_names[r->auth],
			    "responses",
			    "200", "description", "Success",
			    "default", "description", "A problem (RFC 9457)",
			    "content", "application/problem+json", "schema",
			    "$ref", "#/components/schemas/Problem");
			if (op == NULL)
				fatalx("%s: json_pack", __func__);
			if (r->auth == AUTH_INGEST)
				json_object_set_new(op, "security",
				    json_pack("[{s:[]}]", "ingestKey"));
			else if (r->auth != AUTH_NONE)
				json_object_set_new(op, "security",
				    json_pack("[{s:[]}]", "bearer"));
			json_object_set_new(item, method, op);
		}
		json_decref(params);
	}
	doc = json_pack("{s:s, s:{s:s, s:s}, s:[{s:s}], s:o, s:{"
	    "s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}, "
	    "s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, "
	    "s:{s:s}}}}}}",
	    "openapi", "3.1.0",
	    "info", "title", "siemd", "version", SIEMD_VERSION,
	    "servers", "url", *prefix != '\0' ? prefix : "/",
	    "paths", paths,
	    "components",
	    "securitySchemes",
	    "bearer", "type", "http", "scheme", "bearer",
	    "bearerFormat", "JWT",
	    "ingestKey", "type", "http", "scheme", "bearer",
	    "schemas",
	    "Problem", "type", "object", "properties",
	    "type", "type", "string",
	    "title", "type", "string",
	    "status", "type", "integer",
	    "detail", "type", "string",
	    "instance", "type", "string");
	if (doc == NULL)
		fatalx("%s: json_pack", __func__);
	api_openapi(doc);
	api_alerts_openapi(doc);
	return (doc);
}

static void
h_openapi(struct request *req)
{
	json_t	*doc;

	if (rt.openapi == NULL) {
		doc = openapi_document(rt.prefix);
		if ((rt.openapi = json_dumps(doc, JSON_COMPACT)) == NULL)
			fatalx("%s: json_dumps", __func__);
		json_decref(doc);
	}
	resp_send(req->conn, 200, "application/json", NULL, rt.openapi,
	    strlen(rt.openapi));
}

/* Prometheus text; no label says who asked. */
static void
h_metrics(struct request *req)
{
	if (!router_metrics_allowed(req->client)) {
		http_problem(req->conn, 403, "metrics are for local clients "
		    "and the addresses of metrics from only");
		return;
	}
	/* the processes' counters come with the next status (api.c) */
	api_metrics(req);
}

/*
 * siemd_http_request_duration_seconds: one histogram per route that
 * has answered, labelled with its pattern.
 */
static void
router_metrics_hist(struct evbuffer *out)
{
	uint64_t	 cum;
	size_t		 i, k;
	char		 le[32];

	evbuffer_add_printf(out, "# HELP siemd_http_request_duration_seconds "
	    "Time from dispatch to the end of the answer, by route.\n"
	    "# TYPE siemd_http_request_duration_seconds histogram\n");
	for (i = 0; i < NROUTES; i++) {
		for (cum = 0, k = 0; k <= NBUCKETS; k++)
			cum += rt.hist[i][k];
		if (cum == 0)
			continue;
		for (cum = 0, k = 0; k <= NBUCKETS; k++) {
			cum += rt.hist[i][k];
			if (k < NBUCKETS)
				snprintf(le, sizeof(le), "%g",
				    router_buckets[k]);
			else
				strlcpy(le, "+Inf", sizeof(le));
			evbuffer_add_printf(out,
			    "siemd_http_request_duration_seconds_bucket{"
			    "route=\"%s\",le=\"%s\"} %llu\n",
			    router_routes[i].pattern, le,
			    (unsigned long long)cum);
		}
		evbuffer_add_printf(out,
		    "siemd_http_request_duration_seconds_sum{route=\"%s\"} "
		    "%.6f\n"
		    "siemd_http_request_duration_seconds_count{route=\"%s\"} "
		    "%llu\n", router_routes[i].pattern, rt.hist_sum[i],
		    router_routes[i].pattern, (unsigned long long)cum);
	}
}

/* The web process's own HTTP figures, in Prometheus text format. */
void
router_metrics_http(struct evbuffer *out)
{
	struct server_stats	*s = &server_stats;
	char			*text;
	int			 n;

	n = asprintf(&text,
	    "# HELP siemd_http_requests_total HTTP requests answered, "
	    "by status class.\n"
	    "# TYPE siemd_http_requests_total counter\n"
	    "siemd_http_requests_total{class=\"1xx\"} %llu\n"
	    "siemd_http_requests_total{class=\"2xx\"} %llu\n"
	    "siemd_http_requests_total{class=\"3xx\"} %llu\n"
	    "siemd_http_requests_total{class=\"4xx\"} %llu\n"
	    "siemd_http_requests_total{class=\"5xx\"} %llu\n"
	    "# HELP siemd_http_connections Open HTTP connections.\n"
	    "# TYPE siemd_http_connections gauge\n"
	    "siemd_http_connections %lld\n"
	    "# HELP siemd_http_connections_accepted_total Connections "
	    "accepted.\n"
	    "# TYPE siemd_http_connections_accepted_total counter\n"
	    "siemd_http_connections_accepted_total %llu\n"
	    "# HELP siemd_http_connections_refused_total Connections "
	    "refused over the limits.\n"
	    "# TYPE siemd_http_connections_refused_total counter\n"
	    "siemd_http_connections_refused_total %llu\n"
	    "# HELP siemd_http_timeouts_total Connections timed out.\n"
	    "# TYPE siemd_http_timeouts_total counter\n"
	    "siemd_http_timeouts_total %llu\n"
	    "# HELP siemd_tls_handshake_failures_total TLS handshakes "
	    "that failed.\n"
	    "# TYPE siemd_tls_handshake_failures_total counter\n"
	    "siemd_tls_handshake_failures_total %llu\n",
	    (unsigned long long)s->status[1],
	    (unsigned long long)s->status[2],
	    (unsigned long long)s->status[3],
	    (unsigned long long)s->status[4],
	    (unsigned long long)s->status[5],
	    (long long)s->open,
	    (unsigned long long)s->accepted,
	    (unsigned long long)s->refused,
	    (unsigned long long)s->timeouts,
	    (unsigned long long)s->tls_failures);
	if (n == -1)
		fatal("%s: asprintf", __func__);
	evbuffer_add(out, text, n);
	free(text);
	router_metrics_hist(out);
}

