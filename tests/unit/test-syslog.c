/*
 * syslog_parse.c: RFC 5424 edge cases (strict), RFC 3164 variants
 * (lenient), year inference around new year, and -bad- records that
 * must be rejected or left alone without touching the event.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "normalize.h"
#include "test.h"

#define USEC		1000000LL
#define NOW		1700000000000000LL	/* 2023-11-14T22:13:20Z */
#define JAN1_2024	1704067200000000LL	/* 2024-01-01T00:00:00Z */

static struct record_hint hint;

static int	 parse(struct siem_event *, const char *, const char **);
static int	 parse5424(struct siem_event *, const char *, const char **);
static const char *data(const struct siem_event *, const char *);
static int	 untouched(const struct siem_event *);
static void	 test_5424(void);
static void	 test_5424_sd(void);
static void	 test_5424_bad(void);
static void	 test_3164(void);
static void	 test_3164_tags(void);
static void	 test_3164_years(void);
static void	 test_3164_bad(void);
static void	 test_hint(void);

static int
parse(struct siem_event *ev, const char *s, const char **reason)
{
	event_init(ev);
	return (syslog_parse(ev, s, strlen(s), &hint, reason));
}

static int
parse5424(struct siem_event *ev, const char *s, const char **reason)
{
	event_init(ev);
	return (syslog_parse_5424(ev, s, strlen(s), &hint, reason));
}

static const char *
data(const struct siem_event *ev, const char *key)
{
	return (json_string_value(json_object_get(ev->data, key)));
}

/* Nothing written: what NOMATCH and ERROR promise. */
static int
untouched(const struct siem_event *ev)
{
	int	 i;

	for (i = 0; i < EV_TEXT_MAX; i++)
		if (ev->text[i] != NULL)
			return (0);
	for (i = 0; i < EV_INT_MAX; i++)
		if (ev->ints[i] != -1)
			return (0);
	return (ev->data == NULL && ev->ts == 0);
}

