/* sla records on a pipe, an aligned table on a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "json.h"
#include "ovsla.h"
#include "table.h"

struct sla_output {
	struct ov_buf buf;
	struct ov_table *table;
	/* Quoted instants formatted once: "time" is the same for every
	 * record and "started" for every target of a ticket. */
	int64_t now, started;
	char now_text[OV_TIME_LEN + 2], started_text[OV_TIME_LEN + 2];
};

static const char *const titles[] = {
	">TICKET", "CUSTOMER", "PLAN", "SEVERITY", "TARGET", "STATE", "DUE",
	">ELAPSED", ">REMAINING", NULL,
};

struct sla_output *
output_new(bool table)
{
	struct sla_output *o = calloc(1, sizeof *o);

	if (o == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	if (table)
		o->table = ov_table_new(titles);
	o->now = o->started = INT64_MIN;
	return o;
}

/*
 * Formats a duration in hours, minutes and seconds ("59h", "-1h30m" when
 * overdue).  Days are left out because on a business clock a day of the
 * plan is 9 hours, not 24.
 */
void
format_hours(int64_t s, char *buf, size_t size)
{
	int64_t a = s < 0 ? -s : s;
	int n = snprintf(buf, size, "%s", s < 0 ? "-" : "");

	if (a >= 3600)
		n += snprintf(buf + n, size - (size_t)n, "%lldh",
		    (long long)(a / 3600));
	if (a % 3600 >= 60)
		n += snprintf(buf + n, size - (size_t)n, "%lldm",
		    (long long)(a % 3600 / 60));
	if (a % 60 != 0 || a == 0)
		snprintf(buf + n, size - (size_t)n, "%llds",
		    (long long)(a % 60));
}

static void
table_row(struct sla_output *o, const struct ticket_sla *t,
    const struct target_result *r)
{
	char id[24], due[64], elapsed[32], remaining[32];
	const char *cells[10];

	snprintf(id, sizeof id, "%lld", (long long)t->ticket);
	/* People read the due time in their own zone, which is named. */
	ov_time_display(r->due, due, sizeof due);
	format_hours(r->elapsed, elapsed, sizeof elapsed);
	format_hours(r->remaining, remaining, sizeof remaining);
	cells[0] = id;
	cells[1] = t->customer;
	cells[2] = t->plan->name;
	cells[3] = ov_severity_name(t->severity);
	cells[4] = ov_target_name(r->target);
	cells[5] = state_name(r->state);
	cells[6] = due;
	cells[7] = elapsed;
	cells[8] = remaining;
	cells[9] = NULL;
	ov_table_add(o->table, cells);
}

/* Adds an instant field, formatting it only when it differs from the one
 * cached in text. */
static void
add_cached_time(struct ov_buf *b, const char *key, int64_t t, int64_t *cached,
    char *text)
{
	if (*cached != t) {
		text[0] = '"';
		ov_time_format(t, text + 1);
		strcat(text, "\"");
		*cached = t;
	}
	ov_rec_raw(b, key, text, strlen(text));
}

/* Writes one sla record, or adds a table row. */
void
output_target(struct sla_output *o, const struct ticket_sla *t,
    const struct target_result *r, int64_t now)
{
	struct ov_buf *b = &o->buf;

	if (o->table != NULL) {
		table_row(o, t, r);
		return;
	}
	ov_rec_begin(b, "sla");
	add_cached_time(b, "time", now, &o->now, o->now_text);
	ov_rec_int(b, "ticket", t->ticket);
	ov_rec_str(b, "customer", t->customer);
	ov_rec_str(b, "plan", t->plan->name);
	ov_rec_str(b, "severity", ov_severity_name(t->severity));
	ov_rec_str(b, "target", ov_target_name(r->target));
	ov_rec_str(b, "state", state_name(r->state));
	add_cached_time(b, "started", t->started, &o->started,
	    o->started_text);
	ov_rec_time(b, "due", r->due);
	if (r->met_at >= 0)
		ov_rec_time(b, "met_at", r->met_at);
	ov_rec_int(b, "elapsed_seconds", r->elapsed);
	ov_rec_int(b, "remaining_seconds", r->remaining);
	ov_rec_end(b);
	ov_out_write(b);
}

void
output_finish(struct sla_output *o)
{
	if (o->table != NULL)
		ov_table_print(o->table, stdout);
	ov_buf_free(&o->buf);
	free(o);
}
