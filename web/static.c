/*
 * The dashboard's files, from the web root the process is chrooted
 * in, so that "/" here is the htdocs directory.  The parser has
 * already refused "..", "." and encoded slashes and NULs; files are
 * opened read-only without following a final symbolic link, must be
 * regular, and names starting with a dot are never served.
 *
 * A path that names no file and has no extension is a route of the
 * single-page dashboard: index.html answers it.  index.html is served
 * with its <base href="/"> (written exactly so) rewritten to the
 * configured prefix, so that the dashboard's relative URLs work both
 * under a proxy's prefix and without one.
 *
 * Files whose name carries a content hash (app.3f9a1c2b.js,
 * app-3f9a1c2b.css) are cached for a year; everything else, the
 * vendor libraries too (their names carry no version: after an
 * upgrade a browser must not keep the old ones), is revalidated with
 * its ETag, which costs a 304.  Bodies are sent in pieces as the
 * client reads them.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "siemd.h"
#include "http.h"
#include "router.h"
#include "server.h"

#define STATIC_INDEX		"/index.html"
#define STATIC_MAX_INDEX	(512 * 1024)
#define STATIC_PIECE		(16 * 1024)
#define STATIC_BASE		"<base href=\"/\">"
#define STATIC_IMMUTABLE	"public, max-age=31536000, immutable"
#define STATIC_MIN_HASH		8	/* hex digits of a content hash */

struct static_file {
	int		 fd;
	off_t		 left;
};

static const struct {
	const char	*ext;
	const char	*type;
} types[] = {
	{ "html",	"text/html; charset=utf-8" },
	{ "js",		"text/javascript; charset=utf-8" },
	{ "mjs",	"text/javascript; charset=utf-8" },
	{ "css",	"text/css; charset=utf-8" },
	{ "json",	"application/json" },
	{ "map",	"application/json" },
	{ "webmanifest", "application/manifest+json" },
	{ "svg",	"image/svg+xml" },
	{ "png",	"image/png" },
	{ "jpg",	"image/jpeg" },
	{ "jpeg",	"image/jpeg" },
	{ "gif",	"image/gif" },
	{ "ico",	"image/x-icon" },
	{ "webp",	"image/webp" },
	{ "woff",	"font/woff" },
	{ "woff2",	"font/woff2" },
	{ "ttf",	"font/ttf" },
	{ "txt",	"text/plain; charset=utf-8" },
	{ "wasm",	"application/wasm" },
	{ "pdf",	"application/pdf" }
};

static void	 static_index(struct request *);
static void	 static_file(struct request *, int, struct stat *,
		    const char *);
static void	 static_drain(struct conn *, void *);
static void	 static_closed(struct conn *, void *);
static int	 static_etag_match(const char *, const char *);
static const char *static_basename(const char *);

static const char *
static_basename(const char *path)
{
	const char	*s = strrchr(path, '/');

	return (s != NULL ? s + 1 : path);
}

const char *
static_type(const char *path)
{
	const char	*dot = strrchr(static_basename(path), '.');
	size_t		 i;

	if (dot != NULL)
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return (types[i].type);
	return ("application/octet-stream");
}

/* Whether a file may be cached for good: a hashed name. */
int
static_cacheable(const char *path)
{
	const char	*s = static_basename(path), *e;
	size_t		 len;

	/* a part between [.-] and '.' of hex digits only */
	for (; (e = strpbrk(s, ".-")) != NULL; s = e + 1) {
		len = strspn(s, "0123456789abcdefABCDEF");
		if (len >= STATIC_MIN_HASH && s + len == e && *e == '.' &&
		    s != static_basename(path))
			return (1);
	}
	return (0);
}

/* If-None-Match: a list of (weak or strong) tags, or "*". */
static int
static_etag_match(const char *inm, const char *etag)
{
	const char	*s, *e;
	size_t		 len, tlen;

	if (inm == NULL)
		return (0);
	if (strncmp(etag, "W/", 2) == 0)
		etag += 2;
	tlen = strlen(etag);
	for (s = inm; *s != '\0'; s = *e ? e + 1 : e) {
		s += strspn(s, " \t");
		e = s + strcspn(s, ",");
		len = e - s;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 1 && *s == '*')
			return (1);
		if (len > 2 && strncmp(s, "W/", 2) == 0) {
			s += 2;
			len -= 2;
		}
		if (len == tlen && strncmp(s, etag, len) == 0)
			return (1);
	}
	return (0);
}

