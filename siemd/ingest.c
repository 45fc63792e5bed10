/*
 * The ingest process: syslog over UDP, TCP and TLS, and the tailed
 * files the parent opens for it, turned into IMSG_RECORDS batches for
 * the parsers, with per-source counters and back-pressure.
 *
 * Every byte here comes from someone we do not trust, so every buffer
 * has a fixed ceiling: datagrams are cut at the listener's maximum
 * message, stream framing lives in framing.c and keeps at most one
 * maximum message per connection, a file keeps at most one partial
 * line.  Records of one source always go to the same parser (a file
 * by its id, a connection for its lifetime, UDP by sender address),
 * so that a file's lines stay in order.
 *
 * Back-pressure: when a parser channel passes its high-water mark,
 * stream connections stop being read (the kernel's window then slows
 * the sender) and tails pause, until every channel is below its low
 * mark again.  UDP cannot wait: it keeps receiving, and stops queueing
 * below the channel's limit so that the sources that can wait always
 * find room.  Every record that is not passed on is counted.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include "siemd.h"
#include "child.h"
#include "framing.h"

#define INGEST_UDP_BATCH	64	/* datagrams per recvmmsg */
#define INGEST_UDP_SLOT		65536	/* largest UDP payload fits */
#define INGEST_UDP_ROUNDS	16	/* recvmmsg calls per wake-up */
#define INGEST_READ_SIZE	65536	/* one stream read */
#define INGEST_READ_ROUNDS	8	/* reads per connection per wake-up */
#define INGEST_ACCEPT_ROUNDS	64	/* accepts per wake-up */
#define INGEST_TAIL_CHUNK	65536	/* one pread */
#define INGEST_TAIL_BUDGET	(4 * 1024 * 1024) /* file bytes per tick */
#define INGEST_TAIL_INTERVAL	250	/* ms between looks at the files */
#define INGEST_FD_RESERVE	32	/* channels, listeners, libevent */
#define INGEST_MIN_FILES	16
#define INGEST_QUEUE_LOW	(1024 * 1024)
#define INGEST_QUEUE_HIGH	(4 * 1024 * 1024)
#define INGEST_QUEUE_LIMIT	(16 * 1024 * 1024)
#define INGEST_UDP_QUEUE_LIMIT	(12 * 1024 * 1024)
/* a record with its header and the longest address fits one batch */
#define INGEST_MAX_RECORD	(RECORDS_BATCH_MAX - \
				    sizeof(struct record_hdr) - 255)

/* Every counter a source has; the totals are one more of these. */
struct counters {
	uint64_t		 received;	/* records passed on or not */
	uint64_t		 bytes;		/* bytes read */
	uint64_t		 dropped_kernel;	/* socket buffer full */
	uint64_t		 dropped_oversize;	/* cut at max message */
	uint64_t		 dropped_queue;	/* parser channel full */
	uint64_t		 truncated_files;
	uint64_t		 connections;
	uint64_t		 refused;	/* above max connections */
	uint64_t		 refused_tls;	/* handshake failed or slow */
	uint64_t		 idle_closed;
	uint64_t		 framing_errors;
};

struct source {
	char			 key[32];	/* "L0", "F12" */
	char			*name;		/* "udp 127.0.0.1:5140" */
	struct counters		 c;
};

struct listener {
	int			 id;
	int			 proto;		/* enum listen_proto */
	int			 fd;
	size_t			 maxmsg;
	int			 maxconns;
	int			 idle;		/* seconds, 0: never */
	int			 hstimeout;
	int			 rcvbuf;
	int			 client_ca;
	struct tls		*tls;
	struct event		 ev;
	struct event		 ev_pause;	/* accept again after EMFILE */
	int			 nconns;
	uint32_t		 ovfl;		/* last SO_RXQ_OVFL count */
	struct source		 src;
};

enum conn_state {
	CONN_HANDSHAKE,
	CONN_OPEN
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct listener		*l;
	int			 fd;
	struct tls		*tls;
	enum conn_state		 state;
	struct event		 ev;
	short			 what;		/* EV_READ or EV_WRITE */
	int			 added;
	struct event		 ev_timer;
	time_t			 last;		/* monotonic, last data */
	struct framer		 fr;
	uint64_t		 seen_truncated;
	uint64_t		 seen_errors;
	int			 parser;
	char			 peer[INET6_ADDRSTRLEN];
	uint8_t			 peerlen;
};

struct tailfile {
	TAILQ_ENTRY(tailfile)	 entry;
	int64_t			 file_id;
	int			 tail_id;
	char			*path;
	int			 fd;
	int64_t			 off;		/* first byte not delivered */
	int64_t			 rpos;		/* next byte, when skipping */
	char			*part;		/* partial line from off */
	size_t			 partlen;
	size_t			 partcap;
	int			 skipping;	/* in a line over maxmsg */
	size_t			 maxmsg;
	uint32_t		 announced;	/* parsers told about it */
	int			 draining;	/* read to EOF, then close */
	int			 waiting;	/* its predecessor drains */
	int			 parser;
	struct source		 src;
};

struct batch {
	struct imsgev		*iev;
	uint8_t			*buf;
	size_t			 len;
};

static struct ingest {
	struct child		 c;
	struct listener		 listeners[CHILD_MAX_LISTENERS];
	int			 nlisteners;
	TAILQ_HEAD(, conn)	 conns;
	int			 nconns;
	TAILQ_HEAD(, tailfile)	 files;
	int			 nfiles;
	int			 maxfiles;	/* what the fd limit leaves */
	struct batch		 batches[PROC_MAX_INSTANCES];
	int			 nparsers;
	unsigned int		 next_parser;
	int			 pressure;	/* a channel is above high */
	uint64_t		 pauses;
	uint64_t		 files_refused;
	uint64_t		 files_closed;
	struct counters		 total;
	int64_t			 now;		/* µs, this wake-up */
	struct event		 ev_tail;
	char			*rbuf;		/* stream reads */
	char			*tbuf;		/* file reads */
	size_t			 tbufsize;
	/* UDP receive batch */
	struct mmsghdr		*msgs;
	struct iovec		*iovs;
	struct sockaddr_storage	*addrs;
	char			*udpbuf;
	char			*ctlbuf;
	size_t			 udpslot;
} in;

