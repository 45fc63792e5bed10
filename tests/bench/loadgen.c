/*
 * Load generator for the ingestion benchmark: replays a realistic mix
 * of sshd, sudo, nginx access, kernel UFW and JSON application records
 * over TCP (LF or octet-counted framing), UDP or into a file, at a
 * fixed rate or flat out, for a count or a duration.  Marker records
 * carry their send time so that the time to commit can be measured
 * from the database.
 *
 * No dependency beyond libc: build with
 *	cc -O2 -o loadgen loadgen.c
 */

#define _GNU_SOURCE		/* sendmmsg */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENT	2048		/* longest record we generate */
#define TCP_BUF		(256 * 1024)	/* per connection, in user space */
#define TCP_SNDBUF	(4 * 1024 * 1024)
#define FILE_BUF	(256 * 1024)
#define UDP_BATCH	64		/* datagrams per sendmmsg */
#define GEN_CHUNK	64		/* events between clock reads */
#define MAX_CONNS	1024
#define DRAIN_SECS	120		/* give up flushing after this */

enum transport {
	T_TCP,
	T_TCP_OCTET,
	T_UDP,
	T_FILE
};

enum kind {
	K_SSHD,
	K_SUDO,
	K_NGINX,
	K_UFW,
	K_JSON,
	K_MAX
};

struct conn {
	int		 fd;
	char		*buf;
	size_t		 len;		/* bytes waiting */
	size_t		 off;		/* of which already written */
};

struct gen {
	uint64_t	 rng;
	time_t		 sec;		/* second of the cached stamps */
	char		 rfc3164[32];	/* "Nov  3 10:15:02" */
	char		 iso[40];	/* "2026-11-03T10:15:02" UTC */
	char		 clf[40];	/* "03/Nov/2026:10:15:02 +0000" */
	int		 weights[K_MAX];
	int		 wtotal;
	uint64_t	 seq;
};

static const char *users[] = {
	"root", "admin", "alice", "bob", "carol", "dave", "erin", "frank",
	"grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy",
	"trent", "victor", "walter", "oracle", "postgres", "ubuntu",
	"deploy", "git", "jenkins", "backup", "test", "guest", "support",
	"www-data", "nagios", "ansible", "pi"
};
static const char *cmds[] = {
	"/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update",
	"/usr/bin/journalctl -u sshd", "/bin/cat /etc/shadow",
	"/usr/bin/tail -f /var/log/syslog", "/usr/sbin/reboot",
	"/usr/bin/docker ps", "/bin/ls /root", "/usr/bin/vim /etc/hosts",
	"/usr/sbin/iptables -L -n"
};
static const char *methods[] = {
	"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD"
};
static const char *paths[] = {
	"/", "/index.html", "/login", "/api/v1/items", "/api/v1/items/%u",
	"/api/v1/users/%u", "/api/v1/orders/%u/lines", "/static/app.%u.js",
	"/static/style.css", "/favicon.ico", "/wp-login.php", "/.env",
	"/admin/config.php", "/cgi-bin/test.cgi", "/search", "/health",
	"/api/auth/google", "/api/v1/transactions/export", "/images/%u.png",
	"/robots.txt"
};
static const char *queries[] = {
	"", "", "", "?page=%u", "?q=report+%u", "?id=%u&sort=desc",
	"?utm_source=mail&utm_id=%u"
};
static const int statuses[] = {
	200, 200, 200, 200, 200, 200, 304, 301, 302, 404, 404, 403, 401,
	500, 502, 503
};
static const char *agents[] = {
	"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 "
	    "Firefox/120.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/119.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
	    "AppleWebKit/605.1.15 Mobile/15E148",
	"curl/7.88.1", "python-requests/2.31.0", "Go-http-client/1.1",
	"sqlmap/1.7.2#stable (https://sqlmap.org)",
	"Nuclei - Open-source project (github.com/projectdiscovery/nuclei)"
};
static const char *levels[] = {
	"INFO", "INFO", "WARNING", "ERROR", "CRITICAL", "DEBUG"
};
static const char *json_types[] = {
	"auth_oauth_google_login_failed", "permission_denied",
	"audit_transactions_exported", "unhandled_exception"
};
static const char *exceptions[] = {
	"KeyError", "ValueError", "TimeoutError", "IntegrityError",
	"PermissionError"
};
static const char *nets[] = { "192.0.2", "198.51.100", "203.0.113" };
static const char *months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
	"Oct", "Nov", "Dec"
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static enum transport	 transport = T_TCP_OCTET;
static const char	*host = "127.0.0.1";
static const char	*port = "5140";
static const char	*path;
static double		 rate;
static uint64_t		 count;
static double		 duration;
static int		 nconns = 1;
static const char	*marker;
static double		 marker_every = 0.2;	/* seconds */
static volatile sig_atomic_t quit;

