#!/bin/bash
# scripts/ovsim: the edge-case scenario (pending connections, ghost session,
# node statuses, recordings, LiveKit readiness), generated deployments,
# plain HTTP, secrets, invalid scenarios and options, and hostile requests.
source "$(dirname "$0")/lib.sh"

SIM=$T/sim
mkdir -p "$SIM"
printf 'user = "OPENVIDUAPP:MY_SECRET"\n' >"$SIM/auth.conf"
"$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/edge.json" \
	--port-file "$SIM/port" --state-dir "$SIM" --cdr-dir "$SIM/cdr" \
	--deployments 3 2>"$SIM/log" &
SIM_PID=$!
cleanup "stop_pid $SIM_PID"
wait_for test -s "$SIM/port"
ok $? "port file written"
PORT=$(cat "$SIM/port")
URL=https://127.0.0.1:$PORT

get() { # get PATH: sets CODE and BODY
	CODE=$(curl -sS --cacert "$SIM/cert.pem" -K "$SIM/auth.conf" \
		-o "$SIM/body" -w '%{http_code}' "$URL$1")
	BODY=$(cat "$SIM/body")
}
step() {
	curl -sS --cacert "$SIM/cert.pem" -X POST -o /dev/null \
		"$URL/_ovsim/step?to=$1"
}

# Step 0: a launching node is neither connected nor watched by health.
get /openvidu/api/media-nodes/media_n2
is "$(jq -c '[.status, .connected, .connectionTime, .launchingTime]' \
	<<<"$BODY")" '["launching",false,null,1767225600000]' "launching node"
get /openvidu/api/health
is "$CODE/$(jq -c .disconnectedMediaNodes <<<"$BODY")" '200/[]' \
	"launching node leaves health UP"
get /openvidu/api/config
is "$(jq -c '[.OPENVIDU_WEBHOOK, .OPENVIDU_WEBHOOK_EVENTS]' <<<"$BODY")" \
	'[true,[]]' "config override: empty webhook events"
get /openvidu/api/sessions
is "$(jq -c '.content[0] | [.id, has("mediaNodeId"),
	.connections.numberOfElements]' <<<"$BODY")" '["ses_ghost",false,0]' \
	"ghost session: no node, no connection"

# Step 1: the pending connection shows only with pendingConnections=true.
step 1
get /openvidu/api/sessions/ses_p
is "$(jq -c '[.connections.content[].id]' <<<"$BODY")" '["con_act"]' \
	"pending connection hidden by default"
get "/openvidu/api/sessions?pendingConnections=true"
is "$(jq -c '.content[1].connections.content[1] | [.id, .status, .activeAt,
	.publishers, .subscribers, .location]' <<<"$BODY")" \
	'["con_pend","pending",null,[],[],null]' "pending connection fields"
is "$(jq -c '.content[1].connections.content[0] | [.status,
	(.publishers | length)]' <<<"$BODY")" '["active",2]' \
	"active connection with two publishers"
get /openvidu/api/recordings
is "$(jq -c '[.count, [.items[] | .id, .status, .size]]' <<<"$BODY")" \
	'[3,["rec_empty","started",0,"rec_stuck","started",500,"rec_fail","started",0]]' \
	"three started recordings"

# Step 2: media_n3 disconnects, a recording stops, another fails.
step 2
get /openvidu/api/health
is "$CODE/$(jq -c . <<<"$BODY")" \
	'409/{"status":"UNSTABLE","disconnectedMediaNodes":["media_n3"]}' \
	"disconnected node: UNSTABLE"
get /openvidu/api/recordings
is "$(jq -c '[.items[] | [.status, .duration, .url]]' <<<"$BODY")" \
	'[["started",0,null],["stopped",30,null],["failed",30,null]]' \
	"stopped and failed recordings"
get /openvidu/api/media-nodes/media_n2
is "$(jq -c '[.status, .connected, .connectionTime]' <<<"$BODY")" \
	'["running",true,1767225660000]' "node running from step 2"
get "/openvidu/api/media-nodes?recordings=true"
is "$(jq -c '[.content[] | .recordingIds]' <<<"$BODY")" '[["rec_empty"],[],[]]' \
	"recordingIds lists the running recordings"
get /d/lk/livekit/
is "$CODE/$BODY" "406/Not Ready" "LiveKit not ready at step 2"

