/*
 * The configuration language: units, macros, includes, defaults,
 * ids, the secrets file and the need-to-know JSON.  Files are written
 * to a temporary directory; error messages go to stderr and their
 * exact text is checked by tests/conf instead.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "siemd.h"
#include "test.h"

static char	 tmpdir[64];	/* /tmp/test-conf.XXXXXX */

static void	 writefile(const char *, mode_t, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
static json_t	*role_json(struct siemd_conf *, int);
static int	 rm_entry(const char *, const struct stat *, int,
		    struct FTW *);
static void	 test_duration(void);
static void	 test_size(void);
static void	 test_names(void);
static void	 test_symset(void);
static void	 test_defaults(void);
static void	 test_macros(void);
static void	 test_cmdline_precedence(void);
static void	 test_include(void);
static void	 test_include_bad(void);
static void	 test_ids(void);
static void	 test_listeners(void);
static void	 test_bad(void);
static void	 test_secrets(void);
static void	 test_json(void);
static void	 test_dump(void);

static void
writefile(const char *name, mode_t mode, const char *fmt, ...)
{
	va_list	 ap;
	FILE	*f;

	if ((f = fopen(name, "w")) == NULL)
		err(1, "%s", name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (fclose(f) == EOF)
		err(1, "%s", name);
	if (chmod(name, mode) == -1)
		err(1, "chmod %s", name);
}

static json_t *
role_json(struct siemd_conf *conf, int role)
{
	json_error_t	 e;
	json_t		*j;
	char		*s;

	if ((s = conf_json(conf, role)) == NULL)
		return (NULL);
	j = json_loads(s, 0, &e);
	free(s);
	return (j);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return (remove(path));
}

static void
test_duration(void)
{
	TEST_BEGIN("conf_duration");
	CHECK_INT(conf_duration("0"), 0);
	CHECK_INT(conf_duration("30"), 30);
	CHECK_INT(conf_duration("30s"), 30);
	CHECK_INT(conf_duration("5m"), 300);
	CHECK_INT(conf_duration("2h"), 7200);
	CHECK_INT(conf_duration("7d"), 604800);
	CHECK_INT(conf_duration("30d"), 2592000);
	CHECK_INT(conf_duration("9223372036854775807"), INT64_MAX);
	TEST_END();

	TEST_BEGIN("conf_duration-bad-");
	CHECK_INT(conf_duration(NULL), -1);
	CHECK_INT(conf_duration(""), -1);
	CHECK_INT(conf_duration("s"), -1);
	CHECK_INT(conf_duration("-5"), -1);
	CHECK_INT(conf_duration("+5"), -1);
	CHECK_INT(conf_duration(" 5"), -1);
	CHECK_INT(conf_duration("5 m"), -1);
	CHECK_INT(conf_duration("5x"), -1);
	CHECK_INT(conf_duration("5mm"), -1);
	CHECK_INT(conf_duration("5M"), -1);
	CHECK_INT(conf_duration("1.5h"), -1);
	TEST_END();

	TEST_BEGIN("conf_duration-bad-overflow");
	CHECK_INT(conf_duration("9223372036854775808"), -1);
	CHECK_INT(conf_duration("99999999999999999999999"), -1);
	CHECK_INT(conf_duration("9223372036854775807m"), -1);
	CHECK_INT(conf_duration("106751991167301d"), -1);
	CHECK_INT(conf_duration("106751991167300d"), 106751991167300LL * 86400);
	TEST_END();
}

static void
test_size(void)
{
	TEST_BEGIN("conf_size");
	CHECK_INT(conf_size("0"), 0);
	CHECK_INT(conf_size("512"), 512);
	CHECK_INT(conf_size("64K"), 65536);
	CHECK_INT(conf_size("64k"), 65536);
	CHECK_INT(conf_size("8M"), 8 * 1024 * 1024);
	CHECK_INT(conf_size("20G"), 20LL * 1024 * 1024 * 1024);
	CHECK_INT(conf_size("1T"), 1LL << 40);
	CHECK_INT(conf_size("9007199254740991K"), INT64_MAX - 1023);
	TEST_END();

	TEST_BEGIN("conf_size-bad-");
	CHECK_INT(conf_size(NULL), -1);
	CHECK_INT(conf_size(""), -1);
	CHECK_INT(conf_size("K"), -1);
	CHECK_INT(conf_size("-1"), -1);
	CHECK_INT(conf_size("5Q"), -1);
	CHECK_INT(conf_size("5KB"), -1);
	CHECK_INT(conf_size("5 K"), -1);
	CHECK_INT(conf_size("0x10"), -1);
	TEST_END();

	TEST_BEGIN("conf_size-bad-overflow");
	CHECK_INT(conf_size("9007199254740992K"), -1);
	CHECK_INT(conf_size("8388608T"), -1);
	CHECK_INT(conf_size("9223372036854775808"), -1);
	TEST_END();
}

static void
test_names(void)
{
	TEST_BEGIN("conf_names");
	CHECK_STR(conf_proto_name(LISTEN_UDP), "udp");
	CHECK_STR(conf_proto_name(LISTEN_TCP), "tcp");
	CHECK_STR(conf_proto_name(LISTEN_TLS), "tls");
	CHECK_STR(conf_proto_name(LISTEN_HTTP), "http");
	CHECK_STR(conf_proto_name(LISTEN_HTTPS), "https");
	CHECK_STR(conf_format_name(FORMAT_AUTO), "auto");
	CHECK_STR(conf_format_name(FORMAT_JSONL), "jsonl");
	CHECK_STR(conf_format_name(FORMAT_SYSLOG), "syslog");
	CHECK_STR(conf_format_name(FORMAT_AUDITD), "auditd");
	CHECK_STR(conf_format_name(FORMAT_ACCESS), "access");
	CHECK_STR(conf_role_name(ROLE_ADMIN), "admin");
	CHECK_STR(conf_role_name(ROLE_ANALYST), "analyst");
	CHECK_STR(conf_role_name(ROLE_VIEWER), "viewer");
	TEST_END();
}

static void
test_symset(void)
{
	char	 a[] = "cmd_port=6000", b[] = "with_space=a b";
	char	 c[] = "noequals", d[] = "=x", e[] = "a-b=1", f[] = "a=$x";
	char	 g[] = "empty=";

	TEST_BEGIN("cmdline_symset");
	CHECK_INT(cmdline_symset(a), 0);
	CHECK_INT(cmdline_symset(b), 0);
	CHECK_INT(cmdline_symset(g), 0);
	TEST_END();

	TEST_BEGIN("cmdline_symset-bad-");
	CHECK_INT(cmdline_symset(c), -1);
	CHECK_INT(cmdline_symset(d), -1);
	CHECK_INT(cmdline_symset(e), -1);
	CHECK_INT(cmdline_symset(f), -1);
	TEST_END();
}

static void
test_defaults(void)
{
	struct siemd_conf	*conf;
	struct siemd_listener	*l;
	struct sockaddr_in	*sin;

	writefile("defaults.conf", 0644,
	    "# nothing but one listener\n"
	    "listen on 127.0.0.1 port 5140 udp\n"
	    "listen on 127.0.0.1 port 5140 tcp\n");
	TEST_BEGIN("parse_config-defaults");
	conf = parse_config("defaults.conf", 0);
	CHECK(conf != NULL);
	if (conf == NULL) {
		TEST_END();
		return;
	}
	CHECK_STR(conf->conffile, "defaults.conf");
	CHECK_STR(conf->database, SIEMD_DATABASE);
	CHECK_INT(conf->retention_age, SIEMD_RETENTION);
	CHECK_INT(conf->retention_size, 0);
	CHECK_INT(conf->parsers, 1);
	CHECK_STR(conf->rules, SIEMD_RULES);
	CHECK_STR(conf->chroot, SIEMD_EMPTY);
	CHECK(conf->secrets_file == NULL);
	CHECK_INT(conf->api_set, 0);
	CHECK_STR(conf->api.prefix, "");
	CHECK_INT(conf->api.token_lifetime, SIEMD_TOKEN_LIFETIME);
	CHECK_INT(conf->api.body_max, SIEMD_BODY_MAX);
	CHECK_INT(conf->api.rate_limit, SIEMD_RATE_LIMIT);
	CHECK_STR(conf->api.htdocs, SIEMD_HTDOCS);
	CHECK_INT(conf->nlisteners, 2);
	l = TAILQ_FIRST(&conf->listeners);
	CHECK(l != NULL);
	if (l != NULL) {
		CHECK_INT(l->id, 0);
		CHECK_INT(l->proto, LISTEN_UDP);
		CHECK_STR(l->addr, "127.0.0.1");
		CHECK_INT(l->port, 5140);
		CHECK_INT(l->fd, -1);
		CHECK_INT(l->rcvbuf, SIEMD_RCVBUF);
		CHECK_INT(l->maxmsg, SIEMD_MAX_LINE);
		CHECK_INT(l->maxconns, SIEMD_MAX_CONNS);
		CHECK_INT(l->idle_timeout, SIEMD_IDLE_TIMEOUT);
		CHECK_INT(l->handshake_timeout, SIEMD_HANDSHAKE_TIMEOUT);
		CHECK_STR(l->file, "defaults.conf");
		CHECK_INT(l->line, 2);
		CHECK_INT(l->ss.ss_family, AF_INET);
		CHECK_INT(l->sslen, sizeof(struct sockaddr_in));
		sin = (struct sockaddr_in *)&l->ss;
		CHECK_INT(ntohs(sin->sin_port), 5140);
		CHECK_INT(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
		l = TAILQ_NEXT(l, entry);
		CHECK(l != NULL && l->id == 1 && l->proto == LISTEN_TCP &&
		    l->line == 3);
	}
	conf_free(conf);
	TEST_END();
}

static void
test_macros(void)
{
	struct siemd_conf	*conf;
	struct siemd_listener	*l;

	writefile("macros.conf", 0644,
	    "addr = \"127.0.0.1\"\n"
	    "p = 5141\n"
	    "port = 5142\n"
	    "unused_1 = \"fine\"\n"
	    "opts = \"receive buffer 1M\"\n"
	    "listen on $addr port $p udp { $opts }\n"
	    "listen on $addr port $port udp\n");
	TEST_BEGIN("parse_config-macros");
	conf = parse_config("macros.conf", 0);
	CHECK(conf != NULL);
	if (conf != NULL) {
		l = TAILQ_FIRST(&conf->listeners);
		CHECK(l != NULL && l->port == 5141 &&
		    strcmp(l->addr, "127.0.0.1") == 0 &&
		    l->rcvbuf == 1024 * 1024);
		l = l ? TAILQ_NEXT(l, entry) : NULL;
		CHECK(l != NULL && l->port == 5142);
		conf_free(conf);
	}
	TEST_END();

	writefile("macros-bad.conf", 0644,
	    "listen on 127.0.0.1 port $nope udp\n");
	TEST_BEGIN("parse_config-bad-undefined-macro");
	conf = parse_config("macros-bad.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();

	/* file macros do not outlive their parse */
	writefile("macros-gone.conf", 0644,
	    "listen on 127.0.0.1 port $p udp\n");
	TEST_BEGIN("parse_config-bad-macro-from-earlier-file");
	conf = parse_config("macros-gone.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();

	writefile("macros-badname.conf", 0644,
	    "a-b = \"x\"\n");
	TEST_BEGIN("parse_config-bad-macro-name");
	conf = parse_config("macros-badname.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();
}

/* -D wins over a definition in the file; cmd_port=6000 was set above. */
static void
test_cmdline_precedence(void)
{
	struct siemd_conf	*conf;
	struct siemd_listener	*l;

	writefile("cmdline.conf", 0644,
	    "cmd_port = 5000\n"
	    "listen on 127.0.0.1 port $cmd_port udp\n");
	TEST_BEGIN("parse_config-cmdline-precedence");
	conf = parse_config("cmdline.conf", 0);
	CHECK(conf != NULL);
	if (conf != NULL) {
		l = TAILQ_FIRST(&conf->listeners);
		CHECK(l != NULL);
		if (l != NULL)
			CHECK_INT(l->port, 6000);
		conf_free(conf);
	}
	TEST_END();
}

/* Includes resolve against the including file, not the cwd. */
static void
test_include(void)
{
	struct siemd_conf	*conf;
	struct siemd_listener	*l;
	char			 path[PATH_MAX], cwd[PATH_MAX];
	int			 n = 0;

	if (mkdir("sub", 0755) == -1)
		err(1, "mkdir sub");
	writefile("include.conf", 0644,
	    "include \"sub/one.conf\"\n"
	    "listen on 127.0.0.1 port 7003 udp\n");
	writefile("sub/one.conf", 0644,
	    "listen on 127.0.0.1 port 7001 udp\n"
	    "include \"two.conf\"");		/* no final newline */
	writefile("sub/two.conf", 0644,
	    "\n\nlisten on 127.0.0.1 port 7002 udp\n");

	TEST_BEGIN("parse_config-include-relative");
	snprintf(path, sizeof(path), "%s/include.conf", tmpdir);
	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir("/") == -1)
		err(1, "chdir");
	conf = parse_config(path, 0);
	if (chdir(cwd) == -1)
		err(1, "chdir");
	CHECK(conf != NULL);
	if (conf != NULL) {
		TAILQ_FOREACH(l, &conf->listeners, entry) {
			CHECK_INT(l->port, 7001 + n);
			CHECK_INT(l->id, n);
			n++;
		}
		CHECK_INT(n, 3);
		l = TAILQ_FIRST(&conf->listeners);
		snprintf(path, sizeof(path), "%s/sub/one.conf", tmpdir);
		CHECK(l != NULL && strcmp(l->file, path) == 0 &&
		    l->line == 1);
		l = l ? TAILQ_NEXT(l, entry) : NULL;
		snprintf(path, sizeof(path), "%s/sub/two.conf", tmpdir);
		CHECK(l != NULL && strcmp(l->file, path) == 0 &&
		    l->line == 3);
		l = l ? TAILQ_NEXT(l, entry) : NULL;
		CHECK(l != NULL && l->line == 2);
		conf_free(conf);
	}
	TEST_END();
}

static void
test_include_bad(void)
{
	struct siemd_conf	*conf;

	writefile("include-missing.conf", 0644,
	    "include \"sub/missing.conf\"\n");
	TEST_BEGIN("parse_config-bad-include-missing");
	conf = parse_config("include-missing.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();

	writefile("include-loop.conf", 0644,
	    "include \"include-loop.conf\"\n");
	TEST_BEGIN("parse_config-bad-include-loop");
	conf = parse_config("include-loop.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();

	TEST_BEGIN("parse_config-bad-missing-file");
	conf = parse_config("does-not-exist.conf", 0);
	CHECK(conf == NULL);
	TEST_END();
}

static void
test_ids(void)
{
	struct siemd_conf	*conf;
	struct siemd_listener	*l;
	struct siemd_tail	*t;
	int			 id;

	if (mkdir("logs", 0755) == -1 || mkdir("logs2", 0755) == -1)
		err(1, "mkdir logs");
	writefile("cert.pem", 0644, "not really a certificate\n");
	writefile("key.pem", 0600, "not really a key\n");
	writefile("ids.conf", 0644,
	    "api {\n"
	    "\tlisten on 127.0.0.1 port 8443 tls { certificate \"cert.pem\" "
	    "key \"key.pem\" }\n"
	    "\tlisten on ::1 port 8080\n"
	    "}\n"
	    "listen on 127.0.0.1 port 5140 udp\n"
	    "tail \"logs\" { match \"**/*.jsonl\" format jsonl app \"App\" "
	    "start beginning }\n"
	    "listen on 127.0.0.1 port 5140 tcp\n"
	    "tail \"logs2\"\n"
	    "listen on 127.0.0.1 port 6514 tls {\n"
	    "\tcertificate \"cert.pem\"\n"
	    "\tkey \"key.pem\"\n"
	    "}\n");
	TEST_BEGIN("parse_config-ids");
	conf = parse_config("ids.conf", 0);
	CHECK(conf != NULL);
	if (conf != NULL) {
		id = 0;
		TAILQ_FOREACH(l, &conf->listeners, entry)
			CHECK_INT(l->id, id++);
		CHECK_INT(id, 3);
		TAILQ_FOREACH(l, &conf->api.listeners, entry)
			CHECK_INT(l->id, id++);
		CHECK_INT(id, 5);
		CHECK_INT(conf->nlisteners, 5);
		l = TAILQ_FIRST(&conf->api.listeners);
		CHECK(l != NULL && l->proto == LISTEN_HTTPS &&
		    strcmp(l->cert, "cert.pem") == 0);
		l = l ? TAILQ_NEXT(l, entry) : NULL;
		CHECK(l != NULL && l->proto == LISTEN_HTTP &&
		    l->ss.ss_family == AF_INET6);
		l = TAILQ_LAST(&conf->listeners, siemd_listeners);
		CHECK(l != NULL && l->proto == LISTEN_TLS && l->line == 9);
		id = 0;
		TAILQ_FOREACH(t, &conf->tails, entry)
			CHECK_INT(t->id, id++);
		CHECK_INT(id, 2);
		t = TAILQ_FIRST(&conf->tails);
		CHECK(t != NULL && t->format == FORMAT_JSONL &&
		    t->start_beginning && strcmp(t->app, "App") == 0 &&
		    strcmp(t->match, "**/*.jsonl") == 0 && t->line == 6);
		t = TAILQ_LAST(&conf->tails, siemd_tails);
		CHECK(t != NULL && t->format == FORMAT_AUTO &&
		    !t->start_beginning && t->app == NULL &&
		    strcmp(t->match, "*") == 0);
		conf_free(conf);
	}
	TEST_END();
}

static void
test_listeners(void)
{
	struct siemd_conf	*conf;
	struct siemd_listener	*l;

	writefile("listeners.conf", 0644,
	    "listen on * port 514 udp { receive buffer 16M }\n"
	    "listen on localhost port 514 tcp { max message size 128K "
	    "max connections 10 idle timeout 2m }\n"
	    "listen on ::1 port 514 tcp\n"
	    "listen on 127.0.0.1 port 6514 tls { certificate \"cert.pem\" "
	    "key \"key.pem\" client ca \"cert.pem\" handshake timeout 3s }\n");
	TEST_BEGIN("parse_config-listener-options");
	conf = parse_config("listeners.conf", 0);
	CHECK(conf != NULL);
	if (conf != NULL) {
		l = TAILQ_FIRST(&conf->listeners);
		CHECK(l != NULL && l->rcvbuf == 16 * 1024 * 1024 &&
		    l->ss.ss_family == AF_INET);
		l = l ? TAILQ_NEXT(l, entry) : NULL;
		CHECK(l != NULL && l->maxmsg == 128 * 1024 &&
		    l->maxconns == 10 && l->idle_timeout == 120);
		l = l ? TAILQ_NEXT(l, entry) : NULL;
		CHECK(l != NULL && l->ss.ss_family == AF_INET6);
		l = l ? TAILQ_NEXT(l, entry) : NULL;
		CHECK(l != NULL && l->handshake_timeout == 3 &&
		    l->ca != NULL && strcmp(l->key, "key.pem") == 0);
		conf_free(conf);
	}
	TEST_END();
}

/* One error each; all must make parse_config() fail. */
static void
test_bad(void)
{
	static const char *bad[] = {
		"bogus\n",
		"listen on 127.0.0.1 port 0 udp\n",
		"listen on 127.0.0.1 port 65536 udp\n",
		"listen on example.com port 514 udp\n",
		"listen on 127.0.0.1 port 514\n",
		"listen on 127.0.0.1 port 514 tcp\n"
		    "listen on 127.0.0.1 port 514 tls { certificate "
		    "\"cert.pem\" key \"key.pem\" }\n",
		"listen on 127.0.0.1 port 514 udp\n"
		    "listen on 127.0.0.1 port 514 udp\n",
		"listen on 127.0.0.1 port 6514 tls\n",
		"listen on 127.0.0.1 port 6514 tls { key \"key.pem\" }\n",
		"listen on 127.0.0.1 port 6514 tls { certificate "
		    "\"missing.pem\" key \"key.pem\" }\n",
		"listen on 127.0.0.1 port 514 udp { max connections 5 }\n",
		"listen on 127.0.0.1 port 514 tcp { receive buffer 1M }\n",
		"tail \"nowhere\"\n",
		"tail \"cert.pem\"\n",
		"tail \"logs\" { format xml }\n",
		"tail \"logs\" { match \"../*\" }\n",
		"rules \"nowhere\"\n",
		"retention 5x\n",
		"retention size 5Q\n",
		"parsers 0\n",
		"parsers 9\n",
		"user \"a\" { role root password \"x\" }\n",
		"user \"a\" { role admin password \"x\" }\n",
		"ingest key \"k\" { secret \"x\" }\n",
		"api {\n\tprefix \"/siem\"\n}\n",
		"api {\n\tlisten on 127.0.0.1 port 80 udp\n}\n",
		"api {\n\tlisten on 127.0.0.1 port 80\n"
		    "\tcors origin \"*\"\n}\n",
		"api {\n\tlisten on 127.0.0.1 port 80\n"
		    "\ttrusted proxy 10.0.0.0/33\n}\n",
		"api {\n\tlisten on 127.0.0.1 port 80\n\tprefix \"siem\"\n}\n",
		"listen on 127.0.0.1 port 514 udp \"unterminated\n",
		"database \"a\"\ndatabase \"b\"\n",
	};
	struct siemd_conf	*conf;
	char			 name[64];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "parse_config-bad-%zu", i);
		writefile("bad.conf", 0644, "%s", bad[i]);
		TEST_BEGIN(name);
		conf = parse_config("bad.conf", 0);
		CHECK(conf == NULL);
		conf_free(conf);
		TEST_END();
	}
}

static void
test_secrets(void)
{
	struct siemd_conf	*conf;
	struct siemd_secret	*s;

	if (geteuid() != 0) {
		printf("SKIP conf-secrets: must run as root\n");
		return;
	}
	writefile("secrets.conf", 0600,
	    "# labels and values\n"
	    "\n"
	    "alice-hash \"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\"\n"
	    "  vercel-key\tplain-word   # comment\n"
	    "jwt-key \"with \\\"quotes\\\" and spaces\"\n");
	writefile("secrets-use.conf", 0644,
	    "secrets \"secrets.conf\"\n"
	    "listen on 127.0.0.1 port 5140 udp\n"
	    "user \"alice\" { role analyst password \"alice-hash\" }\n"
	    "user \"bob\" {\n\tpassword \"alice-hash\"\n}\n"
	    "ingest key \"vercel\" { secret \"vercel-key\" }\n");
	TEST_BEGIN("conf-secrets");
	conf = parse_config("secrets-use.conf", 0);
	CHECK(conf != NULL);
	if (conf != NULL) {
		CHECK_STR(conf->secrets_file, "secrets.conf");
		s = conf_secret(conf, "alice-hash");
		CHECK(s != NULL);
		if (s != NULL) {
			CHECK_STR(s->value, "$argon2id$v=19$m=65536,t=2,p=1"
			    "$c2FsdA$aGFzaA");
			CHECK_INT(s->len, strlen(s->value));
		}
		s = conf_secret(conf, "vercel-key");
		CHECK(s != NULL && strcmp(s->value, "plain-word") == 0);
		s = conf_secret(conf, "jwt-key");
		CHECK(s != NULL &&
		    strcmp(s->value, "with \"quotes\" and spaces") == 0);
		CHECK(conf_secret(conf, "nope") == NULL);
		CHECK(TAILQ_FIRST(&conf->users) != NULL &&
		    TAILQ_FIRST(&conf->users)->role == ROLE_ANALYST);
		CHECK(TAILQ_LAST(&conf->users, siemd_users) != NULL &&
		    TAILQ_LAST(&conf->users, siemd_users)->role ==
		    ROLE_VIEWER);
		conf_free(conf);
	}
	TEST_END();

	writefile("secrets-label.conf", 0644,
	    "secrets \"secrets.conf\"\n"
	    "user \"alice\" { role admin password \"no-such-label\" }\n");
	TEST_BEGIN("conf-secrets-bad-label");
	conf = parse_config("secrets-label.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();

	writefile("secrets-open.conf", 0640, "a \"b\"\n");
	writefile("secrets-mode.conf", 0644, "secrets \"secrets-open.conf\"\n");
	TEST_BEGIN("conf-secrets-bad-mode");
	conf = parse_config("secrets-mode.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();

	writefile("secrets-owner.conf", 0600, "a \"b\"\n");
	if (chown("secrets-owner.conf", 1, 1) == -1)
		err(1, "chown");
	writefile("secrets-own.conf", 0644,
	    "secrets \"secrets-owner.conf\"\n");
	TEST_BEGIN("conf-secrets-bad-owner");
	conf = parse_config("secrets-own.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();

	writefile("secrets-syntax.conf", 0600,
	    "a \"b\"\nlonely\nc \"unterminated\n");
	writefile("secrets-syn.conf", 0644,
	    "secrets \"secrets-syntax.conf\"\n");
	TEST_BEGIN("conf-secrets-bad-syntax");
	conf = parse_config("secrets-syn.conf", 0);
	CHECK(conf == NULL);
	conf_free(conf);
	TEST_END();
}

/* Each role gets its categories and nothing else; no secret values. */
static void
test_json(void)
{
	static const char *secretvals[] = {
		"$argon2id$v=19$m=65536", "plain-word", "with \\\"quotes"
	};
	struct siemd_conf	*conf;
	json_t			*j, *a, *o;
	char			*s;
	size_t			 i;
	int			 r;

	if (geteuid() != 0) {
		printf("SKIP conf-json: must run as root\n");
		return;
	}
	writefile("json.conf", 0644,
	    "secrets \"secrets.conf\"\n"
	    "database \"/tmp/siem-test.db\"\n"
	    "retention 2d\n"
	    "retention size 1G\n"
	    "parsers 3\n"
	    "rules \"logs\"\n"
	    "chroot \"logs2\"\n"
	    "listen on 127.0.0.1 port 5140 udp { receive buffer 1M }\n"
	    "listen on 127.0.0.1 port 6514 tls { certificate \"cert.pem\" "
	    "key \"key.pem\" client ca \"cert.pem\" }\n"
	    "tail \"logs\" { match \"*.log\" format syslog }\n"
	    "api {\n"
	    "\tlisten on 127.0.0.1 port 8443 tls { certificate \"cert.pem\" "
	    "key \"key.pem\" }\n"
	    "\tprefix \"/siem/\"\n"
	    "\tcors origin \"https://soc.example.com\"\n"
	    "\tcors origin \"http://localhost:3000\"\n"
	    "\ttrusted proxy 127.0.0.1\n"
	    "\ttrusted proxy fd00::/8\n"
	    "\ttoken lifetime 1h\n"
	    "\tbody limit 2M\n"
	    "\trate limit 50\n"
	    "\thtdocs \"logs\"\n"
	    "}\n"
	    "user \"alice\" { role admin password \"alice-hash\" }\n"
	    "ingest key \"vercel\" { secret \"vercel-key\" }\n");
	conf = parse_config("json.conf", 0);
	TEST_BEGIN("conf_json-parse");
	CHECK(conf != NULL);
	TEST_END();
	if (conf == NULL)
		return;

	TEST_BEGIN("conf_json-no-secret-values");
	for (r = 0; r < PROC_MAX; r++) {
		s = conf_json(conf, r);
		CHECK(s != NULL);
		for (i = 0; s != NULL &&
		    i < sizeof(secretvals) / sizeof(secretvals[0]); i++)
			CHECK(strstr(s, secretvals[i]) == NULL);
		free(s);
	}
	CHECK(conf_json(conf, -1) == NULL);
	CHECK(conf_json(conf, PROC_MAX) == NULL);
	TEST_END();

	TEST_BEGIN("conf_json-ingest");
	j = role_json(conf, PROC_INGEST);
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "role")), "ingest");
	CHECK_STR(json_string_value(json_object_get(j, "chroot")), "logs2");
	a = json_object_get(j, "listeners");
	CHECK(json_array_size(a) == 2);
	o = json_array_get(a, 0);
	CHECK_INT(json_integer_value(json_object_get(o, "id")), 0);
	CHECK_STR(json_string_value(json_object_get(o, "proto")), "udp");
	CHECK_STR(json_string_value(json_object_get(o, "addr")), "127.0.0.1");
	CHECK_INT(json_integer_value(json_object_get(o, "port")), 5140);
	CHECK_INT(json_integer_value(json_object_get(o, "receive_buffer")),
	    1024 * 1024);
	CHECK_INT(json_integer_value(json_object_get(o, "max_message")),
	    SIEMD_MAX_LINE);
	CHECK_INT(json_integer_value(json_object_get(o, "max_connections")),
	    SIEMD_MAX_CONNS);
	CHECK_INT(json_integer_value(json_object_get(o, "idle_timeout")),
	    SIEMD_IDLE_TIMEOUT);
	CHECK_INT(json_integer_value(json_object_get(o,
	    "handshake_timeout")), SIEMD_HANDSHAKE_TIMEOUT);
	CHECK(json_is_false(json_object_get(o, "client_ca")));
	o = json_array_get(a, 1);
	CHECK_STR(json_string_value(json_object_get(o, "proto")), "tls");
	CHECK(json_is_true(json_object_get(o, "client_ca")));
	CHECK(json_object_get(o, "cert") == NULL);
	a = json_object_get(j, "tails");
	CHECK(json_array_size(a) == 1);
	o = json_array_get(a, 0);
	CHECK_INT(json_integer_value(json_object_get(o, "id")), 0);
	CHECK_STR(json_string_value(json_object_get(o, "dir")), "logs");
	CHECK_STR(json_string_value(json_object_get(o, "match")), "*.log");
	CHECK_STR(json_string_value(json_object_get(o, "format")), "syslog");
	CHECK(json_is_null(json_object_get(o, "app")));
	CHECK_STR(json_string_value(json_object_get(o, "start")), "end");
	CHECK(json_object_get(j, "database") == NULL);
	CHECK(json_object_get(j, "api") == NULL);
	CHECK(json_object_get(j, "users") == NULL);
	json_decref(j);
	TEST_END();

	TEST_BEGIN("conf_json-parser");
	j = role_json(conf, PROC_PARSER);
	CHECK_STR(json_string_value(json_object_get(j, "role")), "parser");
	CHECK_INT(json_integer_value(json_object_get(j, "parsers")), 3);
	CHECK(json_array_size(json_object_get(j, "tails")) == 1);
	CHECK_STR(json_string_value(json_object_get(j, "chroot")), "logs2");
	CHECK(json_object_get(j, "listeners") == NULL);
	CHECK(json_object_get(j, "database") == NULL);
	json_decref(j);
	TEST_END();

	TEST_BEGIN("conf_json-store");
	j = role_json(conf, PROC_STORE);
	CHECK_STR(json_string_value(json_object_get(j, "role")), "store");
	CHECK_STR(json_string_value(json_object_get(j, "database")),
	    "/tmp/siem-test.db");
	CHECK_INT(json_integer_value(json_object_get(j, "retention_age")),
	    2 * 86400);
	CHECK_INT(json_integer_value(json_object_get(j, "retention_size")),
	    1LL << 30);
	CHECK(json_array_size(json_object_get(j, "tails")) == 1);
	CHECK_INT(json_integer_value(json_object_get(j, "partition_rows")),
	    1000000);
	CHECK_INT(json_integer_value(json_object_get(j, "partition_every")),
	    0);
	CHECK(json_object_get(j, "listeners") == NULL);
	CHECK(json_object_get(j, "users") == NULL);
	json_decref(j);
	TEST_END();

	TEST_BEGIN("conf_json-query");
	j = role_json(conf, PROC_QUERY);
	CHECK_STR(json_string_value(json_object_get(j, "role")), "query");
	CHECK_STR(json_string_value(json_object_get(j, "database")),
	    "/tmp/siem-test.db");
	CHECK_INT(json_object_size(j), 2);
	json_decref(j);
	TEST_END();

	TEST_BEGIN("conf_json-correlate");
	j = role_json(conf, PROC_CORRELATE);
	CHECK_STR(json_string_value(json_object_get(j, "role")), "correlate");
	CHECK_STR(json_string_value(json_object_get(j, "rules")), "logs");
	CHECK_STR(json_string_value(json_object_get(j, "chroot")), "logs2");
	/* the correlation bounds: not configured, the engine's defaults */
	CHECK_INT(json_integer_value(json_object_get(j, "lateness")), -1);
	CHECK_INT(json_integer_value(json_object_get(j, "max_groups")), 0);
	CHECK_INT(json_integer_value(json_object_get(j, "max_groups_rule")),
	    0);
	CHECK_INT(json_integer_value(json_object_get(j, "suppress")), -1);
	CHECK(json_array_size(json_object_get(j, "allowlist")) == 0);
	CHECK_INT(json_object_size(j), 8);
	json_decref(j);
	TEST_END();

	TEST_BEGIN("conf_json-web");
	j = role_json(conf, PROC_WEB);
	CHECK_STR(json_string_value(json_object_get(j, "role")), "web");
	o = json_object_get(j, "api");
	CHECK(json_is_object(o));
	a = json_object_get(o, "listeners");
	CHECK(json_array_size(a) == 1);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(a, 0),
	    "id")), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0),
	    "proto")), "https");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(a, 0),
	    "port")), 8443);
	CHECK_STR(json_string_value(json_object_get(o, "prefix")), "/siem");
	CHECK(json_array_size(json_object_get(o, "cors")) == 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(o,
	    "trusted_proxies"), 1)), "fd00::/8");
	CHECK_INT(json_integer_value(json_object_get(o, "token_lifetime")),
	    3600);
	CHECK_INT(json_integer_value(json_object_get(o, "body_limit")),
	    2 * 1024 * 1024);
	CHECK_INT(json_integer_value(json_object_get(o, "rate_limit")), 50);
	CHECK_STR(json_string_value(json_object_get(o, "htdocs")), "logs");
	CHECK_INT(json_integer_value(json_object_get(o, "query_timeout_ms")),
	    10000);
	CHECK(json_array_size(json_object_get(o, "metrics_from")) == 0);
	a = json_object_get(j, "users");
	CHECK(json_array_size(a) == 1);
	o = json_array_get(a, 0);
	CHECK_STR(json_string_value(json_object_get(o, "name")), "alice");
	CHECK_STR(json_string_value(json_object_get(o, "role")), "admin");
	CHECK_STR(json_string_value(json_object_get(o, "password")),
	    "alice-hash");
	a = json_object_get(j, "ingest_keys");
	CHECK(json_array_size(a) == 1);
	o = json_array_get(a, 0);
	CHECK_STR(json_string_value(json_object_get(o, "name")), "vercel");
	CHECK_STR(json_string_value(json_object_get(o, "secret")),
	    "vercel-key");
	CHECK(json_object_get(j, "database") == NULL);
	CHECK(json_object_get(j, "tails") == NULL);
	json_decref(j);
	TEST_END();

	TEST_BEGIN("conf_json-notify");
	j = role_json(conf, PROC_NOTIFY);
	CHECK_STR(json_string_value(json_object_get(j, "role")), "notify");
	CHECK_INT(json_object_size(j), 2);
	json_decref(j);
	TEST_END();

	conf_free(conf);
}

