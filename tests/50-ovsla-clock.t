#!/bin/bash
# ovsla status on hand-worked tickets of both plans: every expected value
# below was computed by hand from the SLA rules of ovsla(1) and the Madrid
# calendar, not copied from the program's output.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovsla
CUSTOMERS=$F/customers.csv

# fields: prints the compared fields of each sla record, one line each.
fields() {
	jq -r '[.ticket, .severity, .target, .state, .started, .due,
		(.met_at // "-"), .elapsed_seconds, .remaining_seconds]
		| map(tostring) | join(" ")'
}

# case_file NAME INPUT NOW EXPECTED [FILTER]: status of INPUT as of NOW,
# the records FILTER (jq) selects, against the EXPECTED file.
case_file() {
	local name=$1 input=$2 now=$3 expected=$4 filter=${5:-true}
	run ovsla -q --customers "$CUSTOMERS" --now "$now" "$F/$input"
	is "$STATUS" 0 "$name: exit status"
	is "$(printf '%s\n' "$OUT" | jq -c "select($filter)" | fields)" \
		"$(cat "$F/$expected")" "$name"
}

case_file "friday before march change" dst-friday.ndjson \
	2026-04-01T10:00:00Z dst-friday.expected
case_file "eve of madrid holidays" holiday-eve.ndjson \
	2026-12-09T11:00:00Z holiday-eve.expected
case_file "pending over a weekend, monday" pending-weekend.ndjson \
	2026-11-23T12:00:00Z pending-weekend.expected
case_file "pending over a weekend, saturday" pending-weekend.ndjson \
	2026-11-21T12:00:00Z pending-saturday.expected
case_file "escalated after 5h, 24x7" escalated-24x7.ndjson \
	2026-11-09T14:00:00Z escalated-24x7.expected
case_file "normal before escalation, 24x7" escalated-24x7.ndjson \
	2026-11-09T12:00:00Z escalated-24x7-before.expected
case_file "escalated after 5h, nbd" escalated-nbd.ndjson \
	2026-11-16T14:00:00Z escalated-nbd.expected
case_file "normal before escalation, nbd" escalated-nbd.ndjson \
	2026-11-16T12:00:00Z escalated-nbd-before.expected
case_file "reopened, not yet resolved" reopened.ndjson \
	2026-11-12T16:00:00Z reopened-open.expected
case_file "reopened, resolved again" reopened.ndjson \
	2026-11-20T00:00:00Z reopened-resolved.expected
case_file "met at due, one second late" edges.ndjson \
	2026-11-17T00:00:00Z edges.expected '.target == "reaction"'
case_file "closed without resolution" closed.ndjson \
	2026-11-10T00:00:00Z closed.expected

# The record of DESIGN's example, every field and its order.
printf '%s\n' \
	'{"kind":"ticket","time":"2026-11-02T09:20:05Z","ticket":42,"action":"opened","customer":"acme","deployment":"acme-prod","severity":"critical","channel":"alarm","summary":"CPU","fingerprint":"5e0c2b7d1f3a9e44","by":"ovalarm"}' \
	'{"kind":"ticket","time":"2026-11-02T09:41:00Z","ticket":42,"action":"acknowledged","by":"ana"}' \
	>"$T/42.ndjson"
run ovsla --customers "$CUSTOMERS" --now 2026-11-02T12:00:00Z "$T/42.ndjson"
is "$(printf '%s\n' "$OUT" | head -1)" \
	'{"kind":"sla","time":"2026-11-02T12:00:00Z","ticket":42,"customer":"acme","plan":"24x7","severity":"critical","target":"reaction","state":"met","started":"2026-11-02T09:20:05Z","due":"2026-11-02T13:20:05Z","met_at":"2026-11-02T09:41:00Z","elapsed_seconds":1255,"remaining_seconds":13145}' \
	"sla record fields and order"
is "$ERR" "" "24x7 only: no calendar warning"

# at_risk: at most 25 % of the target left, or --warn PERCENT.
state_of() { # state_of TICKET TARGET ARGS...: prints the state
	local ticket=$1 target=$2
	shift 2
	ovsla -q --customers "$CUSTOMERS" "$@" "$F/unacked.ndjson" |
		jq -r "select(.ticket == $ticket and .target == \"$target\")
			| .state"
}
is "$(state_of 80 reaction --now 2026-11-03T12:59:59Z)" running \
	"more than 25% left is running"
is "$(state_of 80 reaction --now 2026-11-03T13:00:00Z)" at_risk \
	"exactly 25% left is at_risk"
is "$(state_of 80 reaction --now 2026-11-03T13:00:00Z --warn 20)" running \
	"--warn 20 at 25% left is running"
is "$(state_of 80 reaction --now 2026-11-03T13:12:00Z --warn 20)" at_risk \
	"--warn 20 at 20% left is at_risk"
is "$(state_of 80 reaction --now 2026-11-03T13:00:00Z --warn 0)" running \
	"--warn 0 never warns early"
is "$(state_of 80 reaction --now 2026-11-03T14:00:00Z)" at_risk \
	"exactly at due is not breached"
is "$(state_of 80 reaction --now 2026-11-03T14:00:01Z)" breached \
	"one second after due is breached"
is "$(state_of 80 workaround --now 2026-11-03T14:00:01Z)" running \
	"other targets keep running"

# A ticket opened on a Saturday starts at Monday 09:00 under nbd.
run ovsla -q --customers "$CUSTOMERS" --now 2026-11-16T10:00:00Z \
	"$F/unacked.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.ticket == 81) |
	[.target, .state, .started, .due, .elapsed_seconds,
	.remaining_seconds] | map(tostring) | join(" ")')" \
	"reaction running 2026-11-16T08:00:00Z 2026-11-16T12:00:00Z 7200 7200
workaround running 2026-11-16T08:00:00Z 2026-11-16T17:00:00Z 7200 25200
resolution running 2026-11-16T08:00:00Z 2026-11-24T17:00:00Z 7200 219600" \
	"saturday ticket starts monday 09:00"

# --plan overrides the customers file for every ticket.
run ovsla -q --plan 24x7 --now 2026-11-16T10:00:00Z "$F/unacked.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.ticket == 81 and
	.target == "reaction") | [.plan, .started, .state] | join(" ")')" \
	"24x7 2026-11-14T10:00:00Z breached" "--plan 24x7 for an nbd customer"

# Tickets not yet opened at --now are left out; later events are ignored.
run ovsla -q --customers "$CUSTOMERS" --now 2026-11-03T09:00:00Z \
	"$F/edges.ndjson"
is "$OUT" "" "tickets opened after --now are left out"
run ovsla -q --customers "$CUSTOMERS" --now 2026-11-03T13:00:00Z \
	"$F/edges.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.ticket == 70 and
	.target == "reaction") | .state')" at_risk \
	"events after --now are ignored"
done_testing
