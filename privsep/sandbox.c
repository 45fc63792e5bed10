/*
 * The sandbox every child enters once it holds its configuration and
 * descriptors: chroot, drop to its user, resource limits, no new
 * privileges, and a libseccomp allow-list described by a table the
 * daemon supplies.  Nothing here knows what the daemon does.
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

/* Exit status of a child stopped by the trap handler: 128 + SIGSYS. */
#define SANDBOX_TRAP_STATUS	(128 + SIGSYS)

/* Syscall numbers the trap handler can name; others are printed bare. */
#define SANDBOX_NAMES		512

static void	 sandbox_user(const struct sandbox_policy *, uid_t *,
		    gid_t *);
static void	 sandbox_drop(const struct sandbox_policy *, uid_t, gid_t);
static void	 sandbox_limit(int, const char *, rlim_t);
static int	 sandbox_resolve(const char *, const char *);
static int	 sandbox_listed(const struct sandbox_policy *, const char *);
static void	 sandbox_check(const struct sandbox_policy *);
static void	 sandbox_trap_init(const struct sandbox_policy *);
static void	 sandbox_trap(int, siginfo_t *, void *);

/*
 * State of the trap handler, filled in before the filter is loaded:
 * once it is, nothing may allocate or look anything up.
 */
static char	*trap_names[SANDBOX_NAMES];
static char	 trap_prefix[128];
static size_t	 trap_prefixlen;

static const struct {
	const char		*name;
	enum sandbox_mode	 mode;
} sandbox_modes[] = {
	{ "kill",	SANDBOX_KILL },
	{ "trap",	SANDBOX_TRAP },
	{ "off",	SANDBOX_OFF },
};

int
sandbox_mode_parse(const char *s, enum sandbox_mode *mode)
{
	size_t	 i;

	for (i = 0; i < sizeof(sandbox_modes) / sizeof(sandbox_modes[0]);
	    i++) {
		if (strcmp(s, sandbox_modes[i].name) == 0) {
			*mode = sandbox_modes[i].mode;
			return (0);
		}
	}
	return (-1);
}

const char *
sandbox_mode_name(enum sandbox_mode mode)
{
	size_t	 i;

	for (i = 0; i < sizeof(sandbox_modes) / sizeof(sandbox_modes[0]);
	    i++) {
		if (sandbox_modes[i].mode == mode)
			return (sandbox_modes[i].name);
	}
	return ("unknown");
}

void
sandbox_enter(const struct sandbox_policy *sp, enum sandbox_mode mode)
{
	uid_t	 uid = 0;
	gid_t	 gid = 0;

	if (sp->root == NULL)
		fatalx("%s: %s: no root directory", __func__, sp->role);

	/* The password database is out of reach once chrooted. */
	if (sp->user != NULL)
		sandbox_user(sp, &uid, &gid);

	if (chroot(sp->root) == -1)
		fatal("%s: chroot %s", __func__, sp->root);
	if (chdir("/") == -1)
		fatal("%s: chdir /", __func__);

	if (sp->user != NULL)
		sandbox_drop(sp, uid, gid);
	else
		log_debug("%s: %s: staying root", __func__, sp->role);

	sandbox_limit(RLIMIT_CORE, "core", 0);
	/* Nothing may start a process, whatever the filter says. */
	sandbox_limit(RLIMIT_NPROC, "nproc", 0);
	if (sp->nofile == 0)
		fatalx("%s: %s: no descriptor limit", __func__, sp->role);
	sandbox_limit(RLIMIT_NOFILE, "nofile", sp->nofile);
	if (sp->as != 0)
		sandbox_limit(RLIMIT_AS, "as", sp->as);

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("%s: prctl PR_SET_DUMPABLE", __func__);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("%s: prctl PR_SET_NO_NEW_PRIVS", __func__);

	sandbox_filter(sp, mode);

	log_debug("%s: %s: sealed in %s as %s, seccomp %s", __func__,
	    sp->role, sp->root, sp->user != NULL ? sp->user : "root",
	    sandbox_mode_name(mode));
}

