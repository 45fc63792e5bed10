/*
 * Web server access logs: the common and combined formats as nginx
 * and Apache write them, with the usual variations -- an Apache
 * "vhost:port" prefix, X-Forwarded-For chains before the client
 * address or in a trailing quoted field, request times and key=value
 * fields after the user agent, IPv6 clients, escaped quotes.
 *
 *   [vhost[:port]] [xff, ...] host ident authuser [dd/Mon/yyyy:hh:mm:ss
 *   +zzzz] "METHOD target HTTP/x.y" status bytes ["referer" "agent"
 *   [extra ...]]
 *
 * src_ip is always the address that connected (the host field).  An
 * X-Forwarded-For chain is kept in data_json "x_forwarded_for", and its
 * left-most valid address in "forwarded_client"; whether to believe
 * it is for whoever knows which proxies are trusted.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "normalize.h"

#define ACCESS_MAX_PREFIX	16	/* tokens before the date */
#define ACCESS_MAX_XFF		32	/* addresses kept from a chain */
#define ACCESS_MAX_EXTRA	16	/* trailing fields kept */
#define ACCESS_MAX_METHOD	32
#define ACCESS_MAX_KEY		64	/* key of a trailing key=value */
#define ACCESS_DATE_LEN		20	/* dd/Mon/yyyy:hh:mm:ss */
#define ACCESS_USEC		1000000LL

struct access_tok {
	const char	*s;
	size_t		 len;
	int		 quoted;
};

/* A string being picked apart: [p, end). */
struct access_cur {
	const char	*p;
	const char	*end;
};

static const char *access_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static int	 access_date(const char *, const char *, int64_t *,
		    const char **);
static const char *access_find_date(const char *, const char *, int64_t *,
		    const char **);
static int	 access_split(const char *, const char *, struct access_tok *,
		    int);
static int	 access_ip(const char *, size_t, char *, size_t);
static int	 access_hostname(const char *, size_t);
static int	 access_xff_item(const char *, size_t);
static int	 access_xff_add(json_t *, const char *, size_t, char *, size_t);
static int	 access_xff_tok(json_t *, const struct access_tok *, char *,
		    size_t);
static int	 access_quoted(struct access_cur *, int, const char **,
		    size_t *);
static char	*access_unescape(const char *, size_t, size_t *);
static void	 access_request(struct siem_event *, const char *, size_t);
static int	 access_number(const char *, size_t, int64_t *);
static void	 access_extra(struct siem_event *, json_t *, json_t *,
		    const char *, size_t, int);
static int	 access_is_dash(const char *, size_t);

static int
access_is_dash(const char *s, size_t len)
{
	return (len == 0 || (len == 1 && s[0] == '-'));
}

/* "dd/Mon/yyyy:hh:mm:ss[ ±zzzz]]" at p; *next is past the ']'. */
static int
access_date(const char *p, const char *end, int64_t *us, const char **next)
{
	struct tm	 tm;
	time_t		 t;
	int		 i, mon = -1, off = 0, sign;
	const char	*q;

	if (end - p < ACCESS_DATE_LEN + 1)
		return (-1);
	for (i = 0; i < ACCESS_DATE_LEN; i++) {
		switch (i) {
		case 2:
		case 6:
			if (p[i] != '/')
				return (-1);
			break;
		case 3:
		case 4:
		case 5:
			if (!isalpha((unsigned char)p[i]))
				return (-1);
			break;
		case 11:
		case 14:
		case 17:
			if (p[i] != ':')
				return (-1);
			break;
		default:
			if (!isdigit((unsigned char)p[i]))
				return (-1);
		}
	}
	for (i = 0; i < 12; i++)
		if (strncasecmp(p + 3, access_months[i], 3) == 0)
			mon = i;
	if (mon == -1)
		return (-1);
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = (p[0] - '0') * 10 + (p[1] - '0');
	tm.tm_mon = mon;
	tm.tm_year = (p[7] - '0') * 1000 + (p[8] - '0') * 100 +
	    (p[9] - '0') * 10 + (p[10] - '0') - 1900;
	tm.tm_hour = (p[12] - '0') * 10 + (p[13] - '0');
	tm.tm_min = (p[15] - '0') * 10 + (p[16] - '0');
	tm.tm_sec = (p[18] - '0') * 10 + (p[19] - '0');
	if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_year < 70 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return (-1);
	q = p + ACCESS_DATE_LEN;
	if (*q == ' ' && end - q >= 7 && (q[1] == '+' || q[1] == '-')) {
		sign = q[1] == '-' ? -1 : 1;
		for (i = 2; i < 6; i++)
			if (!isdigit((unsigned char)q[i]))
				return (-1);
		off = ((q[2] - '0') * 10 + (q[3] - '0')) * 3600 +
		    ((q[4] - '0') * 10 + (q[5] - '0')) * 60;
		off *= sign;
		q += 6;
	}
	if (q >= end || *q != ']')
		return (-1);
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	t -= off;
	if (t < 0)
		return (-1);
	*us = (int64_t)t * ACCESS_USEC;
	*next = q + 1;
	return (0);
}

