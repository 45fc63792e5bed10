/*
 * event.c: field caps at character boundaries, UTF-8 repair, raw
 * escaping that round-trips, data_json and the JSON form.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "test.h"

static size_t	 unescape_raw(const char *, char *);
static void	 test_init(void);
static void	 test_set(void);
static void	 test_truncate(void);
static void	 test_utf8(void);
static void	 test_raw(void);
static void	 test_data(void);
static void	 test_json(void);
static void	 test_severity(void);

/* Reverse event_escape_raw(); returns the number of bytes written. */
static size_t
unescape_raw(const char *s, char *out)
{
	size_t	 o = 0;
	unsigned int v;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] == '\\') {
			out[o++] = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' &&
		    sscanf(s + 2, "%2x", &v) == 1) {
			out[o++] = (char)v;
			s += 4;
		} else
			out[o++] = *s++;
	}
	return (o);
}

static void
test_init(void)
{
	struct siem_event	 ev;
	int			 i;

	TEST_BEGIN("event/init");
	event_init(&ev);
	for (i = 0; i < EV_INT_MAX; i++)
		CHECK_INT(ev.ints[i], -1);
	for (i = 0; i < EV_TEXT_MAX; i++)
		CHECK(ev.text[i] == NULL);
	CHECK(ev.latency_ms < 0);
	CHECK_INT(ev.severity, SEV_INFO);
	CHECK(ev.data == NULL);
	event_set(&ev, EV_HOST, "h", 1);
	event_data_setstr(&ev, "k", "v", 1);
	ev.ints[EV_PID] = 5;
	event_clear(&ev);
	CHECK(ev.text[EV_HOST] == NULL);
	CHECK(ev.data == NULL);
	CHECK_INT(ev.ints[EV_PID], -1);
	TEST_END();
}

static void
test_set(void)
{
	struct siem_event	 ev;

	event_init(&ev);
	TEST_BEGIN("event/set");
	CHECK_INT(event_set(&ev, EV_APP, "sshd[1]", 4), 0);
	CHECK_STR(event_get(&ev, EV_APP), "sshd");
	CHECK_INT(event_setf(&ev, EV_APP, "%s-%d", "cron", 7), 0);
	CHECK_STR(event_get(&ev, EV_APP), "cron-7");
	CHECK_INT(event_set(&ev, EV_APP, NULL, 0), 0);
	CHECK(event_get(&ev, EV_APP) == NULL);
	CHECK_INT(event_set(&ev, EV_APP, "", 0), 0);
	CHECK_STR(event_get(&ev, EV_APP), "");
	CHECK_STR(event_text_name(EV_SRC_IP), "src_ip");
	CHECK_STR(event_int_name(EV_SYSLOG_SEVERITY), "syslog_severity");
	TEST_END();

	TEST_BEGIN("event/set-bad-field");
	CHECK_INT(event_set(&ev, (enum event_text)EV_TEXT_MAX, "x", 1), 0);
	CHECK(event_get(&ev, (enum event_text)EV_TEXT_MAX) == NULL);
	CHECK(event_text_name((enum event_text)EV_TEXT_MAX) == NULL);
	CHECK(event_int_name((enum event_int)-1) == NULL);
	TEST_END();
	event_clear(&ev);
}

