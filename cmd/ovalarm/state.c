/*
 * State file format: JSON lines.  The first line is
 * {"ovalarm_state":1,"clock":SECONDS,"lines":N}; then N lines, one per
 * series and one per companion value.  Times are integer seconds since
 * 1970, or null for none.  N shows a file cut after a whole line, which
 * would otherwise parse; files without it (earlier builds) are accepted.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "diag.h"
#include "json.h"
#include "state.h"
#include "statefile.h"

#define STATE_VERSION 1

/* Position in the state file, for messages. */
struct loader {
	const char *path;
	long line;
	struct engine *e;
	long expected;		/* lines after the header, or -1: unknown */
};

static noreturn void
corrupt(const struct loader *l, const char *what)
{
	ov_error_at(l->path, l->line, "corrupt state file: %s; restore it "
	    "from a backup or remove it to start over", what);
	exit(OV_EXIT_RESOURCE);
}

static int64_t
get_time(const struct loader *l, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return TIME_NONE;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int64_t)
	    v->valuedouble || v->valuedouble > OV_JSON_MAX_EXACT ||
	    v->valuedouble < -OV_JSON_MAX_EXACT)
		corrupt(l, key);
	return (int64_t)v->valuedouble;
}

static double
get_number(const struct loader *l, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v))
		corrupt(l, key);
	return v->valuedouble;
}

/* Returns the count under key, or -1 when the line has none. */
static long
get_count(const struct loader *l, const cJSON *o, const char *key)
{
	int64_t n = get_time(l, o, key);

	if (n == TIME_NONE)
		return -1;
	if (n < 0 || n > LONG_MAX)
		corrupt(l, key);
	return (long)n;
}

static bool
get_bool(const struct loader *l, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsBool(v))
		corrupt(l, key);
	return cJSON_IsTrue(v);
}

static const char *
get_string(const struct loader *l, const cJSON *o, const char *key,
    bool nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (nullable && (v == NULL || cJSON_IsNull(v)))
		return NULL;
	if (!cJSON_IsString(v))
		corrupt(l, key);
	return v->valuestring;
}

/* Joins an array of strings with NULs after each into buf; returns the
 * length. */
static size_t
join_key(const struct loader *l, const cJSON *o, const char *field,
    char *buf, size_t size, int min)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, field), *x;
	size_t len = 0;
	int n = 0;

	if (!cJSON_IsArray(a))
		corrupt(l, field);
	cJSON_ArrayForEach(x, a) {
		size_t sl;

		if (!cJSON_IsString(x))
			corrupt(l, field);
		sl = strlen(x->valuestring);
		if (len + sl + 1 > size)
			corrupt(l, "key too long");
		memcpy(buf + len, x->valuestring, sl + 1);
		len += sl + 1;
		n++;
	}
	if (n < min)
		corrupt(l, field);
	return len;
}

static void
load_window(const struct loader *l, const cJSON *o, struct series *s)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "window"), *p;

	if (a == NULL || s->window == NULL)
		return;
	/* A series listed twice takes its window from the last line, which
	 * keeps the count within WINDOW_POINTS. */
	s->nwindow = 0;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > WINDOW_POINTS)
		corrupt(l, "window");
	cJSON_ArrayForEach(p, a) {
		const cJSON *t = cJSON_GetArrayItem(p, 0);
		const cJSON *v = cJSON_GetArrayItem(p, 1);

		if (!cJSON_IsNumber(t) || !cJSON_IsNumber(v))
			corrupt(l, "window");
		s->window[s->nwindow].time = (int64_t)t->valuedouble;
		s->window[s->nwindow].value = v->valuedouble;
		s->nwindow++;
	}
}

static void
load_flaps(const struct loader *l, const cJSON *o, struct series *s)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "flaps"), *t;
	int max = s->rule->flap_count;

	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > FLAP_MAX)
		corrupt(l, "flaps");
	cJSON_ArrayForEach(t, a) {
		if (!cJSON_IsNumber(t))
			corrupt(l, "flaps");
		if (s->nflaps == max && max > 0) {
			memmove(s->flaps, s->flaps + 1,
			    (size_t)(max - 1) * sizeof *s->flaps);
			s->nflaps--;
		}
		if (max > 0)
			s->flaps[s->nflaps++] = (int64_t)t->valuedouble;
	}
}

