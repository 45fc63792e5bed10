/*
 * The full-text index of the partition being written.
 *
 * Maintaining FTS5 beside each row was a fifth of what storing an
 * event cost the store's one writer, and a database file has one
 * writer at a time.  So the index of a partition (schema 3 and later)
 * is a file of its own, "NAME.pNNNNNN.fts.db", holding a contentless
 * FTS5 table (the text is in the events table already), and a thread
 * of the store writes it on a connection of its own while the writer
 * goes on with the rows: the two use both cores.  Query processes
 * attach the file as schema "fts" and search it as before.
 *
 * The writer hands the thread (id, message, http_path) in buffers of
 * about 64 KB.  At the end of a batch it asks the thread to commit.
 * An unhurried writer waits for that commit before committing the
 * rows, so a search never misses a row; a saturated one commits the
 * rows meanwhile and then waits (store.c, store_commit), and events
 * are announced only once both are committed.  A crash between the
 * two commits leaves either rows the index lacks, indexed when the
 * partition is opened again, or index entries for ids with no row:
 * fts_done keeps the last id the index holds and the store starts
 * numbering after it, so such an id is never given to another event
 * and its entries match nothing.  Should the index fall behind (a
 * failed commit, a file restored without it), the store indexes the
 * missing rows when it opens the partition again.
 *
 * The thread checkpoints the index's WAL after it has reported the
 * commit, so the writer never waits for those copies and syncs.
 *
 * The thread is started before the sandbox, like the checkpointer;
 * every signal stays blocked in it.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "store_ckpt.h"
#include "store_fts.h"

#define FTS_BUF		(64 * 1024)	/* bytes handed over at a time */
#define FTS_CACHE_KIB	8192		/* page cache of the index */
#define FTS_NULL	UINT32_MAX	/* a length: the column is NULL */

const char fts_schema[] =
	"CREATE VIRTUAL TABLE events_fts USING fts5 (message, http_path,"
	" content = '', columnsize = 0);"
	"CREATE TABLE fts_done (last_id INTEGER NOT NULL);"
	"INSERT INTO fts_done VALUES (0);"
	"PRAGMA user_version = 1;";

struct fts_buf {
	TAILQ_ENTRY(fts_buf)	 entry;
	char			 file[PATH_MAX];	/* the partition's */
	size_t			 len, cap;
	uint8_t			 data[];		/* cap bytes */
};
TAILQ_HEAD(fts_bufs, fts_buf);

static struct {
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;
	pthread_cond_t		 done;
	int			 started;
	struct fts_bufs		 queue;		/* for the thread */
	int64_t			 commit_id;	/* > 0: commit up to it */
	int			 release;
	uint64_t		 commits;	/* done, whatever the outcome */
	uint64_t		 releases;
	int			 failed;	/* the last commit */
	uint64_t		 errors;
	int64_t			 rows_us;	/* indexing rows */
	int64_t			 commit_us;	/* committing them */
} fx = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

/* The writer's buffer being filled: only the writer touches it. */
static struct fts_buf	*fx_fill;

/* The thread's own state. */
static sqlite3		*ft_db;
static char		 ft_file[PATH_MAX];	/* the partition's */
static sqlite3_stmt	*ft_insert, *ft_done;
static int		 ft_in_txn, ft_bad, ft_next_try;
static int		 ft_frames;	/* in the WAL at the last commit */
static char		 ft_cur[PATH_MAX];	/* of the rows last given */
/* a partition whose index lost a batch: its fts_done stays behind */
static char		 ft_stale[PATH_MAX];

static void	*fts_main(void *);
static void	 fts_hand(void);
static int	 fts_open(const char *);
static void	 fts_close(void);
static void	 fts_rows(struct fts_buf *);
static int	 fts_end(int64_t);
static int	 fts_wal_hook(void *, sqlite3 *, const char *, int);

int
fts_file(const char *part, char *buf, size_t len)
{
	size_t	 n = strlen(part);

	if (n > 3 && strcmp(part + n - 3, ".db") == 0)
		n -= 3;
	if ((size_t)snprintf(buf, len, "%.*s.fts.db", (int)n, part) >= len)
		return (-1);
	return (0);
}

