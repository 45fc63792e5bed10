/*
 * The full-text index of the partition being written lives in a file
 * of its own beside it, written by a thread of the store.
 */

#ifndef STORE_FTS_H
#define STORE_FTS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* The schema of an index file (a contentless FTS5 table). */
extern const char	fts_schema[];

/* Before the sandbox: RLIMIT_NPROC 0 forbids threads after it. */
void	fts_start(void);
/* One event of the batch being written to partition file part. */
void	fts_add(const char *part, int64_t id, const char *msg, size_t mlen,
	    const char *path, size_t plen);
/* Commit what was added up to last_id; then wait: 0, or -1 if failed. */
void	fts_commit_start(int64_t last_id);
int	fts_commit_wait(void);
/* Close the thread's connection (the partition is closed). */
void	fts_release(void);
struct fts_counters {
	uint64_t	errors;		/* batches not committed */
	int64_t		rows_us;	/* indexing rows */
	int64_t		commit_us;	/* committing them */
};
void	fts_counters(struct fts_counters *);
/* In the writer, at open: create or complete the index of a partition. */
int64_t	fts_catch_up(sqlite3 *, const char *);

/* The index file of a partition file: "x.p000001.db" -> ".fts.db". */
int	fts_file(const char *part, char *buf, size_t len);

#endif
