#!/bin/bash
# ovticket ingest: alarms open, update and reopen tickets; bad records are
# rejected one by one; the same input twice records nothing twice.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket
OV_DB=$(test_db t) || exit 1
export OV_DB

run ovticket ingest "$F/alarms.ndjson"
is "$STATUS" 1 "bad records make exit status 1"
is "$OUT" "$(cat "$F/alarms.expected")" "ticket records of the good alarms"
is "$(grep -c . <<<"$ERR")" 7 "seven bad records reported"
like "$ERR" "alarms.ndjson:6: invalid JSON" "truncated line named with its line"
like "$ERR" "alarms.ndjson:7: field \"state\": invalid value 'flapping'" \
	"unknown state rejected"
like "$ERR" "alarms.ndjson:8: missing field \"customer\"" \
	"firing alarm without customer rejected"
like "$ERR" "alarms.ndjson:9: field \"time\"" "invalid date rejected"
like "$ERR" "alarms.ndjson:10: field \"severity\": invalid value 'major'" \
	"unknown severity rejected"
like "$ERR" "alarms.ndjson:11: field \"value\"" "infinite number rejected"
like "$ERR" "alarms.ndjson:12: field \"customer\": invalid identifier" \
	"invalid customer rejected"

run ovticket ingest "$F/alarms.ndjson"
is "$STATUS" 1 "second run rejects the same bad records"
is "$OUT" "" "second run records nothing"
run ovticket export
is "$(wc -l <<<"$OUT")" 5 "store holds five events after two runs"

# Other kinds: ignored, or copied byte for byte with --pass.
sample=$(sed -n 2p "$F/alarms.ndjson")
run ovticket ingest --pass "$F/alarms.ndjson"
is "$OUT" "$sample" "--pass copies the sample line unchanged"
run ovticket ingest --strict "$F/alarms.ndjson"
is "$STATUS" 1 "--strict exits 1"
is "$(grep -c . <<<"$ERR")" 1 "--strict stops at the first bad record"
run ovticket ingest --rejects "$T/rejects" "$F/alarms.ndjson"
is "$(wc -l <"$T/rejects")" 7 "--rejects keeps the bad lines"
is "$(sed -n 2p "$T/rejects")" "$(sed -n 7p "$F/alarms.ndjson")" \
	"--rejects keeps a line as read"

# Reopening: within the window the same alarm reopens its ticket.
fire() { # fire TIME FINGERPRINT
	printf '{"kind":"alarm","time":"%s","customer":"acme","severity":"%s",%s}\n' \
		"$1" critical "\"state\":\"firing\",\"fingerprint\":\"$2\",\"summary\":\"cpu\""
}
clear_alarm() {
	printf '{"kind":"alarm","time":"%s","state":"resolved","fingerprint":"%s"}\n' \
		"$1" "$2"
}
ovticket resolve --text "scaled up" --at 2026-11-02T11:00:00Z 1 >/dev/null
run ovticket ingest < <(fire 2026-11-03T10:59:59Z 5e0c2b7d1f3a9e44)
is "$OUT" '{"kind":"ticket","time":"2026-11-03T10:59:59Z","ticket":1,"action":"reopened","text":"alarm fired again: cpu"}' \
	"firing within 24h of the resolution reopens the ticket"
ovticket resolve --text "again" --at 2026-11-03T11:00:00Z 1 >/dev/null
run ovticket ingest < <(fire 2026-11-04T11:00:01Z 5e0c2b7d1f3a9e44)
like "$OUT" '"ticket":3,"action":"opened".*"fingerprint":"5e0c2b7d1f3a9e44"' \
	"firing more than 24h after the resolution opens a new ticket"
run ovticket ingest < <(clear_alarm 2026-11-04T11:05:00Z 5e0c2b7d1f3a9e44)
is "$OUT" '{"kind":"ticket","time":"2026-11-04T11:05:00Z","ticket":3,"action":"alarm_cleared","fingerprint":"5e0c2b7d1f3a9e44"}' \
	"clear goes to the open ticket"
OUT=$(ovticket list | jq -c "select(.ticket == 3)")
like "$OUT" '"state":"new"' "a cleared alarm leaves its ticket open"

ovticket resolve --text done --at 2026-11-04T12:00:00Z 3 >/dev/null
run ovticket ingest --reopen-within 1h < <(fire 2026-11-04T13:00:01Z \
	5e0c2b7d1f3a9e44)
