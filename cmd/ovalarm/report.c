/*
 * The monthly surveillance report.  Samples are folded per deployment into
 * fixed-size tables (one entry per minute of the month, one CPU histogram
 * per media node), so memory grows with the number of deployments and
 * nodes, not with the input.  The alarm rules run over the same input to
 * count the alarms that fired in the month.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "civil.h"
#include "cli.h"
#include "diag.h"
#include "eval.h"
#include "json.h"
#include "record.h"
#include "report.h"
#include "rules.h"
#include "table.h"

/* Flags of one minute of a deployment. */
enum {
	MINUTE_UP = 1,		/* an "up" sample of 1 */
	MINUTE_DOWN = 2,	/* an "up" sample of 0 */
	MINUTE_HEALTHY = 4,	/* a "health.up" sample of 1 */
	MINUTE_UNHEALTHY = 8,	/* a "health.up" sample of 0 */
};

/* CPU load histogram: 0.1 percentage-point bins from 0 to 100. */
#define CPU_BINS 1001

struct peak {
	double value;
	int64_t at;
	bool seen;
};

struct range {
	double min, max;
	bool seen;
};

struct node_cpu {
	char *node;
	uint32_t bins[CPU_BINS];
	double max;
	long samples;
};

struct rule_count {
	const char *rule;
	long fired;
};

/* Figures of one deployment in one month. */
struct stats {
	bool seen;		/* a record fell in the month */
	uint8_t *minutes;
	uint16_t *cores;	/* largest core count + 1 per minute; 0 none */
	struct range media_nodes, cores_range;
	struct peak sessions, connections, publishers, participants;
	long recordings_started, recordings_failed;
	struct node_cpu **nodes;
	size_t nnodes;
	struct rule_count *alarms;
	size_t nalarms;
};

/* The reported month and the one before, for the comparison. */
enum { PREVIOUS, CURRENT };

struct deployment {
	char *name, *customer;
	struct stats stats[2];
};

struct span {
	int64_t from, to;
	long nminutes;
};

struct report {
	int year, month;
	struct span span[2];
	int64_t max_gap;
	struct deployment **deps;
	size_t ndeps;
	struct engine engine;
	struct reader reader;
};

static void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
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

