/*
 * The query layer of the ticket store: one interface over a SQLite
 * statement and a PostgreSQL query, so that store.c, apply.c and outbox.c
 * write each query once.  A PostgreSQL query's rows are read at once, or a
 * few hundred at a time from a cursor, which lets a caller run other
 * queries between two rows, as SQLite allows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "store_impl.h"

/* Returns sql with SQLite's parameters ?N rewritten as PostgreSQL's $N, and
 * sets the count and the set of parameters used.  The queries contain no
 * '?' inside string literals. */
static char *
pg_text(const char *sql, int *nparams, unsigned *referenced)
{
	char *out = malloc(strlen(sql) + 1), *o = out;

	if (out == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	*nparams = 0;
	*referenced = 0;
	for (const char *p = sql; *p != '\0'; p++) {
		if (*p != '?') {
			*o++ = *p;
			continue;
		}
		*o++ = '$';
		int n = (int)strtol(p + 1, NULL, 10);

		if (n < 1 || n > TK_MAX_PARAMS)
			ov_die(OV_EXIT_RESOURCE, "query parameter ?%d out of "
			    "range", n);
		*referenced |= 1u << (n - 1);
		if (n > *nparams)
			*nparams = n;
	}
	*o = '\0';
	return out;
}

struct tk_query *
tk_query_new(struct tk_store *st, const char *sql)
{
	struct tk_query *q = calloc(1, sizeof *q);

	if (q == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	q->st = st;
	if (st->pg != NULL) {
		q->pg_sql = pg_text(sql, &q->nparams, &q->referenced);
		return q;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, 0, &q->lite, NULL) !=
	    SQLITE_OK)
		tk_db_die(st, "cannot prepare a query");
	return q;
}

struct tk_query *
tk_query_cursor(struct tk_store *st, const char *sql)
{
	struct tk_query *q = tk_query_new(st, sql);

	if (st->pg != NULL)
		snprintf(q->cursor, sizeof q->cursor, "tk_cursor%u",
		    st->cursors++);
	return q;
}

/* Prepares a cached query on the server, so that it is parsed once. */
static void
pg_prepare(struct tk_query *q, int id)
{
	Oid types[TK_MAX_PARAMS] = { 0 };
	PGresult *r;

	/* A parameter the text does not use has no type to infer. */
	for (int i = 0; i < q->nparams; i++)
		if (!(q->referenced & 1u << i))
			types[i] = 25;	/* text */
	snprintf(q->pg_name, sizeof q->pg_name, "tk%d", id);
	r = PQprepare(q->st->pg, q->pg_name, q->pg_sql, q->nparams, types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		tk_db_die(q->st, "cannot prepare a query");
	}
	PQclear(r);
}

struct tk_query *
tk_stmt(struct tk_store *st, enum tk_stmt_id id, const char *sql)
{
	struct tk_query *q = st->stmts[id];

	if (q != NULL) {
		tk_query_reset(q);
		return q;
	}
	q = tk_query_new(st, sql);
	if (st->pg != NULL)
		pg_prepare(q, (int)id);
	st->stmts[id] = q;
	return q;
}

void
tk_query_reset(struct tk_query *q)
{
	char sql[48];

	if (q->declared) {
		snprintf(sql, sizeof sql, "CLOSE %s", q->cursor);
		tk_exec(q->st, sql, "cannot close a cursor");
		q->declared = false;
	}
	if (q->lite != NULL) {
		sqlite3_reset(q->lite);
		sqlite3_clear_bindings(q->lite);
	}
	PQclear(q->res);
	q->res = NULL;
	for (int i = 0; i < TK_MAX_PARAMS; i++)
		q->values[i] = NULL;
	q->busy = false;
}

void
tk_query_free(struct tk_query *q)
{
	if (q == NULL)
		return;
	tk_query_reset(q);
	sqlite3_finalize(q->lite);
	free(q->pg_sql);
	free(q);
}

void
tk_bind_text(struct tk_query *q, int i, const char *v)
{
	if (q->lite == NULL)
		q->values[i - 1] = (char *)v;
	else if (v == NULL)
		sqlite3_bind_null(q->lite, i);
	else
		sqlite3_bind_text(q->lite, i, v, -1, SQLITE_STATIC);
}

void
tk_bind_int(struct tk_query *q, int i, int64_t v)
{
	if (q->lite != NULL) {
		sqlite3_bind_int64(q->lite, i, v);
		return;
	}
	snprintf(q->numbers[i - 1], sizeof q->numbers[i - 1], "%" PRId64, v);
	q->values[i - 1] = q->numbers[i - 1];
}

void
tk_bind_time(struct tk_query *q, int i, int64_t t)
{
	if (t == TK_NO_TIME)
		tk_bind_text(q, i, NULL);
	else
		tk_bind_int(q, i, t);
}

/* Fetches the next rows of a cursor into q->res; false at the end. */
static bool
pg_fetch(struct tk_query *q, const char *what)
{
	char sql[48];

	snprintf(sql, sizeof sql, "FETCH 500 FROM %s", q->cursor);
	PQclear(q->res);
	q->res = PQexec(q->st->pg, sql);
	if (PQresultStatus(q->res) != PGRES_TUPLES_OK)
		tk_db_die(q->st, what);
	q->row = -1;
	return PQntuples(q->res) > 0;
}

/* Runs a PostgreSQL query, or declares its cursor WITH HOLD (so that it
 * outlives the transaction it was declared in, if any).  Returns false
 * when a constraint rejected it. */
static bool
pg_run(struct tk_query *q, const char *what)
{
	PGconn *c = q->st->pg;
	const char *const *v = (const char *const *)q->values;
	Oid types[TK_MAX_PARAMS] = { 0 };
	const char *state;
	char *sql = q->pg_sql;

	if (q->pg_name[0] != '\0') {
		q->res = PQexecPrepared(c, q->pg_name, q->nparams, v, NULL,
		    NULL, 0);
	} else {
		for (int i = 0; i < q->nparams; i++)
			if (!(q->referenced & 1u << i))
				types[i] = 25;	/* text */
		if (q->cursor[0] != '\0' && asprintf(&sql, "DECLARE %s NO "
		    "SCROLL CURSOR WITH HOLD FOR %s", q->cursor, q->pg_sql) < 0)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
		q->res = PQexecParams(c, sql, q->nparams, types, v, NULL,
		    NULL, 0);
		if (sql != q->pg_sql)
			free(sql);
	}
	switch (PQresultStatus(q->res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		return true;
	default:
		break;
	}
	/* Class 23: integrity constraint violation (unique, check…). */
	state = PQresultErrorField(q->res, PG_DIAG_SQLSTATE);
	if (state != NULL && strncmp(state, "23", 2) == 0) {
		PQclear(q->res);
		q->res = NULL;
		return false;
	}
	tk_db_die(q->st, what);
}

enum tk_step_result
tk_step(struct tk_query *q, const char *what)
{
	int rc;

	if (q->lite == NULL) {
		if (!q->busy) {
			if (!pg_run(q, what))
				return TK_CONSTRAINT;
			q->busy = true;
			q->row = -1;
			if (q->cursor[0] != '\0') {
				q->declared = true;
				pg_fetch(q, what);
			}
		}
		if (++q->row < PQntuples(q->res))
			return TK_ROW;
		if (q->declared && PQntuples(q->res) > 0 &&
		    pg_fetch(q, what)) {
			q->row = 0;
			return TK_ROW;
		}
		return TK_DONE;
	}
	q->busy = true;
	rc = sqlite3_step(q->lite);
	if (rc == SQLITE_ROW)
		return TK_ROW;
	if (rc == SQLITE_DONE)
		return TK_DONE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return TK_CONSTRAINT;
	tk_db_die(q->st, what);
}

const char *
tk_column_text(struct tk_query *q, int i)
{
	if (q->lite != NULL)
		return (const char *)sqlite3_column_text(q->lite, i);
	if (PQgetisnull(q->res, q->row, i))
		return NULL;
	return PQgetvalue(q->res, q->row, i);
}

int64_t
tk_column_int(struct tk_query *q, int i)
{
	const char *v;

	if (q->lite != NULL)
		return sqlite3_column_int64(q->lite, i);
	v = tk_column_text(q, i);
	return v == NULL ? 0 : strtoll(v, NULL, 10);
}

bool
tk_column_null(struct tk_query *q, int i)
{
	if (q->lite != NULL)
		return sqlite3_column_type(q->lite, i) == SQLITE_NULL;
	return PQgetisnull(q->res, q->row, i);
}

void
tk_exec(struct tk_store *st, const char *sql, const char *what)
{
	PGresult *r;

	if (st->pg == NULL) {
		if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			tk_db_die(st, what);
		return;
	}
	r = PQexec(st->pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		tk_db_die(st, what);
	}
	PQclear(r);
}
