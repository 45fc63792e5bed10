/*
 * libFuzzer driver for the regular expression literal reader of the
 * Sigma prefilter (sigma_re_lits): the input is a flag byte, a
 * pattern, a NUL and a subject.  Any pattern is read without a crash
 * and gives at most SIGMA_RE_MAX_LITS literals of 1 to
 * SIGMA_RE_MAX_LIT lower-case bytes; when PCRE2 compiles the pattern
 * and it matches the subject, the subject holds one of the literals
 * (ASCII case ignored), or the prefilter would lose that match.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sigma.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 has(const uint8_t *, size_t, const uint8_t *, size_t);

static pcre2_match_context	*mctx;

static int
has(const uint8_t *h, size_t hlen, const uint8_t *n, size_t nlen)
{
	size_t	 i, j;

	for (i = 0; i + nlen <= hlen; i++) {
		for (j = 0; j < nlen; j++)
			if (tolower(h[i + j]) != n[j])
				break;
		if (j == nlen)
			return (1);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t			*lits[SIGMA_RE_MAX_LITS];
	size_t			 lens[SIGMA_RE_MAX_LITS], n, i, j, plen;
	const uint8_t		*pat, *subj, *nul;
	size_t			 slen;
	pcre2_code		*re;
	pcre2_match_data	*md;
	PCRE2_SIZE		 eoff;
	uint32_t		 opts;
	int			 err, caseless, found = 0;

	if (size < 1)
		return (0);
	if (mctx == NULL) {
		/* the engine's limits: a slow pattern is not a finding */
		if ((mctx = pcre2_match_context_create(NULL)) == NULL)
			abort();
		pcre2_set_match_limit(mctx, 100000);
		pcre2_set_depth_limit(mctx, 10000);
	}
	caseless = data[0] & 1;
	pat = data + 1;
	if ((nul = memchr(pat, '\0', size - 1)) != NULL) {
		plen = nul - pat;
		subj = nul + 1;
		slen = size - 1 - plen - 1;
	} else {
		plen = size - 1;
		subj = NULL;
		slen = 0;
	}
	n = sigma_re_lits((const char *)pat, plen, caseless, lits, lens);
	if (n > SIGMA_RE_MAX_LITS)
		abort();
	for (i = 0; i < n; i++) {
		if (lens[i] == 0 || lens[i] > SIGMA_RE_MAX_LIT)
			abort();
		for (j = 0; j < lens[i]; j++)
			if (tolower(lits[i][j]) != lits[i][j])
				abort();
	}
	if (n > 0 && subj != NULL) {
		opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
		if (caseless)
			opts |= PCRE2_CASELESS;
		if ((re = pcre2_compile(pat, plen, opts, &err, &eoff,
		    NULL)) != NULL) {
			if ((md = pcre2_match_data_create_from_pattern(re,
			    NULL)) == NULL)
				abort();
			if (pcre2_match(re, subj, slen, 0, 0, md,
			    mctx) >= 0) {
				for (i = 0; i < n && !found; i++)
					found = has(subj, slen, lits[i],
					    lens[i]);
				if (!found)
					abort();
			}
			pcre2_match_data_free(md);
			pcre2_code_free(re);
		}
	}
	for (i = 0; i < n; i++)
		free(lits[i]);
	return (0);
}
