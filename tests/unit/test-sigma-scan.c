/*
 * The shared literal prefilter of the Sigma engine (sigma_scan.c).
 * The literals read from regular expressions: a table of patterns
 * with the literals they must give, every refusal giving none, and
 * each pattern run through PCRE2 on generated subjects (one the
 * pattern matches must hold one of its literals, Unicode case
 * folding included).  The automaton: overlapping literals, suffixes,
 * ASCII case, empty text, the end of the text, against a plain search
 * on both sides of the 16-bit table.  Then a set of rules on many
 * generated events, whose verdicts through the shared prefilter must
 * equal those of the per-rule path and of a full evaluation.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <jansson.h>

#include "event.h"
#include "sigma.h"
#include "test.h"

#define KELVIN		"\xe2\x84\xaa"	/* U+212A, folds to k */
#define LONG_S		"\xc5\xbf"	/* U+017F, folds to s */
#define RE_SUBJECTS	3000
#define E2E_EVENTS	10000
#define MAX_RULES	32
#define E2E_SEED	0x5eed1234U
#define NZ(s)		((s) != NULL ? (s) : "(none)")

struct recase {
	const char	*name;
	const char	*re;
	int		 caseless;
	const char	*want;		/* sorted, '|' between; "" none */
	const char	*eg;		/* a subject it matches */
};

static const struct recase recases[] = {
	/* plain runs and alternatives */
	{ "plain", "whoami", 0, "whoami", "whoami" },
	{ "plain-lower", "WhoAmI", 0, "whoami", "WhoAmI" },
	{ "plain-k-cased", "mimikatz", 0, "mimikatz", "mimikatz" },
	{ "alt", "abc|def", 0, "abc|def", "def" },
	{ "alt-three", "ssh|scp|sftp", 0, "scp|sftp|ssh", "sftp" },
	{ "bad-alt-empty-branch", "abc|", 0, "", NULL },
	{ "bad-alt-branch-without", "abc|\\d+", 0, "", NULL },
	{ "bad-empty", "", 0, "", NULL },
	{ "bad-all-optional", "(abc)?", 0, "", NULL },

	/* quantifiers end a run; one with a minimum keeps its atom */
	{ "opt-ends", "abcd?ef", 0, "abc", "abcef" },
	{ "opt-later", "ab?cdef", 0, "cdef", "acdef" },
	{ "opt-ab-c", "ab?c", 0, "a", "ac" },
	{ "star-drops", "a*bcd", 0, "bcd", "aabcd" },
	{ "star-a-b", "a*b", 0, "b", "b" },
	{ "star-ends", "abc*de", 0, "ab", "abde" },
	{ "plus-keeps", "abc+de", 0, "abc", "abccde" },
	{ "plus-later", "ab+cde", 0, "cde", "abbcde" },
	{ "brace", "a{2}", 0, "a", "aa" },
	{ "brace-keeps", "abc{2}d", 0, "abc", "abccd" },
	{ "brace-zero", "abc{0,2}d", 0, "ab", "abd" },
	{ "brace-range", "ab{1,3}cde", 0, "cde", "abbcde" },
	{ "lazy", "ab+?cde", 0, "cde", "abbcde" },
	{ "possessive", "abc++d", 0, "abc", "abccd" },
	{ "bad-brace-literal", "a{x}", 0, "", NULL },
	{ "bad-brace-open", "ab{", 0, "", NULL },
	{ "bad-brace-empty", "ab{}c", 0, "", NULL },
	{ "bad-brace-comma", "ab{,}c", 0, "", NULL },
	{ "bad-quant-first", "*abc", 0, "", NULL },

	/* classes and anchors */
	{ "class", "ab[xyz]cde", 0, "cde", "abycde" },
	{ "class-quant", "[a-z]+foo", 0, "foo", "zzfoo" },
	{ "class-bracket-first", "[]a]xyz", 0, "xyz", "]xyz" },
	{ "class-negated-bracket", "[^]a]xyz", 0, "xyz", "qxyz" },
	{ "class-escape", "ab[\\]x]cde", 0, "cde", "ab]cde" },
	{ "class-posix", "[[:alpha:]]abc", 0, "abc", "Qabc" },
	{ "bad-class-open", "ab[cd", 0, "", NULL },
	{ "anchors", "^foo$", 0, "foo", "foo" },
	{ "anchors-alt", "^ab$|^cd$", 0, "ab|cd", "cd" },
	{ "word-boundary", "\\bfoo\\b", 0, "foo", "a foo b" },

	/* escapes */
	{ "escape-dot", "a\\.b", 0, "a.b", "a.b" },
	{ "escape-backslash", "c:\\\\windows", 0, "c:\\windows",
	    "c:\\windows" },
	{ "escape-slash", "\\/etc\\/passwd", 0, "/etc/passwd", "/etc/passwd" },
	{ "escape-d-ends", "ab\\dcde", 0, "cde", "ab1cde" },
	{ "escape-s-ends", "foo\\s+bar", 0, "foo", "foo  bar" },
	{ "escape-x", "ab\\x41cde", 0, "cde", "abAcde" },
	{ "escape-x-brace", "ab\\x{41}cde", 0, "cde", "abAcde" },
	{ "escape-p", "\\p{L}+abc", 0, "abc", "Xyabc" },
	{ "escape-p-short", "\\pLabc", 0, "abc", "Zabc" },
	{ "dot", "ab.cde", 0, "cde", "ab-cde" },
	{ "utf8-ends", "ab\xc3\xa9" "cde", 0, "cde", "ab\xc3\xa9" "cde" },
	{ "bad-unknown-escape-n", "abc\\ndef", 0, "", NULL },
	{ "bad-unknown-escape-e", "abc\\edef", 0, "", NULL },
	{ "bad-trailing-backslash", "abc\\", 0, "", NULL },

	/* groups */
	{ "group-loses", "(abc|def)ghij", 0, "ghij", "defghij" },
	{ "group-wins", "(abcde|fghij)xy", 0, "abcde|fghij", "fghijxy" },
	{ "noncapture", "(?:foo|bar)", 0, "bar|foo", "bar" },
	{ "group-optional", "(abcdef)?xy", 0, "xy", "xy" },
	{ "group-star", "(abcdef)*xy", 0, "xy", "abcdefxy" },
	{ "group-brace-zero", "(abcdef){0,1}xy", 0, "xy", "xy" },
	{ "group-plus", "(abcdef)+xy", 0, "abcdef", "abcdefabcdefxy" },
	{ "lookahead", "(?=xyab)xy", 0, "xy", "xyab" },
	{ "lookbehind-negative", "(?<!abcdef)xy", 0, "xy", "qxy" },
	{ "named", "(?<n>abcd)x", 0, "abcd", "abcdx" },
	{ "named-p", "(?P<n>abcd)x", 0, "abcd", "abcdx" },
	{ "named-quote", "(?'n'abcd)x", 0, "abcd", "abcdx" },
	{ "atomic", "(?>abcd)x", 0, "abcd", "abcdx" },
	{ "nested", "((ab|cd)ef|gh)", 0, "ef|gh", "cdef" },
	{ "group-branch-without", "(abc|\\d+)xyz", 0, "xyz", "12xyz" },
	{ "bad-unbalanced-open", "(abc", 0, "", NULL },
	{ "bad-unbalanced-close", "abc)def", 0, "", NULL },

	/*
	 * caseless: k and s may be U+212A and U+017F, so a literal comes
	 * with those spellings too, for up to three of them
	 */
	{ "caseless", "WhoAmI", 1, "whoami", "WHOAMI" },
	{ "caseless-k", "mimikatz", 1, "mimikatz|mimi" KELVIN "atz",
	    "MIMI" KELVIN "ATZ" },
	{ "caseless-s", "passwd", 1,
	    "passwd|pas" LONG_S "wd|pa" LONG_S "swd|pa" LONG_S LONG_S "wd",
	    "pa" LONG_S "swd" },
	{ "caseless-upper", "ASKED", 1,
	    "asked|as" KELVIN "ed|a" LONG_S "ked|a" LONG_S KELVIN "ed",
	    "a" LONG_S KELVIN "ed" },
	{ "caseless-only-ks", "ks|sk", 1,
	    "ks|k" LONG_S "|sk|s" KELVIN "|" LONG_S "k|" LONG_S KELVIN
	    "|" KELVIN "s|" KELVIN LONG_S, KELVIN "S" },
	{ "caseless-three", "kiosk", 1,
	    "kiosk|kios" KELVIN "|kio" LONG_S "k|kio" LONG_S KELVIN
	    "|" KELVIN "iosk|" KELVIN "ios" KELVIN "|" KELVIN "io" LONG_S
	    "k|" KELVIN "io" LONG_S KELVIN, KELVIN "IO" LONG_S "K" },
	{ "caseless-four-ends", "kiosks", 1,
	    "kiosk|kios" KELVIN "|kio" LONG_S "k|kio" LONG_S KELVIN
	    "|" KELVIN "iosk|" KELVIN "ios" KELVIN "|" KELVIN "io" LONG_S
	    "k|" KELVIN "io" LONG_S KELVIN, "kiosk" LONG_S },
	{ "caseless-four-tail", "skskabcdefg", 1, "abcdefg",
	    LONG_S "K" LONG_S "kABCDEFG" },
	{ "caseless-quant-s", "pas+wd", 1, "pas|pa" LONG_S, "paSSwd" },
	{ "caseless-group", "(desk|disk)top", 1,
	    "desk|des" KELVIN "|de" LONG_S "k|de" LONG_S KELVIN
	    "|disk|dis" KELVIN "|di" LONG_S "k|di" LONG_S KELVIN,
	    "DI" LONG_S "KTOP" },
	{ "caseless-set-over", "desks|disks|tasks|masks|asker", 1,
	    "de|di|er|ma|ta", "ASKER" },
	{ "caseless-set-over-group", "(desks|disks|tasks|masks|asker)x", 1,
	    "de|di|er|ma|ta", "ma" LONG_S KELVIN "sx" },
	{ "inline-i", "(?i)mimikatz", 0, "mimikatz|mimi" KELVIN "atz",
	    "mimi" KELVIN "atz" },
	{ "inline-i-late", "mimikatz(?i)", 0, "mimikatz|mimi" KELVIN "atz",
	    "mimikatz" },
	{ "inline-i-group", "(?i:task)", 0,
	    "task|tas" KELVIN "|ta" LONG_S "k|ta" LONG_S KELVIN,
	    "TA" LONG_S KELVIN },

	/* what the reader does not understand gives nothing */
	{ "bad-backref", "(abc)\\1", 0, "", NULL },
	{ "bad-backref-k", "(?<n>abc)\\k<n>", 0, "", NULL },
	{ "bad-backref-g", "(abc)\\g1", 0, "", NULL },
	{ "bad-quote", "\\Qa.b\\E", 0, "", NULL },
	{ "bad-quote-caseless", "abcd\\Qx\\E", 1, "", NULL },
	{ "bad-verb", "(*UCP)abc", 0, "", NULL },
	{ "bad-verb-late", "abc(*SKIP)def", 0, "", NULL },
	{ "bad-extended", "(?x)a b c", 0, "", NULL },
	{ "bad-extended-mixed", "(?ix)abc", 0, "", NULL },
	{ "bad-extended-late", "abcdef(?x: g h)", 0, "", NULL },
	{ "bad-comment", "abc(?#x)def", 0, "", NULL },
	{ "bad-branch-reset", "(?|abc|def)", 0, "", NULL },
	{ "bad-conditional", "(?(1)abc|def)", 0, "", NULL },
	{ "bad-recursion", "(?R)abc", 0, "", NULL },
	{ "bad-callout", "abc(?C1)def", 0, "", NULL },
	{ "bad-escape-N", "abc\\Ndef", 0, "", NULL },
};

