#!/bin/bash
# scripts/ovsim with the demo scenario: REST shapes and status codes of
# OpenVidu 2.x Pro, Basic auth, stepping, several deployments, LiveKit
# health and metrics, CDR files and a clean stop on SIGTERM.
source "$(dirname "$0")/lib.sh"

SIM=$T/sim
mkdir -p "$SIM"
printf 'user = "OPENVIDUAPP:MY_SECRET"\n' >"$SIM/auth.conf"
printf 'user = "OPENVIDUAPP:not-the-secret"\n' >"$SIM/wrong.conf"

"$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--port-file "$SIM/port" --state-dir "$SIM" --cdr-dir "$SIM/cdr" \
	2>"$SIM/log" &
SIM_PID=$!
cleanup "stop_pid $SIM_PID"
wait_for test -s "$SIM/port"
ok $? "port file written"
PORT=$(cat "$SIM/port")
URL=https://127.0.0.1:$PORT
wait_for grep -q listening "$SIM/log"
like "$(cat "$SIM/log")" "^ovsim: listening on https://127\.0\.0\.1:$PORT" \
	"listening line on stderr"

# get PATH [CONFIG]: GET with the secret; body in $BODY, status in $CODE.
get() {
	local config=${2:-$SIM/auth.conf}
	CODE=$(curl -sS --cacert "$SIM/cert.pem" -K "$config" \
		-o "$SIM/body" -w '%{http_code}' "$URL$1")
	BODY=$(cat "$SIM/body")
}
# control METHOD PATH: calls the control API (no auth).
control() {
	CODE=$(curl -sS --cacert "$SIM/cert.pem" -X "$1" -o "$SIM/body" \
		-w '%{http_code}' "$URL$2")
	BODY=$(cat "$SIM/body")
}

# Certificate made at start: SAN for 127.0.0.1 and localhost, 90 days.
run openssl x509 -in "$SIM/cert.pem" -noout -ext subjectAltName
like "$OUT" "IP Address:127\.0\.0\.1" "certificate names 127.0.0.1"
like "$OUT" "DNS:localhost" "certificate names localhost"
openssl x509 -in "$SIM/cert.pem" -noout -checkend $((89 * 86400)) >/dev/null
ok $? "certificate valid for 89 more days"
openssl x509 -in "$SIM/cert.pem" -noout -checkend $((91 * 86400)) >/dev/null
ok $((!$?)) "certificate expires within 91 days"

# Authentication: every API path answers 401 with an empty body.
for path in health config media-nodes sessions recordings; do
	CODE=$(curl -sS --cacert "$SIM/cert.pem" -o "$SIM/body" \
		-w '%{http_code}' "$URL/openvidu/api/$path")
	is "$CODE/$(cat "$SIM/body")" "401/" "$path without credentials: 401"
	get "/openvidu/api/$path" "$SIM/wrong.conf"
	is "$CODE/$BODY" "401/" "$path with a wrong secret: 401"
done
CODE=$(curl -sS --cacert "$SIM/cert.pem" -o /dev/null -w '%{http_code}' \
	-H 'Authorization: Basic %%%' "$URL/openvidu/api/health")
is "$CODE" 401 "malformed Basic header: 401"

# Step 0.
get /_ovsim/state
is "$(jq -c '[.step, .time, .steps]' <<<"$BODY")" \
	'[0,"2026-11-03T09:00:00Z",12]' "state at step 0"
get /openvidu/api/health
is "$CODE" 200 "health 200 at step 0"
is "$(jq -c . <<<"$BODY")" '{"status":"UP","disconnectedMediaNodes":[]}' \
	"health body UP"

get /openvidu/api/config
is "$CODE" 200 "config 200"
is "$(jq -r '.OPENVIDU_PRO_CLUSTER_ID' <<<"$BODY")" acme-prod "config cluster id"
is "$(jq -r '.VERSION' <<<"$BODY")" 2.32.2 "config version"
is "$(jq -r '.OPENVIDU_EDITION' <<<"$BODY")" pro "config edition"
is "$(jq -r '.OPENVIDU_WEBHOOK' <<<"$BODY")" true "config webhook on"
is "$(jq -c '.OPENVIDU_WEBHOOK_HEADERS' <<<"$BODY")" \
	'["Authorization: Bearer SIMULATED-WEBHOOK-TOKEN"]' "config webhook headers"
is "$(jq -r '.OPENVIDU_WEBHOOK_EVENTS | index("nodeCrashed") != null' \
	<<<"$BODY")" true "config webhook events listed"
