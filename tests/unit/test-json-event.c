/*
 * json_event.c: field aliases (flat, nested and dotted), time stamps
 * in ISO 8601 and epoch units, what stays in data_json, and JSON that
 * is broken, hostile or huge.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "normalize.h"
#include "test.h"

/* 2025-11-03T10:15:02Z */
#define TS_BASE		1762164902LL
#define USEC		1000000LL

static const struct record_hint hint = {
	FORMAT_JSONL, "file", NULL, NULL, NULL, -1, 0, 0
};

static int	 parse(struct siem_event *, const char *, const char **);
static const char *dstr(const struct siem_event *, const char *);
static long long dint(const struct siem_event *, const char *);
static void	 test_moneycontrol_login_failed(void);
static void	 test_moneycontrol_permission_denied(void);
static void	 test_moneycontrol_export(void);
static void	 test_moneycontrol_exception(void);
static void	 test_epoch(void);
static void	 test_iso8601(void);
static void	 test_dotted_and_nested(void);
static void	 test_url(void);
static void	 test_scalars(void);
static void	 test_outcome(void);
static void	 test_rest(void);
static void	 test_bad_not_object(void);
static void	 test_bad_invalid(void);
static void	 test_bad_depth(void);
static void	 test_bad_types(void);
static void	 test_bad_utf8(void);
static void	 test_bad_bignum(void);
static void	 test_huge(void);

static int
parse(struct siem_event *ev, const char *line, const char **reason)
{
	const char	*r = NULL;
	int		 rv;

	event_init(ev);
	rv = json_event_parse(ev, line, strlen(line), &hint, &r);
	if (reason != NULL)
		*reason = r;
	return (rv);
}

/* data_json[key] as a string, or NULL. */
static const char *
dstr(const struct siem_event *ev, const char *key)
{
	json_t	*v;

	if (ev->data == NULL || (v = json_object_get(ev->data, key)) == NULL)
		return (NULL);
	return (json_string_value(v));
}

/* data_json[key] as an integer, or -1. */
static long long
dint(const struct siem_event *ev, const char *key)
{
	json_t	*v;

	if (ev->data == NULL || (v = json_object_get(ev->data, key)) == NULL ||
	    !json_is_integer(v))
		return (-1);
	return (json_integer_value(v));
}

static void
test_moneycontrol_login_failed(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json/moneycontrol-login-failed");
	CHECK_INT(parse(&ev, "{\"ts\":\"2025-11-03T10:15:02.123Z\","
	    "\"level\":\"WARNING\",\"app\":\"MoneyControl\","
	    "\"event_type\":\"auth_oauth_google_login_failed\","
	    "\"message\":\"Google OAuth login failed\","
	    "\"request_id\":\"3f1c9a7e-5b2d-4e8f-9a61-0c2d7b8e4f10\","
	    "\"user_id\":\"u_123\",\"ip\":\"203.0.113.7\","
	    "\"http\":{\"method\":\"POST\",\"path\":\"/api/auth/google\","
	    "\"status\":401},\"latency_ms\":87,\"reason\":\"invalid_token\"}",
	    NULL), PARSE_OK);
	CHECK_INT(ev.ts, TS_BASE * USEC + 123000);
	CHECK_STR(event_get(&ev, EV_LEVEL), "WARNING");
	CHECK_STR(event_get(&ev, EV_APP), "MoneyControl");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE),
	    "auth_oauth_google_login_failed");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "Google OAuth login failed");
	CHECK_STR(event_get(&ev, EV_REQUEST_ID),
	    "3f1c9a7e-5b2d-4e8f-9a61-0c2d7b8e4f10");
	CHECK_STR(event_get(&ev, EV_USER_ID), "u_123");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "203.0.113.7");
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "POST");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/api/auth/google");
	CHECK(event_get(&ev, EV_HTTP_QUERY) == NULL);
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 401);
	CHECK(ev.latency_ms == 87);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "file");
	CHECK_STR(dstr(&ev, "reason"), "invalid_token");
	/* consumed fields are gone from data_json, the emptied object too */
	CHECK(json_object_get(ev.data, "http") == NULL);
	CHECK(json_object_get(ev.data, "ts") == NULL);
	CHECK(json_object_get(ev.data, "ip") == NULL);
	CHECK_INT(json_object_size(ev.data), 1);
	event_clear(&ev);
	TEST_END();
}

