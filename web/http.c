/*
 * The HTTP/1.1 request parser (RFC 9112): a state machine fed with
 * whatever bytes the connection has, in pieces of any size.  The head
 * goes into one fixed buffer of HTTP_MAX_HEAD bytes, line by line, so
 * that every field can be checked as soon as its line ends; the body
 * grows up to the configured limit and no further.
 *
 * Where RFC 9112 lets a recipient choose, the strict choice is made,
 * because a front proxy may have chosen differently (request
 * smuggling): obsolete line folding, whitespace before a colon, a
 * duplicate Content-Length or Host, Content-Length with
 * Transfer-Encoding, and bare CRs are all refused.  Bare LFs are
 * accepted as line ends, as RFC 9112 section 2.2 allows.
 *
 * No logging and no event loop: this file is compiled on its own into
 * the fuzz driver.  A failed allocation is answered 503 rather than
 * being fatal, for the same reason.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* The head, then room for the decoded path. */
#define HTTP_BUFSIZE	(HTTP_MAX_HEAD + 1 + HTTP_MAX_TARGET + 1)
#define HTTP_PATHBUF(r)	((r)->buf + HTTP_MAX_HEAD + 1)

static enum http_result	 fail(struct http_parser *, int, const char *);
static int		 tchar(unsigned char);
static int		 hexval(unsigned char);
static int		 parse_request_line(struct http_parser *, char *);
static int		 parse_target(struct http_parser *, char *);
static int		 parse_field(struct http_parser *, char *, size_t);
static enum http_result	 head_done(struct http_parser *);
static int		 body_reserve(struct http_parser *, size_t);
static enum http_result	 parse_line(struct http_parser *, const uint8_t *,
			    size_t, size_t *);
static enum http_result	 parse_chunked(struct http_parser *,
			    const uint8_t *, size_t, size_t *);

static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 100, "Continue" },
	{ 200, "OK" },
	{ 201, "Created" },
	{ 202, "Accepted" },
	{ 204, "No Content" },
	{ 206, "Partial Content" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 408, "Request Timeout" },
	{ 409, "Conflict" },
	{ 410, "Gone" },
	{ 411, "Length Required" },
	{ 412, "Precondition Failed" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 417, "Expectation Failed" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" }
};

static const struct {
	enum http_method	 method;
	const char		*name;
} methods[] = {
	{ HTTP_M_GET,		"GET" },
	{ HTTP_M_HEAD,		"HEAD" },
	{ HTTP_M_POST,		"POST" },
	{ HTTP_M_PUT,		"PUT" },
	{ HTTP_M_PATCH,		"PATCH" },
	{ HTTP_M_DELETE,	"DELETE" },
	{ HTTP_M_OPTIONS,	"OPTIONS" }
};

void
http_parser_init(struct http_parser *p, size_t body_max)
{
	memset(p, 0, sizeof(*p));
	p->body_max = body_max;
	p->req.content_length = -1;
}

/* Ready for the next request; buffers are given back while idle. */
void
http_parser_reset(struct http_parser *p)
{
	size_t	 body_max = p->body_max;

	http_parser_free(p);
	http_parser_init(p, body_max);
}

void
http_parser_free(struct http_parser *p)
{
	if (p->req.body != NULL) {
		explicit_bzero(p->req.body, p->req.bodycap);
		free(p->req.body);
	}
	if (p->req.buf != NULL) {
		/* header fields may hold credentials */
		explicit_bzero(p->req.buf, HTTP_BUFSIZE);
		free(p->req.buf);
	}
	p->req.body = NULL;
	p->req.buf = NULL;
}

/* Whether any byte of a request has arrived. */
int
http_started(const struct http_parser *p)
{
	return (p->state != HTTP_S_LINE || p->req.headlen > 0 ||
	    p->nempty > 0);
}

static enum http_result
fail(struct http_parser *p, int status, const char *why)
{
	p->state = HTTP_S_ERROR;
	p->status = status;
	p->error = why;
	return (HTTP_ERROR);
}

/* RFC 9110 section 5.6.2 */
static int
tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

enum http_method
http_method_of(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, name) == 0)
			return (methods[i].method);
	return (HTTP_M_OTHER);
}

