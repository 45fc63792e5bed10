/*
 * Sigma conditions: the tokenizer, a recursive-descent parser whose
 * depth is bounded by SIGMA_COND_DEPTH, and the tree it builds.
 *
 *	expr	:= and { "or" and }
 *	and	:= not { "and" not }
 *	not	:= "not" not | of
 *	of	:= ( N | "any" | "all" ) "of" ( pattern | "them" ) | primary
 *	primary	:= "(" expr ")" | identifier
 *
 * Keywords are matched without case.  Patterns use '*' at any
 * position; "them" leaves out identifiers that start with '_'.  The
 * obsolete v1 aggregations ("| count() by x > 5", "near") are refused
 * with the reason the correlation engineer will look for.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../privsep/log.h"
#include "sigma.h"

#define COND_V1_REASON	"v1 aggregation (count/near) is not supported; " \
			"use a correlation rule"

enum cond_op {
	COND_SEARCH,
	COND_AND,
	COND_OR,
	COND_NOT,
	COND_OF
};

struct cond_node {
	enum cond_op	 op;
	size_t		 idx;		/* COND_SEARCH */
	size_t		 atleast;	/* COND_OF */
	int		 all;		/* COND_OF: "all of" */
	size_t		*kids;		/* node indices */
	size_t		 nkids;
};

struct sigma_cond {
	struct cond_node *nodes;
	size_t		 nnodes;
	size_t		 root;
	const char *const *names;	/* only while parsing */
	size_t		 nnames;
};

enum tok_type {
	TOK_END,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_AND,
	TOK_OR,
	TOK_NOT,
	TOK_OF,
	TOK_ALL,
	TOK_ANY,
	TOK_THEM,
	TOK_NUMBER,
	TOK_IDENT,
	TOK_PIPE,
	TOK_NEAR
};

