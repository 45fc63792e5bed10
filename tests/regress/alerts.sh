#!/bin/sh
# The alert side of the API against a real daemon: the queue with
# filters and cursors, one alert with its events, triage by an analyst
# (acknowledge, assign, in progress, resolve) with its history, refused
# transitions, roles, notes, bulk changes, statistics, silences and
# the allow-list, and the live stream of alerts.
#
# Alerts come from two places: real ones, raised by the shipped rules
# from a tailed access log, and rows seeded with sqlite3 once the store
# has made the schema, so that every status, severity and time can be
# tested whatever detection raises.
T=alerts
. tests/regress/lib.sh
require_root
require_tools curl jq sqlite3
setup
write_conf
ANA_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
VIC_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >>"$D/secrets.conf" <<EOT
ana-hash "$(echo "$ANA_PW" | "$SIEMCTL" hash-password)"
vic-hash "$(echo "$VIC_PW" | "$SIEMCTL" hash-password)"
EOT
mkdir -m 0755 "$D/web"
cat >>"$D/siemd.conf" <<EOT
user "ana" { role analyst password "ana-hash" }
user "vic" { role viewer password "vic-hash" }
rules "$TOP/etc/rules"
tail "$D/web" { match "*.log" format access start beginning }
allowlist "198.51.100.128/25"
EOT
start || { fail start "siemd did not start"; finish; }
pass start

U="https://127.0.0.1:$P_API/api/v1"
C="curl -sk --max-time 20"
KEY=$(sed -n 's/^ingest-key "\(.*\)"$/\1/p' "$D/secrets.conf")

login() {
	$C -H 'Content-Type: application/json' \
	    -d "{\"username\":\"$1\",\"password\":\"$2\"}" \
	    "$U/auth/login" | jq -r '.access_token // empty'
}
ADMIN=$(login admin "$ADMIN_PW")
ANA=$(login ana "$ANA_PW")
VIC=$(login vic "$VIC_PW")
check login [ -n "$ADMIN" ] && [ -n "$ANA" ] && [ -n "$VIC" ]

# req NAME TOKEN METHOD PATH [BODY]: body in $D/NAME.b, status in $code
req() {
	_n=$1 _t=$2 _m=$3 _p=$4
	if [ $# -ge 5 ]; then
		code=$($C -D "$D/$_n.h" -o "$D/$_n.b" -w '%{http_code}' \
		    -H "Authorization: Bearer $_t" -X "$_m" \
		    -H 'Content-Type: application/json' -d "$5" "$U$_p")
	else
		code=$($C -D "$D/$_n.h" -o "$D/$_n.b" -w '%{http_code}' \
		    -H "Authorization: Bearer $_t" -X "$_m" "$U$_p")
	fi
}
jqb() {
	jq -e "$2" "$D/$1.b" >/dev/null 2>&1
}
# problem NAME STATUS: an RFC 9457 answer with that status
problem() {
	[ "$code" = "$2" ] &&
	    grep -qi '^content-type: application/problem+json' "$D/$1.h" &&
	    jqb "$1" ".status == $2 and (.detail | type) == \"string\""
}
# streamed FILE FILTER: some data line of an SSE capture passes FILTER
streamed() {
	grep '^data: ' "$1" | sed 's/^data: //' |
	    jq -se "any(.[]; $2)" >/dev/null 2>&1
}
# ok NAME STATUS FILTER: that status and the filter holds
ok() {
	[ "$code" = "$2" ] && jqb "$1" "$3"
}

# --- events the seeded alerts point at
printf '%s\n' \
    '{"app":"alerttest","event_type":"login_failure","message":"Failed password for root","src_ip":"10.9.8.7","user_id":"root"}' \
    '{"app":"alerttest","event_type":"login_failure","message":"Failed password for admin","src_ip":"10.9.8.7","user_id":"admin"}' \
    '{"app":"alerttest","event_type":"login_success","message":"Accepted password for admin","src_ip":"10.9.8.7","user_id":"admin"}' \
    >"$D/events.jsonl"
code=$($C -o "$D/ingest.b" -w '%{http_code}' -H "Authorization: Bearer $KEY" \
    --data-binary "@$D/events.jsonl" "$U/ingest")
check ingest [ "$code" = 202 ]
E1=$(sql "SELECT min(id) FROM events WHERE app = 'alerttest'")
E3=$(sql "SELECT max(id) FROM events WHERE app = 'alerttest'")

# --- seeded alerts: the store made the tables; these rows stand in for
# whatever detection would raise (ids 1001..1005, updated in that order)
check schema wait_sql "SELECT count(*) FROM sqlite_master WHERE
    type = 'table' AND name = 'alerts'" 1
NOW=$(( $(date +%s) * 1000000 ))
seed() {
	# id rule severity status assignee group age-minutes
	sql "INSERT INTO alerts (id, key, rule_id, title, author, description,
	    level, severity, tags, group_key, first_seen, last_seen, count,
	    event_ids, events_total, status, assignee, created_at, updated_at)
	    VALUES ($1, 'seed-$1', '$2', 'Seeded $2', 'regress', 'seeded',
	    '$3', '$3', '[\"attack.credential_access\",\"attack.t1110.001\"]',
	    '$6', $NOW - $7 * 60000000, $NOW - $7 * 60000000, 2,
	    '[$E1,$E3]', 2, '$4', $5, $NOW - $7 * 60000000,
	    $NOW - $7 * 60000000 + $1)" >/dev/null
}
seed 1001 ssh-brute high new NULL "src_ip=10.9.8.7" 50
seed 1002 ssh-brute high new NULL "src_ip=10.9.8.8" 40
seed 1003 port-scan low acknowledged "'vic'" "src_ip=192.0.2.1" 30
seed 1004 port-scan medium new NULL "src_ip=192.0.2.2" 20
seed 1005 sudo critical resolved NULL "user=bob" 10
check seeded [ "$(sql "SELECT count(*) FROM alerts WHERE id > 1000")" = 5 ]

