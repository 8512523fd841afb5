#!/bin/bash
# ovsla on bad input, bad files and bad usage: clear errors naming the
# file, line and value, valid records still used, documented exit status.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovsla
C=(--customers "$F/customers.csv")
NOW=(--now 2026-11-03T12:00:00Z)
OPEN='{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":1,"action":"opened","customer":"acme","severity":"critical","channel":"phone","summary":"ok"}'

{
	echo "$OPEN"
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":2,'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","action":"acknowledged"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":1,"action":"escalated"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":3,"action":"opened","customer":"acme","severity":"urgent"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":4,"action":"opened","severity":"normal"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":"5","action":"opened","customer":"acme","severity":"normal"}'
	echo '{"kind":"ticket","time":"yesterday","ticket":6,"action":"pending"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":-7,"action":"pending"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":9007199254740993,"action":"pending"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":8,"action":"opened","customer":"bad customer!","severity":"normal"}'
	echo '{"kind":"sample","time":"2026-11-03T10:00:00Z","deployment":"d","metric":"up","value":1}'
	echo '{"kind":"ticket","time":"2026-11-03T10:30:00Z","ticket":1,"action":"acknowledged","by":"ana"}'
} >"$T/bad.ndjson"
run ovsla "${C[@]}" "${NOW[@]}" --rejects "$T/rejects" "$T/bad.ndjson"
is "$STATUS" 1 "bad records: exit 1"
is "$(printf '%s\n' "$OUT" | jq -r '"\(.ticket) \(.target) \(.state)"' |
	head -1)" "1 reaction met" "valid records around bad ones are used"
like "$ERR" "bad.ndjson:2: " "truncated JSON names its line"
like "$ERR" "bad.ndjson:3: .*ticket" "missing ticket"
like "$ERR" "bad.ndjson:4: action: unknown action 'escalated'" \
	"unknown action"
like "$ERR" "bad.ndjson:5: severity: must be critical or normal, not 'urgent'" \
	"invalid severity"
like "$ERR" "bad.ndjson:6: .*customer" "opened without customer"
like "$ERR" "bad.ndjson:7: .*ticket" "ticket as a string"
like "$ERR" "bad.ndjson:8: .*time" "invalid time"
like "$ERR" "bad.ndjson:9: ticket: must not be negative" "negative ticket"
like "$ERR" "bad.ndjson:10: .*ticket" "ticket beyond 2^53"
like "$ERR" "bad.ndjson:11: customer: invalid identifier" "invalid customer"
is "$(wc -l <"$T/rejects")" 10 "--rejects keeps the ten rejected lines"

run ovsla -q "${C[@]}" "${NOW[@]}" --strict "$T/bad.ndjson"
is "$STATUS:$OUT" "1:" "--strict stops with no output"

# --pass copies other kinds byte for byte; without it they are ignored.
run ovsla -q "${C[@]}" "${NOW[@]}" --pass "$T/bad.ndjson"
is "$(printf '%s\n' "$OUT" | grep -c '"kind":"sample"')" 1 "--pass copies"
run ovsla -q "${C[@]}" "${NOW[@]}" "$T/bad.ndjson"
is "$(printf '%s\n' "$OUT" | grep -c '"kind":"sample"')" 0 \
	"other kinds ignored by default"

# A byte-order mark, CRLF line ends and no final newline are accepted.
printf '\xef\xbb\xbf%s\r\n%s' "$OPEN" \
	'{"kind":"ticket","time":"2026-11-03T10:30:00Z","ticket":1,"action":"acknowledged"}' \
	>"$T/crlf.ndjson"
run ovsla "${C[@]}" "${NOW[@]}" "$T/crlf.ndjson"
is "$STATUS:$(printf '%s\n' "$OUT" | head -1 | jq -r .state)" "0:met" \
	"BOM, CRLF, no final newline"

# A line over --max-line is rejected, not a crash.
{
	echo "$OPEN"
	printf '{"kind":"ticket","text":"%s"}\n' "$(head -c 3000 /dev/zero |
		tr '\0' x)"
} >"$T/long.ndjson"
run ovsla -q "${C[@]}" "${NOW[@]}" --max-line 1024 "$T/long.ndjson"
is "$STATUS:$(printf '%s\n' "$OUT" | wc -l)" "1:3" "long line rejected"

