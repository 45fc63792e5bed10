/*
 * Authentication for the API: users and their Argon2id hashes, login
 * with throttling, HS256 bearer tokens, roles, revocation on logout,
 * per-token rate limits, and the ingest keys of POST /ingest.
 *
 * The secrets (hashes, the token key, ingest keys) arrive from the
 * parent before the process is sealed; everything presented by a
 * client is hostile and compared in constant time where a secret is
 * involved.  An unknown user costs one Argon2id verification, the
 * same as a known one, against a dummy hash made at start.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event.h>
#include <jansson.h>
#include <sodium.h>

#include "siemd.h"
#include "child.h"
#include "router.h"
#include "server.h"
#include "auth.h"
#include "jwt.h"
#include "throttle.h"

#define AUTH_MAX_ADDRKEY	(INET6_ADDRSTRLEN + 8)
#define AUTH_MAX_LIFETIME	(366LL * 86400)
#define AUTH_HASHKEY		crypto_generichash_KEYBYTES
#define AUTH_CHALLENGE		"WWW-Authenticate: Bearer realm=\"siemd\"\r\n"
#define AUTH_CHALLENGE_TOKEN	"WWW-Authenticate: Bearer realm=\"siemd\", " \
				"error=\"invalid_token\"\r\n"

struct auth_user {
	char		 name[AUTH_MAX_USER + 1];
	int		 role;
	char		*hash;		/* NULL: cannot log in */
};

struct auth_key {
	char		 name[SIEMD_MAX_NAME];
	uint8_t		 digest[crypto_generichash_BYTES];
};

struct auth_revoked {
	char		 jti[JWT_JTI_LEN + 1];
	time_t		 exp;
	int32_t		 next;		/* chain or free list; -1 ends */
};

static struct {
	struct auth_user	*users;
	size_t			 nusers;
	struct auth_key		*keys;
	size_t			 nkeys;
	uint8_t			 key_hashkey[AUTH_HASHKEY];
	uint8_t			 jwt_key[SIEMD_MAX_SECRET];
	size_t			 jwt_keylen;
	int64_t			 lifetime;
	int			 rate_limit;
	int			 tables;	/* throttles, revocations */
	struct throttle		 login_addr;
	struct throttle		 login_user;
	struct throttle		 rate;
	struct auth_revoked	*revoked;
	int32_t			*rbuckets;
	int32_t			 rfree;
	size_t			 nrevoked;
	const char		*reason;	/* last bearer refusal */
	uint64_t		 login_success;
	uint64_t		 login_failure;
	uint64_t		 login_throttled;
	uint64_t		 bearer_refused;
	uint64_t		 ratelimited;
	uint64_t		 revoked_dropped;
} auth;

/* An Argon2id hash of a random password, verified for unknown users. */
static char	 auth_dummy[crypto_pwhash_STRBYTES];

void		(*auth_audit)(const char *, const char *, const char *);
void		(*auth_persist)(const char *, time_t);
void		(*auth_revoke_hook)(void);

static void	 auth_dummy_init(void);
static void	 auth_tables_init(void);
static void	 auth_load_users(struct child *);
static void	 auth_load_keys(struct child *);
static void	 auth_load_jwtkey(struct child *);
static struct auth_user *auth_user_find(const char *);
static const char *auth_scheme(const char *);
static void	 auth_cut(const char *, char *, size_t);
static void	 auth_addr_key(const char *, char *, size_t);
static void	 auth_emit(const char *, const char *, const char *);
static int	 auth_jti_valid(const char *);
static uint32_t	 auth_jti_bucket(const char *);
static int32_t	 auth_revoked_find(const char *);
static void	 auth_revoked_unlink(int32_t);
static void	 auth_revoked_add(const char *, time_t, time_t);

/*
 * What an unknown user's password is checked against, so that the
 * answer takes as long as for a known one.  It is a hash made with the
 * parameters of siemctl hash-password from random bytes nobody kept;
 * being fixed, it costs no Argon2id run (64 MiB) at start, and the
 * result of checking against it is ignored anyway.
 */
static void
auth_dummy_init(void)
{
	static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$"
	    "k4BCLZiwZ+u/3kCaQTMpAQ$pv/r9oJleLFtcWLzTwzfTdUxVs4hBGGumyaRvKeCS4A";

	if (auth_dummy[0] == '\0')
		strlcpy(auth_dummy, dummy, sizeof(auth_dummy));
}

