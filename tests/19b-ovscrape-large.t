#!/bin/bash
# ovscrape on answers near the 8 MiB limit with hundreds of thousands of
# media nodes, sessions and disconnected names: the counts are right and
# the work stays linear or n log n.  Quadratic lookups took hours on these
# bodies, so the `timeout` below is a hang guard, not a speed goal.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/fixtures/ovscrape/sim.sh"

api=$T/big/openvidu/api
mkdir -p "$api"
# 600000 disconnected names, 400000 distinct; 100000 media nodes without
# a "sessions" list, so their sessions are counted by mediaNodeId; 200000
# sessions on the nodes m0 to m999.
/usr/bin/python3 - "$api" <<'EOF'
import json, os, sys
d = sys.argv[1]
def put(name, obj):
    with open(os.path.join(d, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
put("health", {"status": "UNSTABLE", "disconnectedMediaNodes":
    ["n%d" % (i % 400000) for i in range(600000)]})
put("media-nodes", {"content": [{"id": "m%d" % i, "status": "running"}
    for i in range(100000)]})
put("sessions", {"content": [{"id": "s%d" % i, "mediaNodeId":
    "m%d" % (i % 1000)} for i in range(200000)]})
put("config", {"VERSION": "2.30.0"})
put("recordings", {"count": 0, "items": []})
EOF

port=$(free_port)
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$T/big" \
	"$port" >"$T/http.log" 2>&1 &
cleanup "stop_pid $!"
wait_for curl -sf "http://127.0.0.1:$port/openvidu/api/config"
printf 'big-secret\n' >"$T/secret"
chmod 600 "$T/secret"
inventory "$T/dep.csv" \
	"big,acme,http://127.0.0.1:$port,openvidu2,$T/secret,4,8,true"

timeout 600 ovscrape --deployments "$T/dep.csv" --timeout 60s \
	--now 2026-11-02T10:00:00Z >"$T/out" 2>"$T/err"
is "$?" 0 "large bodies: exit status 0, no hang"
is "$(cat "$T/err")" "" "large bodies: silent"
# value METRIC [NODE]: the value of a sample, read from the matching lines.
value() {
	grep "\"metric\":\"$1\"" "$T/out" |
		jq -r --arg n "${2-}" 'select(($n == "") or (.node == $n))
			| .value'
}
is "$(value health.disconnected_media_nodes)" 400000 \
	"large health: distinct disconnected names"
is "$(value cluster.media_nodes)" 100000 "large media nodes: all counted"
is "$(value cluster.cores)" 800004 "large media nodes: cores of each"
is "$(value node.sessions m7)" 200 "sessions counted by mediaNodeId"
is "$(value node.sessions m1000)" 0 "node without sessions has 0"
is "$(grep -c '"metric":"node.status_seconds"' "$T/out")" 100000 \
	"status_seconds for every node"

# A body that is not UTF-8 is not JSON (RFC 8259): its bytes would
# otherwise reach the records, which must be UTF-8.
printf '{"status":"UP"}' >"$api/health"
printf '{"content":[{"id":"m\xff1","status":"running"}]}' >"$api/media-nodes"
run ovscrape --deployments "$T/dep.csv" --now 2026-11-02T10:00:00Z
is "$STATUS" 0 "invalid UTF-8: deployment still up"
is "$(jq -r 'select(.metric == "api.ok" and .labels.endpoint == "media-nodes")
	| .labels.error' <<<"$OUT")" invalid_json \
	"invalid UTF-8: media-nodes is invalid_json"
/usr/bin/python3 -c '
import sys
sys.stdin.buffer.read().decode("utf-8")' <<<"$OUT"
is "$?" 0 "invalid UTF-8: output is UTF-8"
like "$ERR" "warning: big: media-nodes endpoint failed \(invalid_json\)" \
	"invalid UTF-8: warning names the endpoint"

done_testing
