/*
 * Syslog conformance: the vectors other syslog implementations test
 * their parsers with, read at run time from ../shared/corpus (or
 * $SIEMD_CORPUS), run through syslog_parse() and compared field by
 * field with what those projects expect.
 *
 * Suites and what is compared:
 *  rsyslog	parsertest-parse1: PRI, time stamp (3164 only; rsyslog
 *		prints 5424 times in the sender's offset), host, program,
 *		message (rsyslog keeps the space after "tag:").
 *  go-syslog-5424  strict RFC 5424 vectors through syslog_parse_5424():
 *		valid ones field by field including structured data,
 *		invalid ones must be rejected.
 *  go-syslog-3164  PRI, time stamp, host, app, pid, message.
 *  syslog-ng	test_msgparse vectors for the modes siemd has (RFC 5424,
 *		and RFC 3164 with host names expected); the ones that test
 *		syslog-ng options (no header, no parse, no host name,
 *		bad-host-name patterns) are left out.  Its epochs assume
 *		TZ=MET-1METDST and "now" 2019-02-08 (1549615069).
 *
 * A suite passes when every vector passes except the known
 * divergences below, each of which says why siemd differs.  Those are
 * reported, so a vector that starts passing shows up too.
 */

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "normalize.h"
#include "test.h"

#define CONF_NOW	1549615069123000LL	/* syslog-ng's fake now */
#define CONF_TZ		"MET-1METDST"
#define CONF_PATH_MAX	1024
#define CONF_MSG_MAX	(128 * 1024)
#define CONF_USEC	1000000LL

struct known {
	const char	*suite;
	const char	*input;		/* prefix of the vector's input */
	const char	*why;
};

/*
 * Vectors siemd parses differently on purpose.  The input prefixes
 * are long enough to pick one vector each.
 */
