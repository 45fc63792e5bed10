/*
 * imsg framing over a socketpair: round trips, descriptor passing,
 * malformed headers forged with write(2), payload getters, water marks
 * and the queue limit, and reassembly across odd read boundaries.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privsep/imsg.h"

#include "test.h"

#define BIGPAYLOAD	(256 * 1024)

struct water {
	int	 nhigh;
	int	 nlow;
	size_t	 qhigh;		/* queued when the high call came */
	size_t	 qlow;
};

static int	 pair(int [2]);
static int	 fd_is_open(int);
static int	 count_fds(void);
static int	 pipe_has_reader(int);
static int	 pump(struct imsgbuf *, struct imsgbuf *, struct imsg *);
static int	 read_some(struct imsgbuf *);
static void	 raw_write(int, const void *, size_t);
static void	 raw_header(int, uint32_t, uint32_t);
static void	 water_cb(struct imsgbuf *, int, void *);

static void	 test_init(void);
static void	 test_roundtrip(void);
static void	 test_composev(void);
static void	 test_fd_pass(void);
static void	 test_fd_order(void);
static void	 test_bad_fd_refused(void);
static void	 test_bad_hasfd_without_fd(void);
static void	 test_bad_short_len(void);
static void	 test_bad_long_len(void);
static void	 test_bad_truncated(void);
static void	 test_bad_string(void);
static void	 test_getters(void);
static void	 test_bad_getters(void);
static void	 test_water(void);
static void	 test_qlimit(void);
static void	 test_bytewise(void);
static void	 test_many_in_one_read(void);
static void	 test_full_rbuf(void);
static void	 test_clear_closes(void);
static void	 test_pending_overflow(void);
static void	 test_bad_ctrunc(void);
static void	 test_bad_epipe(void);

static int
pair(int sv[2])
{
	return (socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
}

static int
fd_is_open(int fd)
{
	return (fcntl(fd, F_GETFD) != -1);
}

static int
count_fds(void)
{
	int	 fd, n;

	for (n = 0, fd = 0; fd < 1024; fd++)
		if (fd_is_open(fd))
			n++;
	return (n);
}

/* A pipe's write end reports POLLERR once no process holds the reader. */
static int
pipe_has_reader(int wfd)
{
	struct pollfd	 pfd;

	pfd.fd = wfd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == -1)
		return (-1);
	return ((pfd.revents & POLLERR) == 0);
}

/*
 * Move bytes from w to r until r yields one message; both sides are
 * non-blocking, so large messages need several turns.
 */
static int
pump(struct imsgbuf *w, struct imsgbuf *r, struct imsg *imsg)
{
	ssize_t	 n;
	int	 i, rv;

	for (i = 0; i < 100000; i++) {
		if ((rv = imsg_get(r, imsg)) != 0)
			return (rv);
		if (w != NULL && imsgbuf_write(w) == -1)
			return (-1);
		n = imsgbuf_read(r);
		if (n == 0)
			return (0);
		if (n == -1 && errno != EAGAIN)
			return (-1);
	}
	errno = ETIMEDOUT;
	return (-1);
}

/* One read that must not come back empty-handed for want of data. */
static int
read_some(struct imsgbuf *r)
{
	struct pollfd	 pfd;

	pfd.fd = r->fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 1000) != 1)
		return (-1);
	return ((int)imsgbuf_read(r));
}

static void
raw_write(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len) {
		perror("write");
		exit(2);
	}
}

static void
raw_header(int fd, uint32_t type, uint32_t len)
{
	struct imsg_hdr	 hdr;

	hdr.type = type;
	hdr.len = len;
	hdr.peerid = 0;
	hdr.pid = 1;
	raw_write(fd, &hdr, sizeof(hdr));
}

static void
water_cb(struct imsgbuf *ib, int above, void *arg)
{
	struct water	*w = arg;

	if (above) {
		w->nhigh++;
		w->qhigh = imsgbuf_queued(ib);
	} else {
		w->nlow++;
		w->qlow = imsgbuf_queued(ib);
	}
}

