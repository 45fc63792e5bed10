/*
 * Sigma logsource routing and field mapping: which events a Sigma
 * logsource selects, and where a Sigma field name lives in siemd's
 * event schema.  The mapping is a YAML file (etc/sigma-mapping.yml
 * documents the format); a copy of the shipped file is built in and
 * used when no file is given.  Also the field accessor: one function
 * that reads a column, a data_json key or a computed value from a
 * struct siem_event or from a packed event_view.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../privsep/log.h"
#include "sigma.h"

#define MAP_MAX_ENTRIES		256
#define MAP_MAX_KEYWORDS	4
#define MAP_MAX_PATH		8	/* data.a.b.c components */

struct sigma_pterm {
	struct sigma_target	 t;
	char			**vals;
	size_t			 nvals;
};

struct sigma_conj {
	struct sigma_pterm	*terms;
	size_t			 n;
};

struct sigma_fmap {
	char			*name;
	struct sigma_target	 t;
};

struct sigma_ls {
	size_t			 index;
	char			*name;
	char			*product;
	char			*category;
	char			*service;
	struct sigma_conj	*when;
	size_t			 nwhen;
	struct sigma_fmap	*fields;
	size_t			 nfields;
	int			 passthrough;	/* "*": data.* */
	struct sigma_target	 kw[MAP_MAX_KEYWORDS];
	size_t			 nkw;
};

struct sigma_ph {
	char			*name;
	char			**vals;
	size_t			 n;
};

struct sigma_map {
	struct sigma_ls		*ls;
	size_t			 nls;
	struct sigma_ph		*ph;
	size_t			 nph;
	int			*holds;		/* rule sets using it */
};

struct map_load {
	struct sigma_map	*map;
	char			*err;
	size_t			 errlen;
	int			 docs;
};

static const char *builtin_text(void);

static char	*xstrdup(const char *);
static int	 map_error(struct map_load *, const struct sigma_ynode *,
		    const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
static int	 map_doc(void *, struct sigma_ynode *, int);
static int	 map_entry(struct map_load *, const struct sigma_ynode *);
static int	 map_when(struct map_load *, struct sigma_ls *,
		    const struct sigma_ynode *);
static int	 map_conj(struct map_load *, struct sigma_conj *,
		    const struct sigma_ynode *);
static int	 map_fields(struct map_load *, struct sigma_ls *,
		    const struct sigma_ynode *);
static int	 map_placeholders(struct map_load *,
		    const struct sigma_ynode *);
static const char *scalar(const struct sigma_ynode *);
static int	 ls_fits(const struct sigma_ls *, const char *, const char *,
		    const char *);
static const char *view_text(const struct event_view *, int, size_t *);
static json_t	*event_data(struct sigma_event *);
static json_t	*data_lookup(json_t *, const char *);
static int	 json_value(struct sigma_event *, json_t *, const char **,
		    size_t *);

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("%s: strdup", __func__);
	return (p);
}

static int
map_error(struct map_load *ml, const struct sigma_ynode *n, const char *fmt,
    ...)
{
	va_list	 ap;
	char	 msg[SIGMA_REASON_LEN];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n != NULL)
		snprintf(ml->err, ml->errlen, "line %d: %s", n->line, msg);
	else
		snprintf(ml->err, ml->errlen, "%s", msg);
	return (-1);
}

static const char *
scalar(const struct sigma_ynode *n)
{
	if (n == NULL || n->type != SIGMA_Y_SCALAR || sigma_yscalar_null(n))
		return (NULL);
	return (n->s);
}

int
sigma_target_parse(const char *s, struct sigma_target *t)
{
	int	 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < EV_TEXT_MAX; i++)
		if (strcmp(s, event_text_name(i)) == 0) {
			t->kind = SIGMA_T_TEXT;
			t->idx = i;
			return (0);
		}
	for (i = 0; i < EV_INT_MAX; i++)
		if (strcmp(s, event_int_name(i)) == 0) {
			t->kind = SIGMA_T_INT;
			t->idx = i;
			return (0);
		}
	if (strcmp(s, "ts") == 0)
		t->kind = SIGMA_T_TS;
	else if (strcmp(s, "uri") == 0)
		t->kind = SIGMA_T_URI;
	else if (strcmp(s, "path_ext") == 0)
		t->kind = SIGMA_T_EXT;
	else if (strcmp(s, "latency_ms") == 0)
		t->kind = SIGMA_T_LATENCY;
	else if (strncmp(s, "data.", 5) == 0 && s[5] != '\0' &&
	    strlen(s) < SIGMA_REASON_LEN) {
		t->kind = SIGMA_T_DATA;
		t->key = xstrdup(s + 5);
	} else
		return (-1);
	return (0);
}

const char *
sigma_target_name(const struct sigma_target *t, char *buf, size_t size)
{
	switch (t->kind) {
	case SIGMA_T_TEXT:
		return (event_text_name(t->idx));
	case SIGMA_T_INT:
		return (event_int_name(t->idx));
	case SIGMA_T_DATA:
		snprintf(buf, size, "data.%s", t->key);
		return (buf);
	case SIGMA_T_TS:
		return ("ts");
	case SIGMA_T_URI:
		return ("uri");
	case SIGMA_T_EXT:
		return ("path_ext");
	case SIGMA_T_LATENCY:
		return ("latency_ms");
	}
	return ("?");
}

void
sigma_target_free(struct sigma_target *t)
{
	free(t->key);
	t->key = NULL;
}