static const struct known known[] = {
	{ "rsyslog", "<167>AUG 10 22:18:24 host tag This",
	    "a word without ':' or [pid] is message text, not a tag "
	    "(go-syslog agrees)" },
	{ "rsyslog", "<167>Feb 18 16:01:59 serverX -- MARK --",
	    "\"--\" is no tag: no ':' after it" },
	{ "rsyslog", "Feb 18 16:01:59 serverX -- MARK --",
	    "\"--\" is no tag: no ':' after it" },
	{ "rsyslog", "<6>AUG 10 22:18:24 2009  netips",
	    "a year after the time is a year, not a host name "
	    "(syslog-ng agrees)" },
	{ "rsyslog", "<167>Oct  8 23:05:06 10.321.1.123 05\",result_code",
	    "the extracted expectation is split at the commas inside the "
	    "tag; rsyslog's raw output (tag '05\",result_code=200,b', empty "
	    "message) is what siemd produces" },
	{ "rsyslog", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com "
	    "evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource= ",
	    "SP between '=' and '\"' breaks the SD-PARAM grammar of RFC 5424; "
	    "rsyslog accepts it" },
	{ "go-syslog-5424", "<29>8 2016-01-15T01:00:43Z hn S - - [meta "
	    "escape=\"\\n\"]",
	    "RFC 5424 6.3.3: a backslash before another character is kept "
	    "as it is, not an error" },
	{ "go-syslog-5424", "<1>8 - - - - - - \xef\xbb\xbf",
	    "extraction artifact: the expectation is the six characters "
	    "\\ufeff; the message is a lone BOM, which RFC 5424 6.4 strips" },
	{ "go-syslog-5424", "<1>1 - - - - - - \xef\xbb\xbf\r7FF",
	    "extraction artifact: the expectation spells CR as \\r" },
	{ "go-syslog-5424", "<1>1 - - - - - - \xef\xbb\xbf\xd4\xb0",
	    "extraction artifact: unassigned code points are spelled "
	    "\\uXXXX in the expectation" },
	{ "syslog-ng", "<5>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "evntslog - - [timeQuality isSynced=\"0\"][1234567890",
	    "SD-ID over 32 characters: RFC 5424 SD-NAME is 1*32, so siemd "
	    "rejects it (go-syslog agrees)" },
	{ "syslog-ng", "<132>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "evntslog - - [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa i=",
	    "SD-ID over 32 characters, rejected as RFC 5424 says" },
	{ "syslog-ng", "<132>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "evntslog - - [a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=",
	    "PARAM-NAME over 32 characters, rejected as RFC 5424 says" },
	{ "syslog-ng", "<132>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "evntslog - - [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aaaa",
	    "SD-ID and PARAM-NAME over 32 characters, rejected" },
	{ "syslog-ng", "<132>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "evntslog - - [a i=\"aaaaaaaaaa",
	    "syslog-ng cuts SD values at 255 bytes; siemd keeps them whole" },
	{ "syslog-ng", "<132>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ",
	    "APP-NAME over 48 characters: syslog-ng cuts it, siemd rejects "
	    "it as RFC 5424 says" },
	{ "syslog-ng", "<132>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "evntslog aaaaaaaaaa",
	    "PROCID over 128 characters: syslog-ng cuts it, siemd rejects it" },
	{ "syslog-ng", "<132>1 2006-10-29T01:59:59.156+01:00 mymachine "
	    "evntslog - aaaaaaaaaa",
	    "MSGID over 32 characters: syslog-ng cuts it, siemd rejects it" },
	{ "syslog-ng", "<134>1 2009-10-16T11:51:56 exchange",
	    "RFC 5424 TIMESTAMP needs TIME-OFFSET; syslog-ng assumes local "
	    "time" },
	{ "syslog-ng", "<7>2006-10-29T02:00:00.156+01:00 %bzorp openvpn",
	    "syslog-ng's host name check makes \"%bzorp\" the program; siemd "
	    "drops the host but keeps a colon-less word as message text" },
	{ "syslog-ng", "<190>NOV 22 00:00:33 192.168.33.8-1",
	    "year inference: syslog-ng puts Nov 22 in the current year, nine "
	    "months after \"now\"; siemd takes the last Nov 22 not in the "
	    "future" },
	{ "syslog-ng", "<0>91: *Oct 07 03:10:04: mydevice.com",
	    "year inference, as above (Oct 07 after a February \"now\")" },
	{ "syslog-ng", "<0>Jan 10 01:00:00 prg0",
	    "a single word after the time stamp is the host name (rsyslog); "
	    "syslog-ng takes it for the program" },
	{ "syslog-ng", "some message",
	    "neither PRI nor time stamp: not recognized as syslog, the "
	    "dispatcher keeps it as a plain or parse_error event" },
	{ "syslog-ng", "<7>1 - bzorp openvpn 2499 - - PTHREAD \\xf0(",
	    "invalid UTF-8 becomes U+FFFD in the message (the raw column "
	    "keeps the bytes); syslog-ng writes \\xNN" },
	{ NULL, NULL, NULL }
};

struct suite {
	const char	*name;
	int		 pass;
	int		 total;
	int		 known_fail;
	int		 known_pass;
};

static const char	*corpus;
static char		 why[1024];

static const char *find_known(const char *, const char *, size_t);
static int	 unhex(const char *, char *, size_t);
static json_t	*next_vector(FILE *);
static void	 hint_init(struct record_hint *);
static int	 str_eq(const char *, const char *);
static void	 mismatch(const char *, const char *, const char *);
static int	 cmp_bsd_time(int64_t, const char *, int);
static int	 rfc3339_us(const char *, int64_t *);
static void	 verdict(struct suite *, const char *, const char *, size_t,
		    int);
static void	 report(struct suite *);
static FILE	*open_vectors(const char *);
static void	 suite_rsyslog(void);
static int	 cmp_sd(const json_t *, const json_t *);
static const char *bom_message(const char *, char *, size_t);
static void	 suite_go5424(void);
static void	 suite_go3164(void);
static int	 ng_absent(const json_t *);
static int	 ng_sd_pairs(const struct siem_event *, const json_t *);
static void	 suite_syslogng(void);

static const char *
find_known(const char *suite, const char *in, size_t n)
{
	const struct known	*k;
	size_t			 kl;

	for (k = known; k->suite != NULL; k++) {
		kl = strlen(k->input);
		if (strcmp(k->suite, suite) == 0 && kl <= n &&
		    memcmp(k->input, in, kl) == 0)
			return (k->why);
	}
	return (NULL);
}

static int
unhex(const char *h, char *out, size_t max)
{
	size_t		 n = 0;
	unsigned int	 v;

	while (h[0] != '\0' && h[1] != '\0' && n < max) {
		if (sscanf(h, "%2x", &v) != 1)
			return (-1);
		out[n++] = (char)v;
		h += 2;
	}
	return ((int)n);
}

/* One JSON object per line. */
static json_t *
next_vector(FILE *fp)
{
	static char	*line;
	static size_t	 cap;
	json_error_t	 e;
	ssize_t		 n;

	while ((n = getline(&line, &cap, fp)) != -1) {
		if (n <= 1)
			continue;
		return (json_loadb(line, (size_t)n, 0, &e));
	}
	free(line);
	line = NULL;
	cap = 0;
	return (NULL);
}

static void
hint_init(struct record_hint *h)
{
	memset(h, 0, sizeof(*h));
	h->format = FORMAT_SYSLOG;
	h->source_type = "syslog";
	h->source_offset = -1;
	h->received_at = CONF_NOW;
	h->now = CONF_NOW;
}

/* NULL and "" are the same: absent. */
static int
str_eq(const char *a, const char *b)
{
	if (a == NULL)
		a = "";
	if (b == NULL)
		b = "";
	return (strcmp(a, b) == 0);
}

static void
mismatch(const char *field, const char *got, const char *want)
{
	size_t	 n = strlen(why);

	snprintf(why + n, sizeof(why) - n, "%s%s: got \"%.60s\" want \"%.60s\"",
	    n ? "; " : "", field, got ? got : "", want ? want : "");
}

/* "Mmm dd hh:mm:ss" against ts in local time or UTC. */
static int
cmp_bsd_time(int64_t ts, const char *want, int utc)
{
	static const char	*mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm		 tm;
	time_t			 t = (time_t)(ts / CONF_USEC);
	char			 m[4];
	int			 d, hh, mm, ss;

	if (sscanf(want, "%3s %d %d:%d:%d", m, &d, &hh, &mm, &ss) != 5)
		return (0);
	if (utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	return (strcasecmp(m, mon[tm.tm_mon]) == 0 && d == tm.tm_mday &&
	    hh == tm.tm_hour && mm == tm.tm_min && ss == tm.tm_sec);
}

/* An RFC 3339 time as µs UTC, independently of the parser. */
static int
rfc3339_us(const char *s, int64_t *us)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, se, n = 0, oh, om;
	int64_t		 frac = 0, scale = 100000;
	const char	*p;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &se, &n) != 6)
		return (-1);
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (*p - '0') * scale;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*us = (int64_t)timegm(&tm) * CONF_USEC + frac;
	if (*p == 'Z')
		return (0);
	if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
		return (-1);
	*us -= (int64_t)(*p == '-' ? -1 : 1) * (oh * 3600 + om * 60) *
	    CONF_USEC;
	return (0);
}

static void
verdict(struct suite *s, const char *in, const char *ok_why, size_t n,
    int ok)
{
	const char	*k = find_known(s->name, in, n);

	s->total++;
	if (ok) {
		s->pass++;
		if (k != NULL) {
			s->known_pass++;
			printf("# %s: known divergence now passes: %.70s\n",
			    s->name, in);
		}
		return;
	}
	if (k != NULL) {
		s->known_fail++;
		printf("# %s: known divergence: %.70s -- %s (%s)\n", s->name,
		    in, k, ok_why);
	} else
		printf("# %s: FAILED %.70s -- %s\n", s->name, in, ok_why);
}

static void
report(struct suite *s)
{
	int	 need = s->total - s->known_fail - s->known_pass;

	test_case_name = s->name;
	test_case_failed = 0;

	if (s->total == 0) {
		printf("SKIP conformance/%s: no vectors\n", s->name);
		return;
	}
	if (s->pass - s->known_pass >= need)
		printf("PASS conformance/%s: %d of %d vectors\n", s->name,
		    s->pass, s->total);
	else {
		printf("FAIL conformance/%s: %d of %d vectors, %d expected\n",
		    s->name, s->pass, s->total, s->total - s->known_fail);
		test_case_failed = test_failed = 1;
	}
}

static FILE *
open_vectors(const char *rel)
{
	char	 path[CONF_PATH_MAX];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/syslog-conformance/%s", corpus, rel);
	if ((fp = fopen(path, "r")) == NULL)
		printf("# cannot open %s\n", path);
	return (fp);
}

static void
suite_rsyslog(void)
{
	struct suite		 s = { "rsyslog", 0, 0, 0, 0 };
	struct record_hint	 h;
	struct siem_event	 ev;
	const char		*in, *reason, *w, *p;
	char			 pri[16];
	json_t			*v, *exp;
	FILE			*fp;
	int			 r, is5424, utc;

	if ((fp = open_vectors("rsyslog/parsertest-parse1.extracted.jsonl"))
	    == NULL)
		return;
	hint_init(&h);
	while ((v = next_vector(fp)) != NULL) {
		in = json_string_value(json_object_get(v, "input"));
		exp = json_object_get(v, "expected");
		if (in == NULL || exp == NULL) {
			json_decref(v);
			continue;
		}
		why[0] = '\0';
		event_init(&ev);
		r = syslog_parse(&ev, in, strlen(in), &h, &reason);
		is5424 = strstr(in, ">1 ") != NULL;
		/* an RFC 3339 stamp is printed in its own offset: Z here */
		utc = (p = strchr(in, '>')) != NULL && p[1] >= '0' &&
		    p[1] <= '9';
		if (r != PARSE_OK)
			mismatch("result", reason, "PARSE_OK");
		else {
			snprintf(pri, sizeof(pri), "%lld",
			    (long long)(ev.ints[EV_FACILITY] * 8 +
			    ev.ints[EV_SYSLOG_SEVERITY]));
			w = json_string_value(json_object_get(exp, "PRI"));
			if (!str_eq(pri, w))
				mismatch("pri", pri, w);
			w = json_string_value(json_object_get(exp,
			    "timestamp"));
			if (!is5424 && !cmp_bsd_time(ev.ts, w, utc))
				mismatch("timestamp", "", w);
			w = json_string_value(json_object_get(exp,
			    "hostname"));
			if (strcmp(w, "$RS_HOSTNAME") == 0)
				w = NULL;
			if (!str_eq(event_get(&ev, EV_HOST), w))
				mismatch("host", event_get(&ev, EV_HOST), w);
			w = json_string_value(json_object_get(exp,
			    "programname"));
			if (!str_eq(event_get(&ev, EV_APP), w))
				mismatch("program", event_get(&ev, EV_APP), w);
			w = json_string_value(json_object_get(exp, "msg"));
			if (w != NULL && *w == ' ')
				w++;
			if (!str_eq(event_get(&ev, EV_MESSAGE), w))
				mismatch("msg", event_get(&ev, EV_MESSAGE), w);
		}
		verdict(&s, in, why, strlen(in), why[0] == '\0');
		event_clear(&ev);
		json_decref(v);
	}
	fclose(fp);
	report(&s);
}

/*
 * Structured data as go-syslog writes it against data_json "sd".
 * go-syslog keeps PARAM-VALUE escapes as they were sent; siemd stores
 * the value they stand for, so the expectation is unescaped first.
 */
static int
cmp_sd(const json_t *got, const json_t *want)
{
	const char	*id, *pn, *w;
	json_t		*elem, *val, *g;
	char		 u[CONF_PATH_MAX];
	size_t		 i, n;

	if (want == NULL || json_is_null(want))
		return (got == NULL);
	if (got == NULL || json_object_size(got) != json_object_size(want))
		return (0);
	json_object_foreach((json_t *)want, id, elem) {
		g = json_object_get(got, id);
		if (g == NULL || json_object_size(g) != json_object_size(elem))
			return (0);
		json_object_foreach(elem, pn, val) {
			if ((w = json_string_value(val)) == NULL)
				return (0);
			for (i = n = 0; w[i] != '\0' && n + 1 < sizeof(u);
			    i++) {
				if (w[i] == '\\' && (w[i + 1] == '"' ||
				    w[i + 1] == '\\' || w[i + 1] == ']'))
					i++;
				u[n++] = w[i];
			}
			u[n] = '\0';
			if (!str_eq(json_string_value(json_object_get(g, pn)),
			    u))
				return (0);
		}
	}
	return (1);
}

/*
 * go-syslog's BOM vectors were extracted as 'BOM + "text"': the
 * message after the BOM is the text between the quotes.
 */
static const char *
bom_message(const char *w, char *buf, size_t sz)
{
	size_t	 n;

	if (w == NULL || strncmp(w, "BOM + \"", 7) != 0)
		return (w);
	n = strlen(w + 7);
	if (n == 0 || w[7 + n - 1] != '"' || n > sz)
		return (w);
	memcpy(buf, w + 7, n - 1);
	buf[n - 1] = '\0';
	return (buf);
}

static void
suite_go5424(void)
{
	struct suite		 s = { "go-syslog-5424", 0, 0, 0, 0 };
	struct suite		 cols = { "go-syslog-columns", 0, 0, 0, 0 };
	struct record_hint	 h;
	struct siem_event	 ev;
	const char		*in, *reason = NULL, *w, *hex, *p;
	char			*buf, num[32], mbuf[1024];
	json_t			*v, *exp, *sd;
	FILE			*fp;
	int64_t			 us;
	int			 r, n, valid, col;

	if ((fp = open_vectors("go-syslog/rfc5424_cases.jsonl")) == NULL)
		return;
	if ((buf = malloc(CONF_MSG_MAX)) == NULL)
		abort();
	hint_init(&h);
	while ((v = next_vector(fp)) != NULL) {
		in = json_string_value(json_object_get(v, "input"));
		hex = json_string_value(json_object_get(v, "input_hex"));
		valid = json_is_true(json_object_get(v, "valid"));
		exp = json_object_get(v, "expected");
		if (hex != NULL)
			n = unhex(hex, buf, CONF_MSG_MAX);
		else {
			n = (int)strlen(in);
			if (n > CONF_MSG_MAX)
				n = CONF_MSG_MAX;
			memcpy(buf, in, n);
		}
		why[0] = '\0';
		event_init(&ev);
		reason = NULL;
		r = syslog_parse_5424(&ev, buf, (size_t)n, &h, &reason);
		if (!valid) {
			if (r == PARSE_OK)
				mismatch("result", "PARSE_OK", "rejected");
			else if ((w = json_string_value(json_object_get(v,
			    "error"))) != NULL && (p = strstr(w, "[col ")) !=
			    NULL && reason != NULL) {
				col = atoi(p + 5);
				cols.total++;
				if ((p = strstr(reason, "column ")) != NULL &&
				    atoi(p + 7) == col)
					cols.pass++;
			}
		} else if (r != PARSE_OK)
			mismatch("result", reason, "PARSE_OK");
		else {
			snprintf(num, sizeof(num), "%lld",
			    (long long)(ev.ints[EV_FACILITY] * 8 +
			    ev.ints[EV_SYSLOG_SEVERITY]));
			if (json_integer_value(json_object_get(exp,
			    "priority")) != atoi(num))
				mismatch("priority", num, "");
			w = json_string_value(json_object_get(exp,
			    "timestamp"));
			if (w != NULL && (rfc3339_us(w, &us) == -1 ||
			    us != ev.ts))
				mismatch("timestamp", "", w);
			if (w == NULL && ev.ts != CONF_NOW)
				mismatch("timestamp", "", "received_at");
			w = json_string_value(json_object_get(exp,
			    "hostname"));
			if (!str_eq(event_get(&ev, EV_HOST), w))
				mismatch("host", event_get(&ev, EV_HOST), w);
			w = json_string_value(json_object_get(exp, "appname"));
			if (!str_eq(event_get(&ev, EV_APP), w))
				mismatch("app", event_get(&ev, EV_APP), w);
			w = json_string_value(json_object_get(exp, "procid"));
			if (ev.ints[EV_PID] != -1) {
				snprintf(num, sizeof(num), "%lld",
				    (long long)ev.ints[EV_PID]);
				p = num;
			} else
				p = json_string_value(json_object_get(ev.data,
				    "procid"));
			if (!str_eq(p, w))
				mismatch("procid", p, w);
			w = json_string_value(json_object_get(exp, "msgid"));
			p = json_string_value(json_object_get(ev.data,
			    "msgid"));
			if (!str_eq(p, w))
				mismatch("msgid", p, w);
			sd = json_object_get(exp, "structured_data");
			if (!cmp_sd(json_object_get(ev.data, "sd"), sd))
				mismatch("structured_data", "", "");
			w = bom_message(json_string_value(json_object_get(exp,
			    "message")), mbuf, sizeof(mbuf));
			if (!str_eq(event_get(&ev, EV_MESSAGE), w))
				mismatch("message", event_get(&ev, EV_MESSAGE),
				    w);
		}
		verdict(&s, in, why, strlen(in), why[0] == '\0');
		event_clear(&ev);
		json_decref(v);
	}
	fclose(fp);
	free(buf);
	report(&s);
	printf("# go-syslog-5424: error column agrees with go-syslog for "
	    "%d of %d rejected vectors\n", cols.pass, cols.total);
}

static void
suite_go3164(void)
{
	struct suite		 s = { "go-syslog-3164", 0, 0, 0, 0 };
	struct record_hint	 h;
	struct siem_event	 ev;
	const char		*in, *reason, *w, *p;
	char			 num[32];
	json_t			*v, *exp;
	FILE			*fp;
	int			 r;

	if ((fp = open_vectors("go-syslog/rfc3164_cases.jsonl")) == NULL)
		return;
	hint_init(&h);
	while ((v = next_vector(fp)) != NULL) {
		in = json_string_value(json_object_get(v, "input"));
		exp = json_object_get(v, "expected");
		if (in == NULL) {
			json_decref(v);
			continue;
		}
		why[0] = '\0';
		event_init(&ev);
		r = syslog_parse(&ev, in, strlen(in), &h, &reason);
		if (r != PARSE_OK)
			mismatch("result", reason, "PARSE_OK");
		else {
			if (json_integer_value(json_object_get(exp,
			    "priority")) != ev.ints[EV_FACILITY] * 8 +
			    ev.ints[EV_SYSLOG_SEVERITY])
				mismatch("priority", "", "");
			w = json_string_value(json_object_get(exp,
			    "timestamp"));
			if (w != NULL && !cmp_bsd_time(ev.ts, w, 0))
				mismatch("timestamp", "", w);
			w = json_string_value(json_object_get(exp,
			    "hostname"));
			if (!str_eq(event_get(&ev, EV_HOST), w))
				mismatch("host", event_get(&ev, EV_HOST), w);
			w = json_string_value(json_object_get(exp, "appname"));
			if (!str_eq(event_get(&ev, EV_APP), w))
				mismatch("app", event_get(&ev, EV_APP), w);
			w = json_string_value(json_object_get(exp, "procid"));
			p = NULL;
			if (ev.ints[EV_PID] != -1) {
				snprintf(num, sizeof(num), "%lld",
				    (long long)ev.ints[EV_PID]);
				p = num;
			}
			if (!str_eq(p, w))
				mismatch("procid", p, w);
			w = json_string_value(json_object_get(exp, "message"));
			if (!str_eq(event_get(&ev, EV_MESSAGE), w))
				mismatch("message", event_get(&ev, EV_MESSAGE),
				    w);
		}
		verdict(&s, in, why, strlen(in), why[0] == '\0');
		event_clear(&ev);
		json_decref(v);
	}
	fclose(fp);
	report(&s);
}

/* syslog-ng writes an absent pid or msgid as 0 or ""; null: unchecked. */
static int
ng_absent(const json_t *j)
{
	return ((json_is_integer(j) && json_integer_value(j) == 0) ||
	    (json_is_string(j) && *json_string_value(j) == '\0'));
}

/* [".SDATA.<id>.<param>", value] pairs against data_json "sd". */
static int
ng_sd_pairs(const struct siem_event *ev, const json_t *pairs)
{
	const char	*name, *want, *id, *rest;
	json_t		*sd, *pair, *elem, *got;
	size_t		 i, il;

	if (!json_is_array(pairs))
		return (1);
	sd = json_object_get(ev->data, "sd");
	json_array_foreach(pairs, i, pair) {
		name = json_string_value(json_array_get(pair, 0));
		want = json_string_value(json_array_get(pair, 1));
		if (name == NULL || want == NULL ||
		    strncmp(name, ".SDATA.", 7) != 0)
			return (0);
		name += 7;
		got = NULL;
		json_object_foreach(sd, id, elem) {
			il = strlen(id);
			if (strncmp(name, id, il) != 0 || name[il] != '.')
				continue;
			rest = name + il + 1;
			got = json_object_get(elem, rest);
			break;
		}
		if (got == NULL || !str_eq(json_string_value(got), want))
			return (0);
	}
	return (1);
}

static void
suite_syslogng(void)
{
	struct suite		 s = { "syslog-ng", 0, 0, 0, 0 };
	struct record_hint	 h;
	struct siem_event	 ev;
	const char		*in, *reason, *w, *flags, *hex, *p;
	char			*buf, num[32];
	json_t			*v, *j;
	FILE			*fp;
	int64_t			 sec, usec;
	int			 r, n, bad, is5424;

	if ((fp = open_vectors("syslog-ng/test_msgparse.extracted.jsonl")) ==
	    NULL)
		return;
	if ((buf = malloc(CONF_MSG_MAX)) == NULL)
		abort();
	hint_init(&h);
	while ((v = next_vector(fp)) != NULL) {
		in = json_string_value(json_object_get(v, "msg"));
		flags = json_string_value(json_object_get(v, "parse_flags"));
		hex = json_string_value(json_object_get(v, "msg_hex"));
		if (in == NULL || flags == NULL ||
		    (strstr(flags, "LP_EXPECT_HOSTNAME") == NULL &&
		    strstr(flags, "LP_SYSLOG_PROTOCOL") == NULL) ||
		    strstr(flags, "LP_NO_RFC3164_FALLBACK") != NULL ||
		    json_string_value(json_object_get(v, "bad_hostname_re"))
		    != NULL) {
			json_decref(v);
			continue;
		}
		is5424 = strstr(flags, "LP_SYSLOG_PROTOCOL") != NULL;
		bad = strstr(flags, "LP_PIGGYBACK_ERRORS") != NULL &&
		    json_integer_value(json_object_get(v, "expected_pri")) ==
		    43;
		if (hex != NULL)
			n = unhex(hex, buf, CONF_MSG_MAX);
		else {
			n = (int)strlen(in);
			if (n > CONF_MSG_MAX)
				n = CONF_MSG_MAX;
			memcpy(buf, in, n);
		}
		why[0] = '\0';
		event_init(&ev);
		r = is5424 ? syslog_parse_5424(&ev, buf, (size_t)n, &h,
		    &reason) : syslog_parse(&ev, buf, (size_t)n, &h, &reason);
		if (bad) {
			if (r == PARSE_OK)
				mismatch("result", "PARSE_OK", "rejected");
			goto done;
		}
		if (r != PARSE_OK) {
			mismatch("result", reason, "PARSE_OK");
			goto done;
		}
		j = json_object_get(v, "expected_pri");
		if (j != NULL && json_integer_value(j) !=
		    ev.ints[EV_FACILITY] * 8 + ev.ints[EV_SYSLOG_SEVERITY])
			mismatch("pri", "", "");
		sec = json_integer_value(json_object_get(v,
		    "expected_stamp_sec"));
		usec = json_integer_value(json_object_get(v,
		    "expected_stamp_usec"));
		/* 0: no time stamp checked; 1: "now"-relative, skipped */
		if (sec > 1 && ev.ts != sec * CONF_USEC + usec) {
			snprintf(num, sizeof(num), "%lld",
			    (long long)ev.ts);
			mismatch("stamp", num, "");
		}
		w = json_string_value(json_object_get(v, "expected_host"));
		if (json_object_get(v, "expected_host") != NULL &&
		    !str_eq(event_get(&ev, EV_HOST), w))
			mismatch("host", event_get(&ev, EV_HOST), w);
		w = json_string_value(json_object_get(v, "expected_program"));
		if (json_object_get(v, "expected_program") != NULL &&
		    !str_eq(event_get(&ev, EV_APP), w))
			mismatch("program", event_get(&ev, EV_APP), w);
		w = json_string_value(json_object_get(v, "expected_msg"));
		if (json_object_get(v, "expected_msg") != NULL &&
		    !str_eq(event_get(&ev, EV_MESSAGE), w))
			mismatch("msg", event_get(&ev, EV_MESSAGE), w);
		j = json_object_get(v, "expected_pid");
		if (ev.ints[EV_PID] != -1) {
			snprintf(num, sizeof(num), "%lld",
			    (long long)ev.ints[EV_PID]);
			p = num;
		} else
			p = json_string_value(json_object_get(ev.data,
			    "procid"));
		if (j != NULL && !json_is_null(j) && (ng_absent(j) ?
		    p != NULL : !str_eq(p, json_string_value(j))))
			mismatch("pid", p, json_string_value(j));
		j = json_object_get(v, "expected_msgid");
		p = json_string_value(json_object_get(ev.data, "msgid"));
		if (j != NULL && !json_is_null(j) && (ng_absent(j) ?
		    p != NULL : !str_eq(p, json_string_value(j))))
			mismatch("msgid", p, json_string_value(j));
		if (!ng_sd_pairs(&ev, json_object_get(v,
		    "expected_sd_pairs")))
			mismatch("sd pairs", "", "");
 done:
		verdict(&s, in, why, strlen(in), why[0] == '\0');
		event_clear(&ev);
		json_decref(v);
	}
	fclose(fp);
	free(buf);
	report(&s);
}

int
main(void)
{
	char		 path[CONF_PATH_MAX];
	struct stat	 st;

	if ((corpus = getenv("SIEMD_CORPUS")) == NULL)
		corpus = "../shared/corpus";
	snprintf(path, sizeof(path), "%s/syslog-conformance", corpus);
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		printf("SKIP conformance: %s not found\n", corpus);
		return (0);
	}
	setenv("TZ", CONF_TZ, 1);
	tzset();
	suite_rsyslog();
	suite_go5424();
	suite_go3164();
	suite_syslogng();
	TEST_EXIT();
}
