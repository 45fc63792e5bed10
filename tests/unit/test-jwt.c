/*
 * HS256 tokens: a round trip, then every way a presented token can be
 * wrong: tampered parts, other algorithms in every spelling, other
 * keys, expiry and not-before around the leeway, wrong issuer and
 * audience, missing and mistyped claims, oversize tokens, padded or
 * non-canonical base64, broken structure and JSON.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "web/jwt.h"
#include "test.h"

#define B64	sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define ISS	"siemd"
#define AUD	"siemd-api"
#define NOW	((time_t)1700000000)
#define MACLEN	crypto_auth_hmacsha256_BYTES

static const uint8_t	 key[] = "0123456789abcdef0123456789abcdef";
static const uint8_t	 otherkey[] = "0123456789abcdef0123456789abcdeF";
#define KEYLEN		(sizeof(key) - 1)

static const char	*hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static char	*b64(const void *, size_t);
static char	*forge(const char *, const char *, const uint8_t *, size_t);
static char	*forge_claims(const char *, json_t *);
static json_t	*claims(void);
static int	 verify(const char *);
static int	 verify_claims(json_t *);
static void	 test_roundtrip(void);
static void	 test_keys(void);
static void	 test_tampered(void);
static void	 test_alg(void);
static void	 test_header(void);
static void	 test_time(void);
static void	 test_iss_aud(void);
static void	 test_claims(void);
static void	 test_size(void);
static void	 test_base64(void);
static void	 test_structure(void);
static void	 test_json(void);
static void	 test_sign_bad(void);
static void	 test_jti(void);

static char *
b64(const void *p, size_t len)
{
	size_t	 cap = sodium_base64_ENCODED_LEN(len, B64);
	char	*s;

	if ((s = malloc(cap)) == NULL)
		abort();
	sodium_bin2base64(s, cap, p, len, B64);
	return (s);
}

/* header.payload.HMAC, whatever the header says. */
static char *
forge(const char *header, const char *payload, const uint8_t *k,
    size_t klen)
{
	crypto_auth_hmacsha256_state	 st;
	uint8_t				 mac[MACLEN];
	char				*h, *p, *m, *msg, *tok;

	h = b64(header, strlen(header));
	p = b64(payload, strlen(payload));
	if (asprintf(&msg, "%s.%s", h, p) == -1)
		abort();
	crypto_auth_hmacsha256_init(&st, k, klen);
	crypto_auth_hmacsha256_update(&st, (uint8_t *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	m = b64(mac, sizeof(mac));
	if (asprintf(&tok, "%s.%s", msg, m) == -1)
		abort();
	free(h);
	free(p);
	free(m);
	free(msg);
	return (tok);
}

static char *
forge_claims(const char *header, json_t *c)
{
	char	*s, *tok;

	if ((s = json_dumps(c, JSON_COMPACT)) == NULL)
		abort();
	tok = forge(header, s, key, KEYLEN);
	free(s);
	json_decref(c);
	return (tok);
}

static json_t *
claims(void)
{
	json_t	*c;

	c = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s}",
	    "iss", ISS, "aud", AUD, "sub", "alice", "role", "admin",
	    "iat", (json_int_t)NOW, "exp", (json_int_t)NOW + 3600,
	    "jti", "00112233445566778899aabbccddeeff");
	if (c == NULL)
		abort();
	return (c);
}

static int
verify(const char *tok)
{
	return (jwt_verify(key, KEYLEN, tok, NOW, ISS, AUD, NULL));
}

/* Forge a correctly signed HS256 token with these claims; verify it. */
static int
verify_claims(json_t *c)
{
	char	*tok;
	int	 r;

	tok = forge_claims(hs256, c);
	r = verify(tok);
	free(tok);
	return (r);
}

