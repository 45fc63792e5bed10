/*
 * The shared literal prefilter of the Sigma engine: every literal the
 * rules require in one column, found in one pass over the column's
 * value (an Aho-Corasick automaton, case-insensitive for ASCII), so
 * an event's text is read once per column instead of once per rule
 * and literal.
 *
 * Literals are added (lower case, duplicates get the same id), the
 * automaton is built once, then each scan stamps the id of every
 * literal it finds: found[id] = epoch.  Bytes that occur in no
 * literal share one input class, so the transition table is states x
 * classes, not states x 256.
 */

#include <sys/types.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../privsep/log.h"
#include "sigma.h"

#define SCAN_HASH_MIN	64
#define SCAN_OUT32	0x80000000U	/* in next: the state has output */
#define SCAN_OUT16	0x8000U

struct scan_lit {
	uint8_t			*s;
	size_t			 len;
};

struct sigma_scan {
	struct scan_lit		*lit;
	size_t			 nlit;
	size_t			 cap;
	uint32_t		*hash;		/* id + 1, 0 empty */
	size_t			 hsize;
	size_t			 bytes;		/* sum of literal lengths */

	/* the automaton */
	uint8_t			 map[256];	/* byte to class */
	size_t			 nclass;
	uint32_t		*next;		/* state * nclass + class */
	uint16_t		*next16;	/* the same, when it fits */
	int32_t			*own;		/* literal ending here, or -1 */
	uint32_t		*fail;
	uint32_t		*out;		/* first state with output on
						   the fail chain, 0: none */
	size_t			 nstates;
	uint8_t			 start[256];	/* byte that leaves the root */
	int			 built;
	int			 refs;
};

static uint32_t	 lit_hash(const uint8_t *, size_t);
static void	 hash_grow(struct sigma_scan *);

struct sigma_scan *
sigma_scan_new(void)
{
	struct sigma_scan	*sc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		fatal("%s: calloc", __func__);
	sc->refs = 1;
	return (sc);
}

/* One more user of sc; sigma_scan_free() drops one. */
struct sigma_scan *
sigma_scan_ref(struct sigma_scan *sc)
{
	sc->refs++;
	return (sc);
}

/* Whether a and b hold the same literals with the same ids. */
int
sigma_scan_same(const struct sigma_scan *a, const struct sigma_scan *b)
{
	size_t	 i;

	if (a->nlit != b->nlit)
		return (0);
	for (i = 0; i < a->nlit; i++)
		if (a->lit[i].len != b->lit[i].len ||
		    memcmp(a->lit[i].s, b->lit[i].s, a->lit[i].len) != 0)
			return (0);
	return (1);
}

void
sigma_scan_free(struct sigma_scan *sc)
{
	size_t	 i;

	if (sc == NULL || --sc->refs > 0)
		return;
	for (i = 0; i < sc->nlit; i++)
		free(sc->lit[i].s);
	free(sc->lit);
	free(sc->hash);
	free(sc->next);
	free(sc->next16);
	free(sc->own);
	free(sc->fail);
	free(sc->out);
	free(sc);
}

size_t
sigma_scan_count(const struct sigma_scan *sc)
{
	return (sc->nlit);
}

static uint32_t
lit_hash(const uint8_t *s, size_t len)
{
	uint32_t	 h = 2166136261U;
	size_t		 i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619U;
	return (h);
}

