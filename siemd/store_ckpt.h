/*
 * The store's checkpointer: a thread that copies the WAL of the
 * partition being written into its file, so that the writer never
 * waits for that copy or for its fsync.
 */

#ifndef STORE_CKPT_H
#define STORE_CKPT_H

#include <stdint.h>

#include <sqlite3.h>

struct ckpt_counters {
	uint64_t	passive;	/* checkpoints done */
	uint64_t	restarts;	/* of them, the WAL started over */
	uint64_t	restart_busy;	/* readers in the way of a restart */
	uint64_t	inline_waits;	/* the writer had to wait */
	uint64_t	errors;		/* the file could not be opened */
	uint64_t	busy_us;	/* time spent checkpointing */
};

/* Before the sandbox: RLIMIT_NPROC 0 forbids threads after it. */
void	ckpt_start(int passive, int restart, int retry, int wait_ms);
/* After a commit: the WAL of file holds nframe frames.  1: waited. */
int	ckpt_request(const char *file, int nframe);
/* Close the thread's connection (the file is closed or sealed). */
void	ckpt_release(void);
void	ckpt_counters(struct ckpt_counters *);
/* Defensive mode, no trusted schema, no extensions. */
void	store_db_harden(sqlite3 *);
/* A detached thread with every signal blocked (before the sandbox). */
void	store_thread(void *(*)(void *));
/* The checkpoint policy, for a connection of another thread. */
int	ckpt_once(sqlite3 *, int, int *);

#endif
