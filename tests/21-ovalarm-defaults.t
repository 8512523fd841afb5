#!/bin/bash
# Every rule of the shipped etc/alarms.conf fires on the samples or events
# of its failure mode and clears again.
source "$(dirname "$0")/lib.sh"

DEP=acme-prod
# S MINUTE METRIC VALUE [NODE] [LABELS]: one sample at 10:MINUTE; NODE
# is "-" for a deployment's sample with labels.
S() {
	local node="" labels=""
	[ -n "${4:-}" ] && [ "$4" != - ] && node="\"node\":\"$4\","
	[ -n "${5:-}" ] && labels=",\"labels\":$5"
	printf '{"kind":"sample","time":"2026-11-02T%s:00Z","customer":"acme","deployment":"%s",%s"metric":"%s","value":%s%s}\n' \
		"$(hm "$1")" "$DEP" "$node" "$2" "$3" "$labels"
}
# E MINUTE EVENT NODE FIELDS: one event at 10:MINUTE.
E() {
	printf '{"kind":"event","time":"2026-11-02T%s:31Z","customer":"acme","deployment":"%s","event":"%s","node":"%s","fields":%s}\n' \
		"$(hm "$1")" "$DEP" "$2" "$3" "$4"
}
hm() { printf '%02d:%02d' $((10 + $1 / 60)) $(($1 % 60)); }

