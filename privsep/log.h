/*
 * Logging for the parent and its children.  The parent writes to
 * stderr (-d) or syslog; a child hands each line to a sink that sends
 * it to the parent over its channel, because children never open
 * syslog themselves.
 */

#ifndef PRIVSEP_LOG_H
#define PRIVSEP_LOG_H

#include <stdarg.h>
#include <syslog.h>

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

typedef void	(*log_sink_fn)(int, const char *, void *);

void	 log_init(int, int);
void	 log_procinit(const char *);
void	 log_setverbose(int);
int	 log_getverbose(void);
void	 log_setsink(log_sink_fn, void *);
void	 log_emit(int, const char *);

void	 log_warn(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_warnx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_info(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_debug(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_trace(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 vlog(int, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));
__dead void fatal(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
__dead void fatalx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));

#endif /* PRIVSEP_LOG_H */
