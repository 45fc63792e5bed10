/*
 * imsg framing over a non-blocking stream socket: queue messages with
 * at most one file descriptor each, write them without blocking, and
 * take them apart again on the receiving side, refusing anything that
 * breaks the framing.  The caller owns the event loop; this file only
 * moves bytes and descriptors and checks what it hands out.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

/* Messages gathered into one sendmsg(2). */
#define IMSG_WRITE_IOV	64

static void	imsgbuf_compact(struct imsgbuf *);
static void	imsgbuf_take_fds(struct imsgbuf *, struct cmsghdr *, int);
static void	imsgbuf_close_fd(struct imsgbuf *, int);
static int	imsgbuf_pop_fd(struct imsgbuf *);
static void	imsgbuf_drained(struct imsgbuf *, size_t);

int
imsgbuf_init(struct imsgbuf *ib, int fd, size_t maxpayload, int accept_fd)
{
	int	 flags, i;

	memset(ib, 0, sizeof(*ib));
	ib->fd = -1;
	ib->nfds = 0;
	for (i = 0; i < IMSG_MAX_PENDING_FDS; i++)
		ib->fds[i] = -1;
	TAILQ_INIT(&ib->outq);

	if (maxpayload == 0 || maxpayload > IMSG_MAX_PAYLOAD) {
		errno = EINVAL;
		return (-1);
	}

	/*
	 * Never block: a process serving several peers must not stall
	 * on one slow reader; imsgbuf_flush() polls when it must wait.
	 */
	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return (-1);
	if (!(flags & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return (-1);

	/* One maximal message always fits once the buffer is compacted. */
	ib->rsize = IMSG_HEADER_SIZE + maxpayload;
	if ((ib->rbuf = malloc(ib->rsize)) == NULL) {
		ib->rsize = 0;
		errno = ENOMEM;
		return (-1);
	}

	ib->fd = fd;
	ib->pid = (uint32_t)getpid();
	ib->maxpayload = maxpayload;
	ib->accept_fd = accept_fd != 0;
	ib->qlimit = SIZE_MAX;
	return (0);
}

void
imsgbuf_clear(struct imsgbuf *ib)
{
	struct imsg_out	*m;
	int		 i;

	for (i = 0; i < ib->nfds; i++) {
		close(ib->fds[i]);
		ib->fds[i] = -1;
	}
	ib->nfds = 0;

	while ((m = TAILQ_FIRST(&ib->outq)) != NULL) {
		TAILQ_REMOVE(&ib->outq, m, entry);
		if (m->fd >= 0)
			close(m->fd);
		free(m);
	}
	ib->queued = 0;
	ib->above = 0;

	free(ib->rbuf);
	ib->rbuf = NULL;
	ib->rsize = ib->rstart = ib->rend = 0;
}

void
imsgbuf_set_limits(struct imsgbuf *ib, size_t low, size_t high, size_t qlimit,
    imsg_water_cb cb, void *arg)
{
	ib->low = low;
	ib->high = high;
	ib->qlimit = qlimit;
	ib->water_cb = cb;
	ib->water_arg = arg;
	/* Without a high mark there is no state to leave later. */
	if (high == 0)
		ib->above = 0;
}

size_t
imsgbuf_queued(const struct imsgbuf *ib)
{
	return (ib->queued);
}

int
imsg_compose(struct imsgbuf *ib, uint32_t type, uint32_t peerid, uint32_t pid,
    int fd, const void *data, size_t len)
{
	struct iovec	 iov;

	if (len == 0)
		return (imsg_composev(ib, type, peerid, pid, fd, NULL, 0));
	iov.iov_base = (void *)data;
	iov.iov_len = len;
	return (imsg_composev(ib, type, peerid, pid, fd, &iov, 1));
}

int
imsg_composev(struct imsgbuf *ib, uint32_t type, uint32_t peerid,
    uint32_t pid, int fd, const struct iovec *iov, int iovcnt)
{
	struct imsg_hdr	 hdr;
	struct imsg_out	*m;
	size_t		 datalen, total, off;
	int		 i;

	if (iovcnt < 0 || (iovcnt > 0 && iov == NULL)) {
		errno = EINVAL;
		return (-1);
	}
	datalen = 0;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > 0 && iov[i].iov_base == NULL) {
			errno = EINVAL;
			return (-1);
		}
		/* maxpayload is small enough that this cannot wrap. */
		if (iov[i].iov_len > ib->maxpayload - datalen) {
			errno = EMSGSIZE;
			return (-1);
		}
		datalen += iov[i].iov_len;
	}
	total = IMSG_HEADER_SIZE + datalen;

	/* Refusal leaves fd with the caller, which counts the drop. */
	if (total > ib->qlimit || ib->queued > ib->qlimit - total) {
		ib->refused++;
		errno = ENOBUFS;
		return (-1);
	}

	if ((m = malloc(sizeof(*m) + total)) == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	m->fd = fd >= 0 ? fd : -1;
	m->len = total;
	m->off = 0;

	hdr.type = type;
	hdr.len = (uint32_t)total;
	if (m->fd >= 0)
		hdr.len |= IMSGF_HASFD;
	hdr.peerid = peerid;
	hdr.pid = pid != 0 ? pid : ib->pid;
	memcpy(m->buf, &hdr, sizeof(hdr));
	off = IMSG_HEADER_SIZE;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		memcpy(m->buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}

	TAILQ_INSERT_TAIL(&ib->outq, m, entry);
	ib->queued += total;

	if (ib->high > 0 && !ib->above && ib->queued >= ib->high) {
		ib->above = 1;
		if (ib->water_cb != NULL)
			ib->water_cb(ib, 1, ib->water_arg);
	}
	return (0);
}

int
imsgbuf_write(struct imsgbuf *ib)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(sizeof(int))];
	}		 cmsgbuf;
	struct iovec	 iov[IMSG_WRITE_IOV];
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct imsg_out	*m, *first;
	ssize_t		 n;
	size_t		 left;
	int		 iovcnt, fd;

	while ((first = TAILQ_FIRST(&ib->outq)) != NULL) {
		/*
		 * A descriptor rides only on the sendmsg that carries its
		 * message's first byte, and never with another one: the
		 * receiver pairs descriptors with messages in order, and
		 * the kernel delivers each batch with the bytes it came
		 * with.
		 */
		fd = -1;
		iovcnt = 0;
		for (m = first; m != NULL && iovcnt < IMSG_WRITE_IOV;
		    m = TAILQ_NEXT(m, entry)) {
			if (m->fd >= 0) {
				if (m != first)
					break;
				fd = m->fd;
			}
			iov[iovcnt].iov_base = m->buf + m->off;
			iov[iovcnt].iov_len = m->len - m->off;
			iovcnt++;
		}

		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = iovcnt;
		if (fd >= 0) {
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
		}

		if ((n = sendmsg(ib->fd, &msg, MSG_NOSIGNAL)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return (0);
			return (-1);
		}

		/* The peer holds its own reference now. */
		if (fd >= 0) {
			close(fd);
			first->fd = -1;
		}

		while (n > 0 && (m = TAILQ_FIRST(&ib->outq)) != NULL) {
			left = m->len - m->off;
			if ((size_t)n < left) {
				m->off += n;
				imsgbuf_drained(ib, n);
				break;
			}
			TAILQ_REMOVE(&ib->outq, m, entry);
			free(m);
			n -= left;
			imsgbuf_drained(ib, left);
		}
	}
	return (0);
}

