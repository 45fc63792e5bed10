/*
 * The store process: the only writer of the database.  Events arrive
 * in batches from the parsers and are inserted inside one transaction
 * that is committed by count or by time; the offsets of tailed files
 * advance in that same transaction, so after a crash a file resumes
 * exactly after the last stored line.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "child.h"
#include "event_wire.h"
#include "store_triage.h"
#include "alert_hold.h"
#include "store_replay.h"
#include "store_ckpt.h"
#include "store_fts.h"
#include "store_seal.h"
#include "json_chunks.h"
#include "keyfilter.h"

#define STORE_BATCH_EVENTS	10000	/* commit at this many events */
#define STORE_BATCH_USEC	200000	/* or after this long */
#define STORE_BATCH_BUSY	75	/* % of a batch's time spent storing */
#define STORE_BATCH_MAX_EVENTS	30000	/* when busier: batches up to this */
#define STORE_BATCH_MAX_USEC	600000	/* and this long */
#define STORE_RETENTION_EVERY	1	/* seconds between checks */
#define STORE_DROPS_PER_CHECK	64	/* partitions removed per check */
#define STORE_CACHE_KIB		32768	/* page cache of the partition */
#define STORE_MAIN_CACHE_KIB	8192	/* of the main file, of sealing */
#define STORE_MAX_FILES_BATCH	1024	/* distinct files in one batch */
#define STORE_SCHEMA_VERSION	6
#define STORE_FWD_CHUNK		(512 * 1024)	/* bytes per IMSG_STORED */
#define STORE_FWD_CHUNKS	32		/* then commit early */
#define STORE_FWD_QLIMIT	(64 * 1024 * 1024)
#define STORE_BUSY_MS		5000	/* waiting for a lock */
#define STORE_WAL_PASSIVE	4096	/* frames: passive checkpoint */
#define STORE_WAL_RESTART	65536	/* frames: wait, start over */
#define STORE_WAL_RETRY		1024	/* frames until the next try */
#define STORE_WAL_WAIT_MS	25	/* for readers, at most */
#define STORE_SEAL_RETRY_BUSY	2	/* s: readers kept it in WAL mode */
#define STORE_SEAL_RETRY_ERROR	30	/* s: sealing failed */
#define STORE_MAX_ACKS		256		/* HTTP requests per batch */
#define STORE_REPLAY_PARTS	16		/* partitions a replay reads */
#define STORE_REPLAY_BUSY_MS	1000		/* for the sealer's lock */
#define STORE_VROLLUPS		8192		/* value counts per batch */
#define STORE_PART_VERSION	4		/* partition schema */

/*
 * Statements on the main database (alerts, tokens, tail identities,
 * the list of partitions), then statements on the partition being
 * written (events, their full-text index, rollups, tail offsets).
 */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_FILE_LOOKUP,
	STMT_FILE_INSERT,
	STMT_REVOKE,
	STMT_REVOKED,
	STMT_ALERT_INSERT,
	STMT_ALERT_UPDATE,
	STMT_ALERT_GET,
	STMT_ALERT_HISTORY,
	STMT_PART_ADD,
	STMT_PART_CLOSING,
	STMT_PART_SEAL,
	STMT_PART_DROP,
	STMT_MAIN_MAX,
	/* on the partition */
	STMT_PBEGIN = STMT_MAIN_MAX,
	STMT_PCOMMIT,
	STMT_INSERT,
	STMT_OFFSET_GET,
	STMT_OFFSET_SET,
	STMT_ROLLUP,
	STMT_ROLLUP_VALUE,
	STMT_KEYFILTER,
	STMT_MAX
};

/* SQL lives here and nowhere else; every value is a bound parameter. */
static const char *store_sql[STMT_MAX] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_FILE_LOOKUP] =
	    "SELECT id, dev, ino, offset FROM files WHERE path = ?1"
	    " ORDER BY id DESC LIMIT 1",
	[STMT_FILE_INSERT] =
	    "INSERT INTO files (tail_id, path, dev, ino, offset, first_seen,"
	    " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
	[STMT_REVOKE] =
	    "INSERT OR REPLACE INTO revoked (jti, exp) VALUES (?1, ?2)",
	[STMT_REVOKED] =
	    "SELECT jti, exp FROM revoked WHERE exp > ?1",
	/*
	 * One row per (rule, group, window): a correlation that keeps
	 * firing in its suppression window updates the same alert.
	 */
	[STMT_ALERT_INSERT] =
	    "INSERT INTO alerts (key, rule_id, title, author, description,"
	    " level, severity, tags, group_key, first_seen, last_seen, count,"
	    " event_ids, events_total, status, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, 'new', ?15, ?15)",
	[STMT_ALERT_UPDATE] =
	    "UPDATE alerts SET first_seen = min(first_seen, ?2),"
	    " last_seen = max(last_seen, ?3), count = count + ?4,"
	    " events_total = events_total + ?5, event_ids = ?6,"
	    " updated_at = ?7 WHERE id = ?1",
	[STMT_ALERT_GET] =
	    "SELECT id, event_ids FROM alerts WHERE key = ?1",
	[STMT_ALERT_HISTORY] =
	    "INSERT INTO alert_history (alert_id, at, who, action, from_status,"
	    " to_status, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STMT_PART_ADD] =
	    "INSERT INTO partitions (seq, file, first_id, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[STMT_PART_CLOSING] =
	    "UPDATE partitions SET last_id = ?2, last_received_at = ?3"
	    " WHERE seq = ?1",
	[STMT_PART_SEAL] =
	    "UPDATE partitions SET sealed_at = ?2, last_id = ?3,"
	    " last_received_at = ?4, bytes = ?5, min_ts = ?6, max_ts = ?7"
	    " WHERE seq = ?1",
	[STMT_PART_DROP] = "DELETE FROM partitions WHERE seq = ?1",

	[STMT_PBEGIN] = "BEGIN IMMEDIATE",
	[STMT_PCOMMIT] = "COMMIT",
	[STMT_INSERT] =
	    "INSERT INTO events (ts, received_at, severity, latency_ms,"
	    " pid, facility, syslog_severity, src_port, dest_port,"
	    " http_status, source_offset,"
	    " source_type, host, app, level, event_type, outcome, message,"
	    " request_id, user_id, src_ip, dest_ip, protocol, user_agent,"
	    " http_method, http_path, http_query, error_type, process_exe,"
	    " process_cmdline, process_cwd, parent_exe, raw, source_file,"
	    " tags, data_json, id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24,"
	    " ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36,"
	    " ?37)",
	[STMT_OFFSET_GET] = "SELECT offset FROM offsets WHERE file_id = ?1",
	[STMT_OFFSET_SET] =
	    "INSERT INTO offsets (file_id, offset) VALUES (?1, ?2)"
	    " ON CONFLICT (file_id) DO UPDATE SET offset = excluded.offset",
	[STMT_ROLLUP] =
	    "INSERT INTO rollup_minute (minute, severity, count)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (minute, severity)"
	    " DO UPDATE SET count = count + excluded.count",
	[STMT_ROLLUP_VALUE] =
	    "INSERT INTO rollup_value (field, value, value2, bucket, severity,"
	    " count, first_ts, last_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (field, value, value2, bucket, severity) DO UPDATE"
	    " SET count = count + excluded.count,"
	    " first_ts = min(first_ts, excluded.first_ts),"
	    " last_ts = max(last_ts, excluded.last_ts)",
	[STMT_KEYFILTER] =
	    "INSERT OR REPLACE INTO keyfilter (first_id, last_id, bits)"
	    " VALUES (?1, ?2, ?3)",
};

/* The events table, in a partition file and in schemas before 5. */
#define EVENTS_TABLE \
	"CREATE TABLE events (" \
	" id INTEGER PRIMARY KEY," \
	" ts INTEGER NOT NULL," \
	" received_at INTEGER NOT NULL," \
	" source_type TEXT, host TEXT, app TEXT, pid INTEGER," \
	" facility INTEGER, syslog_severity INTEGER, level TEXT," \
	" severity TEXT NOT NULL, event_type TEXT, outcome TEXT," \
	" message TEXT, request_id TEXT, user_id TEXT, src_ip TEXT," \
	" src_port INTEGER, dest_ip TEXT, dest_port INTEGER, protocol TEXT," \
	" user_agent TEXT, http_method TEXT, http_path TEXT," \
	" http_query TEXT, http_status INTEGER, latency_ms REAL," \
	" error_type TEXT, process_exe TEXT, process_cmdline TEXT," \
	" process_cwd TEXT, parent_exe TEXT, data_json TEXT, raw TEXT," \
	" source_file TEXT, source_offset INTEGER, tags TEXT);"

#define ROLLUP_TABLE \
	"CREATE TABLE rollup_minute (" \
	" minute INTEGER NOT NULL, severity INTEGER NOT NULL," \
	" count INTEGER NOT NULL, PRIMARY KEY (minute, severity))" \
	" WITHOUT ROWID;"

/*
 * A partition file: the events of one id range with their indices
 * (entries ordered by the field and then the row id, so a filtered
 * newest-first page is a short walk down one index), their minute
 * rollups, and the offsets of
 * tailed files as of the last batch, so that events and offsets are
 * committed together.  rollup_value counts events per value of a few
 * fields (siemd.h, ROLLUP_*), so that listings of hosts, applications
 * and event types read a few rows instead of every event.  Version 1
 * partitions have no rollup_value: they are read the slow way.  The
 * indices on fields with random values and often none (addresses,
 * users, request ids) leave out the rows without one: every row they
 * skip is one random B-tree insert less, and a search on the field
 * still uses them.  Since version 4 those three are built when the
 * partition is closed (part_close_file, part_random_indices): while
 * it is written, keyfilter holds a filter of their values per chunk
 * of ids instead (keyfilter.h).  Their full-text index is in a file
 * of its own beside them (store_fts.c) since version 3; in versions 1
 * and 2 it was here, written beside each row.
 */
static const char part_schema[] =
	EVENTS_TABLE
	"CREATE INDEX events_ts ON events (ts);"
	"CREATE INDEX events_app ON events (app);"
	"CREATE INDEX events_type ON events (event_type);"
	"CREATE INDEX events_host ON events (host);"
	"CREATE INDEX events_severity ON events (severity);"
	"CREATE TABLE keyfilter (first_id INTEGER PRIMARY KEY,"
	" last_id INTEGER NOT NULL, bits BLOB NOT NULL);"
	ROLLUP_TABLE
	"CREATE TABLE rollup_value ("
	" field INTEGER NOT NULL, value TEXT NOT NULL, value2 TEXT NOT NULL,"
	" bucket INTEGER NOT NULL, severity INTEGER NOT NULL,"
	" count INTEGER NOT NULL, first_ts INTEGER NOT NULL,"
	" last_ts INTEGER NOT NULL,"
	" PRIMARY KEY (field, value, value2, bucket, severity))"
	" WITHOUT ROWID;"
	"CREATE TABLE offsets (file_id INTEGER PRIMARY KEY,"
	" offset INTEGER NOT NULL);"
	"PRAGMA user_version = 4;";

/*
 * The indices on fields with random values, built when a partition of
 * version 4 is closed (those of older versions have them already).
 */
static const char part_random_indices[] =
	"CREATE INDEX IF NOT EXISTS events_src_ip ON events (src_ip)"
	" WHERE src_ip IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS events_user ON events (user_id)"
	" WHERE user_id IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS events_request ON events (request_id)"
	" WHERE request_id IS NOT NULL;";

/* A partition's last id, and when its newest event was received. */
#define SQL_LAST_ID		"SELECT max(id) FROM events"
#define SQL_LAST_RECEIVED \
	"SELECT received_at FROM events ORDER BY id DESC LIMIT 1"