#define CTL_SLOT	CMSG_SPACE(sizeof(uint32_t))

/* A counter of one source and of the totals. */
#define COUNT(s, field, n)	do {					\
	(s)->c.field += (n);						\
	in.total.field += (n);						\
} while (0)

static json_t	*ingest_counters(void *);
static json_t	*counters_json(const struct counters *);
static int	 ingest_dispatch_parent(struct imsgev *, struct imsg *);
static void	 ingest_water(struct imsgbuf *, int, void *);
static void	 pressure_changed(void);
static time_t	 now_mono(void);

static void	 listener_setup(struct listener *,
		    const struct child_listener *);
static void	 listener_tls(struct listener *);
static json_t	*listener_conf(int);
static int64_t	 conf_int(json_t *, const char *, int64_t, int64_t, int64_t);

static void	 record(struct source *, int, int, int64_t, int, int64_t,
		    const char *, size_t, const char *, size_t);
static void	 batch_flush(struct batch *);
static void	 batches_flush(void);
static struct source *source_of(int, int64_t);
static void	 source_name_clean(char *);

static void	 udp_read(int, short, void *);
static void	 udp_datagram(struct listener *, int);
static void	 peer_string(const struct sockaddr *, char *, size_t);
static int	 peer_parser(const struct sockaddr *);

static void	 stream_accept(int, short, void *);
static void	 stream_accept_again(int, short, void *);
static void	 conn_new(struct listener *, int, struct sockaddr_storage *);
static void	 conn_io(int, short, void *);
static void	 conn_handshake(struct conn *);
static void	 conn_read(struct conn *);
static void	 conn_counted(struct conn *);
static void	 conn_record(const char *, size_t, int, void *);
static void	 conn_want(struct conn *, short);
static void	 conn_timer(int, short, void *);
static void	 conn_arm(struct conn *, int);
static void	 conn_eof(struct conn *);
static void	 conn_close(struct conn *);

static void	 tail_add(const struct tail_file *, const char *, int);
static void	 tail_gone(int64_t);
static void	 tail_kick(void);
static void	 tail_tick(int, short, void *);
static int	 tail_announce(struct tailfile *);
static int	 tail_read(struct tailfile *, size_t *);
static int	 tail_keep(struct tailfile *, const char *, size_t);
static void	 tail_record(struct tailfile *, const char *, size_t, int,
		    int64_t);
static void	 tail_finish(struct tailfile *);
static void	 tail_close(struct tailfile *);

static time_t
now_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* counters --------------------------------------------------------- */

static json_t *
counters_json(const struct counters *c)
{
	json_t	*o;

	o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "received", (json_int_t)c->received,
	    "bytes", (json_int_t)c->bytes,
	    "dropped_kernel", (json_int_t)c->dropped_kernel,
	    "dropped_oversize", (json_int_t)c->dropped_oversize,
	    "dropped_queue", (json_int_t)c->dropped_queue,
	    "truncated_files", (json_int_t)c->truncated_files,
	    "connections", (json_int_t)c->connections,
	    "refused", (json_int_t)c->refused,
	    "refused_tls", (json_int_t)c->refused_tls,
	    "idle_closed", (json_int_t)c->idle_closed,
	    "framing_errors", (json_int_t)c->framing_errors);
	if (o == NULL)
		fatalx("%s: json_pack", __func__);
	return (o);
}

static json_t *
ingest_counters(void *arg)
{
	struct listener		*l;
	struct tailfile		*f;
	json_t			*o, *srcs, *s;
	size_t			 queued = 0;
	int			 i;

	o = counters_json(&in.total);
	json_object_set_new(o, "dropped", json_integer(
	    in.total.dropped_kernel + in.total.dropped_oversize +
	    in.total.dropped_queue));
	json_object_set_new(o, "active", json_integer(in.nconns));
	json_object_set_new(o, "files", json_integer(in.nfiles));
	json_object_set_new(o, "files_closed", json_integer(in.files_closed));
	json_object_set_new(o, "files_refused",
	    json_integer(in.files_refused));
	json_object_set_new(o, "files_max", json_integer(in.maxfiles));
	for (i = 0; i < in.nparsers; i++)
		queued += imsgbuf_queued(&in.batches[i].iev->ibuf);
	json_object_set_new(o, "queued", json_integer(queued));
	json_object_set_new(o, "paused", json_integer(in.pressure));
	json_object_set_new(o, "pauses", json_integer(in.pauses));

	if ((srcs = json_array()) == NULL)
		fatalx("%s: json_array", __func__);
	for (i = 0; i < in.nlisteners; i++) {
		l = &in.listeners[i];
		s = counters_json(&l->src.c);
		json_object_set_new(s, "key", json_string(l->src.key));
		json_object_set_new(s, "name", json_string(l->src.name));
		if (l->proto != LISTEN_UDP)
			json_object_set_new(s, "active",
			    json_integer(l->nconns));
		json_array_append_new(srcs, s);
	}
	TAILQ_FOREACH(f, &in.files, entry) {
		s = counters_json(&f->src.c);
		json_object_set_new(s, "key", json_string(f->src.key));
		json_object_set_new(s, "name", json_string(f->src.name));
		json_object_set_new(s, "offset", json_integer(f->skipping ?
		    f->rpos : f->off + (int64_t)f->partlen));
		json_array_append_new(srcs, s);
	}
	json_object_set_new(o, "sources", srcs);
	return (o);
}

/* records and batches ---------------------------------------------- */

