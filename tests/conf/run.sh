#!/bin/sh
#
# Configuration tests.  Each NAME.conf here is checked with
# "siemd -n -f NAME.conf" (plus the arguments in NAME.args, if any)
# from inside a scratch directory, and the merged stdout and stderr
# must equal NAME.out.  A NAME.out that ends with "configuration OK"
# expects exit status 0, any other expects 1.  Files under inc/ are
# only included, never run.
#
# usage: run.sh path/to/siemd

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/siemd" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	# the secrets file checks need files owned by root and by others
	echo "SKIP conf: must run as root"
	exit 0
fi

LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
siemd=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siemd-conf.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

cp "$here"/*.conf "$here"/*.out "$tmp"/ || exit 1
cp "$here"/*.args "$tmp"/ 2>/dev/null
cp -R "$here"/inc "$tmp"/ || exit 1
cd "$tmp" || exit 1

# What the cases refer to.
mkdir -p files/logs/app files/rules files/empty files/htdocs files/adir
echo "a regular file, not a directory" > files/notadir
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout files/server.key -out files/server.crt >/dev/null 2>&1; then
	cp files/server.crt files/ca.crt
else
	for f in server.crt ca.crt; do
		printf '%s\n' "-----BEGIN CERTIFICATE-----" "MA==" \
		    "-----END CERTIFICATE-----" > files/$f
	done
	printf '%s\n' "-----BEGIN PRIVATE KEY-----" "MA==" \
	    "-----END PRIVATE KEY-----" > files/server.key
fi
chmod 600 files/server.key

cat > files/secrets.conf <<'SECRETS'
# test secrets: label "value"
alice-hash	"$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
bob-hash	"$argon2id$v=19$m=65536,t=2,p=1$b3RoZXJzYWx0$b3RoZXJoYXNo"
vercel-key	3c1f0e9b8a7d6c5b4a39281706f5e4d3
jwt-key		"a long random key with \"quotes\" inside"
SECRETS
chmod 600 files/secrets.conf
cp files/secrets.conf files/secrets-open.conf
chmod 644 files/secrets-open.conf
cp files/secrets.conf files/secrets-group.conf
chmod 620 files/secrets-group.conf
cp files/secrets.conf files/secrets-notroot.conf
chown 65534 files/secrets-notroot.conf
chmod 600 files/secrets-notroot.conf
cat > files/secrets-bad.conf <<'SECRETS'
good-label "fine"
lonely-label
quoted "never closed
extra "value" trailing words
empty ""
bad/label "x"
good-label "again"
SECRETS
chmod 600 files/secrets-bad.conf

# The shipped examples: as they are, and with every commented-out
# statement enabled and pointed at the files above.
etc=$here/../../etc
cp "$etc/siemd-secrets.conf.example" files/example-secrets.conf || exit 1
chmod 600 files/example-secrets.conf
: > files/local.conf
cp "$etc/siemd.conf" example.conf || exit 1
echo "configuration OK" > example.out
sed -e 's/^\(	*\)#\([a-z}	]\)/\1\2/' \
    -e 's#^include .*#include "files/local.conf"#' \
    -e 's#"/etc/siemd/siemd-secrets.conf"#"files/example-secrets.conf"#' \
    -e 's#"/etc/siemd/[a-z]*\.crt"#"files/server.crt"#' \
    -e 's#"/etc/siemd/[a-z]*\.key"#"files/server.key"#' \
    -e 's#"/etc/siemd/rules"#"files/rules"#' \
    -e 's#"/var/empty"#"files/empty"#' \
    -e 's#"/usr/local/share/siemd/htdocs"#"files/htdocs"#' \
    -e 's#"/srv/[a-z_]*"#"files/logs"#' \
    -e 's#"/var/log/[a-z]*"#"files/logs"#' \
    "$etc/siemd.conf" > example-enabled.conf
# a named rules directory is compiled: an empty one loads nothing
printf 'rules: 0 loaded, 0 skipped, 0 invalid, from 0 files\nconfiguration OK\n' \
    > example-enabled.out

pass=0
fail=0
for conf in *.conf; do
	name=${conf%.conf}
	[ -f "$name.out" ] || continue
	args=
	[ -f "$name.args" ] && args=$(cat "$name.args")
	# shellcheck disable=SC2086
	"$siemd" -n -f "$conf" $args > "$name.got" 2>&1
	echo "exit $?" >> "$name.got"
	cp "$name.out" "$name.want"
	if [ "$(tail -n 1 "$name.out")" = "configuration OK" ]; then
		echo "exit 0" >> "$name.want"
	else
		echo "exit 1" >> "$name.want"
	fi
	if cmp -s "$name.want" "$name.got"; then
		echo "PASS conf/$name"
		pass=$((pass + 1))
	else
		echo "FAIL conf/$name"
		diff -u "$name.want" "$name.got" | sed 's/^/	/'
		fail=$((fail + 1))
	fi
done
echo "conf cases: $pass good, $fail bad"
[ "$fail" -eq 0 ]
