#!/bin/sh
# Who may use the API, against a real daemon: bearer tokens made here
# with openssl from the configured jwt-key (valid, expired, tampered,
# alg none, HS512, wrong audience or issuer, another key), roles,
# logout revocation that survives a restart, login throttling per
# address and per user name behind a trusted proxy, the audit events
# of logins, the per-token rate limit, and every error status the API
# can give as an RFC 9457 problem.
T=authz
. tests/regress/lib.sh
require_root
require_tools curl jq openssl sqlite3 od tr
setup
write_conf
ANA_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
VIC_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >>"$D/secrets.conf" <<EOT
ana-hash "$(echo "$ANA_PW" | "$SIEMCTL" hash-password)"
vic-hash "$(echo "$VIC_PW" | "$SIEMCTL" hash-password)"
EOT
# the proxy lets each throttling case come from addresses of its own
sed -i '/^api {/,/^}/d' "$D/siemd.conf"
cat >>"$D/siemd.conf" <<EOT
api {
	listen on 127.0.0.1 port $P_API tls { certificate "$D/server.crt" key "$D/server.key" }
	htdocs "$TOP/web/htdocs"
	trusted proxy "127.0.0.1"
	body limit 64K
}
user "ana" { role analyst password "ana-hash" }
user "vic" { role viewer password "vic-hash" }
EOT
cp "$D/siemd.conf" "$D/siemd.conf.orig"
start || { fail start "siemd did not start"; finish; }
pass start

U="https://127.0.0.1:$P_API/api/v1"
C="curl -sk --max-time 20"

# req NAME METHOD URL [curl args]: head in $D/NAME.h, body in
# $D/NAME.b, status in $code
req() {
	_n=$1 _m=$2 _u=$3
	shift 3
	code=$($C -D "$D/$_n.h" -o "$D/$_n.b" -w '%{http_code}' -X "$_m" \
	    "$@" "$_u")
}
# me NAME TOKEN: GET /auth/me with that bearer token
me() {
	req "$1" GET "$U/auth/me" -H "Authorization: Bearer $2"
}
header() {
	grep -i "^$2:" "$D/$1.h" | head -n 1 | sed 's/^[^:]*: *//' |
	    tr -d '\r'
}
jqb() {
	jq -e "$2" "$D/$1.b" >/dev/null 2>&1
}
# problem NAME STATUS [INSTANCE]: an RFC 9457 answer with every member;
# INSTANCE "-" when there can be none (a target too long to keep)
problem() {
	[ "$code" = "$2" ] &&
	    [ "$(header "$1" Content-Type)" = application/problem+json ] &&
	    jq -e --argjson s "$2" --arg i "${3:-}" '.status == $s and
	    (.type | type) == "string" and (.title | type) == "string" and
	    (.title | length) > 0 and (.detail | type) == "string" and
	    if $i == "-" then has("instance") | not else
	    (.instance | type) == "string" and
	    ($i == "" or .instance == $i) end' "$D/$1.b" >/dev/null 2>&1
}
# refused NAME DETAIL: a 401 problem with that detail and a challenge
refused() {
	problem "$1" 401 /api/v1/auth/me && jqb "$1" ".detail == \"$2\"" &&
	    [ -n "$(header "$1" WWW-Authenticate)" ]
}
# retry NAME: a 429 problem whose Retry-After is 1 to 60 seconds
retry() {
	_ra=$(header "$1" Retry-After)
	problem "$1" 429 && [ -n "$_ra" ] && [ "$_ra" -ge 1 ] &&
	    [ "$_ra" -le 60 ]
}
# login NAME USER PASSWORD [curl args]: POST /auth/login
login() {
	_n=$1 _u=$2 _p=$3
	shift 3
	req "$_n" POST "$U/auth/login" -H 'Content-Type: application/json' \
	    -d "{\"username\":\"$_u\",\"password\":\"$_p\"}" "$@"
}
token() {
	jq -r '.access_token // empty' "$D/$1.b" 2>/dev/null
}

