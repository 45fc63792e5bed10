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
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "child.h"
#include "event_wire.h"
#include "sigma.h"

#define CORRELATE_WINDOW	3600		/* seconds of event time */
#define CORRELATE_PENDING	4096		/* hits merged per batch */

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
	struct sigma_map	*map;
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
	uint64_t		 reloads;
	int64_t			 last_id;
	struct imsgev		*store;
	struct hit		 hits[CORRELATE_PENDING];
	size_t			 nhits;
	const struct event_view	*cur;		/* event being matched */
};

static struct correlate	 cr;

static json_t	*correlate_counters(void *);
static int	 correlate_dispatch_parent(struct imsgev *, struct imsg *);
static int	 correlate_dispatch_store(struct imsgev *, struct imsg *);
static void	 correlate_hit(const struct sigma_rule *, void *);
static void	 correlate_flush(void);
static void	 correlate_swap(void);

static json_t *
correlate_counters(void *arg)
{
	return (json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "rule_files", (json_int_t)cr.rule_files,
	    "rules_loaded", (json_int_t)cr.loaded,
	    "rules_skipped", (json_int_t)cr.skipped,
	    "reloads", (json_int_t)cr.reloads,
	    "events", (json_int_t)cr.events,
	    "batches", (json_int_t)cr.batches,
	    "matches", (json_int_t)cr.matches,
	    "alerts", (json_int_t)cr.alerts,
	    "last_event_id", (json_int_t)cr.last_id));
}

/* The new set replaces the running one only once it compiled. */
static void
correlate_swap(void)
{
	struct sigma_rule	*r;
	size_t			 i, n, loaded = 0, skipped = 0;

	if (cr.next == NULL && (cr.next = sigma_set_new(cr.map)) == NULL)
		fatal("%s: sigma_set_new", __func__);
	if (sigma_set_compile(cr.next) == -1) {
		log_warnx("rule set failed to compile, keeping the running "
		    "one");
		sigma_set_free(cr.next);
		cr.next = NULL;
		return;
	}
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
		if (cr.next == NULL &&
		    (cr.next = sigma_set_new(cr.map)) == NULL)
			fatal("%s: sigma_set_new", __func__);
		/* problems are recorded per rule and reported on swap */
		(void)sigma_set_add_file(cr.next, path, yaml, rf.len);
		cr.next_files++;
		break;
	case IMSG_RULES_DONE:
		correlate_swap();
		break;
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

/* A rule matched the current event: merge it into this batch's hits. */
static void
correlate_hit(const struct sigma_rule *rule, void *arg)
{
	const struct event_view	*v = cr.cur;
	struct hit		*h;
	char			 val[96], group[128];
	int64_t			 window;
	size_t			 i;

	cr.matches++;
	if (rule->kind != SIGMA_DETECTION)
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

/* Each merged hit becomes one IMSG_ALERT; the store upserts by key. */
static void
correlate_flush(void)
{
	struct hit	*h;
	json_t		*js, *tags;
	char		*text, key[512];
	size_t		 i, t;

	for (i = 0; i < cr.nhits; i++) {
		h = &cr.hits[i];
		snprintf(key, sizeof(key), "%s|%s|%lld",
		    h->rule->id ? h->rule->id : h->rule->title, h->group,
		    (long long)h->window);
		if ((tags = json_array()) == NULL)
			fatal("%s: json_array", __func__);
		for (t = 0; t < h->rule->ntags; t++)
			json_array_append_new(tags,
			    json_string(h->rule->tags[t]));
		js = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:o,s:s,"
		    "s:I,s:I,s:I,s:O}",
		    "key", key,
		    "rule_id", h->rule->id ? h->rule->id : h->rule->title,
		    "title", h->rule->title,
		    "author", h->rule->author,
		    "description", h->rule->description,
		    "level", h->rule->level,
		    "severity", level_severity(h->rule->level),
		    "tags", tags,
		    "group_key", h->group,
		    "first_seen", (json_int_t)h->first,
		    "last_seen", (json_int_t)h->last,
		    "count", (json_int_t)h->count,
		    "event_ids", h->ids);
		if (js == NULL || (text = json_dumps(js, JSON_COMPACT)) ==
		    NULL)
			fatalx("%s: json", __func__);
		if (strlen(text) + 1 <= SIEMD_MAX_PAYLOAD &&
		    imsgev_compose(cr.store, IMSG_ALERT, 0, -1, text,
		    strlen(text) + 1) == -1)
			fatal("%s: compose", __func__);
		cr.alerts++;
		free(text);
		json_decref(js);
		json_decref(h->ids);
	}
	cr.nhits = 0;
}

static int
correlate_dispatch_store(struct imsgev *iev, struct imsg *imsg)
{
	struct event_view	 v;
	struct sigma_event	 se;
	const uint8_t		*p;
	size_t			 left;
	int			 rv;

	switch (imsg->hdr.type) {
	case IMSG_STORED:
		p = imsg->data;
		left = imsg->datalen;
		while ((rv = event_view_next(&p, &left, &v)) == 1) {
			cr.events++;
			cr.last_id = v.h.id;
			if (cr.set == NULL)
				continue;
			cr.cur = &v;
			sigma_event_from_view(&se, &v);
			sigma_match(cr.set, &se, correlate_hit, NULL);
			sigma_event_done(&se);
			cr.cur = NULL;
		}
		if (rv == -1)
			return (-1);
		cr.batches++;
		correlate_flush();
		break;
	default:
		return (-1);
	}
	return (0);
}

__dead void
correlate(struct proc_ctx *ctx)
{
	child_setup(ctx, &cr.c);
	cr.c.counters = correlate_counters;
	if ((cr.map = sigma_map_default()) == NULL)
		fatalx("the built-in field mapping does not load");
	if ((cr.store = proc_peer(ctx, PROC_STORE, 0)) == NULL)
		fatalx("no channel to the store");
	child_seal(&cr.c, child_conf_str(&cr.c, "chroot", SIEMD_EMPTY));
	ctx->parent.dispatch = correlate_dispatch_parent;
	cr.store->dispatch = correlate_dispatch_store;
	child_run(&cr.c);
}
