#!/bin/sh
# Operating the API: who may scrape /metrics (loopback and "metrics
# from", the forwarded address behind a trusted proxy), what the
# scrape holds (every family typed, histograms well formed, no
# address or user in a label), the aliases under /api/v1, an export
# with a limit, a cursor that outlives a restart, the query timeout,
# and readiness when the store stops committing.
T=metrics
. tests/regress/lib.sh
require_root
require_tools curl jq openssl awk
setup
write_conf

sed -i '/^api {/,/^}/d' "$D/siemd.conf"
cat >>"$D/siemd.conf" <<EOT
api {
	listen on 127.0.0.1 port $P_API tls { certificate "$D/server.crt" key "$D/server.key" }
	htdocs "$TOP/web/htdocs"
	trusted proxy "127.0.0.1"
	trusted proxy "192.0.2.0/24"
	metrics from "198.51.100.0/24"
	query timeout 1s
}
EOT
start || { fail start "siemd did not start"; finish; }
pass start

U="https://127.0.0.1:$P_API"
C="curl -sk --max-time 30"

# get NAME URL [curl args]: headers in $D/NAME.h, body in $D/NAME.b,
# the status in $code
get() {
	_g=$1 _u=$2
	shift 2
	code=$($C -D "$D/$_g.h" -o "$D/$_g.b" -w '%{http_code}' "$@" "$_u")
}
is_problem() {
	grep -qi '^content-type: application/problem+json' "$D/$1.h"
}

jsonl 20 1 >"$D/logs/app.jsonl"
check stored-20 wait_sql "SELECT count(*) FROM events" 20
admin_login
check login [ -n "$TOKEN" ]

# who may scrape
get m1 "$U/metrics"
check metrics-loopback-200 [ "$code" = 200 ]
get m2 "$U/metrics" -H 'X-Forwarded-For: 198.51.100.7'
check metrics-from-forwarded-200 [ "$code" = 200 ]
get m3 "$U/metrics" -H 'X-Forwarded-For: 203.0.113.5'
check metrics-outsider-403 [ "$code" = 403 ]
check metrics-outsider-problem is_problem m3
# a trusted proxy is trusted to forward, not to scrape
get m4 "$U/metrics" -H 'X-Forwarded-For: 192.0.2.5'
check metrics-proxy-itself-403 [ "$code" = 403 ]
get m5 "$U/metrics" -H 'Forwarded: for="198.51.100.9:4711"'
check metrics-from-forwarded-rfc7239-200 [ "$code" = 200 ]

# the same endpoints under the API root
for e in healthz readyz openapi.json metrics; do
	get a "$U/api/v1/$e"
	check "alias-api-v1-$e" [ "$code" = 200 ]
	get b "$U/$e"
	check "alias-root-$e" [ "$code" = 200 ]
done
get a "$U/api/v1/metrics" -H 'X-Forwarded-For: 203.0.113.5'
check alias-metrics-outsider-403 [ "$code" = 403 ]

# some traffic for the histograms, then the scrape
for i in 1 2 3; do
	$C -H "$AUTH" "$U/api/v1/events?limit=2" >/dev/null
	$C -H "$AUTH" "$U/api/v1/events/1" >/dev/null
