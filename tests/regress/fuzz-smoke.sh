#!/bin/sh
# Every fuzz driver runs for a few seconds on its seeds: a crash, a
# leak or a sanitizer report found again is a regression.
T=fuzz
FUZZ=${FUZZ:-obj-fuzz}
n=0
for src in tests/fuzz/fuzz-*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	bin="$FUZZ/$name"
	n=$((n + 1))
	if [ ! -x "$bin" ]; then
		echo "SKIP $T/$name: not built (make fuzz needs clang)"
		continue
	fi
	seeds=""
	[ -d "tests/fuzz/seeds/$name" ] && seeds="tests/fuzz/seeds/$name"
	work=$(mktemp -d "${TMPDIR:-/tmp}/siemd-fuzz.XXXXXX")
	if "$bin" -max_total_time=${FUZZ_SECONDS:-10} -rss_limit_mb=1024 \
	    -artifact_prefix="$work/" $work $seeds >"$work/log" 2>&1; then
		echo "PASS $T/$name: $(grep -o 'Done [0-9]* runs' "$work/log")"
	else
		echo "FAIL $T/$name: see below"
		tail -n 30 "$work/log"
	fi
	rm -rf "$work"
done
[ $n -gt 0 ] || echo "SKIP $T: no fuzz drivers"
exit 0
