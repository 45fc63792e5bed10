/*
 * The parser process's entry point: one raw record in, one event
 * out.  The record's source says which format to expect; when it does
 * not (FORMAT_AUTO), the first bytes decide: '{' is JSON, "<digits"
 * syslog with PRI, "type=" or "node=" an audit record, a line shaped
 * like an access log an access log, anything else RFC 3164 without
 * PRI.  Syslog messages from web servers and the audit dispatcher are
 * parsed again as what they carry.  A record no parser accepts is
 * kept as a parse_error event with its bytes and the reason: nothing
 * is dropped.
 *
 * normalize_record() handles an audit record on its own.  Grouping
 * the records of one audit event needs state across records, so a
 * caller reading an audit log feeds its lines to audit_feed() with an
 * audit_state per source instead, and uses normalize_record() for the
 * other formats.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "normalize.h"

#define NORMALIZE_MAX_PREFIX	EVENT_MAX_TEXT	/* parse_error message */
#define NORMALIZE_BOM		"\xef\xbb\xbf"	/* UTF-8 byte order mark */

static const char *web_apps[] = {
	"nginx", "apache", "apache2", "httpd", "lighttpd", NULL
};
static const char *audit_apps[] = {
	"audispd", "audisp-syslog", "auditd", "audit", NULL
};

static int	 in_list(const char *, const char **);
static int	 has_prefix(const char *, size_t, const char *);
static const char *format_name(enum tail_format);
static size_t	 printable_prefix(const char *, size_t, size_t);
static void	 set_raw(struct siem_event *, const char *, size_t);
static void	 merge(struct siem_event *, struct siem_event *);
static int	 parse_audit(struct siem_event *, const char *, size_t,
		    const struct record_hint *, const char **);
static int	 parse_syslog(struct siem_event *, const char *, size_t,
		    const struct record_hint *, const char **);
static void	 finish(struct siem_event *, const char *, size_t,
		    const struct record_hint *);

static int
in_list(const char *s, const char **list)
{
	int	 i;

	if (s == NULL)
		return (0);
	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp(s, list[i]) == 0)
			return (1);
	return (0);
}

static int
has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t	 n = strlen(prefix);

	return (len >= n && memcmp(s, prefix, n) == 0);
}

static const char *
format_name(enum tail_format f)
{
	switch (f) {
	case FORMAT_JSONL:
		return ("json");
	case FORMAT_SYSLOG:
		return ("syslog");
	case FORMAT_AUDITD:
		return ("audit");
	case FORMAT_ACCESS:
		return ("access");
	default:
		return ("auto");
	}
}

/*
 * Length of the longest prefix (at most max bytes) made of printable
 * ASCII, tabs and well-formed UTF-8 sequences.
 */
static size_t
printable_prefix(const char *buf, size_t len, size_t max)
{
	const unsigned char	*p = (const unsigned char *)buf;
	size_t			 i = 0, need, j;

	if (len > max)
		len = max;
	while (i < len) {
		if (p[i] == '\t' || (p[i] >= 0x20 && p[i] < 0x7f)) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			need = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			need = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			need = 4;
		else
			break;
		if (i + need > len)
			break;
		for (j = 1; j < need; j++)
			if (p[i + j] < 0x80 || p[i + j] > 0xbf)
				break;
		if (j < need)
			break;
		i += need;
	}
	return (i);
}

/*
 * raw: the record escaped.  Only what can fit is escaped; the length
 * noted as truncated is the record's own.
 */
static void
set_raw(struct siem_event *ev, const char *buf, size_t len)
{
	json_t	*t;
	char	*esc;
	size_t	 n, elen;

	n = len > EVENT_MAX_MESSAGE ? EVENT_MAX_MESSAGE + 1 : len;
	esc = event_escape_raw(buf, n, &elen);
	event_set(ev, EV_RAW, esc, elen);
	free(esc);
	if (len > n && ev->data != NULL &&
	    (t = json_object_get(ev->data, "truncated")) != NULL &&
	    json_is_object(t))
		json_object_set_new(t, "raw", json_integer((json_int_t)len));
}

/*
 * Move what a second parse found (an access log line or an audit
 * record inside a syslog message) into ev.  The syslog record keeps
 * its origin: host, app, message, raw, facility and severity.
 */
