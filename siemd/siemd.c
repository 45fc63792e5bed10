/*
 * siemd: the privileged parent.  It parses the configuration, binds
 * the listeners, reads key material, starts the sandboxed children,
 * serves the control socket and supervises: when a child dies the
 * whole daemon stops, and the service manager restarts it.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include "siemd.h"
#include "control.h"
#include "json_chunks.h"
#include "tail_scan.h"
#include "silence.h"
#include "rules_load.h"
#include "sigma.h"
#include "sigma_corr.h"

const struct proc_role siemd_roles[PROC_MAX] = {
	[PROC_INGEST] =		{ "ingest",	1 },
	[PROC_PARSER] =		{ "parser",	1 },
	[PROC_STORE] =		{ "store",	1 },
	[PROC_QUERY] =		{ "query",	SIEMD_QUERY_PROCS },
	[PROC_CORRELATE] =	{ "correlate",	1 },
	[PROC_WEB] =		{ "web",	1 },
	[PROC_NOTIFY] =		{ "notify",	1 },
};

/* Who talks to whom (DESIGN.md section 3); the parent talks to all. */
static const struct proc_edge siemd_edges[] = {
	{ PROC_INGEST,		PROC_PARSER },
	{ PROC_PARSER,		PROC_STORE },
	{ PROC_STORE,		PROC_CORRELATE },
	{ PROC_CORRELATE,	PROC_NOTIFY },
	{ PROC_STORE,		PROC_WEB },
	{ PROC_WEB,		PROC_QUERY },
	{ PROC_WEB,		PROC_PARSER },
	{ PROC_NOTIFY,		PROC_STORE },
};

static const char *imsg_names[] = {
#define X(n, c)	#n,
	SIEMD_IMSG_TYPES
#undef X
};

static const char *proc_imsg_names[] = {
	"NONE", "PEER", "CFG_DONE", "READY", "START", "LOG", "VERBOSE",
	"SHUTDOWN"
};

struct siemd_env	 env;

static __dead void	 usage(void);
static char		**saved_args(int, char *[]);
static void		 parent_sig(int, short, void *);
static void		 parent_status_timer(int, short, void *);
static int		 parent_dispatch(struct imsgev *, struct imsg *);
static void		 parent_configure(struct siemd_conf *);
static void		 parent_bind(struct siemd_conf *);
static int		 parent_bind_one(struct siemd_listener *);
static void		 parent_send_file(struct proc_ctx *, int, int, int,
			    const char *);
static void		 parent_send_secret(struct proc_ctx *, int,
			    struct siemd_conf *, const char *, int);
static void		 parent_prepare_dirs(struct siemd_conf *);
static void		 parent_shutdown(int);
static int		 parent_send_rule(const char *, const char *, size_t,
			    void *);
static void		 parent_send_rules(struct siemd_conf *);
static void		 parent_rule_source(struct imsgev *, const char *);
static int		 check_rule_file(const char *, const char *, size_t,
			    void *);
static size_t		 check_rules(struct siemd_conf *);
static struct sigma_set	*rules_compile(struct siemd_conf *, int *, int *);
static char		*rules_invalid_keys(struct sigma_set *);
static int		 rules_verify(struct siemd_conf *, char *, size_t);
static void		 rules_free(struct sigma_set *);
static int		 rules_absent(struct siemd_conf *);
static void		 parent_reexec(void);
static void		 secrets_digest(struct siemd_conf *, unsigned char *);
static int		 same_processes(struct siemd_conf *, struct siemd_conf *);
static int		 same_but_rules(const char *, const char *);
static void		 reexec_timer(int, short, void *);
static __dead void	 child_main(const char *, const char *);

const char *
imsg_type_name(uint32_t type)
{
	static char	 buf[32];

	if (type < sizeof(proc_imsg_names) / sizeof(proc_imsg_names[0]))
		return (proc_imsg_names[type]);
	if (type > IMSG_SIEMD_FIRST && type < IMSG_SIEMD_LAST)
		return (imsg_names[type - IMSG_SIEMD_FIRST - 1]);
	snprintf(buf, sizeof(buf), "%u", type);
	return (buf);
}

static char **
saved_args(int argc, char *argv[])
{
	char	**copy;
	int	  i;

	if ((copy = calloc(argc + 1, sizeof(*copy))) == NULL)
		err(1, "calloc");
	for (i = 0; i < argc; i++)
		if ((copy[i] = strdup(argv[i])) == NULL)
			err(1, "strdup");
	return (copy);
}

