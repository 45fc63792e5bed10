/*
 * JSON lines of any shape: one object per record.  Well-known fields
 * are found under their common names (aliases, first present wins;
 * a dotted name matches a literal dotted key or the nested objects it
 * spells) and moved into the event's columns; whatever is left stays
 * in data_json as it was written.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "normalize.h"

#define JSON_MAX_DEPTH		64	/* nesting of objects and arrays */
#define JSON_MAX_SEGMENTS	4	/* dots in an alias name, plus one */
#define JSON_MAX_ALIASES	8
#define JSON_MAX_DATA		(256 * 1024)	/* data_json as text */
#define JSON_MAX_NUMSTR		32	/* numeric strings */
#define JSON_REASON_LEN		256
#define JSON_USEC		1000000LL
#define JSON_BOM		"\xef\xbb\xbf"	/* UTF-8 byte order mark */
#define JSON_BOM_LEN		3

/* Where a value was found, so it can be removed once consumed. */
struct json_loc {
	json_t		*obj[JSON_MAX_SEGMENTS];
	const char	*key[JSON_MAX_SEGMENTS];
	size_t		 keylen[JSON_MAX_SEGMENTS];
	int		 n;
};

/* How a value may be turned into a text column. */
enum json_conv {
	CONV_STRING,		/* strings only */
	CONV_SCALAR,		/* strings, integers and reals */
	CONV_IP			/* strings holding an IPv4/IPv6 address */
};

struct json_text_alias {
	enum event_text	 field;
	enum json_conv	 conv;
	const char	*names[JSON_MAX_ALIASES];
};

struct json_int_alias {
	enum event_int	 field;
	int64_t		 min, max;
	const char	*names[JSON_MAX_ALIASES];
};

/*
 * Text columns.  Order matters only where names overlap: "event" is
 * the type when it is a string, and an ECS object otherwise.
 */
static const struct json_text_alias json_text_aliases[] = {
	{ EV_LEVEL, CONV_SCALAR,
	    { "level", "severity", "log.level", "loglevel" } },
	{ EV_APP, CONV_STRING,
	    { "app", "service", "application", "service.name", "app_name" } },
	{ EV_EVENT_TYPE, CONV_STRING,
	    { "event_type", "event", "type", "event.action" } },
	{ EV_MESSAGE, CONV_STRING, { "message", "msg", "log" } },
	{ EV_REQUEST_ID, CONV_SCALAR,
	    { "request_id", "requestId", "req_id", "http.request.id" } },
	{ EV_USER_ID, CONV_SCALAR,
	    { "user_id", "user", "user.name", "user.id", "userId",
	    "username" } },
	{ EV_SRC_IP, CONV_IP,
	    { "src_ip", "ip", "client_ip", "remote_addr", "source.ip",
	    "client.ip" } },
	{ EV_DEST_IP, CONV_IP,
	    { "dest_ip", "dst_ip", "destination.ip", "server_ip" } },
	{ EV_HTTP_METHOD, CONV_STRING,
	    { "http.method", "method", "http.request.method" } },
	{ EV_USER_AGENT, CONV_STRING,
	    { "user_agent", "http.user_agent", "user_agent.original",
	    "userAgent" } },
	{ EV_PROTOCOL, CONV_STRING, { "protocol", "network.protocol" } },
	{ EV_ERROR_TYPE, CONV_STRING,
	    { "error_type", "error.type", "exception_type",
	    "exception.type" } },
	{ EV_HOST, CONV_STRING, { "host", "hostname", "host.name" } },
};

static const struct json_int_alias json_int_aliases[] = {
	{ EV_HTTP_STATUS, 100, 999,
	    { "http.status", "status", "http.status_code", "status_code",
	    "http.response.status_code" } },
	{ EV_SRC_PORT, 0, 65535,
	    { "src_port", "source.port", "client_port", "remote_port" } },
	{ EV_DEST_PORT, 0, 65535,
	    { "dest_port", "dst_port", "destination.port", "server_port" } },
	{ EV_PID, 0, INT32_MAX, { "pid", "process.pid" } },
};

static const char *json_ts_names[] = {
	"ts", "timestamp", "@timestamp", "time", NULL
};
static const char *json_path_names[] = {
	"http.path", "path", "url", "url.path", "url.original", "http.url",
	NULL
};
static const char *json_query_names[] = {
	"http.query", "url.query", "query_string", NULL
};
static const char *json_latency_names[] = {
	"latency_ms", "duration_ms", "elapsed_ms", "response_time_ms", NULL
};
static const char *json_outcome_names[] = {
	"outcome", "event.outcome", NULL
};