# --- the queue
req list "$VIC" GET "/alerts?q=Seeded"
check list-viewer ok list 200 '(.data | length) == 5 and .next_cursor == null'
check list-order ok list 200 '[.data[].id] == [1005, 1004, 1003, 1002, 1001]'
check list-fields jqb list '.data[0] | keys == (["assignee", "author",
    "count", "created_at", "description", "event_ids", "events_total",
    "first_seen", "group_key", "id", "last_seen", "level", "rule_id",
    "severity", "status", "tactics", "tags", "techniques", "title",
    "updated_at"] | sort)'
check list-mitre jqb list '.data[0].tactics == ["credential_access"] and
    .data[0].techniques == ["T1110.001"]'
check list-times jqb list '.data[0].last_seen | test("^[0-9-]{10}T[0-9:.]{15}Z$")'
f() {
	_name=$1 _want=$2 _q=$3
	req "f-$_name" "$VIC" GET "/alerts?$_q"
	_got=$(jq -c '[.data[].id | select(. > 1000)]' "$D/f-$_name.b")
	if [ "$code" = 200 ] && [ "$_got" = "$_want" ]; then
		pass "filter-$_name"
	else
		fail "filter-$_name" "$_q: $code $_got, want $_want"
	fi
}
f status "[1004,1002,1001]" "status=new&q=Seeded"
f status-list "[1004,1003,1002,1001]" "status=new,acknowledged&q=Seeded"
f severity "[1002,1001]" "severity=high&q=Seeded"
f severity-repeat "[1005,1003]" "severity=low&severity=CRITICAL&q=Seeded"
f rule "[1004,1003]" "rule=port-scan"
f rule_id "[1005]" "rule_id=sudo"
f assignee "[1003]" "assignee=vic"
f assignee-none "[1004,1002,1001]" "assignee=none&status=new&q=Seeded"
f q-group "[1001]" "q=10.9.8.7"
f from "[1005,1004]" "from=-25m&q=Seeded"
f to "[1002,1001]" "to=-35m&q=Seeded"
f combined "[1004]" "severity=medium&status=new&rule=port-scan"
req bad-status "$VIC" GET "/alerts?status=open"
check error-status problem bad-status 400
req bad-sev "$VIC" GET "/alerts?severity=urgent"
check error-severity problem bad-sev 400
req bad-param "$VIC" GET "/alerts?stauts=new"
check error-param problem bad-param 400
req bad-from "$VIC" GET "/alerts?from=yesterday"
check error-from problem bad-from 400
req bad-limit "$VIC" GET "/alerts?limit=0"
check error-limit problem bad-limit 400
code=$($C -D "$D/noauth.h" -o "$D/noauth.b" -w '%{http_code}' "$U/alerts")
check unauthorized problem noauth 401

