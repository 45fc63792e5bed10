/*
 * The read side of the API: event search, single events, exports,
 * inventories (apps, event types, hosts), statistics, timelines,
 * facets, process status and readiness.  Every read of the database
 * is a query process's job: the handlers here check the parameters,
 * send the query process a JSON description, and answer from what
 * comes back (api_query()).
 *
 * Search semantics (GET /events and everything that takes the same
 * filters):
 *   - from, to: ISO 8601 (2026-11-03T10:15:02Z, with fractions and an
 *     offset, or a date), or relative: now, -15m, -24h, -7d, -30s,
 *     -2w, now-1h.  from and to are both inclusive, on the event time.
 *   - app, event_type, level, severity, host, user_id, src_ip, dest_ip,
 *     request_id, source_type: repeatable or comma-separated; values of
 *     one field are ORed, fields are ANDed.  level ignores case.
 *     src_ip and dest_ip also take networks (10.0.0.0/8, 2001:db8::/32),
 *     compared as addresses, not as text.
 *   - http_status: 404, a class (5xx) or a range (400-499).
 *   - q: full-text search of message and http_path (FTS5): words,
 *     "phrases", prefix*, OR between two terms, -term to exclude.
 *     Every term is quoted before it reaches FTS5, so no input is an
 *     FTS syntax error; what is not a valid search is a 400.  Words
 *     are whole tokens: "time" does not find "timeout" (time* does).
 *   - contains: a substring of message or http_path, any characters,
 *     ASCII case ignored; repeatable (ORed).  For what tokens cannot
 *     say ("/api/v1/us", "=1;--").
 *   - limit: 1 to 1000 (larger is taken as 1000), default 200.
 *   - Results are newest first, where newest means most recently
 *     stored (highest id), not the latest event time; the time filters
 *     still apply.  An answer may hold fewer than limit events when
 *     they are large (API_PAGE_BYTES): next_cursor goes on from there.
 *   - cursor: the next_cursor of the previous page.  It holds the last
 *     id, the time relative bounds were taken against, and a hash of
 *     the filters, under an HMAC whose key is derived from the
 *     jwt-key secret (api_cursor_key()), so that cursors survive a
 *     restart; without that secret the key is made at each start and
 *     they do not (400).  A cursor used with other filters is a
 *     400.  Paging on id < last id returns every matching event
 *     exactly once, however many events arrive meanwhile (they have
 *     higher ids).
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <ctype.h>
#include <event2/buffer.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "siemd.h"
#include "event_wire.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "api.h"
#include "api_rules.h"
#include "api_explain.h"
#include "json_chunks.h"

#define CURSOR_VERSION		1
#define CURSOR_RAW		(1 + 8 + 8 + API_HASH_LEN)
#define CURSOR_BYTES		(CURSOR_RAW + crypto_auth_BYTES)
#define API_MAX_WAITING		64	/* requests waiting for status */
#define API_STATUS_FRESH	1	/* seconds a status answer is reused */
#define API_STATUS_TIMEOUT	3	/* seconds the parent has to answer */
#define API_TOP_LIMIT		100
#define API_TOP_SCAN		100000
#define API_TOP_SCAN_MAX	1000000
#define API_MAX_BUCKETS		10000
#define API_STALL_QUEUE		(8 * 1024 * 1024)	/* parser queue */
/*
 * Ingestion is stalled when the parsers have taken records in while
 * the store has committed nothing for this long.  The store commits a
 * batch at least every second while records come (siemd/store.c), so
 * thirty seconds is far beyond a slow disk or a long checkpoint.
 */
#define API_STALL_SECS		30
#define API_BUDGET_MIN		1000	/* ms */
#define API_BUDGET_MAX		300000
#define CURSOR_KEY_LABEL	"siemd-cursor-key-1"	/* no '.': no JWT */

/* Query parameter names, in enum api_field order. */
const char *const api_field_names[FLD_MAX] = {
	"app", "event_type", "level", "severity", "host", "user_id",
	"src_ip", "dest_ip", "request_id", "source_type"
};
static const int field_text[FLD_MAX] = {
	EV_APP, EV_EVENT_TYPE, EV_LEVEL, -1, EV_HOST, EV_USER_ID,
	EV_SRC_IP, EV_DEST_IP, EV_REQUEST_ID, EV_SOURCE_TYPE
};
static const char *severities[] = {
	"info", "low", "medium", "high", "critical"
};
static const char *top_fields[] = {
	"src_ip", "dest_ip", "user_id", "host", "app", "event_type",
	"http_path", "http_status", "severity", "source_type", "outcome",
	"level"
};

/* The other filters api_filter_parse() knows, for the document. */
const char *const api_filter_names[] = { "from", "to", "http_status", "q",
    "contains", NULL };
/* What each endpoint takes besides the filters. */
const char *const api_events_extra[] = { "limit", "cursor", NULL };
/* export: limit is the most events the whole export holds */
const char *const api_export_extra[] = { "format", "limit", NULL };
const char *const api_top_extra[] = { "field", "limit", "scan", NULL };

struct status_wait {
	uint32_t	 ticket;
	int		 ready;		/* WAIT_STATUS, WAIT_READY, ... */
	time_t		 since;
};

#define WAIT_STATUS	0		/* /status */
#define WAIT_READY	1		/* /readyz */
#define WAIT_METRICS	2		/* /metrics */

/* Upper bounds of the query duration buckets, in seconds. */
static const double	 query_buckets[] = {
	0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
};
#define QBUCKETS	(sizeof(query_buckets) / sizeof(query_buckets[0]))

/* Query kinds by enum query_kind, for the histogram's label. */
static const char *query_kinds[QK_MAX] = {
	[QK_EVENTS] = "events",
	[QK_EVENT] = "event",
	[QK_APPS] = "apps",
	[QK_EVENT_TYPES] = "event_types",
	[QK_HOSTS] = "hosts",
	[QK_HOST] = "host",
	[QK_STATS] = "stats",
	[QK_TIMELINE] = "timeline",
	[QK_TOP] = "top",
	[QK_HEALTH] = "health",
	[QK_ALERTS] = "alerts",
	[QK_ALERT] = "alert",
	[QK_ALERT_STATS] = "alert_stats",
	[QK_SILENCES] = "silences",
	[QK_ALLOWLIST] = "allowlist",
};

static struct {
	struct proc_ctx		*ctx;
	TAILQ_HEAD(, api_call)	 calls;
	uint32_t		 next_reqid;
	int			 nquery;
	int			 busy[PROC_MAX_INSTANCES];
	int			 rr;
	uint8_t			 key[crypto_auth_KEYBYTES];
	int			 keyed;
	/* process status from the parent */
	json_t			*status;
	time_t			 status_at;
	int			 status_asked;
	struct status_wait	 waiting[API_MAX_WAITING];
	int			 nwaiting;
	struct event		 status_ev;
	uint64_t		 queries;
	uint64_t		 query_errors;
	uint64_t		 cancels;
	int			 budget_ms;	/* query timeout */
	/* query durations per kind, seen from here: counts, +Inf last */
	uint64_t		 qhist[QK_MAX][QBUCKETS + 1];
	double			 qhist_sum[QK_MAX];
	/* ingestion stall: the last figures and when they changed */
	int64_t			 stall_in;	/* records the parsers took */
	int64_t			 stall_out;	/* events the store committed */
	time_t			 stall_since;	/* in moved, out did not */
	int			 stall_seen;
} api;

static int	 api_dispatch_query(struct imsgev *, struct imsg *);
static int	 api_dispatch_parent(struct imsgev *, struct imsg *);
static void	 api_call_free(struct api_call *);
static void	 api_status_answer(void);
static void	 metrics_answer(struct conn *);
static void	 api_reload_answer(const char *);
static void	 api_status_timer(int, short, void *);
static void	 call_closed(struct conn *, void *);
static void	 stall_update(json_t *, time_t);
static void	 api_openapi_bodies(json_t *);
static void	 add_body(json_t *, const char *, json_t *);

int64_t
api_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

char *
api_iso_time(int64_t us, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 secs = us / 1000000;
	int64_t		 frac = us % 1000000;

	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	if (gmtime_r(&secs, &tm) == NULL) {
		strlcpy(buf, "", len);
		return (buf);
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long long)frac);
	return (buf);
}

/* parameters ------------------------------------------------------- */

/* Digits from *sp, at most maxd of them, at least mind. */
static int
digits(const char **sp, int mind, int maxd, int64_t *v)
{
	const char	*s = *sp;
	int		 n = 0;

	*v = 0;
	while (n < maxd && s[n] >= '0' && s[n] <= '9') {
		*v = *v * 10 + (s[n] - '0');
		n++;
	}
	if (n < mind)
		return (-1);
	*sp = s + n;
	return (0);
}

/*
 * A time: "now", "-15m" or "now-15m" (s, m, h, d, w), or ISO 8601
 * (date, optional time, fraction and zone; UTC when no zone).
 */
int
api_time_parse(const char *s, int64_t now, int64_t *out)
{
	struct tm	 tm;
	int64_t		 y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, v, mul;
	int64_t		 off = 0, oh, om;
	int		 fd = 0, sign;
	time_t		 t;

	if (strcmp(s, "now") == 0) {
		*out = now;
		return (0);
	}
	if (strncmp(s, "now", 3) == 0 && s[3] == '-')
		s += 3;
	if (s[0] == '-') {
		s++;
		if (digits(&s, 1, 9, &v) == -1)
			return (-1);
		switch (*s++) {
		case 's':
			mul = 1;
			break;
		case 'm':
			mul = 60;
			break;
		case 'h':
			mul = 3600;
			break;
		case 'd':
			mul = 86400;
			break;
		case 'w':
			mul = 7 * 86400;
			break;
		default:
			return (-1);
		}
		if (*s != '\0')
			return (-1);
		*out = now - v * mul * 1000000;
		return (0);
	}
	if (digits(&s, 4, 4, &y) == -1 || *s++ != '-' ||
	    digits(&s, 2, 2, &mo) == -1 || *s++ != '-' ||
	    digits(&s, 2, 2, &d) == -1)
		return (-1);
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (digits(&s, 2, 2, &h) == -1 || *s++ != ':' ||
		    digits(&s, 2, 2, &mi) == -1)
			return (-1);
		if (*s == ':') {
			s++;
			if (digits(&s, 2, 2, &sec) == -1)
				return (-1);
			if (*s == '.' || *s == ',') {
				s++;
				while (*s >= '0' && *s <= '9') {
					if (fd < 6) {
						frac = frac * 10 + (*s - '0');
						fd++;
					}
					s++;
				}
				if (fd == 0)
					return (-1);
				while (fd++ < 6)
					frac *= 10;
			}
		}
		if (*s == 'Z' || *s == 'z')
			s++;
		else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (digits(&s, 2, 2, &oh) == -1)
				return (-1);
			if (*s == ':')
				s++;
			if (digits(&s, 2, 2, &om) == -1 || oh > 23 || om > 59)
				return (-1);
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || y < 1970)
		return (-1);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	/* 2026-02-31 would be March the 3rd: refuse it */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return (-1);
	*out = ((int64_t)t - off) * 1000000 + frac;
	return (0);
}

