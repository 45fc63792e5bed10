/*
 * Rate baselines and new-value detection (sigma_base.c) fed directly:
 * the siemd: section's parsing and its refusals, the mean and sigma
 * of the trailing buckets, the min-count floor, bucket rollover over
 * gaps, late hits, one alert per run of anomalous buckets, quiet
 * replays, the learning period, eviction, and the shipped rules.
 * Secrets by entropy: the section's parsing, which tokens are secrets
 * and which are not, and the masked value an alert shows.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "sigma.h"
#include "sigma_corr.h"
#include "sigma_base.h"
#include "test.h"

#define S	1000000LL		/* µs per second */
#define T0	(1767225600LL * S)	/* 2026-01-01T00:00:00Z */
#define MAXA	1024

struct got {
	char		 title[128];
	char		 group[256];
	char		 detail[512];
	int64_t		 fired;
	int64_t		 first;
	int64_t		 last;
	int64_t		 count;
	size_t		 nids;
	int		 update;
};

static struct sigma_map		*map;
static struct sigma_set		*set;
static struct base_engine	*be;
static struct got		 got[MAXA];
static size_t			 ngot;
static int64_t			 cur_id;

static void
on_alert(const struct corr_alert *a, void *arg)
{
	struct got	*g;

	if (ngot == MAXA)
		return;
	g = &got[ngot++];
	strlcpy(g->title, a->rule->title, sizeof(g->title));
	strlcpy(g->group, a->group, sizeof(g->group));
	strlcpy(g->detail, a->detail ? a->detail : "", sizeof(g->detail));
	g->fired = a->fired;
	g->first = a->first;
	g->last = a->last;
	g->count = a->count;
	g->nids = a->nids;
	g->update = a->update;
}

static void
done(void)
{
	base_free(be);
	be = NULL;
	if (set != NULL)
		sigma_set_free(set);
	set = NULL;
	ngot = 0;
}

/* One rule text (or a file); 1 when every rule loaded. */
static int
setup(const struct base_params *p, const char *text, const char *file)
{
	FILE	*fp;
	char	*buf = NULL;
	long	 n;
	size_t	 i;
	int	 ok = 1;

	done();
	if ((set = sigma_set_new(map)) == NULL)
		return (0);
	if (text != NULL)
		sigma_set_add_file(set, "text.yml", text, strlen(text));
	if (file != NULL) {
		if ((fp = fopen(file, "r")) == NULL)
			return (0);
		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		rewind(fp);
		if ((buf = malloc(n + 1)) == NULL ||
		    fread(buf, 1, n, fp) != (size_t)n) {
			fclose(fp);
			free(buf);
			return (0);
		}
		fclose(fp);
		sigma_set_add_file(set, file, buf, n);
		free(buf);
	}
	sigma_set_compile(set);
	be = base_new(set, p, on_alert, NULL);
	for (i = 0; i < sigma_set_count(set); i++)
		if (sigma_set_rule(set, i)->state != SIGMA_LOADED) {
			printf("rule %s: %s\n", sigma_set_rule(set, i)->path,
			    sigma_set_rule(set, i)->reason);
			ok = 0;
		}
	return (ok);
}

static void
on_hit(const struct sigma_rule *r, void *arg)
{
	struct sigma_event	*se = ((void **)arg)[0];
	const int64_t		*t = ((void **)arg)[1];

	if (r->ext != NULL)
		base_hit(be, r, se, t[0], t[2], t[1]);
}

/* One event: app, event_type, user_id, src_ip; ts and received_at. */
static void
feed2(int64_t ts, int64_t rcv, const char *app, const char *type,
    const char *user, const char *ip)
{
	struct siem_event	 ev;
	struct sigma_event	 se;
	int64_t			 t[3];
	void			*arg[2];

	event_init(&ev);
	ev.ts = ts;
	ev.received_at = rcv;
	ev.id = ++cur_id;
	event_set(&ev, EV_SOURCE_TYPE, "syslog", 6);
	event_set(&ev, EV_APP, app, strlen(app));
	event_set(&ev, EV_EVENT_TYPE, type, strlen(type));
	if (user != NULL)
		event_set(&ev, EV_USER_ID, user, strlen(user));
	if (ip != NULL)
		event_set(&ev, EV_SRC_IP, ip, strlen(ip));
	sigma_event_from_event(&se, &ev);
	t[0] = ts;
	t[1] = rcv;
	t[2] = ev.id;
	arg[0] = &se;
	arg[1] = t;
	sigma_match(set, &se, on_hit, arg);
	base_flush(be);
	sigma_event_done(&se);
	event_clear(&ev);
}

/* n permission denials for user at ts (received then too). */
static void
denied(int n, int64_t ts, const char *user)
{
	int	 i;

	for (i = 0; i < n; i++)
		feed2(ts, ts, "MoneyControl", "permission_denied", user, NULL);
}

static size_t
alerts(const char *group, int update, int64_t *sum)
{
	size_t	 i, n = 0;

	if (sum != NULL)
		*sum = 0;
	for (i = 0; i < ngot; i++) {
		if (group != NULL && strcmp(got[i].group, group) != 0)
			continue;
		if (got[i].update != update)
			continue;
		n++;
		if (sum != NULL)
			*sum += got[i].count;
	}
	return (n);
}

static int
near(double a, double b)
{
	return (a - b < 1e-9 && b - a < 1e-9);
}

/* A baseline over permission denials; %s: the siemd: section body. */
static const char *bl_head =
    "title: denials\n"
    "id: 7a0c6f0e-6d7c-4b33-9f0e-0d1c2b3a4f50\n"
    "logsource: {product: moneycontrol}\n"
    "detection: {selection: {event_type: permission_denied}, "
    "condition: selection}\n"
    "siemd:\n";

