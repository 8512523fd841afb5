#!/bin/bash
# ovticket portal --reports: monthly evolution pages built from the report
# records of real ovalarm report runs, rendered in headless Chromium.
# Checks the charts' points, gaps and unknown months, hostile deployment
# names, and that each customer's tree shows only its own deployments.
source "$(dirname "$0")/lib.sh"

GEN="/usr/bin/python3 $TOP/tests/fixtures/report/gen-samples.py"
SUMMARY="/usr/bin/python3 $TOP/tests/fixtures/report/chart-summary.py"
export OV_DB=$T/tickets.db
mkdir "$T/home" "$T/samples" "$T/reports"
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

hostile='acme-<img src=x onerror=alert(1)>"'\''&<script>alert(2)</script>'
# Months of 2026 in Europe/Madrid, the report's default zone, as UTC
# instants: September, October (25 hours on the last Sunday), November.
months="09 2026-08-31T22:00:00Z 2026-09-30T22:00:00Z
10 2026-09-30T22:00:00Z 2026-10-31T23:00:00Z
11 2026-10-31T23:00:00Z 2026-11-30T23:00:00Z"

# One poll every 10 minutes keeps the input small; --max-gap 11m in the
# reports carries each poll over the minutes up to the next.
gen() { $GEN --step 10 "$@"; }
while read -r m from to; do
	f=$T/samples/2026-$m.ndjson
	gen --from "$from" --to "$to" --customer acme \
		--deployment acme-prod --cores 8 \
		--outage "2026-$m-10T08:00:00Z,60" \
		--cpu "2026-$m-15T14:30:00Z,$((10#$m + 82)).5" >"$f"
	# The hostile deployment has no report in October: a gap.
	[ "$m" != 10 ] && gen --from "$from" --to "$to" --customer acme \
		--deployment "$hostile" --cores 4 >>"$f"
	# acme-edge has no up samples in November: availability unknown.
	[ "$m" = 11 ] && gen --from "$from" --to "$to" --customer acme \
		--deployment acme-edge --without up >>"$f"
	gen --from "$from" --to "$to" --customer globex \
		--deployment globex-prod --cores 16 >>"$f"
	ovalarm report --max-gap 11m --month "2026-$m" "$f" \
		>"$T/reports/2026-$m.ndjson"
	ok $? "ovalarm report of 2026-$m"
done <<<"$months"
is "$(cat "$T/reports"/*.ndjson | wc -l)" 9 "nine report records"
is "$(jq -r 'select(.deployment == "acme-edge") | .availability_percent' \
	"$T/reports/2026-11.ndjson")" null \
	"acme-edge's availability is null in its report"

ovticket open --customer acme --severity normal --by eng \
	--at 2026-11-02T09:00:00Z --summary "Slow joins" >/dev/null
cat >"$T/customers.csv" <<'CSV'
customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email
acme,ACME Corp,24x7,2026-01-01,,,,acme.example
globex,Globex,nbd,2026-01-01,,,,globex.example
initech,Initech,nbd,2026-01-01,,,,initech.example
CSV

