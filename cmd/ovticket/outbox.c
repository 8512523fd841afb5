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
    int64_t event, const char *route, const char *payload)
{
	bool own = begin_if_needed(st);
	sqlite3_stmt *s = tk_stmt(st, TK_STMT_OUTBOX_ENQUEUE,
	    "INSERT INTO outbox (created, ticket, event, route, payload,"
	    " next_attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?1)"
	    " ON CONFLICT (event, route) DO NOTHING");
	bool added;

	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, ticket);
	if (event > 0)
		sqlite3_bind_int64(s, 3, event);
	tk_bind_text(s, 4, route);
	tk_bind_text(s, 5, payload);
	if (tk_step(st, s, "cannot add to the outbox") != SQLITE_DONE)
		tk_db_die(st, "cannot add to the outbox");
	added = sqlite3_changes(st->db) > 0;
	sqlite3_reset(s);
	if (own)
		tk_commit(st);
	return added;
}

static char *
dup_column(sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);
	char *p;

	if (v == NULL)
		return NULL;
	p = strdup(v);
	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

/* Claims in one statement, so that two senders never get the same entry. */
size_t
tk_outbox_claim(struct tk_store *st, int64_t now, const char *claimer,
    int64_t lease, size_t limit, struct tk_outbox_entry **entries)
{
	bool own = begin_if_needed(st);
	sqlite3_stmt *s;
	size_t n = 0, cap = 16;
	struct tk_outbox_entry *e = calloc(cap, sizeof *e);

	if (e == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	if (sqlite3_prepare_v2(st->db,
	    "UPDATE outbox SET claimed_by = ?2, claimed_at = ?1"
	    " WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL"
	    "  AND next_attempt <= ?1"
	    "  AND (claimed_at IS NULL OR claimed_at <= ?1 - ?3)"
	    "  ORDER BY next_attempt, id LIMIT ?4)"
	    " RETURNING id, created, ticket, event, route, payload, attempts,"
	    " last_error", -1, &s, NULL) != SQLITE_OK)
		tk_db_die(st, "cannot claim outbox entries");
	sqlite3_bind_int64(s, 1, now);
	tk_bind_text(s, 2, claimer);
	sqlite3_bind_int64(s, 3, lease);
	sqlite3_bind_int64(s, 4, (int64_t)limit);
	while (tk_step(st, s, "cannot claim outbox entries") == SQLITE_ROW) {
		if (n == cap) {
			cap *= 2;
			e = realloc(e, cap * sizeof *e);
			if (e == NULL)
				ov_die(OV_EXIT_RESOURCE, "out of memory");
		}
		e[n].id = sqlite3_column_int64(s, 0);
		e[n].created = sqlite3_column_int64(s, 1);
		e[n].ticket = sqlite3_column_int64(s, 2);
		e[n].event = sqlite3_column_int64(s, 3);
		e[n].route = dup_column(s, 4);
		e[n].payload = dup_column(s, 5);
		e[n].attempts = sqlite3_column_int64(s, 6);
		e[n].last_error = dup_column(s, 7);
		n++;
	}
	sqlite3_finalize(s);
	if (own)
		tk_commit(st);
	*entries = e;
	return n;
}

void
tk_outbox_sent(struct tk_store *st, int64_t id, int64_t now)
{
	bool own = begin_if_needed(st);
	sqlite3_stmt *s = tk_stmt(st, TK_STMT_OUTBOX_SENT,
	    "UPDATE outbox SET sent_at = ?2, claimed_by = NULL,"
	    " claimed_at = NULL WHERE id = ?1");

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	tk_step(st, s, "cannot mark an outbox entry sent");
	sqlite3_reset(s);
	if (own)
		tk_commit(st);
}

int64_t
tk_outbox_failed(struct tk_store *st, int64_t id, int64_t now,
    const char *error)
{
	bool own = begin_if_needed(st);
	sqlite3_stmt *s = tk_stmt(st, TK_STMT_OUTBOX_FAILED,
	    "UPDATE outbox SET attempts = attempts + 1, last_error = ?3,"
	    " claimed_by = NULL, claimed_at = NULL,"
	    " next_attempt = ?2 + min(?4 << min(attempts, 20), ?5)"
	    " WHERE id = ?1 RETURNING next_attempt");
	int64_t next = now;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	tk_bind_text(s, 3, error);
	sqlite3_bind_int64(s, 4, BACKOFF_FIRST);
	sqlite3_bind_int64(s, 5, BACKOFF_MAX);
	if (tk_step(st, s, "cannot mark an outbox entry failed") ==
	    SQLITE_ROW)
		next = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (own)
		tk_commit(st);
	return next;
}

int64_t
tk_outbox_unsent(struct tk_store *st)
{
	sqlite3_stmt *s;
	int64_t n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM outbox"
	    " WHERE sent_at IS NULL", -1, &s, NULL) != SQLITE_OK)
		tk_db_die(st, "cannot count outbox entries");
	if (tk_step(st, s, "cannot count outbox entries") == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
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