static void
test_roundtrip(void)
{
	json_t	*c, *out;
	char	*tok;

	TEST_BEGIN("jwt-roundtrip");
	c = claims();
	CHECK(jwt_sign(key, KEYLEN, c, &tok) == 0);
	CHECK(tok != NULL && strlen(tok) <= JWT_MAX_TOKEN);
	CHECK_INT(jwt_verify(key, KEYLEN, tok, NOW, ISS, AUD, &out), 0);
	CHECK(out != NULL);
	CHECK_STR(json_string_value(json_object_get(out, "sub")), "alice");
	CHECK_STR(json_string_value(json_object_get(out, "role")), "admin");
	CHECK_INT(json_integer_value(json_object_get(out, "exp")),
	    NOW + 3600);
	CHECK(json_equal(out, c));
	/* no claims wanted: still verified */
	CHECK_INT(verify(tok), 0);
	json_decref(out);
	json_decref(c);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-roundtrip-forged-matches");
	/* the test's own encoder agrees with the signer */
	tok = forge_claims(hs256, claims());
	CHECK_INT(verify(tok), 0);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-roundtrip-nbf");
	c = claims();
	json_object_set_new(c, "nbf", json_integer(NOW - 10));
	CHECK_INT(verify_claims(c), 0);
	TEST_END();
}

static void
test_keys(void)
{
	static const uint8_t	 one[] = "k";
	uint8_t			 longkey[200];
	json_t			*c;
	char			*tok;

	TEST_BEGIN("jwt-bad-other-key");
	c = claims();
	CHECK(jwt_sign(otherkey, KEYLEN, c, &tok) == 0);
	CHECK_INT(verify(tok), JWT_ESIG);
	CHECK_INT(jwt_verify(otherkey, KEYLEN, tok, NOW, ISS, AUD, NULL), 0);
	free(tok);
	json_decref(c);
	TEST_END();

	TEST_BEGIN("jwt-keys-of-any-length");
	memset(longkey, 0x5a, sizeof(longkey));
	c = claims();
	CHECK(jwt_sign(one, 1, c, &tok) == 0);
	CHECK_INT(jwt_verify(one, 1, tok, NOW, ISS, AUD, NULL), 0);
	CHECK_INT(verify(tok), JWT_ESIG);
	free(tok);
	CHECK(jwt_sign(longkey, sizeof(longkey), c, &tok) == 0);
	CHECK_INT(jwt_verify(longkey, sizeof(longkey), tok, NOW, ISS, AUD,
	    NULL), 0);
	/* a prefix of a long key is another key */
	CHECK_INT(jwt_verify(longkey, sizeof(longkey) - 1, tok, NOW, ISS,
	    AUD, NULL), JWT_ESIG);
	free(tok);
	json_decref(c);
	TEST_END();

	TEST_BEGIN("jwt-bad-empty-key");
	c = claims();
	CHECK(jwt_sign(key, KEYLEN, c, &tok) == 0);
	CHECK_INT(jwt_verify(key, 0, tok, NOW, ISS, AUD, NULL), JWT_ESIG);
	CHECK_INT(jwt_verify(NULL, 0, tok, NOW, ISS, AUD, NULL), JWT_ESIG);
	free(tok);
	json_decref(c);
	TEST_END();
}

