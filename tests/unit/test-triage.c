/*
 * Alert triage in the store: triage_apply() on an in-memory database
 * with the alert tables of schema version 3 (keep SCHEMA in step with
 * store_schema_v3 in siemd/store.c): transitions allowed and refused,
 * assignment, notes, one history row per change, bulk requests,
 * silences and the allow-list, and the alert's JSON form.
 */

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "siemd.h"
#include "store_triage.h"
#include "test.h"

#define NOW	1793700000000000LL	/* 2026-11-03T10:00:00Z, µs */


static sqlite3	*db;

static void
db_open(void)
{
	char	 sql[1024];
	int	 i;

	if (db != NULL)
		sqlite3_close(db);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, triage_schema, NULL, NULL, NULL) != SQLITE_OK) {
		printf("FAIL triage-setup: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	/* alerts 1..5, all new */
	for (i = 1; i <= 5; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO alerts (id, key,"
		    " rule_id, title, author, description, level, severity,"
		    " tags, group_key, first_seen, last_seen, count,"
		    " event_ids, events_total, status, created_at,"
		    " updated_at) VALUES (%d, 'k%d', 'rule-%d', 'Brute force',"
		    " 'someone', 'many failures', 'high', 'high',"
		    " '[\"attack.credential_access\",\"attack.t1110\","
		    "\"attack.t1110.001\",\"attack.g0007\",\"cve.2021-1\"]',"
		    " '10.0.0.%d', %lld, %lld, 3, '[1,2,3]', 3, 'new', %lld,"
		    " %lld)", i, i, i % 2, i, NOW - 1000, NOW - 500, NOW - 900,
		    NOW - 900);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			printf("FAIL triage-setup: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
	}
}

/* One request; the reply parsed into *out (caller frees). */
static int
apply(const char *req, json_t **out)
{
	char	*text = NULL;
	int	 st;

	st = triage_apply(db, req, NOW, &text);
	*out = text ? json_loads(text, 0, NULL) : NULL;
	if (*out == NULL || json_integer_value(json_object_get(*out,
	    "status")) != st)
		printf("# bad reply: %s\n", text ? text : "(null)");
	free(text);
	return (st);
}

static int64_t
sql_int(const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return (-2);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (v);
}

static char	 sql_buf[1024];

static const char *
sql_text(const char *sql)
{
	sqlite3_stmt	*s;
	const char	*t;

	strlcpy(sql_buf, "(none)", sizeof(sql_buf));
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return ("(error)");
	if (sqlite3_step(s) == SQLITE_ROW) {
		t = (const char *)sqlite3_column_text(s, 0);
		strlcpy(sql_buf, t ? t : "(null)", sizeof(sql_buf));
	}
	sqlite3_finalize(s);
	return (sql_buf);
}

static const char *
reply_str(json_t *r, const char *a, const char *b)
{
	json_t	*v = json_object_get(r, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return (json_string_value(v));
}

/* A closed alert cannot go back to work: 409, and nothing written. */
static void
test_refused_backwards(void)
{
	json_t	*r = NULL;

	db_open();
	TEST_BEGIN("triage-bad-backwards");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":3,"
	    "\"status\":\"resolved\"}", &r), 200);
	json_decref(r);
	r = NULL;
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":3,"
	    "\"status\":\"in_progress\"}", &r), 409);
	CHECK(r != NULL && json_is_string(json_object_get(r, "detail")) &&
	    strstr(json_string_value(json_object_get(r, "detail")),
	    "cannot become in_progress") != NULL);
	json_decref(r);
	TEST_END();
}

