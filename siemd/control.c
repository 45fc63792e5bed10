/*
 * The parent's control socket.  A client sends one request and gets
 * text lines back followed by IMSG_CTL_END.  Only root may connect:
 * the socket is mode 0600 and the peer's uid is checked as well.  A
 * malformed request closes that connection and nothing else.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "siemd.h"
#include "control.h"

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	struct imsgbuf		 ibuf;
	struct event		 ev;
	int			 done;	/* close once the reply is out */
};
TAILQ_HEAD(, ctl_conn)		 ctl_conns = TAILQ_HEAD_INITIALIZER(ctl_conns);

static struct event	 ctl_ev;
static int		 ctl_fd = -1;
static char		*ctl_path;
static int		 ctl_nconns;

static void	 control_accept(int, short, void *);
static void	 control_handler(int, short, void *);
static void	 control_close(struct ctl_conn *);
static void	 control_reply(struct ctl_conn *, uint32_t, const char *);
static void	 control_update(struct ctl_conn *);
static int	 control_request(struct ctl_conn *, struct imsg *);
static void	 fmt_uptime(time_t, char *, size_t);
static void	 append(char **, size_t *, size_t *, const char *, ...)
		    __attribute__((__format__ (printf, 4, 5)));

int
control_init(const char *path)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_warnx("%s: path too long", path);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("%s: socket", __func__);
		return (-1);
	}
	/* a live daemon answers on the old socket: do not steal it */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		log_warnx("%s: another siemd is running", path);
		close(fd);
		return (-1);
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("%s: unlink", path);
		close(fd);
		return (-1);
	}
	old = umask(S_IXUSR | S_IRWXG | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("%s: bind", path);
		umask(old);
		close(fd);
		return (-1);
	}
	umask(old);
	if (chmod(path, S_IRUSR | S_IWUSR) == -1 || listen(fd, 8) == -1) {
		log_warn("%s", path);
		close(fd);
		unlink(path);
		return (-1);
	}
	if ((ctl_path = strdup(path)) == NULL)
		fatal("%s: strdup", __func__);
	ctl_fd = fd;
	event_assign(&ctl_ev, env.evbase, fd, EV_READ | EV_PERSIST,
	    control_accept, NULL);
	event_add(&ctl_ev, NULL);
	return (0);
}

void
control_cleanup(void)
{
	struct ctl_conn	*c;

	while ((c = TAILQ_FIRST(&ctl_conns)) != NULL)
		control_close(c);
	if (ctl_fd != -1) {
		event_del(&ctl_ev);
		close(ctl_fd);
		ctl_fd = -1;
	}
	if (ctl_path != NULL) {
		unlink(ctl_path);
		free(ctl_path);
		ctl_path = NULL;
	}
}

static void
control_accept(int fd, short events, void *arg)
{
	struct ctl_conn	*c;
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);
	int		 s;

	if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("%s: accept", __func__);
		return;
	}
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != 0) {
		log_warnx("control: refused a client that is not root");
		close(s);
		return;
	}
	if (ctl_nconns >= CONTROL_MAX_CONNS) {
		log_warnx("control: too many clients");
		close(s);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s: calloc", __func__);
	if (imsgbuf_init(&c->ibuf, s, SIEMD_MAX_PAYLOAD, 0) == -1)
		fatal("%s: imsgbuf_init", __func__);
	TAILQ_INSERT_TAIL(&ctl_conns, c, entry);
	ctl_nconns++;
	event_assign(&c->ev, env.evbase, s, EV_READ, control_handler, c);
	event_add(&c->ev, NULL);
}

static void
control_close(struct ctl_conn *c)
{
	event_del(&c->ev);
	close(c->ibuf.fd);
	imsgbuf_clear(&c->ibuf);
	TAILQ_REMOVE(&ctl_conns, c, entry);
	ctl_nconns--;
	free(c);
}

static void
control_update(struct ctl_conn *c)
{
	short	 events = EV_READ;

	if (imsgbuf_queued(&c->ibuf) > 0)
		events |= EV_WRITE;
	event_del(&c->ev);
	event_assign(&c->ev, env.evbase, c->ibuf.fd, events, control_handler,
	    c);
	event_add(&c->ev, NULL);
}

