/*
 * Process table, start-up and supervision for a privilege-separated
 * daemon.  The parent re-executes its own binary once per child with
 * "-P role -I instance" and the child's channel on fd 3, hands every
 * child the peer sockets of the explicit edge list, waits for each to
 * report that it is sealed, then lets them all start.
 */

#ifndef PRIVSEP_PROC_H
#define PRIVSEP_PROC_H

#include <sys/types.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdint.h>
#include <time.h>

#include "imsg.h"

#define PROC_CHANNEL_FD		3
#define PROC_MAX_ROLES		16
#define PROC_MAX_INSTANCES	16
#define PROC_SETUP_TIMEOUT	30	/* seconds for the start-up handshake */
#define PROC_STOP_TIMEOUT	5	/* seconds children get to exit */
#define PROC_SOCKBUF		(4 * 1024 * 1024)	/* bytes in flight per channel */

/* Message types the privsep layer owns; daemons number theirs above. */
enum proc_imsg_type {
	PROC_IMSG_NONE = 0,
	PROC_IMSG_PEER,		/* fd: socket to a peer; struct proc_peer */
	PROC_IMSG_CFG_DONE,	/* parent: configuration complete */
	PROC_IMSG_READY,	/* child: sandboxed, waiting for START */
	PROC_IMSG_START,	/* parent: everyone is ready, run */
	PROC_IMSG_LOG,		/* child: struct proc_log, then text */
	PROC_IMSG_VERBOSE,	/* parent: int verbosity */
	PROC_IMSG_SHUTDOWN,	/* parent: exit cleanly now */
	PROC_IMSG_FIRST_USER = 32
};

struct proc_peer {
	int32_t		 role;
	int32_t		 instance;
};

struct proc_log {
	int32_t		 priority;
	/* followed by a NUL-terminated line */
};

struct proc_role {
	const char	*name;		/* "ingest"; title "siemd: ingest" */
	int		 instances;
};

struct proc_edge {
	int		 a;
	int		 b;
};

struct imsgev;
struct proc_ctx;
typedef int	(*proc_dispatch_fn)(struct imsgev *, struct imsg *);

struct imsgev {
	struct imsgbuf	 ibuf;
	struct event	 ev;
	short		 events;
	int		 active;
	int		 paused;	/* back-pressure: not reading */
	int		 role;		/* the peer at the other end */
	int		 instance;
	proc_dispatch_fn dispatch;
	void		(*closed)(struct imsgev *);
	struct proc_ctx	*ctx;
	void		*data;
};

struct proc_child {
	int		 role;
	int		 instance;
	pid_t		 pid;
	time_t		 started;	/* monotonic seconds */
	int		 ready;
	int		 exited;
	int		 status;	/* from waitpid */
	char		*report;	/* last status report it sent */
	struct imsgev	 iev;
};

struct proc_ctx {
	const char		*progname;	/* "siemd" */
	const struct proc_role	*roles;
	int			 nroles;
	const struct proc_edge	*edges;
	int			 nedges;
	const char		*(*type_name)(uint32_t);
	size_t			 maxpayload;
	struct event_base	*evbase;

	/* the running process */
	int			 role;		/* -1 in the parent */
	int			 instance;
	char			 title[64];	/* "ingest[1]" */

	/* parent */
	struct proc_child	*children;
	int			 nchildren;
	int			 stopping;

	/* child */
	struct imsgev		 parent;
	struct imsgev		*peers[PROC_MAX_ROLES][PROC_MAX_INSTANCES];
};

void	 proc_title_init(int, char *[]);
void	 proc_title(const char *);
void	 proc_init(struct proc_ctx *, const char *, const struct proc_role *,
	    int, const struct proc_edge *, int, const char *(*)(uint32_t),
	    size_t);
const char *proc_name(const struct proc_ctx *, int, int, char *, size_t);

/* parent */
void	 proc_spawn(struct proc_ctx *, const char *, char *const []);
void	 proc_connect(struct proc_ctx *);
int	 proc_compose_all(struct proc_ctx *, int, uint32_t, int,
	    const void *, size_t);
void	 proc_cfg_done(struct proc_ctx *);
int	 proc_wait_ready(struct proc_ctx *, int);
void	 proc_start(struct proc_ctx *, proc_dispatch_fn);
struct proc_child *proc_reap(struct proc_ctx *);
int	 proc_alive(const struct proc_ctx *);
void	 proc_shutdown(struct proc_ctx *);
struct proc_child *proc_child_of(struct proc_ctx *, int, int);

/* child */
void	 proc_child_init(struct proc_ctx *, int, int);
void	 proc_child_setup(struct proc_ctx *, int (*)(struct imsg *, void *),
	    void *);
void	 proc_child_ready(struct proc_ctx *);
void	 proc_child_log_sink(int, const char *, void *);

/* event-driven channels, both sides */
void	 imsgev_init(struct imsgev *, struct proc_ctx *, int, int, int,
	    size_t, int, proc_dispatch_fn);
void	 imsgev_add(struct imsgev *);
void	 imsgev_del(struct imsgev *);
void	 imsgev_pause(struct imsgev *, int);
int	 imsgev_compose(struct imsgev *, uint32_t, uint32_t, int,
	    const void *, size_t);
int	 imsgev_composev(struct imsgev *, uint32_t, uint32_t, int,
	    const struct iovec *, int);
struct imsgev *proc_peer(struct proc_ctx *, int, int);

#endif /* PRIVSEP_PROC_H */
