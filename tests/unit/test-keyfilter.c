/*
 * Key filters: no value given is ever missed, values not given are
 * mostly ruled out (the rate the sizing promises), fields are kept
 * apart, and an empty, tiny or damaged filter is handled.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfilter.h"
#include "test.h"

static uint64_t
hash_str(enum kf_field f, const char *s)
{
	return (kf_hash(f, s, strlen(s)));
}

/* n values "10.0.x.y" (or "user-i"), from start. */
static uint64_t *
values(enum kf_field f, size_t start, size_t n)
{
	uint64_t	*h;
	char		 buf[64];
	size_t		 i;

	if ((h = calloc(n ? n : 1, sizeof(*h))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		if (f == KF_SRC_IP)
			snprintf(buf, sizeof(buf), "10.%zu.%zu.%zu",
			    (start + i) >> 16, ((start + i) >> 8) & 255,
			    (start + i) & 255);
		else
			snprintf(buf, sizeof(buf), "user-%zu", start + i);
		h[i] = hash_str(f, buf);
	}
	return (h);
}

int
main(void)
{
	uint64_t	*h, *probe, one;
	uint8_t		*f, *g, bad[1] = { 7 };
	size_t		 len, glen, i, fp;

	TEST_BEGIN("keyfilter: every value given is found");
	h = values(KF_SRC_IP, 0, 20000);
	probe = values(KF_SRC_IP, 0, 20000);
	f = kf_build(h, 20000, &len);
	CHECK(f != NULL);
	for (i = 0; f != NULL && i < 20000; i++)
		if (!kf_maybe(f, len, probe[i]))
			break;
	CHECK_INT(i, 20000);
	TEST_END();

	TEST_BEGIN("keyfilter: about 1% of other values pass");
	free(probe);
	probe = values(KF_SRC_IP, 100000, 100000);
	for (i = fp = 0; f != NULL && i < 100000; i++)
		fp += kf_maybe(f, len, probe[i]);
	/* ten bits per value, seven probes: 0.8% expected */
	CHECK(fp < 2000);
	CHECK(fp > 100);
	TEST_END();

	TEST_BEGIN("keyfilter: sized by distinct values");
	/* 20000 values, ten bits each, plus the byte of k */
	CHECK_INT(len, 1 + 20000 * 10 / 8);
	free(h);
	h = values(KF_USER_ID, 0, 1000);
	/* the same 1000 values ten times over */
	h = realloc(h, 10000 * sizeof(*h));
	for (i = 1000; h != NULL && i < 10000; i++)
		h[i] = h[i % 1000];
	g = kf_build(h, 10000, &glen);
	CHECK_INT(glen, 1 + 1000 * 10 / 8);
	TEST_END();

	TEST_BEGIN("keyfilter: fields are kept apart");
	one = hash_str(KF_USER_ID, "alice");
	CHECK(one != hash_str(KF_REQUEST_ID, "alice"));
	CHECK(one != hash_str(KF_SRC_IP, "alice"));
	CHECK(one == hash_str(KF_USER_ID, "alice"));
	CHECK(hash_str(KF_USER_ID, "alice") != hash_str(KF_USER_ID, "Alice"));
	TEST_END();

	TEST_BEGIN("keyfilter: an empty filter rules everything out");
	free(g);
	g = kf_build(NULL, 0, &glen);
	CHECK(g != NULL);
	CHECK_INT(glen, 1 + 64 / 8);
	CHECK_INT(kf_maybe(g, glen, one), 0);
	TEST_END();

	TEST_BEGIN("keyfilter: a damaged filter says maybe");
	CHECK_INT(kf_maybe(NULL, 0, one), 1);
	CHECK_INT(kf_maybe(bad, sizeof(bad), one), 1);
	if (g != NULL) {
		g[0] = 0;
		CHECK_INT(kf_maybe(g, glen, one), 1);
		g[0] = 200;
		CHECK_INT(kf_maybe(g, glen, one), 1);
	}
	TEST_END();

	free(f);
	free(g);
	free(h);
	free(probe);
	TEST_EXIT();
}
