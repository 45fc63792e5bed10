/*
 * Program extractors: turn the message of a known program (sshd,
 * sudo, su, PAM modules, useradd and friends, cron, kernel netfilter
 * logs) into an event_type from a fixed vocabulary, an outcome, and
 * the actor fields (user_id, src_ip, src_port, ...).  Extra fields go
 * to data_json; sudo's keep sudo's own names (USER, COMMAND, PWD, TTY)
 * because Sigma rules match on USER.
 *
 * Plain string scanning over (pointer, length): no regular
 * expressions on this path, nothing read past the message, and an
 * address is stored in src_ip/dest_ip only when inet_pton() takes it.
 *
 * event_type vocabulary set here:
 *   login_failure login_success invalid_user session_opened
 *   session_closed connection_closed break_in_attempt auth_failure
 *   sudo_command sudo_failure su_success su_failure user_created
 *   user_modified user_deleted group_created group_deleted
 *   cron_command firewall_block firewall_allow
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "normalize.h"

#define EXTRACT_PROG_MAX	32	/* base program name compared */
#define EXTRACT_PORT_MAX	65535
#define EXTRACT_ADDR_MAX	INET6_ADDRSTRLEN
#define EXTRACT_KEY_MAX		32

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISSPACE(c)	((c) == ' ' || (c) == '\t')

/* A piece of the message. */
struct text {
	const char	*p;
	size_t		 n;
};

static int	 has_prefix(struct text, const char *);
static const char *find(struct text, const char *);
static const char *rfind(struct text, const char *);
static struct text after(struct text, const char *);
static struct text skip(struct text, const char *);
static struct text trim(struct text);
static struct text word(struct text);
static int	 kv(struct text, const char *, struct text *);
static int	 set_ip(struct siem_event *, enum event_text, struct text);
static int	 set_port(struct siem_event *, enum event_int, struct text);
static void	 set_user(struct siem_event *, struct text);
static void	 set_type(struct siem_event *, const char *, const char *);
static void	 set_data(struct siem_event *, const char *, struct text);
static void	 from_ip_port(struct siem_event *, struct text);
static int	 pam_line(struct siem_event *, struct text, const char *);
static int	 sshd_line(struct siem_event *, struct text);
static void	 sudo_fields(struct siem_event *, struct text);
static int	 sudo_line(struct siem_event *, struct text);
static int	 su_line(struct siem_event *, struct text);
static int	 account_line(struct siem_event *, struct text, const char *);
static int	 cron_line(struct siem_event *, struct text);
static int	 netfilter_line(struct siem_event *, struct text);

static int
has_prefix(struct text t, const char *pre)
{
	size_t	 n = strlen(pre);

	return (t.n >= n && memcmp(t.p, pre, n) == 0);
}

static const char *
find(struct text t, const char *needle)
{
	return (memmem(t.p, t.n, needle, strlen(needle)));
}

static const char *
rfind(struct text t, const char *needle)
{
	const char	*hit = NULL, *q;
	struct text	 r = t;

	while ((q = find(r, needle)) != NULL) {
		hit = q;
		r.n -= (size_t)(q - r.p) + 1;
		r.p = q + 1;
	}
	return (hit);
}

/* The text after the first needle, or an empty text. */
static struct text
after(struct text t, const char *needle)
{
	const char	*q;
	struct text	 r = { t.p + t.n, 0 };

	if ((q = find(t, needle)) != NULL) {
		r.p = q + strlen(needle);
		r.n = t.n - (size_t)(r.p - t.p);
	}
	return (r);
}

/* t without the prefix if it has it. */
static struct text
skip(struct text t, const char *pre)
{
	size_t	 n = strlen(pre);

	if (has_prefix(t, pre)) {
		t.p += n;
		t.n -= n;
	}
	return (t);
}

static struct text
trim(struct text t)
{
	while (t.n > 0 && ISSPACE(t.p[0])) {
		t.p++;
		t.n--;
	}
	while (t.n > 0 && ISSPACE(t.p[t.n - 1]))
		t.n--;
	return (t);
}

