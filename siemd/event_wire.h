/*
 * Events between processes: a fixed header and the text columns back
 * to back, so the store can bind them without copying or parsing.
 */

#ifndef SIEMD_EVENT_WIRE_H
#define SIEMD_EVENT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define WIRE_NULL	UINT32_MAX	/* textlen of an absent column */

struct wire_hdr {
	uint32_t	 total;		/* bytes of this event, header included */
	uint8_t		 severity;
	uint8_t		 source_kind;	/* enum source_kind */
	uint16_t	 pad;
	int64_t		 id;		/* row id once stored, else 0 */
	int64_t		 source_id;
	int64_t		 ts;
	int64_t		 received_at;
	int64_t		 ints[EV_INT_MAX];
	double		 latency_ms;
	uint32_t	 textlen[EV_TEXT_MAX];
	uint32_t	 datalen;	/* data_json bytes, WIRE_NULL: none */
	/* followed by the texts in order, then data_json */
};

/* A packed event seen in place: pointers into the message buffer. */
struct event_view {
	struct wire_hdr	 h;
	const char	*text[EV_TEXT_MAX];	/* not NUL-terminated */
	const char	*data;
};

struct wire_buf {
	uint8_t		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 count;		/* events packed */
};

int	 event_pack(struct wire_buf *, const struct siem_event *, int,
	    int64_t);
int	 event_view_next(const uint8_t **, size_t *, struct event_view *);
int	 event_view_repack(struct wire_buf *, const struct event_view *,
	    int64_t);
void	 wire_reset(struct wire_buf *);
void	 wire_free(struct wire_buf *);
void	 source_key(int, int64_t, char *, size_t);

#endif /* SIEMD_EVENT_WIRE_H */
