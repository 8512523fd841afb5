/*
 * plans.conf and the holiday CSV (see plans.conf(5) and ov-holidays(5)).
 *
 * libinih reads the INI syntax.  Its handler gets no line number, so the
 * file goes through a reader of ours that counts lines.  The same reader
 * rejects lines longer than libinih's buffer, which libinih would
 * otherwise cut into pieces.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "civil.h"
#include "csvfile.h"
#include "datafile.h"
#include "diag.h"
#include "plans.h"

#define HOUR 3600
#define DAY 86400

/* Longest target accepted; it keeps business-day sums far from overflow. */
#define MAX_TARGET (366 * DAY)

/* Madrid holidays compiled in, as YYYYMMDD. */
static const int default_holidays[] = {
	20250101, 20250106, 20250417, 20250418, 20250501, 20250502, 20250515,
	20250725, 20250815, 20251101, 20251110, 20251206, 20251208, 20251225,
	20260101, 20260106, 20260402, 20260403, 20260501, 20260502, 20260515,
	20260815, 20261012, 20261102, 20261109, 20261207, 20261208, 20261225,
};

static const char *const weekday_keys[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

static const char *const target_keys[2][3] = {
	{ "critical.reaction", "critical.workaround", "critical.resolution" },
	{ "normal.reaction", "normal.workaround", "normal.resolution" },
};

/* A target as written: whole days, counted as business days under a
 * business clock, plus the rest in seconds. */
struct target_text {
	bool set;
	bool none;
	int64_t days, rest;
};

/* A plan while its section is read. */
struct plan_draft {
	long line;			/* of the [section] header */
	bool has_price, has_minimum, has_clock, has_hours;
	struct target_text target[2][3];
};

/* State of one parse. */
struct parser {
	const char *path;
	FILE *f;
	char *buf;
	size_t bufsize;
	long line;
	int max_line;
	char err[512];
	bool failed;
	struct ov_plans *plans;
	struct plan_draft *drafts;
	char holidays[512];
	unsigned calendar_seen;		/* bit per field of [calendar] */
	long section_line;		/* of the last [section] header */
	long error_line;		/* of the error in err */
};

static void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (q == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return q;
}

static int
fail(struct parser *p, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first error as "file:line: field: reason".  Returns 0, the
 * value by which a libinih handler reports a failed line. */
static int
fail(struct parser *p, const char *field, const char *fmt, ...)
{
	char why[384];
	va_list ap;

	if (!p->failed) {
		va_start(ap, fmt);
		ov_vformat(why, sizeof why, fmt, ap);
		va_end(ap);
		snprintf(p->err, sizeof p->err, "%s:%ld: %s: %s", p->path,
		    p->line, field, why);
		p->error_line = p->line;
		p->failed = true;
	}
	return 0;
}

static size_t
content_length(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n;
}

/*
 * Reads one line for libinih and counts it.  A line that does not fit in
 * libinih's buffer is reported here and handed on as a blank line, so that
 * the parse goes on and the error names the right line.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	ssize_t n = getline(&p->buf, &p->bufsize, p->f);

	if (n < 0)
		return NULL;
	p->line++;
	/* libinih's buffer must fit the text, "\r\n" and the NUL. */
	if (n + 1 > num || content_length(p->buf, (size_t)n) > (size_t)num - 3) {
		fail(p, "line", "longer than %d characters", num - 3);
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	memcpy(str, p->buf, (size_t)n + 1);
	if (str[strspn(str, " \t")] == '[')
		p->section_line = p->line;
	return str;
}

/* Parses "HH:MM" (00:00 to 24:00) into minutes after midnight. */
static int
parse_clock_time(const char *s, int *minutes)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 ||
	    s[0] < '0' || s[0] > '9' || s[3] < '0' || s[3] > '9')
		return -1;
	if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

static int
set_weekday(struct parser *p, int wday, const char *key, const char *value)
{
	struct ov_calendar *cal = &p->plans->calendar;
	char open[16], close[16];
	int o, c;

	if (strcmp(value, "closed") == 0) {
		cal->open_minute[wday] = cal->close_minute[wday] = -1;
		return 1;
	}
	if (sscanf(value, "%15[^-]-%15s", open, close) != 2 ||
	    parse_clock_time(open, &o) != 0 ||
	    parse_clock_time(close, &c) != 0)
		return fail(p, key, "invalid hours '%.40s' (expected "
		    "HH:MM-HH:MM or closed)", value);
	if (o >= c)
		return fail(p, key, "opening %s is not before closing %s",
		    open, close);
	cal->open_minute[wday] = o;
	cal->close_minute[wday] = c;
	return 1;
}

/* Returns the bit of a [calendar] field: 0-6 for the weekdays, or -1. */
static int
calendar_bit(const char *key)
{
	static const char *const others[] = { "zone", "holidays",
		"business_day" };

	for (int d = 0; d < 7; d++)
		if (strcmp(key, weekday_keys[d]) == 0)
			return d;
	for (int i = 0; i < 3; i++)
		if (strcmp(key, others[i]) == 0)
			return 7 + i;
	return -1;
}

/* Checks a zone name the way ov_zone_set() will, then puts back the zone
 * selected before. */
static int
check_zone(const char *name, char *why, size_t size)
{
	char old[64];

	if (strlen(name) >= sizeof ((struct ov_calendar *)0)->zone) {
		snprintf(why, size, "time zone name too long");
		return -1;
	}
	snprintf(old, sizeof old, "%s", ov_zone_name());
	if (ov_zone_set(name, why, size) != 0)
		return -1;
	return ov_zone_set(old, NULL, 0);
}

static int
calendar_field(struct parser *p, const char *key, const char *value)
{
	struct ov_calendar *cal = &p->plans->calendar;
	char why[160];
	int64_t secs;

	int bit = calendar_bit(key);

	if (bit < 0)
		return fail(p, key, "unknown field in [calendar]");
	if (p->calendar_seen & 1u << bit)
		return fail(p, key, "given twice");
	p->calendar_seen |= 1u << bit;
	if (bit < 7)
		return set_weekday(p, bit, key, value);
	if (strcmp(key, "zone") == 0) {
		if (check_zone(value, why, sizeof why) != 0)
			return fail(p, key, "%s", why);
		snprintf(cal->zone, sizeof cal->zone, "%s", value);
		return 1;
	}
	if (strcmp(key, "holidays") == 0) {
		if (value[0] == '\0' || strlen(value) >= sizeof p->holidays)
			return fail(p, key, "invalid path '%.60s'", value);
		snprintf(p->holidays, sizeof p->holidays, "%s", value);
		return 1;
	}
	if (strcmp(key, "business_day") == 0) {
		if (ov_duration_parse(value, &secs, why, sizeof why) != 0)
			return fail(p, key, "%s: '%.40s'", why, value);
		if (secs <= 0 || secs > DAY)
			return fail(p, key, "must be between 1s and 24h: "
			    "'%.40s'", value);
		cal->business_day_seconds = secs;
		return 1;
	}
	return fail(p, key, "unknown field in [calendar]");
}

/*
 * Splits a target duration into whole days and the rest, because under a
 * business clock a day is a business day, not 24 hours.
 */
static int
parse_target(struct parser *p, const char *key, const char *value,
    struct target_text *t)
{
	char why[160];
	int64_t total;
	const char *d;

	if (t->set)
		return fail(p, key, "given twice");
	t->set = true;
	if (strcmp(value, "none") == 0) {
		t->none = true;
		return 1;
	}
	if (ov_duration_parse(value, &total, why, sizeof why) != 0)
		return fail(p, key, "%s: '%.40s'", why, value);
	if (total <= 0)
		return fail(p, key, "must be longer than 0: '%.40s'", value);
	if (total > MAX_TARGET)
		return fail(p, key, "must be at most 366d: '%.40s'", value);
	t->none = false;
	t->days = 0;
	d = strchr(value, 'd');
	if (d != NULL)
		t->days = strtoll(value, NULL, 10);
	t->rest = total - t->days * DAY;
	return 1;
}

static int
plan_money_field(struct parser *p, struct ov_plan *plan,
    struct plan_draft *draft, const char *key, const char *value)
{
	char why[160];

	if (strcmp(key, "price") == 0) {
		if (draft->has_price)
			return fail(p, key, "given twice");
		if (ov_decimal_parse(value, &plan->price, why, sizeof why) != 0)
			return fail(p, key, "%s: '%.40s'", why, value);
		if (plan->price.units < 0)
			return fail(p, key, "must not be negative: '%.40s'",
			    value);
		draft->has_price = true;
		return 1;
	}
	if (draft->has_minimum)
		return fail(p, key, "given twice");
	if (ov_cents_parse(value, &plan->minimum_cents, why, sizeof why) != 0)
		return fail(p, key, "%s: '%.40s'", why, value);
	if (plan->minimum_cents < 0)
		return fail(p, key, "must not be negative: '%.40s'", value);
	draft->has_minimum = true;
	return 1;
}

static int
plan_hours_field(struct parser *p, struct ov_plan *plan, const char *key,
    const char *value)
{
	struct ov_decimal h;
	int64_t pow = 1;
	char why[160];

	if (ov_decimal_parse(value, &h, why, sizeof why) != 0)
		return fail(p, key, "%s: '%.40s'", why, value);
	for (int i = 0; i < h.scale; i++)
		pow *= 10;
	if (h.units < 0 || h.units > INT64_MAX / 60 || h.units * 60 % pow)
		return fail(p, key, "must be a non-negative number of whole "
		    "minutes in hours: '%.40s'", value);
	plan->included_minutes = h.units * 60 / pow;
	return 1;
}

static int
plan_field(struct parser *p, struct ov_plan *plan, struct plan_draft *draft,
    const char *key, const char *value)
{
	for (int s = 0; s < 2; s++)
		for (int t = 0; t < 3; t++)
			if (strcmp(key, target_keys[s][t]) == 0)
				return parse_target(p, key, value,
				    &draft->target[s][t]);
	if (strcmp(key, "price") == 0 || strcmp(key, "minimum") == 0)
		return plan_money_field(p, plan, draft, key, value);
	if (strcmp(key, "included_hours") == 0) {
		if (draft->has_hours)
			return fail(p, key, "given twice");
		draft->has_hours = true;
		return plan_hours_field(p, plan, key, value);
	}
	if (strcmp(key, "clock") == 0) {
		if (draft->has_clock)
			return fail(p, key, "given twice");
		if (strcmp(value, "wall") == 0)
			plan->business_clock = false;
		else if (strcmp(value, "business") == 0)
			plan->business_clock = true;
		else
			return fail(p, key, "must be wall or business: "
			    "'%.40s'", value);
		draft->has_clock = true;
		return 1;
	}
	return fail(p, key, "unknown field in a plan section");
}

static bool
valid_plan_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof ((struct ov_plan *)0)->name)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' &&
		    s[i] <= 'Z') && !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* Finds the plan of a section, adding it on its first field. */
