/*
 * severity.c: event_type first, then the reported level or syslog
 * severity, then a few message keywords; never lower than what a
 * parser already set.
 */

#include <stdio.h>
#include <string.h>

#include "normalize.h"
#include "test.h"

static enum event_severity classify(const char *, const char *, int,
		    const char *);
static void	 test_types(void);
static void	 test_levels(void);
static void	 test_keywords(void);
static void	 test_bad(void);

/* A fresh event with the given fields, classified. */
static enum event_severity
classify(const char *type, const char *level, int syslog_sev,
    const char *msg)
{
	struct siem_event	 ev;
	enum event_severity	 s;

	event_init(&ev);
	if (type != NULL)
		event_set(&ev, EV_EVENT_TYPE, type, strlen(type));
	if (level != NULL)
		event_set(&ev, EV_LEVEL, level, strlen(level));
	if (msg != NULL)
		event_set(&ev, EV_MESSAGE, msg, strlen(msg));
	ev.ints[EV_SYSLOG_SEVERITY] = syslog_sev;
	classify_severity(&ev);
	s = ev.severity;
	event_clear(&ev);
	return (s);
}

static void
test_types(void)
{
	TEST_BEGIN("severity/types");
	CHECK_INT(classify("login_failure", NULL, -1, NULL), SEV_MEDIUM);
	CHECK_INT(classify("break_in_attempt", NULL, -1, NULL), SEV_HIGH);
	CHECK_INT(classify("sudo_failure", NULL, -1, NULL), SEV_MEDIUM);
	CHECK_INT(classify("user_created", NULL, -1, NULL), SEV_MEDIUM);
	CHECK_INT(classify("firewall_block", NULL, -1, NULL), SEV_LOW);
	CHECK_INT(classify("parse_error", NULL, -1, NULL), SEV_LOW);
	CHECK_INT(classify("unhandled_exception", NULL, -1, NULL), SEV_HIGH);
	CHECK_INT(classify("permission_denied", NULL, -1, NULL), SEV_MEDIUM);
	CHECK_INT(classify("audit_transactions_exported", NULL, -1, NULL),
	    SEV_HIGH);
	CHECK_INT(classify("auth_oauth_google_login_failed", NULL, -1, NULL),
	    SEV_MEDIUM);
	CHECK_INT(classify("login_success", NULL, -1, NULL), SEV_INFO);
	TEST_END();

	/* a known type wins over level and message */
	TEST_BEGIN("severity/type-beats-level");
	CHECK_INT(classify("session_opened", "err", 3, "segfault"), SEV_INFO);
	CHECK_INT(classify("firewall_block", "emerg", 0, NULL), SEV_LOW);
	TEST_END();
}

static void
test_levels(void)
{
	TEST_BEGIN("severity/levels");
	CHECK_INT(classify(NULL, "emerg", -1, NULL), SEV_CRITICAL);
	CHECK_INT(classify(NULL, "alert", -1, NULL), SEV_CRITICAL);
	CHECK_INT(classify(NULL, "crit", -1, NULL), SEV_HIGH);
	CHECK_INT(classify(NULL, "CRITICAL", -1, NULL), SEV_HIGH);
	CHECK_INT(classify(NULL, "err", -1, NULL), SEV_MEDIUM);
	CHECK_INT(classify(NULL, "Error", -1, NULL), SEV_MEDIUM);
	CHECK_INT(classify(NULL, "warning", -1, NULL), SEV_LOW);
	CHECK_INT(classify(NULL, "WARN", -1, NULL), SEV_LOW);
	CHECK_INT(classify(NULL, "notice", -1, NULL), SEV_INFO);
	CHECK_INT(classify(NULL, "fatal", -1, NULL), SEV_CRITICAL);
	TEST_END();

	TEST_BEGIN("severity/syslog-severity");
	CHECK_INT(classify(NULL, NULL, 0, NULL), SEV_CRITICAL);
	CHECK_INT(classify(NULL, NULL, 2, NULL), SEV_HIGH);
	CHECK_INT(classify(NULL, NULL, 3, NULL), SEV_MEDIUM);
	CHECK_INT(classify(NULL, NULL, 4, NULL), SEV_LOW);
	CHECK_INT(classify(NULL, NULL, 6, NULL), SEV_INFO);
	/* an unknown level word falls back to the number */
	CHECK_INT(classify(NULL, "verbose", 3, NULL), SEV_MEDIUM);
	TEST_END();
}

static void
test_keywords(void)
{
	TEST_BEGIN("severity/keywords");
	CHECK_INT(classify(NULL, "info", 6, "app[12]: segfault at 0 ip "
	    "00007f sp 00007ffd error 4"), SEV_HIGH);
	CHECK_INT(classify(NULL, NULL, -1, "Out of memory: Killed process "
	    "1234 (java)"), SEV_HIGH);
	CHECK_INT(classify(NULL, NULL, -1, "Kernel panic - not syncing"),
	    SEV_CRITICAL);
	CHECK_INT(classify(NULL, NULL, -1, "open /etc/shadow: Permission "
	    "denied"), SEV_MEDIUM);
	/* the keyword raises, never lowers */
	CHECK_INT(classify(NULL, "emerg", 0, "permission denied"),
	    SEV_CRITICAL);
	TEST_END();
}

static void
test_bad(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("severity/bad-unknown");
	CHECK_INT(classify("no_such_type", NULL, -1, "all is well"),
	    SEV_INFO);
	CHECK_INT(classify(NULL, NULL, 99, NULL), SEV_INFO);
	CHECK_INT(classify(NULL, NULL, -5, NULL), SEV_INFO);
	CHECK_INT(classify("", "", -1, ""), SEV_INFO);
	CHECK_INT(classify(NULL, NULL, -1, "pan ic segfau lt"), SEV_INFO);
	TEST_END();

	TEST_BEGIN("severity/bad-never-lowers");
	event_init(&ev);
	ev.severity = SEV_HIGH;
	event_set(&ev, EV_EVENT_TYPE, "login_success", 13);
	classify_severity(&ev);
	CHECK_INT(ev.severity, SEV_HIGH);
	event_clear(&ev);
	TEST_END();
}

int
main(void)
{
	test_types();
	test_levels();
	test_keywords();
	test_bad();
	TEST_EXIT();
}
