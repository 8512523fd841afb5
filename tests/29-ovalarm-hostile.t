#!/bin/bash
# Hostile input for ovalarm: mutated rules files and state files, and odd
# record lines, end with a clear status, never a crash.
source "$(dirname "$0")/lib.sh"

# mutate SRC DIR COUNT SEED: writes COUNT mutated copies of SRC (flipped,
# deleted, duplicated or truncated bytes) as DIR/N.
mutate() {
	/usr/bin/python3 - "$@" <<'PY'
import os, random, sys
src, out, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = open(src, "rb").read()
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
for n in range(count):
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        op = rng.randrange(4)
        if op == 0:
            b[i] = rng.randrange(256)
        elif op == 1:
            del b[i]
        elif op == 2:
            b[i:i] = b[i:i + rng.randint(1, 40)]
        else:
            del b[i:]
            break
    open(os.path.join(out, str(n)), "wb").write(bytes(b))
PY
}

mutate "$TOP/etc/alarms.conf" "$T/rules" 150 1
bad=0
for f in "$T"/rules/*; do
	ovalarm --check --rules "$f" >/dev/null 2>"$T/err"
	status=$?
	if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
		bad=$((bad + 1))
		echo "# $f: exit $status"
	elif [ "$status" -eq 3 ] && ! grep -q "^ovalarm: $f:[0-9]*: " "$T/err"; then
		bad=$((bad + 1))
		echo "# $f: $(head -c 200 "$T/err")"
	fi
done
is "$bad" 0 "150 mutated rules files: exit 0, or 3 naming file and line"

# A state file with firing, pending and drop-window series.
"$TOP/tests/fixtures/ovalarm/generate.py" --samples 1500 --seed 5 |
	ovalarm --state "$T/good.state" >/dev/null
ok $? "state file written"
mutate "$T/good.state" "$T/states" 100 2
bad=0
for f in "$T"/states/*; do
	cp "$f" "$T/try.state"
	printf '' | ovalarm --state "$T/try.state" >/dev/null 2>"$T/err"
	status=$?
	if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
		bad=$((bad + 1))
		echo "# $f: exit $status: $(head -c 200 "$T/err")"
	elif [ "$status" -eq 3 ] && ! cmp -s "$f" "$T/try.state"; then
		bad=$((bad + 1))
		echo "# $f: a rejected state file was changed"
	fi
done
is "$bad" 0 "100 mutated state files: exit 0 or 3, rejected ones untouched"

# Odd lines: too long, deeply nested, duplicate keys, many labels.
long=$(head -c 2000 /dev/zero | tr '\0' 'a')
{
	printf '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"%s","metric":"up","value":0,"labels":{"error":"auth"}}\n' "$long"
	printf '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":0,"labels":{"error":"auth"},"x":%s1%s}\n' \
		"$(head -c 1200 /dev/zero | tr '\0' '[')" "$(head -c 1200 /dev/zero | tr '\0' ']')"
	echo '{"kind":"sample","kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":0}'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":0,"labels":{"error":"auth","error":"x"}}'
	printf '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":0,"labels":{%s"error":"auth"}}\n' \
		"$(for i in $(seq 1 20); do printf '"k%d":"v",' "$i"; done)"
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d","metric":"up","value":9007199254740993}'
	printf '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d\xff","metric":"up","value":0}\n'
	echo '{"kind":"sample","time":"2026-11-02T10:00:00Z","deployment":"d2","metric":"up","value":0,"labels":{"error":"auth"}}'
} >"$T/odd"
run ovalarm --max-line 1000 "$T/odd"
is "$STATUS" 1 "odd lines: exit 1"
is "$(echo "$OUT" | jq -r .deployment)" "d2" "only the valid line raises an alarm"
is "$(echo "$ERR" | grep -c "^ovalarm: $T/odd:[0-9]*: ")" 7 \
	"each odd line reported with its line number"

# Many series: memory stays bounded by the series, not the lines.
/usr/bin/python3 -c '
for i in range(20000):
    print("{\"kind\":\"sample\",\"time\":\"2026-11-02T10:00:%02dZ\",\"deployment\":\"d%d\",\"node\":\"n\",\"metric\":\"node.cpu_load\",\"value\":95}" % (i % 60, i))
' >"$T/many"
run ovalarm --state "$T/many.state" "$T/many"
is "$STATUS" 0 "20000 series: exit 0"
is "$(wc -l <"$T/many.state")" 40001 \
	"two CPU rules times 20000 series in the state file"
done_testing
