/*
 * libFuzzer driver for the syslog side of normalization: the input is
 * one framed record as ingest hands it over, run through the parser,
 * the program extractors and the severity classifier, and turned
 * into JSON as the API would.  The first byte picks a network or a
 * file origin (which changes the PRI default); the 3164 parser also
 * sees every record, so its lenient paths meet 5424-shaped input.
 */

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "normalize.h"

#define FUZZ_NOW	1700000000000000LL

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 finish(struct siem_event *);

static void
finish(struct siem_event *ev)
{
	json_t	*j;
	char	*s;

	extract_program(ev);
	classify_severity(ev);
	if ((j = event_to_json(ev)) == NULL)
		abort();
	if ((s = json_dumps(j, 0)) == NULL)
		abort();
	free(s);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record_hint	 hint = {
		FORMAT_SYSLOG, "syslog", NULL, "192.0.2.1", NULL, -1,
		FUZZ_NOW, FUZZ_NOW
	};
	struct siem_event	 ev;
	const char		*buf = (const char *)data, *reason = NULL;

	if (size > 0 && (data[0] & 1)) {
		hint.source_type = "file";
		hint.source_file = "/var/log/auth.log";
		hint.source_offset = 0;
	}
	event_init(&ev);
	if (syslog_parse(&ev, buf, size, &hint, &reason) == PARSE_OK)
		finish(&ev);
	event_clear(&ev);
	if (syslog_parse_3164(&ev, buf, size, &hint, &reason) == PARSE_OK)
		finish(&ev);
	event_clear(&ev);
	return (0);
}