static void
auth_tables_init(void)
{
	int32_t	 i;

	if (auth.tables)
		return;
	throttle_init(&auth.login_addr, THROTTLE_TABLE, THROTTLE_FAILURES,
	    THROTTLE_WINDOW);
	throttle_init(&auth.login_user, THROTTLE_TABLE, THROTTLE_FAILURES,
	    THROTTLE_WINDOW);
	ratelimit_init(&auth.rate, THROTTLE_TABLE, auth.rate_limit);
	if ((auth.revoked = calloc(AUTH_MAX_REVOKED,
	    sizeof(*auth.revoked))) == NULL ||
	    (auth.rbuckets = calloc(AUTH_MAX_REVOKED,
	    sizeof(*auth.rbuckets))) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < AUTH_MAX_REVOKED; i++) {
		auth.rbuckets[i] = -1;
		auth.revoked[i].next = i + 1 < AUTH_MAX_REVOKED ? i + 1 : -1;
	}
	auth.rfree = 0;
	auth.nrevoked = 0;
	auth.tables = 1;
}

/*
 * Load users, ingest keys, the token key and the api settings from
 * the configuration and the secrets the parent sent.  Called again
 * (on reload), it replaces those and keeps throttling state and
 * revocations.
 */
void
auth_init(struct child *c)
{
	json_t	*api, *v;
	int64_t	 n;

	if (sodium_init() == -1)
		fatalx("%s: sodium_init", __func__);
	auth_dummy_init();

	api = json_object_get(c->conf, "api");
	auth.lifetime = SIEMD_TOKEN_LIFETIME;
	v = json_object_get(api, "token_lifetime");
	if (json_is_integer(v) && (n = json_integer_value(v)) > 0 &&
	    n <= AUTH_MAX_LIFETIME)
		auth.lifetime = n;
	auth.rate_limit = SIEMD_RATE_LIMIT;
	v = json_object_get(api, "rate_limit");
	if (json_is_integer(v) && (n = json_integer_value(v)) >= 0 &&
	    n <= 1000000)
		auth.rate_limit = (int)n;
	if (auth.tables && auth.rate.limit != auth.rate_limit) {
		throttle_free(&auth.rate);
		ratelimit_init(&auth.rate, THROTTLE_TABLE, auth.rate_limit);
	}
	auth_tables_init();

	auth_load_users(c);
	auth_load_keys(c);
	auth_load_jwtkey(c);
	log_debug("%s: %zu users, %zu ingest keys, tokens for %lld s, "
	    "%d requests per minute", __func__, auth.nusers, auth.nkeys,
	    (long long)auth.lifetime, auth.rate_limit);
}

static void
auth_load_users(struct child *c)
{
	struct siemd_secret	*s;
	struct auth_user	*u;
	json_t			*users, *v;
	const char		*name, *label;
	size_t			 i, j;
	int			 role;

	for (i = 0; i < auth.nusers; i++)
		if (auth.users[i].hash != NULL) {
			explicit_bzero(auth.users[i].hash,
			    strlen(auth.users[i].hash));
			free(auth.users[i].hash);
		}
	free(auth.users);
	auth.users = NULL;
	auth.nusers = 0;

	users = json_object_get(c->conf, "users");
	if (json_array_size(users) == 0)
		return;
	if ((auth.users = calloc(json_array_size(users),
	    sizeof(*auth.users))) == NULL)
		fatal("%s: calloc", __func__);
	json_array_foreach(users, i, v) {
		name = json_string_value(json_object_get(v, "name"));
		label = json_string_value(json_object_get(v, "password"));
		role = auth_role_parse(json_string_value(
		    json_object_get(v, "role")));
		if (name == NULL || *name == '\0' ||
		    strlen(name) > AUTH_MAX_USER) {
			log_warnx("%s: user %zu: bad name, skipped", __func__,
			    i);
			continue;
		}
		if (role == -1) {
			log_warnx("%s: user %s: bad role, skipped", __func__,
			    name);
			continue;
		}
		if (auth_user_find(name) != NULL) {
			log_warnx("%s: user %s: duplicate, skipped", __func__,
			    name);
			continue;
		}
		u = &auth.users[auth.nusers++];
		strlcpy(u->name, name, sizeof(u->name));
		u->role = role;
		s = label != NULL ? child_secret(c, label) : NULL;
		if (s == NULL) {
			log_warnx("%s: user %s: no password hash, cannot log "
			    "in", __func__, name);
			continue;
		}
		j = strlen(s->value);
		if (j != s->len || j >= crypto_pwhash_STRBYTES ||
		    strncmp(s->value, "$argon2id$", 10) != 0) {
			log_warnx("%s: user %s: password hash is not Argon2id, "
			    "cannot log in", __func__, name);
			continue;
		}
		if ((u->hash = strdup(s->value)) == NULL)
			fatal("%s: strdup", __func__);
	}
}

