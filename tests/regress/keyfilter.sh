#!/bin/sh
# Key filters: the partition being written has no index on src_ip,
# user_id or request_id but a filter of their values per 16,384 ids.
# Searches on those fields find exactly what the rows hold, whether a
# value is in a filtered chunk, in the chunk being filled, in a chunk
# filled across a restart, or nowhere; chunks that cannot hold a value
# are skipped (counted); and once the partition is sealed, with the
# indices built, the same searches give the same answers.
T=keyfilter
. tests/regress/lib.sh
require_root
require_tools curl jq sqlite3
setup
write_conf
U="https://127.0.0.1:$P_API/api/v1"
C="curl -sk --max-time 30"
F="$D/logs/keys.jsonl"
Q="SELECT count(*) FROM events WHERE source_file = '$F'"

# lines seq from $2, $1 of them: request ids unique, 50 users, 250
# addresses
lines() {
	awk -v n="$1" -v f="$2" 'BEGIN {
		for (i = f; i < f + n; i++)
			printf("{\"ts\":\"2026-11-03T10:15:02Z\",\"app\":\"MoneyControl\",\"event_type\":\"permission_denied\",\"message\":\"denied %d\",\"request_id\":\"req-%d\",\"user_id\":\"u_%d\",\"ip\":\"198.51.100.%d\",\"seq\":%d}\n", i, i, i % 50, i % 250, i)
	}'
}
# count QUERY: how many events /events returns, 300 a page, following
# the cursor (pages end inside and across the ranges a filter allows)
count() {
	_n=0 _cur= _pages=0
	while [ $_pages -lt 50 ]; do
		# an error answer is no page: "error", not 0 events
		if ! $C -f -H "$AUTH" \
		    "$U/events?limit=300&$1${_cur:+&cursor=$_cur}" \
		    >"$D/page.json" ||
		    ! jq -e '.data | type == "array"' "$D/page.json" \
		    >/dev/null; then
			echo error
			return
		fi
		_n=$((_n + $(jq '.data | length' "$D/page.json")))
		_cur=$(jq -r '.next_cursor // empty' "$D/page.json")
		_pages=$((_pages + 1))
		[ -n "$_cur" ] || break
	done
	echo $_n
}
seqs() {	# seqs QUERY: the seq fields of the answer, sorted
	$C -H "$AUTH" "$U/events?limit=1000&$1" |
	    jq -r '[.data[].data_json.seq] | sort | map(tostring) | join(" ")'
}
qcounter() {	# qcounter NAME: summed over the query processes
	"$SIEMCTL" -s "$SOCK" show status |
	    sed -n "s/^query .*[ ]$1=\([0-9]*\).*/\1/p" |
	    awk '{ s += $1 } END { print s + 0 }'
}
open_file() {
	echo "$D/db/$(sqlite3 -cmd '.timeout 5000' "$D/db/siem.db" \
	    "SELECT file FROM partitions WHERE sealed_at IS NULL")"
}
jqt() { jq -e "$1" "$D/top.json" >/dev/null; }
searches() {	# searches TAG: the same answers, however stored
	check "$1-request-first-chunk" [ "$(seqs request_id=req-5)" = 5 ]
	check "$1-request-across-restart" [ "$(seqs request_id=req-17000)" = 17000 ]
	check "$1-request-after-restart" [ "$(seqs request_id=req-30000)" = 30000 ]
	check "$1-request-tail" [ "$(seqs request_id=req-39999)" = 39999 ]
	check "$1-request-absent" [ "$(seqs request_id=req-40000)" = "" ]
	check "$1-request-two" [ "$(seqs 'request_id=req-5&request_id=req-33333')" = "5 33333" ]
	check "$1-user" [ "$(count user_id=u_7)" = 800 ]
	check "$1-user-and-ip" [ "$(count 'user_id=u_7&src_ip=198.51.100.7')" = 160 ]
	check "$1-ip-cidr" [ "$(count 'src_ip=198.51.100.0/30')" = 640 ]
	check "$1-user-not-there" [ "$(count 'user_id=u_7&src_ip=198.51.100.8')" = 0 ]
	$C -H "$AUTH" "$U/top?field=src_ip&user_id=u_3&limit=100" >"$D/top.json"
	check "$1-top" jqt '.counted == 800 and (.data | length) == 5'
}

start || { fail start "siemd did not start"; finish; }
lines 20000 0 >"$F"
check "first-stored" wait_sql "$Q" 20000 600
P=$(open_file)
check "one-filter" [ "$(sqlite3 "$P" "SELECT count(*) FROM keyfilter")" = 1 ]
check "filter-covers-chunk" [ "$(sqlite3 "$P" "SELECT last_id - first_id + 1 FROM keyfilter")" = 16384 ]
check "no-random-indices" [ "$(sqlite3 "$P" "SELECT count(*) FROM sqlite_master WHERE name IN ('events_src_ip', 'events_user', 'events_request')")" = 0 ]
stop
# the chunk being filled goes on after a restart with what it held
start || { fail restart "siemd did not restart"; finish; }
lines 20000 20000 >>"$F"
check "second-stored" wait_sql "$Q" 40000 600
check "two-filters" [ "$(sqlite3 "$P" "SELECT count(*) FROM keyfilter")" = 2 ]
check "filters-counted" eventually 30 sh -c "'$SIEMCTL' -s '$SOCK' show status | grep -q 'key_filters=1 '"
admin_login
check login [ -n "$TOKEN" ]
s0=$(qcounter key_filter_skipped)
searches open
# a unique request id rules out at least one chunk per search (the
# counters are reported once a second)
skipped() { [ $(( $(qcounter key_filter_skipped) - s0 )) -ge 5 ]; }
check "chunks-skipped" eventually 30 skipped
stop

# a smaller partition size closes this one at the next batch; the
# sealer builds its indices, and the searches find the same
echo "partition rows 30000" >>"$D/siemd.conf"
start || { fail start-small "siemd did not start"; finish; }
admin_login
lines 1 50005 >>"$F"
check "sealed" eventually 100 sh -c "'$SIEMCTL' -s '$SOCK' show status | grep -q 'partitions_sealed=1 '"
check "sealed-recorded" [ "$(sqlite3 -cmd '.timeout 5000' "$D/db/siem.db" "SELECT count(*) FROM partitions WHERE file = '$(basename "$P")' AND sealed_at IS NOT NULL")" = 1 ]
check "sealed-random-indices" [ "$(sqlite3 "$P" "SELECT count(*) FROM sqlite_master WHERE name IN ('events_src_ip', 'events_user', 'events_request')")" = 3 ]
check "sealed-index-used" sh -c "sqlite3 '$P' \"EXPLAIN QUERY PLAN SELECT id FROM events WHERE request_id = 'req-5'\" | grep -q events_request"
s0=$(qcounter key_filter_chunks)
searches sealed
# a sealed partition is searched by its indices, not its filters
sleep 1.5
check "sealed-filters-unused" [ "$(qcounter key_filter_chunks)" = "$s0" ]
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
