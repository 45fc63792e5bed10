/*
 * The windowed engine behind Sigma correlation rules (sigma_corr.h
 * says what it computes).  The library in sigma.c parses correlation
 * documents and resolves their references; this file keeps, per
 * correlation and group, the hits of a sliding window in event time
 * and tests the condition as hits arrive.
 *
 * Why windows in event time with a lateness: logs arrive late and out
 * of order (a tailed file read from the start, several parsers), and
 * a brute force is "10 failures in 5 minutes" of the attacker's time,
 * not of ours.  Why a per-group watermark rather than one per rule: an
 * old log imported beside a live one must still correlate.
 *
 * Why suppression renews with every merged hit: an attack that goes
 * on is one incident; its alert grows (count, last_seen, event ids)
 * until the group has been quiet for a suppression window.
 *
 * Memory: a group costs its struct, its key and its hits (32 bytes
 * each, the array grows by doubling up to max_entries).
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "sigma.h"
#include "sigma_corr.h"

#define CORR_CHAIN_MAX		16	/* nested firings followed */
#define CORR_EXPIRE_STEP	8	/* idle groups freed per hit */

/* Where a value is in the hits of one referenced rule. */
struct corr_src {
	int			 fire;	/* from the group of a correlation */
	size_t			 idx;	/* its group-by field */
	struct sigma_target	 t;
};

struct corr_entry {
	int64_t			 ts;
	int64_t			 id;
	uint64_t		 vhash;	/* value_count, value_percentile */
	double			 num;	/* value_sum, value_avg */
	uint64_t		 mask;	/* positions in rules (temporal) */
};

struct corr_rule;

struct corr_group {
	struct corr_group	*hnext;
	TAILQ_ENTRY(corr_group)	 rlru;
	TAILQ_ENTRY(corr_group)	 glru;
	struct corr_rule	*cr;
	uint64_t		 hash;
	char			*key;	/* key, NUL, then each value, NUL */
	struct corr_entry	*e;
	size_t			 ne;
	size_t			 cap;
	int64_t			 maxts;
	int64_t			 touched;	/* processing clock */
	int			 open;
	int64_t			 fired;
	int64_t			 until;
	/* an update of the open alert, reported by corr_flush() */
	struct corr_group	*dnext;
	int			 dirty;
	int64_t			 pcount;
	int64_t			 pfirst;
	int64_t			 plast;
	int64_t			*pids;
	size_t			 npids;
};

TAILQ_HEAD(corr_lru, corr_group);

/* A rule (detection or correlation) feeds a correlation. */
struct corr_feed {
	struct corr_rule	*cr;
	size_t			 pos;		/* first position in rules */
	uint64_t		 mask;		/* every position */
};

struct corr_feeds {
	struct corr_feed	*v;
	size_t			 n;
};

struct corr_rule {
	struct sigma_rule	*r;
	struct sigma_corr	*co;
	struct corr_src		*group;		/* [nrefs][ngroup_by] */
	struct corr_src		*field;		/* [nrefs] */
	int			 ok;
	int64_t			 span;		/* µs */
	int64_t			 suppress;	/* µs */
	int64_t			 chain;		/* µs, with what it reads */
	int64_t			 idle;		/* µs of processing time */
	size_t			 ngroups;
	struct corr_lru		 lru;
};

struct corr_fire {
	const struct corr_rule	*cr;
	const char		*vals[SIGMA_MAX_SEARCHES];
	size_t			 lens[SIGMA_MAX_SEARCHES];
};

struct corr_engine {
	struct sigma_set	*set;
	struct corr_params	 p;
	corr_alert_cb		 alert;
	void			*arg;
	struct corr_rule	*rules;
	size_t			 nrules;
	struct corr_rule	**byidx;	/* set index -> correlation */
	struct corr_feeds	*feeds;		/* set index -> what it feeds */
	size_t			 nset;
	struct corr_group	**tab;
	size_t			 ntab;		/* power of two */
	struct corr_lru		 lru;
	struct corr_group	*dirty;
	int64_t			 clock;
	int			 quiet;
	uint64_t		*scratch;	/* scratch_slots(max_entries) */
	struct corr_stats	 st;
};

static int	 src_resolve(struct corr_engine *, const struct sigma_map *,
		    struct corr_rule *, size_t, const char *,
		    struct corr_src *);
static int	 src_get(const struct corr_src *, struct sigma_event *,
		    const struct corr_fire *, const char **, size_t *);
