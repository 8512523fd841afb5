# ovbill: hand-worked November 2026 invoices, checked to the cent.
#
# Prices of the shipped plans (etc/plans.conf): 24x7 0.0024 EUR per core-minute, minimum
# 200.00 a month; nbd 0.0006, minimum 100.00; 5 work hours included.
# November 2026 in Europe/Madrid has no daylight-saving change: 30 days of
# 1,440 minutes = 43,200 minutes, from 2026-10-31T23:00:00Z to
# 2026-11-30T23:00:00Z.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovbill

# full24 runs 4 cores the whole month: a sample every 5 minutes from the
# first minute to the first minute of December (which covers the last 4
# minutes of November and is itself not billed).
"$F/every5m" 2026-10-31T23:00:00Z 2026-11-30T23:00:00Z full24 full24-prod 4 \
	>"$T/full.ndjson"

invoice() { # prints "customer item quantity unit_price amount" per line
	jq -r '[.customer, .item, .quantity, .unit_price, .amount] | join(" ")'
}

run ovbill --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" \
	"$T/full.ndjson" "$F/november.ndjson" "$F/tickets.ndjson"
is "$STATUS" 1 "unbilled usage and work give exit status 1"
printf '%s\n' "$OUT" >"$T/invoice.ndjson"
invoice <"$T/invoice.ndjson" >"$T/lines"

# Each expected line with its arithmetic.
expect() { # expect CUSTOMER ITEM QUANTITY UNIT_PRICE AMOUNT
	local line
	line=$(grep -E "^$1 $2 " "$T/lines")
	is "$line" "$*" "$1 $2"
}

# full24, 24x7: 43,200 minutes x 4 cores = 172,800 core-minutes;
# 172,800 x 0.0024 = 414.72, above the 200.00 minimum: no minimum_fee.
expect full24 core_minutes 172800 0.0024 414.72
# Worklogs of ticket 7: 240 min on Nov 3, 120 min at 2026-10-31T23:30:00Z
# (00:30 on Nov 1 in Madrid, so November), 60 min at 22:30Z (Oct 31 in
# Madrid, not billed), and the 240 min entry again (a replay, counts once).
# 360 - 300 included = 60 min = 1 hour x 60.00 = 60.00.
expect full24 extra_hours 1 60.00 60.00
# 414.72 + 60.00
expect full24 total 1 474.72 474.72

# lownbd, nbd, no customer field: the owner comes from --deployments.
# 5 cores from 08:00 to 11:24 UTC on Nov 3 (samples every 5 minutes, the
# last at 11:24): 205 minutes x 5 = 1,025 core-minutes.
# 1,025 x 0.0006 = 0.615: half a cent, rounded up to 0.62.
expect lownbd core_minutes 1025 0.0006 0.62
# 100.00 - 0.62 = 99.38 brings the two lines to the minimum.
expect lownbd minimum_fee 1 99.38 99.38
expect lownbd total 1 100.00 100.00

# mid17, 24x7 from 2026-11-17 (Madrid) = 2026-11-16T23:00:00Z.  2 cores
# from 22:50 to 23:10 UTC on Nov 16: 21 minutes, 11 inside the contract
# (23:00 to 23:10) = 22 core-minutes; 20 core-minutes before it are
# reported and not billed.  22 x 0.0024 = 0.0528 -> 0.05.
expect mid17 core_minutes 22 0.0024 0.05
# Prorated minimum: 14 of 30 days = 20,160 / 43,200 minutes;
# 200.00 x 20,160 / 43,200 = 93.333... -> 93.33; 93.33 - 0.05 = 93.28.
expect mid17 minimum_fee 1 93.28 93.28
# The contract starts in November: the deployment fee of 500.00.
expect mid17 deployment_fee 1 500.00 500.00
# 0.05 + 93.28 + 500.00
expect mid17 total 1 593.33 593.33

# end10, nbd from 2026-06-01 to 2026-11-10 (last day of service), no usage.
expect end10 core_minutes 0 0.0006 0.00
# 10 of 30 days: 100.00 x 14,400 / 43,200 = 33.333... -> 33.33.
expect end10 minimum_fee 1 33.33 33.33
# 6 months from 2026-06-01 end on 2026-12-01; the contract stops 20 days
# short: 100.00 x 28,800 / 43,200 = 66.666... -> 66.67.
expect end10 early_termination 1 66.67 66.67
expect end10 total 1 100.00 100.00