void
static_serve(struct request *req)
{
	char		 path[HTTP_MAX_TARGET + sizeof(STATIC_INDEX)];
	const char	*local = req->local;
	struct stat	 st;
	int		 fd;

	if (strlcpy(path, local, sizeof(path)) >= sizeof(path)) {
		http_problem(req->conn, 404, "no such file");
		return;
	}
	if (path[strlen(path) - 1] == '/')
		strlcat(path, &STATIC_INDEX[1], sizeof(path));
	if (strcmp(path, STATIC_INDEX) == 0) {
		static_index(req);
		return;
	}
	if (strstr(path, "/.") != NULL) {
		http_problem(req->conn, 404, "no such file");
		return;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd != -1 && (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		/* a dashboard route, unless it looks like a file */
		if (strchr(static_basename(path), '.') != NULL)
			http_problem(req->conn, 404, "no such file");
		else
			static_index(req);
		return;
	}
	static_file(req, fd, &st, path);
}

static void
static_file(struct request *req, int fd, struct stat *st, const char *path)
{
	struct static_file	*sf;
	const char		*type = static_type(path);
	char			 etag[64], hdrs[256];

	snprintf(etag, sizeof(etag), "\"%llx-%llx\"",
	    (unsigned long long)st->st_size,
	    (unsigned long long)st->st_mtim.tv_sec * 1000000000ULL +
	    st->st_mtim.tv_nsec);
	snprintf(hdrs, sizeof(hdrs), "ETag: %s\r\nCache-Control: %s\r\n",
	    etag, static_cacheable(path) ? STATIC_IMMUTABLE : "no-cache");
	req->page = strncmp(type, "text/html", 9) == 0;
	if (static_etag_match(request_header(req, "If-None-Match"), etag)) {
		close(fd);
		resp_send(req->conn, 304, NULL, hdrs, NULL, 0);
		return;
	}
	if (resp_start_len(req->conn, 200, type, hdrs, st->st_size) == -1 ||
	    req->method == HTTP_M_HEAD || st->st_size == 0) {
		close(fd);
		resp_end(req->conn);
		return;
	}
	if ((sf = calloc(1, sizeof(*sf))) == NULL)
		fatal("%s: calloc", __func__);
	sf->fd = fd;
	sf->left = st->st_size;
	resp_watch(req->conn, static_drain, static_closed, sf);
}

/* Room in the output buffer: the next pieces of the file. */
static void
static_drain(struct conn *c, void *arg)
{
	struct static_file	*sf = arg;
	char			 buf[STATIC_PIECE];
	ssize_t			 n;
	size_t			 want;

	while (sf->left > 0 && resp_queued(c) < SERVER_OUT_LOW) {
		want = sf->left < (off_t)sizeof(buf) ? (size_t)sf->left :
		    sizeof(buf);
		if ((n = read(sf->fd, buf, want)) == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* the file shrank under us: the length is a lie */
			log_warnx("%s: short read", __func__);
			close(sf->fd);
			free(sf);
			resp_watch(c, NULL, NULL, NULL);
			resp_abort(c);
			return;
		}
		if (resp_chunk(c, buf, n) == -1) {
			close(sf->fd);
			free(sf);
			resp_watch(c, NULL, NULL, NULL);
			resp_abort(c);
			return;
		}
		sf->left -= n;
	}
	if (sf->left == 0) {
		close(sf->fd);
		free(sf);
		resp_watch(c, NULL, NULL, NULL);
		resp_end(c);
	}
}

static void
static_closed(struct conn *c, void *arg)
{
	struct static_file	*sf = arg;

	close(sf->fd);
	free(sf);
}

/* index.html, its base rewritten to the prefix. */
static void
static_index(struct request *req)
{
	const char	*prefix = router_prefix(), *inm;
	char		*doc, *base, etag[64], hdrs[256];
	struct stat	 st;
	size_t		 len = 0, blen = strlen(STATIC_BASE);
	ssize_t		 n;
	int		 fd;

	fd = open(STATIC_INDEX, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATIC_MAX_INDEX) {
		if (fd != -1)
			close(fd);
		http_problem(req->conn, 404, "no dashboard installed");
		return;
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%zx\"",
	    (unsigned long long)st.st_size,
	    (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
	    st.st_mtim.tv_nsec, strlen(prefix));
	snprintf(hdrs, sizeof(hdrs), "ETag: %s\r\nCache-Control: no-cache\r\n",
	    etag);
	req->page = 1;
	inm = request_header(req, "If-None-Match");
	if (static_etag_match(inm, etag)) {
		close(fd);
		resp_send(req->conn, 304, NULL, hdrs, NULL, 0);
		return;
	}
	/* room for the document and the prefix inserted once */
	if ((doc = malloc(st.st_size + strlen(prefix) + 1)) == NULL)
		fatal("%s: malloc", __func__);
	while (len < (size_t)st.st_size) {
		n = read(fd, doc + len, st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	doc[len] = '\0';
	if (*prefix != '\0' && memchr(doc, '\0', len) == NULL &&
	    (base = strstr(doc, STATIC_BASE)) != NULL) {
		/* <base href="/"> becomes <base href="/prefix/"> */
		base += blen - 3;
		memmove(base + strlen(prefix), base, len - (base - doc) + 1);
		memcpy(base, prefix, strlen(prefix));
		len += strlen(prefix);
	}
	resp_send(req->conn, 200, "text/html; charset=utf-8", hdrs, doc, len);
	free(doc);
}
