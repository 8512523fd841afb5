#!/bin/bash
# Hostile input across the five programs: each case pins the exit status
# and the exact error text, and checks that valid records around a bad one
# are still processed.
source "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# hostile NAME STATUS EXPECTED-STDERR CMD...: STDERR must contain the text.
hostile() {
	local name=$1 status=$2 expected=$3
	shift 3
	run "$@"
	is "$STATUS" "$status" "$name: exit status"
	if [ -n "$expected" ]; then
		case "$ERR" in
		*"$expected"*) ok 0 "$name: message" ;;
		*) ok 1 "$name: message"
		   printf '#   got:      %s\n#   expected: %s\n' "$ERR" "$expected" ;;
		esac
	else
		is "$ERR" "" "$name: no message"
	fi
}

S1='{"kind":"sample","time":"2026-11-02T09:15:00Z","customer":"acme","deployment":"d","metric":"cluster.cores","value":4}'
S2='{"kind":"sample","time":"2026-11-02T09:16:00Z","customer":"acme","deployment":"d","metric":"cluster.cores","value":4}'
sample() { # sample TIME VALUE-TEXT: a sample line with raw value text
	printf '{"kind":"sample","time":"%s","customer":"acme","deployment":"d","metric":"cluster.cores","value":%s}' "$1" "$2"
}
between() { # between FILE LINE: the bad LINE between two good samples
	printf '%s\n%s\n%s\n' "$S1" "$2" "$S2" >"$1"
}

# Accepted forms: byte-order mark, CRLF, no final newline.
printf '\xef\xbb\xbf%s\r\n%s' "$S1" "$S2" >bom.nd
hostile "BOM, CRLF, no final newline" 0 "" ovalarm bom.nd
run ovbill usage --month 2026-11 bom.nd
like "$OUT" '"core_minutes":8' "BOM file billed in full"
: >empty.nd
hostile "empty file" 0 "" ovalarm empty.nd
hostile "empty file to ovsla" 0 "" ovsla --plan 24x7 --now 2026-11-03T00:00:00Z empty.nd

# A 10 MiB line is an error, not a crash, and the next line still counts.
{
	printf '{"kind":"sample","x":"'
	head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' x
	printf '"}\n%s\n' "$S1"
} >huge.nd
hostile "10 MiB line" 1 \
	"huge.nd:1: line longer than --max-line (1048576 bytes); skipped" \
	ovalarm huge.nd
hostile "10 MiB line to ovbill" 1 "huge.nd:1: line longer than --max-line" \
	ovbill usage --month 2026-11 huge.nd
like "$OUT" '"core_minutes":4' "line after the huge one billed"
hostile "lower --max-line" 1 "huge.nd:1: line longer than --max-line (4096 bytes)" \
	ovsla --max-line 4096 --plan 24x7 --now 2026-11-03T00:00:00Z huge.nd

# Numbers: NaN, infinity, past 2^53.
between nan.nd "$(sample 2026-11-02T09:15:30Z NaN)"
hostile "NaN" 1 "nan.nd:2: invalid JSON at column" ovalarm nan.nd
between inf.nd "$(sample 2026-11-02T09:15:30Z 1e400)"
hostile "1e400" 1 \
	'inf.nd:2: field "value": number out of range (infinite or not a number)' \
	ovalarm inf.nd
hostile "1e400 to ovbill" 1 'inf.nd:2: field "value": number out of range' \
	ovbill usage --month 2026-11 inf.nd
like "$OUT" '"core_minutes":8' "good samples around 1e400 billed"
between big.nd "$(sample 2026-11-02T09:15:30Z 9007199254740993)"
hostile "2^53 + 1" 1 \
	'big.nd:2: field "value": number out of range: magnitude 2^53 or more cannot be exact' \
	ovalarm big.nd
printf '{"kind":"ticket","time":"2026-11-02T09:00:00Z","ticket":9007199254740993,"action":"opened","customer":"acme","severity":"critical","channel":"phone","summary":"s"}\n' >bigid.nd
hostile "ticket id past 2^53" 1 'bigid.nd:1: field "ticket": number out of range' \
	ovsla --plan 24x7 --now 2026-11-03T00:00:00Z bigid.nd

# Text: invalid UTF-8, NUL, binary garbage.
between utf.nd "$(printf '{"kind":"sample","s":"\xc3\x28"}')"
hostile "invalid UTF-8" 1 "utf.nd:2: invalid UTF-8" ovalarm utf.nd
between nul.nd '{"kind":"sample","s":"a\u0000b"}'
hostile "NUL escape" 1 'nul.nd:2: string contains a NUL character (\u0000)' \
	ovalarm nul.nd
head -c 4096 /dev/urandom | tr -d '\n' >garbage.nd
printf '\n%s\n' "$S1" >>garbage.nd
hostile "binary garbage" 1 "garbage.nd:1: invalid" ovalarm garbage.nd