static uint64_t	 hash_bytes(uint64_t, const void *, size_t);
static struct corr_group *group_get(struct corr_engine *,
		    struct corr_rule *, const char *, size_t, uint64_t);
static void	 group_free(struct corr_engine *, struct corr_group *, int);
static void	 group_report(struct corr_engine *, struct corr_group *);
static int	 group_insert(struct corr_engine *, struct corr_group *,
		    const struct corr_entry *);
static int	 window_eval(struct corr_engine *, struct corr_rule *,
		    struct corr_group *, int64_t, uint64_t, size_t *,
		    size_t *);
static int	 cmp_ok(const struct sigma_corr *, double);
static size_t	 scratch_slots(size_t);
static void	 input(struct corr_engine *, struct corr_rule *,
		    const struct corr_feed *, struct sigma_event *,
		    const struct corr_fire *, int64_t, int64_t, int);
static void	 expire(struct corr_engine *, struct corr_lru *);

void
corr_params_default(struct corr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->lateness = CORR_LATENESS;
	p->max_groups_rule = CORR_MAX_GROUPS_RULE;
	p->max_groups = CORR_MAX_GROUPS;
	p->max_entries = CORR_MAX_ENTRIES;
}

static void
skip(struct corr_rule *cr, const char *fmt, const char *a, const char *b)
{
	cr->ok = 0;
	cr->r->state = SIGMA_SKIPPED;
	snprintf(cr->r->reason, sizeof(cr->r->reason), fmt, a, b);
}

/* Does the rule go by this name (as aliases and rules: write it)? */
static int
rule_named(const struct sigma_rule *r, const char *written, const char *n)
{
	return (strcmp(written, n) == 0 || (r->name != NULL &&
	    strcmp(r->name, n) == 0) || (r->id != NULL &&
	    strcmp(r->id, n) == 0));
}

/*
 * The field name of the correlation (a group-by name or field, maybe
 * an alias) in the hits of reference j.  0, or -1 when unknown.
 */
static int
src_resolve(struct corr_engine *ce, const struct sigma_map *map,
    struct corr_rule *cr, size_t j, const char *name, struct corr_src *src)
{
	const struct sigma_corr	*co = cr->co;
	const struct sigma_rule	*ref = co->refs[j];
	const struct sigma_alias *al;
	const struct sigma_ls	*ls;
	const char		*field = name;
	size_t			 a, k;

	for (a = 0; a < co->naliases; a++) {
		al = &co->aliases[a];
		if (strcmp(al->alias, name) != 0)
			continue;
		for (k = 0; k < al->n; k++)
			if (rule_named(ref, co->rules[j], al->rule[k]))
				break;
		if (k == al->n) {
			skip(cr, "alias %.64s names no field for rule %.64s",
			    name, co->rules[j]);
			return (-1);
		}
		field = al->field[k];
		break;
	}
	memset(src, 0, sizeof(*src));
	if (ref->kind == SIGMA_CORRELATION) {
		/* a firing carries the values it was grouped by */
		for (k = 0; k < ref->corr->ngroup_by; k++)
			if (strcmp(ref->corr->group_by[k], field) == 0) {
				src->fire = 1;
				src->idx = k;
				return (0);
			}
		skip(cr, "field %.64s is not a group-by field of "
		    "correlation %.64s", field, co->rules[j]);
		return (-1);
	}
	if ((ls = sigma_map_find(map, ref->product, ref->category,
	    ref->service)) != NULL && sigma_map_field(ls, field,
	    &src->t) == 0)
		return (0);
	/* the schema's own column names work everywhere */
	if (sigma_target_parse(field, &src->t) == 0)
		return (0);
	skip(cr, "field %.64s not mapped for rule %.64s", field,
	    co->rules[j]);
	return (-1);
}

