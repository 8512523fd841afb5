#!/bin/bash
# Edge cases of each rule kind: values exactly at the threshold, samples on
# the `for` boundary, gaps in the data, out-of-order samples, and damping
# of a flapping series.
source "$(dirname "$0")/lib.sh"

# x MM:SS VALUE [METRIC] [DEPLOYMENT] [NODE]: one sample at 10:MM:SS.
x() {
	local node=""
	[ -n "${5:-}" ] && node="\"node\":\"$5\","
	printf '{"kind":"sample","time":"2026-11-02T10:%s:00Z","customer":"c","deployment":"%s",%s"metric":"%s","value":%s}\n' \
		"$1" "${4:-d1}" "$node" "${3:-x}" "$2" | sed 's/:\([0-9][0-9]\):00Z/:\1Z/'
}
ev() { # ev MM:SS NAME [FIELDS]
	printf '{"kind":"event","time":"2026-11-02T10:%sZ","deployment":"d1","event":"%s","node":"n1","fields":%s}\n' \
		"$1" "$2" "${3:-{\}}"
}
# case NAME RULES EXPECTED [OPTIONS]: rules on $T/in; EXPECTED lists the
# transitions as "state@MM:SS".
case_() {
	local name=$1 expected=$3
	shift 3
	printf '%b' "$RULES" >"$T/rules.conf"
	ovalarm --rules "$T/rules.conf" "$@" "$T/in" >"$T/out" 2>"$T/err"
	got=$(jq -r '.state + "@" + .time[14:19]' "$T/out" | tr '\n' ' ')
	is "${got% }" "$expected" "$name"
}

# --- threshold ---
RULES='rule r\n\twhen x > 90 for 5m\n'
{ x 00:00 90; x 05:00 90; } >"$T/in"
case_ "threshold: exactly at the threshold does not fire" "" ""
RULES='rule r\n\twhen x >= 90 for 5m\n'
case_ "threshold: >= fires exactly at the threshold" "" "firing@05:00"
RULES='rule r\n\twhen x > 90 for 5m\n'
{ x 00:00 95; x 04:59 95; } >"$T/in"
case_ "threshold: one second short of for" "" ""
{ x 00:00 95; x 05:00 95; } >"$T/in"
case_ "threshold: sample on the for boundary fires" "" "firing@05:00"
{ x 00:00 95; x 15:00 95; x 19:00 95; x 20:00 95; } >"$T/in"
case_ "threshold: a gap over 10m restarts pending" "" "firing@20:00"
{ x 00:00 95; x 06:00 95; } >"$T/in"
case_ "threshold: a gap under 10m keeps pending" "" "firing@06:00"
{ x 00:00 95; x 05:00 95; x 03:00 10; x 06:00 10; } >"$T/in"
case_ "threshold: an out-of-order sample is ignored" "" \
	"firing@05:00 resolved@06:00"
{ x 00:00 95; x 02:00 10; x 03:00 95; x 08:00 95; } >"$T/in"
case_ "threshold: a false sample resets pending" "" "firing@08:00"
RULES='rule r\n\twhen x > 90\n\tclear x < 75\n\tkeep 2m\n'
{ x 00:00 95; x 01:00 80; x 02:00 70; x 03:00 95; x 04:00 70; x 05:00 70
	x 06:00 60; } >"$T/in"
case_ "threshold: hysteresis band and keep" "" "firing@00:00 resolved@06:00"
RULES='rule r\n\twhen x > 90 and other == 0\n'
{ x 00:00 95; x 01:00 0 other; x 02:00 95; x 03:00 1 other; x 04:00 95
	x 05:00 0 other d1 n2; x 06:00 95; } >"$T/in"
case_ "threshold: a condition on another metric of the same node" "" \
	"firing@02:00 resolved@04:00"
RULES='rule r\n\twhen x > 90\n\tdeployment d2 d3*\n\tnode n?\n'
{ x 00:00 95 x d1 n1; x 00:00 95 x d2 n1; x 00:00 95 x d30 n2
	x 00:00 95 x d2 n10; } >"$T/in"
ovalarm --rules <(printf '%b' "$RULES") "$T/in" | jq -r '.deployment+"/"+.node' \
	>"$T/scoped"
is "$(tr '\n' ' ' <"$T/scoped")" "d2/n1 d30/n2 " "scope by deployment and node"

