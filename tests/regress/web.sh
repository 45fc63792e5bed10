#!/bin/sh
# The web process end to end, over TLS with curl and openssl s_client
# and over plain HTTP with bash's /dev/tcp: health, problem details, methods,
# limits, CORS, the path prefix both ways, metrics, the dashboard
# files, keep-alive and pipelining, timeouts, logins, a TLS handshake
# that fails, and a thousand idle connections that must not keep
# anyone else out.
T=web
. tests/regress/lib.sh
require_root
require_tools curl jq openssl bash timeout
setup
write_conf
P_SLOW=$((BASE + 3))
P_HTTP=$((BASE + 4))

# a dashboard of our own
H="$D/htdocs"
mkdir -p "$H/vendor" "$H/assets"
cat >"$H/index.html" <<'EOT'
<!doctype html>
<html><head><meta charset="utf-8"><base href="/"><title>siemd</title>
<script src="assets/app.0123abcd.js"></script></head>
<body><p>dashboard</p></body></html>
EOT
echo 'console.log("app");' >"$H/assets/app.0123abcd.js"
echo 'console.log("plain");' >"$H/app.js"
echo 'body { color: black; }' >"$H/style.css"
echo 'vendor' >"$H/vendor/lib.js"
echo 'secret' >"$H/.hidden"
head -c 300000 /dev/urandom >"$H/big.bin"
chmod -R a+rX "$H"

# our api block instead of the standard one
sed -i '/^api {/,/^}/d' "$D/siemd.conf"
cat >>"$D/siemd.conf" <<EOT
api {
	listen on 127.0.0.1 port $P_API tls { certificate "$D/server.crt" key "$D/server.key" }
	listen on 127.0.0.1 port $P_SLOW tls { certificate "$D/server.crt" key "$D/server.key" handshake timeout 2s }
	listen on 127.0.0.1 port $P_HTTP { idle timeout 3s max connections 8 }
	htdocs "$H"
	prefix "/siem"
	cors origin "https://soc.example.com"
	trusted proxy "127.0.0.1"
	trusted proxy "10.0.0.0/8"
	body limit 1K
	rate limit 60
}
EOT
start || { fail start "siemd did not start"; finish; }
pass start
# events for a slow search further on, stored meanwhile
jsonl 20000 1 >"$D/logs/bulk.jsonl"

U="https://127.0.0.1:$P_API"
C="curl -sk --max-time 10"

# get NAME URL [curl args]: headers in $D/NAME.h, body in $D/NAME.b,
# the status in $code
get() {
	_n=$1 _u=$2
	shift 2
	code=$($C -D "$D/$_n.h" -o "$D/$_n.b" -w '%{http_code}' "$@" "$_u")
}
# header NAME FIELD: the field's value in $D/NAME.h
header() {
	grep -i "^$2:" "$D/$1.h" | head -n 1 | sed 's/^[^:]*: *//' |
	    tr -d '\r'
}
# problem NAME STATUS INSTANCE: an RFC 9457 body
problem() {
	[ "$(header "$1" Content-Type)" = "application/problem+json" ] &&
	    jq -e --argjson s "$2" --arg i "$3" '.status == $s and
	    (.type | type) == "string" and (.title | type) == "string" and
	    (.detail | type) == "string" and .instance == $i' \
	    "$D/$1.b" >/dev/null
}
# jqe FILTER FILE: jq -e, quietly
jqe() {
	jq -e "$1" "$2" >/dev/null 2>&1
}
secure() {
	[ "$(header "$1" X-Content-Type-Options)" = nosniff ] &&
	    [ "$(header "$1" Referrer-Policy)" = no-referrer ] &&
	    [ "$(header "$1" X-Frame-Options)" = DENY ] &&
	    [ -n "$(header "$1" Content-Security-Policy)" ]
}

# health
get health "$U/healthz"
check healthz-200 [ "$code" = 200 ]
check healthz-json jqe '.status == "ok"' "$D/health.b"
check healthz-type [ "$(header health Content-Type)" = application/json ]
check healthz-security-headers secure health
check healthz-hsts [ "$(header health Strict-Transport-Security)" = \
    "max-age=31536000" ]