static int
plan_for_section(struct parser *p, const char *section)
{
	struct ov_plans *plans = p->plans;
	size_t i;

	for (i = 0; i < plans->count; i++)
		if (strcmp(plans->items[i].name, section) == 0)
			break;
	if (i < plans->count) {
		/* libinih gives no section events, so a repeated section is
		 * noticed only when a field comes after another section. */
		return (int)i;
	}
	if (!valid_plan_name(section)) {
		fail(p, "section", "invalid plan name '%.40s' (letters, "
		    "digits, . _ -, at most 31)", section);
		return -1;
	}
	plans->items = xrealloc(plans->items, (i + 1) * sizeof *plans->items);
	p->drafts = xrealloc(p->drafts, (i + 1) * sizeof *p->drafts);
	memset(&plans->items[i], 0, sizeof plans->items[i]);
	memset(&p->drafts[i], 0, sizeof p->drafts[i]);
	snprintf(plans->items[i].name, sizeof plans->items[i].name, "%s",
	    section);
	p->drafts[i].line = p->section_line;
	plans->count++;
	return (int)i;
}

static int
on_field(void *user, const char *section, const char *key, const char *value)
{
	struct parser *p = user;
	int i;

	if (section[0] == '\0')
		return fail(p, key, "field outside a section");
	if (strcmp(section, "calendar") == 0)
		return calendar_field(p, key, value);
	i = plan_for_section(p, section);
	if (i < 0)
		return 0;
	return plan_field(p, &p->plans->items[i], &p->drafts[i], key, value);
}