static uint32_t	 rng = 0x5eed1234U;

static uint32_t	 rnd(void);
static size_t	 rnd_n(size_t);
static char	*ci_find(const char *, size_t, const char *, size_t);
static int	 str_cmp(const void *, const void *);
static char	*lits_string(const char *, int, uint8_t **, size_t *,
		    size_t *);
static void	 test_re_table(void);
static void	 test_re_limits(void);
static void	 re_pieces(const struct recase *, uint8_t **, size_t *,
		    size_t, char *, size_t *, size_t);
static size_t	 re_subject(const struct recase *, uint8_t **, size_t *,
		    size_t, char *, size_t);
static void	 test_re_pcre2(void);
static uint32_t	 scan_mask(const char *const *, size_t, const char *,
		    size_t);
static uint32_t	 naive_mask(const char *const *, size_t, const char *,
		    size_t);
static void	 test_scan_cases(void);
static void	 test_scan_misc(void);
static int	 spine_check(size_t);
static void	 test_scan_table_edge(void);
static void	 piece_add(char *, size_t *, size_t, const char *);
static void	 gen_text(char *, size_t, const char *const *, size_t);
static void	 e2e_hit(const struct sigma_rule *, void *);
static void	 test_e2e(void);

/* xorshift32: the same subjects on every run. */
static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return (rng);
}

static size_t
rnd_n(size_t n)
{
	return (rnd() % n);
}

