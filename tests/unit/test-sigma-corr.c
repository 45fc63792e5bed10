/*
 * The correlation engine (sigma_corr.c) fed directly: synthetic
 * events through sigma_match() into corr_hit(), for each correlation
 * type, window edges, late events, suppression, bounds, chains and
 * aliases; the shipped rules; the specification's own example; and
 * figures: peak RSS with 100,000 groups, events/s with every rule.
 */

#include <sys/resource.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "sigma.h"
#include "sigma_corr.h"
#include "test.h"

#define S	1000000LL		/* µs per second */
#define T0	(1767225600LL * S)	/* 2026-01-01T00:00:00Z */
#define MAXA	4096

struct got {
	char		 title[128];
	char		 group[256];
	int64_t		 fired;
	int64_t		 first;
	int64_t		 last;
	int64_t		 count;
	size_t		 nids;
	int		 update;
};

static struct sigma_map		*map;
static struct sigma_set		*set;
static struct corr_engine	*ce;
static struct sigma_event	*cur_se;
static int64_t			 cur_ts, cur_id;
static struct got		 got[MAXA];
static size_t			 ngot;
static const char		*corpus;

static void
on_alert(const struct corr_alert *a, void *arg)
{
	struct got	*g;

	if (ngot == MAXA)
		return;
	g = &got[ngot++];
	strlcpy(g->title, a->rule->title, sizeof(g->title));
	strlcpy(g->group, a->group, sizeof(g->group));
	g->fired = a->fired;
	g->first = a->first;
	g->last = a->last;
	g->count = a->count;
	g->nids = a->nids;
	g->update = a->update;
}