/* Queue one record for a parser; peer is NULL for files. */
static void
record(struct source *src, int parser, int kind, int64_t id, int flags,
    int64_t offset, const char *peer, size_t peerlen, const char *data,
    size_t len)
{
	struct batch		*b = &in.batches[parser];
	struct record_hdr	 rh;
	size_t			 need;

	COUNT(src, received, 1);
	if (peerlen > 255)
		peerlen = 255;
	if (len > INGEST_MAX_RECORD) {
		/* the callers cut earlier; this only guards the batch */
		len = INGEST_MAX_RECORD;
		flags |= RECORD_TRUNCATED;
	}
	need = sizeof(rh) + peerlen + len;
	if (need > RECORDS_BATCH_MAX - b->len)
		batch_flush(b);

	memset(&rh, 0, sizeof(rh));
	rh.len = len;
	rh.kind = kind;
	rh.flags = flags;
	rh.peerlen = peerlen;
	rh.id = id;
	rh.received_at = in.now;
	rh.offset = offset;
	memcpy(b->buf + b->len, &rh, sizeof(rh));
	b->len += sizeof(rh);
	if (peerlen > 0) {
		memcpy(b->buf + b->len, peer, peerlen);
		b->len += peerlen;
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
}

static struct source *
source_of(int kind, int64_t id)
{
	struct tailfile	*f;
	int		 i;

	if (kind == SOURCE_LISTENER) {
		for (i = 0; i < in.nlisteners; i++)
			if (in.listeners[i].id == id)
				return (&in.listeners[i].src);
	} else if (kind == SOURCE_FILE) {
		TAILQ_FOREACH(f, &in.files, entry)
			if (f->file_id == id)
				return (&f->src);
	}
	return (NULL);
}

/*
 * Anyone who can create a file in a tailed directory chooses its name:
 * the status report stays valid JSON (UTF-8) and one line per source.
 */
static void
source_name_clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/*
 * Send one batch.  A full channel refuses it (ENOBUFS): each record
 * is counted as dropped for its source.  Only UDP can get here; the
 * sources that can wait pause long before the limit.
 */
static void
batch_flush(struct batch *b)
{
	struct record_hdr	 rh;
	struct source		*src;
	size_t			 off = 0;

	if (b->len == 0)
		return;
	if (imsgev_compose(b->iev, IMSG_RECORDS, 0, -1, b->buf,
	    b->len) == -1) {
		if (errno != ENOBUFS)
			fatal("%s: compose", __func__);
		while (off + sizeof(rh) <= b->len) {
			memcpy(&rh, b->buf + off, sizeof(rh));
			off += sizeof(rh) + rh.peerlen + rh.len;
			if ((src = source_of(rh.kind, rh.id)) != NULL)
				COUNT(src, dropped_queue, 1);
			else
				in.total.dropped_queue++;
			if (rh.kind == SOURCE_FILE)
				log_warnx("%s: file %lld: a line before "
				    "offset %lld was dropped", __func__,
				    (long long)rh.id, (long long)rh.offset);
		}
	}
	b->len = 0;
}

/* Nothing is held past the wake-up that read it. */
static void
batches_flush(void)
{
	int	 i;

	for (i = 0; i < in.nparsers; i++)
		batch_flush(&in.batches[i]);
}

/* back-pressure ---------------------------------------------------- */

static void
ingest_water(struct imsgbuf *ib, int above, void *arg)
{
	pressure_changed();
}

static void
pressure_changed(void)
{
	struct conn	*c;
	int		 i, any = 0;

	for (i = 0; i < in.nparsers; i++)
		if (in.batches[i].iev->ibuf.above)
			any = 1;
	if (any == in.pressure)
		return;
	in.pressure = any;
	if (any) {
		in.pauses++;
		log_debug("parsers are behind: pausing streams and tails");
		TAILQ_FOREACH(c, &in.conns, entry)
			if (c->state == CONN_OPEN && c->added) {
				event_del(&c->ev);
				c->added = 0;
			}
		return;
	}
	log_debug("parsers caught up: resuming streams and tails");
	TAILQ_FOREACH(c, &in.conns, entry) {
		if (c->state != CONN_OPEN)
			continue;
		c->last = now_mono();
		conn_want(c, c->what);
		/* TLS may hold decrypted bytes that poll will not show */
		if (c->tls != NULL)
			event_active(&c->ev, EV_READ, 0);
	}
	tail_kick();
}

/* listeners -------------------------------------------------------- */

static json_t *
listener_conf(int id)
{
	json_t	*a, *l;
	size_t	 i;

	a = json_object_get(in.c.conf, "listeners");
	json_array_foreach(a, i, l)
		if (json_integer_value(json_object_get(l, "id")) == id)
			return (l);
	return (NULL);
}

static int64_t
conf_int(json_t *o, const char *key, int64_t def, int64_t min, int64_t max)
{
	json_t	*v = json_object_get(o, key);
	int64_t	 n;

	if (!json_is_integer(v))
		return (def);
	n = json_integer_value(v);
	if (n < min)
		return (min);
	if (n > max)
		return (max);
	return (n);
}

/* Still root: socket buffers beyond rmem_max need SO_RCVBUFFORCE. */
static void
listener_setup(struct listener *l, const struct child_listener *cl)
{
	json_t		*o;
	const char	*addr, *proto;
	int		 on = 1, port;
	int64_t		 maxmsg;
	socklen_t	 sl;
	int		 got;

	l->id = cl->id;
	l->proto = cl->proto;
	l->fd = cl->fd;
	o = listener_conf(cl->id);
	maxmsg = conf_int(o, "max_message", SIEMD_MAX_LINE, 1,
	    INT32_MAX);
	if ((size_t)maxmsg > INGEST_MAX_RECORD) {
		log_warnx("listener %d: max message %lld is above %zu, "
		    "using %zu", l->id, (long long)maxmsg,
		    (size_t)INGEST_MAX_RECORD, (size_t)INGEST_MAX_RECORD);
		maxmsg = INGEST_MAX_RECORD;
	}
	l->maxmsg = maxmsg;
	l->maxconns = conf_int(o, "max_connections", SIEMD_MAX_CONNS, 1,
	    SIEMD_MAX_CONNS);
	l->idle = conf_int(o, "idle_timeout", SIEMD_IDLE_TIMEOUT, 0,
	    INT32_MAX);
	l->hstimeout = conf_int(o, "handshake_timeout",
	    SIEMD_HANDSHAKE_TIMEOUT, 1, INT32_MAX);
	l->rcvbuf = conf_int(o, "receive_buffer", SIEMD_RCVBUF, 4096,
	    INT32_MAX / 2);
	l->client_ca = json_is_true(json_object_get(o, "client_ca"));

	addr = json_string_value(json_object_get(o, "addr"));
	port = conf_int(o, "port", 0, 0, 65535);
	proto = l->proto == LISTEN_UDP ? "udp" : l->proto == LISTEN_TCP ?
	    "tcp" : "tls";
	snprintf(l->src.key, sizeof(l->src.key), "L%d", l->id);
	if (addr != NULL && strchr(addr, ':') != NULL)
		got = asprintf(&l->src.name, "%s [%s]:%d", proto, addr, port);
	else
		got = asprintf(&l->src.name, "%s %s:%d", proto,
		    addr ? addr : "*", port);
	if (got == -1)
		fatal("%s: asprintf", __func__);

	if (l->proto != LISTEN_UDP)
		return;
	if (setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &l->rcvbuf,
	    sizeof(l->rcvbuf)) == -1 &&
	    setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &l->rcvbuf,
	    sizeof(l->rcvbuf)) == -1)
		log_warn("%s: receive buffer %d", l->src.name, l->rcvbuf);
	/* the kernel's drop count comes with each datagram */
	if (setsockopt(l->fd, SOL_SOCKET, SO_RXQ_OVFL, &on,
	    sizeof(on)) == -1)
		log_warn("%s: SO_RXQ_OVFL", l->src.name);
	sl = sizeof(got);
	if (getsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &got, &sl) == 0)
		log_debug("%s: receive buffer %d bytes", l->src.name, got);
}