static void
test_5424(void)
{
	struct siem_event	 ev;
	const char		*reason;

	TEST_BEGIN("syslog/5424-rfc-example");
	CHECK_INT(parse(&ev, "<34>1 2003-10-11T22:14:15.003Z "
	    "mymachine.example.com su - ID47 - \xef\xbb\xbf'su root' failed "
	    "for lonvick on /dev/pts/8", &reason), PARSE_OK);
	CHECK_INT(ev.ints[EV_FACILITY], 4);
	CHECK_INT(ev.ints[EV_SYSLOG_SEVERITY], 2);
	CHECK_STR(event_get(&ev, EV_LEVEL), "crit");
	CHECK_INT(ev.ts, 1065910455003000LL);
	CHECK_INT(ev.received_at, NOW);
	CHECK_STR(event_get(&ev, EV_HOST), "mymachine.example.com");
	CHECK_STR(event_get(&ev, EV_APP), "su");
	CHECK_INT(ev.ints[EV_PID], -1);
	CHECK_STR(data(&ev, "msgid"), "ID47");
	CHECK_STR(event_get(&ev, EV_MESSAGE),
	    "'su root' failed for lonvick on /dev/pts/8");
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "syslog");
	CHECK(event_get(&ev, EV_RAW) != NULL &&
	    strncmp(event_get(&ev, EV_RAW), "<34>1 ", 6) == 0);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/5424-offset-and-fraction");
	CHECK_INT(parse(&ev, "<165>1 2003-08-24T05:14:15.000003-07:00 "
	    "192.0.2.1 myproc 8710 - - %% It's time", &reason), PARSE_OK);
	CHECK_INT(ev.ts, 1061727255000003LL);
	CHECK_INT(ev.ints[EV_PID], 8710);
	CHECK_INT(ev.ints[EV_FACILITY], 20);
	CHECK_STR(event_get(&ev, EV_LEVEL), "notice");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "<0>1 2018-12-31T23:59:59.9+14:00 h a p m -",
	    &reason), PARSE_OK);
	CHECK_INT(ev.ts, 1546250399900000LL);
	CHECK_STR(event_get(&ev, EV_LEVEL), "emerg");
	CHECK_STR(data(&ev, "procid"), "p");
	CHECK(event_get(&ev, EV_MESSAGE) == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/5424-nil-everything");
	CHECK_INT(parse(&ev, "<14>1 - - - - - -", &reason), PARSE_OK);
	CHECK_INT(ev.ts, NOW);
	CHECK(event_get(&ev, EV_HOST) == NULL);
	CHECK(event_get(&ev, EV_APP) == NULL);
	CHECK(event_get(&ev, EV_MESSAGE) == NULL);
	CHECK(ev.data == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/5424-version-and-newline");
	CHECK_INT(parse(&ev, "<1>999 - h - - - - x\ny\n", &reason),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "x\ny");
	CHECK_INT(json_integer_value(json_object_get(ev.data, "version")),
	    999);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/5424-leap-day");
	CHECK_INT(parse(&ev, "<1>1 2024-02-29T00:00:00Z h - - - -",
	    &reason), PARSE_OK);
	CHECK_INT(ev.ts, 1709164800000000LL);
	event_clear(&ev);
	TEST_END();
}

static void
test_5424_sd(void)
{
	struct siem_event	 ev;
	const char		*reason;
	json_t			*sd, *v;

	TEST_BEGIN("syslog/5424-sd");
	CHECK_INT(parse(&ev, "<165>1 2003-10-11T22:14:15.003Z h evntslog - "
	    "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	    "eventID=\"1011\"][examplePriority@32473 class=\"high\"] "
	    "\xef\xbb\xbf" "An application event", &reason), PARSE_OK);
	sd = json_object_get(ev.data, "sd");
	CHECK(json_object_size(sd) == 2);
	CHECK_STR(json_string_value(json_object_get(json_object_get(sd,
	    "exampleSDID@32473"), "eventSource")), "Application");
	CHECK_STR(json_string_value(json_object_get(json_object_get(sd,
	    "examplePriority@32473"), "class")), "high");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "An application event");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/5424-sd-escapes");
	CHECK_INT(parse(&ev, "<1>1 - - - - - [x a=\"q\\\"b\\\\s\\]e\" "
	    "n=\"\\n\"]", &reason), PARSE_OK);
	sd = json_object_get(json_object_get(ev.data, "sd"), "x");
	CHECK_STR(json_string_value(json_object_get(sd, "a")), "q\"b\\s]e");
	/* RFC 5424 6.3.3: other backslashes stay as they are */
	CHECK_STR(json_string_value(json_object_get(sd, "n")), "\\n");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/5424-sd-repeated-param");
	CHECK_INT(parse(&ev, "<1>1 - - - - - [x ip=\"192.0.2.1\" "
	    "ip=\"192.0.2.2\" ip=\"192.0.2.3\"][empty]", &reason), PARSE_OK);
	sd = json_object_get(ev.data, "sd");
	v = json_object_get(json_object_get(sd, "x"), "ip");
	CHECK(json_is_array(v) && json_array_size(v) == 3);
	CHECK_STR(json_string_value(json_array_get(v, 2)), "192.0.2.3");
	CHECK(json_is_object(json_object_get(sd, "empty")));
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/5424-sd-utf8");
	CHECK_INT(parse(&ev, "<1>1 - - - - - [x v=\"\xce\xba\xff\"]",
	    &reason), PARSE_OK);
	sd = json_object_get(json_object_get(ev.data, "sd"), "x");
	CHECK_STR(json_string_value(json_object_get(sd, "v")),
	    "\xce\xba\xef\xbf\xbd");
	event_clear(&ev);
	TEST_END();
}

