/*
 * The correlate process: detection rules over committed events.  Rule
 * files arrive from the parent and are compiled beside the running
 * set, which is swapped only when the new one is complete; events
 * arrive from the store after they are committed, with their row ids,
 * so an alert only ever points at stored events.
 *
 * A detection rule that matches raises an alert for its group (the
 * event's source address, else its host) and its window (one hour of
 * event time): while an attack goes on, the store merges every hit of
 * the window into that one alert, which is updated rather than
 * repeated.
 *
 * Correlation rules run in the windowed engine (sigma_corr.c), fed
 * with every detection hit, including those of rules that only feed
 * a correlation (generate: false).  Its windows are rebuilt after a
 * start or a reload by a replay: correlate asks the store for the
 * events received in the last span of its rules (IMSG_REPLAY) and
 * matches them quietly -- the alerts they raise were raised by the
 * run that saw them first -- until IMSG_REPLAY_DONE.  Live batches
 * that cross the request are part of the replay and are skipped.
 *
 * Rules with a siemd: section (rate baselines, new values) feed the
 * engine in sigma_base.c instead of raising an alert per hit; its
 * alerts take the same way out as correlations (suppression by key,
 * silences, the allow-list), and the same replay rebuilds its state.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "child.h"
#include "event_wire.h"
#include "sigma.h"
#include "../web/router.h"
#include "sigma_corr.h"
#include "sigma_base.h"
#include "alert_hold.h"
#include "json_chunks.h"

#define CORRELATE_WINDOW	3600		/* seconds of event time */
#define CORRELATE_RULES_EVERY	10		/* seconds between rule reports */
#define CORRELATE_PENDING	4096		/* hits merged per batch */
#define CORRELATE_TICK_MS	250		/* held alerts checked */

struct hit {
	const struct sigma_rule	*rule;
	char			 group[128];
	int64_t			 window;
	int64_t			 first;
	int64_t			 last;
	int64_t			 count;
	json_t			*ids;
};

struct correlate {
	struct child		 c;
	struct corr_params	 params;		/* from siemd.conf */
	struct sigma_map	*map;
	struct sigma_map	*next_map;	/* with the set being received */
	struct sigma_set	*set;		/* running */
	struct sigma_set	*next;		/* being received */
	uint64_t		 next_files;
	uint64_t		 rule_files;
	size_t			 loaded;
	size_t			 skipped;
	uint64_t		 events;
	uint64_t		 batches;
	uint64_t		 matches;
	uint64_t		 alerts;
	uint64_t		 alerts_too_large;
	uint64_t		 reloads;
	int64_t			 last_id;
	struct imsgev		*store;
	struct hit		 hits[CORRELATE_PENDING];
	size_t			 nhits;
	const struct event_view	*cur;		/* event being matched */
	struct sigma_event	*cur_se;
	struct corr_engine	*ce;		/* with the running set */
	struct base_engine	*be;		/* with the running set */
	int			 replays;	/* requests not yet done */
	int			 quiet;		/* matching a replay */
	uint64_t		 replayed;
	uint64_t		 replay_skipped;
	uint64_t		 corr_alerts;
	uint64_t		 corr_updates;
	struct alert_hold	*hold;		/* reports merged per key */
	char			*out;		/* "[a,b,..." for the store */
	size_t			 outlen;
	size_t			 outsize;
	size_t			 outn;
	uint64_t		 alert_msgs;	/* IMSG_ALERT sent */
	uint64_t		 replays_truncated;	/* oldest left out */
};

/* Silences and the allow-list, as the store last sent them. */
struct silence {
	char		*rule_id;	/* NULL: any rule */
	char		*group_key;	/* NULL: any group */
	int64_t		 expires_at;	/* µs */
};

static struct {
	struct silence	*silences;
	size_t		 nsilences;
	struct cidr	*allow;
	size_t		 nallow;
	struct cidr	*callow;	/* allowlist statements of siemd.conf */
	size_t		 ncallow;
	uint64_t	 silenced;
	uint64_t	 allowlisted;	/* alerts not raised */
	uint64_t	 allowlisted_hits;	/* hits of such sources dropped */
} sup;

static struct correlate	 cr;
static struct event	 rules_ev;
static struct event	 hold_ev;
static int64_t		*last_hit;	/* µs event time, by rule index */
static size_t		 nlast_hit;