static struct conn	 conns[MAX_CONNS];
static struct gen	 g;
static uint64_t		 sent, bytes, markers, errors;
static pid_t		 mypid;
static double		 next_marker;

static void	 usage(void) __attribute__((__noreturn__));
static double	 mono(void);
static int64_t	 real_us(void);
static uint32_t	 rnd(uint32_t);
static void	 stamps(void);
static void	 ip(char *, size_t);
static size_t	 gen_event(char *, size_t, int);
static size_t	 gen_marker(char *, size_t);
static size_t	 frame(char *, size_t, int);
static void	 set_mix(const char *);
static void	 open_tcp(void);
static int	 open_udp(void);
static int	 flush_conn(struct conn *);
static int	 marker_due(void);
static void	 onsignal(int);

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen [-c connections] [-d seconds] "
	    "[-h host] [-i marker-interval]\n"
	    "\t[-M marker] [-m all|sshd|sudo|nginx|ufw|json|syslog[,...]] "
	    "[-n count]\n"
	    "\t[-p port] [-r rate] [-s seed] "
	    "[-t tcp|tcp-octet|udp|file:path]\n");
	exit(2);
}

static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static int64_t
real_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* xorshift64*: fast, and good enough for field variety */
static uint32_t
rnd(uint32_t n)
{
	g.rng ^= g.rng >> 12;
	g.rng ^= g.rng << 25;
	g.rng ^= g.rng >> 27;
	return ((uint32_t)((g.rng * 2685821657736338717ULL) >> 32) % n);
}

