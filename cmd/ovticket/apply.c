/*
 * Recording events: value checks, the ticket lifecycle, and the write of
 * one event with its ticket's new state in one savepoint.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "inventory.h"
#include "store_impl.h"

/* Largest worklog entry: a week of minutes, far above any real entry. */
#define MAX_WORKLOG_MINUTES (7 * 24 * 60)

/* The latest instant an event may carry: 9999-12-31T23:59:59Z. */
#define MAX_TIME INT64_C(253402300799)

static enum tk_result
reject(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum tk_result
reject(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ov_vformat(err, errsize, fmt, ap);
	va_end(ap);
	return TK_REJECTED;
}

void
tk_alarm_key(char *buf, size_t size, const char *fingerprint, int64_t time,
    const char *state)
{
	snprintf(buf, size, "%s|%" PRId64 "|%s", fingerprint, time, state);
}

/* Checks a required or optional text field against max bytes. */
static bool
check_text(const char *name, const char *v, bool required, size_t max,
    char *err, size_t errsize)
{
	char why[128];

	if (v == NULL) {
		if (required)
			snprintf(err, errsize, "missing %s", name);
		return !required;
	}
	if (required && *v == '\0') {
		snprintf(err, errsize, "empty %s", name);
		return false;
	}
	if (!tk_valid_text(v, max, why, sizeof why)) {
		snprintf(err, errsize, "invalid %s: %s", name, why);
		return false;
	}
	return true;
}

static bool
check_id(const char *name, const char *v, bool required, char *err,
    size_t errsize)
{
	if (v == NULL) {
		if (required)
			snprintf(err, errsize, "missing %s", name);
		return !required;
	}
	if (!ov_valid_id(v)) {
		snprintf(err, errsize, "invalid %s '%s': use 1 to 128 letters, "
		    "digits, '.', '_', '-' or '@', starting with a letter or "
		    "digit", name, v);
		return false;
	}
	return true;
}

static bool
check_opened(const struct tk_event *ev, char *err, size_t errsize)
{
	if (!check_id("customer", ev->customer, true, err, errsize) ||
	    !check_id("deployment", ev->deployment, false, err, errsize))
		return false;
	if (!tk_valid_severity(ev->severity)) {
		snprintf(err, errsize, "invalid severity '%s': use critical or "
		    "normal", ev->severity ? ev->severity : "");
		return false;
	}
	if (!tk_valid_channel(ev->channel)) {
		snprintf(err, errsize, "invalid channel '%s': use alarm, "
		    "email, phone or portal", ev->channel ? ev->channel : "");
		return false;
	}
	return check_text("summary", ev->summary, true, TK_MAX_SUMMARY, err,
	    errsize) && check_text("fingerprint", ev->fingerprint, false,
	    TK_MAX_ID, err, errsize);
}

/* Checks the values an action carries, whatever the ticket's state. */
static bool
check_values(const struct tk_event *ev, char *err, size_t errsize)
{
	if (ev->time < 0 || ev->time > MAX_TIME) {
		snprintf(err, errsize, "time out of range");
		return false;
	}
	if (!check_text("by", ev->by, false, TK_MAX_ID, err, errsize))
		return false;
	switch (ev->action) {
	case TK_OPENED:
		return check_opened(ev, err, errsize);
	case TK_NOTE:
	case TK_CUSTOMER_REPLY:
	case TK_WORKAROUND:
	case TK_RESOLVED:
	case TK_REOPENED:
		return check_text("text", ev->text, true, TK_MAX_TEXT, err,
		    errsize);
	case TK_SEVERITY:
		if (tk_valid_severity(ev->severity))
			return true;
		snprintf(err, errsize, "invalid severity '%s': use critical or "
		    "normal", ev->severity ? ev->severity : "");
		return false;
	case TK_ASSIGNED:
		return check_text("to", ev->to, true, TK_MAX_ID, err, errsize);
	case TK_WORKLOG:
		if (ev->minutes >= 1 && ev->minutes <= MAX_WORKLOG_MINUTES)
			return true;
		snprintf(err, errsize, "invalid minutes %" PRId64 ": use a "
		    "whole number from 1 to %d", ev->minutes,
		    MAX_WORKLOG_MINUTES);
		return false;
	case TK_ALARM_REFIRED:
	case TK_ALARM_CLEARED:
		return check_text("fingerprint", ev->fingerprint, true,
		    TK_MAX_ID, err, errsize);
	default:
		return true;
	}
}

static bool
is_state(const struct tk_ticket *t, const char *state)
{
	return strcmp(t->state, state) == 0;
}

static bool
is_open(const struct tk_ticket *t)
{
	return !is_state(t, "resolved") && !is_state(t, "closed");
}

/* Rejects an action that makes no sense in the ticket's current state; the
 * rules are those of the LIFECYCLE section of ovticket(1). */
static enum tk_result
check_lifecycle(const struct tk_ticket *t, const struct tk_event *ev,
    char *err, size_t errsize)
{
	int64_t id = t->id;

	switch (ev->action) {
	case TK_ACKNOWLEDGED:
		if (is_open(t) && t->acknowledged)
			return reject(err, errsize, "ticket %" PRId64 " is "
			    "already acknowledged", id);
		/* FALLTHROUGH */
	case TK_WORKAROUND:
	case TK_RESOLVED:
	case TK_PENDING:
		if (!is_open(t))
			return reject(err, errsize, "ticket %" PRId64 " is %s; "
			    "reopen it first", id, t->state);
		if (ev->action == TK_PENDING && t->pending)
			return reject(err, errsize, "ticket %" PRId64 " is "
			    "already pending", id);
		return TK_RECORDED;
	case TK_RESUMED:
		if (!t->pending)
			return reject(err, errsize, "ticket %" PRId64 " is not "
			    "pending", id);
		return TK_RECORDED;
	case TK_CLOSED:
		if (is_state(t, "closed"))
			return reject(err, errsize, "ticket %" PRId64 " is "
			    "already closed", id);
		if (!is_state(t, "resolved"))
			return reject(err, errsize, "ticket %" PRId64 " is not "
			    "resolved; resolve it before closing it", id);
		return TK_RECORDED;
	case TK_REOPENED:
		if (is_open(t))
			return reject(err, errsize, "ticket %" PRId64 " is "
			    "open; only a resolved or closed ticket can be "
			    "reopened", id);
		return TK_RECORDED;
	case TK_CUSTOMER_REPLY:
	case TK_ASSIGNED:
	case TK_SEVERITY:
		if (is_state(t, "closed"))
			return reject(err, errsize, "ticket %" PRId64 " is "
			    "closed; reopen it first", id);
		if (ev->action == TK_SEVERITY &&
		    strcmp(ev->severity, t->severity) == 0)
			return reject(err, errsize, "ticket %" PRId64 " is "
			    "already %s", id, t->severity);
		if (ev->action == TK_ASSIGNED && t->assignee != NULL &&
		    strcmp(ev->to, t->assignee) == 0)
			return reject(err, errsize, "ticket %" PRId64 " is "
			    "already assigned to %s", id, t->assignee);
		return TK_RECORDED;
	default:
		return TK_RECORDED;
	}
}

/* Computes the ticket's state after ev.  Under TK_APPLY_FORCE (import) the
 * same rules replay any order of events. */
static void
next_state(struct tk_ticket *t, const struct tk_event *ev)
{
	bool open = is_open(t);

	switch (ev->action) {
	case TK_ACKNOWLEDGED:
		t->acknowledged = true;
		if (is_state(t, "new") || is_state(t, "reopened"))
			t->state = "acknowledged";
		break;
	case TK_WORKAROUND:
		t->acknowledged = true;
		if (open)
			t->state = "workaround";
		break;
	case TK_RESOLVED:
		t->state = "resolved";
		t->pending = false;
		t->resolved = ev->time;
		break;
	case TK_CLOSED:
		t->state = "closed";
		t->pending = false;
		t->closed = ev->time;
		break;
	case TK_REOPENED:
		t->state = "reopened";
		t->acknowledged = false;
		t->pending = false;
		break;
	case TK_PENDING:
		t->pending = true;
		break;
	case TK_RESUMED:
	case TK_CUSTOMER_REPLY:
		/* A customer's reply to a pending ticket also resumes it. */
		t->pending = false;
		break;
	case TK_SEVERITY:
		t->severity = ev->severity;
		break;
	case TK_ASSIGNED:
		t->assignee = ev->to;
		break;
	case TK_WORKLOG:
		t->worklog_minutes += ev->minutes;
		break;
	default:
		break;
	}
	if (ev->time > t->updated)
		t->updated = ev->time;
	t->events++;
}

/* Inserts the ticket row of an "opened" event, with the id the event
 * asks for (import) or a new one; returns TK_DONE or TK_CONSTRAINT. */
static enum tk_step_result
insert_ticket(struct tk_store *st, struct tk_event *ev)
{
	bool own_id = ev->ticket > 0;
	struct tk_query *q = own_id ?
	    tk_stmt(st, TK_STMT_INSERT_TICKET_ID,
	    "INSERT INTO tickets (id, customer, deployment, severity, channel,"
	    " summary, fingerprint, state, is_open, opened, updated, events)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', 1, ?8, ?8, 1)"
	    " RETURNING id") :
	    tk_stmt(st, TK_STMT_INSERT_TICKET,
	    "INSERT INTO tickets (customer, deployment, severity, channel,"
	    " summary, fingerprint, state, is_open, opened, updated, events)"
	    " VALUES (?2, ?3, ?4, ?5, ?6, ?7, 'new', 1, ?8, ?8, 1)"
	    " RETURNING id");
	enum tk_step_result rc;

	if (own_id)
		tk_bind_int(q, 1, ev->ticket);
	tk_bind_text(q, 2, ev->customer);
	tk_bind_text(q, 3, ev->deployment);
	tk_bind_text(q, 4, ev->severity);
	tk_bind_text(q, 5, ev->channel);
	tk_bind_text(q, 6, ev->summary);
	tk_bind_text(q, 7, ev->fingerprint);
	tk_bind_int(q, 8, ev->time);
	rc = tk_step(q, "cannot record the ticket");
	if (rc == TK_ROW) {
		ev->ticket = tk_column_int(q, 0);
		rc = TK_DONE;
	}
	tk_query_reset(q);
	if (rc == TK_DONE && own_id && st->dialect->after_own_id != NULL)
		tk_exec(st, st->dialect->after_own_id,
		    "cannot record the ticket");
	return rc;
}

/* Inserts an event; returns TK_DONE, or TK_CONSTRAINT when its alarm key is
 * already recorded.  ON CONFLICT keeps a duplicate from being an error,
 * which PostgreSQL would write to its log for every re-read alarm. */
static enum tk_step_result
insert_event(struct tk_store *st, struct tk_event *ev, const char *key)
{
	struct tk_query *q = tk_stmt(st, TK_STMT_INSERT_EVENT,
	    "INSERT INTO events (ticket, time, action, actor, text, public,"
	    " severity, assignee, minutes, fingerprint, customer, deployment,"
	    " channel, summary, alarm_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
	    " ON CONFLICT (alarm_key) DO NOTHING RETURNING id");
	bool opened = ev->action == TK_OPENED;
	enum tk_step_result rc;

	tk_bind_int(q, 1, ev->ticket);
	tk_bind_int(q, 2, ev->time);
	tk_bind_text(q, 3, tk_action_name(ev->action));
	tk_bind_text(q, 4, ev->by);
	tk_bind_text(q, 5, ev->text);
	if (ev->action == TK_NOTE)
		tk_bind_int(q, 6, ev->is_public);
	tk_bind_text(q, 7, ev->severity);
	tk_bind_text(q, 8, ev->to);
	if (ev->action == TK_WORKLOG)
		tk_bind_int(q, 9, ev->minutes);
	tk_bind_text(q, 10, ev->fingerprint);
	tk_bind_text(q, 11, opened ? ev->customer : NULL);
	tk_bind_text(q, 12, opened ? ev->deployment : NULL);
	tk_bind_text(q, 13, opened ? ev->channel : NULL);
	tk_bind_text(q, 14, opened ? ev->summary : NULL);
	tk_bind_text(q, 15, key);
	rc = tk_step(q, "cannot record the event");
	if (rc == TK_ROW) {
		ev->id = tk_column_int(q, 0);
		rc = TK_DONE;
	} else if (rc == TK_DONE) {
		rc = TK_CONSTRAINT;
	}
	tk_query_reset(q);
	return rc;
}

static enum tk_step_result
update_ticket(struct tk_store *st, const struct tk_ticket *t)
{
	struct tk_query *q = tk_stmt(st, TK_STMT_UPDATE_TICKET,
	    "UPDATE tickets SET severity = ?2, assignee = ?3, state = ?4,"
	    " is_open = ?5, pending = ?6, acknowledged = ?7, updated = ?8,"
	    " resolved = ?9, closed = ?10, worklog_minutes = ?11, events = ?12"
	    " WHERE id = ?1");
	enum tk_step_result rc;

	tk_bind_int(q, 1, t->id);
	tk_bind_text(q, 2, t->severity);
	tk_bind_text(q, 3, t->assignee);
	tk_bind_text(q, 4, t->state);
	tk_bind_int(q, 5, is_open(t));
	tk_bind_int(q, 6, t->pending);
	tk_bind_int(q, 7, t->acknowledged);
	tk_bind_int(q, 8, t->updated);
	tk_bind_time(q, 9, t->resolved);
	tk_bind_time(q, 10, t->closed);
	tk_bind_int(q, 11, t->worklog_minutes);
	tk_bind_int(q, 12, t->events);
	rc = tk_step(q, "cannot update the ticket");
	tk_query_reset(q);
	return rc;
}

/* Returns the open ticket other than self with this fingerprint, or 0. */
static int64_t
other_open_ticket(struct tk_store *st, const char *fingerprint, int64_t self)
{
	struct tk_query *q = tk_stmt(st, TK_STMT_OPEN_FINGERPRINT,
	    "SELECT id FROM tickets WHERE fingerprint = ?1 AND is_open = 1"
	    " AND fingerprint IS NOT NULL AND id != ?2");
	int64_t id = 0;

	tk_bind_text(q, 1, fingerprint);
	tk_bind_int(q, 2, self);
	if (tk_step(q, "cannot find a ticket") == TK_ROW)
		id = tk_column_int(q, 0);
	tk_query_reset(q);
	return id;
}

/* Returns true when an event with this idempotence key is recorded. */
static bool
key_exists(struct tk_store *st, const char *key)
{
	struct tk_query *q = tk_stmt(st, TK_STMT_KEY_EXISTS,
	    "SELECT 1 FROM events WHERE alarm_key = ?1");
	bool found;

	tk_bind_text(q, 1, key);
	found = tk_step(q, "cannot find an event") == TK_ROW;
	tk_query_reset(q);
	return found;
}

/* Writes an "opened" event and its new ticket. */
static enum tk_result
record_opened(struct tk_store *st, struct tk_event *ev, const char *key,
    char *err, size_t errsize)
{
	int64_t requested = ev->ticket;
	enum tk_step_result rc;

	if (ev->fingerprint != NULL) {
		int64_t other = other_open_ticket(st, ev->fingerprint, 0);

		if (other != 0)
			return reject(err, errsize, "ticket %" PRId64 " with "
			    "fingerprint %s is already open", other,
			    ev->fingerprint);
	}
	/* Checked before the ticket is inserted, because a PostgreSQL
	 * identity number used by a rolled-back insert is not reused. */
	if (key != NULL && key_exists(st, key))
		return TK_DUPLICATE;
	if (insert_ticket(st, ev) != TK_DONE)
		return reject(err, errsize, "ticket %" PRId64 " already "
		    "exists", requested);
	rc = insert_event(st, ev, key);
	if (rc != TK_DONE) {
		ev->ticket = requested;
		return TK_DUPLICATE;
	}
	return TK_RECORDED;
}

/* Writes any other event and the ticket's new state. */
static enum tk_result
record_event(struct tk_store *st, struct tk_event *ev, const char *key,
    int flags, char *err, size_t errsize)
{
	struct tk_ticket t;
	enum tk_result res = TK_RECORDED;

	if (!tk_ticket_get(st, ev->ticket, &t))
		return reject(err, errsize, "ticket %" PRId64 " not found",
		    ev->ticket);
	/* Import too: an export lists events in time order, so an event
	 * before the opening would come back before its ticket exists. */
	if (ev->time < t.opened) {
		char when[OV_TIME_LEN];

		ov_time_format(t.opened, when);
		res = reject(err, errsize, "ticket %" PRId64 " was opened at "
		    "%s, after this event's time", t.id, when);
	} else if (!(flags & TK_APPLY_FORCE)) {
		res = check_lifecycle(&t, ev, err, errsize);
		if (res == TK_RECORDED && ev->action == TK_REOPENED &&
		    t.fingerprint != NULL) {
			int64_t other = other_open_ticket(st, t.fingerprint,
			    t.id);

			if (other != 0)
				res = reject(err, errsize, "ticket %" PRId64
				    " for the same alarm is open", other);
		}
	}
	if (res == TK_RECORDED) {
		struct tk_ticket next = t;

		next_state(&next, ev);
		if (insert_event(st, ev, key) != TK_DONE)
			res = TK_DUPLICATE;
		else if (update_ticket(st, &next) != TK_DONE)
			res = reject(err, errsize, "ticket %" PRId64 ": "
			    "another ticket for the same alarm is open",
			    t.id);
	}
	tk_ticket_free(&t);
	return res;
}

/* Runs one of the savepoint statements, prepared once since ingest runs
 * them for every record. */
static void
savepoint(struct tk_store *st, enum tk_stmt_id id, const char *sql)
{
	struct tk_query *q = tk_stmt(st, id, sql);

	if (tk_step(q, "cannot use a savepoint") != TK_DONE)
		tk_db_die(st, "cannot use a savepoint");
	tk_query_reset(q);
}

struct same_ctx {
	const struct ov_buf *record;
	struct ov_buf b;
	int copies;
};

static int
count_same(const struct tk_event *ev, void *ctx)
{
	struct same_ctx *sc = ctx;

	tk_event_format(ev, &sc->b);
	if (sc->b.len == sc->record->len &&
	    memcmp(sc->b.data, sc->record->data, sc->b.len) == 0)
		sc->copies++;
	return 0;
}

int
tk_event_copies(struct tk_store *st, const struct tk_event *ev)
{
	struct ov_buf record = { 0 };
	struct same_ctx sc = { &record, { 0 }, 0 };
	struct tk_filter f;

	tk_event_format(ev, &record);
	tk_filter_init(&f);
	f.ticket = ev->ticket;
	f.since = ev->time;
	f.until = ev->time + 1;
	tk_events_each(st, &f, count_same, &sc);
	ov_buf_free(&sc.b);
	ov_buf_free(&record);
	return sc.copies;
}

enum tk_result
tk_apply(struct tk_store *st, struct tk_event *ev, const char *alarm_key,
    int flags, char *err, size_t errsize)
{
	enum tk_result res;

	err[0] = '\0';
	if (!check_values(ev, err, errsize))
		return TK_REJECTED;
	savepoint(st, TK_STMT_SAVEPOINT, "SAVEPOINT apply");
	if (ev->action == TK_OPENED)
		res = record_opened(st, ev, alarm_key, err, errsize);
	else
		res = record_event(st, ev, alarm_key, flags, err, errsize);
	if (res != TK_RECORDED)
		savepoint(st, TK_STMT_ROLLBACK_TO, "ROLLBACK TO apply");
	savepoint(st, TK_STMT_RELEASE, "RELEASE apply");
	return res;
}
