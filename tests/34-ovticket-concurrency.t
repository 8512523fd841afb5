#!/bin/bash
# Several ovticket processes writing at the same moment lose nothing: five
# ingests of overlapping inputs and two engineers opening and annotating
# tickets, all in the background at once, give the same tickets as one
# ingest run alone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket
awk -v n=3000 -v fps=300 -f "$F/gen-alarms.awk" >"$T/all.ndjson"
# Slice i holds the fingerprints whose number modulo 4 is i or i + 1, so
# every fingerprint is in two slices (and in the whole file), each in time
# order.
for i in 0 1 2 3; do
	j=$(((i + 1) % 4))
	grep -E "\"fp[0-9]{5}[0-9]\"" "$T/all.ndjson" |
		awk -v i=$i -v j=$j '{
			match($0, /"fp[0-9]+"/)
			n = substr($0, RSTART + 3, RLENGTH - 4) + 0
			if (n % 4 == i || n % 4 == j) print
		}' >"$T/slice$i.ndjson"
done
is "$(cat "$T"/slice?.ndjson | wc -l)" 6000 "each alarm is in two slices"

# The reference: one process alone.
REF=$(test_db ref) || exit 1
DB=$(test_db t) || exit 1
ovticket --db "$REF" ingest "$T/all.ndjson" >/dev/null

engineer() { # engineer NAME COUNT: opens tickets and notes each one
	local name=$1 count=$2 k id
	for ((k = 0; k < count; k++)); do
		id=$(ovticket --db "$DB" open --customer "$name" \
			--severity normal --summary "call $k" --by "$name" |
			jq -r .ticket) || return 1
		ovticket --db "$DB" note --text "called back $k" \
			--by "$name" "$id" >/dev/null || return 1
	done
}

pids=()
ovticket --db "$DB" ingest "$T/all.ndjson" >"$T/out.all" 2>"$T/err.all" &
pids+=($!)
for i in 0 1 2 3; do
	if ((i % 2)); then
		# Through a pipe: ingest commits whenever the pipe is empty.
		cat "$T/slice$i.ndjson" | ovticket --db "$DB" ingest \
			>"$T/out.$i" 2>"$T/err.$i" &
	else
		ovticket --db "$DB" ingest "$T/slice$i.ndjson" \
			>"$T/out.$i" 2>"$T/err.$i" &
	fi
	pids+=($!)
done
engineer alice 15 >"$T/out.alice" 2>&1 &
pids+=($!)
engineer bob 15 >"$T/out.bob" 2>&1 &
pids+=($!)
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=$((failed + 1))
done
is "$failed" 0 "every process exited 0"
is "$(cat "$T"/err.* "$T/out.alice" "$T/out.bob")" "" "no process reported an error"

# Alarm events: the same per fingerprint as the reference, whatever ticket
# numbers the interleaving gave.
signature() { # signature DB: "fingerprint action time" of every alarm event
	ovticket --db "$1" export | jq -r -s '
		(map(select(.action == "opened")) |
			map({key: (.ticket | tostring), value: .fingerprint}) |
			from_entries) as $fp
		| .[] | select($fp[.ticket | tostring] != null)
		| "\($fp[.ticket | tostring]) \(.action) \(.time)"' | sort
}
signature "$REF" >"$T/sig.ref"
signature "$DB" >"$T/sig.t"
is "$(wc -l <"$T/sig.t")" "$(wc -l <"$T/sig.ref")" \
	"as many alarm events as one process alone"
cmp -s "$T/sig.ref" "$T/sig.t"
ok $? "alarm events identical to one process alone"
is "$(cat "$T"/out.[0-3] "$T/out.all" | wc -l)" "$(wc -l <"$T/sig.ref")" \
	"each alarm event written once across the processes"
is "$(ovticket --db "$DB" list --channel alarm | wc -l)" 300 \
	"one ticket per fingerprint"

# Engineer events: every ticket opened and noted.
run ovticket --db "$DB" export
is "$(jq -r 'select(.action == "opened" and .channel == "phone") | .customer' \
	<<<"$OUT" | sort | uniq -c | awk '{print $1 $2}' | tr '\n' ' ')" \
	"15alice 15bob " "every engineer's ticket recorded"
is "$(jq -r 'select(.action == "note") | .by' <<<"$OUT" | wc -l)" 30 \
	"every note recorded"
is "$(db_sql "$DB" 'SELECT count(*) FROM tickets t WHERE t.events !=
	(SELECT count(*) FROM events e WHERE e.ticket = t.id)')" 0 \
	"ticket states agree with their events"
is "$(db_integrity "$DB")" ok "integrity_check"
done_testing
