/*
 * Login throttling and per-token rate limits in fixed-size tables.
 *
 * Keys are hashed with a random key (BLAKE2b), so a client cannot
 * choose names that pile up in one hash chain, and every key takes
 * the same few bytes however long it was.  Memory is allocated once:
 * a full table reuses its least recently used entry.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "siemd.h"
#include "throttle.h"

enum throttle_kind {
	THROTTLE_KIND_FAILURES,
	THROTTLE_KIND_RATE
};

struct throttle_entry {
	TAILQ_ENTRY(throttle_entry)	 lru;
	struct throttle_entry		*next;	/* hash chain */
	uint8_t				 key[THROTTLE_DIGEST];
	time_t				*times;	/* ring of limit */
	int				 head;	/* oldest failure */
	int				 count;
	int64_t				 tokens;	/* in 1/window */
	time_t				 last;
};

static void	 throttle_setup(struct throttle *, size_t, int, int, int);
static size_t	 throttle_bucket(struct throttle *, const uint8_t *);
static struct throttle_entry *throttle_find(struct throttle *, const char *,
		    int);
static void	 throttle_expire(struct throttle *, struct throttle_entry *,
		    time_t);

static void
throttle_setup(struct throttle *t, size_t capacity, int limit, int window,
    int kind)
{
	size_t	 i;

	if (capacity == 0 || limit < 0 || window <= 0)
		fatalx("%s: bad parameters", __func__);
	if (sodium_init() == -1)
		fatalx("%s: sodium_init", __func__);
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->limit = limit;
	t->window = window;
	t->capacity = capacity;
	for (t->nbuckets = 1; t->nbuckets < capacity; t->nbuckets <<= 1)
		;
	if ((t->entries = calloc(capacity, sizeof(*t->entries))) == NULL ||
	    (t->buckets = calloc(t->nbuckets, sizeof(*t->buckets))) == NULL)
		fatal("%s: calloc", __func__);
	if (kind == THROTTLE_KIND_FAILURES) {
		if ((t->times = calloc(capacity, limit *
		    sizeof(*t->times))) == NULL)
			fatal("%s: calloc", __func__);
		for (i = 0; i < capacity; i++)
			t->entries[i].times = t->times + i * limit;
	}
	TAILQ_INIT(&t->lru);
	randombytes_buf(t->hashkey, sizeof(t->hashkey));
}

/* A table of failure times: limit failures per window seconds. */
void
throttle_init(struct throttle *t, size_t capacity, int limit, int window)
{
	if (limit <= 0)
		fatalx("%s: limit %d", __func__, limit);
	throttle_setup(t, capacity, limit, window, THROTTLE_KIND_FAILURES);
}

/* A table of token buckets; per_minute 0 means no limit. */
void
ratelimit_init(struct throttle *t, size_t capacity, int per_minute)
{
	throttle_setup(t, capacity, per_minute, 60, THROTTLE_KIND_RATE);
}

void
throttle_free(struct throttle *t)
{
	free(t->entries);
	free(t->buckets);
	free(t->times);
	sodium_memzero(t, sizeof(*t));
}

static size_t
throttle_bucket(struct throttle *t, const uint8_t *digest)
{
	uint64_t	 h;

	memcpy(&h, digest, sizeof(h));
	return (h & (t->nbuckets - 1));
}

/*
 * The entry for key, most recently used from now on; with create, a
 * new one (taking the place of the least recently used if the table
 * is full) when there is none.
 */
