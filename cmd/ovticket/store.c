/*
 * The SQLite ticket store: opening, schema migrations, transactions, and
 * the queries that read tickets and events.  Recording events (tk_apply) is
 * in apply.c, the outbox in outbox.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "diag.h"
#include "store_impl.h"

/* How long a writer waits for another one before giving up (exit 3). */
#define BUSY_TIMEOUT_MS 60000

const char *tk_db_option;

/*
 * Schema migrations: step i brings a database from user_version i to i + 1.
 * Append new steps; never edit a released one, since databases in the field
 * have already run it.
 */
static const char *const migrations[TK_SCHEMA_VERSION] = {
	/* 0 -> 1: tickets and their events. */
	"CREATE TABLE tickets ("
	" id INTEGER PRIMARY KEY,"
	" customer TEXT NOT NULL,"
	" deployment TEXT,"
	" severity TEXT NOT NULL CHECK (severity IN ('critical', 'normal')),"
	" channel TEXT NOT NULL"
	"  CHECK (channel IN ('alarm', 'email', 'phone', 'portal')),"
	" summary TEXT NOT NULL,"
	" fingerprint TEXT,"
	" assignee TEXT,"
	" state TEXT NOT NULL,"
	" is_open INTEGER NOT NULL,"
	" pending INTEGER NOT NULL DEFAULT 0,"
	" acknowledged INTEGER NOT NULL DEFAULT 0,"
	" opened INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" resolved INTEGER,"
	" closed INTEGER,"
	" worklog_minutes INTEGER NOT NULL DEFAULT 0,"
	" events INTEGER NOT NULL DEFAULT 0);"
	/* At most one open ticket per alarm fingerprint. */
	"CREATE UNIQUE INDEX tickets_open_fingerprint ON tickets (fingerprint)"
	" WHERE is_open = 1 AND fingerprint IS NOT NULL;"
	"CREATE INDEX tickets_fingerprint ON tickets (fingerprint, opened);"
	"CREATE INDEX tickets_customer ON tickets (customer);"
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" ticket INTEGER NOT NULL REFERENCES tickets (id),"
	" time INTEGER NOT NULL,"
	" action TEXT NOT NULL,"
	" actor TEXT,"
	" text TEXT,"
	" public INTEGER,"
	" severity TEXT,"
	" assignee TEXT,"
	" minutes INTEGER,"
	" fingerprint TEXT,"
	" customer TEXT,"
	" deployment TEXT,"
	" channel TEXT,"
	" summary TEXT,"
	/* fingerprint|time|state of the alarm transition behind the event:
	 * the same transition is never recorded twice. */
	" alarm_key TEXT UNIQUE,"
	" recorded INTEGER NOT NULL"
	"  DEFAULT (CAST(strftime('%s', 'now') AS INTEGER)));"
	"CREATE INDEX events_time ON events (time, id);"
	"CREATE INDEX events_ticket ON events (ticket, time, id);"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	" BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	" BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;",

	/* 1 -> 2: the notification outbox. */
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" created INTEGER NOT NULL,"
	" ticket INTEGER NOT NULL REFERENCES tickets (id),"
	" event INTEGER REFERENCES events (id),"
	" route TEXT NOT NULL,"
	" payload TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt INTEGER NOT NULL,"
	" sent_at INTEGER,"
	" last_error TEXT,"
	" claimed_by TEXT,"
	" claimed_at INTEGER,"
	" UNIQUE (event, route));"
	"CREATE INDEX outbox_due ON outbox (next_attempt)"
	" WHERE sent_at IS NULL;",
};

void
tk_db_die(struct tk_store *st, const char *what)
{
	int code = sqlite3_errcode(st->db) & 0xff;
	int sys = sqlite3_system_errno(st->db);

	/* SQLite reports only "disk I/O error"; the system error tells
	 * which one ("File too large", "No space left on device"). */
	if (sys != 0 && (code == SQLITE_IOERR || code == SQLITE_FULL ||
	    code == SQLITE_CANTOPEN))
		ov_die(OV_EXIT_RESOURCE, "%s: %s: %s (%s)", st->path, what,
		    sqlite3_errmsg(st->db), strerror(sys));
	ov_die(OV_EXIT_RESOURCE, "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

const char *
tk_db_path(void)
{
	const char *p = tk_db_option;

	if (p == NULL || *p == '\0')
		p = getenv("OV_DB");
	if (p == NULL || *p == '\0')
		ov_usage_error("no database: give --db FILE or set OV_DB");
	return p;
}

const char *
tk_store_path(const struct tk_store *st)
{
	return st->path;
}

void
tk_exec(struct tk_store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		tk_db_die(st, what);
}

sqlite3_stmt *
tk_stmt(struct tk_store *st, enum tk_stmt_id id, const char *sql)
{
	sqlite3_stmt *s = st->stmts[id];

	if (s != NULL) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK)
		tk_db_die(st, "cannot prepare a query");
	st->stmts[id] = s;
	return s;
}

int
tk_step(struct tk_store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE &&
	    (rc & 0xff) != SQLITE_CONSTRAINT)
		tk_db_die(st, what);
	return rc;
}

