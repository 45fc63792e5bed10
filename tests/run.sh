#!/bin/sh
# Run every test and count the verdicts.  Each test program or script
# prints "PASS name", "FAIL name: why" or "SKIP name: why" lines; a
# program that exits non-zero without a FAIL line counts as one FAIL.
# The last line is "N passed, N failed, N skipped".
#
# Environment: O, SAN (build directories), TESTS (a pattern to run a
# subset, e.g. TESTS=regress/daemon), SIEMD_CORPUS.

top=$(pwd)
O=${O:-obj}
SAN=${SAN:-obj-san}
TESTS=${TESTS:-}
export O SAN top
out=$(mktemp -d "${TMPDIR:-/tmp}/siemd-tests.XXXXXX")
verdicts="$out/verdicts"
: >"$verdicts"

selected() {
	[ -z "$TESTS" ] && return 0
	case "$1" in *$TESTS*) return 0 ;; esac
	return 1
}

# run NAME PREFIX command...: PREFIX is put before each verdict's name
run() {
	name=$1 prefix=$2
	shift 2
	selected "$name" || return 0
	log="$out/$(echo "$name" | tr '/' '_').log"
	start=$(date +%s)
	"$@" >"$log" 2>&1
	status=$?
	secs=$(( $(date +%s) - start ))
	sed -n -e 's#^\(PASS\|FAIL\|SKIP\) \(.*\)$#\1 '"$prefix"'\2#p' \
	    "$log" >"$log.v"
	if [ $status -ne 0 ] && ! grep -q '^FAIL ' "$log.v"; then
		echo "FAIL $name: exit status $status" >>"$log.v"
	fi
	if [ ! -s "$log.v" ]; then
		echo "FAIL $name: printed no verdict" >>"$log.v"
	fi
	cat "$log.v"
	cat "$log.v" >>"$verdicts"
	if grep -q '^FAIL ' "$log.v"; then
		echo "---- output of $name (last 40 lines) ----"
		tail -n 40 "$log"
		echo "----"
	fi
	[ $secs -ge 30 ] && echo "     ($name took ${secs}s)"
	return 0
}

echo "== unit tests"
for t in "$O"/tests/test-*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	run "unit/$n" "unit/" "$t"
done

echo "== unit tests under AddressSanitizer and UBSan"
for t in "$SAN"/tests/test-*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    run "san/$n" "san/" "$t"
done

echo "== configuration tests"
if [ -f tests/conf/run.sh ]; then
	run "conf" "" sh tests/conf/run.sh "$top/$O/siemd"
fi

echo "== regress scenarios"
for s in tests/regress/*.sh; do
	n=$(basename "$s" .sh)
	case "$n" in lib) continue ;; esac
	run "regress/$n" "" sh "$s" "$top/$O"
done

echo "== the process model again with -S trap"
SIEMD_SANDBOX=trap run "trap/daemon" "trap/" sh tests/regress/daemon.sh "$top/$O"

passed=$(grep -c '^PASS ' "$verdicts")
failed=$(grep -c '^FAIL ' "$verdicts")
skipped=$(grep -c '^SKIP ' "$verdicts")
echo
if [ "$failed" -gt 0 ]; then
	echo "failed:"
	grep '^FAIL ' "$verdicts" | sed 's/^/  /'
	echo "logs in $out"
else
	rm -rf "$out"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
