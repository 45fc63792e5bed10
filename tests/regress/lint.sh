#!/bin/sh
#
# Lint what ships beside the code: the manual pages, the rc.d script,
# the systemd unit and the sysusers.d and tmpfiles.d files.  Run from
# the top of the source tree:
#
#	sh tests/regress/lint.sh
#
# One line per check on standard output, "PASS lint/NAME" or
# "FAIL lint/NAME: why" ("SKIP lint/NAME: why" when a tool is missing);
# details of a failure go to standard error.  Exits 1 if any check
# failed.

MANS="siemd/siemd.8 siemd/siemctl.8 siemd/siemd.conf.5"
RC=rc.d/siemd
UNIT=rc.d/siemd.service
SYSUSERS=rc.d/siemd.sysusers
TMPFILES=rc.d/siemd.tmpfiles

# What the unit must say: "Key=word ..." needs each word in Key's value.
UNIT_NEEDS='
Type=notify
NotifyAccess=main
ExecStartPre=-n
ExecReload=-n
ExecReload=-HUP $MAINPID
Restart=on-failure
ProtectSystem=strict
PrivateTmp=yes
NoNewPrivileges=yes
CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_SYS_CHROOT CAP_NET_BIND_SERVICE
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
SystemCallArchitectures=native
SystemCallFilter=@system-service chroot seccomp
ProtectHome=read-only
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictNamespaces=yes
LockPersonality=yes
MemoryDenyWriteExecute=no
ReadOnlyPaths=/var/log
StateDirectory=siemd
RuntimeDirectory=siemd
ConfigurationDirectory=siemd
LimitNOFILE=
'

failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siemd-lint.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass()
{
	echo "PASS lint/$1"
}

fail()
{
	echo "FAIL lint/$1: $2"
	failed=1
}

skip()
{
	echo "SKIP lint/$1: $2"
}

# fail_with NAME WHY FILE: FAIL with WHY, and FILE's text on stderr.
fail_with()
{
	fail "$1" "$2"
	sed 's/^/	/' "$3" >&2
}

isroot()
{
	[ "$(id -u)" -eq 0 ]
}

