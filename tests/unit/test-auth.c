/*
 * Authentication: Argon2id passwords with an unknown user costing the
 * same as a known one, login with throttling by address and by user
 * and an audit event per attempt, bearer tokens and their refusals,
 * roles, logout and revocations that survive a restart through the
 * export and import pair, per-token rate limits, ingest keys compared
 * in constant time, and the three /auth handlers.
 *
 * The response functions of the HTTP server are replaced here by ones
 * that record what the handler answered.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "siemd.h"
#include "child.h"
#include "web/router.h"
#include "web/server.h"
#include "web/auth.h"
#include "web/jwt.h"
#include "test.h"

#define JWTKEY		"a-key-for-signing-tokens-in-the-tests-0123456789"
#define VERCEL_KEY	"3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c"
#define OTHER_KEY	"another-ingest-key"

/* child.c refers to the parent's state, defined in siemd.c */
struct siemd_env	 env;

/* what the handler answered */
static struct {
	int	 status;
	char	 type[64];
	char	 headers[256];
	char	 body[4096];
} resp;

/* the request's Authorization and Content-Type headers */
static const char	*req_authorization;
static const char	*req_content_type = "application/json";

/* audit and persistence hooks */
static struct {
	char	 type[32];
	char	 user[300];
	char	 ip[64];
	int	 n;
} audit;
static struct {
	char	 jti[64];
	time_t	 exp;
	int	 n;
} persist;

/* calls of auth_revoke_hook */
static int	 revoke_calls;

static char	*alice_hash, *bob_hash;

static void	 add_secret(struct child *, const char *, const char *);
static void	 setup(struct child *, int);
static void	 teardown(struct child *);
static void	 on_audit(const char *, const char *, const char *);
static void	 on_persist(const char *, time_t);
static void	 on_revoke(void);
static double	 elapsed(const char *, const char *);
static char	*bearer(const char *);
static int	 login(const char *, const char *, const char *, time_t,
		    char **, int *);
static void	 test_roles(void);
static void	 test_password(void);
static void	 test_timing(void);
static void	 test_login(void);
static void	 test_login_bad(void);
static void	 test_throttle_addr(void);
static void	 test_throttle_user(void);
static void	 test_throttle_success(void);
static void	 test_bearer(void);
static void	 test_bearer_bad(void);
static void	 test_revocation(void);
static void	 test_revocation_restart(void);
static void	 test_revocation_prune(void);
static void	 test_revocation_bound(void);
static void	 test_ratelimit(void);
static void	 test_ingest(void);
static void	 test_random_key(void);
static void	 test_handlers(void);

/* server.h and router.h, recorded */

void
resp_send(struct conn *conn, int status, const char *type,
    const char *headers, const void *body, size_t len)
{
	resp.status = status;
	strlcpy(resp.type, type ? type : "", sizeof(resp.type));
	strlcpy(resp.headers, headers ? headers : "", sizeof(resp.headers));
	if (len >= sizeof(resp.body))
		len = sizeof(resp.body) - 1;
	memcpy(resp.body, body ? body : "", body ? len : 0);
	resp.body[body ? len : 0] = '\0';
}

void
resp_json(struct conn *conn, int status, json_t *o)
{
	char	*s;

	if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
		abort();
	resp_send(conn, status, "application/json", NULL, s, strlen(s));
	free(s);
}

void
http_problem(struct conn *conn, int status, const char *detail)
{
	resp_send(conn, status, "application/problem+json", NULL, detail,
	    strlen(detail));
}

/* the detail alone as the body, so that tests can compare it */
void
http_problem_ex(struct conn *conn, int status, const char *type,
    const char *detail, const char *headers)
{
	resp_send(conn, status, "application/problem+json", headers, detail,
	    strlen(detail));
}

const char *
request_header(const struct request *req, const char *name)
{
	if (strcasecmp(name, "Authorization") == 0)
		return (req_authorization);
	if (strcasecmp(name, "Content-Type") == 0)
		return (req_content_type);
	return (NULL);
}

static void
add_secret(struct child *c, const char *label, const char *value)
{
	struct siemd_secret	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->label = strdup(label)) == NULL ||
	    (s->value = strdup(value)) == NULL)
		abort();
	s->len = strlen(value);
	TAILQ_INSERT_TAIL(&c->secrets, s, entry);
}

/*
 * alice (admin) and bob (viewer) can log in; carol has no hash in the
 * secrets, dave one that is not Argon2id; two ingest keys, one of them
 * without a secret.
 */
static void
setup(struct child *c, int with_jwtkey)
{
	json_error_t	 err;

	memset(c, 0, sizeof(*c));
	TAILQ_INIT(&c->secrets);
	c->conf = json_loads("{"
	    "\"api\": {\"token_lifetime\": 3600, \"rate_limit\": 5},"
	    "\"users\": ["
	    " {\"name\": \"alice\", \"role\": \"admin\","
	    "  \"password\": \"alice-hash\"},"
	    " {\"name\": \"bob\", \"role\": \"viewer\","
	    "  \"password\": \"bob-hash\"},"
	    " {\"name\": \"carol\", \"role\": \"analyst\","
	    "  \"password\": \"carol-hash\"},"
	    " {\"name\": \"dave\", \"role\": \"analyst\","
	    "  \"password\": \"dave-hash\"},"
	    " {\"name\": \"erin\", \"role\": \"root\","
	    "  \"password\": \"alice-hash\"}],"
	    "\"ingest_keys\": ["
	    " {\"name\": \"vercel\", \"secret\": \"vercel-key\"},"
	    " {\"name\": \"other\", \"secret\": \"other-key\"},"
	    " {\"name\": \"missing\", \"secret\": \"missing-key\"}]"
	    "}", 0, &err);
	if (c->conf == NULL)
		abort();
	add_secret(c, "alice-hash", alice_hash);
	add_secret(c, "bob-hash", bob_hash);
	add_secret(c, "dave-hash", "$1$salt$md5cryptisnotallowed");
	add_secret(c, "vercel-key", VERCEL_KEY);
	add_secret(c, "other-key", OTHER_KEY);
	if (with_jwtkey)
		add_secret(c, "jwt-key", JWTKEY);
	auth_init(c);
}

