/*
 * The web process's HTTP/1.1 server: accepting on the listeners the
 * parent bound, TLS with libtls, reading requests through the parser
 * in http.c, handing them to the router one at a time, and writing
 * answers in order.
 *
 * Every connection is non-blocking and owns two evbuffers and one
 * parser; its TLS context is only made once the first byte arrives,
 * so that an idle connection costs little.  Reading stops while a
 * request is being answered and SERVER_IN_MAX bytes are waiting, so
 * pipelined requests wait their turn with bounded memory; answering
 * stops while SERVER_OUT_HIGH bytes wait for a slow reader.
 *
 * A connection is only ever freed from an event callback (reading,
 * writing, a timeout), never inside a handler's call into the
 * response API, so that a handler may answer and return without
 * finding its connection gone under it.
 *
 * The per-read body timer alone would let a client that sends a byte
 * now and then keep a connection and its buffers for ever, so every
 * request also has a deadline, its first byte plus the listener's
 * idle timeout: a request may take as long to arrive as a connection
 * may sit idle before one.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include "siemd.h"
#include "http.h"
#include "router.h"
#include "server.h"

#define ACCEPT_BATCH	64	/* connections accepted per wake-up */

enum conn_state {
	C_HANDSHAKE,		/* TLS: waiting for the handshake */
	C_READ,			/* reading a request */
	C_HANDLER,		/* dispatched, no answer started */
	C_STREAM,		/* answer started, not ended */
	C_CLOSING,		/* writing the last answer */
	C_LINGER		/* reading what the client still sends */
};

struct listener {
	TAILQ_ENTRY(listener)	 entry;
	int			 id;
	int			 fd;
	struct tls		*tls;		/* NULL: plain HTTP */
	struct event		 ev;
	int			 maxconns;
	int			 nconns;
	int			 idle_timeout;
	int			 header_timeout;
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct listener		*l;
	int			 fd;
	struct tls		*tls;
	enum conn_state		 state;
	struct event		 ev;
	short			 events;	/* registered with libevent */
	short			 hwant;	/* what the handshake waits for */
	short			 rwant;		/* what a read waits for */
	short			 wwant;		/* what a write waits for */
	size_t			 wpending;	/* TLS: a write to repeat */
	struct event		 timer;
	struct evbuffer		*in;
	struct evbuffer		*out;
	int			 eof;
	int			 dead;
	int			 busy;		/* inside an event callback */
	int			 processing;	/* inside conn_process() */
	int			 idle;	/* before a request's 1st byte */
	int			 held;	/* waiting for server_hold(0) */
	time_t			 deadline;	/* monotonic: request read */
	int			 keepalive;
	int			 nobody;	/* HEAD, 204, 304: no body */
	int			 chunked;
	int			 close_delim;	/* HTTP/1.0 stream */
	int64_t			 length;	/* -1: not known */
	int64_t			 sent;
	size_t			 lingered;
	uint32_t		 ticket;
	resp_cb			 drain;
	resp_cb			 closed;
	void			*arg;
	int			 drain_armed;
	struct http_parser	 parser;
	struct request		 req;
	char			 peer[ROUTER_MAX_ADDR];
};

struct server_stats	 server_stats;

static struct {
	struct event_base	*base;
	size_t			 body_max;
	TAILQ_HEAD(, listener)	 listeners;
	TAILQ_HEAD(, conn)	 conns;
	int			 nconns;
	uint32_t		 tickets;
	struct event		 resume;
	int			 paused;
	int			 stopping;
	int			 hold;		/* see server_hold() */
	int			 hold_warned;
} srv;

static void	 listener_accept(int, short, void *);
static void	 listener_resume(int, short, void *);
static void	 listener_pause(void);
static void	 conn_new(struct listener *, int, struct sockaddr_storage *);
static void	 conn_io(int, short, void *);
static void	 conn_timeout(int, short, void *);
static void	 conn_handshake(struct conn *);
static void	 conn_read(struct conn *);
static void	 conn_write(struct conn *);
static void	 conn_process(struct conn *);
static void	 conn_prepare(struct conn *);
static void	 conn_dispatch(struct conn *);
static int	 conn_precheck(struct conn *);
static void	 conn_error(struct conn *, int, const char *, int);
static void	 conn_done(struct conn *);
static void	 conn_idle_timer(struct conn *);
static void	 conn_linger(struct conn *);
static void	 conn_update(struct conn *);
static void	 conn_close(struct conn *);
static void	 conn_release(struct conn *);
static void	 conn_timer(struct conn *, int);
static void	 conn_read_timer(struct conn *, int);
static time_t	 conn_now(void);
static int	 conn_credentials(struct conn *);
static void	 conn_gone(struct conn *);
static void	 conn_unhold(struct conn *);
static int	 conn_can_read(struct conn *);
static void	 resp_add(struct conn *, const void *, size_t);