struct cond_parser {
	struct sigma_cond *c;
	const char	*s;
	size_t		 len;
	size_t		 pos;
	enum tok_type	 tok;
	const char	*tp;		/* token text */
	size_t		 tlen;
	int		 depth;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static void	 cp_error(struct cond_parser *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static void	 cp_next(struct cond_parser *);
static int	 cp_node(struct cond_parser *, enum cond_op, size_t *);
static int	 cp_addkid(struct cond_parser *, size_t, size_t);
static int	 cp_expr(struct cond_parser *, size_t *);
static int	 cp_and(struct cond_parser *, size_t *);
static int	 cp_not(struct cond_parser *, size_t *);
static int	 cp_of(struct cond_parser *, size_t *);
static int	 cp_primary(struct cond_parser *, size_t *);
static int	 cp_binary(struct cond_parser *, enum tok_type, enum cond_op,
		    int (*)(struct cond_parser *, size_t *), size_t *);
static int	 ident_char(int);
static int	 pattern_match(const char *, size_t, const char *);
static int	 eval_node(const struct sigma_cond *, size_t,
		    int (*)(void *, size_t), void *, int);
static int	 format_node(const struct sigma_cond *, size_t, char *, size_t,
		    size_t *, int);
static size_t	 required_node(const struct sigma_cond *, size_t,
		    unsigned int (*)(void *, size_t), void *, size_t *, size_t,
		    unsigned int *, int);

static void
cp_error(struct cond_parser *p, const char *fmt, ...)
{
	va_list	 ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static int
ident_char(int ch)
{
	return (isalnum(ch) || ch == '_' || ch == '-' || ch == '.' ||
	    ch == '*' || ch == '?' || ch >= 0x80);
}

static void
cp_next(struct cond_parser *p)
{
	const char	*s = p->s;
	size_t		 start;
	static const struct {
		const char	*word;
		enum tok_type	 tok;
	} words[] = {
		{ "and", TOK_AND }, { "or", TOK_OR }, { "not", TOK_NOT },
		{ "of", TOK_OF }, { "all", TOK_ALL }, { "any", TOK_ANY },
		{ "them", TOK_THEM }, { "near", TOK_NEAR }
	};
	size_t		 i;

	while (p->pos < p->len && isspace((unsigned char)s[p->pos]))
		p->pos++;
	p->tp = s + p->pos;
	p->tlen = 0;
	if (p->pos >= p->len) {
		p->tok = TOK_END;
		return;
	}
	switch (s[p->pos]) {
	case '(':
		p->tok = TOK_LPAREN;
		p->pos++;
		p->tlen = 1;
		return;
	case ')':
		p->tok = TOK_RPAREN;
		p->pos++;
		p->tlen = 1;
		return;
	case '|':
		p->tok = TOK_PIPE;
		p->pos++;
		p->tlen = 1;
		return;
	}
	start = p->pos;
	while (p->pos < p->len && ident_char((unsigned char)s[p->pos]))
		p->pos++;
	p->tlen = p->pos - start;
	if (p->tlen == 0) {
		cp_error(p, "condition: unexpected character '%c' at "
		    "offset %zu", isprint((unsigned char)s[start]) ?
		    s[start] : '?', start);
		p->tok = TOK_END;
		return;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == p->tlen &&
		    strncasecmp(words[i].word, p->tp, p->tlen) == 0) {
			p->tok = words[i].tok;
			return;
		}
	for (i = 0; i < p->tlen; i++)
		if (!isdigit((unsigned char)p->tp[i]))
			break;
	p->tok = i == p->tlen ? TOK_NUMBER : TOK_IDENT;
}

static int
cp_node(struct cond_parser *p, enum cond_op op, size_t *out)
{
	struct sigma_cond	*c = p->c;
	struct cond_node	*n;

	if (c->nnodes >= SIGMA_COND_NODES) {
		cp_error(p, "condition: more than %d terms",
		    SIGMA_COND_NODES);
		return (-1);
	}
	n = reallocarray(c->nodes, c->nnodes + 1, sizeof(*n));
	if (n == NULL)
		fatal("%s: reallocarray", __func__);
	c->nodes = n;
	n = &c->nodes[c->nnodes];
	memset(n, 0, sizeof(*n));
	n->op = op;
	*out = c->nnodes++;
	return (0);
}

static int
cp_addkid(struct cond_parser *p, size_t parent, size_t kid)
{
	struct cond_node	*n = &p->c->nodes[parent];
	size_t			*k;

	if ((k = reallocarray(n->kids, n->nkids + 1, sizeof(*k))) == NULL)
		fatal("%s: reallocarray", __func__);
	n->kids = k;
	n->kids[n->nkids++] = kid;
	return (0);
}

/* Left-associative n-ary operator: one node for "a and b and c". */
static int
cp_binary(struct cond_parser *p, enum tok_type tok, enum cond_op op,
    int (*sub)(struct cond_parser *, size_t *), size_t *out)
{
	size_t	 first, next, node;

	if (sub(p, &first) == -1)
		return (-1);
	if (p->tok != tok) {
		*out = first;
		return (0);
	}
	if (cp_node(p, op, &node) == -1)
		return (-1);
	cp_addkid(p, node, first);
	while (p->tok == tok) {
		cp_next(p);
		if (sub(p, &next) == -1)
			return (-1);
		cp_addkid(p, node, next);
	}
	*out = node;
	return (0);
}

static int
cp_expr(struct cond_parser *p, size_t *out)
{
	return (cp_binary(p, TOK_OR, COND_OR, cp_and, out));
}

static int
cp_and(struct cond_parser *p, size_t *out)
{
	return (cp_binary(p, TOK_AND, COND_AND, cp_not, out));
}

static int
cp_not(struct cond_parser *p, size_t *out)
{
	size_t	 node, kid;

	if (p->tok != TOK_NOT)
		return (cp_of(p, out));
	if (++p->depth > SIGMA_COND_DEPTH) {
		cp_error(p, "condition: nested deeper than %d",
		    SIGMA_COND_DEPTH);
		return (-1);
	}
	cp_next(p);
	if (cp_not(p, &kid) == -1)
		return (-1);
	p->depth--;
	if (cp_node(p, COND_NOT, &node) == -1)
		return (-1);
	cp_addkid(p, node, kid);
	*out = node;
	return (0);
}

static int
cp_of(struct cond_parser *p, size_t *out)
{
	struct sigma_cond	*c = p->c;
	char			 pat[SIGMA_MAX_COND + 1];
	const char		*errpat;
	size_t			 node, kid, i, atleast = 1;
	long			 n;
	int			 all = 0, them = 0;

	switch (p->tok) {
	case TOK_ALL:
		all = 1;
		break;
	case TOK_ANY:
		break;
	case TOK_NUMBER:
		if (p->tlen > 4) {
			cp_error(p, "condition: count %.*s too large",
			    (int)p->tlen, p->tp);
			return (-1);
		}
		memcpy(pat, p->tp, p->tlen);
		pat[p->tlen] = '\0';
		n = strtol(pat, NULL, 10);
		if (n < 1) {
			cp_error(p, "condition: \"%s of\" needs a count of at "
			    "least 1", pat);
			return (-1);
		}
		atleast = (size_t)n;
		break;
	default:
		return (cp_primary(p, out));
	}
	cp_next(p);
	if (p->tok != TOK_OF) {
		cp_error(p, "condition: expected \"of\" at offset %zu",
		    (size_t)(p->tp - p->s));
		return (-1);
	}
	cp_next(p);
	if (p->tok == TOK_THEM) {
		them = 1;
		errpat = "them";
	} else if (p->tok == TOK_IDENT || p->tok == TOK_NUMBER) {
		memcpy(pat, p->tp, p->tlen);
		pat[p->tlen] = '\0';
		errpat = pat;
	} else {
		cp_error(p, "condition: expected a pattern or \"them\" after "
		    "\"of\" at offset %zu", (size_t)(p->tp - p->s));
		return (-1);
	}
	if (cp_node(p, COND_OF, &node) == -1)
		return (-1);
	for (i = 0; i < c->nnames; i++) {
		if (them ? c->names[i][0] == '_' :
		    !pattern_match(c->names[i], strlen(c->names[i]), pat))
			continue;
		if (cp_node(p, COND_SEARCH, &kid) == -1)
			return (-1);
		c->nodes[kid].idx = i;
		cp_addkid(p, node, kid);
	}
	if (c->nodes[node].nkids == 0) {
		cp_error(p, "condition: \"%s\" matches no search identifier",
		    errpat);
		return (-1);
	}
	c->nodes[node].all = all;
	c->nodes[node].atleast = all ? c->nodes[node].nkids : atleast;
	cp_next(p);
	*out = node;
	return (0);
}

static int
cp_primary(struct cond_parser *p, size_t *out)
{
	struct sigma_cond	*c = p->c;
	size_t			 i, node;

	switch (p->tok) {
	case TOK_LPAREN:
		if (++p->depth > SIGMA_COND_DEPTH) {
			cp_error(p, "condition: nested deeper than %d",
			    SIGMA_COND_DEPTH);
			return (-1);
		}
		cp_next(p);
		if (cp_expr(p, out) == -1)
			return (-1);
		if (p->tok != TOK_RPAREN) {
			cp_error(p, "condition: missing ')' at offset %zu",
			    (size_t)(p->tp - p->s));
			return (-1);
		}
		p->depth--;
		cp_next(p);
		return (0);
	case TOK_IDENT:
	case TOK_NUMBER:
		if (memchr(p->tp, '*', p->tlen) != NULL) {
			cp_error(p, "condition: pattern '%.*s' needs \"1 of\" "
			    "or \"all of\"", (int)p->tlen, p->tp);
			return (-1);
		}
		for (i = 0; i < c->nnames; i++)
			if (strlen(c->names[i]) == p->tlen &&
			    memcmp(c->names[i], p->tp, p->tlen) == 0)
				break;
		if (i == c->nnames) {
			cp_error(p, "condition: unknown search identifier "
			    "'%.*s'", (int)(p->tlen > 64 ? 64 : p->tlen),
			    p->tp);
			return (-1);
		}
		if (cp_node(p, COND_SEARCH, &node) == -1)
			return (-1);
		c->nodes[node].idx = i;
		cp_next(p);
		*out = node;
		return (0);
	case TOK_PIPE:
	case TOK_NEAR:
		cp_error(p, "%s", COND_V1_REASON);
		return (-1);
	case TOK_END:
		cp_error(p, "condition: unexpected end");
		return (-1);
	default:
		cp_error(p, "condition: unexpected '%.*s' at offset %zu",
		    (int)(p->tlen > 64 ? 64 : p->tlen), p->tp,
		    (size_t)(p->tp - p->s));
		return (-1);
	}
}

/* Glob with '*' only: does name match pattern? */
static int
pattern_match(const char *name, size_t nlen, const char *pat)
{
	size_t	 n = 0, p = 0, star = SIZE_MAX, mark = 0;
	size_t	 plen = strlen(pat);

	while (n < nlen) {
		if (p < plen && pat[p] == '*') {
			star = p++;
			mark = n;
		} else if (p < plen && pat[p] == name[n]) {
			p++;
			n++;
		} else if (star != SIZE_MAX) {
			p = star + 1;
			n = ++mark;
		} else
			return (0);
	}
	while (p < plen && pat[p] == '*')
		p++;
	return (p == plen);
}

struct sigma_cond *
sigma_cond_parse(const char *s, size_t len, const char *const *names,
    size_t nnames, char *err, size_t errlen)
{
	struct cond_parser	 p;
	struct sigma_cond	*c;
	size_t			 root;

	if (len > SIGMA_MAX_COND) {
		snprintf(err, errlen, "condition longer than %d bytes",
		    SIGMA_MAX_COND);
		return (NULL);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s: calloc", __func__);
	c->names = names;
	c->nnames = nnames;
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.s = s;
	p.len = len;
	p.err = err;
	p.errlen = errlen;
	cp_next(&p);
	if (!p.failed && p.tok == TOK_END)
		cp_error(&p, "condition is empty");
	if (!p.failed && cp_expr(&p, &root) == 0 && !p.failed) {
		if (p.tok == TOK_PIPE || p.tok == TOK_NEAR)
			cp_error(&p, "%s", COND_V1_REASON);
		else if (p.tok != TOK_END)
			cp_error(&p, "condition: unexpected '%.*s' at offset "
			    "%zu", (int)(p.tlen > 64 ? 64 : p.tlen), p.tp,
			    (size_t)(p.tp - s));
	}
	if (p.failed) {
		sigma_cond_free(c);
		return (NULL);
	}
	c->root = root;
	c->names = NULL;
	c->nnames = 0;
	return (c);
}

/* The OR of several conditions (a condition list); takes them over. */
struct sigma_cond *
sigma_cond_or(struct sigma_cond **list, size_t n)
{
	struct sigma_cond	*c;
	struct cond_node	*nd;
	size_t			 i, j, k, base, total = 1;

	if (n == 1)
		return (list[0]);
	for (i = 0; i < n; i++)
		total += list[i]->nnodes;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->nodes = calloc(total, sizeof(*c->nodes))) == NULL)
		fatal("%s: calloc", __func__);
	c->nodes[0].op = COND_OR;
	if ((c->nodes[0].kids = calloc(n, sizeof(size_t))) == NULL)
		fatal("%s: calloc", __func__);
	c->nnodes = 1;
	for (i = 0; i < n; i++) {
		base = c->nnodes;
		for (j = 0; j < list[i]->nnodes; j++) {
			nd = &c->nodes[c->nnodes++];
			*nd = list[i]->nodes[j];
			for (k = 0; k < nd->nkids; k++)
				nd->kids[k] += base;
		}
		c->nodes[0].kids[c->nodes[0].nkids++] = base + list[i]->root;
		free(list[i]->nodes);
		free(list[i]);
	}
	c->root = 0;
	return (c);
}

void
sigma_cond_free(struct sigma_cond *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nnodes; i++)
		free(c->nodes[i].kids);
	free(c->nodes);
	free(c);
}

/* Recursion is bounded: the parser refused deeper nesting. */
static int
eval_node(const struct sigma_cond *c, size_t i,
    int (*search)(void *, size_t), void *arg, int depth)
{
	const struct cond_node	*n = &c->nodes[i];
	size_t			 k, hits;

	if (depth > 2 * SIGMA_COND_DEPTH + 4)
		return (0);
	switch (n->op) {
	case COND_SEARCH:
		return (search(arg, n->idx) ? 1 : 0);
	case COND_NOT:
		return (!eval_node(c, n->kids[0], search, arg, depth + 1));
	case COND_AND:
		for (k = 0; k < n->nkids; k++)
			if (!eval_node(c, n->kids[k], search, arg, depth + 1))
				return (0);
		return (1);
	case COND_OR:
		for (k = 0; k < n->nkids; k++)
			if (eval_node(c, n->kids[k], search, arg, depth + 1))
				return (1);
		return (0);
	case COND_OF:
		for (k = 0, hits = 0; k < n->nkids; k++) {
			if (eval_node(c, n->kids[k], search, arg, depth + 1))
				hits++;
			if (hits >= n->atleast)
				return (1);
			/* not enough kids left to reach the count */
			if (hits + (n->nkids - k - 1) < n->atleast)
				return (0);
		}
		return (0);
	}
	return (0);
}

int
sigma_cond_eval(const struct sigma_cond *c, int (*search)(void *, size_t),
    void *arg)
{
	if (c == NULL || c->nnodes == 0)
		return (0);
	return (eval_node(c, c->root, search, arg, 0));
}

static int
format_node(const struct sigma_cond *c, size_t i, char *buf, size_t size,
    size_t *off, int depth)
{
	const struct cond_node	*n = &c->nodes[i];
	const char		*op = NULL;
	size_t			 k;
	int			 w;

#define EMIT(...) do {							\
	w = snprintf(buf + *off, *off < size ? size - *off : 0,		\
	    __VA_ARGS__);						\
	if (w < 0)							\
		return (-1);						\
	*off += w;							\
	if (*off >= size)						\
		*off = size;						\
} while (0)

