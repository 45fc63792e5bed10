/*
 * siemd: processes, the messages between them, limits, and the
 * configuration the parent parses and hands out on a need-to-know
 * basis.
 */

#ifndef SIEMD_H
#define SIEMD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../privsep/imsg.h"
#include "../privsep/log.h"
#include "../privsep/proc.h"
#include "../privsep/sandbox.h"

#define SIEMD_VERSION		"0.1"
#define SIEMD_USER		"_siemd"
#define SIEMD_DBUSER		"_siemdb"

#ifndef SIEMD_CONF
#define SIEMD_CONF		"/etc/siemd/siemd.conf"
#endif
#ifndef SIEMD_SOCKET
#define SIEMD_SOCKET		"/run/siemd.sock"
#endif
#ifndef SIEMD_EMPTY
#define SIEMD_EMPTY		"/var/empty"
#endif
#ifndef SIEMD_HTDOCS
#define SIEMD_HTDOCS		"/usr/local/share/siemd/htdocs"
#endif
#define SIEMD_DATABASE		"/var/db/siemd/siem.db"
#define SIEMD_RULES		"/etc/siemd/rules"

/* limits */
#define SIEMD_MAX_PARSERS	8
#define SIEMD_QUERY_PROCS	2
#define SIEMD_MAX_PAYLOAD	(1024 * 1024)	/* imsg payload per channel */
#define SIEMD_MAX_CONFIG	(4 * 1024 * 1024)	/* config sent to a child */
#define SIEMD_MAX_LINE		(64 * 1024)	/* default max message size */
#define SIEMD_MAX_SECRET	4096
#define SIEMD_MAX_NAME		256
#define SIEMD_MAX_INCLUDE_DEPTH	8
#define SIEMD_RCVBUF		(8 * 1024 * 1024)
#define SIEMD_MAX_CONNS		1024
#define SIEMD_IDLE_TIMEOUT	300	/* seconds */
#define SIEMD_HANDSHAKE_TIMEOUT	10	/* seconds */
#define SIEMD_TOKEN_LIFETIME	(7 * 86400)
#define SIEMD_BODY_MAX		(10 * 1024 * 1024)
#define SIEMD_RATE_LIMIT	200	/* requests per minute per token */
#define SIEMD_QUERY_TIMEOUT	10	/* seconds a query may run */
#define SIEMD_RETENTION		(30LL * 86400)
#define SIEMD_PART_ROWS		1000000	/* events per partition file */
#define SIEMD_PART_ROWS_MIN	100
#define SIEMD_PART_ROWS_MAX	1000000000LL
#define SIEMD_PART_EVERY_MAX	86400

/* Fields counted per value in a partition's rollup_value (on disk). */
#define ROLLUP_HOST		0	/* value host, by severity */
#define ROLLUP_APP		1	/* value app, by severity */
#define ROLLUP_TYPE		2	/* value event_type, value2 app or "" */
#define ROLLUP_HOST_TYPE	3	/* value event_type, value2 host */
#define ROLLUP_APP_HOUR		4	/* value app, bucket hour since 1970 */
#define SIEMD_STATUS_INTERVAL	1	/* seconds between status reports */

/* The processes; the order is the start order. */
enum siemd_proc {
	PROC_INGEST,
	PROC_PARSER,
	PROC_STORE,
	PROC_QUERY,
	PROC_CORRELATE,
	PROC_WEB,
	PROC_NOTIFY,
	PROC_MAX
};

/*
 * Messages.  X(name, comment) keeps each type and its name for -vv
 * traces in one place; payloads are described beside each type.
 */