static void
test_transitions(void)
{
	struct {
		const char	*from, *to;
		int		 want;
	} tr[] = {
		{ "new", "acknowledged", 1 },
		{ "acknowledged", "in_progress", 1 },
		{ "in_progress", "resolved", 1 },
		{ "in_progress", "false_positive", 1 },
		{ "resolved", "acknowledged", 1 },
		{ "false_positive", "acknowledged", 1 },
		{ "new", "new", 0 },
		{ "resolved", "resolved", 0 },
		{ "new", "in_progress", 1 },
		{ "new", "resolved", 1 },
		{ "new", "false_positive", 1 },
		{ "acknowledged", "new", -1 },
		{ "acknowledged", "resolved", 1 },
		{ "acknowledged", "false_positive", 1 },
		{ "in_progress", "new", -1 },
		{ "in_progress", "acknowledged", -1 },
		{ "resolved", "new", -1 },
		{ "resolved", "in_progress", -1 },
		{ "resolved", "false_positive", -1 },
		{ "new", "closed", -1 },
		{ "open", "acknowledged", -1 },
	};
	size_t	 i;

	TEST_BEGIN("triage-transition-table");
	for (i = 0; i < sizeof(tr) / sizeof(tr[0]); i++) {
		if (triage_transition(tr[i].from, tr[i].to) != tr[i].want)
			printf("# %s -> %s\n", tr[i].from, tr[i].to);
		CHECK_INT(triage_transition(tr[i].from, tr[i].to),
		    tr[i].want);
	}
	TEST_END();
}

static void
test_lifecycle(void)
{
	json_t	*r;

	db_open();
	TEST_BEGIN("triage-acknowledge");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":1,"
	    "\"status\":\"acknowledged\"}", &r), 200);
	CHECK_STR(reply_str(r, "alert", "status"), "acknowledged");
	CHECK_STR(reply_str(r, "alert", "updated_at"),
	    "2026-11-03T10:00:00.000000Z");
	CHECK_INT(json_integer_value(json_array_get(json_object_get(r,
	    "changed"), 0)), 1);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 1 AND action = 'status' AND from_status = 'new' AND "
	    "to_status = 'acknowledged' AND who = 'ana'"), 1);
	CHECK_INT(sql_int("SELECT updated_at FROM alerts WHERE id = 1"),
	    NOW);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-assign");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":1,"
	    "\"assignee\":\"ana\"}", &r), 200);
	CHECK_STR(reply_str(r, "alert", "assignee"), "ana");
	CHECK_STR(reply_str(r, "alert", "status"), "acknowledged");
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 1 AND action = 'assigned' AND note = 'ana'"), 1);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-assign-same-is-no-change");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":1,"
	    "\"assignee\":\"ana\",\"status\":\"acknowledged\"}", &r), 200);
	CHECK_INT(json_array_size(json_object_get(r, "changed")), 0);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 1"), 2);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-in-progress-with-note");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":1,"
	    "\"status\":\"in_progress\",\"note\":\"looking at it\"}", &r),
	    200);
	CHECK_STR(reply_str(r, "alert", "status"), "in_progress");
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 1 AND action = 'status' AND to_status = "
	    "'in_progress' AND note = 'looking at it'"), 1);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_notes WHERE "
	    "alert_id = 1 AND note = 'looking at it' AND who = 'ana'"), 1);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-refused-transition");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":1,"
	    "\"status\":\"new\",\"assignee\":\"bob\"}", &r), 409);
	CHECK_STR(reply_str(r, "detail", NULL),
	    "status: an alert that is in_progress cannot become new");
	/* nothing of the request was written */
	CHECK_STR(sql_text("SELECT assignee FROM alerts WHERE id = 1"),
	    "ana");
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 1"), 3);
	CHECK(json_object_get(r, "alert") == NULL);
	CHECK_INT(json_array_size(json_object_get(r, "changed")), 0);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-resolve");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":1,"
	    "\"status\":\"resolved\"}", &r), 200);
	CHECK_STR(reply_str(r, "alert", "status"), "resolved");
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-reopen");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"admin\",\"id\":1,"
	    "\"status\":\"acknowledged\"}", &r), 200);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 1 AND action = 'reopened' AND from_status = "
	    "'resolved' AND to_status = 'acknowledged' AND who = 'admin'"),
	    1);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-unassign");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"ana\",\"id\":1,"
	    "\"assignee\":null}", &r), 200);
	CHECK(json_is_null(json_object_get(json_object_get(r, "alert"),
	    "assignee")));
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 1 AND action = 'unassigned' AND note = 'ana'"), 1);
	CHECK_INT(sql_int("SELECT assignee IS NULL FROM alerts WHERE "
	    "id = 1"), 1);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-history-order");
	CHECK_STR(sql_text("SELECT group_concat(action, ',') FROM (SELECT "
	    "action FROM alert_history WHERE alert_id = 1 ORDER BY id)"),
	    "status,assigned,status,status,reopened,unassigned");
	TEST_END();
}