static struct deployment *
find_deployment(struct report *rp, const char *name, const char *customer)
{
	static size_t last;
	struct deployment *d;

	if (last < rp->ndeps && strcmp(rp->deps[last]->name, name) == 0)
		return rp->deps[last];
	for (last = 0; last < rp->ndeps; last++)
		if (strcmp(rp->deps[last]->name, name) == 0)
			return rp->deps[last];
	d = calloc(1, sizeof *d);
	if (d == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	d->name = xstrdup(name);
	d->customer = xstrdup(customer);
	for (int k = PREVIOUS; k <= CURRENT; k++) {
		struct stats *st = &d->stats[k];
		size_t n = (size_t)rp->span[k].nminutes;

		st->minutes = calloc(n, 1);
		st->cores = calloc(n, sizeof *st->cores);
		if (st->minutes == NULL || st->cores == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	rp->deps = xrealloc(rp->deps, (rp->ndeps + 1) * sizeof *rp->deps);
	rp->deps[rp->ndeps] = d;
	last = rp->ndeps++;
	return d;
}

static struct node_cpu *
find_node(struct stats *d, const char *node)
{
	struct node_cpu *n;

	for (size_t i = 0; i < d->nnodes; i++)
		if (strcmp(d->nodes[i]->node, node) == 0)
			return d->nodes[i];
	n = calloc(1, sizeof *n);
	if (n == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	n->node = xstrdup(node);
	d->nodes = xrealloc(d->nodes, (d->nnodes + 1) * sizeof *d->nodes);
	d->nodes[d->nnodes++] = n;
	return n;
}

static void
update_peak(struct peak *p, double value, int64_t t)
{
	/* The first instant the peak was reached is kept. */
	if (!p->seen || value > p->value || (value == p->value && t < p->at)) {
		p->value = value;
		p->at = t;
		p->seen = true;
	}
}

static void
update_range(struct range *r, double value)
{
	if (!r->seen || value < r->min)
		r->min = value;
	if (!r->seen || value > r->max)
		r->max = value;
	r->seen = true;
}

static void
add_cpu(struct stats *d, const struct view *v)
{
	struct node_cpu *n = find_node(d, v->node);
	double clamped = fmin(fmax(v->value, 0), 100);

	n->bins[(int)lround(clamped * 10)]++;
	if (n->samples == 0 || v->value > n->max)
		n->max = v->value;
	n->samples++;
}

static void
add_cores(struct stats *d, long minute, double value)
{
	/* The per-minute table holds up to 65534 cores. */
	long cores = lround(fmin(fmax(value, 0), 65534));

	if (cores + 1 > d->cores[minute])
		d->cores[minute] = (uint16_t)(cores + 1);
	update_range(&d->cores_range, value);
}

/* Returns the month of an instant (PREVIOUS or CURRENT), or -1. */
static int
span_of(const struct report *rp, int64_t t)
{
	for (int k = PREVIOUS; k <= CURRENT; k++)
		if (t >= rp->span[k].from && t < rp->span[k].to)
			return k;
	return -1;
}

/* Folds one sample into its deployment's figures of its month. */
static void
add_sample(struct report *rp, const struct view *v, int k)
{
	struct stats *d = &find_deployment(rp, v->deployment,
	    v->customer)->stats[k];
	long minute = (long)((v->time - rp->span[k].from) / 60);
	const char *m = v->name;

	d->seen = true;
	if (strcmp(m, "up") == 0)
		d->minutes[minute] |= v->value == 1 ? MINUTE_UP : MINUTE_DOWN;
	else if (strcmp(m, "health.up") == 0)
		d->minutes[minute] |= v->value == 1 ? MINUTE_HEALTHY :
		    MINUTE_UNHEALTHY;
	else if (strcmp(m, "node.cpu_load") == 0 && *v->node)
		add_cpu(d, v);
	else if (strcmp(m, "cluster.cores") == 0)
		add_cores(d, minute, v->value);
	else if (strcmp(m, "cluster.media_nodes") == 0)
		update_range(&d->media_nodes, v->value);
	else if (strcmp(m, "sessions.active") == 0)
		update_peak(&d->sessions, v->value, v->time);
	else if (strcmp(m, "connections.active") == 0)
		update_peak(&d->connections, v->value, v->time);
	else if (strcmp(m, "publishers.active") == 0)
		update_peak(&d->publishers, v->value, v->time);
	else if (strcmp(m, "participants.active") == 0)
		update_peak(&d->participants, v->value, v->time);
}

static void
add_event(struct report *rp, const struct view *v, int k)
{
	struct stats *d;
	const char *status = "";

	if (strcmp(v->name, "recordingStatusChanged") != 0)
		return;
	for (int i = 0; i < v->nkv; i++)
		if (strcmp(v->kv[i].key, "status") == 0)
			status = v->kv[i].value;
	d = &find_deployment(rp, v->deployment, v->customer)->stats[k];
	d->seen = true;
	if (strcmp(status, "started") == 0)
		d->recordings_started++;
	else if (strcmp(status, "failed") == 0)
		d->recordings_failed++;
}

/* Counts the alarms that fire in the month, per deployment and rule. */
static void
count_alarm(const struct alarm *a, void *ctx)
{
	struct report *rp = ctx;
	const struct series *s = a->series;
	int k = span_of(rp, a->time);
	struct stats *d;
	size_t i;

	if (!a->firing || k < 0)
		return;
	d = &find_deployment(rp, s->deployment, s->customer)->stats[k];
	for (i = 0; i < d->nalarms; i++)
		if (strcmp(d->alarms[i].rule, s->rule->name) == 0)
			break;
	if (i == d->nalarms) {
		d->alarms = xrealloc(d->alarms, (i + 1) * sizeof *d->alarms);
		d->alarms[i].rule = s->rule->name;
		d->alarms[i].fired = 0;
		d->nalarms++;
	}
	d->alarms[i].fired++;
}

static int
on_report_record(struct ov_record *rec, void *ctx)
{
	struct report *rp = ctx;
	struct view v;
	bool event;
	int k, rc = reader_read(&rp->reader, rec, &v, &event);

	if (rc <= 0)
		return rc;
	if (event)
		engine_event(&rp->engine, &v);
	else
		engine_sample(&rp->engine, &v);
	engine_advance(&rp->engine, v.time);
	k = span_of(rp, v.time);
	if (k >= 0 && event)
		add_event(rp, &v, k);
	else if (k >= 0)
		add_sample(rp, &v, k);
	return 0;
}

/* ---- results ---- */

struct totals {
	long up, down, unknown;
	int64_t core_minutes;
};

/*
 * Classifies every minute: up when "up" was 1 and health (when sampled)
 * was UP, down otherwise, and unknown without a sample.  A minute without
 * a sample takes the state of the last sampled minute when that is less
 * than the maximum gap before it.  Core counts follow ovbill's charging
 * rule instead, so that the report's core-minutes match the invoice: a
 * minute without a sample takes the last count only when the next sampled
 * minute comes at most the maximum gap after the last one.
 */
static void
sum_minutes(const struct report *rp, int k, const struct stats *d,
    struct totals *t)
{
	long last = -1, last_cores = -1, next_cores = -1;
	long gap = (long)(rp->max_gap / 60);
	long n = rp->span[k].nminutes;

	memset(t, 0, sizeof *t);
	for (long i = 0; i < n; i++) {
		long from = i, cores = i;

		if (d->minutes[i] != 0)
			last = i;
		else if (last >= 0 && i - last < gap)
			from = last;
		if (next_cores < i) {
			next_cores = i;
			while (next_cores < n && d->cores[next_cores] == 0)
				next_cores++;
		}
		if (d->cores[i] != 0)
			last_cores = i;
		else if (last_cores >= 0 && next_cores < n &&
		    next_cores - last_cores <= gap)
			cores = last_cores;
		if (d->minutes[from] == 0)
			t->unknown++;
		else if (d->minutes[from] & (MINUTE_DOWN | MINUTE_UNHEALTHY))
			t->down++;
		else
			t->up++;
		if (d->cores[cores] > 0)
			t->core_minutes += d->cores[cores] - 1;
	}
}

/* Returns the q-quantile of a node's CPU load by the nearest-rank method
 * over the histogram.  Values are rounded to the nearest 0.1 point when
 * counted, so the result is within 0.05 point of the exact quantile. */
static double
cpu_quantile(const struct node_cpu *n, double q)
{
	long rank = (long)ceil(q * (double)n->samples), seen = 0;

	if (rank < 1)
		rank = 1;
	for (int i = 0; i < CPU_BINS; i++) {
		seen += n->bins[i];
		if (seen >= rank)
			return i / 10.0;
	}
	return 100;
}

static void
add_peak(struct ov_buf *b, const char *key, const char *at,
    const struct peak *p)
{
	if (!p->seen) {
		ov_rec_null(b, key);
		ov_rec_null(b, at);
		return;
	}
	ov_rec_num(b, key, p->value);
	ov_rec_time(b, at, p->at);
}

static void
add_range(struct ov_buf *b, const char *min, const char *max,
    const struct range *r)
{
	if (!r->seen) {
		ov_rec_null(b, min);
		ov_rec_null(b, max);
		return;
	}
	ov_rec_num(b, min, r->min);
	ov_rec_num(b, max, r->max);
}

static double
availability(const struct totals *t)
{
	/* Up minutes as a percentage of the known ones, to 0.001. */
	return round(100000.0 * (double)t->up / (double)(t->up + t->down)) /
	    1000.0;
}

static int
compare_nodes(const void *a, const void *b)
{
	return strcmp((*(struct node_cpu *const *)a)->node,
	    (*(struct node_cpu *const *)b)->node);
}

static int
compare_counts(const void *a, const void *b)
{
	return strcmp(((const struct rule_count *)a)->rule,
	    ((const struct rule_count *)b)->rule);
}

static void
add_cpu_list(struct ov_buf *b, struct stats *d)
{
	if (d->nnodes > 1)
		qsort(d->nodes, d->nnodes, sizeof *d->nodes, compare_nodes);
	ov_buf_adds(b, ",\"cpu\":[");
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct node_cpu *n = d->nodes[i];

		ov_buf_adds(b, i ? ",{" : "{");
		ov_rec_str(b, "node", n->node);
		ov_rec_int(b, "samples", n->samples);
		ov_rec_num(b, "median", cpu_quantile(n, 0.5));
		ov_rec_num(b, "p95", cpu_quantile(n, 0.95));
		ov_rec_num(b, "max", n->max);
		ov_buf_addc(b, '}');
	}
	ov_buf_addc(b, ']');
}

static long
count_alarms(const struct stats *d)
{
	long total = 0;

	for (size_t i = 0; i < d->nalarms; i++)
		total += d->alarms[i].fired;
	return total;
}

static long
add_alarm_counts(struct ov_buf *b, struct stats *d)
{
	long total = 0;

	if (d->nalarms > 1)
		qsort(d->alarms, d->nalarms, sizeof *d->alarms,
		    compare_counts);
	ov_rec_open(b, "alarms");
	for (size_t i = 0; i < d->nalarms; i++) {
		ov_rec_int(b, d->alarms[i].rule, d->alarms[i].fired);
		total += d->alarms[i].fired;
	}
	ov_rec_close(b);
	return total;
}

/* Adds the key figures of the month before, for the comparison. */
static void
add_previous(struct report *rp, const struct deployment *dep,
    struct ov_buf *b)
{
	const struct stats *d = &dep->stats[PREVIOUS];
	struct totals t;

	if (!d->seen) {
		ov_rec_null(b, "previous");
		return;
	}
	sum_minutes(rp, PREVIOUS, d, &t);
	ov_rec_open(b, "previous");
	ov_rec_time(b, "from", rp->span[PREVIOUS].from);
	ov_rec_time(b, "to", rp->span[PREVIOUS].to);
	ov_rec_int(b, "minutes_up", t.up);
	ov_rec_int(b, "minutes_down", t.down);
	ov_rec_int(b, "minutes_unknown", t.unknown);
	if (t.up + t.down > 0)
		ov_rec_num(b, "availability_percent", availability(&t));
	else
		ov_rec_null(b, "availability_percent");
	add_peak(b, "peak_sessions", "peak_sessions_at", &d->sessions);
	add_peak(b, "peak_connections", "peak_connections_at",
	    &d->connections);
	ov_rec_int(b, "core_minutes", t.core_minutes);
	ov_rec_int(b, "recordings_failed", d->recordings_failed);
	ov_rec_int(b, "alarms_fired", count_alarms(d));
	ov_rec_close(b);
}

static void
write_report(struct report *rp, struct deployment *dep, struct ov_buf *b)
{
	struct stats *d = &dep->stats[CURRENT];
	struct totals t;
	char period[16];
	long fired;

	sum_minutes(rp, CURRENT, d, &t);
	snprintf(period, sizeof period, "%04d-%02d", rp->year, rp->month);
	ov_rec_begin(b, "report");
	ov_rec_str(b, "period", period);
	if (*dep->customer)
		ov_rec_str(b, "customer", dep->customer);
	ov_rec_str(b, "deployment", dep->name);
	ov_rec_time(b, "from", rp->span[CURRENT].from);
	ov_rec_time(b, "to", rp->span[CURRENT].to);
	ov_rec_int(b, "minutes", rp->span[CURRENT].nminutes);
	ov_rec_int(b, "minutes_up", t.up);
	ov_rec_int(b, "minutes_down", t.down);
	ov_rec_int(b, "minutes_unknown", t.unknown);
	if (t.up + t.down > 0)
		ov_rec_num(b, "availability_percent", availability(&t));
	else
		ov_rec_null(b, "availability_percent");
	add_range(b, "media_nodes_min", "media_nodes_max", &d->media_nodes);
	add_cpu_list(b, d);
	add_peak(b, "peak_sessions", "peak_sessions_at", &d->sessions);
	add_peak(b, "peak_connections", "peak_connections_at",
	    &d->connections);
	add_peak(b, "peak_publishers", "peak_publishers_at", &d->publishers);
	add_peak(b, "peak_participants", "peak_participants_at",
	    &d->participants);
	add_range(b, "cores_min", "cores_max", &d->cores_range);
	ov_rec_int(b, "core_minutes", t.core_minutes);
	ov_rec_int(b, "recordings_started", d->recordings_started);
	ov_rec_int(b, "recordings_failed", d->recordings_failed);
	fired = add_alarm_counts(b, d);
	ov_rec_int(b, "alarms_fired", fired);
	add_previous(rp, dep, b);
	ov_rec_end(b);
}

/* ---- CSV and terminal table ---- */

static const char *const csv_columns[] = {
	"period", "customer", "deployment", "minutes_up", "minutes_down",
	"minutes_unknown", "availability_percent", "media_nodes_min",
	"media_nodes_max", "cpu_p95_max", "cpu_max", "peak_sessions",
	"peak_sessions_at", "peak_connections", "peak_connections_at",
	"cores_min", "cores_max", "core_minutes", "recordings_started",
	"recordings_failed", "alarms_fired", NULL,
};
#define NCOLUMNS (sizeof csv_columns / sizeof csv_columns[0] - 1)

static void
cell_number(char *cell, bool seen, double value)
{
	if (seen)
		snprintf(cell, 48, "%.15g", value);
	else
		cell[0] = '\0';
}

static void
cell_time(char *cell, bool seen, int64_t t)
{
	if (seen)
		ov_time_format(t, cell);
	else
		cell[0] = '\0';
}

/* Fills the cells of one deployment's CSV row (empty when not measured). */
static void
fill_cells(const struct report *rp, const struct deployment *dep,
    char cells[][48])
{
	const struct stats *d = &dep->stats[CURRENT];
	struct totals t;
	double p95 = 0, max = 0;
	long fired = count_alarms(d);

	sum_minutes(rp, CURRENT, d, &t);
	for (size_t i = 0; i < d->nnodes; i++) {
		p95 = fmax(p95, cpu_quantile(d->nodes[i], 0.95));
		max = i == 0 ? d->nodes[i]->max : fmax(max, d->nodes[i]->max);
	}
	snprintf(cells[0], 48, "%04d-%02d", rp->year, rp->month);
	snprintf(cells[1], 48, "%s", dep->customer);
	snprintf(cells[2], 48, "%s", dep->name);
	snprintf(cells[3], 48, "%ld", t.up);
	snprintf(cells[4], 48, "%ld", t.down);
	snprintf(cells[5], 48, "%ld", t.unknown);
	cell_number(cells[6], t.up + t.down > 0, t.up + t.down > 0 ?
	    availability(&t) : 0);
	cell_number(cells[7], d->media_nodes.seen, d->media_nodes.min);
	cell_number(cells[8], d->media_nodes.seen, d->media_nodes.max);
	cell_number(cells[9], d->nnodes > 0, p95);
	cell_number(cells[10], d->nnodes > 0, max);
	cell_number(cells[11], d->sessions.seen, d->sessions.value);
	cell_time(cells[12], d->sessions.seen, d->sessions.at);
	cell_number(cells[13], d->connections.seen, d->connections.value);
	cell_time(cells[14], d->connections.seen, d->connections.at);
	cell_number(cells[15], d->cores_range.seen, d->cores_range.min);
	cell_number(cells[16], d->cores_range.seen, d->cores_range.max);
	snprintf(cells[17], 48, "%lld", (long long)t.core_minutes);
	snprintf(cells[18], 48, "%ld", d->recordings_started);
	snprintf(cells[19], 48, "%ld", d->recordings_failed);
	snprintf(cells[20], 48, "%ld", fired);
}

static void
csv_line(const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			putchar(',');
		/* Quoted only when needed, as most CSV writers do. */
		if (strpbrk(fields[i], ",\"\r\n") != NULL)
			csv_fwrite(stdout, fields[i], strlen(fields[i]));
		else
			fputs(fields[i], stdout);
	}
	putchar('\n');
}

static void
write_csv(struct report *rp)
{
	char cells[NCOLUMNS][48];
	const char *fields[NCOLUMNS];

	csv_line(csv_columns, NCOLUMNS);
	for (size_t i = 0; i < rp->ndeps; i++) {
		fill_cells(rp, rp->deps[i], cells);
		for (size_t j = 0; j < NCOLUMNS; j++)
			fields[j] = cells[j];
		csv_line(fields, NCOLUMNS);
	}
}

static void
write_table(struct report *rp)
{
	static const char *const titles[] = {
		"deployment", ">available %", ">unknown min", ">media nodes",
		">CPU p95", ">peak sessions", ">peak connections",
		">core-minutes", ">failed recordings", ">alarms", NULL,
	};
	static const int columns[] = { 2, 6, 5, 8, 9, 11, 13, 17, 19, 20 };
	struct ov_table *table = ov_table_new(titles);
	char cells[NCOLUMNS][48];
	const char *row[10];

	for (size_t i = 0; i < rp->ndeps; i++) {
		fill_cells(rp, rp->deps[i], cells);
		for (size_t j = 0; j < 10; j++)
			row[j] = cells[columns[j]];
		ov_table_add(table, row);
	}
	ov_table_print(table, stdout);
}

/* ---- the command ---- */

enum {
	OPT_MONTH = OV_OPT_FIRST_PROGRAM_OPTION + 50,
	OPT_CSV,
	OPT_TZ,
	OPT_MAX_GAP,
	OPT_RULES,
	OPT_RULES_DIR,
};

static const struct option report_longopts[] = {
	OV_COMMON_LONGOPTS,
	OV_LOOP_LONGOPTS,
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "max-gap", required_argument, NULL, OPT_MAX_GAP },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "rules-dir", required_argument, NULL, OPT_RULES_DIR },
	{ NULL, 0, NULL, 0 },
};

