/*
 * The normalized event: setting its fields within the schema's caps,
 * keeping every column valid UTF-8, escaping raw records so they stay
 * recoverable, and turning an event into JSON for the API and tests.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "event.h"
#include "../privsep/log.h"

#define EVENT_TS_LEN		64	/* "YYYY-MM-DDThh:mm:ss.uuuuuuZ" */
#define EVENT_DATA_KEYMAX	128	/* "data.<key>" in "truncated" */
#define EVENT_USEC		1000000LL

/* UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER. */
static const char utf8_replacement[] = "\xef\xbf\xbd";
#define UTF8_REPLACEMENT_LEN	3

static const char *text_names[EV_TEXT_MAX] = {
#define X(e, n)	n,
	EVENT_TEXT_FIELDS
#undef X
};

static const char *int_names[EV_INT_MAX] = {
#define X(e, n)	n,
	EVENT_INT_FIELDS
#undef X
};

static const char *severity_names[] = {
	"info",
	"low",
	"medium",
	"high",
	"critical"
};
#define SEVERITY_COUNT	(sizeof(severity_names) / sizeof(severity_names[0]))

static size_t	 utf8_seqlen(const unsigned char *, size_t);
static size_t	 sanitize(const char *, size_t, size_t, int, char **,
		    int *);
static void	 note_truncated(struct siem_event *, const char *, size_t);
static void	 format_ts(int64_t, char *, size_t);

/*
 * Length of the well-formed UTF-8 sequence at p (1 to 4), or 0 when
 * the bytes there are not one: overlong forms, surrogates, code
 * points above U+10FFFF and sequences cut short by n all count as
 * invalid (RFC 3629, table 3-7 of the Unicode standard).
 */
static size_t
utf8_seqlen(const unsigned char *p, size_t n)
{
	unsigned char	 c = p[0], lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (c < 0x80)
		return (1);
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (n < need)
		return (0);
	if (p[1] < lo || p[1] > hi)
		return (0);
	for (i = 2; i < need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return (0);
	return (need);
}

/*
 * Copy at most cap bytes of output into a fresh string, never cutting
 * a character.  Ordinary columns get U+FFFD for each invalid byte and
 * for NUL; rawmode writes those as \xNN instead so nothing is lost.
 * Returns the output length; *truncated tells whether input was left.
 */
static size_t
sanitize(const char *s, size_t len, size_t cap, int rawmode, char **out,
    int *truncated)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*buf;
	size_t			 i = 0, o = 0, n, want;

	/* at most 4 bytes out ("\\xNN", or U+FFFD's 3) per byte in */
	if (len < cap / 4)
		cap = len * 4;
	if ((buf = malloc(cap + 1)) == NULL)
		fatal("%s: malloc", __func__);
	*truncated = 0;
	while (i < len) {
		/* runs of printable ASCII go in one copy */
		for (n = 0; i + n < len && o + n < cap && p[i + n] >= 0x20 &&
		    p[i + n] < 0x80; n++)
			;
		if (n > 0) {
			memcpy(buf + o, p + i, n);
			i += n;
			o += n;
			continue;
		}
		n = (p[i] == '\0') ? 0 : utf8_seqlen(p + i, len - i);
		want = n;
		if (n == 0)
			want = rawmode ? 4 : UTF8_REPLACEMENT_LEN;
		if (o + want > cap) {
			*truncated = 1;
			break;
		}
		if (n > 0) {
			memcpy(buf + o, p + i, n);
			i += n;
		} else {
			if (rawmode)
				snprintf(buf + o, 5, "\\x%02x", p[i]);
			else
				memcpy(buf + o, utf8_replacement,
				    UTF8_REPLACEMENT_LEN);
			i++;
		}
		o += want;
	}
	buf[o] = '\0';
	*out = buf;
	return (o);
}

