#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "diag.h"
#include "json.h"

bool
ov_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end) {
		unsigned c = *p;
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

/*
 * Checks what cJSON 1.7.15 lets through although JSON forbids it.  That is
 * a NUL byte or a "\u0000" escape, where cJSON ends the string, a raw
 * control character in a string or between tokens, and a number with a
 * leading zero ("08").  Returns 0, or -1 after ov_reject() with the column.
 */
static int
check_lexical(struct ov_record *rec)
{
	const char *s = rec->text, *end = s + rec->len;
	bool in_string = false, in_number = false;

	for (const char *p = s; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		size_t column = (size_t)(p - s) + 1;

		if (c == '\0')
			return ov_reject(rec, "NUL byte at column %zu: records "
			    "are text without NUL bytes", column);
		if (in_string) {
			if (c == '"') {
				in_string = false;
			} else if (c < 0x20) {
				return ov_reject(rec, "control character 0x%02x "
				    "in a string at column %zu (write it as "
				    "\\u%04x)", c, column, c);
			} else if (c == '\\' && p + 1 < end) {
				if (end - p >= 6 && memcmp(p, "\\u0000", 6) == 0)
					return ov_reject(rec, "string contains "
					    "a NUL character (\\u0000)");
				p++;
			}
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c < 0x20 && c != ' ' && c != '\t' && c != '\r' &&
		    c != '\n') {
			return ov_reject(rec, "control character 0x%02x at "
			    "column %zu", c, column);
		} else if (!in_number && (c == '-' || (c >= '0' && c <= '9'))) {
			const char *d = c == '-' ? p + 1 : p;

			if (d + 1 < end && *d == '0' && d[1] >= '0' &&
			    d[1] <= '9')
				return ov_reject(rec, "invalid JSON: number with "
				    "a leading zero at column %zu (remove the "
				    "zero)", column);
		}
		in_number = !in_string && ((c >= '0' && c <= '9') ||
		    c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E');
	}
	return 0;
}

/* Checks numbers and duplicate keys of a parsed tree, recursively. */
static int
check_tree(struct ov_record *rec, const cJSON *item)
{
	const cJSON *child, *other;

	if (cJSON_IsNumber(item)) {
		if (!isfinite(item->valuedouble))
			return ov_reject(rec, "number out of range (infinite "
			    "or not a number)");
		if (fabs(item->valuedouble) >= OV_JSON_MAX_EXACT)
			return ov_reject(rec, "number out of range: "
			    "magnitude 2^53 or more cannot be exact");
		return 0;
	}
	if (!cJSON_IsObject(item) && !cJSON_IsArray(item))
		return 0;
	for (child = item->child; child != NULL; child = child->next) {
		if (cJSON_IsObject(item))
			for (other = item->child; other != child;
			     other = other->next)
				if (strcmp(other->string, child->string) == 0)
					return ov_reject(rec,
					    "duplicate key \"%s\"",
					    child->string);
		if (check_tree(rec, child) < 0) {
			if (child->string != NULL &&
			    strncmp(rec->error, "field ", 6) != 0) {
				char reason[sizeof rec->error];

				snprintf(reason, sizeof reason, "%s",
				    rec->error);
				ov_reject(rec, "field \"%s\": %s",
				    child->string, reason);
			}
			return -1;
		}
	}
	return 0;
}

/* Rejects text cJSON could not parse, telling a line cut short (nothing
 * closes after the error, where cJSON points at the last byte or at the
 * start of the unfinished value) from a syntax error at a column. */
static void
reject_syntax(struct ov_record *rec, const char *error)
{
	size_t at = error != NULL ? (size_t)(error - rec->text) : rec->len;
	const char *first = rec->text, *end = rec->text + rec->len;
	bool opened, closed;

	while (first < end && (*first == ' ' || *first == '\t'))
		first++;
	opened = first < end && (*first == '{' || *first == '[');
	closed = at < rec->len && (memchr(rec->text + at, '}',
	    rec->len - at) != NULL || memchr(rec->text + at, ']',
	    rec->len - at) != NULL);
	if (at >= rec->len || (opened && !closed))
		ov_reject(rec, "invalid JSON: unexpected end of line");
	else {
		char near[24];
		size_t n = 0;

		/* Control bytes are shown as '?' so that a hostile line cannot
		 * drive the terminal reading the message. */
		for (; n < 20 && at + n < rec->len; n++) {
			unsigned char c = (unsigned char)rec->text[at + n];

			near[n] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
		near[n] = '\0';
		ov_reject(rec, "invalid JSON at column %zu near '%s'", at + 1,
		    near);
	}
}

cJSON *
ov_record_parse(struct ov_record *rec)
{
	const char *end = NULL;
	cJSON *obj;

	if (!ov_utf8_valid(rec->text, rec->len))
		return ov_reject(rec, "invalid UTF-8"), NULL;
	if (check_lexical(rec) < 0)
		return NULL;
	obj = cJSON_ParseWithLengthOpts(rec->text, rec->len, &end, false);
	if (obj == NULL) {
		reject_syntax(rec, cJSON_GetErrorPtr());
		return NULL;
	}
	for (const char *p = end; p != NULL && p < rec->text + rec->len; p++)
		if (*p != ' ' && *p != '\t' && *p != '\0') {
			cJSON_Delete(obj);
			return ov_reject(rec, "invalid JSON: text after the "
			    "object at column %zu",
			    (size_t)(p - rec->text) + 1), NULL;
		}
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return ov_reject(rec, "invalid record: not a JSON object"),
		    NULL;
	}
	if (check_tree(rec, obj) < 0) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

const char *
ov_json_peek(const char *text, size_t len, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;
	int depth = 0;
	bool expect_key = false;

	/* A small lexer: strings are skipped whole, so a key is only matched
	 * at the top level and never inside a value or a nested object. */
	while (p < end) {
		char c = *p;

		if (c == '"') {
			const char *s = ++p;
			bool escaped = false;

			while (p < end && *p != '"') {
				if (*p == '\\') {
					escaped = true;
					p++;
				}
				p++;
			}
			if (p >= end)
				return NULL;
			if (depth == 1 && expect_key && !escaped &&
			    (size_t)(p - s) == klen && memcmp(s, key, klen) == 0) {
				const char *v = p + 1, *q;

				while (v < end && (*v == ' ' || *v == '\t' ||
				    *v == ':'))
					v++;
				if (v >= end || *v != '"')
					return NULL;
				for (q = ++v; q < end && *q != '"'; q++)
					if (*q == '\\')
						return NULL;
				if (q >= end)
					return NULL;
				*vlen = (size_t)(q - v);
				return v;
			}
			expect_key = false;
		} else if (c == '{' || c == '[') {
			depth++;
			expect_key = c == '{';
		} else if (c == '}' || c == ']') {
			depth--;
			expect_key = false;
		} else if (c == ',') {
			expect_key = true;
		} else if (c != ' ' && c != '\t' && c != ':') {
			expect_key = false;
		}
		p++;
	}
	return NULL;
}

static const cJSON *
field(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNull(item) ? NULL : item;
}

static int
missing(struct ov_record *rec, const char *key, bool required)
{
	if (required)
		return ov_reject(rec, "missing field \"%s\"", key);
	return 0;
}

int
ov_get_string(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, const char **out)
{
	const cJSON *item = field(obj, key);

	if (item == NULL)
		return missing(rec, key, required);
	if (!cJSON_IsString(item))
		return ov_reject(rec, "field \"%s\": expected a string", key);
	*out = item->valuestring;
	return 1;
}

int
ov_get_number(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, double *out)
{
	const cJSON *item = field(obj, key);

	if (item == NULL)
		return missing(rec, key, required);
	if (!cJSON_IsNumber(item))
		return ov_reject(rec, "field \"%s\": expected a number", key);
	*out = item->valuedouble;
	return 1;
}

int
ov_get_int(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, int64_t *out)
{
	double v;
	int rc = ov_get_number(rec, obj, key, required, &v);

	if (rc <= 0)
		return rc;
	if (v != floor(v))
		return ov_reject(rec, "field \"%s\": expected an integer, "
		    "got %g", key, v);
	*out = (int64_t)v;
	return 1;
}

int
ov_get_bool(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, bool *out)
{
	const cJSON *item = field(obj, key);

	if (item == NULL)
		return missing(rec, key, required);
	if (!cJSON_IsBool(item))
		return ov_reject(rec, "field \"%s\": expected true or false",
		    key);
	*out = cJSON_IsTrue(item);
	return 1;
}

int
ov_get_time(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, int64_t *out)
{
	const char *s;
	char err[160];
	int rc = ov_get_string(rec, obj, key, required, &s);

	if (rc <= 0)
		return rc;
	if (ov_time_parse(s, strlen(s), out, err, sizeof err) < 0)
		return ov_reject(rec, "field \"%s\": %s: \"%.40s\"", key, err,
		    s);
	return 1;
}

int
ov_get_object(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, const cJSON **out)
{
	const cJSON *item = field(obj, key);

	if (item == NULL)
		return missing(rec, key, required);
	if (!cJSON_IsObject(item))
		return ov_reject(rec, "field \"%s\": expected an object", key);
	*out = item;
	return 1;
}

static void
reserve(struct ov_buf *b, size_t extra)
{
	size_t cap;
	char *p;

	if (b->len + extra <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	b->data = p;
	b->cap = cap;
}

char *
ov_buf_room(struct ov_buf *b, size_t len)
{
	reserve(b, len + 1);
	return b->data + b->len;
}

void
ov_buf_add(struct ov_buf *b, const void *data, size_t len)
{
	reserve(b, len + 1);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
ov_buf_addc(struct ov_buf *b, char c)
{
	reserve(b, 2);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void
ov_buf_adds(struct ov_buf *b, const char *s)
{
	ov_buf_add(b, s, strlen(s));
}

void
ov_buf_printf(struct ov_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
ov_buf_free(struct ov_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
ov_buf_add_json_string(struct ov_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	char *out;

	/* The worst case is six bytes per input byte ("\u001f"), reserved
	 * once so the loop below never checks room. */
	reserve(b, len * 6 + 3);
	out = b->data + b->len;
	*out++ = '"';
	while (p < end) {
		const unsigned char *run = p;

		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		memcpy(out, run, (size_t)(p - run));
		out += p - run;
		if (p == end)
			break;
		*out++ = '\\';
		switch (*p) {
		case '"':
		case '\\':
			*out++ = (char)*p;
			break;
		case '\n':
			*out++ = 'n';
			break;
		case '\t':
			*out++ = 't';
			break;
		case '\r':
			*out++ = 'r';
			break;
		default:
			memcpy(out, "u00", 3);
			out += 3;
			*out++ = hex[*p >> 4];
			*out++ = hex[*p & 15];
		}
		p++;
	}
	*out++ = '"';
	b->len = (size_t)(out - b->data);
	b->data[b->len] = '\0';
}

/* Appends a decimal integer without going through printf. */
static void
add_int(struct ov_buf *b, int64_t value)
{
	char digits[24], *p = digits + sizeof digits;
	uint64_t u = value < 0 ? (uint64_t)0 - (uint64_t)value :
	    (uint64_t)value;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (value < 0)
		*--p = '-';
	ov_buf_add(b, p, (size_t)(digits + sizeof digits - p));
}

void
ov_buf_add_json_number(struct ov_buf *b, double v)
{
	char tmp[40];

	if (!isfinite(v)) {
		ov_buf_adds(b, "null");
		return;
	}
	if (v == floor(v) && fabs(v) < OV_JSON_MAX_EXACT) {
		add_int(b, (int64_t)v);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	ov_buf_adds(b, tmp);
}

/* Appends the separator and a field name, copied as it is when it needs no
 * escaping (the usual snake_case constant) and escaped otherwise, since some
 * names come from input (event fields, labels). */
static void
key(struct ov_buf *b, const char *k)
{
	size_t n = 0;
	char *out;

	while (k[n] != '\0' && (unsigned char)k[n] >= 0x20 && k[n] != '"' &&
	    k[n] != '\\')
		n++;
	reserve(b, n + 5);
	out = b->data + b->len;
	if (b->len > 0 && out[-1] != '{') {
		*out++ = ',';
		b->len++;
	}
	if (k[n] != '\0') {
		ov_buf_add_json_string(b, k, strlen(k));
		ov_buf_addc(b, ':');
		return;
	}
	*out++ = '"';
	memcpy(out, k, n);
	out += n;
	*out++ = '"';
	*out++ = ':';
	*out = '\0';
	b->len = (size_t)(out - b->data);
}

void
ov_rec_begin(struct ov_buf *b, const char *kind)
{
	b->len = 0;
	ov_buf_addc(b, '{');
	ov_rec_str(b, "kind", kind);
}

void
ov_rec_str(struct ov_buf *b, const char *k, const char *value)
{
	if (value == NULL)
		return;
	key(b, k);
	ov_buf_add_json_string(b, value, strlen(value));
}

void
ov_rec_num(struct ov_buf *b, const char *k, double value)
{
	key(b, k);
	ov_buf_add_json_number(b, value);
}

void
ov_rec_int(struct ov_buf *b, const char *k, int64_t value)
{
	key(b, k);
	add_int(b, value);
}

void
ov_rec_bool(struct ov_buf *b, const char *k, bool value)
{
	key(b, k);
	ov_buf_adds(b, value ? "true" : "false");
}

void
ov_rec_time(struct ov_buf *b, const char *k, int64_t t)
{
	char buf[OV_TIME_LEN];

	ov_time_format(t, buf);
	ov_rec_str(b, k, buf);
}

void
ov_rec_null(struct ov_buf *b, const char *k)
{
	key(b, k);
	ov_buf_adds(b, "null");
}

void
ov_rec_raw(struct ov_buf *b, const char *k, const char *json, size_t len)
{
	key(b, k);
	ov_buf_add(b, json, len);
}

void
ov_json_print(struct ov_buf *b, const cJSON *value)
{
	const cJSON *child;

	if (cJSON_IsString(value)) {
		ov_buf_add_json_string(b, value->valuestring,
		    strlen(value->valuestring));
	} else if (cJSON_IsNumber(value)) {
		ov_buf_add_json_number(b, value->valuedouble);
	} else if (cJSON_IsTrue(value)) {
		ov_buf_adds(b, "true");
	} else if (cJSON_IsFalse(value)) {
		ov_buf_adds(b, "false");
	} else if (cJSON_IsArray(value) || cJSON_IsObject(value)) {
		bool object = cJSON_IsObject(value);

		ov_buf_addc(b, object ? '{' : '[');
		for (child = value->child; child != NULL;
		     child = child->next) {
			if (child != value->child)
				ov_buf_addc(b, ',');
			if (object) {
				ov_buf_add_json_string(b, child->string,
				    strlen(child->string));
				ov_buf_addc(b, ':');
			}
			ov_json_print(b, child);
		}
		ov_buf_addc(b, object ? '}' : ']');
	} else {
		ov_buf_adds(b, "null");
	}
}

void
ov_rec_json(struct ov_buf *b, const char *k, const cJSON *value)
{
	key(b, k);
	ov_json_print(b, value);
}

void
ov_rec_open(struct ov_buf *b, const char *k)
{
	key(b, k);
	ov_buf_addc(b, '{');
}

void
ov_rec_close(struct ov_buf *b)
{
	ov_buf_addc(b, '}');
}

void
ov_rec_end(struct ov_buf *b)
{
	ov_buf_add(b, "}\n", 2);
}

void
ov_out_init(void)
{
	static char buffer[1 << 16];

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
	else
		setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Ends the program after a failed write to standard output: quietly, as
 * the default SIGPIPE would, when the reader has gone (even if the parent
 * made the program ignore SIGPIPE), else with an error and status 3. */
static void
write_failed(void)
{
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		_exit(128 + SIGPIPE);
	}
	ov_die(OV_EXIT_RESOURCE, "write error on standard output: %s",
	    strerror(errno));
}

void
ov_out_write(struct ov_buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
		write_failed();
	b->len = 0;
}

void
ov_out_flush(void)
{
	if (fflush(stdout) != 0)
		write_failed();
}
