/*
 * Output of alarm transitions: alarm records, an Alertmanager v2 alerts
 * array, or one Nagios status line.
 */
#ifndef OVALARM_OUTPUT_H
#define OVALARM_OUTPUT_H

#include "eval.h"
#include "json.h"

enum out_format { OUT_RECORDS, OUT_ALERTMANAGER, OUT_NAGIOS };

struct output {
	enum out_format format;
	struct ov_buf buf;
	struct series **resolved;	/* alertmanager: resolved this run */
	int64_t *resolved_at;
	size_t nresolved, cap;
	long fired, cleared;
};

/* Handles one transition (an alarm_fn). */
void output_alarm(const struct alarm *a, void *ctx);

/* Appends the summary of a series, filling the template's fields. */
void output_summary(struct ov_buf *b, const struct series *s, double value,
    int64_t time, int64_t since, const struct view *record);

/*
 * Finishes the run: writes the Alertmanager array (every firing alarm and
 * those resolved in this run) or the Nagios line.  Returns the exit status
 * of Nagios mode (0 OK, 1 WARNING, 2 CRITICAL), or 0 for other formats.
 */
int output_finish(struct output *o, const struct engine *e);

#endif
