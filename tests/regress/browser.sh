#!/bin/sh
# The dashboard in a real browser (Debian's chromium, driven by
# playwright-core from tests/browser): siemd holds syslog lines sent
# with logger and a replayed sshd brute force, then
# tests/browser/dashboard.mjs signs in, reads the overview, searches,
# scrolls, pivots, tails, and checks a viewer's limits;
# tests/browser/detection.mjs tries a rule, silences, allow-lists and
# watches an alert arrive; the daemon is restarted with an api prefix
# and tests/browser/prefix.mjs checks the dashboard below it.  Screenshots go to $SHOTS (default
# OBJDIR/browser-shots).
T=browser
. tests/regress/lib.sh
require_root
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CORPUS=${SIEMD_CORPUS:-$TOP/../shared/corpus}
SSH_LOG="$CORPUS/loghub/OpenSSH/OpenSSH_2k.log"
BT="$TOP/tests/browser"

require_tools node npm logger
[ -x "$CHROMIUM" ] || { echo "SKIP $T: $CHROMIUM missing (make deps)"; exit 0; }
[ -f "$SSH_LOG" ] || { echo "SKIP $T: corpus not found at $CORPUS"; exit 0; }
if [ ! -f "$TOP/web/htdocs/vendor/preact.mjs" ]; then
	echo "FAIL $T: the dashboard's modules are missing (make all)"
	exit 1
fi
# playwright-core, from the committed lock file
if [ ! -f "$BT/node_modules/.siemd-installed" ] ||
    [ "$BT/package-lock.json" -nt "$BT/node_modules/.siemd-installed" ]; then
	(cd "$BT" && npm ci --no-audit --no-fund --loglevel=error) ||
	    { echo "SKIP $T: npm ci in tests/browser failed"; exit 0; }
	touch "$BT/node_modules/.siemd-installed"
fi

setup
SHOTS=${SHOTS:-$OBJ/browser-shots}
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
VIEWER_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "viewer-hash \"$(echo "$VIEWER_PW" | "$SIEMCTL" hash-password)\"" \
    >>"$D/secrets.conf"
write_conf
mkdir -m 0755 "$D/ssh"
cat >>"$D/siemd.conf" <<EOT
user "viewer" { role viewer password "viewer-hash" }
tail "$D/ssh" { match "*.log" format syslog start beginning }
EOT
# Detection, where this siemd has it: the shipped rules and web attack
# lines through an access log raise alerts for the triage steps.
mkdir -m 0755 "$D/web"
cp "$D/siemd.conf" "$D/detect.conf"
cat >>"$D/detect.conf" <<EOT
rules "$TOP/etc/rules"
tail "$D/web" { match "*.log" format access start beginning }
EOT
if [ -d "$TOP/etc/rules" ] && "$SIEMD" -n -f "$D/detect.conf" >/dev/null 2>&1
then
	mv "$D/detect.conf" "$D/siemd.conf"
	DETECT=1
else
	echo "no detection in this siemd: the alert steps will skip"
	DETECT=0
fi
start || { fail start "siemd did not start"; finish; }

# The brute force, replayed now: the sshd "Failed password" lines of
# the corpus with the current time, so that they fall in the last hour.
now=$(LC_ALL=C date '+%b %e %H:%M:%S')
grep 'Failed password' "$SSH_LOG" | head -n 250 |
    awk -v now="$now" '{ print now substr($0, 16) }' >"$D/ssh/auth.log.new"
mv "$D/ssh/auth.log.new" "$D/ssh/auth.log"
want=$(wc -l <"$D/ssh/auth.log")
for i in 1 2 3 4 5; do
	logger -n 127.0.0.1 -P "$P_SYSLOG" -d -t webtest "browser test line $i"
done
check stored wait_sql "SELECT count(*) FROM events WHERE source_file = '$D/ssh/auth.log'" "$want" 300
check syslog-stored wait_sql "SELECT count(*) FROM events WHERE app = 'webtest'" 5
FAILED_N=$(sql "SELECT count(*) FROM events WHERE app = 'sshd' AND event_type = 'login_failure'")
echo "sshd login_failure events: $FAILED_N"
check brute-force-parsed [ "$FAILED_N" -gt 100 ]
if [ "$DETECT" = 1 ]; then
	now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
	cat >>"$D/web/access.log" <<EOT
198.51.100.66 - - [$now] "GET /products?id=1%20union%20select%20password%20from%20users HTTP/1.1" 500 0 "-" "Mozilla/5.0"
203.0.113.9 - - [$now] "GET /admin HTTP/1.1" 404 0 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"
EOT
	check alerts-raised wait_sql "SELECT count(*) >= 2 FROM alerts" 1
fi

run_node() {
	# run_node SCRIPT URL: its verdict lines pass through
	SIEMD_URL="$2" SIEMD_USER=admin SIEMD_PASSWORD="$ADMIN_PW" \
	VIEWER_PASSWORD="$VIEWER_PW" EXPECT_FAILED="$FAILED_N" \
	WEB_LOG="$D/web/access.log" \
	SYSLOG_PORT="$P_SYSLOG" SHOTS="$SHOTS" CHROMIUM="$CHROMIUM" T="$T" \
	    timeout 300 node "$BT/$1" 2>&1
	_s=$?
	[ $_s -eq 0 ] || { FAILED=1; echo "$1 exited with $_s"; }
}

run_node dashboard.mjs "https://127.0.0.1:$P_API/"
if [ "$DETECT" = 1 ]; then
	run_node detection.mjs "https://127.0.0.1:$P_API/"
else
	skip detection "no detection in this siemd"
fi

# the same dashboard below a prefix
stop
sed -i 's|^\thtdocs |\tprefix "/siem"\n\thtdocs |' "$D/siemd.conf"
start || { fail prefix-start "siemd did not start with a prefix"; finish; }
run_node prefix.mjs "https://127.0.0.1:$P_API/siem/"
stop
echo "screenshots in $SHOTS"
finish
