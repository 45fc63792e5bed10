/*
 * Linux audit records, as auditd writes them to audit.log:
 *
 *   [node=host ]type=SYSCALL msg=audit(1700000000.123:4567): key=value ...
 *
 * Values are quoted strings, bare tokens, or -- for strings the kernel
 * considers untrusted (EXECVE arguments, proctitle, names, paths) --
 * hex when they hold special characters.  USER_* records nest their
 * fields in msg='...'; the "enriched" log format appends interpreted
 * fields after a 0x1d byte.  One JSON object per record is accepted
 * too: {"type":"SYSCALL","msg":"audit(1700000000.123:4567)", ...}, or
 * with "timestamp" (epoch seconds) and "serial" in place of "msg";
 * its string and number values are taken as already decoded.
 *
 * The records of one kernel event share a serial and arrive one per
 * line; audit_feed() collects them and emits one event when the event
 * ends: on EOE, when a record of another serial arrives (it then
 * starts the next event), or on audit_flush().  A SYSCALL+EXECVE+CWD+
 * PATH+PROCTITLE group becomes one process_start event; any other
 * group an event named after its first record type, lowercased.
 * Every field goes to data_json under the names Sigma rules use.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "normalize.h"

#define AUDIT_MAX_RECORDS	32		/* records kept per event */
#define AUDIT_MAX_GROUP		(256 * 1024)	/* bytes kept per event */
#define AUDIT_MAX_FIELDS	128		/* fields kept per record */
#define AUDIT_MAX_ARGS		128		/* EXECVE arguments kept */
#define AUDIT_MAX_TYPE		32
#define AUDIT_MAX_KEY		64
#define AUDIT_MAX_NUM		32
#define AUDIT_REASON_LEN	256
#define AUDIT_USEC		1000000LL
#define AUDIT_MSEC		1000LL
#define AUDIT_ENRICHED_SEP	0x1d	/* before the enriched fields */
#define AUDIT_KEY_SEP		0x01	/* between several rule keys */

#define ARCH_X86_64		"c000003e"
#define ARCH_I386		"40000003"
#define ARCH_AARCH64		"c00000b7"

/* key and val are offsets into the record's arena. */
struct audit_field {
	size_t		 key;
	size_t		 val;
	size_t		 vlen;
};

struct audit_rec {
	char			 type[AUDIT_MAX_TYPE];
	struct audit_field	 f[AUDIT_MAX_FIELDS];
	int			 nf;
	char			*arena;
	size_t			 alen, acap;
	size_t			 body, bodylen;	/* the text after "): " */
};

struct audit_state {
	struct audit_rec	 rec[AUDIT_MAX_RECORDS];
	int			 nrec;
	int			 active;	/* a group is being collected */
	int64_t			 ts;
	uint64_t		 serial;
	int64_t			 dropped;	/* records over the limits */
	size_t			 bytes;
	char			*raw;		/* the lines, '\n'-joined */
	size_t			 rawlen;
	char			*node;
	char			*source_file;
	char			*peer_host;
	char			*app;
	int64_t			 source_offset;
	int64_t			 received_at;
};

/* x86_64 syscall numbers of interest to rules and analysts. */
static const struct {
	int		 nr;
	const char	*name;
} audit_syscalls_x86_64[] = {
	{ 0, "read" }, { 1, "write" }, { 2, "open" }, { 3, "close" },
	{ 16, "ioctl" }, { 41, "socket" }, { 42, "connect" },
	{ 43, "accept" }, { 49, "bind" }, { 56, "clone" }, { 57, "fork" },
	{ 58, "vfork" }, { 59, "execve" }, { 62, "kill" },
	{ 76, "truncate" }, { 77, "ftruncate" }, { 82, "rename" },
	{ 83, "mkdir" }, { 84, "rmdir" }, { 85, "creat" }, { 86, "link" },
	{ 87, "unlink" }, { 88, "symlink" }, { 90, "chmod" },
	{ 91, "fchmod" }, { 92, "chown" }, { 93, "fchown" },
	{ 94, "lchown" }, { 99, "sysinfo" }, { 101, "ptrace" },
	{ 103, "syslog" }, { 105, "setuid" }, { 106, "setgid" },
	{ 113, "setreuid" }, { 114, "setregid" }, { 117, "setresuid" },
	{ 119, "setresgid" }, { 133, "mknod" }, { 135, "personality" },
	{ 155, "pivot_root" }, { 159, "adjtimex" }, { 161, "chroot" },
	{ 164, "settimeofday" }, { 165, "mount" }, { 166, "umount2" },
	{ 167, "swapon" }, { 169, "reboot" }, { 170, "sethostname" },
	{ 171, "setdomainname" }, { 175, "init_module" },
	{ 176, "delete_module" }, { 188, "setxattr" },
	{ 189, "lsetxattr" }, { 190, "fsetxattr" }, { 197, "removexattr" },
	{ 227, "clock_settime" }, { 235, "utimes" }, { 246, "kexec_load" },
	{ 257, "openat" }, { 259, "mknodat" }, { 260, "fchownat" },
	{ 263, "unlinkat" }, { 264, "renameat" }, { 268, "fchmodat" },
	{ 280, "utimensat" }, { 288, "accept4" },
	{ 311, "process_vm_writev" }, { 313, "finit_module" },
	{ 316, "renameat2" }, { 319, "memfd_create" }, { 321, "bpf" },
	{ 322, "execveat" },
};

