# Shared by the regress scenarios: a temporary directory, a
# configuration on free loopback ports, a real siemd started as root,
# and verdict helpers.  Source it after setting T (the scenario name);
# $1 is the build directory holding siemd and siemctl.

OBJ=${1:-${top:-.}/obj}
SIEMD="$OBJ/siemd"
SIEMCTL="$OBJ/siemctl"
TOP=$(pwd)
SANDBOX=${SIEMD_SANDBOX:-kill}
FAILED=0
PID=""

pass() { echo "PASS $T/$1"; }
fail() { echo "FAIL $T/$1: $2"; FAILED=1; }
skip() { echo "SKIP $T/$1: $2"; }

# check NAME command...: PASS when the command succeeds
check() {
	_n=$1
	shift
	if "$@"; then pass "$_n"; else fail "$_n" "$*"; fi
}

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP $T: must run as root"
		exit 0
	fi
	for u in _siemd _siemdb; do
		if ! getent passwd "$u" >/dev/null; then
			echo "SKIP $T: user $u missing (make users)"
			exit 0
		fi
	done
	if [ ! -x "$SIEMD" ]; then
		echo "FAIL $T: $SIEMD not built"
		exit 1
	fi
}

# port_used PORT: is anything bound to it (TCP or UDP, v4 or v6)?
port_used() {
	_hex=$(printf ':%04X ' "$1")
	cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 \
	    2>/dev/null | awk '{ print $2 " " }' | grep -q "$_hex"
}

# Ports: a block of ten per scenario, starting from the pid and moved
# on while any port of the block is taken (other tests run beside us).
port_base() {
	_b=$(( 20000 + ($$ * 10) % 30000 ))
	_tries=0
	while [ $_tries -lt 50 ]; do
		_ok=1
		_p=$_b
		while [ $_p -lt $((_b + 10)) ]; do
			if port_used $_p; then _ok=0; break; fi
			_p=$((_p + 1))
		done
		[ $_ok = 1 ] && break
		_b=$(( 20000 + (_b - 20000 + 10 + ($$ % 7) * 10) % 30000 ))
		_tries=$((_tries + 1))
	done
	echo $_b
}

setup() {
	D=$(mktemp -d "${TMPDIR:-/tmp}/siemd-$T.XXXXXX")
	chmod 0755 "$D"
	mkdir -m 0755 "$D/empty" "$D/logs"
	SOCK="$D/siemd.sock"
	BASE=$(port_base)
	P_SYSLOG=$BASE
	P_TLS=$((BASE + 1))
	P_API=$((BASE + 2))
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -subj /CN=localhost -days 2 -keyout "$D/server.key" \
	    -out "$D/server.crt" >/dev/null 2>&1 ||
	    { echo "FAIL $T: openssl cannot make a certificate"; exit 1; }
	ADMIN_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
	ADMIN_HASH=$(echo "$ADMIN_PW" | "$SIEMCTL" hash-password)
	JWT_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	cat >"$D/secrets.conf" <<EOT
admin-hash "$ADMIN_HASH"
jwt-key "$JWT_KEY"
ingest-key "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
EOT
	chown root:root "$D/secrets.conf"
	chmod 0600 "$D/secrets.conf"
	trap cleanup EXIT INT TERM
}

# The standard configuration; extra statements can be appended.
write_conf() {
	cat >"$D/siemd.conf" <<EOT
# regress configuration for $T
syslog_port = "$P_SYSLOG"
secrets "$D/secrets.conf"
database "$D/db/siem.db"
chroot "$D/empty"
parsers ${PARSERS:-2}
listen on 127.0.0.1 port \$syslog_port udp
listen on 127.0.0.1 port \$syslog_port tcp
listen on 127.0.0.1 port $P_TLS tls { certificate "$D/server.crt" key "$D/server.key" }
tail "$D/logs" { match "**/*.jsonl" format jsonl app "MoneyControl" start beginning }
api {
	listen on 127.0.0.1 port $P_API tls { certificate "$D/server.crt" key "$D/server.key" }
	htdocs "$TOP/web/htdocs"
}
user "admin" { role admin password "admin-hash" }
ingest key "test" { secret "ingest-key" }
EOT
}

