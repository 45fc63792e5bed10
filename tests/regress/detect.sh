#!/bin/sh
# Detection end to end: shipped Sigma rules compiled by correlate from
# files the parent read; web attack lines through a tailed access log
# raise alerts that point at stored events, keep the rule's author, and
# are merged per rule, source and hour instead of repeated.
T=detect
. tests/regress/lib.sh
require_root
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
setup
write_conf
mkdir -m 0755 "$D/web"
cp -R "$TOP/etc/rules" "$D/rules"
cat >>"$D/siemd.conf" <<EOT
rules "$D/rules"
tail "$D/web" { match "*.log" format access start beginning }
EOT
"$SIEMD" -n -f "$D/siemd.conf" >"$D/check" 2>&1
check "n-reports-rules" grep -q "^rules: [1-9][0-9]* loaded" "$D/check"
start || { fail start "siemd did not start"; finish; }
check "rules-loaded" eventually 50 eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*rules_loaded=[1-9]"'
check "siemctl-show-rules" eventually 150 eval '"$SIEMCTL" -s "$SOCK" sh ru | grep -q "^loaded .*SQL injection or path traversal probe"'

A="$D/web/access.log"
now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
cat >>"$A" <<EOT
198.51.100.7 - - [$now] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"
198.51.100.66 - - [$now] "GET /products?id=1%20union%20select%20password%20from%20users HTTP/1.1" 500 0 "-" "Mozilla/5.0"
198.51.100.66 - - [$now] "GET /products?id=2%20union%20select%201,2 HTTP/1.1" 500 0 "-" "Mozilla/5.0"
203.0.113.9 - - [$now] "GET /admin HTTP/1.1" 404 0 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"
EOT
QA="SELECT count(*) FROM alerts WHERE title LIKE 'SQL injection%' AND group_key = 'src_ip=198.51.100.66'"
check "sqli-alert" wait_sql "$QA" 1
check "sqli-merged-count-2" wait_sql "SELECT count FROM alerts WHERE title LIKE 'SQL injection%' AND group_key = 'src_ip=198.51.100.66'" 2
check "scanner-alert" wait_sql "SELECT count(*) FROM alerts WHERE title LIKE 'Web vulnerability scanner%' AND group_key = 'src_ip=203.0.113.9'" 1
check "benign-no-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE group_key = 'src_ip=198.51.100.7'")" = 0 ]
check "alert-keeps-author" [ "$(sql "SELECT author FROM alerts WHERE group_key = 'src_ip=203.0.113.9'")" = "siemd project" ]
check "alert-severity-from-level" [ "$(sql "SELECT severity FROM alerts WHERE group_key = 'src_ip=198.51.100.66'")" = high ]
check "alert-events-are-stored" [ "$(sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.group_key = 'src_ip=198.51.100.66' AND e.src_ip = '198.51.100.66'")" = 2 ]
check "alert-history-created" [ "$(sql "SELECT count(*) FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE a.group_key = 'src_ip=203.0.113.9' AND h.action = 'created'")" = 1 ]

# a later hit in the same hour updates the alert, it does not add one
echo "198.51.100.66 - - [$now] \"GET /x?q=1%27%20or%20%271%27%3D%271 HTTP/1.1\" 200 0 \"-\" \"curl/8\"" >>"$A"
check "sqli-updated-count-3" wait_sql "SELECT count FROM alerts WHERE title LIKE 'SQL injection%' AND group_key = 'src_ip=198.51.100.66'" 3
check "sqli-still-one-alert" [ "$(sql "$QA")" = 1 ]

# an ongoing attack: forty bursts a tenth of a second apart update one
# alert; correlate holds the updates of a key for a second, so the
# store writes the row a few times, and every hit is counted
upd() { "$SIEMCTL" -s "$SOCK" show status | sed -n 's/^store .*alerts_updated=\([0-9]*\).*/\1/p'; }
u0=$(upd)
t0=$(date +%s)
i=0
while [ $i -lt 40 ]; do
	j=0
	while [ $j -lt 2 ]; do
		echo "198.51.100.77 - - [$now] \"GET /p?id=$i$j%20union%20select%201 HTTP/1.1\" 500 0 \"-\" \"curl/8\"" >>"$A"
		j=$((j + 1))
	done
	sleep 0.1
	i=$((i + 1))