check healthz-no-store [ "$(header health Cache-Control)" = no-store ]
check healthz-no-cors [ -z "$(header health Access-Control-Allow-Origin)" ]
get plain "http://127.0.0.1:$P_HTTP/healthz"
check plain-http-200 [ "$code" = 200 ]
check plain-http-no-hsts [ -z "$(header plain Strict-Transport-Security)" ]
get head "$U/healthz" -I
check head-no-body eval '[ "$code" = 200 ] && ! grep -q status "$D/head.b"'
get readyz "$U/readyz"
check readyz-200 [ "$code" = 200 ]

# errors are problem details
get nf "$U/api/v1/no/such/thing"
check unknown-api-404 [ "$code" = 404 ]
check unknown-api-problem problem nf 404 /api/v1/no/such/thing
check unknown-api-security-headers secure nf
get m405 "$U/healthz" -X DELETE
check wrong-method-405 [ "$code" = 405 ]
check wrong-method-allow [ "$(header m405 Allow)" = "GET, HEAD, OPTIONS" ]
check wrong-method-problem problem m405 405 /healthz
get brew "$U/healthz" -X BREW
check unknown-method-405 [ "$code" = 405 ]
get dot "$U/a/%2e%2e/etc/passwd" --path-as-is
check dot-segments-400 [ "$code" = 400 ]
get enc "$U/api%2Fv1/healthz"
check encoded-slash-400 [ "$code" = 400 ]

# limits
big=$(head -c 9000 /dev/zero | tr '\0' a)
get h431 "$U/healthz" -H "X-Big: $big"
check header-8k-431 [ "$code" = 431 ]
check header-8k-problem jqe '.status == 431' "$D/h431.b"
long=$(head -c 5000 /dev/zero | tr '\0' a)
get u414 "$U/$long"
check uri-too-long-414 [ "$code" = 414 ]
head -c 2048 /dev/zero | tr '\0' a >"$D/body2k"
get b413 "$U/api/v1/auth/login" -H 'Content-Type: application/json' \
    --data-binary @"$D/body2k"
check body-over-limit-413 [ "$code" = 413 ]
check body-over-limit-problem jqe '.status == 413' "$D/b413.b"
get c413 "$U/api/v1/auth/login" -H 'Content-Type: application/json' \
    -H 'Transfer-Encoding: chunked' --data-binary @"$D/body2k"
check chunked-over-limit-413 [ "$code" = 413 ]
get post1 "$U/api/v1/auth/login" -H 'Content-Type: application/json' \
    --data-binary '{"username":"nobody","password":"x"}'
check body-under-limit-401 [ "$code" = 401 ]

# a body is not read for a request refused on its head
head -c 900 /dev/zero | tr '\0' a >"$D/body900"
get early "$U/api/v1/nothing" -H 'Expect: 100-continue' \
    --data-binary @"$D/body900"
check early-404-no-continue eval '[ "$code" = 404 ] &&
    ! grep -q "^HTTP/1.1 100" "$D/early.h"'
get early2 "$U/api/v1/auth/logout" -H 'Expect: 100-continue' \
    --data-binary @"$D/body900"
check early-401-no-continue eval '[ "$code" = 401 ] &&
    ! grep -q "^HTTP/1.1 100" "$D/early2.h"'
get cont "$U/api/v1/auth/login" -H 'Expect: 100-continue' \
    -H 'Content-Type: application/json' --data-binary @"$D/body900"
check continue-sent eval '[ "$code" = 400 ] &&
    grep -q "^HTTP/1.1 100 Continue" "$D/cont.h"'

# CORS
O=https://soc.example.com
get cors "$U/healthz" -H "Origin: $O"
check cors-allowed [ "$(header cors Access-Control-Allow-Origin)" = "$O" ]
check cors-vary [ "$(header cors Vary)" = Origin ]
get nocors "$U/healthz" -H "Origin: https://evil.example"
check cors-refused [ -z "$(grep -i '^access-control' "$D/nocors.h")" ]
get pre "$U/api/v1/auth/me" -X OPTIONS -H "Origin: $O" \
    -H 'Access-Control-Request-Method: GET' \
    -H 'Access-Control-Request-Headers: authorization'