static void
teardown(struct child *c)
{
	struct siemd_secret	*s;

	while ((s = TAILQ_FIRST(&c->secrets)) != NULL) {
		TAILQ_REMOVE(&c->secrets, s, entry);
		free(s->label);
		free(s->value);
		free(s);
	}
	json_decref(c->conf);
	auth_shutdown();
}

static void
on_audit(const char *type, const char *user, const char *ip)
{
	strlcpy(audit.type, type, sizeof(audit.type));
	strlcpy(audit.user, user, sizeof(audit.user));
	strlcpy(audit.ip, ip, sizeof(audit.ip));
	audit.n++;
}

static void
on_revoke(void)
{
	revoke_calls++;
}

static void
on_persist(const char *jti, time_t exp)
{
	strlcpy(persist.jti, jti, sizeof(persist.jti));
	persist.exp = exp;
	persist.n++;
}

/* Seconds one password check takes. */
static double
elapsed(const char *stored, const char *pw)
{
	struct timespec	 a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	(void)auth_password_check(stored, pw, strlen(pw));
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
}

static char *
bearer(const char *token)
{
	static char	 buf[JWT_MAX_TOKEN + 64];

	snprintf(buf, sizeof(buf), "Bearer %s", token);
	return (buf);
}

static int
login(const char *user, const char *pw, const char *ip, time_t now,
    char **token, int *retry_after)
{
	int	 expires_in;

	return (auth_login(user, pw, pw ? strlen(pw) : 0, ip, now, token,
	    &expires_in, retry_after));
}

static void
test_roles(void)
{
	TEST_BEGIN("auth-roles");
	CHECK_STR(auth_role_name(ROLE_VIEWER), "viewer");
	CHECK_STR(auth_role_name(ROLE_ANALYST), "analyst");
	CHECK_STR(auth_role_name(ROLE_ADMIN), "admin");
	CHECK_INT(auth_role_parse("viewer"), ROLE_VIEWER);
	CHECK_INT(auth_role_parse("analyst"), ROLE_ANALYST);
	CHECK_INT(auth_role_parse("admin"), ROLE_ADMIN);
	CHECK(auth_allows(ROLE_ADMIN, ROLE_ADMIN));
	CHECK(auth_allows(ROLE_ADMIN, ROLE_VIEWER));
	CHECK(auth_allows(ROLE_ANALYST, ROLE_ANALYST));
	CHECK(auth_allows(ROLE_ANALYST, ROLE_VIEWER));
	CHECK(auth_allows(ROLE_VIEWER, ROLE_VIEWER));
	TEST_END();

	TEST_BEGIN("auth-bad-roles");
	CHECK(auth_role_name(-1) == NULL);
	CHECK(auth_role_name(3) == NULL);
	CHECK_INT(auth_role_parse("Admin"), -1);
	CHECK_INT(auth_role_parse("admin "), -1);
	CHECK_INT(auth_role_parse("root"), -1);
	CHECK_INT(auth_role_parse(""), -1);
	CHECK_INT(auth_role_parse(NULL), -1);
	CHECK(!auth_allows(ROLE_VIEWER, ROLE_ANALYST));
	CHECK(!auth_allows(ROLE_VIEWER, ROLE_ADMIN));
	CHECK(!auth_allows(ROLE_ANALYST, ROLE_ADMIN));
	CHECK(!auth_allows(99, ROLE_ADMIN));
	CHECK(!auth_allows(ROLE_ADMIN, 99));
	CHECK(!auth_allows(-1, ROLE_VIEWER));
	TEST_END();
}

static void
test_password(void)
{
	char	 big[AUTH_MAX_PASSWORD + 2];

	TEST_BEGIN("auth-password-right");
	CHECK_INT(auth_password_check(alice_hash, "correct horse", 13), 0);
	CHECK_INT(auth_password_check(bob_hash, "bob's secret", 12), 0);
	TEST_END();

	TEST_BEGIN("auth-bad-password-wrong");
	CHECK_INT(auth_password_check(alice_hash, "correct hors", 12), -1);
	CHECK_INT(auth_password_check(alice_hash, "correct horse ", 14), -1);
	CHECK_INT(auth_password_check(alice_hash, "Correct horse", 13), -1);
	/* the length given is what counts, not a NUL */
	CHECK_INT(auth_password_check(alice_hash, "correct horse\0x", 15),
	    -1);
	CHECK_INT(auth_password_check(alice_hash, "bob's secret", 12), -1);
	TEST_END();

	TEST_BEGIN("auth-bad-password-empty-or-unknown");
	CHECK_INT(auth_password_check(alice_hash, "", 0), -1);
	CHECK_INT(auth_password_check(alice_hash, NULL, 0), -1);
	CHECK_INT(auth_password_check(NULL, "correct horse", 13), -1);
	CHECK_INT(auth_password_check("not a hash", "x", 1), -1);
	CHECK_INT(auth_password_check("", "x", 1), -1);
	TEST_END();

	TEST_BEGIN("auth-bad-password-oversize");
	memset(big, 'a', sizeof(big));
	CHECK_INT(auth_password_check(alice_hash, big, sizeof(big)), -1);
	TEST_END();
}

/*
 * Not a benchmark: it checks that the unknown-user path does verify a
 * hash, so a wrong name and a wrong password take about as long.
 */
