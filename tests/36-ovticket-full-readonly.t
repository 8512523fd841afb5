#!/bin/bash
# A full disk (a file size limit) or a read-only database gives a clear
# error, exit status 3, no ticket record on the output, and no partial
# ticket in the database.  chmod would not stop root, so the tests use
# `ulimit -f` and SQLite's read-only open instead.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovticket
export OV_DB=$T/t.db
awk -v n=20000 -v fps=8000 -f "$F/gen-alarms.awk" >"$T/alarms.ndjson"
ovticket open --customer acme --severity normal --summary first \
	--at 2026-11-01T10:00:00Z >/dev/null
ovticket --db "$T/ref.db" open --customer acme --severity normal \
	--summary first --at 2026-11-01T10:00:00Z >/dev/null
ovticket --db "$T/ref.db" ingest "$T/alarms.ndjson" >/dev/null

consistent() { # consistent DB: prints what is wrong, nothing when all is well
	sqlite3 "$1" "
	SELECT 'ticket ' || id || ' has ' || events || ' events in its state'
	FROM tickets t WHERE events !=
		(SELECT count(*) FROM events e WHERE e.ticket = t.id);
	SELECT 'ticket ' || id || ' has no opened event' FROM tickets t
	WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket = t.id
		AND e.action = 'opened');"
}

# A file size limit of 2 MiB: the ingest runs out of room part-way.
(
	ulimit -f 2048
	ovticket ingest "$T/alarms.ndjson" >"$T/full.out" 2>"$T/full.err"
	echo $? >"$T/full.status"
)
is "$(cat "$T/full.status")" 3 "file size limit: exit 3"
like "$(cat "$T/full.err")" "t.db: .*(disk|full|I/O)" "file size limit: message names the database"
is "$(sqlite3 "$OV_DB" 'PRAGMA integrity_check')" ok "integrity_check after the limit"
is "$(consistent "$OV_DB")" "" "no partial ticket after the limit"
is "$(wc -l <"$T/full.out")" \
	"$(($(sqlite3 "$OV_DB" 'SELECT count(*) FROM events') - 1))" \
	"output holds exactly the committed events"
run ovticket ingest "$T/alarms.ndjson"
is "$STATUS" 0 "ingest without the limit completes"
cmp -s <(ovticket export) <(ovticket --db "$T/ref.db" export)
ok $? "completed database equals one uninterrupted ingest"

# One command past the limit records nothing.
before=$(ovticket export | wc -l)
(
	ulimit -f 1
	ovticket open --customer acme --severity critical --summary lost \
		>"$T/one.out" 2>"$T/one.err"
	echo $? >"$T/one.status"
)
is "$(cat "$T/one.status")" 3 "open past the limit: exit 3"
is "$(cat "$T/one.out")" "" "open past the limit writes no record"
is "$(ovticket export | wc -l)" "$before" "open past the limit recorded nothing"
is "$(consistent "$OV_DB")" "" "no partial ticket after a failed open"

# A read-only database: reads work, writes fail with exit 3.
ro="file:$OV_DB?mode=ro"
run ovticket --db "$ro" list --open
is "$STATUS" 0 "read-only database: list works"
run ovticket --db "$ro" ack 1
is "$STATUS" 3 "read-only database: ack exits 3"
is "$OUT" "" "read-only database: no record written"
like "$ERR" "readonly database" "read-only database: message says so"
run ovticket --db "$ro" ingest "$F/alarms.ndjson"
is "$STATUS" 3 "read-only database: ingest exits 3"
is "$(ovticket export | wc -l)" "$before" "read-only database: nothing recorded"

# A write error on standard output is exit 3 as well.
if [ -w /dev/full ]; then
	ovticket export >/dev/full 2>"$T/stdout.err"
	is "$?" 3 "write error on standard output: exit 3"
	like "$(cat "$T/stdout.err")" "write error on standard output" \
		"write error on standard output: message"
fi
done_testing
