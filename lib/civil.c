#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"

static char zone_name[128] = "UTC";
static bool zone_changed;	/* ov_zone_set() replaced the user's TZ */
static bool user_tz_saved;
static char *user_tz;		/* TZ as the program started, or NULL */

/* Days-from-civil in the proleptic Gregorian calendar, counting eras of 400
 * years (146097 days) so that the arithmetic stays exact for any year. */
int64_t
ov_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
ov_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

int
ov_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t w = (days + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

int
ov_month_days(int year, int month)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month == 2 && leap)
		return 29;
	return len[month - 1];
}

static int
digits(const char *s, size_t len, size_t at, size_t n, int *out)
{
	int v = 0;

	if (at + n > len)
		return -1;
	for (size_t i = at; i < at + n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
fail(char *err, size_t errsize, const char *msg)
{
	if (err != NULL && errsize > 0)
		snprintf(err, errsize, "%s", msg);
	return -1;
}

/* Checks the ranges of a date and a time of day, naming the first bad part. */
static int
check_civil(const struct ov_civil *c, char *err, size_t errsize)
{
	if (c->year < 1 || c->month < 1 || c->month > 12)
		return fail(err, errsize, "month out of range");
	if (c->day < 1 || c->day > ov_month_days(c->year, c->month))
		return fail(err, errsize, "day out of range for its month");
	if (c->hour > 23)
		return fail(err, errsize, "hour out of range (00-23)");
	if (c->minute > 59)
		return fail(err, errsize, "minute out of range (00-59)");
	if (c->second == 60)
		return fail(err, errsize,
		    "leap second (:60) cannot be represented");
	if (c->second > 59)
		return fail(err, errsize, "second out of range (00-59)");
	return 0;
}

int
ov_time_parse(const char *s, size_t len, int64_t *t, char *err,
    size_t errsize)
{
	struct ov_civil c;
	size_t at = 19;
	int offset = 0, oh, om;
	int64_t days;

	if (len < 19 || digits(s, len, 0, 4, &c.year) || s[4] != '-' ||
	    digits(s, len, 5, 2, &c.month) || s[7] != '-' ||
	    digits(s, len, 8, 2, &c.day) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s, len, 11, 2, &c.hour) || s[13] != ':' ||
	    digits(s, len, 14, 2, &c.minute) || s[16] != ':' ||
	    digits(s, len, 17, 2, &c.second))
		return fail(err, errsize,
		    "invalid time: expected RFC 3339 like "
		    "2026-11-02T09:15:00Z");
	if (check_civil(&c, err, errsize) < 0)
		return -1;
	if (s[at] == '.') {
		size_t start = ++at;

		while (at < len && isdigit((unsigned char)s[at]))
			at++;
		if (at == start)
			return fail(err, errsize,
			    "invalid time: no digits after the decimal point");
	}
	if (at < len && (s[at] == 'Z' || s[at] == 'z')) {
		at++;
	} else if (at < len && (s[at] == '+' || s[at] == '-')) {
		if (digits(s, len, at + 1, 2, &oh) || at + 3 >= len ||
		    s[at + 3] != ':' || digits(s, len, at + 4, 2, &om))
			return fail(err, errsize,
			    "invalid time: bad UTC offset, expected Z or "
			    "+HH:MM");
		if (oh > 23 || om > 59)
			return fail(err, errsize,
			    "invalid time: UTC offset out of range");
		offset = (oh * 60 + om) * 60;
		if (s[at] == '-')
			offset = -offset;
		at += 6;
	} else {
		return fail(err, errsize,
		    "invalid time: missing time zone, expected Z or +HH:MM");
	}
	if (at != len)
		return fail(err, errsize,
		    "invalid time: unexpected characters after the zone");
	days = ov_days_from_civil(c.year, c.month, c.day);
	*t = days * 86400 + c.hour * 3600 + c.minute * 60 + c.second -
	    offset;
	return 0;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Writes n as exactly width digits, most significant first. */
static char *
put_digits(char *p, int n, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
	return p + width;
}

void
ov_time_format(int64_t t, char *buf)
{
	int64_t days = floor_div(t, 86400);
	int64_t rem = t - days * 86400;
	int y, m, d;
	char *p = buf;

	ov_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, OV_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
		    m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
		    (int)(rem % 60));
		return;
	}
	/* Records print many instants, so this avoids snprintf. */
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, (int)(rem / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (int)(rem / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (int)(rem % 60), 2);
	*p++ = 'Z';
	*p = '\0';
}

int
ov_date_parse(const char *s, int64_t *days, char *err, size_t errsize)
{
	struct ov_civil c = { 0 };
	size_t len = strlen(s);

	if (len != 10 || digits(s, len, 0, 4, &c.year) || s[4] != '-' ||
	    digits(s, len, 5, 2, &c.month) || s[7] != '-' ||
	    digits(s, len, 8, 2, &c.day))
		return fail(err, errsize,
		    "invalid date: expected YYYY-MM-DD like 2026-11-02");
	if (check_civil(&c, err, errsize) < 0)
		return -1;
	*days = ov_days_from_civil(c.year, c.month, c.day);
	return 0;
}

void
ov_date_format(int64_t days, char *buf)
{
	int y, m, d;

	ov_civil_from_days(days, &y, &m, &d);
	snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

int
ov_month_parse(const char *s, int *year, int *month, char *err,
    size_t errsize)
{
	size_t len = strlen(s);

	if (len != 7 || digits(s, len, 0, 4, year) || s[4] != '-' ||
	    digits(s, len, 5, 2, month) || *year < 1)
		return fail(err, errsize,
		    "invalid month: expected YYYY-MM like 2026-11");
	if (*month < 1 || *month > 12)
		return fail(err, errsize, "invalid month: month out of range");
	return 0;
}

int
ov_duration_parse(const char *s, int64_t *seconds, char *err,
    size_t errsize)
{
	static const char units[] = "dhms";
	static const int64_t unit_seconds[] = { 86400, 3600, 60, 1 };
	int64_t total = 0;
	int last = -1;
	const char *p = s;

	if (strcmp(s, "0") == 0) {
		*seconds = 0;
		return 0;
	}
	if (*p == '\0')
		return fail(err, errsize, "invalid duration: empty");
	if (*p == '-')
		return fail(err, errsize,
		    "invalid duration: negative durations are not allowed");
	while (*p != '\0') {
		int64_t n = 0;
		const char *start = p, *u;
		int idx;

		while (isdigit((unsigned char)*p)) {
			if (n > (INT64_MAX - 9) / 10)
				return fail(err, errsize,
				    "invalid duration: too large");
			n = n * 10 + (*p++ - '0');
		}
		if (p == start)
			return fail(err, errsize,
			    "invalid duration: expected a number like 90s, "
			    "5m, 4h, 7d or 1h30m");
		if (*p == '\0' || (u = strchr(units, *p)) == NULL)
			return fail(err, errsize,
			    "invalid duration: missing or unknown unit "
			    "(use d, h, m or s)");
		idx = (int)(u - units);
		if (idx <= last)
			return fail(err, errsize,
			    "invalid duration: units must be in the order d, "
			    "h, m, s and appear once");
		last = idx;
		if (n > (INT64_MAX - total) / unit_seconds[idx])
			return fail(err, errsize,
			    "invalid duration: too large");
		total += n * unit_seconds[idx];
		p++;
	}
	*seconds = total;
	return 0;
}

void
ov_duration_format(int64_t seconds, char *buf, size_t size)
{
	static const char units[] = "dhms";
	static const int64_t unit_seconds[] = { 86400, 3600, 60, 1 };
	size_t used = 0;
	bool negative = seconds < 0;

	if (seconds == 0) {
		snprintf(buf, size, "0s");
		return;
	}
	if (negative) {
		used += snprintf(buf, size, "-");
		seconds = -seconds;
	}
	for (int i = 0; i < 4 && used < size; i++) {
		int64_t n = seconds / unit_seconds[i];

		if (n == 0)
			continue;
		seconds -= n * unit_seconds[i];
		used += snprintf(buf + used, size - used, "%lld%c",
		    (long long)n, units[i]);
	}
}

int
ov_zone_set(const char *name, char *err, size_t errsize)
{
	char path[512];
	const char *dir = getenv("TZDIR");

	if (name == NULL || *name == '\0' || strlen(name) >= sizeof zone_name ||
	    strstr(name, "..") != NULL || name[0] == '/' ||
	    strchr(name, ',') != NULL)
		return fail(err, errsize, "invalid time zone name");
	if (strcmp(name, "UTC") != 0) {
		snprintf(path, sizeof path, "%s/%s",
		    dir ? dir : "/usr/share/zoneinfo", name);
		if (access(path, R_OK) != 0) {
			if (err != NULL)
				snprintf(err, errsize,
				    "unknown time zone '%s': %s not found "
				    "(is the tzdata package installed?)",
				    name, path);
			return -1;
		}
	}
	if (!user_tz_saved) {
		const char *tz = getenv("TZ");

		user_tz = tz != NULL ? strdup(tz) : NULL;
		user_tz_saved = true;
	}
	zone_changed = true;
	snprintf(zone_name, sizeof zone_name, "%s", name);
	setenv("TZ", strcmp(name, "UTC") == 0 ? "UTC0" : name, 1);
	tzset();
	return 0;
}

const char *
ov_zone_name(void)
{
	return zone_name;
}

void
ov_local_from_time(int64_t t, struct ov_civil *c, int *offset)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	c->year = tm.tm_year + 1900;
	c->month = tm.tm_mon + 1;
	c->day = tm.tm_mday;
	c->hour = tm.tm_hour;
	c->minute = tm.tm_min;
	c->second = tm.tm_sec;
	if (offset != NULL)
		*offset = (int)tm.tm_gmtoff;
}

static int
offset_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return (int)tm.tm_gmtoff;
}

