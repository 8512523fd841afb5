#!/bin/bash
# scripts/ovsim faults: each kind set on demand and cleared, faults from the
# scenario, a fault on one deployment leaves the others alone.
source "$(dirname "$0")/lib.sh"

SIM=$T/sim
mkdir -p "$SIM"
printf 'user = "OPENVIDUAPP:MY_SECRET"\n' >"$SIM/auth.conf"
"$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/edge.json" \
	--port-file "$SIM/port" --state-dir "$SIM" 2>"$SIM/log" &
SIM_PID=$!
cleanup "stop_pid $SIM_PID"
wait_for test -s "$SIM/port"
ok $? "port file written"
URL=https://127.0.0.1:$(cat "$SIM/port")

# get PATH [CURL-OPTIONS...]: GET with the secret; sets CODE, BODY and RC.
get() {
	local path=$1
	shift
	CODE=$(curl -sS --cacert "$SIM/cert.pem" -K "$SIM/auth.conf" \
		-o "$SIM/body" -w '%{http_code}' "$@" "$URL$path" 2>"$SIM/curl.err")
	RC=$?
	BODY=$(cat "$SIM/body" 2>/dev/null)
	rm -f "$SIM/body"
}
# control METHOD PATH: calls the control API.
control() {
	CODE=$(curl -sS --cacert "$SIM/cert.pem" -X "$1" -o "$SIM/body" \
		-w '%{http_code}' "$URL$2")
	BODY=$(cat "$SIM/body")
}
# fault KIND [EXTRA-QUERY]: sets a fault on deployment "edge".
fault() {
	control POST "/_ovsim/fault?deployment=edge&fault=$1${2:-}"
	[ "$CODE" = 200 ] || echo "# setting fault $1 failed: $CODE $BODY"
}
clear_faults() { control DELETE "/_ovsim/fault?deployment=edge"; }

fault auth
is "$(jq -c '.deployments[0].faults' <<<"$BODY")" '{"auth":5}' \
	"state lists the fault"
get /openvidu/api/health
is "$CODE/$BODY" "401/" "auth: 401 with the right secret"
get /openvidu/api/config
is "$CODE" 401 "auth: 401 on config"
clear_faults
is "$CODE/$(jq -c '.deployments[0].faults' <<<"$BODY")" '200/{}' \
	"DELETE clears the faults"
get /openvidu/api/health
is "$CODE" 200 "health back to 200 after clearing"

fault http_500
for path in health config media-nodes sessions recordings; do
	get "/openvidu/api/$path"
	is "$CODE/$(jq -r .status <<<"$BODY")" 500/500 "http_500 on $path"
done
get /d/lk/livekit/
is "$CODE/$BODY" 200/OK "http_500 on one deployment leaves another alone"
clear_faults

fault sessions_500
get /openvidu/api/sessions
is "$CODE" 500 "sessions_500: sessions 500"
get /openvidu/api/sessions/ses_p
is "$CODE" 500 "sessions_500: one session 500"
get /openvidu/api/health
is "$CODE" 200 "sessions_500: health still 200"
get /openvidu/api/media-nodes
is "$CODE" 200 "sessions_500: media-nodes still 200"
clear_faults

fault health_503
get /openvidu/api/health
is "$CODE" 503 "health_503: 503"
is "$(jq -c . <<<"$BODY")" \
	'{"status":"DOWN","disconnectedMediaNodes":["media_n1","media_n3"]}' \
	"health_503: DOWN body lists the watched nodes"
get /openvidu/api/config
is "$CODE" 200 "health_503: config still 200"
clear_faults

fault truncated
get /openvidu/api/sessions
is "$RC/$CODE" 18/200 "truncated: curl reports a partial body"
like "$(cat "$SIM/curl.err")" "transfer closed with 1000 bytes remaining" \
	"truncated: body 1000 bytes short"
clear_faults

fault invalid_json
get /openvidu/api/sessions
is "$RC/$CODE" 0/200 "invalid_json: 200"
jq . <<<"$BODY" >/dev/null 2>&1
ok $((!$?)) "invalid_json: body is not JSON"
clear_faults

fault huge
get /openvidu/api/sessions
is "$RC/$CODE/${#BODY}" 0/200/20971520 "huge: 20 MiB body"
is "$(jq -r .numberOfElements <<<"$BODY")" 0 "huge: body is valid JSON"
get /openvidu/api/sessions --max-filesize 1048576
is "$RC" 63 "huge: Content-Length announces the size"
clear_faults