# --- tokens made here: base64url, HMAC with the jwt-key as it is
# written in the secrets file (its bytes are the key, hex or not)
JWT_KEY=$(sed -n 's/^jwt-key "\(.*\)"$/\1/p' "$D/secrets.conf")
b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}
# jwt HEADER CLAIMS [DIGEST [KEY]]: a signed compact JWS
jwt() {
	_h=$(printf '%s' "$1" | b64url)
	_c=$(printf '%s' "$2" | b64url)
	_s=$(printf '%s' "$_h.$_c" | openssl dgst "-${3:-sha256}" -mac HMAC \
	    -macopt "key:${4:-$JWT_KEY}" -binary | b64url)
	echo "$_h.$_c.$_s"
}
HS256='{"alg":"HS256","typ":"JWT"}'
NOW=$(date +%s)
# claims [SUB ROLE IAT EXP ISS AUD]: the claims siemd signs
claims() {
	printf '{"aud":"%s","exp":%s,"iat":%s,"iss":"%s",'\
'"jti":"%s","role":"%s","sub":"%s"}' \
	    "${6:-siemd-api}" "${4:-$((NOW + 600))}" "${3:-$NOW}" \
	    "${5:-siemd}" "$(head -c 16 /dev/urandom | od -An -tx1 |
	    tr -d ' \n')" "${2:-admin}" "${1:-admin}"
}

me crafted "$(jwt "$HS256" "$(claims)")"
check crafted-valid-accepted eval '[ "$code" = 200 ] &&
    jqb crafted ".user == \"admin\" and .role == \"admin\""'
me expired "$(jwt "$HS256" "$(claims admin admin $((NOW - 7200)) \
    $((NOW - 3600)))")"
check expired-401 refused expired "token expired"
me future "$(jwt "$HS256" "$(claims admin admin $((NOW + 3600)) \
    $((NOW + 7200)))")"
check not-yet-valid-401 refused future "token not yet valid"
me aud "$(jwt "$HS256" "$(claims admin admin "" "" siemd other-api)")"
check wrong-audience-401 refused aud "invalid token"
me iss "$(jwt "$HS256" "$(claims admin admin "" "" someone-else)")"
check wrong-issuer-401 refused iss "invalid token"
me hs512 "$(jwt '{"alg":"HS512","typ":"JWT"}' "$(claims)" sha512)"
check alg-hs512-401 refused hs512 "malformed token"
# alg none: unsigned, and with a signature that would be right for HS256
NONE=$(printf '%s' '{"alg":"none","typ":"JWT"}' | b64url)
BODY=$(printf '%s' "$(claims)" | b64url)
me none "$NONE.$BODY."
check alg-none-unsigned-401 refused none "malformed token"
me none2 "$(jwt '{"alg":"none","typ":"JWT"}' "$(claims)")"
check alg-none-signed-401 refused none2 "malformed token"
me otherkey "$(jwt "$HS256" "$(claims)" sha256 not-the-jwt-key)"
check other-key-401 refused otherkey "invalid token"
me nouser "$(jwt "$HS256" "$(claims mallory admin)")"
check unknown-user-401 refused nouser "unknown user"

# a real token, one character of its claims changed (to another letter
# of the alphabet, so that it still decodes)
login admin admin "$ADMIN_PW"
check login-200 eval '[ "$code" = 200 ] && jqb admin ".token_type ==
    \"bearer\" and .expires_in == 604800"'
ADMIN=$(token admin)
me real "$ADMIN"
check real-token-accepted [ "$code" = 200 ]
TAMPERED=$(echo "$ADMIN" | awk -F. '{ m = int(length($2) / 2);
    c = substr($2, m, 1) == "A" ? "B" : "A";
    print $1 "." substr($2, 1, m - 1) c substr($2, m + 1) "." $3 }')
me tampered "$TAMPERED"
check tampered-payload-401 eval '[ "$TAMPERED" != "$ADMIN" ] &&
    refused tampered "invalid token"'
TAMPERED=$(echo "$ADMIN" | awk -F. '{ n = length($3) - 3;
    c = substr($3, n, 1) == "A" ? "B" : "A";
    print $1 "." $2 "." substr($3, 1, n - 1) c substr($3, n + 1) }')
me tampered2 "$TAMPERED"
check tampered-signature-401 refused tampered2 "invalid token"

