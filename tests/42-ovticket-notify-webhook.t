#!/bin/bash
# ovticket notify to a webhook: the JSON body chat services accept, sla
# records, and the outbox while the receiver fails.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket-channels
OV_DB=$(test_db tickets) || exit 1
export OV_DB
P=$(free_port)
mkdir "$T/hook"
/usr/bin/python3 -u "$F/webhook.py" "$P" "$T/hook" >"$T/hook.log" 2>&1 &
cleanup "stop_pid $!"
wait_for grep -q ready "$T/hook.log"

cat >"$T/notify.conf" <<EOF
[route chat]
webhook = http://127.0.0.1:$P/hooks/T0KEN-secret
actions = opened customer_reply
sla = breached

[route globex-only]
webhook = http://127.0.0.1:$P/hooks/globex
customers = globex
severity = critical
batch = yes
EOF
received() { wc -l <"$T/hook/received.ndjson" 2>/dev/null || echo 0; }

ovticket open --customer acme --severity normal --by eng \
	--at 2026-11-02T09:00:00Z \
	--summary $'Quote " backslash \\ tab\there ünïcode' >"$T/open.ndjson"
run ovticket notify --config "$T/notify.conf" --now 2026-11-02T09:01:00Z \
	"$T/open.ndjson"
is "$STATUS" 0 "sent: exit 0"
is "$(received)" 1 "one POST"
is "$(head -1 "$T/hook/types")" "application/json" "sent as JSON"
text=$(head -1 "$T/hook/received.ndjson" | jq -r '.text')
ok $? "body is a JSON object with text"
like "$text" $'^\\[#1\\] normal acme: opened: Quote " backslash \\\\ tab here ünïcode\n' \
	"text starts with the subject line"
is "$(head -1 "$T/hook/received.ndjson" | jq -r 'keys | join(",")')" text \
	"only the text field"

# sla records: breached goes out, at_risk is not routed.
printf '%s\n' \
 '{"kind":"sla","time":"2026-11-03T09:00:00Z","ticket":1,"customer":"acme","plan":"nbd","severity":"normal","target":"reaction","state":"at_risk","due":"2026-11-03T09:00:00Z"}' \
 '{"kind":"sla","time":"2026-11-03T10:00:00Z","ticket":1,"customer":"acme","plan":"nbd","severity":"normal","target":"reaction","state":"breached","due":"2026-11-03T09:00:00Z"}' \
 '{"kind":"sample","time":"2026-11-03T10:00:00Z","deployment":"d","metric":"up","value":1}' \
	>"$T/sla.ndjson"
run ovticket notify --config "$T/notify.conf" --now 2026-11-03T10:01:00Z \
	"$T/sla.ndjson"
is "$STATUS:$(received)" "0:2" "breached target sent, at_risk and sample not"
like "$(tail -1 "$T/hook/received.ndjson" | jq -r .text)" \
	'^\[#1\] SLA reaction breached: normal acme' "sla subject"

# Receiver failing: kept, exit 1, the URL's token never shown.
touch "$T/hook/fail"
ovticket open --customer globex --severity critical --by eng \
	--at 2026-11-03T11:00:00Z --summary "Room crash" >"$T/g1.ndjson"
ovticket open --customer globex --severity critical --by eng \
	--at 2026-11-03T11:01:00Z --summary "Second crash" >"$T/g2.ndjson"
run ovticket notify --config "$T/notify.conf" --now 2026-11-03T11:02:00Z \
	"$T/g1.ndjson" "$T/g2.ndjson"
is "$STATUS" 1 "receiver answering 500: exit 1"
like "$ERR" 'route chat: 1 entries not sent.*HTTP status 500' \
	"failure names route and status"
unlike "$ERR" 'T0KEN' "webhook token not shown"
is "$(received)" 2 "nothing received while failing"
rm "$T/hook/fail"
run ovticket notify --config "$T/notify.conf" --retry \
	--now 2026-11-03T11:10:00Z