const char *
http_method_name(enum http_method m)
{
	size_t	 i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].method == m)
			return (methods[i].name);
	return ("OTHER");
}

const char *
http_reason(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return (reasons[i].reason);
	return ("Unknown");
}

/*
 * Percent-decoding into out (NUL-terminated); the decoded length, or
 * -1 for a bad escape, a NUL, no room, or with HTTP_DECODE_PATH an
 * encoded slash or a control byte.
 */
int
http_decode(const char *in, size_t len, char *out, size_t outsz, int flags)
{
	size_t		 i, o = 0;
	unsigned char	 c;
	int		 hi, lo;

	if (outsz == 0 || len > INT32_MAX)
		return (-1);
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c == '%') {
			if (len - i < 3 ||
			    (hi = hexval(in[i + 1])) == -1 ||
			    (lo = hexval(in[i + 2])) == -1)
				return (-1);
			c = hi << 4 | lo;
			i += 2;
			if ((flags & HTTP_DECODE_PATH) && c == '/')
				return (-1);
		} else if (c == '+' && (flags & HTTP_DECODE_PLUS))
			c = ' ';
		if (c == '\0')
			return (-1);
		if ((flags & HTTP_DECODE_PATH) && (c < 0x20 || c == 0x7f))
			return (-1);
		if (o + 1 >= outsz)
			return (-1);
		out[o++] = c;
	}
	out[o] = '\0';
	return (o);
}

/*
 * "a=1&b=x%20y&a=2": name and value pairs decoded into buf, repeated
 * names kept in order.  The number of pairs, or -1.
 */
int
http_query_parse(const char *query, struct http_param *params, int max,
    char *buf, size_t bufsz)
{
	const char	*s, *end, *eq;
	size_t		 used = 0;
	int		 n = 0, len;

	for (s = query; *s != '\0'; s = *end ? end + 1 : end) {
		end = s + strcspn(s, "&");
		if (end == s)
			continue;
		if (n >= max)
			return (-1);
		eq = memchr(s, '=', end - s);
		if ((len = http_decode(s, (eq ? eq : end) - s, buf + used,
		    bufsz - used, HTTP_DECODE_PLUS)) == -1)
			return (-1);
		params[n].name = buf + used;
		used += len + 1;
		if (eq == NULL) {
			if (used >= bufsz)
				return (-1);
			buf[used] = '\0';
			params[n].value = buf + used;
			used++;
		} else {
			if ((len = http_decode(eq + 1, end - eq - 1,
			    buf + used, bufsz - used, HTTP_DECODE_PLUS)) == -1)
				return (-1);
			params[n].value = buf + used;
			used += len + 1;
		}
		n++;
	}
	return (n);
}

const char *
http_query_get(const struct http_param *params, int n, const char *name)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (strcmp(params[i].name, name) == 0)
			return (params[i].value);
	return (NULL);
}

/* The first field of that name, or NULL. */
const char *
http_field(const struct http_request *r, const char *name)
{
	int	 i;

	for (i = 0; i < r->nfields; i++)
		if (strcasecmp(r->fields[i].name, name) == 0)
			return (r->fields[i].value);
	return (NULL);
}

/*
 * Every field of that name joined with ", " (RFC 9110 section 5.3),
 * into out.  The number of fields, or -1 if they do not fit.
 */
int
http_field_list(const struct http_request *r, const char *name, char *out,
    size_t outsz)
{
	int	 i, n = 0;

	if (outsz == 0)
		return (-1);
	out[0] = '\0';
	for (i = 0; i < r->nfields; i++) {
		if (strcasecmp(r->fields[i].name, name) != 0)
			continue;
		if ((n > 0 && strlcat(out, ", ", outsz) >= outsz) ||
		    strlcat(out, r->fields[i].value, outsz) >= outsz)
			return (-1);
		n++;
	}
	return (n);
}

/* Whether a comma-separated list holds a token, without case. */
int
http_token_has(const char *list, const char *token)
{
	const char	*s, *e;
	size_t		 tlen = strlen(token), len;

	for (s = list; *s != '\0'; s = *e ? e + 1 : e) {
		s += strspn(s, " \t");
		e = s + strcspn(s, ",");
		len = e - s;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == tlen && strncasecmp(s, token, len) == 0)
			return (1);
	}
	return (0);
}

