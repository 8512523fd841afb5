/*
 * The evolution pages of the portal: per month, line charts of the
 * availability, peak CPU load, peak participants and core-minutes of each
 * deployment, from the report records of "ovalarm report", and the latest
 * month's figures as a table.
 *
 * The charts are plain SVG without script.  Each deployment's series has
 * its own marker shape, line dash and colour, and a legend names it, so the
 * charts read in grey print too; every point carries a <title> with its
 * value.  A month without a report breaks the line; a month whose
 * availability is unknown shows the word "unknown" instead of a point.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "html.h"
#include "portal.h"

#define MAX_MONTHS 36		/* months shown, up to the latest */
#define PLOT_LEFT 70
#define PLOT_RIGHT 620
#define PLOT_TOP 20
#define PLOT_BOTTOM 170
#define LEGEND_TOP (PLOT_BOTTOM + 45)
#define LEGEND_ROW 18

enum measure { AVAILABILITY, CPU, PARTICIPANTS, CORE_MINUTES, NMEASURES };

static const char *const measure_titles[NMEASURES] = {
	"Availability (%)", "Peak CPU load of a media node (%)",
	"Peak participants (connections)", "Core-minutes",
};

static const char *const measure_classes[NMEASURES] = {
	"availability", "cpu", "participants", "core-minutes",
};

/* Okabe and Ito's palette, distinguishable with colour-blindness too;
 * the shapes and dashes distinguish the series without any colour. */
static const char *const colours[] = { "#0072b2", "#d55e00", "#009e73",
	"#cc79a7", "#e69f00", "#56b4e9", "#000000" };
static const char *const dashes[] = { "none", "6 3", "2 3", "8 3 2 3" };

#define NCOLOURS (sizeof colours / sizeof *colours)
#define NDASHES (sizeof dashes / sizeof *dashes)
#define NSHAPES 6

/* The reports of one customer (or of one chart section) laid out by
 * deployment and month; reports[] is sorted by deployment, then month. */
struct grid {
	const struct portal_report *reports;
	size_t nreports;
	size_t nseries;
	size_t *series;		/* index in reports of each series' first */
	int first, last;	/* months on the axis */
	bool cut;		/* older months left out */
};

static void
grid_init(struct grid *g, const struct portal_report *reports, size_t n)
{
	memset(g, 0, sizeof *g);
	g->reports = reports;
	g->nreports = n;
	if ((g->series = calloc(n + 1, sizeof *g->series)) == NULL)
		abort();
	g->first = g->last = n > 0 ? reports[0].month : 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(reports[i].deployment,
		    reports[i - 1].deployment) != 0)
			g->series[g->nseries++] = i;
		if (reports[i].month < g->first)
			g->first = reports[i].month;
		if (reports[i].month > g->last)
			g->last = reports[i].month;
	}
	g->series[g->nseries] = n;
	if (g->last - g->first + 1 > MAX_MONTHS) {
		g->first = g->last - MAX_MONTHS + 1;
		g->cut = true;
	}
}

/* Returns 1 with the value, 0 when the report has none (a gap), or -1 for
 * an availability the report gives as unknown. */
static int
measure_value(const struct portal_report *r, enum measure m, double *v)
{
	switch (m) {
	case AVAILABILITY:
		*v = r->availability;
		return r->has_availability ? 1 : -1;
	case CPU:
		*v = r->cpu_max;
		return r->has_cpu;
	case PARTICIPANTS:
		*v = (double)r->connections;
		return r->has_connections;
	default:
		*v = (double)r->core_minutes;
		return r->has_cores;
	}
}

static bool
shown(const struct grid *g, const struct portal_report *r)
{
	return r->month >= g->first && r->month <= g->last;
}

/* The smallest of 1, 2 and 5 times a power of ten at or above x. */
static double
round_up(double x)
{
	double p = 1;

	while (p * 10 <= x)
		p *= 10;
	for (int f = 1; f <= 10; f++)
		if ((f == 1 || f == 2 || f == 5 || f == 10) && f * p >= x)
			return f * p;
	return 10 * p;
}

