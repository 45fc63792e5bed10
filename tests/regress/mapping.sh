#!/bin/sh
# A configured Sigma mapping (rules mapping "FILE") replaces the
# built-in one: a logsource and fields of its own make a rule load that
# the built-in mapping skips, the rule fires on the events the mapping
# selects, placeholders expand, explain uses the same mapping, and a
# reload with a changed mapping takes it up without restarting any
# process; a broken one is refused and the running one stays.
T=mapping
. tests/regress/lib.sh
require_root
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
command -v jq >/dev/null || { echo "SKIP $T: jq missing"; exit 0; }
setup
write_conf
mkdir -m 0755 "$D/rules" "$D/acme"

# the shipped mapping plus an application of our own
mapping() {
	cat "$TOP/etc/sigma-mapping.yml"
	cat <<EOT

    - name: acme-admin
      product: acme
      service: admin
      when:
          - app: acme
      fields:
          Actor: user_id
          Action: event_type
          Table: data.table
EOT
}
{
	echo "placeholders:"
	echo "    acme_admins: ['root', 'boss']"
	mapping | sed '/^placeholders:/,/^$/d'
} >"$D/mapping.yml"
cat >"$D/rules/acme_delete.yml" <<'EOT'
title: Acme records deleted by an administrator
id: 3b0c3f0e-6a7d-4c84-9f1e-5a2d7c9e1b40
status: test
author: siemd regress
logsource:
    product: acme
    service: admin
detection:
    selection:
        Action: records_deleted
        Actor|expand: '%acme_admins%'
    condition: selection
level: high
EOT

# without the mapping the rule is skipped, with the reason
cat >>"$D/siemd.conf" <<EOT
rules "$D/rules"
tail "$D/acme" { match "*.jsonl" format jsonl start beginning }
EOT
"$SIEMD" -n -f "$D/siemd.conf" >"$D/check0" 2>&1
check "builtin-skips" grep -q "acme_delete.yml: skipped: .*logsource" "$D/check0"
echo "rules mapping \"$D/mapping.yml\"" >>"$D/siemd.conf"
"$SIEMD" -n -f "$D/siemd.conf" >"$D/check1" 2>&1
check "configured-loads" grep -q "^rules: 1 loaded, 0 skipped" "$D/check1"

start || { fail start "siemd did not start"; finish; }
check "rule-loaded" eventually 50 eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*rules_loaded=1"'
F="$D/acme/admin.jsonl"
echo '{"app":"acme","event_type":"records_deleted","user_id":"boss","table":"invoices","message":"boss deleted 40 invoices","src_ip":"192.0.2.10"}' >>"$F"
echo '{"app":"acme","event_type":"records_deleted","user_id":"carol","table":"invoices","message":"carol deleted 2 invoices","src_ip":"192.0.2.11"}' >>"$F"
echo '{"app":"other","event_type":"records_deleted","user_id":"boss","message":"not acme","src_ip":"192.0.2.12"}' >>"$F"
QA="SELECT count(*) FROM alerts WHERE title = 'Acme records deleted by an administrator'"
check "alert-for-admin" wait_sql "$QA AND group_key = 'src_ip=192.0.2.10'" 1
check "events-stored" wait_sql "SELECT count(*) FROM events WHERE event_type = 'records_deleted'" 3
sleep 1
check "no-alert-non-admin" [ "$(sql "$QA AND group_key = 'src_ip=192.0.2.11'")" = 0 ]
check "no-alert-other-app" [ "$(sql "$QA AND group_key = 'src_ip=192.0.2.12'")" = 0 ]

# explain, in the web process, answers with the configured mapping
U="https://127.0.0.1:$P_API/api/v1"
TOKEN=$(curl -sk -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" \
    "$U/auth/login" | jq -r '.access_token // empty')
ID=$(sql "SELECT id FROM events WHERE user_id = 'boss' AND app = 'acme'")
jq -Rs --argjson id "${ID:-0}" '{rule: ., event_id: $id}' \
    "$D/rules/acme_delete.yml" >"$D/b1"
code=$(curl -sk -o "$D/explain.json" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$D/b1" "$U/rules/explain")
check "explain-uses-mapping" eval '[ "$code" = 200 ] && jq -e ".matched == true" "$D/explain.json" >/dev/null'

# a changed mapping is taken up by a reload, with no process restarted
kids=$(children "$PID" | sort | tr '\n' ' ')
{
	echo "placeholders:"
	echo "    acme_admins: ['root', 'boss', 'carol']"
	mapping | sed '/^placeholders:/,/^$/d'
} >"$D/mapping.yml"
"$SIEMCTL" -s "$SOCK" reload >"$D/reload1" 2>&1
check "reload-rules-only" grep -q "rules reloaded" "$D/reload1"
check "reload-same-children" [ "$(children "$PID" | sort | tr '\n' ' ')" = "$kids" ]
check "reloaded" eventually 50 eval '"$SIEMCTL" -s "$SOCK" show status | grep -q "correlate .*reloads=2"'
echo '{"app":"acme","event_type":"records_deleted","user_id":"carol","table":"users","message":"carol deleted 1 user","src_ip":"192.0.2.21"}' >>"$F"
check "new-placeholder-fires" wait_sql "$QA AND group_key = 'src_ip=192.0.2.21'" 1

# a broken mapping is refused at reload: the running one stays
printf 'logsources:\n    - name: x\n      fields:\n          A: nowhere\n' \
    >"$D/mapping.yml"
"$SIEMCTL" -s "$SOCK" reload >"$D/reload2" 2>&1
check "broken-refused" grep -q "invalid" "$D/reload2"
check "broken-logged" grep -q "mapping.yml: line 4" "$D/log"
echo '{"app":"acme","event_type":"records_deleted","user_id":"boss","table":"x","message":"again","src_ip":"192.0.2.22"}' >>"$F"
check "still-fires" wait_sql "$QA AND group_key = 'src_ip=192.0.2.22'" 1
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
