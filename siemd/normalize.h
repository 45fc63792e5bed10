/*
 * Raw record to normalized event: the format parsers, the program
 * extractors and the severity classifier the parser process runs.
 * Every function here handles untrusted bytes: it never trusts a
 * length, never reads past len, and never fails on bad input -- an
 * unparseable record becomes a parse_error event.
 */

#ifndef SIEMD_NORMALIZE_H
#define SIEMD_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "siemd.h"

/* What the record's origin tells the parser. */
struct record_hint {
	enum tail_format	 format;	/* FORMAT_AUTO when unknown */
	const char		*source_type;	/* "syslog", "file", "http" */
	const char		*app;		/* forced app name or NULL */
	const char		*peer_host;	/* sender address or NULL */
	const char		*source_file;	/* tailed file or NULL */
	int64_t			 source_offset;	/* -1 when not a file */
	int64_t			 received_at;	/* µs UTC */
	int64_t			 now;		/* µs UTC, for year-less dates */
};

/* Results of the individual parsers. */
#define PARSE_OK	0	/* event filled in */
#define PARSE_NOMATCH	1	/* not this format; event untouched */
#define PARSE_ERROR	2	/* this format, but broken; reason set */

/* syslog_parse.c: RFC 5424 and RFC 3164 (with or without PRI). */
int	 syslog_parse(struct siem_event *, const char *, size_t,
	    const struct record_hint *, const char **);
int	 syslog_parse_5424(struct siem_event *, const char *, size_t,
	    const struct record_hint *, const char **);
int	 syslog_parse_3164(struct siem_event *, const char *, size_t,
	    const struct record_hint *, const char **);

/* extract.c: sshd, sudo, su, PAM, useradd, cron, firewall lines. */
void	 extract_program(struct siem_event *);

/* severity.c */
void	 classify_severity(struct siem_event *);

/* json_event.c: JSON lines of any shape, with field aliases. */
int	 json_event_parse(struct siem_event *, const char *, size_t,
	    const struct record_hint *, const char **);

/* access_log.c: common/combined web access logs. */
int	 access_log_parse(struct siem_event *, const char *, size_t,
	    const struct record_hint *, const char **);

/*
 * audit_parse.c: Linux audit records.  Records of one event share a
 * serial and arrive as several lines; the state collects them and
 * emits one event when the event's last record (EOE, or a record of a
 * new serial, or a flush) arrives.
 */
struct audit_state;
struct audit_state *audit_state_new(void);
void	 audit_state_free(struct audit_state *);
/* 1: *out holds a finished event (caller clears it); 0: buffered */
int	 audit_feed(struct audit_state *, const char *, size_t,
	    const struct record_hint *, struct siem_event *, const char **);
int	 audit_flush(struct audit_state *, struct siem_event *);

/*
 * normalize.c: the entry point.  Always produces an event: on any
 * failure the event is a parse_error carrying the raw bytes and the
 * reason in data_json.  Returns PARSE_OK or PARSE_ERROR.
 */
int	 normalize_record(struct siem_event *, const char *, size_t,
	    const struct record_hint *);
void	 normalize_parse_error(struct siem_event *, const char *, size_t,
	    const struct record_hint *, const char *);

#endif /* SIEMD_NORMALIZE_H */