static void
auth_load_keys(struct child *c)
{
	struct siemd_secret	*s;
	struct auth_key		*k;
	json_t			*keys, *v;
	const char		*name, *label;
	size_t			 i;

	if (auth.keys != NULL)
		explicit_bzero(auth.keys, auth.nkeys * sizeof(*auth.keys));
	free(auth.keys);
	auth.keys = NULL;
	auth.nkeys = 0;
	/* a fresh hash key: digests of old keys mean nothing after this */
	randombytes_buf(auth.key_hashkey, sizeof(auth.key_hashkey));

	keys = json_object_get(c->conf, "ingest_keys");
	if (json_array_size(keys) == 0)
		return;
	if ((auth.keys = calloc(json_array_size(keys),
	    sizeof(*auth.keys))) == NULL)
		fatal("%s: calloc", __func__);
	json_array_foreach(keys, i, v) {
		name = json_string_value(json_object_get(v, "name"));
		label = json_string_value(json_object_get(v, "secret"));
		if (name == NULL || *name == '\0' ||
		    strlen(name) >= sizeof(k->name)) {
			log_warnx("%s: ingest key %zu: bad name, skipped",
			    __func__, i);
			continue;
		}
		s = label != NULL ? child_secret(c, label) : NULL;
		if (s == NULL || s->len == 0) {
			log_warnx("%s: ingest key %s: no secret, skipped",
			    __func__, name);
			continue;
		}
		k = &auth.keys[auth.nkeys++];
		strlcpy(k->name, name, sizeof(k->name));
		crypto_generichash(k->digest, sizeof(k->digest),
		    (const unsigned char *)s->value, s->len,
		    auth.key_hashkey, sizeof(auth.key_hashkey));
	}
}

static void
auth_load_jwtkey(struct child *c)
{
	struct siemd_secret	*s;

	sodium_memzero(auth.jwt_key, sizeof(auth.jwt_key));
	s = child_secret(c, "jwt-key");
	if (s == NULL || s->len == 0 || s->len > sizeof(auth.jwt_key)) {
		log_warnx("%s: no jwt-key secret: signing with a random key, "
		    "tokens will not survive a restart", __func__);
		randombytes_buf(auth.jwt_key, AUTH_JWT_KEYLEN);
		auth.jwt_keylen = AUTH_JWT_KEYLEN;
		return;
	}
	if (s->len < AUTH_JWT_MINKEY)
		log_warnx("%s: jwt-key is shorter than %d bytes", __func__,
		    AUTH_JWT_MINKEY);
	memcpy(auth.jwt_key, s->value, s->len);
	auth.jwt_keylen = s->len;
}

/* Everything goes, secrets wiped; the next auth_init starts afresh. */
void
auth_shutdown(void)
{
	size_t	 i;

	for (i = 0; i < auth.nusers; i++)
		if (auth.users[i].hash != NULL) {
			explicit_bzero(auth.users[i].hash,
			    strlen(auth.users[i].hash));
			free(auth.users[i].hash);
		}
	free(auth.users);
	if (auth.keys != NULL)
		explicit_bzero(auth.keys, auth.nkeys * sizeof(*auth.keys));
	free(auth.keys);
	if (auth.tables) {
		throttle_free(&auth.login_addr);
		throttle_free(&auth.login_user);
		throttle_free(&auth.rate);
	}
	free(auth.revoked);
	free(auth.rbuckets);
	sodium_memzero(&auth, sizeof(auth));
}

static struct auth_user *
auth_user_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < auth.nusers; i++)
		if (strcmp(auth.users[i].name, name) == 0)
			return (&auth.users[i]);
	return (NULL);
}

/*
 * 0 if password matches the stored Argon2id hash, -1 otherwise.  With
 * no hash (unknown user), an over-long or an empty password, the dummy
 * hash is verified all the same, so that every failure costs the same.
 */
