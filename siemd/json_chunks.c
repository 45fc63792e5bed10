/*
 * Arrays in pieces over imsg channels (json_chunks.h).
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../privsep/log.h"
#include "../privsep/proc.h"
#include "siemd.h"
#include "json_chunks.h"

static int
piece_send(struct imsgev *iev, uint32_t type, json_t *piece, int more)
{
	char	*text;
	size_t	 len;
	int	 rv = 0;

	if ((text = json_dumps(piece, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	len = strlen(text) + 1;
	if (len > SIEMD_MAX_PAYLOAD) {
		/* an element alone past the limit: the piece goes empty */
		log_warnx("%s: a piece of %zu bytes is too large to send",
		    __func__, len);
		free(text);
		if ((text = strdup("[]")) == NULL)
			fatal("%s: strdup", __func__);
		len = 3;
		rv = -1;
	}
	if (imsgev_compose(iev, type, more, -1, text, len) == -1)
		fatal("%s: compose", __func__);
	free(text);
	json_array_clear(piece);
	return (rv);
}

/*
 * Send the elements of list in pieces of about JSON_CHUNK_BYTES of
 * text; an element too large for a message on its own is left out
 * and logged.  0, or -1 when one was left out.
 */
int
json_chunks_send(struct imsgev *iev, uint32_t type, json_t *list)
{
	json_t	*piece, *v;
	size_t	 i, bytes = 0, n;
	char	*text;
	int	 rv = 0;

	if ((piece = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	json_array_foreach(list, i, v) {
		if ((text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) ==
		    NULL)
			fatalx("%s: json_dumps", __func__);
		n = strlen(text) + 1;
		free(text);
		if (bytes > 0 && bytes + n > JSON_CHUNK_BYTES) {
			if (piece_send(iev, type, piece, 1) == -1)
				rv = -1;
			bytes = 0;
		}
		json_array_append(piece, v);
		bytes += n;
	}
	if (piece_send(iev, type, piece, 0) == -1)
		rv = -1;
	json_decref(piece);
	return (rv);
}

/*
 * One piece received: its elements join *pending.  Returns the whole
 * array (the caller's, and *pending is reset) once the last piece has
 * come, NULL before.  A piece that is not an array spoils the whole:
 * the pieces up to the last one are dropped and NULL returned, so a
 * part is never taken for the whole.  So does a whole past
 * JSON_CHUNK_MAX_ELEMS elements.
 */
json_t *
json_chunks_take(json_t **pending, const char *text, uint32_t more)
{
	json_t	*piece, *all;

	if (*pending != NULL && !json_is_array(*pending)) {
		/* spoilt: wait for the last piece, then start afresh */
		if (!more) {
			json_decref(*pending);
			*pending = NULL;
		}
		return (NULL);
	}
	if ((piece = json_loads(text, 0, NULL)) == NULL ||
	    !json_is_array(piece) || (*pending != NULL &&
	    json_array_size(*pending) + json_array_size(piece) >
	    JSON_CHUNK_MAX_ELEMS)) {
		/* a sender gone wrong must not grow the receiver forever */
		log_warnx("%s: a piece that is not a JSON array, or past %d "
		    "elements in all", __func__, JSON_CHUNK_MAX_ELEMS);
		json_decref(piece);
		json_decref(*pending);
		*pending = more ? json_false() : NULL;
		return (NULL);
	}
	if (*pending == NULL)
		*pending = piece;
	else {
		json_array_extend(*pending, piece);
		json_decref(piece);
	}
	if (more)
		return (NULL);
	all = *pending;
	*pending = NULL;
	return (all);
}