static void
on_hit(const struct sigma_rule *r, void *arg)
{
	if (r->kind == SIGMA_DETECTION)
		corr_hit(ce, r, cur_se, cur_ts, cur_id, cur_ts);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	if ((buf = malloc(n + 1)) == NULL || fread(buf, 1, n, fp) !=
	    (size_t)n) {
		fclose(fp);
		free(buf);
		return (NULL);
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return (buf);
}

static void
done(void)
{
	corr_free(ce);
	ce = NULL;
	if (set != NULL)
		sigma_set_free(set);
	set = NULL;
	ngot = 0;
}

/* A set of rule texts (NULL-terminated) and files, then the engine. */
static int
setup(const struct corr_params *p, const char *const *texts,
    const char *const *files)
{
	char	*buf, name[32];
	size_t	 len, i;
	int	 ok = 1;

	done();
	if ((set = sigma_set_new(map)) == NULL)
		return (0);
	for (i = 0; texts != NULL && texts[i] != NULL; i++) {
		snprintf(name, sizeof(name), "text%zu.yml", i);
		sigma_set_add_file(set, name, texts[i], strlen(texts[i]));
	}
	for (i = 0; files != NULL && files[i] != NULL; i++) {
		if ((buf = slurp(files[i], &len)) == NULL) {
			printf("cannot read %s\n", files[i]);
			ok = 0;
			continue;
		}
		sigma_set_add_file(set, files[i], buf, len);
		free(buf);
	}
	sigma_set_compile(set);
	ce = corr_new(set, map, p, on_alert, NULL);
	for (i = 0; i < sigma_set_count(set); i++)
		if (sigma_set_rule(set, i)->state != SIGMA_LOADED) {
			printf("rule %s: %s\n", sigma_set_rule(set, i)->path,
			    sigma_set_rule(set, i)->reason);
			ok = 0;
		}
	return (ok);
}

/* Feed one event: app, event_type, src_ip, user, then data k=v. */
static void
feed(int64_t ts, const char *app, const char *type, const char *ip,
    const char *user, const char *dkey, const char *dval)
{
	struct siem_event	 ev;
	struct sigma_event	 se;

	event_init(&ev);
	ev.ts = ts;
	ev.received_at = ts;
	ev.id = ++cur_id;
	event_set(&ev, EV_SOURCE_TYPE, "syslog", 6);
	if (app != NULL)
		event_set(&ev, EV_APP, app, strlen(app));
	if (type != NULL)
		event_set(&ev, EV_EVENT_TYPE, type, strlen(type));
	if (ip != NULL)
		event_set(&ev, EV_SRC_IP, ip, strlen(ip));
	if (user != NULL)
		event_set(&ev, EV_USER_ID, user, strlen(user));
	if (dkey != NULL)
		event_data_setstr(&ev, dkey, dval, strlen(dval));
	sigma_event_from_event(&se, &ev);
	cur_se = &se;
	cur_ts = ts;
	sigma_match(set, &se, on_hit, NULL);
	corr_flush(ce);
	sigma_event_done(&se);
	event_clear(&ev);
}

static void
ssh_fail(int64_t ts, const char *ip, const char *user)
{
	feed(ts, "sshd", "login_failure", ip, user, NULL, NULL);
}

/* Alerts with this title: new ones in *fired, all counts summed. */
static size_t
count_alerts(const char *title, const char *group, int64_t *sum)
{
	size_t	 i, n = 0;

	*sum = 0;
	for (i = 0; i < ngot; i++) {
		if (strcmp(got[i].title, title) != 0 || (group != NULL &&
		    strcmp(got[i].group, group) != 0))
			continue;
		if (!got[i].update)
			n++;
		*sum += got[i].count;
	}
	return (n);
}

static const char *bf_files[] = {
	"etc/rules/linux/sshd_brute_force.yml",
	"etc/rules/linux/sshd_brute_force_then_success.yml",
	"etc/rules/linux/ssh_password_spraying.yml", NULL
};
#define BF	"SSH password brute force"
#define BFS	"SSH brute force followed by a successful login"
#define SPRAY	"SSH password spraying"

static void
test_event_count(void)
{
	int64_t	 sum;
	int	 i;

	TEST_BEGIN("event-count-fires-at-10");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 9; i++)
		ssh_fail(T0 + i * S, "192.0.2.1", "root");
	CHECK_INT(count_alerts(BF, NULL, &sum), 0);
	ssh_fail(T0 + 9 * S, "192.0.2.1", "root");
	CHECK_INT(count_alerts(BF, "src_ip=192.0.2.1", &sum), 1);
	CHECK_INT(sum, 10);
	CHECK_INT(got[0].first, T0);
	CHECK_INT(got[0].last, T0 + 9 * S);
	CHECK_INT(got[0].nids, 10);
	TEST_END();

	TEST_BEGIN("event-count-suppressed-updates-one-alert");
	for (i = 10; i < 200; i++)
		ssh_fail(T0 + i * S, "192.0.2.1", "root");
	CHECK_INT(count_alerts(BF, NULL, &sum), 1);
	CHECK_INT(sum, 200);
	CHECK(got[ngot - 1].update);
	CHECK_INT(got[ngot - 1].fired, got[0].fired);
	TEST_END();

	TEST_BEGIN("event-count-quiet-then-new-alert");
	/* quiet for more than the suppression window (5 minutes) */
	for (i = 0; i < 10; i++)
		ssh_fail(T0 + (200 + 301 + i) * S, "192.0.2.1", "root");
	CHECK_INT(count_alerts(BF, NULL, &sum), 2);
	TEST_END();

	TEST_BEGIN("event-count-bad-spread-out");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 30; i++)
		ssh_fail(T0 + i * 34 * S, "192.0.2.2", "root");
	CHECK_INT(count_alerts(BF, NULL, &sum), 0);
	TEST_END();

	TEST_BEGIN("event-count-bad-other-groups");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 30; i++)
		ssh_fail(T0 + i * S, i % 2 ? "192.0.2.3" : "192.0.2.4",
		    "root");
	for (i = 0; i < 30; i++)
		ssh_fail(T0 + i * S, NULL, "root");	/* no group */
	CHECK_INT(count_alerts(BF, NULL, &sum), 2);
	CHECK(corr_stats(ce)->ungrouped > 0);
	TEST_END();

	TEST_BEGIN("event-count-bad-other-event-types");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 30; i++)
		feed(T0 + i * S, "sshd", "login_success", "192.0.2.5", "a",
		    NULL, NULL);
	for (i = 0; i < 30; i++)
		feed(T0 + i * S, "nginx", "login_failure", "192.0.2.5", "a",
		    NULL, NULL);
	CHECK_INT(count_alerts(BF, NULL, &sum), 0);
	TEST_END();
}

static void
test_window_edges(void)
{
	int64_t	 sum;
	int	 i;

	TEST_BEGIN("window-includes-its-edge");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 9; i++)
		ssh_fail(T0 + i * S, "192.0.2.10", "root");
	ssh_fail(T0 + 300 * S, "192.0.2.10", "root");	/* [0, 300] */
	CHECK_INT(count_alerts(BF, NULL, &sum), 1);
	TEST_END();

	TEST_BEGIN("window-bad-slid-past");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 9; i++)
		ssh_fail(T0 + i * S, "192.0.2.11", "root");
	ssh_fail(T0 + 301 * S, "192.0.2.11", "root");	/* [1, 301]: 9 */
	ssh_fail(T0 + 302 * S, "192.0.2.11", "root");	/* [2, 302]: 9 */
	CHECK_INT(count_alerts(BF, NULL, &sum), 0);
	ssh_fail(T0 + 302 * S, "192.0.2.11", "root");	/* 10 */
	CHECK_INT(count_alerts(BF, NULL, &sum), 1);
	TEST_END();
}