static void
test_tampered(void)
{
	json_t	*c, *out;
	char	*tok, *p, *q, *h, *body, *evil;
	size_t	 len;
	char	 save;

	c = claims();
	if (jwt_sign(key, KEYLEN, c, &tok) != 0)
		abort();
	len = strlen(tok);
	p = strchr(tok, '.') + 1;
	q = strrchr(tok, '.') + 1;

	TEST_BEGIN("jwt-bad-tampered-payload");
	save = p[5];
	p[5] = save == 'A' ? 'B' : 'A';
	out = (json_t *)1;
	CHECK_INT(jwt_verify(key, KEYLEN, tok, NOW, ISS, AUD, &out),
	    JWT_ESIG);
	CHECK(out == NULL);
	p[5] = save;
	CHECK_INT(verify(tok), 0);
	TEST_END();

	TEST_BEGIN("jwt-bad-payload-swapped");
	/* another user's claims under the old header and signature */
	json_object_set_new(c, "sub", json_string("mallory"));
	if ((h = strndup(tok, p - 1 - tok)) == NULL ||
	    (body = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		abort();
	evil = b64(body, strlen(body));
	free(body);
	if (asprintf(&body, "%s.%s.%s", h, evil, q) == -1)
		abort();
	CHECK_INT(verify(body), JWT_ESIG);
	free(body);
	free(evil);
	free(h);
	TEST_END();

	TEST_BEGIN("jwt-bad-tampered-signature");
	save = q[3];
	q[3] = save == 'A' ? 'B' : 'A';
	CHECK_INT(verify(tok), JWT_ESIG);
	q[3] = save;
	CHECK_INT(verify(tok), 0);
	TEST_END();

	TEST_BEGIN("jwt-bad-tampered-header");
	save = tok[2];
	tok[2] = save == 'A' ? 'B' : 'A';
	CHECK(verify(tok) < 0);
	tok[2] = save;
	TEST_END();

	TEST_BEGIN("jwt-bad-truncated-signature");
	save = tok[len - 1];
	tok[len - 1] = '\0';
	CHECK_INT(verify(tok), JWT_ESIG);
	tok[len - 1] = save;
	TEST_END();

	TEST_BEGIN("jwt-bad-extended-signature");
	if (asprintf(&body, "%sAAAA", tok) == -1)
		abort();
	CHECK_INT(verify(body), JWT_ESIG);
	free(body);
	if (asprintf(&body, "%sA", tok) == -1)
		abort();
	CHECK_INT(verify(body), JWT_ESIG);
	free(body);
	TEST_END();

	TEST_BEGIN("jwt-bad-signature-of-zeros");
	memset(q, 'A', strlen(q));
	CHECK_INT(verify(tok), JWT_ESIG);
	TEST_END();

	free(tok);
	json_decref(c);
}

static void
test_alg(void)
{
	static const char *bad[] = {
		"{\"alg\":\"none\",\"typ\":\"JWT\"}",
		"{\"alg\":\"None\"}",
		"{\"alg\":\"NONE\"}",
		"{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS384\"}",
		"{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"ES256\"}",
		"{\"alg\":\"PS256\"}",
		"{\"alg\":\"EdDSA\"}",
		"{\"alg\":\"hs256\"}",
		"{\"alg\":\"Hs256\"}",
		"{\"alg\":\"hS256\"}",
		"{\"alg\":\"HS256 \"}",
		"{\"alg\":\" HS256\"}",
		"{\"alg\":\"HS2560\"}",
		"{\"alg\":\"HS25\"}",
		"{\"alg\":\"\"}",
		"{\"alg\":null}",
		"{\"alg\":256}",
		"{\"alg\":[\"HS256\"]}",
		"{\"alg\":{\"name\":\"HS256\"}}",
		"{\"typ\":\"JWT\"}",
		"{}",
		"{\"ALG\":\"HS256\"}",
		"{\"Alg\":\"HS256\"}",
	};
	json_t	*c;
	char	*s, *tok, *h, *p;
	size_t	 i;

	TEST_BEGIN("jwt-bad-alg-signed-with-our-key");
	/* even correctly HMAC-signed, another alg is refused */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tok = forge_claims(bad[i], claims());
		if (verify(tok) != JWT_EALG) {
			printf("# %s\n", bad[i]);
			CHECK_INT(verify(tok), JWT_EALG);
		}
		free(tok);
	}
	TEST_END();

	TEST_BEGIN("jwt-bad-alg-none-unsigned");
	c = claims();
	s = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	h = b64(bad[0], strlen(bad[0]));
	p = b64(s, strlen(s));
	free(s);
	if (asprintf(&tok, "%s.%s.", h, p) == -1)
		abort();
	CHECK(verify(tok) < 0);
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	if (asprintf(&tok, "%s.%s", h, p) == -1)
		abort();
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-bad-alg-none-with-garbage-signature");
	if (asprintf(&tok, "%s.%s.AAAA", h, p) == -1)
		abort();
	CHECK_INT(verify(tok), JWT_EALG);
	free(tok);
	free(h);
	free(p);
	TEST_END();

	TEST_BEGIN("jwt-bad-alg-escaped-nul");
	tok = forge_claims("{\"alg\":\"HS256\\u0000\"}", claims());
	CHECK(verify(tok) < 0);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-alg-only-header");
	tok = forge_claims("{\"alg\":\"HS256\"}", claims());
	CHECK_INT(verify(tok), 0);
	free(tok);
	tok = forge_claims("{\"typ\":\"JWT\",\"alg\":\"HS256\"}", claims());
	CHECK_INT(verify(tok), 0);
	free(tok);
	TEST_END();
}

static void
test_header(void)
{
	static const char *bad[] = {
		"{\"alg\":\"HS256\",\"typ\":\"jwt\"}",
		"{\"alg\":\"HS256\",\"typ\":\"JWS\"}",
		"{\"alg\":\"HS256\",\"typ\":1}",
		"{\"alg\":\"HS256\",\"kid\":\"../../etc/passwd\"}",
		"{\"alg\":\"HS256\",\"jku\":\"https://evil.example/k\"}",
		"{\"alg\":\"HS256\",\"crit\":[\"exp\"]}",
		"{\"alg\":\"HS256\",\"alg\":\"HS256\"}",
		"{\"alg\":\"HS256\",\"alg\":\"none\"}",
		"[\"HS256\"]",
		"\"HS256\"",
		"{\"alg\":\"HS256\"",
		"{\"alg\":\"HS256\"} x",
		"",
	};
	char	*tok;
	size_t	 i;

	TEST_BEGIN("jwt-bad-header");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tok = forge_claims(bad[i], claims());
		if (verify(tok) != JWT_EMALFORMED) {
			printf("# %s\n", bad[i]);
			CHECK_INT(verify(tok), JWT_EMALFORMED);
		}
		free(tok);
	}
	TEST_END();
}

