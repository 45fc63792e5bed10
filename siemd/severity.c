/*
 * siemd's own severity (info, low, medium, high, critical), kept apart
 * from the syslog severity the sender chose.  Three sources, in order:
 *
 * 1. event_type, when the table below knows it (binary search):
 *
 *	critical	(none: a type alone never says critical)
 *	high		break_in_attempt, unhandled_exception,
 *			audit_transactions_exported, privilege_escalation
 *	medium		login_failure, invalid_user, auth_failure,
 *			sudo_failure, su_failure, user_created,
 *			user_deleted, user_modified, permission_denied,
 *			auth_oauth_google_login_failed
 *	low		firewall_block, parse_error, group_created,
 *			group_deleted, su_success, sudo_command
 *	info		login_success, session_opened, session_closed,
 *			connection_closed, cron_command, firewall_allow,
 *			repeated, http_request
 *
 * 2. otherwise the level as reported, or the syslog severity:
 *	emerg, alert, fatal, panic	critical
 *	crit, critical			high
 *	err, error			medium
 *	warning, warn			low
 *	notice, info, debug		info
 *
 * 3. and the message, for a few words that mean trouble whatever the
 *    level says (case-insensitive):
 *	"kernel panic"					critical
 *	"segfault", "out of memory", "oom-kill",
 *	"general protection", "panic"			high
 *	"authentication failure", "permission denied"	medium
 *
 * The result never lowers a severity a parser already set.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "normalize.h"

#define SEVERITY_SCAN_MAX	4096	/* message bytes searched */

struct sev_name {
	const char		*name;
	enum event_severity	 sev;
};

/* Sorted by name for bsearch(). */
static const struct sev_name type_table[] = {
	{ "audit_transactions_exported",	SEV_HIGH },
	{ "auth_failure",			SEV_MEDIUM },
	{ "auth_oauth_google_login_failed",	SEV_MEDIUM },
	{ "break_in_attempt",			SEV_HIGH },
	{ "connection_closed",			SEV_INFO },
	{ "cron_command",			SEV_INFO },
	{ "firewall_allow",			SEV_INFO },
	{ "firewall_block",			SEV_LOW },
	{ "group_created",			SEV_LOW },
	{ "group_deleted",			SEV_LOW },
	{ "http_request",			SEV_INFO },
	{ "invalid_user",			SEV_MEDIUM },
	{ "login_failure",			SEV_MEDIUM },
	{ "login_success",			SEV_INFO },
	{ "parse_error",			SEV_LOW },
	{ "permission_denied",			SEV_MEDIUM },
	{ "privilege_escalation",		SEV_HIGH },
	{ "repeated",				SEV_INFO },
	{ "session_closed",			SEV_INFO },
	{ "session_opened",			SEV_INFO },
	{ "su_failure",				SEV_MEDIUM },
	{ "su_success",				SEV_LOW },
	{ "sudo_command",			SEV_LOW },
	{ "sudo_failure",			SEV_MEDIUM },
	{ "unhandled_exception",		SEV_HIGH },
	{ "user_created",			SEV_MEDIUM },
	{ "user_deleted",			SEV_MEDIUM },
	{ "user_modified",			SEV_MEDIUM },
};

static const struct sev_name level_table[] = {
	{ "alert",		SEV_CRITICAL },
	{ "crit",		SEV_HIGH },
	{ "critical",		SEV_HIGH },
	{ "debug",		SEV_INFO },
	{ "emerg",		SEV_CRITICAL },
	{ "emergency",		SEV_CRITICAL },
	{ "err",		SEV_MEDIUM },
	{ "error",		SEV_MEDIUM },
	{ "fatal",		SEV_CRITICAL },
	{ "info",		SEV_INFO },
	{ "information",	SEV_INFO },
	{ "notice",		SEV_INFO },
	{ "panic",		SEV_CRITICAL },
	{ "warn",		SEV_LOW },
	{ "warning",		SEV_LOW },
};

/* By syslog severity 0 (emerg) .. 7 (debug). */
static const enum event_severity syslog_table[] = {
	SEV_CRITICAL, SEV_CRITICAL, SEV_HIGH, SEV_MEDIUM,
	SEV_LOW, SEV_INFO, SEV_INFO, SEV_INFO
};

static const struct sev_name keyword_table[] = {
	{ "kernel panic",		SEV_CRITICAL },
	{ "segfault",			SEV_HIGH },
	{ "out of memory",		SEV_HIGH },
	{ "oom-kill",			SEV_HIGH },
	{ "general protection",		SEV_HIGH },
	{ "panic",			SEV_HIGH },
	{ "authentication failure",	SEV_MEDIUM },
	{ "permission denied",		SEV_MEDIUM },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int	 cmp_name(const void *, const void *);
static int	 cmp_name_case(const void *, const void *);
static enum event_severity by_message(const char *);

static int
cmp_name(const void *k, const void *e)
{
	return (strcmp(k, ((const struct sev_name *)e)->name));
}

static int
cmp_name_case(const void *k, const void *e)
{
	return (strcasecmp(k, ((const struct sev_name *)e)->name));
}

/* The highest severity any keyword in the message's head asks for. */
static enum event_severity
by_message(const char *msg)
{
	enum event_severity	 best = SEV_INFO;
	char			 head[SEVERITY_SCAN_MAX + 1];
	size_t			 i, n;

	n = strnlen(msg, SEVERITY_SCAN_MAX);
	for (i = 0; i < n; i++)
		head[i] = (msg[i] >= 'A' && msg[i] <= 'Z') ?
		    msg[i] - 'A' + 'a' : msg[i];
	head[n] = '\0';
	for (i = 0; i < NELEM(keyword_table); i++) {
		if (keyword_table[i].sev <= best)
			continue;
		if (strstr(head, keyword_table[i].name) != NULL)
			best = keyword_table[i].sev;
	}
	return (best);
}

void
classify_severity(struct siem_event *ev)
{
	const struct sev_name	*e = NULL;
	const char		*type, *level, *msg;
	enum event_severity	 s = SEV_INFO, k;

	if ((type = event_get(ev, EV_EVENT_TYPE)) != NULL)
		e = bsearch(type, type_table, NELEM(type_table),
		    sizeof(type_table[0]), cmp_name);
	if (e != NULL)
		s = e->sev;
	else {
		if ((level = event_get(ev, EV_LEVEL)) != NULL &&
		    (e = bsearch(level, level_table, NELEM(level_table),
		    sizeof(level_table[0]), cmp_name_case)) != NULL)
			s = e->sev;
		else if (ev->ints[EV_SYSLOG_SEVERITY] >= 0 &&
		    ev->ints[EV_SYSLOG_SEVERITY] < (int64_t)NELEM(syslog_table))
			s = syslog_table[ev->ints[EV_SYSLOG_SEVERITY]];
		if ((msg = event_get(ev, EV_MESSAGE)) != NULL &&
		    (k = by_message(msg)) > s)
			s = k;
	}
	if (s > ev->severity)
		ev->severity = s;
}
