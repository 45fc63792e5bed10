/*
 * The life of a child process, common to every role (DESIGN.md
 * section 3, "Sandbox order in every child"): configuration over fd 3
 * until CFG_DONE, libraries set up from memory, sandbox, READY, the
 * event loop with a status report every second, a clean exit on
 * SIGTERM.
 */

#include <sys/types.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "siemd.h"
#include "child.h"

static int	 child_cfg(struct imsg *, void *);
static void	 child_sigterm(int, short, void *);
static void	 child_status(int, short, void *);

static int
child_cfg(struct imsg *imsg, void *arg)
{
	struct child			*c = arg;
	struct siemd_listener_msg	 lm;
	struct siemd_secret_hdr		 sh;
	struct siemd_tlsfile_hdr	 th;
	struct siemd_secret		*s;
	struct child_file		*f;
	const void			*tail;
	const char			*json;
	json_error_t			 jerr;
	size_t				 taillen;

	switch (imsg->hdr.type) {
	case IMSG_CFG_JSON:
		if (imsg_get_string(imsg, &json) == -1)
			return (-1);
		json_decref(c->conf);
		if ((c->conf = json_loads(json, 0, &jerr)) == NULL ||
		    !json_is_object(c->conf))
			fatalx("configuration: %s", jerr.text);
		break;
	case IMSG_CFG_LISTENER:
		if (imsg_get_data(imsg, &lm, sizeof(lm)) == -1 ||
		    imsg->fd == -1 || c->nlisteners >= CHILD_MAX_LISTENERS)
			return (-1);
		c->listeners[c->nlisteners].id = lm.id;
		c->listeners[c->nlisteners].proto = lm.proto;
		c->listeners[c->nlisteners].fd = imsg_get_fd(imsg);
		c->nlisteners++;
		break;
	case IMSG_CFG_SECRET:
		if (imsg_get_head(imsg, &sh, sizeof(sh), &tail,
		    &taillen) == -1 || sh.len != taillen ||
		    taillen > SIEMD_MAX_SECRET ||
		    memchr(sh.label, '\0', sizeof(sh.label)) == NULL)
			return (-1);
		if ((s = calloc(1, sizeof(*s))) == NULL ||
		    (s->label = strdup(sh.label)) == NULL ||
		    (s->value = malloc(taillen + 1)) == NULL)
			fatal("%s: alloc", __func__);
		memcpy(s->value, tail, taillen);
		s->value[taillen] = '\0';
		s->len = taillen;
		/* the copy in the read buffer is not left behind */
		explicit_bzero((void *)tail, taillen);
		TAILQ_INSERT_TAIL(&c->secrets, s, entry);
		break;
	case IMSG_CFG_TLSKEY:
		if (imsg_get_head(imsg, &th, sizeof(th), &tail,
		    &taillen) == -1 || th.len != taillen ||
		    c->nfiles >= CHILD_MAX_FILES)
			return (-1);
		f = &c->files[c->nfiles++];
		f->listener = th.listener;
		f->kind = th.kind;
		f->len = taillen;
		if ((f->data = malloc(taillen + 1)) == NULL)
			fatal("%s: malloc", __func__);
		memcpy(f->data, tail, taillen);
		f->data[taillen] = '\0';
		explicit_bzero((void *)tail, taillen);
		break;
	default:
		return (-1);
	}
	return (0);
}

void
child_setup(struct proc_ctx *ctx, struct child *c)
{
	c->ctx = ctx;
	TAILQ_INIT(&c->secrets);
	proc_child_setup(ctx, child_cfg, c);
	if (c->conf == NULL)
		fatalx("no configuration received");
	if ((ctx->evbase = event_base_new()) == NULL)
		fatalx("event_base_new");
}

/* Seal: the role's policy with the run-time root, then wait for START. */
void
child_seal(struct child *c, const char *root)
{
	struct sandbox_policy	 pol;

	pol = *siemd_policy(c->ctx->role);
	pol.root = root;
	sandbox_enter(&pol, env.sbmode);
	proc_child_ready(c->ctx);
	c->started = time(NULL);
}

const char *
child_conf_str(struct child *c, const char *key, const char *def)
{
	json_t	*v = json_object_get(c->conf, key);

	return (json_is_string(v) ? json_string_value(v) : def);
}

