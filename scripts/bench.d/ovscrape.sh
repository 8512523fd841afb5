#!/bin/bash
# Benchmark of ovscrape: one run polling 500 simulated deployments.  Prints
# the wall time, the slowest single deployment (its scrape.duration_seconds)
# and the peak memory from /usr/bin/time -v.  Goal: wall at most twice the
# slowest deployment plus 1 s, and at most 64 MiB.  Not a test: it never
# fails on a figure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${OVSCRAPE_BENCH_DEPLOYMENTS:-500}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovscrape-bench.XXXXXX")
sim=
finish() {
	[ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
	rm -rf "$dir"
}
trap finish EXIT

printf 'bench-secret\n' >"$dir/secret"
chmod 600 "$dir/secret"
"$top/scripts/ovsim" --scenario "$top/scripts/scenarios/demo.json" \
	--port 0 --port-file "$dir/port" --state-dir "$dir" \
	--secret-file "$dir/secret" --deployments "$n" 2>"$dir/sim.log" &
sim=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$dir/port" ] && break
	sleep 0.1
done
if ! [ -s "$dir/port" ]; then
	echo "ovsim did not start: $(cat "$dir/sim.log")" >&2
	exit 1
fi
port=$(cat "$dir/port")
{
	echo "deployment,customer,url,api,secret_file,master_cores,media_node_cores,tls_verify"
	for ((i = 1; i <= n; i++)); do
		name=$(printf 'sim-%04d' "$i")
		echo "$name,bench,https://127.0.0.1:$port/d/$name,openvidu2,$dir/secret,4,8,true"
	done
} >"$dir/deployments.csv"

/usr/bin/time -v -o "$dir/time" ovscrape --deployments "$dir/deployments.csv" \
	--cacert "$dir/cert.pem" --timeout 60s >"$dir/out" 2>"$dir/err"
status=$?
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
	n = split($2, p, ":"); s = 0
	for (i = 1; i <= n; i++) s = s * 60 + p[i]
	print s }' "$dir/time")
peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time")
cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {print s}' \
	"$dir/time")
slowest=$(jq -s 'map(select(.metric == "scrape.duration_seconds") | .value)
	| max' "$dir/out")
up=$(jq -s 'map(select(.metric == "up" and .value == 1)) | length' \
	"$dir/out")
printf 'deployments polled       %d (%d up, exit status %d)\n' "$n" "$up" \
	"$status"
printf 'wall time                %.2f s\n' "$wall"
printf 'slowest deployment       %.2f s\n' "$slowest"
printf 'goal 2 x slowest + 1 s   %.2f s\n' \
	"$(awk -v s="$slowest" 'BEGIN { print 2 * s + 1 }')"
printf 'ovscrape CPU time        %.2f s (user + system)\n' "$cpu"
printf 'peak memory              %d KiB (goal 65536)\n' "$peak"
