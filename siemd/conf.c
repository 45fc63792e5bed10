/*
 * Configuration helpers shared by the parent and the tools: units,
 * names, the secrets file, the need-to-know JSON handed to each child
 * and the dump printed by siemd -nv.
 *
 * conf_json(conf, role) layout.  Children read these keys; keep them
 * stable and add rather than rename.  Secret values never appear,
 * only their labels.
 *
 *   every role	"role": "ingest" | "parser" | "store" | "query" |
 *		"correlate" | "web" | "notify"
 *   ingest	"chroot": "/var/empty",
 *		"listeners": [ { "id": 0, "proto": "udp" | "tcp" | "tls",
 *		  "addr": "127.0.0.1", "port": 5140,
 *		  "receive_buffer": bytes, "max_message": bytes,
 *		  "max_connections": n, "idle_timeout": seconds,
 *		  "handshake_timeout": seconds, "client_ca": bool } ],
 *		"tails": [ TAIL ]
 *   parser	"chroot", "tails": [ TAIL ], "parsers": n
 *   store	"database": path, "retention_age": seconds (0 = off),
 *		"retention_size": bytes (0 = off), "tails": [ TAIL ]
 *   query	"database": path
 *   correlate	"chroot", "rules": directory, "lateness": seconds
 *		(-1 = default), "max_groups", "max_groups_rule" (0 = default),
 *		"suppress": seconds (-1 = the rule's timespan),
 *		"allowlist": [ address or CIDR ]
 *   web	"api": { "listeners": [ { "id": n, "proto": "http" | "https",
 *		  "addr": ..., "port": ..., "max_connections": n,
 *		  "idle_timeout": seconds, "handshake_timeout": seconds } ],
 *		  "prefix": "" | "/siem", "cors": [ origin ],
 *		  "trusted_proxies": [ address or CIDR ],
 *		  "metrics_from": [ address or CIDR ],
 *		  "query_timeout_ms": budget of one query,
 *		  "allowlist": [ address or CIDR ] (shown by the API),
 *		  "token_lifetime": seconds, "body_limit": bytes,
 *		  "rate_limit": requests per minute per token,
 *		  "htdocs": directory },
 *		"users": [ { "name": ..., "role": "admin" | "analyst" |
 *		  "viewer", "password": label } ],
 *		"ingest_keys": [ { "name": ..., "secret": label } ]
 *   notify	"chroot"
 *
 *   TAIL	{ "id": n, "dir": directory, "match": glob,
 *		  "format": "auto" | "jsonl" | "syslog" | "auditd" | "access",
 *		  "app": name or null, "start": "beginning" | "end" }
 *
 * Listener ids are unique across syslog and api listeners (syslog
 * first); they name the fds and key files sent with IMSG_CFG_LISTENER
 * and IMSG_CFG_TLSKEY.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "siemd.h"

#define CONF_MAX_SECRETS_FILE	(1024 * 1024)

static int64_t	 conf_number(const char *, const char **);
static int	 secrets_parse(struct siemd_conf *, char *, size_t,
		    const char *);
static int	 secret_label_ok(const char *, size_t);
static void	 secrets_clear(struct siemd_conf *);
static json_t	*json_tail(struct siemd_tail *);
static json_t	*json_tails(struct siemd_conf *);
static json_t	*json_listener(struct siemd_listener *, int);
static json_t	*json_strlist(struct siemd_strlists *);
static json_t	*json_api(struct siemd_conf *);
static void	 jset(json_t *, const char *, json_t *);
static void	 jpush(json_t *, json_t *);
static json_t	*jstr(const char *);
static void	 dump_string(const char *);
static void	 dump_duration(int64_t);
static void	 dump_size(int64_t);
static void	 dump_listener(struct siemd_listener *, const char *);

static const char *proc_names[PROC_MAX] = {
	"ingest", "parser", "store", "query", "correlate", "web", "notify"
};

/* Leading decimal digits of s; *end points past them.  -1: none, too big. */
static int64_t
conf_number(const char *s, const char **end)
{
	int64_t	 v = 0;
	int	 d;

	if (s == NULL || !isdigit((unsigned char)*s))
		return (-1);
	for (; isdigit((unsigned char)*s); s++) {
		d = *s - '0';
		if (v > (INT64_MAX - d) / 10)
			return (-1);
		v = v * 10 + d;
	}
	*end = s;
	return (v);
}