static void
test_moneycontrol_permission_denied(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json/moneycontrol-permission-denied");
	CHECK_INT(parse(&ev, "{\"ts\":\"2025-11-03T11:15:02.5+01:00\","
	    "\"level\":\"error\",\"app\":\"MoneyControl\","
	    "\"event_type\":\"permission_denied\","
	    "\"message\":\"User lacks permission transactions:export\","
	    "\"request_id\":\"req-7f3a\",\"user_id\":42,"
	    "\"ip\":\"2001:db8::7\",\"http\":{\"method\":\"GET\","
	    "\"path\":\"/api/transactions/export?format=csv&month=2025-10\","
	    "\"status\":403},\"latency_ms\":12.5,"
	    "\"required_permission\":\"transactions:export\","
	    "\"role\":\"viewer\"}", NULL), PARSE_OK);
	CHECK_INT(ev.ts, TS_BASE * USEC + 500000);
	CHECK_STR(event_get(&ev, EV_LEVEL), "error");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "permission_denied");
	CHECK_STR(event_get(&ev, EV_USER_ID), "42");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "2001:db8::7");
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "GET");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/api/transactions/export");
	CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "format=csv&month=2025-10");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 403);
	CHECK(ev.latency_ms == 12.5);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(dstr(&ev, "required_permission"), "transactions:export");
	CHECK_STR(dstr(&ev, "role"), "viewer");
	event_clear(&ev);
	TEST_END();
}

static void
test_moneycontrol_export(void)
{
	struct siem_event	 ev;
	json_t			*u, *x;

	TEST_BEGIN("json/moneycontrol-export");
	CHECK_INT(parse(&ev, "{\"timestamp\":1762164902,"
	    "\"severity\":\"INFO\",\"service\":\"MoneyControl\","
	    "\"event\":\"audit_transactions_exported\","
	    "\"msg\":\"Transactions exported\","
	    "\"user\":{\"id\":\"u_123\",\"name\":\"alice\"},"
	    "\"client_ip\":\"198.51.100.23\",\"method\":\"POST\","
	    "\"path\":\"/api/transactions/export\",\"status\":\"200\","
	    "\"duration_ms\":\"245\","
	    "\"export\":{\"format\":\"csv\",\"rows\":1532}}", NULL),
	    PARSE_OK);
	CHECK_INT(ev.ts, TS_BASE * USEC);
	CHECK_STR(event_get(&ev, EV_LEVEL), "INFO");
	CHECK_STR(event_get(&ev, EV_APP), "MoneyControl");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE),
	    "audit_transactions_exported");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "Transactions exported");
	CHECK_STR(event_get(&ev, EV_USER_ID), "alice");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "198.51.100.23");
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "POST");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/api/transactions/export");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 200);
	CHECK(ev.latency_ms == 245);
	CHECK(event_get(&ev, EV_OUTCOME) == NULL);
	/* what is left of a nested object stays nested */
	u = json_object_get(ev.data, "user");
	CHECK(u != NULL && json_object_size(u) == 1);
	CHECK_STR(json_string_value(json_object_get(u, "id")), "u_123");
	x = json_object_get(ev.data, "export");
	CHECK(x != NULL && json_integer_value(json_object_get(x, "rows")) ==
	    1532);
	event_clear(&ev);
	TEST_END();
}

