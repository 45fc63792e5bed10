/*
 * Rate baselines and new-value detection over the hits of rules with
 * a siemd: section (sigma_base.h says what they compute).
 *
 * Why buckets in event time: a spike is "many in five minutes" of the
 * time the events happened, and a replay after a restart must put
 * each hit back in the bucket it was counted in the first time.  Why
 * learning in processing time: a first start, or an import of last
 * month's logs, should learn what is usual rather than report all of
 * it; received_at does not depend on what a log line claims.
 *
 * Memory: a baseline group costs its struct, its key and one 32-bit
 * counter per bucket of the window plus one (the current); the ids of
 * the current bucket's hits grow by doubling up to CORR_ALERT_IDS.  A
 * remembered value costs one small struct (its 64-bit hash, not its
 * text: the text is in the event that alerts).
 *
 * Secrets: Shannon entropy alone cannot tell a key from an identifier
 * (AbstractSingletonProxyFactoryBean has 4 bits per character, a
 * 20-character random base64 string about the same), so a token also
 * needs a digit and a letter and may not be mostly word-like runs;
 * hex is judged on its own scale (at most 4 bits) and, being what
 * hashes and request ids look like, only next to a context word by
 * default.  A secret seen is remembered by its hash like a new value,
 * so a line that repeats it every second alerts once; the alert shows
 * a few characters only, not to copy the secret into one more place.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "siemd.h"
#include "sigma.h"
#include "sigma_corr.h"
#include "sigma_base.h"

#define BASE_EXPIRE_STEP	8	/* idle groups freed per hit */
#define BASE_DETAIL_LEN		512
#define FNV_BASIS		0xcbf29ce484222325ULL
#define FNV_PRIME		0x100000001b3ULL
#define SECRET_MASK_LEN		64

struct base_secret {
	size_t			 min_len;
	size_t			 max_len;
	double			 min_h;
	double			 min_h_hex;
	size_t			 distance;
	enum base_need		 need;
	char			**words;
	size_t			 nwords;
	pcre2_code		**allow;	/* tokens that are no secret */
	size_t			 nallow;
	pcre2_code		**exclude;	/* texts left to other rules */
	size_t			 nexclude;
	pcre2_match_data	*md;
	struct sigma_target	 message;	/* fields by default */
};

struct base_rule;

struct bl_group {
	struct bl_group		*hnext;
	TAILQ_ENTRY(bl_group)	 rlru;
	TAILQ_ENTRY(bl_group)	 glru;
	struct base_rule	*br;
	uint64_t		 hash;
	char			*key;
	uint32_t		*cnt;		/* nb + 1 slots, by bucket */
	int64_t			 cur;		/* newest bucket number */
	int64_t			 touched;	/* processing clock */
	int			 stats_ok;
	double			 mean;
	double			 sd;
	/* the current bucket's hits, for the alert that fires in it */
	int64_t			 bfirst;
	int64_t			 blast;
	int64_t			*bids;
	size_t			 nbids;
	size_t			 capbids;
	/* an open alert: fired at bucket start, last over in bucket hot */
	int			 open;
	int64_t			 fired;
	int64_t			 hot;
	/* an update of it, reported by base_flush() */
	struct bl_group		*dnext;
	int			 dirty;
	int64_t			 pcount;
	int64_t			 pfirst;
	int64_t			 plast;
	int64_t			*pids;
	size_t			 npids;
};

struct nv_value {
	struct nv_value		*hnext;
	TAILQ_ENTRY(nv_value)	 rlru;
	TAILQ_ENTRY(nv_value)	 glru;
	struct base_rule	*br;
	uint64_t		 hash;
};

TAILQ_HEAD(bl_lru, bl_group);
TAILQ_HEAD(nv_lru, nv_value);

struct base_rule {
	struct sigma_rule	*r;
	const struct sigma_ext	*x;
	size_t			 idx;		/* in the engine */
	int64_t			 bucket;	/* µs */
	size_t			 nb;		/* buckets in the window */
	int64_t			 idle;		/* µs of processing time */
	int64_t			 learn;		/* µs */
	int64_t			 learn_from;	/* earliest received_at */
	const struct base_secret *sec;		/* secret-entropy */
	uint64_t		 fired;		/* alerts raised (or, quiet,
						   that would have been) */
	size_t			 n;		/* groups or values */
	struct bl_lru		 groups;
	struct nv_lru		 values;
};

struct base_engine {
	struct sigma_set	*set;
	struct base_params	 p;
	corr_alert_cb		 alert;
	void			*arg;
	struct base_rule	*rules;
	size_t			 nrules;
	struct base_rule	**byidx;	/* set index -> rule */
	size_t			 nset;
	struct bl_group		**gtab;
	size_t			 ngtab;		/* power of two */
	struct nv_value		**vtab;
	size_t			 nvtab;		/* power of two */
	struct bl_lru		 groups;
	struct nv_lru		 values;
	size_t			 cells;
	struct bl_group		*dirty;
	int64_t			 clock;
	int			 quiet;
	struct base_stats	 st;
};

static uint64_t	 hash_bytes(uint64_t, const void *, size_t);
static int	 fields_key(struct sigma_event *, char **,
		    const struct sigma_target *, size_t, char *, size_t,
		    size_t *);
static struct bl_group *bl_get(struct base_engine *, struct base_rule *,
		    const char *, uint64_t);
static void	 bl_free(struct base_engine *, struct bl_group *, int);
static void	 bl_report(struct base_engine *, struct bl_group *);
static void	 bl_pending(struct base_engine *, struct bl_group *, int64_t,
		    int64_t, int64_t, const int64_t *, size_t);
static void	 bl_window(struct bl_group *);
static void	 bl_hit(struct base_engine *, struct base_rule *,
		    struct sigma_event *, int64_t, int64_t, int);
static void	 bl_expire(struct base_engine *, struct bl_lru *);
static void	 nv_free(struct base_engine *, struct nv_value *);
static int	 nv_seen(struct base_engine *, struct base_rule *, uint64_t);
static void	 alert_one(struct base_engine *, struct base_rule *,
		    const char *, int64_t, int64_t, const char *);
