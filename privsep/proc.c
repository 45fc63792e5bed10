/*
 * Process start-up, peer wiring and supervision.
 *
 * The parent re-executes its own binary for each child so that no
 * memory of the parent (configuration, keys) survives in a child.  A
 * child finds its channel on fd 3, receives its configuration and peer
 * sockets in a blocking loop bounded by PROC_SETUP_TIMEOUT, seals
 * itself, says READY, and starts its event loop only when the parent
 * has seen every child ready.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"

static void	 imsgev_handler(int, short, void *);
static void	 proc_trace(struct imsgev *, const char *, uint32_t, size_t);
static int	 proc_poll_read(struct imsgbuf *, int);
static time_t	 proc_now(void);

static char	*title_area;
static size_t	 title_len;

/*
 * Process titles for ps(1): the child's argv strings are contiguous,
 * so the title is written over them and the rest zeroed.
 */
void
proc_title_init(int argc, char *argv[])
{
	if (argc < 1)
		return;
	title_area = argv[0];
	title_len = argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0];
}

void
proc_title(const char *title)
{
	size_t	 n;

	if (title_area == NULL || title_len < 2)
		return;
	n = strlcpy(title_area, title, title_len);
	if (n < title_len)
		memset(title_area + n, 0, title_len - n);
	title_area[title_len - 1] = '\0';
}

static time_t
proc_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

void
proc_init(struct proc_ctx *ctx, const char *progname,
    const struct proc_role *roles, int nroles, const struct proc_edge *edges,
    int nedges, const char *(*type_name)(uint32_t), size_t maxpayload)
{
	memset(ctx, 0, sizeof(*ctx));
	if (nroles > PROC_MAX_ROLES)
		fatalx("%s: too many roles", __func__);
	ctx->progname = progname;
	ctx->roles = roles;
	ctx->nroles = nroles;
	ctx->edges = edges;
	ctx->nedges = nedges;
	ctx->type_name = type_name;
	ctx->maxpayload = maxpayload;
	ctx->role = -1;
	strlcpy(ctx->title, "parent", sizeof(ctx->title));
}

const char *
proc_name(const struct proc_ctx *ctx, int role, int instance, char *buf,
    size_t len)
{
	if (role < 0 || role >= ctx->nroles)
		snprintf(buf, len, "parent");
	else if (ctx->roles[role].instances > 1)
		snprintf(buf, len, "%s[%d]", ctx->roles[role].name, instance);
	else
		snprintf(buf, len, "%s", ctx->roles[role].name);
	return (buf);
}

/* -vv: "to <- from: TYPE (len)" */
static void
proc_trace(struct imsgev *iev, const char *dir, uint32_t type, size_t len)
{
	char		 peer[64];
	const char	*tname = NULL;

	if (log_getverbose() < 2)
		return;
	if (iev->ctx->type_name != NULL)
		tname = iev->ctx->type_name(type);
	proc_name(iev->ctx, iev->role, iev->instance, peer, sizeof(peer));
	if (strcmp(dir, "<-") == 0)
		log_trace("%s <- %s: %s (%zu)", iev->ctx->title, peer,
		    tname ? tname : "UNKNOWN", len);
	else
		log_trace("%s -> %s: %s (%zu)", iev->ctx->title, peer,
		    tname ? tname : "UNKNOWN", len);
}

/* parent ----------------------------------------------------------- */

