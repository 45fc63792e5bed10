/*
 * libFuzzer driver for the HTTP/1.1 request parser.  The first bytes
 * choose the body limit and a split pattern; the rest is the stream.
 * The stream fed at once and fed in pieces must give the same
 * requests and the same verdict, and no request may break the
 * parser's limits.  Query strings and percent-decoding get the
 * parsed targets too.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/http.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sum {
	uint64_t	 hash;
	int		 requests;
	int		 status;
};

static void
mix(struct sum *s, const void *p, size_t len)
{
	const uint8_t	*b = p;
	size_t		 i;

	for (i = 0; i < len; i++)
		s->hash = (s->hash ^ b[i]) * 0x100000001b3ULL;
	s->hash = (s->hash ^ len) * 0x100000001b3ULL;
}

static void
check(struct http_parser *p, struct sum *s)
{
	struct http_request	*r = &p->req;
	struct http_param	 q[HTTP_MAX_QUERY];
	char			 buf[2 * HTTP_MAX_TARGET + 2 * HTTP_MAX_QUERY];
	int			 i, n;

	if (r->headlen > HTTP_MAX_HEAD || r->bodylen > p->body_max ||
	    r->nfields > HTTP_MAX_HEADERS || r->path == NULL ||
	    r->path[0] != '/' || strlen(r->target) > HTTP_MAX_TARGET ||
	    strstr(r->path, "/../") != NULL)
		abort();
	if (r->body != NULL && r->body[r->bodylen] != '\0')
		abort();
	mix(s, r->method_name, strlen(r->method_name));
	mix(s, r->path, strlen(r->path));
	mix(s, r->body, r->bodylen);
	for (i = 0; i < r->nfields; i++) {
		mix(s, r->fields[i].name, strlen(r->fields[i].name));
		mix(s, r->fields[i].value, strlen(r->fields[i].value));
	}
	n = http_query_parse(r->query, q, HTTP_MAX_QUERY, buf, sizeof(buf));
	for (i = 0; i < n; i++)
		if (strlen(q[i].name) > strlen(r->query) ||
		    strlen(q[i].value) > strlen(r->query))
			abort();
	s->requests++;
}

/* Feed the stream in pieces of the given sizes (0: all at once). */
static void
run(const uint8_t *data, size_t size, size_t body_max, const uint8_t *pat,
    struct sum *s)
{
	struct http_parser	 p;
	enum http_result	 res;
	size_t			 off = 0, piece, avail, used, k = 0;
	int			 guard = 0;

	memset(s, 0, sizeof(*s));
	http_parser_init(&p, body_max);
	while (off < size && guard++ < 100000) {
		piece = pat == NULL ? size - off : 1 + pat[k++ % 4] % 7;
		if (piece > size - off)
			piece = size - off;
		avail = piece;
		while (avail > 0) {
			res = http_parse(&p, data + off, avail, &used);
			if (used > avail)
				abort();
			off += used;
			avail -= used;
			if (res == HTTP_ERROR) {
				if (p.status < 400 || p.status > 599)
					abort();
				s->status = p.status;
				http_parser_free(&p);
				return;
			}
			if (res == HTTP_DONE) {
				check(&p, s);
				http_parser_reset(&p);
			} else if (res == HTTP_MORE && avail > 0)
				abort();
		}
	}
	http_parser_free(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sum	 whole, part;
	size_t		 body_max;

	if (size < 6)
		return (0);
	body_max = 1 + ((size_t)data[0] << 8 | data[1]) % 8192;
	run(data + 6, size - 6, body_max, NULL, &whole);
	run(data + 6, size - 6, body_max, data + 2, &part);
	if (whole.hash != part.hash || whole.requests != part.requests ||
	    whole.status != part.status)
		abort();
	return (0);
}