static void
hash_grow(struct sigma_scan *sc)
{
	size_t		 i, j, n = sc->hsize ? sc->hsize * 2 : SCAN_HASH_MIN;
	uint32_t	*h;

	if ((h = calloc(n, sizeof(*h))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < sc->nlit; i++) {
		j = lit_hash(sc->lit[i].s, sc->lit[i].len) & (n - 1);
		while (h[j] != 0)
			j = (j + 1) & (n - 1);
		h[j] = i + 1;
	}
	free(sc->hash);
	sc->hash = h;
	sc->hsize = n;
}

/*
 * The id of literal s/len (lower case, not empty), added when new.
 * Only before sigma_scan_build().
 */
uint32_t
sigma_scan_add(struct sigma_scan *sc, const uint8_t *s, size_t len)
{
	struct scan_lit	*l;
	size_t		 j;

	if (sc->built)
		fatalx("%s: automaton already built", __func__);
	if ((sc->nlit + 1) * 2 > sc->hsize)
		hash_grow(sc);
	j = lit_hash(s, len) & (sc->hsize - 1);
	while (sc->hash[j] != 0) {
		l = &sc->lit[sc->hash[j] - 1];
		if (l->len == len && memcmp(l->s, s, len) == 0)
			return (sc->hash[j] - 1);
		j = (j + 1) & (sc->hsize - 1);
	}
	if (sc->nlit == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 16;
		if ((l = reallocarray(sc->lit, sc->cap, sizeof(*l))) == NULL)
			fatal("%s: reallocarray", __func__);
		sc->lit = l;
	}
	l = &sc->lit[sc->nlit];
	if ((l->s = malloc(len)) == NULL)
		fatal("%s: malloc", __func__);
	memcpy(l->s, s, len);
	l->len = len;
	sc->bytes += len;
	sc->hash[j] = ++sc->nlit;
	return (sc->nlit - 1);
}

/* The trie of the literals, then its failure links and full DFA. */
void
sigma_scan_build(struct sigma_scan *sc)
{
	uint8_t		 cls[256];
	uint32_t	*queue, s, t, f;
	size_t		 i, j, c, n, max, head = 0, tail = 0;

	memset(cls, 0, sizeof(cls));
	sc->nclass = 1;
	for (i = 0; i < sc->nlit; i++)
		for (j = 0; j < sc->lit[i].len; j++)
			/* lower case: at most 230 distinct bytes */
			if (cls[sc->lit[i].s[j]] == 0)
				cls[sc->lit[i].s[j]] = sc->nclass++;
	/*
	 * ASCII case only, whatever the locale: bytes of 0x80 and up
	 * (the UTF-8 of U+212A and U+017F the regular expression
	 * literals may hold) are matched as they are.
	 */
	for (c = 0; c < 256; c++)
		sc->map[c] = cls[c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c];

	max = sc->bytes + 1;
	if ((sc->next = calloc(max * sc->nclass, sizeof(*sc->next))) ==
	    NULL || (sc->own = malloc(max * sizeof(*sc->own))) == NULL ||
	    (sc->fail = calloc(max, sizeof(*sc->fail))) == NULL ||
	    (sc->out = calloc(max, sizeof(*sc->out))) == NULL ||
	    (queue = malloc(max * sizeof(*queue))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < max; i++)
		sc->own[i] = -1;
	/* the trie; 0 is the root and, below, "no child yet" */
	sc->nstates = 1;
	for (i = 0; i < sc->nlit; i++) {
		for (j = 0, s = 0; j < sc->lit[i].len; j++) {
			c = cls[sc->lit[i].s[j]];
			if ((t = sc->next[s * sc->nclass + c]) == 0) {
				t = sc->nstates++;
				sc->next[s * sc->nclass + c] = t;
			}
			s = t;
		}
		sc->own[s] = (int32_t)i;
	}
	/* breadth first: a state's fail target is shallower, so done */
	for (c = 1; c < sc->nclass; c++)
		if ((t = sc->next[c]) != 0)
			queue[tail++] = t;
	while (head < tail) {
		s = queue[head++];
		f = sc->fail[s];
		sc->out[s] = sc->own[s] >= 0 ? s : sc->out[f];
		for (c = 1; c < sc->nclass; c++) {
			t = sc->next[s * sc->nclass + c];
			if (t != 0) {
				sc->fail[t] = sc->next[f * sc->nclass + c];
				queue[tail++] = t;
			} else
				sc->next[s * sc->nclass + c] =
				    sc->next[f * sc->nclass + c];
		}
	}
	free(queue);
	/*
	 * The scan follows next[] only, so each entry says whether its
	 * state has output; a table of 16-bit entries when that fits,
	 * since it is read once a byte and the smaller, the more of it
	 * stays in cache.
	 */
	n = sc->nstates * sc->nclass;
	/* from the root, only bytes that begin a literal go anywhere */
	for (c = 0; c < 256; c++)
		sc->start[c] = sc->next[sc->map[c]] != 0;
	for (i = 0; i < n; i++)
		if (sc->out[sc->next[i]] != 0)
			sc->next[i] |= SCAN_OUT32;
	if (sc->nstates < SCAN_OUT16) {
		if ((sc->next16 = reallocarray(NULL, n,
		    sizeof(*sc->next16))) == NULL)
			fatal("%s: reallocarray", __func__);
		for (i = 0; i < n; i++)
			sc->next16[i] = (sc->next[i] & ~SCAN_OUT32) |
			    (sc->next[i] & SCAN_OUT32 ? SCAN_OUT16 : 0);
		free(sc->next);
		sc->next = NULL;
	} else if ((sc->next = reallocarray(sc->next, n,
	    sizeof(*sc->next))) == NULL)
		/* the trie was sized for no shared prefix at all */
		fatal("%s: reallocarray", __func__);
	sc->built = 1;
}

/*
 * Stamps found[id] = epoch for every literal in p/len and, when tail
 * is not NULL, tail[id] = epoch for those that start at or after
 * byte split: one pass serves a column and another that is its end
 * (the message at the end of the raw record).  Each literal newly
 * stamped is also listed in got (and tgot), when given, so that the
 * caller can go from the literals found to the rules that need them.
 */
struct scan_sink {
	uint32_t	*found, *tail;
	uint32_t	*got, *tgot;
	size_t		 ngot, ntgot;
	size_t		 split;
	uint32_t	 epoch;
};

static inline void
scan_out(const struct sigma_scan *sc, uint32_t u, size_t end,
    struct scan_sink *k)
{
	int32_t	 id;

	for (; u != 0; u = sc->out[sc->fail[u]]) {
		id = sc->own[u];
		if (k->found[id] != k->epoch) {
			k->found[id] = k->epoch;
			if (k->got != NULL)
				k->got[k->ngot++] = id;
		}
		if (k->tail != NULL && end >= k->split + sc->lit[id].len &&
		    k->tail[id] != k->epoch) {
			k->tail[id] = k->epoch;
			if (k->tgot != NULL)
				k->tgot[k->ntgot++] = id;
		}
	}
}

static void
scan_walk(const struct sigma_scan *sc, const char *p, size_t len,
    struct scan_sink *k)
{
	const uint8_t	*map = sc->map;
	size_t		 i, nclass = sc->nclass;
	uint32_t	 s = 0;

	if (!sc->built || sc->nlit == 0)
		return;
	if (sc->next16 != NULL) {
		for (i = 0; i < len; i++) {
			/*
			 * At the root no literal is under way: bytes that
			 * begin none are passed over without the table.
			 */
			if (s == 0) {
				while (i < len && !sc->start[(uint8_t)p[i]])
					i++;
				if (i == len)
					break;
			}
			s = sc->next16[s * nclass + map[(uint8_t)p[i]]];
			if (!(s & SCAN_OUT16))
				continue;
			s &= ~SCAN_OUT16;
			scan_out(sc, sc->out[s], i + 1, k);
		}
		return;
	}
	for (i = 0; i < len; i++) {
		if (s == 0) {
			while (i < len && !sc->start[(uint8_t)p[i]])
				i++;
			if (i == len)
				break;
		}
		s = sc->next[s * nclass + map[(uint8_t)p[i]]];
		if (!(s & SCAN_OUT32))
			continue;
		s &= ~SCAN_OUT32;
		scan_out(sc, sc->out[s], i + 1, k);
	}
}

void
sigma_scan_run2(const struct sigma_scan *sc, const char *p, size_t len,
    uint32_t *found, uint32_t *tail, size_t split, uint32_t epoch)
{
	struct scan_sink	 k;

	memset(&k, 0, sizeof(k));
	k.found = found;
	k.tail = tail;
	k.split = split;
	k.epoch = epoch;
	scan_walk(sc, p, len, &k);
}

/*
 * The same, listing the literals newly stamped in got[] (and tgot[]
 * for tail), which must hold sigma_scan_count() ids each; their
 * numbers in *ngot and *ntgot.
 */
void
sigma_scan_collect(const struct sigma_scan *sc, const char *p, size_t len,
    uint32_t *found, uint32_t *got, size_t *ngot, uint32_t *tail,
    uint32_t *tgot, size_t *ntgot, size_t split, uint32_t epoch)
{
	struct scan_sink	 k;

	memset(&k, 0, sizeof(k));
	k.found = found;
	k.tail = tail;
	k.got = got;
	k.tgot = tgot;
	k.split = split;
	k.epoch = epoch;
	scan_walk(sc, p, len, &k);
	*ngot = k.ngot;
	if (ntgot != NULL)
		*ntgot = k.ntgot;
}

/* Stamps found[id] = epoch for every literal in p/len. */
void
sigma_scan_run(const struct sigma_scan *sc, const char *p, size_t len,
    uint32_t *found, uint32_t epoch)
{
	sigma_scan_run2(sc, p, len, found, NULL, 0, epoch);
}

/* Bytes the automaton takes. */
size_t
sigma_scan_size(const struct sigma_scan *sc)
{
	return (sc->nstates * (sc->nclass * (sc->next16 != NULL ?
	    sizeof(*sc->next16) : sizeof(*sc->next)) +
	    sizeof(*sc->own) + sizeof(*sc->fail) + sizeof(*sc->out)));
}

/*
 * Literals a regular expression needs: a set one of which every match
 * contains (ASCII case ignored), for the prefilter.  The pattern is
 * read conservatively: only plain characters, escaped punctuation,
 * groups, alternatives, classes and quantifiers are understood;
 * anything else (back-references, \Q, verbs, extended mode ...) and
 * there are no literals.  Under PCRE2's caseless UTF mode k and s also
 * match U+212A and U+017F, so a literal with k or s comes with its
 * spellings that use those (the automaton matches bytes of 0x80 and
 * up as they are): up to RE_MAX_FOLD of them in a literal, and only
 * while the set stays within RE_MAX_SET; past that they end literals.
 */

#define RE_MAX_DEPTH	16
#define RE_MAX_SET	SIGMA_RE_MAX_LITS
#define RE_MAX_FOLD	3		/* caseless k/s in a literal:
					   2^3 spellings fit RE_MAX_SET */
#define RE_KELVIN	"\xe2\x84\xaa"	/* U+212A, folds to k */
#define RE_LONG_S	"\xc5\xbf"	/* U+017F, folds to s */

struct re_set {
	char			*s[RE_MAX_SET];
	size_t			 len[RE_MAX_SET];
	size_t			 n;
};

struct re_ctx {
	const char		*p;
	size_t			 i, n;
	int			 caseless;
	int			 giveup;
	int			 nofold;	/* k and s end literals */
	int			 folded;	/* a literal has k or s */
	int			 overflow;	/* a set was too large */
};

static void	 re_set_clear(struct re_set *);
static void	 re_set_take(struct re_set *, struct re_set *);
static size_t	 re_set_min(const struct re_set *);
static void	 re_alt(struct re_ctx *, struct re_set *, int);
static void	 re_seq(struct re_ctx *, struct re_set *, int);
static int	 re_quant(struct re_ctx *, size_t *);
static void	 re_class(struct re_ctx *);
static void	 re_better(struct re_set *, struct re_set *);
static void	 re_run(struct re_ctx *, struct re_set *, const char *,
		    size_t, const size_t *, size_t);

static void
re_set_clear(struct re_set *rs)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		free(rs->s[i]);
	rs->n = 0;
}

static void
re_set_take(struct re_set *to, struct re_set *from)
{
	re_set_clear(to);
	*to = *from;
	from->n = 0;
}

static size_t
re_set_min(const struct re_set *rs)
{
	size_t	 i, m = SIZE_MAX;

	for (i = 0; i < rs->n; i++)
		if (rs->len[i] < m)
			m = rs->len[i];
	return (rs->n ? m : 0);
}

/* cand replaces best when its shortest literal is longer; cand emptied */
static void
re_better(struct re_set *best, struct re_set *cand)
{
	size_t	 cm = re_set_min(cand), bm = re_set_min(best);

	if (cand->n > 0 && (best->n == 0 || cm > bm ||
	    (cm == bm && cand->n < best->n)))
		re_set_take(best, cand);
	else
		re_set_clear(cand);
}

/*
 * A run of literal characters (lower case, ASCII) as a candidate for
 * best: the run itself and, when the k and s at fold[0..nfold) may
 * also be U+212A and U+017F, every spelling with some of them so.
 */
static void
re_run(struct re_ctx *c, struct re_set *best, const char *run, size_t rn,
    const size_t *fold, size_t nfold)
{
	struct re_set	 cand;
	const char	*w;
	size_t		 v, i, j, o, wl;

	if (rn == 0)
		return;
	memset(&cand, 0, sizeof(cand));
	if (nfold > 0)
		c->folded = 1;
	for (v = 0; v < (1U << nfold); v++) {
		if ((cand.s[v] = malloc(rn + 2 * nfold)) == NULL)
			fatal("%s: malloc", __func__);
		for (i = 0, j = 0, o = 0; i < rn; i++) {
			if (j < nfold && fold[j] == i) {
				if (v & (1U << j++)) {
					w = run[i] == 'k' ? RE_KELVIN :
					    RE_LONG_S;
					wl = strlen(w);
					memcpy(cand.s[v] + o, w, wl);
					o += wl;
					continue;
				}
			}
			cand.s[v][o++] = run[i];
		}
		cand.len[v] = o;
		cand.n++;
	}
	re_better(best, &cand);
}

/*
 * A quantifier after an atom, consumed: 1 and its minimum, 0 when
 * there is none.
 */
static int
re_quant(struct re_ctx *c, size_t *min)
{
	size_t	 j, m = 0;
	int	 digits = 0, comma = 0;

	if (c->i >= c->n)
		return (0);
	switch (c->p[c->i]) {
	case '?':
	case '*':
		*min = 0;
		break;
	case '+':
		*min = 1;
		break;
	case '{':
		for (j = c->i + 1; j < c->n && c->p[j] != '}'; j++) {
			if (c->p[j] == ',' && !comma)
				comma = 1;
			else if (c->p[j] >= '0' && c->p[j] <= '9') {
				if (!comma && m < 100000)
					m = m * 10 + (c->p[j] - '0');
				digits = 1;
			} else
				return (0);	/* a literal '{' */
		}
		if (j >= c->n || !digits)
			return (0);
		c->i = j + 1;
		*min = m;
		goto lazy;
	default:
		return (0);
	}
	c->i++;
 lazy:
	if (c->i < c->n && (c->p[c->i] == '?' || c->p[c->i] == '+'))
		c->i++;
	return (1);
}

/* Past a character class; c->i at its '['. */
static void
re_class(struct re_ctx *c)
{
	c->i++;
	if (c->i < c->n && c->p[c->i] == '^')
		c->i++;
	if (c->i < c->n && c->p[c->i] == ']')
		c->i++;
	while (c->i < c->n && c->p[c->i] != ']') {
		if (c->p[c->i] == '\\') {
			c->i += 2;
			continue;
		}
		if (c->p[c->i] == '[' && c->i + 1 < c->n &&
		    c->p[c->i + 1] == ':') {
			/* [:alpha:] */
			c->i += 2;
			while (c->i + 1 < c->n && !(c->p[c->i] == ':' &&
			    c->p[c->i + 1] == ']'))
				c->i++;
			c->i += 2;
			continue;
		}
		c->i++;
	}
	if (c->i >= c->n)
		c->giveup = 1;
	else
		c->i++;
}

/* Alternatives up to ')' or the end: the union of their sets. */
static void
re_alt(struct re_ctx *c, struct re_set *out, int depth)
{
	struct re_set	 br;
	size_t		 i;
	int		 none = 0;

	memset(&br, 0, sizeof(br));
	out->n = 0;
	if (depth > RE_MAX_DEPTH) {
		c->giveup = 1;
		return;
	}
	for (;;) {
		re_seq(c, &br, depth);
		if (c->giveup) {
			re_set_clear(&br);
			break;
		}
		if (out->n + br.n > RE_MAX_SET)
			c->overflow = 1;
		if (br.n == 0 || out->n + br.n > RE_MAX_SET)
			none = 1;
		for (i = 0; i < br.n && !none; i++) {
			out->s[out->n] = br.s[i];
			out->len[out->n++] = br.len[i];
		}
		if (none)
			re_set_clear(&br);
		br.n = 0;
		if (c->i < c->n && c->p[c->i] == '|') {
			c->i++;
			continue;
		}
		break;
	}
	if (none || c->giveup)
		re_set_clear(out);
}

/* One alternative: the best of its runs of literal characters and groups. */
static void
re_seq(struct re_ctx *c, struct re_set *best, int depth)
{
	struct re_set	 in;
	char		 run[SIGMA_RE_MAX_LIT];
	size_t		 rn = 0, min, j, fold[RE_MAX_FOLD], nfold = 0;
	size_t		 wide = 0, w;	/* the longest spelling */
	int		 lit, ch, look;

	memset(&in, 0, sizeof(in));
	best->n = 0;
#define RUN_END() do {							\
	re_run(c, best, run, rn, fold, nfold);				\
	rn = nfold = wide = 0;						\
} while (0)
	while (c->i < c->n && !c->giveup) {
		ch = (unsigned char)c->p[c->i];
		if (ch == '|' || ch == ')')
			break;
		lit = -1;
		switch (ch) {
		case '(':
			RUN_END();
			c->i++;
			look = 0;
			if (c->i < c->n && c->p[c->i] == '*') {
				c->giveup = 1;	/* (*VERB) */
				break;
			}
			if (c->i < c->n && c->p[c->i] == '?') {
				c->i++;
				if (c->i >= c->n) {
					c->giveup = 1;
					break;
				}
				ch = (unsigned char)c->p[c->i];
				if (ch == ':' || ch == '>')
					c->i++;
				else if (ch == '=' || ch == '!') {
					c->i++;
					look = 1;
				} else if (ch == '<' && c->i + 1 < c->n &&
				    (c->p[c->i + 1] == '=' ||
				    c->p[c->i + 1] == '!')) {
					c->i += 2;
					look = 1;
				} else if (ch == '<' || ch == '\'' ||
				    (ch == 'P' && c->i + 1 < c->n &&
				    c->p[c->i + 1] == '<')) {
					/* a named group */
					for (j = c->i + 1; j < c->n &&
					    (isalnum((unsigned char)c->p[j]) ||
					    c->p[j] == '_' || c->p[j] == '<');
					    j++)
						;
					if (j >= c->n || (c->p[j] != '>' &&
					    c->p[j] != '\'')) {
						c->giveup = 1;
						break;
					}
					c->i = j + 1;
				} else {
					/* flags: (?i) (?ims:...) only */
					for (j = c->i; j < c->n &&
					    strchr("ims-", c->p[j]) != NULL &&
					    c->p[j] != '\0'; j++)
						;
					if (j == c->i || j >= c->n ||
					    (c->p[j] != ')' &&
					    c->p[j] != ':')) {
						c->giveup = 1;
						break;
					}
					c->caseless = 1;
					c->i = j + 1;
					if (c->p[j] == ')')
						break;
				}
			}
			re_alt(c, &in, depth + 1);
			if (c->giveup || c->i >= c->n || c->p[c->i] != ')') {
				c->giveup = 1;
				re_set_clear(&in);
				break;
			}
			c->i++;
			if (look) {
				re_set_clear(&in);
				break;
			}
			if (re_quant(c, &min) && min == 0)
				re_set_clear(&in);
			re_better(best, &in);
			break;
		case '[':
			RUN_END();
			re_class(c);
			(void)re_quant(c, &min);
			break;
		case '^':
		case '$':
			RUN_END();
			c->i++;
			break;
		case '\\':
			if (c->i + 1 >= c->n) {
				c->giveup = 1;
				break;
			}
			ch = (unsigned char)c->p[c->i + 1];
			c->i += 2;
			if (ch < 0x80 && !isalnum(ch)) {
				lit = ch;
				break;
			}
			RUN_END();
			if (strchr("dDwWsShHvVRX", ch) != NULL ||
			    strchr("bBAzZGK", ch) != NULL)
				;
			else if (ch == 'x' || ch == 'p' || ch == 'P') {
				if (c->i < c->n && c->p[c->i] == '{') {
					while (c->i < c->n &&
					    c->p[c->i] != '}')
						c->i++;
					if (c->i >= c->n)
						c->giveup = 1;
					c->i++;
				} else if (ch == 'x') {
					for (j = 0; j < 2 && c->i < c->n &&
					    isxdigit((unsigned char)
					    c->p[c->i]); j++)
						c->i++;
				} else
					c->i++;
			} else
				c->giveup = 1;
			(void)re_quant(c, &min);
			break;
		case '.':
			RUN_END();
			c->i++;
			(void)re_quant(c, &min);
			break;
		case '*':
		case '+':
		case '?':
		case '{':
			c->giveup = 1;
			break;
		default:
			if (ch >= 0x80) {
				/* one UTF-8 character, not a literal */
				RUN_END();
				c->i++;
				while (c->i < c->n &&
				    ((unsigned char)c->p[c->i] & 0xc0) == 0x80)
					c->i++;
				(void)re_quant(c, &min);
				break;
			}
			c->i++;
			lit = ch;
			break;
		}
		if (lit == -1)
			continue;
		lit = tolower(lit);
		w = 1;
		if (c->caseless && (lit == 'k' || lit == 's')) {
			if (c->nofold || nfold == RE_MAX_FOLD) {
				RUN_END();
				(void)re_quant(c, &min);
				continue;
			}
			w = lit == 'k' ? strlen(RE_KELVIN) : strlen(RE_LONG_S);
		}
		if (re_quant(c, &min)) {
			if (min > 0 && wide + w <= sizeof(run)) {
				if (w > 1)
					fold[nfold++] = rn;
				run[rn++] = (char)lit;
				wide += w;
			}
			RUN_END();
			continue;
		}
		if (wide + w > sizeof(run))
			RUN_END();
		if (w > 1)
			fold[nfold++] = rn;
		run[rn++] = (char)lit;
		wide += w;
	}
	RUN_END();
#undef RUN_END
	if (c->giveup)
		re_set_clear(best);
}

