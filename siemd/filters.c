/*
 * The system calls each child may make once sealed, as data: one
 * sandbox_policy per role, built from groups that each name a theme,
 * and argument tables kept apart.  Every entry that is not obvious
 * from its group says why it is there; a call found missing (the
 * regress suite runs with "-S trap", which names it) is added to the
 * group it belongs to, with its reason.
 *
 * Names are those libseccomp knows.  A name this architecture lacks
 * (fstat64, mmap2 and the *_time64 calls on x86_64) is skipped, so
 * the 32-bit spellings sit beside the 64-bit ones.
 *
 * The chroot directory is only known once the configuration is read:
 * the empty directory for ingest, parser, correlate and notify, the
 * database directory for store and query, the htdocs directory for
 * web.  siemd_policy() therefore returns a table with root NULL; the
 * child copies the structure, sets root, and passes the copy to
 * sandbox_enter(), which refuses a NULL root.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <fcntl.h>
#include <stddef.h>

#include "siemd.h"
#include "tail_scan.h"

/* Descriptors: peers and a few spare; network roles add connections. */
#define NOFILE_SMALL	128
/*
 * store and query: a partition is two files (its rows, its full-text
 * index), each with a WAL and its index while it is written, and query
 * keeps up to 64 partitions open.
 */
#define NOFILE_DB	320
#define NOFILE_NET	(SIEMD_MAX_CONNS + 128)
/* ingest also holds every tailed file the parent may hand it */
#define NOFILE_INGEST	(SIEMD_MAX_CONNS + TAIL_MAX_FILES + 128)

/* -------------------------------------------------------------------
 * Groups every child has.
 */

/* libevent on epoll; the base is made before sealing. */
static const char *calls_event[] = {
	"epoll_wait",
	"epoll_pwait",
	"epoll_pwait2",
	"epoll_ctl",
	"epoll_create1",	/* harmless: a late event base, no access */
	NULL
};

/* imsg channels to the parent and peers, and the log sink. */
static const char *calls_imsg[] = {
	"sendmsg",
	"recvmsg",
	"read",
	"write",
	"readv",
	"writev",
	"close",
	"poll",		/* the start-up handshake waits for START */
	"ppoll",	/* and imsgbuf_flush waits for a full socket */
	NULL
};

/* Time; usually answered by the vDSO, but it may fall back. */
static const char *calls_clock[] = {
	"clock_gettime",
	"clock_gettime64",
	"gettimeofday",
	"time",
	"clock_nanosleep",
	"clock_nanosleep_time64",
	"nanosleep",
	NULL
};

/*
 * malloc and library memory.  mmap and mprotect are in the argument
 * tables: only correlate may map executable pages.
 */
static const char *calls_memory[] = {
	"brk",
	"munmap",
	"mremap",
	"madvise",
	"sysinfo",	/* glibc qsort sizes its buffer by physical memory */
	NULL
};

/* Signals, exit and the kernel's own restart of interrupted calls. */
static const char *calls_process[] = {
	"getpid",
	"exit",
	"exit_group",
	"rt_sigreturn",
	"sigreturn",
	"rt_sigprocmask",
	"rt_sigaction",
	"restart_syscall",
	"futex",		/* glibc and libevent locks */
	"futex_time64",
	NULL
};

/* libsodium, OpenSSL and glibc malloc seed themselves with it. */
static const char *calls_random[] = {
	"getrandom",
	NULL
};

/* -------------------------------------------------------------------
 * Groups of some children.
 */

/* Reading tailed files the parent opened and passed. */
static const char *calls_tail[] = {
	"fstat",
	"fstat64",
	"newfstatat",	/* glibc's fstat is fstatat(fd, "", AT_EMPTY_PATH) */
	"statx",
	"lseek",
	"_llseek",
	"pread64",
	NULL
};

/* Serving connections on listeners the parent bound and passed. */
static const char *calls_accept[] = {
	"accept",
	"accept4",
	"getsockname",
	"getpeername",
	"shutdown",
	NULL
};

/* Syslog over UDP: one datagram, or a batch, per call. */
static const char *calls_datagram[] = {
	"recvfrom",
	"recvmmsg",
	"recvmmsg_time64",
	NULL
};

/* Static files: openat is in the argument tables (read-only). */
static const char *calls_static[] = {
	"fstat",
	"fstat64",
	"newfstatat",
	"statx",
	"lseek",
	"_llseek",
	"pread64",
	"sendfile",	/* libevent's evbuffer_add_file */
	"sendfile64",
	NULL
};

/*
 * SQLite's unix VFS on files in the chroot, which holds nothing but
 * the database directory: a plain openat is enough.
 */