static void
test_5424_bad(void)
{
	static const char	*bad[] = {
		"<1>1 - - - - - -\n\t\t<2>1 - - - - - -",
		"<1>1 - host\nname - - - -",
		"<192>1 - - - - - -",
		"<002>1 - - - - - -",
		"<1>1 2003-09-31T22:14:15Z - - - - -",
		"<1>1 2018-02-29T22:14:16+01:00 - - - - -",
		"<1>1 2003-09-29T22:09:01.0000001Z - - - - -",
		"<1>1 2003-09-29T22:09:01.Z - - - - -",
		"<1>1 2003-09-29t22:09:01Z - - - - -",
		"<1>1 2003-09-29T22:09:01 - - - - -",
		"<1>1 2003-08-24T05:14:15-24:00 - - - - -",
		"<1>1 2003-08-24T05:14:15+0100 - - - - -",
		"<1>1 2006-01-02T15:04:05Z+07:00 - - - - -",
		"<1>1 - - abcdefghijabcdefghijabcdefghijabcdefghijabcdefghiX"
		    " - - -",
		"<1>1 - - - - abcdefghijabcdefghijabcdefghijabX -",
		"<1>1 -   - - - -",
		"<1>1 - - - - - X",
		"<1>1 - - - - - []",
		"<1>1 - - - - - [=]",
		"<1>1 - - - - - [abcdefghijabcdefghijabcdefghijabX]",
		"<1>1 - - - - - [id1][id1]",
		"<1>1 - - - - - [x a=\"]\"]",
		"<1>1 - - - - - [x a=\"\"\"]",
		"<1>1 - - - - - [x a=\"unterminated]",
		"<1>1 - - - - - [x a= \"v\"]",
		"<1>1 - - - - - [x a=\"v\"",
		"<1>1 - - - - - [x a=\"v\"]x",
		"<1>1 - - - - -  ",
		"<1>1 ",
		"<1>1 -",
	};
	struct siem_event	 ev;
	const char		*reason;
	size_t			 i;
	int			 r;

	TEST_BEGIN("syslog/5424-bad-vectors");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reason = NULL;
		r = parse5424(&ev, bad[i], &reason);
		if (r != PARSE_ERROR || reason == NULL ||
		    strncmp(reason, "RFC 5424: ", 10) != 0 ||
		    !untouched(&ev)) {
			printf("# accepted or bad reason: %s\n", bad[i]);
			CHECK(0);
		}
		event_clear(&ev);
	}
	TEST_END();

	TEST_BEGIN("syslog/5424-bad-reason-column");
	CHECK_INT(parse5424(&ev, "<1>1 - - - - - [x a=\"]\"]", &reason),
	    PARSE_ERROR);
	CHECK_STR(reason, "RFC 5424: unescaped ] in PARAM-VALUE at column 21");
	CHECK_INT(parse5424(&ev, "<1>1 - host\nname - - - -", &reason),
	    PARSE_ERROR);
	CHECK_STR(reason, "RFC 5424: invalid HOSTNAME at column 11");
	TEST_END();

	TEST_BEGIN("syslog/5424-bad-nomatch");
	CHECK_INT(parse5424(&ev, "", &reason), PARSE_NOMATCH);
	CHECK_INT(parse5424(&ev, "hello", &reason), PARSE_NOMATCH);
	CHECK(untouched(&ev));
	TEST_END();

	/* the dispatcher keeps a broken 5424 record an error */
	TEST_BEGIN("syslog/5424-bad-via-dispatcher");
	CHECK_INT(parse(&ev, "<13>1 2003-13-01T00:00:00Z - - - - -",
	    &reason), PARSE_ERROR);
	CHECK(untouched(&ev));
	TEST_END();
}