# --- cursors
req c1 "$VIC" GET "/alerts?q=Seeded&limit=2"
CUR=$(jq -r '.next_cursor // empty' "$D/c1.b")
check cursor-first [ -n "$CUR" ] && ok c1 200 '[.data[].id] == [1005, 1004]'
req c2 "$VIC" GET "/alerts?q=Seeded&limit=2&cursor=$CUR"
CUR2=$(jq -r '.next_cursor // empty' "$D/c2.b")
check cursor-second ok c2 200 '[.data[].id] == [1003, 1002]'
req c3 "$VIC" GET "/alerts?q=Seeded&limit=2&cursor=$CUR2"
check cursor-last ok c3 200 '[.data[].id] == [1001] and .next_cursor == null'
req c4 "$VIC" GET "/alerts?q=Seeded&status=new&limit=2&cursor=$CUR"
check cursor-other-filters problem c4 400
req c5 "$VIC" GET "/alerts?q=Seeded&limit=2&cursor=${CUR}x"
check cursor-tampered problem c5 400

# --- one alert
req one "$VIC" GET /alerts/1001
check detail ok one 200 '.id == 1001 and .rule_id == "ssh-brute" and
    .events_total == 2 and .notes == [] and .history == []'
check detail-events jqb one "[.events[].id] == [$E1, $E3] and
    .events[0].app == \"alerttest\""
req missing "$VIC" GET /alerts/999999
check detail-missing problem missing 404
req notid "$VIC" GET /alerts/abc
check detail-not-an-id problem notid 404

# --- live stream, then triage of 1001 by the analyst
$C -N --max-time 4 "$U/stream/alerts?access_token=$ANA" >"$D/sse" 2>/dev/null &
SSE=$!
sleep 0.5
req vp "$VIC" PATCH /alerts/1001 '{"status":"acknowledged"}'
check viewer-patch-403 problem vp 403
req ack "$ANA" PATCH /alerts/1001 '{"status":"acknowledged"}'
check acknowledge ok ack 200 '.id == 1001 and .status == "acknowledged"'
i=0
while [ $i -lt 10 ] && ! grep -q '"status":"acknowledged"' "$D/sse"; do
	sleep 0.1
	i=$((i + 1))
done
check stream-update-within-1s streamed "$D/sse" '.change == "updated"
    and .alert.id == 1001 and .alert.status == "acknowledged"'
kill $SSE 2>/dev/null
wait $SSE 2>/dev/null
check stream-opened grep -q '^: stream open' "$D/sse"

req assign "$ANA" PATCH /alerts/1001 '{"assignee":"ana"}'
check assign-to-me ok assign 200 '.assignee == "ana" and .status == "acknowledged"'
req prog "$ANA" PATCH /alerts/1001 '{"status":"in_progress","note":"on it"}'
check in-progress ok prog 200 '.status == "in_progress"'
req res "$ANA" PATCH /alerts/1001 '{"status":"resolved"}'
check resolved ok res 200 '.status == "resolved" and .assignee == "ana"'
req hist "$VIC" GET /alerts/1001
check history ok hist 200 '[.history[] | [.who, .action, .from_status,
    .to_status]] == [["ana", "status", "new", "acknowledged"],
    ["ana", "assigned", null, null], ["ana", "status", "acknowledged",
    "in_progress"], ["ana", "status", "in_progress", "resolved"]]'