static int
bl_setup(const struct base_params *p, const char *body)
{
	char	 text[2048];

	snprintf(text, sizeof(text), "%s%s", bl_head, body);
	return (setup(p, text, NULL));
}

static const struct sigma_rule *
rule0(void)
{
	return (sigma_set_rule(set, 0));
}

static void
test_parse_bad(void)
{
	static const struct {
		const char	*body;
		const char	*reason;	/* a part of it */
		enum sigma_state state;
	} cases[] = {
		{ "  baseline: {bucket: 1m}\n", "window missing",
		    SIGMA_INVALID },
		{ "  baseline: {window: 1h}\n", "bucket missing",
		    SIGMA_INVALID },
		{ "  baseline: {bucket: 7m, window: 1h}\n",
		    "not a whole number of buckets", SIGMA_INVALID },
		{ "  baseline: {bucket: 1h, window: 1h}\n",
		    "window must hold 2 to", SIGMA_INVALID },
		{ "  baseline: {bucket: 1s, window: 1h}\n",
		    "window must hold 2 to", SIGMA_INVALID },
		{ "  baseline: {bucket: 5x, window: 1h}\n",
		    "bucket '5x' is not a duration", SIGMA_INVALID },
		{ "  baseline: {bucket: 0, window: 1h}\n",
		    "bucket '0' is not a duration", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h, k: -1}\n",
		    "k must be a number", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h, k: lots}\n",
		    "k must be a number", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h, min-count: 0}\n",
		    "min-count must be", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h, min-count: 2.5}\n",
		    "min-count must be", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h, mincount: 3}\n",
		    "unknown key 'mincount'", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h, fields: [src_ip]}\n",
		    "unknown key 'fields'", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h, learn: soon}\n",
		    "learn 'soon' is not a duration", SIGMA_INVALID },
		{ "  baseline: [bucket, window]\n",
		    "siemd: baseline: expected a map", SIGMA_INVALID },
		{ "  spike: {bucket: 1m, window: 1h}\n",
		    "unknown detection 'spike'", SIGMA_INVALID },
		{ "  baseline: {bucket: 1m, window: 1h}\n"
		  "  new-value: {fields: [src_ip], learn: 0}\n",
		    "one key", SIGMA_INVALID },
		{ "  new-value: {learn: 1d}\n", "fields missing",
		    SIGMA_INVALID },
		{ "  new-value: {fields: [], learn: 1d}\n", "fields is empty",
		    SIGMA_INVALID },
		{ "  new-value: {fields: [src_ip]}\n", "learn missing",
		    SIGMA_INVALID },
		{ "  new-value: {fields: [src_ip], learn: 1d, bucket: 1m}\n",
		    "unknown key 'bucket'", SIGMA_INVALID },
		{ "  new-value: {fields: [a, b, c, d, e], group-by: [f, g, h, "
		  "i], learn: 0}\n", "more than 8", SIGMA_INVALID },
	};
	static const char *unmapped[] = {
		"siemd: {new-value: {fields: [NoSuchField], learn: 0}}\n",
		"siemd: {baseline: {group-by: [NoSuchField], bucket: 1m, "
		"window: 1h}}\n",
	};
	const char	*corr =
	    "title: c\n"
	    "correlation: {type: event_count, rules: [x], timespan: 1m, "
	    "condition: {gte: 2}}\n"
	    "siemd: {new-value: {fields: [src_ip], learn: 0}}\n";
	char		 name[64], text[1024];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "siemd-section-bad-%zu", i + 1);
		TEST_BEGIN(name);
		CHECK(!bl_setup(NULL, cases[i].body));
		CHECK_INT(rule0()->state, cases[i].state);
		if (strstr(rule0()->reason, cases[i].reason) == NULL)
			printf("FAIL %s: reason \"%s\" lacks \"%s\"\n", name,
			    rule0()->reason, cases[i].reason), test_failed =
			    test_case_failed = 1;
		if (strncmp(rule0()->reason, "siemd:", 6) != 0)
			printf("FAIL %s: reason \"%s\" does not name the "
			    "section\n", name, rule0()->reason),
			    test_failed = test_case_failed = 1;
		CHECK_INT(base_rules(be), 0);
		TEST_END();
	}

	/* sshd maps no field it does not know (moneycontrol passes data.*) */
	for (i = 0; i < sizeof(unmapped) / sizeof(unmapped[0]); i++) {
		snprintf(name, sizeof(name), "siemd-section-bad-unmapped-%zu",
		    i + 1);
		TEST_BEGIN(name);
		snprintf(text, sizeof(text), "title: t\n"
		    "logsource: {product: linux, service: sshd}\n"
		    "detection: {sel: {event_type: login_success}, "
		    "condition: sel}\n%s", unmapped[i]);
		CHECK(!setup(NULL, text, NULL));
		CHECK_INT(rule0()->state, SIGMA_SKIPPED);
		CHECK(strstr(rule0()->reason, "field NoSuchField not "
		    "mapped") != NULL);
		CHECK(strncmp(rule0()->reason, "siemd: ", 7) == 0);
		CHECK_INT(base_rules(be), 0);
		TEST_END();
	}

	TEST_BEGIN("siemd-section-bad-in-correlation");
	CHECK(!setup(NULL, corr, NULL));
	CHECK_INT(rule0()->state, SIGMA_INVALID);
	CHECK(strstr(rule0()->reason, "only a detection rule") != NULL);
	TEST_END();
}