/* method SP request-target SP HTTP-version, one space each */
static int
parse_request_line(struct http_parser *p, char *line)
{
	struct http_request	*r = &p->req;
	char			*sp1, *sp2, *v, *s;
	size_t			 len;

	if ((sp1 = strchr(line, ' ')) == NULL) {
		fail(p, 400, "malformed request line");
		return (-1);
	}
	len = sp1 - line;
	if (len == 0 || len > HTTP_MAX_METHOD) {
		fail(p, 400, "malformed method");
		return (-1);
	}
	for (s = line; s < sp1; s++)
		if (!tchar(*s)) {
			fail(p, 400, "malformed method");
			return (-1);
		}
	*sp1 = '\0';
	r->method_name = line;
	r->method = http_method_of(line);

	r->target = sp1 + 1;
	if ((sp2 = strchr(r->target, ' ')) == NULL) {
		fail(p, 400, "no HTTP version");
		return (-1);
	}
	*sp2 = '\0';
	v = sp2 + 1;
	if (sp2 == r->target || strchr(v, ' ') != NULL) {
		fail(p, 400, "malformed request line");
		return (-1);
	}
	if (strcmp(v, "HTTP/1.1") == 0)
		r->minor = 1;
	else if (strcmp(v, "HTTP/1.0") == 0)
		r->minor = 0;
	else if (strlen(v) == 8 && strncmp(v, "HTTP/", 5) == 0 &&
	    v[5] >= '0' && v[5] <= '9' && v[6] == '.' &&
	    v[7] >= '0' && v[7] <= '9') {
		fail(p, 505, "only HTTP/1.0 and HTTP/1.1 are served");
		return (-1);
	} else {
		fail(p, 400, "malformed HTTP version");
		return (-1);
	}
	if (strlen(r->target) > HTTP_MAX_TARGET) {
		fail(p, 414, "request target too long");
		return (-1);
	}
	return (parse_target(p, sp1 + 1));
}

/*
 * origin-form, or absolute-form reduced to its path.  The path is
 * decoded into the second half of the buffer; "." and ".." segments
 * and encoded slashes are refused rather than resolved, so that the
 * path routed is the path sent.
 */
static int
parse_target(struct http_parser *p, char *target)
{
	struct http_request	*r = &p->req;
	unsigned char		*s;
	char			*path, *q, *seg;
	size_t			 plen, slen;

	for (s = (unsigned char *)target; *s != '\0'; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '#' || *s == '\\') {
			fail(p, 400, "invalid character in request target");
			return (-1);
		}
	path = target;
	if (strncasecmp(path, "http://", 7) == 0 ||
	    strncasecmp(path, "https://", 8) == 0) {
		path = strstr(path, "//") + 2;
		path += strcspn(path, "/?");
		if (*path != '/') {
			/* "http://host" or "http://host?q": path "/" */
			r->query = *path == '?' ? path + 1 : "";
			strlcpy(HTTP_PATHBUF(r), "/", HTTP_MAX_TARGET + 1);
			r->path = HTTP_PATHBUF(r);
			return (0);
		}
	} else if (*path != '/') {
		fail(p, 400, "request target is not a path");
		return (-1);
	}
	if ((q = strchr(path, '?')) != NULL) {
		plen = q - path;
		r->query = q + 1;
	} else {
		plen = strlen(path);
		r->query = "";
	}
	if (http_decode(path, plen, HTTP_PATHBUF(r), HTTP_MAX_TARGET + 1,
	    HTTP_DECODE_PATH) == -1) {
		fail(p, 400, "invalid percent-encoding in path");
		return (-1);
	}
	r->path = HTTP_PATHBUF(r);
	for (seg = HTTP_PATHBUF(r) + 1; ; seg += slen + 1) {
		slen = strcspn(seg, "/");
		if ((slen == 1 && seg[0] == '.') ||
		    (slen == 2 && seg[0] == '.' && seg[1] == '.')) {
			fail(p, 400, "dot segment in path");
			return (-1);
		}
		if (seg[slen] == '\0')
			break;
	}
	return (0);
}