# Step 3: it reconnects; step 4: media_n2 waits to terminate.
step 3
get /openvidu/api/media-nodes/media_n3
is "$(jq -c '[.connected, .connectionTime, has("disconnectionTime")]' \
	<<<"$BODY")" '[true,1767225690000,false]' "node reconnected at step 3"
get /d/lk/livekit/metrics
like "$BODY" 'livekit_webhook_dispatch_total\{[^}]*status="failure"\} 2' \
	"LiveKit webhook failures"
step 4
get /openvidu/api/media-nodes/media_n2
is "$(jq -r .status <<<"$BODY")" waiting-idle-to-terminate \
	"waiting-idle-to-terminate at step 4"
get /openvidu/api/config
is "$(jq -c '[.OPENVIDU_WEBHOOK, .VERSION, .OPENVIDU_WEBHOOK_EVENTS]' \
	<<<"$BODY")" '[false,"2.32.3",[]]' "config changes from step 4"

CDR=$SIM/cdr/CDR.2026-01-01_00-00-00.log
is "$(jq -r 'to_entries[0] | select(.key | test("^node|^media"))
	| "\(.key) \(.value.id) \(.value.newStatus)"' "$CDR" | paste -sd,)" \
	"nodeCrashed media_n3 null,mediaNodeStatusChanged media_n2 running,nodeRecovered media_n3 null,mediaNodeStatusChanged media_n2 waiting-idle-to-terminate" \
	"node events in the CDR"
is "$(jq -r 'select(.participantJoined) | .participantJoined.connectionId' \
	"$CDR" | paste -sd,)" con_act,con_pend "participantJoined when active"

# Generated deployments: copies of the first one's timeline.
get /_ovsim/state
is "$(jq -c '[.deployments[].name]' <<<"$BODY")" \
	'["edge","lk","sim-0001","sim-0002","sim-0003"]' "three generated deployments"
get /d/sim-0002/openvidu/api/config
is "$(jq -r .OPENVIDU_PRO_CLUSTER_ID <<<"$BODY")" sim-0002 \
	"generated deployment has its own cluster id"
get /d/sim-0003/openvidu/api/media-nodes/media_n2
is "$(jq -r .status <<<"$BODY")" waiting-idle-to-terminate \
	"generated deployment follows the clock"
get /d/sim-0004/openvidu/api/health
is "$CODE" 404 "no fourth generated deployment"
ok "$([ -s "$SIM/cdr/sim-0001/CDR.2026-01-01_00-00-00.log" ]; echo $?)" \
	"generated deployment writes its CDR"

# Hostile requests get an error and the server keeps serving.
CODE=$(curl -sS --cacert "$SIM/cert.pem" -X POST --data-binary @- \
	-o /dev/null -w '%{http_code}' "$URL/_ovsim/step" \
	< <(head -c 200000 /dev/zero))
is "$CODE" 413 "body over 64 KiB: 413"
CODE=$(curl -sS --cacert "$SIM/cert.pem" -X POST -H 'Transfer-Encoding: chunked' \
	--data-binary x -o /dev/null -w '%{http_code}' "$URL/_ovsim/state")
is "$CODE" 411 "chunked body: 411"
CODE=$(curl -sS --cacert "$SIM/cert.pem" -H 'Content-Length: -5' \
	-o /dev/null -w '%{http_code}' "$URL/_ovsim/state")
is "$CODE" 413 "negative Content-Length: 413"
CODE=$(curl -sS --cacert "$SIM/cert.pem" -o /dev/null -w '%{http_code}' \
	"$URL/openvidu/api/$(head -c 70000 /dev/zero | tr '\0' a)")
is "$CODE" 414 "request line over 64 KiB: 414"
run /usr/bin/python3 - "$PORT" <<'PY'
import socket, ssl, sys
port = int(sys.argv[1])
# Plain bytes to the TLS port, then a TLS client sending garbage.
with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
    raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
    raw.recv(100)
context = ssl._create_unverified_context()
with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
    with context.wrap_socket(raw) as tls:
        tls.sendall(b"\x00\xff garbage\r\n\r\n")
        answer = b""
        while chunk := tls.recv(4096):
            answer += chunk
        print(answer.decode(errors="replace"))