check history-when jqb hist '[.history[].at | test("^[0-9-]{10}T")] | all'
check history-note jqb hist '.history[2].note == "on it" and
    .notes[0].note == "on it" and .notes[0].who == "ana"'
# resuming: from the id of the last message seen, the alerts changed
# since, each in its state now, then live
LID=$(sed -n 's/^id: //p' "$D/sse" | tail -n 1)
check stream-ids [ -n "$LID" ] && [ "$LID" -gt 0 ]
$C -N --max-time 3 "$U/stream/alerts" -H "Authorization: Bearer $VIC" \
    -H "Last-Event-ID: $LID" >"$D/sse-resume" 2>/dev/null
check stream-resume streamed "$D/sse-resume" '.alert.id == 1001 and
    .alert.status == "resolved" and .alert.assignee == "ana"'
check stream-resume-only-changed [ "$(grep -c '^data: ' "$D/sse-resume")" = 1 ]
check stream-resume-id-advances [ "$(sed -n 's/^id: //p' "$D/sse-resume")" -gt "$LID" ]
code=$($C -o "$D/sse-bad" -w '%{http_code}' --max-time 3 \
    "$U/stream/alerts?since=yesterday" -H "Authorization: Bearer $VIC")
check stream-resume-bad-id [ "$code" = 400 ]
req resagain "$ANA" PATCH /alerts/1001 '{"status":"new"}'
check reopen-to-new-409 problem resagain 409
req reopen "$ANA" PATCH /alerts/1001 '{"status":"acknowledged"}'
check reopen ok reopen 200 '.status == "acknowledged"'
req unassign "$ANA" PATCH /alerts/1001 '{"assignee":null}'
check unassign ok unassign 200 '.assignee == null'
check updated-moves-up eval '$C -H "Authorization: Bearer $VIC" \
    "$U/alerts?limit=1" | jq -e ".data[0].id == 1001" >/dev/null'

# --- refused changes
req skip "$ANA" PATCH /alerts/1005 '{"status":"in_progress"}'
check invalid-transition-409 problem skip 409
check invalid-transition-detail jqb skip '.detail | test("resolved cannot become in_progress")'
check invalid-transition-unchanged [ "$(sql "SELECT status FROM alerts WHERE id = 1005")" = resolved ]
req badval "$ANA" PATCH /alerts/1002 '{"status":"done"}'
check bad-status-400 problem badval 400
req badmem "$ANA" PATCH /alerts/1002 '{"state":"new"}'
check bad-member-400 problem badmem 400
req badjson "$ANA" PATCH /alerts/1002 '{"status":'
check bad-json-400 problem badjson 400
req empty "$ANA" PATCH /alerts/1002 '{}'
check empty-body-400 problem empty 400
req idbody "$ANA" PATCH /alerts/1002 '{"id":1,"status":"acknowledged"}'
check id-in-body-400 problem idbody 400
code=$($C -D "$D/notype.h" -o "$D/notype.b" -w '%{http_code}' -X PATCH \
    -H "Authorization: Bearer $ANA" -d '{"status":"acknowledged"}' \
    "$U/alerts/1002")
check no-content-type-415 problem notype 415
req nopatch "$ANA" PATCH /alerts/999999 '{"status":"acknowledged"}'
check patch-missing-404 problem nopatch 404

# --- notes
req note "$ANA" POST /alerts/1002/notes '{"note":"same source as 1001"}'
check note-201 ok note 201 '.note == "same source as 1001" and .who == "ana"
    and .alert_id == 1002'
req vnote "$VIC" POST /alerts/1002/notes '{"note":"x"}'
check note-viewer-403 problem vnote 403
req enote "$ANA" POST /alerts/1002/notes '{"note":""}'
check note-empty-400 problem enote 400
req n2 "$VIC" GET /alerts/1002
check note-shown ok n2 200 '.notes[0].note == "same source as 1001" and
    .history[0].action == "note" and .status == "new"'

# --- bulk: 1001 is in progress and cannot go back to acknowledged
req prog2 "$ANA" PATCH /alerts/1001 '{"status":"in_progress"}'
req bulk "$ANA" POST /alerts/bulk '{"ids":[1002,1004,1001,999999],"status":"acknowledged","assignee":"ana"}'
check bulk ok bulk 200 '[.data[] | [.id, .status]] == [[1002, 200],
    [1004, 200], [1001, 409], [999999, 404]]'
