#!/bin/sh
# Shipped rules that no other scenario exercises, end to end: syslog
# records with their own timestamps (RFC 5424 over TCP) go through the
# parsers and the extractors, and the shipped rules alert on sudo
# failures and on accounts created at night, and stay quiet on a sudo
# that worked and an account created in the afternoon.  sshd records
# drive the correlations: password spraying (value_count of users per
# address), brute force (event_count) and brute force followed by a
# success (temporal_ordered over a chain, generate: false).  MoneyControl
# JSON lines with a day of event times drive the permission denial
# baselines (mean + k sigma over 5 minute buckets).
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
# sudo logs the working directory as PWD=/home/...: that is no password
check "sudo-pwd-not-a-secret" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id = '59a9307c-11b2-4dfb-a8c3-b55858d03632' AND group_key IN ('host=web1', 'host=web2', 'host=web3')")" = 0 ]

# --- sshd: spraying (value_count), brute force (event_count) and a
# brute force followed by a success (temporal_ordered over a chain),
# with event times of the last few minutes
T0=$(( $(date +%s) - 300 ))
iso() {
	date -u -d "@$(( T0 + $1 ))" '+%Y-%m-%dT%H:%M:%SZ'
}
# fail AT IP USER / ok AT IP USER: one sshd record at T0 + AT seconds
fail_at() {
	echo "<38>1 $(iso "$1") bastion sshd 4242 - - Failed password for invalid user $3 from $2 port $((40000 + $1)) ssh2"
}
ok_at() {
	echo "<38>1 $(iso "$1") bastion sshd 4243 - - Accepted password for $3 from $2 port $((50000 + $1)) ssh2"
}
{
	# six accounts, one try each, from one address: spraying
	i=0
	for u in admin oracle test guest ubuntu postgres; do
		fail_at $i 203.0.113.70 $u
		i=$((i + 1))
	done
	# twelve tries at root from one address: brute force, not spraying
	i=0
	while [ $i -lt 12 ]; do fail_at $((10 + i)) 203.0.113.71 root; i=$((i + 1)); done
	# eleven failures, then the password works
	i=0
	while [ $i -lt 11 ]; do fail_at $((30 + i)) 203.0.113.72 deploy; i=$((i + 1)); done
	ok_at 90 203.0.113.72 deploy
	# three failures and a success: a user who mistyped
	i=0
	while [ $i -lt 3 ]; do fail_at $((100 + i)) 203.0.113.73 carol; i=$((i + 1)); done
	ok_at 110 203.0.113.73 carol
	# the success first, the failures after it
	ok_at 120 203.0.113.74 dave
	i=0
	while [ $i -lt 11 ]; do fail_at $((121 + i)) 203.0.113.74 dave; i=$((i + 1)); done
} >"$D/sshd.txt"
nc -q 1 127.0.0.1 "$P_SYSLOG" <"$D/sshd.txt"
NSSH=$(wc -l <"$D/sshd.txt")
check "sshd-all-stored" wait_sql "SELECT count(*) FROM events WHERE app = 'sshd' AND event_type IN ('login_failure', 'login_success')" "$NSSH"
check "sshd-fields" [ "$(sql "SELECT user_id || ' ' || src_ip FROM events WHERE app = 'sshd' AND event_type = 'login_failure' ORDER BY ts LIMIT 1")" = "admin 203.0.113.70" ]

SPRAY_ID=8f3a6d52-0b7e-4c19-b4d8-6e2a9f1c3b75
BF_ID=5a1f3c7e-2b84-4d19-9e6a-0c3b7d2e8f41
BFS_ID=2e7b9c14-6f3d-4a85-b0c2-8d1e5f7a9b36
# alert RULE_ID GROUP: "title|count" of that rule's alert for the group
alert() {
	sql "SELECT title || '|' || count FROM alerts WHERE rule_id = '$1' AND group_key = '$2'"
}
check "spraying-six-users" wait_sql "SELECT title || '|' || count FROM alerts WHERE rule_id = '$SPRAY_ID' AND group_key = 'src_ip=203.0.113.70'" "SSH password spraying|6"
check "spraying-names-events" [ "$(sql "SELECT count(DISTINCT e.user_id) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.rule_id = '$SPRAY_ID' AND a.group_key = 'src_ip=203.0.113.70'")" = 6 ]
check "spraying-severity-high" [ "$(sql "SELECT severity FROM alerts WHERE rule_id = '$SPRAY_ID'")" = high ]
check "brute-force-one-user" wait_sql "SELECT title || '|' || count FROM alerts WHERE rule_id = '$BF_ID' AND group_key = 'src_ip=203.0.113.71'" "SSH password brute force|12"
check "bf-then-success" wait_sql "SELECT title || '|' || severity FROM alerts WHERE rule_id = '$BFS_ID' AND group_key = 'src_ip=203.0.113.72'" "SSH brute force followed by a successful login|critical"
bfs_count=$(sql "SELECT count FROM alerts WHERE rule_id = '$BFS_ID' AND group_key = 'src_ip=203.0.113.72'")
echo "  brute force then success: count $bfs_count"
check "bf-then-success-count" [ "$bfs_count" -ge 2 ]
check "bf-then-success-names-login" [ "$(sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.rule_id = '$BFS_ID' AND a.group_key = 'src_ip=203.0.113.72' AND e.event_type = 'login_success' AND e.user_id = 'deploy'")" = 1 ]
check "sshd-quiet-checked" eventually 50 eval '[ "$("$SIEMCTL" -s "$SOCK" show status | sed -n "s/^correlate .*last_event_id=\([0-9]*\).*/\1/p")" -ge "$(sql "SELECT max(id) FROM events")" ]'
sleep 2
check "spraying-bad-one-user" [ "$(alert $SPRAY_ID src_ip=203.0.113.71)" = "" ]
check "spraying-bad-brute-force-address" [ "$(alert $SPRAY_ID src_ip=203.0.113.72)" = "" ]
check "brute-force-bad-six-tries" [ "$(alert $BF_ID src_ip=203.0.113.70)" = "" ]
check "bf-then-success-bad-three-failures" [ "$(alert $BFS_ID src_ip=203.0.113.73)" = "" ]
check "bf-then-success-bad-success-first" [ "$(alert $BFS_ID src_ip=203.0.113.74)" = "" ]
check "bf-then-success-bad-one-address-only" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id = '$BFS_ID'")" = 1 ]
# generate: false: the stages of the sequence raise nothing themselves
check "bf-stages-silent" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id IN ('7c4d2a98-1e5b-4f63-9a07-5b8e3d6c1f20', '4b8e1f37-9a2c-4d06-8e5b-2f7c0a3d6e19', '9d0e6b21-7c3a-4f58-a1e4-3b6f2c9d5e07')")" = 0 ]

