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

# a flood: 200,000 lines at once keep the store busy
jsonl 200000 1000 >"$F.tmp"
mv "$F.tmp" "$F"
check "flood-stored" wait_sql "$Q" 200000 1500
check "flood-no-duplicates" [ "$(sql "SELECT count(DISTINCT json_extract(data_json, '\$.seq')) FROM events WHERE source_file = '$F'")" = 200000 ]
long=$(counter batches_long)
n=$(( $(counter batches) - b0 ))
echo "  flood: $n batches, $long made longer"
check "flood-batches-longer" [ "${long:-0}" -ge 1 ]
check "checkpointer-ran" [ "$(counter checkpoints)" -ge 1 ]
check "checkpointer-never-waited" [ "$(counter checkpoint_waits)" = 0 ]
check "flood-ids-contiguous" [ "$(sql "SELECT max(id) - min(id) + 1 = count(*) FROM events")" = 1 ]
check "flood-queue-drops-0" eventually 30 sources_match "flood.jsonl .*dropped_queue=0"
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
