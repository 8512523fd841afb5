/*
 * Unit tests of lib/calendar.c on the Madrid calendar: hand-worked cases,
 * then properties over random instants (fixed seed), and a check against a
 * minute-by-minute walk that uses only the C library's local time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "civil.h"
#include "plans.h"
#include "tap.h"

static struct ov_plans plans;
static struct ov_business_calendar bc;

static int64_t
at(const char *s)
{
	char err[200];
	int64_t t;

	if (ov_time_parse(s, strlen(s), &t, err, sizeof err) != 0) {
		printf("# bad time in test: %s: %s\n", s, err);
		exit(1);
	}
	return t;
}

static void
is_time(int64_t got, const char *expected, const char *name)
{
	char buf[OV_TIME_LEN];

	ov_time_format(got, buf);
	tap_is_str(buf, expected, name);
}

static void
check_add(const char *from, const char *duration, const char *expected,
    const char *name)
{
	char err[300] = "";
	int64_t secs, out = 0, back = -1;

	ov_duration_parse(duration, &secs, err, sizeof err);
	if (ov_business_add(&bc, at(from), secs, &out, err, sizeof err) != 0)
		printf("# %s\n", err);
	is_time(out, expected, name);
	ov_business_between(&bc, at(from), out, &back, err, sizeof err);
	tap_is_int(back, secs, name);
}

static void
check_start(const char *from, const char *expected, const char *name)
{
	char err[300] = "";
	int64_t out = 0;

	if (ov_business_start(&bc, at(from), &out, err, sizeof err) != 0)
		printf("# %s\n", err);
	is_time(out, expected, name);
}

static void
check_between(const char *from, const char *to, int64_t expected,
    const char *name)
{
	char err[300] = "";
	int64_t got = -1;

	if (ov_business_between(&bc, at(from), at(to), &got, err,
	    sizeof err) != 0)
		printf("# %s\n", err);
	tap_is_int(got, expected, name);
}

static void
test_hand_worked(void)
{
	/* Friday 2026-11-13 17:00 CET: 1 h on Friday, 3 h on Monday. */
	check_add("2026-11-13T16:00:00Z", "4h", "2026-11-16T11:00:00Z",
	    "friday 17:00 + 4h is monday 12:00");
	check_add("2026-11-13T16:00:00Z", "1h", "2026-11-13T17:00:00Z",
	    "friday 17:00 + 1h is friday 18:00");
	/* 2026-03-29 is the spring change: Monday is CEST (UTC+2). */
	check_add("2026-03-27T15:00:00Z", "4h", "2026-03-30T09:00:00Z",
	    "across the march 2026 change");
	check_between("2026-03-27T15:00:00Z", "2026-03-30T09:00:00Z", 4 * 3600,
	    "march 2026 weekend counts 4h");
	/* 2026-10-25 is the autumn change: Monday is CET again. */
	check_add("2026-10-23T15:00:00Z", "2h", "2026-10-26T09:00:00Z",
	    "across the october 2026 change");
	/* Monday 7 and Tuesday 8 December 2026 are holidays. */
	check_add("2026-12-04T16:00:00Z", "4h", "2026-12-09T11:00:00Z",
	    "over the december 7-8 holidays");
	check_between("2026-12-07T09:00:00Z", "2026-12-09T08:00:00Z", 0,
	    "holidays count nothing");
	/* Wednesday 2025-12-31 17:00, then 1 January, then Friday 2. */
	check_add("2025-12-31T16:00:00Z", "2h", "2026-01-02T09:00:00Z",
	    "2025 to 2026 year end");
	/* 18 business days (7-8 December off) and 6 hours. */
	check_add("2026-11-16T08:00:00Z", "7d", "2026-12-14T14:00:00Z",
	    "168 business hours");
	check_add("2026-11-16T08:00:00Z", "63h", "2026-11-24T17:00:00Z",
	    "seven business days");
	check_start("2026-11-14T10:00:00Z", "2026-11-16T08:00:00Z",
	    "saturday starts at monday 09:00");
	check_start("2026-11-13T17:00:00Z", "2026-11-16T08:00:00Z",
	    "friday 18:00 starts at monday 09:00");
	check_start("2026-11-16T08:00:00Z", "2026-11-16T08:00:00Z",
	    "09:00 starts at once");
	check_start("2026-11-16T10:30:07Z", "2026-11-16T10:30:07Z",
	    "business hours start at once");
	check_start("2026-11-16T05:00:00Z", "2026-11-16T08:00:00Z",
	    "early morning starts at 09:00");
	check_start("2026-12-05T12:00:00Z", "2026-12-09T08:00:00Z",
	    "holiday weekend starts wednesday");
	check_start("2025-12-31T17:30:00Z", "2026-01-02T08:00:00Z",
	    "new year's eve evening");
	check_between("2026-11-16T09:00:00Z", "2026-11-16T08:00:00Z", -3600,
	    "between backwards is negative");
	check_between("2026-11-16T03:00:00Z", "2026-11-16T20:00:00Z", 9 * 3600,
	    "whole day is 9h");
	/* Summer: 09:00 CEST is 07:00 UTC. */
	check_start("2026-07-01T05:00:00Z", "2026-07-01T07:00:00Z",
	    "summer opening in UTC");
}

