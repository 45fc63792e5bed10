/* Tail patterns: "**" across directories, fnmatch within a segment. */

#include "siemd/glob.h"
#include "test.h"

static const struct {
	const char	*pat;
	const char	*path;
	int		 want;
} cases[] = {
	{ "*.jsonl",		"app.jsonl",		1 },
	{ "*.jsonl",		"a/app.jsonl",		0 },
	{ "**/*.jsonl",		"app.jsonl",		1 },
	{ "**/*.jsonl",		"a/app.jsonl",		1 },
	{ "**/*.jsonl",		"a/b/c/app.jsonl",	1 },
	{ "**/*.jsonl",		"a/b/c/app.json",	0 },
	{ "**/*.jsonl",		"a/b/c/app.jsonl.1",	0 },
	{ "**/*.jsonl",		"a/.hidden.jsonl",	0 },
	{ "a/**/x.log",		"a/x.log",		1 },
	{ "a/**/x.log",		"a/b/x.log",		1 },
	{ "a/**/x.log",		"b/a/x.log",		0 },
	{ "**",			"anything/at/all",	1 },
	{ "app-?.log",		"app-1.log",		1 },
	{ "app-?.log",		"app-12.log",		0 },
	{ "app-[0-9].log",	"app-7.log",		1 },
	{ "app-[0-9].log",	"app-x.log",		0 },
	{ "*/*.log",		"a/b.log",		1 },
	{ "*/*.log",		"b.log",		0 },
	{ "*.log",		"",			0 },
	{ "",			"x",			0 },
};

int
main(void)
{
	char	 name[128], deep[8192];
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "glob %s ~ %s", cases[i].pat,
		    cases[i].path);
		TEST_BEGIN(name);
		CHECK_INT(glob_match(cases[i].pat, cases[i].path),
		    cases[i].want);
		TEST_END();
	}

	/* a very deep path must not recurse without bound */
	TEST_BEGIN("glob-bad-deep-path");
	deep[0] = '\0';
	for (i = 0; i < 2000; i++)
		strlcat(deep, "d/", sizeof(deep));
	strlcat(deep, "x.jsonl", sizeof(deep));
	CHECK_INT(glob_match("**/**/**/*.jsonl", deep), 0);
	TEST_END();
	TEST_EXIT();
}