/* Fields auditd hex-encodes when they hold special characters. */
static const char *audit_encoded[] = {
	"acct", "cmd", "comm", "cwd", "data", "exe", "key", "name",
	"path", "proctitle", "ocomm", "old-chardev", "new-chardev",
	"root_dir", "file", "watch", "vm", "old_vm", "new_vm", NULL
};

static char	 audit_reason[AUDIT_REASON_LEN];

static void	 rec_reset(struct audit_rec *);
static size_t	 rec_put(struct audit_rec *, const char *, size_t);
static void	 rec_add(struct audit_rec *, const char *, size_t,
		    const char *, size_t);
static const char *rec_get(const struct audit_rec *, const char *,
		    size_t *);
static const char *rec_key(const struct audit_rec *, int);
static const char *rec_val(const struct audit_rec *, int, size_t *);
static int	 hexval(int);
static int	 is_encoded(const char *, size_t, int);
static int	 parse_header(const char *, const char *, int64_t *,
		    uint64_t *, const char **);
static void	 parse_fields(struct audit_rec *, const char *, const char *,
		    int, int);
static int	 parse_text(struct audit_rec *, const char *, size_t,
		    int64_t *, uint64_t *, char **, const char **);
static int	 parse_json(struct audit_rec *, const char *, size_t,
		    int64_t *, uint64_t *, char **, const char **);
static const char *syscall_name(const char *, const char *);
static int	 arg_index(const char *, int *, int *);
static void	 data_put(struct siem_event *, const char *, const char *,
		    size_t);
static void	 build_event(struct audit_state *, struct siem_event *);
static void	 build_args(struct audit_state *, struct siem_event *);
static void	 group_reset(struct audit_state *);
static void	 group_start(struct audit_state *, int64_t, uint64_t,
		    const struct record_hint *, char *);
static void	 group_add(struct audit_state *, struct audit_rec *,
		    const char *, size_t);
static void	 group_raw(struct audit_state *, const char *, size_t);
static char	*dupn(const char *, size_t);
static json_t	*json_text(const char *, size_t);

