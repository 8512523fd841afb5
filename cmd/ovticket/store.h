/*
 * The ticket store of ovticket: a SQLite database with an append-only table
 * of ticket events (the source of truth), a table of each ticket's current
 * state updated in the same transaction, and an outbox of notifications.
 *
 * Every command opens the store with tk_store_open(), wraps its writes in
 * tk_begin() / tk_commit(), and records events with tk_apply(), which checks
 * the ticket's lifecycle, appends the event and updates the state at once.
 *
 * Errors: a database that cannot be used (cannot be opened, read-only, disk
 * full, locked past the busy timeout, corrupt) ends the program with an error
 * naming the database and exit status 3.  The open transaction is then never
 * committed, so SQLite discards it and no half-recorded ticket remains.  The
 * functions below therefore return only results, never database errors.
 */
#ifndef OVTICKET_STORE_H
#define OVTICKET_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* Schema version written to PRAGMA user_version by this program. */
#define TK_SCHEMA_VERSION 3

/* Marks an absent instant in struct tk_ticket and struct tk_filter. */
#define TK_NO_TIME INT64_MIN

/* Maximum length in bytes of an identifier, a summary and a free text. */
#define TK_MAX_ID 128
#define TK_MAX_SUMMARY 1024
#define TK_MAX_TEXT 65536

/* Actions of the ticket record, in the order of the action table in
 * ov-records(5). */
enum tk_action {
	TK_OPENED,
	TK_ACKNOWLEDGED,
	TK_NOTE,
	TK_CUSTOMER_REPLY,
	TK_WORKAROUND,
	TK_RESOLVED,
	TK_CLOSED,
	TK_REOPENED,
	TK_PENDING,
	TK_RESUMED,
	TK_SEVERITY,
	TK_ASSIGNED,
	TK_WORKLOG,
	TK_ALARM_REFIRED,
	TK_ALARM_CLEARED,
	TK_ACTION_COUNT
};

/*
 * One event of a ticket's life.  Strings are borrowed: the caller owns them
 * when it records an event, and the store owns them (valid only during the
 * callback) when it hands events out.  Fields an action does not have are
 * NULL or zero; tk_event_format() writes only the action's own fields.
 */
struct tk_event {
	int64_t id;		/* row id in the events table; 0 until stored */
	int64_t ticket;		/* 0 for TK_OPENED until stored */
	int64_t time;		/* seconds since the epoch, UTC */
	enum tk_action action;
	const char *by;		/* actor; stored for every action */
	const char *text;
	bool is_public;		/* note sent to the customer */
	const char *severity;	/* "critical" or "normal" */
	const char *to;		/* new owner of "assigned" */
	int64_t minutes;	/* worklog, > 0 */
	const char *fingerprint;
	/* Fields of "opened". */
	const char *customer;
	const char *deployment;
	const char *channel;	/* "alarm", "email", "phone" or "portal" */
	const char *summary;
};

/* Current state of a ticket, derived from its events. Strings are owned
 * (free with tk_ticket_free) when filled by tk_ticket_get(), borrowed during
 * a tk_tickets_each() callback. */
struct tk_ticket {
	int64_t id;
	const char *customer;
	const char *deployment;	/* NULL when none */
	const char *severity;
	const char *channel;
	const char *summary;
	const char *fingerprint; /* NULL when none */
	const char *assignee;	/* NULL until assigned */
	/* "new", "acknowledged", "workaround", "resolved", "closed" or
	 * "reopened"; see ovticket(1) for the lifecycle. */
	const char *state;
	bool pending;		/* waiting on the customer */
	bool acknowledged;	/* acknowledged since it was (re)opened */
	int64_t opened;		/* time of "opened" */
	int64_t updated;	/* time of the latest event */
	int64_t resolved;	/* time of the last "resolved", or TK_NO_TIME */
	int64_t closed;		/* time of the last "closed", or TK_NO_TIME */
	int64_t worklog_minutes;
	int64_t events;		/* number of events */
};