static void
merge(struct siem_event *ev, struct siem_event *in)
{
	const char	*key;
	json_t		*v, *t;
	int		 i;

	for (i = 0; i < EV_TEXT_MAX; i++) {
		if (in->text[i] == NULL || i == EV_SOURCE_TYPE ||
		    i == EV_HOST || i == EV_APP || i == EV_MESSAGE ||
		    i == EV_RAW || i == EV_SOURCE_FILE || i == EV_TAGS ||
		    i == EV_LEVEL)
			continue;
		free(ev->text[i]);
		ev->text[i] = in->text[i];
		in->text[i] = NULL;
	}
	for (i = 0; i < EV_INT_MAX; i++) {
		if (in->ints[i] == -1 || i == EV_FACILITY ||
		    i == EV_SYSLOG_SEVERITY || i == EV_SOURCE_OFFSET)
			continue;
		ev->ints[i] = in->ints[i];
	}
	if (in->latency_ms >= 0)
		ev->latency_ms = in->latency_ms;
	if (in->ts > 0)
		ev->ts = in->ts;
	if (in->data == NULL)
		return;
	json_object_foreach(in->data, key, v) {
		if (strcmp(key, "truncated") == 0 && ev->data != NULL &&
		    (t = json_object_get(ev->data, key)) != NULL &&
		    json_is_object(t) && json_is_object(v)) {
			json_object_update(t, v);
			continue;
		}
		event_data_set(ev, key, json_incref(v));
	}
}

/*
 * A single audit record.  The state is kept between calls only to
 * save its allocation; it is empty again on return.
 */
static int
parse_audit(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char **reason)
{
	static struct audit_state	*st;

	if (st == NULL)
		st = audit_state_new();
	if (audit_feed(st, buf, len, hint, ev, reason) == 1)
		return (PARSE_ERROR);	/* not an audit record */
	if (audit_flush(st, ev) == 0) {
		*reason = "audit end-of-event record without an event";
		return (PARSE_ERROR);
	}
	return (PARSE_OK);
}

/*
 * Syslog, then what the message carries: web servers logging to
 * syslog send access log lines, audispd sends audit records, and
 * applications send JSON.
 */
static int
parse_syslog(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char **reason)
{
	struct siem_event	 in;
	struct record_hint	 h;
	const char		*app, *msg, *why;
	int			 rv, ok;

	if ((rv = syslog_parse(ev, buf, len, hint, reason)) != PARSE_OK)
		return (rv);
	app = event_get(ev, EV_APP);
	if ((msg = event_get(ev, EV_MESSAGE)) == NULL)
		return (PARSE_OK);
	event_init(&in);
	if (in_list(app, web_apps))
		ok = access_log_parse(&in, msg, strlen(msg), hint, &why) ==
		    PARSE_OK;
	else if (in_list(app, audit_apps) &&
	    (has_prefix(msg, strlen(msg), "type=") ||
	    has_prefix(msg, strlen(msg), "node="))) {
		if (hint != NULL)
			h = *hint;
		else
			memset(&h, 0, sizeof(h));
		h.source_file = NULL;
		h.app = NULL;
		ok = parse_audit(&in, msg, strlen(msg), &h, &why) ==
		    PARSE_OK;
	} else if (*msg == '{' && json_event_parse(&in, msg, strlen(msg),
	    hint, &why) == PARSE_OK) {
		/*
		 * An application logging JSON through syslog: its own
		 * fields say more than the syslog header, which stays
		 * where the record does not say otherwise.
		 */
		static const int own[] = { EV_MESSAGE, EV_APP, EV_LEVEL,
		    EV_HOST };
		size_t i;

		for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
			if (in.text[own[i]] == NULL)
				continue;
			free(ev->text[own[i]]);
			ev->text[own[i]] = in.text[own[i]];
			in.text[own[i]] = NULL;
		}
		ok = 1;
	} else
		ok = 0;
	if (ok)
		merge(ev, &in);
	event_clear(&in);
	return (PARSE_OK);
}

/* What every parsed event gets, whichever parser filled it. */
static void
finish(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint)
{
	if (hint != NULL && hint->app != NULL)
		event_set(ev, EV_APP, hint->app, strlen(hint->app));
	extract_program(ev);
	classify_severity(ev);
	if (event_get(ev, EV_RAW) == NULL)
		set_raw(ev, buf, len);
	if (hint == NULL)
		return;
	if (ev->received_at == 0)
		ev->received_at = hint->received_at;
	if (ev->ts == 0)
		ev->ts = ev->received_at;
	if (event_get(ev, EV_SOURCE_TYPE) == NULL && hint->source_type != NULL)
		event_set(ev, EV_SOURCE_TYPE, hint->source_type,
		    strlen(hint->source_type));
	if (event_get(ev, EV_HOST) == NULL && hint->peer_host != NULL)
		event_set(ev, EV_HOST, hint->peer_host,
		    strlen(hint->peer_host));
	if (event_get(ev, EV_SOURCE_FILE) == NULL &&
	    hint->source_file != NULL) {
		event_set(ev, EV_SOURCE_FILE, hint->source_file,
		    strlen(hint->source_file));
		ev->ints[EV_SOURCE_OFFSET] = hint->source_offset;
	}
}