static void
test_late(void)
{
	struct corr_params	 p;
	int64_t			 sum;
	int			 i;

	TEST_BEGIN("late-within-lateness-completes-window");
	corr_params_default(&p);
	CHECK(setup(&p, NULL, bf_files));
	for (i = 0; i < 9; i++)
		ssh_fail(T0 + (100 + i) * S, "192.0.2.20", "root");
	ssh_fail(T0 + 60 * S, "192.0.2.20", "root");	/* 48 s late */
	CHECK_INT(count_alerts(BF, NULL, &sum), 1);
	CHECK_INT(sum, 10);
	CHECK_INT(corr_stats(ce)->late_dropped, 0);
	CHECK_INT(got[0].first, T0 + 60 * S);
	TEST_END();

	TEST_BEGIN("late-bad-beyond-lateness-dropped");
	CHECK(setup(&p, NULL, bf_files));
	for (i = 0; i < 9; i++)
		ssh_fail(T0 + (100 + i) * S, "192.0.2.21", "root");
	ssh_fail(T0 + 40 * S, "192.0.2.21", "root");	/* 68 s late */
	CHECK_INT(count_alerts(BF, NULL, &sum), 0);
	/* once for each of the three correlations it feeds */
	CHECK_INT(corr_stats(ce)->late_dropped, 3);
	TEST_END();

	TEST_BEGIN("late-lateness-configurable");
	p.lateness = 5 * S;
	CHECK(setup(&p, NULL, bf_files));
	for (i = 0; i < 9; i++)
		ssh_fail(T0 + (100 + i) * S, "192.0.2.22", "root");
	ssh_fail(T0 + 100 * S, "192.0.2.22", "root");	/* 8 s late */
	CHECK_INT(corr_stats(ce)->late_dropped, 3);
	ssh_fail(T0 + 105 * S, "192.0.2.22", "root");	/* 3 s late */
	CHECK_INT(corr_stats(ce)->late_dropped, 3);
	CHECK_INT(count_alerts(BF, NULL, &sum), 1);
	TEST_END();
}

static void
test_bounds(void)
{
	struct corr_params	 p;
	char			 ip[32];
	int			 i;

	TEST_BEGIN("bounds-groups-per-rule");
	corr_params_default(&p);
	p.max_groups_rule = 100;
	CHECK(setup(&p, NULL, bf_files));
	for (i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 256, i % 256);
		ssh_fail(T0 + S, ip, "root");
	}
	/* sshd_login_failure feeds three correlations: 300 groups */
	CHECK_INT(corr_stats(ce)->groups, 300);
	CHECK_INT(corr_stats(ce)->evicted, 2700);
	TEST_END();

	TEST_BEGIN("bounds-groups-total");
	corr_params_default(&p);
	p.max_groups = 250;
	CHECK(setup(&p, NULL, bf_files));
	for (i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "10.1.%d.%d", i / 256, i % 256);
		ssh_fail(T0 + S, ip, "root");
	}
	CHECK_INT(corr_stats(ce)->groups, 250);
	CHECK_INT(corr_stats(ce)->groups_peak, 250);
	TEST_END();

	TEST_BEGIN("bounds-hits-per-group");
	corr_params_default(&p);
	p.max_entries = 16;
	CHECK(setup(&p, NULL, bf_files));
	for (i = 0; i < 100; i++)
		ssh_fail(T0 + i * 1000, "192.0.2.30", "root");
	CHECK(corr_stats(ce)->truncated > 0);
	TEST_END();

	TEST_BEGIN("bounds-idle-groups-expire");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 50; i++) {
		snprintf(ip, sizeof(ip), "10.2.0.%d", i);
		ssh_fail(T0 + S, ip, "root");
	}
	/* a day later in processing time */
	for (i = 0; i < 20; i++)
		ssh_fail(T0 + 86400 * S + i, "192.0.2.31", "root");
	CHECK(corr_stats(ce)->expired >= 100);
	CHECK(corr_stats(ce)->groups < 60);
	TEST_END();
}