/* The leading run up to a space, ';' or ','. */
static struct text
word(struct text t)
{
	size_t	 i;

	for (i = 0; i < t.n; i++)
		if (ISSPACE(t.p[i]) || t.p[i] == ';' || t.p[i] == ',')
			break;
	t.n = i;
	return (t);
}

/*
 * "key=value" where key starts the text or follows a space, ';' or
 * ',' (so "user=" does not match inside "ruser=").
 */
static int
kv(struct text t, const char *key, struct text *v)
{
	struct text	 r = t;
	const char	*q;
	size_t		 kl = strlen(key);

	while ((q = find(r, key)) != NULL) {
		if (q == t.p || ISSPACE(q[-1]) || q[-1] == ';' ||
		    q[-1] == ',') {
			v->p = q + kl;
			v->n = t.n - (size_t)(v->p - t.p);
			*v = word(*v);
			return (1);
		}
		r.n -= (size_t)(q - r.p) + 1;
		r.p = q + 1;
	}
	return (0);
}

/* Store an address only when it is one; "[::1]" loses its brackets. */
static int
set_ip(struct siem_event *ev, enum event_text f, struct text t)
{
	char		 buf[EXTRACT_ADDR_MAX];
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (t.n >= 2 && t.p[0] == '[' && t.p[t.n - 1] == ']') {
		t.p++;
		t.n -= 2;
	}
	if (t.n == 0 || t.n >= sizeof(buf))
		return (0);
	memcpy(buf, t.p, t.n);
	buf[t.n] = '\0';
	if (inet_pton(AF_INET, buf, &a4) != 1 &&
	    inet_pton(AF_INET6, buf, &a6) != 1)
		return (0);
	event_set(ev, f, buf, t.n);
	return (1);
}

static int
set_port(struct siem_event *ev, enum event_int f, struct text t)
{
	size_t	 i;
	long	 v = 0;

	/* digits, then the end of the word or ':' ("port 22:11: Bye") */
	for (i = 0; i < t.n && i <= 5 && ISDIGIT(t.p[i]); i++)
		v = v * 10 + (t.p[i] - '0');
	if (i == 0 || i > 5 || v > EXTRACT_PORT_MAX || (i < t.n &&
	    !ISSPACE(t.p[i]) && t.p[i] != ':' && t.p[i] != ';' &&
	    t.p[i] != ','))
		return (0);
	ev->ints[f] = v;
	return (1);
}

static void
set_user(struct siem_event *ev, struct text t)
{
	t = trim(t);
	if (t.n > 0)
		event_set(ev, EV_USER_ID, t.p, t.n);
}

static void
set_type(struct siem_event *ev, const char *type, const char *outcome)
{
	event_set(ev, EV_EVENT_TYPE, type, strlen(type));
	event_set(ev, EV_OUTCOME, outcome, strlen(outcome));
}

static void
set_data(struct siem_event *ev, const char *key, struct text t)
{
	t = trim(t);
	if (t.n > 0)
		event_data_setstr(ev, key, t.p, t.n);
}

/* "... from IP port N ..." and "... from IP" */
static void
from_ip_port(struct siem_event *ev, struct text t)
{
	struct text	 f;
	const char	*q;

	if ((q = rfind(t, " from ")) == NULL)
		return;
	f.p = q + 6;
	f.n = t.n - (size_t)(f.p - t.p);
	set_ip(ev, EV_SRC_IP, word(f));
	f = after(f, " port ");
	if (f.n > 0)
		set_port(ev, EV_SRC_PORT, f);
}

/*
 * PAM module lines, from whatever program loaded the module:
 * "authentication failure; ... rhost=H user=U", "session opened for
 * user U by ...", "session closed for user U".  fail_type is the
 * event_type an authentication failure gets in this program.
 */
