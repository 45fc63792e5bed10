#!/bin/sh
# Create the two unprivileged users and the empty jail when missing.
# The daemon refuses to run without them; needs root.
if [ "$(id -u)" -ne 0 ]; then
	echo "not root: skipping creation of _siemd, _siemdb and /var/empty"
	exit 0
fi
nologin=/usr/sbin/nologin
[ -x "$nologin" ] || nologin=/bin/false
for u in _siemd _siemdb; do
	if ! getent passwd "$u" >/dev/null; then
		useradd -r -U -M -d /var/empty -s "$nologin" "$u" ||
		    { echo "cannot create user $u" >&2; exit 1; }
		echo "created user $u"
	fi
done
if [ ! -d /var/empty ]; then
	mkdir -p /var/empty && chmod 0755 /var/empty &&
	    echo "created /var/empty"
fi
exit 0