static void
test_chain(void)
{
	int64_t	 sum;
	int	 i;

	TEST_BEGIN("chain-brute-force-then-success");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 12; i++)
		ssh_fail(T0 + i * S, "192.0.2.40", "root");
	feed(T0 + 100 * S, "sshd", "login_success", "192.0.2.40", "root",
	    NULL, NULL);
	CHECK_INT(count_alerts(BFS, "src_ip=192.0.2.40", &sum), 1);
	CHECK_INT(count_alerts(BF, "src_ip=192.0.2.40", &sum), 1);
	/* the stage that repeats the brute force raises nothing itself */
	CHECK_INT(count_alerts("SSH failures counted before a success", NULL,
	    &sum), 0);
	CHECK_INT(count_alerts("SSH login success", NULL, &sum), 0);
	TEST_END();

	TEST_BEGIN("chain-bad-success-first");
	CHECK(setup(NULL, NULL, bf_files));
	feed(T0, "sshd", "login_success", "192.0.2.41", "root", NULL, NULL);
	for (i = 0; i < 12; i++)
		ssh_fail(T0 + (1 + i) * S, "192.0.2.41", "root");
	CHECK_INT(count_alerts(BFS, NULL, &sum), 0);
	TEST_END();

	TEST_BEGIN("chain-bad-success-elsewhere");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 12; i++)
		ssh_fail(T0 + i * S, "192.0.2.42", "root");
	feed(T0 + 100 * S, "sshd", "login_success", "192.0.2.43", "root",
	    NULL, NULL);
	CHECK_INT(count_alerts(BFS, NULL, &sum), 0);
	TEST_END();

	TEST_BEGIN("chain-bad-success-too-late");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 10; i++)
		ssh_fail(T0 + i * S, "192.0.2.44", "root");
	feed(T0 + (9 + 601) * S, "sshd", "login_success", "192.0.2.44",
	    "root", NULL, NULL);
	CHECK_INT(count_alerts(BFS, NULL, &sum), 0);
	TEST_END();
}

static void
test_value_count(void)
{
	char	 user[16];
	int64_t	 sum;
	int	 i;

	TEST_BEGIN("value-count-five-users");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 5; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		ssh_fail(T0 + i * 60 * S, "192.0.2.50", user);
	}
	CHECK_INT(count_alerts(SPRAY, "src_ip=192.0.2.50", &sum), 1);
	TEST_END();

	TEST_BEGIN("value-count-bad-same-user");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 8; i++)
		ssh_fail(T0 + i * 60 * S, "192.0.2.51", "root");
	CHECK_INT(count_alerts(SPRAY, NULL, &sum), 0);
	TEST_END();

	TEST_BEGIN("value-count-bad-users-spread-out");
	CHECK(setup(NULL, NULL, bf_files));
	for (i = 0; i < 8; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		ssh_fail(T0 + i * 151 * S, "192.0.2.52", user);
	}
	CHECK_INT(count_alerts(SPRAY, NULL, &sum), 0);
	TEST_END();
}

/* MoneyControl payments: amount in data_json, per user. */
static const char *pay_base =
	"title: Payment\n"
	"name: payment\n"
	"logsource:\n    product: moneycontrol\n"
	"detection:\n    sel:\n        event_type: payment\n"
	"    condition: sel\n";

static const char *
corr_text(char *buf, size_t len, const char *type, const char *cond)
{
	snprintf(buf, len, "title: C %s\n"
	    "correlation:\n    type: %s\n    rules: [payment]\n"
	    "    group-by: [user_id]\n    timespan: 1h\n"
	    "    condition:\n%s", type, type, cond);
	return (buf);
}

static void
pay(int64_t ts, const char *user, const char *amount)
{
	feed(ts, "MoneyControl", "payment", "198.51.100.1", user, "amount",
	    amount);
}