static __dead void
usage(void)
{
	fprintf(stderr, "usage: %s [-dnv] [-D macro=value] [-f file] "
	    "[-s socket] [-S kill|trap|off]\n", getprogname());
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct siemd_conf	*conf;
	struct event		 ev_term, ev_int, ev_hup, ev_chld, ev_status;
	struct timeval		 tv = { SIEMD_STATUS_INTERVAL, 0 };
	const char		*role = NULL, *instance = NULL, *errstr;
	char			*extra[8];
	char			 vflag[8], **saved;
	int			 ch, nextra, i;

	/* the arguments are saved for a re-exec before titles overwrite them */
	saved = saved_args(argc, argv);
	proc_title_init(argc, argv);

	memset(&env, 0, sizeof(env));
	env.conffile = SIEMD_CONF;
	env.sockpath = SIEMD_SOCKET;
	env.sbmode = SANDBOX_KILL;
	env.saved_argv = saved;

	while ((ch = getopt(argc, argv, "D:df:I:nP:S:s:v")) != -1) {
		switch (ch) {
		case 'D':
			if (cmdline_symset(optarg) < 0)
				errx(1, "could not parse macro definition %s",
				    optarg);
			break;
		case 'd':
			env.debug = 1;
			break;
		case 'f':
			env.conffile = optarg;
			break;
		case 'I':
			instance = optarg;
			break;
		case 'n':
			env.noaction = 1;
			break;
		case 'P':
			role = optarg;
			break;
		case 'S':
			if (sandbox_mode_parse(optarg, &env.sbmode) == -1)
				errx(1, "-S: kill, trap or off");
			break;
		case 's':
			env.sockpath = optarg;
			break;
		case 'v':
			env.verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc != 0)
		usage();
	log_setverbose(env.verbose);

	if (role != NULL)
		child_main(role, instance);

	log_init(1, LOG_DAEMON);
	if ((conf = parse_config(env.conffile, 0)) == NULL)
		exit(1);
	if (env.noaction) {
		if (env.verbose)
			conf_dump(conf);
		check_rules(conf);
		printf("configuration OK\n");
		conf_free(conf);
		exit(0);
	}

	if (geteuid() != 0)
		errx(1, "need root privileges");
	if (sodium_init() == -1)
		errx(1, "libsodium initialisation failed");
	if (getpwnam(SIEMD_USER) == NULL)
		errx(1, "unknown user %s", SIEMD_USER);
	if (getpwnam(SIEMD_DBUSER) == NULL)
		errx(1, "unknown user %s", SIEMD_DBUSER);
	env.self = realpath("/proc/self/exe", NULL);
	if (env.self == NULL)
		err(1, "cannot find my own executable");
	env.conf = conf;

	parent_prepare_dirs(conf);
	parent_bind(conf);

	env.notify_socket = getenv("NOTIFY_SOCKET");
	if (!env.debug) {
		log_init(0, LOG_DAEMON);
		if (env.notify_socket == NULL && daemon(0, 0) == -1)
			fatal("daemon");
	}
	/* no process title: rc.d finds the parent by its command line */
	log_procinit("parent");
	signal(SIGPIPE, SIG_IGN);

	if ((env.evbase = event_base_new()) == NULL)
		fatalx("event_base_new");

	proc_init(&env.ps, "siemd", siemd_roles, PROC_MAX, siemd_edges,
	    sizeof(siemd_edges) / sizeof(siemd_edges[0]), imsg_type_name,
	    SIEMD_MAX_PAYLOAD);
	/* instance counts come from the configuration */
	memcpy(env.roles, siemd_roles, sizeof(env.roles));
	env.roles[PROC_PARSER].instances = conf->parsers;
	env.ps.roles = env.roles;

	nextra = 0;
	if (env.verbose > 0) {
		snprintf(vflag, sizeof(vflag), "-%.*s",
		    env.verbose > 4 ? 4 : env.verbose, "vvvv");
		extra[nextra++] = vflag;
	}
	if (env.debug)
		extra[nextra++] = "-d";
	extra[nextra++] = "-S";
	extra[nextra++] = (char *)sandbox_mode_name(env.sbmode);
	extra[nextra] = NULL;

	env.started = time(NULL);
	proc_spawn(&env.ps, env.self, extra);
	proc_connect(&env.ps);
	parent_configure(conf);
	proc_cfg_done(&env.ps);
	if (proc_wait_ready(&env.ps, PROC_SETUP_TIMEOUT) == -1) {
		proc_shutdown(&env.ps);
		fatalx("start-up failed");
	}

	env.ps.evbase = env.evbase;
	proc_start(&env.ps, parent_dispatch);
	for (i = 0; i < env.ps.nchildren; i++)
		imsgev_add(&env.ps.children[i].iev);

	if (control_init(env.sockpath) == -1)
		fatalx("control socket %s", env.sockpath);

	evsignal_assign(&ev_term, env.evbase, SIGTERM, parent_sig, NULL);
	evsignal_assign(&ev_int, env.evbase, SIGINT, parent_sig, NULL);
	evsignal_assign(&ev_hup, env.evbase, SIGHUP, parent_sig, NULL);
	evsignal_assign(&ev_chld, env.evbase, SIGCHLD, parent_sig, NULL);
	evsignal_add(&ev_term, NULL);
	evsignal_add(&ev_int, NULL);
	evsignal_add(&ev_hup, NULL);
	evsignal_add(&ev_chld, NULL);
	evtimer_assign(&ev_status, env.evbase, parent_status_timer, &ev_status);
	evtimer_add(&ev_status, &tv);

	tails_start(conf);
	/* what is invalid at start is logged; it never blocks a start */
	rules_verify(conf, NULL, 0);
	parent_send_rules(conf);
	silence_init(conf);

	/* a child may have died before the signal event existed */
	raise(SIGCHLD);

	log_info("started, %d processes sandboxed (%s)", env.ps.nchildren,
	    sandbox_mode_name(env.sbmode));
	sd_notify("READY=1\nSTATUS=running");
	if (env.debug)
		control_print_listening(stderr);

	event_base_dispatch(env.evbase);

	/* not reached: parent_shutdown() exits */
	(void)errstr;
	return (0);
}

/* The default rules directory may be missing; one that is named may not. */
static int
rules_absent(struct siemd_conf *conf)
{
	return (strcmp(conf->rules, SIEMD_RULES) == 0 &&
	    access(conf->rules, F_OK) == -1);
}

static int
check_rule_file(const char *path, const char *yaml, size_t len, void *arg)
{
	return (sigma_set_add_file(arg, path, yaml, len) == -1 ? -1 : 0);
}

/*
 * The rules compiled the way correlate will compile them, with the
 * correlations the engine cannot run marked; NULL when there are none
 * to compile.  Free with rules_free().
 */
static struct sigma_set *
rules_compile(struct siemd_conf *conf, int *files, int *errors)
{
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct corr_params	 cp;
	struct corr_engine	*ce;
	char			 err[SIGMA_REASON_LEN];

	*files = *errors = 0;
	if (conf->rules == NULL || rules_absent(conf))
		return (NULL);
	if (conf->mapping_text != NULL)
		map = sigma_map_load_buf(conf->mapping_text,
		    strlen(conf->mapping_text), err, sizeof(err));
	else
		map = sigma_map_default();
	if (map == NULL || (set = sigma_set_new(map)) == NULL)
		fatalx("cannot set up the rule compiler");
	*files = rules_read(conf->rules, check_rule_file, set, errors);
	if (sigma_set_compile(set) == -1)
		fatalx("%s: the rule set does not compile", conf->rules);
	corr_params_default(&cp);
	if ((ce = corr_new(set, map, &cp, NULL, NULL)) == NULL)
		fatalx("cannot set up the correlation engine");
	corr_free(ce);
	/* the set holds the mapping */
	sigma_map_free(map);
	return (set);
}

/* "path#doc\n" of every invalid rule of the set, in set order. */
static char *
rules_invalid_keys(struct sigma_set *set)
{
	struct sigma_rule	*r;
	char			*keys = NULL, *k;
	size_t			 i, n;

	if (set == NULL && (keys = strdup("")) == NULL)
		fatal("%s: strdup", __func__);
	if (set == NULL)
		return (keys);
	n = sigma_set_count(set);
	for (i = 0; i < n; i++) {
		r = sigma_set_rule(set, i);
		if (r->state == SIGMA_LOADED || r->state == SIGMA_SKIPPED)
			continue;
		if (asprintf(&k, "%s%s#%d\n", keys ? keys : "", r->path,
		    r->doc) == -1)
			fatal("%s: asprintf", __func__);
		free(keys);
		keys = k;
	}
	if (keys == NULL && (keys = strdup("")) == NULL)
		fatal("%s: strdup", __func__);
	return (keys);
}

/*
 * A reload must not make detection worse by mistake: when the new set
 * has invalid rules the running one had not (a rule edited into a
 * syntax error, a new file that does not compile), the running rules
 * stay and the reasons are reported.  Rules invalid before as well do
 * not block a reload.  Returns how many rules are newly invalid.
 */
static int
rules_verify(struct siemd_conf *conf, char *errbuf, size_t errlen)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	char			 key[PATH_MAX + 16];
	const char		*p;
	size_t			 i, n, off = 0, klen;
	int			 files, errors, bad = 0, known;

	sigma_set_jit(0);
	set = rules_compile(conf, &files, &errors);
	sigma_set_jit(1);
	n = set != NULL ? sigma_set_count(set) : 0;
	if (errbuf != NULL)
		off = snprintf(errbuf, errlen, "rules not reloaded, the "
		    "running ones stay:");
	for (i = 0; i < n; i++) {
		r = sigma_set_rule(set, i);
		if (r->state == SIGMA_LOADED || r->state == SIGMA_SKIPPED)
			continue;
		klen = snprintf(key, sizeof(key), "%s#%d\n", r->path, r->doc);
		known = 0;
		for (p = env.rules_invalid; p != NULL && *p != '\0' && !known;
		    p = strchr(p, '\n') + 1)
			known = strncmp(p, key, klen) == 0;
		if (known)
			continue;
		log_warnx("%s: invalid: %s", r->path, r->reason);
		if (errbuf != NULL && off < errlen)
			off += snprintf(errbuf + off, errlen - off, "%s %s: %s",
			    bad ? ";" : "", r->path, r->reason);
		bad++;
	}
	/* at start (no errbuf) every invalid rule is logged, none refused */
	if (bad == 0 || errbuf == NULL) {
		free(env.rules_invalid);
		env.rules_invalid = rules_invalid_keys(set);
		bad = 0;
	} else
		log_warnx("%d rules newly invalid: rules not reloaded", bad);
	rules_free(set);
	return (bad);
}

