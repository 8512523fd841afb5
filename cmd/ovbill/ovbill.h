/*
 * ovbill: the parts of the program and the data they share.
 *
 * records.c reads the input records (cluster.cores samples, ticket opened
 * and worklog records), taking plain sample lines through the one-pass
 * scanner of scan.c.  usage.c keeps one minute map (minutes.c) per
 * (customer, deployment) pair for the billed month plus a margin on each
 * side, and turns samples into charged minutes by the max-per-minute and
 * --max-gap rules.  work.c sums ticket work.  bill.c sums each customer's
 * minutes, invoice.c computes the invoice lines in cents, and output.c
 * writes them as records, CSV or a table.
 */
#ifndef OVBILL_H
#define OVBILL_H

#include <stdbool.h>
#include <stdint.h>

#include "input.h"
#include "inventory.h"
#include "money.h"
#include "plans.h"

/* Largest core count accepted in one cluster.cores sample. */
#define BILL_MAX_CORES 1000000

/* Largest --max-gap, so that the margin around the month stays small. */
#define BILL_MAX_GAP_SECONDS 86400

/* The billed month as UTC minutes (minute numbers are seconds / 60). */
struct month {
	int year, month;
	char period[8];		/* "2026-11" */
	int64_t start, end;	/* UTC instants of local midnight of the 1st
				   and of the next 1st */
	int64_t first_minute;	/* start / 60 */
	int32_t minutes;	/* minutes in the month */
	int ndays;
	int32_t day_start[32];	/* minute index of each local day's start,
				   day_start[ndays] == minutes */
	int64_t first_day;	/* local date of the 1st */
};

/* Summary of one sampled minute, as the charging rules use it. */
struct summary {
	uint32_t max;		/* largest core count sampled in the minute */
	uint32_t last;		/* core count at the last second sampled (the
				   largest of the samples at that second) */
	uint8_t first_second;	/* 0..59 */
	uint8_t last_second;
};

/* The samples of one deployment by minute (minutes.c). */
struct minute_map;

struct minute_map *map_new(int32_t minutes);
/* Merges a sample taken at a second (0..59) of minute i. */
void map_add(struct minute_map *m, int32_t i, int second, uint32_t cores);
/* Returns false when minute i has no sample. */
bool map_get(const struct minute_map *m, int32_t i, struct summary *out);
void map_free(struct minute_map *m);

/* The minute map of one (customer, deployment) pair. */
struct series;

/* Everything the usage engine needs and keeps. */
struct usage {
	struct month month;
	int64_t max_gap;	/* seconds */
	int32_t margin;		/* minutes kept before and after the month */
	int64_t window_start;	/* first instant kept: start - margin */
	int64_t window_end;	/* end + margin */
	size_t nseries, cap;
	struct series **series;
	size_t *index;		/* open-addressing table into series */
	size_t index_cap;
};

/* Called for each charged minute of the month: i is the minute index in
 * the month, cores the count charged. */
typedef void (*minute_fn)(const struct series *s, int32_t i, uint32_t cores,
    void *ctx);

int month_init(struct month *m, int year, int month);
void usage_init(struct usage *u, const struct month *m, int64_t max_gap);

/* Adds one sample at instant t; customer may be "" when unknown. */
void usage_add(struct usage *u, const char *customer, const char *deployment,
    int64_t t, uint32_t cores);

/* Walks the charged minutes of one series in order, reporting gaps over
 * --max-gap inside the month on standard error. */
void usage_walk(const struct usage *u, const struct series *s, minute_fn fn,
    void *ctx);

const char *series_customer(const struct series *s);
const char *series_deployment(const struct series *s);
void usage_free(struct usage *u);

/* Ticket work of the month, per customer. */
struct work;

struct work *work_new(void);
/* Records that a ticket belongs to a customer (from its opened record). */
void work_opened(struct work *w, int64_t ticket, const char *customer);
/* Adds a worklog entry; replays of the same entry count once. */
void work_log(struct work *w, int64_t ticket, int64_t t, int64_t minutes,
    const char *by);