static void
test_values(void)
{
	const char	*texts[3] = { NULL, NULL, NULL };
	char		 buf[512];
	int64_t		 sum;
	int		 i;

	texts[0] = pay_base;
	texts[1] = corr_text(buf, sizeof(buf), "value_sum",
	    "        field: amount\n        gt: 1000\n");

	TEST_BEGIN("value-sum-over-limit");
	CHECK(setup(NULL, texts, NULL));
	pay(T0, "alice", "400");
	pay(T0 + S, "alice", "400.5");
	CHECK_INT(count_alerts("C value_sum", NULL, &sum), 0);
	pay(T0 + 2 * S, "alice", "300");
	CHECK_INT(count_alerts("C value_sum", "user_id=alice", &sum), 1);
	TEST_END();

	TEST_BEGIN("value-sum-bad-not-numbers-or-apart");
	CHECK(setup(NULL, texts, NULL));
	pay(T0, "bob", "900");
	pay(T0 + S, "bob", "lots");
	pay(T0 + 3601 * S, "bob", "900");
	pay(T0 + 3602 * S, "carol", "900");
	CHECK_INT(count_alerts("C value_sum", NULL, &sum), 0);
	CHECK(corr_stats(ce)->ungrouped >= 1);
	TEST_END();

	TEST_BEGIN("value-avg");
	texts[1] = corr_text(buf, sizeof(buf), "value_avg",
	    "        field: amount\n        gt: 500\n        lte: 2000\n");
	CHECK(setup(NULL, texts, NULL));
	pay(T0, "dave", "100");
	pay(T0 + S, "dave", "200");
	CHECK_INT(count_alerts("C value_avg", NULL, &sum), 0);
	pay(T0 + 2 * S, "dave", "3000");	/* avg 1100 */
	CHECK_INT(count_alerts("C value_avg", "user_id=dave", &sum), 1);
	pay(T0, "erin", "5000");		/* avg 5000 > 2000 */
	CHECK_INT(count_alerts("C value_avg", "user_id=erin", &sum), 0);
	TEST_END();

	TEST_BEGIN("value-percentile-rare-value");
	texts[1] = corr_text(buf, sizeof(buf), "value_percentile",
	    "        field: amount\n        lte: 5\n");
	CHECK(setup(NULL, texts, NULL));
	for (i = 0; i < 30; i++)
		pay(T0 + i * S, "frank", "10");
	CHECK_INT(count_alerts("C value_percentile", NULL, &sum), 0);
	pay(T0 + 31 * S, "frank", "99999");	/* 1 in 31: 3.2% */
	CHECK_INT(count_alerts("C value_percentile", "user_id=frank", &sum),
	    1);
	TEST_END();

	TEST_BEGIN("value-percentile-bad-common-value");
	CHECK(setup(NULL, texts, NULL));
	for (i = 0; i < 10; i++)
		pay(T0 + i * S, "gina", i % 2 ? "10" : "20");
	CHECK_INT(count_alerts("C value_percentile", NULL, &sum), 0);
	TEST_END();

	/* repeats are one value each; the count stops at the bound */
	TEST_BEGIN("value-count-repeats-counted-once");
	texts[1] = corr_text(buf, sizeof(buf), "value_count",
	    "        field: amount\n        gt: 3\n");
	CHECK(setup(NULL, texts, NULL));
	for (i = 0; i < 600; i++)
		pay(T0 + i * S, "ivan", i % 3 == 0 ? "1" : i % 3 == 1 ?
		    "2" : "3");
	CHECK_INT(count_alerts("C value_count", NULL, &sum), 0);
	pay(T0 + 600 * S, "ivan", "4");		/* the fourth value */
	CHECK_INT(count_alerts("C value_count", "user_id=ivan", &sum), 1);
	TEST_END();

	/* an upper bound: every value is counted, none skipped */
	TEST_BEGIN("value-count-upper-bound");
	texts[1] = corr_text(buf, sizeof(buf), "value_count",
	    "        field: amount\n        gte: 3\n        lte: 3\n");
	CHECK(setup(NULL, texts, NULL));
	pay(T0, "judy", "1");
	pay(T0 + S, "judy", "2");
	pay(T0 + 2 * S, "judy", "2");
	CHECK_INT(count_alerts("C value_count", NULL, &sum), 0);
	pay(T0 + 3 * S, "judy", "3");
	CHECK_INT(count_alerts("C value_count", "user_id=judy", &sum), 1);
	TEST_END();

	/* more hits than a group keeps: skipped with the reason */
	TEST_BEGIN("count-beyond-kept-hits-skipped");
	texts[1] = corr_text(buf, sizeof(buf), "event_count",
	    "        gte: 5000\n");
	CHECK(!setup(NULL, texts, NULL));
	CHECK_INT(sigma_set_rule(set, 1)->state, SIGMA_SKIPPED);
	CHECK(strstr(sigma_set_rule(set, 1)->reason, "1024") != NULL);
	texts[1] = corr_text(buf, sizeof(buf), "value_count",
	    "        field: amount\n        gte: 1024\n");
	CHECK(setup(NULL, texts, NULL));
	TEST_END();

	TEST_BEGIN("event-count-eq-neq-combined");
	texts[1] = corr_text(buf, sizeof(buf), "event_count",
	    "        gte: 2\n        neq: 3\n        lt: 5\n");
	CHECK(setup(NULL, texts, NULL));
	pay(T0, "hank", "1");
	CHECK_INT(count_alerts("C event_count", NULL, &sum), 0);
	pay(T0 + S, "hank", "1");		/* 2: fires */
	CHECK_INT(count_alerts("C event_count", NULL, &sum), 1);
	TEST_END();
}

static const char *temporal_text =
	"title: Fail\nname: fail\n"
	"logsource:\n    product: linux\n    service: sshd\n"
	"detection:\n    sel:\n        event_type: login_failure\n"
	"    condition: sel\n"
	"---\n"
	"title: Blocked\nname: blocked\n"
	"logsource:\n    category: firewall\n"
	"detection:\n    sel:\n        event_type: firewall_block\n"
	"    condition: sel\n"
	"---\n"
	"title: Probe and guess\n"
	"correlation:\n    type: %s\n    rules: [blocked, fail]\n"
	"    group-by: [attacker]\n    timespan: 1m\n"
	"    aliases:\n        attacker:\n"
	"            blocked: src_ip\n            fail: SourceIp\n";

