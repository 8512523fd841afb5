/*
 * Internals of the ticket store shared by store.c, apply.c, outbox.c and the
 * query layer db.c: the connection to SQLite or PostgreSQL, its cached
 * queries, and helpers that end the program with exit status 3 when the
 * database fails.
 *
 * Queries are written once, in the SQL both back ends accept, with SQLite's
 * numbered parameters ?1…?n; the PostgreSQL side rewrites them to $1…$n.
 * Where the dialects differ, struct tk_dialect contains the difference.
 */
#ifndef OVTICKET_STORE_IMPL_H
#define OVTICKET_STORE_IMPL_H

#include <stdbool.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store.h"

/* Queries prepared once per connection. */
enum tk_stmt_id {
	TK_STMT_GET_TICKET,
	TK_STMT_BY_FINGERPRINT,
	TK_STMT_INSERT_TICKET,
	TK_STMT_INSERT_TICKET_ID,
	TK_STMT_INSERT_EVENT,
	TK_STMT_UPDATE_TICKET,
	TK_STMT_OPEN_FINGERPRINT,
	TK_STMT_OUTBOX_ENQUEUE,
	TK_STMT_OUTBOX_SENT,
	TK_STMT_OUTBOX_FAILED,
	TK_STMT_SAVEPOINT,
	TK_STMT_RELEASE,
	TK_STMT_ROLLBACK_TO,
	TK_STMT_KEY_EXISTS,
	TK_STMT_COUNT
};

/* Most parameters of one query. */
#define TK_MAX_PARAMS 16

/* Results of tk_step(). */
enum tk_step_result {
	TK_ROW,
	TK_DONE,
	TK_CONSTRAINT,		/* a unique or check constraint rejected it */
};

/* The words of the SQL that differ between the two back ends. */
struct tk_dialect {
	const char *name;	/* "SQLite" or "PostgreSQL", for messages */
	const char *id_column;	/* an auto-numbered primary key */
	const char *int_type;	/* a 64-bit integer column */
	const char *now;	/* the current Unix time */
	const char *append_only; /* rejects UPDATE and DELETE of events */
	/* Added to the outbox claim's inner SELECT. */
	const char *claim_lock;
	/* Run after a ticket is inserted with its own id, or NULL. */
	const char *after_own_id;
};

extern const struct tk_dialect tk_sqlite_dialect;
extern const struct tk_dialect tk_pg_dialect;

/* A query of either back end, with its parameters and current row. */
struct tk_query {
	struct tk_store *st;
	sqlite3_stmt *lite;
	/* PostgreSQL: the rewritten text, its parameters, the whole result
	 * (a query's rows are read at once) and the current row. */
	char *pg_sql;
	char pg_name[16];	/* prepared statement name, "" if none */
	int nparams;
	unsigned referenced;	/* bit i: $(i+1) appears in the text */
	char *values[TK_MAX_PARAMS];
	char numbers[TK_MAX_PARAMS][24];
	PGresult *res;
	int row;
	bool busy;
	/* A query of tk_query_cursor(): its rows come from a server-side
	 * cursor, a few hundred at a time. */
	char cursor[24];	/* "" when not a cursor */
	bool declared;
};

struct tk_store {
	const char *path;
	const struct tk_dialect *dialect;
	sqlite3 *db;		/* SQLite, or NULL */
	PGconn *pg;		/* PostgreSQL, or NULL */
	bool readonly;
	bool in_transaction;
	unsigned cursors;	/* cursors declared, for their names */
	struct tk_query *stmts[TK_STMT_COUNT];
	/* Queries of tk_events_each(), one per combination of filters. */
	struct tk_query *event_queries[16];
};

/* Ends the program: "path: what: the database's message", exit status 3. */
_Noreturn void tk_db_die(struct tk_store *st, const char *what);

/* Runs SQL without parameters or results (several statements may be
 * separated by ";"), or dies with what. */
void tk_exec(struct tk_store *st, const char *sql, const char *what);

/* Returns the cached query id, reset and unbound, preparing sql the first
 * time. */
struct tk_query *tk_stmt(struct tk_store *st, enum tk_stmt_id id,
    const char *sql);

/* Prepares a query for one use; free it with tk_query_free(). */
struct tk_query *tk_query_new(struct tk_store *st, const char *sql);

/* Prepares a query whose rows may be many: on PostgreSQL they are fetched
 * through a cursor, so that memory stays flat; on SQLite it is
 * tk_query_new(). */
struct tk_query *tk_query_cursor(struct tk_store *st, const char *sql);
void tk_query_free(struct tk_query *q);

/* Forgets the current result and the bound values (to NULL). */
void tk_query_reset(struct tk_query *q);

/* Steps q: the next row, the end, or a constraint error; dies on any other
 * error with what. */
enum tk_step_result tk_step(struct tk_query *q, const char *what);

/* Bind parameter i (from 1): a string (NULL as SQL NULL; it must outlive
 * the step), an integer, an instant (TK_NO_TIME as SQL NULL). */
void tk_bind_text(struct tk_query *q, int i, const char *v);
void tk_bind_int(struct tk_query *q, int i, int64_t v);
void tk_bind_time(struct tk_query *q, int i, int64_t t);

/* Column i (from 0) of the current row; a string stays valid until the
 * next step or reset, and is NULL for SQL NULL. */
const char *tk_column_text(struct tk_query *q, int i);
int64_t tk_column_int(struct tk_query *q, int i);
bool tk_column_null(struct tk_query *q, int i);

/* Opens the PostgreSQL connection of a store whose path is a URI.  Rejects
 * a URI with a password (exit 2). */
void tk_pg_connect(struct tk_store *st);

#endif
