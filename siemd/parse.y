/*
 * The siemd.conf language: lexer, grammar and the checks only the
 * privileged parent can make (files exist and are readable, the
 * secrets file is safe, labels resolve).  Every error is reported as
 * "file:line: message" and parsing goes on, so that one run of
 * siemd -n lists all of them; parse_config() then returns NULL.
 *
 * Strings produced by the lexer live in a pool freed when parsing
 * ends; whatever the configuration keeps is copied out of it.  Block
 * options are collected in static structures and turned into a
 * listener, tail, user or key when the whole statement has been
 * read, so error recovery never leaves half-built objects behind.
 */

%{
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "siemd.h"
#include "sigma.h"

/* keep the lexer private to this file */
#define yylex		conf_yylex

#define CONF_MAX_TOKEN		8192
#define CONF_MIN_RCVBUF		(4 * 1024)
#define CONF_MAX_RCVBUF		(1024 * 1024 * 1024)
#define CONF_MIN_MAXMSG		256
#define CONF_MAX_LATENESS	3600		/* seconds */
#define CONF_MAX_SUPPRESS	(7 * 86400)	/* seconds */
#define CONF_MAX_QUERY_TIMEOUT	50		/* seconds, under the web
						   process's 60s for an answer */
#define CONF_MAX_GROUPS		10000000
#define CONF_MAX_SILENT		(30 * 86400)
/* a record and its header must fit one batch to the parser */
#define CONF_MAX_MAXMSG		(RECORDS_BATCH_MAX - 1024)
#define CONF_MAX_CONNS		65535
#define CONF_MAX_IDLE		(7 * 86400)
#define CONF_MAX_HANDSHAKE	300
#define CONF_MIN_BODY		1024
#define CONF_MAX_BODY		(1024 * 1024 * 1024)
#define CONF_MAX_RATE		1000000
#define CONF_MIN_LIFETIME	60
#define CONF_MAX_LIFETIME	(365 * 86400)

struct file {
	TAILQ_ENTRY(file)	 entry;
	FILE			*stream;
	char			*name;
	int			*unget;		/* pushed-back bytes, a stack */
	size_t			 ungetlen;
	size_t			 ungetsize;
	int			 lineno;
	int			 lastline;	/* of the last token not '\n' */
	int			 depth;		/* include nesting */
	int			 eof_reached;
};
TAILQ_HEAD(files, file);

struct sym {
	TAILQ_ENTRY(sym)	 entry;
	int			 persist;	/* -D: the file cannot change */
	char			*name;
	char			*value;
};
TAILQ_HEAD(syms, sym);

struct pstr {
	struct pstr		*next;
	char			 s[];
};

/* What one listen statement said, before it becomes a listener. */
struct listen_cur {
	char			*addr;
	int64_t			 port;		/* -1: invalid */
	int			 proto;		/* -1: not given */
	int			 block;		/* a { } block was given */
	int			 error;		/* syntax error inside */
	int64_t			 rcvbuf;	/* -1: not given */
	int64_t			 maxmsg;
	int64_t			 maxconns;
	int64_t			 idle;
	int64_t			 handshake;
	int64_t			 silent;	/* -1: not given */
	char			*cert;
	char			*key;
	char			*ca;
};

struct tail_cur {
	int			 error;
	char			*match;
	int			 format;	/* -1: not given */
	char			*app;
	int			 start;		/* -1: not given */
	int64_t			 silent;	/* -1: not given */
};

struct user_cur {
	int			 error;
	int			 role;		/* -1: not given */
	char			*password;
	char			*secret;
};

typedef struct {
	union {
		int64_t		 number;
		char		*string;
	} v;
	int lineno;
} YYSTYPE;
#define YYSTYPE_IS_DECLARED 1

static struct files		 files = TAILQ_HEAD_INITIALIZER(files);
static struct syms		 symhead = TAILQ_HEAD_INITIALIZER(symhead);
static struct file		*file, *topfile;
static struct siemd_conf	*conf;
static struct pstr		*pool;
static int			 errors;
static int			 lexerror;	/* the lexer already said why */
static char			 lasttok[64];	/* for "syntax error near" */
static int			 prevtok;	/* the token returned before */
static char			 stmtword[64];	/* unknown word at line start */
static int			 stmtword_line;
static struct listen_cur	 lcur;
static struct tail_cur		 tcur;
static struct user_cur		 ucur;
static int			 api_listens;
static int			 secrets_ok;
static int			 seen_database, seen_retention, seen_size;
static int			 seen_part_rows, seen_part_every;
static int			 seen_late, seen_groups, seen_rule_groups;
static int			 seen_suppress;
static int			 seen_parsers, seen_rules, seen_chroot;
static int			 seen_mapping;

static int	 yylex(void);
static int	 lex(void);
static int	 followed_by(int);
static void	 yyerror(const char *);
static void	 conferr(int, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static struct file *pushfile(const char *, int);
static int	 popfile(void);
static int	 lgetc(int);
static void	 lungetc(int);
static int	 findeol(void);
static int	 lookup(const char *);
static int	 valid_utf8(const char *);
static char	*pstrdup(const char *);
static int	 symset(const char *, const char *, int);
static const char *symget(const char *);
static int	 valid_macro_name(const char *);
static int	 valid_name(const char *);
static int	 valid_text(const char *);
static void	 conf_include(const char *, int);
static void	 set_secrets(const char *, int);
static void	 check_file(const char *, const char *, int);
static int	 check_dir(const char *, const char *, int);
static void	 load_mapping(const char *, int);
static char	*xstrdup(const char *);
static void	 listen_reset(void);
static void	 listen_add(int, int);
static int	 listen_addr(const char *, int64_t, struct sockaddr_storage *,
		    socklen_t *);
static struct siemd_listener *listen_find(struct siemd_listener *);
static void	 tail_reset(void);
static void	 tail_add(const char *, int);
static void	 user_reset(void);
static void	 user_add(const char *, int);
static void	 ingestkey_add(const char *, int);
static void	 api_done(int);
static void	 api_option_prefix(const char *, int);
static void	 api_option_cors(const char *, int);
static void	 api_option_proxy(const char *, int);
static int	 check_cidr(const char *);
static void	 strlist_add(struct siemd_strlists *, const char *);
static int	 valid_match(const char *);
static void	 conf_finish(void);
static void	 conf_init(struct siemd_conf *);
static void	 listeners_free(struct siemd_listeners *);
static void	 strlist_free(struct siemd_strlists *);
%}

%token	AFTER ALLOWLIST API APP BODY BUFFER CA CERTIFICATE CHROOT CLIENT CONNECTIONS CORRELATION CORS GROUPS LATENESS PER RULE
%token	DATABASE EVERY FORMAT FROM HANDSHAKE HTDOCS IDLE INCLUDE INGEST KEY LIFETIME
%token	LIMIT LISTEN MAPPING MATCH MAX MESSAGE METRICS ON ORIGIN PARSERS PARTITION PASSWORD PORT
%token	PREFIX PROXY QUERY RATE RECEIVE RETENTION ROLE ROWS RULES SECRET SECRETS SILENT SIZE
%token	START SUPPRESS TAIL TCP TIMEOUT TLS TOKEN TRUSTED UDP USER
%token	ERROR
%token	<v.string>	STRING
%token	<v.number>	NUMBER
%type	<v.number>	transport duration size port
%type	<v.string>	value

%%

grammar		: /* empty */
		| grammar include '\n'
		| grammar '\n'
		| grammar varset '\n'
		| grammar main '\n'
		| grammar error '\n'		{ yyerrok; }
		;

include		: INCLUDE STRING		{
			conf_include($2, $<lineno>1);
		}
		;

value		: STRING			{ $$ = $1; }
		| NUMBER			{
			char	 buf[32];

			snprintf(buf, sizeof(buf), "%lld", (long long)$1);
			$$ = pstrdup(buf);
		}
		;

varset		: STRING '=' value		{
			if (!valid_macro_name($1))
				conferr($<lineno>1, "invalid macro name \"%s\" "
				    "(letters, digits and _ only)", $1);
			else if (strchr($3, '$') != NULL)
				conferr($<lineno>1, "macro \"%s\": a value "
				    "cannot contain $", $1);
			else if (symset($1, $3, 0) == -1)
				fatal("%s: symset", __func__);
		}
		;

optnl		: /* empty */
		| optnl '\n'
		;

duration	: STRING			{
			if (($$ = conf_duration($1)) == -1)
				conferr($<lineno>1, "invalid duration \"%s\"",
				    $1);
		}
		| NUMBER			{ $$ = $1; }
		;

size		: STRING			{
			if (($$ = conf_size($1)) == -1)
				conferr($<lineno>1, "invalid size \"%s\"", $1);
		}
		| NUMBER			{ $$ = $1; }
		;

port		: NUMBER			{
			if ($1 < 1 || $1 > 65535) {
				conferr($<lineno>1, "port %lld out of range "
				    "(1-65535)", (long long)$1);
				$$ = -1;
			} else
				$$ = $1;
		}
		| STRING			{
			conferr($<lineno>1, "invalid port \"%s\"", $1);
			$$ = -1;
		}
		;

main		: SECRETS STRING		{
			set_secrets($2, $<lineno>1);
		}
		| DATABASE STRING		{
			if (seen_database++)
				conferr($<lineno>1, "duplicate database "
				    "statement");
			else if (*$2 == '\0')
				conferr($<lineno>1, "empty database path");
			else {
				free(conf->database);
				conf->database = xstrdup($2);
			}
		}
		| RETENTION duration		{
			if ($2 < 0)
				;	/* already reported */
			else if (seen_retention++)
				conferr($<lineno>1, "duplicate retention "
				    "statement");
			else
				conf->retention_age = $2;
		}
		| RETENTION SIZE size		{
			if ($3 < 0)
				;	/* already reported */
			else if (seen_size++)
				conferr($<lineno>1, "duplicate retention size "
				    "statement");
			else
				conf->retention_size = $3;
		}
		| PARTITION ROWS NUMBER		{
			if ($3 < SIEMD_PART_ROWS_MIN || $3 > SIEMD_PART_ROWS_MAX)
				conferr($<lineno>1, "partition rows must be "
				    "between %d and %lld", SIEMD_PART_ROWS_MIN,
				    (long long)SIEMD_PART_ROWS_MAX);
			else if (seen_part_rows++)
				conferr($<lineno>1, "duplicate partition rows "
				    "statement");
			else
				conf->part_rows = $3;
		}
		| PARTITION EVERY duration	{
			if ($3 < 0)
				;	/* already reported */
			else if ($3 < 1 || $3 > SIEMD_PART_EVERY_MAX)
				conferr($<lineno>1, "partition every must be "
				    "between 1s and 1d");
			else if (seen_part_every++)
				conferr($<lineno>1, "duplicate partition every "
				    "statement");
			else
				conf->part_every = $3;
		}
		| CORRELATION LATENESS duration	{
			if ($3 < 0)
				;	/* already reported */
			else if ($3 > CONF_MAX_LATENESS)
				conferr($<lineno>1, "correlation lateness must "
				    "be at most 1h");
			else if (seen_late++)
				conferr($<lineno>1, "duplicate correlation "
				    "lateness statement");
			else
				conf->corr_lateness = $3;
		}
		| CORRELATION MAX GROUPS NUMBER	{
			if ($4 < 100 || $4 > CONF_MAX_GROUPS)
				conferr($<lineno>1, "correlation max groups must "
				    "be between 100 and %d", CONF_MAX_GROUPS);
			else if (seen_groups++)
				conferr($<lineno>1, "duplicate correlation max "
				    "groups statement");
			else
				conf->corr_max_groups = $4;
		}
		| CORRELATION MAX GROUPS PER RULE NUMBER	{
			if ($6 < 10 || $6 > CONF_MAX_GROUPS)
				conferr($<lineno>1, "correlation max groups per "
				    "rule must be between 10 and %d",
				    CONF_MAX_GROUPS);
			else if (seen_rule_groups++)
				conferr($<lineno>1, "duplicate correlation max "
				    "groups per rule statement");
			else
				conf->corr_max_groups_rule = $6;
		}
		| CORRELATION SUPPRESS duration	{
			if ($3 < 0)
				;	/* already reported */
			else if ($3 < 1 || $3 > CONF_MAX_SUPPRESS)
				conferr($<lineno>1, "correlation suppress must "
				    "be between 1s and 7d");
			else if (seen_suppress++)
				conferr($<lineno>1, "duplicate correlation "
				    "suppress statement");
			else
				conf->corr_suppress = $3;
		}
		| ALLOWLIST STRING		{
			if (check_cidr($2) == -1)
				conferr($<lineno>1, "invalid allowlist entry "
				    "\"%s\" (address or address/prefix)", $2);
			else
				strlist_add(&conf->allowlist, $2);
		}
		| PARSERS NUMBER		{
			if ($2 < 1 || $2 > SIEMD_MAX_PARSERS)
				conferr($<lineno>1, "parsers must be between "
				    "1 and %d", SIEMD_MAX_PARSERS);
			else if (seen_parsers++)
				conferr($<lineno>1, "duplicate parsers "
				    "statement");
			else
				conf->parsers = $2;
		}
		| RULES STRING			{
			if (seen_rules++)
				conferr($<lineno>1, "duplicate rules "
				    "statement");
			else if (check_dir("rules directory", $2,
			    $<lineno>1) == 0) {
				free(conf->rules);
				conf->rules = xstrdup($2);
			}
		}
		| RULES MAPPING STRING		{
			if (seen_mapping++)
				conferr($<lineno>1, "duplicate rules mapping "
				    "statement");
			else
				load_mapping($3, $<lineno>1);
		}
		| CHROOT STRING			{
			if (seen_chroot++)
				conferr($<lineno>1, "duplicate chroot "
				    "statement");
			else if (check_dir("chroot directory", $2,
			    $<lineno>1) == 0) {
				free(conf->chroot);
				conf->chroot = xstrdup($2);
			}
		}
		| listen			{ listen_add(0, $<lineno>1); }
		| TAIL STRING tailblock		{ tail_add($2, $<lineno>1); }
		| API '{' optnl apiopts '}'	{ api_done($<lineno>1); }
		| API '{' optnl apiopts error '}' {
			yyerrok;
			api_done($<lineno>1);
		}
		| USER STRING userblock		{ user_add($2, $<lineno>1); }
		| INGEST KEY STRING keyblock	{
			ingestkey_add($3, $<lineno>1);
		}
		;

apiopts		: /* empty */
		| apiopts apiopt optnl
		| apiopts error '\n'		{ yyerrok; }
		;

apiopt		: listen			{
			api_listens++;
			listen_add(1, $<lineno>1);
		}
		| PREFIX STRING			{
			api_option_prefix($2, $<lineno>1);
		}
		| CORS ORIGIN STRING		{
			api_option_cors($3, $<lineno>1);
		}
		| TRUSTED PROXY STRING		{
			api_option_proxy($3, $<lineno>1);
		}
		| TOKEN LIFETIME duration	{
			if ($3 >= 0 && ($3 < CONF_MIN_LIFETIME ||
			    $3 > CONF_MAX_LIFETIME))
				conferr($<lineno>1, "token lifetime must be "
				    "between 1m and 365d");
			else if ($3 >= 0)
				conf->api.token_lifetime = $3;
		}
		| BODY LIMIT size		{
			if ($3 >= 0 && ($3 < CONF_MIN_BODY ||
			    $3 > CONF_MAX_BODY))
				conferr($<lineno>1, "body limit must be "
				    "between 1K and 1G");
			else if ($3 >= 0)
				conf->api.body_max = $3;
		}
		| METRICS FROM STRING		{
			if (check_cidr($3) == -1)
				conferr($<lineno>1, "invalid metrics from "
				    "\"%s\" (address or address/prefix)", $3);
			else
				strlist_add(&conf->api.metrics_from, $3);
		}
		| QUERY TIMEOUT duration	{
			if ($3 >= 0 && ($3 < 1 || $3 > CONF_MAX_QUERY_TIMEOUT))
				conferr($<lineno>1, "query timeout must be "
				    "between 1s and 50s");
			else if ($3 >= 0)
				conf->api.query_timeout = $3;
		}
		| RATE LIMIT NUMBER		{
			if ($3 < 1 || $3 > CONF_MAX_RATE)
				conferr($<lineno>1, "rate limit must be "
				    "between 1 and %d", CONF_MAX_RATE);
			else
				conf->api.rate_limit = $3;
		}
		| HTDOCS STRING			{
			if (check_dir("htdocs directory", $2,
			    $<lineno>1) == 0) {
				free(conf->api.htdocs);
				conf->api.htdocs = xstrdup($2);
			}
		}
		;

listen		: LISTEN ON STRING PORT port transport listenblock {
			lcur.addr = $3;
			lcur.port = $5;
			lcur.proto = $6;
		}
		;

transport	: /* empty */			{ $$ = -1; }
		| UDP				{ $$ = LISTEN_UDP; }
		| TCP				{ $$ = LISTEN_TCP; }
		| TLS				{ $$ = LISTEN_TLS; }
		;

listenblock	: /* empty */			{ listen_reset(); }
		| '{' optnl listenopts '}'	{ lcur.block = 1; }
		| '{' optnl listenopts error '}' {
			yyerrok;
			lcur.block = 1;
			lcur.error = 1;
		}
		;

listenopts	: /* empty */			{ listen_reset(); }
		| listenopts listenopt optnl
		| listenopts error '\n'		{ yyerrok; lcur.error = 1; }
		;

listenopt	: RECEIVE BUFFER size		{
			if ($3 >= 0 && ($3 < CONF_MIN_RCVBUF ||
			    $3 > CONF_MAX_RCVBUF))
				conferr($<lineno>1, "receive buffer must be "
				    "between 4K and 1G");
			else if (lcur.rcvbuf != -1)
				conferr($<lineno>1, "duplicate receive buffer");
			else
				lcur.rcvbuf = $3;
		}
		| MAX MESSAGE SIZE size		{
			if ($4 >= 0 && ($4 < CONF_MIN_MAXMSG ||
			    $4 > CONF_MAX_MAXMSG))
				conferr($<lineno>1, "max message size must be "
				    "between %d and %dK", CONF_MIN_MAXMSG,
				    CONF_MAX_MAXMSG / 1024);
			else if (lcur.maxmsg != -1)
				conferr($<lineno>1, "duplicate max message "
				    "size");
			else
				lcur.maxmsg = $4;
		}
		| MAX CONNECTIONS NUMBER	{
			if ($3 < 1 || $3 > CONF_MAX_CONNS)
				conferr($<lineno>1, "max connections must be "
				    "between 1 and %d", CONF_MAX_CONNS);
			else if (lcur.maxconns != -1)
				conferr($<lineno>1, "duplicate max "
				    "connections");
			else
				lcur.maxconns = $3;
		}
		| IDLE TIMEOUT duration		{
			if ($3 >= 0 && ($3 < 1 || $3 > CONF_MAX_IDLE))
				conferr($<lineno>1, "idle timeout must be "
				    "between 1s and 7d");
			else if (lcur.idle != -1)
				conferr($<lineno>1, "duplicate idle timeout");
			else
				lcur.idle = $3;
		}
		| SILENT AFTER duration		{
			if ($3 >= 0 && ($3 < 1 || $3 > CONF_MAX_SILENT))
				conferr($<lineno>1, "silent after must be "
				    "between 1s and 30d");
			else if (lcur.silent != -1)
				conferr($<lineno>1, "duplicate silent after");
			else
				lcur.silent = $3;
		}
		| HANDSHAKE TIMEOUT duration	{
			if ($3 >= 0 && ($3 < 1 || $3 > CONF_MAX_HANDSHAKE))
				conferr($<lineno>1, "handshake timeout must be "
				    "between 1s and 5m");
			else if (lcur.handshake != -1)
				conferr($<lineno>1, "duplicate handshake "
				    "timeout");
			else
				lcur.handshake = $3;
		}
		| CERTIFICATE STRING		{
			if (lcur.cert != NULL)
				conferr($<lineno>1, "duplicate certificate");
			else {
				lcur.cert = $2;
				check_file("certificate", $2, $<lineno>1);
			}
		}
		| KEY STRING			{
			if (lcur.key != NULL)
				conferr($<lineno>1, "duplicate key");
			else {
				lcur.key = $2;
				check_file("key", $2, $<lineno>1);
			}
		}
		| CLIENT CA STRING		{
			if (lcur.ca != NULL)
				conferr($<lineno>1, "duplicate client ca");
			else {
				lcur.ca = $3;
				check_file("client ca", $3, $<lineno>1);
			}
		}
		;

tailblock	: /* empty */			{ tail_reset(); }
		| '{' optnl tailopts '}'
		| '{' optnl tailopts error '}'	{ yyerrok; tcur.error = 1; }
		;

tailopts	: /* empty */			{ tail_reset(); }
		| tailopts tailopt optnl
		| tailopts error '\n'		{ yyerrok; tcur.error = 1; }
		;

tailopt		: MATCH STRING			{
			if (tcur.match != NULL)
				conferr($<lineno>1, "duplicate match");
			else if (!valid_match($2))
				conferr($<lineno>1, "invalid match pattern "
				    "\"%s\" (relative, without ..)", $2);
			else
				tcur.match = $2;
		}
		| FORMAT STRING			{
			int	 f;

			for (f = FORMAT_AUTO; f <= FORMAT_ACCESS; f++)
				if (strcmp($2, conf_format_name(f)) == 0)
					break;
			if (tcur.format != -1)
				conferr($<lineno>1, "duplicate format");
			else if (f > FORMAT_ACCESS)
				conferr($<lineno>1, "invalid format \"%s\" "
				    "(jsonl, syslog, auditd, access or auto)",
				    $2);
			else
				tcur.format = f;
		}
		| APP STRING			{
			if (tcur.app != NULL)
				conferr($<lineno>1, "duplicate app");
			else if (!valid_text($2))
				conferr($<lineno>1, "invalid app name \"%s\"",
				    $2);
			else
				tcur.app = $2;
		}
		| SILENT AFTER duration		{
			if ($3 >= 0 && ($3 < 1 || $3 > CONF_MAX_SILENT))
				conferr($<lineno>1, "silent after must be "
				    "between 1s and 30d");
			else if (tcur.silent != -1)
				conferr($<lineno>1, "duplicate silent after");
			else
				tcur.silent = $3;
		}
		| START STRING			{
			if (tcur.start != -1)
				conferr($<lineno>1, "duplicate start");
			else if (strcmp($2, "beginning") == 0)
				tcur.start = 1;
			else if (strcmp($2, "end") == 0)
				tcur.start = 0;
			else
				conferr($<lineno>1, "invalid start \"%s\" "
				    "(beginning or end)", $2);
		}
		;

userblock	: '{' optnl useropts '}'
		| '{' optnl useropts error '}'	{ yyerrok; ucur.error = 1; }
		;

useropts	: /* empty */			{ user_reset(); }
		| useropts useropt optnl
		| useropts error '\n'		{ yyerrok; ucur.error = 1; }
		;

useropt		: ROLE STRING			{
			int	 r;

			for (r = ROLE_VIEWER; r <= ROLE_ADMIN; r++)
				if (strcmp($2, conf_role_name(r)) == 0)
					break;
			if (ucur.role != -1)
				conferr($<lineno>1, "duplicate role");
			else if (r > ROLE_ADMIN)
				conferr($<lineno>1, "invalid role \"%s\" "
				    "(admin, analyst or viewer)", $2);
			else
				ucur.role = r;
		}
		| PASSWORD STRING		{
			if (ucur.password != NULL)
				conferr($<lineno>1, "duplicate password");
			else if (!valid_name($2)) {
				conferr($<lineno>1, "invalid secret label "
				    "\"%s\"", $2);
				ucur.error = 1;
			} else
				ucur.password = $2;
		}
		;

keyblock	: '{' optnl keyopts '}'
		| '{' optnl keyopts error '}'	{ yyerrok; ucur.error = 1; }
		;

keyopts		: /* empty */			{ user_reset(); }
		| keyopts keyopt optnl
		| keyopts error '\n'		{ yyerrok; ucur.error = 1; }
		;

keyopt		: SECRET STRING			{
			if (ucur.secret != NULL)
				conferr($<lineno>1, "duplicate secret");
			else if (!valid_name($2)) {
				conferr($<lineno>1, "invalid secret label "
				    "\"%s\"", $2);
				ucur.error = 1;
			} else
				ucur.secret = $2;
		}
		;

%%

struct keyword {
	const char	*name;
	int		 token;
};

/* Syntax errors from the generated parser. */
static void
yyerror(const char *msg)
{
	errors++;
	if (lexerror)
		return;
	if (strcmp(msg, "syntax error") != 0)
		log_warnx("%s:%d: %s", file->name, yylval.lineno, msg);
	else if (stmtword[0] != '\0' && stmtword_line == yylval.lineno)
		log_warnx("%s:%d: unknown keyword \"%s\"", file->name,
		    yylval.lineno, stmtword);
	else if (strcmp(lasttok, "\n") == 0)
		log_warnx("%s:%d: syntax error at end of line", file->name,
		    yylval.lineno);
	else if (lasttok[0] == '\0')
		log_warnx("%s:%d: unexpected end of file", file->name,
		    yylval.lineno);
	else
		log_warnx("%s:%d: syntax error near \"%s\"", file->name,
		    yylval.lineno, lasttok);
}

/* A semantic error at a given line of the file being read. */
static void
conferr(int line, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s:%d: %s", file->name, line, msg);
	errors++;
}

static int
lookup(const char *s)
{
	/* sorted for bsearch */
	static const struct keyword keywords[] = {
		{ "after",		AFTER },
		{ "allowlist",		ALLOWLIST },
		{ "api",		API },
		{ "app",		APP },
		{ "body",		BODY },
		{ "buffer",		BUFFER },
		{ "ca",			CA },
		{ "certificate",	CERTIFICATE },
		{ "chroot",		CHROOT },
		{ "client",		CLIENT },
		{ "connections",	CONNECTIONS },
		{ "correlation",	CORRELATION },
		{ "cors",		CORS },
		{ "database",		DATABASE },
		{ "every",		EVERY },
		{ "format",		FORMAT },
		{ "from",		FROM },
		{ "groups",		GROUPS },
		{ "handshake",		HANDSHAKE },
		{ "htdocs",		HTDOCS },
		{ "idle",		IDLE },
		{ "include",		INCLUDE },
		{ "ingest",		INGEST },
		{ "key",		KEY },
		{ "lateness",		LATENESS },
		{ "lifetime",		LIFETIME },
		{ "limit",		LIMIT },
		{ "listen",		LISTEN },
		{ "mapping",		MAPPING },
		{ "match",		MATCH },
		{ "max",		MAX },
		{ "message",		MESSAGE },
		{ "metrics",		METRICS },
		{ "on",			ON },
		{ "origin",		ORIGIN },
		{ "parsers",		PARSERS },
		{ "partition",		PARTITION },
		{ "password",		PASSWORD },
		{ "per",		PER },
		{ "port",		PORT },
		{ "prefix",		PREFIX },
		{ "proxy",		PROXY },
		{ "query",		QUERY },
		{ "rate",		RATE },
		{ "receive",		RECEIVE },
		{ "retention",		RETENTION },
		{ "role",		ROLE },
		{ "rows",		ROWS },
		{ "rule",		RULE },
		{ "rules",		RULES },
		{ "secret",		SECRET },
		{ "secrets",		SECRETS },
		{ "silent",		SILENT },
		{ "size",		SIZE },
		{ "start",		START },
		{ "suppress",		SUPPRESS },
		{ "tail",		TAIL },
		{ "tcp",		TCP },
		{ "timeout",		TIMEOUT },
		{ "tls",		TLS },
		{ "token",		TOKEN },
		{ "trusted",		TRUSTED },
		{ "udp",		UDP },
		{ "user",		USER }
	};
	size_t	 lo = 0, hi = sizeof(keywords) / sizeof(keywords[0]), mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(s, keywords[mid].name);
		if (c == 0)
			return (keywords[mid].token);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (STRING);
}

static void
lungetc(int c)
{
	int	*p;
	size_t	 n;

	if (c == EOF)
		return;
	if (file->ungetlen == file->ungetsize) {
		n = file->ungetsize ? file->ungetsize * 2 : 64;
		if ((p = reallocarray(file->unget, n, sizeof(*p))) == NULL)
			fatal("%s: reallocarray", __func__);
		file->unget = p;
		file->ungetsize = n;
	}
	file->unget[file->ungetlen++] = c;
}

/*
 * The next byte.  Outside quotes a backslash before a newline joins
 * lines; a file that ends without a newline gets one, then reading
 * continues in the file that included it.
 */
static int
lgetc(int quoted)
{
	int	 c, next;

	if (file->ungetlen > 0)
		return (file->unget[--file->ungetlen]);
	c = getc(file->stream);
	if (quoted)
		return (c);
	while (c == '\\') {
		next = getc(file->stream);
		if (next != '\n') {
			lungetc(next);
			break;
		}
		file->lineno++;
		c = getc(file->stream);
	}
	if (c == EOF) {
		if (!file->eof_reached) {
			file->eof_reached = 1;
			return ('\n');
		}
		if (file == topfile || popfile() == EOF)
			return (EOF);
		return (lgetc(0));
	}
	return (c);
}

/* Skip the rest of a bad line; the newline stays for error recovery. */
static int
findeol(void)
{
	int	 c;

	while ((c = lgetc(0)) != '\n' && c != EOF)
		;
	lungetc(c);
	lexerror = 1;
	return (ERROR);
}

static int
in_word(int c)
{
	return (c != EOF && (isalnum(c) || strchr("-_.:/*@%+~", c) != NULL));
}

/*
 * Is the next non-blank byte c?  Nothing is consumed but blanks, which
 * come back as one space.  Tells "name = value" from an unknown
 * keyword at the start of a line.
 */
static int
followed_by(int c)
{
	int	 next, blank = 0;

	while ((next = lgetc(0)) == ' ' || next == '\t')
		blank = 1;
	lungetc(next);
	if (blank)
		lungetc(' ');
	return (next == c);
}

static int
yylex(void)
{
	int	 tok;

	tok = lex();
	prevtok = tok;
	if (tok == 0)
		yylval.lineno = file->lastline ? file->lastline : 1;
	else if (tok != '\n')
		file->lastline = yylval.lineno;
	return (tok);
}

static int
lex(void)
{
	char		 buf[CONF_MAX_TOKEN];
	char		*p;
	const char	*val, *errstr;
	int		 c, quote, next, token, atstart;
	size_t		 i;

	lexerror = 0;
 top:
	p = buf;
	while ((c = lgetc(0)) == ' ' || c == '\t' || c == '\r')
		;
	yylval.lineno = file->lineno;
	if (c == '#')
		while ((c = lgetc(0)) != '\n' && c != EOF)
			;

	if (c == '$') {
		while ((c = lgetc(0)) != EOF && (isalnum(c) || c == '_')) {
			if (p + 1 >= buf + sizeof(buf))
				break;
			*p++ = c;
		}
		*p = '\0';
		lungetc(c);
		if (p == buf) {
			conferr(yylval.lineno, "missing macro name after $");
			return (findeol());
		}
		if ((val = symget(buf)) == NULL) {
			conferr(yylval.lineno, "macro \"%s\" not defined",
			    buf);
			return (findeol());
		}
		/* a value cannot contain '$', so this cannot recurse */
		for (i = strlen(val); i > 0; i--)
			lungetc((unsigned char)val[i - 1]);
		goto top;
	}

	if (c == '"' || c == '\'') {
		quote = c;
		for (;;) {
			c = lgetc(1);
			if (c == EOF || c == '\n') {
				conferr(yylval.lineno,
				    "unterminated quoted string");
				lungetc(c);
				return (findeol());
			}
			if (c == '\\') {
				next = lgetc(1);
				if (next == quote || next == '\\')
					c = next;
				else
					lungetc(next);
			} else if (c == quote)
				break;
			if (c == '\0') {
				conferr(yylval.lineno, "NUL byte in string");
				return (findeol());
			}
			if (p + 1 >= buf + sizeof(buf)) {
				conferr(yylval.lineno, "string too long");
				return (findeol());
			}
			*p++ = c;
		}
		*p = '\0';
		if (!valid_utf8(buf)) {
			conferr(yylval.lineno, "invalid UTF-8 in string");
			return (findeol());
		}
		strlcpy(lasttok, buf, sizeof(lasttok));
		yylval.v.string = pstrdup(buf);
		return (STRING);
	}

	if (in_word(c)) {
		do {
			if (p + 1 >= buf + sizeof(buf)) {
				conferr(yylval.lineno, "word too long");
				return (findeol());
			}
			*p++ = c;
		} while (in_word(c = lgetc(0)));
		lungetc(c);
		*p = '\0';
		strlcpy(lasttok, buf, sizeof(lasttok));
		if (strspn(buf, "0123456789") == strlen(buf)) {
			yylval.v.number = strtonum(buf, 0, LLONG_MAX, &errstr);
			if (errstr != NULL) {
				conferr(yylval.lineno, "number %s is %s", buf,
				    errstr);
				return (findeol());
			}
			return (NUMBER);
		}
		atstart = (prevtok == '\n' || prevtok == '{' || prevtok == 0);
		if (atstart) {
			stmtword[0] = '\0';
			/* "name = value": any word may name a macro */
			if (followed_by('=')) {
				yylval.v.string = pstrdup(buf);
				return (STRING);
			}
		}
		if ((token = lookup(buf)) != STRING)
			return (token);
		if (atstart) {
			strlcpy(stmtword, buf, sizeof(stmtword));
			stmtword_line = yylval.lineno;
		}
		yylval.v.string = pstrdup(buf);
		return (STRING);
	}

	if (c == '\n') {
		strlcpy(lasttok, "\n", sizeof(lasttok));
		yylval.lineno = file->lineno;
		file->lineno++;
	} else if (c == EOF)
		lasttok[0] = '\0';
	else if (isprint(c))
		snprintf(lasttok, sizeof(lasttok), "%c", c);
	else
		snprintf(lasttok, sizeof(lasttok), "\\x%02x", c);
	if (c == EOF)
		return (0);
	return (c);
}

static int
valid_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 cp;
	int			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return (0);
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates, beyond Unicode */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		p += n + 1;
	}
	return (1);
}

