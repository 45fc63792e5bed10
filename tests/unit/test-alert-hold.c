/*
 * Alert coalescing (alert_hold.c): the first report of a key leaves at
 * once, reports within the hold interval merge into one that leaves
 * when the interval is over, counts and totals add up, times widen,
 * event ids are united and bounded, idle keys are forgotten, a full
 * table sends at once, a flush sends everything held.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert_hold.h"
#include "test.h"

#define S	1000000LL

static json_t	*out[64];
static size_t	 nout;

static void
on_out(json_t *js, void *arg)
{
	if (nout < 64)
		out[nout++] = js;
	else
		json_decref(js);
}

static void
reset(void)
{
	size_t	i;

	for (i = 0; i < nout; i++)
		json_decref(out[i]);
	nout = 0;
}

static json_t *
report(const char *key, int64_t first, int64_t last, int64_t count,
    int64_t id0, size_t nids)
{
	json_t	*ids = json_array();
	size_t	 i;

	for (i = 0; i < nids; i++)
		json_array_append_new(ids, json_integer(id0 + (int64_t)i));
	return (json_pack("{s:s,s:I,s:I,s:I,s:o,s:I}", "key", key,
	    "first_seen", (json_int_t)first, "last_seen", (json_int_t)last,
	    "count", (json_int_t)count, "event_ids", ids,
	    "events_total", (json_int_t)nids));
}

static int64_t
geti(json_t *js, const char *k)
{
	return (json_integer_value(json_object_get(js, k)));
}

int
main(void)
{
	struct alert_hold		*ah;
	const struct alert_hold_stats	*st;
	json_t				*a, *b, *ids;
	size_t				 i;
	char				 key[32];

	TEST_BEGIN("hold/first-leaves-at-once");
	ah = alert_hold_new(S, 16, on_out, NULL);
	alert_hold_put(ah, report("k1", 10, 20, 2, 1, 2), 0);
	CHECK_INT(nout, 1);
	CHECK_INT(geti(out[0], "count"), 2);
	TEST_END();

	TEST_BEGIN("hold/updates-merge-until-interval");
	alert_hold_put(ah, report("k1", 5, 30, 3, 3, 3), S / 4);
	alert_hold_put(ah, report("k1", 15, 50, 1, 2, 1), S / 2);
	CHECK_INT(nout, 1);
	st = alert_hold_stats(ah);
	CHECK_INT(st->held, 1);
	CHECK_INT(st->merged, 1);
	alert_hold_tick(ah, S - 1);
	CHECK_INT(nout, 1);
	alert_hold_tick(ah, S);
	CHECK_INT(nout, 2);
	CHECK_INT(geti(out[1], "count"), 4);
	CHECK_INT(geti(out[1], "first_seen"), 5);
	CHECK_INT(geti(out[1], "last_seen"), 50);
	CHECK_INT(geti(out[1], "events_total"), 4);
	ids = json_object_get(out[1], "event_ids");
	/* 3,4,5 and 2: united, ascending */
	CHECK_INT(json_array_size(ids), 4);
	CHECK_INT(json_integer_value(json_array_get(ids, 0)), 2);
	CHECK_INT(json_integer_value(json_array_get(ids, 3)), 5);
	CHECK_INT(st->held, 0);
	TEST_END();

	TEST_BEGIN("hold/one-per-interval");
	/* sent at S: the next report waits until 2S */
	alert_hold_put(ah, report("k1", 60, 60, 1, 9, 1), S + S / 2);
	CHECK_INT(nout, 2);
	alert_hold_tick(ah, 2 * S - 1);
	CHECK_INT(nout, 2);
	alert_hold_tick(ah, 2 * S);
	CHECK_INT(nout, 3);
	TEST_END();

	TEST_BEGIN("hold/idle-key-forgotten");
	alert_hold_tick(ah, 3 * S);
	st = alert_hold_stats(ah);
	CHECK_INT(st->keys, 0);
	alert_hold_put(ah, report("k1", 70, 70, 1, 10, 1), 3 * S + 1);
	CHECK_INT(nout, 4);
	TEST_END();

	TEST_BEGIN("hold/after-interval-sends-at-once");
	alert_hold_put(ah, report("k2", 1, 1, 1, 1, 1), 4 * S);
	alert_hold_put(ah, report("k2", 2, 2, 1, 2, 1), 4 * S + 10);
	CHECK_INT(nout, 5);
	/* no tick came: the next report after the interval leaves at
	   once, merged with the one that waited */
	alert_hold_put(ah, report("k2", 3, 3, 1, 3, 1), 6 * S);
	CHECK_INT(nout, 6);
	CHECK_INT(geti(out[5], "first_seen"), 2);
	CHECK_INT(geti(out[5], "last_seen"), 3);
	CHECK_INT(geti(out[5], "count"), 2);
	CHECK_INT(alert_hold_stats(ah)->held, 0);
	TEST_END();

	TEST_BEGIN("hold/flush-sends-held");
	reset();
	alert_hold_put(ah, report("k3", 1, 1, 1, 1, 1), 10 * S);
	alert_hold_put(ah, report("k3", 1, 1, 5, 2, 1), 10 * S + 1);
	CHECK_INT(nout, 1);
	alert_hold_flush(ah);
	CHECK_INT(nout, 2);
	CHECK_INT(geti(out[1], "count"), 5);
	CHECK_INT(alert_hold_stats(ah)->held, 0);
	alert_hold_free(ah);
	reset();
	TEST_END();

	TEST_BEGIN("hold/full-table-sends-at-once");
	ah = alert_hold_new(S, 4, on_out, NULL);
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "f%zu", i);
		alert_hold_put(ah, report(key, 1, 1, 1, 1, 1), 0);
		alert_hold_put(ah, report(key, 1, 1, 1, 2, 1), 1);
	}
	CHECK_INT(nout, 4);
	CHECK_INT(alert_hold_stats(ah)->held, 4);
	/* every remembered key waits: the new one is not held */
	alert_hold_put(ah, report("f9", 1, 1, 1, 1, 1), 2);
	alert_hold_put(ah, report("f9", 1, 1, 1, 2, 1), 3);
	CHECK_INT(nout, 6);
	CHECK_INT(alert_hold_stats(ah)->unheld, 2);
	alert_hold_flush(ah);
	CHECK_INT(nout, 10);
	alert_hold_free(ah);
	reset();
	TEST_END();

	TEST_BEGIN("hold/full-table-forgets-idle");
	ah = alert_hold_new(S, 2, on_out, NULL);
	alert_hold_put(ah, report("a", 1, 1, 1, 1, 1), 0);
	alert_hold_put(ah, report("b", 1, 1, 1, 1, 1), 1);
	alert_hold_put(ah, report("c", 1, 1, 1, 1, 1), 2);
	CHECK_INT(alert_hold_stats(ah)->unheld, 0);
	CHECK_INT(alert_hold_stats(ah)->keys, 2);
	/* "a" was forgotten to make room: its next report leaves at once */
	alert_hold_put(ah, report("a", 1, 1, 1, 2, 1), 3);
	CHECK_INT(nout, 4);
	alert_hold_free(ah);
	reset();
	TEST_END();

	TEST_BEGIN("merge/ids-bounded-lowest-kept");
	a = report("m", 100, 100, 150, 500, 150);
	b = report("m", 50, 200, 150, 1, 150);
	CHECK_INT(alert_merge(a, b), 0);
	ids = json_object_get(a, "event_ids");
	CHECK_INT(json_array_size(ids), ALERT_HOLD_IDS);
	CHECK_INT(json_integer_value(json_array_get(ids, 0)), 1);
	CHECK_INT(json_integer_value(json_array_get(ids, 99)), 100);
	CHECK_INT(geti(a, "events_total"), 300);
	CHECK_INT(geti(a, "count"), 300);
	CHECK_INT(geti(a, "first_seen"), 50);
	CHECK_INT(geti(a, "last_seen"), 200);
	json_decref(a);
	json_decref(b);
	TEST_END();

	TEST_BEGIN("merge/duplicates-once");
	a = report("m", 1, 1, 1, 1, 3);
	b = report("m", 1, 1, 1, 2, 3);
	CHECK_INT(alert_merge(a, b), 0);
	CHECK_INT(json_array_size(json_object_get(a, "event_ids")), 4);
	json_decref(a);
	json_decref(b);
	TEST_END();

	TEST_BEGIN("merge/refuses-other-shapes");
	a = report("m", 1, 1, 1, 1, 1);
	b = json_pack("{s:s,s:s}", "key", "m", "event_ids", "nope");
	CHECK_INT(alert_merge(a, b), -1);
	CHECK_INT(geti(a, "count"), 1);
	json_decref(a);
	json_decref(b);
	TEST_END();

	TEST_BEGIN("hold/unmergeable-sends-held-first");
	ah = alert_hold_new(S, 16, on_out, NULL);
	alert_hold_put(ah, report("u", 1, 1, 1, 1, 1), 0);
	alert_hold_put(ah, report("u", 1, 1, 2, 2, 1), 1);
	alert_hold_put(ah, json_pack("{s:s,s:s}", "key", "u", "event_ids",
	    "x"), 2);
	CHECK_INT(nout, 2);
	CHECK_INT(geti(out[1], "count"), 2);
	alert_hold_flush(ah);
	CHECK_INT(nout, 3);
	alert_hold_free(ah);
	reset();
	TEST_END();

	TEST_EXIT();
}
