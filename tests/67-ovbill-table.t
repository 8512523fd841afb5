# ovbill: a terminal gets an aligned table instead of records.  script(1)
# gives ovbill a pseudo-terminal; NO_COLOR (set by lib.sh) keeps it plain.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovbill
export F

run script -qec 'ovbill --month 2026-11 --customers "$F/customers.csv" \
	--deployments "$F/deployments.csv" "$F/november.ndjson" 2>/dev/null' /dev/null
table=$(printf '%s\n' "$OUT" | tr -d '\r')
is "$(printf '%s\n' "$table" | sed -n 1p)" \
	"customer  period   plan  item               quantity  unit         unit price   amount  currency" \
	"table header"
is "$(printf '%s\n' "$table" | grep '^lownbd .*core_minutes')" \
	"lownbd    2026-11  nbd   core_minutes           1025  core-minute      0.0006     0.62  EUR" \
	"table row aligned"
unlike "$table" '"kind"' "no records on a terminal"

run script -qec 'ovbill usage --month 2026-11 "$F/edges.ndjson" 2>/dev/null' /dev/null
table=$(printf '%s\n' "$OUT" | tr -d '\r')
is "$(printf '%s\n' "$table" | grep ' edge ')" \
	"2026-11-02  full24    edge              4            28          8" \
	"usage table row"

done_testing