fault redirect_loop
get /openvidu/api/health
is "$CODE" 302 "redirect_loop: 302"
get /openvidu/api/health -L --max-redirs 5
is "$RC" 47 "redirect_loop: redirects never end"
CODE=$(curl -sS --cacert "$SIM/cert.pem" -o /dev/null \
	-w '%{redirect_url}' "$URL/openvidu/api/health")
is "$CODE" "$URL/openvidu/api/health" "redirect_loop: Location is the same path"
clear_faults

fault close
get /openvidu/api/health
is "$RC/$CODE" 52/000 "close: connection closed without an answer"
clear_faults

fault not_ready
get /d/lk/livekit/
is "$CODE/$BODY" "200/OK" "not_ready on edge leaves lk alone"
control POST "/_ovsim/fault?deployment=lk&fault=not_ready"
get /d/lk/livekit/
is "$CODE/$BODY" "406/Not Ready" "not_ready: LiveKit health 406"
get /d/lk/livekit/metrics
is "$CODE" 200 "not_ready: metrics still served"
control POST "/_ovsim/fault?deployment=lk&fault=auth"
get /d/lk/livekit/metrics
is "$CODE" 401 "auth fault on LiveKit metrics: 401"
control DELETE "/_ovsim/fault"
get /d/lk/livekit/
is "$CODE" 200 "DELETE without a deployment clears all"

# slow: the answer waits; another deployment answers meanwhile.
fault slow "&seconds=1"
start=$(date +%s%N)
get /openvidu/api/health
elapsed=$((($(date +%s%N) - start) / 1000000))
is "$CODE" 200 "slow: the answer comes"
ok $((elapsed < 1000)) "slow: delayed by at least 1 s (${elapsed} ms)"
get /openvidu/api/health --max-time 0.3
is "$RC" 28 "slow: a client timeout fires"
fault slow "&seconds=2"
curl -sS --cacert "$SIM/cert.pem" -K "$SIM/auth.conf" -o /dev/null \
	"$URL/openvidu/api/health" &
slow_pid=$!
cleanup "kill $slow_pid"
get /d/lk/livekit/ --max-time 1.5
is "$RC/$CODE" 0/200 "slow deployment does not block another"
wait "$slow_pid"
clear_faults

# Faults from the scenario: sessions answer 500 at step 3 only.
control POST '/_ovsim/step?to=3'
get /openvidu/api/sessions
is "$CODE" 500 "scenario fault at step 3"
get /openvidu/api/health
is "$CODE" 200 "scenario fault leaves health alone"
control POST /_ovsim/step
get /openvidu/api/sessions
is "$CODE" 200 "scenario fault over at step 4"

# Invalid requests to the fault API.
control POST "/_ovsim/fault?deployment=edge&fault=meltdown"
is "$CODE" 400 "unknown fault kind: 400"
like "$(jq -r .error <<<"$BODY")" "invalid fault 'meltdown'" \
	"unknown fault kind: message"
control POST "/_ovsim/fault?deployment=nope&fault=auth"
is "$CODE" 404 "fault on an unknown deployment: 404"
control POST "/_ovsim/fault?deployment=edge&fault=slow&seconds=9999"
is "$CODE" 400 "slow seconds out of range: 400"
control POST "/_ovsim/fault?deployment=edge&fault=slow&seconds=abc"
is "$CODE" 400 "slow seconds not a number: 400"
control PUT "/_ovsim/fault?deployment=edge&fault=auth"
is "$CODE" 405 "PUT fault: 405"
get /openvidu/api/health
is "$CODE" 200 "no fault left behind"

# SIGTERM ends answers held back by a slow fault.
fault slow "&seconds=60"
curl -sS --cacert "$SIM/cert.pem" -K "$SIM/auth.conf" -o /dev/null \
	"$URL/openvidu/api/health" 2>/dev/null &
held_pid=$!
cleanup "kill $held_pid"
held() { # true once the simulator is answering a request
	curl -sS --cacert "$SIM/cert.pem" "$URL/_ovsim/state" |
		jq -e '.requests_in_progress > 0'
}
wait_for held
ok $? "slow request in progress"
kill "$SIM_PID"
for ((i = 0; i < 30; i++)); do
	kill -0 "$SIM_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$SIM_PID" 2>/dev/null
ok $((!$?)) "SIGTERM stops it during a slow answer"
wait "$SIM_PID"
is $? 0 "exit status 0"
for ((i = 0; i < 30; i++)); do
	kill -0 "$held_pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$held_pid" 2>/dev/null
ok $((!$?)) "the held client is let go"

done_testing