/* Time stamps are formatted once a second, not once per record. */
static void
stamps(void)
{
	struct tm	 tm;
	time_t		 now = time(NULL);

	if (now == g.sec)
		return;
	g.sec = now;
	localtime_r(&now, &tm);
	snprintf(g.rfc3164, sizeof(g.rfc3164), "%s %2d %02d:%02d:%02d",
	    months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	gmtime_r(&now, &tm);
	strftime(g.iso, sizeof(g.iso), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(g.clf, sizeof(g.clf), "%d/%b/%Y:%H:%M:%S +0000", &tm);
}

static void
ip(char *buf, size_t sz)
{
	snprintf(buf, sz, "%s.%u", nets[rnd(NELEM(nets))], 1 + rnd(254));
}

/* One record without framing; returns its length. */
static size_t
gen_event(char *b, size_t sz, int kind)
{
	char		 a[20], d[20], p[128], q[64];
	const char	*u = users[rnd(NELEM(users))];
	unsigned	 hostn = 1 + rnd(20), pid = 1000 + rnd(60000);
	unsigned	 ms = (unsigned)(real_us() / 1000 % 1000), st;
	int		 n = 0, r;

	ip(a, sizeof(a));
	switch (kind) {
	case K_SSHD:
		r = rnd(10);
		if (r < 5)
			n = snprintf(b, sz, "<38>%s web%02u sshd[%u]: Failed "
			    "password for %s%s from %s port %u ssh2",
			    g.rfc3164, hostn, pid, r < 2 ? "invalid user " : "",
			    u, a, 1024 + rnd(64000));
		else if (r < 8)
			n = snprintf(b, sz, "<38>%s web%02u sshd[%u]: Invalid "
			    "user %s from %s port %u", g.rfc3164, hostn, pid,
			    u, a, 1024 + rnd(64000));
		else
			n = snprintf(b, sz, "<38>%s web%02u sshd[%u]: Accepted "
			    "publickey for %s from %s port %u ssh2: ED25519 "
			    "SHA256:%08x%08x%08x", g.rfc3164, hostn, pid, u, a,
			    1024 + rnd(64000), rnd(UINT32_MAX),
			    rnd(UINT32_MAX), rnd(UINT32_MAX));
		break;
	case K_SUDO:
		if (rnd(8) == 0)
			n = snprintf(b, sz, "<85>%s web%02u sudo: %s : 3 "
			    "incorrect password attempts ; TTY=pts/%u ; "
			    "PWD=/home/%s ; USER=root ; COMMAND=%s",
			    g.rfc3164, hostn, u, rnd(8), u,
			    cmds[rnd(NELEM(cmds))]);
		else
			n = snprintf(b, sz, "<85>%s web%02u sudo: %s : "
			    "TTY=pts/%u ; PWD=/home/%s ; USER=root ; "
			    "COMMAND=%s", g.rfc3164, hostn, u, rnd(8), u,
			    cmds[rnd(NELEM(cmds))]);
		break;
	case K_NGINX:
		snprintf(p, sizeof(p), paths[rnd(NELEM(paths))], rnd(100000));
		snprintf(q, sizeof(q), queries[rnd(NELEM(queries))],
		    rnd(100000));
		st = statuses[rnd(NELEM(statuses))];
		n = snprintf(b, sz, "<190>%s web%02u nginx: %s - %s [%s] "
		    "\"%s %s%s HTTP/1.1\" %u %u \"%s\" \"%s\"",
		    g.rfc3164, hostn, a, rnd(4) == 0 ? u : "-", g.clf,
		    methods[rnd(NELEM(methods))], p, q, st,
		    st == 304 ? 0 : 200 + rnd(50000),
		    rnd(3) == 0 ? "https://example.com/" : "-",
		    agents[rnd(NELEM(agents))]);
		break;
	case K_UFW:
		ip(d, sizeof(d));
		r = rnd(3);
		n = snprintf(b, sz, "<4>%s fw%02u kernel: [%u.%06u] "
		    "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:%02x:%02x:%02x:"
		    "52:54:00:12:34:56:08:00 SRC=%s DST=%s LEN=%u TOS=0x00 "
		    "PREC=0x00 TTL=%u ID=%u %sPROTO=%s SPT=%u DPT=%u %s",
		    g.rfc3164, 1 + hostn % 4, 100000 + rnd(900000),
		    rnd(1000000), rnd(256), rnd(256), rnd(256), a, d,
		    40 + rnd(1400), 32 + rnd(96), rnd(65536),
		    r == 0 ? "DF " : "", r == 2 ? "UDP" : "TCP",
		    1024 + rnd(64000),
		    r == 2 ? 53 + rnd(2) * 70 : (unsigned[]){ 22, 23, 80, 443,
		    445, 3389, 3306, 5432 }[rnd(8)],
		    r == 2 ? "LEN=48" : "WINDOW=64240 RES=0x00 SYN URGP=0");
		break;
	case K_JSON:
		r = rnd(NELEM(json_types));
		n = snprintf(b, sz, "{\"ts\":\"%s.%03uZ\",\"level\":\"%s\","
		    "\"app\":\"MoneyControl\",\"event_type\":\"%s\","
		    "\"message\":\"%s\",\"request_id\":\"req-%08x%08x\","
		    "\"user_id\":\"u_%u\",\"ip\":\"%s\",\"http\":{\"method\":"
		    "\"%s\",\"path\":\"%s\",\"status\":%u},\"latency_ms\":%u"
		    "%s%s%s}",
		    g.iso, ms, r == 0 ? "WARNING" : r == 3 ? "ERROR" :
		    levels[rnd(NELEM(levels))], json_types[r],
		    r == 0 ? "Google OAuth login failed: invalid_grant" :
		    r == 1 ? "permission denied for role viewer" :
		    r == 2 ? "transactions exported to CSV" :
		    "unhandled exception in request handler",
		    rnd(UINT32_MAX), rnd(UINT32_MAX), rnd(100000), a,
		    r == 2 ? "GET" : "POST",
		    r == 0 ? "/api/auth/google" :
		    r == 2 ? "/api/v1/transactions/export" : "/api/v1/accounts",
		    r == 0 ? 401 : r == 1 ? 403 : r == 2 ? 200 : 500,
		    5 + rnd(900),
		    r == 3 ? ",\"error\":{\"type\":\"" : "",
		    r == 3 ? exceptions[rnd(NELEM(exceptions))] : "",
		    r == 3 ? "\",\"stack\":\"Traceback (most recent call "
		    "last): File app/handlers.py line 212\"}" : "");
		/* over syslog, the application logs its JSON as RFC 5424 */
		if (transport != T_FILE && n > 0 && (size_t)n < sz) {
			char	 tmp[MAX_EVENT];

			memcpy(tmp, b, n + 1);
			n = snprintf(b, sz, "<134>1 %s.%03uZ app%02u "
			    "MoneyControl %u - - %s", g.iso, ms, 1 + hostn % 8,
			    pid, tmp);
		}
		break;
	}
	if (n < 0 || (size_t)n >= sz)
		errx(1, "record too long");
	return (n);
}

/* A record whose message carries a unique token and its send time. */
static size_t
gen_marker(char *b, size_t sz)
{
	int	 n;

	if (transport == T_FILE)
		n = snprintf(b, sz, "{\"ts\":\"%s.000Z\",\"level\":\"INFO\","
		    "\"app\":\"MoneyControl\",\"event_type\":"
		    "\"benchmark_marker\",\"message\":\"benchmarkmarker %s "
		    "%llu %lld\"}", g.iso, marker, (unsigned long long)markers,
		    (long long)real_us());
	else
		n = snprintf(b, sz, "<13>%s bench loadgen[%d]: "
		    "benchmarkmarker %s %llu %lld", g.rfc3164, (int)mypid,
		    marker, (unsigned long long)markers, (long long)real_us());
	if (n < 0 || (size_t)n >= sz)
		errx(1, "marker too long");
	markers++;
	return (n);
}

/* The next record, framed for the transport, written at b. */
static size_t
frame(char *b, size_t sz, int is_marker)
{
	char	 tmp[MAX_EVENT];
	size_t	 n;
	int	 k, w, hl;

	stamps();
	if (is_marker)
		n = gen_marker(tmp, sizeof(tmp));
	else {
		w = rnd(g.wtotal);
		for (k = 0; k < K_MAX - 1 && w >= g.weights[k]; k++)
			w -= g.weights[k];
		n = gen_event(tmp, sizeof(tmp), k);
	}
	switch (transport) {
	case T_TCP_OCTET:
		hl = snprintf(b, sz, "%zu ", n);
		if (hl < 0 || (size_t)hl + n > sz)
			errx(1, "frame too long");
		memcpy(b + hl, tmp, n);
		return (hl + n);
	case T_UDP:
		memcpy(b, tmp, n);
		return (n);
	default:
		if (n + 1 > sz)
			errx(1, "frame too long");
		memcpy(b, tmp, n);
		b[n] = '\n';
		return (n + 1);
	}
}

static void
set_mix(const char *s)
{
	static const struct {
		const char	*name;
		int		 w[K_MAX];
	} mixes[] = {
		/* sshd sudo nginx ufw json */
		{ "all",	{ 25, 5, 35, 15, 20 } },
		{ "syslog",	{ 30, 6, 44, 20, 0 } },
		{ "sshd",	{ 1, 0, 0, 0, 0 } },
		{ "sudo",	{ 0, 1, 0, 0, 0 } },
		{ "nginx",	{ 0, 0, 1, 0, 0 } },
		{ "ufw",	{ 0, 0, 0, 1, 0 } },
		{ "json",	{ 0, 0, 0, 0, 1 } },
	};
	char		*copy, *tok, *last;
	size_t		 i;
	int		 k;

	memset(g.weights, 0, sizeof(g.weights));
	if ((copy = strdup(s)) == NULL)
		err(1, "strdup");
	for (tok = strtok_r(copy, ",", &last); tok != NULL;
	    tok = strtok_r(NULL, ",", &last)) {
		for (i = 0; i < NELEM(mixes); i++)
			if (strcmp(tok, mixes[i].name) == 0)
				break;
		if (i == NELEM(mixes))
			errx(2, "unknown mix %s", tok);
		for (k = 0; k < K_MAX; k++)
			g.weights[k] += mixes[i].w[k];
	}
	free(copy);
	g.wtotal = 0;
	for (k = 0; k < K_MAX; k++)
		g.wtotal += g.weights[k];
	if (g.wtotal == 0)
		errx(2, "empty mix");
}

static void
open_tcp(void)
{
	struct addrinfo	 hints, *res;
	int		 i, e, fd, on = 1, sz = TCP_SNDBUF;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(1, "%s:%s: %s", host, port, gai_strerror(e));
	for (i = 0; i < nconns; i++) {
		if ((fd = socket(res->ai_family, res->ai_socktype, 0)) == -1)
			err(1, "socket");
		/* above wmem_max only root gets it; the kernel caps it */
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz,
		    sizeof(sz)) == -1)
			(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz,
			    sizeof(sz));
		if (connect(fd, res->ai_addr, res->ai_addrlen) == -1)
			err(1, "connect %s:%s", host, port);
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
		    sizeof(on));
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
			err(1, "fcntl");
		conns[i].fd = fd;
		if ((conns[i].buf = malloc(TCP_BUF)) == NULL)
			err(1, "malloc");
	}
	freeaddrinfo(res);
}

