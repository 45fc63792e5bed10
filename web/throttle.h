/*
 * Bounded tables keyed by strings from the network (client addresses,
 * user names, token ids): recent failures in a sliding window, for
 * login throttling, and token buckets, for per-token request limits.
 * Each table has a fixed number of entries; when it is full the least
 * recently used entry is reused and the eviction counted.
 */

#ifndef SIEMD_THROTTLE_H
#define SIEMD_THROTTLE_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define THROTTLE_TABLE		4096	/* entries per table */
#define THROTTLE_FAILURES	10	/* login failures allowed ... */
#define THROTTLE_WINDOW		60	/* ... per sliding window (s) */
#define THROTTLE_DIGEST		16	/* keyed hash bytes per key */
#define THROTTLE_HASHKEY	32

struct throttle_entry;
TAILQ_HEAD(throttle_lru, throttle_entry);

struct throttle {
	int			 kind;		/* failures or rate */
	int			 limit;		/* per window */
	int			 window;	/* seconds */
	size_t			 capacity;
	size_t			 used;
	size_t			 nbuckets;	/* power of two */
	struct throttle_entry	*entries;
	struct throttle_entry	**buckets;
	time_t			*times;	/* limit per entry */
	struct throttle_lru	 lru;		/* most recent first */
	uint8_t			 hashkey[THROTTLE_HASHKEY];
	uint64_t		 evictions;
	uint64_t		 refused;
};

/* Sliding-window failure counting (login throttling). */
void	 throttle_init(struct throttle *, size_t, int, int);
int	 throttle_check(struct throttle *, const char *, time_t, int *);
void	 throttle_fail(struct throttle *, const char *, time_t);
void	 throttle_success(struct throttle *, const char *);

/* Token buckets: per_minute requests, bursts up to per_minute. */
void	 ratelimit_init(struct throttle *, size_t, int);
int	 ratelimit_take(struct throttle *, const char *, time_t, int *);

void	 throttle_free(struct throttle *);

#endif /* SIEMD_THROTTLE_H */