static char	 json_reason[JSON_REASON_LEN];

static size_t	 json_depth(const char *, size_t);
static size_t	 json_utf8len(const unsigned char *, size_t);
static char	*json_repair(const char *, size_t, size_t *);
static json_t	*json_find(json_t *, const char *, struct json_loc *);
static void	 json_remove(struct json_loc *);
static int	 json_numstr(json_t *, char *, size_t);
static int	 json_to_int(json_t *, int64_t, int64_t, int64_t *);
static int	 json_to_double(json_t *, double *);
static int	 json_epoch(double, int, int64_t, int64_t *);
static int	 json_iso8601(const char *, size_t, int64_t *);
static int	 json_digits(const char **, const char *, int, int *);
static int	 json_take_text(json_t *, struct siem_event *,
		    const struct json_text_alias *);
static void	 json_take_int(json_t *, struct siem_event *,
		    const struct json_int_alias *);
static void	 json_take_ts(json_t *, struct siem_event *);
static void	 json_take_path(json_t *, struct siem_event *);
static void	 json_take_latency(json_t *, struct siem_event *);
static void	 json_take_outcome(json_t *, struct siem_event *);
static void	 json_set_path(struct siem_event *, const char *, size_t, int);
static int	 json_is_ip(const char *, size_t);
static int	 json_has_suffix(const char *, const char *);
static void	 json_rest(json_t *, struct siem_event *);

/*
 * Deepest nesting of objects and arrays, counted outside strings;
 * runs before jansson so a hostile line never recurses deeply.
 */
static size_t
json_depth(const char *buf, size_t len)
{
	size_t	 i, depth = 0, max = 0;
	int	 instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				instr = 0;
			continue;
		}
		switch (buf[i]) {
		case '"':
			instr = 1;
			break;
		case '{':
		case '[':
			if (++depth > max)
				max = depth;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return (max);
}