check preflight-204 [ "$code" = 204 ]
check preflight-origin [ "$(header pre Access-Control-Allow-Origin)" = "$O" ]
check preflight-methods [ -n "$(header pre Access-Control-Allow-Methods)" ]
check preflight-headers sh -c "grep -i '^access-control-allow-headers:' \
    '$D/pre.h' | grep -q 'Authorization, Content-Type, Last-Event-ID'"
check preflight-max-age [ -n "$(header pre Access-Control-Max-Age)" ]
get prebad "$U/api/v1/auth/me" -X OPTIONS -H 'Origin: https://evil.example' \
    -H 'Access-Control-Request-Method: GET'
check preflight-refused [ -z "$(grep -i '^access-control' "$D/prebad.h")" ]

# the prefix, with and without a proxy that strips it
get pfx "$U/siem/healthz"
check prefix-kept-200 [ "$code" = 200 ]
get pfx2 "$U/siem/api/v1/nothing"
check prefix-api-404 problem pfx2 404 /siem/api/v1/nothing
get pfx3 "$U/siem/"
check prefix-dashboard eval '[ "$code" = 200 ] &&
    grep -q "<base href=\"/siem/\">" "$D/pfx3.b"'
get pfx4 "$U/siemx/healthz"
check prefix-not-a-prefix eval '[ "$code" = 200 ] &&
    grep -q dashboard "$D/pfx4.b"'

# metrics: loopback yes, a forwarded outsider no
get met "$U/metrics"
check metrics-200 [ "$code" = 200 ]
check metrics-requests grep -q '^siemd_http_requests_total{class="2xx"} ' \
    "$D/met.b"
check metrics-no-ip-labels [ -z "$(grep '127.0.0.1' "$D/met.b")" ]
# every process's counters, one family each, the instance the only label
check metrics-process-up [ "$(grep -c '^siemd_process_up{process="[a-z]*",instance="[0-9]*"} 1$' "$D/met.b")" -ge 9 ]
check metrics-store-stored grep -q '^siemd_store_stored{instance="0"} [0-9][0-9]*$' "$D/met.b"
check metrics-parsers-both [ "$(grep -c '^siemd_parser_[a-z_]*{instance="1"}' "$D/met.b")" -ge 1 ]
check metrics-families-once [ -z "$(grep '^# TYPE' "$D/met.b" | sort | uniq -d)" ]
# a histogram's samples are its name with _bucket, _sum and _count
check metrics-samples-typed [ -z "$(awk '/^# TYPE/ { t = $3; k = $4; next } /^#/ { next } { n = $1; sub(/[{ ].*/, "", n); if (n != t && !(k == "histogram" && (n == t "_bucket" || n == t "_sum" || n == t "_count"))) print }' "$D/met.b")" ]
get met403 "$U/metrics" -H 'X-Forwarded-For: 203.0.113.5'
check metrics-forwarded-outsider-403 [ "$code" = 403 ]
get met2 "$U/metrics" -H 'X-Forwarded-For: 203.0.113.5, 10.1.2.3'
check metrics-walks-past-proxies-403 [ "$code" = 403 ]

# the dashboard
get idx "$U/"
check static-index eval '[ "$code" = 200 ] && grep -q dashboard "$D/idx.b"'
check static-index-type [ "$(header idx Content-Type)" = \
    "text/html; charset=utf-8" ]
