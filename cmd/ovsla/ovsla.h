/*
 * ovsla: the parts of the program and the data they share.
 *
 * events.c reads ticket records into a compact table of events, sorts it
 * by ticket and time and hands each ticket's events over in turn.  sla.c
 * runs the SLA clock of one ticket (its rules are in ovsla(1)).
 * output.c writes sla records or a table, check.c keeps the state file of
 * the check command, and report.c sums up a month per customer.
 */
#ifndef OVSLA_H
#define OVSLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "input.h"
#include "inventory.h"
#include "plans.h"

/* Ticket actions that matter to the SLA clock; the others are kept only
 * to be checked. */
enum action {
	ACT_OPENED,
	ACT_ACKNOWLEDGED,
	ACT_WORKAROUND,
	ACT_RESOLVED,
	ACT_CLOSED,
	ACT_REOPENED,
	ACT_PENDING,
	ACT_RESUMED,
	ACT_CUSTOMER_REPLY,
	ACT_SEVERITY,
	ACT_OTHER,		/* note, assigned, worklog, alarm_* */
};

/* One ticket event, as little as the clock needs. */
struct event {
	int64_t ticket;
	int64_t time;
	uint32_t seq;		/* input order, to keep ties stable */
	uint32_t customer;	/* customer name index, on opened */
	uint8_t action;		/* enum action */
	uint8_t severity;	/* enum ov_severity, on opened and severity */
};

/* All events read, and the customer names they refer to. */
struct event_table {
	struct event *items;
	size_t count, cap;
	char **names;		/* customer names by index */
	size_t nnames, names_cap;
	size_t *slots;		/* open-addressing index into names */
	size_t nslots;
	bool pass;		/* --pass: copy other kinds to the output */
};

/* SLA states, in the words of the sla record. */
enum state { ST_RUNNING, ST_PAUSED, ST_AT_RISK, ST_MET, ST_BREACHED };

/* The result of one target of one ticket. */
struct target_result {
	enum ov_target target;
	enum state state;
	int64_t duration;	/* the target, on the plan's clock */
	int64_t due;
	int64_t met_at;		/* -1 when not met */
	int64_t elapsed, remaining;
};

/* The SLA of one ticket as of an instant. */
struct ticket_sla {
	int64_t ticket;
	const char *customer;
	uint32_t customer_index;	/* in the event table's names */
	const struct ov_plan *plan;
	enum ov_severity severity;
	int64_t opened, started;
	int ntargets;
	struct target_result targets[3];
};

/* Plan sources and clock settings of a run. */
struct sla_config {
	const struct ov_plans *plans;
	const struct ov_customers *customers;	/* NULL with --plan */
	const struct ov_plan *plan;		/* --plan, or NULL */
	const struct ov_business_calendar *calendar;
	int64_t now;
	int warn_percent;
	bool used_business_clock;	/* set when a ticket needed it */
};

/* events.c */
void events_init(struct event_table *et);
int events_record(struct ov_record *rec, void *ctx);
/*
 * Reads a ticket record of the usual shape into ev without cJSON: returns 1
 * to keep the event, 0 for an action the clock ignores, and -1, leaving
 * the table as it was, when the line needs events_parse_slow().
 */
int events_parse_fast(const char *text, size_t len, struct event_table *et,
    struct event *ev);
/*
 * Reads any record: returns 1 or 0 as above, 2 for a record of another
 * kind, and -1 after ov_reject() when the record is invalid.  Gives the
 * same event as events_parse_fast() for the lines that one takes.
 */
int events_parse_slow(struct ov_record *rec, struct event_table *et,
    struct event *ev);
void events_sort(struct event_table *et);
void events_free(struct event_table *et);

/* Calls fn on each ticket's events in time order; returns the number of
 * calls that returned -1. */
typedef int (*ticket_fn)(const struct event *ev, size_t n,
    const struct event_table *et, void *ctx);
long events_each_ticket(const struct event_table *et, ticket_fn fn,
    void *ctx);

/* sla.c: computes one ticket's targets as of cfg->now.  Returns 1 when
 * there is something to report, 0 when the ticket is not open yet, -1
 * after an error message. */
int sla_compute(struct sla_config *cfg, const struct event *ev, size_t n,
    const struct event_table *et, struct ticket_sla *out);
const char *state_name(enum state s);
int state_parse(const char *s, enum state *out);

/* output.c */
struct sla_output;
struct sla_output *output_new(bool table);
void output_target(struct sla_output *o, const struct ticket_sla *t,
    const struct target_result *r, int64_t now);
void output_finish(struct sla_output *o);

/* check.c: the state file of "check". */
struct check_state;
struct check_state *check_open(const char *path);
/* Returns the state last reported for a target, or -1 when none. */
int check_previous(struct check_state *cs, int64_t ticket,
    enum ov_target target);
bool check_met_changed(struct check_state *cs, int64_t ticket,
    enum ov_target target, int64_t met_at);
void check_record(struct check_state *cs, int64_t ticket,
    enum ov_target target, enum state state, int64_t met_at);
/* The state table of "check --db" (checkdb.c), reached through these
 * functions so that check.c links without the database libraries. */
struct check_db;
typedef void (*check_db_fn)(void *ctx, int64_t ticket, const char *target,
    const char *state, int64_t met_at);
struct check_db_ops {
	void (*load)(struct check_db *db, check_db_fn fn, void *ctx);
	void (*save)(struct check_db *db, int64_t ticket, const char *target,
	    const char *state, int64_t met_at);
	void (*commit)(struct check_db *db);
	void (*close)(struct check_db *db);
};
/* Reads the state from an open state table instead of a file. */
struct check_state *check_open_store(const char *path, struct check_db *db,
    const struct check_db_ops *ops);
/* Writes the new state file atomically; returns 0 or -1 (reported). */
int check_commit(struct check_state *cs);
void check_close(struct check_state *cs);

/* checkdb.c: keeps the state in the table sla_check_state of a database
 * (a SQLite path or a PostgreSQL URI) instead of a file. */
struct check_state *check_open_db(const char *path);

/* report.c */
struct month_report;
struct month_report *report_new(int year, int month, int64_t now,
    const struct ov_customers *customers, const char *plan_name);
/* Counts a ticket when it was opened in the month (local time). */
void report_add(struct month_report *r, const struct ticket_sla *t);
void report_write(struct month_report *r, bool csv, bool table);

/* Formats seconds as hours and minutes for a table: "31h55m", "-3h51m"
 * (output.c). */
void format_hours(int64_t s, char *buf, size_t size);

#endif