static void
test_time(void)
{
	json_t	*c;

	TEST_BEGIN("jwt-bad-expired");
	c = claims();
	json_object_set_new(c, "exp", json_integer(NOW - 3600));
	CHECK_INT(verify_claims(c), JWT_EEXPIRED);
	c = claims();
	json_object_set_new(c, "exp", json_integer(NOW - JWT_LEEWAY));
	CHECK_INT(verify_claims(c), JWT_EEXPIRED);
	c = claims();
	json_object_set_new(c, "exp", json_integer(0));
	CHECK_INT(verify_claims(c), JWT_EEXPIRED);
	c = claims();
	json_object_set_new(c, "exp", json_integer(-9223372036854775807LL -
	    1));
	CHECK_INT(verify_claims(c), JWT_EEXPIRED);
	TEST_END();

	TEST_BEGIN("jwt-expired-within-leeway");
	c = claims();
	json_object_set_new(c, "exp", json_integer(NOW - JWT_LEEWAY + 1));
	CHECK_INT(verify_claims(c), 0);
	c = claims();
	json_object_set_new(c, "exp", json_integer(NOW));
	CHECK_INT(verify_claims(c), 0);
	c = claims();
	json_object_set_new(c, "exp", json_integer(9223372036854775807LL));
	CHECK_INT(verify_claims(c), 0);
	TEST_END();

	TEST_BEGIN("jwt-bad-not-yet-valid");
	c = claims();
	json_object_set_new(c, "nbf", json_integer(NOW + JWT_LEEWAY + 1));
	CHECK_INT(verify_claims(c), JWT_ENOTYET);
	c = claims();
	json_object_set_new(c, "nbf", json_integer(9223372036854775807LL));
	CHECK_INT(verify_claims(c), JWT_ENOTYET);
	c = claims();
	json_object_set_new(c, "iat", json_integer(NOW + 3600));
	CHECK_INT(verify_claims(c), JWT_ENOTYET);
	TEST_END();

	TEST_BEGIN("jwt-not-before-within-leeway");
	c = claims();
	json_object_set_new(c, "nbf", json_integer(NOW + JWT_LEEWAY));
	CHECK_INT(verify_claims(c), 0);
	c = claims();
	json_object_set_new(c, "iat", json_integer(NOW + 5));
	CHECK_INT(verify_claims(c), 0);
	TEST_END();

	TEST_BEGIN("jwt-bad-nbf-type");
	c = claims();
	json_object_set_new(c, "nbf", json_string("0"));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "nbf", json_null());
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	TEST_END();
}

