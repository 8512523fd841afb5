#!/bin/bash
# ovalarm.conf parsing: each error names file, line and word and exits 3;
# per-customer files add, override and disable rules.
source "$(dirname "$0")/lib.sh"

# bad NAME CONTENT REGEX: the rules file is rejected with a message.
bad() {
	printf '%b' "$2" >"$T/bad.conf"
	run ovalarm --check --rules "$T/bad.conf"
	is "$STATUS" 3 "$1: exit 3"
	like "$ERR" "^ovalarm: $T/bad.conf:$3" "$1: message"
}
bad "unknown directive" 'rule a\n\twhen up == 0\n\twhne up == 1\n' \
	"3: unknown directive 'whne'; did you mean 'when'\?"
bad "directive outside a rule" 'when up == 0\n' "1: 'when' outside a rule"
bad "bad operator" 'rule a\n\twhen up = 0\n' "2: invalid operator '='"
bad "bad number" 'rule a\n\twhen up == zero\n' "2: invalid number 'zero'"
bad "nan number" 'rule a\n\twhen up == nan\n' "2: invalid number 'nan'"
bad "bad duration" 'rule a\n\twhen up == 0 for 5x\n' \
	"2: invalid duration '5x'"
bad "no condition" 'rule a\n\tseverity critical\nrule b\n\twhen up == 0\n' \
	"1: rule 'a' has no condition"
bad "two conditions" 'rule a\n\twhen up == 0\n\tabsent up for 5m\n' \
	"3: rule 'a' already has a condition"
bad "duplicate rule" 'rule a\n\twhen up == 0\nrule a\n\twhen up == 1\n' \
	"3: rule 'a' is defined twice"
bad "bad severity" 'rule a\n\twhen up == 0\n\tseverity high\n' \
	"3: invalid severity 'high'"
bad "unterminated quote" 'rule a\n\twhen up == 0\n\tsummary "x\n' \
	"3: unterminated quote"
bad "label with >" 'rule a\n\twhen up == 0 and label.error > x\n' \
	"2: 'label.error' compares text"
bad "drop without %" 'rule a\n\tdrop x by 50 over 5m\n' \
	"2: invalid percentage '50'"
bad "drop over 100%" 'rule a\n\tdrop x by 150% over 5m\n' \
	"2: percentage '150%' out of range"
bad "flap count 1" 'rule a\n\twhen up == 0\n\tflap 1 in 5m\n' \
	"3: flap count '1'"
bad "clear before when" 'rule a\n\tclear up == 1\n' \
	"2: 'clear' needs a 'when' line"
bad "resolve without event" 'rule a\n\twhen up == 0\n\tresolve after 1h\n' \
	"3: 'resolve' needs an 'event' line"
bad "disable in the default set" 'disable a\n' \
	"1: 'disable' belongs in a customer's file"
bad "bad rule name" 'rule a/b\n\twhen up == 0\n' "1: invalid rule name 'a/b'"
bad "NUL byte" 'rule a\n\twhen up == 0\x00\n' "2: NUL byte"
bad "event with a label" 'rule a\n\tevent x and label.a == b\n' \
	"2: an event condition compares field.KEY"
bad "resolve with a label" \
	'rule a\n\tevent x\n\tresolve event y and label.a == b\n' \
	"3: a resolve condition compares field.KEY, not 'label.a'"
bad "extra words" 'rule a\n\tabsent up for 5m now\n' \
	"2: too many words after 'absent'"

run ovalarm --check --rules "$T/missing.conf"
is "$STATUS" 3 "missing rules file: exit 3"
like "$ERR" "missing.conf: No such file" "missing rules file: message"
run ovalarm --check
is "$STATUS" 0 "the shipped rules load"
run ovalarm --check --rules "$TOP/etc/alarms.conf"
is "$STATUS" 0 "etc/alarms.conf loads with --rules"

