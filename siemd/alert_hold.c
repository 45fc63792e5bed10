/*
 * Alert coalescing in correlate.
 *
 * Every report of an alert (a detection's hits in one batch, a
 * correlation that fired or grew) carries the alert's key; the store
 * merges reports of one key into one row.  Under an attack that goes
 * on for minutes, sending a report per batch makes the store write
 * the same row many times a second.  Here the first report of a key
 * leaves at once (the alert is raised without delay) and the key is
 * remembered; reports that follow within the hold interval are merged
 * into one held report that leaves when the interval is over.  So a
 * key costs at most one store write per interval, and nothing is lost:
 * counts add up, times widen, event ids are united.
 *
 * Remembered keys are bounded; when the table is full a new key's
 * report is sent at once without being remembered (counted as unheld).
 */

#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert_hold.h"

struct held {
	char			*key;
	uint64_t		 hash;
	int64_t			 sent_at;	/* µs, caller's clock */
	json_t			*js;		/* waiting, or NULL */
	struct held		*next;		/* hash chain */
	TAILQ_ENTRY(held)	 entry;		/* oldest sent_at first */
};

TAILQ_HEAD(held_list, held);

struct alert_hold {
	int64_t			 hold;
	size_t			 max;
	alert_hold_cb		 cb;
	void			*arg;
	struct held		**tab;
	size_t			 ntab;		/* power of two */
	struct held_list	 order;
	struct alert_hold_stats	 stats;
};

static uint64_t
key_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

struct alert_hold *
alert_hold_new(int64_t hold, size_t max, alert_hold_cb cb, void *arg)
{
	struct alert_hold	*ah;

	if ((ah = calloc(1, sizeof(*ah))) == NULL)
		return (NULL);
	ah->hold = hold > 0 ? hold : 1;
	ah->max = max;
	ah->cb = cb;
	ah->arg = arg;
	ah->ntab = 64;
	while (ah->ntab < max)
		ah->ntab <<= 1;
	if ((ah->tab = calloc(ah->ntab, sizeof(*ah->tab))) == NULL) {
		free(ah);
		return (NULL);
	}
	TAILQ_INIT(&ah->order);
	return (ah);
}