static void
test_truncate(void)
{
	struct siem_event	 ev;
	char			*big;
	size_t			 i, n;
	json_t			*t;

	n = EVENT_MAX_MESSAGE + 100;
	if ((big = malloc(n)) == NULL)
		abort();
	memset(big, 'a', n);

	event_init(&ev);
	TEST_BEGIN("event/truncate-text");
	CHECK_INT(event_set(&ev, EV_HOST, big, EVENT_MAX_TEXT), 0);
	CHECK_INT(strlen(event_get(&ev, EV_HOST)), EVENT_MAX_TEXT);
	CHECK(ev.data == NULL);
	CHECK_INT(event_set(&ev, EV_HOST, big, EVENT_MAX_TEXT + 1), 1);
	CHECK_INT(strlen(event_get(&ev, EV_HOST)), EVENT_MAX_TEXT);
	t = json_object_get(ev.data, "truncated");
	CHECK(t != NULL);
	CHECK_INT(json_integer_value(json_object_get(t, "host")),
	    EVENT_MAX_TEXT + 1);
	TEST_END();

	TEST_BEGIN("event/truncate-message");
	CHECK_INT(event_set(&ev, EV_MESSAGE, big, EVENT_MAX_MESSAGE), 0);
	CHECK_INT(event_set(&ev, EV_MESSAGE, big, n), 1);
	CHECK_INT(strlen(event_get(&ev, EV_MESSAGE)), EVENT_MAX_MESSAGE);
	t = json_object_get(ev.data, "truncated");
	CHECK_INT(json_integer_value(json_object_get(t, "message")), n);
	CHECK_INT(json_integer_value(json_object_get(t, "host")),
	    EVENT_MAX_TEXT + 1);
	TEST_END();

	/* "é" is two bytes: a cap in its middle must drop it whole. */
	TEST_BEGIN("event/truncate-utf8-boundary");
	for (i = 0; i + 1 < n; i += 2) {
		big[i] = '\xc3';
		big[i + 1] = '\xa9';
	}
	memmove(big + 1, big, n - 1);
	big[0] = 'x';		/* now 'x' then é é é ... */
	CHECK_INT(event_set(&ev, EV_USER_ID, big, EVENT_MAX_TEXT + 10), 1);
	CHECK_INT(strlen(event_get(&ev, EV_USER_ID)), EVENT_MAX_TEXT - 1);
	CHECK((unsigned char)event_get(&ev, EV_USER_ID)
	    [EVENT_MAX_TEXT - 2] == 0xa9);
	TEST_END();

	/* A 4-byte character straddling the cap. */
	TEST_BEGIN("event/truncate-utf8-4byte");
	memset(big, 'a', EVENT_MAX_TEXT);
	memcpy(big + EVENT_MAX_TEXT - 2, "\xf0\x9f\x98\x80", 4);
	CHECK_INT(event_set(&ev, EV_APP, big, EVENT_MAX_TEXT + 2), 1);
	CHECK_INT(strlen(event_get(&ev, EV_APP)), EVENT_MAX_TEXT - 2);
	TEST_END();
	free(big);
	event_clear(&ev);
}