/* What conf_dump() prints parses back to the same configuration. */
static void
test_dump(void)
{
	struct siemd_conf	*a, *b;
	char			*ja, *jb;
	int			 fd, saved, r;

	if (geteuid() != 0) {
		printf("SKIP conf_dump-roundtrip: must run as root\n");
		return;
	}
	TEST_BEGIN("conf_dump-roundtrip");
	a = parse_config("json.conf", 0);
	CHECK(a != NULL);
	if (a == NULL) {
		TEST_END();
		return;
	}
	fflush(stdout);
	if ((fd = open("dump.conf", O_WRONLY | O_CREAT | O_TRUNC, 0644)) ==
	    -1 || (saved = dup(STDOUT_FILENO)) == -1 ||
	    dup2(fd, STDOUT_FILENO) == -1)
		err(1, "dump.conf");
	conf_dump(a);
	fflush(stdout);
	if (dup2(saved, STDOUT_FILENO) == -1)
		err(1, "dup2");
	close(saved);
	close(fd);
	b = parse_config("dump.conf", 0);
	CHECK(b != NULL);
	for (r = 0; b != NULL && r < PROC_MAX; r++) {
		ja = conf_json(a, r);
		jb = conf_json(b, r);
		CHECK_STR(jb, ja);
		free(ja);
		free(jb);
	}
	conf_free(a);
	conf_free(b);
	TEST_END();
}

int
main(void)
{
	log_init(1, LOG_DAEMON);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-conf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		err(1, "mkdtemp");
	if (chdir(tmpdir) == -1)
		err(1, "chdir");

	test_duration();
	test_size();
	test_names();
	test_symset();
	test_defaults();
	test_macros();
	test_cmdline_precedence();
	test_include();
	test_include_bad();
	test_ids();
	test_listeners();
	test_bad();
	test_secrets();
	test_json();
	test_dump();

	if (chdir("/") == -1)
		err(1, "chdir");
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	TEST_EXIT();
}