static void
test_iss_aud(void)
{
	json_t	*c;
	char	*tok;

	TEST_BEGIN("jwt-bad-issuer");
	c = claims();
	json_object_set_new(c, "iss", json_string("siemd2"));
	CHECK_INT(verify_claims(c), JWT_EISS);
	c = claims();
	json_object_set_new(c, "iss", json_string("SIEMD"));
	CHECK_INT(verify_claims(c), JWT_EISS);
	c = claims();
	json_object_set_new(c, "iss", json_string("siem"));
	CHECK_INT(verify_claims(c), JWT_EISS);
	TEST_END();

	TEST_BEGIN("jwt-bad-audience");
	c = claims();
	json_object_set_new(c, "aud", json_string("other-api"));
	CHECK_INT(verify_claims(c), JWT_EAUD);
	c = claims();
	json_object_set_new(c, "aud", json_string("siemd-api "));
	CHECK_INT(verify_claims(c), JWT_EAUD);
	TEST_END();

	TEST_BEGIN("jwt-bad-verifier-expects-other");
	tok = forge_claims(hs256, claims());
	CHECK_INT(jwt_verify(key, KEYLEN, tok, NOW, "other", AUD, NULL),
	    JWT_EISS);
	CHECK_INT(jwt_verify(key, KEYLEN, tok, NOW, ISS, "other", NULL),
	    JWT_EAUD);
	CHECK_INT(jwt_verify(key, KEYLEN, tok, NOW, NULL, AUD, NULL),
	    JWT_EISS);
	free(tok);
	TEST_END();
}

static void
test_claims(void)
{
	static const char *required[] = {
		"iss", "aud", "sub", "role", "iat", "exp", "jti"
	};
	json_t	*c;
	size_t	 i;

	TEST_BEGIN("jwt-bad-missing-claims");
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		c = claims();
		json_object_del(c, required[i]);
		if (verify_claims(c) != JWT_ECLAIMS) {
			printf("# without %s\n", required[i]);
			CHECK(0);
		}
	}
	CHECK_INT(verify_claims(json_object()), JWT_ECLAIMS);
	TEST_END();

	TEST_BEGIN("jwt-bad-mistyped-claims");
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		c = claims();
		json_object_set_new(c, required[i], json_true());
		if (verify_claims(c) != JWT_ECLAIMS) {
			printf("# %s: true\n", required[i]);
			CHECK(0);
		}
	}
	c = claims();
	json_object_set_new(c, "exp", json_real(NOW + 3600.0));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "exp", json_string("1700003600"));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "aud", json_pack("[s]", AUD));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	TEST_END();

	TEST_BEGIN("jwt-bad-claim-values");
	c = claims();
	json_object_set_new(c, "sub", json_string(""));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "sub", json_string(
	    "a-user-name-that-is-much-longer-than-sixty-three-bytes-"
	    "xxxxxxxxxx"));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "jti", json_string("not-hex"));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "jti",
	    json_string("00112233445566778899AABBCCDDEEFF"));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "jti",
	    json_string("00112233445566778899aabbccddeeff0"));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	c = claims();
	json_object_set_new(c, "role", json_string(""));
	CHECK_INT(verify_claims(c), JWT_ECLAIMS);
	TEST_END();
}

static void
test_size(void)
{
	json_t	*c;
	char	*big, *tok;
	size_t	 n;

	TEST_BEGIN("jwt-bad-oversize-token");
	n = JWT_MAX_TOKEN * 2;
	if ((big = malloc(n + 1)) == NULL)
		abort();
	memset(big, 'A', n);
	big[n] = '\0';
	big[10] = '.';
	big[20] = '.';
	CHECK_INT(verify(big), JWT_EMALFORMED);
	big[JWT_MAX_TOKEN + 1] = '\0';
	CHECK_INT(verify(big), JWT_EMALFORMED);
	TEST_END();

	TEST_BEGIN("jwt-bad-oversize-valid-signature");
	/* correctly signed, but too long to be looked at */
	c = claims();
	memset(big, 'x', JWT_MAX_TOKEN);
	big[JWT_MAX_TOKEN] = '\0';
	json_object_set_new(c, "pad", json_string(big));
	tok = forge_claims(hs256, c);
	CHECK(strlen(tok) > JWT_MAX_TOKEN);
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-bad-sign-refuses-oversize");
	c = claims();
	json_object_set_new(c, "pad", json_string(big));
	CHECK_INT(jwt_sign(key, KEYLEN, c, &tok), -1);
	CHECK(tok == NULL);
	json_decref(c);
	TEST_END();

	TEST_BEGIN("jwt-near-limit");
	/* the largest token the signer makes still verifies */
	c = claims();
	big[2000] = '\0';
	json_object_set_new(c, "pad", json_string(big));
	CHECK_INT(jwt_sign(key, KEYLEN, c, &tok), 0);
	CHECK(tok != NULL && strlen(tok) <= JWT_MAX_TOKEN);
	CHECK_INT(verify(tok), 0);
	free(tok);
	json_decref(c);
	TEST_END();
	free(big);
}