/* The identity of tailed files (offsets are in the partitions). */
#define FILES_TABLE \
	"CREATE TABLE files (" \
	" id INTEGER PRIMARY KEY, tail_id INTEGER, path TEXT NOT NULL," \
	" dev INTEGER, ino INTEGER, offset INTEGER NOT NULL," \
	" first_seen INTEGER, updated_at INTEGER);" \
	"CREATE INDEX files_path ON files (path);"

/*
 * A new main database starts with this, then the tables of versions 2,
 * 3 and 5 (version 1 also held the events; version 5 moved them to the
 * partitions, so a database is no longer made as it was).
 */
static const char store_schema_files[] = FILES_TABLE;

/* Version 2: revoked API tokens survive a restart. */
static const char store_schema_v2[] =
	"CREATE TABLE revoked (jti TEXT PRIMARY KEY, exp INTEGER NOT NULL)"
	" WITHOUT ROWID;";


/*
 * Version 4: the field indices hold (field, id) instead of (field, ts).
 * Every search answers newest first by id, and with the id in the
 * index order a filtered first page is a short walk down the index
 * instead of a sort of every match; the smaller entries also make
 * inserts cheaper.  Time ranges use events_ts, or are checked on the
 * rows the walk reaches.
 */
static const char store_schema_v4[] =
	"DROP INDEX events_app;"
	"DROP INDEX events_type;"
	"DROP INDEX events_src_ip;"
	"DROP INDEX events_user;"
	"DROP INDEX events_host;"
	"DROP INDEX events_severity;"
	"CREATE INDEX events_app ON events (app);"
	"CREATE INDEX events_type ON events (event_type);"
	"CREATE INDEX events_src_ip ON events (src_ip);"
	"CREATE INDEX events_user ON events (user_id);"
	"CREATE INDEX events_host ON events (host);"
	"CREATE INDEX events_severity ON events (severity);";

/*
 * Version 5: events move to partition files, listed here (see the
 * storage design in the README).  Events stored before stay in this
 * file as partition 0 until retention removes them; "files" keeps the
 * identity of tailed files, their offsets move to the partitions.
 */
/*
 * Version 6: the bounds of ts in a closed partition, recorded when it
 * closes, so that a search with a time range skips it without opening
 * it (NULL for partitions closed before: they are opened once).
 */
static const char store_schema_v6[] =
	"ALTER TABLE partitions ADD COLUMN min_ts INTEGER;"
	"ALTER TABLE partitions ADD COLUMN max_ts INTEGER;";

static const char store_schema_v5[] =
	"CREATE TABLE partitions ("
	" seq INTEGER PRIMARY KEY, file TEXT NOT NULL,"
	" first_id INTEGER NOT NULL, last_id INTEGER,"
	" created_at INTEGER NOT NULL, sealed_at INTEGER,"
	" last_received_at INTEGER, bytes INTEGER);";

struct file_mark {
	int64_t		 file_id;
	int64_t		 offset;
};

/* A count of one value of a field in this batch (rollup_value). */
struct vrollup {
	char		*value;		/* NULL: a free slot */
	char		*value2;
	int64_t		 bucket;
	int64_t		 count;
	int64_t		 first;
	int64_t		 last;
	uint32_t	 hash;
	uint8_t		 field;
	uint8_t		 severity;
};

struct rollup {
	int64_t		 minute;
	int		 severity;
	int64_t		 count;
};

struct store {
	struct child	 c;
	struct imsgev	*web;
	struct imsgev	*correlate;
	uint64_t	 detect_dropped;	/* correlate too slow */
	uint64_t	 alerts_created;
	uint64_t	 alerts_updated;
	uint64_t	 alert_batches;	/* transactions of alert reports */
	struct wire_buf	 fwd[STORE_FWD_CHUNKS];	/* this batch, with ids */
	size_t		 nfwd;
	struct ingest_ack acks[STORE_MAX_ACKS];
	size_t		 nacks;
	uint64_t	 live_dropped;		/* web too slow for live */
	uint64_t	 wal_restarts;		/* WAL started over */
	int		 wal_next_main;		/* frames: next restart try */
	size_t		 fwd_detect_peak;	/* bytes queued to correlate */
	size_t		 fwd_live_peak;		/* to web */
	uint64_t	 wal_restart_busy;	/* readers in the way */
	sqlite3		*db;		/* main: alerts, tokens, partitions */
	sqlite3		*pdb;		/* the partition being written */
	sqlite3_stmt	*stmt[STMT_MAX];
	char		*dbfile;		/* relative to the jail */
	char		 pfile[PATH_MAX];	/* the partition's file */
	int64_t		 pseq;			/* and its number */
	int64_t		 pfirst;		/* its first id */
	int64_t		 pcreated;		/* µs, real time */
	int64_t		 next_id;
	int64_t		 part_rows;		/* configured */
	int64_t		 part_every;		/* µs */
	int		 part_daily;		/* roll at UTC midnight */
	uint64_t	 rolled;		/* partitions closed */
	uint64_t	 dropped;		/* partitions removed */
	int		 in_txn;
	int64_t		 txn_started;		/* µs, monotonic */
	int64_t		 txn_busy;		/* µs storing events in it */
	size_t		 txn_events;
	size_t		 txn_limit;		/* events that end it */
	uint64_t	 batches_long;		/* saturated: made longer */
	int64_t		 fts_last;		/* the index's last id, at open */
	/* the key filter of the chunk of ids being written (keyfilter.h) */
	uint64_t	*kf_hashes;
	size_t		 kf_n;
	size_t		 kf_cap;
	int64_t		 kf_first;		/* the chunk's first id */
	uint64_t	 kf_chunks;		/* filters written */
	/* partitions closed by the sealer (store_seal.c) */
	uint64_t	 sealed;
	uint64_t	 seal_errors;
	int64_t		 seal_us;
	int64_t		 last_seal_us;
	uint64_t	 seal_retries;		/* readers in the way */
	int64_t		 seal_retry_at;		/* µs, monotonic; 0: none */
	int64_t		 fts_wait_us;		/* for the index's commits */
	int64_t		 insert_us;		/* storing events, commits too */
	int64_t		 commit_us;		/* the commits alone */
	uint64_t	 lock_waits;		/* for a checkpointer's restart */
	int64_t		 lock_wait_us;
	struct file_mark files[STORE_MAX_FILES_BATCH];
	size_t		 nfiles;
	struct rollup	 rollups[256];
	struct vrollup	 vrollups[STORE_VROLLUPS];	/* open hashing */
	size_t		 nvrollups;
	size_t		 nrollups;
	struct event	 commit_ev;
	struct event	 retain_ev;
	int64_t		 retention_age;		/* µs, 0 = keep */
	int64_t		 retention_size;	/* bytes, 0 = any */

	uint64_t	 stored;
	uint64_t	 batches;
	uint64_t	 retained;		/* events removed by retention */
	uint64_t	 errors;
	int64_t		 last_commit_us;
	int64_t		 max_commit_us;
	json_t		*per_source;		/* "L0"/"F3" -> stored */
};

static struct store	 st;

static json_t	*store_counters(void *);
static void	 store_open(void);
static void	 store_stop(void *);
static int	 store_dispatch_parser(struct imsgev *, struct imsg *);
static int	 store_dispatch_parent(struct imsgev *, struct imsg *);
static void	 store_events(const uint8_t *, size_t);
static void	 store_begin(void);
static void	 store_commit(void);
static void	 store_commit_timer(int, short, void *);
static void	 store_retain_timer(int, short, void *);
static void	 store_register(struct imsgev *, struct imsg *);
static void	 store_exec(const char *);
static void	 part_init(void);
static void	 store_roll(void);
static void	 flush_values(void);
static void	 store_replay_parts(struct imsgev *, int64_t);
static void	 store_forward(void);
static void	 store_send_suppress(void);
static void	 part_close_file(struct seal_job *);
static void	 seal_collect(int);
static void	 kf_resume(sqlite3 *, int64_t);

static json_t *
store_counters(void *arg)
{
	struct ckpt_counters	 ck;
	struct fts_counters	 fc;

	ckpt_counters(&ck);
	fts_counters(&fc);
	return (json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:O,"
	    "s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
	    "s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "stored", (json_int_t)st.stored,
	    "alerts_created", (json_int_t)st.alerts_created,
	    "alerts_updated", (json_int_t)st.alerts_updated,
	    "alert_batches", (json_int_t)st.alert_batches,
	    "detect_dropped", (json_int_t)st.detect_dropped,
	    "live_dropped", (json_int_t)st.live_dropped,
	    "batches", (json_int_t)st.batches,
	    "retained", (json_int_t)st.retained,
	    "errors", (json_int_t)st.errors,
	    "commit_us", (json_int_t)st.last_commit_us,
	    "max_commit_us", (json_int_t)st.max_commit_us,
	    "sources", st.per_source,
	    "partition", (json_int_t)st.pseq,
	    "partition_events", (json_int_t)(st.next_id - st.pfirst),
	    "partitions_closed", (json_int_t)st.rolled,
	    "partitions_removed", (json_int_t)st.dropped,
	    "partitions_sealed", (json_int_t)st.sealed,
	    "seal_errors", (json_int_t)st.seal_errors,
	    "seal_retries", (json_int_t)st.seal_retries,
	    "seal_ms", (json_int_t)(st.seal_us / 1000),
	    "last_seal_ms", (json_int_t)(st.last_seal_us / 1000),
	    "key_filters", (json_int_t)st.kf_chunks,
	    "queued_detect_peak", (json_int_t)st.fwd_detect_peak,
	    "queued_live_peak", (json_int_t)st.fwd_live_peak,
	    "wal_restarts", (json_int_t)(st.wal_restarts + ck.restarts),
	    "wal_restart_busy", (json_int_t)(st.wal_restart_busy +
	    ck.restart_busy),
	    "checkpoints", (json_int_t)ck.passive,
	    "checkpoint_waits", (json_int_t)ck.inline_waits,
	    "checkpoint_ms", (json_int_t)(ck.busy_us / 1000),
	    "checkpoint_errors", (json_int_t)ck.errors,
	    "batches_long", (json_int_t)st.batches_long,
	    "fts_errors", (json_int_t)fc.errors,
	    "fts_rows_ms", (json_int_t)(fc.rows_us / 1000),
	    "fts_commit_ms", (json_int_t)(fc.commit_us / 1000),
	    "fts_wait_ms", (json_int_t)(st.fts_wait_us / 1000),
	    "insert_ms", (json_int_t)(st.insert_us / 1000),
	    "commit_ms", (json_int_t)(st.commit_us / 1000),
	    "lock_waits", (json_int_t)st.lock_waits,
	    "lock_wait_ms", (json_int_t)(st.lock_wait_us / 1000)));
}

static void
db_exec(sqlite3 *db, const char *what, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fatalx("%s: %s", what, err ? err : "?");
}

static void
store_exec(const char *sql)
{
	db_exec(st.db, st.dbfile, sql);
}

/* One integer from a statement without parameters; def if none. */
static int64_t
db_int(sqlite3 *db, const char *sql, int64_t def)
{
	sqlite3_stmt	*s;
	int64_t		 v = def;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (v);
}

