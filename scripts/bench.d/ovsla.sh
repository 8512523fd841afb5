#!/bin/bash
# Benchmark of ovsla.  Not a test: it prints figures and never fails on
# them.
#
# 100,000 tickets with 10 events each (1 million ticket records, opened
# through 2026 for 200 customers on both plans, each ticket's events
# written in time order but tickets interleaved), generated with a fixed
# seed; then `ovsla status` as of 2026-12-01.  Goal: under 3 s.
#
# BENCH_RUNS sets the number of runs (default 3).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/bench.d/lib.sh
source "$top/scripts/bench.d/lib.sh"
export PATH="$top/build/bin:$PATH" OV_NO_PROGRESS=1
runs=${BENCH_RUNS:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovsla-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# Customers c0..c199: even numbers on 24x7, odd ones on nbd.
{
	echo "customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email"
	for ((i = 0; i < 200; i++)); do
		plan=24x7
		((i % 2)) && plan=nbd
		echo "c$i,Customer $i,$plan,2026-01-01,,50.00,,c$i.example"
	done
} >"$dir/customers.csv"

awk -v tickets=100000 -f "$top/scripts/bench.d/tickets.awk" \
	>"$dir/tickets.ndjson"
printf '%-40s %8d lines %6d MiB\n' "input" "$(wc -l <"$dir/tickets.ndjson")" \
	$(($(stat -c %s "$dir/tickets.ndjson") / 1048576))

median_of "$runs" "ovsla status (100k tickets, 1M events)" \
	ovsla -q --customers "$dir/customers.csv" --now 2026-12-01T00:00:00Z \
	"$dir/tickets.ndjson"
awk -v m="$MEDIAN" 'BEGIN { printf "%-40s %s\n", "goal: under 3 s", (m < 3 ? "met" : "NOT met") }'
# CPU time too, because on a busy machine the elapsed time measures the
# other processes as well.
/usr/bin/time -f '%U %S' -o "$dir/cpu" ovsla -q --customers \
	"$dir/customers.csv" --now 2026-12-01T00:00:00Z "$dir/tickets.ndjson" \
	>/dev/null
awk '{ printf "%-40s %8.2f s (user %.2f, system %.2f)\n", "CPU time, one run",
	$1 + $2, $1, $2 }' "$dir/cpu"
ovsla -q --customers "$dir/customers.csv" --now 2026-12-01T00:00:00Z \
	"$dir/tickets.ndjson" | wc -l | awk '{ printf "%-40s %8d\n", "sla records", $1 }'
