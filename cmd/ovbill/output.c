/*
 * Output of invoices and usage rows: records (one JSON line each), CSV
 * with a header row, or an aligned table on a terminal.
 */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "diag.h"
#include "json.h"
#include "ovbill.h"
#include "table.h"

struct output {
	enum format format;
	bool usage_report;
	struct ov_buf buf;
	struct ov_table *table;
};

static const char *const invoice_columns[] = {
	"customer", "period", "plan", "item", "quantity", "unit",
	"unit_price", "amount", "currency", NULL
};

static const char *const invoice_titles[] = {
	"customer", "period", "plan", "item", ">quantity", "unit",
	">unit price", ">amount", "currency", NULL
};

static const char *const usage_columns[] = {
	"date", "customer", "deployment", "minutes", "core_minutes",
	"max_cores", NULL
};

static const char *const usage_titles[] = {
	"date", "customer", "deployment", ">minutes", ">core-minutes",
	">max cores", NULL
};

/* Writes one CSV row, quoting only the fields that need it. */
static void
csv_row(const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = fields[i] != NULL ? fields[i] : "";

		if (i > 0)
			putchar(',');
		if (strpbrk(f, ",\"\r\n") != NULL)
			csv_fwrite(stdout, f, strlen(f));
		else
			fputs(f, stdout);
	}
	putchar('\n');
}

struct output *
output_new(enum format f, bool usage_report)
{
	struct output *o = calloc(1, sizeof *o);
	const char *const *columns = usage_report ? usage_columns :
	    invoice_columns;
	size_t n = 0;

	if (o == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	o->format = f;
	o->usage_report = usage_report;
	while (columns[n] != NULL)
		n++;
	if (f == FORMAT_CSV)
		csv_row(columns, n);
	else if (f == FORMAT_TABLE)
		o->table = ov_table_new(usage_report ? usage_titles :
		    invoice_titles);
	return o;
}

static void
invoice_line(struct output *o, const struct invoice *inv,
    const struct line *l, const char *period)
{
	char amount[OV_MONEY_LEN];
	const char *cells[] = {
		inv->customer->id, period, inv->plan, l->item, l->quantity,
		l->unit, l->unit_price, amount, "EUR", NULL
	};

	ov_cents_format(l->cents, amount);
	if (o->format == FORMAT_CSV) {
		csv_row(cells, 9);
		return;
	}
	if (o->format == FORMAT_TABLE) {
		ov_table_add(o->table, cells);
		return;
	}
	ov_rec_begin(&o->buf, "invoice");
	ov_rec_str(&o->buf, "customer", inv->customer->id);
	ov_rec_str(&o->buf, "period", period);
	ov_rec_str(&o->buf, "plan", inv->plan);
	ov_rec_str(&o->buf, "item", l->item);
	ov_rec_raw(&o->buf, "quantity", l->quantity, strlen(l->quantity));
	ov_rec_str(&o->buf, "unit", l->unit);
	ov_rec_str(&o->buf, "unit_price", l->unit_price);
	ov_rec_str(&o->buf, "amount", amount);
	ov_rec_str(&o->buf, "currency", "EUR");
	ov_rec_end(&o->buf);
	ov_out_write(&o->buf);
}

void
output_invoice(struct output *o, const struct invoice *inv,
    const char *period)
{
	for (size_t i = 0; i < inv->nlines; i++)
		invoice_line(o, inv, &inv->lines[i], period);
}

void
output_usage(struct output *o, const char *customer, const char *deployment,
    const char *date, int64_t minutes, int64_t core_minutes,
    uint32_t max_cores)
{
	char m[24], cm[24], mc[16];
	const char *cells[] = { date, customer, deployment, m, cm, mc, NULL };

	snprintf(m, sizeof m, "%lld", (long long)minutes);
	snprintf(cm, sizeof cm, "%lld", (long long)core_minutes);
	snprintf(mc, sizeof mc, "%u", max_cores);
	if (o->format == FORMAT_CSV) {
		csv_row(cells, 6);
		return;
	}
	if (o->format == FORMAT_TABLE) {
		ov_table_add(o->table, cells);
		return;
	}
	ov_rec_begin(&o->buf, "usage");
	ov_rec_str(&o->buf, "date", date);
	if (*customer != '\0')
		ov_rec_str(&o->buf, "customer", customer);
	else
		ov_rec_null(&o->buf, "customer");
	ov_rec_str(&o->buf, "deployment", deployment);
	ov_rec_int(&o->buf, "minutes", minutes);
	ov_rec_int(&o->buf, "core_minutes", core_minutes);
	ov_rec_int(&o->buf, "max_cores", max_cores);
	ov_rec_end(&o->buf);
	ov_out_write(&o->buf);
}

void
output_finish(struct output *o)
{
	if (o->table != NULL)
		ov_table_print(o->table, stdout);
	ov_out_flush();
	ov_buf_free(&o->buf);
	free(o);
}
