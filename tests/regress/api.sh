#!/bin/sh
# The read side of the API and HTTP ingest against a real daemon: a
# login, events sent over POST /ingest and syslog, then every search
# filter, cursors (also while events keep arriving), single events,
# page sizes, exports, inventories, statistics, facets, status and
# readiness, errors as problem details, and live streams with
# resumption, keepalives, and the gap that ends a slow reader's stream.
T=api
. tests/regress/lib.sh
require_root
require_tools curl jq logger awk sort uniq
setup
write_conf
start || { fail start "siemd did not start"; finish; }
pass start

U="https://127.0.0.1:$P_API/api/v1"
C="curl -sk --max-time 20"
KEY=$(sed -n 's/^ingest-key "\(.*\)"$/\1/p' "$D/secrets.conf")

TOKEN=$($C -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" \
    "$U/auth/login" | jq -r '.access_token // empty')
check login [ -n "$TOKEN" ]
AUTH="Authorization: Bearer $TOKEN"

# get NAME PATH [curl args]: body in $D/NAME.b, status in $code
get() {
	_n=$1 _p=$2
	shift 2
	code=$($C -D "$D/$_n.h" -o "$D/$_n.b" -w '%{http_code}' -H "$AUTH" \
	    "$@" "$U$_p")
}
# jqb NAME FILTER: jq -e on a body
jqb() {
	jq -e "$2" "$D/$1.b" >/dev/null 2>&1
}
# jqf FILTER FILE: jq -e, quietly
jqf() {
	jq -e "$1" "$2" >/dev/null 2>&1
}
# problem NAME STATUS: an RFC 9457 answer with that status
problem() {
	[ "$code" = "$2" ] &&
	    grep -qi '^content-type: application/problem+json' "$D/$1.h" &&
	    jqb "$1" ".status == $2 and (.detail | type) == \"string\""
}
# count PATH: how many events /events returns, or "HTTP <status>" when
# it is not a 200, so that a refused filter never passes as 0 events
count() {
	_st=$($C -o "$D/count.b" -w '%{http_code}' -H "$AUTH" "$U$1")
	if [ "$_st" = 200 ]; then
		jq '.data | length' "$D/count.b"
	else
		echo "HTTP $_st"
	fi
}
# ingest BODY-FILE: POST it with the ingest key; answer in $D/ingest.b
ingest() {
	code=$($C -o "$D/ingest.b" -w '%{http_code}' \
	    -H "Authorization: Bearer $KEY" \
	    -H 'Content-Type: application/x-ndjson' --data-binary "@$1" \
	    "$U/ingest")
}

# --- authentication
code=$($C -D "$D/noauth.h" -o "$D/noauth.b" -w '%{http_code}' "$U/events")
check unauthorized problem noauth 401
code=$($C -D "$D/badkey.h" -o "$D/badkey.b" -w '%{http_code}' \
    -H "Authorization: Bearer not-the-key" -d '{}' "$U/ingest")
check ingest-wrong-key problem badkey 401

# --- HTTP ingest: JSON lines with a bad one, an array, one object
cat >"$D/batch.jsonl" <<'EOT'
{"ts":"2026-11-03T10:00:00Z","app":"apitest","event_type":"login_failure","level":"warning","message":"Failed password for alice","user_id":"alice","src_ip":"10.1.2.3","dest_ip":"192.0.2.1","request_id":"req-1","host":"web1"}
{this is not json
{"ts":"2026-11-03T10:00:01Z","app":"apitest","event_type":"http_request","level":"ERROR","message":"upstream timeout on checkout","src_ip":"10.200.0.9","http":{"method":"POST","path":"/api/v1/checkout","status":503},"request_id":"req-2","host":"web2"}
{"ts":"2026-11-03T10:00:02Z","app":"apitest","event_type":"http_request","level":"INFO","message":"served the home page","src_ip":"100.0.0.1","http":{"method":"GET","path":"/index.html","status":200},"request_id":"req-3","host":"web1"}
{"ts":"2026-11-03T10:00:03Z","app":"apitest","event_type":"http_request","level":"INFO","message":"not found: favicon","src_ip":"2001:db8::7","http":{"method":"GET","path":"/favicon.ico","status":404},"request_id":"req-4","host":"web2"}
EOT
ingest "$D/batch.jsonl"
check ingest-lines [ "$code" = 202 ]
check ingest-counts jqf '.accepted == 5 and .stored == 5 and
    (.errors | length) == 1 and .errors[0].line == 2' "$D/ingest.b"
check ingest-bad-stored wait_sql "SELECT count(*) FROM events WHERE
    event_type = 'parse_error' AND raw = '{this is not json'" 1
echo '[{"app":"apiarray","message":"one"},{"app":"apiarray","message":"two"}]' \
    >"$D/array.json"
ingest "$D/array.json"
check ingest-array jqf '.accepted == 2 and .stored == 2' "$D/ingest.b"
printf '{\n  "app": "apiobject",\n  "message": "pretty printed"\n}\n' \
    >"$D/object.json"
ingest "$D/object.json"
check ingest-object jqf '.accepted == 1 and .stored == 1' "$D/ingest.b"
: >"$D/empty.json"
ingest "$D/empty.json"
check ingest-empty [ "$code" = 400 ]

# --- syslog
logger -n 127.0.0.1 -P "$P_SYSLOG" -d -t apisyslog \
    "Accepted publickey for bob from 198.51.100.4 port 4242 ssh2"
check syslog-stored wait_sql "SELECT count(*) FROM events
    WHERE app = 'apisyslog'" 1
check syslog-searchable [ "$(count '/events?app=apisyslog')" = 1 ]

# --- filters, one by one
f() {
	_name=$1 _want=$2 _q=$3
	_got=$(count "/events?app=apitest&$_q")
	if [ "$_got" = "$_want" ]; then
		pass "filter-$_name"
	else
		fail "filter-$_name" "$_q: $_got events, want $_want"
	fi
}
f all 4 "limit=1000"
f event_type 3 "event_type=http_request"
f event_type-list 4 "event_type=http_request,login_failure"
f level-nocase 2 "level=info"
f severity 1 "severity=$(sql "SELECT severity FROM events WHERE
    request_id = 'req-1'")&request_id=req-1"
f host 2 "host=web2"
f host-repeat 4 "host=web1&host=web2"
f user_id 1 "user_id=alice"
f src_ip 1 "src_ip=10.1.2.3"
f src_ip-cidr 2 "src_ip=10.0.0.0/8"
f src_ip-cidr6 1 "src_ip=2001:db8::/32"
f dest_ip 1 "dest_ip=192.0.2.1"
f request_id 2 "request_id=req-3,req-4"
f http_status 1 "http_status=404"
f http_status-class 1 "http_status=5xx"
f http_status-range 2 "http_status=400-599"
f source_type 4 "source_type=http"
f from 3 "from=2026-11-03T10:00:01Z"
f to 2 "to=2026-11-03T10:00:01Z"
f from-to 2 "from=2026-11-03T10:00:01Z&to=2026-11-03T10:00:02.5Z"
f relative 0 "from=-1h"
f not-host 2 "not_host=web2"
f not-list 2 "not_event_type=login_failure&not_host=web1,nosuch"
f not-null-kept 4 "not_user_id=nobody"
f not-level-nocase 2 "not_level=INFO"
f q-word 1 "q=timeout"
f q-phrase 1 "q=%22home+page%22"
f q-prefix 1 "q=time*"
f q-or 2 "q=timeout+OR+favicon"
f q-not 2 "q=served+OR+favicon+OR+timeout+-checkout"
f q-path 1 "q=checkout&http_status=503"
f contains 1 "contains=/api/v1/chec"
f combined 1 "src_ip=10.0.0.0/8&http_status=5xx&q=upstream"
f nothing 0 "event_type=nosuchtype"

# --- errors are problem details
get bad-from "/events?from=yesterday"
check error-from problem bad-from 400
get bad-q "/events?q=%22open"
check error-q problem bad-q 400
get bad-limit "/events?limit=abc"
check error-limit problem bad-limit 400
get bad-param "/events?sevrity=high"
check error-param problem bad-param 400
get bad-status "/events?http_status=5x"
check error-status problem bad-status 400
get bad-cidr "/events?src_ip=10.0.0.0/40"
check error-cidr problem bad-cidr 400

# --- single events
ID=$(sql "SELECT id FROM events WHERE request_id = 'req-2'")
get one "/events/$ID"
check event-by-id jqb one ".id == $ID and .http_path == \"/api/v1/checkout\"
    and .http_status == 503 and (.ts | test(\"^2026-11-03T10:00:01.000000Z$\"))"
get missing /events/99999999
check event-missing problem missing 404
get event-data "/events?app=apiarray&limit=1"
check event-shape jqb event-data '.data[0] | has("received_at") and
    has("data_json") and has("raw") and (.ts | endswith("Z"))'

# --- cursors
get p1 "/events?app=apitest&limit=3"
CUR=$(jq -r '.next_cursor // empty' "$D/p1.b")
check cursor-first eval '[ -n "$CUR" ] && jqb p1 ".data | length == 3"'
get p2 "/events?app=apitest&limit=3&cursor=$CUR"
check cursor-next jqb p2 '(.data | length) == 1 and .next_cursor == null'
check cursor-order [ "$(jq '.data[-1].id' "$D/p1.b")" -gt \
    "$(jq '.data[0].id' "$D/p2.b")" ]
get p3 "/events?app=apiarray&limit=3&cursor=$CUR"
check cursor-other-filters problem p3 400
BAD=$(echo "$CUR" | awk '{ c = substr($0, 20, 1) == "A" ? "B" : "A";
    print substr($0, 1, 19) c substr($0, 21) }')
get p4 "/events?app=apitest&limit=3&cursor=$BAD"
check cursor-tampered problem p4 400

# --- paging while events arrive: every old event exactly once
jsonl 300 1 | sed 's/MoneyControl/pagetest/' >"$D/page.jsonl"
ingest "$D/page.jsonl"
check page-ingest jqf '.stored == 300' "$D/ingest.b"
(
	i=0
	while [ $i -lt 20 ]; do
		jsonl 20 $((1000 + i * 20)) | sed 's/MoneyControl/pagetest/' \
		    >"$D/more.$i"
		curl -sk --max-time 20 -o /dev/null \
		    -H "Authorization: Bearer $KEY" \
		    --data-binary "@$D/more.$i" "$U/ingest"
		i=$((i + 1))
	done
) &
LOOP=$!
: >"$D/ids"
CUR=""
FIRST=""
n=0
while [ $n -lt 100 ]; do
	get page "/events?app=pagetest&limit=37${CUR:+&cursor=$CUR}"
	[ "$code" = 200 ] || break
	jq '.data[].id' "$D/page.b" >>"$D/ids"
	[ -n "$FIRST" ] || FIRST=$(jq '.data[0].id' "$D/page.b")
	CUR=$(jq -r '.next_cursor // empty' "$D/page.b")
	[ -n "$CUR" ] || break
	n=$((n + 1))
	sleep 0.05
done
wait $LOOP
sql "SELECT id FROM events WHERE app = 'pagetest' AND id <= $FIRST
    ORDER BY id" >"$D/want"
sort -n "$D/ids" | awk -v f="$FIRST" '$1 <= f' >"$D/got"
check page-complete cmp -s "$D/want" "$D/got"
check page-no-duplicates [ -z "$(sort "$D/ids" | uniq -d)" ]
check page-grew [ "$(sql "SELECT count(*) FROM events
    WHERE app = 'pagetest'")" -gt 300 ]

# --- export
WANT=$(sql "SELECT count(*) FROM events WHERE app = 'pagetest'")
$C -H "$AUTH" -o "$D/export.jsonl" "$U/events/export?app=pagetest"
check export-jsonl [ "$(jq -c 'select(.app == "pagetest") | .id' \
    "$D/export.jsonl" | sort -u | wc -l)" = "$WANT" ]
$C -H "$AUTH" -o "$D/export.csv" "$U/events/export?format=csv&app=apitest"
check export-csv eval '[ "$(head -n 1 "$D/export.csv" | cut -d, -f1-3)" = \
    "id,ts,received_at" ] && [ "$(wc -l <"$D/export.csv")" = 5 ]'
$C -H "$AUTH" -o "$D/export.ecs" \
    "$U/events/export?format=ecs&app=apitest&http_status=503"
check export-ecs jqf 'has("@timestamp") and
    .http.response.status_code == 503 and .url.path == "/api/v1/checkout"
    and .source.ip == "10.200.0.9"' "$D/export.ecs"
# more than one page (API_EXPORT_PAGE), read slowly: every event once
jsonl 4500 1 | sed 's/MoneyControl/bulk/' >"$D/bulk.jsonl"
ingest "$D/bulk.jsonl"
check bulk-ingest jqf '.accepted == 4500 and .stored == 4500' \
    "$D/ingest.b"
curl -sk --max-time 60 --limit-rate 2M -H "$AUTH" -o "$D/bulk.out" \
    "$U/events/export?app=bulk"
check export-pages eval '[ "$(jq -r .id "$D/bulk.out" | sort -u |
    wc -l)" = 4500 ] && [ "$(wc -l <"$D/bulk.out")" = 4500 ]'
$C -H "$AUTH" -o "$D/bulk.csv" "$U/events/export?app=bulk&format=csv"
check export-csv-pages [ "$(wc -l <"$D/bulk.csv")" = 4501 ]
get export-bad "/events/export?format=xml"
check export-format problem export-bad 400

# --- page size: 200 by default, larger than 1000 taken as 1000, and
# anything but a positive whole number a 400
get lim-default "/events?app=bulk"
check limit-default eval '[ "$code" = 200 ] && jqb lim-default \
    "(.data | length) == 200 and (.next_cursor | type) == \"string\""'
get lim-max "/events?app=bulk&limit=1000"
check limit-1000 eval '[ "$code" = 200 ] &&
    jqb lim-max "(.data | length) == 1000"'
get lim-over "/events?app=bulk&limit=1001"
check limit-clamped eval '[ "$code" = 200 ] && jqb lim-over \
    "(.data | length) == 1000 and (.next_cursor | type) == \"string\""'
get lim-huge "/events?app=bulk&limit=1000000"
check limit-clamped-huge eval '[ "$code" = 200 ] &&
    jqb lim-huge "(.data | length) == 1000"'
get lim-one "/events?app=bulk&limit=1"
check limit-one jqb lim-one '(.data | length) == 1'
for v in 0:zero -1:negative 1.5:fraction 10x:trailing +-5:sign; do
	get lim "/events?app=bulk&limit=${v%%:*}"
	check "limit-${v#*:}-400" problem lim 400
done
check count-refused [ "$(count '/events?limit=0')" = "HTTP 400" ]

# --- inventories
get apps /apps
check apps jqb apps '[.data[] | select(.app == "apitest")][0].count == 4'
get types "/event-types?app=apitest"
check event-types jqb types '[.data[].event_type] ==
    ["http_request", "login_failure"]'
get hosts /hosts
check hosts jqb hosts '[.data[] | select(.name == "web2")][0] |
    .count == 2 and (.severity | has("info")) and (.first_seen | type) ==
    "string"'
get host /hosts/web1
check host jqb host '.name == "web1" and (.top_event_types | length) > 0
    and (.recent_events | length) == 2'
get nohost /hosts/nosuchhost
check host-missing problem nohost 404

# --- statistics
TOTAL=$(sql "SELECT count(*) FROM events")
get stats /stats
check stats jqb stats ".total >= $TOTAL and (.last_24h | has(\"critical\"))
    and (.top_apps | length) > 0 and (.events_per_second | type) ==
    \"number\""
get timeline \
    "/timeline?from=2026-11-03T09:00:00Z&to=2026-11-03T11:00:00Z&bucket=1h"
check timeline jqb timeline '(.data | length) == 3 and
    .data[1].total >= 4 and (.data[1] | has("medium"))'
get timeline-bad "/timeline?bucket=7s"
check timeline-bucket problem timeline-bad 400
get top "/top?field=src_ip&app=apitest"
check top jqb top '(.data | length) == 4 and all(.data[]; .count == 1)'
get top-status "/top?field=http_status&app=apitest&from=2026-11-03T10:00:02Z"
check top-filtered jqb top-status '[.data[].value] | sort == [200, 404]'
get top-bad "/top?field=password"
check top-field problem top-bad 400

# --- status and readiness
get status /status
check status jqb status '[.processes[].name] | index("query") and
    index("store") and index("web")' 
check status-pids jqb status 'all(.processes[]; .pid > 0 and .alive)'
code=$($C -o "$D/ready.b" -w '%{http_code}' \
    "https://127.0.0.1:$P_API/readyz")
check readyz [ "$code" = 200 ]

# --- live stream: a syslog line arrives within a second
$C -N --max-time 6 -H "$AUTH" -o "$D/sse.out" \
    "$U/stream/events?app=apilive" &
SSE=$!
sleep 1
logger -n 127.0.0.1 -P "$P_SYSLOG" -d -t apilive "live line one"
i=0
while [ $i -lt 10 ] && ! grep -q 'live line one' "$D/sse.out"; do
	sleep 0.1
	i=$((i + 1))
done
check sse-live grep -q 'live line one' "$D/sse.out"
wait $SSE
check sse-id grep -q '^id: [0-9]' "$D/sse.out"
LIVE1=$(sql "SELECT id FROM events WHERE app = 'apilive'")

# resuming: the events after Last-Event-ID come from the database
logger -n 127.0.0.1 -P "$P_SYSLOG" -d -t apilive "live line two"
logger -n 127.0.0.1 -P "$P_SYSLOG" -d -t apilive "live line three"
wait_sql "SELECT count(*) FROM events WHERE app = 'apilive'" 3 >/dev/null
$C -N --max-time 2 -H "$AUTH" -H "Last-Event-ID: $LIVE1" \
    -o "$D/sse2.out" "$U/stream/events?app=apilive"
check sse-resume eval '[ "$(grep -c "^data: " "$D/sse2.out")" = 2 ] &&
    grep -q "live line two" "$D/sse2.out" &&
    ! grep -q "live line one" "$D/sse2.out"'
$C -N --max-time 2 -o "$D/sse3.out" \
    "$U/stream/events?app=apilive&since_id=0&access_token=$TOKEN"
check sse-access-token [ "$(grep -c '^data: ' "$D/sse3.out")" = 3 ]
code=$($C -o /dev/null -w '%{http_code}' "$U/stream/events")
check sse-unauthorized [ "$code" = 401 ]

# --- a slow reader: SSE_MAX_QUEUED bytes of slack, then "event: gap"
# and the end of the stream.  The reader takes nothing for 20 s while
# 3000 events (about 14 MB of SSE text, far more than the socket
# buffers and the slack hold) match its filter.
$C -N --max-time 17 -H "$AUTH" -o "$D/ka.out" \
    "$U/stream/events?app=nothing-comes" &
KA=$!
( curl -skN --max-time 90 -H "$AUTH" "$U/stream/events?app=flood"
  echo "curl exit $?" >"$D/gap.rc" ) | (sleep 20; cat >"$D/gap.out") &
GAP=$!
sleep 1
msg=$(head -c 2000 /dev/zero | tr '\0' x)
i=0
while [ $i -lt 3 ]; do
	awk -v m="$msg" -v f=$((i * 1000)) 'BEGIN {
		for (n = f; n < f + 1000; n++)
			printf("{\"app\":\"flood\",\"event_type\":\"flood\"," \
			    "\"message\":\"%d %s\"}\n", n, m)
	}' >"$D/flood.$i"
	ingest "$D/flood.$i"
	i=$((i + 1))
done
check sse-flood-stored jqf '.stored == 1000' "$D/ingest.b"
# nothing but comments for 17 s: the keepalive comes every 15 s
wait $KA
check sse-keepalive grep -q '^: keepalive$' "$D/ka.out"
wait $GAP
check sse-gap grep -q '^event: gap$' "$D/gap.out"
check sse-gap-reason eval 'grep -A1 "^event: gap$" "$D/gap.out" |
    sed -n "s/^data: //p" | jq -e ".last_id > 0 and
    (.reason | type) == \"string\"" >/dev/null'
check sse-gap-last [ "$(grep -v '^$' "$D/gap.out" | tail -n 2 |
    head -n 1)" = "event: gap" ]
check sse-gap-closed [ "$(cat "$D/gap.rc" 2>/dev/null)" = "curl exit 0" ]
check sse-gap-some-sent [ "$(grep -c '^data: ' "$D/gap.out")" -gt 1 ]
check sse-gap-counted eval '$C -H "$AUTH" "$U/status" |
    jq -e "[.. | objects | .gaps? // empty] | add > 0" >/dev/null'

stop
check clean-exit [ "$STATUS" = 0 ]
finish