#define SIEMD_IMSG_TYPES \
	X(IMSG_CFG_JSON,	"config categories: NUL-terminated JSON") \
	X(IMSG_CFG_SECRET,	"struct siemd_secret_hdr, then value bytes") \
	X(IMSG_CFG_LISTENER,	"fd: bound socket; struct siemd_listener_msg") \
	X(IMSG_CFG_TLSKEY,	"struct siemd_tlsfile_hdr, then PEM bytes") \
	X(IMSG_STATUS,		"child -> parent: NUL-terminated JSON counters") \
	X(IMSG_CTL_SHOW_STATUS,	"siemctl: no payload") \
	X(IMSG_CTL_SHOW_SOURCES,"siemctl: no payload") \
	X(IMSG_CTL_SHOW_RULES,	"siemctl: no payload") \
	X(IMSG_CTL_RELOAD,	"siemctl: no payload") \
	X(IMSG_CTL_LOG_VERBOSE,	"siemctl: int verbosity") \
	X(IMSG_CTL_TEXT,	"parent -> siemctl: NUL-terminated text") \
	X(IMSG_CTL_ERROR,	"parent -> siemctl: NUL-terminated text") \
	X(IMSG_CTL_END,		"parent -> siemctl: end of reply") \
	X(IMSG_TAIL_FILE,	"parent -> ingest: fd; struct tail_file, path") \
	X(IMSG_TAIL_GONE,	"parent -> ingest: int64 file id") \
	X(IMSG_SOURCE_FILE,	"ingest -> parser: struct source_file, path") \
	X(IMSG_RECORDS,		"ingest -> parser: struct record_hdr ...") \
	X(IMSG_EVENTS,		"parser -> store: packed events (event_wire)") \
	X(IMSG_FILE_REGISTER,	"parent -> store: struct file_register, path") \
	X(IMSG_FILE_REGISTERED,	"store -> parent: struct file_registered") \
	X(IMSG_STORED,		"store -> web, correlate: packed events with ids") \
	X(IMSG_INGEST_ACK,	"store -> web: struct ingest_ack") \
	X(IMSG_QUERY,		"web -> query: struct query_req, then JSON") \
	X(IMSG_QUERY_DATA,	"query -> web: struct query_chunk, then bytes") \
	X(IMSG_QUERY_CANCEL,	"web -> query: uint32 request id") \
	X(IMSG_REVOKE,		"web -> store: struct revoke") \
	X(IMSG_REVOKED_LIST,	"store -> web: NUL-terminated JSON array") \
	X(IMSG_STATUS_REQ,	"web -> parent: no payload") \
	X(IMSG_STATUS_ALL,	"parent -> web: NUL-terminated JSON processes") \
	X(IMSG_RULES_MAPPING,	"parent -> correlate, web: NUL-terminated mapping YAML") \
	X(IMSG_RULE_FILE,	"parent -> correlate: struct rule_file, path, yaml") \
	X(IMSG_RULES_DONE,	"parent -> correlate: the set is complete") \
	X(IMSG_ALERT,		"correlate -> store: NUL-terminated JSON alert") \
	X(IMSG_ALERT_STORED,	"store -> web: NUL-terminated JSON alert with id") \
	X(IMSG_REPLAY,		"correlate -> store: int64 since (received_at, us)") \
	X(IMSG_REPLAY_EVENTS,	"store -> correlate: packed events with ids") \
	X(IMSG_REPLAY_DONE,	"store -> correlate: struct replay_done") \
	X(IMSG_TRIAGE,		"web -> store: struct triage_msg, JSON") \
	X(IMSG_TRIAGE_DONE,	"store -> web: struct triage_msg, JSON") \
	X(IMSG_ADMIN_RELOAD,	"web -> parent: no payload") \
	X(IMSG_ADMIN_RELOADED,	"parent -> web: NUL-terminated JSON result") \
	X(IMSG_SUPPRESS,		"store -> correlate: NUL-terminated JSON silences, allow-list") \
	X(IMSG_RULES_STATUS,	"correlate -> parent: NUL-terminated JSON rules") \
	X(IMSG_RULES_REQ,	"web -> parent: no payload") \
	X(IMSG_RULES_ALL,	"parent -> web: NUL-terminated JSON rules") \
	X(IMSG_SOURCE_SILENT,	"parent -> correlate: NUL-terminated JSON source") \
	X(IMSG_RULE_SOURCE_REQ,	"web -> parent: NUL-terminated rule file path") \
	X(IMSG_RULE_SOURCE,	"parent -> web: NUL-terminated JSON path, yaml")

enum imsg_type {
	IMSG_SIEMD_FIRST = PROC_IMSG_FIRST_USER - 1,
#define X(n, c)	n,
	SIEMD_IMSG_TYPES
#undef X
	IMSG_SIEMD_LAST
};

struct siemd_secret_hdr {
	char		 label[SIEMD_MAX_NAME];
	uint32_t	 len;
	/* followed by len bytes */
};

struct siemd_listener_msg {
	int32_t		 id;
	int32_t		 proto;		/* enum listen_proto */
};

