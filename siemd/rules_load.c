/*
 * Rule files are read by the privileged parent only: regular files
 * ending in .yml or .yaml below the rules directory, opened with
 * O_NOFOLLOW, bounded in size, depth and number.  A file that cannot
 * be read is reported and skipped; the others still load.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "siemd.h"
#include "rules_load.h"

struct walk {
	rules_file_cb	 cb;
	void		*arg;
	int		 nfiles;
	int		 errors;
};

static void	 walk_dir(struct walk *, const char *, int);
static void	 read_one(struct walk *, const char *);

static int
is_yaml(const char *name)
{
	size_t	 n = strlen(name);

	return ((n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	    (n > 5 && strcmp(name + n - 5, ".yaml") == 0));
}

static void
read_one(struct walk *w, const char *path)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		w->errors++;
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file", path);
		w->errors++;
		close(fd);
		return;
	}
	if (st.st_size > RULES_MAX_FILE) {
		log_warnx("%s: larger than %d bytes, skipped", path,
		    RULES_MAX_FILE);
		w->errors++;
		close(fd);
		return;
	}
	if ((buf = malloc(st.st_size + 1)) == NULL)
		fatal("%s: malloc", __func__);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	if (w->cb(path, buf, off, w->arg) == -1)
		w->errors++;
	w->nfiles++;
	free(buf);
}

static void
walk_dir(struct walk *w, const char *dir, int depth)
{
	struct dirent	**names;
	struct stat	 st;
	char		 path[PATH_MAX];
	int		 n, i;

	if (depth > RULES_MAX_DEPTH)
		return;
	/* sorted, so that rules load in the same order every time */
	if ((n = scandir(dir, &names, NULL, alphasort)) == -1) {
		log_warn("rules %s", dir);
		w->errors++;
		return;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (name[0] == '.' || w->nfiles >= RULES_MAX_FILES ||
		    snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		    (int)sizeof(path) || lstat(path, &st) == -1)
			goto next;
		if (S_ISDIR(st.st_mode))
			walk_dir(w, path, depth + 1);
		else if (S_ISREG(st.st_mode) && is_yaml(name))
			read_one(w, path);
 next:
		free(names[i]);
	}
	free(names);
	if (w->nfiles >= RULES_MAX_FILES && depth == 0)
		log_warnx("rules %s: more than %d files, the rest skipped",
		    dir, RULES_MAX_FILES);
}

/* Returns the number of files read; *errors counts those that failed. */
int
rules_read(const char *dir, rules_file_cb cb, void *arg, int *errors)
{
	struct walk	 w;

	memset(&w, 0, sizeof(w));
	w.cb = cb;
	w.arg = arg;
	walk_dir(&w, dir, 0);
	if (errors != NULL)
		*errors = w.errors;
	return (w.nfiles);
}