static int
map_conj(struct map_load *ml, struct sigma_conj *cj,
    const struct sigma_ynode *n)
{
	struct sigma_pterm	*pt;
	const struct sigma_ynode *k, *v;
	const char		*s;
	size_t			 i, j;

	if (n->type != SIGMA_Y_MAP || n->n == 0)
		return (map_error(ml, n, "when: expected a map of column: "
		    "value"));
	if ((cj->terms = calloc(n->n / 2, sizeof(*cj->terms))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n->n; i += 2) {
		k = n->kids[i];
		v = n->kids[i + 1];
		pt = &cj->terms[cj->n++];
		if ((s = scalar(k)) == NULL || sigma_target_parse(s,
		    &pt->t) == -1)
			return (map_error(ml, k, "when: unknown column '%s'",
			    s != NULL ? s : "?"));
		if (v->type == SIGMA_Y_SCALAR) {
			if ((s = scalar(v)) == NULL)
				return (map_error(ml, v, "when: empty value"));
			if ((pt->vals = calloc(1, sizeof(char *))) == NULL)
				fatal("%s: calloc", __func__);
			pt->vals[pt->nvals++] = xstrdup(s);
			continue;
		}
		if (v->type != SIGMA_Y_SEQ || v->n == 0)
			return (map_error(ml, v, "when: expected a value or "
			    "a list"));
		if ((pt->vals = calloc(v->n, sizeof(char *))) == NULL)
			fatal("%s: calloc", __func__);
		for (j = 0; j < v->n; j++) {
			if ((s = scalar(v->kids[j])) == NULL)
				return (map_error(ml, v->kids[j],
				    "when: expected a string"));
			pt->vals[pt->nvals++] = xstrdup(s);
		}
	}
	return (0);
}

static int
map_when(struct map_load *ml, struct sigma_ls *ls,
    const struct sigma_ynode *n)
{
	size_t	 i;

	if (n->type == SIGMA_Y_MAP) {
		if ((ls->when = calloc(1, sizeof(*ls->when))) == NULL)
			fatal("%s: calloc", __func__);
		ls->nwhen = 1;
		return (map_conj(ml, &ls->when[0], n));
	}
	if (n->type != SIGMA_Y_SEQ || n->n == 0)
		return (map_error(ml, n, "when: expected a map or a list of "
		    "maps"));
	if ((ls->when = calloc(n->n, sizeof(*ls->when))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n->n; i++) {
		ls->nwhen++;
		if (map_conj(ml, &ls->when[i], n->kids[i]) == -1)
			return (-1);
	}
	return (0);
}

static int
map_fields(struct map_load *ml, struct sigma_ls *ls,
    const struct sigma_ynode *n)
{
	struct sigma_fmap	*fm;
	const char		*k, *v;
	size_t			 i;

	if (n->type != SIGMA_Y_MAP)
		return (map_error(ml, n, "fields: expected a map"));
	if ((ls->fields = calloc(n->n / 2 + 1, sizeof(*ls->fields))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n->n; i += 2) {
		if ((k = scalar(n->kids[i])) == NULL ||
		    (v = scalar(n->kids[i + 1])) == NULL)
			return (map_error(ml, n->kids[i], "fields: expected "
			    "name: column"));
		if (strcmp(k, "*") == 0) {
			if (strcmp(v, "data.*") != 0)
				return (map_error(ml, n->kids[i + 1],
				    "fields: \"*\" can only map to data.*"));
			ls->passthrough = 1;
			continue;
		}
		fm = &ls->fields[ls->nfields];
		if (sigma_target_parse(v, &fm->t) == -1)
			return (map_error(ml, n->kids[i + 1], "fields: %s: "
			    "unknown column '%s'", k, v));
		fm->name = xstrdup(k);
		ls->nfields++;
	}
	return (0);
}

static int
map_entry(struct map_load *ml, const struct sigma_ynode *n)
{
	struct sigma_map	*m = ml->map;
	struct sigma_ls		*ls, *from;
	const struct sigma_ynode *v;
	const char		*s, *k;
	size_t			 i, j;

	if (n->type != SIGMA_Y_MAP)
		return (map_error(ml, n, "logsources: expected a map"));
	if (m->nls >= MAP_MAX_ENTRIES)
		return (map_error(ml, n, "more than %d logsources",
		    MAP_MAX_ENTRIES));
	ls = &m->ls[m->nls];
	memset(ls, 0, sizeof(*ls));
	ls->index = m->nls++;
	for (i = 0; i < n->n; i += 2) {
		if ((k = scalar(n->kids[i])) == NULL)
			return (map_error(ml, n->kids[i], "expected a key"));
		v = n->kids[i + 1];
		if (strcmp(k, "name") == 0 || strcmp(k, "product") == 0 ||
		    strcmp(k, "category") == 0 || strcmp(k, "service") == 0) {
			if ((s = scalar(v)) == NULL)
				return (map_error(ml, v, "%s: expected a "
				    "string", k));
			if (strcmp(k, "name") == 0)
				ls->name = xstrdup(s);
			else if (strcmp(k, "product") == 0)
				ls->product = xstrdup(s);
			else if (strcmp(k, "category") == 0)
				ls->category = xstrdup(s);
			else
				ls->service = xstrdup(s);
		} else if (strcmp(k, "when") == 0) {
			if (map_when(ml, ls, v) == -1)
				return (-1);
		} else if (strcmp(k, "fields") == 0) {
			if (ls->fields != NULL)
				return (map_error(ml, v, "fields given twice"));
			if (map_fields(ml, ls, v) == -1)
				return (-1);
		} else if (strcmp(k, "fields-from") == 0) {
			if ((s = scalar(v)) == NULL)
				return (map_error(ml, v, "fields-from: "
				    "expected a name"));
			for (j = 0, from = NULL; j + 1 < m->nls; j++)
				if (m->ls[j].name != NULL &&
				    strcmp(m->ls[j].name, s) == 0)
					from = &m->ls[j];
			if (from == NULL)
				return (map_error(ml, v, "fields-from: no "
				    "earlier logsource named '%s'", s));
			if (ls->fields != NULL)
				return (map_error(ml, v, "fields given twice"));
			if ((ls->fields = calloc(from->nfields + 1,
			    sizeof(*ls->fields))) == NULL)
				fatal("%s: calloc", __func__);
			for (j = 0; j < from->nfields; j++) {
				ls->fields[j].name =
				    xstrdup(from->fields[j].name);
				ls->fields[j].t = from->fields[j].t;
				if (from->fields[j].t.key != NULL)
					ls->fields[j].t.key =
					    xstrdup(from->fields[j].t.key);
			}
			ls->nfields = from->nfields;
			ls->passthrough = from->passthrough;
		} else if (strcmp(k, "keywords") == 0) {
			if (v->type != SIGMA_Y_SEQ || v->n == 0 ||
			    v->n > MAP_MAX_KEYWORDS)
				return (map_error(ml, v, "keywords: expected "
				    "a list of 1 to %d columns",
				    MAP_MAX_KEYWORDS));
			for (j = 0; j < v->n; j++) {
				if ((s = scalar(v->kids[j])) == NULL ||
				    sigma_target_parse(s, &ls->kw[j]) == -1)
					return (map_error(ml, v->kids[j],
					    "keywords: unknown column"));
				ls->nkw++;
			}
		} else
			return (map_error(ml, n->kids[i], "unknown key '%s'",
			    k));
	}
	if (ls->product == NULL && ls->category == NULL &&
	    ls->service == NULL)
		return (map_error(ml, n, "logsource without product, "
		    "category or service"));
	if (ls->name == NULL) {
		char	 buf[SIGMA_REASON_LEN];

		snprintf(buf, sizeof(buf), "%s/%s/%s", ls->product ?
		    ls->product : "-", ls->category ? ls->category : "-",
		    ls->service ? ls->service : "-");
		ls->name = xstrdup(buf);
	}
	if (ls->nkw == 0) {
		ls->kw[0].kind = SIGMA_T_TEXT;
		ls->kw[0].idx = EV_MESSAGE;
		ls->kw[1].kind = SIGMA_T_TEXT;
		ls->kw[1].idx = EV_RAW;
		ls->nkw = 2;
	}
	return (0);
}

static int
map_placeholders(struct map_load *ml, const struct sigma_ynode *n)
{
	const struct sigma_ynode *v;
	const char		*vals[SIGMA_MAX_PLACEHOLDER];
	const char		*k;
	size_t			 i, j, nv;

	if (n->type != SIGMA_Y_MAP)
		return (map_error(ml, n, "placeholders: expected a map"));
	for (i = 0; i < n->n; i += 2) {
		if ((k = scalar(n->kids[i])) == NULL)
			return (map_error(ml, n->kids[i], "placeholders: "
			    "expected a name"));
		v = n->kids[i + 1];
		nv = 0;
		if (v->type == SIGMA_Y_SCALAR && scalar(v) != NULL)
			vals[nv++] = scalar(v);
		else if (v->type == SIGMA_Y_SEQ &&
		    v->n <= SIGMA_MAX_PLACEHOLDER) {
			for (j = 0; j < v->n; j++)
				if ((vals[nv++] = scalar(v->kids[j])) == NULL)
					return (map_error(ml, v->kids[j],
					    "placeholders: expected a "
					    "string"));
		} else
			return (map_error(ml, v, "placeholders: %s: expected "
			    "a value or a list of at most %d", k,
			    SIGMA_MAX_PLACEHOLDER));
		if (sigma_map_placeholder(ml->map, k, vals, nv) == -1)
			return (map_error(ml, v, "placeholders: bad entry "
			    "'%s'", k));
	}
	return (0);
}

static int
map_doc(void *arg, struct sigma_ynode *root, int doc)
{
	struct map_load		*ml = arg;
	const struct sigma_ynode *k, *v;
	size_t			 i, j;

	if (root == NULL || (root->type == SIGMA_Y_SCALAR &&
	    sigma_yscalar_null(root)))
		return (0);
	if (ml->docs++ > 0)
		return (map_error(ml, root, "more than one document"));
	if (root->type != SIGMA_Y_MAP)
		return (map_error(ml, root, "expected a map"));
	for (i = 0; i < root->n; i += 2) {
		k = root->kids[i];
		v = root->kids[i + 1];
		if (scalar(k) != NULL && strcmp(scalar(k), "logsources") == 0) {
			if (v->type != SIGMA_Y_SEQ)
				return (map_error(ml, v, "logsources: "
				    "expected a list"));
			if (ml->map->ls != NULL)
				return (map_error(ml, v, "logsources given "
				    "twice"));
			if ((ml->map->ls = calloc(v->n + 1,
			    sizeof(*ml->map->ls))) == NULL)
				fatal("%s: calloc", __func__);
			for (j = 0; j < v->n; j++)
				if (map_entry(ml, v->kids[j]) == -1)
					return (-1);
		} else if (scalar(k) != NULL &&
		    strcmp(scalar(k), "placeholders") == 0) {
			if (map_placeholders(ml, v) == -1)
				return (-1);
		} else
			return (map_error(ml, k, "unknown key '%s'",
			    scalar(k) != NULL ? scalar(k) : "?"));
	}
	return (0);
}

struct sigma_map *
sigma_map_load_buf(const char *buf, size_t len, char *err, size_t errlen)
{
	struct map_load	 ml;

	memset(&ml, 0, sizeof(ml));
	if ((ml.map = calloc(1, sizeof(*ml.map))) == NULL ||
	    (ml.map->holds = calloc(1, sizeof(*ml.map->holds))) == NULL)
		fatal("%s: calloc", __func__);
	ml.err = err;
	ml.errlen = errlen;
	if (sigma_yaml_parse(buf, len, map_doc, &ml, err, errlen) == -1) {
		sigma_map_free(ml.map);
		return (NULL);
	}
	return (ml.map);
}

/* NULL path: the built-in mapping. */
struct sigma_map *
sigma_map_load(const char *path, char *err, size_t errlen)
{
	struct sigma_map	*m;
	char			*buf;
	ssize_t			 n;
	size_t			 len = 0;
	int			 fd;

	if (path == NULL)
		return (sigma_map_default());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if ((buf = malloc(SIGMA_MAX_FILE + 1)) == NULL)
		fatal("%s: malloc", __func__);
	while ((n = read(fd, buf + len, SIGMA_MAX_FILE + 1 - len)) > 0)
		len += n;
	close(fd);
	if (n == -1 || len > SIGMA_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path, n == -1 ?
		    strerror(errno) : "file too large");
		free(buf);
		return (NULL);
	}
	m = sigma_map_load_buf(buf, len, err, errlen);
	free(buf);
	return (m);
}

const char *
sigma_map_default_text(void)
{
	return (builtin_text());
}

struct sigma_map *
sigma_map_default(void)
{
	struct sigma_map	*m;
	char			 err[SIGMA_REASON_LEN];

	if ((m = sigma_map_load_buf(builtin_text(), strlen(builtin_text()),
	    err, sizeof(err))) == NULL)
		fatalx("%s: built-in Sigma mapping: %s", __func__, err);
	return (m);
}

size_t
sigma_map_entries(const struct sigma_map *m)
{
	return (m->nls);
}

/* Define (or replace) a placeholder for the expand modifier. */
int
sigma_map_placeholder(struct sigma_map *m, const char *name,
    const char **vals, size_t n)
{
	struct sigma_ph	*ph = NULL, *p;
	size_t		 i;

	if (*name == '\0' || strchr(name, '%') != NULL ||
	    n > SIGMA_MAX_PLACEHOLDER)
		return (-1);
	for (i = 0; i < m->nph; i++)
		if (strcmp(m->ph[i].name, name) == 0)
			ph = &m->ph[i];
	if (ph == NULL) {
		if ((p = reallocarray(m->ph, m->nph + 1, sizeof(*p))) == NULL)
			fatal("%s: reallocarray", __func__);
		m->ph = p;
		ph = &m->ph[m->nph++];
		memset(ph, 0, sizeof(*ph));
		ph->name = xstrdup(name);
	}
	for (i = 0; i < ph->n; i++)
		free(ph->vals[i]);
	free(ph->vals);
	if ((ph->vals = calloc(n + 1, sizeof(char *))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n; i++)
		ph->vals[i] = xstrdup(vals[i]);
	ph->n = n;
	return (0);
}

const char *const *
sigma_map_placeholder_get(const struct sigma_map *m, const char *name,
    size_t *n)
{
	size_t	 i;

	for (i = 0; i < m->nph; i++)
		if (strcmp(m->ph[i].name, name) == 0) {
			*n = m->ph[i].n;
			return ((const char *const *)m->ph[i].vals);
		}
	return (NULL);
}

/*
 * A rule set holds the map it was compiled with (sigma_set_new), so a
 * reload may let go of the old map while a set built on it still runs:
 * the last of the owner and the sets to let go frees it.  The count
 * lives outside the struct so that holders keep a const pointer.
 */
const struct sigma_map *
sigma_map_hold(const struct sigma_map *m)
{
	if (m != NULL && m->holds != NULL)
		(*m->holds)++;
	return (m);
}

void
sigma_map_release(const struct sigma_map *m)
{
	if (m != NULL)
		sigma_map_free((struct sigma_map *)(uintptr_t)m);
}

void
sigma_map_free(struct sigma_map *m)
{
	struct sigma_ls	*ls;
	size_t		 i, j, k, l;

	if (m == NULL)
		return;
	if (m->holds != NULL && *m->holds > 0) {
		(*m->holds)--;
		return;
	}
	free(m->holds);
	for (i = 0; i < m->nls; i++) {
		ls = &m->ls[i];
		free(ls->name);
		free(ls->product);
		free(ls->category);
		free(ls->service);
		for (j = 0; j < ls->nwhen; j++) {
			for (k = 0; k < ls->when[j].n; k++) {
				sigma_target_free(&ls->when[j].terms[k].t);
				for (l = 0; l < ls->when[j].terms[k].nvals;
				    l++)
					free(ls->when[j].terms[k].vals[l]);
				free(ls->when[j].terms[k].vals);
			}
			free(ls->when[j].terms);
		}
		free(ls->when);
		for (j = 0; j < ls->nfields; j++) {
			free(ls->fields[j].name);
			sigma_target_free(&ls->fields[j].t);
		}
		free(ls->fields);
		for (j = 0; j < ls->nkw; j++)
			sigma_target_free(&ls->kw[j]);
	}
	free(m->ls);
	for (i = 0; i < m->nph; i++) {
		for (j = 0; j < m->ph[i].n; j++)
			free(m->ph[i].vals[j]);
		free(m->ph[i].vals);
		free(m->ph[i].name);
	}
	free(m->ph);
	free(m);
}

static int
ls_fits(const struct sigma_ls *ls, const char *product, const char *category,
    const char *service)
{
	if ((ls->category == NULL) != (category == NULL) ||
	    (category != NULL && strcasecmp(ls->category, category) != 0))
		return (0);
	if ((ls->service == NULL) != (service == NULL) ||
	    (service != NULL && strcasecmp(ls->service, service) != 0))
		return (0);
	if (ls->product != NULL && (product == NULL ||
	    strcasecmp(ls->product, product) != 0))
		return (0);
	return (1);
}

/* The entry for a rule's logsource, or NULL. */
const struct sigma_ls *
sigma_map_find(const struct sigma_map *m, const char *product,
    const char *category, const char *service)
{
	const struct sigma_ls	*best = NULL;
	int			 keys, bestkeys = -1;
	size_t			 i;

	for (i = 0; i < m->nls; i++) {
		if (!ls_fits(&m->ls[i], product, category, service))
			continue;
		keys = (m->ls[i].product != NULL) +
		    (m->ls[i].category != NULL) + (m->ls[i].service != NULL);
		if (keys > bestkeys) {
			best = &m->ls[i];
			bestkeys = keys;
		}
	}
	return (best);
}

/* 0 and *t filled (key allocated) when the entry maps name. */
int
sigma_map_field(const struct sigma_ls *ls, const char *name,
    struct sigma_target *t)
{
	size_t	 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < ls->nfields; i++)
		if (strcmp(ls->fields[i].name, name) == 0) {
			*t = ls->fields[i].t;
			if (t->key != NULL)
				t->key = xstrdup(t->key);
			return (0);
		}
	if (ls->passthrough && *name != '\0' &&
	    strlen(name) < SIGMA_REASON_LEN) {
		t->kind = SIGMA_T_DATA;
		t->key = xstrdup(name);
		return (0);
	}
	return (-1);
}

size_t
sigma_ls_keywords(const struct sigma_ls *ls, const struct sigma_target **kw)
{
	*kw = ls->kw;
	return (ls->nkw);
}

size_t
sigma_ls_index(const struct sigma_ls *ls)
{
	return (ls->index);
}

const char *
sigma_ls_name(const struct sigma_ls *ls)
{
	return (ls->name);
}

/* Does the event belong to this logsource? */
int
sigma_ls_match(const struct sigma_ls *ls, struct sigma_event *se)
{
	const struct sigma_conj	*cj;
	const struct sigma_pterm *pt;
	const char		*p;
	size_t			 len, i, j, k;

	if (ls->nwhen == 0)
		return (1);
	for (i = 0; i < ls->nwhen; i++) {
		cj = &ls->when[i];
		for (j = 0; j < cj->n; j++) {
			pt = &cj->terms[j];
			if (!sigma_event_get(se, &pt->t, &p, &len))
				break;
			for (k = 0; k < pt->nvals; k++)
				if (strlen(pt->vals[k]) == len &&
				    strncasecmp(pt->vals[k], p, len) == 0)
					break;
			if (k == pt->nvals)
				break;
		}
		if (j == cj->n)
			return (1);
	}
	return (0);
}

/* The event accessor. */

void
sigma_event_from_event(struct sigma_event *se, const struct siem_event *ev)
{
	memset(se, 0, sizeof(*se));
	se->ev = ev;
}

void
sigma_event_from_view(struct sigma_event *se, const struct event_view *v)
{
	memset(se, 0, sizeof(*se));
	se->view = v;
}

void
sigma_event_done(struct sigma_event *se)
{
	int	 i;

	for (i = 0; i < EV_TEXT_MAX; i++)
		free(se->lower[i]);
	json_decref(se->data);
	free(se->uri);
	free(se->dump);
	memset(se, 0, sizeof(*se));
}

/*
 * A lower-case copy of a text column's value p/len (from
 * sigma_event_get), made once per event, so that case-insensitive
 * substring searches can use memmem(3).  NULL for other targets.
 */
const char *
sigma_event_lower(struct sigma_event *se, const struct sigma_target *t,
    const char *p, size_t len)
{
	size_t	 i;
	char	*l;

	if (t->kind != SIGMA_T_TEXT)
		return (NULL);
	if ((l = se->lower[t->idx]) == NULL) {
		if ((l = malloc(len + 1)) == NULL)
			fatal("%s: malloc", __func__);
		for (i = 0; i < len; i++)
			l[i] = (char)tolower((unsigned char)p[i]);
		l[len] = '\0';
		se->lower[t->idx] = l;
	}
	return (l);
}

static const char *
view_text(const struct event_view *v, int idx, size_t *len)
{
	if (v->h.textlen[idx] == WIRE_NULL || v->text[idx] == NULL)
		return (NULL);
	*len = v->h.textlen[idx];
	return (v->text[idx]);
}

static json_t *
event_data(struct sigma_event *se)
{
	json_error_t	 jerr;

	if (se->ev != NULL)
		return (se->ev->data);
	if (!se->data_done) {
		se->data_done = 1;
		if (se->view->data != NULL && se->view->h.datalen != WIRE_NULL)
			se->data = json_loadb(se->view->data,
			    se->view->h.datalen, JSON_DECODE_ANY, &jerr);
		if (se->data != NULL && !json_is_object(se->data)) {
			json_decref(se->data);
			se->data = NULL;
		}
	}
	return (se->data);
}

/* key as a whole, else split at dots (keys like "http.status" exist). */
static json_t *
data_lookup(json_t *obj, const char *key)
{
	json_t		*v;
	const char	*p, *dot;
	char		 part[SIGMA_REASON_LEN];
	int		 depth;

	if (obj == NULL)
		return (NULL);
	if ((v = json_object_get(obj, key)) != NULL)
		return (v);
	if (strchr(key, '.') == NULL)
		return (NULL);
	for (p = key, depth = 0; depth < MAP_MAX_PATH; depth++) {
		if (!json_is_object(obj))
			return (NULL);
		if ((dot = strchr(p, '.')) == NULL)
			return (json_object_get(obj, p));
		if ((size_t)(dot - p) >= sizeof(part))
			return (NULL);
		memcpy(part, p, dot - p);
		part[dot - p] = '\0';
		if ((obj = json_object_get(obj, part)) == NULL)
			return (NULL);
		p = dot + 1;
	}
	return (NULL);
}

static int
json_value(struct sigma_event *se, json_t *v, const char **p, size_t *len)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		*p = json_string_value(v);
		*len = json_string_length(v);
		return (1);
	case JSON_INTEGER:
		snprintf(se->scratch, sizeof(se->scratch),
		    "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(se->scratch, sizeof(se->scratch), "%.17g",
		    json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(se->scratch, sizeof(se->scratch), "true");
		break;
	case JSON_FALSE:
		snprintf(se->scratch, sizeof(se->scratch), "false");
		break;
	case JSON_NULL:
		*p = "";
		*len = 0;
		return (1);
	default:
		free(se->dump);
		if ((se->dump = json_dumps(v, JSON_COMPACT)) == NULL)
			return (0);
		*p = se->dump;
		*len = strlen(se->dump);
		return (1);
	}
	*p = se->scratch;
	*len = strlen(se->scratch);
	return (1);
}

/*
 * The value of a target in the event: 1 with *p and *len (not
 * NUL-terminated, valid until the next call for a data_json value or
 * until sigma_event_done()), 0 when the event has none.
 */
int
sigma_event_get(struct sigma_event *se, const struct sigma_target *t,
    const char **p, size_t *len)
{
	const char	*path, *query, *s;
	size_t		 plen = 0, qlen = 0, i;
	int64_t		 iv, ts;
	double		 lat;
	struct tm	 tm;
	time_t		 sec;
	json_t		*v;

	switch (t->kind) {
	case SIGMA_T_TEXT:
		if (se->ev != NULL) {
			if ((*p = se->ev->text[t->idx]) == NULL)
				return (0);
			*len = strlen(*p);
			return (1);
		}
		return ((*p = view_text(se->view, t->idx, len)) != NULL);
	case SIGMA_T_INT:
		iv = se->ev != NULL ? se->ev->ints[t->idx] :
		    se->view->h.ints[t->idx];
		if (iv == -1)
			return (0);
		if (!(se->int_done & (1U << t->idx))) {
			snprintf(se->ints[t->idx], sizeof(se->ints[t->idx]),
			    "%" PRId64, iv);
			se->int_done |= 1U << t->idx;
		}
		*p = se->ints[t->idx];
		*len = strlen(*p);
		return (1);
	case SIGMA_T_DATA:
		if ((v = data_lookup(event_data(se), t->key)) == NULL)
			return (0);
		return (json_value(se, v, p, len));
	case SIGMA_T_TS:
		ts = se->ev != NULL ? se->ev->ts : se->view->h.ts;
		if (ts <= 0)
			return (0);
		if (!se->ts_done) {
			sec = (time_t)(ts / 1000000);
			if (gmtime_r(&sec, &tm) == NULL)
				return (0);
			snprintf(se->ts, sizeof(se->ts),
			    "%04d-%02d-%02dT%02d:%02d:%02dZ",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec);
			se->ts_done = 1;
		}
		*p = se->ts;
		*len = strlen(se->ts);
		return (1);
	case SIGMA_T_LATENCY:
		lat = se->ev != NULL ? se->ev->latency_ms :
		    se->view->h.latency_ms;
		if (lat < 0)
			return (0);
		snprintf(se->scratch, sizeof(se->scratch), "%g", lat);
		*p = se->scratch;
		*len = strlen(se->scratch);
		return (1);
	case SIGMA_T_URI:
		if (!se->uri_done) {
			se->uri_done = 1;
			if (se->ev != NULL) {
				if ((path = se->ev->text[EV_HTTP_PATH]) != NULL)
					plen = strlen(path);
				if ((query = se->ev->text[EV_HTTP_QUERY]) !=
				    NULL)
					qlen = strlen(query);
			} else {
				path = view_text(se->view, EV_HTTP_PATH, &plen);
				query = view_text(se->view, EV_HTTP_QUERY,
				    &qlen);
			}
			if (path == NULL && query == NULL)
				return (0);
			if ((se->uri = malloc(plen + qlen + 2)) == NULL)
				fatal("%s: malloc", __func__);
			if (path != NULL)
				memcpy(se->uri, path, plen);
			se->urilen = path != NULL ? plen : 0;
			if (query != NULL) {
				se->uri[se->urilen++] = '?';
				memcpy(se->uri + se->urilen, query, qlen);
				se->urilen += qlen;
			}
			se->uri[se->urilen] = '\0';
		}
		if (se->uri == NULL)
			return (0);
		*p = se->uri;
		*len = se->urilen;
		return (1);
	case SIGMA_T_EXT:
		if (se->ev != NULL) {
			if ((path = se->ev->text[EV_HTTP_PATH]) == NULL)
				return (0);
			plen = strlen(path);
		} else if ((path = view_text(se->view, EV_HTTP_PATH,
		    &plen)) == NULL)
			return (0);
		for (i = plen, s = NULL; i > 0; i--) {
			if (path[i - 1] == '/')
				break;
			if (path[i - 1] == '.') {
				s = path + i;
				break;
			}
		}
		if (s == NULL)
			return (0);
		*p = s;
		*len = path + plen - s;
		return (1);
	}
	return (0);
}

/* @@BUILTIN@@ */
/*
 * The shipped etc/sigma-mapping.yml, built in (test-sigma checks they
 * are the same).
 */
static const char map_default_text[] =
    "# Sigma logsources and field names for siemd's event schema.\n"
    "#\n"
    "# Each entry under \"logsources\" does two things:\n"
    "#\n"
    "#  - when: which events the logsource selects.  A map is an AND of\n"
    "#    column = value (a list is any of its values), compared without\n"
    "#    case; a list of maps is an OR.  No \"when\" selects every event.\n"
    "#  - fields: Sigma field name -> where the value is in an event:\n"
    "#    a column (source_type, host, app, level, event_type, outcome,\n"
    "#    message, request_id, user_id, src_ip, dest_ip, protocol,\n"
    "#    user_agent, http_method, http_path, http_query, error_type,\n"
    "#    process_exe, process_cmdline, process_cwd, parent_exe, raw,\n"
    "#    source_file, tags, pid, facility, syslog_severity, src_port,\n"
    "#    dest_port, http_status, source_offset, latency_ms), ts (the event\n"
    "#    time), uri (http_path?http_query), path_ext (the extension of\n"
    "#    http_path), or data.KEY (a key of data_json; dots descend into\n"
    "#    objects when no key has the whole name).  \"*\" maps every other\n"
    "#    name to data.NAME.\n"
    "#  - fields-from: the name of an earlier entry whose fields this one\n"
    "#    shares.\n"
    "#  - keywords: the columns a keyword search looks in (default: message\n"
    "#    and raw).\n"
    "#\n"
    "# A rule uses the entry whose category and service equal its own\n"
    "# (absent in both counts as equal) and whose product is absent or\n"
    "# equal to its own; among those, the one naming the most of the\n"
    "# three.  A rule whose logsource fits no entry, or which uses a field\n"
    "# its entry does not map, is skipped with the reason.\n"
    "#\n"
    "# placeholders: values for the expand modifier (%name% in a rule).\n"
    "\n"
    "placeholders:\n"
    "    Administrators: ['root', 'admin', 'administrator']\n"
    "\n"
    "logsources:\n"
    "    - name: linux-process-creation\n"
    "      product: linux\n"
    "      category: process_creation\n"
    "      when:\n"
    "          - event_type: process_start\n"
    "      fields:\n"
    "          Image: process_exe\n"
    "          CommandLine: process_cmdline\n"
    "          ParentImage: parent_exe\n"
    "          ParentCommandLine: data.parent_cmdline\n"
    "          CurrentDirectory: process_cwd\n"
    "          User: user_id\n"
    "          ProcessId: pid\n"
    "          ParentProcessId: data.ppid\n"
    "\n"
    "    - name: linux-file-event\n"
    "      product: linux\n"
    "      category: file_event\n"
    "      when:\n"
    "          - event_type: file_event\n"
    "          - source_type: audit\n"
    "            data.SYSCALL: [open, openat, openat2, creat, rename,\n"
    "                renameat, renameat2, link, linkat, symlink, symlinkat,\n"
    "                mknod, mknodat, truncate, chmod, fchmodat, chown,\n"
    "                fchownat]\n"
    "      fields:\n"
    "          TargetFilename: data.name\n"
    "          Image: process_exe\n"
    "          User: user_id\n"
    "          ProcessId: pid\n"
    "\n"
    "    - name: linux-network-connection\n"
    "      product: linux\n"
    "      category: network_connection\n"
    "      when:\n"
    "          - event_type: network_connection\n"
    "          - source_type: audit\n"
    "            data.SYSCALL: [connect, accept, accept4, bind]\n"
    "      fields:\n"
    "          Image: process_exe\n"
    "          User: user_id\n"
    "          ProcessId: pid\n"
    "          DestinationIp: dest_ip\n"
    "          DestinationPort: dest_port\n"
    "          DestinationHostname: data.dest_host\n"
    "          SourceIp: src_ip\n"
    "          SourcePort: src_port\n"
    "          Protocol: protocol\n"
    "          Initiated: data.initiated\n"
    "\n"
    "    - name: linux-auditd\n"
    "      product: linux\n"
    "      service: auditd\n"
    "      when:\n"
    "          - source_type: audit\n"
    "          - app: auditd\n"
    "      fields:\n"
    "          '*': data.*\n"
    "\n"
    "    - name: sshd\n"
    "      service: sshd\n"
    "      when:\n"
    "          - app: sshd\n"
    "      fields:\n"
    "          User: user_id\n"
    "          SourceIp: src_ip\n"
    "          event_type: event_type\n"
    "          outcome: outcome\n"
    "          user_id: user_id\n"
    "          src_ip: src_ip\n"
    "          src_port: src_port\n"
    "          timestamp: ts\n"
    "\n"
    "    - name: sudo\n"
    "      service: sudo\n"
    "      when:\n"
    "          - app: sudo\n"
    "      fields:\n"
    "          USER: data.USER\n"
    "          COMMAND: data.COMMAND\n"
    "          PWD: data.PWD\n"
    "          TTY: data.TTY\n"
    "          User: user_id\n"
    "\n"
    "    - name: cron\n"
    "      service: cron\n"
    "      when:\n"
    "          - app: [cron, crond, CROND, crontab, anacron]\n"
    "\n"
    "    - name: syslog\n"
    "      service: syslog\n"
    "      when:\n"
    "          - source_type: [syslog, file]\n"
    "\n"
    "    - name: auth\n"
    "      service: auth\n"
    "      when:\n"
    "          - source_type: auth\n"
    "          - app: [sshd, sudo, su, login, passwd, pkexec, polkitd,\n"
    "                systemd-logind, useradd, usermod, userdel, groupadd,\n"
    "                groupdel, chpasswd, unix_chkpwd]\n"
    "      fields:\n"
    "          event_type: event_type\n"
    "          outcome: outcome\n"
    "          user_id: user_id\n"
    "          src_ip: src_ip\n"
    "          timestamp: ts\n"
    "\n"
    "    - name: clamav\n"
    "      service: clamav\n"
    "      when:\n"
    "          - app: [clamd, clamav, freshclam, clamscan, clamdscan]\n"
    "\n"
    "    - name: vsftpd\n"
    "      service: vsftpd\n"
    "      when:\n"
    "          - app: vsftpd\n"
    "\n"
    "    - name: guacamole\n"
    "      service: guacamole\n"
    "      when:\n"
    "          - app: [guacamole, guacd, tomcat, tomcat9]\n"
    "\n"
    "    - name: apache\n"
    "      service: apache\n"
    "      when:\n"
    "          - app: [apache, apache2, httpd]\n"
    "\n"
    "    - name: nginx\n"
    "      service: nginx\n"
    "      when:\n"
    "          - app: nginx\n"
    "\n"
    "    - name: linux\n"
    "      product: linux\n"
    "      when:\n"
    "          - source_type: [syslog, file, audit, auth]\n"
    "      fields:\n"
    "          event_type: event_type\n"
    "          outcome: outcome\n"
    "          user_id: user_id\n"
    "          src_ip: src_ip\n"
    "          dest_ip: dest_ip\n"
    "          dest_port: dest_port\n"
    "          timestamp: ts\n"
    "\n"
    "    # every event, whatever sent it (syslog, files, HTTP ingest): for\n"
    "    # what can turn up in any log line, such as a leaked secret\n"
    "    - name: any\n"
    "      product: any\n"
    "      fields-from: linux\n"
    "\n"
    "    # netfilter LOG lines (ufw, iptables, firewalld) from the kernel\n"
    "    - name: firewall\n"
    "      category: firewall\n"
    "      when:\n"
    "          - event_type: [firewall_block, firewall_allow]\n"
    "      fields:\n"
    "          event_type: event_type\n"
    "          src_ip: src_ip\n"
    "          src_port: src_port\n"
    "          dst_ip: dest_ip\n"
    "          dst_port: dest_port\n"
    "          dest_ip: dest_ip\n"
    "          dest_port: dest_port\n"
    "          protocol: protocol\n"
    "          timestamp: ts\n"
    "\n"
    "    - name: webserver\n"
    "      category: webserver\n"
    "      when:\n"
    "          - event_type: http_request\n"
    "      fields:\n"
    "          cs-method: http_method\n"
    "          cs-uri-stem: http_path\n"
    "          cs-uri-query: http_query\n"
    "          cs-uri: uri\n"
    "          c-uri: uri\n"
    "          c-uri-stem: http_path\n"
    "          c-uri-query: http_query\n"
    "          c-uri-extension: path_ext\n"
    "          sc-status: http_status\n"
    "          c-ip: src_ip\n"
    "          s-ip: dest_ip\n"
    "          dst_ip: dest_ip\n"
    "          s-port: dest_port\n"
    "          cs-user-agent: user_agent\n"
    "          c-useragent: user_agent\n"
    "          cs-referer: data.referer\n"
    "          cs-referrer: data.referer\n"
    "          cs-host: data.vhost\n"
    "          r-dns: data.vhost\n"
    "          cs-username: user_id\n"
    "          cs-cookie: data.cookie\n"
    "          cs-content-type: data.content_type\n"
    "          sc-bytes: data.bytes\n"
    "\n"
    "    - name: proxy\n"
    "      category: proxy\n"
    "      when:\n"
    "          - event_type: http_request\n"
    "          - source_type: proxy\n"
    "      fields-from: webserver\n"
    "\n"
    "    # the MoneyControl application's JSON log lines\n"
    "    - name: moneycontrol\n"
    "      product: moneycontrol\n"
    "      when:\n"
    "          - app: MoneyControl\n"
    "      fields:\n"
    "          event_type: event_type\n"
    "          user_id: user_id\n"
    "          src_ip: src_ip\n"
    "          request_id: request_id\n"
    "          http_method: http_method\n"
    "          http_path: http_path\n"
    "          http_status: http_status\n"
    "          error_type: error_type\n"
    "          level: level\n"
    "          message: message\n"
    "          timestamp: ts\n"
    "          '*': data.*\n";

static const char *
builtin_text(void)
{
	return (map_default_text);
}