static void
test_parse_ok(void)
{
	const struct sigma_ext	*x;

	TEST_BEGIN("siemd-section-baseline-defaults");
	CHECK(bl_setup(NULL, "  baseline: {bucket: 5m, window: 1d}\n"));
	x = rule0()->ext;
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->type, SIGMA_EXT_BASELINE);
		CHECK_INT(x->bucket, 300);
		CHECK_INT(x->window, 86400);
		CHECK(near(x->k, 3));
		CHECK_INT(x->min_count, 10);
		CHECK_INT(x->learn, 0);
		CHECK_INT(x->ngroup_by, 0);
	}
	CHECK_INT(rule0()->standalone, 0);
	CHECK_INT(base_rules(be), 1);
	/* a replay must bring back the window and a bucket */
	CHECK(base_span(be) >= (86400 + 300) * S);
	TEST_END();

	TEST_BEGIN("siemd-section-new-value-mapped");
	CHECK(setup(NULL, "title: nv\n"
	    "logsource: {product: linux, service: sshd}\n"
	    "detection: {sel: {event_type: login_success}, condition: sel}\n"
	    "siemd: {new-value: {group-by: User, fields: [SourceIp], "
	    "learn: 0}}\n", NULL));
	x = rule0()->ext;
	CHECK(x != NULL && x->type == SIGMA_EXT_NEW_VALUE);
	/* Sigma names through the logsource: User is user_id here */
	CHECK(x != NULL && x->ngroup_by == 1 && x->nfields == 1 &&
	    x->group_t[0].kind == SIGMA_T_TEXT &&
	    x->group_t[0].idx == EV_USER_ID &&
	    x->field_t[0].idx == EV_SRC_IP);
	CHECK(base_span(be) >= BASE_NV_REPLAY);
	TEST_END();

	TEST_BEGIN("siemd-shipped-rules-load");
	CHECK(setup(NULL, NULL,
	    "etc/rules/moneycontrol/permission_denied_spike.yml"));
	CHECK_INT(sigma_set_count(set), 2);
	CHECK_INT(base_rules(be), 2);
	CHECK(setup(NULL, NULL, "etc/rules/linux/ssh_login_new_source.yml"));
	CHECK_INT(base_rules(be), 1);
	CHECK(rule0()->ext != NULL &&
	    rule0()->ext->type == SIGMA_EXT_NEW_VALUE);
	TEST_END();
}

/* Counts per bucket, from bucket 0 of the rule (T0 is aligned). */
static void
buckets(int64_t bucket, const int *counts, size_t n, const char *user)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		denied(counts[i], T0 + (int64_t)i * bucket * S + S, user);
}