static int
pam_line(struct siem_event *ev, struct text m, const char *fail_type)
{
	struct text	 v;
	const char	*q;

	/* "pam_unix(sshd:auth): " */
	if (has_prefix(m, "pam_") && (q = find(m, "): ")) != NULL) {
		m.n -= (size_t)(q + 3 - m.p);
		m.p = q + 3;
	}
	if (has_prefix(m, "authentication failure;") ||
	    (has_prefix(m, "PAM ") && find(m, "authentication failure") !=
	    NULL)) {
		set_type(ev, fail_type, "failure");
		if (kv(m, "user=", &v))
			set_user(ev, v);
		if (kv(m, "rhost=", &v) && v.n > 0 &&
		    !set_ip(ev, EV_SRC_IP, v))
			set_data(ev, "rhost", v);
		if (kv(m, "ruser=", &v))
			set_data(ev, "ruser", v);
		if (kv(m, "tty=", &v))
			set_data(ev, "tty", v);
		return (1);
	}
	if (has_prefix(m, "session opened for user ")) {
		set_type(ev, "session_opened", "success");
		v = word(after(m, "for user "));
		/* newer PAM: "for user alice(uid=1000) by" */
		if ((q = memchr(v.p, '(', v.n)) != NULL)
			v.n = (size_t)(q - v.p);
		set_user(ev, v);
		v = after(m, " by ");
		if (v.n > 0)
			set_data(ev, "by", word(v));
		return (1);
	}
	if (has_prefix(m, "session closed for user ")) {
		set_type(ev, "session_closed", "success");
		v = word(after(m, "for user "));
		if ((q = memchr(v.p, '(', v.n)) != NULL)
			v.n = (size_t)(q - v.p);
		set_user(ev, v);
		return (1);
	}
	return (0);
}

static int
sshd_line(struct siem_event *ev, struct text m)
{
	struct text	 u;
	const char	*q;

	if (has_prefix(m, "Failed ") || has_prefix(m,
	    "error: maximum authentication attempts exceeded for ")) {
		u = after(m, " for ");
		if (has_prefix(m, "Failed "))
			set_data(ev, "auth_method", word(after(m, "Failed ")));
		if (has_prefix(u, "invalid user ")) {
			u = skip(u, "invalid user ");
			event_data_set(ev, "invalid_user", json_true());
		}
		if ((q = rfind(u, " from ")) != NULL)
			u.n = (size_t)(q - u.p);
		set_type(ev, "login_failure", "failure");
		set_user(ev, u);
		from_ip_port(ev, m);
		return (1);
	}
	if (has_prefix(m, "Accepted ")) {
		u = after(m, " for ");
		if ((q = rfind(u, " from ")) != NULL)
			u.n = (size_t)(q - u.p);
		set_data(ev, "auth_method", word(after(m, "Accepted ")));
		set_type(ev, "login_success", "success");
		set_user(ev, u);
		from_ip_port(ev, m);
		return (1);
	}
	if (has_prefix(m, "Invalid user ") ||
	    has_prefix(m, "input_userauth_request: invalid user ")) {
		u = after(m, "nvalid user ");
		if ((q = rfind(u, " from ")) != NULL)
			u.n = (size_t)(q - u.p);
		else
			u = word(u);
		set_type(ev, "invalid_user", "failure");
		set_user(ev, u);
		from_ip_port(ev, m);
		return (1);
	}
	if (find(m, "POSSIBLE BREAK-IN ATTEMPT") != NULL) {
		set_type(ev, "break_in_attempt", "unknown");
		/* "getaddrinfo for HOST [IP] failed" / "Address IP maps to" */
		if ((q = find(m, " [")) != NULL) {
			u.p = q + 2;
			u.n = m.n - (size_t)(u.p - m.p);
			if ((q = memchr(u.p, ']', u.n)) != NULL) {
				u.n = (size_t)(q - u.p);
				set_ip(ev, EV_SRC_IP, u);
			}
		} else if (has_prefix(m, "Address "))
			set_ip(ev, EV_SRC_IP, word(skip(m, "Address ")));
		return (1);
	}
	if (has_prefix(m, "Connection closed by ") ||
	    has_prefix(m, "Disconnected from ") ||
	    has_prefix(m, "Connection reset by ")) {
		u = after(m, " by ");
		if (u.n == 0)
			u = after(m, " from ");
		set_type(ev, "connection_closed", "unknown");
		if (has_prefix(u, "authenticating user ") ||
		    has_prefix(u, "invalid user ") || has_prefix(u, "user ")) {
			u = after(u, "user ");
			if ((q = rfind(u, " port ")) != NULL) {
				/* the user name is all words but the address */
				u.n = (size_t)(q - u.p);
				if ((q = rfind(u, " ")) != NULL) {
					set_ip(ev, EV_SRC_IP, word(
					    (struct text){ q + 1,
					    u.n - (size_t)(q + 1 - u.p) }));
					u.n = (size_t)(q - u.p);
					set_user(ev, u);
				}
			}
		} else
			set_ip(ev, EV_SRC_IP, word(u));
		u = after(m, " port ");
		if (u.n > 0)
			set_port(ev, EV_SRC_PORT, u);
		return (1);
	}
	if (has_prefix(m, "Received disconnect from ") ||
	    has_prefix(m, "Did not receive identification string from ")) {
		set_type(ev, "connection_closed", "unknown");
		u = after(m, " from ");
		u = word(u);
		/* "1.2.3.4: 11: Bye" and "1.2.3.4 port 22:11: Bye" */
		if (u.n > 0 && u.p[u.n - 1] == ':')
			u.n--;
		set_ip(ev, EV_SRC_IP, u);
		u = after(m, " port ");
		if (u.n > 0)
			set_port(ev, EV_SRC_PORT, u);
		return (1);
	}
	return (pam_line(ev, m, "auth_failure"));
}

