/*
 * extract.c: one case per kind of line each extractor knows, each
 * through syslog_parse(), extract_program() and classify_severity()
 * the way the parser process runs them, and -bad- lines that must
 * not yield fields they do not hold.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "normalize.h"
#include "test.h"

#define NOW	1700000000000000LL	/* 2023-11-14T22:13:20Z */

static void	 run(struct siem_event *, const char *);
static const char *data(const struct siem_event *, const char *);
static void	 test_sshd(void);
static void	 test_sshd_bad(void);
static void	 test_sudo(void);
static void	 test_su(void);
static void	 test_pam(void);
static void	 test_accounts(void);
static void	 test_cron(void);
static void	 test_firewall(void);
static void	 test_repeated(void);

static void
run(struct siem_event *ev, const char *line)
{
	struct record_hint	 h;
	const char		*reason = NULL;

	memset(&h, 0, sizeof(h));
	h.format = FORMAT_SYSLOG;
	h.source_type = "syslog";
	h.source_offset = -1;
	h.received_at = NOW;
	h.now = NOW;
	event_init(ev);
	if (syslog_parse(ev, line, strlen(line), &h, &reason) != PARSE_OK)
		printf("# not parsed: %s: %s\n", line, reason);
	extract_program(ev);
	classify_severity(ev);
}

static const char *
data(const struct siem_event *ev, const char *key)
{
	return (json_string_value(json_object_get(ev->data, key)));
}

static void
test_sshd(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/sshd-failed-password-invalid-user");
	run(&ev, "<38>Mar  3 10:00:01 web1 sshd[2201]: Failed password for "
	    "invalid user admin from 198.51.100.7 port 52211 ssh2");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "login_failure");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "admin");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "198.51.100.7");
	CHECK_INT(ev.ints[EV_SRC_PORT], 52211);
	CHECK_INT(ev.ints[EV_PID], 2201);
	CHECK(json_is_true(json_object_get(ev.data, "invalid_user")));
	CHECK_STR(data(&ev, "auth_method"), "password");
	CHECK_INT(ev.severity, SEV_MEDIUM);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-failed-password-ipv6");
	run(&ev, "Mar  3 10:00:01 web1 sshd[2201]: Failed password for root "
	    "from 2001:db8::5 port 22 ssh2");
	CHECK_STR(event_get(&ev, EV_USER_ID), "root");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "2001:db8::5");
	CHECK_INT(ev.ints[EV_SRC_PORT], 22);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-failed-publickey");
	run(&ev, "Mar  3 10:00:01 web1 sshd[77]: Failed publickey for git "
	    "from 203.0.113.9 port 40000 ssh2: RSA SHA256:abcdef");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "login_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "git");
	CHECK_STR(data(&ev, "auth_method"), "publickey");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-accepted");
	run(&ev, "Mar  3 10:00:01 web1 sshd[78]: Accepted publickey for "
	    "deploy from 192.0.2.10 port 51000 ssh2: ED25519 SHA256:xyz");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "login_success");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	CHECK_STR(event_get(&ev, EV_USER_ID), "deploy");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.10");
	CHECK_INT(ev.ints[EV_SRC_PORT], 51000);
	CHECK_INT(ev.severity, SEV_INFO);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-invalid-user");
	run(&ev, "Mar  3 10:00:01 web1 sshd[79]: Invalid user oracle from "
	    "192.0.2.44 port 4242");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "invalid_user");
	CHECK_STR(event_get(&ev, EV_USER_ID), "oracle");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.44");
	CHECK_INT(ev.ints[EV_SRC_PORT], 4242);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[79]: input_userauth_request: "
	    "invalid user oracle [preauth]");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "invalid_user");
	CHECK_STR(event_get(&ev, EV_USER_ID), "oracle");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-session");
	run(&ev, "Mar  3 10:00:01 web1 sshd[80]: pam_unix(sshd:session): "
	    "session opened for user alice(uid=1000) by (uid=0)");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "session_opened");
	CHECK_STR(event_get(&ev, EV_USER_ID), "alice");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[80]: pam_unix(sshd:session): "
	    "session closed for user alice");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "session_closed");
	CHECK_STR(event_get(&ev, EV_USER_ID), "alice");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-connection-closed");
	run(&ev, "Mar  3 10:00:01 web1 sshd[81]: Connection closed by "
	    "authenticating user root 192.0.2.3 port 3333 [preauth]");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "connection_closed");
	CHECK_STR(event_get(&ev, EV_USER_ID), "root");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.3");
	CHECK_INT(ev.ints[EV_SRC_PORT], 3333);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[81]: Connection closed by "
	    "192.0.2.4 port 3334 [preauth]");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.4");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[81]: Received disconnect from "
	    "192.0.2.5 port 3335:11: Bye Bye [preauth]");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "connection_closed");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.5");
	CHECK_INT(ev.ints[EV_SRC_PORT], 3335);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[81]: Received disconnect from "
	    "192.0.2.6: 11: Bye Bye [preauth]");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.6");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-more-forms");
	run(&ev, "Mar  3 10:00:01 web1 sshd[83]: Disconnected from invalid "
	    "user admin 192.0.2.11 port 5000 [preauth]");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "connection_closed");
	CHECK_STR(event_get(&ev, EV_USER_ID), "admin");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.11");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[83]: error: maximum "
	    "authentication attempts exceeded for root from 192.0.2.12 port "
	    "1 ssh2 [preauth]");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "login_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "root");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.12");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[83]: PAM 2 more authentication "
	    "failures; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=192.0.2.13  user=root");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "auth_failure");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.13");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[83]: Failed password for invalid "
	    "user  from 192.0.2.14 port 4 ssh2");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.14");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-break-in");
	run(&ev, "Mar  3 10:00:01 web1 sshd[82]: reverse mapping checking "
	    "getaddrinfo for host.example.net [192.0.2.8] failed - POSSIBLE "
	    "BREAK-IN ATTEMPT!");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "break_in_attempt");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.8");
	CHECK_INT(ev.severity, SEV_HIGH);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[82]: Address 192.0.2.9 maps to "
	    "x.example.net, but this does not map back to the address - "
	    "POSSIBLE BREAK-IN ATTEMPT!");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "break_in_attempt");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "192.0.2.9");
	event_clear(&ev);
	TEST_END();
}