static void
set_default_calendar(struct ov_calendar *cal)
{
	memset(cal, 0, sizeof *cal);
	snprintf(cal->zone, sizeof cal->zone, "Europe/Madrid");
	for (int d = 0; d < 7; d++) {
		bool weekday = d >= 1 && d <= 5;

		cal->open_minute[d] = weekday ? 9 * 60 : -1;
		cal->close_minute[d] = weekday ? 18 * 60 : -1;
	}
	cal->business_day_seconds = 9 * HOUR;
}

static void
set_default_holidays(struct ov_calendar *cal)
{
	size_t n = sizeof default_holidays / sizeof default_holidays[0];

	cal->holidays = xrealloc(NULL, n * sizeof *cal->holidays);
	for (size_t i = 0; i < n; i++) {
		int ymd = default_holidays[i];

		cal->holidays[i] = ov_days_from_civil(ymd / 10000,
		    ymd / 100 % 100, ymd % 100);
	}
	cal->nholidays = n;
	cal->first_year = default_holidays[0] / 10000;
	cal->last_year = default_holidays[n - 1] / 10000;
	cal->holiday_file[0] = '\0';
}

static void
set_default_plan(struct ov_plan *plan, const char *name, int64_t price,
    int64_t minimum_cents, bool business)
{
	int64_t day = business ? 9 * HOUR : DAY;

	memset(plan, 0, sizeof *plan);
	snprintf(plan->name, sizeof plan->name, "%s", name);
	plan->price.units = price;
	plan->price.scale = 4;
	plan->minimum_cents = minimum_cents;
	plan->included_minutes = 5 * 60;
	plan->business_clock = business;
	plan->target[OV_CRITICAL][OV_REACTION] = 4 * HOUR;
	plan->target[OV_CRITICAL][OV_WORKAROUND] = business ? day : 24 * HOUR;
	plan->target[OV_CRITICAL][OV_RESOLUTION] = 7 * day;
	plan->target[OV_NORMAL_SEVERITY][OV_REACTION] = business ? day :
	    24 * HOUR;
	plan->target[OV_NORMAL_SEVERITY][OV_WORKAROUND] = OV_NO_TARGET;
	plan->target[OV_NORMAL_SEVERITY][OV_RESOLUTION] = 7 * day;
}