static struct file *
pushfile(const char *name, int line)
{
	struct file	*nfile;
	struct stat	 st;

	if ((nfile = calloc(1, sizeof(*nfile))) == NULL)
		fatal("%s: calloc", __func__);
	nfile->name = xstrdup(name);
	if ((nfile->stream = fopen(name, "r")) == NULL) {
		if (file == NULL)
			log_warnx("%s: %s", name, strerror(errno));
		else
			conferr(line, "cannot open include file %s: %s",
			    name, strerror(errno));
		goto fail;
	}
	if (fstat(fileno(nfile->stream), &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		if (file == NULL)
			log_warnx("%s: not a regular file", name);
		else
			conferr(line, "include file %s is not a regular file",
			    name);
		fclose(nfile->stream);
		goto fail;
	}
	/* an included file starts with a pushed-back newline */
	nfile->lineno = TAILQ_EMPTY(&files) ? 1 : 0;
	nfile->depth = file ? file->depth + 1 : 0;
	TAILQ_INSERT_TAIL(&files, nfile, entry);
	return (nfile);
 fail:
	free(nfile->name);
	free(nfile);
	return (NULL);
}

static int
popfile(void)
{
	struct file	*prev;

	if ((prev = TAILQ_PREV(file, files, entry)) != NULL)
		TAILQ_REMOVE(&files, file, entry);
	else
		return (EOF);
	fclose(file->stream);
	free(file->name);
	free(file->unget);
	free(file);
	file = prev;
	return (0);
}

static void
conf_include(const char *name, int line)
{
	struct file	*nfile;
	char		*path, *slash;

	if (file->depth >= SIEMD_MAX_INCLUDE_DEPTH) {
		conferr(line, "include %s: nested too deep (limit %d)", name,
		    SIEMD_MAX_INCLUDE_DEPTH);
		return;
	}
	/* relative to the directory of the including file */
	if (name[0] != '/' && (slash = strrchr(file->name, '/')) != NULL) {
		if (asprintf(&path, "%.*s/%s", (int)(slash - file->name),
		    file->name, name) == -1)
			fatal("%s: asprintf", __func__);
	} else
		path = xstrdup(name);
	nfile = pushfile(path, line);
	free(path);
	if (nfile == NULL)
		return;
	file = nfile;
	lungetc('\n');
}

static char *
pstrdup(const char *s)
{
	struct pstr	*ps;
	size_t		 len = strlen(s) + 1;

	if ((ps = malloc(sizeof(*ps) + len)) == NULL)
		fatal("%s: malloc", __func__);
	memcpy(ps->s, s, len);
	ps->next = pool;
	pool = ps;
	return (ps->s);
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return (NULL);
	if ((p = strdup(s)) == NULL)
		fatal("%s: strdup", __func__);
	return (p);
}

static int
symset(const char *name, const char *value, int persist)
{
	struct sym	*sym;

	TAILQ_FOREACH(sym, &symhead, entry)
		if (strcmp(name, sym->name) == 0)
			break;
	if (sym != NULL) {
		if (sym->persist && !persist)
			return (0);
		TAILQ_REMOVE(&symhead, sym, entry);
		free(sym->name);
		free(sym->value);
		free(sym);
	}
	if ((sym = calloc(1, sizeof(*sym))) == NULL)
		return (-1);
	if ((sym->name = strdup(name)) == NULL ||
	    (sym->value = strdup(value)) == NULL) {
		free(sym->name);
		free(sym);
		return (-1);
	}
	sym->persist = persist;
	TAILQ_INSERT_TAIL(&symhead, sym, entry);
	return (0);
}

static const char *
symget(const char *name)
{
	struct sym	*sym;

	TAILQ_FOREACH(sym, &symhead, entry)
		if (strcmp(name, sym->name) == 0)
			return (sym->value);
	return (NULL);
}

static int
valid_macro_name(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return (0);
	return (1);
}

/* User names, key names and secret labels. */
static int
valid_name(const char *s)
{
	size_t	 len = strlen(s);

	if (len == 0 || len >= SIEMD_MAX_NAME)
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) &&
		    strchr("-_.@:+", *s) == NULL)
			return (0);
	return (1);
}