/* "30" "30s" "5m" "2h" "7d" -> seconds; -1 on any error. */
int64_t
conf_duration(const char *s)
{
	const char	*end;
	int64_t		 v, mult;

	if ((v = conf_number(s, &end)) == -1)
		return (-1);
	switch (*end) {
	case '\0':
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	default:
		return (-1);
	}
	if (*end != '\0' && end[1] != '\0')
		return (-1);
	if (v > INT64_MAX / mult)
		return (-1);
	return (v * mult);
}

/* "512" "64K" "8M" "20G" "1T" (binary multiples) -> bytes; -1 on error. */
int64_t
conf_size(const char *s)
{
	const char	*end;
	int64_t		 v, mult;

	if ((v = conf_number(s, &end)) == -1)
		return (-1);
	switch (*end) {
	case '\0':
		mult = 1;
		break;
	case 'K':
	case 'k':
		mult = 1LL << 10;
		break;
	case 'M':
	case 'm':
		mult = 1LL << 20;
		break;
	case 'G':
	case 'g':
		mult = 1LL << 30;
		break;
	case 'T':
	case 't':
		mult = 1LL << 40;
		break;
	default:
		return (-1);
	}
	if (*end != '\0' && end[1] != '\0')
		return (-1);
	if (v > INT64_MAX / mult)
		return (-1);
	return (v * mult);
}

const char *
conf_proto_name(enum listen_proto p)
{
	switch (p) {
	case LISTEN_UDP:
		return ("udp");
	case LISTEN_TCP:
		return ("tcp");
	case LISTEN_TLS:
		return ("tls");
	case LISTEN_HTTP:
		return ("http");
	case LISTEN_HTTPS:
		return ("https");
	}
	return ("unknown");
}

const char *
conf_format_name(enum tail_format f)
{
	switch (f) {
	case FORMAT_AUTO:
		return ("auto");
	case FORMAT_JSONL:
		return ("jsonl");
	case FORMAT_SYSLOG:
		return ("syslog");
	case FORMAT_AUDITD:
		return ("auditd");
	case FORMAT_ACCESS:
		return ("access");
	}
	return ("unknown");
}

const char *
conf_role_name(enum user_role r)
{
	switch (r) {
	case ROLE_VIEWER:
		return ("viewer");
	case ROLE_ANALYST:
		return ("analyst");
	case ROLE_ADMIN:
		return ("admin");
	}
	return ("unknown");
}

/* the secrets file ------------------------------------------------- */

static void
secrets_clear(struct siemd_conf *conf)
{
	struct siemd_secret	*s;

	while ((s = TAILQ_FIRST(&conf->secrets)) != NULL) {
		TAILQ_REMOVE(&conf->secrets, s, entry);
		if (s->value != NULL) {
			explicit_bzero(s->value, s->len);
			free(s->value);
		}
		free(s->label);
		free(s);
	}
}

static int
secret_label_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len >= SIEMD_MAX_NAME)
		return (0);
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("-_.@:+", s[i]) == NULL)
			return (0);
	return (1);
}

/*
 * Lines are `label "value"` or `label value`; # starts a comment
 * outside a value.  Errors name the line but never echo a value.
 */