static void
test_sshd_bad(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/sshd-bad-address");
	run(&ev, "Mar  3 10:00:01 web1 sshd[90]: Failed password for root "
	    "from not-an-address port 22 ssh2");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "login_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "root");
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[90]: Failed password for root "
	    "from 999.1.1.1 port 99999 ssh2");
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	CHECK_INT(ev.ints[EV_SRC_PORT], -1);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-bad-truncated");
	run(&ev, "Mar  3 10:00:01 web1 sshd[91]: Failed password for");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "login_failure");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[91]: Accepted");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sshd-bad-unknown-line");
	run(&ev, "Mar  3 10:00:01 web1 sshd[92]: Server listening on "
	    "0.0.0.0 port 22.");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/bad-other-program");
	run(&ev, "Mar  3 10:00:01 web1 myapp[93]: Failed password for root "
	    "from 192.0.2.1 port 22 ssh2");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_sudo(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/sudo-command");
	run(&ev, "Mar  3 10:00:01 web1 sudo:    alice : TTY=pts/0 ; "
	    "PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "sudo_command");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "success");
	CHECK_STR(event_get(&ev, EV_USER_ID), "alice");
	CHECK_STR(data(&ev, "USER"), "root");
	CHECK_STR(data(&ev, "COMMAND"), "/usr/bin/apt update");
	CHECK_STR(data(&ev, "PWD"), "/home/alice");
	CHECK_STR(data(&ev, "TTY"), "pts/0");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sudo-cve-2019-14287-user");
	run(&ev, "Mar  3 10:00:01 web1 sudo: mallory : TTY=pts/4 ; "
	    "PWD=/tmp ; USER=#-1 ; COMMAND=/bin/bash");
	CHECK_STR(data(&ev, "USER"), "#-1");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sudo-failure");
	run(&ev, "Mar  3 10:00:01 web1 sudo: bob : 3 incorrect password "
	    "attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; "
	    "COMMAND=/bin/sh");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "sudo_failure");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "bob");
	CHECK_STR(data(&ev, "reason"), "3 incorrect password attempts");
	CHECK_STR(data(&ev, "COMMAND"), "/bin/sh");
	CHECK_INT(ev.severity, SEV_MEDIUM);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sudo:    carol : user NOT in "
	    "sudoers ; TTY=pts/2 ; PWD=/home/carol ; USER=root ; "
	    "COMMAND=/bin/ls");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "sudo_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "carol");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sudo: pam_unix(sudo:auth): "
	    "authentication failure; logname=dave uid=1000 euid=0 "
	    "tty=/dev/pts/2 ruser=dave rhost=  user=dave");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "sudo_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "dave");
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/sudo-bad-no-command");
	run(&ev, "Mar  3 10:00:01 web1 sudo: alice : TTY=pts/0");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	CHECK(data(&ev, "USER") == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_su(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/su-failure");
	run(&ev, "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for "
	    "lonvick on /dev/pts/8");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "lonvick");
	CHECK_STR(data(&ev, "target_user"), "root");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 su[400]: FAILED SU (to root) erin on "
	    "pts/3");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "erin");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 su[400]: pam_unix(su:auth): "
	    "authentication failure; logname=erin uid=1000 euid=0 tty=pts/3 "
	    "ruser=erin rhost=  user=root");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "root");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 su[400]: - pts/3 erin:root");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "erin");
	CHECK_STR(data(&ev, "target_user"), "root");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/su-success");
	run(&ev, "Mar  3 10:00:01 web1 su[401]: (to root) erin on pts/3");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_success");
	CHECK_STR(event_get(&ev, EV_USER_ID), "erin");
	CHECK_STR(data(&ev, "target_user"), "root");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 su[401]: Successful su for root by "
	    "erin");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_success");
	CHECK_STR(event_get(&ev, EV_USER_ID), "erin");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 su[401]: + pts/3 erin:root");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_success");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/su-bad");
	run(&ev, "Mar  3 10:00:01 web1 su[402]: (to root");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "su_success");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 su[402]: + pts/3");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_pam(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/pam-any-program");
	run(&ev, "Mar  3 10:00:01 web1 login[812]: pam_unix(login:auth): "
	    "authentication failure; logname=LOGIN uid=0 euid=0 tty=tty1 "
	    "ruser= rhost=  user=frank");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "auth_failure");
	CHECK_STR(event_get(&ev, EV_OUTCOME), "failure");
	CHECK_STR(event_get(&ev, EV_USER_ID), "frank");
	CHECK_STR(data(&ev, "tty"), "tty1");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/pam-rhost");
	run(&ev, "Jun 14 15:16:01 combo sshd(pam_unix)[1999]: authentication "
	    "failure; logname= uid=0 euid=0 tty=NODEVssh ruser= "
	    "rhost=198.51.100.77 ");
	CHECK_STR(event_get(&ev, EV_APP), "sshd(pam_unix)");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "auth_failure");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "198.51.100.77");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/pam-bad-rhost-name");
	run(&ev, "Jun 14 15:16:01 combo sshd(pam_unix)[1999]: authentication "
	    "failure; logname= uid=0 euid=0 tty=NODEVssh ruser= "
	    "rhost=dsl.example.net  user=root");
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	CHECK_STR(data(&ev, "rhost"), "dsl.example.net");
	CHECK_STR(event_get(&ev, EV_USER_ID), "root");
	event_clear(&ev);
	TEST_END();
}