/* The vertical range: 0 to 100 for CPU, a round maximum for counts, and
 * for availability the largest of 0, 50, 90, 95, 99 and 99.9 at or below
 * the lowest value, so that 99.95 and 99.99 stay apart. */
static void
measure_range(const struct grid *g, enum measure m, double *lo, double *hi)
{
	static const double floors[] = { 99.9, 99, 95, 90, 50, 0 };
	double min = 100, max = 1, v;

	for (size_t i = 0; i < g->nreports; i++) {
		if (!shown(g, &g->reports[i]) ||
		    measure_value(&g->reports[i], m, &v) != 1)
			continue;
		min = v < min ? v : min;
		max = v > max ? v : max;
	}
	*lo = 0;
	*hi = m == PARTICIPANTS || m == CORE_MINUTES ? round_up(max) : 100;
	if (m != AVAILABILITY)
		return;
	for (size_t i = 0; i < sizeof floors / sizeof *floors; i++) {
		if (floors[i] < min || (min == 100 && floors[i] == 99.9)) {
			*lo = floors[i];
			return;
		}
	}
}

static double
x_of(const struct grid *g, int month)
{
	double step = (double)(PLOT_RIGHT - PLOT_LEFT) /
	    (g->last - g->first + 1);

	return PLOT_LEFT + (month - g->first + 0.5) * step;
}

static double
y_of(double v, double lo, double hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return PLOT_BOTTOM - (v - lo) / (hi - lo) * (PLOT_BOTTOM - PLOT_TOP);
}

static void
format_value(char *buf, size_t size, enum measure m, double v)
{
	if (m == AVAILABILITY)
		snprintf(buf, size, "%.3f %%", v);
	else if (m == CPU)
		snprintf(buf, size, "%.1f %%", v);
	else
		snprintf(buf, size, "%lld", (long long)v);
}

/* Draws series s's marker centred on (x, y). */
static void
marker(struct ov_buf *b, size_t s, double x, double y)
{
	switch (s % NSHAPES) {
	case 0:
		ov_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>",
		    x, y);
		break;
	case 1:
		ov_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" "
		    "height=\"8\"/>", x - 4, y - 4);
		break;
	case 2:
		ov_buf_printf(b, "<path d=\"M%.1f %.1fl5 9h-10z\"/>", x,
		    y - 5);
		break;
	case 3:
		ov_buf_printf(b, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\"/>",
		    x, y - 5);
		break;
	case 4:
		ov_buf_printf(b, "<path d=\"M%.1f %.1fl5 -9h-10z\"/>", x,
		    y + 5);
		break;
	default:
		ov_buf_printf(b, "<path stroke-width=\"2\" d=\"M%.1f %.1fh10"
		    "M%.1f %.1fv10\"/>", x - 5, y, x, y - 5);
	}
}

/* Opens a group with series s's colour, fill and dash. */
static void
series_group(struct ov_buf *b, size_t s, const char *cls)
{
	const char *colour = colours[s % NCOLOURS];
	bool hollow = s / NSHAPES % 2 == 1;

	ov_buf_printf(b, "<g class=\"%s\" stroke=\"%s\" fill=\"%s\" "
	    "stroke-dasharray=\"%s\">", cls, colour,
	    hollow ? "#fff" : colour, dashes[s % NDASHES]);
}

static void
end_run(struct ov_buf *b, struct ov_buf *run, size_t npoints)
{
	if (npoints >= 2)
		ov_buf_printf(b, "<polyline fill=\"none\" points=\"%.*s\"/>",
		    (int)run->len, run->data);
	run->len = 0;
}

/* The lines of one series: a polyline over each run of consecutive months
 * with a value, so that a missing month leaves a gap.  A run of one month
 * draws no line: its marker shows it. */
