#!/bin/bash
# Every example of ovticket(1), run as written there, in a folder holding
# the files it names.
source "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
cp "$TOP/etc/alarms.conf" alarms.conf
cp "$TOP/etc/customers.example.csv" customers.csv
# CPU of one media node above 90 % for nine minutes, then back to 40 %.
for m in $(seq 0 12); do
	v=97
	((m >= 9)) && v=40
	printf '{"kind":"sample","time":"2026-11-02T09:%02d:00Z","customer":"acme","deployment":"acme-prod","node":"media_i-0a1b","metric":"node.cpu_load","value":%s}\n' \
		"$m" "$v"
done >samples.ndjson

# Example 1: the alarm stream.
run sh -c 'ovalarm --rules alarms.conf --state alarm.state samples.ndjson |
    ovticket --db tickets.db ingest'
is "$STATUS" 0 "example 1 exits 0"
is "$(jq -r '.action + " " + .channel' <<<"$OUT" | tr '\n' ',')" \
	"opened alarm,alarm_cleared ," "example 1 opens and clears a ticket"

# Example 2: a telephone call entered after the fact.
run sh -c 'id=$(ovticket --db tickets.db open --customer acme --severity critical \
    --summary "no video in any room" --at 2026-11-02T09:05:00Z |
    jq .ticket)
ovticket --db tickets.db ack "$id"
ovticket --db tickets.db worklog --minutes 45 "$id"'
is "$STATUS" 0 "example 2 exits 0"
is "$(jq -r '(.ticket | tostring) + " " + .action' <<<"$OUT" | tr '\n' ',')" \
	"2 acknowledged,2 worklog," "example 2 acts on the new ticket"

# Example 3: the SLA clocks.
run sh -c 'ovticket --db tickets.db export | ovsla status --customers customers.csv'
is "$STATUS" 0 "example 3 exits 0"
is "$(jq -r 'select(.kind == "sla") | .ticket' <<<"$OUT" | sort -u |
	tr '\n' ' ')" "1 2 " "example 3 writes SLA records of both tickets"

# Example 4: a copy of the database.
run sh -c 'ovticket --db tickets.db export | ovticket --db copy.db import >/dev/null'
is "$STATUS" 0 "example 4 exits 0"
cmp -s <(ovticket --db tickets.db export) <(ovticket --db copy.db export)
ok $? "example 4 copies every event"
done_testing
