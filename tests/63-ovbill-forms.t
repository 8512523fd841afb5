# ovbill: the same samples written in different JSON forms give the same
# usage, whichever of the fast scanner or the full parser reads them; and
# minute maps stay exact with many distinct values and shuffled samples.
source "$(dirname "$0")/lib.sh"

# Plain lines, read by the fast scanner.
cat >"$T/plain" <<'JSON'
{"kind":"sample","time":"2026-11-05T10:00:00Z","customer":"acme","deployment":"d1","metric":"cluster.cores","value":4}
{"kind":"sample","time":"2026-11-05T10:01:00Z","customer":"acme","deployment":"d1","metric":"cluster.cores","value":6,"labels":{"status":"running"}}
{"kind":"sample","time":"2026-11-05T10:02:00Z","customer":"acme","deployment":"d1","metric":"cluster.cores","value":8}
{"kind":"sample","time":"2026-11-05T10:03:00Z","customer":"acme","deployment":"d1","metric":"cluster.cores","value":2}
JSON
# The same samples in forms the full parser reads: escapes, a fraction
# that is a whole number, an exponent, non-ASCII text, whitespace, other
# key orders, a null customer with the owner from --deployments.
cat >"$T/varied" <<'JSON'
{"kind":"sample","time":"2026-11-05T10:00:00Z","customer":"ac\u006de","deployment":"d1","metric":"cluster.cores","value":4.0}
  { "value" : 6e0 , "metric" : "cluster.cores", "deployment":"d1", "customer":"acme", "time":"2026-11-05T11:01:00+01:00", "kind":"sample", "labels":{"note":"caf\u00e9 ☕"} }
{"kind":"sample","time":"2026-11-05T10:02:00.999Z","customer":null,"deployment":"d1","metric":"cluster.cores","value":8,"labels":{"a":[1,2.5,true,null,{"b":"c"}]}}
{"kind":"sample","time":"2026-11-05T10:03:00Z","deployment":"d1","metric":"cluster\u002ecores","value":2}
JSON
printf '%s\n' 'deployment,customer,url,api,secret_file,master_cores,media_node_cores,tls_verify' \
	'd1,acme,https://d1.example,openvidu2,,2,2,true' >"$T/deployments.csv"

# 10:00 = 4, 10:01 = 6, 10:02 = 8, 10:03 = 2: 20 core-minutes.
run ovbill usage --month 2026-11 --deployments "$T/deployments.csv" "$T/plain"
is "$OUT" '{"kind":"usage","date":"2026-11-05","customer":"acme","deployment":"d1","minutes":4,"core_minutes":20,"max_cores":8}' \
	"plain lines"
plain=$OUT
run ovbill usage --month 2026-11 --deployments "$T/deployments.csv" "$T/varied"
is "$STATUS" 0 "varied forms accepted"
is "$OUT" "$plain" "varied forms give the same usage"

# Lines the fast scanner stops on are still checked by the full parser.
printf '%s\n' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores","value":+4}' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores","value":4,}' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores","value":4} x' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores","value":4,"value":5}' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores","value":1234567890123456}' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores","value":1000001}' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores"}' \
	'{"kind":"sample","time":"2026-11-05T10:00:00Z","deployment":"d1","metric":"cluster.cores","value":tru}' \
	>"$T/invalid"
run ovbill usage --month 2026-11 "$T/invalid"
is "$STATUS" 1 "invalid lines: exit 1"
is "$OUT" "" "no usage from invalid lines"
for n in 1 2 3 4 5 6 7 8; do
	like "$ERR" "invalid:$n: " "line $n rejected"
done

# Many distinct values: minute k of 2,000 (from 2026-11-10T00:00:00Z) has
# k + 1 cores, so minute numbers no longer fit in a byte:
# 1 + 2 + ... + 2,000 = 2,000 x 2,001 / 2 = 2,001,000 core-minutes.
# Minute 2026-11-12T00:00 gets 60,000 samples at its second 30 with 1 to
# 60,000 cores, in shuffled order, which forces compactions; it is
# charged 60,000.  Total 2,061,000.
python3 -c '
import random
lines = []
fmt = "{\"kind\":\"sample\",\"time\":\"%s\",\"customer\":\"acme\",\"deployment\":\"big\",\"metric\":\"cluster.cores\",\"value\":%d}\n"
for k in range(2000):
    lines.append(fmt % ("2026-11-%02dT%02d:%02d:00Z" % (10 + k // 1440, k % 1440 // 60, k % 60), k + 1))
for v in range(1, 60001):
    lines.append(fmt % ("2026-11-12T00:00:30Z", v))
random.Random(3).shuffle(lines)
open("'"$T"'/big", "w").writelines(lines)'
run ovbill usage --month 2026-11 "$T/big"
is "$(printf '%s\n' "$OUT" | jq -s 'map(.core_minutes) | add')" 2061000 \
	"many distinct values, shuffled"
is "$(printf '%s\n' "$OUT" | jq -s 'map(.max_cores) | max')" 60000 \
	"largest sample kept through compactions"

done_testing
