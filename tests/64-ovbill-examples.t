# ovbill: the examples of ovbill(1), run as written on fixture files
# (the ticket export comes from a fixture instead of ovticket).
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovbill
cd "$T" || exit 1
mkdir samples
cp "$F/customers.csv" "$F/deployments.csv" .
cp "$F/tickets.ndjson" tickets.ndjson
grep -v -e ghost -e stranger "$F/november.ndjson" >samples/2026-11-05.ndjson
"$F/every5m" 2026-10-31T23:00:00Z 2026-11-30T23:00:00Z full24 acme-prod 4 \
	>samples/2026-11-01.ndjson

run ovbill --month 2026-11 --customers customers.csv \
    --deployments deployments.csv samples/2026-11-*.ndjson tickets.ndjson
is "$STATUS" 1 "example 1: exit 1 (norate has work and no hour rate)"
like "$OUT" '"customer":"full24","period":"2026-11","plan":"24x7","item":"total","quantity":1,"unit":"invoice","unit_price":"474.72","amount":"474.72"' \
	"example 1: invoice lines"

ovbill --csv --month 2026-11 --customers customers.csv \
    samples/2026-11-*.ndjson tickets.ndjson >invoices-2026-11.csv 2>/dev/null
is "$(head -1 invoices-2026-11.csv)" \
	"customer,period,plan,item,quantity,unit,unit_price,amount,currency" \
	"example 2: CSV file"

run sh -c 'ovbill --month 2026-11 --customers customers.csv samples/*.ndjson |
    jq -r '\''select(.item == "total") | "\(.customer) \(.amount)"'\'''
# full24 414.72 (no tickets here); lownbd has no customer field and no
# --deployments here, so its usage is unknown and it pays the minimum.
is "$OUT" "full24 414.72
lownbd 100.00
mid17 593.33
end10 100.00
short 1113.34
norate 200.00" "example 3: totals"

run sh -c 'ovbill usage --month 2026-11 samples/2026-11-*.ndjson |
    jq -c '\''select(.deployment == "acme-prod")'\'' | head -2'
is "$OUT" '{"kind":"usage","date":"2026-11-01","customer":"full24","deployment":"acme-prod","minutes":1440,"core_minutes":5760,"max_cores":4}
{"kind":"usage","date":"2026-11-02","customer":"full24","deployment":"acme-prod","minutes":1440,"core_minutes":5760,"max_cores":4}' \
	"example 4: usage by day"

done_testing
