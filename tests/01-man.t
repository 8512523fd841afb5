#!/bin/bash
# Every manual page passes mandoc's checks with no warning, and every
# program and file format has a page.
source "$(dirname "$0")/lib.sh"

for page in "$TOP"/man/*.[157]; do
	run mandoc -Tlint -Wwarning "$page"
	is "$STATUS:$OUT$ERR" "0:" "mandoc lint $(basename "$page")"
done
for name in ovscrape.1 ovalarm.1 ovticket.1 ovsla.1 ovbill.1 ov.7 \
	ov-records.5 customers.csv.5 deployments.csv.5 plans.conf.5 \
	ovalarm.conf.5; do
	[ -f "$TOP/man/$name" ]
	ok $? "page $name exists"
done

# Each program's page names it in NAME and has the fixed sections.
for prog in ovscrape ovalarm ovticket ovsla ovbill; do
	page="$TOP/man/$prog.1"
	[ -f "$page" ] || continue
	for section in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES \
		"SEE ALSO"; do
		grep -q "^\.Sh $section\$" "$page"
		ok $? "$prog.1 has $section"
	done
done

# The README lists the same programs as ov(7).
from_ov7=$(sed -n '/^\.Bl -tag -width ovticket/,/^\.El/p' "$TOP/man/ov.7" |
	sed -n 's/^\.It Xr \(ov[a-z]*\) 1$/\1/p' | sort | tr '\n' ' ')
from_readme=$(sed -n 's/^| `\(ov[a-z]*\)` |.*/\1/p' "$TOP/README.md" |
	sort | tr '\n' ' ')
is "$from_readme" "$from_ov7" "README lists the programs of ov(7)"
done_testing
