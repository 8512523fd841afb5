#!/bin/bash
# ovscrape against the OpenVidu simulator: the OpenVidu 2 catalogue through
# the demo scenario's steps (crash, UNSTABLE health, failed recording) and
# the OpenVidu 3 (LiveKit) health and metrics.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/fixtures/ovscrape/sim.sh"

start_sim "$TOP/scripts/scenarios/demo.json" --cert-days 30
inventory "$T/dep.csv" \
	"acme-prod,acme,$SIM_URL/d/acme-prod,openvidu2,$T/sim/secret,4,8,true" \
	"globex-live,globex,https://localhost:$SIM_PORT/d/globex-live/,openvidu2,env:OV_TEST_SECRET,4,8,true" \
	"initech-v3,initech,$SIM_URL/d/initech-v3,openvidu3,,2,4,true"
export OV_TEST_SECRET=$SIM_SECRET
scrape() { run ovscrape --deployments "$T/dep.csv" --cacert "$SIM_CERT" "$@"; }

# --- step 0: everything healthy (09:00) ----------------------------------
scrape --now 2026-11-03T09:00:00Z
is "$STATUS" 0 "healthy poll exits 0"
is "$ERR" "" "healthy poll is silent"
is "$(metric up acme-prod)" 1 "acme-prod up"
is "$(metric up globex-live)" 1 "globex-live up (secret from the environment)"
is "$(metric up initech-v3)" 1 "initech-v3 up"
is "$(jq -r 'select(.metric == "api.ok" and .deployment == "acme-prod") | .labels.endpoint + "=" + (.value|tostring)' <<<"$OUT" | tr '\n' ' ')" \
	"health=1 config=1 media-nodes=1 sessions=1 recordings=1 " \
	"api.ok for each OpenVidu 2 endpoint"
is "$(metric health.up acme-prod)" 1 "health.up 1"
is "$(label health.up status acme-prod)" UP "health status UP"
is "$(metric health.disconnected_media_nodes acme-prod)" 0 \
	"no disconnected media nodes"
is "$(metric cluster.cores acme-prod)" 20 "cluster.cores 4 + 2 x 8"
is "$(metric cluster.cores globex-live)" 12 "globex cluster.cores 4 + 8"
is "$(metric cluster.media_nodes acme-prod)" 2 "two media nodes"
is "$(metric cluster.media_nodes_running acme-prod)" 2 "two running"
is "$(metric sessions.active acme-prod)" 2 "two sessions"
is "$(metric connections.active acme-prod)" 4 "four active connections"
is "$(metric publishers.active acme-prod)" 4 "four publishers"
is "$(metric connections.active globex-live)" 3 "globex three connections"
is "$(jq -r 'select(.metric == "node.cpu_load" and .deployment == "acme-prod") | .node + "=" + (.value|tostring)' <<<"$OUT" | sort | tr '\n' ' ')" \
	"media_i-0a1b=50 media_i-0c2d=20 " "node.cpu_load per media node"
is "$(jq -r 'select(.metric == "node.running" and .node == "media_i-0a1b") | .labels.status' <<<"$OUT")" \
	running "node.running carries the status"
is "$(jq -r 'select(.metric == "node.sessions" and .node == "media_i-0a1b") | .value' <<<"$OUT")" \
	1 "node.sessions from the media node's sessions"
is "$(jq -r 'select(.metric == "node.connected" and .node == "media_i-0c2d") | .value' <<<"$OUT")" \
	1 "node.connected"
is "$(label config.info version acme-prod)" 2.32.2 "config.info version"
is "$(label config.info cluster_id acme-prod)" acme-prod "config.info cluster id"
is "$(metric config.webhook_active acme-prod)" 1 "webhook active"
is "$(metric recordings.active acme-prod)" 0 "no recording at step 0"
is "$(jq -r 'select(.customer == null)' <<<"$OUT")" "" \
	"every sample carries its customer"
is "$(jq -r '.time' <<<"$OUT" | sort -u)" 2026-11-03T09:00:00Z \
	"every sample stamped with --now"

# LiveKit.
is "$(metric health.up initech-v3)" 1 "LiveKit health up"
is "$(metric rooms.active initech-v3)" 1 "LiveKit rooms"
is "$(metric participants.active initech-v3)" 2 "LiveKit participants"
is "$(jq -r 'select(.deployment == "initech-v3") | .metric' <<<"$OUT" | sort | tr '\n' ' ')" \
	"api.ok api.ok health.up participants.active process.cpu_seconds_total rooms.active scrape.duration_seconds tls.cert_expiry_days tracks.published tracks.subscribed up webhooks.failed_total " \
	"LiveKit catalogue"

# --- step 2: two recordings started --------------------------------------
sim_post "/_ovsim/step?to=2"
scrape --now 2026-11-03T09:02:00Z
is "$(metric recordings.active acme-prod)" 2 "two recordings started"

