/*
 * The normalized event (DESIGN.md section 6) as the parsers fill it
 * in and the store writes it.  Text fields are NUL-terminated heap
 * strings or NULL when absent; integers use -1 for "absent".  It is
 * struct siem_event because libevent owns the name struct event.
 */

#ifndef SIEMD_EVENT_H
#define SIEMD_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define EVENT_MAX_TEXT		1024		/* ordinary text columns */
#define EVENT_MAX_MESSAGE	(64 * 1024)	/* message and raw */

enum event_severity {
	SEV_INFO,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL
};

/* Text columns, in schema order; EV_* indexes event.text[]. */
#define EVENT_TEXT_FIELDS \
	X(EV_SOURCE_TYPE,	"source_type") \
	X(EV_HOST,		"host") \
	X(EV_APP,		"app") \
	X(EV_LEVEL,		"level") \
	X(EV_EVENT_TYPE,	"event_type") \
	X(EV_OUTCOME,		"outcome") \
	X(EV_MESSAGE,		"message") \
	X(EV_REQUEST_ID,	"request_id") \
	X(EV_USER_ID,		"user_id") \
	X(EV_SRC_IP,		"src_ip") \
	X(EV_DEST_IP,		"dest_ip") \
	X(EV_PROTOCOL,		"protocol") \
	X(EV_USER_AGENT,	"user_agent") \
	X(EV_HTTP_METHOD,	"http_method") \
	X(EV_HTTP_PATH,		"http_path") \
	X(EV_HTTP_QUERY,	"http_query") \
	X(EV_ERROR_TYPE,	"error_type") \
	X(EV_PROCESS_EXE,	"process_exe") \
	X(EV_PROCESS_CMDLINE,	"process_cmdline") \
	X(EV_PROCESS_CWD,	"process_cwd") \
	X(EV_PARENT_EXE,	"parent_exe") \
	X(EV_RAW,		"raw") \
	X(EV_SOURCE_FILE,	"source_file") \
	X(EV_TAGS,		"tags")

enum event_text {
#define X(e, n)	e,
	EVENT_TEXT_FIELDS
#undef X
	EV_TEXT_MAX
};

/* Integer columns; -1 means absent. */
#define EVENT_INT_FIELDS \
	X(EV_PID,		"pid") \
	X(EV_FACILITY,		"facility") \
	X(EV_SYSLOG_SEVERITY,	"syslog_severity") \
	X(EV_SRC_PORT,		"src_port") \
	X(EV_DEST_PORT,		"dest_port") \
	X(EV_HTTP_STATUS,	"http_status") \
	X(EV_SOURCE_OFFSET,	"source_offset")

enum event_int {
#define X(e, n)	e,
	EVENT_INT_FIELDS
#undef X
	EV_INT_MAX
};

struct siem_event {
	int64_t			 id;		/* row id once stored, else 0 */
	int64_t			 ts;		/* µs UTC */
	int64_t			 received_at;	/* µs UTC */
	enum event_severity	 severity;
	double			 latency_ms;	/* < 0: absent */
	int64_t			 ints[EV_INT_MAX];
	char			*text[EV_TEXT_MAX];
	json_t			*data;		/* object, or NULL when empty */
};

void	 event_init(struct siem_event *);
void	 event_clear(struct siem_event *);
int	 event_set(struct siem_event *, enum event_text, const char *, size_t);
int	 event_setf(struct siem_event *, enum event_text, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
const char *event_get(const struct siem_event *, enum event_text);
void	 event_data_set(struct siem_event *, const char *, json_t *);
void	 event_data_setstr(struct siem_event *, const char *, const char *,
	    size_t);
char	*event_escape_raw(const char *, size_t, size_t *);
json_t	*event_json_stringn(const char *, size_t);	/* U+FFFD fixes */
const char *event_text_name(enum event_text);
const char *event_int_name(enum event_int);
const char *event_severity_name(enum event_severity);
int	 event_severity_parse(const char *, enum event_severity *);
json_t	*event_to_json(const struct siem_event *);

#endif /* SIEMD_EVENT_H */