# --- MoneyControl permission denials: a rate baseline in 5 minute
# buckets over 24 hours.  Two users share a day of history: 9 denials
# in every other bucket (mean 4.5, sigma 4.5, threshold 18).  In the
# current bucket u_spike is refused 25 times (min-count 10 and past
# the threshold: an alert), u_busy 15 times (min-count reached, under
# the threshold: none).  Event times are in the lines, so a day goes
# by in a moment.
B=$(( ($(date +%s) - 60) / 300 * 300 ))
mc() {
	mawk -v b="$B" 'BEGIN {
		n = 0
		for (k = 288; k >= 1; k--) {
			if (k % 2)
				continue
			for (i = 0; i < 9; i++) {
				line("u_spike", b - k * 300 + 10 + i)
				line("u_busy", b - k * 300 + 20 + i)
			}
		}
		for (i = 0; i < 25; i++)
			line("u_spike", b + 10 + i / 10)
		for (i = 0; i < 15; i++)
			line("u_busy", b + 20 + i / 10)
	}
	function line(u, t) {
		n++
		printf("{\"ts\":\"%s.%03dZ\",\"level\":\"WARNING\",\"app\":\"MoneyControl\",\"event_type\":\"permission_denied\",\"message\":\"Permission denied on account acc_%d\",\"request_id\":\"req-pd-%d\",\"user_id\":\"%s\",\"ip\":\"198.18.0.%d\",\"http\":{\"method\":\"GET\",\"path\":\"/api/accounts/acc_%d\",\"status\":403},\"latency_ms\":4}\n",
		    strftime("%Y-%m-%dT%H:%M:%S", int(t), 1), int((t - int(t)) * 1000 + 0.5),
		    n, n, u, u == "u_spike" ? 10 : 11, n)
	}'
}
mc >"$D/mc.tmp"
NMC=$(wc -l <"$D/mc.tmp")
mv "$D/mc.tmp" "$D/logs/moneycontrol.jsonl"
check "mc-all-stored" wait_sql "SELECT count(*) FROM events WHERE event_type = 'permission_denied'" "$NMC" 300
check "mc-event-time-kept" [ "$(sql "SELECT min(ts) / 1000000 FROM events WHERE event_type = 'permission_denied'")" = $((B - 288 * 300 + 10)) ]
PD_USER=c597ec22-8a0d-4605-a59e-c615abce1c5a
PD_ALL=bdda1e56-f91c-4cb0-9d36-1c5f5a95e3f6
check "pd-spike-alert" wait_sql "SELECT title FROM alerts WHERE rule_id = '$PD_USER' AND group_key = 'user_id=u_spike'" "Spike of MoneyControl permission denials for one user"
pd_count=$(sql "SELECT count FROM alerts WHERE rule_id = '$PD_USER' AND group_key = 'user_id=u_spike'")
echo "  permission_denied spike for u_spike: count $pd_count"
# it fires on the 19th denial of the bucket and grows to all 25
check "pd-spike-count" wait_sql "SELECT count FROM alerts WHERE rule_id = '$PD_USER' AND group_key = 'user_id=u_spike'" 25
check "pd-spike-fired-past-threshold" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id = '$PD_USER' AND description LIKE '%19 events in the 300 s bucket%mean 4.50, sigma 4.50, threshold 18.00 (k 3, min-count 10)%'")" = 1 ]
check "pd-spike-first-in-bucket" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id = '$PD_USER' AND group_key = 'user_id=u_spike'")" = 1 ]
check "pd-all-users-alert" wait_sql "SELECT group_key || '|' || count FROM alerts WHERE rule_id = '$PD_ALL'" "all|40"
check "pd-all-users-threshold" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id = '$PD_ALL' AND description LIKE '%37 events in the 300 s bucket%mean 9.00, sigma 9.00, threshold 36.00 (k 3, min-count 30)%'")" = 1 ]
check "pd-quiet-checked" eventually 50 eval '[ "$("$SIEMCTL" -s "$SOCK" show status | sed -n "s/^correlate .*last_event_id=\([0-9]*\).*/\1/p")" -ge "$(sql "SELECT max(id) FROM events")" ]'
sleep 2
check "pd-bad-under-threshold" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id = '$PD_USER' AND group_key = 'user_id=u_busy'")" = 0 ]
check "pd-bad-history-quiet" [ "$(sql "SELECT count(*) FROM alerts WHERE rule_id IN ('$PD_USER', '$PD_ALL') AND first_seen < $((B * 1000000))")" = 0 ]
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