static const struct ov_help report_help = {
	.usage = "usage: " REPORT_SYNOPSIS,
	.text =
	    "\nWrites one report record per deployment for a calendar month: "
	    "availability,\nmedia nodes, CPU load per node, peaks of sessions "
	    "and connections, cores,\nrecordings and the alarms that fired.\n\n"
	    "  --month YYYY-MM     the month, in the time zone of --tz\n"
	    "  --tz ZONE           time zone of the month (default "
	    "Europe/Madrid)\n"
	    "  --max-gap DURATION  a sample also covers the minutes after it, "
	    "up to this\n"
	    "                      gap (default 5m); longer gaps count as "
	    "unknown\n"
	    "  --csv               write CSV, one row per deployment\n"
	    "  --rules FILE, --rules-dir DIR   the alarm rules, as for "
	    "ovalarm\n"
	    "  --strict, --rejects FILE, --max-line BYTES, -q, -v, --help\n",
};

struct report_options {
	const char *rules, *rules_dir, *zone;
	bool csv, month_set;
};

static int
parse_report_options(int argc, char **argv, struct report_options *o,
    struct report *rp, struct ov_loop *loop)
{
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":qv", report_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case OPT_MONTH:
			ov_cli_month("--month", optarg, &rp->year, &rp->month);
			o->month_set = true;
			break;
		case OPT_CSV:
			o->csv = true;
			break;
		case OPT_TZ:
			o->zone = optarg;
			break;
		case OPT_MAX_GAP:
			rp->max_gap = ov_cli_duration("--max-gap", optarg);
			if (rp->max_gap < 60)
				ov_usage_error("--max-gap '%s': must be at least 1m",
				    optarg);
			break;
		case OPT_RULES:
			o->rules = optarg;
			break;
		case OPT_RULES_DIR:
			o->rules_dir = optarg;
			break;
		default:
			if (!ov_cli_common(opt, optarg, argc, argv,
			    report_longopts, &report_help, loop))
				ov_usage_error("unexpected option");
		}
	}
	if (!o->month_set)
		ov_usage_error("missing --month YYYY-MM");
	return optind;
}

