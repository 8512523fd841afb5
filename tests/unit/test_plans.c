/* Unit tests of lib/plans.c: defaults, the shipped plans.conf, and
 * validation errors that name the file, line and field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "plans.h"
#include "tap.h"

static char dir[] = "/tmp/test_plans.XXXXXX";

/* Writes text to dir/name and returns the path (static buffer). */
static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

static const char plan_body[] =
	"price = 0.0006\nminimum = 100.00\nincluded_hours = 5\n"
	"clock = business\ncritical.reaction = 4h\ncritical.workaround = 1d\n"
	"critical.resolution = 7d\nnormal.reaction = 1d\n"
	"normal.resolution = 7d\n";

/* Loads a conf file made of text and checks that the error contains want. */
static void
expect_error(const char *text, const char *want, const char *name)
{
	struct ov_plans plans;
	char err[600] = "";
	const char *path = write_file("bad.conf", text);
	int rc = ov_plans_load(path, &plans, err, sizeof err);

	if (!tap_ok(rc == -1 && strstr(err, want) != NULL, name))
		printf("#   rc %d, error '%s'\n#   expected to contain '%s'\n",
		    rc, err, want);
	if (rc == 0)
		ov_plans_free(&plans);
}

static void
test_defaults(void)
{
	struct ov_plans plans;
	const struct ov_plan *p;
	char buf[OV_MONEY_LEN];

	ov_plans_defaults(&plans);
	tap_is_int((long long)plans.count, 2, "defaults have two plans");
	p = ov_plan_find(&plans, "24x7");
	tap_ok(p != NULL, "default 24x7 found");
	ov_decimal_format(p->price, buf);
	tap_is_str(buf, "0.0024", "24x7 price");
	tap_is_int(p->minimum_cents, 20000, "24x7 minimum");
	tap_is_int(p->included_minutes, 300, "24x7 included minutes");
	tap_ok(!p->business_clock, "24x7 wall clock");
	tap_is_int(p->target[OV_CRITICAL][OV_REACTION], 4 * 3600,
	    "24x7 critical reaction");
	tap_is_int(p->target[OV_CRITICAL][OV_WORKAROUND], 24 * 3600,
	    "24x7 critical workaround");
	tap_is_int(p->target[OV_CRITICAL][OV_RESOLUTION], 7 * 86400,
	    "24x7 critical resolution");
	tap_is_int(p->target[OV_NORMAL_SEVERITY][OV_REACTION], 86400,
	    "24x7 normal reaction");
	tap_is_int(p->target[OV_NORMAL_SEVERITY][OV_WORKAROUND], OV_NO_TARGET,
	    "24x7 normal has no workaround");
	p = ov_plan_find(&plans, "nbd");
	ov_decimal_format(p->price, buf);
	tap_is_str(buf, "0.0006", "nbd price");
	tap_is_int(p->minimum_cents, 10000, "nbd minimum");
	tap_ok(p->business_clock, "nbd business clock");
	tap_is_int(p->target[OV_CRITICAL][OV_WORKAROUND], 9 * 3600,
	    "nbd workaround is one business day");
	tap_is_int(p->target[OV_CRITICAL][OV_RESOLUTION], 63 * 3600,
	    "nbd resolution is 7 business days");
	tap_is_int(p->target[OV_NORMAL_SEVERITY][OV_REACTION], 9 * 3600,
	    "nbd normal reaction");
	tap_ok(ov_plan_find(&plans, "gold") == NULL, "unknown plan");
	tap_is_int((long long)plans.calendar.nholidays, 28,
	    "default holidays");
	tap_is_int(plans.calendar.first_year, 2025, "default first year");
	tap_is_int(plans.calendar.last_year, 2026, "default last year");
	tap_is_int(plans.calendar.open_minute[1], 540, "monday opens 09:00");
	tap_is_int(plans.calendar.close_minute[5], 1080, "friday closes 18:00");
	tap_is_int(plans.calendar.open_minute[0], -1, "sunday closed");
	ov_plans_free(&plans);
}

/* The shipped file must contain exactly the compiled-in values. */
static void
test_shipped_file(void)
{
	struct ov_plans file, def;
	char err[600] = "";
	int rc = ov_plans_load("etc/plans.conf", &file, err, sizeof err);
	bool same = true;

	if (!tap_ok(rc == 0, "shipped plans.conf loads"))
		printf("#   %s\n", err);
	if (rc != 0)
		return;
	ov_plans_defaults(&def);
	tap_is_int((long long)file.count, (long long)def.count,
	    "shipped plan count");
	for (size_t i = 0; i < def.count && i < file.count; i++) {
		const struct ov_plan *a = &def.items[i];
		const struct ov_plan *b = ov_plan_find(&file, a->name);

		same = same && b != NULL &&
		    a->price.units == b->price.units &&
		    a->price.scale == b->price.scale &&
		    a->minimum_cents == b->minimum_cents &&
		    a->included_minutes == b->included_minutes &&
		    a->business_clock == b->business_clock &&
		    memcmp(a->target, b->target, sizeof a->target) == 0;
	}
	tap_ok(same, "shipped plans equal the defaults");
	same = file.calendar.nholidays == def.calendar.nholidays;
	for (size_t i = 0; same && i < def.calendar.nholidays; i++)
		same = file.calendar.holidays[i] == def.calendar.holidays[i];
	tap_ok(same, "shipped holidays equal the defaults");
	tap_is_str(file.calendar.holiday_file, "etc/holidays-madrid.csv",
	    "holiday path relative to the conf file");
	tap_is_str(file.calendar.zone, "Europe/Madrid", "shipped zone");
	ov_plans_free(&def);
	ov_plans_free(&file);
}