# Structure: not an object, cut short, missing and wrong fields, duplicates.
between array.nd '[1,2,3]'
hostile "JSON array" 1 "array.nd:2: invalid record: not a JSON object" \
	ovalarm array.nd
between string.nd '"sample"'
hostile "JSON string" 1 "string.nd:2: invalid record: not a JSON object" \
	ovbill usage --month 2026-11 string.nd
between cut.nd '{"kind":"sample","time":"2026-11-02T09:15:00Z","dep'
hostile "line cut short" 1 "cut.nd:2: invalid JSON: unexpected end of line" \
	ovalarm cut.nd
between notime.nd '{"kind":"sample","deployment":"d","metric":"up","value":1}'
hostile "sample without time" 1 'notime.nd:2: missing field "time"' \
	ovalarm notime.nd
between strval.nd "$(sample 2026-11-02T09:15:30Z '"4"')"
hostile "value as a string" 1 'strval.nd:2: field "value": expected a number' \
	ovalarm strval.nd
between dup.nd "$(printf '{"kind":"sample","time":"2026-11-02T09:15:30Z","deployment":"d","metric":"cluster.cores","value":4,"value":400}')"
hostile "duplicate key" 1 'dup.nd:2: duplicate key "value"' ovalarm dup.nd
hostile "duplicate key to ovbill" 1 'dup.nd:2: duplicate key "value"' \
	ovbill usage --month 2026-11 dup.nd

# Impossible times.
between h24.nd "$(sample 2026-11-02T24:00:00Z 4)"
hostile "hour 24" 1 'h24.nd:2: field "time": hour out of range (00-23)' \
	ovalarm h24.nd
between feb30.nd "$(sample 2026-02-30T09:00:00Z 4)"
hostile "30 February" 1 'feb30.nd:2: field "time": day out of range for its month' \
	ovbill usage --month 2026-11 feb30.nd
between leap.nd "$(sample 2016-12-31T23:59:60Z 4)"
hostile "leap second" 1 'leap.nd:2: field "time": leap second (:60) cannot be represented' \
	ovalarm leap.nd
between nozone.nd "$(sample 2026-11-02T09:15:00 4)"
hostile "time without zone" 1 'nozone.nd:2: field "time": invalid time: missing time zone' \
	ovalarm nozone.nd

# --strict stops at the first bad record; --rejects keeps it for replay.
hostile "--strict" 1 "dup.nd:2: duplicate key" ovbill usage --strict --month 2026-11 dup.nd
is "$OUT" "" "--strict writes no partial usage"
hostile "--rejects" 1 "dup.nd:2:" ovalarm --rejects rejects.nd dup.nd
is "$(cat rejects.nd)" "$(sed -n 2p dup.nd)" "--rejects keeps the bad line"

# Negative durations and impossible option values are usage errors.
hostile "negative --max-gap" 2 \
	"--max-gap '-5m': invalid duration: negative durations are not allowed" \
	ovbill --month 2026-11 --max-gap -5m --customers "$TOP/etc/customers.example.csv"
hostile "negative --timeout" 2 "--timeout '-1s': invalid duration" \
	ovscrape --timeout -1s --deployments "$TOP/etc/deployments.example.csv"
hostile "month 13" 2 "--month '2026-13': invalid month: month out of range" \
	ovbill --month 2026-13 --customers "$TOP/etc/customers.example.csv"
hostile "--now on 30 February" 2 "--now '2026-02-30T00:00:00Z': day out of range" \
	ovsla --now 2026-02-30T00:00:00Z empty.nd
hostile "--warn over 100" 2 "--warn '120': expected a whole number from 0 to 100" \
	ovsla --warn 120 empty.nd
hostile "negative worklog" 2 "--minutes '-5': expected a whole number" \
	ovticket --db t.db worklog --minutes -5 --by bob 1
printf 'rule x\n\twhen up == 0 for -5m\n\tseverity critical\n' >neg.conf
hostile "negative duration in a rule" 3 "neg.conf:2: invalid duration '-5m'" \
	ovalarm --rules neg.conf empty.nd
printf 'rule x\n\twhen up === 0\n\tseverity critical\n' >op.conf
hostile "unknown operator in a rule" 3 "op.conf:2: invalid operator '==='" \
	ovalarm --rules op.conf empty.nd
hostile "misspelt option" 2 "unknown option '--stirct'; did you mean '--strict'?" \
	ovalarm --stirct empty.nd
hostile "misspelt command" 2 "unknown command 'lsit'; did you mean 'list'?" \
	ovticket --db t.db lsit