/* Selection for tk_events_each() and tk_tickets_each(); zero it, then set
 * what you need (times to TK_NO_TIME for no bound).  tk_filter_init() does
 * both defaults. */
struct tk_filter {
	int64_t ticket;		/* one ticket, or 0 for all */
	const char *customer;	/* NULL for all */
	int64_t since;		/* events (or tickets updated) at or after */
	int64_t until;		/* events (or tickets updated) before */
	/* Tickets only: */
	bool open_only;		/* not resolved and not closed */
	const char *severity;
	const char *channel;
};

struct tk_store;

/* Flags of tk_store_open(). */
#define TK_OPEN_CREATE 1	/* create the database file when missing */
/* Never write; a database that needs a migration is then an error. */
#define TK_OPEN_READONLY 2

/*
 * The database path: the --db option given to the program (tk_db_option,
 * set by main and by commands that accept --db), else the OV_DB environment
 * variable.  Exits with a usage error (status 2) when there is neither.
 */
extern const char *tk_db_option;
const char *tk_db_path(void);

/*
 * Opens the database (a path, or a SQLite "file:" URI such as
 * "file:tickets.db?mode=ro"), sets WAL mode, the busy timeout and foreign
 * keys, and migrates an older schema.  A missing file without
 * TK_OPEN_CREATE, or a schema newer than TK_SCHEMA_VERSION, exits 3.
 */
struct tk_store *tk_store_open(const char *path, int flags);

/* Opens tk_db_path() with the given flags. */
struct tk_store *tk_store_open_default(int flags);

/* Closes the store; an open transaction is rolled back. */
void tk_store_close(struct tk_store *st);

/* Path of the database as given, for messages. */
const char *tk_store_path(const struct tk_store *st);

/*
 * Starts a write transaction, taking the write lock at once (BEGIN
 * IMMEDIATE) so that concurrent writers wait for each other up to the busy
 * timeout instead of failing half-way.
 */
void tk_begin(struct tk_store *st);
void tk_commit(struct tk_store *st);
void tk_rollback(struct tk_store *st);

/* Results of tk_apply(). */
enum tk_result {
	TK_RECORDED = 0,	/* stored; ev->id and ev->ticket are set */
	TK_DUPLICATE = 1,	/* the alarm key was already recorded */
	TK_REJECTED = 2,	/* lifecycle or value check failed: see err */
};

/* Flags of tk_apply(). */
#define TK_APPLY_FORCE 1	/* skip the lifecycle checks (import) */

/*
 * Records one event inside the caller's transaction: checks the values and
 * the lifecycle against the ticket's current state (unless TK_APPLY_FORCE),
 * appends the event, and updates the ticket's state.  For TK_OPENED a new
 * ticket is created, with ev->ticket as its id when it is not 0 (import).
 * alarm_key, when not NULL, is the event's idempotence key (see
 * tk_alarm_key()); a key already stored gives TK_DUPLICATE and changes
 * nothing.  On TK_REJECTED, err contains a message for the user.
 */
enum tk_result tk_apply(struct tk_store *st, struct tk_event *ev,
    const char *alarm_key, int flags, char *err, size_t errsize);

/*
 * Returns how many stored events have the same record as ev: the same
 * ticket, second, action and fields.  Two such events could not be
 * distinguished in an export.
 */
int tk_event_copies(struct tk_store *st, const struct tk_event *ev);

/* Writes the idempotence key of an alarm transition ("fingerprint|time|
 * state") into buf. */
void tk_alarm_key(char *buf, size_t size, const char *fingerprint,
    int64_t time, const char *state);

/*
 * Fills t with ticket id's current state.  Returns true, or false when there
 * is no such ticket.  Free the strings with tk_ticket_free().
 */
bool tk_ticket_get(struct tk_store *st, int64_t id, struct tk_ticket *t);
void tk_ticket_free(struct tk_ticket *t);

/*
 * Finds the ticket that alarm events with this fingerprint belong to: the
 * open one, else the most recently opened one.  Returns its id, or 0.
 */