static void
test_base64(void)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	json_t	*c;
	char	*tok, *p, *dot1, *dot2, *q;
	size_t	 len;
	int	 v;

	c = claims();
	if (jwt_sign(key, KEYLEN, c, &tok) != 0)
		abort();
	json_decref(c);
	len = strlen(tok);
	if ((p = malloc(len + 16)) == NULL)
		abort();
	dot1 = strchr(tok, '.');
	dot2 = strrchr(tok, '.');

	TEST_BEGIN("jwt-bad-base64-padding");
	/* "=" after the signature */
	snprintf(p, len + 16, "%s=", tok);
	CHECK_INT(verify(p), JWT_ESIG);
	snprintf(p, len + 16, "%s==", tok);
	CHECK_INT(verify(p), JWT_ESIG);
	/* "=" after the header */
	snprintf(p, len + 16, "%.*s=%s", (int)(dot1 - tok), tok, dot1);
	CHECK_INT(verify(p), JWT_EMALFORMED);
	/* "=" after the payload: the signature no longer covers it */
	snprintf(p, len + 16, "%.*s=%s", (int)(dot2 - tok), tok, dot2);
	CHECK(verify(p) < 0);
	TEST_END();

	TEST_BEGIN("jwt-bad-base64-chars");
	/* standard base64's + and / are not base64url */
	strlcpy(p, tok, len + 16);
	p[1] = '+';
	CHECK_INT(verify(p), JWT_EMALFORMED);
	p[1] = '/';
	CHECK_INT(verify(p), JWT_EMALFORMED);
	p[1] = ' ';
	CHECK_INT(verify(p), JWT_EMALFORMED);
	p[1] = '\n';
	CHECK_INT(verify(p), JWT_EMALFORMED);
	p[1] = '\xc3';
	CHECK_INT(verify(p), JWT_EMALFORMED);
	strlcpy(p, tok, len + 16);
	q = strrchr(p, '.') + 5;
	*q = '+';
	CHECK_INT(verify(p), JWT_ESIG);
	*q = '*';
	CHECK_INT(verify(p), JWT_ESIG);
	TEST_END();

	TEST_BEGIN("jwt-bad-base64-noncanonical-signature");
	/*
	 * 32 bytes are 43 characters with 2 spare bits in the last; the
	 * same bytes with those bits set must not verify.
	 */
	strlcpy(p, tok, len + 16);
	q = p + len - 1;
	v = (int)(strchr(alphabet, *q) - alphabet);
	CHECK((v & 3) == 0);
	*q = alphabet[v | 1];
	CHECK_INT(verify(p), JWT_ESIG);
	*q = alphabet[v | 2];
	CHECK_INT(verify(p), JWT_ESIG);
	TEST_END();

	TEST_BEGIN("jwt-bad-base64-wrong-length");
	/* a header of one base64 character cannot be whole bytes */
	snprintf(p, len + 16, "e%s", dot1);
	CHECK_INT(verify(p), JWT_EMALFORMED);
	TEST_END();

	free(p);
	free(tok);
}