static void
test_bad_updates(void)
{
	static const struct {
		const char	*name, *req;
		int		 status;
		const char	*detail;
	} bad[] = {
		{ "triage-bad-status", "{\"op\":\"update\",\"who\":\"ana\","
		    "\"id\":2,\"status\":\"closed\"}", 400,
		    "status: one of new, acknowledged, in_progress, resolved,"
		    " false_positive" },
		{ "triage-bad-status-type", "{\"op\":\"update\",\"who\":"
		    "\"ana\",\"id\":2,\"status\":3}", 400, NULL },
		{ "triage-bad-assignee", "{\"op\":\"update\",\"who\":\"ana\","
		    "\"id\":2,\"assignee\":\"a b\"}", 400, NULL },
		{ "triage-bad-assignee-empty", "{\"op\":\"update\",\"who\":"
		    "\"ana\",\"id\":2,\"assignee\":\"\"}", 400, NULL },
		{ "triage-bad-note-empty", "{\"op\":\"update\",\"who\":"
		    "\"ana\",\"id\":2,\"note\":\"\"}", 400,
		    "note: text of 1 to 4096 bytes" },
		{ "triage-bad-note-nul", "{\"op\":\"update\",\"who\":"
		    "\"ana\",\"id\":2,\"note\":\"a\\u0000b\"}", 400, NULL },
		{ "triage-bad-nothing", "{\"op\":\"update\",\"who\":\"ana\","
		    "\"id\":2}", 400, "give at least one of status, assignee "
		    "and note" },
		{ "triage-bad-unknown-member", "{\"op\":\"update\",\"who\":"
		    "\"ana\",\"id\":2,\"state\":\"new\"}", 400,
		    "the body may hold status, assignee and note only" },
		{ "triage-bad-no-alert", "{\"op\":\"update\",\"who\":\"ana\","
		    "\"id\":99,\"status\":\"acknowledged\"}", 404,
		    "no such alert" },
		{ "triage-bad-id", "{\"op\":\"update\",\"who\":\"ana\","
		    "\"id\":\"2\",\"status\":\"acknowledged\"}", 404, NULL },
		{ "triage-bad-op", "{\"op\":\"drop\",\"who\":\"ana\"}", 400,
		    "not a triage request" },
		{ "triage-bad-json", "{\"op\":", 400, NULL },
		{ "triage-bad-who", "{\"op\":\"update\",\"id\":2,"
		    "\"status\":\"acknowledged\"}", 400, NULL },
		{ "triage-bad-duplicate", "{\"op\":\"update\",\"who\":\"ana\","
		    "\"id\":2,\"status\":\"acknowledged\",\"status\":"
		    "\"resolved\"}", 400, NULL },
	};
	json_t	*r;
	size_t	 i;

	db_open();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TEST_BEGIN(bad[i].name);
		CHECK_INT(apply(bad[i].req, &r), bad[i].status);
		CHECK(json_is_string(json_object_get(r, "detail")));
		if (bad[i].detail != NULL)
			CHECK_STR(reply_str(r, "detail", NULL), bad[i].detail);
		CHECK_INT(sql_int("SELECT count(*) FROM alert_history"), 0);
		CHECK_INT(sql_int("SELECT count(*) FROM alerts WHERE "
		    "status != 'new' OR assignee IS NOT NULL"), 0);
		json_decref(r);
		TEST_END();
	}
}

