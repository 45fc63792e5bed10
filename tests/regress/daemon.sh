#!/bin/sh
# The process model: every process runs sandboxed under its own user,
# siemctl sees them all, SIGHUP with a broken file changes nothing,
# SIGTERM stops everything within five seconds, and a child that dies
# takes the daemon down.
T=daemon
. tests/regress/lib.sh
require_root
setup
PARSERS=2
write_conf
start -v || { fail start "siemd did not start"; finish; }
pass start

# every child got the same flags: each reports its seccomp mode
for want in ingest parser store query correlate web notify; do
	check "mode-$SANDBOX/$want" grep -q "sandbox_enter: $want.*seccomp $SANDBOX" "$D/log"
done

# every configured process, by title
expect="ingest parser[0] parser[1] store query[0] query[1] correlate web notify"
kids=$(children "$PID")
titles=""
for k in $kids; do
	titles="$titles $(tr '\0' ' ' </proc/$k/cmdline | sed 's/^siemd: //; s/ *$//')"
done
for want in $expect; do
	case " $titles " in
	*" $want "*) pass "running/$want" ;;
	*) fail "running/$want" "not among:$titles" ;;
	esac
done
n=$(echo $kids | wc -w)
check "process-count" [ "$n" -eq 9 ]

# each child is sealed
for k in $kids; do
	name=$(tr '\0' ' ' </proc/$k/cmdline | sed 's/^siemd: //; s/ *$//')
	st=/proc/$k/status
	seccomp=$(awk '/^Seccomp:/ { print $2 }' $st)
	nnp=$(awk '/^NoNewPrivs:/ { print $2 }' $st)
	capeff=$(awk '/^CapEff:/ { print $2 }' $st)
	uid=$(awk '/^Uid:/ { print $2 " " $3 " " $4 }' $st)
	root=$(readlink /proc/$k/root)
	ok=1
	why=""
	[ "$seccomp" = 2 ] || { ok=0; why="$why seccomp=$seccomp"; }
	[ "$nnp" = 1 ] || { ok=0; why="$why nonewprivs=$nnp"; }
	[ "$capeff" = 0000000000000000 ] || { ok=0; why="$why capeff=$capeff"; }
	case "$uid" in
	"0 "*|*" 0 "*|*" 0") ok=0; why="$why uid=$uid" ;;
	esac
	[ "$root" != "/" ] || { ok=0; why="$why root=/"; }
	if [ $ok = 1 ]; then pass "sealed/$name"; else fail "sealed/$name" "$why"; fi
done
puid=$(awk '/^Uid:/ { print $3 }' /proc/$PID/status)
check "parent-is-root" [ "$puid" = 0 ]
case "$(readlink /proc/$PID/root)" in
/) pass parent-not-chrooted ;;
*) fail parent-not-chrooted "root is $(readlink /proc/$PID/root)" ;;
esac

# ingestion first: searches and answers run at a lower CPU priority,
# for their autogroups too where the kernel has them
nice_of() {
	for _p in $(children "$PID"); do
		case "$(tr '\0' ' ' <"/proc/$_p/cmdline")" in
		"siemd: $1"*) ps -o ni= -p "$_p" | tr -d ' '; return ;;
		esac
	done
}
check "nice-query" [ "$(nice_of query)" = 10 ]
check "nice-web" [ "$(nice_of web)" = 5 ]
check "nice-store" [ "$(nice_of store)" = 0 ]
qp=$(for _p in $(children "$PID"); do grep -l "^siemd: query" "/proc/$_p/cmdline" 2>/dev/null; done | head -1)
if [ -n "$qp" ] && [ -r "${qp%cmdline}autogroup" ]; then
	check "nice-query-autogroup" grep -q "nice 10" "${qp%cmdline}autogroup"
else
	skip "nice-query-autogroup" "no autogroup scheduling here"
fi

# the control socket and siemctl
mode=$(stat -c %a "$SOCK")
check "control-socket-0600" [ "$mode" = 600 ]
"$SIEMCTL" -s "$SOCK" show status >"$D/status" 2>&1
check "siemctl-status" [ $? -eq 0 ]
missing=""
for want in parent ingest parser store query correlate web notify; do
	grep -q "^$want " "$D/status" || missing="$missing $want"
