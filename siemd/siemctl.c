/*
 * siemctl: talk to a running siemd over its control socket, and hash
 * passwords for the secrets file without one.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "siemd.h"

enum action {
	SHOW_STATUS,
	SHOW_SOURCES,
	SHOW_RULES,
	RELOAD,
	LOG_VERBOSE,
	LOG_BRIEF,
	HASH_PASSWORD
};

/* Each command is up to two words; any unique prefix of a word works. */
static const struct command {
	const char	*w1;
	const char	*w2;
	enum action	 action;
} commands[] = {
	{ "show",		"status",	SHOW_STATUS },
	{ "show",		"sources",	SHOW_SOURCES },
	{ "show",		"rules",	SHOW_RULES },
	{ "reload",		NULL,		RELOAD },
	{ "log",		"verbose",	LOG_VERBOSE },
	{ "log",		"brief",	LOG_BRIEF },
	{ "hash-password",	NULL,		HASH_PASSWORD },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static __dead void	 usage(void);
static const struct command *lookup(int, char *[]);
static int		 hash_password(void);
static int		 request(const char *, uint32_t, const void *, size_t);

static __dead void
usage(void)
{
	size_t	 i;

	fprintf(stderr, "usage: %s [-s socket] command [argument]\n",
	    getprogname());
	fprintf(stderr, "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, "\t%s%s%s\n", commands[i].w1,
		    commands[i].w2 ? " " : "",
		    commands[i].w2 ? commands[i].w2 : "");
	exit(1);
}

static int
prefix(const char *word, const char *name)
{
	return (*word != '\0' && strncmp(word, name, strlen(word)) == 0);
}

static const struct command *
lookup(int argc, char *argv[])
{
	const struct command	*found = NULL;
	size_t			 i;
	int			 matches = 0;

	for (i = 0; i < NCOMMANDS; i++) {
		if (!prefix(argv[0], commands[i].w1))
			continue;
		if (commands[i].w2 == NULL) {
			if (argc != 1)
				continue;
		} else if (argc != 2 || !prefix(argv[1], commands[i].w2))
			continue;
		/* the same first word in two commands is one match */
		if (found == NULL || strcmp(found->w1, commands[i].w1) != 0 ||
		    (found->w2 && commands[i].w2 &&
		    strcmp(found->w2, commands[i].w2) != 0))
			matches++;
		found = &commands[i];
	}
	if (matches > 1)
		errx(1, "ambiguous command");
	return (found);
}

int
main(int argc, char *argv[])
{
	const struct command	*cmd;
	const char		*sock = SIEMD_SOCKET;
	int			 ch, verbose;

	while ((ch = getopt(argc, argv, "s:")) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		usage();
	if ((cmd = lookup(argc, argv)) == NULL) {
		warnx("unknown command");
		usage();
	}

	switch (cmd->action) {
	case HASH_PASSWORD:
		return (hash_password());
	case SHOW_STATUS:
		return (request(sock, IMSG_CTL_SHOW_STATUS, NULL, 0));
	case SHOW_SOURCES:
		return (request(sock, IMSG_CTL_SHOW_SOURCES, NULL, 0));
	case SHOW_RULES:
		return (request(sock, IMSG_CTL_SHOW_RULES, NULL, 0));
	case RELOAD:
		return (request(sock, IMSG_CTL_RELOAD, NULL, 0));
	case LOG_VERBOSE:
	case LOG_BRIEF:
		verbose = cmd->action == LOG_VERBOSE ? 1 : 0;
		return (request(sock, IMSG_CTL_LOG_VERBOSE, &verbose,
		    sizeof(verbose)));
	}
	return (1);
}

/* Read one line from stdin and print its Argon2id string. */
static int
hash_password(void)
{
	char	 pw[1024], out[crypto_pwhash_STRBYTES];
	size_t	 len;

	if (sodium_init() == -1)
		errx(1, "libsodium initialisation failed");
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (fgets(pw, sizeof(pw), stdin) == NULL)
		errx(1, "no password on standard input");
	len = strcspn(pw, "\r\n");
	if (len == sizeof(pw) - 1 && pw[len] == '\0')
		errx(1, "password too long");
	pw[len] = '\0';
	if (len == 0)
		errx(1, "empty password");
	if (crypto_pwhash_str(out, pw, len,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		errx(1, "out of memory while hashing");
	sodium_memzero(pw, sizeof(pw));
	printf("%s\n", out);
	return (0);
}

static int
request(const char *path, uint32_t type, const void *data, size_t len)
{
	struct sockaddr_un	 sun;
	struct imsgbuf		 ib;
	struct imsg		 imsg;
	const char		*text;
	ssize_t			 n;
	int			 fd, got, done = 0, rv = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "%s: path too long", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", path);
	if (imsgbuf_init(&ib, fd, SIEMD_MAX_PAYLOAD, 0) == -1)
		err(1, "imsgbuf_init");
	if (imsg_compose(&ib, type, 0, 0, -1, data, len) == -1 ||
	    imsgbuf_flush(&ib) == -1)
		err(1, "send request");

	while (!done) {
		if ((got = imsg_get(&ib, &imsg)) == -1)
			err(1, "bad reply");
		if (got == 0) {
			n = imsgbuf_read(&ib);
			if (n == -1 && errno == EAGAIN) {
				struct timespec nap = { 0, 10000000 };

				nanosleep(&nap, NULL);
				continue;
			}
			if (n == -1)
				err(1, "read");
			if (n == 0) {
				/* a reload re-executes the daemon */
				if (type == IMSG_CTL_RELOAD)
					break;
				errx(1, "connection closed by siemd");
			}
			continue;
		}
		switch (imsg.hdr.type) {
		case IMSG_CTL_TEXT:
			if (imsg_get_string(&imsg, &text) == -1)
				errx(1, "bad reply");
			printf("%s%s", text, text[0] != '\0' &&
			    text[strlen(text) - 1] != '\n' ? "\n" : "");
			break;
		case IMSG_CTL_ERROR:
			if (imsg_get_string(&imsg, &text) == -1)
				errx(1, "bad reply");
			warnx("%s", text);
			rv = 1;
			break;
		case IMSG_CTL_END:
			done = 1;
			break;
		default:
			errx(1, "unexpected reply %u", imsg.hdr.type);
		}
		imsg_free(&imsg);
	}
	imsgbuf_clear(&ib);
	close(fd);
	return (rv);
}
