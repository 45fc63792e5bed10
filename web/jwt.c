/*
 * HS256 JSON Web Tokens: signing the API's login tokens and checking
 * the ones clients present.  Every byte of a presented token is
 * hostile: its size is capped before anything is decoded, base64url
 * must be strict (no padding, no stray characters, no non-zero
 * trailing bits, so a signature has one spelling only), the JSON must
 * be an object without duplicate members, and the signature is
 * compared in constant time before the payload is parsed.
 *
 * This file depends on libsodium and jansson only, so that the fuzz
 * driver can link it alone; allocation failures are therefore
 * reported, not fatal.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "jwt.h"

#define JWT_B64		sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define JWT_MACLEN	crypto_auth_hmacsha256_BYTES

/* The one header siemd writes. */
static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static void	 jwt_mac(const uint8_t *, size_t, const char *, size_t,
		    uint8_t [JWT_MACLEN]);
static int	 jwt_decode(const char *, size_t, uint8_t *, size_t,
		    size_t *);
static json_t	*jwt_json(const uint8_t *, size_t);
static int	 jwt_string_is(json_t *, const char *);
static int	 jwt_check_header(json_t *);
static const char *jwt_claim_str(json_t *, const char *);
static int	 jwt_claim_int(json_t *, const char *, json_int_t *);
static int	 jwt_check_jti(const char *);
static int	 jwt_check_claims(json_t *, time_t, const char *,
		    const char *);

static void
jwt_mac(const uint8_t *key, size_t keylen, const char *msg, size_t len,
    uint8_t mac[JWT_MACLEN])
{
	crypto_auth_hmacsha256_state	 st;

	/* the streaming API takes keys of any length, as RFC 2104 does */
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
}

/* Strict base64url without padding; the whole part must decode. */
static int
jwt_decode(const char *b64, size_t len, uint8_t *out, size_t outmax,
    size_t *outlen)
{
	*outlen = 0;
	if (len == 0)
		return (-1);
	if (sodium_base642bin(out, outmax, b64, len, NULL, outlen, NULL,
	    JWT_B64) != 0)
		return (-1);
	return (0);
}