/* field-name ":" OWS field-value OWS, the line NUL-terminated */
static int
parse_field(struct http_parser *p, char *line, size_t len)
{
	struct http_request	*r = &p->req;
	char			*colon, *v, *end, *s;
	const char		*errstr;
	unsigned char		 c;

	if (line[0] == ' ' || line[0] == '\t') {
		fail(p, 400, "obsolete line folding");
		return (-1);
	}
	if ((colon = strchr(line, ':')) == NULL || colon == line) {
		fail(p, 400, "malformed header field");
		return (-1);
	}
	for (s = line; s < colon; s++)
		if (!tchar(*s)) {
			fail(p, 400, "malformed header field name");
			return (-1);
		}
	*colon = '\0';
	v = colon + 1;
	v += strspn(v, " \t");
	end = line + len;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	for (s = v; s < end; s++) {
		c = *s;
		if (c != '\t' && (c < 0x20 || c == 0x7f)) {
			fail(p, 400, "control character in header field");
			return (-1);
		}
	}
	if (r->nfields >= HTTP_MAX_HEADERS) {
		fail(p, 431, "too many header fields");
		return (-1);
	}
	r->fields[r->nfields].name = line;
	r->fields[r->nfields].value = v;
	r->nfields++;

	if (strcasecmp(line, "Content-Length") == 0) {
		if (r->content_length != -1) {
			fail(p, 400, "more than one Content-Length");
			return (-1);
		}
		if (*v == '\0' || strspn(v, "0123456789") != strlen(v) ||
		    strlen(v) > 18) {
			fail(p, 400, "malformed Content-Length");
			return (-1);
		}
		r->content_length = strtonum(v, 0, INT64_MAX, &errstr);
		if (errstr != NULL) {
			fail(p, 400, "malformed Content-Length");
			return (-1);
		}
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		if (p->have_te) {
			fail(p, 400, "more than one Transfer-Encoding");
			return (-1);
		}
		p->have_te = 1;
		if (strcasecmp(v, "chunked") != 0) {
			fail(p, 501, "only the chunked transfer coding is "
			    "accepted");
			return (-1);
		}
		r->chunked = 1;
	} else if (strcasecmp(line, "Host") == 0) {
		if (p->have_host) {
			fail(p, 400, "more than one Host");
			return (-1);
		}
		p->have_host = 1;
	} else if (strcasecmp(line, "Connection") == 0) {
		if (http_token_has(v, "close"))
			p->conn_close = 1;
		if (http_token_has(v, "keep-alive"))
			p->conn_keepalive = 1;
	} else if (strcasecmp(line, "Expect") == 0) {
		if (strcasecmp(v, "100-continue") != 0) {
			fail(p, 417, "unsupported expectation");
			return (-1);
		}
		r->expect_continue = 1;
	}
	return (0);
}

static enum http_result
head_done(struct http_parser *p)
{
	struct http_request	*r = &p->req;

	if (r->minor == 1 && !p->have_host)
		return (fail(p, 400, "no Host"));
	if (r->chunked && r->content_length != -1)
		return (fail(p, 400, "Content-Length with Transfer-Encoding"));
	if (r->chunked && r->minor == 0)
		return (fail(p, 400, "Transfer-Encoding in HTTP/1.0"));
	if (r->content_length > 0 &&
	    (uint64_t)r->content_length > p->body_max)
		return (fail(p, 413, "request body too large"));
	/* HTTP/1.0: one request per connection */
	r->keepalive = r->minor == 1 && !p->conn_close;
	if (r->chunked) {
		p->state = HTTP_S_CHUNK_SIZE;
		p->remaining = 0;
		p->chunkdigits = 0;
		p->linelen = 0;
		return (HTTP_HEAD);
	}
	if (r->content_length > 0) {
		p->state = HTTP_S_BODY;
		p->remaining = r->content_length;
		return (HTTP_HEAD);
	}
	r->expect_continue = 0;
	p->state = HTTP_S_DONE;
	return (HTTP_DONE);
}

