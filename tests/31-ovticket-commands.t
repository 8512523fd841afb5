#!/bin/bash
# ovticket engineer commands: every action of the ticket record, the exact
# records they write, and the lifecycle rules that refuse what makes no
# sense.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

OV_DB=$(test_db t) || exit 1
export OV_DB
at=2026-11-02T09

run ovticket open --customer acme --severity critical --channel phone \
	--summary "no video" --deployment acme-prod --by alice --at ${at}:05:00Z
is "$STATUS" 0 "open exits 0"
is "$OUT" '{"kind":"ticket","time":"2026-11-02T09:05:00Z","ticket":1,"action":"opened","customer":"acme","deployment":"acme-prod","severity":"critical","channel":"phone","summary":"no video","by":"alice"}' \
	"open writes the opened record"

# Each action with its exact record.
check() { # check NAME EXPECTED-RECORD COMMAND...
	local name=$1 expected=$2
	shift 2
	run ovticket "$@"
	is "$STATUS:$OUT" "0:$expected" "$name"
}
r='{"kind":"ticket","time":"2026-11-02T09:'
check ack "${r}10:00Z\",\"ticket\":1,\"action\":\"acknowledged\",\"by\":\"bob\"}" \
	ack --by bob --at ${at}:10:00Z 1
check "assign" "${r}11:00Z\",\"ticket\":1,\"action\":\"assigned\",\"to\":\"carol\"}" \
	assign --to carol --at ${at}:11:00Z 1
check "private note" "${r}12:00Z\",\"ticket\":1,\"action\":\"note\",\"text\":\"looking\",\"by\":\"bob\",\"public\":false}" \
	note --text looking --by bob --at ${at}:12:00Z 1
check "public note" "${r}13:00Z\",\"ticket\":1,\"action\":\"note\",\"text\":\"we are on it\",\"by\":\"bob\",\"public\":true}" \
	note --public --text "we are on it" --by bob --at ${at}:13:00Z 1
check pending "${r}14:00Z\",\"ticket\":1,\"action\":\"pending\",\"by\":\"bob\"}" \
	pending --by bob --at ${at}:14:00Z 1
OUT=$(ovticket list | jq -c "select(.ticket == 1)")
like "$OUT" '"pending":true' "pending ticket shows pending"
check "customer reply" "${r}15:00Z\",\"ticket\":1,\"action\":\"customer_reply\",\"text\":\"logs attached\"}" \
	reply --text "logs attached" --at ${at}:15:00Z 1
OUT=$(ovticket list | jq -c "select(.ticket == 1)")
like "$OUT" '"pending":false' "a customer reply resumes a pending ticket"
run ovticket resume 1
is "$STATUS" 1 "resume of a ticket not pending refused"
like "$ERR" "ticket 1 is not pending" "resume refusal says why"
check pending-again "${r}16:00Z\",\"ticket\":1,\"action\":\"pending\",\"by\":\"bob\"}" \
	pending --by bob --at ${at}:16:00Z 1
check resume "${r}17:00Z\",\"ticket\":1,\"action\":\"resumed\",\"by\":\"bob\"}" \
	resume --by bob --at ${at}:17:00Z 1
check severity "${r}18:00Z\",\"ticket\":1,\"action\":\"severity\",\"severity\":\"normal\"}" \
	severity --severity normal --at ${at}:18:00Z 1
check "severity operand" "${r}18:30Z\",\"ticket\":1,\"action\":\"severity\",\"severity\":\"critical\"}" \
	severity --at ${at}:18:30Z 1 critical
check workaround "${r}19:00Z\",\"ticket\":1,\"action\":\"workaround\",\"text\":\"restarted\",\"by\":\"bob\"}" \
	workaround --text restarted --by bob --at ${at}:19:00Z 1
check worklog "${r}20:00Z\",\"ticket\":1,\"action\":\"worklog\",\"minutes\":45,\"by\":\"bob\"}" \
	worklog --minutes 45 --by bob --at ${at}:20:00Z 1
check resolve "${r}21:00Z\",\"ticket\":1,\"action\":\"resolved\",\"text\":\"patched\",\"by\":\"bob\"}" \
	resolve --text patched --by bob --at ${at}:21:00Z 1