/* "TTY=pts/0 ; PWD=/home/x ; USER=root ; COMMAND=/bin/ls -l" */
static void
sudo_fields(struct siem_event *ev, struct text m)
{
	static const char	*keys[] = { "TTY", "PWD", "USER", "GROUP",
	    "COMMAND" };
	char			 key[EXTRACT_KEY_MAX];
	struct text		 v;
	const char		*q;
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(key, sizeof(key), "%s=", keys[i]);
		if (!kv(m, key, &v))
			continue;
		/* COMMAND runs to the end; the others to " ;" */
		v.n = m.n - (size_t)(v.p - m.p);
		if (strcmp(keys[i], "COMMAND") != 0 &&
		    (q = find(v, " ;")) != NULL)
			v.n = (size_t)(q - v.p);
		set_data(ev, keys[i], v);
	}
}

static int
sudo_line(struct siem_event *ev, struct text m)
{
	struct text	 u, rest;
	const char	*q;

	if ((q = find(m, " : ")) == NULL || find(m, "COMMAND=") == NULL)
		return (pam_line(ev, m, "sudo_failure"));
	u.p = m.p;
	u.n = (size_t)(q - m.p);
	rest.p = q + 3;
	rest.n = m.n - (size_t)(rest.p - m.p);
	set_user(ev, u);
	sudo_fields(ev, rest);
	if (has_prefix(rest, "TTY=") || has_prefix(rest, "PWD=") ||
	    has_prefix(rest, "USER=") || has_prefix(rest, "COMMAND="))
		set_type(ev, "sudo_command", "success");
	else {
		set_type(ev, "sudo_failure", "failure");
		if ((q = find(rest, " ;")) != NULL)
			set_data(ev, "reason", (struct text){ rest.p,
			    (size_t)(q - rest.p) });
	}
	return (1);
}