int
auth_password_check(const char *stored, const char *password, size_t len)
{
	int	 r;

	auth_dummy_init();
	if (password == NULL) {
		password = "";
		len = 0;
	}
	if (stored == NULL || len == 0 || len > AUTH_MAX_PASSWORD) {
		if (len > AUTH_MAX_PASSWORD)
			len = AUTH_MAX_PASSWORD;
		r = crypto_pwhash_str_verify(auth_dummy, password, len);
		(void)r;
		return (-1);
	}
	if (crypto_pwhash_str_verify(stored, password, len) != 0)
		return (-1);
	return (0);
}

/* Copy at most len - 1 bytes, not cutting a UTF-8 sequence in two. */
static void
auth_cut(const char *in, char *out, size_t len)
{
	size_t	 n;

	if (strlcpy(out, in, len) < len)
		return;
	n = len - 1;
	while (n > 0 && ((unsigned char)in[n] & 0xc0) == 0x80)
		n--;
	out[n] = '\0';
}

/*
 * The throttling key of a client address: IPv4 as is (also when
 * mapped into IPv6), IPv6 by its /64, since one host usually holds a
 * whole /64.
 */
static void
auth_addr_key(const char *ip, char *buf, size_t len)
{
	struct in6_addr	 a6;
	char		 s[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET6, ip, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			if (inet_ntop(AF_INET, &a6.s6_addr[12], s,
			    sizeof(s)) != NULL) {
				strlcpy(buf, s, len);
				return;
			}
		} else {
			memset(&a6.s6_addr[8], 0, 8);
			if (inet_ntop(AF_INET6, &a6, s, sizeof(s)) != NULL) {
				snprintf(buf, len, "%s/64", s);
				return;
			}
		}
	}
	auth_cut(ip, buf, len);
}

static void
auth_emit(const char *type, const char *user, const char *ip)
{
	if (auth_audit != NULL)
		auth_audit(type, user, ip);
}

/*
 * A login attempt.  AUTH_OK with a token (freed by the caller) and its
 * lifetime; AUTH_EDENIED for an unknown user or a wrong password alike;
 * AUTH_ETHROTTLED with the seconds to wait.  Each attempt is audited.
 */
int
auth_login(const char *user, const char *password, size_t passlen,
    const char *client_ip, time_t now, char **token, int *expires_in,
    int *retry_after)
{
	char			 name[AUTH_MAX_AUDIT_USER + 1];
	char			 akey[AUTH_MAX_ADDRKEY];
	struct auth_user	*u = NULL;
	int			 ra, ru, r;

	*token = NULL;
	*expires_in = 0;
	*retry_after = 0;
	if (!auth.tables)
		fatalx("%s: auth_init was not called", __func__);
	if (user == NULL)
		user = "";
	if (client_ip == NULL)
		client_ip = "";
	auth_cut(user, name, sizeof(name));
	auth_addr_key(client_ip, akey, sizeof(akey));

	/* both are checked, so both report the longer wait */
	ra = throttle_check(&auth.login_addr, akey, now, retry_after);
	ru = throttle_check(&auth.login_user, name, now, &r);
	if (ra == -1 || ru == -1) {
		if (r > *retry_after)
			*retry_after = r;
		auth.login_throttled++;
		auth.login_failure++;
		auth_emit("login_failure", name, client_ip);
		return (AUTH_ETHROTTLED);
	}

	if (strlen(user) <= AUTH_MAX_USER)
		u = auth_user_find(user);
	if (auth_password_check(u != NULL ? u->hash : NULL, password,
	    passlen) == -1 || u == NULL) {
		throttle_fail(&auth.login_addr, akey, now);
		throttle_fail(&auth.login_user, name, now);
		auth.login_failure++;
		auth_emit("login_failure", name, client_ip);
		return (AUTH_EDENIED);
	}
	/* the address keeps its count: one good account must not reset it */
	throttle_success(&auth.login_user, name);
	if (auth_issue(u->name, u->role, now, token, expires_in) == -1) {
		log_warnx("%s: cannot sign a token", __func__);
		auth.login_failure++;
		auth_emit("login_failure", name, client_ip);
		return (AUTH_EDENIED);
	}
	auth.login_success++;
	auth_emit("login_success", name, client_ip);
	return (AUTH_OK);
}

