#!/bin/bash
# ovalarm report: availability with gaps, CPU percentiles, peaks, cores,
# recordings and alarms of one month, as records and as CSV.
source "$(dirname "$0")/lib.sh"

s() { # s HH:MM METRIC VALUE [NODE] [LABELS] [DAY]
	local node="" labels=""
	[ -n "${4:-}" ] && [ "$4" != - ] && node="\"node\":\"$4\","
	[ -n "${5:-}" ] && labels=",\"labels\":$5"
	printf '{"kind":"sample","time":"%sT%s:00Z","customer":"acme","deployment":"d1",%s"metric":"%s","value":%s%s}\n' \
		"${6:-2026-11-01}" "$1" "$node" "$2" "$3" "$labels"
}
rec() { # rec HH:MM STATUS
	printf '{"kind":"event","time":"2026-11-01T%s:00Z","customer":"acme","deployment":"d1","event":"recordingStatusChanged","fields":{"status":"%s","id":"r"}}\n' "$1" "$2"
}
{
	s 23:59 up 0 - '{"error":"timeout"}' 2026-10-31
	for m in 0 1 2 3 4 5 6 7 8 9; do
		s "00:0$m" up 1
		s "00:0$m" health.up 1 - '{"status":"UP"}'
		s "00:0$m" node.cpu_load $(((m + 1) * 10)) n1
	done
	s 00:10 up 0 - '{"error":"timeout"}'
	s 00:11 up 0 - '{"error":"timeout"}'
	s 01:00 up 1
	s 01:00 health.up 0 - '{"status":"DOWN"}'
	s 00:00 cluster.cores 20
	s 00:02 cluster.cores 12
	s 00:00 cluster.media_nodes 2
	s 00:05 cluster.media_nodes 1
	s 00:01 sessions.active 3
	s 00:03 sessions.active 5
	s 00:04 sessions.active 5
	s 00:02 connections.active 9
	rec 00:01 started
	rec 00:02 started
	rec 00:03 failed
} >"$T/in"
printf 'rule hot\n\twhen node.cpu_load > 85\nrule other\n\twhen up == 7\n' \
	>"$T/rules.conf"
run ovalarm report --month 2026-11 --tz UTC --rules "$T/rules.conf" "$T/in"
is "$STATUS" 0 "report: exit 0"
is "$(echo "$OUT" | wc -l)" 1 "one record per deployment"
f() { echo "$OUT" | jq -c "$1"; }
is "$(f '[.kind, .period, .customer, .deployment, .from, .to, .minutes]')" \
	'["report","2026-11","acme","d1","2026-11-01T00:00:00Z","2026-12-01T00:00:00Z",43200]' \
	"period fields"
is "$(f '[.minutes_up, .minutes_down, .minutes_unknown]')" '[10,11,43179]' \
	"minutes up, down (carried over gaps under 5m) and unknown"
is "$(f .availability_percent)" 47.619 "availability of the known minutes"
is "$(f .cpu)" '[{"node":"n1","samples":10,"median":50,"p95":100,"max":100}]' \
	"CPU median, p95 and max per node"
is "$(f '[.peak_sessions, .peak_sessions_at, .peak_connections]')" \
	'[5,"2026-11-01T00:03:00Z",9]' "peaks keep the first time reached"
is "$(f '[.peak_publishers, .peak_publishers_at]')" '[null,null]' \
	"unmeasured peaks are null"
is "$(f '[.media_nodes_min, .media_nodes_max]')" '[1,2]' "media nodes range"
# 20 cores at 00:00 and 00:01 (the next sample is within 5m), then 12 at
# 00:02, the last sample, which covers only its own minute, as in ovbill.
is "$(f '[.cores_min, .cores_max, .core_minutes]')" '[12,20,52]' \
	"cores range and core-minutes"
is "$(f '[.recordings_started, .recordings_failed]')" '[2,1]' \
	"recordings started and failed"
is "$(f '[.alarms, .alarms_fired]')" '[{"hot":1},1]' "alarms per rule"
is "$(f '.previous | [.minutes_up, .minutes_down, .alarms_fired]')" '[0,1,0]' \
	"the sample of October 31 counts in the month before"
run ovalarm report --month 2026-11 --tz UTC --rules "$T/rules.conf" \
	<(sed 1d "$T/in")
is "$(f .previous)" null "no record of the month before: previous is null"

# The month before, for the comparison; a deployment seen only then is
# not reported.
{
	s 10:00 up 1 - "" 2026-10-20
	s 10:01 up 0 - '{"error":"timeout"}' 2026-10-20
	s 10:00 connections.active 30 - "" 2026-10-20
	s 10:00 cluster.cores 8 - "" 2026-10-20
	s 10:00 up 1 - "" 2026-10-20 | sed 's/"d1"/"gone"/'
	s 10:00 node.cpu_load 99 n1 "" 2026-10-20
	cat "$T/in"
} >"$T/two"
run ovalarm report --month 2026-11 --tz UTC --rules "$T/rules.conf" "$T/two"
is "$(echo "$OUT" | jq -r .deployment)" "d1" "only deployments of the month"
is "$(f '.previous | [.from, .to, .minutes_up, .minutes_down, .availability_percent, .peak_connections, .core_minutes, .alarms_fired]')" \
	'["2026-10-01T00:00:00Z","2026-11-01T00:00:00Z",1,6,14.286,30,8,1]' \
	"figures of the month before"
is "$(f '[.minutes_up, .alarms_fired]')" '[10,1]' \
	"the month before does not change this month's figures"

run ovalarm report --month 2026-11 --tz UTC --csv --rules "$T/rules.conf" \
	"$T/in"
is "$(echo "$OUT" | head -n 1 | cut -d, -f1-7)" \
	"period,customer,deployment,minutes_up,minutes_down,minutes_unknown,availability_percent" \
	"CSV header"
is "$(echo "$OUT" | sed -n 2p)" \
	"2026-11,acme,d1,10,11,43179,47.619,1,2,100,100,5,2026-11-01T00:03:00Z,9,2026-11-01T00:02:00Z,12,20,52,2,1,1" \
	"CSV row"

# Months of Madrid, daylight-saving changes included.
run ovalarm report --month 2026-11 "$T/in"
is "$(f '[.from, .to, .minutes]')" \
	'["2026-10-31T23:00:00Z","2026-11-30T23:00:00Z",43200]' \
	"November in Madrid"
s 12:00 up 1 - "" 2026-10-15 >"$T/oct"
run ovalarm report --month 2026-10 "$T/oct"
is "$(f .minutes)" 44700 "October 2026 in Madrid has 25 hours on the 25th"
s 12:00 up 1 - "" 2026-03-15 >"$T/mar"
run ovalarm report --month 2026-03 "$T/mar"
is "$(f .minutes)" 44580 "March 2026 in Madrid has 23 hours on the 29th"

run ovalarm report "$T/in"
is "$STATUS" 2 "report without --month: exit 2"
run ovalarm report --month 2026-13 "$T/in"
is "$STATUS" 2 "invalid month: exit 2"
run ovalarm report --month 2026-11 --tz Mars/Olympus "$T/in"
is "$STATUS" 2 "unknown zone: exit 2"
printf 'not json\n' | cat - "$T/in" >"$T/bad"
run ovalarm report --month 2026-11 --tz UTC --rules "$T/rules.conf" "$T/bad"
is "$STATUS" 1 "a bad line: exit 1"
is "$(echo "$OUT" | jq -c .minutes_up)" 10 "the rest is still reported"
done_testing
