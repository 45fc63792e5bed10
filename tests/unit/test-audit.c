/*
 * audit_parse.c: records grouped by serial into one event, hex-encoded
 * arguments and proctitle, nested msg='...' fields, the enriched
 * format, node= prefixes, JSON records, the limits on a group, and
 * lines that are not audit records.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "normalize.h"
#include "test.h"

#define USEC		1000000LL

static const struct record_hint hint = {
	FORMAT_AUDITD, "file", NULL, NULL, "/var/log/audit/audit.log", 4096,
	1700000999000000LL, 0
};

static int	 feed(struct audit_state *, struct siem_event *, const char *);
static const char *dstr(const struct siem_event *, const char *);
static long long dint(const struct siem_event *, const char *);
static void	 test_execve_group(void);
static void	 test_user_records(void);
static void	 test_config_change(void);
static void	 test_syscall_open(void);
static void	 test_long_args(void);
static void	 test_enriched(void);
static void	 test_node(void);
static void	 test_json(void);
static void	 test_limits(void);
static void	 test_bad_lines(void);
static void	 test_bad_values(void);
static void	 test_bad_truncated(void);

static const char *execve_group[] = {
	"type=SYSCALL msg=audit(1700000000.123:4567): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=55d5c8a0b2a0 a1=55d5c8a0b2d0 "
	    "a2=55d5c8a0b300 a3=8 items=2 ppid=1234 pid=5678 auid=1000 "
	    "uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
	    "tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" "
	    "subj=unconfined key=\"exec\"",
	"type=EXECVE msg=audit(1700000000.123:4567): argc=3 a0=\"ls\" "
	    "a1=\"-la\" a2=2F746D702F6D7920646972",
	"type=CWD msg=audit(1700000000.123:4567): cwd=\"/root\"",
	"type=PATH msg=audit(1700000000.123:4567): item=0 "
	    "name=\"/usr/bin/ls\" inode=1234 dev=08:01 mode=0100755 ouid=0 "
	    "ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 "
	    "cap_fver=0",
	"type=PATH msg=audit(1700000000.123:4567): item=1 "
	    "name=\"/lib64/ld-linux-x86-64.so.2\" inode=99 dev=08:01 "
	    "mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
	"type=PROCTITLE msg=audit(1700000000.123:4567): "
	    "proctitle=6C73002D6C61002F746D702F6D7920646972",
	"type=EOE msg=audit(1700000000.123:4567): ",
};

static int
feed(struct audit_state *st, struct siem_event *ev, const char *line)
{
	const char	*r = NULL;

	return (audit_feed(st, line, strlen(line), &hint, ev, &r));
}

static const char *
dstr(const struct siem_event *ev, const char *key)
{
	if (ev->data == NULL)
		return (NULL);
	return (json_string_value(json_object_get(ev->data, key)));
}

static long long
dint(const struct siem_event *ev, const char *key)
{
	json_t	*v;

	if (ev->data == NULL || (v = json_object_get(ev->data, key)) == NULL ||
	    !json_is_integer(v))
		return (-1);
	return (json_integer_value(v));
}

static void
test_execve_group(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;
	json_t			*paths;
	size_t			 i, n = sizeof(execve_group) /
			    sizeof(execve_group[0]);
	const char		*raw;

	TEST_BEGIN("audit/execve-group");
	st = audit_state_new();
	event_init(&ev);
	for (i = 0; i + 1 < n; i++)
		CHECK_INT(feed(st, &ev, execve_group[i]), 0);
	CHECK_INT(feed(st, &ev, execve_group[n - 1]), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "process_start");
	CHECK_INT(ev.ts, 1700000000123000LL);
	CHECK_INT(ev.received_at, hint.received_at);
	CHECK_STR(event_get(&ev, EV_PROCESS_EXE), "/usr/bin/ls");
	CHECK_STR(event_get(&ev, EV_PROCESS_CMDLINE), "ls -la /tmp/my dir");
	CHECK_STR(event_get(&ev, EV_PROCESS_CWD), "/root");
	CHECK_STR(event_get(&ev, EV_USER_ID), "0");
	CHECK_INT(ev.ints[EV_PID], 5678);
	CHECK_STR(event_get(&ev, EV_APP), "auditd");
	CHECK_STR(event_get(&ev, EV_SOURCE_TYPE), "audit");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	CHECK_STR(event_get(&ev, EV_MESSAGE), "ls -la /tmp/my dir");
	CHECK_STR(event_get(&ev, EV_SOURCE_FILE), "/var/log/audit/audit.log");
	CHECK_INT(ev.ints[EV_SOURCE_OFFSET], 4096);
	/* the names Sigma's auditd rules use */
	CHECK_STR(dstr(&ev, "type"), "EXECVE");
	CHECK_STR(dstr(&ev, "SYSCALL"), "execve");
	CHECK_STR(dstr(&ev, "syscall"), "59");
	CHECK_STR(dstr(&ev, "a0"), "ls");
	CHECK_STR(dstr(&ev, "a1"), "-la");
	CHECK_STR(dstr(&ev, "a2"), "/tmp/my dir");
	CHECK_STR(dstr(&ev, "syscall_a0"), "55d5c8a0b2a0");
	CHECK_STR(dstr(&ev, "exe"), "/usr/bin/ls");
	CHECK_STR(dstr(&ev, "comm"), "ls");
	CHECK_STR(dstr(&ev, "key"), "exec");
	CHECK_STR(dstr(&ev, "success"), "yes");
	CHECK_STR(dstr(&ev, "auid"), "1000");
	CHECK_STR(dstr(&ev, "euid"), "0");
	CHECK_STR(dstr(&ev, "ppid"), "1234");
	CHECK_STR(dstr(&ev, "cwd"), "/root");
	CHECK_STR(dstr(&ev, "name"), "/usr/bin/ls");
	CHECK_STR(dstr(&ev, "nametype"), "NORMAL");
	CHECK_STR(dstr(&ev, "proctitle"), "ls -la /tmp/my dir");
	CHECK_INT(dint(&ev, "serial"), 4567);
	paths = json_object_get(ev.data, "paths");
	CHECK(json_array_size(paths) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(paths, 1),
	    "name")), "/lib64/ld-linux-x86-64.so.2");
	CHECK_INT(json_array_size(json_object_get(ev.data, "types")), 6);
	raw = event_get(&ev, EV_RAW);
	CHECK(raw != NULL && strncmp(raw, execve_group[0],
	    strlen(execve_group[0])) == 0);
	CHECK(raw != NULL && strstr(raw, "\ntype=EOE msg=") != NULL);
	event_clear(&ev);
	CHECK_INT(audit_flush(st, &ev), 0);
	audit_state_free(st);
	TEST_END();

	TEST_BEGIN("audit/execve-group-ended-by-next-serial");
	st = audit_state_new();
	event_init(&ev);
	for (i = 0; i + 1 < n; i++)
		CHECK_INT(feed(st, &ev, execve_group[i]), 0);
	CHECK_INT(feed(st, &ev, "type=CWD msg=audit(1700000001.000:4568): "
	    "cwd=\"/\""), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "process_start");
	CHECK_STR(event_get(&ev, EV_PROCESS_CMDLINE), "ls -la /tmp/my dir");
	event_clear(&ev);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "cwd");
	CHECK_INT(dint(&ev, "serial"), 4568);
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_user_records(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit/user-login-and-auth");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=USER_LOGIN "
	    "msg=audit(1700000100.000:4600): pid=999 uid=0 auid=1000 ses=5 "
	    "subj=unconfined msg='op=login acct=\"alice\" "
	    "exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.50 "
	    "terminal=sshd res=failed'"), 0);
	CHECK_INT(feed(st, &ev, "type=USER_AUTH "
	    "msg=audit(1700000101.000:4601): pid=1000 uid=0 auid=4294967295 "
	    "ses=4294967295 msg='op=PAM:authentication grantors=? "
	    "acct=\"bob\" exe=\"/usr/bin/su\" hostname=host1 addr=? "
	    "terminal=pts/1 res=success'"), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_login");
	CHECK_STR(event_get(&ev, EV_USER_ID), "alice");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "203.0.113.50");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(event_get(&ev, EV_PROCESS_EXE), "/usr/sbin/sshd");
	CHECK_INT(ev.ints[EV_PID], 999);
	CHECK_STR(dstr(&ev, "type"), "USER_LOGIN");
	CHECK_STR(dstr(&ev, "op"), "login");
	CHECK_STR(dstr(&ev, "terminal"), "sshd");
	CHECK_STR(dstr(&ev, "acct"), "alice");
	CHECK(strstr(event_get(&ev, EV_MESSAGE), "USER_LOGIN pid=999") ==
	    event_get(&ev, EV_MESSAGE));
	event_clear(&ev);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_auth");
	CHECK_STR(event_get(&ev, EV_USER_ID), "bob");
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	CHECK_STR(dstr(&ev, "hostname"), "host1");
	CHECK_STR(dstr(&ev, "op"), "PAM:authentication");
	event_clear(&ev);
	CHECK_INT(audit_flush(st, &ev), 0);
	audit_state_free(st);
	TEST_END();
}

