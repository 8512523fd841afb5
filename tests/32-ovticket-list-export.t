#!/bin/bash
# ovticket list, show, export and import: records in a pipe, filters, and
# export | import giving an identical export.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket
OV_DB=$(test_db t) || exit 1
export OV_DB
COPY=$(test_db copy) || exit 1

ovticket ingest "$F/alarms.ndjson" >/dev/null 2>&1
ovticket open --customer globex --severity normal --channel email \
	--summary "invoice question" --at 2026-11-03T08:00:00Z >/dev/null
ovticket open --customer acme --severity critical --channel portal \
	--summary "recordings lost" --at 2026-11-04T08:00:00Z >/dev/null
ovticket ack --by bob --at 2026-11-02T09:30:00Z 1 >/dev/null
ovticket worklog --minutes 30 --by bob --at 2026-11-02T10:00:00Z 1 >/dev/null
ovticket worklog --minutes 20 --by bob --at 2026-11-02T11:00:00Z 1 >/dev/null
ovticket assign --to carol --at 2026-11-02T11:30:00Z 1 >/dev/null
ovticket resolve --text fixed --at 2026-11-02T12:00:00Z 2 >/dev/null

# list in a pipe: one ticket_state record per ticket.
run ovticket list
is "$STATUS" 0 "list exits 0"
is "$(jq -r .ticket <<<"$OUT" | tr '\n' ' ')" "1 2 3 4 " "list by ticket number"
is "$(jq -r 'select(.ticket==1) | [.kind, .time, .customer, .deployment,
	.severity, .channel, .state, .pending, .acknowledged, .assignee,
	.opened, .worklog_minutes, .events] | map(tostring) | join(" ")' \
	<<<"$OUT")" \
	"ticket_state 2026-11-02T11:30:00Z acme acme-prod critical alarm acknowledged false true carol 2026-11-02T09:20:00Z 50 7" \
	"ticket_state fields of ticket 1"
is "$(jq -r 'select(.ticket==2) | .state + " " + .resolved' <<<"$OUT")" \
	"resolved 2026-11-02T12:00:00Z" "resolved ticket has resolved time"
is "$(ovticket list --open | jq -r .ticket | tr '\n' ' ')" "1 3 4 " "--open"
is "$(ovticket list --customer globex | jq -r .ticket | tr '\n' ' ')" "2 3 " \
	"--customer"
is "$(ovticket list --severity critical | jq -r .ticket | tr '\n' ' ')" \
	"1 4 " "--severity"
is "$(ovticket list --channel email | jq -r .ticket | tr '\n' ' ')" "3 " \
	"--channel"
is "$(ovticket list --since 2026-11-03T00:00:00Z | jq -r .ticket |
	tr '\n' ' ')" "3 4 " "--since keeps tickets with later events"
run ovticket list --channel fax
is "$STATUS" 2 "unknown channel is a usage error"

# show in a pipe: the state, then the ticket's records.
run ovticket show 1
is "$(head -1 <<<"$OUT" | jq -r .kind)" "ticket_state" "show starts with the state"
is "$(tail -n +2 <<<"$OUT" | jq -r .action | tr '\n' ' ')" \
	"opened acknowledged alarm_cleared alarm_refired worklog worklog assigned " \
	"show lists the activity in time order"
run ovticket show 42
is "$STATUS" 1 "show of an unknown ticket exits 1"
like "$ERR" "ticket 42 not found" "show names the missing ticket"

# The terminal table, through script(1) so that stdout is a terminal.
if command -v script >/dev/null; then
	script -qec "ovticket --db $OV_DB list" /dev/null >"$T/tty" </dev/null
	like "$(cat "$T/tty")" "ID +STATE +SEVERITY +CUSTOMER" "list on a terminal is a table"
	like "$(cat "$T/tty")" "2 +resolved +normal +globex" "table row"
	script -qec "ovticket --db $OV_DB show 1" /dev/null >"$T/tty" </dev/null
	like "$(cat "$T/tty")" "Ticket 1: media node" "show on a terminal has a header"
	like "$(cat "$T/tty")" "worklog +bob +30 min" "show table row"
fi

# export: every event, time order, exact ticket records.
run ovticket export
is "$(wc -l <<<"$OUT")" 12 "export writes every event"
is "$(jq -r .time <<<"$OUT" | sort -c && echo sorted)" "sorted" \
	"export is in time order"
is "$(jq -r .kind <<<"$OUT" | sort -u)" "ticket" "export has only ticket records"
is "$(ovticket export --customer globex | jq -r .ticket | sort -u |
	tr '\n' ' ')" "2 3 " "export --customer"
is "$(ovticket export --since 2026-11-03T00:00:00Z | jq -r .time |
	tr '\n' ' ')" "2026-11-03T08:00:00Z 2026-11-04T08:00:00Z " "export --since"

# export | import into a new database gives an identical export.
ovticket export >"$T/export1"
run ovticket --db "$COPY" import "$T/export1"
is "$STATUS" 0 "import exits 0"
is "$OUT" "$(cat "$T/export1")" "import writes what it records"
ovticket --db "$COPY" export >"$T/export2"
cmp -s "$T/export1" "$T/export2"
ok $? "export | import | export is identical"
is "$(ovticket --db "$COPY" list)" "$(ovticket list)" \
	"imported tickets have the same state"
run ovticket --db "$COPY" import "$T/export1"
is "$STATUS:$OUT" "0:" "importing again records nothing"
run ovticket --db "$COPY" ingest "$F/alarms.ndjson"
is "$OUT" "" "ingesting the alarms after an import records nothing"
run ovticket --db "$COPY" open --customer x --severity normal --summary y
is "$(jq -r .ticket <<<"$OUT")" 5 "new ticket numbers follow the imported ones"

# import rejects bad ticket records one by one.
printf '%s\n' \
	'{"kind":"ticket","time":"2026-11-05T00:00:00Z","ticket":77,"action":"note","text":"x","by":"a","public":false}' \
	'{"kind":"ticket","time":"2026-11-05T00:00:00Z","ticket":1,"action":"explode"}' \
	'{"kind":"ticket","time":"2026-11-05T00:00:00Z","ticket":-1,"action":"note","text":"x"}' \
	'{"kind":"ticket","time":"2026-11-05T00:00:00Z","ticket":1,"action":"worklog","minutes":0}' \
	'{"kind":"ticket","time":"2026-11-05T00:00:00Z","ticket":1,"action":"opened","customer":"a","severity":"normal","channel":"phone","summary":"s"}' \
	'{"kind":"sample","time":"2026-11-05T00:00:00Z","deployment":"d","metric":"up","value":1}' \
	'{"kind":"ticket","time":"2026-11-05T00:00:00Z","ticket":1,"action":"note","text":"kept","by":"a","public":true}' \
	>"$T/bad-import"
run ovticket import "$T/bad-import"
is "$STATUS" 1 "bad ticket records: exit 1"
like "$ERR" "bad-import:1: ticket 77 not found" "event of an unknown ticket"
like "$ERR" "bad-import:2: field \"action\": unknown action 'explode'" "unknown action"
like "$ERR" "bad-import:3: field \"ticket\": invalid number" "negative ticket"
like "$ERR" "bad-import:4: invalid minutes 0" "zero worklog"
like "$ERR" "bad-import:5: ticket 1 already exists" "second opening"
is "$(jq -r .text <<<"$OUT")" "kept" "good record after bad ones imported"
done_testing
