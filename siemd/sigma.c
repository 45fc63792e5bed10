/*
 * The Sigma rule engine: YAML documents to compiled rules, and
 * compiled rules against events.  sigma.h describes the semantics and
 * the API; sigma_cond.c holds the condition grammar and sigma_map.c
 * the logsource routing, field mapping and event accessor.
 *
 * Rule files are untrusted: every size, count and depth is bounded,
 * and a rule that cannot be compiled is kept with its reason instead
 * of failing the set.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>
#include <yaml.h>

#include "../privsep/log.h"
#include "sigma.h"

#define SIGMA_MAX_LITS		1024	/* prefilter literals per rule */
#define SIGMA_MAX_FMLITS	512	/* literal alternatives of a field */
#define SIGMA_MAX_TITLE		256
#define SIGMA_MAX_DESCRIPTION	65535
#define SIGMA_MAX_CORR_CHAIN	8	/* correlations over correlations */
#define SIGMA_MAX_FIELD_TARGETS	4
#define SIGMA_RE_MATCH_LIMIT	100000
#define SIGMA_RE_DEPTH_LIMIT	10000
#define SIGMA_EXPLAIN_VALUE	256	/* bytes of a value in an explanation */
#define SIGMA_REF_BUF		1024
#define PF_NOPAIR		UINT32_MAX

/* Token kinds of a value under construction. */
#define TK_LIT		0
#define TK_STAR		1
#define TK_ONE		2

enum sigma_mod {
	M_CONTAINS, M_STARTSWITH, M_ENDSWITH, M_ALL, M_EXISTS, M_CASED,
	M_NEQ, M_RE, M_RE_I, M_RE_M, M_RE_S, M_BASE64, M_BASE64OFFSET,
	M_UTF16LE, M_UTF16BE, M_UTF16, M_WIDE, M_WINDASH, M_LT, M_LTE,
	M_GT, M_GTE, M_MINUTE, M_HOUR, M_DAY, M_WEEK, M_MONTH, M_YEAR,
	M_CIDR, M_EXPAND, M_FIELDREF
};

static const struct {
	const char	*name;
	enum sigma_mod	 mod;
} sigma_mods[] = {
	{ "contains", M_CONTAINS }, { "startswith", M_STARTSWITH },
	{ "endswith", M_ENDSWITH }, { "all", M_ALL },
	{ "exists", M_EXISTS }, { "cased", M_CASED }, { "neq", M_NEQ },
	{ "re", M_RE }, { "i", M_RE_I }, { "ignorecase", M_RE_I },
	{ "m", M_RE_M }, { "multiline", M_RE_M }, { "s", M_RE_S },
	{ "dotall", M_RE_S }, { "base64", M_BASE64 },
	{ "base64offset", M_BASE64OFFSET }, { "utf16le", M_UTF16LE },
	{ "utf16be", M_UTF16BE }, { "utf16", M_UTF16 }, { "wide", M_WIDE },
	{ "windash", M_WINDASH }, { "lt", M_LT }, { "lte", M_LTE },
	{ "gt", M_GT }, { "gte", M_GTE }, { "minute", M_MINUTE },
	{ "hour", M_HOUR }, { "day", M_DAY }, { "week", M_WEEK },
	{ "month", M_MONTH }, { "year", M_YEAR }, { "cidr", M_CIDR },
	{ "expand", M_EXPAND }, { "fieldref", M_FIELDREF }
};

enum vkind {
	V_PAT,		/* string with wildcards */
	V_RE,		/* PCRE2 */
	V_CMP,		/* numeric comparison (and time parts) */
	V_NULL,		/* absent or empty */
	V_CIDR,
	V_REF		/* another field's value */
};

enum pshape {
	P_EXACT, P_PREFIX, P_SUFFIX, P_CONTAINS, P_ANY, P_GLOB
};

enum cmp_op {
	CMP_EQ, CMP_LT, CMP_LTE, CMP_GT, CMP_GTE
};

struct sigma_value {
	enum vkind		 kind;
	char			*text;		/* for explanations */
	/* V_PAT */
	enum pshape		 shape;
	int			 cased;
	uint8_t			*lit;		/* literal of simple shapes */
	size_t			 litlen;
	uint8_t			*tb;		/* P_GLOB tokens */
	uint8_t			*tk;
	size_t			 ntok;
	uint8_t			*best;		/* longest literal run */
	size_t			 bestlen;
	/* V_RE */
	pcre2_code		*re;
	pcre2_match_data	*md;
	uint8_t			**rlit;		/* one is in every match */
	size_t			*rlitlen;
	size_t			 nrlit;
	size_t			 rlitmin;
	/* V_CMP */
	enum cmp_op		 op;
	double			 num;
	/* V_CIDR */
	int			 af;
	uint8_t			 net[16];
	int			 plen;
	/* V_REF */
	struct sigma_target	 ref;
	char			*refname;
};

struct sigma_fm {
	char			*field;		/* "" for keywords */
	char			*mods;		/* as written */
	struct sigma_target	 t[SIGMA_MAX_FIELD_TARGETS];
	size_t			 nt;
	int			 all;
	int			 neq;
	int			 cased;
	int			 exists;	/* -1: not an exists test */
	int			 timepart;	/* M_MINUTE..M_YEAR, or -1 */
	struct sigma_value	*v;
	size_t			 nv;
	size_t			*gstart;	/* ngroups + 1 */
	size_t			 ngroups;
	/* prefilter literals: values of group litgroup, or all */
	unsigned int		 litscore;
};

struct sigma_group {
	struct sigma_fm		*fm;
	size_t			 nfm;
};

struct sigma_search {
	char			*name;
	struct sigma_group	*g;
	size_t			 ng;
	unsigned int		 litscore;
};

struct sigma_lit {
	const struct sigma_fm	*fm;
	const uint8_t		*s;		/* lower case */
	size_t			 len;
};

/* The shared prefilter's literal ids of a rule in one column. */
struct sigma_pfg {
	uint32_t		 t;		/* column, in the set's */
	uint32_t		 from, to;	/* in pfid */
};

struct sigma_detect {
	const struct sigma_ls	*ls;
	struct sigma_search	*s;
	size_t			 ns;
	char			**names;
	struct sigma_cond	*cond;
	struct sigma_lit	*lits;
	size_t			 nlits;
	struct sigma_pfg	*pfg;		/* lits in the set prefilter */
	size_t			 npfg;
	uint32_t		*pfid;
	size_t			 npfid;
	struct sigma_rule	**filters;
	size_t			 nfilters;
};

struct sigma_set {
	const struct sigma_map	*map;
	struct sigma_rule	**r;
	size_t			 n;
	size_t			 cap;
	struct sigma_rule	***bucket;	/* per mapping entry */
	size_t			*nbucket;
	size_t			 nls;
	int			 compiled;

	/*
	 * The shared prefilter: per column the rules' literals name,
	 * one automaton; found[] and scanned[] hold the epoch (one per
	 * sigma_match() call) in which a literal was seen and a column
	 * scanned.
	 */
	const struct sigma_target **pft;
	struct sigma_scan	**pfscan;
	uint32_t		*pfbase;	/* first global id */
	uint32_t		*pfscanned;
	uint32_t		*pfpair;	/* column sharing the automaton */
	uint32_t		*lrstart;	/* a literal's rules: lrrule[] */
	uint32_t		*lrrule;	/*   from lrstart[id], by index */
	uint32_t		*rpass;		/* epoch a rule's literal was seen */
	size_t			 nrpass;
	uint32_t		*got, *tgot;	/* literals found by one scan */
	size_t			 npft;
	uint32_t		*pffound;
	size_t			 npflits;
	uint32_t		 epoch;
};

/* One value being built: bytes with a token kind each. */
struct sval {
	uint8_t			*b;
	uint8_t			*k;
	size_t			 n;
	size_t			 cap;
	int			 cased;
};

struct svlist {
	struct sval		*v;
	size_t			*group;
	size_t			 n;
	size_t			 cap;
};

/* State while compiling one rule. */
struct compile {
	struct sigma_set	*set;
	struct sigma_rule	*r;
	const struct sigma_ls	*ls;
	char			 skip[SIGMA_REASON_LEN];
	int			 skipped;
};

struct yaml_build {
	int			 nodes;
	int			 depth;
};

struct match_ctx {
	const struct sigma_detect *d;
	struct sigma_event	*se;
	unsigned char		 memo[SIGMA_MAX_SEARCHES];
	json_t			*why;
};

struct file_ctx {
	struct sigma_set	*set;
	const char		*path;
	int			 docs;
};

static pcre2_match_context	*sigma_mctx;
static int			 sigma_jit = 1;	/* see sigma_set_jit() */

static char	*xstrdup(const char *);
static char	*xstrndup(const char *, size_t);
static void	 rule_invalid(struct sigma_rule *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static void	 cc_skip(struct compile *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static struct sigma_ynode *ynode_new(struct yaml_build *, enum sigma_ytype,
		    int);
static void	 ynode_add(struct sigma_ynode *, struct sigma_ynode *);
static int	 ydup_keys(const struct sigma_ynode *, const char **);
static const char *yscalar(const struct sigma_ynode *);
static struct sigma_rule *rule_new(struct sigma_set *, const char *, int);
static void	 rule_free(struct sigma_rule *);
static int	 file_doc(void *, struct sigma_ynode *, int);
static int	 rule_meta(struct sigma_rule *, const struct sigma_ynode *);
static int	 str_list(struct sigma_rule *, const struct sigma_ynode *,
		    const char *, char ***, size_t *);
static int	 rule_detection(struct compile *, const struct sigma_ynode *,
		    const char *);
static int	 rule_correlation(struct sigma_rule *,
		    const struct sigma_ynode *);
static int	 search_compile(struct compile *, struct sigma_search *,
		    const struct sigma_ynode *);
static int	 fm_compile(struct compile *, struct sigma_fm *, const char *,
		    const struct sigma_ynode *);
static int	 fm_values(struct compile *, struct sigma_fm *,
		    const enum sigma_mod *, size_t,
		    const struct sigma_ynode **, size_t);
static int	 value_strings(struct compile *, struct sigma_fm *,
		    const enum sigma_mod *, size_t, const struct sigma_ynode *,
		    size_t, struct svlist *);
static void	 sval_push(struct sval *, uint8_t, uint8_t);
static void	 sval_free(struct sval *);
static void	 sval_parse(struct sval *, const char *, size_t);
static int	 svlist_add(struct svlist *, struct sval *, size_t);
static void	 svlist_free(struct svlist *);
static int	 sv_expand(struct compile *, const char *, struct svlist *,
		    size_t);
static int	 sv_windash(struct sval *, struct svlist *, size_t);
static int	 sv_base64(struct sval *, struct sval *, int);
static void	 sv_utf16(struct sval *, struct sval *, int, int);
static void	 b64(const uint8_t *, size_t, struct sval *);
static int	 sv_haswild(const struct sval *);
static void	 sv_wrap(struct sval *, int, int);
static void	 pat_build(struct sigma_value *, const struct sval *, int);
static int	 pat_match(const struct sigma_value *, const char *, size_t);
static int	 glob_match(const struct sigma_value *, const char *, size_t);
static const char *ci_memmem(const char *, size_t, const uint8_t *, size_t);
static int	 cidr_parse(const char *, struct sigma_value *);
static int	 cidr_match(const struct sigma_value *, const char *, size_t);
static int	 num_parse(const char *, size_t, double *);
static int	 time_part(const struct sigma_target *, struct sigma_event *,
		    const char *, size_t, int, double *);
static int	 iso_week(int, int, int);
static void	 value_free(struct sigma_value *);
static void	 fm_free(struct sigma_fm *);
static void	 detect_free(struct sigma_detect *);
static void	 corr_free(struct sigma_corr *);
static void	 ext_free(struct sigma_ext *);
static int	 rule_ext(struct compile *, const struct sigma_ynode *);
static void	 detect_lits(struct sigma_detect *);
static void	 re_lits(struct sigma_value *, const char *, size_t, int);
static size_t	 value_score(const struct sigma_value *);
static unsigned int search_score(void *, size_t);
static unsigned int fm_score(struct sigma_fm *);
static int	 lits_pass(const struct sigma_detect *, struct sigma_event *);
static int	 target_eq(const struct sigma_target *,
		    const struct sigma_target *);
static void	 pf_free(struct sigma_set *);
static void	 pf_build(struct sigma_set *);
static void	 pf_rules(struct sigma_set *);
static int	 pf_pass(struct sigma_set *, const struct sigma_rule *,
		    struct sigma_event *);
static int	 pf_cmp(const void *, const void *);
static int	 rule_eval(struct sigma_rule *, struct sigma_event *);
static int	 value_match(const struct sigma_value *,
		    const struct sigma_fm *, struct sigma_event *, const char *,
		    size_t, int, const char *);
static int	 fm_eval(const struct sigma_fm *, struct sigma_event *,
		    json_t *);
static int	 search_eval(void *, size_t);
static int	 detect_eval(const struct sigma_detect *, struct sigma_event *,
		    json_t *, int *);
static struct sigma_rule *set_lookup(const struct sigma_set *, const char *,
		    const struct sigma_rule *);
static json_t	*jstrn(const char *, size_t);

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("%s: strdup", __func__);
	return (p);
}

static char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = malloc(n + 1)) == NULL)
		fatal("%s: malloc", __func__);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