# start [extra siemd flags]: runs siemd -d in the background and waits
# until the parent reports that every process is sandboxed.
start() {
	: >"$D/log"
	"$SIEMD" -d -f "$D/siemd.conf" -s "$SOCK" -S "$SANDBOX" "$@" \
	    >>"$D/log" 2>&1 &
	PID=$!
	i=0
	while [ $i -lt 200 ]; do
		if grep -q "started, .* processes sandboxed" "$D/log"; then
			return 0
		fi
		if ! kill -0 "$PID" 2>/dev/null; then
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "siemd did not start; its log:"
	cat "$D/log"
	return 1
}

# stop: SIGTERM and wait; sets STATUS to the exit status
stop() {
	STATUS=""
	[ -n "$PID" ] || return 0
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"
	STATUS=$?
	PID=""
}

children() {
	ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '
}

cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null
		sleep 1
		kill -KILL "$PID" 2>/dev/null
		pkill -KILL -P "$PID" 2>/dev/null
	fi
	if [ "$FAILED" -ne 0 ] && [ -f "$D/log" ]; then
		echo "---- siemd log ----"
		tail -n 60 "$D/log"
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$D"
}

finish() {
	exit "$FAILED"
}

# sql QUERY: run a query on the daemon's database
# sql QUERY: run it on the database the way the query processes see
# it: the events of every partition (the newest nine at most, the
# limit of ATTACH) behind one temporary view "events"
sql() {
	_parts=$(sqlite3 -cmd '.timeout 5000' "$D/db/siem.db" "SELECT seq,
	    file FROM (SELECT * FROM partitions ORDER BY seq DESC LIMIT 9)
	    ORDER BY seq" 2>/dev/null)
	_pre=
	_view=
	for _p in $_parts; do
		_seq=${_p%%|*}
		if [ "$_seq" = 0 ]; then
			_src=main.events
		else
			_pre="$_pre ATTACH '$D/db/${_p#*|}' AS p$_seq;"
			_src=p$_seq.events
		fi
		_view="${_view:+$_view UNION ALL }SELECT * FROM $_src"
	done
	[ -n "$_view" ] && _pre="$_pre CREATE TEMP VIEW events AS $_view;"
	sqlite3 -cmd '.timeout 5000' -cmd "$_pre" "$D/db/siem.db" "$1" 2>&1
}

# wait_sql QUERY WANT [tenths]: poll until the query prints WANT
wait_sql() {
	_i=0
	_max=${3:-150}
	while [ $_i -lt "$_max" ]; do
		[ -f "$D/db/siem.db" ] && [ "$(sql "$1")" = "$2" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "waited for [$1] = [$2], last got [$(sql "$1")]"
	return 1
}

# jsonl N FIRST: N MoneyControl JSON lines numbered from FIRST
jsonl() {
	awk -v n="$1" -v f="$2" 'BEGIN {
		for (i = f; i < f + n; i++)
			printf("{\"ts\":\"2026-11-03T10:15:02.%03dZ\",\"level\":\"WARNING\",\"app\":\"MoneyControl\",\"event_type\":\"auth_oauth_google_login_failed\",\"message\":\"Google OAuth login failed %d\",\"request_id\":\"req-%d\",\"user_id\":\"u_%d\",\"ip\":\"203.0.113.%d\",\"http\":{\"method\":\"POST\",\"path\":\"/api/auth/google\",\"status\":401},\"latency_ms\":87,\"seq\":%d}\n", i % 1000, i, i, i % 50, i % 250, i)
	}'
}

# require_tools TOOL...: skip the test when one is missing
require_tools() {
	for _tool in "$@"; do
		command -v "$_tool" >/dev/null 2>&1 ||
		    { echo "SKIP $T: $_tool missing (make deps)"; exit 0; }
	done
}

# admin_login: TOKEN, and AUTH (its bearer header), for the admin user
admin_login() {
	TOKEN=$(curl -sk --max-time 20 -H 'Content-Type: application/json' \
	    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" \
	    "https://127.0.0.1:$P_API/api/v1/auth/login" |
	    jq -r '.access_token // empty')
	AUTH="Authorization: Bearer $TOKEN"
}

# eventually [tenths] command...: retry until it succeeds (counters are
# reported once a second, so what was just done shows up a little later)
eventually() {
	_max=$1
	shift
	_i=0
	while [ $_i -lt "$_max" ]; do
		"$@" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	"$@"
}

# sources_match PATTERN: does siemctl show sources print it?
sources_match() {
	"$SIEMCTL" -s "$SOCK" show sources 2>/dev/null | grep -q "$1"
}
