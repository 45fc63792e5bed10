/*
 * The one way a child seals itself: chroot, drop to its user, limit
 * resources, forbid new privileges, then load its system call
 * allow-list.  The allow-lists are data supplied by the daemon, one
 * table per role, grouped by theme.
 */

#ifndef PRIVSEP_SANDBOX_H
#define PRIVSEP_SANDBOX_H

#include <sys/types.h>

#include <stddef.h>

enum sandbox_mode {
	SANDBOX_KILL = 0,	/* a forbidden call kills the process */
	SANDBOX_TRAP,		/* SIGSYS names the call on stderr, then exit */
	SANDBOX_OFF		/* no filter: only for fuzzing and debugging */
};

/* One themed group of syscalls; a NULL name ends the list. */
struct sandbox_group {
	const char	 *theme;	/* "event loop", "imsg", ... */
	const char	**calls;	/* NULL-terminated syscall names */
};

/*
 * A syscall allowed only with one argument equal to one of a few
 * values (socket domains, fcntl and prctl operations, ...).
 */
struct sandbox_argrule {
	const char	*call;
	unsigned int	 arg;		/* argument index */
	const long	*values;	/* terminated by SANDBOX_END */
	const char	*why;
};
#define SANDBOX_END	(-0x7fffffffL)

struct sandbox_policy {
	const char			*role;
	const char			*user;		/* NULL: stay root (tests) */
	const char			*root;		/* chroot directory */
	unsigned long			 nofile;	/* RLIMIT_NOFILE */
	unsigned long			 as;		/* RLIMIT_AS, 0 = leave */
	const struct sandbox_group	*allow;		/* NULL-terminated */
	const struct sandbox_argrule	*args;		/* NULL call ends */
	const char		       **eacces;	/* probes answered EACCES */
};

int	 sandbox_mode_parse(const char *, enum sandbox_mode *);
const char *sandbox_mode_name(enum sandbox_mode);
void	 sandbox_enter(const struct sandbox_policy *, enum sandbox_mode);
void	 sandbox_filter(const struct sandbox_policy *, enum sandbox_mode);

#endif /* PRIVSEP_SANDBOX_H */
