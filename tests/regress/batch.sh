#!/bin/sh
# The store under a flood: batches grow while the store is the
# bottleneck and stay short otherwise; the checkpointer thread copies
# the WAL under the seccomp filter; nothing is lost or stored twice.
T=batch
. tests/regress/lib.sh
require_root
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
setup
write_conf
start || { fail start "siemd did not start"; finish; }
F="$D/logs/flood.jsonl"
Q="SELECT count(*) FROM events WHERE source_file = '$F'"
U="https://127.0.0.1:$P_API/api/v1"
counter() {	# counter NAME: the store's counter of that name
	"$SIEMCTL" -s "$SOCK" show status |
	    sed -n "s/^store .*[ ]$1=\([0-9]*\).*/\1/p"
}

# a trickle: every batch ends by its timer, none is made longer
i=0
while [ $i -lt 20 ]; do
	jsonl 1 $i >>"$D/logs/trickle.jsonl"
	sleep 0.1
	i=$((i + 1))
done
check "trickle-stored" wait_sql "SELECT count(*) FROM events WHERE source_file LIKE '%trickle.jsonl'" 20
check "trickle-batches-short" [ "$(counter batches_long)" = 0 ]
b0=$(counter batches)
s0=$(counter stored)
wait_counter() {	# wait_counter NAME AT-LEAST TRIES (no reader on the files)
	_i=0
	while [ $_i -lt "$3" ]; do
		[ "$(counter "$1")" -ge "$2" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "store counter $1: $(counter "$1"), wanted $2"
	return 1
}

# a flood: 600,000 lines at once keep the store busy and fill more
# than the 256 MB of WAL after which the checkpointer restarts it (the
# open partition has no indices on random values: 400,000 lines filled
# it about once)
jsonl 600000 1000 >"$F.tmp"
mv "$F.tmp" "$F"
# waited for by the store's count: a reader of the files polling the
# rows would now and then be in the way of the WAL's restart
check "flood-counted" wait_counter stored $((s0 + 600000)) 3000
check "flood-stored" wait_sql "$Q" 600000 100
check "flood-no-duplicates" [ "$(sql "SELECT count(DISTINCT json_extract(data_json, '\$.seq')) FROM events WHERE source_file = '$F'")" = 600000 ]
long=$(counter batches_long)
n=$(( $(counter batches) - b0 ))
echo "  flood: $n batches, $long made longer"
check "flood-batches-longer" [ "${long:-0}" -ge 1 ]
check "checkpointer-ran" [ "$(counter checkpoints)" -ge 1 ]
# the index thread did the full-text work and the writer timed its own
check "index-thread-ran" [ "$(counter fts_rows_ms)" -ge 1 ]
check "writer-timed" [ "$(counter insert_ms)" -ge 1 ]
echo "  wal_restarts=$(counter wal_restarts) lock_waits=$(counter lock_waits) lock_wait_ms=$(counter lock_wait_ms) fts_wait_ms=$(counter fts_wait_ms)"
# 600,000 rows are more pages than the mark: the WAL started over
check "wal-restarted" [ "$(counter wal_restarts)" -ge 1 ]

# it opens the partition by the name the writer's connection gives
check "checkpointer-no-errors" [ "$(counter checkpoint_errors)" = 0 ]
check "flood-ids-contiguous" [ "$(sql "SELECT max(id) - min(id) + 1 = count(*) FROM events")" = 1 ]
check "flood-queue-drops-0" eventually 30 sources_match "flood.jsonl .*dropped_queue=0"
stop
check "stop-status-0" [ "$STATUS" = 0 ]

# the full-text index of the open partition is a file of its own: lost,
# it is made again from the rows when the store opens the partition
P=$(sqlite3 "$D/db/siem.db" "SELECT file FROM partitions WHERE sealed_at IS NULL")
rows=$(sqlite3 "$D/db/$P" "SELECT count(*) FROM events")
FI="$D/db/${P%.db}.fts.db"
check "index-beside-partition" [ -f "$FI" ]
check "index-holds-every-row" [ "$(sqlite3 "$FI" "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'google'")" = "$rows" ]
rm -f "$FI" "$FI-wal" "$FI-shm"
start || { fail restart "siemd did not restart"; finish; }
check "index-rebuilt-logged" eventually 50 grep -q "events indexed that the full-text index lacked" "$D/log"
check "index-rebuilt-whole" [ "$(sqlite3 -cmd '.timeout 5000' "$FI" "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'google'")" = "$rows" ]
admin_login
check "search-after-rebuild" eventually 50 sh -c "curl -sk -H '$AUTH' '$U/events?q=%22login+failed+150000%22' | jq -e '.data | length == 1' >/dev/null"
stop

# a crash between the index's commit and the rows' leaves the index
# ahead: those ids are never given to other events
last=$(sqlite3 "$D/db/$P" "SELECT max(id) FROM events")
sqlite3 "$FI" "UPDATE fts_done SET last_id = $((last + 5))"
start || { fail restart2 "siemd did not restart"; finish; }
jsonl 1 900000 >>"$D/logs/trickle.jsonl"
check "after-index-ahead-stored" wait_sql "SELECT count(*) FROM events WHERE json_extract(data_json, '\$.seq') = 900000" 1
check "ids-past-the-index" [ "$(sql "SELECT id FROM events WHERE json_extract(data_json, '\$.seq') = 900000")" = $((last + 6)) ]
stop
finish