static void
series_lines(struct ov_buf *b, const struct grid *g, size_t s,
    enum measure m, double lo, double hi)
{
	struct ov_buf run = { 0 };
	size_t npoints = 0;
	int prev = 0;
	double v;

	series_group(b, s, "line");
	for (size_t i = g->series[s]; i < g->series[s + 1]; i++) {
		const struct portal_report *r = &g->reports[i];
		bool has = shown(g, r) && measure_value(r, m, &v) == 1;

		if (npoints > 0 && (!has || r->month != prev + 1)) {
			end_run(b, &run, npoints);
			npoints = 0;
		}
		if (!has)
			continue;
		ov_buf_printf(&run, "%s%.1f,%.1f", npoints > 0 ? " " : "",
		    x_of(g, r->month), y_of(v, lo, hi));
		npoints++;
		prev = r->month;
	}
	end_run(b, &run, npoints);
	ov_buf_free(&run);
	ov_buf_adds(b, "</g>\n");
}

/* The markers of one series, each with a title giving its value, and a
 * label for each month whose availability is unknown. */
static void
series_points(struct ov_buf *b, const struct grid *g, size_t s,
    enum measure m, double lo, double hi)
{
	char month[16], value[48];
	double v;
	int rc;

	series_group(b, s, "series");
	for (size_t i = g->series[s]; i < g->series[s + 1]; i++) {
		const struct portal_report *r = &g->reports[i];

		if (!shown(g, r) || (rc = measure_value(r, m, &v)) == 0)
			continue;
		portal_month_format(r->month, month, sizeof month);
		if (rc < 0) {
			html_printf(b, "<g class=\"unknown\"><title>%s %s: "
			    "availability unknown</title>", r->deployment,
			    month);
			ov_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" "
			    "stroke=\"none\" fill=\"#000\" font-size=\"11\" "
			    "font-style=\"italic\" text-anchor=\"middle\">"
			    "unknown</text></g>", x_of(g, r->month),
			    PLOT_BOTTOM - 4.0 - (double)(s % 8) * 12);
			continue;
		}
		format_value(value, sizeof value, m, v);
		html_printf(b, "<g class=\"point\"><title>%s %s: %s</title>",
		    r->deployment, month, value);
		marker(b, s, x_of(g, r->month), y_of(v, lo, hi));
		ov_buf_adds(b, "</g>");
	}
	ov_buf_adds(b, "</g>\n");
}

/* Horizontal grid lines with their values, and the month labels. */
static void
axes(struct ov_buf *b, const struct grid *g, double lo, double hi)
{
	int nmonths = g->last - g->first + 1;
	int every = (nmonths + 11) / 12;
	char month[16];

	for (int k = 0; k <= 2; k++) {
		double v = lo + (hi - lo) * k / 2;
		double y = y_of(v, lo, hi);

		ov_buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#bbb\"/><text x=\"%d\" y=\"%.1f\" "
		    "font-size=\"11\" text-anchor=\"end\">%.10g</text>\n",
		    PLOT_LEFT, PLOT_RIGHT, y, y, PLOT_LEFT - 5, y + 4, v);
	}
	for (int m = g->first; m <= g->last; m += every) {
		portal_month_format(m, month, sizeof month);
		ov_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
		    "text-anchor=\"middle\">%s</text>", x_of(g, m),
		    PLOT_BOTTOM + 18, month);
	}
	ov_buf_adds(b, "\n");
}

/* One row per series: a sample of its line and marker, and its name. */
static void
legend(struct ov_buf *b, const struct grid *g)
{
	for (size_t s = 0; s < g->nseries; s++) {
		int y = LEGEND_TOP + (int)s * LEGEND_ROW;

		series_group(b, s, "legend");
		ov_buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" "
		    "y2=\"%d\"/>", PLOT_LEFT, PLOT_LEFT + 40, y, y);
		marker(b, s, PLOT_LEFT + 20, y);
		html_printf(b, "<text x=\"%d\" y=\"%d\" stroke=\"none\" "
		    "fill=\"#000\" font-size=\"12\">%s</text></g>\n",
		    PLOT_LEFT + 50, y + 4,
		    g->reports[g->series[s]].deployment);
	}
}