run ovticket portal --out "$T/site" --customers "$T/customers.csv" \
	--now 2026-12-01T12:00:00Z --reports "$T/reports"/*.ndjson
is "$STATUS" 0 "portal with reports: exit 0"
is "$OUT$ERR" "" "portal silent"
for f in evolution.html customers/acme/evolution.html \
	customers/globex/evolution.html customers/initech/evolution.html; do
	[ -s "$T/site/$f" ]
	ok $? "page $f written"
done
like "$(cat "$T/site/index.html")" 'href="evolution.html"' \
	"staff overview links to its evolution page"
like "$(cat "$T/site/customers/acme/index.html")" 'href="evolution.html"' \
	"customer overview links to its evolution page"
like "$(cat "$T/site/customers/initech/evolution.html")" \
	'No report records for this customer' "customer without reports"

# The customer's page as Chromium builds it: per chart, the markers, the
# unknown labels and the points of each line.
dom=$(chromium_run "file://$T/site/customers/acme/evolution.html" \
	--dump-dom)
like "$dom" '</html>' "acme evolution DOM dumped"
summary=$(printf '%s\n' "$dom" | $SUMMARY)
# Series by name: the hostile one, acme-edge, acme-prod.  acme-prod has
# three months in one line; the hostile deployment two months around a
# gap, so two markers and no line; acme-edge one month.
like "$summary" 'availability points=5 unknown=1 lines=3' \
	"availability: 5 points, acme-edge unknown, one 3-month line"
like "$summary" 'cpu points=6 unknown=0 lines=3' "CPU: 6 points"
like "$summary" 'participants points=6 unknown=0 lines=3' \
	"participants: 6 points"
like "$summary" 'core-minutes points=6 unknown=0 lines=3' \
	"core-minutes: 6 points"
is "$(printf '%s\n' "$summary" | grep -c 'points=')" 4 "four charts"
unlike "$summary" 'elements (script|img)' \
	"no script or img element from a deployment name"
like "$dom" 'acme-&lt;img src=x onerror=alert\(1\)&gt;"'\''&amp;&lt;script&gt;alert\(2\)&lt;/script&gt;' \
	"hostile deployment name shown as text"
like "$dom" '<td class="unknown">unknown</td>' \
	"unknown availability listed as unknown"
like "$dom" 'acme-edge 2026-11: availability unknown' \
	"unknown month labelled on the chart"
like "$dom" '<title>acme-prod 2026-11: 93\.5 %</title>' \
	"November's CPU peak in its point's title"
like "$dom" '<title>acme-prod 2026-09: 91\.5 %</title>' \
	"September's CPU peak in its point's title"
like "$dom" 'Latest month: 2026-11' "latest month heading"
like "$dom" '<td>acme-prod</td><td>99\.[0-9]{3} %</td>' \
	"latest availability of acme-prod in the table"

# Customer separation: nothing of globex in acme's tree and the reverse.
run grep -rl -e globex "$T/site/customers/acme"
is "$OUT" "" "acme's tree never names globex"
run grep -rl -e acme -e 'alert' "$T/site/customers/globex"
is "$OUT" "" "globex's tree never names acme's deployments"
dom=$(chromium_run "file://$T/site/customers/globex/evolution.html" \
	--dump-dom)
like "$(printf '%s\n' "$dom" | $SUMMARY)" \
	'availability points=3 unknown=0 lines=3' \
	"globex: its one deployment, three months"

# The staff page has every deployment, with a customer column.
dom=$(chromium_run "file://$T/site/evolution.html" --dump-dom)
summary=$(printf '%s\n' "$dom" | $SUMMARY)
is "$(printf '%s\n' "$summary" | grep -c 'points=')" 8 \
	"staff page: four charts for each of two customers"
unlike "$summary" 'elements (script|img)' "staff page: no injected element"
like "$dom" '<td>globex</td><td>globex-prod</td>' \
	"staff table names the customer"

# Screenshots and the print style sheet.
chromium_run "file://$T/site/customers/acme/evolution.html" \
	--window-size=900,2400 --screenshot="$T/acme.png" >/dev/null
is "$(head -c 8 "$T/acme.png" | od -An -tx1 | tr -d ' \n')" \
	89504e470d0a1a0a "screenshot is a PNG"
size=$(stat -c %s "$T/acme.png")
[ "$size" -gt 20000 ]
ok $? "screenshot is not blank ($size bytes)"
chromium_run "file://$T/site/customers/acme/evolution.html" \
	--print-to-pdf="$T/acme.pdf" --no-pdf-header-footer >/dev/null
is "$(head -c 5 "$T/acme.pdf")" "%PDF-" "page prints to PDF"
like "$(cat "$T/site/customers/acme/evolution.html")" '@media print\{' \
	"print style sheet present"

# Bad report records are rejected with their file and line; the valid
# records around them still make the site.
good='{"kind":"report","period":"2026-11","customer":"acme","deployment":"acme-x","availability_percent":99.5}'
printf '%s\n' \
	'{"kind":"report","period":"2026-13","deployment":"d1"}' \
	"$good" \
	'{"kind":"report","period":"2026-11","deployment":"d2","availability_percent":150}' \
	'{"kind":"report","period":"2026-11","deployment":"d3","cpu":"high"}' \
	'{"kind":"report","period":"2026-11","deployment":"d4","peak_connections":1e400}' \
	'{"kind":"report","period":"2026-11"}' \
	'{"kind":"report","period":"2026-11","deployment":"d5","peak_connections":-3}' \
	'{"kind":"report","period":"2026-1' \
	'{"kind":"sample","time":"2026-11-02T09:15:00Z","deployment":"x","metric":"up","value":1}' \
	>"$T/bad.ndjson"
run ovticket portal --out "$T/site" --reports "$T/bad.ndjson"
is "$STATUS" 1 "bad report records: exit 1"
like "$ERR" 'bad\.ndjson:1: field "period"' "invalid month named"
like "$ERR" 'bad\.ndjson:3: field "availability_percent": 150' \
	"percentage over 100 named"
like "$ERR" 'bad\.ndjson:4: field "cpu"' "cpu of the wrong type named"
like "$ERR" 'bad\.ndjson:5: ' "infinite number named"
like "$ERR" 'bad\.ndjson:6: .*deployment' "missing deployment named"
like "$ERR" 'bad\.ndjson:7: field "peak_connections"' \
	"negative count named"
like "$ERR" 'bad\.ndjson:8: ' "truncated line named"
unlike "$ERR" 'bad\.ndjson:(2|9):' "valid report and other kinds accepted"
like "$(cat "$T/site/customers/acme/evolution.html")" '<td>acme-x</td>' \
	"valid record between bad ones shown"

# The same deployment and month twice: the last one given is used.
printf '%s\n' "$good" "${good/99.5/97.25}" >"$T/twice.ndjson"
run ovticket portal --out "$T/site" --reports "$T/twice.ndjson"
is "$STATUS" 0 "duplicate report: exit 0"
like "$ERR" "deployment 'acme-x': more than one report for 2026-11" \
	"duplicate report warned"
like "$(cat "$T/site/customers/acme/evolution.html")" '97\.250 %' \
	"the later duplicate is used"
unlike "$(cat "$T/site/customers/acme/evolution.html")" '99\.500 %' \
	"the earlier duplicate is dropped"

# Report records on standard input, and as operands after --reports.
run ovticket portal --out "$T/site" --reports - <"$T/twice.ndjson"
is "$STATUS" 0 "reports from standard input: exit 0"
run ovticket portal --out "$T/site" --reports "$T/twice.ndjson" \
	"$T/reports/2026-11.ndjson"
is "$STATUS" 0 "operands after --reports: exit 0"
like "$(cat "$T/site/customers/globex/evolution.html")" 'globex-prod' \
	"operand read as a report file"
run ovticket portal --out "$T/site" "$T/twice.ndjson"
is "$STATUS" 2 "operand without --reports: exit 2"
run ovticket portal --out "$T/site" --reports "$T/none.ndjson"
is "$STATUS" 3 "missing report file: exit 3"
like "$ERR" 'none\.ndjson: No such file' "missing report file named"
[ -s "$T/site/customers/globex/evolution.html" ]
ok $? "site kept when a report file is missing"

# Huge input: a line over --max-line (1 MiB) is rejected and named, a
# 100 000-character deployment name and 10 000 CPU entries are drawn.
long=$(head -c 100000 /dev/zero | tr '\0' 'd')
{
	printf '{"kind":"report","period":"2026-11","customer":"acme",'
	printf '"deployment":"%s","note":"' "$long"
	head -c 1100000 /dev/zero | tr '\0' 'x'
	printf '"}\n'
	printf '{"kind":"report","period":"2026-11","customer":"acme",'
	printf '"deployment":"%s","cpu":[' "$long"
	for i in $(seq 1 9999); do printf '{"node":"n%d","max":%d},' $i $((i % 90)); done
	printf '{"node":"hot","max":99.5}]}\n'
} >"$T/huge.ndjson"
run ovticket portal --out "$T/site" --reports "$T/huge.ndjson"
is "$STATUS" 1 "huge line: exit 1"
like "$ERR" 'huge\.ndjson:1: line longer than --max-line' \
	"line over 1 MiB named"
unlike "$ERR" 'huge\.ndjson:2:' "long name and 10 000 CPU entries accepted"
like "$(cat "$T/site/customers/acme/evolution.html")" \
	"<td>$long</td><td[^>]*>[^<]*</td><td>[^<]*</td><td>99\\.5 % \\(hot\\)" \
	"long deployment name and the hottest node shown"

# A report without a customer is for the staff only; a customer id that
# would lead out of customers/ gets no tree.
printf '%s\n' \
	'{"kind":"report","period":"2026-11","customer":null,"deployment":"orphan"}' \
	'{"kind":"report","period":"2026-11","customer":"../x","deployment":"evil"}' \
	>"$T/odd.ndjson"
run ovticket portal --out "$T/site" --reports "$T/odd.ndjson"
is "$STATUS" 0 "odd customers: exit 0"
like "$ERR" "customer '\.\./x': not a valid id, no tree written" \
	"invalid customer id warned"
like "$(cat "$T/site/evolution.html")" \
	'Deployments without a customer</h2>' "report without a customer"
run grep -rl -e orphan -e evil "$T/site/customers"
is "$OUT" "" "neither is in any customer tree"
[ ! -e "$T/x" ] && [ ! -e "$T/site/x" ]
ok $? "no folder outside customers/"

# Without --reports there is no evolution page and no link to one.
run ovticket portal --out "$T/site"
is "$STATUS" 0 "portal without reports: exit 0"
[ ! -e "$T/site/evolution.html" ]
ok $? "no evolution page without --reports"
unlike "$(cat "$T/site/index.html")" 'evolution\.html' "no link to it"
done_testing
