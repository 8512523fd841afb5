#!/bin/bash
# The PostgreSQL ticket store on a throwaway server: the ovticket tests that
# do not depend on SQLite files (30-32, 34, 35, 38) run again on it, then the
# PostgreSQL cases of their own: a URI with a password, schema versions,
# the append-only events, and notify on several hosts sending each entry
# once.  33, 36 and 37 test SQLite files (corrupt, full, read-only, the
# man page's tickets.db) and stay SQLite-only.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

if ! pg_bindir >/dev/null; then
	echo "1..0 # SKIP PostgreSQL server not installed (apt-get install postgresql)"
	exit 0
fi
pg_start
ok $? "throwaway PostgreSQL server started" || exit 1

for t in 30-ovticket-ingest 31-ovticket-commands 32-ovticket-list-export \
	34-ovticket-concurrency 35-ovticket-crash 38-ovticket-mutations; do
	bash "$TOP/tests/$t.t" >"$T/$t.tap" 2>&1
	status=$?
	is "$status $(grep -c '^not ok' "$T/$t.tap")" "0 0" \
		"$t passes on PostgreSQL"
	[ "$status" = 0 ] || sed 's/^/# /' "$T/$t.tap" | grep -v '^# ok'
done

# A password in the URI: rejected before any connection, never printed.
run ovticket --db "postgresql://postgres:hunter2@127.0.0.1:1/x" list
is "$STATUS" 2 "URI with a password: usage error"
like "$ERR" "contains a password; remove it and set PGPASSWORD" \
	"URI with a password: message says what to do"
unlike "$ERR$OUT" "hunter2" "URI with a password: password never printed"
run ovticket --db "postgres://postgres@127.0.0.1:1/x?password=hunter2" list
is "$STATUS" 2 "password as a URI parameter: usage error"
unlike "$ERR$OUT" "hunter2" "password parameter never printed"
run ovticket --db "postgresql://[::1" list
is "$STATUS" 2 "malformed URI: usage error"

# A server that is not there, and a database without tickets.
run ovticket --db "postgresql://postgres@127.0.0.1:$(free_port)/x" list
is "$STATUS" 3 "no server: exit 3"
like "$ERR" "cannot connect" "no server: message"
DB=$(test_db t)
run ovticket --db "$DB" list
is "$STATUS" 3 "empty database: list exits 3"
like "$ERR" "no ticket tables in this database" "empty database: message"

# Schema: created on first write, versioned, events append-only.
run ovticket --db "$DB" open --customer acme --severity normal --summary s
is "$STATUS" 0 "open creates the tables"
is "$(db_sql "$DB" 'SELECT version FROM schema_version')" 3 \
	"schema_version is 3"
like "$(db_sql "$DB" 'UPDATE events SET text = 1')" "append-only" \
	"events cannot be updated"
like "$(db_sql "$DB" 'DELETE FROM events')" "append-only" \
	"events cannot be deleted"
like "$(db_sql "$DB" "INSERT INTO tickets (customer, severity, channel,
	summary, fingerprint, state, is_open, opened, updated) VALUES
	('a', 'normal', 'alarm', 's', 'f', 'new', 1, 0, 0), ('a', 'normal',
	'alarm', 's', 'f', 'new', 1, 0, 0)")" "duplicate key" \
	"second open ticket per fingerprint rejected"

# A database of schema version 1 (no outbox) is migrated on first use.
db_sql "$DB" 'DROP TABLE outbox; UPDATE schema_version SET version = 1' \
	>/dev/null
run ovticket --db "$DB" -v list
is "$STATUS" 0 "version 1 database: list exits 0"
like "$ERR" "migrating schema from version 1 to 2" "migration announced"
is "$(db_sql "$DB" 'SELECT version FROM schema_version')" 3 \
	"migrated to schema version 3"
is "$(db_sql "$DB" 'SELECT count(*) FROM outbox')" 0 "outbox table created"
is "$(jq -r .summary <<<"$OUT")" s "ticket kept by the migration"
db_sql "$DB" 'UPDATE schema_version SET version = 99' >/dev/null
run ovticket --db "$DB" list
is "$STATUS" 3 "newer schema: exit 3"
like "$ERR" "schema version 99 is newer than this ovticket supports" \
	"newer schema: message"

# Import keeps ticket numbers, and new tickets continue after them.
DB=$(test_db import)
printf '%s\n' \
	'{"kind":"ticket","time":"2026-11-02T09:00:00Z","ticket":41,"action":"opened","customer":"acme","severity":"normal","channel":"phone","summary":"s","by":"eng"}' |
	ovticket --db "$DB" import >/dev/null
run ovticket --db "$DB" open --customer acme --severity normal --summary t
is "$(jq -r .ticket <<<"$OUT")" 42 "a new ticket after an import gets 42"

# A duplicate is found before its ticket is inserted: PostgreSQL would not
# reuse the number of a rolled-back insert.
DB=$(test_db dup)
printf '%s\n' "From: ops@initech.example" "Subject: dup" \
	"Message-ID: <dup-1@initech.example>" "" "text" >"$T/dup.eml"
for i in 1 2 3; do
	ovticket --db "$DB" mail --customers \
		"$TOP/tests/fixtures/ovticket-channels/customers.csv" \
		<"$T/dup.eml" >/dev/null
done
run ovticket --db "$DB" open --customer acme --severity normal --summary n
is "$(jq -r .ticket <<<"$OUT")" 2 "no number lost to duplicate messages"

# notify on three hosts at once: every outbox entry sent exactly once.
F=$TOP/tests/fixtures/ovticket-channels
DB=$(test_db notify)
P=$(free_port)
mkdir "$T/hook"
/usr/bin/python3 -u "$F/webhook.py" "$P" "$T/hook" >"$T/hook.log" 2>&1 &
cleanup "stop_pid $!"
wait_for grep -q ready "$T/hook.log"
printf '[route chat]\nwebhook = http://127.0.0.1:%s/hooks/x\nactions = opened\n' \
	"$P" >"$T/notify.conf"
for ((k = 0; k < 60; k++)); do
	ovticket --db "$DB" open --customer "c$k" --severity normal \
		--summary "call $k" --at 2026-11-02T09:00:00Z
done >"$T/opened.ndjson"
pids=()
for h in 1 2 3; do
	ovticket --db "$DB" notify --config "$T/notify.conf" \
		--now 2026-11-02T09:01:00Z "$T/opened.ndjson" \
		>"$T/notify.$h" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=$((failed + 1))
done
is "$failed" 0 "three notify processes exit 0"
[ "$failed" = 0 ] || sed 's/^/# /' "$T"/notify.?
is "$(wc -l <"$T/hook/received.ndjson")" 60 "60 messages received"
is "$(jq -r .text "$T/hook/received.ndjson" | grep -o '^\[#[0-9]*\]' |
	sort -u | wc -l)" 60 "each ticket announced once"
is "$(db_sql "$DB" 'SELECT count(*) FROM outbox WHERE sent_at IS NULL')" \
	0 "nothing left unsent"
done_testing
