/*
 * The query process: read-only database connections for the API.
 */

#include <sys/types.h>

#include <stdlib.h>

#include "siemd.h"
#include "child.h"

static json_t	*query_counters(void *);

static json_t *
query_counters(void *arg)
{
	return (json_object());
}

__dead void
query(struct proc_ctx *ctx)
{
	static struct child	 c;

	child_setup(ctx, &c);
	c.counters = query_counters;
	child_seal(&c, child_dbdir(&c));
	child_run(&c);
}
