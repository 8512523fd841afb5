#!/bin/bash
# ovscrape events: CDR lines and webhook bodies become event records, bad
# lines are reported by file and line without stopping the run, duplicate
# deliveries pass once, and -f follows a CDR folder across rotation.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/fixtures/ovscrape/sim.sh"
F=$TOP/tests/fixtures/ovscrape

inventory "$T/dep.csv" \
	"acme-prod,acme,https://127.0.0.1:9/,openvidu2,env:X,4,8,true"

# --- usage ---------------------------------------------------------------
run ovscrape events --help
is "$STATUS" 0 "events --help exits 0"
like "$OUT" "^usage: ovscrape events" "events --help shows its usage"
run ovscrape events "$F/cdr.log"
is "$STATUS" 2 "--deployment is required"
run ovscrape events --deployment 'bad name' "$F/cdr.log"
is "$STATUS" 2 "invalid deployment name rejected"
run ovscrape events --deployment nope --deployments "$T/dep.csv" "$F/cdr.log"
is "$STATUS" 3 "deployment missing from the inventory exits 3"
like "$ERR" "deployment 'nope' not found" "missing deployment named"

# --- CDR file --------------------------------------------------------------
run ovscrape events --deployment acme-prod --deployments "$T/dep.csv" \
	"$F/cdr.log"
is "$STATUS" 1 "bad lines make the exit status 1"
is "$(jq -r .event <<<"$OUT" | tr '\n' ' ')" \
	"sessionCreated nodeCrashed recordingStatusChanged participantLeft participantLeft mediaNodeStatusChanged sessionDestroyed " \
	"valid lines around bad ones become events, duplicate passed once"
is "$(jq -r '.customer' <<<"$OUT" | sort -u)" acme "customer from --deployments"
is "$(jq -r '.deployment' <<<"$OUT" | sort -u)" acme-prod "deployment label"
is "$(jq -r 'select(.event == "nodeCrashed") | .time' <<<"$OUT")" \
	2026-11-02T09:07:31Z "time from the millisecond timestamp, truncated"
is "$(jq -r 'select(.event == "nodeCrashed") | .node' <<<"$OUT")" \
	media_i-0a1b "nodeCrashed node is the media node id"
is "$(jq -c 'select(.event == "nodeCrashed") | .fields | [.environmentId, .nodeRole, .sessionIds, has("timestamp")]' <<<"$OUT")" \
	'["i-0a1b","medianode",["ses_A1"],false]' \
	"fields kept, timestamp removed"
is "$(jq -r 'select(.event == "recordingStatusChanged") | .node + " " + .fields.status' <<<"$OUT")" \
	"media_i-0a1b failed" "recording event: node from media_node_id, status"
is "$(jq -r 'select(.event == "mediaNodeStatusChanged") | .fields.newStatus' <<<"$OUT")" \
	terminating "mediaNodeStatusChanged newStatus"
is "$(jq -r 'select(.event == "participantLeft") | .fields.reason' <<<"$OUT" | sort -u)" \
	nodeCrashed "participantLeft reason"
is "$(jq -r 'select(.event == "participantLeft") | .node' <<<"$OUT" | sort -u)" \
	null "no node on session events"
like "$ERR" "cdr.log:6: invalid JSON" "non-JSON line reported with its line"
like "$ERR" "cdr.log:8: missing \"timestamp\"" "missing timestamp reported"
like "$ERR" "cdr.log:10: not an OpenVidu event" "two-key object reported"
like "$ERR" "cdr.log:11: \"timestamp\" must be milliseconds" \
	"negative timestamp reported"
is "$(grep -c . <<<"$ERR")" 4 "one message per bad line"

run ovscrape events --strict --deployment acme-prod "$F/cdr.log"
is "$(grep -c . <<<"$OUT")" 5 "--strict stops at the first bad line"

run ovscrape events --deployment acme-prod --rejects "$T/rejects" "$F/cdr.log"
is "$(sed -n 1p "$T/rejects")" "this line is not JSON" "--rejects keeps bad lines"
is "$(grep -c . "$T/rejects")" 4 "--rejects keeps every bad line"

# --- webhook bodies (BOM, CRLF, no final newline) ------------------------
run ovscrape events -v --deployment acme-prod <"$F/webhook.ndjson"
is "$(jq -r '.event + " " + (.fields.status // .fields.reason // "-")' <<<"$OUT" | tr '\n' ',')" \
	"recordingStatusChanged ready,recordingStatusChanged failed,nodeRecovered -,participantLeft networkDisconnect," \
	"webhook bodies: duplicate ready passed once, failed kept"
is "$(jq -r 'select(.event == "nodeRecovered") | .node' <<<"$OUT")" \
	media_i-0c2d "nodeRecovered node"
