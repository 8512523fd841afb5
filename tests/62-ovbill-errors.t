# ovbill: invalid records, bad files and options, exit statuses.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovbill

# bad.ndjson: a BOM and CRLF on line 1, invalid records on lines 2-14 and
# 16, valid samples on lines 1, 15 and 17 (no final newline).  The valid
# ones are still billed: 10:00 covers 10:01, then 10:02 and 10:03 = 4
# minutes x 4 cores = 16 core-minutes.
run ovbill usage --month 2026-11 "$F/bad.ndjson"
is "$STATUS" 1 "invalid records: exit 1"
is "$OUT" '{"kind":"usage","date":"2026-11-05","customer":"full24","deployment":"ok-1","minutes":4,"core_minutes":16,"max_cores":4}' \
	"valid records around invalid ones are used"
while IFS='|' read -r line reason; do
	like "$ERR" "bad\\.ndjson:$line: $reason" "line $line rejected"
done <<'EOF'
2|invalid JSON
3|field "value": expected a number
4|field "value": cluster.cores must be a whole number of cores from 0 to 1000000, not -1
5|field "value": cluster.cores must be a whole number of cores from 0 to 1000000, not 2.5
6|field "value": number out of range
7|missing field "deployment"
8|field "time": month out of range
9|field "deployment": invalid identifier 'ok 1; rm -rf /'
10|duplicate key "deployment"
11|field "value": number out of range
12|field "minutes": expected a whole number from 0 to 100000, not -30
13|missing field "customer"
14|invalid record: not a JSON object
16|invalid UTF-8
EOF
is "$(printf '%s\n' "$ERR" | grep -c 'bad\.ndjson')" 14 "14 lines rejected"

# --rejects keeps the rejected lines for replay.
run ovbill usage --rejects "$T/rejects" --month 2026-11 "$F/bad.ndjson"
is "$(wc -l <"$T/rejects")" 14 "--rejects keeps 14 lines"

# --strict stops at the first invalid record and writes no invoice.
run ovbill --strict --month 2026-11 --customers "$F/customers.csv" \
	"$F/bad.ndjson"
is "$STATUS" 1 "--strict: exit 1"
is "$OUT" "" "--strict: nothing written"
like "$ERR" "bad\\.ndjson:2: " "--strict reports the first"
unlike "$ERR" "bad\\.ndjson:3: " "--strict stops there"

# An input file that cannot be read leaves its usage out: without --strict
# the invoices are written and the exit status is 1; with --strict nothing
# is written.
run ovbill --month 2026-11 --customers "$F/customers.csv" "$T/missing.ndjson"
is "$STATUS" 3 "unreadable input: exit 3"
like "$OUT" '"item":"total"' "unreadable input: invoices written"
like "$ERR" "missing\\.ndjson: No such file" "unreadable input named"
run ovbill --strict --month 2026-11 --customers "$F/customers.csv" \
	"$T/missing.ndjson"
is "$STATUS" 3 "--strict, unreadable input: exit 3"
is "$OUT" "" "--strict, unreadable input: nothing written"
like "$ERR" "--strict: .*nothing written" "--strict, unreadable input: why"

# A line over --max-line is rejected and the run goes on.
{
	printf '{"kind":"sample","time":"2026-11-05T10:00:00Z","customer":"full24","deployment":"big","metric":"cluster.cores","value":3,"labels":{"x":"'
	head -c 3000 /dev/zero | tr '\0' a
	printf '"}}\n'
	printf '{"kind":"sample","time":"2026-11-05T10:00:00Z","customer":"full24","deployment":"small","metric":"cluster.cores","value":3}\n'
} >"$T/long.ndjson"
run ovbill usage --max-line 1024 --month 2026-11 "$T/long.ndjson"
is "$STATUS" 1 "long line: exit 1"
like "$ERR" "long\\.ndjson:1: line longer than --max-line" "long line reported"
like "$OUT" '"deployment":"small"' "line after a long one used"

# Records ovbill does not bill are skipped without complaint, even when
# they would not be valid samples.
printf '%s\n' \
	'{"kind":"sample","time":"yesterday","deployment":"x","metric":"node.cpu_load","value":"high"}' \
	'{"kind":"alarm","time":"2026-11-05T10:00:00Z"}' \
	'{"kind":"ticket","ticket":"x","action":"note"}' \
	'{"kind":"sample","time":"2025-01-05T10:00:00Z","customer":"full24","deployment":"old","metric":"cluster.cores","value":"unused"}' \
	>"$T/other.ndjson"
