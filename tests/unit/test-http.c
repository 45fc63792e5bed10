/*
 * The web front end's pure parts: the HTTP/1.1 request parser (split
 * at every byte, pipelining, limits, smuggling defences, chunked
 * bodies, percent-decoding), query strings, addresses, CIDRs and the
 * forwarding walk, CORS decisions, route matching under a prefix,
 * the OpenAPI document against the route table and the parameter
 * tables of the search filters, and static file types.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "web/http.h"
#include "web/router.h"
#include "web/api.h"

#include "test.h"

#define LIMIT	4096

/* the parent's state, which the library's child code refers to */
struct siemd_env	 env;

/* Parse one whole buffer; the result, with *used. */
static enum http_result
parse_all(struct http_parser *p, const char *s, size_t len, size_t *used)
{
	enum http_result	 r;
	size_t			 off = 0, n;

	do {
		r = http_parse(p, s + off, len - off, &n);
		off += n;
	} while (r == HTTP_HEAD);
	*used = off;
	return (r);
}

/* The status a request gets: 0 for a complete request. */
static int
verdict(const char *s)
{
	struct http_parser	 p;
	enum http_result	 r;
	size_t			 used;
	int			 status;

	http_parser_init(&p, LIMIT);
	r = parse_all(&p, s, strlen(s), &used);
	status = r == HTTP_DONE ? 0 : r == HTTP_ERROR ? p.status : -1;
	http_parser_free(&p);
	return (status);
}

static int
verdict_n(const char *s, size_t len)
{
	struct http_parser	 p;
	enum http_result	 r;
	size_t			 used;
	int			 status;

	http_parser_init(&p, LIMIT);
	r = parse_all(&p, s, len, &used);
	status = r == HTTP_DONE ? 0 : r == HTTP_ERROR ? p.status : -1;
	http_parser_free(&p);
	return (status);
}

static void
test_simple(void)
{
	struct http_parser	 p;
	const char		*s = "GET /api/v1/events?limit=10&q=a%20b "
	    "HTTP/1.1\r\nHost: siem\r\nUser-Agent:  curl/8 \r\n"
	    "X-Empty:\r\n\r\n";
	size_t			 used;

	TEST_BEGIN("parse-simple-get");
	http_parser_init(&p, LIMIT);
	CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
	CHECK_INT(used, strlen(s));
	CHECK_INT(p.req.method, HTTP_M_GET);
	CHECK_STR(p.req.method_name, "GET");
	CHECK_STR(p.req.path, "/api/v1/events");
	CHECK_STR(p.req.query, "limit=10&q=a%20b");
	CHECK_INT(p.req.minor, 1);
	CHECK_INT(p.req.keepalive, 1);
	CHECK_INT(p.req.nfields, 3);
	CHECK_STR(http_field(&p.req, "host"), "siem");
	CHECK_STR(http_field(&p.req, "USER-AGENT"), "curl/8");
	CHECK_STR(http_field(&p.req, "X-Empty"), "");
	CHECK(http_field(&p.req, "Cookie") == NULL);
	CHECK(p.req.body == NULL);
	CHECK_INT(p.req.bodylen, 0);
	http_parser_free(&p);
	TEST_END();
}

/* Every request below, fed one byte at a time, parses the same. */
static void
test_split(void)
{
	static const char	*reqs[] = {
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
		    "hello",
		"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"
		    "\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
		"GET /a%41?x=1 HTTP/1.0\nX: y\n\n",
		"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
	};
	struct http_parser	 a, b;
	enum http_result	 r;
	size_t			 i, k, used, len;
	int			 ok;

	TEST_BEGIN("parse-split-every-byte");
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		len = strlen(reqs[i]);
		http_parser_init(&a, LIMIT);
		CHECK_INT(parse_all(&a, reqs[i], len, &used), HTTP_DONE);
		http_parser_init(&b, LIMIT);
		r = HTTP_MORE;
		ok = 1;
		for (k = 0; k < len; k++) {
			r = http_parse(&b, reqs[i] + k, 1, &used);
			if (used != 1 || (r != HTTP_MORE && r != HTTP_HEAD &&
			    k + 1 < len))
				ok = 0;
		}
		CHECK(ok);
		CHECK_INT(r, HTTP_DONE);
		CHECK_STR(a.req.path, b.req.path);
		CHECK_INT(a.req.nfields, b.req.nfields);
		CHECK_INT(a.req.bodylen, b.req.bodylen);
		if (a.req.bodylen > 0 && b.req.bodylen == a.req.bodylen)
			CHECK(memcmp(a.req.body, b.req.body,
			    a.req.bodylen) == 0);
		http_parser_free(&a);
		http_parser_free(&b);
	}
	TEST_END();
}