static void
test_config_change(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit/config-change");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=CONFIG_CHANGE "
	    "msg=audit(1700000200.500:4700): auid=1000 ses=3 op=add_rule "
	    "key=\"watch_shadow\" list=4 res=1"), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "config_change");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	CHECK_STR(dstr(&ev, "key"), "watch_shadow");
	CHECK_STR(dstr(&ev, "type"), "CONFIG_CHANGE");
	CHECK_INT(ev.ts, 1700000200500000LL);
	CHECK(json_object_get(ev.data, "dropped_records") == NULL);
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_syscall_open(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit/syscall-openat-with-paths");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=SYSCALL msg=audit(1700000250.000:4750):"
	    " arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c "
	    "a1=7ffd1 a2=241 a3=1b6 items=2 ppid=10 pid=11 auid=1000 "
	    "uid=1000 comm=\"bash\" exe=\"/usr/bin/bash\" "
	    "key=73686164\x01" "6964656E74"), 0);
	CHECK_INT(feed(st, &ev, "type=PATH msg=audit(1700000250.000:4750): "
	    "item=0 name=\"/etc/\" nametype=PARENT"), 0);
	CHECK_INT(feed(st, &ev, "type=PATH msg=audit(1700000250.000:4750): "
	    "item=1 name=\"/etc/ld.so.preload\" nametype=CREATE"), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "syscall");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(dstr(&ev, "type"), "SYSCALL");
	CHECK_STR(dstr(&ev, "SYSCALL"), "openat");
	CHECK_STR(dstr(&ev, "a0"), "ffffff9c");
	CHECK_STR(dstr(&ev, "name"), "/etc/ld.so.preload");
	CHECK_STR(dstr(&ev, "nametype"), "CREATE");
	CHECK(event_get(&ev, EV_PROCESS_CMDLINE) == NULL);
	CHECK_STR(event_get(&ev, EV_USER_ID), "1000");
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();

	TEST_BEGIN("audit/multiple-rule-keys");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=SYSCALL msg=audit(1.000:1): "
	    "syscall=2 key=6B31016B32"), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(dstr(&ev, "key"), "k1");
	CHECK_STR(dstr(&ev, "SYSCALL"), "open");
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_long_args(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit/execve-split-arguments");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=EXECVE msg=audit(1700000260.000:4800): "
	    "argc=3 a0=\"echo\" a1_len=10 a1[0]=68656C6C6F a1[1]=776F726C64"),
	    0);
	CHECK_INT(feed(st, &ev, "type=EXECVE msg=audit(1700000260.000:4800): "
	    "a2=\"!\""), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "process_start");
	CHECK_STR(event_get(&ev, EV_PROCESS_CMDLINE), "echo helloworld !");
	CHECK_STR(dstr(&ev, "a1"), "helloworld");
	CHECK_STR(dstr(&ev, "argc"), "3");
	CHECK(json_object_get(ev.data, "a1[0]") == NULL);
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_enriched(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit/enriched-format");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=SYSCALL msg=audit(1700000300.000:4900):"
	    " arch=c00000b7 syscall=221 success=yes exit=0 pid=77 uid=0 "
	    "auid=1000 comm=\"id\" exe=\"/usr/bin/id\" key=(null)"
	    "\x1d" "ARCH=aarch64 SYSCALL=execve AUID=\"alice\" UID=\"root\""),
	    0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "process_start");
	CHECK_STR(dstr(&ev, "SYSCALL"), "execve");
	CHECK_STR(dstr(&ev, "AUID"), "alice");
	CHECK_STR(dstr(&ev, "UID"), "root");
	CHECK_STR(dstr(&ev, "key"), "(null)");
	CHECK_STR(event_get(&ev, EV_PROCESS_EXE), "/usr/bin/id");
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_node(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit/node-prefix-and-hex-cmd");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "node=web1 type=USER_CMD "
	    "msg=audit(1700000350.000:5000): pid=1 uid=1000 auid=1000 ses=1 "
	    "msg='cwd=\"/home/alice\" cmd=7375646F202D6C "
	    "exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'"), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_HOST), "web1");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_cmd");
	CHECK_STR(dstr(&ev, "cmd"), "sudo -l");
	CHECK_STR(dstr(&ev, "cwd"), "/home/alice");
	CHECK_STR(event_get(&ev, EV_USER_ID), "1000");
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_json(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit/json-records");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "{\"type\":\"SYSCALL\","
	    "\"msg\":\"audit(1700000400.250:5100)\",\"arch\":\"c000003e\","
	    "\"syscall\":\"59\",\"success\":\"yes\",\"pid\":\"42\","
	    "\"uid\":0,\"auid\":\"1000\",\"comm\":\"sh\",\"exe\":\"/bin/sh\","
	    "\"key\":\"exec\",\"nested\":{\"ignored\":1}}"), 0);
	CHECK_INT(feed(st, &ev, "{\"type\":\"EXECVE\","
	    "\"timestamp\":\"1700000400.250\",\"serial\":5100,\"argc\":2,"
	    "\"a0\":\"sh\",\"a1\":\"-c\"}"), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "process_start");
	CHECK_INT(ev.ts, 1700000400250000LL);
	CHECK_STR(event_get(&ev, EV_PROCESS_CMDLINE), "sh -c");
	CHECK_STR(event_get(&ev, EV_USER_ID), "0");
	CHECK_STR(dstr(&ev, "SYSCALL"), "execve");
	CHECK(json_object_get(ev.data, "nested") == NULL);
	CHECK_INT(json_array_size(json_object_get(ev.data, "types")), 2);
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_limits(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;
	char			*line;
	size_t			 big = 20 * 1024, o;
	int			 i, n = 100;

	TEST_BEGIN("audit/limit-records-per-group");
	st = audit_state_new();
	event_init(&ev);
	for (i = 0; i < n; i++)
		CHECK_INT(feed(st, &ev, "type=PATH msg=audit(5.000:9): item=0 "
		    "name=\"/x\""), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK(dint(&ev, "dropped_records") > 0);
	CHECK_INT(dint(&ev, "dropped_records") +
	    (long long)json_array_size(json_object_get(ev.data, "types")), n);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("audit/limit-bytes-per-group");
	if ((line = malloc(big + 128)) == NULL)
		exit(1);
	o = snprintf(line, 128, "type=EXECVE msg=audit(6.000:10): a0=\"");
	memset(line + o, 'x', big);
	memcpy(line + o + big, "\"", 2);
	for (i = 0; i < 20; i++)
		CHECK_INT(feed(st, &ev, line), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK(dint(&ev, "dropped_records") > 0);
	CHECK(strlen(event_get(&ev, EV_RAW)) <= EVENT_MAX_MESSAGE);
	event_clear(&ev);
	free(line);
	audit_state_free(st);
	TEST_END();
}

static void
test_bad_lines(void)
{
	static const char	*lines[] = {
		"hello world",
		"",
		"type=",
		"type=SYSCALL",
		"type=SYSCALL msg=audit(abc:1): x=1",
		"type=SYSCALL msg=audit(1.12:1): x=1",
		"type=SYSCALL msg=audit(1.123): x=1",
		"type=SYSCALL msg=audit(1.123:): x=1",
		"type=SYSCALL msg=audit(1.123:5 x=1",
		"type=SYS-CALL msg=audit(1.123:5): x=1",
		"type=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "
		    "msg=audit(1.123:5): x=1",
		"node=h",
		"{\"type\":\"SYSCALL\"}",
		"{\"type\":5,\"msg\":\"audit(1.000:1)\"}",
		"{\"type\":\"A B\",\"msg\":\"audit(1.000:1)\"}",
		"{\"msg\":\"audit(1.000:1)\"}",
		"{\"type\":\"SYSCALL\",\"msg\":",
		"[1,2]",
	};
	struct audit_state	*st;
	struct siem_event	 ev;
	const char		*reason;
	size_t			 i;

	TEST_BEGIN("audit-bad/not-audit-records");
	st = audit_state_new();
	event_init(&ev);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		reason = NULL;
		CHECK_INT(audit_feed(st, lines[i], strlen(lines[i]), &hint, &ev,
		    &reason), 1);
		CHECK(reason != NULL);
		CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "parse_error");
		CHECK_STR(dstr(&ev, "parse_error"), reason);
		event_clear(&ev);
	}
	CHECK_INT(audit_flush(st, &ev), 0);
	audit_state_free(st);
	TEST_END();

	TEST_BEGIN("audit-bad/garbage-inside-a-group-keeps-the-group");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, execve_group[0]), 0);
	CHECK_INT(feed(st, &ev, "\x01\x02\xff garbage"), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "parse_error");
	CHECK(strstr(event_get(&ev, EV_RAW), "\\xff") != NULL);
	event_clear(&ev);
	CHECK_INT(feed(st, &ev, execve_group[1]), 0);
	CHECK_INT(feed(st, &ev, execve_group[6]), 1);
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "process_start");
	CHECK_STR(event_get(&ev, EV_PROCESS_CMDLINE), "ls -la /tmp/my dir");
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();

	TEST_BEGIN("audit-bad/lone-eoe");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=EOE msg=audit(1.000:1): "), 0);
	CHECK_INT(audit_flush(st, &ev), 0);
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	audit_state_free(st);
	TEST_END();
}

