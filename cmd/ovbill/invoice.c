/*
 * Invoice arithmetic.  Every amount is an exact rational number of cents
 * computed in integers and rounded once, half up, when its line is made.
 * The total is the sum of the rounded lines.
 */
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "ovbill.h"

/* Length of the minimum contract, in calendar months. */
#define MINIMUM_MONTHS 6

void
contract_span(const struct ov_customer *c, int64_t *from, int64_t *to)
{
	*from = ov_local_midnight(c->contract_start);
	*to = c->contract_end == OV_NO_DATE ? INT64_MAX :
	    ov_local_midnight(c->contract_end + 1);
}

bool
contract_overlaps(const struct ov_customer *c, const struct month *m)
{
	int64_t last = m->first_day + m->ndays - 1;

	return c->contract_start <= last && (c->contract_end == OV_NO_DATE ||
	    c->contract_end >= m->first_day);
}

/* Minutes of [from, to) inside the month. */
static int64_t
minutes_inside(const struct month *m, int64_t from, int64_t to)
{
	int64_t lo = from > m->start ? from : m->start;
	int64_t hi = to < m->end ? to : m->end;

	return hi > lo ? (hi - lo) / 60 : 0;
}

/*
 * The day that ends the minimum contract: the contract_start day number
 * MINIMUM_MONTHS months later, or the last day of that month when it is
 * shorter (6 months from August 31 end on February 28).
 */
static int64_t
minimum_end_day(int64_t start)
{
	int y, mo, d, days;

	ov_civil_from_days(start, &y, &mo, &d);
	mo += MINIMUM_MONTHS;
	y += (mo - 1) / 12;
	mo = (mo - 1) % 12 + 1;
	days = ov_month_days(y, mo);
	return ov_days_from_civil(y, mo, d < days ? d : days);
}

