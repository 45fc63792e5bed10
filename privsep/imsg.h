/*
 * imsg-style message framing between privilege-separated processes.
 *
 * Every message is a 16-byte header followed by its payload.  The
 * header's len covers header and payload; its top bit says that one
 * file descriptor travels with the message (SCM_RIGHTS).  A channel
 * has a payload limit, accepts descriptors only when told to, and has
 * a bounded write queue whose high and low water marks drive
 * back-pressure in the sender.
 */

#ifndef PRIVSEP_IMSG_H
#define PRIVSEP_IMSG_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>

struct imsg_hdr {
	uint32_t	 type;
	uint32_t	 len;		/* header + payload, IMSGF_HASFD */
	uint32_t	 peerid;
	uint32_t	 pid;
};

#define IMSG_HEADER_SIZE	sizeof(struct imsg_hdr)
#define IMSGF_HASFD		0x80000000U
#define IMSG_LEN_MASK		0x7fffffffU

/* Hard ceiling for any channel's payload limit. */
#define IMSG_MAX_PAYLOAD	(16U * 1024 * 1024)
/* Descriptors that may wait for their message on one channel. */
#define IMSG_MAX_PENDING_FDS	16

struct imsg {
	struct imsg_hdr	 hdr;
	int		 fd;		/* -1 unless hdr.len had IMSGF_HASFD */
	void		*data;		/* valid until the next imsg_get() */
	size_t		 datalen;
};

struct imsg_out {
	TAILQ_ENTRY(imsg_out)	 entry;
	int			 fd;	/* sent with the first byte, then closed */
	size_t			 len;
	size_t			 off;
	unsigned char		 buf[];	/* followed by len bytes */
};
TAILQ_HEAD(imsg_outq, imsg_out);

struct imsgbuf;
typedef void	(*imsg_water_cb)(struct imsgbuf *, int above, void *);

struct imsgbuf {
	int			 fd;
	uint32_t		 pid;		/* stamped on composed messages */
	size_t			 maxpayload;
	int			 accept_fd;

	/* read side */
	unsigned char		*rbuf;
	size_t			 rsize;
	size_t			 rstart;	/* first unconsumed byte */
	size_t			 rend;		/* one past the last byte read */
	int			 fds[IMSG_MAX_PENDING_FDS];
	int			 nfds;
	uint64_t		 fds_refused;	/* descriptors closed unasked */

	/* write side */
	struct imsg_outq	 outq;
	size_t			 queued;	/* bytes waiting to be written */
	size_t			 qlimit;	/* compose fails above this */
	size_t			 high;
	size_t			 low;
	int			 above;		/* between high and low */
	imsg_water_cb		 water_cb;
	void			*water_arg;
	uint64_t		 refused;	/* composes refused by qlimit */
};

int	 imsgbuf_init(struct imsgbuf *, int, size_t, int);
void	 imsgbuf_clear(struct imsgbuf *);
void	 imsgbuf_set_limits(struct imsgbuf *, size_t, size_t, size_t,
	    imsg_water_cb, void *);
size_t	 imsgbuf_queued(const struct imsgbuf *);

int	 imsg_compose(struct imsgbuf *, uint32_t, uint32_t, uint32_t, int,
	    const void *, size_t);
int	 imsg_composev(struct imsgbuf *, uint32_t, uint32_t, uint32_t, int,
	    const struct iovec *, int);
int	 imsgbuf_write(struct imsgbuf *);
int	 imsgbuf_flush(struct imsgbuf *);
ssize_t	 imsgbuf_read(struct imsgbuf *);
int	 imsg_get(struct imsgbuf *, struct imsg *);
void	 imsg_free(struct imsg *);

int	 imsg_get_fd(struct imsg *);
int	 imsg_get_data(const struct imsg *, void *, size_t);
int	 imsg_get_string(const struct imsg *, const char **);
int	 imsg_get_head(const struct imsg *, void *, size_t, const void **,
	    size_t *);

#endif /* PRIVSEP_IMSG_H */