# roles come from the configuration, not from the token's claims
login vic vic "$VIC_PW"
VIC=$(token vic)
req vicallow POST "$U/allowlist" -H "Authorization: Bearer $VIC" \
    -H 'Content-Type: application/json' -d '{"cidr":"192.0.2.0/24"}'
check viewer-403 problem vicallow 403 /api/v1/allowlist
req vicforged POST "$U/allowlist" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(jwt "$HS256" "$(claims vic admin)")" \
    -d '{"cidr":"192.0.2.0/24"}'
check role-claim-ignored-403 problem vicforged 403 /api/v1/allowlist
req vicread GET "$U/allowlist" -H "Authorization: Bearer $VIC"
check viewer-reads [ "$code" = 200 ]

# --- every error status as a problem
AUTH="Authorization: Bearer $ADMIN"
req e400 GET "$U/events?limit=abc" -H "$AUTH"
check status-400 problem e400 400 /api/v1/events
req e401 GET "$U/events"
check status-401 eval 'problem e401 401 /api/v1/events &&
    [ -n "$(header e401 WWW-Authenticate)" ]'
req e403 GET "https://127.0.0.1:$P_API/metrics" \
    -H 'X-Forwarded-For: 203.0.113.9'
check status-403-metrics problem e403 403 /metrics
req e404 GET "$U/no/such/endpoint" -H "$AUTH"
check status-404 problem e404 404 /api/v1/no/such/endpoint
req e404b GET "$U/events/999999999" -H "$AUTH"
check status-404-event problem e404b 404 /api/v1/events/999999999
req e405 DELETE "$U/events" -H "$AUTH"
check status-405 eval 'problem e405 405 /api/v1/events &&
    [ -n "$(header e405 Allow)" ]'
req a409 POST "$U/allowlist" -H "$AUTH" \
    -H 'Content-Type: application/json' -d '{"cidr":"198.18.0.0/15"}'
req e409 POST "$U/allowlist" -H "$AUTH" \
    -H 'Content-Type: application/json' -d '{"cidr":"198.18.0.0/15"}'
check status-409 eval '[ "$(jq -r .cidr "$D/a409.b")" = 198.18.0.0/15 ] &&
    problem e409 409 /api/v1/allowlist'
head -c 70000 /dev/zero | tr '\0' a >"$D/body70k"
req e413 POST "$U/auth/login" -H 'Content-Type: application/json' \
    --data-binary @"$D/body70k"
check status-413 problem e413 413 /api/v1/auth/login
req e415 POST "$U/auth/login" -H 'Content-Type: text/plain' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}"
check status-415-login problem e415 415 /api/v1/auth/login
req e415b POST "$U/allowlist" -H "$AUTH" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -d '{"cidr":"198.51.100.0/24"}'
check status-415-allowlist problem e415b 415 /api/v1/allowlist
long=$(head -c 9000 /dev/zero | tr '\0' a)
req e414 GET "$U/events?q=$long" -H "$AUTH"
check status-414 problem e414 414 -
req e431 GET "$U/events" -H "$AUTH" -H "X-Big: $long"
check status-431 problem e431 431
# more live streams than the process serves: the next one is 503
STOK=$(jwt "$HS256" "$(claims)")
: >"$D/streams"
i=0
while [ $i -lt 64 ]; do
	$C -N --max-time 60 -o "$D/s.$i" \
	    "$U/stream/events?app=nothing-comes&access_token=$STOK" &
	echo $! >>"$D/streams"
	i=$((i + 1))
done
eventually 100 eval '[ "$(cat "$D"/s.* | grep -c "^: stream open")" = 64 ]'
req e503 GET "$U/stream/events?access_token=$STOK"
check status-503-streams problem e503 503 /api/v1/stream/events
for p in $(cat "$D/streams"); do
	kill "$p" 2>/dev/null
done
for p in $(cat "$D/streams"); do
	wait "$p" 2>/dev/null
done

# --- login throttling: 10 failures a minute per address and per name
# one user from one address: the 11th is refused, right password or not
i=0
: >"$D/codes"
while [ $i -lt 10 ]; do
	login t1 ana wrong -H 'X-Forwarded-For: 198.51.100.1'
	echo "$code" >>"$D/codes"
	i=$((i + 1))
