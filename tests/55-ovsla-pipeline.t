#!/bin/bash
# The pipeline of ov(7): tickets recorded by ovticket, exported, and timed
# by ovsla, with a pending weekend and a reopened ticket on the nbd plan.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovsla
DB=$T/tickets.db
tk() { ovticket -q --db "$DB" "$@" >/dev/null; }

# Ticket 1: opened Friday 2026-11-20 15:00 Madrid time, acknowledged at
# 15:10, pending from 17:00 to Monday 09:00, then resolved Monday 10:00,
# reopened Tuesday 09:00 and resolved again Tuesday 11:00.
tk open --customer iberia --severity critical --summary "no video" \
	--at 2026-11-20T14:00:00Z --by ana
tk ack --at 2026-11-20T14:10:00Z --by ana 1
tk pending --at 2026-11-20T16:00:00Z --by ana 1
tk resume --at 2026-11-23T08:00:00Z --by ana 1
tk resolve --at 2026-11-23T09:00:00Z --by ana --text "fixed" 1
tk reopen --at 2026-11-24T08:00:00Z --text "again" 1
tk resolve --at 2026-11-24T10:00:00Z --by ana --text "fixed again" 1
run ovticket --db "$DB" export
is "$STATUS:$(printf '%s\n' "$OUT" | wc -l)" "0:7" "ovticket exports 7 events"
[ "$STATUS" -eq 0 ] || { done_testing; exit 1; }

printf '%s\n' "$OUT" >"$T/export.ndjson"
run ovsla -q --customers "$F/customers.csv" --now 2026-11-25T12:00:00Z \
	"$T/export.ndjson"
is "$STATUS:$ERR" "0:" "ovsla reads the export"
# Counted: Friday 15:00-17:00 (2h), Monday 09:00-10:00 (1h), Tuesday
# 09:00-11:00 after the reopening (2h).
is "$(printf '%s\n' "$OUT" | jq -r '"\(.target) \(.state) \(.elapsed_seconds) \(.met_at)"')" \
	"reaction met 600 2026-11-20T14:10:00Z
workaround met 10800 2026-11-23T09:00:00Z
resolution met 18000 2026-11-24T10:00:00Z" "nbd targets through the pipeline"
done_testing