int64_t
child_conf_int(struct child *c, const char *key, int64_t def)
{
	json_t	*v = json_object_get(c->conf, key);

	return (json_is_integer(v) ? json_integer_value(v) : def);
}

/* The directory holding the database: the store's and query's jail. */
char *
child_dbdir(struct child *c)
{
	const char	*db = child_conf_str(c, "database", NULL);
	char		*copy, *dir;

	if (db == NULL)
		fatalx("no database in configuration");
	if ((copy = strdup(db)) == NULL || (dir = strdup(dirname(copy))) ==
	    NULL)
		fatal("%s: strdup", __func__);
	free(copy);
	return (dir);
}

const struct child_file *
child_file(struct child *c, int listener, int kind)
{
	int	 i;

	for (i = 0; i < c->nfiles; i++)
		if (c->files[i].listener == listener &&
		    c->files[i].kind == kind)
			return (&c->files[i]);
	return (NULL);
}

struct siemd_secret *
child_secret(struct child *c, const char *label)
{
	struct siemd_secret	*s;

	TAILQ_FOREACH(s, &c->secrets, entry)
		if (strcmp(s->label, label) == 0)
			return (s);
	return (NULL);
}

/* Key files are wiped once libtls holds them. */
void
child_wipe_files(struct child *c)
{
	int	 i;

	for (i = 0; i < c->nfiles; i++) {
		explicit_bzero(c->files[i].data, c->files[i].len);
		free(c->files[i].data);
		c->files[i].data = NULL;
		c->files[i].len = 0;
	}
	c->nfiles = 0;
}

static void
child_sigterm(int sig, short events, void *arg)
{
	struct child	*c = arg;

	if (c->stop != NULL)
		c->stop(c->arg);
	exit(0);
}

static void
child_status(int fd, short events, void *arg)
{
	struct child	*c = arg;
	struct timeval	 tv = { SIEMD_STATUS_INTERVAL, 0 };
	json_t		*js = NULL;
	char		*s;

	if (c->counters != NULL)
		js = c->counters(c->arg);
	if (js == NULL)
		js = json_object();
	if ((s = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	if (strlen(s) + 1 <= SIEMD_MAX_PAYLOAD)
		imsgev_compose(&c->ctx->parent, IMSG_STATUS, 0, -1, s,
		    strlen(s) + 1);
	free(s);
	json_decref(js);
	evtimer_add(&c->ev_status, &tv);
}

/*
 * Lower this process's CPU priority, before the sandbox closes.  Each
 * child has a session of its own, and where the kernel schedules by
 * autogroup (one per session) CPU time is shared between autogroups
 * before nice values count; so the autogroup, which holds this process
 * alone, gets the same value.
 */
void
child_nice(int n)
{
	char	 buf[16];
	int	 fd, len;

	if (setpriority(PRIO_PROCESS, 0, n) == -1)
		log_warn("setpriority %d", n);
	if ((fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC)) == -1)
		return;		/* no autogroups here */
	len = snprintf(buf, sizeof(buf), "%d\n", n);
	if (write(fd, buf, len) != len)
		log_debug("autogroup nice %d: %s", n, strerror(errno));
	close(fd);
}

__dead void
child_run(struct child *c)
{
	struct proc_ctx	*ctx = c->ctx;
	struct timeval	 tv = { 0, 0 };
	int		 r, i;

	imsgev_add(&ctx->parent);
	/* messages that came with START are already in our buffer */
	event_active(&ctx->parent.ev, EV_READ, 0);
	for (r = 0; r < ctx->nroles; r++)
		for (i = 0; i < PROC_MAX_INSTANCES; i++)
			if (ctx->peers[r][i] != NULL)
				imsgev_add(ctx->peers[r][i]);
	evsignal_assign(&c->ev_term, ctx->evbase, SIGTERM, child_sigterm, c);
	evsignal_add(&c->ev_term, NULL);
	evtimer_assign(&c->ev_status, ctx->evbase, child_status, c);
	evtimer_add(&c->ev_status, &tv);
	log_debug("running");
	event_base_dispatch(ctx->evbase);
	fatalx("event loop ended");
}
