#!/bin/sh
# Partitions: with small partitions the events spread over many files,
# and everything still reads as one database: every event stored once,
# paging through all of them, counts, listings, timelines and facets
# summed over the partitions; kill -9 while partitions change loses and
# repeats nothing; retention by size and by age removes whole
# partitions, oldest first, and counts what it removed.
T=store
. tests/regress/lib.sh
require_root
require_tools curl jq sqlite3
setup
PARSERS=2
write_conf
echo "partition rows 100" >>"$D/siemd.conf"
U="https://127.0.0.1:$P_API/api/v1"
C="curl -sk --max-time 20"
F="$D/logs/app.jsonl"
Q="SELECT count(*) FROM events WHERE source_file = '$F'"
QD="SELECT count(*) - count(DISTINCT json_extract(data_json, '\$.seq')) FROM events WHERE source_file = '$F'"
PARTS="SELECT count(*) FROM partitions"

get() {
	_n=$1 _p=$2
	shift 2
	code=$($C -o "$D/$_n.b" -w '%{http_code}' -H "$AUTH" "$@" "$U$_p")
}
jqb() {
	jq -e "$2" "$D/$1.b" >/dev/null 2>&1
}
main_sql() {
	sqlite3 -cmd '.timeout 5000' "$D/db/siem.db" "$1" 2>&1
}

jsonl 550 0 >"$F"
start || { fail start "siemd did not start"; finish; }
check "all-550" wait_sql "$Q" 550 300
check "no-duplicates" [ "$(sql "$QD")" = 0 ]
n=$(main_sql "$PARTS")
check "six-partitions" [ "$n" -ge 6 ]
# each partition is its rows and, beside them, their full-text index
parts() { ls "$D"/db/siem.p*.db | grep -vc '\.fts\.db$'; }
check "partition-files" [ "$(parts)" = "$n" ]
check "partition-index-files" [ "$(ls "$D"/db/siem.p*.fts.db | wc -l)" = "$n" ]
check "closed-index-complete" [ "$(sqlite3 "$D/db/siem.p000002.fts.db" "SELECT last_id FROM fts_done")" = "$(main_sql "SELECT last_id FROM partitions WHERE seq = 2")" ]
check "closed-index-searchable" [ "$(sqlite3 "$D/db/siem.p000002.fts.db" "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'failed'")" -ge 1 ]
# a partition left by the writer is sealed by a thread beside it: its
# row says so once the thread is done (polled every second)
check "closed-have-bounds" eventually 50 eval '[ "$(main_sql "SELECT count(*) FROM partitions WHERE sealed_at IS NOT NULL AND last_id - first_id + 1 = 100")" -ge 5 ]'
check "one-open" eventually 50 eval '[ "$(main_sql "SELECT count(*) FROM partitions WHERE sealed_at IS NULL")" = 1 ]'
# sealing built the indices the writer leaves out (src_ip, user_id,
# request_id); the partition being written has its key filters' table
indices() { sqlite3 "$1" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE name IN ('events_src_ip', 'events_user', 'events_request', 'keyfilter') ORDER BY name)"; }
check "closed-random-indices" [ "$(indices "$D/db/siem.p000002.db")" = "events_request events_src_ip events_user keyfilter" ]
open_file=$(main_sql "SELECT file FROM partitions WHERE sealed_at IS NULL")
check "open-no-random-indices" [ "$(indices "$D/db/$open_file")" = "keyfilter" ]
# and the bounds of their event times, as their events say
tsb=$(sqlite3 "$D/db/siem.p000002.db" "SELECT min(ts) || ' ' || max(ts) FROM events")
check "closed-have-time-bounds" [ "$(main_sql "SELECT min_ts || ' ' || max_ts FROM partitions WHERE seq = 2")" = "$tsb" ]
check "open-no-time-bounds" [ "$(main_sql "SELECT count(*) FROM partitions WHERE sealed_at IS NULL AND min_ts IS NULL")" = 1 ]
check "ids-contiguous" [ "$(main_sql "SELECT count(*) FROM partitions a JOIN partitions b ON b.seq = a.seq + 1 WHERE b.first_id != a.last_id + 1")" = 0 ]
# (a reader that had it open when it closed delays the switch a little)
check "closed-rollback-journal" eventually 50 eval '[ "$(sqlite3 "$D/db/siem.p000001.db" "PRAGMA journal_mode")" = delete ]'
check "closed-index-rollback-journal" eventually 50 eval '[ "$(sqlite3 "$D/db/siem.p000001.fts.db" "PRAGMA journal_mode")" = delete ]'