done
check "siemctl-status-lists-all" [ -z "$missing" ]
nlines=$(grep -c '^[a-z]' "$D/status")
check "siemctl-status-one-line-each" [ "$nlines" -eq 10 ]
"$SIEMCTL" -s "$SOCK" sh st >"$D/status2" 2>&1
check "siemctl-prefix" grep -q '^store ' "$D/status2"
"$SIEMCTL" -s "$SOCK" s >/dev/null 2>&1
check "siemctl-ambiguous-refused" [ $? -ne 0 ]
"$SIEMCTL" -s "$SOCK" log verbose >"$D/lv" 2>&1
check "siemctl-log-verbose" grep -q verbose "$D/lv"
"$SIEMCTL" -s "$SOCK" log brief >/dev/null 2>&1
check "siemctl-log-brief" [ $? -eq 0 ]
"$SIEMCTL" -s "$SOCK" show sources >"$D/sources" 2>&1
check "siemctl-sources" [ $? -eq 0 ]

# SIGHUP with a broken configuration keeps everything as it is
cp "$D/siemd.conf" "$D/siemd.conf.good"
printf 'listen on 127.0.0.1 port 99999 udp\nbogus keyword\n' >>"$D/siemd.conf"
before=$(children "$PID" | sort | tr '\n' ' ')
kill -HUP "$PID"
sleep 1.5
after=$(children "$PID" | sort | tr '\n' ' ')
check "hup-broken-alive" kill -0 "$PID"
check "hup-broken-same-children" [ "$before" = "$after" ]
check "hup-broken-logged" grep -q "siemd.conf:[0-9]*:" "$D/log"
"$SIEMCTL" -s "$SOCK" reload >"$D/reload" 2>&1
check "reload-broken-reported" [ $? -ne 0 ]

# the same configuration again: only rules could have changed, so
# nothing restarts
cp "$D/siemd.conf.good" "$D/siemd.conf"
"$SIEMCTL" -s "$SOCK" reload >"$D/reload" 2>&1
check "reload-unchanged-answer" grep -q "rules reloaded" "$D/reload"
sleep 0.5
check "reload-unchanged-same-children" [ "$(children "$PID" | sort | tr '\n' ' ')" = "$before" ]

# a changed configuration is taken up: the processes start afresh
sed 's/^parsers .*/parsers 1/' "$D/siemd.conf.good" >"$D/siemd.conf"
kill -HUP "$PID"
i=0
while [ $i -lt 100 ]; do
	[ "$(grep -c 'started, .* processes sandboxed' "$D/log")" -ge 2 ] && break
	sleep 0.1
	i=$((i + 1))
done
after=$(children "$PID" | sort | tr '\n' ' ')
check "hup-valid-restarted" [ "$before" != "$after" ]
check "hup-valid-all-running" [ "$(echo $after | wc -w)" -eq 8 ]

# SIGTERM: everything gone within five seconds, status 0
kids=$(children "$PID")
t0=$(date +%s)
stop
t1=$(date +%s)
check "sigterm-status-0" [ "$STATUS" = 0 ]
check "sigterm-within-5s" [ $((t1 - t0)) -le 5 ]
left=""
for k in $kids; do
	kill -0 "$k" 2>/dev/null && left="$left $k"
done
check "sigterm-children-gone" [ -z "$left" ]
check "sigterm-socket-removed" [ ! -e "$SOCK" ]

# a child killed with SIGKILL brings the daemon down, non-zero
start || { fail restart "siemd did not start again"; finish; }
victim=""
for k in $(children "$PID"); do
	case "$(tr '\0' ' ' </proc/$k/cmdline)" in
	*parser*) victim=$k; break ;;
	esac
done
kids=$(children "$PID")
kill -KILL "$victim"
i=0
while [ $i -lt 80 ] && kill -0 "$PID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$PID" 2>/dev/null; then
	fail "child-death-stops-daemon" "parent still running"
	stop
else
	wait "$PID"
	STATUS=$?
	PID=""
	check "child-death-nonzero" [ "$STATUS" -ne 0 ]
	left=""
	for k in $kids; do
		kill -0 "$k" 2>/dev/null && left="$left $k"
	done
	check "child-death-all-gone" [ -z "$left" ]
	check "child-death-logged" grep -q "parser.*killed by signal" "$D/log"
fi

# hash-password needs no daemon
h=$(echo "correct horse" | "$SIEMCTL" hash-password)
case "$h" in
'$argon2id$'*) pass hash-password ;;
*) fail hash-password "got $h" ;;
esac
echo "" | "$SIEMCTL" hash-password >/dev/null 2>&1
check "hash-password-empty-refused" [ $? -ne 0 ]

finish
