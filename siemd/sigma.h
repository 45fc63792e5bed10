/*
 * Sigma rule engine (Sigma specification v2.1): load rule files,
 * compile them against siemd's event schema, and match events.
 *
 * Rule files are untrusted input.  A file is at most SIGMA_MAX_FILE
 * bytes, YAML nesting at most SIGMA_MAX_DEPTH, a condition at most
 * SIGMA_MAX_COND bytes and SIGMA_COND_DEPTH deep; YAML anchors and
 * aliases are refused (no expansion bombs).  Nothing in a rule can
 * make the engine crash or recurse without bound.
 *
 * Use:
 *
 *	struct sigma_map *map = sigma_map_load(path, err, sizeof(err));
 *	struct sigma_set *set = sigma_set_new(map);
 *	sigma_set_add_file(set, "x.yml", yaml, len);	(for every file)
 *	sigma_set_compile(set);
 *	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++)
 *		r->state, r->reason: loaded, or skipped/invalid and why
 *
 *	struct sigma_event se;
 *	sigma_event_from_event(&se, ev);  or  sigma_event_from_view(&se, v);
 *	sigma_match(set, &se, hit, arg);
 *	sigma_event_done(&se);
 *
 *	sigma_explain(rule, &se, &json);	(why a rule matches or not)
 *	sigma_set_free(set); sigma_map_free(map);
 *
 * A rule is in one of three states.  SIGMA_LOADED: compiled, matched
 * against events.  SIGMA_SKIPPED: valid Sigma this installation cannot
 * run -- a logsource or field the mapping does not cover, an unknown
 * placeholder, a correlation over a skipped rule; reason says which.
 * SIGMA_INVALID: the document breaks the specification (bad YAML, no
 * title, unknown modifier, malformed condition, v1 aggregation ...);
 * reason says what and where.  A rule never silently fails to match.
 *
 * Detection semantics:
 *  - A search identifier is a map (AND of its fields), a list of maps
 *    (OR), or a list of strings (keywords: OR; with '|all' AND).
 *    Keywords are searched, as substrings and without case, in the
 *    columns the logsource names (message and raw by default).
 *  - Values: strings with '*' and '?' wildcards ('?' is one UTF-8
 *    character) and the escapes \*, \?, \\ ; integers and booleans
 *    compare with their decimal / true-false text; null matches an
 *    absent or empty field, '' an empty one.  Case-insensitive
 *    (ASCII) unless |cased.  A list under a field is an OR (AND with
 *    |all).
 *  - Modifiers, applied in the order written: contains startswith
 *    endswith all exists cased neq re (+ i m s) base64 base64offset
 *    utf16le utf16be utf16 wide windash lt lte gt gte minute hour day
 *    week month year cidr expand fieldref.
 *    windash: a '-', '/', U+2013, U+2014 or U+2015 that starts a word
 *    (no word character before it, one after it) takes each of the
 *    five forms, every combination (at most SIGMA_MAX_VALUES values).
 *    base64 / base64offset output is compared with case, since the
 *    encoding is case-significant.  neq: true when the field is
 *    absent or equals none of the values.  The time modifiers read the
 *    field as a date (µs event time for the ts column, otherwise ISO
 *    8601 text or epoch seconds), take that part in UTC (week is the
 *    ISO 8601 week) and compare it, with = or a following lt/lte/gt/gte.
 *    expand: %name% placeholders from the mapping's placeholders;
 *    a rule with an unknown one is skipped.
 *  - Condition: or < and < not < "N of" < parentheses; "1 of", "any
 *    of", "all of" a pattern (with *) or "them" (identifiers starting
 *    with '_' excluded); a list of conditions is their OR.  "| count()"
 *    and "near" are refused: "v1 aggregation (count/near) is not
 *    supported; use a correlation rule".
 *
 * Logsources and fields (sigma_map.c, etc/sigma-mapping.yml): each
 * mapping entry selects events (a predicate on columns) and maps the
 * logsource's Sigma field names to columns, data_json keys or
 * computed values.  An entry fits a rule when category and service
 * are equal (both absent counts as equal) and the entry's product is
 * absent or equal; the fitting entry with the most keys wins.
 *
 * Fast path: events are routed by logsource entry (each entry's
 * predicate is evaluated once per event, then only its rules run),
 * and a rule whose condition requires one of a set of literals
 * (field, substring) is evaluated only when one of them is present.
 * The literals of all routed rules are found in one pass per column
 * (sigma_scan.c); a regular expression gives the literals one of which
 * its every match contains, when its pattern is simple enough to tell.
 * Per-rule counters: evaluated, prefiltered out, matched, time.
 *
 * Correlation documents (correlation:) are parsed into struct
 * sigma_corr and their rule references resolved by id or name when
 * the set is compiled; an unknown reference makes the correlation
 * invalid.  Filter documents (filter:) exclude matches of the rules
 * they name.  The windowed correlation engine is not part of this
 * library.
 *
 * A detection rule may carry a siemd: section (struct sigma_ext): a
 * rate baseline, a new-value or a secret-entropy detection over the
 * rule's hits.  Its
 * group-by and value fields are resolved through the rule's logsource
 * here; a field that cannot be is a skip reason, a malformed section
 * makes the rule invalid.  Such a rule raises no alert per hit (it is
 * not standalone); the engine in sigma_base.c raises them.
 */