/* Sign a token for user with role, valid from now for the lifetime. */
int
auth_issue(const char *user, int role, time_t now, char **token,
    int *expires_in)
{
	char	 jti[JWT_JTI_LEN + 1];
	json_t	*claims;
	int	 r;

	*token = NULL;
	if (auth_role_name(role) == NULL || strlen(user) > AUTH_MAX_USER)
		return (-1);
	jwt_jti(jti);
	claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s}",
	    "iss", AUTH_ISSUER, "aud", AUTH_AUDIENCE, "sub", user,
	    "role", auth_role_name(role), "iat", (json_int_t)now,
	    "exp", (json_int_t)(now + auth.lifetime), "jti", jti);
	if (claims == NULL)
		fatalx("%s: json_pack", __func__);
	r = jwt_sign(auth.jwt_key, auth.jwt_keylen, claims, token);
	json_decref(claims);
	if (r == -1)
		return (-1);
	*expires_in = (int)auth.lifetime;
	return (0);
}

/* The credentials after "Bearer", or NULL. */
static const char *
auth_scheme(const char *hdr)
{
	if (hdr == NULL || strncasecmp(hdr, "Bearer", 6) != 0 ||
	    (hdr[6] != ' ' && hdr[6] != '\t'))
		return (NULL);
	hdr += 6;
	while (*hdr == ' ' || *hdr == '\t')
		hdr++;
	if (*hdr == '\0' || strpbrk(hdr, " \t\r\n") != NULL)
		return (NULL);
	return (hdr);
}

/*
 * Check an Authorization header: 0 and the principal, its token id
 * and expiry, or -1 with auth_bearer_reason() for the 401 detail.  The
 * role is the user's role in the current configuration, and a user
 * who is no longer configured is refused.
 */
int
auth_bearer_exp(const char *hdr, time_t now, struct principal *p,
    char *jti, size_t jtilen, time_t *exp)
{
	struct auth_user	*u;
	const char		*tok, *sub, *id;
	json_t			*claims;
	int			 r;

	if (hdr == NULL || *hdr == '\0') {
		auth.reason = "missing bearer token";
		goto refused;
	}
	if ((tok = auth_scheme(hdr)) == NULL) {
		auth.reason = "malformed authorization header";
		goto refused;
	}
	r = jwt_verify(auth.jwt_key, auth.jwt_keylen, tok, now, AUTH_ISSUER,
	    AUTH_AUDIENCE, &claims);
	switch (r) {
	case 0:
		break;
	case JWT_EEXPIRED:
		auth.reason = "token expired";
		goto refused;
	case JWT_ENOTYET:
		auth.reason = "token not yet valid";
		goto refused;
	case JWT_EMALFORMED:
	case JWT_EALG:
	case JWT_ECLAIMS:
		auth.reason = "malformed token";
		goto refused;
	default:
		auth.reason = "invalid token";
		goto refused;
	}
	sub = json_string_value(json_object_get(claims, "sub"));
	id = json_string_value(json_object_get(claims, "jti"));
	if (auth_revoked(id, now)) {
		json_decref(claims);
		auth.reason = "token revoked";
		goto refused;
	}
	if ((u = auth_user_find(sub)) == NULL) {
		json_decref(claims);
		auth.reason = "unknown user";
		goto refused;
	}
	memset(p, 0, sizeof(*p));
	strlcpy(p->user, u->name, sizeof(p->user));
	p->role = u->role;
	if (jti != NULL && jtilen > 0)
		strlcpy(jti, id, jtilen);
	if (exp != NULL)
		*exp = (time_t)json_integer_value(json_object_get(claims,
		    "exp"));
	json_decref(claims);
	auth.reason = NULL;
	return (0);

 refused:
	auth.bearer_refused++;
	return (-1);
}

int
auth_bearer(const char *hdr, time_t now, struct principal *p, char *jti,
    size_t jtilen)
{
	return (auth_bearer_exp(hdr, now, p, jti, jtilen, NULL));
}

/* Why the last auth_bearer() said no: short, fit for a 401 detail. */
const char *
auth_bearer_reason(void)
{
	return (auth.reason != NULL ? auth.reason : "unauthorized");
}

/* revocation ------------------------------------------------------- */

static int
auth_jti_valid(const char *jti)
{
	size_t	 i;

	if (jti == NULL || strnlen(jti, JWT_JTI_LEN + 1) != JWT_JTI_LEN)
		return (0);
	for (i = 0; i < JWT_JTI_LEN; i++)
		if (!((jti[i] >= '0' && jti[i] <= '9') ||
		    (jti[i] >= 'a' && jti[i] <= 'f')))
			return (0);
	return (1);
}

