# ovbill: how samples become charged minutes (max per minute, --max-gap,
# month edges, daylight-saving months), the usage report, and invariance
# under duplicated, replayed and shuffled input.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovbill

usage_of() { # usage_of DEPLOYMENT: "date minutes core_minutes max_cores" rows
	jq -r --arg d "$1" 'select(.deployment == $d) |
		[.date, .minutes, .core_minutes, .max_cores] | join(" ")'
}

run ovbill usage --month 2026-11 "$F/edges.ndjson"
is "$STATUS" 0 "usage report exit status"
printf '%s\n' "$OUT" >"$T/usage.ndjson"

# 09:15:30 (8 cores) charges 09:15 and covers 09:16 and 09:17, because
# the next sample (09:18:10, 4 cores) comes 2m40s later; 09:18 is charged
# 4 and, being the last sample, covers nothing more.  8 + 8 + 8 + 4 = 28.
is "$(usage_of edge <"$T/usage.ndjson")" "2026-11-02 4 28 8" \
	"sample covers the minutes to the next one"

# Minute 10:00 has samples at :10 (10 cores), :30 (6) and :50 (2): it is
# charged the largest, 10.  The minutes it covers (10:01, 10:02) take the
# count of its last sample, 2; 10:03 is charged 2.  10 + 2 + 2 + 2 = 16.
is "$(usage_of last <"$T/usage.ndjson")" "2026-11-03 4 16 10" \
	"max in the minute, last sample carried"

# 10:00 -> 10:05:00 is exactly 5m: covered, 6 minutes.  10:05 -> 10:20 and
# 10:20 -> 10:25:01 (5m1s, just over) are not: 10:20 and 10:25 count only
# their own minute.  10:40:30 -> 10:45:29 (4m59s, just under): 6 minutes.
# 6 + 1 + 1 + 6 = 14 minutes of 1 core.
is "$(usage_of gap <"$T/usage.ndjson")" "2026-11-04 14 14 1" \
	"gap just under and just over --max-gap"
like "$ERR" "deployment gap: no cluster.cores sample from 2026-11-04T10:20:00Z to 2026-11-04T10:25:01Z \(5m1s, over --max-gap 5m\): 4 minutes of 2026-11 not charged" \
	"gap over --max-gap reported with start and end"
unlike "$ERR" "from 2026-11-04T10:00:00Z" "gap of exactly --max-gap not reported"
unlike "$ERR" "from 2026-11-04T10:40:30Z" "gap under --max-gap not reported"

# November starts at 2026-10-31T23:00:00Z in Madrid.  The sample at 22:58
# (October) covers 23:00 and 23:01 because the next one comes at 23:02:
# 3 minutes x 3 cores = 9.  At the end, 22:58:00.25Z (written with an
# offset) covers 22:59 because December's first sample comes at 23:01.
is "$(usage_of border <"$T/usage.ndjson" | tr '\n' ' ')" \
	"2026-11-01 3 9 3 2026-11-30 2 10 5 " \
	"samples outside the month cover minutes inside it"

# Many gaps: samples every 10 minutes from 12:00 to 15:00 leave 18 gaps of
# 9 uncharged minutes (162 in all).  The first 10 are listed, then one
# line counts the rest; -v lists all 18.
for ((m = 0; m <= 180; m += 10)); do
	printf '{"kind":"sample","time":"2026-11-06T%02d:%02d:00Z","customer":"full24","deployment":"sparse","metric":"cluster.cores","value":1}\n' \
		$((12 + m / 60)) $((m % 60))
done >"$T/sparse"
run ovbill usage --month 2026-11 "$T/sparse"
is "$(printf '%s\n' "$ERR" | grep -c 'deployment sparse: no cluster.cores sample')" 10 \
	"first 10 gaps listed"
like "$ERR" "deployment sparse: 8 more gaps over --max-gap in 2026-11 \(18 in all, 162 minutes not charged\)" \
	"other gaps counted"
run ovbill usage -v --month 2026-11 "$T/sparse"
is "$(printf '%s\n' "$ERR" | grep -c 'deployment sparse: no cluster.cores sample')" 18 \
	"-v lists every gap"
