/*
 * normalize.c: format detection, the forced formats of a source,
 * access logs and audit records carried in syslog, what every event
 * gets from its origin, and the parse_error event for everything that
 * does not parse -- binary, broken, empty or 10 MB.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "normalize.h"
#include "test.h"

#define RECEIVED	1762164999000000LL	/* 2025-11-03T10:16:39Z */
#define BIG		(10 * 1024 * 1024)

static int	 norm(struct siem_event *, enum tail_format, const char *,
		    size_t);
static const char *dstr(const struct siem_event *, const char *);
static void	 test_detect(void);
static void	 test_origin(void);
static void	 test_forced(void);
static void	 test_syslog_carried(void);
static void	 test_app_forced(void);
static void	 test_bad_json(void);
static void	 test_bad_binary(void);
static void	 test_bad_empty(void);
static void	 test_huge(void);

static int
norm(struct siem_event *ev, enum tail_format f, const char *buf, size_t len)
{
	struct record_hint	 h;

	memset(&h, 0, sizeof(h));
	h.format = f;
	h.source_type = "file";
	h.source_file = "/var/log/app/app.jsonl";
	h.source_offset = 1234;
	h.peer_host = "192.0.2.200";
	h.received_at = RECEIVED;
	h.now = RECEIVED;
	event_init(ev);
	return (normalize_record(ev, buf, len == 0 ? strlen(buf) : len, &h));
}

static const char *
dstr(const struct siem_event *ev, const char *key)
{
	if (ev->data == NULL)
		return (NULL);
	return (json_string_value(json_object_get(ev->data, key)));
}

static void
test_detect(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("normalize/detect-json");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "  {\"ts\":\"2025-11-03T10:15:02Z\","
	    "\"level\":\"WARNING\",\"app\":\"MoneyControl\","
	    "\"event_type\":\"auth_oauth_google_login_failed\","
	    "\"ip\":\"203.0.113.7\"}\n", 0), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE),
	    "auth_oauth_google_login_failed");
	CHECK_STR(event_get(&ev, EV_APP), "MoneyControl");
	CHECK_INT(ev.ts, 1762164902000000LL);
	CHECK(event_get(&ev, EV_RAW) != NULL && strncmp(event_get(&ev,
	    EV_RAW), "  {\"ts\"", 7) == 0);
	CHECK(ev.severity != SEV_INFO);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/detect-json-after-byte-order-mark");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "\xef\xbb\xbf{\"msg\":\"first line\"}",
	    0), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "first line");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/detect-syslog-with-pri");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "<34>1 2025-11-03T10:15:02Z web1 "
	    "myapp 99 - - something happened", 0), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HOST), "web1");
	CHECK_STR(event_get(&ev, EV_APP), "myapp");
	CHECK_INT(ev.ints[EV_FACILITY], 4);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "something happened");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/detect-syslog-without-pri");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "Nov  3 10:15:02 bastion sshd[812]: "
	    "Failed password for root from 203.0.113.9 port 52144 ssh2", 0),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HOST), "bastion");
	CHECK_STR(event_get(&ev, EV_APP), "sshd");
	CHECK_INT(ev.ints[EV_PID], 812);
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL ||
	    strcmp(event_get(&ev, EV_EVENT_TYPE), "parse_error") != 0);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/detect-audit");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "type=USER_LOGIN "
	    "msg=audit(1762164902.000:77): pid=9 uid=0 auid=1000 ses=2 "
	    "msg='op=login acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=? "
	    "addr=203.0.113.50 terminal=sshd res=failed'", 0), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_login");
	CHECK_STR(event_get(&ev, EV_USER_ID), "alice");
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "audit");
	CHECK_STR(event_get(&ev, EV_SOURCE_FILE), "/var/log/app/app.jsonl");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/detect-access-log");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "203.0.113.7 - - "
	    "[03/Nov/2025:10:15:02 +0000] \"GET /wp-login.php HTTP/1.1\" 404 "
	    "153 \"-\" \"Mozilla/5.0\"", 0), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "http_request");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "203.0.113.7");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 404);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/detect-bad-audit-lookalike-falls-through");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "type=foo and more words", 0),
	    PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "parse_error");
	CHECK_STR(dstr(&ev, "format"), "audit");
	event_clear(&ev);
	TEST_END();
}