static void
test_accounts(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/useradd");
	run(&ev, "Mar  3 10:00:01 web1 useradd[500]: new user: name=bob, "
	    "UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=none");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_created");
	CHECK_STR(event_get(&ev, EV_USER_ID), "bob");
	CHECK_STR(data(&ev, "UID"), "1001");
	CHECK_STR(data(&ev, "shell"), "/bin/bash");
	CHECK_INT(ev.severity, SEV_MEDIUM);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/groupadd");
	run(&ev, "Mar  3 10:00:01 web1 groupadd: new group: name=devs, "
	    "GID=1002");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "group_created");
	CHECK_STR(data(&ev, "group"), "devs");
	CHECK_STR(data(&ev, "GID"), "1002");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/usermod-userdel");
	run(&ev, "Mar  3 10:00:01 web1 usermod[501]: add 'bob' to group "
	    "'sudo'");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_modified");
	CHECK_STR(event_get(&ev, EV_USER_ID), "bob");
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 userdel[502]: delete user 'bob'");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_deleted");
	CHECK_STR(event_get(&ev, EV_USER_ID), "bob");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/useradd-bad");
	run(&ev, "Mar  3 10:00:01 web1 useradd[503]: new user: ");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_created");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 usermod[504]: add 'bob");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "user_modified");
	CHECK(event_get(&ev, EV_USER_ID) == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_cron(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/cron");
	run(&ev, "Mar  3 10:17:01 web1 CRON[3001]: (root) CMD (   cd / && "
	    "run-parts --report /etc/cron.hourly)");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "cron_command");
	CHECK_STR(event_get(&ev, EV_USER_ID), "root");
	CHECK_STR(data(&ev, "command"),
	    "cd / && run-parts --report /etc/cron.hourly");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/cron-bad");
	run(&ev, "Mar  3 10:17:01 web1 CRON[3001]: (root) CMD");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	event_clear(&ev);
	TEST_END();
}