static const char *calls_sqlite[] = {
	"openat",
	"open",
	"fstat",
	"fstat64",
	"stat",
	"stat64",
	"lstat",
	"lstat64",
	"newfstatat",
	"fstatat64",
	"statx",
	"lseek",
	"_llseek",
	"pread64",
	"pwrite64",
	"fsync",
	"fdatasync",
	"ftruncate",
	"ftruncate64",
	"unlink",	/* journal, WAL and shm files */
	"unlinkat",
	"getcwd",	/* full path names of relative files */
	"readlink",	/* resolving symbolic links in the path */
	"readlinkat",
	"access",	/* hot journal and temporary directory checks */
	"faccessat",
	"faccessat2",
	"geteuid",	/* decides whether to fchown new files */
	NULL
};

/* Outgoing notifications: socket is in the argument tables. */
static const char *calls_connect[] = {
	"connect",
	"getsockname",
	"getpeername",
	"shutdown",
	"sendto",
	"recvfrom",
	"poll",
	"ppoll",
	"ppoll_time64",
	NULL
};

/* -------------------------------------------------------------------
 * Argument tables.
 */

/* Non-blocking and close-on-exec flags; nothing that dups or locks. */
static const long fcntl_flags[] = {
	F_GETFL, F_SETFL, F_GETFD, F_SETFD, SANDBOX_END
};

/* SQLite's POSIX advisory locks, and open file description locks. */
static const long fcntl_locks[] = {
	F_GETLK, F_SETLK, F_SETLKW,
	F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, SANDBOX_END
};

/* Mappings without execute permission. */
static const long prot_data[] = {
	PROT_NONE,
	PROT_READ,
	PROT_READ | PROT_WRITE,
	SANDBOX_END
};

/* PCRE2's JIT maps its code read, write and execute at once. */
static const long prot_jit[] = {
	PROT_READ | PROT_EXEC,
	PROT_READ | PROT_WRITE | PROT_EXEC,
	SANDBOX_END
};

/* Socket options: generic ones and TCP's (TCP_NODELAY). */
static const long sockopt_levels[] = {
	SOL_SOCKET, IPPROTO_TCP, SANDBOX_END
};

/* libevent sizes socket reads with FIONREAD. */
static const long ioctl_fionread[] = {
	FIONREAD, SANDBOX_END
};

/* Webhooks go to addresses in the configuration; no local sockets. */
static const long socket_inet[] = {
	AF_INET, AF_INET6, SANDBOX_END
};

/*
 * Static files are only read.  O_CLOEXEC, O_NOFOLLOW and O_NONBLOCK
 * in every combination; no O_WRONLY, O_RDWR, O_CREAT or O_PATH.
 */
static const long open_rdonly[] = {
	O_RDONLY,
	O_RDONLY | O_CLOEXEC,
	O_RDONLY | O_NOFOLLOW,
	O_RDONLY | O_NONBLOCK,
	O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
	O_RDONLY | O_CLOEXEC | O_NONBLOCK,
	O_RDONLY | O_NOFOLLOW | O_NONBLOCK,
	O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
	SANDBOX_END
};

/*
 * The rules: each allows a call when one argument is one of the
 * values.  Two rules on the same call are alternatives (OR), so a
 * call is restricted by one argument only.
 */
#define RULE_FCNTL \
	{ "fcntl", 1, fcntl_flags, "descriptor flags" }, \
	{ "fcntl64", 1, fcntl_flags, "descriptor flags" }
#define RULE_FCNTL_LOCKS \
	{ "fcntl", 1, fcntl_locks, "sqlite locking" }, \
	{ "fcntl64", 1, fcntl_locks, "sqlite locking" }
#define RULE_MEMORY \
	{ "mmap", 2, prot_data, "data mappings" }, \
	{ "mmap2", 2, prot_data, "data mappings" }, \
	{ "mprotect", 2, prot_data, "data protections" }
#define RULE_JIT \
	{ "mmap", 2, prot_jit, "pcre2 jit code" }, \
	{ "mmap2", 2, prot_jit, "pcre2 jit code" }, \
	{ "mprotect", 2, prot_jit, "pcre2 jit code" }
#define RULE_SOCKOPT \
	{ "setsockopt", 1, sockopt_levels, "socket options" }, \
	{ "getsockopt", 1, sockopt_levels, "socket options" }
#define RULE_FIONREAD \
	{ "ioctl", 1, ioctl_fionread, "bytes readable" }
#define RULE_END \
	{ NULL, 0, NULL, NULL }

/* -------------------------------------------------------------------
 * The roles.
 */

#define GROUPS_COMMON \
	{ "event loop", calls_event }, \
	{ "imsg", calls_imsg }, \
	{ "clock", calls_clock }, \
	{ "memory", calls_memory }, \
	{ "process", calls_process }, \
	{ "random", calls_random }
#define GROUPS_END \
	{ NULL, NULL }

/*
 * ingest: reads syslog from the network (UDP, TCP, TLS) and the
 * tailed files the parent opens for it; opens nothing itself.
 */