run ovbill usage -q --month 2026-11 "$T/sparse"
is "$ERR" "" "-q mutes gap warnings"

# A wider --max-gap covers the gaps: 10:00 to 10:45 = 46 minutes.
run ovbill usage --max-gap 20m --month 2026-11 "$F/edges.ndjson"
is "$(printf '%s\n' "$OUT" | usage_of gap)" "2026-11-04 46 46 1" "--max-gap 20m"
unlike "$ERR" "deployment gap:" "no gap reported with --max-gap 20m"

# In UTC the month starts at 00:00Z: border charges 22:58 to 23:01 on Nov
# 30 (5 cores x 4 minutes = 20), and the October samples are outside.
run ovbill usage --tz UTC --month 2026-11 "$F/edges.ndjson"
is "$(printf '%s\n' "$OUT" | usage_of border)" "2026-11-30 4 20 5" "--tz UTC"

# Duplicated, replayed and shuffled input gives the same output.
run ovbill --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" "$F/edges.ndjson" \
	"$F/november.ndjson" "$F/tickets.ndjson"
reference=$OUT
cat "$F/edges.ndjson" "$F/november.ndjson" "$F/tickets.ndjson" >"$T/all"
tac "$T/all" >"$T/reversed"
python3 -c 'import random, sys
lines = open(sys.argv[1]).readlines() * 3
random.Random(7).shuffle(lines)
sys.stdout.writelines(lines)' "$T/all" >"$T/shuffled"
run ovbill --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" "$T/reversed"
is "$OUT" "$reference" "reversed input, same invoice"
run ovbill --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" "$T/shuffled"
is "$OUT" "$reference" "tripled and shuffled input, same invoice"
run ovbill usage --month 2026-11 "$T/all"
reference=$OUT
run ovbill usage --month 2026-11 "$T/shuffled"
is "$OUT" "$reference" "tripled and shuffled input, same usage"

# Daylight-saving months, fully covered by 1 core: March 2026 in Madrid
# (clocks go forward on the 29th) has 31 x 1,440 - 60 = 44,580 minutes,
# October (back on the 25th) 31 x 1,440 + 60 = 44,700.
"$F/every5m" 2026-02-28T23:00:00Z 2026-03-31T22:00:00Z full24 dst 1 >"$T/march"
"$F/every5m" 2026-09-30T22:00:00Z 2026-10-31T23:00:00Z full24 dst 1 >"$T/october"
run ovbill --month 2026-03 --customers "$F/customers.csv" "$T/march"
# 44,580 x 0.0024 = 106.992 -> 106.99
is "$(printf '%s\n' "$OUT" | jq -r 'select(.item == "core_minutes") |
	"\(.quantity) \(.amount)"' | head -1)" "44580 106.99" \
	"March: 44,580 core-minutes"
run ovbill --month 2026-10 --customers "$F/customers.csv" "$T/october"
# 44,700 x 0.0024 = 107.28
is "$(printf '%s\n' "$OUT" | jq -r 'select(.item == "core_minutes") |
	"\(.quantity) \(.amount)"' | head -1)" "44700 107.28" \
	"October: 44,700 core-minutes"
run ovbill usage --month 2026-03 "$T/march"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.date == "2026-03-29") | .minutes')" \
	1380 "March 29 has 23 hours"
is "$(printf '%s\n' "$OUT" | jq -s 'length')" 31 "March: one row per day"
run ovbill usage --month 2026-10 "$T/october"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.date == "2026-10-25") | .minutes')" \
	1500 "October 25 has 25 hours"

# The usage report's record and CSV forms.
run ovbill usage --month 2026-11 "$F/edges.ndjson"
is "$(printf '%s\n' "$OUT" | grep '"deployment":"edge"')" \
	'{"kind":"usage","date":"2026-11-02","customer":"full24","deployment":"edge","minutes":4,"core_minutes":28,"max_cores":8}' \
	"usage record fields"
run ovbill usage --csv --month 2026-11 "$F/edges.ndjson"
is "$(printf '%s\n' "$OUT" | sed -n 1p)" \
	"date,customer,deployment,minutes,core_minutes,max_cores" "usage CSV header"
like "$OUT" $'\n2026-11-02,full24,edge,4,28,8' "usage CSV row"

done_testing