static void
test_baseline_math(void)
{
	/* 2 4 4 4 5 5 7 9: mean 5, population sigma 2 */
	static const int	 c8[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	static const int	 flat[] = { 3, 3, 3, 3, 3, 3, 3, 3 };
	int64_t			 cur, sum;
	double			 mean, sd;

	TEST_BEGIN("baseline-mean-sigma");
	/* k 3, min-count 5: none of the history buckets fires */
	CHECK(bl_setup(NULL, "  baseline: {group-by: [user_id], bucket: 10s, "
	    "window: 80s, k: 3, min-count: 5}\n"));
	buckets(10, c8, 8, "u1");
	CHECK_INT(ngot, 0);
	denied(1, T0 + 80 * S, "u1");
	CHECK_INT(base_window_stats(be, rule0(), "user_id=u1", &cur, &mean,
	    &sd), 0);
	CHECK_INT(cur, T0 / S / 10 + 8);
	CHECK(near(mean, 5));
	CHECK(near(sd, 2));
	/* threshold 5 + 3 * 2 = 11: eleven is not above it, twelve is */
	denied(10, T0 + 81 * S, "u1");
	CHECK_INT(ngot, 0);
	denied(1, T0 + 82 * S, "u1");
	CHECK_INT(alerts("user_id=u1", 0, &sum), 1);
	CHECK_INT(sum, 12);
	CHECK_INT(got[0].fired, T0 + 80 * S);
	CHECK_INT(got[0].first, T0 + 80 * S);
	CHECK_INT(got[0].last, T0 + 82 * S);
	CHECK_INT(got[0].nids, 12);
	CHECK(strstr(got[0].detail, "mean 5.00, sigma 2.00, threshold "
	    "11.00") != NULL);
	/* more in the bucket: updates of that alert, not new ones */
	denied(3, T0 + 85 * S, "u1");
	CHECK_INT(alerts(NULL, 0, NULL), 1);
	CHECK_INT(alerts("user_id=u1", 1, &sum), 3);
	CHECK_INT(sum, 3);
	CHECK_INT(got[ngot - 1].fired, T0 + 80 * S);
	TEST_END();

	TEST_BEGIN("baseline-floor");
	/* a quiet group: zero history, so only min-count holds it back */
	CHECK(bl_setup(NULL, "  baseline: {group-by: [user_id], bucket: 10s, "
	    "window: 80s, min-count: 10}\n"));
	denied(9, T0 + S, "quiet");
	CHECK_INT(ngot, 0);
	denied(1, T0 + 2 * S, "quiet");
	CHECK_INT(alerts("user_id=quiet", 0, &sum), 1);
	CHECK_INT(sum, 10);
	/* steady 3 a bucket: sigma 0, so 4 is above the mean; the floor */
	CHECK(bl_setup(NULL, "  baseline: {group-by: [user_id], bucket: 10s, "
	    "window: 80s, min-count: 10}\n"));
	buckets(10, flat, 8, "steady");
	denied(9, T0 + 81 * S, "steady");
	CHECK_INT(base_window_stats(be, rule0(), "user_id=steady", &cur,
	    &mean, &sd), 0);
	CHECK(near(mean, 3) && near(sd, 0));
	CHECK_INT(ngot, 0);
	TEST_END();

	TEST_BEGIN("baseline-rollover-gaps");
	CHECK(bl_setup(NULL, "  baseline: {bucket: 10s, window: 80s, "
	    "min-count: 100}\n"));
	buckets(10, flat, 8, NULL);
	/* buckets 8..11 empty: the window before 12 is 3 3 3 3 0 0 0 0 */
	denied(1, T0 + 120 * S, NULL);
	CHECK_INT(base_window_stats(be, rule0(), "all", &cur, &mean, &sd),
	    0);
	CHECK_INT(cur, T0 / S / 10 + 12);
	CHECK(near(mean, 1.5) && near(sd, 1.5));
	/* 13: 3 3 3 0 0 0 0 1 */
	denied(1, T0 + 130 * S, NULL);
	base_window_stats(be, rule0(), "all", &cur, &mean, &sd);
	CHECK(near(mean, 10.0 / 8));
	/* a gap longer than the window: all zero, nothing left over */
	denied(1, T0 + 10000 * S, NULL);
	base_window_stats(be, rule0(), "all", &cur, &mean, &sd);
	CHECK_INT(cur, T0 / S / 10 + 1000);
	CHECK(near(mean, 0) && near(sd, 0));
	/* and the ring wrapped cleanly: one more bucket on */
	denied(2, T0 + 10010 * S, NULL);
	base_window_stats(be, rule0(), "all", &cur, &mean, &sd);
	CHECK(near(mean, 1.0 / 8));
	TEST_END();

	TEST_BEGIN("baseline-late-hits");
	CHECK(bl_setup(NULL, "  baseline: {bucket: 10s, window: 80s, "
	    "min-count: 100}\n"));
	denied(1, T0 + 100 * S, NULL);
	/* within the window: counted into its bucket */
	denied(8, T0 + 50 * S, NULL);
	base_window_stats(be, rule0(), "all", &cur, &mean, &sd);
	CHECK(near(mean, 1));
	CHECK_INT(base_stats(be)->late_dropped, 0);
	/* before the window (bucket 1 < 10 - 8): dropped */
	denied(1, T0 + 15 * S, NULL);
	CHECK_INT(base_stats(be)->late_dropped, 1);
	base_window_stats(be, rule0(), "all", &cur, &mean, &sd);
	CHECK(near(mean, 1));
	TEST_END();
}

static void
test_baseline_runs(void)
{
	static const int	 flat[] = { 3, 3, 3, 3, 3, 3, 3, 3 };
	struct base_params	 p;
	int64_t			 sum;

	TEST_BEGIN("baseline-one-alert-per-run");
	CHECK(bl_setup(NULL, "  baseline: {group-by: [user_id], bucket: 10s, "
	    "window: 80s, min-count: 10}\n"));
	buckets(10, flat, 8, "a");
	buckets(10, flat, 8, "b");
	denied(20, T0 + 81 * S, "a");		/* fires at 10 */
	CHECK_INT(alerts("user_id=a", 0, &sum), 1);
	CHECK_INT(sum, 10);
	CHECK_INT(alerts("user_id=a", 1, &sum), 10);
	CHECK_INT(sum, 10);
	/*
	 * The spike is in the baseline now: 3 3 3 3 3 3 3 20, mean
	 * 5.125, sigma 5.62, threshold 21.99.  Bucket 9 crosses at 22
	 * and continues the alert with its 22 hits, then one by one.
	 */
	denied(21, T0 + 91 * S, "a");
	CHECK_INT(alerts("user_id=a", 1, NULL), 10);
	denied(39, T0 + 92 * S, "a");
	CHECK_INT(alerts("user_id=a", 0, NULL), 1);
	CHECK_INT(alerts("user_id=a", 1, &sum), 10 + 1 + 38);
	CHECK_INT(sum, 10 + 22 + 38);
	CHECK_INT(got[ngot - 1].fired, T0 + 80 * S);
	denied(3, T0 + 91 * S, "b");
	CHECK_INT(alerts("user_id=b", 0, NULL) + alerts("user_id=b", 1,
	    NULL), 0);
	/* a bucket back under, then over again: a new alert */
	denied(3, T0 + 101 * S, "a");
	CHECK_INT(alerts("user_id=a", 0, NULL), 1);
	CHECK_INT(alerts("user_id=a", 1, NULL), 49);
	denied(500, T0 + 111 * S, "a");
	CHECK_INT(alerts("user_id=a", 0, NULL), 2);
	TEST_END();

	TEST_BEGIN("baseline-quiet-replay");
	CHECK(bl_setup(NULL, "  baseline: {bucket: 10s, window: 80s, "
	    "min-count: 5}\n"));
	base_set_quiet(be, 1);
	denied(20, T0 + S, NULL);
	CHECK_INT(ngot, 0);
	CHECK_INT(base_stats(be)->fired, 1);
	base_set_quiet(be, 0);
	/* the replayed spike is still open: more of it is an update */
	denied(1, T0 + 2 * S, NULL);
	CHECK_INT(alerts(NULL, 0, NULL), 0);
	CHECK_INT(alerts(NULL, 1, NULL), 1);
	TEST_END();

	TEST_BEGIN("baseline-learn");
	CHECK(bl_setup(NULL, "  baseline: {bucket: 10s, window: 80s, "
	    "min-count: 5, learn: 1m}\n"));
	denied(20, T0 + S, NULL);
	CHECK_INT(ngot, 0);
	CHECK(base_stats(be)->learning == 20);
	/* learned: the 20 are in the baseline now */
	denied(20, T0 + 61 * S, NULL);
	CHECK_INT(ngot, 0);
	denied(20, T0 + 62 * S, NULL);
	CHECK_INT(alerts(NULL, 0, NULL), 1);
	TEST_END();

	TEST_BEGIN("baseline-bad-ungrouped");
	CHECK(bl_setup(NULL, "  baseline: {group-by: [user_id], bucket: 10s, "
	    "window: 80s, min-count: 1}\n"));
	denied(5, T0 + S, NULL);
	CHECK_INT(ngot, 0);
	CHECK_INT(base_stats(be)->ungrouped, 5);
	CHECK_INT(base_stats(be)->groups, 0);
	TEST_END();

	TEST_BEGIN("baseline-group-bounds");
	base_params_default(&p);
	p.max_groups_rule = 2;
	CHECK(bl_setup(&p, "  baseline: {group-by: [user_id], bucket: 10s, "
	    "window: 80s, min-count: 100}\n"));
	denied(1, T0 + S, "a");
	denied(1, T0 + S, "b");
	denied(1, T0 + S, "c");
	CHECK_INT(base_stats(be)->groups, 2);
	CHECK_INT(base_stats(be)->groups_evicted, 1);
	CHECK(base_window_stats(be, rule0(), "user_id=a", &sum, &(double){0},
	    &(double){0}) == -1);
	TEST_END();
}

static void
login(int64_t rcv, const char *user, const char *ip)
{
	feed2(rcv, rcv, "sshd", "login_success", user, ip);
}

static const char *nv_rule =
    "title: new source\n"
    "logsource: {product: linux, service: sshd}\n"
    "detection: {sel: {event_type: login_success}, condition: sel}\n"
    "siemd: {new-value: {group-by: [user_id], fields: [src_ip], "
    "learn: 10s}}\n";

static void
test_new_value(void)
{
	struct base_params	 p;

	TEST_BEGIN("new-value-learning");
	CHECK(setup(NULL, nv_rule, NULL));
	login(T0, "alice", "192.0.2.1");
	login(T0 + 5 * S, "alice", "192.0.2.2");
	login(T0 + 9 * S, "bob", "192.0.2.1");
	CHECK_INT(ngot, 0);
	CHECK_INT(base_stats(be)->learning, 3);
	CHECK_INT(base_stats(be)->values, 3);
	/* learned: quiet */
	login(T0 + 20 * S, "alice", "192.0.2.2");
	CHECK_INT(ngot, 0);
	/* new for alice */
	login(T0 + 21 * S, "alice", "198.51.100.9");
	CHECK_INT(alerts("user_id=alice,src_ip=198.51.100.9", 0, NULL), 1);
	CHECK(strstr(got[0].detail, "src_ip=198.51.100.9 for "
	    "user_id=alice") != NULL);
	CHECK_INT(got[0].nids, 1);
	/* a repeat is not new */
	login(T0 + 22 * S, "alice", "198.51.100.9");
	CHECK_INT(ngot, 1);
	/* known for bob, new for carol: per group */
	login(T0 + 23 * S, "bob", "192.0.2.1");
	login(T0 + 24 * S, "carol", "192.0.2.1");
	CHECK_INT(ngot, 2);
	CHECK_STR(got[1].group, "user_id=carol,src_ip=192.0.2.1");
	TEST_END();

	TEST_BEGIN("new-value-learning-processing-time");
	/* an old log imported now is learned, whatever its timestamps */
	CHECK(setup(NULL, nv_rule, NULL));
	feed2(T0 - 86400 * S, T0, "sshd", "login_success", "alice", "a1");
	feed2(T0 - 3600 * S, T0 + S, "sshd", "login_success", "alice", "a2");
	CHECK_INT(ngot, 0);
	feed2(T0 - 60 * S, T0 + 11 * S, "sshd", "login_success", "alice",
	    "a3");
	CHECK_INT(ngot, 1);
	TEST_END();

	TEST_BEGIN("new-value-quiet-replay");
	CHECK(setup(NULL, nv_rule, NULL));
	base_set_quiet(be, 1);
	login(T0, "alice", "192.0.2.1");
	login(T0 + 30 * S, "alice", "192.0.2.2");	/* after learning */
	base_set_quiet(be, 0);
	CHECK_INT(ngot, 0);
	login(T0 + 31 * S, "alice", "192.0.2.2");	/* remembered */
	CHECK_INT(ngot, 0);
	login(T0 + 32 * S, "alice", "192.0.2.3");
	CHECK_INT(ngot, 1);
	TEST_END();

	TEST_BEGIN("new-value-eviction");
	base_params_default(&p);
	p.max_values_rule = 2;
	CHECK(setup(&p, nv_rule, NULL));
	login(T0, "alice", "a");
	login(T0 + S, "alice", "b");
	login(T0 + 20 * S, "alice", "a");	/* a is the newest used now */
	login(T0 + 21 * S, "alice", "c");	/* evicts b */
	CHECK_INT(ngot, 1);
	CHECK_INT(base_stats(be)->values, 2);
	CHECK_INT(base_stats(be)->values_evicted, 1);
	login(T0 + 22 * S, "alice", "a");
	CHECK_INT(ngot, 1);
	login(T0 + 23 * S, "alice", "b");	/* forgotten: new again */
	CHECK_INT(ngot, 2);
	CHECK_INT(base_stats(be)->values_evicted, 2);
	TEST_END();

	TEST_BEGIN("new-value-bad-ungrouped");
	CHECK(setup(NULL, nv_rule, NULL));
	login(T0, "alice", NULL);
	login(T0, NULL, "192.0.2.1");
	CHECK_INT(base_stats(be)->ungrouped, 2);
	CHECK_INT(base_stats(be)->values, 0);
	TEST_END();

	TEST_BEGIN("new-value-shipped-rule");
	CHECK(setup(NULL, NULL, "etc/rules/linux/ssh_login_new_source.yml"));
	login(T0, "alice", "192.0.2.1");
	login(T0 + 86400 * S, "alice", "192.0.2.2");	/* still learning */
	CHECK_INT(ngot, 0);
	login(T0 + 8 * 86400 * S, "alice", "192.0.2.3");
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].group, "user_id=alice,src_ip=192.0.2.3");
	/* a MoneyControl event does not reach it */
	denied(3, T0 + 8 * 86400 * S, "alice");
	CHECK_INT(base_stats(be)->hits, 3);
	TEST_END();
}