/*
 * ev must be initialized and empty.  Always fills it in: with the
 * parsed record (PARSE_OK) or with a parse_error event (PARSE_ERROR).
 */
int
normalize_record(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint)
{
	struct record_hint	 h;
	const char		*reason = NULL, *audit_reason = NULL;
	size_t			 n = len, i;
	int			 rv = PARSE_NOMATCH;

	if (hint != NULL)
		h = *hint;
	else {
		memset(&h, 0, sizeof(h));
		h.source_offset = -1;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	i = has_prefix(buf, n, NORMALIZE_BOM) ? strlen(NORMALIZE_BOM) : 0;
	for (; i < n && isspace((unsigned char)buf[i]); i++)
		;
	if (i == n) {
		normalize_parse_error(ev, buf, len, &h, "empty record");
		return (PARSE_ERROR);
	}

	switch (h.format) {
	case FORMAT_JSONL:
		if ((rv = json_event_parse(ev, buf, n, &h, &reason)) ==
		    PARSE_NOMATCH)
			reason = "not a JSON object";
		break;
	case FORMAT_SYSLOG:
		rv = parse_syslog(ev, buf, n, &h, &reason);
		break;
	case FORMAT_ACCESS:
		if ((rv = access_log_parse(ev, buf, n, &h, &reason)) ==
		    PARSE_NOMATCH)
			reason = "not an access log line";
		break;
	case FORMAT_AUDITD:
		rv = parse_audit(ev, buf, n, &h, &reason);
		break;
	default:
		if (buf[i] == '{') {
			h.format = FORMAT_JSONL;
			rv = json_event_parse(ev, buf, n, &h, &reason);
			break;
		}
		if (buf[i] == '<' && i + 1 < n &&
		    isdigit((unsigned char)buf[i + 1])) {
			h.format = FORMAT_SYSLOG;
			rv = parse_syslog(ev, buf, n, &h, &reason);
			break;
		}
		if (has_prefix(buf + i, n - i, "type=") ||
		    has_prefix(buf + i, n - i, "node=")) {
			if ((rv = parse_audit(ev, buf, n, &h,
			    &audit_reason)) == PARSE_OK)
				break;
			event_clear(ev);
		}
		if ((rv = access_log_parse(ev, buf, n, &h, &reason)) ==
		    PARSE_OK)
			break;
		rv = parse_syslog(ev, buf, n, &h, &reason);
		if (rv != PARSE_OK && audit_reason != NULL) {
			h.format = FORMAT_AUDITD;
			reason = audit_reason;
		}
		break;
	}
	if (rv != PARSE_OK) {
		normalize_parse_error(ev, buf, len, &h,
		    reason != NULL ? reason : "unrecognized record");
		return (PARSE_ERROR);
	}
	finish(ev, buf, len, &h);
	return (PARSE_OK);
}

/*
 * The event for a record nothing could parse: its printable start as
 * the message, every byte escaped in raw, the reason in data_json.
 */
void
normalize_parse_error(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char *reason)
{
	size_t	 n;

	event_clear(ev);
	event_set(ev, EV_EVENT_TYPE, "parse_error", strlen("parse_error"));
	ev->severity = SEV_LOW;
	if ((n = printable_prefix(buf, len, NORMALIZE_MAX_PREFIX)) > 0)
		event_set(ev, EV_MESSAGE, buf, n);
	else
		event_setf(ev, EV_MESSAGE, "unprintable record of %zu bytes",
		    len);
	set_raw(ev, buf, len);
	event_data_setstr(ev, "parse_error", reason != NULL ? reason :
	    "unrecognized record", strlen(reason != NULL ? reason :
	    "unrecognized record"));
	event_data_setstr(ev, "format", format_name(hint != NULL ?
	    hint->format : FORMAT_AUTO), strlen(format_name(hint != NULL ?
	    hint->format : FORMAT_AUTO)));
	event_data_set(ev, "bytes", json_integer((json_int_t)len));
	if (hint == NULL)
		return;
	ev->received_at = hint->received_at;
	ev->ts = hint->received_at;
	if (hint->source_type != NULL)
		event_set(ev, EV_SOURCE_TYPE, hint->source_type,
		    strlen(hint->source_type));
	if (hint->app != NULL)
		event_set(ev, EV_APP, hint->app, strlen(hint->app));
	if (hint->peer_host != NULL)
		event_set(ev, EV_HOST, hint->peer_host,
		    strlen(hint->peer_host));
	if (hint->source_file != NULL) {
		event_set(ev, EV_SOURCE_FILE, hint->source_file,
		    strlen(hint->source_file));
		ev->ints[EV_SOURCE_OFFSET] = hint->source_offset;
	}
}
