#!/bin/bash
# Benchmark of ovbill.  Not a test: it prints figures and never fails on
# them.
#
# 1. One million cluster.cores samples (50 deployments of 25 customers, one
#    sample a minute from 2026-11-01, plus as many node.cpu_load samples
#    that every tool must skip): ovbill, jq and Miller each compute the
#    core-minutes of every customer in alternating runs (ovbill and jq by
#    the max-per-minute rule, Miller as a sum of the values).  The three results are compared, then the medians,
#    the ratios and the peak memory are printed.  Goal: ovbill at least
#    15 times faster than jq 1.6 and Miller.
# 2. A month of one-minute samples for 200 deployments (8.64 million
#    lines): ovbill alone.  Goal: under 10 s and 16 MiB.
#
# BENCH_RUNS sets the number of alternating runs (default 3).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/bench.d/lib.sh
source "$top/scripts/bench.d/lib.sh"
export PATH="$top/build/bin:$PATH" OV_NO_PROGRESS=1
runs=${BENCH_RUNS:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovbill-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

for tool in jq mlr python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "ovbill bench: $tool not found; run scripts/install-deps" >&2
		exit 1
	fi
done

# generate DEPLOYMENTS MINUTES OTHER: writes samples from Madrid's
# 2026-11-01 00:00, one per deployment and minute, deployment i owned by
# customer i / 2, with OTHER = 1 adding a node.cpu_load sample to each.
generate() {
	python3 - "$@" <<'PY'
import sys, time
deployments, minutes, other = map(int, sys.argv[1:4])
start = 1793487600  # 2026-10-31T23:00:00Z
out = sys.stdout
sample = ('{"kind":"sample","time":"%s","customer":"c%03d",'
          '"deployment":"d%03d","node":"master","metric":"%s",'
          '"value":%s,"labels":{"status":"running"}}\n')
for m in range(minutes):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 60 * m))
    lines = []
    for d in range(deployments):
        cores = 4 + (d % 5) * 4 + (m // 600 % 3) * 2
        lines.append(sample % (stamp, d // 2, d, "cluster.cores", cores))
        if other:
            lines.append(sample % (stamp, d // 2, d, "node.cpu_load",
                                   "%d.5" % (m % 97)))
    out.write("".join(lines))
PY
}

customers() { # customers N: a customers.csv of c000 to c(N-1)
	echo "customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email"
	for ((i = 0; i < $1; i++)); do
		printf 'c%03d,Customer %d,24x7,2026-01-01,,,,c%d.example\n' "$i" "$i" "$i"
	done
}

echo "generating samples in $dir"
generate 50 20000 1 >"$dir/million.ndjson"
customers 25 >"$dir/customers.csv"

# The same computation in each tool, as a command writing
# "customer core-minutes" lines sorted by customer.
run_ovbill() {
	ovbill --month 2026-11 --customers "$dir/customers.csv" "$1" |
		jq -r 'select(.item == "core_minutes") | "\(.customer) \(.quantity)"'
}
# With jq 1.6, a reduce updating a nested object with "|=" took quadratic
# time on this input (measured: 100,000 lines 28 s, 200,000 lines 100 s).
# A plain "=" on a flat object runs in linear time.
run_jq() {
	jq -n -r 'reduce (inputs | select(.kind == "sample" and
		.metric == "cluster.cores") |
		[.customer + " " + .deployment + " " + .time[0:16], .value])
		as [$k, $v] ({}; .[$k] = ([.[$k], $v] | max))
		| to_entries | group_by(.key | split(" ")[0])[]
		| "\(.[0].key | split(" ")[0]) \(map(.value) | add)"' "$1"
}
# Miller 6.6 grouping by deployment and minute (stats1 -a max -g
# customer,deployment,minute) peaked at 10 GB on this input, so it sums the
# values per customer instead.  With one sample per deployment and minute
# in this input, both give the same core-minutes; the comparison below
# checks that.
run_mlr() {
	mlr --ijsonl --onidx --ofs ' ' \
		filter '$kind == "sample" && $metric == "cluster.cores"' \
		then stats1 -a sum -f value -g customer \
		then sort -f customer "$1"
}

run_ovbill "$dir/million.ndjson" >"$dir/ovbill.out"
run_jq "$dir/million.ndjson" >"$dir/jq.out"
run_mlr "$dir/million.ndjson" >"$dir/mlr.out"
if cmp -s "$dir/ovbill.out" "$dir/jq.out" &&
	cmp -s "$dir/ovbill.out" "$dir/mlr.out"; then
	echo "results: ovbill, jq and mlr agree ($(wc -l <"$dir/ovbill.out") customers)"
else
	echo "results differ:"
	diff "$dir/ovbill.out" "$dir/jq.out" | head -5
	diff "$dir/ovbill.out" "$dir/mlr.out" | head -5
fi

# The timed commands write to /dev/null through measure(); ovbill is timed
# alone, without the jq that formats its output above.
declare -A times peaks
for ((r = 1; r <= runs; r++)); do
	measure "ovbill (run $r)" ovbill --month 2026-11 \
		--customers "$dir/customers.csv" "$dir/million.ndjson"
	record_run ovbill
	measure_tool jq "$r" "$dir/million.ndjson"
	measure_tool mlr "$r" "$dir/million.ndjson"
done

echo
echo "1,000,000 cluster.cores samples + 1,000,000 other samples, $runs runs:"
compare_tools ovbill jq mlr
echo "goal: jq and mlr at least 15x ovbill"

echo
echo "a month of one-minute samples for 200 deployments:"
generate 200 43200 0 >"$dir/month.ndjson"
customers 100 >"$dir/customers.csv"
printf 'lines    %d\n' "$(wc -l <"$dir/month.ndjson")"
rm -f "$dir/million.ndjson"
measure "ovbill" ovbill --month 2026-11 --customers "$dir/customers.csv" \
	"$dir/month.ndjson"
echo "goal: under 10 s and 16384 KiB"
