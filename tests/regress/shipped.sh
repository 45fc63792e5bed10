#!/bin/sh
# Shipped rules that no other scenario exercises, end to end: syslog
# records with their own timestamps (RFC 5424 over TCP) go through the
# parsers and the extractors, and the shipped rules alert on sudo
# failures and on accounts created at night, and stay quiet on a sudo
# that worked and an account created in the afternoon.
T=shipped
. tests/regress/lib.sh
require_root
require_tools sqlite3 nc
setup
write_conf
cp -R "$TOP/etc/rules" "$D/rules"
echo "rules \"$D/rules\"" >>"$D/siemd.conf"
start || { fail start "siemd did not start"; finish; }
check "rules-loaded" eventually 50 eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*rules_loaded=[1-9]"'

# one RFC 5424 record per line over TCP (LF framing)
send() {
	printf '%s\n' "$@" | nc -q 1 127.0.0.1 "$P_SYSLOG"
}
send \
    "<86>1 2026-11-20T10:15:00Z web1 sudo - - - bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/sh" \
    "<86>1 2026-11-20T10:16:00Z web3 sudo - - - carol : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/carol ; USER=root ; COMMAND=/bin/ls" \
    "<86>1 2026-11-20T10:17:00Z web2 sudo - - - alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls" \
    "<86>1 2026-11-20T23:30:00Z db1 useradd 501 - - new user: name=mallory, UID=1002, GID=1002, home=/home/mallory, shell=/bin/bash, from=none" \
    "<86>1 2026-11-20T04:59:00Z db3 useradd 502 - - new user: name=oscar, UID=1003, GID=1003, home=/home/oscar, shell=/bin/bash, from=none" \
    "<86>1 2026-11-20T14:00:00Z db2 useradd 503 - - new user: name=trent, UID=1004, GID=1004, home=/home/trent, shell=/bin/bash, from=none"
check "all-stored" wait_sql "SELECT count(*) FROM events WHERE app IN ('sudo', 'useradd')" 6
check "sudo-types" [ "$(sql "SELECT group_concat(event_type, ',') FROM (SELECT event_type FROM events WHERE app = 'sudo' ORDER BY id)")" = "sudo_failure,sudo_failure,sudo_command" ]

SUDO="SELECT count(*) FROM alerts WHERE title = 'Failed sudo authentication'"
check "sudo-wrong-password" wait_sql "$SUDO AND group_key = 'host=web1'" 1
check "sudo-not-in-sudoers" wait_sql "$SUDO AND group_key = 'host=web3'" 1
NIGHT="SELECT count(*) FROM alerts WHERE title = 'Local user created outside business hours'"
check "useradd-at-night" wait_sql "$NIGHT AND group_key = 'host=db1'" 1
check "useradd-before-six" wait_sql "$NIGHT AND group_key = 'host=db3'" 1
check "alert-names-event" [ "$(sql "SELECT e.user_id FROM alerts a JOIN events e ON e.id = json_extract(a.event_ids, '\$[0]') WHERE a.title = 'Local user created outside business hours' AND a.group_key = 'host=db1'")" = mallory ]
# what correlate saw last is past the quiet records: none alerts later
check "quiet-checked" eventually 50 eval '[ "$("$SIEMCTL" -s "$SOCK" show status | sed -n "s/^correlate .*last_event_id=\([0-9]*\).*/\1/p")" -ge "$(sql "SELECT max(id) FROM events")" ]'
sleep 2
check "sudo-that-worked-quiet" [ "$(sql "$SUDO AND group_key = 'host=web2'")" = 0 ]
check "useradd-afternoon-quiet" [ "$(sql "$NIGHT AND group_key = 'host=db2'")" = 0 ]
check "severity-medium" [ "$(sql "SELECT group_concat(DISTINCT severity) FROM alerts")" = medium ]
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
