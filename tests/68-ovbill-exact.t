# ovbill: more hand-worked invoices, to the cent: the 6 months of a
# contract that starts on the 31st, a one-week contract whose early
# termination runs over a daylight-saving change, and samples a few
# minutes either side of a Madrid month boundary.
source "$(dirname "$0")/lib.sh"

printf '%s\n' 'customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email' \
	'week,One Week,24x7,2026-11-17,2026-11-20,,10.00,w.example' \
	'short31,Short,24x7,2026-08-31,2027-02-26,,,s.example' \
	'full31,Full,24x7,2026-08-31,2027-02-27,,,f.example' \
	'edge,"Edge, ""The"" Co",24x7,2026-01-01,,,,e.example' >"$T/customers.csv"

lines() { # lines CUSTOMER: "item quantity amount" of each line
	printf '%s\n' "$OUT" | jq -r --arg c "$1" \
		'select(.customer == $c) | "\(.item) \(.quantity) \(.amount)"' |
		tr '\n' '|'
}

# week, November 17-20: 4 x 1,440 = 5,760 of 43,200 minutes;
# 200.00 x 5,760 / 43,200 = 26.666... -> 26.67.  The 6 months end on
# 2027-05-17, so early termination covers November 21-30 (14,400 / 43,200
# of a month), December to April (5 whole months: March 2027 is whole,
# whatever its length) and May 1-16 (16 / 31):
# 200.00 x (1/3 + 5 + 16/31) = 1,169.892... -> 1,169.89, rounded once.
# The deployment fee falls in the month of contract_start.
run ovbill --month 2026-11 --customers "$T/customers.csv" /dev/null
is "$STATUS" 0 "November: exit 0"
is "$(lines week)" \
	"core_minutes 0 0.00|minimum_fee 1 26.67|deployment_fee 1 10.00|early_termination 1 1169.89|total 1 1206.56|" \
	"one-week contract"

# 6 months from August 31 end on February 28 (the last day of the
# shorter month), so service through February 27 is enough.  short31 stops
# on the 26th: February 1-26 is 26/28 of the minimum, 185.714... ->
# 185.71, and the 27th is 1/28, 7.142... -> 7.14; the total is the sum of
# the rounded lines, 192.85.
run ovbill --month 2027-02 --customers "$T/customers.csv" /dev/null
is "$(lines short31)" \
	"core_minutes 0 0.00|minimum_fee 1 185.71|early_termination 1 7.14|total 1 192.85|" \
	"ends a day before the 6 months"
is "$(lines full31)" "core_minutes 0 0.00|minimum_fee 1 192.86|total 1 192.86|" \
	"ends on the last day of the 6 months"

# Madrid is UTC+1 in November: 2026-10-31T23:30:00Z is 00:30 on November
# 1, and 2026-11-30T22:59:00Z is 23:59 on November 30, so both count in
# November and neither in October or December.  The December sample
# right after the November one is not billed in November.
sample() { # sample TIME CORES
	printf '{"kind":"sample","time":"%s","customer":"edge","deployment":"edge-prod","metric":"cluster.cores","value":%s}\n' "$1" "$2"
}
{
	sample 2026-10-31T22:59:00Z 1000
	sample 2026-10-31T23:30:00Z 100
	sample 2026-11-30T22:59:00Z 10
	sample 2026-11-30T23:00:00Z 1
} >"$T/edge"
# 100 + 10 = 110 core-minutes x 0.0024 = 0.264 -> 0.26
run ovbill --month 2026-11 --customers "$T/customers.csv" "$T/edge"
is "$(lines edge)" "core_minutes 110 0.26|minimum_fee 1 199.74|total 1 200.00|" \
	"November takes the samples of its Madrid days"
# October's last minute, 23:59 Madrid (22:59Z): 1,000 x 0.0024 = 2.40
run ovbill --month 2026-10 --customers "$T/customers.csv" "$T/edge"
is "$(lines edge)" "core_minutes 1000 2.40|minimum_fee 1 197.60|total 1 200.00|" \
	"October ends at 23:00Z on the 31st"
run ovbill --month 2026-12 --customers "$T/customers.csv" "$T/edge"
is "$(lines edge)" "core_minutes 1 0.00|minimum_fee 1 200.00|total 1 200.00|" \
	"December starts at 23:00Z on November 30"

# A quoted name with a comma does not disturb the CSV, which names the
# customer by its identifier.
run ovbill --csv --month 2026-11 --customers "$T/customers.csv" "$T/edge"
like "$OUT" $'\nedge,2026-11,24x7,core_minutes,110,core-minute,0.0024,0.26,EUR\n' \
	"CSV row of a customer with a quoted name"

done_testing
