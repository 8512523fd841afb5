#!/bin/bash
# OpenVidu's own Node client (npm openvidu-node-client 2.32.2, installed in
# tests/node by scripts/install-deps) against scripts/ovsim: fetch() parses
# the sessions, listRecordings() the recordings, a wrong secret rejects with
# 401, and TLS stays verified through NODE_EXTRA_CA_CERTS.
source "$(dirname "$0")/lib.sh"

NODE_DIR=$TOP/tests/node
if [ ! -d "$NODE_DIR/node_modules/openvidu-node-client" ] ||
	! command -v node >/dev/null; then
	ok 1 "openvidu-node-client installed (run: cd tests/node && npm ci)"
	done_testing
	exit
fi

SIM=$T/sim
mkdir -p "$SIM"
printf 'sim-secret-42\n' >"$SIM/secret"
"$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/edge.json" \
	--secret-file "$SIM/secret" --port-file "$SIM/port" --state-dir "$SIM" \
	2>"$SIM/log" &
SIM_PID=$!
cleanup "stop_pid $SIM_PID"
wait_for test -s "$SIM/port"
ok $? "port file written"
URL=https://127.0.0.1:$(cat "$SIM/port")

# client [SECRET]: runs client.js with the simulator's certificate trusted.
client() {
	run env OV_SECRET="${1:-sim-secret-42}" \
		NODE_EXTRA_CA_CERTS="$SIM/cert.pem" \
		node "$NODE_DIR/client.js" "$URL"
}
step() {
	curl -sS --cacert "$SIM/cert.pem" -X POST -o /dev/null \
		"$URL/_ovsim/step?to=$1"
}

# Step 0: only the ghost session exists.
client
is "$STATUS" 0 "fetch at step 0 succeeds"
is "$(jq -c '[.changed, [.sessions[] | .sessionId, .connections]]' <<<"$OUT")" \
	'[true,["ses_ghost",0]]' "fetch parses the ghost session"

# Step 1: ses_p has an active and a pending connection; fetch() asks for
# pending connections too, and counts only the active one as active.
step 1
client
is "$STATUS" 0 "fetch at step 1 succeeds"
is "$(jq -c '[.sessions[] | [.sessionId, .connections, .activeConnections,
	.publishers]]' <<<"$OUT")" \
	'[["ses_ghost",0,0,0],["ses_p",2,1,2]]' \
	"sessions, connections, active connections and publishers"
is "$(jq -c '[.sessions[1] | .createdAt, .recording, .mediaMode, .hasVideo]' \
	<<<"$OUT")" '[1767225630000,true,"ROUTED",true]' "session properties"
is "$(jq -c '[.recordings[] | .id, .status] | sort' <<<"$OUT")" \
	'["rec_empty","rec_fail","rec_stuck","started","started","started"]' \
	"listRecordings parses the recordings"

# Step 2: the pending connection is active.
step 2
client
is "$(jq -c '[.sessions[1] | .connections, .activeConnections]' <<<"$OUT")" \
	'[2,2]' "pending connection becomes active"

# A wrong secret rejects with Error("401").
client wrong-secret
is "$STATUS" 1 "wrong secret: client.js fails"
is "$ERR" "client.js: 401" "wrong secret: rejected with 401"

# Without the certificate trusted, TLS verification fails.
run env OV_SECRET=sim-secret-42 node "$NODE_DIR/client.js" "$URL"
is "$STATUS" 1 "untrusted certificate: client.js fails"

done_testing