static void
rule_invalid(struct sigma_rule *r, const char *fmt, ...)
{
	va_list	 ap;

	if (r->state == SIGMA_INVALID)
		return;
	r->state = SIGMA_INVALID;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* The first reason a valid rule cannot run here; compiling goes on. */
static void
cc_skip(struct compile *cc, const char *fmt, ...)
{
	va_list	 ap;

	if (cc->skipped)
		return;
	cc->skipped = 1;
	va_start(ap, fmt);
	vsnprintf(cc->skip, sizeof(cc->skip), fmt, ap);
	va_end(ap);
}

/* YAML: a tree per document, built from libyaml's event stream. */

static struct sigma_ynode *
ynode_new(struct yaml_build *yb, enum sigma_ytype type, int line)
{
	struct sigma_ynode	*n;

	if (yb->nodes >= SIGMA_MAX_NODES)
		return (NULL);
	yb->nodes++;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		fatal("%s: calloc", __func__);
	n->type = type;
	n->line = line;
	return (n);
}

static void
ynode_add(struct sigma_ynode *parent, struct sigma_ynode *kid)
{
	struct sigma_ynode	**k;

	if ((parent->n & (parent->n - 1)) == 0 || parent->n < 4) {
		if ((k = reallocarray(parent->kids,
		    parent->n < 4 ? 4 : parent->n * 2, sizeof(*k))) == NULL)
			fatal("%s: reallocarray", __func__);
		parent->kids = k;
	}
	parent->kids[parent->n++] = kid;
}

void
sigma_ynode_free(struct sigma_ynode *n)
{
	size_t			 i;

	/* Depth-bounded: the builder refused deeper trees. */
	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		sigma_ynode_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

int
sigma_yscalar_null(const struct sigma_ynode *n)
{
	return (n->type == SIGMA_Y_SCALAR && n->plain && (n->len == 0 ||
	    strcmp(n->s, "null") == 0 || strcmp(n->s, "Null") == 0 ||
	    strcmp(n->s, "NULL") == 0 || strcmp(n->s, "~") == 0));
}

static const char *
yscalar(const struct sigma_ynode *n)
{
	if (n == NULL || n->type != SIGMA_Y_SCALAR || sigma_yscalar_null(n))
		return (NULL);
	return (n->s);
}

struct sigma_ynode *
sigma_ymap_get(const struct sigma_ynode *m, const char *key)
{
	size_t	 i;

	if (m == NULL || m->type != SIGMA_Y_MAP)
		return (NULL);
	for (i = 0; i + 1 < m->n; i += 2)
		if (m->kids[i]->type == SIGMA_Y_SCALAR &&
		    strcmp(m->kids[i]->s, key) == 0)
			return (m->kids[i + 1]);
	return (NULL);
}

/* 1 and *dup set when a map has a key twice (YAML forbids it). */
static int
ydup_keys(const struct sigma_ynode *m, const char **dup)
{
	size_t	 i, j;

	for (i = 0; i + 1 < m->n; i += 2)
		for (j = i + 2; j + 1 < m->n; j += 2)
			if (m->kids[i]->type == SIGMA_Y_SCALAR &&
			    m->kids[j]->type == SIGMA_Y_SCALAR &&
			    strcmp(m->kids[i]->s, m->kids[j]->s) == 0) {
				*dup = m->kids[i]->s;
				return (1);
			}
	return (0);
}

int
sigma_yaml_parse(const char *buf, size_t len,
    int (*doc)(void *, struct sigma_ynode *, int), void *arg, char *err,
    size_t errlen)
{
	yaml_parser_t		 parser;
	yaml_event_t		 ev;
	struct yaml_build	 yb;
	struct sigma_ynode	*stack[SIGMA_MAX_DEPTH + 1], *root = NULL;
	struct sigma_ynode	*n;
	int			 depth = 0, ndoc = 0, rv = -1, done = 0;
	int			 line;

	if (len > SIGMA_MAX_FILE) {
		snprintf(err, errlen, "file larger than %d bytes",
		    SIGMA_MAX_FILE);
		return (-1);
	}
	memset(&yb, 0, sizeof(yb));
	if (!yaml_parser_initialize(&parser))
		fatalx("%s: yaml_parser_initialize", __func__);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			snprintf(err, errlen, "YAML line %zu: %s",
			    parser.problem_mark.line + 1, parser.problem ?
			    parser.problem : "syntax error");
			goto out;
		}
		line = (int)ev.start_mark.line + 1;
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (ndoc >= SIGMA_MAX_DOCS) {
				snprintf(err, errlen, "more than %d documents",
				    SIGMA_MAX_DOCS);
				goto bad;
			}
			root = NULL;
			depth = 0;
			yb.nodes = 0;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (doc(arg, root, ndoc++) == -1) {
				sigma_ynode_free(root);
				root = NULL;
				goto bad;
			}
			sigma_ynode_free(root);
			root = NULL;
			break;
		case YAML_ALIAS_EVENT:
			snprintf(err, errlen, "YAML line %d: aliases are not "
			    "supported", line);
			goto bad;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor != NULL) {
				snprintf(err, errlen, "YAML line %d: anchors "
				    "are not supported", line);
				goto bad;
			}
			if (ev.data.scalar.length > SIGMA_MAX_SCALAR) {
				snprintf(err, errlen, "YAML line %d: value "
				    "longer than %d bytes", line,
				    SIGMA_MAX_SCALAR);
				goto bad;
			}
			if ((n = ynode_new(&yb, SIGMA_Y_SCALAR, line)) == NULL)
				goto toomany;
			n->s = xstrndup((const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			n->len = ev.data.scalar.length;
			n->plain = ev.data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if ((ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor :
			    ev.data.mapping_start.anchor) != NULL) {
				snprintf(err, errlen, "YAML line %d: anchors "
				    "are not supported", line);
				goto bad;
			}
			if (depth >= SIGMA_MAX_DEPTH) {
				snprintf(err, errlen, "YAML line %d: nested "
				    "deeper than %d", line, SIGMA_MAX_DEPTH);
				goto bad;
			}
			if ((n = ynode_new(&yb, ev.type ==
			    YAML_SEQUENCE_START_EVENT ? SIGMA_Y_SEQ :
			    SIGMA_Y_MAP, line)) == NULL)
				goto toomany;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		if (n != NULL) {
			if (depth == 0) {
				if (root != NULL)
					sigma_ynode_free(root);
				root = n;
			} else
				ynode_add(stack[depth - 1], n);
			if (n->type != SIGMA_Y_SCALAR)
				stack[depth++] = n;
		}
		yaml_event_delete(&ev);
	}
	rv = 0;
	goto out;
 toomany:
	snprintf(err, errlen, "YAML: more than %d nodes in a document",
	    SIGMA_MAX_NODES);
 bad:
	yaml_event_delete(&ev);
 out:
	/* an unfinished document: its nodes hang from root */
	sigma_ynode_free(root);
	yaml_parser_delete(&parser);
	return (rv);
}

/* Rules. */

static struct sigma_rule *
rule_new(struct sigma_set *set, const char *path, int doc)
{
	struct sigma_rule	*r, **rr;

	if (set->n == set->cap) {
		if ((rr = reallocarray(set->r, set->cap ? set->cap * 2 : 64,
		    sizeof(*rr))) == NULL)
			fatal("%s: reallocarray", __func__);
		set->r = rr;
		set->cap = set->cap ? set->cap * 2 : 64;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s: calloc", __func__);
	r->path = xstrdup(path != NULL ? path : "-");
	r->doc = doc;
	r->standalone = 1;
	set->r[set->n++] = r;
	set->compiled = 0;
	return (r);
}

static void
str_array_free(char **a, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

static void
rule_free(struct sigma_rule *r)
{
	free(r->path);
	free(r->title);
	free(r->id);
	free(r->name);
	free(r->status);
	free(r->level);
	free(r->author);
	free(r->description);
	str_array_free(r->tags, r->ntags);
	str_array_free(r->references, r->nreferences);
	str_array_free(r->falsepositives, r->nfalsepositives);
	str_array_free(r->filter_rules, r->nfilter_rules);
	free(r->product);
	free(r->category);
	free(r->service);
	free(r->condition);
	corr_free(r->corr);
	ext_free(r->ext);
	detect_free(r->det);
	free(r);
}

/* A list of strings (a single string counts as a list of one). */
static int
str_list(struct sigma_rule *r, const struct sigma_ynode *n, const char *what,
    char ***out, size_t *nout)
{
	size_t	 i;

	if (n == NULL || sigma_yscalar_null(n))
		return (0);
	if (n->type == SIGMA_Y_SCALAR) {
		if ((*out = calloc(1, sizeof(char *))) == NULL)
			fatal("%s: calloc", __func__);
		(*out)[0] = xstrdup(n->s);
		*nout = 1;
		return (0);
	}
	if (n->type != SIGMA_Y_SEQ) {
		rule_invalid(r, "%s: expected a list of strings", what);
		return (-1);
	}
	if ((*out = calloc(n->n + 1, sizeof(char *))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n->n; i++) {
		if (n->kids[i]->type != SIGMA_Y_SCALAR) {
			rule_invalid(r, "%s: item %zu is not a string", what,
			    i + 1);
			return (-1);
		}
		(*out)[(*nout)++] = xstrdup(n->kids[i]->s);
	}
	return (0);
}

static int
meta_str(struct sigma_rule *r, const struct sigma_ynode *doc,
    const char *key, char **out, size_t max)
{
	const struct sigma_ynode	*n;

	if ((n = sigma_ymap_get(doc, key)) == NULL || sigma_yscalar_null(n))
		return (0);
	if (n->type != SIGMA_Y_SCALAR) {
		rule_invalid(r, "%s: expected a string", key);
		return (-1);
	}
	if (n->len > max) {
		rule_invalid(r, "%s: longer than %zu characters", key, max);
		return (-1);
	}
	*out = xstrdup(n->s);
	return (0);
}

static int
rule_meta(struct sigma_rule *r, const struct sigma_ynode *doc)
{
	static const char	*statuses[] = { "stable", "test",
	    "experimental", "deprecated", "unsupported", NULL };
	static const char	*levels[] = { "informational", "low",
	    "medium", "high", "critical", NULL };
	const struct sigma_ynode *ls;
	size_t			 i;

	if (meta_str(r, doc, "title", &r->title, SIGMA_MAX_TITLE) == -1 ||
	    meta_str(r, doc, "id", &r->id, SIGMA_MAX_TITLE) == -1 ||
	    meta_str(r, doc, "name", &r->name, SIGMA_MAX_TITLE) == -1 ||
	    meta_str(r, doc, "status", &r->status, SIGMA_MAX_TITLE) == -1 ||
	    meta_str(r, doc, "level", &r->level, SIGMA_MAX_TITLE) == -1 ||
	    meta_str(r, doc, "author", &r->author, SIGMA_MAX_DESCRIPTION) ==
	    -1 || meta_str(r, doc, "description", &r->description,
	    SIGMA_MAX_DESCRIPTION) == -1)
		return (-1);
	if (str_list(r, sigma_ymap_get(doc, "tags"), "tags", &r->tags,
	    &r->ntags) == -1 || str_list(r, sigma_ymap_get(doc,
	    "references"), "references", &r->references,
	    &r->nreferences) == -1 || str_list(r, sigma_ymap_get(doc,
	    "falsepositives"), "falsepositives", &r->falsepositives,
	    &r->nfalsepositives) == -1)
		return (-1);
	if (r->title == NULL) {
		rule_invalid(r, "title missing");
		return (-1);
	}
	if (r->status != NULL) {
		for (i = 0; statuses[i] != NULL; i++)
			if (strcmp(r->status, statuses[i]) == 0)
				break;
		if (statuses[i] == NULL) {
			rule_invalid(r, "status: unknown value '%.32s'",
			    r->status);
			return (-1);
		}
	}
	if (r->level != NULL) {
		for (i = 0; levels[i] != NULL; i++)
			if (strcmp(r->level, levels[i]) == 0)
				break;
		if (levels[i] == NULL) {
			rule_invalid(r, "level: unknown value '%.32s'",
			    r->level);
			return (-1);
		}
	}
	if ((ls = sigma_ymap_get(doc, "logsource")) != NULL) {
		if (ls->type != SIGMA_Y_MAP) {
			rule_invalid(r, "logsource: expected a map");
			return (-1);
		}
		if (meta_str(r, ls, "product", &r->product,
		    SIGMA_MAX_TITLE) == -1 || meta_str(r, ls, "category",
		    &r->category, SIGMA_MAX_TITLE) == -1 ||
		    meta_str(r, ls, "service", &r->service,
		    SIGMA_MAX_TITLE) == -1)
			return (-1);
	}
	return (0);
}

/* Values. */

static void
sval_push(struct sval *v, uint8_t b, uint8_t k)
{
	uint8_t	*nb, *nk;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 32;
		if ((nb = realloc(v->b, v->cap)) == NULL ||
		    (v->b = nb, (nk = realloc(v->k, v->cap)) == NULL))
			fatal("%s: realloc", __func__);
		v->k = nk;
	}
	v->b[v->n] = b;
	v->k[v->n++] = k;
}

static void
sval_free(struct sval *v)
{
	free(v->b);
	free(v->k);
	memset(v, 0, sizeof(*v));
}

/* Sigma's escapes: \* \? \\ are literals; a lone \ is a backslash. */
static void
sval_parse(struct sval *v, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && (s[i + 1] == '*' ||
		    s[i + 1] == '?' || s[i + 1] == '\\')) {
			sval_push(v, (uint8_t)s[++i], TK_LIT);
			continue;
		}
		if (s[i] == '*')
			sval_push(v, '*', TK_STAR);
		else if (s[i] == '?')
			sval_push(v, '?', TK_ONE);
		else
			sval_push(v, (uint8_t)s[i], TK_LIT);
	}
}

static int
svlist_add(struct svlist *l, struct sval *v, size_t group)
{
	struct sval	*nv;
	size_t		*ng;

	if (l->n >= SIGMA_MAX_VALUES) {
		sval_free(v);
		return (-1);
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		if ((nv = reallocarray(l->v, l->cap, sizeof(*nv))) == NULL)
			fatal("%s: reallocarray", __func__);
		l->v = nv;
		if ((ng = reallocarray(l->group, l->cap, sizeof(*ng))) == NULL)
			fatal("%s: reallocarray", __func__);
		l->group = ng;
	}
	l->v[l->n] = *v;
	l->group[l->n++] = group;
	memset(v, 0, sizeof(*v));
	return (0);
}

static void
svlist_free(struct svlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		sval_free(&l->v[i]);
	free(l->v);
	free(l->group);
	memset(l, 0, sizeof(*l));
}

static int
sv_haswild(const struct sval *v)
{
	size_t	 i;

	for (i = 0; i < v->n; i++)
		if (v->k[i] != TK_LIT)
			return (1);
	return (0);
}

/* Add a '*' before and/or after, unless one is there already. */
static void
sv_wrap(struct sval *v, int before, int after)
{
	if (before && (v->n == 0 || v->k[0] != TK_STAR)) {
		sval_push(v, 0, 0);
		memmove(v->b + 1, v->b, v->n - 1);
		memmove(v->k + 1, v->k, v->n - 1);
		v->b[0] = '*';
		v->k[0] = TK_STAR;
	}
	if (after && (v->n == 0 || v->k[v->n - 1] != TK_STAR))
		sval_push(v, '*', TK_STAR);
}

/*
 * expand: %name% placeholders in the raw text, each replaced by every
 * value of the placeholder (values are Sigma strings with wildcards);
 * \% is a plain percent sign.  Every combination is a value of group.
 */
static int
sv_expand(struct compile *cc, const char *s, struct svlist *out, size_t group)
{
	const char *const	*vals[8];
	size_t			 nvals[8], at[8], pos[8][2], i, j, np = 0;
	const char		*e;
	char			 name[SIGMA_REASON_LEN];
	char			*raw;
	size_t			 len = strlen(s), o, total = 1;
	struct sval		 v;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && s[i + 1] == '%') {
			i++;
			continue;
		}
		if (s[i] != '%' || (e = strchr(s + i + 1, '%')) == NULL)
			continue;
		if (np == 8) {
			rule_invalid(cc->r, "expand: more than 8 "
			    "placeholders in a value");
			return (-1);
		}
		if ((size_t)(e - s - i - 1) >= sizeof(name) || e == s + i + 1)
			continue;
		memcpy(name, s + i + 1, e - s - i - 1);
		name[e - s - i - 1] = '\0';
		if ((vals[np] = sigma_map_placeholder_get(cc->set->map, name,
		    &nvals[np])) == NULL || nvals[np] == 0) {
			cc_skip(cc, "unknown placeholder %%%s%%", name);
			return (0);
		}
		pos[np][0] = i;
		pos[np][1] = e - s + 1;
		total *= nvals[np];
		if (total > SIGMA_MAX_VALUES) {
			rule_invalid(cc->r, "expand: more than %d values",
			    SIGMA_MAX_VALUES);
			return (-1);
		}
		np++;
		i = e - s;
	}
	memset(at, 0, sizeof(at));
	for (;;) {
		size_t	 cap = len + 1;

		for (j = 0; j < np; j++)
			cap += strlen(vals[j][at[j]]);
		if ((raw = malloc(cap)) == NULL)
			fatal("%s: malloc", __func__);
		for (i = 0, j = 0, o = 0; i < len; ) {
			if (j < np && i == pos[j][0]) {
				memcpy(raw + o, vals[j][at[j]],
				    strlen(vals[j][at[j]]));
				o += strlen(vals[j][at[j]]);
				i = pos[j][1];
				j++;
				continue;
			}
			if (s[i] == '\\' && i + 1 < len && s[i + 1] == '%')
				i++;
			raw[o++] = s[i++];
		}
		memset(&v, 0, sizeof(v));
		sval_parse(&v, raw, o);
		free(raw);
		if (svlist_add(out, &v, group) == -1) {
			rule_invalid(cc->r, "more than %d values",
			    SIGMA_MAX_VALUES);
			return (-1);
		}
		for (j = 0; j < np; j++) {
			if (++at[j] < nvals[j])
				break;
			at[j] = 0;
		}
		if (j == np)
			break;
	}
	return (0);
}

static int
word_byte(const struct sval *v, size_t i)
{
	uint8_t	 c = v->b[i];

	return (v->k[i] == TK_LIT && (isalnum(c) || c == '_' || c >= 0x80));
}

/* Length of a dash at i (1 or 3 bytes), or 0. */
static size_t
dash_at(const struct sval *v, size_t i)
{
	if (v->k[i] != TK_LIT)
		return (0);
	if (v->b[i] == '-' || v->b[i] == '/')
		return (1);
	if (i + 2 < v->n && v->b[i] == 0xe2 && v->b[i + 1] == 0x80 &&
	    v->k[i + 1] == TK_LIT && v->k[i + 2] == TK_LIT &&
	    (v->b[i + 2] == 0x93 || v->b[i + 2] == 0x94 ||
	    v->b[i + 2] == 0x95))
		return (3);
	return (0);
}

/* windash: every dash that starts a word, in each of its five forms. */
static int
sv_windash(struct sval *in, struct svlist *out, size_t group)
{
	static const char	*forms[] = { "-", "/", "\xe2\x80\x93",
	    "\xe2\x80\x94", "\xe2\x80\x95" };
	size_t			 pos[16], plen[16], at[16], np = 0;
	size_t			 i, j, d, total = 1;
	struct sval		 v;
	const char		*f;

	for (i = 0; i < in->n; i++) {
		if ((d = dash_at(in, i)) == 0)
			continue;
		if ((i == 0 || !word_byte(in, i - 1)) && i + d < in->n &&
		    word_byte(in, i + d)) {
			if (np == 16 || (total *= 5) > SIGMA_MAX_VALUES)
				return (-1);
			pos[np] = i;
			plen[np++] = d;
		}
		i += d - 1;
	}
	memset(at, 0, sizeof(at));
	for (;;) {
		memset(&v, 0, sizeof(v));
		v.cased = in->cased;
		for (i = 0, j = 0; i < in->n; ) {
			if (j < np && i == pos[j]) {
				for (f = forms[at[j]]; *f != '\0'; f++)
					sval_push(&v, (uint8_t)*f, TK_LIT);
				i += plen[j++];
				continue;
			}
			sval_push(&v, in->b[i], in->k[i]);
			i++;
		}
		if (svlist_add(out, &v, group) == -1)
			return (-1);
		for (j = 0; j < np; j++) {
			if (++at[j] < 5)
				break;
			at[j] = 0;
		}
		if (j == np)
			break;
	}
	return (0);
}

