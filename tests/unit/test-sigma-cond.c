/*
 * The Sigma condition grammar: precedence (or < and < not < "x of" <
 * parentheses), of-patterns, "them" without '_' identifiers, condition
 * lists, evaluation, the literal requirement the prefilter uses, and
 * malformed conditions refused with their reason.  Trees are compared
 * in their s-expression form, searches by index.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"
#include "test.h"

/* 0 sel_a, 1 sel_b, 2 filter, 3 _hidden, 4 keywords */
static const char *names[] = {
	"sel_a", "sel_b", "filter", "_hidden", "keywords"
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static const struct {
	const char	*cond;
	const char	*tree;
} good[] = {
	{ "sel_a", "#0" },
	{ "sel_a or sel_b and filter", "(or #0 (and #1 #2))" },
	{ "sel_a and sel_b or filter", "(or (and #0 #1) #2)" },
	{ "not sel_a and sel_b", "(and (not #0) #1)" },
	{ "not (sel_a and sel_b)", "(not (and #0 #1))" },
	{ "(sel_a or sel_b) and filter", "(and (or #0 #1) #2)" },
	{ "sel_a and sel_b and filter", "(and #0 #1 #2)" },
	{ "sel_a or sel_b or filter", "(or #0 #1 #2)" },
	{ "((sel_a))", "#0" },
	{ "not not sel_a", "(not (not #0))" },
	{ "1 of sel_*", "(1-of #0 #1)" },
	{ "any of sel_*", "(1-of #0 #1)" },
	{ "all of sel_*", "(all-of #0 #1)" },
	{ "1 of them", "(1-of #0 #1 #2 #4)" },
	{ "all of them", "(all-of #0 #1 #2 #4)" },
	{ "1 of _hid*", "(1-of #3)" },
	{ "1 of *", "(1-of #0 #1 #2 #3 #4)" },
	{ "1 of sel_* and not 1 of filter*",
	    "(and (1-of #0 #1) (not (1-of #2)))" },
	{ "all of sel_* or keywords", "(or (all-of #0 #1) #4)" },
	{ "not 1 of sel_* and keywords", "(and (not (1-of #0 #1)) #4)" },
	{ "2 of them", "(2-of #0 #1 #2 #4)" },
	{ "SEL_A", NULL },		/* identifiers keep their case */
	{ "sel_a AND NOT filter", "(and #0 (not #2))" },
	{ "  sel_a\tor\n sel_b  ", "(or #0 #1)" },
	{ "sel_a and (sel_b or (filter and not keywords))",
	    "(and #0 (or #1 (and #2 (not #4))))" },
	{ "1 of s*_a", "(1-of #0)" },
};

static const struct {
	const char	*cond;
	const char	*reason;
} bad[] = {
	{ "", "condition is empty" },
	{ "   ", "condition is empty" },
	{ "sel_a and", "unexpected end" },
	{ "(sel_a", "missing ')'" },
	{ "sel_a)", "unexpected ')'" },
	{ "sel_c", "unknown search identifier 'sel_c'" },
	{ "sel_*", "needs \"1 of\" or \"all of\"" },
	{ "1 of nothing*", "\"nothing*\" matches no search identifier" },
	{ "sel_a | count() > 5", "v1 aggregation (count/near) is not "
	    "supported; use a correlation rule" },
	{ "sel_a | count(x) by y > 3", "v1 aggregation" },
	{ "sel_a near sel_b", "v1 aggregation" },
	{ "sel_a sel_b", "unexpected 'sel_b'" },
	{ "0 of them", "at least 1" },
	{ "1 sel_*", "expected \"of\"" },
	{ "1 of", "expected a pattern" },
	{ "all of (sel_a)", "expected a pattern" },
	{ "sel_a && sel_b", "unexpected character '&'" },
	{ "not", "unexpected end" },
	{ "and sel_a", "unexpected 'and'" },
	{ "()", "unexpected ')'" },
	{ "99999 of them", "too large" },
};

static const char	*truth;		/* per search: '1' true */

static int
search(void *arg, size_t i)
{
	(*(int *)arg)++;
	return (truth[i] == '1');
}

static unsigned int
score(void *arg, size_t i)
{
	const char	*s = arg;

	return (s[i] - '0');
}

static void
test_good(void)
{
	struct sigma_cond	*c;
	char			 err[SIGMA_REASON_LEN], tree[512];
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		TEST_BEGIN("cond-parse");
		c = sigma_cond_parse(good[i].cond, strlen(good[i].cond),
		    names, NNAMES, err, sizeof(err));
		if (good[i].tree == NULL) {
			CHECK(c == NULL);
			TEST_END();
			continue;
		}
		CHECK(c != NULL);
		if (c == NULL) {
			printf("# \"%s\": %s\n", good[i].cond, err);
			TEST_END();
			continue;
		}
		CHECK(sigma_cond_format(c, tree, sizeof(tree)) == 0);
		if (strcmp(tree, good[i].tree) != 0)
			printf("# \"%s\": %s, want %s\n", good[i].cond, tree,
			    good[i].tree);
		CHECK_STR(tree, good[i].tree);
		sigma_cond_free(c);
		TEST_END();
	}
}