static void
test_pipelined(void)
{
	struct http_parser	 p;
	const char		*s = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
	    "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
	    "GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
	size_t			 used, off = 0, len = strlen(s);

	TEST_BEGIN("parse-pipelined");
	http_parser_init(&p, LIMIT);
	CHECK_INT(parse_all(&p, s, len, &used), HTTP_DONE);
	CHECK_STR(p.req.path, "/one");
	off += used;
	http_parser_reset(&p);
	CHECK_INT(parse_all(&p, s + off, len - off, &used), HTTP_DONE);
	CHECK_STR(p.req.path, "/two");
	CHECK_INT(p.req.bodylen, 3);
	CHECK_STR((char *)p.req.body, "abc");
	off += used;
	http_parser_reset(&p);
	CHECK_INT(parse_all(&p, s + off, len - off, &used), HTTP_DONE);
	CHECK_STR(p.req.path, "/three");
	CHECK_INT(p.req.keepalive, 0);
	CHECK_INT(off + used, len);
	http_parser_free(&p);
	TEST_END();
}

static void
test_versions(void)
{
	TEST_BEGIN("parse-http10-closes");
	{
		struct http_parser	 p;
		size_t			 used;
		const char		*s = "GET / HTTP/1.0\r\n"
		    "Connection: keep-alive\r\n\r\n";

		http_parser_init(&p, LIMIT);
		CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
		CHECK_INT(p.req.minor, 0);
		CHECK_INT(p.req.keepalive, 0);
		http_parser_free(&p);
	}
	TEST_END();

	TEST_BEGIN("parse-bad-version");
	CHECK_INT(verdict("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
	CHECK_INT(verdict("GET / HTTP/1.1x\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET / http/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /\r\n\r\n"), 400);
	CHECK_INT(verdict("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"), 400);
	TEST_END();

	TEST_BEGIN("parse-bad-host");
	CHECK_INT(verdict("GET / HTTP/1.1\r\n\r\n"), 400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
	    400);
	CHECK_INT(verdict("GET / HTTP/1.0\r\n\r\n"), 0);
	TEST_END();
}

static void
test_methods(void)
{
	struct http_parser	 p;
	size_t			 used;
	const char		*s = "BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n";

	TEST_BEGIN("parse-unknown-method");
	http_parser_init(&p, LIMIT);
	CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
	CHECK_INT(p.req.method, HTTP_M_OTHER);
	CHECK_STR(p.req.method_name, "BREW");
	http_parser_free(&p);
	CHECK_INT(http_method_of("get"), HTTP_M_OTHER);
	CHECK_INT(http_method_of("PATCH"), HTTP_M_PATCH);
	CHECK_INT(http_method_of("OPTIONS"), HTTP_M_OPTIONS);
	TEST_END();

	TEST_BEGIN("parse-bad-method");
	CHECK_INT(verdict("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("AVERYVERYLONGMETHODNAME / HTTP/1.1\r\n"
	    "Host: a\r\n\r\n"), 400);
	TEST_END();
}

static void
test_limits(void)
{
	char	*big;
	size_t	 n;
	int	 i;

	big = malloc(3 * HTTP_MAX_HEAD);
	if (big == NULL)
		abort();

	TEST_BEGIN("parse-bad-headers-too-large");
	n = snprintf(big, 3 * HTTP_MAX_HEAD, "GET / HTTP/1.1\r\nHost: a\r\n"
	    "X-Big: ");
	memset(big + n, 'a', HTTP_MAX_HEAD);
	strlcpy(big + n + HTTP_MAX_HEAD, "\r\n\r\n", 5);
	CHECK_INT(verdict(big), 431);
	TEST_END();

	TEST_BEGIN("parse-headers-at-the-limit");
	n = snprintf(big, 3 * HTTP_MAX_HEAD, "GET / HTTP/1.1\r\nHost: a\r\n"
	    "X-Big: ");
	memset(big + n, 'a', HTTP_MAX_HEAD - n - 4);
	strlcpy(big + HTTP_MAX_HEAD - 4, "\r\n\r\n", 5);
	CHECK_INT(strlen(big), HTTP_MAX_HEAD);
	CHECK_INT(verdict(big), 0);
	TEST_END();

	TEST_BEGIN("parse-bad-target-too-long");
	n = snprintf(big, 3 * HTTP_MAX_HEAD, "GET /");
	memset(big + n, 'a', HTTP_MAX_TARGET);
	strlcpy(big + n + HTTP_MAX_TARGET, " HTTP/1.1\r\nHost: a\r\n\r\n",
	    64);
	CHECK_INT(verdict(big), 414);
	n = snprintf(big, 3 * HTTP_MAX_HEAD, "GET /");
	memset(big + n, 'a', 2 * HTTP_MAX_HEAD);
	big[n + 2 * HTTP_MAX_HEAD] = '\0';
	CHECK_INT(verdict(big), 414);
	memset(big, 'A', 2 * HTTP_MAX_HEAD);
	big[2 * HTTP_MAX_HEAD] = '\0';
	CHECK_INT(verdict(big), 400);
	TEST_END();

	TEST_BEGIN("parse-bad-too-many-fields");
	n = snprintf(big, 3 * HTTP_MAX_HEAD, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 0; i < HTTP_MAX_HEADERS; i++)
		n += snprintf(big + n, 3 * HTTP_MAX_HEAD - n, "X%d: y\r\n", i);
	snprintf(big + n, 3 * HTTP_MAX_HEAD - n, "\r\n");
	CHECK_INT(verdict(big), 431);
	TEST_END();

	TEST_BEGIN("parse-bad-empty-lines");
	CHECK_INT(verdict("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n"
	    "\r\n"), 400);
	CHECK_INT(verdict("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	TEST_END();
	free(big);
}

static void
test_fields(void)
{
	TEST_BEGIN("parse-bad-obs-fold");
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"),
	    400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n"),
	    400);
	TEST_END();

	TEST_BEGIN("parse-bad-field-syntax");
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"),
	    400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n"), 400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nX\"y: z\r\n\r\n"),
	    400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"),
	    400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01" "b\r\n\r\n"),
	    400);
	CHECK_INT(verdict_n("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n",
	    sizeof("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n") - 1),
	    400);
	CHECK_INT(verdict("GET / HTTP/1.1\r\nHost: a\r\nExpect: nothing\r\n"
	    "\r\n"), 417);
	TEST_END();

	TEST_BEGIN("parse-field-values");
	{
		struct http_parser	 p;
		char			 list[64];
		size_t			 used;
		const char		*s = "GET / HTTP/1.1\r\nHost: a\r\n"
		    "X-Forwarded-For: 1.1.1.1\r\nConnection: Keep-Alive, "
		    "CLOSE\r\nX-Forwarded-For: 2.2.2.2,3.3.3.3\r\n"
		    "X-Utf8: caf\xc3\xa9\r\n\r\n";

		http_parser_init(&p, LIMIT);
		CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
		CHECK_INT(p.req.keepalive, 0);
		CHECK_INT(http_field_list(&p.req, "x-forwarded-for", list,
		    sizeof(list)), 2);
		CHECK_STR(list, "1.1.1.1, 2.2.2.2,3.3.3.3");
		CHECK_INT(http_field_list(&p.req, "x-forwarded-for", list,
		    10), -1);
		CHECK_STR(http_field(&p.req, "X-Utf8"), "caf\xc3\xa9");
		http_parser_free(&p);
	}
	CHECK(http_token_has("a, b ,close", "close"));
	CHECK(http_token_has("Close", "close"));
	CHECK(!http_token_has("closed, x", "close"));
	CHECK(!http_token_has("", "close"));
	TEST_END();
}

static void
test_content_length(void)
{
	struct http_parser	 p;
	size_t			 used;
	const char		*s;

	TEST_BEGIN("parse-content-length-body");
	s = "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"
	    "hello world";
	http_parser_init(&p, LIMIT);
	CHECK_INT(http_parse(&p, s, strlen(s), &used), HTTP_HEAD);
	CHECK_INT(p.req.content_length, 11);
	CHECK_INT(parse_all(&p, s + used, strlen(s) - used, &used),
	    HTTP_DONE);
	CHECK_INT(p.req.bodylen, 11);
	CHECK_STR((char *)p.req.body, "hello world");
	http_parser_free(&p);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0"
	    "\r\n\r\n"), 0);
	TEST_END();

	TEST_BEGIN("parse-bad-content-length");
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	    "Content-Length: 5\r\n\r\nhello"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	    "Content-Length: 6\r\n\r\nhello!"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5"
	    "\r\n\r\nhello"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5"
	    "\r\n\r\nhello"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1"
	    "\r\n\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: "
	    "\r\n\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: "
	    "99999999999999999999\r\n\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
	TEST_END();

	TEST_BEGIN("parse-bad-body-too-large");
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4097"
	    "\r\n\r\n"), 413);
	TEST_END();
}

