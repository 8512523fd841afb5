#!/bin/bash
# `make install` puts the programs, pages and shipped defaults under PREFIX,
# the installed programs run with no path back into the source tree, and
# `make uninstall` removes exactly what was installed.
source "$(dirname "$0")/lib.sh"

prefix="$T/prefix"
run make -s -C "$TOP" BUILD="$T/build" PREFIX="$prefix" install
is "$STATUS" 0 "make install into a temporary prefix"
[ "$STATUS" -eq 0 ] || echo "# $ERR" | head -20

for prog in ovscrape ovalarm ovticket ovsla ovbill; do
	[ -x "$prefix/bin/$prog" ]
	ok $? "$prog installed"
	run env -i PATH=/usr/bin:/bin "$prefix/bin/$prog" --version
	like "$OUT" "^$prog \\(ov toolkit\\) [0-9]" "installed $prog runs"
	[ -f "$prefix/share/man/man1/$prog.1" ]
	ok $? "$prog.1 installed"
done
for file in plans.conf holidays-madrid.csv alarms.conf; do
	[ -f "$prefix/share/ov/$file" ]
	ok $? "$file installed"
done
[ -f "$prefix/share/man/man7/ov.7" ]
ok $? "ov.7 installed"
[ -f "$prefix/share/bash-completion/completions/ovticket" ]
ok $? "bash completion installed"
[ -f "$prefix/share/zsh/site-functions/_ov" ]
ok $? "zsh completion installed"
[ -f "$prefix/share/doc/ov/examples/ov.crontab" ]
ok $? "crontab example installed"

# The installed ovsla finds the installed plans and holidays, not the
# source tree's: move the source tree out of its sight by running from /.
echo '{"kind":"ticket","time":"2026-12-04T16:00:00Z","ticket":1,"action":"opened","customer":"c","severity":"critical","channel":"phone","summary":"s"}' >"$T/t.ndjson"
run env -i PATH=/usr/bin:/bin bash -c "cd / && '$prefix/bin/ovsla' status --plan nbd --now 2026-12-04T17:00:00Z '$T/t.ndjson'"
is "$STATUS" 0 "installed ovsla uses the installed calendar"
like "$OUT" '"target":"reaction"' "installed ovsla writes sla records"

run make -s -C "$TOP" BUILD="$T/build" PREFIX="$prefix" uninstall
is "$STATUS" 0 "make uninstall"
left=$(find "$prefix" -type f | sed "s|$prefix/||" | sort | tr '\n' ' ')
is "$left" "" "uninstall leaves no file behind"
done_testing
