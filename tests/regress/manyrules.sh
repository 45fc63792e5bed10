#!/bin/sh
# Thousands of rules: their report (states, reasons, counters) is larger
# than one message between processes, so it travels in pieces from
# correlate to the parent and from the parent to the web process;
# GET /rules must list every rule, and one found by id must be the
# right one, with its hits counted.
T=manyrules
. tests/regress/lib.sh
require_root
require_tools curl jq logger
setup
write_conf
mkdir -m 0755 "$D/rules"
N=3000
# a long description makes each rule's entry some 700 bytes: about 2 MB
desc=$(printf 'A rule of many; %.0s' $(seq 1 40))
i=1
while [ $i -le $N ]; do
	id=$(printf '00000000-0000-4000-8000-%012d' $i)
	cat >"$D/rules/r$i.yml" <<EOT
title: Many rules number $i
id: $id
description: $desc
logsource:
    product: linux
detection:
    keywords:
        - 'token-of-rule-$i-here'
    condition: keywords
level: low
EOT
	i=$((i + 1))
done
echo "rules \"$D/rules\"" >>"$D/siemd.conf"
start || { fail start "siemd did not start"; finish; }
pass start
admin_login
U="https://127.0.0.1:$P_API/api/v1"

logger -n 127.0.0.1 -P "$P_SYSLOG" -T -t app "the token-of-rule-2999-here is sent"
check line-stored wait_sql "SELECT count(*) FROM events WHERE message LIKE '%token-of-rule-2999-here%'" 1

rules() {
	curl -sk --max-time 20 -H "$AUTH" "$U/rules$1" >"$D/rules.json" &&
	    jq -e "$2" "$D/rules.json" >/dev/null
}
check rules-all-listed eventually 150 rules "" ".total == $N and (.data | length) == $N"
check rule-by-id eventually 150 rules "/00000000-0000-4000-8000-000000002999" \
    '.title == "Many rules number 2999" and .hits == 1'
check rule-last-by-id rules "/00000000-0000-4000-8000-000000003000" \
    '.title == "Many rules number 3000" and .status == "loaded"'
"$SIEMCTL" -s "$SOCK" show rules >"$D/show" 2>&1
check show-rules-all [ "$(grep -c 'Many rules number' "$D/show")" = "$N" ]
stop
check stop-status-0 [ "$STATUS" = 0 ]
finish
