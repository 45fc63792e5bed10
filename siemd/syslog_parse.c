/*
 * Syslog records: RFC 5424 parsed strictly by its grammar, RFC 3164
 * parsed leniently the way real senders write it (with or without
 * PRI, BSD or RFC 3339 time stamps, Cisco sequence numbers, tags with
 * or without a pid).
 *
 * Every parser here reads only within [buf, buf + len), keeps no
 * state between records and never recurses.  On PARSE_NOMATCH and
 * PARSE_ERROR the event is left untouched: all fields are collected
 * first and written to the event only once the record has parsed.
 *
 * Choices where the conformance vectors disagree (see
 * tests/unit/test-conformance.c for the figures):
 *  - A record without PRI gets facility user (1) and severity notice
 *    (5), PRI 13, as RFC 3164 section 4.3.3 tells a relay to do and as
 *    rsyslog and syslog-ng do -- but only for records received over
 *    the network; lines tailed from files (hint->source_file set) keep
 *    facility and severity absent, since nothing says what they were.
 *  - A 3164 TAG needs a ':' or a "[pid]" after it, or must be the
 *    only word left; otherwise the text is message, not program
 *    (go-syslog; rsyslog takes any first word).
 *  - A single word after the time stamp is the host name (rsyslog).
 *  - "Mmm dd hh:mm:ss yyyy" takes the year (syslog-ng; rsyslog takes
 *    the year for a host name).
 *  - "prog(sub)[pid]:" keeps "prog(sub)" as app, as rsyslog and the
 *    loghub ground truth do.
 *  - RFC 5424 is strict: SD-NAME over 32 characters, MSGID over 32,
 *    a missing time offset, an unescaped ']' in a PARAM-VALUE and a
 *    repeated SD-ID are errors.  A backslash before any other
 *    character is kept literally, as RFC 5424 section 6.3.3 says
 *    (go-syslog rejects it).
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "normalize.h"

#define SYSLOG_PRI_MAX		191
#define SYSLOG_PRI_DEFAULT	13	/* user.notice, RFC 3164 4.3.3 */
#define SYSLOG_PRI_DIGITS	3
#define SYSLOG_VERSION_DIGITS	3
#define SYSLOG_HOST_MAX		255
#define SYSLOG_APP_MAX		48
#define SYSLOG_PROCID_MAX	128
#define SYSLOG_MSGID_MAX	32
#define SYSLOG_SDNAME_MAX	32
#define SYSLOG_TAG_MAX		48
#define SYSLOG_PID_DIGITS	10
#define SYSLOG_PID_MAX		INT32_MAX
#define SYSLOG_FRAC_DIGITS	6	/* RFC 5424 TIME-SECFRAC */
#define SYSLOG_REASON_MAX	160
#define SYSLOG_YEAR_MIN		1970
#define SYSLOG_YEAR_MAX		9999
#define SYSLOG_YEAR_LOOKBACK	8	/* years back to find a Feb 29 */
#define SYSLOG_SKEW_US		(86400LL * 1000000)	/* a day ahead */
#define SYSLOG_REPEAT_MAX	9	/* digits of a repeat count */

#define USEC_PER_SEC		1000000LL
#define SECS_PER_DAY		86400LL

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISPRINT(c)	((unsigned char)(c) >= 33 && (unsigned char)(c) <= 126)

static const char *month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