/* Case-insensitive (ASCII) search, the reference for the automaton. */
static char *
ci_find(const char *h, size_t hlen, const char *n, size_t nlen)
{
	size_t	 i, j;

	if (nlen > hlen)
		return (NULL);
	for (i = 0; i + nlen <= hlen; i++) {
		for (j = 0; j < nlen; j++)
			if (tolower((unsigned char)h[i + j]) !=
			    tolower((unsigned char)n[j]))
				break;
		if (j == nlen)
			return ((char *)(h + i));
	}
	return (NULL);
}

static int
str_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * The literals of re, sorted and joined by '|' (allocated); lits and
 * lens keep them when not NULL (the caller frees), *n their number.
 */
static char *
lits_string(const char *re, int caseless, uint8_t **keep, size_t *klen,
    size_t *n)
{
	uint8_t	*lits[SIGMA_RE_MAX_LITS];
	size_t	 lens[SIGMA_RE_MAX_LITS], i, total = 1;
	char	*s[SIGMA_RE_MAX_LITS], *out;

	*n = sigma_re_lits(re, strlen(re), caseless, lits, lens);
	for (i = 0; i < *n; i++) {
		if ((s[i] = malloc(lens[i] + 1)) == NULL)
			exit(1);
		memcpy(s[i], lits[i], lens[i]);
		s[i][lens[i]] = '\0';
		total += lens[i] + 1;
		if (keep != NULL) {
			keep[i] = lits[i];
			klen[i] = lens[i];
		} else
			free(lits[i]);
	}
	qsort(s, *n, sizeof(s[0]), str_cmp);
	if ((out = malloc(total)) == NULL)
		exit(1);
	out[0] = '\0';
	for (i = 0; i < *n; i++) {
		if (i > 0)
			strcat(out, "|");
		strcat(out, s[i]);
		free(s[i]);
	}
	return (out);
}

static void
test_re_table(void)
{
	char	 name[128], *got;
	size_t	 i, n;

	for (i = 0; i < sizeof(recases) / sizeof(recases[0]); i++) {
		snprintf(name, sizeof(name), "re-%s", recases[i].name);
		TEST_BEGIN(name);
		got = lits_string(recases[i].re, recases[i].caseless, NULL,
		    NULL, &n);
		CHECK_STR(got, recases[i].want);
		free(got);
		TEST_END();
	}
}

static void
test_re_limits(void)
{
	char	 re[512], *got, want[128];
	size_t	 i, n, o;

	/* 32 alternatives are kept, one more and there is no set */
	TEST_BEGIN("re-max-alternatives");
	for (i = 0, o = 0; i < SIGMA_RE_MAX_LITS; i++)
		o += snprintf(re + o, sizeof(re) - o, "%sz%02zu", i ? "|" : "",
		    i);
	got = lits_string(re, 0, NULL, NULL, &n);
	CHECK_INT(n, SIGMA_RE_MAX_LITS);
	free(got);
	TEST_END();

	TEST_BEGIN("bad-re-too-many-alternatives");
	snprintf(re + o, sizeof(re) - o, "|z99");
	got = lits_string(re, 0, NULL, NULL, &n);
	CHECK_STR(got, "");
	free(got);
	TEST_END();

	/* 4 x 8 spellings fill the set; one more is caseless-set-over */
	TEST_BEGIN("re-fold-set-full");
	got = lits_string("desks|disks|tasks|masks", 1, NULL, NULL, &n);
	CHECK_INT(n, SIGMA_RE_MAX_LITS);
	CHECK(strstr(got, "ta" LONG_S "k" LONG_S) != NULL);
	CHECK(strstr(got, "d" KELVIN) == NULL);
	free(got);
	TEST_END();

	/* the longest spelling counts: k is cut where U+212A does not fit */
	TEST_BEGIN("re-long-run-folded");
	memset(re, 'q', SIGMA_RE_MAX_LIT - 2);
	strcpy(re + SIGMA_RE_MAX_LIT - 2, "k");
	got = lits_string(re, 1, NULL, NULL, &n);
	memset(want, 'q', SIGMA_RE_MAX_LIT - 2);
	want[SIGMA_RE_MAX_LIT - 2] = '\0';
	CHECK_STR(got, want);
	free(got);
	re[SIGMA_RE_MAX_LIT - 3] = 'k';
	re[SIGMA_RE_MAX_LIT - 2] = '\0';
	got = lits_string(re, 1, NULL, NULL, &n);
	CHECK_INT(n, 2);
	CHECK_INT(strlen(got), 2 * SIGMA_RE_MAX_LIT - 2 + 1);
	free(got);
	TEST_END();

	/* a run is cut at SIGMA_RE_MAX_LIT bytes */
	TEST_BEGIN("re-long-run");
	memset(re, 'q', 100);
	re[100] = '\0';
	memset(want, 'q', SIGMA_RE_MAX_LIT);
	want[SIGMA_RE_MAX_LIT] = '\0';
	got = lits_string(re, 0, NULL, NULL, &n);
	CHECK_STR(got, want);
	free(got);
	TEST_END();

	/* the same, ending on a quantified atom */
	TEST_BEGIN("re-long-run-quantified");
	memset(re, 'q', SIGMA_RE_MAX_LIT);
	strcpy(re + SIGMA_RE_MAX_LIT, "r+");
	got = lits_string(re, 0, NULL, NULL, &n);
	CHECK_STR(got, want);
	free(got);
	TEST_END();
}

/* A few bytes of pattern re, one of its literals or a random byte. */
static void
re_pieces(const struct recase *c, uint8_t **lits, size_t *lens, size_t n,
    char *subj, size_t *len, size_t cap)
{
	size_t	 k, o, m, plen = strlen(c->re);

	for (k = rnd_n(3); k > 0; k--)
		switch (rnd_n(4)) {
		case 0:
			o = rnd_n(plen);
			m = 1 + rnd_n(6);
			if (m > plen - o)
				m = plen - o;
			if (*len + m < cap) {
				memcpy(subj + *len, c->re + o, m);
				*len += m;
			}
			break;
		case 1:
			o = rnd_n(n);
			if (*len + lens[o] < cap) {
				memcpy(subj + *len, lits[o], lens[o]);
				*len += lens[o];
			}
			break;
		default:
			if (*len + 1 < cap)
				subj[(*len)++] = (char)(' ' + rnd_n(95));
			break;
		}
}

/*
 * A subject for c: its example with bytes dropped or repeated, between
 * other pieces; then, half the time, case flipped; k and s turned into
 * the characters that fold to them.  Its length.
 */