/* Free text such as an app name: printable, bounded. */
static int
valid_text(const char *s)
{
	size_t	 len = strlen(s);

	if (len == 0 || len >= SIEMD_MAX_NAME)
		return (0);
	for (; *s != '\0'; s++)
		if (iscntrl((unsigned char)*s))
			return (0);
	return (1);
}

int
cmdline_symset(char *s)
{
	char	*eq, *name;
	int	 ret;

	if ((eq = strchr(s, '=')) == NULL || eq == s)
		return (-1);
	if ((name = strndup(s, eq - s)) == NULL)
		return (-1);
	if (!valid_macro_name(name) || strchr(eq + 1, '$') != NULL ||
	    strchr(eq + 1, '\n') != NULL) {
		free(name);
		return (-1);
	}
	ret = symset(name, eq + 1, 1);
	free(name);
	return (ret);
}

/* A file the parent will read later: it must open now. */
static void
check_file(const char *what, const char *path, int line)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		conferr(line, "cannot open %s %s: %s", what, path,
		    strerror(errno));
		return;
	}
	if (fstat(fd, &st) == -1)
		conferr(line, "%s %s: %s", what, path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		conferr(line, "%s %s is not a regular file", what, path);
	close(fd);
}

static int
check_dir(const char *what, const char *path, int line)
{
	struct stat	 st;

	if (*path == '\0') {
		conferr(line, "empty %s", what);
		return (-1);
	}
	if (stat(path, &st) == -1) {
		conferr(line, "%s %s: %s", what, path, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		conferr(line, "%s %s is not a directory", what, path);
		return (-1);
	}
	return (0);
}

/*
 * rules mapping "FILE": read now and compiled once to check it (the
 * error names the YAML line); its text goes to correlate and web.
 */
static void
load_mapping(const char *path, int line)
{
	struct sigma_map	*m;
	char			 err[SIGMA_REASON_LEN], *buf;
	ssize_t			 n = 0;
	size_t			 len = 0;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		conferr(line, "rules mapping %s: %s", path, strerror(errno));
		return;
	}
	if ((buf = malloc(SIGMA_MAX_FILE + 1)) == NULL)
		fatal("%s: malloc", __func__);
	while (len <= SIGMA_MAX_FILE &&
	    (n = read(fd, buf + len, SIGMA_MAX_FILE + 1 - len)) > 0)
		len += n;
	if (n == -1) {
		conferr(line, "rules mapping %s: %s", path, strerror(errno));
		close(fd);
		goto bad;
	}
	close(fd);
	if (len > SIGMA_MAX_FILE) {
		conferr(line, "rules mapping %s: larger than %d bytes", path,
		    SIGMA_MAX_FILE);
		goto bad;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		conferr(line, "rules mapping %s: not a text file", path);
		goto bad;
	}
	if ((m = sigma_map_load_buf(buf, len, err, sizeof(err))) == NULL) {
		conferr(line, "rules mapping %s: %s", path, err);
		goto bad;
	}
	sigma_map_free(m);
	free(conf->rules_mapping);
	free(conf->mapping_text);
	conf->rules_mapping = xstrdup(path);
	conf->mapping_text = buf;
	return;
 bad:
	free(buf);
}

