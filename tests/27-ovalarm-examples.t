#!/bin/bash
# The EXAMPLES of ovalarm(1) and ovalarm.conf(5) run as written, with the
# paths pointed at temporary files.
source "$(dirname "$0")/lib.sh"

page5="$TOP/man/ovalarm.conf.5"
page1="$TOP/man/ovalarm.1"
# literal N PAGE: prints the N-th literal block of the EXAMPLES section.
literal() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$2" |
		awk -v n="$1" '/^\.Bd -literal/ { k++; inside = 1; next }
			/^\.Ed/ { inside = 0; next }
			inside && k == n { print }' | sed 's/\\e/\\/g'
}

# ovalarm.conf(5): the two rules and the customer file.
literal 1 "$page5" >"$T/cpu.conf"
literal 2 "$page5" >"$T/rec.conf"
mkdir "$T/alarms.d"
literal 3 "$page5" >"$T/alarms.d/acme.conf"
like "$(head -n 1 "$T/cpu.conf")" "^rule node_cpu_high$" "first example read"
run ovalarm --check --rules "$T/cpu.conf"
is "$STATUS" 0 "CPU rule example is valid"
run ovalarm --check --rules "$T/rec.conf"
is "$STATUS" 0 "recording rule example is valid"
run ovalarm --check --rules "$TOP/etc/alarms.conf" --rules-dir "$T/alarms.d"
is "$STATUS" 0 "customer file example is valid with the default set"
# The error message example of EXIT STATUS.
printf 'rule a\n\twhen up == 0\n\twhne up == 1\n' >"$T/alarms.conf"
(cd "$T" && ovalarm --check --rules alarms.conf) 2>"$T/err"
expected=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /s/^\.Dl //p' "$page5" |
	sed 's/alarms.conf:12:/alarms.conf:3:/')
is "$(cat "$T/err")" "$expected" "error message example"

# ovalarm(1): --check, replay with jq, and the Alertmanager body.
cmd=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /s/^\.Dl //p' "$page1" | head -n 1)
is "$cmd" "ovalarm --check --rules /etc/ov/alarms.conf --rules-dir /etc/ov/alarms.d" \
	"first example of ovalarm(1)"
run ovalarm --check --rules "$TOP/etc/alarms.conf" --rules-dir "$T/alarms.d"
is "$STATUS" 0 "ovalarm(1) --check example"
mkdir "$T/samples"
for m in 10 11 12 13 14 15; do
	printf '{"kind":"sample","time":"2026-11-02T09:%s:00Z","customer":"acme","deployment":"acme-prod","node":"media_i-0a1b","metric":"node.cpu_load","value":97.2}\n' "$m"
done >"$T/samples/2026-11-02.ndjson"
replay=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /s/^\.Dl //p' "$page1" | sed -n 2p |
	sed 's/\\(dq/"/g')
out=$(cd "$T" && eval "$replay")
is "$out" "2026-11-02T09:15:00Z media node media_i-0a1b CPU at 97% for 5m" \
	"replay example"
report=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /s/^\.Dl //p' "$page1" | sed -n 3p)
is "$report" "cat samples/2026-11-*.ndjson | ovalarm report --month 2026-11 --csv" \
	"report example of ovalarm(1)"
out=$(cd "$T" && eval "$report")
is "$(echo "$out" | cut -d, -f1-4 | tail -n 1)" "2026-11,acme,acme-prod,0" \
	"report example writes CSV"
done_testing