struct corr_engine *
corr_new(struct sigma_set *set, const struct sigma_map *map,
    const struct corr_params *p, corr_alert_cb alert, void *arg)
{
	struct corr_engine	*ce;
	struct corr_rule	*cr, *inner;
	struct corr_feeds	*fd;
	struct corr_feed	*f;
	struct sigma_rule	*r;
	struct sigma_corr	*co;
	size_t			 i, j, k, n, g, pass;
	int			 changed;
	int64_t			 c;

	if ((ce = calloc(1, sizeof(*ce))) == NULL)
		fatal("%s: calloc", __func__);
	ce->set = set;
	if (p != NULL)
		ce->p = *p;
	else
		corr_params_default(&ce->p);
	if (ce->p.max_entries == 0)
		ce->p.max_entries = CORR_MAX_ENTRIES;
	if (ce->p.max_groups == 0)
		ce->p.max_groups = CORR_MAX_GROUPS;
	if (ce->p.max_groups_rule == 0)
		ce->p.max_groups_rule = CORR_MAX_GROUPS_RULE;
	ce->alert = alert;
	ce->arg = arg;
	TAILQ_INIT(&ce->lru);
	ce->nset = n = sigma_set_count(set);
	if ((ce->byidx = calloc(n + 1, sizeof(*ce->byidx))) == NULL ||
	    (ce->feeds = calloc(n + 1, sizeof(*ce->feeds))) == NULL ||
	    (ce->rules = calloc(n + 1, sizeof(*ce->rules))) == NULL ||
	    (ce->scratch = calloc(scratch_slots(ce->p.max_entries),
	    sizeof(*ce->scratch))) == NULL)
		fatal("%s: calloc", __func__);
	ce->ntab = 1024;
	if ((ce->tab = calloc(ce->ntab, sizeof(*ce->tab))) == NULL)
		fatal("%s: calloc", __func__);

	for (i = 0; i < n; i++) {
		r = sigma_set_rule(set, i);
		if (r->kind != SIGMA_CORRELATION || r->state != SIGMA_LOADED)
			continue;
		co = r->corr;
		cr = &ce->rules[ce->nrules++];
		ce->byidx[i] = cr;
		cr->r = r;
		cr->co = co;
		cr->ok = 1;
		TAILQ_INIT(&cr->lru);
		cr->span = co->timespan * 1000000;
		cr->suppress = ce->p.suppress > 0 ? ce->p.suppress : cr->span;
		if (co->nrules > CORR_MAX_REFS ||
		    co->ngroup_by > SIGMA_MAX_SEARCHES) {
			skip(cr, "correlation names too many rules or "
			    "group-by fields%s%s", "", "");
			continue;
		}
		/*
		 * A group keeps max_entries hits: a count it would need
		 * more of could never be reached, so say so rather than
		 * never match.
		 */
		if ((co->type == SIGMA_CORR_EVENT_COUNT ||
		    co->type == SIGMA_CORR_VALUE_COUNT) &&
		    (((co->cmp & SIGMA_CMP_GTE) &&
		    co->gte > (double)ce->p.max_entries) ||
		    ((co->cmp & SIGMA_CMP_GT) &&
		    co->gt >= (double)ce->p.max_entries) ||
		    ((co->cmp & SIGMA_CMP_EQ) &&
		    co->eq > (double)ce->p.max_entries))) {
			char	 lim[32];

			snprintf(lim, sizeof(lim), "%zu", ce->p.max_entries);
			skip(cr, "condition needs more than %s hits in a "
			    "window; a group keeps %s", lim, lim);
			continue;
		}
		if ((cr->group = calloc(co->nrules * co->ngroup_by + 1,
		    sizeof(*cr->group))) == NULL ||
		    (cr->field = calloc(co->nrules + 1,
		    sizeof(*cr->field))) == NULL)
			fatal("%s: calloc", __func__);
		for (j = 0; j < co->nrules && cr->ok; j++) {
			for (g = 0; g < co->ngroup_by && cr->ok; g++)
				(void)src_resolve(ce, map, cr, j,
				    co->group_by[g],
				    &cr->group[j * co->ngroup_by + g]);
			if (cr->ok && co->field != NULL &&
			    co->type != SIGMA_CORR_TEMPORAL &&
			    co->type != SIGMA_CORR_TEMPORAL_ORDERED)
				(void)src_resolve(ce, map, cr, j, co->field,
				    &cr->field[j]);
		}
	}

	/* a correlation over one that cannot run cannot run either */
	for (pass = 0, changed = 1; changed && pass < CORR_CHAIN_MAX;
	    pass++) {
		changed = 0;
		for (k = 0; k < ce->nrules; k++) {
			cr = &ce->rules[k];
			if (!cr->ok)
				continue;
			c = 0;
			for (j = 0; j < cr->co->nrules; j++) {
				r = cr->co->refs[j];
				if (r->kind != SIGMA_CORRELATION)
					continue;
				inner = ce->byidx[r->index];
				if (inner == NULL || !inner->ok) {
					skip(cr, "references correlation "
					    "%.64s, which cannot run%s",
					    cr->co->rules[j], "");
					changed = 1;
					break;
				}
				if (inner->chain > c)
					c = inner->chain;
			}
			if (cr->ok && cr->chain != cr->span + c) {
				cr->chain = cr->span + c;
				changed = 1;
			}
		}
	}

	/* what each rule feeds */
	for (k = 0; k < ce->nrules; k++) {
		cr = &ce->rules[k];
		cr->idle = cr->chain + cr->suppress + ce->p.lateness;
		if (!cr->ok)
			continue;
		for (j = 0; j < cr->co->nrules; j++) {
			r = cr->co->refs[j];
			fd = &ce->feeds[r->index];
			for (i = 0; i < fd->n; i++)
				if (fd->v[i].cr == cr)
					break;
			if (i < fd->n) {
				fd->v[i].mask |= 1ULL << j;
				continue;
			}
			if ((f = reallocarray(fd->v, fd->n + 1,
			    sizeof(*fd->v))) == NULL)
				fatal("%s: reallocarray", __func__);
			fd->v = f;
			f = &fd->v[fd->n++];
			f->cr = cr;
			f->pos = j;
			f->mask = 1ULL << j;
		}
	}
	return (ce);
}

