/*
 * The syslog stream framer (RFC 6587): octet counting and LF framing,
 * chosen by the first byte of each message the way syslog-ng and
 * rsyslog do, so that one connection may mix both.
 *
 * Every length from the wire is untrusted.  The message buffer never
 * holds more than maxmsg bytes, whatever an octet count claims: a
 * longer message is delivered cut at maxmsg as soon as that much has
 * arrived, and the rest of it is read and discarded.  Complete
 * messages that arrive in one piece are handed out straight from the
 * caller's bytes; only a message split across reads is copied.
 *
 * A malformed octet count (a non-digit before the space, or more than
 * FRAMER_MAX_DIGITS digits) is a framing error: the bytes read so far
 * become the start of an LF-terminated line, and the next message is
 * detected afresh.  Closing the connection instead would lose the
 * messages of senders that write lines beginning with a digit.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "framing.h"

static int	 framer_put(struct framer *, const char *, size_t);
static void	 framer_deliver(struct framer *, const char *, size_t, int,
		    framer_cb, void *);
static int	 framer_line(struct framer *, const char *, size_t, int,
		    framer_cb, void *);
static int	 framer_octets(struct framer *, const char *, size_t,
		    size_t *, framer_cb, void *);

void
framer_init(struct framer *f, size_t maxmsg)
{
	memset(f, 0, sizeof(*f));
	if (maxmsg == 0)
		maxmsg = 1;
	if (maxmsg > FRAMER_MAX_MESSAGE)
		maxmsg = FRAMER_MAX_MESSAGE;
	f->maxmsg = maxmsg;
	f->state = FRAMER_START;
}

void
framer_free(struct framer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
}

/* A connection that went quiet should not keep a large buffer. */
void
framer_compact(struct framer *f)
{
	if (f->len == 0 && f->cap > FRAMER_KEEP_BUFFER) {
		free(f->buf);
		f->buf = NULL;
		f->cap = 0;
	}
}

