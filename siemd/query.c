/*
 * The query process: every read of the API runs here, on a read-only
 * connection to the database, so that a heavy search never stalls
 * ingestion or the web process.  Requests arrive from the web process
 * as IMSG_QUERY (struct query_req and JSON parameters the web process
 * has validated) and run one at a time; the answer goes back in
 * IMSG_QUERY_DATA chunks of at most QUERY_CHUNK bytes, the last one
 * with QUERY_LAST and a little JSON about the answer, or one chunk
 * with QUERY_ERROR and a problem ({"status", "detail"}, never SQL).
 *
 * Each query has a time budget, enforced by SQLite's progress handler,
 * which also looks at the channel now and then: an IMSG_QUERY_CANCEL
 * for the running query (its client went away) interrupts it, other
 * requests read meanwhile wait their turn.
 *
 * Filters become SQL from the fixed fragments below, one per column;
 * every value is a bound parameter.  A source address filter may be a
 * network: cidr_match(address, network) is a function registered on
 * the connection that compares the bytes of the two (IPv4 and IPv6;
 * an IPv4-mapped IPv6 address counts as IPv4), so that 10.0.0.0/8
 * matches 10.200.1.1 and not 100.0.0.1, which a text prefix would.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "store_fts.h"
#include "child.h"
#include "event.h"
#include "store_triage.h"
#include "keyfilter.h"

#define QUERY_CHUNK		(256 * 1024)	/* bytes per IMSG_QUERY_DATA */
#define QUERY_BUDGET_MS		10000		/* default time budget */
#define QUERY_BUDGET_MAX	300000		/* query timeout 5m at most */
#define QUERY_POLL_US		20000		/* channel checked this often */
#define QUERY_NICE		10		/* below ingestion on a busy machine */
#define QUERY_PROGRESS_OPS	1000		/* VM steps between checks */
#define QUERY_MAX_LIMIT		10000		/* rows per answer */
#define QUERY_MAX_BYTES		(16 * 1024 * 1024)	/* per answer */
#define QUERY_MAX_VALUES	64		/* values per filter field */
#define QUERY_SQL_MAX		16384
#define QUERY_MAX_BINDS		1024
#define QUERY_TOP_SCAN		100000		/* default rows a facet scans */
#define QUERY_TOP_SCAN_MAX	1000000
#define QUERY_MAX_BUCKETS	10000
#define QUERY_MAX_HOSTS		10000
#define QUERY_ALERT_ITEMS	1000		/* notes, history of an alert */
#define QUERY_ALERT_RULES	20		/* rules in alert statistics */
#define QUERY_MAX_OPEN		64		/* partition connections */
#define QUERY_CACHE_ROWS	2000		/* larger answers not kept */
#define QUERY_HOST_RECENT	20

/* Event columns in schema order; every event query selects these. */
#define EVENT_COLUMNS \
	"id, ts, received_at, source_type, host, app, pid, facility," \
	" syslog_severity, level, severity, event_type, outcome, message," \
	" request_id, user_id, src_ip, src_port, dest_ip, dest_port," \
	" protocol, user_agent, http_method, http_path, http_query," \
	" http_status, latency_ms, error_type, process_exe," \
	" process_cmdline, process_cwd, parent_exe, data_json, raw," \
	" source_file, source_offset, tags"

static const char *event_columns[] = {
	"id", "ts", "received_at", "source_type", "host", "app", "pid",
	"facility", "syslog_severity", "level", "severity", "event_type",
	"outcome", "message", "request_id", "user_id", "src_ip", "src_port",
	"dest_ip", "dest_port", "protocol", "user_agent", "http_method",
	"http_path", "http_query", "http_status", "latency_ms", "error_type",
	"process_exe", "process_cmdline", "process_cwd", "parent_exe",
	"data_json", "raw", "source_file", "source_offset", "tags"
};
#define NCOLUMNS	(sizeof(event_columns) / sizeof(event_columns[0]))
enum { COL_ID, COL_TS, COL_RECEIVED_AT, COL_DATA_JSON = 32, COL_TAGS = 36 };

static const char *severity_names[] = {
	"info", "low", "medium", "high", "critical"
};

/*
 * The fixed statements, run on each partition (siemd/store.c keeps
 * the events in partition files by id range); searches and facets are
 * built below.
 */
enum query_stmt {
	QS_EVENT,
	QS_APPS,
	QS_TYPES,
	QS_TYPES_APP,
	QS_HOSTS,
	QS_HOST,
	QS_HOST_TYPES,
	QS_HOST_RECENT,
	QS_COUNT,
	QS_NEWEST,
	QS_ROLLUP_SEVERITY,
	QS_TOP_APPS,
	QS_TIMELINE,
	QS_TS_RANGE,
	/* the same answers from rollup_value (partition version 2) */
	QS_APPS_R,
	QS_TYPES_R,
	QS_TYPES_APP_R,
	QS_HOSTS_R,
	QS_HOST_R,
	QS_HOST_TYPES_R,
	QS_TOP_APPS_R,
	QS_MAX
};

/* Severity counts of rollup_value rows, in the order of severity_names. */
#define SEV_SUMS \
	" sum(CASE severity WHEN 0 THEN count ELSE 0 END)," \
	" sum(CASE severity WHEN 1 THEN count ELSE 0 END)," \
	" sum(CASE severity WHEN 2 THEN count ELSE 0 END)," \
	" sum(CASE severity WHEN 3 THEN count ELSE 0 END)," \
	" sum(CASE severity WHEN 4 THEN count ELSE 0 END)"

static const char *query_sql[QS_MAX] = {
	[QS_EVENT] = "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?1",
	[QS_APPS] =
	    "SELECT app, count(*), min(ts), max(ts) FROM events"
	    " WHERE app IS NOT NULL GROUP BY app",
	[QS_TYPES] =
	    "SELECT event_type, count(*), min(ts), max(ts) FROM events"
	    " WHERE event_type IS NOT NULL GROUP BY event_type",
	[QS_TYPES_APP] =
	    "SELECT event_type, count(*), min(ts), max(ts) FROM events"
	    " WHERE app = ?1 AND event_type IS NOT NULL"
	    " GROUP BY event_type",
	[QS_HOSTS] =
	    "SELECT host, min(ts), max(ts), count(*),"
	    " sum(severity = 'info'), sum(severity = 'low'),"
	    " sum(severity = 'medium'), sum(severity = 'high'),"
	    " sum(severity = 'critical') FROM events"
	    " WHERE host IS NOT NULL GROUP BY host ORDER BY host LIMIT ?1",
	[QS_HOST] =
	    "SELECT host, min(ts), max(ts), count(*),"
	    " sum(severity = 'info'), sum(severity = 'low'),"
	    " sum(severity = 'medium'), sum(severity = 'high'),"
	    " sum(severity = 'critical') FROM events WHERE host = ?1"
	    " GROUP BY host",
	[QS_HOST_TYPES] =
	    "SELECT event_type, count(*) FROM events WHERE host = ?1"
	    " AND event_type IS NOT NULL GROUP BY event_type",
	[QS_HOST_RECENT] =
	    "SELECT " EVENT_COLUMNS " FROM events WHERE host = ?1"
	    " ORDER BY id DESC LIMIT ?2",
	/* every stored event is counted in its minute */
	[QS_COUNT] = "SELECT coalesce(sum(count), 0) FROM rollup_minute",
	[QS_NEWEST] =
	    "SELECT id, ts, received_at FROM events ORDER BY id DESC LIMIT 1",
	[QS_ROLLUP_SEVERITY] =
	    "SELECT severity, sum(count) FROM rollup_minute"
	    " WHERE minute >= ?1 AND minute < ?2 GROUP BY severity",
	[QS_TOP_APPS] =
	    "SELECT app, count(*) FROM events WHERE ts >= ?1"
	    " AND app IS NOT NULL GROUP BY app",
	[QS_TIMELINE] =
	    "SELECT minute, severity, count FROM rollup_minute"
	    " WHERE minute >= ?1 AND minute < ?2",
	[QS_TS_RANGE] = "SELECT min(ts), max(ts) FROM events",
	/* field codes: ROLLUP_* in siemd.h */
	[QS_APPS_R] =
	    "SELECT value, sum(count), min(first_ts), max(last_ts)"
	    " FROM rollup_value WHERE field = 1 GROUP BY value",
	[QS_TYPES_R] =
	    "SELECT value, sum(count), min(first_ts), max(last_ts)"
	    " FROM rollup_value WHERE field = 2 GROUP BY value",
	[QS_TYPES_APP_R] =
	    "SELECT value, sum(count), min(first_ts), max(last_ts)"
	    " FROM rollup_value WHERE field = 2 AND value2 = ?1"
	    " GROUP BY value",
	[QS_HOSTS_R] =
	    "SELECT value, min(first_ts), max(last_ts), sum(count)," SEV_SUMS
	    " FROM rollup_value WHERE field = 0 GROUP BY value ORDER BY value"
	    " LIMIT ?1",
	[QS_HOST_R] =
	    "SELECT value, min(first_ts), max(last_ts), sum(count)," SEV_SUMS
	    " FROM rollup_value WHERE field = 0 AND value = ?1"
	    " GROUP BY value",
	[QS_HOST_TYPES_R] =
	    "SELECT value, sum(count) FROM rollup_value WHERE field = 3"
	    " AND value2 = ?1 GROUP BY value",
	/* by the hour: the events of the hour "since" falls in count */
	[QS_TOP_APPS_R] =
	    "SELECT value, sum(count) FROM rollup_value WHERE field = 4"
	    " AND bucket >= ?1 / 3600000000 GROUP BY value",
};

/* The statement that answers n on a partition with rollup_value. */
static const enum query_stmt rollup_alt[QS_MAX] = {
	[QS_APPS] = QS_APPS_R,
	[QS_TYPES] = QS_TYPES_R,
	[QS_TYPES_APP] = QS_TYPES_APP_R,
	[QS_HOSTS] = QS_HOSTS_R,
	[QS_HOST] = QS_HOST_R,
	[QS_HOST_TYPES] = QS_HOST_TYPES_R,
	[QS_TOP_APPS] = QS_TOP_APPS_R,
};

/*
 * Filter fields: the JSON key the web process sends and the column
 * it compares.  Only these names ever reach the SQL text.
 */
static const struct {
	const char	*key;
	const char	*column;
	int		 nocase;
} text_filters[] = {
	{ "app",	 "app",		0 },
	{ "event_type",	 "event_type",	0 },
	{ "level",	 "level",	1 },
	{ "severity",	 "severity",	0 },
	{ "host",	 "host",	0 },
	{ "user_id",	 "user_id",	0 },
	{ "src_ip",	 "src_ip",	0 },
	{ "dest_ip",	 "dest_ip",	0 },
	{ "request_id",	 "request_id",	0 },
	{ "source_type", "source_type",	0 },
};

/* Facets /top may count. */
static const char *top_fields[] = {
	"src_ip", "dest_ip", "user_id", "host", "app", "event_type",
	"http_path", "http_status", "severity", "source_type", "outcome",
	"level"
};

struct qjob {
	TAILQ_ENTRY(qjob)	 entry;
	uint32_t		 reqid;
	uint32_t		 kind;
	int32_t			 budget_ms;
	char			*params;
};

struct obuf {
	char		*buf;
	size_t		 len;
	size_t		 cap;
};

/* A query built from fragments: SQL text and its values. */
struct qbind {
	int		 type;		/* SQLITE_TEXT or SQLITE_INTEGER */
	const char	*s;
	int64_t		 i;
};

struct qbuild {
	char		 sql[QUERY_SQL_MAX];
	struct qbind	 binds[QUERY_MAX_BINDS];
	int		 nbinds;
	int		 overflow;
	char		*likes[QUERY_MAX_VALUES];	/* escaped patterns */
	int		 nlikes;
};

/* An id range of a partition that a search reads (part_ranges). */
struct qrange {
	int64_t		 lo;
	int64_t		 hi;
};

/*
 * A partition: a file holding the events of one id range.  A closed
 * ("sealed") partition never changes: it is opened immutable, and its
 * time range and the answers of the listing statements are kept.
 */
struct qpart {
	int64_t			 seq;
	int64_t			 first_id;
	int64_t			 last_id;	/* INT64_MAX while written */
	int			 sealed;
	char			*file;
	sqlite3			*db;
	int64_t			 used;		/* for closing the idle */
	int64_t			 min_ts;	/* sealed: bounds of ts */
	int64_t			 max_ts;
	int			 version;	/* -1 until known */
	json_t			*cache;		/* sealed: key -> rows */
};

struct qproc {
	struct child		 c;
	struct imsgev		*web;
	char			*dbfile;	/* relative to the jail */
	sqlite3			*db;		/* main: alerts, partitions */
	struct qpart		*parts;		/* oldest first */
	size_t			 nparts;
	int			 nopen;
	int64_t			 uses;
	uint64_t		 cache_hits;
	uint64_t		 kf_chunks;	/* key filters consulted */
	uint64_t		 kf_skipped;	/* chunks they ruled out */
	TAILQ_HEAD(, qjob)	 jobs;
	struct event		 run_ev;
	struct event		 idle_ev;	/* let go of sealing files */

	/* the running query */
	uint32_t		 cur;
	int			 running;
	int			 cancel;
	int			 timedout;
	int64_t			 deadline;	/* µs, monotonic */
	int64_t			 budget_ms;	/* of the running query */
	int64_t			 next_poll;