void
server_init(struct event_base *base, size_t body_max)
{
	srv.base = base;
	srv.body_max = body_max;
	TAILQ_INIT(&srv.listeners);
	TAILQ_INIT(&srv.conns);
	evtimer_assign(&srv.resume, base, listener_resume, NULL);
}

/* A listener the parent bound; cfg is NULL for plain HTTP. */
void
server_listen(int id, int proto, int fd, struct tls_config *cfg,
    int maxconns, int idle_timeout, int header_timeout)
{
	struct listener	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s: calloc", __func__);
	l->id = id;
	l->fd = fd;
	l->maxconns = maxconns > 0 && maxconns < SERVER_MAX_CONNS ?
	    maxconns : SERVER_MAX_CONNS;
	l->idle_timeout = idle_timeout > 0 && idle_timeout <
	    SERVER_IDLE_TIMEOUT ? idle_timeout : SERVER_IDLE_TIMEOUT;
	l->header_timeout = header_timeout > 0 && header_timeout <
	    SERVER_HEADER_TIMEOUT ? header_timeout : SERVER_HEADER_TIMEOUT;
	if (proto == LISTEN_HTTPS) {
		if (cfg == NULL)
			fatalx("%s: listener %d: no TLS configuration",
			    __func__, id);
		if ((l->tls = tls_server()) == NULL)
			fatalx("%s: tls_server", __func__);
		if (tls_configure(l->tls, cfg) == -1)
			fatalx("%s: listener %d: %s", __func__, id,
			    tls_error(l->tls));
	}
	event_assign(&l->ev, srv.base, fd, EV_READ | EV_PERSIST,
	    listener_accept, l);
	TAILQ_INSERT_TAIL(&srv.listeners, l, entry);
}

void
server_start(void)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &srv.listeners, entry)
		event_add(&l->ev, NULL);
}

/* Stop accepting and close every connection. */
void
server_stop(void)
{
	struct listener	*l;
	struct conn	*c, *tc;

	srv.stopping = 1;
	TAILQ_FOREACH(l, &srv.listeners, entry)
		event_del(&l->ev);
	TAILQ_FOREACH_SAFE(c, &srv.conns, entry, tc)
		conn_close(c);
}

/*
 * Hold requests with credentials back from the router, or let those
 * held go on (from a timer callback, where a connection may be freed).
 */
void
server_hold(int on)
{
	struct conn	*c;

	srv.hold = on;
	if (on)
		return;
	TAILQ_FOREACH(c, &srv.conns, entry)
		if (c->held && !c->dead)
			conn_timer(c, 0);
}

/* Out of descriptors: stop accepting for a moment. */
static void
listener_pause(void)
{
	struct listener	*l;
	struct timeval	 tv = { SERVER_ACCEPT_BACKOFF, 0 };

	if (srv.paused)
		return;
	log_warnx("%s: out of descriptors, not accepting for %ds",
	    __func__, SERVER_ACCEPT_BACKOFF);
	srv.paused = 1;
	TAILQ_FOREACH(l, &srv.listeners, entry)
		event_del(&l->ev);
	evtimer_add(&srv.resume, &tv);
}

static void
listener_resume(int fd, short events, void *arg)
{
	srv.paused = 0;
	if (!srv.stopping)
		server_start();
}

static void
listener_accept(int fd, short events, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 s, i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		len = sizeof(ss);
		s = accept4(l->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				server_stats.refused++;
				listener_pause();
			} else if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("%s: accept", __func__);
			return;
		}
		if (srv.nconns >= SERVER_MAX_CONNS ||
		    l->nconns >= l->maxconns || srv.stopping) {
			server_stats.refused++;
			close(s);
			continue;
		}
		conn_new(l, s, &ss);
	}
}

