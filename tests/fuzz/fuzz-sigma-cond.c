/*
 * libFuzzer driver for the Sigma condition parser: the input is a
 * condition over a fixed set of search identifiers.  A parsed
 * condition must format, evaluate under a truth assignment taken from
 * its own bytes, and give a literal requirement; a refused one must
 * say why.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *names[] = {
	"selection", "sel_a", "sel_b", "filter", "filter_x", "_hidden",
	"keywords", "1", "a-b.c"
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static unsigned int	 bits;

static int
search(void *arg, size_t i)
{
	if (i >= NNAMES)
		abort();
	return ((bits >> i) & 1);
}

static unsigned int
score(void *arg, size_t i)
{
	if (i >= NNAMES)
		abort();
	return ((unsigned int)i % 3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigma_cond	*c;
	char			 err[SIGMA_REASON_LEN], tree[8192];
	size_t			 out[64], n, i;

	err[0] = '\0';
	c = sigma_cond_parse((const char *)data, size, names, NNAMES, err,
	    sizeof(err));
	if (c == NULL) {
		if (err[0] == '\0')
			abort();
		return (0);
	}
	(void)sigma_cond_format(c, tree, sizeof(tree));
	bits = size > 0 ? data[0] | (size > 1 ? data[1] << 8 : 0) : 0;
	(void)sigma_cond_eval(c, search, NULL);
	n = sigma_cond_required(c, score, NULL, out, 64);
	for (i = 0; i < n; i++)
		if (out[i] >= NNAMES)
			abort();
	sigma_cond_free(c);
	return (0);
}