int
imsgbuf_flush(struct imsgbuf *ib)
{
	struct pollfd	 pfd;

	for (;;) {
		if (imsgbuf_write(ib) == -1)
			return (-1);
		if (TAILQ_EMPTY(&ib->outq))
			return (0);
		pfd.fd = ib->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		/* An error or hangup shows up in the next write. */
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return (-1);
	}
}

ssize_t
imsgbuf_read(struct imsgbuf *ib)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(sizeof(int) *
				    IMSG_MAX_PENDING_FDS)];
	}		 cmsgbuf;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;
	ssize_t		 n;
	int		 truncated;

	if (ib->rbuf == NULL) {
		errno = EINVAL;
		return (-1);
	}
	imsgbuf_compact(ib);
	/*
	 * A full buffer always holds a whole message (or a bad header):
	 * the caller has to run imsg_get() before reading more.
	 */
	if (ib->rend == ib->rsize) {
		errno = ENOBUFS;
		return (-1);
	}

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = ib->rbuf + ib->rend;
	iov.iov_len = ib->rsize - ib->rend;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	if ((n = recvmsg(ib->fd, &msg, MSG_CMSG_CLOEXEC)) == -1)
		return (-1);

	/*
	 * Descriptors the kernel could not fit were dropped by it; the
	 * order of what remains cannot be trusted, so close it all.
	 */
	truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET &&
		    cmsg->cmsg_type == SCM_RIGHTS)
			imsgbuf_take_fds(ib, cmsg, truncated);
	}

	ib->rend += n;
	if (truncated) {
		errno = EBADMSG;
		return (-1);
	}
	return (n);
}

int
imsg_get(struct imsgbuf *ib, struct imsg *imsg)
{
	struct imsg_hdr	 hdr;
	size_t		 avail, len;
	int		 fd;

	if (ib->rbuf == NULL)
		return (0);
	avail = ib->rend - ib->rstart;
	if (avail < IMSG_HEADER_SIZE)
		return (0);

	/* The buffer position need not be aligned for the header. */
	memcpy(&hdr, ib->rbuf + ib->rstart, sizeof(hdr));
	len = hdr.len & IMSG_LEN_MASK;
	if (len < IMSG_HEADER_SIZE) {
		errno = EBADMSG;
		return (-1);
	}
	if (len - IMSG_HEADER_SIZE > ib->maxpayload) {
		errno = EMSGSIZE;
		return (-1);
	}
	if ((hdr.len & IMSGF_HASFD) && !ib->accept_fd) {
		errno = EBADMSG;
		return (-1);
	}
	if (avail < len)
		return (0);

	fd = -1;
	if (hdr.len & IMSGF_HASFD) {
		/* The descriptor arrived with the message's first byte. */
		if ((fd = imsgbuf_pop_fd(ib)) == -1) {
			errno = EBADMSG;
			return (-1);
		}
	}

	/* Callers see the length alone; fd says whether one came. */
	hdr.len = (uint32_t)len;
	imsg->hdr = hdr;
	imsg->fd = fd;
	imsg->datalen = len - IMSG_HEADER_SIZE;
	imsg->data = imsg->datalen > 0 ?
	    ib->rbuf + ib->rstart + IMSG_HEADER_SIZE : NULL;
	ib->rstart += len;
	return (1);
}