#ifndef SIEMD_SIGMA_H
#define SIEMD_SIGMA_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "event.h"
#include "event_wire.h"

#define SIGMA_MAX_FILE		(1024 * 1024)	/* bytes of a rule file */
#define SIGMA_MAX_DOCS		1024		/* documents in a file */
#define SIGMA_MAX_DEPTH		32		/* YAML nesting */
#define SIGMA_MAX_NODES		65536		/* YAML nodes in a file */
#define SIGMA_MAX_SCALAR	(64 * 1024)	/* bytes of one scalar */
#define SIGMA_MAX_COND		4096		/* bytes of a condition */
#define SIGMA_COND_DEPTH	32		/* nesting in a condition */
#define SIGMA_COND_NODES	1024		/* nodes of a condition */
#define SIGMA_MAX_SEARCHES	256		/* search ids in a rule */
#define SIGMA_MAX_VALUES	4096		/* values of one field */
#define SIGMA_MAX_MODS		8		/* modifiers on one field */
#define SIGMA_MAX_PLACEHOLDER	256		/* values of a placeholder */
#define SIGMA_REASON_LEN	256

enum sigma_state {
	SIGMA_LOADED,
	SIGMA_SKIPPED,		/* valid, but not runnable here */
	SIGMA_INVALID		/* breaks the specification */
};

enum sigma_kind {
	SIGMA_DETECTION,
	SIGMA_CORRELATION,
	SIGMA_FILTER
};

enum sigma_corr_type {
	SIGMA_CORR_EVENT_COUNT,
	SIGMA_CORR_VALUE_COUNT,
	SIGMA_CORR_TEMPORAL,
	SIGMA_CORR_TEMPORAL_ORDERED,
	SIGMA_CORR_VALUE_SUM,
	SIGMA_CORR_VALUE_AVG,
	SIGMA_CORR_VALUE_PERCENTILE
};

/* Condition of a correlation: each bound present when its flag is. */
#define SIGMA_CMP_GT	0x01
#define SIGMA_CMP_GTE	0x02
#define SIGMA_CMP_LT	0x04
#define SIGMA_CMP_LTE	0x08
#define SIGMA_CMP_EQ	0x10
#define SIGMA_CMP_NEQ	0x20

struct sigma_rule;
struct sigma_detect;

struct sigma_alias {
	char			*alias;
	char			**rule;		/* rule names */
	char			**field;	/* field in its events */
	size_t			 n;
};

