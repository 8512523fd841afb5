/* Unit tests of lib/civil: RFC 3339, dates, durations and Europe/Madrid. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "tap.h"

static int64_t
parse(const char *s)
{
	int64_t t = -1;
	char err[160];

	if (ov_time_parse(s, strlen(s), &t, err, sizeof err) < 0)
		return -1;
	return t;
}

static const char *
reason(const char *s)
{
	static char err[160];
	int64_t t;

	err[0] = '\0';
	if (ov_time_parse(s, strlen(s), &t, err, sizeof err) == 0)
		return "accepted";
	return err;
}

static void
test_rfc3339(void)
{
	char buf[OV_TIME_LEN];

	tap_is_int(parse("1970-01-01T00:00:00Z"), 0, "epoch");
	tap_is_int(parse("2026-11-02T09:15:00Z"), 1793610900, "plain UTC");
	tap_is_int(parse("2026-11-02T10:15:00+01:00"), 1793610900,
	    "positive offset");
	tap_is_int(parse("2026-11-02T04:15:00-05:00"), 1793610900,
	    "negative offset");
	tap_is_int(parse("2026-11-02T09:15:00.999Z"), 1793610900,
	    "fraction truncated");
	tap_is_int(parse("2026-11-02t09:15:00z"), 1793610900, "lower case");
	tap_is_int(parse("2024-02-29T12:00:00Z"), 1709208000, "leap day");
	tap_is_str(reason("2026-02-29T00:00:00Z"),
	    "day out of range for its month", "29 February 2026");
	tap_is_str(reason("2026-02-30T00:00:00Z"),
	    "day out of range for its month", "30 February");
	tap_is_str(reason("2026-11-02T24:00:00Z"), "hour out of range (00-23)",
	    "hour 24");
	tap_is_str(reason("2016-12-31T23:59:60Z"),
	    "leap second (:60) cannot be represented", "leap second");
	tap_is_str(reason("2026-11-02T09:15:00"),
	    "invalid time: missing time zone, expected Z or +HH:MM",
	    "missing zone");
	tap_is_str(reason("2026-11-02T09:15:00Zjunk"),
	    "invalid time: unexpected characters after the zone",
	    "trailing text");
	tap_is_str(reason("2026-11-02"),
	    "invalid time: expected RFC 3339 like 2026-11-02T09:15:00Z",
	    "date only");
	tap_is_str(reason("2026-11-02T09:15:00."),
	    "invalid time: no digits after the decimal point", "bare point");
	ov_time_format(1793610900, buf);
	tap_is_str(buf, "2026-11-02T09:15:00Z", "format");
	ov_time_format(-1, buf);
	tap_is_str(buf, "1969-12-31T23:59:59Z", "format before epoch");
	ov_time_format(parse("2028-12-31T23:59:59Z") + 1, buf);
	tap_is_str(buf, "2029-01-01T00:00:00Z", "year end after leap year");
}

static void
test_dates(void)
{
	int64_t d;
	int y, m, day;
	char buf[16];

	tap_is_int(ov_days_from_civil(2000, 3, 1), 11017, "days 2000-03-01");
	for (int64_t i = -800000; i <= 800000; i += 997) {
		ov_civil_from_days(i, &y, &m, &day);
		if (ov_days_from_civil(y, m, day) != i) {
			tap_ok(0, "civil round trip");
			return;
		}
	}
	tap_ok(1, "civil round trip over 4000 years");
	tap_is_int(ov_weekday(ov_days_from_civil(2026, 12, 4)), 5,
	    "2026-12-04 is a Friday");
	tap_is_int(ov_month_days(2024, 2), 29, "February 2024");
	tap_is_int(ov_month_days(2100, 2), 28, "February 2100");
	tap_is_int(ov_month_days(2000, 2), 29, "February 2000");
	tap_is_int(ov_date_parse("2026-11-17", &d, NULL, 0), 0, "date parse");
	ov_date_format(d, buf);
	tap_is_str(buf, "2026-11-17", "date format");
	tap_is_int(ov_date_parse("2026-13-01", &d, NULL, 0), -1, "month 13");
	tap_is_int(ov_date_parse("2026-1-01", &d, NULL, 0), -1, "short month");
	tap_is_int(ov_month_parse("2026-11", &y, &m, NULL, 0), 0, "month");
	tap_is_int(ov_month_parse("2026-00", &y, &m, NULL, 0), -1,
	    "month zero");
}

static void
test_durations(void)
{
	int64_t s;
	char err[160], buf[32];
	struct {
		const char *text;
		int64_t seconds;
	} good[] = { { "90s", 90 }, { "5m", 300 }, { "4h", 14400 },
		{ "7d", 604800 }, { "1h30m", 5400 }, { "1d2h3m4s", 93784 },
		{ "0", 0 }, { "0s", 0 } };
	const char *bad[] = { "", "5", "-5m", "5x", "30m1h", "1h1h", "h",
		"99999999999999999999d", "1.5h" };

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		s = -1;
		ov_duration_parse(good[i].text, &s, err, sizeof err);
		tap_is_int(s, good[i].seconds, good[i].text);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		tap_is_int(ov_duration_parse(bad[i], &s, err, sizeof err), -1,
		    bad[i][0] ? bad[i] : "empty duration");
	ov_duration_format(5400, buf, sizeof buf);
	tap_is_str(buf, "1h30m", "format 1h30m");
	ov_duration_format(0, buf, sizeof buf);
	tap_is_str(buf, "0s", "format zero");
}

static void
test_madrid(void)
{
	struct ov_civil c = { 2026, 3, 29, 9, 0, 0 };
	int off;
	char buf[OV_TIME_LEN];

	tap_is_int(ov_zone_set("Europe/Madrid", NULL, 0), 0, "zone Madrid");
	tap_is_int(ov_zone_set("Mars/Olympus", NULL, 0), -1, "unknown zone");
	tap_is_str(ov_zone_name(), "Europe/Madrid", "zone kept");

	/* 2026-03-29: clocks go from 02:00 CET to 03:00 CEST. */
	ov_time_format(ov_time_from_local(&c), buf);
	tap_is_str(buf, "2026-03-29T07:00:00Z", "09:00 after spring change");
	c.day = 28;
	ov_time_format(ov_time_from_local(&c), buf);
	tap_is_str(buf, "2026-03-28T08:00:00Z", "09:00 before spring change");
	c = (struct ov_civil){ 2026, 3, 29, 2, 30, 0 };
	ov_time_format(ov_time_from_local(&c), buf);
	tap_is_str(buf, "2026-03-29T01:30:00Z", "skipped 02:30");
	tap_ok(ov_local_midnight(ov_days_from_civil(2026, 3, 30)) -
	    ov_local_midnight(ov_days_from_civil(2026, 3, 29)) == 23 * 3600,
	    "spring day has 23 hours");
	tap_ok(ov_local_midnight(ov_days_from_civil(2026, 10, 26)) -
	    ov_local_midnight(ov_days_from_civil(2026, 10, 25)) == 25 * 3600,
	    "autumn day has 25 hours");
	/* 2026-10-25 02:30 happens twice; the first is CEST. */
	c = (struct ov_civil){ 2026, 10, 25, 2, 30, 0 };
	ov_time_format(ov_time_from_local(&c), buf);
	tap_is_str(buf, "2026-10-25T00:30:00Z", "repeated 02:30 first");
	ov_local_from_time(parse("2026-10-25T01:30:00Z"), &c, &off);
	tap_is_int(c.hour * 100 + c.minute, 230, "second 02:30 local");
	tap_is_int(off, 3600, "second 02:30 is CET");
	tap_is_int(ov_local_date(parse("2026-11-30T23:30:00Z")),
	    ov_days_from_civil(2026, 12, 1), "month end in Madrid");
	tap_is_int(ov_local_date(parse("2026-12-31T22:59:59Z")),
	    ov_days_from_civil(2026, 12, 31), "last second of the year");
	tap_is_int(ov_local_date(parse("2026-12-31T23:00:00Z")),
	    ov_days_from_civil(2027, 1, 1), "new year in Madrid");
}

static void
test_display(void)
{
	char buf[64];

	setenv("TZ", "America/New_York", 1);
	tzset();
	ov_zone_set("Europe/Madrid", NULL, 0);
	ov_time_display(1793610900, buf, sizeof buf);
	tap_is_str(buf, "2026-11-02 04:15 EST", "display in the user's zone");
	tap_is_str(ov_zone_name(), "Europe/Madrid", "business zone kept");
	/* 2026-11-01T23:59:59Z is already 2 November in Madrid. */
	tap_is_int(ov_local_date(1793577599), ov_days_from_civil(2026, 11, 2),
	    "business zone still in use");
}

int
main(void)
{
	test_rfc3339();
	test_dates();
	test_durations();
	test_display();
	test_madrid();
	return tap_done();
}