check bulk-applied [ "$(sql "SELECT group_concat(id) FROM (SELECT id FROM
    alerts WHERE assignee = 'ana' AND status = 'acknowledged' AND id > 1000
    ORDER BY id)")" = "1002,1004" ]
req vbulk "$VIC" POST /alerts/bulk '{"ids":[1002],"note":"x"}'
check bulk-viewer-403 problem vbulk 403
req bbulk "$ANA" POST /alerts/bulk '{"ids":"1002","note":"x"}'
check bulk-bad-ids-400 problem bbulk 400

# --- statistics
req stats "$VIC" GET /alerts/stats
check stats ok stats 200 '(.over_time | length) == 24 and .bucket == "hour"
    and .by_status.acknowledged >= 3 and .by_severity.high >= 2 and
    ([.by_rule[].rule_id] | index("port-scan")) != null and
    ([.over_time[].total] | add) >= 5'
req stats30 "$VIC" GET "/alerts/stats?window=30d"
check stats-30d ok stats30 200 '(.over_time | length) == 30 and .bucket == "day"'
req statsbad "$VIC" GET "/alerts/stats?window=1y"
check stats-bad-window problem statsbad 400

# --- silences: admins write, everyone reads
FUT=$(date -u -d '+2 hours' '+%Y-%m-%dT%H:%M:%SZ')
PAST=$(date -u -d '-2 hours' '+%Y-%m-%dT%H:%M:%SZ')
req sil "$ADMIN" POST /silences "{\"rule_id\":\"port-scan\",\"reason\":\"scanner test\",\"expires_at\":\"$FUT\"}"
check silence-create ok sil 201 '.owner == "admin" and .rule_id == "port-scan"
    and .active == true and .group_key == null'
SID=$(jq -r .id "$D/sil.b")
req asil "$ANA" POST /silences "{\"rule_id\":\"x\",\"reason\":\"r\",\"expires_at\":\"$FUT\"}"
check silence-analyst-403 problem asil 403
req psil "$ADMIN" POST /silences "{\"rule_id\":\"x\",\"reason\":\"r\",\"expires_at\":\"$PAST\"}"
check silence-past-400 problem psil 400
req bsil "$ADMIN" POST /silences '{"rule_id":"x","reason":"r","expires_at":"soon"}'
check silence-bad-time-400 problem bsil 400
req rsil "$ADMIN" POST /silences "{\"rule_id\":\"x\",\"expires_at\":\"$FUT\"}"
check silence-no-reason-400 problem rsil 400
req lsil "$VIC" GET /silences
check silence-list ok lsil 200 "[.data[].id] == [$SID]"
FUT2=$(date -u -d '+3 hours' '+%Y-%m-%dT%H:%M:%SZ')
req esil "$ADMIN" PATCH "/silences/$SID" "{\"reason\":\"longer test\",\"expires_at\":\"$FUT2\"}"
check silence-edit ok esil 200 ".id == $SID and .reason == \"longer test\"
    and .rule_id == \"port-scan\" and (.expires_at | startswith(\"${FUT2%Z}\"))
    and .active == true"
req esil2 "$ADMIN" PATCH "/silences/$SID" '{"group_key":"src_ip=192.0.2.1"}'
check silence-edit-keeps-others ok esil2 200 '.reason == "longer test" and
    .rule_id == "port-scan" and .group_key == "src_ip=192.0.2.1"'