struct sigma_corr {
	enum sigma_corr_type	 type;
	char			**rules;	/* as written: ids or names */
	struct sigma_rule	**refs;		/* resolved by compile */
	size_t			 nrules;
	char			**group_by;
	size_t			 ngroup_by;
	int64_t			 timespan;	/* seconds */
	unsigned int		 cmp;		/* SIGMA_CMP_* present */
	double			 gt, gte, lt, lte, eq, neq;
	char			*field;		/* value_* and value_count */
	int			 generate;
	struct sigma_alias	*aliases;
	size_t			 naliases;
};

enum sigma_ext_type {
	SIGMA_EXT_BASELINE,		/* siemd: baseline: */
	SIGMA_EXT_NEW_VALUE,		/* siemd: new-value: */
	SIGMA_EXT_SECRET		/* siemd: secret-entropy: */
};

#define SIGMA_EXT_MAX_FIELDS	8	/* group-by and value fields */
#define SIGMA_EXT_MAX_BUCKETS	2048	/* buckets in a baseline window */
#define SIGMA_EXT_MAX_K		1000
#define SIGMA_EXT_MAX_COUNT	1000000000

/* A siemd: section; durations in seconds. */
struct sigma_ext {
	enum sigma_ext_type	 type;
	char			**group_by;
	struct sigma_target	*group_t;	/* through the logsource */
	size_t			 ngroup_by;
	char			**fields;	/* new-value */
	struct sigma_target	*field_t;
	size_t			 nfields;
	int64_t			 bucket;	/* baseline */
	int64_t			 window;	/* baseline: trailing buckets */
	double			 k;		/* baseline */
	int64_t			 min_count;	/* baseline */
	int64_t			 learn;		/* nothing alerts before */
	struct base_secret	*secret;	/* secret-entropy (sigma_base.c) */
};

struct sigma_ynode;
/* sigma_base.c: a secret-entropy section's map; -1 with err */
int		 base_secret_parse(const struct sigma_ynode *,
		    struct base_secret **, char *, size_t);
void		 base_secret_free(struct base_secret *);

struct sigma_stats {
	uint64_t		 evaluated;	/* full evaluations */
	uint64_t		 prefiltered;	/* skipped by the literals */
	uint64_t		 matched;
	uint64_t		 nsec;		/* time spent evaluating */
};

struct sigma_rule {
	/* where it came from */
	char			*path;
	int			 doc;		/* document, from 0 */
	size_t			 index;		/* in its set */
	enum sigma_kind		 kind;
	enum sigma_state	 state;
	char			 reason[SIGMA_REASON_LEN];

	/* what an alert keeps (the DRL license requires the author) */
	char			*title;
	char			*id;
	char			*name;
	char			*status;
	char			*level;
	char			*author;
	char			*description;
	char			**tags;
	size_t			 ntags;
	char			**references;
	size_t			 nreferences;
	char			**falsepositives;
	size_t			 nfalsepositives;
	char			*product;
	char			*category;
	char			*service;
	char			*condition;	/* as written, lists joined */

	struct sigma_corr	*corr;		/* SIGMA_CORRELATION */
	struct sigma_ext	*ext;		/* a siemd: section, or NULL */
	char			**filter_rules;	/* SIGMA_FILTER: rules named */
	size_t			 nfilter_rules;

	int			 standalone;	/* 0: only feeds a correlation
						   (generate: false) */
	struct sigma_stats	 stats;

	struct sigma_detect	*det;		/* compiled detection */
};

/*
 * An event as the matcher sees it: a struct siem_event, or an
 * event_view straight from a wire batch (texts not NUL-terminated,
 * data_json as text, parsed on first use).  Holds per-event caches;
 * sigma_event_done() frees them.
 */
