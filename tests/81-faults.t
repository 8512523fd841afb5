#!/bin/bash
# Crashes and faults: a closed pipe ends every program quietly; SIGKILL at
# random points of `ovalarm --state` and `ovsla check --state` never
# corrupts the state, and rerunning the killed step loses and doubles
# nothing; a file size limit gives a clear error and keeps the old state;
# two runs on one state at once are serialised by its lock.
source "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# Samples of 200 series whose CPU load crosses the alarm threshold back and
# forth, one sample a minute for 24 hours, in 24 hourly chunks.
/usr/bin/python3 - <<'PY'
import json
for hour in range(24):
    with open("chunk%02d.nd" % hour, "w") as f:
        for minute in range(60):
            for s in range(200):
                t = "2026-11-02T%02d:%02d:00Z" % (hour, minute)
                load = 95 if (hour * 60 + minute + s * 7) % 47 < 20 else 40
                f.write(json.dumps({"kind": "sample", "time": t,
                    "customer": "acme", "deployment": "d%d" % (s % 5),
                    "node": "media_%d" % s, "metric": "node.cpu_load",
                    "value": load}, separators=(",", ":")) + "\n")
PY
cat chunk*.nd >all.nd

# A closed pipe ends each program quietly.
for i in $(seq 1 2000); do
	printf '{"kind":"ticket","time":"2026-11-02T09:00:00Z","ticket":%d,"action":"opened","customer":"acme","severity":"critical","channel":"phone","summary":"s"}\n' "$i"
done >tickets.nd
pipe_quiet() { # pipe_quiet NAME CMD...: CMD | head -1 writes no message
	local name=$1
	shift
	"$@" 2>err.txt | head -n 1 >/dev/null
	is "$(cat err.txt)" "" "$name: closed pipe ends quietly"
}
pipe_quiet ovalarm ovalarm --pass all.nd
pipe_quiet ovsla ovsla --plan 24x7 --now 2026-11-03T00:00:00Z tickets.nd
pipe_quiet ovbill ovbill usage --month 2026-11 all.nd
for i in $(seq 1 2000); do
	printf '{"participantJoined":{"timestamp":%d,"sessionId":"s%d","connectionId":"c%d"}}\n' \
		$((1793610900000 + i * 1000)) "$i" "$i"
done >cdr.log
pipe_quiet "ovscrape events" ovscrape events --deployment d cdr.log
pipe_quiet "ovticket ingest" ovticket --db pipe.db ingest --pass all.nd

# The reference: every chunk in turn with a state file and no fault.
for f in chunk*.nd; do
	ovalarm --state ref.state "$f"
done >reference.out
[ -s reference.out ]
ok $? "reference run raises alarms ($(wc -l <reference.out) transitions)"

# runtime_ms CMD...: how long one run of CMD takes, in milliseconds.
runtime_ms() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null 2>&1
	end=$(date +%s%N)
	echo $(((end - start) / 1000000 + 1))
}

# kill_run STATE OUTPUT CMD...: runs CMD, kills it with SIGKILL after a
# random delay within one run's time ($window ms), and reruns it whole if
# the kill came before the state was replaced; the output of a run whose
# state was not committed is dropped, as a downstream reader would see it
# cut short.
kill_run() {
	local state=$1 out=$2 before after status delay
	shift 2
	before=$(cksum 2>/dev/null <"$state")
	delay=$((RANDOM % window))
	"$@" >attempt.out 2>attempt.err &
	local pid=$!
	sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	status=$?
	after=$(cksum 2>/dev/null <"$state")
	if [ "$status" -eq 0 ] || [ "$before" != "$after" ]; then
		cat attempt.out >>"$out"
		return 0
	fi
	kills=$((kills + 1))
	"$@" >>"$out" || echo "rerun failed: $(cat attempt.err)" >&2
}

# Rounds of the whole sequence go on until at least 20 runs were really
# killed, so the test does not depend on how fast this machine is.
window=$(runtime_ms ovalarm --state window.state chunk00.nd)
kills=0
same=0
for round in 1 2 3 4 5 6 7 8; do
	rm -f killed.state
	: >killed.out
	for f in chunk*.nd; do
		kill_run killed.state killed.out ovalarm --state killed.state "$f"
	done
	cmp -s reference.out killed.out || { same=1; break; }
	[ "$kills" -ge 20 ] && break
