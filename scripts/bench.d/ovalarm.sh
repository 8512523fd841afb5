#!/bin/bash
# Benchmark of ovalarm.  Not a test: it prints figures and never fails on
# them.
#
# One million samples (100 deployments, 13 metrics per deployment and
# minute with two media nodes, generated with a fixed seed; about one CPU
# sample in 400 is a one-minute spike to 95 %):
# 1. a one-rule threshold filter (node.cpu_load > 90): ovalarm, jq and
#    Miller select the same samples, in alternating runs; the counts are
#    compared, then medians, ratios and peak memory are printed.  Goal:
#    ovalarm at least 10 times faster than jq 1.6.
# 2. the shipped default rules.  Goal: at least 1.5 million samples/s.
# 3. the default rules on ten times the input (the same series over ten
#    times as long).  Goal: the same peak memory.
#
# BENCH_RUNS sets the number of alternating runs (default 3).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/bench.d/lib.sh
source "$top/scripts/bench.d/lib.sh"
export PATH="$top/build/bin:$PATH" OV_NO_PROGRESS=1
runs=${BENCH_RUNS:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovalarm-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

for tool in jq mlr python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "ovalarm bench: $tool not found; run scripts/install-deps" >&2
		exit 1
	fi
done

# generate LINES: 100 deployments, 13 samples per deployment and minute,
# cut at LINES lines.
generate() {
	python3 - "$1" <<'PY'
import random, sys, time
limit = int(sys.argv[1])
minutes = limit // 1300 + 1
rng = random.Random(20261204)
start = 1793610000  # 2026-11-02T09:00:00Z
head = ('{"kind":"sample","time":"%s","customer":"c%02d",'
        '"deployment":"d%03d",')
out = sys.stdout
for m in range(minutes):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 60 * m))
    lines = []
    for d in range(100):
        h = head % (stamp, d // 4, d)
        def s(metric, value, rest=""):
            lines.append('%s"metric":"%s","value":%s%s}\n'
                         % (h, metric, value, rest))
        s("up", 1)
        s("scrape.duration_seconds", "0.%03d" % rng.randrange(1000))
        s("health.up", 1, ',"labels":{"status":"UP"}')
        s("cluster.cores", 20)
        s("cluster.media_nodes_running", 2)
        s("connections.active", 40 + rng.randrange(10))
        s("sessions.active", 8)
        s("config.webhook_active", 1)
        s("tls.cert_expiry_days", "%.2f" % (60 - m / 1440))
        for n in range(2):
            node = '"node":"media_d%03d_%d",' % (d, n)
            cpu = 95 if rng.randrange(400) == 0 else 20 + rng.randrange(50)
            lines.append('%s%s"metric":"node.cpu_load","value":%d,'
                         '"labels":{"status":"running"}}\n' % (h, node, cpu))
            lines.append('%s%s"metric":"node.connected","value":1}\n'
                         % (h, node))
    if limit < len(lines):
        out.write("".join(lines[:limit]))
        break
    out.write("".join(lines))
    limit -= len(lines)
PY
}

echo "generating samples in $dir"
generate 1000000 >"$dir/million.ndjson"
printf 'lines    %d\n' "$(wc -l <"$dir/million.ndjson")"
printf 'rule cpu\n\twhen node.cpu_load > 90\n' >"$dir/one.conf"

run_ovalarm() {
	ovalarm --rules "$dir/one.conf" "$1"
}
run_jq() {
	jq -c 'select(.kind == "sample" and .metric == "node.cpu_load" and
		.value > 90)' "$1"
}
run_mlr() {
	mlr --ijsonl --ojsonl filter \
		'$kind == "sample" && $metric == "node.cpu_load" && $value > 90' "$1"
}

# Each spike is one sample, so ovalarm fires once for each sample jq and
# Miller select.
a=$(run_ovalarm "$dir/million.ndjson" | grep -c '"state":"firing"')
j=$(run_jq "$dir/million.ndjson" | wc -l)
m=$(run_mlr "$dir/million.ndjson" | wc -l)
if [ "$a" = "$j" ] && [ "$a" = "$m" ]; then
	echo "results: ovalarm, jq and mlr agree ($a samples over 90)"
else
	echo "results differ: ovalarm $a, jq $j, mlr $m"
fi

declare -A times peaks
for ((r = 1; r <= runs; r++)); do
	for tool in ovalarm jq mlr; do
		measure_tool "$tool" "$r" "$dir/million.ndjson"
	done
	measure "ovalarm default rules (run $r)" ovalarm "$dir/million.ndjson"
	record_run default
done

echo
echo "one-rule threshold filter over 1,000,000 samples, $runs runs:"
compare_tools ovalarm jq mlr
echo "goal: jq at least 10x ovalarm"

# cpu_seconds CMD...: prints the user plus system CPU seconds of CMD, which
# a busy machine inflates less than the wall time.
cpu_seconds() {
	/usr/bin/time -f '%U %S' -o "$dir/cpu" "$@" >/dev/null 2>&1
	awk '{ print $1 + $2 }' "$dir/cpu"
}

echo
m=$(median "${times[default]}")
printf 'default rules: median %.2f s, %.2f million samples/s, peak %d KiB\n' \
	"$m" "$(awk -v s="$m" 'BEGIN { print (s > 0 ? 1 / s : 0) }')" \
	"$(largest "${peaks[default]}")"
c=$(cpu_seconds ovalarm "$dir/million.ndjson")
printf 'default rules: %.2f s of CPU, %.2f million samples per CPU second (load average %s)\n' \
	"$c" "$(awk -v s="$c" 'BEGIN { print (s > 0 ? 1 / s : 0) }')" \
	"$(cut -d' ' -f1 /proc/loadavg)"
echo "goal: at least 1.5 million samples/s"

echo
echo "default rules on 10,000,000 samples (the same series, 10x longer):"
generate 10000000 >"$dir/ten.ndjson"
rm -f "$dir/million.ndjson"
measure "ovalarm default rules" ovalarm "$dir/ten.ndjson"
printf 'peak memory: %d KiB for 1 M samples, %d KiB for 10 M\n' \
	"$(largest "${peaks[default]}")" "$PEAK_KB"
echo "goal: the same peak memory"