struct siemd_tlsfile_hdr {
	int32_t		 listener;	/* listener id */
	int32_t		 kind;		/* enum tls_file_kind */
	uint32_t	 len;
	/* followed by len bytes */
};

enum tls_file_kind {
	TLSFILE_CERT,
	TLSFILE_KEY,
	TLSFILE_CA
};

/*
 * Where a record came from.  Records of one source always go to the
 * same parser, so that a file's lines reach the store in order and a
 * committed offset never skips a line.
 */
enum source_kind {
	SOURCE_LISTENER,	/* id: listener id */
	SOURCE_FILE,		/* id: file id from the store's files table */
	SOURCE_HTTP		/* id: ingest key index */
};

/* IMSG_RECORDS carries one or more of these back to back. */
struct record_hdr {
	uint32_t	 len;		/* record bytes */
	uint8_t		 kind;		/* enum source_kind */
	uint8_t		 flags;		/* RECORD_* */
	uint8_t		 peerlen;	/* sender address bytes, no NUL */
	uint8_t		 pad;
	int64_t		 id;		/* listener or file id */
	int64_t		 received_at;	/* µs UTC */
	int64_t		 offset;	/* file: offset after the line; or -1 */
	/* followed by peerlen bytes of address, then len bytes */
};
#define RECORD_TRUNCATED	0x01	/* oversize: cut at max message */
#define RECORDS_BATCH_MAX	(256 * 1024)	/* bytes per IMSG_RECORDS */

/* IMSG_TAIL_FILE, parent -> ingest, with the open file's fd. */
struct tail_file {
	int64_t		 file_id;
	int64_t		 offset;	/* committed: resume here */
	int32_t		 tail_id;
	int32_t		 pad;
	/* followed by the NUL-terminated path */
};

/* IMSG_SOURCE_FILE, ingest -> every parser, before a file's records. */
struct source_file {
	int64_t		 file_id;
	int32_t		 tail_id;
	int32_t		 pad;
	/* followed by the NUL-terminated path */
};

/* IMSG_FILE_REGISTER, parent -> store: which offset to resume from. */
struct file_register {
	uint32_t	 reqid;
	int32_t		 tail_id;
	int32_t		 start_beginning;
	int32_t		 pad;
	uint64_t	 dev;
	uint64_t	 ino;
	int64_t		 size;
	/* followed by the NUL-terminated path */
};

/* IMSG_FILE_REGISTERED, store -> parent. */
struct file_registered {
	uint32_t	 reqid;
	int32_t		 pad;
	int64_t		 file_id;
	int64_t		 offset;
};

/*
 * IMSG_INGEST_ACK: the events of one HTTP ingest request are committed.
 * The parser stamps each event of the request with source id = reqid.
 */
struct ingest_ack {
	uint32_t	 reqid;
	uint32_t	 stored;
};

/* IMSG_REVOKE: a token id revoked until its expiry (logout). */
struct revoke {
	char		 jti[64];	/* NUL-terminated */
	int64_t		 exp;		/* epoch seconds */
};

/*
 * IMSG_REPLAY_DONE: the end of a replay (store_replay.c): events sent,
 * and 1 in truncated when a bound stopped it before the newest.
 */
struct replay_done {
	int64_t		 events;
	int64_t		 truncated;
};

/* IMSG_RULE_FILE: one rule file, read by the parent. */
struct rule_file {
	uint32_t	 pathlen;	/* with its NUL */
	uint32_t	 len;		/* YAML bytes */
	/* followed by the path, then len bytes of YAML */
};

/*
 * IMSG_TRIAGE: an analyst's change (store_triage.h), answered by one
 * IMSG_TRIAGE_DONE with the same reqid.
 */
struct triage_msg {
	uint32_t	 reqid;
	uint32_t	 pad;
	/* followed by NUL-terminated JSON */
};

/* IMSG_QUERY: one API read, answered by IMSG_QUERY_DATA chunks. */
struct query_req {
	uint32_t	 reqid;
	uint32_t	 kind;		/* what to run; defined by query.c */
	int32_t		 budget_ms;	/* time budget, then 503 */
	int32_t		 pad;
	/* followed by NUL-terminated JSON parameters */
};