/* Token ids are random, so their first digits spread evenly. */
static uint32_t
auth_jti_bucket(const char *jti)
{
	uint32_t	 h = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		h = h << 4 | (jti[i] <= '9' ? jti[i] - '0' : jti[i] - 'a' + 10);
	return (h & (AUTH_MAX_REVOKED - 1));
}

static int32_t
auth_revoked_find(const char *jti)
{
	int32_t	 i;

	for (i = auth.rbuckets[auth_jti_bucket(jti)]; i != -1;
	    i = auth.revoked[i].next)
		if (strcmp(auth.revoked[i].jti, jti) == 0)
			return (i);
	return (-1);
}

static void
auth_revoked_unlink(int32_t i)
{
	int32_t	*pp;

	for (pp = &auth.rbuckets[auth_jti_bucket(auth.revoked[i].jti)];
	    *pp != i; pp = &auth.revoked[*pp].next)
		;
	*pp = auth.revoked[i].next;
	memset(&auth.revoked[i], 0, sizeof(auth.revoked[i]));
	auth.revoked[i].next = auth.rfree;
	auth.rfree = i;
	auth.nrevoked--;
}

static void
auth_revoked_add(const char *jti, time_t exp, time_t now)
{
	int32_t	 i, j, min;
	uint32_t b;

	if ((i = auth_revoked_find(jti)) != -1) {
		if (exp > auth.revoked[i].exp)
			auth.revoked[i].exp = exp;
		return;
	}
	if (auth.rfree == -1)
		auth_revocation_prune(now);
	if (auth.rfree == -1) {
		/* still full: the one closest to expiring anyway goes */
		for (min = 0, j = 1; j < AUTH_MAX_REVOKED; j++)
			if (auth.revoked[j].exp < auth.revoked[min].exp)
				min = j;
		log_warnx("%s: revocation set full, dropping one that "
		    "expires at %lld", __func__,
		    (long long)auth.revoked[min].exp);
		auth_revoked_unlink(min);
		auth.revoked_dropped++;
	}
	i = auth.rfree;
	auth.rfree = auth.revoked[i].next;
	strlcpy(auth.revoked[i].jti, jti, sizeof(auth.revoked[i].jti));
	auth.revoked[i].exp = exp;
	b = auth_jti_bucket(jti);
	auth.revoked[i].next = auth.rbuckets[b];
	auth.rbuckets[b] = i;
	auth.nrevoked++;
}

/*
 * Log out: the token id is refused until exp (past which the token is
 * refused anyway), and auth_persist() is told so that the store keeps
 * it across restarts.
 */
int
auth_logout(const char *jti, time_t exp, time_t now)
{
	if (!auth.tables || !auth_jti_valid(jti))
		return (-1);
	if (exp <= now - JWT_LEEWAY)
		return (0);
	auth_revoked_add(jti, exp, now);
	if (auth_persist != NULL)
		auth_persist(jti, exp);
	if (auth_revoke_hook != NULL)
		auth_revoke_hook();
	return (0);
}

int
auth_revoked(const char *jti, time_t now)
{
	int32_t	 i;

	if (!auth.tables || !auth_jti_valid(jti))
		return (0);
	if ((i = auth_revoked_find(jti)) == -1)
		return (0);
	return (1);
}

/* Drop revocations of tokens that jwt_verify() refuses as expired. */
void
auth_revocation_prune(time_t now)
{
	int32_t	 b, i, next;

	if (!auth.tables)
		return;
	for (b = 0; b < AUTH_MAX_REVOKED; b++)
		for (i = auth.rbuckets[b]; i != -1; i = next) {
			next = auth.revoked[i].next;
			if (auth.revoked[i].exp <= now - JWT_LEEWAY)
				auth_revoked_unlink(i);
		}
}

/* The revocations still in force, as [{"jti", "exp"}]. */
int
auth_revocation_export(json_t **out)
{
	json_t	*a, *e;
	int32_t	 b, i;

	*out = NULL;
	if ((a = json_array()) == NULL)
		fatalx("%s: json_array", __func__);
	if (auth.tables) {
		auth_revocation_prune(time(NULL));
		for (b = 0; b < AUTH_MAX_REVOKED; b++)
			for (i = auth.rbuckets[b]; i != -1;
			    i = auth.revoked[i].next) {
				e = json_pack("{s:s, s:I}", "jti",
				    auth.revoked[i].jti, "exp",
				    (json_int_t)auth.revoked[i].exp);
				if (e == NULL || json_array_append_new(a, e))
					fatalx("%s: json", __func__);
			}
	}
	*out = a;
	return (0);
}