static void
conn_new(struct listener *l, int fd, struct sockaddr_storage *ss)
{
	struct conn		*c;
	struct sockaddr_in6	*sin6;
	struct in_addr		 v4;
	int			 on = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->in = evbuffer_new()) == NULL ||
	    (c->out = evbuffer_new()) == NULL)
		fatal("%s: alloc", __func__);
	c->l = l;
	c->fd = fd;
	switch (ss->ss_family) {
	case AF_INET:
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr,
		    c->peer, sizeof(c->peer));
		break;
	case AF_INET6:
		sin6 = (struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(&v4, &sin6->sin6_addr.s6_addr[12], sizeof(v4));
			inet_ntop(AF_INET, &v4, c->peer, sizeof(c->peer));
		} else
			inet_ntop(AF_INET6, &sin6->sin6_addr, c->peer,
			    sizeof(c->peer));
		break;
	default:
		strlcpy(c->peer, "unknown", sizeof(c->peer));
		break;
	}
	/* small answers should not wait for Nagle */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	http_parser_init(&c->parser, srv.body_max);
	c->state = l->tls != NULL ? C_HANDSHAKE : C_READ;
	c->hwant = EV_READ;
	c->rwant = EV_READ;
	c->wwant = EV_WRITE;
	c->idle = 1;
	evtimer_assign(&c->timer, srv.base, conn_timeout, c);
	TAILQ_INSERT_TAIL(&srv.conns, c, entry);
	srv.nconns++;
	l->nconns++;
	server_stats.accepted++;
	server_stats.open++;
	/* the first request has the header timeout from the start */
	conn_timer(c, l->header_timeout);
	conn_update(c);
}

static void
conn_timer(struct conn *c, int secs)
{
	struct timeval	 tv = { secs, 0 };

	evtimer_add(&c->timer, &tv);
}

static time_t
conn_now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("%s: clock_gettime", __func__);
	return (ts.tv_sec);
}

/* A timer for a request being read: never past its deadline. */
static void
conn_read_timer(struct conn *c, int secs)
{
	time_t	 left;

	left = c->deadline - conn_now();
	if (left < secs)
		secs = left > 0 ? left : 0;
	conn_timer(c, secs);
}

/* Between requests: idle, or the head of a pipelined one. */
static void
conn_idle_timer(struct conn *c)
{
	if (c->idle && evbuffer_get_length(c->in) == 0)
		conn_timer(c, c->l->idle_timeout);
	else
		conn_timer(c, c->l->header_timeout);
}

static int
conn_can_read(struct conn *c)
{
	if (c->eof)
		return (0);
	switch (c->state) {
	case C_LINGER:
		return (1);
	case C_READ:
	case C_HANDLER:
	case C_STREAM:
		return (evbuffer_get_length(c->in) < SERVER_IN_MAX);
	default:
		return (0);
	}
}

/* Ask libevent for what the connection waits for now. */
static void
conn_update(struct conn *c)
{
	short	 ev = 0;

	if (c->dead)
		return;
	if (c->state == C_HANDSHAKE)
		ev = c->hwant;
	else {
		if (conn_can_read(c))
			ev |= c->rwant;
		if (evbuffer_get_length(c->out) > 0 ||
		    c->state == C_CLOSING ||
		    (c->state == C_STREAM && c->drain_armed &&
		    c->drain != NULL))
			ev |= c->wwant;
	}
	if (ev == c->events)
		return;
	if (c->events != 0)
		event_del(&c->ev);
	c->events = ev;
	if (ev != 0) {
		event_assign(&c->ev, srv.base, c->fd, ev | EV_PERSIST,
		    conn_io, c);
		event_add(&c->ev, NULL);
	}
}

static void
conn_io(int fd, short events, void *arg)
{
	struct conn	*c = arg;

	c->busy++;
	if (c->state == C_HANDSHAKE) {
		conn_handshake(c);
		/* a request may have come with the handshake's last flight */
		if (!c->dead && c->state == C_READ)
			conn_read(c);
	} else {
		if (!c->dead && (events & c->wwant) &&
		    (evbuffer_get_length(c->out) > 0 || c->drain_armed ||
		    c->state == C_CLOSING))
			conn_write(c);
		if (!c->dead && (events & c->rwant) && conn_can_read(c))
			conn_read(c);
	}
	c->busy--;
	conn_update(c);
	conn_release(c);
}