static int
su_line(struct siem_event *ev, struct text m)
{
	struct text	 u;
	const char	*q;

	/* BSD: "'su root' failed for lonvick on /dev/pts/8" */
	if (has_prefix(m, "'su ") && (q = find(m, "' failed for ")) !=
	    NULL) {
		set_type(ev, "su_failure", "failure");
		set_data(ev, "target_user", (struct text){ m.p + 4,
		    (size_t)(q - m.p - 4) });
		set_user(ev, word(after(m, "' failed for ")));
		return (1);
	}
	/* util-linux: "FAILED SU (to root) bob on pts/0" */
	if (has_prefix(m, "FAILED SU (to ") || has_prefix(m, "(to ")) {
		if (has_prefix(m, "FAILED"))
			set_type(ev, "su_failure", "failure");
		else
			set_type(ev, "su_success", "success");
		u = after(m, "(to ");
		if ((q = memchr(u.p, ')', u.n)) != NULL) {
			set_data(ev, "target_user", (struct text){ u.p,
			    (size_t)(q - u.p) });
			u.n -= (size_t)(q + 1 - u.p);
			u.p = q + 1;
			set_user(ev, word(trim(u)));
		}
		return (1);
	}
	/* "Successful su for root by bob" */
	if (has_prefix(m, "Successful su for ")) {
		set_type(ev, "su_success", "success");
		set_data(ev, "target_user", word(after(m, " for ")));
		set_user(ev, word(after(m, " by ")));
		return (1);
	}
	/* shadow: "+ pts/0 bob:root" / "- pts/0 bob:root" */
	if ((has_prefix(m, "+ ") || has_prefix(m, "- ")) &&
	    memchr(m.p, ':', m.n) != NULL) {
		set_type(ev, m.p[0] == '+' ? "su_success" : "su_failure",
		    m.p[0] == '+' ? "success" : "failure");
		u = trim(after(m, " "));		/* "pts/0 bob:root" */
		u = word(trim(after(u, " ")));		/* "bob:root" */
		if ((q = memchr(u.p, ':', u.n)) != NULL) {
			set_user(ev, (struct text){ u.p, (size_t)(q - u.p) });
			set_data(ev, "target_user", (struct text){ q + 1,
			    u.n - (size_t)(q + 1 - u.p) });
		}
		return (1);
	}
	return (pam_line(ev, m, "su_failure"));
}

/*
 * shadow-utils: useradd "new user: name=bob, UID=1001, ...",
 * groupadd "new group: name=dev, GID=1001", usermod "change user
 * 'bob' shell ...", userdel "delete user 'bob'".
 */
static int
account_line(struct siem_event *ev, struct text m, const char *prog)
{
	static const char	*keys[] = { "UID", "GID", "home", "shell" };
	char			 k[EXTRACT_KEY_MAX];
	struct text		 v;
	size_t			 i;
	const char		*q;

	if (has_prefix(m, "new user: ")) {
		set_type(ev, "user_created", "success");
		if (kv(m, "name=", &v))
			set_user(ev, v);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			snprintf(k, sizeof(k), "%s=", keys[i]);
			if (kv(m, k, &v))
				set_data(ev, keys[i], v);
		}
		return (1);
	}
	if (has_prefix(m, "new group: ") ||
	    has_prefix(m, "group added to ")) {
		set_type(ev, "group_created", "success");
		if (kv(m, "name=", &v))
			set_data(ev, "group", v);
		if (kv(m, "GID=", &v))
			set_data(ev, "GID", v);
		return (1);
	}
	if (has_prefix(m, "delete user '") || has_prefix(m,
	    "delete group '") || has_prefix(m, "group '")) {
		set_type(ev, find(m, "user '") != NULL && !has_prefix(m,
		    "group '") ? "user_deleted" : "group_deleted", "success");
		v = after(m, "'");
		if ((q = memchr(v.p, '\'', v.n)) != NULL) {
			v.n = (size_t)(q - v.p);
			if (find(m, "user '") != NULL)
				set_user(ev, v);
			else
				set_data(ev, "group", v);
		}
		return (1);
	}
	if (strcmp(prog, "usermod") == 0 && (has_prefix(m, "change user '") ||
	    has_prefix(m, "add '") || has_prefix(m, "lock user '") ||
	    has_prefix(m, "unlock user '") || has_prefix(m, "delete '"))) {
		set_type(ev, "user_modified", "success");
		v = after(m, "'");
		if ((q = memchr(v.p, '\'', v.n)) != NULL) {
			v.n = (size_t)(q - v.p);
			set_user(ev, v);
		}
		set_data(ev, "change", m);
		return (1);
	}
	return (pam_line(ev, m, "auth_failure"));
}

/* "(root) CMD (run-parts /etc/cron.hourly)" */
static int
cron_line(struct siem_event *ev, struct text m)
{
	struct text	 u, c;
	const char	*q;

	if (has_prefix(m, "(") && (q = find(m, ") CMD (")) != NULL) {
		u.p = m.p + 1;
		u.n = (size_t)(q - u.p);
		c.p = q + 7;
		c.n = m.n - (size_t)(c.p - m.p);
		if (c.n > 0 && c.p[c.n - 1] == ')')
			c.n--;
		set_type(ev, "cron_command", "success");
		set_user(ev, u);
		set_data(ev, "command", c);
		return (1);
	}
	return (pam_line(ev, m, "auth_failure"));
}

