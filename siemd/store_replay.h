/*
 * The store's side of a correlate replay: the events received since a
 * time, read back from the database as packed batches (event_wire),
 * so that correlate can rebuild its windows after a start or a reload.
 */

#ifndef SIEMD_STORE_REPLAY_H
#define SIEMD_STORE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define STORE_REPLAY_MAX_EVENTS	200000		/* the newest are kept */
#define STORE_REPLAY_MAX_BYTES	(32 * 1024 * 1024)
#define STORE_REPLAY_CHUNK	(512 * 1024)	/* bytes per batch */

struct imsgev;

/*
 * emit(batch, len, arg) for each batch, in id order; emit returns 0,
 * or -1 to stop; ids below min_id (the third argument) are left out.
 * 0 when every event since was sent, 1 when a bound
 * or emit stopped it, -1 on a database error.  *events counts them.
 */
int	 store_replay(sqlite3 *, int64_t, int64_t, int (*)(const uint8_t *,
	    size_t, void *), void *, int64_t *);
/*
 * Answer IMSG_REPLAY from partitions in id order, ids from the third
 * argument on: IMSG_REPLAY_EVENTS batches, then IMSG_REPLAY_DONE.
 */
void	 store_replay_answer(sqlite3 **, size_t, int64_t, struct imsgev *,
	    int64_t);

#endif /* SIEMD_STORE_REPLAY_H */
