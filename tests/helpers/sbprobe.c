/*
 * sbprobe: seal this process with a role's sandbox, then make one
 * system call or library exercise, for tests/regress/sandbox.sh.
 *
 *	sbprobe [-v] [-S kill|trap|off] [-c cert -k key] role call
 *
 * The chroot directory is made in $TMPDIR (default /tmp) and left
 * there: the caller points TMPDIR at a directory it removes.
 * Prints "sealed" once sandbox_enter() returned, then "survived" if
 * the call came back.  A call the filter forbids never comes back:
 * the process dies of SIGSYS (kill) or exits 159 naming it (trap).
 *
 * Calls: none, socket, execve, open (read only), create (read and
 * write), fork, ptrace, pause (blocks on a pipe so the test can look
 * at /proc/PID from outside), and library exercises that show the
 * role's table suffices: event (libevent), memory (malloc and qsort),
 * sqlite (store and query), jit (correlate) and tls (a handshake
 * between a server and a client over a socketpair, as ingest and web
 * serve and notify connects; needs -c cert -k key).
 */

#include <sys/types.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH	8
#include <pcre2.h>
#include <sqlite3.h>
#include <tls.h>

#include "siemd.h"

/* Work done before sealing that a call needs, as a child would. */
struct probe {
	struct event_base	*base;
	int			 pipe[2];
	int			 pair[2];
	struct tls		*server;
	struct tls		*client;
};

static void	 say(const char *);
static int	 role_lookup(const char *);
static void	 prepare(const char *, const char *, const char *,
		    struct probe *);
static int	 call(const char *, struct probe *);
static int	 call_event(struct probe *);
static int	 call_memory(void);
static int	 call_sqlite(void);
static int	 call_jit(void);
static int	 call_tls(struct probe *);
static ssize_t	 tls_read_retry(struct tls *, char *, size_t);
static void	 event_done(int, short, void *);
static int	 cmp_long(const void *, const void *);
static __dead void usage(void);

/* stdio may fstat its descriptor on first use; write(2) never does. */
static void
say(const char *s)
{
	size_t	 len = strlen(s);

	if (write(STDOUT_FILENO, s, len) != (ssize_t)len ||
	    write(STDOUT_FILENO, "\n", 1) != 1)
		_exit(2);
}

static int
role_lookup(const char *name)
{
	int	 r;

	for (r = 0; r < PROC_MAX; r++)
		if (strcmp(siemd_policy(r)->role, name) == 0)
			return (r);
	errx(2, "unknown role %s", name);
}

static void
prepare(const char *what, const char *cert, const char *key,
    struct probe *p)
{
	struct tls_config	*sc, *cc;
	uint8_t			*cmem, *kmem;
	size_t			 clen, klen;

	if (pipe(p->pipe) == -1)
		err(2, "pipe");
	if (strcmp(what, "event") == 0) {
		if ((p->base = event_base_new()) == NULL)
			errx(2, "event_base_new");
	}
	if (strcmp(what, "tls") != 0)
		return;

