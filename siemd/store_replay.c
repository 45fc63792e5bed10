/*
 * Replaying stored events to correlate (store_replay.h).  Rows are
 * read in id order from the first one received since the requested
 * time; ids grow with received_at, so that row is found by a binary
 * search on the primary key instead of a scan.  The statements are
 * prepared per replay: a replay happens once per start or reload.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "event_wire.h"
#include "store_replay.h"

enum replay_stmt {
	RS_BOUNDS,
	RS_PROBE,
	RS_ROWS,
	RS_MAX
};

static const char *replay_sql[RS_MAX] = {
	[RS_BOUNDS] = "SELECT min(id), max(id) FROM events",
	[RS_PROBE] =
	    "SELECT id, received_at FROM events WHERE id >= ?1"
	    " ORDER BY id LIMIT 1",
	/* integer and text columns in the order of event.h */
	[RS_ROWS] =
	    "SELECT id, ts, received_at, severity, latency_ms,"
	    " pid, facility, syslog_severity, src_port, dest_port,"
	    " http_status, source_offset,"
	    " source_type, host, app, level, event_type, outcome, message,"
	    " request_id, user_id, src_ip, dest_ip, protocol, user_agent,"
	    " http_method, http_path, http_query, error_type, process_exe,"
	    " process_cmdline, process_cwd, parent_exe, raw, source_file,"
	    " tags, data_json FROM events WHERE id >= ?1 ORDER BY id",
};

#define RS_COL_INTS	5
#define RS_COL_TEXTS	(RS_COL_INTS + EV_INT_MAX)
#define RS_COL_DATA	(RS_COL_TEXTS + EV_TEXT_MAX)

struct replay_emit {
	struct imsgev	*iev;
};

/*
 * The first id received at or after since (ids follow received_at);
 * -1 if there are no events, -2 if they could not be read.
 */
static int64_t
replay_start(sqlite3_stmt *bounds, sqlite3_stmt *probe, int64_t since,
    int64_t min_id, int *capped)
{
	int64_t	 lo, hi, mid, id, found;
	int	 rv;

	if (sqlite3_step(bounds) != SQLITE_ROW)
		return (-2);
	if (sqlite3_column_type(bounds, 0) == SQLITE_NULL)
		return (-1);
	lo = sqlite3_column_int64(bounds, 0);
	hi = sqlite3_column_int64(bounds, 1);
	found = hi + 1;
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		sqlite3_reset(probe);
		sqlite3_bind_int64(probe, 1, mid);
		if ((rv = sqlite3_step(probe)) == SQLITE_DONE) {
			hi = mid - 1;	/* past the last id */
			continue;
		}
		if (rv != SQLITE_ROW)
			return (-2);
		id = sqlite3_column_int64(probe, 0);
		if (sqlite3_column_int64(probe, 1) >= since) {
			found = id;
			hi = mid - 1;
		} else
			lo = id + 1;
	}
	sqlite3_reset(probe);
	/* the newest STORE_REPLAY_MAX_EVENTS at most, in all partitions */
	if (found < min_id) {
		found = min_id;
		*capped = 1;
	}
	return (found);
}