static json_t	*correlate_counters(void *);
static int	 correlate_dispatch_parent(struct imsgev *, struct imsg *);
static int	 correlate_dispatch_store(struct imsgev *, struct imsg *);
static void	 correlate_hit(const struct sigma_rule *, void *);
static void	 correlate_hit_one(const struct sigma_rule *, void *);
static void	 correlate_rules_report(void);
static void	 correlate_silent(const char *);
static void	 send_alert(json_t *);
static void	 alert_out(json_t *, void *);
static void	 alert_out_flush(void);
static void	 correlate_rules_timer(int, short, void *);
static void	 correlate_flush(void);
static void	 correlate_swap(void);
static void	 correlate_corr_alert(const struct corr_alert *, void *);
static void	 correlate_send(const struct sigma_rule *, const char *,
		    const char *, int64_t, int64_t, int64_t, json_t *,
		    const char *);
static int	 correlate_batch(const uint8_t *, size_t);
static int	 allowed(const char *);
static void	 allow_conf(void);

static json_t *
correlate_counters(void *arg)
{
	struct corr_stats	 z;
	struct base_stats	 bz;
	const struct corr_stats	*cs = &z;
	const struct base_stats	*bs = &bz;
	const struct alert_hold_stats *hs;
	json_t			*js;

	memset(&z, 0, sizeof(z));
	memset(&bz, 0, sizeof(bz));
	if (cr.ce != NULL)
		cs = corr_stats(cr.ce);
	if (cr.be != NULL)
		bs = base_stats(cr.be);
	js = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "rule_files", (json_int_t)cr.rule_files,
	    "rules_loaded", (json_int_t)cr.loaded,
	    "rules_skipped", (json_int_t)cr.skipped,
	    "reloads", (json_int_t)cr.reloads,
	    "events", (json_int_t)cr.events,
	    "batches", (json_int_t)cr.batches,
	    "matches", (json_int_t)cr.matches,
	    "alerts", (json_int_t)cr.alerts,
	    "last_event_id", (json_int_t)cr.last_id);
	if (js == NULL)
		return (NULL);
	json_object_update_new(js, json_pack("{s:I,s:I,s:I}",
	    "corr_lateness_s", (json_int_t)(cr.params.lateness / 1000000),
	    "corr_max_groups", (json_int_t)cr.params.max_groups,
	    "corr_max_groups_rule", (json_int_t)cr.params.max_groups_rule));
	json_object_set_new(js, "corr_suppress_s", json_integer(
	    (json_int_t)(cr.params.suppress / 1000000)));
	hs = alert_hold_stats(cr.hold);
	json_object_update_new(js, json_pack("{s:I,s:I,s:I,s:I,s:I}",
	    "alert_msgs", (json_int_t)cr.alert_msgs,
	    "alerts_merged", (json_int_t)hs->merged,
	    "alerts_unheld", (json_int_t)hs->unheld,
	    "alerts_held", (json_int_t)hs->held,
	    "alert_keys", (json_int_t)hs->keys));
	json_object_update_new(js, json_pack("{s:I,s:I,s:I,s:I,s:I}",
	    "alerts_too_large", (json_int_t)cr.alerts_too_large,
	    "silences", (json_int_t)sup.nsilences,
	    "allowlist", (json_int_t)(sup.nallow + sup.ncallow),
	    "silenced", (json_int_t)sup.silenced,
	    "allowlisted", (json_int_t)sup.allowlisted));
	json_object_set_new(js, "allowlisted_hits",
	    json_integer((json_int_t)sup.allowlisted_hits));
	json_object_set_new(js, "replays_truncated",
	    json_integer((json_int_t)cr.replays_truncated));
	json_object_update_new(js, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,"
	    "s:I,s:I,s:I,s:I,s:I,s:I}",
	    "corr_groups", (json_int_t)cs->groups,
	    "corr_groups_peak", (json_int_t)cs->groups_peak,
	    "corr_fired", (json_int_t)cs->fired,
	    "corr_updates", (json_int_t)cs->updates,
	    "corr_late_dropped", (json_int_t)cs->late_dropped,
	    "corr_ungrouped", (json_int_t)cs->ungrouped,
	    "corr_evicted", (json_int_t)cs->evicted,
	    "corr_expired", (json_int_t)cs->expired,
	    "corr_truncated", (json_int_t)cs->truncated,
	    "replaying", (json_int_t)cr.replays,
	    "replayed", (json_int_t)cr.replayed,
	    "replay_skipped", (json_int_t)cr.replay_skipped));
	json_object_update_new(js, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,"
	    "s:I,s:I,s:I,s:I,s:I}",
	    "base_hits", (json_int_t)bs->hits,
	    "base_fired", (json_int_t)bs->fired,
	    "base_updates", (json_int_t)bs->updates,
	    "base_learning", (json_int_t)bs->learning,
	    "base_ungrouped", (json_int_t)bs->ungrouped,
	    "base_late_dropped", (json_int_t)bs->late_dropped,
	    "base_groups", (json_int_t)bs->groups,
	    "base_groups_evicted", (json_int_t)bs->groups_evicted,
	    "base_groups_expired", (json_int_t)bs->groups_expired,
	    "base_values", (json_int_t)bs->values,
	    "base_values_evicted", (json_int_t)bs->values_evicted));
	return (js);
}