/* The TLS server context, from key bytes in memory, before sealing. */
static void
listener_tls(struct listener *l)
{
	const struct child_file	*cert, *key, *ca;
	struct tls_config	*cfg;

	cert = child_file(&in.c, l->id, TLSFILE_CERT);
	key = child_file(&in.c, l->id, TLSFILE_KEY);
	ca = child_file(&in.c, l->id, TLSFILE_CA);
	if (cert == NULL || key == NULL)
		fatalx("%s: no certificate or key", l->src.name);
	if ((cfg = tls_config_new()) == NULL)
		fatalx("%s: tls_config_new", __func__);
	if (tls_config_set_keypair_mem(cfg, cert->data, cert->len,
	    key->data, key->len) == -1)
		fatalx("%s: %s", l->src.name, tls_config_error(cfg));
	if (l->client_ca || ca != NULL) {
		if (ca == NULL)
			fatalx("%s: client certificates required but no CA",
			    l->src.name);
		if (tls_config_set_ca_mem(cfg, ca->data, ca->len) == -1)
			fatalx("%s: %s", l->src.name, tls_config_error(cfg));
		tls_config_verify_client(cfg);
		l->client_ca = 1;
	}
	if ((l->tls = tls_server()) == NULL)
		fatalx("%s: tls_server", __func__);
	if (tls_configure(l->tls, cfg) == -1)
		fatalx("%s: %s", l->src.name, tls_error(l->tls));
	tls_config_clear_keys(cfg);
	tls_config_free(cfg);
}

/* UDP -------------------------------------------------------------- */

static void
peer_string(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in6	*sin6;
	const struct sockaddr_in	*sin;
	const uint8_t			*a;

	buf[0] = '\0';
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &sin->sin_addr, buf, len);
	} else if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		a = sin6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			inet_ntop(AF_INET, a + 12, buf, len);
		else
			inet_ntop(AF_INET6, &sin6->sin6_addr, buf, len);
	}
}

/* One sender always reaches the same parser. */
static int
peer_parser(const struct sockaddr *sa)
{
	const uint8_t	*p;
	size_t		 len, i;
	uint32_t	 h = 2166136261U;

	if (sa->sa_family == AF_INET) {
		p = (const uint8_t *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
		len = 4;
	} else if (sa->sa_family == AF_INET6) {
		p = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		len = 16;
	} else
		return (0);
	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619U;
	return (h % in.nparsers);
}

static void
udp_read(int fd, short events, void *arg)
{
	struct listener	*l = arg;
	int		 i, n, round;

	in.now = real_us();
	for (round = 0; round < INGEST_UDP_ROUNDS; round++) {
		for (i = 0; i < INGEST_UDP_BATCH; i++) {
			in.msgs[i].msg_hdr.msg_namelen =
			    sizeof(in.addrs[i]);
			in.msgs[i].msg_hdr.msg_controllen = CTL_SLOT;
			in.msgs[i].msg_hdr.msg_flags = 0;
			in.msgs[i].msg_len = 0;
		}
		n = recvmmsg(fd, in.msgs, INGEST_UDP_BATCH, MSG_DONTWAIT,
		    NULL);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: recvmmsg", l->src.name);
			break;
		}
		for (i = 0; i < n; i++)
			udp_datagram(l, i);
		if (n < INGEST_UDP_BATCH)
			break;
	}
	batches_flush();
}

static void
udp_datagram(struct listener *l, int i)
{
	struct msghdr	*mh = &in.msgs[i].msg_hdr;
	struct cmsghdr	*cm;
	struct batch	*b;
	const char	*data = in.iovs[i].iov_base;
	char		 peer[INET6_ADDRSTRLEN];
	size_t		 len = in.msgs[i].msg_len, peerlen;
	uint32_t	 ovfl;
	int		 flags = 0, parser;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SO_RXQ_OVFL ||
		    cm->cmsg_len < CMSG_LEN(sizeof(ovfl)))
			continue;
		/* cumulative for the socket: count what is new */
		memcpy(&ovfl, CMSG_DATA(cm), sizeof(ovfl));
		if (ovfl != l->ovfl) {
			COUNT(&l->src, dropped_kernel, (uint32_t)(ovfl -
			    l->ovfl));
			l->ovfl = ovfl;
		}
	}
	COUNT(&l->src, bytes, len);
	if (len > in.udpslot)
		len = in.udpslot;
	if (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\0')) {
		len--;
		if (len > 0 && data[len] == '\n' && data[len - 1] == '\r')
			len--;
	}
	if ((mh->msg_flags & MSG_TRUNC) || len > l->maxmsg) {
		if (len > l->maxmsg)
			len = l->maxmsg;
		flags |= RECORD_TRUNCATED;
		COUNT(&l->src, dropped_oversize, 1);
	}
	if (len == 0 && !(flags & RECORD_TRUNCATED))
		return;

	parser = peer_parser((struct sockaddr *)&in.addrs[i]);
	peer_string((struct sockaddr *)&in.addrs[i], peer, sizeof(peer));
	peerlen = strlen(peer);
	b = &in.batches[parser];
	/* UDP leaves the top of the queue to the sources that can wait */
	if (imsgbuf_queued(&b->iev->ibuf) + b->len + sizeof(struct
	    record_hdr) + peerlen + len > INGEST_UDP_QUEUE_LIMIT) {
		COUNT(&l->src, received, 1);
		COUNT(&l->src, dropped_queue, 1);
		return;
	}
	record(&l->src, parser, SOURCE_LISTENER, l->id, flags, -1, peer,
	    peerlen, data, len);
}