struct sigma_event {
	const struct siem_event	*ev;
	const struct event_view	*view;
	json_t			*data;		/* parsed view data_json */
	int			 data_done;
	uint32_t		 int_done;	/* bit per EV_INT_* rendered */
	char			 ints[EV_INT_MAX][24];
	char			*uri;		/* path?query */
	size_t			 urilen;
	int			 uri_done;
	char			 ts[64];
	int			 ts_done;
	char			 scratch[64];
	char			*dump;		/* data_json array/object */
	char			*lower[EV_TEXT_MAX];	/* lower-case copies */
};

/* sigma_map.c */
struct sigma_map;
struct sigma_map *sigma_map_load(const char *, char *, size_t);
struct sigma_map *sigma_map_load_buf(const char *, size_t, char *, size_t);
struct sigma_map *sigma_map_default(void);
const char	*sigma_map_default_text(void);
size_t		 sigma_map_entries(const struct sigma_map *);
int		 sigma_map_placeholder(struct sigma_map *, const char *,
		    const char **, size_t);
void		 sigma_map_free(struct sigma_map *);
const struct sigma_map *sigma_map_hold(const struct sigma_map *);
void		 sigma_map_release(const struct sigma_map *);

/* sigma.c */
struct sigma_set;
struct sigma_set *sigma_set_new(const struct sigma_map *);
int		 sigma_set_add_file(struct sigma_set *, const char *,
		    const char *, size_t);
int		 sigma_set_compile(struct sigma_set *);
void		 sigma_set_jit(int);	/* 0: no PCRE2 JIT (sandboxes) */
size_t		 sigma_set_count(const struct sigma_set *);
struct sigma_rule *sigma_set_rule(const struct sigma_set *, size_t);
struct sigma_rule *sigma_set_find(const struct sigma_set *, const char *);
void		 sigma_set_free(struct sigma_set *);

void		 sigma_event_from_event(struct sigma_event *,
		    const struct siem_event *);
void		 sigma_event_from_view(struct sigma_event *,
		    const struct event_view *);
void		 sigma_event_done(struct sigma_event *);

int		 sigma_match(struct sigma_set *, struct sigma_event *,
		    void (*)(const struct sigma_rule *, void *), void *);
int		 sigma_rule_match(struct sigma_rule *, struct sigma_event *);
int		 sigma_explain(const struct sigma_rule *, struct sigma_event *,
		    json_t **);
const char	*sigma_state_name(enum sigma_state);
const char	*sigma_corr_type_name(enum sigma_corr_type);
const char	*sigma_ext_type_name(enum sigma_ext_type);

/*
 * sigma_cond.c: the condition grammar, compiled to a tree evaluated
 * with bounded depth.  names are the rule's search identifiers.
 */
struct sigma_cond;
struct sigma_cond *sigma_cond_parse(const char *, size_t,
		    const char *const *, size_t, char *, size_t);
struct sigma_cond *sigma_cond_or(struct sigma_cond **, size_t);
/* eval calls search(arg, i) for search identifier i; 1 true, 0 false */
int		 sigma_cond_eval(const struct sigma_cond *,
		    int (*)(void *, size_t), void *);
/* The tree as an s-expression, e.g. "(or a (and b (not c)))". */
int		 sigma_cond_format(const struct sigma_cond *, char *, size_t);
/*
 * Searches one of which must be true for the condition to be true,
 * chosen by score (0: the search gives no literal to test for): the
 * number stored in out (at most max), or 0 when there is none.
 */
size_t		 sigma_cond_required(const struct sigma_cond *,
		    unsigned int (*)(void *, size_t), void *, size_t *,
		    size_t);
void		 sigma_cond_free(struct sigma_cond *);

/* Internal to sigma*.c: mapping lookups. */
enum sigma_tkind {
	SIGMA_T_TEXT,		/* event text column idx */
	SIGMA_T_INT,		/* event integer column idx */
	SIGMA_T_DATA,		/* data_json key path */
	SIGMA_T_TS,		/* event time */
	SIGMA_T_URI,		/* http_path?http_query */
	SIGMA_T_EXT,		/* extension of http_path */
	SIGMA_T_LATENCY		/* latency_ms */
};

