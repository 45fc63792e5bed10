#!/bin/sh
# Trying a rule without loading it: POST /rules/explain says why one
# stored or sent event matches a Sigma rule or not; POST
# /rules/backtest answers the alerts a rule would have raised on stored
# events, grouped as correlate groups them, and stores nothing.
T=explain
. tests/regress/lib.sh
require_root
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
command -v jq >/dev/null || { echo "SKIP $T: jq missing"; exit 0; }
setup
write_conf
ANA_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
VIC_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >>"$D/secrets.conf" <<EOT
ana-hash "$(echo "$ANA_PW" | "$SIEMCTL" hash-password)"
vic-hash "$(echo "$VIC_PW" | "$SIEMCTL" hash-password)"
EOT
mkdir -m 0755 "$D/web"
cp -R "$TOP/etc/rules" "$D/rules"
cat >>"$D/siemd.conf" <<EOT
user "ana" { role analyst password "ana-hash" }
user "vic" { role viewer password "vic-hash" }
rules "$D/rules"
tail "$D/web" { match "*.log" format access start beginning }
EOT
start || { fail start "siemd did not start"; finish; }

U="https://127.0.0.1:$P_API/api/v1"
C="curl -sk --max-time 60"
login() {
	$C -H 'Content-Type: application/json' \
	    -d "{\"username\":\"$1\",\"password\":\"$2\"}" \
	    "$U/auth/login" | jq -r '.access_token // empty'
}
TOKEN=$(login admin "$ADMIN_PW")
ANA=$(login ana "$ANA_PW")
VIC=$(login vic "$VIC_PW")
check login [ -n "$TOKEN" ] && [ -n "$ANA" ] && [ -n "$VIC" ]

# post NAME TOKEN PATH BODY-FILE: answer in $D/NAME.json, status out
post() {
	$C -o "$D/$1.json" -w '%{http_code}' -X POST \
	    ${2:+-H "Authorization: Bearer $2"} \
	    -H 'Content-Type: application/json' --data-binary "@$4" "$U$3"
}
# ok NAME STATUS JQ: the last answer of NAME had STATUS and JQ holds
ok() {
	[ "$(cat "$D/$1.code")" = "$2" ] && jq -e "$3" "$D/$1.json" >/dev/null
}
run() {
	post "$1" "$2" "$3" "$4" >"$D/$1.code"
}

A="$D/web/access.log"
now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
cat >>"$A" <<EOT
198.51.100.7 - - [$now] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"
198.51.100.66 - - [$now] "GET /products?id=1%20union%20select%20password%20from%20users HTTP/1.1" 500 0 "-" "Mozilla/5.0"
198.51.100.66 - - [$now] "GET /products?id=2%20union%20select%201,2 HTTP/1.1" 500 0 "-" "Mozilla/5.0"
198.51.100.67 - - [$now] "GET /static/../../etc/passwd HTTP/1.1" 404 0 "-" "curl/8"
EOT
check stored wait_sql "SELECT count(*) FROM events WHERE src_ip LIKE '198.51.100.%'" 4
SQLI=$(sql "SELECT min(id) FROM events WHERE src_ip = '198.51.100.66'")
BENIGN=$(sql "SELECT id FROM events WHERE src_ip = '198.51.100.7'")
RULE="$TOP/etc/rules/web/injection_probes.yml"

# explain: a stored injection, a stored benign request, a sent event
jq -Rs --argjson id "$SQLI" '{rule: ., event_id: $id}' "$RULE" >"$D/b1"
run sqli "$VIC" /rules/explain "$D/b1"
check sqli-matched ok sqli 200 '.matched == true and .rule.id == "5a8c2e71-9d4b-4f06-b3e1-0c7d6a9f8b22" and .rule.status == "loaded"'
check sqli-selection-named ok sqli 200 '[.explain.searches[] | select(.matched == true) | .name] | index("sqli") != null'
jq -Rs --argjson id "$BENIGN" '{rule: ., event_id: $id}' "$RULE" >"$D/b2"
run benign "$VIC" /rules/explain "$D/b2"
check benign-not-matched ok benign 200 '.matched == false and .explain.condition_result == false'
jq -Rs '{rule: ., event: {event_type: "http_request", http_method: "GET", http_path: "/a", http_query: "x=1 union select 2", src_ip: "192.0.2.5", ts: "2026-01-01T00:00:00Z"}}' "$RULE" >"$D/b3"
run sent "$VIC" /rules/explain "$D/b3"
check sent-event-matched ok sent 200 '.matched == true'
jq -Rs '{rule: ., event_id: 999999999}' "$RULE" >"$D/b4"
run unknown "$VIC" /rules/explain "$D/b4"
check unknown-event-404 ok unknown 404 '.status == 404'
printf 'title: broken\nlogsource:\n    category: webserver\ndetection:\n    sel:\n        cs-uri-query|nosuchmodifier: x\n    condition: sel\n' |
    jq -Rs --argjson id "$SQLI" '{rule: ., event_id: $id}' >"$D/b5"