/* The first " [date]" of the line; returns the '[' or NULL. */
static const char *
access_find_date(const char *buf, const char *end, int64_t *us,
    const char **next)
{
	const char	*p;

	for (p = buf + 1; p < end; p++) {
		if ((p = memchr(p, '[', end - p)) == NULL)
			return (NULL);
		if (p[-1] == ' ' && access_date(p + 1, end, us, next) == 0)
			return (p);
	}
	return (NULL);
}

/*
 * Split [p, end) into space-separated tokens, a token that starts
 * with a quote running to the closing quote.  Returns the count, or
 * -1 for more than max tokens or an unterminated quote.
 */
static int
access_split(const char *p, const char *end, struct access_tok *tok,
    int max)
{
	const char	*q;
	int		 n = 0;

	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			return (n);
		if (n == max)
			return (-1);
		if (*p == '"') {
			if ((q = memchr(p + 1, '"', end - p - 1)) == NULL)
				return (-1);
			tok[n].s = p + 1;
			tok[n].len = q - p - 1;
			tok[n].quoted = 1;
			p = q + 1;
		} else {
			for (q = p; q < end && *q != ' '; q++)
				;
			tok[n].s = p;
			tok[n].len = q - p;
			tok[n].quoted = 0;
			p = q;
		}
		n++;
	}
}

/*
 * Whether s is an IP address, also as "[v6]", "[v6]:port" or
 * "v4:port"; the bare address goes to out.
 */
static int
access_ip(const char *s, size_t len, char *out, size_t sz)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	const char	*c;

	if (len > 0 && s[0] == '[') {
		if ((c = memchr(s, ']', len)) == NULL)
			return (0);
		len = c - s - 1;
		s++;
	} else if ((c = memchr(s, ':', len)) != NULL &&
	    memchr(c + 1, ':', len - (c + 1 - s)) == NULL)
		len = c - s;	/* one colon: v4:port */
	if (len == 0 || len >= sz || memchr(s, '\0', len) != NULL)
		return (0);
	memcpy(out, s, len);
	out[len] = '\0';
	return (inet_pton(AF_INET, out, &a4) == 1 ||
	    inet_pton(AF_INET6, out, &a6) == 1);
}

/* A DNS name, optionally with :port, as Apache's %v or %h write it. */
static int
access_hostname(const char *s, size_t len)
{
	size_t	 i;
	int	 alpha = 0;

	if (len == 0 || len > SIEMD_MAX_NAME)
		return (0);
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == ':')
			break;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return (0);
	}
	if (i < len) {
		if (i + 1 == len || len - i - 1 > 5)
			return (0);
		for (i++; i < len; i++)
			if (!isdigit((unsigned char)s[i]))
				return (0);
	}
	return (alpha);
}

/* What may appear in an X-Forwarded-For chain besides addresses. */
static int
access_xff_item(const char *s, size_t len)
{
	char	 buf[INET6_ADDRSTRLEN + 8];

	return (access_is_dash(s, len) ||
	    (len == 7 && strncasecmp(s, "unknown", 7) == 0) ||
	    access_ip(s, len, buf, sizeof(buf)));
}

/*
 * Append one chain element; the first valid address becomes the
 * forwarded client (copied to fwd when fwd is still empty).
 */
static int
access_xff_add(json_t *xff, const char *s, size_t len, char *fwd,
    size_t fwdsz)
{
	char	 ip[INET6_ADDRSTRLEN + 8];

	if (len == 0)
		return (0);
	if (!access_xff_item(s, len))
		return (-1);
	if (access_is_dash(s, len))
		return (0);
	if (json_array_size(xff) < ACCESS_MAX_XFF)
		json_array_append_new(xff, json_stringn(s, len));
	if (fwd[0] == '\0' && access_ip(s, len, ip, sizeof(ip)))
		strlcpy(fwd, ip, fwdsz);
	return (0);
}

