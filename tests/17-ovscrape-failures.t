#!/bin/bash
# ovscrape failure classes: each gives up 0 with a precise labels.error and
# one line on standard error naming the deployment; a broken deployment
# never takes the others down; the secret appears nowhere.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/fixtures/ovscrape/sim.sh"

start_sim "$TOP/scripts/scenarios/demo.json"
inventory "$T/dep.csv" \
	"acme-prod,acme,$SIM_URL/d/acme-prod,openvidu2,$T/sim/secret,4,8,true" \
	"globex-live,globex,$SIM_URL/d/globex-live,openvidu2,$T/sim/secret,4,8,true"
scrape() {
	run ovscrape --deployments "$T/dep.csv" --cacert "$SIM_CERT" \
		--timeout 2s --retries 0 "$@"
}

# fault_case FAULT ERROR: sets FAULT on acme-prod and checks the outcome.
fault_case() {
	local fault=$1 error=$2
	sim_clear
	sim_post "/_ovsim/fault?deployment=acme-prod&fault=$fault"
	scrape
	is "$(metric up acme-prod)" 0 "$fault: acme-prod down"
	is "$(label up error acme-prod)" "$error" "$fault: labels.error $error"
	is "$(metric up globex-live)" 1 "$fault: globex-live still up"
	is "$STATUS" 1 "$fault: exit status 1"
	is "$(grep -c 'acme-prod' <<<"$ERR")" 1 \
		"$fault: one line on standard error names the deployment"
	like "$ERR" "^ovscrape: acme-prod: down \($error\): " \
		"$fault: message says down and why"
}

fault_case auth auth
fault_case http_500 http_500
fault_case truncated truncated
fault_case close truncated
fault_case invalid_json invalid_json
fault_case huge too_large
fault_case redirect_loop redirect_loop

# slow: the time limit ends acme-prod; globex-live answers meanwhile.
sim_clear
sim_post "/_ovsim/fault?deployment=acme-prod&fault=slow&seconds=4"
scrape --timeout 2s
is "$(label up error acme-prod)" timeout "slow: labels.error timeout"
is "$(metric up globex-live)" 1 "slow: globex-live up"
like "$ERR" "acme-prod: down \(timeout\)" "slow: timeout reported"
# Samples are written as each deployment finishes.
is "$(jq -r .deployment <<<"$OUT" | uniq | tr '\n' ' ')" \
	"globex-live acme-prod " "slow: globex-live not held up by acme-prod"

# Only /sessions fails: the deployment is up, api.ok says which endpoint.
sim_clear
sim_post "/_ovsim/fault?deployment=acme-prod&fault=sessions_500"
scrape
is "$(metric up acme-prod)" 1 "sessions_500: deployment up"
is "$(jq -r 'select(.metric == "api.ok" and .deployment == "acme-prod" and .value == 0) | .labels.endpoint + " " + .labels.error' <<<"$OUT")" \
	"sessions http_500" "sessions_500: api.ok 0 for sessions only"
is "$(metric sessions.active acme-prod)" "" "sessions_500: no session counts"
is "$(metric cluster.cores acme-prod)" 20 "sessions_500: cores still reported"
like "$ERR" "warning: acme-prod: sessions endpoint failed \(http_500\)" \
	"sessions_500: warning names the endpoint"

# Health DOWN (503) is an answer: the body is parsed.
sim_clear
sim_post "/_ovsim/fault?deployment=acme-prod&fault=health_503"
scrape
is "$(metric up acme-prod)" 1 "health_503: deployment answered"
is "$(label health.up status acme-prod)" DOWN "health_503: status DOWN"
is "$(metric health.up acme-prod)" 0 "health_503: health.up 0"

# Retries: -v notes each retry of a 500.
sim_clear
sim_post "/_ovsim/fault?deployment=acme-prod&fault=http_500"
run ovscrape -v --deployments "$T/dep.csv" --cacert "$SIM_CERT" --retries 2
is "$(grep -c 'acme-prod: health: HTTP 500; retrying' <<<"$ERR")" 2 \
	"--retries 2: two retries of the health request"
is "$(label up error acme-prod)" http_500 "--retries: still http_500"
# Retries stay within the deployment's time limit: after 250 and 500 ms of
# delay, the next 1 s delay would pass --timeout 1s.
run ovscrape -v --deployments "$T/dep.csv" --cacert "$SIM_CERT" \
	--retries 10 --timeout 1s
retries=$(grep -c 'acme-prod: health: HTTP 500; retrying' <<<"$ERR")
ok $((retries <= 2 ? 0 : 1)) "--retries 10 bounded by --timeout ($retries)"
sim_clear