is "$STATUS" 0 "retry after the backoff: exit 0"
is "$(received)" 5 "two chat posts and one globex batch"
like "$(grep -c '2 notifications for globex-only' "$T/hook/received.ndjson")" \
	'^1$' "globex route batched both"
run ovticket notify --config "$T/notify.conf" --retry \
	--now 2026-11-04T00:00:00Z
is "$STATUS:$(received)" "0:5" "nothing sent twice"

# Two notes of one ticket in the same second are two events.
ovticket note --public --by eng --at 2026-11-04T08:00:00Z --text first 1 \
	>"$T/notes.ndjson"
ovticket note --public --by eng --at 2026-11-04T08:00:00Z --text second 1 \
	>>"$T/notes.ndjson"
printf '[route notes]\nwebhook = http://127.0.0.1:%s/n\nactions = note\n' \
	"$P" >"$T/notes.conf"
run ovticket notify --config "$T/notes.conf" --now 2026-11-04T08:01:00Z \
	"$T/notes.ndjson"
is "$STATUS:$(received)" "0:7" "two notes in one second both sent"

# Receiver gone: connection refused is a failure, not a loss.
printf '[route chat]\nwebhook = http://127.0.0.1:%s/x\n' "$(free_port)" \
	>"$T/gone.conf"
ovticket open --customer acme --severity normal --by eng \
	--at 2026-11-04T09:10:00Z --summary "third" >"$T/o3.ndjson"
run ovticket notify --config "$T/gone.conf" --now 2026-11-04T09:11:00Z \
	"$T/o3.ndjson"
is "$STATUS" 1 "refused connection: exit 1"
is "$(db_sql "$OV_DB" 'SELECT count(*) FROM outbox WHERE sent_at IS NULL')" \
	1 "entry kept for a later run"

printf '[route x]\nwebhook = ftp://example\n' >"$T/bad.conf"
run ovticket notify --config "$T/bad.conf" --retry
is "$STATUS" 3 "non-HTTP webhook: exit 3"
like "$ERR" 'bad.conf:2: webhook: not an http:// or https:// URL' \
	"bad webhook named with its line"

# More broken files: each names the file and line, exit 3.
printf '[route a]\nwebhook = http://x/%0300d\n' 0 >"$T/long.conf"
run ovticket notify --config "$T/long.conf" --retry
is "$STATUS" 3 "long line: exit 3"
like "$ERR" 'long.conf:2: line longer than 200 bytes' "long line named"
printf '[oops]\nx = 1\n' >"$T/section.conf"
run ovticket notify --config "$T/section.conf" --retry
like "$ERR" 'section.conf:2: unknown section \[oops\]' "unknown section"
printf '[route a]\nwebhook = http://x\nseverity = urgent\n' >"$T/sev.conf"
run ovticket notify --config "$T/sev.conf" --retry
like "$ERR" "sev.conf:3: severity: 'urgent' is not critical, normal or any" \
	"invalid severity"
printf '[route a]\nwebhook = http://x\nsla = late\n' >"$T/sla.conf"
run ovticket notify --config "$T/sla.conf" --retry
like "$ERR" "sla.conf:3: sla: unknown value 'late'" "invalid sla state"
printf '[route a]\nwebhook = http://x\nactions = opened fixed\n' \
	>"$T/act.conf"
run ovticket notify --config "$T/act.conf" --retry
like "$ERR" "act.conf:3: actions: unknown action 'fixed'" "invalid action"
printf '[route a]\nseverity = normal\n' >"$T/dest.conf"
run ovticket notify --config "$T/dest.conf" --retry
like "$ERR" 'dest.conf:1: \[route a\] needs either email or webhook' \
	"route without destination"
: >"$T/empty.conf"
run ovticket notify --config "$T/empty.conf" --retry
like "$ERR" 'empty.conf: no \[route NAME\] section' "empty file"
run ovticket notify --config "$T/missing.conf" --retry
is "$STATUS" 3 "missing file: exit 3"
done_testing