done
QS="SELECT count FROM alerts WHERE title LIKE 'SQL injection%' AND group_key = 'src_ip=198.51.100.77'"
check "storm-every-hit-counted" wait_sql "$QS" 80
t1=$(date +%s)
sleep 2
u1=$(upd)
check "storm-one-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE group_key = 'src_ip=198.51.100.77'")" = 1 ]
echo "  storm: $((u1 - u0)) alert updates in $((t1 - t0)) s for 40 bursts"
# at most one a second (and one more for each end of the run)
check "storm-updates-held" [ $((u1 - u0)) -ge 1 -a $((u1 - u0)) -le $((t1 - t0 + 2)) ]
check "storm-ids-bounded" [ "$(sql "SELECT json_array_length(event_ids) = 80 AND events_total = 80 FROM alerts WHERE group_key = 'src_ip=198.51.100.77'")" = 1 ]
check "storm-merged-counted" eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*alerts_merged=[1-9]"'
# 150 hits in one write, so in one batch: the alert keeps 100 ids and
# says it stands for 150 events
i=0
: >"$D/burst"
while [ $i -lt 150 ]; do
	echo "198.51.100.78 - - [$now] \"GET /b?id=$i%20union%20select%201 HTTP/1.1\" 500 0 \"-\" \"curl/8\"" >>"$D/burst"
	i=$((i + 1))
done
cat "$D/burst" >>"$A"
check "burst-every-hit-counted" wait_sql "SELECT count FROM alerts WHERE title LIKE 'SQL injection%' AND group_key = 'src_ip=198.51.100.78'" 150
check "burst-events-total" [ "$(sql "SELECT events_total FROM alerts WHERE group_key = 'src_ip=198.51.100.78'")" = 150 ]
check "burst-ids-bounded" [ "$(sql "SELECT json_array_length(event_ids) FROM alerts WHERE group_key = 'src_ip=198.51.100.78'")" = 100 ]
# a new rule is taken up live: correlate swaps the set, nothing restarts
kids=$(children "$PID" | sort | tr '\n' ' ')
loaded=$("$SIEMCTL" -s "$SOCK" show status | sed -n 's/^correlate .*rules_loaded=\([0-9]*\).*/\1/p')
cat >"$D/rules/admin_probe.yml" <<'EOT'
title: Probe of the admin area
id: 0e6f3a8d-2b1c-4d5e-9f70-123456789abc
status: test
author: siemd regress
logsource:
    category: webserver
detection:
    selection:
        cs-uri-stem|startswith: '/admin'
    condition: selection
