/*
 * Search parameters of the API: times, filters, http_status classes
 * and ranges, networks, the full-text sanitizer (checked against
 * SQLite's FTS5 itself), cursors, and the C matcher live streams use.
 */

#include <sys/types.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "event.h"
#include "event_wire.h"
#include "web/api.h"
#include "test.h"

#define NOW	1793700000000000LL	/* 2026-11-03T10:00:00Z */

/* the daemon's parent state, which the library refers to */
struct siemd_env	 env;

static int	 parse(struct api_filter *, const char *);
static int	 fts_ok(sqlite3 *, const char *);
static int	 view_of(struct wire_buf *, struct event_view *, const char *,
		    const char *, const char *, int, int);

/* "a=1&b=2" as parameters; -1 with the error printed. */
static int
parse(struct api_filter *f, const char *qs)
{
	static char		 buf[8192];
	static struct http_param params[HTTP_MAX_QUERY];
	static const char *const extra[] = { "limit", "cursor", NULL };
	const char		*err = NULL;
	int			 n;

	if ((n = http_query_parse(qs, params, HTTP_MAX_QUERY, buf,
	    sizeof(buf))) == -1)
		return (-1);
	if (api_filter_parse(f, params, n, NOW, extra, &err) == -1) {
		if (err == NULL)
			printf("FAIL %s: no error message\n", qs);
		return (-1);
	}
	return (0);
}

