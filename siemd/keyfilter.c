/*
 * Key filters (keyfilter.h).
 *
 * A filter is one byte giving the number of probes k, then m bits.  A
 * value's 64-bit hash h gives the probes h1 + i*h2 mod m, i < k, with
 * h1 and h2 its halves (double hashing).  The store sizes a filter when
 * its chunk is full, at ten bits per distinct value with seven probes:
 * about 0.8% false positives.
 */

#include <stdint.h>
#include <stdlib.h>

#include "keyfilter.h"

#define KF_PROBES	7
#define KF_BITS_PER_KEY	10
#define KF_MIN_BITS	64

uint64_t
kf_hash(enum kf_field field, const char *s, size_t len)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;	/* FNV-1a basis */
	size_t		 i;

	h = (h ^ (uint8_t)field) * 0x100000001b3ULL;
	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ULL;
	/* FNV's low bits mix poorly: a final avalanche (splitmix64's) */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (h);
}

static int
hash_cmp(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* The bit of probe i of hash h in m bits (double hashing). */
static uint64_t
kf_bit(uint64_t h, int i, uint64_t m)
{
	return (((h & 0xffffffff) + (uint64_t)i * ((h >> 32) | 1)) % m);
}

static void
kf_set(uint8_t *bits, uint64_t m, uint64_t h)
{
	uint64_t	 b;
	int		 i;

	for (i = 0; i < KF_PROBES; i++) {
		b = kf_bit(h, i, m);
		bits[b / 8] |= 1 << (b % 8);
	}
}

uint8_t *
kf_build(uint64_t *h, size_t n, size_t *len)
{
	uint8_t		*f;
	uint64_t	 m;
	size_t		 i, d = 0;

	if (n > 0) {
		qsort(h, n, sizeof(*h), hash_cmp);
		for (i = 0, d = 1; i + 1 < n; i++)
			if (h[i + 1] != h[i])
				d++;
	}
	m = (uint64_t)d * KF_BITS_PER_KEY;
	if (m < KF_MIN_BITS)
		m = KF_MIN_BITS;
	m = (m + 7) / 8 * 8;
	*len = 1 + m / 8;
	if ((f = calloc(1, *len)) == NULL)
		return (NULL);
	f[0] = KF_PROBES;
	for (i = 0; i < n; i++)
		if (i == 0 || h[i] != h[i - 1])
			kf_set(f + 1, m, h[i]);
	return (f);
}

int
kf_maybe(const uint8_t *f, size_t len, uint64_t h)
{
	uint64_t	 m, b;
	int		 i, k;

	if (f == NULL || len < 2 || f[0] == 0 || f[0] > 32)
		return (1);
	m = (uint64_t)(len - 1) * 8;
	k = f[0];
	for (i = 0; i < k; i++) {
		b = kf_bit(h, i, m);
		if ((f[1 + b / 8] & (1 << (b % 8))) == 0)
			return (0);
	}
	return (1);
}
