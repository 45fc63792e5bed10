/*
 * Packed events between processes: a round trip keeps every column,
 * and a batch with any length wrong is refused, never read past.
 */

#include <stdlib.h>
#include <string.h>

#include "siemd/siemd.h"
#include "siemd/event_wire.h"
#include "test.h"

struct siemd_env env;

static void
fill(struct siem_event *ev, int n)
{
	char	 msg[64];

	event_init(ev);
	snprintf(msg, sizeof(msg), "message %d", n);
	event_set(ev, EV_MESSAGE, msg, strlen(msg));
	event_set(ev, EV_APP, "sshd", 4);
	event_set(ev, EV_SRC_IP, "198.51.100.23", 13);
	ev->ts = 1700000000000000LL + n;
	ev->received_at = 1700000000000001LL;
	ev->ints[EV_PID] = 4242;
	ev->ints[EV_HTTP_STATUS] = 401;
	ev->latency_ms = 12.5;
	ev->severity = SEV_HIGH;
	event_data_set(ev, "seq", json_integer(n));
}

int
main(void)
{
	struct wire_buf		 wb, wb2;
	struct siem_event	 ev;
	struct event_view	 v;
	const uint8_t		*p;
	uint8_t			*copy;
	size_t			 left;
	int			 i, n;

	memset(&wb, 0, sizeof(wb));
	memset(&wb2, 0, sizeof(wb2));
	TEST_BEGIN("wire-round-trip");
	for (i = 0; i < 3; i++) {
		fill(&ev, i);
		CHECK_INT(event_pack(&wb, &ev, SOURCE_FILE, 7), 0);
		event_clear(&ev);
	}
	CHECK_INT(wb.count, 3);
	p = wb.buf;
	left = wb.len;
	n = 0;
	while (event_view_next(&p, &left, &v) == 1) {
		char	 want[64];

		snprintf(want, sizeof(want), "message %d", n);
		CHECK_INT(v.h.textlen[EV_MESSAGE], strlen(want));
		CHECK(memcmp(v.text[EV_MESSAGE], want, strlen(want)) == 0);
		CHECK(v.text[EV_HOST] == NULL);
		CHECK_INT(v.h.ints[EV_PID], 4242);
		CHECK_INT(v.h.ints[EV_DEST_PORT], -1);
		CHECK_INT(v.h.ts, 1700000000000000LL + n);
		CHECK_INT(v.h.source_kind, SOURCE_FILE);
		CHECK_INT(v.h.source_id, 7);
		CHECK_INT(v.h.severity, SEV_HIGH);
		CHECK(v.data != NULL && memmem(v.data, v.h.datalen, "\"seq\"",
		    5) != NULL);
		CHECK_INT(event_view_repack(&wb2, &v, 100 + n), 0);
		n++;
	}
	CHECK_INT(n, 3);
	CHECK_INT(left, 0);
	TEST_END();

	TEST_BEGIN("wire-repack-sets-id");
	p = wb2.buf;
	left = wb2.len;
	CHECK_INT(event_view_next(&p, &left, &v), 1);
	CHECK_INT(v.h.id, 100);
	TEST_END();

	/* every truncation of a valid batch is refused or ends cleanly */
	TEST_BEGIN("wire-bad-truncated");
	for (left = 1; left < wb.len; left++) {
		size_t	 l = left;

		if ((copy = malloc(l)) == NULL)
			abort();
		memcpy(copy, wb.buf, l);
		p = copy;
		while ((i = event_view_next(&p, &l, &v)) == 1)
			;
		/* a cut inside an event is an error, at a boundary the end */
		CHECK(i == -1 || l == 0);
		free(copy);
	}
	TEST_END();

	TEST_BEGIN("wire-bad-lengths");
	if ((copy = malloc(wb.len)) == NULL)
		abort();
	memcpy(copy, wb.buf, wb.len);
	((struct wire_hdr *)(void *)copy)->textlen[EV_MESSAGE] += 1;
	p = copy;
	left = wb.len;
	CHECK_INT(event_view_next(&p, &left, &v), -1);
	memcpy(copy, wb.buf, wb.len);
	((struct wire_hdr *)(void *)copy)->total = 3;
	p = copy;
	left = wb.len;
	CHECK_INT(event_view_next(&p, &left, &v), -1);
	memcpy(copy, wb.buf, wb.len);
	((struct wire_hdr *)(void *)copy)->severity = 9;
	p = copy;
	left = wb.len;
	CHECK_INT(event_view_next(&p, &left, &v), -1);
	memcpy(copy, wb.buf, wb.len);
	((struct wire_hdr *)(void *)copy)->datalen = 0xfffffff0U;
	p = copy;
	left = wb.len;
	CHECK_INT(event_view_next(&p, &left, &v), -1);
	free(copy);
	TEST_END();

	wire_free(&wb);
	wire_free(&wb2);
	TEST_EXIT();
}
