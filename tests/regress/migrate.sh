#!/bin/sh
# Upgrade from a database made before partitions (schema 4: events,
# their indices, FTS5, rollups and tail offsets in the main file).  The
# scenario makes one from a current database, the way an older siemd
# left it, and starts siemd on it: the old events become partition 0
# and read like any other, the tailed file resumes where it was, new
# events continue the ids in a partition file, and retention later
# drops partition 0's tables from the main file.
T=migrate
. tests/regress/lib.sh
require_root
require_tools curl jq sqlite3
setup
PARSERS=1
write_conf
U="https://127.0.0.1:$P_API/api/v1"
C="curl -sk --max-time 20"
F="$D/logs/app.jsonl"
DB="$D/db/siem.db"
main_sql() {
	sqlite3 -cmd '.timeout 5000' "$DB" "$1" 2>&1
}

jsonl 300 0 >"$F"
start || { fail start "siemd did not start"; finish; }
check "stored-300" wait_sql "SELECT count(*) FROM events WHERE source_file = '$F'" 300
stop

# back to schema 4: the partition's tables move into the main file
P="$D/db/$(main_sql "SELECT file FROM partitions ORDER BY seq DESC LIMIT 1")"
ddl=$(sqlite3 "$P" "SELECT sql || ';' FROM sqlite_master WHERE
    (name IN ('events', 'rollup_minute') OR (type = 'index' AND
    tbl_name = 'events')) AND sql IS NOT NULL")
main_sql "$ddl
CREATE VIRTUAL TABLE events_fts USING fts5 (message, http_path,
    content = 'events', content_rowid = 'id');
ATTACH '$P' AS p;
INSERT INTO main.events SELECT * FROM p.events;
INSERT INTO main.rollup_minute SELECT * FROM p.rollup_minute;
INSERT INTO events_fts (events_fts) VALUES ('rebuild');
UPDATE files SET offset = (SELECT offset FROM p.offsets
    WHERE file_id = files.id);
DETACH p;
DROP TABLE partitions;
DELETE FROM schema_version; INSERT INTO schema_version VALUES (4);" >"$D/downgrade.out"
rm -f "$D"/db/siem.p*
check "made-v4" [ "$(main_sql "SELECT max(version) || ' ' || (SELECT count(*) FROM events) FROM schema_version")" = "4 300" ]

jsonl 20 300 >>"$F"
start || { fail start-v5 "siemd did not start on the old database"; finish; }
check "migrated" wait_sql "SELECT max(version) FROM schema_version" 6
check "partition-0" [ "$(main_sql "SELECT seq, file, first_id, last_id FROM partitions WHERE seq = 0")" = "0|siem.db|1|300" ]
check "resumed-no-duplicates" wait_sql "SELECT count(*), count(DISTINCT json_extract(data_json, '\$.seq')) FROM events WHERE source_file = '$F'" "320|320"
check "ids-continue" [ "$(main_sql "SELECT first_id FROM partitions WHERE seq = 1")" = 301 ]
TOKEN=$($C -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" \
    "$U/auth/login" | jq -r '.access_token // empty')
AUTH="Authorization: Bearer $TOKEN"
check "api-counts-both" sh -c "$C -H '$AUTH' '$U/apps' | jq -e '[.data[] | select(.app == \"MoneyControl\") | .count] == [320]' >/dev/null"
check "api-fulltext-old" sh -c "$C -H '$AUTH' '$U/events?q=%22login%20failed%2042%22' | jq -e '.data | length == 1' >/dev/null"
check "api-event-old" sh -c "$C -H '$AUTH' '$U/events/1' | jq -e '.data_json.seq == 0' >/dev/null"
stop

# retention drops partition 0's tables; the main file stays
echo "retention 1s" >>"$D/siemd.conf"
start || { fail start-retention "siemd did not start"; finish; }
check "partition-0-dropped" wait_sql "SELECT count(*) FROM partitions WHERE seq = 0" 0 100
check "tables-dropped" [ "$(main_sql "SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'events_fts', 'rollup_minute')")" = 0 ]
check "alerts-kept" [ "$(main_sql "SELECT count(*) FROM sqlite_master WHERE name = 'alerts'")" = 1 ]
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
