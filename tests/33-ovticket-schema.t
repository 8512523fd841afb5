#!/bin/bash
# ovticket's database: schema versions and migration, databases it must
# refuse, WAL mode, and the append-only event table.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovticket
q() { sqlite3 "$@" 2>&1; }

# An old database (schema 1) opens and is migrated.
sqlite3 "$T/old.db" <"$F/schema-v1.sql"
is "$(q "$T/old.db" 'PRAGMA user_version')" 1 "fixture has schema version 1"
run ovticket --db "$T/old.db" export
is "$STATUS" 0 "old database opens"
is "$OUT" '{"kind":"ticket","time":"2026-11-02T09:20:00Z","ticket":7,"action":"opened","customer":"acme","deployment":"acme-prod","severity":"critical","channel":"alarm","summary":"cpu high","fingerprint":"fp7","by":"ovalarm"}' \
	"old database's events exported"
is "$(q "$T/old.db" 'PRAGMA user_version')" 3 "migrated to schema version 3"
is "$(q "$T/old.db" "SELECT name FROM sqlite_master WHERE name = 'outbox'")" \
	outbox "migration added the outbox"
is "$(q "$T/old.db" 'PRAGMA journal_mode')" wal "database in WAL mode"
printf '%s\n' '{"kind":"alarm","time":"2026-11-02T09:20:00Z","customer":"acme","severity":"critical","state":"firing","fingerprint":"fp7"}' \
	'{"kind":"alarm","time":"2026-11-02T09:30:00Z","state":"resolved","fingerprint":"fp7"}' \
	>"$T/fp7.ndjson"
run ovticket --db "$T/old.db" ingest "$T/fp7.ndjson"
is "$OUT" '{"kind":"ticket","time":"2026-11-02T09:30:00Z","ticket":7,"action":"alarm_cleared","fingerprint":"fp7"}' \
	"migrated database keeps its idempotence keys"
is "$(q "$T/old.db" 'PRAGMA integrity_check')" ok "migrated database passes integrity_check"

# A read-only old database cannot be migrated.
sqlite3 "$T/old2.db" <"$F/schema-v1.sql"
run ovticket --db "file:$T/old2.db?mode=ro" list
is "$STATUS" 3 "read-only database needing a migration: exit 3"
like "$ERR" "needs a migration to 3" "read-only migration message"

# A newer database is refused.
sqlite3 "$T/new.db" 'PRAGMA user_version = 99'
run ovticket --db "$T/new.db" list
is "$STATUS" 3 "newer schema: exit 3"
like "$ERR" "new.db: database schema version 99 is newer than this ovticket supports \(3\); use a newer ovticket" \
	"newer schema message"
run ovticket --db "$T/new.db" ingest </dev/null
is "$STATUS" 3 "newer schema refused by ingest too"
is "$(q "$T/new.db" 'PRAGMA user_version')" 99 "newer database left unchanged"

# Files that are not databases.
echo "this is not a database at all, just some text" >"$T/text.db"
run ovticket --db "$T/text.db" list
is "$STATUS" 3 "text file: exit 3"
like "$ERR" "text.db: .*not a database" "text file message"
mkdir "$T/dir.db"
run ovticket --db "$T/dir.db" open --customer a --severity normal --summary s
is "$STATUS" 3 "directory: exit 3"
run ovticket --db "$T/missing.db" list
is "$STATUS" 3 "list of a missing database: exit 3"
like "$ERR" "missing.db: database not found" "missing database message"
[ ! -e "$T/missing.db" ]
ok $? "list does not create a database"
run ovticket --db "$T/missing.db" export
is "$STATUS" 3 "export of a missing database: exit 3"
run ovticket --db "$T/nodir/x.db" open --customer a --severity normal --summary s
is "$STATUS" 3 "database in a missing folder: exit 3"

# A new database through OV_DB, and the append-only event table.
OV_DB=$T/t.db ovticket open --customer acme --severity normal --summary s \
	--at 2026-11-02T10:00:00Z >/dev/null
ok $? "OV_DB names the database"
like "$(q "$T/t.db" 'UPDATE events SET text = 1')" "append-only" \
	"events cannot be updated"
like "$(q "$T/t.db" 'DELETE FROM events')" "append-only" \
	"events cannot be deleted"
is "$(q "$T/t.db" 'SELECT count(*) FROM events')" 1 "event still there"
is "$(q "$T/t.db" "INSERT INTO tickets (customer, severity, channel,
	summary, state, is_open, opened, updated) VALUES ('a', 'urgent',
	'phone', 's', 'new', 1, 0, 0)" | grep -c CHECK)" 1 \
	"severity checked by the schema"
run ovticket --db "$T/t.db" --db "$T/t.db" list
is "$STATUS" 0 "--db before the command"
run ovticket list --db "$T/t.db"
is "$STATUS" 0 "--db after the command"
done_testing