/* The secret-entropy section parsed on its own. */
static struct base_secret	*sec;
static char			 sec_err[SIGMA_REASON_LEN];

static int
sec_doc(void *arg, struct sigma_ynode *doc, int idx)
{
	base_secret_free(sec);
	sec = NULL;
	return (base_secret_parse(doc, &sec, sec_err, sizeof(sec_err)));
}

static int
sec_parse(const char *yaml)
{
	char	 err[SIGMA_REASON_LEN];

	sec_err[0] = '\0';
	if (sigma_yaml_parse(yaml, strlen(yaml), sec_doc, NULL, err,
	    sizeof(err)) == -1 || sec == NULL) {
		if (sec_err[0] == '\0')
			strlcpy(sec_err, err, sizeof(sec_err));
		return (-1);
	}
	return (0);
}

/* How many secrets in the text; the first masked into mask. */
static size_t
sec_scan(const char *text, char *mask, size_t size)
{
	struct base_token	 tok;
	size_t			 n;

	mask[0] = '\0';
	n = base_secret_scan(sec, text, strlen(text), &tok);
	if (n > 0)
		base_secret_mask(text + tok.off, tok.len, mask, size);
	return (n);
}

#define B64_40	"Zx8Qp2LmR7vKt4WnYb9Hc3JdF6sGa1UeXo5TiN0q"
#define HEX_64	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void
test_secret_scan(void)
{
	static const struct {
		const char	*text;
		const char	*mask;		/* NULL: no secret */
	} cases[] = {
		{ "request failed api_key=" B64_40 " retrying",
		    "Zx8Q...(40 chars)" },
		{ "config {\"secret\": \"" HEX_64 "\"}", "9f86...(64 chars)" },
		{ "Authorization: Bearer k7Gm2Rx9Qa4Lz8Tb1Wc6Ny3P",
		    "k7Gm...(24 chars)" },
		/* mixed tokens need no context word */
		{ "session q8w3e7r1t5y9u2i6o4p0a8s7 opened",
		    "q8w3...(24 chars)" },
		{ "blob=dGhpcyBpcyBhIHRlc3Qgb2YgYmFzZTY0IGVuY29kaW5n==",
		    "dGhp...(44 chars)" },
		/* a path's parts are judged alone */
		{ "reading /srv/data/" B64_40 "/index", "Zx8Q...(40 chars)" },
		/* not secrets */
		{ "request 550e8400-e29b-41d4-a716-446655440000 done", NULL },
		{ "token=550e8400-e29b-41d4-a716-446655440000", NULL },
		{ "req-550e8400-e29b-41d4-a716-446655440000x", NULL },
		{ "the internationalization configuration was successfully "
		  "reloaded", NULL },
		{ "bean AbstractSingletonProxyFactoryBean2 created", NULL },
		{ "loading /usr/lib/x86_64-linux-gnu/libcrypto.so.3", NULL },
		{ "open /home/User1/Documents/Report2023Final/Summary2024Q1",
		    NULL },
		{ "key=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", NULL },
		{ "key=abababababababababab12", NULL },
		{ "key=Zx8Qp2LmR7vKt4WnYb9", NULL },	/* 19 */
		{ "uploaded file.tar sha256 " HEX_64, NULL },
		{ "commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 pushed",
		    NULL },
		{ "etag d41d8cd98f00b204e9800998ecf8427e", NULL },
		{ "counter 12345678901234567890123 reached", NULL },
		{ "", NULL },
	};
	char	 name[64], mask[64];
	size_t	 i, n;

	TEST_BEGIN("secret-parse-defaults");
	CHECK(sec_parse("{}\n") == 0);
	TEST_END();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "secret-scan-%s%zu",
		    cases[i].mask != NULL ? "" : "bad-", i + 1);
		TEST_BEGIN(name);
		n = sec_scan(cases[i].text, mask, sizeof(mask));
		if (cases[i].mask != NULL) {
			CHECK_INT(n, 1);
			CHECK_STR(mask, cases[i].mask);
		} else
			CHECK_INT(n, 0);
		TEST_END();
	}

	TEST_BEGIN("secret-scan-entropy");
	CHECK(base_entropy("aaaa", 4) == 0);
	CHECK(near(base_entropy("abcd", 4), 2));
	CHECK(near(base_entropy("0123456789abcdef", 16), 4));
	TEST_END();

	TEST_BEGIN("secret-scan-context-distance");
	CHECK(sec_parse("{context-distance: 8}\n") == 0);
	CHECK(sec_scan("secret: " HEX_64, mask, sizeof(mask)) == 1);
	CHECK(sec_scan("secret for it: " HEX_64, mask, sizeof(mask)) == 0);
	TEST_END();

	TEST_BEGIN("secret-scan-need-context");
	CHECK(sec_parse("{need-context: all, context: [Apikey]}\n") == 0);
	CHECK(sec_scan("value " B64_40, mask, sizeof(mask)) == 0);
	CHECK(sec_scan("APIKEY " B64_40, mask, sizeof(mask)) == 1);
	CHECK(sec_scan("token " HEX_64, mask, sizeof(mask)) == 0);
	CHECK(sec_parse("{need-context: none}\n") == 0);
	CHECK(sec_scan("uploaded file.tar sha256 " HEX_64, mask,
	    sizeof(mask)) == 1);
	TEST_END();

	TEST_BEGIN("secret-scan-thresholds");
	CHECK(sec_parse("{min-length: 41}\n") == 0);
	CHECK(sec_scan("api_key=" B64_40, mask, sizeof(mask)) == 0);
	CHECK(sec_parse("{max-length: 39}\n") == 0);
	CHECK(sec_scan("api_key=" B64_40, mask, sizeof(mask)) == 0);
	CHECK(sec_parse("{min-entropy: 5.5, min-entropy-hex: 3.9}\n") == 0);
	CHECK(sec_scan("api_key=" B64_40, mask, sizeof(mask)) == 0);
	CHECK(sec_scan("secret " HEX_64, mask, sizeof(mask)) == 0);
	CHECK(sec_parse("{min-entropy: 5.3, min-entropy-hex: 3.7}\n") == 0);
	CHECK(sec_scan("api_key=" B64_40, mask, sizeof(mask)) == 1);
	CHECK(sec_scan("secret " HEX_64, mask, sizeof(mask)) == 1);
	TEST_END();

	TEST_BEGIN("secret-scan-allow");
	CHECK(sec_parse("{allow: ['Zx8Q.*', 'k7Gm']}\n") == 0);
	CHECK(sec_scan("api_key=" B64_40, mask, sizeof(mask)) == 0);
	/* whole tokens only */
	CHECK(sec_scan("token k7Gm2Rx9Qa4Lz8Tb1Wc6Ny3P", mask,
	    sizeof(mask)) == 1);
	TEST_END();

	TEST_BEGIN("secret-scan-several");
	CHECK(sec_parse("{}\n") == 0);
	CHECK(sec_scan("a=" B64_40 " b=k7Gm2Rx9Qa4Lz8Tb1Wc6Ny3P "
	    "secret=" HEX_64, mask, sizeof(mask)) == 3);
	CHECK_STR(mask, "Zx8Q...(40 chars)");
	TEST_END();

	TEST_BEGIN("secret-mask");
	base_secret_mask("abc", 3, mask, sizeof(mask));
	CHECK_STR(mask, "abc...(3 chars)");
	base_secret_mask(B64_40, 40, mask, 8);
	CHECK(strlen(mask) == 7 && strncmp(mask, "Zx8Q...", 7) == 0);
	TEST_END();
}