/* The new set replaces the running one only once it compiled. */
static void
correlate_swap(void)
{
	struct sigma_rule	*r;
	struct corr_engine	*ce;
	struct base_engine	*be;
	size_t			 i, n, loaded = 0, skipped = 0;
	int64_t			 span, since;

	if (cr.next == NULL && (cr.next = sigma_set_new(cr.next_map != NULL ?
	    cr.next_map : cr.map)) == NULL)
		fatal("%s: sigma_set_new", __func__);
	if (sigma_set_compile(cr.next) == -1) {
		log_warnx("rule set failed to compile, keeping the running "
		    "one");
		sigma_set_free(cr.next);
		cr.next = NULL;
		sigma_map_free(cr.next_map);
		cr.next_map = NULL;
		return;
	}
	/* the running set holds the old mapping until it is freed */
	if (cr.next_map != NULL) {
		sigma_map_free(cr.map);
		cr.map = cr.next_map;
		cr.next_map = NULL;
	}
	/* the engine marks the correlations it cannot run */
	ce = corr_new(cr.next, cr.map, &cr.params, correlate_corr_alert,
	    NULL);
	be = base_new(cr.next, NULL, correlate_corr_alert, NULL);
	n = sigma_set_count(cr.next);
	for (i = 0; i < n; i++) {
		r = sigma_set_rule(cr.next, i);
		if (r->state == SIGMA_LOADED)
			loaded++;
		else {
			skipped++;
			log_debug("rule %s: %s", r->path, r->reason);
		}
	}
	correlate_flush();
	if (cr.ce != NULL) {
		corr_flush(cr.ce);
		corr_free(cr.ce);
	}
	cr.ce = ce;
	if (cr.be != NULL) {
		base_flush(cr.be);
		base_free(cr.be);
	}
	cr.be = be;
	if (cr.set != NULL)
		sigma_set_free(cr.set);
	cr.set = cr.next;
	cr.next = NULL;
	cr.rule_files = cr.next_files;
	cr.next_files = 0;
	cr.loaded = loaded;
	cr.skipped = skipped;
	cr.reloads++;
	log_info("rules: %zu loaded, %zu skipped", loaded, skipped);
	free(last_hit);
	nlast_hit = sigma_set_count(cr.set);
	if ((last_hit = calloc(nlast_hit + 1, sizeof(*last_hit))) == NULL)
		fatal("%s: calloc", __func__);
	correlate_rules_report();

	/* rebuild the windows and baselines from what the store kept */
	span = corr_span(ce);
	if (base_span(be) > span)
		span = base_span(be);
	if (span > 0) {
		since = real_us() - span;
		if (imsgev_compose(cr.store, IMSG_REPLAY, 0, -1, &since,
		    sizeof(since)) == -1)
			fatal("%s: compose", __func__);
		cr.replays++;
		cr.quiet = 1;
		corr_set_quiet(ce, 1);
		base_set_quiet(be, 1);
		log_debug("replay of %lld s of events asked",
		    (long long)(span / 1000000));
	}
}

static int
correlate_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct rule_file	 rf;
	const void		*tail;
	const char		*path, *yaml;
	size_t			 taillen;

	switch (imsg->hdr.type) {
	case IMSG_RULE_FILE:
		if (imsg_get_head(imsg, &rf, sizeof(rf), &tail,
		    &taillen) == -1 || rf.pathlen == 0 ||
		    rf.pathlen > taillen || taillen - rf.pathlen != rf.len ||
		    ((const char *)tail)[rf.pathlen - 1] != '\0')
			return (-1);
		path = tail;
		yaml = (const char *)tail + rf.pathlen;
		if (cr.next == NULL && (cr.next = sigma_set_new(cr.next_map !=
		    NULL ? cr.next_map : cr.map)) == NULL)
			fatal("%s: sigma_set_new", __func__);
		/* problems are recorded per rule and reported on swap */
		(void)sigma_set_add_file(cr.next, path, yaml, rf.len);
		cr.next_files++;
		break;
	case IMSG_RULES_MAPPING: {
		struct sigma_map	*m;
		const char		*text;
		char			 err[SIGMA_REASON_LEN];

		if (imsg_get_string(imsg, &text) == -1)
			return (-1);
		/* the parent checked it; a failure keeps the running one */
		if ((m = sigma_map_load_buf(text, strlen(text), err,
		    sizeof(err))) == NULL) {
			log_warnx("rules mapping: %s; keeping the running one",
			    err);
			break;
		}
		sigma_map_free(cr.next_map);
		cr.next_map = m;
		break;
	}
	case IMSG_RULES_DONE:
		correlate_swap();
		break;
	case IMSG_SOURCE_SILENT: {
		const char	*text;

		if (imsg_get_string(imsg, &text) == -1)
			return (-1);
		correlate_silent(text);
		break;
	}
	default:
		return (-1);
	}
	return (0);
}