# The ovscrape(1) example that lists the deployments down.
sim_post "/_ovsim/fault?deployment=acme-prod&fault=auth"
down=$(ovscrape --deployments "$T/dep.csv" --cacert "$SIM_CERT" 2>/dev/null |
	jq -r 'select(.metric == "up" and .value == 0) |
		.deployment + " " + .labels.error')
is "$down" "acme-prod auth" "man page example lists the deployments down"
sim_clear

# --- transport failures without the simulator ----------------------------
port=$(free_port)
# A host name label longer than 63 bytes fails in the local resolver, so
# the test sends no DNS query off the machine.
long=$(printf 'a%.0s' $(seq 1 70))
inventory "$T/net.csv" \
	"refused,acme,https://127.0.0.1:$port,openvidu2,$T/sim/secret,4,8,true" \
	"nodns,acme,https://$long.example,openvidu2,$T/sim/secret,4,8,true" \
	"badtls,acme,$SIM_URL/d/acme-prod,openvidu2,$T/sim/secret,4,8,true" \
	"notls,acme,$SIM_URL/d/globex-live,openvidu2,$T/sim/secret,4,8,false"
run env -u CURL_CA_BUNDLE ovscrape -q --deployments "$T/net.csv" --retries 0
is "$(label up error refused)" refused "closed port: refused"
is "$(label up error nodns)" dns "unresolvable name: dns"
is "$(label up error badtls)" tls "self-signed certificate not trusted: tls"
is "$(metric up notls)" 1 "tls_verify false: polled without verification"
like "$ERR" "badtls: down \(tls\): .*certificate" "tls error says why"
run env CURL_CA_BUNDLE="$SIM_CERT" ovscrape -q --deployments "$T/net.csv" \
	--retries 0
is "$(metric up badtls)" 1 "CURL_CA_BUNDLE trusts the simulator's CA"
inventory "$T/name.csv" \
	"byname,acme,https://localhost:$SIM_PORT/d/acme-prod,openvidu2,$T/sim/secret,4,8,true"
run ovscrape --deployments "$T/name.csv" --cacert "$SIM_CERT"
is "$(metric up byname)" 1 "certificate matches the name localhost"

# --- the secret never shows ----------------------------------------------
secret=$SIM_SECRET
sim_post "/_ovsim/fault?deployment=acme-prod&fault=auth"
run ovscrape -vv --deployments "$T/dep.csv" --cacert "$SIM_CERT"
unlike "$OUT$ERR" "$secret" "secret absent from output and -vv messages"
sim_clear
export OV_TEST_SECRET=$secret
inventory "$T/env.csv" \
	"acme-prod,acme,$SIM_URL/d/acme-prod,openvidu2,env:OV_TEST_SECRET,4,8,true"
run ovscrape -vv --deployments "$T/env.csv" --cacert "$SIM_CERT"
is "$(metric up acme-prod)" 1 "secret from env:NAME accepted"
unlike "$OUT$ERR" "$secret" "environment secret absent from output"

# --every reads the secret again before each round: a rotated secret is
# used without a restart.
printf 'wrong-secret\n' >"$T/rotating"
chmod 600 "$T/rotating"
inventory "$T/rot.csv" \
	"acme-prod,acme,$SIM_URL/d/acme-prod,openvidu2,$T/rotating,4,8,true"
ovscrape --deployments "$T/rot.csv" --cacert "$SIM_CERT" --every 1s \
	>"$T/rot.out" 2>"$T/rot.err" &
rpid=$!
cleanup "stop_pid $rpid"
wait_for grep -q '"error":"auth"' "$T/rot.out"
ok $? "--every: wrong secret rejected"
cp "$T/sim/secret" "$T/rotating"
wait_for grep -q '"metric":"up","value":1' "$T/rot.out"
ok $? "--every: rotated secret used in a later round"
kill -TERM "$rpid"
wait "$rpid"
is "$?" 1 "--every: exit status 1 after a round with the deployment down"
unlike "$(cat "$T/rot.out" "$T/rot.err")" "$secret" \
	"--every: secret absent from output"

# Look at the command line of a running ovscrape (the slow fault keeps it
# waiting), as ps would show it to every user.
sim_post "/_ovsim/fault?deployment=acme-prod&fault=slow&seconds=2"
ovscrape --deployments "$T/dep.csv" --cacert "$SIM_CERT" --timeout 1s \
	>"$T/slow.out" 2>&1 &
pid=$!
wait_for grep -q ovscrape "/proc/$pid/cmdline"
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
like "$cmdline" "ovscrape --deployments" "command line read while running"
unlike "$cmdline" "$secret" "secret absent from /proc/PID/cmdline"
wait "$pid"
unlike "$(cat "$T/slow.out")" "$secret" "secret absent after a timeout"
sim_clear

done_testing
