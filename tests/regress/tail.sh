#!/bin/sh
# Tailed files end up in the database exactly once: append, restart,
# append, partial line, rotation, truncation, a file deleted while it is
# read, and kill -9 of the whole daemon in the middle of a large file.
T=tail
. tests/regress/lib.sh
require_root
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
setup
PARSERS=2
write_conf
F="$D/logs/app.jsonl"
Q="SELECT count(*) FROM events WHERE source_file = '$F'"
QD="SELECT count(*) - count(DISTINCT json_extract(data_json, '\$.seq')) FROM events WHERE source_file = '$F'"

jsonl 100 0 >"$F"
start || { fail start "siemd did not start"; finish; }
check "initial-100" wait_sql "$Q" 100
check "fields" [ "$(sql "SELECT app, event_type, level, user_id, src_ip, http_method, http_path, http_status, latency_ms, request_id FROM events WHERE source_file = '$F' AND message = 'Google OAuth login failed 7'")" = "MoneyControl|auth_oauth_google_login_failed|WARNING|u_7|203.0.113.7|POST|/api/auth/google|401|87.0|req-7" ]
check "source-type-file" [ "$(sql "SELECT DISTINCT source_type FROM events WHERE source_file = '$F'")" = file ]

jsonl 50 100 >>"$F"
check "append-150" wait_sql "$Q" 150

stop
check "stop-status-0" [ "$STATUS" = 0 ]
jsonl 30 150 >>"$F"
start || { fail restart "siemd did not restart"; finish; }
check "restart-append-180" wait_sql "$Q" 180
check "restart-no-duplicates" [ "$(sql "$QD")" = 0 ]

# a partial last line waits for its newline
printf '{"message":"partial line","seq":100000' >>"$F"
sleep 3
check "partial-waits" [ "$(sql "$Q")" = 180 ]
printf ',"app":"MoneyControl"}\n' >>"$F"
check "partial-completed" wait_sql "$Q" 181
check "partial-stored-whole" [ "$(sql "SELECT count(*) FROM events WHERE message = 'partial line'")" = 1 ]

# bad input in a file: invalid JSON and a 10 MB line are stored (as a
# parse error, and truncated), the next good line still arrives
printf '{"message": "broken json", "seq": \n' >>"$F"
head -c 10485760 /dev/zero | tr '\0' 'x' >>"$F"
echo >>"$F"
jsonl 1 700000 >>"$F"
check "invalid-json-stored" wait_sql "SELECT count(*) FROM events WHERE event_type = 'parse_error' AND raw LIKE '%broken json%'" 1
check "invalid-json-reason" [ "$(sql "SELECT json_extract(data_json, '\$.parse_error') IS NOT NULL FROM events WHERE raw LIKE '%broken json%'")" = 1 ]
check "huge-line-then-good" wait_sql "SELECT count(*) FROM events WHERE json_extract(data_json, '\$.seq') = 700000" 1
check "huge-line-stored-truncated" [ "$(sql "SELECT count(*) FROM events WHERE source_file = '$F' AND length(raw) >= 60000 AND length(raw) <= 70000 AND data_json LIKE '%truncated%'")" = 1 ]
check "huge-line-counted" eventually 50 sources_match "dropped_oversize=[1-9]"
check "parse-error-counted" eventually 50 sources_match "file .*app.jsonl.*parse_errors=[1-9]"
base=$(sql "$Q")

# rotation: the old file is drained, the new one read from the start
mv "$F" "$F.1"
jsonl 5 200000 >>"$F.1"
jsonl 10 300000 >"$F"
check "rotation-new-file" wait_sql "$Q" $((base - 181 + 196))
check "rotation-old-drained" wait_sql "SELECT count(*) FROM events WHERE json_extract(data_json, '\$.seq') BETWEEN 200000 AND 200004" 5

# truncation: read again from offset 0
sleep 1
: >"$F"
jsonl 3 400000 >>"$F"
check "truncation" wait_sql "SELECT count(*) FROM events WHERE json_extract(data_json, '\$.seq') BETWEEN 400000 AND 400002" 3

# a file deleted while it is read: what was in it is stored
G="$D/logs/sub/dir/gone.jsonl"
mkdir -p "$D/logs/sub/dir"
jsonl 20 500000 >"$G"
check "subdir-file" wait_sql "SELECT count(*) FROM events WHERE source_file = '$G'" 20
jsonl 7 600000 >>"$G"
rm -f "$G"
sleep 4
n=$(sql "SELECT count(*) FROM events WHERE source_file = '$G'")
check "deleted-file-no-loss-of-read-lines" [ "$n" -ge 20 ] && [ "$n" -le 27 ]
check "not-matching-ignored" [ "$(sql "SELECT count(*) FROM events WHERE source_file LIKE '%.jsonl.1'")" = 0 ]

# kill -9 of every process in the middle of a large file
B="$D/logs/big.jsonl"
QB="SELECT count(*) FROM events WHERE source_file = '$B'"
QBD="SELECT count(*) - count(DISTINCT json_extract(data_json, '\$.seq')) FROM events WHERE source_file = '$B'"
jsonl 200000 0 >"$B"
i=0
while [ $i -lt 300 ]; do
	n=$(sql "$QB")
	[ "${n:-0}" -gt 1000 ] && break
	sleep 0.1
	i=$((i + 1))
done
kids=$(children "$PID")
kill -KILL "$PID" $kids
wait "$PID" 2>/dev/null
PID=""
mid=$(sql "$QB")
echo "killed with $mid of 200000 lines stored"
check "kill9-mid-file" [ "${mid:-0}" -lt 200000 ]
rm -f "$SOCK"
start || { fail restart-after-kill "siemd did not restart"; finish; }
check "kill9-all-lines" wait_sql "$QB" 200000 600
check "kill9-no-duplicates" [ "$(sql "$QBD")" = 0 ]
stop
finish