/* Returns the instant local midnight starts the first of a month. */
static int64_t
month_start(int year, int month)
{
	struct ov_civil c = { year, month, 1, 0, 0, 0 };

	return ov_time_from_local(&c);
}

/* Sets the bounds of the month and the month before in the chosen zone. */
static void
set_period(struct report *rp, const char *zone)
{
	int y = rp->year, m = rp->month;
	char err[160];

	if (ov_zone_set(zone, err, sizeof err) < 0)
		ov_usage_error("--tz '%s': %s", zone, err);
	rp->span[PREVIOUS].from = month_start(m == 1 ? y - 1 : y,
	    m == 1 ? 12 : m - 1);
	rp->span[CURRENT].from = month_start(y, m);
	rp->span[PREVIOUS].to = rp->span[CURRENT].from;
	rp->span[CURRENT].to = month_start(m == 12 ? y + 1 : y,
	    m == 12 ? 1 : m + 1);
	for (int k = PREVIOUS; k <= CURRENT; k++)
		rp->span[k].nminutes = (long)((rp->span[k].to -
		    rp->span[k].from) / 60);
}

static int
compare_deployments(const void *a, const void *b)
{
	return strcmp((*(struct deployment *const *)a)->name,
	    (*(struct deployment *const *)b)->name);
}

