/*
 * Packed event batches as a peer might send them: every view handed
 * out must lie inside the input, and repacking it must not misbehave.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "siemd/siemd.h"
#include "siemd/event_wire.h"

struct siemd_env env;

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_view	 v;
	struct wire_buf		 wb;
	const uint8_t		*p = data;
	size_t			 left = size;
	int			 i;

	memset(&wb, 0, sizeof(wb));
	while (event_view_next(&p, &left, &v) == 1) {
		for (i = 0; i < EV_TEXT_MAX; i++)
			if (v.text[i] != NULL &&
			    ((const uint8_t *)v.text[i] < data ||
			    (const uint8_t *)v.text[i] + v.h.textlen[i] >
			    data + size))
				abort();
		if (event_view_repack(&wb, &v, 1) == -1)
			abort();
	}
	wire_free(&wb);
	return (0);
}