static void	 sec_hit(struct base_engine *, struct base_rule *,
		    struct sigma_event *, int64_t, int64_t);
static int	 sec_next(const struct base_secret *, const char *, size_t,
		    size_t *, struct base_token *);
static void	 nv_hit(struct base_engine *, struct base_rule *,
		    struct sigma_event *, int64_t, int64_t, int);
static size_t	 slot(const struct base_rule *, int64_t);
static int64_t	 bucket_of(const struct base_rule *, int64_t);

void
base_params_default(struct base_params *p)
{
	memset(p, 0, sizeof(*p));
	p->max_groups_rule = BASE_MAX_GROUPS_RULE;
	p->max_cells = BASE_MAX_CELLS;
	p->max_values_rule = BASE_MAX_VALUES_RULE;
	p->max_values = BASE_MAX_VALUES;
}

struct base_engine *
base_new(struct sigma_set *set, const struct base_params *p,
    corr_alert_cb alert, void *arg)
{
	struct base_engine	*be;
	struct base_rule	*br;
	struct sigma_rule	*r;
	size_t			 i, n;

	if ((be = calloc(1, sizeof(*be))) == NULL)
		fatal("%s: calloc", __func__);
	be->set = set;
	if (p != NULL)
		be->p = *p;
	else
		base_params_default(&be->p);
	if (be->p.max_groups_rule == 0)
		be->p.max_groups_rule = BASE_MAX_GROUPS_RULE;
	if (be->p.max_cells == 0)
		be->p.max_cells = BASE_MAX_CELLS;
	if (be->p.max_values_rule == 0)
		be->p.max_values_rule = BASE_MAX_VALUES_RULE;
	if (be->p.max_values == 0)
		be->p.max_values = BASE_MAX_VALUES;
	be->alert = alert;
	be->arg = arg;
	TAILQ_INIT(&be->groups);
	TAILQ_INIT(&be->values);
	be->nset = n = sigma_set_count(set);
	if ((be->byidx = calloc(n + 1, sizeof(*be->byidx))) == NULL ||
	    (be->rules = calloc(n + 1, sizeof(*be->rules))) == NULL)
		fatal("%s: calloc", __func__);
	be->ngtab = be->nvtab = 256;
	if ((be->gtab = calloc(be->ngtab, sizeof(*be->gtab))) == NULL ||
	    (be->vtab = calloc(be->nvtab, sizeof(*be->vtab))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n; i++) {
		r = sigma_set_rule(set, i);
		if (r->kind != SIGMA_DETECTION || r->ext == NULL ||
		    r->state != SIGMA_LOADED)
			continue;
		br = &be->rules[be->nrules];
		br->idx = be->nrules++;
		be->byidx[i] = br;
		br->r = r;
		br->x = r->ext;
		br->learn = r->ext->learn * 1000000;
		br->learn_from = INT64_MAX;
		TAILQ_INIT(&br->groups);
		TAILQ_INIT(&br->values);
		if (r->ext->type == SIGMA_EXT_BASELINE) {
			br->bucket = r->ext->bucket * 1000000;
			br->nb = r->ext->window / r->ext->bucket;
			/* idle that long, every bucket is 0 again */
			br->idle = (int64_t)(br->nb + 1) * br->bucket;
		} else if (r->ext->type == SIGMA_EXT_SECRET)
			br->sec = r->ext->secret;
	}
	return (be);
}

void
base_free(struct base_engine *be)
{
	struct bl_group	*g;
	struct nv_value	*v;

	if (be == NULL)
		return;
	while ((g = TAILQ_FIRST(&be->groups)) != NULL)
		bl_free(be, g, 0);
	while ((v = TAILQ_FIRST(&be->values)) != NULL)
		nv_free(be, v);
	free(be->gtab);
	free(be->vtab);
	free(be->byidx);
	free(be->rules);
	free(be);
}

size_t
base_rules(const struct base_engine *be)
{
	return (be->nrules);
}

int64_t
base_span(const struct base_engine *be)
{
	const struct base_rule	*br;
	int64_t			 span = 0, s;
	size_t			 i;

	for (i = 0; i < be->nrules; i++) {
		br = &be->rules[i];
		if (br->x->type == SIGMA_EXT_BASELINE)
			s = (int64_t)(br->nb + 1) * br->bucket + CORR_LATENESS;
		else
			s = br->learn > BASE_NV_REPLAY ? br->learn :
			    BASE_NV_REPLAY;
		if (s > span)
			span = s;
	}
	return (span);
}

void
base_set_quiet(struct base_engine *be, int quiet)
{
	be->quiet = quiet;
}

const struct base_stats *
base_stats(const struct base_engine *be)
{
	return (&be->st);
}

/* How many times the rule's section fired; 0 for a rule without one. */
uint64_t
base_rule_fired(const struct base_engine *be, const struct sigma_rule *r)
{
	const struct base_rule	*br;

	if (be == NULL || r->index >= be->nset ||
	    (br = be->byidx[r->index]) == NULL)
		return (0);
	return (br->fired);
}

static uint64_t
hash_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= FNV_PRIME;
	}
	return (h);
}

/*
 * "name=value,name=value" of the fields into buf; 0, or -1 when one
 * is absent or empty or it does not fit.  No fields: "all".
 */
static int
fields_key(struct sigma_event *se, char **names,
    const struct sigma_target *t, size_t n, char *buf, size_t size,
    size_t *len)
{
	const char	*p;
	size_t		 i, off = 0, plen;
	int		 w;

	buf[0] = '\0';
	if (n == 0) {
		*len = strlcpy(buf, "all", size);
		return (0);
	}
	for (i = 0; i < n; i++) {
		if (!sigma_event_get(se, &t[i], &p, &plen) || plen == 0)
			return (-1);
		w = snprintf(buf + off, size - off, "%s%s=%.*s", i ? "," : "",
		    names[i], (int)plen, p);
		if (w < 0 || (size_t)w >= size - off)
			return (-1);
		off += w;
	}
	*len = off;
	return (0);
}