static void
test_firewall(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/ufw-block");
	run(&ev, "<4>Mar  3 10:00:01 gw kernel: [12345.678901] [UFW BLOCK] "
	    "IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 "
	    "SRC=203.0.113.50 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 "
	    "TTL=244 ID=54321 PROTO=TCP SPT=44321 DPT=23 WINDOW=1024 "
	    "RES=0x00 SYN URGP=0");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "firewall_block");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "203.0.113.50");
	CHECK_STR(event_get(&ev, EV_DEST_IP), "192.0.2.1");
	CHECK_INT(ev.ints[EV_SRC_PORT], 44321);
	CHECK_INT(ev.ints[EV_DEST_PORT], 23);
	CHECK_STR(event_get(&ev, EV_PROTOCOL), "tcp");
	CHECK_STR(data(&ev, "in_interface"), "eth0");
	CHECK(data(&ev, "out_interface") == NULL);
	CHECK_INT(ev.severity, SEV_LOW);
	CHECK_INT(ev.ints[EV_SYSLOG_SEVERITY], 4);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/iptables-accept");
	run(&ev, "Mar  3 10:00:01 gw kernel: ACCEPT-IN IN=eth1 OUT= "
	    "SRC=2001:db8::2 DST=2001:db8::1 LEN=80 PROTO=UDP SPT=53 DPT=5353");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "firewall_allow");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "2001:db8::2");
	CHECK_STR(event_get(&ev, EV_PROTOCOL), "udp");
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/firewall-bad");
	run(&ev, "Mar  3 10:00:01 gw kernel: IN=eth0 SRC=bogus");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 gw kernel: [UFW BLOCK] IN=eth0 OUT= "
	    "SRC=300.1.1.1 DST=192.0.2.1 PROTO=TCP SPT=x DPT=70000");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "firewall_block");
	CHECK(event_get(&ev, EV_SRC_IP) == NULL);
	CHECK_INT(ev.ints[EV_SRC_PORT], -1);
	CHECK_INT(ev.ints[EV_DEST_PORT], -1);
	event_clear(&ev);
	TEST_END();
}

static void
test_repeated(void)
{
	struct siem_event	 ev;

	TEST_BEGIN("extract/rsyslog-repeated");
	run(&ev, "Mar  3 10:00:01 web1 sshd[95]: message repeated 5 times: "
	    "[ Failed password for root from 198.51.100.20 port 4000 ssh2]");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "login_failure");
	CHECK_STR(event_get(&ev, EV_SRC_IP), "198.51.100.20");
	CHECK_INT(ev.ints[EV_SRC_PORT], 4000);
	CHECK_INT(json_integer_value(json_object_get(ev.data,
	    "repeat_count")), 5);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/last-message-repeated");
	run(&ev, "Mar  3 10:00:01 web1 last message repeated 3 times");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "repeated");
	CHECK_INT(json_integer_value(json_object_get(ev.data,
	    "repeat_count")), 3);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("extract/repeated-bad");
	run(&ev, "Mar  3 10:00:01 web1 last message repeated many times");
	CHECK(event_get(&ev, EV_EVENT_TYPE) == NULL);
	event_clear(&ev);
	run(&ev, "Mar  3 10:00:01 web1 sshd[95]: message repeated 5 times: "
	    "[");
	CHECK_STR(event_get(&ev, EV_EVENT_TYPE), "repeated");
	event_clear(&ev);
	TEST_END();
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	test_sshd();
	test_sshd_bad();
	test_sudo();
	test_su();
	test_pam();
	test_accounts();
	test_cron();
	test_firewall();
	test_repeated();
	TEST_EXIT();
}
