/* Unit tests of lib/json and lib/input: checked parsing, field access,
 * record output and the record loop's handling of bad lines. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "input.h"
#include "json.h"
#include "tap.h"

static char reason[512];

static int
check(const char *text)
{
	struct ov_record rec = { .file = "t", .line = 1, .text = text,
		.len = strlen(text) };
	cJSON *obj = ov_record_parse(&rec);

	snprintf(reason, sizeof reason, "%s", rec.error);
	cJSON_Delete(obj);
	return obj != NULL;
}

static void
test_parse(void)
{
	tap_ok(check("{\"kind\":\"sample\",\"value\":1}"), "plain object");
	tap_ok(!check("[1,2]"), "array rejected");
	tap_is_str(reason, "invalid record: not a JSON object", "array reason");
	tap_ok(!check("{\"kind\":\"sample\""), "truncated");
	tap_is_str(reason, "invalid JSON: unexpected end of line",
	    "truncated reason");
	tap_ok(!check("{\"value\":1e400}"), "1e400 rejected");
	tap_is_str(reason, "field \"value\": number out of range (infinite or "
	    "not a number)", "1e400 reason");
	tap_ok(!check("{\"value\":9007199254740993}"), "2^53+1 rejected");
	tap_ok(check("{\"value\":9007199254740991}"), "2^53-1 accepted");
	tap_ok(!check("{\"value\":NaN}"), "NaN rejected");
	tap_ok(!check("{\"a\":1,\"a\":2}"), "duplicate key rejected");
	tap_is_str(reason, "duplicate key \"a\"", "duplicate key reason");
	tap_ok(!check("{\"l\":{\"x\":1,\"x\":1}}"), "nested duplicate");
	tap_ok(!check("{\"s\":\"a\xff\"}"), "invalid UTF-8");
	tap_ok(!check("{\"s\":\"\xc0\xaf\"}"), "overlong UTF-8");
	tap_ok(!check("{\"s\":\"\xed\xa0\x80\"}"), "surrogate in UTF-8");
	tap_ok(check("{\"s\":\"caf\xc3\xa9 \xf0\x9f\x8e\xa5\"}"),
	    "valid multibyte UTF-8");
	tap_ok(!check("{\"s\":\"a\\u0000b\"}"), "NUL escape rejected");
	tap_ok(check("{\"s\":\"a\\\\u0000b\"}"), "escaped backslash is text");
	tap_ok(!check("{\"a\":1} x"), "text after the object");
	tap_ok(check("{\"a\":1}  "), "spaces after the object");
}

/* Inputs cJSON accepts that JSON forbids. */
static void
test_lexical(void)
{
	tap_ok(!check("{\"a\":08}"), "leading zero rejected");
	tap_ok(strstr(reason, "leading zero at column 6") != NULL,
	    "leading zero column named");
	tap_ok(!check("{\"a\":-08}"), "negative leading zero rejected");
	tap_ok(check("{\"a\":[0,0.5,-0,10,1e08,1E-07]}"),
	    "zero, fraction and exponent digits accepted");
	tap_ok(!check("{\"a\":\"x\ty\"}"), "raw tab in a string rejected");
	tap_ok(strstr(reason, "0x09 in a string at column 8") != NULL,
	    "raw tab column named");
	tap_ok(!check("{\"a\":\x01 1}"), "control character between tokens");
	tap_ok(check("{\"a\":\r\n\t 1}"), "JSON blanks between tokens");
	tap_ok(check("{\"08\":\"-08\"}"), "digits inside strings are text");
}

static void
test_peek(void)
{
	const char *line = "{\"labels\":{\"kind\":\"x\"},\"s\":\"\\\"kind\\\"\","
	    "\"kind\" : \"sample\"}";
	size_t n = 0;
	const char *v = ov_json_peek(line, strlen(line), "kind", &n);

	tap_ok(v != NULL && n == 6 && memcmp(v, "sample", 6) == 0,
	    "peek finds the top-level key only");
	v = ov_json_peek("{\"a\":1}", 7, "kind", &n);
	tap_ok(v == NULL, "peek of a missing key");
	v = ov_json_peek("{\"kind\":\"sa\\u006dple\"}", 22, "kind", &n);
	tap_ok(v == NULL, "peek gives up on escapes");
}