void
proc_spawn(struct proc_ctx *ctx, const char *self, char *const extra[])
{
	struct proc_child	*pc;
	char			*argv[32];
	char			 inst[16];
	int			 r, i, n, e, argc, fds[2];
	pid_t			 pid;

	n = 0;
	for (r = 0; r < ctx->nroles; r++)
		n += ctx->roles[r].instances;
	if ((ctx->children = calloc(n, sizeof(*ctx->children))) == NULL)
		fatal("%s: calloc", __func__);
	ctx->nchildren = 0;

	for (r = 0; r < ctx->nroles; r++) {
		if (ctx->roles[r].instances > PROC_MAX_INSTANCES)
			fatalx("%s: too many %s processes", __func__,
			    ctx->roles[r].name);
		for (i = 0; i < ctx->roles[r].instances; i++) {
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
			    0, fds) == -1)
				fatal("%s: socketpair", __func__);
			snprintf(inst, sizeof(inst), "%d", i);
			argc = 0;
			argv[argc++] = (char *)self;
			argv[argc++] = "-P";
			argv[argc++] = (char *)ctx->roles[r].name;
			argv[argc++] = "-I";
			argv[argc++] = inst;
			for (e = 0; extra != NULL && extra[e] != NULL &&
			    argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1;
			    e++)
				argv[argc++] = extra[e];
			argv[argc] = NULL;

			switch (pid = fork()) {
			case -1:
				fatal("%s: fork", __func__);
			case 0:
				/*
				 * A session of its own: signals meant for the
				 * terminal's process group (Ctrl-C) or a
				 * service manager's main process reach only
				 * the parent, which stops children in order.
				 */
				(void)setsid();
				/* dup2 clears close-on-exec on the copy */
				if (fds[1] == PROC_CHANNEL_FD) {
					if (fcntl(fds[1], F_SETFD, 0) == -1)
						_exit(1);
				} else if (dup2(fds[1], PROC_CHANNEL_FD) == -1)
					_exit(1);
				closefrom(PROC_CHANNEL_FD + 1);
				execv(self, argv);
				fprintf(stderr, "%s: execv %s: %s\n",
				    ctx->progname, self, strerror(errno));
				_exit(1);
			default:
				break;
			}
			close(fds[1]);
			pc = &ctx->children[ctx->nchildren++];
			pc->role = r;
			pc->instance = i;
			pc->pid = pid;
			pc->started = proc_now();
			imsgev_init(&pc->iev, ctx, fds[0], r, i,
			    ctx->maxpayload, 0, NULL);
		}
	}
}

struct proc_child *
proc_child_of(struct proc_ctx *ctx, int role, int instance)
{
	int	 i;

	for (i = 0; i < ctx->nchildren; i++)
		if (ctx->children[i].role == role &&
		    ctx->children[i].instance == instance)
			return (&ctx->children[i]);
	return (NULL);
}

/*
 * Channels between children carry batches of up to a maximal message.
 * With the default socket buffer (about 200 KB) a producer busy with
 * its own work hands over only that much per turn of its event loop,
 * and the rest of what it produced waits in its own memory: the store
 * held 30-40 MB queued for correlate and web during a fast ingest.  A
 * buffer of a few messages lets each turn hand over a whole batch.  As
 * root the parent may go past the system's default maximum.
 */
static void
proc_sockbuf(int fd)
{
	int	 size = PROC_SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
	    sizeof(size)) == -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) == -1)
		log_debug("%s: SO_SNDBUF: %s", __func__, strerror(errno));
}

