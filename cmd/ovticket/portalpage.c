/*
 * Pages of the portal: the staff overview and ticket pages at the top of the
 * site, and one tree per customer under customers/ID/ that is built only
 * from that customer's tickets.  Every text goes through html_escape().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "civil.h"
#include "diag.h"
#include "inventory.h"
#include "html.h"
#include "portal.h"

#define WEEKS 12
#define WEEK_SECONDS (7 * 86400)

static const char *const target_names[3] = { "reaction", "workaround",
	"resolution" };

static bool
of_customer(const struct portal_ticket *t, const char *customer)
{
	return t->customer != NULL && (customer == NULL ||
	    strcmp(t->customer, customer) == 0);
}

/* Start of the UTC week (Monday 00:00) containing t. */
static int64_t
week_start(int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;

	return (days - (ov_weekday(days) + 6) % 7) * 86400;
}

/* An SVG bar chart of the tickets opened in each of the last WEEKS weeks
 * up to the portal's "now". */
static void
weekly_chart(struct ov_buf *b, const struct portal *p, const char *customer)
{
	int64_t first = week_start(p->now) - (WEEKS - 1) * WEEK_SECONDS;
	long count[WEEKS] = { 0 }, max = 1;

	for (size_t i = 0; i < p->ntickets; i++) {
		const struct portal_ticket *t = &p->tickets[i];
		int64_t w = (t->opened - first) / WEEK_SECONDS;

		if (of_customer(t, customer) && t->opened >= first && w < WEEKS)
			count[w]++;
	}
	for (int w = 0; w < WEEKS; w++)
		if (count[w] > max)
			max = count[w];
	ov_buf_adds(b, "<h2>Tickets opened per week (UTC)</h2>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
	    "height=\"200\" role=\"img\" aria-label=\"tickets per week\">\n");
	for (int w = 0; w < WEEKS; w++) {
		char date[16];
		long h = count[w] * 140 / max;

		ov_date_format((first + w * WEEK_SECONDS) / 86400, date);
		ov_buf_printf(b, "<rect x=\"%d\" y=\"%ld\" width=\"40\" "
		    "height=\"%ld\" fill=\"#4a7ebb\"/>", 10 + w * 52,
		    160 - h, h);
		ov_buf_printf(b, "<text x=\"%d\" y=\"%ld\" font-size=\"12\" "
		    "text-anchor=\"middle\">%ld</text>", 30 + w * 52,
		    155 - h, count[w]);
		html_printf(b, "<text x=\"%d\" y=\"180\" font-size=\"10\" "
		    "text-anchor=\"middle\">%s</text>\n", 30 + w * 52,
		    date + 5);
	}
	ov_buf_adds(b, "</svg>\n");
}

/* An SVG chart of the share of SLA targets met, per target, among the
 * targets whose outcome is final (met or breached). */
static void
sla_chart(struct ov_buf *b, const struct portal *p, const char *customer)
{
	ov_buf_adds(b, "<h2>SLA compliance</h2>\n");
	if (!p->have_sla) {
		ov_buf_adds(b, "<p>No SLA records were given.</p>\n");
		return;
	}
	ov_buf_adds(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"640\" height=\"110\" role=\"img\" "
	    "aria-label=\"SLA compliance\">\n");
	for (int k = 0; k < 3; k++) {
		long met = 0, breached = 0, width;

		for (size_t i = 0; i < p->ntickets; i++) {
			const struct portal_ticket *t = &p->tickets[i];

			if (!of_customer(t, customer))
				continue;
			met += strcmp(t->sla[k].state, "met") == 0;
			breached += strcmp(t->sla[k].state, "breached") == 0;
		}
		width = met + breached > 0 ? met * 300 / (met + breached) : 0;
		ov_buf_printf(b, "<rect x=\"100\" y=\"%d\" width=\"300\" "
		    "height=\"22\" fill=\"%s\"/>", 10 + k * 32,
		    met + breached > 0 ? "#c33" : "#ddd");
		ov_buf_printf(b, "<rect x=\"100\" y=\"%d\" width=\"%ld\" "
		    "height=\"22\" fill=\"#393\"/>", 10 + k * 32, width);
		html_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"13\">%s"
		    "</text>", 26 + k * 32, target_names[k]);
		ov_buf_printf(b, "<text x=\"410\" y=\"%d\" font-size=\"13\">"
		    "%ld met, %ld breached", 26 + k * 32, met, breached);
		if (met + breached > 0)
			ov_buf_printf(b, " (%ld%%)", met * 100 /
			    (met + breached));
		ov_buf_adds(b, "</text>\n");
	}
	ov_buf_adds(b, "</svg>\n");
}

