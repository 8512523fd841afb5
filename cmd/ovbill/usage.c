/*
 * The usage engine: minute maps of cluster.cores samples and the charging
 * rules.
 *
 * Each (customer, deployment) pair gets a map of every UTC minute of the
 * month plus a margin of ceil(max-gap / 60) + 1 minutes on each side.
 * The margin lets a sample just before the month cover minutes inside it,
 * and lets the month's last sample see the next month's first one.
 * A minute keeps what the rules need, whatever the order of the input:
 * the largest core count sampled in it, the second of its first sample,
 * and the second and core count of its last sample.
 */
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "ovbill.h"

struct series {
	char *customer;
	char *deployment;
	struct minute_map *map;	/* window minutes; NULL until a sample
				   falls inside the window */
	/* Nearest samples outside the window, to report a gap that starts
	 * or ends there; INT64_MIN / INT64_MAX when none. */
	int64_t before, after;
};

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

int
month_init(struct month *m, int year, int month)
{
	int64_t first = ov_days_from_civil(year, month, 1);

	memset(m, 0, sizeof *m);
	m->year = year;
	m->month = month;
	snprintf(m->period, sizeof m->period, "%04d-%02d", year, month);
	m->first_day = first;
	m->ndays = ov_month_days(year, month);
	m->start = ov_local_midnight(first);
	m->end = ov_local_midnight(first + m->ndays);
	/* Zones of the tz database have kept whole-minute offsets since
	 * 1972; a minute map needs them. */
	if (m->start % 60 != 0 || m->end % 60 != 0)
		return -1;
	m->first_minute = m->start / 60;
	m->minutes = (int32_t)((m->end - m->start) / 60);
	for (int d = 0; d <= m->ndays; d++)
		m->day_start[d] = (int32_t)(ov_local_midnight(first + d) / 60 -
		    m->first_minute);
	return 0;
}

void
usage_init(struct usage *u, const struct month *m, int64_t max_gap)
{
	memset(u, 0, sizeof *u);
	u->month = *m;
	u->max_gap = max_gap;
	u->margin = (int32_t)((max_gap + 59) / 60 + 1);
	u->window_start = m->start - (int64_t)u->margin * 60;
	u->window_end = m->end + (int64_t)u->margin * 60;
}

static int32_t
window_minutes(const struct usage *u)
{
	return u->month.minutes + 2 * u->margin;
}

