/*
 * Tail discovery in the parent.  Only files under a configured tail
 * directory whose relative path matches the tail's pattern are opened,
 * with O_NOFOLLOW, and only if they are regular files: the parent
 * serves an allow-list frozen at configuration time.
 *
 * A file is known by its path and inode.  A new path is registered
 * with the store, which answers with the committed offset (or the
 * start position for a file never seen); a known path with a new inode
 * is a rotation; a path that disappeared is reported to ingest, which
 * drains what it holds.
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
#include "glob.h"
#include "tail_scan.h"

struct tailed {
	TAILQ_ENTRY(tailed)	 entry;
	struct siemd_tail	*tail;
	char			*path;
	dev_t			 dev;
	ino_t			 ino;
	int64_t			 file_id;	/* -1 until registered */
	uint32_t		 reqid;
	int			 fd;		/* held until registered */
	int			 seen;		/* in the current scan */
};
TAILQ_HEAD(, tailed)		 tailed = TAILQ_HEAD_INITIALIZER(tailed);

static struct siemd_conf	*tconf;
static struct event		 scan_ev;
static uint32_t			 next_reqid;
static int			 ntailed;

static void	 tails_timer(int, short, void *);
static void	 scan_dir(struct siemd_tail *, const char *, const char *,
		    int);
static void	 found(struct siemd_tail *, const char *);
static void	 forget(struct tailed *, int);

void
tails_start(struct siemd_conf *conf)
{
	struct timeval	 tv = { 0, 0 };

	tconf = conf;
	if (TAILQ_EMPTY(&conf->tails))
		return;
	evtimer_assign(&scan_ev, env.evbase, tails_timer, NULL);
	evtimer_add(&scan_ev, &tv);
}

int
tails_count(void)
{
	return (ntailed);
}

static void
tails_timer(int fd, short events, void *arg)
{
	struct timeval	 tv = { TAIL_SCAN_INTERVAL, 0 };

	tails_scan();
	evtimer_add(&scan_ev, &tv);
}

void
tails_scan(void)
{
	struct siemd_tail	*t;
	struct tailed		*tf, *next;

	TAILQ_FOREACH(tf, &tailed, entry)
		tf->seen = 0;
	TAILQ_FOREACH(t, &tconf->tails, entry)
		scan_dir(t, t->dir, "", 0);
	for (tf = TAILQ_FIRST(&tailed); tf != NULL; tf = next) {
		next = TAILQ_NEXT(tf, entry);
		if (!tf->seen)
			forget(tf, 1);
	}
}

/* Walk dir; rel is the path below the tail's directory. */
static void
scan_dir(struct siemd_tail *t, const char *dir, const char *rel, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX], sub[PATH_MAX];

	if (depth > TAIL_MAX_DEPTH)
		return;
	if ((d = opendir(dir)) == NULL) {
		if (depth == 0)
			log_warn("tail %s", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || snprintf(sub, sizeof(sub), "%s%s%s",
		    rel, *rel ? "/" : "", de->d_name) >= (int)sizeof(sub))
			continue;
		if (lstat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			scan_dir(t, path, sub, depth + 1);
		else if (S_ISREG(st.st_mode) && glob_match(t->match, sub))
			found(t, path);
	}
	closedir(d);
}

static struct tailed *
lookup(const char *path)
{
	struct tailed	*tf;

	TAILQ_FOREACH(tf, &tailed, entry)
		if (strcmp(tf->path, path) == 0)
			return (tf);
	return (NULL);
}