static void
test_notes(void)
{
	json_t	*r;

	db_open();
	TEST_BEGIN("triage-note");
	CHECK_INT(apply("{\"op\":\"note\",\"who\":\"ana\",\"id\":3,"
	    "\"note\":\"seen this before\"}", &r), 201);
	CHECK_STR(reply_str(r, "note", "note"), "seen this before");
	CHECK_STR(reply_str(r, "note", "who"), "ana");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(r,
	    "note"), "id")), sql_int("SELECT max(id) FROM alert_notes"));
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = 3 AND action = 'note'"), 1);
	CHECK_INT(sql_int("SELECT updated_at FROM alerts WHERE id = 3"),
	    NOW);
	CHECK_STR(sql_text("SELECT status FROM alerts WHERE id = 3"), "new");
	CHECK_INT(json_integer_value(json_array_get(json_object_get(r,
	    "changed"), 0)), 3);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-note-only-via-update");
	CHECK_INT(apply("{\"op\":\"update\",\"who\":\"bob\",\"id\":3,"
	    "\"note\":\"second\"}", &r), 200);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_notes WHERE "
	    "alert_id = 3"), 2);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-note-missing");
	CHECK_INT(apply("{\"op\":\"note\",\"who\":\"ana\",\"id\":3}", &r),
	    400);
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"note\",\"who\":\"ana\",\"id\":3,"
	    "\"note\":7}", &r), 400);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-note-too-long");
	{
		char	*big;

		if ((big = malloc(TRIAGE_MAX_NOTE + 100)) == NULL)
			exit(1);
		memcpy(big, "{\"op\":\"note\",\"who\":\"ana\",\"id\":3,"
		    "\"note\":\"", 39);
		memset(big + 39, 'x', TRIAGE_MAX_NOTE + 1);
		strlcpy(big + 39 + TRIAGE_MAX_NOTE + 1, "\"}", 3);
		CHECK_INT(apply(big, &r), 400);
		json_decref(r);
		free(big);
	}
	CHECK_INT(sql_int("SELECT count(*) FROM alert_notes"), 2);
	TEST_END();

	TEST_BEGIN("triage-bad-note-no-alert");
	CHECK_INT(apply("{\"op\":\"note\",\"who\":\"ana\",\"id\":42,"
	    "\"note\":\"x\"}", &r), 404);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_notes"), 2);
	json_decref(r);
	TEST_END();
}

static void
test_bulk(void)
{
	json_t	*r, *res;

	db_open();
	sqlite3_exec(db, "UPDATE alerts SET status = 'in_progress' WHERE "
	    "id = 4", NULL, NULL, NULL);
	TEST_BEGIN("triage-bulk");
	CHECK_INT(apply("{\"op\":\"bulk\",\"who\":\"ana\",\"ids\":[1,2,4,"
	    "77],\"status\":\"acknowledged\",\"assignee\":\"ana\"}", &r), 200);
	res = json_object_get(r, "results");
	CHECK_INT(json_array_size(res), 4);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(res, 0),
	    "status")), 200);
	CHECK_STR(json_string_value(json_object_get(json_array_get(res, 0),
	    "alert_status")), "acknowledged");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(res, 1),
	    "status")), 200);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(res, 2),
	    "status")), 409);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(res, 3),
	    "status")), 404);
	CHECK_INT(json_array_size(json_object_get(r, "changed")), 2);
	CHECK_INT(sql_int("SELECT count(*) FROM alerts WHERE status = "
	    "'acknowledged' AND assignee = 'ana'"), 2);
	/* the refused one kept its assignee too */
	CHECK_INT(sql_int("SELECT assignee IS NULL FROM alerts WHERE "
	    "id = 4"), 1);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history"), 4);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-bulk-ids");
	CHECK_INT(apply("{\"op\":\"bulk\",\"who\":\"ana\",\"ids\":[],"
	    "\"status\":\"acknowledged\"}", &r), 400);
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"bulk\",\"who\":\"ana\",\"ids\":[1,-2],"
	    "\"status\":\"acknowledged\"}", &r), 400);
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"bulk\",\"who\":\"ana\",\"ids\":7,"
	    "\"status\":\"acknowledged\"}", &r), 400);
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"bulk\",\"who\":\"ana\",\"ids\":[3],"
	    "\"status\":\"bogus\"}", &r), 400);
	json_decref(r);
	CHECK_INT(sql_int("SELECT count(*) FROM alert_history"), 4);
	TEST_END();

	TEST_BEGIN("triage-bad-bulk-too-many");
	{
		char	 req[2048];
		int	 i;

		strlcpy(req, "{\"op\":\"bulk\",\"who\":\"ana\",\"note\":\"x\","
		    "\"ids\":[1", sizeof(req));
		for (i = 0; i < TRIAGE_MAX_BULK; i++)
			strlcat(req, ",1", sizeof(req));
		strlcat(req, "]}", sizeof(req));
		CHECK_INT(apply(req, &r), 400);
		CHECK_STR(reply_str(r, "detail", NULL),
		    "ids: an array of 1 to 100 alert ids");
		json_decref(r);
	}
	TEST_END();
}

