/*
 * Routing for the web process: the route table (data, not code), the
 * request a handler receives, the path prefix, CORS, trusted proxies
 * and the client address, problem details, and the built-in
 * endpoints.  Handlers answer through the response API in server.h.
 */

#ifndef SIEMD_ROUTER_H
#define SIEMD_ROUTER_H

#include <sys/types.h>

#include <netinet/in.h>

#include <jansson.h>
#include <stdint.h>

#include "http.h"

#define ROUTER_API_ROOT		"/api/v1"
#define ROUTER_MAX_PREFIX	128
#define ROUTER_MAX_PARAMS	4	/* {name} segments in a pattern */
#define ROUTER_MAX_CORS		32	/* allowed origins */
#define ROUTER_MAX_ORIGIN	256
#define ROUTER_MAX_PROXIES	64
#define ROUTER_MAX_ADDR		64	/* text form of an address */
#define ROUTER_MAX_HOPS		32	/* X-Forwarded-For entries walked */
#define ROUTER_MAX_FORWARD	2048	/* joined forwarding fields */
#define ROUTER_CORS_MAX_AGE	600	/* seconds a preflight is cached */
#define PRINCIPAL_MAX_USER	64
#define INGEST_MAX_NAME		64
#define ROUTER_MAX_JTI		64	/* token id, text */

struct conn;
struct evbuffer;

/* Who is asking: filled in by auth before a protected handler runs. */
struct principal {
	char		 user[PRINCIPAL_MAX_USER];
	int		 role;		/* enum user_role */
};

/* What a route requires of the caller. */
enum route_auth {
	AUTH_NONE,		/* public */
	AUTH_ANY,		/* a valid token, any role */
	AUTH_ANALYST,		/* analyst or admin */
	AUTH_ADMIN,
	AUTH_INGEST		/* an ingest key, not a user token */
};

struct request;
typedef void	(*route_handler)(struct request *);

struct route {
	unsigned int	 methods;	/* HTTP_M_* bits; HEAD follows GET */
	const char	*pattern;	/* "/api/v1/events/{id}" */
	enum route_auth	 auth;
	route_handler	 handler;
	const char	*summary;	/* for the OpenAPI document */
};

/*
 * One request as a handler sees it.  Strings point into the
 * connection's buffers and are valid until the response ends.
 */
struct request {
	struct conn		*conn;
	struct http_request	*http;		/* fields, body, version */
	enum http_method	 method;
	const char		*path;		/* decoded, as sent */
	const char		*local;		/* path without the prefix */
	const struct route	*route;
	struct http_param	 params[ROUTER_MAX_PARAMS];	/* {id} */
	int			 nparams;
	struct http_param	 query[HTTP_MAX_QUERY];
	int			 nquery;
	const uint8_t		*body;		/* NULL when empty */
	size_t			 bodylen;
	char			 peer[ROUTER_MAX_ADDR];	/* socket address */
	char			 client[ROUTER_MAX_ADDR]; /* after proxies */
	struct principal	 principal;	/* valid when authenticated */
	int			 authenticated;
	char			 jti[ROUTER_MAX_JTI];	/* the token's id */
	int64_t			 token_exp;	/* and its expiry */
	char			 ingest_key[INGEST_MAX_NAME];
	const char		*cors;		/* allowed Origin, or NULL */
	int			 page;		/* a dashboard document */
	int			 tls;
	char			*buf;		/* params and query, decoded */
	size_t			 bufsz;
	int64_t			 t0;		/* dispatched, monotonic µs */
};

/* An address or network a proxy may be listed as. */
struct cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 addr[16];
	int		 bits;
};

/* router.c */
int		 router_init(json_t *);
int		 router_precheck(struct conn *, struct request *);
void		 router_dispatch(struct conn *, struct request *);
void		 router_request_free(struct request *);
const char	*request_param(const struct request *, const char *);
const char	*request_query(const struct request *, const char *);
const char	*request_header(const struct request *, const char *);
const char	*router_prefix(void);
void		 router_metrics_http(struct evbuffer *);

/* pure helpers, exposed for the unit tests */
extern const struct route	 router_routes[];
extern const size_t		 router_nroutes;
const char	*router_local_path(const char *, const char *);
int		 router_is_api(const char *);
int		 router_pattern_match(const char *, const char *,
		    struct http_param *, int *, char *, size_t, size_t *);
const struct route *router_match(const char *, enum http_method,
		    struct http_param *, int *, char *, size_t,
		    unsigned int *);
int		 cidr_parse(const char *, struct cidr *);
int		 cidr_match(const struct cidr *, const char *);
int		 addr_canon(const char *, char *, size_t);
int		 addr_is_loopback(const char *);
int		 client_address(const char *, const char *, const char *,
		    const struct cidr *, int, char *, size_t);
const char	*cors_match(const char *, char *const *, int);
json_t		*openapi_document(const char *);

/* static.c: dashboard files from the chroot */
void		 static_serve(struct request *);
int		 static_cacheable(const char *);
const char	*static_type(const char *);

#endif /* SIEMD_ROUTER_H */