static void
test_chunked(void)
{
	struct http_parser	 p;
	size_t			 used;
	const char		*s;
	char			*big;
	size_t			 n;

	TEST_BEGIN("parse-chunked-body");
	s = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n"
	    "\r\n5\r\nhello\r\n6; name=\"v\"\r\n world\r\nA\r\n0123456789"
	    "\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
	http_parser_init(&p, LIMIT);
	CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
	CHECK_INT(used, strlen(s) - 4);
	CHECK_INT(p.req.chunked, 1);
	CHECK_INT(p.req.bodylen, 21);
	CHECK_STR((char *)p.req.body, "hello world0123456789");
	http_parser_free(&p);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\n\n"), 0);
	TEST_END();

	TEST_BEGIN("parse-bad-chunked");
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "gzip, chunked\r\n\r\n"), 501);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\r\n\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\nzz\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n;x\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n1\rx"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\r\n folded: x\r\n\r\n"), 400);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n00000000000000001\r\na\r\n0\r\n\r\n"), 400);
	TEST_END();

	TEST_BEGIN("parse-bad-chunked-too-large");
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n1001\r\n"), 413);
	CHECK_INT(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\nffffffffffffffff\r\n"), 413);
	/* many small chunks add up past the limit */
	if ((big = malloc(LIMIT * 8)) == NULL)
		abort();
	n = snprintf(big, LIMIT * 8, "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	while (n + 16 < LIMIT * 8)
		n += snprintf(big + n, LIMIT * 8 - n, "4\r\nabcd\r\n");
	CHECK_INT(verdict(big), 413);
	free(big);
	TEST_END();
}

static void
test_targets(void)
{
	struct http_parser	 p;
	size_t			 used;
	const char		*s;

	TEST_BEGIN("parse-percent-decoding");
	s = "GET /a%20b/caf%C3%A9/%7Euser?x=%2F HTTP/1.1\r\nHost: a\r\n\r\n";
	http_parser_init(&p, LIMIT);
	CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
	CHECK_STR(p.req.path, "/a b/caf\xc3\xa9/~user");
	CHECK_STR(p.req.query, "x=%2F");
	http_parser_free(&p);
	TEST_END();

	TEST_BEGIN("parse-absolute-form");
	s = "GET http://siem.example/x/y?z=1 HTTP/1.1\r\nHost: a\r\n\r\n";
	http_parser_init(&p, LIMIT);
	CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
	CHECK_STR(p.req.path, "/x/y");
	CHECK_STR(p.req.query, "z=1");
	http_parser_free(&p);
	s = "GET https://siem.example HTTP/1.1\r\nHost: a\r\n\r\n";
	http_parser_init(&p, LIMIT);
	CHECK_INT(parse_all(&p, s, strlen(s), &used), HTTP_DONE);
	CHECK_STR(p.req.path, "/");
	http_parser_free(&p);
	TEST_END();

	TEST_BEGIN("parse-bad-paths");
	CHECK_INT(verdict("GET /a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a%2fb HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a%0Ab HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a% HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a/../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n"),
	    400);
	CHECK_INT(verdict("GET /a/%2e%2e/b HTTP/1.1\r\nHost: a\r\n\r\n"),
	    400);
	CHECK_INT(verdict("GET /.. HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /./x HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET a/b HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_INT(verdict("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n"),
	    400);
	CHECK_INT(verdict_n("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n",
	    sizeof("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n") - 1), 400);
	CHECK_INT(verdict("GET /...hidden/..x HTTP/1.1\r\nHost: a\r\n\r\n"),
	    0);
	TEST_END();
}

static void
test_query(void)
{
	struct http_param	 q[HTTP_MAX_QUERY];
	char			 buf[512], many[1024];
	int			 n, i;

	TEST_BEGIN("query-parse");
	n = http_query_parse("a=1&b=x%20y+z&a=2&flag&e=&&c=%C3%A9", q,
	    HTTP_MAX_QUERY, buf, sizeof(buf));
	CHECK_INT(n, 6);
	if (n == 6) {
		CHECK_STR(q[0].name, "a");
		CHECK_STR(q[0].value, "1");
		CHECK_STR(q[1].value, "x y z");
		CHECK_STR(q[2].name, "a");
		CHECK_STR(q[2].value, "2");
		CHECK_STR(q[3].name, "flag");
		CHECK_STR(q[3].value, "");
		CHECK_STR(q[4].name, "e");
		CHECK_STR(q[4].value, "");
		CHECK_STR(q[5].value, "\xc3\xa9");
	}
	CHECK_STR(http_query_get(q, n, "a"), "1");
	CHECK(http_query_get(q, n, "z") == NULL);
	CHECK_INT(http_query_parse("", q, HTTP_MAX_QUERY, buf, sizeof(buf)),
	    0);
	TEST_END();

	TEST_BEGIN("query-bad");
	CHECK_INT(http_query_parse("a=%zz", q, HTTP_MAX_QUERY, buf,
	    sizeof(buf)), -1);
	CHECK_INT(http_query_parse("a=%00", q, HTTP_MAX_QUERY, buf,
	    sizeof(buf)), -1);
	CHECK_INT(http_query_parse("a%=1", q, HTTP_MAX_QUERY, buf,
	    sizeof(buf)), -1);
	many[0] = '\0';
	for (i = 0; i < HTTP_MAX_QUERY + 1; i++)
		strlcat(many, "k=v&", sizeof(many));
	CHECK_INT(http_query_parse(many, q, HTTP_MAX_QUERY, buf,
	    sizeof(buf)), -1);
	CHECK_INT(http_query_parse("abcdef=ghijkl", q, HTTP_MAX_QUERY, buf,
	    8), -1);
	TEST_END();
}

static void
test_addresses(void)
{
	struct cidr	 c;
	char		 a[ROUTER_MAX_ADDR];

	TEST_BEGIN("cidr-parse");
	CHECK_INT(cidr_parse("10.0.0.0/8", &c), 0);
	CHECK_INT(c.bits, 8);
	CHECK_INT(cidr_parse("127.0.0.1", &c), 0);
	CHECK_INT(c.bits, 32);
	CHECK_INT(cidr_parse("fe80::/10", &c), 0);
	CHECK_INT(cidr_parse("::1", &c), 0);
	CHECK_INT(c.bits, 128);
	CHECK_INT(cidr_parse("0.0.0.0/0", &c), 0);
	TEST_END();

	TEST_BEGIN("cidr-bad");
	CHECK_INT(cidr_parse("10.0.0.0/33", &c), -1);
	CHECK_INT(cidr_parse("10.0.0.0/", &c), -1);
	CHECK_INT(cidr_parse("10.0.0.0/-1", &c), -1);
	CHECK_INT(cidr_parse("10.0.0/8", &c), -1);
	CHECK_INT(cidr_parse("proxy.example", &c), -1);
	CHECK_INT(cidr_parse("::1/129", &c), -1);
	CHECK_INT(cidr_parse("", &c), -1);
	TEST_END();

	TEST_BEGIN("cidr-match");
	cidr_parse("10.0.0.0/8", &c);
	CHECK(cidr_match(&c, "10.255.1.2"));
	CHECK(cidr_match(&c, "::ffff:10.1.2.3"));
	CHECK(!cidr_match(&c, "11.0.0.1"));
	CHECK(!cidr_match(&c, "::1"));
	CHECK(!cidr_match(&c, "garbage"));
	cidr_parse("192.168.1.77/26", &c);
	CHECK(cidr_match(&c, "192.168.1.64"));
	CHECK(cidr_match(&c, "192.168.1.127"));
	CHECK(!cidr_match(&c, "192.168.1.128"));
	cidr_parse("2001:db8::/32", &c);
	CHECK(cidr_match(&c, "2001:db8:ffff::1"));
	CHECK(!cidr_match(&c, "2001:db9::1"));
	CHECK(!cidr_match(&c, "10.0.0.1"));
	cidr_parse("0.0.0.0/0", &c);
	CHECK(cidr_match(&c, "8.8.8.8"));
	CHECK(addr_is_loopback("127.0.0.1"));
	CHECK(addr_is_loopback("127.1.2.3"));
	CHECK(addr_is_loopback("::1"));
	CHECK(addr_is_loopback("::ffff:127.0.0.1"));
	CHECK(!addr_is_loopback("10.0.0.1"));
	CHECK(!addr_is_loopback("::2"));
	TEST_END();

	TEST_BEGIN("addr-canon");
	CHECK_INT(addr_canon(" 1.2.3.4 ", a, sizeof(a)), 0);
	CHECK_STR(a, "1.2.3.4");
	CHECK_INT(addr_canon("1.2.3.4:8080", a, sizeof(a)), 0);
	CHECK_STR(a, "1.2.3.4");
	CHECK_INT(addr_canon("\"[2001:DB8::1]:4711\"", a, sizeof(a)), 0);
	CHECK_STR(a, "2001:db8::1");
	CHECK_INT(addr_canon("2001:db8:0::1", a, sizeof(a)), 0);
	CHECK_STR(a, "2001:db8::1");
	CHECK_INT(addr_canon("::ffff:10.0.0.1", a, sizeof(a)), 0);
	CHECK_STR(a, "10.0.0.1");
	CHECK_INT(addr_canon("unknown", a, sizeof(a)), -1);
	CHECK_INT(addr_canon("_hidden", a, sizeof(a)), -1);
	CHECK_INT(addr_canon("[::1", a, sizeof(a)), -1);
	CHECK_INT(addr_canon("", a, sizeof(a)), -1);
	TEST_END();
}

static void
test_forwarding(void)
{
	struct cidr	 px[2];
	char		 a[ROUTER_MAX_ADDR];

	cidr_parse("127.0.0.1", &px[0]);
	cidr_parse("10.0.0.0/8", &px[1]);

	TEST_BEGIN("xff-untrusted-peer-ignored");
	CHECK_INT(client_address("203.0.113.9", "1.1.1.1", NULL, px, 2, a,
	    sizeof(a)), 0);
	CHECK_STR(a, "203.0.113.9");
	CHECK_INT(client_address("203.0.113.9", NULL, "for=1.1.1.1", px, 2,
	    a, sizeof(a)), 0);
	CHECK_STR(a, "203.0.113.9");
	TEST_END();

	TEST_BEGIN("xff-walk");
	client_address("127.0.0.1", "198.51.100.7", NULL, px, 2, a,
	    sizeof(a));
	CHECK_STR(a, "198.51.100.7");
	/* a forged entry on the left is not believed */
	client_address("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.1.1", NULL,
	    px, 2, a, sizeof(a));
	CHECK_STR(a, "198.51.100.7");
	/* all trusted: the leftmost */
	client_address("127.0.0.1", "10.0.0.5,10.0.0.6", NULL, px, 2, a,
	    sizeof(a));
	CHECK_STR(a, "10.0.0.5");
	/* garbage: the last trusted hop */
	client_address("127.0.0.1", "1.1.1.1, nonsense, 10.0.0.7", NULL, px,
	    2, a, sizeof(a));
	CHECK_STR(a, "10.0.0.7");
	client_address("127.0.0.1", "", NULL, px, 2, a, sizeof(a));
	CHECK_STR(a, "127.0.0.1");
	client_address("127.0.0.1", NULL, NULL, px, 2, a, sizeof(a));
	CHECK_STR(a, "127.0.0.1");
	client_address("::ffff:127.0.0.1", "[2001:db8::2]:1234", NULL, px, 2,
	    a, sizeof(a));
	CHECK_STR(a, "2001:db8::2");
	TEST_END();

	TEST_BEGIN("forwarded-walk");
	client_address("127.0.0.1", "9.9.9.9",
	    "for=192.0.2.60;proto=http;by=203.0.113.43, "
	    "For=\"[2001:db8:cafe::17]:4711\", for=10.0.0.1", px, 2, a,
	    sizeof(a));
	CHECK_STR(a, "2001:db8:cafe::17");
	client_address("127.0.0.1", NULL, "proto=https, for=10.0.0.1", px, 2,
	    a, sizeof(a));
	CHECK_STR(a, "10.0.0.1");
	client_address("127.0.0.1", NULL, "for=_hidden", px, 2, a,
	    sizeof(a));
	CHECK_STR(a, "127.0.0.1");
	TEST_END();
}

static void
test_cors(void)
{
	char	*list[] = {
		"https://soc.example.com", "http://localhost:8080"
	};

	TEST_BEGIN("cors-allowed");
	CHECK_STR(cors_match("https://soc.example.com", list, 2),
	    "https://soc.example.com");
	CHECK_STR(cors_match("http://localhost:8080", list, 2),
	    "http://localhost:8080");
	TEST_END();

	TEST_BEGIN("cors-bad-refused");
	CHECK(cors_match(NULL, list, 2) == NULL);
	CHECK(cors_match("https://SOC.example.com", list, 2) == NULL);
	CHECK(cors_match("https://soc.example.com/", list, 2) == NULL);
	CHECK(cors_match("https://soc.example.com.evil", list, 2) == NULL);
	CHECK(cors_match("http://soc.example.com", list, 2) == NULL);
	CHECK(cors_match("null", list, 2) == NULL);
	CHECK(cors_match("https://soc.example.com", list, 0) == NULL);
	TEST_END();
}

static void
test_routes(void)
{
	struct http_param	 params[ROUTER_MAX_PARAMS];
	const struct route	*r;
	unsigned int		 allowed;
	char			 buf[256];
	size_t			 used;
	int			 n;

	TEST_BEGIN("route-prefix");
	CHECK_STR(router_local_path("/siem", "/siem/api/v1/events"),
	    "/api/v1/events");
	CHECK_STR(router_local_path("/siem", "/api/v1/events"),
	    "/api/v1/events");
	CHECK_STR(router_local_path("/siem", "/siem"), "/");
	CHECK_STR(router_local_path("/siem", "/siem/"), "/");
	CHECK_STR(router_local_path("/siem", "/siemx/a"), "/siemx/a");
	CHECK_STR(router_local_path("/a/b", "/a/b/healthz"), "/healthz");
	CHECK_STR(router_local_path("", "/healthz"), "/healthz");
	CHECK(router_is_api("/api/v1/x"));
	CHECK(router_is_api("/api"));
	CHECK(!router_is_api("/apis"));
	CHECK(!router_is_api("/"));
	TEST_END();

	TEST_BEGIN("route-match");
	r = router_match("/healthz", HTTP_M_GET, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r != NULL && strcmp(r->pattern, "/healthz") == 0);
	r = router_match(router_local_path("/siem", "/siem/healthz"),
	    HTTP_M_HEAD, params, &n, buf, sizeof(buf), &allowed);
	CHECK(r != NULL && strcmp(r->pattern, "/healthz") == 0);
	r = router_match("/api/v1/auth/login", HTTP_M_POST, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r != NULL && r->auth == AUTH_NONE);
	r = router_match("/api/v1/auth/me", HTTP_M_GET, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r != NULL && r->auth == AUTH_ANY);
	TEST_END();

	TEST_BEGIN("route-aliases-under-api-root");
	{
		static const char *const names[] = { "/healthz", "/readyz",
		    "/openapi.json", "/metrics" };
		const struct route	*root;
		char			 path[64];
		size_t			 i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			root = router_match(names[i], HTTP_M_GET, params, &n,
			    buf, sizeof(buf), &allowed);
			snprintf(path, sizeof(path), "%s%s", ROUTER_API_ROOT,
			    names[i]);
			r = router_match(path, HTTP_M_GET, params, &n, buf,
			    sizeof(buf), &allowed);
			CHECK(root != NULL && r != NULL && r != root &&
			    r->handler == root->handler &&
			    r->auth == AUTH_NONE);
		}
	}
	TEST_END();

	TEST_BEGIN("route-bad-method-and-path");
	r = router_match("/healthz", HTTP_M_POST, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r == NULL);
	CHECK_INT(allowed, HTTP_M_GET | HTTP_M_HEAD);
	r = router_match("/healthz", HTTP_M_OTHER, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r == NULL);
	CHECK(allowed != 0);
	r = router_match("/api/v1/nothing", HTTP_M_GET, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r == NULL);
	CHECK_INT(allowed, 0);
	r = router_match("/healthz/", HTTP_M_GET, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r == NULL);
	r = router_match("/siem/healthz", HTTP_M_GET, params, &n, buf,
	    sizeof(buf), &allowed);
	CHECK(r == NULL);
	TEST_END();

	TEST_BEGIN("route-pattern-params");
	used = 0;
	CHECK(router_pattern_match("/api/v1/alerts/{id}/notes/{note}",
	    "/api/v1/alerts/42/notes/7", params, &n, buf, sizeof(buf),
	    &used));
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(params[0].name, "id");
		CHECK_STR(params[0].value, "42");
		CHECK_STR(params[1].name, "note");
		CHECK_STR(params[1].value, "7");
	}
	used = 0;
	CHECK(!router_pattern_match("/api/v1/alerts/{id}", "/api/v1/alerts/",
	    params, &n, buf, sizeof(buf), &used));
	used = 0;
	CHECK(!router_pattern_match("/api/v1/alerts/{id}",
	    "/api/v1/alerts/1/x", params, &n, buf, sizeof(buf), &used));
	used = 0;
	CHECK(!router_pattern_match("/api/v1/alerts/{id}", "/api/v1/alerts",
	    params, &n, buf, sizeof(buf), &used));
	used = 0;
	CHECK(!router_pattern_match("/api/v1/alerts/{id}",
	    "/api/v1/alerts/12345678", params, &n, buf, 8, &used));
	TEST_END();
}

