/*
 * The web process: the HTTPS API and the dashboard.  It builds its
 * TLS contexts from the key bytes the parent sent, wipes them, seals
 * itself in the htdocs directory, and serves (server.c, router.c,
 * static.c).
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <tls.h>

#include "siemd.h"
#include "child.h"
#include "http.h"
#include "router.h"
#include "server.h"
#include "auth.h"
#include "live.h"
#include "api.h"
#include "api_alerts.h"

#define WEB_NICE	5		/* below ingestion, above the queries */

static json_t	*web_counters(void *);
static void	 web_stop(void *);
static json_t	*web_listener_conf(json_t *, int);
static struct tls_config *web_tls(struct child *, int);

static json_t *
web_counters(void *arg)
{
	struct server_stats	*s = &server_stats;
	json_t			*js, *a;

	js = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I}",
	    "requests", (json_int_t)s->requests,
	    "1xx", (json_int_t)s->status[1],
	    "2xx", (json_int_t)s->status[2],
	    "3xx", (json_int_t)s->status[3],
	    "4xx", (json_int_t)s->status[4],
	    "5xx", (json_int_t)s->status[5],
	    "connections", (json_int_t)s->open,
	    "accepted", (json_int_t)s->accepted,
	    "refused", (json_int_t)s->refused,
	    "tls_failures", (json_int_t)s->tls_failures,
	    "timeouts", (json_int_t)s->timeouts,
	    "bad_requests", (json_int_t)s->bad_requests,
	    "slow_requests", (json_int_t)s->slow_requests,
	    "client_gone", (json_int_t)s->client_gone,
	    "held_refused", (json_int_t)s->held_refused);
	if (js != NULL && (a = auth_counters()) != NULL)
		json_object_set_new(js, "auth", a);
	return (js);
}

static void
web_stop(void *arg)
{
	server_stop();
}

/* The api.listeners entry with that id. */
static json_t *
web_listener_conf(json_t *api, int id)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(json_object_get(api, "listeners"), i, v)
		if (json_integer_value(json_object_get(v, "id")) == id)
			return (v);
	return (NULL);
}

/* A server TLS configuration from the certificate and key bytes. */
static struct tls_config *
web_tls(struct child *c, int id)
{
	const struct child_file	*cert, *key;
	struct tls_config	*cfg;
	uint32_t		 protocols;

	cert = child_file(c, id, TLSFILE_CERT);
	key = child_file(c, id, TLSFILE_KEY);
	if (cert == NULL || key == NULL)
		fatalx("listener %d: no certificate or key", id);
	if ((cfg = tls_config_new()) == NULL)
		fatalx("%s: tls_config_new", __func__);
	if (tls_config_parse_protocols(&protocols, "secure") == -1 ||
	    tls_config_set_protocols(cfg, protocols) == -1 ||
	    tls_config_set_ciphers(cfg, "secure") == -1)
		fatalx("listener %d: %s", id, tls_config_error(cfg));
	if (tls_config_set_keypair_mem(cfg, cert->data, cert->len,
	    key->data, key->len) == -1)
		fatalx("listener %d: %s", id, tls_config_error(cfg));
	return (cfg);
}

__dead void
web(struct proc_ctx *ctx)
{
	static struct child	 c;
	struct tls_config	*cfg;
	json_t			*api, *lc;
	const char		*htdocs = SIEMD_HTDOCS;
	int64_t			 body_max = SIEMD_BODY_MAX;
	int			 i, maxconns, idle, header;

	child_setup(ctx, &c);
	c.counters = web_counters;
	c.stop = web_stop;
	api = json_object_get(c.conf, "api");
	if (json_is_string(json_object_get(api, "htdocs")))
		htdocs = json_string_value(json_object_get(api, "htdocs"));
	if (json_is_integer(json_object_get(api, "body_limit")))
		body_max = json_integer_value(json_object_get(api,
		    "body_limit"));
	if (body_max <= 0)
		body_max = SIEMD_BODY_MAX;
	if (router_init(api) == -1)
		fatalx("bad api configuration");
	server_init(ctx->evbase, body_max);
	for (i = 0; i < c.nlisteners; i++) {
		lc = web_listener_conf(api, c.listeners[i].id);
		maxconns = json_integer_value(json_object_get(lc,
		    "max_connections"));
		idle = json_integer_value(json_object_get(lc,
		    "idle_timeout"));
		header = json_integer_value(json_object_get(lc,
		    "handshake_timeout"));
		cfg = NULL;
		if (c.listeners[i].proto == LISTEN_HTTPS)
			cfg = web_tls(&c, c.listeners[i].id);
		server_listen(c.listeners[i].id, c.listeners[i].proto,
		    c.listeners[i].fd, cfg, maxconns, idle, header);
		/* the server context holds its own copy of the keys */
		if (cfg != NULL)
			tls_config_free(cfg);
	}
	child_wipe_files(&c);
	auth_init(&c);
	/* cursors keyed by the token secret outlive a restart */
	{
		struct siemd_secret	*s = child_secret(&c, "jwt-key");

		api_cursor_key(s != NULL ? s->value : NULL,
		    s != NULL ? s->len : 0);
	}
	/*
	 * Answers yield the CPU to ingestion (as the query processes do):
	 * on a saturated machine a request waits a little longer, while
	 * a datagram that waits is lost.
	 */
	child_nice(WEB_NICE);
	child_seal(&c, htdocs);
	live_init(ctx);
	api_init(ctx);
	alerts_init(ctx);
	alerts_conf(api);
	server_start();
	child_run(&c);
}
