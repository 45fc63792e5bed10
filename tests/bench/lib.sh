# What the API and alert benchmarks share; sourced after
# tests/regress/lib.sh with O set to the build directory.

BDIR="$O/bench"
mkdir -p "$BDIR"
LOADGEN=$BDIR/loadgen
[ -x "$LOADGEN" ] || cc -O2 -Wall -Wextra -Werror -o "$LOADGEN" \
    tests/bench/loadgen.c || exit 1

# the highest id: from the newest partition (a view over all of them
# would read every row), or the one before when it has just started
newest_id() {
	_p=$(sqlite3 -cmd '.timeout 5000' "$D/db/siem.db" "SELECT file || '|'
	    || first_id FROM partitions ORDER BY seq DESC LIMIT 1" 2>/dev/null)
	[ -n "$_p" ] && sqlite3 -cmd '.timeout 5000' "$D/db/${_p%%|*}" \
	    "SELECT coalesce(max(id), ${_p#*|} - 1) FROM events" 2>/dev/null
}