# short, 24x7 from 2026-10-18 to 2026-11-10.  Minimum for Nov 1-10:
# 200.00 x 10 / 30 = 66.666... -> 66.67.
expect short minimum_fee 1 66.67 66.67
# The 6 months run to 2027-04-18 (exclusive).  Not served: Nov 11-30
# (200 x 20/30 = 133.333...), December to March (4 x 200 = 800), and Apr
# 1-17 (200 x 17/30 = 113.333...).  Rounded once: 1,046.666... ->
# 1046.67 (rounding each month would give 1046.66).
expect short early_termination 1 1046.67 1046.67
# 0.00 + 66.67 + 1046.67
expect short total 1 1113.34 1113.34

# norate has 400 worklog minutes (100 beyond the 5 hours) and no
# hour_rate: no extra_hours line, an error, and the rest is invoiced.
expect norate minimum_fee 1 200.00 200.00
expect norate total 1 200.00 200.00
is "$(grep -c '^norate extra_hours' "$T/lines")" 0 "norate has no extra_hours"
like "$ERR" "customer norate: 1.6667 hours of work beyond the 5 included in 2026-11, but [^ ]*customers.csv:7 has no hour_rate" \
	"missing hour_rate names the customer"

# Order: customers.csv order, total last in each invoice.
is "$(jq -r .customer "$T/invoice.ndjson" | uniq | tr '\n' ' ')" \
	"full24 lownbd mid17 end10 short norate " "customers in file order"
is "$(jq -r 'select(.customer == "mid17") | .item' "$T/invoice.ndjson" |
	tr '\n' ' ')" "core_minutes minimum_fee deployment_fee total " \
	"line order of an invoice"
is "$(grep -c past "$T/lines")" 0 "no invoice outside the contract"

# Every field of one record, exactly.
is "$(sed -n 1p "$T/invoice.ndjson")" \
	'{"kind":"invoice","customer":"full24","period":"2026-11","plan":"24x7","item":"core_minutes","quantity":172800,"unit":"core-minute","unit_price":"0.0024","amount":"414.72","currency":"EUR"}' \
	"invoice record fields"

# Usage that cannot be billed is reported with its core-minutes.
like "$ERR" "deployment ghost: 6 core-minutes in 2026-11 have no customer" \
	"unknown deployment reported"
like "$ERR" "deployment stranger-1: 7 core-minutes in 2026-11 belong to customer 'stranger', who is not in the customers file" \
	"customer not in customers.csv reported"
like "$ERR" "customer mid17: 20 core-minutes of 2026-11 outside the contract" \
	"usage before the contract reported"
like "$ERR" "customer past: 3 core-minutes in 2026-11, but the contract does not cover the month" \
	"usage of a past customer reported"

# Without the unbilled input the run succeeds.
grep -v -e ghost -e stranger "$F/november.ndjson" >"$T/clean.ndjson"
grep -v '"ticket":8' "$F/tickets.ndjson" >"$T/tickets.ndjson"
run ovbill --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" "$T/clean.ndjson" "$T/tickets.ndjson"
is "$STATUS" 0 "all usage billed: exit 0"

# Standard input and "-" read the same records.
run ovbill --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" - <"$T/clean.ndjson"
is "$STATUS" 0 "standard input accepted"
like "$OUT" '"customer":"lownbd","period":"2026-11","plan":"nbd","item":"core_minutes","quantity":1025' \
	"standard input billed"

# CSV: a header row, then the same lines.
run ovbill --csv --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" "$T/clean.ndjson"
is "$(printf '%s\n' "$OUT" | sed -n 1p)" \
	"customer,period,plan,item,quantity,unit,unit_price,amount,currency" \
	"CSV header"
is "$(printf '%s\n' "$OUT" | grep '^lownbd,.*,core_minutes,')" \
	"lownbd,2026-11,nbd,core_minutes,1025,core-minute,0.0006,0.62,EUR" \
	"CSV line"
# 3 + 3 + 4 + 4 + 4 + 3 lines (no worklogs here, no full24 usage).
is "$(printf '%s\n' "$OUT" | wc -l)" 22 "CSV has a header and 21 lines"

done_testing
