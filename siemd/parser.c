/*
 * The parser process.
 */

#include <sys/types.h>

#include <stdlib.h>

#include "siemd.h"
#include "child.h"

static json_t	*parser_counters(void *);

static json_t *
parser_counters(void *arg)
{
	return (json_object());
}

__dead void
parser(struct proc_ctx *ctx)
{
	static struct child	 c;

	child_setup(ctx, &c);
	c.counters = parser_counters;
	child_seal(&c, child_conf_str(&c, "chroot", SIEMD_EMPTY));
	child_run(&c);
}
