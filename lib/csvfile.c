#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csvfile.h"
#include "diag.h"
#include "json.h"

/* Parser state shared with libcsv's callbacks. */
struct loader {
	struct ov_csv *csv;
	long line;		/* physical line being fed */
	long row_line;		/* line where the current row started */
	char **fields;
	size_t nfields, cap;
	bool bad_utf8;
	long bad_line;
};

static void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

static void
on_field(void *data, size_t len, void *ctx)
{
	struct loader *l = ctx;
	char *copy = xrealloc(NULL, len + 1);

	if (l->nfields == 0)
		l->row_line = l->line;
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (!ov_utf8_valid(copy, len) && !l->bad_utf8) {
		l->bad_utf8 = true;
		l->bad_line = l->line;
	}
	if (l->nfields == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->fields = xrealloc(l->fields, l->cap * sizeof *l->fields);
	}
	l->fields[l->nfields++] = copy;
}

static void
on_row(int term, void *ctx)
{
	struct loader *l = ctx;
	struct ov_csv *csv = l->csv;
	struct ov_csv_row *row;

	(void)term;
	/* A blank line gives a row with one empty field: skip it. */
	if (l->nfields == 1 && l->fields[0][0] == '\0') {
		free(l->fields[0]);
		l->nfields = 0;
		return;
	}
	if (csv->header == NULL) {
		csv->header = l->fields;
		csv->ncols = l->nfields;
	} else {
		csv->rows = xrealloc(csv->rows,
		    (csv->nrows + 1) * sizeof *csv->rows);
		row = &csv->rows[csv->nrows++];
		row->line = l->row_line;
		row->nfields = l->nfields;
		row->fields = l->fields;
	}
	l->fields = NULL;
	l->nfields = l->cap = 0;
}

int
ov_csv_load(const char *path, const char *const *required,
    struct ov_csv *csv, char *err, size_t errsize)
{
	struct csv_parser parser;
	struct loader l = { .csv = csv };
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = -1;

	memset(csv, 0, sizeof *csv);
	csv->path = strdup(path);
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		ov_csv_free(csv);
		return -1;
	}
	csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	while ((n = getline(&line, &cap, f)) > 0) {
		l.line++;
		if (l.line == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) ==
		    0) {
			memmove(line, line + 3, (size_t)n - 3);
			n -= 3;
		}
		if (l.nfields == 0)
			l.row_line = l.line;
		if (csv_parse(&parser, line, (size_t)n, on_field, on_row, &l) !=
		    (size_t)n) {
			snprintf(err, errsize, "%s:%ld: invalid CSV: %s", path,
			    l.line, csv_strerror(csv_error(&parser)));
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errsize, "%s: read error: %s", path,
		    strerror(errno));
		goto out;
	}
	if (csv_fini(&parser, on_field, on_row, &l) != 0) {
		snprintf(err, errsize, "%s:%ld: invalid CSV: unterminated "
		    "quoted field (starting on line %ld)", path, l.line,
		    l.row_line);
		goto out;
	}
	if (l.bad_utf8) {
		snprintf(err, errsize, "%s:%ld: invalid UTF-8", path,
		    l.bad_line);
		goto out;
	}
	if (csv->header == NULL) {
		snprintf(err, errsize, "%s: empty file: a header row is "
		    "required", path);
		goto out;
	}
	for (size_t i = 0; i < csv->ncols; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(csv->header[i], csv->header[j]) == 0) {
				snprintf(err, errsize, "%s:1: column '%s' "
				    "appears twice in the header row; keep "
				    "one", path, csv->header[i]);
				goto out;
			}
	for (const char *const *r = required; r && *r; r++)
		if (ov_csv_column(csv, *r) < 0) {
			snprintf(err, errsize, "%s:1: missing column '%s' in "
			    "the header row", path, *r);
			goto out;
		}
	for (size_t i = 0; i < csv->nrows; i++)
		if (csv->rows[i].nfields != csv->ncols) {
			snprintf(err, errsize, "%s:%ld: expected %zu fields as "
			    "in the header, found %zu", path,
			    csv->rows[i].line, csv->ncols,
			    csv->rows[i].nfields);
			goto out;
		}
	rc = 0;
out:
	for (size_t i = 0; i < l.nfields; i++)
		free(l.fields[i]);
	free(l.fields);
	csv_free(&parser);
	free(line);
	fclose(f);
	if (rc < 0)
		ov_csv_free(csv);
	return rc;
}

int
ov_csv_column(const struct ov_csv *csv, const char *name)
{
	for (size_t i = 0; i < csv->ncols; i++)
		if (strcmp(csv->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
ov_csv_get(const struct ov_csv *csv, const struct ov_csv_row *row,
    const char *name)
{
	int i = ov_csv_column(csv, name);

	if (i < 0 || (size_t)i >= row->nfields)
		return "";
	return row->fields[i];
}

void
ov_csv_free(struct ov_csv *csv)
{
	for (size_t i = 0; i < csv->nrows; i++) {
		for (size_t j = 0; j < csv->rows[i].nfields; j++)
			free(csv->rows[i].fields[j]);
		free(csv->rows[i].fields);
	}
	for (size_t i = 0; i < csv->ncols; i++)
		free(csv->header[i]);
	free(csv->header);
	free(csv->rows);
	free(csv->path);
	memset(csv, 0, sizeof *csv);
}