static void
test_utf8(void)
{
	struct siem_event	 ev;

	event_init(&ev);
	TEST_BEGIN("event/utf8-valid");
	event_set(&ev, EV_MESSAGE, "gr\xc3\xbc\xc3\x9f \xe2\x82\xac "
	    "\xf0\x9f\x98\x80", 15);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "gr\xc3\xbc\xc3\x9f "
	    "\xe2\x82\xac \xf0\x9f\x98\x80");
	TEST_END();

	TEST_BEGIN("event/utf8-bad-replaced");
	event_set(&ev, EV_MESSAGE, "a\xff" "b", 3);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "a\xef\xbf\xbd" "b");
	TEST_END();

	TEST_BEGIN("event/utf8-bad-overlong");
	event_set(&ev, EV_HOST, "\xc0\xaf", 2);
	CHECK_STR(event_get(&ev, EV_HOST), "\xef\xbf\xbd\xef\xbf\xbd");
	event_set(&ev, EV_HOST, "\xe0\x80\xaf", 3);
	CHECK_STR(event_get(&ev, EV_HOST),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	TEST_END();

	TEST_BEGIN("event/utf8-bad-surrogate");
	event_set(&ev, EV_HOST, "\xed\xa0\x80x", 4);
	CHECK_STR(event_get(&ev, EV_HOST),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
	TEST_END();

	TEST_BEGIN("event/utf8-bad-cut-short");
	event_set(&ev, EV_HOST, "ab\xe2\x82", 4);
	CHECK_STR(event_get(&ev, EV_HOST), "ab\xef\xbf\xbd\xef\xbf\xbd");
	TEST_END();

	TEST_BEGIN("event/utf8-bad-above-max");
	event_set(&ev, EV_HOST, "\xf4\x90\x80\x80", 4);
	CHECK_STR(event_get(&ev, EV_HOST), "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd");
	TEST_END();

	TEST_BEGIN("event/utf8-bad-nul");
	event_set(&ev, EV_HOST, "a\0b", 3);
	CHECK_STR(event_get(&ev, EV_HOST), "a\xef\xbf\xbd" "b");
	TEST_END();

	TEST_BEGIN("event/raw-column-keeps-bytes");
	event_set(&ev, EV_RAW, "a\xff\0", 3);
	CHECK_STR(event_get(&ev, EV_RAW), "a\\xff\\x00");
	TEST_END();
	event_clear(&ev);
}

static void
test_raw(void)
{
#define RAWCASE(s)	{ s, sizeof(s) - 1 }
	static const struct {
		const char	*s;
		size_t		 len;
	} cases[] = {
		RAWCASE("plain text"),
		RAWCASE("back\\slash \\x41 not an escape"),
		RAWCASE("nul\0inside"),
		RAWCASE("\xff\xfe invalid \xc3"),
		RAWCASE("\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80"),
		RAWCASE("\xed\xa0\x80 surrogate"),
		RAWCASE(""),
	};
#undef RAWCASE
	char			*e, back[256], all[256];
	size_t			 i, n, elen;

	TEST_BEGIN("event/escape-raw-examples");
	e = event_escape_raw("a\\b\0\xff\xc3\xa9", 7, &elen);
	CHECK_STR(e, "a\\\\b\\x00\\xff\xc3\xa9");
	CHECK_INT(elen, strlen(e));
	free(e);
	TEST_END();

	TEST_BEGIN("event/escape-raw-round-trip");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e = event_escape_raw(cases[i].s, cases[i].len, &elen);
		CHECK(strlen(e) == elen);
		n = unescape_raw(e, back);
		CHECK_INT(n, cases[i].len);
		CHECK(memcmp(back, cases[i].s, cases[i].len) == 0);
		free(e);
	}
	TEST_END();

	TEST_BEGIN("event/escape-raw-every-byte");
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	e = event_escape_raw(all, sizeof(all), &elen);
	n = unescape_raw(e, back);
	CHECK_INT(n, sizeof(all));
	CHECK(memcmp(back, all, sizeof(all)) == 0);
	free(e);
	TEST_END();
}

static void
test_data(void)
{
	struct siem_event	 ev;
	char			 big[EVENT_MAX_TEXT + 10];
	json_t			*t;

	event_init(&ev);
	TEST_BEGIN("event/data-set");
	event_data_set(&ev, "count", json_integer(3));
	event_data_setstr(&ev, "USER", "root", 4);
	CHECK_INT(json_integer_value(json_object_get(ev.data, "count")), 3);
	CHECK_STR(json_string_value(json_object_get(ev.data, "USER")),
	    "root");
	event_data_setstr(&ev, "USER", NULL, 0);
	CHECK(json_object_get(ev.data, "USER") == NULL);
	event_data_set(&ev, "count", NULL);
	CHECK(json_object_get(ev.data, "count") == NULL);
	TEST_END();

	TEST_BEGIN("event/data-bad-utf8");
	event_data_setstr(&ev, "x", "\xff", 1);
	CHECK_STR(json_string_value(json_object_get(ev.data, "x")),
	    "\xef\xbf\xbd");
	TEST_END();

	TEST_BEGIN("event/json-stringn");
	t = event_json_stringn("a\0b\xc3", 4);
	CHECK_STR(json_string_value(t), "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	json_decref(t);
	t = event_json_stringn("\xce\xba\xe1\xbd\xb9", 5);
	CHECK_STR(json_string_value(t), "\xce\xba\xe1\xbd\xb9");
	json_decref(t);
	TEST_END();

	TEST_BEGIN("event/data-truncated");
	memset(big, 'b', sizeof(big));
	event_data_setstr(&ev, "long", big, sizeof(big));
	CHECK_INT(strlen(json_string_value(json_object_get(ev.data,
	    "long"))), EVENT_MAX_TEXT);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(
	    ev.data, "truncated"), "data.long")), sizeof(big));
	TEST_END();
	event_clear(&ev);
}