static void
test_moneycontrol_exception(void)
{
	struct siem_event	 ev;
	json_t			*e;

	TEST_BEGIN("json/moneycontrol-unhandled-exception");
	CHECK_INT(parse(&ev, "{\"@timestamp\":\"2025-11-03T10:15:02Z\","
	    "\"log.level\":\"CRITICAL\",\"app\":\"MoneyControl\","
	    "\"event_type\":\"unhandled_exception\","
	    "\"message\":\"Unhandled exception in GET /api/reports/monthly\","
	    "\"request_id\":\"r-9\",\"host\":{\"name\":\"mc-web-1\"},"
	    "\"error\":{\"type\":\"ZeroDivisionError\","
	    "\"message\":\"division by zero\","
	    "\"stack\":\"Traceback (most recent call last):\\n  ...\"},"
	    "\"http.method\":\"GET\",\"http.path\":\"/api/reports/monthly\","
	    "\"http.status\":500,\"user_id\":\"u_9\"}", NULL), PARSE_OK);
	CHECK_INT(ev.ts, TS_BASE * USEC);
	CHECK_STR(event_get(&ev, EV_LEVEL), "CRITICAL");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "unhandled_exception");
	CHECK_STR(event_get(&ev, EV_HOST), "mc-web-1");
	CHECK_STR(event_get(&ev, EV_ERROR_TYPE), "ZeroDivisionError");
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "GET");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/api/reports/monthly");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 500);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	e = json_object_get(ev.data, "error");
	CHECK(e != NULL && json_object_get(e, "type") == NULL);
	CHECK_STR(json_string_value(json_object_get(e, "message")),
	    "division by zero");
	CHECK(json_object_get(ev.data, "host") == NULL);
	CHECK(json_object_get(ev.data, "http.method") == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_epoch(void)
{
	static const struct {
		const char	*line;
		long long	 us;
	} cases[] = {
		{ "{\"ts\":1762164902}", TS_BASE * USEC },
		{ "{\"ts\":1762164902123}", TS_BASE * USEC + 123000 },
		{ "{\"ts\":1762164902123456}", TS_BASE * USEC + 123456 },
		{ "{\"ts\":1762164902123456789}", TS_BASE * USEC + 123456 },
		{ "{\"ts\":1762164902.25}", TS_BASE * USEC + 250000 },
		{ "{\"time\":\"1762164902\"}", TS_BASE * USEC },
		{ "{\"time\":\"1762164902123\"}", TS_BASE * USEC + 123000 },
		{ "{\"time\":\"1762164902.5\"}", TS_BASE * USEC + 500000 },
		{ "{\"timestamp\":1762164902123.0}", TS_BASE * USEC + 123000 },
	};
	struct siem_event	 ev;
	size_t			 i;

	TEST_BEGIN("json/epoch-s-ms-us-ns");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(&ev, cases[i].line, NULL), PARSE_OK);
		CHECK_INT(ev.ts, cases[i].us);
		CHECK(ev.data == NULL);
		event_clear(&ev);
	}
	TEST_END();
}

