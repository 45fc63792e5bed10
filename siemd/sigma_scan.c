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
	int32_t			*own;		/* literal ending here, or -1 */
	uint32_t		*fail;
	uint32_t		*out;		/* first state with output on
						   the fail chain, 0: none */
	size_t			 nstates;
	int			 built;
};

static uint32_t	 lit_hash(const uint8_t *, size_t);
static void	 hash_grow(struct sigma_scan *);

struct sigma_scan *
sigma_scan_new(void)
{
	struct sigma_scan	*sc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		fatal("%s: calloc", __func__);
	return (sc);
}

void
sigma_scan_free(struct sigma_scan *sc)
{
	size_t	 i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nlit; i++)
		free(sc->lit[i].s);
	free(sc->lit);
	free(sc->hash);
	free(sc->next);
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
	size_t		 i, j, c, max, head = 0, tail = 0;

	memset(cls, 0, sizeof(cls));
	sc->nclass = 1;
	for (i = 0; i < sc->nlit; i++)
		for (j = 0; j < sc->lit[i].len; j++)
			/* lower case: at most 230 distinct bytes */
			if (cls[sc->lit[i].s[j]] == 0)
				cls[sc->lit[i].s[j]] = sc->nclass++;
	for (c = 0; c < 256; c++)
		sc->map[c] = cls[(uint8_t)tolower((int)c)];

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
	/* the trie was sized for no shared prefix at all */
	if ((sc->next = reallocarray(sc->next, sc->nstates * sc->nclass,
	    sizeof(*sc->next))) == NULL)
		fatal("%s: reallocarray", __func__);
	sc->built = 1;
}

/* Stamps found[id] = epoch for every literal in p/len. */
void
sigma_scan_run(const struct sigma_scan *sc, const char *p, size_t len,
    uint32_t *found, uint32_t epoch)
{
	const uint32_t	*next = sc->next;
	const uint8_t	*map = sc->map;
	size_t		 i, nclass = sc->nclass;
	uint32_t	 s = 0, u;

	if (!sc->built || sc->nlit == 0)
		return;
	for (i = 0; i < len; i++) {
		s = next[s * nclass + map[(uint8_t)p[i]]];
		for (u = sc->out[s]; u != 0; u = sc->out[sc->fail[u]])
			found[sc->own[u]] = epoch;
	}
}

/* Bytes the automaton takes. */
size_t
sigma_scan_size(const struct sigma_scan *sc)
{
	return (sc->nstates * (sc->nclass * sizeof(*sc->next) +
	    sizeof(*sc->own) + sizeof(*sc->fail) + sizeof(*sc->out)));
}
