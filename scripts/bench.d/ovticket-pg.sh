#!/bin/bash
# Benchmark of the PostgreSQL ticket store.  Not a test: it prints figures
# and never fails on them.
#
# 8 ovticket ingest processes at once write 100,000 alarm transitions
# (25,000 fingerprints that fire, clear, fire again and clear) into one
# database on a throwaway server.  Each fingerprint is in the slices of two
# processes, so every transition arrives twice and half the work is
# duplicates.  Prints the wall time and throughput, then proves with SQL
# that no fingerprint has two open tickets, that no transition was recorded
# twice, and that the tickets are those of one SQLite run alone.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# The test helpers start and stop the server (pg_start, cleanup on exit).
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"
# shellcheck source=tests/ovticket-db.sh
source "$top/tests/ovticket-db.sh"
export PATH="$top/build/bin:$PATH" OV_NO_PROGRESS=1
procs=8

if ! pg_bindir >/dev/null; then
	echo "PostgreSQL server not installed (apt-get install postgresql)"
	exit 0
fi
pg_start || { echo "cannot start PostgreSQL"; exit 1; }
awk -v n=100000 -v fps=25000 -f "$top/tests/fixtures/ovticket/gen-alarms.awk" \
	>"$T/all.ndjson"
# Slice i: the fingerprints whose number modulo 8 is i or i + 1.
awk -v procs=$procs '{
	match($0, /"fp[0-9]+"/)
	n = substr($0, RSTART + 3, RLENGTH - 4) + 0
	print > (dir "/slice" (n % procs) ".ndjson")
	print > (dir "/slice" ((n + 1) % procs) ".ndjson")
}' dir="$T" "$T/all.ndjson"

db=$(test_db bench)
ovticket --db "$db" ingest </dev/null >/dev/null	# creates the tables
start=$(date +%s.%N)
pids=()
for ((i = 0; i < procs; i++)); do
	ovticket --db "$db" ingest "$T/slice$i.ndjson" >/dev/null \
		2>"$T/err$i" &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=$((failed + 1))
done
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v p=$procs 'BEGIN {
	t = e - s
	printf "%d processes, 100000 transitions (200000 lines)   %8.2f s\n", p, t
	printf "throughput: %d transitions/s, %d lines/s\n", 100000 / t, 200000 / t
}'
echo "processes that failed: $failed"

echo "fingerprints with two open tickets: $(db_sql "$db" "SELECT count(*)
	FROM (SELECT fingerprint FROM tickets WHERE is_open = 1
	GROUP BY fingerprint HAVING count(*) > 1) d")"
echo "transitions recorded twice: $(db_sql "$db" "SELECT count(*)
	FROM (SELECT alarm_key FROM events WHERE alarm_key IS NOT NULL
	GROUP BY alarm_key HAVING count(*) > 1) d")"
ovticket --db "$T/ref.db" ingest "$T/all.ndjson" >/dev/null
echo "tickets: $(db_sql "$db" 'SELECT count(*) FROM tickets')" \
	"(one SQLite process alone: $(db_sql "$T/ref.db" \
	'SELECT count(*) FROM tickets'))"
echo "events: $(db_sql "$db" 'SELECT count(*) FROM events')" \
	"(one SQLite process alone: $(db_sql "$T/ref.db" \
	'SELECT count(*) FROM events'))"