static void
test_temporal(void)
{
	const char	*texts[2] = { NULL, NULL };
	char		 buf[1024];
	int64_t		 sum;

	snprintf(buf, sizeof(buf), temporal_text, "temporal");
	texts[0] = buf;

	TEST_BEGIN("temporal-any-order-with-aliases");
	CHECK(setup(NULL, texts, NULL));
	ssh_fail(T0, "192.0.2.60", "root");
	CHECK_INT(count_alerts("Probe and guess", NULL, &sum), 0);
	feed(T0 + 30 * S, "kernel", "firewall_block", "192.0.2.60", NULL,
	    NULL, NULL);
	CHECK_INT(count_alerts("Probe and guess", "attacker=192.0.2.60",
	    &sum), 1);
	CHECK_INT(sum, 2);
	TEST_END();

	TEST_BEGIN("temporal-bad-apart-or-other-address");
	CHECK(setup(NULL, texts, NULL));
	ssh_fail(T0, "192.0.2.61", "root");
	feed(T0 + 61 * S, "kernel", "firewall_block", "192.0.2.61", NULL,
	    NULL, NULL);
	feed(T0 + 62 * S, "kernel", "firewall_block", "192.0.2.62", NULL,
	    NULL, NULL);
	ssh_fail(T0 + 62 * S, "192.0.2.63", "root");
	CHECK_INT(count_alerts("Probe and guess", NULL, &sum), 0);
	TEST_END();

	snprintf(buf, sizeof(buf), temporal_text, "temporal_ordered");
	TEST_BEGIN("temporal-ordered-in-order");
	CHECK(setup(NULL, texts, NULL));
	feed(T0, "kernel", "firewall_block", "192.0.2.64", NULL, NULL, NULL);
	ssh_fail(T0 + 10 * S, "192.0.2.64", "root");
	CHECK_INT(count_alerts("Probe and guess", NULL, &sum), 1);
	TEST_END();

	TEST_BEGIN("temporal-ordered-bad-wrong-order");
	CHECK(setup(NULL, texts, NULL));
	ssh_fail(T0, "192.0.2.65", "root");
	feed(T0 + 10 * S, "kernel", "firewall_block", "192.0.2.65", NULL,
	    NULL, NULL);
	CHECK_INT(count_alerts("Probe and guess", NULL, &sum), 0);
	TEST_END();

	TEST_BEGIN("temporal-ordered-late-event-in-order");
	CHECK(setup(NULL, texts, NULL));
	ssh_fail(T0 + 10 * S, "192.0.2.66", "root");
	/* arrives second, happened first: in order in event time */
	feed(T0, "kernel", "firewall_block", "192.0.2.66", NULL, NULL, NULL);
	CHECK_INT(count_alerts("Probe and guess", NULL, &sum), 1);
	TEST_END();

	TEST_BEGIN("corr-bad-alias-unknown-rule-skipped");
	texts[0] = "title: Fail\nname: fail\n"
	    "logsource:\n    product: linux\n    service: sshd\n"
	    "detection:\n    sel:\n        event_type: login_failure\n"
	    "    condition: sel\n"
	    "---\n"
	    "title: Odd\n"
	    "correlation:\n    type: event_count\n    rules: [fail]\n"
	    "    group-by: [who]\n    timespan: 1m\n"
	    "    condition:\n        gte: 2\n"
	    "    aliases:\n        who:\n            other: src_ip\n"
	    "---\n"
	    "title: Odd field\n"
	    "correlation:\n    type: event_count\n    rules: [fail]\n"
	    "    group-by: [NoSuchField]\n    timespan: 1m\n"
	    "    condition:\n        gte: 2\n";
	CHECK(!setup(NULL, texts, NULL));
	CHECK_INT(sigma_set_rule(set, 1)->state, SIGMA_SKIPPED);
	CHECK(strstr(sigma_set_rule(set, 1)->reason, "alias") != NULL);
	CHECK_INT(sigma_set_rule(set, 2)->state, SIGMA_SKIPPED);
	CHECK(strstr(sigma_set_rule(set, 2)->reason, "NoSuchField") != NULL);
	CHECK_INT(corr_rules(ce), 0);
	TEST_END();
}