done
is "$same" 0 "ovalarm: runs killed at random points lose and double nothing"
[ "$kills" -ge 20 ]
ok $? "ovalarm: at least 20 runs were really killed ($kills)"

# The same for the SLA check: 48 runs half an hour apart.
/usr/bin/python3 - <<'PY'
import json
with open("export.nd", "w") as f:
    for n in range(1, 4001):
        m = n * 7 // 10
        t = "2026-11-02T%02d:%02d:00Z" % (m // 60 % 24, m % 60)
        f.write(json.dumps({"kind": "ticket", "time": t, "ticket": n,
            "action": "opened", "customer": "acme",
            "severity": "critical" if n % 3 else "normal",
            "channel": "phone", "summary": "s"}) + "\n")
        if n % 4 == 0:
            a = m + 90
            t = "2026-11-02T%02d:%02d:00Z" % (a // 60 % 24, a % 60)
            if a < 1440:
                f.write(json.dumps({"kind": "ticket", "time": t,
                    "ticket": n, "action": "acknowledged", "by": "b"}) + "\n")
PY
nows=()
for h in $(seq 0 47); do
	nows+=("$(date -u -d "2026-11-02 00:00 UTC + $((h * 30)) minutes" +%Y-%m-%dT%H:%M:%SZ)")
done
for now in "${nows[@]}"; do
	ovsla check --plan 24x7 --state sla-ref.state --now "$now" export.nd
done >sla-reference.out
[ -s sla-reference.out ]
ok $? "reference SLA checks report changes ($(wc -l <sla-reference.out))"
window=$(runtime_ms ovsla check --plan 24x7 --state window.state \
	--now 2026-11-02T12:00:00Z export.nd)
kills=0
same=0
for round in 1 2 3 4 5 6 7 8; do
	rm -f sla-killed.state
	: >sla-killed.out
	for now in "${nows[@]}"; do
		kill_run sla-killed.state sla-killed.out \
			ovsla check --plan 24x7 --state sla-killed.state --now "$now" export.nd
	done
	cmp -s sla-reference.out sla-killed.out || { same=1; break; }
	[ "$kills" -ge 20 ] && break
done
is "$same" 0 "ovsla check: runs killed at random points lose and double nothing"
[ "$kills" -ge 20 ]
ok $? "ovsla check: at least 20 runs were really killed ($kills)"

# A file size limit: a clear error, exit 3, the old state intact.
ovalarm --state full.state chunk00.nd >/dev/null
before=$(cksum <full.state)
run bash -c 'ulimit -f 16; ovalarm --state full.state chunk01.nd >/dev/null'
is "$STATUS" 3 "ovalarm: state past the file size limit exits 3"
like "$ERR" "full.state.*File too large" "ovalarm: the error names the file"
is "$(cksum <full.state)" "$before" "ovalarm: old state intact"
is "$(ls | grep -c 'full.state.tmp')" 0 "ovalarm: no temporary file left"
ovsla check --plan 24x7 --state full-sla.state --now 2026-11-02T06:00:00Z export.nd >/dev/null
before=$(cksum <full-sla.state)
run bash -c 'ulimit -f 1; ovsla check --plan 24x7 --state full-sla.state --now 2026-11-03T06:00:00Z export.nd >/dev/null'
is "$STATUS" 1 "ovsla check: state past the file size limit fails"
like "$ERR" "full-sla.state" "ovsla check: the error names the file"
is "$(cksum <full-sla.state)" "$before" "ovsla check: old state intact"

# Two runs on one state at once: the lock serialises them.
ovalarm --state both.state chunk00.nd >/dev/null
ovalarm --state both.state chunk01.nd >first.out &
p1=$!
ovalarm --state both.state chunk02.nd >second.out &
p2=$!
wait $p1
s1=$?
wait $p2
s2=$?
is "$s1:$s2" "0:0" "two runs at once both succeed"
run ovalarm --state both.state chunk03.nd
is "$STATUS" 0 "state usable after two runs at once"
done_testing