check close "${r}22:00Z\",\"ticket\":1,\"action\":\"closed\",\"by\":\"bob\"}" \
	close --by bob --at ${at}:22:00Z 1
check reopen "${r}23:00Z\",\"ticket\":1,\"action\":\"reopened\",\"text\":\"back\"}" \
	reopen --text back --by bob --at ${at}:23:00Z 1
check "--now same as --at" "${r}23:30Z\",\"ticket\":1,\"action\":\"note\",\"text\":\"n\",\"by\":\"bob\",\"public\":false}" \
	note --text n --by bob --now ${at}:23:30Z 1
check "ack after reopen" "${r}24:00Z\",\"ticket\":1,\"action\":\"acknowledged\",\"by\":\"bob\"}" \
	ack --by bob --at ${at}:24:00Z 1

# The login name is the default actor.
run ovticket note --text hi 1
like "$OUT" "\"by\":\"$(id -un)\"" "--by defaults to the login name"
like "$OUT" '"time":"20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]{8}Z"' \
	"--at defaults to now"

# Refusals: exit 1, a message, and nothing recorded.
before=$(ovticket export | wc -l)
refuse() { # refuse NAME MESSAGE-REGEX COMMAND...
	local name=$1 re=$2
	shift 2
	run ovticket "$@"
	is "$STATUS:$OUT" "1:" "$name refused"
	like "$ERR" "$re" "$name: message"
}
refuse "second ack" "already acknowledged" ack 1
refuse "close before resolve" "not resolved; resolve it before closing" close 1
refuse "reopen of an open ticket" "only a resolved or closed ticket" \
	reopen --text x 1
refuse "unknown ticket" "ticket 99 not found" ack 99
refuse "same severity" "already critical" severity --severity critical 1
refuse "same owner" "already assigned to carol" assign --to carol 1
refuse "event before opening" "opened at 2026-11-02T09:05:00Z" \
	note --text early --at 2026-11-02T09:00:00Z 1
ovticket resolve --text ok 1 >/dev/null
refuse "resolve twice" "is resolved; reopen it first" resolve --text x 1
refuse "workaround on resolved" "reopen it first" workaround --text x 1
refuse "ack on resolved" "reopen it first" ack 1
refuse "pending on resolved" "reopen it first" pending 1
ovticket close 1 >/dev/null
refuse "close twice" "already closed" close 1
refuse "reply to closed" "closed; reopen it first" reply --text x 1
refuse "assign closed" "closed; reopen it first" assign --to dave 1
run ovticket worklog --minutes 15 1
is "$STATUS" 0 "worklog on a closed ticket accepted"
run ovticket note --text "post mortem" 1
is "$STATUS" 0 "note on a closed ticket accepted"
is "$(ovticket export | wc -l)" "$((before + 4))" \
	"refused actions recorded nothing"

# Every action's record has exactly the fields of the ticket record.
run ovticket export
is "$(jq -r '.action + ": " + (keys_unsorted | join(","))' <<<"$OUT" |
	sort -u)" "$(cat <<'EOF'
acknowledged: kind,time,ticket,action,by
assigned: kind,time,ticket,action,to
closed: kind,time,ticket,action,by
customer_reply: kind,time,ticket,action,text
note: kind,time,ticket,action,text,by,public
opened: kind,time,ticket,action,customer,deployment,severity,channel,summary,by
pending: kind,time,ticket,action,by
reopened: kind,time,ticket,action,text
resolved: kind,time,ticket,action,text,by
resumed: kind,time,ticket,action,by
severity: kind,time,ticket,action,severity
workaround: kind,time,ticket,action,text,by
worklog: kind,time,ticket,action,minutes,by
EOF
)" "fields of every action"
is "$(jq -r 'select(.action == "worklog") | .minutes | type' <<<"$OUT" |
	sort -u)" number "worklog minutes is a number"
is "$(jq -r '.ticket | type' <<<"$OUT" | sort -u)" number "ticket is a number"