# --- step 9: media_i-0a1b crashes: health 409 UNSTABLE -------------------
sim_post "/_ovsim/step?to=9"
scrape --now 2026-11-03T09:09:00Z
is "$(metric up acme-prod)" 1 "UNSTABLE (409) deployment still up"
is "$(jq -r 'select(.metric == "api.ok" and .labels.endpoint == "health" and .deployment == "acme-prod") | .value' <<<"$OUT")" \
	1 "409 health body is parsed, not an error"
is "$(metric health.up acme-prod)" 0 "health.up 0 when UNSTABLE"
is "$(label health.up status acme-prod)" UNSTABLE "status UNSTABLE"
is "$(metric health.disconnected_media_nodes acme-prod)" 1 \
	"one disconnected media node"
is "$(jq -r 'select(.metric == "node.running" and .node == "media_i-0a1b") | .labels.status' <<<"$OUT")" \
	terminating "crashed node terminating"
is "$(jq -r 'select(.metric == "node.connected" and .node == "media_i-0a1b") | .value' <<<"$OUT")" \
	0 "crashed node disconnected"
is "$(metric cluster.cores acme-prod)" 20 "terminating node still billed"
is "$(metric cluster.media_nodes_running acme-prod)" 1 "one node running"
is "$(metric recordings.failed acme-prod)" 1 "failed recording counted"

sim_post "/_ovsim/step?to=10"
scrape --now 2026-11-03T09:10:00Z
is "$(metric cluster.cores acme-prod)" 12 "gone node no longer billed"
is "$(metric health.up acme-prod)" 1 "health UP again"

# --- LiveKit not ready (406) ---------------------------------------------
sim_post "/_ovsim/fault?deployment=initech-v3&fault=not_ready"
scrape
is "$(metric up initech-v3)" 1 "not-ready LiveKit still answers"
is "$(metric health.up initech-v3)" 0 "LiveKit health.up 0 on 406"
is "$(label health.up status initech-v3)" NOT_READY "status NOT_READY"
sim_clear

# --- certificate expiry, against the real clock --------------------------
scrape
days=$(metric tls.cert_expiry_days acme-prod)
ok $(awk -v d="$days" 'BEGIN { exit !(d > 29 && d <= 30) }'; echo $?) \
	"tls.cert_expiry_days from the served certificate ($days)"
is "$(jq -r 'select(.metric == "tls.cert_expiry_days") | .deployment' <<<"$OUT" | sort | tr '\n' ' ')" \
	"acme-prod globex-live initech-v3 " "certificate read for every HTTPS deployment"

# --- the webhook token in /config never leaves ovscrape ------------------
run ovscrape -vv --deployments "$T/dep.csv" --cacert "$SIM_CERT"
unlike "$OUT$ERR" "SIMULATED-WEBHOOK-TOKEN|Bearer" \
	"OPENVIDU_WEBHOOK_HEADERS never printed"

# --- ages: ghost session, empty recording, stopped recording, launching --
stop_pid "$SIM_PID"
start_sim "$TOP/tests/fixtures/ovscrape/ages.json"
inventory "$T/ages.csv" "ages,acme,$SIM_URL,openvidu2,$T/sim/secret,4,8,true"
sim_post "/_ovsim/step?to=3"
run ovscrape --deployments "$T/ages.csv" --cacert "$SIM_CERT" \
	--now 2026-11-02T09:03:00Z
is "$(metric sessions.active)" 3 "three sessions"
is "$(metric connections.active)" 1 "pending connection not active"
is "$(metric sessions.oldest_empty_seconds)" 180 \
	"ghost sessions: oldest without an active connection, 180 s"
is "$(metric recordings.oldest_started_empty_seconds)" 180 \
	"recording started with size 0 for 180 s"
is "$(metric recordings.oldest_stopped_seconds)" 120 \
	"recording stopped 120 s ago, not ready"
is "$(jq -r 'select(.metric == "node.status_seconds" and .node == "media_new") | .value' <<<"$OUT")" \
	300 "launching node: seconds since launchingTime"
is "$(jq -r 'select(.metric == "node.running" and .node == "media_new") | .value' <<<"$OUT")" \
	0 "launching node not running"
is "$(metric cluster.cores)" 20 "launching node not billed, terminating billed"
is "$(metric cluster.media_nodes)" 3 "launching node registered"
is "$(jq -r 'select(.metric == "node.status_seconds" and .node == "media_drain") | .value' <<<"$OUT")" \
	0 "terminating node, start unknown: 0 on first sight"

# --- --every: rounds at each whole second, flushed, ended by SIGTERM -----
ovscrape --deployments "$T/ages.csv" --cacert "$SIM_CERT" --every 1s \
	--parallel 1 >"$T/every.out" 2>"$T/every.err" &
