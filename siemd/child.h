/*
 * What every child does the same way: receive its configuration,
 * seal itself, report its counters, stop on SIGTERM.
 */

#ifndef SIEMD_CHILD_H
#define SIEMD_CHILD_H

#include <jansson.h>

#include "siemd.h"

#define CHILD_MAX_LISTENERS	64
#define CHILD_MAX_FILES		64

struct child_listener {
	int		 id;
	int		 proto;		/* enum listen_proto */
	int		 fd;
};

struct child_file {
	int		 listener;
	int		 kind;		/* enum tls_file_kind */
	uint8_t		*data;
	size_t		 len;
};

struct child {
	struct proc_ctx		*ctx;
	json_t			*conf;		/* IMSG_CFG_JSON */
	struct child_listener	 listeners[CHILD_MAX_LISTENERS];
	int			 nlisteners;
	struct child_file	 files[CHILD_MAX_FILES];
	int			 nfiles;
	struct siemd_secrets	 secrets;
	struct event		 ev_term;
	struct event		 ev_status;
	json_t			*(*counters)(void *);	/* status report */
	void			(*stop)(void *);	/* before exit */
	void			*arg;
	time_t			 started;
};

void		 child_setup(struct proc_ctx *, struct child *);
void		 child_seal(struct child *, const char *);
__dead void	 child_run(struct child *);
const char	*child_conf_str(struct child *, const char *, const char *);
int64_t		 child_conf_int(struct child *, const char *, int64_t);
const struct child_file *child_file(struct child *, int, int);
struct siemd_secret *child_secret(struct child *, const char *);
void		 child_wipe_files(struct child *);
char		*child_dbdir(struct child *);
void		 child_nice(int);

#endif /* SIEMD_CHILD_H */