static void
conn_handshake(struct conn *c)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	char		 b;
	ssize_t		 n;
	int		 r;

	if (c->tls == NULL) {
		/* a client that leaves without a byte is no failure */
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = &b;
		iov.iov_len = 1;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if ((n = recvmsg(c->fd, &msg, MSG_PEEK)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				conn_close(c);
			return;
		}
		if (n == 0) {
			conn_close(c);
			return;
		}
		if (tls_accept_socket(c->l->tls, &c->tls, c->fd) == -1) {
			log_warnx("%s: tls_accept_socket: %s", __func__,
			    tls_error(c->l->tls));
			server_stats.tls_failures++;
			conn_close(c);
			return;
		}
	}
	r = tls_handshake(c->tls);
	if (r == TLS_WANT_POLLIN)
		c->hwant = EV_READ;
	else if (r == TLS_WANT_POLLOUT)
		c->hwant = EV_WRITE;
	else if (r == -1) {
		log_debug("%s: %s: %s", __func__, c->peer, tls_error(c->tls));
		server_stats.tls_failures++;
		conn_close(c);
	} else
		c->state = C_READ;
}

static void
conn_read(struct conn *c)
{
	struct evbuffer_iovec	 iov;
	char			 junk[SERVER_READ_SIZE];
	ssize_t			 n;

	if (c->state == C_LINGER) {
		n = read(c->fd, junk, sizeof(junk));
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0 || (c->lingered += n) > SERVER_LINGER_MAX)
			conn_close(c);
		return;
	}
	if (evbuffer_reserve_space(c->in, SERVER_READ_SIZE, &iov, 1) < 1)
		fatalx("%s: evbuffer_reserve_space", __func__);
	if (c->tls != NULL) {
		n = tls_read(c->tls, iov.iov_base, SERVER_READ_SIZE);
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
			c->rwant = n == TLS_WANT_POLLIN ? EV_READ : EV_WRITE;
			return;
		}
		c->rwant = EV_READ;
		if (n == -1) {
			log_debug("%s: %s: %s", __func__, c->peer,
			    tls_error(c->tls));
			conn_close(c);
			return;
		}
	} else {
		n = read(c->fd, iov.iov_base, SERVER_READ_SIZE);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				conn_close(c);
			return;
		}
	}
	if (n == 0) {
		c->eof = 1;
		c->keepalive = 0;
		if (c->state == C_HANDLER && (c->closed != NULL || c->held)) {
			conn_gone(c);
			return;
		}
		/*
		 * Nothing more will come: close unless answering.  A
		 * stream (events, exports) has no reader left.
		 */
		if ((c->state == C_READ && evbuffer_get_length(c->out) ==
		    0) || (c->state == C_STREAM && c->length < 0))
			conn_close(c);
		else if (c->state == C_READ)
			c->state = C_CLOSING;
		return;
	}
	iov.iov_len = n;
	evbuffer_commit_space(c->in, &iov, 1);
	if (c->state == C_READ) {
		if (c->idle) {
			c->idle = 0;
			c->deadline = conn_now() + c->l->idle_timeout;
			conn_read_timer(c, c->l->header_timeout);
		}
		conn_process(c);
	}
}

static void
conn_write(struct conn *c)
{
	struct evbuffer_iovec	 v;
	ssize_t			 n;
	size_t			 len;
	int			 progress = 0;

	while (evbuffer_get_length(c->out) > 0) {
		if (evbuffer_peek(c->out, -1, NULL, &v, 1) < 1)
			break;
		len = c->wpending ? c->wpending : v.iov_len;
		if (c->tls != NULL) {
			n = tls_write(c->tls, v.iov_base, len);
			if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
				c->wwant = n == TLS_WANT_POLLIN ? EV_READ :
				    EV_WRITE;
				c->wpending = len;
				break;
			}
			c->wwant = EV_WRITE;
			c->wpending = 0;
			if (n == -1) {
				log_debug("%s: %s: %s", __func__, c->peer,
				    tls_error(c->tls));
				conn_close(c);
				return;
			}
		} else {
			n = write(c->fd, v.iov_base, len);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN)
					break;
				conn_close(c);
				return;
			}
		}
		evbuffer_drain(c->out, n);
		progress = 1;
	}
	if (progress) {
		if (evbuffer_get_length(c->out) > 0)
			conn_timer(c, SERVER_WRITE_TIMEOUT);
		else if (c->state == C_STREAM)
			evtimer_del(&c->timer);
		else if (c->state == C_READ)
			conn_idle_timer(c);
	}
	if (c->state == C_STREAM && c->drain != NULL && c->drain_armed &&
	    evbuffer_get_length(c->out) < SERVER_OUT_LOW) {
		c->drain_armed = 0;
		c->drain(c, c->arg);
	}
	if (c->state == C_READ && evbuffer_get_length(c->in) > 0 &&
	    evbuffer_get_length(c->out) < SERVER_OUT_HIGH)
		conn_process(c);
	if (c->state == C_CLOSING && evbuffer_get_length(c->out) == 0)
		conn_linger(c);
}