	/* As the children do: keys read by the parent, sent as bytes. */
	if (cert == NULL || key == NULL)
		errx(2, "tls needs -c cert -k key");
	if ((cmem = tls_load_file(cert, &clen, NULL)) == NULL ||
	    (kmem = tls_load_file(key, &klen, NULL)) == NULL)
		errx(2, "tls_load_file");
	/* Non-blocking: one thread plays both ends in turn. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    p->pair) == -1)
		err(2, "socketpair");
	if ((sc = tls_config_new()) == NULL ||
	    (cc = tls_config_new()) == NULL)
		errx(2, "tls_config_new");
	if (tls_config_set_keypair_mem(sc, cmem, clen, kmem, klen) == -1)
		errx(2, "keypair: %s", tls_config_error(sc));
	tls_unload_file(kmem, klen);
	if (tls_config_set_ca_mem(cc, cmem, clen) == -1)
		errx(2, "ca: %s", tls_config_error(cc));
	if ((p->server = tls_server()) == NULL ||
	    (p->client = tls_client()) == NULL)
		errx(2, "tls_server");
	if (tls_configure(p->server, sc) == -1)
		errx(2, "tls_configure: %s", tls_error(p->server));
	if (tls_configure(p->client, cc) == -1)
		errx(2, "tls_configure: %s", tls_error(p->client));
}

static void
event_done(int fd, short ev, void *arg)
{
	struct event_base	*base = arg;
	char			 c;

	if (ev & EV_READ) {
		if (read(fd, &c, 1) != 1)
			_exit(3);
		event_base_loopbreak(base);
	}
}

/* A timer, then a readable pipe, through a base made before sealing. */
static int
call_event(struct probe *p)
{
	struct event	*rd, *tm;
	struct timeval	 tv = { 0, 10000 };

	if ((rd = event_new(p->base, p->pipe[0], EV_READ, event_done,
	    p->base)) == NULL ||
	    (tm = event_new(p->base, -1, 0, event_done, p->base)) == NULL)
		return (-1);
	if (event_add(rd, NULL) == -1 || event_add(tm, &tv) == -1)
		return (-1);
	if (event_base_loop(p->base, EVLOOP_ONCE) == -1)
		return (-1);
	if (write(p->pipe[1], "x", 1) != 1)
		return (-1);
	if (event_base_dispatch(p->base) == -1)
		return (-1);
	event_free(rd);
	event_free(tm);
	return (0);
}

static int
cmp_long(const void *a, const void *b)
{
	long	 x = *(const long *)a, y = *(const long *)b;

	return (x < y ? -1 : x > y);
}

/* Small and large allocations, and a sort big enough to ask glibc. */
static int
call_memory(void)
{
	long	*v;
	char	*big;
	size_t	 i, n = 100000;

	if ((v = calloc(n, sizeof(*v))) == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		v[i] = (long)((i * 2654435761UL) % n);
	qsort(v, n, sizeof(*v), cmp_long);
	for (i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return (-1);
	if ((big = malloc(64 * 1024 * 1024)) == NULL)
		return (-1);
	memset(big, 1, 64 * 1024 * 1024);
	if ((big = realloc(big, 128 * 1024 * 1024)) == NULL)
		return (-1);
	free(big);
	free(v);
	return (0);
}

/* What store does: a WAL database, a batch, a query, a checkpoint. */
static int
call_sqlite(void)
{
	sqlite3		*db;
	char		*msg = NULL;
	int		 rc;

	if (sqlite3_open_v2("probe.db", &db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite3_open: %s\n", sqlite3_errmsg(db));
		return (-1);
	}
	rc = sqlite3_exec(db,
	    "PRAGMA journal_mode = WAL;"
	    "CREATE TABLE t (a INTEGER, b TEXT);"
	    "BEGIN;"
	    "INSERT INTO t VALUES (1, 'x');"
	    "INSERT INTO t SELECT a + 1, b || b FROM t;"
	    "INSERT INTO t SELECT a + 2, b || b FROM t;"
	    "COMMIT;"
	    "CREATE INDEX ti ON t (b);"
	    "SELECT count(*) FROM t ORDER BY b;"
	    "DELETE FROM t WHERE a > 2;"
	    "VACUUM;"
	    "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "sqlite3_exec: %s\n", msg);
		sqlite3_free(msg);
		sqlite3_close(db);
		return (-1);
	}
	return (sqlite3_close(db) == SQLITE_OK ? 0 : -1);
}

/* What correlate does: compile a rule's pattern with the JIT. */
static int
call_jit(void)
{
	pcre2_code		*re;
	pcre2_match_data	*md;
	PCRE2_SIZE		 off;
	int			 error, rc;

	if ((re = pcre2_compile((PCRE2_SPTR)"fail(ed|ure) for [a-z]+ \\d+",
	    PCRE2_ZERO_TERMINATED, 0, &error, &off, NULL)) == NULL)
		return (-1);
	if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) {
		fprintf(stderr, "pcre2_jit_compile failed\n");
		return (-1);
	}
	if ((md = pcre2_match_data_create_from_pattern(re, NULL)) == NULL)
		return (-1);
	rc = pcre2_match(re, (PCRE2_SPTR)"login failed for root 22", 24,
	    0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return (rc > 0 ? 0 : -1);
}

/* The peer's record is already written; only session tickets intervene. */
static ssize_t
tls_read_retry(struct tls *ctx, char *buf, size_t len)
{
	ssize_t	 n;
	int	 i;

	for (i = 0; i < 4; i++)
		if ((n = tls_read(ctx, buf, len)) != TLS_WANT_POLLIN &&
		    n != TLS_WANT_POLLOUT)
			return (n);
	return (-1);
}

/*
 * Both ends in one process: step each handshake in turn until both
 * are done, then one record each way.
 */
static int
call_tls(struct probe *p)
{
	struct tls	*cctx = NULL;
	char		 buf[16];
	int		 i, sdone = 0, cdone = 0, rc;

	if (tls_accept_socket(p->server, &cctx, p->pair[0]) == -1 ||
	    tls_connect_socket(p->client, p->pair[1], "localhost") == -1)
		return (-1);
	for (i = 0; i < 20 && (!sdone || !cdone); i++) {
		if (!cdone) {
			rc = tls_handshake(p->client);
			if (rc == 0)
				cdone = 1;
			else if (rc != TLS_WANT_POLLIN &&
			    rc != TLS_WANT_POLLOUT) {
				fprintf(stderr, "client: %s\n",
				    tls_error(p->client));
				return (-1);
			}
		}
		if (!sdone) {
			rc = tls_handshake(cctx);
			if (rc == 0)
				sdone = 1;
			else if (rc != TLS_WANT_POLLIN &&
			    rc != TLS_WANT_POLLOUT) {
				fprintf(stderr, "server: %s\n",
				    tls_error(cctx));
				return (-1);
			}
		}
	}
	if (!sdone || !cdone)
		return (-1);
	if (tls_write(p->client, "ping", 4) != 4 ||
	    tls_read_retry(cctx, buf, sizeof(buf)) != 4 ||
	    tls_write(cctx, "pong", 4) != 4 ||
	    tls_read_retry(p->client, buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "pong", 4) != 0)
		return (-1);
	tls_close(p->client);
	tls_close(cctx);
	tls_free(cctx);
	return (0);
}

static int
call(const char *what, struct probe *p)
{
	char	*argv[] = { "/bin/true", NULL };
	char	 c;
	pid_t	 pid;
	int	 fd;

	if (strcmp(what, "none") == 0)
		return (0);
	if (strcmp(what, "socket") == 0)
		return (socket(AF_UNIX, SOCK_STREAM, 0) == -1 ? -1 : 0);
	if (strcmp(what, "execve") == 0) {
		execve(argv[0], argv, NULL);
		return (-1);
	}
	if (strcmp(what, "open") == 0) {
		if ((fd = openat(AT_FDCWD, "/etc/passwd", O_RDONLY)) == -1)
			fd = openat(AT_FDCWD, "x", O_RDONLY);
		return (fd == -1 ? -1 : 0);
	}
	if (strcmp(what, "create") == 0) {
		fd = openat(AT_FDCWD, "x", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		return (fd == -1 ? -1 : 0);
	}
	if (strcmp(what, "fork") == 0) {
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid == -1)
			return (-1);
		return (0);
	}
	if (strcmp(what, "ptrace") == 0)
		return (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1 ? -1 : 0);
	if (strcmp(what, "pause") == 0)
		return (read(p->pipe[0], &c, 1) == 1 ? 0 : -1);
	if (strcmp(what, "event") == 0)
		return (call_event(p));
	if (strcmp(what, "memory") == 0)
		return (call_memory());
	if (strcmp(what, "sqlite") == 0)
		return (call_sqlite());
	if (strcmp(what, "jit") == 0)
		return (call_jit());
	if (strcmp(what, "tls") == 0)
		return (call_tls(p));
	errx(2, "unknown call %s", what);
}

static __dead void
usage(void)
{
	fprintf(stderr, "usage: sbprobe [-v] [-S kill|trap|off] "
	    "[-c cert -k key] role call\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sandbox_policy	 sp;
	struct probe		 p;
	struct passwd		*pw;
	enum sandbox_mode	 mode = SANDBOX_KILL;
	const char		*tmp, *cert = NULL, *key = NULL;
	char			 root[PATH_MAX];
	int			 ch, rc, verbose = 0;

	while ((ch = getopt(argc, argv, "c:k:S:v")) != -1) {
		switch (ch) {
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'S':
			if (sandbox_mode_parse(optarg, &mode) == -1)
				usage();
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();

	log_init(1, LOG_DAEMON);
	log_procinit(argv[0]);
	log_setverbose(verbose);

	sp = *siemd_policy(role_lookup(argv[0]));
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(root, sizeof(root), "%s/sbprobe.XXXXXX", tmp) >=
	    sizeof(root))
		errx(2, "TMPDIR too long");
	if (mkdtemp(root) == NULL)
		err(2, "mkdtemp");
	if (chmod(root, 0755) == -1)
		err(2, "chmod %s", root);
	/* The database directory belongs to the database user. */
	if ((strcmp(argv[1], "sqlite") == 0 ||
	    strcmp(argv[1], "create") == 0) && sp.user != NULL) {
		if ((pw = getpwnam(sp.user)) == NULL)
			errx(2, "unknown user %s", sp.user);
		if (chown(root, pw->pw_uid, pw->pw_gid) == -1)
			err(2, "chown %s", root);
	}
	sp.root = root;

	memset(&p, 0, sizeof(p));
	prepare(argv[1], cert, key, &p);

	/*
	 * Nothing can remove the directory once we are inside it: the
	 * caller sets TMPDIR to a directory of its own and removes that.
	 */

	sandbox_enter(&sp, mode);
	say("sealed");

	rc = call(argv[1], &p);
	say("survived");
	if (rc == -1)
		say("failed");
	return (0);
}