/* Record in data_json that a field lost bytes: "truncated":{f:len}. */
static void
note_truncated(struct siem_event *ev, const char *name, size_t origlen)
{
	json_t	*t;

	if (ev->data == NULL && (ev->data = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	t = json_object_get(ev->data, "truncated");
	if (t == NULL || !json_is_object(t)) {
		if ((t = json_object()) == NULL)
			fatal("%s: json_object", __func__);
		if (json_object_set_new(ev->data, "truncated", t) == -1)
			fatal("%s: json_object_set_new", __func__);
	}
	if (json_object_set_new(t, name, json_integer((json_int_t)origlen))
	    == -1)
		fatal("%s: json_object_set_new", __func__);
}

void
event_init(struct siem_event *ev)
{
	size_t	 i;

	memset(ev, 0, sizeof(*ev));
	for (i = 0; i < EV_INT_MAX; i++)
		ev->ints[i] = -1;
	ev->latency_ms = -1;
	ev->severity = SEV_INFO;
	ev->data = NULL;
	for (i = 0; i < EV_TEXT_MAX; i++)
		ev->text[i] = NULL;
}

void
event_clear(struct siem_event *ev)
{
	size_t	 i;

	for (i = 0; i < EV_TEXT_MAX; i++)
		free(ev->text[i]);
	if (ev->data != NULL)
		json_decref(ev->data);
	event_init(ev);
}

/*
 * Set a text column.  Message and raw may hold EVENT_MAX_MESSAGE
 * bytes, the others EVENT_MAX_TEXT.  Ordinary columns get U+FFFD for
 * invalid UTF-8.  Raw is meant to receive the output of
 * event_escape_raw(), which passes through unchanged; anything else
 * invalid in it is written as \xNN rather than replaced.
 * Returns 1 when the value was truncated, else 0.
 */
int
event_set(struct siem_event *ev, enum event_text f, const char *s, size_t len)
{
	char	*v;
	size_t	 cap;
	int	 truncated, rawmode;

	if ((unsigned int)f >= EV_TEXT_MAX)
		return (0);
	free(ev->text[f]);
	ev->text[f] = NULL;
	if (s == NULL)
		return (0);
	cap = (f == EV_MESSAGE || f == EV_RAW) ?
	    EVENT_MAX_MESSAGE : EVENT_MAX_TEXT;
	rawmode = (f == EV_RAW);
	sanitize(s, len, cap, rawmode, &v, &truncated);
	ev->text[f] = v;
	if (truncated)
		note_truncated(ev, text_names[f], len);
	return (truncated);
}

int
event_setf(struct siem_event *ev, enum event_text f, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n, r;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1)
		fatal("%s: vasprintf", __func__);
	r = event_set(ev, f, s, (size_t)n);
	free(s);
	return (r);
}

const char *
event_get(const struct siem_event *ev, enum event_text f)
{
	if ((unsigned int)f >= EV_TEXT_MAX)
		return (NULL);
	return (ev->text[f]);
}

/*
 * Set data_json[key] to v, taking over the caller's reference (as
 * json_object_set_new does).  v == NULL removes the key.
 */
void
event_data_set(struct siem_event *ev, const char *key, json_t *v)
{
	if (v == NULL) {
		if (ev->data != NULL)
			json_object_del(ev->data, key);
		return;
	}
	if (ev->data == NULL && (ev->data = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	if (json_object_set_new(ev->data, key, v) == -1)
		fatal("%s: json_object_set_new", __func__);
}

/*
 * Set data_json[key] to a string made valid UTF-8 and capped like an
 * ordinary column; truncation is recorded as "data.<key>".
 * s == NULL removes the key.
 */
void
event_data_setstr(struct siem_event *ev, const char *key, const char *s,
    size_t len)
{
	char	 name[EVENT_DATA_KEYMAX];
	char	*v;
	size_t	 n;
	int	 truncated;
	json_t	*j;

	if (s == NULL) {
		event_data_set(ev, key, NULL);
		return;
	}
	n = sanitize(s, len, EVENT_MAX_TEXT, 0, &v, &truncated);
	if ((j = json_stringn_nocheck(v, n)) == NULL)
		fatal("%s: json_stringn", __func__);
	free(v);
	event_data_set(ev, key, j);
	if (truncated) {
		snprintf(name, sizeof(name), "data.%s", key);
		note_truncated(ev, name, len);
	}
}

/*
 * A JSON string of s with invalid UTF-8 and NUL replaced by U+FFFD,
 * for nested values (structured data) that event_data_setstr() cannot
 * place.  Not capped: callers bound the input.
 */
json_t *
event_json_stringn(const char *s, size_t len)
{
	char	*v;
	size_t	 n;
	int	 truncated;
	json_t	*j;

	if (len > (SIZE_MAX - 1) / UTF8_REPLACEMENT_LEN)
		fatalx("%s: string too long", __func__);
	n = sanitize(s, len, len * UTF8_REPLACEMENT_LEN, 0, &v, &truncated);
	if ((j = json_stringn_nocheck(v, n)) == NULL)
		fatal("%s: json_stringn", __func__);
	free(v);
	return (j);
}

/*
 * The raw record as a NUL-terminated string: valid UTF-8 passes
 * through, a backslash becomes "\\", NUL and bytes that are not part
 * of valid UTF-8 become "\xNN".  The original bytes can be recovered
 * exactly by reading "\\" and "\xNN" back.
 */
char *
event_escape_raw(const char *s, size_t len, size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*buf;
	size_t			 i = 0, o = 0, n;

	if (len > (SIZE_MAX - 1) / 4)
		fatalx("%s: record too long", __func__);
	if ((buf = malloc(len * 4 + 1)) == NULL)
		fatal("%s: malloc", __func__);
	while (i < len) {
		for (n = 0; i + n < len && p[i + n] >= 0x20 && p[i + n] < 0x80 &&
		    p[i + n] != '\\'; n++)
			;
		if (n > 0) {
			memcpy(buf + o, p + i, n);
			i += n;
			o += n;
			continue;
		}
		if (p[i] == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
			i++;
			continue;
		}
		n = (p[i] == '\0') ? 0 : utf8_seqlen(p + i, len - i);
		if (n == 0) {
			snprintf(buf + o, 5, "\\x%02x", p[i]);
			o += 4;
			i++;
			continue;
		}
		memcpy(buf + o, p + i, n);
		o += n;
		i += n;
	}
	buf[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return (buf);
}

const char *
event_text_name(enum event_text f)
{
	if ((unsigned int)f >= EV_TEXT_MAX)
		return (NULL);
	return (text_names[f]);
}

const char *
event_int_name(enum event_int f)
{
	if ((unsigned int)f >= EV_INT_MAX)
		return (NULL);
	return (int_names[f]);
}

const char *
event_severity_name(enum event_severity sev)
{
	if ((unsigned int)sev >= SEVERITY_COUNT)
		return (NULL);
	return (severity_names[sev]);
}

/* Accepts the names above in any case; 0 on success, -1 if unknown. */
int
event_severity_parse(const char *s, enum event_severity *sev)
{
	size_t	 i;

	if (s == NULL)
		return (-1);
	for (i = 0; i < SEVERITY_COUNT; i++) {
		if (strcasecmp(s, severity_names[i]) == 0) {
			*sev = (enum event_severity)i;
			return (0);
		}
	}
	return (-1);
}

/* µs UTC as ISO 8601 with microseconds: 2024-03-01T12:00:00.000123Z */
static void
format_ts(int64_t us, char *buf, size_t sz)
{
	struct tm	 tm;
	time_t		 secs;
	int64_t		 frac;

	secs = (time_t)(us / EVENT_USEC);
	frac = us % EVENT_USEC;
	if (frac < 0) {
		frac += EVENT_USEC;
		secs--;
	}
	if (gmtime_r(&secs, &tm) == NULL) {
		snprintf(buf, sz, "%lld", (long long)us);
		return;
	}
	snprintf(buf, sz, "%04lld-%02d-%02dT%02d:%02d:%02d.%06lldZ",
	    (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)frac);
}

/*
 * The whole event as a JSON object keyed by the schema's column
 * names: times as ISO 8601 UTC strings, absent integers and text
 * columns left out, data_json and tags as nested JSON.
 */
json_t *
event_to_json(const struct siem_event *ev)
{
	json_t	*o, *v;
	char	 ts[EVENT_TS_LEN];
	size_t	 i;

	if ((o = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	if (ev->id > 0)
		json_object_set_new(o, "id", json_integer(ev->id));
	format_ts(ev->ts, ts, sizeof(ts));
	json_object_set_new(o, "ts", json_string(ts));
	format_ts(ev->received_at, ts, sizeof(ts));
	json_object_set_new(o, "received_at", json_string(ts));
	json_object_set_new(o, "severity",
	    json_string(event_severity_name(ev->severity) != NULL ?
	    event_severity_name(ev->severity) : "info"));
	if (ev->latency_ms >= 0)
		json_object_set_new(o, "latency_ms",
		    json_real(ev->latency_ms));
	for (i = 0; i < EV_INT_MAX; i++)
		if (ev->ints[i] != -1)
			json_object_set_new(o, int_names[i],
			    json_integer(ev->ints[i]));
	for (i = 0; i < EV_TEXT_MAX; i++) {
		if (ev->text[i] == NULL)
			continue;
		v = NULL;
		if (i == EV_TAGS) {
			v = json_loads(ev->text[i], JSON_DECODE_ANY, NULL);
			if (v != NULL && !json_is_array(v)) {
				json_decref(v);
				v = NULL;
			}
		}
		if (v == NULL)
			v = json_string_nocheck(ev->text[i]);
		if (v == NULL)
			fatal("%s: json_string", __func__);
		json_object_set_new(o, text_names[i], v);
	}
	if (ev->data != NULL)
		json_object_set(o, "data_json", ev->data);
	return (o);
}