static void
test_timing(void)
{
	double	 known = 0, unknown = 0;
	int	 i;

	TEST_BEGIN("auth-unknown-user-costs-the-same");
	for (i = 0; i < 3; i++) {
		known += elapsed(alice_hash, "wrong password");
		unknown += elapsed(NULL, "wrong password");
	}
	printf("# known %.3f s, unknown %.3f s\n", known / 3, unknown / 3);
	CHECK(unknown > 0 && known > 0);
	CHECK(unknown < known * 3 && known < unknown * 3);
	/* an empty password goes the same way */
	unknown = elapsed(alice_hash, "");
	CHECK(unknown * 3 > known / 3);
	TEST_END();
}

static void
test_login(void)
{
	struct principal	 p;
	char			 jti[JWT_JTI_LEN + 1], *token;
	int			 r, ei, ra;
	time_t			 now = time(NULL);

	TEST_BEGIN("auth-login");
	audit.n = 0;
	r = auth_login("alice", "correct horse", 13, "192.0.2.10", now,
	    &token, &ei, &ra);
	CHECK_INT(r, AUTH_OK);
	CHECK(token != NULL);
	CHECK_INT(ei, 3600);
	CHECK_INT(audit.n, 1);
	CHECK_STR(audit.type, "login_success");
	CHECK_STR(audit.user, "alice");
	CHECK_STR(audit.ip, "192.0.2.10");
	TEST_END();

	TEST_BEGIN("auth-bearer");
	memset(&p, 0, sizeof(p));
	CHECK_INT(auth_bearer(bearer(token), now, &p, jti, sizeof(jti)), 0);
	CHECK_STR(p.user, "alice");
	CHECK_INT(p.role, ROLE_ADMIN);
	CHECK_INT(strlen(jti), JWT_JTI_LEN);
	TEST_END();

	TEST_BEGIN("auth-bearer-scheme-spelling");
	/* the scheme is case-insensitive, blanks after it are allowed */
	{
		char	 h[JWT_MAX_TOKEN + 64];

		snprintf(h, sizeof(h), "bearer %s", token);
		CHECK_INT(auth_bearer(h, now, &p, NULL, 0), 0);
		snprintf(h, sizeof(h), "BEARER   %s", token);
		CHECK_INT(auth_bearer(h, now, &p, NULL, 0), 0);
		snprintf(h, sizeof(h), "Bearer\t%s", token);
		CHECK_INT(auth_bearer(h, now, &p, NULL, 0), 0);
	}
	TEST_END();

	TEST_BEGIN("auth-bearer-exp");
	{
		time_t	 exp;

		CHECK_INT(auth_bearer_exp(bearer(token), now, &p, NULL, 0,
		    &exp), 0);
		CHECK_INT(exp, now + 3600);
	}
	TEST_END();
	free(token);

	TEST_BEGIN("auth-login-viewer");
	r = login("bob", "bob's secret", "192.0.2.10", now, &token, &ra);
	CHECK_INT(r, AUTH_OK);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), 0);
	CHECK_STR(p.user, "bob");
	CHECK_INT(p.role, ROLE_VIEWER);
	free(token);
	TEST_END();
}

static void
test_login_bad(void)
{
	char	 longname[400], *token;
	int	 ra, n;
	time_t	 now = time(NULL);

	TEST_BEGIN("auth-bad-login-wrong-password");
	n = audit.n;
	CHECK_INT(login("alice", "wrong", "192.0.2.20", now, &token, &ra),
	    AUTH_EDENIED);
	CHECK(token == NULL);
	CHECK_INT(audit.n, n + 1);
	CHECK_STR(audit.type, "login_failure");
	CHECK_STR(audit.user, "alice");
	CHECK_STR(audit.ip, "192.0.2.20");
	TEST_END();

	TEST_BEGIN("auth-bad-login-unknown-user");
	CHECK_INT(login("zed", "correct horse", "192.0.2.21", now, &token,
	    &ra), AUTH_EDENIED);
	CHECK_STR(audit.type, "login_failure");
	CHECK_STR(audit.user, "zed");
	CHECK_INT(login("", "x", "192.0.2.21", now, &token, &ra),
	    AUTH_EDENIED);
	CHECK_INT(login(NULL, "x", NULL, now, &token, &ra), AUTH_EDENIED);
	TEST_END();

	TEST_BEGIN("auth-bad-login-user-without-hash");
	/* carol's hash is missing, dave's is not Argon2id, erin's role bad */
	CHECK_INT(login("carol", "", "192.0.2.22", now, &token, &ra),
	    AUTH_EDENIED);
	CHECK_INT(login("dave", "x", "192.0.2.22", now, &token, &ra),
	    AUTH_EDENIED);
	CHECK_INT(login("erin", "correct horse", "192.0.2.22", now, &token,
	    &ra), AUTH_EDENIED);
	TEST_END();

	TEST_BEGIN("auth-bad-login-empty-password");
	CHECK_INT(login("alice", "", "192.0.2.23", now, &token, &ra),
	    AUTH_EDENIED);
	CHECK_INT(login("alice", NULL, "192.0.2.23", now, &token, &ra),
	    AUTH_EDENIED);
	TEST_END();

	TEST_BEGIN("auth-bad-login-long-name");
	/* a name longer than the audit limit is cut at a UTF-8 boundary */
	memset(longname, 'a', sizeof(longname));
	memcpy(longname + 254, "\xc3\xa9\xc3\xa9", 4);
	longname[sizeof(longname) - 1] = '\0';
	CHECK_INT(login(longname, "x", "192.0.2.24", now, &token, &ra),
	    AUTH_EDENIED);
	CHECK_INT(strlen(audit.user), 254);
	/* "alice" followed by more is not alice */
	CHECK_INT(login("alice\xc3\xa9", "correct horse", "192.0.2.24", now,
	    &token, &ra), AUTH_EDENIED);
	TEST_END();
}