# check RULE EXPECTED: runs the shipped rules on $T/in and compares the
# transitions of RULE, as "state@HH:MM" words.
check() {
	local rule=$1 expected=$2
	ovalarm "$T/in" >"$T/out" 2>"$T/err"
	got=$(jq -r --arg r "$rule" 'select(.rule == $r) |
		.state + "@" + .time[11:16]' "$T/out" | tr '\n' ' ')
	is "${got% }" "$expected" "$rule fires and clears"
	tested+=("$rule")
}
tested=()

{ for m in 0 1 2; do S $m up 0 - '{"error":"timeout"}'; done
	S 3 up 1; } >"$T/in"
check deployment_unreachable "firing@10:02 resolved@10:03"
{ S 0 up 0 - '{"error":"auth"}'; S 1 up 1; } >"$T/in"
check deployment_auth_rejected "firing@10:00 resolved@10:01"
{ S 0 up 1; DEP=other S 6 up 1; S 7 up 1; } >"$T/in"
check samples_missing "firing@10:06 resolved@10:07"
{ for m in 0 1 2; do
	S $m api.ok 0 - '{"endpoint":"sessions","error":"http_500"}'
	S $m api.ok 0 - '{"endpoint":"health","error":"http_500"}'
done; S 3 api.ok 1 - '{"endpoint":"sessions"}'; } >"$T/in"
check sessions_endpoint_failing "firing@10:02 resolved@10:03"
{ for m in 0 1 2; do S $m health.up 0 - '{"status":"UNSTABLE"}'; done
	S 3 health.up 1 - '{"status":"UP"}'; } >"$T/in"
check health_unstable "firing@10:02 resolved@10:03"
{ for m in 0 1; do S $m health.up 0 - '{"status":"DOWN"}'; done
	S 2 health.up 1 - '{"status":"UP"}'; } >"$T/in"
check health_down "firing@10:01 resolved@10:02"
{ for m in 0 1; do S $m health.up 0 - '{"status":"NOT_READY"}'; done
	S 2 health.up 1 - '{"status":"UP"}'; } >"$T/in"
check health_down "firing@10:01 resolved@10:02"
{ for m in 0 1 2; do S $m cluster.media_nodes_running 0; done
	S 3 cluster.media_nodes_running 1; } >"$T/in"
check no_running_media_node "firing@10:02 resolved@10:03"
{ for m in 0 1 2; do S $m node.connected 0 m1; done
	S 3 node.connected 1 m1; } >"$T/in"
check media_node_disconnected "firing@10:02 resolved@10:03"
{ E 0 nodeCrashed m1 '{"nodeRole":"medianode"}'
	E 5 nodeRecovered m1 '{"nodeRole":"medianode"}'; } >"$T/in"
check media_node_crashed "firing@10:00 resolved@10:05"
{ S 0 node.running 0 m1 '{"status":"failed"}'
	S 1 node.running 1 m1 '{"status":"running"}'; } >"$T/in"
check media_node_failed "firing@10:00 resolved@10:01"
{ S 0 node.status_seconds 600 m1 '{"status":"launching"}'
	S 1 node.status_seconds 960 m1 '{"status":"launching"}'
	S 2 node.status_seconds 30 m1 '{"status":"running"}'; } >"$T/in"
check media_node_stuck_launching "firing@10:01 resolved@10:02"
{ S 0 node.status_seconds 1900 m1 '{"status":"terminating"}'
	S 1 node.status_seconds 10 m1 '{"status":"terminated"}'; } >"$T/in"
check media_node_stuck_terminating "firing@10:00 resolved@10:01"
{ for m in 0 1 2 3 4 5; do S $m node.cpu_load 95 m1; done
	S 6 node.cpu_load 80 m1; S 7 node.cpu_load 70 m1; } >"$T/in"
check node_cpu_high "firing@10:05 resolved@10:07"
like "$(head -n 1 "$T/out" | jq -r .summary)" \
	"^media node m1 CPU at 95% for 5m$" "node_cpu_high summary"
{ S 0 node.sessions 0 m1
	for m in $(seq 0 10); do S $m node.cpu_load 85 m1; done
	S 11 node.cpu_load 40 m1; } >"$T/in"
check node_cpu_without_sessions "firing@10:10 resolved@10:11"
{ S 0 node.sessions 2 m1
	for m in $(seq 0 12); do S $m node.cpu_load 85 m1; done; } >"$T/in"
check node_cpu_without_sessions ""
{ S 0 connections.active 40; S 1 connections.active 40
	for m in 2 3 4 5 6; do S $m connections.active 15; done; } >"$T/in"
check participants_drop "firing@10:02 resolved@10:06"
{ S 0 participants.active 40; S 1 participants.active 12
	S 7 participants.active 12; } >"$T/in"
check participants_drop_livekit "firing@10:01 resolved@10:07"
{ S 0 sessions.oldest_empty_seconds 4000
	S 1 sessions.oldest_empty_seconds 2000
	S 2 sessions.oldest_empty_seconds 100; } >"$T/in"
check ghost_sessions "firing@10:00 resolved@10:02"
{ E 0 recordingStatusChanged m1 '{"status":"ready","id":"r1"}'
	E 1 recordingStatusChanged m1 '{"status":"failed","id":"r2"}'
	S 62 up 1; } >"$T/in"
check recording_failed "firing@10:01 resolved@11:01"
like "$(head -n 1 "$T/out" | jq -r .summary)" "recording r2 on acme-prod" \
	"recording_failed summary names the recording"
{ S 0 recordings.oldest_started_empty_seconds 400
	S 1 recordings.oldest_started_empty_seconds 0; } >"$T/in"
check recording_stuck_started "firing@10:00 resolved@10:01"
{ S 0 recordings.oldest_stopped_seconds 1000
	S 1 recordings.oldest_stopped_seconds 0; } >"$T/in"
check recording_not_ready "firing@10:00 resolved@10:01"
{ S 0 config.webhook_active 0; S 1 config.webhook_active 1; } >"$T/in"
check webhooks_disabled "firing@10:00 resolved@10:01"
{ S 0 tls.cert_expiry_days 10.5; S 1 tls.cert_expiry_days 2.5
	S 2 tls.cert_expiry_days 80; } >"$T/in"
check certificate_expiring "firing@10:00 resolved@10:02"
{ S 0 tls.cert_expiry_days 10.5; S 1 tls.cert_expiry_days 2.5
	S 2 tls.cert_expiry_days 80; } >"$T/in"
check certificate_expiring_critical "firing@10:01 resolved@10:02"

# Every shipped rule has a case above.
shipped=$(sed -n 's/^rule \([a-z_]*\)$/\1/p' "$TOP/etc/alarms.conf" | sort)
covered=$(printf '%s\n' "${tested[@]}" | sort -u)
is "$covered" "$shipped" "every default rule is tested"
done_testing