static void
test_init(void)
{
	struct imsgbuf	 ib;
	int		 sv[2];

	TEST_BEGIN("imsg-init");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&ib, sv[0], 0, 0) == -1 && errno == EINVAL);
	CHECK(imsgbuf_init(&ib, sv[0], IMSG_MAX_PAYLOAD + 1, 0) == -1 &&
	    errno == EINVAL);
	CHECK(imsgbuf_init(&ib, sv[0], IMSG_MAX_PAYLOAD, 0) == 0);
	CHECK(fcntl(sv[0], F_GETFL) & O_NONBLOCK);
	CHECK_INT(ib.pid, getpid());
	CHECK_INT(ib.rsize, IMSG_HEADER_SIZE + IMSG_MAX_PAYLOAD);
	CHECK(ib.qlimit == SIZE_MAX);
	CHECK_INT(ib.high, 0);
	CHECK_INT(ib.low, 0);
	CHECK_INT(imsgbuf_queued(&ib), 0);
	imsgbuf_clear(&ib);
	/* Clearing twice is harmless and leaves the socket alone. */
	imsgbuf_clear(&ib);
	CHECK(fd_is_open(sv[0]));
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_roundtrip(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	unsigned char	*big;
	size_t		 i;
	int		 sv[2];

	TEST_BEGIN("imsg-roundtrip");
	if ((big = malloc(BIGPAYLOAD)) == NULL)
		exit(2);
	for (i = 0; i < BIGPAYLOAD; i++)
		big[i] = (unsigned char)(i * 7 + 3);
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], BIGPAYLOAD, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], BIGPAYLOAD, 0) == 0);

	CHECK(imsg_compose(&a, 1, 10, 0, -1, NULL, 0) == 0);
	CHECK(imsg_compose(&a, 2, 20, 4242, -1, "hello", 6) == 0);
	CHECK(imsg_compose(&a, 3, 30, 0, -1, big, BIGPAYLOAD) == 0);
	CHECK(imsg_compose(&a, 4, 40, 0, -1, "x", 1) == 0);
	CHECK_INT(imsgbuf_queued(&a), 4 * IMSG_HEADER_SIZE + 6 +
	    BIGPAYLOAD + 1);

	CHECK_INT(pump(&a, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 1);
	CHECK_INT(imsg.hdr.peerid, 10);
	CHECK_INT(imsg.hdr.pid, getpid());
	CHECK_INT(imsg.hdr.len, IMSG_HEADER_SIZE);
	CHECK_INT(imsg.datalen, 0);
	CHECK(imsg.data == NULL);
	CHECK_INT(imsg.fd, -1);
	imsg_free(&imsg);

	CHECK_INT(pump(&a, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 2);
	CHECK_INT(imsg.hdr.peerid, 20);
	CHECK_INT(imsg.hdr.pid, 4242);
	CHECK_INT(imsg.datalen, 6);
	CHECK(imsg.data != NULL && memcmp(imsg.data, "hello", 6) == 0);
	imsg_free(&imsg);

	CHECK_INT(pump(&a, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 3);
	CHECK_INT(imsg.datalen, BIGPAYLOAD);
	CHECK(imsg.data != NULL && memcmp(imsg.data, big, BIGPAYLOAD) == 0);
	imsg_free(&imsg);

	CHECK_INT(pump(&a, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 4);
	CHECK_INT(imsg.datalen, 1);
	CHECK(imsg.data != NULL && *(char *)imsg.data == 'x');
	imsg_free(&imsg);

	CHECK_INT(imsgbuf_queued(&a), 0);
	CHECK_INT(imsg_get(&b, &imsg), 0);

	/* One byte over the limit never reaches the queue. */
	CHECK(imsg_compose(&a, 5, 0, 0, -1, big, BIGPAYLOAD) == 0);
	errno = 0;
	CHECK(imsg_compose(&a, 5, 0, 0, -1, big, BIGPAYLOAD + 1) == -1);
	CHECK_INT(errno, EMSGSIZE);
	CHECK_INT(imsgbuf_queued(&a), IMSG_HEADER_SIZE + BIGPAYLOAD);
	CHECK_INT(a.refused, 0);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	free(big);
	TEST_END();
}

static void
test_composev(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	struct iovec	 iov[4];
	int		 sv[2];

	TEST_BEGIN("imsg-composev");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 0) == 0);
	iov[0].iov_base = "abc";
	iov[0].iov_len = 3;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 0;
	iov[2].iov_base = "defg";
	iov[2].iov_len = 4;
	iov[3].iov_base = "";
	iov[3].iov_len = 1;
	CHECK(imsg_composev(&a, 7, 1, 0, -1, iov, 4) == 0);
	CHECK(imsg_composev(&a, 8, 1, 0, -1, NULL, 0) == 0);
	CHECK(imsgbuf_flush(&a) == 0);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 7);
	CHECK_INT(imsg.datalen, 8);
	CHECK(memcmp(imsg.data, "abcdefg", 8) == 0);
	imsg_free(&imsg);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 8);
	CHECK_INT(imsg.datalen, 0);

	/* The limit applies to the sum of the pieces. */
	iov[0].iov_base = "0123456789012345678901234567890123456789";
	iov[0].iov_len = 40;
	iov[1] = iov[0];
	errno = 0;
	CHECK(imsg_composev(&a, 9, 0, 0, -1, iov, 2) == -1);
	CHECK_INT(errno, EMSGSIZE);
	CHECK(imsg_composev(&a, 9, 0, 0, -1, iov, -1) == -1);
	CHECK_INT(errno, EINVAL);
	CHECK(imsg_compose(&a, 9, 0, 0, -1, NULL, 5) == -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(imsgbuf_queued(&a), 0);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_fd_pass(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	char		 buf[8];
	int		 sv[2], p[2], fd;

	TEST_BEGIN("imsg-fd-pass");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 1) == 0);
	CHECK(imsg_compose(&a, 11, 0, 0, p[0], "pipe", 5) == 0);
	/* Ownership passed to the buffer: still open until sent. */
	CHECK(fd_is_open(p[0]));
	CHECK(imsgbuf_flush(&a) == 0);
	CHECK(!fd_is_open(p[0]));

	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 11);
	CHECK_INT(imsg.hdr.len, IMSG_HEADER_SIZE + 5);
	CHECK_INT(imsg.datalen, 5);
	CHECK(imsg.fd >= 0);
	CHECK(fcntl(imsg.fd, F_GETFD) & FD_CLOEXEC);
	CHECK_INT(b.nfds, 0);
	fd = imsg_get_fd(&imsg);
	CHECK_INT(imsg.fd, -1);
	CHECK(fd >= 0);
	imsg_free(&imsg);
	CHECK(fd_is_open(fd));

	/* It is the same pipe. */
	CHECK(write(p[1], "ping", 4) == 4);
	memset(buf, 0, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == 4);
	CHECK_STR(buf, "ping");
	close(fd);
	CHECK_INT(pipe_has_reader(p[1]), 0);
	close(p[1]);

	/* imsg_free() closes a descriptor nobody took. */
	CHECK(pipe(p) == 0);
	CHECK(imsg_compose(&a, 12, 0, 0, p[0], NULL, 0) == 0);
	CHECK(imsgbuf_flush(&a) == 0);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK(imsg.fd >= 0);
	CHECK_INT(pipe_has_reader(p[1]), 1);
	imsg_free(&imsg);
	CHECK_INT(imsg.fd, -1);
	CHECK_INT(pipe_has_reader(p[1]), 0);
	close(p[1]);

	CHECK_INT(b.fds_refused, 0);
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_fd_order(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	char		 c;
	int		 sv[2], p1[2], p2[2];

	TEST_BEGIN("imsg-fd-order");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p1) == 0);
	CHECK(pipe(p2) == 0);
	CHECK(write(p1[1], "1", 1) == 1);
	CHECK(write(p2[1], "2", 1) == 1);
	close(p1[1]);
	close(p2[1]);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 1) == 0);
	CHECK(imsg_compose(&a, 1, 0, 0, -1, "a", 1) == 0);
	CHECK(imsg_compose(&a, 2, 0, 0, p1[0], "b", 1) == 0);
	CHECK(imsg_compose(&a, 3, 0, 0, p2[0], "c", 1) == 0);
	CHECK(imsg_compose(&a, 4, 0, 0, -1, "d", 1) == 0);
	CHECK(imsgbuf_flush(&a) == 0);

	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 1);
	CHECK_INT(imsg.fd, -1);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 2);
	CHECK(imsg.fd >= 0 && read(imsg.fd, &c, 1) == 1 && c == '1');
	imsg_free(&imsg);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 3);
	CHECK(imsg.fd >= 0 && read(imsg.fd, &c, 1) == 1 && c == '2');
	imsg_free(&imsg);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 4);
	CHECK_INT(imsg.fd, -1);
	CHECK_INT(b.nfds, 0);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_fd_refused(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 sv[2], p[2];

	TEST_BEGIN("imsg-bad-fd-refused");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 0) == 0);
	CHECK(imsg_compose(&a, 1, 0, 0, p[0], "fd", 3) == 0);
	CHECK(imsgbuf_flush(&a) == 0);
	CHECK(read_some(&b) > 0);
	CHECK_INT(b.fds_refused, 1);
	CHECK_INT(b.nfds, 0);
	/* The receiver closed it: nobody holds the read end any more. */
	CHECK_INT(pipe_has_reader(p[1]), 0);
	errno = 0;
	CHECK_INT(imsg_get(&b, &imsg), -1);
	CHECK_INT(errno, EBADMSG);
	close(p[1]);
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_hasfd_without_fd(void)
{
	struct imsgbuf	 b;
	struct imsg	 imsg;
	int		 sv[2];

	TEST_BEGIN("imsg-bad-hasfd-without-fd");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 1) == 0);
	raw_header(sv[0], 1, IMSG_HEADER_SIZE | IMSGF_HASFD);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	errno = 0;
	CHECK_INT(imsg_get(&b, &imsg), -1);
	CHECK_INT(errno, EBADMSG);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_short_len(void)
{
	struct imsgbuf	 b;
	struct imsg	 imsg;
	int		 sv[2];

	TEST_BEGIN("imsg-bad-short-len");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 0) == 0);
	raw_header(sv[0], 1, IMSG_HEADER_SIZE - 1);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	errno = 0;
	CHECK_INT(imsg_get(&b, &imsg), -1);
	CHECK_INT(errno, EBADMSG);
	/* The error sticks: the stream cannot be resynchronized. */
	CHECK_INT(imsg_get(&b, &imsg), -1);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);

	/* A zero length, and one hidden behind the descriptor flag. */
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 1) == 0);
	raw_header(sv[0], 1, 0);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	errno = 0;
	CHECK_INT(imsg_get(&b, &imsg), -1);
	CHECK_INT(errno, EBADMSG);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);

	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 1) == 0);
	raw_header(sv[0], 1, IMSGF_HASFD | 4);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	errno = 0;
	CHECK_INT(imsg_get(&b, &imsg), -1);
	CHECK_INT(errno, EBADMSG);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_long_len(void)
{
	struct imsgbuf	 b;
	struct imsg	 imsg;
	int		 sv[2];

	TEST_BEGIN("imsg-bad-long-len");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 1024, 0) == 0);
	/* Refused from the header alone, before any payload arrives. */
	raw_header(sv[0], 1, IMSG_HEADER_SIZE + 1025);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	errno = 0;
	CHECK_INT(imsg_get(&b, &imsg), -1);
	CHECK_INT(errno, EMSGSIZE);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);

	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 1024, 0) == 0);
	raw_header(sv[0], 1, IMSG_LEN_MASK);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	errno = 0;
	CHECK_INT(imsg_get(&b, &imsg), -1);
	CHECK_INT(errno, EMSGSIZE);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);

	/* Exactly the limit is fine; it just needs its payload. */
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 1024, 0) == 0);
	raw_header(sv[0], 1, IMSG_HEADER_SIZE + 1024);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	CHECK_INT(imsg_get(&b, &imsg), 0);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_truncated(void)
{
	struct imsgbuf	 b;
	struct imsg	 imsg;
	char		 ten[10];
	int		 sv[2];

	TEST_BEGIN("imsg-bad-truncated");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 1024, 0) == 0);
	memset(ten, 'z', sizeof(ten));
	raw_header(sv[0], 1, IMSG_HEADER_SIZE + 100);
	raw_write(sv[0], ten, sizeof(ten));
	close(sv[0]);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE + 10);
	CHECK_INT(imsg_get(&b, &imsg), 0);
	CHECK(read_some(&b) == 0);
	CHECK_INT(imsg_get(&b, &imsg), 0);
	imsgbuf_clear(&b);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_string(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	const char	*s;
	int		 sv[2];

	TEST_BEGIN("imsg-bad-string");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 0) == 0);
	CHECK(imsg_compose(&a, 1, 0, 0, -1, "abc", 3) == 0);
	CHECK(imsg_compose(&a, 2, 0, 0, -1, "ab\0c", 5) == 0);
	CHECK(imsg_compose(&a, 3, 0, 0, -1, NULL, 0) == 0);
	CHECK(imsg_compose(&a, 4, 0, 0, -1, "\0\0", 2) == 0);
	CHECK(imsg_compose(&a, 5, 0, 0, -1, "abc", 4) == 0);
	CHECK(imsg_compose(&a, 6, 0, 0, -1, "", 1) == 0);
	CHECK(imsgbuf_flush(&a) == 0);

	/* No NUL at all. */
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	s = "untouched";
	errno = 0;
	CHECK_INT(imsg_get_string(&imsg, &s), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_STR(s, "untouched");
	/* A NUL inside, hiding a tail. */
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	errno = 0;
	CHECK_INT(imsg_get_string(&imsg, &s), -1);
	CHECK_INT(errno, EBADMSG);
	/* Empty payload: not even the terminator. */
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg_get_string(&imsg, &s), -1);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg_get_string(&imsg, &s), -1);
	/* The good ones. */
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg_get_string(&imsg, &s), 0);
	CHECK_STR(s, "abc");
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg_get_string(&imsg, &s), 0);
	CHECK_STR(s, "");

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_getters(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	struct {
		uint32_t	 x;
		uint16_t	 y;
	}		 in, out;
	const void	*tail;
	size_t		 taillen;
	unsigned char	 msg[sizeof(in) + 5];
	int		 sv[2];

	TEST_BEGIN("imsg-getters");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 0) == 0);
	memset(&in, 0, sizeof(in));
	in.x = 0xdeadbeef;
	in.y = 77;
	memcpy(msg, &in, sizeof(in));
	memcpy(msg + sizeof(in), "tail!", 5);
	/* A leading byte makes the payload land misaligned. */
	CHECK(imsg_compose(&a, 0, 0, 0, -1, "!", 1) == 0);
	CHECK(imsg_compose(&a, 1, 0, 0, -1, &in, sizeof(in)) == 0);
	CHECK(imsg_compose(&a, 2, 0, 0, -1, msg, sizeof(msg)) == 0);
	CHECK(imsg_compose(&a, 3, 0, 0, -1, &in, sizeof(in)) == 0);
	CHECK(imsg_compose(&a, 4, 0, 0, -1, NULL, 0) == 0);
	CHECK(imsgbuf_flush(&a) == 0);

	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	memset(&out, 0, sizeof(out));
	CHECK_INT(imsg_get_data(&imsg, &out, sizeof(out)), 0);
	CHECK(out.x == 0xdeadbeef && out.y == 77);

	CHECK_INT(pump(NULL, &b, &imsg), 1);
	memset(&out, 0, sizeof(out));
	CHECK_INT(imsg_get_head(&imsg, &out, sizeof(out), &tail, &taillen),
	    0);
	CHECK(out.x == 0xdeadbeef && out.y == 77);
	CHECK_INT(taillen, 5);
	CHECK(tail != NULL && memcmp(tail, "tail!", 5) == 0);

	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg_get_head(&imsg, &out, sizeof(out), &tail, &taillen),
	    0);
	CHECK_INT(taillen, 0);
	CHECK(tail == NULL);

	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg_get_data(&imsg, NULL, 0), 0);
	CHECK_INT(imsg_get_head(&imsg, NULL, 0, &tail, &taillen), 0);
	CHECK_INT(taillen, 0);
	CHECK(tail == NULL);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_getters(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	uint64_t	 v;
	uint32_t	 w;
	unsigned char	 big[16];
	const void	*tail;
	size_t		 taillen;
	int		 sv[2];

	TEST_BEGIN("imsg-bad-getters");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 0) == 0);
	v = 1;
	CHECK(imsg_compose(&a, 1, 0, 0, -1, &v, sizeof(v)) == 0);
	CHECK(imsgbuf_flush(&a) == 0);
	CHECK_INT(pump(NULL, &b, &imsg), 1);

	/* Smaller, larger and empty targets: all exact-size failures. */
	errno = 0;
	CHECK_INT(imsg_get_data(&imsg, &w, sizeof(w)), -1);
	CHECK_INT(errno, EBADMSG);
	errno = 0;
	CHECK_INT(imsg_get_data(&imsg, big, sizeof(big)), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(imsg_get_data(&imsg, NULL, 0), -1);
	/* A head longer than the payload. */
	errno = 0;
	CHECK_INT(imsg_get_head(&imsg, big, sizeof(big), &tail, &taillen),
	    -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(imsg_get_data(&imsg, &v, sizeof(v)), 0);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_water(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	struct water	 w;
	unsigned char	 payload[100];
	size_t		 msglen, before;
	int		 sv[2], sndbuf, i, n, got;

	TEST_BEGIN("imsg-water");
	CHECK(pair(sv) == 0);
	/* A small socket buffer so one write cannot take the queue. */
	sndbuf = 4096;
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
	    sizeof(sndbuf)) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 1024, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 1024, 0) == 0);
	memset(&w, 0, sizeof(w));
	before = 0;
	memset(payload, 'w', sizeof(payload));
	imsgbuf_set_limits(&a, 16 * 1024, 64 * 1024, SIZE_MAX, water_cb, &w);
	msglen = IMSG_HEADER_SIZE + sizeof(payload);

	n = 0;
	while (w.nhigh == 0 && n < 10000) {
		before = imsgbuf_queued(&a);
		CHECK(imsg_compose(&a, 1, n, 0, -1, payload,
		    sizeof(payload)) == 0);
		n++;
	}
	CHECK_INT(w.nhigh, 1);
	CHECK(w.qhigh >= 64 * 1024);
	CHECK(before < 64 * 1024);
	CHECK_INT(w.qhigh, before + msglen);
	/* Staying above does not call again. */
	for (i = 0; i < 50; i++, n++)
		CHECK(imsg_compose(&a, 1, n, 0, -1, payload,
		    sizeof(payload)) == 0);
	CHECK_INT(w.nhigh, 1);
	CHECK_INT(w.nlow, 0);

	/* One write fills the socket; the queue is still above low. */
	CHECK(imsgbuf_write(&a) == 0);
	CHECK(imsgbuf_queued(&a) > 16 * 1024);
	CHECK_INT(w.nlow, 0);

	/* The peer drains; writing brings the queue down past low. */
	got = 0;
	for (i = 0; i < 100000 && imsgbuf_queued(&a) > 0; i++) {
		CHECK(imsgbuf_write(&a) == 0);
		if (imsgbuf_read(&b) == -1 && errno != EAGAIN)
			break;
		while (imsg_get(&b, &imsg) == 1) {
			CHECK_INT(imsg.hdr.peerid, got);
			got++;
		}
	}
	CHECK_INT(imsgbuf_queued(&a), 0);
	CHECK_INT(w.nlow, 1);
	CHECK(w.qlow <= 16 * 1024);
	CHECK_INT(w.nhigh, 1);
	/* Everything is in the socket now; take the rest. */
	for (;;) {
		while (imsg_get(&b, &imsg) == 1) {
			CHECK_INT(imsg.hdr.peerid, got);
			got++;
		}
		if (imsgbuf_read(&b) <= 0)
			break;
	}
	CHECK_INT(got, n);

	/* Crossing again calls again. */
	while (w.nhigh == 1 && n < 20000) {
		CHECK(imsg_compose(&a, 1, n, 0, -1, payload,
		    sizeof(payload)) == 0);
		n++;
	}
	CHECK_INT(w.nhigh, 2);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_qlimit(void)
{
	struct imsgbuf	 a;
	unsigned char	 payload[100];
	size_t		 msglen;
	int		 sv[2], p[2], n;

	TEST_BEGIN("imsg-qlimit");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 1024, 0) == 0);
	imsgbuf_set_limits(&a, 0, 0, 1000, NULL, NULL);
	memset(payload, 'q', sizeof(payload));
	msglen = IMSG_HEADER_SIZE + sizeof(payload);

	for (n = 0; n < 100; n++)
		if (imsg_compose(&a, 1, 0, 0, -1, payload,
		    sizeof(payload)) == -1)
			break;
	CHECK_INT(errno, ENOBUFS);
	CHECK_INT(n, 1000 / msglen);
	CHECK_INT(imsgbuf_queued(&a), n * msglen);
	CHECK_INT(a.refused, 1);

	/* A refused descriptor stays with the caller. */
	errno = 0;
	CHECK(imsg_compose(&a, 1, 0, 0, p[0], payload, sizeof(payload)) ==
	    -1);
	CHECK_INT(errno, ENOBUFS);
	CHECK_INT(a.refused, 2);
	CHECK(fd_is_open(p[0]));

	/* Something smaller still fits under the limit. */
	CHECK(imsg_compose(&a, 1, 0, 0, -1, NULL, 0) == 0);
	CHECK_INT(imsgbuf_queued(&a), n * msglen + IMSG_HEADER_SIZE);
	/* A payload over maxpayload is EMSGSIZE, not a queue refusal. */
	CHECK(imsg_compose(&a, 1, 0, 0, -1, payload, 1025) == -1);
	CHECK_INT(errno, EMSGSIZE);
	CHECK_INT(a.refused, 2);

	close(p[0]);
	close(p[1]);
	imsgbuf_clear(&a);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bytewise(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	unsigned char	 wire[512], payload[150];
	ssize_t		 len;
	size_t		 i;
	int		 sv[2], tv[2], got;

	TEST_BEGIN("imsg-bytewise");
	memset(payload, 'p', sizeof(payload));
	/* Let the library frame the stream, then replay it a byte at a time. */
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 1024, 0) == 0);
	CHECK(imsg_compose(&a, 1, 0, 0, -1, "one", 4) == 0);
	CHECK(imsg_compose(&a, 2, 0, 0, -1, NULL, 0) == 0);
	CHECK(imsg_compose(&a, 3, 0, 0, -1, payload, sizeof(payload)) == 0);
	CHECK(imsgbuf_flush(&a) == 0);
	len = read(sv[1], wire, sizeof(wire));
	CHECK(len == (ssize_t)(3 * IMSG_HEADER_SIZE + 4 + sizeof(payload)));
	imsgbuf_clear(&a);
	close(sv[0]);
	close(sv[1]);

	CHECK(pair(tv) == 0);
	CHECK(imsgbuf_init(&b, tv[1], 160, 0) == 0);
	got = 0;
	for (i = 0; len > 0 && i < (size_t)len; i++) {
		raw_write(tv[0], wire + i, 1);
		CHECK(read_some(&b) == 1);
		while (imsg_get(&b, &imsg) == 1) {
			got++;
			CHECK_INT(imsg.hdr.type, got);
			/* Each message completes on its own last byte. */
			if (got == 1)
				CHECK_INT(i, IMSG_HEADER_SIZE + 4 - 1);
			if (got == 2)
				CHECK_INT(i, 2 * IMSG_HEADER_SIZE + 4 - 1);
			if (got == 3) {
				CHECK_INT(i, (size_t)len - 1);
				CHECK_INT(imsg.datalen, sizeof(payload));
				CHECK(memcmp(imsg.data, payload,
				    sizeof(payload)) == 0);
			}
		}
	}
	CHECK_INT(got, 3);
	imsgbuf_clear(&b);
	close(tv[0]);
	close(tv[1]);
	TEST_END();
}

