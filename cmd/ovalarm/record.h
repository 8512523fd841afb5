/*
 * Reading sample and event lines into views, by the fast scanner when the
 * line has the usual shape and by the full JSON parse otherwise.
 */
#ifndef OVALARM_RECORD_H
#define OVALARM_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "eval.h"
#include "input.h"

struct reader {
	char *line;			/* copy of a line for scan_record() */
	char scratch[LABEL_MAX][32];	/* event fields that are numbers */
	cJSON *tree;			/* the parsed line behind a view */
};

/* Sets up a reader for lines of at most max_line bytes. */
void reader_init(struct reader *rd, size_t max_line);

/*
 * Reads one line.  Returns 1 with v filled for a sample or an event
 * (*event is true for an event), 0 for a valid record of another kind, or -1 after
 * ov_reject() for an invalid line.  The view stays valid until the next
 * call or reader_free().
 */
int reader_read(struct reader *rd, struct ov_record *rec, struct view *v,
    bool *event);

/* Frees the reader. */
void reader_free(struct reader *rd);

#endif