like "$(jq -r '.OPENVIDU_WEBHOOK_ENDPOINT' <<<"$BODY")" '^https://' \
	"config webhook endpoint"

get /openvidu/api/media-nodes
is "$CODE" 200 "media-nodes 200"
is "$(jq -c '[.numberOfElements, [.content[] | .id, .load, .status,
	.connected, .object]]' <<<"$BODY")" \
	'[2,["media_i-0a1b",50,"running",true,"mediaNode","media_i-0c2d",20,"running",true,"mediaNode"]]' \
	"media nodes at step 0"
is "$(jq -c '.content[0] | [.environmentId, .ip, .uri, .launchingTime,
	.connectionTime, has("sessions"), has("disconnectionTime")]' \
	<<<"$BODY")" \
	'["i-0a1b","10.0.0.11","ws://10.0.0.11:8888/kurento",1793689200000,1793689230000,false,false]' \
	"media node fields"
get "/openvidu/api/media-nodes?sessions=true&recordings=true&extra-info=true"
is "$(jq -c '[.content[] | [.id, [.sessions[].id], .recordingIds,
	.broadcasts, (.kurentoInfo | type)]]' <<<"$BODY")" \
	'[["media_i-0a1b",["ses_A1"],[],[],"object"],["media_i-0c2d",["ses_B1"],[],[],"object"]]' \
	"media-nodes with sessions, recordings and extra-info"
get /openvidu/api/media-nodes/media_i-0c2d
is "$CODE/$(jq -r .id <<<"$BODY")" 200/media_i-0c2d "one media node"
get /openvidu/api/media-nodes/media_nope
is "$CODE/$(jq -r .status <<<"$BODY")" 404/404 "unknown media node: 404"

get /openvidu/api/sessions
is "$CODE" 200 "sessions 200"
is "$(jq -c '[.numberOfElements, [.content[] | .id, .sessionId,
	.connections.numberOfElements, .mediaNodeId, .object]]' <<<"$BODY")" \
	'[2,["ses_A1","ses_A1",2,"media_i-0a1b","session","ses_B1","ses_B1",2,"media_i-0c2d","session"]]' \
	"sessions at step 0"
is "$(jq -c '.content[0] | [.createdAt, .recording, .mediaMode,
	.recordingMode]' <<<"$BODY")" '[1793696400000,false,"ROUTED","MANUAL"]' \
	"session fields"
is "$(jq -c '.content[0].connections.content[0] | [.id, .connectionId,
	.status, .role, .type, .createdAt, .activeAt, (.publishers | length),
	(.subscribers | length)]' <<<"$BODY")" \
	'["con_A1a","con_A1a","active","PUBLISHER","WEBRTC",1793696400000,1793696400000,1,1]' \
	"connection fields"
is "$(jq -c '.content[0].connections.content[0].publishers[0].mediaOptions
	| [.hasAudio, .hasVideo, .typeOfVideo, .frameRate]' <<<"$BODY")" \
	'[true,true,"CAMERA",30]' "publisher media options"
is "$(jq -r '.content[0].connections.content[0].subscribers[0].streamId' \
	<<<"$BODY")" \
	"$(jq -r '.content[0].connections.content[1].publishers[0].streamId' \
		<<<"$BODY")" "subscriber follows the other publisher's stream"
get /openvidu/api/sessions/ses_B1
is "$CODE/$(jq -r .id <<<"$BODY")" 200/ses_B1 "one session"
get /openvidu/api/sessions/ses_nope
is "$CODE" 404 "unknown session: 404"

get /openvidu/api/recordings
is "$(jq -c '[.count, .items]' <<<"$BODY")" '[0,[]]' "no recording at step 0"
CODE=$(curl -sS --cacert "$SIM/cert.pem" -K "$SIM/auth.conf" -X POST \
	-o /dev/null -w '%{http_code}' "$URL/openvidu/api/sessions")
is "$CODE" 405 "POST to the API: 405"
get /openvidu/api/nothing
is "$CODE" 404 "unknown API path: 404"

# Stepping.
control POST /_ovsim/step
is "$CODE/$(jq -c '[.step, .time]' <<<"$BODY")" \
	'200/[1,"2026-11-03T09:01:00Z"]' "step moves one step"
get /openvidu/api/sessions
is "$(jq -c '[.numberOfElements, [.content[].connections.numberOfElements]]' \
	<<<"$BODY")" '[3,[2,3,2]]' "sessions at step 1"
get /openvidu/api/recordings
is "$(jq -c '[.count, (.items[0] | .id, .object, .status, .size,
	.duration, .sessionId, .createdAt)]' <<<"$BODY")" \
	'[1,"ses_A1~1","recording","started",0,0,"ses_A1",1793696460000]' \
	"recording started at step 1"