static size_t
re_subject(const struct recase *c, uint8_t **lits, size_t *lens, size_t n,
    char *out, size_t cap)
{
	char	 subj[256];
	size_t	 len = 0, k, o, eglen = strlen(c->eg);
	int	 flip;

	re_pieces(c, lits, lens, n, subj, &len, sizeof(subj) / 2);
	for (k = 0; k < eglen && len + 2 < sizeof(subj); k++) {
		switch (rnd_n(24)) {
		case 0:
			break;
		case 1:
			subj[len++] = c->eg[k];
			subj[len++] = c->eg[k];
			break;
		default:
			subj[len++] = c->eg[k];
			break;
		}
	}
	re_pieces(c, lits, lens, n, subj, &len, sizeof(subj));
	flip = rnd_n(2) == 0;
	for (k = 0, o = 0; k < len && o + 3 < cap; k++) {
		if (rnd_n(2) == 0 && (subj[k] == 'k' || subj[k] == 'K')) {
			memcpy(out + o, KELVIN, 3);
			o += 3;
		} else if (rnd_n(2) == 0 && (subj[k] == 's' ||
		    subj[k] == 'S')) {
			memcpy(out + o, LONG_S, 2);
			o += 2;
		} else if (flip && rnd_n(3) == 0 &&
		    isalpha((unsigned char)subj[k]))
			out[o++] = subj[k] ^ 0x20;
		else
			out[o++] = subj[k];
	}
	return (o);
}

/*
 * Every table pattern with literals through PCRE2, on its example
 * and on subjects made from it: a subject it matches holds one of
 * its literals.
 */
static void
test_re_pcre2(void)
{
	const struct recase	*c;
	pcre2_code		*re;
	pcre2_match_data	*md;
	uint8_t			*lits[SIGMA_RE_MAX_LITS];
	size_t			 lens[SIGMA_RE_MAX_LITS], n, i, j, k, len,
				 eoff;
	char			 subj[1024], *got;
	int			 err, missed = 0, matched, few = 0,
				 tried = 0;
	uint32_t		 opts;

	TEST_BEGIN("re-pcre2-subjects");
	for (i = 0; i < sizeof(recases) / sizeof(recases[0]); i++) {
		c = &recases[i];
		got = lits_string(c->re, c->caseless, lits, lens, &n);
		free(got);
		if (c->eg == NULL) {
			CHECK_INT(n, 0);
			continue;
		}
		CHECK(n > 0);
		opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
		if (c->caseless)
			opts |= PCRE2_CASELESS;
		if ((re = pcre2_compile((PCRE2_SPTR)c->re, strlen(c->re),
		    opts, &err, &eoff, NULL)) == NULL) {
			printf("# /%s/ does not compile\n", c->re);
			CHECK(re != NULL);
			for (k = 0; k < n; k++)
				free(lits[k]);
			continue;
		}
		tried++;
		md = pcre2_match_data_create_from_pattern(re, NULL);
		matched = 0;
		for (j = 0; j < RE_SUBJECTS; j++) {
			if (j == 0) {
				/* the example as it is */
				len = strlen(c->eg);
				memcpy(subj, c->eg, len);
				if (pcre2_match(re, (PCRE2_SPTR)subj, len, 0,
				    0, md, NULL) < 0) {
					printf("# /%s/ does not match its "
					    "example\n", c->re);
					CHECK(0);
				}
			} else
				len = re_subject(c, lits, lens, n, subj,
				    sizeof(subj));
			if (pcre2_match(re, (PCRE2_SPTR)subj, len, 0, 0, md,
			    NULL) < 0)
				continue;
			matched++;
			for (k = 0; k < n; k++)
				if (ci_find(subj, len, (char *)lits[k],
				    lens[k]) != NULL)
					break;
			if (k == n && missed++ < 5)
				printf("# /%s/%s matches \"%.*s\", which has "
				    "none of its literals\n", c->re,
				    c->caseless ? "i" : "", (int)len, subj);
		}
		/* the subjects must reach the pattern to mean anything */
		if (matched < RE_SUBJECTS / 20) {
			few++;
			printf("# /%s/ matched %d subjects\n", c->re,
			    matched);
		}
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		for (k = 0; k < n; k++)
			free(lits[k]);
	}
	CHECK_INT(missed, 0);
	CHECK_INT(few, 0);
	CHECK(tried > 50);
	TEST_END();
}

/* Bit i set when literal i (lower-cased here) is found by the scan. */
static uint32_t
scan_mask(const char *const *lits, size_t n, const char *text, size_t len)
{
	struct sigma_scan	*sc;
	uint32_t		 found[32], id[32], mask = 0;
	uint8_t			 low[256];
	size_t			 i, j;

	sc = sigma_scan_new();
	for (i = 0; i < n; i++) {
		for (j = 0; lits[i][j] != '\0'; j++)
			low[j] = tolower((unsigned char)lits[i][j]);
		id[i] = sigma_scan_add(sc, low, j);
	}
	sigma_scan_build(sc);
	memset(found, 0, sizeof(found));
	/* an earlier epoch's stamps do not count */
	for (i = 0; i < 32; i++)
		found[i] = 6;
	sigma_scan_run(sc, text, len, found, 7);
	for (i = 0; i < n; i++)
		if (found[id[i]] == 7)
			mask |= 1U << i;
	sigma_scan_free(sc);
	return (mask);
}

static uint32_t
naive_mask(const char *const *lits, size_t n, const char *text, size_t len)
{
	uint32_t	 mask = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (ci_find(text, len, lits[i], strlen(lits[i])) != NULL)
			mask |= 1U << i;
	return (mask);
}

struct scase {
	const char	*name;
	const char	*lits[8];	/* NULL ends */
	const char	*text;
	uint32_t	 want;		/* bit i: lits[i] found */
};