/* Every route is in the document and everything there is a route. */
static void
test_openapi(void)
{
	const struct route	*r;
	json_t			*doc, *paths, *item, *op;
	const char		*path, *m;
	char			 lower[16];
	size_t			 i, j, found;
	enum http_method	 meth;

	TEST_BEGIN("openapi-matches-routes");
	doc = openapi_document("/siem");
	CHECK(doc != NULL);
	CHECK_STR(json_string_value(json_object_get(doc, "openapi")),
	    "3.1.0");
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "servers"), 0), "url")), "/siem");
	paths = json_object_get(doc, "paths");
	for (i = 0; i < router_nroutes; i++) {
		r = &router_routes[i];
		item = json_object_get(paths, r->pattern);
		CHECK(item != NULL);
		for (meth = HTTP_M_GET; meth <= HTTP_M_OPTIONS; meth <<= 1) {
			if (!(r->methods & meth))
				continue;
			strlcpy(lower, http_method_name(meth), sizeof(lower));
			for (j = 0; lower[j] != '\0'; j++)
				lower[j] += 'a' - 'A';
			op = json_object_get(item, lower);
			CHECK(op != NULL);
			CHECK(json_is_string(json_object_get(op, "summary")));
			CHECK_INT(r->auth == AUTH_NONE,
			    json_object_get(op, "security") == NULL);
		}
	}
	json_object_foreach(paths, path, item) {
		json_object_foreach(item, m, op) {
			found = 0;
			for (i = 0; i < router_nroutes; i++) {
				r = &router_routes[i];
				strlcpy(lower, m, sizeof(lower));
				for (j = 0; lower[j] != '\0'; j++)
					lower[j] -= 'a' - 'A';
				if (strcmp(r->pattern, path) == 0 &&
				    (r->methods & http_method_of(lower)))
					found = 1;
			}
			if (!found)
				printf("# not a route: %s %s\n", m, path);
			CHECK(found);
		}
	}
	json_decref(doc);
	TEST_END();
}