static void
test_quiet(void)
{
	int64_t	 sum;
	int	 i;

	TEST_BEGIN("quiet-replay-rebuilds-without-alerts");
	CHECK(setup(NULL, NULL, bf_files));
	corr_set_quiet(ce, 1);
	for (i = 0; i < 12; i++)
		ssh_fail(T0 + i * S, "192.0.2.70", "root");
	CHECK_INT(count_alerts(BF, NULL, &sum), 0);
	corr_set_quiet(ce, 0);
	ssh_fail(T0 + 20 * S, "192.0.2.70", "root");
	/* the alert the replay rebuilt is updated, not raised again */
	CHECK_INT(count_alerts(BF, NULL, &sum), 0);
	CHECK_INT(ngot, 1);
	CHECK(ngot == 1 && got[0].update && got[0].count == 1 &&
	    got[0].fired == T0 + 9 * S);
	CHECK(corr_span(ce) >= 25 * 60 * S);
	TEST_END();
}

/* The specification's "Failed Logins Followed by Successful Login". */
static void
test_spec(void)
{
	struct sigma_map	*saved = map;
	const char		*files[2] = { NULL, NULL };
	char			 path[1024], *mtext, ev[8];
	const char		*add =
	    "\n    - name: windows-security\n"
	    "      product: windows\n      service: security\n"
	    "      when:\n          - app: winsec\n"
	    "      fields:\n          EventID: data.EventID\n"
	    "          User: user_id\n";
	static const char	*schema[] = { "event_count", "value_count",
	    "temporal", "temporal_ordered", "value_sum", "value_avg",
	    "value_percentile", NULL };
	struct sigma_set	*s;
	struct sigma_rule	*r;
	char			 err[256], *buf;
	size_t			 len, i;
	int64_t			 sum;
	int			 k;

	if (corpus == NULL) {
		printf("SKIP spec-examples: no corpus (../shared/corpus or "
		    "SIEMD_CORPUS)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/sigma-spec/extracted_examples/"
	    "sigma-correlation-rules_example16.yml", corpus);
	files[0] = path;
	len = strlen(sigma_map_default_text()) + strlen(add) + 1;
	if ((mtext = malloc(len)) == NULL)
		return;
	snprintf(mtext, len, "%s%s", sigma_map_default_text(), add);
	map = sigma_map_load_buf(mtext, strlen(mtext), err, sizeof(err));
	free(mtext);

	TEST_BEGIN("spec-failed-logins-then-success-loads");
	CHECK(map != NULL);
	if (map == NULL) {
		map = saved;
		TEST_END();
		return;
	}
	CHECK(setup(NULL, NULL, files));
	TEST_END();

	TEST_BEGIN("spec-failed-logins-then-success-fires");
	for (k = 0; k < 10; k++) {
		snprintf(ev, sizeof(ev), "%d", k % 2 ? 4625 : 529);
		feed(T0 + k * 30 * S, "winsec", NULL, NULL, "bob", "EventID",
		    ev);
	}
	feed(T0 + 400 * S, "winsec", NULL, NULL, "bob", "EventID", "4624");
	CHECK_INT(count_alerts("Correlation - Multiple Failed Logins "
	    "Followed by Successful Login", "User=bob", &sum), 1);
	/* generate is false by default: the stages raise nothing */
	CHECK_INT(count_alerts("Multiple failed logons", NULL, &sum), 0);
	CHECK_INT(count_alerts("Successful login", NULL, &sum), 0);
	CHECK_INT(count_alerts("Single failed login", NULL, &sum), 0);
	TEST_END();

	TEST_BEGIN("spec-bad-nine-failures-then-success");
	CHECK(setup(NULL, NULL, files));
	for (k = 0; k < 9; k++)
		feed(T0 + k * S, "winsec", NULL, NULL, "eve", "EventID",
		    "4625");
	feed(T0 + 60 * S, "winsec", NULL, NULL, "eve", "EventID", "4624");
	CHECK_INT(ngot, 0);
	TEST_END();

	TEST_BEGIN("spec-bad-success-for-another-user");
	CHECK(setup(NULL, NULL, files));
	for (k = 0; k < 10; k++)
		feed(T0 + k * S, "winsec", NULL, NULL, "mallory", "EventID",
		    "4625");
	feed(T0 + 60 * S, "winsec", NULL, NULL, "trent", "EventID", "4624");
	CHECK_INT(ngot, 0);
	TEST_END();
	done();
	sigma_map_free(map);
	map = saved;

	/* the schema tests: each correlation type parses as named */
	for (i = 0; schema[i] != NULL; i++) {
		snprintf(path, sizeof(path), "spec-schema-%s", schema[i]);
		TEST_BEGIN(path);
		snprintf(path, sizeof(path), "%s/sigma-spec/tests/schema/"
		    "correlation/%s.yml", corpus, schema[i]);
		buf = slurp(path, &len);
		CHECK(buf != NULL);
		if (buf != NULL) {
			s = sigma_set_new(map);
			sigma_set_add_file(s, path, buf, len);
			sigma_set_compile(s);
			r = sigma_set_rule(s, 0);
			CHECK(r != NULL && r->kind == SIGMA_CORRELATION);
			if (r != NULL && r->corr != NULL)
				CHECK_STR(sigma_corr_type_name(r->corr->type),
				    schema[i]);
			sigma_set_free(s);
			free(buf);
		}
		TEST_END();
	}
}

static long
peak_rss_kb(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_maxrss);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Every shipped rule file under etc/rules. */
static size_t
shipped(char **paths, size_t max)
{
	static const char	*dirs[] = { "etc/rules/linux",
	    "etc/rules/web", "etc/rules/moneycontrol", NULL };
	struct dirent		*de;
	DIR			*d;
	size_t			 n = 0, i;

	for (i = 0; dirs[i] != NULL; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL && n < max - 1)
			if (strstr(de->d_name, ".yml") != NULL &&
			    asprintf(&paths[n], "%s/%s", dirs[i],
			    de->d_name) != -1)
				n++;
		closedir(d);
	}
	paths[n] = NULL;
	return (n);
}

