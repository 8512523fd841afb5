/*
 * Ticket work of the month: worklog minutes per ticket, and the customer
 * of each ticket taken from its opened record, which may come before or
 * after its worklogs in the input.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ovbill.h"

struct worklog {
	int64_t time;
	int64_t minutes;
	char *by;
};

struct ticket {
	int64_t id;
	char *customer;		/* NULL until its opened record is read */
	size_t nlogs, cap;
	struct worklog *logs;
};

struct work {
	size_t count, cap;
	struct ticket *items;
	size_t *slots;		/* open addressing: 1 + index into items */
	size_t nslots;		/* a power of 2, at least 2 × cap */
};

struct work *
work_new(void)
{
	struct work *w = calloc(1, sizeof *w);

	if (w == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return w;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

static size_t
slot_of(const struct work *w, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (w->nslots - 1);
}

static void
slots_rebuild(struct work *w)
{
	free(w->slots);
	w->nslots = 2 * w->cap;
	w->slots = calloc(w->nslots, sizeof *w->slots);
	if (w->slots == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t i = 0; i < w->count; i++) {
		size_t k = slot_of(w, w->items[i].id);

		while (w->slots[k] != 0)
			k = (k + 1) & (w->nslots - 1);
		w->slots[k] = i + 1;
	}
}

/* Finds a ticket, adding it when new.  Every opened record of the export
 * adds one, so the lookup is hashed. */
static struct ticket *
ticket_get(struct work *w, int64_t id)
{
	size_t k;

	if (w->nslots > 0)
		for (k = slot_of(w, id); w->slots[k] != 0;
		    k = (k + 1) & (w->nslots - 1))
			if (w->items[w->slots[k] - 1].id == id)
				return &w->items[w->slots[k] - 1];
	if (w->count == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->items = realloc(w->items, w->cap * sizeof *w->items);
		if (w->items == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
		slots_rebuild(w);
	}
	memset(&w->items[w->count], 0, sizeof *w->items);
	w->items[w->count].id = id;
	for (k = slot_of(w, id); w->slots[k] != 0;
	    k = (k + 1) & (w->nslots - 1))
		;
	w->slots[k] = ++w->count;
	return &w->items[w->count - 1];
}

void
work_opened(struct work *w, int64_t ticket, const char *customer)
{
	struct ticket *tk = ticket_get(w, ticket);

	/* A replayed export repeats the opened record: the first one wins. */
	if (tk->customer == NULL)
		tk->customer = xstrdup(customer);
	else if (strcmp(tk->customer, customer) != 0)
		ov_warn("ticket %lld: opened again for customer '%s', but it "
		    "belongs to '%s'; its work is billed to '%s'",
		    (long long)ticket, customer, tk->customer, tk->customer);
}

void
work_log(struct work *w, int64_t ticket, int64_t t, int64_t minutes,
    const char *by)
{
	struct ticket *tk = ticket_get(w, ticket);

	/* The same entry read twice (a replayed export) counts once. */
	for (size_t i = 0; i < tk->nlogs; i++)
		if (tk->logs[i].time == t && tk->logs[i].minutes == minutes &&
		    strcmp(tk->logs[i].by, by) == 0)
			return;
	if (tk->nlogs == tk->cap) {
		tk->cap = tk->cap ? tk->cap * 2 : 8;
		tk->logs = realloc(tk->logs, tk->cap * sizeof *tk->logs);
		if (tk->logs == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	tk->logs[tk->nlogs].time = t;
	tk->logs[tk->nlogs].minutes = minutes;
	tk->logs[tk->nlogs].by = xstrdup(by);
	tk->nlogs++;
}

static int64_t
ticket_minutes(const struct ticket *tk, int64_t start, int64_t end)
{
	int64_t sum = 0;

	for (size_t i = 0; i < tk->nlogs; i++)
		if (tk->logs[i].time >= start && tk->logs[i].time < end)
			sum += tk->logs[i].minutes;
	return sum;
}

int64_t
work_minutes(const struct work *w, const char *customer, int64_t start,
    int64_t end)
{
	int64_t sum = 0;

	for (size_t i = 0; i < w->count; i++)
		if (w->items[i].customer != NULL &&
		    strcmp(w->items[i].customer, customer) == 0)
			sum += ticket_minutes(&w->items[i], start, end);
	return sum;
}

long
work_report_orphans(const struct work *w,
    const struct ov_customers *customers, int64_t start, int64_t end)
{
	long n = 0;

	for (size_t i = 0; i < w->count; i++) {
		const struct ticket *tk = &w->items[i];
		int64_t minutes = ticket_minutes(tk, start, end);

		if (minutes == 0)
			continue;
		if (tk->customer == NULL) {
			ov_error("ticket %lld: %lld worklog minutes but no "
			    "opened record names its customer; not billed "
			    "(include the ticket's whole export)",
			    (long long)tk->id, (long long)minutes);
			n++;
		} else if (customers != NULL &&
		    ov_customer_find(customers, tk->customer) == NULL) {
			ov_error("ticket %lld: %lld worklog minutes for "
			    "customer '%s', who is not in the customers file; "
			    "not billed", (long long)tk->id,
			    (long long)minutes, tk->customer);
			n++;
		}
	}
	return n;
}

void
work_free(struct work *w)
{
	for (size_t i = 0; i < w->count; i++) {
		for (size_t j = 0; j < w->items[i].nlogs; j++)
			free(w->items[i].logs[j].by);
		free(w->items[i].logs);
		free(w->items[i].customer);
	}
	free(w->items);
	free(w->slots);
	free(w);
}