/* Parse and dispatch what has been read, one request at a time. */
static void
conn_process(struct conn *c)
{
	struct evbuffer_iovec	 v;
	enum http_result	 res;
	size_t			 used;

	if (c->processing)
		return;
	c->processing = 1;
	while (!c->dead && c->state == C_READ &&
	    evbuffer_get_length(c->in) > 0 &&
	    evbuffer_get_length(c->out) < SERVER_OUT_HIGH) {
		if (evbuffer_peek(c->in, -1, NULL, &v, 1) < 1)
			break;
		/* a new request (maybe pipelined) starts its deadline */
		if (c->idle || !http_started(&c->parser))
			c->deadline = conn_now() + c->l->idle_timeout;
		c->idle = 0;
		res = http_parse(&c->parser, v.iov_base, v.iov_len, &used);
		evbuffer_drain(c->in, used);
		switch (res) {
		case HTTP_MORE:
			if (c->parser.state != HTTP_S_LINE)
				conn_read_timer(c, SERVER_BODY_TIMEOUT);
			break;
		case HTTP_HEAD:
			if (!conn_precheck(c))
				break;
			if (c->parser.req.expect_continue &&
			    c->parser.req.minor == 1)
				evbuffer_add_printf(c->out,
				    "HTTP/1.1 100 Continue\r\n\r\n");
			conn_read_timer(c, SERVER_BODY_TIMEOUT);
			break;
		case HTTP_DONE:
			conn_dispatch(c);
			break;
		case HTTP_ERROR:
			conn_error(c, c->parser.status, c->parser.error, 1);
			break;
		}
	}
	c->processing = 0;
	conn_update(c);
}

/* A request in hand: the state every answer starts from. */
static void
conn_prepare(struct conn *c)
{
	struct http_request	*hr = &c->parser.req;

	router_request_free(&c->req);
	c->state = C_HANDLER;
	if (++srv.tickets == 0)
		srv.tickets = 1;
	c->ticket = srv.tickets;
	c->keepalive = hr->keepalive && !c->eof && !srv.stopping;
	c->nobody = hr->method == HTTP_M_HEAD;
	c->chunked = c->close_delim = 0;
	c->length = -1;
	c->sent = 0;
	c->drain = c->closed = NULL;
	c->arg = NULL;
	c->drain_armed = 0;
	c->held = 0;
	memset(&c->req, 0, sizeof(c->req));
	c->req.conn = c;
	c->req.http = hr;
	c->req.method = hr->method;
	c->req.path = hr->path;
	c->req.tls = c->l->tls != NULL;
	strlcpy(c->req.peer, c->peer, sizeof(c->req.peer));
}

static void
conn_dispatch(struct conn *c)
{
	conn_prepare(c);
	if (srv.hold && conn_credentials(c)) {
		c->held = 1;
		conn_timer(c, SERVER_HOLD_TIMEOUT);
		return;
	}
	conn_timer(c, SERVER_HANDLER_TIMEOUT);
	router_dispatch(c, &c->req);
}

/*
 * Does the request carry a bearer token or key: an Authorization
 * field, or an access_token query parameter however it is encoded?
 */
static int
conn_credentials(struct conn *c)
{
	struct http_request	*hr = &c->parser.req;
	const char		*s, *end, *eq;
	char			 name[sizeof("access_token")];

	if (http_field(hr, "Authorization") != NULL)
		return (1);
	for (s = hr->query; s != NULL && *s != '\0'; s = *end ? end + 1 :
	    end) {
		end = s + strcspn(s, "&");
		if ((eq = memchr(s, '=', end - s)) == NULL)
			eq = end;
		/* longer or undecodable: another name, or a 400 anyway */
		if (http_decode(s, eq - s, name, sizeof(name),
		    HTTP_DECODE_PLUS) != -1 &&
		    strcmp(name, "access_token") == 0)
			return (1);
	}
	return (0);
}