static int
secrets_parse(struct siemd_conf *conf, char *buf, size_t size,
    const char *where)
{
	struct siemd_secret	*s;
	const char		*path = conf->secrets_file;
	char			*line, *next, *p, *label, *val, *q;
	size_t			 llen, vlen;
	int			 lineno = 0, bad = 0, quoted;

	if (memchr(buf, '\0', size) != NULL) {
		log_warnx("%s: secrets file %s contains a NUL byte", where,
		    path);
		return (-1);
	}
	buf[size] = '\0';
	for (line = buf; line < buf + size; line = next) {
		lineno++;
		if ((next = memchr(line, '\n', buf + size - line)) != NULL)
			*next++ = '\0';
		else
			next = buf + size;
		if ((p = strchr(line, '\r')) != NULL && p[1] == '\0')
			*p = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;

		label = p;
		llen = strcspn(p, " \t");
		p += llen;
		if (!secret_label_ok(label, llen)) {
			log_warnx("%s: %s:%d: invalid label", where, path,
			    lineno);
			bad = 1;
			continue;
		}
		if (*p != '\0')
			*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '\0' || *p == '#') {
			log_warnx("%s: %s:%d: label \"%s\" has no value",
			    where, path, lineno, label);
			bad = 1;
			continue;
		}

		/* decode in place: the value only ever gets shorter */
		quoted = (*p == '"');
		val = q = p;
		if (quoted) {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*q++ = *p;
			}
			if (*p != '"') {
				log_warnx("%s: %s:%d: unterminated quoted "
				    "value for \"%s\"", where, path, lineno,
				    label);
				bad = 1;
				continue;
			}
			p++;
		} else {
			while (*p != '\0' && *p != ' ' && *p != '\t')
				*q++ = *p++;
		}
		vlen = q - val;
		p += strspn(p, " \t");
		if (*p != '\0' && *p != '#') {
			log_warnx("%s: %s:%d: unexpected text after the value "
			    "of \"%s\"", where, path, lineno, label);
			bad = 1;
			continue;
		}
		if (vlen == 0) {
			log_warnx("%s: %s:%d: empty value for \"%s\"", where,
			    path, lineno, label);
			bad = 1;
			continue;
		}
		if (vlen > SIEMD_MAX_SECRET) {
			log_warnx("%s: %s:%d: value of \"%s\" is longer than "
			    "%d bytes", where, path, lineno, label,
			    SIEMD_MAX_SECRET);
			bad = 1;
			continue;
		}
		if (conf_secret(conf, label) != NULL) {
			log_warnx("%s: %s:%d: duplicate label \"%s\"", where,
			    path, lineno, label);
			bad = 1;
			continue;
		}
		if ((s = calloc(1, sizeof(*s))) == NULL ||
		    (s->label = strdup(label)) == NULL ||
		    (s->value = malloc(vlen + 1)) == NULL)
			fatal("%s: alloc", __func__);
		memcpy(s->value, val, vlen);
		s->value[vlen] = '\0';
		s->len = vlen;
		TAILQ_INSERT_TAIL(&conf->secrets, s, entry);
	}
	return (bad ? -1 : 0);
}

/*
 * Read conf->secrets_file.  It must be a regular file owned by root
 * with no group or other permission bits; the checks are made on the
 * opened descriptor.  Errors are prefixed with conf->secrets_where.
 */
int
conf_load_secrets(struct siemd_conf *conf)
{
	struct stat	 st;
	const char	*path = conf->secrets_file, *where;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, bad = 0, ret;

	where = conf->secrets_where ? conf->secrets_where : path;
	secrets_clear(conf);
	if (path == NULL)
		return (-1);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		log_warnx("%s: secrets file %s: %s", where, path,
		    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		log_warnx("%s: secrets file %s: %s", where, path,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: secrets file %s is not a regular file", where,
		    path);
		close(fd);
		return (-1);
	}
	if (st.st_uid != 0) {
		log_warnx("%s: secrets file %s must be owned by root", where,
		    path);
		bad = 1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx("%s: secrets file %s must not be readable by group "
		    "or others (mode %04o)", where, path,
		    (unsigned int)(st.st_mode & 07777));
		bad = 1;
	}
	if (st.st_size > CONF_MAX_SECRETS_FILE) {
		log_warnx("%s: secrets file %s is larger than %d bytes", where,
		    path, CONF_MAX_SECRETS_FILE);
		bad = 1;
	}
	if (bad) {
		close(fd);
		return (-1);
	}

	/* read(2) into one buffer that is wiped: no stdio copies */
	if ((buf = malloc(CONF_MAX_SECRETS_FILE + 1)) == NULL)
		fatal("%s: malloc", __func__);
	while (len <= CONF_MAX_SECRETS_FILE) {
		n = read(fd, buf + len, CONF_MAX_SECRETS_FILE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warnx("%s: secrets file %s: %s", where, path,
			    strerror(errno));
			bad = 1;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	if (!bad && len > CONF_MAX_SECRETS_FILE) {
		log_warnx("%s: secrets file %s is larger than %d bytes", where,
		    path, CONF_MAX_SECRETS_FILE);
		bad = 1;
	}
	ret = bad ? -1 : secrets_parse(conf, buf, len, where);
	explicit_bzero(buf, CONF_MAX_SECRETS_FILE + 1);
	free(buf);
	if (ret == -1)
		secrets_clear(conf);
	return (ret);
}

struct siemd_secret *
conf_secret(struct siemd_conf *conf, const char *label)
{
	struct siemd_secret	*s;

	TAILQ_FOREACH(s, &conf->secrets, entry)
		if (strcmp(s->label, label) == 0)
			return (s);
	return (NULL);
}

/* need-to-know JSON ------------------------------------------------ */

static void
jset(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) == -1)
		fatalx("%s: %s", __func__, key);
}