static size_t
slot(const struct base_rule *br, int64_t b)
{
	int64_t	 m = (int64_t)br->nb + 1, s = b % m;

	return ((size_t)(s < 0 ? s + m : s));
}

/* Bucket number of an event time: floor(ts / bucket). */
static int64_t
bucket_of(const struct base_rule *br, int64_t ts)
{
	int64_t	 b = ts / br->bucket;

	if (ts % br->bucket < 0)
		b--;
	return (b);
}

/* Find the group, or make it within the bounds. */
static struct bl_group *
bl_get(struct base_engine *be, struct base_rule *br, const char *key,
    uint64_t h)
{
	struct bl_group	*g, **tab, *nx;
	size_t		 b, i, ntab, need = br->nb + 1;

	for (g = be->gtab[h & (be->ngtab - 1)]; g != NULL; g = g->hnext)
		if (g->hash == h && g->br == br && strcmp(g->key, key) == 0)
			return (g);
	if (br->n >= be->p.max_groups_rule &&
	    (g = TAILQ_FIRST(&br->groups)) != NULL) {
		bl_free(be, g, 1);
		be->st.groups_evicted++;
	}
	while (be->cells + need > be->p.max_cells &&
	    (g = TAILQ_FIRST(&be->groups)) != NULL) {
		bl_free(be, g, 1);
		be->st.groups_evicted++;
	}
	if (be->st.groups >= be->ngtab) {
		ntab = be->ngtab * 2;
		if ((tab = calloc(ntab, sizeof(*tab))) == NULL)
			fatal("%s: calloc", __func__);
		for (i = 0; i < be->ngtab; i++)
			for (g = be->gtab[i]; g != NULL; g = nx) {
				nx = g->hnext;
				b = g->hash & (ntab - 1);
				g->hnext = tab[b];
				tab[b] = g;
			}
		free(be->gtab);
		be->gtab = tab;
		be->ngtab = ntab;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->key = strdup(key)) == NULL ||
	    (g->cnt = calloc(need, sizeof(*g->cnt))) == NULL)
		fatal("%s: calloc", __func__);
	g->br = br;
	g->hash = h;
	g->cur = INT64_MIN;
	b = h & (be->ngtab - 1);
	g->hnext = be->gtab[b];
	be->gtab[b] = g;
	TAILQ_INSERT_TAIL(&br->groups, g, rlru);
	TAILQ_INSERT_TAIL(&be->groups, g, glru);
	br->n++;
	be->cells += need;
	be->st.groups++;
	return (g);
}