int64_t tk_ticket_by_fingerprint(struct tk_store *st, const char *fingerprint,
    bool *is_open);

/* Callbacks return 0 to go on, anything else to stop the iteration (the
 * value is then returned by the iterator). */
typedef int (*tk_event_fn)(const struct tk_event *ev, void *ctx);
typedef int (*tk_ticket_fn)(const struct tk_ticket *t, void *ctx);

void tk_filter_init(struct tk_filter *f);

/*
 * Calls fn for every event matching f, in time order (ties in the order they
 * were recorded): the export, and each ticket's activity.  Uses ticket,
 * customer, since and until of the filter.
 */
int tk_events_each(struct tk_store *st, const struct tk_filter *f,
    tk_event_fn fn, void *ctx);

/* Calls fn for every ticket matching f, by ticket id.  Uses every field of
 * the filter; since/until apply to the ticket's latest event. */
int tk_tickets_each(struct tk_store *st, const struct tk_filter *f,
    tk_ticket_fn fn, void *ctx);

/* Name of an action in records ("opened", "customer_reply"…). */
const char *tk_action_name(enum tk_action a);

/* Parses an action name; returns 0, or -1 when unknown. */
int tk_action_parse(const char *name, enum tk_action *out);

/*
 * Formats ev as one DESIGN ticket record line ending in "\n": kind, time,
 * ticket, action, then the action's fields in the order of the action
 * table.  Replaces the buffer's content.
 */
void tk_event_format(const struct tk_event *ev, struct ov_buf *b);

/* Check a value of an event: a severity, a channel, a free text (valid
 * UTF-8, no control characters but tab and newline, at most max bytes).
 * Each returns true when valid; tk_valid_text() puts the reason in err. */
bool tk_valid_severity(const char *s);
bool tk_valid_channel(const char *s);
bool tk_valid_text(const char *s, size_t max, char *err, size_t errsize);

/*
 * The outbox: notifications to send, added by the code that records an
 * event (or by notify from its input) and sent by `ovticket notify`.  An
 * entry is claimed by one sender for a lease, then marked sent, or failed
 * with an exponential backoff before the next attempt.
 */
struct tk_outbox_entry {
	int64_t id;
	int64_t created;
	int64_t ticket;
	int64_t event;		/* events.id, or 0 */
	char *route;		/* where to send it, as the sender names it */
	char *payload;
	int64_t attempts;	/* failed attempts so far */
	char *last_error;	/* NULL when none */
};

/*
 * Adds a notification inside the caller's transaction (or its own when none
 * is open).  One entry per (event, route) for a ticket event, and one per
 * (key, route) for a notice with no event (an SLA state, keyed by ticket,
 * target, state and met_at): adding it again changes nothing.  Returns true
 * when added, false when it was already there.
 */
bool tk_outbox_enqueue(struct tk_store *st, int64_t now, int64_t ticket,
    int64_t event, const char *key, const char *route, const char *payload);

/*
 * Claims up to limit entries that are unsent, due (next_attempt <= now) and
 * not claimed by another sender within lease seconds, oldest first, for
 * claimer.  Returns the number claimed; *entries is an array to free with
 * tk_outbox_free().
 */
size_t tk_outbox_claim(struct tk_store *st, int64_t now, const char *claimer,
    int64_t lease, size_t limit, struct tk_outbox_entry **entries);

/* Marks an entry sent at now. */
void tk_outbox_sent(struct tk_store *st, int64_t id, int64_t now);

/*
 * Marks an attempt failed: counts it, keeps the error, releases the claim
 * and sets the next attempt to now + 60 s × 2^(attempts − 1), at most 6 h.
 * Returns the instant of the next attempt.
 */
int64_t tk_outbox_failed(struct tk_store *st, int64_t id, int64_t now,
    const char *error);

/* Counts unsent entries (due or not). */
int64_t tk_outbox_unsent(struct tk_store *st);

void tk_outbox_free(struct tk_outbox_entry *entries, size_t count);

#endif
