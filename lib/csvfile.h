/*
 * CSV files with a header row, read whole with libcsv (strict quoting).
 * Every row keeps the number of the line it starts on, for messages like
 * "customers.csv:7: contract_start: invalid date".
 */
#ifndef OV_CSVFILE_H
#define OV_CSVFILE_H

#include <stddef.h>

/* One data row. */
struct ov_csv_row {
	long line;
	size_t nfields;
	char **fields;
};

/* A loaded file. */
struct ov_csv {
	char *path;
	size_t ncols;
	char **header;
	size_t nrows;
	struct ov_csv_row *rows;
};

/*
 * Loads a CSV file and checks that its header contains every column of
 * required (a NULL-terminated list) and that every row has as many fields as
 * the header.  Returns 0, or -1 with "file:line: reason" in err.
 */
int ov_csv_load(const char *path, const char *const *required,
    struct ov_csv *csv, char *err, size_t errsize);

/* Index of a header column, or -1. */
int ov_csv_column(const struct ov_csv *csv, const char *name);

/* Field of a row by column name, "" when the column is absent. */
const char *ov_csv_get(const struct ov_csv *csv, const struct ov_csv_row *row,
    const char *name);

void ov_csv_free(struct ov_csv *csv);

#endif
