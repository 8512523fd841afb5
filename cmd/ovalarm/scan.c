#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "json.h"
#include "scan.h"

enum field_bit {
	F_KIND = 1, F_TIME = 2, F_CUSTOMER = 4, F_DEPLOYMENT = 8, F_NODE = 16,
	F_METRIC = 32, F_EVENT = 64, F_VALUE = 128, F_LABELS = 256,
	F_FIELDS = 512,
};

static const struct {
	const char *name;
	enum field_bit bit;
} known[] = {
	{ "kind", F_KIND }, { "time", F_TIME }, { "customer", F_CUSTOMER },
	{ "deployment", F_DEPLOYMENT }, { "node", F_NODE },
	{ "metric", F_METRIC }, { "event", F_EVENT }, { "value", F_VALUE },
	{ "labels", F_LABELS }, { "fields", F_FIELDS },
};

static char *
skip_blanks(char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Reads a string without escapes at *pp, NUL-terminates it in place. */
static char *
read_string(char **pp, const char *end)
{
	char *p = *pp, *s;
	bool ascii = true;

	if (p >= end || *p != '"')
		return NULL;
	s = ++p;
	while (p < end && *p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c == '\\' || c < 0x20)
			return NULL;
		if (c >= 0x80)
			ascii = false;
		p++;
	}
	if (p >= end || (!ascii && !ov_utf8_valid(s, (size_t)(p - s))))
		return NULL;
	*p = '\0';
	*pp = p + 1;
	return s;
}

static char *
skip_digits(char *p, const char *end, bool *any)
{
	*any = p < end && *p >= '0' && *p <= '9';
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/* Reads a JSON number that is finite and below 2^53 in magnitude. */
static bool
read_number(char **pp, const char *end, double *out)
{
	char *p = *pp, *start = p, *stop;
	bool any;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p = skip_digits(p, end, &any), !any)
		return false;
	if (p < end && *p == '.')
		if (p = skip_digits(p + 1, end, &any), !any)
			return false;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p = skip_digits(p, end, &any), !any)
			return false;
	}
	*out = strtod(start, &stop);
	if (stop != p || !isfinite(*out) || fabs(*out) >= OV_JSON_MAX_EXACT)
		return false;
	*pp = p;
	return true;
}

/* Reads {"key":"value",...} into v->kv.  A duplicate key makes it fail,
 * so that the full parse rejects the line. */
static bool
read_kv(char **pp, const char *end, struct view *v)
{
	char *p = skip_blanks(*pp + 1, end);

	if (p < end && *p == '}') {
		*pp = p + 1;
		return true;
	}
	for (;;) {
		char *key = read_string(&p, end), *value;

		if (key == NULL || v->nkv == LABEL_MAX)
			return false;
		p = skip_blanks(p, end);
		if (p >= end || *p != ':')
			return false;
		p = skip_blanks(p + 1, end);
		value = read_string(&p, end);
		if (value == NULL)
			return false;
		for (int i = 0; i < v->nkv; i++)
			if (strcmp(v->kv[i].key, key) == 0)
				return false;
		v->kv[v->nkv].key = key;
		v->kv[v->nkv++].value = value;
		p = skip_blanks(p, end);
		if (p < end && *p == '}') {
			*pp = p + 1;
			return true;
		}
		if (p >= end || *p != ',')
			return false;
		p = skip_blanks(p + 1, end);
	}
}

/* Returns the index in known[] of a key, or -1; the first letter picks
 * the candidate, since this runs for every key of every line. */
static int
field_index(const char *key)
{
	int i;

	switch (key[0]) {
	case 'k': i = 0; break;
	case 't': i = 1; break;
	case 'c': i = 2; break;
	case 'd': i = 3; break;
	case 'n': i = 4; break;
	case 'm': i = 5; break;
	case 'e': i = 6; break;
	case 'v': i = 7; break;
	case 'l': i = 8; break;
	case 'f': i = 9; break;
	default: return -1;
	}
	return strcmp(key, known[i].name) == 0 ? i : -1;
}

/* Reads the value of one known field into v. */
static bool
read_field(char **pp, const char *end, enum field_bit bit, struct view *v,
    const char **kind, const char **time)
{
	const char *s;

	if (bit == F_VALUE)
		return read_number(pp, end, &v->value);
	if (bit == F_LABELS || bit == F_FIELDS)
		return *pp < end && **pp == '{' && read_kv(pp, end, v);
	if ((s = read_string(pp, end)) == NULL)
		return false;
	switch (bit) {
	case F_KIND: *kind = s; break;
	case F_TIME: *time = s; break;
	case F_CUSTOMER: v->customer = s; break;
	case F_DEPLOYMENT: v->deployment = s; break;
	case F_NODE: v->node = s; break;
	default: v->name = s; break;
	}
	return true;
}

/* Parses an RFC 3339 time, reusing the last result: consecutive records
 * of one poll mostly carry the same time. */
static bool
parse_time(const char *s, int64_t *t)
{
	static char last[40];
	static int64_t last_time;
	size_t len = strlen(s);
	char err[64];

	if (len < sizeof last && memcmp(s, last, len + 1) == 0) {
		*t = last_time;
		return true;
	}
	if (ov_time_parse(s, len, t, err, sizeof err) < 0)
		return false;
	if (len < sizeof last) {
		memcpy(last, s, len + 1);
		last_time = *t;
	}
	return true;
}

/* Checks that the fields fit the kind, as the full parse would require. */
static bool
complete(unsigned seen, const char *kind, const char *time, struct view *v)
{
	unsigned need = F_KIND | F_TIME | F_DEPLOYMENT;

	if (kind == NULL)
		return false;
	if (strcmp(kind, "sample") == 0)
		need |= F_METRIC | F_VALUE;
	else if (strcmp(kind, "event") == 0)
		need |= F_EVENT;
	else
		return false;
	if ((seen & need) != need || (seen & F_LABELS && seen & F_FIELDS) ||
	    (kind[0] == 's' && seen & (F_EVENT | F_FIELDS)) ||
	    (kind[0] == 'e' && seen & (F_METRIC | F_VALUE | F_LABELS)))
		return false;
	return parse_time(time, &v->time);
}

bool
scan_record(const char *text, size_t len, char *buf, struct view *v,
    const char **kind)
{
	char *p = buf, *end = buf + len;
	const char *time = NULL;
	unsigned seen = 0;

	memcpy(buf, text, len);
	buf[len] = '\0';
	v->customer = v->node = "";
	v->deployment = v->name = NULL;
	v->nkv = 0;
	v->value = 0;
	*kind = NULL;
	p = skip_blanks(p, end);
	if (p >= end || *p++ != '{')
		return false;
	for (;;) {
		char *key;
		int i;

		p = skip_blanks(p, end);
		if ((key = read_string(&p, end)) == NULL ||
		    (i = field_index(key)) < 0 || seen & known[i].bit)
			return false;
		seen |= known[i].bit;
		p = skip_blanks(p, end);
		if (p >= end || *p != ':')
			return false;
		p = skip_blanks(p + 1, end);
		if (!read_field(&p, end, known[i].bit, v, kind, &time))
			return false;
		p = skip_blanks(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p >= end || *p != '}')
			return false;
		p = skip_blanks(p + 1, end);
		return p == end && complete(seen, *kind, time, v);
	}
}