void
fts_start(void)
{
	TAILQ_INIT(&fx.queue);
	store_thread(fts_main);
	fx.started = 1;
}

static void
put_len(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

void
fts_add(const char *part, int64_t id, const char *msg, size_t mlen,
    const char *path, size_t plen)
{
	size_t	 need, cap;
	uint8_t	*p;

	need = sizeof(id) + 8 + (msg ? mlen : 0) + (path ? plen : 0);
	if (fx_fill != NULL && (fx_fill->len + need > fx_fill->cap ||
	    strcmp(fx_fill->file, part) != 0))
		fts_hand();
	if (fx_fill == NULL) {
		/* a row longer than a buffer (a large record) gets its own */
		cap = need > FTS_BUF ? need : FTS_BUF;
		if ((fx_fill = malloc(sizeof(*fx_fill) + cap)) == NULL)
			fatal("%s: malloc", __func__);
		strlcpy(fx_fill->file, part, sizeof(fx_fill->file));
		fx_fill->len = 0;
		fx_fill->cap = cap;
	}
	p = fx_fill->data + fx_fill->len;
	memcpy(p, &id, sizeof(id));
	p += sizeof(id);
	put_len(p, msg ? (uint32_t)mlen : FTS_NULL);
	put_len(p + 4, path ? (uint32_t)plen : FTS_NULL);
	p += 8;
	if (msg != NULL) {
		memcpy(p, msg, mlen);
		p += mlen;
	}
	if (path != NULL) {
		memcpy(p, path, plen);
		p += plen;
	}
	fx_fill->len = p - fx_fill->data;
}

/* The buffer being filled goes to the thread. */
static void
fts_hand(void)
{
	if (fx_fill == NULL)
		return;
	pthread_mutex_lock(&fx.mu);
	TAILQ_INSERT_TAIL(&fx.queue, fx_fill, entry);
	pthread_cond_signal(&fx.work);
	pthread_mutex_unlock(&fx.mu);
	fx_fill = NULL;
}

static uint64_t	 fx_want;	/* the commit fts_commit_wait waits for */

void
fts_commit_start(int64_t last_id)
{
	if (!fx.started)
		fatalx("%s: no index thread", __func__);
	fts_hand();
	pthread_mutex_lock(&fx.mu);
	fx.commit_id = last_id;
	fx_want = fx.commits + 1;
	pthread_cond_signal(&fx.work);
	pthread_mutex_unlock(&fx.mu);
}

int
fts_commit_wait(void)
{
	int	 failed;

	pthread_mutex_lock(&fx.mu);
	while (fx.commits < fx_want)
		pthread_cond_wait(&fx.done, &fx.mu);
	failed = fx.failed;
	pthread_mutex_unlock(&fx.mu);
	return (failed ? -1 : 0);
}

void
fts_release(void)
{
	uint64_t	 want;

	if (!fx.started)
		return;
	pthread_mutex_lock(&fx.mu);
	fx.release = 1;
	want = fx.releases + 1;
	pthread_cond_signal(&fx.work);
	while (fx.releases < want)
		pthread_cond_wait(&fx.done, &fx.mu);
	pthread_mutex_unlock(&fx.mu);
}

void
fts_counters(struct fts_counters *c)
{
	pthread_mutex_lock(&fx.mu);
	c->errors = fx.errors;
	c->rows_us = fx.rows_us;
	c->commit_us = fx.commit_us;
	pthread_mutex_unlock(&fx.mu);
}

static void *
fts_main(void *arg)
{
	struct fts_buf	*b;
	int64_t		 id, t0;
	int		 failed;

	pthread_mutex_lock(&fx.mu);
	for (;;) {
		/* rows first: a commit covers what was queued before it */
		if ((b = TAILQ_FIRST(&fx.queue)) != NULL) {
			TAILQ_REMOVE(&fx.queue, b, entry);
			pthread_mutex_unlock(&fx.mu);
			t0 = mono_us();
			fts_rows(b);
			free(b);
			t0 = mono_us() - t0;
			pthread_mutex_lock(&fx.mu);
			fx.rows_us += t0;
			continue;
		}
		if (fx.commit_id > 0) {
			id = fx.commit_id;
			fx.commit_id = 0;
			pthread_mutex_unlock(&fx.mu);
			t0 = mono_us();
			failed = fts_end(id);
			t0 = mono_us() - t0;
			pthread_mutex_lock(&fx.mu);
			fx.commit_us += t0;
			fx.failed = failed;
			if (failed)
				fx.errors++;
			fx.commits++;
			pthread_cond_broadcast(&fx.done);
			/* the writer goes on meanwhile */
			if (ft_frames > 0 && ft_db != NULL) {
				pthread_mutex_unlock(&fx.mu);
				(void)ckpt_once(ft_db, ft_frames,
				    &ft_next_try);
				ft_frames = 0;
				pthread_mutex_lock(&fx.mu);
			}
			continue;
		}
		if (fx.release) {
			pthread_mutex_unlock(&fx.mu);
			fts_close();
			pthread_mutex_lock(&fx.mu);
			fx.release = 0;
			fx.releases++;
			pthread_cond_broadcast(&fx.done);
			continue;
		}
		pthread_cond_wait(&fx.work, &fx.mu);
	}
	/* NOTREACHED */
	return (arg);
}

static int
fts_open(const char *part)
{
	char	 file[PATH_MAX], pragma[160];

	if (ft_db != NULL && strcmp(ft_file, part) == 0)
		return (0);
	fts_close();
	if (fts_file(part, file, sizeof(file)) == -1 ||
	    sqlite3_open_v2(file, &ft_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	store_db_harden(ft_db);
	sqlite3_busy_timeout(ft_db, 25);
	snprintf(pragma, sizeof(pragma), "PRAGMA synchronous = NORMAL;"
	    " PRAGMA temp_store = MEMORY; PRAGMA cache_size = -%d;"
	    " PRAGMA journal_size_limit = %d", FTS_CACHE_KIB, 16 << 20);
	if (sqlite3_exec(ft_db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ft_db, "INSERT INTO events_fts (rowid, message,"
	    " http_path) VALUES (?1, ?2, ?3)", -1, &ft_insert, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(ft_db, "UPDATE fts_done SET last_id = ?1",
	    -1, &ft_done, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_wal_hook(ft_db, fts_wal_hook, NULL);
	ft_next_try = 0;
	strlcpy(ft_file, part, sizeof(ft_file));
	return (0);
 fail:
	fts_close();
	return (-1);
}

static void
fts_close(void)
{
	if (ft_in_txn && ft_db != NULL)
		(void)sqlite3_exec(ft_db, "ROLLBACK", NULL, NULL, NULL);
	ft_in_txn = 0;
	sqlite3_finalize(ft_insert);
	sqlite3_finalize(ft_done);
	ft_insert = ft_done = NULL;
	sqlite3_close(ft_db);
	ft_db = NULL;
	ft_file[0] = '\0';
	ft_frames = 0;
}

/* A field of a handed-over row (FTS_NULL: none); what follows it. */
static const uint8_t *
bind_field(int col, const uint8_t *p, uint32_t len)
{
	if (len == FTS_NULL) {
		sqlite3_bind_null(ft_insert, col);
		return (p);
	}
	sqlite3_bind_text(ft_insert, col, (const char *)p, len, SQLITE_STATIC);
	return (p + len);
}

static void
fts_rows(struct fts_buf *b)
{
	const uint8_t	*p = b->data, *end = b->data + b->len;
	int64_t		 id;
	uint32_t	 ml, pl;

	strlcpy(ft_cur, b->file, sizeof(ft_cur));
	if (fts_open(b->file) == -1) {
		ft_bad = 1;
		return;
	}
	if (!ft_in_txn) {
		if (sqlite3_exec(ft_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			ft_bad = 1;
			return;
		}
		ft_in_txn = 1;
	}
	while (p < end) {
		memcpy(&id, p, sizeof(id));
		memcpy(&ml, p + 8, 4);
		memcpy(&pl, p + 12, 4);
		p += 16;
		sqlite3_bind_int64(ft_insert, 1, id);
		p = bind_field(2, p, ml);
		p = bind_field(3, p, pl);
		if (sqlite3_step(ft_insert) != SQLITE_DONE)
			ft_bad = 1;
		sqlite3_reset(ft_insert);
	}
}

/* Commit the batch; 0, or -1 when any of it could not be indexed. */
static int
fts_end(int64_t last_id)
{
	int	 bad = ft_bad;

	ft_bad = 0;
	if (bad)	/* indexed again when the file is opened or sealed */
		strlcpy(ft_stale, ft_cur, sizeof(ft_stale));
	if (ft_db == NULL || !ft_in_txn)
		return (bad ? -1 : 0);
	if (strcmp(ft_stale, ft_file) != 0) {
		sqlite3_bind_int64(ft_done, 1, last_id);
		if (sqlite3_step(ft_done) != SQLITE_DONE)
			bad = 1;
		sqlite3_reset(ft_done);
	}
	ft_in_txn = 0;
	if (sqlite3_exec(ft_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		(void)sqlite3_exec(ft_db, "ROLLBACK", NULL, NULL, NULL);
		bad = 1;
	}
	return (bad ? -1 : 0);
}

/*
 * The index's own checkpoints, in this thread, by the store's policy:
 * after the commit is reported, so that the writer does not wait for
 * them.
 */
static int
fts_wal_hook(void *arg, sqlite3 *db, const char *name, int nframe)
{
	ft_frames = nframe;
	return (SQLITE_OK);
}

/*
 * In the writer, with the thread away from the file: make sure the
 * index file of partition part (open as pdb) exists and holds every
 * row, indexing those it lacks.  Returns the last id it holds, which
 * may be past the last row (a crash between the two commits), or -1.
 */
int64_t
fts_catch_up(sqlite3 *pdb, const char *part)
{
	sqlite3		*db;
	sqlite3_stmt	*get = NULL, *put = NULL;
	char		 file[PATH_MAX];
	int64_t		 done = -1, n = 0;
	int		 ok = 1;

	if (fts_file(part, file, sizeof(file)) == -1 ||
	    sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("%s: cannot open the full-text index", file);
		return (-1);
	}
	store_db_harden(db);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE",
	    NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(db, "SELECT last_id FROM fts_done", -1, &get,
	    NULL) != SQLITE_OK) {
		/* a new file, or one lost: made, then filled */
		if (sqlite3_exec(db, fts_schema, NULL, NULL, NULL) !=
		    SQLITE_OK ||
		    sqlite3_prepare_v2(db, "SELECT last_id FROM fts_done",
		    -1, &get, NULL) != SQLITE_OK)
			goto fail;
	}
	if (sqlite3_step(get) == SQLITE_ROW)
		done = sqlite3_column_int64(get, 0);
	sqlite3_finalize(get);
	get = NULL;
	if (done < 0)
		goto fail;
	if (sqlite3_prepare_v2(pdb, "SELECT id, message, http_path FROM"
	    " events WHERE id > ?1 ORDER BY id", -1, &get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO events_fts (rowid, message,"
	    " http_path) VALUES (?1, ?2, ?3)", -1, &put, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(get, 1, done);
	while (sqlite3_step(get) == SQLITE_ROW) {
		sqlite3_bind_int64(put, 1, sqlite3_column_int64(get, 0));
		sqlite3_bind_value(put, 2, sqlite3_column_value(get, 1));
		sqlite3_bind_value(put, 3, sqlite3_column_value(get, 2));
		if (sqlite3_step(put) != SQLITE_DONE)
			ok = 0;
		sqlite3_reset(put);
		done = sqlite3_column_int64(get, 0);
		n++;
	}
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	get = put = NULL;
	if (!ok)
		goto fail;
	if (n > 0) {
		if (sqlite3_prepare_v2(db, "UPDATE fts_done SET last_id = ?1",
		    -1, &put, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(put, 1, done);
		ok = sqlite3_step(put) == SQLITE_DONE;
		sqlite3_finalize(put);
		put = NULL;
		if (!ok)
			goto fail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	/* said once it is so */
	if (n > 0)
		log_info("%s: %lld events indexed that the full-text index"
		    " lacked", file, (long long)n);
	sqlite3_close(db);
	return (done);
 fail:
	log_warnx("%s: full-text index: %s", file, sqlite3_errmsg(db));
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return (-1);
}