void
ov_plans_defaults(struct ov_plans *plans)
{
	memset(plans, 0, sizeof *plans);
	plans->count = 2;
	plans->items = xrealloc(NULL, 2 * sizeof *plans->items);
	set_default_plan(&plans->items[0], "24x7", 24, 20000, false);
	set_default_plan(&plans->items[1], "nbd", 6, 10000, true);
	set_default_calendar(&plans->calendar);
	set_default_holidays(&plans->calendar);
}

static int
cmp_days(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Checks that every year from the first to the last has holidays, so that
 * a missing year is never read as a year without holidays. */
static int
check_years(struct ov_calendar *cal, const char *path, char *err,
    size_t errsize)
{
	int y, m, d, prev;

	ov_civil_from_days(cal->holidays[0], &cal->first_year, &m, &d);
	prev = cal->first_year;
	for (size_t i = 1; i < cal->nholidays; i++) {
		ov_civil_from_days(cal->holidays[i], &y, &m, &d);
		if (y > prev + 1) {
			snprintf(err, errsize, "%s: date: no holidays listed "
			    "for %d, between %d and %d", path, prev + 1,
			    prev, y);
			return -1;
		}
		prev = y;
	}
	cal->last_year = prev;
	return 0;
}

static int
holiday_row(struct ov_calendar *cal, const struct ov_csv *csv,
    const struct ov_csv_row *row, char *err, size_t errsize)
{
	const char *v = ov_csv_get(csv, row, "date");
	char why[160];
	int64_t day;

	if (ov_date_parse(v, &day, why, sizeof why) != 0) {
		snprintf(err, errsize, "%s:%ld: date: %s: '%.40s'", csv->path,
		    row->line, why, v);
		return -1;
	}
	for (size_t j = 0; j < cal->nholidays; j++)
		if (cal->holidays[j] == day) {
			snprintf(err, errsize, "%s:%ld: date: duplicate "
			    "holiday '%.40s'", csv->path, row->line, v);
			return -1;
		}
	cal->holidays[cal->nholidays++] = day;
	return 0;
}

/* Loads the holiday CSV ("date,name") into the calendar. */
static int
load_holidays(struct ov_calendar *cal, const char *path, char *err,
    size_t errsize)
{
	static const char *const required[] = { "date", "name", NULL };
	struct ov_csv csv;

	if (ov_csv_load(path, required, &csv, err, errsize) != 0) {
		/* ov_csv_load() keeps the path when it cannot open the file. */
		ov_csv_free(&csv);
		return -1;
	}
	free(cal->holidays);
	cal->holidays = xrealloc(NULL, (csv.nrows + 1) * sizeof(int64_t));
	cal->nholidays = 0;
	for (size_t i = 0; i < csv.nrows; i++)
		if (holiday_row(cal, &csv, &csv.rows[i], err, errsize) != 0) {
			ov_csv_free(&csv);
			return -1;
		}
	ov_csv_free(&csv);
	if (cal->nholidays == 0) {
		snprintf(err, errsize, "%s: date: no holidays listed; the "
		    "calendar needs every year it is used for", path);
		return -1;
	}
	qsort(cal->holidays, cal->nholidays, sizeof *cal->holidays, cmp_days);
	if (strlen(path) >= sizeof cal->holiday_file) {
		snprintf(err, errsize, "%s: path too long", path);
		return -1;
	}
	memcpy(cal->holiday_file, path, strlen(path) + 1);
	return check_years(cal, path, err, errsize);
}

/* Turns a target as written into seconds on the plan's clock. */
static int64_t
resolve_target(const struct target_text *t, bool business,
    int64_t business_day)
{
	if (!t->set || t->none)
		return OV_NO_TARGET;
	return t->days * (business ? business_day : DAY) + t->rest;
}

static int
finish_plan(struct parser *p, size_t i)
{
	struct ov_plan *plan = &p->plans->items[i];
	struct plan_draft *draft = &p->drafts[i];
	int64_t bday = p->plans->calendar.business_day_seconds;

	p->line = draft->line;
	if (!draft->has_price)
		return fail(p, "price", "missing in [%s]", plan->name);
	if (!draft->has_minimum)
		return fail(p, "minimum", "missing in [%s]", plan->name);
	if (!draft->has_clock)
		return fail(p, "clock", "missing in [%s]", plan->name);
	for (int s = 0; s < 2; s++)
		for (int t = 0; t < 3; t++) {
			if (t != OV_WORKAROUND && !draft->target[s][t].set)
				return fail(p, target_keys[s][t],
				    "missing in [%s]", plan->name);
			plan->target[s][t] = resolve_target(
			    &draft->target[s][t], plan->business_clock, bday);
		}
	return 1;
}

/* Resolves the holiday path against the folder of the conf file. */
static void
holiday_path(const char *conf, const char *name, char *buf, size_t size)
{
	const char *slash = strrchr(conf, '/');

	if (name[0] == '/' || slash == NULL)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%.*s/%s", (int)(slash - conf), conf,
		    name);
}

