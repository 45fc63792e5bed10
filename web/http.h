/*
 * HTTP/1.1 requests (RFC 9110, RFC 9112) as a pure state machine:
 * bytes in, one request out, no sockets, no logging, no event loop,
 * so that it can be unit tested and fuzzed on its own.  Every limit
 * is fixed; anything that does not fit is an error with the status
 * code to answer, and the connection is then closed by the caller.
 */

#ifndef SIEMD_HTTP_H
#define SIEMD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEAD		8192	/* request line and header fields */
#define HTTP_MAX_TARGET		4096	/* request target, raw */
#define HTTP_MAX_METHOD		16
#define HTTP_MAX_HEADERS	100	/* header fields per request */
#define HTTP_MAX_CHUNKLINE	256	/* chunk size line with extensions */
#define HTTP_MAX_EMPTYLINES	4	/* CRLFs tolerated before a request */
#define HTTP_MAX_QUERY		64	/* query parameters */
#define HTTP_BODY_FIRST		(16 * 1024)	/* first body allocation */

/* http_decode() flags */
#define HTTP_DECODE_PLUS	0x01	/* '+' is a space (query strings) */
#define HTTP_DECODE_PATH	0x02	/* no %2F, no control bytes */

/* Methods; the values are bits so that routes can hold a set. */
enum http_method {
	HTTP_M_OTHER	= 0x00,	/* a valid token we do not implement */
	HTTP_M_GET	= 0x01,
	HTTP_M_HEAD	= 0x02,
	HTTP_M_POST	= 0x04,
	HTTP_M_PUT	= 0x08,
	HTTP_M_PATCH	= 0x10,
	HTTP_M_DELETE	= 0x20,
	HTTP_M_OPTIONS	= 0x40
};

/* http_parse() results */
enum http_result {
	HTTP_MORE,		/* every byte used; more are needed */
	HTTP_HEAD,		/* head complete, a body follows */
	HTTP_DONE,		/* a whole request; the rest is the next */
	HTTP_ERROR		/* p->status and p->error say why */
};

enum http_state {
	HTTP_S_LINE,		/* request line and header fields */
	HTTP_S_BODY,		/* Content-Length body */
	HTTP_S_CHUNK_SIZE,	/* hex digits */
	HTTP_S_CHUNK_EXT,	/* ";ext" up to the line end */
	HTTP_S_CHUNK_LF,	/* LF after the size line's CR */
	HTTP_S_CHUNK_DATA,
	HTTP_S_CHUNK_CR,	/* CRLF after the chunk data */
	HTTP_S_CHUNK_DATA_LF,
	HTTP_S_TRAILER,		/* trailer fields, discarded */
	HTTP_S_DONE,
	HTTP_S_ERROR
};

struct http_field {
	const char	*name;		/* as sent; compare without case */
	const char	*value;		/* without surrounding whitespace */
};

struct http_param {
	const char	*name;
	const char	*value;
};

struct http_request {
	enum http_method	 method;
	const char		*method_name;	/* as sent */
	const char		*target;	/* raw request target */
	const char		*path;		/* percent-decoded */
	const char		*query;		/* raw, after '?'; "" if none */
	int			 minor;		/* HTTP/1.minor */
	struct http_field	 fields[HTTP_MAX_HEADERS];
	int			 nfields;
	int64_t			 content_length;	/* -1: none */
	int			 chunked;
	int			 keepalive;
	int			 expect_continue;
	uint8_t			*body;		/* NUL-terminated too */
	size_t			 bodylen;
	size_t			 bodycap;
	char			*buf;	/* head, then the decoded path */
	size_t			 headlen;
};

struct http_parser {
	enum http_state		 state;
	int			 status;	/* on error: the answer */
	const char		*error;		/* on error: a short reason */
	size_t			 body_max;
	size_t			 linestart;	/* current line in req.buf */
	int			 nempty; /* empty lines before a request */
	int			 have_line;	/* request line seen */
	int			 have_host;
	int			 have_te;
	int			 conn_close;
	int			 conn_keepalive;
	uint64_t		 remaining;	/* body or chunk bytes due */
	size_t			 chunkdigits;
	size_t			 linelen;	/* chunk size or trailer line */
	size_t			 trailer;	/* trailer bytes so far */
	int			 trailer_first;	/* first byte of the line */
	int			 cr;		/* trailer: a CR was seen */
	struct http_request	 req;
};

void		 http_parser_init(struct http_parser *, size_t);
void		 http_parser_reset(struct http_parser *);
void		 http_parser_free(struct http_parser *);
enum http_result http_parse(struct http_parser *, const void *, size_t,
		    size_t *);
int		 http_started(const struct http_parser *);

const char	*http_field(const struct http_request *, const char *);
int		 http_field_list(const struct http_request *, const char *,
		    char *, size_t);
int		 http_decode(const char *, size_t, char *, size_t, int);
int		 http_query_parse(const char *, struct http_param *, int,
		    char *, size_t);
const char	*http_query_get(const struct http_param *, int,
		    const char *);
enum http_method http_method_of(const char *);
const char	*http_method_name(enum http_method);
const char	*http_reason(int);
int		 http_token_has(const char *, const char *);

#endif /* SIEMD_HTTP_H */