level: low
EOT
TOKEN=$(curl -sk "https://127.0.0.1:$P_API/api/v1/auth/login" \
    -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
code=$(curl -sk -o "$D/reload.json" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$P_API/api/v1/admin/reload")
check "api-reload-200" [ "$code" = 200 ]
check "api-reload-rules" grep -q "rules reloaded" "$D/reload.json"
check "reload-rule-count" eventually 50 eval '[ "$("$SIEMCTL" -s "$SOCK" show status | sed -n "s/^correlate .*rules_loaded=\([0-9]*\).*/\1/p")" -gt "$loaded" ]'
check "reload-same-children" [ "$(children "$PID" | sort | tr '\n' ' ')" = "$kids" ]
echo "203.0.113.50 - - [$now] \"GET /admin/login HTTP/1.1\" 200 0 \"-\" \"Mozilla/5.0\"" >>"$A"
check "new-rule-fires" wait_sql "SELECT count(*) FROM alerts WHERE title = 'Probe of the admin area' AND group_key = 'src_ip=203.0.113.50'" 1
# a rule edited into an error: every reload is refused with the reason,
# the running rules stay
rules_loaded() { "$SIEMCTL" -s "$SOCK" show status | sed -n 's/^correlate .*rules_loaded=\([0-9]*\).*/\1/p'; }
loaded2=$(rules_loaded)
printf 'title: Broken probe\nlogsource:\n    category: webserver\ndetection:\n    sel:\n        cs-uri-stem|nosuchmodifier: /x\n    condition: sel\n' >"$D/rules/broken_probe.yml"
"$SIEMCTL" -s "$SOCK" reload >"$D/reload.out" 2>&1
check "reload-broken-exit-1" [ $? = 1 ]
check "reload-broken-named" grep -q "broken_probe.yml: .*nosuchmodifier" "$D/reload.out"
check "reload-broken-logged" grep -q "broken_probe.yml: invalid: .*nosuchmodifier" "$D/log"
code=$(curl -sk -o "$D/reload2.json" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$P_API/api/v1/admin/reload")
check "api-reload-broken-422" [ "$code" = 422 ]
check "api-reload-broken-named" jq -e '.detail | test("broken_probe.yml")' "$D/reload2.json"
kill -HUP "$PID"
sleep 1
# a swap would have reported the new set, the broken rule in it
check "reload-broken-running-kept" eval '[ "$(rules_loaded)" = "$loaded2" ] &&
    ! "$SIEMCTL" -s "$SOCK" show rules | grep -q "Broken probe\|broken_probe"'
echo "203.0.113.51 - - [$now] \"GET /admin/x HTTP/1.1\" 200 0 \"-\" \"Mozilla/5.0\"" >>"$A"
check "reload-broken-old-rules-run" wait_sql "SELECT count(*) FROM alerts WHERE title = 'Probe of the admin area' AND group_key = 'src_ip=203.0.113.51'" 1
# mended, it goes through
rm "$D/rules/broken_probe.yml"
check "reload-mended" eval '"$SIEMCTL" -s "$SOCK" reload | grep -q "rules reloaded"'

# the rule pages: every rule with its state and counters
rules_ok() {
	curl -sk -H "Authorization: Bearer $TOKEN" \
	    "https://127.0.0.1:$P_API/api/v1/rules$1" >"$D/rules.json" &&
	    jq -e "$2" "$D/rules.json" >/dev/null
}
check "rules-list" eventually 150 rules_ok "" '.total >= 5 and ([.data[].status] | all(. == "loaded"))'
check "rules-filter" rules_ok "?status=skipped" '.total == 0'
check "rules-hits" eventually 150 rules_ok "/5a8c2e71-9d4b-4f06-b3e1-0c7d6a9f8b22" '.hits >= 3 and .last_hit > 0 and .author == "siemd project"'
code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "https://127.0.0.1:$P_API/api/v1/rules/no-such-rule")
check "rules-unknown-404" [ "$code" = 404 ]

# the allow-list and silences suppress alerts, and say so in the counters
api() {
	curl -sk -o "$D/api.json" -w '%{http_code}' -X "$1" \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    "https://127.0.0.1:$P_API/api/v1$2" ${3:+-d "$3"}
}
check "allowlist-added" [ "$(api POST /allowlist '{"cidr":"192.0.2.0/24","comment":"our scanner"}')" = 201 ]
exp=$(date -u -d '+1 hour' '+%Y-%m-%dT%H:%M:%SZ')
check "silence-added" [ "$(api POST /silences "{\"rule_id\":\"1d7e9c3a-5b2f-4e8d-a0c6-7f3b9e2d1c45\",\"group_key\":\"src_ip=198.51.100.99\",\"reason\":\"known test box\",\"expires_at\":\"$exp\"}")" = 201 ]
check "correlate-knows" eventually 50 eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*allowlist=1 .*silences=1\|correlate .*silences=1 .*allowlist=1\|correlate .*allowlist=1"'
cat >>"$A" <<EOT
192.0.2.44 - - [$now] "GET /admin HTTP/1.1" 404 0 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"
198.51.100.99 - - [$now] "GET /admin HTTP/1.1" 404 0 "-" "nikto/2.5"
198.51.100.98 - - [$now] "GET /cart HTTP/1.1" 404 0 "-" "nikto/2.5"
EOT
check "unsuppressed-still-fires" wait_sql "SELECT count(*) FROM alerts WHERE group_key = 'src_ip=198.51.100.98'" 1
check "allowlisted-no-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE group_key = 'src_ip=192.0.2.44'")" = 0 ]
check "silenced-no-scanner-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE group_key = 'src_ip=198.51.100.99' AND title LIKE 'Web vulnerability scanner%'")" = 0 ]
check "suppression-counted" eventually 30 eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*allowlisted_hits=[1-9]"'
# a correlation setting is no rule: a reload that changes it restarts
# the processes, and correlate runs with the new value
echo "correlation suppress 30m" >>"$D/siemd.conf"
"$SIEMCTL" -s "$SOCK" reload >"$D/reload3.out" 2>&1
check "reload-setting-restarts" grep -q "restarting processes" "$D/reload3.out"
check "reload-setting-taken" eventually 150 eval '"$SIEMCTL" -s "$SOCK" show status 2>/dev/null | grep -q "correlate .*corr_suppress_s=1800"'
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
