#!/bin/bash
# Benchmark of ovticket.  Not a test: it prints figures and never fails on
# them.
#
# 1. ingest of 100,000 firing alarms with distinct fingerprints into an
#    empty database, opening 100,000 tickets.  Goal: under 10 s.
# 2. list over those 100,000 tickets, records into a pipe.  Goal: under
#    0.5 s.
# 3. export of their 100,000 events, and import of that export into an
#    empty database.
# 4. ingest of 100,000 mixed transitions (25,000 fingerprints that fire,
#    clear, fire again and clear) into an empty database, then the same
#    input again, where every transition is a duplicate.
# 5. export of a million events of 100,000 tickets (scripts/bench.d/
#    tickets.awk), imported in time order.  Goal: at least 1.5 million
#    events/s.
#
# BENCH_RUNS sets the number of runs of each step (default 3); the median
# is printed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/bench.d/lib.sh
source "$top/scripts/bench.d/lib.sh"
export PATH="$top/build/bin:$PATH" OV_NO_PROGRESS=1
runs=${BENCH_RUNS:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovticket-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
gen=$top/tests/fixtures/ovticket/gen-alarms.awk

awk -v n=100000 -v fps=100000 -f "$gen" >"$dir/firing.ndjson"
awk -v n=100000 -v fps=25000 -f "$gen" >"$dir/mixed.ndjson"

# fresh_ingest DB INPUT: ingest into a new database (a command, not a
# function, since /usr/bin/time runs it).
fresh_ingest=(sh -c 'rm -f "$1" "$1-wal" "$1-shm" && exec ovticket --db "$1" \
	ingest "$2"' fresh_ingest)

goal() { # goal SECONDS LIMIT: prints whether the median met the goal
	awk -v s="$1" -v l="$2" 'BEGIN { printf "  goal < %s s: %s\n", l,
		s < l ? "met" : "missed" }'
}

median_of "$runs" "ingest 100k firing alarms" "${fresh_ingest[@]}" "$dir/t.db" \
	"$dir/firing.ndjson"
goal "$MEDIAN" 10
echo "  tickets: $(ovticket --db "$dir/t.db" list | wc -l)"
median_of "$runs" "list 100k tickets (pipe)" ovticket --db "$dir/t.db" list
goal "$MEDIAN" 0.5
median_of "$runs" "list --open --customer (pipe)" ovticket --db "$dir/t.db" \
	list --open --customer cust3
median_of "$runs" "export 100k events" ovticket --db "$dir/t.db" export
ovticket --db "$dir/t.db" export >"$dir/export.ndjson"
fresh_import=(sh -c 'rm -f "$1" "$1-wal" "$1-shm" && exec ovticket --db "$1" \
	import "$2"' fresh_import)
median_of "$runs" "import 100k events" "${fresh_import[@]}" "$dir/i.db" \
	"$dir/export.ndjson"
median_of "$runs" "ingest 100k mixed transitions" "${fresh_ingest[@]}" \
	"$dir/m.db" \
	"$dir/mixed.ndjson"
goal "$MEDIAN" 10
median_of "$runs" "ingest 100k duplicates" ovticket --db "$dir/m.db" ingest \
	"$dir/mixed.ndjson"

# A million events of 100,000 tickets, imported in time order as a
# database that ingest filled over the year would hold them, then exported.
awk -v tickets=100000 -f "$top/scripts/bench.d/tickets.awk" |
	sort -s -t'"' -k8,8 >"$dir/year.ndjson"
measure "import 1M events in time order" "${fresh_import[@]}" "$dir/y.db" \
	"$dir/year.ndjson"
median_of "$runs" "export 1M events" ovticket --db "$dir/y.db" export
awk -v s="$MEDIAN" -v n="$(ovticket --db "$dir/y.db" export | wc -l)" \
	'BEGIN { printf "  %d events, %.2f million events/s\n", n,
		(s > 0 ? n / s / 1e6 : 0) }'