static uint64_t
hash_pair(const char *customer, const char *deployment)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (const char *p = customer; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (const char *p = deployment; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static void
index_rebuild(struct usage *u)
{
	size_t cap = u->index_cap ? u->index_cap * 2 : 64;

	free(u->index);
	u->index = xcalloc(cap, sizeof *u->index);
	u->index_cap = cap;
	for (size_t i = 0; i < u->nseries; i++) {
		const struct series *s = u->series[i];
		size_t k = hash_pair(s->customer, s->deployment) & (cap - 1);

		while (u->index[k] != 0)
			k = (k + 1) & (cap - 1);
		u->index[k] = i + 1;
	}
}

static struct series *
series_new(struct usage *u, const char *customer, const char *deployment)
{
	struct series *s = xcalloc(1, sizeof *s);

	s->customer = xstrdup(customer);
	s->deployment = xstrdup(deployment);
	s->before = INT64_MIN;
	s->after = INT64_MAX;
	if (u->nseries == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 16;
		u->series = realloc(u->series, u->cap * sizeof *u->series);
		if (u->series == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	u->series[u->nseries++] = s;
	if (2 * u->nseries > u->index_cap)
		index_rebuild(u);
	else {
		size_t k = hash_pair(customer, deployment) & (u->index_cap - 1);

		while (u->index[k] != 0)
			k = (k + 1) & (u->index_cap - 1);
		u->index[k] = u->nseries;
	}
	return s;
}

static struct series *
series_get(struct usage *u, const char *customer, const char *deployment)
{
	if (u->index_cap > 0) {
		size_t mask = u->index_cap - 1;
		size_t k = hash_pair(customer, deployment) & mask;

		for (; u->index[k] != 0; k = (k + 1) & mask) {
			struct series *s = u->series[u->index[k] - 1];

			if (strcmp(s->deployment, deployment) == 0 &&
			    strcmp(s->customer, customer) == 0)
				return s;
		}
	}
	return series_new(u, customer, deployment);
}

void
usage_add(struct usage *u, const char *customer, const char *deployment,
    int64_t t, uint32_t cores)
{
	struct series *s = series_get(u, customer, deployment);
	int64_t second = t - u->window_start;

	if (t < u->window_start) {
		if (t > s->before)
			s->before = t;
		return;
	}
	if (t >= u->window_end) {
		if (t < s->after)
			s->after = t;
		return;
	}
	/* The map is allocated on the first sample inside the window, so
	 * samples of other months cost no map. */
	if (s->map == NULL)
		s->map = map_new(window_minutes(u));
	map_add(s->map, (int32_t)(second / 60), (int)(second % 60), cores);
}

/* Gaps over --max-gap met by one walk.  The first GAPS_LISTED are
 * reported one by one (all of them with -v), the others in one line. */
#define GAPS_LISTED 10

struct gaps {
	long count;
	int64_t minutes;	/* minutes of the month left uncharged */
};

/* Reports a gap over --max-gap between two samples, from and to, when it
 * leaves minutes of the month uncharged. */
static void
report_gap(const struct usage *u, const struct series *s, int64_t from,
    int64_t to, struct gaps *gaps)
{
	int64_t lo = from / 60 + 1, hi = to / 60;	/* uncharged minutes */
	int64_t mlo = u->month.first_minute;
	int64_t mhi = mlo + u->month.minutes;
	char a[OV_TIME_LEN], b[OV_TIME_LEN], d[32], g[32];

	if (lo < mlo)
		lo = mlo;
	if (hi > mhi)
		hi = mhi;
	if (lo >= hi)
		return;
	gaps->count++;
	gaps->minutes += hi - lo;
	if (gaps->count > GAPS_LISTED && ov_verbosity < OV_VERBOSE)
		return;
	ov_time_format(from, a);
	ov_time_format(to, b);
	ov_duration_format(to - from, d, sizeof d);
	ov_duration_format(u->max_gap, g, sizeof g);
	ov_warn("deployment %s: no cluster.cores sample from %s to %s (%s, "
	    "over --max-gap %s): %lld minutes of %s not charged",
	    s->deployment, a, b, d, g, (long long)(hi - lo), u->month.period);
}

static void
report_gap_total(const struct usage *u, const struct series *s,
    const struct gaps *gaps)
{
	if (gaps->count <= GAPS_LISTED || ov_verbosity >= OV_VERBOSE)
		return;
	ov_warn("deployment %s: %ld more gaps over --max-gap in %s (%ld in "
	    "all, %lld minutes not charged); -v lists every one",
	    s->deployment, gaps->count - GAPS_LISTED, u->month.period,
	    gaps->count, (long long)gaps->minutes);
}

/* Charges the minutes strictly between window minutes a and b with the
 * core count of a's last sample, cores. */
static void
cover(const struct usage *u, const struct series *s, int32_t a, int32_t b,
    uint32_t cores, minute_fn fn, void *ctx)
{
	int32_t lo = a + 1 > u->margin ? a + 1 : u->margin;
	int32_t hi = b < u->margin + u->month.minutes ? b :
	    u->margin + u->month.minutes;

	for (int32_t i = lo; i < hi; i++)
		fn(s, i - u->margin, cores, ctx);
}

void
usage_walk(const struct usage *u, const struct series *s, minute_fn fn,
    void *ctx)
{
	int32_t n = s->map != NULL ? window_minutes(u) : 0, prev = -1;
	int64_t prev_t = s->before;
	uint32_t carried = 0;
	struct summary c;
	struct gaps gaps = { 0, 0 };

	for (int32_t i = 0; i < n; i++) {
		int64_t base = u->window_start + (int64_t)i * 60;

		if (!map_get(s->map, i, &c))
			continue;
		if (prev_t != INT64_MIN && base + c.first_second - prev_t >
		    u->max_gap)
			report_gap(u, s, prev_t, base + c.first_second,
			    &gaps);
		else if (prev >= 0)
			cover(u, s, prev, i, carried, fn, ctx);
		if (i >= u->margin && i < u->margin + u->month.minutes)
			fn(s, i - u->margin, c.max, ctx);
		prev = i;
		prev_t = base + c.last_second;
		carried = c.last;
	}
	if (prev_t != INT64_MIN && s->after != INT64_MAX &&
	    s->after - prev_t > u->max_gap)
		report_gap(u, s, prev_t, s->after, &gaps);
	report_gap_total(u, s, &gaps);
}

const char *
series_customer(const struct series *s)
{
	return s->customer;
}

const char *
series_deployment(const struct series *s)
{
	return s->deployment;
}

void
usage_free(struct usage *u)
{
	for (size_t i = 0; i < u->nseries; i++) {
		free(u->series[i]->customer);
		free(u->series[i]->deployment);
		map_free(u->series[i]->map);
		free(u->series[i]);
	}
	free(u->series);
	free(u->index);
}