static void
expect_uncovered(int rc, const char *err, const char *year, const char *name)
{
	if (!tap_ok(rc == -1 && strstr(err, year) != NULL, name))
		printf("#   rc %d, error '%s'\n", rc, err);
}

static void
test_coverage(void)
{
	char err[300] = "";
	int64_t out;
	int rc;

	rc = ov_business_start(&bc, at("2027-01-04T10:00:00Z"), &out, err,
	    sizeof err);
	expect_uncovered(rc, err, "does not cover 2027", "2027 start fails");
	rc = ov_business_add(&bc, at("2026-12-31T16:00:00Z"), 2 * 3600, &out,
	    err, sizeof err);
	expect_uncovered(rc, err, "does not cover 2027", "add into 2027 fails");
	rc = ov_business_start(&bc, at("2026-12-31T17:00:00Z"), &out, err,
	    sizeof err);
	expect_uncovered(rc, err, "does not cover 2027",
	    "next opening in 2027 fails");
	rc = ov_business_between(&bc, at("2024-12-31T10:00:00Z"),
	    at("2025-01-02T10:00:00Z"), &out, err, sizeof err);
	expect_uncovered(rc, err, "does not cover 2024", "2024 fails");
	rc = ov_business_add(&bc, at("2026-12-31T16:00:00Z"), 3600, &out, err,
	    sizeof err);
	tap_ok(rc == 0, "add to the last closing succeeds");
	is_time(out, "2026-12-31T17:00:00Z", "last closing of 2026");
	is_time(ov_business_end(&bc), "2026-12-31T23:00:00Z",
	    "calendar ends at madrid midnight");
	rc = ov_business_add(&bc, at("2026-11-16T08:00:00Z"), -1, &out, err,
	    sizeof err);
	tap_ok(rc == -1, "negative business time fails");
}

/* Business seconds in [a, b) counted minute by minute with localtime. */
static int64_t
walk(int64_t a, int64_t b)
{
	int64_t n = 0;

	for (int64_t t = a; t < b; t += 60) {
		struct ov_civil c;
		int off, wday;
		int64_t day;

		ov_local_from_time(t, &c, &off);
		day = ov_days_from_civil(c.year, c.month, c.day);
		wday = ov_weekday(day);
		bool holiday = false;

		for (size_t i = 0; i < plans.calendar.nholidays; i++)
			holiday = holiday || plans.calendar.holidays[i] == day;
		if (wday >= 1 && wday <= 5 && !holiday && c.hour >= 9 &&
		    c.hour < 18)
			n += 60;
	}
	return n;
}

static int64_t
random_instant(void)
{
	int64_t lo = at("2025-01-01T00:00:00Z");
	int64_t hi = at("2026-11-30T00:00:00Z");

	return lo + (int64_t)(((uint64_t)random() << 31 ^ (uint64_t)random())
	    % (uint64_t)(hi - lo));
}

