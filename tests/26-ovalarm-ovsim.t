#!/bin/bash
# ovalarm on what ovscrape reads from the OpenVidu simulator: the demo
# scenario's overloaded media node, its crash and the failed recording
# raise the default alarms, one cron-like run per simulated minute.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/fixtures/ovscrape/sim.sh"

mkdir -p "$T/cdr"
start_sim "$TOP/scripts/scenarios/demo.json" --cdr-dir "$T/cdr"
inventory "$T/dep.csv" \
	"acme-prod,acme,$SIM_URL/d/acme-prod,openvidu2,$T/sim/secret,4,8,true" \
	"globex-live,globex,$SIM_URL/d/globex-live,openvidu2,$T/sim/secret,4,8,true"

for ((step = 0; step < 12; step++)); do
	sim_post "/_ovsim/step?to=$step"
	now=$(printf '2026-11-03T09:%02d:00Z' "$step")
	ovscrape --deployments "$T/dep.csv" --cacert "$SIM_CERT" --now "$now" \
		>"$T/samples.$step" 2>>"$T/scrape.err"
	ovalarm --state "$T/state" --now "$now" "$T/samples.$step" \
		>>"$T/alarms" 2>>"$T/alarm.err"
	echo $? >>"$T/status"
done
is "$(sort -u "$T/status" | tr '\n' ' ')" "0 " "every ovalarm run exits 0"
is "$(cat "$T/alarm.err")" "" "ovalarm is silent"
ovscrape events --deployments "$T/dep.csv" --deployment acme-prod \
	"$T"/cdr/CDR.*.log >"$T/events" 2>>"$T/scrape.err"
ok $? "ovscrape reads the CDR events"
ovalarm --state "$T/state" "$T/events" >>"$T/alarms"
ok $? "ovalarm reads the events"

alarms() {
	jq -r --arg r "$1" 'select(.rule == $r) | [.state, .time[11:16],
		.since[11:16], .deployment, (.node // "-")] | join(" ")' \
		"$T/alarms" | tr '\n' ';'
}
is "$(alarms node_cpu_high)" \
	"firing 09:07 09:02 acme-prod media_i-0a1b;resolved 09:09 09:02 acme-prod media_i-0a1b;" \
	"CPU over 90 % from 09:02 fires after 5 minutes and clears on the crash"
is "$(alarms media_node_crashed)" \
	"firing 09:09 09:09 acme-prod media_i-0a1b;" "the crash fires"
like "$(alarms recording_failed)" "^firing 09:09 09:09 acme-prod" \
	"the failed recording fires"
is "$(jq -r 'select(.deployment == "globex-live")' "$T/alarms")" "" \
	"the healthy deployment raises nothing"
is "$(jq -r '.summary' "$T/alarms" | head -n 1)" \
	"media node media_i-0a1b CPU at 98% for 5m" "summary of the CPU alarm"
jq -c . "$T/alarms" | sed "s/^/# /"
done_testing
