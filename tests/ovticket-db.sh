# Ticket databases of the ovticket tests, on either back end (sourced after
# lib.sh).  With OV_TEST_PG set to a PostgreSQL server's base URI
# (postgresql://postgres@127.0.0.1:PORT), test_db makes a fresh database on
# it; otherwise it names a SQLite file in $T.  39-ovticket-pg.t starts a
# throwaway server with pg_start and runs the ovticket tests on it.

# test_db NAME: prints the --db value of a new, empty database NAME.
test_db() {
	if [ -z "${OV_TEST_PG:-}" ]; then
		echo "$T/$1.db"
		return
	fi
	local name
	name="t$(basename "$T" | tr -cd 'a-zA-Z0-9' | tr 'A-Z' 'a-z')_$1"
	psql -q -X -v ON_ERROR_STOP=1 "$OV_TEST_PG/postgres" \
		-c "CREATE DATABASE $name" \
		>/dev/null || return 1
	echo "$OV_TEST_PG/$name"
}

# db_sql DB SQL: runs SQL on the database DB made by test_db and prints the
# result rows, columns separated by "|", as sqlite3 does.
db_sql() {
	case $1 in
	postgres://* | postgresql://*)
		psql -X -q -A -t -v ON_ERROR_STOP=1 "$1" -c "$2" 2>&1 ;;
	*) sqlite3 "$1" "$2" 2>&1 ;;
	esac
}

# db_integrity DB: checks the database's structure (SQLite's
# integrity_check, PostgreSQL's amcheck on every index); prints ok or the
# damage found.
db_integrity() {
	case $1 in
	postgres://* | postgresql://*)
		pg_amcheck --install-missing --heapallindexed "$1" \
			2>/dev/null && echo ok ;;
	*) sqlite3 "$1" 'PRAGMA integrity_check' 2>&1 ;;
	esac
}

# pg_bindir: prints the folder of the PostgreSQL server programs (the newest
# version installed), or fails when there is none.
pg_bindir() {
	local d found=
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && found=$d
	done
	[ -n "$found" ] && echo "$found"
}

# pg_start: makes a throwaway cluster in $T/pg owned by postgres (the server
# refuses to run as root), starts it on 127.0.0.1 with a free port and its
# socket in that folder, stops it when the test ends, and sets OV_TEST_PG.
pg_start() {
	local bin port dir=$T/pg
	bin=$(pg_bindir) || return 1
	port=$(free_port)
	mkdir -p "$dir"
	chmod 755 "$T"
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$dir"
		PG_AS=(runuser -u postgres --)
	else
		PG_AS=()
	fi
	"${PG_AS[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || return 1
	cleanup pg_stop "$bin" "$dir"
	"${PG_AS[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" \
		start >/dev/null || return 1
	PATH="$bin:$PATH"
	export OV_TEST_PG="postgresql://postgres@127.0.0.1:$port"
}

# pg_stop BINDIR DIR: stops the server fast and waits up to 10 s for it.
pg_stop() {
	local i
	"${PG_AS[@]}" "$1/pg_ctl" -D "$2/data" -m fast -w -t 10 stop
	for ((i = 0; i < 100; i++)); do
		[ -e "$2/data/postmaster.pid" ] || return 0
		sleep 0.1
	done
}