# Manual pages: mandoc must have nothing to say at warning level.
for man in $MANS; do
	name=${man##*/}
	if [ ! -f "$man" ]; then
		fail "$name" "$man is missing"
	elif ! command -v mandoc >/dev/null 2>&1; then
		fail "$name" "mandoc is not installed"
	elif ! mandoc -Tlint -Wwarning "$man" >"$tmp/out" 2>&1 ||
	    [ -s "$tmp/out" ]; then
		fail_with "$name" "mandoc -Tlint, first of \
$(wc -l <"$tmp/out" | tr -d ' '): $(head -n 1 "$tmp/out")" "$tmp/out"
	else
		pass "$name"
	fi
done

# rc.d script: valid shell, and the pieces rc.subr needs.
if [ ! -f "$RC" ]; then
	fail rc.d "$RC is missing"
elif ! sh -n "$RC" 2>"$tmp/out"; then
	fail_with rc.d "sh -n: $(head -n 1 "$tmp/out")" "$tmp/out"
elif ! grep -q '^daemon="/' "$RC"; then
	fail rc.d "no absolute daemon= path"
elif ! grep -q '^\. /etc/rc\.d/rc\.subr$' "$RC"; then
	fail rc.d "does not source rc.subr"
elif ! grep -q '^rc_cmd \$1$' "$RC"; then
	fail rc.d "does not end in rc_cmd \$1"
else
	pass rc.d
fi

# systemd unit, statically: every directive the design asks for.
if [ ! -f "$UNIT" ]; then
	fail unit "$UNIT is missing"
else
	echo "$UNIT_NEEDS" | while IFS= read -r need; do
		[ -n "$need" ] || continue
		key=${need%%=*}
		words=${need#*=}
		# every value given for key, one line each
		sed -n "s/^$key=//p" "$UNIT" >"$tmp/values"
		if [ ! -s "$tmp/values" ]; then
			echo "$key"
			continue
		fi
		[ -n "$words" ] || continue
		case $words in
		'-HUP $MAINPID')	# one ExecReload line with both
			grep -q -- '-HUP \$MAINPID' "$tmp/values" ||
			    echo "$key (kill -HUP \$MAINPID)"
			continue
			;;
		esac
		for w in $words; do
			grep -Eq -- "(^| )$w( |\$)" "$tmp/values" ||
			    echo "$key ($w)"
		done
	done >"$tmp/missing"
	if grep -q '^ReadWritePaths=.*/var/empty' "$UNIT"; then
		echo "ReadWritePaths must not include /var/empty" \
		    >>"$tmp/missing"
	fi
	if [ -s "$tmp/missing" ]; then
		missing=$(tr '\n' ',' <"$tmp/missing" | sed 's/,$//;s/,/, /g')
		fail unit "missing or wrong: $missing"
	else
		pass unit
	fi
fi

# systemd unit, as systemd reads it.  Complaints that come from this
# machine rather than the file (binary not installed, man pages not
# found, no running systemd) are tolerated; anything about a line of
# the file, an unknown key or a bad value is not.
if [ ! -f "$UNIT" ]; then
	fail unit-verify "$UNIT is missing"
elif ! command -v systemd-analyze >/dev/null 2>&1; then
	skip unit-verify "systemd-analyze is not installed"
else
	cp "$UNIT" "$tmp/siemd.service"
	(cd "$tmp" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify \
	    ./siemd.service) 2>&1 | sed "s|^[^ ]*siemd\.service:|$UNIT:|" \
	    >"$tmp/out"
	if grep -E 'siemd\.service:[0-9]+:|[Uu]nknown (key|lvalue|section)' \
	    "$tmp/out" >"$tmp/bad" ||
	    grep -E '[Ii]nvalid|[Ff]ailed to parse|bad-setting' \
	    "$tmp/out" >"$tmp/bad"; then
		fail_with unit-verify "$(head -n 1 "$tmp/bad")" "$tmp/bad"
	else
		pass unit-verify
	fi
fi

# sysusers.d: both users, home /var/empty, no login shell.
if [ ! -f "$SYSUSERS" ]; then
	fail sysusers "$SYSUSERS is missing"
elif command -v systemd-sysusers >/dev/null 2>&1 && isroot; then
	mkdir -p "$tmp/root/etc"
	if ! systemd-sysusers --root="$tmp/root" - <"$SYSUSERS" \
	    >"$tmp/out" 2>&1; then
		fail_with sysusers "systemd-sysusers failed" "$tmp/out"
	else
		bad=
		for u in _siemd _siemdb; do
			grep -q "^$u:[^:]*:[0-9]*:[0-9]*:[^:]*:/var/empty:.*nologin$" \
			    "$tmp/root/etc/passwd" || bad="$bad $u"
		done
		if [ -n "$bad" ]; then
			fail sysusers "not created as expected:$bad"
		else
			pass sysusers
		fi
	fi
else
	bad=
	for u in _siemd _siemdb; do
		grep -q "^u[	 ][	 ]*$u[	 ].*/var/empty" "$SYSUSERS" ||
		    bad="$bad $u"
	done
	if [ -n "$bad" ]; then
		fail sysusers "no user line with home /var/empty for:$bad"
	else
		pass sysusers
	fi
fi

# tmpfiles.d: /var/empty 0755 root, /var/db/siemd 0750 _siemdb.  The
# real tool needs the users, so it runs on top of the sysusers root.
if [ ! -f "$TMPFILES" ]; then
	fail tmpfiles "$TMPFILES is missing"
elif command -v systemd-tmpfiles >/dev/null 2>&1 && isroot &&
    [ -s "$tmp/root/etc/passwd" ]; then
	if ! systemd-tmpfiles --root="$tmp/root" --create - <"$TMPFILES" \
	    >"$tmp/out" 2>&1; then
		fail_with tmpfiles "systemd-tmpfiles failed" "$tmp/out"
	elif [ "$(stat -c %a:%u "$tmp/root/var/empty")" != 755:0 ]; then
		fail tmpfiles "/var/empty is not 0755 root"
	elif [ "$(stat -c %a "$tmp/root/var/db/siemd")" != 750 ] ||
	    [ "$(stat -c %u "$tmp/root/var/db/siemd")" -eq 0 ]; then
		fail tmpfiles "/var/db/siemd is not 0750 _siemdb"
	else
		pass tmpfiles
	fi
elif ! grep -q '^d[	 ][	 ]*/var/empty[	 ][	 ]*0755[	 ][	 ]*root' \
    "$TMPFILES"; then
	fail tmpfiles "no line for /var/empty 0755 root"
elif ! grep -q '^d[	 ][	 ]*/var/db/siemd[	 ][	 ]*0750[	 ][	 ]*_siemdb' \
    "$TMPFILES"; then
	fail tmpfiles "no line for /var/db/siemd 0750 _siemdb"
else
	pass tmpfiles
fi

exit $failed