/* One event with this message from source_type st, stamped ts. */
static void
said(int64_t ts, const char *st, const char *msg)
{
	struct siem_event	 ev;
	struct sigma_event	 se;
	int64_t			 t[3];
	void			*arg[2];

	event_init(&ev);
	ev.ts = ev.received_at = ts;
	ev.id = ++cur_id;
	event_set(&ev, EV_SOURCE_TYPE, st, strlen(st));
	event_set(&ev, EV_MESSAGE, msg, strlen(msg));
	event_set(&ev, EV_RAW, msg, strlen(msg));
	sigma_event_from_event(&se, &ev);
	t[0] = t[1] = ts;
	t[2] = ev.id;
	arg[0] = &se;
	arg[1] = t;
	sigma_match(set, &se, on_hit, arg);
	base_flush(be);
	sigma_event_done(&se);
	event_clear(&ev);
}

static void
test_secret_rule(void)
{
	static const char *shipped =
	    "etc/rules/secrets/high_entropy_token.yml";
	const char	*bad =
	    "title: s\n"
	    "logsource: {product: any}\n"
	    "detection: {k: {'|re': '[a-z]{20}'}, condition: k}\n"
	    "siemd: {secret-entropy: {min-entropy: 12}}\n";
	const char	*unmapped =
	    "title: s\n"
	    "logsource: {product: linux, service: sshd}\n"
	    "detection: {k: {'|re': '[a-z]{20}'}, condition: k}\n"
	    "siemd: {secret-entropy: {fields: [NoSuchField]}}\n";
	const char	*fields =
	    "title: s\n"
	    "logsource: {product: any}\n"
	    "detection: {k: {'|re': '[a-z]{20}'}, condition: k}\n"
	    "siemd: {secret-entropy: {fields: [raw, user_id]}}\n";

	TEST_BEGIN("secret-rule-shipped-fires-masked");
	CHECK(setup(NULL, NULL, shipped));
	CHECK(rule0()->ext != NULL && !rule0()->standalone);
	CHECK_STR(sigma_ext_type_name(rule0()->ext->type), "secret-entropy");
	CHECK(base_span(be) == BASE_NV_REPLAY);
	said(T0, "syslog", "request failed api_key=" B64_40);
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].title, "High-entropy token in a log line");
	CHECK_STR(got[0].group, "field=message,token=Zx8Q...(40 chars)");
	CHECK(strstr(got[0].detail, "40 characters in message") != NULL);
	CHECK(strstr(got[0].detail, "after the word 'key'") != NULL);
	CHECK(strstr(got[0].detail, "Zx8Qp") == NULL);
	CHECK_INT(got[0].nids, 1);
	/* HTTP ingest too, and hex after a context word */
	said(T0 + S, "http", "rotating secret " HEX_64);
	CHECK_INT(ngot, 2);
	CHECK_STR(got[1].group, "field=message,token=9f86...(64 chars)");
	TEST_END();

	TEST_BEGIN("secret-rule-once-per-token");
	said(T0 + 2 * S, "syslog", "again api_key=" B64_40);
	CHECK_INT(ngot, 2);
	CHECK_INT(base_stats(be)->values, 2);
	TEST_END();

	TEST_BEGIN("secret-rule-bad-benign");
	said(T0 + 3 * S, "syslog", "uploaded sha256 " HEX_64);
	said(T0 + 3 * S, "syslog",
	    "request 550e8400-e29b-41d4-a716-446655440000 served");
	said(T0 + 3 * S, "syslog",
	    "loaded /usr/lib/x86_64-linux-gnu/libcrypto.so.3 for "
	    "AbstractSingletonProxyFactoryBean2");
	said(T0 + 3 * S, "syslog", "stripe test key sk_test_"
	    "4eC39HqLyjWDarjtT1zdp7dc in use");
	CHECK_INT(ngot, 2);
	TEST_END();

	TEST_BEGIN("secret-rule-bad-known-format");
	/* left to the rules for these formats */
	said(T0 + 4 * S, "syslog", "aws_secret_access_key="
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	said(T0 + 4 * S, "syslog", "charge with sk_live_"
	    "4eC39HqLyjWDarjtT1zdp7dc");
	CHECK_INT(ngot, 2);
	TEST_END();

	TEST_BEGIN("secret-rule-quiet-replay");
	CHECK(setup(NULL, NULL, shipped));
	base_set_quiet(be, 1);
	said(T0, "syslog", "api_key=" B64_40);
	base_set_quiet(be, 0);
	said(T0 + S, "syslog", "api_key=" B64_40);
	CHECK_INT(ngot, 0);
	TEST_END();

	TEST_BEGIN("secret-rule-fields");
	CHECK(setup(NULL, fields, NULL));
	said(T0, "syslog", "token k7Gm2Rx9Qa4Lz8Tb1Wc6Ny3P abcdefghijklmnopqrst");
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].group, "field=raw,token=k7Gm...(24 chars)");
	TEST_END();

	TEST_BEGIN("secret-rule-bad-section");
	CHECK(!setup(NULL, bad, NULL));
	CHECK_INT(rule0()->state, SIGMA_INVALID);
	CHECK(strstr(rule0()->reason, "siemd: secret-entropy: min-entropy "
	    "must be") != NULL);
	CHECK_INT(base_rules(be), 0);
	CHECK(!setup(NULL, unmapped, NULL));
	CHECK_INT(rule0()->state, SIGMA_SKIPPED);
	CHECK(strstr(rule0()->reason, "field NoSuchField not mapped") !=
	    NULL);
	TEST_END();
}

