/*
 * "ovsla report": the targets of the tickets opened in one month (local
 * time of the calendar's zone), per customer and as of --now.  It counts
 * the targets met, breached and still running, and computes the
 * compliance percentage and the median and 90th percentile of the
 * reaction time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "json.h"
#include "ovsla.h"
#include "table.h"

struct customer_stats {
	char *customer;
	char plan[32];
	long tickets, met, breached, running;
	int64_t *reactions;	/* reaction elapsed seconds, when reacted */
	size_t nreactions, cap;
};

struct month_report {
	int year, month;
	int64_t now;
	char period[8];
	const char *plan_name;	/* --plan, or NULL */
	struct customer_stats *items;
	size_t count, cap;
	size_t nfile;		/* items[0..nfile) are the customers file's,
				   sorted by name */
	size_t *slot;		/* by customer name index: item + 1, or 0 */
	size_t nslot;
};

static void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (q == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return q;
}

static int cmp_customers(const void *a, const void *b);

static struct customer_stats *
add_customer(struct month_report *r, const char *name, const char *plan)
{
	struct customer_stats *c;

	if (r->count == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->items = xrealloc(r->items, r->cap * sizeof *r->items);
	}
	c = &r->items[r->count++];
	memset(c, 0, sizeof *c);
	c->customer = strdup(name);
	if (c->customer == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	snprintf(c->plan, sizeof c->plan, "%s", plan);
	return c;
}

/* Starts a report with every customer of the file, so that customers
 * without tickets are listed too. */
struct month_report *
report_new(int year, int month, int64_t now,
    const struct ov_customers *customers, const char *plan_name)
{
	struct month_report *r = calloc(1, sizeof *r);

	if (r == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	r->year = year;
	r->month = month;
	r->now = now;
	r->plan_name = plan_name;
	snprintf(r->period, sizeof r->period, "%04d-%02d", year, month);
	for (size_t i = 0; customers != NULL && i < customers->count; i++)
		add_customer(r, customers->items[i].id, plan_name ? plan_name :
		    customers->items[i].plan);
	r->nfile = r->count;
	if (r->count > 0)
		qsort(r->items, r->count, sizeof *r->items, cmp_customers);
	return r;
}

/* Finds the slot of a ticket's customer: by its name index once seen, else
 * among the customers file's, else a new one. */
static struct customer_stats *
find_customer(struct month_report *r, const struct ticket_sla *t)
{
	struct customer_stats key = { .customer = (char *)t->customer };
	struct customer_stats *found = NULL;
	size_t k = t->customer_index;

	if (k >= r->nslot) {
		size_t n = k * 2 + 64;

		r->slot = xrealloc(r->slot, n * sizeof *r->slot);
		memset(r->slot + r->nslot, 0, (n - r->nslot) * sizeof *r->slot);
		r->nslot = n;
	}
	if (r->slot[k] != 0)
		return &r->items[r->slot[k] - 1];
	if (r->nfile > 0)
		found = bsearch(&key, r->items, r->nfile, sizeof *r->items,
		    cmp_customers);
	if (found == NULL)
		found = add_customer(r, t->customer, t->plan->name);
	r->slot[k] = (size_t)(found - r->items) + 1;
	return found;
}

void
report_add(struct month_report *r, const struct ticket_sla *t)
{
	struct customer_stats *c;
	int y, m, d;

	ov_civil_from_days(ov_local_date(t->opened), &y, &m, &d);
	if (y != r->year || m != r->month)
		return;
	c = find_customer(r, t);
	c->tickets++;
	for (int i = 0; i < t->ntargets; i++) {
		const struct target_result *res = &t->targets[i];

		if (res->state == ST_MET)
			c->met++;
		else if (res->state == ST_BREACHED)
			c->breached++;
		else
			c->running++;
		if (res->target != OV_REACTION || res->met_at < 0)
			continue;
		if (c->nreactions == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			c->reactions = xrealloc(c->reactions, c->cap *
			    sizeof *c->reactions);
		}
		c->reactions[c->nreactions++] = res->elapsed;
	}
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_customers(const void *a, const void *b)
{
	return strcmp(((const struct customer_stats *)a)->customer,
	    ((const struct customer_stats *)b)->customer);
}

/* Nearest-rank percentile of sorted values: the smallest value with at
 * least p percent of the values at or below it. */
static int64_t
percentile(const int64_t *v, size_t n, int p)
{
	size_t rank = ((size_t)p * n + 99) / 100;

	return v[rank > 0 ? rank - 1 : 0];
}

/* The figures of one customer as text cells; "" when there is no value. */
struct figures {
	char tickets[24], met[24], breached[24], running[24];
	char compliance[32], median[24], p90[24];
};

static void
compute_figures(struct customer_stats *c, struct figures *f)
{
	long judged = c->met + c->breached;

	snprintf(f->tickets, sizeof f->tickets, "%ld", c->tickets);
	snprintf(f->met, sizeof f->met, "%ld", c->met);
	snprintf(f->breached, sizeof f->breached, "%ld", c->breached);
	snprintf(f->running, sizeof f->running, "%ld", c->running);
	f->compliance[0] = f->median[0] = f->p90[0] = '\0';
	if (judged > 0) {
		/* Tenths of a percent, rounded half up, in integers. */
		long tenths = (c->met * 1000 + judged / 2) / judged;

		snprintf(f->compliance, sizeof f->compliance, "%ld.%ld",
		    tenths / 10, tenths % 10);
	}
	if (c->nreactions > 0) {
		qsort(c->reactions, c->nreactions, sizeof *c->reactions,
		    cmp_int64);
		snprintf(f->median, sizeof f->median, "%lld", (long long)
		    percentile(c->reactions, c->nreactions, 50));
		snprintf(f->p90, sizeof f->p90, "%lld", (long long)
		    percentile(c->reactions, c->nreactions, 90));
	}
}

static void
add_number_or_null(struct ov_buf *b, const char *key, const char *text)
{
	if (text[0] == '\0')
		ov_rec_null(b, key);
	else
		ov_rec_raw(b, key, text, strlen(text));
}

static void
write_record(const struct month_report *r, const struct customer_stats *c,
    const struct figures *f, struct ov_buf *b)
{
	ov_rec_begin(b, "sla_report");
	ov_rec_time(b, "time", r->now);
	ov_rec_str(b, "period", r->period);
	ov_rec_str(b, "customer", c->customer);
	ov_rec_str(b, "plan", c->plan);
	ov_rec_int(b, "tickets", c->tickets);
	ov_rec_int(b, "targets_met", c->met);
	ov_rec_int(b, "targets_breached", c->breached);
	ov_rec_int(b, "targets_running", c->running);
	add_number_or_null(b, "compliance_percent", f->compliance);
	add_number_or_null(b, "reaction_median_seconds", f->median);
	add_number_or_null(b, "reaction_p90_seconds", f->p90);
	ov_rec_end(b);
}

static const char *const csv_header =
	"period,customer,plan,tickets,targets_met,targets_breached,"
	"targets_running,compliance_percent,reaction_median_seconds,"
	"reaction_p90_seconds\n";

static const char *const titles[] = {
	"PERIOD", "CUSTOMER", "PLAN", ">TICKETS", ">MET", ">BREACHED",
	">RUNNING", ">COMPLIANCE %", ">REACTION MEDIAN", ">REACTION P90",
	NULL,
};

/* Customer and plan names are identifiers (letters, digits, . _ - @), so
 * no CSV field needs quoting. */
static void
write_row(const struct month_report *r, const struct customer_stats *c,
    const struct figures *f, bool csv, struct ov_table *table,
    struct ov_buf *b)
{
	const char *cells[] = { r->period, c->customer, c->plan, f->tickets,
		f->met, f->breached, f->running, f->compliance, f->median,
		f->p90, NULL };

	if (table != NULL) {
		/* People read the reaction times as hours and minutes. */
		char median[32] = "", p90[32] = "";

		if (f->median[0] != '\0')
			format_hours(strtoll(f->median, NULL, 10), median,
			    sizeof median);
		if (f->p90[0] != '\0')
			format_hours(strtoll(f->p90, NULL, 10), p90,
			    sizeof p90);
		cells[8] = median;
		cells[9] = p90;
		ov_table_add(table, cells);
		return;
	}
	if (!csv) {
		write_record(r, c, f, b);
	} else {
		for (int i = 0; cells[i] != NULL; i++)
			ov_buf_printf(b, "%s%s", i ? "," : "", cells[i]);
		ov_buf_addc(b, '\n');
	}
	ov_out_write(b);
}

void
report_write(struct month_report *r, bool csv, bool table)
{
	struct ov_table *t = table && !csv ? ov_table_new(titles) : NULL;
	struct ov_buf b = { 0 };
	struct figures f;

	if (r->count > 0)
		qsort(r->items, r->count, sizeof *r->items, cmp_customers);
	if (csv) {
		ov_buf_adds(&b, csv_header);
		ov_out_write(&b);
	}
	for (size_t i = 0; i < r->count; i++) {
		compute_figures(&r->items[i], &f);
		write_row(r, &r->items[i], &f, csv, t, &b);
		free(r->items[i].customer);
		free(r->items[i].reactions);
	}
	if (t != NULL)
		ov_table_print(t, stdout);
	ov_out_write(&b);
	ov_buf_free(&b);
	free(r->items);
	free(r->slot);
	free(r);
}