/* A table of tickets; link is the relative folder of ticket pages. */
static void
ticket_table(struct ov_buf *b, const struct portal *p, const char *customer,
    bool open_only, const char *link, bool show_customer)
{
	ov_buf_adds(b, "<table>\n<tr><th>Ticket</th>");
	if (show_customer)
		ov_buf_adds(b, "<th>Customer</th>");
	ov_buf_adds(b, "<th>Severity</th><th>State</th><th>SLA</th>"
	    "<th>Opened</th><th>Summary</th></tr>\n");
	for (int pass = 0; pass < 2; pass++) {
		const char *severity = pass == 0 ? "critical" : "normal";

		for (size_t i = 0; i < p->ntickets; i++) {
			const struct portal_ticket *t = &p->tickets[i];

			bool critical = strcmp(t->severity, "critical") == 0;

			if (!of_customer(t, customer) ||
			    (open_only && !portal_ticket_open(t)) ||
			    critical != (pass == 0))
				continue;
			html_printf(b, "<tr><td><a href=\"%s/%lld.html\">#%lld"
			    "</a></td>", link, (long long)t->id,
			    (long long)t->id);
			if (show_customer)
				html_printf(b, "<td>%s</td>", t->customer);
			html_printf(b, "<td class=\"%s\">%s</td><td>%s</td>"
			    "<td class=\"%s\">%s</td><td>", severity,
			    t->severity, t->state, portal_ticket_sla(t),
			    portal_ticket_sla(t));
			html_time(b, t->opened);
			html_printf(b, "</td><td>%s</td></tr>\n", t->summary);
		}
	}
	ov_buf_adds(b, "</table>\n");
}

static void
ticket_header(struct ov_buf *b, const struct portal_ticket *t)
{
	html_printf(b, "<table>\n<tr><th>Customer</th><td>%s</td></tr>\n"
	    "<tr><th>Severity</th><td>%s</td></tr>\n"
	    "<tr><th>Channel</th><td>%s</td></tr>\n"
	    "<tr><th>State</th><td>%s</td></tr>\n<tr><th>Opened</th><td>",
	    t->customer, t->severity, t->channel, t->state);
	html_time(b, t->opened);
	ov_buf_adds(b, "</td></tr>\n");
	if (t->deployment[0] != '\0')
		html_printf(b, "<tr><th>Deployment</th><td>%s</td></tr>\n",
		    t->deployment);
	for (int k = 0; k < 3; k++) {
		if (t->sla[k].state[0] == '\0')
			continue;
		html_printf(b, "<tr><th>SLA %s</th><td class=\"%s\">%s",
		    target_names[k], t->sla[k].state, t->sla[k].state);
		if (t->sla[k].due != 0) {
			ov_buf_adds(b, ", due ");
			html_time(b, t->sla[k].due);
		}
		ov_buf_adds(b, "</td></tr>\n");
	}
	ov_buf_adds(b, "</table>\n");
}

/* The full record of one ticket.  Customer pages leave out notes that were
 * not marked public. */