void
tk_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

void
tk_bind_time(sqlite3_stmt *s, int i, int64_t t)
{
	if (t == TK_NO_TIME)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, t);
}

static int64_t
user_version(struct tk_store *st)
{
	sqlite3_stmt *s;
	int64_t v;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		tk_db_die(st, "cannot read the schema version");
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		tk_db_die(st, "cannot read the schema version");
	}
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void
check_version(struct tk_store *st, int64_t v)
{
	if (v > TK_SCHEMA_VERSION || v < 0)
		ov_die(OV_EXIT_RESOURCE, "%s: database schema version %lld is "
		    "newer than this ovticket supports (%d); use a newer "
		    "ovticket", st->path, (long long)v, TK_SCHEMA_VERSION);
}

/* Brings the schema to TK_SCHEMA_VERSION in one transaction, re-reading the
 * version under the write lock since another process may have migrated. */
static void
migrate(struct tk_store *st)
{
	int64_t v;
	char sql[64];

	tk_begin(st);
	v = user_version(st);
	check_version(st, v);
	for (; v < TK_SCHEMA_VERSION; v++) {
		ov_note(1, "%s: migrating schema from version %lld to %lld",
		    st->path, (long long)v, (long long)v + 1);
		tk_exec(st, migrations[v], "cannot migrate the schema");
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    TK_SCHEMA_VERSION);
	tk_exec(st, sql, "cannot migrate the schema");
	tk_commit(st);
}

/* Returns true when path names a database file that does not exist. */
static bool
missing_file(const char *path)
{
	struct stat sb;

	if (strncmp(path, "file:", 5) == 0 || strcmp(path, ":memory:") == 0)
		return false;
	return stat(path, &sb) < 0 && errno == ENOENT;
}

static void
set_journal_mode(struct tk_store *st)
{
	sqlite3_stmt *s;
	bool wal;

	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		tk_db_die(st, "cannot read the journal mode");
	wal = strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
	sqlite3_finalize(s);
	if (!wal && !st->readonly)
		tk_exec(st, "PRAGMA journal_mode = WAL",
		    "cannot set WAL journal mode");
}