struct sigma_target {
	enum sigma_tkind	 kind;
	int			 idx;
	char			*key;		/* SIGMA_T_DATA */
};

struct sigma_ls;
const struct sigma_ls *sigma_map_find(const struct sigma_map *,
		    const char *, const char *, const char *);
int		 sigma_map_field(const struct sigma_ls *, const char *,
		    struct sigma_target *);
size_t		 sigma_ls_keywords(const struct sigma_ls *,
		    const struct sigma_target **);
size_t		 sigma_ls_index(const struct sigma_ls *);
const char	*sigma_ls_name(const struct sigma_ls *);
int		 sigma_ls_match(const struct sigma_ls *, struct sigma_event *);
const char *const *sigma_map_placeholder_get(const struct sigma_map *,
		    const char *, size_t *);
int		 sigma_target_parse(const char *, struct sigma_target *);
const char	*sigma_target_name(const struct sigma_target *, char *,
		    size_t);
/* 1 and *p, *len set when present; 0 when absent */
int		 sigma_event_get(struct sigma_event *,
		    const struct sigma_target *, const char **, size_t *);
void		 sigma_target_free(struct sigma_target *);
const char	*sigma_event_lower(struct sigma_event *,
		    const struct sigma_target *, const char *, size_t);

/*
 * sigma_scan.c, internal: many lower-case literals found in one pass
 * over a value, ASCII case ignored.  run() sets found[id] = epoch for
 * each literal id present.
 */
struct sigma_scan;
struct sigma_scan *sigma_scan_new(void);
uint32_t	 sigma_scan_add(struct sigma_scan *, const uint8_t *, size_t);
void		 sigma_scan_build(struct sigma_scan *);
size_t		 sigma_scan_count(const struct sigma_scan *);
size_t		 sigma_scan_size(const struct sigma_scan *);
void		 sigma_scan_run(const struct sigma_scan *, const char *,
		    size_t, uint32_t *, uint32_t);
void		 sigma_scan_run2(const struct sigma_scan *, const char *,
		    size_t, uint32_t *, uint32_t *, size_t, uint32_t);
void		 sigma_scan_collect(const struct sigma_scan *, const char *,
		    size_t, uint32_t *, uint32_t *, size_t *, uint32_t *,
		    uint32_t *, size_t *, size_t, uint32_t);
void		 sigma_scan_free(struct sigma_scan *);
int		 sigma_scan_same(const struct sigma_scan *,
		    const struct sigma_scan *);
struct sigma_scan *sigma_scan_ref(struct sigma_scan *);
#define SIGMA_RE_MAX_LITS	32	/* literals of a regular expression */
#define SIGMA_RE_MAX_LIT	64	/* bytes of one */
size_t		 sigma_re_lits(const char *, size_t, int, uint8_t **,
		    size_t *);

/* Internal: a small YAML tree (sigma.c), shared with sigma_map.c. */
enum sigma_ytype {
	SIGMA_Y_SCALAR,
	SIGMA_Y_SEQ,
	SIGMA_Y_MAP
};

struct sigma_ynode {
	enum sigma_ytype	 type;
	int			 plain;		/* unquoted scalar */
	int			 line;
	char			*s;		/* scalar, NUL-terminated */
	size_t			 len;
	struct sigma_ynode	**kids;		/* map: key, value, key, ... */
	size_t			 n;
};

/* Calls doc(arg, root, index) per document; -1 with err on bad YAML. */
int		 sigma_yaml_parse(const char *, size_t,
		    int (*)(void *, struct sigma_ynode *, int), void *,
		    char *, size_t);
void		 sigma_ynode_free(struct sigma_ynode *);
struct sigma_ynode *sigma_ymap_get(const struct sigma_ynode *,
		    const char *);
int		 sigma_yscalar_null(const struct sigma_ynode *);

#endif /* SIEMD_SIGMA_H */