static void
test_iso8601(void)
{
	static const struct {
		const char	*line;
		long long	 us;
	} cases[] = {
		{ "{\"ts\":\"2025-11-03T10:15:02Z\"}", TS_BASE * USEC },
		{ "{\"ts\":\"2025-11-03T10:15:02\"}", TS_BASE * USEC },
		{ "{\"ts\":\"2025-11-03 10:15:02.000001\"}",
		    TS_BASE * USEC + 1 },
		{ "{\"ts\":\"2025-11-03T05:15:02-05:00\"}", TS_BASE * USEC },
		{ "{\"ts\":\"2025-11-03T12:15:02+0200\"}", TS_BASE * USEC },
		{ "{\"ts\":\"2025-11-03T11:15:02+01\"}", TS_BASE * USEC },
		{ "{\"ts\":\"2025-11-03T10:15:02.123456789Z\"}",
		    TS_BASE * USEC + 123456 },
		{ "{\"ts\":\"2025-11-03t10:15:02,5z\"}",
		    TS_BASE * USEC + 500000 },
	};
	struct siem_event	 ev;
	size_t			 i;

	TEST_BEGIN("json/iso8601");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(&ev, cases[i].line, NULL), PARSE_OK);
		CHECK_INT(ev.ts, cases[i].us);
		event_clear(&ev);
	}
	TEST_END();

	TEST_BEGIN("json/iso8601-bad-kept-in-data");
	CHECK_INT(parse(&ev, "{\"ts\":\"yesterday\",\"message\":\"x\"}",
	    NULL), PARSE_OK);
	CHECK_INT(ev.ts, 0);
	CHECK_STR(dstr(&ev, "ts"), "yesterday");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "{\"ts\":\"2025-13-03T10:15:02Z\"}", NULL),
	    PARSE_OK);
	CHECK_INT(ev.ts, 0);
	event_clear(&ev);
	CHECK_INT(parse(&ev, "{\"ts\":\"2025-11-03T10:15:02Zjunk\"}", NULL),
	    PARSE_OK);
	CHECK_INT(ev.ts, 0);
	event_clear(&ev);
	/* a bad first alias lets the next one through */
	CHECK_INT(parse(&ev, "{\"ts\":-5,\"time\":1762164902}", NULL),
	    PARSE_OK);
	CHECK_INT(ev.ts, TS_BASE * USEC);
	CHECK_INT(dint(&ev, "ts"), -5);
	event_clear(&ev);
	TEST_END();
}

static void
test_dotted_and_nested(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json/dotted-key-and-nested-object");
	CHECK_INT(parse(&ev, "{\"http.method\":\"PUT\","
	    "\"http\":{\"path\":\"/a\"},\"source\":{\"ip\":\"192.0.2.1\","
	    "\"port\":5555},\"destination.ip\":\"192.0.2.2\","
	    "\"destination\":{\"port\":\"443\"},"
	    "\"user_agent\":{\"original\":\"curl/8.0\"},"
	    "\"service\":{\"name\":\"billing\"},\"event\":{\"action\":\"x\","
	    "\"outcome\":\"success\"},\"network.protocol\":\"https\"}", NULL),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "PUT");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/a");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.1");
	CHECK_INT(ev.ints[EV_SRC_PORT], 5555);
	CHECK_STR(event_get(&ev, EV_DEST_IP), "192.0.2.2");
	CHECK_INT(ev.ints[EV_DEST_PORT], 443);
	CHECK_STR(event_get(&ev, EV_USER_AGENT), "curl/8.0");
	CHECK_STR(event_get(&ev, EV_APP), "billing");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "x");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	CHECK_STR(event_get(&ev, EV_PROTOCOL), "https");
	CHECK(ev.data == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/literal-key-wins-over-nested");
	CHECK_INT(parse(&ev, "{\"http\":{\"method\":\"GET\"},"
	    "\"http.method\":\"POST\"}", NULL), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "POST");
	CHECK(json_object_get(ev.data, "http") != NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/first-alias-wins");
	CHECK_INT(parse(&ev, "{\"msg\":\"second\",\"message\":\"first\","
	    "\"ip\":\"192.0.2.9\",\"src_ip\":\"192.0.2.8\"}", NULL),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "first");
	CHECK_STR(dstr(&ev, "msg"), "second");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.8");
	CHECK_STR(dstr(&ev, "ip"), "192.0.2.9");
	event_clear(&ev);
	TEST_END();
}

static void
test_url(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json/url-full");
	CHECK_INT(parse(&ev, "{\"url\":\"https://shop.example/a/b?x=1&y\"}",
	    NULL), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/a/b");
	CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "x=1&y");
	CHECK_STR(dstr(&ev, "url"), "https://shop.example/a/b?x=1&y");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "{\"url\":\"http://h.example?q\"}", NULL),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/");
	CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "q");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/url-query-field");
	CHECK_INT(parse(&ev, "{\"path\":\"/search\",\"url\":{\"query\":"
	    "\"?q=1\"}}", NULL), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/search");
	CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "q=1");
	CHECK(ev.data == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/path-bad-not-a-url-path");
	CHECK_INT(parse(&ev, "{\"path\":\"relative/file.txt\"}", NULL),
	    PARSE_OK);
	CHECK(event_get(&ev, EV_HTTP_PATH) == NULL);
	CHECK_STR(dstr(&ev, "path"), "relative/file.txt");
	event_clear(&ev);
	TEST_END();
}