static void
test_throttle_addr(void)
{
	char	 user[32], *token;
	int	 i, ra, n;
	time_t	 now = time(NULL);

	TEST_BEGIN("auth-bad-throttle-address");
	/* ten wrong names from one IPv6 /64, different hosts in it */
	for (i = 0; i < 10; i++) {
		snprintf(user, sizeof(user), "guess%d", i);
		CHECK_INT(login(user, "x", i % 2 ? "2001:db8:1:2::1" :
		    "2001:db8:1:2:ffff::9", now + i, &token, &ra),
		    AUTH_EDENIED);
	}
	n = audit.n;
	/* now even the right password is refused, without a hash */
	CHECK_INT(login("alice", "correct horse", "2001:db8:1:2::77",
	    now + 10, &token, &ra), AUTH_ETHROTTLED);
	CHECK(token == NULL);
	CHECK_INT(ra, 50);
	CHECK_INT(audit.n, n + 1);
	CHECK_STR(audit.type, "login_failure");
	TEST_END();

	TEST_BEGIN("auth-throttle-other-address-unaffected");
	CHECK_INT(login("alice", "correct horse", "2001:db8:1:3::1",
	    now + 10, &token, &ra), AUTH_OK);
	free(token);
	TEST_END();

	TEST_BEGIN("auth-throttle-address-window-passes");
	CHECK_INT(login("alice", "correct horse", "2001:db8:1:2::77",
	    now + 60, &token, &ra), AUTH_OK);
	free(token);
	TEST_END();
}

static void
test_throttle_user(void)
{
	char	 ip[32], *token;
	int	 i, ra;
	time_t	 now = time(NULL) + 1000;

	TEST_BEGIN("auth-bad-throttle-user");
	/* ten addresses guess bob's password */
	for (i = 0; i < 10; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d", i + 1);
		CHECK_INT(login("bob", "guess", ip, now, &token, &ra),
		    AUTH_EDENIED);
	}
	CHECK_INT(login("bob", "bob's secret", "203.0.113.99", now + 1,
	    &token, &ra), AUTH_ETHROTTLED);
	CHECK_INT(ra, 59);
	TEST_END();

	TEST_BEGIN("auth-throttle-other-user-unaffected");
	CHECK_INT(login("alice", "correct horse", "203.0.113.99", now + 1,
	    &token, &ra), AUTH_OK);
	free(token);
	TEST_END();
}

static void
test_throttle_success(void)
{
	char	 user[32], *token;
	int	 i, ra;
	time_t	 now = time(NULL) + 2000;

	TEST_BEGIN("auth-bad-throttle-success-keeps-address-count");
	/* nine failures against other names, mapped and plain IPv4 */
	for (i = 0; i < 9; i++) {
		snprintf(user, sizeof(user), "other%d", i);
		CHECK_INT(login(user, "x", i % 2 ? "192.0.2.99" :
		    "::ffff:192.0.2.99", now, &token, &ra), AUTH_EDENIED);
	}
	CHECK_INT(login("alice", "correct horse", "192.0.2.99", now, &token,
	    &ra), AUTH_OK);
	free(token);
	CHECK_INT(login("other9", "x", "192.0.2.99", now, &token, &ra),
	    AUTH_EDENIED);
	/* the tenth failure counted despite alice's success in between */
	CHECK_INT(login("bob", "bob's secret", "192.0.2.99", now, &token,
	    &ra), AUTH_ETHROTTLED);
	CHECK(ra > 0);
	TEST_END();
}

static void
test_bearer(void)
{
	struct principal	 p;
	char			*token;
	int			 ei;
	time_t			 now = time(NULL);

	TEST_BEGIN("auth-bearer-role-from-configuration");
	/* a token saying admin for bob, a viewer: bob stays a viewer */
	CHECK_INT(auth_issue("bob", ROLE_ADMIN, now, &token, &ei), 0);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), 0);
	CHECK_INT(p.role, ROLE_VIEWER);
	free(token);
	TEST_END();

	TEST_BEGIN("auth-bad-bearer-unknown-user");
	CHECK_INT(auth_issue("zed", ROLE_ADMIN, now, &token, &ei), 0);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "unknown user");
	free(token);
	TEST_END();

	TEST_BEGIN("auth-bad-issue");
	CHECK_INT(auth_issue("alice", 7, now, &token, &ei), -1);
	CHECK(token == NULL);
	CHECK_INT(auth_issue("a-name-much-longer-than-sixty-three-bytes-"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa", ROLE_ADMIN, now, &token, &ei), -1);
	TEST_END();
}

static void
test_bearer_bad(void)
{
	static const struct {
		const char	*hdr;
		const char	*reason;
	} bad[] = {
		{ NULL, "missing bearer token" },
		{ "", "missing bearer token" },
		{ "Bearer", "malformed authorization header" },
		{ "Bearer ", "malformed authorization header" },
		{ "Bearer    ", "malformed authorization header" },
		{ "Basic YWxpY2U6eA==", "malformed authorization header" },
		{ "Bearerxyz", "malformed authorization header" },
		{ "Token abc", "malformed authorization header" },
		{ "Bearer a b", "malformed authorization header" },
		{ "Bearer abc", "malformed token" },
		{ "Bearer a.b.c", "malformed token" },
		{ "Bearer eyJhbGciOiJub25lIn0.e30.", "malformed token" },
	};
	struct principal	 p;
	json_t			*c;
	char			*token, h[JWT_MAX_TOKEN + 64];
	size_t			 i;
	int			 ei;
	time_t			 now = time(NULL);

	TEST_BEGIN("auth-bad-bearer-headers");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(auth_bearer(bad[i].hdr, now, &p, NULL, 0), -1);
		CHECK_STR(auth_bearer_reason(), bad[i].reason);
	}
	TEST_END();

	TEST_BEGIN("auth-bad-bearer-expired");
	CHECK_INT(auth_issue("alice", ROLE_ADMIN, now, &token, &ei), 0);
	CHECK_INT(auth_bearer(bearer(token), now + 3600 + JWT_LEEWAY, &p,
	    NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "token expired");
	CHECK_INT(auth_bearer(bearer(token), now - 3600, &p, NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "token not yet valid");
	TEST_END();

	TEST_BEGIN("auth-bad-bearer-trailing-garbage");
	snprintf(h, sizeof(h), "Bearer %s x", token);
	CHECK_INT(auth_bearer(h, now, &p, NULL, 0), -1);
	snprintf(h, sizeof(h), "Bearer %s.", token);
	CHECK_INT(auth_bearer(h, now, &p, NULL, 0), -1);
	free(token);
	TEST_END();

	TEST_BEGIN("auth-bad-bearer-other-key");
	c = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s}",
	    "iss", AUTH_ISSUER, "aud", AUTH_AUDIENCE, "sub", "alice",
	    "role", "admin", "iat", (json_int_t)now,
	    "exp", (json_int_t)now + 60,
	    "jti", "00112233445566778899aabbccddeeff");
	CHECK_INT(jwt_sign((const uint8_t *)"not the key", 11, c, &token), 0);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "invalid token");
	free(token);
	/* the right key: accepted, so the refusal was the key's */
	CHECK_INT(jwt_sign((const uint8_t *)JWTKEY, strlen(JWTKEY), c,
	    &token), 0);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), 0);
	free(token);
	/* right key, wrong audience */
	json_object_set_new(c, "aud", json_string("grafana"));
	CHECK_INT(jwt_sign((const uint8_t *)JWTKEY, strlen(JWTKEY), c,
	    &token), 0);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "invalid token");
	free(token);
	json_decref(c);
	TEST_END();
}

