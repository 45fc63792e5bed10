/*
 * The syslog stream framer: LF and CRLF lines, octet counting, both
 * mixed on one stream, every split of the input, oversize messages
 * and lying length fields, malformed counts, empty lines, NUL bytes.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framing.h"
#include "test.h"

#define MAXREC	64

struct rec {
	char	*data;
	size_t	 len;
	int	 truncated;
};

struct got {
	struct rec	 r[MAXREC];
	int		 n;
	int		 overflow;
};

static void	 got_cb(const char *, size_t, int, void *);
static void	 got_clear(struct got *);
static int	 got_same(const struct got *, const struct got *);
static int	 feed_chunks(struct framer *, const char *, size_t, size_t,
		    struct got *);
static int	 rec_is(const struct got *, int, const char *, int);

static void
got_cb(const char *p, size_t len, int truncated, void *arg)
{
	struct got	*g = arg;

	if (g->n >= MAXREC) {
		g->overflow = 1;
		return;
	}
	if ((g->r[g->n].data = malloc(len + 1)) == NULL)
		abort();
	memcpy(g->r[g->n].data, p, len);
	g->r[g->n].data[len] = '\0';
	g->r[g->n].len = len;
	g->r[g->n].truncated = truncated;
	g->n++;
}

static void
got_clear(struct got *g)
{
	int	 i;

	for (i = 0; i < g->n; i++)
		free(g->r[i].data);
	memset(g, 0, sizeof(*g));
}

static int
got_same(const struct got *a, const struct got *b)
{
	int	 i;

	if (a->n != b->n || a->overflow || b->overflow)
		return (0);
	for (i = 0; i < a->n; i++)
		if (a->r[i].len != b->r[i].len ||
		    a->r[i].truncated != b->r[i].truncated ||
		    memcmp(a->r[i].data, b->r[i].data, a->r[i].len) != 0)
			return (0);
	return (1);
}

/* Record i is exactly s (a C string) with this truncation flag. */
static int
rec_is(const struct got *g, int i, const char *s, int truncated)
{
	if (i >= g->n)
		return (0);
	return (g->r[i].len == strlen(s) &&
	    memcmp(g->r[i].data, s, g->r[i].len) == 0 &&
	    g->r[i].truncated == truncated);
}

static int
feed_chunks(struct framer *f, const char *p, size_t len, size_t chunk,
    struct got *g)
{
	size_t	 n;

	while (len > 0) {
		n = len < chunk ? len : chunk;
		if (framer_feed(f, p, n, got_cb, g) == -1)
			return (-1);
		p += n;
		len -= n;
	}
	return (0);
}

/* Whole input at once, then fed in every chunk size and every split. */
static void
check_splits(const char *in, size_t len, size_t maxmsg)
{
	struct framer	 f;
	struct got	 whole, part;
	size_t		 chunk, cut;

	memset(&whole, 0, sizeof(whole));
	memset(&part, 0, sizeof(part));
	framer_init(&f, maxmsg);
	CHECK(framer_feed(&f, in, len, got_cb, &whole) == 0);
	CHECK(framer_finish(&f, got_cb, &whole) == 0);
	framer_free(&f);

	for (chunk = 1; chunk <= len; chunk++) {
		framer_init(&f, maxmsg);
		CHECK(feed_chunks(&f, in, len, chunk, &part) == 0);
		CHECK(framer_finish(&f, got_cb, &part) == 0);
		if (!got_same(&whole, &part)) {
			printf("# chunk size %zu differs\n", chunk);
			CHECK(got_same(&whole, &part));
		}
		framer_free(&f);
		got_clear(&part);
	}
	for (cut = 0; cut <= len; cut++) {
		framer_init(&f, maxmsg);
		CHECK(framer_feed(&f, in, cut, got_cb, &part) == 0);
		CHECK(framer_feed(&f, in + cut, len - cut, got_cb,
		    &part) == 0);
		CHECK(framer_finish(&f, got_cb, &part) == 0);
		if (!got_same(&whole, &part)) {
			printf("# split at %zu differs\n", cut);
			CHECK(got_same(&whole, &part));
		}
		framer_free(&f);
		got_clear(&part);
	}
	got_clear(&whole);
}