static void
test_secret_parse_bad(void)
{
	static const struct {
		const char	*yaml;
		const char	*reason;
	} cases[] = {
		{ "{minlength: 20}\n", "unknown key 'minlength'" },
		{ "{learn: 1d}\n", "unknown key 'learn'" },
		{ "{group-by: [host]}\n", "unknown key 'group-by'" },
		{ "[fields]\n", "expected a map" },
		{ "{min-length: 7}\n", "min-length must be a whole number" },
		{ "{min-length: 20.5}\n", "min-length must be a whole number" },
		{ "{max-length: 5000}\n", "max-length must be" },
		{ "{min-length: 40, max-length: 30}\n",
		    "max-length 30 is below min-length 40" },
		{ "{min-entropy: 9}\n", "min-entropy must be a number" },
		{ "{min-entropy: high}\n", "min-entropy must be a number" },
		{ "{min-entropy-hex: 4.5}\n", "min-entropy-hex must be" },
		{ "{context-distance: 0}\n", "context-distance must be" },
		{ "{need-context: some}\n", "need-context must be none" },
		{ "{context: []}\n", "context: 1 to" },
		{ "{context: [key, {a: b}]}\n", "context: item 2" },
		{ "{context: {key: 1}}\n", "context: expected a list" },
		{ "{fields: []}\n", "fields: 1 to 8" },
		{ "{allow: ['(unclosed']}\n", "allow: item 1: missing" },
		{ "{exclude: ['x', '(unclosed']}\n",
		    "exclude: item 2: missing" },
	};
	char	 name[64];
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "secret-parse-bad-%zu", i + 1);
		TEST_BEGIN(name);
		CHECK(sec_parse(cases[i].yaml) == -1);
		CHECK(sec == NULL);
		if (strstr(sec_err, cases[i].reason) == NULL)
			printf("FAIL %s: reason \"%s\" lacks \"%s\"\n", name,
			    sec_err, cases[i].reason), test_failed =
			    test_case_failed = 1;
		TEST_END();
	}
}

int
main(void)
{
	if ((map = sigma_map_default()) == NULL) {
		printf("FAIL sigma-base: the built-in mapping does not load\n");
		return (1);
	}
	test_parse_bad();
	test_parse_ok();
	test_baseline_math();
	test_baseline_runs();
	test_new_value();
	test_secret_scan();
	test_secret_parse_bad();
	test_secret_rule();
	base_secret_free(sec);
	done();
	sigma_map_free(map);
	TEST_EXIT();
}