static const char *
level_severity(const char *level)
{
	if (level == NULL)
		return ("medium");
	if (strcmp(level, "informational") == 0)
		return ("info");
	if (strcmp(level, "low") == 0 || strcmp(level, "medium") == 0 ||
	    strcmp(level, "high") == 0 || strcmp(level, "critical") == 0)
		return (level);
	return ("medium");
}

static void
view_text(const struct event_view *v, int field, char *buf, size_t len)
{
	size_t	 n;

	buf[0] = '\0';
	if (v->text[field] == NULL)
		return;
	n = v->h.textlen[field] < len - 1 ? v->h.textlen[field] : len - 1;
	memcpy(buf, v->text[field], n);
	buf[n] = '\0';
}

/*
 * A rule matched the current event.  Every detection hit feeds the
 * correlations; a rule that stands alone also raises its own alert,
 * merged into this batch's hits.
 */
static void
correlate_hit(const struct sigma_rule *rule, void *arg)
{
	if (rule->index < nlast_hit && cr.cur != NULL &&
	    cr.cur->h.ts > last_hit[rule->index])
		last_hit[rule->index] = cr.cur->h.ts;
	correlate_hit_one(rule, arg);
}

static void
correlate_hit_one(const struct sigma_rule *rule, void *arg)
{
	const struct event_view	*v = cr.cur;
	struct hit		*h;
	char			 val[96], group[128];
	int64_t			 window;
	size_t			 i;

	cr.matches++;
	if (rule->kind != SIGMA_DETECTION)
		return;
	/*
	 * An allow-listed source raises nothing: its hits feed neither
	 * the alert of the rule nor any correlation or baseline, so an
	 * alert grouped by user or host is not raised by it either.
	 */
	if (sup.nallow + sup.ncallow > 0) {
		view_text(v, EV_SRC_IP, val, sizeof(val));
		if (val[0] != '\0' && allowed(val)) {
			sup.allowlisted_hits++;
			return;
		}
	}
	if (cr.ce != NULL)
		corr_hit(cr.ce, rule, cr.cur_se, v->h.ts, v->h.id,
		    v->h.received_at);
	if (cr.be != NULL && rule->ext != NULL)
		base_hit(cr.be, rule, cr.cur_se, v->h.ts, v->h.id,
		    v->h.received_at);
	if (!rule->standalone || cr.quiet)
		return;
	view_text(v, EV_SRC_IP, val, sizeof(val));
	if (val[0] != '\0')
		snprintf(group, sizeof(group), "src_ip=%s", val);
	else {
		view_text(v, EV_HOST, val, sizeof(val));
		snprintf(group, sizeof(group), "host=%s", val);
	}
	window = v->h.ts / 1000000 / CORRELATE_WINDOW;
	for (i = 0; i < cr.nhits; i++) {
		h = &cr.hits[i];
		if (h->rule == rule && h->window == window &&
		    strcmp(h->group, group) == 0)
			goto merge;
	}
	if (cr.nhits == CORRELATE_PENDING)
		correlate_flush();
	h = &cr.hits[cr.nhits++];
	memset(h, 0, sizeof(*h));
	h->rule = rule;
	h->window = window;
	strlcpy(h->group, group, sizeof(h->group));
	h->first = v->h.ts;
	if ((h->ids = json_array()) == NULL)
		fatal("%s: json_array", __func__);
 merge:
	if (v->h.ts < h->first)
		h->first = v->h.ts;
	if (v->h.ts > h->last)
		h->last = v->h.ts;
	h->count++;
	if (json_array_size(h->ids) < 100)
		json_array_append_new(h->ids, json_integer(v->h.id));
}