static void
ticket_page(struct ov_buf *b, const struct portal_ticket *t, bool staff,
    const char *back)
{
	char title[64];

	snprintf(title, sizeof title, "Ticket #%lld", (long long)t->id);
	html_page_begin(b, title);
	html_printf(b, "<nav><a href=\"%s\">Overview</a></nav>\n", back);
	html_printf(b, "<h2>%s</h2>\n", t->summary);
	ticket_header(b, t);
	ov_buf_adds(b, "<h2>Activity</h2>\n<table>\n<tr><th>Time</th>"
	    "<th>Action</th><th>By</th><th>Text</th></tr>\n");
	for (size_t i = 0; i < t->nevents; i++) {
		const struct portal_event *e = &t->events[i];

		if (e->private_note && !staff)
			continue;
		ov_buf_adds(b, "<tr><td>");
		html_time(b, e->time);
		html_printf(b, "</td><td>%s%s</td><td>%s</td><td><pre>%s"
		    "</pre></td></tr>\n", e->action,
		    e->private_note ? " (internal)" : "", e->by, e->detail);
	}
	ov_buf_adds(b, "</table>\n");
	html_page_end(b);
}

static int
write_page(struct ov_buf *b, const char *path, char *err, size_t errsize)
{
	int rc = html_write_file(path, b);

	if (rc < 0)
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
	b->len = 0;
	return rc;
}

static int
make_dir(const char *path, char *err, size_t errsize)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
write_tickets(const struct portal *p, const char *dir, const char *customer,
    char *err, size_t errsize)
{
	struct ov_buf b = { 0 };
	char path[4096];
	int rc = 0;

	snprintf(path, sizeof path, "%s/tickets", dir);
	if (make_dir(path, err, errsize) < 0)
		return -1;
	for (size_t i = 0; i < p->ntickets && rc == 0; i++) {
		const struct portal_ticket *t = &p->tickets[i];

		if (!of_customer(t, customer))
			continue;
		ticket_page(&b, t, customer == NULL, "../index.html");
		snprintf(path, sizeof path, "%s/tickets/%lld.html", dir,
		    (long long)t->id);
		rc = write_page(&b, path, err, errsize);
	}
	ov_buf_free(&b);
	return rc;
}

static void
evolution_link(struct ov_buf *b, const struct portal *p)
{
	if (p->have_reports)
		ov_buf_adds(b, "<nav><a href=\"evolution.html\">Monthly "
		    "evolution</a></nav>\n");
}

static int
write_customer(const struct portal *p, const struct portal_customer *c,
    const char *dir, char *err, size_t errsize)
{
	struct ov_buf b = { 0 };
	char path[4096];
	int rc;

	snprintf(path, sizeof path, "%s/customers/%s", dir, c->id);
	if (make_dir(path, err, errsize) < 0 ||
	    write_tickets(p, path, c->id, err, errsize) < 0)
		return -1;
	if (p->have_reports &&
	    portal_write_evolution(p, path, c->id, err, errsize) < 0)
		return -1;
	html_page_begin(&b, c->name);
	evolution_link(&b, p);
	ov_buf_adds(&b, "<h2>Open tickets</h2>\n");
	ticket_table(&b, p, c->id, true, "tickets", false);
	sla_chart(&b, p, c->id);
	weekly_chart(&b, p, c->id);
	ov_buf_adds(&b, "<h2>All tickets</h2>\n");
	ticket_table(&b, p, c->id, false, "tickets", false);
	html_page_end(&b);
	snprintf(path, sizeof path, "%s/customers/%s/index.html", dir, c->id);
	rc = write_page(&b, path, err, errsize);
	ov_buf_free(&b);
	return rc;
}

static long
count_open(const struct portal *p, const char *severity, const char *sla)
{
	long n = 0;

	for (size_t i = 0; i < p->ntickets; i++) {
		const struct portal_ticket *t = &p->tickets[i];

		n += t->customer != NULL && portal_ticket_open(t) &&
		    strcmp(t->severity, severity) == 0 &&
		    strcmp(portal_ticket_sla(t), sla) == 0;
	}
	return n;
}

