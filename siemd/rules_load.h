/*
 * Reading rule files: the parent walks the configured rules directory
 * and hands each YAML file's bytes to a callback (to be shipped to the
 * correlate process, or compiled on the spot by siemd -n).
 */

#ifndef SIEMD_RULES_LOAD_H
#define SIEMD_RULES_LOAD_H

#include <stddef.h>

#define RULES_MAX_DEPTH		8
#define RULES_MAX_FILE		(512 * 1024)	/* bytes per rule file */
#define RULES_MAX_FILES		10000

typedef int	(*rules_file_cb)(const char *, const char *, size_t, void *);

int	 rules_read(const char *, rules_file_cb, void *, int *);

#endif /* SIEMD_RULES_LOAD_H */
