#!/bin/bash
# The examples of the mail, notify and portal parts of ovticket(1) run as
# written, and the shipped notify.conf.example and the example of
# ovticket-notify.conf(5) load.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovticket-channels
cd "$T" || exit 1
cp "$F/customers.csv" customers.csv
cp "$F/new-ticket.eml" message.eml
P=$(free_port)
mkdir hook
/usr/bin/python3 -u "$F/webhook.py" "$P" hook >hook.log 2>&1 &
cleanup "stop_pid $!"
wait_for grep -q ready hook.log
printf '[route chat]\nwebhook = http://127.0.0.1:%s/hook\n' "$P" \
	>notify.conf

page_text() { mandoc -Tascii "$1" | sed 's/.\x08//g' | expand; }

# The portal's evolution example reads a month of reports.
mkdir reports
/usr/bin/python3 "$TOP/tests/fixtures/report/gen-samples.py" --step 60 \
	--from 2026-10-31T23:00:00Z --to 2026-11-30T23:00:00Z \
	--customer acme --deployment acme-prod --cores 8 |
	ovalarm report --max-gap 61m --month 2026-11 >reports/2026-11.ndjson

# The command lines of the three subsections, a line ending in a backslash
# joined with the next; the master.cf line of the mail example is
# configuration, not a command.
mapfile -t examples < <(page_text "$TOP/man/ovticket.1" |
	sed -n '/^   mail$/,/^   The database/p' |
	sed -e ':a' -e '/\\$/{N;s/\\\n */ /;ba' -e '}' |
	sed -n 's/^ *\(ovticket --db .*\)$/\1/p')
is "${#examples[@]}" 6 "six examples"
for cmd in "${examples[@]}"; do
	run bash -c "$cmd"
	is "$STATUS" 0 "example runs: $cmd"
done
is "$(ovticket --db tickets.db export | jq -r .action | tr '\n' ' ')" \
	"opened customer_reply " "mail example filed the message"
is "$(wc -l <hook/received.ndjson)" 2 "notify example sent both events"
[ -s site/customers/acme/tickets/1.html ]
ok $? "portal example wrote the customer's ticket page"
grep -q acme-prod site/customers/acme/evolution.html
ok $? "evolution example charted the month's report"

# The shipped example and the page's example load; with an empty outbox
# --retry sends nothing and touches no network.
echo "user:password" >smtp.credentials
sed "s|/etc/ov/smtp.credentials|$T/smtp.credentials|" \
	"$TOP/etc/notify.conf.example" >shipped.conf
run ovticket --db tickets.db notify --config shipped.conf --retry
is "$STATUS:$ERR" "0:" "etc/notify.conf.example loads"
page_text "$TOP/man/ovticket-notify.conf.5" |
	sed -n '/^EXAMPLES/,/^SEE ALSO/p' | sed -n 's/^ \{6,\}\([^ ].*\)$/\1/p' |
	sed "s|/etc/ov/smtp.credentials|$T/smtp.credentials|" >page.conf
run ovticket --db tickets.db notify --config page.conf --retry
is "$STATUS:$ERR" "0:" "ovticket-notify.conf(5) example loads"
is "$(grep -c '^\[' page.conf)" 4 "page example has its four sections"
done_testing
