#!/bin/sh
# Ingest end to end: syslog over UDP, TCP (LF and octet counting) and
# TLS (with and without client certificates) from real clients, the
# limits (max message, max connections, idle and handshake timeouts),
# and tailed files (partial lines, truncation, rotation, deletion).
# Verdicts come from the per-source counters of `siemctl show sources`.
T=ingest
. tests/regress/lib.sh
require_root
setup
P_SMALL=$((BASE + 3))
P_MTLS=$((BASE + 4))
P_TINY=$((BASE + 5))
PARSERS=2
write_conf

# a CA and a client certificate for the listener that wants them
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj /CN=regress-ca -days 2 -keyout "$D/ca.key" -out "$D/ca.crt" \
    >/dev/null 2>&1
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj /CN=client -keyout "$D/client.key" -out "$D/client.csr" \
    >/dev/null 2>&1
openssl x509 -req -in "$D/client.csr" -CA "$D/ca.crt" -CAkey "$D/ca.key" \
    -CAcreateserial -days 2 -out "$D/client.crt" >/dev/null 2>&1
cat >>"$D/siemd.conf" <<EOT
listen on 127.0.0.1 port $P_SMALL tcp {
	max message size 1024
	max connections 20
	idle timeout 2s
}
listen on 127.0.0.1 port $P_TINY udp {
	receive buffer 4K
	max message size 1024
}
listen on 127.0.0.1 port $P_MTLS tls {
	certificate "$D/server.crt"
	key "$D/server.key"
	client ca "$D/ca.crt"
	handshake timeout 1s
}
EOT

start || { fail start "siemd did not start"; finish; }
pass start

UDP="udp 127.0.0.1:$P_SYSLOG"
TCP="tcp 127.0.0.1:$P_SYSLOG"
TLS="tls 127.0.0.1:$P_TLS"
STCP="tcp 127.0.0.1:$P_SMALL"
MTLS="tls 127.0.0.1:$P_MTLS"
TINY="udp 127.0.0.1:$P_TINY"
FILE="file $D/logs/app.jsonl"

# field SOURCE NAME: the counter of the last source line with that name
field() {
	"$SIEMCTL" -s "$SOCK" show sources 2>/dev/null |
	    grep -F "$1 " | grep "^$1 " | tail -n 1 |
	    sed -n "s/.* $2=\([0-9]*\).*/\1/p"
}

# wait_for SOURCE NAME VALUE [tenths]: until the counter reaches VALUE
wait_for() {
	_i=0
	while [ "$_i" -lt "${4:-50}" ]; do
		_v=$(field "$1" "$2")
		[ -n "$_v" ] && [ "$_v" -ge "$3" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# wait_eq SOURCE NAME VALUE [tenths]: until the counter is VALUE
wait_eq() {
	_i=0
	while [ "$_i" -lt "${4:-50}" ]; do
		[ "$(field "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# expect NAME SOURCE FIELD VALUE: waits, then wants exactly VALUE
expect() {
	wait_for "$2" "$3" "$4" "${5:-50}"
	_v=$(field "$2" "$3")
	if [ "$_v" = "$4" ]; then
		pass "$1"
	else
		fail "$1" "$2: $3=${_v:-none}, want $4"
	fi
}

# tcp_send PORT FILE: the file's bytes on one connection
tcp_send() {
	perl -MIO::Socket::INET -e '
	    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		PeerPort => $ARGV[0]) or die "connect: $!";
	    open(my $f, "<", $ARGV[1]) or die; binmode $f;
	    local $/; my $d = <$f>; print $s $d; close $s;' "$1" "$2"
}

# hold PORT N SECONDS: N idle connections, in the background
hold() {
	perl -MIO::Socket::INET -e '
	    my @s;
	    for (1 .. $ARGV[1]) {
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $ARGV[0]) or last;
		push @s, $s;
	    }
	    sleep $ARGV[2];' "$1" "$2" "$3" &
	HOLD=$!
}

# tls_send PORT FILE [openssl options]: the file over TLS, then close
tls_send() {
	_p=$1 _f=$2
	shift 2
	timeout 10 openssl s_client -connect "127.0.0.1:$_p" -quiet \
	    -no_ign_eof "$@" <"$_f" >/dev/null 2>"$D/s_client.err"
}

# octet LINE...: RFC 6587 octet-counted frames
octet() {
	for _m in "$@"; do
		printf '%d %s' "$(printf '%s' "$_m" | wc -c)" "$_m"
	done
}

# ---- UDP
seq 1 20 | sed 's/^/udp line /' |
    logger -n 127.0.0.1 -P "$P_SYSLOG" -d -t regress
expect udp-received "$UDP" received 20
expect udp-no-drops "$UDP" dropped_queue 0

# a 4K socket buffer overflows: the kernel's count of what it dropped
# (reported with the next datagram) and what arrived add up
perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	PeerPort => $ARGV[0], Proto => "udp") or die "socket: $!";
    for (1 .. 20000) { $s->send("<13>flood datagram $_") }
    select(undef, undef, undef, 0.5);
    $s->send("<13>the last one");' "$P_TINY"
_i=0
while [ $_i -lt 50 ]; do
	_r=$(field "$TINY" received)
	_k=$(field "$TINY" dropped_kernel)
	[ $((${_r:-0} + ${_k:-0})) -ge 20001 ] && break
	sleep 0.1
	_i=$((_i + 1))
done
if [ $((${_r:-0} + ${_k:-0})) -eq 20001 ] && [ "${_k:-0}" -gt 0 ]; then
	pass udp-kernel-drops-counted
else
	fail udp-kernel-drops-counted "received=$_r dropped_kernel=$_k of 20001"
fi

# a datagram over the listener's max message size: cut, counted and
# stored with the truncation noted; the next datagram is whole
_o0=$(field "$TINY" dropped_oversize)
perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	PeerPort => $ARGV[0], Proto => "udp") or die "socket: $!";
    $s->send("<13>udpoversize " . ("y" x 3000));
    $s->send("<13>udpafteroversize fine");' "$P_TINY"