static void
control_reply(struct ctl_conn *c, uint32_t type, const char *text)
{
	if (imsg_compose(&c->ibuf, type, 0, 0, -1, text,
	    text ? strlen(text) + 1 : 0) == -1)
		log_warn("%s: compose", __func__);
}

static void
control_handler(int fd, short events, void *arg)
{
	struct ctl_conn	*c = arg;
	struct imsg	 imsg;
	ssize_t		 n;
	int		 got;

	if (events & EV_WRITE) {
		if (imsgbuf_write(&c->ibuf) == -1) {
			control_close(c);
			return;
		}
		if (c->done && imsgbuf_queued(&c->ibuf) == 0) {
			control_close(c);
			return;
		}
	}
	if (events & EV_READ) {
		n = imsgbuf_read(&c->ibuf);
		if (n == 0 || (n == -1 && errno != EAGAIN)) {
			control_close(c);
			return;
		}
		while (!c->done) {
			if ((got = imsg_get(&c->ibuf, &imsg)) == -1) {
				log_warnx("control: bad message, closing");
				control_close(c);
				return;
			}
			if (got == 0)
				break;
			if (control_request(c, &imsg) == -1) {
				control_reply(c, IMSG_CTL_ERROR,
				    "unknown request");
				log_warnx("control: unknown request %s",
				    imsg_type_name(imsg.hdr.type));
			}
			control_reply(c, IMSG_CTL_END, NULL);
			c->done = 1;
			imsg_free(&imsg);
		}
	}
	control_update(c);
}

static int
control_request(struct ctl_conn *c, struct imsg *imsg)
{
	char	*text, errbuf[2048];
	int	 verbose, i;

	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_STATUS:
		text = control_status_text();
		control_reply(c, IMSG_CTL_TEXT, text);
		free(text);
		break;
	case IMSG_CTL_SHOW_SOURCES:
		text = control_sources_text();
		control_reply(c, IMSG_CTL_TEXT, text);
		free(text);
		break;
	case IMSG_CTL_SHOW_RULES:
		text = control_rules_text();
		control_reply(c, IMSG_CTL_TEXT, text);
		free(text);
		break;
	case IMSG_CTL_RELOAD:
		if (parent_reload(errbuf, sizeof(errbuf)) == RELOAD_FAILED)
			control_reply(c, IMSG_CTL_ERROR, errbuf);
		else
			control_reply(c, IMSG_CTL_TEXT, errbuf);
		break;
	case IMSG_CTL_LOG_VERBOSE:
		if (imsg_get_data(imsg, &verbose, sizeof(verbose)) == -1 ||
		    verbose < 0 || verbose > 4)
			return (-1);
		log_setverbose(verbose);
		for (i = 0; i < env.ps.nchildren; i++)
			if (!env.ps.children[i].exited)
				imsgev_compose(&env.ps.children[i].iev,
				    PROC_IMSG_VERBOSE, 0, -1, &verbose,
				    sizeof(verbose));
		log_info("log level %s", verbose ? "verbose" : "brief");
		control_reply(c, IMSG_CTL_TEXT, verbose ?
		    "logging verbose" : "logging brief");
		break;
	default:
		return (-1);
	}
	return (0);
}

static void
append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			fatalx("%s: vsnprintf", __func__);
		if ((size_t)n < *cap - *len) {
			*len += n;
			return;
		}
		*cap = *cap * 2 + n;
		if ((*buf = realloc(*buf, *cap)) == NULL)
			fatal("%s: realloc", __func__);
	}
}

static void
fmt_uptime(time_t secs, char *buf, size_t len)
{
	if (secs >= 86400)
		snprintf(buf, len, "%lldd%02lldh", (long long)secs / 86400,
		    (long long)(secs % 86400) / 3600);
	else if (secs >= 3600)
		snprintf(buf, len, "%lldh%02lldm", (long long)secs / 3600,
		    (long long)(secs % 3600) / 60);
	else if (secs >= 60)
		snprintf(buf, len, "%lldm%02llds", (long long)secs / 60,
		    (long long)secs % 60);
	else
		snprintf(buf, len, "%llds", (long long)secs);
}

