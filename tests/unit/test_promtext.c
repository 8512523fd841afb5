/* Unit tests of the Prometheus text format parser (lib/promtext.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "promtext.h"
#include "tap.h"

/* Collects every sample as one text line "name{a=b,...} value ts type". */
static int
collect(const struct ov_prom_sample *s, void *ctx)
{
	struct ov_buf *b = ctx;

	ov_buf_adds(b, s->name);
	ov_buf_addc(b, '{');
	for (size_t i = 0; i < s->nlabels; i++)
		ov_buf_printf(b, "%s%s=%s", i ? "," : "", s->labels[i].name,
		    s->labels[i].value);
	ov_buf_printf(b, "} %g", s->value);
	if (s->has_timestamp)
		ov_buf_printf(b, " @%lld", (long long)s->timestamp_ms);
	ov_buf_printf(b, " %s\n", s->type);
	return 0;
}

static const char *
parse(const char *text, int *rc, char *err, size_t errsize)
{
	static struct ov_buf b;

	b.len = 0;
	ov_buf_addc(&b, '\0');
	b.len = 0;
	*rc = ov_prom_parse(text, strlen(text), collect, &b, err, errsize);
	ov_buf_addc(&b, '\0');
	return b.data;
}

static void
check(const char *text, const char *expected, const char *name)
{
	char err[256] = "";
	int rc;
	const char *got = parse(text, &rc, err, sizeof err);

	tap_is_int(rc, 0, name);
	if (rc != 0)
		printf("#   error: %s\n", err);
	tap_is_str(got, expected, name);
}

static void
check_error(const char *text, const char *expected_err, const char *name)
{
	char err[256] = "";
	int rc;

	parse(text, &rc, err, sizeof err);
	tap_is_int(rc, -1, name);
	tap_is_str(err, expected_err, name);
}

static int
stop_at_second(const struct ov_prom_sample *s, void *ctx)
{
	int *n = ctx;

	(void)s;
	return ++*n == 2 ? 7 : 0;
}

static void
test_livekit_page(void)
{
	const char *page =
	    "# HELP livekit_room_total rooms\n"
	    "# TYPE livekit_room_total gauge\n"
	    "livekit_room_total{node_id=\"ND_1\",node_type=\"SERVER\"} 3\n"
	    "# TYPE livekit_track_published_total counter\n"
	    "livekit_track_published_total{kind=\"audio\"} 4 1700000000000\n"
	    "livekit_track_published_total{kind=\"video\",} 2\n"
	    "process_cpu_seconds_total 12.5\n";

	check(page,
	    "livekit_room_total{node_id=ND_1,node_type=SERVER} 3 gauge\n"
	    "livekit_track_published_total{kind=audio} 4 @1700000000000 "
	    "counter\n"
	    "livekit_track_published_total{kind=video} 2 counter\n"
	    "process_cpu_seconds_total{} 12.5 untyped\n",
	    "LiveKit page with types and timestamps");
}

static void
test_values(void)
{
	check("a NaN\nb +Inf\nc -Inf\nd 1e3\ne -0.5\nf Inf\n",
	    "a{} nan untyped\nb{} inf untyped\nc{} -inf untyped\n"
	    "d{} 1000 untyped\ne{} -0.5 untyped\nf{} inf untyped\n",
	    "NaN, infinities and exponents");
	check("x{le=\"+Inf\"} 7 -5\n", "x{le=+Inf} 7 @-5 untyped\n",
	    "negative timestamp");
	check("x 1\r\n\n   \n# just a comment\n#\n", "x{} 1 untyped\n",
	    "blank lines, comments and CRLF");
	check("x 1", "x{} 1 untyped\n", "missing final newline");
	check("a:b_c 2\n", "a:b_c{} 2 untyped\n", "colon in a metric name");
	check("h_bucket{le=\"1\"} 1\n# TYPE h histogram\nh_bucket{le=\"2\"} 2\n"
	    "h_sum 3\nh_count 2\n",
	    "h_bucket{le=1} 1 untyped\nh_bucket{le=2} 2 histogram\n"
	    "h_sum{} 3 histogram\nh_count{} 2 histogram\n",
	    "histogram family suffixes");
}

static void
test_escapes(void)
{
	check("m{a=\"x\\\"y\",b=\"back\\\\slash\",c=\"line\\nfeed\"} 1\n",
	    "m{a=x\"y,b=back\\slash,c=line\nfeed} 1 untyped\n",
	    "label value escapes");
	check("m{a=\"tab\\tkept\"} 1\n", "m{a=tab\\tkept} 1 untyped\n",
	    "unknown escape kept as written");
	check("m{a=\"caf\xc3\xa9 {x=1}, y\"} 1\n",
	    "m{a=caf\xc3\xa9 {x=1}, y} 1 untyped\n",
	    "UTF-8 and braces in a label value");
	check("m { a = \"1\" , b=\"2\" } 1\n", "m{a=1,b=2} 1 untyped\n",
	    "blanks around labels");
	check("m{} 1\n", "m{} 1 untyped\n", "empty label set");
}

