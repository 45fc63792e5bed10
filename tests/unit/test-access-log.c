/*
 * access_log.c: common and combined logs as nginx and Apache write
 * them, X-Forwarded-For chains, IPv6, escapes, trailing fields, and
 * requests that are not HTTP; lines that are not access logs at all.
 * The filebeat nginx test log is read from ../shared/corpus (or
 * $SIEMD_CORPUS) at run time.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "normalize.h"
#include "test.h"

#define USEC		1000000LL
#define MAX_LINE	4096

static const struct record_hint hint = {
	FORMAT_ACCESS, "file", NULL, NULL, NULL, -1, 0, 0
};

static int	 parse(struct siem_event *, const char *);
static const char *dstr(const struct siem_event *, const char *);
static long long dint(const struct siem_event *, const char *);
static const char *xff(const struct siem_event *, size_t);
static void	 test_combined(void);
static void	 test_common(void);
static void	 test_vhost(void);
static void	 test_ipv6(void);
static void	 test_xff_trailing(void);
static void	 test_extra(void);
static void	 test_escapes(void);
static void	 test_malformed_request(void);
static void	 test_users(void);
static void	 test_corpus(void);
static void	 test_bad(void);

static int
parse(struct siem_event *ev, const char *line)
{
	const char	*r = NULL;

	event_init(ev);
	return (access_log_parse(ev, line, strlen(line), &hint, &r));
}

static const char *
dstr(const struct siem_event *ev, const char *key)
{
	if (ev->data == NULL)
		return (NULL);
	return (json_string_value(json_object_get(ev->data, key)));
}

static long long
dint(const struct siem_event *ev, const char *key)
{
	json_t	*v;

	if (ev->data == NULL || (v = json_object_get(ev->data, key)) == NULL ||
	    !json_is_integer(v))
		return (-1);
	return (json_integer_value(v));
}

static const char *
xff(const struct siem_event *ev, size_t i)
{
	if (ev->data == NULL)
		return (NULL);
	return (json_string_value(json_array_get(json_object_get(ev->data,
	    "x_forwarded_for"), i)));
}

static void
test_combined(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/combined");
	CHECK_INT(parse(&ev, "192.0.2.10 - frank [10/Oct/2000:13:55:36 -0700] "
	    "\"GET /apache_pb.gif?size=big HTTP/1.0\" 200 2326 "
	    "\"http://www.example.com/start.html\" "
	    "\"Mozilla/4.08 [en] (Win98; I ;Nav)\""), PARSE_OK);
	CHECK_INT(ev.ts, 971211336LL * USEC);
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.10");
	CHECK_STR(event_get(&ev, EV_USER_ID), "frank");
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "GET");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/apache_pb.gif");
	CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "size=big");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 200);
	CHECK_STR(event_get(&ev, EV_USER_AGENT),
	    "Mozilla/4.08 [en] (Win98; I ;Nav)");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "http_request");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "file");
	CHECK_STR(dstr(&ev, "referer"), "http://www.example.com/start.html");
	CHECK_STR(dstr(&ev, "protocol"), "HTTP/1.0");
	CHECK_INT(dint(&ev, "bytes"), 2326);
	CHECK(dstr(&ev, "ident") == NULL);
	CHECK(json_object_get(ev.data, "x_forwarded_for") == NULL);
	CHECK(event_get(&ev, EV_MESSAGE) != NULL &&
	    strncmp(event_get(&ev, EV_MESSAGE), "192.0.2.10 - frank", 18) == 0);
	event_clear(&ev);
	TEST_END();
}

static void
test_common(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/common");
	CHECK_INT(parse(&ev, "198.51.100.4 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"POST /login HTTP/1.1\" 401 -\n"), PARSE_OK);
	CHECK_INT(ev.ts, 1762164902LL * USEC);
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "POST");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/login");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 401);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	CHECK(event_get(&ev, EV_USER_AGENT) == NULL);
	CHECK_INT(dint(&ev, "bytes"), -1);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("access/http09-and-connect");
	CHECK_INT(parse(&ev, "198.51.100.4 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /\" 200 10"), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/");
	CHECK(dstr(&ev, "protocol") == NULL);
	event_clear(&ev);
	CHECK_INT(parse(&ev, "198.51.100.4 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"CONNECT example.com:443 HTTP/1.1\" 405 0"), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_METHOD), "CONNECT");
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "example.com:443");
	event_clear(&ev);
	TEST_END();
}

static void
test_vhost(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/apache-vhost-combined");
	CHECK_INT(parse(&ev, "www.example.com:443 192.0.2.10 - - "
	    "[03/Nov/2025:11:15:02 +0100] \"GET /index.html HTTP/1.1\" 304 0 "
	    "\"-\" \"curl/8.5.0\""), PARSE_OK);
	CHECK_INT(ev.ts, 1762164902LL * USEC);
	CHECK_STR(dstr(&ev, "vhost"), "www.example.com");
	CHECK_INT(ev.ints[EV_DEST_PORT], 443);
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.10");
	CHECK(dstr(&ev, "referer") == NULL);
	CHECK_STR(event_get(&ev, EV_USER_AGENT), "curl/8.5.0");
	CHECK(json_object_get(ev.data, "x_forwarded_for") == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_ipv6(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/ipv6-client");
	CHECK_INT(parse(&ev, "2001:db8::1 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /v6 HTTP/2.0\" 200 12 \"-\" \"ua\""), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_SRC_IP), "2001:db8::1");
	CHECK_STR(dstr(&ev, "protocol"), "HTTP/2.0");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "::ffff:192.0.2.1 - - [03/Nov/2025:10:15:02 +0000]"
	    " \"GET /v6 HTTP/1.1\" 200 12"), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_SRC_IP), "::ffff:192.0.2.1");
	event_clear(&ev);
	TEST_END();
}

static void
test_xff_trailing(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/nginx-trailing-xff");
	CHECK_INT(parse(&ev, "10.0.0.5 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /api HTTP/1.1\" 502 157 \"-\" \"python-requests/2.31\" "
	    "\"unknown, 203.0.113.9, 10.0.0.1\""), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_SRC_IP), "10.0.0.5");
	CHECK_STR(xff(&ev, 0), "unknown");
	CHECK_STR(xff(&ev, 1), "203.0.113.9");
	CHECK_STR(xff(&ev, 2), "10.0.0.1");
	CHECK_STR(dstr(&ev, "forwarded_client"), "203.0.113.9");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("access/nginx-trailing-xff-empty");
	CHECK_INT(parse(&ev, "10.0.0.5 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /api HTTP/1.1\" 200 157 \"-\" \"ua\" \"-\""), PARSE_OK);
	CHECK(json_object_get(ev.data, "x_forwarded_for") == NULL);
	CHECK(json_object_get(ev.data, "extra") == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("access/xff-bad-not-addresses-go-to-extra");
	CHECK_INT(parse(&ev, "10.0.0.5 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /api HTTP/1.1\" 200 157 \"-\" \"ua\" \"shop.example\""),
	    PARSE_OK);
	CHECK(json_object_get(ev.data, "x_forwarded_for") == NULL);
	CHECK_STR(json_string_value(json_array_get(json_object_get(ev.data,
	    "extra"), 0)), "shop.example");
	event_clear(&ev);
	TEST_END();
}

static void
test_extra(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/request-time");
	CHECK_INT(parse(&ev, "10.0.0.5 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /slow HTTP/1.1\" 200 5 \"-\" \"ua\" \"-\" 0.250"),
	    PARSE_OK);
	CHECK(ev.latency_ms == 250);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("access/key-value-fields");
	CHECK_INT(parse(&ev, "10.0.0.5 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /kv HTTP/1.1\" 200 5 \"-\" \"ua\" rt=0.042 "
	    "uct=\"0.001\" upstream=10.0.0.9:8080 1234"), PARSE_OK);
	CHECK(ev.latency_ms == 42);
	CHECK_STR(dstr(&ev, "rt"), "0.042");
	CHECK_STR(dstr(&ev, "uct"), "0.001");
	CHECK_STR(dstr(&ev, "upstream"), "10.0.0.9:8080");
	CHECK_STR(json_string_value(json_array_get(json_object_get(ev.data,
	    "extra"), 0)), "1234");
	event_clear(&ev);
	TEST_END();
}

static void
test_escapes(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/escaped-quotes");
	CHECK_INT(parse(&ev, "192.0.2.7 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /search?q=\\\"x\\\" HTTP/1.1\" 200 5 \"-\" "
	    "\"Mozilla \\\"quoted\\\" \\\\ agent\""), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/search");
	CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "q=\"x\"");
	CHECK_STR(event_get(&ev, EV_USER_AGENT), "Mozilla \"quoted\" \\ agent");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("access/nginx-hex-escapes");
	CHECK_INT(parse(&ev, "192.0.2.7 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /a\\x22b\\xC3 HTTP/1.1\" 200 5 \"-\" \"x\\x22y\""),
	    PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/a\"b\\xC3");
	CHECK_STR(event_get(&ev, EV_USER_AGENT), "x\"y");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("access/unescaped-quote-in-request");
	CHECK_INT(parse(&ev, "192.0.2.7 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /a\"b HTTP/1.1\" 404 5 \"-\" \"ua\""), PARSE_OK);
	CHECK_STR(event_get(&ev, EV_HTTP_PATH), "/a\"b");
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 404);
	CHECK_STR(event_get(&ev, EV_USER_AGENT), "ua");
	event_clear(&ev);
	TEST_END();
}

static void
test_malformed_request(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/malformed-request-scanner-garbage");
	CHECK_INT(parse(&ev, "203.0.113.66 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"\\x16\\x03\\x01\\x00\\xA5\\x01\\x00\" 400 157 \"-\" \"-\""),
	    PARSE_OK);
	CHECK(event_get(&ev, EV_HTTP_METHOD) == NULL);
	CHECK(event_get(&ev, EV_HTTP_PATH) == NULL);
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 400);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "203.0.113.66");
	CHECK_STR(dstr(&ev, "request"), "\\x16\\x03\\x01\\x00\\xA5\\x01\\x00");
	CHECK(json_is_true(json_object_get(ev.data, "malformed_request")));
	CHECK(event_get(&ev, EV_USER_AGENT) == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("access/malformed-request-dash-and-words");
	CHECK_INT(parse(&ev, "203.0.113.66 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"-\" 408 0 \"-\" \"-\""), PARSE_OK);
	CHECK(dstr(&ev, "request") == NULL);
	CHECK_INT(ev.ints[EV_HTTP_STATUS], 408);
	event_clear(&ev);
	CHECK_INT(parse(&ev, "203.0.113.66 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"get / http/1.1\" 400 0"), PARSE_OK);
	CHECK(event_get(&ev, EV_HTTP_METHOD) == NULL);
	CHECK_STR(dstr(&ev, "request"), "get / http/1.1");
	event_clear(&ev);
	CHECK_INT(parse(&ev, "203.0.113.66 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /a b c HTTP/1.1\" 400 0"), PARSE_OK);
	CHECK(event_get(&ev, EV_HTTP_PATH) == NULL);
	CHECK(dstr(&ev, "protocol") == NULL);
	event_clear(&ev);
	CHECK_INT(parse(&ev, "203.0.113.66 - - [03/Nov/2025:10:15:02 +0000] "
	    "\"GET /x HTTP/1.1\" - -"), PARSE_OK);
	CHECK_INT(ev.ints[EV_HTTP_STATUS], -1);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "unknown");
	event_clear(&ev);
	TEST_END();
}

static void
test_users(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("access/ident-authuser-hostname");
	CHECK_INT(parse(&ev, "client.example.org ident1 alice@example.org "
	    "[03/Nov/2025:10:15:02 +0000] \"GET /me HTTP/1.1\" 200 1"),
	    PARSE_OK);
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	CHECK_STR(dstr(&ev, "remote_host"), "client.example.org");
	CHECK_STR(dstr(&ev, "ident"), "ident1");
	CHECK_STR(event_get(&ev, EV_USER_ID), "alice@example.org");
	event_clear(&ev);
	TEST_END();
}

/* The filebeat nginx module's test log, line by line. */
static void
test_corpus(void)
{
	static const struct {
		const char	*src_ip;
		const char	*xff0;
		const char	*forwarded;
		const char	*path;
		int		 status;
		long long	 ts;
	} want[] = {
		{ "127.0.0.1", "10.0.0.2", "10.0.0.2", "/ocelot", 200,
		    1481105107 },
		{ "172.17.0.1", NULL, NULL, "/stringpatch", 404, 1496084568 },
		{ "85.181.35.98", "10.0.0.2", "10.0.0.2", "/ocelot", 200,
		    1481105107 },
		{ "85.181.35.98", NULL, NULL, "/ocelot", 200, 1481105107 },
		{ "10.2.1.185", "10.5.102.222", "10.5.102.222",
		    "/assets/xxxx", 200, 1453468709 },
		{ "10.2.2.121", "2a03:0000:10ff:f00f:0000:0000:0:8000",
		    "2a03:0000:10ff:f00f:0000:0000:0:8000", "/test.html", 404,
		    1483080429 },
		{ "127.0.0.1", NULL, NULL, NULL, 400, 1523519320 },
	};
	struct siem_event	 ev;
	const char		*corpus;
	char			 path[1024], line[MAX_LINE];
	FILE			*fp;
	size_t			 n = 0;

	if ((corpus = getenv("SIEMD_CORPUS")) == NULL)
		corpus = "../shared/corpus";
	snprintf(path, sizeof(path), "%s/elastic-beats/nginx_access_test.log",
	    corpus);
	if ((fp = fopen(path, "r")) == NULL) {
		printf("SKIP access/corpus-nginx: %s not found\n", path);
		return;
	}
	TEST_BEGIN("access/corpus-nginx");
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (n >= sizeof(want) / sizeof(want[0])) {
			CHECK(!"more lines than expected");
			break;
		}
		CHECK_INT(parse(&ev, line), PARSE_OK);
		CHECK_STR(event_get(&ev, EV_SRC_IP), want[n].src_ip);
		CHECK_STR(xff(&ev, 0), want[n].xff0);
		CHECK_STR(dstr(&ev, "forwarded_client"), want[n].forwarded);
		CHECK_STR(event_get(&ev, EV_HTTP_PATH), want[n].path);
		CHECK_INT(ev.ints[EV_HTTP_STATUS], want[n].status);
		CHECK_INT(ev.ts, want[n].ts * USEC);
		CHECK(json_object_get(ev.data, "extra") == NULL);
		if (n == 4) {
			CHECK_STR(event_get(&ev, EV_HTTP_QUERY), "q=100");
			CHECK_STR(event_get(&ev, EV_USER_AGENT),
			    "Amazon CloudFront");
			CHECK_INT(json_array_size(json_object_get(ev.data,
			    "x_forwarded_for")), 3);
		}
		if (n == 6)
			CHECK(json_is_true(json_object_get(ev.data,
			    "malformed_request")));
		event_clear(&ev);
		n++;
	}
	fclose(fp);
	CHECK_INT(n, sizeof(want) / sizeof(want[0]));
	TEST_END();
}