struct query_chunk {
	uint32_t	 reqid;
	uint32_t	 flags;		/* QUERY_LAST, QUERY_ERROR */
	/* followed by bytes of the answer */
};
#define QUERY_LAST	0x01	/* the answer is complete */
#define QUERY_ERROR	0x02	/* bytes: NUL-terminated problem JSON */
/*
 * The answer's body comes in chunks without QUERY_LAST; the QUERY_LAST
 * chunk carries NUL-terminated JSON about the answer (rows, last id).
 */
enum query_kind {
	QK_EVENTS,		/* filters, cursor: event rows */
	QK_EVENT,		/* {"id"}: one event */
	QK_APPS,
	QK_EVENT_TYPES,		/* {"app"} or {} */
	QK_HOSTS,
	QK_HOST,		/* {"name"}: summary, types, recent */
	QK_STATS,
	QK_TIMELINE,		/* {"from","to","bucket"} from rollups */
	QK_TOP,			/* filters, "field", "scan" */
	QK_HEALTH,		/* the database opens; newest row */
	QK_ALERTS,		/* alert filters, keyset cursor: alert rows */
	QK_ALERT,		/* {"id", "bare"?}: alert, events, notes... */
	QK_ALERT_STATS,		/* {"since", "bucket", "buckets"} */
	QK_SILENCES,		/* {"active"?}: only those not expired */
	QK_ALLOWLIST,
	QK_MAX
};

/* configuration ---------------------------------------------------- */

enum listen_proto {
	LISTEN_UDP,
	LISTEN_TCP,
	LISTEN_TLS,
	LISTEN_HTTP,		/* api without tls */
	LISTEN_HTTPS		/* api with tls */
};

enum tail_format {
	FORMAT_AUTO,
	FORMAT_JSONL,
	FORMAT_SYSLOG,
	FORMAT_AUDITD,
	FORMAT_ACCESS
};

enum user_role {
	ROLE_VIEWER,
	ROLE_ANALYST,
	ROLE_ADMIN
};

struct siemd_listener {
	TAILQ_ENTRY(siemd_listener) entry;
	int			 id;
	enum listen_proto	 proto;
	char			*addr;		/* as written: "127.0.0.1" */
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	in_port_t		 port;
	size_t			 rcvbuf;	/* udp */
	size_t			 maxmsg;	/* tcp, tls */
	int			 maxconns;
	int			 idle_timeout;	/* seconds */
	int			 handshake_timeout;
	int64_t			 silent_after;	/* seconds, 0 = not watched */
	char			*cert;		/* tls: file names */
	char			*key;
	char			*ca;
	int			 fd;		/* parent: bound socket */
	char			*file;		/* where it was declared */
	int			 line;
};
TAILQ_HEAD(siemd_listeners, siemd_listener);

struct siemd_tail {
	TAILQ_ENTRY(siemd_tail)	 entry;
	int			 id;
	char			*dir;
	char			*match;		/* glob, may use ** */
	enum tail_format	 format;
	char			*app;		/* NULL: from the record */
	int			 start_beginning;
	int64_t			 silent_after;	/* seconds, 0 = not watched */
	char			*file;
	int			 line;
};
TAILQ_HEAD(siemd_tails, siemd_tail);

struct siemd_strlist {
	TAILQ_ENTRY(siemd_strlist) entry;
	char			*value;
};
TAILQ_HEAD(siemd_strlists, siemd_strlist);

struct siemd_api {
	struct siemd_listeners	 listeners;	/* LISTEN_HTTP/HTTPS */
	char			*prefix;	/* "" or "/siem" */
	struct siemd_strlists	 cors;
	struct siemd_strlists	 proxies;	/* addresses or CIDRs */
	struct siemd_strlists	 metrics_from;	/* may read /metrics */
	int64_t			 query_timeout;	/* seconds */
	int64_t			 token_lifetime;	/* seconds */
	size_t			 body_max;
	int			 rate_limit;	/* per minute per token */
	char			*htdocs;
};

struct siemd_user {
	TAILQ_ENTRY(siemd_user)	 entry;
	char			*name;
	enum user_role		 role;
	char			*password;	/* label in the secrets file */
	char			*file;
	int			 line;
};
TAILQ_HEAD(siemd_users, siemd_user);

