# ovbill: extra hours, by hand.  Every plan includes 5 hours (300
# minutes) a month; work beyond is billed at the customer's hour_rate.
source "$(dirname "$0")/lib.sh"

printf '%s\n' 'customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email' \
	'h20,Twenty,nbd,2026-01-01,,45.00,,a.example' \
	'h1,One,nbd,2026-01-01,,45.00,,b.example' \
	'h45,Forty-five,nbd,2026-01-01,,45.00,,c.example' \
	'h300,Exactly five hours,nbd,2026-01-01,,45.00,,d.example' \
	'half,Half cent,24x7,2026-01-01,,33.33,,e.example' \
	'edges,Month edges,nbd,2026-01-01,,10,,f.example' >"$T/customers.csv"

opened() { # opened TICKET CUSTOMER
	printf '{"kind":"ticket","time":"2026-10-01T08:00:00Z","ticket":%s,"action":"opened","customer":"%s","severity":"normal","channel":"email","summary":"s"}\n' "$1" "$2"
}
worklog() { # worklog TICKET TIME MINUTES
	printf '{"kind":"ticket","time":"%s","ticket":%s,"action":"worklog","minutes":%s,"by":"ana"}\n' "$2" "$1" "$3"
}
{
	opened 1 h20; worklog 1 2026-11-02T10:00:00Z 320
	opened 2 h1; worklog 2 2026-11-02T10:00:00Z 300; worklog 2 2026-11-03T10:00:00Z 1
	opened 3 h45; worklog 3 2026-11-02T10:00:00Z 345
	opened 4 h300; worklog 4 2026-11-02T10:00:00Z 300
	opened 5 half; worklog 5 2026-11-02T10:00:00Z 321
	# November in Madrid: 2026-10-31T23:00:00Z to 2026-11-30T23:00:00Z.
	opened 6 edges
	worklog 6 2026-10-31T22:59:59Z 1000	# October 31, 23:59:59 in Madrid
	worklog 6 2026-10-31T23:00:00Z 200	# November 1, 00:00
	worklog 6 2026-11-30T22:59:59Z 160	# November 30, 23:59:59
	worklog 6 2026-11-30T23:00:00Z 1000	# December 1, 00:00
} >"$T/tickets.ndjson"

run ovbill --month 2026-11 --customers "$T/customers.csv" "$T/tickets.ndjson"
is "$STATUS" 0 "exit status"
printf '%s\n' "$OUT" | jq -r 'select(.item == "extra_hours") |
	[.customer, .quantity, .unit, .unit_price, .amount] | join(" ")' >"$T/lines"

# 320 - 300 = 20 min = 0.3333 h (shown to 4 decimals);
# 45.00 x 20 / 60 = 15.00 exactly.
is "$(grep '^h20 ' "$T/lines")" "h20 0.3333 hour 45.00 15.00" "20 extra minutes"
# 301 - 300 = 1 min = 0.0167 h; 45.00 / 60 = 0.75.
is "$(grep '^h1 ' "$T/lines")" "h1 0.0167 hour 45.00 0.75" "1 extra minute"
# 45 min = 0.75 h; 45.00 x 0.75 = 33.75.
is "$(grep '^h45 ' "$T/lines")" "h45 0.75 hour 45.00 33.75" "45 extra minutes"
# Exactly the included 5 hours: no line.
is "$(grep -c '^h300 ' "$T/lines")" 0 "5 hours: no extra_hours"
# 21 min at 33.33: 33.33 x 21 / 60 = 11.6655 -> 11.67.
is "$(grep '^half ' "$T/lines")" "half 0.35 hour 33.33 11.67" "rounded half up"
# 200 + 160 = 360 in November: 60 min = 1 h x 10 = 10.00.
is "$(grep '^edges ' "$T/lines")" "edges 1 hour 10 10.00" "month edges in Madrid"
# The total adds the rounded lines: 100.00 minimum + 15.00.
is "$(printf '%s\n' "$OUT" | jq -r 'select(.customer == "h20" and .item == "total") | .amount')" \
	"115.00" "total with extra hours"

# The hours do not carry over: October has 1,000 minutes (700 extra) on
# ticket 6, and November bills only its own 60.
run ovbill --month 2026-10 --customers "$T/customers.csv" "$T/tickets.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.customer == "edges" and .item == "extra_hours") | .amount')" \
	"116.67" "October: 700 min x 10 / 60 = 116.666... -> 116.67"

done_testing