/* Open tickets counted by severity and SLA state. */
static void
open_counts(struct ov_buf *b, const struct portal *p)
{
	static const char *const states[] = { "breached", "at_risk",
		"running", "paused", "met", "" };
	static const char *const severities[] = { "critical", "normal" };

	ov_buf_adds(b, "<h2>Open tickets by severity and SLA state</h2>\n"
	    "<table>\n<tr><th>Severity</th><th>breached</th><th>at_risk</th>"
	    "<th>running</th><th>paused</th><th>met</th><th>no SLA record"
	    "</th></tr>\n");
	for (int s = 0; s < 2; s++) {
		html_printf(b, "<tr><th>%s</th>", severities[s]);
		for (int k = 0; k < 6; k++) {
			ov_buf_printf(b, "<td>%ld</td>",
			    count_open(p, severities[s], states[k]));
		}
		ov_buf_adds(b, "</tr>\n");
	}
	ov_buf_adds(b, "</table>\n");
}

static void
customer_table(struct ov_buf *b, const struct portal *p)
{
	ov_buf_adds(b, "<h2>Customers</h2>\n<table>\n<tr><th>Customer</th>"
	    "<th>Name</th><th>Open critical</th><th>Open normal</th>"
	    "<th>All tickets</th></tr>\n");
	for (size_t c = 0; c < p->ncustomers; c++) {
		const char *id = p->customers[c].id;
		long critical = 0, normal = 0, all = 0;

		for (size_t i = 0; i < p->ntickets; i++) {
			const struct portal_ticket *t = &p->tickets[i];

			if (!of_customer(t, id))
				continue;
			all++;
			if (portal_ticket_open(t) &&
			    strcmp(t->severity, "critical") == 0)
				critical++;
			else if (portal_ticket_open(t))
				normal++;
		}
		html_printf(b, "<tr><td><a href=\"customers/%s/index.html\">"
		    "%s</a></td><td>%s</td>", id, id, p->customers[c].name);
		ov_buf_printf(b, "<td>%ld</td><td>%ld</td><td>%ld</td></tr>\n",
		    critical, normal, all);
	}
	ov_buf_adds(b, "</table>\n");
}

int
portal_render(const struct portal *p, const char *dir, char *err,
    size_t errsize)
{
	struct ov_buf b = { 0 };
	char path[4096];
	int rc;

	snprintf(path, sizeof path, "%s/customers", dir);
	if (make_dir(path, err, errsize) < 0 ||
	    write_tickets(p, dir, NULL, err, errsize) < 0)
		return -1;
	for (size_t c = 0; c < p->ncustomers; c++) {
		/* The id becomes a folder name: "..", "." or a "/" must not
		 * lead out of customers/. */
		if (!ov_valid_id(p->customers[c].id) ||
		    p->customers[c].id[0] == '.') {
			ov_warn("customer '%s': not a valid id, no tree "
			    "written", p->customers[c].id);
			continue;
		}
		if (write_customer(p, &p->customers[c], dir, err,
		    errsize) < 0)
			return -1;
	}
	if (p->have_reports &&
	    portal_write_evolution(p, dir, NULL, err, errsize) < 0)
		return -1;
	html_page_begin(&b, "Support overview");
	evolution_link(&b, p);
	open_counts(&b, p);
	ov_buf_adds(&b, "<h2>Open tickets</h2>\n");
	ticket_table(&b, p, NULL, true, "tickets", true);
	customer_table(&b, p);
	weekly_chart(&b, p, NULL);
	sla_chart(&b, p, NULL);
	/* Links every staff ticket page, closed ones included. */
	ov_buf_adds(&b, "<h2>All tickets</h2>\n");
	ticket_table(&b, p, NULL, false, "tickets", true);
	html_page_end(&b);
	snprintf(path, sizeof path, "%s/index.html", dir);
	rc = write_page(&b, path, err, errsize);
	ov_buf_free(&b);
	return rc;
}