static void
jpush(json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) == -1)
		fatalx("%s: append", __func__);
}

/* The parser only lets valid UTF-8 through, so this cannot fail. */
static json_t *
jstr(const char *s)
{
	json_t	*v;

	if (s == NULL)
		return (json_null());
	if ((v = json_string(s)) == NULL)
		fatalx("%s: not UTF-8", __func__);
	return (v);
}

static json_t *
json_tail(struct siemd_tail *t)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		fatalx("%s: json_object", __func__);
	jset(o, "id", json_integer(t->id));
	jset(o, "dir", jstr(t->dir));
	jset(o, "match", jstr(t->match));
	jset(o, "format", jstr(conf_format_name(t->format)));
	jset(o, "app", jstr(t->app));
	jset(o, "start", jstr(t->start_beginning ? "beginning" : "end"));
	return (o);
}

static json_t *
json_tails(struct siemd_conf *conf)
{
	struct siemd_tail	*t;
	json_t			*a;

	if ((a = json_array()) == NULL)
		fatalx("%s: json_array", __func__);
	TAILQ_FOREACH(t, &conf->tails, entry)
		jpush(a, json_tail(t));
	return (a);
}

static json_t *
json_listener(struct siemd_listener *l, int api)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		fatalx("%s: json_object", __func__);
	jset(o, "id", json_integer(l->id));
	jset(o, "proto", jstr(conf_proto_name(l->proto)));
	jset(o, "addr", jstr(l->addr));
	jset(o, "port", json_integer(l->port));
	if (!api) {
		jset(o, "receive_buffer", json_integer(l->rcvbuf));
		jset(o, "max_message", json_integer(l->maxmsg));
	}
	jset(o, "max_connections", json_integer(l->maxconns));
	jset(o, "idle_timeout", json_integer(l->idle_timeout));
	jset(o, "handshake_timeout", json_integer(l->handshake_timeout));
	if (!api)
		jset(o, "client_ca", json_boolean(l->ca != NULL));
	return (o);
}

static json_t *
json_strlist(struct siemd_strlists *list)
{
	struct siemd_strlist	*e;
	json_t			*a;

	if ((a = json_array()) == NULL)
		fatalx("%s: json_array", __func__);
	TAILQ_FOREACH(e, list, entry)
		jpush(a, jstr(e->value));
	return (a);
}

static json_t *
json_api(struct siemd_conf *conf)
{
	struct siemd_listener	*l;
	json_t			*o, *a;

	if ((o = json_object()) == NULL || (a = json_array()) == NULL)
		fatalx("%s: json", __func__);
	TAILQ_FOREACH(l, &conf->api.listeners, entry)
		jpush(a, json_listener(l, 1));
	jset(o, "listeners", a);
	jset(o, "prefix", jstr(conf->api.prefix ? conf->api.prefix : ""));
	jset(o, "cors", json_strlist(&conf->api.cors));
	jset(o, "trusted_proxies", json_strlist(&conf->api.proxies));
	jset(o, "metrics_from", json_strlist(&conf->api.metrics_from));
	jset(o, "query_timeout_ms",
	    json_integer(conf->api.query_timeout * 1000));
	jset(o, "allowlist", json_strlist(&conf->allowlist));
	jset(o, "token_lifetime", json_integer(conf->api.token_lifetime));
	jset(o, "body_limit", json_integer(conf->api.body_max));
	jset(o, "rate_limit", json_integer(conf->api.rate_limit));
	jset(o, "htdocs", jstr(conf->api.htdocs));
	return (o);
}