static void
test_figures(void)
{
	struct corr_params	 p;
	char			*paths[64], ip[32], user[16], port[8];
	long			 before, after;
	double			 t;
	size_t			 n, i;
	int			 k;

	TEST_BEGIN("figures-100k-groups");
	corr_params_default(&p);
	p.max_groups_rule = 200000;
	p.max_groups = 200000;
	CHECK(setup(&p, NULL, bf_files));
	before = peak_rss_kb();
	t = now_s();
	for (k = 0; k < 100000 / 3 + 1; k++) {
		/* each failure opens a group in each of 3 correlations */
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", k >> 16,
		    (k >> 8) & 255, k & 255);
		ssh_fail(T0 + k, ip, "root");
	}
	t = now_s() - t;
	after = peak_rss_kb();
	CHECK(corr_stats(ce)->groups >= 100000);
	printf("peak RSS %ld KB (%ld KB before the groups) with %llu "
	    "groups: %.0f bytes a group; %.0f hits/s\n", after, before,
	    (unsigned long long)corr_stats(ce)->groups,
	    (after - before) * 1024.0 / corr_stats(ce)->groups,
	    corr_stats(ce)->hits / t);
	TEST_END();

	TEST_BEGIN("figures-events-per-second-all-rules");
	n = shipped(paths, 64);
	CHECK(n >= 11);
	CHECK(setup(NULL, NULL, (const char *const *)paths));
	t = now_s();
	for (k = 0; k < 200000; k++) {
		snprintf(ip, sizeof(ip), "10.3.%d.%d", (k / 7) % 200,
		    (k / 13) % 250);
		snprintf(user, sizeof(user), "u%d", k % 37);
		snprintf(port, sizeof(port), "%d", k % 1024);
		switch (k % 4) {
		case 0:
			ssh_fail(T0 + k * 1000LL, ip, user);
			break;
		case 1:
			feed(T0 + k * 1000LL, "kernel", "firewall_block", ip,
			    NULL, "x", port);
			break;
		case 2:
			feed(T0 + k * 1000LL, "MoneyControl",
			    "auth_oauth_google_login_failed", ip, user, NULL,
			    NULL);
			break;
		default:
			feed(T0 + k * 1000LL, "cron", "cron_command", NULL,
			    "root", NULL, NULL);
			break;
		}
	}
	t = now_s() - t;
	printf("%d events through %zu rule files: %.0f events/s; %llu "
	    "alerts, %llu groups\n", k, n, k / t, (unsigned long long)ngot,
	    (unsigned long long)corr_stats(ce)->groups);
	for (i = 0; i < n; i++)
		free(paths[i]);
	TEST_END();
	done();
}

int
main(void)
{
	static char	 dir[1024];
	const char	*cenv;
	DIR		*d;

	log_init(0, 0);
	if ((map = sigma_map_default()) == NULL) {
		printf("FAIL sigma-corr: the default mapping does not load\n");
		return (1);
	}
	cenv = getenv("SIEMD_CORPUS");
	snprintf(dir, sizeof(dir), "%s", cenv ? cenv : "../shared/corpus");
	if ((d = opendir(dir)) != NULL) {
		closedir(d);
		corpus = dir;
	}
	test_event_count();
	test_window_edges();
	test_late();
	test_bounds();
	test_chain();
	test_value_count();
	test_values();
	test_temporal();
	test_quiet();
	test_spec();
	test_figures();
	done();
	sigma_map_free(map);
	TEST_EXIT();
}