static void
test_origin(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("normalize/origin-defaults");
	CHECK_INT(norm(&ev, FORMAT_JSONL, "{\"message\":\"no time here\"}",
	    0), PARSE_OK);
	CHECK_INT(ev.received_at, RECEIVED);
	CHECK_INT(ev.ts, RECEIVED);
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "file");
	CHECK_STR(event_get(&ev, EV_HOST), "192.0.2.200");
	CHECK_STR(event_get(&ev, EV_SOURCE_FILE), "/var/log/app/app.jsonl");
	CHECK_INT(ev.ints[EV_SOURCE_OFFSET], 1234);
	CHECK_STR(event_get(&ev, EV_RAW), "{\"message\":\"no time here\"}");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/origin-null-hint");
	event_init(&ev);
	CHECK_INT(normalize_record(&ev, "{\"a\":1}", 7, NULL), PARSE_OK);
	CHECK(event_get(&ev, EV_SOURCE_FILE) == NULL);
	event_clear(&ev);
	event_init(&ev);
	CHECK_INT(normalize_record(&ev, "\x01", 1, NULL), PARSE_ERROR);
	CHECK_STR(dstr(&ev, "format"), "auto");
	event_clear(&ev);
	TEST_END();
}

static void
test_forced(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("normalize/forced-json-bad-not-json");
	CHECK_INT(norm(&ev, FORMAT_JSONL, "plain text line", 0), PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "parse_error");
	CHECK_STR(dstr(&ev, "parse_error"), "not a JSON object");
	CHECK_STR(dstr(&ev, "format"), "json");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "plain text line");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/forced-access-bad-syslog-line");
	CHECK_INT(norm(&ev, FORMAT_ACCESS, "<13>Nov  3 10:15:02 h app: x", 0),
	    PARSE_ERROR);
	CHECK_STR(dstr(&ev, "parse_error"), "not an access log line");
	CHECK_STR(dstr(&ev, "format"), "access");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/forced-audit-bad");
	CHECK_INT(norm(&ev, FORMAT_AUDITD, "{\"type\":\"SYSCALL\"}", 0),
	    PARSE_ERROR);
	CHECK_STR(dstr(&ev, "format"), "audit");
	CHECK(dstr(&ev, "parse_error") != NULL);
	event_clear(&ev);
	CHECK_INT(norm(&ev, FORMAT_AUDITD, "type=EOE msg=audit(1.000:1): ", 0),
	    PARSE_ERROR);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/forced-syslog-json-is-message");
	CHECK_INT(norm(&ev, FORMAT_SYSLOG, "<14>Nov  3 10:15:02 h app: "
	    "{\"a\":1}", 0), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "{\"a\":1}");
	event_clear(&ev);
	TEST_END();
}

static void
test_syslog_carried(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("normalize/nginx-access-log-in-syslog");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "<190>Nov  3 10:15:02 web1 nginx: "
	    "192.0.2.1 - bob [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /admin?x=1 HTTP/1.1\" 403 5 \"-\" \"sqlmap/1.7\"", 0),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HOST), "web1");
	CHECK_STR(event_get(&ev, EV_APP), "nginx");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "http_request");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.1");
	CHECK_STR(event_get(&ev, EV_USER_ID), "bob");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/admin");
	CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "x=1");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 403);
	CHECK_STR(event_get(&ev, EV_USER_AGENT), "sqlmap/1.7");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_INT(ev.ints[EV_FACILITY], 23);
	CHECK(strncmp(event_get(&ev, EV_MESSAGE), "192.0.2.1 - bob", 15) == 0);
	CHECK(strncmp(event_get(&ev, EV_RAW), "<190>", 5) == 0);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/nginx-syslog-bad-not-access-stays-syslog");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "<187>Nov  3 10:15:02 web1 nginx: "
	    "2025/11/03 10:15:02 [error] 12#12: *1 open() failed", 0),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_APP), "nginx");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], -1);
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL ||
	    strcmp(event_get(&ev, EV_EVENT_TYPE), "http_request") != 0);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize/audit-record-in-syslog");
	CHECK_INT(norm(&ev, FORMAT_SYSLOG, "<14>Nov  3 10:15:02 host1 audispd: "
	    "node=host1 type=EXECVE msg=audit(1762164902.500:88): argc=2 "
	    "a0=\"cat\" a1=\"/etc/shadow\"", 0), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_APP), "audispd");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "process_start");
	CHECK_STR(event_get(&ev, EV_PROCESS_CMDLINE), "cat /etc/shadow");
	CHECK_STR(dstr(&ev, "a1"), "/etc/shadow");
	CHECK_STR(dstr(&ev, "type"), "EXECVE");
	CHECK_INT(ev.ts, 1762164902500000LL);
	event_clear(&ev);
	TEST_END();
}

static void
test_app_forced(void)
{
	struct siem_event	 ev;
	struct record_hint	 h;
	const char		*line = "{\"app\":\"other\",\"message\":\"m\"}";

	TEST_BEGIN("normalize/forced-app");
	memset(&h, 0, sizeof(h));
	h.format = FORMAT_AUTO;
	h.app = "MoneyControl";
	h.source_offset = -1;
	event_init(&ev);
	CHECK_INT(normalize_record(&ev, line, strlen(line), &h), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_APP), "MoneyControl");
	event_clear(&ev);
	event_init(&ev);
	CHECK_INT(normalize_record(&ev, "\xff\xfe", 2, &h), PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_APP), "MoneyControl");
	event_clear(&ev);
	TEST_END();
}

