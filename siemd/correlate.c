/*
 * The correlate process: detection rules over committed events.  Rule
 * files arrive from the parent; events arrive from the store after
 * they are committed, with their row ids, so an alert only ever points
 * at stored events.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "child.h"
#include "event_wire.h"

struct correlate {
	struct child	 c;
	uint64_t	 rule_files;	/* in the last complete set */
	uint64_t	 pending_files;	/* of the set being received */
	uint64_t	 rule_bytes;
	uint64_t	 events;
	uint64_t	 batches;
	int64_t		 last_id;
};

static struct correlate	 cr;

static json_t	*correlate_counters(void *);
static int	 correlate_dispatch_parent(struct imsgev *, struct imsg *);
static int	 correlate_dispatch_store(struct imsgev *, struct imsg *);

static json_t *
correlate_counters(void *arg)
{
	return (json_pack("{s:I,s:I,s:I,s:I}",
	    "rule_files", (json_int_t)cr.rule_files,
	    "events", (json_int_t)cr.events,
	    "batches", (json_int_t)cr.batches,
	    "last_event_id", (json_int_t)cr.last_id));
}

static int
correlate_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct rule_file	 rf;
	const void		*tail;
	size_t			 taillen;

	switch (imsg->hdr.type) {
	case IMSG_RULE_FILE:
		if (imsg_get_head(imsg, &rf, sizeof(rf), &tail,
		    &taillen) == -1 || rf.pathlen == 0 ||
		    rf.pathlen > taillen || taillen - rf.pathlen != rf.len ||
		    ((const char *)tail)[rf.pathlen - 1] != '\0')
			return (-1);
		cr.pending_files++;
		cr.rule_bytes += rf.len;
		break;
	case IMSG_RULES_DONE:
		cr.rule_files = cr.pending_files;
		cr.pending_files = 0;
		log_debug("%llu rule files received",
		    (unsigned long long)cr.rule_files);
		break;
	default:
		return (-1);
	}
	return (0);
}

static int
correlate_dispatch_store(struct imsgev *iev, struct imsg *imsg)
{
	struct event_view	 v;
	const uint8_t		*p;
	size_t			 left;
	int			 rv;

	switch (imsg->hdr.type) {
	case IMSG_STORED:
		p = imsg->data;
		left = imsg->datalen;
		while ((rv = event_view_next(&p, &left, &v)) == 1) {
			cr.events++;
			cr.last_id = v.h.id;
		}
		if (rv == -1)
			return (-1);
		cr.batches++;
		break;
	default:
		return (-1);
	}
	return (0);
}

__dead void
correlate(struct proc_ctx *ctx)
{
	struct imsgev	*iev;

	child_setup(ctx, &cr.c);
	cr.c.counters = correlate_counters;
	child_seal(&cr.c, child_conf_str(&cr.c, "chroot", SIEMD_EMPTY));
	ctx->parent.dispatch = correlate_dispatch_parent;
	if ((iev = proc_peer(ctx, PROC_STORE, 0)) != NULL)
		iev->dispatch = correlate_dispatch_store;
	child_run(&cr.c);
}
