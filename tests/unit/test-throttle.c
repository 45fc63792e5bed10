/*
 * Login throttling and per-token rate limits: the tenth failure in a
 * minute closes the door with a Retry-After, the window slides, one
 * key's success leaves the others alone, the table never grows past
 * its size, and token buckets refill at the configured rate.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/throttle.h"
#include "test.h"

#define T0	((time_t)1700000000)

static void	 test_limit(void);
static void	 test_sliding(void);
static void	 test_keys(void);
static void	 test_success(void);
static void	 test_eviction(void);
static void	 test_clock(void);
static void	 test_rate(void);
static void	 test_rate_off(void);

static void
test_limit(void)
{
	struct throttle	 t;
	int		 i, ra;

	throttle_init(&t, THROTTLE_TABLE, THROTTLE_FAILURES, THROTTLE_WINDOW);

	TEST_BEGIN("throttle-unknown-key-allowed");
	CHECK_INT(throttle_check(&t, "192.0.2.1", T0, &ra), 0);
	CHECK_INT(ra, 0);
	/* looking does not make an entry */
	CHECK_INT(t.used, 0);
	TEST_END();

	TEST_BEGIN("throttle-nine-failures-allowed");
	for (i = 0; i < THROTTLE_FAILURES - 1; i++) {
		throttle_fail(&t, "192.0.2.1", T0 + i);
		CHECK_INT(throttle_check(&t, "192.0.2.1", T0 + i, &ra), 0);
	}
	TEST_END();

	TEST_BEGIN("throttle-bad-tenth-failure-refused");
	throttle_fail(&t, "192.0.2.1", T0 + 9);
	CHECK_INT(throttle_check(&t, "192.0.2.1", T0 + 9, &ra), -1);
	CHECK(ra > 0 && ra <= THROTTLE_WINDOW);
	/* the first failure, at T0, leaves the window at T0 + 60 */
	CHECK_INT(ra, 51);
	CHECK_INT(throttle_check(&t, "192.0.2.1", T0 + 30, &ra), -1);
	CHECK_INT(ra, 30);
	CHECK_INT(throttle_check(&t, "192.0.2.1", T0 + 59, &ra), -1);
	CHECK_INT(ra, 1);
	CHECK(t.refused >= 3);
	TEST_END();

	TEST_BEGIN("throttle-free-when-window-passes");
	CHECK_INT(throttle_check(&t, "192.0.2.1", T0 + 60, &ra), 0);
	CHECK_INT(ra, 0);
	CHECK_INT(throttle_check(&t, "192.0.2.1", T0 + 3600, &ra), 0);
	TEST_END();

	throttle_free(&t);
}

static void
test_sliding(void)
{
	struct throttle	 t;
	int		 i, ra;

	throttle_init(&t, 16, THROTTLE_FAILURES, THROTTLE_WINDOW);

	TEST_BEGIN("throttle-window-slides");
	/* failures at T0, T0+5, ..., T0+45 */
	for (i = 0; i < THROTTLE_FAILURES; i++)
		throttle_fail(&t, "u:alice", T0 + 5 * i);
	CHECK_INT(throttle_check(&t, "u:alice", T0 + 45, &ra), -1);
	CHECK_INT(ra, 15);
	/* at T0+60 the first one is gone: one more try */
	CHECK_INT(throttle_check(&t, "u:alice", T0 + 60, &ra), 0);
	throttle_fail(&t, "u:alice", T0 + 60);
	/* and now the one at T0+5 is the oldest */
	CHECK_INT(throttle_check(&t, "u:alice", T0 + 60, &ra), -1);
	CHECK_INT(ra, 5);
	CHECK_INT(throttle_check(&t, "u:alice", T0 + 65, &ra), 0);
	TEST_END();

	TEST_BEGIN("throttle-bad-burst-in-one-second");
	for (i = 0; i < 50; i++)
		throttle_fail(&t, "u:bob", T0);
	CHECK_INT(throttle_check(&t, "u:bob", T0, &ra), -1);
	CHECK_INT(ra, THROTTLE_WINDOW);
	CHECK_INT(throttle_check(&t, "u:bob", T0 + 59, &ra), -1);
	CHECK_INT(throttle_check(&t, "u:bob", T0 + 60, &ra), 0);
	TEST_END();

	TEST_BEGIN("throttle-spread-out-failures-never-refused");
	/* one failure every 7 s: at most 9 in any minute */
	for (i = 0; i < 100; i++) {
		CHECK_INT(throttle_check(&t, "u:carol", T0 + 7 * i, &ra), 0);
		throttle_fail(&t, "u:carol", T0 + 7 * i);
	}
	TEST_END();

	throttle_free(&t);
}

