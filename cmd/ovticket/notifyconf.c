/*
 * Reading notify.conf with libinih, and checking every value on load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "civil.h"
#include "notify.h"
#include "store.h"

/* Names read so far with their lines, so that a section or a key given
 * twice is an error instead of a silent replacement of the first. */
struct seen {
	size_t count;
	char **names;
	int *lines;
};

struct parse_state {
	struct notify_config *c;
	char *err;
	size_t errsize;
	bool failed;
	int line;		/* last line read */
	int section_line;	/* of the last [section] header */
	FILE *f;
	char *buf;
	size_t bufsize;
	struct seen sections;	/* every [section] so far */
	struct seen keys;	/* the keys of the current section */
	bool indented;		/* the last line read starts with a blank */
	bool continued;		/* the value continues the key before */
	char last_key[64];
};

static char *
xstrdup(const char *s)
{
	char *copy = strdup(s);

	if (copy == NULL)
		abort();
	return copy;
}

static int
fail(struct parse_state *ps, const char *fmt, const char *a, const char *b)
{
	char msg[300];

	snprintf(msg, sizeof msg, fmt, a, b);
	snprintf(ps->err, ps->errsize, "%s:%d: %s", ps->c->path, ps->line,
	    msg);
	ps->failed = true;
	return 0;
}

/* Splits a list separated by commas or spaces and adds its items to the
 * NULL-terminated array list.  Returns -1 when that makes more than
 * NOTIFY_MAX_LIST items. */
static int
split_list(const char *value, char **list)
{
	size_t n = 0;

	while (list[n] != NULL)
		n++;

	while (*value != '\0') {
		size_t len;

		value += strspn(value, ", \t");
		len = strcspn(value, ", \t");
		if (len == 0)
			break;
		if (n == NOTIFY_MAX_LIST)
			return -1;
		list[n] = strndup(value, len);
		if (list[n++] == NULL)
			abort();
		value += len;
	}
	list[n] = NULL;
	return 0;
}

static void
free_list(char **list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		free(list[i]);
	list[0] = NULL;
}

/* Returns the line where name was read before, or records it and
 * returns 0. */
static int
seen_before(struct seen *s, const char *name, int line)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->lines[i];
	s->names = realloc(s->names, (s->count + 1) * sizeof *s->names);
	s->lines = realloc(s->lines, (s->count + 1) * sizeof *s->lines);
	if (s->names == NULL || s->lines == NULL)
		abort();
	s->names[s->count] = xstrdup(name);
	s->lines[s->count++] = line;
	return 0;
}

static void
seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->names[i]);
	free(s->names);
	free(s->lines);
	memset(s, 0, sizeof *s);
}

/* Tells whether a route name has only letters, digits, '-', '_' and '.',
 * which read well in messages and in the outbox. */
static bool
valid_route_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

/* Checks a [section] header line as libinih will read it: the name between
 * '[' and the first ']', untrimmed. */
static void
on_section(struct parse_state *ps, const char *line)
{
	const char *start = line + strspn(line, " \t") + 1;
	size_t len = strcspn(start, "]");
	char name[128], num[16];
	int first;

	if (ps->failed || start[len] != ']' || len >= sizeof name)
		return;
	memcpy(name, start, len);
	name[len] = '\0';
	seen_free(&ps->keys);
	ps->last_key[0] = '\0';
	if (strncmp(name, "route ", 6) == 0 && !valid_route_name(name + 6)) {
		fail(ps, "invalid route name '%s': use letters, digits, '-', "
		    "'_' or '.'%s", name + 6, "");
		return;
	}
	if ((first = seen_before(&ps->sections, name, ps->line)) > 0) {
		snprintf(num, sizeof num, "%d", first);
		fail(ps, "[%s] is already at line %s", name, num);
	}
}

static int
smtp_key(struct parse_state *ps, const char *key, const char *value)
{
	struct smtp_config *s = &ps->c->smtp;
	char err[128];
	int64_t seconds;

	if (strcmp(key, "url") == 0) {
		if (strncmp(value, "smtp://", 7) != 0 &&
		    strncmp(value, "smtps://", 8) != 0)
			return fail(ps, "url: '%s' is not smtp:// or smtps://",
			    value, "");
		free(s->url);
		s->url = xstrdup(value);
	} else if (strcmp(key, "from") == 0) {
		if (strchr(value, '@') == NULL || strpbrk(value, " <>") != NULL)
			return fail(ps, "from: '%s' is not an address%s", value,
			    "");
		free(s->from);
		s->from = xstrdup(value);
	} else if (strcmp(key, "credentials") == 0) {
		free(ps->c->credentials);
		ps->c->credentials = xstrdup(value);
		ps->c->credentials_line = ps->line;
	} else if (strcmp(key, "ca_file") == 0) {
		free(s->ca_file);
		s->ca_file = xstrdup(value);
	} else if (strcmp(key, "timeout") == 0) {
		if (ov_duration_parse(value, &seconds, err, sizeof err) < 0 ||
		    seconds < 1 || seconds > 3600)
			return fail(ps, "timeout: invalid duration '%s' (1s to "
			    "1h)", value, "");
		s->timeout = (long)seconds;
	} else {
		return fail(ps, "unknown key '%s' in [smtp]", key, "");
	}
	return 1;
}