static void
test_fields(void)
{
	const char *text = "{\"kind\":\"sample\",\"time\":\"2026-11-02T09:15:00Z\","
	    "\"value\":87.5,\"n\":3,\"f\":2.5,\"s\":5,\"b\":true,\"bad\":\"x\"}";
	struct ov_record rec = { .file = "t", .line = 1, .text = text,
		.len = strlen(text) };
	cJSON *obj = ov_record_parse(&rec);
	const char *s;
	double v;
	int64_t i, t;
	bool b;

	tap_is_int(ov_get_string(&rec, obj, "kind", true, &s), 1, "string");
	tap_is_int(ov_get_string(&rec, obj, "s", true, &s), -1,
	    "number is not a string");
	tap_is_str(rec.error, "field \"s\": expected a string", "type reason");
	tap_is_int(ov_get_string(&rec, obj, "nope", false, &s), 0,
	    "optional absent");
	tap_is_int(ov_get_string(&rec, obj, "nope", true, &s), -1,
	    "required absent");
	tap_is_str(rec.error, "missing field \"nope\"", "missing reason");
	tap_is_int(ov_get_number(&rec, obj, "value", true, &v), 1, "number");
	tap_ok(v == 87.5, "number value");
	tap_is_int(ov_get_int(&rec, obj, "n", true, &i), 1, "integer");
	tap_is_int(ov_get_int(&rec, obj, "f", true, &i), -1, "fraction");
	tap_is_int(ov_get_bool(&rec, obj, "b", true, &b), 1, "bool");
	tap_is_int(ov_get_time(&rec, obj, "time", true, &t), 1, "time");
	tap_is_int(t, 1793610900, "time value");
	tap_is_int(ov_get_time(&rec, obj, "bad", true, &t), -1, "bad time");
	cJSON_Delete(obj);
}

static void
test_output(void)
{
	struct ov_buf b = { 0 };

	ov_rec_begin(&b, "sample");
	ov_rec_time(&b, "time", 1793610900);
	ov_rec_str(&b, "node", "a\"b\\c\n\x01");
	ov_rec_num(&b, "value", 94.0);
	ov_rec_num(&b, "load", 0.1);
	ov_rec_num(&b, "third", 1.0 / 3);
	ov_rec_open(&b, "labels");
	ov_rec_str(&b, "status", "running");
	ov_rec_str(&b, "a\"b", "x");
	ov_rec_close(&b);
	ov_rec_end(&b);
	tap_is_str(b.data, "{\"kind\":\"sample\",\"time\":\"2026-11-02T09:15:"
	    "00Z\",\"node\":\"a\\\"b\\\\c\\n\\u0001\",\"value\":94,\"load\":0.1,"
	    "\"third\":0.3333333333333333,\"labels\":{\"status\":\"running\","
	    "\"a\\\"b\":\"x\"}}\n",
	    "record output");
	ov_buf_free(&b);
}

struct seen {
	int count;
	char last[64];
};

static int
collect(struct ov_record *rec, void *ctx)
{
	struct seen *s = ctx;
	cJSON *obj = ov_record_parse(rec);

	if (obj == NULL)
		return -1;
	s->count++;
	snprintf(s->last, sizeof s->last, "%s:%ld", rec->file, rec->line);
	cJSON_Delete(obj);
	return 0;
}

static void
test_loop(void)
{
	char path[] = "/tmp/ovjsonXXXXXX", rejects[64];
	const char data[] = "\xef\xbb\xbf{\"a\":1}\r\n\n{bad}\n  \n{\"a\":2}";
	struct ov_loop loop;
	struct seen s = { 0 };
	char *paths[1] = { path };
	FILE *f;
	char line[64];
	int fd = mkstemp(path);

	write(fd, data, sizeof data - 1);
	close(fd);
	snprintf(rejects, sizeof rejects, "%s.rej", path);
	ov_verbosity = OV_QUIET;
	ov_loop_init(&loop);
	loop.progress = false;
	loop.rejects_path = rejects;
	tap_is_int(ov_loop_run(&loop, paths, 1, collect, &s), -1,
	    "loop reports the rejected line");
	ov_loop_finish(&loop);
	tap_is_int(s.count, 2, "BOM, CRLF and no final newline accepted");
	tap_is_int(loop.rejected, 1, "one line rejected");
	snprintf(line, sizeof line, "%s:5", path);
	tap_is_str(s.last, line, "line numbers count blank lines");
	f = fopen(rejects, "r");
	tap_ok(f != NULL && fgets(line, sizeof line, f) != NULL &&
	    strcmp(line, "{bad}\n") == 0, "rejected line kept for replay");
	if (f)
		fclose(f);

	/* A line over --max-line is skipped; the next line still counts. */
	f = fopen(path, "w");
	fputs("{\"a\":\"", f);
	for (int i = 0; i < 5000; i++)
		fputc('x', f);
	fputs("\"}\n{\"a\":3}\n", f);
	fclose(f);
	ov_loop_init(&loop);
	loop.progress = false;
	loop.max_line = 100;
	s.count = 0;
	tap_is_int(ov_loop_run(&loop, paths, 1, collect, &s), -1,
	    "long line rejected");
	tap_is_int(s.count, 1, "line after a long one read");
	snprintf(line, sizeof line, "%s:2", path);
	tap_is_str(s.last, line, "line number after a long line");

	/* --strict stops at the first bad line. */
	f = fopen(path, "w");
	fputs("{\"a\":1}\nnope\n{\"a\":2}\n", f);
	fclose(f);
	ov_loop_init(&loop);
	loop.progress = false;
	loop.strict = true;
	s.count = 0;
	ov_loop_run(&loop, paths, 1, collect, &s);
	tap_is_int(s.count, 1, "strict stops at the first bad line");
	unlink(path);
	unlink(rejects);
}

int
main(void)
{
	test_parse();
	test_lexical();
	test_peek();
	test_fields();
	test_output();
	test_loop();
	return tap_done();
}