/* Minutes logged in [start, end) on tickets of a customer. */
int64_t work_minutes(const struct work *w, const char *customer,
    int64_t start, int64_t end);
/* Reports worklogs of the month on tickets with no opened record or with
 * a customer not in customers (which may be NULL); returns how many. */
long work_report_orphans(const struct work *w,
    const struct ov_customers *customers, int64_t start, int64_t end);
void work_free(struct work *w);

/* State of one run of the record loop. */
struct input_state {
	struct usage *usage;
	struct work *work;
	const struct ov_deployments *deployments;	/* may be empty */
	const struct ov_deployment **sorted;	/* deployments by id */
	long samples;		/* cluster.cores samples used */
};

/* Top-level fields of a sample line found by scan_sample(); a string is
 * NULL when absent.  Strings point into the line and are not
 * NUL-terminated. */
struct flat_sample {
	const char *kind, *time, *deployment, *customer, *metric;
	size_t kind_len, time_len, deployment_len, customer_len, metric_len;
	bool has_value;
	int64_t value;
};

enum scan_result {
	SCAN_SLOW,		/* the line needs the full parser: invalid, or
				   using JSON the fast path does not check
				   (escapes, non-ASCII text, fractions) */
	SCAN_SAMPLE,		/* a valid line; out holds its fields */
	SCAN_OTHER_METRIC,	/* a plain metric other than cluster.cores
				   was found before the end: skip the line */
};

/* Checks a line and finds its sample fields in one pass (scan.c). */
enum scan_result scan_sample(const char *text, size_t len,
    struct flat_sample *out);

/* The record function of the loop (records.c). */
int bill_record(struct ov_record *rec, void *ctx);

/* One invoice line. */
struct line {
	const char *item;
	char quantity[32];	/* JSON number text */
	const char *unit;
	char unit_price[OV_MONEY_LEN];
	int64_t cents;
};

/* One customer's invoice. */
struct invoice {
	const struct ov_customer *customer;
	const char *plan;
	size_t nlines;
	struct line lines[8];
};

/* Per-customer sums of the month taken from the usage engine. */
struct customer_usage {
	int64_t inside;		/* core-minutes inside the contract */
	int64_t outside;	/* core-minutes of the month outside it */
};

/*
 * Computes the invoice of a customer whose contract overlaps the month.
 * Returns 0, or -1 after an error naming the customer when part of it
 * could not be billed (the invoice still contains the lines that could).
 */
int invoice_build(struct invoice *inv, const struct ov_customer *c,
    const struct ov_plan *plan, const struct month *m,
    const struct customer_usage *cu, int64_t work_minutes,
    const char *customers_path);

/* Returns true when the contract of c covers some day of the month. */
bool contract_overlaps(const struct ov_customer *c, const struct month *m);

/* Contract instants: first instant of service and the instant after the
 * last (INT64_MAX while the contract runs). */
void contract_span(const struct ov_customer *c, int64_t *from, int64_t *to);

enum format { FORMAT_RECORDS, FORMAT_CSV, FORMAT_TABLE };

struct output;
struct output *output_new(enum format f, bool usage_report);
void output_invoice(struct output *o, const struct invoice *inv,
    const char *period);
/* One usage row: a deployment's core-minutes on one local day. */
void output_usage(struct output *o, const char *customer,
    const char *deployment, const char *date, int64_t minutes,
    int64_t core_minutes, uint32_t max_cores);
void output_finish(struct output *o);

/*
 * Writes the invoices of every customer whose contract overlaps the month,
 * in customers order, and reports usage and work that cannot be billed.
 * Returns -1 when something could not be billed.
 */
int bill(const struct usage *u, const struct work *w,
    const struct ov_customers *cs, const char *customers_path,
    const struct ov_plans *plans, enum format f);

/* Writes each deployment's charged minutes per local day of the month. */
int report_usage(struct usage *u, enum format f);

#endif
