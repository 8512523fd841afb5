/*
 * Parser of ovalarm.conf(5).  A rule is a "rule NAME" line followed by one
 * directive per line.  Words are separated by blanks, "..." quotes a word,
 * and '#' starts a comment outside quotes.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "cli.h"
#include "datafile.h"
#include "diag.h"
#include "inventory.h"
#include "rules.h"

#define MAX_TOKENS 64

/* Parser position, for messages. */
struct parser {
	const char *file;
	int line;
	const char *owner;
	struct ruleset *set;
	struct rule *rule;	/* the rule being read, or NULL */
	char *tok[MAX_TOKENS];
	int ntok;
};

static const char *const directives[] = {
	"when", "clear", "keep", "absent", "event", "resolve", "drop", "flap",
	"severity", "summary", "customer", "deployment", "node", "match",
	"rule", "disable", NULL,
};

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

static int
fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	ov_vformat(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ov_error_at(p->file, p->line, "%s", msg);
	return -1;
}

/* Splits a line into words in place; quotes may hold blanks, \" and \\. */
static int
tokenize(struct parser *p, char *s)
{
	p->ntok = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0' || *s == '#' || *s == '\n')
			return 0;
		if (p->ntok == MAX_TOKENS)
			return fail(p, "too many words (at most %d)",
			    MAX_TOKENS);
		if (*s == '"') {
			char *out = ++s;

			p->tok[p->ntok++] = out;
			while (*s != '"') {
				if (*s == '\0' || *s == '\n')
					return fail(p, "unterminated quote");
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				*out++ = *s++;
			}
			s++;
			*out = '\0';
			if (*s != '\0' && *s != ' ' && *s != '\t' &&
			    *s != '\n' && *s != '\r')
				return fail(p, "missing blank after quote");
			if (*s != '\0')
				s++;
			continue;
		}
		p->tok[p->ntok++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n' &&
		    *s != '\r')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static int
parse_duration(struct parser *p, const char *word, int64_t *out)
{
	char err[160];

	if (ov_duration_parse(word, out, err, sizeof err) < 0)
		return fail(p, "invalid duration '%s': %s (write 90s, 5m, "
		    "1h30m, 7d)", word, err);
	return 0;
}

static int
parse_number(struct parser *p, const char *word, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(word, &end);
	if (end == word || *end != '\0' || errno != 0 || !isfinite(*out))
		return fail(p, "invalid number '%s'", word);
	return 0;
}

static int
parse_op(struct parser *p, const char *word, enum cmp_op *op)
{
	static const char *const names[] = { ">", ">=", "<", "<=", "==",
	    "!=" };

	for (int i = 0; i < 6; i++)
		if (strcmp(word, names[i]) == 0) {
			*op = (enum cmp_op)i;
			return 0;
		}
	return fail(p, "invalid operator '%s' (use >, >=, <, <=, == or !=)",
	    word);
}

/* Reads one "NAME OP VALUE" term starting at token i. */
static int
parse_term(struct parser *p, int i, const char *metric, struct term *t)
{
	const char *name = p->tok[i];

	if (i + 2 >= p->ntok)
		return fail(p, "incomplete comparison after '%s' (write NAME "
		    "OP VALUE)", name);
	if (parse_op(p, p->tok[i + 1], &t->op) < 0)
		return -1;
	if (strncmp(name, "label.", 6) == 0 || strncmp(name, "field.", 6) ==
	    0) {
		if (t->op != OP_EQ && t->op != OP_NE)
			return fail(p, "'%s' compares text: use == or !=",
			    name);
		t->type = name[0] == 'l' ? TERM_LABEL : TERM_FIELD;
		if (name[6] == '\0')
			return fail(p, "missing name after '%s'", name);
		t->name = xstrdup(name + 6);
		t->pattern = xstrdup(p->tok[i + 2]);
		return 0;
	}
	t->type = metric != NULL && strcmp(name, metric) == 0 ? TERM_VALUE :
	    TERM_OTHER;
	if (parse_number(p, p->tok[i + 2], &t->number) < 0)
		return -1;
	if (t->type == TERM_OTHER)
		t->name = xstrdup(name);
	return 0;
}

static void free_cond(struct cond *c);

/* Reads "TERM [and TERM]..." from token i up to a stop word, which is
 * returned through stop (or NULL at the end of the line).  A condition
 * read before, from an earlier line, is replaced. */
static int
parse_cond(struct parser *p, int i, const char *metric, struct cond *c,
    const char *stopword, int *stop)
{
	free_cond(c);
	for (;;) {
		if (c->n == COND_MAX_TERMS)
			return fail(p, "too many terms (at most %d)",
			    COND_MAX_TERMS);
		if (parse_term(p, i, metric, &c->terms[c->n]) < 0)
			return -1;
		c->n++;
		i += 3;
		if (i >= p->ntok) {
			*stop = i;
			return 0;
		}
		if (stopword != NULL && strcmp(p->tok[i], stopword) == 0) {
			*stop = i;
			return 0;
		}
		if (strcmp(p->tok[i], "and") != 0)
			return fail(p, "unexpected '%s' (expected 'and'%s%s)",
			    p->tok[i], stopword ? " or " : "",
			    stopword ? stopword : "");
		if (++i >= p->ntok)
			return fail(p, "missing comparison after 'and'");
	}
}

static int
set_kind(struct parser *p, enum rule_kind kind, const char *metric)
{
	struct rule *r = p->rule;

	if (r->metric != NULL)
		return fail(p, "rule '%s' already has a condition: one of "
		    "when, absent, event or drop per rule", r->name);
	r->kind = kind;
	r->metric = xstrdup(metric);
	return 0;
}

static int
need(struct parser *p, int n, const char *form)
{
	if (p->ntok != n)
		return fail(p, "%s '%s' (write: %s)",
		    p->ntok < n ? "missing value after" : "too many words after",
		    p->tok[0], form);
	return 0;
}

static int
dir_when(struct parser *p)
{
	struct rule *r = p->rule;
	int stop;

	if (p->ntok < 4)
		return fail(p, "incomplete 'when' (write: when METRIC OP "
		    "NUMBER [and ...] [for DURATION])");
	if (strncmp(p->tok[1], "label.", 6) == 0)
		return fail(p, "'when' must start with the metric, not "
		    "'%s'", p->tok[1]);
	if (set_kind(p, RULE_THRESHOLD, p->tok[1]) < 0 ||
	    parse_cond(p, 1, r->metric, &r->when, "for", &stop) < 0)
		return -1;
	if (stop < p->ntok) {
		if (stop + 2 != p->ntok)
			return fail(p, "write 'for DURATION' at the end of "
			    "'when'");
		return parse_duration(p, p->tok[stop + 1], &r->for_s);
	}
	return 0;
}

static int
dir_clear(struct parser *p)
{
	struct rule *r = p->rule;
	int stop;

	if (r->metric == NULL || (r->kind != RULE_THRESHOLD))
		return fail(p, "'clear' needs a 'when' line before it");
	if (p->ntok < 4)
		return fail(p, "incomplete 'clear' (write: clear METRIC OP "
		    "NUMBER)");
	return parse_cond(p, 1, r->metric, &r->clear, NULL, &stop);
}

static int
dir_absent(struct parser *p)
{
	if (need(p, 4, "absent METRIC for DURATION") < 0)
		return -1;
	if (strcmp(p->tok[2], "for") != 0)
		return fail(p, "unexpected '%s' (write: absent METRIC for "
		    "DURATION)", p->tok[2]);
	if (set_kind(p, RULE_ABSENT, p->tok[1]) < 0)
		return -1;
	return parse_duration(p, p->tok[3], &p->rule->for_s);
}

static int
dir_event(struct parser *p)
{
	struct rule *r = p->rule;
	int stop;

	if (p->ntok < 2)
		return fail(p, "missing event name (write: event NAME [and "
		    "field.KEY == VALUE ...])");
	if (set_kind(p, RULE_EVENT, p->tok[1]) < 0)
		return -1;
	if (p->ntok == 2)
		return 0;
	if (strcmp(p->tok[2], "and") != 0 || p->ntok < 6)
		return fail(p, "unexpected '%s' (write: event NAME and "
		    "field.KEY == VALUE)", p->tok[2]);
	if (parse_cond(p, 3, NULL, &r->when, NULL, &stop) < 0)
		return -1;
	for (int i = 0; i < r->when.n; i++)
		if (r->when.terms[i].type != TERM_FIELD)
			return fail(p, "an event condition compares "
			    "field.KEY, not '%s'", r->when.terms[i].name);
	return 0;
}

static int
dir_resolve(struct parser *p)
{
	struct rule *r = p->rule;
	int stop;

	if (r->metric == NULL || r->kind != RULE_EVENT)
		return fail(p, "'resolve' needs an 'event' line before it");
	if (p->ntok == 3 && strcmp(p->tok[1], "after") == 0)
		return parse_duration(p, p->tok[2], &r->resolve_after_s);
	if (p->ntok < 3 || strcmp(p->tok[1], "event") != 0)
		return fail(p, "invalid 'resolve' (write: resolve event NAME "
		    "[and field.KEY == VALUE] or resolve after DURATION)");
	free(r->resolve_event);
	r->resolve_event = xstrdup(p->tok[2]);
	free_cond(&r->resolve_fields);
	if (p->ntok == 3)
		return 0;
	if (strcmp(p->tok[3], "and") != 0 || p->ntok < 7)
		return fail(p, "unexpected '%s' after the event name",
		    p->tok[3]);
	if (parse_cond(p, 4, NULL, &r->resolve_fields, NULL, &stop) < 0)
		return -1;
	for (int i = 0; i < r->resolve_fields.n; i++)
		if (r->resolve_fields.terms[i].type != TERM_FIELD)
			return fail(p, "a resolve condition compares "
			    "field.KEY, not '%s%s'",
			    r->resolve_fields.terms[i].type == TERM_LABEL ?
			    "label." : "", r->resolve_fields.terms[i].name);
	return 0;
}

/* drop METRIC by N% over DURATION [floor NUMBER] */
static int
dir_drop(struct parser *p)
{
	struct rule *r = p->rule;
	const char *form = "drop METRIC by PERCENT% over DURATION "
	    "[floor NUMBER]";
	char pct[64];
	size_t len;

	if ((p->ntok != 6 && p->ntok != 8) || strcmp(p->tok[2], "by") != 0 ||
	    strcmp(p->tok[4], "over") != 0 ||
	    (p->ntok == 8 && strcmp(p->tok[6], "floor") != 0))
		return fail(p, "invalid 'drop' (write: %s)", form);
	if (set_kind(p, RULE_DROP, p->tok[1]) < 0)
		return -1;
	len = strlen(p->tok[3]);
	if (len < 2 || len >= sizeof pct || p->tok[3][len - 1] != '%')
		return fail(p, "invalid percentage '%s' (write 50%%)",
		    p->tok[3]);
	memcpy(pct, p->tok[3], len - 1);
	pct[len - 1] = '\0';
	if (parse_number(p, pct, &r->drop_pct) < 0)
		return -1;
	if (r->drop_pct <= 0 || r->drop_pct > 100)
		return fail(p, "percentage '%s' out of range (0-100]",
		    p->tok[3]);
	if (parse_duration(p, p->tok[5], &r->window_s) < 0)
		return -1;
	if (r->window_s <= 0)
		return fail(p, "window '%s' must be longer than 0", p->tok[5]);
	if (p->ntok == 8)
		return parse_number(p, p->tok[7], &r->floor);
	return 0;
}

static int
dir_flap(struct parser *p)
{
	struct rule *r = p->rule;
	double n;

	if (need(p, 4, "flap COUNT in DURATION") < 0)
		return -1;
	if (strcmp(p->tok[2], "in") != 0)
		return fail(p, "unexpected '%s' (write: flap COUNT in "
		    "DURATION)", p->tok[2]);
	if (parse_number(p, p->tok[1], &n) < 0)
		return -1;
	if (n < 2 || n > 32 || n != floor(n))
		return fail(p, "flap count '%s' must be a whole number from 2 "
		    "to 32", p->tok[1]);
	r->flap_count = (int)n;
	if (parse_duration(p, p->tok[3], &r->flap_window_s) < 0)
		return -1;
	if (r->flap_window_s <= 0)
		return fail(p, "flap window must be longer than 0");
	return 0;
}

static int
dir_globs(struct parser *p, struct globs *g)
{
	if (p->ntok < 2)
		return fail(p, "missing pattern after '%s'", p->tok[0]);
	for (int i = 1; i < p->ntok; i++) {
		if (g->n == GLOB_MAX)
			return fail(p, "too many patterns (at most %d)",
			    GLOB_MAX);
		g->v[g->n++] = xstrdup(p->tok[i]);
	}
	return 0;
}

static int
dir_match(struct parser *p)
{
	struct rule *r = p->rule;
	struct cond c = { 0 };
	int stop, rc = 0;

	if (p->ntok < 4)
		return fail(p, "incomplete 'match' (write: match label.KEY == "
		    "VALUE)");
	if (parse_cond(p, 1, NULL, &c, NULL, &stop) < 0)
		rc = -1;
	for (int i = 0; rc == 0 && i < c.n; i++)
		if (c.terms[i].type != TERM_LABEL)
			rc = fail(p, "'match' compares labels (label.KEY), "
			    "not '%s'", c.terms[i].name);
	if (rc == 0 && r->match.n + c.n > COND_MAX_TERMS)
		rc = fail(p, "too many match terms");
	if (rc < 0) {
		free_cond(&c);
		return -1;
	}
	for (int i = 0; i < c.n; i++)
		r->match.terms[r->match.n++] = c.terms[i];
	return 0;
}

static int
dir_severity(struct parser *p)
{
	if (need(p, 2, "severity critical|normal") < 0)
		return -1;
	if (strcmp(p->tok[1], "critical") == 0)
		p->rule->critical = true;
	else if (strcmp(p->tok[1], "normal") == 0)
		p->rule->critical = false;
	else
		return fail(p, "invalid severity '%s' (use critical or "
		    "normal)", p->tok[1]);
	return 0;
}

static int
dir_summary(struct parser *p)
{
	if (need(p, 2, "summary \"TEXT\"") < 0)
		return -1;
	free(p->rule->summary);
	p->rule->summary = xstrdup(p->tok[1]);
	return 0;
}

static int
dir_keep(struct parser *p)
{
	if (need(p, 2, "keep DURATION") < 0)
		return -1;
	if (p->rule->kind == RULE_EVENT || p->rule->kind == RULE_ABSENT)
		if (p->rule->metric != NULL)
			return fail(p, "'keep' applies to when and drop "
			    "rules");
	return parse_duration(p, p->tok[1], &p->rule->keep_s);
}

static int
exclude_owner(struct parser *p, struct rule *base)
{
	for (int i = 0; i < base->nexcluded; i++)
		if (strcmp(base->excluded[i], p->owner) == 0)
			return 0;
	if (base->nexcluded == 64)
		return fail(p, "too many customers override rule '%s'",
		    base->name);
	base->excluded[base->nexcluded++] = xstrdup(p->owner);
	return 0;
}

/* Returns the summary template of a rule without a summary line.  An
 * absence's value is seconds without a sample, so it is shown as a time. */
static const char *
default_summary(enum rule_kind kind)
{
	if (kind == RULE_EVENT)
		return "{rule}: {metric} on {deployment} {node}";
	if (kind == RULE_ABSENT)
		return "{rule}: no {metric} sample for {duration} on "
		    "{deployment} {node}";
	return "{rule}: {metric} is {value} on {deployment} {node}";
}

/* Checks a finished rule and takes its owner out of the default rule. */
static int
end_rule(struct parser *p)
{
	struct rule *r = p->rule, *base;
	int line = p->line;

	if (r == NULL)
		return 0;
	p->rule = NULL;
	p->line = r->line;
	if (r->metric == NULL)
		return fail(p, "rule '%s' has no condition (add a when, "
		    "absent, event or drop line)", r->name);
	if (r->summary == NULL)
		r->summary = xstrdup(default_summary(r->kind));
	p->line = line;
	if (p->owner == NULL)
		return 0;
	base = rules_find(p->set, r->name, NULL);
	return base != NULL ? exclude_owner(p, base) : 0;
}

static void
add_rule(struct ruleset *set, struct rule *r)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 32;
		set->rules = realloc(set->rules, set->cap * sizeof *set->rules);
		if (set->rules == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	set->rules[set->n++] = r;
}

static bool
valid_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		    *s == '.'))
			return false;
	return true;
}