static void
test_many_in_one_read(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	char		 payload[20];
	int		 sv[2], i, got;

	TEST_BEGIN("imsg-many-in-one-read");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 16384, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 16384, 0) == 0);
	for (i = 0; i < 200; i++) {
		snprintf(payload, sizeof(payload), "message %d", i);
		CHECK(imsg_compose(&a, 5, i, 0, -1, payload,
		    strlen(payload) + 1) == 0);
	}
	CHECK(imsgbuf_flush(&a) == 0);
	CHECK_INT(imsgbuf_queued(&a), 0);
	/* "message 0".."message 199" with their NULs. */
	CHECK_INT(read_some(&b),
	    200 * IMSG_HEADER_SIZE + 10 * 10 + 90 * 11 + 100 * 12);
	got = 0;
	while (imsg_get(&b, &imsg) == 1) {
		const char	*s;

		snprintf(payload, sizeof(payload), "message %d", got);
		CHECK_INT(imsg.hdr.peerid, got);
		CHECK(imsg_get_string(&imsg, &s) == 0);
		CHECK_STR(s, payload);
		got++;
	}
	CHECK_INT(got, 200);
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_full_rbuf(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	unsigned char	 payload[64];
	int		 sv[2];

	TEST_BEGIN("imsg-full-rbuf");
	CHECK(pair(sv) == 0);
	CHECK(imsgbuf_init(&a, sv[0], sizeof(payload), 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], sizeof(payload), 0) == 0);
	memset(payload, 'f', sizeof(payload));
	CHECK(imsg_compose(&a, 1, 0, 0, -1, payload, 10) == 0);
	CHECK(imsg_compose(&a, 2, 0, 0, -1, payload, sizeof(payload)) == 0);
	CHECK(imsg_compose(&a, 3, 0, 0, -1, payload, sizeof(payload)) == 0);
	CHECK(imsgbuf_flush(&a) == 0);

	/* The buffer fills up; the second message spans its end. */
	CHECK_INT(read_some(&b), b.rsize);
	CHECK_INT(imsg_get(&b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 1);
	CHECK_INT(imsg_get(&b, &imsg), 0);
	/* Reading compacts, then the second message completes. */
	CHECK(read_some(&b) > 0);
	CHECK_INT(imsg_get(&b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 2);
	CHECK(memcmp(imsg.data, payload, sizeof(payload)) == 0);
	CHECK(read_some(&b) > 0);
	/* Full of an undrained message: reading more is refused. */
	CHECK_INT(b.rend - b.rstart, b.rsize);
	errno = 0;
	CHECK_INT(imsgbuf_read(&b), -1);
	CHECK_INT(errno, ENOBUFS);
	CHECK_INT(pump(NULL, &b, &imsg), 1);
	CHECK_INT(imsg.hdr.type, 3);
	CHECK_INT(imsg.datalen, sizeof(payload));

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_clear_closes(void)
{
	struct imsgbuf	 a, b;
	int		 sv[2], p[2], q[2], pending;

	TEST_BEGIN("imsg-clear-closes");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(pipe(q) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 1) == 0);

	/* Received but never taken by imsg_get(). */
	CHECK(imsg_compose(&a, 1, 0, 0, q[0], NULL, 0) == 0);
	CHECK(imsgbuf_flush(&a) == 0);
	CHECK(read_some(&b) == IMSG_HEADER_SIZE);
	CHECK_INT(b.nfds, 1);
	pending = b.fds[0];
	CHECK(fd_is_open(pending));
	CHECK_INT(pipe_has_reader(q[1]), 1);

	/* Queued but never sent. */
	CHECK(imsg_compose(&a, 1, 0, 0, p[0], "x", 1) == 0);
	CHECK(fd_is_open(p[0]));

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	CHECK(!fd_is_open(p[0]));
	CHECK_INT(pipe_has_reader(q[1]), 0);
	CHECK_INT(imsgbuf_queued(&a), 0);
	CHECK(fd_is_open(sv[0]) && fd_is_open(sv[1]));
	close(p[1]);
	close(q[1]);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_pending_overflow(void)
{
	struct imsgbuf	 a, b;
	int		 sv[2], p[2], i;

	TEST_BEGIN("imsg-pending-overflow");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 4096, 1) == 0);
	for (i = 0; i < IMSG_MAX_PENDING_FDS + 3; i++)
		CHECK(imsg_compose(&a, 1, 0, 0, dup(p[0]), NULL, 0) == 0);
	CHECK(imsgbuf_flush(&a) == 0);
	/* Read everything without taking any message out. */
	for (i = 0; i < 1000 && b.rend < (size_t)(IMSG_MAX_PENDING_FDS + 3) *
	    IMSG_HEADER_SIZE; i++)
		if (read_some(&b) <= 0)
			break;
	CHECK_INT(b.rend, (IMSG_MAX_PENDING_FDS + 3) * IMSG_HEADER_SIZE);
	CHECK_INT(b.nfds, IMSG_MAX_PENDING_FDS);
	CHECK_INT(b.fds_refused, 3);
	imsgbuf_clear(&b);
	close(p[0]);
	CHECK_INT(pipe_has_reader(p[1]), 0);
	close(p[1]);
	imsgbuf_clear(&a);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_ctrunc(void)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(sizeof(int) *
				    (IMSG_MAX_PENDING_FDS + 8))];
	}		 cmsgbuf;
	struct imsgbuf	 b;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	struct imsg_hdr	 hdr;
	int		 sv[2], p[2], fds[IMSG_MAX_PENDING_FDS + 8], i;

	TEST_BEGIN("imsg-bad-ctrunc");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(imsgbuf_init(&b, sv[1], 64, 1) == 0);
	for (i = 0; i < IMSG_MAX_PENDING_FDS + 8; i++)
		fds[i] = p[0];
	/* More descriptors in one go than the receiver makes room for. */
	hdr.type = 1;
	hdr.len = IMSG_HEADER_SIZE | IMSGF_HASFD;
	hdr.peerid = 0;
	hdr.pid = 1;
	iov.iov_base = &hdr;
	iov.iov_len = sizeof(hdr);
	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cmsg), fds, sizeof(fds));
	CHECK(sendmsg(sv[0], &msg, 0) == sizeof(hdr));
	close(p[0]);

	errno = 0;
	CHECK_INT(read_some(&b), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(b.nfds, 0);
	CHECK(b.fds_refused > 0);
	/* Whatever arrived was closed, and the kernel dropped the rest. */
	CHECK_INT(pipe_has_reader(p[1]), 0);
	close(p[1]);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	TEST_END();
}

