#!/bin/bash
# An ingest killed with SIGKILL at any point leaves a database that passes
# integrity_check, with every ticket's state matching its events, and
# running the same ingest again completes it with no duplicates.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovticket
awk -v n=30000 -v fps=10000 -f "$F/gen-alarms.awk" >"$T/alarms.ndjson"
ovticket --db "$T/ref.db" ingest "$T/alarms.ndjson" >"$T/ref.out"
ovticket --db "$T/ref.db" export >"$T/ref.export"

consistent() { # consistent DB: prints what is wrong, nothing when all is well
	sqlite3 "$1" "
	SELECT 'ticket ' || id || ' has ' || events || ' events in its state'
	FROM tickets t WHERE events !=
		(SELECT count(*) FROM events e WHERE e.ticket = t.id);
	SELECT 'ticket ' || id || ' has no opened event' FROM tickets t
	WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket = t.id
		AND e.action = 'opened');
	SELECT 'event ' || id || ' of a missing ticket' FROM events e
	WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = e.ticket);"
}

# The kill lands wherever it lands: the checks below hold at any instant,
# also when the ingest finished before the signal.
for round in 1 2 3 4; do
	delay=$(printf '0.%02d' $((RANDOM % 60 + 5)))
	ovticket --db "$T/t.db" ingest "$T/alarms.ndjson" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	is "$(sqlite3 "$T/t.db" 'PRAGMA integrity_check')" ok \
		"round $round: integrity_check after SIGKILL at ${delay}s"
	is "$(consistent "$T/t.db")" "" "round $round: states match events"
done

run ovticket --db "$T/t.db" ingest "$T/alarms.ndjson"
is "$STATUS" 0 "ingest after the kills completes"
ovticket --db "$T/t.db" export >"$T/t.export"
cmp -s "$T/ref.export" "$T/t.export"
ok $? "database equals one uninterrupted ingest"
is "$(sqlite3 "$T/t.db" 'SELECT count(*) FROM events')" \
	"$(wc -l <"$T/ref.out")" "no event recorded twice"
run ovticket --db "$T/t.db" ingest "$T/alarms.ndjson"
is "$STATUS:$OUT" "0:" "one more run records nothing"
done_testing
