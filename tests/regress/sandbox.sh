#!/bin/sh
#
# Every role's sandbox, with sbprobe: each seals itself and lives on
# with what its table allows (the event loop, memory, SQLite, the
# JIT), dies of SIGSYS on what it does not allow, names the call in
# trap mode, and from outside shows seccomp mode 2, no_new_privs, no
# capabilities, another user and another root.
#
# usage: sh tests/regress/sandbox.sh objdir

obj=${1:?usage: sandbox.sh objdir}
probe=$obj/tests/sbprobe
roles="ingest parser store query correlate web notify"
killed=159			# 128 + SIGSYS
failed=0

if [ "$(id -u)" != 0 ]; then
	echo "SKIP sandbox: not root"
	exit 0
fi
for u in _siemd _siemdb; do
	if ! id "$u" >/dev/null 2>&1; then
		echo "SKIP sandbox: user $u missing"
		exit 0
	fi
done
if [ ! -x "$probe" ]; then
	echo "FAIL sandbox/probe: $probe not built"
	exit 1
fi

# sbprobe makes its chroot directories in TMPDIR; they go with it.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
err=$tmp/err
TMPDIR=$tmp/roots
export TMPDIR
mkdir "$TMPDIR" || exit 1

pass() {
	echo "PASS sandbox/$1"
}

fail() {
	echo "FAIL sandbox/$1: $2"
	failed=$((failed + 1))
}

# run mode role call: sets $st; output in $out and $err.  The braces
# keep the shell's own "Bad system call" note out of the log.
run() {
	{
		"$probe" -S "$1" -c "$tmp/cert.pem" -k "$tmp/key.pem" \
		    "$2" "$3" >"$out" 2>"$err"
		st=$?
	} 2>/dev/null
}

why() {
	printf 'status %s, stdout "%s", stderr "%s"' "$st" \
	    "$(tr '\n' ' ' <"$out")" "$(tr '\n' ' ' <"$err")"
}

# The role lives through the call, which worked.
expect_ok() {
	name=$1/$2
	run kill "$1" "$2"
	if [ "$st" = 0 ] && [ "$(cat "$out")" = "$(printf 'sealed\nsurvived')" ]
	then
		pass "$name"
	else
		fail "$name" "$(why)"
	fi
}

# The role is killed by the filter, after sealing; in trap mode the
# line on stderr names the system call (a pattern for grep -E).
expect_killed() {
	name=$1/$2
	run kill "$1" "$2"
	if [ "$st" = "$killed" ] && [ "$(cat "$out")" = sealed ]; then
		pass "$name"
	else
		fail "$name" "$(why)"
	fi

	run trap "$1" "$2"
	if [ "$st" = "$killed" ] && [ "$(cat "$out")" = sealed ] &&
	    grep -Eq "$1: seccomp: forbidden system call ($3) \([0-9]+\)" \
	    "$err"; then
		pass "$name-trap"
	else
		fail "$name-trap" "$(why)"
	fi
}

# fork may be refused by RLIMIT_NPROC before the filter sees it:
# either way it must not succeed.
expect_nofork() {
	name=$1/fork
	run kill "$1" fork
	if [ "$st" = "$killed" ] && [ "$(cat "$out")" = sealed ]; then
		pass "$name"
	elif [ "$st" = 0 ] &&
	    [ "$(cat "$out")" = "$(printf 'sealed\nsurvived\nfailed')" ]; then
		pass "$name"
	else
		fail "$name" "$(why)"
	fi
}

# From outside, while the probe blocks on a pipe.
expect_sealed() {
	name=$1/proc
	user=_siemd
	case $1 in
	store|query)	user=_siemdb ;;
	esac
	uid=$(id -u "$user")

	# an earlier case's "sealed" must not be taken for this one's
	: >"$out"
	: >"$err"
	"$probe" "$1" pause >"$out" 2>"$err" &
	pid=$!
	i=0
	while [ "$(cat "$out")" != sealed ] && [ $i -lt 50 ] &&
	    kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	status=/proc/$pid/status
	why=
	if [ "$(cat "$out")" != sealed ]; then
		why="never sealed: $(tr '\n' ' ' <"$err")"
	elif ! grep -q '^Seccomp:	2$' "$status"; then
		why="$(grep '^Seccomp:' "$status")"
	elif ! grep -q '^NoNewPrivs:	1$' "$status"; then
		why="$(grep '^NoNewPrivs:' "$status")"
	elif ! grep -q '^CapEff:	0000000000000000$' "$status"; then
		why="$(grep '^CapEff:' "$status")"
	elif ! grep -q '^CapPrm:	0000000000000000$' "$status"; then
		why="$(grep '^CapPrm:' "$status")"
	elif ! grep -Eq "^Uid:	$uid	$uid	$uid	$uid$" "$status"; then
		why="$(grep '^Uid:' "$status") (want $uid)"
	elif [ "$(readlink "/proc/$pid/root")" = / ]; then
		why="root is /"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -z "$why" ]; then
		pass "$name"
	else
		fail "$name" "$why"
	fi
}

for r in $roles; do
	expect_ok "$r" none
	# what every child does: its event loop, and memory
	expect_ok "$r" event
	expect_ok "$r" memory
	expect_killed "$r" ptrace ptrace
	expect_sealed "$r"
done

expect_ok store sqlite
expect_ok store create
expect_ok query sqlite
expect_ok correlate jit

# A TLS handshake after sealing, both ends: ingest and web serve, notify
# connects.  The key is read before sealing, as the children receive it.
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost -days 1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1; then
	for r in ingest web notify; do
		expect_ok "$r" tls
	done
else
	echo "SKIP sandbox/tls: openssl cannot make a certificate"
fi

# The parser: nothing beyond its channels.
expect_killed parser socket socket
expect_killed parser execve execve
expect_killed parser open 'openat|open'
expect_killed parser sqlite 'getcwd|openat|open|newfstatat|stat'
expect_nofork parser
# executable memory is correlate's alone
expect_killed parser jit 'mmap|mmap2'

expect_killed ingest execve execve
expect_nofork ingest
expect_killed ingest open 'openat|open'

expect_killed web execve execve
expect_killed web socket socket
# static files are opened read only
expect_killed web create 'openat|open'
expect_nofork web

# notify may open IPv4 and IPv6 sockets, not local ones
expect_killed notify socket socket
expect_killed notify execve execve

expect_killed store socket socket
expect_killed store execve execve
expect_killed query socket socket
expect_killed correlate open 'openat|open'
expect_killed correlate socket socket

[ "$failed" = 0 ]