is "$(jq -c 'select(.event == "nodeRecovered") | .fields | has("event")' <<<"$OUT")" \
	false "event key removed from webhook fields"
like "$ERR" "<stdin>:5: \"event\" must be a non-empty string" \
	"empty event name reported"
like "$ERR" "<stdin>:2: duplicate recordingStatusChanged event skipped" \
	"-v notes the duplicate"
is "$(jq -r 'select(.event == "participantLeft") | .time' <<<"$OUT")" \
	2026-11-02T09:13:20Z "last line without newline read"

# Hostile lines: each is reported and the good line after them still read.
{
	printf '{"nodeCrashed":{"timestamp":1,"id":"a","id":"b"}}\n'
	printf '{"nodeCrashed":{"timestamp":1,"id":"a\\u0000b"}}\n'
	printf '{"nodeCrashed":{"timestamp":1,"id":"\xff"}}\n'
	printf '{"nodeCrashed":{"timestamp":9007199254740993}}\n'
	printf '{"nodeCrashed":{"timestamp":"1793610000000"}}\n'
	printf '{"nodeCrashed":{"timestamp":1793610000000,"x":"%s"}}\n' \
		"$(head -c 3000 /dev/zero | tr '\0' x)"
	printf '%.0s[' $(seq 1 2000)
	printf '\n{"nodeCrashed":{"timestamp":1'
	printf '\n{"nodeCrashed":"no fields object"}\n'
	printf '{"event":"nodeRecovered","timestamp":1793610000000,"id":"ok"}\n'
} >"$T/hostile"
run ovscrape events --max-line 2048 --deployment acme-prod "$T/hostile"
is "$STATUS" 1 "hostile lines: exit status 1"
is "$(jq -r .fields.id <<<"$OUT")" ok "good line after hostile ones read"
for n in 1 2 3 4 5 6 7 8 9; do
	like "$ERR" "hostile:$n: " "hostile line $n reported"
done
like "$ERR" "hostile:1: .*duplicate" "duplicate key named"
like "$ERR" "hostile:6: .*longer than" "line over --max-line named"

# The duplicate window is bounded: the same event after 5000 others is
# written again rather than remembered forever.
{
	cat "$F/webhook.ndjson" | head -n 1
	for i in $(seq 1 5000); do
		printf '{"event":"signalSent","timestamp":%d,"sessionId":"s"}\n' \
			$((1793610000000 + i))
	done
	head -n 1 "$F/webhook.ndjson"
} >"$T/window"
run ovscrape events --deployment acme-prod "$T/window"
is "$(grep -c recordingStatusChanged <<<"$OUT")" 2 \
	"dedupe memory bounded by its window"

