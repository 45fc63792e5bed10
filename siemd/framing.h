/*
 * Syslog framing on a byte stream (TCP, TLS): RFC 6587 octet counting
 * ("LEN SP MSG") and LF-terminated lines, detected again at the start
 * of every message.  A pure state machine: bytes in, records out
 * through a callback, no sockets, no logging, so that it can be unit
 * tested and fuzzed on its own.
 */

#ifndef SIEMD_FRAMING_H
#define SIEMD_FRAMING_H

#include <stddef.h>
#include <stdint.h>

#define FRAMER_MAX_DIGITS	9		/* octet count length field */
#define FRAMER_MAX_MESSAGE	(16 * 1024 * 1024)	/* ceiling for maxmsg */
#define FRAMER_MIN_BUFFER	1024		/* first allocation */
#define FRAMER_KEEP_BUFFER	(16 * 1024)	/* kept when empty */

/*
 * One record: len bytes at rec, valid only during the call.
 * truncated is set when the message was longer than maxmsg and only
 * its first maxmsg bytes are given.
 */
typedef void	(*framer_cb)(const char *rec, size_t len, int truncated,
		    void *arg);

enum framer_state {
	FRAMER_START,		/* at a message boundary */
	FRAMER_DIGITS,		/* reading the octet count */
	FRAMER_OCTETS,		/* reading an octet-counted message */
	FRAMER_SKIP_OCTETS,	/* discarding the rest of an oversize one */
	FRAMER_LINE,		/* reading an LF-terminated line */
	FRAMER_SKIP_LINE	/* discarding the rest of an oversize line */
};

struct framer {
	size_t			 maxmsg;
	enum framer_state	 state;
	size_t			 want;		/* octets: bytes still due */
	size_t			 ndigits;
	char			 digits[FRAMER_MAX_DIGITS];
	int			 cr;		/* line: a CR held back */
	char			*buf;		/* the message so far */
	size_t			 len;
	size_t			 cap;		/* at most maxmsg */

	/* counters, for the caller to read */
	uint64_t		 records;
	uint64_t		 truncated;	/* records cut at maxmsg */
	uint64_t		 framing_errors;
	uint64_t		 empty;		/* empty lines skipped */
};

void	 framer_init(struct framer *, size_t);
int	 framer_feed(struct framer *, const char *, size_t, framer_cb,
	    void *);
int	 framer_finish(struct framer *, framer_cb, void *);
void	 framer_compact(struct framer *);
void	 framer_free(struct framer *);

#endif /* SIEMD_FRAMING_H */
