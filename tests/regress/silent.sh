#!/bin/sh
# Sources with "silent after": a listener and a tail that stop sending
# raise one "Log source went silent" alert each; one that keeps
# sending raises none.
T=silent
. tests/regress/lib.sh
require_root
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
setup
write_conf
mkdir -m 0755 "$D/quiet" "$D/busy"
P_UDP2=$((BASE + 5))
cat >>"$D/siemd.conf" <<EOT
listen on 127.0.0.1 port $P_UDP2 udp { silent after 3s }
tail "$D/quiet" { match "*.log" format syslog start beginning silent after 3s }
tail "$D/busy" { match "*.log" format syslog start beginning silent after 5s }
EOT
"$SIEMD" -n -f "$D/siemd.conf" >"$D/check" 2>&1
check "grammar" grep -q "configuration OK" "$D/check"
start || { fail start "siemd did not start"; finish; }
echo "Nov 22 10:00:00 h app: one line" >>"$D/quiet/a.log"
logger -n 127.0.0.1 -P $P_UDP2 -d "one datagram" 2>/dev/null
# the busy tail gets a line every second for ten seconds
i=0
while [ $i -lt 10 ]; do
	echo "Nov 22 10:00:0$((i % 10)) h app: busy $i" >>"$D/busy/b.log"
	sleep 1
	i=$((i + 1))
done
check "tail-silent-alert" wait_sql "SELECT count(*) FROM alerts WHERE title = 'Log source went silent' AND group_key = 'source=tail $D/quiet'" 1
check "listener-silent-alert" wait_sql "SELECT count(*) FROM alerts WHERE title = 'Log source went silent' AND group_key = 'source=udp 127.0.0.1:$P_UDP2'" 1
check "busy-no-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE group_key = 'source=tail $D/busy'")" = 0 ]
check "silence-logged" grep -q "source tail $D/quiet: nothing received" "$D/log"
sleep 2
check "alerted-once" [ "$(sql "SELECT count(*) FROM alerts WHERE title = 'Log source went silent'")" = 2 ]
# it comes back: logged, and a new silence would alert again
echo "Nov 22 10:00:00 h app: back" >>"$D/quiet/a.log"
check "resumed-logged" eventually 60 grep -q "source tail $D/quiet: receiving again" "$D/log"
stop
finish
