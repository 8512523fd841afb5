#!/bin/bash
# ovalarm --state: input split across runs gives the same alarms as one
# run, and a state file that cannot be trusted stops the run with status 3.
source "$(dirname "$0")/lib.sh"

GEN="$TOP/tests/fixtures/ovalarm/generate.py"
NOW=2026-11-02T23:00:00Z
"$GEN" --samples 3000 --seed 7 >"$T/in.ndjson"
lines=$(wc -l <"$T/in.ndjson")
ovalarm --now "$NOW" "$T/in.ndjson" >"$T/whole.out"
ok $? "one run over the whole input"
count=$(wc -l <"$T/whole.out")
[ "$count" -gt 100 ]
ok $? "the input raises many alarms ($count)"

# 50 random splits into 2 to 5 runs sharing one state file.
RANDOM=2026
failed=0
for ((i = 1; i <= 50; i++)); do
	cuts=$(for ((k = RANDOM % 4 + 1; k > 0; k--)); do
		echo $((RANDOM * 32768 % lines + RANDOM % lines))
	done | awk -v n="$lines" '{ print ($1 % (n - 1)) + 1 }' | sort -un)
	rm -f "$T/state" "$T/split.out"
	start=1
	for cut in $cuts $lines; do
		args=()
		[ "$cut" -eq "$lines" ] && args=(--now "$NOW")
		sed -n "${start},${cut}p" "$T/in.ndjson" |
			ovalarm --state "$T/state" "${args[@]}" >>"$T/split.out" ||
			failed=$((failed + 1))
		start=$((cut + 1))
	done
	if ! cmp -s "$T/whole.out" "$T/split.out"; then
		failed=$((failed + 1))
		echo "# split at $(echo $cuts) differs:"
		diff "$T/whole.out" "$T/split.out" | head -5 | sed 's/^/#   /'
	fi
done
is "$failed" 0 "50 random splits give the same alarms as one run"

# One line per run, the hardest split.
rm -f "$T/state" "$T/lines.out"
head -n 250 "$T/in.ndjson" >"$T/head.ndjson"
ovalarm "$T/head.ndjson" >"$T/head.out"
while IFS= read -r line; do
	printf '%s\n' "$line" | ovalarm --state "$T/state" >>"$T/lines.out"
done <"$T/head.ndjson"
cmp -s "$T/head.out" "$T/lines.out"
ok $? "one run per line gives the same alarms" ||
	diff "$T/head.out" "$T/lines.out" | head -5 | sed 's/^/#   /'
[ -s "$T/head.out" ]
ok $? "the first lines raise alarms"

# A firing alarm survives between runs and resolves in a later one.
S="$T/cpu.state"
cpu() {
	printf '{"kind":"sample","time":"2026-11-02T09:%s:00Z","customer":"acme","deployment":"acme-prod","node":"m1","metric":"node.cpu_load","value":%s}\n' "$1" "$2"
}
{ cpu 00 95; cpu 05 96; } | ovalarm --state "$S" >"$T/r1"
is "$(jq -r .state "$T/r1")" firing "first run fires"
cpu 06 50 | ovalarm --state "$S" >"$T/r2"
is "$(jq -r '.state+" "+.since' "$T/r2")" "resolved 2026-11-02T09:00:00Z" \
	"second run resolves with the first run's since"

# Corrupt state files: exit 3 and a message naming file and line.
corrupt() { # corrupt NAME CONTENT
	printf '%s' "$2" >"$T/bad.state"
	cp "$T/bad.state" "$T/bad.copy"
	run ovalarm --state "$T/bad.state" </dev/null
	is "$STATUS" 3 "$1: exit 3"
	like "$ERR" "bad.state:[0-9]+: corrupt state file" "$1: message"
	cmp -s "$T/bad.state" "$T/bad.copy"
	ok $? "$1: file left as it was"
}
corrupt "empty file" ""
corrupt "not JSON" $'garbage\n'
corrupt "truncated line" '{"ovalarm_state":1,"clock":5'
corrupt "wrong version" $'{"ovalarm_state":9,"clock":null}\n'
head -c 300 "$S" >"$T/cut"
corrupt "cut series line" "$(cat "$T/cut")"
# Cut after a whole line: every line parses, but series are missing, so
# the header's line count gives it away.
[ "$(wc -l <"$T/state")" -gt 3 ]
ok $? "the state of the split runs has several series"
corrupt "cut at a line end" "$(head -n 3 "$T/state")"$'\n'
corrupt "line added" "$(cat "$T/state"; tail -n 1 "$T/state")"$'\n'
corrupt "bad phase" $'{"ovalarm_state":1,"clock":null}\n{"rule":"node_cpu_high","key":["node_cpu_high","d","n","node.cpu_load"],"customer":"","phase":9,"last":null,"since":null,"clear_since":null,"value":1,"shown":false,"shown_since":null,"deadline":null,"flapping":false,"flaps":[]}\n'

# A state file of a build that wrote no line count is still read.
printf '{"ovalarm_state":1,"clock":null}\n' >"$T/old.state"
run ovalarm --state "$T/old.state" </dev/null
is "$STATUS" 0 "state file without a line count: exit 0"

# A state file locked by another run: wait, then give up with status 3.
mkdir "$T/dir.state"
run ovalarm --state "$T/dir.state" </dev/null
is "$STATUS" 3 "a folder as state file: exit 3"

# A run holding the lock makes the next one wait for it.
if command -v flock >/dev/null; then
	flock "$S.lock" -c "touch '$T/locked'; sleep 1" &
	holder=$!
	cleanup "kill $holder"
	wait_for test -e "$T/locked"
	{ cpu 07 99; cpu 12 99; } | ovalarm --state "$S" >"$T/r3"
	is "$?:$(jq -r .state "$T/r3")" "0:firing" \
		"a run waits for the lock, then continues from the state"
	wait "$holder"
fi

# The state of a removed rule is dropped, not an error.
printf 'rule other\n\twhen up == 0\n' >"$T/other.conf"
run ovalarm --rules "$T/other.conf" --state "$S" </dev/null
is "$STATUS" 0 "state of a removed rule: exit 0"
done_testing
