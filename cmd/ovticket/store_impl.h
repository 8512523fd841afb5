/*
 * Internals of the ticket store shared by store.c, apply.c and outbox.c:
 * the connection, its cached statements, and helpers that end the program
 * with exit status 3 when the database fails.
 */
#ifndef OVTICKET_STORE_IMPL_H
#define OVTICKET_STORE_IMPL_H

#include <stdbool.h>

#include <sqlite3.h>

#include "store.h"

/* Statements prepared once per connection. */
enum tk_stmt_id {
	TK_STMT_GET_TICKET,
	TK_STMT_BY_FINGERPRINT,
	TK_STMT_INSERT_TICKET,
	TK_STMT_INSERT_EVENT,
	TK_STMT_UPDATE_TICKET,
	TK_STMT_OPEN_FINGERPRINT,
	TK_STMT_OUTBOX_ENQUEUE,
	TK_STMT_OUTBOX_SENT,
	TK_STMT_OUTBOX_FAILED,
	TK_STMT_SAVEPOINT,
	TK_STMT_RELEASE,
	TK_STMT_ROLLBACK_TO,
	TK_STMT_COUNT
};

struct tk_store {
	const char *path;
	sqlite3 *db;
	bool readonly;
	bool in_transaction;
	sqlite3_stmt *stmts[TK_STMT_COUNT];
	/* Queries of tk_events_each(), one per combination of filters. */
	sqlite3_stmt *event_queries[16];
};

/* Ends the program: "path: what: SQLite's message", exit status 3. */
_Noreturn void tk_db_die(struct tk_store *st, const char *what);

/* Runs SQL without results, or dies with what. */
void tk_exec(struct tk_store *st, const char *sql, const char *what);

/* Returns the cached statement id, reset and unbound, preparing sql the
 * first time. */
sqlite3_stmt *tk_stmt(struct tk_store *st, enum tk_stmt_id id,
    const char *sql);

/* Steps s; returns SQLITE_ROW, SQLITE_DONE or a constraint error code,
 * and dies on any other error. */
int tk_step(struct tk_store *st, sqlite3_stmt *s, const char *what);

/* Binds a string, NULL as SQL NULL; the string must outlive the step. */
void tk_bind_text(sqlite3_stmt *s, int i, const char *v);

/* Binds an instant, TK_NO_TIME as SQL NULL. */
void tk_bind_time(sqlite3_stmt *s, int i, int64_t t);

#endif