check static-index-no-cache [ "$(header idx Cache-Control)" = no-cache ]
check static-index-csp [ "$(header idx Content-Security-Policy)" = \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'" ]
check static-base-unprefixed grep -q '<base href="/siem/">' "$D/idx.b"
get fb "$U/alerts/42"
check static-fallback eval '[ "$code" = 200 ] && grep -q dashboard "$D/fb.b"'
get js "$U/siem/app.js"
check static-js-type [ "$(header js Content-Type)" = \
    "text/javascript; charset=utf-8" ]
check static-js-body grep -q plain "$D/js.b"
get hashed "$U/assets/app.0123abcd.js"
check static-hashed-immutable sh -c "grep -qi '^cache-control: public, \
max-age=31536000, immutable' '$D/hashed.h'"
get vend "$U/vendor/lib.js"
check static-vendor-revalidated sh -c "grep -qi '^cache-control: no-cache' \
    '$D/vend.h'"
vetag=$(header vend ETag)
get vend304 "$U/vendor/lib.js" -H "If-None-Match: $vetag"
check static-vendor-304 eval '[ -n "$vetag" ] && [ "$code" = 304 ]'
etag=$(header js ETag)
get js304 "$U/app.js" -H "If-None-Match: $etag"
check static-etag-304 eval '[ -n "$etag" ] && [ "$code" = 304 ]'
get miss "$U/missing.js"
check static-missing-file-404 problem miss 404 /missing.js
get hid "$U/.hidden"
check static-hidden-404 [ "$code" = 404 ]
get bigf "$U/big.bin"
check static-big-file cmp -s "$D/bigf.b" "$H/big.bin"
get spost "$U/index.html" -X POST -d x
check static-post-405 [ "$code" = 405 ]

# keep-alive: two requests, one connection
n=$($C -o /dev/null -o /dev/null -w '%{num_connects}\n' "$U/healthz" \
    "$U/siem/healthz" | tr '\n' ' ')
check keepalive-one-connection [ "$n" = "1 0 " ]
# pipelining: answers in order
printf 'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /nope/api HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/none HTTP/1.1\r\nHost: a\r\n\r\nGET /readyz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -quiet -connect 127.0.0.1:$P_API \
    2>/dev/null >"$D/pipe"
check pipelined-in-order [ "$(grep -o 'HTTP/1.1 [0-9]*' "$D/pipe" |
    cut -d' ' -f2 | tr '\n' ' ')" = "200 200 404 200 " ]
# HTTP/1.0 closes
get h10 "http://127.0.0.1:$P_HTTP/healthz" -0
check http10-close [ "$(header h10 Connection)" = close ]
# an idle keep-alive connection is closed after the idle timeout (3s)
start_t=$(date +%s)
timeout 15 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1 &&
    printf "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n" >&3 && cat <&3' \
    sh $P_HTTP >"$D/idle"
secs=$(( $(date +%s) - start_t ))
check idle-timeout eval '[ "$secs" -ge 2 ] && [ "$secs" -le 7 ] &&
    grep -q "\"ok\"" "$D/idle"'
# a slow head gets 408 after the handshake timeout (2s)
(printf 'GET /healthz HTTP/1.1\r\nHost: a\r\n'; sleep 10) |
    timeout 15 openssl s_client -quiet -connect 127.0.0.1:$P_SLOW \
    >"$D/slow" 2>/dev/null
check slow-head-408 grep -q '^HTTP/1.1 408' "$D/slow"

# logins
get noauth "$U/api/v1/auth/me"
check auth-required-401 eval '[ "$code" = 401 ] &&
    [ -n "$(header noauth WWW-Authenticate)" ]'
get badtok "$U/api/v1/auth/me" -H 'Authorization: Bearer x.y.z'
check auth-bad-token-401 [ "$code" = 401 ]
get login "$U/api/v1/auth/login" -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}"
check login-200 [ "$code" = 200 ]
tok=$(jq -r .access_token "$D/login.b" 2>/dev/null)
get me "$U/api/v1/auth/me" -H "Authorization: Bearer $tok"
check auth-me eval '[ "$code" = 200 ] &&
    jqe ".user == \"admin\" and .role == \"admin\"" "$D/me.b"'
get out "$U/api/v1/auth/logout" -X POST -H "Authorization: Bearer $tok"
check logout-204 [ "$code" = 204 ]
get me2 "$U/api/v1/auth/me" -H "Authorization: Bearer $tok"
check logout-revokes [ "$code" = 401 ]

# plain HTTP to the TLS port: counted, nothing else
before=$($C "$U/metrics" | awk '/^siemd_tls_handshake_failures_total/ {
    print $2 }')