admin_login
check login [ -n "$TOKEN" ]

# paging newest first, 37 at a time: every event once
: >"$D/ids"
cursor=""
pages=0
while [ $pages -lt 40 ]; do
	get page "/events?limit=37&app=MoneyControl${cursor:+&cursor=$cursor}"
	[ "$code" = 200 ] || break
	jq -r '.data[].data_json.seq' "$D/page.b" >>"$D/ids"
	cursor=$(jq -r '.next_cursor // empty' "$D/page.b")
	pages=$((pages + 1))
	[ -n "$cursor" ] || break
done
check "paging-all" [ "$(wc -l <"$D/ids")" = 550 ]
check "paging-once" [ "$(sort -u "$D/ids" | wc -l)" = 550 ]
check "paging-newest-first" [ "$(head -n 1 "$D/ids")" = 549 ]
check "paging-pages" [ "$pages" = 15 ]
# an export, newest first like a search
curl -sk --max-time 60 -H "$AUTH" "$U/events/export?format=jsonl&app=MoneyControl" >"$D/export.jsonl"
check "export-order" [ "$(jq -r '.data_json.seq' "$D/export.jsonl" | tr '\n' ' ' | cut -d' ' -f1-5)" = "549 548 547 546 545" ]
check "export-all" [ "$(wc -l <"$D/export.jsonl")" = 550 ]

# filters and full text across partitions
get ip "/events?src_ip=203.0.113.7&limit=1000"
check "filter-across" jqb ip '(.data | length) == 3'
get fts "/events?q=%22login%20failed%20512%22"
check "fulltext-across" jqb fts '(.data | length) == 1 and .data[0].data_json.seq == 512'
first=$(sql "SELECT min(id) FROM events")
get one "/events/$first"
check "event-by-id-first-partition" jqb one '.data_json.seq == 0'

# aggregates summed over the partitions
get stats /stats
# every event counted: 550 lines and the log-ins (events too)
check "stats-total" jqb stats '.total - ([.top_apps[] | select(.app == "siemd") | .count] | add // 0) == 550'
get apps /apps
check "apps-count" jqb apps '[.data[] | select(.app == "MoneyControl") | .count] == [550]'
get types /event-types
check "types-count" jqb types '[.data[] | select(.event_type == "auth_oauth_google_login_failed") | .count] == [550]'
get tl "/timeline?from=2026-11-03T10:00:00Z&to=2026-11-03T11:00:00Z&bucket=3600"
check "timeline-total" jqb tl '([.data[].total] | add) == 550'
get top "/top?field=src_ip&limit=3&app=MoneyControl&from=2026-11-03T10:00:00Z"
check "top-counted" jqb top '.counted == 550'
check "top-values" jqb top '.data[0].count == 3 and .data[0].value == "203.0.113.0"'
get typesapp "/event-types?app=MoneyControl"
check "types-of-app-count" jqb typesapp '[.data[] | select(.event_type == "auth_oauth_google_login_failed") | .count] == [550]'
# listings come from the per-value counts kept with the events
check "rollup-value-rows" [ "$(sqlite3 "$D/db/siem.p000001.db" "SELECT sum(count) FROM rollup_value WHERE field = 1 AND value = 'MoneyControl'")" = 100 ]
check "rollup-type-by-app" [ "$(sqlite3 "$D/db/siem.p000001.db" "SELECT sum(count) FROM rollup_value WHERE field = 2 AND value2 = 'MoneyControl'")" = 100 ]
hosted=$(sql "SELECT count(*) FROM events WHERE host IS NOT NULL")
get hosts /hosts
check "hosts-sum" jqb hosts "([.data[].count] | add // 0) == $hosted"
# the same listing twice: closed partitions answer from what is kept
get apps2 /apps
check "apps-again" jqb apps2 '[.data[] | select(.app == "MoneyControl") | .count] == [550]'

