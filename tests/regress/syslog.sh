#!/bin/sh
# Syslog from real clients reaches the database normalized: logger over
# UDP, TCP and TCP with octet counting (RFC 3164 and 5424), openssl
# s_client over TLS; bad input is stored as parse_error and counted.
T=syslog
. tests/regress/lib.sh
require_root
command -v sqlite3 >/dev/null || { echo "SKIP $T: sqlite3 missing"; exit 0; }
command -v logger >/dev/null || { echo "SKIP $T: logger missing"; exit 0; }
setup
write_conf
start || { fail start "siemd did not start"; finish; }
Q() { sql "SELECT count(*) FROM events WHERE message = '$1'"; }
LOG="logger -n 127.0.0.1 -P $P_SYSLOG"

$LOG -d --rfc3164 -t udpapp -p auth.warning "udp 3164 hello" 2>/dev/null
check "udp-3164" wait_sql "SELECT count(*) FROM events WHERE message = 'udp 3164 hello'" 1
check "udp-3164-fields" [ "$(sql "SELECT app, facility, syslog_severity, source_type, host IS NOT NULL FROM events WHERE message = 'udp 3164 hello'")" = "udpapp|4|4|syslog|1" ]

$LOG -d --rfc5424 -t udp5424 --msgid ID47 --sd-id 'origin@32473' --sd-param 'ip="192.0.2.1"' "udp 5424 hello" 2>/dev/null
check "udp-5424" wait_sql "SELECT count(*) FROM events WHERE message = 'udp 5424 hello'" 1
check "udp-5424-sd" [ "$(sql "SELECT json_extract(data_json, '\$.sd.\"origin@32473\".ip') FROM events WHERE message = 'udp 5424 hello'")" = "192.0.2.1" ]

$LOG -T -t tcpapp "tcp lf framing" 2>/dev/null
check "tcp-lf" wait_sql "SELECT count(*) FROM events WHERE message = 'tcp lf framing'" 1
$LOG -T --octet-count -t tcpapp "tcp octet counting" 2>/dev/null
check "tcp-octet" wait_sql "SELECT count(*) FROM events WHERE message = 'tcp octet counting'" 1
$LOG -T --rfc5424 --octet-count -t tcp5424 "tcp 5424 octet" 2>/dev/null
check "tcp-5424-octet" wait_sql "SELECT count(*) FROM events WHERE message = 'tcp 5424 octet' AND app = 'tcp5424'" 1

# sshd lines through syslog get their extractor fields
$LOG -T -t sshd --id=4242 "Failed password for invalid user admin from 198.51.100.23 port 50122 ssh2" 2>/dev/null
check "sshd-extract" wait_sql "SELECT event_type || ' ' || src_ip || ' ' || user_id || ' ' || outcome FROM events WHERE app = 'sshd' AND pid = 4242" "login_failure 198.51.100.23 admin failure"

# an application logging JSON through syslog keeps its fields
$LOG -T -t moneycontrol '{"app":"MoneyControl","event_type":"permission_denied","user_id":"u_9","ip":"203.0.113.44","message":"denied export","level":"WARNING"}' 2>/dev/null
check "json-in-syslog" wait_sql "SELECT app || ' ' || event_type || ' ' || user_id || ' ' || src_ip || ' ' || level FROM events WHERE message = 'denied export'" "MoneyControl permission_denied u_9 203.0.113.44 WARNING"

# TLS with octet counting
if command -v openssl >/dev/null; then
	msg='<34>1 2026-11-22T10:00:00.000Z tlshost tlsapp - - - over tls'
	printf '%d %s' "${#msg}" "$msg" | timeout 5 openssl s_client \
	    -connect 127.0.0.1:$P_TLS -quiet >/dev/null 2>&1
	check "tls-octet" wait_sql "SELECT count(*) FROM events WHERE message = 'over tls' AND host = 'tlshost'" 1
fi

# bad input is stored and counted, and the next good line still arrives
printf '\001\002\377\376binary garbage\n' | timeout 5 nc -q1 127.0.0.1 $P_SYSLOG 2>/dev/null ||
    printf '\001\002\377\376binary garbage\n' | timeout 5 nc 127.0.0.1 $P_SYSLOG
$LOG -T -t after "good after garbage" 2>/dev/null
check "garbage-then-good" wait_sql "SELECT count(*) FROM events WHERE message = 'good after garbage'" 1
check "garbage-stored-as-parse-error" [ "$(sql "SELECT count(*) FROM events WHERE event_type = 'parse_error' AND raw LIKE '%binary garbage%'")" = 1 ]
check "garbage-raw-escaped" [ "$(sql "SELECT raw LIKE '%\\xff%' FROM events WHERE event_type = 'parse_error' AND raw LIKE '%binary garbage%'")" = 1 ]

printf '<13>1 2026-11-22T10:00:00Z h app - - [broken sd no close bracket\n' |
    timeout 5 nc -q1 127.0.0.1 $P_SYSLOG 2>/dev/null
check "broken-sd-parse-error" wait_sql "SELECT count(*) FROM events WHERE event_type = 'parse_error' AND raw LIKE '%broken sd%'" 1

printf '99999999 <13>huge\n' | timeout 5 nc -q1 127.0.0.1 $P_SYSLOG 2>/dev/null
$LOG -T -t after "good after huge count" 2>/dev/null
check "huge-octet-count-survived" wait_sql "SELECT count(*) FROM events WHERE message = 'good after huge count'" 1
{ head -c 10485760 /dev/zero | tr '\0' 'y'; echo; echo "<13>Nov 22 10:00:00 h after: good after 10 MB"; } |
    timeout 20 nc -q1 127.0.0.1 $P_SYSLOG 2>/dev/null
check "10mb-line-then-good" wait_sql "SELECT count(*) FROM events WHERE message = 'good after 10 MB'" 1
check "10mb-line-stored-truncated" [ "$(sql "SELECT count(*) FROM events WHERE raw LIKE 'yyyyyyyy%' AND data_json LIKE '%truncated%'")" = 1 ]
check "daemon-alive" kill -0 "$PID"

check "sources-counted" eventually 50 sources_match "parse_errors=[1-9]"
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