/* The query parameters (in: query) of an operation, as a set. */
static json_t *
op_params(json_t *op, const char *in)
{
	json_t		*set, *p;
	size_t		 i;

	set = json_object();
	json_array_foreach(json_object_get(op, "parameters"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "in")), in) ==
		    0)
			json_object_set_new(set, json_string_value(
			    json_object_get(p, "name")), json_true());
	return (set);
}

/* A value the filter parser takes for this parameter. */
static const char *
sample_value(const char *name)
{
	if (strncmp(name, "not_", 4) == 0)
		name += 4;
	if (strcmp(name, "from") == 0 || strcmp(name, "to") == 0)
		return ("-1h");
	if (strcmp(name, "http_status") == 0)
		return ("5xx");
	if (strcmp(name, "severity") == 0)
		return ("high");
	if (strcmp(name, "src_ip") == 0 || strcmp(name, "dest_ip") == 0)
		return ("192.0.2.1");
	return ("x");
}

/*
 * The parameters the document gives the search endpoints are exactly
 * what the filter parser and the endpoint take: the expected set is
 * made from the parser's own tables, and each name is tried on the
 * parser.
 */
static void
test_openapi_params(void)
{
	static const struct {
		const char		*path;
		const char *const	*extra;
	} ops[] = {
		{ "/events", api_events_extra },
		{ "/events/export", api_export_extra },
		{ "/top", api_top_extra },
	};
	struct api_filter	 f;
	struct http_param	 hp;
	json_t			*doc, *paths, *op, *want, *got, *v;
	const char		*name, *err;
	char			 path[128], nname[64];
	size_t			 i;
	int			 k;

	doc = openapi_document("");
	paths = json_object_get(doc, "paths");

	TEST_BEGIN("openapi-filter-params");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", ROUTER_API_ROOT,
		    ops[i].path);
		op = json_object_get(json_object_get(paths, path), "get");
		CHECK(op != NULL);
		want = json_object();
		for (k = 0; api_filter_names[k] != NULL; k++)
			json_object_set_new(want, api_filter_names[k],
			    json_true());
		for (k = 0; k < FLD_MAX; k++) {
			json_object_set_new(want, api_field_names[k],
			    json_true());
			snprintf(nname, sizeof(nname), "not_%s",
			    api_field_names[k]);
			json_object_set_new(want, nname, json_true());
		}
		for (k = 0; ops[i].extra[k] != NULL; k++)
			json_object_set_new(want, ops[i].extra[k],
			    json_true());
		got = op_params(op, "query");
		json_object_foreach(want, name, v) {
			if (json_object_get(got, name) == NULL)
				printf("# %s: %s not documented\n", path,
				    name);
			CHECK(json_object_get(got, name) != NULL);
		}
		json_object_foreach(got, name, v) {
			if (json_object_get(want, name) == NULL)
				printf("# %s: %s documented, not taken\n",
				    path, name);
			CHECK(json_object_get(want, name) != NULL);
			/* the parser, with the endpoint's extras, takes it */
			hp.name = name;
			hp.value = sample_value(name);
			err = NULL;
			CHECK(api_filter_parse(&f, &hp, 1, 1000000000000000LL,
			    ops[i].extra, &err) == 0);
			if (err == NULL)
				api_filter_free(&f);
		}
		json_decref(want);
		json_decref(got);
	}
	TEST_END();

	TEST_BEGIN("openapi-filter-params-bad");
	hp.name = "not_message";
	hp.value = "x";
	CHECK(api_filter_parse(&f, &hp, 1, 1000000000000000LL,
	    api_events_extra, &err) == -1);
	snprintf(path, sizeof(path), "%s/events", ROUTER_API_ROOT);
	got = op_params(json_object_get(json_object_get(paths, path), "get"),
	    "query");
	CHECK(json_object_get(got, "not_message") == NULL);
	CHECK(json_object_get(got, "not_from") == NULL);
	json_decref(got);
	TEST_END();

	TEST_BEGIN("openapi-headers-and-bodies");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/stream/%s", ROUTER_API_ROOT,
		    i == 0 ? "events" : "alerts");
		got = op_params(json_object_get(json_object_get(paths, path),
		    "get"), "header");
		CHECK(json_object_get(got, "Last-Event-ID") != NULL);
		json_decref(got);
	}
	snprintf(path, sizeof(path), "%s/auth/login", ROUTER_API_ROOT);
	op = json_object_get(json_object_get(paths, path), "post");
	v = json_object_get(json_object_get(json_object_get(json_object_get(
	    json_object_get(op, "requestBody"), "content"),
	    "application/json"), "schema"), "required");
	CHECK(json_array_size(v) == 2);
	snprintf(path, sizeof(path), "%s/ingest", ROUTER_API_ROOT);
	op = json_object_get(json_object_get(paths, path), "post");
	CHECK(json_object_get(json_object_get(json_object_get(op,
	    "requestBody"), "content"), "application/x-ndjson") != NULL);
	TEST_END();
	json_decref(doc);
}