run ovbill usage --month 2026-11 "$T/other.ndjson"
is "$STATUS" 0 "other kinds, metrics, actions and months skipped"
is "$ERR" "" "skipped silently"

# Worklogs that cannot be billed are reported.
printf '%s\n' \
	'{"kind":"ticket","time":"2026-11-05T10:00:00Z","ticket":31,"action":"worklog","minutes":45,"by":"ana"}' \
	'{"kind":"ticket","time":"2026-11-05T10:00:00Z","ticket":32,"action":"opened","customer":"nobody","severity":"normal","channel":"email","summary":"s"}' \
	'{"kind":"ticket","time":"2026-11-05T11:00:00Z","ticket":32,"action":"worklog","minutes":15,"by":"ana"}' \
	>"$T/work.ndjson"
run ovbill --month 2026-11 --customers "$F/customers.csv" "$T/work.ndjson"
is "$STATUS" 1 "unbilled work: exit 1"
like "$ERR" "ticket 31: 45 worklog minutes but no opened record names its customer" \
	"worklog without opened record"
like "$ERR" "ticket 32: 15 worklog minutes for customer 'nobody', who is not in the customers file" \
	"worklog of unknown customer"

# A plan that plans.conf does not define: that customer is not billed.
printf '%s\n' 'customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email' \
	'gold,Gold,platinum,2026-01-01,,,,gold.example' \
	'acme,Acme,nbd,2026-01-01,,,,acme.example' >"$T/customers.csv"
run ovbill --month 2026-11 --customers "$T/customers.csv" /dev/null
is "$STATUS" 1 "unknown plan: exit 1"
like "$ERR" "customer gold: plan 'platinum' of [^ ]*customers.csv:2 is not defined" \
	"unknown plan names customer and line"
is "$(printf '%s\n' "$OUT" | jq -r '"\(.customer) \(.item) \(.amount)"' | tr '\n' ' ')" \
	"acme core_minutes 0.00 acme minimum_fee 100.00 acme total 100.00 " \
	"other customers still billed"

# Files that cannot be used: exit 3.
run ovbill --month 2026-11 --customers "$T/missing.csv" /dev/null
is "$STATUS" 3 "missing customers file: exit 3"
like "$ERR" "missing\\.csv" "missing file named"
printf '%s\n' 'customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email' \
	'acme,Acme,nbd,2026-02-30,,,,acme.example' >"$T/bad.csv"
run ovbill --month 2026-11 --customers "$T/bad.csv" /dev/null
is "$STATUS" 3 "invalid customers file: exit 3"
like "$ERR" "bad\\.csv:2: contract_start:" "invalid field named with its line"
run ovbill --month 2026-11 --customers "$F/customers.csv" "$T/nonexistent.ndjson"
is "$STATUS" 3 "unreadable input: exit 3"
like "$ERR" "nonexistent\\.ndjson" "unreadable input named"

# Usage errors: exit 2 with a short message on standard error.
while IFS='|' read -r args message; do
	# shellcheck disable=SC2086
	run ovbill $args </dev/null
	is "$STATUS" 2 "usage error: $args"
	like "$ERR" "$message" "message for: $args"
done <<EOF
--customers $F/customers.csv|--month is required
--month 2026-11|--customers is required
--month 2026-13 --customers $F/customers.csv|--month '2026-13'
--month 2026-11 --customers $F/customers.csv --max-gap 5x|--max-gap '5x'
--month 2026-11 --customers $F/customers.csv --max-gap 2d|--max-gap '2d': at most 1d
--month 2026-11 --customers $F/customers.csv --tz Mars/Olympus|unknown time zone 'Mars/Olympus'
--month 2026-11 --customers $F/customers.csv --cvs|did you mean '--csv'
EOF

run ovbill --help
is "$STATUS" 0 "--help exit 0"
like "$OUT" "^usage: ovbill " "--help on standard output"
run ovbill --version
like "$OUT" "^ovbill \\(ov toolkit\\) " "--version"

done_testing
