# Shared helpers of the end-to-end tests (sourced by tests/*.t, run by prove).
#
# Each test prints TAP.  `run` captures a command's standard output, standard
# error and exit status into $OUT, $ERR and $STATUS.  Every test gets its own
# temporary folder $T, removed on exit whatever happens, and the programs of
# the build on PATH.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${OV_BUILD:-$TOP/build}
PATH="$BUILD/bin:$PATH"
export LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1 OV_NO_PROGRESS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/ovtest.XXXXXX")

# With OV_VALGRIND=1 every program runs under valgrind's memcheck, and a
# memory error or a definite leak makes it exit 125 (`make check-valgrind`).
if [ "${OV_VALGRIND:-0}" = 1 ]; then
	mkdir -p "$T/.valgrind"
	for _prog in ovscrape ovalarm ovticket ovsla ovbill; do
		cat >"$T/.valgrind/$_prog" <<VG
#!/bin/sh
exec valgrind -q --error-exitcode=125 --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	"$BUILD/bin/$_prog" "\$@"
VG
		chmod +x "$T/.valgrind/$_prog"
	done
	PATH="$T/.valgrind:$PATH"
	export OV_BIN="$T/.valgrind"
else
	export OV_BIN="$BUILD/bin"
fi
_tap_n=0
_tap_failed=0
_cleanups=()

cleanup() { _cleanups+=("$*"); }

_finish() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	rm -rf "$T"
}
trap _finish EXIT

ok() { # ok CONDITION-STATUS NAME: pass when the first argument is 0
	local status=$1
	shift
	_tap_n=$((_tap_n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() { # is GOT EXPECTED NAME
	local got=$1 expected=$2
	shift 2
	if [ "$got" == "$expected" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		printf '#   got:      %s\n#   expected: %s\n' "$got" "$expected" |
			sed '3,$s/^/#   /'
	fi
}

like() { # like GOT REGEX NAME
	local got=$1 re=$2
	shift 2
	if [[ "$got" =~ $re ]]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		printf '#   got: %s\n#   expected to match: %s\n' "$got" "$re"
	fi
}

unlike() { # unlike GOT REGEX NAME
	local got=$1 re=$2
	shift 2
	if [[ "$got" =~ $re ]]; then
		ok 1 "$*"
		printf '#   got: %s\n#   expected not to match: %s\n' "$got" "$re"
	else
		ok 0 "$*"
	fi
}

run() { # run CMD ARGS...: sets OUT, ERR, STATUS; stdin is the caller's
	local o="$T/.out" e="$T/.err"
	"$@" >"$o" 2>"$e"
	STATUS=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
}

# jqf FIELD: prints one field of each JSON line on stdin (uses jq).
jqf() { jq -r "$1"; }

# free_port: prints a free loopback TCP port chosen by the kernel.
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for CMD...: retries CMD every 0.1 s for up to 10 s.
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# stop_pid PID: ends a server and waits up to 3 s for it to go.
stop_pid() {
	local pid=$1 i
	kill "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 30; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
