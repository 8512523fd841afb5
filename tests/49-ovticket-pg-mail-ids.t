#!/bin/bash
# On PostgreSQL a redelivered message, refused as a duplicate, uses up no
# ticket id from the sequence, so the next ticket number follows on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ovticket-db.sh"

if ! pg_bindir >/dev/null; then
	echo "1..0 # SKIP PostgreSQL server not installed"
	exit 0
fi
pg_start
ok $? "throwaway PostgreSQL server started" || exit 1
F=$TOP/tests/fixtures/ovticket-channels
OV_DB=$(test_db ids) || exit 1
export OV_DB
printf '%s\n' "From: ops@initech.example" "Subject: dup" \
	"Message-ID: <dup-1@initech.example>" "" "text" >"$T/dup.eml"
for i in 1 2 3; do
	ovticket mail --customers "$F/customers.csv" <"$T/dup.eml" >/dev/null
done
is "$(ovticket open --customer acme --severity normal --summary next \
	--by eng | jq .ticket)" 2 "next ticket after one filed message is 2"
done_testing