	if (depth > 2 * SIGMA_COND_DEPTH + 4)
		return (-1);
	switch (n->op) {
	case COND_SEARCH:
		EMIT("#%zu", n->idx);
		return (0);
	case COND_NOT:
		op = "not";
		break;
	case COND_AND:
		op = "and";
		break;
	case COND_OR:
		op = "or";
		break;
	case COND_OF:
		if (n->all)
			EMIT("(all-of");
		else
			EMIT("(%zu-of", n->atleast);
		break;
	}
	if (op != NULL)
		EMIT("(%s", op);
	for (k = 0; k < n->nkids; k++) {
		EMIT(" ");
		if (format_node(c, n->kids[k], buf, size, off, depth + 1) == -1)
			return (-1);
	}
	EMIT(")");
	return (0);
#undef EMIT
}

/*
 * "(and #0 (not #1))": searches by index.  -1 when buf is too small.
 */
int
sigma_cond_format(const struct sigma_cond *c, char *buf, size_t size)
{
	size_t	 off = 0;

	if (size == 0)
		return (-1);
	buf[0] = '\0';
	if (c == NULL || c->nnodes == 0)
		return (-1);
	if (format_node(c, c->root, buf, size, &off, 0) == -1 ||
	    off >= size)
		return (-1);
	return (0);
}