static void
rules_free(struct sigma_set *set)
{
	if (set != NULL)
		sigma_set_free(set);
}

/* One line per reason, most frequent first: why rules were not used. */
struct reason_count {
	const char	*what;		/* "skipped" or "invalid" */
	const char	*reason;
	size_t		 n;
};

static int
reason_cmp(const void *a, const void *b)
{
	const struct reason_count *x = a, *y = b;

	if (x->n != y->n)
		return (x->n < y->n ? 1 : -1);
	return (strcmp(x->reason, y->reason));
}

/*
 * siemd -n compiles the rules the way correlate will: every rule that
 * cannot be used is named with its reason, then one summary line and
 * the reasons counted.  Returns the number of invalid rules.
 */
static size_t
check_rules(struct siemd_conf *conf)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct reason_count	*rc = NULL;
	const char		*what;
	size_t			 i, j, n, nrc = 0, loaded = 0, skipped = 0,
				 invalid = 0;
	int			 files, errors;

	if ((set = rules_compile(conf, &files, &errors)) == NULL)
		return (0);
	n = sigma_set_count(set);
	if ((rc = calloc(n + 1, sizeof(*rc))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n; i++) {
		r = sigma_set_rule(set, i);
		if (r->state == SIGMA_LOADED) {
			loaded++;
			continue;
		}
		if (r->state == SIGMA_SKIPPED)
			skipped++;
		else
			invalid++;
		printf("%s: %s: %s\n", r->path, r->state == SIGMA_SKIPPED ?
		    "skipped" : "invalid", r->reason);
		what = r->state == SIGMA_SKIPPED ? "skipped" : "invalid";
		for (j = 0; j < nrc; j++)
			if (rc[j].what == what &&
			    strcmp(rc[j].reason, r->reason) == 0)
				break;
		if (j == nrc) {
			rc[nrc].what = what;
			rc[nrc++].reason = r->reason;
		}
		rc[j].n++;
	}
	printf("rules: %zu loaded, %zu skipped, %zu invalid, from %d files"
	    "%s\n", loaded, skipped, invalid, files,
	    errors ? " (some could not be read)" : "");
	qsort(rc, nrc, sizeof(*rc), reason_cmp);
	for (j = 0; j < nrc; j++)
		printf("  %zu %s: %s\n", rc[j].n, rc[j].what, rc[j].reason);
	free(rc);
	rules_free(set);
	return (invalid);
}