expect udp-oversize-counted "$TINY" dropped_oversize $((${_o0:-0} + 1))
check udp-oversize-stored wait_sql "SELECT count(*) FROM events WHERE
    message LIKE 'udpoversize%' AND length(raw) <= 1024 AND
    data_json LIKE '%truncated%'" 1
check udp-after-oversize wait_sql "SELECT count(*) FROM events WHERE
    message = 'udpafteroversize fine'" 1

# ---- TCP, LF framing and octet counting
printf 'tcp lf one\ntcp lf two\ntcp lf three\n' |
    logger -n 127.0.0.1 -P "$P_SYSLOG" -T -t regress
expect tcp-lf "$TCP" received 3
printf 'tcp octet one\ntcp octet two\n' |
    logger -n 127.0.0.1 -P "$P_SYSLOG" -T --octet-count -t regress
expect tcp-octet-counting "$TCP" received 5
expect tcp-no-framing-errors "$TCP" framing_errors 0

{ octet "mixed one" "mixed two"; printf 'mixed three\r\n'; octet "x"; } \
    >"$D/mixed"
tcp_send "$P_SYSLOG" "$D/mixed"
expect tcp-mixed-framing "$TCP" received 9

# ---- TCP limits on the small listener (max message 1024)
{ head -c 3000 /dev/zero | tr '\0' 'a'; printf '\nafter the long line\n'; } \
    >"$D/long"
tcp_send "$P_SMALL" "$D/long"
expect tcp-oversize-counted "$STCP" dropped_oversize 1
expect tcp-oversize-next-line "$STCP" received 2

printf '99999999 claims a lot, sends little' >"$D/bogus"
tcp_send "$P_SMALL" "$D/bogus"
expect tcp-bogus-count-delivered "$STCP" received 3
expect tcp-bogus-count-framing-error "$STCP" framing_errors 1

printf '12ab not a count\nnext\n' >"$D/baddigits"
tcp_send "$P_SMALL" "$D/baddigits"
expect tcp-bad-digits-fall-back "$STCP" received 5
expect tcp-bad-digits-framing-error "$STCP" framing_errors 2

# max connections 20: 25 at once, five are refused
hold "$P_SMALL" 25 5
expect tcp-max-connections "$STCP" refused 5
# idle timeout 2s closes the others
expect tcp-idle-timeout "$STCP" idle_closed 20 60
wait "$HOLD" 2>/dev/null

# 50 idle connections do not stop a new sender
hold "$P_SYSLOG" 50 6
wait_for "$TCP" active 50 50
printf 'after fifty idle\n' |
    logger -n 127.0.0.1 -P "$P_SYSLOG" -T -t regress
expect tcp-idle-connections-harmless "$TCP" received 10
_a=$(field "$TCP" active)
check tcp-idle-connections-counted [ "${_a:-0}" -ge 50 ]
kill "$HOLD" 2>/dev/null
wait "$HOLD" 2>/dev/null

# ---- TLS
m='<13>1 2024-05-01T10:00:00Z host app - - - over tls'
octet "$m" "$m second" >"$D/tlsmsg"
if tls_send "$P_TLS" "$D/tlsmsg"; then
	expect tls-octet-counting "$TLS" received 2