like "$OUT" '"ticket":4,"action":"opened"' "--reopen-within 1h: new ticket after 1h"
ovticket resolve --text done --at 2026-11-04T14:00:00Z 4 >/dev/null
run ovticket ingest --reopen-within 1h < <(fire 2026-11-04T15:00:00Z \
	5e0c2b7d1f3a9e44)
like "$OUT" '"ticket":4,"action":"reopened"' "--reopen-within 1h: reopens at 1h"
ovticket resolve --text done --at 2026-11-04T15:30:00Z 4 >/dev/null
ovticket close --at 2026-11-04T16:20:00Z 4 >/dev/null
run ovticket ingest --reopen-within 1h < <(fire 2026-11-04T16:40:00Z \
	5e0c2b7d1f3a9e44)
like "$OUT" '"ticket":5,"action":"opened"' "window runs from the resolution, not the closing"
# Alarms read late: older than the resolution, or than the opening.
run ovticket ingest < <(fire 2026-11-06T10:00:00Z late)
id=$(jq -r .ticket <<<"$OUT")
ovticket resolve --text done --at 2026-11-06T12:00:00Z "$id" >/dev/null
run ovticket ingest < <(fire 2026-11-06T11:00:00Z late)
is "$OUT" "{\"kind\":\"ticket\",\"time\":\"2026-11-06T11:00:00Z\",\"ticket\":$id,\"action\":\"alarm_refired\",\"fingerprint\":\"late\"}" \
	"firing older than the resolution only adds alarm_refired"
run ovticket ingest < <(fire 2026-11-06T09:00:00Z late)
is "$STATUS:$OUT" "1:" "firing older than the opening rejected"
like "$ERR" "<stdin>:1: ticket $id was opened at 2026-11-06T10:00:00Z" \
	"late firing message names the ticket"
run ovticket ingest --reopen-within 2x < /dev/null
is "$STATUS" 2 "invalid --reopen-within is a usage error"

# Input oddities of the record loop: BOM, CRLF, no final newline.
printf '\xef\xbb\xbf%s\r\n%s' "$(fire 2026-11-05T00:00:00Z bom1)" \
	"$(fire 2026-11-05T00:00:01Z bom2)" >"$T/odd.ndjson"
run ovticket ingest "$T/odd.ndjson"
is "$STATUS:$(grep -c opened <<<"$OUT")" "0:2" "BOM, CRLF and missing newline accepted"

# A huge line is rejected, the next one still ingested.
{
	printf '{"kind":"alarm","summary":"%s"}\n' "$(head -c 2000000 /dev/zero | tr '\0' x)"
	fire 2026-11-05T00:00:02Z huge1
} >"$T/huge.ndjson"
run ovticket ingest "$T/huge.ndjson"
is "$STATUS" 1 "line over --max-line rejected"
like "$OUT" '"fingerprint":"huge1"' "record after the huge line ingested"

# Duplicate keys and hostile strings.
printf '%s\n' '{"kind":"alarm","kind":"alarm","time":"2026-11-05T00:00:03Z","customer":"acme","severity":"critical","state":"firing","fingerprint":"dup"}' \
	'{"kind":"alarm","time":"2026-11-05T00:00:04Z","customer":"acme","severity":"critical","state":"firing","fingerprint":"ctl","summary":"a\u001b[31mb"}' \
	'{"kind":"alarm","time":"2026-11-05T00:00:05Z","customer":"acme","severity":"critical","state":"firing","fingerprint":"q\"x","summary":"quote \" and <b>"}' \
	>"$T/hostile.ndjson"
run ovticket ingest "$T/hostile.ndjson"
is "$STATUS" 1 "hostile input: exit 1"
like "$ERR" "hostile.ndjson:1: .*duplicate" "duplicate key rejected"
like "$ERR" "hostile.ndjson:2: .*control character" "control character rejected"
is "$(jq -r .summary <<<"$OUT")" 'quote " and <b>' "quotes kept exactly"

# Only one open ticket per fingerprint, whatever the input says.
run ovticket list --open
is "$(jq -r 'select(.fingerprint=="5e0c2b7d1f3a9e44") | .ticket' <<<"$OUT" | wc -l)" \
	1 "one open ticket per fingerprint"

run ovticket ingest --db
is "$STATUS" 2 "--db without value is a usage error"
done_testing
