#!/bin/sh
# Secrets leaked into logs: the shipped rules under etc/rules/secrets
# raise one alert per leak (an AWS key id over syslog, a Stripe live
# key in a MoneyControl JSON line, a password in a requested URL, a
# private key header, one sent over HTTP ingest) and nothing for
# look-alikes that are no secret.  High-entropy tokens (siemd:
# secret-entropy) alert once each, showing only a masked value.
T=secrets
. tests/regress/lib.sh
require_root
require_tools sqlite3 logger curl jq
setup
write_conf
mkdir -m 0755 "$D/web"
cp -R "$TOP/etc/rules" "$D/rules"
cat >>"$D/siemd.conf" <<EOT
rules "$D/rules"
tail "$D/web" { match "*.log" format access start beginning }
EOT
"$SIEMD" -n -f "$D/siemd.conf" >"$D/check" 2>&1
check "n-no-rule-skipped" grep -q "^rules: [1-9][0-9]* loaded, 0 skipped, 0 invalid" "$D/check"
start || { fail start "siemd did not start"; finish; }

# syslog over TCP, one line per connection
say() {
	logger -n 127.0.0.1 -P "$P_SYSLOG" -T -t myapp -- "$1"
}
# a MoneyControl JSON line with this message, stamped now
mc() {
	printf '{"ts":"%s","level":"%s","app":"MoneyControl","event_type":"%s","message":"%s","request_id":"req-%s","user_id":"u_7","ip":"203.0.113.70"}\n' \
	    "$(date -u '+%Y-%m-%dT%H:%M:%S.000Z')" "$1" "$2" "$3" "$4" \
	    >>"$D/logs/app.jsonl"
}
now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')

# look-alikes first: none of them is a secret
say "benign-1 key id prefix AKIA is reserved for long-term keys"
say "benign-2 password reset requested for user bob"
say "benign-3 login form posted with password= left empty"
say "benign-4 stripe test key sk_test_4eC39HqLyjWDarjtT1zdp7dc in use"
say "benign-6 token masked password=*** secret=<redacted> ghp_short xoxb-1"
say 'benign-7 payload {"user":"bob","password":""}'
say "benign-8 upload done sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 request 550e8400-e29b-41d4-a716-446655440000"
say "benign-9 loaded /usr/lib/x86_64-linux-gnu/libcrypto.so.3 into AbstractSingletonProxyFactoryBean2"
mc INFO password_reset "benign-5 password reset requested" b5
cat >>"$D/web/access.log" <<EOT
198.51.100.20 - - [$now] "GET /account/password-reset?user=bob HTTP/1.1" 200 512 "-" "Mozilla/5.0"
198.51.100.21 - - [$now] "GET /login?user=bob&password= HTTP/1.1" 401 0 "-" "Mozilla/5.0"
EOT