static void
b64(const uint8_t *s, size_t len, struct sval *out)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i;
	uint32_t		 x;

	for (i = 0; i + 2 < len; i += 3) {
		x = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		sval_push(out, tab[x >> 18], TK_LIT);
		sval_push(out, tab[(x >> 12) & 63], TK_LIT);
		sval_push(out, tab[(x >> 6) & 63], TK_LIT);
		sval_push(out, tab[x & 63], TK_LIT);
	}
	if (len - i == 1) {
		x = (uint32_t)s[i] << 16;
		sval_push(out, tab[x >> 18], TK_LIT);
		sval_push(out, tab[(x >> 12) & 63], TK_LIT);
		sval_push(out, '=', TK_LIT);
		sval_push(out, '=', TK_LIT);
	} else if (len - i == 2) {
		x = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		sval_push(out, tab[x >> 18], TK_LIT);
		sval_push(out, tab[(x >> 12) & 63], TK_LIT);
		sval_push(out, tab[(x >> 6) & 63], TK_LIT);
		sval_push(out, '=', TK_LIT);
	}
}

/*
 * base64 (shift -1) or one of base64offset's three shifts: the value
 * after `shift` leading bytes, encoded, with the characters that
 * depend on the unknown neighbours cut off.
 */
static int
sv_base64(struct sval *in, struct sval *out, int shift)
{
	static const size_t	 start[] = { 0, 2, 3 };
	static const size_t	 cut[] = { 0, 3, 2 };
	struct sval		 enc;
	uint8_t			*buf;
	size_t			 i, n, from, to;

	memset(out, 0, sizeof(*out));
	out->cased = 1;
	if (shift < 0) {
		b64(in->b, in->n, out);
		return (0);
	}
	n = in->n + shift;
	if ((buf = malloc(n + 1)) == NULL)
		fatal("%s: malloc", __func__);
	memset(buf, ' ', shift);
	if (in->n > 0)		/* an empty value may have no buffer */
		memcpy(buf + shift, in->b, in->n);
	memset(&enc, 0, sizeof(enc));
	b64(buf, n, &enc);
	free(buf);
	from = start[shift];
	to = enc.n - cut[n % 3];
	for (i = from; i < to; i++)
		sval_push(out, enc.b[i], TK_LIT);
	sval_free(&enc);
	return (0);
}

/* UTF-8 to UTF-16 (be: big endian; bom: with a byte order mark). */
static void
sv_utf16(struct sval *in, struct sval *out, int be, int bom)
{
	size_t		 i, k;
	uint32_t	 cp, u[2];
	int		 nu, j, extra;

	memset(out, 0, sizeof(*out));
	out->cased = in->cased;
	if (bom) {
		sval_push(out, be ? 0xfe : 0xff, TK_LIT);
		sval_push(out, be ? 0xff : 0xfe, TK_LIT);
	}
	for (i = 0; i < in->n; i++) {
		if (in->k[i] != TK_LIT) {
			sval_push(out, in->b[i], in->k[i]);
			continue;
		}
		cp = in->b[i];
		extra = cp >= 0xf0 && cp < 0xf8 ? 3 : cp >= 0xe0 ? 2 :
		    cp >= 0xc0 ? 1 : 0;
		if (cp >= 0xf8)
			extra = 0;
		if (extra > 0 && i + extra < in->n) {
			cp &= 0x3f >> extra;
			for (k = 1; k <= (size_t)extra; k++) {
				if ((in->b[i + k] & 0xc0) != 0x80 ||
				    in->k[i + k] != TK_LIT)
					break;
				cp = cp << 6 | (in->b[i + k] & 0x3f);
			}
			if (k > (size_t)extra)
				i += extra;
			else
				cp = in->b[i];
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = 0xd800 | (cp >> 10);
			u[1] = 0xdc00 | (cp & 0x3ff);
			nu = 2;
		} else {
			u[0] = cp;
			nu = 1;
		}
		for (j = 0; j < nu; j++) {
			sval_push(out, be ? u[j] >> 8 : u[j] & 0xff, TK_LIT);
			sval_push(out, be ? u[j] & 0xff : u[j] >> 8, TK_LIT);
		}
	}
}

/* The final pattern; case folded unless cased. */
static void
pat_build(struct sigma_value *val, const struct sval *v, int cased)
{
	uint8_t		*b, *k;
	size_t		 i, n = 0, lead, trail, nstar = 0, none = 0;
	size_t		 run, bstart = 0, blen = 0, rstart = 0;

	val->kind = V_PAT;
	val->cased = cased;
	if ((b = malloc(v->n + 1)) == NULL || (k = malloc(v->n + 1)) == NULL)
		fatal("%s: malloc", __func__);
	for (i = 0; i < v->n; i++) {
		if (v->k[i] == TK_STAR && n > 0 && k[n - 1] == TK_STAR)
			continue;
		b[n] = v->k[i] == TK_LIT && !cased ?
		    (uint8_t)tolower(v->b[i]) : v->b[i];
		k[n++] = v->k[i];
		if (v->k[i] == TK_STAR)
			nstar++;
		else if (v->k[i] == TK_ONE)
			none++;
	}
	/* the longest literal run, for the prefilter */
	for (i = 0, run = 0; i <= n; i++) {
		if (i < n && k[i] == TK_LIT) {
			if (run++ == 0)
				rstart = i;
			continue;
		}
		if (run > blen) {
			blen = run;
			bstart = rstart;
		}
		run = 0;
	}
	if (blen > 0) {
		if ((val->best = malloc(blen)) == NULL)
			fatal("%s: malloc", __func__);
		for (i = 0; i < blen; i++)
			val->best[i] = tolower(b[bstart + i]);
		val->bestlen = blen;
	}
	lead = n > 0 && k[0] == TK_STAR;
	trail = n > lead && k[n - 1] == TK_STAR;
	if (none == 0 && nstar == lead + trail) {
		if (n == 1 && lead)
			val->shape = P_ANY;
		else if (lead && trail)
			val->shape = P_CONTAINS;
		else if (lead)
			val->shape = P_SUFFIX;
		else if (trail)
			val->shape = P_PREFIX;
		else
			val->shape = P_EXACT;
		val->litlen = n - lead - trail;
		if ((val->lit = malloc(val->litlen + 1)) == NULL)
			fatal("%s: malloc", __func__);
		memcpy(val->lit, b + lead, val->litlen);
		free(b);
		free(k);
		return;
	}
	val->shape = P_GLOB;
	val->tb = b;
	val->tk = k;
	val->ntok = n;
}

static const char *
ci_memmem(const char *s, size_t n, const uint8_t *lit, size_t len)
{
	size_t		 i, j;
	uint8_t		 c0, cu;

	if (len == 0)
		return (s);
	if (len > n)
		return (NULL);
	c0 = lit[0];
	cu = (uint8_t)toupper(c0);
	for (i = 0; i + len <= n; i++) {
		if ((uint8_t)s[i] != c0 && (uint8_t)s[i] != cu)
			continue;
		for (j = 1; j < len; j++)
			if ((uint8_t)tolower((uint8_t)s[i + j]) != lit[j])
				break;
		if (j == len)
			return (s + i);
	}
	return (NULL);
}

static int
ci_eq(const uint8_t *a, const char *b, size_t n, int cased)
{
	size_t	 i;

	if (cased)
		return (memcmp(a, b, n) == 0);
	for (i = 0; i < n; i++)
		if (a[i] != (uint8_t)tolower((uint8_t)b[i]))
			return (0);
	return (1);
}

/* Length of the UTF-8 character at s[i] (1 for a stray byte). */
static size_t
utf8_len(const char *s, size_t i, size_t n)
{
	uint8_t	 c = (uint8_t)s[i];
	size_t	 l = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	size_t	 k;

	if (i + l > n)
		return (1);
	for (k = 1; k < l; k++)
		if (((uint8_t)s[i + k] & 0xc0) != 0x80)
			return (1);
	return (l);
}

/* '*' any run, '?' one character; linear backtracking on the last '*'. */
static int
glob_match(const struct sigma_value *v, const char *s, size_t n)
{
	size_t	 p = 0, i = 0, star = SIZE_MAX, mark = 0;
	uint8_t	 c;

	while (i < n) {
		if (p < v->ntok && v->tk[p] == TK_STAR) {
			star = p++;
			mark = i;
			continue;
		}
		if (p < v->ntok && v->tk[p] == TK_ONE) {
			p++;
			i += utf8_len(s, i, n);
			continue;
		}
		if (p < v->ntok) {
			c = (uint8_t)s[i];
			if (!v->cased)
				c = (uint8_t)tolower(c);
			if (c == v->tb[p]) {
				p++;
				i++;
				continue;
			}
		}
		if (star == SIZE_MAX)
			return (0);
		p = star + 1;
		mark += utf8_len(s, mark, n);
		i = mark;
	}
	while (p < v->ntok && v->tk[p] == TK_STAR)
		p++;
	return (p == v->ntok);
}

static int
pat_match(const struct sigma_value *v, const char *s, size_t n)
{
	switch (v->shape) {
	case P_ANY:
		return (1);
	case P_EXACT:
		return (n == v->litlen && ci_eq(v->lit, s, n, v->cased));
	case P_PREFIX:
		return (n >= v->litlen && ci_eq(v->lit, s, v->litlen,
		    v->cased));
	case P_SUFFIX:
		return (n >= v->litlen && ci_eq(v->lit, s + n - v->litlen,
		    v->litlen, v->cased));
	case P_CONTAINS:
		if (v->cased)
			return (memmem(s, n, v->lit, v->litlen) != NULL);
		return (ci_memmem(s, n, v->lit, v->litlen) != NULL);
	case P_GLOB:
		return (glob_match(v, s, n));
	}
	return (0);
}

static int
cidr_parse(const char *s, struct sigma_value *v)
{
	char		 addr[INET6_ADDRSTRLEN + 8];
	const char	*slash;
	const char	*errstr = NULL;
	long		 bits;
	char		*end;
	int		 max;

	if ((slash = strchr(s, '/')) == NULL) {
		if (strlen(s) >= sizeof(addr))
			return (-1);
		strlcpy(addr, s, sizeof(addr));
		bits = -1;
	} else {
		if ((size_t)(slash - s) >= sizeof(addr) || slash[1] == '\0')
			return (-1);
		memcpy(addr, s, slash - s);
		addr[slash - s] = '\0';
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno != 0 || *end != '\0' || bits < 0)
			return (-1);
	}
	(void)errstr;
	if (inet_pton(AF_INET, addr, v->net) == 1) {
		v->af = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, v->net) == 1) {
		v->af = AF_INET6;
		max = 128;
	} else
		return (-1);
	if (bits > max)
		return (-1);
	v->plen = bits == -1 ? max : (int)bits;
	v->kind = V_CIDR;
	return (0);
}

static int
cidr_match(const struct sigma_value *v, const char *s, size_t n)
{
	char	 buf[INET6_ADDRSTRLEN + 1];
	uint8_t	 a[16];
	int	 bytes, bits;

	if (n == 0 || n >= sizeof(buf))
		return (0);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(v->af, buf, a) != 1)
		return (0);
	bytes = v->plen / 8;
	bits = v->plen % 8;
	if (memcmp(a, v->net, bytes) != 0)
		return (0);
	if (bits != 0 && ((a[bytes] ^ v->net[bytes]) &
	    (0xff << (8 - bits)) & 0xff) != 0)
		return (0);
	return (1);
}

static int
num_parse(const char *s, size_t n, double *out)
{
	char	 buf[64], *end;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return (-1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out))
		return (-1);
	return (0);
}

/* ISO 8601 week number of a date. */
static int
iso_week(int y, int yday, int wday)
{
	int	 w, p, pp;

	/* yday 0-based, wday 0 = Sunday */
	if (wday == 0)
		wday = 7;
	w = (yday + 1 - wday + 10) / 7;
	if (w < 1) {
		y--;
		p = (y + y / 4 - y / 100 + y / 400) % 7;
		pp = (y - 1 + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400) % 7;
		return (p == 4 || pp == 3 ? 53 : 52);
	}
	p = (y + y / 4 - y / 100 + y / 400) % 7;
	pp = (y - 1 + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400) % 7;
	if (w == 53 && !(p == 4 || pp == 3))
		return (1);
	return (w);
}

/* A part of a date: the event time, epoch seconds or ISO 8601 text. */
static int
time_part(const struct sigma_target *t, struct sigma_event *se,
    const char *s, size_t n, int part, double *out)
{
	struct tm	 tm;
	time_t		 sec;
	int64_t		 ts;
	double		 d;
	char		 buf[32];
	size_t		 i;

	memset(&tm, 0, sizeof(tm));
	if (t->kind == SIGMA_T_TS) {
		ts = se->ev != NULL ? se->ev->ts : se->view->h.ts;
		sec = (time_t)(ts / 1000000);
		if (gmtime_r(&sec, &tm) == NULL)
			return (-1);
	} else if (num_parse(s, n, &d) == 0) {
		if (d > 1e11)
			d /= 1000;	/* milliseconds */
		sec = (time_t)d;
		if (gmtime_r(&sec, &tm) == NULL)
			return (-1);
	} else {
		if (n < 10 || n >= sizeof(buf))
			return (-1);
		memcpy(buf, s, n);
		buf[n] = '\0';
		for (i = 0; i < 10; i++)
			if (i == 4 || i == 7 ? buf[i] != '-' :
			    !isdigit((unsigned char)buf[i]))
				return (-1);
		tm.tm_year = atoi(buf) - 1900;
		tm.tm_mon = atoi(buf + 5) - 1;
		tm.tm_mday = atoi(buf + 8);
		if (n >= 16 && (buf[10] == 'T' || buf[10] == ' ') &&
		    isdigit((unsigned char)buf[11]) && buf[13] == ':') {
			tm.tm_hour = atoi(buf + 11);
			tm.tm_min = atoi(buf + 14);
		}
		if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
		    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59)
			return (-1);
		if ((sec = timegm(&tm)) == (time_t)-1 ||
		    gmtime_r(&sec, &tm) == NULL)
			return (-1);
	}
	switch (part) {
	case M_MINUTE:
		*out = tm.tm_min;
		break;
	case M_HOUR:
		*out = tm.tm_hour;
		break;
	case M_DAY:
		*out = tm.tm_mday;
		break;
	case M_WEEK:
		*out = iso_week(tm.tm_year + 1900, tm.tm_yday, tm.tm_wday);
		break;
	case M_MONTH:
		*out = tm.tm_mon + 1;
		break;
	case M_YEAR:
		*out = tm.tm_year + 1900;
		break;
	default:
		return (-1);
	}
	return (0);
}

static void
value_free(struct sigma_value *v)
{
	size_t	 i;

	free(v->text);
	free(v->lit);
	free(v->tb);
	free(v->tk);
	free(v->best);
	for (i = 0; i < v->nrlit; i++)
		free(v->rlit[i]);
	free(v->rlit);
	free(v->rlitlen);
	if (v->md != NULL)
		pcre2_match_data_free(v->md);
	if (v->re != NULL)
		pcre2_code_free(v->re);
	sigma_target_free(&v->ref);
	free(v->refname);
}

static void
fm_free(struct sigma_fm *fm)
{
	size_t	 i;

	free(fm->field);
	free(fm->mods);
	for (i = 0; i < fm->nt; i++)
		sigma_target_free(&fm->t[i]);
	for (i = 0; i < fm->nv; i++)
		value_free(&fm->v[i]);
	free(fm->v);
	free(fm->gstart);
}

static void
detect_free(struct sigma_detect *d)
{
	size_t	 i, j, k;

	if (d == NULL)
		return;
	for (i = 0; i < d->ns; i++) {
		for (j = 0; j < d->s[i].ng; j++) {
			for (k = 0; k < d->s[i].g[j].nfm; k++)
				fm_free(&d->s[i].g[j].fm[k]);
			free(d->s[i].g[j].fm);
		}
		free(d->s[i].g);
	}
	free(d->s);
	/* the searches' names are these strings */
	for (i = 0; i < d->ns; i++)
		free(d->names[i]);
	free(d->names);
	sigma_cond_free(d->cond);
	free(d->lits);
	free(d->pfg);
	free(d->pfid);
	free(d->filters);
	free(d);
}

static void
corr_free(struct sigma_corr *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	str_array_free(c->rules, c->nrules);
	free(c->refs);
	str_array_free(c->group_by, c->ngroup_by);
	free(c->field);
	for (i = 0; i < c->naliases; i++) {
		free(c->aliases[i].alias);
		str_array_free(c->aliases[i].rule, c->aliases[i].n);
		str_array_free(c->aliases[i].field, c->aliases[i].n);
	}
	free(c->aliases);
	free(c);
}