static void
test_silences(void)
{
	json_t	*r;
	char	 req[512];

	db_open();
	TEST_BEGIN("triage-silence");
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"rule_id\":\"rule-1\",\"reason\":\"maintenance\","
	    "\"expires_at\":%lld}", NOW + 3600000000LL);
	CHECK_INT(apply(req, &r), 201);
	CHECK_STR(reply_str(r, "silence", "owner"), "admin");
	CHECK_STR(reply_str(r, "silence", "rule_id"), "rule-1");
	CHECK_STR(reply_str(r, "silence", "expires_at"),
	    "2026-11-03T11:00:00.000000Z");
	CHECK(json_is_null(json_object_get(json_object_get(r, "silence"),
	    "group_key")));
	CHECK(json_is_true(json_object_get(json_object_get(r, "silence"),
	    "active")));
	CHECK_STR(reply_str(r, "notify", NULL), "silences");
	CHECK_INT(sql_int("SELECT count(*) FROM silences"), 1);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-silence-past");
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"rule_id\":\"rule-1\",\"reason\":\"late\",\"expires_at\":%lld}",
	    NOW - 1);
	CHECK_INT(apply(req, &r), 400);
	CHECK_STR(reply_str(r, "detail", NULL),
	    "expires_at: must be in the future");
	json_decref(r);
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"reason\":\"now\",\"expires_at\":%lld}", NOW);
	CHECK_INT(apply(req, &r), 400);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-silence-far");
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"reason\":\"forever\",\"expires_at\":%lld}",
	    NOW + TRIAGE_MAX_SILENCE + 1);
	CHECK_INT(apply(req, &r), 400);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-silence-reason");
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"rule_id\":\"rule-1\",\"expires_at\":%lld}",
	    NOW + 3600000000LL);
	CHECK_INT(apply(req, &r), 400);
	CHECK_STR(reply_str(r, "detail", NULL),
	    "reason: required, text of 1 to 1024 bytes");
	json_decref(r);
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"reason\":\"\",\"expires_at\":%lld}", NOW + 3600000000LL);
	CHECK_INT(apply(req, &r), 400);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-silence-expiry-type");
	CHECK_INT(apply("{\"op\":\"silence\",\"who\":\"admin\",\"reason\":"
	    "\"x\",\"expires_at\":\"tomorrow\"}", &r), 400);
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"silence\",\"who\":\"admin\",\"reason\":"
	    "\"x\"}", &r), 400);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-silence-members");
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"reason\":\"x\",\"expires_at\":%lld,\"rule\":\"r\"}",
	    NOW + 3600000000LL);
	CHECK_INT(apply(req, &r), 400);
	json_decref(r);
	snprintf(req, sizeof(req), "{\"op\":\"silence\",\"who\":\"admin\","
	    "\"reason\":\"x\",\"expires_at\":%lld,\"group_key\":5}",
	    NOW + 3600000000LL);
	CHECK_INT(apply(req, &r), 400);
	json_decref(r);
	CHECK_INT(sql_int("SELECT count(*) FROM silences"), 1);
	TEST_END();

	TEST_BEGIN("triage-unsilence");
	CHECK_INT(apply("{\"op\":\"unsilence\",\"who\":\"admin\",\"id\":1}",
	    &r), 204);
	CHECK_STR(reply_str(r, "notify", NULL), "silences");
	CHECK_INT(sql_int("SELECT count(*) FROM silences"), 0);
	json_decref(r);
	TEST_END();

	TEST_BEGIN("triage-bad-unsilence-missing");
	CHECK_INT(apply("{\"op\":\"unsilence\",\"who\":\"admin\",\"id\":1}",
	    &r), 404);
	CHECK_STR(reply_str(r, "detail", NULL), "no such silence");
	json_decref(r);
	TEST_END();
}

