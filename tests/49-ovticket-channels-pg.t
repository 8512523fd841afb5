#!/bin/bash
# The channel tests of ovticket (notify, the prompts of open, the edge
# cases) on the PostgreSQL back end, against a throwaway server.  The SMTP
# test is left out for time: the outbox it uses is the webhook test's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

if ! pg_bindir >/dev/null; then
	echo "1..0 # SKIP PostgreSQL server not installed" \
		"(apt-get install postgresql)"
	exit 0
fi
pg_start
ok $? "throwaway PostgreSQL server started" || exit 1

for t in 42-ovticket-notify-webhook 44-ovticket-open-prompts \
	49-ovticket-channels-edges; do
	bash "$TOP/tests/$t.t" >"$T/$t.tap" 2>&1
	status=$?
	is "$status $(grep -c '^not ok' "$T/$t.tap")" "0 0" \
		"$t passes on PostgreSQL"
	[ "$status" = 0 ] || sed 's/^/# /' "$T/$t.tap" | grep -v '^# ok'
done
done_testing
