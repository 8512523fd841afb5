#!/bin/bash
# ovticket notify by e-mail, against a real SMTP server on loopback
# (aiosmtpd with STARTTLS, SMTPS and AUTH): routing, batching, the outbox
# across a server outage, header injection and TLS.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket-channels
OV_DB=$(test_db tickets) || exit 1
export OV_DB
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
	-out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 2>/dev/null
echo "alerts:s3cret-pw" >"$T/credentials"
P=$(free_port)

# start_smtpd [--smtps]: the test server on $P, delivering into $T/maildir.
start_smtpd() {
	# Gone before the start, so that the "ready" of an earlier run of the
	# server cannot pass for this one's.
	rm -f "$T/smtpd.log"
	/usr/bin/python3 -u "$F/smtpd.py" "$P" "$T/maildir" "$T/cert.pem" \
		"$T/key.pem" alerts s3cret-pw "$@" >"$T/smtpd.log" 2>&1 &
	SMTPD=$!
	cleanup "stop_pid $SMTPD"
	wait_for grep -q ready "$T/smtpd.log"
}
mailcount() { find "$T/maildir/new" -type f 2>/dev/null | wc -l; }
write_config() { # write_config URL CREDENTIALS-FILE
	cat >"$T/notify.conf" <<-EOF
	[smtp]
	url = $1
	from = ov-alerts@ov.example
	credentials = $2
	ca_file = $T/cert.pem
	timeout = 10s

	[route oncall]
	email = oncall@ov.example
	severity = critical

	[route team]
	email = team@ov.example, lead@ov.example
	severity = normal
	batch = yes
	EOF
}
notify() { ovticket notify --config "$T/notify.conf" "$@"; }

ovticket open --customer acme --severity critical --by eng \
	--at 2026-11-02T09:00:00Z --summary $'Video down\nBcc: evil@x' >"$T/1"
ovticket open --customer globex --severity normal --by eng \
	--at 2026-11-02T09:05:00Z --summary "Grabación sin audio ñ" >"$T/2"
ovticket open --customer acme --severity normal --by eng \
	--at 2026-11-02T09:06:00Z --summary "Slow dashboard" >"$T/3"
cat "$T/1" "$T/2" "$T/3" >"$T/opened.ndjson"

