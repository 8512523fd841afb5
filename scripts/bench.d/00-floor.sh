#!/bin/bash
# The floor: what reading the benchmark input costs before any program does
# work on it.  `cat` to /dev/null, `wc -l`, and a plain C loop that reads
# lines with getline(3), on one million generated sample lines (the same
# shape as the other benchmarks' input).  Not a test.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/scripts/bench.d/lib.sh"
dir=$(mktemp -d "${TMPDIR:-/tmp}/ov-floor.XXXXXX")
trap 'rm -rf "$dir"' EXIT

awk 'BEGIN {
	for (i = 0; i < 1000000; i++)
		printf "{\"kind\":\"sample\",\"time\":\"2026-11-%02dT%02d:%02d:00Z\",\"customer\":\"c%d\",\"deployment\":\"d%d\",\"metric\":\"cluster.cores\",\"value\":%d}\n",
			1 + int(i / 200 / 1440) % 30, int(i / 200 / 60) % 24,
			int(i / 200) % 60, i % 100, i % 200, 4 + i % 13
}' >"$dir/samples.nd"
cat >"$dir/lines.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void) {
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	while (getline(&line, &cap, stdin) > 0)
		n++;
	printf("%ld\n", n);
	free(line);
	return 0;
}
C
cc -O2 -o "$dir/lines" "$dir/lines.c"
printf 'input: %s lines, %s MiB\n' "$(wc -l <"$dir/samples.nd")" \
	"$(( $(stat -c %s "$dir/samples.nd") / 1048576 ))"
runs=${BENCH_RUNS:-3}
median_of "$runs" "cat > /dev/null" sh -c "cat '$dir/samples.nd' >/dev/null"
median_of "$runs" "wc -l" wc -l "$dir/samples.nd"
median_of "$runs" "C getline loop" sh -c "'$dir/lines' <'$dir/samples.nd'"