# Usage errors: exit 2.
usage() { # usage NAME COMMAND...
	local name=$1
	shift
	run ovticket "$@"
	is "$STATUS:$OUT" "2:" "$name: usage error"
}
usage "zero minutes" worklog --minutes 0 1
usage "negative minutes" worklog --minutes -5 1
usage "minutes not a number" worklog --minutes 1h 1
usage "note without text" note 1
usage "assign without --to" assign 1
usage "ack with --text" ack --text x 1
usage "ticket not a number" ack abc
usage "no ticket" ack
usage "two tickets" ack 1 2
usage "bad --at" ack --at yesterday 1
usage "bad severity" severity --severity urgent 1
usage "open without customer" open --severity critical --summary x
usage "open with channel alarm" open --customer acme --severity critical \
	--summary x --channel alarm
usage "unknown command" resolv 1
like "$ERR" "did you mean 'resolve'" "unknown command suggests the nearest"
run env -u OV_DB ovticket list
is "$STATUS" 2 "no database given: usage error"

run ovticket open --customer "ac me" --severity critical --summary x
is "$STATUS" 1 "invalid customer refused"
like "$ERR" "invalid customer 'ac me'" "invalid customer named"
run ovticket note --text "$(printf 'bell\a')" 1
is "$STATUS" 1 "control character in text refused"
run ovticket note --text "$(printf '\xff\xfe')" 1
is "$STATUS" 1 "invalid UTF-8 in text refused"
run ovticket note --text "$(printf 'two\nlines\tand tab')" 1
is "$STATUS" 0 "newline and tab in text accepted"
is "$(jq -r .text <<<"$OUT")" "$(printf 'two\nlines\tand tab')" \
	"multi-line text kept"

# Resolving a pending ticket ends the wait with a resumed event, so that
# the clocks run again after a reopen.
ovticket open --customer acme --severity critical --summary wait \
	--at 2026-11-02T09:00:00Z >"$T/w1"
w=$(jq -r .ticket "$T/w1")
ovticket pending --at 2026-11-02T09:02:00Z "$w" >/dev/null
run ovticket resolve --text done --at 2026-11-02T09:06:00Z "$w"
is "$(jq -r .action <<<"$OUT" | paste -sd' ')" "resumed resolved" \
	"resolving a pending ticket resumes it first"
ovticket reopen --text again --at 2026-11-02T09:10:00Z "$w" >/dev/null
is "$(ovticket export | ovsla status --plan 24x7 \
	--now 2026-11-20T00:00:00Z | jq -r "select(.ticket == $w and
	.target == \"resolution\") | .state")" breached \
	"resolution clock runs after the reopen"

# Two events that an export could not tell apart are refused.
ovticket worklog --minutes 30 --at 2026-11-02T10:00:00Z "$w" >/dev/null
run ovticket worklog --minutes 30 --at 2026-11-02T10:00:00Z "$w"
is "$STATUS" 1 "identical worklog refused"
like "$ERR" "the same worklog event is already recorded at 2026-11-02T10:00:00Z" \
	"identical worklog: message"
run ovticket worklog --minutes 30 --at 2026-11-02T10:00:01Z "$w"
is "$STATUS" 0 "same worklog a second later accepted"

# Import refuses an event earlier than its ticket's opening, which its
# export would list before the ticket exists.
printf '%s\n' \
	'{"kind":"ticket","time":"2026-11-03T10:00:00Z","ticket":900,"action":"opened","customer":"acme","severity":"normal","channel":"phone","summary":"s"}' \
	'{"kind":"ticket","time":"2026-11-03T09:00:00Z","ticket":900,"action":"acknowledged","by":"x"}' \
	>"$T/early.ndjson"
run ovticket import "$T/early.ndjson"
is "$STATUS" 1 "import of an event before the opening: exit 1"
like "$ERR" "early.ndjson:2: ticket 900 was opened at 2026-11-03T10:00:00Z" \
	"import of an event before the opening: message"

run ovticket --help
is "$STATUS" 0 "--help exits 0"
like "$OUT" "usage: ovticket" "--help prints the usage"
run ovticket worklog --help
like "$OUT" "usage: ovticket worklog .*--minutes N" "command --help"
run ovticket --version
like "$OUT" "ovticket \(ov toolkit\)" "--version"
done_testing