static struct framer	 F;
static struct got	 G;

static void
run(const char *in, size_t len, size_t maxmsg)
{
	got_clear(&G);
	framer_free(&F);
	framer_init(&F, maxmsg);
	CHECK(framer_feed(&F, in, len, got_cb, &G) == 0);
}

#define RUN(s, max)	run((s), sizeof(s) - 1, (max))

int
main(void)
{
	struct framer	 f;
	char		*big;
	size_t		 left, n, maxcap;
	static const char mixed[] =
	    "5 hellofoo\r\n3 abc\nbar\n\n12 twelve bytes"
	    "0 zero\nx\r\r\n9 a\nb\r\nc\r\n\n";

	TEST_BEGIN("lf-lines");
	RUN("a\nbb\nccc\n", 1024);
	CHECK_INT(G.n, 3);
	CHECK(rec_is(&G, 0, "a", 0));
	CHECK(rec_is(&G, 1, "bb", 0));
	CHECK(rec_is(&G, 2, "ccc", 0));
	CHECK_INT(F.framing_errors, 0);
	TEST_END();

	TEST_BEGIN("lf-partial-waits");
	RUN("abc\ndef", 1024);
	CHECK_INT(G.n, 1);
	CHECK(framer_feed(&F, "\n", 1, got_cb, &G) == 0);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 1, "def", 0));
	TEST_END();

	TEST_BEGIN("crlf-lines");
	RUN("a\r\nb\r\n", 1024);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "a", 0));
	CHECK(rec_is(&G, 1, "b", 0));
	TEST_END();

	TEST_BEGIN("bad-cr-inside-kept");
	RUN("a\rb\nc\r\r\n", 1024);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "a\rb", 0));
	CHECK(rec_is(&G, 1, "c\r", 0));
	TEST_END();

	TEST_BEGIN("cr-held-across-reads");
	RUN("ab\r", 1024);
	CHECK(framer_feed(&F, "c\nde\r", 5, got_cb, &G) == 0);
	CHECK(framer_feed(&F, "\n", 1, got_cb, &G) == 0);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "ab\rc", 0));
	CHECK(rec_is(&G, 1, "de", 0));
	TEST_END();

	TEST_BEGIN("octet-counting");
	RUN("5 hello3 abc11 hello world", 1024);
	CHECK_INT(G.n, 3);
	CHECK(rec_is(&G, 0, "hello", 0));
	CHECK(rec_is(&G, 1, "abc", 0));
	CHECK(rec_is(&G, 2, "hello world", 0));
	CHECK_INT(F.framing_errors, 0);
	TEST_END();

	TEST_BEGIN("octet-counting-keeps-lf-and-cr");
	RUN("7 ab\r\ncd\n", 1024);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "ab\r\ncd\n", 0));
	TEST_END();

	TEST_BEGIN("octet-counting-partial-waits");
	RUN("10 0123", 1024);
	CHECK_INT(G.n, 0);
	CHECK(framer_feed(&F, "456789", 6, got_cb, &G) == 0);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "0123456789", 0));
	TEST_END();

	TEST_BEGIN("mixed-framing");
	RUN("5 hellofoo\n3 abc\nbar\n", 1024);
	CHECK_INT(G.n, 4);
	CHECK(rec_is(&G, 0, "hello", 0));
	CHECK(rec_is(&G, 1, "foo", 0));
	CHECK(rec_is(&G, 2, "abc", 0));
	CHECK(rec_is(&G, 3, "bar", 0));
	CHECK_INT(F.framing_errors, 0);
	TEST_END();

	TEST_BEGIN("split-at-every-byte");
	check_splits(mixed, sizeof(mixed) - 1, 1024);
	check_splits(mixed, sizeof(mixed) - 1, 4);
	check_splits(mixed, sizeof(mixed) - 1, 1);
	check_splits("0123456789\r\nabcdefgh\r\n12 123456789012x\n",
	    36, 8);
	TEST_END();

	TEST_BEGIN("bad-oversize-line-truncated");
	RUN("0123456789abc\nnext\n", 8);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "01234567", 1));
	CHECK(rec_is(&G, 1, "next", 0));
	CHECK_INT(F.truncated, 1);
	TEST_END();

	TEST_BEGIN("bad-oversize-line-across-reads");
	RUN("012345", 8);
	CHECK(framer_feed(&F, "6789", 4, got_cb, &G) == 0);
	CHECK_INT(G.n, 1);		/* the head goes out at once */
	CHECK(rec_is(&G, 0, "01234567", 1));
	CHECK(framer_feed(&F, "more junk", 9, got_cb, &G) == 0);
	CHECK(framer_feed(&F, "\nnext\n", 6, got_cb, &G) == 0);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 1, "next", 0));
	CHECK_INT(F.truncated, 1);
	TEST_END();

	TEST_BEGIN("line-of-exactly-maxmsg");
	RUN("01234567\n01234567\r\n", 8);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "01234567", 0));
	CHECK(rec_is(&G, 1, "01234567", 0));
	CHECK_INT(F.truncated, 0);
	RUN("01234567\r", 8);
	CHECK(framer_feed(&F, "\n", 1, got_cb, &G) == 0);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "01234567", 0));
	RUN("01234567\r", 8);
	CHECK(framer_feed(&F, "x\nok\n", 5, got_cb, &G) == 0);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "01234567", 1));
	CHECK(rec_is(&G, 1, "ok", 0));
	TEST_END();

	TEST_BEGIN("octets-of-exactly-maxmsg");
	RUN("8 abcdefgh9 abcdefghi2 ok", 8);
	CHECK_INT(G.n, 3);
	CHECK(rec_is(&G, 0, "abcdefgh", 0));
	CHECK(rec_is(&G, 1, "abcdefgh", 1));
	CHECK(rec_is(&G, 2, "ok", 0));
	CHECK_INT(F.truncated, 1);
	TEST_END();

	TEST_BEGIN("bad-octet-count-99999999");
	/* a huge claim: no huge buffer, the head delivered, recovery */
	if ((big = malloc(65536)) == NULL)
		abort();
	memset(big, 'x', 65536);
	RUN("99999999 ", 16);
	maxcap = 0;
	for (left = 99999999; left > 0; left -= n) {
		n = left < 65536 ? left : 65536;
		CHECK(framer_feed(&F, big, n, got_cb, &G) == 0);
		if (F.cap > maxcap)
			maxcap = F.cap;
		if (G.n > 1)
			break;
	}
	CHECK(maxcap <= 16);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "xxxxxxxxxxxxxxxx", 1));
	CHECK(framer_feed(&F, "5 hello", 7, got_cb, &G) == 0);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 1, "hello", 0));
	CHECK_INT(F.truncated, 1);
	free(big);
	TEST_END();

	TEST_BEGIN("bad-octet-count-short-stream");
	/* the sender claims more than it sends, then hangs up */
	RUN("99999999 only this", 1024);
	CHECK_INT(G.n, 0);
	CHECK(framer_finish(&F, got_cb, &G) == 0);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "only this", 1));
	CHECK_INT(F.framing_errors, 1);
	CHECK_INT(F.truncated, 0);
	TEST_END();

	TEST_BEGIN("bad-length-non-digit");
	RUN("12a foo\nnext\n", 1024);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "12a foo", 0));
	CHECK(rec_is(&G, 1, "next", 0));
	CHECK_INT(F.framing_errors, 1);
	TEST_END();

	TEST_BEGIN("bad-length-too-many-digits");
	RUN("1234567890 x\n5 hello", 1024);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "1234567890 x", 0));
	CHECK(rec_is(&G, 1, "hello", 0));
	CHECK_INT(F.framing_errors, 1);
	TEST_END();

	TEST_BEGIN("bad-length-digits-then-lf");
	RUN("5\nabc\n2024-01-01 host app: hi\n", 1024);
	CHECK_INT(G.n, 3);
	CHECK(rec_is(&G, 0, "5", 0));
	CHECK(rec_is(&G, 1, "abc", 0));
	CHECK(rec_is(&G, 2, "2024-01-01 host app: hi", 0));
	CHECK_INT(F.framing_errors, 2);
	TEST_END();

	TEST_BEGIN("bad-length-longer-than-maxmsg");
	/* the digits alone overflow a tiny maxmsg */
	RUN("123456789x\nok\n", 4);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "1234", 1));
	CHECK(rec_is(&G, 1, "ok", 0));
	TEST_END();

	TEST_BEGIN("zero-is-not-a-count");
	RUN("0 abc\n", 1024);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "0 abc", 0));
	CHECK_INT(F.framing_errors, 0);
	TEST_END();

	TEST_BEGIN("nine-digit-count-accepted");
	RUN("100000000 abc", 1024);
	CHECK_INT(G.n, 0);
	CHECK_INT(F.state, FRAMER_OCTETS);
	CHECK_INT(F.want, 100000000 - 3);
	CHECK_INT(F.framing_errors, 0);
	TEST_END();

	TEST_BEGIN("empty-lines-skipped");
	RUN("\n\n\r\n\r\r\na\n\n", 1024);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 0, "\r", 0));
	CHECK(rec_is(&G, 1, "a", 0));
	CHECK_INT(F.empty, 4);
	TEST_END();

	TEST_BEGIN("nul-bytes-kept");
	run("a\0b\n3 \0\0\0\0\n", 12, 1024);
	CHECK_INT(G.n, 3);
	CHECK(G.n == 3 && G.r[0].len == 3 &&
	    memcmp(G.r[0].data, "a\0b", 3) == 0);
	CHECK(G.n == 3 && G.r[1].len == 3 &&
	    memcmp(G.r[1].data, "\0\0\0", 3) == 0);
	CHECK(G.n == 3 && G.r[2].len == 1 && G.r[2].data[0] == '\0');
	TEST_END();

	TEST_BEGIN("finish-partial-line");
	RUN("abc\ndef", 1024);
	CHECK(framer_finish(&F, got_cb, &G) == 0);
	CHECK_INT(G.n, 2);
	CHECK(rec_is(&G, 1, "def", 0));
	RUN("def\r", 1024);
	CHECK(framer_finish(&F, got_cb, &G) == 0);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "def", 0));
	TEST_END();

	TEST_BEGIN("bad-finish-in-digits");
	RUN("12", 1024);
	CHECK(framer_finish(&F, got_cb, &G) == 0);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "12", 0));
	CHECK_INT(F.framing_errors, 1);
	RUN("12 ", 1024);
	CHECK(framer_finish(&F, got_cb, &G) == 0);
	CHECK_INT(G.n, 0);
	CHECK_INT(F.framing_errors, 1);
	TEST_END();

	TEST_BEGIN("buffer-released-when-quiet");
	framer_init(&f, 65536);
	if ((big = malloc(40000)) == NULL)
		abort();
	memset(big, 'y', 40000);
	got_clear(&G);
	CHECK(framer_feed(&f, big, 40000, got_cb, &G) == 0);
	CHECK(f.cap >= 40000 && f.cap <= 65536);
	CHECK(framer_feed(&f, "\n", 1, got_cb, &G) == 0);
	CHECK_INT(G.n, 1);
	CHECK_INT(f.cap, 0);
	framer_free(&f);
	free(big);
	TEST_END();

	TEST_BEGIN("bad-maxmsg-zero-clamped");
	RUN("abc\n", 0);
	CHECK_INT(F.maxmsg, 1);
	CHECK_INT(G.n, 1);
	CHECK(rec_is(&G, 0, "a", 1));
	TEST_END();

	got_clear(&G);
	framer_free(&F);
	TEST_EXIT();
}
