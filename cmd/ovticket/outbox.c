/*
 * The notification outbox: entries are added with the events they announce,
 * claimed by a sender for a lease, and marked sent or failed.  A failed
 * entry waits 1, 2, 4… minutes (at most 6 hours) before its next attempt.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "store_impl.h"

#define BACKOFF_FIRST 60
#define BACKOFF_MAX (6 * 3600)

/* Runs fn's writes in their own transaction when the caller has none. */
static bool
begin_if_needed(struct tk_store *st)
{
	if (st->in_transaction)
		return false;
	tk_begin(st);
	return true;
}

bool
tk_outbox_enqueue(struct tk_store *st, int64_t now, int64_t ticket,
    int64_t event, const char *key, const char *route, const char *payload)
{
	bool own = begin_if_needed(st);
	/* No conflict target: either unique key, (event, route) or
	 * (sla_key, route), makes a repeat a no-op. */
	struct tk_query *q = tk_stmt(st, TK_STMT_OUTBOX_ENQUEUE,
	    "INSERT INTO outbox (created, ticket, event, route, payload,"
	    " next_attempt, sla_key) VALUES (?1, ?2, ?3, ?4, ?5, ?1, ?6)"
	    " ON CONFLICT DO NOTHING RETURNING id");
	enum tk_step_result rc;

	tk_bind_int(q, 1, now);
	tk_bind_int(q, 2, ticket);
	if (event > 0)
		tk_bind_int(q, 3, event);
	tk_bind_text(q, 4, route);
	tk_bind_text(q, 5, payload);
	if (key != NULL)
		tk_bind_text(q, 6, key);
	rc = tk_step(q, "cannot add to the outbox");
	if (rc == TK_CONSTRAINT)
		tk_db_die(st, "cannot add to the outbox");
	tk_query_reset(q);
	if (own)
		tk_commit(st);
	return rc == TK_ROW;
}

static char *
dup_column(struct tk_query *q, int i)
{
	const char *v = tk_column_text(q, i);
	char *p;

	if (v == NULL)
		return NULL;
	p = strdup(v);
	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

/* The claim of tk_outbox_claim(), with the dialect's row lock in the inner
 * SELECT. */
static struct tk_query *
claim_query(struct tk_store *st)
{
	char sql[1024];

	snprintf(sql, sizeof sql,
	    "UPDATE outbox SET claimed_by = ?2, claimed_at = ?1"
	    " WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL"
	    "  AND next_attempt <= ?1"
	    "  AND (claimed_at IS NULL"
	    "   OR claimed_at <= CAST(?1 AS BIGINT) - CAST(?3 AS BIGINT))"
	    "  ORDER BY next_attempt, id LIMIT ?4%s)"
	    " RETURNING id, created, ticket, event, route, payload, attempts,"
	    " last_error", st->dialect->claim_lock);
	return tk_query_new(st, sql);
}

/* Claims in one statement, so that two senders never get the same entry. */
size_t
tk_outbox_claim(struct tk_store *st, int64_t now, const char *claimer,
    int64_t lease, size_t limit, struct tk_outbox_entry **entries)
{
	bool own = begin_if_needed(st);
	struct tk_query *q = claim_query(st);
	size_t n = 0, cap = 16;
	struct tk_outbox_entry *e = calloc(cap, sizeof *e);

	if (e == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	tk_bind_int(q, 1, now);
	tk_bind_text(q, 2, claimer);
	tk_bind_int(q, 3, lease);
	tk_bind_int(q, 4, (int64_t)limit);
	while (tk_step(q, "cannot claim outbox entries") == TK_ROW) {
		if (n == cap) {
			cap *= 2;
			e = realloc(e, cap * sizeof *e);
			if (e == NULL)
				ov_die(OV_EXIT_RESOURCE, "out of memory");
		}
		e[n].id = tk_column_int(q, 0);
		e[n].created = tk_column_int(q, 1);
		e[n].ticket = tk_column_int(q, 2);
		e[n].event = tk_column_int(q, 3);
		e[n].route = dup_column(q, 4);
		e[n].payload = dup_column(q, 5);
		e[n].attempts = tk_column_int(q, 6);
		e[n].last_error = dup_column(q, 7);
		n++;
	}
	tk_query_free(q);
	if (own)
		tk_commit(st);
	*entries = e;
	return n;
}

void
tk_outbox_sent(struct tk_store *st, int64_t id, int64_t now)
{
	bool own = begin_if_needed(st);
	struct tk_query *q = tk_stmt(st, TK_STMT_OUTBOX_SENT,
	    "UPDATE outbox SET sent_at = ?2, claimed_by = NULL,"
	    " claimed_at = NULL WHERE id = ?1");

	tk_bind_int(q, 1, id);
	tk_bind_int(q, 2, now);
	tk_step(q, "cannot mark an outbox entry sent");
	tk_query_reset(q);
	if (own)
		tk_commit(st);
}

int64_t
tk_outbox_failed(struct tk_store *st, int64_t id, int64_t now,
    const char *error)
{
	bool own = begin_if_needed(st);
	/* ?4 << attempts, at most ?5; the shift stops at 20 so that it
	 * never overflows.  CASTs give PostgreSQL the parameters' types. */
	struct tk_query *q = tk_stmt(st, TK_STMT_OUTBOX_FAILED,
	    "UPDATE outbox SET attempts = attempts + 1, last_error = ?3,"
	    " claimed_by = NULL, claimed_at = NULL,"
	    " next_attempt = CAST(?2 AS BIGINT) + CASE"
	    "  WHEN attempts >= 20 THEN CAST(?5 AS BIGINT)"
	    "  WHEN (CAST(?4 AS BIGINT) << CAST(attempts AS INTEGER)) >"
	    "   CAST(?5 AS BIGINT) THEN CAST(?5 AS BIGINT)"
	    "  ELSE CAST(?4 AS BIGINT) << CAST(attempts AS INTEGER) END"
	    " WHERE id = ?1 RETURNING next_attempt");
	int64_t next = now;

	tk_bind_int(q, 1, id);
	tk_bind_int(q, 2, now);
	tk_bind_text(q, 3, error);
	tk_bind_int(q, 4, BACKOFF_FIRST);
	tk_bind_int(q, 5, BACKOFF_MAX);
	if (tk_step(q, "cannot mark an outbox entry failed") == TK_ROW)
		next = tk_column_int(q, 0);
	tk_query_reset(q);
	if (own)
		tk_commit(st);
	return next;
}

int64_t
tk_outbox_unsent(struct tk_store *st)
{
	struct tk_query *q = tk_query_new(st, "SELECT count(*) FROM outbox"
	    " WHERE sent_at IS NULL");
	int64_t n = 0;

	if (tk_step(q, "cannot count outbox entries") == TK_ROW)
		n = tk_column_int(q, 0);
	tk_query_free(q);
	return n;
}

void
tk_outbox_free(struct tk_outbox_entry *entries, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(entries[i].route);
		free(entries[i].payload);
		free(entries[i].last_error);
	}
	free(entries);
}