# Usage errors: exit 2 with a hint.
run ovalarm --format xml
is "$STATUS" 2 "bad --format: exit 2"
run ovalarm --now yesterday
is "$STATUS" 2 "bad --now: exit 2"
run ovalarm --stte x
is "$STATUS" 2 "unknown option: exit 2"
like "$ERR" "did you mean '--state'" "unknown option: suggestion"
run ovalarm --help
is "$STATUS" 0 "--help: exit 0"
like "$OUT" "^usage: ovalarm" "--help: usage first"

# Per-customer files.
cat >"$T/base.conf" <<'CONF'
rule cpu
	when node.cpu_load > 90
	severity critical
rule down
	when up == 0
CONF
mkdir "$T/custom"
cat >"$T/custom/acme.conf" <<'CONF'
# acme runs hot: a higher threshold, and no "down" alarm
rule cpu
	when node.cpu_load > 97
	severity normal
disable down
rule acme_sessions
	when sessions.active > 100
CONF
cat >"$T/custom/globex.conf" <<'CONF'
rule cpu_extra
	when node.cpu_load > 50
CONF
echo "not a rules file" >"$T/custom/README"
cpu() {
	printf '{"kind":"sample","time":"2026-11-02T10:00:00Z","customer":"%s","deployment":"%s-prod","node":"m1","metric":"%s","value":%s}\n' \
		"$1" "$1" "$2" "$3"
}
{
	cpu acme node.cpu_load 95
	cpu globex node.cpu_load 95
	cpu initech node.cpu_load 95
	cpu acme up 0
	cpu globex up 0
	cpu acme sessions.active 150
	cpu globex sessions.active 150
} >"$T/in"
run ovalarm --rules "$T/base.conf" --rules-dir "$T/custom" "$T/in"
is "$STATUS" 0 "customer rules: exit 0"
got=$(echo "$OUT" | jq -r '.customer + ":" + .rule + ":" + .severity' |
	sort | tr '\n' ' ')
is "$got" "acme:acme_sessions:normal globex:cpu:critical globex:cpu_extra:normal globex:down:normal initech:cpu:critical " \
	"override, disable and additions apply to their customer only"
{ cpu acme node.cpu_load 98; } >"$T/in2"
run ovalarm --rules "$T/base.conf" --rules-dir "$T/custom" "$T/in2"
is "$(echo "$OUT" | jq -r '.rule + ":" + .severity')" "cpu:normal" \
	"acme's own cpu rule fires above its threshold"
fp_default=$(cpu globex node.cpu_load 95 | sed 's/globex-prod/acme-prod/' |
	ovalarm --rules "$T/base.conf" | jq -r .fingerprint)
fp_custom=$(echo "$OUT" | jq -r .fingerprint)
is "$fp_custom" "$fp_default" "an override keeps the alarm's fingerprint"

printf 'disable nosuch\n' >"$T/custom/initech.conf"
run ovalarm --check --rules "$T/base.conf" --rules-dir "$T/custom"
is "$STATUS" 3 "disabling an unknown rule: exit 3"
like "$ERR" "initech.conf:1: no default rule named 'nosuch'" \
	"disabling an unknown rule: message"
run ovalarm --check --rules "$T/base.conf" --rules-dir "$T/nodir"
is "$STATUS" 3 "missing rules folder: exit 3"

# A file whose name is no customer identifier could never apply.
mkdir "$T/odd"
printf 'disable cpu\n' >"$T/odd/acme corp.conf"
run ovalarm --check --rules "$T/base.conf" --rules-dir "$T/odd"
is "$STATUS" 3 "customer file with a blank: exit 3"
like "$ERR" "odd/acme corp.conf: 'acme corp' is not a customer identifier" \
	"customer file with a blank: message"

# Every customer file is read, however many there are.
mkdir "$T/many"
for ((i = 1; i <= 1500; i++)); do
	printf 'rule many\n\twhen node.cpu_load > 90\n' >"$T/many/c$i.conf"
	cpu "c$i" node.cpu_load 95
done >"$T/in3"
run ovalarm --rules "$T/base.conf" --rules-dir "$T/many" "$T/in3"
is "$(printf '%s\n' "$OUT" | grep -c '"rule":"many"')" 1500 \
	"1,500 customer files all apply"
done_testing