static const char *severity_keywords[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

static const char utf8_bom[] = "\xef\xbb\xbf";
#define UTF8_BOM_LEN	3

static const char repeated_last[] = "last message repeated ";
static const char repeated_rsyslog[] = "message repeated ";
static const char forwarded_from[] = "Message forwarded from ";

/* A span of the input; p == NULL means absent. */
struct span {
	const char	*p;
	size_t		 n;
};

/* What a syslog record holds, before it goes into the event. */
struct syslog_rec {
	int		 pri;		/* -1: none */
	int		 version;	/* 5424 only */
	int64_t		 ts;		/* µs UTC */
	int		 has_ts;
	struct span	 host;
	struct span	 app;
	struct span	 procid;
	struct span	 msgid;
	struct span	 msg;
	struct span	 detail;	/* 3164 "prog[pid] (detail):" */
	json_t		*sd;		/* 5424 structured data or NULL */
};

/* The pieces of a calendar time stamp. */
struct civil {
	int		 year;		/* 0: not given */
	int		 mon;		/* 1..12 */
	int		 day;
	int		 hour;
	int		 min;
	int		 sec;
	int		 usec;
	int		 has_off;
	int		 off;		/* seconds east of UTC */
};

static char	 reason_buf[SYSLOG_REASON_MAX];

static const char *fail(const char *, const char *, size_t);
static size_t	 trim_end(const char *, size_t);
static int	 parse_pri(const char *, size_t, size_t *, int *, size_t *);
static int	 is_leap(int);
static int	 days_in_month(int, int);
static int64_t	 days_from_civil(int64_t, int, int);
static int	 num(const char *, size_t, size_t *, int, int *);
static int	 parse_frac(const char *, size_t, size_t *, int, int *);
static int	 parse_rfc3339(const char *, size_t, size_t *, int,
		    struct civil *, size_t *);
static int	 parse_bsd(const char *, size_t, size_t *, struct civil *);
static int	 civil_local(const struct civil *, int, int64_t *);
static int64_t	 civil_to_us(const struct civil *);
static int64_t	 resolve_year(const struct civil *, int64_t);
static int	 header_field(const char *, size_t, size_t *, size_t,
		    struct span *, size_t *);
static int	 sd_name(const char *, size_t, size_t *, struct span *);
static void	 sd_add_param(json_t *, const char *, size_t, const char *,
		    size_t);
static int	 parse_sd(const char *, size_t, size_t *, json_t **,
		    const char **, size_t *);
static int	 is_ipv6(const char *, size_t);
static int	 host_word(const char *, size_t);
static int	 parse_tag(const char *, size_t, size_t *, struct span *,
		    struct span *, struct span *);
static int	 span_pid(struct span *);
static void	 note_repeated(struct siem_event *, const char *, size_t);
static void	 fill_event(struct siem_event *, const char *, size_t,
		    const struct record_hint *, struct syslog_rec *);

/* The reason string lives in a static buffer until the next call. */
static const char *
fail(const char *rfc, const char *what, size_t col)
{
	snprintf(reason_buf, sizeof(reason_buf), "%s: %s at column %zu",
	    rfc, what, col);
	return (reason_buf);
}

/* Framing leaves a trailing LF, CR LF or NUL padding on some senders. */
static size_t
trim_end(const char *b, size_t len)
{
	while (len > 0 && (b[len - 1] == '\n' || b[len - 1] == '\r' ||
	    b[len - 1] == '\0'))
		len--;
	return (len);
}

/*
 * PRI = "<" PRIVAL ">", PRIVAL 0..191 with no leading zero.
 * Returns 0 and the index after '>' or -1 and the failing column.
 */
static int
parse_pri(const char *b, size_t len, size_t *ip, int *pri, size_t *err)
{
	size_t	 i = 1;
	int	 v = 0;

	if (len == 0 || b[0] != '<') {
		*err = 0;
		return (-1);
	}
	while (i < len && i <= SYSLOG_PRI_DIGITS && ISDIGIT(b[i]))
		v = v * 10 + (b[i++] - '0');
	if (i == 1 || (b[1] == '0' && i > 2)) {
		*err = 1;
		return (-1);
	}
	if (i >= len || b[i] != '>' || v > SYSLOG_PRI_MAX) {
		*err = i;
		return (-1);
	}
	*pri = v;
	*ip = i + 1;
	return (0);
}

static int
is_leap(int y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

static int
days_in_month(int y, int m)
{
	static const int dim[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && is_leap(y))
		return (29);
	return (dim[m - 1]);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Exactly n digits at *ip. */
static int
num(const char *b, size_t len, size_t *ip, int n, int *v)
{
	size_t	 i = *ip;
	int	 k;

	*v = 0;
	for (k = 0; k < n; k++, i++) {
		if (i >= len || !ISDIGIT(b[i]))
			return (-1);
		*v = *v * 10 + (b[i] - '0');
	}
	*ip = i;
	return (0);
}

/*
 * Fraction digits after a '.' already consumed: strict wants 1..6,
 * lenient takes any number (even none) and keeps the first six.
 */
static int
parse_frac(const char *b, size_t len, size_t *ip, int strict, int *usec)
{
	size_t	 i = *ip, k = 0;
	int	 v = 0;

	while (i < len && ISDIGIT(b[i])) {
		if (k < SYSLOG_FRAC_DIGITS)
			v = v * 10 + (b[i] - '0');
		k++;
		i++;
	}
	if (strict && (k == 0 || k > SYSLOG_FRAC_DIGITS))
		return (-1);
	for (; k < SYSLOG_FRAC_DIGITS; k++)
		v *= 10;
	*usec = v;
	*ip = i;
	return (0);
}

/*
 * full-date "T" full-time (RFC 3339 as RFC 5424 restricts it).
 * Lenient mode also takes 't' or a space for 'T', 'z', "+hhmm", any
 * number of fraction digits, and no offset at all (local time).
 */
static int
parse_rfc3339(const char *b, size_t len, size_t *ip, int strict,
    struct civil *c, size_t *err)
{
	size_t	 i = *ip;
	int	 oh, om, sign;

	memset(c, 0, sizeof(*c));
	if (num(b, len, &i, 4, &c->year) == -1 || c->year < 1)
		goto bad;
	if (i >= len || b[i++] != '-' || num(b, len, &i, 2, &c->mon) == -1 ||
	    c->mon < 1 || c->mon > 12)
		goto bad;
	if (i >= len || b[i++] != '-' || num(b, len, &i, 2, &c->day) == -1 ||
	    c->day < 1 || c->day > days_in_month(c->year, c->mon))
		goto bad;
	if (i >= len || !(b[i] == 'T' ||
	    (!strict && (b[i] == 't' || b[i] == ' '))))
		goto bad;
	i++;
	if (num(b, len, &i, 2, &c->hour) == -1 || c->hour > 23)
		goto bad;
	if (i >= len || b[i++] != ':' || num(b, len, &i, 2, &c->min) == -1 ||
	    c->min > 59)
		goto bad;
	if (i >= len || b[i++] != ':' || num(b, len, &i, 2, &c->sec) == -1 ||
	    c->sec > 59)
		goto bad;
	if (i < len && b[i] == '.') {
		i++;
		if (parse_frac(b, len, &i, strict, &c->usec) == -1)
			goto bad;
	}
	if (i < len && (b[i] == 'Z' || (!strict && b[i] == 'z'))) {
		c->has_off = 1;
		i++;
	} else if (i < len && (b[i] == '+' || b[i] == '-')) {
		sign = (b[i++] == '-') ? -1 : 1;
		if (num(b, len, &i, 2, &oh) == -1 || oh > 23)
			goto bad;
		if (i < len && b[i] == ':')
			i++;
		else if (strict)
			goto bad;
		if (num(b, len, &i, 2, &om) == -1 || om > 59)
			goto bad;
		c->has_off = 1;
		c->off = sign * (oh * 3600 + om * 60);
	} else if (strict)
		goto bad;
	*ip = i;
	return (0);
 bad:
	*err = i;
	return (-1);
}

/*
 * BSD time stamp "Mmm dd hh:mm:ss" with the variants seen in the
 * wild: "Mmm  d", upper-case months, a year before or after the time,
 * a fraction, and a ':' right after it (Cisco).
 */
static int
parse_bsd(const char *b, size_t len, size_t *ip, struct civil *c)
{
	size_t	 i = *ip, j;
	int	 m, y;

	memset(c, 0, sizeof(*c));
	if (i + 3 > len)
		return (-1);
	for (m = 0; m < 12; m++)
		if (strncasecmp(b + i, month_names[m], 3) == 0)
			break;
	if (m == 12)
		return (-1);
	c->mon = m + 1;
	i += 3;
	if (i >= len || b[i] != ' ')
		return (-1);
	while (i < len && b[i] == ' ')
		i++;
	if (num(b, len, &i, 2, &c->day) == -1) {
		if (num(b, len, &i, 1, &c->day) == -1)
			return (-1);
	}
	if (c->day < 1 || c->day > 31 || i >= len || b[i] != ' ')
		return (-1);
	i++;
	/* "Mmm dd yyyy hh:mm:ss" */
	j = i;
	if (num(b, len, &j, 4, &y) == 0 && j < len && b[j] == ' ' &&
	    y >= SYSLOG_YEAR_MIN) {
		c->year = y;
		i = j + 1;
	}
	if (num(b, len, &i, 2, &c->hour) == -1 || c->hour > 23)
		return (-1);
	if (i >= len || b[i++] != ':' || num(b, len, &i, 2, &c->min) == -1 ||
	    c->min > 59)
		return (-1);
	if (i >= len || b[i++] != ':' || num(b, len, &i, 2, &c->sec) == -1 ||
	    c->sec > 60)
		return (-1);
	if (c->sec == 60)	/* a leap second; POSIX time has none */
		c->sec = 59;
	if (i < len && b[i] == '.') {
		i++;
		parse_frac(b, len, &i, 0, &c->usec);
	}
	/* "Mmm dd hh:mm:ss yyyy" */
	j = i + 1;
	if (c->year == 0 && i < len && b[i] == ' ' &&
	    num(b, len, &j, 4, &y) == 0 && (j == len || b[j] == ' ') &&
	    y >= SYSLOG_YEAR_MIN)  {
		c->year = y;
		i = j;
	}
	if (i < len && b[i] == ':')
		i++;
	if (i < len && b[i] != ' ')
		return (-1);
	if (c->year != 0 && c->day > days_in_month(c->year, c->mon))
		return (-1);
	*ip = i;
	return (0);
}

/* A calendar time with an explicit offset as µs UTC. */
static int64_t
civil_to_us(const struct civil *c)
{
	int64_t	 s;

	s = days_from_civil(c->year, c->mon, c->day) * SECS_PER_DAY +
	    c->hour * 3600 + c->min * 60 + c->sec - c->off;
	return (s * USEC_PER_SEC + c->usec);
}

/*
 * A wall-clock time in the local time zone as µs UTC.  Not mktime(),
 * which glibc makes re-read the zone file on every call (and which
 * cannot find it inside a chroot): the offset comes from
 * localtime_r(), asked twice so a time near a DST change lands right.
 */
static int
civil_local(const struct civil *c, int year, int64_t *us)
{
	struct civil	 u = *c;
	struct tm	 tm;
	time_t		 t;
	int64_t		 guess;
	long		 off;

	if (c->day > days_in_month(year, c->mon))
		return (-1);
	u.year = year;
	u.off = 0;
	guess = civil_to_us(&u) / USEC_PER_SEC;
	t = (time_t)guess;
	if (localtime_r(&t, &tm) == NULL)
		return (-1);
	off = tm.tm_gmtoff;
	t = (time_t)(guess - off);
	if (localtime_r(&t, &tm) == NULL)
		return (-1);
	if (tm.tm_gmtoff != off)
		t = (time_t)(guess - tm.tm_gmtoff);
	*us = (int64_t)t * USEC_PER_SEC + c->usec;
	return (0);
}

/*
 * A BSD time stamp has no year: take the latest year that does not
 * put it more than a day (clock skew) after "now".  Dec 31 received
 * on Jan 1 is last year's; Feb 29 goes back to the last leap year.
 */
static int64_t
resolve_year(const struct civil *c, int64_t now)
{
	struct tm	 tm;
	time_t		 t;
	int64_t		 us;
	int		 y, ny;

	if (c->year != 0) {
		if (civil_local(c, c->year, &us) == 0)
			return (us);
		return (now);
	}
	t = (time_t)(now / USEC_PER_SEC);
	if (localtime_r(&t, &tm) == NULL)
		return (now);
	ny = tm.tm_year + 1900;
	/* next year's date can only be within the skew around new year */
	y = (c->mon == 1 && tm.tm_mon == 11) ? ny + 1 : ny;
	for (; y >= ny - SYSLOG_YEAR_LOOKBACK; y--) {
		if (civil_local(c, y, &us) == -1)
			continue;
		if (us <= now + SYSLOG_SKEW_US)
			return (us);
	}
	return (now);
}

/*
 * An RFC 5424 header field: NILVALUE or 1..max PRINTUSASCII, then SP.
 * f->p is NULL for NILVALUE.
 */
static int
header_field(const char *b, size_t len, size_t *ip, size_t max,
    struct span *f, size_t *err)
{
	size_t	 s = *ip, i = *ip;

	while (i < len && i - s <= max && ISPRINT(b[i]))
		i++;
	if (i - s > max) {
		*err = s + max;
		return (-1);
	}
	if (i == s || i >= len || b[i] != ' ') {
		*err = i;
		return (-1);
	}
	if (i - s == 1 && b[s] == '-') {
		f->p = NULL;
		f->n = 0;
	} else {
		f->p = b + s;
		f->n = i - s;
	}
	*ip = i + 1;
	return (0);
}

/* SD-NAME: 1..32 PRINTUSASCII except '=', SP, ']' and '"'. */
static int
sd_name(const char *b, size_t len, size_t *ip, struct span *name)
{
	size_t	 s = *ip, i = *ip;

	while (i < len && i - s <= SYSLOG_SDNAME_MAX && ISPRINT(b[i]) &&
	    b[i] != '=' && b[i] != ']' && b[i] != '"')
		i++;
	if (i == s)
		return (-1);
	if (i - s > SYSLOG_SDNAME_MAX) {
		*ip = s + SYSLOG_SDNAME_MAX;
		return (-1);
	}
	name->p = b + s;
	name->n = i - s;
	*ip = i;
	return (0);
}

/* A repeated PARAM-NAME keeps every value: the value becomes an array. */
static void
sd_add_param(json_t *elem, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	char	 key[SYSLOG_SDNAME_MAX + 1];
	json_t	*old, *val, *arr;

	memcpy(key, name, nlen);
	key[nlen] = '\0';
	val = event_json_stringn(v, vlen);
	old = json_object_get(elem, key);
	if (old == NULL) {
		if (json_object_set_new(elem, key, val) == -1)
			fatal("%s: json_object_set_new", __func__);
	} else if (json_is_array(old)) {
		if (json_array_append_new(old, val) == -1)
			fatal("%s: json_array_append_new", __func__);
	} else {
		if ((arr = json_array()) == NULL ||
		    json_array_append(arr, old) == -1 ||
		    json_array_append_new(arr, val) == -1 ||
		    json_object_set_new(elem, key, arr) == -1)
			fatal("%s: json array", __func__);
	}
}

/*
 * STRUCTURED-DATA = NILVALUE / 1*SD-ELEMENT, into
 * {"sd-id": {"param": "value", ...}, ...}; *out stays NULL for "-".
 */
static int
parse_sd(const char *b, size_t len, size_t *ip, json_t **out,
    const char **what, size_t *err)
{
	struct span	 id, pn;
	json_t		*sd, *elem;
	char		 key[SYSLOG_SDNAME_MAX + 1];
	char		*val = NULL;
	size_t		 i = *ip, vn;

	*out = NULL;
	if (i < len && b[i] == '-') {
		*ip = i + 1;
		return (0);
	}
	if (i >= len || b[i] != '[') {
		*what = "expected structured data";
		*err = i;
		return (-1);
	}
	if ((sd = json_object()) == NULL)
		fatal("%s: json_object", __func__);
	/* Unescaped values are never longer than the record. */
	if ((val = malloc(len)) == NULL)
		fatal("%s: malloc", __func__);
	while (i < len && b[i] == '[') {
		i++;
		if (sd_name(b, len, &i, &id) == -1) {
			*what = "invalid SD-ID";
			goto bad;
		}
		memcpy(key, id.p, id.n);
		key[id.n] = '\0';
		if (json_object_get(sd, key) != NULL) {
			*what = "duplicate SD-ID";
			goto bad;
		}
		if ((elem = json_object()) == NULL ||
		    json_object_set_new(sd, key, elem) == -1)
			fatal("%s: json_object", __func__);
		while (i < len && b[i] == ' ') {
			i++;
			if (sd_name(b, len, &i, &pn) == -1) {
				*what = "invalid PARAM-NAME";
				goto bad;
			}
			if (i >= len || b[i] != '=' || i + 1 >= len ||
			    b[i + 1] != '"') {
				*what = "expected =\" after PARAM-NAME";
				goto bad;
			}
			i += 2;
			vn = 0;
			while (i < len && b[i] != '"') {
				if (b[i] == '\\' && i + 1 < len &&
				    (b[i + 1] == '"' || b[i + 1] == '\\' ||
				    b[i + 1] == ']')) {
					val[vn++] = b[i + 1];
					i += 2;
					continue;
				}
				if (b[i] == ']') {
					*what = "unescaped ] in PARAM-VALUE";
					goto bad;
				}
				val[vn++] = b[i++];
			}
			if (i >= len) {
				*what = "unterminated PARAM-VALUE";
				goto bad;
			}
			i++;
			sd_add_param(elem, pn.p, pn.n, val, vn);
		}
		if (i >= len || b[i] != ']') {
			*what = "expected ] or SP PARAM";
			goto bad;
		}
		i++;
	}
	free(val);
	*out = sd;
	*ip = i;
	return (0);
 bad:
	free(val);
	json_decref(sd);
	*err = i;
	return (-1);
}

static int
is_ipv6(const char *p, size_t n)
{
	char		 buf[INET6_ADDRSTRLEN];
	struct in6_addr	 a;

	if (n == 0 || n >= sizeof(buf))
		return (0);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return (inet_pton(AF_INET6, buf, &a) == 1);
}

/*
 * Could this word after the time stamp be a host name?  Names and
 * addresses use letters, digits, ".-_:" (and '/' and '@' for relayed
 * "host/host" and "src@host" names, bytes above 127 for IDNs).  A
 * word ending in ':' is a tag, unless it is an IPv6 address such as
 * "2001:db8::".
 */
static int
host_word(const char *p, size_t n)
{
	size_t		 i;
	unsigned char	 c;

	if (n == 0 || n > SYSLOG_HOST_MAX)
		return (0);
	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (!(ISDIGIT(c) || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c >= 128 || c == '.' ||
		    c == '-' || c == '_' || c == ':' || c == '/' || c == '@'))
			return (0);
	}
	if (p[n - 1] == ':' && !is_ipv6(p, n))
		return (0);
	return (1);
}

/*
 * TAG: "prog:", "prog[pid]:", "prog(sub)[pid]:", "prog[pid]", a
 * program with a version ("syslogd 1.4.1:"), macOS's "prog[pid]
 * (detail):", and a word that is the whole rest of the record.
 * Returns 1 with the index after the tag and the spaces that follow
 * it, or 0 if there is no tag.
 */
static int
parse_tag(const char *b, size_t len, size_t *ip, struct span *app,
    struct span *pid, struct span *detail)
{
	size_t	 s = *ip, i = *ip, k;
	int	 paren = 0, has_pid = 0;

	while (i < len && i - s <= SYSLOG_TAG_MAX) {
		if (b[i] == '(')
			paren = 1;
		else if (b[i] == ')')
			paren = 0;
		else if (b[i] == ' ' && i > s) {
			/*
			 * One more word when it ends the tag: a version
			 * ("syslogd 1.4.1:", "BezelServices 255.10[94]:") or
			 * a name with its pid ("Microsoft Word[14463]:").
			 */
			for (k = i + 1; k < len && k - s <= SYSLOG_TAG_MAX &&
			    b[k] != ' ' && b[k] != '[' && b[k] != ':'; k++)
				;
			if (k > i + 1 && k < len && ((b[k] == ':' &&
			    ISDIGIT(b[i + 1])) || b[k] == '[')) {
				i = k;
				continue;
			}
			break;
		} else if (b[i] == ' ' || (unsigned char)b[i] < 32 ||
		    b[i] == '[' || (b[i] == ':' && !paren))
			break;
		i++;
	}
	if (i == s || i - s > SYSLOG_TAG_MAX)
		return (0);
	app->p = b + s;
	app->n = i - s;
	pid->p = detail->p = NULL;
	pid->n = detail->n = 0;
	if (i < len && b[i] == '[') {
		for (k = i + 1; k < len && k - i <= SYSLOG_PROCID_MAX; k++)
			if (b[k] == ']' || b[k] == ' ')
				break;
		if (k >= len || b[k] != ']')
			return (0);
		pid->p = b + i + 1;
		pid->n = k - i - 1;
		has_pid = 1;
		i = k + 1;
		/* macOS: "launchd[1] (com.apple.xpc.launchd.domain): " */
		if (i + 1 < len && b[i] == ' ' && b[i + 1] == '(') {
			for (k = i + 2; k < len && k - i <= SYSLOG_PROCID_MAX &&
			    b[k] != ')' && b[k] != ' '; k++)
				;
			if (k + 1 < len && b[k] == ')' && b[k + 1] == ':') {
				detail->p = b + i + 2;
				detail->n = k - i - 2;
				i = k + 1;
			}
		}
	}
	if (i < len && b[i] == ':')
		i++;
	else if (!(i == len || (has_pid && b[i] == ' ')))
		return (0);
	while (i < len && b[i] == ' ')
		i++;
	*ip = i;
	return (1);
}

/* A PROCID or tag pid that is a plain decimal number, else -1. */
static int
span_pid(struct span *s)
{
	size_t	 i;
	int64_t	 v = 0;

	if (s->p == NULL || s->n == 0 || s->n > SYSLOG_PID_DIGITS)
		return (-1);
	for (i = 0; i < s->n; i++) {
		if (!ISDIGIT(s->p[i]))
			return (-1);
		v = v * 10 + (s->p[i] - '0');
	}
	if (v > SYSLOG_PID_MAX)
		return (-1);
	return ((int)v);
}

/*
 * "last message repeated N times" (syslogd) and "message repeated N
 * times: [ ... ]" (rsyslog): event_type repeated, repeat_count N.
 */
static void
note_repeated(struct siem_event *ev, const char *m, size_t n)
{
	size_t	 i, plen, k = 0;
	int64_t	 v = 0;

	if (n > sizeof(repeated_last) - 1 &&
	    memcmp(m, repeated_last, sizeof(repeated_last) - 1) == 0)
		plen = sizeof(repeated_last) - 1;
	else if (n > sizeof(repeated_rsyslog) - 1 &&
	    memcmp(m, repeated_rsyslog, sizeof(repeated_rsyslog) - 1) == 0)
		plen = sizeof(repeated_rsyslog) - 1;
	else
		return;
	for (i = plen; i < n && ISDIGIT(m[i]) && k < SYSLOG_REPEAT_MAX;
	    i++, k++)
		v = v * 10 + (m[i] - '0');
	if (k == 0 || i + 6 > n || memcmp(m + i, " time", 5) != 0)
		return;
	event_set(ev, EV_EVENT_TYPE, "repeated", 8);
	event_data_set(ev, "repeat_count", json_integer(v));
}

/* Copy a parsed record into the event with what the hint adds. */
static void
fill_event(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, struct syslog_rec *r)
{
	char	*raw;
	size_t	 rawlen;
	int	 pid, sev;

	if (hint != NULL)
		ev->received_at = hint->received_at;
	ev->ts = r->has_ts ? r->ts : ev->received_at;
	event_set(ev, EV_SOURCE_TYPE, hint != NULL &&
	    hint->source_type != NULL ? hint->source_type : "syslog",
	    hint != NULL && hint->source_type != NULL ?
	    strlen(hint->source_type) : 6);
	if (r->pri >= 0) {
		sev = r->pri & 7;
		ev->ints[EV_FACILITY] = r->pri >> 3;
		ev->ints[EV_SYSLOG_SEVERITY] = sev;
		event_set(ev, EV_LEVEL, severity_keywords[sev],
		    strlen(severity_keywords[sev]));
	}
	if (r->host.p != NULL)
		event_set(ev, EV_HOST, r->host.p, r->host.n);
	else if (hint != NULL && hint->peer_host != NULL)
		event_set(ev, EV_HOST, hint->peer_host,
		    strlen(hint->peer_host));
	if (hint != NULL && hint->app != NULL)
		event_set(ev, EV_APP, hint->app, strlen(hint->app));
	else if (r->app.p != NULL)
		event_set(ev, EV_APP, r->app.p, r->app.n);
	if ((pid = span_pid(&r->procid)) != -1)
		ev->ints[EV_PID] = pid;
	else if (r->procid.p != NULL)
		event_data_setstr(ev, "procid", r->procid.p, r->procid.n);
	if (r->msgid.p != NULL)
		event_data_setstr(ev, "msgid", r->msgid.p, r->msgid.n);
	if (r->detail.p != NULL)
		event_data_setstr(ev, "tag_detail", r->detail.p, r->detail.n);
	if (r->version > 1)
		event_data_set(ev, "version", json_integer(r->version));
	if (r->sd != NULL) {
		event_data_set(ev, "sd", r->sd);
		r->sd = NULL;
	}
	if (r->msg.p != NULL && r->msg.n >= UTF8_BOM_LEN &&
	    memcmp(r->msg.p, utf8_bom, UTF8_BOM_LEN) == 0) {
		r->msg.p += UTF8_BOM_LEN;
		r->msg.n -= UTF8_BOM_LEN;
	}
	if (r->msg.p != NULL && r->msg.n > 0) {
		event_set(ev, EV_MESSAGE, r->msg.p, r->msg.n);
		note_repeated(ev, r->msg.p, r->msg.n);
	}
	if (hint != NULL && hint->source_file != NULL) {
		event_set(ev, EV_SOURCE_FILE, hint->source_file,
		    strlen(hint->source_file));
		ev->ints[EV_SOURCE_OFFSET] = hint->source_offset;
	}
	raw = event_escape_raw(buf, len, &rawlen);
	event_set(ev, EV_RAW, raw, rawlen);
	free(raw);
}

/*
 * SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG] (RFC 5424 section 6),
 * checked strictly.  Columns in reasons count from 0.
 */
int
syslog_parse_5424(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char **reason)
{
	static const char	 rfc[] = "RFC 5424";
	struct syslog_rec	 r;
	struct civil		 c;
	const char		*what = NULL;
	size_t			 i = 0, err = 0, olen = len, s;

	memset(&r, 0, sizeof(r));
	len = trim_end(buf, len);
	if (len == 0 || buf[0] != '<') {
		if (reason != NULL)
			*reason = fail(rfc, "expected <PRI>", 0);
		return (PARSE_NOMATCH);
	}
	if (parse_pri(buf, len, &i, &r.pri, &err) == -1) {
		what = "invalid PRI";
		goto bad;
	}
	s = i;
	if (i >= len || buf[i] < '1' || buf[i] > '9') {
		err = i;
		what = "invalid VERSION";
		goto bad;
	}
	while (i < len && ISDIGIT(buf[i]) && i - s < SYSLOG_VERSION_DIGITS)
		r.version = r.version * 10 + (buf[i++] - '0');
	if (i >= len || buf[i] != ' ') {
		err = i;
		what = "invalid VERSION";
		goto bad;
	}
	i++;
	if (i < len && buf[i] == '-')
		i++;
	else if (parse_rfc3339(buf, len, &i, 1, &c, &err) == -1) {
		what = "invalid TIMESTAMP";
		goto bad;
	} else {
		r.ts = civil_to_us(&c);
		r.has_ts = 1;
	}
	if (i >= len || buf[i] != ' ') {
		err = i;
		what = "expected SP after TIMESTAMP";
		goto bad;
	}
	i++;
	if (header_field(buf, len, &i, SYSLOG_HOST_MAX, &r.host, &err) ==
	    -1) {
		what = "invalid HOSTNAME";
		goto bad;
	}
	if (header_field(buf, len, &i, SYSLOG_APP_MAX, &r.app, &err) == -1) {
		what = "invalid APP-NAME";
		goto bad;
	}
	if (header_field(buf, len, &i, SYSLOG_PROCID_MAX, &r.procid, &err) ==
	    -1) {
		what = "invalid PROCID";
		goto bad;
	}
	if (header_field(buf, len, &i, SYSLOG_MSGID_MAX, &r.msgid, &err) ==
	    -1) {
		what = "invalid MSGID";
		goto bad;
	}
	if (parse_sd(buf, len, &i, &r.sd, &what, &err) == -1)
		goto bad;
	if (i < len) {
		if (buf[i] != ' ') {
			err = i;
			what = "expected SP before MSG";
			goto bad;
		}
		r.msg.p = buf + i + 1;
		r.msg.n = len - i - 1;
	}
	fill_event(ev, buf, olen, hint, &r);
	return (PARSE_OK);
 bad:
	if (r.sd != NULL)
		json_decref(r.sd);
	if (reason != NULL)
		*reason = fail(rfc, what, err);
	return (PARSE_ERROR);
}

/*
 * RFC 3164 as senders write it: [<PRI>] [TIMESTAMP [HOSTNAME]] [TAG]
 * MSG.  A record needs a PRI or a time stamp to be syslog at all.
 */
int
syslog_parse_3164(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char **reason)
{
	struct syslog_rec	 r;
	struct civil		 c;
	size_t			 i = 0, j, w, err, olen = len;
	int64_t			 now;
	int			 has_pri = 0;

	memset(&r, 0, sizeof(r));
	r.pri = -1;
	len = trim_end(buf, len);
	if (len > 0 && buf[0] == '<') {
		if (parse_pri(buf, len, &i, &r.pri, &err) == -1) {
			if (reason != NULL)
				*reason = fail("RFC 3164", "invalid PRI", err);
			return (PARSE_NOMATCH);
		}
		has_pri = 1;
	}
	while (i < len && buf[i] == ' ')
		i++;

	/* Cisco: "91: *Oct 07 03:10:04: host ..." */
	j = i;
	while (j < len && ISDIGIT(buf[j]) && j - i < SYSLOG_PID_DIGITS)
		j++;
	if (j > i && j + 1 < len && buf[j] == ':' && buf[j + 1] == ' ') {
		w = j + 2;
		if (w < len && (buf[w] == '*' || buf[w] == '.'))
			w++;
		if (parse_bsd(buf, len, &w, &c) == 0)
			i = j + 2;
	}
	/* Cisco marks an unsynchronized clock with '*' or '.' */
	j = i + 1;
	if (i < len && (buf[i] == '*' || buf[i] == '.') &&
	    parse_bsd(buf, len, &j, &c) == 0)
		i++;

	j = i;
	w = i;
	if (parse_bsd(buf, len, &j, &c) == 0) {
		now = hint != NULL ? (hint->now > 0 ? hint->now :
		    hint->received_at) : 0;
		if (now <= 0)
			now = (int64_t)time(NULL) * USEC_PER_SEC;
		r.ts = resolve_year(&c, now);
		r.has_ts = 1;
		i = j;
	} else if (parse_rfc3339(buf, len, &w, 0, &c, &err) == 0 &&
	    (w == len || buf[w] == ' ')) {
		if (c.has_off)
			r.ts = civil_to_us(&c);
		else if (civil_local(&c, c.year, &r.ts) == -1)
			r.ts = civil_to_us(&c);
		r.has_ts = 1;
		i = w;
	} else if (!has_pri) {
		if (reason != NULL)
			*reason = fail("RFC 3164", "no PRI or time stamp", 0);
		return (PARSE_NOMATCH);
	}
	while (i < len && buf[i] == ' ')
		i++;

	if (len - i > sizeof(forwarded_from) - 1 &&
	    memcmp(buf + i, forwarded_from, sizeof(forwarded_from) - 1) == 0) {
		/* AIX: "Message forwarded from host: tag[pid]: msg" */
		j = i + sizeof(forwarded_from) - 1;
		for (w = j; w < len && buf[w] != ':' && buf[w] != ' '; w++)
			;
		if (w < len && buf[w] == ':' && host_word(buf + j, w - j)) {
			r.host.p = buf + j;
			r.host.n = w - j;
			i = w + 1;
			while (i < len && buf[i] == ' ')
				i++;
		}
	} else if (r.has_ts) {
		for (w = i; w < len && buf[w] != ' '; w++)
			;
		if (w > i && host_word(buf + i, w - i)) {
			r.host.p = buf + i;
			r.host.n = w - i;
			i = w;
			while (i < len && buf[i] == ' ')
				i++;
		}
	}

	if (i < len && !parse_tag(buf, len, &i, &r.app, &r.procid,
	    &r.detail)) {
		r.app.p = NULL;
		r.procid.p = NULL;
		r.detail.p = NULL;
	}
	if (i < len) {
		r.msg.p = buf + i;
		r.msg.n = len - i;
	}
	if (r.pri == -1 && (hint == NULL || hint->source_file == NULL))
		r.pri = SYSLOG_PRI_DEFAULT;
	fill_event(ev, buf, olen, hint, &r);
	return (PARSE_OK);
}

/*
 * "<PRI>VERSION SP" marks RFC 5424 (VERSION is 1..999 without a
 * leading zero); such a record is parsed strictly and a broken one is
 * an error, not a 3164 record.  Everything else goes to the 3164
 * parser.
 */
int
syslog_parse(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char **reason)
{
	size_t	 i = 0, s, err;
	int	 pri;

	if (parse_pri(buf, len, &i, &pri, &err) == 0) {
		s = i;
		if (i < len && buf[i] >= '1' && buf[i] <= '9') {
			while (i < len && ISDIGIT(buf[i]) &&
			    i - s < SYSLOG_VERSION_DIGITS)
				i++;
			if (i < len && buf[i] == ' ')
				return (syslog_parse_5424(ev, buf, len, hint,
				    reason));
		}
	}
	return (syslog_parse_3164(ev, buf, len, hint, reason));
}
