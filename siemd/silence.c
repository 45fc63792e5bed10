/*
 * A log source that goes quiet is often the first sign of trouble: an
 * agent stopped, a firewall rule changed, an attacker cleaned up.  For
 * every listener and tail with "silent after", the parent follows the
 * received counter ingest reports; when it has not moved for the
 * interval, correlate is told once, and again only after the source
 * came back and went quiet anew.
 */

#include <sys/types.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siemd.h"
#include "silence.h"

#define SILENCE_MAX_WATCH	256

struct watch {
	char		 name[SIEMD_MAX_NAME + 32];
	char		 key[32];	/* listener: "L<id>" */
	char		*dirprefix;	/* tail: "file <dir>/" */
	int64_t		 interval;	/* seconds */
	int64_t		 count;
	time_t		 last_change;	/* monotonic */
	int64_t		 last_real;	/* µs, for the alert */
	int		 alerted;
};

static struct watch	 watches[SILENCE_MAX_WATCH];
static int		 nwatches;

static time_t
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

void
silence_init(struct siemd_conf *conf)
{
	struct siemd_listener	*l;
	struct siemd_tail	*t;
	struct watch		*w;

	TAILQ_FOREACH(l, &conf->listeners, entry) {
		if (l->silent_after <= 0 || nwatches == SILENCE_MAX_WATCH)
			continue;
		w = &watches[nwatches++];
		memset(w, 0, sizeof(*w));
		snprintf(w->name, sizeof(w->name), "%s %s:%u",
		    conf_proto_name(l->proto), l->addr, l->port);
		snprintf(w->key, sizeof(w->key), "L%d", l->id);
		w->interval = l->silent_after;
	}
	TAILQ_FOREACH(t, &conf->tails, entry) {
		if (t->silent_after <= 0 || nwatches == SILENCE_MAX_WATCH)
			continue;
		w = &watches[nwatches++];
		memset(w, 0, sizeof(*w));
		snprintf(w->name, sizeof(w->name), "tail %s", t->dir);
		if (asprintf(&w->dirprefix, "file %s/", t->dir) == -1)
			fatal("%s: asprintf", __func__);
		w->interval = t->silent_after;
	}
	for (w = watches; w < watches + nwatches; w++) {
		w->count = -1;
		w->last_change = mono();
		w->last_real = real_us();
	}
}

static void
announce(struct watch *w)
{
	struct proc_child	*pc;
	json_t			*js;
	char			*text;

	log_warnx("source %s: nothing received for %lld seconds", w->name,
	    (long long)(mono() - w->last_change));
	if ((pc = proc_child_of(&env.ps, PROC_CORRELATE, 0)) == NULL)
		return;
	js = json_pack("{s:s,s:I,s:I}", "source", w->name,
	    "interval", (json_int_t)w->interval,
	    "since", (json_int_t)w->last_real);
	if (js == NULL || (text = json_dumps(js, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	if (imsgev_compose(&pc->iev, IMSG_SOURCE_SILENT, 0, -1, text,
	    strlen(text) + 1) == -1)
		log_warn("%s: compose", __func__);
	free(text);
	json_decref(js);
}

/* Called once a second with the counters the children reported. */
void
silence_check(void)
{
	struct proc_child	*pc;
	struct watch		*w;
	json_t			*js, *srcs, *s;
	const char		*key, *name;
	int64_t			 sum;
	size_t			 i;

	if (nwatches == 0)
		return;
	pc = proc_child_of(&env.ps, PROC_INGEST, 0);
	if (pc == NULL || pc->report == NULL ||
	    (js = json_loads(pc->report, 0, NULL)) == NULL)
		return;
	srcs = json_object_get(js, "sources");
	for (w = watches; w < watches + nwatches; w++) {
		sum = 0;
		json_array_foreach(srcs, i, s) {
			key = json_string_value(json_object_get(s, "key"));
			name = json_string_value(json_object_get(s, "name"));
			if ((w->dirprefix == NULL && key != NULL &&
			    strcmp(key, w->key) == 0) ||
			    (w->dirprefix != NULL && name != NULL &&
			    strncmp(name, w->dirprefix,
			    strlen(w->dirprefix)) == 0))
				sum += json_integer_value(json_object_get(s,
				    "received"));
		}
		if (sum != w->count) {
			if (w->alerted)
				log_info("source %s: receiving again",
				    w->name);
			w->count = sum;
			w->last_change = mono();
			w->last_real = real_us();
			w->alerted = 0;
		} else if (!w->alerted &&
		    mono() - w->last_change >= w->interval) {
			announce(w);
			w->alerted = 1;
		}
	}
	json_decref(js);
}
