#!/bin/bash
# ovsla status, field by field, on tickets worked out by hand from the SLA
# rules and the Madrid calendar: openings exactly at 09:00 and 18:00 local,
# both 2026 daylight-saving changes, the Easter, December and New Year
# holidays, pending over a weekend and holidays, reopen after resolve, a
# severity raised after the due time, and duplicate and out-of-order events.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovsla
CUSTOMERS=$F/customers.csv

# sla TICKET TARGET NOW: the compared fields of one target as of NOW.
sla() {
	ovsla -q --customers "$CUSTOMERS" --now "$3" "$F/exact.ndjson" |
		jq -r --argjson t "$1" --arg g "$2" '
		select(.ticket == $t and .target == $g)
		| [.state, .started, .due, (.met_at // "-"),
		   .elapsed_seconds, .remaining_seconds]
		| map(tostring) | join(" ")'
}

# 101, nbd critical, opened Monday 2026-03-30 09:00:00 CEST (07:00Z), the
# day after the change to summer time.  Reaction 4h ends 13:00 CEST;
# workaround 9h ends 18:00 CEST; resolution 63h skips the holidays
# Apr 2-3 and ends Thursday Apr 9 18:00 CEST.
is "$(sla 101 reaction 2026-03-30T11:00:00Z)" \
	"at_risk 2026-03-30T07:00:00Z 2026-03-30T11:00:00Z - 14400 0" \
	"opened at 09:00: reaction exactly at due"
is "$(sla 101 workaround 2026-03-30T11:00:00Z)" \
	"running 2026-03-30T07:00:00Z 2026-03-30T16:00:00Z - 14400 18000" \
	"opened at 09:00: workaround due at closing"
is "$(sla 101 resolution 2026-03-30T11:00:00Z)" \
	"running 2026-03-30T07:00:00Z 2026-04-09T16:00:00Z - 14400 212400" \
	"opened at 09:00: resolution skips Easter"

# 102, nbd normal, opened Friday 2026-10-23 18:00:00 CEST (16:00Z): starts
# Monday Oct 26 09:00 CET (08:00Z), after the change to winter time.  The
# reaction (9h) is due at 18:00 CET and only breaches one business second
# after, on Tuesday 09:00:01 CET.  Resolution skips the Nov 2 holiday.
is "$(sla 102 reaction 2026-10-26T17:00:00Z)" \
	"at_risk 2026-10-26T08:00:00Z 2026-10-26T17:00:00Z - 32400 0" \
	"opened at 18:00: starts next opening"
is "$(sla 102 reaction 2026-10-27T08:00:00Z)" \
	"at_risk 2026-10-26T08:00:00Z 2026-10-26T17:00:00Z - 32400 0" \
	"closed hours do not count"
is "$(sla 102 reaction 2026-10-27T08:00:01Z)" \
	"breached 2026-10-26T08:00:00Z 2026-10-26T17:00:00Z - 32401 -1" \
	"one business second late"
is "$(sla 102 resolution 2026-10-26T17:00:00Z)" \
	"running 2026-10-26T08:00:00Z 2026-11-04T17:00:00Z - 32400 194400" \
	"resolution skips Nov 2"

# 104, nbd critical, opened Thursday 2026-12-03 16:00 CET, pending from
# Friday 10:00 CET, customer_reply on Saturday; Dec 7-8 are holidays, so
# the clocks run again on Wednesday Dec 9 at 09:00 CET.
is "$(sla 104 reaction 2026-12-09T10:00:00Z)" \
	"met 2026-12-03T15:00:00Z 2026-12-04T10:00:00Z 2026-12-03T15:30:00Z 1800 12600" \
	"pending: reaction met"
is "$(sla 104 workaround 2026-12-09T10:00:00Z)" \
	"running 2026-12-03T15:00:00Z 2026-12-09T14:00:00Z - 18000 14400" \
	"pending over weekend and holidays"
is "$(sla 104 resolution 2026-12-09T10:00:00Z)" \
	"running 2026-12-03T15:00:00Z 2026-12-17T14:00:00Z - 18000 208800" \
	"pending: resolution due"

# 105, nbd critical, resolved after 2h on Monday Nov 16, reopened on
# Wednesday Nov 18 10:00 CET: Tuesday and Wednesday until 10:00 do not
# count.
is "$(sla 105 resolution 2026-11-18T12:00:00Z)" \
	"running 2026-11-16T08:00:00Z 2026-11-26T16:00:00Z - 18000 208800" \
	"reopened: time between not counted"
is "$(sla 105 workaround 2026-11-18T12:00:00Z)" \
	"met 2026-11-16T08:00:00Z 2026-11-16T17:00:00Z 2026-11-16T10:00:00Z 7200 25200" \
	"reopened: workaround stays met"

# 106, nbd normal acknowledged after 5h, raised to critical the next day:
# the reaction is breached with its met_at, the 9h workaround already
# passed at Tuesday's closing.
is "$(sla 106 reaction 2026-11-18T10:00:00Z)" \
	"breached 2026-11-17T08:00:00Z 2026-11-17T12:00:00Z 2026-11-17T13:00:00Z 18000 -3600" \
	"severity raised: met late is breached"
is "$(sla 106 workaround 2026-11-18T10:00:00Z)" \
	"breached 2026-11-17T08:00:00Z 2026-11-17T17:00:00Z - 39600 -7200" \
	"severity raised: workaround past due"
is "$(sla 106 resolution 2026-11-18T10:00:00Z)" \
	"running 2026-11-17T08:00:00Z 2026-11-25T17:00:00Z - 39600 187200" \
	"severity raised: resolution target"

# 107, 24x7 critical, read out of order with a duplicate opened and a
# duplicate pending: 2h, pending 12:00-13:00, 1h.
is "$(sla 107 workaround 2026-11-05T14:00:00Z)" \
	"running 2026-11-05T10:00:00Z 2026-11-06T11:00:00Z - 10800 75600" \
	"duplicates and disorder: workaround"
is "$(sla 107 reaction 2026-11-05T14:00:00Z)" \
	"met 2026-11-05T10:00:00Z 2026-11-05T14:00:00Z 2026-11-05T11:00:00Z 3600 10800" \
	"duplicates and disorder: reaction"

# 109, nbd normal, opened Wednesday 2025-12-24 17:00 CET: Dec 25, Jan 1
# and Jan 6 do not count.
is "$(sla 109 reaction 2026-01-02T12:00:00Z)" \
	"breached 2025-12-24T16:00:00Z 2025-12-26T16:00:00Z - 147600 -115200" \
	"christmas: reaction due Dec 26"
is "$(sla 109 resolution 2026-01-02T12:00:00Z)" \
	"running 2025-12-24T16:00:00Z 2026-01-07T16:00:00Z - 147600 79200" \
	"new year: resolution skips Jan 1 and 6"

done_testing