static void
test_revocation(void)
{
	struct principal	 p;
	char			 jti[JWT_JTI_LEN + 1], *token, *other;
	int			 ei;
	time_t			 now = time(NULL), exp;

	auth_persist = on_persist;
	CHECK_INT(auth_issue("alice", ROLE_ADMIN, now, &token, &ei), 0);
	CHECK_INT(auth_issue("alice", ROLE_ADMIN, now, &other, &ei), 0);

	TEST_BEGIN("auth-logout-revokes");
	CHECK_INT(auth_bearer_exp(bearer(token), now, &p, jti, sizeof(jti),
	    &exp), 0);
	persist.n = 0;
	CHECK_INT(auth_logout(jti, exp, now), 0);
	CHECK_INT(persist.n, 1);
	CHECK_STR(persist.jti, jti);
	CHECK_INT(persist.exp, exp);
	CHECK(auth_revoked(jti, now));
	TEST_END();

	TEST_BEGIN("auth-bad-revoked-token-refused");
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "token revoked");
	TEST_END();

	TEST_BEGIN("auth-revocation-is-per-token");
	/* another token of the same user still works */
	CHECK_INT(auth_bearer(bearer(other), now, &p, NULL, 0), 0);
	TEST_END();

	TEST_BEGIN("auth-bad-logout-arguments");
	CHECK_INT(auth_logout("", exp, now), -1);
	CHECK_INT(auth_logout(NULL, exp, now), -1);
	CHECK_INT(auth_logout("00112233445566778899AABBCCDDEEFF", exp, now),
	    -1);
	CHECK_INT(auth_logout("0011", exp, now), -1);
	CHECK(!auth_revoked(NULL, now));
	CHECK(!auth_revoked("zz", now));
	/* an expired token need not be remembered */
	persist.n = 0;
	CHECK_INT(auth_logout("ffffffffffffffffffffffffffffffff", now - 100,
	    now), 0);
	CHECK_INT(persist.n, 0);
	CHECK(!auth_revoked("ffffffffffffffffffffffffffffffff", now));
	TEST_END();

	/* open streams are walked at once, for revocations only */
	TEST_BEGIN("auth-logout-calls-revoke-hook");
	auth_revoke_hook = on_revoke;
	revoke_calls = 0;
	CHECK_INT(auth_bearer_exp(bearer(other), now, &p, jti, sizeof(jti),
	    &exp), 0);
	CHECK_INT(auth_logout(jti, exp, now), 0);
	CHECK_INT(revoke_calls, 1);
	CHECK(auth_revoked(jti, now));
	TEST_END();

	TEST_BEGIN("auth-bad-logout-no-revoke-hook");
	revoke_calls = 0;
	CHECK_INT(auth_logout("0011", exp, now), -1);
	CHECK_INT(auth_logout(NULL, exp, now), -1);
	CHECK_INT(auth_logout("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", now - 100,
	    now), 0);
	CHECK_INT(revoke_calls, 0);
	auth_revoke_hook = NULL;
	TEST_END();

	free(token);
	free(other);
}

