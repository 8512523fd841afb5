/*
 * A fast reader of the common shape of sample and event lines, so that the
 * hot path of ovalarm neither allocates nor builds a cJSON tree.
 */
#ifndef OVALARM_SCAN_H
#define OVALARM_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "eval.h"

/*
 * Reads a flat record: known top-level keys (kind, time, customer,
 * deployment, node, metric, event, value) with plain string or number
 * values, and one "labels" or "fields" object of plain strings (and, for
 * fields, numbers).  Strings are copied into buf (at least len + 1 bytes)
 * and NUL-terminated there.  On success fills v and kind and returns true.
 * Returns false for anything else (escapes, other keys, nesting, invalid
 * or doubtful text): the caller then parses the line fully, which also
 * gives the exact reason when the line is invalid.
 */
bool scan_record(const char *text, size_t len, char *buf, struct view *v,
    const char **kind);

#endif
