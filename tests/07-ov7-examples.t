#!/bin/bash
# The EXAMPLES of ov(7), customers.csv(5), deployments.csv(5) and
# ov-holidays(5), run as written against the bundled simulator and a
# loopback webhook receiver: the minute pipeline opens a ticket and
# notifies, the SLA lines and the billing line work, the example files load.
# The other pages' examples run in the tests of their programs.
source "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# examples PAGE: the literal blocks of the page's EXAMPLES section, one
# block per paragraph, with mdoc escapes undone.
examples() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$1" |
		awk '/^\.Bd -literal/ { on = 1; next } /^\.Ed/ { on = 0; print ""; next } on' |
		sed 's/\\e/\\/g'
}

# The simulator and the receiver.
printf 'example-secret\n' >secret
chmod 600 secret
"$TOP/scripts/ovsim" --scenario "$TOP/scripts/scenarios/demo.json" \
	--port-file sim.port --secret-file secret --state-dir sim 2>sim.log &
cleanup "stop_pid $!"
hook_port=$(free_port)
mkdir -p hook
/usr/bin/python3 "$TOP/tests/fixtures/ovticket-channels/webhook.py" \
	"$hook_port" hook >hook.log 2>&1 &
cleanup "stop_pid $!"
wait_for test -s sim.port
ok $? "simulator started"
wait_for grep -q ready hook.log
ok $? "webhook receiver started"
port=$(cat sim.port)
export CURL_CA_BUNDLE="$T/sim/cert.pem"

cat >deployments.csv <<CSV
deployment,customer,url,api,secret_file,master_cores,media_node_cores,tls_verify
acme-prod,acme,https://127.0.0.1:$port/d/acme-prod,openvidu2,$T/secret,4,8,true
globex-live,globex,https://127.0.0.1:$port/d/globex-live,openvidu2,$T/secret,4,8,true
CSV
examples "$TOP/man/customers.csv.5" | sed '/^$/d' >customers.csv
run ovbill --month 2026-11 --customers customers.csv /dev/null
is "$STATUS" 0 "customers.csv(5) example loads"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.item == "total") | .customer' | tr '\n' ' ')" \
	"acme globex " "both example customers invoiced"
examples "$TOP/man/deployments.csv.5" | sed '/^$/d' >example-deployments.csv
run ovscrape --list --deployments example-deployments.csv
is "$STATUS" 0 "deployments.csv(5) example loads"
is "$(printf '%s\n' "$OUT" | wc -l)" 3 "its three deployments listed"
examples "$TOP/man/ov-holidays.5" | sed '/^$/d' >example-holidays.csv
# The nbd plan of plans.conf(5)'s own example, and the holiday file.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$TOP/man/plans.conf.5" |
	awk '/^\.Bd -literal/ { on = 1; next } /^\.Ed/ { exit } on' >example-plans.conf
printf '[calendar]\nholidays = example-holidays.csv\n' >>example-plans.conf
run ovsla --plans example-plans.conf --plan nbd \
	--now 2026-12-04T12:00:00Z /dev/null
is "$STATUS:$ERR" "0:" "ov-holidays(5) example loads as a holiday file"
cat >notify.conf <<CONF
[route chat]
webhook = http://127.0.0.1:$hook_port/hook
actions = opened
CONF

# The simulator refuses the credentials of acme-prod: an alarm without a
# `for` period fires at once and opens a ticket.
curl -fsS --cacert sim/cert.pem -X POST \
	"https://127.0.0.1:$port/_ovsim/fault?deployment=acme-prod&fault=auth" >/dev/null
mkdir -p var/samples var/log
examples "$TOP/man/ov.7" | sed "s|/var/lib/ov|$T/var|g" >blocks.sh
minute=$(awk 'BEGIN { RS = "" } NR == 1' blocks.sh)
sla=$(awk 'BEGIN { RS = "" } NR == 2' blocks.sh)
bill=$(awk 'BEGIN { RS = "" } NR == 3' blocks.sh)
like "$minute" "^ovscrape --deployments deployments.csv" "minute pipeline found"

run bash -c "$minute"
is "$STATUS" 0 "minute pipeline runs"
[ "$STATUS" -eq 0 ] || printf '%s\n' "$ERR" | sed 's/^/# /' 
is "$(ls var/samples | wc -l)" 1 "samples kept in a file of the day"
run ovticket --db "$T/var/tickets.db" list
like "$OUT" '"customer":"acme".*"severity":"critical"' "ticket opened for acme"
wait_for test -s hook/received.ndjson
like "$(cat hook/received.ndjson)" "acme-prod" "the on-call channel was notified"

# The SLA lines and the billing line of ov(7), on this ticket database.
sla=${sla//tickets.db/$T/var/tickets.db}
run bash -c "$(printf '%s\n' "$sla" | sed -n 1,2p)"
is "$STATUS" 0 "ovsla check line runs"
is "$OUT" "" "a new ticket's targets have not changed yet"
run bash -c "$(printf '%s\n' "$sla" | sed -n 3p)"
is "$STATUS" 0 "ovsla report line runs"
like "$OUT" "^period,customer" "SLA report as CSV"
month=$(date -u +%Y-%m)
bill=${bill//tickets.db/$T/var/tickets.db}
bill=${bill//samples\//$T/var/samples/}
bill=${bill//2026-11/$month}
run bash -c "$bill"
like "$OUT" '"item":"total"' "billing line writes invoices"
done_testing