/* Room for need bytes of body and a NUL; grows as bytes arrive. */
static int
body_reserve(struct http_parser *p, size_t need)
{
	struct http_request	*r = &p->req;
	size_t			 cap, max = p->body_max + 1;
	uint8_t			*b;

	if (need + 1 <= r->bodycap)
		return (0);
	if (need > p->body_max) {
		fail(p, 413, "request body too large");
		return (-1);
	}
	cap = r->bodycap ? r->bodycap : HTTP_BODY_FIRST;
	while (cap < need + 1 && cap < max)
		cap *= 2;
	if (cap > max)
		cap = max;
	if (r->content_length > 0 &&
	    cap > (uint64_t)r->content_length + 1)
		cap = r->content_length + 1;
	if ((b = realloc(r->body, cap)) == NULL) {
		fail(p, 503, "out of memory");
		return (-1);
	}
	r->body = b;
	r->bodycap = cap;
	return (0);
}

/* Head bytes, one line at a time. */
static enum http_result
parse_line(struct http_parser *p, const uint8_t *data, size_t len,
    size_t *used)
{
	struct http_request	*r = &p->req;
	const uint8_t		*lf;
	char			*line;
	size_t			 n, room, linelen;

	if (r->buf == NULL && (r->buf = malloc(HTTP_BUFSIZE)) == NULL)
		return (fail(p, 503, "out of memory"));
	while (*used < len) {
		lf = memchr(data + *used, '\n', len - *used);
		n = lf ? (size_t)(lf - (data + *used)) + 1 : len - *used;
		room = HTTP_MAX_HEAD - r->headlen;
		if (n > room) {
			memcpy(r->buf + r->headlen, data + *used, room);
			r->headlen += room;
			*used += room;
			if (p->have_line)
				return (fail(p, 431, "header fields too "
				    "large"));
			if (memchr(r->buf, ' ', r->headlen) != NULL)
				return (fail(p, 414, "request target too "
				    "long"));
			return (fail(p, 400, "malformed request line"));
		}
		memcpy(r->buf + r->headlen, data + *used, n);
		r->headlen += n;
		*used += n;
		if (lf == NULL)
			return (HTTP_MORE);

		line = r->buf + p->linestart;
		linelen = r->headlen - 1 - p->linestart;
		if (linelen > 0 && line[linelen - 1] == '\r')
			linelen--;
		line[linelen] = '\0';
		if (memchr(line, '\r', linelen) != NULL)
			return (fail(p, 400, "bare CR"));
		if (memchr(line, '\0', linelen) != NULL)
			return (fail(p, 400, "NUL in request head"));
		if (!p->have_line) {
			if (linelen == 0) {
				if (++p->nempty > HTTP_MAX_EMPTYLINES)
					return (fail(p, 400, "empty lines"));
				r->headlen = p->linestart;
				continue;
			}
			if (parse_request_line(p, line) == -1)
				return (HTTP_ERROR);
			p->have_line = 1;
		} else if (linelen == 0) {
			return (head_done(p));
		} else if (parse_field(p, line, linelen) == -1)
			return (HTTP_ERROR);
		p->linestart = r->headlen;
	}
	return (HTTP_MORE);
}