static void
test_allowlist(void)
{
	static const struct {
		const char	*in, *out;
	} good[] = {
		{ "192.0.2.1", "192.0.2.1" },
		{ "10.0.0.0/8", "10.0.0.0/8" },
		{ "10.0.0.0/32", "10.0.0.0" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "2001:db8::/32", "2001:db8::/32" },
		{ "2001:0db8:0000::1", "2001:db8::1" },
		{ "::1/128", "::1" },
	};
	static const char *bad[] = {
		"", "10.0.0.0/", "10.0.0.0/33", "10.1.2.3/8", "10.0.0/8",
		"300.1.1.1", "2001:db8::1/32", "2001:db8::/129", "example.com",
		"10.0.0.0/8x", "/8", "10.0.0.0/-1", " 10.0.0.1", "1.2.3.4/+8",
	};
	char		 out[64], req[256];
	const char	*err;
	json_t		*r;
	size_t		 i;

	TEST_BEGIN("triage-cidr-canon");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_INT(triage_cidr_canon(good[i].in, out, sizeof(out),
		    &err), 0);
		CHECK_STR(out, good[i].out);
	}
	TEST_END();

	TEST_BEGIN("triage-bad-cidr");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (triage_cidr_canon(bad[i], out, sizeof(out), &err) != -1)
			printf("# accepted %s\n", bad[i]);
		CHECK_INT(triage_cidr_canon(bad[i], out, sizeof(out), &err),
		    -1);
	}
	CHECK_INT(triage_cidr_canon("10.1.2.3/8", out, sizeof(out), &err),
	    -1);
	CHECK_STR(err, "cidr: host bits are set under the prefix; give the "
	    "network address");
	TEST_END();

	db_open();
	TEST_BEGIN("triage-allow");
	CHECK_INT(apply("{\"op\":\"allow\",\"who\":\"admin\",\"cidr\":"
	    "\"2001:0db8::/32\",\"comment\":\"office\"}", &r), 201);
	CHECK_STR(reply_str(r, "entry", "cidr"), "2001:db8::/32");
	CHECK_STR(reply_str(r, "entry", "owner"), "admin");
	CHECK_STR(reply_str(r, "entry", "comment"), "office");
	CHECK_STR(reply_str(r, "notify", NULL), "allowlist");
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"allow\",\"who\":\"admin\",\"cidr\":"
	    "\"192.0.2.7\"}", &r), 201);
	CHECK(json_is_null(json_object_get(json_object_get(r, "entry"),
	    "comment")));
	json_decref(r);
	CHECK_INT(sql_int("SELECT count(*) FROM allowlist"), 2);
	TEST_END();

	TEST_BEGIN("triage-bad-allow-duplicate");
	CHECK_INT(apply("{\"op\":\"allow\",\"who\":\"admin\",\"cidr\":"
	    "\"2001:db8:0::/32\"}", &r), 409);
	json_decref(r);
	CHECK_INT(sql_int("SELECT count(*) FROM allowlist"), 2);
	TEST_END();

	TEST_BEGIN("triage-bad-allow-values");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(req, sizeof(req), "{\"op\":\"allow\",\"who\":"
		    "\"admin\",\"cidr\":\"%s\"}", bad[i]);
		CHECK_INT(apply(req, &r), 400);
		json_decref(r);
	}
	CHECK_INT(apply("{\"op\":\"allow\",\"who\":\"admin\"}", &r), 400);
	CHECK_STR(reply_str(r, "detail", NULL),
	    "cidr: required, an address or network");
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"allow\",\"who\":\"admin\",\"cidr\":"
	    "\"10.0.0.0/8\",\"comment\":3}", &r), 400);
	json_decref(r);
	CHECK_INT(sql_int("SELECT count(*) FROM allowlist"), 2);
	TEST_END();

	TEST_BEGIN("triage-unallow");
	CHECK_INT(apply("{\"op\":\"unallow\",\"who\":\"admin\",\"id\":2}",
	    &r), 204);
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"unallow\",\"who\":\"admin\",\"id\":2}",
	    &r), 404);
	json_decref(r);
	CHECK_INT(apply("{\"op\":\"unallow\",\"who\":\"admin\",\"id\":0}",
	    &r), 404);
	json_decref(r);
	CHECK_INT(sql_int("SELECT count(*) FROM allowlist"), 1);
	TEST_END();
}