static void
ext_free(struct sigma_ext *x)
{
	size_t	 i;

	if (x == NULL)
		return;
	for (i = 0; x->group_t != NULL && i < x->ngroup_by; i++)
		sigma_target_free(&x->group_t[i]);
	for (i = 0; x->field_t != NULL && i < x->nfields; i++)
		sigma_target_free(&x->field_t[i]);
	free(x->group_t);
	free(x->field_t);
	base_secret_free(x->secret);
	str_array_free(x->group_by, x->ngroup_by);
	str_array_free(x->fields, x->nfields);
	free(x);
}

/*
 * The strings (or numbers, booleans) of a field, after the
 * transformation modifiers, into out; group is the index of the value
 * as written.
 */
static int
value_strings(struct compile *cc, struct sigma_fm *fm,
    const enum sigma_mod *mods, size_t nmods, const struct sigma_ynode *n,
    size_t group, struct svlist *out)
{
	struct svlist	 cur, next;
	struct sval	 v, t;
	size_t		 i, m, shift;
	int		 expand = 0, keyword = fm->field[0] == '\0';
	int		 pos = 0;

	memset(&cur, 0, sizeof(cur));
	for (m = 0; m < nmods; m++)
		if (mods[m] == M_EXPAND)
			expand = 1;
	if (expand) {
		if (sv_expand(cc, n->s, &cur, group) == -1)
			goto bad;
		if (cc->skipped && cur.n == 0)
			return (0);
	} else {
		memset(&v, 0, sizeof(v));
		sval_parse(&v, n->s, n->len);
		svlist_add(&cur, &v, group);
	}
	for (m = 0; m < nmods; m++) {
		memset(&next, 0, sizeof(next));
		for (i = 0; i < cur.n; i++) {
			switch (mods[m]) {
			case M_CONTAINS:
				sv_wrap(&cur.v[i], 1, 1);
				pos = 1;
				continue;
			case M_STARTSWITH:
				sv_wrap(&cur.v[i], 0, 1);
				pos = 1;
				continue;
			case M_ENDSWITH:
				sv_wrap(&cur.v[i], 1, 0);
				pos = 1;
				continue;
			case M_WINDASH:
				if (sv_windash(&cur.v[i], &next, group) ==
				    -1) {
					rule_invalid(cc->r, "%s: windash "
					    "makes more than %d values",
					    fm->field, SIGMA_MAX_VALUES);
					svlist_free(&next);
					goto bad;
				}
				break;
			case M_BASE64:
			case M_BASE64OFFSET:
				if (sv_haswild(&cur.v[i])) {
					rule_invalid(cc->r, "%s: %s of a "
					    "value with wildcards", fm->field,
					    mods[m] == M_BASE64 ? "base64" :
					    "base64offset");
					svlist_free(&next);
					goto bad;
				}
				for (shift = 0; shift < 3; shift++) {
					sv_base64(&cur.v[i], &t,
					    mods[m] == M_BASE64 ? -1 :
					    (int)shift);
					if (svlist_add(&next, &t, group) ==
					    -1) {
						rule_invalid(cc->r, "%s: more "
						    "than %d values", fm->field,
						    SIGMA_MAX_VALUES);
						svlist_free(&next);
						goto bad;
					}
					if (mods[m] == M_BASE64)
						break;
				}
				break;
			case M_UTF16LE:
			case M_WIDE:
			case M_UTF16BE:
			case M_UTF16:
				sv_utf16(&cur.v[i], &t, mods[m] == M_UTF16BE,
				    mods[m] == M_UTF16);
				svlist_add(&next, &t, group);
				break;
			default:
				continue;
			}
		}
		if (next.n > 0) {
			svlist_free(&cur);
			cur = next;
		}
	}
	/* keywords are searched for anywhere in the text */
	if (keyword && !pos)
		for (i = 0; i < cur.n; i++)
			sv_wrap(&cur.v[i], 1, 1);
	for (i = 0; i < cur.n; i++) {
		if (svlist_add(out, &cur.v[i], cur.group[i]) == -1) {
			rule_invalid(cc->r, "%s: more than %d values",
			    fm->field, SIGMA_MAX_VALUES);
			goto bad;
		}
	}
	svlist_free(&cur);
	return (0);
 bad:
	svlist_free(&cur);
	return (-1);
}

static int
is_number_node(const struct sigma_ynode *n, double *d)
{
	return (n->type == SIGMA_Y_SCALAR && n->plain &&
	    num_parse(n->s, n->len, d) == 0);
}

static int
has_mod(const enum sigma_mod *mods, size_t n, enum sigma_mod m)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (mods[i] == m)
			return (1);
	return (0);
}

/* The values of one field, as the modifiers say. */
static int
fm_values(struct compile *cc, struct sigma_fm *fm, const enum sigma_mod *mods,
    size_t nmods, const struct sigma_ynode **vals, size_t nvals)
{
	struct svlist		 sl;
	struct sigma_value	*v;
	const struct sigma_ynode *n;
	size_t			 i, m, g;
	int			 re = 0, reopt = 0, cidr = 0, ref = 0;
	int			 cmp = -1, err, cased = 0;
	uint32_t		 opts;
	PCRE2_SIZE		 eoff;
	double			 d;
	char			 ebuf[128];

	for (m = 0; m < nmods; m++) {
		switch (mods[m]) {
		case M_RE:
			re = 1;
			break;
		case M_RE_I:
		case M_RE_M:
		case M_RE_S:
			reopt = 1;
			break;
		case M_CIDR:
			cidr = 1;
			break;
		case M_FIELDREF:
			ref = 1;
			break;
		case M_LT:
			cmp = CMP_LT;
			break;
		case M_LTE:
			cmp = CMP_LTE;
			break;
		case M_GT:
			cmp = CMP_GT;
			break;
		case M_GTE:
			cmp = CMP_GTE;
			break;
		case M_CASED:
			cased = 1;
			break;
		default:
			break;
		}
	}
	if (reopt && !re) {
		rule_invalid(cc->r, "%s: i, m and s need the re modifier",
		    fm->field);
		return (-1);
	}
	if ((fm->v = calloc(SIGMA_MAX_VALUES, sizeof(*fm->v))) == NULL ||
	    (fm->gstart = calloc(nvals + 1, sizeof(size_t))) == NULL)
		fatal("%s: calloc", __func__);
	fm->ngroups = nvals;
	for (g = 0; g < nvals; g++) {
		n = vals[g];
		fm->gstart[g] = fm->nv;
		if (sigma_yscalar_null(n)) {
			if (nvals > 1) {
				rule_invalid(cc->r, "%s: null cannot be part "
				    "of a list of values", fm->field);
				return (-1);
			}
			if (nmods > 0 && !(nmods == 1 && fm->neq)) {
				rule_invalid(cc->r, "%s: null takes no "
				    "modifiers", fm->field);
				return (-1);
			}
			v = &fm->v[fm->nv++];
			v->kind = V_NULL;
			v->text = xstrdup("null");
			continue;
		}
		if (n->type != SIGMA_Y_SCALAR) {
			rule_invalid(cc->r, "%s: a value must be a string, "
			    "a number or null (line %d)", fm->field, n->line);
			return (-1);
		}
		if (re) {
			opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
			if (has_mod(mods, nmods, M_RE_I))
				opts |= PCRE2_CASELESS;
			if (has_mod(mods, nmods, M_RE_M))
				opts |= PCRE2_MULTILINE;
			if (has_mod(mods, nmods, M_RE_S))
				opts |= PCRE2_DOTALL;
			v = &fm->v[fm->nv++];
			v->kind = V_RE;
			v->text = xstrdup(n->s);
			if ((v->re = pcre2_compile((PCRE2_SPTR)n->s, n->len,
			    opts, &err, &eoff, NULL)) == NULL) {
				pcre2_get_error_message(err,
				    (PCRE2_UCHAR *)ebuf, sizeof(ebuf));
				rule_invalid(cc->r, "%s: regular expression: "
				    "%s at offset %zu", fm->field, ebuf,
				    (size_t)eoff);
				return (-1);
			}
			if (sigma_jit)
				(void)pcre2_jit_compile(v->re,
				    PCRE2_JIT_COMPLETE);
			if ((v->md = pcre2_match_data_create_from_pattern(
			    v->re, NULL)) == NULL)
				fatalx("%s: pcre2_match_data", __func__);
			re_lits(v, n->s, n->len, opts & PCRE2_CASELESS);
			continue;
		}
		if (cidr) {
			v = &fm->v[fm->nv++];
			v->text = xstrdup(n->s);
			if (cidr_parse(n->s, v) == -1) {
				rule_invalid(cc->r, "%s: '%.64s' is not a "
				    "network", fm->field, n->s);
				return (-1);
			}
			continue;
		}
		if (ref) {
			v = &fm->v[fm->nv++];
			v->kind = V_REF;
			v->text = xstrdup(n->s);
			v->refname = xstrdup(n->s);
			if (cc->ls != NULL && sigma_map_field(cc->ls, n->s,
			    &v->ref) == -1)
				cc_skip(cc, "field %.64s not mapped for %s "
				    "(fieldref of %s)", n->s,
				    sigma_ls_name(cc->ls), fm->field);
			continue;
		}
		if (cmp != -1 || fm->timepart != -1) {
			if (!is_number_node(n, &d) &&
			    num_parse(n->s, n->len, &d) == -1) {
				rule_invalid(cc->r, "%s: '%.64s' is not a "
				    "number", fm->field, n->s);
				return (-1);
			}
			v = &fm->v[fm->nv++];
			v->kind = V_CMP;
			v->op = cmp == -1 ? CMP_EQ : cmp;
			v->num = d;
			v->text = xstrdup(n->s);
			continue;
		}
		memset(&sl, 0, sizeof(sl));
		if (value_strings(cc, fm, mods, nmods, n, g, &sl) == -1) {
			svlist_free(&sl);
			return (-1);
		}
		for (i = 0; i < sl.n; i++) {
			if (fm->nv >= SIGMA_MAX_VALUES) {
				rule_invalid(cc->r, "%s: more than %d values",
				    fm->field, SIGMA_MAX_VALUES);
				svlist_free(&sl);
				return (-1);
			}
			v = &fm->v[fm->nv++];
			pat_build(v, &sl.v[i], cased || sl.v[i].cased);
			v->text = xstrdup(n->s);
		}
		svlist_free(&sl);
	}
	fm->gstart[nvals] = fm->nv;
	return (0);
}

/* One "field|mod|mod: value(s)" of a search. */
static int
fm_compile(struct compile *cc, struct sigma_fm *fm, const char *key,
    const struct sigma_ynode *val)
{
	enum sigma_mod		 mods[SIGMA_MAX_MODS];
	const struct sigma_ynode **vals;
	const struct sigma_target *kw;
	char			*copy, *p, *name;
	size_t			 nmods = 0, nvals, i, j, k;
	int			 pos = 0, type = 0, trans = 0, rv = -1;

	fm->exists = -1;
	fm->timepart = -1;
	copy = xstrdup(key);
	if ((p = strchr(copy, '|')) != NULL) {
		*p++ = '\0';
		fm->mods = xstrdup(p);
	}
	fm->field = xstrdup(copy);
	while (p != NULL) {
		name = p;
		if ((p = strchr(p, '|')) != NULL)
			*p++ = '\0';
		for (i = 0; i < sizeof(sigma_mods) / sizeof(sigma_mods[0]); i++)
			if (strcmp(name, sigma_mods[i].name) == 0)
				break;
		if (i == sizeof(sigma_mods) / sizeof(sigma_mods[0])) {
			rule_invalid(cc->r, "%s: unknown modifier '%.32s'",
			    fm->field[0] ? fm->field : "keywords", name);
			goto out;
		}
		if (nmods == SIGMA_MAX_MODS) {
			rule_invalid(cc->r, "%s: more than %d modifiers",
			    fm->field, SIGMA_MAX_MODS);
			goto out;
		}
		for (j = 0; j < nmods; j++)
			if (mods[j] == sigma_mods[i].mod) {
				rule_invalid(cc->r, "%s: modifier '%s' given "
				    "twice", fm->field, name);
				goto out;
			}
		mods[nmods++] = sigma_mods[i].mod;
	}

	/* which modifiers go together */
	for (i = 0; i < nmods; i++) {
		switch (mods[i]) {
		case M_CONTAINS:
		case M_STARTSWITH:
		case M_ENDSWITH:
			pos++;
			break;
		case M_ALL:
			fm->all = 1;
			break;
		case M_CASED:
			fm->cased = 1;
			break;
		case M_NEQ:
			fm->neq = 1;
			break;
		case M_EXISTS:
			fm->exists = 1;
			type++;
			break;
		case M_RE:
		case M_CIDR:
		case M_FIELDREF:
			type++;
			break;
		case M_LT:
		case M_LTE:
		case M_GT:
		case M_GTE:
			if (i > 0 && mods[i - 1] >= M_MINUTE &&
			    mods[i - 1] <= M_YEAR)
				break;
			type++;
			break;
		case M_MINUTE:
		case M_HOUR:
		case M_DAY:
		case M_WEEK:
		case M_MONTH:
		case M_YEAR:
			fm->timepart = mods[i];
			type++;
			break;
		case M_RE_I:
		case M_RE_M:
		case M_RE_S:
			break;
		default:
			trans++;
			break;
		}
	}
	if (pos > 1) {
		rule_invalid(cc->r, "%s: contains, startswith and endswith "
		    "exclude each other", fm->field);
		goto out;
	}
	if (type > 1) {
		rule_invalid(cc->r, "%s: modifiers '%s' do not go together",
		    fm->field, fm->mods);
		goto out;
	}
	if (type == 1 && fm->exists == -1 && (pos > 0 || trans > 0)) {
		rule_invalid(cc->r, "%s: modifiers '%s' do not go together",
		    fm->field, fm->mods);
		goto out;
	}
	if (fm->exists != -1 && (nmods > 1 || fm->field[0] == '\0')) {
		rule_invalid(cc->r, "%s: exists goes alone, on a field",
		    fm->field);
		goto out;
	}

	/* where the field is */
	if (fm->field[0] == '\0') {
		if (cc->ls != NULL) {
			k = sigma_ls_keywords(cc->ls, &kw);
			for (i = 0; i < k && i < SIGMA_MAX_FIELD_TARGETS; i++) {
				fm->t[i] = kw[i];
				if (kw[i].key != NULL)
					fm->t[i].key = xstrdup(kw[i].key);
			}
			fm->nt = i;
		}
	} else if (cc->ls != NULL) {
		if (sigma_map_field(cc->ls, fm->field, &fm->t[0]) == -1)
			cc_skip(cc, "field %.64s not mapped for %s%s%s%s%s%s",
			    fm->field, cc->r->product ? "product=" : "",
			    cc->r->product ? cc->r->product : "",
			    cc->r->category ? (cc->r->product ?
			    " category=" : "category=") : "",
			    cc->r->category ? cc->r->category : "",
			    cc->r->service ? ((cc->r->product ||
			    cc->r->category) ? " service=" : "service=") : "",
			    cc->r->service ? cc->r->service : "");
		else
			fm->nt = 1;
	}

	/* the values */
	if (val->type == SIGMA_Y_MAP) {
		rule_invalid(cc->r, "%s: a value cannot be a map (line %d)",
		    fm->field, val->line);
		goto out;
	}
	if (val->type == SIGMA_Y_SEQ) {
		if (val->n == 0) {
			rule_invalid(cc->r, "%s: empty list of values",
			    fm->field);
			goto out;
		}
		vals = (const struct sigma_ynode **)val->kids;
		nvals = val->n;
	} else {
		vals = &val;
		nvals = 1;
	}
	if (fm->exists != -1) {
		if (nvals != 1 || vals[0]->type != SIGMA_Y_SCALAR ||
		    !vals[0]->plain || (strcmp(vals[0]->s, "true") != 0 &&
		    strcmp(vals[0]->s, "false") != 0)) {
			rule_invalid(cc->r, "%s: exists takes true or false",
			    fm->field);
			goto out;
		}
		fm->exists = strcmp(vals[0]->s, "true") == 0;
		rv = 0;
		goto out;
	}
	if (fm->all && nvals == 1 && fm->field[0] != '\0') {
		rule_invalid(cc->r, "%s: all needs a list of values",
		    fm->field);
		goto out;
	}
	rv = fm_values(cc, fm, mods, nmods, vals, nvals);
 out:
	free(copy);
	return (rv);
}

