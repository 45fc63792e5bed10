/*
 * The store's channel into the web process.  Batches of committed
 * events are walked once and handed to whoever listens (live streams);
 * HTTP ingest acknowledgements go to the ingest handler.  A malformed
 * batch is a protocol error and fatal, like any bad message.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "event_wire.h"
#include "live.h"
#include "json_chunks.h"
#include "router.h"
#include "server.h"
#include "auth.h"

void	(*live_event_hook)(const struct event_view *);
void	(*live_ack_hook)(uint32_t, uint32_t);
void	(*live_alert_hook)(json_t *);
void	(*live_triage_hook)(uint32_t, const char *);

static uint64_t	 live_events;
static uint64_t	 live_batches;
static int64_t	 live_last_id;
static uint64_t	 live_audit_lost;
static uint64_t	 live_alerts;

static struct proc_ctx	*live_ctx;
static int		 live_parser;	/* round robin */

static int	 live_dispatch_store(struct imsgev *, struct imsg *);
static void	 live_persist(const char *, time_t);
static void	 live_audit(const char *, const char *, const char *);

static int
live_dispatch_store(struct imsgev *iev, struct imsg *imsg)
{
	struct event_view	 v;
	struct ingest_ack	 ack;
	const uint8_t		*p;
	size_t			 left;
	int			 rv;

	switch (imsg->hdr.type) {
	case IMSG_STORED:
		p = imsg->data;
		left = imsg->datalen;
		while ((rv = event_view_next(&p, &left, &v)) == 1) {
			live_events++;
			live_last_id = v.h.id;
			if (live_event_hook != NULL)
				live_event_hook(&v);
		}
		if (rv == -1)
			return (-1);
		live_batches++;
		break;
	case IMSG_REVOKED_LIST: {
		static json_t	*pending;
		const char	*text;
		json_t		*list;

		if (imsg_get_string(imsg, &text) == -1)
			return (-1);
		/* in pieces when long; tokens are served once all came */
		if ((list = json_chunks_take(&pending, text,
		    imsg->hdr.peerid)) == NULL)
			break;
		if (auth_revocation_import(list) == -1) {
			json_decref(list);
			return (-1);
		}
		json_decref(list);
		server_hold(0);
		break;
	}
	case IMSG_ALERT_STORED: {
		const char	*text;
		json_t		*alert;

		if (imsg_get_string(imsg, &text) == -1 ||
		    (alert = json_loads(text, 0, NULL)) == NULL)
			return (-1);
		live_alerts++;
		if (live_alert_hook != NULL)
			live_alert_hook(alert);
		json_decref(alert);
		break;
	}
	case IMSG_TRIAGE_DONE: {
		struct triage_msg	 tm;
		const void		*reply;
		size_t			 len;

		if (imsg_get_head(imsg, &tm, sizeof(tm), &reply, &len) ==
		    -1 || len == 0 || memchr(reply, '\0', len) !=
		    (const char *)reply + len - 1)
			return (-1);
		if (live_triage_hook != NULL)
			live_triage_hook(tm.reqid, reply);
		break;
	}
	case IMSG_INGEST_ACK:
		if (imsg_get_data(imsg, &ack, sizeof(ack)) == -1)
			return (-1);
		if (live_ack_hook != NULL)
			live_ack_hook(ack.reqid, ack.stored);
		break;
	default:
		return (-1);
	}
	return (0);
}

/* auth_persist: a logout is written by the store, which survives us. */
static void
live_persist(const char *jti, time_t exp)
{
	struct imsgev	*iev;
	struct revoke	 rv;

	if ((iev = proc_peer(live_ctx, PROC_STORE, 0)) == NULL)
		return;
	memset(&rv, 0, sizeof(rv));
	strlcpy(rv.jti, jti, sizeof(rv.jti));
	rv.exp = exp;
	if (imsgev_compose(iev, IMSG_REVOKE, 0, -1, &rv, sizeof(rv)) == -1)
		log_warn("%s: compose", __func__);
}

/*
 * auth_audit: siemd watches its own front door.  Each login attempt
 * becomes a JSON record that a parser normalizes like any other.
 */
static void
live_audit(const char *type, const char *user, const char *ip)
{
	struct record_hdr	 rh;
	struct iovec		 iov[3];
	struct imsgev		*iev;
	struct timespec		 ts;
	json_t			*js;
	char			*line;
	int			 success, i;

	success = strcmp(type, "login_success") == 0;
	js = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "app", "siemd", "event_type", type,
	    "outcome", success ? "success" : "failure",
	    "level", success ? "INFO" : "WARNING",
	    "user_id", user ? user : "", "src_ip", ip ? ip : "",
	    "message", success ? "API login succeeded" : "API login failed");
	if (js == NULL || (line = json_dumps(js, JSON_COMPACT)) == NULL)
		fatal("%s: json", __func__);
	json_decref(js);

	clock_gettime(CLOCK_REALTIME, &ts);
	memset(&rh, 0, sizeof(rh));
	rh.len = strlen(line);
	rh.kind = SOURCE_HTTP;
	rh.id = 0;		/* no request waits for this one */
	rh.received_at = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	rh.offset = -1;
	rh.peerlen = ip ? strnlen(ip, 255) : 0;
	iov[0].iov_base = &rh;
	iov[0].iov_len = sizeof(rh);
	iov[1].iov_base = (void *)(ip ? ip : "");
	iov[1].iov_len = rh.peerlen;
	iov[2].iov_base = line;
	iov[2].iov_len = rh.len;
	for (i = 0; i < PROC_MAX_INSTANCES; i++) {
		live_parser = (live_parser + 1) % PROC_MAX_INSTANCES;
		if ((iev = proc_peer(live_ctx, PROC_PARSER, live_parser)) !=
		    NULL)
			break;
	}
	if (iev == NULL || imsgev_composev(iev, IMSG_RECORDS, 0, -1, iov,
	    3) == -1)
		{
		live_audit_lost++;
		log_warnx("login event lost: no parser channel");
	}
	free(line);
}

void
live_init(struct proc_ctx *ctx)
{
	struct imsgev	*iev;

	live_ctx = ctx;
	/*
	 * Until the store has said which tokens were revoked before a
	 * restart, a revoked one would pass: requests with credentials
	 * wait for the list (IMSG_REVOKED_LIST, sent once at start).
	 */
	if ((iev = proc_peer(ctx, PROC_STORE, 0)) != NULL) {
		iev->dispatch = live_dispatch_store;
		server_hold(1);
	}
	auth_persist = live_persist;
	auth_audit = live_audit;
}

json_t *
live_counters(void)
{
	return (json_pack("{s:I,s:I,s:I,s:I,s:I}",
	    "alerts", (json_int_t)live_alerts,
	    "audit_lost", (json_int_t)live_audit_lost,
	    "live_events", (json_int_t)live_events,
	    "live_batches", (json_int_t)live_batches,
	    "last_event_id", (json_int_t)live_last_id));
}