static void
test_bad(void)
{
	struct sigma_cond	*c;
	char			 err[SIGMA_REASON_LEN];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TEST_BEGIN("bad-cond");
		err[0] = '\0';
		c = sigma_cond_parse(bad[i].cond, strlen(bad[i].cond), names,
		    NNAMES, err, sizeof(err));
		CHECK(c == NULL);
		if (strstr(err, bad[i].reason) == NULL)
			printf("# \"%s\": \"%s\", want \"%s\"\n", bad[i].cond,
			    err, bad[i].reason);
		CHECK(strstr(err, bad[i].reason) != NULL);
		sigma_cond_free(c);
		TEST_END();
	}
}

static int
eval(const char *cond, const char *t, int *calls)
{
	struct sigma_cond	*c;
	char			 err[SIGMA_REASON_LEN];
	int			 rv;

	*calls = 0;
	if ((c = sigma_cond_parse(cond, strlen(cond), names, NNAMES, err,
	    sizeof(err))) == NULL)
		return (-1);
	truth = t;
	rv = sigma_cond_eval(c, search, calls);
	sigma_cond_free(c);
	return (rv);
}

static void
test_eval(void)
{
	int	 calls;

	TEST_BEGIN("cond-eval");
	CHECK_INT(eval("sel_a and not filter", "10000", &calls), 1);
	CHECK_INT(eval("sel_a and not filter", "10100", &calls), 0);
	CHECK_INT(eval("1 of sel_*", "01000", &calls), 1);
	CHECK_INT(eval("1 of sel_*", "00111", &calls), 0);
	CHECK_INT(eval("all of sel_*", "11000", &calls), 1);
	CHECK_INT(eval("all of sel_*", "10111", &calls), 0);
	CHECK_INT(eval("1 of them", "00010", &calls), 0);	/* _hidden */
	CHECK_INT(eval("1 of _hid*", "00010", &calls), 1);
	CHECK_INT(eval("2 of them", "10001", &calls), 1);
	CHECK_INT(eval("2 of them", "10010", &calls), 0);
	CHECK_INT(eval("not (sel_a or sel_b)", "00000", &calls), 1);
	TEST_END();

	TEST_BEGIN("cond-eval-short-circuit");
	CHECK_INT(eval("sel_a and sel_b and filter", "00000", &calls), 0);
	CHECK_INT(calls, 1);
	CHECK_INT(eval("sel_a or sel_b", "10000", &calls), 1);
	CHECK_INT(calls, 1);
	CHECK_INT(eval("all of them", "01111", &calls), 0);
	CHECK_INT(calls, 1);
	TEST_END();
}

static void
test_list(void)
{
	struct sigma_cond	*c[3], *all;
	char			 err[SIGMA_REASON_LEN], tree[256];
	int			 calls;

	TEST_BEGIN("cond-list-is-or");
	c[0] = sigma_cond_parse("sel_a and filter", 16, names, NNAMES, err,
	    sizeof(err));
	c[1] = sigma_cond_parse("keywords", 8, names, NNAMES, err,
	    sizeof(err));
	c[2] = sigma_cond_parse("not sel_b", 9, names, NNAMES, err,
	    sizeof(err));
	CHECK(c[0] != NULL && c[1] != NULL && c[2] != NULL);
	all = sigma_cond_or(c, 3);
	CHECK(sigma_cond_format(all, tree, sizeof(tree)) == 0);
	CHECK_STR(tree, "(or (and #0 #2) #4 (not #1))");
	truth = "01001";
	CHECK_INT(sigma_cond_eval(all, search, &calls), 1);
	truth = "01000";
	CHECK_INT(sigma_cond_eval(all, search, &calls), 0);
	sigma_cond_free(all);
	TEST_END();
}

