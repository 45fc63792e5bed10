/*
 * The web process: the HTTPS API and the dashboard.
 */

#include <sys/types.h>

#include <stdlib.h>

#include "siemd.h"
#include "child.h"

static json_t	*web_counters(void *);

static json_t *
web_counters(void *arg)
{
	return (json_object());
}

__dead void
web(struct proc_ctx *ctx)
{
	static struct child	 c;
	json_t			*api;
	const char		*htdocs = SIEMD_HTDOCS;

	child_setup(ctx, &c);
	c.counters = web_counters;
	api = json_object_get(c.conf, "api");
	if (json_is_string(json_object_get(api, "htdocs")))
		htdocs = json_string_value(json_object_get(api, "htdocs"));
	child_seal(&c, htdocs);
	child_run(&c);
}