# Tickets the program cannot compute are errors; the others still count.
{
	echo "$OPEN"
	echo '{"kind":"ticket","time":"2026-11-03T10:30:00Z","ticket":20,"action":"acknowledged"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":21,"action":"opened","customer":"nobody","severity":"normal"}'
} >"$T/orphans.ndjson"
run ovsla -q "${C[@]}" "${NOW[@]}" "$T/orphans.ndjson"
is "$STATUS" 1 "orphan events: exit 1"
like "$ERR" "ticket 20: no opened event" "ticket without opened"
like "$ERR" "ticket 21: customer 'nobody' is not in the customers file" \
	"unknown customer"
is "$(printf '%s\n' "$OUT" | jq -r .ticket | sort -u)" 1 \
	"computable ticket still written"

# 2027 holidays are not published: an nbd clock that reaches 2027 fails
# and names the year; the 24x7 clock needs no calendar.
{
	echo '{"kind":"ticket","time":"2027-01-04T10:00:00Z","ticket":30,"action":"opened","customer":"iberia","severity":"critical"}'
	echo '{"kind":"ticket","time":"2027-01-04T10:00:00Z","ticket":31,"action":"opened","customer":"acme","severity":"critical"}'
} >"$T/2027.ndjson"
run ovsla -q "${C[@]}" --now 2027-01-04T12:00:00Z "$T/2027.ndjson"
is "$STATUS" 1 "2027: exit 1"
like "$ERR" "ticket 30: the business calendar does not cover 2027" \
	"2027: error names the year"
is "$(printf '%s\n' "$OUT" | jq -r .ticket | sort -u)" 31 \
	"2027: the 24x7 ticket is computed"
# Due dates that fall in 2027 fail the same way.
echo '{"kind":"ticket","time":"2026-12-28T10:00:00Z","ticket":32,"action":"opened","customer":"iberia","severity":"critical"}' >"$T/late.ndjson"
run ovsla -q "${C[@]}" --now 2026-12-28T12:00:00Z "$T/late.ndjson"
like "$STATUS:$ERR" "^1:.*ticket 32: resolution: .*does not cover 2027" \
	"resolution due in 2027 fails"
is "$(printf '%s\n' "$OUT" | jq -r .target | tr '\n' ' ')" \
	"reaction workaround " "targets inside 2026 are written"
like "$(printf '%s\n' "$OUT" | jq -r 'select(.target == "workaround") | .due')" \
	"2026-12-29T" "workaround due the next business day"

# Within 60 days of the calendar's end, a warning; -q mutes it.
run ovsla "${C[@]}" --now 2026-11-20T12:00:00Z "$F/unacked.ndjson"
like "$ERR" "warning: the holiday file .* lists holidays up to 2026.*add the holidays of 2027" \
	"calendar end warning"
run ovsla "${C[@]}" --now 2026-10-20T12:00:00Z "$F/unacked.ndjson"
is "$ERR" "" "no warning 72 days before the end"

# A different calendar needs no rebuild: a plans.conf with 2027 holidays.
cp "$TOP/etc/plans.conf" "$T/plans.conf"
{
	cat "$TOP/etc/holidays-madrid.csv"
	echo "2027-01-01,Año Nuevo"
	echo "2027-01-06,Epifanía del Señor"
} >"$T/holidays-madrid.csv"
run ovsla -q "${C[@]}" --plans "$T/plans.conf" --now 2027-01-06T12:00:00Z \
	"$T/2027.ndjson"
is "$STATUS" 0 "2027 with a calendar that lists it"
# Monday 11:00 to Wednesday 6 January 13:00 (a holiday) is 16 hours.
is "$(printf '%s\n' "$OUT" | jq -r 'select(.ticket == 30 and
	.target == "resolution") | "\(.elapsed_seconds) \(.due)"')" \
	"57600 2027-01-14T10:00:00Z" "2027 holiday skipped"

# Bad files: exit 3 with file, line and field.
printf '[nbd]\nclock = sometimes\n' >"$T/bad.conf"
run ovsla "${C[@]}" --plans "$T/bad.conf" "$F/unacked.ndjson"
is "$STATUS" 3 "bad plans.conf: exit 3"
like "$ERR" "bad.conf:2: clock: must be wall or business" \
	"bad plans.conf: file, line, field"
