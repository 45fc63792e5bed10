/*
 * The web process's HTTP/1.1 server: listeners, connections over TLS
 * or plain TCP, keep-alive, timeouts, and the response API handlers
 * use.
 *
 * A handler answers its request exactly once, now or later:
 *
 *	resp_send(conn, status, type, headers, body, len)	fixed body
 *	resp_json(conn, status, json)				JSON body
 *	http_problem(conn, status, detail)			RFC 9457 error
 *
 * or streams it:
 *
 *	resp_start(conn, status, type, headers)	chunked (close-delimited
 *						for HTTP/1.0 clients)
 *	resp_start_len(..., length)		Content-Length body
 *	resp_chunk(conn, data, len)		0, or -1 when the bounded
 *						output buffer has no room:
 *						nothing was queued
 *	resp_end(conn)
 *
 * headers is NULL or extra "Name: value\r\n" lines, built by the
 * caller from trusted strings.  resp_watch() registers a drain
 * callback, called once the output buffer falls below SERVER_OUT_LOW
 * (once right away, then after each time the buffer reached the low
 * mark or a resp_chunk() was refused), and a close callback, called
 * if the connection goes away before resp_end().  After resp_end(),
 * resp_send() or http_problem() the connection must not be touched.
 *
 * A handler that answers later (after an imsg round trip) keeps
 * request_ticket(conn) rather than the pointer, and finds the
 * connection again with request_lookup(ticket), which is NULL once
 * the client or the handler timeout has gone.  A client that closes
 * its side while its handler has a close callback registered is taken
 * to have gone: the callback is called (the handler's work can be
 * cancelled) and the connection closes once answers already queued
 * are out.
 *
 * server_hold(1) keeps requests that carry credentials (an
 * Authorization field or an access_token parameter) from the router
 * until server_hold(0), for at most SERVER_HOLD_TIMEOUT seconds each,
 * then answers them 503 with Retry-After: the web process holds them
 * at start until it knows which tokens are revoked.
 */

#ifndef SIEMD_SERVER_H
#define SIEMD_SERVER_H

#include <sys/types.h>

#include <jansson.h>
#include <stdint.h>

#include "http.h"
#include "router.h"

#define SERVER_MAX_CONNS	1024	/* whole process; more are refused */
#define SERVER_HEADER_TIMEOUT	10	/* seconds for handshake and head */
#define SERVER_IDLE_TIMEOUT	60	/* seconds between requests */
#define SERVER_BODY_TIMEOUT	30	/* seconds without body bytes */
#define SERVER_HOLD_TIMEOUT	5	/* seconds a held request waits */
#define SERVER_HANDLER_TIMEOUT	60	/* seconds until a handler answers */
#define SERVER_WRITE_TIMEOUT	60	/* seconds without output progress */
#define SERVER_LINGER_TIMEOUT	2	/* seconds reading after an error */
#define SERVER_LINGER_MAX	(64 * 1024)	/* bytes drained then */
#define SERVER_READ_SIZE	(16 * 1024)	/* bytes per read */
#define SERVER_IN_MAX		(HTTP_MAX_HEAD + 64 * 1024)	/* read ahead */
#define SERVER_OUT_LOW		(64 * 1024)	/* drain callback below */
#define SERVER_OUT_HIGH		(1024 * 1024)	/* resp_chunk() bound */
#define SERVER_ACCEPT_BACKOFF	1	/* seconds paused when out of fds */

#define SERVER_CSP_PAGE		"default-src 'self'; script-src 'self'; " \
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; " \
	"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
#define SERVER_CSP_API		"default-src 'none'; frame-ancestors 'none'"
#define SERVER_HSTS		"max-age=31536000"

struct conn;
struct tls_config;

typedef void	(*resp_cb)(struct conn *, void *);

/* Counters for siemctl show status and /metrics. */
struct server_stats {
	uint64_t	 requests;
	uint64_t	 status[6];	/* by class: [2] is 2xx */
	uint64_t	 accepted;
	uint64_t	 refused;	/* over the connection limits */
	uint64_t	 tls_failures;	/* handshakes that failed */
	uint64_t	 timeouts;
	uint64_t	 bad_requests;	/* refused by the parser */
	uint64_t	 slow_requests;	/* past the whole-request deadline */
	uint64_t	 client_gone;	/* left while their answer was made */
	uint64_t	 held_refused;	/* held too long: 503 */
	int64_t		 open;		/* connections now */
};
extern struct server_stats	 server_stats;

void		 server_init(struct event_base *, size_t);
void		 server_listen(int, int, int, struct tls_config *, int, int,
		    int);
void		 server_start(void);
void		 server_stop(void);
void		 server_hold(int);

int		 resp_start(struct conn *, int, const char *, const char *);
int		 resp_start_len(struct conn *, int, const char *, const char *,
		    int64_t);
int		 resp_chunk(struct conn *, const void *, size_t);
void		 resp_end(struct conn *);
void		 resp_abort(struct conn *);
void		 resp_send(struct conn *, int, const char *, const char *,
		    const void *, size_t);
void		 resp_json(struct conn *, int, json_t *);
void		 resp_watch(struct conn *, resp_cb, resp_cb, void *);
size_t		 resp_queued(struct conn *);
void		 http_problem(struct conn *, int, const char *);
void		 http_problem_ex(struct conn *, int, const char *,
		    const char *, const char *);

struct request	*conn_request(struct conn *);
uint32_t	 request_ticket(struct conn *);
struct conn	*request_lookup(uint32_t);

#endif /* SIEMD_SERVER_H */