else
	fail tls-octet-counting "s_client: $(head -n 3 "$D/s_client.err")"
fi
printf 'tls lf line\n' >"$D/tlslf"
tls_send "$P_TLS" "$D/tlslf"
expect tls-lf "$TLS" received 3
expect tls-connections "$TLS" connections 2

# client certificates: none is refused, one from the CA is accepted
tls_send "$P_MTLS" "$D/tlsmsg"
expect tls-client-cert-missing-refused "$MTLS" refused_tls 1
expect tls-client-cert-missing-no-record "$MTLS" received 0 5
tls_send "$P_MTLS" "$D/tlsmsg" -cert "$D/client.crt" -key "$D/client.key"
expect tls-client-cert-accepted "$MTLS" received 2

# a TCP client that never starts the handshake: 1s handshake timeout
hold "$P_MTLS" 1 3
expect tls-handshake-timeout "$MTLS" refused_tls 2 40
wait "$HOLD" 2>/dev/null

# ---- tailed files
printf '{"n":1}\n{"n":2}\n{"n":3}\n' >"$D/logs/app.jsonl"
if ! wait_for "$FILE" received 3 80; then
	for n in tail-lines tail-partial-line tail-crlf-empty tail-truncation \
	    tail-rotation tail-odd-file-name tail-deletion; do
		skip "$n" "the parent did not hand $D/logs/app.jsonl over"
	done
else
	expect tail-lines "$FILE" received 3
	expect tail-offset "$FILE" offset 24

	printf '{"n":4,"partial":' >>"$D/logs/app.jsonl"
	sleep 1
	_v=$(field "$FILE" received)
	check tail-partial-line-waits [ "$_v" = 3 ]
	printf 'true}\n' >>"$D/logs/app.jsonl"
	expect tail-partial-line "$FILE" received 4

	printf '{"n":5}\r\n\r\n\n{"n":6}\n' >>"$D/logs/app.jsonl"
	expect tail-crlf-empty "$FILE" received 6

	# truncation: shorter than what was read, read again from 0
	sleep 0.5
	: >"$D/logs/app.jsonl"
	sleep 0.6
	printf '{"n":"t1"}\n' >>"$D/logs/app.jsonl"
	expect tail-truncation "$FILE" truncated_files 1
	expect tail-truncation-reread "$FILE" received 7

	# rotation: the old file is drained, the new one read from 0
	mv "$D/logs/app.jsonl" "$D/logs/app.jsonl.1"
	printf '{"n":"r1"}\n{"n":"r2"}\n' >"$D/logs/app.jsonl"
	if wait_eq "$FILE" received 2 80 &&
	    [ "$("$SIEMCTL" -s "$SOCK" show sources | grep -c "^$FILE ")" \
	    = 1 ] && [ "$(field "$FILE" received)" = 2 ]; then
		pass tail-rotation
	else
		fail tail-rotation "$("$SIEMCTL" -s "$SOCK" show sources |
		    grep "^$FILE ")"
	fi

	# a file name that is not UTF-8 keeps the report readable
	printf '{"n":"b1"}\n' >"$D/logs/$(printf 'bad\377\033name').jsonl"
	expect tail-odd-file-name "file $D/logs/bad??name.jsonl" received 1 80

	rm -f "$D/logs/app.jsonl"
	_i=0
	while [ $_i -lt 80 ] && "$SIEMCTL" -s "$SOCK" show sources |
	    grep -q "^$FILE "; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if "$SIEMCTL" -s "$SOCK" show sources | grep -q "^$FILE "; then
		fail tail-deletion "the deleted file is still read"
	else
		pass tail-deletion
	fi
fi

# ---- the process survived all of it, and nothing went unexplained
ing=$(children "$PID" | while read -r k; do
	tr '\0' ' ' </proc/"$k"/cmdline | grep -q ingest && echo "$k"
done)
check ingest-alive [ -n "$ing" ]
total=$("$SIEMCTL" -s "$SOCK" show status | grep '^ingest ' |
    sed -n 's/.* dropped=\([0-9]*\).*/\1/p')
# the oversize TCP line and datagram and the flood's kernel drops are
# the only ones
check ingest-drops-accounted [ "${total:-x}" = $((${_k:-0} + 2)) ]
if grep -q "fatal\|SIGSYS\|seccomp.*killed" "$D/log"; then
	fail log-clean "$(grep -m 3 'fatal\|SIGSYS' "$D/log")"
else
	pass log-clean
fi

stop
check clean-stop [ "$STATUS" = 0 ]
finish
