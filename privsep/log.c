/*
 * Logging.  One process-wide destination: stderr (foreground), syslog
 * (parent as a daemon) or a sink function (children, which forward
 * every line to the parent).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	2048

static int		 log_to_stderr = 1;
static int		 log_verbose;
static const char	*log_procname;
static log_sink_fn	 log_sink;
static void		*log_sink_arg;

void
log_init(int to_stderr, int facility)
{
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(getprogname(), LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_procinit(const char *name)
{
	log_procname = name;
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return (log_verbose);
}

void
log_setsink(log_sink_fn fn, void *arg)
{
	log_sink = fn;
	log_sink_arg = arg;
}

/* Write one finished line to the process's destination. */
void
log_emit(int pri, const char *line)
{
	int	 saved = errno;

	if (log_sink != NULL)
		log_sink(pri, line, log_sink_arg);
	else if (log_to_stderr) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
	} else
		syslog(pri, "%s", line);
	errno = saved;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 line[LOG_LINE_MAX];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_emit(pri, line);
}

static void
vlog_errno(int pri, int saved, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX];

	if (fmt == NULL) {
		snprintf(msg, sizeof(msg), "%s", strerror(saved));
	} else {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		if (saved != 0) {
			size_t	 n = strlen(msg);

			snprintf(msg + n, sizeof(msg) - n, ": %s",
			    strerror(saved));
		}
	}
	log_emit(pri, msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* -vv: message traces. */
void
log_trace(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static __dead void
vfatal(int saved, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX];
	char	 line[LOG_LINE_MAX + 64];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (saved != 0)
		snprintf(line, sizeof(line), "fatal in %s: %s: %s",
		    log_procname ? log_procname : getprogname(), msg,
		    strerror(saved));
	else
		snprintf(line, sizeof(line), "fatal in %s: %s",
		    log_procname ? log_procname : getprogname(), msg);
	log_emit(LOG_CRIT, line);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vfatal(saved, fmt, ap);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vfatal(0, fmt, ap);
	va_end(ap);
}