static char *
dupn(const char *s, size_t len)
{
	char	*p;

	if ((p = malloc(len + 1)) == NULL)
		fatal("%s: malloc", __func__);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

/* A JSON string of any bytes: invalid UTF-8 is written as \\xNN. */
static json_t *
json_text(const char *s, size_t len)
{
	json_t	*j;
	char	*esc;
	size_t	 n;

	if ((j = json_stringn(s, len)) != NULL)
		return (j);
	esc = event_escape_raw(s, len, &n);
	if ((j = json_stringn(esc, n)) == NULL)
		fatal("%s: json_stringn", __func__);
	free(esc);
	return (j);
}

static void
rec_reset(struct audit_rec *r)
{
	r->type[0] = '\0';
	r->nf = 0;
	r->alen = 0;
	r->body = r->bodylen = 0;
}

/* Append bytes plus a NUL to the arena; returns their offset. */
static size_t
rec_put(struct audit_rec *r, const char *s, size_t len)
{
	size_t	 off, ncap;

	if (r->alen + len + 1 > r->acap) {
		ncap = r->acap == 0 ? 256 : r->acap;
		while (ncap < r->alen + len + 1)
			ncap *= 2;
		if ((r->arena = realloc(r->arena, ncap)) == NULL)
			fatal("%s: realloc", __func__);
		r->acap = ncap;
	}
	off = r->alen;
	memcpy(r->arena + off, s, len);
	r->arena[off + len] = '\0';
	r->alen += len + 1;
	return (off);
}

/* Keys become JSON object keys: only the characters audit uses. */
static void
rec_add(struct audit_rec *r, const char *k, size_t klen, const char *v,
    size_t vlen)
{
	size_t	 i;

	if (r->nf >= AUDIT_MAX_FIELDS || klen == 0 || klen >= AUDIT_MAX_KEY)
		return;
	for (i = 0; i < klen; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_' &&
		    k[i] != '-' && k[i] != '[' && k[i] != ']' && k[i] != '.')
			return;
	r->f[r->nf].key = rec_put(r, k, klen);
	r->f[r->nf].val = rec_put(r, v, vlen);
	r->f[r->nf].vlen = vlen;
	r->nf++;
}

static const char *
rec_key(const struct audit_rec *r, int i)
{
	return (r->arena + r->f[i].key);
}

static const char *
rec_val(const struct audit_rec *r, int i, size_t *len)
{
	if (len != NULL)
		*len = r->f[i].vlen;
	return (r->arena + r->f[i].val);
}

static const char *
rec_get(const struct audit_rec *r, const char *key, size_t *len)
{
	int	 i;

	for (i = 0; i < r->nf; i++)
		if (strcmp(rec_key(r, i), key) == 0)
			return (rec_val(r, i, len));
	return (NULL);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Whether an unquoted value of key is hex: the key is one auditd
 * encodes (or an EXECVE argument) and the value is an even number of
 * hex digits.
 */
static int
is_encoded(const char *key, size_t klen, int execve)
{
	int	 i;

	if (execve && klen >= 2 && key[0] == 'a' &&
	    isdigit((unsigned char)key[1])) {
		for (i = 1; (size_t)i < klen && isdigit((unsigned char)key[i]);
		    i++)
			;
		if ((size_t)i == klen || key[i] == '[')
			return (1);
	}
	for (i = 0; audit_encoded[i] != NULL; i++)
		if (strlen(audit_encoded[i]) == klen &&
		    strncmp(audit_encoded[i], key, klen) == 0)
			return (1);
	return (0);
}

/*
 * "audit(SEC.MSEC:SERIAL):" at p, with or without the "msg=" before
 * it; *rest is past the closing colon.
 */
static int
parse_header(const char *p, const char *end, int64_t *ts, uint64_t *serial,
    const char **rest)
{
	int64_t		 sec = 0, ms = 0;
	uint64_t	 ser = 0;
	int		 n;

	if (end - p >= 4 && strncmp(p, "msg=", 4) == 0)
		p += 4;
	if (end - p < 6 || strncmp(p, "audit(", 6) != 0)
		return (-1);
	p += 6;
	for (n = 0; p < end && isdigit((unsigned char)*p) && n < 12; n++)
		sec = sec * 10 + (*p++ - '0');
	if (n == 0 || p >= end || *p++ != '.')
		return (-1);
	for (n = 0; p < end && isdigit((unsigned char)*p) && n < 3; n++)
		ms = ms * 10 + (*p++ - '0');
	if (n != 3 || p >= end || *p++ != ':')
		return (-1);
	for (n = 0; p < end && isdigit((unsigned char)*p) && n < 19; n++)
		ser = ser * 10 + (uint64_t)(*p++ - '0');
	if (n == 0 || p >= end || *p++ != ')')
		return (-1);
	if (p < end && *p == ':')
		p++;
	*ts = sec * AUDIT_USEC + ms * AUDIT_MSEC;
	*serial = ser;
	*rest = p;
	return (0);
}

/*
 * key=value pairs up to end.  A single-quoted value holding pairs of
 * its own (msg='op=... res=success') is parsed as more fields of the
 * record; nested is 1 while doing so.
 */
static void
parse_fields(struct audit_rec *r, const char *p, const char *end,
    int execve, int nested)
{
	const char	*k, *v, *q;
	char		*dec;
	size_t		 klen, vlen, i;
	int		 hi, lo;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == AUDIT_ENRICHED_SEP ||
		    *p == '\n' || *p == '\r'))
			p++;
		if (p >= end)
			return;
		for (k = p; p < end && *p != '=' && *p != ' ' &&
		    *p != AUDIT_ENRICHED_SEP; p++)
			;
		if (p >= end || *p != '=') {
			continue;	/* a bare word: skip it */
		}
		klen = p - k;
		p++;
		if (p < end && (*p == '"' || *p == '\'')) {
			if ((q = memchr(p + 1, *p, end - p - 1)) == NULL)
				q = end;
			v = p + 1;
			vlen = q - v;
			p = q < end ? q + 1 : end;
			if (*(v - 1) == '\'' && !nested &&
			    memchr(v, '=', vlen) != NULL) {
				parse_fields(r, v, v + vlen, execve, 1);
				continue;
			}
			rec_add(r, k, klen, v, vlen);
			continue;
		}
		for (v = p; p < end && *p != ' ' && *p != AUDIT_ENRICHED_SEP;
		    p++)
			;
		vlen = p - v;
		if (vlen >= 2 && vlen % 2 == 0 && is_encoded(k, klen, execve)) {
			for (i = 0; i < vlen; i++)
				if (hexval((unsigned char)v[i]) == -1)
					break;
			if (i == vlen) {
				if ((dec = malloc(vlen / 2)) == NULL)
					fatal("%s: malloc", __func__);
				for (i = 0; i < vlen / 2; i++) {
					hi = hexval((unsigned char)v[2 * i]);
					lo = hexval((unsigned char)
					    v[2 * i + 1]);
					dec[i] = (char)(hi << 4 | lo);
				}
				rec_add(r, k, klen, dec, vlen / 2);
				free(dec);
				continue;
			}
		}
		rec_add(r, k, klen, v, vlen);
	}
}