static __int128
gcd128(__int128 a, __int128 b)
{
	while (b != 0) {
		__int128 r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/*
 * Cents of the minimum fee for the instants [from, to), prorated month by
 * month by the share of each month's minutes, and rounded once.
 */
static int64_t
prorated_minimum(int64_t minimum_cents, int64_t from, int64_t to)
{
	__int128 num = 0, den = 1;
	int64_t day = ov_local_date(from);
	int y, mo, d;

	ov_civil_from_days(day, &y, &mo, &d);
	for (;;) {
		struct month m;
		int64_t inside;

		if (month_init(&m, y, mo) < 0 || m.start >= to)
			break;
		inside = minutes_inside(&m, from, to);
		if (inside > 0) {
			/* num/den += minimum × inside / minutes */
			__int128 n = (__int128)minimum_cents * inside;
			__int128 g;

			num = num * m.minutes + n * den;
			den = den * m.minutes;
			g = gcd128(num, den);
			if (g > 1) {
				num /= g;
				den /= g;
			}
		}
		if (++mo > 12) {
			mo = 1;
			y++;
		}
	}
	return ov_round_half_up(num, den);
}

static struct line *
add_line(struct invoice *inv, const char *item, const char *unit,
    int64_t cents)
{
	struct line *l = &inv->lines[inv->nlines++];

	memset(l, 0, sizeof *l);
	l->item = item;
	l->unit = unit;
	l->cents = cents;
	snprintf(l->quantity, sizeof l->quantity, "1");
	ov_cents_format(cents, l->unit_price);
	return l;
}

/* Writes minutes as hours, exactly when they are a whole number of
 * hundredths of an hour, else rounded half up to 4 decimals. */
static void
format_hours(int64_t minutes, char *buf, size_t size)
{
	/* Ten-thousandths of an hour. */
	int64_t h10k = ov_round_half_up((__int128)minutes * 10000, 60);
	long long whole = (long long)(h10k / 10000);
	long long fraction = (long long)(h10k % 10000);

	if (fraction == 0)
		snprintf(buf, size, "%lld", whole);
	else if (fraction % 100 == 0)
		snprintf(buf, size, "%lld.%02lld", whole, fraction / 100);
	else
		snprintf(buf, size, "%lld.%04lld", whole, fraction);
}

static int
extra_hours(struct invoice *inv, const struct ov_customer *c,
    const struct ov_plan *plan, const struct month *m, int64_t worked,
    const char *customers_path)
{
	int64_t extra = worked - plan->included_minutes, cents;
	struct line *l;
	char h[32];

	if (extra <= 0)
		return 0;
	format_hours(extra, h, sizeof h);
	if (!c->has_hour_rate) {
		ov_error("customer %s: %s hours of work beyond the %lld "
		    "included in %s, but %s:%ld has no hour_rate; set it "
		    "and run again to bill them", c->id, h,
		    (long long)(plan->included_minutes / 60), m->period,
		    customers_path, c->line);
		return -1;
	}
	if (ov_decimal_share_cents(c->hour_rate, extra, 60, &cents) < 0) {
		ov_error("customer %s: extra hours amount too large",
		    c->id);
		return -1;
	}
	l = add_line(inv, "extra_hours", "hour", cents);
	snprintf(l->quantity, sizeof l->quantity, "%s", h);
	ov_decimal_format(c->hour_rate, l->unit_price);
	return 0;
}

/* Adds core_minutes and, when usage stays below the prorated minimum,
 * minimum_fee. */
static int
usage_lines(struct invoice *inv, const struct ov_customer *c,
    const struct ov_plan *plan, const struct month *m,
    const struct customer_usage *cu)
{
	int64_t from, to, cents, minimum;
	struct line *l;

	if (ov_decimal_share_cents(plan->price, cu->inside, 1, &cents) < 0) {
		ov_error("customer %s: core-minutes amount too large", c->id);
		return -1;
	}
	l = add_line(inv, "core_minutes", "core-minute", cents);
	snprintf(l->quantity, sizeof l->quantity, "%lld",
	    (long long)cu->inside);
	ov_decimal_format(plan->price, l->unit_price);

	contract_span(c, &from, &to);
	minimum = ov_round_half_up((__int128)plan->minimum_cents *
	    minutes_inside(m, from, to), m->minutes);
	if (cents < minimum)
		add_line(inv, "minimum_fee", "month", minimum - cents);
	return 0;
}

/* Adds early_termination in the last month of a contract shorter than
 * the minimum: the prorated minimum fee of the months not served. */
static void
early_termination(struct invoice *inv, const struct ov_customer *c,
    const struct ov_plan *plan, const struct month *m)
{
	int64_t six = minimum_end_day(c->contract_start), cents;

	if (c->contract_end == OV_NO_DATE || c->contract_end < m->first_day ||
	    c->contract_end >= m->first_day + m->ndays ||
	    c->contract_end + 1 >= six)
		return;
	cents = prorated_minimum(plan->minimum_cents,
	    ov_local_midnight(c->contract_end + 1), ov_local_midnight(six));
	add_line(inv, "early_termination", "each", cents);
}

int
invoice_build(struct invoice *inv, const struct ov_customer *c,
    const struct ov_plan *plan, const struct month *m,
    const struct customer_usage *cu, int64_t work_minutes,
    const char *customers_path)
{
	int rc = 0;
	int64_t total = 0;

	memset(inv, 0, sizeof *inv);
	inv->customer = c;
	inv->plan = c->plan;
	if (usage_lines(inv, c, plan, m, cu) < 0)
		rc = -1;
	if (extra_hours(inv, c, plan, m, work_minutes, customers_path) < 0)
		rc = -1;
	if (c->has_deployment_fee && c->contract_start >= m->first_day &&
	    c->contract_start < m->first_day + m->ndays)
		add_line(inv, "deployment_fee", "each", c->deployment_fee);
	early_termination(inv, c, plan, m);
	for (size_t i = 0; i < inv->nlines; i++)
		total += inv->lines[i].cents;
	add_line(inv, "total", "invoice", total);
	return rc;
}
