/*
 * A JSON array larger than one imsg payload travels in pieces: each
 * message is a JSON array of some of its elements, peerid 1 when more
 * follow and 0 on the last.  The receiver joins them in order.
 */

#ifndef SIEMD_JSON_CHUNKS_H
#define SIEMD_JSON_CHUNKS_H

#include <stdint.h>

#include <jansson.h>

struct imsgev;

#define JSON_CHUNK_BYTES	(512 * 1024)	/* text of one piece, about */
#define JSON_CHUNK_MAX_ELEMS	1000000		/* elements of a whole */

int	 json_chunks_send(struct imsgev *, uint32_t, json_t *);
json_t	*json_chunks_take(json_t **, const char *, uint32_t);

#endif /* SIEMD_JSON_CHUNKS_H */
