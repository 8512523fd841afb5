#!/bin/bash
# ovsla report --month: per customer counts, compliance and reaction
# percentiles, computed by hand for tests/fixtures/ovsla/month.ndjson.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovsla
C=(--customers "$F/customers.csv" --now 2026-12-01T12:00:00Z)

run ovsla report -q "${C[@]}" --month 2026-11 "$F/month.ndjson"
is "$STATUS" 0 "report: exit status"
# acme: 100 (3 met), 101 (reaction and resolution breached, workaround
# met), 102 and 103 (reaction met, resolution breached), 105 (reaction
# breached, workaround at_risk exactly at due, resolution running); 104
# opens on 1 December in Madrid.  Reactions 600 600 1800 18000.
is "$(printf '%s\n' "$OUT" | head -1)" \
	'{"kind":"sla_report","time":"2026-12-01T12:00:00Z","period":"2026-11","customer":"acme","plan":"24x7","tickets":5,"targets_met":6,"targets_breached":5,"targets_running":2,"compliance_percent":54.5,"reaction_median_seconds":600,"reaction_p90_seconds":18000}' \
	"acme record"
is "$(printf '%s\n' "$OUT" | sed -n 2p | jq -c '[.plan, .tickets,
	.targets_met, .targets_breached, .targets_running,
	.compliance_percent, .reaction_median_seconds,
	.reaction_p90_seconds]')" '["nbd",1,3,0,0,100,1800,1800]' \
	"iberia: nbd ticket all met"
is "$(printf '%s\n' "$OUT" | sed -n 3p | jq -c '[.customer, .tickets,
	.compliance_percent, .reaction_median_seconds]')" \
	'["quiet",0,null,null]' "customer without tickets is listed"
is "$(printf '%s\n' "$OUT" | wc -l)" 3 "one record per customer"

run ovsla report -q "${C[@]}" --month 2026-11 --csv "$F/month.ndjson"
is "$OUT" "period,customer,plan,tickets,targets_met,targets_breached,targets_running,compliance_percent,reaction_median_seconds,reaction_p90_seconds
2026-11,acme,24x7,5,6,5,2,54.5,600,18000
2026-11,iberia,nbd,1,3,0,0,100.0,1800,1800
2026-11,quiet,nbd,0,0,0,0,,," "report --csv"

run ovsla report -q "${C[@]}" --month 2026-12 "$F/month.ndjson"
is "$(printf '%s\n' "$OUT" | head -1 | jq -c '[.tickets, .targets_running,
	.compliance_percent]')" '[1,2,null]' "december: the 23:30Z ticket"

run ovsla report -q --plan nbd --now 2026-12-01T12:00:00Z --month 2026-11 \
	"$F/month.ndjson"
is "$(printf '%s\n' "$OUT" | jq -r '"\(.customer) \(.plan)"' | tr '\n' ' ')" \
	"acme nbd iberia nbd " "--plan: customers from the tickets"

run ovsla report -q "${C[@]}" "$F/month.ndjson"
is "$STATUS" 2 "report without --month: usage error"
run ovsla report -q "${C[@]}" --month 2026-13 "$F/month.ndjson"
is "$STATUS" 2 "invalid month: usage error"
done_testing