static void
test_revocation_restart(void)
{
	struct child		 c;
	struct principal	 p;
	char			 jti[JWT_JTI_LEN + 1], *token, *s;
	json_t			*saved, *e;
	int			 ei;
	time_t			 now = time(NULL), exp;

	setup(&c, 1);
	CHECK_INT(auth_issue("alice", ROLE_ADMIN, now, &token, &ei), 0);
	CHECK_INT(auth_bearer_exp(bearer(token), now, &p, jti, sizeof(jti),
	    &exp), 0);
	CHECK_INT(auth_logout(jti, exp, now), 0);

	TEST_BEGIN("auth-revocation-export");
	CHECK_INT(auth_revocation_export(&saved), 0);
	CHECK(json_is_array(saved));
	CHECK_INT(json_array_size(saved), 1);
	e = json_array_get(saved, 0);
	CHECK_STR(json_string_value(json_object_get(e, "jti")), jti);
	CHECK_INT(json_integer_value(json_object_get(e, "exp")), exp);
	TEST_END();

	/* a restart: same key, nothing remembered */
	teardown(&c);
	setup(&c, 1);

	TEST_BEGIN("auth-restart-forgets-without-import");
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), 0);
	TEST_END();

	TEST_BEGIN("auth-revocation-import");
	/* through text, as it travels to the store and back */
	s = json_dumps(saved, JSON_COMPACT);
	json_decref(saved);
	saved = json_loads(s, 0, NULL);
	free(s);
	persist.n = 0;
	CHECK_INT(auth_revocation_import(saved), 1);
	CHECK_INT(persist.n, 0);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "token revoked");
	/* twice is the same */
	CHECK_INT(auth_revocation_import(saved), 1);
	json_decref(saved);
	CHECK_INT(auth_revocation_export(&saved), 0);
	CHECK_INT(json_array_size(saved), 1);
	json_decref(saved);
	TEST_END();

	TEST_BEGIN("auth-reload-keeps-revocations");
	auth_init(&c);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), -1);
	CHECK_STR(auth_bearer_reason(), "token revoked");
	TEST_END();

	TEST_BEGIN("auth-bad-revocation-import");
	CHECK_INT(auth_revocation_import(NULL), -1);
	saved = json_object();
	CHECK_INT(auth_revocation_import(saved), -1);
	json_decref(saved);
	saved = json_pack("[{s:s, s:I}, {s:s, s:s}, {s:i}, s, i,"
	    "{s:s, s:I}, {s:s, s:I}]",
	    "jti", "not hex", "exp", (json_int_t)now + 100,
	    "jti", "0123456789abcdef0123456789abcdef", "exp", "soon",
	    "exp", 5, "x", 7,
	    "jti", "0123456789abcdef0123456789abcdef",
	    "exp", (json_int_t)now - 1000,
	    "jti", "fedcba9876543210fedcba9876543210",
	    "exp", (json_int_t)now + 1000);
	CHECK(saved != NULL);
	/* only the last is well-formed and still in force */
	CHECK_INT(auth_revocation_import(saved), 1);
	CHECK(auth_revoked("fedcba9876543210fedcba9876543210", now));
	CHECK(!auth_revoked("0123456789abcdef0123456789abcdef", now));
	json_decref(saved);
	TEST_END();

	free(token);
	teardown(&c);
}

static void
test_revocation_prune(void)
{
	struct child	 c;
	json_t		*saved;
	json_t		*counters;
	time_t		 now = time(NULL);

	setup(&c, 1);

	TEST_BEGIN("auth-revocation-prune");
	CHECK_INT(auth_logout("0000000000000000000000000000000a", now + 5,
	    now), 0);
	CHECK_INT(auth_logout("0000000000000000000000000000000b", now + 3600,
	    now), 0);
	CHECK(auth_revoked("0000000000000000000000000000000a", now));
	auth_revocation_prune(now + 100);
	CHECK(!auth_revoked("0000000000000000000000000000000a", now));
	CHECK(auth_revoked("0000000000000000000000000000000b", now));
	counters = auth_counters();
	CHECK_INT(json_integer_value(json_object_get(counters, "revoked")),
	    1);
	json_decref(counters);
	TEST_END();

	TEST_BEGIN("auth-revocation-export-skips-expired");
	CHECK_INT(auth_logout("0000000000000000000000000000000c", now - 100,
	    now - 120), 0);
	CHECK(auth_revoked("0000000000000000000000000000000c", now));
	CHECK_INT(auth_revocation_export(&saved), 0);
	CHECK_INT(json_array_size(saved), 1);
	json_decref(saved);
	TEST_END();

	teardown(&c);
}

static void
test_revocation_bound(void)
{
	struct child	 c;
	char		 jti[JWT_JTI_LEN + 1];
	json_t		*counters;
	time_t		 now = time(NULL);
	int		 i;

	setup(&c, 1);

	TEST_BEGIN("auth-bad-revocation-flood-bounded");
	/* exp grows with i: the earliest ones are dropped first */
	for (i = 0; i < AUTH_MAX_REVOKED + 10; i++) {
		snprintf(jti, sizeof(jti), "%032x", i);
		CHECK_INT(auth_logout(jti, now + 1000 + i, now), 0);
	}
	counters = auth_counters();
	CHECK_INT(json_integer_value(json_object_get(counters, "revoked")),
	    AUTH_MAX_REVOKED);
	CHECK_INT(json_integer_value(json_object_get(counters,
	    "revoked_dropped")), 10);
	json_decref(counters);
	snprintf(jti, sizeof(jti), "%032x", 9);
	CHECK(!auth_revoked(jti, now));
	snprintf(jti, sizeof(jti), "%032x", 10);
	CHECK(auth_revoked(jti, now));
	snprintf(jti, sizeof(jti), "%032x", AUTH_MAX_REVOKED + 9);
	CHECK(auth_revoked(jti, now));
	TEST_END();

	TEST_BEGIN("auth-revocation-full-prunes-first");
	/* once those expire, new revocations push nothing out */
	CHECK_INT(auth_logout("ffffffffffffffffffffffffffffffff", now + 99999,
	    now + 1000 + AUTH_MAX_REVOKED + 100), 0);
	counters = auth_counters();
	CHECK_INT(json_integer_value(json_object_get(counters, "revoked")),
	    1);
	CHECK_INT(json_integer_value(json_object_get(counters,
	    "revoked_dropped")), 10);
	json_decref(counters);
	TEST_END();

	teardown(&c);
}

