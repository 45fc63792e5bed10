/*
 * Matching a path relative to a tail directory against a pattern with
 * "**" segments (any number of directories, including none) and
 * fnmatch(3) wildcards within each segment.  The recursion is bounded
 * by the number of segments in the path.
 */

#include <fnmatch.h>
#include <string.h>

#include "glob.h"

static int	 match_from(const char *, const char *, int);

/* Copy one segment (up to '/' or NUL) into buf; returns its length. */
static size_t
segment(const char *s, char *buf, size_t len)
{
	size_t	 n = strcspn(s, "/");

	if (n >= len)
		return ((size_t)-1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (n);
}

static int
match_from(const char *pat, const char *path, int depth)
{
	char		 pseg[256], sseg[256];
	size_t		 pn, sn;
	const char	*slash;

	if (depth > GLOB_MAX_SEGMENTS)
		return (0);
	if (*pat == '\0')
		return (*path == '\0');
	if (strcmp(pat, "**") == 0)
		return (1);
	if (strncmp(pat, "**/", 3) == 0) {
		/* zero directories, or swallow one and try again */
		if (match_from(pat + 3, path, depth + 1))
			return (1);
		if ((slash = strchr(path, '/')) == NULL)
			return (0);
		return (match_from(pat, slash + 1, depth + 1));
	}
	if (*path == '\0')
		return (0);
	if ((pn = segment(pat, pseg, sizeof(pseg))) == (size_t)-1 ||
	    (sn = segment(path, sseg, sizeof(sseg))) == (size_t)-1)
		return (0);
	if (fnmatch(pseg, sseg, FNM_PERIOD) != 0)
		return (0);
	pat += pn;
	path += sn;
	if (*pat == '/' && *path == '/')
		return (match_from(pat + 1, path + 1, depth + 1));
	return (*pat == '\0' && *path == '\0');
}

/* 1 when path (relative, no leading slash) matches pattern. */
int
glob_match(const char *pattern, const char *path)
{
	return (match_from(pattern, path, 0));
}