/* One line per process: role, instance, pid, uptime, counters. */
char *
control_status_text(void)
{
	struct proc_child	*pc;
	struct timespec		 now;
	json_t			*js, *v;
	const char		*key;
	char			*buf;
	char			 up[32];
	size_t			 len = 0, cap = 1024;
	int			 i;

	if ((buf = malloc(cap)) == NULL)
		fatal("%s: malloc", __func__);
	buf[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &now);
	append(&buf, &len, &cap, "%-10s %4s %7s %8s  %s\n", "PROCESS",
	    "INST", "PID", "UPTIME", "COUNTERS");
	fmt_uptime(time(NULL) - env.started, up, sizeof(up));
	append(&buf, &len, &cap, "%-10s %4d %7d %8s  %s\n", "parent", 0,
	    (int)getpid(), up, "");
	for (i = 0; i < env.ps.nchildren; i++) {
		pc = &env.ps.children[i];
		fmt_uptime(now.tv_sec - pc->started, up, sizeof(up));
		append(&buf, &len, &cap, "%-10s %4d %7d %8s ",
		    env.ps.roles[pc->role].name, pc->instance, (int)pc->pid,
		    pc->exited ? "exited" : up);
		js = pc->report ? json_loads(pc->report, 0, NULL) : NULL;
		if (js != NULL && json_is_object(js)) {
			json_object_foreach(js, key, v) {
				if (json_is_integer(v))
					append(&buf, &len, &cap, " %s=%lld",
					    key, (long long)
					    json_integer_value(v));
				else if (json_is_real(v))
					append(&buf, &len, &cap, " %s=%.1f",
					    key, json_real_value(v));
			}
		}
		json_decref(js);
		append(&buf, &len, &cap, "\n");
	}
	return (buf);
}

/*
 * The same for the API's /status, as JSON: every process with its
 * pid, uptime in seconds, whether it runs, and its last report.
 */