static void
test_ratelimit(void)
{
	int	 i, ra;
	time_t	 now = time(NULL);

	TEST_BEGIN("auth-ratelimit");
	for (i = 0; i < 5; i++)
		CHECK_INT(auth_ratelimit("11111111111111111111111111111111",
		    now, &ra), 0);
	CHECK_INT(auth_ratelimit("11111111111111111111111111111111", now,
	    &ra), -1);
	CHECK_INT(ra, 12);
	CHECK_INT(auth_ratelimit("22222222222222222222222222222222", now,
	    &ra), 0);
	CHECK_INT(auth_ratelimit("11111111111111111111111111111111",
	    now + 12, &ra), 0);
	TEST_END();
}

static void
test_ingest(void)
{
	char	 name[64], big[SIEMD_MAX_SECRET + 100];

	TEST_BEGIN("auth-ingest-key");
	CHECK_INT(auth_ingest_key("Bearer " VERCEL_KEY, name, sizeof(name)),
	    0);
	CHECK_STR(name, "vercel");
	CHECK_INT(auth_ingest_key("bearer " OTHER_KEY, name, sizeof(name)),
	    0);
	CHECK_STR(name, "other");
	CHECK_INT(auth_ingest_key("Bearer " VERCEL_KEY, NULL, 0), 0);
	TEST_END();

	TEST_BEGIN("auth-bad-ingest-key-wrong");
	CHECK_INT(auth_ingest_key("Bearer 3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5d",
	    name, sizeof(name)), -1);
	CHECK_STR(name, "");
	CHECK_INT(auth_ingest_key("Bearer " JWTKEY, name, sizeof(name)), -1);
	TEST_END();

	TEST_BEGIN("auth-bad-ingest-key-prefix");
	CHECK_INT(auth_ingest_key("Bearer 3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5",
	    name, sizeof(name)), -1);
	CHECK_INT(auth_ingest_key("Bearer 3", name, sizeof(name)), -1);
	TEST_END();

	TEST_BEGIN("auth-bad-ingest-key-longer");
	CHECK_INT(auth_ingest_key("Bearer " VERCEL_KEY "0", name,
	    sizeof(name)), -1);
	CHECK_INT(auth_ingest_key("Bearer " VERCEL_KEY VERCEL_KEY, name,
	    sizeof(name)), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "Bearer ", 7);
	CHECK_INT(auth_ingest_key(big, name, sizeof(name)), -1);
	TEST_END();

	TEST_BEGIN("auth-bad-ingest-key-empty");
	CHECK_INT(auth_ingest_key("Bearer ", name, sizeof(name)), -1);
	CHECK_INT(auth_ingest_key("Bearer", name, sizeof(name)), -1);
	CHECK_INT(auth_ingest_key("", name, sizeof(name)), -1);
	CHECK_INT(auth_ingest_key(NULL, name, sizeof(name)), -1);
	TEST_END();

	TEST_BEGIN("auth-bad-ingest-key-scheme");
	CHECK_INT(auth_ingest_key(VERCEL_KEY, name, sizeof(name)), -1);
	CHECK_INT(auth_ingest_key("Basic " VERCEL_KEY, name, sizeof(name)),
	    -1);
	CHECK_INT(auth_ingest_key("Bearer " VERCEL_KEY " ", name,
	    sizeof(name)), -1);
	/* the key without a secret matches nothing, not even "" */
	CHECK_INT(auth_ingest_key("Bearer missing-key", name, sizeof(name)),
	    -1);
	TEST_END();

	TEST_BEGIN("auth-bad-ingest-key-is-not-a-token");
	{
		struct principal	 p;

		CHECK_INT(auth_bearer("Bearer " VERCEL_KEY, time(NULL), &p,
		    NULL, 0), -1);
	}
	TEST_END();
}

static void
test_random_key(void)
{
	struct child		 c;
	struct principal	 p;
	char			*token, *token2;
	int			 ei;
	time_t			 now = time(NULL);

	TEST_BEGIN("auth-random-key-without-jwt-key");
	setup(&c, 0);
	CHECK_INT(auth_issue("alice", ROLE_ADMIN, now, &token, &ei), 0);
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), 0);
	teardown(&c);
	setup(&c, 0);
	/* another random key after a restart: the old token is void */
	CHECK_INT(auth_bearer(bearer(token), now, &p, NULL, 0), -1);
	CHECK_INT(auth_issue("alice", ROLE_ADMIN, now, &token2, &ei), 0);
	CHECK_INT(auth_bearer(bearer(token2), now, &p, NULL, 0), 0);
	teardown(&c);
	setup(&c, 1);
	CHECK_INT(auth_bearer(bearer(token2), now, &p, NULL, 0), -1);
	free(token);
	free(token2);
	teardown(&c);
	TEST_END();
}

