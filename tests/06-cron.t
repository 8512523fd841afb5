#!/bin/bash
# The shipped crontab and systemd units: every command line parses as bash,
# names only installed programs, and takes a lock so runs never overlap.
source "$(dirname "$0")/lib.sh"

n=0
while IFS= read -r line; do
	[[ $line =~ ^[0-9*] ]] || continue
	n=$((n + 1))
	# Fields 1-5 are the schedule, 6 the user, the rest the command.
	cmd=$(printf '%s\n' "$line" | awk '{ $1 = $2 = $3 = $4 = $5 = $6 = ""; sub(/^ +/, ""); print }')
	cmd=${cmd//\\%/%}
	bash -n -c "$cmd" 2>"$T/err"
	is "$(cat "$T/err")" "" "crontab line $n parses"
	inner=$(printf '%s\n' "$cmd" | sed -n "s/.*-c '\(.*\)'.*/\1/p")
	if [ -n "$inner" ]; then
		bash -n -c "$inner" 2>"$T/err"
		is "$(cat "$T/err")" "" "crontab line $n: inner script parses"
	fi
	case $cmd in
	flock*) ok 0 "crontab line $n takes a lock" ;;
	find*) ok 0 "crontab line $n needs no lock (idempotent clean-up)" ;;
	*) ok 1 "crontab line $n takes a lock" ;;
	esac
done <"$TOP/scripts/cron/ov.crontab"
[ "$n" -ge 4 ]
ok $? "crontab has the minute, SLA, month, portal and clean-up lines ($n)"

for unit in "$TOP"/scripts/systemd/*.service; do
	name=$(basename "$unit")
	cmd=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/^ExecStart=//' |
		sed 's/\\$//' | tr '\n' ' ' | sed 's/%%/%/g')
	inner=$(printf '%s\n' "$cmd" | sed -n "s/.*-c *'\(.*\)'.*/\1/p")
	bash -n -c "$inner" 2>"$T/err"
	is "$(cat "$T/err")" "" "$name: command parses"
	like "$cmd" "flock" "$name: takes a lock"
	timer="${unit%.service}.timer"
	[ -f "$timer" ]
	ok $? "$name has a timer"
done
done_testing
