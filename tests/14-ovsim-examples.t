#!/bin/bash
# The EXAMPLES of ovsim(1) run as written (with /tmp/ov moved into the
# test's folder) and print what the page shows.
source "$(dirname "$0")/lib.sh"

# Split the literal blocks of EXAMPLES into commands ("$ " lines and their
# "\" continuations) and the output each one shows, then build a script
# that runs them in order with a marker after each.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$TOP/man/ovsim.1" |
	sed -n '/^\.Bd -literal/,/^\.Ed/{/^\.Bd/d;/^\.Ed/d;p;}' |
	sed -e 's/\\e/\\/g' -e "s|/tmp/ov|$T/ov|g" >"$T/examples"
/usr/bin/python3 - "$T" <<'PY'
import sys
folder = sys.argv[1]
commands, expected, current = [], [], None
for line in open(f"{folder}/examples"):
    line = line.rstrip("\n")
    if current is not None:
        current.append(line)
        if not line.endswith("\\"):
            commands.append("\n".join(current))
            current = None
    elif line.startswith("$ "):
        expected.append([])
        current = [line[2:]]
        if not line.endswith("\\"):
            commands.append(line[2:])
            current = None
    else:
        expected[-1].append(line)
with open(f"{folder}/examples.sh", "w") as script:
    script.write("cd \"$1\"\n")
    for i, command in enumerate(commands):
        script.write(command + "\n")
        if command.rstrip().endswith("&"):
            script.write(f"echo $! >{folder}/examples.pid\n"
                         f"for i in $(seq 100); do test -s {folder}/ov/port"
                         " && break; sleep 0.1; done\n")
        # A newline first: some outputs (JSON bodies) do not end in one.
        script.write(f"printf '\\n@@ {i} %d\\n' $?\n")
for i, lines in enumerate(expected):
    with open(f"{folder}/expected.{i}", "w") as out:
        out.write("".join(l + "\n" for l in lines))
PY
count=$(ls "$T"/expected.* | wc -l)
[ "$count" -ge 6 ]
ok $? "EXAMPLES has $count commands"
cleanup 'stop_pid "$(cat "$T/examples.pid")"'

bash "$T/examples.sh" "$TOP" >"$T/actual" 2>"$T/stderr"
for ((i = 0; i < count; i++)); do
	got=$(awk -v n="$i" '
		$1 == "@@" && $2 == n { exit }
		$1 == "@@" { section = $2 + 1; next }
		section == n { print }' "$T/actual")
	status=$(awk -v n="$i" '$1 == "@@" && $2 == n { print $3 }' "$T/actual")
	is "$status" 0 "example $i exits 0"
	is "$got" "$(cat "$T/expected.$i")" "example $i output"
done

done_testing