done
check throttle-failures-401 [ "$(sort -u "$D/codes")" = 401 ]
login t1 ana "$ANA_PW" -H 'X-Forwarded-For: 198.51.100.1'
check throttle-user-address-429 retry t1
# one user from ten addresses: the name is throttled everywhere
i=0
: >"$D/codes"
while [ $i -lt 10 ]; do
	login t2 vic wrong -H "X-Forwarded-For: 198.51.100.$((20 + i))"
	echo "$code" >>"$D/codes"
	i=$((i + 1))
done
check throttle-name-failures-401 [ "$(sort -u "$D/codes")" = 401 ]
login t2 vic "$VIC_PW" -H 'X-Forwarded-For: 198.51.100.40'
check throttle-per-username-429 retry t2
# ten names from one address: the address is throttled for everyone
i=0
: >"$D/codes"
while [ $i -lt 10 ]; do
	login t3 "nobody$i" wrong -H 'X-Forwarded-For: 198.51.100.50'
	echo "$code" >>"$D/codes"
	i=$((i + 1))
done
check throttle-addr-failures-401 [ "$(sort -u "$D/codes")" = 401 ]
login t3 admin "$ADMIN_PW" -H 'X-Forwarded-For: 198.51.100.50'
check throttle-per-address-429 retry t3
# ... and nobody else
login t4 admin "$ADMIN_PW" -H 'X-Forwarded-For: 198.51.100.51'
check throttle-others-unaffected [ "$code" = 200 ]
# an address from the right of the list, past the trusted proxy
login t5 admin "$ADMIN_PW" -H 'X-Forwarded-For: 198.51.100.50, 127.0.0.1'
check throttle-walks-proxies-429 retry t5

# logins are events of app siemd, from the forwarded address
check audit-login-failure wait_sql "SELECT count(*) >= 11 FROM events
    WHERE app = 'siemd' AND event_type = 'login_failure' AND
    user_id = 'ana' AND src_ip = '198.51.100.1'" 1
check audit-login-success wait_sql "SELECT count(*) FROM events
    WHERE app = 'siemd' AND event_type = 'login_success' AND
    user_id = 'admin' AND src_ip = '198.51.100.51'" 1

# --- logout revocation survives a restart
login keep admin "$ADMIN_PW"
KEEP_TOK=$(token keep)
login gone admin "$ADMIN_PW"
GONE=$(token gone)
req out POST "$U/auth/logout" -H "Authorization: Bearer $GONE"
check logout-204 [ "$code" = 204 ]
me gone1 "$GONE"
check logout-revokes refused gone1 "token revoked"
stop
check restart-clean-exit [ "$STATUS" = 0 ]
start || { fail restart "siemd did not start again"; finish; }
me gone2 "$GONE"
check revoked-after-restart refused gone2 "token revoked"
me kept "$KEEP_TOK"
check token-survives-restart [ "$code" = 200 ]
login fresh admin "$ADMIN_PW"
me fresh "$(token fresh)"
check fresh-token-after-restart [ "$code" = 200 ]

# --- the per-token rate limit: 5 a minute
stop
sed -i 's/^\tbody limit 64K$/&\n\trate limit 5/' "$D/siemd.conf"
start || { fail restart "siemd did not start with a rate limit"; finish; }
login rl admin "$ADMIN_PW"
RL=$(token rl)
i=0
: >"$D/codes"
while [ $i -lt 5 ]; do
	me rl "$RL"
	echo "$code" >>"$D/codes"
	i=$((i + 1))
done
check rate-within-limit [ "$(sort -u "$D/codes")" = 200 ]
me rl6 "$RL"
check rate-limit-429 retry rl6
req rls GET "$U/stream/events?access_token=$RL"
check rate-limit-stream-429 retry rls
req rla GET "$U/stream/alerts?access_token=$RL"
check rate-limit-alert-stream-429 retry rla
login rl2 admin "$ADMIN_PW"
me rl2 "$(token rl2)"
check rate-per-token [ "$code" = 200 ]

stop
check clean-exit [ "$STATUS" = 0 ]
finish
