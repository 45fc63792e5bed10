/*
 * Packing normalized events for the parser -> store -> correlate path.
 * The receiver checks every length against the message before it
 * trusts a pointer: a malformed batch is a protocol error.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "siemd.h"
#include "event_wire.h"

static int
wire_grow(struct wire_buf *wb, size_t need)
{
	size_t	 cap;
	uint8_t	*p;

	if (wb->len + need <= wb->cap)
		return (0);
	cap = wb->cap ? wb->cap : 64 * 1024;
	while (cap < wb->len + need)
		cap *= 2;
	if ((p = realloc(wb->buf, cap)) == NULL)
		return (-1);
	wb->buf = p;
	wb->cap = cap;
	return (0);
}

/* Append one event; 0 or -1 (ENOMEM). */
int
event_pack(struct wire_buf *wb, const struct siem_event *ev, int source_kind,
    int64_t source_id)
{
	struct wire_hdr	 h;
	char		*data = NULL;
	size_t		 total, off, len;
	int		 i;

	memset(&h, 0, sizeof(h));
	h.severity = ev->severity;
	h.source_kind = source_kind;
	h.id = ev->id;
	h.source_id = source_id;
	h.ts = ev->ts;
	h.received_at = ev->received_at;
	memcpy(h.ints, ev->ints, sizeof(h.ints));
	h.latency_ms = ev->latency_ms;
	total = sizeof(h);
	for (i = 0; i < EV_TEXT_MAX; i++) {
		if (ev->text[i] == NULL)
			h.textlen[i] = WIRE_NULL;
		else {
			len = strlen(ev->text[i]);
			h.textlen[i] = len;
			total += len;
		}
	}
	h.datalen = WIRE_NULL;
	if (ev->data != NULL && json_object_size(ev->data) > 0) {
		if ((data = json_dumps(ev->data, JSON_COMPACT |
		    JSON_ENSURE_ASCII)) == NULL)
			return (-1);
		h.datalen = strlen(data);
		total += h.datalen;
	}
	h.total = total;
	if (wire_grow(wb, total) == -1) {
		free(data);
		return (-1);
	}
	off = wb->len;
	memcpy(wb->buf + off, &h, sizeof(h));
	off += sizeof(h);
	for (i = 0; i < EV_TEXT_MAX; i++) {
		if (h.textlen[i] == WIRE_NULL)
			continue;
		memcpy(wb->buf + off, ev->text[i], h.textlen[i]);
		off += h.textlen[i];
	}
	if (data != NULL) {
		memcpy(wb->buf + off, data, h.datalen);
		off += h.datalen;
		free(data);
	}
	wb->len = off;
	wb->count++;
	return (0);
}

/* Copy a viewed event into another batch, with its row id set. */
int
event_view_repack(struct wire_buf *wb, const struct event_view *v,
    int64_t id)
{
	struct wire_hdr	 h = v->h;
	size_t		 off;
	int		 i;

	h.id = id;
	if (wire_grow(wb, h.total) == -1)
		return (-1);
	off = wb->len;
	memcpy(wb->buf + off, &h, sizeof(h));
	off += sizeof(h);
	for (i = 0; i < EV_TEXT_MAX; i++) {
		if (h.textlen[i] == WIRE_NULL)
			continue;
		memcpy(wb->buf + off, v->text[i], h.textlen[i]);
		off += h.textlen[i];
	}
	if (h.datalen != WIRE_NULL) {
		memcpy(wb->buf + off, v->data, h.datalen);
		off += h.datalen;
	}
	wb->len = off;
	wb->count++;
	return (0);
}

/*
 * Take the next event from a batch: 1 and the view filled in, 0 at the
 * end, -1 when the bytes are not a well-formed event.
 */
int
event_view_next(const uint8_t **pp, size_t *left, struct event_view *v)
{
	const uint8_t	*p = *pp;
	size_t		 sum, off;
	int		 i;

	if (*left == 0)
		return (0);
	if (*left < sizeof(v->h))
		return (-1);
	memcpy(&v->h, p, sizeof(v->h));
	if (v->h.total < sizeof(v->h) || v->h.total > *left ||
	    v->h.severity > SEV_CRITICAL)
		return (-1);
	sum = sizeof(v->h);
	for (i = 0; i < EV_TEXT_MAX; i++) {
		if (v->h.textlen[i] == WIRE_NULL)
			continue;
		if (v->h.textlen[i] > v->h.total)
			return (-1);
		sum += v->h.textlen[i];
	}
	if (v->h.datalen != WIRE_NULL) {
		if (v->h.datalen > v->h.total)
			return (-1);
		sum += v->h.datalen;
	}
	if (sum != v->h.total)
		return (-1);
	off = sizeof(v->h);
	for (i = 0; i < EV_TEXT_MAX; i++) {
		if (v->h.textlen[i] == WIRE_NULL) {
			v->text[i] = NULL;
			continue;
		}
		v->text[i] = (const char *)p + off;
		off += v->h.textlen[i];
	}
	v->data = v->h.datalen == WIRE_NULL ? NULL : (const char *)p + off;
	*pp = p + v->h.total;
	*left -= v->h.total;
	return (1);
}

void
wire_reset(struct wire_buf *wb)
{
	wb->len = 0;
	wb->count = 0;
}

void
wire_free(struct wire_buf *wb)
{
	free(wb->buf);
	memset(wb, 0, sizeof(*wb));
}

/*
 * The key a source is counted under in status reports: "L<id>" for a
 * listener, "F<id>" for a file, "H" for all of HTTP ingest (its ids
 * are per request).
 */
void
source_key(int kind, int64_t id, char *buf, size_t len)
{
	if (kind == SOURCE_HTTP)
		strlcpy(buf, "H", len);
	else
		snprintf(buf, len, "%c%lld", kind == SOURCE_FILE ? 'F' : 'L',
		    (long long)id);
}
