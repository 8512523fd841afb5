/*
 * From charged minutes to output: per-customer sums inside and outside
 * each contract, the invoices in customers.csv order, the reports of usage
 * that cannot be billed, and the per-day usage report.
 */
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "ovbill.h"

/* Sums of one series' charged minutes; lo and hi are the minute indexes
 * of the month where the contract starts and ends. */
struct tally {
	int64_t lo, hi;
	int64_t inside, outside;
};

static void
tally_minute(const struct series *s, int32_t i, uint32_t cores, void *ctx)
{
	struct tally *t = ctx;

	(void)s;
	if (i >= t->lo && i < t->hi)
		t->inside += cores;
	else
		t->outside += cores;
}

/* Minute index of instant t in the month, clamped to [0, minutes]. */
static int64_t
minute_index(const struct month *m, int64_t t)
{
	if (t <= m->start)
		return 0;
	if (t >= m->end)
		return m->minutes;
	return (t - m->start) / 60;
}

static void
report_unknown(const struct series *s, const struct month *m, int64_t cm)
{
	if (*series_customer(s) == '\0')
		ov_error("deployment %s: %lld core-minutes in %s have no "
		    "customer (no customer field, and the deployment is not "
		    "in --deployments); not billed", series_deployment(s),
		    (long long)cm, m->period);
	else
		ov_error("deployment %s: %lld core-minutes in %s belong to "
		    "customer '%s', who is not in the customers file; not "
		    "billed", series_deployment(s), (long long)cm, m->period,
		    series_customer(s));
}

/* Sums each customer's core-minutes; returns -1 when some usage has no
 * known customer. */
static int
sum_usage(const struct usage *u, const struct ov_customers *cs,
    struct customer_usage *cu)
{
	const struct month *m = &u->month;
	int rc = 0;

	for (size_t i = 0; i < u->nseries; i++) {
		const struct series *s = u->series[i];
		const char *id = series_customer(s);
		const struct ov_customer *c = *id != '\0' ?
		    ov_customer_find(cs, id) : NULL;
		struct tally t = { 0, 0, 0, 0 };
		int64_t from, to;

		if (c != NULL && contract_overlaps(c, m)) {
			contract_span(c, &from, &to);
			t.lo = minute_index(m, from);
			t.hi = minute_index(m, to);
		}
		usage_walk(u, s, tally_minute, &t);
		if (c == NULL) {
			if (t.outside > 0) {
				report_unknown(s, m, t.outside);
				rc = -1;
			}
			continue;
		}
		cu[c - cs->items].inside += t.inside;
		cu[c - cs->items].outside += t.outside;
	}
	return rc;
}

/* Bills one customer whose contract overlaps the month. */
static int
bill_customer(const struct ov_customer *c, const char *customers_path,
    const struct ov_plans *plans, const struct month *m,
    const struct customer_usage *cu, int64_t worked, struct output *out)
{
	const struct ov_plan *plan = ov_plan_find(plans, c->plan);
	struct invoice inv;
	int rc;

	if (plan == NULL) {
		ov_error("customer %s: plan '%s' of %s:%ld is not defined "
		    "in %s; not billed", c->id, c->plan, customers_path,
		    c->line,
		    plans->path[0] ? plans->path : "the built-in plans");
		return -1;
	}
	if (cu->outside > 0)
		ov_warn("customer %s: %lld core-minutes of %s outside the "
		    "contract; not billed", c->id, (long long)cu->outside,
		    m->period);
	rc = invoice_build(&inv, c, plan, m, cu, worked, customers_path);
	output_invoice(out, &inv, m->period);
	return rc;
}

int
bill(const struct usage *u, const struct work *w,
    const struct ov_customers *cs, const char *customers_path,
    const struct ov_plans *plans, enum format f)
{
	const struct month *m = &u->month;
	struct customer_usage *cu = calloc(cs->count + 1, sizeof *cu);
	struct output *out;
	int rc;

	if (cu == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	rc = sum_usage(u, cs, cu);
	out = output_new(f, false);
	for (size_t i = 0; i < cs->count; i++) {
		const struct ov_customer *c = &cs->items[i];
		int64_t worked = work_minutes(w, c->id, m->start, m->end);

		if (contract_overlaps(c, m)) {
			if (bill_customer(c, customers_path, plans, m, &cu[i],
			    worked, out) < 0)
				rc = -1;
			continue;
		}
		if (cu[i].outside > 0)
			ov_warn("customer %s: %lld core-minutes in %s, but "
			    "the contract does not cover the month; not "
			    "billed", c->id, (long long)cu[i].outside,
			    m->period);
		if (worked > 0) {
			ov_error("customer %s: %lld worklog minutes in %s, "
			    "but the contract does not cover the month; not "
			    "billed", c->id, (long long)worked, m->period);
			rc = -1;
		}
	}
	if (work_report_orphans(w, cs, m->start, m->end) > 0)
		rc = -1;
	output_finish(out);
	free(cu);
	return rc;
}

/* Charged minutes of one series, by local day of the month. */
struct daily {
	const struct month *month;
	int day;
	int64_t minutes[31], core_minutes[31];
	uint32_t max_cores[31];
};

static void
daily_minute(const struct series *s, int32_t i, uint32_t cores, void *ctx)
{
	struct daily *d = ctx;

	(void)s;
	while (i >= d->month->day_start[d->day + 1])
		d->day++;
	d->minutes[d->day]++;
	d->core_minutes[d->day] += cores;
	if (cores > d->max_cores[d->day])
		d->max_cores[d->day] = cores;
}

static int
compare_series(const void *a, const void *b)
{
	const struct series *x = *(const struct series *const *)a;
	const struct series *y = *(const struct series *const *)b;
	int c = strcmp(series_customer(x), series_customer(y));

	return c != 0 ? c : strcmp(series_deployment(x), series_deployment(y));
}

int
report_usage(struct usage *u, enum format f)
{
	struct output *out = output_new(f, true);
	char date[16];

	/* qsort() must not get the null list of an empty input. */
	if (u->nseries > 0)
		qsort(u->series, u->nseries, sizeof *u->series,
		    compare_series);
	for (size_t i = 0; i < u->nseries; i++) {
		const struct series *s = u->series[i];
		struct daily d;

		memset(&d, 0, sizeof d);
		d.month = &u->month;
		usage_walk(u, s, daily_minute, &d);
		for (int day = 0; day < u->month.ndays; day++) {
			if (d.minutes[day] == 0)
				continue;
			ov_date_format(u->month.first_day + day, date);
			output_usage(out, series_customer(s),
			    series_deployment(s), date, d.minutes[day],
			    d.core_minutes[day], d.max_cores[day]);
		}
	}
	output_finish(out);
	return 0;
}
