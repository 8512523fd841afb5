# Helpers of the benchmark scripts (sourced, not run).
#
# measure NAME CMD...: runs CMD with /usr/bin/time, prints seconds and peak
# RSS, and keeps them in $SECONDS_TAKEN and $PEAK_KB.
measure() {
	local name=$1 t
	shift
	t=$(mktemp)
	/usr/bin/time -f '%e %M' -o "$t" "$@" >/dev/null 2>"$t.err"
	read -r SECONDS_TAKEN PEAK_KB <"$(tail -n 1 "$t" >"$t.last"; echo "$t.last")"
	printf '%-40s %8.2f s %8d KiB\n' "$name" "$SECONDS_TAKEN" "$PEAK_KB"
	rm -f "$t" "$t.err" "$t.last"
}

# median_of RUNS NAME CMD...: runs CMD RUNS times and prints the median
# seconds and the largest peak RSS; sets $MEDIAN and $PEAK_KB.
median_of() {
	local runs=$1 name=$2 i times=() peak=0
	shift 2
	for ((i = 0; i < runs; i++)); do
		measure "$name (run $((i + 1)))" "$@" >/dev/null
		times+=("$SECONDS_TAKEN")
		((PEAK_KB > peak)) && peak=$PEAK_KB
	done
	MEDIAN=$(printf '%s\n' "${times[@]}" | sort -n |
		awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
	PEAK_KB=$peak
	printf '%-40s median %7.2f s  peak %8d KiB  (%d runs)\n' "$name" \
		"$MEDIAN" "$PEAK_KB" "$runs"
}

# Medians and peaks of alternating runs.  Declare "declare -A times peaks"
# first; record_run TOOL keeps the figures of the last measure() for TOOL.
record_run() {
	times[$1]+="$SECONDS_TAKEN "
	peaks[$1]+="$PEAK_KB "
}

# measure_tool TOOL RUN FILE: measures the shell function run_TOOL on FILE
# in a new bash, which also gets $dir, and keeps the figures for TOOL.
measure_tool() {
	measure "$1 (run $2)" bash -c \
		"dir=${dir-}; $(declare -f "run_$1"); run_$1 $3"
	record_run "$1"
}

# median LIST, largest LIST: of a space-separated list of numbers.
median() { printf '%s\n' $1 | sort -n | awk '{a[NR] = $1} END {
	print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
largest() { printf '%s\n' $1 | sort -n | tail -1; }

# compare_tools BASE TOOL...: prints the median time and the peak memory
# of BASE and each TOOL, and each one's time as a multiple of BASE's.
compare_tools() {
	local base tool m
	base=$(median "${times[$1]}")
	for tool in "$@"; do
		m=$(median "${times[$tool]}")
		printf '%-8s median %7.2f s  peak %8d KiB  %6.1fx %s\n' "$tool" \
			"$m" "$(largest "${peaks[$tool]}")" \
			"$(awk -v a="$m" -v b="$base" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
			"$1"
	done
}
