/*
 * The parser process: raw records from ingest (and from the web
 * process's HTTP ingest) become normalized events for the store.  It
 * holds nothing but its configuration and runs under the strictest
 * system call filter, because every byte it reads is untrusted.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "child.h"
#include "event_wire.h"
#include "normalize.h"

#define PARSER_BATCH		(512 * 1024)	/* bytes per IMSG_EVENTS */
#define PARSER_MAX_SOURCES	4096
#define PARSER_QUEUE_LOW	(1024 * 1024)
#define PARSER_QUEUE_HIGH	(8 * 1024 * 1024)
#define PARSER_AUDIT_IDLE	1		/* seconds before a group ends */

struct psource {
	TAILQ_ENTRY(psource)	 entry;
	int64_t			 file_id;
	int			 tail_id;
	char			*path;
	enum tail_format	 format;
	const char		*app;
	struct audit_state	*audit;
	int64_t			 last_offset;
};

struct parser {
	struct child		 c;
	TAILQ_HEAD(, psource)	 sources;
	int			 nsources;
	struct imsgev		*store;
	struct wire_buf		 out;
	struct event		 audit_ev;
	uint64_t		 records;
	uint64_t		 parsed;
	uint64_t		 parse_errors;
	uint64_t		 truncated;
	uint64_t		 batches;
	json_t			*per_source;	/* "L0"/"F3" -> parse errors */
};

static struct parser	 p;

static json_t		*parser_counters(void *);
static int		 parser_dispatch_ingest(struct imsgev *, struct imsg *);
static int		 parser_dispatch_parent(struct imsgev *, struct imsg *);
static void		 parser_records(const uint8_t *, size_t);
static void		 parser_flush(void);
static void		 parser_water(struct imsgbuf *, int, void *);
static void		 parser_audit_timer(int, short, void *);
static struct psource	*parser_source(int64_t);
static void		 parser_emit(struct siem_event *, int, int64_t);

/* The inverse of conf_format_name(); unknown names mean auto. */
static enum tail_format
format_of(const char *s)
{
	int	 f;

	for (f = FORMAT_AUTO; s != NULL && f <= FORMAT_ACCESS; f++)
		if (strcmp(s, conf_format_name(f)) == 0)
			return (f);
	return (FORMAT_AUTO);
}

static json_t *
parser_counters(void *arg)
{
	return (json_pack("{s:I,s:I,s:I,s:I,s:I,s:i,s:O}",
	    "records", (json_int_t)p.records,
	    "parsed", (json_int_t)p.parsed,
	    "parse_errors", (json_int_t)p.parse_errors,
	    "truncated", (json_int_t)p.truncated,
	    "batches", (json_int_t)p.batches,
	    "queue", (int)(p.store ? imsgbuf_queued(&p.store->ibuf) : 0),
	    "sources", p.per_source));
}

static struct psource *
parser_source(int64_t file_id)
{
	struct psource	*ps;

	TAILQ_FOREACH(ps, &p.sources, entry)
		if (ps->file_id == file_id)
			return (ps);
	return (NULL);
}

static int
parser_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	return (-1);
}