int
store_replay(sqlite3 *db, int64_t since, int64_t min_id,
    int (*emit)(const uint8_t *, size_t, void *), void *arg,
    int64_t *events)
{
	sqlite3_stmt		*s[RS_MAX];
	struct event_view	 v;
	struct wire_buf		 wb;
	enum event_severity	 sev;
	const char		*sevname;
	int64_t			 start, bytes = 0;
	int			 i, rv = 0, step = SQLITE_DONE, capped = 0;

	*events = 0;
	memset(&wb, 0, sizeof(wb));
	memset(s, 0, sizeof(s));
	for (i = 0; i < RS_MAX; i++)
		if (sqlite3_prepare_v2(db, replay_sql[i], -1, &s[i], NULL) !=
		    SQLITE_OK) {
			log_warnx("%s: %s", __func__, sqlite3_errmsg(db));
			rv = -1;
			goto done;
		}
	start = replay_start(s[RS_BOUNDS], s[RS_PROBE], since, min_id,
	    &capped);
	if (start == -2) {
		/* the answer says it is incomplete */
		log_warnx("%s: %s", __func__, sqlite3_errmsg(db));
		rv = -1;
		goto done;
	}
	if (start == -1)
		goto done;		/* no events at all */
	rv = capped;
	sqlite3_bind_int64(s[RS_ROWS], 1, start);
	while ((step = sqlite3_step(s[RS_ROWS])) == SQLITE_ROW) {
		sqlite3_stmt *q = s[RS_ROWS];

		if (sqlite3_column_int64(q, 2) < since)
			continue;
		memset(&v, 0, sizeof(v));
		v.h.id = sqlite3_column_int64(q, 0);
		v.h.ts = sqlite3_column_int64(q, 1);
		v.h.received_at = sqlite3_column_int64(q, 2);
		sevname = (const char *)sqlite3_column_text(q, 3);
		v.h.severity = event_severity_parse(sevname, &sev) == 0 ?
		    sev : SEV_INFO;
		v.h.source_kind = SOURCE_FILE;
		v.h.latency_ms = sqlite3_column_type(q, 4) == SQLITE_NULL ?
		    -1 : sqlite3_column_double(q, 4);
		for (i = 0; i < EV_INT_MAX; i++)
			v.h.ints[i] = sqlite3_column_type(q,
			    RS_COL_INTS + i) == SQLITE_NULL ? -1 :
			    sqlite3_column_int64(q, RS_COL_INTS + i);
		v.h.total = sizeof(v.h);
		for (i = 0; i < EV_TEXT_MAX; i++) {
			v.text[i] = (const char *)sqlite3_column_text(q,
			    RS_COL_TEXTS + i);
			if (v.text[i] == NULL)
				v.h.textlen[i] = WIRE_NULL;
			else {
				v.h.textlen[i] = sqlite3_column_bytes(q,
				    RS_COL_TEXTS + i);
				v.h.total += v.h.textlen[i];
			}
		}
		v.data = (const char *)sqlite3_column_text(q, RS_COL_DATA);
		if (v.data == NULL)
			v.h.datalen = WIRE_NULL;
		else {
			v.h.datalen = sqlite3_column_bytes(q, RS_COL_DATA);
			v.h.total += v.h.datalen;
		}
		if (wb.len + v.h.total > STORE_REPLAY_CHUNK && wb.count > 0) {
			if (emit(wb.buf, wb.len, arg) == -1) {
				rv = 1;
				goto done;
			}
			bytes += wb.len;
			wire_reset(&wb);
		}
		if (bytes + (int64_t)wb.len + v.h.total >
		    STORE_REPLAY_MAX_BYTES) {
			rv = 1;
			break;
		}
		if (event_view_repack(&wb, &v, v.h.id) == -1)
			fatal("%s: event_view_repack", __func__);
		(*events)++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		log_warnx("%s: %s", __func__, sqlite3_errmsg(db));
		rv = -1;
	}
	if (wb.count > 0 && emit(wb.buf, wb.len, arg) == -1)
		rv = 1;
 done:
	for (i = 0; i < RS_MAX; i++)
		sqlite3_finalize(s[i]);
	wire_free(&wb);
	return (rv);
}

static int
replay_emit(const uint8_t *buf, size_t len, void *arg)
{
	struct replay_emit	*re = arg;

	if (imsgev_compose(re->iev, IMSG_REPLAY_EVENTS, 0, -1, buf,
	    len) == -1) {
		if (errno != ENOBUFS)
			fatal("%s: compose", __func__);
		return (-1);
	}
	return (0);
}

/*
 * Partitions in id order, ids from min_id on; the answer ends with
 * IMSG_REPLAY_DONE.
 */
void
store_replay_answer(sqlite3 **dbs, size_t ndb, int64_t min_id,
    struct imsgev *iev, int64_t since)
{
	struct replay_emit	 re;
	struct replay_done	 done;
	int64_t			 n = 0, part;
	size_t			 i;
	int			 rv = 0;

	re.iev = iev;
	for (i = 0; i < ndb && rv == 0; i++) {
		rv = store_replay(dbs[i], since, min_id, replay_emit, &re,
		    &part);
		n += part;
	}
	memset(&done, 0, sizeof(done));
	done.events = n;
	done.truncated = rv != 0;
	if (imsgev_compose(iev, IMSG_REPLAY_DONE, 0, -1, &done,
	    sizeof(done)) == -1)
		fatal("%s: compose", __func__);
	log_debug("replayed %lld events since %lld%s", (long long)n,
	    (long long)since, rv ? " (stopped early)" : "");
}