/* A connection with a page cache of cache_kib. */
/*
 * Checkpoints.  Every STORE_WAL_PASSIVE frames a passive checkpoint
 * copies what no reader still needs (SQLite's own automatic one does
 * the same).  But while searches keep overlapping, some reader always
 * holds an older snapshot, the WAL is never started over and grows
 * without bound, and every page lookup, the store's and the readers',
 * walks more of the WAL index: under a steady query load the WAL grew
 * by 120 MB in 13 s and ingestion slowed by 14%.  So past
 * STORE_WAL_RESTART frames the store waits up to STORE_WAL_WAIT_MS for
 * the readers of the moment to finish (a search takes milliseconds;
 * new ones read the database file meanwhile) and has the WAL start
 * over; when they are still busy it tries again STORE_WAL_RETRY frames
 * later.  journal_size_limit then gives the space back.
 * The mark is high because each restart makes the writer wait (it
 * holds the write lock): at 64 MB the writer waited 8% of its time, at
 * 256 MB 4%, and the WAL's length costs a lookup nothing once a passive
 * checkpoint has copied it (a reader skips the frames copied).
 */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int nframe)
{
	int	*next_try = arg;	/* this connection's, or NULL */
	int64_t	 t0;
	int	 rc;

	if (nframe < STORE_WAL_PASSIVE)
		return (SQLITE_OK);
	/* the partition's checkpoints are the checkpointer's (store_ckpt.c) */
	if (db == st.pdb) {
		t0 = mono_us();
		if (ckpt_request(sqlite3_db_filename(db, name), nframe)) {
			st.lock_waits++;
			st.lock_wait_us += mono_us() - t0;
		}
		return (SQLITE_OK);
	}
	if (next_try == NULL) {
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return (SQLITE_OK);
	}
	/* the main file's, here, by the same policy */
	sqlite3_busy_timeout(db, STORE_WAL_WAIT_MS);
	rc = ckpt_once(db, nframe, next_try);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	if (rc == 1)
		st.wal_restarts++;
	else if (rc == 2)
		st.wal_restart_busy++;
	return (SQLITE_OK);
}

/* walnext: where this connection keeps its WAL restart state, or NULL */
static sqlite3 *
db_connect(const char *file, int cache_kib, int *walnext)
{
	sqlite3		*db;
	char		 pragma[64];

	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		fatalx("%s: %s", file, sqlite3_errmsg(db));
	store_db_harden(db);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	db_exec(db, file, "PRAGMA journal_mode = WAL");
	db_exec(db, file, "PRAGMA synchronous = NORMAL");
	/* fewer, larger checkpoints: hot index pages are copied once */
	if (walnext != NULL)
		*walnext = STORE_WAL_RESTART;
	sqlite3_wal_hook(db, store_wal_hook, walnext);
	snprintf(pragma, sizeof(pragma), "PRAGMA journal_size_limit = %d",
	    STORE_WAL_RESTART / 4 * 4096);
	db_exec(db, file, pragma);
	db_exec(db, file, "PRAGMA temp_store = MEMORY");
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d",
	    cache_kib);
	db_exec(db, file, pragma);
	return (db);
}

static void
stmt_prepare(int from, int to)
{
	sqlite3	*db;
	int	 i;

	for (i = from; i < to; i++) {
		db = i < STMT_MAIN_MAX ? st.db : st.pdb;
		if (sqlite3_prepare_v3(db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st.stmt[i], NULL) !=
		    SQLITE_OK)
			fatalx("%s: statement %d: %s", __func__, i,
			    sqlite3_errmsg(db));
	}
}

static void
stmt_finalize(int from, int to)
{
	int	 i;

	for (i = from; i < to; i++) {
		sqlite3_finalize(st.stmt[i]);
		st.stmt[i] = NULL;
	}
}

static void
store_step(enum store_stmt n)
{
	int	 rv;

	rv = sqlite3_step(st.stmt[n]);
	if (rv != SQLITE_DONE && rv != SQLITE_ROW)
		fatalx("%s: statement %d: %s", __func__, n,
		    sqlite3_errmsg(n < STMT_MAIN_MAX ? st.db : st.pdb));
	sqlite3_reset(st.stmt[n]);
}

static void
store_open(void)
{
	sqlite3_stmt	*s;
	int		 version = 0;
	int64_t		 now = real_us();

	/* alerts and tokens: small, and not on the path of every event */
	st.db = db_connect(st.dbfile, STORE_MAIN_CACHE_KIB, &st.wal_next_main);
	/* space freed by retention goes back to the file system */
	store_exec("PRAGMA auto_vacuum = INCREMENTAL");
	store_exec("CREATE TABLE IF NOT EXISTS schema_version "
	    "(version INTEGER NOT NULL)");

	if (sqlite3_prepare_v2(st.db, "SELECT max(version) FROM "
	    "schema_version", -1, &s, NULL) != SQLITE_OK)
		fatalx("%s: %s", st.dbfile, sqlite3_errmsg(st.db));
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > STORE_SCHEMA_VERSION)
		fatalx("%s: schema version %d is newer than this siemd (%d)",
		    st.dbfile, version, STORE_SCHEMA_VERSION);
	if (version < 1) {
		/* a new database is made as the latest version is */
		store_exec("BEGIN");
		store_exec(store_schema_files);
		store_exec(store_schema_v2);
		store_exec(triage_schema);
		store_exec(store_schema_v5);
		store_exec(store_schema_v6);
		store_exec("INSERT INTO schema_version VALUES (6)");
		store_exec("COMMIT");
		log_info("created database schema version %d",
		    STORE_SCHEMA_VERSION);
		version = STORE_SCHEMA_VERSION;
	}
	/* older databases: migrations in order, each in a transaction */
	if (version < 2) {
		store_exec("BEGIN");
		store_exec(store_schema_v2);
		store_exec("INSERT INTO schema_version VALUES (2)");
		store_exec("COMMIT");
		log_info("database schema migrated to version 2");
	}
	if (version < 3) {
		store_exec("BEGIN");
		store_exec(triage_schema);
		store_exec("INSERT INTO schema_version VALUES (3)");
		store_exec("COMMIT");
		log_info("database schema migrated to version 3");
	}
	if (version < 4) {
		log_info("database schema: rebuilding the field indices, "
		    "this can take a while on a large database");
		store_exec("BEGIN");
		store_exec(store_schema_v4);
		store_exec("INSERT INTO schema_version VALUES (4)");
		store_exec("COMMIT");
		log_info("database schema migrated to version 4");
	}
	if (version < 5) {
		int64_t first, last;

		store_exec("BEGIN");
		store_exec(store_schema_v5);
		first = db_int(st.db, "SELECT min(id) FROM events", -1);
		last = db_int(st.db, "SELECT max(id) FROM events", -1);
		if (first == -1) {
			store_exec("DROP TABLE events_fts; DROP TABLE events;"
			    " DROP TABLE rollup_minute;");
		} else {
			if (sqlite3_prepare_v2(st.db, "INSERT INTO partitions"
			    " VALUES (0, ?1, ?2, ?3, ?4, ?4, (SELECT"
			    " received_at FROM events WHERE id = ?3), NULL)",
			    -1, &s, NULL) != SQLITE_OK)
				fatalx("%s: %s", st.dbfile,
				    sqlite3_errmsg(st.db));
			sqlite3_bind_text(s, 1, st.dbfile, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 2, first);
			sqlite3_bind_int64(s, 3, last);
			sqlite3_bind_int64(s, 4, now);
			if (sqlite3_step(s) != SQLITE_DONE)
				fatalx("%s: %s", st.dbfile,
				    sqlite3_errmsg(st.db));
			sqlite3_finalize(s);
			log_info("%lld events stored before partitions stay in"
			    " %s as partition 0", (long long)(last - first + 1),
			    st.dbfile);
		}
		store_exec("INSERT INTO schema_version VALUES (5)");
		store_exec("COMMIT");
		log_info("database schema migrated to version 5");
	}
	if (version < 6) {
		store_exec("BEGIN");
		store_exec(store_schema_v6);
		store_exec("INSERT INTO schema_version VALUES (6)");
		store_exec("COMMIT");
		log_info("database schema migrated to version 6");
	}
	stmt_prepare(0, STMT_MAIN_MAX);
	part_init();
}

/* partitions ------------------------------------------------------- */

/* "siem.db" -> "siem.p000042.db" */
static void
part_name(int64_t seq, char *buf, size_t len)
{
	size_t	 n = strlen(st.dbfile);

	if (n > 3 && strcmp(st.dbfile + n - 3, ".db") == 0)
		n -= 3;
	if ((size_t)snprintf(buf, len, "%.*s.p%06lld.db", (int)n, st.dbfile,
	    (long long)seq) >= len)
		fatalx("%s: database name too long", __func__);
}

static void
part_unlink(const char *file)
{
	static const char	*sfx[] = { "", "-wal", "-shm", "-journal" };
	char			 path[PATH_MAX], fts[PATH_MAX];
	const char		*base[2] = { file, fts };
	size_t			 i, b;

	/* the partition, then its full-text index */
	if (fts_file(file, fts, sizeof(fts)) == -1)
		fts[0] = '\0';
	for (b = 0; b < 2 && base[b][0] != '\0'; b++) {
		for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			snprintf(path, sizeof(path), "%s%s", base[b], sfx[i]);
			if (unlink(path) == -1 && errno != ENOENT)
				log_warn("unlink %s", path);
		}
	}
}

/*
 * The partition's writer waits for the checkpointer's restarts, which
 * hold the write lock for a few milliseconds: in steps of 250 µs, not
 * SQLite's default ones (1, 2, 5, 10, 15 ms...), which slept 30 ms for
 * a lock held 10.
 */
static int
part_busy(void *arg, int n)
{
	struct timespec	 ts = { 0, 250000 };
	int64_t		 t0;

	if (n >= STORE_BUSY_MS * 4)
		return (0);
	if (n == 0)
		st.lock_waits++;
	t0 = mono_us();
	nanosleep(&ts, NULL);
	st.lock_wait_us += mono_us() - t0;
	return (1);
}

/* Open a partition for writing; a new or empty file gets the schema. */
static sqlite3 *
part_connect(const char *file)
{
	/* once it is st.pdb, the checkpointer takes its checkpoints */
	sqlite3	*db = db_connect(file, STORE_CACHE_KIB, NULL);

	sqlite3_busy_handler(db, part_busy, NULL);

	if (db_int(db, "PRAGMA user_version", 0) == 0) {
		db_exec(db, file, "BEGIN");
		db_exec(db, file, part_schema);
		db_exec(db, file, "COMMIT");
	}
	/* its full-text index: made, or completed after a crash */
	st.fts_last = fts_catch_up(db, file);
	return (db);
}

/* The size of a partition's full-text index file. */
static int64_t
fts_bytes(const char *part)
{
	struct stat	 sb;
	char		 file[PATH_MAX];

	if (fts_file(part, file, sizeof(file)) == -1 ||
	    stat(file, &sb) == -1)
		return (0);
	return (sb.st_size);
}

static int64_t
db_bytes(sqlite3 *db)
{
	return (db_int(db, "SELECT page_count * page_size FROM"
	    " pragma_page_count, pragma_page_size", 0));
}

/*
 * In the sealer: one integer from a statement without parameters.
 * -1 on any error, which fails the seal (db_int would exit).
 */
static int
seal_int(sqlite3 *db, const char *sql, int64_t *v)
{
	sqlite3_stmt	*s;
	int		 rv;

	*v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return (-1);
	if ((rv = sqlite3_step(s)) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		*v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (rv == SQLITE_ROW || rv == SQLITE_DONE ? 0 : -1);
}

/*
 * Everything into the file, which then uses a rollback journal: it is
 * never written again, and readers need no WAL index to read it.  0
 * done, 1 a reader still has it open in WAL mode (query processes let
 * go of a sealing partition after each request), -1 an error.
 */
static int
db_close_wal(sqlite3 *db, const char *file)
{
	int	 rv;

	rv = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	if (rv == SQLITE_BUSY)
		return (1);
	if (rv != SQLITE_OK) {
		log_warnx("%s: checkpoint: %s", file, sqlite3_errmsg(db));
		return (-1);
	}
	if (sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		log_debug("%s: stays in WAL mode for now: %s", file,
		    sqlite3_errmsg(db));
		return (1);
	}
	return (0);
}

/*
 * The full-text index of a closed partition (its layout version 3 and
 * later): completed if a crash left it behind, then closed like the
 * partition (db_close_wal's result; its size in *bytes).
 */
static int
part_fts_seal(sqlite3 *pdb, int64_t version, const char *part,
    int64_t *bytes)
{
	sqlite3	*db;
	char	 file[PATH_MAX];
	int	 rv;

	*bytes = 0;
	if (version < 3 || fts_file(part, file, sizeof(file)) == -1)
		return (0);
	/* a partition is sealed with its whole index, or not at all */
	if (fts_catch_up(pdb, part) == -1)
		return (-1);
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("%s: %s", file, sqlite3_errmsg(db));
		sqlite3_close(db);
		return (-1);
	}
	store_db_harden(db);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	rv = db_close_wal(db, file);
	sqlite3_close(db);
	*bytes = fts_bytes(part);
	return (rv);
}