/* "404", "5xx", "400-499": an inclusive range within 100..999. */
int
api_status_parse(const char *s, int *lo, int *hi)
{
	const char	*p = s;
	int64_t		 a, b;

	if (digits(&p, 1, 3, &a) == -1)
		return (-1);
	if (p - s == 1 && (p[0] == 'x' || p[0] == 'X') &&
	    (p[1] == 'x' || p[1] == 'X') && p[2] == '\0') {
		if (a < 1 || a > 9)
			return (-1);
		*lo = a * 100;
		*hi = a * 100 + 99;
		return (0);
	}
	if (p - s != 3)
		return (-1);
	b = a;
	if (*p == '-') {
		p++;
		if (digits(&p, 3, 3, &b) == -1)
			return (-1);
	}
	if (*p != '\0' || a < 100 || b > 999 || a > b)
		return (-1);
	*lo = a;
	*hi = b;
	return (0);
}

static int
tokchar(unsigned char c)
{
	return (isalnum(c) || c >= 0x80);
}

/*
 * Terms of q to an FTS5 expression in which every term is a quoted
 * string: words, "phrases", prefix*, OR between terms, -term.  The
 * terms, folded and tokenized as FTS5's default tokenizer would (for
 * ASCII), go to terms[] for matching live events.  0, or -1 with
 * *err set to a fixed message.
 */
int
api_fts_sanitize(const char *q, char *out, size_t outsz,
    struct api_term *terms, int *nterms, const char **err)
{
	char		 tok[API_MAX_Q + 1], *t;
	const char	*s = q, *e;
	size_t		 len, i, o;
	int		 n = 0, npos = 0, neg, prefix, or_pending = 0, k;
	int		 ngroup;

	*nterms = 0;
	out[0] = '\0';
	if (strlen(q) > API_MAX_Q) {
		*err = "q: too long";
		return (-1);
	}
	for (;;) {
		s += strspn(s, " \t\r\n");
		if (*s == '\0')
			break;
		neg = 0;
		if (*s == '-' && s[1] != '\0' && s[1] != ' ') {
			neg = 1;
			s++;
		}
		if (*s == '"') {
			if ((e = strchr(s + 1, '"')) == NULL) {
				*err = "q: unbalanced quote";
				goto fail;
			}
			len = e - s - 1;
			memcpy(tok, s + 1, len);
			s = e + 1;
		} else {
			len = strcspn(s, " \t\r\n\"");
			memcpy(tok, s, len);
			s += len;
		}
		tok[len] = '\0';
		prefix = 0;
		if (*s == '*') {
			prefix = 1;
			s++;
		} else if (len > 0 && tok[len - 1] == '*') {
			prefix = 1;
			tok[--len] = '\0';
		}
		if (!neg && strcmp(tok, "AND") == 0 && !prefix &&
		    s[-1] != '"')
			continue;	/* what terms do anyway */
		if (!neg && strcmp(tok, "OR") == 0 && !prefix &&
		    s[-1] != '"') {
			if (n == 0 || or_pending || terms[n - 1].negated) {
				*err = "q: OR must stand between two terms";
				goto fail;
			}
			or_pending = 1;
			continue;
		}
		/* the tokens, lower case, one space apart */
		if ((t = malloc(len + 1)) == NULL)
			fatal("%s: malloc", __func__);
		for (i = 0, o = 0; i < len; i++) {
			if (tokchar((unsigned char)tok[i]))
				t[o++] = tolower((unsigned char)tok[i]);
			else if (o > 0 && t[o - 1] != ' ')
				t[o++] = ' ';
		}
		while (o > 0 && t[o - 1] == ' ')
			o--;
		t[o] = '\0';
		if (o == 0) {
			/* nothing FTS5 would index: not a term */
			free(t);
			if (or_pending) {
				*err = "q: OR must stand between two terms";
				goto fail;
			}
			continue;
		}
		if (n == API_MAX_TERMS) {
			free(t);
			*err = "q: too many terms";
			goto fail;
		}
		if (or_pending && neg) {
			free(t);
			*err = "q: OR must stand between two terms";
			goto fail;
		}
		if (or_pending)
			terms[n - 1].or_next = 1;
		or_pending = 0;
		terms[n].text = t;
		terms[n].prefix = prefix;
		terms[n].negated = neg;
		terms[n].or_next = 0;
		if (!neg)
			npos++;
		n++;
	}
	if (or_pending) {
		*err = "q: OR must stand between two terms";
		goto fail;
	}
	*nterms = n;
	if (n == 0)
		return (0);
	if (npos == 0) {
		*err = "q: needs a term that must match, not only -terms";
		goto fail;
	}
	/* (a (b OR c)) NOT d: OR binds closer than the implicit AND */
	o = 0;
#define PUT(str) do {							\
	if (strlcat(out, (str), outsz) >= outsz) {			\
		*err = "q: too long";					\
		goto fail;						\
	}								\
} while (0)
	PUT("(");
	for (k = 0; k < n; k++) {
		if (terms[k].negated)
			continue;
		if (o++ > 0)
			PUT(" ");
		ngroup = terms[k].or_next;
		if (ngroup)
			PUT("(");
		for (;;) {
			PUT("\"");
			PUT(terms[k].text);
			PUT("\"");
			if (terms[k].prefix)
				PUT("*");
			if (!terms[k].or_next)
				break;
			PUT(" OR ");
			k++;
		}
		if (ngroup)
			PUT(")");
	}
	PUT(")");
	for (k = 0; k < n; k++) {
		if (!terms[k].negated)
			continue;
		PUT(" NOT \"");
		PUT(terms[k].text);
		PUT("\"");
		if (terms[k].prefix)
			PUT("*");
	}
#undef PUT
	return (0);
 fail:
	for (k = 0; k < n; k++) {
		free(terms[k].text);
		terms[k].text = NULL;
	}
	*nterms = 0;
	out[0] = '\0';
	return (-1);
}

void
api_filter_free(struct api_filter *f)
{
	int	 i;

	for (i = 0; i < f->nterms; i++)
		free(f->terms[i].text);
	json_decref(f->json);
	memset(f, 0, sizeof(*f));
}

static int
name_in(const char *name, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return (1);
	return (0);
}

/* Append to the JSON array params[key], made on first use. */
static json_t *
jlist(json_t *o, const char *key)
{
	json_t	*a;

	if ((a = json_object_get(o, key)) == NULL) {
		a = json_array();
		json_object_set_new(o, key, a);
	}
	return (a);
}

/*
 * One value of a text field, or with negate one it must not have (an
 * exact value, no network); -1 with *err set.
 */
static int
filter_value(struct api_filter *f, int fld, int negate, const char *v,
    size_t len, const char **err)
{
	char	 key[32];
	char	 buf[API_MAX_VALUE + 1];
	json_t	*s;
	size_t	 i;
	int	 k, net;

	if (len == 0)
		return (0);
	if (len > API_MAX_VALUE) {
		*err = "a filter value is too long";
		return (-1);
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (fld == FLD_LEVEL)
		for (i = 0; i < len; i++)
			buf[i] = toupper((unsigned char)buf[i]);
	if (fld == FLD_SEVERITY) {
		for (i = 0; i < len; i++)
			buf[i] = tolower((unsigned char)buf[i]);
		for (k = 0; k < 5; k++)
			if (strcmp(buf, severities[k]) == 0)
				break;
		if (k == 5) {
			*err = "severity: one of info, low, medium, high, "
			    "critical";
			return (-1);
		}
	}
	if (negate) {
		if (f->nnots[fld] == API_MAX_VALUES) {
			*err = "too many values for one filter";
			return (-1);
		}
		if ((s = json_string(buf)) == NULL) {
			*err = "a filter value is not UTF-8";
			return (-1);
		}
		snprintf(key, sizeof(key), "not_%s", api_field_names[fld]);
		json_array_append_new(jlist(f->json, key), s);
		f->nots[fld][f->nnots[fld]++] = json_string_value(s);
		return (0);
	}
	if ((fld == FLD_SRC_IP || fld == FLD_DEST_IP) &&
	    strchr(buf, '/') != NULL) {
		net = fld == FLD_DEST_IP;
		if (f->nnets[net] == API_MAX_VALUES) {
			*err = "too many values for one filter";
			return (-1);
		}
		if (cidr_parse(buf, &f->nets[net][f->nnets[net]]) == -1) {
			*err = "src_ip, dest_ip: not an address or network";
			return (-1);
		}
		f->nnets[net]++;
		json_array_append_new(jlist(f->json, net ? "dest_cidr" :
		    "src_cidr"), json_string(buf));
		return (0);
	}
	if (f->nvalues[fld] == API_MAX_VALUES) {
		*err = "too many values for one filter";
		return (-1);
	}
	if ((s = json_string(buf)) == NULL) {
		*err = "a filter value is not UTF-8";
		return (-1);
	}
	json_array_append_new(jlist(f->json, api_field_names[fld]), s);
	f->values[fld][f->nvalues[fld]++] = json_string_value(s);
	return (0);
}

/*
 * The filters among params (query parameters), relative times taken
 * against now.  Names in extra are left to the caller; any other
 * unknown name is refused, so that a typing error is not a silently
 * wider search.  0, or -1 with *err a fixed message.
 */
int
api_filter_parse(struct api_filter *f, const struct http_param *params,
    int nparams, int64_t now, const char *const *extra, const char **err)
{
	char		 fts[API_FTS_MAX];
	const char	*name, *v, *e;
	json_t		*s;
	int		 i, fld, lo, hi, negate;

	memset(f, 0, sizeof(*f));
	if ((f->json = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	f->now = now;
	for (i = 0; i < nparams; i++) {
		name = params[i].name;
		v = params[i].value;
		negate = strncmp(name, "not_", 4) == 0;
		for (fld = 0; fld < FLD_MAX; fld++)
			if (strcmp(name + (negate ? 4 : 0),
			    api_field_names[fld]) == 0)
				break;
		if (fld < FLD_MAX) {
			for (; *v != '\0'; v = *e ? e + 1 : e) {
				e = v + strcspn(v, ",");
				while (v < e && *v == ' ')
					v++;
				if (filter_value(f, fld, negate, v, e - v,
				    err) == -1)
					goto fail;
			}
		} else if (strcmp(name, "from") == 0 ||
		    strcmp(name, "to") == 0) {
			int64_t t;

			if (api_time_parse(v, now, &t) == -1) {
				*err = "from, to: ISO 8601 "
				    "(2026-11-03T10:15:02Z) or relative "
				    "(now, -15m, -24h, -7d)";
				goto fail;
			}
			if (name[0] == 'f') {
				f->has_from = 1;
				f->from = t;
			} else {
				f->has_to = 1;
				f->to = t;
			}
			json_object_set_new(f->json, name, json_integer(t));
		} else if (strcmp(name, "http_status") == 0) {
			for (; *v != '\0'; v = *e ? e + 1 : e) {
				char	 one[16];

				e = v + strcspn(v, ",");
				if (e == v)
					continue;
				if ((size_t)(e - v) >= sizeof(one) ||
				    f->nstatus == API_MAX_VALUES) {
					*err = "http_status: too many values";
					goto fail;
				}
				memcpy(one, v, e - v);
				one[e - v] = '\0';
				if (api_status_parse(one, &lo, &hi) == -1) {
					*err = "http_status: a status (404), a "
					    "class (5xx) or a range (400-499)";
					goto fail;
				}
				f->status[f->nstatus][0] = lo;
				f->status[f->nstatus][1] = hi;
				f->nstatus++;
				json_array_append_new(jlist(f->json,
				    "http_status"), json_pack("[i, i]", lo,
				    hi));
			}
		} else if (strcmp(name, "q") == 0) {
			if (f->nterms > 0) {
				*err = "q: give it once";
				goto fail;
			}
			if (api_fts_sanitize(v, fts, sizeof(fts), f->terms,
			    &f->nterms, err) == -1)
				goto fail;
			if (f->nterms > 0)
				json_object_set_new(f->json, "fts",
				    json_string(fts));
		} else if (strcmp(name, "contains") == 0) {
			if (*v == '\0')
				continue;
			if (strlen(v) > API_MAX_VALUE ||
			    f->ncontains == API_MAX_VALUES) {
				*err = "contains: too long or too many";
				goto fail;
			}
			if ((s = json_string(v)) == NULL) {
				*err = "contains: not UTF-8";
				goto fail;
			}
			json_array_append_new(jlist(f->json, "contains"), s);
			f->contains[f->ncontains++] = json_string_value(s);
		} else if (strcmp(name, "access_token") == 0 ||
		    name_in(name, extra))
			continue;
		else {
			*err = "unknown query parameter";
			goto fail;
		}
	}
	if (f->has_from && f->has_to && f->from > f->to) {
		*err = "from is after to";
		goto fail;
	}
	return (0);
 fail:
	api_filter_free(f);
	return (-1);
}

/* A hash of the resolved filters: the same search, the same hash. */
void
api_filter_hash(const struct api_filter *f, uint8_t *hash)
{
	char	*s;

	if ((s = json_dumps(f->json, JSON_COMPACT | JSON_SORT_KEYS)) ==
	    NULL)
		fatalx("%s: json_dumps", __func__);
	crypto_generichash(hash, API_HASH_LEN, (const unsigned char *)s,
	    strlen(s), NULL, 0);
	free(s);
}

/* cursors ---------------------------------------------------------- */

void
api_cursor_init(void)
{
	if (sodium_init() == -1)
		fatalx("%s: sodium_init", __func__);
	crypto_auth_keygen(api.key);
	api.keyed = 1;
}

/*
 * The cursor key from a secret that outlives the process (the token
 * key): HMAC-SHA-256 of a fixed label under the secret, so that the
 * two keys are not the same and neither reveals the other.  Without
 * a secret, a random key.
 */
void
api_cursor_key(const void *secret, size_t len)
{
	crypto_auth_hmacsha256_state	 st;

	if (secret == NULL || len == 0) {
		api_cursor_init();
		return;
	}
	if (sodium_init() == -1)
		fatalx("%s: sodium_init", __func__);
	crypto_auth_hmacsha256_init(&st, secret, len);
	crypto_auth_hmacsha256_update(&st,
	    (const unsigned char *)CURSOR_KEY_LABEL,
	    sizeof(CURSOR_KEY_LABEL) - 1);
	crypto_auth_hmacsha256_final(&st, api.key);
	sodium_memzero(&st, sizeof(st));
	api.keyed = 1;
}

static void
put64(uint8_t *p, int64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint64_t)v & 0xff;
		v = (int64_t)((uint64_t)v >> 8);
	}
}

static int64_t
get64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return ((int64_t)v);
}