void
corr_free(struct corr_engine *ce)
{
	struct corr_group	*g;
	struct corr_rule	*cr;
	size_t			 i, j;

	if (ce == NULL)
		return;
	while ((g = TAILQ_FIRST(&ce->lru)) != NULL)
		group_free(ce, g, 0);
	for (i = 0; i < ce->nrules; i++) {
		cr = &ce->rules[i];
		if (cr->group != NULL)
			for (j = 0; j < cr->co->nrules * cr->co->ngroup_by;
			    j++)
				sigma_target_free(&cr->group[j].t);
		if (cr->field != NULL)
			for (j = 0; j < cr->co->nrules; j++)
				sigma_target_free(&cr->field[j].t);
		free(cr->group);
		free(cr->field);
	}
	for (i = 0; i < ce->nset; i++)
		free(ce->feeds[i].v);
	free(ce->feeds);
	free(ce->byidx);
	free(ce->rules);
	free(ce->tab);
	free(ce->scratch);
	free(ce);
}

size_t
corr_rules(const struct corr_engine *ce)
{
	size_t	 i, n = 0;

	for (i = 0; i < ce->nrules; i++)
		n += ce->rules[i].ok;
	return (n);
}

int64_t
corr_span(const struct corr_engine *ce)
{
	int64_t	 span = 0, s;
	size_t	 i;

	for (i = 0; i < ce->nrules; i++) {
		if (!ce->rules[i].ok)
			continue;
		s = ce->rules[i].chain + ce->rules[i].suppress;
		if (s > span)
			span = s;
	}
	return (span > 0 ? span + ce->p.lateness : 0);
}

void
corr_set_quiet(struct corr_engine *ce, int quiet)
{
	ce->quiet = quiet;
}

const struct corr_stats *
corr_stats(const struct corr_engine *ce)
{
	return (&ce->st);
}

static uint64_t
hash_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return (h);
}

static int
src_get(const struct corr_src *src, struct sigma_event *se,
    const struct corr_fire *fire, const char **p, size_t *len)
{
	if (src->fire) {
		if (fire == NULL)
			return (0);
		*p = fire->vals[src->idx];
		*len = fire->lens[src->idx];
		return (1);
	}
	if (se == NULL)
		return (0);
	return (sigma_event_get(se, &src->t, p, len));
}

