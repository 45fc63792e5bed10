/*
 * libFuzzer driver for jwt_verify().  An even first byte: the rest is
 * a token as a client would send it.  An odd one: the rest is a
 * header and a payload separated by a newline, signed here with the
 * key, so that the header and claims checks behind the signature are
 * reached too.  An accepted token must carry every required claim.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "web/jwt.h"

#define B64	sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NOW	((time_t)1700000000)
#define MACLEN	crypto_auth_hmacsha256_BYTES

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t	 key[] = "fuzzing-key-fuzzing-key-fuzzing!";

static char	*sign_parts(const uint8_t *, size_t);
static void	 check(const char *);

/* b64(header).b64(payload).b64(HMAC), the parts split at a newline. */
static char *
sign_parts(const uint8_t *p, size_t len)
{
	crypto_auth_hmacsha256_state	 st;
	uint8_t				 mac[MACLEN];
	const uint8_t			*nl;
	size_t				 hlen, plen, cap, n;
	char				*tok;

	if ((nl = memchr(p, '\n', len)) == NULL)
		return (NULL);
	hlen = nl - p;
	plen = len - hlen - 1;
	cap = sodium_base64_ENCODED_LEN(hlen, B64) +
	    sodium_base64_ENCODED_LEN(plen, B64) +
	    sodium_base64_ENCODED_LEN(sizeof(mac), B64) + 2;
	if ((tok = malloc(cap)) == NULL)
		abort();
	sodium_bin2base64(tok, cap, p, hlen, B64);
	n = strlen(tok);
	tok[n++] = '.';
	sodium_bin2base64(tok + n, cap - n, nl + 1, plen, B64);
	n += strlen(tok + n);
	crypto_auth_hmacsha256_init(&st, key, sizeof(key) - 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)tok, n);
	crypto_auth_hmacsha256_final(&st, mac);
	tok[n++] = '.';
	sodium_bin2base64(tok + n, cap - n, mac, sizeof(mac), B64);
	return (tok);
}

static void
check(const char *tok)
{
	static const char *required[] = {
		"iss", "aud", "sub", "role", "jti"
	};
	json_t	*claims;
	size_t	 i;
	int	 r;

	r = jwt_verify(key, sizeof(key) - 1, tok, NOW, "siemd", "siemd-api",
	    &claims);
	if (r > 0 || r < JWT_ECLAIMS)
		abort();
	if (r != 0) {
		if (claims != NULL)
			abort();
		return;
	}
	if (!json_is_object(claims) ||
	    !json_is_integer(json_object_get(claims, "exp")) ||
	    !json_is_integer(json_object_get(claims, "iat")) ||
	    strlen(tok) > JWT_MAX_TOKEN)
		abort();
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!json_is_string(json_object_get(claims, required[i])))
			abort();
	json_decref(claims);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*tok;

	if (size < 1 || size > 3 * JWT_MAX_TOKEN)
		return (0);
	if (sodium_init() == -1)
		abort();
	if (data[0] & 1) {
		if ((tok = sign_parts(data + 1, size - 1)) == NULL)
			return (0);
	} else {
		if ((tok = malloc(size)) == NULL)
			abort();
		memcpy(tok, data + 1, size - 1);
		tok[size - 1] = '\0';
	}
	check(tok);
	free(tok);
	return (0);
}
