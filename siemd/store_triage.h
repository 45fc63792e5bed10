/*
 * Alert triage: the store's side of status changes, assignment, notes,
 * silences and the allow-list (triage_apply()), and the JSON form of
 * an alert that the store, the query process and the web process all
 * write (triage_alert_json(), triage_alert_normalize()).
 *
 * A request is a JSON object with "op" and "who" (the user the web
 * process authenticated; roles are checked there):
 *
 *	update	  {"id", "status"?, "assignee"? (null: nobody), "note"?}
 *	bulk	  {"ids": [...], "status"?, "assignee"?, "note"?}
 *	note	  {"id", "note"}
 *	silence	  {"rule_id"?, "group_key"?, "reason", "expires_at" (µs)}
 *	unsilence {"id"}
 *	allow	  {"cidr", "comment"?}
 *	unallow	  {"id"}
 *
 * The reply always holds "status", the HTTP status to answer, and
 * "detail" when it is a problem; then "alert", "results" (bulk: one
 * {"id", "status", "detail"?, "alert"?} per id), "note", "silence" or
 * "entry" (allow-list); "changed", the ids of alerts to announce to
 * live streams; and "notify", "silences" or "allowlist", when a list
 * that detection consults has changed.
 *
 * Status transitions: new -> acknowledged -> in_progress -> resolved
 * or false_positive; a closed alert (resolved, false_positive) is
 * reopened to acknowledged: someone has looked at it before.  Asking
 * for the status an alert has already is not a change.
 */

#ifndef SIEMD_STORE_TRIAGE_H
#define SIEMD_STORE_TRIAGE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#define TRIAGE_MAX_NOTE		4096	/* bytes of a note */
#define TRIAGE_MAX_USER		64	/* bytes of who and assignee */
#define TRIAGE_MAX_BULK		100	/* ids of one bulk request */
#define TRIAGE_MAX_REASON	1024	/* bytes of a silence's reason */
#define TRIAGE_MAX_KEY		1024	/* bytes of rule_id, group_key */
#define TRIAGE_MAX_COMMENT	1024	/* bytes of an allow-list comment */
#define TRIAGE_MAX_SILENCE	(366LL * 86400 * 1000000)	/* µs ahead */
#define TRIAGE_MAX_REPLY	(512 * 1024)	/* bytes of a reply */
#define TRIAGE_MAX_ENTRIES	10000	/* silences, allow-list entries */

/*
 * The columns triage_alert_json(), triage_silence_json() and
 * triage_allow_json() read, in this order.
 */
#define ALERT_COLUMNS \
	"id, rule_id, title, author, description, level, severity, tags," \
	" group_key, first_seen, last_seen, count, event_ids, events_total," \
	" status, assignee, created_at, updated_at"
#define SILENCE_COLUMNS \
	"id, rule_id, group_key, reason, owner, created_at, expires_at"
#define ALLOW_COLUMNS \
	"id, cidr, comment, owner, created_at"

int	 triage_apply(sqlite3 *, const char *, int64_t, char **);
char	*triage_alert_text(sqlite3 *, int64_t);

int	 triage_status_valid(const char *);
int	 triage_transition(const char *, const char *);
int	 triage_cidr_canon(const char *, char *, size_t, const char **);
void	 triage_mitre(json_t *, json_t *, json_t *);
json_t	*triage_iso_time(int64_t);
json_t	*triage_alert_json(sqlite3_stmt *, int);
json_t	*triage_alert_normalize(json_t *, int64_t);
json_t	*triage_silence_json(sqlite3_stmt *, int64_t);
json_t	*triage_allow_json(sqlite3_stmt *);

extern const char triage_schema[];

#endif /* SIEMD_STORE_TRIAGE_H */