static void
test_json(void)
{
	sqlite3_stmt	*s;
	json_t		*js, *in, *out;
	char		*text;

	db_open();
	TEST_BEGIN("triage-alert-json");
	CHECK(sqlite3_prepare_v2(db, "SELECT " ALERT_COLUMNS " FROM alerts"
	    " WHERE id = 2", -1, &s, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	js = triage_alert_json(s, 0);
	sqlite3_finalize(s);
	CHECK_INT(json_object_size(js), 20);
	CHECK_INT(json_integer_value(json_object_get(js, "id")), 2);
	CHECK_STR(json_string_value(json_object_get(js, "first_seen")),
	    "2026-11-03T09:59:59.999000Z");
	CHECK_STR(json_string_value(json_array_get(json_object_get(js,
	    "techniques"), 0)), "T1110");
	CHECK_STR(json_string_value(json_array_get(json_object_get(js,
	    "techniques"), 1)), "T1110.001");
	CHECK_INT(json_array_size(json_object_get(js, "techniques")), 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(js,
	    "tactics"), 0)), "credential_access");
	CHECK_INT(json_array_size(json_object_get(js, "tactics")), 1);
	CHECK_INT(json_array_size(json_object_get(js, "tags")), 5);
	CHECK_INT(json_integer_value(json_array_get(json_object_get(js,
	    "event_ids"), 2)), 3);
	CHECK(json_object_get(js, "key") == NULL);
	json_decref(js);
	TEST_END();

	TEST_BEGIN("triage-alert-text");
	text = triage_alert_text(db, 2);
	CHECK(text != NULL);
	js = text ? json_loads(text, 0, NULL) : NULL;
	CHECK(json_is_false(json_object_get(js, "created")));
	CHECK(json_is_true(json_object_get(js, "full")));
	CHECK_STR(json_string_value(json_object_get(js, "status")), "new");
	json_decref(js);
	free(text);
	CHECK(triage_alert_text(db, 999) == NULL);
	TEST_END();

	TEST_BEGIN("triage-alert-normalize");
	in = json_pack("{s:I, s:s, s:s, s:s, s:[s, s], s:I, s:I, s:[i, i],"
	    " s:b, s:s}", "id", (json_int_t)9, "key", "k", "rule_id", "r",
	    "severity", "high", "tags", "attack.T1059", "attack.Execution",
	    "first_seen", (json_int_t)NOW, "last_seen", (json_int_t)NOW,
	    "event_ids", 4, 5, "created", 1, "group_key", "g");
	out = triage_alert_normalize(in, NOW);
	CHECK_INT(json_object_size(out), 20);
	CHECK_STR(json_string_value(json_object_get(out, "status")), "new");
	CHECK_STR(json_string_value(json_object_get(out, "last_seen")),
	    "2026-11-03T10:00:00.000000Z");
	CHECK_STR(json_string_value(json_array_get(json_object_get(out,
	    "techniques"), 0)), "T1059");
	CHECK_STR(json_string_value(json_array_get(json_object_get(out,
	    "tactics"), 0)), "execution");
	CHECK_INT(json_integer_value(json_object_get(out, "events_total")),
	    2);
	CHECK_INT(json_integer_value(json_object_get(out, "count")), 1);
	CHECK(json_is_null(json_object_get(out, "assignee")));
	CHECK(json_object_get(out, "key") == NULL);
	json_decref(in);
	json_decref(out);
	TEST_END();

	TEST_BEGIN("triage-bad-mitre");
	in = json_pack("[s, s, s, s, s, s, i]", "attack.t11", "attack.t1110.1",
	    "attack.s0002", "attack.bogus_tactic", "attackt1110",
	    "attack.t12345", 7);
	out = json_array();
	js = json_array();
	triage_mitre(in, out, js);
	CHECK_INT(json_array_size(out), 0);
	CHECK_INT(json_array_size(js), 0);
	json_decref(in);
	json_decref(out);
	json_decref(js);
	TEST_END();
}

int
main(void)
{
	log_init(1, LOG_DAEMON);
	test_transitions();
	test_refused_backwards();
	test_lifecycle();
	test_bad_updates();
	test_notes();
	test_bulk();
	test_silences();
	test_allowlist();
	test_json();
	sqlite3_close(db);
	TEST_EXIT();
}