static int
parser_dispatch_ingest(struct imsgev *iev, struct imsg *imsg)
{
	struct source_file	 sf;
	struct psource		*ps;
	json_t			*tail;
	const void		*tailp;
	size_t			 taillen, i;

	switch (imsg->hdr.type) {
	case IMSG_SOURCE_FILE:
		if (iev->role != PROC_INGEST ||
		    imsg_get_head(imsg, &sf, sizeof(sf), &tailp,
		    &taillen) == -1 || taillen == 0 ||
		    memchr(tailp, '\0', taillen) !=
		    (const char *)tailp + taillen - 1)
			return (-1);
		if ((ps = parser_source(sf.file_id)) != NULL) {
			/* a rotated file reuses nothing but its path */
			free(ps->path);
		} else {
			if (p.nsources >= PARSER_MAX_SOURCES) {
				/* oldest first: it was drained long ago */
				ps = TAILQ_FIRST(&p.sources);
				TAILQ_REMOVE(&p.sources, ps, entry);
				if (ps->audit != NULL)
					audit_state_free(ps->audit);
				free(ps->path);
				free(ps);
				p.nsources--;
			}
			if ((ps = calloc(1, sizeof(*ps))) == NULL)
				fatal("%s: calloc", __func__);
			TAILQ_INSERT_TAIL(&p.sources, ps, entry);
			p.nsources++;
		}
		ps->file_id = sf.file_id;
		ps->tail_id = sf.tail_id;
		if ((ps->path = strdup(tailp)) == NULL)
			fatal("%s: strdup", __func__);
		ps->format = FORMAT_AUTO;
		ps->app = NULL;
		json_array_foreach(json_object_get(p.c.conf, "tails"), i,
		    tail) {
			if (json_integer_value(json_object_get(tail, "id")) !=
			    sf.tail_id)
				continue;
			ps->format = format_of(json_string_value(
			    json_object_get(tail, "format")));
			ps->app = json_string_value(json_object_get(tail,
			    "app"));
		}
		if (ps->format == FORMAT_AUDITD && ps->audit == NULL &&
		    (ps->audit = audit_state_new()) == NULL)
			fatal("%s: audit_state_new", __func__);
		break;
	case IMSG_RECORDS:
		parser_records(imsg->data, imsg->datalen);
		break;
	default:
		return (-1);
	}
	return (0);
}

/* Normalize every record of one batch; a malformed batch is fatal. */
static void
parser_records(const uint8_t *buf, size_t len)
{
	struct record_hdr	 rh;
	struct record_hint	 hint;
	struct siem_event	 ev;
	struct psource		*ps;
	const char		*data, *reason;
	char			 peer[256], key[32];
	int64_t			 now = real_us();
	int			 rv;

	while (len > 0) {
		if (len < sizeof(rh))
			fatalx("%s: short record header", __func__);
		memcpy(&rh, buf, sizeof(rh));
		if (rh.len > len - sizeof(rh) ||
		    rh.peerlen > len - sizeof(rh) - rh.len ||
		    rh.kind > SOURCE_HTTP)
			fatalx("%s: bad record lengths", __func__);
		memcpy(peer, buf + sizeof(rh), rh.peerlen);
		peer[rh.peerlen] = '\0';
		data = (const char *)buf + sizeof(rh) + rh.peerlen;
		buf += sizeof(rh) + rh.peerlen + rh.len;
		len -= sizeof(rh) + rh.peerlen + rh.len;
		p.records++;

		memset(&hint, 0, sizeof(hint));
		hint.format = FORMAT_AUTO;
		hint.received_at = rh.received_at;
		hint.now = now;
		hint.source_offset = -1;
		ps = NULL;
		switch (rh.kind) {
		case SOURCE_FILE:
			if ((ps = parser_source(rh.id)) == NULL)
				fatalx("%s: records of unknown file %lld",
				    __func__, (long long)rh.id);
			hint.source_type = "file";
			hint.format = ps->format;
			hint.app = ps->app;
			hint.source_file = ps->path;
			hint.source_offset = rh.offset;
			break;
		case SOURCE_HTTP:
			hint.source_type = "http";
			hint.format = FORMAT_JSONL;
			break;
		default:
			hint.source_type = "syslog";
			break;
		}
		if (rh.peerlen > 0)
			hint.peer_host = peer;
		if (rh.flags & RECORD_TRUNCATED)
			p.truncated++;

		event_init(&ev);
		if (ps != NULL && ps->audit != NULL) {
			ps->last_offset = rh.offset;
			rv = audit_feed(ps->audit, data, rh.len, &hint, &ev,
			    &reason);
			if (rv == 1)
				parser_emit(&ev, rh.kind, rh.id);
			event_clear(&ev);
			continue;
		}
		rv = normalize_record(&ev, data, rh.len, &hint);
		if (rv != PARSE_OK) {
			json_t *n;

			p.parse_errors++;
			source_key(rh.kind, rh.id, key, sizeof(key));
			n = json_object_get(p.per_source, key);
			json_object_set_new(p.per_source, key,
			    json_integer(json_integer_value(n) + 1));
		}
		if (rh.flags & RECORD_TRUNCATED)
			event_data_set(&ev, "record_truncated", json_true());
		parser_emit(&ev, rh.kind, rh.id);
		event_clear(&ev);
	}
	parser_flush();
}