/* A token of a chain: "a," or "a, b, c" (quoted); -1 if not one. */
static int
access_xff_tok(json_t *xff, const struct access_tok *t, char *fwd,
    size_t fwdsz)
{
	const char	*p = t->s, *end = t->s + t->len, *q;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == ','))
			p++;
		for (q = p; q < end && *q != ',' && *q != ' '; q++)
			;
		if (access_xff_add(xff, p, q - p, fwd, fwdsz) == -1)
			return (-1);
		p = q;
	}
	return (0);
}

/*
 * A quoted field at c->p.  Backslash escapes are skipped over; when
 * strict is set, a closing quote counts only when the status follows
 * it, so an unescaped quote inside a request line does not end it.
 */
static int
access_quoted(struct access_cur *c, int strict, const char **s, size_t *len)
{
	const char	*p, *q;

	if (c->p >= c->end || *c->p != '"')
		return (-1);
	for (p = c->p + 1; p < c->end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p != '"')
			continue;
		q = p + 1;
		if (strict && (c->end - q < 2 || q[0] != ' ' ||
		    (!isdigit((unsigned char)q[1]) && q[1] != '-')))
			continue;
		*s = c->p + 1;
		*len = p - c->p - 1;
		c->p = q;
		return (0);
	}
	return (-1);
}

/*
 * Undo the servers' escaping: \" and \\ from Apache, and \xHH where HH
 * is a printable character (nginx writes quotes as \x22).  Other \xHH
 * stay as written, so columns keep showing what was escaped.
 */
static char *
access_unescape(const char *s, size_t len, size_t *outlen)
{
	char		*out;
	size_t		 i, o = 0;
	unsigned int	 v;

	if ((out = malloc(len + 1)) == NULL)
		fatal("%s: malloc", __func__);
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len &&
		    (s[i + 1] == '"' || s[i + 1] == '\\')) {
			out[o++] = s[++i];
			continue;
		}
		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
		    isxdigit((unsigned char)s[i + 2]) &&
		    isxdigit((unsigned char)s[i + 3])) {
			v = (unsigned int)(isdigit((unsigned char)s[i + 2]) ?
			    s[i + 2] - '0' : (tolower((unsigned char)s[i + 2]) -
			    'a' + 10)) << 4;
			v |= isdigit((unsigned char)s[i + 3]) ? s[i + 3] - '0' :
			    tolower((unsigned char)s[i + 3]) - 'a' + 10;
			if (v >= 0x20 && v < 0x7f) {
				out[o++] = (char)v;
				i += 3;
				continue;
			}
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	*outlen = o;
	return (out);
}

/*
 * "METHOD target [HTTP/x.y]".  Anything else (scanners' garbage, "-",
 * an empty request) is kept whole in data_json "request".
 */
