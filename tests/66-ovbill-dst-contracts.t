# ovbill: contracts that start or end in a month with a daylight-saving
# change are prorated by minutes, not days.  No usage: the invoices are
# the prorated minimum (24x7, 200.00 a month).
source "$(dirname "$0")/lib.sh"

printf '%s\n' 'customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email' \
	'spring,Spring,24x7,2026-03-17,,,,s.example' \
	'autumn,Autumn,24x7,2026-05-01,2026-10-10,,,a.example' >"$T/customers.csv"

lines() { # lines CUSTOMER: "item amount" of each line
	printf '%s\n' "$OUT" | jq -r --arg c "$1" \
		'select(.customer == $c) | "\(.item) \(.amount)"' | tr '\n' ' '
}

# March 2026 in Madrid: 44,580 minutes.  From March 17 to April 1: 15
# days, one of them (the 29th) 23 hours: 15 x 1,440 - 60 = 21,540.
# 200.00 x 21,540 / 44,580 = 96.635... -> 96.64.
run ovbill --month 2026-03 --customers "$T/customers.csv" /dev/null
is "$STATUS" 0 "March exit status"
is "$(lines spring)" "core_minutes 0.00 minimum_fee 96.64 total 96.64 " \
	"start after the March change"

# October 2026: 44,700 minutes.  Service Oct 1-10: 14,400 minutes;
# 200.00 x 14,400 / 44,700 = 64.429... -> 64.43.  The 6 months from May 1
# end on November 1: Oct 11-31 are not served, 21 days with the 25-hour
# 25th = 30,300 minutes; 200.00 x 30,300 / 44,700 = 135.570... -> 135.57.
run ovbill --month 2026-10 --customers "$T/customers.csv" /dev/null
is "$(lines autumn)" \
	"core_minutes 0.00 minimum_fee 64.43 early_termination 135.57 total 200.00 " \
	"end before the October change"

# The months between bill the whole minimum, and the months after the
# contract bill nothing.
run ovbill --month 2026-07 --customers "$T/customers.csv" /dev/null
is "$(lines autumn)" "core_minutes 0.00 minimum_fee 200.00 total 200.00 " \
	"full month inside the contract"
run ovbill --month 2026-11 --customers "$T/customers.csv" /dev/null
is "$(lines autumn)" "" "no invoice after the contract"

done_testing