void
imsg_free(struct imsg *imsg)
{
	if (imsg->fd >= 0)
		close(imsg->fd);
	imsg->fd = -1;
}

int
imsg_get_fd(struct imsg *imsg)
{
	int	 fd;

	fd = imsg->fd;
	imsg->fd = -1;
	return (fd);
}

int
imsg_get_data(const struct imsg *imsg, void *buf, size_t size)
{
	if (imsg->datalen != size) {
		errno = EBADMSG;
		return (-1);
	}
	if (size > 0)
		memcpy(buf, imsg->data, size);
	return (0);
}

int
imsg_get_string(const struct imsg *imsg, const char **str)
{
	const char	*s = imsg->data;

	/* Exactly one NUL, at the end: nothing hides behind it. */
	if (imsg->datalen == 0 || s[imsg->datalen - 1] != '\0' ||
	    memchr(s, '\0', imsg->datalen - 1) != NULL) {
		errno = EBADMSG;
		return (-1);
	}
	*str = s;
	return (0);
}

int
imsg_get_head(const struct imsg *imsg, void *head, size_t headsize,
    const void **tail, size_t *taillen)
{
	const unsigned char	*p = imsg->data;
	size_t			 rest;

	if (imsg->datalen < headsize) {
		errno = EBADMSG;
		return (-1);
	}
	if (headsize > 0)
		memcpy(head, p, headsize);
	rest = imsg->datalen - headsize;
	if (tail != NULL)
		*tail = rest > 0 ? p + headsize : NULL;
	if (taillen != NULL)
		*taillen = rest;
	return (0);
}

/*
 * Make room at the end of the read buffer, moving bytes only when the
 * message being assembled could not otherwise fit.
 */
static void
imsgbuf_compact(struct imsgbuf *ib)
{
	struct imsg_hdr	 hdr;
	size_t		 avail, need;

	avail = ib->rend - ib->rstart;
	if (avail == 0) {
		ib->rstart = ib->rend = 0;
		return;
	}
	if (ib->rstart == 0)
		return;

	need = IMSG_HEADER_SIZE;
	if (avail >= IMSG_HEADER_SIZE) {
		memcpy(&hdr, ib->rbuf + ib->rstart, sizeof(hdr));
		need = hdr.len & IMSG_LEN_MASK;
		if (need < avail)
			need = avail;
		if (need > ib->rsize)
			need = ib->rsize;
	}
	if (ib->rend < ib->rsize && ib->rsize - ib->rstart >= need)
		return;

	memmove(ib->rbuf, ib->rbuf + ib->rstart, avail);
	ib->rstart = 0;
	ib->rend = avail;
}

static void
imsgbuf_take_fds(struct imsgbuf *ib, struct cmsghdr *cmsg, int truncated)
{
	unsigned char	*p;
	size_t		 i, nfds;
	int		 fd;

	if (cmsg->cmsg_len < CMSG_LEN(0))
		return;
	nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	p = CMSG_DATA(cmsg);
	for (i = 0; i < nfds; i++) {
		memcpy(&fd, p + i * sizeof(int), sizeof(int));
		if (truncated || !ib->accept_fd ||
		    ib->nfds >= IMSG_MAX_PENDING_FDS)
			imsgbuf_close_fd(ib, fd);
		else
			ib->fds[ib->nfds++] = fd;
	}
}

static void
imsgbuf_close_fd(struct imsgbuf *ib, int fd)
{
	if (fd >= 0)
		close(fd);
	ib->fds_refused++;
}

static int
imsgbuf_pop_fd(struct imsgbuf *ib)
{
	int	 fd;

	if (ib->nfds == 0)
		return (-1);
	fd = ib->fds[0];
	ib->nfds--;
	memmove(&ib->fds[0], &ib->fds[1], ib->nfds * sizeof(ib->fds[0]));
	ib->fds[ib->nfds] = -1;
	return (fd);
}

/*
 * Account for bytes handed to the kernel and leave the high state once
 * the queue is down to the low mark, so the sender resumes reading.
 */
static void
imsgbuf_drained(struct imsgbuf *ib, size_t n)
{
	ib->queued -= n;
	if (ib->above && ib->queued <= ib->low) {
		ib->above = 0;
		if (ib->water_cb != NULL)
			ib->water_cb(ib, 0, ib->water_arg);
	}
}
