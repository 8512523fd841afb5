/*
 * A fast path for the common sample line: one pass over the raw text that
 * checks the whole line is JSON and picks out the top-level fields a
 * cluster.cores sample needs, without building a cJSON tree.
 *
 * It accepts only what it can check as strictly as ov_record_parse():
 * strings of printable ASCII without escapes, whole numbers of at most 15
 * digits, no duplicate keys, nesting of at most 32 levels.  Anything else
 * (escapes, UTF-8, fractions, exponents, invalid JSON) returns false, and
 * the caller parses the line the slow way, which accepts it or gives the
 * exact reason for rejecting it.
 */
#include <string.h>

#include "ovbill.h"

#define MAX_KEYS 32
#define MAX_DEPTH 32

struct scanner {
	const char *p, *end;
	struct flat_sample *out;
	bool other_metric;	/* stopped at a metric other than
				   cluster.cores */
};

static bool value(struct scanner *sc, int depth);

static void
skip_space(struct scanner *sc)
{
	/* Other whitespace takes the slow path, which decides on it. */
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t'))
		sc->p++;
}

static bool
string(struct scanner *sc, const char **s, size_t *len)
{
	const char *start;

	if (sc->p >= sc->end || *sc->p != '"')
		return false;
	start = ++sc->p;
	for (; sc->p < sc->end; sc->p++) {
		unsigned char c = (unsigned char)*sc->p;

		if (c == '"') {
			*s = start;
			*len = (size_t)(sc->p++ - start);
			return true;
		}
		if (c == '\\' || c < 0x20 || c >= 0x80)
			return false;
	}
	return false;
}

/* A whole number in JSON's grammar: -?(0|[1-9][0-9]*), at most 15 digits,
 * so that it is exact in a double and far below 2^53. */
static bool
integer(struct scanner *sc, int64_t *v)
{
	bool negative = false;
	int digits = 0;
	int64_t n = 0;

	if (sc->p >= sc->end)
		return false;
	if (*sc->p == '-') {
		negative = true;
		sc->p++;
	}
	if (sc->p < sc->end && *sc->p == '0') {
		sc->p++;
		digits = 1;
	} else
		for (; sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9';
		    sc->p++) {
			if (++digits > 15)
				return false;
			n = n * 10 + (*sc->p - '0');
		}
	if (digits == 0 || (sc->p < sc->end && (*sc->p == '.' ||
	    *sc->p == 'e' || *sc->p == 'E' || (*sc->p >= '0' &&
	    *sc->p <= '9'))))
		return false;
	*v = negative ? -n : n;
	return true;
}

static bool
literal(struct scanner *sc, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return false;
	sc->p += n;
	return true;
}

static bool
array(struct scanner *sc, int depth)
{
	sc->p++;
	skip_space(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return true;
	}
	for (;;) {
		if (!value(sc, depth))
			return false;
		skip_space(sc);
		if (sc->p >= sc->end)
			return false;
		if (*sc->p++ == ']')
			return true;
		if (sc->p[-1] != ',')
			return false;
		skip_space(sc);
	}
}

static bool
key_is(const char *key, size_t klen, const char *name, size_t nlen)
{
	return klen == nlen && memcmp(key, name, nlen) == 0;
}

/* Keeps a top-level field of the sample.  Returns false when the field
 * is not of the expected type, so that the slow path explains why.  A
 * metric other than cluster.cores also returns false, to end the scan. */
static bool
keep_field(struct scanner *sc, const char *key, size_t klen)
{
	struct flat_sample *out = sc->out;

	if (key_is(key, klen, "value", 5)) {
		out->has_value = true;
		return integer(sc, &out->value);
	}
	if (key_is(key, klen, "kind", 4))
		return string(sc, &out->kind, &out->kind_len);
	if (key_is(key, klen, "time", 4))
		return string(sc, &out->time, &out->time_len);
	if (key_is(key, klen, "deployment", 10))
		return string(sc, &out->deployment, &out->deployment_len);
	if (key_is(key, klen, "customer", 8))
		return string(sc, &out->customer, &out->customer_len);
	if (key_is(key, klen, "metric", 6)) {
		if (!string(sc, &out->metric, &out->metric_len))
			return false;
		if (!key_is(out->metric, out->metric_len, "cluster.cores", 13))
			sc->other_metric = true;
		return !sc->other_metric;
	}
	return value(sc, 1);
}

static bool
object(struct scanner *sc, int depth)
{
	const char *keys[MAX_KEYS];
	size_t lens[MAX_KEYS], n = 0;

	sc->p++;
	skip_space(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return true;
	}
	for (;;) {
		if (n == MAX_KEYS || !string(sc, &keys[n], &lens[n]))
			return false;
		for (size_t i = 0; i < n; i++)
			if (lens[i] == lens[n] && keys[i][0] == keys[n][0] &&
			    memcmp(keys[i], keys[n], lens[n]) == 0)
				return false;
		skip_space(sc);
		if (sc->p >= sc->end || *sc->p++ != ':')
			return false;
		skip_space(sc);
		if (depth == 0 ? !keep_field(sc, keys[n], lens[n]) :
		    !value(sc, depth))
			return false;
		n++;
		skip_space(sc);
		if (sc->p >= sc->end)
			return false;
		if (*sc->p++ == '}')
			return true;
		if (sc->p[-1] != ',')
			return false;
		skip_space(sc);
	}
}

static bool
value(struct scanner *sc, int depth)
{
	const char *s;
	size_t len;
	int64_t v;

	if (sc->p >= sc->end || depth >= MAX_DEPTH)
		return false;
	switch (*sc->p) {
	case '"':
		return string(sc, &s, &len);
	case '{':
		return object(sc, depth + 1);
	case '[':
		return array(sc, depth + 1);
	case 't':
		return literal(sc, "true");
	case 'f':
		return literal(sc, "false");
	case 'n':
		return literal(sc, "null");
	default:
		return integer(sc, &v);
	}
}

enum scan_result
scan_sample(const char *text, size_t len, struct flat_sample *out)
{
	struct scanner sc = { text, text + len, out, false };
	bool ok;

	memset(out, 0, sizeof *out);
	skip_space(&sc);
	ok = sc.p < sc.end && *sc.p == '{' && object(&sc, 0);
	if (sc.other_metric)
		return SCAN_OTHER_METRIC;
	skip_space(&sc);
	return ok && sc.p == sc.end ? SCAN_SAMPLE : SCAN_SLOW;
}