/* Re-executed as a child: run the role's entry function. */
static __dead void
child_main(const char *role, const char *instance)
{
	static struct proc_ctx	 ctx;
	static struct proc_role	 roles[PROC_MAX];
	const char		*errstr;
	char			 title[80];
	int			 r, inst;

	log_init(1, LOG_DAEMON);
	for (r = 0; r < PROC_MAX; r++)
		if (strcmp(siemd_roles[r].name, role) == 0)
			break;
	if (r == PROC_MAX)
		errx(1, "unknown process %s", role);
	inst = instance ? (int)strtonum(instance, 0, PROC_MAX_INSTANCES - 1,
	    &errstr) : 0;
	if (instance && errstr != NULL)
		errx(1, "instance %s: %s", instance, errstr);
	/* each child knows of every instance through PEER messages */
	memcpy(roles, siemd_roles, sizeof(roles));
	roles[PROC_PARSER].instances = SIEMD_MAX_PARSERS;
	proc_init(&ctx, "siemd", roles, PROC_MAX, siemd_edges,
	    sizeof(siemd_edges) / sizeof(siemd_edges[0]), imsg_type_name,
	    SIEMD_MAX_PAYLOAD);
	proc_child_init(&ctx, r, inst);
	snprintf(title, sizeof(title), "siemd: %s", ctx.title);
	proc_title(title);

	switch (r) {
	case PROC_INGEST:
		ingest(&ctx);
	case PROC_PARSER:
		parser(&ctx);
	case PROC_STORE:
		store(&ctx);
	case PROC_QUERY:
		query(&ctx);
	case PROC_CORRELATE:
		correlate(&ctx);
	case PROC_WEB:
		web(&ctx);
	case PROC_NOTIFY:
		notify(&ctx);
	}
	fatalx("%s: not reached", __func__);
}

/* The database directory belongs to _siemdb; the empty jail to root. */
static void
parent_prepare_dirs(struct siemd_conf *conf)
{
	struct passwd	*pw;
	struct stat	 st;
	char		*copy, *dir;

	if ((pw = getpwnam(SIEMD_DBUSER)) == NULL)
		fatalx("unknown user %s", SIEMD_DBUSER);
	if ((copy = strdup(conf->database)) == NULL)
		fatal("strdup");
	dir = dirname(copy);
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT)
			fatal("%s", dir);
		if (mkdir(dir, 0750) == -1)
			fatal("mkdir %s", dir);
		if (chown(dir, pw->pw_uid, pw->pw_gid) == -1)
			fatal("chown %s", dir);
		log_info("created database directory %s", dir);
	} else if (!S_ISDIR(st.st_mode))
		fatalx("%s is not a directory", dir);
	else if (st.st_uid != pw->pw_uid)
		fatalx("database directory %s must be owned by %s", dir,
		    SIEMD_DBUSER);
	free(copy);

	if (stat(conf->chroot, &st) == -1)
		fatal("chroot directory %s", conf->chroot);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("chroot directory %s must be a directory owned by root "
		    "and writable by no one else", conf->chroot);
	if (stat(conf->api.htdocs, &st) == -1 || !S_ISDIR(st.st_mode))
		fatalx("htdocs directory %s is missing", conf->api.htdocs);
}