static int
check_words(struct parse_state *ps, const char *key, char **list,
    const char *const *allowed)
{
	for (size_t i = 0; list[i] != NULL; i++) {
		size_t k;

		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(list[i], allowed[k]) == 0)
				break;
		if (allowed[k] == NULL)
			return fail(ps, "%s: unknown value '%s'", key, list[i]);
	}
	return 1;
}

static int
route_list_key(struct parse_state *ps, struct notify_route *r,
    const char *key, const char *value)
{
	static const char *const states[] = { "running", "paused", "at_risk",
		"met", "breached", NULL };
	char **list;
	enum tk_action a;

	if (strcmp(key, "email") == 0)
		list = r->email;
	else if (strcmp(key, "customers") == 0)
		list = r->customers;
	else if (strcmp(key, "actions") == 0)
		list = r->actions;
	else if (strcmp(key, "sla") == 0)
		list = r->sla_states;
	else
		return fail(ps, "unknown key '%s' in [route %s]", key, r->name);
	/* An indented line continues the list of the line before. */
	if (!ps->continued)
		free_list(list);
	if (split_list(value, list) < 0)
		return fail(ps, "%s: more than 32 values", key, "");
	/* "none" empties a list that has a default. */
	if ((list == r->sla_states || list == r->actions) &&
	    strcmp(value, "none") == 0)
		free_list(list);
	if (list == r->sla_states)
		return check_words(ps, key, list, states);
	for (size_t i = 0; list == r->actions && list[i] != NULL; i++)
		if (tk_action_parse(list[i], &a) < 0)
			return fail(ps, "actions: unknown action '%s'", list[i],
			    "");
	for (size_t i = 0; list == r->email && list[i] != NULL; i++)
		if (strchr(list[i], '@') == NULL)
			return fail(ps, "email: '%s' is not an address",
			    list[i], "");
	return 1;
}

static int
route_key(struct parse_state *ps, struct notify_route *r, const char *key,
    const char *value)
{
	if (strcmp(key, "webhook") == 0) {
		if (strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0)
			return fail(ps, "webhook: not an http:// or https:// "
			    "URL%s%s", "", "");
		free(r->webhook);
		r->webhook = xstrdup(value);
	} else if (strcmp(key, "ca_file") == 0) {
		free(r->ca_file);
		r->ca_file = xstrdup(value);
	} else if (strcmp(key, "severity") == 0) {
		free(r->severity);
		r->severity = NULL;
		if (strcmp(value, "any") == 0)
			return 1;
		if (!tk_valid_severity(value))
			return fail(ps, "severity: '%s' is not critical, "
			    "normal or any", value, "");
		r->severity = xstrdup(value);
	} else if (strcmp(key, "batch") == 0) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			return fail(ps, "batch: '%s' is not yes or no", value,
			    "");
		r->batch = strcmp(value, "yes") == 0;
	} else {
		return route_list_key(ps, r, key, value);
	}
	return 1;
}

static struct notify_route *
route_get(struct parse_state *ps, const char *name)
{
	struct notify_config *c = ps->c;
	struct notify_route *r;

	for (size_t i = 0; i < c->nroutes; i++)
		if (strcmp(c->routes[i].name, name) == 0)
			return &c->routes[i];
	c->routes = realloc(c->routes, (c->nroutes + 1) * sizeof *c->routes);
	if (c->routes == NULL)
		abort();
	r = &c->routes[c->nroutes++];
	memset(r, 0, sizeof *r);
	r->name = xstrdup(name);
	r->line = ps->section_line;
	split_list("opened reopened severity alarm_refired customer_reply",
	    r->actions);
	split_list("at_risk breached", r->sla_states);
	return r;
}

/*
 * Reads one line for libinih, which does not tell its handler the line
 * number, and counts it.  A line longer than libinih's buffer is an error
 * here, where libinih would cut it.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	ssize_t n = getline(&ps->buf, &ps->bufsize, ps->f);

	if (n < 0)
		return NULL;
	ps->line++;
	if (n + 1 > num) {
		fail(ps, "line longer than %s%s", num == 200 ? "200 bytes" :
		    "libinih's buffer", "");
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	memcpy(str, ps->buf, (size_t)n + 1);
	ps->indented = str[0] == ' ' || str[0] == '\t';
	if (str[strspn(str, " \t")] == '[') {
		ps->section_line = ps->line;
		on_section(ps, str);
	}
	return str;
}

/* Tells whether a route key takes a list, which may go on over indented
 * lines. */