static void
found(struct siemd_tail *t, const char *path)
{
	struct file_register	 fr;
	struct proc_child	*store;
	struct iovec		 iov[2];
	struct tailed		*tf, *old;
	struct stat		 st;
	int			 fd;

	if ((old = lookup(path)) != NULL) {
		if (stat(path, &st) == 0 && st.st_dev == old->dev &&
		    st.st_ino == old->ino) {
			old->seen = 1;
			return;
		}
		if (old->file_id == -1) {
			old->seen = 1;
			return;		/* wait for its registration */
		}
		/* rotated: ingest drains the old file, then reads this one */
		log_debug("tail %s: rotated", path);
	}
	if (ntailed >= TAIL_MAX_FILES) {
		log_warnx("tail %s: more than %d files, not tailed", path,
		    TAIL_MAX_FILES);
		return;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		log_warn("tail %s", path);
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_warnx("tail %s: not a regular file", path);
		close(fd);
		return;
	}
	if (old != NULL)
		forget(old, 0);
	if ((tf = calloc(1, sizeof(*tf))) == NULL ||
	    (tf->path = strdup(path)) == NULL)
		fatal("%s: calloc", __func__);
	tf->tail = t;
	tf->dev = st.st_dev;
	tf->ino = st.st_ino;
	tf->file_id = -1;
	tf->fd = fd;
	tf->seen = 1;
	tf->reqid = ++next_reqid;
	TAILQ_INSERT_TAIL(&tailed, tf, entry);
	ntailed++;

	memset(&fr, 0, sizeof(fr));
	fr.reqid = tf->reqid;
	fr.tail_id = t->id;
	fr.start_beginning = t->start_beginning;
	fr.dev = st.st_dev;
	fr.ino = st.st_ino;
	fr.size = st.st_size;
	iov[0].iov_base = &fr;
	iov[0].iov_len = sizeof(fr);
	iov[1].iov_base = tf->path;
	iov[1].iov_len = strlen(tf->path) + 1;
	store = proc_child_of(&env.ps, PROC_STORE, 0);
	if (imsgev_composev(&store->iev, IMSG_FILE_REGISTER, 0, -1, iov,
	    2) == -1)
		fatal("%s: compose", __func__);
}

/* The store told us where to resume: hand the file to ingest. */
void
tails_registered(const struct file_registered *fr)
{
	struct tail_file	 tfm;
	struct proc_child	*ingest;
	struct iovec		 iov[2];
	struct tailed		*tf;

	TAILQ_FOREACH(tf, &tailed, entry)
		if (tf->file_id == -1 && tf->reqid == fr->reqid)
			break;
	if (tf == NULL)
		return;		/* forgotten meanwhile */
	tf->file_id = fr->file_id;
	memset(&tfm, 0, sizeof(tfm));
	tfm.file_id = fr->file_id;
	tfm.offset = fr->offset;
	tfm.tail_id = tf->tail->id;
	iov[0].iov_base = &tfm;
	iov[0].iov_len = sizeof(tfm);
	iov[1].iov_base = tf->path;
	iov[1].iov_len = strlen(tf->path) + 1;
	ingest = proc_child_of(&env.ps, PROC_INGEST, 0);
	if (imsgev_composev(&ingest->iev, IMSG_TAIL_FILE, 0, tf->fd, iov,
	    2) == -1)
		fatal("%s: compose", __func__);
	tf->fd = -1;	/* ingest owns it now */
	log_debug("tail %s: file %lld from offset %lld", tf->path,
	    (long long)fr->file_id, (long long)fr->offset);
}

/* Drop a file; tell ingest when it already holds it. */
static void
forget(struct tailed *tf, int gone)
{
	struct proc_child	*ingest;

	if (tf->file_id != -1) {
		ingest = proc_child_of(&env.ps, PROC_INGEST, 0);
		if (imsgev_compose(&ingest->iev, IMSG_TAIL_GONE, 0, -1,
		    &tf->file_id, sizeof(tf->file_id)) == -1)
			fatal("%s: compose", __func__);
	}
	if (gone)
		log_debug("tail %s: gone", tf->path);
	if (tf->fd != -1)
		close(tf->fd);
	TAILQ_REMOVE(&tailed, tf, entry);
	ntailed--;
	free(tf->path);
	free(tf);
}
