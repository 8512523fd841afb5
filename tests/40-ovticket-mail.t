#!/bin/bash
# ovticket mail: one message on stdin becomes a ticket or a customer reply,
# with sysexits(3) statuses for a mail server's pipe delivery.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket-channels
OV_DB=$(test_db tickets) || exit 1
export OV_DB
mail() { ovticket mail --customers "$F/customers.csv" \
	--now 2026-11-02T10:00:00Z "$@"; }

# A multipart message with encoded words, quoted-printable Latin-1 and two
# attachments opens a normal ticket on the email channel.
run mail <"$F/new-ticket.eml"
is "$STATUS" 0 "new message exit 0"
is "$(echo "$OUT" | jq -r 'select(.action == "opened") |
	[.ticket, .customer, .severity, .channel, .by] | @tsv')" \
	"$(printf '1\tacme\tnormal\temail\tjose.perez@mail.acme.example')" \
	"opened for the customer of the sender's subdomain"
is "$(echo "$OUT" | jq -r 'select(.action == "opened") | .summary')" \
	"Recordings fail – grabaciones fallan" "RFC 2047 subject decoded"
reply=$(echo "$OUT" | jq -r 'select(.action == "customer_reply") | .text')
like "$reply" 'en la sesión "clase-3"\.' "Latin-1 body converted to UTF-8"
like "$reply" $'Attachments:\n- error log.pdf\n- captura ñ.png$' \
	"attachments listed by name, RFC 2231 name decoded"
unlike "$reply" 'HTML version' "text/plain preferred over text/html"

# The mail server delivers the same message again: nothing new.
run mail <"$F/new-ticket.eml"
is "$STATUS:$OUT" "0:" "redelivery records nothing"
is "$(ovticket export | wc -l)" 2 "store holds two events"

# A reply with the ticket tag, from a listed address of the customer.
ovticket open --customer globex --severity critical --at 2026-11-02T09:30:00Z \
	--summary "Media node down" --by eng >/dev/null
ovticket pending --at 2026-11-02T09:40:00Z 2 >/dev/null
run mail < <(sed 's/TAG/2/' "$F/reply.eml")
is "$STATUS" 0 "tagged reply exit 0"
is "$(echo "$OUT" | jq -r '[.ticket, .action, .text] | @tsv')" \
	"$(printf '2\tcustomer_reply\tThe node is back since 10:00, thanks.')" \
	"tagged reply added to ticket 2 as base64 text"
is "$(ovticket show 2 | jq -r 'select(.kind == "ticket_state") | .pending')" \
	false "reply resumed the pending ticket"

# A tag naming another customer's ticket opens a new ticket instead.
run mail < <(sed 's/TAG/1/; s/reply-1/reply-2/' "$F/reply.eml")
is "$(echo "$OUT" | jq -r 'select(.action == "opened") |
	[.ticket, .customer] | @tsv')" "$(printf '3\tglobex')" \
	"tag of another customer's ticket opens a new one"
like "$(echo "$OUT" | jq -r 'select(.action == "customer_reply") | .text')" \
	'^\(Follow-up to ticket #1\)' "new ticket names the ticket meant"

# A reply to a closed ticket opens a follow-up ticket.
ovticket resolve --at 2026-11-02T10:30:00Z --text fixed 2 >/dev/null
ovticket close --at 2026-11-02T10:40:00Z 2 >/dev/null
run ovticket mail --customers "$F/customers.csv" --now 2026-11-02T11:00:00Z \
	< <(sed 's/TAG/2/; s/reply-1/reply-3/' "$F/reply.eml")
is "$(echo "$OUT" | jq -r 'select(.action == "opened") | .ticket')" 4 \
	"reply to closed ticket opens ticket 4"
is "$(ovticket export | jq -r 'select(.ticket == 2) | .action' | tail -1)" \
	closed "closed ticket left closed"

