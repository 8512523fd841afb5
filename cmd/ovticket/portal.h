/*
 * The portal's model: every ticket with its events, the latest SLA state of
 * each of its targets, and the customers; built from records, then rendered
 * as static pages.
 */
#ifndef OVTICKET_PORTAL_H
#define OVTICKET_PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* One ticket event as the portal shows it. */
struct portal_event {
	int64_t time;
	size_t seq;
	char *action;
	char *by;		/* "" when absent */
	char *detail;		/* text, new severity, owner or minutes */
	bool private_note;	/* a note without "public": true */
};

/* Latest state of one SLA target of a ticket, from an sla record. */
struct portal_sla {
	int64_t time;
	char state[16];		/* running, paused, at_risk, met or breached */
	int64_t due;
};

struct portal_ticket {
	int64_t id;
	char *customer;		/* NULL until the opened event is seen */
	char *severity;
	char *channel;
	char *summary;
	char *deployment;
	char *state;		/* as `ovticket list` shows it: new, ...,
				   or pending */
	char *base_state;	/* the state without the pending flag */
	bool pending;		/* waiting on the customer */
	int64_t opened;
	size_t nevents, capevents;
	struct portal_event *events;
	struct portal_sla sla[3];	/* reaction, workaround, resolution */
};

struct portal_customer {
	char *id;
	char *name;
};

/*
 * One deployment in one month, from a report record of "ovalarm report".
 * The has_ flags are false where the record has null (nothing sampled):
 * the charts show a gap there, never a zero.
 */
struct portal_report {
	char *customer;		/* "" when the record has none */
	char *deployment;
	int month;		/* year * 12 + month - 1 */
	size_t seq;		/* input order, so a later duplicate wins */
	bool has_availability;
	double availability;	/* percent */
	int64_t minutes_up, minutes_down, minutes_unknown;
	bool has_cpu;
	double cpu_max;		/* largest node.cpu_load of any media node */
	char *cpu_node;
	bool has_connections;
	int64_t connections;	/* peak_connections, else peak_participants */
	int64_t connections_at;
	bool has_cores;
	int64_t core_minutes;
	int64_t alarms_fired;
};

struct portal {
	size_t ntickets, captickets;
	struct portal_ticket *tickets;
	size_t *slots;		/* hash of ticket ids: index + 1, 0 if free */
	size_t nslots;
	size_t ncustomers, capcustomers;
	struct portal_customer *customers;
	bool have_sla;
	int64_t now;
	size_t nreports, capreports;
	struct portal_report *reports;	/* sorted by portal_finish() */
	bool have_reports;	/* --reports was given, even if empty */
};

struct ov_record;

struct tk_event;

/* Adds one event of the store to its ticket. */
void portal_add_event(struct portal *p, const struct tk_event *ev);

/* Adds one sla record; returns 0 or -1 with a reason. */
int portal_add_sla_record(struct portal *p, const cJSON *obj, char *err,
    size_t errsize);

/*
 * Adds one report record (its kind already checked).  Returns 0, or -1
 * after ov_reject() when a field is missing or invalid.
 */
int portal_add_report(struct portal *p, struct ov_record *rec,
    const cJSON *obj);

/* Sorts the reports by customer, deployment and month, and keeps only the
 * last one given for the same deployment and month. */
void portal_finish_reports(struct portal *p);

void portal_free_reports(struct portal *p);

/* Formats a report month as "2026-11" into buf (at least 16 bytes). */
void portal_month_format(int month, char *buf, size_t size);

/*
 * Writes evolution.html into dir: the monthly charts and the latest month's
 * figures of one customer's deployments, or of all when customer is NULL.
 * Returns 0, or -1 with errno set and the failing path in err.
 */
int portal_write_evolution(const struct portal *p, const char *dir,
    const char *customer, char *err, size_t errsize);

/* Adds a customer (from customers.csv or a ticket) unless known. */
void portal_add_customer(struct portal *p, const char *id, const char *name);

/* Sorts events by time and tickets by id, after loading. */
void portal_finish(struct portal *p);

/* Returns true when a ticket is neither resolved nor closed. */
bool portal_ticket_open(const struct portal_ticket *t);

/* Worst SLA state of a ticket's targets, "" when no sla record was seen. */
const char *portal_ticket_sla(const struct portal_ticket *t);

/*
 * Writes every page of the site into the folder dir, which exists and is
 * empty.  Returns 0, or -1 with errno set and the failing path in err.
 */
int portal_render(const struct portal *p, const char *dir, char *err,
    size_t errsize);

void portal_free(struct portal *p);

#endif
