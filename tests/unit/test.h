/*
 * A few macros for unit tests.  Each case prints "PASS name" or
 * "FAIL name: why"; the runner counts those lines, and a test program
 * exits non-zero when any case failed.
 */

#ifndef SIEMD_TEST_H
#define SIEMD_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed;
static int test_case_failed;
static const char *test_case_name;

#define TEST_BEGIN(name)	do {					\
	test_case_name = (name);					\
	test_case_failed = 0;						\
} while (0)

#define TEST_END()		do {					\
	if (!test_case_failed)						\
		printf("PASS %s\n", test_case_name);			\
} while (0)

#define CHECK(cond)		do {					\
	if (!(cond)) {							\
		printf("FAIL %s: %s:%d: %s\n", test_case_name,		\
		    __FILE__, __LINE__, #cond);				\
		test_case_failed = 1;					\
		test_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(got, want)	do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ == NULL || w_ == NULL ? g_ != w_ : strcmp(g_, w_) != 0) {\
		printf("FAIL %s: %s:%d: got \"%s\", want \"%s\"\n",	\
		    test_case_name, __FILE__, __LINE__,			\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
		test_case_failed = 1;					\
		test_failed = 1;					\
	}								\
} while (0)

#define CHECK_INT(got, want)	do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ != w_) {							\
		printf("FAIL %s: %s:%d: %s = %lld, want %lld\n",	\
		    test_case_name, __FILE__, __LINE__, #got, g_, w_);	\
		test_case_failed = 1;					\
		test_failed = 1;					\
	}								\
} while (0)

#define TEST_EXIT()		return (test_failed ? 1 : 0)

#endif /* SIEMD_TEST_H */