static void
test_structure(void)
{
	static const char *bad[] = {
		"",
		".",
		"..",
		"...",
		"a",
		"a.b",
		"a.b.c.d",
		".b.c",
		"a..c",
		"a.b.",
		"eyJhbGciOiJIUzI1NiJ9",
		"eyJhbGciOiJIUzI1NiJ9.e30",
		"eyJhbGciOiJIUzI1NiJ9.e30.",
		"eyJhbGciOiJIUzI1NiJ9..AAAA",
		"eyJhbGciOiJIUzI1NiJ9.e30.AAAA.AAAA",
	};
	size_t	 i;

	TEST_BEGIN("jwt-bad-structure");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (verify(bad[i]) != JWT_EMALFORMED) {
			printf("# \"%s\": %d\n", bad[i], verify(bad[i]));
			CHECK(0);
		}
	CHECK_INT(verify(NULL), JWT_EMALFORMED);
	TEST_END();
}

static void
test_json(void)
{
	char	*tok;

	TEST_BEGIN("jwt-bad-payload-json");
	tok = forge(hs256, "[1,2,3]", key, KEYLEN);
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	tok = forge(hs256, "{\"sub\":", key, KEYLEN);
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	tok = forge(hs256, "not json", key, KEYLEN);
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	tok = forge(hs256, "{} {}", key, KEYLEN);
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-bad-payload-duplicate-claims");
	tok = forge(hs256, "{\"iss\":\"siemd\",\"aud\":\"siemd-api\","
	    "\"sub\":\"bob\",\"sub\":\"alice\",\"role\":\"admin\","
	    "\"iat\":1700000000,\"exp\":1700003600,"
	    "\"jti\":\"00112233445566778899aabbccddeeff\"}", key, KEYLEN);
	CHECK_INT(verify(tok), JWT_EMALFORMED);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-bad-payload-nul");
	tok = forge(hs256, "{\"iss\":\"siemd\",\"aud\":\"siemd-api\","
	    "\"sub\":\"alice\\u0000admin\",\"role\":\"admin\","
	    "\"iat\":1700000000,\"exp\":1700003600,"
	    "\"jti\":\"00112233445566778899aabbccddeeff\"}", key, KEYLEN);
	CHECK(verify(tok) < 0);
	free(tok);
	TEST_END();

	TEST_BEGIN("jwt-payload-literal");
	tok = forge(hs256, "{\"iss\":\"siemd\",\"aud\":\"siemd-api\","
	    "\"sub\":\"b\\u00f6b\",\"role\":\"viewer\","
	    "\"iat\":1700000000,\"exp\":1700003600,\"extra\":[1,{}],"
	    "\"jti\":\"00112233445566778899aabbccddeeff\"}", key, KEYLEN);
	CHECK_INT(verify(tok), 0);
	free(tok);
	TEST_END();
}

static void
test_sign_bad(void)
{
	json_t	*a;
	char	*tok = (char *)1;

	TEST_BEGIN("jwt-bad-sign-arguments");
	a = json_array();
	CHECK_INT(jwt_sign(key, KEYLEN, a, &tok), -1);
	CHECK(tok == NULL);
	tok = (char *)1;
	CHECK_INT(jwt_sign(key, 0, a, &tok), -1);
	CHECK(tok == NULL);
	CHECK_INT(jwt_sign(key, KEYLEN, NULL, &tok), -1);
	json_decref(a);
	TEST_END();

	TEST_BEGIN("jwt-strerror");
	CHECK_STR(jwt_strerror(JWT_EEXPIRED), "expired");
	CHECK_STR(jwt_strerror(JWT_EALG), "unsupported algorithm");
	CHECK_STR(jwt_strerror(12345), "invalid");
	TEST_END();
}

static void
test_jti(void)
{
	char	 a[JWT_JTI_LEN + 1], b[JWT_JTI_LEN + 1];
	size_t	 i;

	TEST_BEGIN("jwt-jti");
	jwt_jti(a);
	jwt_jti(b);
	CHECK_INT(strlen(a), JWT_JTI_LEN);
	CHECK(strcmp(a, b) != 0);
	for (i = 0; i < JWT_JTI_LEN; i++)
		CHECK(strchr("0123456789abcdef", a[i]) != NULL);
	TEST_END();
}

int
main(void)
{
	if (sodium_init() == -1)
		return (1);
	test_roundtrip();
	test_keys();
	test_tampered();
	test_alg();
	test_header();
	test_time();
	test_iss_aud();
	test_claims();
	test_size();
	test_base64();
	test_structure();
	test_json();
	test_sign_bad();
	test_jti();
	TEST_EXIT();
}