/* TCP and TLS ------------------------------------------------------ */

static void
stream_accept(int fd, short events, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss;
	struct timeval		 tv = { 1, 0 };
	socklen_t		 slen;
	int			 s, i;

	for (i = 0; i < INGEST_ACCEPT_ROUNDS; i++) {
		slen = sizeof(ss);
		s = accept4(fd, (struct sockaddr *)&ss, &slen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				/* leave them in the backlog for a second */
				log_warnx("%s: out of descriptors with %d "
				    "connections", l->src.name, in.nconns);
				event_del(&l->ev);
				evtimer_add(&l->ev_pause, &tv);
			} else if (errno != EAGAIN)
				log_warn("%s: accept", l->src.name);
			return;
		}
		if (l->nconns >= l->maxconns ||
		    in.nconns >= SIEMD_MAX_CONNS) {
			close(s);
			COUNT(&l->src, refused, 1);
			continue;
		}
		conn_new(l, s, &ss);
	}
}

static void
stream_accept_again(int fd, short events, void *arg)
{
	struct listener	*l = arg;

	event_add(&l->ev, NULL);
}

static void
conn_new(struct listener *l, int s, struct sockaddr_storage *ss)
{
	struct conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s: calloc", __func__);
	c->l = l;
	c->fd = s;
	c->what = EV_READ;
	c->last = now_mono();
	c->parser = in.next_parser++ % in.nparsers;
	framer_init(&c->fr, l->maxmsg);
	peer_string((struct sockaddr *)ss, c->peer, sizeof(c->peer));
	c->peerlen = strlen(c->peer);
	event_assign(&c->ev, in.c.ctx->evbase, s, EV_READ | EV_PERSIST,
	    conn_io, c);
	evtimer_assign(&c->ev_timer, in.c.ctx->evbase, conn_timer, c);
	TAILQ_INSERT_TAIL(&in.conns, c, entry);
	in.nconns++;
	l->nconns++;
	COUNT(&l->src, connections, 1);

	if (l->tls != NULL) {
		if (tls_accept_socket(l->tls, &c->tls, s) == -1) {
			log_warnx("%s: %s: tls_accept_socket: %s",
			    l->src.name, c->peer, tls_error(l->tls));
			COUNT(&l->src, refused_tls, 1);
			conn_close(c);
			return;
		}
		c->state = CONN_HANDSHAKE;
		conn_arm(c, l->hstimeout);
		event_add(&c->ev, NULL);
		c->added = 1;
		return;
	}
	c->state = CONN_OPEN;
	if (l->idle > 0)
		conn_arm(c, l->idle);
	if (!in.pressure) {
		event_add(&c->ev, NULL);
		c->added = 1;
	}
}

/* Wait for readable or writable; an open one waits not under pressure. */
static void
conn_want(struct conn *c, short what)
{
	if (c->added && c->what == what)
		return;
	if (c->added)
		event_del(&c->ev);
	c->added = 0;
	c->what = what;
	event_assign(&c->ev, in.c.ctx->evbase, c->fd, what | EV_PERSIST,
	    conn_io, c);
	if (c->state == CONN_OPEN && in.pressure)
		return;
	event_add(&c->ev, NULL);
	c->added = 1;
}

static void
conn_arm(struct conn *c, int secs)
{
	struct timeval	 tv;

	tv.tv_sec = secs;
	tv.tv_usec = 0;
	evtimer_add(&c->ev_timer, &tv);
}

static void
conn_io(int fd, short events, void *arg)
{
	struct conn	*c = arg;

	in.now = real_us();
	if (c->state == CONN_HANDSHAKE)
		conn_handshake(c);
	else
		conn_read(c);
	batches_flush();
}

static void
conn_handshake(struct conn *c)
{
	int	 rv;

	rv = tls_handshake(c->tls);
	if (rv == TLS_WANT_POLLIN) {
		conn_want(c, EV_READ);
		return;
	}
	if (rv == TLS_WANT_POLLOUT) {
		conn_want(c, EV_WRITE);
		return;
	}
	if (rv == -1) {
		log_debug("%s: %s: handshake: %s", c->l->src.name, c->peer,
		    tls_error(c->tls));
		COUNT(&c->l->src, refused_tls, 1);
		conn_close(c);
		return;
	}
	c->state = CONN_OPEN;
	c->last = now_mono();
	evtimer_del(&c->ev_timer);
	if (c->l->idle > 0)
		conn_arm(c, c->l->idle);
	if (c->added) {
		event_del(&c->ev);
		c->added = 0;
	}
	c->what = 0;
	conn_want(c, EV_READ);
	if (!in.pressure)
		conn_read(c);
}

/*
 * Read what is there, within a budget so that one busy sender does
 * not starve the others.  Stops as soon as the parsers fall behind.
 */
static void
conn_read(struct conn *c)
{
	ssize_t	 n;
	int	 round;

	for (round = 0; round < INGEST_READ_ROUNDS; round++) {
		if (in.pressure)
			return;		/* pressure_changed() paused us */
		if (c->tls != NULL) {
			n = tls_read(c->tls, in.rbuf, INGEST_READ_SIZE);
			if (n == TLS_WANT_POLLIN) {
				conn_want(c, EV_READ);
				return;
			}
			if (n == TLS_WANT_POLLOUT) {
				conn_want(c, EV_WRITE);
				return;
			}
			if (n == -1) {
				log_debug("%s: %s: %s", c->l->src.name,
				    c->peer, tls_error(c->tls));
				conn_eof(c);
				return;
			}
			if (c->what != EV_READ)
				conn_want(c, EV_READ);
		} else {
			n = read(c->fd, in.rbuf, INGEST_READ_SIZE);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR)
					return;
				log_debug("%s: %s: read: %s",
				    c->l->src.name, c->peer,
				    strerror(errno));
				conn_eof(c);
				return;
			}
		}
		if (n == 0) {
			conn_eof(c);
			return;
		}
		COUNT(&c->l->src, bytes, n);
		c->last = now_mono();
		if (framer_feed(&c->fr, in.rbuf, n, conn_record, c) == -1)
			fatal("%s: framer", __func__);
		conn_counted(c);
		if (c->tls == NULL && n < INGEST_READ_SIZE)
			return;		/* the socket is empty */
	}
	/* more may wait, also inside TLS where poll cannot see it */
	if (c->tls != NULL)
		event_active(&c->ev, EV_READ, 0);
}