/*
 * The searches of one alternative set: every way for the node to be
 * true makes one of them true.  *score is the weakest member's score;
 * 0 means no usable set.
 */
static size_t
required_node(const struct sigma_cond *c, size_t i,
    unsigned int (*score)(void *, size_t), void *arg, size_t *out,
    size_t max, unsigned int *sc, int depth)
{
	const struct cond_node	*n = &c->nodes[i];
	size_t			 k, cnt, total = 0, best = 0;
	unsigned int		 s, bestsc = 0;
	size_t			 tmp[64], save[64];

	*sc = 0;
	if (depth > 2 * SIGMA_COND_DEPTH + 4 || max > 64)
		return (0);
	switch (n->op) {
	case COND_SEARCH:
		if (max < 1 || (*sc = score(arg, n->idx)) == 0)
			return (0);
		out[0] = n->idx;
		return (1);
	case COND_NOT:
		return (0);
	case COND_OF:
		if (n->atleast < n->nkids)
			goto any;
		/* FALLTHROUGH */
	case COND_AND:
		for (k = 0; k < n->nkids; k++) {
			cnt = required_node(c, n->kids[k], score, arg, tmp,
			    max, &s, depth + 1);
			if (cnt > 0 && s > bestsc) {
				bestsc = s;
				best = cnt;
				memcpy(save, tmp, cnt * sizeof(*tmp));
			}
		}
		if (best == 0)
			return (0);
		memcpy(out, save, best * sizeof(*save));
		*sc = bestsc;
		return (best);
	case COND_OR:
 any:
		bestsc = UINT32_MAX;
		for (k = 0; k < n->nkids; k++) {
			cnt = required_node(c, n->kids[k], score, arg,
			    out + total, max - total, &s, depth + 1);
			if (cnt == 0)
				return (0);
			total += cnt;
			if (s < bestsc)
				bestsc = s;
		}
		*sc = bestsc;
		return (total);
	}
	return (0);
}

size_t
sigma_cond_required(const struct sigma_cond *c,
    unsigned int (*score)(void *, size_t), void *arg, size_t *out,
    size_t max)
{
	unsigned int	 sc;
	size_t		 n;

	if (c == NULL || c->nnodes == 0)
		return (0);
	if (max > 64)
		max = 64;
	n = required_node(c, c->root, score, arg, out, max, &sc, 0);
	return (sc == 0 ? 0 : n);
}