get /openvidu/api/sessions/ses_A1
is "$(jq -r .recording <<<"$BODY")" true "session recording flag"

control POST '/_ovsim/step?to=6'
is "$(jq -r .step <<<"$BODY")" 6 "step to 6"
get /openvidu/api/recordings/ses_B1~1
is "$(jq -c '[.status, .size, .duration, (.url | test("^https://"))]' \
	<<<"$BODY")" '["ready",3000000,180,true]' "recording ready at step 6"
get /openvidu/api/media-nodes/media_i-0a1b
is "$(jq -r .load <<<"$BODY")" 97 "load 97 at step 6"

control POST '/_ovsim/step?to=9'
get /openvidu/api/health
is "$CODE" 409 "health 409 at the crash"
is "$(jq -c . <<<"$BODY")" \
	'{"status":"UNSTABLE","disconnectedMediaNodes":["media_i-0a1b"]}' \
	"health body UNSTABLE"
get /openvidu/api/media-nodes/media_i-0a1b
is "$(jq -c '[.status, .connected, .disconnectionTime]' <<<"$BODY")" \
	'["terminating",false,1793696940000]' "crashed node terminating"
get /openvidu/api/sessions
is "$(jq -r .numberOfElements <<<"$BODY")" 0 "no session after the crash"
get /openvidu/api/recordings/ses_A1~1
is "$(jq -c '[.status, .duration]' <<<"$BODY")" '["failed",480]' \
	"recording failed at the crash"

control POST /_ovsim/step
get /openvidu/api/health
is "$CODE/$(jq -r .status <<<"$BODY")" 200/UP "health UP once the node is gone"
get /openvidu/api/media-nodes
is "$(jq -c '[.content[].id]' <<<"$BODY")" '["media_i-0c2d"]' \
	"crashed node removed"
control POST /_ovsim/step
is "$(jq -r .step <<<"$BODY")" 11 "last step"
control POST /_ovsim/step
is "$CODE" 409 "step past the last: 409"
control POST '/_ovsim/step?to=12'
is "$CODE" 400 "step to 12 of 12: 400"
control POST '/_ovsim/step?to=x1'
is "$CODE" 400 "step to a non-number: 400"
control GET /_ovsim/step
is "$CODE" 405 "GET step: 405"
control GET /_ovsim/nothing
is "$CODE" 404 "unknown control path: 404"

# Several deployments.
get /d/acme-prod/openvidu/api/sessions
is "$(jq -c '[.content[].id]' <<<"$BODY")" '["ses_B2"]' \
	"first deployment also under /d/NAME"
get /d/globex-live/openvidu/api/health
is "$CODE/$(jq -r .status <<<"$BODY")" 200/UP "second deployment healthy"
get /d/globex-live/openvidu/api/config
is "$(jq -r .OPENVIDU_PRO_CLUSTER_ID <<<"$BODY")" globex-live \
	"second deployment cluster id"
get /d/globex-live/openvidu/api/sessions
is "$(jq -c '[.content[] | .id, .connections.numberOfElements]' \
	<<<"$BODY")" '["ses_G1",3]' "second deployment sessions"
get /d/globex-live/openvidu/api/health "$SIM/wrong.conf"
is "$CODE" 401 "second deployment checks the secret"
get /d/nowhere/openvidu/api/health
is "$CODE" 404 "unknown deployment: 404"
get /d/initech-v3/livekit/
is "$CODE/$BODY" 200/OK "LiveKit health OK"
get /d/initech-v3/
is "$CODE/$BODY" 200/OK "LiveKit health also at /"
get /d/initech-v3/livekit/metrics
is "$CODE" 200 "LiveKit metrics 200"
like "$BODY" '# TYPE livekit_room_total gauge' "metrics TYPE line"
like "$BODY" 'livekit_room_total\{node_id="ND_initech1",node_type="SERVER"\} 1' \
	"metrics rooms"
like "$BODY" 'livekit_participant_total\{[^}]*\} 2' "metrics participants"
like "$BODY" 'livekit_track_published_total\{[^}]*kind="video"\} 2' \
	"metrics published video tracks"
like "$BODY" 'livekit_webhook_dispatch_total\{[^}]*status="failure"\} 0' \
	"metrics webhook failures"
like "$BODY" 'process_cpu_seconds_total 330' "metrics CPU seconds at step 11"
get /d/initech-v3/openvidu/api/health
is "$CODE" 404 "no OpenVidu 2 API on an OpenVidu 3 deployment"
get /livekit/metrics
is "$CODE" 404 "no LiveKit metrics on an OpenVidu 2 deployment"