static void
chart(struct ov_buf *b, const struct grid *g, enum measure m,
    const char *heading)
{
	int height = LEGEND_TOP + (int)g->nseries * LEGEND_ROW;
	double lo, hi;

	measure_range(g, m, &lo, &hi);
	html_printf(b, "<%s>%s</%s>\n", heading, measure_titles[m], heading);
	html_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"chart %s\" width=\"640\" height=\"%d\" "
	    "viewBox=\"0 0 640 %d\" role=\"img\" aria-label=\"%s per month\">"
	    "\n", measure_classes[m], height, height, measure_titles[m]);
	axes(b, g, lo, hi);
	for (size_t s = 0; s < g->nseries; s++)
		series_lines(b, g, s, m, lo, hi);
	for (size_t s = 0; s < g->nseries; s++)
		series_points(b, g, s, m, lo, hi);
	legend(b, g);
	ov_buf_adds(b, "</svg>\n");
}

/* The four charts of one group of reports, sorted by deployment. */
static void
charts(struct ov_buf *b, const struct portal_report *reports, size_t n,
    const char *heading)
{
	struct grid g;
	char first[16];

	grid_init(&g, reports, n);
	if (g.cut) {
		portal_month_format(g.first, first, sizeof first);
		html_printf(b, "<p>Months before %s are not shown.</p>\n",
		    first);
	}
	for (int m = 0; m < NMEASURES; m++)
		chart(b, &g, m, heading);
	free(g.series);
}

static void
add_count(struct ov_buf *b, bool has, int64_t n)
{
	if (has)
		ov_buf_printf(b, "<td>%lld</td>", (long long)n);
	else
		ov_buf_adds(b, "<td class=\"nodata\">no data</td>");
}

/* One row of the latest month's table. */
static void
latest_row(struct ov_buf *b, const struct portal_report *r, bool staff)
{
	ov_buf_adds(b, "<tr>");
	if (staff)
		html_printf(b, "<td>%s</td>", r->customer);
	html_printf(b, "<td>%s</td>", r->deployment);
	if (r->has_availability)
		ov_buf_printf(b, "<td>%.3f %%</td>", r->availability);
	else
		ov_buf_adds(b, "<td class=\"unknown\">unknown</td>");
	ov_buf_printf(b, "<td>%lld / %lld / %lld</td>",
	    (long long)r->minutes_up, (long long)r->minutes_down,
	    (long long)r->minutes_unknown);
	if (r->has_cpu) {
		ov_buf_printf(b, "<td>%.1f %%", r->cpu_max);
		if (r->cpu_node[0] != '\0')
			html_printf(b, " (%s)", r->cpu_node);
		ov_buf_adds(b, "</td>");
	} else {
		ov_buf_adds(b, "<td class=\"nodata\">no data</td>");
	}
	if (r->has_connections) {
		ov_buf_printf(b, "<td>%lld", (long long)r->connections);
		/* "2026-11-12 17:05 CET" wraps in a narrow column, where the
		 * RFC 3339 form would widen the table. */
		if (r->connections_at != 0) {
			ov_buf_adds(b, "<br>at ");
			html_time(b, r->connections_at);
		}
		ov_buf_adds(b, "</td>");
	} else {
		ov_buf_adds(b, "<td class=\"nodata\">no data</td>");
	}
	add_count(b, r->has_cores, r->core_minutes);
	add_count(b, true, r->alarms_fired);
	ov_buf_adds(b, "</tr>\n");
}