static const struct sandbox_group ingest_allow[] = {
	GROUPS_COMMON,
	{ "accept", calls_accept },
	{ "datagram", calls_datagram },
	{ "tail", calls_tail },
	GROUPS_END
};
static const struct sandbox_argrule ingest_args[] = {
	RULE_FCNTL,
	RULE_MEMORY,
	RULE_SOCKOPT,
	RULE_FIONREAD,
	RULE_END
};

/* parser: bytes in, records out, over imsg only.  The strictest. */
static const struct sandbox_group parser_allow[] = {
	GROUPS_COMMON,
	GROUPS_END
};
static const struct sandbox_argrule parser_args[] = {
	RULE_FCNTL,
	RULE_MEMORY,
	RULE_END
};

/* store and query: SQLite in the database directory. */
static const struct sandbox_group sqlite_allow[] = {
	GROUPS_COMMON,
	{ "sqlite", calls_sqlite },
	GROUPS_END
};
static const struct sandbox_argrule sqlite_args[] = {
	RULE_FCNTL,
	RULE_FCNTL_LOCKS,
	RULE_MEMORY,
	RULE_END
};
/*
 * SQLite gives new files the mode it wants with fchmod, and their
 * owner with fchown when it runs as root; it ignores failure of
 * either, and the umask's mode is the safer one.
 */
static const char *sqlite_eacces[] = {
	"fchmod",
	"fchown",
	"fchown32",
	NULL
};

/* correlate: rules with PCRE2, JIT-compiled. */
static const struct sandbox_group correlate_allow[] = {
	GROUPS_COMMON,
	GROUPS_END
};
static const struct sandbox_argrule correlate_args[] = {
	RULE_FCNTL,
	RULE_MEMORY,
	RULE_JIT,
	RULE_END
};

/* web: the HTTP(S) API and static files from htdocs. */
static const struct sandbox_group web_allow[] = {
	GROUPS_COMMON,
	{ "accept", calls_accept },
	{ "static files", calls_static },
	GROUPS_END
};
static const struct sandbox_argrule web_args[] = {
	RULE_FCNTL,
	RULE_MEMORY,
	RULE_SOCKOPT,
	RULE_FIONREAD,
	{ "openat", 2, open_rdonly, "static files, read only" },
	RULE_END
};

/* notify: connects out to configured webhook addresses. */
static const struct sandbox_group notify_allow[] = {
	GROUPS_COMMON,
	{ "connect", calls_connect },
	GROUPS_END
};
static const struct sandbox_argrule notify_args[] = {
	RULE_FCNTL,
	RULE_MEMORY,
	RULE_SOCKOPT,
	RULE_FIONREAD,
	{ "socket", 0, socket_inet, "webhooks over IPv4 and IPv6" },
	RULE_END
};

/* Indexed by enum siemd_proc. */
static const struct sandbox_policy policies[PROC_MAX] = {
	[PROC_INGEST] = {
		.role = "ingest",
		.user = SIEMD_USER,
		.nofile = NOFILE_INGEST,
		.allow = ingest_allow,
		.args = ingest_args,
	},
	[PROC_PARSER] = {
		.role = "parser",
		.user = SIEMD_USER,
		.nofile = NOFILE_SMALL,
		.allow = parser_allow,
		.args = parser_args,
	},
	[PROC_STORE] = {
		.role = "store",
		.user = SIEMD_DBUSER,
		.nofile = NOFILE_DB,
		.allow = sqlite_allow,
		.args = sqlite_args,
		.eacces = sqlite_eacces,
	},
	[PROC_QUERY] = {
		.role = "query",
		.user = SIEMD_DBUSER,
		.nofile = NOFILE_DB,
		.allow = sqlite_allow,
		.args = sqlite_args,
		.eacces = sqlite_eacces,
	},
	[PROC_CORRELATE] = {
		.role = "correlate",
		.user = SIEMD_USER,
		.nofile = NOFILE_SMALL,
		.allow = correlate_allow,
		.args = correlate_args,
	},
	[PROC_WEB] = {
		.role = "web",
		.user = SIEMD_USER,
		.nofile = NOFILE_NET,
		.allow = web_allow,
		.args = web_args,
	},
	[PROC_NOTIFY] = {
		.role = "notify",
		.user = SIEMD_USER,
		.nofile = NOFILE_SMALL,
		.allow = notify_allow,
		.args = notify_args,
	},
};

/*
 * The table for a role, root NULL: copy it and set root before
 * sandbox_enter().  RLIMIT_AS is left alone everywhere: SQLite's
 * cache, JIT code and sanitizer builds make a fixed figure a guess.
 */
const struct sandbox_policy *
siemd_policy(int role)
{
	if (role < 0 || role >= PROC_MAX || policies[role].role == NULL)
		fatalx("%s: no sandbox policy for process %d", __func__,
		    role);
	return (&policies[role]);
}
