/*
 * The store's channel into the web process.  Batches of committed
 * events are walked once and handed to whoever listens (live streams);
 * HTTP ingest acknowledgements go to the ingest handler.  A malformed
 * batch is a protocol error and fatal, like any bad message.
 */

#include <sys/types.h>

#include <stdlib.h>

#include "siemd.h"
#include "event_wire.h"
#include "live.h"

void	(*live_event_hook)(const struct event_view *);
void	(*live_ack_hook)(uint32_t, uint32_t);

static uint64_t	 live_events;
static uint64_t	 live_batches;
static int64_t	 live_last_id;

static int	 live_dispatch_store(struct imsgev *, struct imsg *);

static int
live_dispatch_store(struct imsgev *iev, struct imsg *imsg)
{
	struct event_view	 v;
	struct ingest_ack	 ack;
	const uint8_t		*p;
	size_t			 left;
	int			 rv;

	switch (imsg->hdr.type) {
	case IMSG_STORED:
		p = imsg->data;
		left = imsg->datalen;
		while ((rv = event_view_next(&p, &left, &v)) == 1) {
			live_events++;
			live_last_id = v.h.id;
			if (live_event_hook != NULL)
				live_event_hook(&v);
		}
		if (rv == -1)
			return (-1);
		live_batches++;
		break;
	case IMSG_INGEST_ACK:
		if (imsg_get_data(imsg, &ack, sizeof(ack)) == -1)
			return (-1);
		if (live_ack_hook != NULL)
			live_ack_hook(ack.reqid, ack.stored);
		break;
	default:
		return (-1);
	}
	return (0);
}

void
live_init(struct proc_ctx *ctx)
{
	struct imsgev	*iev;

	if ((iev = proc_peer(ctx, PROC_STORE, 0)) != NULL)
		iev->dispatch = live_dispatch_store;
}

json_t *
live_counters(void)
{
	return (json_pack("{s:I,s:I,s:I}",
	    "live_events", (json_int_t)live_events,
	    "live_batches", (json_int_t)live_batches,
	    "last_event_id", (json_int_t)live_last_id));
}