static int
parent_bind_one(struct siemd_listener *l)
{
	int	 type, fd, on = 1;

	type = l->proto == LISTEN_UDP ? SOCK_DGRAM : SOCK_STREAM;
	fd = socket(l->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return (-1);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	if (l->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&l->ss, l->sslen) == -1)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 512) == -1)
		goto fail;
	l->fd = fd;
	return (0);
 fail:
	close(fd);
	return (-1);
}

static void
parent_bind(struct siemd_conf *conf)
{
	struct siemd_listener	*l;

	TAILQ_FOREACH(l, &conf->listeners, entry)
		if (parent_bind_one(l) == -1)
			fatal("%s:%d: listen on %s port %u %s", l->file,
			    l->line, l->addr, l->port,
			    conf_proto_name(l->proto));
	TAILQ_FOREACH(l, &conf->api.listeners, entry)
		if (parent_bind_one(l) == -1)
			fatal("%s:%d: api listen on %s port %u", l->file,
			    l->line, l->addr, l->port);
}

/* Key material goes to one child, in one message per file. */
static void
parent_send_file(struct proc_ctx *ps, int role, int listener, int kind,
    const char *path)
{
	struct siemd_tlsfile_hdr hdr;
	struct iovec		 iov[2];
	struct proc_child	*pc;
	uint8_t			*buf;
	size_t			 len;

	if ((buf = tls_load_file(path, &len, NULL)) == NULL)
		fatal("%s", path);
	if (len > SIEMD_MAX_PAYLOAD - sizeof(hdr))
		fatalx("%s: file too large", path);
	hdr.listener = listener;
	hdr.kind = kind;
	hdr.len = len;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = buf;
	iov[1].iov_len = len;
	pc = proc_child_of(ps, role, 0);
	if (imsgev_composev(&pc->iev, IMSG_CFG_TLSKEY, 0, -1, iov, 2) == -1)
		fatal("%s: compose", __func__);
	if (imsgbuf_flush(&pc->iev.ibuf) == -1)
		fatal("%s: flush", __func__);
	tls_unload_file(buf, len);
}

static void
parent_send_secret(struct proc_ctx *ps, int role, struct siemd_conf *conf,
    const char *label, int required)
{
	struct siemd_secret_hdr	 hdr;
	struct siemd_secret	*s;
	struct iovec		 iov[2];
	struct proc_child	*pc;

	if ((s = conf_secret(conf, label)) == NULL) {
		if (required)
			fatalx("secret %s missing", label);
		return;
	}
	memset(&hdr, 0, sizeof(hdr));
	strlcpy(hdr.label, label, sizeof(hdr.label));
	hdr.len = s->len;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = s->value;
	iov[1].iov_len = s->len;
	pc = proc_child_of(ps, role, 0);
	if (imsgev_composev(&pc->iev, IMSG_CFG_SECRET, 0, -1, iov, 2) == -1)
		fatal("%s: compose", __func__);
	/* flushed now so that no copy lingers in a queue */
	if (imsgbuf_flush(&pc->iev.ibuf) == -1)
		fatal("%s: flush", __func__);
}

/*
 * Need-to-know: each child gets only its categories.  Secrets are
 * sent to the web process alone and wiped from the parent afterwards.
 */
static void
parent_configure(struct siemd_conf *conf)
{
	struct siemd_listener_msg lm;
	struct siemd_listener	*l;
	struct siemd_user	*u;
	struct siemd_ingestkey	*k;
	struct siemd_secret	*s;
	char			*json;
	int			 r;

	for (r = 0; r < PROC_MAX; r++) {
		if ((json = conf_json(conf, r)) == NULL)
			fatalx("%s: config for %s", __func__,
			    siemd_roles[r].name);
		if (strlen(json) + 1 > SIEMD_MAX_PAYLOAD)
			fatalx("%s: config for %s too large", __func__,
			    siemd_roles[r].name);
		if (proc_compose_all(&env.ps, r, IMSG_CFG_JSON, -1, json,
		    strlen(json) + 1) == -1)
			fatal("%s: compose", __func__);
		free(json);
	}

	TAILQ_FOREACH(l, &conf->listeners, entry) {
		lm.id = l->id;
		lm.proto = l->proto;
		if (proc_compose_all(&env.ps, PROC_INGEST, IMSG_CFG_LISTENER,
		    l->fd, &lm, sizeof(lm)) == -1)
			fatal("%s: compose", __func__);
		if (l->proto == LISTEN_TLS) {
			parent_send_file(&env.ps, PROC_INGEST, l->id,
			    TLSFILE_CERT, l->cert);
			parent_send_file(&env.ps, PROC_INGEST, l->id,
			    TLSFILE_KEY, l->key);
			if (l->ca != NULL)
				parent_send_file(&env.ps, PROC_INGEST, l->id,
				    TLSFILE_CA, l->ca);
		}
	}
	TAILQ_FOREACH(l, &conf->api.listeners, entry) {
		lm.id = l->id;
		lm.proto = l->proto;
		if (proc_compose_all(&env.ps, PROC_WEB, IMSG_CFG_LISTENER,
		    l->fd, &lm, sizeof(lm)) == -1)
			fatal("%s: compose", __func__);
		if (l->proto == LISTEN_HTTPS) {
			parent_send_file(&env.ps, PROC_WEB, l->id,
			    TLSFILE_CERT, l->cert);
			parent_send_file(&env.ps, PROC_WEB, l->id,
			    TLSFILE_KEY, l->key);
		}
	}

	TAILQ_FOREACH(u, &conf->users, entry)
		parent_send_secret(&env.ps, PROC_WEB, conf, u->password, 1);
	TAILQ_FOREACH(k, &conf->ingestkeys, entry)
		parent_send_secret(&env.ps, PROC_WEB, conf, k->secret, 1);
	parent_send_secret(&env.ps, PROC_WEB, conf, "jwt-key", 0);

	/* the parent has no further use for secret values */
	secrets_digest(conf, env.secrets_digest);
	TAILQ_FOREACH(s, &conf->secrets, entry) {
		explicit_bzero(s->value, s->len);
		s->len = 0;
	}
}