static void
test_3164(void)
{
	struct siem_event	 ev;
	const char		*reason;

	TEST_BEGIN("syslog/3164-basic");
	CHECK_INT(parse(&ev, "<34>Oct 11 22:14:15 mymachine su: 'su root' "
	    "failed for lonvick on /dev/pts/8", &reason), PARSE_OK);
	CHECK_INT(ev.ints[EV_FACILITY], 4);
	CHECK_INT(ev.ints[EV_SYSLOG_SEVERITY], 2);
	CHECK_INT(ev.ts, 1697062455000000LL);	/* 2023, UTC */
	CHECK_STR(event_get(&ev, EV_HOST), "mymachine");
	CHECK_STR(event_get(&ev, EV_APP), "su");
	CHECK_STR(event_get(&ev, EV_MESSAGE),
	    "'su root' failed for lonvick on /dev/pts/8");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-space-padded-day");
	CHECK_INT(parse(&ev, "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
	    &reason), PARSE_OK);
	CHECK_INT(ev.ts, 1675618338000000LL);	/* 2023-02-05 */
	CHECK_STR(event_get(&ev, EV_HOST), "10.0.0.99");
	CHECK(event_get(&ev, EV_APP) == NULL);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "Use the BFG!");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-no-pri");
	CHECK_INT(parse(&ev, "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid "
	    "user webmaster from 192.0.2.186", &reason), PARSE_OK);
	CHECK_INT(ev.ints[EV_FACILITY], 1);	/* RFC 3164 4.3.3 default */
	CHECK_INT(ev.ints[EV_SYSLOG_SEVERITY], 5);
	CHECK_INT(ev.ts, 1670655346000000LL);	/* Dec 10 2022: not future */
	CHECK_STR(event_get(&ev, EV_HOST), "LabSZ");
	CHECK_STR(event_get(&ev, EV_APP), "sshd");
	CHECK_INT(ev.ints[EV_PID], 24200);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-rfc3339-stamp");
	CHECK_INT(parse(&ev, "<14>2010-08-30T23:00:05.25+02:00 X4711 "
	    "prog: text", &reason), PARSE_OK);
	CHECK_INT(ev.ts, 1283202005250000LL);
	CHECK_STR(event_get(&ev, EV_HOST), "X4711");
	CHECK_STR(event_get(&ev, EV_APP), "prog");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-year-in-stamp");
	CHECK_INT(parse(&ev, "<167>Mar 7 2008 19:06:53: example tag: "
	    "testmessage", &reason), PARSE_OK);
	CHECK_INT(ev.ts, 1204916813000000LL);
	CHECK_STR(event_get(&ev, EV_HOST), "example");
	CHECK_STR(event_get(&ev, EV_APP), "tag");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "<190>Apr 15 21:28:13 2007 linksys app: msg",
	    &reason), PARSE_OK);
	CHECK_INT(ev.ts, 1176672493000000LL);
	CHECK_STR(event_get(&ev, EV_HOST), "linksys");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-cisco");
	CHECK_INT(parse(&ev, "<190>Apr 15 2007 21:28:13: %PIX-6-302014: "
	    "Teardown TCP connection", &reason), PARSE_OK);
	CHECK(event_get(&ev, EV_HOST) == NULL);
	CHECK_STR(event_get(&ev, EV_APP), "%PIX-6-302014");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "Teardown TCP connection");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "<189>123: *Mar  1 00:01:02: router1 "
	    "%SYS-5-CONFIG_I: Configured", &reason), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HOST), "router1");
	CHECK_STR(event_get(&ev, EV_APP), "%SYS-5-CONFIG_I");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-fraction-and-leading-space");
	CHECK_INT(parse(&ev, "<7> Aug 29 02:00:00.156789 host prog[1]: m",
	    &reason), PARSE_OK);
	CHECK_INT(ev.ts % USEC, 156789);
	CHECK_STR(event_get(&ev, EV_HOST), "host");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-ipv6-host");
	CHECK_INT(parse(&ev, "<0>Jan 10 01:00:00 2001:db8:: prg0: msgtxt",
	    &reason), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HOST), "2001:db8::");
	CHECK_STR(event_get(&ev, EV_APP), "prg0");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "msgtxt");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-no-stamp");
	CHECK_INT(parse(&ev, "<15> openvpn[2499]: PTHREAD support "
	    "initialized", &reason), PARSE_OK);
	CHECK(event_get(&ev, EV_HOST) == NULL);
	CHECK_STR(event_get(&ev, EV_APP), "openvpn");
	CHECK_INT(ev.ints[EV_PID], 2499);
	CHECK_INT(ev.ts, NOW);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-forwarded");
	CHECK_INT(parse(&ev, "<38>Sep 22 10:11:56 Message forwarded from "
	    "aix1: sshd[679960]: Accepted publickey for n from 192.0.2.1 "
	    "port 42096 ssh2", &reason), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HOST), "aix1");
	CHECK_STR(event_get(&ev, EV_APP), "sshd");
	event_clear(&ev);
	TEST_END();
}

