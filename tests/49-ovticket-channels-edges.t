#!/bin/bash
# Edge cases of ovticket's channels found by use: a multipart message
# without a boundary, a message without a Message-ID delivered twice, a
# notify.conf that names a route or a key twice, and a terminal answer that
# is not UTF-8.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket-channels
OV_DB=$(test_db tickets) || exit 1
export OV_DB
mail() { ovticket mail --customers "$F/customers.csv" \
	--now 2026-11-02T10:00:00Z "$@"; }
reply_of() { echo "$1" | jq -r 'select(.action == "customer_reply") | .text'; }

# A multipart type without its boundary parameter: GMime finds no parts,
# and the customer's text is all in the prologue.
printf '%s\n' "From: ops@initech.example" "Subject: no boundary" \
	"Message-ID: <nb-1@initech.example>" "MIME-Version: 1.0" \
	"Content-Type: multipart/mixed" "" "The recorder stopped at 09:40." \
	>"$T/noboundary.eml"
run mail <"$T/noboundary.eml"
is "$STATUS" 0 "multipart without boundary filed"
is "$(reply_of "$OUT")" "The recorder stopped at 09:40." \
	"its text is kept, not lost"

# HTML-only mail with character references, as Spanish customers' mail
# programs write accents; invalid references stay as written.
printf '%s\n' "From: ops@initech.example" "Subject: html" \
	"Message-ID: <html-1@initech.example>" \
	"Content-Type: text/html; charset=us-ascii" "" \
	"<p>La c&aacute;mara &#8212; sesi&oacute;n a&#xF1;o</p>" \
	"<p>&euro;5 &Ntilde;</p>" \
	"<p>&amp;lt; &bogus; &#0; &#xD800; &#99999999999; &aacute</p>" \
	>"$T/entities.eml"
run mail <"$T/entities.eml"
is "$(reply_of "$OUT")" "$(printf '%s\n\n' \
	"La cámara — sesión año" "€5 Ñ" \
	"&lt; &bogus; &#0; &#xD800; &#99999999999; &aacute")" \
	"character references decoded"

# C1 control characters (U+0080 to U+009F), which some terminals obey as
# escape sequences, are dropped from the subject and the text.
printf '%s\n' "From: ops@initech.example" "Message-ID: <c1@initech.example>" \
	"Subject: =?UTF-8?Q?Video_=C2=9B2J_down?=" \
	"Content-Type: text/plain; charset=utf-8" "" \
	"$(printf 'a\xc2\x9b31mred\xc2\x85 b')" >"$T/c1.eml"
run mail <"$T/c1.eml"
is "$(echo "$OUT" | jq -r 'select(.action == "opened") | .summary')" \
	"Video 2J down" "C1 control dropped from the subject"
is "$(reply_of "$OUT")" "a31mred b" "C1 controls dropped from the text"

# Two From headers: which one is the sender depends on who reads it (the
# mail server's DMARC check may have read the other), so it is refused.
printf '%s\n' "From: ops@initech.example" "From: evil@elsewhere.example" \
	"Subject: two senders" "Message-ID: <two-from@x.example>" "" "x" \
	>"$T/two-from.eml"
run mail <"$T/two-from.eml"
is "$STATUS:$OUT" "65:" "two From headers: exit 65, nothing filed"
like "$ERR" 'more than one From header' "two From headers named"

# Standard output closed: the message is filed, so the mail server hears
# success and does not deliver it again.
sed 's/html-1@/html-2@/' "$T/entities.eml" >"$T/closed.eml"
run bash -c 'exec >&-; "$@"' closed ovticket mail \
	--customers "$F/customers.csv" <"$T/closed.eml"
is "$STATUS" 0 "filed with standard output closed: exit 0"
like "$ERR" 'filed, but its ticket records could not be written' \
	"lost output reported"
is "$(ovticket export | grep -c '"summary":"html"')" 2 "message filed once"

