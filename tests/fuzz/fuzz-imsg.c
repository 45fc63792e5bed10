/*
 * libFuzzer driver for the imsg reader.  The input is a byte stream a
 * hostile peer could write, cut into chunks and sent through a
 * socketpair, some chunks carrying a descriptor, into a channel that
 * accepts descriptors.  Every message that comes out is taken apart
 * with each getter and sent again through a second channel, where it
 * must arrive unchanged.
 *
 * Layout: data[0] bits 0-6 choose the chunk size (0x7f: one chunk),
 * bit 7 attaches a descriptor to the chunks whose bit is set in
 * data[1]; the stream follows.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privsep/imsg.h"

#define FUZZ_MAXPAYLOAD	4096

struct fuzz {
	int		 sv[2];		/* raw writer, channel under test */
	int		 ev[2];		/* echo channel */
	int		 pfd[2];	/* a pipe whose read end travels */
	struct imsgbuf	 in;
	struct imsgbuf	 eout;
	struct imsgbuf	 ein;
	int		 dead;		/* the peer broke the protocol */
};

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 fuzz_send(struct fuzz *, const uint8_t *, size_t, int);
static void	 fuzz_drain(struct fuzz *);
static void	 fuzz_message(struct fuzz *, struct imsg *);
static void	 fuzz_echo(struct fuzz *, struct imsg *);

static int
fuzz_send(struct fuzz *f, const uint8_t *buf, size_t len, int withfd)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(sizeof(int))];
	}		 cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	int		 tries;

	for (tries = 0; len > 0 && tries < 1000; tries++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = (void *)buf;
		iov.iov_len = len;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if (withfd) {
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cmsg), &f->pfd[0], sizeof(int));
		}
		n = sendmsg(f->sv[0], &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				return (-1);
			/* The socket is full: let the reader catch up. */
			fuzz_drain(f);
			if (f->dead)
				return (-1);
			continue;
		}
		withfd = 0;
		buf += n;
		len -= n;
	}
	return (len == 0 ? 0 : -1);
}

/* Read what is there and take out every whole message. */
static void
fuzz_drain(struct fuzz *f)
{
	struct imsg	 imsg;
	ssize_t		 n;
	int		 rv;

	while (!f->dead) {
		while ((rv = imsg_get(&f->in, &imsg)) == 1) {
			fuzz_message(f, &imsg);
			imsg_free(&imsg);
		}
		if (rv == -1) {
			/* A real receiver would exit here. */
			if (errno != EBADMSG && errno != EMSGSIZE)
				abort();
			f->dead = 1;
			return;
		}
		n = imsgbuf_read(&f->in);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
			f->dead = 1;
			return;
		}
		if (n == -1)
			return;
	}
}

static void
fuzz_message(struct fuzz *f, struct imsg *imsg)
{
	unsigned char		 buf[FUZZ_MAXPAYLOAD];
	const unsigned char	*tail;
	const void		*vtail;
	const char		*s;
	uint64_t		 head;
	uint32_t		 word;
	size_t			 taillen, i;
	volatile unsigned char	 sum = 0;

	if (imsg->datalen > FUZZ_MAXPAYLOAD)
		abort();
	if ((imsg->data == NULL) != (imsg->datalen == 0))
		abort();
	if (imsg->hdr.len != IMSG_HEADER_SIZE + imsg->datalen)
		abort();

	if (imsg_get_string(imsg, &s) == 0) {
		if (strlen(s) + 1 != imsg->datalen)
			abort();
	}
	if (imsg_get_data(imsg, &word, sizeof(word)) == 0 &&
	    imsg->datalen != sizeof(word))
		abort();
	if (imsg_get_data(imsg, buf, imsg->datalen) != 0)
		abort();
	if (imsg->datalen > 0 && memcmp(buf, imsg->data, imsg->datalen) != 0)
		abort();
	if (imsg_get_head(imsg, &head, sizeof(head), &vtail, &taillen) == 0) {
		if (taillen != imsg->datalen - sizeof(head))
			abort();
		/* Touch every tail byte so the sanitizer sees the range. */
		tail = vtail;
		for (i = 0; i < taillen; i++)
			sum += tail[i];
	} else if (imsg->datalen >= sizeof(head))
		abort();
	(void)sum;

	fuzz_echo(f, imsg);
}

/*
 * Send the message again, with its descriptor when it has one, and
 * check that it comes out of the second channel as it went in.
 */
static void
fuzz_echo(struct fuzz *f, struct imsg *imsg)
{
	struct imsg	 back;
	ssize_t		 n;
	uint32_t	 pid;
	int		 fd, hadfd, i, rv;

	hadfd = imsg->fd >= 0;
	fd = imsg_get_fd(imsg);
	if (imsg_compose(&f->eout, imsg->hdr.type, imsg->hdr.peerid,
	    imsg->hdr.pid, fd, imsg->data, imsg->datalen) == -1) {
		if (fd >= 0)
			close(fd);
		abort();
	}
	if (imsgbuf_flush(&f->eout) == -1)
		abort();

	rv = 0;
	for (i = 0; i < 100 && (rv = imsg_get(&f->ein, &back)) == 0; i++) {
		n = imsgbuf_read(&f->ein);
		if (n == 0 || (n == -1 && errno != EAGAIN))
			abort();
	}
	if (rv != 1)
		abort();
	pid = imsg->hdr.pid != 0 ? imsg->hdr.pid : f->eout.pid;
	if (back.hdr.type != imsg->hdr.type ||
	    back.hdr.peerid != imsg->hdr.peerid || back.hdr.pid != pid ||
	    back.datalen != imsg->datalen || (back.fd >= 0) != hadfd)
		abort();
	if (back.datalen > 0 &&
	    memcmp(back.data, imsg->data, back.datalen) != 0)
		abort();
	imsg_free(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz	 f;
	size_t		 chunk, off, n, nchunk;
	uint8_t		 fdmask;
	int		 withfd;

	if (size < 2)
		return (0);
	memset(&f, 0, sizeof(f));
	chunk = (data[0] & 0x7f) == 0x7f ? SIZE_MAX : (data[0] & 0x7f) + 1;
	fdmask = (data[0] & 0x80) ? data[1] : 0;
	data += 2;
	size -= 2;

	/* Failing here means descriptors leaked from earlier inputs. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, f.sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, f.ev) == -1 ||
	    pipe(f.pfd) == -1)
		abort();
	if (imsgbuf_init(&f.in, f.sv[1], FUZZ_MAXPAYLOAD, 1) == -1 ||
	    imsgbuf_init(&f.eout, f.ev[0], FUZZ_MAXPAYLOAD, 0) == -1 ||
	    imsgbuf_init(&f.ein, f.ev[1], FUZZ_MAXPAYLOAD, 1) == -1)
		abort();

	for (off = 0, nchunk = 0; off < size && !f.dead; off += n, nchunk++) {
		n = size - off < chunk ? size - off : chunk;
		withfd = (fdmask >> (nchunk % 8)) & 1;
		if (fuzz_send(&f, data + off, n, withfd) == -1)
			break;
		fuzz_drain(&f);
	}
	/* The peer hangs up: whatever is left must still be framed. */
	close(f.sv[0]);
	fuzz_drain(&f);

	imsgbuf_clear(&f.in);
	imsgbuf_clear(&f.eout);
	imsgbuf_clear(&f.ein);
	close(f.sv[1]);
	close(f.ev[0]);
	close(f.ev[1]);
	close(f.pfd[0]);
	close(f.pfd[1]);
	return (0);
}
