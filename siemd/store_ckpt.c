/*
 * The store's checkpointer.
 *
 * With synchronous = NORMAL a commit in WAL mode only appends to the
 * WAL; the work that costs is the checkpoint, which copies the WAL's
 * pages into the database file and syncs both.  Done by the writer,
 * every checkpoint stopped ingestion for as long as the copy and the
 * two fsyncs took.  Here a thread does it on a connection of its own,
 * while the writer goes on appending: SQLite lets one checkpoint run
 * beside one writer.  The writer only says, after a commit, how long
 * the WAL is; the thread takes the newest request (older ones are
 * covered by it).
 *
 * The thread is started before the sandbox (its RLIMIT_NPROC of 0
 * forbids new threads); the seccomp filter is then loaded for every
 * thread of the process (sandbox.c, TSYNC), and a checkpoint needs
 * nothing the store's own table lacks.  All signals stay blocked in
 * the thread: they are the event loop's.
 *
 * A restart (store.c says when) holds the write lock while it copies
 * what the last passive one left and syncs: the writer's next batch
 * waits for it (lock_waits, lock_wait_ms).  With the restart mark at
 * 256 MB of WAL that is four waits of about 200 ms per million events.
 *
 * If the disk cannot keep up and the WAL still grows past twice the
 * restart mark, the writer waits for a checkpoint after its commit
 * (counted): the WAL stays bounded whatever the load.
 */

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "store_ckpt.h"

#define CKPT_CACHE_KIB	256	/* a checkpoint reads no b-tree pages */
#define CKPT_HARD	2	/* times restart: the writer waits */

static struct {
	pthread_mutex_t		mu;
	pthread_cond_t		work;
	pthread_cond_t		done;
	int			started;
	/* what the writer asks for */
	char			file[PATH_MAX];
	int			nframe;		/* 0: nothing to do */
	int			release;
	uint64_t		asked;		/* requests made */
	uint64_t		served;		/* requests done */
	uint64_t		released;
	struct ckpt_counters	c;
	int			due;		/* frames: next restart */
	/* settings, fixed at start */
	int			passive, restart, retry, wait_ms;
} ck = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

/* The thread's own state: only it touches these. */
static sqlite3	*ck_db;
static char	 ck_dbfile[PATH_MAX];
static int	 ck_next_try;

static void	*ckpt_main(void *);
static int	 ckpt_run(const char *, int);

/* What every connection of the store refuses. */
void
store_db_harden(sqlite3 *db)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
}

/* A detached thread running fn, with every signal blocked in it. */
void
store_thread(void *(*fn)(void *))
{
	pthread_t	 t;
	sigset_t	 all, old;
	int		 rc;

	/* the thread inherits the mask of the moment */
	sigfillset(&all);
	if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0)
		fatalx("%s: pthread_sigmask: %s", __func__, strerror(rc));
	if ((rc = pthread_create(&t, NULL, fn, NULL)) != 0)
		fatalx("%s: pthread_create: %s", __func__, strerror(rc));
	if ((rc = pthread_sigmask(SIG_SETMASK, &old, NULL)) != 0)
		fatalx("%s: pthread_sigmask: %s", __func__, strerror(rc));
	pthread_detach(t);
}

void
ckpt_start(int passive, int restart, int retry, int wait_ms)
{
	ck.passive = passive;
	ck.restart = restart;
	ck.retry = retry;
	ck.wait_ms = wait_ms;
	store_thread(ckpt_main);
	ck.started = 1;
}

int
ckpt_request(const char *file, int nframe)
{
	uint64_t	 mine;
	int		 waited = 0;

	if (!ck.started || nframe < ck.passive)
		return (0);
	pthread_mutex_lock(&ck.mu);
	strlcpy(ck.file, file, sizeof(ck.file));
	ck.nframe = nframe;
	mine = ++ck.asked;
	pthread_cond_signal(&ck.work);
	if (nframe >= CKPT_HARD * ck.restart) {
		ck.c.inline_waits++;
		waited = 1;
	} else if (nframe >= ck.restart && nframe >= ck.due)
		waited = 1;
	/*
	 * A restart due: the writer lets the thread have the write lock
	 * before it starts its next batch.  Racing it, the writer mostly
	 * won, the restart gave up after wait_ms and the WAL went on
	 * growing.
	 */
	while (waited && ck.served < mine)
		pthread_cond_wait(&ck.done, &ck.mu);
	pthread_mutex_unlock(&ck.mu);
	return (waited);
}

