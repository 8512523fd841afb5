#!/bin/bash
# ovalarm output: the alarm record's fields, fingerprints, --pass, Nagios
# mode, and bad input lines.
source "$(dirname "$0")/lib.sh"

s() { # s MINUTE METRIC VALUE [LABELS] [NODE]
	local labels="" node=""
	[ -n "${4:-}" ] && labels=",\"labels\":$4"
	[ -n "${5:-}" ] && node="\"node\":\"$5\","
	printf '{"kind":"sample","time":"2026-11-02T10:%s:00Z","customer":"acme","deployment":"acme-prod",%s"metric":"%s","value":%s%s}\n' \
		"$1" "$node" "$2" "$3" "$labels"
}

# The record of DESIGN's example, field by field.
{ for m in 10 11 12 13 14 15; do
	s $m node.cpu_load 97.2 '{"status":"running"}' media_i-0a1b
done; } >"$T/cpu"
run ovalarm "$T/cpu"
is "$STATUS" 0 "cpu alarm: exit 0"
is "$(echo "$OUT" | jq -r 'keys_unsorted | join(",")')" \
	"kind,time,customer,deployment,node,rule,severity,state,since,value,fingerprint,summary" \
	"alarm record fields in order"
is "$(echo "$OUT" | jq -r '[.kind,.time,.customer,.deployment,.node,.rule,.severity,.state,.since,(.value|tostring),.summary] | join("|")')" \
	"alarm|2026-11-02T10:15:00Z|acme|acme-prod|media_i-0a1b|node_cpu_high|critical|firing|2026-11-02T10:10:00Z|97.2|media node media_i-0a1b CPU at 97% for 5m" \
	"alarm record values"
fp=$(echo "$OUT" | jq -r .fingerprint)
like "$fp" '^[0-9a-f]{16}$' "fingerprint is 16 hex digits"
sed 's/"running"/"waiting-idle-to-terminate"/' "$T/cpu" | ovalarm >"$T/fp2"
is "$(jq -r .fingerprint "$T/fp2")" "$fp" \
	"fingerprint ignores the status label"
sed 's/media_i-0a1b/media_i-0c2d/' "$T/cpu" | ovalarm >"$T/fp3"
isnt=$(jq -r .fingerprint "$T/fp3")
[ "$isnt" != "$fp" ]
ok $? "another node has another fingerprint"

# Identity labels are in the fingerprint, error is not; the record has no
# other fields.
{ for m in 00 01 02; do
	s $m api.ok 0 '{"endpoint":"sessions","error":"http_500"}'
done; } >"$T/api"
run ovalarm "$T/api"
is "$(echo "$OUT" | jq -r 'keys | length')" 11 \
	"no labels field in the record (no node here)"
sed 's/http_500/timeout/' "$T/api" | ovalarm >"$T/api2"
is "$(jq -r .fingerprint "$T/api2")" "$(echo "$OUT" | jq -r .fingerprint)" \
	"fingerprint ignores the error label"

# --pass copies other kinds byte for byte, in order.
printf '%s\n' '{"kind":"ticket",  "ticket":42, "summary":"caf\u00e9 ☕"}' \
	'{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"scrape.duration_seconds","value":1}' \
	'{ "kind" : "invoice" , "amount":"1.00"}' >"$T/mixed"
run ovalarm --pass "$T/mixed"
is "$OUT" "$(sed -n '1p;3p' "$T/mixed")" "--pass copies other kinds unchanged"
run ovalarm "$T/mixed"
is "$OUT" "" "without --pass other kinds are dropped"
# The line end is not part of the record: CR LF, a byte-order mark and a
# missing last newline come out as one newline.
printf '\xef\xbb\xbf{"kind":"ticket", "a":1}\r\n{"kind":"x","b":"\\u00e9"}' \
	>"$T/crlf"
ovalarm --pass "$T/crlf" >"$T/crlf.out"
printf '{"kind":"ticket", "a":1}\n{"kind":"x","b":"\\u00e9"}\n' >"$T/crlf.want"
cmp -s "$T/crlf.out" "$T/crlf.want"
ok $? "--pass ends each copied line in one newline"
run ovalarm --pass --nagios "$T/mixed"
is "$STATUS" 2 "--pass with --nagios: exit 2"
run ovalarm --pass --format alertmanager "$T/mixed"
is "$STATUS" 2 "--pass with alertmanager: exit 2"

# Bad lines: reported with file and line, the rest is still evaluated.
{
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"node.cpu_load","value":NaN}'
	echo '{"kind":"sample","time":"yesterday","deployment":"d","metric":"up","value":0}'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","metric":"up","value":0}'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":"0"}'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":0,"labels":{"error":7}}'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":1e400}'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":0,"labels":{"error":"auth"}}'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":0'
	echo '{"kind":"event","time":"2026-11-02T10:00:00Z","deployment":"d","event":"nodeCrashed","fields":[1]}'
} >"$T/bad"
run ovalarm --rejects "$T/rejects" "$T/bad"
is "$STATUS" 1 "bad lines: exit 1"
is "$(echo "$OUT" | jq -r .rule)" "deployment_auth_rejected" \
	"the valid line around bad ones is evaluated"