static void
test_bad_json(void)
{
	struct siem_event	 ev;
	const char		*r;

	TEST_BEGIN("normalize-bad/invalid-json");
	CHECK_INT(norm(&ev, FORMAT_AUTO,
	    "{\"ts\":\"2025-11-03\",\"level\":", 0), PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "parse_error");
	CHECK_INT(ev.severity, SEV_LOW);
	r = dstr(&ev, "parse_error");
	CHECK(r != NULL && strstr(r, "column") != NULL);
	CHECK_STR(dstr(&ev, "format"), "json");
	CHECK_STR(event_get(&ev, EV_RAW), "{\"ts\":\"2025-11-03\",\"level\":");
	CHECK_STR(event_get(&ev, EV_MESSAGE),
	    "{\"ts\":\"2025-11-03\",\"level\":");
	CHECK_INT(ev.ts, RECEIVED);
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "file");
	CHECK_INT(ev.ints[EV_SOURCE_OFFSET], 1234);
	event_clear(&ev);
	TEST_END();
}

static void
test_bad_binary(void)
{
	static const char	 bin[] = "\x00\x01\x02\xff\xfe\\\x80 tail";
	struct siem_event	 ev;
	char			 buf[256];
	size_t			 i;

	TEST_BEGIN("normalize-bad/binary-garbage");
	CHECK_INT(norm(&ev, FORMAT_AUTO, bin, sizeof(bin) - 1), PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "parse_error");
	CHECK_STR(event_get(&ev, EV_RAW),
	    "\\x00\x01\x02\\xff\\xfe\\\\\\x80 tail");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "unprintable record of 12 bytes");
	CHECK(json_integer_value(json_object_get(ev.data, "bytes")) == 12);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize-bad/printable-prefix");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "caf\xc3\xa9 ok\x01rest", 0),
	    PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "caf\xc3\xa9 ok");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize-bad/every-byte-value");
	for (i = 0; i < 256; i++)
		buf[i] = (char)(255 - i);
	CHECK_INT(norm(&ev, FORMAT_AUTO, buf, sizeof(buf)), PARSE_ERROR);
	CHECK(event_get(&ev, EV_RAW) != NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_bad_empty(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("normalize-bad/empty-and-blank");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "\n", 1), PARSE_ERROR);
	CHECK_STR(dstr(&ev, "parse_error"), "empty record");
	event_clear(&ev);
	CHECK_INT(norm(&ev, FORMAT_JSONL, "   \r\n", 0), PARSE_ERROR);
	CHECK_STR(dstr(&ev, "parse_error"), "empty record");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize-bad/free-text");
	CHECK_INT(norm(&ev, FORMAT_AUTO, "just some words", 0), PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "just some words");
	CHECK_STR(dstr(&ev, "format"), "auto");
	event_clear(&ev);
	TEST_END();
}

static void
test_huge(void)
{
	struct siem_event	 ev;
	json_t			*t;
	char			*line;
	size_t			 o = 0;

	if ((line = malloc(BIG + 64)) == NULL)
		exit(1);

	TEST_BEGIN("normalize/10MB-json-line-truncated-not-dropped");
	memcpy(line, "{\"event_type\":\"big\",\"message\":\"", 31);
	o = 31;
	memset(line + o, 'x', BIG);
	o += BIG;
	memcpy(line + o, "\"}", 2);
	o += 2;
	CHECK_INT(norm(&ev, FORMAT_AUTO, line, o), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "big");
	CHECK_INT(strlen(event_get(&ev, EV_MESSAGE)), EVENT_MAX_MESSAGE);
	CHECK_INT(strlen(event_get(&ev, EV_RAW)), EVENT_MAX_MESSAGE);
	t = json_object_get(ev.data, "truncated");
	CHECK(json_integer_value(json_object_get(t, "raw")) == (json_int_t)o);
	CHECK(json_integer_value(json_object_get(t, "message")) == BIG);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("normalize-bad/10MB-text-line-parse-error");
	memset(line, 'y', BIG);
	CHECK_INT(norm(&ev, FORMAT_AUTO, line, BIG), PARSE_ERROR);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "parse_error");
	CHECK_INT(strlen(event_get(&ev, EV_MESSAGE)), EVENT_MAX_TEXT);
	CHECK_INT(strlen(event_get(&ev, EV_RAW)), EVENT_MAX_MESSAGE);
	t = json_object_get(ev.data, "truncated");
	CHECK(json_integer_value(json_object_get(t, "raw")) == BIG);
	event_clear(&ev);
	TEST_END();
	free(line);
}

int
main(void)
{
	test_detect();
	test_origin();
	test_forced();
	test_syslog_carried();
	test_app_forced();
	test_bad_json();
	test_bad_binary();
	test_bad_empty();
	test_huge();
	TEST_EXIT();
}