static void
test_scalars(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json/numbers-to-text");
	CHECK_INT(parse(&ev, "{\"user_id\":123456789012,\"level\":30,"
	    "\"request_id\":7,\"pid\":\"4242\"}", NULL), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_USER_ID), "123456789012");
	CHECK_STR(event_get(&ev, EV_LEVEL), "30");
	CHECK_STR(event_get(&ev, EV_REQUEST_ID), "7");
	CHECK_INT(ev.ints[EV_PID], 4242);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/status-bad-values-stay");
	CHECK_INT(parse(&ev, "{\"status\":\"ok\",\"http\":{\"status\":"
	    "1000},\"status_code\":0,\"src_port\":70000,\"latency_ms\":-3}",
	    NULL), PARSE_OK);
	CHECK_INT(ev.ints[EV_HTTP_STATUS], -1);
	CHECK_INT(ev.ints[EV_SRC_PORT], -1);
	CHECK(ev.latency_ms < 0);
	CHECK_STR(dstr(&ev, "status"), "ok");
	CHECK_INT(dint(&ev, "src_port"), 70000);
	CHECK_INT(dint(&ev, "status_code"), 0);
	event_clear(&ev);
	TEST_END();
}

static void
test_outcome(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json/outcome-words");
	CHECK_INT(parse(&ev, "{\"outcome\":\"FAILED\"}", NULL), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "{\"outcome\":true}", NULL), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "{\"outcome\":\"maybe\"}", NULL), PARSE_OK);
	CHECK(event_get(&ev, EV_OUTCOME) == NULL);
	CHECK_STR(dstr(&ev, "outcome"), "maybe");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "{\"event_type\":\"login_denied\"}", NULL),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "{\"event_type\":\"login\",\"status\":302}",
	    NULL), PARSE_OK);
	CHECK(event_get(&ev, EV_OUTCOME) == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_rest(void)
{
	struct siem_event	 ev;
	json_t			*a;

	TEST_BEGIN("json/rest-preserved");
	CHECK_INT(parse(&ev, "  {\"message\":\"m\",\"tags\":[\"a\",{\"b\":"
	    "null}],\"n\":1.5,\"ok\":false,\"nested\":{\"deep\":{\"x\":1}}}"
	    " \n", NULL), PARSE_OK);
	a = json_object_get(ev.data, "tags");
	CHECK(json_is_array(a) && json_array_size(a) == 2);
	CHECK(json_is_real(json_object_get(ev.data, "n")));
	CHECK(json_is_false(json_object_get(ev.data, "ok")));
	CHECK(json_integer_value(json_object_get(json_object_get(
	    json_object_get(ev.data, "nested"), "deep"), "x")) == 1);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/byte-order-mark");
	CHECK_INT(parse(&ev, "\xef\xbb\xbf{\"message\":\"m\"}", NULL),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "m");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/empty-object");
	CHECK_INT(parse(&ev, "{}", NULL), PARSE_OK);
	CHECK(ev.data == NULL);
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "file");
	event_clear(&ev);
	TEST_END();
}

