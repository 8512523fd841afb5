#!/bin/bash
# ovalarm report --month over a generated month of one-minute samples with
# a known outage, CPU peak, participant peak and sampling gap: each figure
# of the report record is checked against what was generated.
source "$(dirname "$0")/lib.sh"

GEN="/usr/bin/python3 $TOP/tests/fixtures/report/gen-samples.py"
S=$T/samples.ndjson
outage_minutes=37
gap_minutes=120
# November 2026 in Europe/Madrid (UTC+1 all month) is 30 days.
month_minutes=43200
# In the last hour of October (Madrid time) the deployment is down: it
# belongs to the month before and must not count in November.
$GEN --from 2026-10-31T22:00:00Z --to 2026-10-31T23:00:00Z \
	--customer acme --deployment acme-prod \
	--outage 2026-10-31T22:00:00Z,60 >"$S"
$GEN --from 2026-10-31T23:00:00Z --to 2026-11-30T23:00:00Z \
	--customer acme --deployment acme-prod \
	--outage 2026-11-10T08:00:00Z,$outage_minutes \
	--gap 2026-11-20T12:00:00Z,$gap_minutes \
	--cpu 2026-11-15T14:30:00Z,97.5 \
	--peak 2026-11-18T17:05:00Z,250 --peak 2026-11-25T10:00:00Z,250 \
	>>"$S"
ok $? "month of samples generated"

# field NAME: the value of a field of the report record in $OUT.
field() { printf '%s\n' "$OUT" | jq -r ".$1"; }
# percent UP DOWN: availability as ovalarm(1) defines it, to 0.001.
percent() {
	awk -v u="$1" -v d="$2" 'BEGIN { printf "%.3f", 100 * u / (u + d) }'
}

run ovalarm report --month 2026-11 "$S"
is "$STATUS" 0 "report exit 0"
is "$ERR" "" "report silent"
is "$(printf '%s\n' "$OUT" | wc -l)" 1 "one record for one deployment"
is "$(field kind) $(field period) $(field deployment)" \
	"report 2026-11 acme-prod" "record identifies the month and deployment"
is "$(field minutes)" $month_minutes "minutes of November in Madrid"
is "$(field minutes_down)" $outage_minutes "outage minutes are down"
# The default --max-gap of 5m carries the last sample over the next four
# minutes of the gap; the rest of the gap is unknown.
is "$(field minutes_unknown)" $((gap_minutes - 4)) \
	"gap beyond --max-gap is unknown"
up=$((month_minutes - outage_minutes - (gap_minutes - 4)))
is "$(field minutes_up)" $up "every other minute is up"
is "$(field availability_percent)" "$(percent $up $outage_minutes)" \
	"availability counts up and down minutes only"
is "$(field 'minutes_up + .minutes_down + .minutes_unknown')" \
	$month_minutes "up, down and unknown cover the month once"

# CPU: the peak, and the median and 95th percentile by nearest rank over
# the node's samples of the month, computed here from the input.
is "$(field 'cpu | length')" 1 "one media node"
is "$(field 'cpu[0].node')" media_a "CPU figures name the node"
is "$(field 'cpu[0].max')" 97.5 "CPU maximum"
is "$(field 'cpu[0].samples')" \
	$((month_minutes - outage_minutes - gap_minutes)) \
	"CPU samples: none in the outage or the gap"
ranks=$(jq -r 'select(.metric == "node.cpu_load" and
	.time >= "2026-10-31T23:00:00Z") | .value' "$S" | sort -g | awk '
	{ v[NR] = $1 }
	END {
		m = int((NR * 50 + 99) / 100); p = int((NR * 95 + 99) / 100)
		print v[m], v[p]
	}')
read -r median p95 <<<"$ranks"
# within GOT EXPECTED: true when the two differ by at most 0.05, the
# precision ovalarm(1) documents for its CPU percentiles.
within() {
	awk -v a="$1" -v b="$2" \
		'BEGIN { exit !(a - b <= 0.05 && b - a <= 0.05) }'
}
within "$(field 'cpu[0].p95')" "$p95"
ok $? "CPU p95 $(field 'cpu[0].p95') within 0.05 of $p95"
within "$(field 'cpu[0].median')" "$median"
ok $? "CPU median $(field 'cpu[0].median') within 0.05 of $median"

is "$(field peak_connections)" 250 "peak connections"
is "$(field peak_connections_at)" 2026-11-18T17:05:00Z \
	"peak time is the first minute it was reached"
is "$(field peak_participants)" null "participants not sampled: null"

# The hour of October is the month before, with the DST change: October
# 2026 in Madrid has 745 hours.
is "$(field previous.minutes_down)" 60 "October's outage in previous"
is "$(field previous.minutes_unknown)" $((745 * 60 - 60)) \
	"rest of October unknown"

# With --max-gap 1m nothing is carried: the whole gap is unknown, and
# still neither up nor down.
run ovalarm report --max-gap 1m --month 2026-11 "$S"
is "$STATUS" 0 "--max-gap 1m: exit 0"
is "$(field minutes_unknown)" $gap_minutes "--max-gap 1m: gap unknown"
is "$(field minutes_down)" $outage_minutes "--max-gap 1m: down unchanged"
up=$((month_minutes - outage_minutes - gap_minutes))
is "$(field minutes_up)" $up "--max-gap 1m: up excludes the gap"
is "$(field availability_percent)" "$(percent $up $outage_minutes)" \
	"--max-gap 1m: availability ignores the gap"
done_testing