char *
conf_json(struct siemd_conf *conf, int role)
{
	struct siemd_listener	*l;
	struct siemd_user	*u;
	struct siemd_ingestkey	*k;
	json_t			*o, *a, *e;
	char			*s;

	if (role < 0 || role >= PROC_MAX)
		return (NULL);
	if ((o = json_object()) == NULL)
		fatalx("%s: json_object", __func__);
	jset(o, "role", jstr(proc_names[role]));
	switch (role) {
	case PROC_INGEST:
		jset(o, "chroot", jstr(conf->chroot));
		if ((a = json_array()) == NULL)
			fatalx("%s: json_array", __func__);
		TAILQ_FOREACH(l, &conf->listeners, entry)
			jpush(a, json_listener(l, 0));
		jset(o, "listeners", a);
		jset(o, "tails", json_tails(conf));
		break;
	case PROC_PARSER:
		jset(o, "chroot", jstr(conf->chroot));
		jset(o, "tails", json_tails(conf));
		jset(o, "parsers", json_integer(conf->parsers));
		break;
	case PROC_STORE:
		jset(o, "database", jstr(conf->database));
		jset(o, "retention_age", json_integer(conf->retention_age));
		jset(o, "retention_size", json_integer(conf->retention_size));
		jset(o, "partition_rows", json_integer(conf->part_rows));
		jset(o, "partition_every", json_integer(conf->part_every));
		jset(o, "tails", json_tails(conf));
		break;
	case PROC_QUERY:
		jset(o, "database", jstr(conf->database));
		break;
	case PROC_CORRELATE:
		jset(o, "chroot", jstr(conf->chroot));
		jset(o, "rules", jstr(conf->rules));
		jset(o, "lateness", json_integer(conf->corr_lateness));
		jset(o, "max_groups", json_integer(conf->corr_max_groups));
		jset(o, "max_groups_rule",
		    json_integer(conf->corr_max_groups_rule));
		jset(o, "suppress", json_integer(conf->corr_suppress));
		jset(o, "allowlist", json_strlist(&conf->allowlist));
		break;
	case PROC_WEB:
		jset(o, "api", json_api(conf));
		if ((a = json_array()) == NULL)
			fatalx("%s: json_array", __func__);
		TAILQ_FOREACH(u, &conf->users, entry) {
			if ((e = json_object()) == NULL)
				fatalx("%s: json_object", __func__);
			jset(e, "name", jstr(u->name));
			jset(e, "role", jstr(conf_role_name(u->role)));
			jset(e, "password", jstr(u->password));
			jpush(a, e);
		}
		jset(o, "users", a);
		if ((a = json_array()) == NULL)
			fatalx("%s: json_array", __func__);
		TAILQ_FOREACH(k, &conf->ingestkeys, entry) {
			if ((e = json_object()) == NULL)
				fatalx("%s: json_object", __func__);
			jset(e, "name", jstr(k->name));
			jset(e, "secret", jstr(k->secret));
			jpush(a, e);
		}
		jset(o, "ingest_keys", a);
		break;
	case PROC_NOTIFY:
		jset(o, "chroot", jstr(conf->chroot));
		break;
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return (s);
}

/* siemd -nv -------------------------------------------------------- */

static void
dump_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void
dump_duration(int64_t v)
{
	if (v != 0 && v % 86400 == 0)
		printf("%lldd", (long long)(v / 86400));
	else if (v != 0 && v % 3600 == 0)
		printf("%lldh", (long long)(v / 3600));
	else if (v != 0 && v % 60 == 0)
		printf("%lldm", (long long)(v / 60));
	else
		printf("%llds", (long long)v);
}

static void
dump_size(int64_t v)
{
	static const char	 units[] = "TGMK";
	int			 i, shift;

	for (i = 0, shift = 40; shift > 0; i++, shift -= 10)
		if (v != 0 && v % (1LL << shift) == 0) {
			printf("%lld%c", (long long)(v >> shift), units[i]);
			return;
		}
	printf("%lld", (long long)v);
}

static void
dump_listener(struct siemd_listener *l, const char *indent)
{
	printf("%slisten on %s port %u", indent, l->addr, l->port);
	switch (l->proto) {
	case LISTEN_UDP:
		printf(" udp { receive buffer ");
		dump_size(l->rcvbuf);
		printf(" }\n");
		return;
	case LISTEN_TCP:
	case LISTEN_TLS:
		printf(" %s {\n%s\tmax message size ",
		    conf_proto_name(l->proto), indent);
		dump_size(l->maxmsg);
		printf("\n");
		break;
	case LISTEN_HTTP:
		printf(" {\n");
		break;
	case LISTEN_HTTPS:
		printf(" tls {\n");
		break;
	}
	printf("%s\tmax connections %d\n%s\tidle timeout ", indent,
	    l->maxconns, indent);
	dump_duration(l->idle_timeout);
	printf("\n");
	if (l->proto == LISTEN_TLS || l->proto == LISTEN_HTTPS) {
		printf("%s\tcertificate ", indent);
		dump_string(l->cert);
		printf("\n%s\tkey ", indent);
		dump_string(l->key);
		printf("\n");
		if (l->ca != NULL) {
			printf("%s\tclient ca ", indent);
			dump_string(l->ca);
			printf("\n");
		}
		printf("%s\thandshake timeout ", indent);
		dump_duration(l->handshake_timeout);
		printf("\n");
	}
	printf("%s}\n", indent);
}

/* The configuration as siemd understood it, defaults included. */
void
conf_dump(struct siemd_conf *conf)
{
	struct siemd_listener	*l;
	struct siemd_tail	*t;
	struct siemd_strlist	*e;
	struct siemd_user	*u;
	struct siemd_ingestkey	*k;

	printf("# %s\n", conf->conffile ? conf->conffile : "configuration");
	if (conf->secrets_file != NULL) {
		printf("secrets ");
		dump_string(conf->secrets_file);
		printf("\n");
	}
	printf("database ");
	dump_string(conf->database);
	printf("\nretention ");
	dump_duration(conf->retention_age);
	printf("\nretention size ");
	dump_size(conf->retention_size);
	printf("\npartition rows %lld", (long long)conf->part_rows);
	if (conf->part_every > 0) {
		printf("\npartition every ");
		dump_duration(conf->part_every);
	}
	if (conf->corr_lateness >= 0) {
		printf("\ncorrelation lateness ");
		dump_duration(conf->corr_lateness);
	}
	if (conf->corr_max_groups > 0)
		printf("\ncorrelation max groups %lld",
		    (long long)conf->corr_max_groups);
	if (conf->corr_max_groups_rule > 0)
		printf("\ncorrelation max groups per rule %lld",
		    (long long)conf->corr_max_groups_rule);
	if (conf->corr_suppress >= 0) {
		printf("\ncorrelation suppress ");
		dump_duration(conf->corr_suppress);
	}
	TAILQ_FOREACH(e, &conf->allowlist, entry)
		printf("\nallowlist %s", e->value);
	printf("\nparsers %d\nrules ", conf->parsers);
	dump_string(conf->rules);
	printf("\nchroot ");
	dump_string(conf->chroot);
	printf("\n");

	TAILQ_FOREACH(l, &conf->listeners, entry)
		dump_listener(l, "");
	TAILQ_FOREACH(t, &conf->tails, entry) {
		printf("tail ");
		dump_string(t->dir);
		printf(" {\n\tmatch ");
		dump_string(t->match);
		printf("\n\tformat %s\n", conf_format_name(t->format));
		if (t->app != NULL) {
			printf("\tapp ");
			dump_string(t->app);
			printf("\n");
		}
		printf("\tstart %s\n}\n", t->start_beginning ? "beginning" :
		    "end");
	}
	if (conf->api_set) {
		printf("api {\n");
		TAILQ_FOREACH(l, &conf->api.listeners, entry)
			dump_listener(l, "\t");
		printf("\tprefix ");
		dump_string(conf->api.prefix);
		printf("\n");
		TAILQ_FOREACH(e, &conf->api.cors, entry) {
			printf("\tcors origin ");
			dump_string(e->value);
			printf("\n");
		}
		TAILQ_FOREACH(e, &conf->api.proxies, entry)
			printf("\ttrusted proxy %s\n", e->value);
		TAILQ_FOREACH(e, &conf->api.metrics_from, entry)
			printf("\tmetrics from %s\n", e->value);
		printf("\tquery timeout ");
		dump_duration(conf->api.query_timeout);
		printf("\n");
		printf("\ttoken lifetime ");
		dump_duration(conf->api.token_lifetime);
		printf("\n\tbody limit ");
		dump_size(conf->api.body_max);
		printf("\n\trate limit %d\n\thtdocs ", conf->api.rate_limit);
		dump_string(conf->api.htdocs);
		printf("\n}\n");
	}
	TAILQ_FOREACH(u, &conf->users, entry) {
		printf("user ");
		dump_string(u->name);
		printf(" { role %s password ", conf_role_name(u->role));
		dump_string(u->password);
		printf(" }\n");
	}
	TAILQ_FOREACH(k, &conf->ingestkeys, entry) {
		printf("ingest key ");
		dump_string(k->name);
		printf(" { secret ");
		dump_string(k->secret);
		printf(" }\n");
	}
	fflush(stdout);
}