static int
start_rule(struct parser *p)
{
	struct rule *r;

	if (end_rule(p) < 0 || need(p, 2, "rule NAME") < 0)
		return -1;
	if (!valid_name(p->tok[1]))
		return fail(p, "invalid rule name '%s' (letters, digits, _ - "
		    ". only)", p->tok[1]);
	if (rules_find(p->set, p->tok[1], p->owner) != NULL)
		return fail(p, "rule '%s' is defined twice", p->tok[1]);
	r = calloc(1, sizeof *r);
	if (r == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	r->name = xstrdup(p->tok[1]);
	r->file = xstrdup(p->file);
	r->line = p->line;
	r->owner = p->owner ? xstrdup(p->owner) : NULL;
	add_rule(p->set, r);
	p->rule = r;
	return 0;
}

static int
disable_rule(struct parser *p)
{
	struct rule *base;

	if (end_rule(p) < 0 || need(p, 2, "disable NAME") < 0)
		return -1;
	if (p->owner == NULL)
		return fail(p, "'disable' belongs in a customer's file of "
		    "--rules-dir; delete the rule here instead");
	base = rules_find(p->set, p->tok[1], NULL);
	if (base == NULL)
		return fail(p, "no default rule named '%s' to disable",
		    p->tok[1]);
	return exclude_owner(p, base);
}

static int
unknown_directive(struct parser *p)
{
	const char *near = ov_cli_nearest(p->tok[0], directives);

	if (near != NULL)
		return fail(p, "unknown directive '%s'; did you mean '%s'?",
		    p->tok[0], near);
	return fail(p, "unknown directive '%s'", p->tok[0]);
}

static int
directive(struct parser *p)
{
	const char *d = p->tok[0];
	struct rule *r = p->rule;

	if (strcmp(d, "rule") == 0)
		return start_rule(p);
	if (strcmp(d, "disable") == 0)
		return disable_rule(p);
	if (r == NULL) {
		if (ov_cli_nearest(d, directives) != NULL &&
		    strcmp(ov_cli_nearest(d, directives), d) == 0)
			return fail(p, "'%s' outside a rule (start one with "
			    "'rule NAME')", d);
		return unknown_directive(p);
	}
	if (strcmp(d, "when") == 0)
		return dir_when(p);
	if (strcmp(d, "clear") == 0)
		return dir_clear(p);
	if (strcmp(d, "keep") == 0)
		return dir_keep(p);
	if (strcmp(d, "absent") == 0)
		return dir_absent(p);
	if (strcmp(d, "event") == 0)
		return dir_event(p);
	if (strcmp(d, "resolve") == 0)
		return dir_resolve(p);
	if (strcmp(d, "drop") == 0)
		return dir_drop(p);
	if (strcmp(d, "flap") == 0)
		return dir_flap(p);
	if (strcmp(d, "severity") == 0)
		return dir_severity(p);
	if (strcmp(d, "summary") == 0)
		return dir_summary(p);
	if (strcmp(d, "customer") == 0)
		return dir_globs(p, &r->customers);
	if (strcmp(d, "deployment") == 0)
		return dir_globs(p, &r->deployments);
	if (strcmp(d, "node") == 0)
		return dir_globs(p, &r->nodes);
	if (strcmp(d, "match") == 0)
		return dir_match(p);
	return unknown_directive(p);
}

int
rules_load(struct ruleset *set, const char *path, const char *owner)
{
	struct parser p = { .file = path, .owner = owner, .set = set };
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if (f == NULL) {
		ov_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		p.line++;
		if (strlen(line) != (size_t)len)
			rc = fail(&p, "NUL byte in the line");
		else if ((rc = tokenize(&p, line)) == 0 && p.ntok > 0)
			rc = directive(&p);
	}
	if (rc == 0 && ferror(f)) {
		ov_error("%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		rc = end_rule(&p);
	free(line);
	fclose(f);
	return rc;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the *.conf files of dir, sorted so that messages and rule order
 * do not depend on readdir.  Returns NULL when dir cannot be read. */
static char **
list_customer_files(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len <= 5 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 5, ".conf") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof *names);
			if (names == NULL)
				ov_die(OV_EXIT_RESOURCE, "out of memory");
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, compare_names);
	*count = n;
	return names != NULL ? names : calloc(1, sizeof *names);
}

int
rules_load_dir(struct ruleset *set, const char *dir)
{
	size_t n = 0;
	char **names = list_customer_files(dir, &n);
	int rc = 0;

	if (names == NULL) {
		ov_error("%s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char path[4096], *owner = xstrdup(names[i]);

		owner[strlen(owner) - 5] = '\0';
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (rc == 0 && !ov_valid_id(owner)) {
			/* No record has such a customer, so its rules never apply. */
			ov_error("%s: '%s' is not a customer identifier "
			    "(letters, digits, . _ - @); rename the file "
			    "CUSTOMER.conf", path, owner);
			rc = -1;
		}
		if (rc == 0)
			rc = rules_load(set, path, owner);
		free(owner);
		free(names[i]);
	}
	free(names);
	return rc;
}

void
rules_load_all(struct ruleset *set, const char *path, const char *dir)
{
	char found[4096];

	if (path == NULL) {
		if (!ov_data_path("alarms.conf", found, sizeof found))
			ov_die(OV_EXIT_RESOURCE, "alarms.conf: the default "
			    "rules file was not found; name one with --rules "
			    "FILE or set OV_DATADIR");
		path = found;
	}
	if (rules_load(set, path, NULL) < 0 ||
	    (dir != NULL && rules_load_dir(set, dir) < 0))
		exit(OV_EXIT_RESOURCE);
	ov_note(1, "%zu rules loaded", set->n);
}

struct rule *
rules_find(const struct ruleset *set, const char *name, const char *owner)
{
	for (size_t i = 0; i < set->n; i++) {
		struct rule *r = set->rules[i];

		if (strcmp(r->name, name) != 0)
			continue;
		if (owner == NULL ? r->owner == NULL :
		    r->owner != NULL && strcmp(r->owner, owner) == 0)
			return r;
	}
	return NULL;
}

static bool
globs_match(const struct globs *g, const char *s)
{
	if (g->n == 0)
		return true;
	for (int i = 0; i < g->n; i++)
		if (fnmatch(g->v[i], s, 0) == 0)
			return true;
	return false;
}

bool
rule_in_scope(const struct rule *r, const char *customer,
    const char *deployment, const char *node)
{
	if (r->owner != NULL) {
		if (strcmp(r->owner, customer) != 0)
			return false;
	} else {
		for (int i = 0; i < r->nexcluded; i++)
			if (strcmp(r->excluded[i], customer) == 0)
				return false;
	}
	return globs_match(&r->customers, customer) &&
	    globs_match(&r->deployments, deployment) &&
	    globs_match(&r->nodes, node);
}

bool
cmp_number(enum cmp_op op, double a, double b)
{
	switch (op) {
	case OP_GT:
		return a > b;
	case OP_GE:
		return a >= b;
	case OP_LT:
		return a < b;
	case OP_LE:
		return a <= b;
	case OP_EQ:
		return a == b;
	case OP_NE:
		return a != b;
	}
	return false;
}

bool
term_match_kv(const struct term *t, const struct kv *kv, int n)
{
	const char *value = "";
	bool eq;

	for (int i = 0; i < n; i++)
		if (strcmp(kv[i].key, t->name) == 0) {
			value = kv[i].value;
			break;
		}
	eq = fnmatch(t->pattern, value, 0) == 0;
	return t->op == OP_EQ ? eq : !eq;
}

bool
rule_match_labels(const struct rule *r, const struct kv *labels, int n)
{
	for (int i = 0; i < r->match.n; i++)
		if (!term_match_kv(&r->match.terms[i], labels, n))
			return false;
	return true;
}

static void
free_cond(struct cond *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->terms[i].name);
		free(c->terms[i].pattern);
		c->terms[i].name = NULL;
		c->terms[i].pattern = NULL;
	}
	c->n = 0;
}

static void
free_globs(struct globs *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->v[i]);
}

void
rules_free(struct ruleset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct rule *r = set->rules[i];

		free(r->name);
		free(r->file);
		free(r->metric);
		free_cond(&r->when);
		free_cond(&r->clear);
		free_cond(&r->resolve_fields);
		free_cond(&r->match);
		free(r->resolve_event);
		free(r->summary);
		free_globs(&r->customers);
		free_globs(&r->deployments);
		free_globs(&r->nodes);
		free(r->owner);
		for (int j = 0; j < r->nexcluded; j++)
			free(r->excluded[j]);
		free(r);
	}
	free(set->rules);
	set->rules = NULL;
	set->n = set->cap = 0;
}