static void
load_series(const struct loader *l, const cJSON *o)
{
	char key[2048];
	const char *name = get_string(l, o, "rule", false);
	const char *owner = get_string(l, o, "owner", true);
	const struct rule *r = rules_find(l->e->rules, name, owner);
	size_t len = join_key(l, o, "key", key, sizeof key, 4);
	double phase = get_number(l, o, "phase");
	const char *summary;
	struct series *s;

	if (r == NULL || strcmp(key, name) != 0) {
		/* The rule was removed or renamed since the last run. */
		ov_note(1, "%s:%ld: rule '%s' no longer exists; its state is "
		    "dropped", l->path, l->line, name);
		return;
	}
	if (phase < PHASE_IDLE || phase > PHASE_CLEARING)
		corrupt(l, "phase");
	s = engine_series(l->e, r, key, len, hash_bytes(key, len));
	free(s->customer);
	s->customer = strdup(get_string(l, o, "customer", false));
	s->phase = (enum phase)phase;
	s->last = get_time(l, o, "last");
	s->since = get_time(l, o, "since");
	s->clear_since = get_time(l, o, "clear_since");
	s->value = get_number(l, o, "value");
	s->shown = get_bool(l, o, "shown");
	summary = get_string(l, o, "summary", true);
	free(s->summary);
	s->summary = summary != NULL ? strdup(summary) : NULL;
	s->shown_since = get_time(l, o, "shown_since");
	s->deadline = get_time(l, o, "deadline");
	if (s->deadline == TIME_NONE)
		s->deadline = TIME_NEVER;
	s->flapping = get_bool(l, o, "flapping");
	load_window(l, o, s);
	load_flaps(l, o, s);
	if (s->flapping && s->nflaps == 0)
		s->flapping = false;
}

static void
load_line(struct loader *l, const char *text)
{
	cJSON *o = cJSON_Parse(text);
	char key[2048];

	if (!cJSON_IsObject(o))
		corrupt(l, "not a JSON object");
	if (l->line == 1) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o,
		    "ovalarm_state");

		if (!cJSON_IsNumber(v) || v->valuedouble != STATE_VERSION)
			corrupt(l, "not an ovalarm state file of version 1");
		l->e->clock = get_time(l, o, "clock");
		l->expected = get_count(l, o, "lines");
	} else if (cJSON_GetObjectItemCaseSensitive(o, "companion")) {
		size_t len = join_key(l, o, "companion", key, sizeof key, 3);

		engine_set_companion(l->e, key, len - 1,
		    get_time(l, o, "time"), get_number(l, o, "value"));
	} else {
		load_series(l, o);
	}
	cJSON_Delete(o);
}

void
state_load(struct engine *e, const char *path)
{
	struct loader l = { .path = path, .e = e, .expected = -1 };
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (f == NULL) {
		if (errno == ENOENT)
			return;
		ov_die(OV_EXIT_RESOURCE, "%s: %s", path, strerror(errno));
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		l.line++;
		if (len == 0 || line[len - 1] != '\n')
			corrupt(&l, "truncated line");
		if (strlen(line) != (size_t)len)
			corrupt(&l, "NUL byte");
		load_line(&l, line);
	}
	if (ferror(f))
		ov_die(OV_EXIT_RESOURCE, "%s: %s", path, strerror(errno));
	if (l.line == 0) {
		l.line = 1;
		corrupt(&l, "empty file");
	}
	if (l.expected >= 0 && l.line - 1 != l.expected) {
		char what[96];

		if (l.line - 1 < l.expected)
			snprintf(what, sizeof what, "cut short: %ld of the %ld "
			    "lines its header announces", l.line - 1,
			    l.expected);
		else
			snprintf(what, sizeof what, "lines added: its header "
			    "announces %ld, the file has %ld", l.expected,
			    l.line - 1);
		corrupt(&l, what);
	}
	free(line);
	fclose(f);
	engine_reset_deadline(e);
}

static void
add_time(struct ov_buf *b, const char *key, int64_t t)
{
	if (t == TIME_NONE || t == TIME_NEVER)
		ov_rec_null(b, key);
	else
		ov_rec_int(b, key, t);
}

