/*
 * Plans and the business calendar, from plans.conf (INI, see plans.conf(5))
 * and the holiday CSV it names.  Without a file, the compiled-in defaults
 * are the 24x7 and nbd plans and the Madrid calendar of the service.
 */
#ifndef OV_PLANS_H
#define OV_PLANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "money.h"

enum ov_severity { OV_CRITICAL = 0, OV_NORMAL_SEVERITY = 1 };
enum ov_target { OV_REACTION = 0, OV_WORKAROUND = 1, OV_RESOLUTION = 2 };

#define OV_NO_TARGET (-1)

/* One support plan. */
struct ov_plan {
	char name[32];
	struct ov_decimal price;	/* euros per core-minute */
	int64_t minimum_cents;		/* minimum monthly fee */
	int64_t included_minutes;	/* work included per month */
	bool business_clock;		/* SLA clock runs in business hours */
	/* Target durations in seconds on the plan's clock (business seconds
	 * when business_clock), OV_NO_TARGET when the plan has none. */
	int64_t target[2][3];
};

/* The business calendar: weekly opening hours in a zone, and holidays. */
struct ov_calendar {
	char zone[64];			/* "Europe/Madrid" */
	int open_minute[7];		/* by weekday, 0 = Sunday; minutes after
					   local midnight, -1 when closed */
	int close_minute[7];
	char holiday_file[512];		/* path as given (resolved) */
	size_t nholidays;
	int64_t *holidays;		/* sorted local dates (days since epoch) */
	int first_year, last_year;	/* years the holiday file covers */
	int64_t business_day_seconds;	/* length of a business day for "1d"
					   under a business clock (9h) */
};

struct ov_plans {
	size_t count;
	struct ov_plan *items;
	struct ov_calendar calendar;
	char path[512];			/* file loaded, "" for the defaults */
};

/*
 * Loads plans.conf, or the compiled-in defaults when path is NULL and no
 * installed plans.conf is found (see ov_data_path()).  Returns 0, or -1
 * with "file:line: field: reason" in err.
 */
int ov_plans_load(const char *path, struct ov_plans *plans, char *err,
    size_t errsize);

/* Fills plans with the compiled-in defaults, ignoring any installed file. */
void ov_plans_defaults(struct ov_plans *plans);

/* Finds a plan by name, or NULL. */
const struct ov_plan *ov_plan_find(const struct ov_plans *plans,
    const char *name);

void ov_plans_free(struct ov_plans *plans);

/* Parses "critical" or "normal"; returns 0 or -1. */
int ov_severity_parse(const char *s, enum ov_severity *out);
const char *ov_severity_name(enum ov_severity s);
const char *ov_target_name(enum ov_target t);

#endif