/* The framer counts; the sources learn the differences. */
static void
conn_counted(struct conn *c)
{
	if (c->fr.truncated != c->seen_truncated) {
		COUNT(&c->l->src, dropped_oversize,
		    c->fr.truncated - c->seen_truncated);
		c->seen_truncated = c->fr.truncated;
	}
	if (c->fr.framing_errors != c->seen_errors) {
		COUNT(&c->l->src, framing_errors,
		    c->fr.framing_errors - c->seen_errors);
		c->seen_errors = c->fr.framing_errors;
	}
}

static void
conn_record(const char *rec, size_t len, int truncated, void *arg)
{
	struct conn	*c = arg;

	record(&c->l->src, c->parser, SOURCE_LISTENER, c->l->id,
	    truncated ? RECORD_TRUNCATED : 0, -1, c->peer, c->peerlen, rec,
	    len);
}

static void
conn_timer(int fd, short events, void *arg)
{
	struct conn	*c = arg;
	time_t		 idle;

	if (c->state == CONN_HANDSHAKE) {
		log_debug("%s: %s: no handshake in %d seconds",
		    c->l->src.name, c->peer, c->l->hstimeout);
		COUNT(&c->l->src, refused_tls, 1);
		conn_close(c);
		return;
	}
	if (c->l->idle <= 0)
		return;
	if (in.pressure) {
		/* we are the ones not reading: not the sender's fault */
		c->last = now_mono();
		conn_arm(c, c->l->idle);
		return;
	}
	idle = now_mono() - c->last;
	if (idle < c->l->idle) {
		conn_arm(c, c->l->idle - idle);
		return;
	}
	log_debug("%s: %s: idle for %lld seconds", c->l->src.name, c->peer,
	    (long long)idle);
	COUNT(&c->l->src, idle_closed, 1);
	in.now = real_us();
	conn_eof(c);
	batches_flush();
}

/* The sender is done: what it sent without a final LF still counts. */
static void
conn_eof(struct conn *c)
{
	if (framer_finish(&c->fr, conn_record, c) == -1)
		fatal("%s: framer", __func__);
	conn_counted(c);
	conn_close(c);
}

static void
conn_close(struct conn *c)
{
	if (c->added)
		event_del(&c->ev);
	evtimer_del(&c->ev_timer);
	if (c->tls != NULL) {
		/* one try: a peer that wants more gets nothing */
		(void)tls_close(c->tls);
		tls_free(c->tls);
	}
	close(c->fd);
	framer_free(&c->fr);
	TAILQ_REMOVE(&in.conns, c, entry);
	in.nconns--;
	c->l->nconns--;
	free(c);
}

/* tails ------------------------------------------------------------ */

static void
tail_add(const struct tail_file *tf, const char *path, int fd)
{
	struct tailfile	*f, *old;
	struct stat	 st;

	TAILQ_FOREACH(old, &in.files, entry)
		if (old->file_id == tf->file_id) {
			log_debug("%s: file %lld already read", __func__,
			    (long long)tf->file_id);
			close(fd);
			return;
		}
	if (in.nfiles >= in.maxfiles) {
		log_warnx("%s: %s: more than %d files, not read", __func__,
		    path, in.maxfiles);
		in.files_refused++;
		close(fd);
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_warnx("%s: %s: not a regular file", __func__, path);
		in.files_refused++;
		close(fd);
		return;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(path)) == NULL ||
	    asprintf(&f->src.name, "file %s", path) == -1)
		fatal("%s: alloc", __func__);
	source_name_clean(f->src.name);
	f->file_id = tf->file_id;
	f->tail_id = tf->tail_id;
	f->fd = fd;
	f->off = tf->offset;
	f->maxmsg = SIEMD_MAX_LINE;
	f->parser = (uint64_t)tf->file_id % in.nparsers;
	snprintf(f->src.key, sizeof(f->src.key), "F%lld",
	    (long long)f->file_id);

	/* rotation: the old file of this path is read to its end first */
	TAILQ_FOREACH(old, &in.files, entry)
		if (strcmp(old->path, path) == 0) {
			old->draining = 1;
			f->waiting = 1;
		}
	TAILQ_INSERT_TAIL(&in.files, f, entry);
	in.nfiles++;
	log_debug("%s: %s: file %lld from offset %lld%s", __func__, path,
	    (long long)f->file_id, (long long)f->off,
	    f->waiting ? ", after the previous one" : "");
	tail_kick();
}

static void
tail_gone(int64_t file_id)
{
	struct tailfile	*f;

	TAILQ_FOREACH(f, &in.files, entry)
		if (f->file_id == file_id) {
			f->draining = 1;
			tail_kick();
			return;
		}
}

static void
tail_kick(void)
{
	struct timeval	 tv = { 0, 0 };

	evtimer_add(&in.ev_tail, &tv);
}

/* Every parser learns a file's path before its first record. */
static int
tail_announce(struct tailfile *f)
{
	struct source_file	 sf;
	struct iovec		 iov[2];
	int			 i;

	memset(&sf, 0, sizeof(sf));
	sf.file_id = f->file_id;
	sf.tail_id = f->tail_id;
	iov[0].iov_base = &sf;
	iov[0].iov_len = sizeof(sf);
	iov[1].iov_base = f->path;
	iov[1].iov_len = strlen(f->path) + 1;
	for (i = 0; i < in.nparsers; i++) {
		if (f->announced & (1U << i))
			continue;
		if (imsgev_composev(in.batches[i].iev, IMSG_SOURCE_FILE, 0,
		    -1, iov, 2) == -1) {
			if (errno == ENOBUFS)
				return (0);	/* later */
			fatal("%s: compose", __func__);
		}
		f->announced |= 1U << i;
	}
	return (1);
}