# the leaks
say "leak-aws uploading backups with access key AKIAIOSFODNN7EXAMPLE"
mc ERROR payment_failed "leak-stripe charge failed using key sk_live_4eC39HqLyjWDarjtT1zdp7dc" s1
echo "198.51.100.30 - - [$now] \"GET /login?user=bob&password=hunter2 HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0\"" >>"$D/web/access.log"
say "leak-pkey dumping deploy key: -----BEGIN OPENSSH PRIVATE KEY-----"
say "leak-awssecret env aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
say "leak-github clone https://x:ghp_0123456789abcdefghijklmnopqrstuvwxyz@github.com/o/r"
say "leak-slack posting with xoxb-1234567890-0987654321-FakeTokenForTests00"
say "leak-jwt Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl"
say "leak-password db connect failed user=app password=S3cr3t"
say 'leak-json login payload {"user":"bob","password":"hunter2"}'
# no known format: found by its entropy, twice but alerted once
say "leak-entropy retrying upload with api_key=Zx8Qp2LmR7vKt4WnYb9Hc3JdF6sGa1UeXo5TiN0q"
say "leak-entropy2 again api_key=Zx8Qp2LmR7vKt4WnYb9Hc3JdF6sGa1UeXo5TiN0q"
# over HTTP ingest (source_type http)
KEY=$(sed -n 's/^ingest-key "\(.*\)"$/\1/p' "$D/secrets.conf")
printf '{"app":"billing","message":"leak-ingest charge with sk_live_9xQ2mL7vR4tK8wN3bY6hC1jD"}\n' >"$D/ingest.jsonl"
code=$(curl -sk --max-time 20 -o "$D/ingest.b" -w '%{http_code}' \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$D/ingest.jsonl" "https://127.0.0.1:$P_API/api/v1/ingest")
check "ingest-accepted" [ "$code" = 202 ]

# leaked NAME TITLE WHERE: one alert with this title, and an event of
# it matching WHERE
leaked() {
	check "$1-alert" wait_sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.title = '$2' AND $3" 1
	check "$1-one-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE title = '$2'")" = 1 ]
}
leaked aws "AWS access key id in a log line" "e.raw LIKE '%leak-aws%'"
# the Stripe key in a file and the one over ingest: an alert each
stripe="Stripe live secret or restricted key in a log line"
check "stripe-alert" wait_sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.title = '$stripe' AND e.app = 'MoneyControl' AND e.message LIKE 'leak-stripe%'" 1
check "stripe-over-ingest" wait_sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.title = '$stripe' AND e.source_type = 'http' AND e.message LIKE 'leak-ingest%'" 1
check "stripe-two-alerts" [ "$(sql "SELECT count(*) FROM alerts WHERE title = '$stripe'")" = 2 ]
leaked url-password "Password or secret in a requested URL" "e.src_ip = '198.51.100.30'"
leaked private-key "Private key block in a log line" "e.raw LIKE '%leak-pkey%'"
leaked aws-secret "AWS secret access key in a log line" "e.raw LIKE '%leak-awssecret%'"
leaked github "GitHub token in a log line" "e.raw LIKE '%leak-github%'"
leaked slack "Slack token in a log line" "e.raw LIKE '%leak-slack%'"
leaked jwt "JSON Web Token in a log line" "e.raw LIKE '%leak-jwt%'"
check "log-password-alert" wait_sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE a.title = 'Password or secret value in a log line' AND (e.raw LIKE '%leak-password%' OR e.raw LIKE '%leak-json%')" 2
leaked entropy "High-entropy token in a log line" "e.raw LIKE '%leak-entropy %'"
check "entropy-masked" [ "$(sql "SELECT group_key FROM alerts WHERE title = 'High-entropy token in a log line'")" = "field=message,token=Zx8Q...(40 chars)" ]
entropy_desc() {
	sql "SELECT description FROM alerts WHERE title = 'High-entropy token in a log line'" |
	    grep -q "40 characters in message.*after the word 'key'"
}
check "entropy-description" entropy_desc
check "entropy-not-in-alert" [ "$(sql "SELECT count(*) FROM alerts WHERE title = 'High-entropy token in a log line' AND (description LIKE '%Zx8Qp%' OR group_key LIKE '%Zx8Qp%')")" = 0 ]
check "entropy-event-stored" wait_sql "SELECT count(*) FROM events WHERE message LIKE 'leak-entropy%Zx8Qp2LmR7vKt4WnYb9Hc3JdF6sGa1UeXo5TiN0q'" 2
check "aws-severity-high" [ "$(sql "SELECT severity FROM alerts WHERE title = 'AWS access key id in a log line'")" = high ]
check "url-password-severity-medium" [ "$(sql "SELECT severity FROM alerts WHERE title = 'Password or secret in a requested URL'")" = medium ]
# one rule per leak: no other secrets rule fired on the same event
# (nine leaks, the one over ingest, the one token found by entropy)
check "no-double-alerts" [ "$(sql "SELECT count(*) FROM alerts WHERE tags LIKE '%t1552.001%'")" = 11 ]

# the look-alikes were stored and raised nothing
check "benign-stored" wait_sql "SELECT count(*) FROM events WHERE message LIKE 'benign-%' OR src_ip IN ('198.51.100.20', '198.51.100.21')" 11
check "benign-no-alert" [ "$(sql "SELECT count(*) FROM alerts a, json_each(a.event_ids) j JOIN events e ON e.id = j.value WHERE e.message LIKE 'benign-%' OR e.src_ip IN ('198.51.100.20', '198.51.100.21')")" = 0 ]

# the rule page tells what the section found from what it was given:
# its detection passes every line, the section fired for one token
admin_login
entropy_rule() {
	curl -sk --max-time 20 -H "$AUTH" \
	    "https://127.0.0.1:$P_API/api/v1/rules/f40ac0e1-da2a-41a9-b13b-90b2a13fb1f6" \
	    >"$D/entropy-rule.json" &&
	    jq -e '.siemd == "secret-entropy" and .fired == 1 and .hits > 10' \
	    "$D/entropy-rule.json" >/dev/null
}
check "entropy-rule-fired-once" eventually 150 entropy_rule
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
