/*
 * The store's sealer: a thread that closes the partition the writer
 * just left, so that the writer goes on with the next one at once.
 */

#ifndef STORE_SEAL_H
#define STORE_SEAL_H

#include <limits.h>
#include <stdint.h>

#include <sqlite3.h>

/* A partition to close, and what closing it found. */
struct seal_job {
	int64_t		 seq;
	char		 file[PATH_MAX];
	int		 ok;		/* sealed: record it */
	int		 busy;		/* readers in the way: try later */
	int		 stopped;	/* cut short by seal_stop */
	int64_t		 last_id;	/* -1: empty */
	int64_t		 last_received;
	int64_t		 min_ts;
	int64_t		 max_ts;
	int64_t		 bytes;		/* with its full-text index */
	int64_t		 us;		/* time it took */
};

/* Before the sandbox; work closes a partition, in any thread. */
void	seal_start(void (*work)(struct seal_job *));
/* Close seq in the thread (after the previous one is done). */
void	seal_submit(int64_t seq, const char *file);
/* A finished job, once: 1 and *j, or 0. */
int	seal_poll(struct seal_job *);
/* Is a job under way? */
int	seal_busy(void);
/* Wait for the job under way, if any; seal_poll then has its result. */
void	seal_wait(void);
/* A connection of work's: seal_stop interrupts what it runs. */
void	seal_connection(sqlite3 *);
/* At exit: the job under way is cut short, left for the next start. */
void	seal_stop(void);

#endif
