/*
 * Alert triage in the store (see store_triage.h for the requests and
 * replies): every analyst's change to an alert is checked here, written
 * with a history row in the same transaction, and named in the reply so
 * that the store can announce the new state to live streams.  The web
 * process has checked the caller's role and passes the user as "who";
 * the values themselves are checked here, once, for the daemon and for
 * the unit tests alike.
 *
 * Also the JSON form of an alert, written the same way by the store
 * (announcements), the query process (reads) and the web process
 * (alerts announced by detection).
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "siemd.h"
#include "store_triage.h"

/*
 * Schema version 3, created by the store's migration and used as is by
 * the unit test: alerts, their notes and history, silences and the
 * allow-list.  An alert keeps the rule's author (the Sigma licence asks
 * for it) and at most 100 event ids (the store's upsert LIMIT), with the
 * total beside them.
 */
const char triage_schema[] =
	"CREATE TABLE alerts ("
	" id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	" rule_id TEXT NOT NULL, title TEXT, author TEXT, description TEXT,"
	" level TEXT, severity TEXT NOT NULL, tags TEXT, group_key TEXT,"
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	" count INTEGER NOT NULL, event_ids TEXT NOT NULL,"
	" events_total INTEGER NOT NULL, status TEXT NOT NULL,"
	" assignee TEXT, created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);"
	"CREATE INDEX alerts_status ON alerts (status, updated_at);"
	"CREATE INDEX alerts_rule ON alerts (rule_id, updated_at);"
	"CREATE INDEX alerts_severity ON alerts (severity, updated_at);"
	"CREATE TABLE alert_notes ("
	" id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL,"
	" at INTEGER NOT NULL, who TEXT NOT NULL, note TEXT NOT NULL);"
	"CREATE INDEX alert_notes_alert ON alert_notes (alert_id, id);"
	"CREATE TABLE alert_history ("
	" id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL,"
	" at INTEGER NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,"
	" from_status TEXT, to_status TEXT, note TEXT);"
	"CREATE INDEX alert_history_alert ON alert_history (alert_id, id);"
	"CREATE TABLE silences ("
	" id INTEGER PRIMARY KEY, rule_id TEXT, group_key TEXT,"
	" reason TEXT NOT NULL, owner TEXT NOT NULL,"
	" created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
	"CREATE TABLE allowlist ("
	" id INTEGER PRIMARY KEY, cidr TEXT NOT NULL, comment TEXT,"
	" owner TEXT NOT NULL, created_at INTEGER NOT NULL);";

enum triage_stmt {
	TS_BEGIN,
	TS_COMMIT,
	TS_ROLLBACK,
	TS_ALERT,
	TS_STATE,
	TS_SET_STATUS,
	TS_SET_ASSIGNEE,
	TS_TOUCH,
	TS_HISTORY,
	TS_NOTE,
	TS_SILENCE_COUNT,
	TS_SILENCE_ADD,
	TS_SILENCE_GET,
	TS_SILENCE_DEL,
	TS_SILENCE_SET,
	TS_ALLOW_COUNT,
	TS_ALLOW_FIND,
	TS_ALLOW_ADD,
	TS_ALLOW_GET,
	TS_ALLOW_DEL,
	TS_ALLOW_SET,
	TS_MAX
};

/* Every statement triage runs; values are bound, never spliced. */
static const char *triage_sql[TS_MAX] = {
	[TS_BEGIN] = "BEGIN IMMEDIATE",
	[TS_COMMIT] = "COMMIT",
	[TS_ROLLBACK] = "ROLLBACK",
	[TS_ALERT] = "SELECT " ALERT_COLUMNS " FROM alerts WHERE id = ?1",
	[TS_STATE] = "SELECT status, assignee FROM alerts WHERE id = ?1",
	[TS_SET_STATUS] =
	    "UPDATE alerts SET status = ?2, updated_at = ?3 WHERE id = ?1",
	[TS_SET_ASSIGNEE] =
	    "UPDATE alerts SET assignee = ?2, updated_at = ?3 WHERE id = ?1",
	[TS_TOUCH] = "UPDATE alerts SET updated_at = ?2 WHERE id = ?1",
	[TS_HISTORY] =
	    "INSERT INTO alert_history (alert_id, at, who, action,"
	    " from_status, to_status, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7)",
	[TS_NOTE] =
	    "INSERT INTO alert_notes (alert_id, at, who, note)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[TS_SILENCE_COUNT] = "SELECT count(*) FROM silences",
	[TS_SILENCE_ADD] =
	    "INSERT INTO silences (rule_id, group_key, reason, owner,"
	    " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[TS_SILENCE_GET] =
	    "SELECT " SILENCE_COLUMNS " FROM silences WHERE id = ?1",
	[TS_SILENCE_DEL] = "DELETE FROM silences WHERE id = ?1",
	[TS_SILENCE_SET] =
	    "UPDATE silences SET rule_id = ?2, group_key = ?3, reason = ?4,"
	    " expires_at = ?5 WHERE id = ?1",
	[TS_ALLOW_COUNT] = "SELECT count(*) FROM allowlist",
	[TS_ALLOW_FIND] = "SELECT id FROM allowlist WHERE cidr = ?1",
	[TS_ALLOW_ADD] =
	    "INSERT INTO allowlist (cidr, comment, owner, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[TS_ALLOW_GET] =
	    "SELECT " ALLOW_COLUMNS " FROM allowlist WHERE id = ?1",
	[TS_ALLOW_DEL] = "DELETE FROM allowlist WHERE id = ?1",
	[TS_ALLOW_SET] =
	    "UPDATE allowlist SET cidr = ?2, comment = ?3 WHERE id = ?1",
};

static const char *statuses[] = {
	"new", "acknowledged", "in_progress", "resolved", "false_positive"
};
#define NSTATUSES	(sizeof(statuses) / sizeof(statuses[0]))

/* MITRE ATT&CK enterprise tactics, as Sigma tags spell them. */
static const char *tactics[] = {
	"reconnaissance", "resource_development", "initial_access",
	"execution", "persistence", "privilege_escalation", "defense_evasion",
	"credential_access", "discovery", "lateral_movement", "collection",
	"command_and_control", "exfiltration", "impact"
};