static void
test_handlers(void)
{
	struct request	 req;
	json_t		*o;
	char		 h[JWT_MAX_TOKEN + 64];
	const char	*tok;
	int		 i;

	memset(&req, 0, sizeof(req));
	strlcpy(req.client, "192.0.2.200", sizeof(req.client));

	TEST_BEGIN("auth-handler-login");
	req.body = (const uint8_t *)"{\"username\":\"alice\","
	    "\"password\":\"correct horse\"}";
	req.bodylen = strlen((const char *)req.body);
	auth_handle_login(&req);
	CHECK_INT(resp.status, 200);
	CHECK(strstr(resp.headers, "Cache-Control: no-store") != NULL);
	o = json_loads(resp.body, 0, NULL);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "token_type")),
	    "bearer");
	CHECK_INT(json_integer_value(json_object_get(o, "expires_in")),
	    3600);
	tok = json_string_value(json_object_get(o, "access_token"));
	CHECK(tok != NULL);
	snprintf(h, sizeof(h), "Bearer %s", tok ? tok : "");
	json_decref(o);
	TEST_END();

	TEST_BEGIN("auth-handler-me");
	req_authorization = h;
	auth_handle_me(&req);
	CHECK_INT(resp.status, 200);
	o = json_loads(resp.body, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(o, "user")), "alice");
	CHECK_STR(json_string_value(json_object_get(o, "role")), "admin");
	CHECK(json_string_length(json_object_get(o, "expires_at")) == 20);
	json_decref(o);
	TEST_END();

	TEST_BEGIN("auth-handler-logout");
	auth_handle_logout(&req);
	CHECK_INT(resp.status, 204);
	auth_handle_me(&req);
	CHECK_INT(resp.status, 401);
	CHECK_STR(resp.body, "token revoked");
	auth_handle_logout(&req);
	CHECK_INT(resp.status, 401);
	TEST_END();

	TEST_BEGIN("auth-bad-handler-login-body");
	{
		static const char *bad[] = {
			"",
			"not json",
			"[]",
			"{}",
			"{\"username\":\"alice\"}",
			"{\"password\":\"correct horse\"}",
			"{\"username\":1,\"password\":\"x\"}",
			"{\"username\":\"alice\",\"password\":null}",
			"{\"username\":\"al\\u0000ice\",\"password\":\"x\"}",
			"{\"username\":\"alice\",\"username\":\"bob\","
			    "\"password\":\"x\"}",
			"{\"username\":\"alice\",\"password\":\"x\"} {}",
		};
		size_t	 j;

		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			req.body = (const uint8_t *)bad[j];
			req.bodylen = strlen(bad[j]);
			auth_handle_login(&req);
			if (resp.status != 400)
				printf("# %s\n", bad[j]);
			CHECK_INT(resp.status, 400);
		}
		req.body = NULL;
		req.bodylen = 0;
		auth_handle_login(&req);
		CHECK_INT(resp.status, 400);
	}
	TEST_END();

	TEST_BEGIN("auth-bad-handler-login-content-type");
	req.body = (const uint8_t *)"{\"username\":\"alice\","
	    "\"password\":\"correct horse\"}";
	req.bodylen = strlen((const char *)req.body);
	req_content_type = NULL;
	auth_handle_login(&req);
	CHECK_INT(resp.status, 415);
	req_content_type = "text/plain";
	auth_handle_login(&req);
	CHECK_INT(resp.status, 415);
	req_content_type = "application/x-www-form-urlencoded";
	auth_handle_login(&req);
	CHECK_INT(resp.status, 415);
	req_content_type = "application/jsonx";
	auth_handle_login(&req);
	CHECK_INT(resp.status, 415);
	req_content_type = "Application/JSON; charset=utf-8";
	auth_handle_login(&req);
	CHECK_INT(resp.status, 200);
	req_content_type = "application/json";
	TEST_END();

	TEST_BEGIN("auth-bad-handler-login-generic-401");
	req.body = (const uint8_t *)"{\"username\":\"alice\","
	    "\"password\":\"wrong\"}";
	req.bodylen = strlen((const char *)req.body);
	auth_handle_login(&req);
	CHECK_INT(resp.status, 401);
	CHECK_STR(resp.body, "invalid username or password");
	CHECK(strncmp(resp.headers, "WWW-Authenticate: Bearer", 24) == 0);
	req.body = (const uint8_t *)"{\"username\":\"nobody\","
	    "\"password\":\"wrong\"}";
	req.bodylen = strlen((const char *)req.body);
	auth_handle_login(&req);
	CHECK_INT(resp.status, 401);
	CHECK_STR(resp.body, "invalid username or password");
	TEST_END();

	TEST_BEGIN("auth-bad-handler-login-throttled");
	for (i = 0; i < 12 && resp.status != 429; i++)
		auth_handle_login(&req);
	CHECK_INT(resp.status, 429);
	CHECK_STR(resp.type, "application/problem+json");
	CHECK(strncmp(resp.headers, "Retry-After: ", 13) == 0);
	CHECK(atoi(resp.headers + 13) > 0);
	CHECK_STR(resp.body, "too many failed logins, try again later");
	TEST_END();

	TEST_BEGIN("auth-bad-handler-me-no-token");
	req_authorization = NULL;
	auth_handle_me(&req);
	CHECK_INT(resp.status, 401);
	req_authorization = "Bearer garbage";
	auth_handle_me(&req);
	CHECK_INT(resp.status, 401);
	auth_handle_logout(&req);
	CHECK_INT(resp.status, 401);
	TEST_END();
	req_authorization = NULL;
}

int
main(void)
{
	struct child	 c;
	json_t		*counters;

	if (sodium_init() == -1)
		return (1);
	if ((alice_hash = malloc(crypto_pwhash_STRBYTES)) == NULL ||
	    (bob_hash = malloc(crypto_pwhash_STRBYTES)) == NULL)
		abort();
	if (crypto_pwhash_str(alice_hash, "correct horse", 13,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 ||
	    crypto_pwhash_str(bob_hash, "bob's secret", 12,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		abort();
	auth_audit = on_audit;

	test_roles();
	test_password();
	test_timing();

	setup(&c, 1);
	test_login();
	test_login_bad();
	test_throttle_addr();
	test_throttle_user();
	test_throttle_success();
	test_bearer();
	test_bearer_bad();
	test_revocation();
	test_ratelimit();
	test_ingest();
	test_handlers();

	TEST_BEGIN("auth-counters");
	counters = auth_counters();
	CHECK(json_integer_value(json_object_get(counters,
	    "login_success")) > 0);
	CHECK(json_integer_value(json_object_get(counters,
	    "login_failure")) > 0);
	CHECK(json_integer_value(json_object_get(counters,
	    "login_throttled")) > 0);
	json_decref(counters);
	TEST_END();
	teardown(&c);

	test_revocation_restart();
	test_revocation_prune();
	test_revocation_bound();
	test_random_key();

	free(alice_hash);
	free(bob_hash);
	TEST_EXIT();
}