static void
sandbox_user(const struct sandbox_policy *sp, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(sp->user)) == NULL) {
		if (errno != 0)
			fatal("%s: getpwnam %s", __func__, sp->user);
		fatalx("%s: unknown user %s", __func__, sp->user);
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		fatalx("%s: user %s has uid or gid 0", __func__, sp->user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	/* Do not keep a descriptor on the password file. */
	endpwent();
}

static void
sandbox_drop(const struct sandbox_policy *sp, uid_t uid, gid_t gid)
{
	uid_t	 ruid, euid, suid;
	gid_t	 rgid, egid, sgid;

	if (setgroups(1, &gid) == -1)
		fatal("%s: setgroups", __func__);
	if (setresgid(gid, gid, gid) == -1)
		fatal("%s: setresgid %u", __func__, (unsigned int)gid);
	if (setresuid(uid, uid, uid) == -1)
		fatal("%s: setresuid %u", __func__, (unsigned int)uid);

	/* Trust, but verify: the way back to root must be closed. */
	if (setuid(0) != -1)
		fatalx("%s: %s: could regain root", __func__, sp->role);
	if (setgid(0) != -1)
		fatalx("%s: %s: could regain group 0", __func__, sp->role);
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		fatal("%s: getresuid", __func__);
	if (ruid != uid || euid != uid || suid != uid ||
	    getuid() != uid || geteuid() != uid)
		fatalx("%s: %s: user ids not dropped", __func__, sp->role);
	if (rgid != gid || egid != gid || sgid != gid ||
	    getgid() != gid || getegid() != gid)
		fatalx("%s: %s: group ids not dropped", __func__, sp->role);
}

static void
sandbox_limit(int resource, const char *name, rlim_t value)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl) == -1)
		fatal("%s: setrlimit %s %llu", __func__, name,
		    (unsigned long long)value);
}

/*
 * A syscall number for a name.  A name libseccomp does not know at
 * all is a mistake in a table and fatal; a name it knows but this
 * architecture lacks (fstat64 on x86_64) gives -1, to be skipped.
 */
static int
sandbox_resolve(const char *role, const char *name)
{
	int	 nr;

	nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		fatalx("%s: %s: unknown system call %s", __func__, role,
		    name);
	if (nr < 0) {
		log_debug("%s: %s: %s does not exist here, skipped",
		    __func__, role, name);
		return (-1);
	}
	return (nr);
}

/* Whether a name is in one of the policy's plain allow groups. */
static int
sandbox_listed(const struct sandbox_policy *sp, const char *name)
{
	const struct sandbox_group	*g;
	const char			**c;

	for (g = sp->allow; g != NULL && g->theme != NULL; g++)
		for (c = g->calls; *c != NULL; c++)
			if (strcmp(*c, name) == 0)
				return (1);
	return (0);
}

/*
 * A call allowed plainly and also with argument rules would make the
 * rules meaningless; the same call allowed and denied is ambiguous.
 * Both are mistakes in a table.
 */
static void
sandbox_check(const struct sandbox_policy *sp)
{
	const struct sandbox_argrule	*ar;
	const char			**c;

	for (ar = sp->args; ar != NULL && ar->call != NULL; ar++) {
		if (sandbox_listed(sp, ar->call))
			fatalx("%s: %s: %s both allowed and restricted",
			    __func__, sp->role, ar->call);
		if (ar->arg > 5)
			fatalx("%s: %s: %s: no argument %u", __func__,
			    sp->role, ar->call, ar->arg);
		if (ar->values == NULL || ar->values[0] == SANDBOX_END)
			fatalx("%s: %s: %s: no values", __func__, sp->role,
			    ar->call);
	}
	for (c = sp->eacces; c != NULL && *c != NULL; c++) {
		if (sandbox_listed(sp, *c))
			fatalx("%s: %s: %s both allowed and denied",
			    __func__, sp->role, *c);
		for (ar = sp->args; ar != NULL && ar->call != NULL; ar++)
			if (strcmp(ar->call, *c) == 0)
				fatalx("%s: %s: %s both restricted and "
				    "denied", __func__, sp->role, *c);
	}
}

