#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "civil.h"
#include "diag.h"

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

static bool
is_holiday(const struct ov_calendar *cal, int64_t day)
{
	size_t lo = 0, hi = cal->nholidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cal->nholidays && cal->holidays[lo] == day;
}

/* Instant of a local time of day, given in minutes after midnight; 24:00
 * is the next midnight. */
static int64_t
local_instant(int64_t day, int minutes, int64_t next_midnight)
{
	struct ov_civil c = { 0 };

	if (minutes >= 24 * 60)
		return next_midnight;
	ov_civil_from_days(day, &c.year, &c.month, &c.day);
	c.hour = minutes / 60;
	c.minute = minutes % 60;
	return ov_time_from_local(&c);
}

static void
lay_out_day(struct ov_business_calendar *bc, const struct ov_calendar *cal,
    size_t i)
{
	int64_t day = bc->first_day + (int64_t)i;
	int wday = ov_weekday(day);
	int open = cal->open_minute[wday], close = cal->close_minute[wday];

	if (open < 0 || close <= open || is_holiday(cal, day)) {
		bc->open[i] = bc->close[i] = bc->midnight[i];
	} else {
		bc->open[i] = local_instant(day, open, bc->midnight[i + 1]);
		bc->close[i] = local_instant(day, close, bc->midnight[i + 1]);
		/* An opening inside the hour skipped by a forward change is
		 * read with the earlier offset and may land after a closing
		 * just past the change: such a day counts nothing. */
		if (bc->close[i] < bc->open[i])
			bc->close[i] = bc->open[i];
	}
	bc->before[i + 1] = bc->before[i] + (bc->close[i] - bc->open[i]);
}

int
ov_business_init(struct ov_business_calendar *bc,
    const struct ov_calendar *cal, char *err, size_t errsize)
{
	int64_t last;

	memset(bc, 0, sizeof *bc);
	if (cal->nholidays == 0 || cal->first_year > cal->last_year) {
		snprintf(err, errsize, "the business calendar lists no "
		    "holidays, so it covers no year");
		return -1;
	}
	if (ov_zone_set(cal->zone, err, errsize) != 0)
		return -1;
	bc->first_year = cal->first_year;
	bc->last_year = cal->last_year;
	snprintf(bc->file, sizeof bc->file, "%s",
	    cal->holiday_file[0] ? cal->holiday_file : "(compiled in)");
	bc->first_day = ov_days_from_civil(cal->first_year, 1, 1);
	last = ov_days_from_civil(cal->last_year + 1, 1, 1);
	bc->ndays = (size_t)(last - bc->first_day);
	bc->midnight = xcalloc(bc->ndays + 1, sizeof *bc->midnight);
	bc->open = xcalloc(bc->ndays, sizeof *bc->open);
	bc->close = xcalloc(bc->ndays, sizeof *bc->close);
	bc->before = xcalloc(bc->ndays + 1, sizeof *bc->before);
	for (size_t i = 0; i <= bc->ndays; i++)
		bc->midnight[i] = ov_local_midnight(bc->first_day +
		    (int64_t)i);
	for (size_t i = 0; i < bc->ndays; i++)
		lay_out_day(bc, cal, i);
	return 0;
}

void
ov_business_free(struct ov_business_calendar *bc)
{
	free(bc->midnight);
	free(bc->open);
	free(bc->close);
	free(bc->before);
	memset(bc, 0, sizeof *bc);
}

int64_t
ov_business_end(const struct ov_business_calendar *bc)
{
	return bc->midnight[bc->ndays];
}

static int
uncovered(const struct ov_business_calendar *bc, int year, char *err,
    size_t errsize)
{
	snprintf(err, errsize, "the business calendar does not cover %d: "
	    "the holiday file %s lists %d to %d; add the holidays of %d",
	    year, bc->file, bc->first_year, bc->last_year, year);
	return -1;
}

