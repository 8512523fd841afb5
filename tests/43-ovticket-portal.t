#!/bin/bash
# ovticket portal: the static site renders in headless Chromium, hostile
# summaries stay text, and each customer's tree holds only its tickets.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovticket-channels
export OV_DB=$T/tickets.db
mkdir "$T/home"
# chromium URL ARGS...: headless Chromium with its files under $T.
chromium_run() {
	local url=$1
	shift
	timeout 60 env HOME="$T/home" chromium --headless --no-sandbox \
		--disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run \
		--disable-quic --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" \
		"$@" "$url" 2>/dev/null
}

xss='<script>alert("x")</script><img src=x onerror=alert(2)> & more'
ovticket open --customer acme --severity critical --by eng \
	--at 2026-11-02T09:00:00Z --summary "$xss" >/dev/null
ovticket open --customer globex --severity normal --by eng \
	--at 2026-11-02T09:00:00Z --summary "Globex recorder stuck" >/dev/null
ovticket ack --by eng --at 2026-11-02T09:20:00Z 1 >/dev/null
ovticket note --by eng --at 2026-11-02T09:30:00Z \
	--text "internal: customer acme misconfigured the TURN server" 1 >/dev/null
ovticket note --public --by eng --at 2026-11-02T09:40:00Z \
	--text "We are restarting the media nodes" 1 >/dev/null
ovticket open --customer acme --severity normal --by eng \
	--at 2026-10-20T09:00:00Z --summary "Old question" >/dev/null
ovticket resolve --by eng --at 2026-10-21T09:00:00Z --text answered 3 \
	>/dev/null

run ovticket portal --out "$T/site" --sla "$F/sla.ndjson" \
	--customers "$F/customers.csv" --now 2026-11-04T12:00:00Z
is "$STATUS" 0 "portal exit 0"
is "$OUT$ERR" "" "portal silent"
for f in index.html tickets/1.html customers/acme/index.html \
	customers/acme/tickets/1.html customers/acme/tickets/3.html \
	customers/globex/index.html customers/globex/tickets/2.html \
	customers/initech/index.html; do
	[ -s "$T/site/$f" ]
	ok $? "page $f written"
done
[ ! -e "$T/site/customers/acme/tickets/2.html" ] &&
	[ ! -e "$T/site/customers/globex/tickets/1.html" ]
ok $? "ticket pages only in their customer's tree"
grep -q 'href="tickets/3.html"' "$T/site/index.html"
ok $? "staff overview links a resolved ticket's page"

# Every page renders; screenshots are real PNG images.
chromium_run "file://$T/site/index.html" --window-size=1200,1400 \
	--screenshot="$T/staff.png" >/dev/null
chromium_run "file://$T/site/customers/acme/index.html" \
	--window-size=1200,1400 --screenshot="$T/acme.png" >/dev/null
for png in staff acme; do
	is "$(head -c 8 "$T/$png.png" | od -An -tx1 | tr -d ' \n')" \
		89504e470d0a1a0a "$png screenshot is a PNG"
	size=$(stat -c %s "$T/$png.png")
	[ "$size" -gt 20000 ]
	ok $? "$png screenshot is not blank ($size bytes)"
done

# Hostile summary: Chromium's DOM has no script or img element, and the
# text is shown as written.
dom=$(chromium_run "file://$T/site/customers/acme/tickets/1.html" \
	--dump-dom)
like "$dom" '</html>' "ticket page DOM dumped"
unlike "$dom" '<script' "no script element"
unlike "$dom" '<img' "no img element"
like "$dom" '&lt;script&gt;alert\("x"\)&lt;/script&gt;&lt;img src=x onerror=alert\(2\)&gt; &amp; more' \
	"summary present as text"
dom=$(chromium_run "file://$T/site/index.html" --dump-dom)
unlike "$dom" '<script|<img' "staff overview has no injected element"
like "$dom" '<svg' "overview has the weekly SVG chart"

# No page of a customer's tree names another customer's tickets.
run grep -rl -e 'Globex recorder stuck' -e 'globex' "$T/site/customers/acme"
is "$OUT" "" "acme's tree never names globex or its tickets"
run grep -rl -e 'alert' -e 'Old question' -e 'acme' \
	"$T/site/customers/globex"
is "$OUT" "" "globex's tree never names acme's tickets"

# Internal notes are for the staff pages only.
run grep -rl 'misconfigured the TURN' "$T/site/customers"
is "$OUT" "" "internal note not in any customer tree"
like "$(cat "$T/site/tickets/1.html")" 'misconfigured the TURN' \
	"internal note on the staff page"
like "$(cat "$T/site/customers/acme/tickets/1.html")" \
	'restarting the media nodes' "public note on the customer page"

# SLA states and the compliance chart.
like "$(cat "$T/site/customers/acme/index.html")" \
	'reaction</text>.*1 met, 0 breached \(100%\)' "reaction compliance"
like "$(cat "$T/site/customers/acme/index.html")" \
	'workaround</text>.*0 met, 1 breached \(0%\)' "workaround compliance"