int64_t
ov_time_from_local(const struct ov_civil *c)
{
	int64_t wall = ov_days_from_civil(c->year, c->month, c->day) * 86400 +
	    c->hour * 3600 + c->minute * 60 + c->second;
	/* Offsets before and after the instant: trying the earlier one first
	 * picks the first of two repeated instants. */
	int before = offset_at(wall - 86400);
	int after = offset_at(wall + 86400);
	int64_t guess;

	guess = wall - before;
	if (offset_at(guess) == before)
		return guess;
	guess = wall - after;
	if (offset_at(guess) == after)
		return guess;
	/* Skipped local time: read it with the offset before the change. */
	return wall - before;
}

void
ov_time_display(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char selected[sizeof zone_name];

	if (zone_changed) {
		/* Switch to the user's zone for this one conversion. */
		snprintf(selected, sizeof selected, "%s", zone_name);
		if (user_tz != NULL)
			setenv("TZ", user_tz, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	localtime_r(&tt, &tm);
	if (strftime(buf, size, "%Y-%m-%d %H:%M %Z", &tm) == 0 && size > 0)
		buf[0] = '\0';
	if (zone_changed) {
		setenv("TZ", strcmp(selected, "UTC") == 0 ? "UTC0" : selected,
		    1);
		tzset();
	}
}

int64_t
ov_local_date(int64_t t)
{
	return floor_div(t + offset_at(t), 86400);
}

int64_t
ov_local_midnight(int64_t days)
{
	struct ov_civil c = { 0 };

	ov_civil_from_days(days, &c.year, &c.month, &c.day);
	return ov_time_from_local(&c);
}