/* One triage request while it runs. */
struct tctx {
	sqlite3		*db;
	sqlite3_stmt	*s[TS_MAX];
	int64_t		 now;
	const char	*who;
	json_t		*reply;
	json_t		*changed;	/* alert ids */
	int		 sqlfail;
	int64_t		 note_id;	/* the last note written */
	char		 detail[256];
};

/* What an update asks for, checked before anything is written. */
struct change {
	const char	*status;	/* NULL: keep */
	int		 set_assignee;
	const char	*assignee;	/* NULL: nobody */
	const char	*note;		/* NULL: none */
};

static sqlite3_stmt *ts(struct tctx *, enum triage_stmt);
static int	 ts_step(struct tctx *, enum triage_stmt);
static int	 fail(struct tctx *, int, const char *);
static int	 keys_only(json_t *, const char *const *);
static int	 text_ok(json_t *, size_t);
static int	 change_parse(struct tctx *, json_t *, struct change *);
static int	 change_apply(struct tctx *, int64_t, const struct change *);
static int	 history(struct tctx *, int64_t, const char *, const char *,
		    const char *, const char *);
static json_t	*alert_get(struct tctx *, int64_t);
static int	 op_update(struct tctx *, json_t *);
static int	 op_bulk(struct tctx *, json_t *);
static int	 op_note(struct tctx *, json_t *);
static int	 op_silence(struct tctx *, json_t *);
static int	 op_unsilence(struct tctx *, json_t *);
static int	 op_allow(struct tctx *, json_t *);
static int	 op_unallow(struct tctx *, json_t *);
static int	 op_silence_edit(struct tctx *, json_t *);
static int	 row_get(struct tctx *, enum triage_stmt, int64_t,
		    const char *, sqlite3_stmt **);
static int	 edited(struct tctx *, enum triage_stmt, int64_t);
static int	 op_allow_edit(struct tctx *, json_t *);
static int	 silence_check(struct tctx *, json_t *, json_t *, json_t *,
		    json_t *);
static int	 allow_check(struct tctx *, json_t *, json_t *, char *, size_t,
		    int64_t);

/* helpers ---------------------------------------------------------- */

json_t *
triage_iso_time(int64_t us)
{
	struct tm	 tm;
	time_t		 secs = us / 1000000;
	int64_t		 frac = us % 1000000;
	char		 buf[64];

	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	if (gmtime_r(&secs, &tm) == NULL)
		return (json_null());
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long long)frac);
	return (json_string(buf));
}

int
triage_status_valid(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < NSTATUSES; i++)
		if (strcmp(s, statuses[i]) == 0)
			return (1);
	return (0);
}

static int
closed(const char *s)
{
	return (strcmp(s, "resolved") == 0 ||
	    strcmp(s, "false_positive") == 0);
}

/* 1: allowed, 0: no change (the same status), -1: refused. */
int
triage_transition(const char *from, const char *to)
{
	if (!triage_status_valid(from) || !triage_status_valid(to))
		return (-1);
	if (strcmp(from, to) == 0)
		return (0);
	/*
	 * Work moves forward: an open alert may be closed at any step (an
	 * obvious false positive needs no acknowledgement first), but
	 * never goes back to new or from in_progress to acknowledged.
	 */
	if (strcmp(from, "new") == 0)
		return (strcmp(to, "new") != 0 ? 1 : -1);
	if (strcmp(from, "acknowledged") == 0)
		return (strcmp(to, "in_progress") == 0 || closed(to) ? 1 : -1);
	if (strcmp(from, "in_progress") == 0)
		return (closed(to) ? 1 : -1);
	/* closed: reopened, not thrown back to the unread queue */
	return (strcmp(to, "acknowledged") == 0 ? 1 : -1);
}

/*
 * An address or network to its canonical text: "192.0.2.1",
 * "10.0.0.0/8", "2001:db8::/32".  Host bits set under the prefix are
 * refused rather than cleared: "10.1.2.3/8" is more likely a mistake
 * than a way to write 10.0.0.0/8.  0, or -1 with *err set.
 */
int
triage_cidr_canon(const char *s, char *out, size_t outsz, const char **err)
{
	char		 a[INET6_ADDRSTRLEN + 1], text[INET6_ADDRSTRLEN];
	const char	*slash, *errstr;
	uint8_t		 addr[16];
	size_t		 len;
	int		 family, bits, max, i;

	*err = "cidr: an IPv4 or IPv6 address or network (10.0.0.0/8, "
	    "2001:db8::/32)";
	slash = strchr(s, '/');
	len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof(a))
		return (-1);
	memcpy(a, s, len);
	a[len] = '\0';
	if (inet_pton(AF_INET, a, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, a, addr) == 1)
		family = AF_INET6;
	else
		return (-1);
	max = family == AF_INET ? 32 : 128;
	bits = max;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return (-1);
		bits = strtonum(slash + 1, 0, max, &errstr);
		if (errstr != NULL) {
			*err = family == AF_INET ?
			    "cidr: an IPv4 prefix length is 0 to 32" :
			    "cidr: an IPv6 prefix length is 0 to 128";
			return (-1);
		}
	}
	for (i = bits; i < max; i++) {
		if (addr[i / 8] & (0x80 >> (i % 8))) {
			*err = "cidr: host bits are set under the prefix; "
			    "give the network address";
			return (-1);
		}
	}
	if (inet_ntop(family, addr, text, sizeof(text)) == NULL)
		return (-1);
	if (slash != NULL && bits != max)
		len = snprintf(out, outsz, "%s/%d", text, bits);
	else
		len = snprintf(out, outsz, "%s", text);
	if (len >= outsz)
		return (-1);
	return (0);
}

/*
 * ATT&CK tags to tactics and techniques: attack.t1110.001 is the
 * technique T1110.001, attack.credential_access the tactic
 * credential_access.  Groups and software (attack.g0007, attack.s0002)
 * and other namespaces are neither.
 */
