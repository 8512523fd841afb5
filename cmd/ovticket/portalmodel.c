/*
 * Loading of the portal's model from ticket and sla records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "portal.h"
#include "store.h"

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		abort();
	return p;
}

static char *
xstrdup(const char *s)
{
	char *copy = strdup(s != NULL ? s : "");

	if (copy == NULL)
		abort();
	return copy;
}

static void
replace(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static const char *
get_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
get_time(const cJSON *obj, const char *key, int64_t *t)
{
	const char *s = get_str(obj, key);
	char err[128];

	if (s == NULL)
		return -1;
	return ov_time_parse(s, strlen(s), t, err, sizeof err);
}

static size_t
hash_id(int64_t id, size_t nslots)
{
	return (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL) & (nslots - 1);
}

static void
rehash(struct portal *p)
{
	size_t n = p->nslots ? p->nslots * 2 : 1024;

	free(p->slots);
	p->slots = calloc(n, sizeof *p->slots);
	if (p->slots == NULL)
		abort();
	p->nslots = n;
	for (size_t i = 0; i < p->ntickets; i++) {
		size_t h = hash_id(p->tickets[i].id, n);

		while (p->slots[h] != 0)
			h = (h + 1) & (n - 1);
		p->slots[h] = i + 1;
	}
}

/* Finds the ticket with an id, creating it when new. */
static struct portal_ticket *
ticket_get(struct portal *p, int64_t id)
{
	struct portal_ticket *t;
	size_t h;

	if (p->ntickets * 2 >= p->nslots)
		rehash(p);
	h = hash_id(id, p->nslots);
	while (p->slots[h] != 0) {
		t = &p->tickets[p->slots[h] - 1];
		if (t->id == id)
			return t;
		h = (h + 1) & (p->nslots - 1);
	}
	if (p->ntickets == p->captickets) {
		p->captickets = p->captickets ? p->captickets * 2 : 64;
		p->tickets = xrealloc(p->tickets,
		    p->captickets * sizeof *p->tickets);
	}
	t = &p->tickets[p->ntickets++];
	memset(t, 0, sizeof *t);
	t->id = id;
	t->state = xstrdup("new");
	t->base_state = xstrdup("new");
	p->slots[h] = p->ntickets;
	return t;
}

/* The text shown for an event besides its action and author. */
static char *
event_detail(const struct tk_event *ev)
{
	char buf[64];

	switch (ev->action) {
	case TK_OPENED:
		return xstrdup(ev->summary);
	case TK_SEVERITY:
		return xstrdup(ev->severity);
	case TK_ASSIGNED:
		return xstrdup(ev->to);
	case TK_WORKLOG:
		snprintf(buf, sizeof buf, "%lld minutes",
		    (long long)ev->minutes);
		return xstrdup(buf);
	case TK_ALARM_REFIRED:
	case TK_ALARM_CLEARED:
		return xstrdup(ev->text != NULL ? ev->text : ev->fingerprint);
	default:
		return xstrdup(ev->text);
	}
}

/*
 * Follows a ticket's state through one action with the rules of the store
 * (apply.c), so that the portal names states as `ovticket list` does: new,
 * acknowledged, workaround, resolved, closed, reopened, and pending while
 * the team waits on the customer.
 */
static void
portal_apply_state(struct portal_ticket *t, enum tk_action a)
{
	bool open = strcmp(t->base_state, "resolved") != 0 &&
	    strcmp(t->base_state, "closed") != 0;

	switch (a) {
	case TK_OPENED:
		replace(&t->base_state, "new");
		t->pending = false;
		break;
	case TK_ACKNOWLEDGED:
		if (strcmp(t->base_state, "new") == 0 ||
		    strcmp(t->base_state, "reopened") == 0)
			replace(&t->base_state, "acknowledged");
		break;
	case TK_WORKAROUND:
		if (open)
			replace(&t->base_state, "workaround");
		break;
	case TK_RESOLVED:
	case TK_CLOSED:
	case TK_REOPENED:
		replace(&t->base_state, a == TK_RESOLVED ? "resolved" :
		    a == TK_CLOSED ? "closed" : "reopened");
		t->pending = false;
		break;
	case TK_PENDING:
		t->pending = true;
		break;
	case TK_RESUMED:
	case TK_CUSTOMER_REPLY:
		t->pending = false;
		break;
	default:
		return;
	}
	replace(&t->state, t->pending ? "pending" : t->base_state);
}

static void
apply_opened(struct portal *p, struct portal_ticket *t,
    const struct tk_event *ev)
{
	replace(&t->customer, ev->customer);
	replace(&t->channel, ev->channel);
	replace(&t->summary, ev->summary);
	replace(&t->deployment, ev->deployment);
	if (t->severity == NULL)
		t->severity = xstrdup(ev->severity);
	t->opened = ev->time;
	portal_add_customer(p, t->customer, NULL);
}

void
portal_add_event(struct portal *p, const struct tk_event *ev)
{
	struct portal_ticket *t = ticket_get(p, ev->ticket);
	const char *action = tk_action_name(ev->action);
	struct portal_event *e;

	if (ev->action == TK_OPENED)
		apply_opened(p, t, ev);
	else if (ev->action == TK_SEVERITY)
		replace(&t->severity, ev->severity);
	portal_apply_state(t, ev->action);
	if (t->nevents == t->capevents) {
		t->capevents = t->capevents ? t->capevents * 2 : 8;
		t->events = xrealloc(t->events, t->capevents *
		    sizeof *t->events);
	}
	e = &t->events[t->nevents++];
	e->time = ev->time;
	/* The sequence keeps the recording order within one second. */
	e->seq = t->nevents - 1;
	e->action = xstrdup(action);
	e->by = xstrdup(ev->by);
	e->detail = event_detail(ev);
	e->private_note = ev->action == TK_NOTE && !ev->is_public;
}