/* One rule file to the correlate process, which compiles it. */
static int
parent_send_rule(const char *path, const char *yaml, size_t len, void *arg)
{
	struct proc_child	*pc = arg;
	struct rule_file	 rf;
	struct iovec		 iov[3];

	rf.pathlen = strlen(path) + 1;
	rf.len = len;
	if (sizeof(rf) + rf.pathlen + len > SIEMD_MAX_PAYLOAD) {
		log_warnx("%s: too large to load", path);
		return (-1);
	}
	iov[0].iov_base = &rf;
	iov[0].iov_len = sizeof(rf);
	iov[1].iov_base = (void *)path;
	iov[1].iov_len = rf.pathlen;
	iov[2].iov_base = (void *)yaml;
	iov[2].iov_len = len;
	if (imsgev_composev(&pc->iev, IMSG_RULE_FILE, 0, -1, iov, 3) == -1)
		fatal("%s: compose", __func__);
	return (0);
}

/*
 * The rules directory is read here, by the parent, and shipped whole;
 * correlate compiles the new set beside the running one and swaps.
 */
static void
parent_send_rules(struct siemd_conf *conf)
{
	struct proc_child	*pc;
	const char		*mapping;
	int			 n, errors;

	/*
	 * The Sigma mapping first (the configured file, or the built-in
	 * one when the configuration names none): the rule files that
	 * follow compile against it, and web's explain and backtest use
	 * the same.
	 */
	mapping = conf->mapping_text != NULL ? conf->mapping_text :
	    sigma_map_default_text();
	if (strlen(mapping) + 1 > SIEMD_MAX_PAYLOAD)
		log_warnx("rules mapping: too large to send");
	else if (proc_compose_all(&env.ps, PROC_WEB, IMSG_RULES_MAPPING, -1,
	    mapping, strlen(mapping) + 1) == -1)
		fatal("%s: compose", __func__);
	if (conf->rules == NULL || rules_absent(conf))
		return;
	if ((pc = proc_child_of(&env.ps, PROC_CORRELATE, 0)) == NULL)
		return;
	if (strlen(mapping) + 1 <= SIEMD_MAX_PAYLOAD &&
	    imsgev_compose(&pc->iev, IMSG_RULES_MAPPING, 0, -1, mapping,
	    strlen(mapping) + 1) == -1)
		fatal("%s: compose", __func__);
	n = rules_read(conf->rules, parent_send_rule, pc, &errors);
	if (imsgev_compose(&pc->iev, IMSG_RULES_DONE, 0, -1, NULL, 0) == -1)
		fatal("%s: compose", __func__);
	log_info("rules: %d files from %s%s", n, conf->rules,
	    errors ? " (some could not be read)" : "");
}

struct rule_source {
	const char	*path;
	json_t		*yaml;
};

static int
rule_source_match(const char *path, const char *yaml, size_t len, void *arg)
{
	struct rule_source	*rs = arg;

	if (rs->yaml == NULL && strcmp(path, rs->path) == 0 &&
	    (rs->yaml = json_stringn(yaml, len)) == NULL)
		rs->yaml = json_null();		/* not UTF-8 */
	return (0);
}

/*
 * The text of one rule file, for the dashboard's rule page.  The web
 * process names the file by the path correlate reported; only a file
 * the rules walk itself reaches (below the configured directory, a
 * regular .yml or .yaml file, no symbolic link) is read, so a path
 * from elsewhere is simply not found.
 */