/* Find the group of this key, or make it within the bounds. */
static struct corr_group *
group_get(struct corr_engine *ce, struct corr_rule *cr, const char *key,
    size_t keylen, uint64_t h)
{
	struct corr_group	*g, **tab, *nx;
	size_t			 b, i, ntab;

	for (g = ce->tab[h & (ce->ntab - 1)]; g != NULL; g = g->hnext)
		if (g->hash == h && g->cr == cr && strcmp(g->key, key) == 0)
			return (g);
	if (cr->ngroups >= ce->p.max_groups_rule &&
	    (g = TAILQ_FIRST(&cr->lru)) != NULL) {
		group_free(ce, g, 1);
		ce->st.evicted++;
	}
	if (ce->st.groups >= ce->p.max_groups &&
	    (g = TAILQ_FIRST(&ce->lru)) != NULL) {
		group_free(ce, g, 1);
		ce->st.evicted++;
	}
	if (ce->st.groups >= ce->ntab) {
		ntab = ce->ntab * 2;
		if ((tab = calloc(ntab, sizeof(*tab))) == NULL)
			fatal("%s: calloc", __func__);
		for (i = 0; i < ce->ntab; i++)
			for (g = ce->tab[i]; g != NULL; g = nx) {
				nx = g->hnext;
				b = g->hash & (ntab - 1);
				g->hnext = tab[b];
				tab[b] = g;
			}
		free(ce->tab);
		ce->tab = tab;
		ce->ntab = ntab;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->key = malloc(keylen)) == NULL)
		fatal("%s: calloc", __func__);
	memcpy(g->key, key, keylen);
	g->cr = cr;
	g->hash = h;
	b = h & (ce->ntab - 1);
	g->hnext = ce->tab[b];
	ce->tab[b] = g;
	TAILQ_INSERT_TAIL(&cr->lru, g, rlru);
	TAILQ_INSERT_TAIL(&ce->lru, g, glru);
	cr->ngroups++;
	if (++ce->st.groups > ce->st.groups_peak)
		ce->st.groups_peak = ce->st.groups;
	return (g);
}