void
sandbox_filter(const struct sandbox_policy *sp, enum sandbox_mode mode)
{
	const struct sandbox_group	*g;
	const struct sandbox_argrule	*ar;
	const char			**c;
	const long			*v;
	scmp_filter_ctx			 ctx;
	uint32_t			 deny;
	int				 nr, rc, n = 0;

	switch (mode) {
	case SANDBOX_KILL:
		deny = SCMP_ACT_KILL_PROCESS;
		break;
	case SANDBOX_TRAP:
		deny = SCMP_ACT_TRAP;
		break;
	case SANDBOX_OFF:
		log_warnx("%s: %s: seccomp filter disabled", __func__,
		    sp->role);
		return;
	default:
		fatalx("%s: bad mode %d", __func__, (int)mode);
	}

	sandbox_check(sp);

	if ((ctx = seccomp_init(deny)) == NULL)
		fatalx("%s: seccomp_init", __func__);
	/* A call made through another ABI (x32, i386) is denied too. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, deny)) < 0)
		fatalx("%s: seccomp_attr_set: %s", __func__, strerror(-rc));
	/*
	 * Every thread of the process gets the filter (and no new
	 * privileges with it), not only the caller: a process that
	 * started a helper thread before its sandbox is sealed whole.
	 */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		fatalx("%s: seccomp_attr_set TSYNC: %s", __func__,
		    strerror(-rc));

	for (g = sp->allow; g != NULL && g->theme != NULL; g++) {
		for (c = g->calls; *c != NULL; c++) {
			if ((nr = sandbox_resolve(sp->role, *c)) == -1)
				continue;
			if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
			    nr, 0)) < 0)
				fatalx("%s: %s: allow %s (%s): %s", __func__,
				    sp->role, *c, g->theme, strerror(-rc));
			n++;
		}
	}

	/*
	 * Every argument filtered on is a C int, and the ABI leaves
	 * the upper half of its register undefined: compare 32 bits.
	 */
	for (ar = sp->args; ar != NULL && ar->call != NULL; ar++) {
		if ((nr = sandbox_resolve(sp->role, ar->call)) == -1)
			continue;
		for (v = ar->values; *v != SANDBOX_END; v++) {
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
			    SCMP_CMP(ar->arg, SCMP_CMP_MASKED_EQ,
			    (scmp_datum_t)0xffffffff,
			    (scmp_datum_t)(uint32_t)*v));
			if (rc < 0)
				fatalx("%s: %s: allow %s arg %u = %ld: %s",
				    __func__, sp->role, ar->call, ar->arg,
				    *v, strerror(-rc));
		}
		n++;
	}

	for (c = sp->eacces; c != NULL && *c != NULL; c++) {
		if ((nr = sandbox_resolve(sp->role, *c)) == -1)
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
		    nr, 0)) < 0)
			fatalx("%s: %s: deny %s: %s", __func__, sp->role,
			    *c, strerror(-rc));
	}

	if (mode == SANDBOX_TRAP)
		sandbox_trap_init(sp);

	if ((rc = seccomp_load(ctx)) < 0)
		fatalx("%s: %s: seccomp_load: %s", __func__, sp->role,
		    strerror(-rc));
	seccomp_release(ctx);

	log_debug("%s: %s: %d calls allowed, forbidden ones %s", __func__,
	    sp->role, n, mode == SANDBOX_TRAP ? "trapped" : "kill");
}

/*
 * Everything the handler will print is prepared here, while the
 * process may still allocate: the "prog: role: " prefix and a name
 * for each syscall number.
 */
static void
sandbox_trap_init(const struct sandbox_policy *sp)
{
	struct sigaction	 sa;
	sigset_t		 set;
	char			 comm[17];
	int			 i, len;

	/*
	 * The kernel's name for the process, from the executable's file
	 * name: unlike getprogname() it survives a process title written
	 * over argv.
	 */
	memset(comm, 0, sizeof(comm));
	if (prctl(PR_GET_NAME, comm, 0, 0, 0) == -1)
		fatal("%s: prctl PR_GET_NAME", __func__);
	len = snprintf(trap_prefix, sizeof(trap_prefix),
	    "%s: %s: seccomp: forbidden system call ", comm, sp->role);
	if (len < 0 || (size_t)len >= sizeof(trap_prefix))
		fatalx("%s: role name too long", __func__);
	trap_prefixlen = len;

	for (i = 0; i < SANDBOX_NAMES; i++) {
		free(trap_names[i]);
		/* Allocated by libseccomp; NULL for unused numbers. */
		trap_names[i] = seccomp_syscall_resolve_num_arch(
		    SCMP_ARCH_NATIVE, i);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_trap;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("%s: sigaction SIGSYS", __func__);

	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (sigprocmask(SIG_UNBLOCK, &set, NULL) == -1)
		fatal("%s: sigprocmask", __func__);
}

/*
 * SIGSYS from the filter: name the call on stderr and exit as if
 * killed by the signal.  Only write(2) and _exit(2), which every
 * allow-list has.
 */
static void
sandbox_trap(int sig, siginfo_t *info, void *ctx)
{
	char		 num[16], line[256];
	const char	*name = "unknown";
	size_t		 len = 0, nlen, i;
	unsigned int	 nr;
	int		 saved = errno;
	ssize_t		 rc;

	nr = (unsigned int)info->si_syscall;
	if (nr < SANDBOX_NAMES && trap_names[nr] != NULL)
		name = trap_names[nr];

	/* The number, backwards, then reversed into place. */
	i = 0;
	do {
		num[i++] = '0' + nr % 10;
		nr /= 10;
	} while (nr != 0 && i < sizeof(num));

	memcpy(line, trap_prefix, trap_prefixlen);
	len = trap_prefixlen;
	nlen = strlen(name);
	if (nlen > sizeof(line) - len - sizeof(num) - 8)
		nlen = sizeof(line) - len - sizeof(num) - 8;
	memcpy(line + len, name, nlen);
	len += nlen;
	line[len++] = ' ';
	line[len++] = '(';
	while (i > 0)
		line[len++] = num[--i];
	line[len++] = ')';
	line[len++] = '\n';

	rc = write(STDERR_FILENO, line, len);
	(void)rc;
	errno = saved;
	_exit(SANDBOX_TRAP_STATUS);
}