void
ckpt_release(void)
{
	uint64_t	 want;

	if (!ck.started)
		return;
	pthread_mutex_lock(&ck.mu);
	ck.nframe = 0;		/* the file is done with */
	ck.release = 1;
	want = ck.released + 1;
	pthread_cond_signal(&ck.work);
	while (ck.released < want)
		pthread_cond_wait(&ck.done, &ck.mu);
	pthread_mutex_unlock(&ck.mu);
}

void
ckpt_counters(struct ckpt_counters *c)
{
	pthread_mutex_lock(&ck.mu);
	*c = ck.c;
	pthread_mutex_unlock(&ck.mu);
}

static void *
ckpt_main(void *arg)
{
	char		 file[PATH_MAX];
	int		 nframe, rc;
	uint64_t	 asked, t0, us;

	pthread_mutex_lock(&ck.mu);
	for (;;) {
		while (ck.nframe == 0 && !ck.release)
			pthread_cond_wait(&ck.work, &ck.mu);
		if (ck.release) {
			pthread_mutex_unlock(&ck.mu);
			if (ck_db != NULL)
				sqlite3_close(ck_db);
			ck_db = NULL;
			ck_dbfile[0] = '\0';
			pthread_mutex_lock(&ck.mu);
			ck.release = 0;
			ck.released++;
			ck.served = ck.asked;
			pthread_cond_broadcast(&ck.done);
			continue;
		}
		strlcpy(file, ck.file, sizeof(file));
		nframe = ck.nframe;
		ck.nframe = 0;
		asked = ck.asked;
		pthread_mutex_unlock(&ck.mu);

		t0 = mono_us();
		rc = ckpt_run(file, nframe);
		us = mono_us() - t0;

		pthread_mutex_lock(&ck.mu);
		ck.c.busy_us += us;
		if (rc == 0)
			ck.c.passive++;
		else if (rc == 1) {
			ck.c.passive++;
			ck.c.restarts++;
		} else if (rc == 2)
			ck.c.restart_busy++;
		else if (rc == -2)
			ck.c.errors++;
		ck.due = ck_next_try;
		ck.served = asked;
		pthread_cond_broadcast(&ck.done);
	}
	/* NOTREACHED */
	return (arg);
}

/*
 * One checkpoint of file: passive, or past the restart mark one that
 * waits up to wait_ms for the readers of the moment and has the WAL
 * start over (store.c says why).  0 passive, 1 restarted, 2 readers in
 * the way, -2 the file could not be opened.
 */
static int
ckpt_run(const char *file, int nframe)
{
	char	 pragma[64];

	if (ck_db == NULL || strcmp(ck_dbfile, file) != 0) {
		if (ck_db != NULL)
			sqlite3_close(ck_db);
		ck_db = NULL;
		if (sqlite3_open_v2(file, &ck_db, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
			sqlite3_close(ck_db);
			ck_db = NULL;
			return (-2);
		}
		store_db_harden(ck_db);
		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d",
		    CKPT_CACHE_KIB);
		(void)sqlite3_exec(ck_db, pragma, NULL, NULL, NULL);
		sqlite3_busy_timeout(ck_db, ck.wait_ms);
		strlcpy(ck_dbfile, file, sizeof(ck_dbfile));
		ck_next_try = ck.restart;
	}
	return (ckpt_once(ck_db, nframe, &ck_next_try));
}

/*
 * A checkpoint of db, whose WAL holds nframe frames, by the policy the
 * store uses everywhere (none below the passive mark: -1); next_try
 * keeps the connection's restart state, 0 at first.  The busy timeout
 * of db bounds the wait for readers.
 */
int
ckpt_once(sqlite3 *db, int nframe, int *next_try)
{
	if (nframe < ck.passive)
		return (-1);
	if (*next_try == 0)
		*next_try = ck.restart;
	if (nframe < ck.restart) {
		(void)sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		*next_try = ck.restart;
		return (0);
	}
	if (nframe < *next_try) {
		(void)sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return (0);
	}
	/*
	 * Rewound, not emptied: a rewound WAL is written over, and where
	 * the kernel has let go of its cached pages each partial block
	 * written (a frame is 24 bytes more than a page) is read from the
	 * disk first; but emptying it (TRUNCATE) frees and allocates its
	 * blocks again under the write lock, and over 8M events the two
	 * stored at the same rate.
	 */
	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART,
	    NULL, NULL) == SQLITE_OK) {
		*next_try = ck.restart;
		return (1);
	}
	*next_try = nframe + ck.retry;
	return (2);
}