void
triage_mitre(json_t *tags, json_t *tac, json_t *tech)
{
	const char	*t, *p;
	char		 buf[64];
	json_t		*v;
	size_t		 i, k, n;

	json_array_foreach(tags, i, v) {
		if ((t = json_string_value(v)) == NULL ||
		    strncasecmp(t, "attack.", 7) != 0)
			continue;
		t += 7;
		n = strlen(t);
		if (n == 0 || n >= sizeof(buf))
			continue;
		if ((t[0] == 't' || t[0] == 'T') && n >= 5 &&
		    strspn(t + 1, "0123456789") == 4 && (n == 5 ||
		    (n == 9 && t[5] == '.' && strspn(t + 6, "0123456789") ==
		    3))) {
			for (k = 0; k <= n; k++)
				buf[k] = k == 0 ? 'T' : t[k];
			json_array_append_new(tech, json_string(buf));
			continue;
		}
		for (k = 0; k <= n; k++)
			buf[k] = t[k] == '-' ? '_' : (t[k] >= 'A' &&
			    t[k] <= 'Z' ? t[k] - 'A' + 'a' : t[k]);
		for (k = 0; k < sizeof(tactics) / sizeof(tactics[0]); k++)
			if (strcmp(buf, tactics[k]) == 0)
				break;
		if (k == sizeof(tactics) / sizeof(tactics[0]))
			continue;
		for (p = NULL, k = 0; k < json_array_size(tac); k++)
			if (strcmp(json_string_value(json_array_get(tac, k)),
			    buf) == 0)
				p = buf;
		if (p == NULL)
			json_array_append_new(tac, json_string(buf));
	}
}

static json_t *
col_str(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);
	json_t		*js;

	if (t == NULL)
		return (json_null());
	if ((js = json_stringn(t, sqlite3_column_bytes(s, i))) == NULL)
		js = json_string("");	/* not UTF-8: never stored by us */
	return (js);
}

static json_t *
col_array(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);
	json_t		*js;

	if (t == NULL || (js = json_loadb(t, sqlite3_column_bytes(s, i), 0,
	    NULL)) == NULL || !json_is_array(js))
		return (json_array());
	return (js);
}

static json_t *
col_time(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) != SQLITE_INTEGER)
		return (json_null());
	return (triage_iso_time(sqlite3_column_int64(s, i)));
}

/* A row of ALERT_COLUMNS from off on, as the API shows it. */
json_t *
triage_alert_json(sqlite3_stmt *s, int off)
{
	json_t	*js, *tags, *tac, *tech;

	tags = col_array(s, off + 7);
	tac = json_array();
	tech = json_array();
	triage_mitre(tags, tac, tech);
	js = json_object();
	if (js == NULL || tags == NULL || tac == NULL || tech == NULL)
		fatal("%s: json", __func__);
	json_object_set_new(js, "id", json_integer(sqlite3_column_int64(s,
	    off)));
	json_object_set_new(js, "rule_id", col_str(s, off + 1));
	json_object_set_new(js, "title", col_str(s, off + 2));
	json_object_set_new(js, "author", col_str(s, off + 3));
	json_object_set_new(js, "description", col_str(s, off + 4));
	json_object_set_new(js, "level", col_str(s, off + 5));
	json_object_set_new(js, "severity", col_str(s, off + 6));
	json_object_set_new(js, "tags", tags);
	json_object_set_new(js, "tactics", tac);
	json_object_set_new(js, "techniques", tech);
	json_object_set_new(js, "group_key", col_str(s, off + 8));
	json_object_set_new(js, "first_seen", col_time(s, off + 9));
	json_object_set_new(js, "last_seen", col_time(s, off + 10));
	json_object_set_new(js, "count", json_integer(sqlite3_column_int64(s,
	    off + 11)));
	json_object_set_new(js, "event_ids", col_array(s, off + 12));
	json_object_set_new(js, "events_total",
	    json_integer(sqlite3_column_int64(s, off + 13)));
	json_object_set_new(js, "status", col_str(s, off + 14));
	json_object_set_new(js, "assignee", col_str(s, off + 15));
	json_object_set_new(js, "created_at", col_time(s, off + 16));
	json_object_set_new(js, "updated_at", col_time(s, off + 17));
	return (js);
}

/* A member that is a time: µs to ISO 8601, text kept, else def. */
static json_t *
norm_time(json_t *in, const char *key, int64_t def)
{
	json_t	*v = json_object_get(in, key);

	if (json_is_integer(v))
		return (triage_iso_time(json_integer_value(v)));
	if (json_is_string(v))
		return (json_incref(v));
	return (def >= 0 ? triage_iso_time(def) : json_null());
}

static json_t *
norm_copy(json_t *in, const char *key, json_t *def)
{
	json_t	*v = json_object_get(in, key);

	if (v != NULL && !json_is_null(v)) {
		json_decref(def);
		return (json_incref(v));
	}
	return (def != NULL ? def : json_null());
}

/*
 * An announced alert (the store's, or detection's as the store merged
 * it) in the form of triage_alert_json(): times as ISO 8601, tactics
 * and techniques split out, what is missing as a new alert has it.
 */
json_t *
triage_alert_normalize(json_t *in, int64_t now)
{
	json_t	*js, *tags, *tac, *tech, *ids;

	if ((tags = json_object_get(in, "tags")) == NULL ||
	    !json_is_array(tags))
		tags = NULL;
	tags = tags != NULL ? json_deep_copy(tags) : json_array();
	ids = json_object_get(in, "event_ids");
	ids = json_is_array(ids) ? json_deep_copy(ids) : json_array();
	tac = json_array();
	tech = json_array();
	js = json_object();
	if (js == NULL || tags == NULL || ids == NULL || tac == NULL ||
	    tech == NULL)
		fatal("%s: json", __func__);
	triage_mitre(tags, tac, tech);
	json_object_set_new(js, "id", norm_copy(in, "id", NULL));
	json_object_set_new(js, "rule_id", norm_copy(in, "rule_id", NULL));
	json_object_set_new(js, "title", norm_copy(in, "title", NULL));
	json_object_set_new(js, "author", norm_copy(in, "author", NULL));
	json_object_set_new(js, "description", norm_copy(in, "description",
	    NULL));
	json_object_set_new(js, "level", norm_copy(in, "level", NULL));
	json_object_set_new(js, "severity", norm_copy(in, "severity", NULL));
	json_object_set_new(js, "tags", tags);
	json_object_set_new(js, "tactics", tac);
	json_object_set_new(js, "techniques", tech);
	json_object_set_new(js, "group_key", norm_copy(in, "group_key",
	    NULL));
	json_object_set_new(js, "first_seen", norm_time(in, "first_seen",
	    -1));
	json_object_set_new(js, "last_seen", norm_time(in, "last_seen", -1));
	json_object_set_new(js, "count", norm_copy(in, "count",
	    json_integer(1)));
	json_object_set_new(js, "events_total", norm_copy(in, "events_total",
	    json_integer(json_array_size(ids))));
	json_object_set_new(js, "event_ids", ids);
	json_object_set_new(js, "status", norm_copy(in, "status",
	    json_string("new")));
	json_object_set_new(js, "assignee", norm_copy(in, "assignee", NULL));
	json_object_set_new(js, "created_at", norm_time(in, "created_at",
	    now));
	json_object_set_new(js, "updated_at", norm_time(in, "updated_at",
	    now));
	return (js);
}

