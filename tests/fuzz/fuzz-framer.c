/*
 * libFuzzer driver for the syslog stream framer.  The first bytes
 * choose maxmsg and a chunk pattern; the rest is the stream.  The
 * same stream fed at once and fed in chunks must give the same
 * records, and no record or buffer may exceed maxmsg.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "framing.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sum {
	uint64_t	 hash;
	uint64_t	 n;
	size_t		 maxmsg;
};

static void
sum_cb(const char *p, size_t len, int truncated, void *arg)
{
	struct sum	*s = arg;
	size_t		 i;

	if (len > s->maxmsg || (len == 0 && !truncated))
		abort();
	if (truncated && len == 0)
		abort();
	s->hash = (s->hash ^ (len * 2 + (truncated != 0))) *
	    0x100000001b3ULL;
	for (i = 0; i < len; i++)
		s->hash = (s->hash ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	s->n++;
}

static void
check(const struct framer *f)
{
	if (f->cap > f->maxmsg || f->len > f->cap ||
	    f->ndigits > FRAMER_MAX_DIGITS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct framer	 whole, part;
	struct sum	 a, b;
	const char	*p;
	size_t		 maxmsg, len, n, k;
	uint8_t		 pattern[4];

	if (size < 6)
		return (0);
	maxmsg = 1 + ((size_t)data[0] << 8 | data[1]) % 4096;
	memcpy(pattern, data + 2, sizeof(pattern));
	p = (const char *)data + 6;
	len = size - 6;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.maxmsg = b.maxmsg = maxmsg;

	framer_init(&whole, maxmsg);
	if (framer_feed(&whole, p, len, sum_cb, &a) == -1)
		abort();
	check(&whole);
	if (framer_finish(&whole, sum_cb, &a) == -1)
		abort();

	framer_init(&part, maxmsg);
	for (k = 0; len > 0; k++) {
		n = 1 + pattern[k % sizeof(pattern)] % 64;
		if (pattern[k % sizeof(pattern)] & 0x80)
			n *= 37;
		if (n > len)
			n = len;
		if (framer_feed(&part, p, n, sum_cb, &b) == -1)
			abort();
		check(&part);
		p += n;
		len -= n;
	}
	if (framer_finish(&part, sum_cb, &b) == -1)
		abort();

	if (a.n != b.n || a.hash != b.hash ||
	    whole.records != part.records ||
	    whole.truncated != part.truncated ||
	    whole.framing_errors != part.framing_errors ||
	    whole.empty != part.empty)
		abort();
	framer_free(&whole);
	framer_free(&part);
	return (0);
}
