/*
 * The one-pass JSON check of jsonscan.h.  Every function returns false as
 * soon as the text leaves the subset, so that the caller's slow path,
 * ov_record_parse(), decides on it.
 */
#include <string.h>

#include "json.h"
#include "jsonscan.h"

#define MAX_KEYS 32
#define MAX_DEPTH 32

static void
skip_blanks(struct ov_scan *sc)
{
	const char *p = sc->p;

	/* Other whitespace is left to the slow path, which decides on it. */
	while (p < sc->end && (*p == ' ' || *p == '\t'))
		p++;
	if (p != sc->p)
		sc->blanks = true;
	sc->p = p;
}

/* Bytes that end a run of plain string text: a quote, a backslash, a
 * control character or a byte of a multibyte character. */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/* The same test on eight bytes at once.  In each of the masks below the
 * lowest flagged byte is exact (a borrow only runs upwards from a real
 * match), so on a little-endian machine it is the first special byte. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)

/* Returns the first special byte at or after p, or end. */
static const char *
plain_run(const char *p, const char *end)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w, m;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		m = HAS_ZERO(w ^ (ONES * '"')) | HAS_ZERO(w ^ (ONES * '\\')) |
		    ((w - ONES * 0x20) & HIGHS) | (w & HIGHS);
		if (m != 0)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < end && !special[(unsigned char)*p])
		p++;
	return p;
}

bool
ov_scan_string(struct ov_scan *sc, const char **s, size_t *len)
{
	const char *p = sc->p, *end = sc->end, *start;
	bool high = false;

	if (p >= end || *p != '"')
		return false;
	start = ++p;
	sc->escaped = false;
	while ((p = plain_run(p, end)) < end && *p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c == '\\') {
			/* \" and \\ print back as they are; other escapes
			 * would need decoding. */
			if (p + 1 >= end || (p[1] != '"' && p[1] != '\\'))
				return false;
			sc->escaped = true;
			p += 2;
		} else if (c < 0x20) {
			return false;
		} else {
			high = true;
			p++;
		}
	}
	if (p >= end)
		return false;
	if (high && !ov_utf8_valid(start, (size_t)(p - start)))
		return false;
	*s = start;
	*len = (size_t)(p - start);
	sc->p = p + 1;
	return true;
}

/* A whole number in JSON's grammar, -?(0|[1-9][0-9]*), of at most 15
 * digits, so that it is exact in a double and far below 2^53.  -0 is left
 * out: it prints back as 0. */
bool
ov_scan_integer(struct ov_scan *sc, int64_t *v)
{
	const char *p = sc->p, *end = sc->end;
	bool negative = false;
	int digits = 0;
	int64_t n = 0;

	if (p < end && *p == '-') {
		negative = true;
		p++;
	}
	if (p < end && *p == '0') {
		if (negative)
			return false;
		p++;
		digits = 1;
	} else {
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			if (++digits > 15)
				return false;
			n = n * 10 + (*p - '0');
		}
	}
	if (digits == 0 || (p < end && (*p == '.' || *p == 'e' ||
	    *p == 'E' || (*p >= '0' && *p <= '9'))))
		return false;
	*v = negative ? -n : n;
	sc->p = p;
	return true;
}

static bool
literal(struct ov_scan *sc, const char *word, size_t n)
{
	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return false;
	sc->p += n;
	return true;
}

/* Reads the separator after an element: true with *done set at the closing
 * bracket, true at a comma, false at anything else. */
static bool
separator(struct ov_scan *sc, char close, bool *done)
{
	skip_blanks(sc);
	if (sc->p >= sc->end)
		return false;
	*done = *sc->p == close;
	if (!*done && *sc->p != ',')
		return false;
	sc->p++;
	skip_blanks(sc);
	return true;
}

static bool
array(struct ov_scan *sc, int depth)
{
	bool done = false;

	sc->p++;
	skip_blanks(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return true;
	}
	while (!done)
		if (!ov_scan_value(sc, depth + 1) ||
		    !separator(sc, ']', &done))
			return false;
	return true;
}

/* A bit standing for a key in a 64-bit set, from its length and first
 * byte: two keys with different bits are different keys. */
static uint64_t
key_bit(const char *key, size_t len)
{
	return 1ULL << ((len * 7 + (len > 0 ? (unsigned char)*key : 0)) & 63);
}

static bool
duplicate(const char *const *keys, const size_t *lens, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lens[i] == lens[n] && memcmp(keys[i], keys[n],
		    lens[n]) == 0)
			return true;
	return false;
}

/* Reads an object.  Keys are compared as written: with only \" and \\ as
 * escapes, two keys are the same text exactly when they are the same
 * key. */
static bool
object(struct ov_scan *sc, int depth)
{
	const char *keys[MAX_KEYS];
	size_t lens[MAX_KEYS], n = 0;
	uint64_t seen = 0, bit;
	bool done = false;

	sc->p++;
	skip_blanks(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return true;
	}
	while (!done) {
		if (n == MAX_KEYS || !ov_scan_string(sc, &keys[n], &lens[n]))
			return false;
		bit = key_bit(keys[n], lens[n]);
		if ((seen & bit) && duplicate(keys, lens, n))
			return false;
		seen |= bit;
		skip_blanks(sc);
		if (sc->p >= sc->end || *sc->p++ != ':')
			return false;
		skip_blanks(sc);
		if (sc->member != NULL ?
		    !sc->member(sc, depth, keys[n], lens[n]) :
		    !ov_scan_value(sc, depth + 1))
			return false;
		n++;
		if (!separator(sc, '}', &done))
			return false;
	}
	return true;
}

bool
ov_scan_value(struct ov_scan *sc, int depth)
{
	int64_t v;

	if (sc->p >= sc->end || depth >= MAX_DEPTH)
		return false;
	switch (*sc->p) {
	case '"': {
		const char *s;
		size_t len;

		return ov_scan_string(sc, &s, &len);
	}
	case '{':
		return object(sc, depth);
	case '[':
		return array(sc, depth);
	case 't':
		return literal(sc, "true", 4);
	case 'f':
		return literal(sc, "false", 5);
	case 'n':
		return literal(sc, "null", 4);
	default:
		return ov_scan_integer(sc, &v);
	}
}

bool
ov_scan_line(struct ov_scan *sc, const char *text, size_t len)
{
	sc->p = text;
	sc->end = text + len;
	sc->escaped = false;
	sc->blanks = false;
	skip_blanks(sc);
	if (sc->p >= sc->end || *sc->p != '{' || !object(sc, 0))
		return false;
	skip_blanks(sc);
	return sc->p == sc->end;
}

size_t
ov_scan_compact(char *out, const char *s, size_t len)
{
	const char *end = s + len;
	char *o = out;
	bool in_string = false;

	for (; s < end; s++) {
		if (in_string) {
			if (*s == '\\')
				*o++ = *s++;	/* \" or \\: copy both */
			else if (*s == '"')
				in_string = false;
		} else if (*s == ' ' || *s == '\t') {
			continue;
		} else if (*s == '"') {
			in_string = true;
		}
		*o++ = *s;
	}
	return (size_t)(o - out);
}