/* statements ------------------------------------------------------- */

static sqlite3_stmt *
ts(struct tctx *t, enum triage_stmt n)
{
	if (t->s[n] == NULL) {
		if (sqlite3_prepare_v2(t->db, triage_sql[n], -1, &t->s[n],
		    NULL) != SQLITE_OK) {
			log_warnx("triage: statement %d: %s", n,
			    sqlite3_errmsg(t->db));
			t->sqlfail = 1;
			return (NULL);
		}
	} else {
		sqlite3_reset(t->s[n]);
		sqlite3_clear_bindings(t->s[n]);
	}
	return (t->s[n]);
}

/* SQLITE_ROW, SQLITE_DONE, or -1 (recorded: the request fails). */
static int
ts_step(struct tctx *t, enum triage_stmt n)
{
	int	 rv;

	if (t->s[n] == NULL)
		return (-1);
	rv = sqlite3_step(t->s[n]);
	if (rv == SQLITE_ROW || rv == SQLITE_DONE)
		return (rv);
	log_warnx("triage: statement %d: %s", n, sqlite3_errmsg(t->db));
	t->sqlfail = 1;
	return (-1);
}

static void
bind_opt(sqlite3_stmt *s, int col, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, col);
	else
		sqlite3_bind_text(s, col, v, -1, SQLITE_TRANSIENT);
}

/* checks ------------------------------------------------------------ */

/* Record a problem; returns its status. */
static int
fail(struct tctx *t, int status, const char *detail)
{
	strlcpy(t->detail, detail, sizeof(t->detail));
	return (status);
}

/* Only "op", "who" and these members. */
static int
keys_only(json_t *req, const char *const *allowed)
{
	const char		*k;
	const char *const	*a;
	json_t			*v;

	json_object_foreach(req, k, v) {
		if (strcmp(k, "op") == 0 || strcmp(k, "who") == 0)
			continue;
		for (a = allowed; *a != NULL; a++)
			if (strcmp(k, *a) == 0)
				break;
		if (*a == NULL)
			return (-1);
	}
	return (0);
}

/* A string of 1 to max bytes without NUL or control characters. */
static int
text_ok(json_t *v, size_t max)
{
	const char	*s = json_string_value(v);
	size_t		 len, i;

	if (s == NULL || (len = json_string_length(v)) == 0 || len > max ||
	    strlen(s) != len)
		return (0);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
		    s[i] != '\t' && s[i] != '\r')
			return (0);
	return (1);
}

/* A user name: printable, no spaces. */
static int
user_ok(json_t *v)
{
	const char	*s;
	size_t		 i;

	if (!text_ok(v, TRIAGE_MAX_USER))
		return (0);
	s = json_string_value(v);
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return (0);
	return (1);
}

static int
id_of(json_t *v, int64_t *id)
{
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return (-1);
	*id = json_integer_value(v);
	return (0);
}

/* status, assignee, note of an update or bulk request; 0 or status. */
static int
change_parse(struct tctx *t, json_t *req, struct change *c)
{
	json_t	*v;

	memset(c, 0, sizeof(*c));
	if ((v = json_object_get(req, "status")) != NULL) {
		if (!triage_status_valid(json_string_value(v)))
			return (fail(t, 400, "status: one of new, acknowledged,"
			    " in_progress, resolved, false_positive"));
		c->status = json_string_value(v);
	}
	if ((v = json_object_get(req, "assignee")) != NULL) {
		if (!json_is_null(v) && !user_ok(v))
			return (fail(t, 400, "assignee: a user name of at most "
			    "64 bytes without spaces, or null for nobody"));
		c->set_assignee = 1;
		c->assignee = json_string_value(v);
	}
	if ((v = json_object_get(req, "note")) != NULL) {
		if (!text_ok(v, TRIAGE_MAX_NOTE))
			return (fail(t, 400, "note: text of 1 to 4096 bytes"));
		c->note = json_string_value(v);
	}
	if (c->status == NULL && !c->set_assignee && c->note == NULL)
		return (fail(t, 400, "give at least one of status, assignee "
		    "and note"));
	return (0);
}

/* writes ------------------------------------------------------------- */