/* One text record into r; *node gets a "node=" prefix, if any. */
static int
parse_text(struct audit_rec *r, const char *buf, size_t len, int64_t *ts,
    uint64_t *serial, char **node, const char **reason)
{
	const char	*p = buf, *end = buf + len, *t, *rest;
	size_t		 i;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p > 5 && strncmp(p, "node=", 5) == 0) {
		p += 5;
		for (t = p; p < end && *p != ' '; p++)
			;
		*node = dupn(t, p - t);
		while (p < end && *p == ' ')
			p++;
	}
	if (end - p < 5 || strncmp(p, "type=", 5) != 0) {
		*reason = "not an audit record: no type=";
		return (-1);
	}
	p += 5;
	for (t = p; p < end && *p != ' '; p++)
		;
	if (p == t || (size_t)(p - t) >= sizeof(r->type)) {
		*reason = "audit record type missing or too long";
		return (-1);
	}
	for (i = 0; i < (size_t)(p - t); i++) {
		if (!isalnum((unsigned char)t[i]) && t[i] != '_') {
			*reason = "audit record type has invalid characters";
			return (-1);
		}
		r->type[i] = t[i];
	}
	r->type[i] = '\0';
	while (p < end && *p == ' ')
		p++;
	if (parse_header(p, end, ts, serial, &rest) == -1) {
		*reason = "audit record without msg=audit(time:serial)";
		return (-1);
	}
	while (rest < end && *rest == ' ')
		rest++;
	r->body = rec_put(r, rest, end - rest);
	r->bodylen = end - rest;
	parse_fields(r, rest, end, strcmp(r->type, "EXECVE") == 0, 0);
	return (0);
}

