#!/bin/bash
# Thousands of malformed alarm and ticket records (fixed seeds, so every
# run sees the same input) through ingest and import: no crash, exit
# status 0 or 1, every bad line reported, and a consistent database.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket
OV_DB=$(test_db t) || exit 1
export OV_DB
COPY=$(test_db copy) || exit 1
ovticket ingest "$F/alarms.ndjson" >/dev/null 2>&1
ovticket export >"$T/tickets.ndjson"
cat "$F/alarms.ndjson" "$T/tickets.ndjson" >"$T/seed.ndjson"

consistent() { # consistent DB: prints what is wrong, nothing when all is well
	db_sql "$1" "
	SELECT 'ticket ' || id || ' has ' || events || ' events in its state'
	FROM tickets t WHERE events !=
		(SELECT count(*) FROM events e WHERE e.ticket = t.id)
	UNION ALL
	SELECT 'ticket ' || id || ' has no opened event' FROM tickets t
	WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket = t.id
		AND e.action = 'opened');"
}

for seed in 1 2 3; do
	/usr/bin/python3 "$F/mutate.py" "$seed" 1500 <"$T/seed.ndjson" \
		>"$T/mutated$seed.ndjson"
	for cmd in ingest import; do
		ovticket "$cmd" --rejects "$T/rejects.$cmd$seed" \
			"$T/mutated$seed.ndjson" >"$T/out" 2>"$T/err"
		status=$?
		ok $((status > 1)) "$cmd seed $seed: exit status $status is 0 or 1"
		# wc, not grep: grep may read a NUL byte as the end of a line.
		touch "$T/rejects.$cmd$seed"
		is "$(wc -l <"$T/err")" "$(wc -l <"$T/rejects.$cmd$seed")" \
			"$cmd seed $seed: one message per rejected line"
		unlike "$(cat "$T/err")" "Segmentation|Aborted|sanitizer" \
			"$cmd seed $seed: no crash"
		is "$(jq -r .kind "$T/out" 2>&1 | sort -u | tr '\n' ' ')" \
			"$([ -s "$T/out" ] && echo 'ticket ')" \
			"$cmd seed $seed: output is ticket records only"
	done
	is "$(db_integrity "$OV_DB")" ok \
		"seed $seed: integrity_check"
	is "$(consistent "$OV_DB")" "" "seed $seed: states match events"
done

# The database still works and exports valid records.
run ovticket export
is "$STATUS" 0 "export after the mutations"
is "$(jq -r .kind <<<"$OUT" | sort -u)" ticket "export is valid JSON records"
run ovticket --db "$COPY" import <<<"$OUT"
is "$STATUS" 0 "export after the mutations imports cleanly"
done_testing
