#!/bin/bash
# The EXAMPLES of ovsla(1) and plans.conf(5) run as written, with a
# fixture export in place of the ovticket database.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovsla
cp "$F/customers.csv" "$T/customers.csv"
cd "$T" || exit 1

# page_text PAGE: the formatted page as plain text, tabs expanded.
page_text() { mandoc -Tascii "$1" | sed 's/.\x08//g' | expand; }

# The ovsla part of each example pipeline, as the page shows it.
mapfile -t examples < <(page_text "$TOP/man/ovsla.1" |
	sed -n '/^EXAMPLES/,/^SEE ALSO/p' | sed -n 's/^ *\(ovsla .*\)$/\1/p')
is "${#examples[@]}" 3 "ovsla(1) has three examples"
for cmd in "${examples[@]}"; do
	read -ra argv <<<"$cmd"
	run "${argv[@]}" --now 2026-12-01T12:00:00Z -q <"$F/month.ndjson"
	is "$STATUS" 0 "example runs: $cmd"
	[ -n "$OUT" ]
	ok $? "example writes output: $cmd"
done
[ -f sla.state ]
ok $? "check example writes its state file"

# The plans.conf(5) examples make a valid file with the shipped holidays.
page_text "$TOP/man/plans.conf.5" |
	sed -n '/^EXAMPLES/,/^SEE ALSO/p' | sed -n 's/^ \{8,\}\([^ ].*\)$/\1/p' \
	>plans.conf
cp "$TOP/etc/holidays-madrid.csv" .
run ovsla -q --plans plans.conf --plan nbd --now 2026-11-14T12:00:00Z \
	"$F/unacked.ndjson"
is "$STATUS" 0 "plans.conf(5) examples load"
# Saturday 14 November opens 09:00-14:00 in the example calendar: ticket
# 81, opened at 11:00 Madrid time, has counted 2 hours at 13:00.
is "$(printf '%s\n' "$OUT" | jq -r 'select(.ticket == 81 and
	.target == "reaction") | .elapsed_seconds')" 7200 \
	"example saturday hours count"
done_testing