static void
test_bad_values(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;

	TEST_BEGIN("audit-bad/odd-values-kept-literally");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=EXECVE msg=audit(7.000:11): argc=4 "
	    "a0=ABC a1=ZZ a2=\"unterminated a3=x"), 0);
	CHECK_INT(feed(st, &ev, "type=PATH msg=audit(7.000:11): item=0 "
	    "name=(null) =v bare x= a0=00FF"), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK_STR(dstr(&ev, "a0"), "ABC");
	CHECK_STR(dstr(&ev, "a1"), "ZZ");
	CHECK_STR(dstr(&ev, "a2"), "unterminated a3=x");
	CHECK_STR(dstr(&ev, "name"), "(null)");
	CHECK_STR(dstr(&ev, "x"), "");
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();

	TEST_BEGIN("audit-bad/hex-decoding-to-invalid-utf8");
	st = audit_state_new();
	event_init(&ev);
	CHECK_INT(feed(st, &ev, "type=EXECVE msg=audit(8.000:12): argc=1 "
	    "a0=FF00FE"), 0);
	CHECK_INT(audit_flush(st, &ev), 1);
	CHECK(dstr(&ev, "a0") != NULL);
	CHECK(event_get(&ev, EV_PROCESS_CMDLINE) != NULL);
	event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

static void
test_bad_truncated(void)
{
	struct audit_state	*st;
	struct siem_event	 ev;
	char			*copy;
	size_t			 i, n, len;

	TEST_BEGIN("audit-bad/every-prefix-never-overreads");
	st = audit_state_new();
	event_init(&ev);
	for (i = 0; i < sizeof(execve_group) / sizeof(execve_group[0]);
	    i++) {
		len = strlen(execve_group[i]);
		for (n = 0; n <= len; n++) {
			if ((copy = malloc(n == 0 ? 1 : n)) == NULL)
				exit(1);
			memcpy(copy, execve_group[i], n);
			if (audit_feed(st, copy, n, &hint, &ev, NULL) == 1)
				event_clear(&ev);
			free(copy);
		}
	}
	if (audit_flush(st, &ev) == 1)
		event_clear(&ev);
	audit_state_free(st);
	TEST_END();
}

int
main(void)
{
	test_execve_group();
	test_user_records();
	test_config_change();
	test_syscall_open();
	test_long_args();
	test_enriched();
	test_node();
	test_json();
	test_limits();
	test_bad_lines();
	test_bad_values();
	test_bad_truncated();
	TEST_EXIT();
}
