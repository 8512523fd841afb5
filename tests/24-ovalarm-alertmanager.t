#!/bin/bash
# ovalarm --format alertmanager: the alerts array is accepted by a real
# Alertmanager, which shows them firing, and later resolved.
source "$(dirname "$0")/lib.sh"

AM=$(command -v prometheus-alertmanager)
if [ -z "$AM" ]; then
	echo "1..0 # SKIP prometheus-alertmanager is not installed"
	exit 0
fi
P=$(free_port)
cat >"$T/am.yml" <<'YML'
route:
  receiver: discard
receivers:
  - name: discard
YML
"$AM" --config.file="$T/am.yml" --storage.path="$T/am-data" \
	--web.listen-address="127.0.0.1:$P" --cluster.listen-address= \
	>"$T/am.log" 2>&1 &
AM_PID=$!
cleanup "stop_pid $AM_PID"
wait_for curl -sf "http://127.0.0.1:$P/-/ready"
ok $? "alertmanager is ready" || { sed 's/^/# /' "$T/am.log"; done_testing; exit; }

cpu() {
	printf '{"kind":"sample","time":"2026-11-02T09:%s:00Z","customer":"acme","deployment":"acme-prod","node":"media_i-0a1b","metric":"node.cpu_load","value":%s}\n' "$1" "$2"
}
api() {
	printf '{"kind":"sample","time":"2026-11-02T09:%s:00Z","customer":"acme","deployment":"acme-prod","metric":"api.ok","value":0,"labels":{"endpoint":"%s","error":"http_500"}}\n' "$1" "$2"
}
{ for m in 00 01 02 03 04 05; do cpu $m 97; api $m sessions; done; } |
	ovalarm --format alertmanager --state "$T/state" >"$T/firing.json"
ok $? "ovalarm writes the firing alerts"
is "$(jq -r 'length' "$T/firing.json")" 2 "two alerts in the array"

post() {
	curl -sf -X POST -H 'Content-Type: application/json' \
		--data-binary @"$1" "http://127.0.0.1:$P/api/v2/alerts"
}
alerts() {
	curl -sf "http://127.0.0.1:$P/api/v2/alerts" |
		jq -r 'sort_by(.labels.alertname)[] | [.labels.alertname,
		.labels.severity, .labels.deployment, .labels.customer,
		(.labels.node // "-"), (.labels.endpoint // "-"), .status.state,
		.annotations.summary] | join("|")'
}
post "$T/firing.json"
ok $? "alertmanager accepts the array"
wait_for test -n "$(alerts)"
got=$(alerts)
is "$got" "node_cpu_high|critical|acme-prod|acme|media_i-0a1b|-|active|media node media_i-0a1b CPU at 97% for 5m
sessions_endpoint_failing|normal|acme-prod|acme|-|sessions|active|GET /openvidu/api/sessions on acme-prod failing (http_500) for 2m" \
	"alertmanager shows both alerts with labels and summaries"
starts=$(curl -sf "http://127.0.0.1:$P/api/v2/alerts" |
	jq -r '.[] | select(.labels.alertname == "node_cpu_high") | .startsAt')
like "$starts" "^2026-11-02T09:00:00(\.000)?Z$" "startsAt is the alarm's since"

# The next run resolves the CPU alarm: it is sent with endsAt, and the
# still firing one is sent again.
cpu 06 50 | ovalarm --format alertmanager --state "$T/state" >"$T/next.json"
is "$(jq -r '[.[] | .labels.alertname + ":" + (.endsAt // "open")] |
	sort | join(" ")' "$T/next.json")" \
	"node_cpu_high:2026-11-02T09:06:00Z sessions_endpoint_failing:open" \
	"second run: resolved alarm with endsAt, firing one again"
post "$T/next.json"
ok $? "alertmanager accepts the resolved alert"
wait_for test "$(alerts | wc -l)" -eq 1
is "$(alerts | cut -d'|' -f1)" "sessions_endpoint_failing" \
	"alertmanager no longer lists the resolved alert"

# Nothing firing and nothing resolved: an empty array.
printf '' | ovalarm --format alertmanager >"$T/empty.json"
is "$(cat "$T/empty.json")" "[]" "no alarms: an empty array"
done_testing