static void
suppress_load(const char *text)
{
	json_t		*js, *v;
	size_t		 i;

	for (i = 0; i < sup.nsilences; i++) {
		free(sup.silences[i].rule_id);
		free(sup.silences[i].group_key);
	}
	free(sup.silences);
	free(sup.allow);
	sup.silences = NULL;
	sup.nsilences = sup.nallow = 0;
	sup.allow = NULL;
	if ((js = json_loads(text, 0, NULL)) == NULL)
		return;
	sup.silences = calloc(json_array_size(json_object_get(js,
	    "silences")) + 1, sizeof(*sup.silences));
	sup.allow = calloc(json_array_size(json_object_get(js,
	    "allowlist")) + 1, sizeof(*sup.allow));
	if (sup.silences == NULL || sup.allow == NULL)
		fatal("%s: calloc", __func__);
	json_array_foreach(json_object_get(js, "silences"), i, v) {
		struct silence *si = &sup.silences[sup.nsilences++];
		const char *r = json_string_value(json_object_get(v,
		    "rule_id"));
		const char *g = json_string_value(json_object_get(v,
		    "group_key"));

		si->rule_id = r && *r ? strdup(r) : NULL;
		si->group_key = g && *g ? strdup(g) : NULL;
		si->expires_at = json_integer_value(json_object_get(v,
		    "expires_at"));
	}
	json_array_foreach(json_object_get(js, "allowlist"), i, v) {
		if (json_is_string(v) && cidr_parse(json_string_value(v),
		    &sup.allow[sup.nallow]) == 0)
			sup.nallow++;
	}
	json_decref(js);
	log_debug("%zu silences, %zu allow-listed networks", sup.nsilences,
	    sup.nallow);
}

/* Is an alert for this rule and group silenced or allow-listed? */
static int
suppressed(const char *rule_id, const char *group)
{
	const char	*p;
	char		 addr[ROUTER_MAX_ADDR];
	int64_t		 now = real_us();
	size_t		 i, n;

	for (i = 0; i < sup.nsilences; i++) {
		if (sup.silences[i].expires_at <= now)
			continue;
		if ((sup.silences[i].rule_id == NULL ||
		    strcmp(sup.silences[i].rule_id, rule_id) == 0) &&
		    (sup.silences[i].group_key == NULL ||
		    strcmp(sup.silences[i].group_key, group) == 0)) {
			sup.silenced++;
			return (1);
		}
	}
	if (sup.nallow + sup.ncallow == 0 ||
	    (p = strstr(group, "src_ip=")) == NULL)
		return (0);
	p += 7;
	n = strcspn(p, ",; ");
	if (n == 0 || n >= sizeof(addr))
		return (0);
	memcpy(addr, p, n);
	addr[n] = '\0';
	if (allowed(addr)) {
		sup.allowlisted++;
		return (1);
	}
	return (0);
}

/* Is the address in the allow-list (siemd.conf's or the API's)? */
static int
allowed(const char *addr)
{
	size_t	 i;

	for (i = 0; i < sup.ncallow; i++)
		if (cidr_match(&sup.callow[i], addr))
			return (1);
	for (i = 0; i < sup.nallow; i++)
		if (cidr_match(&sup.allow[i], addr))
			return (1);
	return (0);
}

/* The allowlist statements, sent once with the configuration. */
static void
allow_conf(void)
{
	json_t	*a, *v;
	size_t	 i;

	a = json_object_get(cr.c.conf, "allowlist");
	if (!json_is_array(a) || json_array_size(a) == 0)
		return;
	if ((sup.callow = calloc(json_array_size(a),
	    sizeof(*sup.callow))) == NULL)
		fatal("%s: calloc", __func__);
	json_array_foreach(a, i, v)
		if (json_is_string(v) && cidr_parse(json_string_value(v),
		    &sup.callow[sup.ncallow]) == 0)
			sup.ncallow++;
		else
			log_warnx("allowlist entry %zu not understood", i);
}

static const char *
state_name(enum sigma_state st)
{
	switch (st) {
	case SIGMA_LOADED:
		return ("loaded");
	case SIGMA_SKIPPED:
		return ("skipped");
	default:
		return ("invalid");
	}
}

/*
 * Every rule with its state, reason and counters goes to the parent,
 * which answers the API's rule pages from it: the web process has no
 * channel to correlate.
 */