static void
test_properties(void)
{
	struct ov_clock wall = { NULL }, business = { &bc };
	char err[300];
	int bad_roundtrip = 0, bad_monotonic = 0, bad_wall = 0, bad_walk = 0;
	int bad_inside = 0;

	srandom(20261204);
	for (int i = 0; i < 20000; i++) {
		int64_t t = random_instant(), u = t + random() % (9 * 86400);
		int64_t s = random() % (100 * 3600), s2 = s + random() % 7200;
		int64_t r1, r2, r3, m1, m2, w;

		ov_clock_add(&business, t, s, &r1, err, sizeof err);
		ov_clock_add(&business, t, s2, &r2, err, sizeof err);
		ov_clock_add(&business, u, s, &r3, err, sizeof err);
		ov_clock_between(&business, t, r1, &m1, err, sizeof err);
		ov_clock_between(&business, t, u, &m2, err, sizeof err);
		bad_roundtrip += m1 != s;
		bad_monotonic += r2 < r1 || r3 < r1 || m2 < 0;
		ov_clock_between(&wall, t, u, &w, err, sizeof err);
		ov_clock_add(&wall, t, s, &r2, err, sizeof err);
		bad_wall += w != u - t || r2 != t + s;
		/* A positive sum ends inside business hours. */
		if (s > 0) {
			int64_t back;

			ov_clock_between(&business, r1 - 1, r1, &back, err,
			    sizeof err);
			bad_inside += back != 1;
		}
	}
	tap_is_int(bad_roundtrip, 0, "add then measure gives the duration");
	tap_is_int(bad_monotonic, 0, "add and measure are monotonic");
	tap_is_int(bad_wall, 0, "wall clock is the UTC difference");
	tap_is_int(bad_inside, 0, "sums end inside business hours");
	for (int i = 0; i < 60; i++) {
		int64_t t = random_instant() / 60 * 60;
		int64_t u = t + random() % (6 * 86400) / 60 * 60, got;

		ov_business_between(&bc, t, u, &got, err, sizeof err);
		bad_walk += got != walk(t, u);
	}
	tap_is_int(bad_walk, 0, "between equals a minute walk");
}

/* A calendar open all Sunday counts the real length of the days on which
 * the clocks change: 23 hours in March, 25 in October. */
static void
test_dst_days(void)
{
	struct ov_plans custom;
	struct ov_business_calendar sunday;
	char err[300] = "";
	int64_t got = -1;

	ov_plans_defaults(&custom);
	custom.calendar.open_minute[0] = 0;
	custom.calendar.close_minute[0] = 24 * 60;
	if (!tap_ok(ov_business_init(&sunday, &custom.calendar, err,
	    sizeof err) == 0, "sunday calendar lays out")) {
		printf("# %s\n", err);
		ov_plans_free(&custom);
		return;
	}
	ov_business_between(&sunday, at("2026-03-28T23:00:00Z"),
	    at("2026-03-29T22:00:00Z"), &got, err, sizeof err);
	tap_is_int(got, 23 * 3600, "march change day is 23h");
	ov_business_between(&sunday, at("2026-10-24T22:00:00Z"),
	    at("2026-10-25T23:00:00Z"), &got, err, sizeof err);
	tap_is_int(got, 25 * 3600, "october change day is 25h");
	ov_business_add(&sunday, at("2026-10-24T22:00:00Z"), 25 * 3600, &got,
	    err, sizeof err);
	is_time(got, "2026-10-25T23:00:00Z", "25h from sunday midnight");
	ov_business_free(&sunday);
	ov_plans_free(&custom);
}

int
main(void)
{
	char err[300];

	ov_plans_defaults(&plans);
	if (!tap_ok(ov_business_init(&bc, &plans.calendar, err,
	    sizeof err) == 0, "calendar lays out")) {
		printf("# %s\n", err);
		return tap_done();
	}
	tap_is_int((long long)bc.ndays, 730, "two years of days");
	test_hand_worked();
	test_coverage();
	test_properties();
	ov_business_free(&bc);
	test_dst_days();
	ov_plans_free(&plans);
	return tap_done();
}
