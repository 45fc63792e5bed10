/*
 * Authentication in the web process: password logins checked against
 * Argon2id hashes, HS256 bearer tokens, roles, logout by revocation,
 * login throttling, per-token rate limits, and ingest keys.
 *
 * Two hooks connect it to the rest of the daemon; both may be left
 * NULL (nothing is sent) and are called synchronously:
 *
 * auth_audit(event_type, user, client_ip) is called once for every
 * login attempt, with event_type "login_success" or "login_failure"
 * (throttled attempts are failures).  user is what the client sent,
 * cut to AUTH_MAX_AUDIT_USER bytes at a UTF-8 boundary; client_ip is
 * the address the caller gave auth_login().  The web process turns it
 * into an event (app "siemd", outcome success or failure) on its HTTP
 * ingest path.
 *
 * auth_persist(jti, exp) is called once for every revocation made
 * here (a logout).  The web process runs chrooted read-only and
 * cannot keep anything across a restart, so it sends the pair to the
 * store, which keeps it until exp; at start the store sends the list
 * back and the web process hands it to auth_revocation_import() as
 * the JSON array auth_revocation_export() writes:
 *	[ { "jti": "<32 hex digits>", "exp": <seconds since the epoch> } ]
 * auth_revoke_hook() is called after a logout revoked a token, so that
 * what was let in under it earlier (live streams) can be ended now.
 *
 * Revocations held here are bounded (AUTH_MAX_REVOKED); expired ones
 * are pruned, and if the set is still full the one that expires first
 * is dropped and counted.
 */

#ifndef SIEMD_AUTH_H
#define SIEMD_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "jwt.h"

#define AUTH_ISSUER		"siemd"
#define AUTH_AUDIENCE		"siemd-api"
#define AUTH_MAX_USER		JWT_MAX_SUB	/* bytes in a user name */
#define AUTH_MAX_AUDIT_USER	255	/* bytes of a name in audits */
#define AUTH_MAX_PASSWORD	1024	/* bytes */
#define AUTH_MAX_REVOKED	16384	/* revoked token ids held */
#define AUTH_JWT_KEYLEN		32	/* random key if none given */
#define AUTH_JWT_MINKEY		32	/* shorter keys: a warning */

/* auth_login() results */
#define AUTH_OK			0
#define AUTH_EDENIED		-1	/* no such user, wrong password */
#define AUTH_ETHROTTLED		-2	/* too many failures */

struct child;
struct principal;
struct request;

extern void	(*auth_audit)(const char *, const char *, const char *);
extern void	(*auth_persist)(const char *, time_t);
extern void	(*auth_revoke_hook)(void);

void		 auth_init(struct child *);
void		 auth_shutdown(void);

int		 auth_password_check(const char *, const char *, size_t);
int		 auth_login(const char *, const char *, size_t, const char *,
		    time_t, char **, int *, int *);
int		 auth_issue(const char *, int, time_t, char **, int *);
int		 auth_bearer(const char *, time_t, struct principal *,
		    char *, size_t);
const char	*auth_bearer_reason(void);
int		 auth_bearer_exp(const char *, time_t, struct principal *,
		    char *, size_t, time_t *);

int		 auth_logout(const char *, time_t, time_t);
int		 auth_revoked(const char *, time_t);
void		 auth_revocation_prune(time_t);
int		 auth_revocation_export(json_t **);
int		 auth_revocation_import(json_t *);

int		 auth_ratelimit(const char *, time_t, int *);
int		 auth_ingest_key(const char *, char *, size_t);

const char	*auth_role_name(int);
int		 auth_role_parse(const char *);
int		 auth_allows(int, int);

json_t		*auth_counters(void);

/* HTTP: the handlers of POST /auth/login, POST /auth/logout, GET /auth/me */
void		 auth_handle_login(struct request *);
void		 auth_handle_logout(struct request *);
void		 auth_handle_me(struct request *);

#endif /* SIEMD_AUTH_H */