static struct throttle_entry *
throttle_find(struct throttle *t, const char *key, int create)
{
	uint8_t			 d[THROTTLE_DIGEST];
	struct throttle_entry	*e, **pp;
	size_t			 b;

	crypto_generichash(d, sizeof(d), (const unsigned char *)key,
	    strlen(key), t->hashkey, sizeof(t->hashkey));
	b = throttle_bucket(t, d);
	for (e = t->buckets[b]; e != NULL; e = e->next)
		if (memcmp(e->key, d, sizeof(d)) == 0) {
			TAILQ_REMOVE(&t->lru, e, lru);
			TAILQ_INSERT_HEAD(&t->lru, e, lru);
			return (e);
		}
	if (!create)
		return (NULL);

	if (t->used < t->capacity)
		e = &t->entries[t->used++];
	else {
		e = TAILQ_LAST(&t->lru, throttle_lru);
		TAILQ_REMOVE(&t->lru, e, lru);
		for (pp = &t->buckets[throttle_bucket(t, e->key)]; *pp != e;
		    pp = &(*pp)->next)
			;
		*pp = e->next;
		t->evictions++;
	}
	memcpy(e->key, d, sizeof(d));
	e->head = e->count = 0;
	e->tokens = (int64_t)t->limit * t->window;
	e->last = 0;
	e->next = t->buckets[b];
	t->buckets[b] = e;
	TAILQ_INSERT_HEAD(&t->lru, e, lru);
	return (e);
}

/* Forget failures that have left the window. */
static void
throttle_expire(struct throttle *t, struct throttle_entry *e, time_t now)
{
	while (e->count > 0 && e->times[e->head] <= now - t->window) {
		e->head = (e->head + 1) % t->limit;
		e->count--;
	}
}

/*
 * May key try again?  0 if so; -1 with the seconds until the oldest
 * failure in the window leaves it when limit failures are in it.
 */
int
throttle_check(struct throttle *t, const char *key, time_t now,
    int *retry_after)
{
	struct throttle_entry	*e;
	time_t			 wait;

	*retry_after = 0;
	if (t->kind != THROTTLE_KIND_FAILURES)
		fatalx("%s: not a failure table", __func__);
	if ((e = throttle_find(t, key, 0)) == NULL)
		return (0);
	throttle_expire(t, e, now);
	if (e->count < t->limit)
		return (0);
	wait = e->times[e->head] + t->window - now;
	/* a clock set back must not lock anyone out for longer */
	if (wait > t->window)
		wait = t->window;
	if (wait < 1)
		wait = 1;
	*retry_after = (int)wait;
	t->refused++;
	return (-1);
}

void
throttle_fail(struct throttle *t, const char *key, time_t now)
{
	struct throttle_entry	*e;

	if (t->kind != THROTTLE_KIND_FAILURES)
		fatalx("%s: not a failure table", __func__);
	e = throttle_find(t, key, 1);
	throttle_expire(t, e, now);
	if (e->count < t->limit)
		e->times[(e->head + e->count++) % t->limit] = now;
	else {
		e->times[e->head] = now;
		e->head = (e->head + 1) % t->limit;
	}
}

void
throttle_success(struct throttle *t, const char *key)
{
	struct throttle_entry	*e;

	if ((e = throttle_find(t, key, 0)) != NULL)
		e->head = e->count = 0;
}

/*
 * Take one request from key's bucket: 0, or -1 with the seconds until
 * one is available.  Units are 1/window of a request, so that a
 * bucket refills exactly limit units per second.
 */
int
ratelimit_take(struct throttle *t, const char *key, time_t now,
    int *retry_after)
{
	struct throttle_entry	*e;
	int64_t			 full, need, wait;
	time_t			 elapsed;

	*retry_after = 0;
	if (t->kind != THROTTLE_KIND_RATE)
		fatalx("%s: not a rate table", __func__);
	if (t->limit == 0)
		return (0);
	e = throttle_find(t, key, 1);
	full = (int64_t)t->limit * t->window;
	elapsed = now - e->last;
	if (elapsed >= t->window)
		e->tokens = full;
	else if (elapsed > 0) {
		e->tokens += (int64_t)elapsed * t->limit;
		if (e->tokens > full)
			e->tokens = full;
	}
	/* a clock set back restarts the count from now */
	e->last = now;
	if (e->tokens >= t->window) {
		e->tokens -= t->window;
		return (0);
	}
	need = t->window - e->tokens;
	wait = (need + t->limit - 1) / t->limit;
	*retry_after = wait < 1 ? 1 : (int)wait;
	t->refused++;
	return (-1);
}