static int
finish(struct parser *p, char *err, size_t errsize)
{
	char path[1024];

	if (p->plans->count == 0) {
		p->line = 1;
		fail(p, "section", "no plan section");
	}
	for (size_t i = 0; i < p->plans->count && !p->failed; i++)
		finish_plan(p, i);
	if (p->failed) {
		snprintf(err, errsize, "%s", p->err);
		return -1;
	}
	if (p->holidays[0] == '\0')
		return 0;
	holiday_path(p->path, p->holidays, path, sizeof path);
	if (load_holidays(&p->plans->calendar, path, err, errsize) != 0)
		return -1;
	return 0;
}

static int
parse_file(struct parser *p, char *err, size_t errsize)
{
	int rc;

	p->f = fopen(p->path, "r");
	if (p->f == NULL) {
		snprintf(err, errsize, "%s: %s", p->path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(read_line, p, on_field, p);
	free(p->buf);
	if (ferror(p->f)) {
		snprintf(err, errsize, "%s: read error: %s", p->path,
		    strerror(errno));
		fclose(p->f);
		return -1;
	}
	fclose(p->f);
	if (rc > 0 && (!p->failed || rc < p->error_line)) {
		/* A syntax error libinih found by itself, such as a line
		 * that is neither a section, a field nor a comment, and that
		 * comes before any error of ours. */
		p->failed = false;
		p->line = rc;
		fail(p, "line", "invalid syntax (expected [section], "
		    "name = value or a ; comment)");
	}
	if (p->failed) {
		snprintf(err, errsize, "%s", p->err);
		return -1;
	}
	return finish(p, err, errsize);
}

int
ov_plans_load(const char *path, struct ov_plans *plans, char *err,
    size_t errsize)
{
	struct parser p;
	char found[512];
	int rc;

	ov_plans_defaults(plans);
	if (path == NULL) {
		if (!ov_data_path("plans.conf", found, sizeof found)) {
			ov_note(1, "no plans.conf found ($OV_DATADIR, /etc/ov, "
			    "the installed share/ov): using the built-in plans "
			    "and Madrid calendar");
			return 0;
		}
		ov_note(1, "plans from %s", found);
		path = found;
	}
	memset(&p, 0, sizeof p);
	p.path = path;
	p.plans = plans;
	/* A file replaces the compiled-in plans; the calendar keeps the
	 * defaults for the fields the file leaves out. */
	plans->count = 0;
	rc = parse_file(&p, err, errsize);
	free(p.drafts);
	if (rc != 0) {
		ov_plans_free(plans);
		return -1;
	}
	snprintf(plans->path, sizeof plans->path, "%s", path);
	return 0;
}

const struct ov_plan *
ov_plan_find(const struct ov_plans *plans, const char *name)
{
	for (size_t i = 0; i < plans->count; i++)
		if (strcmp(plans->items[i].name, name) == 0)
			return &plans->items[i];
	return NULL;
}

void
ov_plans_free(struct ov_plans *plans)
{
	free(plans->items);
	free(plans->calendar.holidays);
	plans->items = NULL;
	plans->calendar.holidays = NULL;
	plans->count = 0;
	plans->calendar.nholidays = 0;
}

int
ov_severity_parse(const char *s, enum ov_severity *out)
{
	if (strcmp(s, "critical") == 0)
		*out = OV_CRITICAL;
	else if (strcmp(s, "normal") == 0)
		*out = OV_NORMAL_SEVERITY;
	else
		return -1;
	return 0;
}

const char *
ov_severity_name(enum ov_severity s)
{
	return s == OV_CRITICAL ? "critical" : "normal";
}

const char *
ov_target_name(enum ov_target t)
{
	static const char *const names[] = { "reaction", "workaround",
		"resolution" };

	return names[t];
}
