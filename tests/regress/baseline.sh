#!/bin/sh
# Baselines and new values end to end: a rate baseline with 2 s
# buckets over a tailed MoneyControl JSON-lines file raises exactly one
# alert for the user whose permission denials spike and none for the
# user whose rate stays steady; a new-value rule over sshd logins sent
# with logger stays quiet while it learns, then alerts once for a new
# source address (a repeat does not), and still knows the addresses it
# learned after a restart (its state is replayed from the store).
T=baseline
. tests/regress/lib.sh
require_root
require_tools sqlite3 logger
setup
write_conf
mkdir -m 0755 "$D/rules"
cat >>"$D/siemd.conf" <<EOT
rules "$D/rules"
EOT
cat >"$D/rules/spike.yml" <<'EOT'
title: Regress denial spike
id: 3f9b8e0a-5c1d-4e2f-8a7b-6c5d4e3f2a10
author: siemd regress
logsource:
    product: moneycontrol
detection:
    selection:
        event_type: permission_denied
    condition: selection
siemd:
    baseline:
        group-by: [user_id]
        bucket: 2s
        window: 20s
        k: 3
        min-count: 8
level: high
EOT
cat >"$D/rules/newsrc.yml" <<'EOT'
title: Regress new login source
id: 8d2c4b6a-1e3f-4a5b-9c7d-0e1f2a3b4c5d
author: siemd regress
logsource:
    product: linux
    service: sshd
detection:
    selection:
        event_type: login_success
    condition: selection
siemd:
    new-value:
        group-by: [user_id]
        fields: [src_ip]
        learn: 4s
level: medium
EOT

# -- invalid sections are named by siemd -n, with the reason ----------
mkdir -m 0755 "$D/bad"
cat >"$D/bad/typo.yml" <<'EOT'
title: Typo in the section
logsource: {product: moneycontrol}
detection: {selection: {event_type: permission_denied}, condition: selection}
siemd: {baseline: {bucket: 2s, window: 20s, min_count: 3}}
EOT
sed "s#^rules \"$D/rules\"#rules \"$D/bad\"#" "$D/siemd.conf" >"$D/bad.conf"
"$SIEMD" -n -f "$D/bad.conf" >"$D/badcheck" 2>&1
check "n-names-bad-section" grep -q "typo.yml: invalid: siemd: baseline: unknown key 'min_count'" "$D/badcheck"
"$SIEMD" -n -f "$D/siemd.conf" >"$D/check" 2>&1
check "n-rules-load" grep -q "^rules: 2 loaded, 0 skipped, 0 invalid" "$D/check"

start || { fail start "siemd did not start"; finish; }
check "rules-loaded" eventually 50 eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*rules_loaded=2"'

# -- rate baseline ------------------------------------------------------
F="$D/logs/app.jsonl"
denial() {	# denial USER [N]: N denials for USER, stamped now
	_ts=$(date -u '+%Y-%m-%dT%H:%M:%S')
	awk -v u="$1" -v n="${2:-1}" -v ts="$_ts" 'BEGIN {
		for (i = 0; i < n; i++)
			printf("{\"ts\":\"%s.%03dZ\",\"level\":\"WARNING\",\"app\":\"MoneyControl\",\"event_type\":\"permission_denied\",\"message\":\"permission denied\",\"user_id\":\"%s\",\"ip\":\"198.51.100.5\"}\n", ts, i, u)
	}' >>"$F"
}
# 24 s of one denial a second for each user: a window and more of
# about 2 a bucket, under min-count whatever the jitter
i=0
while [ $i -lt 24 ]; do
	denial u_steady
	denial u_spiky
	sleep 1
	i=$((i + 1))
done
check "steady-stored" wait_sql "SELECT count(*) FROM events WHERE user_id = 'u_steady'" 24
check "no-alert-while-steady" [ "$(sql "SELECT count(*) FROM alerts WHERE title = 'Regress denial spike'")" = 0 ]
# the spike: 30 at once for u_spiky, the steady user goes on
denial u_spiky 30
i=0
while [ $i -lt 6 ]; do
	denial u_steady
	sleep 1
	i=$((i + 1))
done
check "spike-stored" wait_sql "SELECT count(*) FROM events WHERE user_id = 'u_spiky'" 54
check "spike-one-alert" wait_sql "SELECT count(*) FROM alerts WHERE title = 'Regress denial spike' AND group_key = 'user_id=u_spiky'" 1
check "spike-alert-has-the-spike" wait_sql "SELECT count >= 30 FROM alerts WHERE group_key = 'user_id=u_spiky'" 1
check "spike-alert-says-why" [ "$(sql "SELECT description LIKE '%above the baseline%mean%sigma%' FROM alerts WHERE group_key = 'user_id=u_spiky'")" = 1 ]
check "spike-alert-events-stored" [ "$(sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.group_key = 'user_id=u_spiky' AND e.user_id = 'u_spiky'")" -ge 30 ]
check "steady-no-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE group_key = 'user_id=u_steady'")" = 0 ]
check "only-one-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE title = 'Regress denial spike'")" = 1 ]

# -- new values -----------------------------------------------------------
sshlogin() {	# sshlogin USER ADDRESS
	logger -n 127.0.0.1 -P "$P_SYSLOG" -T -t sshd \
	    "Accepted password for $1 from $2 port 50022 ssh2"
}
NV="SELECT count(*) FROM alerts WHERE title = 'Regress new login source'"
sshlogin alice 192.0.2.10
sshlogin bob 192.0.2.20
check "learning-stored" wait_sql "SELECT count(*) FROM events WHERE app = 'sshd' AND event_type = 'login_success'" 2
sleep 5
sshlogin alice 192.0.2.10
sshlogin bob 192.0.2.10
check "new-source-alert" wait_sql "$NV AND group_key = 'user_id=bob,src_ip=192.0.2.10'" 1
check "learned-source-quiet" [ "$(sql "$NV AND group_key LIKE 'user_id=alice,%'")" = 0 ]
sshlogin bob 192.0.2.10
check "repeat-stored" wait_sql "SELECT count(*) FROM events WHERE app = 'sshd' AND user_id = 'bob'" 3
sleep 1
check "repeat-no-alert" [ "$(sql "$NV")" = 1 ]
check "repeat-count-1" [ "$(sql "SELECT count FROM alerts WHERE group_key = 'user_id=bob,src_ip=192.0.2.10'")" = 1 ]

# -- after a restart, what was learned is replayed ------------------------
stop
check "stop-status-0" [ "$STATUS" = 0 ]
start || { fail restart "siemd did not start again"; finish; }
check "restart-replayed" eval 'i=0; until grep -q "replayed [1-9][0-9]* events" "$D/log"; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done'
sshlogin alice 192.0.2.10
sshlogin bob 192.0.2.20
sshlogin alice 203.0.113.44
check "restart-logins-stored" wait_sql "SELECT count(*) FROM events WHERE app = 'sshd' AND event_type = 'login_success'" 8
check "restart-new-source-alert" wait_sql "$NV AND group_key = 'user_id=alice,src_ip=203.0.113.44'" 1
check "restart-known-sources-quiet" [ "$(sql "$NV")" = 2 ]
check "restart-spike-not-repeated" [ "$(sql "SELECT count(*) FROM alerts WHERE title = 'Regress denial spike'")" = 1 ]
stop
check "stop2-status-0" [ "$STATUS" = 0 ]
finish