static void
test_bad_not_object(void)
{
	struct siem_event	 ev;
	const char		*reason = NULL;

	TEST_BEGIN("json-bad/not-an-object-nomatch");
	CHECK_INT(parse(&ev, "hello world", NULL), PARSE_NOMATCH);
	CHECK_INT(parse(&ev, "[1,2,3]", NULL), PARSE_NOMATCH);
	CHECK_INT(parse(&ev, "", NULL), PARSE_NOMATCH);
	CHECK_INT(parse(&ev, "   ", NULL), PARSE_NOMATCH);
	CHECK_INT(parse(&ev, "<13>Nov  3 10:00:00 h app: {\"a\":1}", NULL),
	    PARSE_NOMATCH);
	CHECK(ev.data == NULL && event_get(&ev, EV_SOURCE_TYPE) == NULL);
	TEST_END();

	TEST_BEGIN("json-bad/object-then-garbage");
	CHECK_INT(parse(&ev, "{\"a\":1} trailing", &reason), PARSE_ERROR);
	CHECK(reason != NULL && strstr(reason, "column") != NULL);
	CHECK(ev.data == NULL);
	TEST_END();
}

static void
test_bad_invalid(void)
{
	static const char	*lines[] = {
		"{",
		"{\"a\":1,",
		"{\"a\" 1}",
		"{'a':1}",
		"{\"a\":tru}",
		"{\"a\":\"unterminated}",
		"{\"a\":\"\\uZZZZ\"}",
		"{\"a\":1}}",
		"{\"a\":[1,2}",
		"{\"a\":01}",
	};
	struct siem_event	 ev;
	const char		*reason;
	size_t			 i;

	TEST_BEGIN("json-bad/invalid-reason-with-column");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		reason = NULL;
		CHECK_INT(parse(&ev, lines[i], &reason), PARSE_ERROR);
		CHECK(reason != NULL && strncmp(reason, "invalid JSON: ", 14) ==
		    0 && strstr(reason, "at column ") != NULL);
		event_clear(&ev);
	}
	TEST_END();
}

static void
test_bad_depth(void)
{
	struct siem_event	 ev;
	const char		*reason = NULL;
	char			*line;
	size_t			 i, n = 100, o = 0;

	TEST_BEGIN("json-bad/too-deep");
	if ((line = malloc(n * 10 + 16)) == NULL)
		exit(1);
	for (i = 0; i < n; i++) {
		memcpy(line + o, "{\"a\":", 5);
		o += 5;
	}
	line[o++] = '1';
	for (i = 0; i < n; i++)
		line[o++] = '}';
	line[o] = '\0';
	CHECK_INT(parse(&ev, line, &reason), PARSE_ERROR);
	CHECK(reason != NULL && strstr(reason, "deeper") != NULL);
	event_clear(&ev);

	/* brackets inside strings do not count */
	o = 0;
	line[o++] = '{';
	memcpy(line + o, "\"s\":\"", 5);
	o += 5;
	for (i = 0; i < n; i++)
		line[o++] = '[';
	memcpy(line + o, "\\\"\"}", 4);
	o += 4;
	line[o] = '\0';
	CHECK_INT(parse(&ev, line, &reason), PARSE_OK);
	event_clear(&ev);
	free(line);

	/* 64 levels are fine */
	CHECK_INT(parse(&ev, "{\"a\":[[[[[[[[[[1]]]]]]]]]]}", NULL),
	    PARSE_OK);
	event_clear(&ev);
	TEST_END();
}

static void
test_bad_types(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json-bad/wrong-types-stay-in-data");
	CHECK_INT(parse(&ev, "{\"event_type\":{\"x\":1},\"message\":[1],"
	    "\"app\":7,\"src_ip\":\"not-an-ip\",\"ip\":\"300.1.1.1\","
	    "\"http\":{\"method\":null},\"user_id\":true}", NULL), PARSE_OK);
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	CHECK(event_get(&ev, EV_MESSAGE) == NULL);
	CHECK(event_get(&ev, EV_APP) == NULL);
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	CHECK(event_get(&ev, EV_HTTP_METHOD) == NULL);
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	CHECK(json_is_object(json_object_get(ev.data, "event_type")));
	CHECK_STR(dstr(&ev, "src_ip"), "not-an-ip");
	CHECK_STR(dstr(&ev, "ip"), "300.1.1.1");
	CHECK(json_is_true(json_object_get(ev.data, "user_id")));
	event_clear(&ev);
	TEST_END();
}

