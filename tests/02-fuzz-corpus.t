#!/bin/bash
# Replays every fuzzing corpus and every input that ever crashed a target
# through the target's entry point (built without libFuzzer), so that a
# fixed crash stays fixed.
source "$(dirname "$0")/lib.sh"

for src in "$TOP"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	bin="$BUILD/fuzz/replay_$name"
	[ -x "$bin" ]
	ok $? "replay program for $name is built"
	files=()
	for f in "$TOP/tests/fuzz/corpus/$name"/* "$TOP/tests/fuzz/crashes/$name"/*; do
		[ -f "$f" ] && files+=("$f")
	done
	run "$bin" "${files[@]}"
	is "$STATUS" 0 "$name replays ${#files[@]} inputs"
done
done_testing