static int
year_of(int64_t t)
{
	int y, m, d;

	ov_civil_from_days(ov_local_date(t), &y, &m, &d);
	return y;
}

/*
 * Business seconds from the start of the calendar to t.  An instant is
 * covered from the first midnight to the last one, both included.
 */
static int
position(const struct ov_business_calendar *bc, int64_t t, int64_t *pos,
    char *err, size_t errsize)
{
	size_t lo = 0, hi = bc->ndays;
	int64_t in_day;

	if (t < bc->midnight[0] || t > bc->midnight[bc->ndays])
		return uncovered(bc, year_of(t), err, errsize);
	if (t == bc->midnight[bc->ndays]) {
		*pos = bc->before[bc->ndays];
		return 0;
	}
	/* The last day whose midnight is at or before t. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (bc->midnight[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	in_day = t - bc->open[lo];
	if (in_day < 0)
		in_day = 0;
	if (in_day > bc->close[lo] - bc->open[lo])
		in_day = bc->close[lo] - bc->open[lo];
	*pos = bc->before[lo] + in_day;
	return 0;
}

/* Finds the first day at whose close more than pos (strict) or at least pos
 * business seconds have passed, or returns ndays when there is none. */
static size_t
day_reaching(const struct ov_business_calendar *bc, int64_t pos, bool strict)
{
	size_t lo = 0, hi = bc->ndays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		bool reached = strict ? bc->before[mid + 1] > pos :
		    bc->before[mid + 1] >= pos;

		if (reached)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int
ov_business_start(const struct ov_business_calendar *bc, int64_t t,
    int64_t *out, char *err, size_t errsize)
{
	int64_t pos;
	size_t day;

	if (position(bc, t, &pos, err, errsize) != 0)
		return -1;
	day = day_reaching(bc, pos, true);
	if (day == bc->ndays)
		return uncovered(bc, bc->last_year + 1, err, errsize);
	*out = t > bc->open[day] ? t : bc->open[day];
	return 0;
}

int
ov_business_add(const struct ov_business_calendar *bc, int64_t t,
    int64_t seconds, int64_t *out, char *err, size_t errsize)
{
	int64_t pos, target;
	size_t day;

	if (position(bc, t, &pos, err, errsize) != 0)
		return -1;
	if (seconds < 0) {
		snprintf(err, errsize, "negative business time %lld",
		    (long long)seconds);
		return -1;
	}
	if (seconds == 0) {
		*out = t;
		return 0;
	}
	target = pos + seconds;
	day = day_reaching(bc, target, false);
	if (day == bc->ndays)
		return uncovered(bc, bc->last_year + 1, err, errsize);
	*out = bc->open[day] + (target - bc->before[day]);
	return 0;
}

int
ov_business_between(const struct ov_business_calendar *bc, int64_t from,
    int64_t to, int64_t *seconds, char *err, size_t errsize)
{
	int64_t a, b;

	if (position(bc, from, &a, err, errsize) != 0 ||
	    position(bc, to, &b, err, errsize) != 0)
		return -1;
	*seconds = b - a;
	return 0;
}

int
ov_clock_start(const struct ov_clock *c, int64_t t, int64_t *out, char *err,
    size_t errsize)
{
	if (c->business != NULL)
		return ov_business_start(c->business, t, out, err, errsize);
	*out = t;
	return 0;
}

int
ov_clock_add(const struct ov_clock *c, int64_t t, int64_t seconds,
    int64_t *out, char *err, size_t errsize)
{
	if (c->business != NULL)
		return ov_business_add(c->business, t, seconds, out, err,
		    errsize);
	*out = t + seconds;
	return 0;
}

int
ov_clock_between(const struct ov_clock *c, int64_t from, int64_t to,
    int64_t *seconds, char *err, size_t errsize)
{
	if (c->business != NULL)
		return ov_business_between(c->business, from, to, seconds, err,
		    errsize);
	*seconds = to - from;
	return 0;
}