/* Unlink and free; a pending update is reported first when asked. */
static void
group_free(struct corr_engine *ce, struct corr_group *g, int report)
{
	struct corr_group	**pp;

	if (g->dirty) {
		if (report)
			group_report(ce, g);
		for (pp = &ce->dirty; *pp != NULL; pp = &(*pp)->dnext)
			if (*pp == g) {
				*pp = g->dnext;
				break;
			}
	}
	for (pp = &ce->tab[g->hash & (ce->ntab - 1)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == g) {
			*pp = g->hnext;
			break;
		}
	TAILQ_REMOVE(&g->cr->lru, g, rlru);
	TAILQ_REMOVE(&ce->lru, g, glru);
	g->cr->ngroups--;
	ce->st.groups--;
	free(g->pids);
	free(g->e);
	free(g->key);
	free(g);
}

/* Report the pending update of an open alert. */
static void
group_report(struct corr_engine *ce, struct corr_group *g)
{
	struct corr_alert	 a;

	if (!g->dirty)
		return;
	memset(&a, 0, sizeof(a));
	a.rule = g->cr->r;
	a.group = g->key;
	a.fired = g->fired;
	a.first = g->pfirst;
	a.last = g->plast;
	a.count = g->pcount;
	a.ids = g->pids;
	a.nids = g->npids;
	a.update = 1;
	if (ce->alert != NULL && !ce->quiet)
		ce->alert(&a, ce->arg);
	ce->st.updates++;
	g->dirty = 0;
	g->pcount = 0;
	g->npids = 0;
	free(g->pids);
	g->pids = NULL;
}

void
corr_flush(struct corr_engine *ce)
{
	struct corr_group	*g;

	while ((g = ce->dirty) != NULL) {
		ce->dirty = g->dnext;
		g->dnext = NULL;
		group_report(ce, g);
	}
}

/* Hits in event-time order; the oldest go when the group is full. */
static int
group_insert(struct corr_engine *ce, struct corr_group *g,
    const struct corr_entry *en)
{
	struct corr_entry	*e;
	size_t			 i, cap, drop;
	int64_t			 keep;

	/* what no window can reach any more */
	keep = (en->ts > g->maxts ? en->ts : g->maxts) - g->cr->span -
	    ce->p.lateness;
	for (drop = 0; drop < g->ne && g->e[drop].ts < keep; drop++)
		;
	if (drop == 0 && g->ne == ce->p.max_entries) {
		drop = 1;
		ce->st.truncated++;
	}
	if (drop > 0) {
		memmove(g->e, g->e + drop, (g->ne - drop) * sizeof(*g->e));
		g->ne -= drop;
	}
	if (g->ne == g->cap) {
		cap = g->cap ? g->cap * 2 : 4;
		if (cap > ce->p.max_entries)
			cap = ce->p.max_entries;
		if ((e = reallocarray(g->e, cap, sizeof(*e))) == NULL)
			fatal("%s: reallocarray", __func__);
		g->e = e;
		g->cap = cap;
	}
	for (i = g->ne; i > 0 && g->e[i - 1].ts > en->ts; i--)
		;
	memmove(g->e + i + 1, g->e + i, (g->ne - i) * sizeof(*g->e));
	g->e[i] = *en;
	g->ne++;
	if (en->ts > g->maxts)
		g->maxts = en->ts;
	return ((int)i);
}

static int
cmp_ok(const struct sigma_corr *co, double v)
{
	if ((co->cmp & SIGMA_CMP_GT) && !(v > co->gt))
		return (0);
	if ((co->cmp & SIGMA_CMP_GTE) && !(v >= co->gte))
		return (0);
	if ((co->cmp & SIGMA_CMP_LT) && !(v < co->lt))
		return (0);
	if ((co->cmp & SIGMA_CMP_LTE) && !(v <= co->lte))
		return (0);
	if ((co->cmp & SIGMA_CMP_EQ) && !(v == co->eq))
		return (0);
	if ((co->cmp & SIGMA_CMP_NEQ) && !(v != co->neq))
		return (0);
	return (1);
}


/* Slots of the distinct-value set for n hits: a power of two >= 2n. */
static size_t
scratch_slots(size_t n)
{
	size_t	 slots;

	for (slots = 1; slots < 2 * n; slots <<= 1)
		;
	return (slots);
}

/* The first of the group's hits with ts > t (with ge, ts >= t). */
static size_t
hits_from(const struct corr_group *g, int64_t t, int ge)
{
	size_t	 lo = 0, hi = g->ne, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ge ? g->e[mid].ts < t : g->e[mid].ts <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/*
 * Distinct values among hits [a, b), counted in an open-addressing
 * set in scratch (twice max_entries slots, so at most half full).
 * With only a lower bound in the condition the count stops once it
 * is met: more values cannot make it false.
 */
static size_t
distinct_values(struct corr_engine *ce, const struct sigma_corr *co,
    const struct corr_group *g, size_t a, size_t b)
{
	uint64_t	 h, *tab = ce->scratch;
	size_t		 i, j, mask, d = 0, need = SIZE_MAX;
	double		 lb = -1;
	int		 zero = 0;

	if (!(co->cmp & (SIGMA_CMP_LT | SIGMA_CMP_LTE | SIGMA_CMP_EQ |
	    SIGMA_CMP_NEQ))) {
		if (co->cmp & SIGMA_CMP_GTE)
			lb = ceil(co->gte);
		if ((co->cmp & SIGMA_CMP_GT) && floor(co->gt) + 1 > lb)
			lb = floor(co->gt) + 1;
		if (lb >= 0 && lb < (double)(b - a))
			need = (size_t)lb;
	}
	mask = scratch_slots(b - a);
	memset(tab, 0, mask * sizeof(*tab));
	mask--;
	for (i = a; i < b && d < need; i++) {
		/* 0 marks an empty slot, so the value 0 is counted apart */
		if ((h = g->e[i].vhash) == 0) {
			if (!zero)
				d++;
			zero = 1;
			continue;
		}
		for (j = h & mask; tab[j] != 0 && tab[j] != h;
		    j = (j + 1) & mask)
			;
		if (tab[j] == 0) {
			tab[j] = h;
			d++;
		}
	}
	return (d);
}

/*
 * Test the condition on the window ending at end: the hits with
 * end - span <= ts <= end, [*lo, *hi) of the group's array (sorted by
 * ts, so found by binary search).
 */
static int
window_eval(struct corr_engine *ce, struct corr_rule *cr,
    struct corr_group *g, int64_t end, uint64_t vhash, size_t *lo,
    size_t *hi)
{
	const struct sigma_corr	*co = cr->co;
	int64_t			 best[CORR_MAX_REFS];
	uint64_t		 all, mask;
	size_t			 a, b, i, n, d;
	double			 sum;
	int			 k;

	a = hits_from(g, end - cr->span, 1);
	b = hits_from(g, end, 0);
	*lo = a;
	*hi = b;
	n = b - a;
	if (n == 0)
		return (0);
	switch (co->type) {
	case SIGMA_CORR_EVENT_COUNT:
		return (cmp_ok(co, (double)n));
	case SIGMA_CORR_VALUE_COUNT:
		return (cmp_ok(co, (double)distinct_values(ce, co, g, a, b)));
	case SIGMA_CORR_VALUE_SUM:
	case SIGMA_CORR_VALUE_AVG:
		for (i = a, sum = 0; i < b; i++)
			sum += g->e[i].num;
		return (cmp_ok(co, co->type == SIGMA_CORR_VALUE_SUM ? sum :
		    sum / (double)n));
	case SIGMA_CORR_VALUE_PERCENTILE:
		for (i = a, d = 0; i < b; i++)
			if (g->e[i].vhash == vhash)
				d++;
		return (cmp_ok(co, 100.0 * (double)d / (double)n));
	case SIGMA_CORR_TEMPORAL:
		all = co->nrules == 64 ? ~0ULL : (1ULL << co->nrules) - 1;
		for (i = a, mask = 0; i < b; i++)
			mask |= g->e[i].mask;
		return ((mask & all) == all);
	case SIGMA_CORR_TEMPORAL_ORDERED:
		/*
		 * best[k]: the latest start of a sequence through
		 * position k; the latest start leaves the most room.
		 */
		for (k = 0; k < (int)co->nrules; k++)
			best[k] = INT64_MIN;
		for (i = a; i < b; i++)
			for (k = (int)co->nrules - 1; k >= 0; k--) {
				if (!(g->e[i].mask & (1ULL << k)))
					continue;
				if (k == 0)
					best[0] = g->e[i].ts;
				else if (best[k - 1] != INT64_MIN &&
				    best[k - 1] > best[k])
					best[k] = best[k - 1];
			}
		return (best[co->nrules - 1] != INT64_MIN);
	}
	return (0);
}

/* Free groups idle longer than their rule can use them. */
static void
expire(struct corr_engine *ce, struct corr_lru *lru)
{
	struct corr_group	*g;
	int			 i;

	for (i = 0; i < CORR_EXPIRE_STEP; i++) {
		g = TAILQ_FIRST(lru);
		if (g == NULL || g->touched >= ce->clock - g->cr->idle)
			break;
		group_free(ce, g, 1);
		ce->st.expired++;
	}
}

/* One hit for correlation cr, from an event or from a firing. */
static void
input(struct corr_engine *ce, struct corr_rule *cr,
    const struct corr_feed *f, struct sigma_event *se,
    const struct corr_fire *from, int64_t ts, int64_t id, int depth)
{
	const struct sigma_corr	*co = cr->co;
	struct corr_fire	 fire;
	struct corr_entry	 en;
	struct corr_group	*g;
	struct corr_alert	 al;
	struct corr_feeds	*fd;
	const char		*p;
	char			 key[CORR_GROUP_LEN], num[64];
	int64_t			 ids[CORR_ALERT_IDS], end, prevmax;
	size_t			 len, off = 0, gi, lo, hi, i, n;
	uint64_t		 h;
	int			 at, fired = 0;

	if (!cr->ok || depth > CORR_CHAIN_MAX)
		return;
	ce->st.hits++;
	memset(&en, 0, sizeof(en));
	en.ts = ts;
	en.id = id;
	en.mask = f->mask;

	/* the group: "name=value,name=value" then the values */
	key[0] = '\0';
	for (gi = 0; gi < co->ngroup_by; gi++) {
		if (!src_get(&cr->group[f->pos * co->ngroup_by + gi], se, from,
		    &p, &len) || len == 0) {
			ce->st.ungrouped++;
			return;
		}
		n = snprintf(key + off, sizeof(key) - off, "%s%s=%.*s",
		    gi ? "," : "", co->group_by[gi], (int)len, p);
		if (n >= sizeof(key) - off) {
			ce->st.ungrouped++;
			return;
		}
		off += n;
	}
	if (co->ngroup_by == 0)
		off = strlcpy(key, "all", sizeof(key));
	n = off + 1;
	for (gi = 0; gi < co->ngroup_by; gi++) {
		src_get(&cr->group[f->pos * co->ngroup_by + gi], se, from, &p,
		    &len);
		if (n + len + 1 > sizeof(key)) {
			ce->st.ungrouped++;
			return;
		}
		memcpy(key + n, p, len);
		key[n + len] = '\0';
		n += len + 1;
	}
	if (co->field != NULL && co->type != SIGMA_CORR_TEMPORAL &&
	    co->type != SIGMA_CORR_TEMPORAL_ORDERED) {
		if (!src_get(&cr->field[f->pos], se, from, &p, &len)) {
			ce->st.ungrouped++;
			return;
		}
		en.vhash = hash_bytes(0xcbf29ce484222325ULL, p, len);
		if (co->type == SIGMA_CORR_VALUE_SUM ||
		    co->type == SIGMA_CORR_VALUE_AVG) {
			char *ep;

			if (len == 0 || len >= sizeof(num)) {
				ce->st.ungrouped++;
				return;
			}
			memcpy(num, p, len);
			num[len] = '\0';
			errno = 0;
			en.num = strtod(num, &ep);
			if (*ep != '\0' || errno != 0 || !isfinite(en.num)) {
				ce->st.ungrouped++;
				return;
			}
		}
	}
	h = hash_bytes(0xcbf29ce484222325ULL ^ (uint64_t)(cr - ce->rules),
	    key, off);
	g = group_get(ce, cr, key, n, h);
	g->touched = ce->clock;
	TAILQ_REMOVE(&cr->lru, g, rlru);
	TAILQ_INSERT_TAIL(&cr->lru, g, rlru);
	TAILQ_REMOVE(&ce->lru, g, glru);
	TAILQ_INSERT_TAIL(&ce->lru, g, glru);
	if (g->ne > 0 && ts < g->maxts - ce->p.lateness) {
		ce->st.late_dropped++;
		return;
	}
	prevmax = g->ne > 0 ? g->maxts : ts;
	at = group_insert(ce, g, &en);

	/* suppressed: more of the open alert */
	if (g->open && ts <= g->until) {
		if (ts + cr->suppress > g->until)
			g->until = ts + cr->suppress;
		if (ce->quiet || !cr->r->standalone)
			return;
		if (!g->dirty) {
			g->dirty = 1;
			g->pfirst = g->plast = ts;
			g->dnext = ce->dirty;
			ce->dirty = g;
		}
		g->pcount++;
		if (ts < g->pfirst)
			g->pfirst = ts;
		if (ts > g->plast)
			g->plast = ts;
		if (g->pids == NULL && (g->pids = calloc(CORR_ALERT_IDS,
		    sizeof(*g->pids))) == NULL)
			fatal("%s: calloc", __func__);
		if (g->npids < CORR_ALERT_IDS)
			g->pids[g->npids++] = id;
		return;
	}
	g->open = 0;

	/* the window ending here, and for a late hit the later ones */
	end = ts;
	for (i = (size_t)at;;) {
		if (window_eval(ce, cr, g, end, en.vhash, &lo, &hi)) {
			fired = 1;
			break;
		}
		if (ts >= prevmax)
			break;
		while (i < g->ne && g->e[i].ts <= end)
			i++;
		if (i >= g->ne || g->e[i].ts > ts + cr->span)
			break;
		end = g->e[i].ts;
	}
	if (!fired)
		return;
	g->open = 1;
	g->fired = end;
	g->until = (g->maxts > end ? g->maxts : end) + cr->suppress;
	ce->st.fired++;
	if (cr->r->standalone && !ce->quiet && ce->alert != NULL) {
		memset(&al, 0, sizeof(al));
		al.rule = cr->r;
		al.group = g->key;
		al.fired = end;
		al.first = g->e[lo].ts;
		al.last = g->e[hi - 1].ts;
		al.count = hi - lo;
		for (i = lo, n = 0; i < hi && n < CORR_ALERT_IDS; i++)
			if (g->e[i].id > 0)
				ids[n++] = g->e[i].id;
		al.ids = ids;
		al.nids = n;
		ce->alert(&al, ce->arg);
	}

	/*
	 * The firing is a hit of the correlations over this one; its
	 * values are read from the local key, since feeding them may
	 * evict this group.
	 */
	fd = &ce->feeds[cr->r->index];
	if (fd->n == 0)
		return;
	memset(&fire, 0, sizeof(fire));
	fire.cr = cr;
	p = key + off + 1;
	for (gi = 0; gi < co->ngroup_by; gi++) {
		fire.vals[gi] = p;
		fire.lens[gi] = strlen(p);
		p += fire.lens[gi] + 1;
	}
	for (i = 0; i < fd->n; i++)
		input(ce, fd->v[i].cr, &fd->v[i], NULL, &fire, end, id,
		    depth + 1);
}

/*
 * A detection rule matched an event: feed every correlation that
 * names it.  ts and received_at in µs; id the event's row id.
 */
void
corr_hit(struct corr_engine *ce, const struct sigma_rule *r,
    struct sigma_event *se, int64_t ts, int64_t id, int64_t received_at)
{
	struct corr_feeds	*fd;
	size_t			 i;

	if (received_at > ce->clock)
		ce->clock = received_at;
	if (r->index >= ce->nset || sigma_set_rule(ce->set, r->index) != r)
		return;
	fd = &ce->feeds[r->index];
	for (i = 0; i < fd->n; i++) {
		input(ce, fd->v[i].cr, &fd->v[i], se, NULL, ts, id, 0);
		expire(ce, &fd->v[i].cr->lru);
	}
	expire(ce, &ce->lru);
}
