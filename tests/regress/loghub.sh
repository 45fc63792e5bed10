#!/bin/sh
# Every loghub log in the corpus goes through a tail: no line lost, and
# for the syslog-shaped ones the ground truth (host, program, pid,
# content) matches what was stored; every sshd "Failed password" line
# of OpenSSH_2k.log yields src_ip and user_id.
T=loghub
. tests/regress/lib.sh
require_root
CORPUS=${SIEMD_CORPUS:-$TOP/../shared/corpus}
if [ ! -d "$CORPUS/loghub" ]; then
	echo "SKIP $T: corpus not found at $CORPUS/loghub"
	exit 0
fi
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
setup
write_conf
mkdir -m 0755 "$D/loghub"
cat >>"$D/siemd.conf" <<EOT
tail "$D/loghub" { match "*.log" format auto start beginning }
EOT
start || { fail start "siemd did not start"; finish; }
# A last line without its newline waits for it, as it would for a
# writer still busy with it; these files are finished, so end them.
for f in "$CORPUS"/loghub/*/*_2k.log; do
	cp "$f" "$D/loghub/"
	[ -z "$(tail -c 1 "$f")" ] || echo >>"$D/loghub/$(basename "$f")"
done

for f in "$D"/loghub/*.log; do
	n=$(basename "$f" .log)
	want=$(wc -l <"$f")
	check "$n/all-lines" wait_sql "SELECT count(*) FROM events WHERE source_file = '$f'" "$want" 300
done

# ground truth, line by line: LineId is the line's rank by offset;
# the CSV drops trailing blanks, the database keeps the bytes as sent
truth() {
	# truth NAME HOSTCOL APPCOL PIDCOL CONTENTCOL
	name=$1
	csv="$CORPUS/loghub/${name%_2k}/${name}.log_structured.csv"
	f="$D/loghub/$name.log"
	sql "DROP TABLE IF EXISTS truth" >/dev/null
	sqlite3 "$D/truth.db" "DROP TABLE IF EXISTS t" \
	    ".import --csv '$csv' t" 2>&1
	sql "ATTACH '$D/truth.db' AS tr;
	    WITH e AS (SELECT row_number() OVER (ORDER BY source_offset) AS line,
	        host, app, pid, message FROM events WHERE source_file = '$f')
	    SELECT count(*) FROM tr.t AS t JOIN e ON e.line = CAST(t.LineId AS INTEGER)
	    WHERE e.host IS NOT t.\"$2\" OR e.app IS NOT t.\"$3\" OR
	        CAST(coalesce(e.pid, '') AS TEXT) != t.\"$4\" OR
	        rtrim(e.message) IS NOT rtrim(t.\"$5\")"
}
bad=$(truth Linux_2k Level Component PID Content)
check "Linux_2k/ground-truth" [ "$bad" = 0 ]
bad=$(truth OpenSSH_2k Component Pid Pid Content)
# OpenSSH's CSV calls the host "Component"; the program is always sshd
bad=$(sql "ATTACH '$D/truth.db' AS tr;
    WITH e AS (SELECT row_number() OVER (ORDER BY source_offset) AS line,
        host, app, pid, message FROM events
        WHERE source_file = '$D/loghub/OpenSSH_2k.log')
    SELECT count(*) FROM tr.t AS t JOIN e ON e.line = CAST(t.LineId AS INTEGER)
    WHERE e.host IS NOT t.Component OR e.app IS NOT 'sshd' OR
        CAST(coalesce(e.pid, '') AS TEXT) != t.Pid OR
        rtrim(e.message) IS NOT rtrim(t.Content)")
check "OpenSSH_2k/ground-truth" [ "$bad" = 0 ]
bad=$(truth Mac_2k User Component PID Content)
check "Mac_2k/ground-truth" [ "$bad" = 0 ]

F="$D/loghub/OpenSSH_2k.log"
failed=$(grep -c 'Failed password' "$F")
got=$(sql "SELECT count(*) FROM events WHERE source_file = '$F' AND message LIKE '%Failed password%' AND src_ip IS NOT NULL AND user_id IS NOT NULL")
echo "Failed password lines: $failed, with src_ip and user_id: $got"
check "OpenSSH_2k/failed-password-fields" [ "$got" = "$failed" ]
stop
finish