int
portal_add_sla_record(struct portal *p, const cJSON *obj, char *err,
    size_t errsize)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "ticket");
	const char *target = get_str(obj, "target");
	const char *state = get_str(obj, "state");
	static const char *const targets[] = { "reaction", "workaround",
		"resolution" };
	struct portal_sla *s;
	int64_t time;
	int i;

	if (!cJSON_IsNumber(id) || target == NULL || state == NULL ||
	    strlen(state) >= sizeof s->state ||
	    get_time(obj, "time", &time) < 0) {
		snprintf(err, errsize, "sla: missing or invalid ticket, "
		    "target, state or time");
		return -1;
	}
	for (i = 0; i < 3 && strcmp(target, targets[i]) != 0; i++)
		;
	if (i == 3) {
		snprintf(err, errsize, "sla: unknown target '%s'", target);
		return -1;
	}
	s = &ticket_get(p, (int64_t)id->valuedouble)->sla[i];
	if (s->state[0] != '\0' && s->time > time)
		return 0;	/* an older evaluation */
	s->time = time;
	snprintf(s->state, sizeof s->state, "%s", state);
	if (get_time(obj, "due", &s->due) < 0)
		s->due = 0;
	p->have_sla = true;
	return 0;
}

void
portal_add_customer(struct portal *p, const char *id, const char *name)
{
	for (size_t i = 0; i < p->ncustomers; i++) {
		if (strcmp(p->customers[i].id, id) == 0) {
			if (name != NULL)
				replace(&p->customers[i].name, name);
			return;
		}
	}
	if (p->ncustomers == p->capcustomers) {
		p->capcustomers = p->capcustomers ? p->capcustomers * 2 : 16;
		p->customers = xrealloc(p->customers, p->capcustomers *
		    sizeof *p->customers);
	}
	p->customers[p->ncustomers].id = xstrdup(id);
	p->customers[p->ncustomers].name = xstrdup(name != NULL ? name : id);
	p->ncustomers++;
}

static int
compare_events(const void *a, const void *b)
{
	const struct portal_event *x = a, *y = b;

	if (x->time != y->time)
		return (x->time > y->time) - (x->time < y->time);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
compare_tickets(const void *a, const void *b)
{
	const struct portal_ticket *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int
compare_customers(const void *a, const void *b)
{
	const struct portal_customer *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static void
ticket_free(struct portal_ticket *t)
{
	for (size_t k = 0; k < t->nevents; k++) {
		free(t->events[k].action);
		free(t->events[k].by);
		free(t->events[k].detail);
	}
	free(t->events);
	free(t->customer);
	free(t->severity);
	free(t->channel);
	free(t->summary);
	free(t->deployment);
	free(t->state);
	free(t->base_state);
}

/* Drops the tickets known only from SLA records: not in the database, or
 * opened after --now. */
static void
drop_unopened(struct portal *p)
{
	size_t kept = 0;

	for (size_t i = 0; i < p->ntickets; i++) {
		if (p->tickets[i].customer != NULL) {
			p->tickets[kept++] = p->tickets[i];
			continue;
		}
		ov_warn("sla: ticket %lld is not in the database or was "
		    "opened after --now; its SLA records are ignored",
		    (long long)p->tickets[i].id);
		ticket_free(&p->tickets[i]);
	}
	p->ntickets = kept;
}

void
portal_finish(struct portal *p)
{
	drop_unopened(p);
	for (size_t i = 0; i < p->ntickets; i++)
		qsort(p->tickets[i].events, p->tickets[i].nevents,
		    sizeof *p->tickets[i].events, compare_events);
	qsort(p->tickets, p->ntickets, sizeof *p->tickets, compare_tickets);
	portal_finish_reports(p);
	/* A customer with reports but no ticket still gets its tree. */
	for (size_t i = 0; i < p->nreports; i++)
		if (p->reports[i].customer[0] != '\0' && (i == 0 ||
		    strcmp(p->reports[i].customer,
		    p->reports[i - 1].customer) != 0))
			portal_add_customer(p, p->reports[i].customer, NULL);
	qsort(p->customers, p->ncustomers, sizeof *p->customers,
	    compare_customers);
	free(p->slots);
	p->slots = NULL;
	p->nslots = 0;
}

bool
portal_ticket_open(const struct portal_ticket *t)
{
	return strcmp(t->state, "resolved") != 0 &&
	    strcmp(t->state, "closed") != 0;
}

const char *
portal_ticket_sla(const struct portal_ticket *t)
{
	static const char *const order[] = { "breached", "at_risk",
		"running", "paused", "met" };

	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		for (int k = 0; k < 3; k++)
			if (strcmp(t->sla[k].state, order[i]) == 0)
				return order[i];
	return "";
}

void
portal_free(struct portal *p)
{
	for (size_t i = 0; i < p->ntickets; i++)
		ticket_free(&p->tickets[i]);
	for (size_t i = 0; i < p->ncustomers; i++) {
		free(p->customers[i].id);
		free(p->customers[i].name);
	}
	free(p->tickets);
	free(p->customers);
	free(p->slots);
	portal_free_reports(p);
	memset(p, 0, sizeof *p);
}