static void
test_bad_utf8(void)
{
	struct siem_event	 ev;
	const char		*m;

	TEST_BEGIN("json-bad/invalid-utf8-repaired");
	CHECK_INT(parse(&ev, "{\"message\":\"caf\xe9 ok\",\"k\":\"\xff\"}",
	    NULL), PARSE_OK);
	m = event_get(&ev, EV_MESSAGE);
	CHECK_STR(m, "caf\xef\xbf\xbd ok");
	CHECK_STR(dstr(&ev, "k"), "\xef\xbf\xbd");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json-bad/escaped-nul");
	CHECK_INT(parse(&ev, "{\"message\":\"a\\u0000b\"}", NULL), PARSE_OK);
	CHECK(event_get(&ev, EV_MESSAGE) != NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_bad_bignum(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("json-bad/integer-overflow-as-real");
	CHECK_INT(parse(&ev, "{\"message\":\"m\",\"n\":"
	    "123456789012345678901234567890}", NULL), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_MESSAGE), "m");
	CHECK(json_is_real(json_object_get(ev.data, "n")));
	event_clear(&ev);
	TEST_END();
}

static void
test_huge(void)
{
	struct siem_event	 ev;
	json_t			*t;
	char			*line;
	size_t			 n = 10 * 1024 * 1024, o = 0;

	TEST_BEGIN("json/10MB-message-truncated");
	if ((line = malloc(n + 64)) == NULL)
		exit(1);
	memcpy(line + o, "{\"message\":\"", 12);
	o += 12;
	memset(line + o, 'A', n);
	o += n;
	memcpy(line + o, "\",\"big\":\"", 9);
	o += 9;
	memset(line + o, 'B', 40);
	o += 40;
	memcpy(line + o, "\"}", 3);
	CHECK_INT(parse(&ev, line, NULL), PARSE_OK);
	CHECK_INT(strlen(event_get(&ev, EV_MESSAGE)), EVENT_MAX_MESSAGE);
	t = json_object_get(ev.data, "truncated");
	CHECK(t != NULL && json_integer_value(json_object_get(t, "message")) ==
	    (json_int_t)n);
	CHECK_INT(strlen(dstr(&ev, "big")), 40);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("json/10MB-data-capped");
	o = 0;
	memcpy(line + o, "{\"blob\":\"", 9);
	o += 9;
	memset(line + o, 'C', n);
	o += n;
	memcpy(line + o, "\"}", 3);
	CHECK_INT(parse(&ev, line, NULL), PARSE_OK);
	CHECK(json_object_get(ev.data, "blob") == NULL);
	CHECK(dint(&ev, "data_truncated") > (long long)n);
	CHECK(dstr(&ev, "data_prefix") != NULL &&
	    strncmp(dstr(&ev, "data_prefix"), "{\"blob\":\"CCC", 12) == 0);
	event_clear(&ev);
	free(line);
	TEST_END();
}

int
main(void)
{
	test_moneycontrol_login_failed();
	test_moneycontrol_permission_denied();
	test_moneycontrol_export();
	test_moneycontrol_exception();
	test_epoch();
	test_iso8601();
	test_dotted_and_nested();
	test_url();
	test_scalars();
	test_outcome();
	test_rest();
	test_bad_not_object();
	test_bad_invalid();
	test_bad_depth();
	test_bad_types();
	test_bad_utf8();
	test_bad_bignum();
	test_huge();
	TEST_EXIT();
}