# A reply to a resolved ticket is added and leaves it resolved.
ovticket resolve --at 2026-11-02T11:10:00Z --text done 3 >/dev/null
run ovticket mail --customers "$F/customers.csv" --now 2026-11-02T11:20:00Z \
	< <(sed 's/TAG/3/; s/reply-1/reply-4/' "$F/reply.eml")
is "$(echo "$OUT" | jq -r '[.ticket, .action] | @tsv')" \
	"$(printf '3\tcustomer_reply')" "reply to resolved ticket recorded"

# HTML-only message in windows-1252: tags, style and script dropped.
run mail <"$F/html-only.eml"
is "$(echo "$OUT" | jq -r 'select(.action == "customer_reply") | .text')" \
	$'The dashboard shows € 0 & nothing else.\nSecond line' \
	"HTML body turned into text"

# Hostile content: CR/LF and NUL in the subject, NUL, escape and invalid
# UTF-8 in the body, an unknown charset.
run mail <"$F/hostile.eml"
is "$STATUS" 0 "hostile message filed"
summary=$(echo "$OUT" | jq -r 'select(.action == "opened") | .summary')
unlike "$summary" $'[\r\n]' "no line break left in the summary"
like "$summary" '^Video down Bcc: evil@x.example' "subject kept on one line"
text=$(echo "$OUT" | jq -r 'select(.action == "customer_reply") | .text')
like "$text" $'^line one\\[31m red\nbad utf8: \uFFFD\uFFFD end$' \
	"control bytes dropped, invalid UTF-8 replaced, text after NUL kept"

# MIME nesting 2000 levels deep is filed without a crash.
run mail <"$F/deep.eml"
is "$STATUS" 0 "deeply nested message exit 0"

# Refusals: unknown sender 67, malformed 65, too large 65.
run mail <"$F/unknown.eml"
is "$STATUS" 67 "unknown sender exit 67 (EX_NOUSER)"
like "$ERR" 'sender someone@elsewhere.example matches no customer' \
	"unknown sender named"
run mail <"$F/malformed.eml"
is "$STATUS" 65 "not a message exit 65 (EX_DATAERR)"
run mail <"$F/no-from.eml"
is "$STATUS" 65 "message without From exit 65"
run mail <"$F/bad-from.eml"
is "$STATUS" 65 "broken From header exit 65"
run mail </dev/null
is "$STATUS" 65 "empty input exit 65"
run mail --max-size 512 <"$F/new-ticket.eml"
is "$STATUS" 65 "message over --max-size exit 65"
like "$ERR" 'larger than --max-size 512 bytes' "size limit named"
head -c 200000 /dev/zero | tr '\0' 'a' | fold -w 76 |
	(printf 'From: ops@initech.example\nSubject: big\n\n'; cat) >"$T/big.eml"
run mail <"$T/big.eml"
is "$STATUS" 0 "200 kB message filed"
like "$(echo "$OUT" | jq -r 'select(.action == "customer_reply") | .text')" \
	'\[[0-9]+ more bytes cut\]$' "long body cut with a note"
run mail --max-size 0 <"$F/new-ticket.eml"
is "$STATUS" 2 "invalid --max-size is a usage error"

# The database cannot be used: temporary failure, the server retries.
echo "not a database" >"$T/broken.db"
run ovticket mail --db "$T/broken.db" --customers "$F/customers.csv" \
	<"$F/html-only.eml"
is "$STATUS" 75 "unusable database exit 75 (EX_TEMPFAIL)"
run ovticket mail --customers "$T/missing.csv" <"$F/html-only.eml"
is "$STATUS" 75 "unreadable customers file exit 75"
run env -u OV_DB ovticket mail --customers "$F/customers.csv" \
	<"$F/html-only.eml"
is "$STATUS" 75 "no database configured exit 75"

run ovticket mail --help
is "$STATUS" 0 "--help exit 0"
like "$OUT" '^usage: ovticket mail' "--help starts with the usage"
run ovticket mail
is "$STATUS" 2 "missing --customers exit 2"
done_testing