/* base64url of version, last id, now, filter hash, HMAC. */
int
api_cursor_encode(int64_t last, int64_t now, const uint8_t *hash,
    char *out, size_t outsz)
{
	uint8_t	 raw[CURSOR_BYTES];

	if (!api.keyed)
		api_cursor_init();
	raw[0] = CURSOR_VERSION;
	put64(raw + 1, last);
	put64(raw + 9, now);
	memcpy(raw + 17, hash, API_HASH_LEN);
	crypto_auth(raw + CURSOR_RAW, raw, CURSOR_RAW, api.key);
	if (outsz < sodium_base64_ENCODED_LEN(sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return (-1);
	sodium_bin2base64(out, outsz, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return (0);
}

/* 0 and its contents, or -1 for anything we did not make. */
int
api_cursor_decode(const char *s, int64_t *last, int64_t *now,
    uint8_t *hash)
{
	uint8_t	 raw[CURSOR_BYTES + 1];
	size_t	 len;

	if (!api.keyed)
		api_cursor_init();
	if (strlen(s) > API_CURSOR_MAX ||
	    sodium_base642bin(raw, sizeof(raw), s, strlen(s), NULL, &len,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != CURSOR_BYTES || raw[0] != CURSOR_VERSION ||
	    crypto_auth_verify(raw + CURSOR_RAW, raw, CURSOR_RAW, api.key) !=
	    0)
		return (-1);
	*last = get64(raw + 1);
	*now = get64(raw + 9);
	memcpy(hash, raw + 17, API_HASH_LEN);
	if (*last < 0)
		return (-1);
	return (0);
}

/* matching live events -------------------------------------------- */

static int
text_eq(const struct event_view *v, int field, const char *want, int nocase)
{
	size_t	 len;

	if (v->text[field] == NULL)
		return (0);
	len = v->h.textlen[field];
	if (strlen(want) != len)
		return (0);
	return (nocase ? strncasecmp(v->text[field], want, len) == 0 :
	    memcmp(v->text[field], want, len) == 0);
}

/* Does the token sequence of term appear in text (FTS5, ASCII)? */
static int
term_in(const struct api_term *t, const char *text, size_t len)
{
	const char	*p, *w;
	size_t		 i, j, wl;
	int		 ok;

	if (text == NULL)
		return (0);
	for (i = 0; i < len; i++) {
		if (!tokchar((unsigned char)text[i]) ||
		    (i > 0 && tokchar((unsigned char)text[i - 1])))
			continue;
		/* a token starts at i: try the term's tokens from here */
		j = i;
		ok = 1;
		for (w = t->text; ok && *w != '\0'; w += wl + (w[wl] ==
		    ' ')) {
			wl = strcspn(w, " ");
			while (j < len && !tokchar((unsigned char)text[j]))
				j++;
			p = text + j;
			if (j + wl > len || strncasecmp(p, w, wl) != 0) {
				ok = 0;
				break;
			}
			j += wl;
			/* whole token, unless the last one is a prefix */
			if (j < len && tokchar((unsigned char)text[j]) &&
			    !(t->prefix && w[wl] == '\0'))
				ok = 0;
			while (j < len && tokchar((unsigned char)text[j]))
				j++;
		}
		if (ok)
			return (1);
	}
	return (0);
}

static int
term_match(const struct api_term *t, const struct event_view *v)
{
	return (term_in(t, v->text[EV_MESSAGE], v->h.textlen[EV_MESSAGE]) ||
	    term_in(t, v->text[EV_HTTP_PATH], v->h.textlen[EV_HTTP_PATH]));
}

/* ASCII case-insensitive substring, as SQLite's LIKE. */
static int
contains_in(const char *text, size_t len, const char *want)
{
	size_t	 wl = strlen(want), i;

	if (text == NULL || wl > len)
		return (0);
	for (i = 0; i + wl <= len; i++)
		if (strncasecmp(text + i, want, wl) == 0)
			return (1);
	return (0);
}

/*
 * The filters in C, for events the store has just committed: the
 * same answer as the query process for the same event, except that q
 * folds case and splits tokens for ASCII only.
 */
int
api_filter_match(const struct api_filter *f, const struct event_view *v)
{
	char		 addr[ROUTER_MAX_ADDR];
	const char	*sev;
	int		 fld, i, k, ok, net, tf;
	int64_t		 st;

	if ((f->has_from && v->h.ts < f->from) ||
	    (f->has_to && v->h.ts > f->to))
		return (0);
	for (fld = 0; fld < FLD_MAX; fld++) {
		/* an event without the field is not excluded */
		for (i = 0; i < f->nnots[fld]; i++) {
			if (fld == FLD_SEVERITY) {
				sev = v->h.severity < 5 ?
				    severities[v->h.severity] : "";
				if (strcmp(sev, f->nots[fld][i]) == 0)
					return (0);
			} else if (text_eq(v, field_text[fld], f->nots[fld][i],
			    fld == FLD_LEVEL))
				return (0);
		}
		net = fld == FLD_SRC_IP ? 0 : fld == FLD_DEST_IP ? 1 : -1;
		if (f->nvalues[fld] == 0 && (net == -1 || f->nnets[net] == 0))
			continue;
		ok = 0;
		for (i = 0; !ok && i < f->nvalues[fld]; i++) {
			if (fld == FLD_SEVERITY) {
				sev = v->h.severity < 5 ?
				    severities[v->h.severity] : "";
				ok = strcmp(sev, f->values[fld][i]) == 0;
			} else
				ok = text_eq(v, field_text[fld],
				    f->values[fld][i], fld == FLD_LEVEL);
		}
		if (!ok && net != -1 && f->nnets[net] > 0 &&
		    v->text[field_text[fld]] != NULL &&
		    v->h.textlen[field_text[fld]] < sizeof(addr)) {
			tf = field_text[fld];
			memcpy(addr, v->text[tf], v->h.textlen[tf]);
			addr[v->h.textlen[tf]] = '\0';
			for (i = 0; !ok && i < f->nnets[net]; i++)
				ok = cidr_match(&f->nets[net][i], addr);
		}
		if (!ok)
			return (0);
	}
	if (f->nstatus > 0) {
		st = v->h.ints[EV_HTTP_STATUS];
		for (ok = 0, i = 0; !ok && i < f->nstatus; i++)
			ok = st >= f->status[i][0] && st <= f->status[i][1];
		if (!ok)
			return (0);
	}
	for (k = 0; k < f->nterms; k++) {
		if (f->terms[k].negated) {
			if (term_match(&f->terms[k], v))
				return (0);
			continue;
		}
		for (ok = 0;; k++) {
			if (!ok && term_match(&f->terms[k], v))
				ok = 1;
			if (!f->terms[k].or_next)
				break;
		}
		if (!ok)
			return (0);
	}
	if (f->ncontains > 0) {
		for (ok = 0, i = 0; !ok && i < f->ncontains; i++)
			ok = contains_in(v->text[EV_MESSAGE],
			    v->h.textlen[EV_MESSAGE], f->contains[i]) ||
			    contains_in(v->text[EV_HTTP_PATH],
			    v->h.textlen[EV_HTTP_PATH], f->contains[i]);
		if (!ok)
			return (0);
	}
	return (1);
}

/* A committed event as the query process would write it. */
json_t *
api_event_json(const struct event_view *v)
{
	static const struct {
		const char	*name;
		char		 kind;	/* t text, i int, x special */
		int		 n;
	} cols[] = {
		{ "id", 'x', 0 }, { "ts", 'x', 1 }, { "received_at", 'x', 2 },
		{ "source_type", 't', EV_SOURCE_TYPE },
		{ "host", 't', EV_HOST },
		{ "app", 't', EV_APP }, { "pid", 'i', EV_PID },
		{ "facility", 'i', EV_FACILITY },
		{ "syslog_severity", 'i', EV_SYSLOG_SEVERITY },
		{ "level", 't', EV_LEVEL }, { "severity", 'x', 3 },
		{ "event_type", 't', EV_EVENT_TYPE },
		{ "outcome", 't', EV_OUTCOME }, { "message", 't', EV_MESSAGE },
		{ "request_id", 't', EV_REQUEST_ID },
		{ "user_id", 't', EV_USER_ID }, { "src_ip", 't', EV_SRC_IP },
		{ "src_port", 'i', EV_SRC_PORT },
		{ "dest_ip", 't', EV_DEST_IP },
		{ "dest_port", 'i', EV_DEST_PORT },
		{ "protocol", 't', EV_PROTOCOL },
		{ "user_agent", 't', EV_USER_AGENT },
		{ "http_method", 't', EV_HTTP_METHOD },
		{ "http_path", 't', EV_HTTP_PATH },
		{ "http_query", 't', EV_HTTP_QUERY },
		{ "http_status", 'i', EV_HTTP_STATUS },
		{ "latency_ms", 'x', 4 }, { "error_type", 't', EV_ERROR_TYPE },
		{ "process_exe", 't', EV_PROCESS_EXE },
		{ "process_cmdline", 't', EV_PROCESS_CMDLINE },
		{ "process_cwd", 't', EV_PROCESS_CWD },
		{ "parent_exe", 't', EV_PARENT_EXE }, { "data_json", 'x', 5 },
		{ "raw", 't', EV_RAW }, { "source_file", 't', EV_SOURCE_FILE },
		{ "source_offset", 'i', EV_SOURCE_OFFSET },
		{ "tags", 'x', 6 },
	};
	json_t		*js, *x;
	char		 t[64];
	size_t		 i;

	if ((js = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		x = NULL;
		switch (cols[i].kind) {
		case 't':
			if (v->text[cols[i].n] != NULL)
				x = event_json_stringn(v->text[cols[i].n],
				    v->h.textlen[cols[i].n]);
			break;
		case 'i':
			if (v->h.ints[cols[i].n] != -1)
				x = json_integer(v->h.ints[cols[i].n]);
			break;
		default:
			switch (cols[i].n) {
			case 0:
				x = json_integer(v->h.id);
				break;
			case 1:
				x = json_string(api_iso_time(v->h.ts, t,
				    sizeof(t)));
				break;
			case 2:
				x = json_string(api_iso_time(v->h.received_at,
				    t, sizeof(t)));
				break;
			case 3:
				x = json_string(v->h.severity < 5 ?
				    severities[v->h.severity] : "info");
				break;
			case 4:
				if (v->h.latency_ms >= 0)
					x = json_real(v->h.latency_ms);
				break;
			case 5:
				if (v->data != NULL)
					x = json_loadb(v->data, v->h.datalen,
					    JSON_DECODE_ANY, NULL);
				break;
			case 6:
				if (v->text[EV_TAGS] != NULL &&
				    (x = json_loadb(v->text[EV_TAGS],
				    v->h.textlen[EV_TAGS], JSON_DECODE_ANY,
				    NULL)) == NULL)
					x = event_json_stringn(v->text[EV_TAGS],
					    v->h.textlen[EV_TAGS]);
				break;
			}
		}
		json_object_set_new(js, cols[i].name, x ? x : json_null());
	}
	return (js);
}

/* the query processes ---------------------------------------------- */

/* The configured query timeout, clamped to what the parser allows. */
void
api_budget_set(int64_t ms)
{
	if (ms < API_BUDGET_MIN)
		ms = API_BUDGET_MIN;
	if (ms > API_BUDGET_MAX)
		ms = API_BUDGET_MAX;
	api.budget_ms = ms;
}

int
api_budget_ms(void)
{
	return (api.budget_ms > 0 ? api.budget_ms : API_DEFAULT_BUDGET_MS);
}

void
api_init(struct proc_ctx *ctx)
{
	struct imsgev	*iev;
	int		 i;

	api.ctx = ctx;
	TAILQ_INIT(&api.calls);
	if (!api.keyed)
		api_cursor_init();
	for (i = 0; i < PROC_MAX_INSTANCES; i++) {
		if ((iev = proc_peer(ctx, PROC_QUERY, i)) == NULL)
			continue;
		iev->dispatch = api_dispatch_query;
		api.nquery = i + 1;
	}
	ctx->parent.dispatch = api_dispatch_parent;
	evtimer_assign(&api.status_ev, ctx->evbase, api_status_timer, NULL);
	stream_init(ctx);
	ingest_http_init(ctx);
}

static void
api_call_free(struct api_call *call)
{
	TAILQ_REMOVE(&api.calls, call, entry);
	if (call->proc >= 0 && call->proc < PROC_MAX_INSTANCES)
		api.busy[call->proc]--;
	if (call->freearg)
		free(call->arg);
	free(call->body);
	json_decref(call->meta);
	free(call);
}

/*
 * Send a query to the least busy query process.  NULL when none can
 * take it (the caller answers 503).  params is not consumed.
 */
struct api_call *
api_query(int kind, json_t *params, int budget_ms, api_done_cb done,
    void *arg)
{
	struct query_req	 req;
	struct api_call		*call;
	struct imsgev		*iev = NULL;
	struct iovec		 iov[2];
	char			*js;
	int			 i, k, best = -1;

	for (k = 0; k < api.nquery; k++) {
		i = (api.rr + k) % api.nquery;
		if (proc_peer(api.ctx, PROC_QUERY, i) == NULL)
			continue;
		if (best == -1 || api.busy[i] < api.busy[best])
			best = i;
	}
	if (best == -1)
		return (NULL);
	api.rr = (best + 1) % api.nquery;
	iev = proc_peer(api.ctx, PROC_QUERY, best);
	if ((js = json_dumps(params, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	if (strlen(js) + 1 + sizeof(req) > SIEMD_MAX_PAYLOAD) {
		free(js);
		return (NULL);
	}
	if ((call = calloc(1, sizeof(*call))) == NULL)
		fatal("%s: calloc", __func__);
	if (++api.next_reqid == 0)
		api.next_reqid = 1;
	call->reqid = api.next_reqid;
	call->proc = best;
	call->kind = kind;
	call->t0 = mono_us();
	call->done = done;
	call->arg = arg;
	memset(&req, 0, sizeof(req));
	req.reqid = call->reqid;
	req.kind = kind;
	req.budget_ms = budget_ms;
	iov[0].iov_base = &req;
	iov[0].iov_len = sizeof(req);
	iov[1].iov_base = js;
	iov[1].iov_len = strlen(js) + 1;
	if (imsgev_composev(iev, IMSG_QUERY, 0, -1, iov, 2) == -1) {
		log_warn("%s: compose", __func__);
		free(js);
		free(call);
		return (NULL);
	}
	free(js);
	TAILQ_INSERT_TAIL(&api.calls, call, entry);
	api.busy[best]++;
	api.queries++;
	return (call);
}

/* Nobody waits for this answer any more: stop the query. */
void
api_query_cancel(struct api_call *call)
{
	struct imsgev	*iev;

	if (call == NULL || call->orphan)
		return;
	call->orphan = 1;
	api.cancels++;
	if ((iev = proc_peer(api.ctx, PROC_QUERY, call->proc)) != NULL &&
	    imsgev_compose(iev, IMSG_QUERY_CANCEL, 0, -1, &call->reqid,
	    sizeof(call->reqid)) == -1)
		log_warn("%s: compose", __func__);
}

static int
api_dispatch_query(struct imsgev *iev, struct imsg *imsg)
{
	struct query_chunk	 qc;
	struct api_call		*call;
	const void		*data;
	size_t			 len, cap;
	json_t			*js;
	const char		*detail;
	int			 status;

	if (imsg->hdr.type != IMSG_QUERY_DATA ||
	    imsg_get_head(imsg, &qc, sizeof(qc), &data, &len) == -1)
		return (-1);
	TAILQ_FOREACH(call, &api.calls, entry)
		if (call->reqid == qc.reqid && call->proc == iev->instance)
			break;
	if (call == NULL)
		return (-1);
	if (!(qc.flags & QUERY_LAST)) {
		if (call->orphan)
			return (0);
		if (call->len + len + 1 > call->cap) {
			cap = call->cap ? call->cap : 16384;
			while (cap < call->len + len + 1)
				cap *= 2;
			if ((call->body = realloc(call->body, cap)) == NULL)
				fatal("%s: realloc", __func__);
			call->cap = cap;
		}
		memcpy(call->body + call->len, data, len);
		call->len += len;
		call->body[call->len] = '\0';
		return (0);
	}
	/* the last chunk: NUL-terminated JSON */
	if (len == 0 || memchr(data, '\0', len) != (const char *)data +
	    len - 1)
		return (-1);
	if (call->kind >= 0 && call->kind < QK_MAX) {
		double	 secs = (mono_us() - call->t0) / 1e6;
		size_t	 k;

		for (k = 0; k < QBUCKETS; k++)
			if (secs <= query_buckets[k])
				break;
		api.qhist[call->kind][k]++;
		api.qhist_sum[call->kind] += secs;
	}
	if (call->orphan) {
		api_call_free(call);
		return (0);
	}
	if (call->body == NULL && (call->body = strdup("")) == NULL)
		fatal("%s: strdup", __func__);
	js = json_loads(data, 0, NULL);
	if (qc.flags & QUERY_ERROR) {
		status = json_integer_value(json_object_get(js, "status"));
		detail = json_string_value(json_object_get(js, "detail"));
		if (status < 400 || status > 599)
			status = 503;
		api.query_errors++;
		call->done(call, status, detail ? detail :
		    "the query failed");
	} else {
		call->meta = js;
		js = NULL;
		call->done(call, 200, NULL);
	}
	json_decref(js);
	api_call_free(call);
	return (0);
}

json_t *
api_counters(void)
{
	return (json_pack("{s:I, s:I, s:I}",
	    "queries", (json_int_t)api.queries,
	    "query_errors", (json_int_t)api.query_errors,
	    "query_cancels", (json_int_t)api.cancels));
}

/* common handler parts ---------------------------------------------- */

/* The request's connection went away: its query is not needed. */
static void
call_closed(struct conn *c, void *arg)
{
	api_query_cancel(arg);
}

/*
 * Send a query for this request; on failure answer 503.  The answer
 * goes to done with the request's ticket in call->ticket; the
 * connection closing first cancels it.
 */
struct api_call *
api_ask(struct request *req, int kind, json_t *params, int budget_ms,
    api_done_cb done, void *arg)
{
	struct api_call	*call;

	if ((call = api_query(kind, params, budget_ms, done, arg)) == NULL) {
		http_problem(req->conn, 503, "no query process can answer");
		return (NULL);
	}
	call->ticket = request_ticket(req->conn);
	resp_watch(req->conn, NULL, call_closed, call);
	return (call);
}

/*
 * The connection of a finished call, or NULL if it has gone or the
 * call failed (then the problem is answered here).  The call is about
 * to be freed: the connection stops watching it.
 */
struct conn *
api_call_conn(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;

	if ((c = request_lookup(call->ticket)) == NULL)
		return (NULL);
	resp_watch(c, NULL, NULL, NULL);
	if (status != 200) {
		http_problem(c, status, detail);
		return (NULL);
	}
	return (c);
}

/* {"data": body} */
static void
send_data(struct conn *c, const char *body, size_t len, const char *tail)
{
	char	*out;
	size_t	 n;

	n = len + strlen(tail) + 16;
	if ((out = malloc(n)) == NULL)
		fatal("%s: malloc", __func__);
	memcpy(out, "{\"data\":", 8);
	memcpy(out + 8, body, len);
	strlcpy(out + 8 + len, tail, n - 8 - len);
	resp_send(c, 200, "application/json", NULL, out, strlen(out));
	free(out);
}

static void
done_data(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;

	if ((c = api_call_conn(call, status, detail)) != NULL)
		send_data(c, call->body, call->len, "}");
}

static void
done_plain(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;

	if ((c = api_call_conn(call, status, detail)) != NULL)
		resp_send(c, 200, "application/json", NULL, call->body,
		    call->len);
}

/* Parse the filters of a request; on error answer 400. */
static int
req_filter(struct request *req, struct api_filter *f, int64_t now,
    const char *const *extra)
{
	const char	*err = "bad parameters";

	if (api_filter_parse(f, req->query, req->nquery, now, extra,
	    &err) == -1) {
		http_problem(req->conn, 400, err);
		return (-1);
	}
	return (0);
}

/* A number parameter in [min, max], larger clamped; def if absent. */
static int
req_int(struct request *req, const char *name, int64_t def, int64_t min,
    int64_t max, int64_t *out, const char *err)
{
	const char	*v = request_query(req, name), *errstr;
	long long	 n;

	*out = def;
	if (v == NULL || *v == '\0')
		return (0);
	n = strtonum(v, min, INT64_MAX, &errstr);
	if (errstr != NULL) {
		http_problem(req->conn, 400, err);
		return (-1);
	}
	*out = n > max ? max : n;
	return (0);
}

/* GET /events ------------------------------------------------------- */

struct events_ctx {
	int64_t		 now;
	uint8_t		 hash[API_HASH_LEN];
};

static void
done_events(struct api_call *call, int status, const char *detail)
{
	struct events_ctx	*x = call->arg;
	struct conn		*c;
	json_t			*last;
	char			 cur[API_CURSOR_MAX + 32], tail[API_CURSOR_MAX];

	if ((c = api_call_conn(call, status, detail)) != NULL) {
		last = json_object_get(call->meta, "last_id");
		if (json_is_true(json_object_get(call->meta, "more")) &&
		    json_is_integer(last) &&
		    api_cursor_encode(json_integer_value(last), x->now,
		    x->hash, tail, sizeof(tail)) == 0)
			snprintf(cur, sizeof(cur), "],\"next_cursor\":\"%s\"}",
			    tail);
		else
			strlcpy(cur, "],\"next_cursor\":null}", sizeof(cur));
		/* "[" + rows + cur */
		{
			char	*body;
			size_t	 n = call->len + 2;

			if ((body = malloc(n)) == NULL)
				fatal("%s: malloc", __func__);
			body[0] = '[';
			memcpy(body + 1, call->body, call->len);
			body[n - 1] = '\0';
			send_data(c, body, n - 1, cur);
			free(body);
		}
	}
}

/*
 * Cursor and filters of a search; on error answer 400.  A cursor
 * carries the time relative bounds were resolved against, so that
 * "from=-15m" means the same on every page.
 */
static int
req_search(struct request *req, struct api_filter *f,
    const char *const *extra, int64_t *before, int64_t *now,
    uint8_t *hash)
{
	const char	*cur = request_query(req, "cursor");
	uint8_t		 chash[API_HASH_LEN];

	*before = -1;
	*now = api_now();
	if (cur != NULL && *cur != '\0' &&
	    api_cursor_decode(cur, before, now, chash) == -1) {
		http_problem(req->conn, 400, "cursor: not a cursor of this "
		    "server (or made under another token key)");
		return (-1);
	}
	if (req_filter(req, f, *now, extra) == -1)
		return (-1);
	api_filter_hash(f, hash);
	if (*before != -1 && sodium_memcmp(hash, chash, API_HASH_LEN) != 0) {
		api_filter_free(f);
		http_problem(req->conn, 400,
		    "cursor: made for other filters");
		return (-1);
	}
	return (0);
}

void
api_events(struct request *req)
{
	struct api_filter	 f;
	struct events_ctx	*x;
	struct api_call		*call;
	int64_t			 limit, before;
	json_t			*p;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("%s: calloc", __func__);
	if (req_search(req, &f, api_events_extra, &before, &x->now,
	    x->hash) == -1) {
		free(x);
		return;
	}
	if (req_int(req, "limit", API_DEFAULT_LIMIT, 1, API_MAX_LIMIT,
	    &limit, "limit: a number from 1 to 1000") == -1) {
		api_filter_free(&f);
		free(x);
		return;
	}
	p = json_deep_copy(f.json);
	api_filter_free(&f);
	json_object_set_new(p, "limit", json_integer(limit));
	json_object_set_new(p, "max_bytes", json_integer(API_PAGE_BYTES));
	json_object_set_new(p, "format", json_string("json"));
	if (before != -1)
		json_object_set_new(p, "before_id", json_integer(before));
	if ((call = api_ask(req, QK_EVENTS, p, API_BUDGET_MS, done_events,
	    x)) == NULL)
		free(x);
	else
		call->freearg = 1;
	json_decref(p);
}

/* GET /events/{id} --------------------------------------------------- */

static void
done_found(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;

	if ((c = api_call_conn(call, status, detail)) == NULL)
		return;
	if (!json_is_true(json_object_get(call->meta, "found")))
		http_problem(c, 404, call->arg);
	else
		resp_send(c, 200, "application/json", NULL, call->body,
		    call->len);
}

void
api_event(struct request *req)
{
	const char	*errstr, *id = request_param(req, "id");
	long long	 n;
	json_t		*p;

	n = strtonum(id ? id : "", 1, INT64_MAX, &errstr);
	if (errstr != NULL) {
		http_problem(req->conn, 404, "no such event");
		return;
	}
	p = json_pack("{s:I}", "id", (json_int_t)n);
	api_ask(req, QK_EVENT, p, API_BUDGET_MS, done_found, "no such event");
	json_decref(p);
}

/* GET /events/export ------------------------------------------------- */

struct export {
	uint32_t	 ticket;
	json_t		*params;
	struct api_call	*call;		/* a page on its way */
	char		*buf;		/* a page being written */
	size_t		 len;
	size_t		 off;
	int		 more;
	int		 started;
	int64_t		 left;		/* events still wanted; -1: all */
	const char	*type;
	const char	*header;	/* csv: the first line */
	char		 disposition[128];
};

static void	 export_page(struct export *);
static void	 export_pump(struct conn *, void *);

static void
export_free(struct export *x)
{
	json_decref(x->params);
	free(x->buf);
	free(x);
}

static void
export_closed(struct conn *c, void *arg)
{
	struct export	*x = arg;

	if (x->call != NULL)
		api_query_cancel(x->call);
	export_free(x);
}

static void
export_done(struct api_call *call, int status, const char *detail)
{
	struct export	*x = call->arg;
	struct conn	*c;
	json_t		*last;

	x->call = NULL;
	if ((c = request_lookup(x->ticket)) == NULL) {
		export_free(x);
		return;
	}
	if (status != 200) {
		/* before the head a problem, after it a cut answer */
		resp_watch(c, NULL, NULL, NULL);
		if (!x->started)
			http_problem(c, status, detail);
		else
			resp_abort(c);
		export_free(x);
		return;
	}
	if (!x->started) {
		x->started = 1;
		resp_start(c, 200, x->type, x->disposition);
		if (x->header != NULL)
			resp_chunk(c, x->header, strlen(x->header));
	}
	x->buf = call->body;
	x->len = call->len;
	x->off = 0;
	call->body = NULL;
	x->more = json_is_true(json_object_get(call->meta, "more"));
	last = json_object_get(call->meta, "last_id");
	if (x->left > 0) {
		x->left -= json_integer_value(json_object_get(call->meta,
		    "count"));
		if (x->left <= 0)
			x->more = 0;
		else if (x->left < API_EXPORT_PAGE)
			json_object_set_new(x->params, "limit",
			    json_integer(x->left));
	}
	if (x->more && json_is_integer(last))
		json_object_set(x->params, "before_id", last);
	else
		x->more = 0;
	resp_watch(c, export_pump, export_closed, x);
}

/* Write what fits; at the end of a page ask for the next one. */
static void
export_pump(struct conn *c, void *arg)
{
	struct export	*x = arg;
	size_t		 n;

	if (x->buf == NULL)
		return;
	while (x->off < x->len) {
		n = x->len - x->off;
		if (n > SERVER_OUT_LOW)
			n = SERVER_OUT_LOW;
		if (resp_chunk(c, x->buf + x->off, n) == -1)
			return;
		x->off += n;
	}
	free(x->buf);
	x->buf = NULL;
	if (!x->more) {
		resp_watch(c, NULL, NULL, NULL);
		resp_end(c);
		export_free(x);
		return;
	}
	export_page(x);
}

static void
export_page(struct export *x)
{
	struct conn	*c;

	if ((x->call = api_query(QK_EVENTS, x->params, API_EXPORT_BUDGET_MS,
	    export_done, x)) != NULL) {
		x->call->ticket = x->ticket;
		return;
	}
	if ((c = request_lookup(x->ticket)) != NULL) {
		resp_watch(c, NULL, NULL, NULL);
		if (!x->started)
			http_problem(c, 503, "no query process can answer");
		else
			resp_abort(c);
	}
	export_free(x);
}

/*
 * Every matching event, newest first, page by page: the next page is
 * asked for only once the client has taken the last one, so that a
 * slow client holds one page, never the whole result.  limit, when
 * given, is the most events the export holds, over every page.
 */
void
api_export(struct request *req)
{
	static const char csv_header[] = "id,ts,received_at,source_type,host,"
	    "app,pid,facility,syslog_severity,level,severity,event_type,"
	    "outcome,message,request_id,user_id,src_ip,src_port,dest_ip,"
	    "dest_port,protocol,user_agent,http_method,http_path,http_query,"
	    "http_status,latency_ms,error_type,process_exe,process_cmdline,"
	    "process_cwd,parent_exe,data_json,raw,source_file,source_offset,"
	    "tags\r\n";
	struct api_filter	 f;
	struct export		*x;
	const char		*fmt = request_query(req, "format");
	const char		*ext;
	int64_t			 limit;

	if (fmt == NULL || *fmt == '\0')
		fmt = "jsonl";
	if (req_int(req, "limit", -1, 1, INT64_MAX, &limit,
	    "limit: a positive number of events") == -1)
		return;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("%s: calloc", __func__);
	x->left = limit;
	if (strcmp(fmt, "jsonl") == 0) {
		x->type = "application/x-ndjson";
		ext = "jsonl";
	} else if (strcmp(fmt, "ecs") == 0) {
		x->type = "application/x-ndjson";
		ext = "ecs.ndjson";
	} else if (strcmp(fmt, "csv") == 0) {
		x->type = "text/csv; charset=utf-8";
		x->header = csv_header;
		ext = "csv";
	} else {
		free(x);
		http_problem(req->conn, 400, "format: jsonl, csv or ecs");
		return;
	}
	if (req_filter(req, &f, api_now(), api_export_extra) == -1) {
		free(x);
		return;
	}
	snprintf(x->disposition, sizeof(x->disposition),
	    "Content-Disposition: attachment; filename=\"events.%s\"\r\n",
	    ext);
	x->params = json_deep_copy(f.json);
	api_filter_free(&f);
	json_object_set_new(x->params, "limit", json_integer(limit > 0 &&
	    limit < API_EXPORT_PAGE ? limit : API_EXPORT_PAGE));
	json_object_set_new(x->params, "max_bytes",
	    json_integer(API_PAGE_BYTES));
	json_object_set_new(x->params, "format", json_string(fmt));
	x->ticket = request_ticket(req->conn);
	if ((x->call = api_query(QK_EVENTS, x->params, API_EXPORT_BUDGET_MS,
	    export_done, x)) == NULL) {
		export_free(x);
		http_problem(req->conn, 503, "no query process can answer");
		return;
	}
	x->call->ticket = x->ticket;
	resp_watch(req->conn, NULL, export_closed, x);
}

/* inventories -------------------------------------------------------- */

static int
no_params(struct request *req, const char *const *allowed)
{
	int	 i;

	for (i = 0; i < req->nquery; i++) {
		if (!name_in(req->query[i].name, allowed)) {
			http_problem(req->conn, 400, "unknown query parameter");
			return (-1);
		}
	}
	return (0);
}

void
api_apps(struct request *req)
{
	json_t	*p;

	if (no_params(req, NULL) == -1)
		return;
	p = json_object();
	api_ask(req, QK_APPS, p, API_BUDGET_MS, done_data, NULL);
	json_decref(p);
}

void
api_event_types(struct request *req)
{
	static const char *const allowed[] = { "app", NULL };
	const char	*app = request_query(req, "app");
	json_t		*p;

	if (no_params(req, allowed) == -1)
		return;
	p = json_object();
	if (app != NULL && *app != '\0') {
		if (strlen(app) > API_MAX_VALUE ||
		    json_object_set_new(p, "app", json_string(app)) == -1) {
			json_decref(p);
			http_problem(req->conn, 400, "app: not a name");
			return;
		}
	}
	api_ask(req, QK_EVENT_TYPES, p, API_BUDGET_MS, done_data, NULL);
	json_decref(p);
}

void
api_hosts(struct request *req)
{
	json_t	*p;

	if (no_params(req, NULL) == -1)
		return;
	p = json_object();
	api_ask(req, QK_HOSTS, p, API_BUDGET_MS, done_data, NULL);
	json_decref(p);
}

void
api_host(struct request *req)
{
	const char	*name = request_param(req, "name");
	json_t		*p;

	if (name == NULL || strlen(name) > API_MAX_VALUE ||
	    (p = json_pack("{s:s}", "name", name)) == NULL) {
		http_problem(req->conn, 404, "no such host");
		return;
	}
	api_ask(req, QK_HOST, p, API_BUDGET_MS, done_found, "no such host");
	json_decref(p);
}

/* statistics --------------------------------------------------------- */

static void
done_stats(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;
	json_t		*js;

	if ((c = api_call_conn(call, status, detail)) == NULL)
		return;
	if ((js = json_loadb(call->body, call->len, 0, NULL)) == NULL) {
		http_problem(c, 503, "the query process sent nonsense");
		return;
	}
	json_object_set_new(js, "events_per_second",
	    json_real(stream_rate()));
	resp_json(c, 200, js);
	json_decref(js);
}

void
api_stats(struct request *req)
{
	json_t	*p;

	if (no_params(req, NULL) == -1)
		return;
	p = json_object();
	api_ask(req, QK_STATS, p, API_BUDGET_MS, done_stats, NULL);
	json_decref(p);
}

/* "3600", "90s", "5m", "1h", "1d": seconds, a multiple of 60. */
static int64_t
bucket_parse(const char *s)
{
	const char	*p = s;
	int64_t		 v, mul = 1;

	if (digits(&p, 1, 9, &v) == -1)
		return (-1);
	switch (*p) {
	case '\0':
		break;
	case 's':
		p++;
		break;
	case 'm':
		mul = 60;
		p++;
		break;
	case 'h':
		mul = 3600;
		p++;
		break;
	case 'd':
		mul = 86400;
		p++;
		break;
	default:
		return (-1);
	}
	v *= mul;
	if (*p != '\0' || v < 60 || v % 60 != 0 || v > 366LL * 86400)
		return (-1);
	return (v);
}

/*
 * Counts per bucket with the severity breakdown, from the per-minute
 * rollups (event time): cheap whatever the range.  Default: the last
 * 24 hours, a bucket that makes about 100 of them.
 */
void
api_timeline(struct request *req)
{
	static const char *const allowed[] = { "from", "to", "bucket",
	    NULL };
	static const int64_t	 steps[] = { 60, 300, 900, 1800, 3600,
	    3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400 };
	const char		*v;
	int64_t			 now = api_now(), from, to, bucket = 0;
	size_t			 i;
	json_t			*p;

	if (no_params(req, allowed) == -1)
		return;
	to = now;
	if ((v = request_query(req, "to")) != NULL &&
	    api_time_parse(v, now, &to) == -1) {
		http_problem(req->conn, 400, "to: ISO 8601 or relative (-1h)");
		return;
	}
	from = to - 86400LL * 1000000;
	if ((v = request_query(req, "from")) != NULL &&
	    api_time_parse(v, now, &from) == -1) {
		http_problem(req->conn, 400,
		    "from: ISO 8601 or relative (-24h)");
		return;
	}
	if (from > to || from < 0) {
		http_problem(req->conn, 400, "from is after to");
		return;
	}
	if ((v = request_query(req, "bucket")) != NULL &&
	    (bucket = bucket_parse(v)) == -1) {
		http_problem(req->conn, 400, "bucket: seconds, a multiple of "
		    "60 (3600, 5m, 1h, 1d)");
		return;
	}
	if (bucket == 0) {
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			bucket = steps[i];
			if ((to - from) / 1000000 / bucket <= 100)
				break;
		}
	}
	if ((to - from) / 1000000 / bucket + 1 > API_MAX_BUCKETS) {
		http_problem(req->conn, 400,
		    "too many buckets: widen the bucket");
		return;
	}
	p = json_pack("{s:I, s:I, s:I}", "from", (json_int_t)from, "to",
	    (json_int_t)to, "bucket", (json_int_t)bucket);
	api_ask(req, QK_TIMELINE, p, API_BUDGET_MS, done_plain, NULL);
	json_decref(p);
}

/*
 * The most frequent values of a field under the /events filters,
 * counted over the newest "scan" matching events (default 100 000,
 * at most 1 000 000): the work is bounded, and the answer says over
 * how many events it counted.
 */
void
api_top(struct request *req)
{
	struct api_filter	 f;
	const char		*field = request_query(req, "field");
	int64_t			 limit, scan;
	size_t			 i;
	json_t			*p;

	for (i = 0; field != NULL &&
	    i < sizeof(top_fields) / sizeof(top_fields[0]); i++)
		if (strcmp(field, top_fields[i]) == 0)
			break;
	if (field == NULL || i == sizeof(top_fields) / sizeof(top_fields[0])) {
		http_problem(req->conn, 400, "field: one of src_ip, dest_ip, "
		    "user_id, host, app, event_type, http_path, http_status, "
		    "severity, source_type, outcome, level");
		return;
	}
	if (req_int(req, "limit", 10, 1, API_TOP_LIMIT, &limit,
	    "limit: a number from 1 to 100") == -1 ||
	    req_int(req, "scan", API_TOP_SCAN, 1, API_TOP_SCAN_MAX, &scan,
	    "scan: a number from 1 to 1000000") == -1)
		return;
	if (req_filter(req, &f, api_now(), api_top_extra) == -1)
		return;
	p = json_deep_copy(f.json);
	api_filter_free(&f);
	json_object_set_new(p, "field", json_string(top_fields[i]));
	json_object_set_new(p, "limit", json_integer(limit));
	json_object_set_new(p, "scan", json_integer(scan));
	api_ask(req, QK_TOP, p, API_BUDGET_MS, done_plain, NULL);
	json_decref(p);
}

/* status and readiness ---------------------------------------------- */

static int
api_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	const char	*s;

	switch (imsg->hdr.type) {
	case IMSG_ADMIN_RELOADED:
		if (imsg_get_string(imsg, &s) == -1)
			return (-1);
		api_reload_answer(s);
		break;
	case IMSG_RULES_ALL: {
		static json_t	*pending;
		json_t		*all;
		char		*text;

		if (imsg_get_string(imsg, &s) == -1)
			return (-1);
		/* in pieces when the rules are many */
		if ((all = json_chunks_take(&pending, s,
		    imsg->hdr.peerid)) == NULL)
			break;
		if ((text = json_dumps(all, JSON_COMPACT)) == NULL)
			fatal("%s: json_dumps", __func__);
		api_rules_answer(text);
		free(text);
		json_decref(all);
		break;
	}
	case IMSG_RULE_SOURCE:
		if (imsg_get_string(imsg, &s) == -1)
			return (-1);
		api_rule_source_answer(s);
		break;
	case IMSG_RULES_MAPPING:
		if (imsg_get_string(imsg, &s) == -1)
			return (-1);
		api_explain_mapping(s);
		break;
	case IMSG_STATUS_ALL:
		if (imsg_get_string(imsg, &s) == -1)
			return (-1);
		json_decref(api.status);
		api.status = json_loads(s, 0, NULL);
		api.status_at = time(NULL);
		stall_update(api.status, api.status_at);
		api.status_asked = 0;
		api_status_answer();
		break;
	default:
		return (-1);
	}
	return (0);
}

static void
api_status_timer(int fd, short events, void *arg)
{
	/* the parent did not answer: whoever waits gets what we have */
	api.status_asked = 0;
	api_status_answer();
}

/*
 * A readiness check that failed: its name (what a monitor matches on)
 * and a sentence for people.
 */
#define READY_MAX_FAILED	8
struct ready {
	char	 why[512];
	char	 failed[READY_MAX_FAILED][24];
	int	 nfailed;
};

static void
ready_fail(struct ready *r, const char *name, const char *why)
{
	int	 i;

	if (r->why[0] != '\0')
		strlcat(r->why, "; ", sizeof(r->why));
	strlcat(r->why, why, sizeof(r->why));
	for (i = 0; i < r->nfailed; i++)
		if (strcmp(r->failed[i], name) == 0)
			return;
	if (r->nfailed < READY_MAX_FAILED)
		strlcpy(r->failed[r->nfailed++], name, sizeof(r->failed[0]));
}

/*
 * Follow what the parsers took in and what the store committed, each
 * time the parent reports: stall_since is when records came in while
 * the store's figure stood still, and it clears when the store moves.
 */
static void
stall_update(json_t *st, time_t now)
{
	json_t		*p, *cnt, *v;
	const char	*name;
	int64_t		 in = 0, out = 0;
	int		 nin = 0, nout = 0;
	size_t		 i;

	json_array_foreach(json_object_get(st, "processes"), i, p) {
		name = json_string_value(json_object_get(p, "name"));
		cnt = json_object_get(p, "counters");
		if (name == NULL || !json_is_object(cnt))
			continue;
		if (strcmp(name, "parser") == 0 &&
		    json_is_integer(v = json_object_get(cnt, "parsed"))) {
			in += json_integer_value(v);
			nin++;
		} else if (strcmp(name, "store") == 0 &&
		    json_is_integer(v = json_object_get(cnt, "stored"))) {
			out += json_integer_value(v);
			nout++;
		}
	}
	if (nin == 0 || nout == 0)
		return;
	if (!api.stall_seen || out != api.stall_out)
		api.stall_since = 0;
	else if (in != api.stall_in && api.stall_since == 0)
		api.stall_since = now;
	api.stall_seen = 1;
	api.stall_in = in;
	api.stall_out = out;
}

/* Is every process alive, and is ingestion flowing? */
static void
status_problems(json_t *st, struct ready *r)
{
	json_t		*p, *v, *cnt;
	const char	*name;
	char		 line[96];
	size_t		 i;

	if (!json_is_array(json_object_get(st, "processes"))) {
		ready_fail(r, "status", "no process status from the parent");
		return;
	}
	json_array_foreach(json_object_get(st, "processes"), i, p) {
		name = json_string_value(json_object_get(p, "name"));
		if (name == NULL)
			continue;
		v = json_object_get(p, "alive");
		cnt = json_object_get(p, "counters");
		if (!json_is_true(v)) {
			snprintf(line, sizeof(line), "%s is not running",
			    name);
			ready_fail(r, "processes", line);
		} else if (strcmp(name, "parser") == 0 &&
		    json_integer_value(json_object_get(cnt, "queue")) >=
		    API_STALL_QUEUE)
			ready_fail(r, "ingest_backlog", "ingestion is held "
			    "back: the store is behind");
		else if (strcmp(name, "store") == 0 &&
		    !json_is_object(cnt))
			ready_fail(r, "store_reporting",
			    "the store has not reported");
	}
	if (api.stall_since != 0 &&
	    time(NULL) - api.stall_since >= API_STALL_SECS) {
		snprintf(line, sizeof(line), "ingestion is stalled: records "
		    "came in and nothing was stored for %lld s",
		    (long long)(time(NULL) - api.stall_since));
		ready_fail(r, "ingest_stalled", line);
	}
}

/* 503 problem details with the names of the failed checks. */
static void
ready_problem(struct conn *c, const struct ready *r)
{
	struct request	*req = conn_request(c);
	json_t		*js, *a;
	char		*s;
	int		 i;

	if ((a = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	for (i = 0; i < r->nfailed; i++)
		json_array_append_new(a, json_string(r->failed[i]));
	js = json_pack("{s:s, s:s, s:i, s:s, s:o}", "type", "about:blank",
	    "title", http_reason(503), "status", 503, "detail", r->why,
	    "failed", a);
	if (js == NULL)
		fatalx("%s: json_pack", __func__);
	if (req != NULL && req->path != NULL)
		json_object_set_new(js, "instance", json_string(req->path));
	if ((s = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	json_decref(js);
	resp_send(c, 503, "application/problem+json", NULL, s, strlen(s));
	free(s);
}

static void
done_ready(struct api_call *call, int status, const char *detail)
{
	struct conn	*c;
	struct ready	*r = call->arg;
	static const char ok[] = "{\"status\":\"ready\"}";

	if ((c = request_lookup(call->ticket)) != NULL) {
		resp_watch(c, NULL, NULL, NULL);
		if (status != 200)
			ready_fail(r, "database",
			    "the database cannot be read");
		if (r->nfailed > 0)
			ready_problem(c, r);
		else
			resp_send(c, 200, "application/json", NULL, ok,
			    sizeof(ok) - 1);
	}
}

/* Answer every request waiting for the status. */
static void
api_status_answer(void)
{
	struct status_wait	*w;
	struct conn		*c;
	struct api_call		*call;
	struct ready		*ready;
	json_t			*js;
	int			 i;

	evtimer_del(&api.status_ev);
	for (i = 0; i < api.nwaiting; i++) {
		w = &api.waiting[i];
		if ((c = request_lookup(w->ticket)) == NULL)
			continue;
		if (w->ready == WAIT_METRICS) {
			metrics_answer(c);
			continue;
		}
		if (w->ready == WAIT_STATUS) {
			if (api.status == NULL) {
				http_problem(c, 503,
				    "the parent did not answer");
				continue;
			}
			js = json_deep_copy(api.status);
			json_object_set_new(js, "api", api_counters());
			json_object_set_new(js, "streams", stream_counters());
			json_object_set_new(js, "http_ingest",
			    ingest_http_counters());
			resp_json(c, 200, js);
			json_decref(js);
			continue;
		}
		if ((ready = calloc(1, sizeof(*ready))) == NULL)
			fatal("%s: calloc", __func__);
		status_problems(api.status, ready);
		js = json_object();
		call = api_query(QK_HEALTH, js, 2000, done_ready, ready);
		json_decref(js);
		if (call == NULL) {
			ready_fail(ready, "query", "no query process");
			ready_problem(c, ready);
			free(ready);
			continue;
		}
		call->ticket = w->ticket;
		call->freearg = 1;
		resp_watch(c, NULL, call_closed, call);
	}
	api.nwaiting = 0;
}

static void
status_request(struct request *req, int ready)
{
	struct timeval	 tv = { API_STATUS_TIMEOUT, 0 };

	if (api.nwaiting == API_MAX_WAITING) {
		http_problem(req->conn, 503, "too many status requests");
		return;
	}
	api.waiting[api.nwaiting].ticket = request_ticket(req->conn);
	api.waiting[api.nwaiting].ready = ready;
	api.nwaiting++;
	if (api.status != NULL && time(NULL) - api.status_at <
	    API_STATUS_FRESH) {
		api_status_answer();
		return;
	}
	if (api.status_asked)
		return;
	if (imsgev_compose(&api.ctx->parent, IMSG_STATUS_REQ, 0, -1, NULL,
	    0) == -1) {
		log_warn("%s: compose", __func__);
		api_status_answer();
		return;
	}
	api.status_asked = 1;
	evtimer_add(&api.status_ev, &tv);
}

/* Every process with its pid, uptime and counters. */
void
api_status(struct request *req)
{
	if (no_params(req, NULL) == -1)
		return;
	status_request(req, WAIT_STATUS);
}

/* GET /metrics: web's HTTP figures and every process's counters. */
void
api_metrics(struct request *req)
{
	status_request(req, WAIT_METRICS);
}

/* A metric or label name: letters, digits and _ only. */
static void
metric_name(char *out, size_t len, const char *a, const char *b)
{
	size_t	 i;

	snprintf(out, len, "siemd_%s_%s", a, b);
	for (i = 6; out[i] != '\0'; i++)
		if (!isalnum((unsigned char)out[i]) && out[i] != '_')
			out[i] = '_';
}

/*
 * Counter names of the processes that are levels, not totals: sizes
 * of queues and tables, things open now, peaks, last and largest
 * values, settings.  Every other integer a process reports only grows
 * while it runs.
 */
static int
metric_is_gauge(const char *key, json_t *v)
{
	static const char *gauges[] = {
		"active", "alert_keys", "allowlist", "base_groups",
		"base_learning", "base_values", "connections",
		"corr_groups", "corr_lateness_s", "corr_max_groups",
		"corr_max_groups_rule", "database", "files", "key_filters",
		"last_event_id", "open", "partition", "partition_events",
		"partitions", "partitions_open", "paused", "pending",
		"queue", "queued", "replaying", "rule_files", "rules_loaded",
		"rules_skipped", "silences", "uptime", NULL
	};
	size_t	 len = strlen(key);

	if (!json_is_integer(v))
		return (1);
	if (strncmp(key, "max_", 4) == 0 || strncmp(key, "last_", 5) == 0 ||
	    (len > 5 && strcmp(key + len - 5, "_peak") == 0) ||
	    (len > 4 && strcmp(key + len - 4, "_max") == 0))
		return (1);
	return (name_in(key, gauges));
}

/* siemd_query_duration_seconds: one histogram per query kind seen. */
static void
metrics_queries(struct evbuffer *out)
{
	uint64_t	 cum;
	size_t		 k, b;
	char		 le[32];

	evbuffer_add_printf(out, "# HELP siemd_query_duration_seconds Time "
	    "from sending a query to its answer, waiting included, by "
	    "kind.\n# TYPE siemd_query_duration_seconds histogram\n");
	for (k = 0; k < QK_MAX; k++) {
		for (cum = 0, b = 0; b <= QBUCKETS; b++)
			cum += api.qhist[k][b];
		if (cum == 0 || query_kinds[k] == NULL)
			continue;
		for (cum = 0, b = 0; b <= QBUCKETS; b++) {
			cum += api.qhist[k][b];
			if (b < QBUCKETS)
				snprintf(le, sizeof(le), "%g",
				    query_buckets[b]);
			else
				strlcpy(le, "+Inf", sizeof(le));
			evbuffer_add_printf(out,
			    "siemd_query_duration_seconds_bucket{kind=\"%s\","
			    "le=\"%s\"} %llu\n", query_kinds[k], le,
			    (unsigned long long)cum);
		}
		evbuffer_add_printf(out,
		    "siemd_query_duration_seconds_sum{kind=\"%s\"} %.6f\n"
		    "siemd_query_duration_seconds_count{kind=\"%s\"} %llu\n",
		    query_kinds[k], api.qhist_sum[k], query_kinds[k],
		    (unsigned long long)cum);
	}
}

/*
 * The counters of every process as Prometheus samples: one family per
 * role and counter (siemd_store_stored, siemd_parser_parsed, ...) with
 * the instance as its only label, and siemd_process_up.  The counters
 * are figures of the process, never of a user or an address; nested
 * objects (per-source tables keyed by file names) are left out, the
 * sources page has them.  Totals are counters, levels gauges
 * (metric_is_gauge()); the names stay those of the status page.
 */
static void
metrics_answer(struct conn *c)
{
	json_t		*families, *types, *p, *v, *lines;
	const char	*name, *key, *br;
	char		 role[32], inst[24], mname[160], line[256];
	size_t		 i, n, l;
	struct evbuffer	*out;

	if ((out = evbuffer_new()) == NULL ||
	    (families = json_object()) == NULL ||
	    (types = json_object()) == NULL)
		fatal("%s: alloc", __func__);
	router_metrics_http(out);
	metrics_queries(out);
	evbuffer_add_printf(out, "# HELP siemd_process_up 1 while the "
	    "process runs.\n# TYPE siemd_process_up gauge\n");
	json_array_foreach(json_object_get(api.status, "processes"), i, p) {
		if ((name = json_string_value(json_object_get(p, "name"))) ==
		    NULL)
			continue;
		strlcpy(role, name, sizeof(role));
		for (br = role; *br != '\0'; br++)
			if (!isalnum((unsigned char)*br) && *br != '_')
				break;
		if (*br != '\0')
			continue;
		snprintf(inst, sizeof(inst), "%lld", (long long)
		    json_integer_value(json_object_get(p, "instance")));
		evbuffer_add_printf(out, "siemd_process_up{process=\"%s\","
		    "instance=\"%s\"} %d\n", role, inst,
		    json_is_true(json_object_get(p, "alive")) ? 1 : 0);
		json_object_foreach(json_object_get(p, "counters"), key, v) {
			if (json_is_integer(v))
				snprintf(line, sizeof(line), "{instance=\"%s\"}"
				    " %lld\n", inst,
				    (long long)json_integer_value(v));
			else if (json_is_real(v))
				snprintf(line, sizeof(line), "{instance=\"%s\"}"
				    " %g\n", inst, json_real_value(v));
			else if (json_is_boolean(v))
				snprintf(line, sizeof(line), "{instance=\"%s\"}"
				    " %d\n", inst, json_is_true(v) ? 1 : 0);
			else
				continue;
			metric_name(mname, sizeof(mname), role, key);
			if ((lines = json_object_get(families, mname)) == NULL) {
				lines = json_array();
				json_object_set_new(families, mname, lines);
				json_object_set_new(types, mname,
				    json_string(metric_is_gauge(key, v) ?
				    "gauge" : "counter"));
			}
			json_array_append_new(lines, json_string(line));
		}
	}
	/* each family once, its samples together */
	json_object_foreach(families, key, lines) {
		evbuffer_add_printf(out, "# TYPE %s %s\n", key,
		    json_string_value(json_object_get(types, key)));
		json_array_foreach(lines, l, v)
			evbuffer_add_printf(out, "%s%s", key,
			    json_string_value(v));
	}
	json_decref(families);
	json_decref(types);
	n = evbuffer_get_length(out);
	resp_send(c, 200, "text/plain; version=0.0.4; charset=utf-8", NULL,
	    (const char *)evbuffer_pullup(out, -1), n);
	evbuffer_free(out);
}

struct proc_ctx *
api_ctx(void)
{
	return (api.ctx);
}

/*
 * POST /admin/reload: the parent re-reads the configuration.  Only the
 * rules changed: correlate swaps them live (200).  Anything else: the
 * processes start afresh (202; this connection ends with them).  An
 * invalid file changes nothing (422, the log names every error).
 */
static uint32_t	 reload_tickets[8];
static size_t	 nreload;

void
api_reload(struct request *req)
{
	if (no_params(req, NULL) == -1)
		return;
	if (nreload == sizeof(reload_tickets) / sizeof(reload_tickets[0])) {
		http_problem(req->conn, 503, "a reload is already running");
		return;
	}
	if (imsgev_compose(&api.ctx->parent, IMSG_ADMIN_RELOAD, 0, -1, NULL,
	    0) == -1) {
		http_problem(req->conn, 503, "cannot reach the parent process");
		return;
	}
	reload_tickets[nreload++] = request_ticket(req->conn);
}

static void
api_reload_answer(const char *text)
{
	struct conn	*c;
	json_t		*js;
	const char	*result, *detail;
	size_t		 i;

	js = json_loads(text, 0, NULL);
	result = json_string_value(json_object_get(js, "result"));
	detail = json_string_value(json_object_get(js, "detail"));
	for (i = 0; i < nreload; i++) {
		if ((c = request_lookup(reload_tickets[i])) == NULL)
			continue;
		if (result == NULL || strcmp(result, "failed") == 0)
			http_problem(c, 422, detail ? detail :
			    "the configuration is invalid");
		else
			resp_json(c, strcmp(result, "restarting") == 0 ? 202 :
			    200, js);
	}
	nreload = 0;
	json_decref(js);
}

/*
 * 200 when every process runs, ingestion is neither held back nor
 * stalled and a query process reads the database; else 503 saying
 * what is wrong, with the names of the failed checks in "failed"
 * (processes, ingest_backlog, store_reporting, ingest_stalled,
 * database, query, status).
 */
void
api_readyz(struct request *req)
{
	status_request(req, WAIT_READY);
}

/* the OpenAPI document ----------------------------------------------- */

static json_t *
qparam(const char *name, const char *type, const char *desc)
{
	return (json_pack("{s:s, s:s, s:b, s:{s:s}, s:s}", "name", name,
	    "in", "query", "required", 0, "schema", "type", type,
	    "description", desc));
}

static void
add_params(json_t *op, int filters, const char *const *extra)
{
	static const char *descs[FLD_MAX] = {
		"application; repeatable or comma-separated (ORed)",
		"event type; repeatable or comma-separated",
		"level as reported (case ignored)",
		"info, low, medium, high or critical",
		"originating host",
		"user",
		"source address or network (10.0.0.0/8)",
		"destination address or network",
		"request id",
		"source type or class"
	};
	static const char *fdescs[] = {
		"start, inclusive: ISO 8601 or relative (-15m, -24h, -7d, "
		"now)",
		"end, inclusive: ISO 8601 or relative",
		"404, 5xx or 400-499; comma-separated",
		"full text: words, \"phrases\", prefix*, OR, -term",
		"substring of message or http_path; repeatable"
	};
	json_t	*a;
	char	 name[64], desc[128];
	int	 i;

	if ((a = json_object_get(op, "parameters")) == NULL) {
		a = json_array();
		json_object_set_new(op, "parameters", a);
	}
	if (filters) {
		for (i = 0; api_filter_names[i] != NULL; i++)
			json_array_append_new(a, qparam(api_filter_names[i],
			    "string", i < (int)(sizeof(fdescs) /
			    sizeof(fdescs[0])) ? fdescs[i] :
			    api_filter_names[i]));
		for (i = 0; i < FLD_MAX; i++) {
			json_array_append_new(a, qparam(api_field_names[i],
			    "string", descs[i]));
			snprintf(name, sizeof(name), "not_%s",
			    api_field_names[i]);
			snprintf(desc, sizeof(desc), "exclude events whose %s "
			    "is one of these exact values", api_field_names[i]);
			json_array_append_new(a, qparam(name, "string", desc));
		}
	}
	for (; extra != NULL && *extra != NULL; extra++)
		json_array_append_new(a, qparam(*extra, "string", *extra));
}

static void
add_schema(json_t *op, json_t *schema)
{
	json_t	*r;

	r = json_object_get(json_object_get(op, "responses"), "200");
	if (r == NULL) {
		json_decref(schema);
		return;
	}
	json_object_set_new(r, "content", json_pack("{s:{s:o}}",
	    "application/json", "schema", schema));
}

/* Parameters and answers of this file's routes, into the document. */
void
api_openapi(json_t *doc)
{
	static const char *const stream_p[] = { "since_id", "access_token",
	    NULL };
	static const char *const types_p[] = { "app", NULL };
	static const char *const timeline_p[] = { "from", "to", "bucket",
	    NULL };
	json_t		*paths, *op, *event, *list;
	const char	*root = ROUTER_API_ROOT;
	char		 path[128];
	size_t		 i;
	static const struct {
		const char	*path;
		const char	*method;
		int		 filters;
		const char *const *extra;
	} ops[] = {
		{ "/events", "get", 1, api_events_extra },
		{ "/events/export", "get", 1, api_export_extra },
		{ "/event-types", "get", 0, types_p },
		{ "/timeline", "get", 0, timeline_p },
		{ "/top", "get", 1, api_top_extra },
		{ "/stream/events", "get", 1, stream_p },
	};

	paths = json_object_get(doc, "paths");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, ops[i].path);
		op = json_object_get(json_object_get(paths, path),
		    ops[i].method);
		if (op != NULL)
			add_params(op, ops[i].filters, ops[i].extra);
	}
	event = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
	    " s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}",
	    "type", "object", "properties",
	    "id", "type", "integer",
	    "ts", "type", "string",
	    "received_at", "type", "string",
	    "severity", "type", "string",
	    "app", "type", "string",
	    "host", "type", "string",
	    "event_type", "type", "string",
	    "message", "type", "string",
	    "data_json", "type", "object",
	    "src_ip", "type", "string");
	json_object_set_new(json_object_get(json_object_get(doc,
	    "components"), "schemas"), "Event", event);
	list = json_pack("{s:s, s:{s:{s:s, s:{s:s}}, s:{s:[s, s]}}}",
	    "type", "object", "properties", "data", "type", "array",
	    "items", "$ref", "#/components/schemas/Event",
	    "next_cursor", "type", "string", "null");
	snprintf(path, sizeof(path), "%s/events", root);
	if ((op = json_object_get(json_object_get(paths, path), "get")))
		add_schema(op, list);
	else
		json_decref(list);
	snprintf(path, sizeof(path), "%s/events/{id}", root);
	if ((op = json_object_get(json_object_get(paths, path), "get")))
		add_schema(op, json_pack("{s:s}", "$ref",
		    "#/components/schemas/Event"));
	{
		static const char *objs[] = { "/apps", "/event-types",
		    "/hosts", "/hosts/{name}", "/stats", "/timeline", "/top",
		    "/status" };

		for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
			snprintf(path, sizeof(path), "%s%s", root, objs[i]);
			if ((op = json_object_get(json_object_get(paths,
			    path), "get")))
				add_schema(op, json_pack("{s:s}", "type",
				    "object"));
		}
	}
	snprintf(path, sizeof(path), "%s/ingest", root);
	if ((op = json_object_get(json_object_get(paths, path), "post"))) {
		json_object_set_new(json_object_get(op, "responses"), "202",
		    json_pack("{s:s, s:{s:{s:{s:s, s:{s:{s:s}, s:{s:s},"
		    " s:{s:s}}}}}}", "description", "Stored",
		    "content", "application/json", "schema", "type", "object",
		    "properties", "accepted", "type", "integer",
		    "stored", "type", "integer", "errors", "type", "array"));
	}
	snprintf(path, sizeof(path), "%s/stream/events", root);
	if ((op = json_object_get(json_object_get(paths, path), "get")))
		json_object_set_new(json_object_get(json_object_get(op,
		    "responses"), "200"), "content", json_pack("{s:{s:{s:s}}}",
		    "text/event-stream", "schema", "type", "string"));
	api_openapi_bodies(paths);
}

/* A JSON request body with this schema; required. */
static void
add_body(json_t *op, const char *type, json_t *schema)
{
	if (op == NULL) {
		json_decref(schema);
		return;
	}
	json_object_set_new(op, "requestBody", json_pack("{s:b, s:{s:{s:o}}}",
	    "required", 1, "content", type, "schema", schema));
}

/*
 * Request bodies of the POST routes whose handlers read a fixed
 * shape, and Last-Event-ID on both live streams.
 */
static void
api_openapi_bodies(json_t *paths)
{
	static const char *const streams[] = { "/stream/events",
	    "/stream/alerts" };
	const char	*root = ROUTER_API_ROOT;
	char		 path[128];
	json_t		*op, *a;
	size_t		 i;

	snprintf(path, sizeof(path), "%s/auth/login", root);
	op = json_object_get(json_object_get(paths, path), "post");
	add_body(op, "application/json", json_pack("{s:s, s:[s, s], "
	    "s:{s:{s:s}, s:{s:s}}}", "type", "object",
	    "required", "username", "password", "properties",
	    "username", "type", "string", "password", "type", "string"));
	snprintf(path, sizeof(path), "%s/ingest", root);
	op = json_object_get(json_object_get(paths, path), "post");
	if (op != NULL)
		json_object_set_new(op, "requestBody", json_pack(
		    "{s:b, s:{s:{s:{s:[{s:s}, {s:s, s:{s:s}}]}}, "
		    "s:{s:{s:s}}}}", "required", 1, "content",
		    "application/json", "schema", "oneOf",
		    "type", "object", "type", "array", "items", "type",
		    "object", "application/x-ndjson", "schema", "type",
		    "string"));
	for (i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, streams[i]);
		if ((op = json_object_get(json_object_get(paths, path),
		    "get")) == NULL)
			continue;
		if ((a = json_object_get(op, "parameters")) == NULL) {
			a = json_array();
			json_object_set_new(op, "parameters", a);
		}
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:{s:s}, "
		    "s:s}", "name", "Last-Event-ID", "in", "header",
		    "required", 0, "schema", "type", "string", "description",
		    "the id of the last event received: the stream resumes "
		    "after it"));
	}
}
