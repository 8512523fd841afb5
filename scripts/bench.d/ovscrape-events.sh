#!/bin/bash
# Benchmark of "ovscrape events": a million CDR lines of a busy cluster
# (sessions, participants joining and leaving, WebRTC streams whose
# videoDimensions hold escaped JSON) become event records.  jq 1.6 and
# Miller do the same conversion on the same file, without the duplicate
# check.  First, jq's output is compared byte for byte with ovscrape's.
# Goals: at least 1.5 million lines/s, and the same peak memory (within
# 10 %) for one and ten million lines.  Not a test: it never fails on a
# figure.
set -u
. "$(dirname "$0")/lib.sh"
runs=${BENCH_RUNS:-3}
dir=${BENCH_DIR:-/tmp}/ovscrape-events
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT

for tool in jq mlr; do
	if ! command -v "$tool" >/dev/null; then
		echo "ovscrape-events bench: $tool not found; run scripts/install-deps" >&2
		exit 1
	fi
done

# generate LINES: CDR lines one step of 37 ms apart, cycling through the
# events of a connection's life.
generate() {
	python3 - "$1" <<'PY'
import sys
lines = int(sys.argv[1])
ms = 1793487600000  # 2026-10-31T23:00:00Z
out = sys.stdout
for i in range(lines):
    s = i // 50
    sid = '"sessionId":"ses_%d","uniqueSessionId":"ses_%d_%d"' % (s, s, ms)
    con = '"connectionId":"con_%d"' % (i // 5)
    step = i % 5
    if step == 0:
        out.write('{"participantJoined":{%s,"timestamp":%d,%s,'
                  '"location":"Madrid, Spain","ip":"10.0.%d.%d",'
                  '"platform":"Chrome 131.0 on Linux","clientData":"",'
                  '"serverData":"{\\"user\\":%d}"}}\n'
                  % (sid, ms, con, i >> 8 & 255, i & 255, i))
    elif step in (1, 2):
        out.write('{"webrtcConnection%s":{%s,"timestamp":%d,'
                  '"streamId":"str_CAM_%d",%s,"connection":"%s",'
                  '"audioEnabled":true,"videoEnabled":true,'
                  '"videoSource":"CAMERA","videoFramerate":30,'
                  '"videoDimensions":"{\\"width\\":640,\\"height\\":480}"}}\n'
                  % ("Created" if step == 1 else "Destroyed", sid, ms, i,
                     con, "OUTBOUND" if i % 2 else "INBOUND"))
    elif step == 3:
        out.write('{"participantLeft":{%s,"timestamp":%d,%s,'
                  '"startTime":%d,"duration":%d,"reason":"disconnect"}}\n'
                  % (sid, ms, con, ms - 60000, 60))
    else:
        out.write('{"sessionCreated":{%s,"timestamp":%d}}\n' % (sid, ms))
    ms += 37
PY
}

run_ovscrape() { ovscrape events --deployment d "$1"; }
run_jq() {
	jq -c 'to_entries[0] as $e | {kind: "event",
		time: ($e.value.timestamp / 1000 | floor | todate),
		deployment: "d", event: $e.key,
		fields: ($e.value | del(.timestamp))}' "$1"
}
run_mlr() {
	mlr --ijsonl --ojsonl put -q 'for (k, v in $*) {
		o = {"kind": "event", "time": sec2gmt(int(v["timestamp"] / 1000)),
			"deployment": "d", "event": k,
			"fields": mapexcept(v, "timestamp")};
		emit o
	}' "$1"
}

generate 1000000 >"$dir/million.ndjson"
printf 'lines    %d (%d MiB)\n' "$(wc -l <"$dir/million.ndjson")" \
	"$(($(stat -c %s "$dir/million.ndjson") / 1048576))"
run_ovscrape "$dir/million.ndjson" >"$dir/ovscrape.out"
run_jq "$dir/million.ndjson" >"$dir/jq.out"
if cmp -s "$dir/ovscrape.out" "$dir/jq.out"; then
	echo "results: ovscrape and jq write the same records"
else
	echo "results differ: ovscrape $dir/ovscrape.out, jq $dir/jq.out"
fi
rm -f "$dir/ovscrape.out" "$dir/jq.out"

declare -A times peaks
for ((r = 1; r <= runs; r++)); do
	for tool in ovscrape jq mlr; do
		measure_tool "$tool" "$r" "$dir/million.ndjson"
	done
done

echo
echo "1,000,000 CDR lines to event records, $runs runs:"
compare_tools ovscrape jq mlr
base=$(median "${times[ovscrape]}")
printf 'ovscrape: %.2f million lines/s (load average %s)\n' \
	"$(awk -v s="$base" 'BEGIN { print (s > 0 ? 1 / s : 0) }')" \
	"$(cut -d' ' -f1 /proc/loadavg)"
echo "goal: at least 1.5 million lines/s"

echo
echo "ten million lines (the million ten times, through a pipe):"
measure "ovscrape events, 10 M lines" bash -c "for i in 1 2 3 4 5 6 7 8 9 10; do
	cat $dir/million.ndjson; done | ovscrape events --deployment d"
printf 'peak memory: %d KiB for 1 M lines, %d KiB for 10 M (with cat and bash)\n' \
	"$(largest "${peaks[ovscrape]}")" "$PEAK_KB"
echo "goal: the same peak memory"