# No Message-ID: the mail server delivers the same bytes again after a
# lost answer, and the message is still filed once.
printf '%s\n' "From: ops@initech.example" "Subject: no id" "" \
	"Second node down." >"$T/noid.eml"
run mail <"$T/noid.eml"
is "$STATUS:$(echo "$OUT" | jq -r .action | tr '\n' ' ')" \
	"0:opened customer_reply " "message without Message-ID filed"
run mail <"$T/noid.eml"
is "$STATUS:$OUT" "0:" "its redelivery records nothing"
run mail < <(sed 's/Second/Third/' "$T/noid.eml")
is "$(reply_of "$OUT")" "Third node down." \
	"another message without Message-ID is filed"

# notify.conf: a route or a key given twice is an error naming both lines,
# not a silent replacement of the first.
conf() { printf '%s\n' "[smtp]" "url = smtps://127.0.0.1:1" \
	"from = ov@ov.example" "$@" >"$T/twice.conf"; }
conf "[route a]" "email = a@ov.example" "[route a]" "email = b@ov.example"
run ovticket notify --config "$T/twice.conf" --retry
is "$STATUS" 3 "route named twice: exit 3"
like "$ERR" 'twice.conf:6: \[route a\] is already at line 4' \
	"both sections named"
conf "[route a]" "email = a@ov.example" "email = b@ov.example"
run ovticket notify --config "$T/twice.conf" --retry
is "$STATUS" 3 "key given twice: exit 3"
like "$ERR" 'twice.conf:6: email is already set at line 5' \
	"both keys named"
conf "url = smtps://127.0.0.1:2" "[route a]" "email = a@ov.example"
run ovticket notify --config "$T/twice.conf" --retry
like "$STATUS:$ERR" '^3:.*twice.conf:4: url is already set at line 2' \
	"key of [smtp] given twice"
conf "[route  ]" "email = a@ov.example"
run ovticket notify --config "$T/twice.conf" --retry
like "$STATUS:$ERR" "^3:.*twice.conf:4: invalid route name ' '" \
	"blank route name rejected"

# A route for sla records only: "actions = none" as "sla = none" is.
conf "[route a]" "email = a@ov.example" "actions = none" "sla = breached"
run ovticket notify --config "$T/twice.conf" --retry
is "$STATUS:$ERR" "0:" "actions = none accepted"

# An indented line continues a list, and only a list.
conf "[route a]" "email = a@ov.example," "  b@ov.example" "" \
	"[route b]" "webhook = http://127.0.0.1:1/" "actions = opened" \
	"    reopened"
run ovticket notify --config "$T/twice.conf" --retry
is "$STATUS:$ERR" "0:" "lists over indented lines load"
conf "[route a]" "webhook = http://127.0.0.1:1/" "actions = bogus" \
	"  opened"
run ovticket notify --config "$T/twice.conf" --retry
like "$STATUS:$ERR" "^3:.*unknown action 'bogus'" \
	"indented line adds to the list, not replaces it"
conf "timeout = 5s" "  10s" "[route a]" "email = a@ov.example"
run ovticket notify --config "$T/twice.conf" --retry
like "$STATUS:$ERR" '^3:.*twice.conf:5: timeout takes one value' \
	"indented line after a single value rejected"

# The notification of an assignment names the new owner, of a worklog its
# minutes, and of a note whether the customer saw it.
P=$(free_port)
mkdir "$T/hook"
/usr/bin/python3 -u "$F/webhook.py" "$P" "$T/hook" >"$T/hook.log" 2>&1 &
cleanup "stop_pid $!"
wait_for grep -q ready "$T/hook.log"
printf '[route all]\nwebhook = http://127.0.0.1:%s/h\nactions = %s\n' "$P" \
	"assigned worklog note" >"$T/hook.conf"
{
	ovticket assign --to maria --by eng --at 2026-11-02T10:10:00Z 1
	ovticket worklog --minutes 45 --by eng --at 2026-11-02T10:11:00Z 1
	ovticket note --public --text "Fixed" --by eng \
		--at 2026-11-02T10:12:00Z 1
} >"$T/work.ndjson"
run ovticket notify --config "$T/hook.conf" --now 2026-11-02T10:13:00Z \
	"$T/work.ndjson"