/* Length of the valid UTF-8 sequence at p, 0 if there is none. */
static size_t
json_utf8len(const unsigned char *p, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (p[0] < 0x80)
		return (1);
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (n < need || p[1] < lo || p[1] > hi)
		return (0);
	for (i = 2; i < need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return (0);
	return (need);
}

/*
 * A copy of a line with each byte that is not valid UTF-8 replaced by
 * U+FFFD, so one bad byte in a value does not lose the whole record.
 */
static char *
json_repair(const char *buf, size_t len, size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)buf;
	char			*out;
	size_t			 i = 0, o = 0, n;

	if (len > SIZE_MAX / 3)
		return (NULL);
	if ((out = malloc(len * 3 + 1)) == NULL)
		fatal("%s: malloc", __func__);
	while (i < len) {
		if ((n = json_utf8len(p + i, len - i)) == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	*outlen = o;
	return (out);
}

/*
 * Find name in root: first as a literal key, then, for a dotted name,
 * as a path through nested objects.  Fills loc for json_remove().
 */
static json_t *
json_find(json_t *root, const char *name, struct json_loc *loc)
{
	json_t		*obj = root, *v;
	const char	*seg, *dot;
	size_t		 seglen;

	loc->n = 0;
	if ((v = json_object_get(root, name)) != NULL) {
		loc->obj[0] = root;
		loc->key[0] = name;
		loc->keylen[0] = strlen(name);
		loc->n = 1;
		return (v);
	}
	if (strchr(name, '.') == NULL)
		return (NULL);
	for (seg = name; ; seg = dot + 1) {
		if (loc->n >= JSON_MAX_SEGMENTS || !json_is_object(obj))
			return (NULL);
		dot = strchr(seg, '.');
		seglen = dot != NULL ? (size_t)(dot - seg) : strlen(seg);
		if ((v = json_object_getn(obj, seg, seglen)) == NULL)
			return (NULL);
		loc->obj[loc->n] = obj;
		loc->key[loc->n] = seg;
		loc->keylen[loc->n] = seglen;
		loc->n++;
		if (dot == NULL)
			return (v);
		obj = v;
	}
}

/* Remove a consumed value, and the nested objects it leaves empty. */
static void
json_remove(struct json_loc *loc)
{
	int	 i;

	if (loc->n == 0)
		return;
	json_object_deln(loc->obj[loc->n - 1], loc->key[loc->n - 1],
	    loc->keylen[loc->n - 1]);
	for (i = loc->n - 1; i > 0; i--) {
		if (json_object_size(loc->obj[i]) != 0)
			break;
		json_object_deln(loc->obj[i - 1], loc->key[i - 1],
		    loc->keylen[i - 1]);
	}
	loc->n = 0;
}

/* Copy a short string value that looks like a number into buf. */
static int
json_numstr(json_t *v, char *buf, size_t sz)
{
	const char	*s;
	size_t		 len, i;

	if (!json_is_string(v))
		return (-1);
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || len >= sz)
		return (-1);
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '+' && s[i] != 'e' && s[i] != 'E')
			return (-1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (0);
}

/* An integer within [min, max] from a JSON integer or numeric string. */
static int
json_to_int(json_t *v, int64_t min, int64_t max, int64_t *out)
{
	char		 buf[JSON_MAX_NUMSTR], *end;
	long long	 n;
	double		 d;

	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (json_is_real(v)) {
		d = json_real_value(v);
		if (!(d >= (double)min && d <= (double)max) || d != floor(d))
			return (-1);
		n = (long long)d;
	} else if (json_numstr(v, buf, sizeof(buf)) == 0) {
		errno = 0;
		n = strtoll(buf, &end, 10);
		if (errno != 0 || *end != '\0')
			return (-1);
	} else
		return (-1);
	if (n < min || n > max)
		return (-1);
	*out = n;
	return (0);
}

/* A finite number from a JSON number or numeric string. */
static int
json_to_double(json_t *v, double *out)
{
	char	 buf[JSON_MAX_NUMSTR], *end;
	double	 d;

	if (json_is_number(v))
		d = json_number_value(v);
	else if (json_numstr(v, buf, sizeof(buf)) == 0) {
		errno = 0;
		d = strtod(buf, &end);
		if (errno != 0 || *end != '\0')
			return (-1);
	} else
		return (-1);
	if (!isfinite(d))
		return (-1);
	*out = d;
	return (0);
}

/*
 * An epoch time in seconds, milliseconds, microseconds or nanoseconds,
 * told apart by magnitude: seconds up to 1e11 (year 5138), then each
 * unit a thousand times more.  Integers are converted exactly.
 */
static int
json_epoch(double d, int isint, int64_t n, int64_t *us)
{
	if (isint) {
		if (n < 0)
			return (-1);
		if (n < 100000000000LL)
			*us = n * JSON_USEC;
		else if (n < 100000000000000LL)
			*us = n * 1000;
		else if (n < 100000000000000000LL)
			*us = n;
		else
			*us = n / 1000;
		return (0);
	}
	if (!(d >= 0) || d >= 1e20)
		return (-1);
	if (d < 1e11)
		*us = (int64_t)llround(d * JSON_USEC);
	else if (d < 1e14)
		*us = (int64_t)llround(d * 1000);
	else if (d < 1e17)
		*us = (int64_t)llround(d);
	else
		*us = (int64_t)llround(d / 1000);
	return (0);
}

/* Exactly n decimal digits at *pp (before end) into *out. */
static int
json_digits(const char **pp, const char *end, int n, int *out)
{
	const char	*p = *pp;
	int		 v = 0;

	if (end - p < n)
		return (-1);
	while (n-- > 0) {
		if (!isdigit((unsigned char)*p))
			return (-1);
		v = v * 10 + (*p++ - '0');
	}
	*pp = p;
	*out = v;
	return (0);
}

/*
 * ISO 8601 / RFC 3339: YYYY-MM-DD[Tt ]hh:mm[:ss[.frac]][Z|±hh[:]mm|±hh].
 * No zone means UTC.  Fractions beyond microseconds are dropped.
 */
static int
json_iso8601(const char *s, size_t len, int64_t *us)
{
	const char	*p = s, *end = s + len;
	struct tm	 tm;
	time_t		 t;
	int		 y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
	int64_t		 frac = 0, scale = 100000;

	if (json_digits(&p, end, 4, &y) == -1 || p >= end || *p++ != '-' ||
	    json_digits(&p, end, 2, &mo) == -1 || p >= end || *p++ != '-' ||
	    json_digits(&p, end, 2, &d) == -1 || p >= end ||
	    (*p != 'T' && *p != 't' && *p != ' '))
		return (-1);
	p++;
	if (json_digits(&p, end, 2, &h) == -1 || p >= end || *p++ != ':' ||
	    json_digits(&p, end, 2, &mi) == -1)
		return (-1);
	if (p < end && *p == ':') {
		p++;
		if (json_digits(&p, end, 2, &sec) == -1)
			return (-1);
		if (p < end && (*p == '.' || *p == ',')) {
			p++;
			if (p >= end || !isdigit((unsigned char)*p))
				return (-1);
			for (; p < end && isdigit((unsigned char)*p); p++) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (p < end && (*p == 'Z' || *p == 'z'))
		p++;
	else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if (json_digits(&p, end, 2, &oh) == -1)
			return (-1);
		if (p < end && *p == ':')
			p++;
		if (p < end && json_digits(&p, end, 2, &om) == -1)
			return (-1);
	}
	if (p != end)
		return (-1);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
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
	t -= sign * (oh * 3600 + om * 60);
	if (t < 0)
		return (-1);
	*us = (int64_t)t * JSON_USEC + frac;
	return (0);
}

static int
json_is_ip(const char *s, size_t len)
{
	char		 buf[INET6_ADDRSTRLEN];
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return (0);
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (inet_pton(AF_INET, buf, &a4) == 1 ||
	    inet_pton(AF_INET6, buf, &a6) == 1);
}

/* The first alias whose value converts fills the column. */
static int
json_take_text(json_t *root, struct siem_event *ev,
    const struct json_text_alias *a)
{
	struct json_loc	 loc;
	json_t		*v;
	char		 buf[JSON_MAX_NUMSTR];
	const char	*s;
	size_t		 len;
	int		 i;

	for (i = 0; i < JSON_MAX_ALIASES && a->names[i] != NULL; i++) {
		if ((v = json_find(root, a->names[i], &loc)) == NULL)
			continue;
		if (json_is_string(v)) {
			s = json_string_value(v);
			len = json_string_length(v);
			if (a->conv == CONV_IP && !json_is_ip(s, len))
				continue;
			/* docker's "log" and some loggers end in a newline */
			while (len > 0 && (s[len - 1] == '\n' ||
			    s[len - 1] == '\r'))
				len--;
			if (len > 0)
				event_set(ev, a->field, s, len);
		} else if (a->conv == CONV_SCALAR && json_is_integer(v)) {
			snprintf(buf, sizeof(buf), "%lld",
			    (long long)json_integer_value(v));
			event_set(ev, a->field, buf, strlen(buf));
		} else if (a->conv == CONV_SCALAR && json_is_real(v)) {
			snprintf(buf, sizeof(buf), "%.17g",
			    json_real_value(v));
			event_set(ev, a->field, buf, strlen(buf));
		} else
			continue;
		json_remove(&loc);
		return (1);
	}
	return (0);
}

static void
json_take_int(json_t *root, struct siem_event *ev,
    const struct json_int_alias *a)
{
	struct json_loc	 loc;
	json_t		*v;
	int64_t		 n;
	int		 i;

	for (i = 0; i < JSON_MAX_ALIASES && a->names[i] != NULL; i++) {
		if ((v = json_find(root, a->names[i], &loc)) == NULL)
			continue;
		if (json_to_int(v, a->min, a->max, &n) == -1)
			continue;
		ev->ints[a->field] = n;
		json_remove(&loc);
		return;
	}
}

/* ISO 8601 strings, epoch numbers and epoch numeric strings. */
static void
json_take_ts(json_t *root, struct siem_event *ev)
{
	struct json_loc	 loc;
	json_t		*v;
	double		 d;
	int64_t		 us, n;
	int		 i, ok;

	for (i = 0; json_ts_names[i] != NULL; i++) {
		if ((v = json_find(root, json_ts_names[i], &loc)) == NULL)
			continue;
		if (json_is_integer(v))
			ok = json_epoch(0, 1, json_integer_value(v), &us);
		else if (json_is_string(v) &&
		    json_iso8601(json_string_value(v), json_string_length(v),
		    &us) == 0)
			ok = 0;
		else if (json_to_int(v, 0, INT64_MAX, &n) == 0)
			ok = json_epoch(0, 1, n, &us);
		else if (json_to_double(v, &d) == 0)
			ok = json_epoch(d, 0, 0, &us);
		else
			ok = -1;
		if (ok == -1)
			continue;
		ev->ts = us;
		json_remove(&loc);
		return;
	}
}

/* Split "path?query"; a full URL loses its scheme and authority. */
static void
json_set_path(struct siem_event *ev, const char *s, size_t len, int full)
{
	const char	*q, *p;

	if (full && (p = memchr(s, '/', len)) != NULL &&
	    p + 1 < s + len && p[1] == '/') {
		p += 2;
		len -= p - s;
		s = p;
		if ((p = memchr(s, '/', len)) == NULL) {
			q = memchr(s, '?', len);
			event_set(ev, EV_HTTP_PATH, "/", 1);
			if (q != NULL && q + 1 < s + len)
				event_set(ev, EV_HTTP_QUERY, q + 1,
				    len - (q + 1 - s));
			return;
		}
		len -= p - s;
		s = p;
	}
	if ((q = memchr(s, '?', len)) != NULL) {
		event_set(ev, EV_HTTP_PATH, s, q - s);
		if (q + 1 < s + len)
			event_set(ev, EV_HTTP_QUERY, q + 1, len - (q + 1 - s));
	} else
		event_set(ev, EV_HTTP_PATH, s, len);
}

static void
json_take_path(json_t *root, struct siem_event *ev)
{
	struct json_loc	 loc;
	json_t		*v;
	const char	*s, *colon;
	size_t		 len;
	int		 i, full;

	for (i = 0; json_path_names[i] != NULL; i++) {
		if ((v = json_find(root, json_path_names[i], &loc)) == NULL ||
		    !json_is_string(v) || json_string_length(v) == 0)
			continue;
		s = json_string_value(v);
		len = json_string_length(v);
		colon = memchr(s, ':', len);
		full = colon != NULL && colon[1] == '/' && colon[2] == '/';
		if (!full && s[0] != '/' && s[0] != '*')
			continue;
		json_set_path(ev, s, len, full);
		/* a full URL keeps its host in data_json */
		if (!full)
			json_remove(&loc);
		break;
	}
	if (event_get(ev, EV_HTTP_QUERY) != NULL)
		return;
	for (i = 0; json_query_names[i] != NULL; i++) {
		if ((v = json_find(root, json_query_names[i], &loc)) == NULL ||
		    !json_is_string(v))
			continue;
		s = json_string_value(v);
		len = json_string_length(v);
		if (len > 0 && s[0] == '?') {
			s++;
			len--;
		}
		if (len > 0)
			event_set(ev, EV_HTTP_QUERY, s, len);
		json_remove(&loc);
		return;
	}
}

static void
json_take_latency(json_t *root, struct siem_event *ev)
{
	struct json_loc	 loc;
	json_t		*v;
	double		 d;
	int		 i;

	for (i = 0; json_latency_names[i] != NULL; i++) {
		if ((v = json_find(root, json_latency_names[i], &loc)) ==
		    NULL || json_to_double(v, &d) == -1 || d < 0)
			continue;
		ev->latency_ms = d;
		json_remove(&loc);
		return;
	}
}

static int
json_has_suffix(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return (n >= m && strcmp(s + n - m, suffix) == 0);
}

/*
 * success/failure/unknown and their usual synonyms; an unknown word
 * stays in data_json.  Without an outcome field, an HTTP status of
 * 400 or more, or an event type ending in _failed/_failure/_denied,
 * means failure.
 */
static void
json_take_outcome(json_t *root, struct siem_event *ev)
{
	static const struct {
		const char	*word;
		const char	*outcome;
	} words[] = {
		{ "success", "success" }, { "succeeded", "success" },
		{ "successful", "success" }, { "ok", "success" },
		{ "allowed", "success" }, { "allow", "success" },
		{ "failure", "failure" }, { "failed", "failure" },
		{ "fail", "failure" }, { "error", "failure" },
		{ "denied", "failure" }, { "deny", "failure" },
		{ "unknown", "unknown" },
	};
	struct json_loc	 loc;
	json_t		*v;
	const char	*s, *et;
	size_t		 i;
	int		 j;

	for (j = 0; json_outcome_names[j] != NULL; j++) {
		if ((v = json_find(root, json_outcome_names[j], &loc)) ==
		    NULL)
			continue;
		if (json_is_boolean(v)) {
			event_setf(ev, EV_OUTCOME, "%s",
			    json_is_true(v) ? "success" : "failure");
			json_remove(&loc);
			return;
		}
		if (!json_is_string(v))
			continue;
		s = json_string_value(v);
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (strcasecmp(s, words[i].word) == 0) {
				event_setf(ev, EV_OUTCOME, "%s",
				    words[i].outcome);
				json_remove(&loc);
				return;
			}
		}
	}
	if (ev->ints[EV_HTTP_STATUS] >= 400) {
		event_setf(ev, EV_OUTCOME, "failure");
		return;
	}
	if ((et = event_get(ev, EV_EVENT_TYPE)) != NULL &&
	    (json_has_suffix(et, "_failed") ||
	    json_has_suffix(et, "_failure") ||
	    json_has_suffix(et, "_denied")))
		event_setf(ev, EV_OUTCOME, "failure");
}

/*
 * The keys nobody consumed go to data_json unchanged, unless the
 * whole of them is unreasonably large: then a prefix of their text
 * is kept instead, and the truncation is noted.
 */
static void
json_rest(json_t *root, struct siem_event *ev)
{
	const char	*key;
	json_t		*v;
	char		*s;
	size_t		 n;

	if (json_object_size(root) == 0)
		return;
	n = json_dumpb(root, NULL, 0, JSON_COMPACT);
	if (n > JSON_MAX_DATA) {
		if ((s = json_dumps(root, JSON_COMPACT)) == NULL)
			fatal("%s: json_dumps", __func__);
		event_data_setstr(ev, "data_prefix", s, strlen(s));
		free(s);
		event_data_set(ev, "data_truncated",
		    json_integer((json_int_t)n));
		return;
	}
	json_object_foreach(root, key, v)
		event_data_set(ev, key, json_incref(v));
}

int
json_event_parse(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char **reason)
{
	json_t		*root;
	json_error_t	 err;
	char		*fixed = NULL;
	size_t		 i, n, fixedlen;

	/* the first line of a file saved with a byte order mark */
	i = 0;
	if (len >= JSON_BOM_LEN && memcmp(buf, JSON_BOM, JSON_BOM_LEN) == 0)
		i = JSON_BOM_LEN;
	for (; i < len && isspace((unsigned char)buf[i]); i++)
		;
	if (i == len || buf[i] != '{')
		return (PARSE_NOMATCH);
	if ((n = json_depth(buf + i, len - i)) > JSON_MAX_DEPTH) {
		snprintf(json_reason, sizeof(json_reason),
		    "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
		*reason = json_reason;
		return (PARSE_ERROR);
	}
	root = json_loadb(buf + i, len - i, JSON_ALLOW_NUL, &err);
	if (root == NULL && json_error_code(&err) == json_error_invalid_utf8 &&
	    (fixed = json_repair(buf + i, len - i, &fixedlen)) != NULL)
		root = json_loadb(fixed, fixedlen, JSON_ALLOW_NUL, &err);
	if (root == NULL && json_error_code(&err) ==
	    json_error_numeric_overflow)
		root = json_loadb(fixed != NULL ? fixed : buf + i,
		    fixed != NULL ? fixedlen : len - i,
		    JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &err);
	free(fixed);
	if (root == NULL) {
		snprintf(json_reason, sizeof(json_reason),
		    "invalid JSON: %s at column %d", err.text,
		    err.column + (int)i);
		*reason = json_reason;
		return (PARSE_ERROR);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(json_reason, sizeof(json_reason),
		    "JSON record is not an object");
		*reason = json_reason;
		return (PARSE_ERROR);
	}

	json_take_ts(root, ev);
	for (i = 0; i < sizeof(json_text_aliases) /
	    sizeof(json_text_aliases[0]); i++)
		json_take_text(root, ev, &json_text_aliases[i]);
	for (i = 0; i < sizeof(json_int_aliases) /
	    sizeof(json_int_aliases[0]); i++)
		json_take_int(root, ev, &json_int_aliases[i]);
	json_take_path(root, ev);
	json_take_latency(root, ev);
	json_take_outcome(root, ev);
	if (hint != NULL && hint->source_type != NULL)
		event_set(ev, EV_SOURCE_TYPE, hint->source_type,
		    strlen(hint->source_type));
	json_rest(root, ev);
	json_decref(root);
	return (PARSE_OK);
}
