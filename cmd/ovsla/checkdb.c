/*
 * The state of "ovsla check --db": the table sla_check_state in a SQLite
 * file or a PostgreSQL database (the ticket store's), so that hosts running
 * the check from cron share one state and each change is reported once.
 * A run holds the database's write lock from reading the state to writing
 * it back, as the state file's lock does: a second host waits, then reads
 * what the first one reported.
 *
 * The queries use $1…$4 in order, which SQLite reads as parameters 1 to 4
 * too, so each query is written once for both databases.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "diag.h"
#include "ovsla.h"
#include "pgconn.h"

/* How long a run waits for another host's run (SQLite). */
#define BUSY_TIMEOUT_MS 60000

/* The PostgreSQL advisory lock of the check: "ovsla" in ASCII. */
#define PG_CHECK_LOCK "478560562273"

#define CREATE_TABLE \
	"CREATE TABLE IF NOT EXISTS sla_check_state (" \
	" ticket BIGINT NOT NULL, target TEXT NOT NULL, state TEXT NOT NULL," \
	" met_at BIGINT NOT NULL, PRIMARY KEY (ticket, target))"

#define UPSERT \
	"INSERT INTO sla_check_state (ticket, target, state, met_at)" \
	" VALUES ($1, $2, $3, $4) ON CONFLICT (ticket, target)" \
	" DO UPDATE SET state = excluded.state, met_at = excluded.met_at"

struct check_db {
	const char *path;
	sqlite3 *lite;
	PGconn *pg;
};

static _Noreturn void
db_die(struct check_db *db, const char *what)
{
	char msg[1024];
	size_t n;

	snprintf(msg, sizeof msg, "%s", db->pg ? PQerrorMessage(db->pg) :
	    sqlite3_errmsg(db->lite));
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	ov_die(OV_EXIT_RESOURCE, "%s: %s: %s", db->path, what, msg);
}

static void
db_exec(struct check_db *db, const char *sql, const char *what)
{
	PGresult *r;
	ExecStatusType s;

	if (db->lite != NULL) {
		if (sqlite3_exec(db->lite, sql, NULL, NULL, NULL) != SQLITE_OK)
			db_die(db, what);
		return;
	}
	r = PQexec(db->pg, sql);
	s = PQresultStatus(r);
	PQclear(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		db_die(db, what);
}

/* Connects, takes the lock and creates the table when missing. */
static struct check_db *
check_db_open(const char *path)
{
	struct check_db *db = calloc(1, sizeof *db);

	if (db == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	db->path = path;
	if (ov_pg_is_uri(path)) {
		ov_pg_check_uri(path);
		db->pg = PQconnectdb(path);
		if (db->pg == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
		if (PQstatus(db->pg) != CONNECTION_OK)
			db_die(db, "cannot connect");
		db_exec(db, "SET client_min_messages = warning;"
		    "BEGIN; SELECT pg_advisory_xact_lock(" PG_CHECK_LOCK ")",
		    "cannot lock the check state");
	} else {
		if (sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
			db_die(db, "cannot open database");
		sqlite3_busy_timeout(db->lite, BUSY_TIMEOUT_MS);
		db_exec(db, "BEGIN IMMEDIATE", "cannot lock the check state");
	}
	db_exec(db, CREATE_TABLE, "cannot create table sla_check_state");
	return db;
}

/* Calls fn for every row of the state. */
static void
check_db_load(struct check_db *db, check_db_fn fn, void *ctx)
{
	static const char sql[] = "SELECT ticket, target, state, met_at"
	    " FROM sla_check_state";
	sqlite3_stmt *s;
	PGresult *r;

	if (db->pg != NULL) {
		r = PQexec(db->pg, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			db_die(db, "cannot read the check state");
		for (int i = 0; i < PQntuples(r); i++)
			fn(ctx, strtoll(PQgetvalue(r, i, 0), NULL, 10),
			    PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			    strtoll(PQgetvalue(r, i, 3), NULL, 10));
		PQclear(r);
		return;
	}
	if (sqlite3_prepare_v2(db->lite, sql, -1, &s, NULL) != SQLITE_OK)
		db_die(db, "cannot read the check state");
	while (sqlite3_step(s) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    sqlite3_column_int64(s, 3));
	if (sqlite3_finalize(s) != SQLITE_OK)
		db_die(db, "cannot read the check state");
}

/* Writes one target's state inside the run's transaction. */
static void
check_db_save(struct check_db *db, int64_t ticket, const char *target,
    const char *state, int64_t met_at)
{
	char t[24], m[24];
	const char *v[4] = { t, target, state, m };
	sqlite3_stmt *s;
	PGresult *r;

	snprintf(t, sizeof t, "%lld", (long long)ticket);
	snprintf(m, sizeof m, "%lld", (long long)met_at);
	if (db->pg != NULL) {
		r = PQexecParams(db->pg, UPSERT, 4, NULL, v, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			db_die(db, "cannot write the check state");
		PQclear(r);
		return;
	}
	if (sqlite3_prepare_v2(db->lite, UPSERT, -1, &s, NULL) != SQLITE_OK)
		db_die(db, "cannot write the check state");
	sqlite3_bind_int64(s, 1, ticket);
	sqlite3_bind_text(s, 2, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, met_at);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		db_die(db, "cannot write the check state");
	}
	sqlite3_finalize(s);
}

/* Commits the run's state and releases the lock. */
static void
check_db_commit(struct check_db *db)
{
	db_exec(db, "COMMIT", "cannot commit the check state");
}

/* Disconnects; an uncommitted state is rolled back. */
static void
check_db_close(struct check_db *db)
{
	if (db->pg != NULL)
		PQfinish(db->pg);
	else
		sqlite3_close(db->lite);
	free(db);
}

static const struct check_db_ops ops = {
	.load = check_db_load,
	.save = check_db_save,
	.commit = check_db_commit,
	.close = check_db_close,
};

struct check_state *
check_open_db(const char *path)
{
	return check_open_store(path, check_db_open(path), &ops);
}