/* Append; the callers make sure that len + n <= maxmsg. */
static int
framer_put(struct framer *f, const char *p, size_t n)
{
	size_t	 ncap;
	char	*nbuf;

	if (n == 0)
		return (0);
	if (n > f->maxmsg - f->len) {
		errno = EOVERFLOW;
		return (-1);
	}
	if (f->len + n > f->cap) {
		ncap = f->cap ? f->cap : FRAMER_MIN_BUFFER;
		while (ncap < f->len + n && ncap < f->maxmsg)
			ncap *= 2;
		if (ncap > f->maxmsg)
			ncap = f->maxmsg;
		if ((nbuf = realloc(f->buf, ncap)) == NULL)
			return (-1);
		f->buf = nbuf;
		f->cap = ncap;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return (0);
}

static void
framer_deliver(struct framer *f, const char *p, size_t n, int truncated,
    framer_cb cb, void *arg)
{
	f->records++;
	if (truncated)
		f->truncated++;
	cb(p, n, truncated, arg);
}

/*
 * n bytes of an LF-framed line, without the LF; at_lf says the line
 * ends here.  A CR is stripped only right before the LF; one that
 * ends a read is held back until the next byte shows what it was.
 */
static int
framer_line(struct framer *f, const char *p, size_t n, int at_lf,
    framer_cb cb, void *arg)
{
	size_t	 room;

	if (f->cr) {
		f->cr = 0;
		if (!at_lf || n > 0) {
			/* it was data after all */
			if (f->len == f->maxmsg) {
				framer_deliver(f, f->buf, f->len, 1, cb, arg);
				f->len = 0;
				f->state = at_lf ? FRAMER_START :
				    FRAMER_SKIP_LINE;
				return (0);
			}
			if (framer_put(f, "\r", 1) == -1)
				return (-1);
		}
	}
	if (n > 0 && p[n - 1] == '\r') {
		n--;
		if (!at_lf)
			f->cr = 1;
	}

	room = f->maxmsg - f->len;
	if (n > room) {
		/* oversize: the head now, the rest of the line skipped */
		if (f->len == 0)
			framer_deliver(f, p, f->maxmsg, 1, cb, arg);
		else {
			if (framer_put(f, p, room) == -1)
				return (-1);
			framer_deliver(f, f->buf, f->len, 1, cb, arg);
		}
		f->len = 0;
		f->cr = 0;
		f->state = at_lf ? FRAMER_START : FRAMER_SKIP_LINE;
		return (0);
	}
	if (!at_lf)
		return (framer_put(f, p, n));

	if (f->len > 0) {
		if (framer_put(f, p, n) == -1)
			return (-1);
		p = f->buf;
		n = f->len;
	}
	if (n == 0)
		f->empty++;
	else
		framer_deliver(f, p, n, 0, cb, arg);
	f->len = 0;
	f->state = FRAMER_START;
	return (0);
}

/* Up to avail bytes of an octet-counted message; *used says how many. */
static int
framer_octets(struct framer *f, const char *p, size_t avail, size_t *used,
    framer_cb cb, void *arg)
{
	size_t	 n;

	if (f->len == 0 && f->want <= avail && f->want <= f->maxmsg) {
		/* all of it is here: no copy */
		*used = f->want;
		framer_deliver(f, p, f->want, 0, cb, arg);
		f->want = 0;
		f->state = FRAMER_START;
		return (0);
	}
	n = avail < f->want ? avail : f->want;
	if (n > f->maxmsg - f->len)
		n = f->maxmsg - f->len;
	if (framer_put(f, p, n) == -1)
		return (-1);
	f->want -= n;
	*used = n;
	if (f->want == 0) {
		framer_deliver(f, f->buf, f->len, 0, cb, arg);
		f->len = 0;
		f->state = FRAMER_START;
	} else if (f->len == f->maxmsg) {
		/* longer than we keep: the head now, the rest discarded */
		framer_deliver(f, f->buf, f->len, 1, cb, arg);
		f->len = 0;
		f->state = FRAMER_SKIP_OCTETS;
	}
	return (0);
}

/*
 * Feed len bytes; cb is called once per complete record.  Returns -1
 * only when memory runs out.
 */
int
framer_feed(struct framer *f, const char *buf, size_t len, framer_cb cb,
    void *arg)
{
	const char	*nl;
	size_t		 i = 0, n;
	unsigned char	 ch;

	while (i < len) {
		switch (f->state) {
		case FRAMER_START:
			ch = buf[i];
			if (ch >= '1' && ch <= '9') {
				f->state = FRAMER_DIGITS;
				f->ndigits = 0;
				f->want = 0;
			} else if (ch == '\n') {
				f->empty++;
				i++;
			} else {
				f->state = FRAMER_LINE;
				f->len = 0;
				f->cr = 0;
			}
			break;
		case FRAMER_DIGITS:
			ch = buf[i];
			if (ch >= '0' && ch <= '9' &&
			    f->ndigits < FRAMER_MAX_DIGITS) {
				f->digits[f->ndigits++] = ch;
				f->want = f->want * 10 + (ch - '0');
				i++;
			} else if (ch == ' ') {
				f->state = FRAMER_OCTETS;
				f->len = 0;
				i++;
			} else {
				/* not an octet count: a line after all */
				f->framing_errors++;
				f->state = FRAMER_LINE;
				f->len = 0;
				f->cr = 0;
				if (framer_line(f, f->digits, f->ndigits, 0,
				    cb, arg) == -1)
					return (-1);
			}
			break;
		case FRAMER_OCTETS:
			if (framer_octets(f, buf + i, len - i, &n, cb,
			    arg) == -1)
				return (-1);
			i += n;
			break;
		case FRAMER_SKIP_OCTETS:
			n = len - i < f->want ? len - i : f->want;
			f->want -= n;
			i += n;
			if (f->want == 0)
				f->state = FRAMER_START;
			break;
		case FRAMER_LINE:
			nl = memchr(buf + i, '\n', len - i);
			n = nl != NULL ? (size_t)(nl - (buf + i)) : len - i;
			if (framer_line(f, buf + i, n, nl != NULL, cb,
			    arg) == -1)
				return (-1);
			i += n + (nl != NULL);
			break;
		case FRAMER_SKIP_LINE:
			nl = memchr(buf + i, '\n', len - i);
			if (nl == NULL)
				i = len;
			else {
				i = nl - buf + 1;
				f->state = FRAMER_START;
			}
			break;
		}
	}
	framer_compact(f);
	return (0);
}

/*
 * The stream ended.  A line without its LF is still a line; an
 * unfinished octet-counted message is delivered as far as it came,
 * marked truncated, and counted as a framing error.
 */
int
framer_finish(struct framer *f, framer_cb cb, void *arg)
{
	int	 rv = 0;

	switch (f->state) {
	case FRAMER_START:
	case FRAMER_SKIP_LINE:
		break;
	case FRAMER_SKIP_OCTETS:
		f->framing_errors++;
		break;
	case FRAMER_DIGITS:
		f->framing_errors++;
		f->len = 0;
		f->cr = 0;
		f->state = FRAMER_LINE;
		if ((rv = framer_line(f, f->digits, f->ndigits, 0, cb,
		    arg)) == -1)
			break;
		if (f->state != FRAMER_LINE)
			break;
		/* FALLTHROUGH */
	case FRAMER_LINE:
		/* a CR held back at the very end is a line ending */
		f->cr = 0;
		if (f->len > 0)
			framer_deliver(f, f->buf, f->len, 0, cb, arg);
		break;
	case FRAMER_OCTETS:
		/* cut short, not oversize: truncated flag, no count */
		f->framing_errors++;
		if (f->len > 0) {
			f->records++;
			cb(f->buf, f->len, 1, arg);
		}
		break;
	}
	f->state = FRAMER_START;
	f->len = 0;
	f->want = 0;
	f->cr = 0;
	framer_compact(f);
	return (rv);
}