/*
 * netfilter LOG lines (ufw, iptables, firewalld):
 * "[UFW BLOCK] IN=eth0 OUT= MAC=... SRC=a DST=b ... PROTO=TCP SPT=1
 * DPT=22 ...".  ALLOW/ACCEPT prefixes are firewall_allow, everything
 * else a block.
 */
static int
netfilter_line(struct siem_event *ev, struct text m)
{
	struct text	 v, pre;
	char		 proto[EXTRACT_KEY_MAX];
	size_t		 i;
	const char	*q;

	if ((q = find(m, "IN=")) == NULL || !kv(m, "SRC=", &v) ||
	    find(m, "DST=") == NULL)
		return (0);
	/* the log prefix before IN=, e.g. "[UFW BLOCK]" */
	pre.p = m.p;
	pre.n = (size_t)(q - m.p);
	pre = trim(pre);
	if (find(pre, "ALLOW") != NULL || find(pre, "ACCEPT") != NULL)
		set_type(ev, "firewall_allow", "success");
	else
		set_type(ev, "firewall_block", "failure");
	if (pre.n > 0)
		set_data(ev, "rule", pre);
	set_ip(ev, EV_SRC_IP, v);
	if (kv(m, "DST=", &v))
		set_ip(ev, EV_DEST_IP, v);
	if (kv(m, "SPT=", &v))
		set_port(ev, EV_SRC_PORT, v);
	if (kv(m, "DPT=", &v))
		set_port(ev, EV_DEST_PORT, v);
	if (kv(m, "PROTO=", &v) && v.n > 0 && v.n < sizeof(proto)) {
		for (i = 0; i < v.n; i++)
			proto[i] = (v.p[i] >= 'A' && v.p[i] <= 'Z') ?
			    v.p[i] - 'A' + 'a' : v.p[i];
		event_set(ev, EV_PROTOCOL, proto, v.n);
	}
	if (kv(m, "IN=", &v))
		set_data(ev, "in_interface", v);
	if (kv(m, "OUT=", &v))
		set_data(ev, "out_interface", v);
	return (1);
}

void
extract_program(struct siem_event *ev)
{
	const char	*msg, *app, *q;
	char		 prog[EXTRACT_PROG_MAX + 1];
	struct text	 m;
	size_t		 i;

	if ((msg = event_get(ev, EV_MESSAGE)) == NULL)
		return;
	m.p = msg;
	m.n = strlen(msg);

	/* rsyslog: "message repeated 5 times: [ Failed password ...]" */
	if (has_prefix(m, "message repeated ") &&
	    (q = find(m, " times: [")) != NULL) {
		m.n -= (size_t)(q + 9 - m.p);
		m.p = q + 9;
		m = trim(m);
		if (m.n > 0 && m.p[m.n - 1] == ']')
			m.n--;
		m = trim(m);
	}

	/* "sshd(pam_unix)" and "sshd" are both sshd */
	prog[0] = '\0';
	if ((app = event_get(ev, EV_APP)) != NULL) {
		for (i = 0; i < EXTRACT_PROG_MAX && app[i] != '\0' &&
		    app[i] != '(' && app[i] != '['; i++)
			prog[i] = app[i];
		prog[i] = '\0';
	}

	if (strcmp(prog, "sshd") == 0)
		sshd_line(ev, m);
	else if (strcmp(prog, "sudo") == 0)
		sudo_line(ev, m);
	else if (strcmp(prog, "su") == 0)
		su_line(ev, m);
	else if (strcmp(prog, "useradd") == 0 ||
	    strcmp(prog, "groupadd") == 0 || strcmp(prog, "usermod") == 0 ||
	    strcmp(prog, "userdel") == 0 || strcmp(prog, "groupdel") == 0)
		account_line(ev, m, prog);
	else if (strcasecmp(prog, "cron") == 0 || strcmp(prog, "crond") == 0)
		cron_line(ev, m);
	else if (!netfilter_line(ev, m))
		pam_line(ev, m, "auth_failure");
}