/* The sanitized expression is valid FTS5: no syntax error. */
static int
fts_ok(sqlite3 *db, const char *expr)
{
	sqlite3_stmt	*s;
	int		 rv;

	if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1",
	    -1, &s, NULL) != SQLITE_OK)
		return (0);
	sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
	while ((rv = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_finalize(s);
	if (rv != SQLITE_DONE)
		printf("# fts5 refused [%s]: %s\n", expr, sqlite3_errmsg(db));
	return (rv == SQLITE_DONE);
}

static int
view_of(struct wire_buf *wb, struct event_view *v, const char *app,
    const char *msg, const char *src, int status, int sev)
{
	struct siem_event	 ev;
	const uint8_t		*p;
	size_t			 len;

	wire_reset(wb);
	event_init(&ev);
	ev.id = 42;
	ev.ts = NOW - 60000000;
	ev.received_at = NOW;
	ev.severity = sev;
	if (app)
		event_set(&ev, EV_APP, app, strlen(app));
	if (msg)
		event_set(&ev, EV_MESSAGE, msg, strlen(msg));
	if (src)
		event_set(&ev, EV_SRC_IP, src, strlen(src));
	event_set(&ev, EV_LEVEL, "Warning", 7);
	ev.ints[EV_HTTP_STATUS] = status;
	if (event_pack(wb, &ev, SOURCE_HTTP, 0) == -1)
		return (-1);
	event_clear(&ev);
	p = wb->buf;
	len = wb->len;
	return (event_view_next(&p, &len, v) == 1 ? 0 : -1);
}

int
main(void)
{
	struct api_filter	 f;
	json_t			*want;
	struct api_term		 terms[API_MAX_TERMS];
	struct wire_buf		 wb;
	struct event_view	 v;
	sqlite3			*db;
	char			 out[API_FTS_MAX], cur[API_CURSOR_MAX];
	const char		*err;
	uint8_t			 h1[API_HASH_LEN], h2[API_HASH_LEN];
	uint8_t			 hh[API_HASH_LEN];
	int64_t			 t, last, now;
	int			 lo, hi, n, i;
	static const char *hostile[] = {
		"NEAR(a b, 2)", "a:b", "message:secret", "^start", "a + b",
		"(a OR b", "a) OR (b", "\"\"", "*", "**a", "a*b*",
		"col:x AND NOT y", "OR", "-", "--", "- a", "a -", "{a b}",
		"a\" OR \"b", "AND", "a AND", "\xc3\xa9t\xc3\xa9 caf\xc3\xa9*",
		"x OR y OR z -w", "'; DROP TABLE t; --", "a NOT", "NOT a",
	};

	TEST_BEGIN("query/time-relative");
	CHECK(api_time_parse("now", NOW, &t) == 0 && t == NOW);
	CHECK(api_time_parse("-15m", NOW, &t) == 0 &&
	    t == NOW - 900000000LL);
	CHECK(api_time_parse("-24h", NOW, &t) == 0 &&
	    t == NOW - 86400000000LL);
	CHECK(api_time_parse("-7d", NOW, &t) == 0 &&
	    t == NOW - 7 * 86400000000LL);
	CHECK(api_time_parse("now-30s", NOW, &t) == 0 &&
	    t == NOW - 30000000LL);
	CHECK(api_time_parse("-2w", NOW, &t) == 0 &&
	    t == NOW - 14 * 86400000000LL);
	TEST_END();

	TEST_BEGIN("query/time-absolute");
	CHECK(api_time_parse("2026-11-03T10:15:02Z", NOW, &t) == 0);
	CHECK_INT(t, 1793700902000000LL);
	CHECK(api_time_parse("2026-11-03T10:15:02.5Z", NOW, &t) == 0);
	CHECK_INT(t, 1793700902500000LL);
	CHECK(api_time_parse("2026-11-03T12:15:02+02:00", NOW, &t) == 0);
	CHECK_INT(t, 1793700902000000LL);
	CHECK(api_time_parse("2026-11-03T05:15:02.000001-0500", NOW,
	    &t) == 0);
	CHECK_INT(t, 1793700902000001LL);
	CHECK(api_time_parse("2026-11-03", NOW, &t) == 0);
	CHECK_INT(t, 1793664000000000LL);
	CHECK(api_time_parse("2026-11-03 10:15", NOW, &t) == 0);
	CHECK_INT(t, 1793700900000000LL);
	TEST_END();

	TEST_BEGIN("query/time-bad");
	CHECK(api_time_parse("", NOW, &t) == -1);
	CHECK(api_time_parse("-", NOW, &t) == -1);
	CHECK(api_time_parse("-15x", NOW, &t) == -1);
	CHECK(api_time_parse("-15", NOW, &t) == -1);
	CHECK(api_time_parse("-15mm", NOW, &t) == -1);
	CHECK(api_time_parse("yesterday", NOW, &t) == -1);
	CHECK(api_time_parse("2026-13-01", NOW, &t) == -1);
	CHECK(api_time_parse("2026-02-31", NOW, &t) == -1);
	CHECK(api_time_parse("2026-11-03T25:00Z", NOW, &t) == -1);
	CHECK(api_time_parse("2026-11-03T10:15:02Zjunk", NOW, &t) == -1);
	CHECK(api_time_parse("2026-11-03T10:15:02.Z", NOW, &t) == -1);
	CHECK(api_time_parse("1793704502", NOW, &t) == -1);
	TEST_END();

	TEST_BEGIN("query/status");
	CHECK(api_status_parse("404", &lo, &hi) == 0 && lo == 404 &&
	    hi == 404);
	CHECK(api_status_parse("5xx", &lo, &hi) == 0 && lo == 500 &&
	    hi == 599);
	CHECK(api_status_parse("4XX", &lo, &hi) == 0 && lo == 400 &&
	    hi == 499);
	CHECK(api_status_parse("400-499", &lo, &hi) == 0 && lo == 400 &&
	    hi == 499);
	TEST_END();

	TEST_BEGIN("query/status-bad");
	CHECK(api_status_parse("99", &lo, &hi) == -1);
	CHECK(api_status_parse("1000", &lo, &hi) == -1);
	CHECK(api_status_parse("5x", &lo, &hi) == -1);
	CHECK(api_status_parse("0xx", &lo, &hi) == -1);
	CHECK(api_status_parse("4xxx", &lo, &hi) == -1);
	CHECK(api_status_parse("500-400", &lo, &hi) == -1);
	CHECK(api_status_parse("400-", &lo, &hi) == -1);
	CHECK(api_status_parse("abc", &lo, &hi) == -1);
	CHECK(api_status_parse("", &lo, &hi) == -1);
	TEST_END();

	TEST_BEGIN("query/fts-sanitize");
	CHECK(api_fts_sanitize("hello", out, sizeof(out), terms, &n,
	    &err) == 0);
	CHECK_STR(out, "(\"hello\")");
	for (i = 0; i < n; i++)
		free(terms[i].text);
	CHECK(api_fts_sanitize("Failed \"root from\" pass*", out,
	    sizeof(out), terms, &n, &err) == 0);
	CHECK_STR(out, "(\"failed\" \"root from\" \"pass\"*)");
	CHECK_INT(n, 3);
	CHECK(n == 3 && terms[2].prefix);
	for (i = 0; i < n; i++)
		free(terms[i].text);
	CHECK(api_fts_sanitize("a b OR c -d", out, sizeof(out), terms, &n,
	    &err) == 0);
	CHECK_STR(out, "(\"a\" (\"b\" OR \"c\")) NOT \"d\"");
	for (i = 0; i < n; i++)
		free(terms[i].text);
	CHECK(api_fts_sanitize("user-agent AND x", out, sizeof(out), terms,
	    &n, &err) == 0);
	CHECK_STR(out, "(\"user agent\" \"x\")");
	for (i = 0; i < n; i++)
		free(terms[i].text);
	CHECK(api_fts_sanitize("  ", out, sizeof(out), terms, &n,
	    &err) == 0 && n == 0);
	TEST_END();

	TEST_BEGIN("query/fts-bad");
	CHECK(api_fts_sanitize("\"unbalanced", out, sizeof(out), terms,
	    &n, &err) == -1);
	CHECK(api_fts_sanitize("-only", out, sizeof(out), terms, &n,
	    &err) == -1);
	CHECK(api_fts_sanitize("OR a", out, sizeof(out), terms, &n,
	    &err) == -1);
	CHECK(api_fts_sanitize("a OR", out, sizeof(out), terms, &n,
	    &err) == -1);
	CHECK(api_fts_sanitize("a OR OR b", out, sizeof(out), terms, &n,
	    &err) == -1);
	CHECK(api_fts_sanitize("a b c d e f g h i j k l m n o p q r s t u v "
	    "w x y z aa bb cc dd ee ff gg", out, sizeof(out), terms, &n,
	    &err) == -1);
	TEST_END();

	/* whatever a user types, FTS5 never sees a syntax error */
	TEST_BEGIN("query/fts-hostile");
	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(message,"
	    " http_path); INSERT INTO t VALUES ('near a b', '/x');", NULL,
	    NULL, NULL) == SQLITE_OK);
	for (i = 0; i < (int)(sizeof(hostile) / sizeof(hostile[0])); i++) {
		if (api_fts_sanitize(hostile[i], out, sizeof(out), terms, &n,
		    &err) == -1)
			continue;	/* refused with a message: fine */
		if (n > 0)
			CHECK(fts_ok(db, out));
		while (n > 0)
			free(terms[--n].text);
	}
	sqlite3_close(db);
	TEST_END();

	TEST_BEGIN("query/filter-lists");
	CHECK(parse(&f, "app=a,b&app=c&severity=HIGH,critical&level=warning"
	    "&limit=5") == 0);
	CHECK_INT(f.nvalues[FLD_APP], 3);
	CHECK_STR(f.values[FLD_APP][2], "c");
	CHECK_INT(f.nvalues[FLD_SEVERITY], 2);
	CHECK_STR(f.values[FLD_SEVERITY][0], "high");
	CHECK_STR(f.values[FLD_LEVEL][0], "WARNING");
	CHECK_INT(json_array_size(json_object_get(f.json, "app")), 3);
	CHECK(json_object_get(f.json, "limit") == NULL);
	api_filter_free(&f);
	CHECK(parse(&f, "from=-1h&to=now&http_status=404,5xx,300-399") == 0);
	CHECK(f.has_from && f.from == NOW - 3600000000LL && f.has_to);
	CHECK_INT(f.nstatus, 3);
	CHECK(f.status[1][0] == 500 && f.status[1][1] == 599);
	CHECK(f.status[2][0] == 300 && f.status[2][1] == 399);
	api_filter_free(&f);
	TEST_END();

	TEST_BEGIN("query/filter-cidr");
	CHECK(parse(&f, "src_ip=10.0.0.0/8,192.0.2.7&dest_ip=2001:db8::/32")
	    == 0);
	CHECK_INT(f.nnets[0], 1);
	CHECK_INT(f.nvalues[FLD_SRC_IP], 1);
	CHECK_INT(f.nnets[1], 1);
	CHECK(json_object_get(f.json, "src_cidr") != NULL);
	CHECK(cidr_match(&f.nets[0][0], "10.200.1.1"));
	CHECK(!cidr_match(&f.nets[0][0], "100.0.0.1"));
	CHECK(cidr_match(&f.nets[1][0], "2001:db8::1"));
	api_filter_free(&f);
	TEST_END();

	TEST_BEGIN("query/filter-bad");
	CHECK(parse(&f, "severity=urgent") == -1);
	CHECK(parse(&f, "src_ip=10.0.0.0/33") == -1);
	CHECK(parse(&f, "src_ip=nonsense/8") == -1);
	CHECK(parse(&f, "http_status=5x") == -1);
	CHECK(parse(&f, "from=yesterday") == -1);
	CHECK(parse(&f, "from=now&to=-1h") == -1);
	CHECK(parse(&f, "sevrity=high") == -1);
	CHECK(parse(&f, "q=%22open") == -1);
	CHECK(parse(&f, "q=a&q=b") == -1);
	TEST_END();

	TEST_BEGIN("query/cursor");
	api_cursor_init();
	CHECK(parse(&f, "app=a&from=-1h") == 0);
	api_filter_hash(&f, h1);
	api_filter_free(&f);
	CHECK(parse(&f, "app=a&from=-1h&limit=10") == 0);
	api_filter_hash(&f, h2);
	api_filter_free(&f);
	CHECK(memcmp(h1, h2, sizeof(h1)) == 0);
	CHECK(api_cursor_encode(12345, NOW, h1, cur, sizeof(cur)) == 0);
	CHECK(api_cursor_decode(cur, &last, &now, hh) == 0);
	CHECK(last == 12345 && now == NOW && memcmp(hh, h1, sizeof(hh)) == 0);
	TEST_END();

	TEST_BEGIN("query/cursor-bad");
	CHECK(parse(&f, "app=b&from=-1h") == 0);
	api_filter_hash(&f, h2);
	api_filter_free(&f);
	CHECK(memcmp(h1, h2, sizeof(h1)) != 0);	/* other filters */
	cur[10] = cur[10] == 'A' ? 'B' : 'A';
	CHECK(api_cursor_decode(cur, &last, &now, hh) == -1);
	CHECK(api_cursor_decode("", &last, &now, hh) == -1);
	CHECK(api_cursor_decode("not a cursor!", &last, &now, hh) == -1);
	CHECK(api_cursor_decode("AQAAAAAAAAAF", &last, &now, hh) == -1);
	TEST_END();

	/* a key derived from the token secret: the same after a restart */
	TEST_BEGIN("query/cursor-key-restart");
	api_cursor_key("a token key of the daemon", 25);
	CHECK(api_cursor_encode(777, NOW, h1, cur, sizeof(cur)) == 0);
	api_cursor_init();			/* another random key */
	CHECK(api_cursor_decode(cur, &last, &now, hh) == -1);
	api_cursor_key("a token key of the daemon", 25);
	CHECK(api_cursor_decode(cur, &last, &now, hh) == 0);
	CHECK(last == 777 && now == NOW);
	TEST_END();

	TEST_BEGIN("query/cursor-key-bad");
	api_cursor_key("another token key", 17);
	CHECK(api_cursor_decode(cur, &last, &now, hh) == -1);
	api_cursor_key(NULL, 0);		/* random */
	CHECK(api_cursor_decode(cur, &last, &now, hh) == -1);
	TEST_END();

	TEST_BEGIN("query/match");
	memset(&wb, 0, sizeof(wb));
	CHECK(view_of(&wb, &v, "sshd", "Failed password for root",
	    "10.1.2.3", 503, SEV_HIGH) == 0);
	CHECK(parse(&f, "app=nginx,sshd&severity=high&src_ip=10.0.0.0/8"
	    "&http_status=5xx&level=WARNING&q=fail*+%22password+for%22"
	    "&from=-1h") == 0);
	CHECK(api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "contains=WORD+FOR") == 0);
	CHECK(api_filter_match(&f, &v));
	api_filter_free(&f);
	TEST_END();

	TEST_BEGIN("query/match-bad");
	CHECK(parse(&f, "app=nginx") == 0);
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "src_ip=100.0.0.0/8") == 0);
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "q=pass") == 0);	/* whole tokens only */
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "q=failed+-root") == 0);
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "http_status=404") == 0);
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "from=-30s") == 0);
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	TEST_END();

	TEST_BEGIN("query/match-not");
	CHECK(parse(&f, "not_app=nginx,sshd") == 0);
	CHECK(!api_filter_match(&f, &v));
	want = json_pack("[s, s]", "nginx", "sshd");
	CHECK(json_equal(json_object_get(f.json, "not_app"), want));
	json_decref(want);
	api_filter_free(&f);
	CHECK(parse(&f, "not_app=nginx&not_severity=low") == 0);
	CHECK(api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "not_severity=HIGH") == 0);
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "not_level=warning") == 0);	/* case folded */
	CHECK(!api_filter_match(&f, &v));
	api_filter_free(&f);
	/* an event without the field is not excluded */
	CHECK(parse(&f, "not_user_id=root") == 0);
	CHECK(api_filter_match(&f, &v));
	api_filter_free(&f);
	CHECK(parse(&f, "not_severity=urgent") == -1);
	CHECK(parse(&f, "not_bogus=1") == -1);
	wire_free(&wb);
	TEST_END();

	TEST_EXIT();
}