# CDR: one file per deployment, named after the start, one event a line.
CDR=$SIM/cdr/CDR.2026-11-03_09-00-00.log
ok "$([ -s "$CDR" ]; echo $?)" "CDR file of the first deployment"
ok "$([ -s "$SIM/cdr/globex-live/CDR.2026-11-03_09-00-00.log" ]; echo $?)" \
	"CDR file of the second deployment"
is "$(jq -r 'keys | length' "$CDR" | sort -u)" 1 "one key per CDR line"
is "$(jq -r 'to_entries[0].value.timestamp | type' "$CDR" | sort -u)" number \
	"every CDR line has a timestamp"
is "$(jq -c 'select(.nodeCrashed) | .nodeCrashed | [.id, .nodeRole,
	.sessionIds, .recordingIds, .timestamp, .timeOfDisconnection]' "$CDR")" \
	'["media_i-0a1b","medianode",["ses_A1","ses_A2"],["ses_A1~1"],1793696940000,1793696939000]' \
	"nodeCrashed event"
is "$(jq -c 'select(.mediaNodeStatusChanged) | .mediaNodeStatusChanged
	| [.oldStatus, .newStatus, .timestamp]' "$CDR" | paste -sd' ')" \
	'["running","terminating",1793696940000] ["terminating","terminated",1793697000000]' \
	"mediaNodeStatusChanged events"
is "$(jq -r 'select(.sessionDestroyed) | .sessionDestroyed
	| "\(.sessionId) \(.reason) \(.duration)"' "$CDR" | paste -sd,)" \
	"ses_B1 lastParticipantLeft 420,ses_A1 nodeCrashed 540,ses_A2 nodeCrashed 480" \
	"sessionDestroyed events"
is "$(jq -r 'select(.participantLeft.reason == "nodeCrashed")' "$CDR" |
	jq -s length)" 5 "participantLeft events of the crash"
is "$(jq -r 'select(.recordingStatusChanged) | .recordingStatusChanged
	| "\(.id) \(.status)"' "$CDR" | paste -sd,)" \
	"ses_A1~1 started,ses_B1~1 started,ses_B1~1 stopped,ses_B1~1 ready,ses_A1~1 failed" \
	"recordingStatusChanged events"
is "$(jq -r 'to_entries[0] | select(.value.timestamp == 1793696940000)
	| .key' "$CDR" | uniq | paste -sd' ')" \
	"nodeCrashed$(printf ' webrtcConnectionDestroyed participantLeft%.0s' 1 2 3 4 5) recordingStatusChanged sessionDestroyed mediaNodeStatusChanged" \
	"order of the crash events"
is "$(jq -c 'select(.webrtcConnectionCreated.connectionId == "con_A1a")
	| .webrtcConnectionCreated | [.connection, .streamId, .receivingFrom,
	.videoSource, .timestamp]' "$CDR" | paste -sd' ')" \
	'["OUTBOUND","str_CAM_0000_con_A1a",null,"CAMERA",1793696400000] ["INBOUND","str_CAM_0000_con_A1b","con_A1b","CAMERA",1793696400000]' \
	"webrtcConnectionCreated for a publisher and a subscriber"
is "$(jq -r 'select(.webrtcConnectionDestroyed.reason == "nodeCrashed")' \
	"$CDR" | jq -s length)" 7 "webrtcConnectionDestroyed events of the crash"
is "$(jq -r 'select(.sessionCreated) | .sessionCreated.sessionId' "$CDR" |
	paste -sd,)" "ses_A1,ses_B1,ses_A2,ses_B2" "sessionCreated events"
get /openvidu/cdr
is "$(jq -c . <<<"$BODY")" '["CDR.2026-11-03_09-00-00.log"]' \
	"GET /openvidu/cdr lists the file"

# Going back is allowed and writes no event.
lines=$(wc -l <"$CDR")
control POST '/_ovsim/step?to=0'
is "$(jq -r .step <<<"$BODY")/$(wc -l <"$CDR")" "0/$lines" \
	"step back writes no CDR line"

# SIGTERM stops it (within a second when idle; the test allows 3 s).
kill "$SIM_PID"
for ((i = 0; i < 30; i++)); do
	kill -0 "$SIM_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$SIM_PID" 2>/dev/null
ok $((!$?)) "stops on SIGTERM"
wait "$SIM_PID"
is $? 0 "exit status 0 after SIGTERM"

done_testing