like "$(cat "$T/site/index.html")" \
	'<tr><th>normal</th><td>0</td><td>1</td>' \
	"open normal ticket counted at_risk"

# A new run replaces the whole site and leaves no temporary folder.
ovticket open --customer globex --severity critical --by eng \
	--at 2026-11-04T10:00:00Z --summary "New crash" >/dev/null
mkdir -p "$T/site.tmp/stale"
run ovticket portal --out "$T/site" --now 2026-11-04T12:00:00Z
is "$STATUS" 0 "second run exit 0"
[ -s "$T/site/customers/globex/tickets/4.html" ]
ok $? "new ticket in the new site"
[ ! -e "$T/site.tmp" ]
ok $? "no temporary folder left"
[ ! -e "$T/site/customers/initech" ]
ok $? "customers only from customers.csv are gone without --customers"

# A customer id that would lead out of customers/ is refused, and one that
# an older ovticket let into the database gets no tree.
run ovticket open --customer .. --severity normal --by eng \
	--at 2026-11-04T11:00:00Z --summary "escape"
is "$STATUS" 1 "customer '..' refused by open"
sqlite3 "$OV_DB" "INSERT INTO tickets (customer, severity, channel,
	summary, state, is_open, opened, updated) VALUES ('..', 'normal',
	'phone', 'escape', 'new', 1, 1793790000, 1793790000);
	INSERT INTO events (ticket, time, action, actor, customer, severity,
	channel, summary) VALUES (last_insert_rowid(), 1793790000, 'opened',
	'eng', '..', 'normal', 'phone', 'escape');"
run ovticket portal --out "$T/site" --now 2026-11-04T12:00:00Z
is "$STATUS" 0 "customer '..': exit 0"
like "$ERR" "customer '\.\.': not a valid id, no tree written" \
	"customer '..' reported"
like "$(grep '<h1>' "$T/site/index.html")" 'Support overview' \
	"staff overview not overwritten by a customer page"

# A trailing slash names the same folder.
run ovticket portal --out "$T/site/" --now 2026-11-04T12:00:00Z
is "$STATUS" 0 "--out with a trailing slash: exit 0"
[ ! -e "$T/site/.tmp" ] && [ ! -e "$T/site.tmp" ] && [ -s "$T/site/index.html" ]
ok $? "trailing slash: site replaced, no temporary folder left"

# Bad sla lines are reported; the site is still written.
printf '%s\n' '{"kind":"sla","ticket":1}' 'oops' >"$T/bad-sla.ndjson"
run ovticket portal --out "$T/site" --sla "$T/bad-sla.ndjson"
is "$STATUS" 1 "bad sla records: exit 1"
like "$ERR" 'bad-sla.ndjson:1: sla: missing or invalid' "bad sla line named"
like "$ERR" 'bad-sla.ndjson:2: ' "invalid JSON line named"
run ovticket portal --sla "$F/sla.ndjson"
is "$STATUS" 2 "missing --out: exit 2"
run ovticket portal --out "$T/site" --db "$T/none.db"
is "$STATUS" 3 "missing database: exit 3"

# --now writes the site as it was then: later tickets and notes are left
# out.
run ovticket portal --out "$T/then" --now 2026-11-02T09:35:00Z
is "$STATUS" 0 "portal --now in the past exits 0"
[ -e "$T/then/tickets/1.html" ] && [ -e "$T/then/tickets/3.html" ] &&
	[ ! -e "$T/then/tickets/4.html" ]
ok $? "ticket opened after --now left out"
grep -q "misconfigured the TURN" "$T/then/tickets/1.html"
ok $? "note before --now shown"
! grep -q "restarting the media nodes" "$T/then/tickets/1.html"
ok $? "note after --now left out"

# Times are the reader's local time, with the UTC instant kept in the tag.
TZ=Europe/Madrid ovticket portal --out "$T/madrid" --now 2026-11-04T12:00:00Z
like "$(cat "$T/madrid/tickets/1.html")" \
	'<time datetime="2026-11-02T09:00:00Z">2026-11-02 10:00 CET</time>' \
	"opening time in the zone of TZ"

# SLA records of a ticket the site does not show are ignored, not drawn.
printf '%s\n' '{"kind":"sla","time":"2026-11-10T00:00:00Z","ticket":99,"customer":"acme","plan":"24x7","severity":"normal","target":"reaction","state":"running","started":"2026-11-09T09:30:00Z","due":"2026-11-10T09:30:00Z"}' \
	>"$T/sla-unknown.ndjson"
run ovticket portal --out "$T/then" --sla "$T/sla-unknown.ndjson" \
	--now 2026-11-02T09:35:00Z
is "$STATUS" 0 "sla of an unknown ticket: exit 0"
like "$ERR" "ticket 99 is not in the database" "sla of an unknown ticket warned"
run ovticket portal --out "$T/then" --sla "$F/sla.ndjson" \
	--now 2026-11-02T09:10:00Z
is "$STATUS" 0 "sla of a ticket opened after --now: exit 0"

done_testing