/*
 * The client closed its side while its answer is being made, and the
 * handler said how to stop that work: stop it, send what earlier
 * requests were answered, and close.  A client that merely shut down
 * its writing half (printf ... | nc -N) loses this answer; clients
 * that wait for an answer keep the connection open, and one that
 * leaves should not keep a query process busy.
 */
static void
conn_gone(struct conn *c)
{
	resp_cb		 cb;

	server_stats.client_gone++;
	if ((cb = c->closed) != NULL) {
		c->closed = NULL;
		cb(c, c->arg);
	}
	c->keepalive = 0;
	conn_done(c);
}

/*
 * The head of a request with a body: the router may refuse it before
 * the body is read, and then the connection closes after the answer.
 * Whether to read the body.
 */
static int
conn_precheck(struct conn *c)
{
	conn_prepare(c);
	c->keepalive = 0;
	if (router_precheck(c, &c->req) == -1)
		return (0);
	router_request_free(&c->req);
	c->state = C_READ;
	c->ticket = 0;
	return (1);
}

/* The parser refused the request (or timed out): answer, then close. */
static void
conn_error(struct conn *c, int status, const char *why, int bad)
{
	if (bad)
		server_stats.bad_requests++;
	c->state = C_HANDLER;
	c->keepalive = 0;
	c->nobody = 0;
	c->length = -1;
	memset(&c->req, 0, sizeof(c->req));
	c->req.conn = c;
	c->req.http = &c->parser.req;
	c->req.path = c->parser.req.path;
	c->req.tls = c->l->tls != NULL;
	http_problem(c, status, why);
}

/* The answer is complete (or abandoned): on to the next request. */
static void
conn_done(struct conn *c)
{
	router_request_free(&c->req);
	memset(&c->req, 0, sizeof(c->req));
	c->drain = c->closed = NULL;
	c->arg = NULL;
	c->drain_armed = 0;
	c->held = 0;
	c->ticket = 0;
	http_parser_reset(&c->parser);
	if (!c->keepalive) {
		c->state = C_CLOSING;
		conn_timer(c, SERVER_WRITE_TIMEOUT);
	} else {
		c->state = C_READ;
		c->idle = 1;
		if (evbuffer_get_length(c->out) > 0)
			conn_timer(c, SERVER_WRITE_TIMEOUT);
		else
			conn_idle_timer(c);
		/* a pipelined request, now that this one is answered */
		conn_process(c);
	}
	conn_update(c);
}

/*
 * The last answer is out: signal the end and read for a while, so
 * that unread request bytes do not make the kernel reset the
 * connection before the client has read the answer.
 */
static void
conn_linger(struct conn *c)
{
	if (c->tls != NULL)
		tls_close(c->tls);
	shutdown(c->fd, SHUT_WR);
	if (c->eof) {
		conn_close(c);
		return;
	}
	c->state = C_LINGER;
	c->lingered = 0;
	conn_timer(c, SERVER_LINGER_TIMEOUT);
}

static void
conn_timeout(int fd, short events, void *arg)
{
	struct conn	*c = arg;
	resp_cb		 cb;

	c->busy++;
	switch (c->state) {
	case C_READ:
		if (http_started(&c->parser) && !c->idle) {
			server_stats.timeouts++;
			if (conn_now() >= c->deadline)
				server_stats.slow_requests++;
			c->eof = 1;
			conn_error(c, 408, "request not received in time", 0);
		} else
			conn_close(c);
		break;
	case C_HANDLER:
		if (c->held) {
			conn_unhold(c);
			break;
		}
		server_stats.timeouts++;
		if ((cb = c->closed) != NULL) {
			c->closed = NULL;
			cb(c, c->arg);
		}
		c->keepalive = 0;
		c->ticket = 0;
		http_problem(c, 504, "the answer took too long");
		break;
	case C_HANDSHAKE:
	case C_STREAM:
	case C_CLOSING:
		server_stats.timeouts++;
		conn_close(c);
		break;
	case C_LINGER:
		conn_close(c);
		break;
	}
	c->busy--;
	conn_update(c);
	conn_release(c);
}

