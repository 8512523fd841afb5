/*
 * Parser of the Prometheus text exposition format (version 0.0.4), the
 * format of a /metrics page: "# HELP" and "# TYPE" lines, other comments,
 * and samples "name{label="value",...} value [timestamp_ms]".  Label values
 * take the escapes \\, \" and \n; values may be NaN, +Inf and -Inf.
 *
 * Like the Prometheus server, the parser rejects the whole page at its first
 * malformed line, so a half-read page never passes for a complete one.
 */
#ifndef OV_PROMTEXT_H
#define OV_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Maximum labels of one sample. */
#define OV_PROM_MAX_LABELS 64

struct ov_prom_label {
	const char *name;
	const char *value;	/* unescaped */
};

/* One sample, valid only during the callback. */
struct ov_prom_sample {
	const char *name;
	size_t nlabels;
	const struct ov_prom_label *labels;
	double value;		/* may be NaN or infinite */
	bool has_timestamp;
	int64_t timestamp_ms;
	const char *type;	/* the family's "# TYPE", or "untyped" */
	long line;
};

/* Callback run once per sample.  A non-zero result stops the parse. */
typedef int (*ov_prom_fn)(const struct ov_prom_sample *s, void *ctx);

/*
 * Parses text[0..len) and calls fn for every sample in page order.
 * Returns 0, fn's non-zero result, or -1 with "line N: reason" in err.
 */
int ov_prom_parse(const char *text, size_t len, ov_prom_fn fn, void *ctx,
    char *err, size_t errsize);

/* Returns the value of a sample's label, or NULL when it has none. */
const char *ov_prom_label(const struct ov_prom_sample *s, const char *name);

#endif