static void
correlate_rules_report(void)
{
	struct sigma_rule	*r;
	json_t			*list, *o, *tags;
	size_t			 i, n, t;

	if (cr.set == NULL)
		return;
	if ((list = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	n = sigma_set_count(cr.set);
	for (i = 0; i < n; i++) {
		r = sigma_set_rule(cr.set, i);
		tags = json_array();
		for (t = 0; t < r->ntags; t++)
			json_array_append_new(tags, json_string(r->tags[t]));
		o = json_pack("{s:s?,s:s?,s:s?,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,"
		    "s:s,s:o,s:{s:s?,s:s?,s:s?},s:I,s:I,s:I,s:I,s:I}",
		    "id", r->id, "title", r->title, "name", r->name,
		    "kind", r->kind == SIGMA_DETECTION ? "detection" :
		    r->kind == SIGMA_CORRELATION ? "correlation" : "filter",
		    "level", r->level, "author", r->author,
		    "description", r->description, "sigma_status", r->status,
		    "path", r->path, "status", state_name(r->state),
		    "tags", tags,
		    "logsource", "product", r->product, "category",
		    r->category, "service", r->service,
		    "evaluated", (json_int_t)r->stats.evaluated,
		    "prefiltered", (json_int_t)r->stats.prefiltered,
		    "hits", (json_int_t)r->stats.matched,
		    "eval_ns", (json_int_t)r->stats.nsec,
		    "last_hit", (json_int_t)(i < nlast_hit ? last_hit[i] : 0));
		if (o == NULL)
			continue;
		if (r->state != SIGMA_LOADED)
			json_object_set_new(o, "reason", json_string(r->reason));
		/*
		 * A siemd: section decides on the hits of its detection:
		 * fired is what it found (hits, what it was given).
		 */
		if (r->ext != NULL) {
			json_object_set_new(o, "siemd",
			    json_string(sigma_ext_type_name(r->ext->type)));
			json_object_set_new(o, "fired", json_integer(
			    (json_int_t)base_rule_fired(cr.be, r)));
		}
		json_array_append_new(list, o);
	}
	/* thousands of rules pass a message's size: sent in pieces */
	(void)json_chunks_send(&cr.c.ctx->parent, IMSG_RULES_STATUS, list);
	json_decref(list);
}

static void
correlate_rules_timer(int fd, short events, void *arg)
{
	struct timeval	 tv = { CORRELATE_RULES_EVERY, 0 };

	correlate_rules_report();
	evtimer_add(&rules_ev, &tv);
}

/*
 * Every alert report leaves through here: held and merged per key
 * (alert_hold.c), so an ongoing attack costs the store one write per
 * alert per second, not one per batch.  js is consumed.
 */
static void
send_alert(json_t *js)
{
	json_t	*ids;

	if (js == NULL)
		fatalx("%s: json", __func__);
	/* a report without its own total stands for the ids it carries */
	ids = json_object_get(js, "event_ids");
	if (json_object_get(js, "events_total") == NULL)
		json_object_set_new(js, "events_total", json_integer(
		    json_is_array(ids) ? json_array_size(ids) : 0));
	alert_hold_put(cr.hold, js, mono_us());
}

/*
 * A report that leaves the hold joins the array sent to the store in
 * one IMSG_ALERT (written there in one transaction).  One that does
 * not fit a message is counted and logged, never lost without a word.
 */
static void
alert_out(json_t *js, void *arg)
{
	char	*text;
	size_t	 len, need;

	if ((text = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	len = strlen(text);
	if (len + 3 > SIEMD_MAX_PAYLOAD) {
		cr.alerts_too_large++;
		log_warnx("alert %s too large to store",
		    json_string_value(json_object_get(js, "key")));
		goto done;
	}
	if (cr.outlen + len + 3 > SIEMD_MAX_PAYLOAD)
		alert_out_flush();
	need = cr.outlen + len + 3;
	if (need > cr.outsize) {
		if ((cr.out = realloc(cr.out, need * 2)) == NULL)
			fatal("%s: realloc", __func__);
		cr.outsize = need * 2;
	}
	cr.out[cr.outlen++] = cr.outn == 0 ? '[' : ',';
	memcpy(cr.out + cr.outlen, text, len);
	cr.outlen += len;
	cr.outn++;
	cr.alerts++;
 done:
	free(text);
	json_decref(js);
}

static void
alert_out_flush(void)
{
	if (cr.outn == 0)
		return;
	cr.out[cr.outlen++] = ']';
	cr.out[cr.outlen++] = '\0';
	if (imsgev_compose(cr.store, IMSG_ALERT, 0, -1, cr.out,
	    cr.outlen) == -1)
		fatal("%s: compose", __func__);
	cr.alert_msgs++;
	cr.outlen = 0;
	cr.outn = 0;
}

static void
correlate_hold_timer(int fd, short events, void *arg)
{
	struct timeval	 tv = { 0, CORRELATE_TICK_MS * 1000 };

	alert_hold_tick(cr.hold, mono_us());
	alert_out_flush();
	evtimer_add(&hold_ev, &tv);
}

/* SIGTERM: what is held goes to the store before we exit. */
static void
correlate_stop(void *arg)
{
	alert_hold_flush(cr.hold);
	alert_out_flush();
	if (imsgbuf_flush(&cr.store->ibuf) == -1)
		log_warn("%s: alerts not handed to the store", __func__);
}

/*
 * A source configured with "silent after" went quiet (the parent
 * watches the counters): a built-in alert, silenced like any other.
 */
static void
correlate_silent(const char *text)
{
	json_t		*in, *js;
	const char	*source;
	char		 group[512], key[640], desc[256];
	int64_t		 since, interval;

	if ((in = json_loads(text, 0, NULL)) == NULL ||
	    (source = json_string_value(json_object_get(in, "source"))) ==
	    NULL) {
		json_decref(in);
		return;
	}
	since = json_integer_value(json_object_get(in, "since"));
	interval = json_integer_value(json_object_get(in, "interval"));
	snprintf(group, sizeof(group), "source=%s", source);
	snprintf(key, sizeof(key), "siemd-silent-source|%s|%lld", group,
	    (long long)since);
	snprintf(desc, sizeof(desc), "Nothing was received from %s for "
	    "%lld seconds (its silent after interval).", source,
	    (long long)interval);
	if (suppressed("siemd-silent-source", group)) {
		json_decref(in);
		return;
	}
	js = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[],s:s,s:I,s:I,"
	    "s:i,s:[]}",
	    "key", key, "rule_id", "siemd-silent-source",
	    "title", "Log source went silent", "author", "siemd",
	    "description", desc, "level", "medium", "severity", "medium",
	    "tags", "group_key", group,
	    "first_seen", (json_int_t)since, "last_seen", (json_int_t)since,
	    "count", 1, "event_ids");
	send_alert(js);
	alert_out_flush();
	json_decref(in);
}

/*
 * One IMSG_ALERT; the store upserts by key.  ids is consumed.  detail,
 * when given, follows the rule's description: the figures that made a
 * baseline or new-value detection fire (kept from the first report).
 */
static void
correlate_send(const struct sigma_rule *rule, const char *key,
    const char *group, int64_t first, int64_t last, int64_t count,
    json_t *ids, const char *detail)
{
	json_t		*js, *tags;
	char		*desc = NULL;
	size_t		 t, n;

	if (suppressed(rule->id ? rule->id : rule->title, group)) {
		json_decref(ids);
		return;
	}
	if (detail != NULL && rule->description != NULL) {
		n = strlen(rule->description);
		while (n > 0 && rule->description[n - 1] == '\n')
			n--;
		if (asprintf(&desc, "%.*s\n\n%s", (int)n, rule->description,
		    detail) == -1)
			fatal("%s: asprintf", __func__);
	}
	if ((tags = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	for (t = 0; t < rule->ntags; t++)
		json_array_append_new(tags, json_string(rule->tags[t]));
	js = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:o,s:s,"
	    "s:I,s:I,s:I,s:o}",
	    "key", key,
	    "rule_id", rule->id ? rule->id : rule->title,
	    "title", rule->title,
	    "author", rule->author,
	    "description", desc != NULL ? desc : detail != NULL ? detail :
	    rule->description,
	    "level", rule->level,
	    "severity", level_severity(rule->level),
	    "tags", tags,
	    "group_key", group,
	    "first_seen", (json_int_t)first,
	    "last_seen", (json_int_t)last,
	    "count", (json_int_t)count,
	    "event_ids", ids);
	/*
	 * Every hit a report counts is an event, while the ids it
	 * carries are bounded (100 a batch, CORR_ALERT_IDS a firing).
	 */
	json_object_set_new(js, "events_total", json_integer(
	    count > (int64_t)json_array_size(ids) ? count :
	    (int64_t)json_array_size(ids)));
	free(desc);
	send_alert(js);
}

/* Each merged hit becomes one alert, keyed by rule, group and hour. */
static void
correlate_flush(void)
{
	struct hit	*h;
	char		 key[512];
	size_t		 i;

	for (i = 0; i < cr.nhits; i++) {
		h = &cr.hits[i];
		snprintf(key, sizeof(key), "%s|%s|%lld",
		    h->rule->id ? h->rule->id : h->rule->title, h->group,
		    (long long)h->window);
		correlate_send(h->rule, key, h->group, h->first, h->last,
		    h->count, h->ids, NULL);
	}
	cr.nhits = 0;
}

/*
 * A correlation fired, or its open alert grew: keyed by rule, group
 * and the event time it fired, so updates merge into the alert.
 */
static void
correlate_corr_alert(const struct corr_alert *a, void *arg)
{
	json_t		*ids;
	char		 key[CORR_GROUP_LEN + 128];
	size_t		 i;

	if ((ids = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	for (i = 0; i < a->nids; i++)
		json_array_append_new(ids, json_integer(a->ids[i]));
	snprintf(key, sizeof(key), "%s|%s|%lld",
	    a->rule->id ? a->rule->id : a->rule->title, a->group,
	    (long long)a->fired);
	if (a->update)
		cr.corr_updates++;
	else
		cr.corr_alerts++;
	correlate_send(a->rule, key, a->group, a->first, a->last, a->count,
	    ids, a->detail);
}

/* Match a batch of stored events; 0, or -1 when it is malformed. */
static int
correlate_batch(const uint8_t *p, size_t left)
{
	struct event_view	 v;
	struct sigma_event	 se;
	int			 rv;

	while ((rv = event_view_next(&p, &left, &v)) == 1) {
		cr.events++;
		if (v.h.id > cr.last_id)
			cr.last_id = v.h.id;
		if (cr.set == NULL)
			continue;
		cr.cur = &v;
		cr.cur_se = &se;
		sigma_event_from_view(&se, &v);
		sigma_match(cr.set, &se, correlate_hit, NULL);
		sigma_event_done(&se);
		cr.cur = NULL;
		cr.cur_se = NULL;
	}
	if (rv == -1)
		return (-1);
	cr.batches++;
	correlate_flush();
	if (cr.ce != NULL)
		corr_flush(cr.ce);
	if (cr.be != NULL)
		base_flush(cr.be);
	alert_out_flush();
	return (0);
}

static int
correlate_dispatch_store(struct imsgev *iev, struct imsg *imsg)
{
	struct replay_done	 done;
	struct event_view	 v;
	const uint8_t		*p;
	size_t			 left;

	switch (imsg->hdr.type) {
	case IMSG_SUPPRESS: {
		const char	*text;

		if (imsg_get_string(imsg, &text) == -1)
			return (-1);
		suppress_load(text);
		break;
	}
	case IMSG_STORED:
		if (cr.replays > 0) {
			/* committed before the replay read: part of it */
			p = imsg->data;
			left = imsg->datalen;
			while (event_view_next(&p, &left, &v) == 1)
				cr.replay_skipped++;
			break;
		}
		if (correlate_batch(imsg->data, imsg->datalen) == -1)
			return (-1);
		break;
	case IMSG_REPLAY_EVENTS:
		if (cr.replays == 0)
			return (-1);
		left = cr.events;
		if (correlate_batch(imsg->data, imsg->datalen) == -1)
			return (-1);
		cr.replayed += cr.events - left;
		break;
	case IMSG_REPLAY_DONE:
		if (cr.replays == 0 ||
		    imsg_get_data(imsg, &done, sizeof(done)) == -1)
			return (-1);
		if (--cr.replays == 0) {
			cr.quiet = 0;
			if (cr.ce != NULL)
				corr_set_quiet(cr.ce, 0);
			if (cr.be != NULL)
				base_set_quiet(cr.be, 0);
		}
		if (done.truncated)
			cr.replays_truncated++;
		log_info("replayed %lld events%s", (long long)done.events,
		    done.truncated ? " (the oldest left out: too many)" : "");
		break;
	default:
		return (-1);
	}
	return (0);
}

__dead void
correlate(struct proc_ctx *ctx)
{
	struct timeval	 tv = { CORRELATE_RULES_EVERY, 0 };

	child_setup(ctx, &cr.c);
	cr.c.counters = correlate_counters;
	cr.c.stop = correlate_stop;
	if ((cr.hold = alert_hold_new(ALERT_HOLD_US, ALERT_HOLD_MAX,
	    alert_out, NULL)) == NULL)
		fatal("%s: alert_hold_new", __func__);
	if ((cr.map = sigma_map_default()) == NULL)
		fatalx("the built-in field mapping does not load");
	if ((cr.store = proc_peer(ctx, PROC_STORE, 0)) == NULL)
		fatalx("no channel to the store");
	/* siemd.conf: correlation lateness, max groups (per rule) */
	corr_params_default(&cr.params);
	if (child_conf_int(&cr.c, "lateness", -1) >= 0)
		cr.params.lateness = child_conf_int(&cr.c, "lateness", 0) *
		    1000000;
	if (child_conf_int(&cr.c, "max_groups", 0) > 0)
		cr.params.max_groups = child_conf_int(&cr.c, "max_groups", 0);
	if (child_conf_int(&cr.c, "max_groups_rule", 0) > 0)
		cr.params.max_groups_rule = child_conf_int(&cr.c,
		    "max_groups_rule", 0);
	if (child_conf_int(&cr.c, "suppress", -1) > 0)
		cr.params.suppress = child_conf_int(&cr.c, "suppress", 0) *
		    1000000;
	allow_conf();
	child_seal(&cr.c, child_conf_str(&cr.c, "chroot", SIEMD_EMPTY));
	ctx->parent.dispatch = correlate_dispatch_parent;
	cr.store->dispatch = correlate_dispatch_store;
	evtimer_assign(&rules_ev, ctx->evbase, correlate_rules_timer, NULL);
	evtimer_add(&rules_ev, &tv);
	evtimer_assign(&hold_ev, ctx->evbase, correlate_hold_timer, NULL);
	correlate_hold_timer(-1, 0, NULL);
	child_run(&cr.c);
}