static void
add_key(struct ov_buf *b, const char *field, const char *key, size_t len)
{
	if (b->len > 0 && b->data[b->len - 1] != '{')
		ov_buf_addc(b, ',');
	ov_buf_printf(b, "\"%s\":[", field);
	for (const char *p = key; p < key + len; p += strlen(p) + 1) {
		if (p != key)
			ov_buf_addc(b, ',');
		ov_buf_add_json_string(b, p, strlen(p));
	}
	ov_buf_addc(b, ']');
}

static void
add_series(struct ov_buf *b, const struct series *s)
{
	ov_buf_addc(b, '{');
	ov_rec_str(b, "rule", s->rule->name);
	if (s->rule->owner)
		ov_rec_str(b, "owner", s->rule->owner);
	add_key(b, "key", s->key, s->keylen);
	ov_rec_str(b, "customer", s->customer);
	ov_rec_int(b, "phase", s->phase);
	add_time(b, "last", s->last);
	add_time(b, "since", s->since);
	add_time(b, "clear_since", s->clear_since);
	ov_rec_num(b, "value", s->value);
	ov_rec_bool(b, "shown", s->shown);
	ov_rec_str(b, "summary", s->summary);
	add_time(b, "shown_since", s->shown_since);
	add_time(b, "deadline", s->deadline);
	ov_rec_bool(b, "flapping", s->flapping);
	ov_buf_adds(b, ",\"flaps\":[");
	for (int i = 0; i < s->nflaps; i++)
		ov_buf_printf(b, "%s%lld", i ? "," : "",
		    (long long)s->flaps[i]);
	ov_buf_addc(b, ']');
	if (s->window != NULL) {
		ov_buf_adds(b, ",\"window\":[");
		for (int i = 0; i < s->nwindow; i++) {
			ov_buf_printf(b, "%s[%lld,", i ? "," : "",
			    (long long)s->window[i].time);
			ov_buf_add_json_number(b, s->window[i].value);
			ov_buf_addc(b, ']');
		}
		ov_buf_addc(b, ']');
	}
	ov_buf_adds(b, "}\n");
}

static int
compare_series(const void *a, const void *b)
{
	const struct series *x = *(struct series *const *)a;
	const struct series *y = *(struct series *const *)b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->keylen < y->keylen ? -1 : x->keylen > y->keylen;
}

static void
write_all(const struct engine *e, FILE *f)
{
	struct series **all = calloc(e->count + 1, sizeof *all);
	struct ov_buf b = { 0 };
	size_t n = 0, companions = 0;

	if (all == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t i = 0; i < e->cap; i++)
		if (e->series[i] != NULL)
			all[n++] = e->series[i];
	for (size_t i = 0; i < e->ccap; i++)
		if (e->companions[i] != NULL)
			companions++;
	ov_buf_printf(&b, "{\"ovalarm_state\":%d", STATE_VERSION);
	add_time(&b, "clock", e->clock);
	ov_buf_printf(&b, ",\"lines\":%zu}\n", n + companions);
	/* Sorted, so that equal states give equal files. */
	qsort(all, n, sizeof *all, compare_series);
	for (size_t i = 0; i < n; i++) {
		add_series(&b, all[i]);
		if (b.len > 65536) {
			fwrite(b.data, 1, b.len, f);
			b.len = 0;
		}
	}
	for (size_t i = 0; i < e->ccap; i++) {
		const struct companion *c = e->companions[i];

		if (c == NULL)
			continue;
		ov_buf_addc(&b, '{');
		add_key(&b, "companion", c->key, c->keylen + 1);
		add_time(&b, "time", c->time);
		ov_rec_num(&b, "value", c->value);
		ov_buf_adds(&b, "}\n");
	}
	fwrite(b.data, 1, b.len, f);
	ov_buf_free(&b);
	free(all);
}

void
state_save(const struct engine *e, const char *path)
{
	struct ov_atomic a;
	FILE *f = ov_atomic_open(&a, path);

	if (f == NULL)
		ov_die(OV_EXIT_RESOURCE, "%s: cannot write the state file: %s",
		    path, strerror(errno));
	write_all(e, f);
	if (ov_atomic_commit(&a) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s: cannot write the state file: %s",
		    path, strerror(errno));
}
