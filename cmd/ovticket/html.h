/*
 * HTML output of the portal: the one escaping function every text goes
 * through, page headers and footers, and page files.
 */
#ifndef OVTICKET_HTML_H
#define OVTICKET_HTML_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"

/*
 * Appends s to b with &, <, >, " and ' replaced by entities, so the text is
 * safe both in element content and in quoted attribute values.
 */
void html_escape(struct ov_buf *b, const char *s);

/* Appends printf-style text with every %s argument escaped: the format
 * itself is trusted markup, its arguments never are. */
void html_printf(struct ov_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Starts a page: doctype, title (escaped), the inline style sheet, and a
 * heading with the title. */
void html_page_begin(struct ov_buf *b, const char *title);

void html_page_end(struct ov_buf *b);

/* Appends an instant as the reader's local time ("2026-11-03 10:07 CET",
 * in the zone of TZ) in a <time> element whose datetime is the UTC
 * instant. */
void html_time(struct ov_buf *b, int64_t t);

/* Writes b to a new file at path.  The portal writes a whole new site
 * folder and swaps it in at the end, so files need no rename of their own.
 * Returns 0 or -1 (errno). */
int html_write_file(const char *path, const struct ov_buf *b);

#endif