/* One JSON record into r. */
static int
parse_json(struct audit_rec *r, const char *buf, size_t len, int64_t *ts,
    uint64_t *serial, char **node, const char **reason)
{
	json_t		*root, *v;
	json_error_t	 err;
	const char	*key, *s, *rest;
	char		 num[AUDIT_MAX_NUM];
	size_t		 slen;
	double		 d;
	int		 have_ts = 0, have_serial = 0;

	if ((root = json_loadb(buf, len, 0, &err)) == NULL) {
		snprintf(audit_reason, sizeof(audit_reason),
		    "invalid JSON audit record: %s at column %d", err.text,
		    err.column);
		*reason = audit_reason;
		return (-1);
	}
	if (!json_is_object(root) ||
	    !json_is_string(v = json_object_get(root, "type")) ||
	    json_string_length(v) == 0 ||
	    json_string_length(v) >= sizeof(r->type) ||
	    strspn(json_string_value(v), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_") != json_string_length(v)) {
		json_decref(root);
		*reason = "JSON audit record without a valid \"type\"";
		return (-1);
	}
	strlcpy(r->type, json_string_value(v), sizeof(r->type));
	json_object_foreach(root, key, v) {
		if (strcmp(key, "type") == 0)
			continue;
		if (json_is_string(v)) {
			s = json_string_value(v);
			slen = json_string_length(v);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
			s = num;
			slen = strlen(num);
		} else if (json_is_real(v)) {
			snprintf(num, sizeof(num), "%.3f", json_real_value(v));
			s = num;
			slen = strlen(num);
		} else
			continue;
		if (strcmp(key, "msg") == 0 && parse_header(s, s + slen, ts,
		    serial, &rest) == 0) {
			have_ts = have_serial = 1;
			if (rest < s + slen)
				parse_fields(r, rest, s + slen, 0, 0);
			continue;
		}
		if (strcmp(key, "msg") == 0 && memchr(s, '=', slen) != NULL) {
			parse_fields(r, s, s + slen, 0, 1);
			continue;
		}
		if (strcmp(key, "timestamp") == 0 && !have_ts) {
			errno = 0;
			d = strtod(s, NULL);
			if (errno == 0 && d > 0 && d < 1e11) {
				*ts = (int64_t)(d * AUDIT_MSEC) * AUDIT_MSEC;
				have_ts = 1;
			}
			continue;
		}
		if (strcmp(key, "serial") == 0 && !have_serial) {
			errno = 0;
			*serial = strtoull(s, NULL, 10);
			have_serial = errno == 0;
			continue;
		}
		if (strcmp(key, "node") == 0 && *node == NULL) {
			*node = dupn(s, slen);
			continue;
		}
		rec_add(r, key, strlen(key), s, slen);
	}
	json_decref(root);
	if (!have_ts || !have_serial) {
		*reason = "JSON audit record without time and serial";
		return (-1);
	}
	return (0);
}

static const char *
syscall_name(const char *arch, const char *nr)
{
	char	*end;
	long	 n;
	size_t	 i;

	errno = 0;
	n = strtol(nr, &end, 10);
	if (errno != 0 || *end != '\0' || end == nr)
		return (NULL);
	if (arch == NULL || strcasecmp(arch, ARCH_X86_64) == 0) {
		for (i = 0; i < sizeof(audit_syscalls_x86_64) /
		    sizeof(audit_syscalls_x86_64[0]); i++)
			if (audit_syscalls_x86_64[i].nr == n)
				return (audit_syscalls_x86_64[i].name);
	} else if (strcasecmp(arch, ARCH_I386) == 0 && n == 11)
		return ("execve");
	else if (strcasecmp(arch, ARCH_AARCH64) == 0 && n == 221)
		return ("execve");
	return (NULL);
}

/* "aN" -> N, part -1; "aN[M]" -> N, M.  -1 if key is neither. */
static int
arg_index(const char *key, int *idx, int *part)
{
	char	*end;
	long	 n, m = -1;

	if (key[0] != 'a' || !isdigit((unsigned char)key[1]))
		return (-1);
	errno = 0;
	n = strtol(key + 1, &end, 10);
	if (errno != 0 || n >= AUDIT_MAX_ARGS)
		return (-1);
	if (*end == '[') {
		m = strtol(end + 1, &end, 10);
		if (errno != 0 || *end != ']' || end[1] != '\0' || m < 0)
			return (-1);
	} else if (*end != '\0')
		return (-1);
	*idx = (int)n;
	*part = (int)m;
	return (0);
}

/* data_json[key] = value, unless an earlier record set it. */
static void
data_put(struct siem_event *ev, const char *key, const char *v, size_t vlen)
{
	if (ev->data != NULL && json_object_get(ev->data, key) != NULL)
		return;
	event_data_setstr(ev, key, v, vlen);
}

/*
 * EXECVE arguments, which may be split over several records and, when
 * long, into aN[0], aN[1], ... pieces: "a0".."aN" in data_json and the
 * arguments joined with spaces as the command line.
 */
static void
build_args(struct audit_state *st, struct siem_event *ev)
{
	struct audit_rec	*r;
	char			*arg[AUDIT_MAX_ARGS];
	size_t			 alen[AUDIT_MAX_ARGS], vlen, total = 0, o;
	char			 key[AUDIT_MAX_KEY], *cmd;
	const char		*v;
	int			 i, j, idx, part, nargs = 0;

	memset(arg, 0, sizeof(arg));
	memset(alen, 0, sizeof(alen));
	for (i = 0; i < st->nrec; i++) {
		r = &st->rec[i];
		if (strcmp(r->type, "EXECVE") != 0)
			continue;
		for (j = 0; j < r->nf; j++) {
			if (arg_index(rec_key(r, j), &idx, &part) == -1)
				continue;
			v = rec_val(r, j, &vlen);
			if (part == -1 || arg[idx] == NULL) {
				free(arg[idx]);
				arg[idx] = dupn(v, vlen);
				alen[idx] = vlen;
			} else if (alen[idx] + vlen <= AUDIT_MAX_GROUP) {
				if ((arg[idx] = realloc(arg[idx],
				    alen[idx] + vlen + 1)) == NULL)
					fatal("%s: realloc", __func__);
				memcpy(arg[idx] + alen[idx], v, vlen);
				alen[idx] += vlen;
				arg[idx][alen[idx]] = '\0';
			}
			if (idx + 1 > nargs)
				nargs = idx + 1;
		}
	}
	for (i = 0; i < nargs; i++) {
		if (arg[i] == NULL)
			continue;
		snprintf(key, sizeof(key), "a%d", i);
		event_data_setstr(ev, key, arg[i], alen[i]);
		total += alen[i] + 1;
	}
	if (total > 0) {
		if ((cmd = malloc(total)) == NULL)
			fatal("%s: malloc", __func__);
		for (i = 0, o = 0; i < nargs; i++) {
			if (arg[i] == NULL)
				continue;
			if (o > 0)
				cmd[o++] = ' ';
			memcpy(cmd + o, arg[i], alen[i]);
			o += alen[i];
		}
		event_set(ev, EV_PROCESS_CMDLINE, cmd, o);
		free(cmd);
	}
	for (i = 0; i < nargs; i++)
		free(arg[i]);
}

/* The collected group as one event in out. */
static void
build_event(struct audit_state *st, struct siem_event *ev)
{
	struct audit_rec	*r, *sys = NULL, *execve = NULL, *cwd = NULL;
	struct audit_rec	*path = NULL, *ptitle = NULL, *first = NULL;
	json_t			*types, *paths, *po;
	const char		*v, *k, *sname = NULL, *res, *user;
	char			 lower[AUDIT_MAX_TYPE], *esc, *pt;
	size_t			 vlen, n, i;
	int			 j, f, idx, part, exec = 0;

	for (j = 0; j < st->nrec; j++) {
		r = &st->rec[j];
		if (strcmp(r->type, "EOE") == 0)
			continue;
		if (first == NULL)
			first = r;
		if (strcmp(r->type, "SYSCALL") == 0 && sys == NULL)
			sys = r;
		else if (strcmp(r->type, "EXECVE") == 0 && execve == NULL)
			execve = r;
		else if (strcmp(r->type, "CWD") == 0 && cwd == NULL)
			cwd = r;
		else if (strcmp(r->type, "PROCTITLE") == 0 && ptitle == NULL)
			ptitle = r;
		else if (strcmp(r->type, "PATH") == 0 && (path == NULL ||
		    ((v = rec_get(path, "nametype", NULL)) != NULL &&
		    strcmp(v, "PARENT") == 0)))
			path = r;	/* the first that is not a PARENT */
	}
	if (first == NULL)
		first = &st->rec[0];

	ev->ts = st->ts;
	if (st->received_at > 0)
		ev->received_at = st->received_at;
	event_set(ev, EV_SOURCE_TYPE, "audit", strlen("audit"));
	if (st->app != NULL)
		event_set(ev, EV_APP, st->app, strlen(st->app));
	else
		event_set(ev, EV_APP, "auditd", strlen("auditd"));
	if (st->node != NULL)
		event_set(ev, EV_HOST, st->node, strlen(st->node));
	else if (st->peer_host != NULL)
		event_set(ev, EV_HOST, st->peer_host, strlen(st->peer_host));
	if (st->source_file != NULL)
		event_set(ev, EV_SOURCE_FILE, st->source_file,
		    strlen(st->source_file));
	ev->ints[EV_SOURCE_OFFSET] = st->source_offset;
	event_data_set(ev, "serial", json_integer((json_int_t)st->serial));

	/* The syscall by name, as the enriched format and Sigma have it. */
	if (sys != NULL) {
		if ((sname = rec_get(sys, "SYSCALL", NULL)) == NULL &&
		    (v = rec_get(sys, "syscall", NULL)) != NULL)
			sname = syscall_name(rec_get(sys, "arch", NULL), v);
		if (sname != NULL)
			event_data_setstr(ev, "SYSCALL", sname, strlen(sname));
		if (sname != NULL && (strcmp(sname, "execve") == 0 ||
		    strcmp(sname, "execveat") == 0))
			exec = 1;
	}
	if (execve != NULL)
		exec = 1;

	if (exec)
		event_set(ev, EV_EVENT_TYPE, "process_start",
		    strlen("process_start"));
	else {
		for (i = 0; first->type[i] != '\0'; i++)
			lower[i] = (char)tolower((unsigned char)first->type[i]);
		lower[i] = '\0';
		event_set(ev, EV_EVENT_TYPE, lower, i);
	}
	v = execve != NULL ? "EXECVE" : first->type;
	event_data_setstr(ev, "type", v, strlen(v));
	if ((types = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	for (j = 0; j < st->nrec; j++)
		json_array_append_new(types, json_string(st->rec[j].type));
	event_data_set(ev, "types", types);

	/* Arguments first: EXECVE's a0.. win over SYSCALL's registers. */
	if (execve != NULL)
		build_args(st, ev);
	if ((paths = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	for (j = 0; j < st->nrec; j++) {
		r = &st->rec[j];
		if (strcmp(r->type, "PATH") == 0) {
			if ((po = json_object()) == NULL)
				fatal("%s: json_object", __func__);
			for (f = 0; f < r->nf; f++) {
				v = rec_val(r, f, &vlen);
				json_object_set_new(po, rec_key(r, f),
				    json_text(v, vlen));
			}
			json_array_append_new(paths, po);
			if (r != path)
				continue;
		}
		if (strcmp(r->type, "PROCTITLE") == 0)
			continue;
		for (f = 0; f < r->nf; f++) {
			k = rec_key(r, f);
			v = rec_val(r, f, &vlen);
			/*
			 * EXECVE's arguments are in already; SYSCALL's
			 * registers go apart, as syscall_aN.
			 */
			if (((r == sys && execve != NULL) ||
			    strcmp(r->type, "EXECVE") == 0) &&
			    arg_index(k, &idx, &part) == 0)
				continue;
			if (strcmp(k, "key") == 0 &&
			    (pt = memchr(v, AUDIT_KEY_SEP, vlen)) != NULL)
				vlen = pt - v;
			data_put(ev, k, v, vlen);
		}
	}
	if (json_array_size(paths) > 0)
		event_data_set(ev, "paths", paths);
	else
		json_decref(paths);
	if (sys != NULL && execve != NULL) {
		for (j = 0; j < 4; j++) {
			snprintf(lower, sizeof(lower), "a%d", j);
			if ((v = rec_get(sys, lower, &vlen)) != NULL) {
				snprintf(lower, sizeof(lower), "syscall_a%d",
				    j);
				event_data_setstr(ev, lower, v, vlen);
			}
		}
	}

	/* Process columns. */
	if (ptitle != NULL && (v = rec_get(ptitle, "proctitle", &vlen)) !=
	    NULL) {
		pt = dupn(v, vlen);
		for (i = 0; i < vlen; i++)
			if (pt[i] == '\0')
				pt[i] = ' ';
		while (vlen > 0 && pt[vlen - 1] == ' ')
			vlen--;
		event_data_setstr(ev, "proctitle", pt, vlen);
		if (event_get(ev, EV_PROCESS_CMDLINE) == NULL)
			event_set(ev, EV_PROCESS_CMDLINE, pt, vlen);
		free(pt);
	}
	if (sys != NULL && (v = rec_get(sys, "exe", &vlen)) != NULL)
		event_set(ev, EV_PROCESS_EXE, v, vlen);
	else if ((v = rec_get(first, "exe", &vlen)) != NULL &&
	    strcmp(v, "?") != 0)
		event_set(ev, EV_PROCESS_EXE, v, vlen);
	if (cwd != NULL && (v = rec_get(cwd, "cwd", &vlen)) != NULL)
		event_set(ev, EV_PROCESS_CWD, v, vlen);
	r = sys != NULL ? sys : first;
	if ((v = rec_get(r, "pid", NULL)) != NULL && isdigit((unsigned char)
	    *v))
		ev->ints[EV_PID] = strtoll(v, NULL, 10);

	/* Who: the account named by a user record, else the uid. */
	if ((user = rec_get(first, "acct", &vlen)) != NULL &&
	    strcmp(user, "?") != 0 && strcmp(user, "(unknown)") != 0)
		event_set(ev, EV_USER_ID, user, vlen);
	else if ((user = rec_get(r, "uid", &vlen)) != NULL)
		event_set(ev, EV_USER_ID, user, vlen);
	if ((v = rec_get(first, "addr", &vlen)) != NULL) {
		struct in6_addr	 a6;
		struct in_addr	 a4;

		if (inet_pton(AF_INET, v, &a4) == 1 ||
		    inet_pton(AF_INET6, v, &a6) == 1)
			event_set(ev, EV_SRC_IP, v, vlen);
	}

	/* Outcome: res= of user records, success= of syscalls. */
	res = rec_get(first, "res", NULL);
	if (res == NULL && sys != NULL)
		res = rec_get(sys, "success", NULL);
	if (res != NULL) {
		if (strcmp(res, "success") == 0 || strcmp(res, "yes") == 0 ||
		    strcmp(res, "1") == 0)
			event_set(ev, EV_OUTCOME, "success", strlen("success"));
		else if (strcmp(res, "failed") == 0 ||
		    strcmp(res, "no") == 0 || strcmp(res, "0") == 0)
			event_set(ev, EV_OUTCOME, "failure", strlen("failure"));
		else
			event_set(ev, EV_OUTCOME, "unknown", strlen("unknown"));
	}

	/* Message: the command line of a process, else the first record. */
	if ((v = event_get(ev, EV_PROCESS_CMDLINE)) != NULL && exec)
		event_set(ev, EV_MESSAGE, v, strlen(v));
	else
		event_setf(ev, EV_MESSAGE, "%s %.*s", first->type,
		    (int)first->bodylen, first->arena + first->body);

	if (st->dropped > 0)
		event_data_set(ev, "dropped_records",
		    json_integer((json_int_t)st->dropped));
	if (st->rawlen > 0) {
		esc = event_escape_raw(st->raw, st->rawlen, &n);
		event_set(ev, EV_RAW, esc, n);
		free(esc);
	}
	classify_severity(ev);
}

static void
group_reset(struct audit_state *st)
{
	int	 i;

	for (i = 0; i < st->nrec; i++)
		rec_reset(&st->rec[i]);
	st->nrec = 0;
	st->active = 0;
	st->dropped = 0;
	st->bytes = 0;
	st->rawlen = 0;
	free(st->node);
	free(st->source_file);
	free(st->peer_host);
	free(st->app);
	st->node = st->source_file = st->peer_host = st->app = NULL;
	st->source_offset = -1;
	st->received_at = 0;
}

/* Start a group with the origin of its first record; takes node. */
static void
group_start(struct audit_state *st, int64_t ts, uint64_t serial,
    const struct record_hint *hint, char *node)
{
	st->active = 1;
	st->ts = ts;
	st->serial = serial;
	st->node = node;
	if (hint == NULL)
		return;
	if (hint->source_file != NULL)
		st->source_file = dupn(hint->source_file,
		    strlen(hint->source_file));
	if (hint->peer_host != NULL)
		st->peer_host = dupn(hint->peer_host, strlen(hint->peer_host));
	if (hint->app != NULL)
		st->app = dupn(hint->app, strlen(hint->app));
	st->source_offset = hint->source_offset;
	st->received_at = hint->received_at;
}

/* Swap the parsed record into the group, within the limits. */
static void
group_add(struct audit_state *st, struct audit_rec *r, const char *line,
    size_t len)
{
	struct audit_rec	 tmp;

	if (st->nrec >= AUDIT_MAX_RECORDS ||
	    (st->nrec > 0 && st->bytes + len > AUDIT_MAX_GROUP)) {
		st->dropped++;
		return;
	}
	tmp = st->rec[st->nrec];
	st->rec[st->nrec] = *r;
	*r = tmp;
	st->nrec++;
	st->bytes += len;
	group_raw(st, line, len);
}

/* Append a line to the group's raw text, as far as it fits. */
static void
group_raw(struct audit_state *st, const char *line, size_t len)
{
	size_t	 keep, sep;

	sep = st->rawlen > 0;
	if (st->rawlen + sep >= AUDIT_MAX_GROUP)
		return;
	keep = len;
	if (keep > AUDIT_MAX_GROUP - st->rawlen - sep)
		keep = AUDIT_MAX_GROUP - st->rawlen - sep;
	if (sep)
		st->raw[st->rawlen++] = '\n';
	memcpy(st->raw + st->rawlen, line, keep);
	st->rawlen += keep;
}

struct audit_state *
audit_state_new(void)
{
	struct audit_state	*st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		fatal("%s: calloc", __func__);
	if ((st->raw = malloc(AUDIT_MAX_GROUP)) == NULL)
		fatal("%s: malloc", __func__);
	st->source_offset = -1;
	return (st);
}

void
audit_state_free(struct audit_state *st)
{
	int	 i;

	if (st == NULL)
		return;
	group_reset(st);
	for (i = 0; i < AUDIT_MAX_RECORDS; i++)
		free(st->rec[i].arena);
	free(st->raw);
	free(st);
}

/*
 * One line.  Returns 1 when out holds an event: the group this line
 * finished or displaced, or a parse_error for a line that is not an
 * audit record (the group being collected is left alone then).
 */
int
audit_feed(struct audit_state *st, const char *buf, size_t len,
    const struct record_hint *hint, struct siem_event *out, const char **reason)
{
	struct audit_rec	 r;
	const char		*why = NULL, *p;
	char			*node = NULL;
	int64_t			 ts = 0;
	uint64_t		 serial = 0;
	int			 rv, eoe, done = 0;

	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	memset(&r, 0, sizeof(r));
	for (p = buf; p < buf + len && (*p == ' ' || *p == '\t'); p++)
		;
	if (p < buf + len && *p == '{')
		rv = parse_json(&r, p, buf + len - p, &ts, &serial, &node,
		    &why);
	else
		rv = parse_text(&r, buf, len, &ts, &serial, &node, &why);
	if (rv == -1) {
		free(node);
		free(r.arena);
		if (reason != NULL)
			*reason = why;
		normalize_parse_error(out, buf, len, hint, why);
		return (1);
	}
	eoe = strcmp(r.type, "EOE") == 0;
	if (st->active && (st->serial != serial || st->ts != ts)) {
		build_event(st, out);
		group_reset(st);
		done = 1;
	}
	if (eoe) {
		if (st->active && !done) {
			group_raw(st, buf, len);
			build_event(st, out);
			group_reset(st);
			done = 1;
		}
		free(node);
		free(r.arena);
		return (done);
	}
	if (!st->active)
		group_start(st, ts, serial, hint, node);
	else
		free(node);
	group_add(st, &r, buf, len);
	free(r.arena);
	return (done);
}

int
audit_flush(struct audit_state *st, struct siem_event *out)
{
	if (!st->active)
		return (0);
	build_event(st, out);
	group_reset(st);
	return (1);
}
