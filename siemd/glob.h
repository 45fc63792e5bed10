/*
 * Path patterns for tail statements: fnmatch(3) per path segment, plus
 * "**" for any number of directories.
 */

#ifndef SIEMD_GLOB_H
#define SIEMD_GLOB_H

#define GLOB_MAX_SEGMENTS	64

int	 glob_match(const char *, const char *);

#endif /* SIEMD_GLOB_H */