is "$STATUS" 0 "work events sent"
posted() { jq -r .text "$T/hook/received.ndjson" | grep "^$1"; }
like "$(posted To:)" '^To: +maria$' "assignment names the owner"
like "$(posted Minutes:)" '^Minutes: +45$' "worklog names the minutes"
like "$(posted Public:)" '^Public: +yes$' "note says it was public"

# Two events of one action in the same second that differ only in their
# owner, minutes or severity are two notifications.
: >"$T/hook/received.ndjson"
printf '[route all]\nwebhook = http://127.0.0.1:%s/h\nactions = %s\n' "$P" \
	"assigned worklog severity" >"$T/hook.conf"
{
	at="--by eng --at 2026-11-02T10:20:00Z"
	ovticket assign --to ana $at 1
	ovticket assign --to bob $at 1
	ovticket worklog --minutes 30 $at 1
	ovticket worklog --minutes 15 $at 1
	ovticket severity --severity critical $at 1
	ovticket severity --severity normal $at 1
} >"$T/same-second.ndjson"
run ovticket notify --config "$T/hook.conf" --now 2026-11-02T10:21:00Z \
	"$T/same-second.ndjson"
is "$STATUS:$(wc -l <"$T/hook/received.ndjson")" "0:6" \
	"six events in one second, six posts"
like "$(posted To: | sort | tr '\n' ' ')" 'ana .*bob' "both owners sent"
like "$(posted Minutes: | sort | tr '\n' ' ')" '15 .*30' \
	"both worklogs sent"

# Two databases (say, before and after a move to PostgreSQL) number their
# outbox entries from 1 again.  Their alerts still get different
# Message-IDs, or the mail provider would drop the second as a copy.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
	-out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 2>/dev/null
SP=$(free_port)
/usr/bin/python3 -u "$F/smtpd.py" "$SP" "$T/maildir" "$T/cert.pem" \
	"$T/key.pem" alerts pw >"$T/smtpd.log" 2>&1 &
cleanup "stop_pid $!"
wait_for grep -q ready "$T/smtpd.log"
echo "alerts:pw" >"$T/credentials"
printf '%s\n' "[smtp]" "url = smtp://127.0.0.1:$SP" "from = ov@ov.example" \
	"credentials = $T/credentials" "ca_file = $T/cert.pem" \
	"[route oncall]" "email = oncall@ov.example" >"$T/smtp.conf"
for name in one two; do
	db=$(test_db "$name") || exit 1
	ovticket --db "$db" open --customer acme --severity critical \
		--by eng --at 2026-11-02T09:00:00Z --summary "down" \
		>"$T/$name.ndjson"
	ovticket --db "$db" notify --config "$T/smtp.conf" \
		--now 2026-11-02T09:01:00Z "$T/$name.ndjson"
done
ids=$(cat "$T"/maildir/new/* | grep -i '^Message-Id:' | sort -u | wc -l)
is "$ids" 2 "alerts of two databases have two Message-IDs"

# A summary typed on a terminal that is not UTF-8 is asked again instead
# of failing after the last answer.
printf 'a\xf1o\n' >"$T/latin1"
run /usr/bin/python3 "$F/pty_run.py" "Summary" "$(cat "$T/latin1")" \
	"type it again" "fixed summary" -- ovticket open --by eng \
	--customer acme --severity normal --at 2026-11-02T09:00:00Z
like "$OUT" 'not valid UTF-8: set the terminal to UTF-8' \
	"invalid answer explained"
is "$STATUS:$(ovticket export | jq -r 'select(.channel == "phone") |
	.summary')" "0:fixed summary" "ticket opened with the second answer"
done_testing
