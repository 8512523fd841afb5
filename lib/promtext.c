#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "json.h"
#include "promtext.h"

/* A declared "# TYPE" of one metric family. */
struct family {
	char *name;
	char type[16];
};

struct parser {
	char *line;		/* a mutable copy of the current line */
	size_t cap;
	long lineno;
	struct family *families;
	size_t nfamilies, families_cap;
	struct ov_prom_label labels[OV_PROM_MAX_LABELS];
	char *err;
	size_t errsize;
};

static int
fail(struct parser *p, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	ov_vformat(text, sizeof text, fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errsize, "line %ld: %s", p->lineno, text);
	return -1;
}

static bool
is_name_start(char c, bool colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (colon && c == ':');
}

static bool
is_name_char(char c, bool colon)
{
	return is_name_start(c, colon) || (c >= '0' && c <= '9');
}

static char *
skip_blanks(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Scans a metric name (colon allowed) or label name at s.  Returns its end,
 * or NULL when s does not start one. */
static char *
scan_name(char *s, bool colon)
{
	if (!is_name_start(*s, colon))
		return NULL;
	while (is_name_char(*s, colon))
		s++;
	return s;
}

/* Parses a sample value: decimal or exponent notation, or NaN and Inf with
 * an optional sign in any case, as Go's strconv.ParseFloat reads them.
 * Hexadecimal floats, which Go also reads, are rejected. */
static int
parse_value(const char *s, double *out)
{
	char *end;

	if (*s == '\0' || strncasecmp(s, "0x", 2) == 0 ||
	    strncasecmp(s, "+0x", 3) == 0 || strncasecmp(s, "-0x", 3) == 0)
		return -1;
	if (strcasecmp(s, "nan") == 0 || strcasecmp(s, "+nan") == 0 ||
	    strcasecmp(s, "-nan") == 0) {
		*out = NAN;
		return 0;
	}
	if (strcasecmp(s, "inf") == 0 || strcasecmp(s, "+inf") == 0) {
		*out = INFINITY;
		return 0;
	}
	if (strcasecmp(s, "-inf") == 0) {
		*out = -INFINITY;
		return 0;
	}
	errno = 0;
	*out = strtod(s, &end);
	if (*end != '\0' || isinf(*out) || isnan(*out))
		return errno == ERANGE && *end == '\0' ? 0 : -1;
	return 0;
}

static int
parse_timestamp(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

/* Unescapes a quoted label value in place, starting after the opening
 * quote.  Returns the position after the closing quote, or NULL. */
static char *
scan_label_value(char *s)
{
	char *w = s;

	for (;;) {
		if (*s == '\0')
			return NULL;
		if (*s == '"')
			break;
		if (*s == '\\') {
			s++;
			if (*s == '\0')
				return NULL;
			if (*s == 'n')
				*w++ = '\n';
			else if (*s == '\\' || *s == '"')
				*w++ = *s;
			else {
				/* Prometheus keeps other escapes as written. */
				*w++ = '\\';
				*w++ = *s;
			}
			s++;
			continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
	return s + 1;
}

static int
parse_labels(struct parser *p, char **sp, size_t *nlabels)
{
	char *s = *sp, *end;

	*nlabels = 0;
	for (;;) {
		s = skip_blanks(s);
		if (*s == '}')
			break;
		end = scan_name(s, false);
		if (end == NULL)
			return fail(p, "invalid label name at '%.20s'", s);
		if (*nlabels == OV_PROM_MAX_LABELS)
			return fail(p, "more than %d labels",
			    OV_PROM_MAX_LABELS);
		p->labels[*nlabels].name = s;
		s = skip_blanks(end);
		if (*s != '=')
			return fail(p, "expected '=' after a label name");
		*end = '\0';
		s = skip_blanks(s + 1);
		if (*s != '"')
			return fail(p, "expected a quoted label value");
		p->labels[*nlabels].value = s + 1;
		s = scan_label_value(s + 1);
		if (s == NULL)
			return fail(p, "unterminated label value");
		for (size_t i = 0; i < *nlabels; i++)
			if (strcmp(p->labels[i].name,
			    p->labels[*nlabels].name) == 0)
				return fail(p, "duplicate label '%s'",
				    p->labels[i].name);
		(*nlabels)++;
		s = skip_blanks(s);
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s != '}')
			return fail(p, "expected ',' or '}' after a label");
		break;
	}
	*sp = s + 1;
	return 0;
}

/* Finds the declared type of a sample's family: its own name, or the name
 * without a histogram or summary suffix. */
static const char *
family_type(const struct parser *p, const char *name)
{
	static const char *const suffixes[] = { "_bucket", "_sum", "_count",
		"_created", "_total", NULL };
	size_t n = strlen(name);

	for (size_t i = 0; i < p->nfamilies; i++) {
		const char *f = p->families[i].name;
		size_t fn = strlen(f);

		if (strcmp(f, name) == 0)
			return p->families[i].type;
		if (fn >= n || strncmp(f, name, fn) != 0)
			continue;
		for (const char *const *x = suffixes; *x; x++)
			if (strcmp(name + fn, *x) == 0)
				return p->families[i].type;
	}
	return "untyped";
}

static int
parse_sample(struct parser *p, ov_prom_fn fn, void *ctx)
{
	struct ov_prom_sample s = { 0 };
	char *c = p->line, *end, *tok;

	end = scan_name(c, true);
	if (end == NULL)
		return fail(p, "invalid metric name at '%.20s'", c);
	s.name = c;
	c = skip_blanks(end);
	if (*c == '{') {
		*end = '\0';
		c++;
		if (parse_labels(p, &c, &s.nlabels) < 0)
			return -1;
		s.labels = p->labels;
	} else if (c == end) {
		return fail(p, "expected a space after the metric name");
	}
	*end = '\0';
	c = skip_blanks(c);
	tok = c;
	c += strcspn(c, " \t");
	if (*c != '\0')
		*c++ = '\0';
	if (parse_value(tok, &s.value) < 0)
		return fail(p, "invalid sample value '%.40s'", tok);
	c = skip_blanks(c);
	if (*c != '\0') {
		tok = c;
		c += strcspn(c, " \t");
		if (*c != '\0')
			*c++ = '\0';
		if (*skip_blanks(c) != '\0')
			return fail(p, "unexpected text after the timestamp");
		if (parse_timestamp(tok, &s.timestamp_ms) < 0)
			return fail(p, "invalid timestamp '%.40s'", tok);
		s.has_timestamp = true;
	}
	s.type = family_type(p, s.name);
	s.line = p->lineno;
	return fn(&s, ctx);
}

static int
add_family(struct parser *p, const char *name, const char *type)
{
	static const char *const types[] = { "counter", "gauge", "histogram",
		"summary", "untyped", NULL };
	const char *const *t;

	for (t = types; *t && strcmp(*t, type) != 0; t++)
		;
	if (*t == NULL)
		return fail(p, "unknown metric type '%.20s'", type);
	for (size_t i = 0; i < p->nfamilies; i++)
		if (strcmp(p->families[i].name, name) == 0)
			return fail(p, "second TYPE line for '%s'", name);
	if (p->nfamilies == p->families_cap) {
		p->families_cap = p->families_cap ? 2 * p->families_cap : 16;
		p->families = realloc(p->families,
		    p->families_cap * sizeof *p->families);
		if (p->families == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	p->families[p->nfamilies].name = strdup(name);
	if (p->families[p->nfamilies].name == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	snprintf(p->families[p->nfamilies].type, sizeof p->families->type,
	    "%s", type);
	p->nfamilies++;
	return 0;
}

/* Handles a line starting with '#': HELP and TYPE are checked, other
 * comments are ignored. */
static int
parse_comment(struct parser *p)
{
	char *c = skip_blanks(p->line + 1), *kw = c, *name, *end;
	bool type;

	c += strcspn(c, " \t");
	if ((size_t)(c - kw) == 4 && strncmp(kw, "HELP", 4) == 0)
		type = false;
	else if ((size_t)(c - kw) == 4 && strncmp(kw, "TYPE", 4) == 0)
		type = true;
	else
		return 0;
	name = skip_blanks(c);
	end = scan_name(name, true);
	if (end == NULL || (*end != '\0' && *end != ' ' && *end != '\t'))
		return fail(p, "invalid metric name in a %s line",
		    type ? "TYPE" : "HELP");
	if (!type)
		return 0;
	c = skip_blanks(end);
	*end = '\0';
	end = c + strcspn(c, " \t");
	if (*skip_blanks(end) != '\0')
		return fail(p, "unexpected text after the type");
	*end = '\0';
	return add_family(p, name, c);
}

static int
parse_line(struct parser *p, const char *text, size_t len, ov_prom_fn fn,
    void *ctx)
{
	char *c;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (memchr(text, '\0', len) != NULL)
		return fail(p, "NUL byte in the line");
	if (!ov_utf8_valid(text, len))
		return fail(p, "invalid UTF-8");
	if (len + 1 > p->cap) {
		p->cap = len + 1 > 2 * p->cap ? len + 1 : 2 * p->cap;
		p->line = realloc(p->line, p->cap);
		if (p->line == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	memcpy(p->line, text, len);
	p->line[len] = '\0';
	c = skip_blanks(p->line);
	if (*c == '\0')
		return 0;
	if (c != p->line)
		memmove(p->line, c, strlen(c) + 1);
	if (p->line[0] == '#')
		return parse_comment(p);
	return parse_sample(p, fn, ctx);
}

int
ov_prom_parse(const char *text, size_t len, ov_prom_fn fn, void *ctx,
    char *err, size_t errsize)
{
	struct parser p = { .err = err, .errsize = errsize };
	size_t pos = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		p.lineno++;
		rc = parse_line(&p, text + pos, n, fn, ctx);
		pos += n + 1;
	}
	for (size_t i = 0; i < p.nfamilies; i++)
		free(p.families[i].name);
	free(p.families);
	free(p.line);
	return rc;
}

const char *
ov_prom_label(const struct ov_prom_sample *s, const char *name)
{
	for (size_t i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].name, name) == 0)
			return s->labels[i].value;
	return NULL;
}
