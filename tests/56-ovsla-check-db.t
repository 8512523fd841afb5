#!/bin/bash
# ovsla check --db: the state kept in the table sla_check_state of a SQLite
# file, then of a PostgreSQL database on a throwaway server, where four
# hosts running the same check at once report each breach once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovsla
C=(--customers "$F/customers.csv")

# check_at DB NOW: one cron run; prints "ticket target state" lines.
check_at() {
	run ovsla check -q "${C[@]}" --db "$1" --now "$2" "$F/unacked.ndjson"
	CHANGES=$(printf '%s\n' "$OUT" | jq -r 'select(.kind == "sla") |
		"\(.ticket) \(.target) \(.state)"')
}

# sequence DB NAME: the runs of 51-ovsla-check.t, with the state in DB.
sequence() {
	local db=$1 name=$2
	check_at "$db" 2026-11-03T12:00:00Z
	is "$STATUS:$CHANGES" "0:" "$name: first run reports nothing"
	check_at "$db" 2026-11-03T13:00:00Z
	is "$CHANGES" "80 reaction at_risk" "$name: at_risk reported"
	check_at "$db" 2026-11-03T13:00:00Z
	is "$STATUS:$CHANGES" "0:" "$name: same run again reports nothing"
	check_at "$db" 2026-11-03T14:00:01Z
	is "$CHANGES" "80 reaction breached" "$name: breach reported"
	check_at "$db" 2026-11-03T14:05:00Z
	is "$CHANGES" "" "$name: breach not reported twice"
	is "$(db_sql "$db" "SELECT ticket || ' ' || target || ' ' || state
		FROM sla_check_state WHERE target = 'reaction'")" \
		"80 reaction breached" "$name: state row in sla_check_state"
}

sequence "$T/sla.db" SQLite

run ovsla check -q "${C[@]}" --db "$T/sla.db" --state "$T/s" /dev/null
is "$STATUS" 2 "--db with --state: usage error"
run ovsla status -q "${C[@]}" --db "$T/sla.db" /dev/null
is "$STATUS" 2 "--db without check: usage error"
run ovsla check -q "${C[@]}" --db "postgresql://u:hunter2@127.0.0.1/x" \
	/dev/null
is "$STATUS" 2 "URI with a password: usage error"
unlike "$ERR" "hunter2" "URI with a password: password not printed"
run ovsla check -q "${C[@]}" --db "$T/nodir/sla.db" /dev/null
is "$STATUS" 3 "database that cannot be created: exit 3"

if ! pg_bindir >/dev/null; then
	echo "# SKIP PostgreSQL server not installed (apt-get install postgresql)"
	done_testing
	exit
fi
pg_start
ok $? "throwaway PostgreSQL server started" || exit 1
sequence "$(test_db seq)" PostgreSQL

# Four hosts at the breach, all at once: one of them reports it.
DB=$(test_db hosts)
check_at "$DB" 2026-11-03T13:00:00Z
pids=()
for h in 1 2 3 4; do
	ovsla check -q "${C[@]}" --db "$DB" --now 2026-11-03T14:00:01Z \
		"$F/unacked.ndjson" >"$T/host.$h" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=$((failed + 1))
done
is "$failed" 0 "four hosts exit 0"
is "$(cat "$T"/host.? | jq -r 'select(.state == "breached") | .ticket')" \
	80 "breach reported by one host only"
done_testing
