/*
 * Aligned text tables for a terminal: a header row in bold, columns padded
 * to their widest cell (counted in UTF-8 characters), numbers aligned right,
 * and state words coloured (breached and critical red, at_risk and pending
 * yellow, met and resolved green).  Colour is used only on a terminal and
 * never when NO_COLOR is set.
 */
#ifndef OV_TABLE_H
#define OV_TABLE_H

#include <stdbool.h>
#include <stdio.h>

struct ov_table;

/* Creates a table with the given column titles (NULL-terminated). A title
 * starting with '>' makes a right-aligned column; the '>' is not shown. */
struct ov_table *ov_table_new(const char *const *titles);

/* Adds a row of cells (as many as titles; NULL shows as empty). */
void ov_table_add(struct ov_table *t, const char *const *cells);

/* Prints and frees the table. */
void ov_table_print(struct ov_table *t, FILE *f);

/* Returns true when f is a terminal and colour is allowed (NO_COLOR unset,
 * TERM not "dumb"). */
bool ov_color(FILE *f);

/* Returns true when standard output is a terminal, so a program shows a
 * table instead of records. */
bool ov_stdout_is_terminal(void);

#endif