req esila "$ANA" PATCH "/silences/$SID" '{"reason":"mine"}'
check silence-edit-analyst-403 problem esila 403
req esilp "$ADMIN" PATCH "/silences/$SID" "{\"expires_at\":\"$PAST\"}"
check silence-edit-past-400 problem esilp 400
req esilk "$ADMIN" PATCH "/silences/$SID" '{"owner":"me"}'
check silence-edit-unknown-member-400 problem esilk 400
req esiln "$ADMIN" PATCH "/silences/999999" '{"reason":"r"}'
check silence-edit-missing-404 problem esiln 404
req lsil2 "$VIC" GET /silences
check silence-edit-stored ok lsil2 200 '.data[0].reason == "longer test"'
req dsilv "$ANA" DELETE "/silences/$SID"
check silence-delete-analyst-403 problem dsilv 403
req dsil "$ADMIN" DELETE "/silences/$SID"
check silence-delete [ "$code" = 204 ]
req dsil2 "$ADMIN" DELETE "/silences/$SID"
check silence-delete-again-404 problem dsil2 404

# --- allow-list
req al "$ADMIN" POST /allowlist '{"cidr":"10.0.0.0/8","comment":"inside"}'
check allow-create ok al 201 '.cidr == "10.0.0.0/8" and .owner == "admin"'
AID=$(jq -r .id "$D/al.b")
req al6 "$ADMIN" POST /allowlist '{"cidr":"2001:DB8::1"}'
check allow-create-v6 ok al6 201 '.cidr == "2001:db8::1" and .comment == null'
req aldup "$ADMIN" POST /allowlist '{"cidr":"10.0.0.0/8"}'
check allow-duplicate-409 problem aldup 409
req albad "$ADMIN" POST /allowlist '{"cidr":"10.0.0.0/33"}'
check allow-bad-prefix-400 problem albad 400
req alhost "$ADMIN" POST /allowlist '{"cidr":"10.1.2.3/8"}'
check allow-host-bits-400 problem alhost 400
req alname "$ADMIN" POST /allowlist '{"cidr":"example.com"}'
check allow-name-400 problem alname 400
req alana "$ANA" POST /allowlist '{"cidr":"192.0.2.0/24"}'
check allow-analyst-403 problem alana 403
req allist "$VIC" GET /allowlist
check allow-list ok allist 200 '[.data[] | select(.owner != "config") | .cidr] ==
    ["10.0.0.0/8", "2001:db8::1"]'
check allow-list-config ok allist 200 '[.data[] | select(.owner == "config")] ==
    [{"id": null, "cidr": "198.51.100.128/25", "comment": "siemd.conf",
    "owner": "config", "created_at": null}]'
req aled "$ADMIN" PATCH "/allowlist/$AID" '{"comment":"the inside"}'
check allow-edit ok aled 200 ".id == $AID and .cidr == \"10.0.0.0/8\" and
    .comment == \"the inside\""
req aled2 "$ADMIN" PATCH "/allowlist/$AID" '{"cidr":"10.0.0.0/9"}'
check allow-edit-cidr ok aled2 200 '.cidr == "10.0.0.0/9" and .comment == "the inside"'
req aled3 "$ADMIN" PATCH "/allowlist/$AID" '{"cidr":"2001:db8::1"}'
check allow-edit-duplicate-409 problem aled3 409
req aled4 "$ADMIN" PATCH "/allowlist/$AID" '{"cidr":"10.1.2.3/8"}'
check allow-edit-host-bits-400 problem aled4 400
req aled5 "$ANA" PATCH "/allowlist/$AID" '{"comment":"x"}'
check allow-edit-analyst-403 problem aled5 403
req aldel "$ADMIN" DELETE "/allowlist/$AID"
check allow-delete [ "$code" = 204 ]
req aldel2 "$ADMIN" DELETE "/allowlist/$AID"
check allow-delete-again-404 problem aldel2 404

# --- a real alert: the shipped scanner rule on a tailed access log
$C -N --max-time 8 "$U/stream/alerts" -H "Authorization: Bearer $VIC" \
    >"$D/sse2" 2>/dev/null &
SSE=$!
sleep 0.5
now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
echo "203.0.113.9 - - [$now] \"GET /admin HTTP/1.1\" 404 0 \"-\" \"sqlmap/1.7.2#stable (https://sqlmap.org)\"" \
    >>"$D/web/access.log"