curl -s --max-time 5 "http://127.0.0.1:$P_API/healthz" >/dev/null 2>&1
get afterplain "$U/healthz"
check tls-failure-survived [ "$code" = 200 ]
after=$($C "$U/metrics" | awk '/^siemd_tls_handshake_failures_total/ {
    print $2 }')
check tls-failure-counted [ "${after:-0}" -gt "${before:-0}" ]

# over a listener's connection limit: closed at once, counted
cat >"$D/hold.bash" <<'EOT'
n=0
while [ $n -lt $2 ]; do
	exec {fd}<>/dev/tcp/127.0.0.1/$1 || break
	n=$((n + 1))
done
echo "$n open" >"$3"
exec sleep 60
EOT
refused0=$($C "$U/metrics" | awk '/^siemd_http_connections_refused_total/ {
    print $2 }')
bash "$D/hold.bash" $P_HTTP 8 "$D/hold.count" &
HOLD=$!
i=0
while [ ! -s "$D/hold.count" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
get full "http://127.0.0.1:$P_HTTP/healthz"
check max-connections-refused [ "$code" = 000 ]
refused1=$($C "$U/metrics" | awk '/^siemd_http_connections_refused_total/ {
    print $2 }')
check max-connections-counted [ "${refused1:-0}" -gt "${refused0:-0}" ]
kill $HOLD 2>/dev/null
wait $HOLD 2>/dev/null
sleep 0.5
get again "http://127.0.0.1:$P_HTTP/healthz"
check max-connections-recovers [ "$code" = 200 ]

# a client that leaves while its search runs cancels the query: 32
# substrings that match nothing keep a query process busy for a while
check bulk-stored wait_sql "SELECT count(*) FROM events WHERE
    app = 'MoneyControl'" 20000 300
admin_login
slow=$(awk 'BEGIN { for (i = 0; i < 32; i++)
    printf("%scontains=nomatch%d", i ? "&" : "", i) }')
cancels() {
	$C -H "$AUTH" "$U/api/v1/status" | jq '.api.query_cancels // 0'
}
c0=$(cancels)
for i in 1 2 3 4 5; do
	curl -sk --max-time 0.05 -o /dev/null -H "$AUTH" \
	    "$U/api/v1/events?$slow"
done
check gone-client-cancels-query eventually 20 eval \
    '[ "$(cancels)" -gt "${c0:-0}" ]'
get stillok "$U/api/v1/events?$slow&limit=1" -H "$AUTH"
check gone-client-next-search eval '[ "$code" = 200 ] &&
    jqe ".data | length == 0" "$D/stillok.b"'

# a live stream ends as soon as its token is logged out
admin_login
curl -skN --max-time 30 -H "$AUTH" "$U/api/v1/stream/events" \
    >"$D/sse" 2>/dev/null &
SSE=$!
eventually 50 grep -q 'stream open' "$D/sse"
get sseout "$U/api/v1/auth/logout" -X POST -H "$AUTH"
i=0
while kill -0 $SSE 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check stream-revoked-ends eval '[ "$code" = 204 ] &&
    ! kill -0 $SSE 2>/dev/null'
check stream-revoked-told eval 'grep -q "^event: error" "$D/sse" &&
    grep -q "token revoked" "$D/sse"'
kill $SSE 2>/dev/null
wait $SSE 2>/dev/null
get sseagain "$U/api/v1/stream/events" -H "$AUTH"
check stream-revoked-401 [ "$code" = 401 ]

# a stream refused by the token's rate limit (60 a minute) says when
admin_login
i=0
: >"$D/urls"
while [ $i -lt 61 ]; do
	echo "url = \"$U/api/v1/auth/me\"" >>"$D/urls"
	echo "output = \"/dev/null\"" >>"$D/urls"
	i=$((i + 1))
done
$C -H "$AUTH" -K "$D/urls"
get sse429 "$U/api/v1/stream/events" -H "$AUTH"
check stream-429-retry-after eval '[ "$code" = 429 ] &&
    [ "$(header sse429 Retry-After)" -ge 1 ]'

# a body trickled in a byte at a time still ends at the request
# deadline, the listener's idle timeout (3s): 408, counted
cat >"$D/trickle.bash" <<'EOT'
trap '' PIPE
exec 3<>/dev/tcp/127.0.0.1/$1 || exit 1
cat <&3 3<&- >"$2" &
printf 'POST /api/v1/auth/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n' >&3
i=0
while [ $i -lt 14 ]; do
	printf x >&3 2>/dev/null || break
	sleep 0.5
	i=$((i + 1))
done
exec 3>&-
wait
EOT
slow0=$("$SIEMCTL" -s "$SOCK" show status 2>/dev/null |
    sed -n 's/.*slow_requests[ =:]*\([0-9]*\).*/\1/p' | head -n 1)
start_t=$(date +%s)
timeout 12 bash "$D/trickle.bash" $P_HTTP "$D/trickle"
secs=$(( $(date +%s) - start_t ))
check trickle-408 eval 'grep -q "^HTTP/1.1 408" "$D/trickle" &&
    grep -q "application/problem+json" "$D/trickle" && [ "$secs" -le 7 ]'
slow_count() {
	_s=$("$SIEMCTL" -s "$SOCK" show status 2>/dev/null |
	    sed -n 's/.*slow_requests[ =:]*\([0-9]*\).*/\1/p' | head -n 1)
	[ "${_s:-0}" -gt "${slow0:-0}" ]
}
check trickle-counted eventually 30 slow_count

# a thousand idle connections; others are still served
cat >"$D/idle.bash" <<'EOT'
ulimit -n 4096
n=0
while [ $n -lt 1000 ]; do
	exec {fd}<>/dev/tcp/127.0.0.1/$1 || break
	n=$((n + 1))
done
echo "$n open" >"$2"
exec sleep 60
EOT
bash "$D/idle.bash" $P_API "$D/idle.count" &
IDLE=$!
i=0
while [ ! -s "$D/idle.count" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check idle-1000-opened [ "$(cat "$D/idle.count" 2>/dev/null)" = "1000 open" ]
get busy "$U/healthz"
check idle-1000-still-served [ "$code" = 200 ]
open=$($C "$U/metrics" | awk '/^siemd_http_connections / { print $2 }')
check idle-1000-accepted [ "${open:-0}" -ge 1000 ]
kill $IDLE 2>/dev/null
wait $IDLE 2>/dev/null

# still all there, nothing trapped
get final "$U/healthz"
check web-alive eval '[ "$code" = 200 ] && kill -0 "$PID"'
check no-sandbox-trap [ -z "$(grep -i 'trap\|sigsys' "$D/log" |
    grep -v 'processes sandboxed')" ]
"$SIEMCTL" -s "$SOCK" show status >"$D/status" 2>&1
check status-counters grep -q '^web .*requests' "$D/status"
stop
check clean-exit [ "$STATUS" = 0 ]

# after a restart a logged out token stays refused, a new one works
start || fail restart "siemd did not start again"
get rme "$U/api/v1/auth/me" -H "Authorization: Bearer $tok"
check restart-revoked-401 [ "$code" = 401 ]
admin_login
get rme2 "$U/api/v1/auth/me" -H "$AUTH"
check restart-new-token-200 [ "$code" = 200 ]
stop
# more revocations than one message holds (20,000, some 1.2 MB): the
# store hands them over in pieces, and the web process serves tokens
# only once the last has come
sqlite3 "$D/db/siem.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL
    SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO revoked SELECT
    printf('%032x', i), CAST(strftime('%s', 'now') AS INTEGER) + 86400
    FROM n"
chown --reference="$D/db" "$D/db"/siem.db*
start || fail restart2 "siemd did not start again"
get rme3 "$U/api/v1/auth/me" -H "Authorization: Bearer $tok"
check restart-long-list-revoked-401 [ "$code" = 401 ]
admin_login
get rme4 "$U/api/v1/auth/me" -H "$AUTH"
check restart-long-list-new-token-200 [ "$code" = 200 ]
get rh "$U/healthz"
check restart-long-list-healthz [ "$code" = 200 ]
stop
check clean-exit-restart [ "$STATUS" = 0 ]
finish