done
$C "$U/api/v1/events" >/dev/null	# 401, counted too
get scrape "$U/metrics"
S="$D/scrape.b"
check scrape-200 [ "$code" = 200 ]
check scrape-no-untyped [ -z "$(grep '^# TYPE .* untyped$' "$S")" ]
# every sample belongs to a family with a TYPE line (histograms by
# their _bucket, _sum and _count series)
check scrape-every-family-typed [ -z "$(awk '
	/^# TYPE / { type[$3] = $4; next }
	/^#/ { next }
	{
		n = $1; sub(/[{ ].*/, "", n); f = n
		if (!(f in type)) { sub(/_(bucket|sum|count)$/, "", f) }
		if (!(f in type)) print "untyped: " n
		else if (f != n && type[f] != "histogram") print "suffix: " n
	}' "$S")" ]
check scrape-families-once [ -z "$(grep '^# TYPE' "$S" | sort | uniq -d)" ]
check scrape-store-counter grep -q '^# TYPE siemd_store_stored counter$' "$S"
check scrape-queue-gauge grep -q '^# TYPE siemd_parser_queue gauge$' "$S"
check scrape-max-gauge grep -q '^# TYPE siemd_store_max_commit_us gauge$' "$S"
check scrape-http-histogram grep -q \
    '^# TYPE siemd_http_request_duration_seconds histogram$' "$S"
check scrape-route-label grep -q \
    '^siemd_http_request_duration_seconds_count{route="/api/v1/events/{id}"} 3$' "$S"
check scrape-query-histogram grep -q \
    '^siemd_query_duration_seconds_count{kind="events"} [1-9]' "$S"
# buckets grow with le, and +Inf is _count, for every series
check scrape-buckets-cumulative [ -z "$(awk '
	/^#/ { next }
	/_bucket\{/ {
		s = $1; sub(/,?le="[^"]*"/, "", s); sub(/_bucket/, "", s)
		le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
		if (s in last && $2 + 0 < last[s]) print "falls: " $1
		if (s in lastle && le != "+Inf" && le + 0 <= lastle[s]) print "order: " $1
		last[s] = $2 + 0; lastle[s] = le + 0
		if (le == "+Inf") inf[s] = $2
		next
	}
	/_count[{ ]/ {
		s = $1; sub(/_count/, "", s); sub(/\{\}$/, "", s)
		cnt[s] = $2
	}
	END {
		for (s in cnt) if (!(s in inf) || inf[s] != cnt[s])
			print "count: " s
		for (s in inf) if (!(s in cnt)) print "nocount: " s
	}' "$S")" ]
check scrape-has-buckets [ "$(grep -c '_bucket{.*le="+Inf"}' "$S")" -ge 3 ]
# label values: no address, no user name
check scrape-no-address-labels [ -z "$(grep -o '="[^"]*"' "$S" |
    grep -E '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|:[0-9a-f]*:')" ]
check scrape-no-user-labels [ -z "$(grep -o '="[^"]*"' "$S" | grep -i admin)" ]

# export with a limit
check export-limit-3 [ "$($C -H "$AUTH" "$U/api/v1/events/export?limit=3" |
    grep -c .)" = 3 ]
check export-no-limit-all [ "$($C -H "$AUTH" "$U/api/v1/events/export" |
    grep -c .)" = "$(sql "SELECT count(*) FROM events")" ]
check export-limit-csv [ "$($C -H "$AUTH" \
    "$U/api/v1/events/export?limit=2&format=csv" | grep -c .)" = 3 ]
get xb "$U/api/v1/events/export?limit=0" -H "$AUTH"
check export-limit-bad-400 [ "$code" = 400 ]

# a cursor made before a restart pages on after it
get p1 "$U/api/v1/events?limit=5&app=MoneyControl" -H "$AUTH"
CUR=$(jq -r '.next_cursor // empty' "$D/p1.b")
LAST1=$(jq -r '.data[-1].id' "$D/p1.b")
check cursor-page1 [ -n "$CUR" ] && [ "$LAST1" -gt 0 ]
stop
start || { fail restart "siemd did not start again"; finish; }
admin_login
get p2 "$U/api/v1/events?limit=5&app=MoneyControl&cursor=$CUR" -H "$AUTH"
check cursor-after-restart-200 [ "$code" = 200 ]
check cursor-after-restart-continues [ "$(jq -r '.data[0].id' "$D/p2.b")" \
    -lt "$LAST1" ] 2>/dev/null
get p3 "$U/api/v1/events?limit=5&app=other&cursor=$CUR" -H "$AUTH"
check cursor-other-filters-400 [ "$code" = 400 ]

# the query timeout: a search that cannot finish in one second.  A
# substring search (LIKE) compares the value at every offset of every
# message; with messages of 4000 "a" and three values of 1000 "a" and
# a digit, each row costs millions of comparisons, and 2000 rows many
# seconds (a request target holds 4096 bytes: three values at most).
awk 'BEGIN {
	m = sprintf("%4000s", ""); gsub(/ /, "a", m)
	for (i = 0; i < 2000; i++)
		printf("{\"ts\":\"2026-11-03T10:15:02Z\",\"message\":\"%s\",\"seq\":%d}\n", m, i)
}' >>"$D/logs/app.jsonl"
check slow-events-stored wait_sql \
    "SELECT count(*) FROM events WHERE length(message) = 4000" 2000 600
V=$(awk 'BEGIN { v = sprintf("%1000s", ""); gsub(/ /, "a", v); print v }')
SLOW="contains=${V}1&contains=${V}2&contains=${V}3"
T0=$(date +%s)
get slow "$U/api/v1/events?$SLOW" -H "$AUTH"
T1=$(date +%s)
check query-timeout-503 [ "$code" = 503 ]
check query-timeout-problem is_problem slow
check query-timeout-names-budget grep -q '1000 ms (query timeout)' "$D/slow.b"
check query-timeout-soon [ $((T1 - T0)) -le 5 ]

# readiness: the store stops committing while records come in
get r0 "$U/readyz"
check readyz-200 [ "$code" = 200 ]
STORE=$(ps -o pid=,args= --ppid "$PID" | awk '/store/ { print $1 }')
check store-found [ -n "$STORE" ]
kill -STOP "$STORE"
stalled() {
	jsonl 5 900000 >>"$D/logs/app.jsonl"
	get r1 "$U/readyz"
	[ "$code" = 503 ] &&
	    jq -e '.failed | index("ingest_stalled")' "$D/r1.b" >/dev/null
}
check readyz-ingest-stalled-503 eventually 450 stalled
check readyz-stalled-problem is_problem r1
check readyz-stalled-detail grep -q 'ingestion is stalled' "$D/r1.b"
kill -CONT "$STORE"
ready() {
	get r2 "$U/api/v1/readyz"
	[ "$code" = 200 ]
}
check readyz-200-again eventually 150 ready

stop
check clean-exit [ "$STATUS" = 0 ]
finish