/*
 * Take revocations from the store, in the form auth_revocation_export()
 * writes.  Returns how many were taken, or -1 if in is not an array;
 * malformed and expired entries are skipped.  auth_persist() is not
 * called for them: the store has them already.
 */
int
auth_revocation_import(json_t *in)
{
	json_t		*e, *exp;
	const char	*jti;
	size_t		 i;
	time_t		 now = time(NULL);
	int		 n = 0;

	if (!auth.tables || !json_is_array(in))
		return (-1);
	json_array_foreach(in, i, e) {
		jti = json_string_value(json_object_get(e, "jti"));
		exp = json_object_get(e, "exp");
		if (!auth_jti_valid(jti) || !json_is_integer(exp)) {
			log_warnx("%s: entry %zu malformed, skipped", __func__,
			    i);
			continue;
		}
		if (json_integer_value(exp) <= (json_int_t)now - JWT_LEEWAY)
			continue;
		auth_revoked_add(jti, (time_t)json_integer_value(exp), now);
		n++;
	}
	return (n);
}

/* rate limits and ingest keys -------------------------------------- */

/* One request on behalf of token jti: 0, or -1 and retry_after. */
int
auth_ratelimit(const char *jti, time_t now, int *retry_after)
{
	*retry_after = 0;
	if (!auth.tables || jti == NULL)
		return (0);
	if (ratelimit_take(&auth.rate, jti, now, retry_after) == -1) {
		auth.ratelimited++;
		return (-1);
	}
	return (0);
}

/*
 * "Bearer <key>" with one of the configured ingest keys: 0 and the
 * key's name, or -1.  Both sides are hashed with a random key first,
 * so the comparison is of equal lengths, and every key is compared.
 */
int
auth_ingest_key(const char *hdr, char *name, size_t namelen)
{
	uint8_t		 d[crypto_generichash_BYTES];
	const char	*key;
	size_t		 i, len, found = SIZE_MAX;

	if (name != NULL && namelen > 0)
		name[0] = '\0';
	if ((key = auth_scheme(hdr)) == NULL)
		return (-1);
	if ((len = strnlen(key, SIEMD_MAX_SECRET + 1)) > SIEMD_MAX_SECRET)
		return (-1);
	crypto_generichash(d, sizeof(d), (const unsigned char *)key, len,
	    auth.key_hashkey, sizeof(auth.key_hashkey));
	for (i = 0; i < auth.nkeys; i++)
		if (sodium_memcmp(d, auth.keys[i].digest, sizeof(d)) == 0 &&
		    found == SIZE_MAX)
			found = i;
	sodium_memzero(d, sizeof(d));
	if (found == SIZE_MAX)
		return (-1);
	if (name != NULL && namelen > 0)
		strlcpy(name, auth.keys[found].name, namelen);
	return (0);
}

/* roles ------------------------------------------------------------ */

const char *
auth_role_name(int role)
{
	switch (role) {
	case ROLE_VIEWER:
		return ("viewer");
	case ROLE_ANALYST:
		return ("analyst");
	case ROLE_ADMIN:
		return ("admin");
	}
	return (NULL);
}

int
auth_role_parse(const char *s)
{
	if (s == NULL)
		return (-1);
	if (strcmp(s, "viewer") == 0)
		return (ROLE_VIEWER);
	if (strcmp(s, "analyst") == 0)
		return (ROLE_ANALYST);
	if (strcmp(s, "admin") == 0)
		return (ROLE_ADMIN);
	return (-1);
}

/* viewer < analyst < admin; anything unknown is allowed nothing. */
int
auth_allows(int have, int need)
{
	if (auth_role_name(have) == NULL || auth_role_name(need) == NULL)
		return (0);
	return (have >= need);
}

json_t *
auth_counters(void)
{
	json_t	*o;

	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "login_success", (json_int_t)auth.login_success,
	    "login_failure", (json_int_t)auth.login_failure,
	    "login_throttled", (json_int_t)auth.login_throttled,
	    "bearer_refused", (json_int_t)auth.bearer_refused,
	    "rate_limited", (json_int_t)auth.ratelimited,
	    "revoked", (json_int_t)auth.nrevoked,
	    "revoked_dropped", (json_int_t)auth.revoked_dropped,
	    "throttle_evictions", (json_int_t)(auth.login_addr.evictions +
	    auth.login_user.evictions),
	    "ratelimit_evictions", (json_int_t)auth.rate.evictions);
	if (o == NULL)
		fatalx("%s: json_pack", __func__);
	return (o);
}