static void
test_bad_epipe(void)
{
	struct imsgbuf	 a;
	int		 sv[2], p[2];

	TEST_BEGIN("imsg-bad-epipe");
	CHECK(pair(sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(imsgbuf_init(&a, sv[0], 64, 0) == 0);
	close(sv[1]);
	/* SIGPIPE is not ignored here: MSG_NOSIGNAL must keep us alive. */
	CHECK(imsg_compose(&a, 1, 0, 0, p[0], "x", 1) == 0);
	errno = 0;
	CHECK_INT(imsgbuf_write(&a), -1);
	CHECK_INT(errno, EPIPE);
	CHECK_INT(imsgbuf_flush(&a), -1);
	CHECK(imsgbuf_queued(&a) > 0);
	imsgbuf_clear(&a);
	CHECK(!fd_is_open(p[0]));
	close(p[1]);
	close(sv[0]);
	TEST_END();
}

int
main(void)
{
	int	 nfds;

	nfds = count_fds();
	test_init();
	test_roundtrip();
	test_composev();
	test_fd_pass();
	test_fd_order();
	test_bad_fd_refused();
	test_bad_hasfd_without_fd();
	test_bad_short_len();
	test_bad_long_len();
	test_bad_truncated();
	test_bad_string();
	test_getters();
	test_bad_getters();
	test_water();
	test_qlimit();
	test_bytewise();
	test_many_in_one_read();
	test_full_rbuf();
	test_clear_closes();
	test_pending_overflow();
	test_bad_ctrunc();
	test_bad_epipe();

	TEST_BEGIN("imsg-no-fd-leak");
	CHECK_INT(count_fds(), nfds);
	TEST_END();
	TEST_EXIT();
}