static void
held_remove(struct alert_hold *ah, struct held *h)
{
	struct held	**pp;

	for (pp = &ah->tab[h->hash & (ah->ntab - 1)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	TAILQ_REMOVE(&ah->order, h, entry);
	if (h->js != NULL) {
		json_decref(h->js);
		ah->stats.held--;
	}
	free(h->key);
	free(h);
	ah->stats.keys--;
}

void
alert_hold_free(struct alert_hold *ah)
{
	if (ah == NULL)
		return;
	while (!TAILQ_EMPTY(&ah->order))
		held_remove(ah, TAILQ_FIRST(&ah->order));
	free(ah->tab);
	free(ah);
}

static void
send(struct alert_hold *ah, json_t *js)
{
	ah->stats.sent++;
	ah->cb(js, ah->arg);
}

/* The held report leaves now; the key stays remembered from now. */
static void
held_send(struct alert_hold *ah, struct held *h, int64_t now)
{
	json_t	*js = h->js;

	h->js = NULL;
	ah->stats.held--;
	h->sent_at = now;
	TAILQ_REMOVE(&ah->order, h, entry);
	TAILQ_INSERT_TAIL(&ah->order, h, entry);
	send(ah, js);
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

static int64_t
int_or(json_t *o, const char *k, int64_t dflt)
{
	json_t	*v = json_object_get(o, k);

	return (json_is_integer(v) ? json_integer_value(v) : dflt);
}

/*
 * The union of two arrays of event ids, ascending, the lowest
 * ALERT_HOLD_IDS kept (as the store keeps them); NULL when out of
 * memory.  Anything but integers is left out.
 */
json_t *
alert_ids_union(json_t *a, json_t *b)
{
	json_t		*ids, *v;
	int64_t		*all;
	size_t		 n = 0, i;

	if ((all = calloc(json_array_size(a) + json_array_size(b) + 1,
	    sizeof(*all))) == NULL)
		return (NULL);
	json_array_foreach(a, i, v)
		if (json_is_integer(v))
			all[n++] = json_integer_value(v);
	json_array_foreach(b, i, v)
		if (json_is_integer(v))
			all[n++] = json_integer_value(v);
	qsort(all, n, sizeof(*all), cmp_id);
	if ((ids = json_array()) == NULL) {
		free(all);
		return (NULL);
	}
	for (i = 0; i < n && json_array_size(ids) < ALERT_HOLD_IDS; i++)
		if (i == 0 || all[i] != all[i - 1])
			json_array_append_new(ids, json_integer(all[i]));
	free(all);
	return (ids);
}

/*
 * from's figures folded into into: counts and totals add up, first
 * and last seen widen, event ids are united.  -1 when either is not
 * an alert report of the expected shape (nothing is changed).
 */
int
alert_merge(json_t *into, json_t *from)
{
	json_t		*a, *b, *ids;
	size_t		 na, nb;

	a = json_object_get(into, "event_ids");
	b = json_object_get(from, "event_ids");
	if (!json_is_array(a) || !json_is_array(b) ||
	    !json_is_integer(json_object_get(into, "first_seen")) ||
	    !json_is_integer(json_object_get(from, "first_seen")) ||
	    !json_is_integer(json_object_get(into, "last_seen")) ||
	    !json_is_integer(json_object_get(from, "last_seen")))
		return (-1);
	na = json_array_size(a);
	nb = json_array_size(b);
	if ((ids = alert_ids_union(a, b)) == NULL)
		return (-1);
	json_object_set_new(into, "events_total", json_integer(
	    int_or(into, "events_total", (int64_t)na) +
	    int_or(from, "events_total", (int64_t)nb)));
	json_object_set_new(into, "count", json_integer(
	    int_or(into, "count", 1) + int_or(from, "count", 1)));
	if (int_or(from, "first_seen", 0) < int_or(into, "first_seen", 0))
		json_object_set(into, "first_seen",
		    json_object_get(from, "first_seen"));
	if (int_or(from, "last_seen", 0) > int_or(into, "last_seen", 0))
		json_object_set(into, "last_seen",
		    json_object_get(from, "last_seen"));
	json_object_set_new(into, "event_ids", ids);
	return (0);
}

/*
 * One report (js consumed) at time now: sent at once when its key was
 * not sent within the hold interval, else merged into the key's held
 * report.
 */
void
alert_hold_put(struct alert_hold *ah, json_t *js, int64_t now)
{
	struct held	*h;
	const char	*key;
	uint64_t	 hash;

	if ((key = json_string_value(json_object_get(js, "key"))) == NULL) {
		send(ah, js);
		return;
	}
	hash = key_hash(key);
	for (h = ah->tab[hash & (ah->ntab - 1)]; h != NULL; h = h->next)
		if (h->hash == hash && strcmp(h->key, key) == 0)
			break;
	if (h != NULL && now - h->sent_at < ah->hold) {
		if (h->js == NULL) {
			h->js = js;
			ah->stats.held++;
			return;
		}
		if (alert_merge(h->js, js) == 0) {
			ah->stats.merged++;
			json_decref(js);
			return;
		}
		/* cannot merge: the held one leaves, this one waits */
		held_send(ah, h, now);
		h->js = js;
		ah->stats.held++;
		return;
	}
	if (h != NULL) {
		/* the interval is over: one report with whatever waited */
		if (h->js != NULL) {
			if (alert_merge(h->js, js) == 0) {
				ah->stats.merged++;
				json_decref(js);
				held_send(ah, h, now);
				return;
			}
			held_send(ah, h, now);
		}
		h->sent_at = now;
		TAILQ_REMOVE(&ah->order, h, entry);
		TAILQ_INSERT_TAIL(&ah->order, h, entry);
		send(ah, js);
		return;
	}
	if (ah->stats.keys >= ah->max) {
		/* make room from the oldest that waits for nothing */
		h = TAILQ_FIRST(&ah->order);
		if (h != NULL && h->js == NULL)
			held_remove(ah, h);
		else {
			ah->stats.unheld++;
			send(ah, js);
			return;
		}
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->key = strdup(key)) == NULL) {
		free(h);
		ah->stats.unheld++;
		send(ah, js);
		return;
	}
	h->hash = hash;
	h->sent_at = now;
	h->next = ah->tab[hash & (ah->ntab - 1)];
	ah->tab[hash & (ah->ntab - 1)] = h;
	TAILQ_INSERT_TAIL(&ah->order, h, entry);
	ah->stats.keys++;
	send(ah, js);
}

/* Held reports whose interval is over leave; idle keys are forgotten. */
void
alert_hold_tick(struct alert_hold *ah, int64_t now)
{
	struct held	*h;

	while ((h = TAILQ_FIRST(&ah->order)) != NULL &&
	    now - h->sent_at >= ah->hold) {
		if (h->js != NULL)
			held_send(ah, h, now);
		else
			held_remove(ah, h);
	}
}

/* Every held report leaves now (rule reload, shutdown). */
void
alert_hold_flush(struct alert_hold *ah)
{
	struct held	*h, *next;

	for (h = TAILQ_FIRST(&ah->order); h != NULL; h = next) {
		next = TAILQ_NEXT(h, entry);
		if (h->js != NULL) {
			json_t	*js = h->js;

			h->js = NULL;
			ah->stats.held--;
			send(ah, js);
		}
	}
}

const struct alert_hold_stats *
alert_hold_stats(const struct alert_hold *ah)
{
	return (&ah->stats);
}