static void
test_json(void)
{
	struct siem_event	 ev;
	json_t			*j;

	event_init(&ev);
	TEST_BEGIN("event/to-json");
	ev.ts = 1709294400000123LL;		/* 2024-03-01T12:00:00 */
	ev.received_at = 1709294401000000LL;
	ev.ints[EV_PID] = 42;
	ev.severity = SEV_HIGH;
	event_set(&ev, EV_APP, "sshd", 4);
	event_set(&ev, EV_TAGS, "[\"run-1\"]", 9);
	event_data_setstr(&ev, "msgid", "ID47", 4);
	j = event_to_json(&ev);
	CHECK_STR(json_string_value(json_object_get(j, "ts")),
	    "2024-03-01T12:00:00.000123Z");
	CHECK_STR(json_string_value(json_object_get(j, "received_at")),
	    "2024-03-01T12:00:01.000000Z");
	CHECK_INT(json_integer_value(json_object_get(j, "pid")), 42);
	CHECK(json_object_get(j, "facility") == NULL);
	CHECK(json_object_get(j, "host") == NULL);
	CHECK(json_object_get(j, "latency_ms") == NULL);
	CHECK_STR(json_string_value(json_object_get(j, "app")), "sshd");
	CHECK_STR(json_string_value(json_object_get(j, "severity")), "high");
	CHECK(json_is_array(json_object_get(j, "tags")));
	CHECK_STR(json_string_value(json_object_get(json_object_get(j,
	    "data_json"), "msgid")), "ID47");
	json_decref(j);
	TEST_END();

	TEST_BEGIN("event/to-json-before-epoch");
	ev.ts = -1;
	j = event_to_json(&ev);
	CHECK_STR(json_string_value(json_object_get(j, "ts")),
	    "1969-12-31T23:59:59.999999Z");
	json_decref(j);
	TEST_END();

	TEST_BEGIN("event/to-json-bad-tags");
	event_set(&ev, EV_TAGS, "not json", 8);
	j = event_to_json(&ev);
	CHECK_STR(json_string_value(json_object_get(j, "tags")), "not json");
	json_decref(j);
	TEST_END();
	event_clear(&ev);
}

static void
test_severity(void)
{
	enum event_severity	 s;

	TEST_BEGIN("event/severity-names");
	CHECK_STR(event_severity_name(SEV_INFO), "info");
	CHECK_STR(event_severity_name(SEV_CRITICAL), "critical");
	CHECK_INT(event_severity_parse("medium", &s), 0);
	CHECK_INT(s, SEV_MEDIUM);
	CHECK_INT(event_severity_parse("HIGH", &s), 0);
	CHECK_INT(s, SEV_HIGH);
	TEST_END();

	TEST_BEGIN("event/severity-bad");
	CHECK_INT(event_severity_parse("severe", &s), -1);
	CHECK_INT(event_severity_parse("", &s), -1);
	CHECK_INT(event_severity_parse(NULL, &s), -1);
	CHECK(event_severity_name((enum event_severity)99) == NULL);
	TEST_END();
}

int
main(void)
{
	test_init();
	test_set();
	test_truncate();
	test_utf8();
	test_raw();
	test_data();
	test_json();
	test_severity();
	TEST_EXIT();
}