/* The figures of the latest month of the given reports. */
static void
latest_table(struct ov_buf *b, const struct portal_report *reports,
    size_t n, bool staff)
{
	char month[16];
	int latest = reports[0].month;

	for (size_t i = 1; i < n; i++)
		if (reports[i].month > latest)
			latest = reports[i].month;
	portal_month_format(latest, month, sizeof month);
	html_printf(b, "<h2>Latest month: %s</h2>\n<table class=\"figures\">"
	    "\n<tr>", month);
	if (staff)
		ov_buf_adds(b, "<th>Customer</th>");
	ov_buf_adds(b, "<th>Deployment</th><th>Availability</th>"
	    "<th>Minutes up / down / unknown</th><th>Peak CPU load (node)"
	    "</th><th>Peak participants</th><th>Core-minutes</th>"
	    "<th>Alarms fired</th></tr>\n");
	for (size_t i = 0; i < n; i++)
		if (reports[i].month == latest)
			latest_row(b, &reports[i], staff);
	ov_buf_adds(b, "</table>\n");
}

static const char *
customer_name(const struct portal *p, const char *id)
{
	for (size_t i = 0; i < p->ncustomers; i++)
		if (strcmp(p->customers[i].id, id) == 0)
			return p->customers[i].name;
	return id;
}

static const char explanation[] =
    "<p>Monthly figures from the surveillance reports (ovalarm report). "
    "Each deployment has its own marker, line pattern and colour, named "
    "in the legend under each chart. A month without a report leaves a "
    "gap in its line. The word unknown marks a month whose availability "
    "is unknown, because no sample showed whether the deployment was "
    "up.</p>\n";

/* The staff page: the latest month of every deployment, then the charts
 * of each customer in turn. */
static void
staff_page(struct ov_buf *b, const struct portal *p)
{
	html_page_begin(b, "Monthly evolution");
	ov_buf_adds(b, "<nav><a href=\"index.html\">Overview</a></nav>\n");
	ov_buf_adds(b, explanation);
	if (p->nreports == 0) {
		ov_buf_adds(b, "<p>No report records were given.</p>\n");
		return;
	}
	latest_table(b, p->reports, p->nreports, true);
	for (size_t i = 0, j; i < p->nreports; i = j) {
		const char *id = p->reports[i].customer;

		for (j = i; j < p->nreports &&
		    strcmp(p->reports[j].customer, id) == 0; j++)
			;
		if (id[0] == '\0')
			ov_buf_adds(b, "<h2 class=\"customer\">Deployments "
			    "without a customer</h2>\n");
		else
			html_printf(b, "<h2 class=\"customer\">%s (%s)</h2>\n",
			    customer_name(p, id), id);
		charts(b, &p->reports[i], j - i, "h3");
	}
}

/* A customer's page, built only from that customer's reports. */
static void
customer_page(struct ov_buf *b, const struct portal *p, const char *id)
{
	struct ov_buf title = { 0 };
	size_t i = 0, j;

	ov_buf_adds(&title, customer_name(p, id));
	ov_buf_adds(&title, ": monthly evolution");
	ov_buf_addc(&title, '\0');
	html_page_begin(b, title.data);
	ov_buf_free(&title);
	ov_buf_adds(b, "<nav><a href=\"index.html\">Overview</a></nav>\n");
	ov_buf_adds(b, explanation);
	while (i < p->nreports && strcmp(p->reports[i].customer, id) != 0)
		i++;
	for (j = i; j < p->nreports &&
	    strcmp(p->reports[j].customer, id) == 0; j++)
		;
	if (i == j) {
		ov_buf_adds(b, "<p>No report records for this customer.</p>\n");
		return;
	}
	latest_table(b, &p->reports[i], j - i, false);
	charts(b, &p->reports[i], j - i, "h2");
}

int
portal_write_evolution(const struct portal *p, const char *dir,
    const char *customer, char *err, size_t errsize)
{
	struct ov_buf b = { 0 };
	char path[4096];
	int rc;

	if (customer == NULL)
		staff_page(&b, p);
	else
		customer_page(&b, p, customer);
	html_page_end(&b);
	snprintf(path, sizeof path, "%s/evolution.html", dir);
	rc = html_write_file(path, &b);
	if (rc < 0)
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
	ov_buf_free(&b);
	return rc;
}