static void
test_required(void)
{
	static const struct {
		const char	*cond;
		const char	*scores;	/* per search */
		const char	*want;		/* indices, or "" for none */
	} req[] = {
		{ "sel_a and not filter", "11111", "0" },
		{ "sel_a or sel_b", "11111", "01" },
		{ "sel_a or sel_b", "10111", "" },	/* sel_b: no literal */
		{ "not sel_a", "11111", "" },
		{ "sel_a and sel_b", "13111", "1" },	/* more selective */
		{ "sel_a and sel_b", "01111", "1" },
		{ "1 of sel_*", "22111", "01" },
		{ "all of sel_*", "25111", "1" },
		{ "sel_a or (sel_b and keywords)", "21113", "04" },
		{ "2 of them", "11111", "0124" },
	};
	struct sigma_cond	*c;
	char			 err[SIGMA_REASON_LEN], got[16];
	size_t			 out[64], n, i, k;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		TEST_BEGIN("cond-required-literals");
		c = sigma_cond_parse(req[i].cond, strlen(req[i].cond), names,
		    NNAMES, err, sizeof(err));
		CHECK(c != NULL);
		n = sigma_cond_required(c, score, (void *)req[i].scores, out,
		    64);
		for (k = 0; k < n && k < sizeof(got) - 1; k++)
			got[k] = '0' + out[k];
		got[k] = '\0';
		if (strcmp(got, req[i].want) != 0)
			printf("# \"%s\" scores %s: %s, want %s\n",
			    req[i].cond, req[i].scores, got, req[i].want);
		CHECK_STR(got, req[i].want);
		sigma_cond_free(c);
		TEST_END();
	}
}

static void
test_limits(void)
{
	struct sigma_cond	*c;
	char			 err[SIGMA_REASON_LEN], *s;
	size_t			 i, o, len;

	TEST_BEGIN("cond-depth-limit");
	len = 4 * SIGMA_COND_DEPTH + 64;
	if ((s = malloc(len)) == NULL)
		exit(1);
	for (i = 0, o = 0; i < SIGMA_COND_DEPTH; i++)
		s[o++] = '(';
	memcpy(s + o, "sel_a", 5);
	o += 5;
	for (i = 0; i < SIGMA_COND_DEPTH; i++)
		s[o++] = ')';
	c = sigma_cond_parse(s, o, names, NNAMES, err, sizeof(err));
	CHECK(c != NULL);
	sigma_cond_free(c);
	/* one more level is refused */
	memmove(s + 1, s, o);
	s[0] = '(';
	s[++o] = ')';
	o++;
	c = sigma_cond_parse(s, o, names, NNAMES, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "nested deeper") != NULL);
	free(s);
	TEST_END();

	TEST_BEGIN("bad-cond-nots");
	len = 5 * 200 + 16;
	if ((s = malloc(len)) == NULL)
		exit(1);
	for (i = 0, o = 0; i < 200; i++) {
		memcpy(s + o, "not ", 4);
		o += 4;
	}
	memcpy(s + o, "sel_a", 5);
	o += 5;
	c = sigma_cond_parse(s, o, names, NNAMES, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "nested deeper") != NULL);
	free(s);
	TEST_END();

	TEST_BEGIN("bad-cond-too-long");
	len = SIGMA_MAX_COND + 16;
	if ((s = malloc(len)) == NULL)
		exit(1);
	memset(s, ' ', len);
	memcpy(s, "sel_a", 5);
	c = sigma_cond_parse(s, len, names, NNAMES, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "longer than") != NULL);
	free(s);
	TEST_END();

	TEST_BEGIN("bad-cond-too-many-terms");
	len = 9 * (SIGMA_COND_NODES + 8);
	if ((s = malloc(len)) == NULL)
		exit(1);
	for (i = 0, o = 0; i < SIGMA_COND_NODES / 2 + 8 && o + 20 < len;
	    i++) {
		memcpy(s + o, "1 of * or ", 10);
		o += 10;
	}
	memcpy(s + o, "sel_a", 5);
	o += 5;
	c = sigma_cond_parse(s, o > SIGMA_MAX_COND ? SIGMA_MAX_COND : o,
	    names, NNAMES, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "more than") != NULL);
	free(s);
	TEST_END();
}

int
main(void)
{
	test_good();
	test_bad();
	test_eval();
	test_list();
	test_required();
	test_limits();
	TEST_EXIT();
}