static void
test_static(void)
{
	TEST_BEGIN("static-types");
	CHECK_STR(static_type("/index.html"), "text/html; charset=utf-8");
	CHECK_STR(static_type("/a/app.JS"), "text/javascript; charset=utf-8");
	CHECK_STR(static_type("/x.css"), "text/css; charset=utf-8");
	CHECK_STR(static_type("/x.svg"), "image/svg+xml");
	CHECK_STR(static_type("/x.woff2"), "font/woff2");
	CHECK_STR(static_type("/noext"), "application/octet-stream");
	CHECK_STR(static_type("/dir.js/noext"), "application/octet-stream");
	CHECK_STR(static_type("/x.exe"), "application/octet-stream");
	TEST_END();

	TEST_BEGIN("static-cacheable");
	CHECK(!static_cacheable("/vendor/chart.js"));	/* no version */
	CHECK(static_cacheable("/assets/app.3f9a1c2b.js"));
	CHECK(static_cacheable("/app-3f9a1c2bdeadbeef.css"));
	CHECK(!static_cacheable("/index.html"));
	CHECK(!static_cacheable("/app.js"));
	CHECK(!static_cacheable("/app.3f9a.js"));
	CHECK(!static_cacheable("/deadbeef00.js"));
	CHECK(!static_cacheable("/x/vendor/a.js"));
	TEST_END();
}

int
main(void)
{
	test_simple();
	test_split();
	test_pipelined();
	test_versions();
	test_methods();
	test_limits();
	test_fields();
	test_content_length();
	test_chunked();
	test_targets();
	test_query();
	test_addresses();
	test_forwarding();
	test_cors();
	test_routes();
	test_openapi();
	test_openapi_params();
	test_static();
	TEST_EXIT();
}