char *
control_status_json(void)
{
	struct proc_child	*pc;
	struct timespec		 now;
	json_t			*js, *a, *rep;
	char			*s;
	int			 i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	a = json_array();
	json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:I, s:b}",
	    "name", "parent", "instance", 0, "pid", (int)getpid(),
	    "uptime", (json_int_t)(time(NULL) - env.started), "alive", 1));
	for (i = 0; i < env.ps.nchildren; i++) {
		pc = &env.ps.children[i];
		rep = pc->report ? json_loads(pc->report, 0, NULL) : NULL;
		json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:I, s:b,"
		    " s:o}", "name", env.ps.roles[pc->role].name,
		    "instance", pc->instance, "pid", (int)pc->pid,
		    "uptime", (json_int_t)(now.tv_sec - pc->started),
		    "alive", !pc->exited,
		    "counters", rep ? rep : json_null()));
	}
	js = json_pack("{s:s, s:o}", "version", SIEMD_VERSION,
	    "processes", a);
	if (js == NULL || (s = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	json_decref(js);
	return (s);
}

/* A child's per-source map ("L0" -> n), or NULL. */
static json_t *
report_sources(int role, json_t **keep)
{
	struct proc_child	*pc;
	json_t			*js, *srcs = NULL;
	int			 i;

	for (i = 0; i < env.ps.nchildren; i++) {
		pc = &env.ps.children[i];
		if (pc->role != role || pc->report == NULL)
			continue;
		if ((js = json_loads(pc->report, 0, NULL)) == NULL)
			continue;
		if (*keep == NULL)
			*keep = json_object();
		/* parsers: several reports, summed per source */
		srcs = json_object_get(js, "sources");
		if (json_is_object(srcs)) {
			const char	*k;
			json_t		*v;

			json_object_foreach(srcs, k, v) {
				json_t *old = json_object_get(*keep, k);

				json_object_set_new(*keep, k, json_integer(
				    json_integer_value(old) +
				    json_integer_value(v)));
			}
		}
		json_decref(js);
	}
	return (*keep);
}

/*
 * One line per source: ingest's counters (received, bytes, drops by
 * reason), the parsers' parse errors and the store's stored count.
 */
char *
control_sources_text(void)
{
	struct proc_child	*pc;
	json_t			*js, *srcs, *s, *v, *perr = NULL, *stored = NULL;
	const char		*key, *skey;
	char			*buf;
	size_t			 len = 0, cap = 1024, i;
	int			 n = 0;

	if ((buf = malloc(cap)) == NULL)
		fatal("%s: malloc", __func__);
	buf[0] = '\0';
	report_sources(PROC_PARSER, &perr);
	report_sources(PROC_STORE, &stored);
	pc = proc_child_of(&env.ps, PROC_INGEST, 0);
	js = pc && pc->report ? json_loads(pc->report, 0, NULL) : NULL;
	srcs = js ? json_object_get(js, "sources") : NULL;
	if (json_is_array(srcs)) {
		json_array_foreach(srcs, i, s) {
			v = json_object_get(s, "name");
			append(&buf, &len, &cap, "%s",
			    json_is_string(v) ? json_string_value(v) : "?");
			json_object_foreach(s, key, v) {
				if (json_is_integer(v))
					append(&buf, &len, &cap, " %s=%lld",
					    key, (long long)
					    json_integer_value(v));
			}
			skey = json_string_value(json_object_get(s, "key"));
			if (skey != NULL) {
				append(&buf, &len, &cap,
				    " parse_errors=%lld stored=%lld",
				    (long long)json_integer_value(
				    json_object_get(perr, skey)),
				    (long long)json_integer_value(
				    json_object_get(stored, skey)));
			}
			append(&buf, &len, &cap, "\n");
			n++;
		}
	}
	json_decref(js);
	json_decref(perr);
	json_decref(stored);
	if (n == 0)
		append(&buf, &len, &cap, "no sources\n");
	return (buf);
}

/* One line per rule: state, hits, id and title; the reason if unused. */
char *
control_rules_text(void)
{
	json_t		*list, *r;
	const char	*reason;
	char		*buf;
	size_t		 len = 0, cap = 1024, i;
	int		 n = 0;

	if ((buf = malloc(cap)) == NULL)
		fatal("%s: malloc", __func__);
	buf[0] = '\0';
	list = env.rules_status ? json_loads(env.rules_status, 0, NULL) : NULL;
	if (json_is_array(list)) {
		append(&buf, &len, &cap, "%-8s %-11s %8s  %s\n", "STATE",
		    "KIND", "HITS", "RULE");
		json_array_foreach(list, i, r) {
			append(&buf, &len, &cap, "%-8s %-11s %8lld  %s  %s\n",
			    json_string_value(json_object_get(r, "status")),
			    json_string_value(json_object_get(r, "kind")),
			    (long long)json_integer_value(json_object_get(r,
			    "hits")),
			    json_string_value(json_object_get(r, "id")) ?
			    json_string_value(json_object_get(r, "id")) : "-",
			    json_string_value(json_object_get(r, "title")) ?
			    json_string_value(json_object_get(r, "title")) :
			    "");
			if ((reason = json_string_value(json_object_get(r,
			    "reason"))) != NULL)
				append(&buf, &len, &cap, "%31s%s\n", "",
				    reason);
			n++;
		}
	}
	json_decref(list);
	if (n == 0)
		append(&buf, &len, &cap, "no rules loaded\n");
	return (buf);
}

/* For the foreground demo: what is listening where. */
void
control_print_listening(FILE *fp)
{
	struct siemd_listener	*l;
	struct siemd_tail	*t;

	TAILQ_FOREACH(l, &env.conf->listeners, entry)
		fprintf(fp, "listening: syslog %s on %s port %u\n",
		    conf_proto_name(l->proto), l->addr, l->port);
	TAILQ_FOREACH(l, &env.conf->api.listeners, entry)
		fprintf(fp, "listening: api %s on %s port %u\n",
		    conf_proto_name(l->proto), l->addr, l->port);
	TAILQ_FOREACH(t, &env.conf->tails, entry)
		fprintf(fp, "tailing: %s matching %s\n", t->dir, t->match);
	fprintf(fp, "control socket: %s\n", env.sockpath);
	fflush(fp);
}