/* Unlink and free; a pending update is reported first when asked. */
static void
bl_free(struct base_engine *be, struct bl_group *g, int report)
{
	struct bl_group	**pp;

	if (g->dirty) {
		if (report)
			bl_report(be, g);
		for (pp = &be->dirty; *pp != NULL; pp = &(*pp)->dnext)
			if (*pp == g) {
				*pp = g->dnext;
				break;
			}
	}
	for (pp = &be->gtab[g->hash & (be->ngtab - 1)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == g) {
			*pp = g->hnext;
			break;
		}
	TAILQ_REMOVE(&g->br->groups, g, rlru);
	TAILQ_REMOVE(&be->groups, g, glru);
	g->br->n--;
	be->cells -= g->br->nb + 1;
	be->st.groups--;
	free(g->pids);
	free(g->bids);
	free(g->cnt);
	free(g->key);
	free(g);
}

/* Report the pending update of an open alert. */
static void
bl_report(struct base_engine *be, struct bl_group *g)
{
	struct corr_alert	 a;

	if (!g->dirty)
		return;
	memset(&a, 0, sizeof(a));
	a.rule = g->br->r;
	a.group = g->key;
	a.fired = g->fired;
	a.first = g->pfirst;
	a.last = g->plast;
	a.count = g->pcount;
	a.ids = g->pids;
	a.nids = g->npids;
	a.update = 1;
	if (be->alert != NULL && !be->quiet)
		be->alert(&a, be->arg);
	be->st.updates++;
	g->dirty = 0;
	g->pcount = 0;
	g->npids = 0;
}

/* More hits of the open alert, reported at the next flush. */
static void
bl_pending(struct base_engine *be, struct bl_group *g, int64_t count,
    int64_t first, int64_t last, const int64_t *ids, size_t nids)
{
	size_t	 i;

	if (be->quiet)
		return;
	if (!g->dirty) {
		g->dirty = 1;
		g->pfirst = first;
		g->plast = last;
		g->dnext = be->dirty;
		be->dirty = g;
	}
	g->pcount += count;
	if (first < g->pfirst)
		g->pfirst = first;
	if (last > g->plast)
		g->plast = last;
	if (g->pids == NULL && (g->pids = calloc(CORR_ALERT_IDS,
	    sizeof(*g->pids))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < nids && g->npids < CORR_ALERT_IDS; i++)
		g->pids[g->npids++] = ids[i];
}

void
base_flush(struct base_engine *be)
{
	struct bl_group	*g;

	while ((g = be->dirty) != NULL) {
		be->dirty = g->dnext;
		g->dnext = NULL;
		bl_report(be, g);
	}
}

/* Mean and population standard deviation of the trailing window. */
static void
bl_window(struct bl_group *g)
{
	const struct base_rule	*br = g->br;
	double			 sum = 0, var = 0, d;
	size_t			 i;

	if (g->stats_ok)
		return;
	for (i = 1; i <= br->nb; i++)
		sum += g->cnt[slot(br, g->cur - (int64_t)i)];
	g->mean = sum / (double)br->nb;
	for (i = 1; i <= br->nb; i++) {
		d = g->cnt[slot(br, g->cur - (int64_t)i)] - g->mean;
		var += d * d;
	}
	g->sd = sqrt(var / (double)br->nb);
	g->stats_ok = 1;
}

/* Free groups idle long enough that every bucket would be 0. */
static void
bl_expire(struct base_engine *be, struct bl_lru *lru)
{
	struct bl_group	*g;
	int		 i;

	for (i = 0; i < BASE_EXPIRE_STEP; i++) {
		g = TAILQ_FIRST(lru);
		if (g == NULL || g->touched >= be->clock - g->br->idle)
			break;
		bl_free(be, g, 1);
		be->st.groups_expired++;
	}
}

static void
bl_hit(struct base_engine *be, struct base_rule *br, struct sigma_event *se,
    int64_t ts, int64_t id, int learning)
{
	const struct sigma_ext	*x = br->x;
	struct bl_group		*g;
	struct corr_alert	 a;
	struct tm		 tm;
	char			 key[CORR_GROUP_LEN], detail[BASE_DETAIL_LEN];
	char			 when[32];
	int64_t			 b, steps, i, *nb;
	time_t			 t;
	size_t			 len, cap;
	uint32_t		*c;
	double			 thr;

	if (fields_key(se, x->group_by, x->group_t, x->ngroup_by, key,
	    sizeof(key), &len) == -1) {
		be->st.ungrouped++;
		return;
	}
	g = bl_get(be, br, key, hash_bytes(FNV_BASIS ^ br->idx, key, len));
	g->touched = be->clock;
	TAILQ_REMOVE(&br->groups, g, rlru);
	TAILQ_INSERT_TAIL(&br->groups, g, rlru);
	TAILQ_REMOVE(&be->groups, g, glru);
	TAILQ_INSERT_TAIL(&be->groups, g, glru);

	b = bucket_of(br, ts);
	if (g->cur == INT64_MIN)
		g->cur = b;
	if (b > g->cur) {
		/* roll over: the buckets skipped and the new one are 0 */
		steps = b - g->cur;
		if (steps > (int64_t)br->nb + 1)
			steps = br->nb + 1;
		for (i = 1; i <= steps; i++)
			g->cnt[slot(br, b - steps + i)] = 0;
		g->cur = b;
		g->stats_ok = 0;
		g->nbids = 0;
		g->bfirst = g->blast = ts;
	} else if (b < g->cur - (int64_t)br->nb) {
		be->st.late_dropped++;
		return;
	}
	c = &g->cnt[slot(br, b)];
	if (*c < UINT32_MAX)
		(*c)++;
	if (b < g->cur) {
		/* a late hit: it changes the baseline only */
		g->stats_ok = 0;
		return;
	}
	if (g->nbids == 0 || ts < g->bfirst)
		g->bfirst = ts;
	if (g->nbids == 0 || ts > g->blast)
		g->blast = ts;
	if (g->nbids < CORR_ALERT_IDS) {
		if (g->nbids == g->capbids) {
			cap = g->capbids ? g->capbids * 2 : 4;
			if (cap > CORR_ALERT_IDS)
				cap = CORR_ALERT_IDS;
			if ((nb = reallocarray(g->bids, cap,
			    sizeof(*nb))) == NULL)
				fatal("%s: reallocarray", __func__);
			g->bids = nb;
			g->capbids = cap;
		}
		g->bids[g->nbids++] = id;
	}

	if (learning)
		return;
	if (g->open && g->hot == b) {
		bl_pending(be, g, 1, ts, ts, &id, 1);
		return;
	}
	if ((int64_t)*c < x->min_count)
		return;
	bl_window(g);
	thr = g->mean + x->k * g->sd;
	if ((double)*c <= thr)
		return;
	if (g->open && g->hot == b - 1) {
		/* the spike goes on: the same alert, with this bucket */
		g->hot = b;
		bl_pending(be, g, *c, g->bfirst, g->blast, g->bids, g->nbids);
		return;
	}
	g->open = 1;
	g->hot = b;
	g->fired = b * br->bucket;
	be->st.fired++;
	br->fired++;
	if (be->quiet || be->alert == NULL)
		return;
	t = (time_t)(g->fired / 1000000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strlcpy(when, "?", sizeof(when));
	snprintf(detail, sizeof(detail), "%u events in the %lld s bucket "
	    "from %s, above the baseline of the %zu buckets before it: "
	    "mean %.2f, sigma %.2f, threshold %.2f (k %g, min-count %lld).",
	    *c, (long long)x->bucket, when, br->nb, g->mean, g->sd, thr,
	    x->k, (long long)x->min_count);
	memset(&a, 0, sizeof(a));
	a.rule = br->r;
	a.group = g->key;
	a.fired = g->fired;
	a.first = g->bfirst;
	a.last = g->blast;
	a.count = *c;
	a.ids = g->bids;
	a.nids = g->nbids;
	a.detail = detail;
	be->alert(&a, be->arg);
}

static void
nv_free(struct base_engine *be, struct nv_value *v)
{
	struct nv_value	**pp;

	for (pp = &be->vtab[v->hash & (be->nvtab - 1)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == v) {
			*pp = v->hnext;
			break;
		}
	TAILQ_REMOVE(&v->br->values, v, rlru);
	TAILQ_REMOVE(&be->values, v, glru);
	v->br->n--;
	be->st.values--;
	free(v);
}

static void
nv_hit(struct base_engine *be, struct base_rule *br, struct sigma_event *se,
    int64_t ts, int64_t id, int learning)
{
	const struct sigma_ext	*x = br->x;
	char			 group[CORR_GROUP_LEN], vals[CORR_GROUP_LEN];
	char			 both[CORR_GROUP_LEN];
	char			 detail[BASE_DETAIL_LEN];
	size_t			 glen, vlen;
	uint64_t		 h;

	if ((x->ngroup_by > 0 && fields_key(se, x->group_by, x->group_t,
	    x->ngroup_by, group, sizeof(group), &glen) == -1) ||
	    fields_key(se, x->fields, x->field_t, x->nfields, vals,
	    sizeof(vals), &vlen) == -1) {
		be->st.ungrouped++;
		return;
	}
	if (x->ngroup_by == 0) {
		group[0] = '\0';
		glen = 0;
	}
	if (glen + 1 + vlen >= sizeof(both)) {
		be->st.ungrouped++;
		return;
	}
	h = hash_bytes(FNV_BASIS ^ br->idx, group, glen + 1);
	h = hash_bytes(h, vals, vlen);
	if (nv_seen(be, br, h) || learning)
		return;
	be->st.fired++;
	br->fired++;
	if (be->quiet || be->alert == NULL)
		return;
	/* both fit (checked above); the detail may be cut */
	if (snprintf(both, sizeof(both), "%s%s%s", group, glen ? "," : "",
	    vals) < 0 || snprintf(detail, sizeof(detail), "First time seen: "
	    "%s%s%s.", vals, glen ? " for " : "", group) < 0)
		fatalx("%s: snprintf", __func__);
	alert_one(be, br, both, ts, id, detail);
}

/* An alert of one event (a first sighting, a secret). */
static void
alert_one(struct base_engine *be, struct base_rule *br, const char *group,
    int64_t ts, int64_t id, const char *detail)
{
	struct corr_alert	 a;

	memset(&a, 0, sizeof(a));
	a.rule = br->r;
	a.group = group;
	a.fired = ts;
	a.first = a.last = ts;
	a.count = 1;
	a.ids = &id;
	a.nids = id > 0;
	a.detail = detail;
	be->alert(&a, be->arg);
}

/*
 * 1 when the rule has seen the hash (it is the most recently used
 * now); else it is remembered, within the bounds, and 0.
 */
static int
nv_seen(struct base_engine *be, struct base_rule *br, uint64_t h)
{
	struct nv_value	*v, **tab, *nx;
	size_t		 b, i, ntab;

	for (v = be->vtab[h & (be->nvtab - 1)]; v != NULL; v = v->hnext)
		if (v->hash == h && v->br == br) {
			TAILQ_REMOVE(&br->values, v, rlru);
			TAILQ_INSERT_TAIL(&br->values, v, rlru);
			TAILQ_REMOVE(&be->values, v, glru);
			TAILQ_INSERT_TAIL(&be->values, v, glru);
			return (1);
		}

	if (br->n >= be->p.max_values_rule &&
	    (v = TAILQ_FIRST(&br->values)) != NULL) {
		nv_free(be, v);
		be->st.values_evicted++;
	}
	if (be->st.values >= be->p.max_values &&
	    (v = TAILQ_FIRST(&be->values)) != NULL) {
		nv_free(be, v);
		be->st.values_evicted++;
	}
	if (be->st.values >= be->nvtab) {
		ntab = be->nvtab * 2;
		if ((tab = calloc(ntab, sizeof(*tab))) == NULL)
			fatal("%s: calloc", __func__);
		for (i = 0; i < be->nvtab; i++)
			for (v = be->vtab[i]; v != NULL; v = nx) {
				nx = v->hnext;
				b = v->hash & (ntab - 1);
				v->hnext = tab[b];
				tab[b] = v;
			}
		free(be->vtab);
		be->vtab = tab;
		be->nvtab = ntab;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL)
		fatal("%s: calloc", __func__);
	v->br = br;
	v->hash = h;
	b = h & (be->nvtab - 1);
	v->hnext = be->vtab[b];
	be->vtab[b] = v;
	TAILQ_INSERT_TAIL(&br->values, v, rlru);
	TAILQ_INSERT_TAIL(&be->values, v, glru);
	br->n++;
	be->st.values++;
	return (0);
}

/*
 * A rule with an ext section matched an event.  ts and received_at in
 * µs; id the event's row id.
 */
void
base_hit(struct base_engine *be, const struct sigma_rule *r,
    struct sigma_event *se, int64_t ts, int64_t id, int64_t received_at)
{
	struct base_rule	*br;
	int			 learning;

	if (received_at > be->clock)
		be->clock = received_at;
	if (r->index >= be->nset || sigma_set_rule(be->set, r->index) != r ||
	    (br = be->byidx[r->index]) == NULL)
		return;
	be->st.hits++;
	if (received_at < br->learn_from)
		br->learn_from = received_at;
	learning = received_at - br->learn_from < br->learn;
	if (learning)
		be->st.learning++;
	if (br->sec != NULL)
		sec_hit(be, br, se, ts, id);
	else if (br->x->type == SIGMA_EXT_BASELINE) {
		bl_hit(be, br, se, ts, id, learning);
		bl_expire(be, &br->groups);
		bl_expire(be, &be->groups);
	} else
		nv_hit(be, br, se, ts, id, learning);
}

int
base_window_stats(const struct base_engine *be, const struct sigma_rule *r,
    const char *key, int64_t *cur, double *mean, double *sd)
{
	struct base_rule	*br;
	struct bl_group		*g;
	size_t			 i;

	if (r->index >= be->nset || (br = be->byidx[r->index]) == NULL)
		return (-1);
	for (i = 0; i < be->ngtab; i++)
		for (g = be->gtab[i]; g != NULL; g = g->hnext) {
			if (g->br != br || strcmp(g->key, key) != 0)
				continue;
			bl_window(g);
			*cur = g->cur;
			*mean = g->mean;
			*sd = g->sd;
			return (0);
		}
	return (-1);
}

/* Secrets by their entropy. */

/* The bytes of a token: letters, digits, + / _ - (a table: every byte
   of every line is looked up) */
#define TOK_DIGITS	1, 1, 1, 1, 1, 1, 1, 1, 1, 1
#define TOK_LETTERS	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, \
			1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char sec_tok[256] = {
	['+'] = 1, ['-'] = 1, ['/'] = 1, ['0'] = TOK_DIGITS,
	['A'] = TOK_LETTERS, ['_'] = 1, ['a'] = TOK_LETTERS
};

static inline int
sec_tokch(unsigned char c)
{
	return (sec_tok[c]);
}

static int
sec_hexch(unsigned char c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

static int
sec_lower(unsigned char c)
{
	return (c >= 'a' && c <= 'z');
}

static int
sec_upper(unsigned char c)
{
	return (c >= 'A' && c <= 'Z');
}

double
base_entropy(const char *p, size_t len)
{
	size_t	 cnt[256], i;
	double	 h = 0, f;

	if (len == 0)
		return (0);
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < len; i++)
		cnt[(unsigned char)p[i]]++;
	for (i = 0; i < 256; i++) {
		if (cnt[i] == 0)
			continue;
		f = (double)cnt[i] / (double)len;
		h -= f * log2(f);
	}
	return (h);
}

/* 8-4-4-4-12 hex digits somewhere in the token. */
static int
sec_has_uuid(const char *p, size_t len)
{
	static const size_t	 part[] = { 8, 4, 4, 4, 12 };
	size_t			 i, j, k, o;

	for (i = 0; i + 36 <= len; i++) {
		o = i;
		for (j = 0; j < 5; j++) {
			for (k = 0; k < part[j]; k++)
				if (!sec_hexch(p[o + k]))
					break;
			if (k < part[j])
				break;
			o += part[j];
			if (j < 4 && p[o++] != '-')
				break;
		}
		if (j == 5)
			return (1);
	}
	return (0);
}

/* Characters in runs like "Word" or "word": a capital, 3+ small. */
static size_t
sec_wordish(const char *p, size_t len)
{
	size_t	 i = 0, j, n = 0, run;

	while (i < len) {
		j = i;
		if (sec_upper(p[j]))
			j++;
		run = j;
		while (run < len && sec_lower(p[run]))
			run++;
		if (run - j >= 3 && run - i >= 4) {
			n += run - i;
			i = run;
		} else
			i = run > i ? run : i + 1;
	}
	return (n);
}

/* A context word in the distance before off. */
static const char *
sec_context(const struct base_secret *sec, const char *p, size_t off)
{
	size_t	 from, i, j, k, wl;

	from = off > sec->distance ? off - sec->distance : 0;
	for (i = 0; i < sec->nwords; i++) {
		wl = strlen(sec->words[i]);
		for (j = from; j + wl <= off; j++) {
			for (k = 0; k < wl; k++) {
				unsigned char	 c = p[j + k];

				if (sec_upper(c))
					c += 'a' - 'A';
				if (c != (unsigned char)sec->words[i][k])
					break;
			}
			if (k == wl)
				return (sec->words[i]);
		}
	}
	return (NULL);
}

/* Whether the token at p[off], len long, is a secret. */
static int
sec_judge(const struct base_secret *sec, const char *p, size_t off,
    size_t len, struct base_token *tok)
{
	const char	*t = p + off;
	size_t		 i;
	int		 hex = 1, digit = 0, alpha = 0, rc;

	if (len < sec->min_len || len > sec->max_len)
		return (0);
	for (i = 0; i < len; i++) {
		if (!sec_hexch(t[i]))
			hex = 0;
		if (t[i] >= '0' && t[i] <= '9')
			digit = 1;
		else if (sec_lower(t[i]) || sec_upper(t[i]))
			alpha = 1;
	}
	if (!digit || !alpha)
		return (0);
	memset(tok, 0, sizeof(*tok));
	tok->off = off;
	tok->len = len;
	tok->hex = hex;
	tok->entropy = base_entropy(t, len);
	if (tok->entropy < (hex ? sec->min_h_hex : sec->min_h))
		return (0);
	if (!hex && sec_wordish(t, len) * 2 >= len)
		return (0);
	if (sec_has_uuid(t, len))
		return (0);
	tok->context = sec_context(sec, p, off);
	if (tok->context == NULL && (sec->need == BASE_NEED_ALL ||
	    (sec->need == BASE_NEED_HEX && hex)))
		return (0);
	for (i = 0; i < sec->nallow; i++) {
		rc = pcre2_match(sec->allow[i], (PCRE2_SPTR)t, len, 0,
		    PCRE2_ANCHORED | PCRE2_ENDANCHORED, sec->md, NULL);
		if (rc >= 0)
			return (0);
	}
	return (1);
}

/* The next secret from *pos on; 1, or 0 at the end of the text. */
static int
sec_next(const struct base_secret *sec, const char *p, size_t len,
    size_t *pos, struct base_token *tok)
{
	size_t	 i = *pos, start, end, s;

	while (i < len) {
		while (i < len && !sec_tokch(p[i]))
			i++;
		start = i;
		while (i < len && sec_tokch(p[i]))
			i++;
		end = i;
		if (end == start)
			break;
		if (p[start] != '/') {
			if (sec_judge(sec, p, start, end - start, tok)) {
				*pos = end;
				return (1);
			}
			continue;
		}
		/* a path: each of its parts */
		for (s = start; s < end; s = i + 1) {
			for (i = s; i < end && p[i] != '/'; i++)
				;
			if (i > s && sec_judge(sec, p, s, i - s, tok)) {
				*pos = i;
				return (1);
			}
		}
		i = end;
	}
	*pos = len;
	return (0);
}

/* Does one of the exclude patterns match the text? */
static int
sec_excluded(const struct base_secret *sec, const char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < sec->nexclude; i++)
		if (pcre2_match(sec->exclude[i], (PCRE2_SPTR)p, len, 0, 0,
		    sec->md, NULL) >= 0)
			return (1);
	return (0);
}

size_t
base_secret_scan(const struct base_secret *sec, const char *p, size_t len,
    struct base_token *first)
{
	struct base_token	 tok;
	size_t			 pos = 0, n = 0;

	while (sec_next(sec, p, len, &pos, &tok))
		if (n++ == 0 && first != NULL)
			*first = tok;
	return (n);
}

void
base_secret_mask(const char *p, size_t len, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s...(%zu chars)",
	    (int)(len < BASE_SECRET_SHOW ? len : BASE_SECRET_SHOW), p, len);
}

/*
 * A rule with a secret-entropy section matched: every secret in its
 * fields is remembered; the first one the rule has not seen alerts.
 */
static void
sec_hit(struct base_engine *be, struct base_rule *br, struct sigma_event *se,
    int64_t ts, int64_t id)
{
	const struct base_secret	*sec = br->sec;
	const struct sigma_ext		*x = br->x;
	const struct sigma_target	*t;
	struct base_token		 tok, hit;
	const char			*p, *name, *hname = NULL, *hp = NULL;
	char				 group[CORR_GROUP_LEN];
	char				 detail[BASE_DETAIL_LEN];
	char				 mask[SECRET_MASK_LEN];
	size_t				 i, n, len, pos, nnew = 0;
	uint64_t			 h;
	int				 excluded;

	n = x->nfields > 0 ? x->nfields : 1;
	for (i = 0; i < n; i++) {
		t = x->nfields > 0 ? &x->field_t[i] : &sec->message;
		name = x->nfields > 0 ? x->fields[i] : "message";
		if (!sigma_event_get(se, t, &p, &len))
			continue;
		pos = 0;
		excluded = -1;
		while (sec_next(sec, p, len, &pos, &tok)) {
			/*
			 * A text a known-format rule reports is left to it;
			 * tested only once a token is found, which is rare.
			 */
			if (excluded == -1)
				excluded = sec_excluded(sec, p, len);
			if (excluded)
				break;
			h = hash_bytes(FNV_BASIS ^ br->idx, p + tok.off,
			    tok.len);
			if (nv_seen(be, br, h) || nnew++ > 0)
				continue;
			hit = tok;
			hp = p;
			hname = name;
		}
	}
	if (nnew == 0)
		return;
	be->st.fired++;
	br->fired++;
	if (be->quiet || be->alert == NULL)
		return;
	base_secret_mask(hp + hit.off, hit.len, mask, sizeof(mask));
	snprintf(group, sizeof(group), "field=%s,token=%s", hname, mask);
	snprintf(detail, sizeof(detail), "A token of %zu characters in %s "
	    "with %.2f bits of entropy per character (at least %.2f for "
	    "%s tokens)%s%s%s: %s.  The event holds it in full; this alert "
	    "shows its first %d characters only.%s", hit.len, hname,
	    hit.entropy, hit.hex ? sec->min_h_hex : sec->min_h,
	    hit.hex ? "hex" : "mixed", hit.context ? ", after the word '" :
	    "", hit.context ? hit.context : "", hit.context ? "'" : "", mask,
	    BASE_SECRET_SHOW, nnew > 1 ? "  The event holds more tokens "
	    "like it." : "");
	alert_one(be, br, group, ts, id, detail);
}

static const char *sec_keys[] = { "fields", "min-length", "max-length",
    "min-entropy", "min-entropy-hex", "context", "context-distance",
    "need-context", "allow", "exclude", NULL };
static const char *sec_words[] = { "key", "token", "secret", "passw",
    "pwd", "auth", "bearer", "credential", "private", "signature",
    "cookie", NULL };

/* A number of the map in [lo, hi]; 0 absent, 1, or -1 with err. */
static int
sec_num(const struct sigma_ynode *m, const char *key, double lo, double hi,
    int whole, double *out, char *err, size_t errlen)
{
	const struct sigma_ynode	*v;
	char				*end;
	double				 d;

	if ((v = sigma_ymap_get(m, key)) == NULL)
		return (0);
	if (v->type != SIGMA_Y_SCALAR || v->len == 0 || v->len > 32)
		goto bad;
	d = strtod(v->s, &end);
	if (*end != '\0' || !(d >= lo && d <= hi) || (whole && d != floor(d)))
		goto bad;
	*out = d;
	return (1);
 bad:
	snprintf(err, errlen, "%s must be a %snumber from %g to %g", key,
	    whole ? "whole " : "", lo, hi);
	return (-1);
}

static int	 sec_list(const struct sigma_ynode *, const char *, size_t,
		    size_t, size_t *, char *, size_t);
static const struct sigma_ynode *sec_item(const struct sigma_ynode *, size_t);

/* The regular expressions of key (a string or a list), compiled. */
static int
sec_patterns(const struct sigma_ynode *m, const char *key, pcre2_code ***out,
    size_t *nout, char *err, size_t errlen)
{
	const struct sigma_ynode	*v, *k;
	PCRE2_UCHAR			 msg[128];
	PCRE2_SIZE			 eoff;
	size_t				 i, n;
	int				 ec;

	if ((v = sigma_ymap_get(m, key)) == NULL)
		return (0);
	if (sec_list(v, key, BASE_SECRET_MAX_ALLOW, 1024, &n, err, errlen) ==
	    -1)
		return (-1);
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n; i++) {
		k = sec_item(v, i);
		/* a line that is not valid UTF-8 is still matched */
		if (((*out)[i] = pcre2_compile((PCRE2_SPTR)k->s, k->len,
		    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
		    PCRE2_NEVER_BACKSLASH_C, &ec, &eoff, NULL)) ==
		    NULL) {
			pcre2_get_error_message(ec, msg, sizeof(msg));
			snprintf(err, errlen, "%s: item %zu: %s at offset %zu",
			    key, i + 1, (char *)msg, (size_t)eoff);
			return (-1);
		}
		(*nout)++;
	}
	return (0);
}

/* A string or a list of strings; its length in *n. */
static int
sec_list(const struct sigma_ynode *v, const char *key, size_t max,
    size_t maxlen, size_t *n, char *err, size_t errlen)
{
	size_t	 i;

	if (v->type == SIGMA_Y_SCALAR) {
		*n = 1;
		v = NULL;
	} else if (v->type == SIGMA_Y_SEQ)
		*n = v->n;
	else {
		snprintf(err, errlen, "%s: expected a list of strings", key);
		return (-1);
	}
	if (*n == 0 || *n > max) {
		snprintf(err, errlen, "%s: 1 to %zu items", key, max);
		return (-1);
	}
	for (i = 0; v != NULL && i < v->n; i++)
		if (v->kids[i]->type != SIGMA_Y_SCALAR ||
		    v->kids[i]->len == 0 || v->kids[i]->len > maxlen) {
			snprintf(err, errlen, "%s: item %zu is not a string "
			    "of 1 to %zu bytes", key, i + 1, maxlen);
			return (-1);
		}
	return (0);
}

static const struct sigma_ynode *
sec_item(const struct sigma_ynode *v, size_t i)
{
	return (v->type == SIGMA_Y_SCALAR ? v : v->kids[i]);
}

int
base_secret_parse(const struct sigma_ynode *m, struct base_secret **out,
    char *err, size_t errlen)
{
	struct base_secret		*sec;
	const struct sigma_ynode	*v, *k;
	const char			*w;
	double				 d;
	size_t				 i, j, n;
	int				 ec;

	*out = NULL;
	if (m == NULL || m->type != SIGMA_Y_MAP) {
		snprintf(err, errlen, "expected a map");
		return (-1);
	}
	for (i = 0; i < m->n; i += 2) {
		k = m->kids[i];
		for (j = 0; k->type == SIGMA_Y_SCALAR && sec_keys[j] != NULL;
		    j++)
			if (strcmp(k->s, sec_keys[j]) == 0)
				break;
		if (k->type != SIGMA_Y_SCALAR || sec_keys[j] == NULL) {
			snprintf(err, errlen, "unknown key '%.32s'",
			    k->type == SIGMA_Y_SCALAR ? k->s : "?");
			return (-1);
		}
	}
	if ((sec = calloc(1, sizeof(*sec))) == NULL)
		fatal("%s: calloc", __func__);
	*out = sec;
	sec->min_len = BASE_SECRET_MIN_LENGTH;
	sec->max_len = BASE_SECRET_MAX_LENGTH;
	sec->min_h = BASE_SECRET_ENTROPY;
	sec->min_h_hex = BASE_SECRET_ENTROPY_HEX;
	sec->distance = BASE_SECRET_DISTANCE;
	sec->need = BASE_NEED_HEX;
	if (sigma_target_parse("message", &sec->message) == -1)
		fatalx("%s: no message column", __func__);

	if ((v = sigma_ymap_get(m, "fields")) != NULL &&
	    sec_list(v, "fields", SIGMA_EXT_MAX_FIELDS, SIGMA_REASON_LEN,
	    &n, err, errlen) == -1)
		goto fail;
	d = 0;
	if ((ec = sec_num(m, "min-length", 8, BASE_SECRET_LENGTH_MAX, 1, &d,
	    err, errlen)) == -1)
		goto fail;
	if (ec == 1)
		sec->min_len = d;
	if ((ec = sec_num(m, "max-length", 8, BASE_SECRET_LENGTH_MAX, 1, &d,
	    err, errlen)) == -1)
		goto fail;
	if (ec == 1)
		sec->max_len = d;
	if (sec->max_len < sec->min_len) {
		snprintf(err, errlen, "max-length %zu is below min-length %zu",
		    sec->max_len, sec->min_len);
		goto fail;
	}
	if (sec_num(m, "min-entropy", 0, 8, 0, &sec->min_h, err,
	    errlen) == -1 || sec_num(m, "min-entropy-hex", 0, 4, 0,
	    &sec->min_h_hex, err, errlen) == -1)
		goto fail;
	if ((ec = sec_num(m, "context-distance", 1, BASE_SECRET_MAX_DISTANCE,
	    1, &d, err, errlen)) == -1)
		goto fail;
	if (ec == 1)
		sec->distance = d;
	if ((v = sigma_ymap_get(m, "need-context")) != NULL) {
		w = v->type == SIGMA_Y_SCALAR ? v->s : "";
		if (strcmp(w, "none") == 0)
			sec->need = BASE_NEED_NONE;
		else if (strcmp(w, "hex") == 0)
			sec->need = BASE_NEED_HEX;
		else if (strcmp(w, "all") == 0)
			sec->need = BASE_NEED_ALL;
		else {
			snprintf(err, errlen, "need-context must be none, hex "
			    "or all");
			goto fail;
		}
	}

	if ((v = sigma_ymap_get(m, "context")) != NULL) {
		if (sec_list(v, "context", BASE_SECRET_MAX_WORDS,
		    BASE_SECRET_WORD_LEN, &n, err, errlen) == -1)
			goto fail;
	} else
		for (n = 0; sec_words[n] != NULL; n++)
			;
	if ((sec->words = calloc(n, sizeof(*sec->words))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n; i++) {
		w = v != NULL ? sec_item(v, i)->s : sec_words[i];
		if ((sec->words[i] = strdup(w)) == NULL)
			fatal("%s: strdup", __func__);
		sec->nwords++;
		for (j = 0; sec->words[i][j] != '\0'; j++)
			if (sec_upper(sec->words[i][j]))
				sec->words[i][j] += 'a' - 'A';
	}

	if (sec_patterns(m, "allow", &sec->allow, &sec->nallow, err,
	    errlen) == -1 || sec_patterns(m, "exclude", &sec->exclude,
	    &sec->nexclude, err, errlen) == -1)
		goto fail;
	if ((sec->nallow > 0 || sec->nexclude > 0) &&
	    (sec->md = pcre2_match_data_create(1, NULL)) == NULL)
		fatalx("%s: pcre2_match_data_create", __func__);
	return (0);
 fail:
	base_secret_free(sec);
	*out = NULL;
	return (-1);
}

void
base_secret_free(struct base_secret *sec)
{
	size_t	 i;

	if (sec == NULL)
		return;
	for (i = 0; i < sec->nwords; i++)
		free(sec->words[i]);
	free(sec->words);
	for (i = 0; i < sec->nallow; i++)
		pcre2_code_free(sec->allow[i]);
	free(sec->allow);
	for (i = 0; i < sec->nexclude; i++)
		pcre2_code_free(sec->exclude[i]);
	free(sec->exclude);
	pcre2_match_data_free(sec->md);
	sigma_target_free(&sec->message);
	free(sec);
}