# CSV files: missing column, unterminated quote, empty, bad values.
H='deployment,customer,url,api,secret_file,master_cores,media_node_cores,tls_verify'
printf '%s\nd1,acme,https://127.0.0.1:1,openvidu2,,4\n' "$H" >dmiss.csv
hostile "deployments.csv missing column" 3 \
	"dmiss.csv:2: expected 8 fields as in the header, found 6" \
	ovscrape --deployments dmiss.csv
printf '%s\nd1,acme,"https://127.0.0.1:1,openvidu2,,4,8,true\n' "$H" >dquote.csv
hostile "deployments.csv unterminated quote" 3 \
	"dquote.csv:2: invalid CSV: unterminated quoted field (starting on line 2)" \
	ovscrape --deployments dquote.csv
: >dempty.csv
hostile "empty deployments.csv" 3 "dempty.csv: empty file: a header row is required" \
	ovscrape --deployments dempty.csv
C='customer,name,plan,contract_start,contract_end,hour_rate,deployment_fee,email'
printf '%s\nacme,A,24x7,2026-01-01,,,\n' "$C" >cmiss.csv
hostile "customers.csv missing column" 3 \
	"cmiss.csv:2: expected 8 fields as in the header, found 7" \
	ovbill --month 2026-11 --customers cmiss.csv empty.nd
printf '%s\nacme,"A,24x7,2026-01-01,,,,x\n' "$C" >cquote.csv
hostile "customers.csv unterminated quote" 3 \
	"cquote.csv:2: invalid CSV: unterminated quoted field" \
	ovsla --customers cquote.csv --now 2026-11-03T00:00:00Z empty.nd
printf '%s\nacme,A,24x7,2026-02-30,,,,x\n' "$C" >cdate.csv
hostile "customers.csv impossible date" 3 \
	"cdate.csv:2: contract_start: day out of range for its month: '2026-02-30'" \
	ovbill --month 2026-11 --customers cdate.csv empty.nd
printf '[24x7]\nprice = abc\n' >p.conf
hostile "plans.conf bad price" 3 \
	"p.conf:2: price: invalid amount: expected a decimal like 0.0024: 'abc'" \
	ovsla --plans p.conf --plan 24x7 empty.nd

# Events and tickets.
printf '{"nodeCrashed":{"timestamp":1e400,"id":"media_x"}}\n{"nodeCrashed":{"timestamp":1700000000000,"id":"media_x"}}\n' >cdr.log
hostile "CDR line with 1e400" 1 \
	'cdr.log:1: field "timestamp": number out of range (infinite or not a number)' \
	ovscrape events --deployment d cdr.log
like "$OUT" '"event":"nodeCrashed"' "CDR line after the bad one read"
printf '{"kind":"alarm","time":"2026-11-02T09:20:00Z","customer":"acme","deployment":"d","rule":"r","severity":"critical","state":"firing","summary":"s"}\n' >nofp.nd
hostile "alarm without fingerprint" 1 'nofp.nd:1: missing field "fingerprint"' \
	ovticket --db t.db ingest nofp.nd
printf 'not a database at all' >bad.db
hostile "not a database" 3 "bad.db: cannot read the schema version: file is not a database" \
	ovticket --db bad.db list
printf '{"kind":"ticket","time":"2026-11-02T09:00:00Z","ticket":"1","action":"opened","customer":"acme","severity":"critical","channel":"phone","summary":"s"}\n' >tstr.nd
hostile "ticket id as a string" 1 'tstr.nd:1: field "ticket": expected a number' \
	ovsla --plan nbd --now 2026-11-05T00:00:00Z tstr.nd
printf '{"kind":"ticket","time":"2027-01-04T09:00:00Z","ticket":1,"action":"opened","customer":"acme","severity":"critical","channel":"phone","summary":"s"}\n' >y2027.nd
hostile "year the calendar does not cover" 1 \
	"ticket 1: the business calendar does not cover 2027" \
	ovsla --plan nbd --now 2027-01-05T00:00:00Z y2027.nd
# An input file that cannot be read at all: status 3 in every program,
# with the file named, and the other inputs still read.
hostile "missing input to ovalarm" 3 "no-such.nd: No such file or directory" \
	ovalarm no-such.nd bom.nd
hostile "missing input to ovbill" 3 "no-such.nd: No such file or directory" \
	ovbill usage --month 2026-11 no-such.nd bom.nd
like "$OUT" '"core_minutes":8' "ovbill still reads the other input"
hostile "missing input to ovsla" 3 "no-such.nd: No such file or directory" \
	ovsla --plan 24x7 --now 2026-11-03T00:00:00Z no-such.nd
hostile "missing input to ovticket ingest" 3 \
	"no-such.nd: No such file or directory" ovticket --db in.db ingest no-such.nd
hostile "missing input to ovscrape events" 3 \
	"no-such.nd: No such file or directory" \
	ovscrape events --deployment d no-such.nd
done_testing
