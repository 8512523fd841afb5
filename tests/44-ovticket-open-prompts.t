#!/bin/bash
# ovticket open on a terminal asks for the missing fields of a telephone
# call; the prompts are driven through a pseudo-terminal.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

F=$TOP/tests/fixtures/ovticket-channels
OV_DB=$(test_db tickets) || exit 1
export OV_DB
pty() { /usr/bin/python3 "$F/pty_run.py" "$@"; }
opened() { ovticket export | jq -r "select(.ticket == $1) |
	[.customer, .severity, .channel, .summary] | @tsv"; }

# Everything asked, the customer chosen by its number in the list.
OV_CUSTOMERS="$F/customers.csv" run pty \
	"Customer (id or number): " 2 "Severity" c "Summary" "Room 3 silent" \
	-- ovticket open --by eng --at 2026-11-02T09:00:00Z
is "$STATUS" 0 "prompted open exit 0"
like "$OUT" '2  globex +Globex Learning' "customers listed with names"
is "$(opened 1)" "$(printf 'globex\tcritical\tphone\tRoom 3 silent')" \
	"ticket opened on the phone channel with the answers"

# Only the missing field is asked; a wrong answer is asked again.
run pty "Severity" urgent "Type critical" normal \
	-- ovticket open --by eng --customer acme --summary "Slow joins"
is "$STATUS" 0 "one prompt exit 0"
unlike "$OUT" 'Customer \(id' "customer not asked when given"
is "$(opened 2)" "$(printf 'acme\tnormal\tphone\tSlow joins')" \
	"severity asked again after a wrong answer"

# Without OV_CUSTOMERS the list comes from the store's tickets; an unknown
# customer is refused.
run pty "Customer (id" nobody "not a known customer" acme "Severity" 1 \
	"Summary" "Recording lost" -- ovticket open --by eng
is "$STATUS" 0 "customer from the store exit 0"
like "$OUT" 'acme' "store's customers listed"
is "$(opened 3)" "$(printf 'acme\tcritical\tphone\tRecording lost')" \
	"customer typed by id"

# Ctrl-D before the last answer opens nothing.
run pty "Severity" EOF -- ovticket open --by eng --customer acme \
	--summary x
is "$STATUS" 2 "end of input: exit 2"
is "$(ovticket export | wc -l)" 3 "nothing opened"

# Not a terminal: no prompt, the usual usage error.
run ovticket open --by eng --customer acme </dev/null
is "$STATUS" 2 "no terminal: usage error"
like "$ERR" 'open needs --customer, --severity and --summary' \
	"no terminal: missing options named"
done_testing