static void
parent_rule_source(struct imsgev *iev, const char *path)
{
	struct rule_source	 rs;
	json_t			*js;
	char			*text;

	memset(&rs, 0, sizeof(rs));
	rs.path = path;
	if (env.conf->rules != NULL && !rules_absent(env.conf))
		(void)rules_read(env.conf->rules, rule_source_match, &rs, NULL);
	js = json_pack("{s:s}", "path", path);
	if (js == NULL)
		fatalx("%s: json_pack", __func__);
	if (rs.yaml == NULL)
		json_object_set_new(js, "error", json_string("no such rule "
		    "file"));
	else if (json_is_null(rs.yaml))
		json_object_set_new(js, "error", json_string("the rule file "
		    "is not UTF-8 text"));
	else
		json_object_set(js, "yaml", rs.yaml);
	json_decref(rs.yaml);
	if ((text = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	json_decref(js);
	if (strlen(text) + 1 > SIEMD_MAX_PAYLOAD) {
		free(text);
		js = json_pack("{s:s, s:s}", "path", path, "error",
		    "the rule file is too large to show");
		if (js == NULL || (text = json_dumps(js, JSON_COMPACT)) ==
		    NULL)
			fatalx("%s: json", __func__);
		json_decref(js);
	}
	if (imsgev_compose(iev, IMSG_RULE_SOURCE, 0, -1, text,
	    strlen(text) + 1) == -1)
		log_warn("%s: compose", __func__);
	free(text);
}

static int
parent_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct proc_child	*pc;
	struct file_registered	 freg;
	const char		*json;
	char			*text;

	pc = proc_child_of(&env.ps, iev->role, iev->instance);
	switch (imsg->hdr.type) {
	case IMSG_FILE_REGISTERED:
		if (iev->role != PROC_STORE ||
		    imsg_get_data(imsg, &freg, sizeof(freg)) == -1)
			return (-1);
		tails_registered(&freg);
		break;
	case IMSG_STATUS_REQ:
		if (iev->role != PROC_WEB || imsg->datalen != 0)
			return (-1);
		text = control_status_json();
		if (imsgev_compose(iev, IMSG_STATUS_ALL, 0, -1, text,
		    strlen(text) + 1) == -1)
			log_warn("%s: compose", __func__);
		free(text);
		break;
	case IMSG_ADMIN_RELOAD: {
		char	 msg[2048];
		json_t	*js;
		int	 rv;

		if (iev->role != PROC_WEB || imsg->datalen != 0)
			return (-1);
		rv = parent_reload(msg, sizeof(msg));
		js = json_pack("{s:s,s:s}", "result", rv == RELOAD_FAILED ?
		    "failed" : rv == RELOAD_RULES ? "rules reloaded" :
		    "restarting", "detail", msg);
		if (js == NULL || (text = json_dumps(js, JSON_COMPACT)) == NULL)
			fatalx("%s: json", __func__);
		json_decref(js);
		if (imsgev_compose(iev, IMSG_ADMIN_RELOADED, 0, -1, text,
		    strlen(text) + 1) == -1)
			log_warn("%s: compose", __func__);
		free(text);
		break;
	}
	case IMSG_RULES_STATUS: {
		static json_t	*pending;
		json_t		*all;

		if (iev->role != PROC_CORRELATE ||
		    imsg_get_string(imsg, &json) == -1)
			return (-1);
		if ((all = json_chunks_take(&pending, json,
		    imsg->hdr.peerid)) == NULL)
			break;
		free(env.rules_status);
		if ((env.rules_status = json_dumps(all, JSON_COMPACT)) == NULL)
			fatal("%s: json_dumps", __func__);
		json_decref(all);
		break;
	}
	case IMSG_RULES_REQ: {
		json_t	*all;

		if (iev->role != PROC_WEB || imsg->datalen != 0)
			return (-1);
		if (env.rules_status == NULL ||
		    (all = json_loads(env.rules_status, 0, NULL)) == NULL)
			all = json_array();
		(void)json_chunks_send(iev, IMSG_RULES_ALL, all);
		json_decref(all);
		break;
	}
	case IMSG_RULE_SOURCE_REQ:
		if (iev->role != PROC_WEB ||
		    imsg_get_string(imsg, &json) == -1)
			return (-1);
		parent_rule_source(iev, json);
		break;
	case IMSG_STATUS:
		if (imsg_get_string(imsg, &json) == -1)
			return (-1);
		free(pc->report);
		if ((pc->report = strdup(json)) == NULL)
			fatal("%s: strdup", __func__);
		break;
	default:
		return (-1);
	}
	return (0);
}

static void
parent_status_timer(int fd, short events, void *arg)
{
	struct event	*ev = arg;
	struct timeval	 tv = { SIEMD_STATUS_INTERVAL, 0 };

	/* children push their counters on their own timers */
	silence_check();
	evtimer_add(ev, &tv);
}

/* A digest of every secret, so a reload can tell whether one changed. */
static void
secrets_digest(struct siemd_conf *conf, unsigned char *out)
{
	crypto_generichash_state	 st;
	struct siemd_secret		*s;
	uint32_t			 n;

	crypto_generichash_init(&st, NULL, 0, 32);
	TAILQ_FOREACH(s, &conf->secrets, entry) {
		n = strlen(s->label);
		crypto_generichash_update(&st, (void *)&n, sizeof(n));
		crypto_generichash_update(&st, (void *)s->label, n);
		n = s->len;
		crypto_generichash_update(&st, (void *)&n, sizeof(n));
		crypto_generichash_update(&st, (void *)s->value, s->len);
	}
	crypto_generichash_final(&st, out, 32);
}

/* Does every process but correlate get the same configuration? */
static int
same_processes(struct siemd_conf *a, struct siemd_conf *b)
{
	unsigned char	 digest[32];
	char		*ja, *jb;
	int		 r, same = 1;

	secrets_digest(b, digest);
	if (sodium_memcmp(digest, env.secrets_digest, sizeof(digest)) != 0 ||
	    a->parsers != b->parsers)
		return (0);
	for (r = 0; r < PROC_MAX && same; r++) {
		ja = conf_json(a, r);
		jb = conf_json(b, r);
		if (r == PROC_CORRELATE)
			/* its rules directory is taken up live */
			same = same_but_rules(ja, jb);
		else
			same = ja != NULL && jb != NULL && strcmp(ja, jb) == 0;
		free(ja);
		free(jb);
	}
	return (same);
}

/*
 * SIGHUP: validate the new file first; a bad one changes nothing.  When
 * only the rules may have changed, correlate compiles the new set
 * beside the running one and swaps it: no connection is dropped.  Any
 * other change (listeners, database, users, chroots, secrets) needs
 * processes that start afresh, so the daemon re-executes.
 */
/* Correlate's settings equal but for the rules directory? */
static int
same_but_rules(const char *ja, const char *jb)
{
	json_t	*a, *b;
	int	 same;

	a = ja != NULL ? json_loads(ja, 0, NULL) : NULL;
	b = jb != NULL ? json_loads(jb, 0, NULL) : NULL;
	json_object_del(a, "rules");
	json_object_del(b, "rules");
	same = a != NULL && b != NULL && json_equal(a, b);
	json_decref(a);
	json_decref(b);
	return (same);
}

int
parent_reload(char *errbuf, size_t errlen)
{
	struct siemd_conf	*nconf;
	struct event		*ev;
	struct timeval		 tv = { 0, 300000 };

	log_info("reloading configuration from %s", env.conffile);
	sd_notify("RELOADING=1");
	if ((nconf = parse_config(env.conffile, 0)) == NULL) {
		log_warnx("configuration %s is invalid, keeping the running "
		    "one", env.conffile);
		snprintf(errbuf, errlen, "configuration %s is invalid, "
		    "keeping the running one (see the log)", env.conffile);
		sd_notify("READY=1");
		return (RELOAD_FAILED);
	}
	if (same_processes(env.conf, nconf)) {
		if (rules_verify(nconf, errbuf, errlen) > 0) {
			conf_free(nconf);
			sd_notify("READY=1");
			return (RELOAD_FAILED);
		}
		free(env.conf->rules);
		env.conf->rules = nconf->rules;
		nconf->rules = NULL;
		free(env.conf->rules_mapping);
		env.conf->rules_mapping = nconf->rules_mapping;
		nconf->rules_mapping = NULL;
		free(env.conf->mapping_text);
		env.conf->mapping_text = nconf->mapping_text;
		nconf->mapping_text = NULL;
		conf_free(nconf);
		parent_send_rules(env.conf);
		snprintf(errbuf, errlen, "rules reloaded; the rest of the "
		    "configuration is unchanged");
		sd_notify("READY=1");
		return (RELOAD_RULES);
	}
	conf_free(nconf);
	log_info("configuration changed, restarting processes");
	snprintf(errbuf, errlen, "configuration changed, restarting processes");
	/* a moment for the answer to reach whoever asked */
	if ((ev = evtimer_new(env.evbase, reexec_timer, NULL)) == NULL)
		parent_reexec();
	evtimer_add(ev, &tv);
	return (RELOAD_RESTART);
}

static void
reexec_timer(int fd, short events, void *arg)
{
	parent_reexec();
}

static void
parent_reexec(void)
{
	control_cleanup();
	proc_shutdown(&env.ps);
	closefrom(3);
	execv(env.self, env.saved_argv);
	fatal("execv %s", env.self);
}

static void
parent_shutdown(int status)
{
	log_info("stopping");
	sd_notify("STOPPING=1");
	control_cleanup();
	proc_shutdown(&env.ps);
	log_info("stopped");
	exit(status);
}

static void
parent_sig(int sig, short events, void *arg)
{
	struct proc_child	*pc;
	char			 name[64], errbuf[256];
	int			 failed = 0;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		parent_shutdown(0);
		break;
	case SIGHUP:
		(void)parent_reload(errbuf, sizeof(errbuf));
		break;
	case SIGCHLD:
		while ((pc = proc_reap(&env.ps)) != NULL) {
			proc_name(&env.ps, pc->role, pc->instance, name,
			    sizeof(name));
			if (WIFSIGNALED(pc->status))
				log_warnx("%s (pid %d) killed by signal %s%s",
				    name, (int)pc->pid,
				    strsignal(WTERMSIG(pc->status)),
				    WTERMSIG(pc->status) == SIGSYS ?
				    " (forbidden system call)" : "");
			else
				log_warnx("%s (pid %d) exited with status %d",
				    name, (int)pc->pid,
				    WEXITSTATUS(pc->status));
			failed = 1;
		}
		if (failed) {
			log_warnx("a process died, shutting down");
			parent_shutdown(1);
		}
		break;
	}
}
