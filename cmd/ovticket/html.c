/*
 * HTML escaping and page files for the portal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "html.h"

void
html_escape(struct ov_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			ov_buf_adds(b, "&amp;");
			break;
		case '<':
			ov_buf_adds(b, "&lt;");
			break;
		case '>':
			ov_buf_adds(b, "&gt;");
			break;
		case '"':
			ov_buf_adds(b, "&quot;");
			break;
		case '\'':
			ov_buf_adds(b, "&#39;");
			break;
		default:
			ov_buf_addc(b, *s);
		}
	}
}

/* Supports the conversions the portal uses: %s (escaped), %d, %ld, %lld,
 * %zu and %%.  Anything else is a programming error and aborts. */
void
html_printf(struct ov_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			ov_buf_addc(b, *p);
			continue;
		}
		p++;
		if (*p == 's')
			html_escape(b, va_arg(ap, const char *));
		else if (*p == 'd')
			ov_buf_printf(b, "%d", va_arg(ap, int));
		else if (strncmp(p, "lld", 3) == 0 && (p += 2))
			ov_buf_printf(b, "%lld", va_arg(ap, long long));
		else if (strncmp(p, "ld", 2) == 0 && (p += 1))
			ov_buf_printf(b, "%ld", va_arg(ap, long));
		else if (strncmp(p, "zu", 2) == 0 && (p += 1))
			ov_buf_printf(b, "%zu", va_arg(ap, size_t));
		else if (*p == '%')
			ov_buf_addc(b, '%');
		else
			abort();
	}
	va_end(ap);
}

static const char style[] =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:70em}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;"
    "vertical-align:top}"
    "th{background:#f0f0f0}"
    ".critical{color:#b00;font-weight:bold}"
    ".breached{color:#b00}.at_risk{color:#b60}.met{color:#070}"
    "pre{white-space:pre-wrap;margin:0;font-family:inherit}"
    "nav a{margin-right:1em}"
    ".unknown{font-style:italic}"
    "table.figures{font-size:90%}table.figures td{white-space:normal}"
    "svg.chart{display:block;max-width:100%;height:auto}"
    /* Paper: no navigation, black text, no chart or table cut across
     * pages, and the full width. */
    "@media print{body{margin:0;max-width:none;color:#000;font-size:10pt}"
    "nav{display:none}a{color:inherit;text-decoration:none}"
    "h2,h3{break-after:avoid}svg,tr{break-inside:avoid}"
    "th{background:none}}";

void
html_page_begin(struct ov_buf *b, const char *title)
{
	ov_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n");
	html_printf(b, "<title>%s</title>\n", title);
	ov_buf_printf(b, "<style>%s</style>\n</head>\n<body>\n", style);
	html_printf(b, "<h1>%s</h1>\n", title);
}

void
html_page_end(struct ov_buf *b)
{
	ov_buf_adds(b, "</body>\n</html>\n");
}

int
html_write_file(const char *path, const struct ov_buf *b)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (fwrite(b->data, 1, b->len, f) != b->len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

void
html_time(struct ov_buf *b, int64_t t)
{
	char utc[OV_TIME_LEN], local[64];

	ov_time_format(t, utc);
	ov_time_display(t, local, sizeof local);
	ov_buf_adds(b, "<time datetime=\"");
	html_escape(b, utc);
	ov_buf_adds(b, "\">");
	html_escape(b, local);
	ov_buf_adds(b, "</time>");
}