static void
test_errors(void)
{
	check_error("ok 1\nbad{a=\"1\" 2\n",
	    "line 2: expected ',' or '}' after a label", "unclosed label set");
	check_error("m{a=\"1} 2\n", "line 1: unterminated label value",
	    "unterminated label value");
	check_error("m{a=\"1\",a=\"2\"} 2\n", "line 1: duplicate label 'a'",
	    "duplicate label");
	check_error("m 1 2 3\n", "line 1: unexpected text after the timestamp",
	    "extra field");
	check_error("m one\n", "line 1: invalid sample value 'one'",
	    "word as value");
	check_error("m\n", "line 1: expected a space after the metric name",
	    "missing value");
	check_error("m \n", "line 1: invalid sample value ''",
	    "blank value");
	check_error("m 0x10\n", "line 1: invalid sample value '0x10'",
	    "hexadecimal value");
	check_error("m 1 1.5\n", "line 1: invalid timestamp '1.5'",
	    "fractional timestamp");
	check_error("m 1 99999999999999999999\n",
	    "line 1: invalid timestamp '99999999999999999999'",
	    "timestamp overflow");
	check_error("9m 1\n", "line 1: invalid metric name at '9m 1'",
	    "name starting with a digit");
	check_error("m{9=\"1\"} 1\n",
	    "line 1: invalid label name at '9=\"1\"} 1'",
	    "label name starting with a digit");
	check_error("m{a:b=\"1\"} 1\n",
	    "line 1: expected '=' after a label name",
	    "colon in a label name");
	check_error("m{a=1} 1\n", "line 1: expected a quoted label value",
	    "unquoted label value");
	check_error("# TYPE m gauges\n", "line 1: unknown metric type 'gauges'",
	    "unknown type");
	check_error("# TYPE m gauge\n# TYPE m counter\n",
	    "line 2: second TYPE line for 'm'", "repeated TYPE");
	check_error("# HELP 1m x\n", "line 1: invalid metric name in a HELP "
	    "line", "bad HELP name");
	check_error("m{a=\"\xff\"} 1\n", "line 1: invalid UTF-8", "bad UTF-8");
}

static void
test_nul_and_callback(void)
{
	const char text[] = "m 1\nm\0 1\n";
	char err[128] = "";
	int n = 0, rc;

	rc = ov_prom_parse(text, sizeof text - 1, stop_at_second, &n, err,
	    sizeof err);
	tap_is_int(rc, -1, "NUL inside a line is rejected");
	tap_is_str(err, "line 2: NUL byte in the line", "NUL reported");
	n = 0;
	rc = ov_prom_parse("a 1\nb 2\nc 3\n", 12, stop_at_second, &n, err,
	    sizeof err);
	tap_is_int(rc, 7, "callback result stops the parse");
	tap_is_int(n, 2, "no sample after the stop");
}

static void
test_many_labels(void)
{
	struct ov_buf b = { 0 };
	char err[128] = "";
	int n = 0, rc;

	ov_buf_adds(&b, "m{");
	for (int i = 0; i <= OV_PROM_MAX_LABELS; i++)
		ov_buf_printf(&b, "l%d=\"v\",", i);
	ov_buf_adds(&b, "} 1\n");
	rc = ov_prom_parse(b.data, b.len, stop_at_second, &n, err, sizeof err);
	tap_is_int(rc, -1, "too many labels rejected");
	tap_is_str(err, "line 1: more than 64 labels", "label limit named");
	ov_buf_free(&b);
}

static int
first_label(const struct ov_prom_sample *s, void *ctx)
{
	const char **out = ctx;

	*out = ov_prom_label(s, "kind") ? "kind" : "none";
	return 0;
}

int
main(void)
{
	const char *found = NULL;
	char err[64];

	test_livekit_page();
	test_values();
	test_escapes();
	test_errors();
	test_nul_and_callback();
	test_many_labels();
	ov_prom_parse("m{kind=\"a\"} 1\n", 14, first_label, &found, err,
	    sizeof err);
	tap_is_str(found, "kind", "label lookup by name");
	ov_prom_parse("m 1\n", 4, first_label, &found, err, sizeof err);
	tap_is_str(found, "none", "absent label is NULL");
	return tap_done();
}