run broken "$VIC" /rules/explain "$D/b5"
check broken-rule-422 ok broken 422 '.detail | test("invalid")'
printf 'title: regex\nlogsource:\n    category: webserver\ndetection:\n    sel:\n        cs-uri-query|re: "union(%%20| )sel[e]ct"\n    condition: sel\n' |
    jq -Rs --argjson id "$SQLI" '{rule: ., event_id: $id}' >"$D/b6"
run regex "$VIC" /rules/explain "$D/b6"
check regex-rule-no-jit ok regex 200 '.matched == true'
run noauth "" /rules/explain "$D/b1"
check explain-unauthenticated-401 [ "$(cat "$D/noauth.code")" = 401 ]

# backtest: the two injections of one source in one alert, the
# traversal in another, the benign request in none; nothing stored
alerts=$(sql "SELECT count(*) FROM alerts")
jq -Rs '{rule: ., from: "-1h", to: "now"}' "$RULE" >"$D/b7"
run bt "$ANA" /rules/backtest "$D/b7"
check backtest-grouped ok bt 200 '.matched == 3 and .scanned >= 4 and .truncated == false and (.alerts | length) == 2'
check backtest-src-group ok bt 200 '[.alerts[] | select(.group_key == "src_ip=198.51.100.66")] | length == 1 and .[0].count == 2 and (.[0].event_ids | length) == 2'
check backtest-other-group ok bt 200 '[.alerts[] | select(.group_key == "src_ip=198.51.100.67")] | .[0].count == 1'
check backtest-stores-nothing [ "$(sql "SELECT count(*) FROM alerts")" = "$alerts" ]
jq -Rs '{rule: ., from: "-1h", max_events: 2}' "$RULE" >"$D/b8"
run btcut "$ANA" /rules/backtest "$D/b8"
check backtest-truncated ok btcut 200 '.truncated == true and .scanned == 2'
jq '{rule: .rule}' "$D/b5" >"$D/b9"
run btbroken "$ANA" /rules/backtest "$D/b9"
check backtest-broken-422 ok btbroken 422 '.status == 422'
# a siemd: section is not simulated: refused, not answered wrongly
jq -Rs '{rule: ., from: "-1h"}' "$TOP/etc/rules/linux/ssh_login_new_source.yml" >"$D/b10"
run btsiemd "$ANA" /rules/backtest "$D/b10"
check backtest-siemd-section-422 ok btsiemd 422 '.detail | test("siemd: baseline or new-value")'
# nor is a correlation: its base rule's hits are not its alerts
jq -Rs '{rule: ., from: "-1h"}' "$TOP/etc/rules/linux/sshd_brute_force.yml" >"$D/b11"
run btcorr "$ANA" /rules/backtest "$D/b11"
check backtest-correlation-422 ok btcorr 422 '.detail | test("correlation")'
run btviewer "$VIC" /rules/backtest "$D/b7"
check backtest-viewer-403 [ "$(cat "$D/btviewer.code")" = 403 ]
run btnoauth "" /rules/backtest "$D/b7"
check backtest-unauthenticated-401 [ "$(cat "$D/btnoauth.code")" = 401 ]

# GET /rules/{id} carries its file's text, read by the parent for any
# role; a file that is no longer a regular file below the rules
# directory is not read
rule_ok() {
	$C -H "Authorization: Bearer $VIC" "$U/rules$1" >"$D/rule.json" &&
	    jq -e "$2" "$D/rule.json" >/dev/null
}
check rule-yaml eventually 150 rule_ok /sshd_login_success \
    '(.yaml | startswith("title: SSH brute force followed by a successful login\n")) and (.yaml | contains("\nname: sshd_login_success\n"))'
check rules-list-no-yaml rule_ok "" '[.data[] | has("yaml")] | any | not'
mv "$D/rules/web/injection_probes.yml" "$D/probes.yml"
ln -s "$D/probes.yml" "$D/rules/web/injection_probes.yml"
check rule-yaml-symlink-refused rule_ok /5a8c2e71-9d4b-4f06-b3e1-0c7d6a9f8b22 \
    '(has("yaml") | not) and .yaml_error == "no such rule file"'
check still-running kill -0 "$PID"
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