start_smtpd
write_config "smtp://127.0.0.1:$P" "$T/credentials"
run notify --now 2026-11-02T09:10:00Z "$T/opened.ndjson"
is "$STATUS" 0 "all sent: exit 0"
is "$ERR" "" "silent on success"
is "$(mailcount)" 2 "one critical message and one batch"
oncall=$(grep -l '^X-RcptTo: oncall@ov.example$' "$T"/maildir/new/*)
team=$(grep -l '^X-RcptTo: team@ov.example, lead@ov.example$' \
	"$T"/maildir/new/*)
ok $? "batch went to both team addresses"
like "$(grep '^Subject:' "$oncall")" \
	'^Subject: \[#1\] critical acme: opened: Video down Bcc: evil@x$' \
	"line break in the summary stays inside the subject"
headers=$(for f in "$T"/maildir/new/*; do sed '/^\r\{0,1\}$/q' "$f"; done)
unlike "$headers" $'\nBcc:' "no Bcc header in any message"
unlike "$(grep -h '^X-RcptTo' "$T"/maildir/new/*)" 'evil' \
	"no recipient added by the summary"
like "$(grep -i '^Subject:' "$team")" '^Subject: 2 notifications for team$' \
	"batch subject counts the entries"
like "$(grep -i '^Content-Transfer-Encoding' "$team")" 'quoted-printable' \
	"body sent as quoted-printable"
body=$(/usr/bin/python3 "$F/readmail.py" "$team")
like "$body" 'Summary: +Grabación sin audio ñ' "non-ASCII body decodes intact"
like "$body" 'Slow dashboard' "batch holds the second ticket"

# Same records again: each (event, route) is queued once, so nothing new.
run notify --now 2026-11-02T09:11:00Z "$T/opened.ndjson"
is "$STATUS:$(mailcount)" "0:2" "replayed records send nothing twice"

# A non-ASCII subject is encoded per RFC 2047.
ovticket severity --at 2026-11-02T09:20:00Z 2 critical >"$T/sev.ndjson"
run notify --now 2026-11-02T09:21:00Z "$T/sev.ndjson"
is "$(mailcount)" 3 "severity change sent to on-call"
sev=$(grep -l 'Action: *severity' "$T"/maildir/new/*)
like "$(sed '/^\r\{0,1\}$/q' "$sev")" '=\?UTF-8\?[BbQq]\?' \
	"non-ASCII subject is an RFC 2047 encoded word"
like "$(/usr/bin/python3 "$F/readmail.py" "$sev" | sed -n 1p)" \
	'^Subject: \[#2\] critical globex: severity: Grabación sin audio ñ$' \
	"encoded subject decodes intact"

# Server down: the entry stays in the outbox and the run exits 1.
stop_pid "$SMTPD"
ovticket reopen --at 2026-11-02T09:30:00Z --text again 1 >/dev/null 2>&1 ||
	true
ovticket resolve --at 2026-11-02T09:40:00Z --text fix 1 >/dev/null
ovticket reopen --at 2026-11-02T09:50:00Z --text back 1 >"$T/reopen.ndjson"
run notify --now 2026-11-02T10:00:00Z "$T/reopen.ndjson"
is "$STATUS" 1 "server down: exit 1"
like "$ERR" 'route oncall: 1 entries not sent, kept in the outbox' \
	"failure reported with the route"
unlike "$ERR$OUT" 's3cret-pw' "password never printed"
is "$(db_sql "$OV_DB" 'SELECT count(*) FROM outbox WHERE sent_at IS NULL')" \
	1 "entry kept in the outbox"

# Server back: a retry before the backoff sends nothing, after it once.
start_smtpd
run notify --retry --now 2026-11-02T10:00:30Z
is "$STATUS:$(mailcount)" "0:3" "not retried before the backoff"
run notify --retry --now 2026-11-02T10:01:00Z
is "$STATUS:$(mailcount)" "0:4" "retried after the backoff, sent once"
like "$(grep -l 'reopened' "$T"/maildir/new/* | xargs grep -h '^Subject')" \
	'\[#1\] critical acme: reopened' "the reopened event was sent"
run notify --retry --now 2026-11-02T12:00:00Z
is "$STATUS:$(mailcount)" "0:4" "nothing sent twice"
is "$(db_sql "$OV_DB" 'SELECT count(*) FROM outbox WHERE sent_at IS NULL')" \
	0 "outbox empty"

# Wrong password: refused by the server, kept, password not shown.
echo "alerts:wrong-pw" >"$T/bad-credentials"
write_config "smtp://127.0.0.1:$P" "$T/bad-credentials"
ovticket note --public --at 2026-11-02T13:00:00Z --text hi 2 >/dev/null
ovticket reopen --at 2026-11-02T13:05:00Z --text x 1 >/dev/null 2>&1 || true
ovticket severity --at 2026-11-02T13:10:00Z 3 critical >"$T/sev3.ndjson"
run notify --now 2026-11-02T13:11:00Z "$T/sev3.ndjson"
is "$STATUS" 1 "wrong password: exit 1"
unlike "$ERR" 'wrong-pw' "rejected password not shown"

# A missing credentials file is named with the config line naming it.
write_config "smtp://127.0.0.1:$P" "$T/no-such-credentials"
run notify --retry --now 2026-11-02T13:20:00Z
is "$STATUS" 3 "missing credentials file: exit 3"
like "$ERR" "notify.conf:4: credentials: .*no-such-credentials: No such file" \
	"missing credentials file named with its config line"
write_config "smtp://127.0.0.1:$P" "$T/bad-credentials"

# A server that offers no STARTTLS gets nothing: TLS is required.
stop_pid "$SMTPD"
/usr/bin/python3 -u -m aiosmtpd -n -l "127.0.0.1:$P" \
	-c aiosmtpd.handlers.Mailbox "$T/plainbox" >/dev/null 2>&1 &
PLAIN=$!
cleanup "stop_pid $PLAIN"
wait_for /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $P))"
write_config "smtp://127.0.0.1:$P" "$T/credentials"
run notify --retry --now 2026-11-02T14:00:00Z
is "$STATUS" 1 "plain-text server: exit 1"
is "$(find "$T/plainbox" -type f 2>/dev/null | wc -l)" 0 \
	"nothing sent without TLS"
stop_pid "$PLAIN"

# SMTPS, with the certificate checked against ca_file.
start_smtpd --smtps
write_config "smtps://127.0.0.1:$P" "$T/credentials"
run notify --retry --now 2026-11-02T15:00:00Z
is "$STATUS:$(mailcount)" "0:5" "sent over SMTPS"
sed -i '/^ca_file/d' "$T/notify.conf"
ovticket note --public --at 2026-11-02T15:10:00Z --text y 3 >/dev/null
ovticket severity --at 2026-11-02T15:20:00Z 3 normal >"$T/sev4.ndjson"
run notify --now 2026-11-02T15:21:00Z "$T/sev4.ndjson"
is "$STATUS:$(mailcount)" "1:5" "unknown certificate authority: not sent"

# Configuration errors name the file and line.
printf '[smtp]\nurl = http://x\n' >"$T/bad.conf"
run ovticket notify --config "$T/bad.conf" --retry
is "$STATUS" 3 "bad url: exit 3"
like "$ERR" "bad.conf:2: url: 'http://x' is not smtp:// or smtps://" \
	"bad url named with its line"
printf '[smtp]\nurl = smtp://x\nfrom = alerts\n' >"$T/bad.conf"
run ovticket notify --config "$T/bad.conf" --retry
like "$ERR" "bad.conf:3: from: 'alerts' is not an address" \
	"from without a domain"
printf '[route a]\nemail = x@y\nfoo = 1\n' >"$T/bad.conf"
run ovticket notify --config "$T/bad.conf" --retry
like "$ERR" "bad.conf:3: unknown key 'foo' in \[route a\]" "unknown key"
printf '[route a]\nemail = x@y\n' >"$T/bad.conf"
run ovticket notify --config "$T/bad.conf" --retry
like "$ERR" "sends e-mail but there is no \[smtp\] section" \
	"e-mail route without [smtp]"
run ovticket notify --retry
is "$STATUS" 2 "missing --config: exit 2"

# Records for tickets the store does not know are rejected, the rest go on.
printf '%s\n' '{"kind":"ticket","time":"2026-11-02T09:00:00Z","ticket":99,"action":"opened"}' \
	'not json' >"$T/bad.ndjson"
write_config "smtps://127.0.0.1:$P" "$T/credentials"
run notify --now 2026-11-02T16:00:00Z "$T/bad.ndjson"
is "$STATUS" 1 "bad records: exit 1"
like "$ERR" 'bad.ndjson:1: ticket 99 is not in' "unknown ticket named"
like "$ERR" 'bad.ndjson:2: ' "invalid JSON named"
done_testing