/* HTTP ------------------------------------------------------------- */

/*
 * POST /auth/login {"username", "password"}: a token; 415 unless the
 * body is declared JSON, 400 when it is not that object, 401 with one
 * detail for every wrong name or password, 429 while throttled.
 */
void
auth_handle_login(struct request *req)
{
	json_error_t	 err;
	json_t		*body, *user, *pass, *o;
	const char	*type;
	char		*token, *out, hdr[64];
	int		 r, expires_in, retry_after;

	/* a form cannot send this type across sites without a preflight */
	type = request_header(req, "Content-Type");
	if (type == NULL || strncasecmp(type, "application/json", 16) != 0 ||
	    (type[16] != '\0' && type[16] != ';' && type[16] != ' ')) {
		http_problem(req->conn, 415, "send application/json");
		return;
	}
	body = req->body == NULL ? NULL : json_loadb((const char *)req->body,
	    req->bodylen, JSON_REJECT_DUPLICATES, &err);
	user = json_object_get(body, "username");
	pass = json_object_get(body, "password");
	if (!json_is_object(body) || !json_is_string(user) ||
	    !json_is_string(pass) ||
	    strlen(json_string_value(user)) != json_string_length(user)) {
		json_decref(body);
		http_problem(req->conn, 400, "the body must be a JSON object "
		    "with string members username and password");
		return;
	}
	r = auth_login(json_string_value(user), json_string_value(pass),
	    json_string_length(pass), req->client, time(NULL), &token,
	    &expires_in, &retry_after);
	explicit_bzero((char *)json_string_value(pass),
	    json_string_length(pass));
	json_decref(body);
	switch (r) {
	case AUTH_OK:
		break;
	case AUTH_ETHROTTLED:
		snprintf(hdr, sizeof(hdr), "Retry-After: %d\r\n",
		    retry_after > 0 ? retry_after : 1);
		http_problem_ex(req->conn, 429, NULL,
		    "too many failed logins, try again later", hdr);
		return;
	default:
		http_problem_ex(req->conn, 401, NULL,
		    "invalid username or password", AUTH_CHALLENGE);
		return;
	}
	o = json_pack("{s:s, s:s, s:i}", "access_token", token,
	    "token_type", "bearer", "expires_in", expires_in);
	if (o == NULL || (out = json_dumps(o, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	json_decref(o);
	/* RFC 6749 5.1: token responses are not cached */
	resp_send(req->conn, 200, "application/json",
	    "Cache-Control: no-store\r\nPragma: no-cache\r\n", out,
	    strlen(out));
	explicit_bzero(out, strlen(out));
	free(out);
	explicit_bzero(token, strlen(token));
	free(token);
}

/* POST /auth/logout: the presented token is revoked; 204. */
void
auth_handle_logout(struct request *req)
{
	struct principal	 p;
	char			 jti[JWT_JTI_LEN + 1];
	time_t			 now = time(NULL), exp;

	if (auth_bearer_exp(request_header(req, "Authorization"), now, &p,
	    jti, sizeof(jti), &exp) == -1) {
		http_problem_ex(req->conn, 401, NULL, auth_bearer_reason(),
		    AUTH_CHALLENGE_TOKEN);
		return;
	}
	if (auth_logout(jti, exp, now) == -1) {
		http_problem(req->conn, 500, "cannot revoke the token");
		return;
	}
	resp_send(req->conn, 204, NULL, NULL, NULL, 0);
}

/* GET /auth/me: who the token is for, and until when. */
void
auth_handle_me(struct request *req)
{
	struct principal	 p;
	struct tm		 tm;
	char			 when[32];
	time_t			 exp;
	json_t			*o;

	if (auth_bearer_exp(request_header(req, "Authorization"), time(NULL),
	    &p, NULL, 0, &exp) == -1) {
		http_problem_ex(req->conn, 401, NULL, auth_bearer_reason(),
		    AUTH_CHALLENGE_TOKEN);
		return;
	}
	if (gmtime_r(&exp, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		http_problem(req->conn, 500, "bad expiry time");
		return;
	}
	o = json_pack("{s:s, s:s, s:s}", "user", p.user, "role",
	    auth_role_name(p.role), "expires_at", when);
	if (o == NULL)
		fatalx("%s: json_pack", __func__);
	resp_json(req->conn, 200, o);
	json_decref(o);
}