static void
test_keys(void)
{
	struct throttle	 t;
	char		*longkey;
	int		 i, ra;

	throttle_init(&t, 64, THROTTLE_FAILURES, THROTTLE_WINDOW);

	TEST_BEGIN("throttle-keys-independent");
	for (i = 0; i < THROTTLE_FAILURES; i++)
		throttle_fail(&t, "198.51.100.7", T0);
	CHECK_INT(throttle_check(&t, "198.51.100.7", T0, &ra), -1);
	CHECK_INT(throttle_check(&t, "198.51.100.8", T0, &ra), 0);
	CHECK_INT(throttle_check(&t, "198.51.100.70", T0, &ra), 0);
	CHECK_INT(throttle_check(&t, "198.51.100.", T0, &ra), 0);
	CHECK_INT(throttle_check(&t, "", T0, &ra), 0);
	TEST_END();

	TEST_BEGIN("throttle-long-and-empty-keys");
	if ((longkey = malloc(100000)) == NULL)
		abort();
	memset(longkey, 'x', 99999);
	longkey[99999] = '\0';
	for (i = 0; i < THROTTLE_FAILURES; i++) {
		throttle_fail(&t, longkey, T0);
		throttle_fail(&t, "", T0);
	}
	CHECK_INT(throttle_check(&t, longkey, T0, &ra), -1);
	CHECK_INT(throttle_check(&t, "", T0, &ra), -1);
	/* one byte shorter is another key */
	longkey[99998] = '\0';
	CHECK_INT(throttle_check(&t, longkey, T0, &ra), 0);
	free(longkey);
	TEST_END();

	throttle_free(&t);
}

static void
test_success(void)
{
	struct throttle	 addr, user;
	int		 i, ra;

	throttle_init(&addr, 64, THROTTLE_FAILURES, THROTTLE_WINDOW);
	throttle_init(&user, 64, THROTTLE_FAILURES, THROTTLE_WINDOW);

	TEST_BEGIN("throttle-success-resets-own-key");
	for (i = 0; i < THROTTLE_FAILURES; i++)
		throttle_fail(&user, "alice", T0);
	CHECK_INT(throttle_check(&user, "alice", T0, &ra), -1);
	throttle_success(&user, "alice");
	CHECK_INT(throttle_check(&user, "alice", T0, &ra), 0);
	TEST_END();

	TEST_BEGIN("throttle-success-keeps-other-keys");
	/*
	 * An address fails nine times against other users, then logs in
	 * as alice: the login code resets alice's key only, so the
	 * address is refused after one more failure.
	 */
	for (i = 0; i < THROTTLE_FAILURES - 1; i++) {
		throttle_fail(&addr, "203.0.113.5", T0 + i);
		throttle_fail(&user, "bob", T0 + i);
	}
	throttle_success(&user, "alice");
	throttle_success(&user, "mallory");
	CHECK_INT(throttle_check(&addr, "203.0.113.5", T0 + 10, &ra), 0);
	throttle_fail(&addr, "203.0.113.5", T0 + 10);
	CHECK_INT(throttle_check(&addr, "203.0.113.5", T0 + 10, &ra), -1);
	CHECK(ra > 0);
	/* bob's count was not touched by alice's success either */
	throttle_fail(&user, "bob", T0 + 10);
	CHECK_INT(throttle_check(&user, "bob", T0 + 10, &ra), -1);
	TEST_END();

	TEST_BEGIN("throttle-success-unknown-key");
	throttle_success(&user, "nobody");
	CHECK_INT(throttle_check(&user, "nobody", T0, &ra), 0);
	TEST_END();

	throttle_free(&addr);
	throttle_free(&user);
}

static void
test_eviction(void)
{
	struct throttle	 t;
	char		 key[32];
	int		 i, j, ra;

	throttle_init(&t, 8, THROTTLE_FAILURES, THROTTLE_WINDOW);

	TEST_BEGIN("throttle-bad-table-bounded");
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d", i);
		for (j = 0; j < THROTTLE_FAILURES; j++)
			throttle_fail(&t, key, T0);
	}
	CHECK_INT(t.used, 8);
	CHECK(t.used <= t.capacity);
	CHECK_INT(t.evictions, 92);
	/* the last eight are remembered, the others were evicted */
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d", i);
		CHECK_INT(throttle_check(&t, key, T0, &ra), i >= 92 ? -1 : 0);
	}
	TEST_END();

	TEST_BEGIN("throttle-lru-keeps-active-keys");
	throttle_free(&t);
	throttle_init(&t, 8, THROTTLE_FAILURES, THROTTLE_WINDOW);
	for (j = 0; j < THROTTLE_FAILURES; j++)
		throttle_fail(&t, "attacker", T0);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "noise-%d", i);
		throttle_fail(&t, key, T0);
		/* the attacker keeps trying, so stays recent */
		CHECK_INT(throttle_check(&t, "attacker", T0, &ra), -1);
	}
	CHECK_INT(t.used, 8);
	TEST_END();

	throttle_free(&t);
}