PY
like "$OUT" "Error code: 400" "garbage request line: 400"
pids=()
for ((i = 0; i < 20; i++)); do
	curl -sS --cacert "$SIM/cert.pem" -K "$SIM/auth.conf" -o /dev/null \
		-w '%{http_code}\n' "$URL/openvidu/api/sessions" >"$SIM/code.$i" &
	pids+=($!)
done
wait "${pids[@]}"
is "$(cat "$SIM"/code.* | sort | uniq -c | tr -s ' ')" " 20 200" \
	"20 requests at once all answered"
get /openvidu/api/health
is "$CODE" 200 "server still serving after hostile requests"
kill -0 "$SIM_PID"
ok $? "server still running"

# Plain HTTP, a secret file with a trailing newline, IPv6 loopback.
P2=$T/plain
mkdir -p "$P2"
printf 's3cret\n' >"$P2/secret"
"$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--plain-http --listen ::1 --secret-file "$P2/secret" \
	--port-file "$P2/port" 2>"$P2/log" &
PLAIN_PID=$!
cleanup "stop_pid $PLAIN_PID"
wait_for test -s "$P2/port"
PURL="http://[::1]:$(cat "$P2/port")"
like "$(cat "$P2/log")" "listening on http://\[::1\]:" "plain HTTP on ::1"
printf 'user = "OPENVIDUAPP:s3cret"\n' >"$P2/auth.conf"
CODE=$(curl -sS -K "$P2/auth.conf" -o /dev/null -w '%{http_code}' \
	"$PURL/openvidu/api/health")
is "$CODE" 200 "secret file read without its newline"
CODE=$(curl -sS -u OPENVIDUAPP:MY_SECRET -o /dev/null -w '%{http_code}' \
	"$PURL/openvidu/api/health")
is "$CODE" 401 "default secret rejected when a secret file is given"

# Without --state-dir the certificate lives in a temporary folder that
# goes away at exit.
P3=$T/tmpstate
mkdir -p "$P3"
TMPDIR=$P3 "$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--port-file "$P3/port" 2>"$P3/log" &
TMP_PID=$!
cleanup "stop_pid $TMP_PID"
wait_for test -s "$P3/port"
ls "$P3"/ovsim.*/cert.pem >/dev/null 2>&1
ok $? "temporary state folder holds cert.pem"
stop_pid "$TMP_PID"
ls -d "$P3"/ovsim.* >/dev/null 2>&1
ok $((!$?)) "temporary state folder removed at exit"

# A certificate for another name: trusted, but not for 127.0.0.1.
P4=$T/san
mkdir -p "$P4"
"$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--cert-san DNS:wrong.test --state-dir "$P4" --port-file "$P4/port" \
	2>"$P4/log" &
SAN_PID=$!
cleanup "stop_pid $SAN_PID"
wait_for test -s "$P4/port"
SAN_PORT=$(cat "$P4/port")
curl -sS --cacert "$P4/cert.pem" -o /dev/null \
	"https://127.0.0.1:$SAN_PORT/_ovsim/state" 2>/dev/null
is $? 60 "--cert-san: 127.0.0.1 rejected"
curl -sS --cacert "$P4/cert.pem" -o /dev/null \
	--resolve "wrong.test:$SAN_PORT:127.0.0.1" \
	"https://wrong.test:$SAN_PORT/_ovsim/state"
is $? 0 "--cert-san: the named host accepted"
stop_pid "$SAN_PID"

# Startup errors: exit 3 and a message naming the file and the place.
bad() { # bad NAME JSON EXPECTED-MESSAGE-REGEX
	printf '%s\n' "$2" >"$T/$1.json"
	run "$TOP/scripts/ovsim" --scenario "$T/$1.json" --port-file "$T/$1.port"
	is "$STATUS" 3 "$1: exit 3"
	like "$ERR" "^ovsim: $T/$1.json: $3" "$1: message"
	ok "$([ ! -e "$T/$1.port" ]; echo $?)" "$1: no port file"
}
d='"deployments":[{"name":"x"'
bad syntax '{"start": "2026-01-01T00:00:00Z",' '2:1: invalid JSON'
bad no-start '{"steps":2,'"$d"'}]}' 'scenario: missing "start"'
bad bad-start '{"start":"yesterday","steps":2,'"$d"'}]}' \
	"scenario: invalid RFC 3339 time 'yesterday'"
