/*
 * JSON Web Tokens signed with HMAC-SHA-256 (RFC 7519, RFC 7515), the
 * only algorithm siemd issues or accepts.  The algorithm is pinned:
 * the header must say HS256 and nothing else, and it is never used to
 * choose how a token is checked.
 */

#ifndef SIEMD_JWT_H
#define SIEMD_JWT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#define JWT_MAX_TOKEN	4096	/* bytes, without the NUL */
#define JWT_LEEWAY	30	/* seconds of clock skew on exp, nbf, iat */
#define JWT_JTI_LEN	32	/* hex digits: 128 random bits */
#define JWT_MAX_SUB	63	/* bytes of the subject (user name) */

/* jwt_verify() results: 0 or one of these. */
#define JWT_EMALFORMED	-1	/* not three base64url parts of JSON */
#define JWT_EALG	-2	/* header is not exactly HS256 */
#define JWT_ESIG	-3	/* signature does not match */
#define JWT_EEXPIRED	-4	/* exp is past */
#define JWT_ENOTYET	-5	/* nbf or iat is in the future */
#define JWT_EISS	-6	/* wrong issuer */
#define JWT_EAUD	-7	/* wrong audience */
#define JWT_ECLAIMS	-8	/* a claim is missing or mistyped */

int		 jwt_sign(const uint8_t *, size_t, json_t *, char **);
int		 jwt_verify(const uint8_t *, size_t, const char *, time_t,
		    const char *, const char *, json_t **);
void		 jwt_jti(char [JWT_JTI_LEN + 1]);
const char	*jwt_strerror(int);

#endif /* SIEMD_JWT_H */