is "$(echo "$ERR" | grep -c "^ovalarm: $T/bad:[0-9]*: ")" 8 \
	"each bad line is reported with file and line"
like "$ERR" "bad:3: missing field \"deployment\"" "missing field named"
is "$(wc -l <"$T/rejects")" 8 "--rejects keeps the bad lines"
run ovalarm --strict "$T/bad"
is "$STATUS" 1 "--strict: exit 1"
is "$OUT" "" "--strict stops at the first bad line"
printf '\xef\xbb\xbf%s\r\n%s' "$(s 00 up 0 '{"error":"auth"}')" \
	"$(s 01 up 1)" >"$T/crlf"
run ovalarm "$T/crlf"
is "$STATUS:$(echo "$OUT" | jq -r .state | tr '\n' ' ')" \
	"0:firing resolved " "BOM, CRLF and no final newline are accepted"
run ovalarm "$T/nonexistent"
is "$STATUS" 3 "unreadable input: exit 3"

# Nagios mode: one line, exit status by the worst firing alarm.
run ovalarm --nagios </dev/null
is "$STATUS:$OUT" "0:OVALARM OK - no alarm firing | critical=0;;;0 normal=0;;;0 fired=0;;;0 resolved=0;;;0" \
	"nagios: OK"
s 00 config.webhook_active 0 >"$T/webhook"
run ovalarm --nagios "$T/webhook"
is "$STATUS" 1 "nagios: a normal alarm is WARNING (exit 1)"
like "$OUT" "^OVALARM WARNING - 0 critical, 1 normal: webhooks_disabled acme-prod \|" \
	"nagios: WARNING line"
cat "$T/webhook" "$T/cpu" >"$T/both"
run ovalarm --nagios "$T/both"
is "$STATUS" 2 "nagios: a critical alarm is CRITICAL (exit 2)"
like "$OUT" "^OVALARM CRITICAL - 1 critical, 1 normal: node_cpu_high acme-prod/media_i-0a1b, webhooks_disabled acme-prod \| critical=1;;;0 normal=1;;;0" \
	"nagios: CRITICAL line lists critical first"
is "$(echo "$OUT" | wc -l)" 1 "nagios: one line"
# A node or deployment name with a newline or a '|' would start Nagios'
# long output or its performance data early.
printf '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"a|b","node":"n\\nx","metric":"config.webhook_active","value":0}\n' \
	>"$T/odd"
run ovalarm --nagios "$T/odd"
is "$(echo "$OUT" | wc -l)" 1 "nagios: odd names, one line"
like "$OUT" "normal: webhooks_disabled a_b/n_x \\| critical=0;;;0" \
	"nagios: odd names replaced by _"
printf 'rule a\n\twhen\n' >"$T/broken.conf"
run ovalarm --nagios --rules "$T/broken.conf" </dev/null
is "$STATUS" 3 "nagios: unusable rules are UNKNOWN (exit 3)"
like "$OUT" "^OVALARM UNKNOWN - " "nagios: UNKNOWN status line"
# Lines the fast reader takes and lines it leaves to the full parser (an
# escape, an extra field, a null) give the same alarms.
"$TOP/tests/fixtures/ovalarm/generate.py" --samples 2000 --seed 3 >"$T/gen"
ovalarm "$T/gen" >"$T/gen.out"
sed -e 's/"kind":"sample"/"kind":"sampl\\u0065","x":null/' \
	-e 's/"kind":"event"/"kind":"\\u0065vent"/' "$T/gen" >"$T/gen.slow"
ovalarm "$T/gen.slow" >"$T/gen.slow.out"
[ -s "$T/gen.out" ] && cmp -s "$T/gen.out" "$T/gen.slow.out"
ok $? "fast reader and full parser give the same alarms"
# Default summaries: no blank left where a record has no node, and an
# absence names the time without a sample rather than "is SECONDS".
printf 'rule hot\n\twhen x > 1\nrule quiet\n\tabsent x for 10m\nrule boom\n\tevent nodeCrashed\n' >"$T/plain.conf"
{
	printf '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"x","value":5}\n'
	printf '{"kind":"event","time":"2026-11-02T10:01:00Z","deployment":"d","event":"nodeCrashed"}\n'
	printf '{"kind":"sample","time":"2026-11-02T10:02:00Z","deployment":"d","node":"n1","metric":"x","value":0}\n'
} >"$T/plain"
run ovalarm --rules "$T/plain.conf" --now 2026-11-02T10:15:00Z "$T/plain"
is "$(echo "$OUT" | jq -r .summary | tr '\n' '|')" \
	"hot: x is 5 on d|boom: nodeCrashed on d|quiet: no x sample for 15m on d|quiet: no x sample for 13m on d n1|" \
	"default summaries"
done_testing
