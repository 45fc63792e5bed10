/*
 * libFuzzer driver for the audit parser: the input is a stretch of
 * audit.log, fed line by line through one audit_state as the parser
 * process does, then flushed.  Every event that comes out must turn
 * into JSON.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "normalize.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fuzz_emit(struct siem_event *);

static void
fuzz_emit(struct siem_event *ev)
{
	json_t	*j;

	if ((j = event_to_json(ev)) == NULL)
		abort();
	json_decref(j);
	event_clear(ev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct record_hint	 hint = {
		FORMAT_AUDITD, "file", NULL, NULL, "/var/log/audit/audit.log",
		0, 0, 0
	};
	struct audit_state		*st;
	struct siem_event		 ev;
	const char			*p = (const char *)data;
	const char			*end = p + size, *nl, *reason;
	char				*line;
	size_t				 len;

	st = audit_state_new();
	event_init(&ev);
	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		len = nl - p;
		/* an exact-size copy, so reading past a line is caught */
		if ((line = malloc(len == 0 ? 1 : len)) == NULL)
			abort();
		memcpy(line, p, len);
		reason = NULL;
		if (audit_feed(st, line, len, &hint, &ev, &reason) == 1)
			fuzz_emit(&ev);
		free(line);
		p = nl + 1;
	}
	if (audit_flush(st, &ev) == 1)
		fuzz_emit(&ev);
	if (audit_flush(st, &ev) != 0)
		abort();
	audit_state_free(st);
	return (0);
}