static bool
is_list_key(const char *key)
{
	return strcmp(key, "email") == 0 || strcmp(key, "customers") == 0 ||
	    strcmp(key, "actions") == 0 || strcmp(key, "sla") == 0;
}

static int
on_value(void *ctx, const char *section, const char *key, const char *value)
{
	struct parse_state *ps = ctx;
	char num[16];
	int first;

	if (ps->failed)
		return 0;
	/* libinih hands an indented line after a key over as more of that
	 * key's value. */
	ps->continued = ps->indented && strcmp(key, ps->last_key) == 0;
	snprintf(ps->last_key, sizeof ps->last_key, "%s", key);
	if (!ps->continued &&
	    (first = seen_before(&ps->keys, key, ps->line)) > 0) {
		snprintf(num, sizeof num, "%d", first);
		return fail(ps, "%s is already set at line %s", key, num);
	}
	if (ps->continued && (strcmp(section, "smtp") == 0 ||
	    !is_list_key(key)))
		return fail(ps, "%s takes one value: move the indented line "
		    "up to the line of the key%s", key, "");
	if (strcmp(section, "smtp") == 0) {
		ps->c->has_smtp = true;
		return smtp_key(ps, key, value);
	}
	if (strncmp(section, "route ", 6) == 0 && section[6] != '\0' &&
	    strlen(section + 6) <= 64)
		return route_key(ps, route_get(ps, section + 6), key, value);
	return fail(ps, "unknown section [%s]: use [smtp] or [route NAME]",
	    section, "");
}

/* Checks what single values cannot: each route has one destination, and
 * e-mail routes have an [smtp] section to go through. */
static int
check_config(struct notify_config *c, char *err, size_t errsize)
{
	if (c->has_smtp && (c->smtp.url == NULL || c->smtp.from == NULL)) {
		snprintf(err, errsize, "%s: [smtp] needs url and from",
		    c->path);
		return -1;
	}
	for (size_t i = 0; i < c->nroutes; i++) {
		struct notify_route *r = &c->routes[i];

		if ((r->email[0] != NULL) == (r->webhook != NULL)) {
			snprintf(err, errsize, "%s:%ld: [route %s] needs "
			    "either email or webhook", c->path, r->line,
			    r->name);
			return -1;
		}
		if (r->email[0] != NULL && !c->has_smtp) {
			snprintf(err, errsize, "%s:%ld: [route %s] sends "
			    "e-mail but there is no [smtp] section", c->path,
			    r->line, r->name);
			return -1;
		}
	}
	return 0;
}

int
notify_config_load(const char *path, struct notify_config *c, char *err,
    size_t errsize)
{
	struct parse_state ps = { .c = c, .err = err, .errsize = errsize };
	int rc;

	memset(c, 0, sizeof *c);
	c->path = path;
	c->smtp.timeout = 30;
	if ((ps.f = fopen(path, "r")) == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(read_line, &ps, on_value, &ps);
	fclose(ps.f);
	free(ps.buf);
	seen_free(&ps.sections);
	seen_free(&ps.keys);
	if (ps.failed)
		return -1;
	if (rc != 0) {
		snprintf(err, errsize, "%s:%d: syntax error: expected "
		    "[section] or key = value", path, rc);
		return -1;
	}
	if (c->nroutes == 0) {
		snprintf(err, errsize, "%s: no [route NAME] section", path);
		return -1;
	}
	return check_config(c, err, errsize);
}

const struct notify_route *
notify_route_find(const struct notify_config *c, const char *name)
{
	for (size_t i = 0; i < c->nroutes; i++)
		if (strcmp(c->routes[i].name, name) == 0)
			return &c->routes[i];
	return NULL;
}

bool
notify_list_has(char *const *list, const char *word)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], word) == 0)
			return true;
	return false;
}

void
notify_config_free(struct notify_config *c)
{
	for (size_t i = 0; i < c->nroutes; i++) {
		struct notify_route *r = &c->routes[i];

		free(r->name);
		free(r->webhook);
		free(r->ca_file);
		free(r->severity);
		free_list(r->email);
		free_list(r->customers);
		free_list(r->actions);
		free_list(r->sla_states);
	}
	free(c->routes);
	free(c->smtp.url);
	free(c->smtp.from);
	free(c->smtp.ca_file);
	free(c->credentials);
	if (c->smtp.password != NULL)
		explicit_bzero(c->smtp.password, strlen(c->smtp.password));
	free(c->smtp.username);
	free(c->smtp.password);
	memset(c, 0, sizeof *c);
}