static void
test_3164_tags(void)
{
	struct siem_event	 ev;
	const char		*reason;
	char			 longtag[128];

	TEST_BEGIN("syslog/3164-tag-forms");
	parse(&ev, "<1>Jan  1 00:00:00 h sshd(pam_unix)[19939]: x", &reason);
	CHECK_STR(event_get(&ev, EV_APP), "sshd(pam_unix)");
	CHECK_INT(ev.ints[EV_PID], 19939);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "x");
	event_clear(&ev);
	parse(&ev, "<1>Jan  1 00:00:00 h pam_unix(sshd:auth): y", &reason);
	CHECK_STR(event_get(&ev, EV_APP), "pam_unix(sshd:auth)");
	event_clear(&ev);
	parse(&ev, "<1>Jan  1 00:00:00 h ctld/snmpd[2499]:", &reason);
	CHECK_STR(event_get(&ev, EV_APP), "ctld/snmpd");
	CHECK(event_get(&ev, EV_MESSAGE) == NULL);
	event_clear(&ev);
	parse(&ev, "<1>Jan  1 00:00:00 h prog[12] no colon", &reason);
	CHECK_STR(event_get(&ev, EV_APP), "prog");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "no colon");
	event_clear(&ev);
	parse(&ev, "<1>Jan  1 00:00:00 h kernel[0]: a::b", &reason);
	CHECK_INT(ev.ints[EV_PID], 0);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "a::b");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-tag-bad");
	parse(&ev, "<1>Jan  1 00:00:00 h just words here", &reason);
	CHECK(event_get(&ev, EV_APP) == NULL);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "just words here");
	event_clear(&ev);
	parse(&ev, "<1>Jan  1 00:00:00 h prog[abc: x", &reason);
	CHECK(event_get(&ev, EV_APP) == NULL);
	event_clear(&ev);
	parse(&ev, "<1>Jan  1 00:00:00 h prog[x]: y", &reason);
	CHECK_STR(event_get(&ev, EV_APP), "prog");
	CHECK_INT(ev.ints[EV_PID], -1);
	CHECK_STR(data(&ev, "procid"), "x");
	event_clear(&ev);
	parse(&ev, "<1>Jan  1 00:00:00 h p[99999999999]: y", &reason);
	CHECK_INT(ev.ints[EV_PID], -1);
	event_clear(&ev);
	memset(longtag, 'a', 49);
	strlcpy(longtag + 49, ": m", sizeof(longtag) - 49);
	parse(&ev, longtag, &reason);
	CHECK(event_get(&ev, EV_APP) == NULL);
	event_clear(&ev);
	TEST_END();
}

/*
 * Year-less stamps are the latest date not more than a day ahead of
 * "now": Dec 31 seen on Jan 1 is last year; Jan 1 00:00:30 seen at
 * Dec 31 23:59:50 (a sender a little ahead) is next year.
 */
static void
test_3164_years(void)
{
	struct siem_event	 ev;
	struct record_hint	 saved = hint;
	const char		*reason;

	TEST_BEGIN("syslog/3164-year-rollover");
	hint.now = hint.received_at = JAN1_2024 + 3600 * USEC;
	parse(&ev, "<13>Dec 31 23:59:00 h p: m", &reason);
	CHECK_INT(ev.ts, JAN1_2024 - 60 * USEC);
	event_clear(&ev);
	parse(&ev, "<13>Jan  1 00:30:00 h p: m", &reason);
	CHECK_INT(ev.ts, JAN1_2024 + 1800 * USEC);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-year-skew-ahead");
	hint.now = hint.received_at = JAN1_2024 - 10 * USEC;
	parse(&ev, "<13>Jan  1 00:00:30 h p: m", &reason);
	CHECK_INT(ev.ts, JAN1_2024 + 30 * USEC);
	event_clear(&ev);
	/* two days ahead is too far: last year's */
	parse(&ev, "<13>Jan  2 12:00:00 h p: m", &reason);
	CHECK_INT(ev.ts, 1672660800000000LL);	/* 2023-01-02T12:00Z */
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-local-time-dst");
	setenv("TZ", "MET-1METDST", 1);
	tzset();
	parse(&ev, "<13>Jul  1 12:00:00 2006 h p: m", &reason);
	CHECK_INT(ev.ts, 1151748000000000LL);	/* 10:00Z, summer time */
	event_clear(&ev);
	parse(&ev, "<13>Jan  1 12:00:00 2006 h p: m", &reason);
	CHECK_INT(ev.ts, 1136113200000000LL);	/* 11:00Z, winter time */
	event_clear(&ev);
	parse(&ev, "<13>2006-07-01T12:00:00 h p: m", &reason);
	CHECK_INT(ev.ts, 1151748000000000LL);
	event_clear(&ev);
	setenv("TZ", "UTC", 1);
	tzset();
	TEST_END();

	TEST_BEGIN("syslog/3164-year-feb29");
	hint.now = hint.received_at = 1709251200000000LL; /* 2024-03-01 */
	parse(&ev, "<13>Feb 29 10:00:00 h p: m", &reason);
	CHECK_INT(ev.ts, 1709200800000000LL);
	event_clear(&ev);
	hint.now = hint.received_at = 1740787200000000LL; /* 2025-03-01 */
	parse(&ev, "<13>Feb 29 10:00:00 h p: m", &reason);
	CHECK_INT(ev.ts, 1709200800000000LL);	/* back to 2024 */
	event_clear(&ev);
	TEST_END();
	hint = saved;
}