run ovsla --customers "$T/none.csv" "$F/unacked.ndjson"
is "$STATUS" 3 "missing customers file: exit 3"
run ovsla "${C[@]}" "${NOW[@]}" "$T/none.ndjson"
is "$STATUS" 3 "missing input file: exit 3"

# Usage.
run env -u OV_CUSTOMERS ovsla --now 2026-11-16T10:00:00Z "$F/unacked.ndjson"
is "$STATUS" 0 "neither --customers nor --plan: plan 24x7"
like "$ERR" "every ticket uses plan 24x7" "the assumed plan is named"
like "$OUT" '"plan":"24x7"' "records carry the assumed plan"
OV_CUSTOMERS=$F/customers.csv run ovsla -q --now 2026-11-16T10:00:00Z \
	"$F/unacked.ndjson"
is "$STATUS:$(printf '%s\n' "$OUT" | jq -r 'select(.ticket == 81) | .plan' |
	head -1)" "0:nbd" "OV_CUSTOMERS as customers file"
run ovsla stauts --plan nbd
is "$STATUS" 2 "unknown command: exit 2"
like "$ERR" "did you mean 'status'" "unknown command suggestion"
run ovsla --plan gold "$F/unacked.ndjson"
is "$STATUS" 2 "unknown plan: exit 2"
run ovsla --plan nbd --warn 101 "$F/unacked.ndjson"
is "$STATUS" 2 "--warn over 100: exit 2"
run ovsla --plan nbd --now tomorrow "$F/unacked.ndjson"
is "$STATUS" 2 "invalid --now: exit 2"
run ovsla --plan nbd --customers "$F/customers.csv" "$F/unacked.ndjson"
is "$STATUS" 2 "--plan with --customers: exit 2"
run ovsla status --plan nbd --state "$T/x" "$F/unacked.ndjson"
is "$STATUS" 2 "--state outside check: exit 2"
run ovsla --help
is "$STATUS:$ERR" "0:" "--help: exit 0, nothing on stderr"
like "$OUT" "usage: ovsla \[status\].*--warn PERCENT" "--help text on stdout"
run ovsla --version
like "$STATUS:$OUT" "^0:ovsla \(ov toolkit\) " "--version"
# The same ticket spelled with blanks, escapes and fractions (read with
# cJSON) and plainly (read by the fast path) gives the same SLA records.
{
	echo ' {"kind" : "ticket", "time":"2026-11-03T10:00:00Z","ticket":1.0,"action":"opened","customer":"acm\u0065","severity":"critical","summary":"a \"quoted\" ñ"} '
	echo '{"kind":"ticket","time":"2026-11-03T10:30:00Z","ticket":1,"action":"acknowledged","by":"ana"}'
} >"$T/spelled.ndjson"
{
	echo '{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":1,"action":"opened","customer":"acme","severity":"critical","summary":"plain"}'
	echo '{"kind":"ticket","time":"2026-11-03T10:30:00Z","ticket":1,"action":"acknowledged","by":"ana"}'
} >"$T/plain.ndjson"
run ovsla "${C[@]}" "${NOW[@]}" "$T/spelled.ndjson"
is "$STATUS" 0 "spelled ticket accepted"
spelled=$OUT
run ovsla "${C[@]}" "${NOW[@]}" "$T/plain.ndjson"
is "$spelled" "$OUT" "spelled and plain tickets give the same records"

# A ticket opened twice: the earliest opening counts, with a warning.
printf '%s\n' \
	'{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":1,"action":"opened","customer":"acme","severity":"normal","channel":"phone","summary":"s"}' \
	'{"kind":"ticket","time":"2026-11-03T09:00:00Z","ticket":1,"action":"opened","customer":"globex","severity":"normal","channel":"phone","summary":"s"}' \
	>"$T/twice.ndjson"
run ovsla --plan 24x7 "${NOW[@]}" "$T/twice.ndjson"
is "$STATUS" 0 "ticket opened twice: exit 0"
like "$ERR" "ticket 1 is opened more than once \(customers globex and acme\)" \
	"ticket opened twice: warning names both customers"
is "$(jq -r .customer <<<"$OUT" | sort -u)" globex "earliest opening used"

done_testing