static void
tail_tick(int fd, short events, void *arg)
{
	struct timeval	 tv = { 0, INGEST_TAIL_INTERVAL * 1000 };
	struct tailfile	*f, *next, *stop = NULL;
	size_t		 budget = INGEST_TAIL_BUDGET;
	int		 more = 0;

	in.now = real_us();
	for (f = TAILQ_FIRST(&in.files); f != NULL; f = next) {
		next = TAILQ_NEXT(f, entry);
		if (in.pressure)
			break;		/* pressure_changed() kicks us */
		if (f->waiting || !tail_announce(f))
			continue;
		if (tail_read(f, &budget)) {
			more = 1;
			if (budget == 0) {
				stop = f;
				break;
			}
		}
	}
	/* the next pass begins after the file that used up the budget */
	if (stop != NULL)
		while ((f = TAILQ_FIRST(&in.files)) != NULL) {
			TAILQ_REMOVE(&in.files, f, entry);
			TAILQ_INSERT_TAIL(&in.files, f, entry);
			if (f == stop)
				break;
		}
	batches_flush();
	if (in.pressure)
		return;
	if (more)
		tv.tv_usec = 0;
	evtimer_add(&in.ev_tail, &tv);
}

/*
 * Read complete lines from where we are to the end of the file or
 * until the budget is spent; returns 1 when stopped before the end.
 * A file that shrank below our position was truncated: start again
 * at 0.  At the end of a file that is gone or replaced, a last line
 * without LF is delivered and the file closed.
 */
static int
tail_read(struct tailfile *f, size_t *budget)
{
	struct stat	 st;
	char		*buf = in.tbuf, *nl;
	size_t		 total, p, linelen, rest;
	int64_t		 pos, end;
	ssize_t		 n = 0;

	if (fstat(f->fd, &st) == -1) {
		log_warn("%s: fstat", f->path);
		tail_close(f);
		return (0);
	}
	pos = f->skipping ? f->rpos : f->off + (int64_t)f->partlen;
	if (st.st_size < pos) {
		log_info("%s: truncated to %lld bytes, reading from the "
		    "start", f->path, (long long)st.st_size);
		COUNT(&f->src, truncated_files, 1);
		f->off = f->rpos = 0;
		f->partlen = 0;
		f->skipping = 0;
	}
	if (st.st_nlink == 0)
		f->draining = 1;

	while (*budget > 0) {
		if (in.pressure)
			return (1);
		if (f->skipping) {
			n = pread(f->fd, buf, INGEST_TAIL_CHUNK, f->rpos);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			COUNT(&f->src, bytes, n);
			*budget -= (size_t)n < *budget ? (size_t)n : *budget;
			if ((nl = memchr(buf, '\n', n)) == NULL) {
				f->rpos += n;
				continue;
			}
			f->rpos += nl - buf + 1;
			tail_record(f, f->part, f->partlen, 1, f->rpos);
			f->skipping = 0;
			f->partlen = 0;
			f->off = f->rpos;
			continue;
		}

		if (f->partlen > 0)
			memcpy(buf, f->part, f->partlen);
		n = pread(f->fd, buf + f->partlen, INGEST_TAIL_CHUNK,
		    f->off + (int64_t)f->partlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		COUNT(&f->src, bytes, n);
		*budget -= (size_t)n < *budget ? (size_t)n : *budget;
		total = f->partlen + n;
		p = 0;
		while ((nl = memchr(buf + p, '\n', total - p)) != NULL) {
			linelen = nl - (buf + p);
			if (linelen > 0 && buf[p + linelen - 1] == '\r')
				linelen--;
			end = f->off + (nl - buf) + 1;
			if (linelen > f->maxmsg)
				tail_record(f, buf + p, f->maxmsg, 1, end);
			else if (linelen > 0)
				tail_record(f, buf + p, linelen, 0, end);
			p = nl - buf + 1;
		}
		f->off += p;
		rest = total - p;
		if (rest > f->maxmsg) {
			/* keep the head; the line's end is still to come */
			if (tail_keep(f, buf + p, f->maxmsg) == -1)
				fatal("%s: alloc", __func__);
			f->skipping = 1;
			f->rpos = f->off + rest;
		} else if (tail_keep(f, buf + p, rest) == -1)
			fatal("%s: alloc", __func__);
	}
	if (*budget == 0)
		return (1);
	if (n == -1)
		log_warn("%s: pread", f->path);
	if (f->draining || n == -1) {
		tail_finish(f);
		tail_close(f);
	}
	return (0);
}

/* The partial line is kept apart, at most maxmsg bytes. */
static int
tail_keep(struct tailfile *f, const char *p, size_t len)
{
	char	*np;

	if (len > f->partcap) {
		if ((np = realloc(f->part, len)) == NULL)
			return (-1);
		f->part = np;
		f->partcap = len;
	}
	if (len > 0)
		memmove(f->part, p, len);
	f->partlen = len;
	if (len == 0 && f->partcap > FRAMER_KEEP_BUFFER) {
		free(f->part);
		f->part = NULL;
		f->partcap = 0;
	}
	return (0);
}

static void
tail_record(struct tailfile *f, const char *data, size_t len,
    int truncated, int64_t offset)
{
	if (truncated)
		COUNT(&f->src, dropped_oversize, 1);
	record(&f->src, f->parser, SOURCE_FILE, f->file_id,
	    truncated ? RECORD_TRUNCATED : 0, offset, NULL, 0, data, len);
}

/* The file will not grow any more: its last line needs no LF. */
static void
tail_finish(struct tailfile *f)
{
	size_t	 len = f->partlen;

	if (f->skipping) {
		tail_record(f, f->part, f->partlen, 1, f->rpos);
	} else if (len > 0) {
		if (f->part[len - 1] == '\r')
			len--;
		if (len > 0)
			tail_record(f, f->part, len, 0,
			    f->off + (int64_t)f->partlen);
	}
	f->partlen = 0;
	f->skipping = 0;
}

static void
tail_close(struct tailfile *f)
{
	struct tailfile	*g;

	log_debug("%s: %s: closed at offset %lld", __func__, f->path,
	    (long long)f->off);
	TAILQ_REMOVE(&in.files, f, entry);
	in.nfiles--;
	in.files_closed++;
	/* its successor on the same path may start now */
	TAILQ_FOREACH(g, &in.files, entry)
		if (g->waiting && strcmp(g->path, f->path) == 0) {
			g->waiting = 0;
			tail_kick();
			break;
		}
	close(f->fd);
	free(f->part);
	free(f->path);
	free(f->src.name);
	free(f);
}

/* the parent ------------------------------------------------------- */

static int
ingest_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct tail_file	 tf;
	const void		*tail;
	size_t			 taillen;
	int64_t			 file_id;

	switch (imsg->hdr.type) {
	case IMSG_TAIL_FILE:
		if (imsg_get_head(imsg, &tf, sizeof(tf), &tail,
		    &taillen) == -1 || taillen == 0 || taillen > PATH_MAX ||
		    memchr(tail, '\0', taillen) !=
		    (const char *)tail + taillen - 1 || tf.offset < 0 ||
		    imsg->fd == -1)
			return (-1);
		tail_add(&tf, tail, imsg_get_fd(imsg));
		break;
	case IMSG_TAIL_GONE:
		if (imsg_get_data(imsg, &file_id, sizeof(file_id)) == -1)
			return (-1);
		tail_gone(file_id);
		break;
	default:
		return (-1);
	}
	return (0);
}

