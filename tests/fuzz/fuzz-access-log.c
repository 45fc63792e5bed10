/*
 * libFuzzer driver for the access log parser: the input is one line
 * as nginx or Apache might write it, or anything a client could get
 * them to write.
 */

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "normalize.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct record_hint	 hint = {
		FORMAT_ACCESS, "file", NULL, NULL, NULL, -1, 0, 0
	};
	struct siem_event		 ev;
	const char			*reason = NULL;
	json_t				*j;

	event_init(&ev);
	if (access_log_parse(&ev, (const char *)data, size, &hint,
	    &reason) == PARSE_OK) {
		if ((j = event_to_json(&ev)) == NULL)
			abort();
		json_decref(j);
	}
	event_clear(&ev);
	return (0);
}