struct siemd_ingestkey {
	TAILQ_ENTRY(siemd_ingestkey) entry;
	char			*name;
	char			*secret;	/* label in the secrets file */
	char			*file;
	int			 line;
};
TAILQ_HEAD(siemd_ingestkeys, siemd_ingestkey);

/* One "label value" line of the secrets file; only the parent reads it. */
struct siemd_secret {
	TAILQ_ENTRY(siemd_secret) entry;
	char			*label;
	char			*value;
	size_t			 len;
};
TAILQ_HEAD(siemd_secrets, siemd_secret);

struct siemd_conf {
	char			*conffile;
	char			*secrets_file;
	char			*secrets_where;	/* "file:line" of the statement */
	char			*database;
	int64_t			 retention_age;		/* seconds, 0 = off */
	int64_t			 retention_size;	/* bytes, 0 = off */
	int64_t			 part_rows;	/* events per partition */
	int64_t			 part_every;	/* seconds, 0 = UTC days */
	int64_t			 corr_lateness;	/* seconds, -1 = default */
	int64_t			 corr_max_groups;	/* 0 = default */
	int64_t			 corr_max_groups_rule;	/* 0 = default */
	int64_t			 corr_suppress;	/* seconds, -1 = timespan */
	struct siemd_strlists	 allowlist;	/* alerts never raised */
	int			 parsers;
	char			*rules;
	char			*rules_mapping;	/* Sigma mapping file, or NULL */
	char			*mapping_text;	/* its YAML, checked */
	char			*chroot;	/* empty dir for sandboxes */
	struct siemd_listeners	 listeners;	/* syslog */
	struct siemd_tails	 tails;
	struct siemd_api	 api;
	int			 api_set;
	struct siemd_users	 users;
	struct siemd_ingestkeys	 ingestkeys;
	struct siemd_secrets	 secrets;
	int			 nlisteners;	/* ids handed out so far */
};

/* parse.y */
struct siemd_conf *parse_config(const char *, int);
int	 cmdline_symset(char *);
void	 conf_free(struct siemd_conf *);

/* conf.c */
int64_t	 conf_duration(const char *);
int64_t	 conf_size(const char *);
const char *conf_proto_name(enum listen_proto);
const char *conf_format_name(enum tail_format);
const char *conf_role_name(enum user_role);
int	 conf_load_secrets(struct siemd_conf *);
struct siemd_secret *conf_secret(struct siemd_conf *, const char *);
char	*conf_json(struct siemd_conf *, int);
void	 conf_dump(struct siemd_conf *);

/* The parent's state. */
struct siemd_env {
	const char		*conffile;
	const char		*sockpath;
	enum sandbox_mode	 sbmode;
	char		       **saved_argv;
	int			 debug;
	int			 noaction;
	int			 verbose;
	char			*self;		/* path of our executable */
	const char		*notify_socket;
	struct siemd_conf	*conf;
	struct event_base	*evbase;
	struct proc_ctx		 ps;
	struct proc_role	 roles[PROC_MAX];
	time_t			 started;
	unsigned char		 secrets_digest[32];	/* of the values sent */
	char			*rules_status;	/* correlate's last report */
	char			*rules_invalid;	/* "path#doc\n" of the running
						   set's invalid rules */
};
extern struct siemd_env	 env;

/* siemd.c */
const char *imsg_type_name(uint32_t);
extern const struct proc_role siemd_roles[PROC_MAX];
int	 parent_reload(char *, size_t);
#define RELOAD_FAILED	-1	/* the file or a rule is invalid; nothing
				   changed */
#define RELOAD_RULES	1	/* only the rules changed; swapped live */
#define RELOAD_RESTART	2	/* processes start afresh */

/* sd_notify.c: the systemd readiness datagram, without libsystemd */
void	 sd_notify(const char *);

/* filters.c: one seccomp table per role */
const struct sandbox_policy *siemd_policy(int);

/* children */
__dead void	 ingest(struct proc_ctx *);
__dead void	 parser(struct proc_ctx *);
__dead void	 store(struct proc_ctx *);
__dead void	 query(struct proc_ctx *);
__dead void	 correlate(struct proc_ctx *);
__dead void	 web(struct proc_ctx *);
__dead void	 notify(struct proc_ctx *);

/* Microseconds: wall clock (event and record times) and monotonic. */
static inline int64_t
real_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static inline int64_t
mono_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

#endif /* SIEMD_H */