bad bad-step '{"start":"2026-01-01T00:00:00Z","step":"1 min","steps":2,'"$d"'}]}' \
	"scenario: invalid duration '1 min'"
bad zero-steps '{"start":"2026-01-01T00:00:00Z","steps":0,'"$d"'}]}' \
	'scenario.steps: expected 1 to 100000'
bad unknown-key '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"colour":1}]}' \
	'deployments\[0\]: unknown key "colour"'
bad bad-status '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"nodes":[{"id":"media_a","status":{"1":"exploding"}}]}]}' \
	"deployments\[0\].nodes\[0\].status.1: invalid media node status 'exploding'"
bad bad-load '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"nodes":[{"id":"media_a","load":[10,150]}]}]}' \
	'deployments\[0\].nodes\[0\].load\[1\]: expected a number from 0 to 100, got 150'
bad dup-node '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"nodes":[{"id":"m"},{"id":"m"}]}]}' \
	"deployments\[0\].nodes\[1\].id: duplicate id 'm'"
bad no-node '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"sessions":[{"id":"s","node":"ghost"}]}]}' \
	"deployments\[0\].sessions\[0\].node: no media node 'ghost'"
bad bad-fault '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"faults":[{"fault":"fire"}]}]}' \
	"deployments\[0\].faults\[0\].fault: unknown fault 'fire'"
bad dup-name '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"'},{"name":"x"}]}' \
	"deployments\[1\].name: duplicate name 'x'"
bad bad-api '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"api":"openvidu4"}]}' \
	"deployments\[0\].api: expected openvidu2 or openvidu3"
bad bad-span '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"sessions":[{"id":"s","from":3,"until":3}]}]}' \
	'deployments\[0\].sessions\[0\].until: 3 is not after "from" 3'
bad bad-active '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"sessions":[{"id":"s","connections":[{"id":"c","from":1,"active_from":0}]}]}]}' \
	'deployments\[0\].sessions\[0\].connections\[0\].active_from: before "from"'
bad bad-config-step '{"start":"2026-01-01T00:00:00Z","steps":2,'"$d"',"config_changes":{"soon":{}}}]}' \
	"deployments\[0\].config_changes: key 'soon' is not a step number"
bad not-object '[1,2]' 'scenario: expected an object'
run "$TOP/scripts/ovsim" --scenario "$T/none.json" --port-file "$T/p"
is "$STATUS/$ERR" "3/ovsim: $T/none.json: cannot read: No such file or directory" \
	"missing scenario: exit 3"
: >"$T/empty-secret"
run "$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--secret-file "$T/empty-secret" --port-file "$T/p"
is "$STATUS/$ERR" "3/ovsim: $T/empty-secret: the secret file is empty" \
	"empty secret file: exit 3"
run "$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--secret-file "$T/no-secret" --port-file "$T/p"
is "$STATUS/$ERR" \
	"3/ovsim: $T/no-secret: cannot read the secret file: No such file or directory" \
	"missing secret file: exit 3"
run "$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--port "$PORT" --port-file "$T/p"
is "$STATUS" 3 "port in use: exit 3"
is "$ERR" "ovsim: cannot start on 127.0.0.1 port $PORT: Address already in use" \
	"port in use: message"

# Options: --help on stdout, misuse exit 2 with the usage.
run "$TOP/scripts/ovsim" --help
is "$STATUS" 0 "--help exits 0"
like "$OUT" "POST   /_ovsim/step" "--help documents the control API"
like "$OUT" '"steps": 12' "--help documents the scenario format"
run "$TOP/scripts/ovsim" --scenario x
is "$STATUS" 2 "missing --port-file: exit 2"
like "$ERR" "^usage: ovsim " "misuse prints the usage"
run "$TOP/scripts/ovsim" --scenario x --port-file y --cert-days 0
is "$STATUS/${ERR##*$'\n'}" "2/ovsim: invalid --cert-days 0: expected 1 to 36500" \
	"--cert-days 0: exit 2"
run "$TOP/scripts/ovsim" --scenario x --port-file y --cert-san 'DNS:a b'
is "$STATUS" 2 "--cert-san with a space: exit 2"
run "$TOP/scripts/ovsim" --scenario x --port-file y --deployments -1
is "$STATUS" 2 "--deployments -1: exit 2"

done_testing
