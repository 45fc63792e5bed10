/*
 * The store's sealer (store_seal.h).
 *
 * Closing a partition builds its indices on src_ip, user_id and
 * request_id (the writer keeps key filters instead, keyfilter.h),
 * copies its WAL into the file and measures its bounds: about 1.5 s
 * for a million events, mostly sorting.  The writer hands the file
 * over here and starts the next partition; searches read the closing
 * one as they read the open one meanwhile.  The writer records the
 * result (store.c, part_sealed) when it polls it, and only then do
 * searches open the file as immutable.
 *
 * One job at a time: a partition takes far longer to fill than to
 * seal, and the writer waits in the rare case it does not.  Like the
 * other helper threads, this one is started before the sandbox and
 * has every signal blocked.
 */

#include <sys/types.h>

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "siemd.h"
#include "store_ckpt.h"
#include "store_seal.h"

static struct {
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;
	pthread_cond_t		 done;
	int			 started;
	int			 queued;	/* job waits for the thread */
	int			 running;
	int			 finished;	/* job holds a result */
	int			 stopping;
	struct seal_job		 job;
	void			(*fn)(struct seal_job *);
} sl = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static void	*seal_main(void *);
static int	 seal_progress(void *);

void
seal_start(void (*work)(struct seal_job *))
{
	sl.fn = work;
	store_thread(seal_main);
	sl.started = 1;
}

static void *
seal_main(void *arg)
{
	struct seal_job	 j;
	int64_t		 t0;

	pthread_mutex_lock(&sl.mu);
	for (;;) {
		while (!sl.queued)
			pthread_cond_wait(&sl.work, &sl.mu);
		j = sl.job;
		sl.queued = 0;
		sl.running = 1;
		pthread_mutex_unlock(&sl.mu);

		t0 = mono_us();
		sl.fn(&j);
		j.us = mono_us() - t0;

		pthread_mutex_lock(&sl.mu);
		j.stopped = sl.stopping;
		sl.job = j;
		sl.running = 0;
		sl.finished = 1;
		pthread_cond_broadcast(&sl.done);
	}
	/* NOTREACHED */
	return (arg);
}

/* Wait until no job is queued or running; sl.mu held. */
static void
seal_idle(void)
{
	while (sl.queued || sl.running)
		pthread_cond_wait(&sl.done, &sl.mu);
}

void
seal_submit(int64_t seq, const char *file)
{
	pthread_mutex_lock(&sl.mu);
	seal_idle();
	if (sl.finished)
		fatalx("%s: the previous seal was not recorded", __func__);
	memset(&sl.job, 0, sizeof(sl.job));
	sl.job.seq = seq;
	strlcpy(sl.job.file, file, sizeof(sl.job.file));
	sl.queued = 1;
	pthread_cond_signal(&sl.work);
	pthread_mutex_unlock(&sl.mu);
}

int
seal_poll(struct seal_job *j)
{
	int	 got = 0;

	pthread_mutex_lock(&sl.mu);
	if (sl.finished) {
		*j = sl.job;
		sl.finished = 0;
		got = 1;
	}
	pthread_mutex_unlock(&sl.mu);
	return (got);
}

int
seal_busy(void)
{
	int	 busy;

	pthread_mutex_lock(&sl.mu);
	busy = sl.queued || sl.running;
	pthread_mutex_unlock(&sl.mu);
	return (busy);
}

void
seal_wait(void)
{
	pthread_mutex_lock(&sl.mu);
	seal_idle();
	pthread_mutex_unlock(&sl.mu);
}

/*
 * Every few thousand steps of the connection's statements: once the
 * store stops, the statement is interrupted (an index being built is
 * rolled back; the next start seals the partition).
 */
static int
seal_progress(void *arg)
{
	int	 stop;

	pthread_mutex_lock(&sl.mu);
	stop = sl.stopping;
	pthread_mutex_unlock(&sl.mu);
	return (stop);
}

void
seal_connection(sqlite3 *db)
{
	sqlite3_progress_handler(db, 10000, seal_progress, NULL);
}

void
seal_stop(void)
{
	if (!sl.started)
		return;
	pthread_mutex_lock(&sl.mu);
	sl.stopping = 1;
	seal_idle();
	pthread_mutex_unlock(&sl.mu);
}
