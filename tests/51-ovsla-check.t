#!/bin/bash
# ovsla check --state: each change (at_risk, breached, met) is written
# once, whatever the number of runs, under a lock; and status does not
# depend on input order or duplicated events.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovsla
C=(--customers "$F/customers.csv")
ST=$T/sla.state

# check_at NOW [ARGS...]: one cron run; prints "ticket target state" lines.
check_at() {
	local now=$1
	shift
	run ovsla check -q "${C[@]}" --state "$ST" --now "$now" "$@" \
		"$F/unacked.ndjson"
	CHANGES=$(printf '%s\n' "$OUT" | jq -r 'select(.kind == "sla") |
		"\(.ticket) \(.target) \(.state)"')
}

check_at 2026-11-03T12:00:00Z
is "$STATUS:$CHANGES" "0:" "first run: nothing notable yet"
[ -f "$ST" ]
ok $? "state file written"
check_at 2026-11-03T13:00:00Z
is "$CHANGES" "80 reaction at_risk" "reaction becomes at_risk"
check_at 2026-11-03T13:00:00Z
is "$STATUS:$CHANGES" "0:" "same run again: nothing"
check_at 2026-11-03T13:30:00Z
is "$CHANGES" "" "still at_risk: nothing"
check_at 2026-11-03T14:00:01Z
is "$CHANGES" "80 reaction breached" "breach reported once"
check_at 2026-11-03T14:05:00Z
is "$CHANGES" "" "breach not reported twice"
check_at 2026-11-03T14:05:00Z
is "$CHANGES" "" "third run: still nothing"

# The reaction comes late: breached with met_at, a change worth a notice.
cp "$F/unacked.ndjson" "$T/late.ndjson"
echo '{"kind":"ticket","time":"2026-11-03T14:10:00Z","ticket":80,"action":"acknowledged","by":"ana"}' >>"$T/late.ndjson"
run ovsla check -q "${C[@]}" --state "$ST" --now 2026-11-03T14:20:00Z \
	"$T/late.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r '"\(.target) \(.state) \(.met_at)"')" \
	"reaction breached 2026-11-03T14:10:00Z" "late reaction reported"
run ovsla check -q "${C[@]}" --state "$ST" --now 2026-11-03T14:30:00Z \
	"$T/late.ndjson"
is "$OUT" "" "late reaction reported once"

# Met targets are reported once too, and again after a reopened ticket is
# resolved again.
R=$T/reopen.state
run ovsla check -q "${C[@]}" --state "$R" --now 2026-11-10T15:00:00Z \
	"$F/reopened.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r '"\(.target) \(.state)"' | sort |
	tr '\n' ' ')" "reaction met resolution met workaround met " \
	"three targets met"
run ovsla check -q "${C[@]}" --state "$R" --now 2026-11-12T15:00:00Z \
	"$F/reopened.ndjson"
is "$OUT" "" "reopened: running is not a notice"
run ovsla check -q "${C[@]}" --state "$R" --now 2026-11-13T09:30:00Z \
	"$F/reopened.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r '"\(.target) \(.state) \(.met_at)"')" \
	"resolution met 2026-11-13T09:00:00Z" "resolved again is reported"

# A concurrent run holds the lock: check waits for it, then runs.
flock "$ST.lock" sh -c "touch '$T/held'; sleep 1; touch '$T/released'" &
holder=$!
cleanup "kill $holder"
wait_for test -f "$T/held"
check_at 2026-11-03T15:00:00Z
[ -f "$T/released" ]
ok $? "check waited for the lock"
is "$STATUS" 0 "check after the lock: exit status"
wait "$holder"

# A damaged state file is an error naming its line; it is left as it is.
printf '# ovsla check state 1: ticket target state met_at\n80 reaction\n' \
	>"$T/bad.state"
cp "$T/bad.state" "$T/bad.copy"
run ovsla check "${C[@]}" --state "$T/bad.state" --now 2026-11-03T15:00:00Z \
	"$F/unacked.ndjson"
is "$STATUS" 3 "damaged state: exit 3"
like "$ERR" "bad.state:2: invalid state line" "damaged state: file and line"
cmp -s "$T/bad.state" "$T/bad.copy"
ok $? "damaged state file left unchanged"

run ovsla check "${C[@]}" "$F/unacked.ndjson"
is "$STATUS" 2 "check without --state: usage error"

# Order and duplicates: reversed and doubled input gives the same status.
run ovsla -q "${C[@]}" --now 2026-11-23T12:00:00Z "$F/pending-weekend.ndjson"
want=$OUT
tac "$F/pending-weekend.ndjson" >"$T/reversed.ndjson"
run ovsla -q "${C[@]}" --now 2026-11-23T12:00:00Z "$T/reversed.ndjson"
is "$OUT" "$want" "reversed input, same status"
cat "$F/pending-weekend.ndjson" "$T/reversed.ndjson" >"$T/doubled.ndjson"
# The same event again with other fields is still a duplicate.
echo '{"kind":"ticket","time":"2026-11-20T16:00:00Z","ticket":20,"action":"pending","by":"someone else"}' >>"$T/doubled.ndjson"
run ovsla -q -v "${C[@]}" --now 2026-11-23T12:00:00Z "$T/doubled.ndjson"
is "$OUT" "$want" "duplicated events count once"
like "$ERR" "9 duplicate ticket events ignored" "duplicates noted with -v"
done_testing
