/*
 * The notify process.
 */

#include <sys/types.h>

#include <stdlib.h>

#include "siemd.h"
#include "child.h"

static json_t	*notify_counters(void *);

static json_t *
notify_counters(void *arg)
{
	return (json_object());
}

__dead void
notify(struct proc_ctx *ctx)
{
	static struct child	 c;

	child_setup(ctx, &c);
	c.counters = notify_counters;
	child_seal(&c, child_conf_str(&c, "chroot", SIEMD_EMPTY));
	child_run(&c);
}
