/*
 * Business-time arithmetic over a calendar of plans.conf: weekly opening
 * hours in local time of one zone, minus holidays.
 *
 * The calendar is laid out once as a table of days for the years its
 * holiday file covers: local midnight, opening and closing instants, and
 * the business seconds before each day.  So every computation is a binary
 * search, exact to the second across weekends, holidays, daylight-saving
 * changes and year ends.  An instant outside those years is an error that
 * names the year, never a guess.
 */
#ifndef OV_CALENDAR_H
#define OV_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plans.h"

/* A calendar laid out day by day. */
struct ov_business_calendar {
	int64_t first_day;	/* local date of the first day, Jan 1 */
	size_t ndays;
	int64_t *midnight;	/* ndays + 1 instants: local midnights */
	int64_t *open;		/* opening instant of each day */
	int64_t *close;		/* closing instant; equal to open when closed */
	int64_t *before;	/* ndays + 1 business seconds before each day */
	int first_year, last_year;
	char file[512];		/* holiday file, for messages */
};

/*
 * Lays out a calendar for the years of its holidays.  Selects the
 * calendar's zone for the process (ov_zone_set()).  Returns 0, or -1 with a
 * reason in err.
 */
int ov_business_init(struct ov_business_calendar *bc,
    const struct ov_calendar *cal, char *err, size_t errsize);

void ov_business_free(struct ov_business_calendar *bc);

/*
 * Finds the instant when the clock starts for something that happens at t:
 * t itself during business hours, else the next opening.  Returns 0, or -1
 * with a reason naming the uncovered year in err.
 */
int ov_business_start(const struct ov_business_calendar *bc, int64_t t,
    int64_t *out, char *err, size_t errsize);

/*
 * Adds business seconds (0 or more) to an instant.  *out is the earliest
 * instant at which that much business time has passed since t: t itself
 * for 0, and a closing time for a sum that ends there.  Returns 0, or -1
 * with a reason naming the uncovered year in err.
 */
int ov_business_add(const struct ov_business_calendar *bc, int64_t t,
    int64_t seconds, int64_t *out, char *err, size_t errsize);

/*
 * Measures the business seconds from one instant to another (negative when
 * to comes before from).  Returns 0, or -1 with a reason naming the
 * uncovered year in err.
 */
int ov_business_between(const struct ov_business_calendar *bc, int64_t from,
    int64_t to, int64_t *seconds, char *err, size_t errsize);

/* First instant after the calendar: local midnight starting the first year
 * it does not cover. */
int64_t ov_business_end(const struct ov_business_calendar *bc);

/*
 * An SLA clock: the wall clock (business == NULL), on which every second
 * counts, or business time on a calendar.  The functions behave as their
 * ov_business_* counterparts, except that the wall clock covers every year.
 */
struct ov_clock {
	const struct ov_business_calendar *business;
};

int ov_clock_start(const struct ov_clock *c, int64_t t, int64_t *out,
    char *err, size_t errsize);
int ov_clock_add(const struct ov_clock *c, int64_t t, int64_t seconds,
    int64_t *out, char *err, size_t errsize);
int ov_clock_between(const struct ov_clock *c, int64_t from, int64_t to,
    int64_t *seconds, char *err, size_t errsize);

#endif