static void
test_bad(void)
{
	static const char	*lines[] = {
		"",
		"-",
		"{\"ts\":\"03/Nov/2025:10:15:02 +0000\"}",
		"Nov  3 10:15:02 host sshd[812]: Accepted password for root",
		"Nov  3 10:15:02 host nginx: 192.0.2.1 - - "
		    "[03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" 200 1",
		"host nginx: 192.0.2.1 - - [03/Nov/2025:10:15:02 +0000] "
		    "\"GET / HTTP/1.1\" 200 1",
		"- - [03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" 200 1",
		"192.0.2.1 - - [32/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" "
		    "200 1",
		"192.0.2.1 - - [03/Foo/2025:10:15:02 +0000] \"GET / HTTP/1.1\" "
		    "200 1",
		"192.0.2.1 - - [03/Nov/2025:25:15:02 +0000] \"GET / HTTP/1.1\" "
		    "200 1",
		"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000 \"GET / HTTP/1.1\" "
		    "200 1",
		"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000] GET / HTTP/1.1 "
		    "200 1",
		"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" "
		    "abc 1",
		"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" "
		    "200 12x",
		"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1",
		"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000]",
		"\"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000] \"GET /\" 200 1",
		"192.0.2.1 - - [03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" "
		    "1000 1",
		"[03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" 200 1",
		"a b c d e f g h i j k l m n o p q r s t u v w x y z - - "
		    "[03/Nov/2025:10:15:02 +0000] \"GET / HTTP/1.1\" 200 1",
	};
	struct siem_event	 ev;
	size_t			 i;

	TEST_BEGIN("access-bad/not-access-logs");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (parse(&ev, lines[i]) != PARSE_NOMATCH)
			printf("# line %zu matched\n", i);
		CHECK_INT(parse(&ev, lines[i]), PARSE_NOMATCH);
		CHECK(ev.data == NULL);
		CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
		event_clear(&ev);
	}
	TEST_END();

	TEST_BEGIN("access-bad/truncated-and-binary-never-overread");
	{
		const char	*full = "192.0.2.1 - - [03/Nov/2025:10:15:02 "
		    "+0000] \"GET /x HTTP/1.1\" 200 1 \"-\" \"ua\"";
		char		*copy;
		size_t		 len = strlen(full), n;

		for (n = 0; n <= len; n++) {
			/* exact-size copies let ASan see any overread */
			if ((copy = malloc(n == 0 ? 1 : n)) == NULL)
				exit(1);
			memcpy(copy, full, n);
			event_init(&ev);
			(void)access_log_parse(&ev, copy, n, &hint, NULL);
			event_clear(&ev);
			free(copy);
		}
	}
	TEST_END();
}

int
main(void)
{
	test_combined();
	test_common();
	test_vhost();
	test_ipv6();
	test_xff_trailing();
	test_extra();
	test_escapes();
	test_malformed_request();
	test_users();
	test_corpus();
	test_bad();
	TEST_EXIT();
}