static void
test_business_days(void)
{
	struct ov_plans plans;
	char err[600] = "", text[1024];
	const char *path;

	snprintf(text, sizeof text, "[calendar]\nbusiness_day = 8h\n"
	    "saturday = 10:00-14:00\n[x]\n%s"
	    "[y]\nprice = 1\nminimum = 0\nclock = wall\n"
	    "critical.reaction = 1d4h\ncritical.resolution = 2d\n"
	    "normal.reaction = 1h30m\nnormal.resolution = none\n",
	    plan_body);
	path = write_file("ok.conf", text);
	if (!tap_ok(ov_plans_load(path, &plans, err, sizeof err) == 0,
	    "custom file loads"))
		printf("#   %s\n", err);
	else {
		const struct ov_plan *x = ov_plan_find(&plans, "x");
		const struct ov_plan *y = ov_plan_find(&plans, "y");

		tap_is_int(x->target[OV_CRITICAL][OV_RESOLUTION], 56 * 3600,
		    "business 7d with an 8h day");
		tap_is_int(y->target[OV_CRITICAL][OV_REACTION], 28 * 3600,
		    "wall 1d4h");
		tap_is_int(y->target[OV_NORMAL_SEVERITY][OV_RESOLUTION],
		    OV_NO_TARGET, "none is no target");
		tap_is_int(y->target[OV_CRITICAL][OV_WORKAROUND],
		    OV_NO_TARGET, "missing workaround is no target");
		tap_is_int(plans.calendar.open_minute[6], 600,
		    "saturday opens 10:00");
		tap_is_int(plans.calendar.nholidays, 28,
		    "no holidays field keeps the defaults");
		ov_plans_free(&plans);
	}
}

static void
test_errors(void)
{
	char text[2048], longline[400];

	snprintf(text, sizeof text, "[nbd]\nprice = abc\n");
	expect_error(text, "bad.conf:2: price: ", "invalid price");
	snprintf(text, sizeof text, "[nbd]\n%scolour = red\n", plan_body);
	expect_error(text, "bad.conf:11: colour: unknown field",
	    "unknown field");
	snprintf(text, sizeof text, "; c\n[nbd]\nprice = 1\nminimum = 1\n"
	    "critical.reaction = 4h\n");
	expect_error(text, "bad.conf:2: clock: missing in [nbd]",
	    "missing clock");
	snprintf(text, sizeof text, "[nbd]\nclock = sometimes\n");
	expect_error(text, "bad.conf:2: clock: must be wall or business",
	    "bad clock");
	snprintf(text, sizeof text, "[nbd]\n%sprice = 2\n", plan_body);
	expect_error(text, "bad.conf:11: price: given twice", "duplicate price");
	snprintf(text, sizeof text, "[nbd]\n%snormal.reaction = 3h\n",
	    plan_body);
	expect_error(text, "bad.conf:11: normal.reaction: given twice",
	    "duplicate target");
	snprintf(text, sizeof text, "[nbd]\nprice = 1\nminimum = 1\n"
	    "clock = wall\ncritical.reaction = 4 hours\n");
	expect_error(text, "bad.conf:5: critical.reaction: ", "bad duration");
	snprintf(text, sizeof text, "[nbd]\ncritical.reaction = 0\n");
	expect_error(text, "bad.conf:2: critical.reaction: must be longer",
	    "zero target");
	snprintf(text, sizeof text, "[nbd]\nincluded_hours = 0.001\n");
	expect_error(text, "bad.conf:2: included_hours: ", "fractional minute");
	snprintf(text, sizeof text, "[nbd]\nminimum = -5\n");
	expect_error(text, "bad.conf:2: minimum: must not be negative",
	    "negative minimum");
	snprintf(text, sizeof text, "[calendar]\nzone = Mars/Olympus\n");
	expect_error(text, "bad.conf:2: zone: unknown time zone", "bad zone");
	snprintf(text, sizeof text, "[calendar]\nmonday = 18:00-09:00\n");
	expect_error(text, "bad.conf:2: monday: opening 18:00 is not before",
	    "inverted hours");
	snprintf(text, sizeof text, "[calendar]\nmonday = 9-18\n");
	expect_error(text, "bad.conf:2: monday: invalid hours", "bad hours");
	snprintf(text, sizeof text, "[calendar]\nfunday = closed\n");
	expect_error(text, "bad.conf:2: funday: unknown field", "bad weekday");
	snprintf(text, sizeof text, "[calendar]\nzone = UTC\nzone = UTC\n");
	expect_error(text, "bad.conf:3: zone: given twice", "duplicate zone");
	snprintf(text, sizeof text, "price = 1\n");
	expect_error(text, "bad.conf:1: price: field outside a section",
	    "field outside a section");
	snprintf(text, sizeof text, "[calendar]\n");
	expect_error(text, "bad.conf:1: section: no plan section", "no plan");
	snprintf(text, sizeof text, "[nbd]\n%sthis line is not ini\n",
	    plan_body);
	expect_error(text, "bad.conf:11: line: invalid syntax", "syntax error");
	snprintf(text, sizeof text, "[bad plan!]\nprice = 1\n");
	expect_error(text, "bad.conf:2: section: invalid plan name",
	    "bad plan name");
	memset(longline, 'x', 300);
	longline[300] = '\0';
	snprintf(text, sizeof text, "[nbd]\n%s; %s\n", plan_body, longline);
	expect_error(text, "bad.conf:11: line: longer than 197 characters",
	    "long line names its line");
	expect_error("", "bad.conf:1: section: no plan section", "empty file");
	expect_error("[nbd\nprice = 1\n", "bad.conf:1: line: invalid syntax",
	    "truncated section header");
	expect_error("[nbd]\nprice = 0.00", "bad.conf:", "truncated file");
	expect_error("\x01\x02\xff\xfe garbage\n", "bad.conf:1: line: invalid",
	    "binary garbage");
	snprintf(text, sizeof text, "[nbd]\nprice = 99999999999999999999\n");
	expect_error(text, "bad.conf:2: price: ", "huge price");
	snprintf(text, sizeof text, "[nbd]\ncritical.reaction = 9999999999d\n");
	expect_error(text, "bad.conf:2: critical.reaction: must be at most 366d",
	    "huge duration");
	snprintf(text, sizeof text, "[nbd]\ncritical.reaction = "
	    "99999999999999999999d\n");
	expect_error(text, "bad.conf:2: critical.reaction: ", "overflowing duration");
}