/*
 * The literals of pattern re (caseless: compiled with PCRE2_CASELESS),
 * lower case, in lits/lens (at most SIGMA_RE_MAX_LITS, allocated);
 * their number, 0 when none is required.
 */
size_t
sigma_re_lits(const char *re, size_t len, int caseless, uint8_t **lits,
    size_t *lens)
{
	struct re_ctx	 c;
	struct re_set	 rs;
	size_t		 i;

	memset(&c, 0, sizeof(c));
	c.p = re;
	c.n = len;
	c.caseless = caseless;
	/* inline flags anywhere: caseless for all of it */
	for (i = 0; i + 2 < len; i++)
		if (re[i] == '(' && re[i + 1] == '?' &&
		    strchr("ims-", re[i + 2]) != NULL && re[i + 2] != '\0')
			c.caseless = 1;
	memset(&rs, 0, sizeof(rs));
	re_alt(&c, &rs, 0);
	if (c.overflow && c.folded && !c.giveup) {
		/* too many spellings: read it again with k and s ending */
		re_set_clear(&rs);
		c.i = 0;
		c.nofold = 1;
		c.folded = c.overflow = 0;
		re_alt(&c, &rs, 0);
	}
	if (c.giveup || c.i != c.n) {
		re_set_clear(&rs);
		return (0);
	}
	for (i = 0; i < rs.n; i++) {
		lits[i] = (uint8_t *)rs.s[i];
		lens[i] = rs.len[i];
	}
	return (rs.n);
}