static const struct scase scases[] = {
	{ "overlap", { "abcd", "bcde", "cd", NULL }, "xabcdex", 0x7 },
	{ "overlap-classic", { "he", "she", "his", "hers", NULL }, "ushers",
	    0xb },
	{ "suffix", { "abc", "bc", "c", NULL }, "zabc", 0x7 },
	{ "suffix-only", { "abc", "bc", "c", NULL }, "zzbc", 0x6 },
	{ "bad-suffix-none", { "abc", "bc", "c", NULL }, "zab", 0x0 },
	{ "suffix-via-fail", { "xabq", "ab", NULL }, "xabz", 0x2 },
	{ "prefix", { "abcd", "ab", NULL }, "abcx", 0x2 },
	{ "case", { "whoami", NULL }, "WHOAMI /ALL", 0x1 },
	{ "case-mixed", { "WhoAmI", "net user", NULL }, "wHOaMi; NET USER x",
	    0x3 },
	{ "at-end", { "xyz", NULL }, "aaxyz", 0x1 },
	{ "bad-at-end-cut", { "xyz", NULL }, "aaxy", 0x0 },
	{ "at-start", { "xyz", NULL }, "xyzaa", 0x1 },
	{ "whole", { "xyz", NULL }, "xyz", 0x1 },
	{ "bad-longer-than-text", { "xyzw", NULL }, "xyz", 0x0 },
	{ "bad-empty-text", { "a", "xyz", NULL }, "", 0x0 },
	{ "repeat", { "aa", "aaa", NULL }, "aaaa", 0x3 },
	{ "one-byte", { "a", NULL }, "ba", 0x1 },
	{ "utf8", { "caf\xc3\xa9", NULL }, "CAF\xc3\xa9!", 0x1 },
	{ "bad-utf8-not-folded", { "caf\xc3\xa9", NULL }, "caf\xc3\x89",
	    0x0 },
	{ "bad-kelvin-not-k", { "k", NULL }, KELVIN, 0x0 },
	/* the spellings sigma_re_lits() adds, matched byte for byte */
	{ "folded-spellings", { "mimi" KELVIN "atz", "pa" LONG_S "swd",
	    "task", NULL }, "MIMI" KELVIN "ATZ PA" LONG_S "SWD TA" LONG_S
	    KELVIN, 0x3 },
	{ "bad-kelvin-literal-not-k", { "mimi" KELVIN "atz", NULL },
	    "MIMIKATZ", 0x0 },
	{ "bad-long-s-not-latin1-folded", { LONG_S "x", NULL },
	    "\xe5\xbfx \xc5\x9fx", 0x0 },
	{ "high-bytes", { "\xff\xfe", NULL }, "a\xff\xfe", 0x1 },
	{ "punct", { "| sh", "::", NULL }, "curl x | SH; a::b", 0x3 },
	{ "bad-not-a-class-mate", { "ab", NULL }, "a#b", 0x0 },
};

static void
test_scan_cases(void)
{
	char		 name[128];
	const char	*const *l;
	size_t		 i, n;

	for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
		snprintf(name, sizeof(name), "%sscan-%s", strncmp(
		    scases[i].name, "bad-", 4) == 0 ? "bad-" : "",
		    scases[i].name + (strncmp(scases[i].name, "bad-", 4) ==
		    0 ? 4 : 0));
		TEST_BEGIN(name);
		l = scases[i].lits;
		for (n = 0; l[n] != NULL; n++)
			;
		CHECK_INT(scan_mask(l, n, scases[i].text,
		    strlen(scases[i].text)), scases[i].want);
		CHECK_INT(naive_mask(l, n, scases[i].text,
		    strlen(scases[i].text)), scases[i].want);
		TEST_END();
	}
}