	uint64_t		 queries;
	uint64_t		 errors;
	uint64_t		 timeouts;
	uint64_t		 cancelled;
	uint64_t		 rows;
	uint64_t		 bytes;
	int64_t			 max_ms;
};

static struct qproc	 q;

static json_t	*query_counters(void *);
static void	 query_idle(int, short, void *);
static void	 query_stop(void *);
static int	 query_dispatch_web(struct imsgev *, struct imsg *);
static int	 query_accept(struct imsg *);
static void	 query_run(int, short, void *);
static void	 query_poll(void);
static int	 query_progress(void *);
static int	 query_open(void);
static void	 query_close(void);
static void	 query_send(uint32_t, const struct obuf *, json_t *);
static void	 query_fail(uint32_t, int, const char *);
static int	 query_sqlerr(int, const char *);
static int	 run_events(json_t *, struct obuf *, json_t **);
static int	 run_event(json_t *, struct obuf *, json_t **);
static int	 run_list(int, const char *, const char *, struct obuf *);
static int	 run_hosts(struct obuf *);
static int	 run_host(json_t *, struct obuf *, json_t **);
static int	 run_stats(struct obuf *);
static int	 run_timeline(json_t *, struct obuf *);
static int	 run_top(json_t *, struct obuf *);
static int	 run_health(struct obuf *);
static int	 run_alerts(json_t *, struct obuf *, json_t **);
static int	 run_alert(json_t *, struct obuf *, json_t **);
static int	 run_alert_stats(json_t *, struct obuf *);
static int	 run_alert_list(int, json_t *, struct obuf *);
static void	 build_where(struct qbuild *, json_t *);
static void	 build_free(struct qbuild *);
static int	 build_prepare(sqlite3 *, struct qbuild *, sqlite3_stmt **);
static void	 sql_cidr_match(sqlite3_context *, int, sqlite3_value **);
static json_t	*row_event(sqlite3_stmt *, int);
static json_t	*row_ecs(sqlite3_stmt *, int);
static void	 row_csv(sqlite3_stmt *, int, struct obuf *);
static void	 ob_add(struct obuf *, const void *, size_t);
static void	 ob_str(struct obuf *, const char *);
static void	 ob_json(struct obuf *, json_t *);
static json_t	*iso_time(int64_t);

static json_t *
query_counters(void *arg)
{
	struct qjob	*j;
	int		 pending = 0;

	TAILQ_FOREACH(j, &q.jobs, entry)
		pending++;
	return (json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,s:b,s:I,s:i,"
	    "s:I,s:I,s:I}",
	    "queries", (json_int_t)q.queries,
	    "errors", (json_int_t)q.errors,
	    "timeouts", (json_int_t)q.timeouts,
	    "cancelled", (json_int_t)q.cancelled,
	    "rows", (json_int_t)q.rows,
	    "bytes", (json_int_t)q.bytes,
	    "max_ms", (json_int_t)q.max_ms,
	    "pending", pending,
	    "database", q.db != NULL,
	    "partitions", (json_int_t)q.nparts,
	    "partitions_open", q.nopen,
	    "cache_hits", (json_int_t)q.cache_hits,
	    "key_filter_chunks", (json_int_t)q.kf_chunks,
	    "key_filter_skipped", (json_int_t)q.kf_skipped));
}

/* output ----------------------------------------------------------- */

static void
ob_add(struct obuf *ob, const void *p, size_t len)
{
	size_t	 cap;

	if (ob->len + len + 1 > ob->cap) {
		cap = ob->cap ? ob->cap : 64 * 1024;
		while (cap < ob->len + len + 1)
			cap *= 2;
		if ((ob->buf = realloc(ob->buf, cap)) == NULL)
			fatal("%s: realloc", __func__);
		ob->cap = cap;
	}
	memcpy(ob->buf + ob->len, p, len);
	ob->len += len;
	ob->buf[ob->len] = '\0';
}

static void
ob_str(struct obuf *ob, const char *s)
{
	ob_add(ob, s, strlen(s));
}

/* Appends and releases js. */
static void
ob_json(struct obuf *ob, json_t *js)
{
	char	*s;

	if (js == NULL || (s = json_dumps(js, JSON_COMPACT |
	    JSON_ENCODE_ANY)) == NULL)
		fatalx("%s: json", __func__);
	ob_str(ob, s);
	free(s);
	json_decref(js);
}

/* µs since the epoch as ISO 8601 UTC with microseconds. */
static json_t *
iso_time(int64_t us)
{
	struct tm	 tm;
	time_t		 secs;
	int64_t		 frac;
	char		 buf[64];

	secs = us / 1000000;
	frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	if (gmtime_r(&secs, &tm) == NULL)
		return (json_null());
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long long)frac);
	return (json_string(buf));
}

static json_t *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	if (t == NULL)
		return (json_null());
	return (event_json_stringn((const char *)t,
	    sqlite3_column_bytes(s, i)));
}

/* A column holding JSON text: nested when it parses. */
static json_t *
col_json(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);
	json_t		*js;

	if (t == NULL)
		return (json_null());
	if ((js = json_loadb(t, sqlite3_column_bytes(s, i),
	    JSON_DECODE_ANY, NULL)) != NULL)
		return (js);
	return (col_text(s, i));
}

static json_t *
col_value(sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		return (json_null());
	case SQLITE_INTEGER:
		return (json_integer(sqlite3_column_int64(s, i)));
	case SQLITE_FLOAT:
		return (json_real(sqlite3_column_double(s, i)));
	default:
		return (col_text(s, i));
	}
}