# --- the same record whatever the spelling ------------------------------
# Plain lines are read without cJSON; blanks, escapes, UTF-8 and numbers
# that need decoding take the cJSON path.  Both must give one record.
cat >"$T/spelled" <<'EOF'
{"participantJoined":{"timestamp":1793610000000,"sessionId":"s1","clientData":"{\"a\":1}","n":[1,{"b":true}],"u":"ñ"}}
 {"participantJoined" : { "timestamp" : 1793610000001 , "sessionId" : "s1" , "clientData" : "{\"a\":1}" , "n" : [ 1 , { "b" : true } ] , "u" : "ñ" } }	
{"participantJoined":{"timestamp":1793610000002,"sessionId":"s\u0031","clientData":"{\"a\":1}","n":[1.0,{"b":true}],"u":"\u00f1"}}
{"event":"participantJoined","timestamp":1793610000003,"sessionId":"s1","clientData":"{\"a\":1}","n":[1,{"b":true}],"u":"ñ"}
EOF
run ovscrape events --deployment acme-prod "$T/spelled"
is "$STATUS" 0 "differently spelled lines accepted"
is "$(sed 's/"time":"[^"]*",//' <<<"$OUT" | sort -u)" \
	'{"kind":"event","deployment":"acme-prod","event":"participantJoined","fields":{"sessionId":"s1","clientData":"{\"a\":1}","n":[1,{"b":true}],"u":"ñ"}}' \
	"compact, spaced, escaped and webhook lines give the same record"
printf '%s\n' '{"e":{"timestamp":1,"id":"x"}}' '{"e":{"timestamp":1, "id":"x"}}' \
	'{"e":{"timestamp":1,"id":"\u0078"}}' >"$T/dupspelled"
run ovscrape events --deployment acme-prod "$T/dupspelled"
is "$(grep -c . <<<"$OUT")" 1 "a duplicate is found however it is spelled"

printf '{"":{"timestamp":1}}\n' >"$T/noname"
run ovscrape events --deployment acme-prod "$T/noname"
is "$STATUS:$OUT" "1:" "CDR line with an empty event name rejected"

# A raw NUL byte would cut a string short: the line is rejected instead.
printf '{"event":"nodeCrashed\000junk","timestamp":1,"id":"n1"}\n' >"$T/nul"
run ovscrape events --deployment acme-prod "$T/nul"
is "$STATUS:$OUT" "1:" "line with a NUL byte rejected"
like "$ERR" "nul:1: NUL byte at column 22" "NUL byte named with its column"

# --- follow a CDR folder across daily rotation ---------------------------
mkdir "$T/cdr"
day1=$T/cdr/CDR.2026-11-02_08-00-00.log
sed -n 1,2p "$F/cdr.log" >"$day1"
ovscrape events -f --poll 1s --deployment acme-prod "$T/cdr" \
	>"$T/follow.out" 2>"$T/follow.err" &
fpid=$!
cleanup "stop_pid $fpid"
wait_for grep -q nodeCrashed "$T/follow.out"
is "$(grep -c . "$T/follow.out")" 2 "existing lines read on start"
sed -n 3p "$F/cdr.log" >>"$day1"
printf '%s' '{"sessionDestroyed":{"timestamp":1793700000000,' \
	>"$T/cdr/CDR.2026-11-03_00-00-00.log"
wait_for grep -q recordingStatusChanged "$T/follow.out"
is "$(grep -c . "$T/follow.out")" 3 "appended line read, partial line held"
printf '%s\n' '"sessionId":"ses_Z"}}' >>"$T/cdr/CDR.2026-11-03_00-00-00.log"
printf 'not json\n' >>"$T/cdr/CDR.2026-11-03_00-00-00.log"
wait_for grep -q ses_Z "$T/follow.out"
is "$(jq -r 'select(.fields.sessionId == "ses_Z") | .time' "$T/follow.out")" \
	2026-11-03T10:00:00Z "line completed in the new day's file"
wait_for grep -q 'CDR.2026-11-03_00-00-00.log:2: invalid JSON' "$T/follow.err"
like "$(cat "$T/follow.err")" "CDR.2026-11-03_00-00-00.log:2: invalid JSON" \
	"bad line in a followed file reported with file and line"
kill -TERM "$fpid"
wait "$fpid"
is "$?" 1 "SIGTERM ends -f; a bad line makes the exit status 1"

# A byte order mark and "\r\n" do not count towards --max-line, in a file
# read once or followed.
line70='{"e":{"timestamp":1,"x":"'$(printf 'a%.0s' $(seq 42))'"}}'
mkdir "$T/bom"
printf '\xef\xbb\xbf%s\r\n%s\r\n' "$line70" "${line70%\"\}\}}aa\"}}" \
	>"$T/bom/CDR.2026-11-02_00-00-00.log"
run ovscrape events --deployment acme-prod --max-line 70 \
	"$T/bom/CDR.2026-11-02_00-00-00.log"
is "$(grep -c . <<<"$OUT")" 1 "line of --max-line bytes after a BOM read"
like "$ERR" ":2: line longer than --max-line \(70 bytes\)" \
	"longer line skipped"
ovscrape events -f --deployment acme-prod --max-line 70 "$T/bom" \
	>"$T/bom.out" 2>"$T/bom.err" &
bpid=$!
cleanup "stop_pid $bpid"
wait_for grep -q "longer than" "$T/bom.err"
wait_for grep -q '"x"' "$T/bom.out"
is "$(grep -c . "$T/bom.out")" 1 "followed: line after a BOM read"
like "$(cat "$T/bom.err")" ":2: line longer than --max-line \(70 bytes\)" \
	"followed: longer line skipped with the same message"
kill -TERM "$bpid"
wait "$bpid"

# --- follow the simulator's CDR as it advances ---------------------------
start_sim "$TOP/scripts/scenarios/demo.json" --cdr-dir "$T/simcdr"
ovscrape events -f --deployment acme-prod --deployments "$T/dep.csv" \
	"$T/simcdr" >"$T/sim.out" 2>"$T/sim.err" &
spid=$!
cleanup "stop_pid $spid"
sim_post "/_ovsim/step?to=9"
wait_for grep -q nodeCrashed "$T/sim.out"
is "$(jq -r 'select(.event == "nodeCrashed") | .node + " " + .time' "$T/sim.out")" \
	"media_i-0a1b 2026-11-03T09:09:00Z" "simulator's nodeCrashed followed"
kill -INT "$spid"
wait "$spid"
is "$?" 0 "SIGINT ends -f with status 0"
is "$(cat "$T/sim.err")" "" "following the simulator is silent"

done_testing
