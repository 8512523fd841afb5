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
	char *state;		/* last state-changing action */
	int64_t opened;
	size_t nevents, capevents;
	struct portal_event *events;
	struct portal_sla sla[3];	/* reaction, workaround, resolution */
};

struct portal_customer {
	char *id;
	char *name;
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
};

struct tk_event;

/* Adds one event of the store to its ticket. */
void portal_add_event(struct portal *p, const struct tk_event *ev);

/* Adds one sla record; returns 0 or -1 with a reason. */
int portal_add_sla_record(struct portal *p, const cJSON *obj, char *err,
    size_t errsize);

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