/* Hand both ends of every edge's socketpairs to the processes. */
void
proc_connect(struct proc_ctx *ctx)
{
	struct proc_child	*ca, *cb;
	struct proc_peer	 pa, pb;
	int			 e, i, j, fds[2];

	for (e = 0; e < ctx->nedges; e++) {
		const struct proc_edge *ed = &ctx->edges[e];

		for (i = 0; i < ctx->roles[ed->a].instances; i++) {
			for (j = 0; j < ctx->roles[ed->b].instances; j++) {
				ca = proc_child_of(ctx, ed->a, i);
				cb = proc_child_of(ctx, ed->b, j);
				if (ca == NULL || cb == NULL)
					fatalx("%s: edge to a missing process",
					    __func__);
				if (socketpair(AF_UNIX,
				    SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == -1)
					fatal("%s: socketpair", __func__);
				proc_sockbuf(fds[0]);
				proc_sockbuf(fds[1]);
				pa.role = ed->b;
				pa.instance = j;
				pb.role = ed->a;
				pb.instance = i;
				if (imsgev_compose(&ca->iev, PROC_IMSG_PEER, 0,
				    fds[0], &pa, sizeof(pa)) == -1 ||
				    imsgev_compose(&cb->iev, PROC_IMSG_PEER, 0,
				    fds[1], &pb, sizeof(pb)) == -1)
					fatal("%s: compose", __func__);
			}
		}
	}
	for (i = 0; i < ctx->nchildren; i++)
		if (imsgbuf_flush(&ctx->children[i].iev.ibuf) == -1)
			fatal("%s: flush", __func__);
}

/* Send one message to every instance of a role (fd duplicated). */
int
proc_compose_all(struct proc_ctx *ctx, int role, uint32_t type, int fd,
    const void *data, size_t len)
{
	struct proc_child	*pc;
	int			 i, dfd;

	for (i = 0; i < ctx->nchildren; i++) {
		pc = &ctx->children[i];
		if (pc->role != role || pc->exited)
			continue;
		dfd = -1;
		if (fd != -1 && (dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
			return (-1);
		if (imsgev_compose(&pc->iev, type, 0, dfd, data, len) == -1) {
			if (dfd != -1)
				close(dfd);
			return (-1);
		}
	}
	return (0);
}

void
proc_cfg_done(struct proc_ctx *ctx)
{
	int	 i;

	for (i = 0; i < ctx->nchildren; i++) {
		if (imsgev_compose(&ctx->children[i].iev, PROC_IMSG_CFG_DONE,
		    0, -1, NULL, 0) == -1)
			fatal("%s: compose", __func__);
		if (imsgbuf_flush(&ctx->children[i].iev.ibuf) == -1)
			fatal("%s: flush to %s", __func__,
			    ctx->roles[ctx->children[i].role].name);
	}
}

/* Wait until every child reported READY; log lines are passed on. */
int
proc_wait_ready(struct proc_ctx *ctx, int timeout)
{
	struct pollfd		*pfd;
	struct proc_child	*pc;
	struct imsg		 imsg;
	struct proc_log		 pl;
	const void		*line;
	size_t			 linelen;
	time_t			 deadline;
	int			 i, nready, left;
	ssize_t			 n;

	if ((pfd = calloc(ctx->nchildren, sizeof(*pfd))) == NULL)
		fatal("%s: calloc", __func__);
	deadline = proc_now() + timeout;
	for (;;) {
		nready = 0;
		for (i = 0; i < ctx->nchildren; i++) {
			pfd[i].fd = ctx->children[i].iev.ibuf.fd;
			pfd[i].events = POLLIN;
			if (ctx->children[i].ready)
				nready++;
		}
		if (nready == ctx->nchildren)
			break;
		left = (int)(deadline - proc_now());
		if (left <= 0) {
			for (i = 0; i < ctx->nchildren; i++)
				if (!ctx->children[i].ready)
					log_warnx("%s: %s did not start in "
					    "%d seconds", __func__,
					    ctx->roles[ctx->children[i].role].name,
					    timeout);
			free(pfd);
			return (-1);
		}
		if (poll(pfd, ctx->nchildren, left * 1000) == -1) {
			if (errno == EINTR)
				continue;
			fatal("%s: poll", __func__);
		}
		for (i = 0; i < ctx->nchildren; i++) {
			if ((pfd[i].revents & (POLLIN | POLLHUP)) == 0)
				continue;
			pc = &ctx->children[i];
			n = imsgbuf_read(&pc->iev.ibuf);
			if (n == -1 && errno == EAGAIN)
				continue;
			if (n <= 0) {
				log_warnx("%s: %s exited during start-up",
				    __func__, ctx->roles[pc->role].name);
				free(pfd);
				return (-1);
			}
			for (;;) {
				int got = imsg_get(&pc->iev.ibuf, &imsg);

				if (got == -1)
					fatal("%s: bad message from %s",
					    __func__, ctx->roles[pc->role].name);
				if (got == 0)
					break;
				proc_trace(&pc->iev, "<-", imsg.hdr.type,
				    imsg.datalen);
				switch (imsg.hdr.type) {
				case PROC_IMSG_READY:
					pc->ready = 1;
					break;
				case PROC_IMSG_LOG:
					if (imsg_get_head(&imsg, &pl,
					    sizeof(pl), &line, &linelen) == -1
					    || linelen == 0 ||
					    ((const char *)line)[linelen - 1]
					    != '\0')
						fatalx("%s: bad log message",
						    __func__);
					log_emit(pl.priority, line);
					break;
				default:
					fatalx("%s: got invalid imsg %u "
					    "from %s during start-up",
					    __func__, imsg.hdr.type,
					    ctx->roles[pc->role].name);
				}
				imsg_free(&imsg);
			}
		}
	}
	free(pfd);
	return (0);
}

void
proc_start(struct proc_ctx *ctx, proc_dispatch_fn dispatch)
{
	int	 i;

	for (i = 0; i < ctx->nchildren; i++) {
		ctx->children[i].iev.dispatch = dispatch;
		if (imsgev_compose(&ctx->children[i].iev, PROC_IMSG_START, 0,
		    -1, NULL, 0) == -1)
			fatal("%s: compose", __func__);
		imsgev_add(&ctx->children[i].iev);
	}
}

/* Reap one exited child; NULL when none is waiting. */
struct proc_child *
proc_reap(struct proc_ctx *ctx)
{
	pid_t	 pid;
	int	 status, i;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			return (NULL);
		for (i = 0; i < ctx->nchildren; i++) {
			if (ctx->children[i].pid == pid &&
			    !ctx->children[i].exited) {
				ctx->children[i].exited = 1;
				ctx->children[i].status = status;
				imsgev_del(&ctx->children[i].iev);
				return (&ctx->children[i]);
			}
		}
	}
}

int
proc_alive(const struct proc_ctx *ctx)
{
	int	 i, n = 0;

	for (i = 0; i < ctx->nchildren; i++)
		if (!ctx->children[i].exited)
			n++;
	return (n);
}

/*
 * Stop every child: SIGTERM, PROC_STOP_TIMEOUT seconds to exit
 * cleanly (the store commits its last batch), then SIGKILL.
 */
void
proc_shutdown(struct proc_ctx *ctx)
{
	struct proc_child	*pc;
	struct timespec		 nap = { 0, 20 * 1000 * 1000 };
	time_t			 deadline;
	char			 name[64];
	int			 i;

	ctx->stopping = 1;
	for (i = 0; i < ctx->nchildren; i++)
		if (!ctx->children[i].exited)
			kill(ctx->children[i].pid, SIGTERM);
	deadline = proc_now() + PROC_STOP_TIMEOUT;
	while (proc_alive(ctx) > 0 && proc_now() < deadline) {
		while ((pc = proc_reap(ctx)) != NULL)
			;
		if (proc_alive(ctx) > 0)
			nanosleep(&nap, NULL);
	}
	for (i = 0; i < ctx->nchildren; i++) {
		pc = &ctx->children[i];
		if (pc->exited)
			continue;
		log_warnx("%s did not stop in %d seconds, killing it",
		    proc_name(ctx, pc->role, pc->instance, name,
		    sizeof(name)), PROC_STOP_TIMEOUT);
		kill(pc->pid, SIGKILL);
		while (waitpid(pc->pid, &pc->status, 0) == -1 &&
		    errno == EINTR)
			;
		pc->exited = 1;
	}
}

/* child ------------------------------------------------------------ */

void
proc_child_init(struct proc_ctx *ctx, int role, int instance)
{
	if (role < 0 || role >= ctx->nroles || instance < 0 ||
	    instance >= PROC_MAX_INSTANCES)
		fatalx("%s: bad role or instance", __func__);
	ctx->role = role;
	ctx->instance = instance;
	proc_name(ctx, role, instance, ctx->title, sizeof(ctx->title));
	imsgev_init(&ctx->parent, ctx, PROC_CHANNEL_FD, -1, 0,
	    ctx->maxpayload, 1, NULL);
	log_procinit(ctx->title);
	log_setsink(proc_child_log_sink, ctx);
	signal(SIGPIPE, SIG_IGN);
	/* Ctrl-C reaches the whole process group: the parent decides. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

/* Children hand every log line to the parent. */
void
proc_child_log_sink(int pri, const char *line, void *arg)
{
	struct proc_ctx	*ctx = arg;
	struct proc_log	 pl;
	struct iovec	 iov[2];
	static int	 busy;

	if (busy) {
		fprintf(stderr, "%s: %s\n", ctx->title, line);
		return;
	}
	busy = 1;
	pl.priority = pri;
	iov[0].iov_base = &pl;
	iov[0].iov_len = sizeof(pl);
	iov[1].iov_base = (void *)line;
	iov[1].iov_len = strlen(line) + 1;
	if (iov[1].iov_len > ctx->maxpayload - sizeof(pl))
		iov[1].iov_len = ctx->maxpayload - sizeof(pl);
	if (imsg_composev(&ctx->parent.ibuf, PROC_IMSG_LOG, 0, 0, -1, iov,
	    2) == -1)
		fprintf(stderr, "%s: %s\n", ctx->title, line);
	else if (pri <= LOG_CRIT || !ctx->parent.active)
		(void)imsgbuf_flush(&ctx->parent.ibuf);
	else
		imsgev_add(&ctx->parent);
	busy = 0;
}

/* Read until one message is available or the deadline passes. */
static int
proc_poll_read(struct imsgbuf *ib, int timeout_ms)
{
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 rv;

	pfd.fd = ib->fd;
	pfd.events = POLLIN;
	rv = poll(&pfd, 1, timeout_ms);
	if (rv == -1)
		return (errno == EINTR ? 0 : -1);
	if (rv == 0) {
		errno = ETIMEDOUT;
		return (-1);
	}
	n = imsgbuf_read(ib);
	if (n == -1 && errno == EAGAIN)
		return (0);
	if (n == 0) {
		errno = EPIPE;
		return (-1);
	}
	return (n < 0 ? -1 : 0);
}

/*
 * Blocking receive of configuration until PROC_IMSG_CFG_DONE.  Peer
 * sockets are handled here; everything else goes to cb, which returns
 * -1 for a message it does not know.
 */
void
proc_child_setup(struct proc_ctx *ctx, int (*cb)(struct imsg *, void *),
    void *arg)
{
	struct imsgbuf	*ib = &ctx->parent.ibuf;
	struct imsg	 imsg;
	struct proc_peer pp;
	struct imsgev	*iev;
	time_t		 deadline;
	int		 got, done = 0, verbose;

	deadline = proc_now() + PROC_SETUP_TIMEOUT;
	while (!done) {
		if ((got = imsg_get(ib, &imsg)) == -1)
			fatal("%s: bad message from parent", __func__);
		if (got == 0) {
			int left = (int)(deadline - proc_now());

			if (left <= 0 || proc_poll_read(ib, left * 1000) == -1)
				fatal("%s: no configuration from parent",
				    __func__);
			continue;
		}
		proc_trace(&ctx->parent, "<-", imsg.hdr.type, imsg.datalen);
		switch (imsg.hdr.type) {
		case PROC_IMSG_PEER:
			if (imsg_get_data(&imsg, &pp, sizeof(pp)) == -1 ||
			    pp.role < 0 || pp.role >= ctx->nroles ||
			    pp.instance < 0 ||
			    pp.instance >= ctx->roles[pp.role].instances ||
			    imsg.fd == -1)
				fatalx("%s: bad peer message", __func__);
			if (ctx->peers[pp.role][pp.instance] != NULL)
				fatalx("%s: duplicate peer", __func__);
			if ((iev = calloc(1, sizeof(*iev))) == NULL)
				fatal("%s: calloc", __func__);
			imsgev_init(iev, ctx, imsg_get_fd(&imsg), pp.role,
			    pp.instance, ctx->maxpayload, 0, NULL);
			ctx->peers[pp.role][pp.instance] = iev;
			break;
		case PROC_IMSG_VERBOSE:
			if (imsg_get_data(&imsg, &verbose,
			    sizeof(verbose)) == -1)
				fatalx("%s: bad verbose message", __func__);
			log_setverbose(verbose);
			break;
		case PROC_IMSG_CFG_DONE:
			done = 1;
			break;
		default:
			if (cb == NULL || cb(&imsg, arg) == -1)
				fatalx("%s: got invalid imsg %s from parent",
				    __func__, ctx->type_name ?
				    ctx->type_name(imsg.hdr.type) : "?");
			break;
		}
		imsg_free(&imsg);
	}
}

/* Report READY and block until the parent says START. */
void
proc_child_ready(struct proc_ctx *ctx)
{
	struct imsgbuf	*ib = &ctx->parent.ibuf;
	struct imsg	 imsg;
	int		 got, started = 0, verbose;

	if (imsg_compose(ib, PROC_IMSG_READY, 0, 0, -1, NULL, 0) == -1 ||
	    imsgbuf_flush(ib) == -1)
		fatal("%s: ready", __func__);
	while (!started) {
		if ((got = imsg_get(ib, &imsg)) == -1)
			fatal("%s: bad message from parent", __func__);
		if (got == 0) {
			if (proc_poll_read(ib, -1) == -1)
				fatal("%s: parent gone", __func__);
			continue;
		}
		proc_trace(&ctx->parent, "<-", imsg.hdr.type, imsg.datalen);
		switch (imsg.hdr.type) {
		case PROC_IMSG_START:
			started = 1;
			break;
		case PROC_IMSG_VERBOSE:
			if (imsg_get_data(&imsg, &verbose,
			    sizeof(verbose)) == -1)
				fatalx("%s: bad verbose message", __func__);
			log_setverbose(verbose);
			break;
		case PROC_IMSG_SHUTDOWN:
			exit(0);
		default:
			fatalx("%s: got invalid imsg %s from parent before "
			    "start", __func__, ctx->type_name ?
			    ctx->type_name(imsg.hdr.type) : "?");
		}
		imsg_free(&imsg);
	}
}

struct imsgev *
proc_peer(struct proc_ctx *ctx, int role, int instance)
{
	if (role < 0 || role >= ctx->nroles || instance < 0 ||
	    instance >= PROC_MAX_INSTANCES)
		return (NULL);
	return (ctx->peers[role][instance]);
}

/* channels --------------------------------------------------------- */

void
imsgev_init(struct imsgev *iev, struct proc_ctx *ctx, int fd, int role,
    int instance, size_t maxpayload, int accept_fd, proc_dispatch_fn dispatch)
{
	memset(iev, 0, sizeof(*iev));
	if (imsgbuf_init(&iev->ibuf, fd, maxpayload, accept_fd) == -1)
		fatal("%s: imsgbuf_init", __func__);
	iev->ctx = ctx;
	iev->role = role;
	iev->instance = instance;
	iev->dispatch = dispatch;
}

void
imsgev_add(struct imsgev *iev)
{
	short	 events = iev->paused ? 0 : EV_READ;

	if (iev->ctx->evbase == NULL)
		return;
	if (imsgbuf_queued(&iev->ibuf) > 0)
		events |= EV_WRITE;
	if (iev->active && iev->events == events)
		return;
	if (iev->active)
		event_del(&iev->ev);
	iev->active = 0;
	if (events == 0)
		return;
	event_assign(&iev->ev, iev->ctx->evbase, iev->ibuf.fd, events,
	    imsgev_handler, iev);
	if (event_add(&iev->ev, NULL) == -1)
		fatal("%s: event_add", __func__);
	iev->events = events;
	iev->active = 1;
}

void
imsgev_del(struct imsgev *iev)
{
	if (iev->active)
		event_del(&iev->ev);
	iev->active = 0;
}

/* Stop or resume reading from a peer; writes still go out. */
void
imsgev_pause(struct imsgev *iev, int paused)
{
	if (iev->paused == paused)
		return;
	iev->paused = paused;
	imsgev_add(iev);
}

int
imsgev_compose(struct imsgev *iev, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	if (imsg_compose(&iev->ibuf, type, peerid, 0, fd, data, len) == -1)
		return (-1);
	proc_trace(iev, "->", type, len);
	imsgev_add(iev);
	return (0);
}

int
imsgev_composev(struct imsgev *iev, uint32_t type, uint32_t peerid, int fd,
    const struct iovec *iov, int iovcnt)
{
	size_t	 len = 0;
	int	 i;

	if (imsg_composev(&iev->ibuf, type, peerid, 0, fd, iov, iovcnt) == -1)
		return (-1);
	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	proc_trace(iev, "->", type, len);
	imsgev_add(iev);
	return (0);
}

/*
 * One handler for every channel.  The privsep layer answers its own
 * message types; everything else goes to the peer's dispatcher, and a
 * type the dispatcher does not know is fatal.
 */
static void
imsgev_handler(int fd, short events, void *arg)
{
	struct imsgev	*iev = arg;
	struct proc_ctx	*ctx = iev->ctx;
	struct imsg	 imsg;
	struct proc_log	 pl;
	const void	*line;
	size_t		 linelen;
	char		 peer[64], msg[2048];
	ssize_t		 n;
	int		 got, verbose;

	/* the event is not persistent: it fired, so it is no longer armed */
	iev->active = 0;
	proc_name(ctx, iev->role, iev->instance, peer, sizeof(peer));
	if (events & EV_WRITE) {
		if (imsgbuf_write(&iev->ibuf) == -1 && errno != EPIPE)
			fatal("%s: write to %s", ctx->title, peer);
	}
	if (events & EV_READ) {
		n = imsgbuf_read(&iev->ibuf);
		if (n == -1 && errno != EAGAIN && errno != ECONNRESET)
			fatal("%s: read from %s", ctx->title, peer);
		if (n == 0 || (n == -1 && errno == ECONNRESET)) {
			imsgev_del(iev);
			if (iev->closed != NULL) {
				iev->closed(iev);
				return;
			}
			if (ctx->role == -1)
				return;		/* SIGCHLD tells the story */
			if (iev->role == -1)
				exit(0);	/* parent is gone */
			/*
			 * A peer that dies is the parent's to report: it
			 * stops every process when it reaps one.
			 */
			log_debug("lost channel to %s", peer);
			return;
		}
		for (;;) {
			if ((got = imsg_get(&iev->ibuf, &imsg)) == -1)
				fatal("%s: bad message from %s", ctx->title,
				    peer);
			if (got == 0)
				break;
			proc_trace(iev, "<-", imsg.hdr.type, imsg.datalen);
			switch (imsg.hdr.type) {
			case PROC_IMSG_LOG:
				if (ctx->role != -1)
					goto bad;
				if (imsg_get_head(&imsg, &pl, sizeof(pl),
				    &line, &linelen) == -1 || linelen == 0 ||
				    memchr(line, '\0', linelen) !=
				    (const char *)line + linelen - 1)
					goto bad;
				/* fatal lines already name the process */
				if (strncmp(line, "fatal in ", 9) == 0)
					log_emit(pl.priority, line);
				else {
					snprintf(msg, sizeof(msg), "%s: %s",
					    peer, (const char *)line);
					log_emit(pl.priority, msg);
				}
				break;
			case PROC_IMSG_VERBOSE:
				if (ctx->role == -1 || iev->role != -1 ||
				    imsg_get_data(&imsg, &verbose,
				    sizeof(verbose)) == -1)
					goto bad;
				log_setverbose(verbose);
				break;
			case PROC_IMSG_SHUTDOWN:
				if (ctx->role == -1 || iev->role != -1)
					goto bad;
				exit(0);
			default:
				if (iev->dispatch == NULL ||
				    iev->dispatch(iev, &imsg) == -1)
					goto bad;
				break;
			}
			imsg_free(&imsg);
		}
	}
	imsgev_add(iev);
	return;
 bad:
	fatalx("%s: got invalid imsg %s (%u) from %s", ctx->title,
	    ctx->type_name ? ctx->type_name(imsg.hdr.type) : "?",
	    imsg.hdr.type, peer);
}