static void
test_clock(void)
{
	struct throttle	 t;
	int		 i, ra;

	throttle_init(&t, 8, THROTTLE_FAILURES, THROTTLE_WINDOW);

	TEST_BEGIN("throttle-clock-set-back");
	for (i = 0; i < THROTTLE_FAILURES; i++)
		throttle_fail(&t, "k", T0);
	/* an hour earlier: still refused, but never for more than 60 s */
	CHECK_INT(throttle_check(&t, "k", T0 - 3600, &ra), -1);
	CHECK(ra >= 1 && ra <= THROTTLE_WINDOW);
	TEST_END();

	throttle_free(&t);
}

static void
test_rate(void)
{
	struct throttle	 t;
	int		 i, ra;

	ratelimit_init(&t, 16, 5);

	TEST_BEGIN("ratelimit-burst-then-refused");
	for (i = 0; i < 5; i++) {
		CHECK_INT(ratelimit_take(&t, "jti-a", T0, &ra), 0);
		CHECK_INT(ra, 0);
	}
	CHECK_INT(ratelimit_take(&t, "jti-a", T0, &ra), -1);
	/* five a minute: one every twelve seconds */
	CHECK_INT(ra, 12);
	TEST_END();

	TEST_BEGIN("ratelimit-other-token-unaffected");
	CHECK_INT(ratelimit_take(&t, "jti-b", T0, &ra), 0);
	TEST_END();

	TEST_BEGIN("ratelimit-refills");
	CHECK_INT(ratelimit_take(&t, "jti-a", T0 + 5, &ra), -1);
	CHECK_INT(ra, 7);
	CHECK_INT(ratelimit_take(&t, "jti-a", T0 + 12, &ra), 0);
	CHECK_INT(ratelimit_take(&t, "jti-a", T0 + 12, &ra), -1);
	/* a full minute later the bucket is full, not fuller */
	for (i = 0; i < 5; i++)
		CHECK_INT(ratelimit_take(&t, "jti-a", T0 + 600, &ra), 0);
	CHECK_INT(ratelimit_take(&t, "jti-a", T0 + 600, &ra), -1);
	TEST_END();

	TEST_BEGIN("ratelimit-steady-rate");
	/* one request every 12 s is always within five a minute */
	for (i = 0; i < 50; i++)
		CHECK_INT(ratelimit_take(&t, "jti-c", T0 + 12 * i, &ra), 0);
	TEST_END();

	TEST_BEGIN("ratelimit-clock-set-back");
	for (i = 0; i < 5; i++)
		(void)ratelimit_take(&t, "jti-d", T0, &ra);
	CHECK_INT(ratelimit_take(&t, "jti-d", T0 - 100, &ra), -1);
	CHECK(ra >= 1 && ra <= 60);
	TEST_END();

	TEST_BEGIN("ratelimit-bad-table-bounded");
	for (i = 0; i < 1000; i++) {
		char	 key[32];

		snprintf(key, sizeof(key), "jti-%d", i);
		(void)ratelimit_take(&t, key, T0, &ra);
	}
	CHECK_INT(t.used, 16);
	CHECK(t.evictions >= 1000 - 16);
	TEST_END();

	throttle_free(&t);
}

static void
test_rate_off(void)
{
	struct throttle	 t;
	int		 i, ra;

	ratelimit_init(&t, 16, 0);
	TEST_BEGIN("ratelimit-zero-is-unlimited");
	for (i = 0; i < 10000; i++)
		if (ratelimit_take(&t, "jti", T0, &ra) != 0)
			break;
	CHECK_INT(i, 10000);
	CHECK_INT(t.used, 0);
	TEST_END();
	throttle_free(&t);

	ratelimit_init(&t, 16, 1);
	TEST_BEGIN("ratelimit-one-per-minute");
	CHECK_INT(ratelimit_take(&t, "jti", T0, &ra), 0);
	CHECK_INT(ratelimit_take(&t, "jti", T0 + 1, &ra), -1);
	CHECK_INT(ra, 59);
	CHECK_INT(ratelimit_take(&t, "jti", T0 + 60, &ra), 0);
	TEST_END();
	throttle_free(&t);
}

int
main(void)
{
	test_limit();
	test_sliding();
	test_keys();
	test_success();
	test_eviction();
	test_clock();
	test_rate();
	test_rate_off();
	TEST_EXIT();
}