/* One event row, columns from off on, with the schema's names. */
static json_t *
row_event(sqlite3_stmt *s, int off)
{
	json_t	*js, *v;
	size_t	 i;

	if ((js = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	for (i = 0; i < NCOLUMNS; i++) {
		if ((i == COL_TS || i == COL_RECEIVED_AT) &&
		    sqlite3_column_type(s, off + i) == SQLITE_INTEGER)
			v = iso_time(sqlite3_column_int64(s, off + i));
		else if (i == COL_DATA_JSON || i == COL_TAGS)
			v = col_json(s, off + i);
		else
			v = col_value(s, off + i);
		if (v == NULL)
			v = json_null();
		json_object_set_new(js, event_columns[i], v);
	}
	return (js);
}

/* Set a dotted ECS name in nested objects. */
static void
ecs_set(json_t *root, const char *name, json_t *v)
{
	char	 part[64];
	json_t	*o = root, *next;
	size_t	 n;

	if (v == NULL || json_is_null(v)) {
		json_decref(v);
		return;
	}
	while ((n = strcspn(name, ".")) < strlen(name)) {
		if (n >= sizeof(part))
			break;
		memcpy(part, name, n);
		part[n] = '\0';
		if ((next = json_object_get(o, part)) == NULL) {
			next = json_object();
			json_object_set_new(o, part, next);
		}
		o = next;
		name += n + 1;
	}
	json_object_set_new(o, name, v);
}

/*
 * The Elastic Common Schema names for an event; what ECS has no name
 * for goes under "siemd".
 */
static json_t *
row_ecs(sqlite3_stmt *s, int off)
{
	static const struct {
		int		 col;
		const char	*name;
	} map[] = {
		{ 3, "siemd.source_type" },
		{ 4, "host.name" },
		{ 5, "service.name" },
		{ 6, "process.pid" },
		{ 7, "log.syslog.facility.code" },
		{ 8, "log.syslog.severity.code" },
		{ 9, "log.level" },
		{ 10, "siemd.severity" },
		{ 11, "event.action" },
		{ 12, "event.outcome" },
		{ 13, "message" },
		{ 14, "http.request.id" },
		{ 15, "user.name" },
		{ 16, "source.ip" },
		{ 17, "source.port" },
		{ 18, "destination.ip" },
		{ 19, "destination.port" },
		{ 20, "network.protocol" },
		{ 21, "user_agent.original" },
		{ 22, "http.request.method" },
		{ 23, "url.path" },
		{ 24, "url.query" },
		{ 25, "http.response.status_code" },
		{ 27, "error.type" },
		{ 28, "process.executable" },
		{ 29, "process.command_line" },
		{ 30, "process.working_directory" },
		{ 31, "process.parent.executable" },
		{ 33, "event.original" },
		{ 34, "log.file.path" },
		{ 35, "log.offset" },
	};
	json_t	*js, *v;
	size_t	 i;

	if ((js = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	ecs_set(js, "@timestamp", iso_time(sqlite3_column_int64(s,
	    off + COL_TS)));
	ecs_set(js, "event.created", iso_time(sqlite3_column_int64(s,
	    off + COL_RECEIVED_AT)));
	ecs_set(js, "event.id", json_sprintf("%lld",
	    (long long)sqlite3_column_int64(s, off + COL_ID)));
	ecs_set(js, "ecs.version", json_string("8.11.0"));
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		ecs_set(js, map[i].name, col_value(s, off + map[i].col));
	if (sqlite3_column_type(s, off + 26) != SQLITE_NULL)
		/* ECS durations are nanoseconds */
		ecs_set(js, "event.duration", json_integer((json_int_t)
		    (sqlite3_column_double(s, off + 26) * 1e6)));
	v = col_json(s, off + COL_TAGS);
	if (json_is_array(v))
		ecs_set(js, "tags", v);
	else
		json_decref(v);
	ecs_set(js, "siemd.data", col_json(s, off + COL_DATA_JSON));
	return (js);
}

/*
 * RFC 4180 text.  A cell that a spreadsheet would take for a formula
 * (= + - @ at the start) gets a leading apostrophe: log lines are
 * written by whoever attacks, and exports are opened by analysts.
 */
static void
csv_cell(struct obuf *ob, const char *t, size_t len)
{
	size_t	 i;

	if (len > 0 && strchr("=+-@\t\r", t[0]) != NULL) {
		ob_add(ob, "\"'", 2);
	} else if (strcspn(t, ",\"\r\n") < len) {
		ob_add(ob, "\"", 1);
	} else {
		ob_add(ob, t, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (t[i] == '"')
			ob_add(ob, "\"", 1);
		ob_add(ob, t + i, 1);
	}
	ob_add(ob, "\"", 1);
}

static void
row_csv(sqlite3_stmt *s, int off, struct obuf *ob)
{
	json_t		*v;
	char		 num[64];
	size_t		 i;

	for (i = 0; i < NCOLUMNS; i++) {
		if (i > 0)
			ob_add(ob, ",", 1);
		switch (sqlite3_column_type(s, off + i)) {
		case SQLITE_NULL:
			break;
		case SQLITE_INTEGER:
			if (i == COL_TS || i == COL_RECEIVED_AT) {
				v = iso_time(sqlite3_column_int64(s, off + i));
				ob_str(ob, json_string_value(v));
				json_decref(v);
			} else {
				snprintf(num, sizeof(num), "%lld", (long long)
				    sqlite3_column_int64(s, off + i));
				ob_str(ob, num);
			}
			break;
		case SQLITE_FLOAT:
			snprintf(num, sizeof(num), "%.3f",
			    sqlite3_column_double(s, off + i));
			ob_str(ob, num);
			break;
		default:
			csv_cell(ob, (const char *)sqlite3_column_text(s,
			    off + i), sqlite3_column_bytes(s, off + i));
			break;
		}
	}
	ob_add(ob, "\r\n", 2);
}

/* network filters -------------------------------------------------- */

struct qcidr {
	int		 family;
	int		 bits;
	uint8_t		 addr[16];
};

static int
addr_parse(const char *s, int *family, uint8_t *a)
{
	struct in6_addr	 in6;

	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return (0);
	}
	if (inet_pton(AF_INET6, s, &in6) != 1)
		return (-1);
	if (IN6_IS_ADDR_V4MAPPED(&in6)) {
		*family = AF_INET;
		memcpy(a, &in6.s6_addr[12], 4);
	} else {
		*family = AF_INET6;
		memcpy(a, &in6, 16);
	}
	return (0);
}

static int
qcidr_parse(const char *s, struct qcidr *c)
{
	char		 a[INET6_ADDRSTRLEN + 1];
	const char	*slash = strchr(s, '/'), *errstr;
	size_t		 len = slash ? (size_t)(slash - s) : strlen(s);
	int		 max;

	memset(c, 0, sizeof(*c));
	if (len == 0 || len >= sizeof(a))
		return (-1);
	memcpy(a, s, len);
	a[len] = '\0';
	if (addr_parse(a, &c->family, c->addr) == -1)
		return (-1);
	max = c->family == AF_INET ? 32 : 128;
	c->bits = max;
	if (slash != NULL) {
		c->bits = strtonum(slash + 1, 0, max, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	return (0);
}

static int
qcidr_match(const struct qcidr *c, const char *s)
{
	uint8_t	 a[16];
	int	 family, full, rest;

	if (addr_parse(s, &family, a) == -1 || family != c->family)
		return (0);
	full = c->bits / 8;
	rest = c->bits % 8;
	if (memcmp(a, c->addr, full) != 0)
		return (0);
	if (rest != 0 && ((a[full] ^ c->addr[full]) &
	    (0xff << (8 - rest)) & 0xff) != 0)
		return (0);
	return (1);
}

/* cidr_match(address, network): 1 or 0; the network parsed once. */
static void
sql_cidr_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct qcidr	*c;
	const char	*addr, *net;

	addr = (const char *)sqlite3_value_text(argv[0]);
	if (addr == NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	if ((c = sqlite3_get_auxdata(ctx, 1)) == NULL) {
		net = (const char *)sqlite3_value_text(argv[1]);
		if ((c = malloc(sizeof(*c))) == NULL)
			fatal("%s: malloc", __func__);
		if (net == NULL || qcidr_parse(net, c) == -1)
			c->family = -1;		/* matches nothing */
		sqlite3_set_auxdata(ctx, 1, c, free);
		if ((c = sqlite3_get_auxdata(ctx, 1)) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	sqlite3_result_int(ctx, qcidr_match(c, addr));
}

/* building searches ------------------------------------------------ */

static void
qb_sql(struct qbuild *b, const char *frag)
{
	if (strlcat(b->sql, frag, sizeof(b->sql)) >= sizeof(b->sql))
		b->overflow = 1;
}

static void
qb_text(struct qbuild *b, const char *s)
{
	if (b->nbinds == QUERY_MAX_BINDS) {
		b->overflow = 1;
		return;
	}
	b->binds[b->nbinds].type = SQLITE_TEXT;
	b->binds[b->nbinds].s = s;
	b->nbinds++;
	qb_sql(b, "?");
}

static void
qb_int(struct qbuild *b, int64_t v)
{
	if (b->nbinds == QUERY_MAX_BINDS) {
		b->overflow = 1;
		return;
	}
	b->binds[b->nbinds].type = SQLITE_INTEGER;
	b->binds[b->nbinds].i = v;
	b->nbinds++;
	qb_sql(b, "?");
}

/* A LIKE pattern for a substring, with its wildcards escaped. */
static const char *
qb_like(struct qbuild *b, const char *s)
{
	char	*p, *o;

	if (b->nlikes == QUERY_MAX_VALUES ||
	    (p = malloc(strlen(s) * 2 + 3)) == NULL) {
		b->overflow = 1;
		return ("");
	}
	o = p;
	*o++ = '%';
	for (; *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	b->likes[b->nlikes++] = p;
	return (p);
}

static void
build_free(struct qbuild *b)
{
	int	 i;

	for (i = 0; i < b->nlikes; i++)
		free(b->likes[i]);
	b->nlikes = 0;
}

/* Strings of a JSON array of at most QUERY_MAX_VALUES; NULL if none. */
static json_t *
str_array(json_t *params, const char *key)
{
	json_t	*a = json_object_get(params, key), *v;
	size_t	 i;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > QUERY_MAX_VALUES)
		return (NULL);
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return (NULL);
	return (a);
}

/*
 * " AND ..." for every filter in params; OR within a field, AND
 * across fields.
 */
static void
build_where(struct qbuild *b, json_t *params)
{
	json_t		*a, *v, *nets;
	const char	*netkey;
	size_t		 f, i;
	int		 first;

	if (json_is_integer(v = json_object_get(params, "from"))) {
		qb_sql(b, " AND ts >= ");
		qb_int(b, json_integer_value(v));
	}
	if (json_is_integer(v = json_object_get(params, "to"))) {
		qb_sql(b, " AND ts <= ");
		qb_int(b, json_integer_value(v));
	}
	if (json_is_integer(v = json_object_get(params, "before_id"))) {
		qb_sql(b, " AND id < ");
		qb_int(b, json_integer_value(v));
	}
	if (json_is_integer(v = json_object_get(params, "after_id"))) {
		qb_sql(b, " AND id > ");
		qb_int(b, json_integer_value(v));
	}
	for (f = 0; f < sizeof(text_filters) / sizeof(text_filters[0]);
	    f++) {
		a = str_array(params, text_filters[f].key);
		netkey = strcmp(text_filters[f].key, "src_ip") == 0 ?
		    "src_cidr" : strcmp(text_filters[f].key, "dest_ip") == 0 ?
		    "dest_cidr" : NULL;
		nets = netkey ? str_array(params, netkey) : NULL;
		if (a == NULL && nets == NULL)
			continue;
		qb_sql(b, " AND (");
		first = 1;
		if (a != NULL) {
			qb_sql(b, text_filters[f].nocase ? "upper(" : "");
			qb_sql(b, text_filters[f].column);
			qb_sql(b, text_filters[f].nocase ? ")" : "");
			qb_sql(b, " IN (");
			json_array_foreach(a, i, v) {
				if (i > 0)
					qb_sql(b, ", ");
				qb_text(b, json_string_value(v));
			}
			qb_sql(b, ")");
			first = 0;
		}
		json_array_foreach(nets, i, v) {
			qb_sql(b, first ? "cidr_match(" : " OR cidr_match(");
			qb_sql(b, text_filters[f].column);
			qb_sql(b, ", ");
			qb_text(b, json_string_value(v));
			qb_sql(b, ")");
			first = 0;
		}
		qb_sql(b, ")");
	}
	/* not_<field>: none of these values; an event without it stays */
	for (f = 0; f < sizeof(text_filters) / sizeof(text_filters[0]);
	    f++) {
		char	 key[32];

		snprintf(key, sizeof(key), "not_%s", text_filters[f].key);
		if ((a = str_array(params, key)) == NULL)
			continue;
		qb_sql(b, " AND (");
		qb_sql(b, text_filters[f].column);
		qb_sql(b, " IS NULL OR ");
		qb_sql(b, text_filters[f].nocase ? "upper(" : "");
		qb_sql(b, text_filters[f].column);
		qb_sql(b, text_filters[f].nocase ? ")" : "");
		qb_sql(b, " NOT IN (");
		json_array_foreach(a, i, v) {
			if (i > 0)
				qb_sql(b, ", ");
			qb_text(b, json_string_value(v));
		}
		qb_sql(b, "))");
	}
	if (json_is_array(a = json_object_get(params, "http_status")) &&
	    json_array_size(a) > 0 && json_array_size(a) <=
	    QUERY_MAX_VALUES) {
		qb_sql(b, " AND (");
		json_array_foreach(a, i, v) {
			if (i > 0)
				qb_sql(b, " OR ");
			qb_sql(b, "http_status BETWEEN ");
			qb_int(b, json_integer_value(json_array_get(v, 0)));
			qb_sql(b, " AND ");
			qb_int(b, json_integer_value(json_array_get(v, 1)));
		}
		qb_sql(b, ")");
	}
	if (json_is_string(v = json_object_get(params, "fts"))) {
		qb_sql(b, " AND id IN (SELECT rowid FROM events_fts"
		    " WHERE events_fts MATCH ");
		qb_text(b, json_string_value(v));
		qb_sql(b, ")");
	}
	if ((a = str_array(params, "contains")) != NULL) {
		qb_sql(b, " AND (");
		json_array_foreach(a, i, v) {
			if (i > 0)
				qb_sql(b, " OR ");
			qb_sql(b, "message LIKE ");
			qb_text(b, qb_like(b, json_string_value(v)));
			qb_sql(b, " ESCAPE '\\' OR http_path LIKE ");
			qb_text(b, qb_like(b, json_string_value(v)));
			qb_sql(b, " ESCAPE '\\'");
		}
		qb_sql(b, ")");
	}
}

static int
build_prepare(sqlite3 *db, struct qbuild *b, sqlite3_stmt **sp)
{
	sqlite3_stmt	*s;
	int		 i, rv;

	*sp = NULL;
	if (b->overflow)
		return (query_sqlerr(SQLITE_TOOBIG, "filters too long"));
	if ((rv = sqlite3_prepare_v2(db, b->sql, -1, &s, NULL)) !=
	    SQLITE_OK)
		return (query_sqlerr(rv, sqlite3_errmsg(db)));
	for (i = 0; i < b->nbinds; i++) {
		if (b->binds[i].type == SQLITE_TEXT)
			sqlite3_bind_text(s, i + 1, b->binds[i].s, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_int64(s, i + 1, b->binds[i].i);
	}
	*sp = s;
	return (0);
}

/* queries ---------------------------------------------------------- */

static int	 q_status;		/* of the last error */
static char	 q_detail[256];

/* Record why a query failed; the status for the problem. */
static int
query_sqlerr(int rv, const char *msg)
{
	if (rv == SQLITE_INTERRUPT && q.timedout) {
		q_status = 503;
		snprintf(q_detail, sizeof(q_detail), "the query took longer "
		    "than its time budget of %lld ms (query timeout); narrow "
		    "the filters or the time range", (long long)q.budget_ms);
	} else if (rv == SQLITE_INTERRUPT) {
		q_status = 499;
		strlcpy(q_detail, "cancelled", sizeof(q_detail));
	} else if (msg != NULL && strstr(msg, "fts5") != NULL) {
		q_status = 400;
		strlcpy(q_detail, "q: not a valid search expression",
		    sizeof(q_detail));
	} else if (rv == SQLITE_TOOBIG) {
		q_status = 400;
		strlcpy(q_detail, "too many filter values", sizeof(q_detail));
	} else {
		q_status = 503;
		strlcpy(q_detail, "the database could not answer; try again",
		    sizeof(q_detail));
		log_warnx("query: %s", msg ? msg : sqlite3_errstr(rv));
	}
	return (-1);
}

/* Step a statement: SQLITE_ROW, SQLITE_DONE, or -1 (recorded). */
static int
step(sqlite3_stmt *s)
{
	int	 rv = sqlite3_step(s);

	if (rv == SQLITE_ROW || rv == SQLITE_DONE)
		return (rv);
	query_sqlerr(rv, sqlite3_errmsg(sqlite3_db_handle(s)));
	return (-1);
}

static int64_t
param_int(json_t *params, const char *key, int64_t def, int64_t min,
    int64_t max)
{
	json_t	*v = json_object_get(params, key);
	int64_t	 n;

	if (!json_is_integer(v))
		return (def);
	n = json_integer_value(v);
	return (n < min ? min : n > max ? max : n);
}

/* partitions ------------------------------------------------------- */

/* Settings of every connection: read only, defensive, interruptible. */
static int
db_setup(sqlite3 *db)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    NULL);
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_exec(db, "PRAGMA temp_store = MEMORY",
	    NULL, NULL, NULL) != SQLITE_OK)
		return (-1);
	if (sqlite3_create_function(db, "cidr_match", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL, sql_cidr_match,
	    NULL, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_progress_handler(db, QUERY_PROGRESS_OPS, query_progress,
	    NULL);
	return (0);
}

static void
part_close(struct qpart *p)
{
	if (p->db == NULL)
		return;
	sqlite3_close(p->db);
	p->db = NULL;
	q.nopen--;
}

static void
part_free(struct qpart *p)
{
	part_close(p);
	json_decref(p->cache);
	p->cache = NULL;
	free(p->file);
	p->file = NULL;
}

/*
 * A partition the store has left and is sealing is not kept open
 * between requests: the sealer switches it to a rollback journal,
 * which it cannot do while a reader has it open in WAL mode, and
 * only then records it sealed.
 */
static void
parts_let_go(void)
{
	size_t	 i;

	for (i = 0; i < q.nparts; i++)
		if (q.parts[i].db != NULL && !q.parts[i].sealed &&
		    q.parts[i].last_id != INT64_MAX)
			part_close(&q.parts[i]);
}

/*
 * The partitions as the main database lists them now.  What is known
 * of a partition (its connection, its cache) is kept while it stays
 * in the same state; a partition that was closed since is opened
 * anew, immutable.
 */
static int
parts_refresh(void)
{
	sqlite3_stmt	*s;
	struct qpart	*np = NULL, *p, *o;
	size_t		 n = 0, cap = 0, i, j = 0;
	int		 rv;

	/* min_ts, max_ts: schema 6; the store may be migrating still */
	/*
	 * last_id: NULL in a sealed partition if it is empty, NULL in
	 * the one being written; set in one the store has left and is
	 * closing (sealing).
	 */
	if ((rv = sqlite3_prepare_v2(q.db, "SELECT seq, file, first_id,"
	    " last_id, sealed_at IS NOT NULL,"
	    " min_ts, max_ts FROM partitions ORDER BY seq", -1, &s,
	    NULL)) != SQLITE_OK &&
	    (rv = sqlite3_prepare_v2(q.db, "SELECT seq, file, first_id,"
	    " last_id, sealed_at IS NOT NULL, NULL,"
	    " NULL FROM partitions ORDER BY seq", -1, &s, NULL)) != SQLITE_OK)
		return (query_sqlerr(rv, sqlite3_errmsg(q.db)));
	while ((rv = step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((np = reallocarray(np, cap, sizeof(*np))) == NULL)
				fatal("%s: reallocarray", __func__);
		}
		p = &np[n++];
		memset(p, 0, sizeof(*p));
		p->seq = sqlite3_column_int64(s, 0);
		p->first_id = sqlite3_column_int64(s, 2);
		p->sealed = sqlite3_column_int(s, 4);
		if (sqlite3_column_type(s, 3) != SQLITE_NULL)
			p->last_id = sqlite3_column_int64(s, 3);
		else
			p->last_id = p->sealed ? p->first_id - 1 : INT64_MAX;
		p->min_ts = p->max_ts = -1;
		/* recorded when it closed: no need to open it to know */
		if (p->sealed && sqlite3_column_type(s, 5) == SQLITE_INTEGER &&
		    sqlite3_column_type(s, 6) == SQLITE_INTEGER) {
			p->min_ts = sqlite3_column_int64(s, 5);
			p->max_ts = sqlite3_column_int64(s, 6);
		}
		p->version = -1;
		while (j < q.nparts && q.parts[j].seq < p->seq)
			j++;
		o = j < q.nparts ? &q.parts[j] : NULL;
		if (o != NULL && o->seq == p->seq && o->sealed == p->sealed &&
		    o->file != NULL) {
			p->file = o->file;
			p->db = o->db;
			p->used = o->used;
			p->min_ts = o->min_ts;
			p->max_ts = o->max_ts;
			p->version = o->version;
			p->cache = o->cache;
			o->file = NULL;
			o->db = NULL;
			o->cache = NULL;
		} else if ((p->file = strdup((const char *)
		    sqlite3_column_text(s, 1))) == NULL)
			fatal("%s: strdup", __func__);
	}
	sqlite3_finalize(s);
	for (i = 0; i < q.nparts; i++)
		part_free(&q.parts[i]);
	free(q.parts);
	q.parts = np;
	q.nparts = n;
	return (rv == -1 ? -1 : 0);
}

/*
 * A partition just opened: its layout (user_version), and since
 * version 3 its full-text index, a file of its own beside it
 * (store_fts.c), attached as schema "fts": the searches name events_fts
 * and find it there.
 */
static int
part_attach_fts(sqlite3 *db, struct qpart *p)
{
	sqlite3_stmt	*s;
	char		 file[PATH_MAX], name[PATH_MAX + 32];
	int		 rv;

	/* the layout of the partition, known once it is open */
	if (p->version == -1) {
		p->version = 0;
		if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
		    NULL) != SQLITE_OK)
			return (-1);
		if (sqlite3_step(s) == SQLITE_ROW)
			p->version = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	/* partition 0 shares the main file, whose user_version is not ours */
	if (p->seq == 0 || p->version < 3)
		return (0);
	if (fts_file(p->file, file, sizeof(file)) == -1)
		return (-1);
	if (p->sealed && strpbrk(file, "?#%") == NULL)
		snprintf(name, sizeof(name), "file:%s?immutable=1", file);
	else
		strlcpy(name, file, sizeof(name));
	if (sqlite3_prepare_v2(db, "ATTACH ?1 AS fts", -1, &s, NULL) !=
	    SQLITE_OK)
		return (-1);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rv = sqlite3_step(s);
	sqlite3_finalize(s);
	return (rv == SQLITE_DONE ? 0 : -1);
}

/*
 * The connection to a partition, opened when first needed; past
 * QUERY_MAX_OPEN the longest unused one is closed.  A sealed partition
 * is opened immutable (no locks, no WAL), except partition 0, the
 * events stored before partitions, which shares the main file.
 */
static sqlite3 *
part_db(struct qpart *p)
{
	struct qpart	*lru = NULL;
	sqlite3		*db = NULL;
	char		 name[PATH_MAX + 32];
	int		 flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	size_t		 i;

	p->used = ++q.uses;
	if (p->db != NULL)
		return (p->db);
	if (q.nopen >= QUERY_MAX_OPEN) {
		for (i = 0; i < q.nparts; i++)
			if (q.parts[i].db != NULL && (lru == NULL ||
			    q.parts[i].used < lru->used))
				lru = &q.parts[i];
		if (lru != NULL)
			part_close(lru);
	}
	if (p->sealed && p->seq != 0 && strpbrk(p->file, "?#%") == NULL) {
		snprintf(name, sizeof(name), "file:%s?immutable=1", p->file);
		flags |= SQLITE_OPEN_URI;
	} else
		strlcpy(name, p->file, sizeof(name));
	if (sqlite3_open_v2(name, &db, flags, NULL) != SQLITE_OK ||
	    db_setup(db) == -1 || part_attach_fts(db, p) == -1) {
		log_warnx("partition %s: %s", p->file, db ?
		    sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		q_status = 503;
		strlcpy(q_detail, "a partition of the database could not be"
		    " opened; try again", sizeof(q_detail));
		return (NULL);
	}
	p->db = db;
	q.nopen++;
	return (db);
}

/* Prepare one of query_sql on a partition. */
static sqlite3_stmt *
part_prepare(struct qpart *p, enum query_stmt n)
{
	sqlite3_stmt	*s;
	sqlite3		*db;
	int		 rv;

	if ((db = part_db(p)) == NULL)
		return (NULL);
	/* partition 0 shares the main file, whose user_version is not ours */
	if (p->version >= 2 && p->seq != 0 && rollup_alt[n] != 0)
		n = rollup_alt[n];
	if ((rv = sqlite3_prepare_v2(db, query_sql[n], -1, &s, NULL)) !=
	    SQLITE_OK) {
		query_sqlerr(rv, sqlite3_errmsg(db));
		return (NULL);
	}
	return (s);
}

/*
 * The rows of statement n on a partition, as arrays of values, with
 * up to two parameters (a text, then integers).  A sealed partition
 * never changes: there a small answer is kept under key.
 */
static json_t *
part_rows(struct qpart *p, const char *key, enum query_stmt n,
    const char *text, int nints, int64_t i1, int64_t i2)
{
	sqlite3_stmt	*s;
	json_t		*rows, *row;
	int		 rv, col, ncol, arg = 1;

	if (p->sealed && key != NULL && p->cache != NULL &&
	    (rows = json_object_get(p->cache, key)) != NULL) {
		q.cache_hits++;
		return (json_incref(rows));
	}
	if ((s = part_prepare(p, n)) == NULL)
		return (NULL);
	if (text != NULL)
		sqlite3_bind_text(s, arg++, text, -1, SQLITE_STATIC);
	if (nints > 0)
		sqlite3_bind_int64(s, arg++, i1);
	if (nints > 1)
		sqlite3_bind_int64(s, arg++, i2);
	rows = json_array();
	ncol = sqlite3_column_count(s);
	while ((rv = step(s)) == SQLITE_ROW) {
		row = json_array();
		for (col = 0; col < ncol; col++)
			json_array_append_new(row, col_value(s, col));
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(s);
	if (rv == -1) {
		json_decref(rows);
		return (NULL);
	}
	if (p->sealed && key != NULL &&
	    json_array_size(rows) <= QUERY_CACHE_ROWS) {
		if (p->cache == NULL)
			p->cache = json_object();
		json_object_set(p->cache, key, rows);
	}
	return (rows);
}

static int64_t
row_int(json_t *row, size_t i)
{
	return (json_integer_value(json_array_get(row, i)));
}

/* The bounds of ts in a sealed partition: -1 for an empty one. */
static int
part_ts(struct qpart *p)
{
	json_t	*rows, *row;

	if (p->min_ts != -1 || !p->sealed)
		return (0);
	if ((rows = part_rows(p, NULL, QS_TS_RANGE, NULL, 0, 0, 0)) == NULL)
		return (-1);
	row = json_array_get(rows, 0);
	if (json_is_integer(json_array_get(row, 0))) {
		p->min_ts = row_int(row, 0);
		p->max_ts = row_int(row, 1);
	} else
		p->min_ts = p->max_ts = INT64_MIN;	/* empty */
	json_decref(rows);
	return (0);
}

/*
 * Can the partition hold events matching the id and time bounds of
 * params?  0 no, 1 maybe, -1 error.
 */
static int
part_wanted(struct qpart *p, json_t *params)
{
	json_t	*v;

	if (p->last_id < p->first_id)
		return (0);		/* sealed empty */
	if (json_is_integer(v = json_object_get(params, "before_id")) &&
	    p->first_id >= json_integer_value(v))
		return (0);
	if (json_is_integer(v = json_object_get(params, "after_id")) &&
	    p->last_id <= json_integer_value(v))
		return (0);
	if (!p->sealed)
		return (1);
	if (part_ts(p) == -1)
		return (-1);
	if (p->min_ts == INT64_MIN)
		return (0);
	if (json_is_integer(v = json_object_get(params, "from")) &&
	    p->max_ts < json_integer_value(v))
		return (0);
	if (json_is_integer(v = json_object_get(params, "to")) &&
	    p->min_ts > json_integer_value(v))
		return (0);
	return (1);
}

/* Append [lo, hi] to *rp, which holds *np of *cap. */
static void
range_add(struct qrange **rp, size_t *np, size_t *cap, int64_t lo,
    int64_t hi)
{
	if (*np == *cap) {
		if ((*rp = reallocarray(*rp, *cap * 2, sizeof(**rp))) == NULL)
			fatal("%s: reallocarray", __func__);
		*cap *= 2;
	}
	(*rp)[*np].lo = lo;
	(*rp)[*np].hi = hi;
	(*np)++;
}

/*
 * The id ranges of partition p that a search with params reads, newest
 * first unless asc: *rp, *np, freed by the caller.  A partition being
 * written or closing (version 4, not sealed) has no index on src_ip,
 * user_id or request_id yet, but a key filter per chunk of ids
 * (keyfilter.h): with values asked of those fields, the chunks whose
 * filters hold none of one field's values are left out, and *ranged
 * says that the SQL must take the bounds of each range.  Ids past the
 * last filter, or of a chunk whose filter is missing, are read.  Any
 * other partition, or search, is one range (*ranged 0).
 */
static int
part_ranges(struct qpart *p, json_t *params, int asc, struct qrange **rp,
    size_t *np, int *ranged)
{
	static const struct {
		const char	*key;
		enum kf_field	 field;
	} kf[] = {
		{ "src_ip",	KF_SRC_IP },
		{ "user_id",	KF_USER_ID },
		{ "request_id",	KF_REQUEST_ID },
	};
	uint64_t	 h[KF_FIELDS][QUERY_MAX_VALUES];
	size_t		 nh[KF_FIELDS] = { 0 }, f, i, n = 0, cap = 1;
	struct qrange	*r, t;
	sqlite3_stmt	*s = NULL;
	int64_t		 cur, first, last;
	const void	*bits;
	json_t		*a, *v;
	int		 asked = 0, out, rv;

	*ranged = 0;
	if ((r = calloc(cap, sizeof(*r))) == NULL)
		fatal("%s: calloc", __func__);
	*rp = r;
	r[0].lo = p->first_id;
	r[0].hi = p->last_id;
	*np = 1;
	if (p->sealed || p->seq == 0 || p->version < 4)
		return (0);
	for (f = 0; f < KF_FIELDS; f++) {
		if ((a = str_array(params, kf[f].key)) == NULL)
			continue;
		/* an address or a network: the filter cannot rule out */
		if (kf[f].field == KF_SRC_IP &&
		    str_array(params, "src_cidr") != NULL)
			continue;
		json_array_foreach(a, i, v)
			/* bound as a C string (qb_text): up to a NUL */
			h[f][nh[f]++] = kf_hash(kf[f].field,
			    json_string_value(v), strlen(json_string_value(v)));
		asked = 1;
	}
	if (!asked)
		return (0);
	if (sqlite3_prepare_v2(p->db, "SELECT first_id, last_id, bits FROM"
	    " keyfilter ORDER BY first_id", -1, &s, NULL) != SQLITE_OK) {
		log_warnx("%s: key filters: %s", p->file,
		    sqlite3_errmsg(p->db));
		return (0);
	}
	cur = p->first_id;
	while ((rv = step(s)) == SQLITE_ROW) {
		first = sqlite3_column_int64(s, 0);
		last = sqlite3_column_int64(s, 1);
		bits = sqlite3_column_blob(s, 2);
		for (f = 0, out = 0; f < KF_FIELDS && !out; f++) {
			if (nh[f] == 0)
				continue;
			for (i = 0; i < nh[f]; i++)
				if (kf_maybe(bits, sqlite3_column_bytes(s, 2),
				    h[f][i]))
					break;
			out = i == nh[f];
		}
		q.kf_chunks++;
		/* bounds that make no sense are read as "maybe" */
		if (!out || first < cur || last < first || last == INT64_MAX)
			continue;
		q.kf_skipped++;
		if (first > cur)
			range_add(&r, &n, &cap, cur, first - 1);
		cur = last + 1;
	}
	sqlite3_finalize(s);
	if (rv == -1) {
		free(r);
		*rp = NULL;
		return (-1);
	}
	if (cur <= p->last_id)
		range_add(&r, &n, &cap, cur, p->last_id);
	*rp = r;
	for (i = 0; !asc && i < n / 2; i++) {
		t = r[i];
		r[i] = r[n - 1 - i];
		r[n - 1 - i] = t;
	}
	*np = n;
	*ranged = 1;
	return (0);
}

/* " AND id BETWEEN ? AND ?": the index of the first of its values. */
static int
qb_range(struct qbuild *b)
{
	int	 i = b->nbinds;

	qb_sql(b, " AND id BETWEEN ");
	qb_int(b, 0);
	qb_sql(b, " AND ");
	qb_int(b, 0);
	return (i);
}

static void
qb_range_set(struct qbuild *b, int i, const struct qrange *r)
{
	if (i + 1 < b->nbinds) {
		b->binds[i].i = r->lo;
		b->binds[i + 1].i = r->hi;
	}
}

/* Keys of an object in order. */
static int
key_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char * const *)a, *(const char * const *)b));
}

static const char **
sorted_keys(json_t *o, size_t *n)
{
	const char	**keys, *k;
	json_t		*v;
	size_t		 i = 0;

	*n = json_object_size(o);
	if ((keys = calloc(*n + 1, sizeof(*keys))) == NULL)
		fatal("%s: calloc", __func__);
	json_object_foreach(o, k, v)
		keys[i++] = k;
	qsort(keys, *n, sizeof(*keys), key_cmp);
	return (keys);
}

/* queries over the partitions --------------------------------------- */

static void
format_row(sqlite3_stmt *s, const char *fmt, int64_t n, struct obuf *ob)
{
	if (strcmp(fmt, "csv") == 0)
		row_csv(s, 0, ob);
	else if (strcmp(fmt, "ecs") == 0) {
		ob_json(ob, row_ecs(s, 0));
		ob_add(ob, "\n", 1);
	} else {
		if (n > 0 && strcmp(fmt, "json") == 0)
			ob_add(ob, ",", 1);
		ob_json(ob, row_event(s, 0));
		if (strcmp(fmt, "jsonl") == 0)
			ob_add(ob, "\n", 1);
	}
}

/*
 * The search of run_events, bounded to an id range when ranged: the
 * index of the range's first value (qb_range), or -1.
 */
static int
events_build(struct qbuild *b, json_t *params, int asc, int64_t limit,
    int ranged)
{
	int	 rb = -1;

	qb_sql(b, "SELECT " EVENT_COLUMNS " FROM events WHERE 1");
	build_where(b, params);
	if (ranged)
		rb = qb_range(b);
	qb_sql(b, asc ? " ORDER BY id ASC LIMIT " : " ORDER BY id DESC LIMIT ");
	qb_int(b, limit + 1);
	return (rb);
}

/*
 * Events matching the filters, newest (highest id) first, or oldest
 * first with "order":"asc".  Body: the events in "format": "json"
 * (objects separated by commas), "jsonl", "ecs" (NDJSON) or "csv"
 * (rows).  Meta: count, last_id, more.  An answer ends early, with
 * more set, at max_bytes: paging goes on from last_id.
 *
 * Partitions hold consecutive id ranges, so the answer is the answers
 * of the partitions in turn, skipping those outside the id and time
 * bounds, until the limit.
 */
static int
run_events(json_t *params, struct obuf *ob, json_t **meta)
{
	struct qbuild	*b, *br = NULL, *use;
	struct qpart	*p;
	struct qrange	*r;
	sqlite3_stmt	*s;
	sqlite3		*db;
	const char	*fmt, *order;
	int64_t		 limit, maxbytes, last = -1, n = 0;
	size_t		 k, i, nr, ri;
	int		 rv = SQLITE_DONE, more = 0, asc, ranged, rb = -1;

	limit = param_int(params, "limit", 200, 1, QUERY_MAX_LIMIT);
	maxbytes = param_int(params, "max_bytes", QUERY_MAX_BYTES, 1024,
	    QUERY_MAX_BYTES);
	fmt = json_string_value(json_object_get(params, "format"));
	if (fmt == NULL)
		fmt = "json";
	order = json_string_value(json_object_get(params, "order"));
	asc = order != NULL && strcmp(order, "asc") == 0;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s: calloc", __func__);
	(void)events_build(b, params, asc, limit, 0);
	for (k = 0; k < q.nparts && !more && rv != -1; k++) {
		p = &q.parts[asc ? k : q.nparts - 1 - k];
		if ((rv = part_wanted(p, params)) <= 0)
			continue;
		if ((db = part_db(p)) == NULL ||
		    part_ranges(p, params, asc, &r, &nr, &ranged) == -1) {
			rv = -1;
			break;
		}
		/* the same search bounded to each range, made once */
		if (ranged && br == NULL) {
			if ((br = calloc(1, sizeof(*br))) == NULL)
				fatal("%s: calloc", __func__);
			rb = events_build(br, params, asc, limit, 1);
		}
		use = ranged ? br : b;
		for (ri = 0; ri < nr && !more && rv != -1; ri++) {
			if (ranged)
				qb_range_set(br, rb, &r[ri]);
			if (build_prepare(db, use, &s) == -1) {
				rv = -1;
				break;
			}
			while ((rv = step(s)) == SQLITE_ROW) {
				if (n == limit || (int64_t)ob->len >=
				    maxbytes) {
					more = 1;
					break;
				}
				format_row(s, fmt, n, ob);
				last = sqlite3_column_int64(s, COL_ID);
				n++;
			}
			sqlite3_finalize(s);
		}
		free(r);
	}
	build_free(b);
	free(b);
	if (br != NULL)
		build_free(br);
	free(br);
	if (rv == -1)
		return (-1);
	/* a full page with partitions left: the next page will tell */
	if (!more && n == limit) {
		for (i = k; i < q.nparts; i++)
			if (q.parts[asc ? i : q.nparts - 1 - i].last_id >=
			    q.parts[asc ? i : q.nparts - 1 - i].first_id)
				more = 1;
	}
	q.rows += n;
	*meta = json_pack("{s:I, s:b, s:o}", "count", (json_int_t)n,
	    "more", more, "last_id", last >= 0 ? json_integer(last) :
	    json_null());
	return (0);
}

/* The partition that holds id, if any. */
static struct qpart *
part_of(int64_t id)
{
	size_t	 i;

	for (i = q.nparts; i > 0; i--)
		if (q.parts[i - 1].first_id <= id)
			return (id <= q.parts[i - 1].last_id ?
			    &q.parts[i - 1] : NULL);
	return (NULL);
}

static int
run_event(json_t *params, struct obuf *ob, json_t **meta)
{
	struct qpart	*p;
	sqlite3_stmt	*s;
	int		 rv = SQLITE_DONE, found = 0;

	p = part_of(param_int(params, "id", 0, 0, INT64_MAX));
	if (p != NULL) {
		if ((s = part_prepare(p, QS_EVENT)) == NULL)
			return (-1);
		sqlite3_bind_int64(s, 1, param_int(params, "id", 0, 0,
		    INT64_MAX));
		if ((rv = step(s)) == SQLITE_ROW) {
			ob_json(ob, row_event(s, 0));
			found = 1;
		}
		sqlite3_finalize(s);
	}
	if (rv == -1)
		return (-1);
	*meta = json_pack("{s:b}", "found", found);
	return (0);
}

/*
 * Rows of a grouping statement, keyed by their first column, merged
 * into into (copies: the rows may be kept): column mincol keeps the
 * least value, maxcol the greatest, columns lo to hi are summed.
 */
static void
merge_rows(json_t *into, json_t *rows, int mincol, int maxcol, int lo,
    int hi)
{
	const char	*key;
	json_t		*row, *m;
	size_t		 i;
	int		 c;

	json_array_foreach(rows, i, row) {
		if ((key = json_string_value(json_array_get(row, 0))) == NULL)
			continue;
		if ((m = json_object_get(into, key)) == NULL) {
			json_object_set_new(into, key, json_deep_copy(row));
			continue;
		}
		if (row_int(row, mincol) < row_int(m, mincol))
			json_array_set(m, mincol, json_array_get(row, mincol));
		if (row_int(row, maxcol) > row_int(m, maxcol))
			json_array_set(m, maxcol, json_array_get(row, maxcol));
		for (c = lo; c <= hi; c++)
			json_array_set_new(m, c, json_integer(row_int(m, c) +
			    row_int(row, c)));
	}
}

/*
 * [{name, count, first_seen, last_seen}] from a grouping statement
 * (name, count, min ts, max ts), summed over the partitions.
 */
static int
run_list(int n, const char *name, const char *app, struct obuf *ob)
{
	json_t		*all, *rows, *m, *a;
	const char	**keys;
	char		 key[64];
	size_t		 i, k, nkeys;

	all = json_object();
	snprintf(key, sizeof(key), "list%d", n);
	for (k = 0; k < q.nparts; k++) {
		/* the app's list is not kept: any app name could come */
		if ((rows = part_rows(&q.parts[k], app ? NULL : key, n, app, 0,
		    0, 0)) == NULL) {
			json_decref(all);
			return (-1);
		}
		merge_rows(all, rows, 2, 3, 1, 1);
		json_decref(rows);
	}
	keys = sorted_keys(all, &nkeys);
	a = json_array();
	for (i = 0; i < nkeys; i++) {
		m = json_object_get(all, keys[i]);
		json_array_append_new(a, json_pack("{s:s, s:I, s:o, s:o}",
		    name, keys[i], "count", (json_int_t)row_int(m, 1),
		    "first_seen", iso_time(row_int(m, 2)),
		    "last_seen", iso_time(row_int(m, 3))));
	}
	free(keys);
	json_decref(all);
	ob_json(ob, a);
	return (0);
}

/*
 * Host rows (host, min ts, max ts, count, five severity counts) of
 * every partition merged by host into hosts.
 */
static int
merge_hosts(json_t *hosts, const char *key, enum query_stmt n,
    const char *name)
{
	json_t	*rows;
	size_t	 k;

	for (k = 0; k < q.nparts; k++) {
		if ((rows = part_rows(&q.parts[k], key, n, name,
		    name ? 0 : 1, QUERY_MAX_HOSTS, 0)) == NULL)
			return (-1);
		merge_rows(hosts, rows, 1, 2, 3, 8);
		json_decref(rows);
	}
	return (0);
}

static json_t *
host_json(json_t *m)
{
	json_t	*o, *sev;
	int	 i;

	o = json_object();
	json_object_set(o, "name", json_array_get(m, 0));
	json_object_set_new(o, "first_seen", iso_time(row_int(m, 1)));
	json_object_set_new(o, "last_seen", iso_time(row_int(m, 2)));
	json_object_set_new(o, "count", json_integer(row_int(m, 3)));
	sev = json_object();
	for (i = 0; i < 5; i++)
		json_object_set_new(sev, severity_names[i],
		    json_integer(row_int(m, 4 + i)));
	json_object_set_new(o, "severity", sev);
	return (o);
}

static int
run_hosts(struct obuf *ob)
{
	json_t		*hosts, *a;
	const char	**keys;
	size_t		 i, n;

	hosts = json_object();
	if (merge_hosts(hosts, "hosts", QS_HOSTS, NULL) == -1) {
		json_decref(hosts);
		return (-1);
	}
	keys = sorted_keys(hosts, &n);
	a = json_array();
	for (i = 0; i < n && i < QUERY_MAX_HOSTS; i++)
		json_array_append_new(a, host_json(json_object_get(hosts,
		    keys[i])));
	free(keys);
	json_decref(hosts);
	ob_json(ob, a);
	return (0);
}

/* value -> count pairs, most first, then by value; at most limit. */
struct vcount {
	const char	*key;
	int64_t		 count;
};

static int
vcount_cmp(const void *a, const void *b)
{
	const struct vcount	*x = a, *y = b;

	if (x->count != y->count)
		return (x->count > y->count ? -1 : 1);
	return (strcmp(x->key, y->key));
}

static struct vcount *
top_counts(json_t *counts, size_t *n)
{
	struct vcount	*v;
	const char	*k;
	json_t		*c;
	size_t		 i = 0;

	*n = json_object_size(counts);
	if ((v = calloc(*n + 1, sizeof(*v))) == NULL)
		fatal("%s: calloc", __func__);
	json_object_foreach(counts, k, c) {
		v[i].key = k;
		v[i].count = json_integer_value(c);
		i++;
	}
	qsort(v, *n, sizeof(*v), vcount_cmp);
	return (v);
}

/* Add rows (text, count) of a statement into counts. */
static void
add_counts(json_t *counts, json_t *rows)
{
	json_t	*row;
	size_t	 i;

	json_array_foreach(rows, i, row) {
		const char *k = json_string_value(json_array_get(row, 0));

		if (k != NULL)
			json_object_set_new(counts, k, json_integer(
			    json_integer_value(json_object_get(counts, k)) +
			    row_int(row, 1)));
	}
}

static int
run_host(json_t *params, struct obuf *ob, json_t **meta)
{
	const char	*name;
	struct qpart	*p;
	sqlite3_stmt	*s;
	struct vcount	*top;
	json_t		*hosts, *host, *counts, *rows, *a;
	size_t		 k, i, n;
	int		 rv, left = QUERY_HOST_RECENT;

	name = json_string_value(json_object_get(params, "name"));
	if (name == NULL) {
		*meta = json_pack("{s:b}", "found", 0);
		return (0);
	}
	hosts = json_object();
	if (merge_hosts(hosts, NULL, QS_HOST, name) == -1) {
		json_decref(hosts);
		return (-1);
	}
	if (json_object_get(hosts, name) == NULL) {
		json_decref(hosts);
		*meta = json_pack("{s:b}", "found", 0);
		return (0);
	}
	host = host_json(json_object_get(hosts, name));
	json_decref(hosts);

	counts = json_object();
	for (k = 0; k < q.nparts; k++) {
		if ((rows = part_rows(&q.parts[k], NULL, QS_HOST_TYPES, name,
		    0, 0, 0)) == NULL)
			goto fail;
		add_counts(counts, rows);
		json_decref(rows);
	}
	top = top_counts(counts, &n);
	a = json_array();
	for (i = 0; i < n && i < 10; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}",
		    "event_type", top[i].key, "count",
		    (json_int_t)top[i].count));
	free(top);
	json_decref(counts);
	json_object_set_new(host, "top_event_types", a);

	/* the most recently received, newest partition first */
	a = json_array();
	json_object_set_new(host, "recent_events", a);
	for (k = q.nparts; k > 0 && left > 0; k--) {
		p = &q.parts[k - 1];
		if ((s = part_prepare(p, QS_HOST_RECENT)) == NULL)
			goto fail2;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, left);
		while ((rv = step(s)) == SQLITE_ROW && left > 0) {
			json_array_append_new(a, row_event(s, 0));
			left--;
		}
		sqlite3_finalize(s);
		if (rv == -1)
			goto fail2;
	}
	ob_json(ob, host);
	*meta = json_pack("{s:b}", "found", 1);
	return (0);
 fail:
	json_decref(counts);
 fail2:
	json_decref(host);
	return (-1);
}

/* Severity counts from the minute rollups in [from, to). */
static int
rollup_severity(int64_t from_min, int64_t to_min, json_t *o)
{
	json_t	*rows, *row;
	int64_t	 total = 0, sev[5] = { 0, 0, 0, 0, 0 };
	size_t	 k, i;
	int	 j;

	for (k = 0; k < q.nparts; k++) {
		if ((rows = part_rows(&q.parts[k], NULL, QS_ROLLUP_SEVERITY,
		    NULL, 2, from_min, to_min)) == NULL)
			return (-1);
		json_array_foreach(rows, i, row) {
			j = row_int(row, 0);
			if (j >= 0 && j < 5)
				sev[j] += row_int(row, 1);
			total += row_int(row, 1);
		}
		json_decref(rows);
	}
	for (j = 0; j < 5; j++)
		json_object_set_new(o, severity_names[j],
		    json_integer(sev[j]));
	json_object_set_new(o, "total", json_integer(total));
	return (0);
}

/* The newest event: (id, ts, received_at), or NULL. */
static int
newest_event(json_t **row)
{
	json_t	*rows;
	size_t	 k;

	*row = NULL;
	for (k = q.nparts; k > 0; k--) {
		if ((rows = part_rows(&q.parts[k - 1], "newest", QS_NEWEST,
		    NULL, 0, 0, 0)) == NULL)
			return (-1);
		if (json_array_size(rows) > 0) {
			*row = json_incref(json_array_get(rows, 0));
			json_decref(rows);
			return (0);
		}
		json_decref(rows);
	}
	return (0);
}

/*
 * Totals, the last 24 hours by severity (rollups, by event time), and
 * the busiest applications of the last 24 hours.
 */
static int
run_stats(struct obuf *ob)
{
	json_t		*js, *day, *apps, *rows, *row, *counts;
	struct vcount	*top;
	struct qpart	*p;
	int64_t		 now = real_us(), min = now / 60000000, total = 0;
	int64_t		 since = now - 86400LL * 1000000;
	size_t		 k, i, n;

	js = json_object();
	for (k = 0; k < q.nparts; k++) {
		if ((rows = part_rows(&q.parts[k], "count", QS_COUNT, NULL, 0,
		    0, 0)) == NULL)
			goto fail;
		total += row_int(json_array_get(rows, 0), 0);
		json_decref(rows);
	}
	json_object_set_new(js, "total", json_integer(total));
	if (newest_event(&row) == -1)
		goto fail;
	json_object_set_new(js, "last_id", row ?
	    json_integer(row_int(row, 0)) : json_null());
	json_object_set_new(js, "last_received_at", row ?
	    iso_time(row_int(row, 2)) : json_null());
	json_decref(row);
	day = json_object();
	json_object_set_new(js, "last_24h", day);
	if (rollup_severity(min - 1440 + 1, min + 1, day) == -1)
		goto fail;
	counts = json_object();
	for (k = 0; k < q.nparts; k++) {
		p = &q.parts[k];
		if (p->sealed && (part_ts(p) == -1 || p->max_ts < since))
			continue;
		if ((rows = part_rows(p, NULL, QS_TOP_APPS, NULL, 1, since,
		    0)) == NULL) {
			json_decref(counts);
			goto fail;
		}
		add_counts(counts, rows);
		json_decref(rows);
	}
	top = top_counts(counts, &n);
	apps = json_array();
	for (i = 0; i < n && i < 10; i++)
		json_array_append_new(apps, json_pack("{s:s, s:I}",
		    "app", top[i].key, "count", (json_int_t)top[i].count));
	free(top);
	json_decref(counts);
	json_object_set_new(js, "top_apps", apps);
	ob_json(ob, js);
	return (0);
 fail:
	json_decref(js);
	return (-1);
}

/*
 * Buckets of "bucket" seconds (a multiple of 60) covering [from, to],
 * aligned to the epoch, from the per-minute rollups only: the events
 * table is never scanned.
 */
static int
run_timeline(json_t *params, struct obuf *ob)
{
	int64_t		 from, to, bucket, first, nb, i, b, minute;
	int64_t		*counts;
	int		 sev;
	size_t		 k, r;
	json_t		*a, *o, *rows, *row;

	to = param_int(params, "to", real_us(), 0, INT64_MAX / 2);
	from = param_int(params, "from", to - 86400LL * 1000000, 0, to);
	bucket = param_int(params, "bucket", 3600, 60, 366LL * 86400);
	bucket -= bucket % 60;
	first = from / 1000000 / bucket * bucket;
	nb = (to / 1000000 - first) / bucket + 1;
	if (nb > QUERY_MAX_BUCKETS) {
		q_status = 400;
		strlcpy(q_detail, "too many buckets: widen the bucket",
		    sizeof(q_detail));
		return (-1);
	}
	if ((counts = calloc(nb * 5, sizeof(*counts))) == NULL)
		fatal("%s: calloc", __func__);
	for (k = 0; k < q.nparts; k++) {
		if ((rows = part_rows(&q.parts[k], NULL, QS_TIMELINE, NULL, 2,
		    first / 60, (first + nb * bucket) / 60)) == NULL) {
			free(counts);
			return (-1);
		}
		json_array_foreach(rows, r, row) {
			minute = row_int(row, 0);
			sev = row_int(row, 1);
			b = (minute * 60 - first) / bucket;
			if (b >= 0 && b < nb && sev >= 0 && sev < 5)
				counts[b * 5 + sev] += row_int(row, 2);
		}
		json_decref(rows);
	}
	a = json_array();
	for (i = 0; i < nb; i++) {
		o = json_object();
		json_object_set_new(o, "t",
		    iso_time((first + i * bucket) * 1000000));
		json_object_set_new(o, "total", json_integer(counts[i * 5] +
		    counts[i * 5 + 1] + counts[i * 5 + 2] +
		    counts[i * 5 + 3] + counts[i * 5 + 4]));
		for (sev = 0; sev < 5; sev++)
			json_object_set_new(o, severity_names[sev],
			    json_integer(counts[i * 5 + sev]));
		json_array_append_new(a, o);
	}
	free(counts);
	ob_json(ob, json_pack("{s:I, s:o}", "bucket", (json_int_t)bucket,
	    "data", a));
	return (0);
}

/*
 * Count the values of col among the newest events matching params of
 * one partition (db), within range r if not NULL, until scanned
 * reaches scan.
 */
static int
top_count(sqlite3 *db, const char *col, json_t *params,
    const struct qrange *r, int64_t scan, int64_t *scanned, int64_t *total,
    json_t *counts, json_t *values)
{
	struct qbuild	*b;
	sqlite3_stmt	*s;
	json_t		*v;
	char		*key;
	int64_t		 c;
	int		 rv, rb = 0;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s: calloc", __func__);
	qb_sql(b, "SELECT v, count(*) FROM (SELECT ");
	qb_sql(b, col);
	qb_sql(b, " AS v FROM events WHERE 1");
	build_where(b, params);
	if (r != NULL)
		rb = qb_range(b);
	qb_sql(b, " ORDER BY id DESC LIMIT ");
	qb_int(b, scan - *scanned);
	qb_sql(b, ") GROUP BY v");
	if (r != NULL)
		qb_range_set(b, rb, r);
	if (build_prepare(db, b, &s) == -1) {
		build_free(b);
		free(b);
		return (-1);
	}
	while ((rv = step(s)) == SQLITE_ROW) {
		c = sqlite3_column_int64(s, 1);
		*scanned += c;
		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			continue;
		*total += c;
		v = col_value(s, 0);
		if ((key = json_dumps(v, JSON_ENCODE_ANY)) == NULL)
			fatalx("%s: json_dumps", __func__);
		json_object_set_new(counts, key, json_integer(
		    json_integer_value(json_object_get(counts, key)) + c));
		json_object_set_new(values, key, v);
		free(key);
	}
	sqlite3_finalize(s);
	build_free(b);
	free(b);
	return (rv);
}

/*
 * The most frequent values of one field among the newest "scan"
 * events that match the filters (default QUERY_TOP_SCAN): a bound on
 * the work, stated in the answer.  The partitions are read newest
 * first, each with what is left of the bound.
 */
static int
run_top(json_t *params, struct obuf *ob)
{
	struct qpart	*p;
	struct qrange	*r;
	struct vcount	*top;
	sqlite3		*db;
	const char	*field, *col = NULL;
	int64_t		 scan, limit, total = 0, scanned = 0;
	size_t		 i, k, n, nr, ri;
	json_t		*a, *counts, *values;
	int		 rv = SQLITE_DONE, ranged;

	field = json_string_value(json_object_get(params, "field"));
	for (i = 0; field != NULL &&
	    i < sizeof(top_fields) / sizeof(top_fields[0]); i++)
		if (strcmp(field, top_fields[i]) == 0)
			col = top_fields[i];
	if (col == NULL) {
		q_status = 400;
		strlcpy(q_detail, "field: not a field /top can count",
		    sizeof(q_detail));
		return (-1);
	}
	scan = param_int(params, "scan", QUERY_TOP_SCAN, 1,
	    QUERY_TOP_SCAN_MAX);
	limit = param_int(params, "limit", 10, 1, 1000);
	counts = json_object();		/* JSON text of a value -> count */
	values = json_object();		/* JSON text -> the value */
	for (k = q.nparts; k > 0 && scanned < scan && rv != -1; k--) {
		p = &q.parts[k - 1];
		if ((rv = part_wanted(p, params)) <= 0)
			continue;
		if ((db = part_db(p)) == NULL ||
		    part_ranges(p, params, 0, &r, &nr, &ranged) == -1) {
			rv = -1;
			break;
		}
		for (ri = 0; ri < nr && scanned < scan && rv != -1; ri++)
			rv = top_count(db, col, params, ranged ? &r[ri] : NULL,
			    scan, &scanned, &total, counts, values);
		free(r);
	}
	if (rv == -1) {
		json_decref(counts);
		json_decref(values);
		return (-1);
	}
	top = top_counts(counts, &n);
	a = json_array();
	for (i = 0; i < n && (int64_t)i < limit; i++)
		json_array_append_new(a, json_pack("{s:O, s:I}",
		    "value", json_object_get(values, top[i].key),
		    "count", (json_int_t)top[i].count));
	free(top);
	json_decref(counts);
	json_decref(values);
	ob_json(ob, json_pack("{s:s, s:I, s:I, s:o}", "field", col,
	    "scan_limit", (json_int_t)scan, "counted", (json_int_t)total,
	    "data", a));
	return (0);
}

static int
run_health(struct obuf *ob)
{
	sqlite3_stmt	*s;
	json_t		*js, *row;
	int		 rv, version = 0;

	if ((rv = sqlite3_prepare_v2(q.db, "SELECT max(version) FROM"
	    " schema_version", -1, &s, NULL)) != SQLITE_OK)
		return (query_sqlerr(rv, sqlite3_errmsg(q.db)));
	if ((rv = step(s)) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rv == -1 || newest_event(&row) == -1)
		return (-1);
	js = json_pack("{s:i, s:I}", "schema", version, "partitions",
	    (json_int_t)q.nparts);
	if (row != NULL) {
		json_object_set_new(js, "last_id",
		    json_integer(row_int(row, 0)));
		json_object_set_new(js, "last_received_us",
		    json_integer(row_int(row, 2)));
	}
	json_decref(row);
	ob_json(ob, js);
	return (0);
}

/* alerts ------------------------------------------------------------- */

/*
 * Reads of alerts with their notes, history and matched events, of
 * alert statistics, silences and the allow-list.  The store writes
 * them (store_triage.c), which also writes the alert's JSON form used
 * here.  These statements are prepared per request, not with the
 * table above: a database without the alert tables still answers
 * every event query.
 */
enum alert_stmt {
	AS_ALERT,
	AS_NOTES,
	AS_HISTORY,
	AS_BY_STATUS,
	AS_BY_SEVERITY,
	AS_BY_RULE,
	AS_OPEN,
	AS_OVER_TIME,
	AS_SILENCES,
	AS_ALLOWLIST,
	AS_MAX
};

static const char *alert_sql[AS_MAX] = {
	[AS_ALERT] = "SELECT " ALERT_COLUMNS " FROM alerts WHERE id = ?1",
	/* the newest QUERY_ALERT_ITEMS, oldest first */
	[AS_NOTES] =
	    "SELECT id, at, who, note FROM (SELECT * FROM alert_notes"
	    " WHERE alert_id = ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id",
	[AS_HISTORY] =
	    "SELECT id, at, who, action, from_status, to_status, note FROM"
	    " (SELECT * FROM alert_history WHERE alert_id = ?1"
	    " ORDER BY id DESC LIMIT ?2) ORDER BY id",
	[AS_BY_STATUS] =
	    "SELECT status, count(*) FROM alerts WHERE last_seen >= ?1"
	    " GROUP BY status",
	[AS_BY_SEVERITY] =
	    "SELECT severity, count(*) FROM alerts WHERE last_seen >= ?1"
	    " GROUP BY severity",
	[AS_BY_RULE] =
	    "SELECT rule_id, max(title), count(*) FROM alerts"
	    " WHERE last_seen >= ?1 GROUP BY rule_id ORDER BY 3 DESC, 1"
	    " LIMIT ?2",
	[AS_OPEN] =
	    "SELECT count(*) FROM alerts WHERE status IN ('new',"
	    " 'acknowledged', 'in_progress')",
	[AS_OVER_TIME] =
	    "SELECT (created_at - ?1) / ?2, severity, count(*) FROM alerts"
	    " WHERE created_at >= ?1 AND created_at < ?1 + ?2 * ?3"
	    " GROUP BY 1, 2",
	[AS_SILENCES] =
	    "SELECT " SILENCE_COLUMNS " FROM silences"
	    " WHERE ?2 = 0 OR expires_at > ?1"
	    " ORDER BY expires_at DESC, id DESC LIMIT ?3",
	[AS_ALLOWLIST] =
	    "SELECT " ALLOW_COLUMNS " FROM allowlist ORDER BY id LIMIT ?1",
};

/* Filters of GET /alerts: the JSON key and the column. */
static const char *alert_filters[] = {
	"status", "severity", "rule_id", "assignee"
};

static const char *alert_statuses[] = {
	"new", "acknowledged", "in_progress", "resolved", "false_positive"
};

static sqlite3_stmt *
alert_prepare(enum alert_stmt n)
{
	sqlite3_stmt	*s;
	int		 rv;

	if ((rv = sqlite3_prepare_v2(q.db, alert_sql[n], -1, &s, NULL)) !=
	    SQLITE_OK) {
		query_sqlerr(rv, sqlite3_errmsg(q.db));
		return (NULL);
	}
	return (s);
}

/*
 * Alerts matching the filters, most recently updated first; the page
 * goes on below (before_updated, before_id).  Body: alert objects
 * separated by commas.  Meta: count, more, last_id, last_updated.
 */
static int
run_alerts(json_t *params, struct obuf *ob, json_t **meta)
{
	struct qbuild	*b;
	sqlite3_stmt	*s = NULL;
	json_t		*a, *v;
	const char	*like, *order;
	int64_t		 limit, n = 0, last = -1, lastup = 0;
	size_t		 f, i;
	int		 rv, more = 0, none;

	limit = param_int(params, "limit", 50, 1, QUERY_MAX_LIMIT);
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s: calloc", __func__);
	qb_sql(b, "SELECT " ALERT_COLUMNS " FROM alerts WHERE 1");
	for (f = 0; f < sizeof(alert_filters) / sizeof(alert_filters[0]);
	    f++) {
		a = str_array(params, alert_filters[f]);
		none = strcmp(alert_filters[f], "assignee") == 0 &&
		    json_is_true(json_object_get(params, "unassigned"));
		if (a == NULL && !none)
			continue;
		qb_sql(b, " AND (");
		if (a != NULL) {
			qb_sql(b, alert_filters[f]);
			qb_sql(b, " IN (");
			json_array_foreach(a, i, v) {
				if (i > 0)
					qb_sql(b, ", ");
				qb_text(b, json_string_value(v));
			}
			qb_sql(b, ")");
		}
		if (none)
			qb_sql(b, a != NULL ? " OR assignee IS NULL" :
			    "assignee IS NULL");
		qb_sql(b, ")");
	}
	if (json_is_integer(v = json_object_get(params, "from"))) {
		qb_sql(b, " AND last_seen >= ");
		qb_int(b, json_integer_value(v));
	}
	if (json_is_integer(v = json_object_get(params, "to"))) {
		qb_sql(b, " AND last_seen <= ");
		qb_int(b, json_integer_value(v));
	}
	if (json_is_string(v = json_object_get(params, "q"))) {
		like = qb_like(b, json_string_value(v));
		qb_sql(b, " AND (title LIKE ");
		qb_text(b, like);
		qb_sql(b, " ESCAPE '\\' OR group_key LIKE ");
		qb_text(b, like);
		qb_sql(b, " ESCAPE '\\')");
	}
	if (json_is_integer(v = json_object_get(params, "before_updated")) &&
	    json_is_integer(json_object_get(params, "before_id"))) {
		qb_sql(b, " AND (updated_at < ");
		qb_int(b, json_integer_value(v));
		qb_sql(b, " OR (updated_at = ");
		qb_int(b, json_integer_value(v));
		qb_sql(b, " AND id < ");
		qb_int(b, json_integer_value(json_object_get(params,
		    "before_id")));
		qb_sql(b, "))");
	}
	/* a live stream catching up: changes from or after a time */
	if (json_is_integer(v = json_object_get(params, "from_updated"))) {
		qb_sql(b, " AND updated_at >= ");
		qb_int(b, json_integer_value(v));
	}
	if (json_is_integer(v = json_object_get(params, "after_updated"))) {
		qb_sql(b, " AND updated_at > ");
		qb_int(b, json_integer_value(v));
	}
	order = json_string_value(json_object_get(params, "order"));
	qb_sql(b, order != NULL && strcmp(order, "asc") == 0 ?
	    " ORDER BY updated_at ASC, id ASC LIMIT " :
	    " ORDER BY updated_at DESC, id DESC LIMIT ");
	qb_int(b, limit + 1);
	if (build_prepare(q.db, b, &s) == -1) {
		build_free(b);
		free(b);
		return (-1);
	}
	while ((rv = step(s)) == SQLITE_ROW) {
		if (n == limit) {
			more = 1;
			break;
		}
		if (n > 0)
			ob_add(ob, ",", 1);
		ob_json(ob, triage_alert_json(s, 0));
		last = sqlite3_column_int64(s, 0);
		lastup = sqlite3_column_int64(s, 17);
		n++;
	}
	sqlite3_finalize(s);
	build_free(b);
	free(b);
	if (rv == -1)
		return (-1);
	q.rows += n;
	*meta = json_pack("{s:I, s:b, s:o, s:I}", "count", (json_int_t)n,
	    "more", more, "last_id", last >= 0 ? json_integer(last) :
	    json_null(), "last_updated", (json_int_t)lastup);
	return (0);
}

/* Rows of a notes or history statement bound to one alert. */
static json_t *
alert_items(enum alert_stmt n, int64_t id, int *rv)
{
	sqlite3_stmt	*s;
	json_t		*a, *o;

	if ((s = alert_prepare(n)) == NULL) {
		*rv = -1;
		return (NULL);
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, QUERY_ALERT_ITEMS);
	a = json_array();
	while ((*rv = step(s)) == SQLITE_ROW) {
		o = json_pack("{s:I, s:o, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "at", iso_time(sqlite3_column_int64(s, 1)),
		    "who", col_text(s, 2));
		if (n == AS_NOTES)
			json_object_set_new(o, "note", col_text(s, 3));
		else {
			json_object_set_new(o, "action", col_text(s, 3));
			json_object_set_new(o, "from_status", col_text(s, 4));
			json_object_set_new(o, "to_status", col_text(s, 5));
			json_object_set_new(o, "note", col_text(s, 6));
		}
		json_array_append_new(a, o);
	}
	sqlite3_finalize(s);
	return (a);
}

/*
 * The matched events of an alert that are still stored, in id order:
 * from each partition whose range holds one of the ids.
 */
static int
alert_events(const char *idtext, json_t *ids, json_t *out)
{
	struct qpart	*p;
	sqlite3_stmt	*s;
	sqlite3		*db;
	json_t		*v;
	size_t		 k, i;
	int		 rv, wanted;

	for (k = 0; k < q.nparts; k++) {
		p = &q.parts[k];
		wanted = 0;
		json_array_foreach(ids, i, v)
			if (json_integer_value(v) >= p->first_id &&
			    json_integer_value(v) <= p->last_id)
				wanted = 1;
		if (!wanted)
			continue;
		if ((db = part_db(p)) == NULL)
			return (-1);
		if ((rv = sqlite3_prepare_v2(db, "SELECT " EVENT_COLUMNS
		    " FROM events WHERE id IN (SELECT value FROM"
		    " json_each(?1)) ORDER BY id", -1, &s, NULL)) !=
		    SQLITE_OK)
			return (query_sqlerr(rv, sqlite3_errmsg(db)));
		sqlite3_bind_text(s, 1, idtext, -1, SQLITE_STATIC);
		while ((rv = step(s)) == SQLITE_ROW)
			json_array_append_new(out, row_event(s, 0));
		sqlite3_finalize(s);
		if (rv == -1)
			return (-1);
	}
	return (0);
}

/*
 * One alert; unless "bare", with its matched events (those still
 * stored), its notes and its history.  Meta: found.
 */
static int
run_alert(json_t *params, struct obuf *ob, json_t **meta)
{
	sqlite3_stmt	*s;
	json_t		*js = NULL, *a;
	char		*ids;
	int64_t		 id;
	int		 rv;

	id = param_int(params, "id", 0, 0, INT64_MAX);
	if ((s = alert_prepare(AS_ALERT)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	if ((rv = step(s)) == SQLITE_ROW)
		js = triage_alert_json(s, 0);
	sqlite3_finalize(s);
	if (rv == -1)
		return (-1);
	if (js == NULL) {
		*meta = json_pack("{s:b}", "found", 0);
		return (0);
	}
	if (!json_is_true(json_object_get(params, "bare"))) {
		if ((ids = json_dumps(json_object_get(js, "event_ids"),
		    JSON_COMPACT)) == NULL)
			fatalx("%s: json_dumps", __func__);
		a = json_array();
		json_object_set_new(js, "events", a);
		rv = alert_events(ids, json_object_get(js, "event_ids"), a);
		free(ids);
		if (rv == -1)
			goto fail;
		a = alert_items(AS_NOTES, id, &rv);
		json_object_set_new(js, "notes", a ? a : json_array());
		if (rv == -1)
			goto fail;
		a = alert_items(AS_HISTORY, id, &rv);
		json_object_set_new(js, "history", a ? a : json_array());
		if (rv == -1)
			goto fail;
	}
	ob_json(ob, js);
	*meta = json_pack("{s:b}", "found", 1);
	return (0);
 fail:
	json_decref(js);
	return (-1);
}

/* name -> count of a two-column grouping into o, names preset to 0. */
static int
alert_counts(enum alert_stmt n, int64_t since, json_t *o)
{
	sqlite3_stmt	*s;
	int		 rv;

	if ((s = alert_prepare(n)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, since);
	while ((rv = step(s)) == SQLITE_ROW)
		if (sqlite3_column_type(s, 0) == SQLITE_TEXT)
			json_object_set_new(o, (const char *)
			    sqlite3_column_text(s, 0),
			    json_integer(sqlite3_column_int64(s, 1)));
	sqlite3_finalize(s);
	return (rv == -1 ? -1 : 0);
}

/*
 * Alerts seen in the window (last_seen >= since) by status, severity
 * and rule; alerts raised (created_at) per bucket over the window,
 * with the severity breakdown; and every open alert, whenever seen.
 */
static int
run_alert_stats(json_t *params, struct obuf *ob)
{
	sqlite3_stmt	*s;
	json_t		*js, *st, *sev, *rules, *a, *o;
	int64_t		 since, bucket, nb, i, k, *counts;
	int		 rv, j;

	bucket = param_int(params, "bucket", 3600000000LL, 60000000LL,
	    86400000000LL);
	nb = param_int(params, "buckets", 24, 1, 366);
	since = param_int(params, "since", real_us() - bucket * nb, 0,
	    INT64_MAX / 2);
	st = json_object();
	sev = json_object();
	for (j = 0; j < 5; j++) {
		json_object_set_new(st, alert_statuses[j], json_integer(0));
		json_object_set_new(sev, severity_names[j], json_integer(0));
	}
	js = json_pack("{s:o, s:o, s:o, s:I}", "from", iso_time(since),
	    "to", iso_time(since + bucket * nb), "bucket",
	    bucket == 86400000000LL ? json_string("day") :
	    json_string("hour"), "bucket_seconds",
	    (json_int_t)(bucket / 1000000));
	json_object_set_new(js, "by_status", st);
	json_object_set_new(js, "by_severity", sev);
	if (alert_counts(AS_BY_STATUS, since, st) == -1 ||
	    alert_counts(AS_BY_SEVERITY, since, sev) == -1)
		goto fail;
	if ((s = alert_prepare(AS_BY_RULE)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int(s, 2, QUERY_ALERT_RULES);
	rules = json_array();
	json_object_set_new(js, "by_rule", rules);
	while ((rv = step(s)) == SQLITE_ROW)
		json_array_append_new(rules, json_pack("{s:o, s:o, s:I}",
		    "rule_id", col_text(s, 0), "title", col_text(s, 1),
		    "count", (json_int_t)sqlite3_column_int64(s, 2)));
	sqlite3_finalize(s);
	if (rv == -1)
		goto fail;
	if ((s = alert_prepare(AS_OPEN)) == NULL)
		goto fail;
	if ((rv = step(s)) == SQLITE_ROW)
		json_object_set_new(js, "open",
		    json_integer(sqlite3_column_int64(s, 0)));
	sqlite3_finalize(s);
	if (rv == -1)
		goto fail;

	if ((s = alert_prepare(AS_OVER_TIME)) == NULL)
		goto fail;
	if ((counts = calloc(nb * 5, sizeof(*counts))) == NULL)
		fatal("%s: calloc", __func__);
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, bucket);
	sqlite3_bind_int64(s, 3, nb);
	while ((rv = step(s)) == SQLITE_ROW) {
		i = sqlite3_column_int64(s, 0);
		for (j = 0; j < 5; j++)
			if (sqlite3_column_type(s, 1) == SQLITE_TEXT &&
			    strcmp((const char *)sqlite3_column_text(s, 1),
			    severity_names[j]) == 0)
				break;
		if (i >= 0 && i < nb && j < 5)
			counts[i * 5 + j] += sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (rv == -1) {
		free(counts);
		goto fail;
	}
	a = json_array();
	json_object_set_new(js, "over_time", a);
	for (i = 0; i < nb; i++) {
		o = json_pack("{s:o}", "t", iso_time(since + i * bucket));
		for (k = 0, j = 0; j < 5; j++) {
			k += counts[i * 5 + j];
			json_object_set_new(o, severity_names[j],
			    json_integer(counts[i * 5 + j]));
		}
		json_object_set_new(o, "total", json_integer(k));
		json_array_append_new(a, o);
	}
	free(counts);
	ob_json(ob, js);
	return (0);
 fail:
	json_decref(js);
	return (-1);
}

/* Silences (only those not expired with "active") or the allow-list. */
static int
run_alert_list(int kind, json_t *params, struct obuf *ob)
{
	sqlite3_stmt	*s;
	json_t		*a;
	int64_t		 now = real_us();
	int		 rv;

	if ((s = alert_prepare(kind == QK_SILENCES ? AS_SILENCES :
	    AS_ALLOWLIST)) == NULL)
		return (-1);
	if (kind == QK_SILENCES) {
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int(s, 2, json_is_true(json_object_get(params,
		    "active")));
		sqlite3_bind_int(s, 3, TRIAGE_MAX_ENTRIES);
	} else
		sqlite3_bind_int(s, 1, TRIAGE_MAX_ENTRIES);
	a = json_array();
	while ((rv = step(s)) == SQLITE_ROW)
		json_array_append_new(a, kind == QK_SILENCES ?
		    triage_silence_json(s, now) : triage_allow_json(s));
	sqlite3_finalize(s);
	if (rv == -1) {
		json_decref(a);
		return (-1);
	}
	ob_json(ob, a);
	return (0);
}

/* end of alerts ------------------------------------------------------ */

/* the database ----------------------------------------------------- */

static void
query_close(void)
{
	size_t	 i;

	for (i = 0; i < q.nparts; i++)
		part_free(&q.parts[i]);
	free(q.parts);
	q.parts = NULL;
	q.nparts = 0;
	if (q.db != NULL)
		sqlite3_close(q.db);
	q.db = NULL;
}

/*
 * The store creates the database: until it has, every request is
 * answered 503 and the next one tries again.  Each query starts from
 * the list of partitions as it is then.
 */
static int
query_open(void)
{
	if (q.db == NULL) {
		if (sqlite3_open_v2(q.dbfile, &q.db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
		    db_setup(q.db) == -1)
			goto fail;
		log_debug("database %s open", q.dbfile);
	}
	if (parts_refresh() == -1)
		goto fail;
	return (0);
 fail:
	log_debug("database %s not ready: %s", q.dbfile,
	    q.db ? sqlite3_errmsg(q.db) : "?");
	query_close();
	q_status = 503;
	strlcpy(q_detail, "the database is not ready yet",
	    sizeof(q_detail));
	return (-1);
}

/* channel ---------------------------------------------------------- */

/* Take one message from the web process: queue a query, or cancel. */
static int
query_accept(struct imsg *imsg)
{
	struct query_req	 req;
	struct qjob		*j;
	const void		*tail;
	size_t			 taillen;
	uint32_t		 id;

	switch (imsg->hdr.type) {
	case IMSG_QUERY:
		if (imsg_get_head(imsg, &req, sizeof(req), &tail,
		    &taillen) == -1 || taillen == 0 ||
		    memchr(tail, '\0', taillen) !=
		    (const char *)tail + taillen - 1)
			return (-1);
		if ((j = calloc(1, sizeof(*j))) == NULL ||
		    (j->params = strdup(tail)) == NULL)
			fatal("%s: alloc", __func__);
		j->reqid = req.reqid;
		j->kind = req.kind;
		j->budget_ms = req.budget_ms;
		TAILQ_INSERT_TAIL(&q.jobs, j, entry);
		if (!q.running)
			event_active(&q.run_ev, EV_TIMEOUT, 1);
		break;
	case IMSG_QUERY_CANCEL:
		if (imsg_get_data(imsg, &id, sizeof(id)) == -1)
			return (-1);
		if (q.running && q.cur == id) {
			q.cancel = 1;
			break;
		}
		TAILQ_FOREACH(j, &q.jobs, entry) {
			if (j->reqid == id) {
				TAILQ_REMOVE(&q.jobs, j, entry);
				free(j->params);
				free(j);
				q.cancelled++;
				break;
			}
		}
		break;
	default:
		return (-1);
	}
	return (0);
}

static int
query_dispatch_web(struct imsgev *iev, struct imsg *imsg)
{
	return (query_accept(imsg));
}

/*
 * While a query runs the event loop does not: read what the web
 * process sent meanwhile, so that a cancel is seen.  Whole messages
 * are taken now; a partial one waits in the buffer for the loop.
 */
static void
query_poll(void)
{
	struct pollfd	 pfd;
	struct imsg	 imsg;
	ssize_t		 n;
	int		 got;

	pfd.fd = q.web->ibuf.fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLIN))
		return;
	n = imsgbuf_read(&q.web->ibuf);
	if (n == 0 || (n == -1 && errno != EAGAIN))
		return;		/* the loop will see it */
	for (;;) {
		if ((got = imsg_get(&q.web->ibuf, &imsg)) == -1)
			fatal("%s: bad message from web", __func__);
		if (got == 0)
			break;
		if (query_accept(&imsg) == -1)
			fatalx("%s: got invalid imsg %u from web", __func__,
			    imsg.hdr.type);
		imsg_free(&imsg);
	}
}

static int
query_progress(void *arg)
{
	int64_t	 now;

	if (q.cancel)
		return (1);
	now = mono_us();
	if (now >= q.deadline) {
		q.timedout = 1;
		return (1);
	}
	if (now >= q.next_poll) {
		q.next_poll = now + QUERY_POLL_US;
		query_poll();
	}
	return (q.cancel);
}

/* Body in chunks, then the meta data with QUERY_LAST. */
static void
query_send(uint32_t reqid, const struct obuf *ob, json_t *meta)
{
	struct query_chunk	 qc;
	struct iovec		 iov[2];
	size_t			 off, n;
	char			*m;

	memset(&qc, 0, sizeof(qc));
	qc.reqid = reqid;
	for (off = 0; off < ob->len; off += n) {
		n = ob->len - off;
		if (n > QUERY_CHUNK)
			n = QUERY_CHUNK;
		iov[0].iov_base = &qc;
		iov[0].iov_len = sizeof(qc);
		iov[1].iov_base = ob->buf + off;
		iov[1].iov_len = n;
		if (imsgev_composev(q.web, IMSG_QUERY_DATA, 0, -1, iov, 2) ==
		    -1)
			fatal("%s: compose", __func__);
	}
	if ((m = json_dumps(meta ? meta : json_object(), JSON_COMPACT)) ==
	    NULL)
		fatalx("%s: json_dumps", __func__);
	qc.flags = QUERY_LAST;
	iov[0].iov_base = &qc;
	iov[0].iov_len = sizeof(qc);
	iov[1].iov_base = m;
	iov[1].iov_len = strlen(m) + 1;
	if (imsgev_composev(q.web, IMSG_QUERY_DATA, 0, -1, iov, 2) == -1)
		fatal("%s: compose", __func__);
	free(m);
	q.bytes += ob->len;
}

static void
query_fail(uint32_t reqid, int status, const char *detail)
{
	struct query_chunk	 qc;
	struct iovec		 iov[2];
	json_t			*js;
	char			*m;

	js = json_pack("{s:i, s:s}", "status", status, "detail", detail);
	if (js == NULL || (m = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	json_decref(js);
	memset(&qc, 0, sizeof(qc));
	qc.reqid = reqid;
	qc.flags = QUERY_ERROR | QUERY_LAST;
	iov[0].iov_base = &qc;
	iov[0].iov_len = sizeof(qc);
	iov[1].iov_base = m;
	iov[1].iov_len = strlen(m) + 1;
	if (imsgev_composev(q.web, IMSG_QUERY_DATA, 0, -1, iov, 2) == -1)
		fatal("%s: compose", __func__);
	free(m);
	q.errors++;
}

/* Run the oldest queued query; the loop runs between two queries. */
static void
query_run(int fd, short events, void *arg)
{
	struct qjob	*j;
	struct obuf	 ob;
	json_t		*params, *meta = NULL;
	int64_t		 t0, ms;
	int		 rv;

	if ((j = TAILQ_FIRST(&q.jobs)) == NULL)
		return;
	TAILQ_REMOVE(&q.jobs, j, entry);
	memset(&ob, 0, sizeof(ob));
	q.queries++;
	q.cur = j->reqid;
	q.running = 1;
	q.cancel = q.timedout = 0;
	t0 = mono_us();
	q.budget_ms = j->budget_ms > 0 ? (j->budget_ms > QUERY_BUDGET_MAX ?
	    QUERY_BUDGET_MAX : j->budget_ms) : QUERY_BUDGET_MS;
	q.deadline = t0 + q.budget_ms * 1000;
	q.next_poll = t0 + QUERY_POLL_US;
	q_status = 500;
	strlcpy(q_detail, "unknown query", sizeof(q_detail));

	params = json_loads(j->params, 0, NULL);
	if (!json_is_object(params)) {
		q_status = 400;
		strlcpy(q_detail, "bad parameters", sizeof(q_detail));
		rv = -1;
	} else if ((rv = query_open()) == -1)
		;
	else {
		switch (j->kind) {
		case QK_EVENTS:
			rv = run_events(params, &ob, &meta);
			break;
		case QK_EVENT:
			rv = run_event(params, &ob, &meta);
			break;
		case QK_APPS:
			rv = run_list(QS_APPS, "app", NULL, &ob);
			break;
		case QK_EVENT_TYPES:
			if (json_is_string(json_object_get(params, "app")))
				rv = run_list(QS_TYPES_APP, "event_type",
				    json_string_value(json_object_get(params,
				    "app")), &ob);
			else
				rv = run_list(QS_TYPES, "event_type", NULL,
				    &ob);
			break;
		case QK_HOSTS:
			rv = run_hosts(&ob);
			break;
		case QK_HOST:
			rv = run_host(params, &ob, &meta);
			break;
		case QK_STATS:
			rv = run_stats(&ob);
			break;
		case QK_TIMELINE:
			rv = run_timeline(params, &ob);
			break;
		case QK_TOP:
			rv = run_top(params, &ob);
			break;
		case QK_HEALTH:
			rv = run_health(&ob);
			break;
		/* alerts */
		case QK_ALERTS:
			rv = run_alerts(params, &ob, &meta);
			break;
		case QK_ALERT:
			rv = run_alert(params, &ob, &meta);
			break;
		case QK_ALERT_STATS:
			rv = run_alert_stats(params, &ob);
			break;
		case QK_SILENCES:
		case QK_ALLOWLIST:
			rv = run_alert_list(j->kind, params, &ob);
			break;
		default:
			rv = -1;
			break;
		}
	}
	parts_let_go();
	json_decref(params);
	if (rv == -1 && q.cancel) {
		q.cancelled++;
		query_fail(j->reqid, 499, "cancelled");
	} else if (rv == -1) {
		if (q.timedout)
			q.timeouts++;
		query_fail(j->reqid, q_status, q_detail);
	} else
		query_send(j->reqid, &ob, meta);
	json_decref(meta);
	free(ob.buf);
	ms = (mono_us() - t0) / 1000;
	if (ms > q.max_ms)
		q.max_ms = ms;
	log_trace("query %u kind %u: %lld ms", j->reqid, j->kind,
	    (long long)ms);
	free(j->params);
	free(j);
	q.running = 0;
	if (!TAILQ_EMPTY(&q.jobs))
		event_active(&q.run_ev, EV_TIMEOUT, 1);
}

static void
query_stop(void *arg)
{
	query_close();
}

/*
 * Every second without work: learn which partitions the store left,
 * and let go of them, so that the sealer can switch them from WAL
 * without waiting for this process's next request.
 */
static void
query_idle(int fd, short events, void *arg)
{
	struct timeval	 tv = { 1, 0 };

	if (TAILQ_EMPTY(&q.jobs) && q.db != NULL && parts_refresh() == 0)
		parts_let_go();
	evtimer_add(&q.idle_ev, &tv);
}

__dead void
query(struct proc_ctx *ctx)
{
	const char	*db;
	char		*copy;

	TAILQ_INIT(&q.jobs);
	child_setup(ctx, &q.c);
	q.c.counters = query_counters;
	q.c.stop = query_stop;
	db = child_conf_str(&q.c, "database", SIEMD_DATABASE);
	if ((copy = strdup(db)) == NULL ||
	    (q.dbfile = strdup(basename(copy))) == NULL)
		fatal("%s: strdup", __func__);
	free(copy);
	if ((q.web = proc_peer(ctx, PROC_WEB, 0)) == NULL)
		fatalx("no channel to the web process");
	/* SQLite keeps its temporary data in memory: the jail has no /tmp */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/*
	 * Searches yield the CPU to ingestion: on a busy machine the
	 * scheduler gives the store and the parsers their share first,
	 * so a heavy query costs latency, not events.
	 */
	child_nice(QUERY_NICE);
	child_seal(&q.c, child_dbdir(&q.c));
	q.web->dispatch = query_dispatch_web;
	event_assign(&q.run_ev, ctx->evbase, -1, 0, query_run, NULL);
	evtimer_assign(&q.idle_ev, ctx->evbase, query_idle, NULL);
	query_idle(-1, 0, NULL);
	child_run(&q.c);
}