static void
test_scan_misc(void)
{
	struct sigma_scan	*a, *b, *c;
	uint32_t		 found[4], s;
	static const char *const many[] = { "mimikatz", "sekurlsa::",
	    "kat", "ikat", "z", "ekur", "lsa", "::" };
	char			 text[256];
	size_t			 i, len;
	int			 bad = 0;

	TEST_BEGIN("scan-duplicate-same-id");
	a = sigma_scan_new();
	CHECK_INT(sigma_scan_add(a, (const uint8_t *)"abc", 3), 0);
	CHECK_INT(sigma_scan_add(a, (const uint8_t *)"abd", 3), 1);
	CHECK_INT(sigma_scan_add(a, (const uint8_t *)"abc", 3), 0);
	CHECK_INT(sigma_scan_add(a, (const uint8_t *)"ab", 2), 2);
	CHECK_INT(sigma_scan_count(a), 3);
	TEST_END();

	TEST_BEGIN("scan-same");
	b = sigma_scan_new();
	(void)sigma_scan_add(b, (const uint8_t *)"abc", 3);
	(void)sigma_scan_add(b, (const uint8_t *)"abd", 3);
	CHECK(!sigma_scan_same(a, b));
	(void)sigma_scan_add(b, (const uint8_t *)"ab", 2);
	CHECK(sigma_scan_same(a, b));
	c = sigma_scan_new();
	(void)sigma_scan_add(c, (const uint8_t *)"abd", 3);
	(void)sigma_scan_add(c, (const uint8_t *)"abc", 3);
	(void)sigma_scan_add(c, (const uint8_t *)"ab", 2);
	CHECK(!sigma_scan_same(a, c));
	sigma_scan_free(c);
	TEST_END();

	/* a shared automaton lives until its last user lets it go */
	TEST_BEGIN("scan-ref");
	sigma_scan_build(a);
	c = sigma_scan_ref(a);
	sigma_scan_free(a);
	memset(found, 0, sizeof(found));
	sigma_scan_run(c, "xabd", 4, found, 1);
	CHECK_INT(found[0], 0);
	CHECK_INT(found[1], 1);
	CHECK_INT(found[2], 1);
	sigma_scan_free(c);
	sigma_scan_free(b);
	TEST_END();

	TEST_BEGIN("scan-empty-automaton");
	a = sigma_scan_new();
	sigma_scan_build(a);
	memset(found, 0, sizeof(found));
	sigma_scan_run(a, "abc", 3, found, 1);
	CHECK_INT(found[0], 0);
	sigma_scan_free(a);
	TEST_END();

	/* random texts from the literals' bytes against a plain search */
	TEST_BEGIN("scan-random");
	for (i = 0; i < 20000 && bad < 5; i++) {
		len = rnd_n(24);
		for (s = 0; s < len; s++)
			text[s] = "mimkatzseurls:MIKATZ"[rnd_n(20)];
		if (scan_mask(many, 8, text, len) !=
		    naive_mask(many, 8, text, len)) {
			printf("# scan of \"%.*s\": %#x, want %#x\n",
			    (int)len, text, scan_mask(many, 8, text, len),
			    naive_mask(many, 8, text, len));
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	TEST_END();
}

/*
 * One literal of spine bytes (a trie of spine + 1 states) and some of
 * its prefixes, so that outputs sit on the highest states; texts that
 * reach them, checked against a plain search.  1: all agree.
 */
static int
spine_check(size_t spine)
{
	struct sigma_scan	*sc;
	static const size_t	 plen[] = { 0, 1, 2, 3, 100, 5000, 20000 };
	size_t			 np = sizeof(plen) / sizeof(plen[0]);
	size_t			 i, t, lens[8], tlen;
	uint32_t		 id[8], *found;
	char			*s, *text;
	int			 ok = 1, hit;

	if ((s = malloc(spine)) == NULL ||
	    (text = malloc(2 * spine + 2)) == NULL ||
	    (found = calloc(8, sizeof(*found))) == NULL)
		exit(1);
	for (i = 0; i < spine; i++)
		s[i] = "abcd"[rnd_n(4)];
	sc = sigma_scan_new();
	for (i = 0; i < np; i++) {
		lens[i] = spine - plen[i];
		id[i] = sigma_scan_add(sc, (uint8_t *)s, lens[i]);
	}
	lens[np] = 3;
	id[np] = sigma_scan_add(sc, (uint8_t *)s, 3);
	sigma_scan_build(sc);
	for (t = 0; t < 6; t++) {
		switch (t) {
		case 0:		/* the whole spine */
			memcpy(text, s, spine);
			tlen = spine;
			break;
		case 1:		/* upper case, after a stray byte */
			text[0] = 'x';
			for (i = 0; i < spine; i++)
				text[i + 1] = toupper((unsigned char)s[i]);
			tlen = spine + 1;
			break;
		case 2:		/* one short of the end */
			memcpy(text, s, spine - 1);
			tlen = spine - 1;
			break;
		case 3:		/* its last byte changed */
			memcpy(text, s, spine);
			text[spine - 1] = 'e';
			tlen = spine;
			break;
		case 4:		/* twice: back from the deepest state */
			memcpy(text, s, spine);
			memcpy(text + spine, s, spine);
			tlen = 2 * spine;
			break;
		default:	/* random */
			tlen = 4000;
			for (i = 0; i < tlen; i++)
				text[i] = "abcd"[rnd_n(4)];
			break;
		}
		memset(found, 0, 8 * sizeof(*found));
		sigma_scan_run(sc, text, tlen, found, 1);
		for (i = 0; i <= np; i++) {
			hit = ci_find(text, tlen, s, lens[i]) != NULL;
			if (hit != (found[id[i]] == 1)) {
				printf("# spine %zu, text %zu: literal of %zu "
				    "bytes %s\n", spine, t, lens[i], hit ?
				    "missed" : "found but absent");
				ok = 0;
			}
		}
	}
	/* the states are the spine's bytes + 1, the classes 4 + 1 */
	if (sigma_scan_size(sc) != (spine + 1) * (5 *
	    (spine + 1 < 0x8000 ? 2 : 4) + 3 * 4)) {
		printf("# spine %zu: %zu bytes\n", spine,
		    sigma_scan_size(sc));
		ok = 0;
	}
	sigma_scan_free(sc);
	free(found);
	free(text);
	free(s);
	return (ok);
}

/* 0x7fff states fit the 16-bit table (its top bit flags output). */
static void
test_scan_table_edge(void)
{
	TEST_BEGIN("scan-16bit-last");
	CHECK(spine_check(0x7fff - 1));
	TEST_END();
	TEST_BEGIN("scan-32bit-first");
	CHECK(spine_check(0x7fff));
	TEST_END();
	TEST_BEGIN("scan-32bit-state-0x8000");
	CHECK(spine_check(0x8000));
	TEST_END();
	TEST_BEGIN("scan-32bit-large");
	CHECK(spine_check(0x10001));
	TEST_END();
}

/* End to end. */

static const char e2e_map[] =
    "logsources:\n"
    "    - name: t\n"
    "      product: t\n"
    "      fields:\n"
    "          CommandLine: process_cmdline\n"
    "          Image: process_exe\n"
    "          User: user_id\n"
    "          Msg: message\n";

#define RULE(title, det)						\
    "title: " title "\nid: 00000000-0000-0000-0000-" title "\n"		\
    "logsource:\n    product: t\ndetection:\n" det "---\n"

static const char e2e_rules[] =
    RULE("000000000001", "    k:\n        - 'mimikatz'\n"
	"        - 'sekurlsa::'\n    condition: k\n")
    RULE("000000000002", "    k:\n        - 'Trojan*FOUND'\n"
	"    condition: k\n")
    RULE("000000000003", "    s:\n        CommandLine|contains:\n"
	"            - 'whoami /priv'\n            - 'net user'\n"
	"    condition: s\n")
    RULE("000000000004", "    s:\n        Image|startswith: '/tmp/'\n"
	"        Image|endswith: '.sh'\n    condition: s\n")
    RULE("000000000005", "    s:\n        CommandLine|re: "
	"'nc(at)? -[el]+ .*/bin/(ba)?sh'\n    condition: s\n")
    RULE("000000000006", "    s:\n        CommandLine|re|i: "
	"'invoke-(mimikatz|expression)'\n    condition: s\n")
    RULE("000000000007", "    s:\n        CommandLine|contains|all:\n"
	"            - 'curl'\n            - '| sh'\n    condition: s\n")
    RULE("000000000008", "    s:\n        CommandLine|re: '(ab)\\1'\n"
	"    condition: s\n")
    RULE("000000000009", "    s:\n        Msg|endswith: 'failed'\n"
	"    condition: s\n")
    RULE("000000000010", "    s:\n        CommandLine|re|i: '\\Qa.b\\E'\n"
	"    condition: s\n")
    RULE("000000000011", "    s:\n        CommandLine|contains: 'sudo'\n"
	"    f:\n        User: 'root'\n    condition: s and not f\n")
    RULE("000000000012", "    s1:\n        CommandLine|contains: "
	"'passwd'\n    s2:\n        Msg|re: 'shadow\\d'\n"
	"    condition: 1 of s*\n")
    RULE("000000000013", "    s:\n        CommandLine|re: "
	"'(?i)sudo\\s+-s'\n    condition: s\n")
    RULE("000000000014", "    s:\n        Msg|re|i: 'secret_key'\n"
	"    condition: s\n")
    RULE("000000000015", "    s:\n        User: 'Admin'\n"
	"    condition: s\n")
    RULE("000000000016", "    s:\n        CommandLine|contains: 'xxy'\n"
	"    n:\n        User|re: '^\\d+$'\n    condition: s or n\n")
    RULE("000000000017", "    s:\n        Image|endswith: 'sh'\n"
	"        CommandLine|re: 'x{2,}y|ab?c+d'\n    condition: s\n")
    RULE("000000000018", "    k:\n        - 'ab'\n        - 'abab'\n"
	"        - 'b a'\n    condition: k\n")
    RULE("000000000019", "    s:\n        CommandLine|re: "
	"'^(?:cat|less|more) .*(passwd|shadow)$'\n    condition: s\n")
    RULE("000000000020", "    s:\n        Msg|re: '(passwd)?xy\\d'\n"
	"    condition: s\n")
    RULE("000000000021", "    s:\n        CommandLine|re|i: "
	"'ask(pass)?'\n    condition: s\n");

/* which rules always run: no literal is required of them */
static const int e2e_unfiltered[] = { 8, 10, 16 };

static const char *const frags[] = {
	"mimikatz", "MimiKatz", "sekurlsa::", "trojan", "Found", " ",
	"whoami /priv", "net user", "/tmp/", ".sh", "nc", "ncat", " -e",
	" -l", "/bin/", "bash", "sh", "invoke-", "Invoke-Expression",
	"expression", "curl", "| sh", "abab", "ab", "b a", "failed",
	"a.b", "A.B", "sudo", "root", "passwd", "shadow", "7", "-s",
	"secret_key", KELVIN, LONG_S, "Admin", "123", "xxy", "x", "c",
	"d", "cat ", "less ", "more ", "e", "k", "s", "nc -e /bin/sh",
	"ncat -l x /bin/bash", "sudo -s", "sudo  -S", "sudo ",
	"/tmp/x.sh", "invo" KELVIN "e-mimi" KELVIN "atz", "xy7", "xy",
	"A" LONG_S KELVIN, "ask",
};

static void
piece_add(char *buf, size_t *len, size_t cap, const char *p)
{
	size_t	 n = strlen(p);

	if (*len + n < cap) {
		memcpy(buf + *len, p, n);
		*len += n;
	}
}

/* A few fragments, some bytes changed, some case flipped. */
static void
gen_text(char *buf, size_t cap, const char *const *f, size_t nf)
{
	size_t	 len = 0, k, i, from;

	for (k = rnd_n(6); k > 0; k--) {
		from = len;
		if (rnd_n(6) == 0) {
			if (len + 1 < cap)
				buf[len++] = (char)(1 + rnd_n(255));
		} else
			piece_add(buf, &len, cap, f[rnd_n(nf)]);
		if (rnd_n(4) == 0)
			for (i = from; i < len; i++)
				if (isalpha((unsigned char)buf[i]) &&
				    rnd_n(2))
					buf[i] ^= 0x20;
	}
	buf[len] = '\0';
}

struct e2e_hits {
	struct sigma_set	*set;
	int			 got[MAX_RULES];
};

static void
e2e_hit(const struct sigma_rule *r, void *arg)
{
	struct e2e_hits	*h = arg;
	size_t		 i;

	for (i = 0; i < MAX_RULES; i++)
		if (sigma_set_rule(h->set, i) == r)
			h->got[i]++;
}

static void
test_e2e(void)
{
	static const enum event_text cols[] = { EV_PROCESS_CMDLINE,
	    EV_PROCESS_EXE, EV_MESSAGE, EV_RAW, EV_USER_ID };
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	struct e2e_hits		 h;
	json_t			*j;
	char			 err[SIGMA_REASON_LEN], text[256];
	size_t			 nrules, i, e, c, u;
	int			 old, full, bad = 0, nmatch[MAX_RULES],
				 nfull[MAX_RULES];

	TEST_BEGIN("e2e-rules-load");
	map = sigma_map_load_buf(e2e_map, strlen(e2e_map), err, sizeof(err));
	CHECK(map != NULL);
	if (map == NULL) {
		printf("# %s\n", err);
		TEST_END();
		return;
	}
	set = sigma_set_new(map);
	sigma_set_add_file(set, "e2e.yml", e2e_rules, strlen(e2e_rules));
	sigma_set_compile(set);
	nrules = sigma_set_count(set);
	CHECK_INT(nrules, 21);
	for (i = 0; i < nrules; i++) {
		r = sigma_set_rule(set, i);
		if (r->state != SIGMA_LOADED)
			printf("# rule %zu: %s\n", i + 1, r->reason);
		CHECK_INT(r->state, SIGMA_LOADED);
	}
	TEST_END();

	TEST_BEGIN("e2e-prefilter-same-verdicts");
	/* its own stream: the events do not move as the tables grow */
	rng = E2E_SEED;
	memset(nmatch, 0, sizeof(nmatch));
	memset(nfull, 0, sizeof(nfull));
	h.set = set;
	for (e = 0; e < E2E_EVENTS; e++) {
		event_init(&ev);
		for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			if (rnd_n(4) == 0)
				continue;
			gen_text(text, sizeof(text), frags,
			    sizeof(frags) / sizeof(frags[0]));
			event_set(&ev, cols[c], text, strlen(text));
		}
		sigma_event_from_event(&se, &ev);
		memset(h.got, 0, sizeof(h.got));
		(void)sigma_match(set, &se, e2e_hit, &h);
		for (i = 0; i < nrules; i++) {
			r = sigma_set_rule(set, i);
			old = sigma_rule_match(r, &se);
			/* explain evaluates without any prefilter */
			full = sigma_explain(r, &se, &j) == 0 &&
			    json_is_true(json_object_get(j, "matched"));
			json_decref(j);
			nmatch[i] += h.got[i];
			nfull[i] += full;
			if (h.got[i] != full || old != full) {
				if (bad++ < 10)
					printf("# rule %zu: shared %d, per "
					    "rule %d, full %d on cmdline "
					    "\"%s\" exe \"%s\" message \"%s\" "
					    "raw \"%s\" user \"%s\"\n", i + 1,
					    h.got[i], old, full,
					    NZ(ev.text[EV_PROCESS_CMDLINE]),
					    NZ(ev.text[EV_PROCESS_EXE]),
					    NZ(ev.text[EV_MESSAGE]),
					    NZ(ev.text[EV_RAW]),
					    NZ(ev.text[EV_USER_ID]));
			}
		}
		sigma_event_done(&se);
		event_clear(&ev);
	}
	CHECK_INT(bad, 0);
	TEST_END();

	/* the events must make every rule both match and not */
	TEST_BEGIN("e2e-events-reach-every-rule");
	for (i = 0; i < nrules; i++) {
		if (nfull[i] == 0 || nfull[i] == E2E_EVENTS)
			printf("# rule %zu: %d of %d events match\n", i + 1,
			    nfull[i], E2E_EVENTS);
		CHECK(nfull[i] > 0 && nfull[i] < E2E_EVENTS);
		CHECK_INT(nmatch[i], nfull[i]);
	}
	TEST_END();

	/*
	 * A rule with literals is skipped on most events; one without
	 * (a back-reference, \Q, a search with no literal in an or) on
	 * none: both paths evaluate it on every event.
	 */
	TEST_BEGIN("e2e-prefiltered-counts");
	for (i = 0; i < nrules; i++) {
		r = sigma_set_rule(set, i);
		for (u = 0; u < sizeof(e2e_unfiltered) /
		    sizeof(e2e_unfiltered[0]); u++)
			if ((size_t)e2e_unfiltered[u] == i + 1)
				break;
		if (u < sizeof(e2e_unfiltered) / sizeof(e2e_unfiltered[0])) {
			CHECK_INT(r->stats.prefiltered, 0);
			CHECK_INT(r->stats.evaluated, 2 * E2E_EVENTS);
		} else if (r->stats.prefiltered < E2E_EVENTS) {
			printf("# rule %zu: prefiltered %llu times\n", i + 1,
			    (unsigned long long)r->stats.prefiltered);
			CHECK(r->stats.prefiltered >= E2E_EVENTS);
		}
	}
	TEST_END();

	sigma_set_free(set);
	sigma_map_free(map);
}

/* Two rules of text under map; NULL (the check failed) when they do not
   both load. */
static struct sigma_set *
two_rules(const char *maptext, const char *rules, struct sigma_map **mapp)
{
	struct sigma_set	*set;
	char			 err[SIGMA_REASON_LEN];

	*mapp = sigma_map_load_buf(maptext, strlen(maptext), err,
	    sizeof(err));
	CHECK(*mapp != NULL);
	if (*mapp == NULL)
		return (NULL);
	set = sigma_set_new(*mapp);
	sigma_set_add_file(set, "pair.yml", rules, strlen(rules));
	CHECK_INT(sigma_set_compile(set), 2);
	return (set);
}

/*
 * The two rules' verdicts on one event through the shared prefilter
 * against full evaluation (explain); full[i] set, mismatches counted
 * in *bad and the first ones shown with what.
 */
static void
two_verdicts(struct sigma_set *set, struct sigma_event *se, int full[2],
    int *bad, const char *what)
{
	struct e2e_hits	 h;
	json_t		*j;
	size_t		 i;

	h.set = set;
	memset(h.got, 0, sizeof(h.got));
	(void)sigma_match(set, se, e2e_hit, &h);
	for (i = 0; i < 2; i++) {
		full[i] = sigma_explain(sigma_set_rule(set, i), se, &j) == 0 &&
		    json_is_true(json_object_get(j, "matched"));
		json_decref(j);
		if (h.got[i] != full[i] && (*bad)++ < 10)
			printf("# rule %zu: shared %d, full %d on %s\n", i + 1,
			    h.got[i], full[i], what);
	}
}

/*
 * Message and raw with the same literals share one automaton, and when
 * the message is the end of the raw record one pass over the record
 * serves both: a literal is the message's only if it starts inside it.
 * Keywords look in both columns, Msg only in the message, so a literal
 * cut by the boundary must make the first rule match and not the
 * second.
 */
static const char pair_rules[] =
    RULE("000000000101", "    k:\n        - 'mimikatz'\n"
	"        - 'net user'\n        - 'ab'\n    condition: k\n")
    RULE("000000000102", "    s:\n        Msg|contains:\n"
	"            - 'mimikatz'\n            - 'net user'\n"
	"            - 'ab'\n    condition: s\n");

static void
test_pair(void)
{
	static const char *const lits[] = { "mimikatz", "net user", "ab" };
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct siem_event	 ev;
	struct sigma_event	 se;
	char			 head[128], msg[128], raw[256];
	const char		*l;
	size_t			 i, e, cut;
	int			 full[2], bad = 0, split = 0,
				 nfull[2] = { 0, 0 };

	TEST_BEGIN("pair-message-end-of-raw");
	if ((set = two_rules(e2e_map, pair_rules, &map)) == NULL) {
		TEST_END();
		return;
	}
	rng = E2E_SEED;
	for (e = 0; e < 4000; e++) {
		/* a literal cut in two by the boundary, or whole in one */
		l = lits[rnd_n(3)];
		cut = rnd_n(strlen(l) + 1);
		gen_text(head, sizeof(head) - 16, frags, 4);
		gen_text(msg, sizeof(msg) - 16, frags + 20, 8);
		snprintf(raw, sizeof(raw), "%s%.*s", rnd_n(3) ? "<13>x: " :
		    head, (int)cut, l);
		strlcat(raw, l + cut, sizeof(raw));
		strlcat(raw, msg, sizeof(raw));
		event_init(&ev);
		event_set(&ev, EV_RAW, raw, strlen(raw));
		/* the message: the raw record from the cut on */
		event_set(&ev, EV_MESSAGE, raw + strlen(raw) - strlen(l + cut) -
		    strlen(msg), strlen(l + cut) + strlen(msg));
		if (cut > 0 && cut < strlen(l))
			split++;
		sigma_event_from_event(&se, &ev);
		two_verdicts(set, &se, full, &bad, raw);
		for (i = 0; i < 2; i++)
			nfull[i] += full[i];
		sigma_event_done(&se);
		event_clear(&ev);
	}
	CHECK_INT(bad, 0);
	/* keywords saw every planted literal; the message not all */
	CHECK_INT(nfull[0], 4000);
	CHECK(nfull[1] > 0 && nfull[1] < nfull[0]);
	CHECK(split > 1000);
	TEST_END();
	sigma_set_free(set);
	sigma_map_free(map);
}

/*
 * Two data columns with the same literals share an automaton but are
 * never scanned as a pair: a number's text lives in a buffer the next
 * read of the event reuses, so both would look alike.
 */
static const char data_map[] =
    "logsources:\n"
    "    - name: t\n"
    "      product: t\n"
    "      fields:\n"
    "          A: data.a\n"
    "          B: data.b\n";
static const char data_rules[] =
    RULE("000000000201", "    s:\n        A|contains: '12'\n"
	"    condition: s\n")
    RULE("000000000202", "    s:\n        B|contains: '12'\n"
	"    condition: s\n");

static void
test_pair_data(void)
{
	static const char *const data[] = {
		"{\"a\": 312, \"b\": 999}", "{\"a\": 999, \"b\": 312}",
		"{\"a\": 5, \"b\": 125}", "{\"a\": 125, \"b\": 5}",
		"{\"a\": [1, 12], \"b\": [1, 2]}", "{\"a\": \"x12\", \"b\": 12}"
	};
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct sigma_event	 se;
	struct siem_event	 ev;
	size_t			 e;
	int			 full[2], bad = 0;

	TEST_BEGIN("pair-data-columns-apart");
	if ((set = two_rules(data_map, data_rules, &map)) == NULL) {
		TEST_END();
		return;
	}
	for (e = 0; e < sizeof(data) / sizeof(data[0]); e++) {
		event_init(&ev);
		ev.data = json_loads(data[e], 0, NULL);
		sigma_event_from_event(&se, &ev);
		two_verdicts(set, &se, full, &bad, data[e]);
		sigma_event_done(&se);
		event_clear(&ev);
	}
	CHECK_INT(bad, 0);
	TEST_END();
	sigma_set_free(set);
	sigma_map_free(map);
}

int
main(void)
{
	test_re_table();
	test_re_limits();
	test_re_pcre2();
	test_scan_cases();
	test_scan_misc();
	test_scan_table_edge();
	test_e2e();
	test_pair();
	test_pair_data();
	TEST_EXIT();
}