static void
set_secrets(const char *path, int line)
{
	if (conf->secrets_file != NULL) {
		conferr(line, "duplicate secrets statement");
		return;
	}
	conf->secrets_file = xstrdup(path);
	free(conf->secrets_where);
	if (asprintf(&conf->secrets_where, "%s:%d", file->name, line) == -1)
		fatal("%s: asprintf", __func__);
	if (conf_load_secrets(conf) == -1)
		errors++;
	else
		secrets_ok = 1;
}

static void
listen_reset(void)
{
	memset(&lcur, 0, sizeof(lcur));
	lcur.rcvbuf = lcur.maxmsg = lcur.maxconns = -1;
	lcur.idle = lcur.handshake = lcur.silent = -1;
}

/*
 * Numeric addresses only: the parent never asks DNS while reading
 * its configuration.  "*" is any IPv4 address; "localhost" is
 * 127.0.0.1.
 */
static int
listen_addr(const char *addr, int64_t port, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct addrinfo	 hints, *res;

	if (strcmp(addr, "*") == 0)
		addr = "0.0.0.0";
	else if (strcmp(addr, "localhost") == 0)
		addr = "127.0.0.1";
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if (getaddrinfo(addr, NULL, &hints, &res) != 0)
		return (-1);
	if (res->ai_addrlen > sizeof(*ss) || (res->ai_family != AF_INET &&
	    res->ai_family != AF_INET6)) {
		freeaddrinfo(res);
		return (-1);
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return (0);
}

static int
same_transport(enum listen_proto a, enum listen_proto b)
{
	return ((a == LISTEN_UDP) == (b == LISTEN_UDP));
}

/* Another listener on the same address, port and transport. */
static struct siemd_listener *
listen_find(struct siemd_listener *l)
{
	struct siemd_listeners	*lists[2];
	struct siemd_listener	*o;
	int			 i;

	lists[0] = &conf->listeners;
	lists[1] = &conf->api.listeners;
	for (i = 0; i < 2; i++)
		TAILQ_FOREACH(o, lists[i], entry)
			if (o->port == l->port &&
			    same_transport(o->proto, l->proto) &&
			    o->sslen == l->sslen &&
			    memcmp(&o->ss, &l->ss, l->sslen) == 0)
				return (o);
	return (NULL);
}

static void
listen_add(int api, int line)
{
	struct siemd_listener	*l, *o;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = 0;
	int			 proto, ok = 1;

	if (lcur.error)
		return;
	proto = lcur.proto;
	if (api) {
		if (proto == -1)
			proto = LISTEN_HTTP;
		else if (proto == LISTEN_TLS)
			proto = LISTEN_HTTPS;
		else {
			conferr(line, "api listeners are plain http or tls, "
			    "not %s", conf_proto_name(proto));
			return;
		}
	} else if (proto == -1) {
		conferr(line, "listen on %s port %lld: missing udp, tcp or "
		    "tls", lcur.addr, (long long)lcur.port);
		return;
	}
	if (listen_addr(lcur.addr, lcur.port > 0 ? lcur.port : 1, &ss,
	    &sslen) == -1) {
		conferr(line, "invalid listen address \"%s\" (numeric "
		    "address, * or localhost)", lcur.addr);
		ok = 0;
	}

	if (lcur.rcvbuf != -1 && proto != LISTEN_UDP) {
		conferr(line, "receive buffer is only valid for udp "
		    "listeners");
		ok = 0;
	}
	if (lcur.maxmsg != -1 && proto != LISTEN_TCP && proto != LISTEN_TLS &&
	    proto != LISTEN_UDP) {
		conferr(line, "max message size is only valid for syslog "
		    "listeners");
		ok = 0;
	}
	if ((lcur.maxconns != -1 || lcur.idle != -1) &&
	    proto == LISTEN_UDP) {
		conferr(line, "max connections and idle timeout are not "
		    "valid for udp listeners");
		ok = 0;
	}
	if (proto != LISTEN_TLS && proto != LISTEN_HTTPS &&
	    (lcur.cert != NULL || lcur.key != NULL || lcur.ca != NULL ||
	    lcur.handshake != -1)) {
		conferr(line, "certificate, key, client ca and handshake "
		    "timeout are only valid for tls listeners");
		ok = 0;
	}
	if (proto == LISTEN_HTTPS && lcur.ca != NULL) {
		conferr(line, "client ca is not supported on api listeners");
		ok = 0;
	}
	if (proto == LISTEN_TLS || proto == LISTEN_HTTPS) {
		if (!lcur.block) {
			conferr(line, "tls listener on %s port %lld needs a "
			    "{ certificate ... key ... } block", lcur.addr,
			    (long long)lcur.port);
			ok = 0;
		} else {
			if (lcur.cert == NULL) {
				conferr(line, "tls listener on %s port %lld "
				    "has no certificate", lcur.addr,
				    (long long)lcur.port);
				ok = 0;
			}
			if (lcur.key == NULL) {
				conferr(line, "tls listener on %s port %lld "
				    "has no key", lcur.addr,
				    (long long)lcur.port);
				ok = 0;
			}
		}
	}
	if (lcur.port == -1 || !ok)
		return;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s: calloc", __func__);
	l->proto = proto;
	l->addr = xstrdup(lcur.addr);
	l->ss = ss;
	l->sslen = sslen;
	l->port = lcur.port;
	l->rcvbuf = lcur.rcvbuf != -1 ? (size_t)lcur.rcvbuf : SIEMD_RCVBUF;
	l->maxmsg = lcur.maxmsg != -1 ? (size_t)lcur.maxmsg : SIEMD_MAX_LINE;
	l->maxconns = lcur.maxconns != -1 ? lcur.maxconns : SIEMD_MAX_CONNS;
	l->idle_timeout = lcur.idle != -1 ? lcur.idle : SIEMD_IDLE_TIMEOUT;
	l->handshake_timeout = lcur.handshake != -1 ? lcur.handshake :
	    SIEMD_HANDSHAKE_TIMEOUT;
	l->silent_after = lcur.silent != -1 ? lcur.silent : 0;
	l->cert = xstrdup(lcur.cert);
	l->key = xstrdup(lcur.key);
	l->ca = xstrdup(lcur.ca);
	l->fd = -1;
	l->file = xstrdup(file->name);
	l->line = line;

	if ((o = listen_find(l)) != NULL) {
		conferr(line, "duplicate listener on %s port %lld (%s "
		    "listener already at %s:%d)", lcur.addr,
		    (long long)lcur.port, conf_proto_name(o->proto), o->file,
		    o->line);
		free(l->addr);
		free(l->cert);
		free(l->key);
		free(l->ca);
		free(l->file);
		free(l);
		return;
	}
	if (api)
		TAILQ_INSERT_TAIL(&conf->api.listeners, l, entry);
	else
		TAILQ_INSERT_TAIL(&conf->listeners, l, entry);
}

static void
tail_reset(void)
{
	memset(&tcur, 0, sizeof(tcur));
	tcur.format = tcur.start = -1;
	tcur.silent = -1;
}

/* Relative, no ".." component: files must stay under the directory. */
static int
valid_match(const char *s)
{
	const char	*p;

	if (*s == '\0' || *s == '/')
		return (0);
	for (p = s; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return (0);
	}
	return (1);
}

static void
tail_add(const char *dir, int line)
{
	struct siemd_tail	*t;

	if (tcur.error)
		return;
	if (check_dir("tail directory", dir, line) == -1)
		return;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		fatal("%s: calloc", __func__);
	t->dir = xstrdup(dir);
	t->match = xstrdup(tcur.match != NULL ? tcur.match : "*");
	t->format = tcur.format != -1 ? tcur.format : FORMAT_AUTO;
	t->app = xstrdup(tcur.app);
	t->start_beginning = tcur.start == 1;
	t->silent_after = tcur.silent != -1 ? tcur.silent : 0;
	t->file = xstrdup(file->name);
	t->line = line;
	TAILQ_INSERT_TAIL(&conf->tails, t, entry);
}

static void
user_reset(void)
{
	memset(&ucur, 0, sizeof(ucur));
	ucur.role = -1;
}

static void
user_add(const char *name, int line)
{
	struct siemd_user	*u;

	if (ucur.error)
		return;
	if (!valid_name(name)) {
		conferr(line, "invalid user name \"%s\"", name);
		return;
	}
	TAILQ_FOREACH(u, &conf->users, entry)
		if (strcmp(u->name, name) == 0) {
			conferr(line, "duplicate user \"%s\" (first at "
			    "%s:%d)", name, u->file, u->line);
			return;
		}
	if (ucur.password == NULL) {
		conferr(line, "user \"%s\" has no password", name);
		return;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL)
		fatal("%s: calloc", __func__);
	u->name = xstrdup(name);
	u->role = ucur.role != -1 ? ucur.role : ROLE_VIEWER;
	u->password = xstrdup(ucur.password);
	u->file = xstrdup(file->name);
	u->line = line;
	TAILQ_INSERT_TAIL(&conf->users, u, entry);
}

static void
ingestkey_add(const char *name, int line)
{
	struct siemd_ingestkey	*k;

	if (ucur.error)
		return;
	if (!valid_name(name)) {
		conferr(line, "invalid ingest key name \"%s\"", name);
		return;
	}
	TAILQ_FOREACH(k, &conf->ingestkeys, entry)
		if (strcmp(k->name, name) == 0) {
			conferr(line, "duplicate ingest key \"%s\" (first at "
			    "%s:%d)", name, k->file, k->line);
			return;
		}
	if (ucur.secret == NULL) {
		conferr(line, "ingest key \"%s\" has no secret", name);
		return;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL)
		fatal("%s: calloc", __func__);
	k->name = xstrdup(name);
	k->secret = xstrdup(ucur.secret);
	k->file = xstrdup(file->name);
	k->line = line;
	TAILQ_INSERT_TAIL(&conf->ingestkeys, k, entry);
}

static void
api_done(int line)
{
	if (conf->api_set) {
		conferr(line, "duplicate api block");
		return;
	}
	conf->api_set = 1;
	if (api_listens == 0)
		conferr(line, "api block without a listen statement");
}

/* "" or "/a/b": safe URL path characters, no "//" or ".." */
static void
api_option_prefix(const char *prefix, int line)
{
	char		*p;
	size_t		 len;

	if ((*prefix != '\0' && *prefix != '/') ||
	    strspn(prefix, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/") != strlen(prefix) ||
	    strstr(prefix, "//") != NULL || strstr(prefix, "/../") != NULL ||
	    strstr(prefix, "/./") != NULL ||
	    ((len = strlen(prefix)) >= 3 &&
	    strcmp(prefix + len - 3, "/..") == 0) ||
	    ((len = strlen(prefix)) >= 2 &&
	    strcmp(prefix + len - 2, "/.") == 0)) {
		conferr(line, "invalid prefix \"%s\" (a path such as "
		    "/siem)", prefix);
		return;
	}
	p = xstrdup(prefix);
	len = strlen(p);
	while (len > 0 && p[len - 1] == '/')
		p[--len] = '\0';
	free(conf->api.prefix);
	conf->api.prefix = p;
}

/* scheme://host[:port], nothing after it: what browsers send. */
static void
api_option_cors(const char *origin, int line)
{
	const char	*host;

	if (strncmp(origin, "https://", 8) == 0)
		host = origin + 8;
	else if (strncmp(origin, "http://", 7) == 0)
		host = origin + 7;
	else
		host = NULL;
	if (host == NULL || *host == '\0' || strchr(host, '/') != NULL ||
	    strpbrk(host, " \t\"'*?#") != NULL) {
		conferr(line, "invalid cors origin \"%s\" "
		    "(scheme://host[:port])", origin);
		return;
	}
	strlist_add(&conf->api.cors, origin);
}

/* An address or address/prefix, v4 or v6: 0, or -1. */
static int
check_cidr(const char *s)
{
	unsigned char	 buf[sizeof(struct in6_addr)];
	char		 addr[INET6_ADDRSTRLEN];
	const char	*slash, *errstr;
	int		 max;

	slash = strchr(s, '/');
	if ((slash ? (size_t)(slash - s) : strlen(s)) >= sizeof(addr))
		return (-1);
	strlcpy(addr, s, slash ? (size_t)(slash - s) + 1 : sizeof(addr));
	if (inet_pton(AF_INET, addr, buf) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, addr, buf) == 1)
		max = 128;
	else
		return (-1);
	if (slash != NULL) {
		if (slash[1] == '\0' ||
		    strspn(slash + 1, "0123456789") != strlen(slash + 1))
			return (-1);
		strtonum(slash + 1, 0, max, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	return (0);
}

static void
api_option_proxy(const char *s, int line)
{
	if (check_cidr(s) == -1)
		conferr(line, "invalid trusted proxy \"%s\" (address or "
		    "address/prefix)", s);
	else
		strlist_add(&conf->api.proxies, s);
}

static void
strlist_add(struct siemd_strlists *list, const char *s)
{
	struct siemd_strlist	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("%s: calloc", __func__);
	e->value = xstrdup(s);
	TAILQ_INSERT_TAIL(list, e, entry);
}

/* Checks that need the whole file: labels, the api block, ids. */
static void
conf_finish(void)
{
	struct siemd_user	*u;
	struct siemd_ingestkey	*k;
	struct siemd_listener	*l;
	struct siemd_tail	*t;
	int			 id;

	TAILQ_FOREACH(u, &conf->users, entry) {
		if (conf->secrets_file == NULL) {
			log_warnx("%s:%d: user \"%s\": password \"%s\" needs "
			    "a secrets statement", u->file, u->line, u->name,
			    u->password);
			errors++;
		} else if (secrets_ok &&
		    conf_secret(conf, u->password) == NULL) {
			log_warnx("%s:%d: user \"%s\": password \"%s\" is not "
			    "in secrets file %s", u->file, u->line, u->name,
			    u->password, conf->secrets_file);
			errors++;
		}
	}
	TAILQ_FOREACH(k, &conf->ingestkeys, entry) {
		if (conf->secrets_file == NULL) {
			log_warnx("%s:%d: ingest key \"%s\": secret \"%s\" "
			    "needs a secrets statement", k->file, k->line,
			    k->name, k->secret);
			errors++;
		} else if (secrets_ok &&
		    conf_secret(conf, k->secret) == NULL) {
			log_warnx("%s:%d: ingest key \"%s\": secret \"%s\" is "
			    "not in secrets file %s", k->file, k->line,
			    k->name, k->secret, conf->secrets_file);
			errors++;
		}
	}

	id = 0;
	TAILQ_FOREACH(l, &conf->listeners, entry)
		l->id = id++;
	TAILQ_FOREACH(l, &conf->api.listeners, entry)
		l->id = id++;
	conf->nlisteners = id;
	id = 0;
	TAILQ_FOREACH(t, &conf->tails, entry)
		t->id = id++;
}

static void
conf_init(struct siemd_conf *c)
{
	TAILQ_INIT(&c->listeners);
	TAILQ_INIT(&c->tails);
	TAILQ_INIT(&c->api.listeners);
	TAILQ_INIT(&c->api.cors);
	TAILQ_INIT(&c->api.proxies);
	TAILQ_INIT(&c->api.metrics_from);
	TAILQ_INIT(&c->allowlist);
	TAILQ_INIT(&c->users);
	TAILQ_INIT(&c->ingestkeys);
	TAILQ_INIT(&c->secrets);
	c->database = xstrdup(SIEMD_DATABASE);
	c->retention_age = SIEMD_RETENTION;
	c->retention_size = 0;
	c->part_rows = SIEMD_PART_ROWS;
	c->part_every = 0;		/* one UTC day, see store.c */
	c->corr_lateness = -1;
	c->corr_suppress = -1;
	c->api.query_timeout = SIEMD_QUERY_TIMEOUT;
	c->parsers = 1;
	c->rules = xstrdup(SIEMD_RULES);
	c->chroot = xstrdup(SIEMD_EMPTY);
	c->api.prefix = xstrdup("");
	c->api.token_lifetime = SIEMD_TOKEN_LIFETIME;
	c->api.body_max = SIEMD_BODY_MAX;
	c->api.rate_limit = SIEMD_RATE_LIMIT;
	c->api.htdocs = xstrdup(SIEMD_HTDOCS);
}

struct siemd_conf *
parse_config(const char *filename, int flags)
{
	struct siemd_conf	*c;
	struct sym		*sym, *next;
	struct pstr		*ps;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s: calloc", __func__);
	conf_init(c);
	c->conffile = xstrdup(filename);

	conf = c;
	errors = 0;
	secrets_ok = 0;
	api_listens = 0;
	prevtok = 0;
	stmtword[0] = '\0';
	seen_database = seen_retention = seen_size = 0;
	seen_part_rows = seen_part_every = 0;
	seen_late = seen_groups = seen_rule_groups = 0;
	seen_suppress = 0;
	seen_parsers = seen_rules = seen_chroot = seen_mapping = 0;
	file = NULL;
	if ((file = pushfile(filename, 0)) == NULL) {
		conf = NULL;
		conf_free(c);
		return (NULL);
	}
	topfile = file;

	yyparse();
	conf_finish();

	/* an aborted parse may leave included files open */
	while (file != topfile)
		popfile();
	fclose(file->stream);
	free(file->name);
	free(file->unget);
	TAILQ_REMOVE(&files, file, entry);
	free(file);
	file = topfile = NULL;

	while ((ps = pool) != NULL) {
		pool = ps->next;
		free(ps);
	}
	for (sym = TAILQ_FIRST(&symhead); sym != NULL; sym = next) {
		next = TAILQ_NEXT(sym, entry);
		if (sym->persist)
			continue;
		TAILQ_REMOVE(&symhead, sym, entry);
		free(sym->name);
		free(sym->value);
		free(sym);
	}
	memset(&lcur, 0, sizeof(lcur));
	memset(&tcur, 0, sizeof(tcur));
	memset(&ucur, 0, sizeof(ucur));
	conf = NULL;

	if (errors) {
		conf_free(c);
		return (NULL);
	}
	return (c);
}

static void
listeners_free(struct siemd_listeners *list)
{
	struct siemd_listener	*l;

	while ((l = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, l, entry);
		free(l->addr);
		free(l->cert);
		free(l->key);
		free(l->ca);
		free(l->file);
		free(l);
	}
}

static void
strlist_free(struct siemd_strlists *list)
{
	struct siemd_strlist	*e;

	while ((e = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, e, entry);
		free(e->value);
		free(e);
	}
}

void
conf_free(struct siemd_conf *c)
{
	struct siemd_tail	*t;
	struct siemd_user	*u;
	struct siemd_ingestkey	*k;
	struct siemd_secret	*s;

	if (c == NULL)
		return;
	listeners_free(&c->listeners);
	listeners_free(&c->api.listeners);
	strlist_free(&c->api.cors);
	strlist_free(&c->api.proxies);
	strlist_free(&c->api.metrics_from);
	strlist_free(&c->allowlist);
	while ((t = TAILQ_FIRST(&c->tails)) != NULL) {
		TAILQ_REMOVE(&c->tails, t, entry);
		free(t->dir);
		free(t->match);
		free(t->app);
		free(t->file);
		free(t);
	}
	while ((u = TAILQ_FIRST(&c->users)) != NULL) {
		TAILQ_REMOVE(&c->users, u, entry);
		free(u->name);
		free(u->password);
		free(u->file);
		free(u);
	}
	while ((k = TAILQ_FIRST(&c->ingestkeys)) != NULL) {
		TAILQ_REMOVE(&c->ingestkeys, k, entry);
		free(k->name);
		free(k->secret);
		free(k->file);
		free(k);
	}
	while ((s = TAILQ_FIRST(&c->secrets)) != NULL) {
		TAILQ_REMOVE(&c->secrets, s, entry);
		if (s->value != NULL) {
			explicit_bzero(s->value, s->len);
			free(s->value);
		}
		free(s->label);
		free(s);
	}
	free(c->conffile);
	free(c->secrets_file);
	free(c->secrets_where);
	free(c->database);
	free(c->rules);
	free(c->rules_mapping);
	free(c->mapping_text);
	free(c->chroot);
	free(c->api.prefix);
	free(c->api.htdocs);
	free(c);
}