/* Chunked body (RFC 9112 section 7.1); trailer fields are dropped. */
static enum http_result
parse_chunked(struct http_parser *p, const uint8_t *data, size_t len,
    size_t *used)
{
	struct http_request	*r = &p->req;
	unsigned char		 c;
	size_t			 n;
	int			 h;

	while (*used < len) {
		switch (p->state) {
		case HTTP_S_CHUNK_DATA:
			n = len - *used;
			if (n > p->remaining)
				n = p->remaining;
			if (body_reserve(p, r->bodylen + n) == -1)
				return (HTTP_ERROR);
			memcpy(r->body + r->bodylen, data + *used, n);
			r->bodylen += n;
			*used += n;
			p->remaining -= n;
			if (p->remaining == 0)
				p->state = HTTP_S_CHUNK_CR;
			continue;
		default:
			break;
		}
		c = data[(*used)++];
		switch (p->state) {
		case HTTP_S_CHUNK_SIZE:
			if ((h = hexval(c)) != -1) {
				if (++p->chunkdigits > 16)
					return (fail(p, 400, "chunk size "
					    "too long"));
				p->remaining = p->remaining * 16 + h;
				if (p->remaining > p->body_max ||
				    r->bodylen + p->remaining > p->body_max)
					return (fail(p, 413, "request body "
					    "too large"));
				p->linelen++;
				break;
			}
			if (p->chunkdigits == 0)
				return (fail(p, 400, "malformed chunk size"));
			if (c == ';' || c == ' ' || c == '\t')
				p->state = HTTP_S_CHUNK_EXT;
			else if (c == '\r')
				p->state = HTTP_S_CHUNK_LF;
			else if (c == '\n')
				goto size_done;
			else
				return (fail(p, 400, "malformed chunk size"));
			p->linelen++;
			break;
		case HTTP_S_CHUNK_EXT:
			if (++p->linelen > HTTP_MAX_CHUNKLINE)
				return (fail(p, 400, "chunk extension too "
				    "long"));
			if (c == '\r')
				p->state = HTTP_S_CHUNK_LF;
			else if (c == '\n')
				goto size_done;
			else if (c != '\t' && (c < 0x20 || c == 0x7f))
				return (fail(p, 400, "control character in "
				    "chunk extension"));
			break;
		case HTTP_S_CHUNK_LF:
			if (c != '\n')
				return (fail(p, 400, "bare CR"));
 size_done:
			if (p->remaining == 0) {
				p->state = HTTP_S_TRAILER;
				p->linelen = 0;
				p->trailer_first = 1;
				p->cr = 0;
			} else
				p->state = HTTP_S_CHUNK_DATA;
			break;
		case HTTP_S_CHUNK_CR:
			if (c == '\r')
				p->state = HTTP_S_CHUNK_DATA_LF;
			else if (c == '\n')
				goto next_chunk;
			else
				return (fail(p, 400, "chunk data longer "
				    "than its size"));
			break;
		case HTTP_S_CHUNK_DATA_LF:
			if (c != '\n')
				return (fail(p, 400, "bare CR"));
 next_chunk:
			p->state = HTTP_S_CHUNK_SIZE;
			p->chunkdigits = 0;
			p->linelen = 0;
			p->remaining = 0;
			break;
		case HTTP_S_TRAILER:
			if (++p->trailer > HTTP_MAX_HEAD)
				return (fail(p, 431, "trailer fields too "
				    "large"));
			if (c == '\n') {
				if (p->linelen == 0) {
					p->state = HTTP_S_DONE;
					return (HTTP_DONE);
				}
				p->linelen = 0;
				p->trailer_first = 1;
				p->cr = 0;
				break;
			}
			if (p->cr)
				return (fail(p, 400, "bare CR"));
			if (c == '\r') {
				p->cr = 1;
				break;
			}
			if (c == '\0' || (p->trailer_first &&
			    (c == ' ' || c == '\t')))
				return (fail(p, 400, "malformed trailer"));
			p->trailer_first = 0;
			p->linelen++;
			break;
		default:
			return (fail(p, 500, "parser state"));
		}
	}
	return (HTTP_MORE);
}

/*
 * Feed len bytes; *used says how many were taken.  After HTTP_HEAD,
 * call again with the rest; after HTTP_DONE the request is in p->req
 * until http_parser_reset(), and the bytes not used belong to the
 * next request.
 */
enum http_result
http_parse(struct http_parser *p, const void *buf, size_t len, size_t *used)
{
	const uint8_t		*data = buf;
	struct http_request	*r = &p->req;
	enum http_result	 res;
	size_t			 n;

	*used = 0;
	switch (p->state) {
	case HTTP_S_DONE:
		return (HTTP_DONE);
	case HTTP_S_ERROR:
		return (HTTP_ERROR);
	case HTTP_S_LINE:
		return (parse_line(p, data, len, used));
	case HTTP_S_BODY:
		n = len;
		if (n > p->remaining)
			n = p->remaining;
		if (body_reserve(p, r->bodylen + n) == -1)
			return (HTTP_ERROR);
		memcpy(r->body + r->bodylen, data, n);
		r->bodylen += n;
		*used = n;
		p->remaining -= n;
		res = HTTP_MORE;
		if (p->remaining == 0) {
			p->state = HTTP_S_DONE;
			res = HTTP_DONE;
		}
		break;
	default:
		res = parse_chunked(p, data, len, used);
		break;
	}
	if (res == HTTP_DONE && r->body != NULL)
		r->body[r->bodylen] = '\0';
	return (res);
}