/* Ten thousand comment lines before the plans are read without trouble. */
static void
test_large_file(void)
{
	struct ov_plans plans;
	char err[600] = "", path[256];
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/large.conf", dir);
	f = fopen(path, "w");
	for (int i = 0; i < 10000; i++)
		fprintf(f, "; comment line %d\n", i);
	fprintf(f, "[nbd]\n%s", plan_body);
	fclose(f);
	rc = ov_plans_load(path, &plans, err, sizeof err);
	if (!tap_ok(rc == 0, "large file loads"))
		printf("#   %s\n", err);
	if (rc == 0)
		ov_plans_free(&plans);
}

static void
test_holiday_errors(void)
{
	char text[2048];

	snprintf(text, sizeof text, "[calendar]\nholidays = h.csv\n[nbd]\n%s",
	    plan_body);
	write_file("h.csv", "date,name\n2026-01-01,a\n2026-02-30,b\n");
	expect_error(text, "h.csv:3: date: ", "invalid holiday date");
	write_file("h.csv", "date,name\n2026-01-01,a\n2026-01-01,b\n");
	expect_error(text, "h.csv:3: date: duplicate holiday",
	    "duplicate holiday");
	write_file("h.csv", "date,name\n2025-01-01,a\n2027-01-01,b\n");
	expect_error(text, "no holidays listed for 2026", "gap year");
	write_file("h.csv", "day,name\n2026-01-01,a\n");
	expect_error(text, "h.csv", "missing date column");
	write_file("h.csv", "date,name\n");
	expect_error(text, "no holidays listed", "empty holiday file");
	snprintf(text, sizeof text, "[calendar]\nholidays = nothere.csv\n"
	    "[nbd]\n%s", plan_body);
	expect_error(text, "nothere.csv", "missing holiday file");
}

static void
test_holiday_file(void)
{
	struct ov_plans plans;
	char err[600] = "", text[2048];
	const char *path;

	write_file("h.csv", "date,name\n2027-03-01,b\n2026-12-31,a\n");
	snprintf(text, sizeof text, "[calendar]\nholidays = h.csv\n[nbd]\n%s",
	    plan_body);
	path = write_file("ok.conf", text);
	if (!tap_ok(ov_plans_load(path, &plans, err, sizeof err) == 0,
	    "holiday file loads"))
		printf("#   %s\n", err);
	else {
		tap_is_int(plans.calendar.first_year, 2026, "first year");
		tap_is_int(plans.calendar.last_year, 2027, "last year");
		tap_is_int(plans.calendar.holidays[0],
		    ov_days_from_civil(2026, 12, 31), "holidays sorted");
		ov_plans_free(&plans);
	}
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_defaults();
	test_shipped_file();
	test_business_days();
	test_errors();
	test_holiday_errors();
	test_holiday_file();
	test_large_file();
	tap_is_int(ov_severity_name(OV_NORMAL_SEVERITY)[0], 'n',
	    "severity name");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
