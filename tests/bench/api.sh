#!/bin/sh
# API latency: with a database of BENCH_API_ROWS events (default
# 500,000) and ingest running at BENCH_API_RATE events/s (default
# 2,000), time filtered first pages, deep cursor pages, full-text
# searches, 24 h timelines and top-10 facets (p50/p95/p99 over
# BENCH_API_N requests each), then /events requests per second at 16
# concurrent clients with wrk when it is installed.  Figures, not
# pass/fail; run as root: sh tests/bench/api.sh [OBJDIR]
# (BENCH_PART_ROWS sets "partition rows"; BENCH_API_DB reuses the
# database directory an earlier run left, e.g. make bench with KEEP=1)
T=benchapi
O=${1:-obj}
. tests/regress/lib.sh "$(pwd)/$O"
require_root
ROWS=${BENCH_API_ROWS:-500000}
RATE=${BENCH_API_RATE:-2000}
N=${BENCH_API_N:-50}
. tests/bench/lib.sh
setup
# BENCH_API_DB: the database directory of an earlier run (make bench
# with KEEP=1 leaves it), moved here instead of filling one anew
if [ -n "${BENCH_API_DB:-}" ]; then
	rm -rf "$D/db"
	mv "$BENCH_API_DB" "$D/db" || exit 1
fi
write_conf
# wrk must measure answers, not the per-token rate limit's 429s
sed -i "/^	htdocs/a\\	rate limit 1000000" "$D/siemd.conf"
# BENCH_PART_ROWS: smaller partitions, to see what many of them cost
[ -n "${BENCH_PART_ROWS:-}" ] &&
    echo "partition rows $BENCH_PART_ROWS" >>"$D/siemd.conf"
start || exit 1
U="https://127.0.0.1:$P_API/api/v1"
TOKEN=$(curl -sk "$U/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
# committed events/s over SECONDS, from the ids
ingest_rate() {
	_a=$(newest_id)
	_t0=$(date +%s.%N)
	sleep "$1"
	_b=$(newest_id)
	_t1=$(date +%s.%N)
	awk -v a="${_a:-0}" -v b="${_b:-0}" -v t0="$_t0" -v t1="$_t1" \
	    'BEGIN { printf("%.0f", (b - a) / (t1 - t0)) }'
}
have=$(newest_id)
if [ "${have:-0}" -lt "$ROWS" ]; then
	echo "api bench: filling the database with $((ROWS - ${have:-0})) events"
	"$LOADGEN" -t tcp-octet -h 127.0.0.1 -p "$P_SYSLOG" \
	    -n $((ROWS - ${have:-0})) -m all >/dev/null
fi
i=0
while [ $i -lt 1800 ]; do
	n=$(newest_id)
	[ "${n:-0}" -ge "$ROWS" ] && break
	sleep 1
	i=$((i + 1))
done
echo "api bench: $(newest_id) events stored"
# ingest keeps running while the API is measured
"$LOADGEN" -t tcp-octet -h 127.0.0.1 -p "$P_SYSLOG" -r "$RATE" -d 600 \
    -m all >/dev/null 2>&1 &
LG=$!
trap 'kill $LG 2>/dev/null; cleanup' EXIT INT TERM

# ingest alone first: what the queries may not slow by more than 10%
sleep 3
ALONE=$(ingest_rate 10)
echo "api bench: ingest alone commits $ALONE events/s"

# timeit NAME PATH: N requests, prints p50 p95 p99 in ms
timeit() {
	_name=$1
	_path=$2
	_j=0
	: >"$D/t.$_name"
	while [ $_j -lt "$N" ]; do
		curl -sk -o /dev/null -w '%{time_total}\n' \
		    -H "Authorization: Bearer $TOKEN" "$U$_path" >>"$D/t.$_name"
		_j=$((_j + 1))
	done
	sort -n "$D/t.$_name" | awk -v name="$_name" '{ v[NR] = $1 * 1000 }
	    END { printf("%-22s p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms\n",
	    name, v[int(NR * 0.50) + 0 > 0 ? int(NR * 0.50) : 1],
	    v[int(NR * 0.95) > 0 ? int(NR * 0.95) : 1],
	    v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1]) }'
}

# a deep page: follow the cursor 20 pages in
cur=""
k=0
while [ $k -lt 20 ]; do
	cur=$(curl -sk -H "Authorization: Bearer $TOKEN" \
	    "$U/events?app=sshd&limit=200${cur:+&cursor=$cur}" |
	    jq -r '.next_cursor // empty')
	[ -n "$cur" ] || break
	k=$((k + 1))
done

Q0=$(newest_id)
QT0=$(date +%s.%N)
{
echo "API latency, $(newest_id) events, ingest at $RATE/s"
timeit "first-page-filtered" "/events?app=sshd&event_type=login_failure&limit=200"
[ -n "$cur" ] && timeit "deep-cursor-page" "/events?app=sshd&limit=200&cursor=$cur"
timeit "full-text" "/events?q=%22Failed%20password%22&limit=200"
timeit "timeline-24h" "/timeline?from=-24h&to=now&bucket=1h"
timeit "top-10-src-ip" "/top?field=src_ip&limit=10"
# one request id of the newest events: the open partition answers from
# its key filters, the sealed ones from their indices
rid=$(curl -sk -H "Authorization: Bearer $TOKEN" "$U/events?limit=200" |
    jq -r '[.data[].request_id | select(. != null)][0] // empty')
[ -n "$rid" ] && timeit "request-id" "/events?request_id=$rid&limit=200"
# listings over every partition: closed ones answer from memory
timeit "hosts" "/hosts"
timeit "apps" "/apps"
timeit "stats" "/stats"
if command -v wrk >/dev/null; then
	echo "wrk, 16 connections, 15 s, /events?app=sshd&limit=50:"
	wrk -t2 -c16 -d15s -H "Authorization: Bearer $TOKEN" \
	    "$U/events?app=sshd&limit=50" |
	    grep -E "Requests/sec|Latency|requests in|Non-2xx"
else
	echo "wrk not installed: no requests/s figure (apt-get install wrk)"
fi
Q1=$(newest_id)
QT1=$(date +%s.%N)
awk -v a="${Q0:-0}" -v b="${Q1:-0}" -v t0="$QT0" -v t1="$QT1" \
    -v alone="${ALONE:-0}" 'BEGIN { r = (b - a) / (t1 - t0);
    printf("ingest while the queries ran: %.0f events/s committed, %s alone",
    r, alone); if (alone > 0) printf(" (%+.1f%%)", 100 * (r - alone) / alone);
    printf("\n") }'
echo "targets: p95 under 50 ms for pages, under 200 ms for full-text and timelines,"
echo "ingest no more than 10% slower while queries run"
} | tee "$BDIR/api-results.txt"
kill $LG 2>/dev/null
stop