static void
parser_emit(struct siem_event *ev, int kind, int64_t id)
{
	if (event_pack(&p.out, ev, kind, id) == -1)
		fatal("%s: event_pack", __func__);
	p.parsed++;
	if (p.out.len >= PARSER_BATCH)
		parser_flush();
}

static void
parser_flush(void)
{
	if (p.out.count == 0)
		return;
	if (imsgev_compose(p.store, IMSG_EVENTS, 0, -1, p.out.buf,
	    p.out.len) == -1)
		fatal("%s: compose", __func__);
	p.batches++;
	wire_reset(&p.out);
}

/* Audit groups without an end record are complete after a quiet second. */
static void
parser_audit_timer(int fd, short events, void *arg)
{
	struct timeval	 tv = { PARSER_AUDIT_IDLE, 0 };
	struct psource	*ps;
	struct siem_event ev;

	TAILQ_FOREACH(ps, &p.sources, entry) {
		if (ps->audit == NULL)
			continue;
		event_init(&ev);
		while (audit_flush(ps->audit, &ev) == 1) {
			parser_emit(&ev, SOURCE_FILE, ps->file_id);
			event_clear(&ev);
		}
		event_clear(&ev);
	}
	parser_flush();
	evtimer_add(&p.audit_ev, &tv);
}

/* The store is behind: stop reading records until it catches up. */
static void
parser_water(struct imsgbuf *ib, int above, void *arg)
{
	struct imsgev	*iev;
	int		 i;

	for (i = 0; i < PROC_MAX_INSTANCES; i++) {
		if ((iev = proc_peer(p.c.ctx, PROC_INGEST, i)) != NULL)
			imsgev_pause(iev, above);
		if ((iev = proc_peer(p.c.ctx, PROC_WEB, i)) != NULL)
			imsgev_pause(iev, above);
	}
}

__dead void
parser(struct proc_ctx *ctx)
{
	struct timeval	 tv = { PARSER_AUDIT_IDLE, 0 };
	struct imsgev	*iev;
	int		 i;

	TAILQ_INIT(&p.sources);
	child_setup(ctx, &p.c);
	p.c.counters = parser_counters;
	if ((p.per_source = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	if ((p.store = proc_peer(ctx, PROC_STORE, 0)) == NULL)
		fatalx("no channel to the store");
	imsgbuf_set_limits(&p.store->ibuf, PARSER_QUEUE_LOW,
	    PARSER_QUEUE_HIGH, SIZE_MAX, parser_water, NULL);
	child_seal(&p.c, child_conf_str(&p.c, "chroot", SIEMD_EMPTY));

	ctx->parent.dispatch = parser_dispatch_parent;
	for (i = 0; i < PROC_MAX_INSTANCES; i++) {
		if ((iev = proc_peer(ctx, PROC_INGEST, i)) != NULL)
			iev->dispatch = parser_dispatch_ingest;
		if ((iev = proc_peer(ctx, PROC_WEB, i)) != NULL)
			iev->dispatch = parser_dispatch_ingest;
	}
	evtimer_assign(&p.audit_ev, ctx->evbase, parser_audit_timer, NULL);
	evtimer_add(&p.audit_ev, &tv);
	child_run(&p.c);
}