static int
history(struct tctx *t, int64_t id, const char *action, const char *from,
    const char *to, const char *note)
{
	sqlite3_stmt	*s;

	if ((s = ts(t, TS_HISTORY)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, t->now);
	sqlite3_bind_text(s, 3, t->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, action, -1, SQLITE_STATIC);
	bind_opt(s, 5, from);
	bind_opt(s, 6, to);
	bind_opt(s, 7, note);
	return (ts_step(t, TS_HISTORY) == -1 ? -1 : 0);
}

static int
add_note(struct tctx *t, int64_t id, const char *note)
{
	sqlite3_stmt	*s;

	if ((s = ts(t, TS_NOTE)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, t->now);
	sqlite3_bind_text(s, 3, t->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, note, -1, SQLITE_TRANSIENT);
	if (ts_step(t, TS_NOTE) == -1)
		return (-1);
	t->note_id = sqlite3_last_insert_rowid(t->db);
	return (0);
}

static int
touch(struct tctx *t, int64_t id)
{
	sqlite3_stmt	*s;

	if ((s = ts(t, TS_TOUCH)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, t->now);
	return (ts_step(t, TS_TOUCH) == -1 ? -1 : 0);
}

static json_t *
alert_get(struct tctx *t, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*js = NULL;

	if ((s = ts(t, TS_ALERT)) == NULL)
		return (NULL);
	sqlite3_bind_int64(s, 1, id);
	if (ts_step(t, TS_ALERT) == SQLITE_ROW)
		js = triage_alert_json(s, 0);
	sqlite3_reset(s);
	return (js);
}

static void
mark_changed(struct tctx *t, int64_t id)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(t->changed, i, v)
		if (json_integer_value(v) == id)
			return;
	json_array_append_new(t->changed, json_integer(id));
}

/*
 * One alert: the transition is checked before anything is written, so
 * that a refused status leaves the assignee alone too.  200, or the
 * problem's status with t->detail.
 */
static int
change_apply(struct tctx *t, int64_t id, const struct change *c)
{
	sqlite3_stmt	*s;
	char		 cur[32], who[TRIAGE_MAX_USER + 1];
	int		 rv, tr = 0, had_assignee, changed = 0;

	if ((s = ts(t, TS_STATE)) == NULL)
		return (503);
	sqlite3_bind_int64(s, 1, id);
	if ((rv = ts_step(t, TS_STATE)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return (rv == -1 ? 503 : fail(t, 404, "no such alert"));
	}
	strlcpy(cur, (const char *)sqlite3_column_text(s, 0) ?
	    (const char *)sqlite3_column_text(s, 0) : "", sizeof(cur));
	had_assignee = sqlite3_column_type(s, 1) != SQLITE_NULL;
	strlcpy(who, had_assignee ? (const char *)sqlite3_column_text(s, 1) :
	    "", sizeof(who));
	sqlite3_reset(s);

	if (c->status != NULL &&
	    (tr = triage_transition(cur, c->status)) == -1) {
		snprintf(t->detail, sizeof(t->detail), "status: an alert that"
		    " is %s cannot become %s", triage_status_valid(cur) ? cur :
		    "(unknown)", c->status);
		return (409);
	}
	if (tr == 1) {
		if ((s = ts(t, TS_SET_STATUS)) == NULL)
			return (503);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, c->status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, t->now);
		if (ts_step(t, TS_SET_STATUS) == -1 ||
		    history(t, id, closed(cur) ? "reopened" : "status", cur,
		    c->status, c->note) == -1)
			return (503);
		changed = 1;
	}
	if (c->set_assignee && (c->assignee == NULL ? had_assignee :
	    !had_assignee || strcmp(c->assignee, who) != 0)) {
		if ((s = ts(t, TS_SET_ASSIGNEE)) == NULL)
			return (503);
		sqlite3_bind_int64(s, 1, id);
		bind_opt(s, 2, c->assignee);
		sqlite3_bind_int64(s, 3, t->now);
		/* the assignee is the note of an assignment row */
		if (ts_step(t, TS_SET_ASSIGNEE) == -1 ||
		    history(t, id, c->assignee ? "assigned" : "unassigned",
		    NULL, NULL, c->assignee ? c->assignee : who) == -1)
			return (503);
		changed = 1;
	}
	if (c->note != NULL) {
		if (add_note(t, id, c->note) == -1)
			return (503);
		/* a note on its own is a history row of its own */
		if (tr != 1 && history(t, id, "note", NULL, NULL,
		    c->note) == -1)
			return (503);
		if (!changed && touch(t, id) == -1)
			return (503);
		changed = 1;
	}
	if (changed)
		mark_changed(t, id);
	return (200);
}

/* operations ---------------------------------------------------------- */

static int
op_update(struct tctx *t, json_t *req)
{
	static const char *const keys[] = { "id", "status", "assignee",
	    "note", NULL };
	struct change	 c;
	int64_t		 id;
	int		 rv;
	json_t		*alert;

	if (keys_only(req, keys) == -1)
		return (fail(t, 400, "the body may hold status, assignee and "
		    "note only"));
	if (id_of(json_object_get(req, "id"), &id) == -1)
		return (fail(t, 404, "no such alert"));
	if ((rv = change_parse(t, req, &c)) != 0)
		return (rv);
	if ((rv = change_apply(t, id, &c)) != 200)
		return (rv);
	if ((alert = alert_get(t, id)) == NULL)
		return (503);
	json_object_set_new(t->reply, "alert", alert);
	return (200);
}

static int
op_bulk(struct tctx *t, json_t *req)
{
	static const char *const keys[] = { "ids", "status", "assignee",
	    "note", NULL };
	struct change	 c;
	json_t		*ids, *v, *results, *r;
	sqlite3_stmt	*s;
	int64_t		 id;
	size_t		 i;
	int		 rv;

	if (keys_only(req, keys) == -1)
		return (fail(t, 400, "the body may hold ids, status, assignee "
		    "and note only"));
	ids = json_object_get(req, "ids");
	if (!json_is_array(ids) || json_array_size(ids) == 0 ||
	    json_array_size(ids) > TRIAGE_MAX_BULK)
		return (fail(t, 400, "ids: an array of 1 to 100 alert ids"));
	json_array_foreach(ids, i, v)
		if (id_of(v, &id) == -1)
			return (fail(t, 400, "ids: alert ids are positive "
			    "integers"));
	if ((rv = change_parse(t, req, &c)) != 0)
		return (rv);
	results = json_array();
	json_object_set_new(t->reply, "results", results);
	json_array_foreach(ids, i, v) {
		id = json_integer_value(v);
		t->detail[0] = '\0';
		rv = change_apply(t, id, &c);
		if (t->sqlfail)
			return (503);
		r = json_pack("{s:I, s:i}", "id", (json_int_t)id, "status",
		    rv);
		if (rv != 200)
			json_object_set_new(r, "detail",
			    json_string(t->detail));
		else if ((s = ts(t, TS_STATE)) != NULL) {
			sqlite3_bind_int64(s, 1, id);
			if (ts_step(t, TS_STATE) == SQLITE_ROW) {
				json_object_set_new(r, "alert_status",
				    col_str(s, 0));
				json_object_set_new(r, "assignee",
				    col_str(s, 1));
			}
			sqlite3_reset(s);
		}
		json_array_append_new(results, r);
	}
	t->detail[0] = '\0';
	return (200);
}

static int
op_note(struct tctx *t, json_t *req)
{
	static const char *const keys[] = { "id", "note", NULL };
	struct change	 c;
	int64_t		 id;
	int		 rv;

	if (keys_only(req, keys) == -1)
		return (fail(t, 400, "the body may hold note only"));
	if (id_of(json_object_get(req, "id"), &id) == -1)
		return (fail(t, 404, "no such alert"));
	if (!text_ok(json_object_get(req, "note"), TRIAGE_MAX_NOTE))
		return (fail(t, 400, "note: text of 1 to 4096 bytes"));
	memset(&c, 0, sizeof(c));
	c.note = json_string_value(json_object_get(req, "note"));
	if ((rv = change_apply(t, id, &c)) != 200)
		return (rv);
	json_object_set_new(t->reply, "note", json_pack("{s:I, s:I, s:o, "
	    "s:s, s:s}", "id", (json_int_t)t->note_id,
	    "alert_id", (json_int_t)id, "at", triage_iso_time(t->now),
	    "who", t->who, "note", c.note));
	return (201);
}

/* A row of SILENCE_COLUMNS; active while it has not expired. */
json_t *
triage_silence_json(sqlite3_stmt *s, int64_t now)
{
	return (json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
	    "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "rule_id", col_str(s, 1),
	    "group_key", col_str(s, 2),
	    "reason", col_str(s, 3),
	    "owner", col_str(s, 4),
	    "created_at", col_time(s, 5),
	    "expires_at", col_time(s, 6),
	    "active", sqlite3_column_int64(s, 6) > now));
}

/* A row of ALLOW_COLUMNS. */
json_t *
triage_allow_json(sqlite3_stmt *s)
{
	return (json_pack("{s:I, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "cidr", col_str(s, 1),
	    "comment", col_str(s, 2),
	    "owner", col_str(s, 3),
	    "created_at", col_time(s, 4)));
}

static int
count_of(struct tctx *t, enum triage_stmt n, int64_t *count)
{
	if (ts(t, n) == NULL || ts_step(t, n) != SQLITE_ROW)
		return (-1);
	*count = sqlite3_column_int64(t->s[n], 0);
	sqlite3_reset(t->s[n]);
	return (0);
}

static int
op_silence(struct tctx *t, json_t *req)
{
	static const char *const keys[] = { "rule_id", "group_key", "reason",
	    "expires_at", NULL };
	json_t		*rule, *group, *reason, *exp;
	sqlite3_stmt	*s;
	int64_t		 n, id;

	if (keys_only(req, keys) == -1)
		return (fail(t, 400, "the body may hold rule_id, group_key, "
		    "reason and expires_at only"));
	rule = json_object_get(req, "rule_id");
	group = json_object_get(req, "group_key");
	reason = json_object_get(req, "reason");
	exp = json_object_get(req, "expires_at");
	if (!text_ok(reason, TRIAGE_MAX_REASON))
		return (fail(t, 400, "reason: required, text of 1 to 1024 "
		    "bytes"));
	if (!json_is_integer(exp))
		return (fail(t, 400, "expires_at: required, an ISO 8601 time"));
	if ((n = silence_check(t, rule, group, reason, exp)) != 0)
		return ((int)n);
	if (count_of(t, TS_SILENCE_COUNT, &n) == -1)
		return (503);
	if (n >= TRIAGE_MAX_ENTRIES)
		return (fail(t, 409, "too many silences: delete some first"));
	if ((s = ts(t, TS_SILENCE_ADD)) == NULL)
		return (503);
	bind_opt(s, 1, json_string_value(rule));
	bind_opt(s, 2, json_string_value(group));
	sqlite3_bind_text(s, 3, json_string_value(reason), -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, t->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, t->now);
	sqlite3_bind_int64(s, 6, json_integer_value(exp));
	if (ts_step(t, TS_SILENCE_ADD) == -1)
		return (503);
	id = sqlite3_last_insert_rowid(t->db);
	if ((s = ts(t, TS_SILENCE_GET)) == NULL)
		return (503);
	sqlite3_bind_int64(s, 1, id);
	if (ts_step(t, TS_SILENCE_GET) != SQLITE_ROW)
		return (503);
	json_object_set_new(t->reply, "silence", triage_silence_json(s,
	    t->now));
	sqlite3_reset(s);
	json_object_set_new(t->reply, "notify", json_string("silences"));
	return (201);
}

/*
 * The fields of a silence that are given (NULL: not given); 0, or
 * the status of the problem.
 */
static int
silence_check(struct tctx *t, json_t *rule, json_t *group, json_t *reason,
    json_t *exp)
{
	if (rule != NULL && !json_is_null(rule) &&
	    !text_ok(rule, TRIAGE_MAX_KEY))
		return (fail(t, 400, "rule_id: a rule id of 1 to 1024 bytes, "
		    "or absent for every rule"));
	if (group != NULL && !json_is_null(group) &&
	    !text_ok(group, TRIAGE_MAX_KEY))
		return (fail(t, 400, "group_key: text of 1 to 1024 bytes, or "
		    "absent for every group"));
	if (reason != NULL && !text_ok(reason, TRIAGE_MAX_REASON))
		return (fail(t, 400, "reason: text of 1 to 1024 bytes"));
	if (exp == NULL)
		return (0);
	if (!json_is_integer(exp))
		return (fail(t, 400, "expires_at: an ISO 8601 time"));
	if (json_integer_value(exp) <= t->now)
		return (fail(t, 400, "expires_at: must be in the future"));
	if (json_integer_value(exp) - t->now > TRIAGE_MAX_SILENCE)
		return (fail(t, 400, "expires_at: at most a year ahead"));
	return (0);
}

/* A text column, or what the request sets it to (null clears it). */
static void
bind_new(sqlite3_stmt *s, int i, json_t *v, sqlite3_stmt *old, int col)
{
	if (v == NULL && sqlite3_column_type(old, col) != SQLITE_NULL)
		sqlite3_bind_text(s, i, (const char *)sqlite3_column_text(old,
		    col), -1, SQLITE_TRANSIENT);
	else
		bind_opt(s, i, json_string_value(v));
}

/*
 * The row of id by statement n, stepped onto it in *sp (reset it after
 * use): 0, or 404 with missing, or 503.
 */
static int
row_get(struct tctx *t, enum triage_stmt n, int64_t id, const char *missing,
    sqlite3_stmt **sp)
{
	sqlite3_stmt	*s;
	int		 rv;

	if ((s = ts(t, n)) == NULL)
		return (503);
	sqlite3_bind_int64(s, 1, id);
	if ((rv = ts_step(t, n)) == -1)
		return (503);
	if (rv != SQLITE_ROW) {
		sqlite3_reset(s);
		return (fail(t, 404, missing));
	}
	*sp = s;
	return (0);
}

/* PATCH of a silence: the fields given change, the others stay. */
static int
op_silence_edit(struct tctx *t, json_t *req)
{
	static const char *const keys[] = { "id", "rule_id", "group_key",
	    "reason", "expires_at", NULL };
	json_t		*rule, *group, *reason, *exp;
	sqlite3_stmt	*old, *s;
	int64_t		 id;
	int		 rv;

	if (id_of(json_object_get(req, "id"), &id) == -1)
		return (fail(t, 404, "no such silence"));
	if (keys_only(req, keys) == -1)
		return (fail(t, 400, "the body may hold rule_id, group_key, "
		    "reason and expires_at only"));
	rule = json_object_get(req, "rule_id");
	group = json_object_get(req, "group_key");
	reason = json_object_get(req, "reason");
	exp = json_object_get(req, "expires_at");
	if ((rv = silence_check(t, rule, group, reason, exp)) != 0)
		return (rv);
	if ((rv = row_get(t, TS_SILENCE_GET, id, "no such silence", &old)) !=
	    0)
		return (rv);
	if ((s = ts(t, TS_SILENCE_SET)) == NULL) {
		sqlite3_reset(old);
		return (503);
	}
	sqlite3_bind_int64(s, 1, id);
	bind_new(s, 2, rule, old, 1);
	bind_new(s, 3, group, old, 2);
	bind_new(s, 4, reason, old, 3);
	sqlite3_bind_int64(s, 5, exp != NULL ? json_integer_value(exp) :
	    sqlite3_column_int64(old, 6));
	sqlite3_reset(old);
	if (ts_step(t, TS_SILENCE_SET) == -1)
		return (503);
	return (edited(t, TS_SILENCE_GET, id));
}

/*
 * The answer to an edit: the row as it now is (under "silence" or
 * "entry") and what correlate must read again.
 */
static int
edited(struct tctx *t, enum triage_stmt n, int64_t id)
{
	sqlite3_stmt	*s;
	int		 silence = n == TS_SILENCE_GET;

	if (row_get(t, n, id, "gone while changed", &s) != 0)
		return (503);
	json_object_set_new(t->reply, silence ? "silence" : "entry",
	    silence ? triage_silence_json(s, t->now) : triage_allow_json(s));
	sqlite3_reset(s);
	json_object_set_new(t->reply, "notify", json_string(silence ?
	    "silences" : "allowlist"));
	return (200);
}

/* DELETE of an entry by id: 204, or 404 with detail. */
static int
op_delete(struct tctx *t, json_t *req, enum triage_stmt n,
    const char *missing, const char *notify)
{
	static const char *const keys[] = { "id", NULL };
	sqlite3_stmt	*s;
	int64_t		 id;

	if (keys_only(req, keys) == -1 ||
	    id_of(json_object_get(req, "id"), &id) == -1)
		return (fail(t, 404, missing));
	if ((s = ts(t, n)) == NULL)
		return (503);
	sqlite3_bind_int64(s, 1, id);
	if (ts_step(t, n) == -1)
		return (503);
	if (sqlite3_changes(t->db) == 0)
		return (fail(t, 404, missing));
	json_object_set_new(t->reply, "notify", json_string(notify));
	return (204);
}

static int
op_unsilence(struct tctx *t, json_t *req)
{
	return (op_delete(t, req, TS_SILENCE_DEL, "no such silence",
	    "silences"));
}

static int
op_allow(struct tctx *t, json_t *req)
{
	static const char *const keys[] = { "cidr", "comment", NULL };
	json_t		*cidr, *comment;
	sqlite3_stmt	*s;
	char		 canon[INET6_ADDRSTRLEN + 8];
	int64_t		 n, id;
	int		 rv;

	if (keys_only(req, keys) == -1)
		return (fail(t, 400, "the body may hold cidr and comment "
		    "only"));
	cidr = json_object_get(req, "cidr");
	comment = json_object_get(req, "comment");
	if (!json_is_string(cidr))
		return (fail(t, 400, "cidr: required, an address or network"));
	if ((rv = allow_check(t, cidr, comment, canon, sizeof(canon), 0)) !=
	    0)
		return (rv);
	if (count_of(t, TS_ALLOW_COUNT, &n) == -1)
		return (503);
	if (n >= TRIAGE_MAX_ENTRIES)
		return (fail(t, 409, "the allow-list is full: delete entries "
		    "first"));
	if ((s = ts(t, TS_ALLOW_ADD)) == NULL)
		return (503);
	sqlite3_bind_text(s, 1, canon, -1, SQLITE_TRANSIENT);
	bind_opt(s, 2, json_string_value(comment));
	sqlite3_bind_text(s, 3, t->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, t->now);
	if (ts_step(t, TS_ALLOW_ADD) == -1)
		return (503);
	id = sqlite3_last_insert_rowid(t->db);
	if ((s = ts(t, TS_ALLOW_GET)) == NULL)
		return (503);
	sqlite3_bind_int64(s, 1, id);
	if (ts_step(t, TS_ALLOW_GET) != SQLITE_ROW)
		return (503);
	json_object_set_new(t->reply, "entry", triage_allow_json(s));
	sqlite3_reset(s);
	json_object_set_new(t->reply, "notify", json_string("allowlist"));
	return (201);
}

/*
 * The cidr (canonical form into canon) and comment of an entry, when
 * given; a cidr already listed under another id than self is refused.
 */
static int
allow_check(struct tctx *t, json_t *cidr, json_t *comment, char *canon,
    size_t len, int64_t self)
{
	sqlite3_stmt	*s;
	const char	*err;
	int		 rv;

	if (comment != NULL && !json_is_null(comment) &&
	    !text_ok(comment, TRIAGE_MAX_COMMENT))
		return (fail(t, 400, "comment: text of 1 to 1024 bytes"));
	if (cidr == NULL)
		return (0);
	if (!json_is_string(cidr))
		return (fail(t, 400, "cidr: an address or network"));
	if (triage_cidr_canon(json_string_value(cidr), canon, len, &err) ==
	    -1)
		return (fail(t, 400, err));
	if ((s = ts(t, TS_ALLOW_FIND)) == NULL)
		return (503);
	sqlite3_bind_text(s, 1, canon, -1, SQLITE_TRANSIENT);
	if ((rv = ts_step(t, TS_ALLOW_FIND)) == -1)
		return (503);
	if (rv == SQLITE_ROW && sqlite3_column_int64(s, 0) != self) {
		sqlite3_reset(s);
		return (fail(t, 409, "cidr: already in the allow-list"));
	}
	sqlite3_reset(s);
	return (0);
}

/* PATCH of an allow-list entry: its cidr or comment. */
static int
op_allow_edit(struct tctx *t, json_t *req)
{
	static const char *const keys[] = { "id", "cidr", "comment", NULL };
	json_t		*cidr, *comment;
	sqlite3_stmt	*old, *s;
	char		 canon[INET6_ADDRSTRLEN + 8];
	int64_t		 id;
	int		 rv;

	if (id_of(json_object_get(req, "id"), &id) == -1)
		return (fail(t, 404, "no such allow-list entry"));
	if (keys_only(req, keys) == -1)
		return (fail(t, 400, "the body may hold cidr and comment "
		    "only"));
	cidr = json_object_get(req, "cidr");
	comment = json_object_get(req, "comment");
	if ((rv = allow_check(t, cidr, comment, canon, sizeof(canon), id)) !=
	    0)
		return (rv);
	if ((rv = row_get(t, TS_ALLOW_GET, id, "no such allow-list entry",
	    &old)) != 0)
		return (rv);
	if ((s = ts(t, TS_ALLOW_SET)) == NULL) {
		sqlite3_reset(old);
		return (503);
	}
	sqlite3_bind_int64(s, 1, id);
	if (cidr != NULL)
		sqlite3_bind_text(s, 2, canon, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_text(s, 2, (const char *)sqlite3_column_text(old,
		    1), -1, SQLITE_TRANSIENT);
	bind_new(s, 3, comment, old, 2);
	sqlite3_reset(old);
	if (ts_step(t, TS_ALLOW_SET) == -1)
		return (503);
	return (edited(t, TS_ALLOW_GET, id));
}

static int
op_unallow(struct tctx *t, json_t *req)
{
	return (op_delete(t, req, TS_ALLOW_DEL, "no such allow-list entry",
	    "allowlist"));
}

/* the entry points ---------------------------------------------------- */

/*
 * Run one request in one transaction: everything it writes, or
 * nothing.  *reply is a malloc'ed JSON text (see store_triage.h);
 * returns its status.
 */
int
triage_apply(sqlite3 *db, const char *text, int64_t now, char **reply)
{
	static const struct {
		const char	*name;
		int		(*fn)(struct tctx *, json_t *);
	} ops[] = {
		{ "update",	op_update },
		{ "bulk",	op_bulk },
		{ "note",	op_note },
		{ "silence",	op_silence },
		{ "unsilence",	op_unsilence },
		{ "allow",	op_allow },
		{ "unallow",	op_unallow },
		{ "silence_edit", op_silence_edit },
		{ "allow_edit",	op_allow_edit },
	};
	struct tctx	 t;
	json_t		*req;
	const char	*op;
	size_t		 i;
	int		 status, began = 0;

	memset(&t, 0, sizeof(t));
	t.db = db;
	t.now = now;
	if ((t.reply = json_object()) == NULL ||
	    (t.changed = json_array()) == NULL)
		fatal("%s: json", __func__);
	req = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	op = json_string_value(json_object_get(req, "op"));
	t.who = json_string_value(json_object_get(req, "who"));
	for (i = 0; op != NULL && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i].name) == 0)
			break;
	if (!json_is_object(req) || op == NULL ||
	    i == sizeof(ops) / sizeof(ops[0]))
		status = fail(&t, 400, "not a triage request");
	else if (!user_ok(json_object_get(req, "who")))
		status = fail(&t, 400, "who: not a user name");
	else if (ts(&t, TS_BEGIN) == NULL || ts_step(&t, TS_BEGIN) == -1)
		status = 503;
	else {
		began = 1;
		status = ops[i].fn(&t, req);
	}
	if (t.sqlfail)
		status = 503;
	if (began) {
		if (status < 300) {
			if (ts(&t, TS_COMMIT) == NULL ||
			    ts_step(&t, TS_COMMIT) == -1)
				status = 503;
		}
		if (status >= 300 && ts(&t, TS_ROLLBACK) != NULL)
			ts_step(&t, TS_ROLLBACK);
	}
	if (status == 503)
		strlcpy(t.detail, "the database could not write; try again",
		    sizeof(t.detail));
	for (i = 0; i < TS_MAX; i++)
		sqlite3_finalize(t.s[i]);
	if (status >= 300) {
		/* nothing was written: nothing to announce or show */
		json_decref(t.reply);
		t.reply = json_pack("{s:s}", "detail", t.detail);
		json_array_clear(t.changed);
	}
	json_object_set_new(t.reply, "status", json_integer(status));
	json_object_set_new(t.reply, "changed", t.changed);
	json_decref(req);
	if ((*reply = json_dumps(t.reply, JSON_COMPACT)) == NULL)
		fatal("%s: json_dumps", __func__);
	if (strlen(*reply) > TRIAGE_MAX_REPLY) {
		/* the change is made; only its echo is too large */
		json_object_del(t.reply, "alert");
		free(*reply);
		if ((*reply = json_dumps(t.reply, JSON_COMPACT)) == NULL)
			fatal("%s: json_dumps", __func__);
	}
	json_decref(t.reply);
	return (status);
}

/* An alert as announced to live streams after triage; malloc'ed. */
char *
triage_alert_text(sqlite3 *db, int64_t id)
{
	struct tctx	 t;
	json_t		*js;
	char		*text = NULL;

	memset(&t, 0, sizeof(t));
	t.db = db;
	if ((js = alert_get(&t, id)) != NULL) {
		json_object_set_new(js, "created", json_false());
		json_object_set_new(js, "full", json_true());
		if ((text = json_dumps(js, JSON_COMPACT)) == NULL)
			fatal("%s: json_dumps", __func__);
		json_decref(js);
	}
	sqlite3_finalize(t.s[TS_ALERT]);
	return (text);
}