static void
free_deployment(struct deployment *dep)
{
	for (int k = PREVIOUS; k <= CURRENT; k++) {
		struct stats *d = &dep->stats[k];

		for (size_t j = 0; j < d->nnodes; j++) {
			free(d->nodes[j]->node);
			free(d->nodes[j]);
		}
		free(d->nodes);
		free(d->alarms);
		free(d->minutes);
		free(d->cores);
	}
	free(dep->name);
	free(dep->customer);
	free(dep);
}

static void
free_report(struct report *rp)
{
	for (size_t i = 0; i < rp->ndeps; i++)
		free_deployment(rp->deps[i]);
	free(rp->deps);
}

/* Keeps the deployments seen in the reported month, sorted by name.  The
 * others only had records in the month before. */
static void
select_deployments(struct report *rp)
{
	size_t n = 0;

	for (size_t i = 0; i < rp->ndeps; i++) {
		if (rp->deps[i]->stats[CURRENT].seen)
			rp->deps[n++] = rp->deps[i];
		else
			free_deployment(rp->deps[i]);
	}
	rp->ndeps = n;
	if (rp->ndeps > 1)
		qsort(rp->deps, rp->ndeps, sizeof *rp->deps,
		    compare_deployments);
}

static void
write_output(struct report *rp, bool csv)
{
	struct ov_buf b = { 0 };

	select_deployments(rp);
	if (csv) {
		write_csv(rp);
	} else if (ov_stdout_is_terminal()) {
		write_table(rp);
	} else {
		for (size_t i = 0; i < rp->ndeps; i++) {
			write_report(rp, rp->deps[i], &b);
			ov_out_write(&b);
		}
	}
	ov_buf_free(&b);
}

int
report_main(int argc, char **argv)
{
	struct report_options o = { .zone = "Europe/Madrid" };
	struct report *rp = calloc(1, sizeof *rp);
	struct ruleset rules = { 0 };
	struct ov_loop loop;
	int first, status = OV_EXIT_OK;

	if (rp == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	rp->max_gap = 5 * 60;
	ov_loop_init(&loop);
	first = parse_report_options(argc, argv, &o, rp, &loop);
	set_period(rp, o.zone);
	rules_load_all(&rules, o.rules, o.rules_dir);
	engine_init(&rp->engine, &rules, count_alarm, rp);
	reader_init(&rp->reader, loop.max_line);
	ov_out_init();

	if (ov_loop_run(&loop, argv + first, argc - first, on_report_record,
	    rp) < 0 || ov_loop_finish(&loop) < 0)
		status = OV_EXIT_FAIL;
	engine_advance(&rp->engine, rp->span[CURRENT].to);
	write_output(rp, o.csv);
	ov_out_flush();

	engine_free(&rp->engine);
	reader_free(&rp->reader);
	rules_free(&rules);
	free_report(rp);
	free(rp);
	return status;
}
