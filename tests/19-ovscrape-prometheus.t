#!/bin/bash
# ovscrape's prometheus source against a real Prometheus server scraping a
# real node_exporter, both on loopback ports chosen at run time.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/fixtures/ovscrape/sim.sh"

if ! command -v prometheus >/dev/null ||
	! command -v prometheus-node-exporter >/dev/null; then
	echo "Bail out! prometheus and prometheus-node-exporter are required" \
		"(scripts/install-deps installs them)"
	exit 1
fi

pe=$(free_port)
pp=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$pe" \
	--collector.disable-defaults --collector.cpu --collector.loadavg \
	>"$T/exporter.log" 2>&1 &
cleanup "stop_pid $!"
mkdir -p "$T/prom"
cat >"$T/prom/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$pe']
YML
prometheus --config.file="$T/prom/prometheus.yml" \
	--storage.tsdb.path="$T/prom/data" \
	--web.listen-address="127.0.0.1:$pp" >"$T/prom.log" 2>&1 &
cleanup "stop_pid $!"

inventory "$T/dep.csv" \
	"hosts,acme,http://127.0.0.1:$pp,prometheus,,0,0,true"

# The first samples arrive about 6 s after start, and the CPU rate needs two
# of them: poll for up to 20 s until node.cpu_load is there.
has_load() {
	ovscrape --deployments "$T/dep.csv" >"$T/poll.out" 2>"$T/poll.err" &&
		grep -q '"node.cpu_load"' "$T/poll.out"
}
for ((i = 0; i < 40; i++)); do
	has_load && break
	sleep 0.5
done
OUT=$(cat "$T/poll.out")
ERR=$(cat "$T/poll.err")

is "$(metric up hosts)" 1 "Prometheus deployment up"
is "$ERR" "" "no message"
is "$(jq -r 'select(.metric == "api.ok") | .labels.endpoint + "=" + (.value|tostring)' <<<"$OUT" | tr '\n' ' ')" \
	"cores=1 cpu=1 " "api.ok for both queries"
is "$(jq -r 'select(.metric == "node.cores") | .node' <<<"$OUT")" \
	"127.0.0.1:$pe" "node is the exporter's instance"
is "$(metric node.cores)" "$(nproc)" "node.cores counts this machine's CPUs"
is "$(metric cluster.cores)" "$(nproc)" "cluster.cores sums node.cores"
load=$(metric node.cpu_load)
ok $(awk -v l="$load" 'BEGIN { exit !(l != "" && l >= 0 && l <= 100) }'; echo $?) \
	"node.cpu_load is a percentage ($load)"
is "$(jq -r .customer <<<"$OUT" | sort -u)" acme "samples carry the customer"

# A path that is not the query API answers 404: an HTTP error, not data.
inventory "$T/bad.csv" \
	"wrong,acme,http://127.0.0.1:$pp/nothing,prometheus,,0,0,true"
run ovscrape --deployments "$T/bad.csv" --retries 0
is "$(label up error wrong)" http_404 "wrong base URL: http_404"
like "$ERR" "wrong: down \(http_404\)" "404 reported"

done_testing