# --- absence ---
RULES='rule r\n\tabsent x for 5m\n'
{ x 00:00 1; x 05:00 1 y; } >"$T/in"
RULES='rule r\n\tabsent x for 5m\nrule other\n\twhen y > 5\n'
case_ "absence: exactly the duration does not fire" "" ""
{ x 00:00 1; x 05:01 1 y; x 07:00 1; } >"$T/in"
case_ "absence: one second more fires, a sample resolves" "" \
	"firing@05:01 resolved@07:00"
{ x 00:00 1; } >"$T/in"
case_ "absence: --now ends the check" "" "firing@09:00" \
	--now 2026-11-02T10:09:00Z
case_ "absence: --now inside the duration" "" "" \
	--now 2026-11-02T10:04:00Z
{ x 00:00 1; x 00:00 1 x d2; x 03:00 1 x d2; x 06:00 1 x d2
	x 09:00 1 x d2; } >"$T/in"
case_ "absence is per series" "" "firing@06:00"
RULES='rule r\n\tabsent x for 5m\nrule other\n\twhen y > 5\n'
{ x 00:00 1; x 04:00 1; x 02:00 1; x 09:30 1 y; } >"$T/in"
case_ "absence: a late sample changes nothing" "" "firing@09:30"

# --- events ---
RULES='rule r\n\tevent boom and field.status == failed\n\tresolve event fine\n\tresolve after 10m\n'
{ ev 00:00 boom '{"status":"ready"}'; ev 01:00 boom '{"status":"failed"}'
	ev 02:00 boom '{"status":"failed"}'; ev 03:00 fine; } >"$T/in"
case_ "event: fields match, a repeat is one alarm, paired event resolves" \
	"" "firing@01:00 resolved@03:00"
{ ev 01:00 boom '{"status":"failed"}'; x 11:00 1; x 11:01 1; } >"$T/in"
case_ "event: resolve after exactly, at the due instant" "" \
	"firing@01:00 resolved@11:00"
{ ev 01:00 boom '{"status":"failed"}'; ev 00:30 fine; } >"$T/in"
case_ "event: a pairing event older than the alarm is ignored" "" \
	"firing@01:00"
RULES='rule r\n\tevent boom\n\tresolve event fine and field.k == 1\n\tresolve event fine\n'
{ ev 01:00 boom; ev 02:00 fine '{"k":"2"}'; } >"$T/in"
case_ "event: a later resolve line replaces the field test" "" \
	"firing@01:00 resolved@02:00"

# --- relative drop ---
RULES='rule r\n\tdrop x by 50% over 5m floor 10\n'
{ x 00:00 40; x 01:00 20; } >"$T/in"
case_ "drop: exactly 50% fires" "" "firing@01:00"
{ x 00:00 40; x 01:00 21; } >"$T/in"
case_ "drop: less than 50% does not" "" ""
{ x 00:00 8; x 01:00 0; } >"$T/in"
case_ "drop: below the floor does not fire" "" ""
RULES='rule r\n\tdrop x by 50% over 5m\n'
{ x 00:00 0; x 01:00 0; } >"$T/in"
case_ "drop: a zero base never fires" "" ""
{ x 00:00 40; x 05:00 10; } >"$T/in"
case_ "drop: the window excludes its start" "" ""
{ x 00:00 40; x 04:59 10; x 10:00 10; } >"$T/in"
case_ "drop: inside the window fires, clears when the peak leaves" "" \
	"firing@04:59 resolved@10:00"
{ x 00:00 40; x 02:00 40; x 01:00 5; x 03:00 40; } >"$T/in"
case_ "drop: an out-of-order sample is ignored" "" ""
{ x 00:00 40; x 20:00 10; } >"$T/in"
case_ "drop: a gap longer than the window does not fire" "" ""

# --- flap damping ---
RULES='rule r\n\twhen x > 90\n\tflap 3 in 10m\n'
for m in 00 01 02 03 04 05 06 07; do
	x "$m:00" $((m % 2 == 0 ? 95 : 50))
done >"$T/in"
x 20:00 50 >>"$T/in"
case_ "flap: a flapping series raises one alarm" "" \
	"firing@00:00 resolved@01:00 firing@02:00 resolved@17:00"
RULES='rule r\n\twhen x > 90\n'
case_ "flap: without damping every change is reported" "" \
	"firing@00:00 resolved@01:00 firing@02:00 resolved@03:00 firing@04:00 resolved@05:00 firing@06:00 resolved@07:00"
done_testing
