#!/bin/bash
# Runs `make demo`'s script end to end (simulator, scrape, alarm, ticket,
# SLA, bill) and checks its records field by field against values worked
# out by hand from scripts/scenarios/demo.json and the demo's inventory.
source "$(dirname "$0")/lib.sh"

d="$T/demo"
run env OV_DEMO_DIR="$d" "$TOP/scripts/demo"
is "$STATUS" 0 "demo exits 0"
[ "$STATUS" -eq 0 ] || { echo "$ERR" | tail -20 | sed 's/^/# /'; }

sample() { # sample TIME DEPLOYMENT METRIC [NODE]: the value sampled
	jq -r --arg t "$1" --arg d "$2" --arg m "$3" --arg n "${4:-}" \
		'select(.kind == "sample" and .time == $t and .deployment == $d
		and .metric == $m and (.node // "") == $n) | .value' \
		"$d/samples.ndjson" 2>/dev/null
}
# Master 4 cores + 2 running media nodes of 8 = 20; after the crash 4 + 8.
is "$(sample 2026-11-03T09:00:00Z acme-prod cluster.cores)" 20 \
	"cluster.cores before the crash"
is "$(sample 2026-11-03T09:10:00Z acme-prod cluster.cores)" 12 \
	"cluster.cores after the crash"
is "$(sample 2026-11-03T09:00:00Z globex-live cluster.cores)" 12 \
	"cluster.cores of the healthy deployment"
is "$(sample 2026-11-03T09:04:00Z acme-prod node.cpu_load media_i-0a1b)" 95 \
	"node.cpu_load of the overloaded node"
is "$(sample 2026-11-03T09:00:00Z acme-prod up)" 1 "up"
is "$(sample 2026-11-03T09:00:00Z acme-prod sessions.active)" 2 \
	"sessions.active at step 0"
is "$(sample 2026-11-03T09:00:00Z acme-prod connections.active)" 4 \
	"connections.active at step 0"

alarm() { # alarm RULE STATE FIELD
	jq -r --arg r "$1" --arg s "$2" \
		"select(.rule == \$r and .state == \$s) | .$3" "$d/alarms.ndjson"
}
# Load above 90 from 09:02; `for 5m` fires at 09:07 with that minute's 98 %.
is "$(alarm node_cpu_high firing time)" 2026-11-03T09:07:00Z "CPU alarm fires"
is "$(alarm node_cpu_high firing since)" 2026-11-03T09:02:00Z "CPU alarm since"
is "$(alarm node_cpu_high firing value)" 98 "CPU alarm value"
is "$(alarm node_cpu_high firing severity)" critical "CPU alarm severity"
is "$(alarm node_cpu_high firing node)" media_i-0a1b "CPU alarm node"
is "$(alarm node_cpu_high firing customer)" acme "CPU alarm customer"
# The crash drops the load to 0, below the clear threshold of 75.
is "$(alarm node_cpu_high resolved time)" 2026-11-03T09:09:00Z \
	"CPU alarm resolves at the crash"
is "$(alarm node_cpu_high resolved fingerprint)" \
	"$(alarm node_cpu_high firing fingerprint)" "same fingerprint both ways"
is "$(alarm media_node_crashed firing time)" 2026-11-03T09:09:00Z \
	"nodeCrashed event raises an alarm"

ticket() { # ticket N ACTION FIELD
	jq -r --argjson n "$1" --arg a "$2" \
		"select(.ticket == \$n and .action == \$a) | .$3" "$d/export.ndjson"
}
is "$(ticket 1 opened time)" 2026-11-03T09:07:00Z "ticket opened by the alarm"
is "$(ticket 1 opened severity)" critical "ticket severity"
is "$(ticket 1 opened channel)" alarm "ticket channel"
is "$(ticket 1 opened by)" ovalarm "ticket opened by ovalarm"
is "$(ticket 1 alarm_cleared time)" 2026-11-03T09:09:00Z "alarm cleared"
is "$(ticket 1 worklog minutes)" 390 "work logged"

sla() { # sla TICKET TARGET FIELD
	jq -r --argjson n "$1" --arg g "$2" \
		"select(.ticket == \$n and .target == \$g) | .$3" "$d/sla.ndjson"
}
# Opened 09:07, acknowledged 09:31: 24 minutes of the 4 hours.
is "$(sla 1 reaction state)" met "reaction met"
is "$(sla 1 reaction due)" 2026-11-03T13:07:00Z "reaction due"
is "$(sla 1 reaction elapsed_seconds)" 1440 "reaction elapsed"
is "$(sla 1 reaction remaining_seconds)" 12960 "reaction remaining"
is "$(sla 1 workaround met_at)" 2026-11-03T16:05:00Z \
	"resolution meets the workaround target"
# Ticket 2 (the crash) was never acknowledged: 09:09 to 17:00 is 7h51m.
is "$(sla 2 reaction state)" breached "unacknowledged ticket breached"
is "$(sla 2 reaction elapsed_seconds)" 28260 "breached elapsed"
is "$(sla 2 reaction remaining_seconds)" -13860 "breached remaining"

invoice() { # invoice CUSTOMER ITEM FIELD
	jq -r --arg c "$1" --arg i "$2" \
		"select(.customer == \$c and .item == \$i) | .$3" \
		"$d/invoices.ndjson"
}
# acme: 20 cores x 43,200 minutes of November (Madrid, no DST change).
is "$(invoice acme core_minutes quantity)" 864000 "acme core-minutes"
is "$(invoice acme core_minutes amount)" 2073.60 "acme 864000 x 0.0024"
# 390 minutes logged, 300 included: 1.5 h at 60.00.
is "$(invoice acme extra_hours amount)" 90.00 "acme extra hours"
is "$(invoice acme minimum_fee amount)" "" "acme above the minimum"
is "$(invoice acme total amount)" 2163.60 "acme total"
# globex from the 17th: 14 days x 1,440 minutes x 12 cores = 241,920;
# x 0.0006 = 145.152, rounded to 145.15; minimum 100 x 14/30 = 46.67 is met.
is "$(invoice globex core_minutes quantity)" 241920 "globex core-minutes"
is "$(invoice globex core_minutes amount)" 145.15 "globex amount"
is "$(invoice globex deployment_fee amount)" 300.00 "globex deployment fee"
is "$(invoice globex total amount)" 445.15 "globex total"
like "$(cat "$d/ovbill.err")" "276480 core-minutes of 2026-11 outside the contract" \
	"usage before the contract is reported"

# Nothing is left running, and the demo wrote only under its folder.
pgrep -f "ovsim --scenario .*demo.json --port-file $d" >/dev/null
ok $((! $?)) "simulator stopped"
done_testing
