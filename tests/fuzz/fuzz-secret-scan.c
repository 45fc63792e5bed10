/*
 * libFuzzer driver for the secret-entropy scanner (siemd/sigma_base.c),
 * which reads every log line: the input is the line.  Three sections
 * are tried (the defaults, context needed for every token, short tokens
 * with allow and exclude patterns).  Every token found lies inside the
 * line, is made of token bytes, is within the section's lengths, and
 * its mask is bounded and ends the way base_secret_mask() says.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"
#include "sigma_base.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const sections[] = {
	"{}\n",
	"{need-context: all, context-distance: 8}\n",
	"{min-length: 8, max-length: 24, min-entropy: 2.5, "
	    "min-entropy-hex: 2.0, need-context: none, "
	    "allow: ['[a-f]+[0-9]'], exclude: ['AKIA', '(?i)begin']}\n"
};
#define NSECTIONS	(sizeof(sections) / sizeof(sections[0]))

static struct base_secret	*sec[NSECTIONS];
static size_t			 cur;

static int
take(void *arg, struct sigma_ynode *doc, int idx)
{
	char	 err[SIGMA_REASON_LEN];

	if (base_secret_parse(doc, &sec[cur], err, sizeof(err)) == -1)
		abort();
	return (0);
}

static int
tokch(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '_' ||
	    c == '-');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct base_token	 tok;
	char			 err[SIGMA_REASON_LEN], mask[64];
	size_t			 i, k, n;

	if (sec[0] == NULL)
		for (cur = 0; cur < NSECTIONS; cur++)
			if (sigma_yaml_parse(sections[cur],
			    strlen(sections[cur]), take, NULL, err,
			    sizeof(err)) == -1 || sec[cur] == NULL)
				abort();
	for (k = 0; k < NSECTIONS; k++) {
		memset(&tok, 0, sizeof(tok));
		n = base_secret_scan(sec[k], (const char *)data, size, &tok);
		if (n == 0)
			continue;
		if (tok.len == 0 || tok.off > size || tok.len > size - tok.off)
			abort();
		for (i = 0; i < tok.len; i++)
			if (!tokch(data[tok.off + i]))
				abort();
		if (!(tok.entropy > 0))
			abort();
		base_secret_mask((const char *)data + tok.off, tok.len, mask,
		    sizeof(mask));
		if (strlen(mask) >= sizeof(mask) ||
		    strstr(mask, " chars)") == NULL)
			abort();
	}
	return (0);
}