QR="SELECT count(*) FROM alerts WHERE group_key = 'src_ip=203.0.113.9'"
if wait_sql "$QR" 1 100 >/dev/null; then
	RID=$(sql "SELECT id FROM alerts WHERE group_key = 'src_ip=203.0.113.9'")
	req real "$VIC" GET "/alerts/$RID"
	check real-alert ok real 200 '.title == "Web vulnerability scanner user agent"
	    and .tactics == ["reconnaissance"] and .techniques == ["T1595.002"]
	    and .status == "new" and (.events | length) == 1 and
	    (.events[0].user_agent | test("sqlmap")) and
	    .history[0].action == "created"'
	echo "203.0.113.9 - - [$now] \"GET /login HTTP/1.1\" 404 0 \"-\" \"Nikto/2.5\"" \
	    >>"$D/web/access.log"
	check real-merged wait_sql "SELECT count FROM alerts WHERE id = $RID" 2
	sleep 0.5
	check stream-created streamed "$D/sse2" ".change == \"created\" and
	    .alert.id == $RID and .alert.techniques == [\"T1595.002\"]"
	check stream-merged-read-back streamed "$D/sse2" ".change ==
	    \"updated\" and .alert.id == $RID and .alert.count == 2"
	req realack "$ANA" PATCH "/alerts/$RID" '{"status":"acknowledged"}'
	check real-acknowledge ok realack 200 '.status == "acknowledged" and .count == 2'
else
	skip real-alert "detection raised no alert from the shipped rules"
fi
kill $SSE 2>/dev/null
wait $SSE 2>/dev/null

# --- an address of the configured allow-list raises nothing, whatever
# the rule: its hits are dropped before any detection or correlation
# counts them
hits() { "$SIEMCTL" -s "$SOCK" show status | sed -n 's/^correlate .*allowlisted_hits=\([0-9]*\).*/\1/p'; }
h0=$(hits)
now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
echo "198.51.100.200 - - [$now] \"GET /admin HTTP/1.1\" 404 0 \"-\" \"sqlmap/1.7.2#stable (https://sqlmap.org)\"" \
    >>"$D/web/access.log"
echo "198.51.100.20 - - [$now] \"GET /admin HTTP/1.1\" 404 0 \"-\" \"sqlmap/1.7.2#stable (https://sqlmap.org)\"" \
    >>"$D/web/access.log"
check allowlisted-neighbour-alerted wait_sql "SELECT count(*) FROM alerts WHERE group_key = 'src_ip=198.51.100.20'" 1
check allowlisted-source-quiet [ "$(sql "SELECT count(*) FROM alerts WHERE group_key = 'src_ip=198.51.100.200'")" = 0 ]
check allowlisted-hits-counted eventually 100 eval '[ "$(hits)" -gt "${h0:-0}" ]'

# --- a logout ends the alert streams of its token at once
VIC2=$(login vic "$VIC_PW")
$C -N --max-time 15 "$U/stream/alerts" -H "Authorization: Bearer $VIC2" \
    >"$D/sse3" 2>/dev/null &
SSE=$!
sleep 0.5
$C -o /dev/null -X POST -H "Authorization: Bearer $VIC2" "$U/auth/logout"
t0=$(date +%s)
wait $SSE
check stream-alerts-revoked-ends [ $(($(date +%s) - t0)) -le 5 ]
check stream-alerts-revoked-told grep -q '"reason":"token revoked"' "$D/sse3"

# --- the OpenAPI document describes every alert route
code=$($C -o "$D/openapi.b" -w '%{http_code}' "https://127.0.0.1:$P_API/openapi.json")
check openapi ok openapi 200 '.components.schemas.Alert.properties.techniques
    and .paths["/api/v1/alerts/{id}"].patch.requestBody and
    .paths["/api/v1/alerts"].get.responses["200"] and
    .paths["/api/v1/silences"].post["x-siemd-auth"] == "admin" and
    .paths["/api/v1/allowlist/{id}"].delete.responses["204"] and
    .paths["/api/v1/allowlist/{id}"].patch.requestBody and
    .paths["/api/v1/silences/{id}"].patch["x-siemd-auth"] == "admin"'

stop
check stop-status-0 [ "$STATUS" = 0 ]
finish