struct tk_store *
tk_store_open(const char *path, int flags)
{
	struct tk_store *st = calloc(1, sizeof *st);
	int oflags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
	int64_t v;

	if (st == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	st->path = path;
	st->readonly = (flags & TK_OPEN_READONLY) != 0;
	if (!(flags & TK_OPEN_CREATE) && missing_file(path))
		ov_die(OV_EXIT_RESOURCE, "%s: database not found; ingest "
		    "alarms or open a ticket to create it", path);
	if (st->readonly)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE |
		    ((flags & TK_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK)
		tk_db_die(st, "cannot open database");
	sqlite3_extended_result_codes(st->db, 1);
	/* A "file:…?mode=ro" URI makes the connection read-only too. */
	if (sqlite3_db_readonly(st->db, "main") == 1)
		st->readonly = true;
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	v = user_version(st);
	check_version(st, v);
	set_journal_mode(st);
	tk_exec(st, "PRAGMA foreign_keys = ON", "cannot enable foreign keys");
	/* In WAL mode FULL syncs the log at each commit, so a recorded event
	 * survives a power loss, not only a crash. */
	tk_exec(st, "PRAGMA synchronous = FULL", "cannot set synchronous");
	if (v < TK_SCHEMA_VERSION) {
		if (st->readonly)
			ov_die(OV_EXIT_RESOURCE, "%s: database schema version "
			    "%lld needs a migration to %d, which a read-only "
			    "database cannot do", path, (long long)v,
			    TK_SCHEMA_VERSION);
		migrate(st);
	}
	return st;
}

struct tk_store *
tk_store_open_default(int flags)
{
	return tk_store_open(tk_db_path(), flags);
}

void
tk_store_close(struct tk_store *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < TK_STMT_COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	for (size_t i = 0; i < 16; i++)
		sqlite3_finalize(st->event_queries[i]);
	if (st->in_transaction)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(st->db);
	free(st);
}

void
tk_begin(struct tk_store *st)
{
	tk_exec(st, "BEGIN IMMEDIATE", "cannot start a transaction");
	st->in_transaction = true;
}

void
tk_commit(struct tk_store *st)
{
	tk_exec(st, "COMMIT", "cannot commit");
	st->in_transaction = false;
}

void
tk_rollback(struct tk_store *st)
{
	tk_exec(st, "ROLLBACK", "cannot roll back");
	st->in_transaction = false;
}

void
tk_filter_init(struct tk_filter *f)
{
	memset(f, 0, sizeof *f);
	f->since = TK_NO_TIME;
	f->until = TK_NO_TIME;
}

static const char *
column_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static int64_t
column_time(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return TK_NO_TIME;
	return sqlite3_column_int64(s, i);
}

#define TICKET_COLUMNS \
	"id, customer, deployment, severity, channel, summary, fingerprint," \
	" assignee, state, pending, acknowledged, opened, updated, resolved," \
	" closed, worklog_minutes, events"

/* Fills t from a row of TICKET_COLUMNS; the strings are borrowed. */
static void
ticket_from_row(sqlite3_stmt *s, struct tk_ticket *t)
{
	t->id = sqlite3_column_int64(s, 0);
	t->customer = column_text(s, 1);
	t->deployment = column_text(s, 2);
	t->severity = column_text(s, 3);
	t->channel = column_text(s, 4);
	t->summary = column_text(s, 5);
	t->fingerprint = column_text(s, 6);
	t->assignee = column_text(s, 7);
	t->state = column_text(s, 8);
	t->pending = sqlite3_column_int(s, 9) != 0;
	t->acknowledged = sqlite3_column_int(s, 10) != 0;
	t->opened = sqlite3_column_int64(s, 11);
	t->updated = sqlite3_column_int64(s, 12);
	t->resolved = column_time(s, 13);
	t->closed = column_time(s, 14);
	t->worklog_minutes = sqlite3_column_int64(s, 15);
	t->events = sqlite3_column_int64(s, 16);
}

static const char *
dup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

bool
tk_ticket_get(struct tk_store *st, int64_t id, struct tk_ticket *t)
{
	sqlite3_stmt *s = tk_stmt(st, TK_STMT_GET_TICKET,
	    "SELECT " TICKET_COLUMNS " FROM tickets WHERE id = ?1");

	memset(t, 0, sizeof *t);
	sqlite3_bind_int64(s, 1, id);
	if (tk_step(st, s, "cannot read a ticket") != SQLITE_ROW) {
		sqlite3_reset(s);
		return false;
	}
	ticket_from_row(s, t);
	t->customer = dup(t->customer);
	t->deployment = dup(t->deployment);
	t->severity = dup(t->severity);
	t->channel = dup(t->channel);
	t->summary = dup(t->summary);
	t->fingerprint = dup(t->fingerprint);
	t->assignee = dup(t->assignee);
	t->state = dup(t->state);
	sqlite3_reset(s);
	return true;
}

void
tk_ticket_free(struct tk_ticket *t)
{
	free((char *)t->customer);
	free((char *)t->deployment);
	free((char *)t->severity);
	free((char *)t->channel);
	free((char *)t->summary);
	free((char *)t->fingerprint);
	free((char *)t->assignee);
	free((char *)t->state);
	memset(t, 0, sizeof *t);
}

int64_t
tk_ticket_by_fingerprint(struct tk_store *st, const char *fingerprint,
    bool *is_open)
{
	sqlite3_stmt *s = tk_stmt(st, TK_STMT_BY_FINGERPRINT,
	    "SELECT id, is_open FROM tickets WHERE fingerprint = ?1"
	    " ORDER BY is_open DESC, opened DESC, id DESC LIMIT 1");
	int64_t id = 0;

	tk_bind_text(s, 1, fingerprint);
	*is_open = false;
	if (tk_step(st, s, "cannot find a ticket") == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		*is_open = sqlite3_column_int(s, 1) != 0;
	}
	sqlite3_reset(s);
	return id;
}

#define EVENT_COLUMNS \
	"e.id, e.ticket, e.time, e.action, e.actor, e.text, e.public," \
	" e.severity, e.assignee, e.minutes, e.fingerprint, e.customer," \
	" e.deployment, e.channel, e.summary"

static void
event_from_row(sqlite3_stmt *s, struct tk_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(s, 0);
	ev->ticket = sqlite3_column_int64(s, 1);
	ev->time = sqlite3_column_int64(s, 2);
	if (tk_action_parse(column_text(s, 3), &ev->action) < 0)
		ov_die(OV_EXIT_RESOURCE, "event %lld has an unknown action "
		    "'%s'; the database was written by another program",
		    (long long)ev->id, column_text(s, 3));
	ev->by = column_text(s, 4);
	ev->text = column_text(s, 5);
	ev->is_public = sqlite3_column_int(s, 6) != 0;
	ev->severity = column_text(s, 7);
	ev->to = column_text(s, 8);
	ev->minutes = sqlite3_column_int64(s, 9);
	ev->fingerprint = column_text(s, 10);
	ev->customer = column_text(s, 11);
	ev->deployment = column_text(s, 12);
	ev->channel = column_text(s, 13);
	ev->summary = column_text(s, 14);
}

/* Prepares a query from fixed fragments; every value is a bound parameter
 * (numbered ?1…?n by the caller's fragments). */
static sqlite3_stmt *
prepare(struct tk_store *st, const char *sql)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		tk_db_die(st, "cannot prepare a query");
	return s;
}

/* Returns the query of tk_events_each() for the filters set in f, prepared
 * once per connection (import runs one per record).  A query still running
 * in an outer call gets a fresh copy, which *own tells to finalize. */
static sqlite3_stmt *
event_query(struct tk_store *st, const struct tk_filter *f, bool *own)
{
	unsigned key = (f->ticket != 0) | (f->customer != NULL) << 1 |
	    (f->since != TK_NO_TIME) << 2 | (f->until != TK_NO_TIME) << 3;
	sqlite3_stmt **cached = &st->event_queries[key];
	char sql[1024];
	sqlite3_stmt *s;

	*own = false;
	if (*cached != NULL && !sqlite3_stmt_busy(*cached)) {
		sqlite3_clear_bindings(*cached);
		return *cached;
	}
	snprintf(sql, sizeof sql, "SELECT " EVENT_COLUMNS " FROM events e%s"
	    " WHERE 1%s%s%s%s ORDER BY e.time, e.id",
	    f->customer ? " JOIN tickets t ON t.id = e.ticket" : "",
	    f->ticket ? " AND e.ticket = ?1" : "",
	    f->customer ? " AND t.customer = ?2" : "",
	    f->since != TK_NO_TIME ? " AND e.time >= ?3" : "",
	    f->until != TK_NO_TIME ? " AND e.time < ?4" : "");
	s = prepare(st, sql);
	if (*cached == NULL)
		*cached = s;
	else
		*own = true;
	return s;
}

int
tk_events_each(struct tk_store *st, const struct tk_filter *f,
    tk_event_fn fn, void *ctx)
{
	bool own;
	sqlite3_stmt *s = event_query(st, f, &own);
	struct tk_event ev;
	int rc = 0;

	if (f->ticket)
		sqlite3_bind_int64(s, 1, f->ticket);
	tk_bind_text(s, 2, f->customer);
	tk_bind_time(s, 3, f->since);
	tk_bind_time(s, 4, f->until);
	while (rc == 0 && tk_step(st, s, "cannot read events") == SQLITE_ROW) {
		event_from_row(s, &ev);
		rc = fn(&ev, ctx);
	}
	if (own)
		sqlite3_finalize(s);
	else
		sqlite3_reset(s);
	return rc;
}

int
tk_tickets_each(struct tk_store *st, const struct tk_filter *f,
    tk_ticket_fn fn, void *ctx)
{
	char sql[1024];
	sqlite3_stmt *s;
	struct tk_ticket t;
	int rc = 0;

	snprintf(sql, sizeof sql, "SELECT " TICKET_COLUMNS " FROM tickets"
	    " WHERE 1%s%s%s%s%s%s%s ORDER BY id",
	    f->ticket ? " AND id = ?1" : "",
	    f->customer ? " AND customer = ?2" : "",
	    f->since != TK_NO_TIME ? " AND updated >= ?3" : "",
	    f->until != TK_NO_TIME ? " AND updated < ?4" : "",
	    f->open_only ? " AND is_open = 1" : "",
	    f->severity ? " AND severity = ?5" : "",
	    f->channel ? " AND channel = ?6" : "");
	s = prepare(st, sql);
	if (f->ticket)
		sqlite3_bind_int64(s, 1, f->ticket);
	tk_bind_text(s, 2, f->customer);
	tk_bind_time(s, 3, f->since);
	tk_bind_time(s, 4, f->until);
	tk_bind_text(s, 5, f->severity);
	tk_bind_text(s, 6, f->channel);
	while (rc == 0 && tk_step(st, s, "cannot read tickets") ==
	    SQLITE_ROW) {
		ticket_from_row(s, &t);
		rc = fn(&t, ctx);
	}
	sqlite3_finalize(s);
	return rc;
}