/*
 * A closed partition's file is made final, in the sealer's thread (or
 * the writer's, at start): the indices on random-valued fields built
 * (version 4), everything checkpointed into the file (db_close_wal),
 * and its bounds measured.  It touches nothing of the writer's: the
 * writer records the result (part_sealed).
 *
 * The indices are sorted in a page cache of STORE_MAIN_CACHE_KIB and
 * temporary files (in the root of the jail, which is the database
 * directory), not in memory: a million events' entries take some
 * 40 MB.
 */
static void
part_close_file(struct seal_job *j)
{
	sqlite3	*db;
	char	 pragma[64];
	int64_t	 version, fbytes;
	int	 rv;

	j->ok = j->busy = 0;
	if (sqlite3_open_v2(j->file, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	store_db_harden(db);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	seal_connection(db);
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d",
	    STORE_MAIN_CACHE_KIB);
	if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA temp_store = FILE", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    seal_int(db, "PRAGMA user_version", &version) == -1)
		goto fail;
	if (version >= 4) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto fail;
		if (sqlite3_exec(db, part_random_indices, NULL, NULL, NULL) !=
		    SQLITE_OK || sqlite3_exec(db, "COMMIT", NULL, NULL,
		    NULL) != SQLITE_OK) {
			log_warnx("%s: indices: %s", j->file,
			    sqlite3_errmsg(db));
			(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	}
	if (seal_int(db, SQL_LAST_ID, &j->last_id) == -1)
		goto fail;
	/* ts: two walks down its index */
	if (j->last_id != -1 && (seal_int(db, SQL_LAST_RECEIVED,
	    &j->last_received) == -1 ||
	    seal_int(db, "SELECT min(ts) FROM events", &j->min_ts) == -1 ||
	    seal_int(db, "SELECT max(ts) FROM events", &j->max_ts) == -1))
		goto fail;
	if ((rv = db_close_wal(db, j->file)) == -1)
		goto fail;
	j->busy = rv == 1;
	if (seal_int(db, "SELECT page_count * page_size FROM"
	    " pragma_page_count, pragma_page_size", &j->bytes) == -1 ||
	    (rv = part_fts_seal(db, version, j->file, &fbytes)) == -1)
		goto fail;
	j->busy |= rv == 1;
	j->bytes += fbytes;
	sqlite3_close(db);
	j->ok = !j->busy;
	return;
 fail:
	log_warnx("%s: not sealed: %s", j->file, db != NULL ?
	    sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
}

/*
 * Record a closed partition: searches then read it as immutable.  One
 * the sealer could not finish is tried again later (seal_retry).
 */
static void
part_sealed(const struct seal_job *j)
{
	sqlite3_stmt	*s = st.stmt[STMT_PART_SEAL];

	if (j->stopped) {
		log_info("partition %lld: sealing left for the next start",
		    (long long)j->seq);
		return;
	}
	if (j->busy) {
		st.seal_retries++;
		st.seal_retry_at = mono_us() + STORE_SEAL_RETRY_BUSY *
		    1000000LL;
		return;
	}
	if (!j->ok) {
		st.seal_errors++;
		st.seal_retry_at = mono_us() + STORE_SEAL_RETRY_ERROR *
		    1000000LL;
		log_warnx("partition %lld could not be sealed; searches read"
		    " it as it is, and sealing is tried again in %d s",
		    (long long)j->seq, STORE_SEAL_RETRY_ERROR);
		return;
	}
	sqlite3_bind_int64(s, 1, j->seq);
	sqlite3_bind_int64(s, 2, real_us());
	if (j->last_id == -1) {
		sqlite3_bind_null(s, 3);
		sqlite3_bind_null(s, 4);
		sqlite3_bind_null(s, 6);
		sqlite3_bind_null(s, 7);
	} else {
		sqlite3_bind_int64(s, 3, j->last_id);
		sqlite3_bind_int64(s, 4, j->last_received);
		sqlite3_bind_int64(s, 6, j->min_ts);
		sqlite3_bind_int64(s, 7, j->max_ts);
	}
	sqlite3_bind_int64(s, 5, j->bytes);
	store_step(STMT_PART_SEAL);
	/* another partition may wait too (one left after a stop) */
	if (st.seal_retry_at == 0)
		st.seal_retry_at = mono_us();
	st.sealed++;
	st.seal_us += j->us;
	st.last_seal_us = j->us;
	log_info("partition %lld sealed in %lld ms", (long long)j->seq,
	    (long long)(j->us / 1000));
}

/*
 * A partition left unsealed is handed to the sealer again once it is
 * idle and the retry is due.
 */
static void
seal_retry(void)
{
	sqlite3_stmt	*s;

	if (st.seal_retry_at == 0 || mono_us() < st.seal_retry_at ||
	    seal_busy())
		return;
	/* idle: nothing can finish before this is recorded */
	seal_collect(0);
	st.seal_retry_at = 0;
	if (sqlite3_prepare_v2(st.db, "SELECT seq, file FROM partitions"
	    " WHERE sealed_at IS NULL AND last_id IS NOT NULL AND seq != ?1"
	    " ORDER BY seq LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(st.db));
	sqlite3_bind_int64(s, 1, st.pseq);
	if (sqlite3_step(s) == SQLITE_ROW)
		seal_submit(sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
}

/* Record what the sealer finished; with wait, after it is idle. */
static void
seal_collect(int wait)
{
	struct seal_job	 j;

	if (wait)
		seal_wait();
	while (seal_poll(&j))
		part_sealed(&j);
}

/* Close seq in this thread (at start) and record it. */
static void
part_seal_now(int64_t seq, const char *file)
{
	struct seal_job	 j;
	int64_t		 t0 = mono_us();

	memset(&j, 0, sizeof(j));
	j.seq = seq;
	strlcpy(j.file, file, sizeof(j.file));
	part_close_file(&j);
	j.us = mono_us() - t0;
	part_sealed(&j);
}

/*
 * The writer leaves a partition: its last id and newest event are
 * recorded at once, so that the id ranges of the partitions never
 * overlap while the sealer works on it.
 */
static void
part_closing(sqlite3 *db, int64_t seq)
{
	sqlite3_stmt	*s = st.stmt[STMT_PART_CLOSING];
	int64_t		 last;

	if ((last = db_int(db, SQL_LAST_ID, -1)) == -1)
		return;
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, last);
	sqlite3_bind_int64(s, 3, db_int(db, SQL_LAST_RECEIVED, 0));
	store_step(STMT_PART_CLOSING);
}

/*
 * Start partition seq at first_id.  The offsets of tailed files come
 * along in its first transaction: the newest partition always holds
 * every offset.
 */
static void
part_start(int64_t seq, int64_t first_id, sqlite3 *prev)
{
	sqlite3_stmt	*get, *put;
	sqlite3		*db;
	char		 file[PATH_MAX];
	int64_t		 now = real_us();

	part_name(seq, file, sizeof(file));
	part_unlink(file);		/* left by a start that crashed */
	db = part_connect(file);
	if (prev != NULL) {
		if (sqlite3_prepare_v2(prev, "SELECT file_id, offset FROM"
		    " offsets", -1, &get, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, store_sql[STMT_OFFSET_SET], -1,
		    &put, NULL) != SQLITE_OK)
			fatalx("%s: %s", __func__, sqlite3_errmsg(db));
		db_exec(db, file, "BEGIN");
		while (sqlite3_step(get) == SQLITE_ROW) {
			sqlite3_bind_int64(put, 1,
			    sqlite3_column_int64(get, 0));
			sqlite3_bind_int64(put, 2,
			    sqlite3_column_int64(get, 1));
			if (sqlite3_step(put) != SQLITE_DONE)
				fatalx("%s: %s", file, sqlite3_errmsg(db));
			sqlite3_reset(put);
		}
		db_exec(db, file, "COMMIT");
		sqlite3_finalize(get);
		sqlite3_finalize(put);
	}
	sqlite3_bind_int64(st.stmt[STMT_PART_ADD], 1, seq);
	sqlite3_bind_text(st.stmt[STMT_PART_ADD], 2, file, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st.stmt[STMT_PART_ADD], 3, first_id);
	sqlite3_bind_int64(st.stmt[STMT_PART_ADD], 4, now);
	store_step(STMT_PART_ADD);
	st.pdb = db;
	strlcpy(st.pfile, file, sizeof(st.pfile));
	st.pseq = seq;
	st.pfirst = st.next_id = first_id;
	st.pcreated = now;
	stmt_prepare(STMT_PBEGIN, STMT_MAX);
	kf_resume(db, first_id);
}

/* Close the partition being written and start the next one. */
static void
store_roll(void)
{
	sqlite3		*old = st.pdb;
	char		 file[PATH_MAX];
	int64_t		 seq = st.pseq, events = st.next_id - st.pfirst;
	int64_t		 t0 = mono_us();

	store_commit();
	ckpt_release();		/* sealing checkpoints it in full */
	fts_release();
	stmt_finalize(STMT_PBEGIN, STMT_MAX);
	strlcpy(file, st.pfile, sizeof(file));
	part_closing(old, seq);
	part_start(seq + 1, st.next_id, old);
	/* the sealer checkpoints it, not this thread */
	sqlite3_db_config(old, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_close(old);
	/* the sealer finishes the one before first, if it is still at it */
	seal_collect(1);
	seal_submit(seq, file);
	st.rolled++;
	log_info("partition %lld closed with %lld events in %lld ms, %s"
	    " started", (long long)seq, (long long)events,
	    (long long)((mono_us() - t0) / 1000), st.pfile);
}

/*
 * At start: partitions left open by a crash are closed, except the
 * newest, which goes on; without one, a partition starts.
 */
static void
part_init(void)
{
	sqlite3_stmt	*s;
	sqlite3		*db;
	int64_t		 seq, maxseq = 0, next = 1, created = 0, first = 1;
	int		 open_last = 0, closing = 0;
	char		 file[PATH_MAX];

	if (sqlite3_prepare_v2(st.db, "SELECT seq, file, first_id, last_id,"
	    " sealed_at IS NULL, created_at FROM partitions ORDER BY seq", -1,
	    &s, NULL) != SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(st.db));
	while (sqlite3_step(s) == SQLITE_ROW) {
		seq = sqlite3_column_int64(s, 0);
		maxseq = seq;
		first = sqlite3_column_int64(s, 2);
		closing = sqlite3_column_type(s, 3) != SQLITE_NULL;
		if (closing)
			next = sqlite3_column_int64(s, 3) + 1;
		else
			next = first;
		open_last = sqlite3_column_int(s, 4);
		created = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	/* again, closing every open partition but the newest */
	while (sqlite3_step(s) == SQLITE_ROW) {
		seq = sqlite3_column_int64(s, 0);
		if (!sqlite3_column_int(s, 4) || seq == maxseq)
			continue;
		strlcpy(file, (const char *)sqlite3_column_text(s, 1),
		    sizeof(file));
		part_seal_now(seq, file);
		log_info("partition %lld closed after an interrupted change",
		    (long long)seq);
	}
	sqlite3_finalize(s);
	if (open_last) {
		part_name(maxseq, file, sizeof(file));
		db = db_connect(file, STORE_MAIN_CACHE_KIB, NULL);
		/*
		 * Left by the writer (a crash before its successor was
		 * added), or an older layout: closed, not written on.
		 * Its successor takes the offsets of tailed files over.
		 */
		if (closing || (db_int(db, "PRAGMA user_version", 0) <
		    STORE_PART_VERSION && db_int(db, "SELECT count(*) FROM"
		    " sqlite_master", 0) > 0)) {
			if (!closing)
				next = db_int(db, "SELECT max(id) + 1 FROM"
				    " events", first);
			part_start(maxseq + 1, next, db);
			sqlite3_close(db);
			part_seal_now(maxseq, file);
			log_debug("writing partition %lld (%s) from id %lld",
			    (long long)st.pseq, st.pfile,
			    (long long)st.next_id);
			return;
		}
		sqlite3_close(db);
	}
	if (open_last) {
		part_name(maxseq, st.pfile, sizeof(st.pfile));
		st.pdb = part_connect(st.pfile);
		st.pseq = maxseq;
		st.pfirst = first;
		st.next_id = db_int(st.pdb, "SELECT max(id) + 1 FROM events",
		    first);
		/* ids the index holds past the rows are not given again */
		if (st.next_id <= st.fts_last)
			st.next_id = st.fts_last + 1;
		if (st.next_id < first)
			st.next_id = first;
		st.pcreated = created;
		stmt_prepare(STMT_PBEGIN, STMT_MAX);
		kf_resume(st.pdb, first);
	} else
		part_start(maxseq + 1, next, NULL);
	log_debug("writing partition %lld (%s) from id %lld",
	    (long long)st.pseq, st.pfile, (long long)st.next_id);
}

/* Is it time for a new partition? */
static int
roll_due(int check_time)
{
	int64_t	 now, events = st.next_id - st.pfirst;

	if (events == 0)
		return (0);
	if (events >= st.part_rows)
		return (1);
	if (!check_time)
		return (0);
	now = real_us();
	if (st.part_daily ? now / 86400000000LL != st.pcreated / 86400000000LL :
	    now - st.pcreated >= st.part_every)
		return (1);
	if (st.retention_size > 0 &&
	    db_bytes(st.pdb) + fts_bytes(st.pfile) > st.retention_size / 4)
		return (1);
	return (0);
}

static void
store_begin(void)
{
	struct timeval	 tv = { 0, STORE_BATCH_USEC };

	if (st.in_txn)
		return;
	store_step(STMT_PBEGIN);
	st.in_txn = 1;
	st.txn_started = mono_us();
	st.txn_busy = 0;
	st.txn_events = 0;
	st.txn_limit = STORE_BATCH_EVENTS;
	st.nfiles = 0;
	st.nrollups = 0;
	evtimer_add(&st.commit_ev, &tv);
}

/* Offsets and rollups of the batch join its transaction. */
static void
store_commit(void)
{
	sqlite3_stmt	*s;
	int64_t		 t0, t1;
	size_t		 i;
	int		 rv, overlap;

	if (!st.in_txn)
		return;
	t0 = mono_us();
	/* the index commits while offsets and rollups are written */
	fts_commit_start(st.next_id - 1);
	s = st.stmt[STMT_OFFSET_SET];
	for (i = 0; i < st.nfiles; i++) {
		sqlite3_bind_int64(s, 1, st.files[i].file_id);
		sqlite3_bind_int64(s, 2, st.files[i].offset);
		store_step(STMT_OFFSET_SET);
	}
	s = st.stmt[STMT_ROLLUP];
	for (i = 0; i < st.nrollups; i++) {
		sqlite3_bind_int64(s, 1, st.rollups[i].minute);
		sqlite3_bind_int(s, 2, st.rollups[i].severity);
		sqlite3_bind_int64(s, 3, st.rollups[i].count);
		store_step(STMT_ROLLUP);
	}
	flush_values();
	/*
	 * Unhurried, the index commits first: a search never misses a
	 * row.  Saturated (a long batch), the rows commit while the index
	 * does, and a reader of the file may see a row some milliseconds
	 * before a search finds it: waiting for the index cost the writer
	 * 7% of its time.  Either way the event is announced (counted,
	 * forwarded, acknowledged) only once both are committed, and an
	 * index left behind by a crash is completed at the next open.
	 */
	overlap = st.txn_limit == STORE_BATCH_MAX_EVENTS;
	if (overlap)
		store_step(STMT_PCOMMIT);
	t1 = mono_us();
	rv = fts_commit_wait();
	st.fts_wait_us += mono_us() - t1;
	if (rv == -1)
		log_warnx("%s: full-text index of the batch not committed;"
		    " it is completed when the partition is opened again",
		    st.pfile);
	if (!overlap)
		store_step(STMT_PCOMMIT);
	st.in_txn = 0;
	evtimer_del(&st.commit_ev);
	store_forward();
	st.stored += st.txn_events;
	st.batches++;
	st.last_commit_us = mono_us() - t0;
	st.commit_us += st.last_commit_us;
	if (st.last_commit_us > st.max_commit_us)
		st.max_commit_us = st.last_commit_us;
	log_trace("committed %zu events in %lld us", st.txn_events,
	    (long long)st.last_commit_us);
	st.txn_events = 0;
	st.nfiles = 0;
	st.nrollups = 0;
	if (roll_due(0))
		store_roll();
}

/*
 * After a commit, and only then, the web process hears of the events
 * (live streams) and of finished HTTP ingest requests: nothing points
 * at a row that is not stored.
 */
static void
store_forward(void)
{
	size_t	 i;

	for (i = 0; i < st.nfwd; i++) {
		if (st.fwd[i].count > 0 && st.correlate != NULL &&
		    imsgev_compose(st.correlate, IMSG_STORED, 0, -1,
		    st.fwd[i].buf, st.fwd[i].len) == -1) {
			if (errno != ENOBUFS)
				fatal("%s: compose", __func__);
			st.detect_dropped += st.fwd[i].count;
		}
		if (st.fwd[i].count > 0 && st.web != NULL &&
		    imsgev_compose(st.web, IMSG_STORED, 0, -1, st.fwd[i].buf,
		    st.fwd[i].len) == -1) {
			if (errno != ENOBUFS)
				fatal("%s: compose", __func__);
			st.live_dropped += st.fwd[i].count;
		}
		wire_reset(&st.fwd[i]);
	}
	st.nfwd = 0;
	if (st.correlate != NULL &&
	    imsgbuf_queued(&st.correlate->ibuf) > st.fwd_detect_peak)
		st.fwd_detect_peak = imsgbuf_queued(&st.correlate->ibuf);
	if (st.web != NULL && imsgbuf_queued(&st.web->ibuf) > st.fwd_live_peak)
		st.fwd_live_peak = imsgbuf_queued(&st.web->ibuf);
	for (i = 0; i < st.nacks; i++)
		if (st.web != NULL && imsgev_compose(st.web, IMSG_INGEST_ACK,
		    0, -1, &st.acks[i], sizeof(st.acks[i])) == -1)
			fatal("%s: compose", __func__);
	st.nacks = 0;
}

static void
forward_event(const struct event_view *v, int64_t id)
{
	struct wire_buf	*wb;
	size_t		 i;

	if (st.nfwd == 0 || st.fwd[st.nfwd - 1].len >= STORE_FWD_CHUNK) {
		if (st.nfwd == STORE_FWD_CHUNKS) {
			store_commit();
			store_begin();
		}
		st.nfwd++;
	}
	wb = &st.fwd[st.nfwd - 1];
	if (event_view_repack(wb, v, id) == -1)
		fatal("%s: repack", __func__);
	if (v->h.source_kind != SOURCE_HTTP)
		return;
	for (i = 0; i < st.nacks; i++) {
		if (st.acks[i].reqid == (uint32_t)v->h.source_id) {
			st.acks[i].stored++;
			return;
		}
	}
	if (st.nacks == STORE_MAX_ACKS) {
		store_commit();
		store_begin();
	}
	st.acks[st.nacks].reqid = v->h.source_id;
	st.acks[st.nacks].stored = 1;
	st.nacks++;
}

/*
 * Batches.  A batch ends after STORE_BATCH_EVENTS events or
 * STORE_BATCH_USEC, whichever comes first: an event is committed, and
 * seen by searches and detection, a fifth of a second after it came.
 * But each commit writes every page the batch changed, and the indices
 * on random values (addresses, users) change pages all over: with ten
 * thousand events a batch they rewrite most of their pages each time.
 * So when the store spends most of a batch's time storing (it is the
 * bottleneck: events are waiting), the batch goes on, up to
 * STORE_BATCH_MAX_EVENTS or STORE_BATCH_MAX_USEC, and those pages are
 * written once for two to three times as many events (a batch also
 * ends when STORE_FWD_CHUNKS of events wait for correlate and web).
 * Measured on two cores: 39,700 events/s instead of 33,000-34,400
 * growing to a million rows.  Unhurried, latency stays as it was.
 */
static int
batch_saturated(void)
{
	int64_t	 took = mono_us() - st.txn_started;

	return (took + STORE_BATCH_USEC / 2 <= STORE_BATCH_MAX_USEC &&
	    st.txn_busy * 100 >= took * STORE_BATCH_BUSY);
}

static void
store_commit_timer(int fd, short events, void *arg)
{
	struct timeval	 tv = { 0, STORE_BATCH_USEC / 2 };

	if (st.in_txn && batch_saturated()) {
		if (st.txn_limit != STORE_BATCH_MAX_EVENTS)
			st.batches_long++;
		st.txn_limit = STORE_BATCH_MAX_EVENTS;
		evtimer_add(&st.commit_ev, &tv);
		return;
	}
	store_commit();
}

static void
mark_file(int64_t file_id, int64_t offset)
{
	size_t	 i;

	for (i = 0; i < st.nfiles; i++) {
		if (st.files[i].file_id == file_id) {
			if (offset > st.files[i].offset)
				st.files[i].offset = offset;
			return;
		}
	}
	if (st.nfiles == STORE_MAX_FILES_BATCH) {
		/* commit early rather than forget an offset */
		store_commit();
		store_begin();
	}
	st.files[st.nfiles].file_id = file_id;
	st.files[st.nfiles].offset = offset;
	st.nfiles++;
}

static void
mark_rollup(int64_t ts, int severity)
{
	int64_t	 minute = ts / 60000000;
	size_t	 i;

	for (i = 0; i < st.nrollups; i++) {
		if (st.rollups[i].minute == minute &&
		    st.rollups[i].severity == severity) {
			st.rollups[i].count++;
			return;
		}
	}
	if (st.nrollups == sizeof(st.rollups) / sizeof(st.rollups[0])) {
		store_commit();
		store_begin();
	}
	st.rollups[st.nrollups].minute = minute;
	st.rollups[st.nrollups].severity = severity;
	st.rollups[st.nrollups].count = 1;
	st.nrollups++;
}

static uint32_t
vhash(int field, int sev, int64_t bucket, const char *a, size_t alen,
    const char *b, size_t blen)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	h = (h ^ field) * 16777619u;
	h = (h ^ sev) * 16777619u;
	h = (h ^ (uint32_t)bucket) * 16777619u;
	for (i = 0; i < alen; i++)
		h = (h ^ (uint8_t)a[i]) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (i = 0; i < blen; i++)
		h = (h ^ (uint8_t)b[i]) * 16777619u;
	return (h);
}

/*
 * Count one event for (field, value, value2, bucket, severity); the
 * counts join the batch's transaction.  A batch with too many distinct
 * values commits early rather than lose one.
 */
static void
mark_value(int field, int sev, int64_t bucket, const char *a, size_t alen,
    const char *b, size_t blen, int64_t ts)
{
	struct vrollup	*r;
	uint32_t	 h = vhash(field, sev, bucket, a, alen, b, blen);
	size_t		 i;

	for (i = h % STORE_VROLLUPS;; i = (i + 1) % STORE_VROLLUPS) {
		r = &st.vrollups[i];
		if (r->value == NULL)
			break;
		if (r->hash == h && r->field == field && r->severity == sev &&
		    r->bucket == bucket && strlen(r->value) == alen &&
		    memcmp(r->value, a, alen) == 0 &&
		    strlen(r->value2) == blen &&
		    memcmp(r->value2, b, blen) == 0) {
			r->count++;
			if (ts < r->first)
				r->first = ts;
			if (ts > r->last)
				r->last = ts;
			return;
		}
	}
	if (st.nvrollups >= STORE_VROLLUPS / 2) {
		store_commit();
		store_begin();
		mark_value(field, sev, bucket, a, alen, b, blen, ts);
		return;
	}
	if ((r->value = strndup(a, alen)) == NULL ||
	    (r->value2 = strndup(b, blen)) == NULL)
		fatal("%s: strndup", __func__);
	r->hash = h;
	r->field = field;
	r->severity = sev;
	r->bucket = bucket;
	r->count = 1;
	r->first = r->last = ts;
	st.nvrollups++;
}

/* The value counts of one event (ROLLUP_* in siemd.h). */
static void
mark_values(const struct event_view *v)
{
	const char	*host = v->text[EV_HOST], *app = v->text[EV_APP];
	const char	*type = v->text[EV_EVENT_TYPE];
	size_t		 hl = host ? v->h.textlen[EV_HOST] : 0;
	size_t		 al = app ? v->h.textlen[EV_APP] : 0;
	size_t		 tl = type ? v->h.textlen[EV_EVENT_TYPE] : 0;
	int		 sev = v->h.severity;

	if (host != NULL)
		mark_value(ROLLUP_HOST, sev, 0, host, hl, "", 0, v->h.ts);
	if (app != NULL) {
		mark_value(ROLLUP_APP, sev, 0, app, al, "", 0, v->h.ts);
		mark_value(ROLLUP_APP_HOUR, 0, v->h.ts / 3600000000LL, app,
		    al, "", 0, v->h.ts);
	}
	if (type != NULL) {
		mark_value(ROLLUP_TYPE, sev, 0, type, tl, app ? app : "", al,
		    v->h.ts);
		if (host != NULL)
			mark_value(ROLLUP_HOST_TYPE, 0, 0, type, tl, host, hl,
			    v->h.ts);
	}
}

static void
flush_values(void)
{
	sqlite3_stmt	*s = st.stmt[STMT_ROLLUP_VALUE];
	struct vrollup	*r;
	size_t		 i;

	for (i = 0; i < STORE_VROLLUPS && st.nvrollups > 0; i++) {
		r = &st.vrollups[i];
		if (r->value == NULL)
			continue;
		sqlite3_bind_int(s, 1, r->field);
		sqlite3_bind_text(s, 2, r->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, r->value2, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, r->bucket);
		sqlite3_bind_int(s, 5, r->severity);
		sqlite3_bind_int64(s, 6, r->count);
		sqlite3_bind_int64(s, 7, r->first);
		sqlite3_bind_int64(s, 8, r->last);
		store_step(STMT_ROLLUP_VALUE);
		free(r->value);
		free(r->value2);
		r->value = r->value2 = NULL;
		st.nvrollups--;
	}
}

static void
bind_text(sqlite3_stmt *s, int col, const struct event_view *v, int field)
{
	if (v->text[field] == NULL)
		sqlite3_bind_null(s, col);
	else
		sqlite3_bind_text(s, col, v->text[field], v->h.textlen[field],
		    SQLITE_STATIC);
}

static void
bind_int(sqlite3_stmt *s, int col, int64_t v)
{
	if (v == -1)
		sqlite3_bind_null(s, col);
	else
		sqlite3_bind_int64(s, col, v);
}

/* A value of a random-valued field, for the chunk's key filter. */
static void
kf_push(enum kf_field f, const char *s, size_t len)
{
	size_t	 cap;

	if (st.kf_n == st.kf_cap) {
		cap = st.kf_cap ? st.kf_cap * 2 : 4096;
		if ((st.kf_hashes = reallocarray(st.kf_hashes, cap,
		    sizeof(*st.kf_hashes))) == NULL)
			fatal("%s: reallocarray", __func__);
		st.kf_cap = cap;
	}
	st.kf_hashes[st.kf_n++] = kf_hash(f, s, len);
}

static void
kf_add(const struct event_view *v)
{
	if (v->text[EV_SRC_IP] != NULL)
		kf_push(KF_SRC_IP, v->text[EV_SRC_IP],
		    v->h.textlen[EV_SRC_IP]);
	if (v->text[EV_USER_ID] != NULL)
		kf_push(KF_USER_ID, v->text[EV_USER_ID],
		    v->h.textlen[EV_USER_ID]);
	if (v->text[EV_REQUEST_ID] != NULL)
		kf_push(KF_REQUEST_ID, v->text[EV_REQUEST_ID],
		    v->h.textlen[EV_REQUEST_ID]);
}

/*
 * The chunk's filter, ending at id last, joins the batch's
 * transaction.  Should it fail, a search reads the chunk whole.
 */
static void
kf_flush(int64_t last)
{
	sqlite3_stmt	*s = st.stmt[STMT_KEYFILTER];
	uint8_t		*f;
	size_t		 len;

	if ((f = kf_build(st.kf_hashes, st.kf_n, &len)) == NULL)
		fatal("%s: kf_build", __func__);
	sqlite3_bind_int64(s, 1, st.kf_first);
	sqlite3_bind_int64(s, 2, last);
	sqlite3_bind_blob(s, 3, f, (int)len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("key filter: %s", sqlite3_errmsg(st.pdb));
		st.errors++;
	} else
		st.kf_chunks++;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	free(f);
	st.kf_first = last + 1;
	st.kf_n = 0;
}

/*
 * A partition opened for writing: the chunk being filled goes on with
 * the values of the rows it has (after a restart, up to KF_CHUNK).
 */
static void
kf_resume(sqlite3 *db, int64_t first)
{
	sqlite3_stmt	*s;
	const char	*t;
	int		 i, rv;

	st.kf_n = 0;
	st.kf_first = db_int(db, "SELECT max(last_id) + 1 FROM keyfilter",
	    first);
	if (sqlite3_prepare_v2(db, "SELECT src_ip, user_id, request_id FROM"
	    " events WHERE id >= ?1", -1, &s, NULL) != SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(db));
	sqlite3_bind_int64(s, 1, st.kf_first);
	while ((rv = sqlite3_step(s)) == SQLITE_ROW)
		for (i = 0; i < KF_FIELDS; i++)
			if ((t = (const char *)sqlite3_column_text(s, i)) !=
			    NULL)
				kf_push((enum kf_field)i, t,
				    sqlite3_column_bytes(s, i));
	/* a filter short of some rows would hide them from searches */
	if (rv != SQLITE_DONE)
		fatalx("%s: %s", __func__, sqlite3_errmsg(db));
	sqlite3_finalize(s);
}

static void
count_source(int kind, int64_t id)
{
	char	 key[32];
	json_t	*n;

	source_key(kind, id, key, sizeof(key));
	n = json_object_get(st.per_source, key);
	json_object_set_new(st.per_source, key,
	    json_integer(json_integer_value(n) + 1));
}

static void
store_events(const uint8_t *buf, size_t len)
{
	struct event_view	 v;
	sqlite3_stmt		*s;
	int			 rv, col, ok;
	int64_t			 id;
	static const int	 text_cols[] = {
		EV_SOURCE_TYPE, EV_HOST, EV_APP, EV_LEVEL, EV_EVENT_TYPE,
		EV_OUTCOME, EV_MESSAGE, EV_REQUEST_ID, EV_USER_ID, EV_SRC_IP,
		EV_DEST_IP, EV_PROTOCOL, EV_USER_AGENT, EV_HTTP_METHOD,
		EV_HTTP_PATH, EV_HTTP_QUERY, EV_ERROR_TYPE, EV_PROCESS_EXE,
		EV_PROCESS_CMDLINE, EV_PROCESS_CWD, EV_PARENT_EXE, EV_RAW,
		EV_SOURCE_FILE, EV_TAGS
	};
	size_t			 i;

	while ((rv = event_view_next(&buf, &len, &v)) == 1) {
		/* statements change with the partition: fetched per row */
		store_begin();
		s = st.stmt[STMT_INSERT];
		id = st.next_id;
		sqlite3_bind_int64(s, 1, v.h.ts);
		sqlite3_bind_int64(s, 2, v.h.received_at);
		sqlite3_bind_text(s, 3, event_severity_name(v.h.severity), -1,
		    SQLITE_STATIC);
		if (v.h.latency_ms < 0)
			sqlite3_bind_null(s, 4);
		else
			sqlite3_bind_double(s, 4, v.h.latency_ms);
		bind_int(s, 5, v.h.ints[EV_PID]);
		bind_int(s, 6, v.h.ints[EV_FACILITY]);
		bind_int(s, 7, v.h.ints[EV_SYSLOG_SEVERITY]);
		bind_int(s, 8, v.h.ints[EV_SRC_PORT]);
		bind_int(s, 9, v.h.ints[EV_DEST_PORT]);
		bind_int(s, 10, v.h.ints[EV_HTTP_STATUS]);
		bind_int(s, 11, v.h.ints[EV_SOURCE_OFFSET]);
		col = 12;
		for (i = 0; i < sizeof(text_cols) / sizeof(text_cols[0]); i++)
			bind_text(s, col++, &v, text_cols[i]);
		if (v.data == NULL)
			sqlite3_bind_null(s, col);
		else
			sqlite3_bind_text(s, col, v.data, v.h.datalen,
			    SQLITE_STATIC);
		sqlite3_bind_int64(s, 37, id);
		ok = sqlite3_step(s) == SQLITE_DONE;
		if (!ok) {
			/* one bad row must not lose the batch */
			log_warnx("insert: %s", sqlite3_errmsg(st.pdb));
			st.errors++;
		}
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		if (ok) {
			st.next_id++;
			fts_add(st.pfile, id, v.text[EV_MESSAGE],
			    v.h.textlen[EV_MESSAGE], v.text[EV_HTTP_PATH],
			    v.h.textlen[EV_HTTP_PATH]);
			st.txn_events++;
			mark_rollup(v.h.ts, v.h.severity);
			mark_values(&v);
			kf_add(&v);
			if (id - st.kf_first + 1 >= KF_CHUNK)
				kf_flush(id);
			count_source(v.h.source_kind, v.h.source_id);
			if (v.h.source_kind == SOURCE_FILE &&
			    v.h.ints[EV_SOURCE_OFFSET] >= 0)
				mark_file(v.h.source_id,
				    v.h.ints[EV_SOURCE_OFFSET]);
			forward_event(&v, id);
		}
		/* a full partition ends the batch: store_commit rolls */
		if (st.txn_events >= st.txn_limit &&
		    st.txn_limit == STORE_BATCH_EVENTS && batch_saturated()) {
			st.batches_long++;
			st.txn_limit = STORE_BATCH_MAX_EVENTS;
		}
		if (st.txn_events >= st.txn_limit ||
		    st.next_id - st.pfirst >= st.part_rows)
			store_commit();
	}
	if (rv == -1)
		fatalx("%s: malformed event batch", __func__);
}

static int
store_dispatch_parser(struct imsgev *iev, struct imsg *imsg)
{
	int64_t	 t0;

	switch (imsg->hdr.type) {
	case IMSG_EVENTS:
		t0 = mono_us();
		store_events(imsg->data, imsg->datalen);
		st.insert_us += mono_us() - t0;
		/* of this batch: one may have ended in the middle */
		if (st.in_txn)
			st.txn_busy += mono_us() - (t0 > st.txn_started ? t0 :
			    st.txn_started);
		break;
	default:
		return (-1);
	}
	return (0);
}

/*
 * Where does a tailed file resume?  Same path and inode: at the
 * committed offset.  Same path, new inode: a rotation, from the start.
 * A path never seen: from the start or the end, as configured.
 */
static void
store_register(struct imsgev *iev, struct imsg *imsg)
{
	struct file_register	 fr;
	struct file_registered	 rep;
	sqlite3_stmt		*s;
	const void		*path;
	size_t			 pathlen;

	if (imsg_get_head(imsg, &fr, sizeof(fr), &path, &pathlen) == -1 ||
	    pathlen == 0 || memchr(path, '\0', pathlen) !=
	    (const char *)path + pathlen - 1)
		fatalx("%s: bad message", __func__);
	store_commit();

	memset(&rep, 0, sizeof(rep));
	rep.reqid = fr.reqid;
	rep.file_id = -1;
	s = st.stmt[STMT_FILE_LOOKUP];
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		if ((uint64_t)sqlite3_column_int64(s, 1) == fr.dev &&
		    (uint64_t)sqlite3_column_int64(s, 2) == fr.ino) {
			rep.file_id = sqlite3_column_int64(s, 0);
			rep.offset = sqlite3_column_int64(s, 3);
		} else
			rep.offset = 0;		/* rotated */
	} else
		rep.offset = fr.start_beginning ? 0 : fr.size;
	sqlite3_reset(s);
	if (rep.file_id != -1) {
		/* the committed offset, if any batch had lines of it */
		s = st.stmt[STMT_OFFSET_GET];
		sqlite3_bind_int64(s, 1, rep.file_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			rep.offset = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}

	if (rep.file_id == -1) {
		s = st.stmt[STMT_FILE_INSERT];
		sqlite3_bind_int(s, 1, fr.tail_id);
		sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, (int64_t)fr.dev);
		sqlite3_bind_int64(s, 4, (int64_t)fr.ino);
		sqlite3_bind_int64(s, 5, rep.offset);
		sqlite3_bind_int64(s, 6, real_us());
		store_step(STMT_FILE_INSERT);
		rep.file_id = sqlite3_last_insert_rowid(st.db);
	}
	if (imsgev_compose(iev, IMSG_FILE_REGISTERED, 0, -1, &rep,
	    sizeof(rep)) == -1)
		fatal("%s: compose", __func__);
}

static const char *
js_str(json_t *js, const char *key)
{
	return (json_string_value(json_object_get(js, key)));
}

static void
bind_js(sqlite3_stmt *s, int col, json_t *js, const char *key)
{
	const char	*v = js_str(js, key);

	if (v == NULL)
		sqlite3_bind_null(s, col);
	else
		sqlite3_bind_text(s, col, v, -1, SQLITE_TRANSIENT);
}

/*
 * One alert report from correlate: inserted, or merged into the alert
 * of the same key (rule, group and window), inside the transaction
 * store_alerts() opened, then announced to the web process for live
 * streams.  -1 when it is not an alert report.
 */
static int
store_alert(json_t *js, int64_t now)
{
	sqlite3_stmt	*s = st.stmt[STMT_ALERT_GET];
	json_t		*ids, *tags, *out, *total, *old, *merged;
	char		*idtext, *tagtext, *announce;
	int64_t		 id = 0, count, ntotal;
	int		 created;

	if (!json_is_object(js) ||
	    js_str(js, "key") == NULL || js_str(js, "rule_id") == NULL ||
	    js_str(js, "severity") == NULL ||
	    !json_is_integer(json_object_get(js, "first_seen")) ||
	    !json_is_integer(json_object_get(js, "last_seen")))
		return (-1);
	ids = json_object_get(js, "event_ids");
	if (!json_is_array(ids))
		ids = NULL;
	count = json_is_integer(json_object_get(js, "count")) ?
	    json_integer_value(json_object_get(js, "count")) : 1;
	/* reports merged in correlate say how many ids they stood for */
	total = json_object_get(js, "events_total");
	ntotal = json_is_integer(total) ? json_integer_value(total) :
	    ids != NULL ? (int64_t)json_array_size(ids) : 0;

	/* the alert of this key, if any, and the ids it has */
	sqlite3_bind_text(s, 1, js_str(js, "key"), -1, SQLITE_TRANSIENT);
	created = sqlite3_step(s) != SQLITE_ROW;
	old = NULL;
	if (!created) {
		id = sqlite3_column_int64(s, 0);
		old = json_loads((const char *)sqlite3_column_text(s, 1), 0,
		    NULL);
	}
	sqlite3_reset(s);
	if (!created) {
		/* united here: the row keeps the lowest 100 */
		merged = alert_ids_union(json_is_array(old) ? old : NULL, ids);
		if (merged == NULL ||
		    (idtext = json_dumps(merged, JSON_COMPACT)) == NULL)
			fatal("%s: event ids", __func__);
		json_decref(merged);
		json_decref(old);
		s = st.stmt[STMT_ALERT_UPDATE];
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, json_integer_value(json_object_get(js,
		    "first_seen")));
		sqlite3_bind_int64(s, 3, json_integer_value(json_object_get(js,
		    "last_seen")));
		sqlite3_bind_int64(s, 4, count);
		sqlite3_bind_int64(s, 5, ntotal);
		sqlite3_bind_text(s, 6, idtext, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 7, now);
		store_step(STMT_ALERT_UPDATE);
		free(idtext);
		st.alerts_updated++;
		goto announce;
	}

	merged = alert_ids_union(ids, NULL);
	tags = json_object_get(js, "tags");
	idtext = merged != NULL ? json_dumps(merged, JSON_COMPACT) : NULL;
	tagtext = json_is_array(tags) ? json_dumps(tags, JSON_COMPACT) :
	    strdup("[]");
	if (idtext == NULL || tagtext == NULL)
		fatal("%s: json_dumps", __func__);
	json_decref(merged);
	s = st.stmt[STMT_ALERT_INSERT];
	bind_js(s, 1, js, "key");
	bind_js(s, 2, js, "rule_id");
	bind_js(s, 3, js, "title");
	bind_js(s, 4, js, "author");
	bind_js(s, 5, js, "description");
	bind_js(s, 6, js, "level");
	bind_js(s, 7, js, "severity");
	sqlite3_bind_text(s, 8, tagtext, -1, SQLITE_TRANSIENT);
	bind_js(s, 9, js, "group_key");
	sqlite3_bind_int64(s, 10, json_integer_value(json_object_get(js,
	    "first_seen")));
	sqlite3_bind_int64(s, 11, json_integer_value(json_object_get(js,
	    "last_seen")));
	sqlite3_bind_int64(s, 12, count);
	sqlite3_bind_text(s, 13, idtext, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 14, ntotal);
	sqlite3_bind_int64(s, 15, now);
	store_step(STMT_ALERT_INSERT);
	id = sqlite3_last_insert_rowid(st.db);
	s = st.stmt[STMT_ALERT_HISTORY];
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, "siemd", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, "created", -1, SQLITE_STATIC);
	sqlite3_bind_null(s, 5);
	sqlite3_bind_text(s, 6, "new", -1, SQLITE_STATIC);
	sqlite3_bind_null(s, 7);
	store_step(STMT_ALERT_HISTORY);
	st.alerts_created++;
	free(idtext);
	free(tagtext);

 announce:
	out = json_deep_copy(js);
	json_object_set_new(out, "id", json_integer(id));
	json_object_set_new(out, "created", json_boolean(created));
	if (st.web != NULL && (announce = json_dumps(out, JSON_COMPACT)) !=
	    NULL) {
		if (strlen(announce) + 1 <= SIEMD_MAX_PAYLOAD &&
		    imsgev_compose(st.web, IMSG_ALERT_STORED, 0, -1, announce,
		    strlen(announce) + 1) == -1 && errno != ENOBUFS)
			fatal("%s: compose", __func__);
		free(announce);
	}
	json_decref(out);
	return (0);
}

/*
 * A message of alert reports (a JSON array, or one object): all
 * written in one transaction of the main file.  The batch of events
 * being written stays open: the alerts go to the main file on its own
 * connection, and the events they name were committed before
 * correlate saw them.
 */
static int
store_alerts(const char *text)
{
	json_t	*js, *v;
	size_t	 i;
	int64_t	 now = real_us();
	int	 rv = 0;

	if ((js = json_loads(text, 0, NULL)) == NULL)
		return (-1);
	store_step(STMT_BEGIN);
	if (json_is_array(js)) {
		json_array_foreach(js, i, v)
			if (store_alert(v, now) == -1)
				rv = -1;
	} else
		rv = store_alert(js, now);
	store_step(STMT_COMMIT);
	st.alert_batches++;
	json_decref(js);
	return (rv);
}

static int
store_dispatch_correlate(struct imsgev *iev, struct imsg *imsg)
{
	const char	*text;
	int64_t		 since;

	switch (imsg->hdr.type) {
	case IMSG_ALERT:
		if (imsg_get_string(imsg, &text) == -1 ||
		    store_alerts(text) == -1)
			return (-1);
		break;
	case IMSG_REPLAY:
		/* committed first: what it forwards is in the replay */
		if (imsg_get_data(imsg, &since, sizeof(since)) == -1)
			return (-1);
		store_commit();
		store_replay_parts(iev, since);
		break;
	default:
		return (-1);
	}
	return (0);
}

/*
 * An analyst's change (store_triage.c): applied at once in its own
 * transaction, answered, and every alert it changed announced like a
 * new one, so that live streams show the new state.
 */
static int
store_triage(struct imsgev *iev, struct imsg *imsg)
{
	struct triage_msg	 tm;
	struct iovec		 iov[2];
	const void		*text;
	size_t			 len, i;
	char			*reply, *alert;
	json_t			*js, *v;

	if (imsg_get_head(imsg, &tm, sizeof(tm), &text, &len) == -1 ||
	    len == 0 || memchr(text, '\0', len) != (const char *)text + len - 1)
		return (-1);
	store_commit();
	triage_apply(st.db, text, real_us(), &reply);
	iov[0].iov_base = &tm;
	iov[0].iov_len = sizeof(tm);
	iov[1].iov_base = reply;
	iov[1].iov_len = strlen(reply) + 1;
	if (imsgev_composev(iev, IMSG_TRIAGE_DONE, 0, -1, iov, 2) == -1) {
		if (errno != ENOBUFS)
			fatal("%s: compose", __func__);
		st.live_dropped++;
	}
	js = json_loads(reply, 0, NULL);
	json_array_foreach(json_object_get(js, "changed"), i, v) {
		if ((alert = triage_alert_text(st.db,
		    json_integer_value(v))) == NULL)
			continue;
		if (strlen(alert) + 1 <= SIEMD_MAX_PAYLOAD &&
		    imsgev_compose(iev, IMSG_ALERT_STORED, 0, -1, alert,
		    strlen(alert) + 1) == -1 && errno != ENOBUFS)
			fatal("%s: compose", __func__);
		free(alert);
	}
	if (json_object_get(js, "notify") != NULL)
		store_send_suppress();
	json_decref(js);
	free(reply);
	return (0);
}

/*
 * Correlate learns the active silences and the allow-list at start and
 * whenever an administrator changes them.
 */
static void
store_send_suppress(void)
{
	sqlite3_stmt	*q;
	json_t		*js, *sil, *allow;
	char		*text;

	if (st.correlate == NULL)
		return;
	sil = json_array();
	allow = json_array();
	if (sil == NULL || allow == NULL)
		fatal("%s: json_array", __func__);
	if (sqlite3_prepare_v2(st.db, "SELECT rule_id, group_key, expires_at"
	    " FROM silences WHERE expires_at > ?1", -1, &q, NULL) !=
	    SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(st.db));
	sqlite3_bind_int64(q, 1, real_us());
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(sil, json_pack("{s:s?,s:s?,s:I}",
		    "rule_id", (const char *)sqlite3_column_text(q, 0),
		    "group_key", (const char *)sqlite3_column_text(q, 1),
		    "expires_at", (json_int_t)sqlite3_column_int64(q, 2)));
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(st.db, "SELECT cidr FROM allowlist", -1, &q,
	    NULL) != SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(st.db));
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(allow, json_string(
		    (const char *)sqlite3_column_text(q, 0)));
	sqlite3_finalize(q);
	js = json_pack("{s:o,s:o}", "silences", sil, "allowlist", allow);
	if (js == NULL || (text = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	if (strlen(text) + 1 > SIEMD_MAX_PAYLOAD)
		log_warnx("too many silences and allow-list entries to send");
	else if (imsgev_compose(st.correlate, IMSG_SUPPRESS, 0, -1, text,
	    strlen(text) + 1) == -1)
		fatal("%s: compose", __func__);
	free(text);
	json_decref(js);
}

/* Revocations are written at once: a logout must not be lost. */
static int
store_dispatch_web(struct imsgev *iev, struct imsg *imsg)
{
	struct revoke	 rv;
	sqlite3_stmt	*s = st.stmt[STMT_REVOKE];

	switch (imsg->hdr.type) {
	case IMSG_REVOKE:
		if (imsg_get_data(imsg, &rv, sizeof(rv)) == -1 ||
		    memchr(rv.jti, '\0', sizeof(rv.jti)) == NULL)
			return (-1);
		store_commit();
		sqlite3_bind_text(s, 1, rv.jti, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, rv.exp);
		store_step(STMT_REVOKE);
		break;
	case IMSG_TRIAGE:
		return (store_triage(iev, imsg));
	default:
		return (-1);
	}
	return (0);
}

/*
 * At start the web process learns which tokens stay revoked; a long
 * list goes in pieces (json_chunks.h).
 */
static void
store_send_revoked(void)
{
	sqlite3_stmt	*s = st.stmt[STMT_REVOKED];
	json_t		*list;

	if (st.web == NULL)
		return;
	if ((list = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	sqlite3_bind_int64(s, 1, real_us() / 1000000);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:s,s:I}",
		    "jti", (const char *)sqlite3_column_text(s, 0),
		    "exp", (json_int_t)sqlite3_column_int64(s, 1)));
	sqlite3_reset(s);
	(void)json_chunks_send(st.web, IMSG_REVOKED_LIST, list);
	json_decref(list);
}

static int
store_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_FILE_REGISTER:
		store_register(iev, imsg);
		break;
	default:
		return (-1);
	}
	return (0);
}

/*
 * Remove a closed partition: first from the list, so that query
 * processes stop opening it, then its file.  Partition 0, the events
 * stored before partitions existed, lives in the main file: its tables
 * are dropped and the pages go back to the file system in steps.
 */
static void
part_drop(int64_t seq, const char *file, int64_t events)
{
	sqlite3_bind_int64(st.stmt[STMT_PART_DROP], 1, seq);
	if (seq == 0) {
		store_step(STMT_BEGIN);
		store_step(STMT_PART_DROP);
		store_exec("DROP TABLE IF EXISTS events_fts;"
		    " DROP TABLE IF EXISTS events;"
		    " DROP TABLE IF EXISTS rollup_minute;");
		store_step(STMT_COMMIT);
	} else {
		store_step(STMT_PART_DROP);
		part_unlink(file);
	}
	st.retained += events;
	st.dropped++;
	log_info("retention: partition %lld removed (%lld events)",
	    (long long)seq, (long long)events);
}

/*
 * Retention removes whole partitions, oldest first: those whose newest
 * event was received before the retention age, then as many as the
 * size limit asks.  The partition being written is never removed; it
 * is closed early instead (roll_due) when it alone grows too large.
 */
static void
store_retain_timer(int fd, short events, void *arg)
{
	struct timeval	 tv = { STORE_RETENTION_EVERY, 0 };
	sqlite3_stmt	*s;
	int64_t		 total, cutoff, bytes, seq, n;
	char		 file[PATH_MAX];
	int		 drops = 0, drop;

	if (roll_due(1))
		store_roll();
	seal_collect(0);
	seal_retry();
	cutoff = st.retention_age > 0 ? real_us() - st.retention_age : 0;
	if (sqlite3_prepare_v2(st.db, "SELECT seq, file, coalesce("
	    "last_received_at, 0), coalesce(bytes, 0), coalesce(last_id -"
	    " first_id + 1, 0), (SELECT coalesce(sum(bytes), 0) FROM"
	    " partitions WHERE sealed_at IS NOT NULL) FROM partitions"
	    " WHERE sealed_at IS NOT NULL ORDER BY seq", -1, &s, NULL) !=
	    SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(st.db));
	total = -1;
	while (drops < STORE_DROPS_PER_CHECK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		if (total == -1)
			total = sqlite3_column_int64(s, 5) + db_bytes(st.pdb);
		seq = sqlite3_column_int64(s, 0);
		bytes = sqlite3_column_int64(s, 3);
		n = sqlite3_column_int64(s, 4);
		drop = (cutoff > 0 && sqlite3_column_int64(s, 2) < cutoff) ||
		    (st.retention_size > 0 && total > st.retention_size);
		if (!drop)
			break;
		strlcpy(file, (const char *)sqlite3_column_text(s, 1),
		    sizeof(file));
		sqlite3_reset(s);
		part_drop(seq, file, n);
		total -= bytes;
		drops++;
	}
	sqlite3_finalize(s);
	if (db_int(st.db, "PRAGMA freelist_count", 0) > 0)
		store_exec("PRAGMA incremental_vacuum(256)");
	evtimer_add(&st.retain_ev, &tv);
}

/*
 * Replay for correlate: the events received since "since", at most
 * the newest STORE_REPLAY_MAX_EVENTS, from the closed (or closing)
 * partitions that may hold some, oldest first, then from the partition
 * being written.  The sealer may hold a closing one's lock for a
 * moment: its readers wait for it.
 */
static void
store_replay_parts(struct imsgev *iev, int64_t since)
{
	sqlite3_stmt	*s;
	sqlite3		*dbs[STORE_REPLAY_PARTS];
	int64_t		 min_id;
	size_t		 n = 0, i;

	min_id = st.next_id - STORE_REPLAY_MAX_EVENTS;
	if (sqlite3_prepare_v2(st.db, "SELECT file FROM (SELECT seq, file"
	    " FROM partitions WHERE last_id >= ?3"
	    " AND last_received_at >= ?1 ORDER BY seq DESC LIMIT ?2)"
	    " ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
		fatalx("%s: %s", __func__, sqlite3_errmsg(st.db));
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int(s, 2, STORE_REPLAY_PARTS - 1);
	sqlite3_bind_int64(s, 3, min_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (sqlite3_open_v2((const char *)sqlite3_column_text(s, 0),
		    &dbs[n], SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
		    NULL) == SQLITE_OK) {
			sqlite3_busy_timeout(dbs[n], STORE_REPLAY_BUSY_MS);
			n++;
		} else {
			log_warnx("replay: %s", sqlite3_errmsg(dbs[n]));
			sqlite3_close(dbs[n]);
		}
	sqlite3_finalize(s);
	dbs[n++] = st.pdb;
	store_replay_answer(dbs, n, min_id, iev, since);
	for (i = 0; i + 1 < n; i++)
		sqlite3_close(dbs[i]);
}

static void
store_stop(void *arg)
{
	store_commit();
	ckpt_release();
	fts_release();
	/* a seal under way is interrupted: the next start does it */
	seal_stop();
	seal_collect(0);
	stmt_finalize(0, STMT_MAX);
	if (st.pdb != NULL)
		sqlite3_close(st.pdb);
	if (st.db != NULL)
		sqlite3_close(st.db);
	st.db = st.pdb = NULL;
}

__dead void
store(struct proc_ctx *ctx)
{
	struct timeval	 tv = { STORE_RETENTION_EVERY, 0 };
	struct imsgev	*iev;
	const char	*db;
	char		*copy;
	int		 i;

	child_setup(ctx, &st.c);
	st.c.counters = store_counters;
	st.c.stop = store_stop;
	if ((st.per_source = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	db = child_conf_str(&st.c, "database", SIEMD_DATABASE);
	if ((copy = strdup(db)) == NULL ||
	    (st.dbfile = strdup(basename(copy))) == NULL)
		fatal("%s: strdup", __func__);
	free(copy);
	st.retention_age = child_conf_int(&st.c, "retention_age", 0) *
	    1000000;
	st.retention_size = child_conf_int(&st.c, "retention_size", 0);
	st.part_rows = child_conf_int(&st.c, "partition_rows",
	    SIEMD_PART_ROWS);
	/*
	 * A partition a day, or every "partition every"; a retention
	 * shorter than eight days shortens it, for retention works on
	 * whole partitions.
	 */
	st.part_every = child_conf_int(&st.c, "partition_every", 0) * 1000000;
	st.part_daily = st.part_every == 0;
	if (st.part_daily)
		st.part_every = 86400000000LL;
	if (st.retention_age > 0 && st.retention_age / 8 < st.part_every) {
		st.part_every = st.retention_age / 8;
		if (st.part_every < 1000000)
			st.part_every = 1000000;
		st.part_daily = 0;
	}
	/* SQLite keeps its temporary data in memory: the jail has no /tmp */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* the checkpointer and the index writer use SQLite beside us */
	if (!sqlite3_threadsafe())
		fatalx("this SQLite library was built without thread support");
	/* threads are possible before the sandbox only */
	ckpt_start(STORE_WAL_PASSIVE, STORE_WAL_RESTART, STORE_WAL_RETRY,
	    STORE_WAL_WAIT_MS);
	fts_start();
	seal_start(part_close_file);
	child_seal(&st.c, child_dbdir(&st.c));
	store_open();

	ctx->parent.dispatch = store_dispatch_parent;
	for (i = 0; i < PROC_MAX_INSTANCES; i++)
		if ((iev = proc_peer(ctx, PROC_PARSER, i)) != NULL)
			iev->dispatch = store_dispatch_parser;
	/*
	 * Neither a slow web process nor a slow correlate process may
	 * stall storage: past a bound, what they miss is counted.
	 */
	if ((st.correlate = proc_peer(ctx, PROC_CORRELATE, 0)) != NULL) {
		imsgbuf_set_limits(&st.correlate->ibuf, 0, 0,
		    STORE_FWD_QLIMIT, NULL, NULL);
		st.correlate->dispatch = store_dispatch_correlate;
		store_send_suppress();
	}
	if ((st.web = proc_peer(ctx, PROC_WEB, 0)) != NULL) {
		imsgbuf_set_limits(&st.web->ibuf, 0, 0, STORE_FWD_QLIMIT,
		    NULL, NULL);
		st.web->dispatch = store_dispatch_web;
		store_send_revoked();
	}
	evtimer_assign(&st.commit_ev, ctx->evbase, store_commit_timer, NULL);
	evtimer_assign(&st.retain_ev, ctx->evbase, store_retain_timer, NULL);
	evtimer_add(&st.retain_ev, &tv);
	child_run(&st.c);
}