/* ------------------------------------------------------------------ */

__dead void
ingest(struct proc_ctx *ctx)
{
	struct listener	*l;
	struct imsgev	*iev;
	size_t		 maxudp = 0;
	int		 i, nudp = 0;

	TAILQ_INIT(&in.conns);
	TAILQ_INIT(&in.files);
	child_setup(ctx, &in.c);

	for (i = 0; i < PROC_MAX_INSTANCES; i++) {
		if ((iev = proc_peer(ctx, PROC_PARSER, i)) == NULL)
			break;
		in.batches[i].iev = iev;
		if ((in.batches[i].buf = malloc(RECORDS_BATCH_MAX)) == NULL)
			fatal("%s: malloc", __func__);
		imsgbuf_set_limits(&iev->ibuf, INGEST_QUEUE_LOW,
		    INGEST_QUEUE_HIGH, INGEST_QUEUE_LIMIT, ingest_water, NULL);
		in.nparsers++;
	}
	if (in.nparsers == 0)
		fatalx("no channel to a parser");

	/* still root: socket options and TLS contexts from memory */
	for (i = 0; i < in.c.nlisteners; i++) {
		l = &in.listeners[in.nlisteners];
		switch (in.c.listeners[i].proto) {
		case LISTEN_UDP:
		case LISTEN_TCP:
		case LISTEN_TLS:
			break;
		default:
			fatalx("listener %d: not a syslog listener",
			    in.c.listeners[i].id);
		}
		listener_setup(l, &in.c.listeners[i]);
		if (l->proto == LISTEN_TLS)
			listener_tls(l);
		if (l->proto == LISTEN_UDP) {
			nudp++;
			if (l->maxmsg > maxudp)
				maxudp = l->maxmsg;
		}
		in.nlisteners++;
	}
	child_wipe_files(&in.c);

	if ((in.rbuf = malloc(INGEST_READ_SIZE)) == NULL)
		fatal("%s: malloc", __func__);
	in.tbufsize = SIEMD_MAX_LINE + INGEST_TAIL_CHUNK;
	if ((in.tbuf = malloc(in.tbufsize)) == NULL)
		fatal("%s: malloc", __func__);
	if (nudp > 0) {
		/* one byte more shows that a datagram was longer */
		in.udpslot = maxudp + 2 < INGEST_UDP_SLOT ? maxudp + 2 :
		    INGEST_UDP_SLOT;
		if ((in.msgs = calloc(INGEST_UDP_BATCH,
		    sizeof(*in.msgs))) == NULL ||
		    (in.iovs = calloc(INGEST_UDP_BATCH,
		    sizeof(*in.iovs))) == NULL ||
		    (in.addrs = calloc(INGEST_UDP_BATCH,
		    sizeof(*in.addrs))) == NULL ||
		    (in.udpbuf = malloc(INGEST_UDP_BATCH *
		    in.udpslot)) == NULL ||
		    (in.ctlbuf = calloc(INGEST_UDP_BATCH, CTL_SLOT)) == NULL)
			fatal("%s: alloc", __func__);
		for (i = 0; i < INGEST_UDP_BATCH; i++) {
			in.iovs[i].iov_base = in.udpbuf + i * in.udpslot;
			in.iovs[i].iov_len = in.udpslot;
			in.msgs[i].msg_hdr.msg_name = &in.addrs[i];
			in.msgs[i].msg_hdr.msg_iov = &in.iovs[i];
			in.msgs[i].msg_hdr.msg_iovlen = 1;
			in.msgs[i].msg_hdr.msg_control = in.ctlbuf +
			    i * CTL_SLOT;
		}
	}

	/* descriptors: every connection, then files with what is left */
	in.maxfiles = (int)siemd_policy(ctx->role)->nofile -
	    SIEMD_MAX_CONNS - INGEST_FD_RESERVE;
	if (in.maxfiles < INGEST_MIN_FILES)
		in.maxfiles = INGEST_MIN_FILES;

	in.c.counters = ingest_counters;
	child_seal(&in.c, child_conf_str(&in.c, "chroot", SIEMD_EMPTY));

	ctx->parent.dispatch = ingest_dispatch_parent;
	for (i = 0; i < in.nlisteners; i++) {
		l = &in.listeners[i];
		if (l->proto == LISTEN_UDP)
			event_assign(&l->ev, ctx->evbase, l->fd,
			    EV_READ | EV_PERSIST, udp_read, l);
		else {
			event_assign(&l->ev, ctx->evbase, l->fd,
			    EV_READ | EV_PERSIST, stream_accept, l);
			evtimer_assign(&l->ev_pause, ctx->evbase,
			    stream_accept_again, l);
		}
		event_add(&l->ev, NULL);
		log_debug("%s: max message %zu", l->src.name, l->maxmsg);
	}
	evtimer_assign(&in.ev_tail, ctx->evbase, tail_tick, NULL);
	tail_kick();
	child_run(&in.c);
}