/* A held request: on to the router, or 503 if still held. */
static void
conn_unhold(struct conn *c)
{
	c->held = 0;
	if (!srv.hold) {
		conn_timer(c, SERVER_HANDLER_TIMEOUT);
		router_dispatch(c, &c->req);
		return;
	}
	server_stats.held_refused++;
	if (!srv.hold_warned) {
		log_warnx("%s: requests with credentials refused until the "
		    "revoked tokens are known", __func__);
		srv.hold_warned = 1;
	}
	http_problem_ex(c, 503, NULL, "the server is starting; try again",
	    "Retry-After: 1\r\n");
}

static void
conn_close(struct conn *c)
{
	resp_cb		 cb;

	if (c->dead)
		return;
	c->dead = 1;
	if ((cb = c->closed) != NULL) {
		c->closed = NULL;
		cb(c, c->arg);
	}
	router_request_free(&c->req);
	http_parser_free(&c->parser);
	if (c->events != 0)
		event_del(&c->ev);
	c->events = 0;
	evtimer_del(&c->timer);
	if (c->tls != NULL) {
		tls_free(c->tls);
		c->tls = NULL;
	}
	close(c->fd);
	c->fd = -1;
	c->l->nconns--;
	srv.nconns--;
	server_stats.open--;
	TAILQ_REMOVE(&srv.conns, c, entry);
	evbuffer_free(c->in);
	evbuffer_free(c->out);
	c->in = c->out = NULL;
	conn_release(c);
}

static void
conn_release(struct conn *c)
{
	if (c->dead && c->busy == 0)
		free(c);
}

/* responses ----------------------------------------------------------- */

struct request *
conn_request(struct conn *c)
{
	return (&c->req);
}

uint32_t
request_ticket(struct conn *c)
{
	return (c->ticket);
}

/* The connection still waiting for the answer to that request. */
struct conn *
request_lookup(uint32_t ticket)
{
	struct conn	*c;

	if (ticket == 0)
		return (NULL);
	TAILQ_FOREACH(c, &srv.conns, entry)
		if (c->ticket == ticket && !c->dead &&
		    (c->state == C_HANDLER || c->state == C_STREAM))
			return (c);
	return (NULL);
}

int
resp_start(struct conn *c, int status, const char *type,
    const char *headers)
{
	return (resp_start_len(c, status, type, headers, -1));
}

/* The status line and header fields; len -1 streams the body. */
int
resp_start_len(struct conn *c, int status, const char *type,
    const char *headers, int64_t len)
{
	struct evbuffer	*o = c->out;
	struct tm	 tm;
	time_t		 now;
	char		 date[64];
	int		 bodyless;

	if (c->dead || c->state != C_HANDLER) {
		log_warnx("%s: no request waiting for an answer", __func__);
		return (-1);
	}
	c->state = C_STREAM;
	server_stats.requests++;
	server_stats.status[status >= 100 && status < 600 ?
	    status / 100 : 0]++;
	bodyless = status < 200 || status == 204 || status == 304;
	if (bodyless)
		c->nobody = 1;
	c->length = len;
	c->sent = 0;
	if (len < 0 && !bodyless) {
		if (c->parser.req.minor == 1)
			c->chunked = 1;
		else {
			c->close_delim = 1;
			c->keepalive = 0;
		}
	}

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	evbuffer_add_printf(o, "HTTP/1.1 %d %s\r\nDate: %s\r\n", status,
	    http_reason(status), date);
	if (type != NULL && !bodyless)
		evbuffer_add_printf(o, "Content-Type: %s\r\n", type);
	if (len >= 0 && !bodyless)
		evbuffer_add_printf(o, "Content-Length: %lld\r\n",
		    (long long)len);
	if (c->chunked && !c->nobody)
		evbuffer_add_printf(o, "Transfer-Encoding: chunked\r\n");
	else if (c->chunked)
		c->chunked = 0;
	if (!c->keepalive)
		evbuffer_add_printf(o, "Connection: close\r\n");
	evbuffer_add_printf(o, "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Content-Security-Policy: %s\r\n",
	    c->req.page ? SERVER_CSP_PAGE : SERVER_CSP_API);
	if (c->l->tls != NULL)
		evbuffer_add_printf(o, "Strict-Transport-Security: %s\r\n",
		    SERVER_HSTS);
	if (headers == NULL || strcasestr(headers, "Cache-Control:") == NULL)
		evbuffer_add_printf(o, "Cache-Control: no-store\r\n");
	if (c->req.cors != NULL)
		evbuffer_add_printf(o, "Access-Control-Allow-Origin: %s\r\n"
		    "Vary: Origin\r\n", c->req.cors);
	if (headers != NULL)
		evbuffer_add(o, headers, strlen(headers));
	evbuffer_add(o, "\r\n", 2);
	conn_timer(c, SERVER_WRITE_TIMEOUT);
	conn_update(c);
	return (0);
}