/* A search identifier: a map, a list of maps, or keywords. */
static int
search_compile(struct compile *cc, struct sigma_search *s,
    const struct sigma_ynode *n)
{
	struct sigma_group	*g;
	const struct sigma_ynode *kwvals[1], *it;
	struct sigma_ynode	 kwlist;
	const char		*dup;
	size_t			 i, j, nkw = 0;

	if (n->type == SIGMA_Y_SCALAR) {
		if (sigma_yscalar_null(n)) {
			rule_invalid(cc->r, "search '%s' is empty", s->name);
			return (-1);
		}
		kwvals[0] = n;
		if ((s->g = calloc(1, sizeof(*s->g))) == NULL ||
		    (s->g[0].fm = calloc(1, sizeof(struct sigma_fm))) == NULL)
			fatal("%s: calloc", __func__);
		s->ng = 1;
		s->g[0].nfm = 1;
		return (fm_compile(cc, &s->g[0].fm[0], "", kwvals[0]));
	}
	if (n->n == 0) {
		rule_invalid(cc->r, "search '%s' is empty", s->name);
		return (-1);
	}
	if (n->type == SIGMA_Y_MAP) {
		if (ydup_keys(n, &dup)) {
			rule_invalid(cc->r, "search '%s': field '%.64s' given "
			    "twice", s->name, dup);
			return (-1);
		}
		if ((s->g = calloc(1, sizeof(*s->g))) == NULL ||
		    (s->g[0].fm = calloc(n->n / 2, sizeof(struct sigma_fm))) ==
		    NULL)
			fatal("%s: calloc", __func__);
		s->ng = 1;
		for (i = 0; i < n->n; i += 2) {
			if (n->kids[i]->type != SIGMA_Y_SCALAR) {
				rule_invalid(cc->r, "search '%s': a field "
				    "name must be a string", s->name);
				return (-1);
			}
			s->g[0].nfm++;
			if (fm_compile(cc, &s->g[0].fm[i / 2], n->kids[i]->s,
			    n->kids[i + 1]) == -1)
				return (-1);
		}
		return (0);
	}
	/* a list: maps are OR-ed groups, strings one keyword group */
	if ((s->g = calloc(n->n + 1, sizeof(*s->g))) == NULL)
		fatal("%s: calloc", __func__);
	memset(&kwlist, 0, sizeof(kwlist));
	kwlist.type = SIGMA_Y_SEQ;
	kwlist.line = n->line;
	if ((kwlist.kids = calloc(n->n, sizeof(*kwlist.kids))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n->n; i++) {
		it = n->kids[i];
		if (it->type == SIGMA_Y_SCALAR) {
			if (sigma_yscalar_null(it)) {
				rule_invalid(cc->r, "search '%s': null "
				    "keyword", s->name);
				goto bad;
			}
			kwlist.kids[nkw++] = (struct sigma_ynode *)it;
			continue;
		}
		if (it->type != SIGMA_Y_MAP || it->n == 0) {
			rule_invalid(cc->r, "search '%s': item %zu must be a "
			    "map or a string", s->name, i + 1);
			goto bad;
		}
		if (ydup_keys(it, &dup)) {
			rule_invalid(cc->r, "search '%s': field '%.64s' given "
			    "twice", s->name, dup);
			goto bad;
		}
		g = &s->g[s->ng++];
		if ((g->fm = calloc(it->n / 2, sizeof(struct sigma_fm))) ==
		    NULL)
			fatal("%s: calloc", __func__);
		for (j = 0; j < it->n; j += 2) {
			if (it->kids[j]->type != SIGMA_Y_SCALAR) {
				rule_invalid(cc->r, "search '%s': a field "
				    "name must be a string", s->name);
				goto bad;
			}
			g->nfm++;
			if (fm_compile(cc, &g->fm[j / 2], it->kids[j]->s,
			    it->kids[j + 1]) == -1)
				goto bad;
		}
	}
	if (nkw > 0) {
		kwlist.n = nkw;
		g = &s->g[s->ng++];
		if ((g->fm = calloc(1, sizeof(struct sigma_fm))) == NULL)
			fatal("%s: calloc", __func__);
		g->nfm = 1;
		if (fm_compile(cc, &g->fm[0], "", &kwlist) == -1)
			goto bad;
	}
	free(kwlist.kids);
	return (0);
 bad:
	free(kwlist.kids);
	return (-1);
}

/* detection: (or a filter's section): searches and a condition. */
static int
rule_detection(struct compile *cc, const struct sigma_ynode *det,
    const char *what)
{
	struct sigma_rule	*r = cc->r;
	struct sigma_detect	*d;
	struct sigma_cond	*conds[64];
	const struct sigma_ynode *cond = NULL, *k;
	const char		*dup;
	char			 err[SIGMA_REASON_LEN], *joined;
	size_t			 i, nc = 0, jl;

	if (det == NULL || det->type != SIGMA_Y_MAP) {
		rule_invalid(r, "%s: missing or not a map", what);
		return (-1);
	}
	if (ydup_keys(det, &dup)) {
		rule_invalid(r, "%s: '%.64s' given twice", what, dup);
		return (-1);
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		fatal("%s: calloc", __func__);
	r->det = d;
	d->ls = cc->ls;
	if ((d->s = calloc(det->n / 2 + 1, sizeof(*d->s))) == NULL ||
	    (d->names = calloc(det->n / 2 + 1, sizeof(char *))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < det->n; i += 2) {
		k = det->kids[i];
		if (k->type != SIGMA_Y_SCALAR || k->len == 0) {
			rule_invalid(r, "%s: a search identifier must be a "
			    "name", what);
			return (-1);
		}
		if (strcmp(k->s, "condition") == 0) {
			cond = det->kids[i + 1];
			continue;
		}
		if (strcmp(k->s, "timeframe") == 0 ||
		    strcmp(k->s, "rules") == 0)
			continue;
		if (d->ns >= SIGMA_MAX_SEARCHES) {
			rule_invalid(r, "%s: more than %d search identifiers",
			    what, SIGMA_MAX_SEARCHES);
			return (-1);
		}
		d->s[d->ns].name = k->s;	/* replaced below */
		d->names[d->ns] = xstrdup(k->s);
		d->s[d->ns].name = d->names[d->ns];
		d->ns++;
		if (search_compile(cc, &d->s[d->ns - 1], det->kids[i + 1]) ==
		    -1)
			return (-1);
	}
	if (cond == NULL || sigma_yscalar_null(cond)) {
		rule_invalid(r, "%s: condition missing", what);
		return (-1);
	}
	if (d->ns == 0) {
		rule_invalid(r, "%s: no search identifier", what);
		return (-1);
	}
	if (cond->type == SIGMA_Y_SCALAR) {
		r->condition = xstrdup(cond->s);
		if ((conds[0] = sigma_cond_parse(cond->s, cond->len,
		    (const char *const *)d->names, d->ns, err,
		    sizeof(err))) == NULL) {
			rule_invalid(r, "%s", err);
			return (-1);
		}
		nc = 1;
	} else if (cond->type == SIGMA_Y_SEQ && cond->n > 0 &&
	    cond->n <= 64) {
		for (i = 0, jl = 1; i < cond->n; i++)
			if (cond->kids[i]->type == SIGMA_Y_SCALAR)
				jl += cond->kids[i]->len + 4;
		if ((joined = calloc(1, jl)) == NULL)
			fatal("%s: calloc", __func__);
		for (i = 0; i < cond->n; i++) {
			if (cond->kids[i]->type != SIGMA_Y_SCALAR ||
			    sigma_yscalar_null(cond->kids[i])) {
				rule_invalid(r, "condition: item %zu is not "
				    "a string", i + 1);
				break;
			}
			if (i > 0)
				strlcat(joined, " or ", jl);
			strlcat(joined, cond->kids[i]->s, jl);
			if ((conds[nc] = sigma_cond_parse(cond->kids[i]->s,
			    cond->kids[i]->len, (const char *const *)d->names,
			    d->ns, err, sizeof(err))) == NULL) {
				rule_invalid(r, "%s", err);
				break;
			}
			nc++;
		}
		r->condition = joined;
		if (i < cond->n) {
			while (nc > 0)
				sigma_cond_free(conds[--nc]);
			return (-1);
		}
	} else {
		rule_invalid(r, "condition: expected a string or a list of "
		    "at most 64");
		return (-1);
	}
	d->cond = sigma_cond_or(conds, nc);
	return (0);
}

static int
parse_timespan(const char *s, int64_t *out)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || n <= 0 || n > 366LL * 86400 ||
	    end[0] == '\0' || end[1] != '\0')
		return (-1);
	switch (*end) {
	case 's':
		break;
	case 'm':
		n *= 60;
		break;
	case 'h':
		n *= 3600;
		break;
	case 'd':
		n *= 86400;
		break;
	case 'w':
		n *= 7 * 86400;
		break;
	default:
		return (-1);
	}
	if (n > 366LL * 86400)
		return (-1);
	*out = n;
	return (0);
}

static int
rule_correlation(struct sigma_rule *r, const struct sigma_ynode *doc)
{
	static const char	*types[] = { "event_count", "value_count",
	    "temporal", "temporal_ordered", "value_sum", "value_avg",
	    "value_percentile", NULL };
	static const struct {
		const char	*name;
		unsigned int	 flag;
	} ops[] = {
		{ "gt", SIGMA_CMP_GT }, { "gte", SIGMA_CMP_GTE },
		{ "lt", SIGMA_CMP_LT }, { "lte", SIGMA_CMP_LTE },
		{ "eq", SIGMA_CMP_EQ }, { "neq", SIGMA_CMP_NEQ }
	};
	const struct sigma_ynode *c, *n, *cond, *k, *v;
	struct sigma_corr	*co;
	struct sigma_alias	*al;
	const char		*s;
	double			 d, *slot;
	size_t			 i, j, o;

	r->kind = SIGMA_CORRELATION;
	if ((co = calloc(1, sizeof(*co))) == NULL)
		fatal("%s: calloc", __func__);
	r->corr = co;
	c = sigma_ymap_get(doc, "correlation");
	if (c->type != SIGMA_Y_MAP) {
		rule_invalid(r, "correlation: expected a map");
		return (-1);
	}
	if ((s = yscalar(sigma_ymap_get(c, "type"))) == NULL) {
		rule_invalid(r, "correlation: type missing");
		return (-1);
	}
	for (i = 0; types[i] != NULL; i++)
		if (strcmp(s, types[i]) == 0)
			break;
	if (types[i] == NULL) {
		rule_invalid(r, "correlation: unknown type '%.32s'", s);
		return (-1);
	}
	co->type = i;
	if ((n = sigma_ymap_get(c, "rules")) == NULL) {
		rule_invalid(r, "correlation: rules missing");
		return (-1);
	}
	if (str_list(r, n, "correlation: rules", &co->rules, &co->nrules) ==
	    -1)
		return (-1);
	if (co->nrules == 0) {
		rule_invalid(r, "correlation: rules is empty");
		return (-1);
	}
	if ((co->refs = calloc(co->nrules, sizeof(*co->refs))) == NULL)
		fatal("%s: calloc", __func__);
	if (str_list(r, sigma_ymap_get(c, "group-by"), "correlation: group-by",
	    &co->group_by, &co->ngroup_by) == -1)
		return (-1);
	if ((s = yscalar(sigma_ymap_get(c, "timespan"))) == NULL) {
		rule_invalid(r, "correlation: timespan missing");
		return (-1);
	}
	if (parse_timespan(s, &co->timespan) == -1) {
		rule_invalid(r, "correlation: timespan '%.32s' is not a "
		    "number and one of s, m, h, d", s);
		return (-1);
	}
	if ((n = sigma_ymap_get(c, "generate")) == NULL)
		n = sigma_ymap_get(doc, "generate");
	if (n != NULL) {
		if ((s = yscalar(n)) == NULL || (strcmp(s, "true") != 0 &&
		    strcmp(s, "false") != 0)) {
			rule_invalid(r, "generate: expected true or false");
			return (-1);
		}
		co->generate = strcmp(s, "true") == 0;
	}
	if ((cond = sigma_ymap_get(c, "condition")) != NULL) {
		if (cond->type != SIGMA_Y_MAP || cond->n == 0) {
			rule_invalid(r, "correlation: condition must be a "
			    "map of gt, gte, lt, lte, eq, neq (and field)");
			return (-1);
		}
		for (i = 0; i < cond->n; i += 2) {
			k = cond->kids[i];
			v = cond->kids[i + 1];
			if ((s = yscalar(k)) == NULL)
				goto badcond;
			if (strcmp(s, "field") == 0) {
				if (co->field != NULL)
					goto badcond;
				if (v->type == SIGMA_Y_SEQ && v->n > 0 &&
				    yscalar(v->kids[0]) != NULL)
					co->field = xstrdup(v->kids[0]->s);
				else if (yscalar(v) != NULL)
					co->field = xstrdup(v->s);
				else
					goto badcond;
				continue;
			}
			for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
				if (strcmp(s, ops[o].name) == 0)
					break;
			if (o == sizeof(ops) / sizeof(ops[0]) ||
			    (co->cmp & ops[o].flag) || yscalar(v) == NULL ||
			    num_parse(v->s, v->len, &d) == -1)
				goto badcond;
			co->cmp |= ops[o].flag;
			slot = o == 0 ? &co->gt : o == 1 ? &co->gte :
			    o == 2 ? &co->lt : o == 3 ? &co->lte :
			    o == 4 ? &co->eq : &co->neq;
			*slot = d;
		}
	}
	switch (co->type) {
	case SIGMA_CORR_TEMPORAL:
	case SIGMA_CORR_TEMPORAL_ORDERED:
		break;
	case SIGMA_CORR_EVENT_COUNT:
		if (co->cmp == 0) {
			rule_invalid(r, "correlation: event_count needs a "
			    "condition");
			return (-1);
		}
		break;
	default:
		if (co->cmp == 0 || co->field == NULL) {
			rule_invalid(r, "correlation: %s needs a condition "
			    "with a field", types[co->type]);
			return (-1);
		}
		break;
	}
	if ((n = sigma_ymap_get(c, "aliases")) != NULL) {
		if (n->type != SIGMA_Y_MAP) {
			rule_invalid(r, "correlation: aliases must be a map");
			return (-1);
		}
		if ((co->aliases = calloc(n->n / 2 + 1,
		    sizeof(*co->aliases))) == NULL)
			fatal("%s: calloc", __func__);
		for (i = 0; i < n->n; i += 2) {
			v = n->kids[i + 1];
			if (yscalar(n->kids[i]) == NULL ||
			    v->type != SIGMA_Y_MAP) {
				rule_invalid(r, "correlation: aliases: "
				    "expected alias: {rule: field}");
				return (-1);
			}
			al = &co->aliases[co->naliases++];
			al->alias = xstrdup(n->kids[i]->s);
			if ((al->rule = calloc(v->n / 2 + 1,
			    sizeof(char *))) == NULL ||
			    (al->field = calloc(v->n / 2 + 1,
			    sizeof(char *))) == NULL)
				fatal("%s: calloc", __func__);
			for (j = 0; j < v->n; j += 2) {
				if (yscalar(v->kids[j]) == NULL ||
				    yscalar(v->kids[j + 1]) == NULL) {
					rule_invalid(r, "correlation: "
					    "aliases: expected rule: field");
					return (-1);
				}
				al->rule[al->n] = xstrdup(v->kids[j]->s);
				al->field[al->n++] =
				    xstrdup(v->kids[j + 1]->s);
			}
		}
	}
	return (0);
 badcond:
	rule_invalid(r, "correlation: condition must be a map of gt, gte, "
	    "lt, lte, eq, neq (numbers) and field");
	return (-1);
}

/* siemd: sections. */

/*
 * The duration under key, in seconds: 1 when given, 0 when absent,
 * -1 (the rule invalid) when malformed.  "0" only where zero is.
 */
static int
ext_duration(struct sigma_rule *r, const struct sigma_ynode *m,
    const char *what, const char *key, int zero, int64_t *out)
{
	const struct sigma_ynode	*n;
	const char			*s;

	if ((n = sigma_ymap_get(m, key)) == NULL)
		return (0);
	if ((s = yscalar(n)) == NULL) {
		rule_invalid(r, "siemd: %s: %s: expected a duration", what,
		    key);
		return (-1);
	}
	if (zero && strcmp(s, "0") == 0) {
		*out = 0;
		return (1);
	}
	if (parse_timespan(s, out) == -1) {
		rule_invalid(r, "siemd: %s: %s '%.32s' is not a duration "
		    "(a number and s, m, h, d or w, at most 366 days)", what,
		    key, s);
		return (-1);
	}
	return (1);
}

/* The names of a field list, each resolved through the logsource. */
static int
ext_fields(struct compile *cc, const struct sigma_ynode *n,
    const char *what, const char *key, char ***names, size_t *nnames,
    struct sigma_target **t)
{
	struct sigma_rule	*r = cc->r;
	char			 label[64];
	size_t			 i;

	snprintf(label, sizeof(label), "siemd: %s: %s", what, key);
	if (str_list(r, n, label, names, nnames) == -1)
		return (-1);
	if (*nnames > SIGMA_EXT_MAX_FIELDS) {
		rule_invalid(r, "%s: more than %d fields", label,
		    SIGMA_EXT_MAX_FIELDS);
		return (-1);
	}
	if ((*t = calloc(*nnames + 1, sizeof(**t))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < *nnames; i++) {
		if ((*names)[i][0] == '\0') {
			rule_invalid(r, "%s: empty field name", label);
			return (-1);
		}
		if (cc->ls != NULL && sigma_map_field(cc->ls, (*names)[i],
		    &(*t)[i]) == 0)
			continue;
		/* the schema's own column names work everywhere */
		if (sigma_target_parse((*names)[i], &(*t)[i]) == 0)
			continue;
		cc_skip(cc, "%s: field %.64s not mapped for this logsource",
		    label, (*names)[i]);
	}
	return (0);
}

/*
 * siemd: { baseline: {...} } or { new-value: {...} }: what the rule's
 * hits feed instead of raising an alert each (README, sigma_base.h).
 * Every key is checked: a typo must not leave a rule that silently
 * does something else.
 */
static int
rule_ext(struct compile *cc, const struct sigma_ynode *n)
{
	static const char	*bl_keys[] = { "group-by", "bucket", "window",
	    "k", "min-count", "learn", NULL };
	static const char	*nv_keys[] = { "group-by", "fields", "learn",
	    NULL };
	struct sigma_rule	*r = cc->r;
	struct sigma_ext	*x;
	const struct sigma_ynode *m, *v;
	const char		*what, *s, *dup, *const *keys;
	char			 err[SIGMA_REASON_LEN];
	double			 d;
	size_t			 i, j;
	int			 rv;

	if (n->type != SIGMA_Y_MAP || n->n != 2 ||
	    (s = yscalar(n->kids[0])) == NULL) {
		rule_invalid(r, "siemd: expected a map with one key, "
		    "baseline, new-value or secret-entropy");
		return (-1);
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("%s: calloc", __func__);
	r->ext = x;
	if (strcmp(s, "baseline") == 0) {
		x->type = SIGMA_EXT_BASELINE;
		keys = bl_keys;
	} else if (strcmp(s, "new-value") == 0) {
		x->type = SIGMA_EXT_NEW_VALUE;
		keys = nv_keys;
	} else if (strcmp(s, "secret-entropy") == 0) {
		x->type = SIGMA_EXT_SECRET;
		m = n->kids[1];
		/* its keys are checked by base_secret_parse() */
		if (base_secret_parse(m, &x->secret, err, sizeof(err)) == -1) {
			rule_invalid(r, "siemd: secret-entropy: %s", err);
			return (-1);
		}
		if ((v = sigma_ymap_get(m, "fields")) != NULL &&
		    ext_fields(cc, v, "secret-entropy", "fields", &x->fields,
		    &x->nfields, &x->field_t) == -1)
			return (-1);
		r->standalone = 0;
		return (0);
	} else {
		rule_invalid(r, "siemd: unknown detection '%.32s' (baseline, "
		    "new-value or secret-entropy)", s);
		return (-1);
	}
	what = sigma_ext_type_name(x->type);
	m = n->kids[1];
	if (m->type != SIGMA_Y_MAP) {
		rule_invalid(r, "siemd: %s: expected a map", what);
		return (-1);
	}
	if (ydup_keys(m, &dup)) {
		rule_invalid(r, "siemd: %s: '%.32s' given twice", what, dup);
		return (-1);
	}
	for (i = 0; i < m->n; i += 2) {
		s = yscalar(m->kids[i]);
		for (j = 0; s != NULL && keys[j] != NULL; j++)
			if (strcmp(s, keys[j]) == 0)
				break;
		if (s == NULL || keys[j] == NULL) {
			rule_invalid(r, "siemd: %s: unknown key '%.32s'", what,
			    s != NULL ? s : "?");
			return (-1);
		}
	}
	if ((v = sigma_ymap_get(m, "group-by")) != NULL &&
	    ext_fields(cc, v, what, "group-by", &x->group_by, &x->ngroup_by,
	    &x->group_t) == -1)
		return (-1);
	if (ext_duration(r, m, what, "learn", 1, &x->learn) == -1)
		return (-1);

	if (x->type == SIGMA_EXT_NEW_VALUE) {
		if ((v = sigma_ymap_get(m, "fields")) == NULL ||
		    sigma_yscalar_null(v)) {
			rule_invalid(r, "siemd: new-value: fields missing");
			return (-1);
		}
		if (ext_fields(cc, v, what, "fields", &x->fields,
		    &x->nfields, &x->field_t) == -1)
			return (-1);
		if (x->nfields == 0) {
			rule_invalid(r, "siemd: new-value: fields is empty");
			return (-1);
		}
		if (x->nfields + x->ngroup_by > SIGMA_EXT_MAX_FIELDS) {
			rule_invalid(r, "siemd: new-value: more than %d "
			    "group-by and value fields", SIGMA_EXT_MAX_FIELDS);
			return (-1);
		}
		if (sigma_ymap_get(m, "learn") == NULL) {
			rule_invalid(r, "siemd: new-value: learn missing (the "
			    "time to learn the usual values first; 0 for "
			    "none)");
			return (-1);
		}
		r->standalone = 0;
		return (0);
	}

	if ((rv = ext_duration(r, m, what, "bucket", 0, &x->bucket)) != 1 ||
	    (rv = ext_duration(r, m, what, "window", 0, &x->window)) != 1) {
		if (rv == 0)
			rule_invalid(r, "siemd: baseline: %s missing",
			    x->bucket == 0 ? "bucket" : "window");
		return (-1);
	}
	if (x->window % x->bucket != 0) {
		rule_invalid(r, "siemd: baseline: window is not a whole number "
		    "of buckets");
		return (-1);
	}
	if (x->window / x->bucket < 2 ||
	    x->window / x->bucket > SIGMA_EXT_MAX_BUCKETS) {
		rule_invalid(r, "siemd: baseline: window must hold 2 to %d "
		    "buckets, not %lld", SIGMA_EXT_MAX_BUCKETS,
		    (long long)(x->window / x->bucket));
		return (-1);
	}
	x->k = 3;
	if ((v = sigma_ymap_get(m, "k")) != NULL) {
		if (yscalar(v) == NULL || num_parse(v->s, v->len, &d) == -1 ||
		    d < 0 || d > SIGMA_EXT_MAX_K) {
			rule_invalid(r, "siemd: baseline: k must be a number "
			    "from 0 to %d", SIGMA_EXT_MAX_K);
			return (-1);
		}
		x->k = d;
	}
	x->min_count = 10;
	if ((v = sigma_ymap_get(m, "min-count")) != NULL) {
		if (yscalar(v) == NULL || num_parse(v->s, v->len, &d) == -1 ||
		    d < 1 || d > SIGMA_EXT_MAX_COUNT || d != floor(d)) {
			rule_invalid(r, "siemd: baseline: min-count must be a "
			    "whole number from 1 to %d", SIGMA_EXT_MAX_COUNT);
			return (-1);
		}
		x->min_count = (int64_t)d;
	}
	r->standalone = 0;
	return (0);
}

/* One YAML document of a rule file. */
static int
file_doc(void *arg, struct sigma_ynode *doc, int idx)
{
	struct file_ctx		*fc = arg;
	struct sigma_set	*set = fc->set;
	struct sigma_rule	*r;
	struct compile		 cc;
	const struct sigma_ynode *filter, *ext;

	if (doc == NULL || sigma_yscalar_null(doc))
		return (0);
	fc->docs++;
	r = rule_new(set, fc->path, idx);
	if (doc->type != SIGMA_Y_MAP) {
		rule_invalid(r, "document is not a map");
		return (0);
	}
	if (rule_meta(r, doc) == -1)
		return (0);
	if (sigma_ymap_get(doc, "action") != NULL) {
		rule_invalid(r, "v1 rule collections (action) are not "
		    "supported");
		return (0);
	}
	if (sigma_ymap_get(doc, "siemd") != NULL &&
	    (sigma_ymap_get(doc, "correlation") != NULL ||
	    sigma_ymap_get(doc, "detection") == NULL)) {
		rule_invalid(r, "siemd: only a detection rule can have a "
		    "siemd section");
		return (0);
	}
	if (sigma_ymap_get(doc, "correlation") != NULL) {
		if (sigma_ymap_get(doc, "detection") != NULL) {
			rule_invalid(r, "a document is a rule or a "
			    "correlation, not both");
			return (0);
		}
		(void)rule_correlation(r, doc);
		return (0);
	}
	memset(&cc, 0, sizeof(cc));
	cc.set = set;
	cc.r = r;
	if (sigma_ymap_get(doc, "logsource") == NULL) {
		rule_invalid(r, "logsource missing");
		return (0);
	}
	if (r->product == NULL && r->category == NULL && r->service == NULL)
		cc_skip(&cc, "logsource names no product, category or "
		    "service");
	else if ((cc.ls = sigma_map_find(set->map, r->product, r->category,
	    r->service)) == NULL)
		cc_skip(&cc, "logsource %s%s%s%s%s%s not mapped",
		    r->product ? "product=" : "", r->product ? r->product : "",
		    r->category ? (r->product ? " category=" : "category=") :
		    "", r->category ? r->category : "",
		    r->service ? ((r->product || r->category) ? " service=" :
		    "service=") : "", r->service ? r->service : "");
	if ((filter = sigma_ymap_get(doc, "filter")) != NULL &&
	    sigma_ymap_get(doc, "detection") == NULL) {
		r->kind = SIGMA_FILTER;
		if (filter->type != SIGMA_Y_MAP) {
			rule_invalid(r, "filter: expected a map");
			return (0);
		}
		if (str_list(r, sigma_ymap_get(filter, "rules"),
		    "filter: rules", &r->filter_rules, &r->nfilter_rules) ==
		    -1)
			return (0);
		if (r->nfilter_rules == 0) {
			rule_invalid(r, "filter: rules missing");
			return (0);
		}
		if (rule_detection(&cc, filter, "filter") == -1)
			return (0);
	} else if (rule_detection(&cc, sigma_ymap_get(doc, "detection"),
	    "detection") == -1)
		return (0);
	if ((ext = sigma_ymap_get(doc, "siemd")) != NULL &&
	    rule_ext(&cc, ext) == -1)
		return (0);
	if (cc.skipped) {
		r->state = SIGMA_SKIPPED;
		strlcpy(r->reason, cc.skip, sizeof(r->reason));
		return (0);
	}
	detect_lits(r->det);
	return (0);
}

/* Prefilter literals. */

/* How selective the field's literals are; 0 when it has none. */
static unsigned int
fm_score(struct sigma_fm *fm)
{
	size_t		 i, g, best = 0;
	unsigned int	 sc = UINT32_MAX, gs;

	if (fm->neq || fm->exists != -1 || fm->nt == 0 || fm->nv == 0 ||
	    fm->nv > SIGMA_MAX_FMLITS)
		return (0);
	for (i = 0; i < fm->nv; i++)
		if (value_score(&fm->v[i]) == 0)
			return (0);
	if (!fm->all) {
		for (i = 0; i < fm->nv; i++)
			if (value_score(&fm->v[i]) < sc)
				sc = value_score(&fm->v[i]);
		return (sc);
	}
	/* all: one group's literals are enough; take the best group */
	for (g = 0, sc = 0; g < fm->ngroups; g++) {
		for (i = fm->gstart[g], gs = UINT32_MAX;
		    i < fm->gstart[g + 1]; i++)
			if (value_score(&fm->v[i]) < gs)
				gs = value_score(&fm->v[i]);
		if (fm->gstart[g] < fm->gstart[g + 1] && gs > sc) {
			sc = gs;
			best = g;
		}
	}
	(void)best;
	return (sc);
}

static struct sigma_fm *
group_best(struct sigma_group *g, unsigned int *score)
{
	struct sigma_fm	*best = NULL;
	unsigned int	 s;
	size_t		 i;

	*score = 0;
	for (i = 0; i < g->nfm; i++)
		if ((s = g->fm[i].litscore) > *score) {
			*score = s;
			best = &g->fm[i];
		}
	return (best);
}

static unsigned int
search_score(void *arg, size_t i)
{
	struct sigma_detect	*d = arg;

	return (d->s[i].litscore);
}

static void
lits_add(struct sigma_detect *d, struct sigma_fm *fm, size_t *cap)
{
	size_t		 i, g, k, from = 0, to = fm->nv;
	unsigned int	 gs, sc = 0;
	struct sigma_lit *l;
	const struct sigma_value *v;

	if (fm->all) {
		for (g = 0; g < fm->ngroups; g++) {
			for (i = fm->gstart[g], gs = UINT32_MAX;
			    i < fm->gstart[g + 1]; i++)
				if (value_score(&fm->v[i]) < gs)
					gs = value_score(&fm->v[i]);
			if (fm->gstart[g] < fm->gstart[g + 1] && gs > sc) {
				sc = gs;
				from = fm->gstart[g];
				to = fm->gstart[g + 1];
			}
		}
	}
	for (i = from; i < to; i++) {
		v = &fm->v[i];
		for (k = 0; k < (v->kind == V_RE ? v->nrlit : 1); k++) {
			if (d->nlits == *cap) {
				*cap = *cap ? *cap * 2 : 16;
				if ((l = reallocarray(d->lits, *cap,
				    sizeof(*l))) == NULL)
					fatal("%s: reallocarray", __func__);
				d->lits = l;
			}
			d->lits[d->nlits].fm = fm;
			d->lits[d->nlits].s = v->kind == V_RE ? v->rlit[k] :
			    v->best;
			d->lits[d->nlits++].len = v->kind == V_RE ?
			    v->rlitlen[k] : v->bestlen;
		}
	}
}

/* How long the value's shortest prefilter literal is; 0: none. */
static size_t
value_score(const struct sigma_value *v)
{
	if (v->kind == V_PAT)
		return (v->bestlen);
	if (v->kind == V_RE)
		return (v->rlitmin);
	return (0);
}

/* The literals one of which every match of a regular expression has. */
static void
re_lits(struct sigma_value *v, const char *re, size_t len, int caseless)
{
	uint8_t	*lit[SIGMA_RE_MAX_LITS];
	size_t	 llen[SIGMA_RE_MAX_LITS], i;

	if ((v->nrlit = sigma_re_lits(re, len, caseless, lit, llen)) == 0)
		return;
	if ((v->rlit = calloc(v->nrlit, sizeof(*v->rlit))) == NULL ||
	    (v->rlitlen = calloc(v->nrlit, sizeof(*v->rlitlen))) == NULL)
		fatal("%s: calloc", __func__);
	v->rlitmin = SIZE_MAX;
	for (i = 0; i < v->nrlit; i++) {
		v->rlit[i] = lit[i];
		v->rlitlen[i] = llen[i];
		if (llen[i] < v->rlitmin)
			v->rlitmin = llen[i];
	}
}

/*
 * The literals one of which an event must contain for the rule to
 * match: from the searches the condition requires, per search the
 * most selective field of each of its groups.
 */
static void
detect_lits(struct sigma_detect *d)
{
	struct sigma_search	*s;
	struct sigma_fm		*fm;
	size_t			 req[64], nreq, i, j, k, cap = 0, total = 0;
	unsigned int		 sc, gs;

	for (i = 0; i < d->ns; i++) {
		s = &d->s[i];
		for (j = 0; j < s->ng; j++)
			for (k = 0; k < s->g[j].nfm; k++)
				s->g[j].fm[k].litscore =
				    fm_score(&s->g[j].fm[k]);
		for (j = 0, sc = UINT32_MAX; j < s->ng; j++) {
			(void)group_best(&s->g[j], &gs);
			if (gs < sc)
				sc = gs;
		}
		s->litscore = s->ng == 0 ? 0 : sc;
	}
	nreq = sigma_cond_required(d->cond, search_score, d, req, 64);
	for (i = 0; i < nreq; i++)
		for (j = 0; j < d->s[req[i]].ng; j++) {
			fm = group_best(&d->s[req[i]].g[j], &gs);
			if (fm->all)
				total++;
			else
				for (k = 0; k < fm->nv; k++)
					total += fm->v[k].kind == V_RE ?
					    fm->v[k].nrlit : 1;
		}
	if (nreq == 0 || total > SIGMA_MAX_LITS)
		return;
	for (i = 0; i < nreq; i++)
		for (j = 0; j < d->s[req[i]].ng; j++) {
			fm = group_best(&d->s[req[i]].g[j], &gs);
			lits_add(d, fm, &cap);
		}
}

static int
lits_pass(const struct sigma_detect *d, struct sigma_event *se)
{
	const struct sigma_lit	*l;
	const struct sigma_fm	*last = NULL;
	const char		*p = NULL, *lp = NULL;
	size_t			 i, t, len = 0;
	int			 have = 0;

	if (d->nlits == 0)
		return (1);
	for (i = 0; i < d->nlits; i++) {
		l = &d->lits[i];
		if (l->fm->nt == 1) {
			/* one value per field, fetched once */
			if (l->fm != last) {
				last = l->fm;
				if ((have = sigma_event_get(se, &l->fm->t[0],
				    &p, &len)))
					lp = sigma_event_lower(se,
					    &l->fm->t[0], p, len);
			}
			if (have && (lp != NULL ? memmem(lp, len, l->s,
			    l->len) != NULL : ci_memmem(p, len, l->s,
			    l->len) != NULL))
				return (1);
			continue;
		}
		last = NULL;
		for (t = 0; t < l->fm->nt; t++) {
			if (!sigma_event_get(se, &l->fm->t[t], &p, &len))
				continue;
			lp = sigma_event_lower(se, &l->fm->t[t], p, len);
			if (lp != NULL ? memmem(lp, len, l->s, l->len) !=
			    NULL : ci_memmem(p, len, l->s, l->len) != NULL)
				return (1);
		}
	}
	return (0);
}

static int
target_eq(const struct sigma_target *a, const struct sigma_target *b)
{
	if (a->kind != b->kind || a->idx != b->idx)
		return (0);
	if (a->key == NULL || b->key == NULL)
		return (a->key == b->key);
	return (strcmp(a->key, b->key) == 0);
}

static void
pf_free(struct sigma_set *set)
{
	size_t	 i;

	for (i = 0; i < set->npft; i++)
		sigma_scan_free(set->pfscan[i]);
	free(set->pft);
	free(set->pfscan);
	free(set->pfbase);
	free(set->pfscanned);
	free(set->pfpair);
	free(set->pffound);
	free(set->lrstart);
	free(set->lrrule);
	free(set->rpass);
	free(set->got);
	free(set->tgot);
	set->lrstart = set->lrrule = set->rpass = NULL;
	set->got = set->tgot = NULL;
	set->nrpass = 0;
	set->pft = NULL;
	set->pfpair = NULL;
	set->pfscan = NULL;
	set->pfbase = NULL;
	set->pfscanned = NULL;
	set->pffound = NULL;
	set->npft = set->npflits = 0;
	set->epoch = 0;
}

/* (column, id) pairs of a rule, by column */
static int
pf_cmp(const void *a, const void *b)
{
	const uint32_t	*x = a, *y = b;

	if (x[0] != y[0])
		return (x[0] < y[0] ? -1 : 1);
	return (x[1] < y[1] ? -1 : x[1] > y[1]);
}

/*
 * The shared prefilter: each routed rule's literals (lits_pass()
 * tests them one by one) go into one automaton per column, so that
 * sigma_match() reads a column of an event once for all rules.
 */
static void
pf_build(struct sigma_set *set)
{
	struct sigma_detect	*d;
	struct sigma_lit	*l;
	const struct sigma_target **nt;
	struct sigma_scan	**ns;
	uint32_t		*pair;
	size_t			 i, b, j, k, t, n, c;

	pf_free(set);
	for (b = 0; b < set->nls; b++)
		for (i = 0; i < set->nbucket[b]; i++) {
			d = set->bucket[b][i]->det;
			free(d->pfg);
			free(d->pfid);
			d->pfg = NULL;
			d->pfid = NULL;
			d->npfg = d->npfid = 0;
			for (j = 0, n = 0; j < d->nlits; j++)
				n += d->lits[j].fm->nt;
			if (n == 0)
				continue;
			if ((pair = reallocarray(NULL, n, 2 *
			    sizeof(*pair))) == NULL)
				fatal("%s: reallocarray", __func__);
			for (j = 0, n = 0; j < d->nlits; j++) {
				l = &d->lits[j];
				for (t = 0; t < l->fm->nt; t++) {
					for (c = 0; c < set->npft; c++)
						if (target_eq(set->pft[c],
						    &l->fm->t[t]))
							break;
					if (c == set->npft) {
						if ((nt = reallocarray(
						    set->pft, c + 1,
						    sizeof(*nt))) == NULL ||
						    (ns = reallocarray(
						    set->pfscan, c + 1,
						    sizeof(*ns))) == NULL)
							fatal("%s: "
							    "reallocarray",
							    __func__);
						set->pft = nt;
						set->pfscan = ns;
						set->pft[c] = &l->fm->t[t];
						set->pfscan[c] =
						    sigma_scan_new();
						set->npft++;
					}
					pair[2 * n] = c;
					pair[2 * n + 1] = sigma_scan_add(
					    set->pfscan[c], l->s, l->len);
					n++;
				}
			}
			qsort(pair, n, 2 * sizeof(*pair), pf_cmp);
			/* the pairs become pfid (local ids for now) */
			if ((d->pfid = reallocarray(NULL, n,
			    sizeof(*d->pfid))) == NULL ||
			    (d->pfg = reallocarray(NULL, n,
			    sizeof(*d->pfg))) == NULL)
				fatal("%s: reallocarray", __func__);
			for (k = 0; k < n; k++) {
				if (k > 0 && pair[2 * k] == pair[2 * k - 2] &&
				    pair[2 * k + 1] == pair[2 * k - 1])
					continue;
				if (d->npfg == 0 ||
				    d->pfg[d->npfg - 1].t != pair[2 * k]) {
					d->pfg[d->npfg].t = pair[2 * k];
					d->pfg[d->npfg].from = d->npfid;
					d->npfg++;
				}
				d->pfid[d->npfid++] = pair[2 * k + 1];
				d->pfg[d->npfg - 1].to = d->npfid;
			}
			free(pair);
		}
	if (set->npft == 0)
		return;
	if ((set->pfbase = calloc(set->npft, sizeof(*set->pfbase))) == NULL ||
	    (set->pfscanned = calloc(set->npft,
	    sizeof(*set->pfscanned))) == NULL ||
	    (set->pfpair = reallocarray(NULL, set->npft,
	    sizeof(*set->pfpair))) == NULL)
		fatal("%s: calloc", __func__);
	for (c = 0; c < set->npft; c++)
		set->pfpair[c] = PF_NOPAIR;
	for (c = 0; c < set->npft; c++) {
		set->pfbase[c] = set->npflits;
		set->npflits += sigma_scan_count(set->pfscan[c]);
		/* keywords give message and raw the same literals: share */
		for (k = 0; k < c; k++)
			if (sigma_scan_same(set->pfscan[k], set->pfscan[c])) {
				sigma_scan_free(set->pfscan[c]);
				set->pfscan[c] = sigma_scan_ref(set->pfscan[k]);
				/*
				 * paired only when both are text columns: a
				 * data value may live in a buffer the next
				 * sigma_event_get() reuses
				 */
				if (set->pfpair[k] == PF_NOPAIR &&
				    set->pfpair[c] == PF_NOPAIR &&
				    set->pft[k]->kind == SIGMA_T_TEXT &&
				    set->pft[c]->kind == SIGMA_T_TEXT) {
					set->pfpair[k] = c;
					set->pfpair[c] = k;
				}
				break;
			}
		if (k == c)
			sigma_scan_build(set->pfscan[c]);
	}
	if ((set->pffound = calloc(set->npflits, sizeof(*set->pffound))) ==
	    NULL)
		fatal("%s: calloc", __func__);
	for (b = 0; b < set->nls; b++)
		for (i = 0; i < set->nbucket[b]; i++) {
			d = set->bucket[b][i]->det;
			for (k = 0; k < d->npfg; k++)
				for (j = d->pfg[k].from; j < d->pfg[k].to; j++)
					d->pfid[j] += set->pfbase[d->pfg[k].t];
		}
	pf_rules(set);
}

/*
 * From each literal to the rules that need it, so that a scan marks
 * the rules whose literals it found (rpass) and a rule is then tested
 * by one look, whatever the number of its literals.
 */
static void
pf_rules(struct sigma_set *set)
{
	struct sigma_rule	*r;
	size_t			 b, i, j, n, max = 0;

	if ((set->lrstart = calloc(set->npflits + 1,
	    sizeof(*set->lrstart))) == NULL)
		fatal("%s: calloc", __func__);
	for (b = 0, n = 0; b < set->nls; b++)
		for (i = 0; i < set->nbucket[b]; i++) {
			r = set->bucket[b][i];
			for (j = 0; j < r->det->npfid; j++)
				set->lrstart[r->det->pfid[j]]++;
			n += r->det->npfid;
			if (r->index + 1 > set->nrpass)
				set->nrpass = r->index + 1;
		}
	/* each literal's end; the filling below brings it to its start */
	for (i = 1; i < set->npflits; i++)
		set->lrstart[i] += set->lrstart[i - 1];
	set->lrstart[set->npflits] = n;
	if ((set->lrrule = reallocarray(NULL, n + 1,
	    sizeof(*set->lrrule))) == NULL ||
	    (set->rpass = calloc(set->nrpass + 1,
	    sizeof(*set->rpass))) == NULL)
		fatal("%s: reallocarray", __func__);
	/* filled from the end of each literal's slice, back to its start */
	for (b = 0; b < set->nls; b++)
		for (i = 0; i < set->nbucket[b]; i++) {
			r = set->bucket[b][i];
			for (j = 0; j < r->det->npfid; j++)
				set->lrrule[--set->lrstart[r->det->pfid[j]]] =
				    (uint32_t)r->index;
		}
	for (i = 0; i < set->npft; i++)
		if (sigma_scan_count(set->pfscan[i]) > max)
			max = sigma_scan_count(set->pfscan[i]);
	if ((set->got = reallocarray(NULL, max + 1,
	    sizeof(*set->got))) == NULL ||
	    (set->tgot = reallocarray(NULL, max + 1,
	    sizeof(*set->tgot))) == NULL)
		fatal("%s: reallocarray", __func__);
}

/* The rules needing the literals just found pass in this epoch. */
static void
pf_mark(struct sigma_set *set, const uint32_t *got, size_t n, uint32_t base)
{
	size_t		 i, k;
	uint32_t	 l;

	for (i = 0; i < n; i++) {
		l = base + got[i];
		for (k = set->lrstart[l]; k < set->lrstart[l + 1]; k++)
			set->rpass[set->lrrule[k]] = set->epoch;
	}
}

/*
 * Scan columns t and u (which share an automaton) in one pass when one
 * value is the end of the other, as a syslog message is of its raw
 * record.  Returns 0 when they are not so related.
 */
static int
pf_scan_pair(struct sigma_set *set, struct sigma_event *se, uint32_t t,
    uint32_t u)
{
	const char	*p, *q, *sp;
	size_t		 plen, qlen, sl, ngot, ntgot;
	uint32_t	 su;

	if (!sigma_event_get(se, set->pft[t], &p, &plen) ||
	    !sigma_event_get(se, set->pft[u], &q, &qlen))
		return (0);
	if (plen > qlen) {
		su = t, t = u, u = su;
		sp = p, p = q, q = sp;
		sl = plen, plen = qlen, qlen = sl;
	}
	/* p (column t) is the shorter: is it the end of q? */
	if (memcmp(q + qlen - plen, p, plen) != 0)
		return (0);
	sigma_scan_collect(set->pfscan[u], q, qlen, set->pffound +
	    set->pfbase[u], set->got, &ngot, set->pffound + set->pfbase[t],
	    set->tgot, &ntgot, qlen - plen, set->epoch);
	set->pfscanned[t] = set->pfscanned[u] = set->epoch;
	pf_mark(set, set->got, ngot, set->pfbase[u]);
	pf_mark(set, set->tgot, ntgot, set->pfbase[t]);
	return (1);
}

/* Scan column t (and the one sharing its automaton, when it can). */
static void
pf_scan(struct sigma_set *set, struct sigma_event *se, uint32_t t)
{
	const char	*p;
	size_t		 len, ngot;
	uint32_t	 u = set->pfpair[t];

	if (u != PF_NOPAIR && set->pfscanned[u] != set->epoch &&
	    pf_scan_pair(set, se, t, u))
		return;
	set->pfscanned[t] = set->epoch;
	if (!sigma_event_get(se, set->pft[t], &p, &len))
		return;
	sigma_scan_collect(set->pfscan[t], p, len, set->pffound +
	    set->pfbase[t], set->got, &ngot, NULL, NULL, NULL, 0, set->epoch);
	pf_mark(set, set->got, ngot, set->pfbase[t]);
}

/*
 * lits_pass() through the shared prefilter, in the current epoch: the
 * rule's columns are scanned when no other rule had them scanned yet,
 * and each scan marks the rules whose literals it found.
 */
static int
pf_pass(struct sigma_set *set, const struct sigma_rule *r,
    struct sigma_event *se)
{
	const struct sigma_detect *d = r->det;
	size_t			 i;

	if (d->nlits == 0)
		return (1);
	for (i = 0; i < d->npfg; i++) {
		if (set->pfscanned[d->pfg[i].t] != set->epoch)
			pf_scan(set, se, d->pfg[i].t);
		if (set->rpass[r->index] == set->epoch)
			return (1);
	}
	return (0);
}

/* The set. */

struct sigma_set *
sigma_set_new(const struct sigma_map *map)
{
	struct sigma_set	*set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		fatal("%s: calloc", __func__);
	set->map = sigma_map_hold(map);
	if (sigma_mctx == NULL) {
		if ((sigma_mctx = pcre2_match_context_create(NULL)) == NULL)
			fatalx("%s: pcre2_match_context_create", __func__);
		pcre2_set_match_limit(sigma_mctx, SIGMA_RE_MATCH_LIMIT);
		pcre2_set_depth_limit(sigma_mctx, SIGMA_RE_DEPTH_LIMIT);
	}
	return (set);
}

/*
 * Whether regular expressions are JIT-compiled (the default).  A
 * process whose sandbox forbids executable memory turns it off before
 * it compiles a set: PCRE2's interpreter then runs the same patterns.
 */
void
sigma_set_jit(int on)
{
	sigma_jit = on;
}

/*
 * Add a rule file (one or more YAML documents).  Every document
 * becomes a rule entry, loaded or not; a file that is not YAML becomes
 * one invalid entry.  Returns the number of documents, or -1 when the
 * file could not be read as YAML (its entry says why).
 */
int
sigma_set_add_file(struct sigma_set *set, const char *path, const char *buf,
    size_t len)
{
	struct file_ctx		 fc;
	struct sigma_rule	*r;
	char			 err[SIGMA_REASON_LEN];

	memset(&fc, 0, sizeof(fc));
	fc.set = set;
	fc.path = path;
	if (sigma_yaml_parse(buf, len, file_doc, &fc, err, sizeof(err)) ==
	    -1) {
		r = rule_new(set, path, fc.docs);
		rule_invalid(r, "%s", err);
		return (-1);
	}
	return (fc.docs);
}

static struct sigma_rule *
set_lookup(const struct sigma_set *set, const char *ref,
    const struct sigma_rule *self)
{
	size_t	 i;

	for (i = 0; i < set->n; i++) {
		if (set->r[i] == self)
			continue;
		if ((set->r[i]->id != NULL &&
		    strcmp(set->r[i]->id, ref) == 0) ||
		    (set->r[i]->name != NULL &&
		    strcmp(set->r[i]->name, ref) == 0))
			return (set->r[i]);
	}
	return (NULL);
}

struct sigma_rule *
sigma_set_find(const struct sigma_set *set, const char *ref)
{
	return (set_lookup(set, ref, NULL));
}

/*
 * Resolve the references of correlations and filters, and index the
 * loaded rules by logsource.  Returns the number of loaded rules.
 */
int
sigma_set_compile(struct sigma_set *set)
{
	struct sigma_rule	*r, *t, ***b;
	struct sigma_rule	**nf;
	size_t			 i, j, pass, loaded = 0, idx;
	size_t			*depth;
	int			 changed;

	/* filters attach to the rules they name */
	for (i = 0; i < set->n; i++) {
		r = set->r[i];
		if (r->kind == SIGMA_DETECTION && r->det != NULL)
			r->det->nfilters = 0;
	}
	for (i = 0; i < set->n; i++) {
		r = set->r[i];
		if (r->kind != SIGMA_FILTER || r->state != SIGMA_LOADED)
			continue;
		for (j = 0; j < r->nfilter_rules; j++) {
			if ((t = set_lookup(set, r->filter_rules[j], r)) ==
			    NULL || t->kind != SIGMA_DETECTION) {
				rule_invalid(r, "filter references unknown "
				    "rule '%.64s'", r->filter_rules[j]);
				break;
			}
		}
		if (r->state != SIGMA_LOADED)
			continue;
		for (j = 0; j < r->nfilter_rules; j++) {
			t = set_lookup(set, r->filter_rules[j], r);
			if (t->det == NULL)
				continue;
			if ((nf = reallocarray(t->det->filters,
			    t->det->nfilters + 1, sizeof(*nf))) == NULL)
				fatal("%s: reallocarray", __func__);
			t->det->filters = nf;
			t->det->filters[t->det->nfilters++] = r;
		}
	}

	/* correlations: resolve, then settle states (chains) */
	for (i = 0; i < set->n; i++) {
		r = set->r[i];
		if (r->kind != SIGMA_CORRELATION || r->state == SIGMA_INVALID)
			continue;
		for (j = 0; j < r->corr->nrules; j++)
			if ((r->corr->refs[j] = set_lookup(set,
			    r->corr->rules[j], r)) == NULL ||
			    r->corr->refs[j]->kind == SIGMA_FILTER) {
				r->corr->refs[j] = NULL;
				rule_invalid(r, "correlation references "
				    "unknown rule '%.64s'", r->corr->rules[j]);
				break;
			}
	}
	/*
	 * Chains: depth of each correlation by relaxation, at most
	 * SIGMA_MAX_CORR_CHAIN + 1 passes over the edges; whatever still
	 * grows after that is too deep or circular.
	 */
	if ((depth = calloc(set->n + 1, sizeof(*depth))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < set->n; i++)
		set->r[i]->index = i;
	for (pass = 0, changed = 1; changed &&
	    pass <= SIGMA_MAX_CORR_CHAIN + 1; pass++) {
		changed = 0;
		for (i = 0; i < set->n; i++) {
			r = set->r[i];
			if (r->kind != SIGMA_CORRELATION ||
			    r->state == SIGMA_INVALID)
				continue;
			for (j = 0; j < r->corr->nrules; j++) {
				t = r->corr->refs[j];
				if (t != NULL && depth[t->index] + 1 >
				    depth[i]) {
					depth[i] = depth[t->index] + 1;
					changed = 1;
				}
			}
		}
	}
	for (i = 0; i < set->n; i++)
		if (depth[i] > SIGMA_MAX_CORR_CHAIN)
			rule_invalid(set->r[i], "correlation chain deeper "
			    "than %d or circular", SIGMA_MAX_CORR_CHAIN);
	free(depth);
	for (pass = 0; pass <= SIGMA_MAX_CORR_CHAIN; pass++)
		for (i = 0; i < set->n; i++) {
			r = set->r[i];
			if (r->kind != SIGMA_CORRELATION ||
			    r->state != SIGMA_LOADED)
				continue;
			for (j = 0; j < r->corr->nrules; j++) {
				t = r->corr->refs[j];
				if (t->state == SIGMA_LOADED)
					continue;
				r->state = SIGMA_SKIPPED;
				snprintf(r->reason, sizeof(r->reason),
				    "references rule '%.64s', which is not "
				    "loaded", r->corr->rules[j]);
				break;
			}
		}
	for (i = 0; i < set->n; i++) {
		r = set->r[i];
		if (r->kind != SIGMA_CORRELATION ||
		    r->state != SIGMA_LOADED || r->corr->generate)
			continue;
		for (j = 0; j < r->corr->nrules; j++)
			r->corr->refs[j]->standalone = 0;
	}

	/* index by logsource entry */
	for (i = 0; i < set->nls; i++)
		free(set->bucket[i]);
	free(set->bucket);
	free(set->nbucket);
	set->nls = sigma_map_entries(set->map);
	if ((set->bucket = calloc(set->nls + 1, sizeof(*set->bucket))) ==
	    NULL || (set->nbucket = calloc(set->nls + 1,
	    sizeof(*set->nbucket))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < set->n; i++) {
		r = set->r[i];
		if (r->state != SIGMA_LOADED)
			continue;
		loaded++;
		if (r->kind != SIGMA_DETECTION || r->det == NULL ||
		    r->det->ls == NULL)
			continue;
		idx = sigma_ls_index(r->det->ls);
		if ((b = reallocarray(set->bucket[idx], set->nbucket[idx] + 1,
		    sizeof(**set->bucket))) == NULL)
			fatal("%s: reallocarray", __func__);
		set->bucket[idx] = (struct sigma_rule **)b;
		set->bucket[idx][set->nbucket[idx]++] = r;
	}
	pf_build(set);
	set->compiled = 1;
	return ((int)loaded);
}

size_t
sigma_set_count(const struct sigma_set *set)
{
	return (set->n);
}

struct sigma_rule *
sigma_set_rule(const struct sigma_set *set, size_t i)
{
	return (i < set->n ? set->r[i] : NULL);
}

void
sigma_set_free(struct sigma_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		rule_free(set->r[i]);
	free(set->r);
	for (i = 0; i < set->nls; i++)
		free(set->bucket[i]);
	free(set->bucket);
	free(set->nbucket);
	pf_free(set);
	sigma_map_release(set->map);
	free(set);
}

const char *
sigma_state_name(enum sigma_state s)
{
	switch (s) {
	case SIGMA_LOADED:
		return ("loaded");
	case SIGMA_SKIPPED:
		return ("skipped");
	case SIGMA_INVALID:
		return ("invalid");
	}
	return ("?");
}

const char *
sigma_corr_type_name(enum sigma_corr_type t)
{
	static const char	*names[] = { "event_count", "value_count",
	    "temporal", "temporal_ordered", "value_sum", "value_avg",
	    "value_percentile" };

	if ((size_t)t >= sizeof(names) / sizeof(names[0]))
		return ("?");
	return (names[t]);
}

const char *
sigma_ext_type_name(enum sigma_ext_type t)
{
	return (t == SIGMA_EXT_BASELINE ? "baseline" :
	    t == SIGMA_EXT_NEW_VALUE ? "new-value" : "secret-entropy");
}

/* Matching. */

static int
value_match(const struct sigma_value *v, const struct sigma_fm *fm,
    struct sigma_event *se, const char *p, size_t len, int present,
    const char *lp)
{
	char		 buf[SIGMA_REF_BUF], *copy = NULL;
	const char	*q;
	size_t		 qlen;
	double		 d;
	int		 rv;

	if (v->kind == V_NULL)
		return (!present || len == 0);
	if (!present)
		return (0);
	switch (v->kind) {
	case V_PAT:
		if (lp != NULL && v->shape == P_CONTAINS && !v->cased)
			return (memmem(lp, len, v->lit, v->litlen) != NULL);
		return (pat_match(v, p, len));
	case V_RE:
		return (pcre2_match(v->re, (PCRE2_SPTR)p, len, 0, 0, v->md,
		    sigma_mctx) >= 0);
	case V_CMP:
		if (fm->timepart != -1) {
			if (time_part(&fm->t[0], se, p, len, fm->timepart,
			    &d) == -1)
				return (0);
		} else if (num_parse(p, len, &d) == -1)
			return (0);
		switch (v->op) {
		case CMP_EQ:
			return (d == v->num);
		case CMP_LT:
			return (d < v->num);
		case CMP_LTE:
			return (d <= v->num);
		case CMP_GT:
			return (d > v->num);
		case CMP_GTE:
			return (d >= v->num);
		}
		return (0);
	case V_CIDR:
		return (cidr_match(v, p, len));
	case V_REF:
		/* the first value may live in a buffer the second reuses */
		if (len < sizeof(buf)) {
			memcpy(buf, p, len);
			p = buf;
		} else {
			if ((copy = malloc(len)) == NULL)
				fatal("%s: malloc", __func__);
			memcpy(copy, p, len);
			p = copy;
		}
		rv = sigma_event_get(se, &v->ref, &q, &qlen) && qlen == len &&
		    (fm->cased ? memcmp(p, q, len) == 0 :
		    strncasecmp(p, q, len) == 0);
		free(copy);
		return (rv);
	default:
		return (0);
	}
}

static int
fm_eval(const struct sigma_fm *fm, struct sigma_event *se, json_t *why)
{
	const char	*p = NULL, *lp = NULL;
	size_t		 len = 0, g, i, t;
	int		 present = 0, gm, rv, any = 0;
	json_t		*jm = NULL, *jf;
	char		 nbuf[SIGMA_REASON_LEN];

	if (why != NULL && (jm = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	if (fm->exists != -1) {
		for (t = 0; t < fm->nt; t++)
			if (sigma_event_get(se, &fm->t[t], &p, &len))
				present = 1;
		rv = present == fm->exists;
		goto done;
	}
	if (fm->nt == 1 && (present = sigma_event_get(se, &fm->t[0], &p,
	    &len)))
		lp = sigma_event_lower(se, &fm->t[0], p, len);
	rv = fm->all ? 1 : 0;
	for (g = 0; g < fm->ngroups; g++) {
		gm = 0;
		for (t = 0; t < fm->nt && !gm; t++) {
			if (fm->nt > 1) {
				present = sigma_event_get(se, &fm->t[t], &p,
				    &len);
				lp = present ? sigma_event_lower(se, &fm->t[t],
				    p, len) : NULL;
			}
			for (i = fm->gstart[g]; i < fm->gstart[g + 1]; i++)
				if (value_match(&fm->v[i], fm, se, p, len,
				    present, lp)) {
					gm = 1;
					if (jm != NULL)
						json_array_append_new(jm,
						    json_string(fm->v[i].text));
					break;
				}
			if (fm->nt > 1 && fm->v[fm->gstart[g]].kind == V_REF)
				present = 0;
		}
		any |= gm;
		if (fm->all && !gm) {
			rv = 0;
			if (why == NULL)
				break;
		}
		if (!fm->all && gm) {
			rv = 1;
			if (why == NULL)
				break;
		}
	}
	(void)any;
	if (fm->ngroups == 0)
		rv = 0;
	if (fm->neq)
		rv = !rv;
 done:
	if (why != NULL) {
		if ((jf = json_object()) == NULL)
			fatal("%s: json_object", __func__);
		json_object_set_new(jf, "field", json_string(fm->field[0] ?
		    fm->field : "(keywords)"));
		if (fm->nt > 0)
			json_object_set_new(jf, "column", json_string(
			    sigma_target_name(&fm->t[0], nbuf, sizeof(nbuf))));
		if (fm->mods != NULL)
			json_object_set_new(jf, "modifiers",
			    json_string(fm->mods));
		if (fm->nt == 1 && sigma_event_get(se, &fm->t[0], &p, &len))
			json_object_set_new(jf, "value", jstrn(p,
			    len > SIGMA_EXPLAIN_VALUE ? SIGMA_EXPLAIN_VALUE :
			    len));
		else
			json_object_set_new(jf, "value", json_null());
		json_object_set_new(jf, "matched", json_boolean(rv));
		json_object_set_new(jf, "matched_values", jm);
		json_array_append_new(why, jf);
	}
	return (rv);
}

static json_t *
jstrn(const char *p, size_t len)
{
	json_t	*j;

	if ((j = event_json_stringn(p, len)) == NULL)
		j = json_null();
	return (j);
}

static int
search_eval(void *arg, size_t i)
{
	struct match_ctx		*mc = arg;
	const struct sigma_search	*s = &mc->d->s[i];
	size_t				 g, f;
	int				 gm, rv = 0;
	json_t				*js = NULL, *jg = NULL, *jf = NULL;

	if (i >= SIGMA_MAX_SEARCHES)
		return (0);
	if (mc->memo[i] != 0)
		return (mc->memo[i] == 2);
	if (mc->why != NULL) {
		if ((js = json_object()) == NULL || (jg = json_array()) == NULL)
			fatal("%s: json", __func__);
		json_object_set_new(js, "name", json_string(s->name));
	}
	for (g = 0; g < s->ng; g++) {
		if (mc->why != NULL && (jf = json_array()) == NULL)
			fatal("%s: json_array", __func__);
		for (f = 0, gm = 1; f < s->g[g].nfm; f++)
			if (!fm_eval(&s->g[g].fm[f], mc->se, jf)) {
				gm = 0;
				if (jf == NULL)
					break;
			}
		if (jf != NULL)
			json_array_append_new(jg, jf);
		if (gm) {
			rv = 1;
			if (mc->why == NULL)
				break;
		}
	}
	mc->memo[i] = rv ? 2 : 1;
	if (js != NULL) {
		json_object_set_new(js, "matched", json_boolean(rv));
		json_object_set_new(js, "groups", jg);
		json_array_append_new(mc->why, js);
	}
	return (rv);
}

/* *filtered: a filter rule excluded the match. */
static int
detect_eval(const struct sigma_detect *d, struct sigma_event *se,
    json_t *why, int *filtered)
{
	struct match_ctx	 mc;
	size_t			 i;

	*filtered = 0;
	memset(&mc, 0, sizeof(mc));
	mc.d = d;
	mc.se = se;
	mc.why = why;
	if (why != NULL)	/* every search, for the explanation */
		for (i = 0; i < d->ns; i++)
			(void)search_eval(&mc, i);
	if (!sigma_cond_eval(d->cond, search_eval, &mc))
		return (0);
	for (i = 0; i < d->nfilters; i++) {
		if (d->filters[i]->det == NULL ||
		    d->filters[i]->state != SIGMA_LOADED)
			continue;
		if (d->filters[i]->det->ls != NULL &&
		    !sigma_ls_match(d->filters[i]->det->ls, se))
			continue;
		if (detect_eval(d->filters[i]->det, se, NULL, filtered)) {
			*filtered = 1;
			return (0);
		}
	}
	return (1);
}

/* One rule against one event, logsource aside; counts. */
int
sigma_rule_match(struct sigma_rule *r, struct sigma_event *se)
{
	if (r->state != SIGMA_LOADED || r->det == NULL ||
	    r->kind != SIGMA_DETECTION)
		return (0);
	if (!lits_pass(r->det, se)) {
		r->stats.prefiltered++;
		return (0);
	}
	return (rule_eval(r, se));
}

/* The full evaluation of a rule past the prefilter; counts. */
static int
rule_eval(struct sigma_rule *r, struct sigma_event *se)
{
	struct timespec	 t0, t1;
	int		 rv, filtered;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rv = detect_eval(r->det, se, NULL, &filtered);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->stats.evaluated++;
	r->stats.nsec += (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ULL +
	    (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
	if (rv)
		r->stats.matched++;
	return (rv);
}

/*
 * Every loaded rule whose logsource takes the event and whose
 * detection matches it: hit() for each.  Returns the number of hits.
 */
int
sigma_match(struct sigma_set *set, struct sigma_event *se,
    void (*hit)(const struct sigma_rule *, void *), void *arg)
{
	struct sigma_rule	*r;
	size_t			 i, j;
	int			 hits = 0;

	if (!set->compiled)
		sigma_set_compile(set);
	if (++set->epoch == 0) {
		if (set->npflits > 0)
			memset(set->pffound, 0, set->npflits *
			    sizeof(*set->pffound));
		if (set->npft > 0)
			memset(set->pfscanned, 0, set->npft *
			    sizeof(*set->pfscanned));
		if (set->nrpass > 0)
			memset(set->rpass, 0, set->nrpass *
			    sizeof(*set->rpass));
		set->epoch = 1;
	}
	for (i = 0; i < set->nls; i++) {
		if (set->nbucket[i] == 0)
			continue;
		r = set->bucket[i][0];
		if (!sigma_ls_match(r->det->ls, se))
			continue;
		for (j = 0; j < set->nbucket[i]; j++) {
			r = set->bucket[i][j];
			/* loaded detection rules only (the index) */
			if (!pf_pass(set, r, se)) {
				r->stats.prefiltered++;
				continue;
			}
			if (rule_eval(r, se)) {
				hits++;
				if (hit != NULL)
					hit(r, arg);
			}
		}
	}
	return (hits);
}

/*
 * Why the rule matches the event or not, as JSON: the logsource, the
 * prefilter, each search with each field's value and verdict, and the
 * condition's result.  0, or -1 when the rule is not loaded.
 */
int
sigma_explain(const struct sigma_rule *r, struct sigma_event *se,
    json_t **out)
{
	json_t		*j, *searches, *lits;
	size_t		 i;
	int		 ls, pre, rv = 0, filtered = 0;
	char		 nbuf[SIGMA_REASON_LEN];

	*out = NULL;
	if ((j = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	json_object_set_new(j, "title", json_string(r->title ? r->title :
	    ""));
	if (r->id != NULL)
		json_object_set_new(j, "id", json_string(r->id));
	json_object_set_new(j, "state", json_string(
	    sigma_state_name(r->state)));
	if (r->state != SIGMA_LOADED || r->det == NULL) {
		json_object_set_new(j, "reason", json_string(r->state ==
		    SIGMA_LOADED ? "not a detection rule" : r->reason));
		*out = j;
		return (-1);
	}
	ls = r->det->ls == NULL || sigma_ls_match(r->det->ls, se);
	json_object_set_new(j, "logsource", json_pack("{s:s, s:b}", "entry",
	    r->det->ls ? sigma_ls_name(r->det->ls) : "", "matched", ls));
	pre = lits_pass(r->det, se);
	if ((lits = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	for (i = 0; i < r->det->nlits; i++)
		json_array_append_new(lits, json_pack("{s:s, s:o}", "column",
		    sigma_target_name(&r->det->lits[i].fm->t[0], nbuf,
		    sizeof(nbuf)), "literal", jstrn((const char *)
		    r->det->lits[i].s, r->det->lits[i].len)));
	json_object_set_new(j, "prefilter", json_pack("{s:o, s:b}",
	    "literals", lits, "passed", pre));
	if ((searches = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	rv = detect_eval(r->det, se, searches, &filtered);
	json_object_set_new(j, "searches", searches);
	json_object_set_new(j, "condition", json_string(r->condition ?
	    r->condition : ""));
	json_object_set_new(j, "condition_result", json_boolean(rv ||
	    filtered));
	json_object_set_new(j, "filtered", json_boolean(filtered));
	json_object_set_new(j, "matched", json_boolean(ls && rv));
	*out = j;
	return (0);
}