static int
open_udp(void)
{
	struct addrinfo	 hints, *res;
	int		 e, fd, sz = TCP_SNDBUF;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(1, "%s:%s: %s", host, port, gai_strerror(e));
	if ((fd = socket(res->ai_family, res->ai_socktype, 0)) == -1)
		err(1, "socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		err(1, "connect %s:%s", host, port);
	freeaddrinfo(res);
	return (fd);
}

/* Write what the socket takes; -1 when the peer is gone. */
static int
flush_conn(struct conn *c)
{
	ssize_t	 n;

	while (c->off < c->len) {
		n = write(c->fd, c->buf + c->off, c->len - c->off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return (0);
			warn("write");
			return (-1);
		}
		c->off += n;
	}
	c->off = c->len = 0;
	return (0);
}

/* One marker per interval; a stall does not make them bunch up. */
static int
marker_due(void)
{
	double	 now;

	if (marker == NULL)
		return (0);
	now = mono();
	if (now < next_marker)
		return (0);
	next_marker = now + marker_every;
	return (1);
}

static void
onsignal(int sig)
{
	(void)sig;
	quit = 1;
}

int
main(int argc, char *argv[])
{
	struct mmsghdr	 msgs[UDP_BATCH];
	struct iovec	 iov[UDP_BATCH];
	struct pollfd	 pfd[MAX_CONNS];
	struct rusage	 ru;
	const char	*errstr = NULL, *mix = NULL;
	char		*udpbuf = NULL, *fbuf = NULL;
	double		 t0, now, elapsed, deadline;
	uint64_t	 allowed, budget, seed = 0;
	size_t		 flen = 0, nudp, i, n;
	int		 ch, fd = -1, next = 0, pending, is_marker;
	long		 l;

	while ((ch = getopt(argc, argv, "c:d:h:i:M:m:n:p:r:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			l = strtol(optarg, NULL, 10);
			if (l < 1 || l > MAX_CONNS)
				errx(2, "connections: 1 to %d", MAX_CONNS);
			nconns = l;
			break;
		case 'd':
			duration = strtod(optarg, NULL);
			break;
		case 'h':
			host = optarg;
			break;
		case 'i':
			marker_every = strtod(optarg, NULL);
			if (marker_every <= 0)
				errx(2, "marker interval must be positive");
			break;
		case 'M':
			marker = optarg;
			break;
		case 'm':
			mix = optarg;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		case 'p':
			port = optarg;
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			if (rate < 0)
				errstr = "negative";
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 't':
			if (strcmp(optarg, "tcp") == 0)
				transport = T_TCP;
			else if (strcmp(optarg, "tcp-octet") == 0)
				transport = T_TCP_OCTET;
			else if (strcmp(optarg, "udp") == 0)
				transport = T_UDP;
			else if (strncmp(optarg, "file:", 5) == 0 &&
			    optarg[5] != '\0') {
				transport = T_FILE;
				path = optarg + 5;
			} else
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc != optind || errstr != NULL)
		usage();
	if (count == 0 && duration <= 0)
		errx(2, "need -n count or -d seconds");
	if (transport != T_TCP && transport != T_TCP_OCTET)
		nconns = 1;

	mypid = getpid();
	g.rng = seed != 0 ? seed : (uint64_t)real_us() ^ (uint64_t)mypid;
	g.rng |= 1;
	set_mix(mix != NULL ? mix : transport == T_FILE ? "json" : "all");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, onsignal);
	signal(SIGTERM, onsignal);

	switch (transport) {
	case T_TCP:
	case T_TCP_OCTET:
		open_tcp();
		break;
	case T_UDP:
		fd = open_udp();
		if ((udpbuf = malloc(UDP_BATCH * MAX_EVENT)) == NULL)
			err(1, "malloc");
		break;
	case T_FILE:
		if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) ==
		    -1)
			err(1, "%s", path);
		if ((fbuf = malloc(FILE_BUF)) == NULL)
			err(1, "malloc");
		break;
	}

	t0 = mono();
	next_marker = t0;
	while (!quit) {
		now = mono();
		if (duration > 0 && now - t0 >= duration)
			break;
		if (count > 0 && sent >= count)
			break;
		/* how many records are due now */
		if (rate > 0) {
			allowed = (uint64_t)((now - t0) * rate) + 1;
			budget = allowed > sent ? allowed - sent : 0;
		} else
			budget = UINT64_MAX;
		if (count > 0 && budget > count - sent)
			budget = count - sent;
		if (budget > GEN_CHUNK * 16)
			budget = GEN_CHUNK * 16;

		/*
		 * Nothing due: sleep at least a millisecond, so that a
		 * fixed rate goes out in small bursts, one per tick,
		 * rather than spinning on one record at a time.
		 */
		if (budget == 0) {
			struct timespec ts;
			double wait = (sent + 1) / rate - (now - t0);

			if (wait > 0.01)
				wait = 0.01;
			if (wait < 0.001)
				wait = 0.001;
			ts.tv_sec = 0;
			ts.tv_nsec = (long)(wait * 1e9);
			nanosleep(&ts, NULL);
			continue;
		}

		switch (transport) {
		case T_UDP:
			while (budget > 0) {
				nudp = budget < UDP_BATCH ? budget : UDP_BATCH;
				for (i = 0; i < nudp; i++) {
					is_marker = marker_due();
					iov[i].iov_base = udpbuf + i *
					    MAX_EVENT;
					iov[i].iov_len = frame(iov[i].iov_base,
					    MAX_EVENT, is_marker);
					memset(&msgs[i], 0, sizeof(msgs[i]));
					msgs[i].msg_hdr.msg_iov = &iov[i];
					msgs[i].msg_hdr.msg_iovlen = 1;
				}
				for (i = 0; i < nudp; ) {
					int m = sendmmsg(fd, msgs + i,
					    nudp - i, 0);
					size_t j;

					if (m == -1) {
						if (errno == EINTR)
							continue;
						if (errno == ECONNREFUSED) {
							/* ICMP from a gap */
							errors++;
							i++;
							continue;
						}
						err(1, "sendmmsg");
					}
					for (j = i; j < i + m; j++)
						bytes += iov[j].iov_len;
					i += m;
				}
				sent += nudp;
				budget -= nudp;
			}
			break;
		case T_FILE:
			while (budget > 0) {
				if (flen + MAX_EVENT + 32 > FILE_BUF) {
					if (write(fd, fbuf, flen) !=
					    (ssize_t)flen)
						err(1, "write %s", path);
					flen = 0;
				}
				is_marker = marker_due();
				if (is_marker) {
					/* a marker must not wait in fbuf */
					if (flen > 0 && write(fd, fbuf, flen) !=
					    (ssize_t)flen)
						err(1, "write %s", path);
					flen = 0;
				}
				n = frame(fbuf + flen, FILE_BUF - flen,
				    is_marker);
				bytes += n;
				flen += n;
				sent++;
				budget--;
				if (is_marker) {
					if (write(fd, fbuf, flen) !=
					    (ssize_t)flen)
						err(1, "write %s", path);
					flen = 0;
				}
			}
			/* at a fixed rate, records leave at once */
			if (rate > 0 && flen > 0) {
				if (write(fd, fbuf, flen) != (ssize_t)flen)
					err(1, "write %s", path);
				flen = 0;
			}
			break;
		default:
			/* fill every connection that has room, round robin */
			pending = 0;
			for (i = 0; i < (size_t)nconns && budget > 0; i++) {
				struct conn *c = &conns[next];

				next = (next + 1) % nconns;
				if (c->fd == -1)
					continue;
				while (budget > 0 &&
				    c->len + MAX_EVENT + 32 <= TCP_BUF) {
					is_marker = marker_due();
					n = frame(c->buf + c->len,
					    TCP_BUF - c->len, is_marker);
					c->len += n;
					bytes += n;
					sent++;
					budget--;
				}
			}
			for (i = 0; i < (size_t)nconns; i++) {
				struct conn *c = &conns[i];

				pfd[i].fd = -1;
				pfd[i].events = POLLOUT;
				if (c->fd == -1 || c->len == 0)
					continue;
				if (flush_conn(c) == -1) {
					errors++;
					close(c->fd);
					c->fd = -1;
					continue;
				}
				if (c->len > 0) {
					pfd[i].fd = c->fd;
					pending++;
				}
			}
			/* all buffers full: wait until one drains */
			if (pending == nconns)
				(void)poll(pfd, nconns, 100);
			break;
		}
	}

	/* drain what is still buffered */
	deadline = mono() + DRAIN_SECS;
	if (transport == T_FILE && flen > 0 &&
	    write(fd, fbuf, flen) != (ssize_t)flen)
		err(1, "write %s", path);
	if (transport == T_TCP || transport == T_TCP_OCTET) {
		for (;;) {
			pending = 0;
			for (i = 0; i < (size_t)nconns; i++) {
				struct conn *c = &conns[i];

				pfd[i].fd = -1;
				pfd[i].events = POLLOUT;
				if (c->fd == -1 || c->len == 0)
					continue;
				if (flush_conn(c) == -1) {
					errors++;
					close(c->fd);
					c->fd = -1;
					continue;
				}
				if (c->len > 0) {
					pfd[i].fd = c->fd;
					pending++;
				}
			}
			if (pending == 0 || mono() > deadline)
				break;
			(void)poll(pfd, nconns, 100);
		}
	}
	elapsed = mono() - t0;
	if (transport == T_TCP || transport == T_TCP_OCTET) {
		uint64_t unsent = 0;

		for (i = 0; i < (size_t)nconns; i++) {
			unsent += conns[i].len - conns[i].off;
			if (conns[i].fd != -1) {
				shutdown(conns[i].fd, SHUT_WR);
				close(conns[i].fd);
			}
		}
		bytes -= unsent;
		if (unsent > 0)
			warnx("%llu bytes never written",
			    (unsigned long long)unsent);
	}
	if (fd != -1)
		close(fd);

	getrusage(RUSAGE_SELF, &ru);
	printf("sent=%llu bytes=%llu markers=%llu errors=%llu elapsed=%.3f "
	    "rate=%.0f cpu=%.2f\n", (unsigned long long)sent,
	    (unsigned long long)bytes, (unsigned long long)markers,
	    (unsigned long long)errors, elapsed,
	    elapsed > 0 ? sent / elapsed : 0.0,
	    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	return (errors > 0 ? 1 : 0);
}