/* Body bytes, framed, without the output bound. */
static void
resp_add(struct conn *c, const void *data, size_t len)
{
	if (c->chunked)
		evbuffer_add_printf(c->out, "%zx\r\n", len);
	if (evbuffer_add(c->out, data, len) == -1)
		fatalx("%s: evbuffer_add", __func__);
	if (c->chunked)
		evbuffer_add(c->out, "\r\n", 2);
	c->sent += len;
}

int
resp_chunk(struct conn *c, const void *data, size_t len)
{
	size_t	 queued;

	if (c->dead || c->state != C_STREAM)
		return (-1);
	if (len == 0 || c->nobody)
		return (0);
	queued = evbuffer_get_length(c->out);
	if (queued > 0 && queued + len > SERVER_OUT_HIGH) {
		c->drain_armed = 1;
		conn_update(c);
		return (-1);
	}
	if (c->length >= 0 && (uint64_t)c->sent + len > (uint64_t)c->length) {
		log_warnx("%s: more than the Content-Length", __func__);
		return (-1);
	}
	resp_add(c, data, len);
	if (evbuffer_get_length(c->out) >= SERVER_OUT_LOW)
		c->drain_armed = 1;
	conn_update(c);
	return (0);
}

void
resp_end(struct conn *c)
{
	if (c->dead || c->state != C_STREAM) {
		log_warnx("%s: no answer to end", __func__);
		return;
	}
	if (c->chunked)
		evbuffer_add(c->out, "0\r\n\r\n", 5);
	if (!c->nobody && c->length >= 0 && c->sent != c->length) {
		log_warnx("%s: body shorter than its Content-Length",
		    __func__);
		c->keepalive = 0;
	}
	if (c->close_delim)
		c->keepalive = 0;
	conn_done(c);
}

/* Give up on an answer: what is queued is sent, then the close. */
void
resp_abort(struct conn *c)
{
	if (c->dead || (c->state != C_STREAM && c->state != C_HANDLER))
		return;
	c->keepalive = 0;
	conn_done(c);
}

void
resp_send(struct conn *c, int status, const char *type,
    const char *headers, const void *body, size_t len)
{
	if (resp_start_len(c, status, type, headers, len) == -1)
		return;
	if (!c->nobody && len > 0)
		resp_add(c, body, len);
	resp_end(c);
}

void
resp_json(struct conn *c, int status, json_t *js)
{
	char	*s;

	if ((s = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	resp_send(c, status, "application/json", NULL, s, strlen(s));
	free(s);
}

void
resp_watch(struct conn *c, resp_cb drain, resp_cb closed, void *arg)
{
	if (c->dead)
		return;
	c->drain = drain;
	c->closed = closed;
	c->arg = arg;
	c->drain_armed = drain != NULL;
	conn_update(c);
}

size_t
resp_queued(struct conn *c)
{
	return (c->out != NULL ? evbuffer_get_length(c->out) : 0);
}

void
http_problem(struct conn *c, int status, const char *detail)
{
	http_problem_ex(c, status, NULL, detail, NULL);
}

/*
 * RFC 9457 problem details.  detail must be a fixed string of ours,
 * never input echoed back; instance is the request path.
 */
void
http_problem_ex(struct conn *c, int status, const char *type,
    const char *detail, const char *headers)
{
	json_t	*js;
	char	*s;

	if (c->dead)
		return;
	if (c->state == C_STREAM) {
		/* too late for a status line: cut the answer short */
		resp_abort(c);
		return;
	}
	js = json_pack("{s:s, s:s, s:i}", "type",
	    type != NULL ? type : "about:blank", "title", http_reason(status),
	    "status", status);
	if (js == NULL)
		fatalx("%s: json_pack", __func__);
	if (detail != NULL)
		json_object_set_new(js, "detail", json_string(detail));
	if (c->req.path != NULL)
		json_object_set_new(js, "instance", json_string(c->req.path));
	if (status == 405 && headers == NULL)
		headers = "Allow: GET, HEAD\r\n";
	if ((s = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	json_decref(js);
	resp_send(c, status, "application/problem+json", headers, s,
	    strlen(s));
	free(s);
}