# kill -9 in the middle of a file that spans many partitions
B="$D/logs/big.jsonl"
QB="SELECT count(*) FROM events WHERE source_file = '$B'"
jsonl 5000 10000 >"$B"
i=0
while [ $i -lt 300 ]; do
	n=$(main_sql "SELECT count(*) FROM partitions")
	[ "${n:-0}" -gt 12 ] && break
	sleep 0.1
	i=$((i + 1))
done
kids=$(children "$PID")
kill -KILL "$PID" $kids
wait "$PID" 2>/dev/null
PID=""
rm -f "$SOCK"
start || { fail restart-after-kill "siemd did not restart"; finish; }
# the view in sql() sees the newest nine partitions: count by API
admin_login
check "kill9-all-lines" eventually 600 sh -c "$C -H '$AUTH' '$U/apps' | jq -e '[.data[] | select(.app == \"MoneyControl\") | .count] == [5550]' >/dev/null"
check "kill9-no-duplicates" [ "$(curl -sk --max-time 60 -H "$AUTH" "$U/events/export?format=jsonl&app=MoneyControl" | jq -r '.data_json.seq' | sort | uniq -d | wc -l)" = 0 ]
stop

# retention by size: the oldest partitions go, whole, until the rest
# fits; the partition being written is closed early when it alone is
# more than a quarter of the limit
echo "retention size 400K" >>"$D/siemd.conf"
before=$(main_sql "$PARTS")
start || { fail start-size "siemd did not start"; finish; }
check "size-removes-partitions" eventually 100 sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$D/db/siem.db' '$PARTS') -lt $before ]"
within() {
	[ "$(du -cb "$D"/db/siem.p*.db | tail -n 1 | cut -f1)" -le $((400 * 1024 + 200 * 1024)) ]
}
check "size-within-limit" eventually 100 within
# a step of retention deletes the row, then unlinks the file; a roll
# creates the file, then adds the row: compare once both are done
files_listed() {
	[ "$(parts)" = "$(main_sql "$PARTS")" ]
}
check "size-files-unlinked" eventually 100 files_listed
check "size-oldest-first" [ "$(main_sql "SELECT min(seq) > 1 FROM partitions")" = 1 ]
check "size-counted" eventually 30 sh -c "'$SIEMCTL' -s '$SOCK' show status | grep -q 'partitions_removed=[1-9]'"
stop

# retention by age: partitions every second, kept for four
sed -i '/^retention size/d; /^partition rows/d' "$D/siemd.conf"
printf 'retention 4s\npartition every 1s\n' >>"$D/siemd.conf"
start || { fail start-age "siemd did not start"; finish; }
A="$D/logs/age.jsonl"
jsonl 50 900000 >"$A"
check "age-stored" wait_sql "SELECT count(*) FROM events WHERE source_file = '$A'" 50 300
sleep 6
jsonl 10 950000 >>"$A"
check "age-newer-stored" wait_sql "SELECT count(*) FROM events WHERE json_extract(data_json, '\$.seq') >= 950000" 10 300
check "age-old-removed" wait_sql "SELECT count(*) FROM events WHERE json_extract(data_json, '\$.seq') BETWEEN 900000 AND 900049" 0 100
check "age-only-newer-left" wait_sql "SELECT count(*) FROM events" 10 100
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