static json_t *
jwt_json(const uint8_t *buf, size_t len)
{
	json_error_t	 err;
	json_t		*o;

	/* no \u0000 (not allowed by default), no duplicate members */
	o = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL)
		return (NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

/* Exactly this string: same length, so no embedded NUL sneaks by. */
static int
jwt_string_is(json_t *v, const char *want)
{
	size_t	 n = strlen(want);

	return (json_is_string(v) && json_string_length(v) == n &&
	    memcmp(json_string_value(v), want, n) == 0);
}

static int
jwt_check_header(json_t *h)
{
	json_t	*typ;
	size_t	 members = 1;

	if (!jwt_string_is(json_object_get(h, "alg"), "HS256"))
		return (JWT_EALG);
	if ((typ = json_object_get(h, "typ")) != NULL) {
		if (!jwt_string_is(typ, "JWT"))
			return (JWT_EMALFORMED);
		members++;
	}
	/* kid, jku, jwk, x5u, crit...: siemd never writes them */
	if (json_object_size(h) != members)
		return (JWT_EMALFORMED);
	return (0);
}

static const char *
jwt_claim_str(json_t *claims, const char *name)
{
	json_t		*v;
	const char	*s;

	v = json_object_get(claims, name);
	if (!json_is_string(v))
		return (NULL);
	s = json_string_value(v);
	if (json_string_length(v) == 0 || strlen(s) != json_string_length(v))
		return (NULL);
	return (s);
}

static int
jwt_claim_int(json_t *claims, const char *name, json_int_t *out)
{
	json_t	*v;

	v = json_object_get(claims, name);
	if (!json_is_integer(v))
		return (-1);
	*out = json_integer_value(v);
	return (0);
}

/* Ours are 32 lowercase hex digits; revocation keys on them. */
static int
jwt_check_jti(const char *jti)
{
	size_t	 i;

	if (strlen(jti) != JWT_JTI_LEN)
		return (-1);
	for (i = 0; i < JWT_JTI_LEN; i++)
		if (!((jti[i] >= '0' && jti[i] <= '9') ||
		    (jti[i] >= 'a' && jti[i] <= 'f')))
			return (-1);
	return (0);
}

static int
jwt_check_claims(json_t *c, time_t now, const char *iss, const char *aud)
{
	const char	*ciss, *caud, *sub, *jti;
	json_int_t	 iat, exp, nbf, t = now;
	json_t		*v;

	ciss = jwt_claim_str(c, "iss");
	caud = jwt_claim_str(c, "aud");
	sub = jwt_claim_str(c, "sub");
	jti = jwt_claim_str(c, "jti");
	if (ciss == NULL || caud == NULL || sub == NULL || jti == NULL ||
	    jwt_claim_str(c, "role") == NULL ||
	    jwt_claim_int(c, "iat", &iat) == -1 ||
	    jwt_claim_int(c, "exp", &exp) == -1)
		return (JWT_ECLAIMS);
	if (strlen(sub) > JWT_MAX_SUB || jwt_check_jti(jti) == -1)
		return (JWT_ECLAIMS);
	if ((v = json_object_get(c, "nbf")) != NULL && !json_is_integer(v))
		return (JWT_ECLAIMS);
	if (strcmp(ciss, iss) != 0)
		return (JWT_EISS);
	if (strcmp(caud, aud) != 0)
		return (JWT_EAUD);
	/* written so that no claim value can overflow the arithmetic */
	if (exp <= t - JWT_LEEWAY)
		return (JWT_EEXPIRED);
	if (v != NULL) {
		nbf = json_integer_value(v);
		if (nbf > t + JWT_LEEWAY)
			return (JWT_ENOTYET);
	}
	if (iat > t + JWT_LEEWAY)
		return (JWT_ENOTYET);
	return (0);
}

/*
 * Sign claims as a compact JWS.  Returns 0 and a string the caller
 * frees in *out, or -1.  A token longer than jwt_verify() accepts is
 * never issued.
 */
int
jwt_sign(const uint8_t *key, size_t keylen, json_t *claims, char **out)
{
	uint8_t		 mac[JWT_MACLEN];
	char		*payload, *tok;
	size_t		 plen, cap, n;

	*out = NULL;
	if (key == NULL || keylen == 0 || !json_is_object(claims))
		return (-1);
	payload = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
	if (payload == NULL)
		return (-1);
	plen = strlen(payload);
	if (plen > JWT_MAX_TOKEN) {
		free(payload);
		return (-1);
	}
	cap = sodium_base64_ENCODED_LEN(sizeof(jwt_header) - 1, JWT_B64) +
	    sodium_base64_ENCODED_LEN(plen, JWT_B64) +
	    sodium_base64_ENCODED_LEN(JWT_MACLEN, JWT_B64) + 2;
	if ((tok = malloc(cap)) == NULL) {
		free(payload);
		return (-1);
	}
	sodium_bin2base64(tok, cap, (const unsigned char *)jwt_header,
	    sizeof(jwt_header) - 1, JWT_B64);
	n = strlen(tok);
	tok[n++] = '.';
	sodium_bin2base64(tok + n, cap - n, (const unsigned char *)payload,
	    plen, JWT_B64);
	n += strlen(tok + n);
	free(payload);
	jwt_mac(key, keylen, tok, n, mac);
	tok[n++] = '.';
	sodium_bin2base64(tok + n, cap - n, mac, sizeof(mac), JWT_B64);
	n += strlen(tok + n);
	sodium_memzero(mac, sizeof(mac));
	if (n > JWT_MAX_TOKEN) {
		free(tok);
		return (-1);
	}
	*out = tok;
	return (0);
}

/*
 * Check a compact JWS: 0 and, if claims_out is not NULL, the claims
 * (the caller drops the reference), or a negative JWT_E* code.
 */
int
jwt_verify(const uint8_t *key, size_t keylen, const char *token,
    time_t now, const char *iss, const char *aud, json_t **claims_out)
{
	uint8_t		 buf[JWT_MAX_TOKEN];
	uint8_t		 mac[JWT_MACLEN], sig[JWT_MACLEN];
	const char	*p1, *p2, *p3;
	size_t		 len, l1, l2, l3, n;
	json_t		*header, *claims;
	int		 r;

	if (claims_out != NULL)
		*claims_out = NULL;
	if (token == NULL)
		return (JWT_EMALFORMED);
	if (key == NULL || keylen == 0)
		return (JWT_ESIG);
	if (iss == NULL || aud == NULL)
		return (JWT_EISS);
	len = strnlen(token, JWT_MAX_TOKEN + 1);
	if (len > JWT_MAX_TOKEN)
		return (JWT_EMALFORMED);

	/* header.payload.signature, each part non-empty */
	p1 = token;
	if ((p2 = memchr(p1, '.', len)) == NULL)
		return (JWT_EMALFORMED);
	l1 = p2++ - p1;
	if ((p3 = memchr(p2, '.', len - (p2 - token))) == NULL)
		return (JWT_EMALFORMED);
	l2 = p3++ - p2;
	l3 = len - (p3 - token);
	if (l1 == 0 || l2 == 0 || l3 == 0 || memchr(p3, '.', l3) != NULL)
		return (JWT_EMALFORMED);

	if (jwt_decode(p1, l1, buf, sizeof(buf), &n) == -1 ||
	    (header = jwt_json(buf, n)) == NULL)
		return (JWT_EMALFORMED);
	r = jwt_check_header(header);
	json_decref(header);
	if (r != 0)
		return (r);

	if (jwt_decode(p3, l3, sig, sizeof(sig), &n) == -1 ||
	    n != sizeof(sig))
		return (JWT_ESIG);
	jwt_mac(key, keylen, token, p3 - 1 - token, mac);
	r = sodium_memcmp(mac, sig, sizeof(mac));
	sodium_memzero(mac, sizeof(mac));
	if (r != 0)
		return (JWT_ESIG);

	if (jwt_decode(p2, l2, buf, sizeof(buf), &n) == -1 ||
	    (claims = jwt_json(buf, n)) == NULL)
		return (JWT_EMALFORMED);
	if ((r = jwt_check_claims(claims, now, iss, aud)) != 0) {
		json_decref(claims);
		return (r);
	}
	if (claims_out != NULL)
		*claims_out = claims;
	else
		json_decref(claims);
	return (0);
}

/* A fresh token id: 128 random bits in lowercase hex. */
void
jwt_jti(char out[JWT_JTI_LEN + 1])
{
	uint8_t	 b[JWT_JTI_LEN / 2];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, JWT_JTI_LEN + 1, b, sizeof(b));
}

const char *
jwt_strerror(int code)
{
	switch (code) {
	case 0:
		return ("valid");
	case JWT_EMALFORMED:
		return ("malformed");
	case JWT_EALG:
		return ("unsupported algorithm");
	case JWT_ESIG:
		return ("bad signature");
	case JWT_EEXPIRED:
		return ("expired");
	case JWT_ENOTYET:
		return ("not yet valid");
	case JWT_EISS:
		return ("wrong issuer");
	case JWT_EAUD:
		return ("wrong audience");
	case JWT_ECLAIMS:
		return ("missing claims");
	}
	return ("invalid");
}