static void
access_request(struct siem_event *ev, const char *s, size_t len)
{
	const char	*sp, *last, *target, *q, *end = s + len;
	size_t		 i, tlen;

	if ((sp = memchr(s, ' ', len)) == NULL || sp == s ||
	    (size_t)(sp - s) > ACCESS_MAX_METHOD)
		goto bad;
	for (i = 0; i < (size_t)(sp - s); i++)
		if (!isupper((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			goto bad;
	target = sp + 1;
	tlen = end - target;
	for (last = end; last > target && last[-1] != ' '; last--)
		;
	if (last > target && end - last > 5 &&
	    strncmp(last, "HTTP/", 5) == 0) {
		event_data_setstr(ev, "protocol", last, end - last);
		tlen = last - 1 - target;
	}
	if (tlen == 0 || memchr(target, ' ', tlen) != NULL)
		goto bad;
	event_set(ev, EV_HTTP_METHOD, s, sp - s);
	if ((q = memchr(target, '?', tlen)) != NULL) {
		event_set(ev, EV_HTTP_PATH, target, q - target);
		if (q + 1 < target + tlen)
			event_set(ev, EV_HTTP_QUERY, q + 1,
			    target + tlen - q - 1);
	} else
		event_set(ev, EV_HTTP_PATH, target, tlen);
	return;
 bad:
	event_data_set(ev, "protocol", NULL);
	if (len > 0 && !access_is_dash(s, len))
		event_data_setstr(ev, "request", s, len);
	event_data_set(ev, "malformed_request", json_true());
}

static int
access_number(const char *s, size_t len, int64_t *out)
{
	int64_t	 n = 0;
	size_t	 i;

	if (len == 0 || len > 18)
		return (-1);
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		n = n * 10 + (s[i] - '0');
	}
	*out = n;
	return (0);
}

/*
 * A field after the user agent: nginx's "$http_x_forwarded_for" (the
 * first quoted one, if it is a chain), a request time in seconds
 * ("0.123"), key=value pairs; anything else goes to "extra".
 */
static void
access_extra(struct siem_event *ev, json_t *xff, json_t *extra, const char *s,
    size_t len, int quoted)
{
	char		 key[ACCESS_MAX_KEY], num[32], fwd[INET6_ADDRSTRLEN];
	const char	*eq;
	json_t		*chain, *v;
	double		 d;
	char		*end;
	size_t		 i;
	struct access_tok t;

	if (quoted && json_array_size(xff) == 0 &&
	    json_array_size(extra) == 0 && !access_is_dash(s, len)) {
		if ((chain = json_array()) == NULL)
			fatal("%s: json_array", __func__);
		fwd[0] = '\0';
		t.s = s;
		t.len = len;
		t.quoted = 1;
		if (access_xff_tok(chain, &t, fwd, sizeof(fwd)) == 0 &&
		    json_array_size(chain) > 0) {
			json_array_extend(xff, chain);
			json_decref(chain);
			if (fwd[0] != '\0')
				event_data_setstr(ev, "forwarded_client", fwd,
				    strlen(fwd));
			return;
		}
		json_decref(chain);
	}
	if (access_is_dash(s, len) && quoted && json_array_size(xff) == 0 &&
	    json_array_size(extra) == 0)
		return;		/* an empty X-Forwarded-For */
	if (!quoted && len < sizeof(num) && memchr(s, '.', len) != NULL) {
		memcpy(num, s, len);
		num[len] = '\0';
		errno = 0;
		d = strtod(num, &end);
		if (errno == 0 && *end == '\0' && d >= 0 &&
		    ev->latency_ms < 0) {
			ev->latency_ms = d * 1000;
			return;
		}
	}
	if (!quoted && (eq = memchr(s, '=', len)) != NULL && eq > s &&
	    (size_t)(eq - s) < sizeof(key)) {
		for (i = 0; i < (size_t)(eq - s); i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
			    s[i] != '-')
				break;
		if (i == (size_t)(eq - s)) {
			memcpy(key, s, i);
			key[i] = '\0';
			s = eq + 1;
			len -= i + 1;
			if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
				s++;
				len -= 2;
			}
			event_data_setstr(ev, key, s, len);
			if ((strcmp(key, "rt") == 0 ||
			    strcmp(key, "request_time") == 0) &&
			    len < sizeof(num) && ev->latency_ms < 0) {
				memcpy(num, s, len);
				num[len] = '\0';
				errno = 0;
				d = strtod(num, &end);
				if (errno == 0 && *end == '\0' && d >= 0)
					ev->latency_ms = d * 1000;
			}
			return;
		}
	}
	if (json_array_size(extra) < ACCESS_MAX_EXTRA &&
	    (v = json_stringn(s, len)) != NULL)
		json_array_append_new(extra, v);
}

int
access_log_parse(struct siem_event *ev, const char *buf, size_t len,
    const struct record_hint *hint, const char **reason)
{
	struct access_tok	 tok[ACCESS_MAX_PREFIX];
	struct access_cur	 c;
	const char		*end = buf + len, *lb, *s, *vhost = NULL;
	const char		*port, *req;
	char			 ip[INET6_ADDRSTRLEN + 8];
	char			 fwd[INET6_ADDRSTRLEN + 8];
	char			*u;
	json_t			*xff, *extra;
	int64_t			 ts, status = -1, bytes = -1, n;
	size_t			 slen, ulen, reqlen, vlen = 0;
	int			 ntok, i, first, nquoted = 0;

	while (len > 0 && (end[-1] == '\n' || end[-1] == '\r')) {
		end--;
		len--;
	}
	if ((lb = access_find_date(buf, end, &ts, &c.p)) == NULL)
		return (PARSE_NOMATCH);
	c.end = end;
	ntok = access_split(buf, lb, tok, ACCESS_MAX_PREFIX);
	if (ntok < 3)
		return (PARSE_NOMATCH);

	/* The prefix: an optional vhost, then a chain of addresses. */
	if ((xff = json_array()) == NULL || (extra = json_array()) == NULL)
		fatal("%s: json_array", __func__);
	fwd[0] = '\0';
	first = 0;
	if (ntok > 3 && !tok[0].quoted && !access_xff_item(tok[0].s,
	    tok[0].len) && access_hostname(tok[0].s, tok[0].len)) {
		vhost = tok[0].s;
		vlen = tok[0].len;
		first = 1;
	}
	for (i = first; i < ntok - 3; i++)
		if (access_xff_tok(xff, &tok[i], fwd, sizeof(fwd)) == -1)
			goto nomatch;
	if (tok[ntok - 3].quoted ||
	    (!access_ip(tok[ntok - 3].s, tok[ntok - 3].len, ip, sizeof(ip)) &&
	    !access_hostname(tok[ntok - 3].s, tok[ntok - 3].len) &&
	    !access_is_dash(tok[ntok - 3].s, tok[ntok - 3].len)))
		goto nomatch;

	/* After the date: "request" status bytes. */
	if (c.p >= end || *c.p != ' ')
		goto nomatch;
	c.p++;
	if (access_quoted(&c, 1, &req, &reqlen) == -1)
		goto nomatch;
	while (c.p < end && *c.p == ' ')
		c.p++;
	for (s = c.p; c.p < end && *c.p != ' '; c.p++)
		;
	if (access_number(s, c.p - s, &status) == -1 || status > 999) {
		if (!access_is_dash(s, c.p - s))
			goto nomatch;
		status = -1;
	}
	while (c.p < end && *c.p == ' ')
		c.p++;
	for (s = c.p; c.p < end && *c.p != ' '; c.p++)
		;
	if (c.p > s && access_number(s, c.p - s, &bytes) == -1 &&
	    !access_is_dash(s, c.p - s))
		goto nomatch;

	/* The line is an access log: fill the event in. */
	ev->ts = ts;
	event_set(ev, EV_EVENT_TYPE, "http_request", strlen("http_request"));
	event_set(ev, EV_MESSAGE, buf, len);
	if (hint != NULL && hint->source_type != NULL)
		event_set(ev, EV_SOURCE_TYPE, hint->source_type,
		    strlen(hint->source_type));
	if (access_ip(tok[ntok - 3].s, tok[ntok - 3].len, ip, sizeof(ip)))
		event_set(ev, EV_SRC_IP, ip, strlen(ip));
	else if (!access_is_dash(tok[ntok - 3].s, tok[ntok - 3].len))
		event_data_setstr(ev, "remote_host", tok[ntok - 3].s,
		    tok[ntok - 3].len);
	if (!access_is_dash(tok[ntok - 2].s, tok[ntok - 2].len))
		event_data_setstr(ev, "ident", tok[ntok - 2].s,
		    tok[ntok - 2].len);
	if (!access_is_dash(tok[ntok - 1].s, tok[ntok - 1].len))
		event_set(ev, EV_USER_ID, tok[ntok - 1].s, tok[ntok - 1].len);
	if (vhost != NULL) {
		if ((port = memchr(vhost, ':', vlen)) != NULL) {
			if (access_number(port + 1, vhost + vlen - port - 1,
			    &n) == 0 && n <= 65535)
				ev->ints[EV_DEST_PORT] = n;
			vlen = port - vhost;
		}
		event_data_setstr(ev, "vhost", vhost, vlen);
	}
	u = access_unescape(req, reqlen, &ulen);
	access_request(ev, u, ulen);
	free(u);

	if (status != -1) {
		ev->ints[EV_HTTP_STATUS] = status;
		event_set(ev, EV_OUTCOME, status >= 400 ? "failure" : "success",
		    strlen(status >= 400 ? "failure" : "success"));
	} else
		event_set(ev, EV_OUTCOME, "unknown", strlen("unknown"));
	if (bytes != -1)
		event_data_set(ev, "bytes", json_integer(bytes));

	/* Referer, user agent and whatever the format adds after them. */
	while (c.p < end) {
		while (c.p < end && *c.p == ' ')
			c.p++;
		if (c.p >= end)
			break;
		if (*c.p == '"') {
			if (access_quoted(&c, 0, &s, &slen) == -1)
				break;
			nquoted++;
			u = access_unescape(s, slen, &ulen);
			if (nquoted == 1 && !access_is_dash(u, ulen))
				event_data_setstr(ev, "referer", u, ulen);
			else if (nquoted == 2 && !access_is_dash(u, ulen))
				event_set(ev, EV_USER_AGENT, u, ulen);
			else if (nquoted > 2)
				access_extra(ev, xff, extra, u, ulen, 1);
			free(u);
			continue;
		}
		for (s = c.p; c.p < end && *c.p != ' '; c.p++)
			;
		access_extra(ev, xff, extra, s, c.p - s, 0);
	}
	if (json_array_size(xff) > 0) {
		if (fwd[0] != '\0')
			event_data_setstr(ev, "forwarded_client", fwd,
			    strlen(fwd));
		event_data_set(ev, "x_forwarded_for", xff);
	} else
		json_decref(xff);
	if (json_array_size(extra) > 0)
		event_data_set(ev, "extra", extra);
	else
		json_decref(extra);
	return (PARSE_OK);

 nomatch:
	json_decref(xff);
	json_decref(extra);
	return (PARSE_NOMATCH);
}