epid=$!
cleanup "stop_pid $epid"
rounds() { [ "$(grep -c '"metric":"up"' "$T/every.out")" -ge 3 ]; }
wait_for rounds
ok $? "--every: three rounds written while running"
kill -TERM "$epid"
wait "$epid"
is "$?" 0 "--every: SIGTERM ends it with status 0"
times=$(jq -r 'select(.metric == "up") | .time' "$T/every.out")
is "$(sort -u <<<"$times" | wc -l)" "$(wc -l <<<"$times")" \
	"--every: each round has its own time"
is "$(cat "$T/every.err")" "" "--every: silent"
drain=$(jq -r 'select(.metric == "node.status_seconds" and .node == "media_drain") | .value' "$T/every.out" | tr '\n' ' ')
like "$drain" "^0 [1-9]" \
	"--every: terminating node's status_seconds grows from first sight"

# --- response shapes the simulator does not produce ----------------------
# Static files served by Python's http.server (plain HTTP, no auth; query
# strings are ignored): an Enterprise HA health body, webhooks enabled with
# an empty event list, a connection without a status, media nodes in
# statuses the demo never reaches.
sport=$(free_port)
/usr/bin/python3 -m http.server --bind 127.0.0.1 \
	--directory "$TOP/tests/fixtures/ovscrape/static" "$sport" \
	>"$T/static.log" 2>&1 &
cleanup "stop_pid $!"
wait_for curl -sf "http://127.0.0.1:$sport/openvidu/api/config"
inventory "$T/static.csv" \
	"ha,acme,http://127.0.0.1:$sport,openvidu2,$T/sim/secret,4,8,true"
run ovscrape --deployments "$T/static.csv" --now 2026-11-02T10:00:00Z
node_value() {
	jq -r --arg m "$1" --arg n "$2" \
		'select(.metric == $m and .node == $n) | .value' <<<"$OUT"
}
is "$(metric up)" 1 "static: up"
is "$(label health.up status)" UNSTABLE "static: HA clusterStatus read"
is "$(metric health.disconnected_media_nodes)" 2 \
	"static: disconnected nodes counted once across masters"
is "$(metric config.webhook_active)" 0 \
	"static: webhook on with no events is inactive"
is "$(label config.info version)" 2.30.0 "static: version"
unlike "$OUT" "STATIC-FIXTURE-TOKEN" "static: webhook header not printed"
is "$(metric cluster.cores)" 20 \
	"static: waiting-idle-to-terminate billed, failed and launching not"
is "$(metric cluster.media_nodes)" 4 "static: four media nodes"
is "$(metric cluster.media_nodes_running)" 1 "static: one running"
is "$(node_value node.sessions media_a)" 1 "static: sessions from the node"
is "$(node_value node.sessions media_c)" 1 \
	"static: sessions counted by mediaNodeId"
is "$(node_value node.status_seconds media_d)" 90 \
	"static: launching since launchingTime"
is "$(node_value node.status_seconds media_b)" 7200 \
	"static: running since connectionTime"
is "$(node_value node.status_seconds media_a)" 0 \
	"static: unknown status start is 0 on first sight"
is "$(node_value node.cpu_load media_a)" 12.5 "static: fractional load"
is "$(node_value node.connected media_b)" 0 "static: disconnected node"
is "$(metric sessions.active)" 3 "static: three sessions"
is "$(metric connections.active)" 2 \
	"static: pending not counted, no status counted"
is "$(metric publishers.active)" 3 "static: publishers of active connections"
is "$(metric sessions.oldest_empty_seconds)" 4000 "static: ghost session age"
is "$(metric recordings.active)" 1 "static: one recording started"
is "$(metric recordings.failed)" 1 "static: one recording failed"
is "$(metric recordings.oldest_started_empty_seconds)" 300 \
	"static: empty started recording age"
is "$(metric recordings.oldest_stopped_seconds)" 600 \
	"static: stopped since createdAt plus duration"
is "$(metric tls.cert_expiry_days)" "" "static: no certificate over HTTP"

# --- a terminal gets a table (script(1) provides the terminal) ----------
script -qec "ovscrape --deployments '$T/ages.csv' --cacert '$SIM_CERT'" \
	/dev/null >"$T/tty.out" 2>&1
like "$(head -n 1 "$T/tty.out")" "^DEPLOYMENT +NODE +METRIC +VALUE +LABELS" \
	"terminal: table header"
like "$(cat "$T/tty.out")" "ages +media_new +node.running +0 +status=launching" \
	"terminal: one row per sample with its labels"

# --- output is valid records ---------------------------------------------
bad=$(jq -c 'select(.kind != "sample" or (.value|type) != "number" or .deployment == null or .metric == null)' <<<"$OUT")
is "$bad" "" "every line is a sample with a numeric value"

done_testing