static void
test_3164_bad(void)
{
	static const char	*nomatch[] = {
		"",
		"hello world",
		"<html><body>",
		"<>x",
		"<1000>Jan  1 00:00:00 h p: m",
		"- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 x",
		"Foo 10 06:55:46 host prog: m",
		"Jan 32 06:55:46 host prog: m",
		"Jan 10 25:55:46 host prog: m",
		"Jan 10 06:55 host prog: m",
		"2023-02-30T00:00:00Z host prog: m",
		"\n\n",
	};
	struct siem_event	 ev;
	const char		*reason;
	size_t			 i;

	TEST_BEGIN("syslog/3164-bad-nomatch");
	for (i = 0; i < sizeof(nomatch) / sizeof(nomatch[0]); i++) {
		if (parse(&ev, nomatch[i], &reason) != PARSE_NOMATCH ||
		    !untouched(&ev)) {
			printf("# matched: %s\n", nomatch[i]);
			CHECK(0);
		}
		event_clear(&ev);
	}
	TEST_END();

	TEST_BEGIN("syslog/3164-bad-bytes");
	CHECK_INT(parse(&ev, "<13>Jan  1 00:00:00 h p: a\xff\0b", &reason),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "a\xef\xbf\xbd");
	event_clear(&ev);
	event_init(&ev);
	CHECK_INT(syslog_parse(&ev, "<13>Jan  1 00:00:00 h p: a\xff\0b", 29,
	    &hint, &reason), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "a\xef\xbf\xbd\xef\xbf\xbd" "b");
	CHECK_STR(event_get(&ev, EV_RAW),
	    "<13>Jan  1 00:00:00 h p: a\\xff\\x00b");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-bad-star-not-cisco");
	CHECK_INT(parse(&ev, "<13>*hello* world", &reason), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "*hello* world");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("syslog/3164-bad-pri-only");
	CHECK_INT(parse(&ev, "<0>", &reason), PARSE_OK);
	CHECK_INT(ev.ints[EV_FACILITY], 0);
	CHECK(event_get(&ev, EV_MESSAGE) == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_hint(void)
{
	struct siem_event	 ev;
	struct record_hint	 h = hint;
	const char		*reason;

	TEST_BEGIN("syslog/hint-fallbacks");
	h.peer_host = "192.0.2.99";
	h.source_type = "file";
	h.app = "forced";
	h.source_file = "/var/log/auth.log";
	h.source_offset = 4096;
	event_init(&ev);
	CHECK_INT(syslog_parse(&ev, "<13>1 - - app - - - m", 21, &h,
	    &reason), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HOST), "192.0.2.99");
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "file");
	CHECK_STR(event_get(&ev, EV_APP), "forced");
	CHECK_STR(event_get(&ev, EV_SOURCE_FILE), "/var/log/auth.log");
	CHECK_INT(ev.ints[EV_SOURCE_OFFSET], 4096);
	event_clear(&ev);
	TEST_END();

	/* a line from a file has no PRI to default */
	TEST_BEGIN("syslog/hint-file-no-pri");
	h.app = NULL;
	event_init(&ev);
	CHECK_INT(syslog_parse(&ev, "Jan  1 00:00:00 h p: m", 22, &h,
	    &reason), PARSE_OK);
	CHECK_INT(ev.ints[EV_FACILITY], -1);
	CHECK_INT(ev.ints[EV_SYSLOG_SEVERITY], -1);
	CHECK(event_get(&ev, EV_LEVEL) == NULL);
	event_clear(&ev);
	TEST_END();
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	memset(&hint, 0, sizeof(hint));
	hint.format = FORMAT_SYSLOG;
	hint.source_type = "syslog";
	hint.source_offset = -1;
	hint.received_at = NOW;
	hint.now = NOW;
	test_5424();
	test_5424_sd();
	test_5424_bad();
	test_3164();
	test_3164_tags();
	test_3164_years();
	test_3164_bad();
	test_hint();
	TEST_EXIT();
}
