/*
 * Instants, calendar dates and durations.
 *
 * An instant is a count of seconds since 1970-01-01T00:00:00Z (leap seconds are
 * not counted, as in POSIX time).  A date is a count of days since 1970-01-01.
 * Local times go through the system's time zone database (tzdata), one zone at
 * a time per process.
 */
#ifndef OV_CIVIL_H
#define OV_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A broken-down civil time in some zone. */
struct ov_civil {
	int year;	/* 1..9999 */
	int month;	/* 1..12 */
	int day;	/* 1..31 */
	int hour;	/* 0..23 */
	int minute;	/* 0..59 */
	int second;	/* 0..59 */
};

/* Maximum length of ov_time_format()'s output, with its terminating NUL. */
#define OV_TIME_LEN 32

/* Days from 1970-01-01 to the given proleptic Gregorian date. */
int64_t ov_days_from_civil(int year, int month, int day);

/* Converts days since 1970-01-01 back to a date. */
void ov_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Day of the week of a day count: 0 = Sunday … 6 = Saturday. */
int ov_weekday(int64_t days);

/* Number of days of a month, 28 to 31. */
int ov_month_days(int year, int month);

/*
 * Parses an RFC 3339 instant ("2026-11-02T09:15:00Z", "…+01:00", fractional
 * seconds accepted and truncated).  Returns 0, or -1 with a reason in err.
 */
int ov_time_parse(const char *s, size_t len, int64_t *t, char *err,
    size_t errsize);

/* Formats an instant as "2026-11-02T09:15:00Z" into buf (OV_TIME_LEN bytes). */
void ov_time_format(int64_t t, char *buf);

/* Parses a date "2026-11-02" into days since 1970-01-01; returns 0 or -1. */
int ov_date_parse(const char *s, int64_t *days, char *err, size_t errsize);

/* Formats days since 1970-01-01 as "2026-11-02" (11 bytes with the NUL). */
void ov_date_format(int64_t days, char *buf);

/* Parses a month "2026-11"; returns 0 or -1. */
int ov_month_parse(const char *s, int *year, int *month, char *err,
    size_t errsize);

/*
 * Parses a duration: a sequence of number-and-unit pairs in descending order
 * of units d, h, m, s ("90s", "5m", "1h30m", "7d"), or "0".  Returns 0, or -1
 * with a reason in err.
 */
int ov_duration_parse(const char *s, int64_t *seconds, char *err,
    size_t errsize);

/* Formats seconds as the shortest duration string, "1h30m", "0s". */
void ov_duration_format(int64_t seconds, char *buf, size_t size);

/*
 * Selects the time zone used by ov_local_*, by IANA name ("Europe/Madrid").
 * An unknown name is an error, where the C library would silently use UTC.
 */
int ov_zone_set(const char *name, char *err, size_t errsize);

/* Name of the zone selected by ov_zone_set(), or "UTC". */
const char *ov_zone_name(void);

/* Converts an instant to local civil time; offset gets seconds east of UTC. */
void ov_local_from_time(int64_t t, struct ov_civil *c, int *offset);

/*
 * Converts a local civil time to an instant.  A time skipped by a forward
 * daylight-saving change is read with the offset before the change; a time
 * repeated by a backward change gives its first (earlier) instant.
 */
int64_t ov_time_from_local(const struct ov_civil *c);

/*
 * Formats an instant for a person reading a table: local time in the
 * user's zone (TZ as the program started, else the system's zone) with the
 * zone's abbreviation, "2026-11-03 10:07 CET".  It does not change the zone
 * selected by ov_zone_set().
 */
void ov_time_display(int64_t t, char *buf, size_t size);

/* Local date (days since 1970-01-01) of an instant. */
int64_t ov_local_date(int64_t t);

/* Instant of local midnight starting the given local date. */
int64_t ov_local_midnight(int64_t days);

#endif
