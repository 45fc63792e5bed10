#!/bin/sh
# Alert latency: with the shipped rules loaded and ingest running at
# BENCH_ALERT_RATE events/s (default 20,000) of mixed traffic over TCP
# (which itself raises alerts: scanners, brute force, exports), a
# MoneyControl export from a new address is appended to a tailed file
# every half second, BENCH_ALERT_N times (default 40).  Each raises a
# new high alert; its latency is the alert's created_at minus the
# event's received_at, both read back from the database (µs), so the
# poller's timing does not enter.  Also prints the committed ingest
# rate, how many alerts the traffic raised and updated, and how many
# reports correlate merged.  Figures, not pass/fail; run as root:
# sh tests/bench/alerts.sh [OBJDIR]
T=benchalerts
O=${1:-obj}
. tests/regress/lib.sh "$(pwd)/$O"
require_root
RATE=${BENCH_ALERT_RATE:-20000}
N=${BENCH_ALERT_N:-40}
. tests/bench/lib.sh
command -v sqlite3 >/dev/null || { echo "alert bench: sqlite3 missing"; exit 0; }
setup
write_conf
cp -R "$TOP/etc/rules" "$D/rules"
echo "rules \"$D/rules\"" >>"$D/siemd.conf"
start || exit 1
"$LOADGEN" -t tcp-octet -h 127.0.0.1 -p "$P_SYSLOG" -r "$RATE" \
    -d $((N / 2 + 30)) -m all >/dev/null 2>&1 &
LG=$!
trap 'kill $LG 2>/dev/null; cleanup' EXIT INT TERM
sleep 5
a=$(newest_id)
t0=$(date +%s.%N)
mkdir -p "$D/logs"
k=1
while [ $k -le "$N" ]; do
	printf '{"ts":"%s","app":"MoneyControl","event_type":"audit_transactions_exported","user_id":"bench_%d","src_ip":"198.18.%d.%d","message":"export %d"}\n' \
	    "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$k" $((k / 250)) $((k % 250 + 1)) "$k" \
	    >>"$D/logs/latency.jsonl"
	sleep 0.5
	k=$((k + 1))
done
b=$(newest_id)
t1=$(date +%s.%N)
# the last alerts: give them up to 10 s to be stored
i=0
Q="SELECT count(*) FROM alerts WHERE group_key LIKE 'src_ip=198.18.%'"
while [ $i -lt 100 ] && [ "$(sql "$Q")" -lt "$N" ]; do
	sleep 0.1
	i=$((i + 1))
done
# created_at - received_at of the one event each alert names, in ms
sql "SELECT (a.created_at - e.received_at) / 1000.0 FROM alerts a
    JOIN events e ON e.id = json_extract(a.event_ids, '\$[0]')
    WHERE a.group_key LIKE 'src_ip=198.18.%' ORDER BY 1" >"$D/lat"
status=$("$SIEMCTL" -s "$SOCK" show status)
kill $LG 2>/dev/null
{
echo "Alert latency, shipped rules, mixed TCP traffic at $RATE events/s"
awk -v a="${a:-0}" -v b="${b:-0}" -v t0="$t0" -v t1="$t1" \
    'BEGIN { printf("ingest committed %.0f events/s meanwhile\n",
    (b - a) / (t1 - t0)) }'
sort -n "$D/lat" | awk -v n="$N" '{ v[NR] = $1 }
    END {
	if (NR == 0) { print "no alert was stored"; exit }
	p50 = int(NR * 0.5); if (p50 < 1) p50 = 1
	p95 = int(NR * 0.95); if (p95 < 1) p95 = 1
	printf("receipt to stored alert (%d of %d alerts): ", NR, n)
	printf("p50 %.0f ms, p95 %.0f ms, max %.0f ms\n", v[p50], v[p95], v[NR])
    }'
echo "$status" | sed -n 's/^store .*alerts_created=\([0-9]*\).*alerts_updated=\([0-9]*\).*alert_batches=\([0-9]*\).*/alerts created \1, updated \2, in \3 transactions/p'
echo "$status" | sed -n 's/^correlate .*matches=\([0-9]*\).*alerts=\([0-9]*\).*alert_msgs=\([0-9]*\).*alerts_merged=\([0-9]*\).*/rule hits \1, alert reports \2 in \3 messages, \4 merged in correlate/p'
echo "target: under 1 s from receipt to stored alert at 20,000 events/s"
} | tee "$BDIR/alerts-results.txt"
stop
