/*
 * Rule evaluation.  Each rule and series (deployment, node, metric and the
 * labels other than status and error) has a small state machine, which
 * samples and events drive in input order.  The latest record time seen,
 * the clock, drives the checks that need no record of their own: absence,
 * resolve after a duration, and the end of flapping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "eval.h"

#define KEY_MAX 2048

uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

static char *
xstrndup(const char *s, size_t len)
{
	char *p = strndup(s, len);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

/* Copies bytes that may contain NULs, adding one more at the end. */
static char *
xmemdup(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* ---- the index of metric and event names ---- */

static struct index_entry *
index_slot(const struct engine *e, const char *name, size_t len)
{
	size_t i = hash_bytes(name, len) & (e->icap - 1);

	for (;; i = (i + 1) & (e->icap - 1)) {
		struct index_entry *x = &e->index[i];

		if (x->name == NULL || (strlen(x->name) == len &&
		    memcmp(x->name, name, len) == 0))
			return x;
	}
}

static struct index_entry *
index_add(struct engine *e, const char *name)
{
	struct index_entry *x = index_slot(e, name, strlen(name));

	if (x->name == NULL)
		x->name = xstrndup(name, strlen(name));
	return x;
}

static void
index_add_rule(struct engine *e, const char *name, struct rule *r)
{
	struct index_entry *x = index_add(e, name);

	x->rules = realloc(x->rules, (x->n + 1) * sizeof *x->rules);
	if (x->rules == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	x->rules[x->n++] = r;
}

static void
index_companions(struct engine *e, const struct cond *c)
{
	for (int i = 0; i < c->n; i++)
		if (c->terms[i].type == TERM_OTHER)
			index_add(e, c->terms[i].name)->companion = true;
}

static void
build_index(struct engine *e)
{
	size_t names = 8;

	for (size_t i = 0; i < e->rules->n; i++)
		names += 2 + COND_MAX_TERMS * 2;
	for (e->icap = 16; e->icap < names * 2; e->icap *= 2)
		;
	e->index = xcalloc(e->icap, sizeof *e->index);
	for (size_t i = 0; i < e->rules->n; i++) {
		struct rule *r = e->rules->rules[i];

		index_add_rule(e, r->metric, r);
		if (r->resolve_event != NULL &&
		    strcmp(r->resolve_event, r->metric) != 0)
			index_add_rule(e, r->resolve_event, r);
		index_companions(e, &r->when);
		index_companions(e, &r->clear);
	}
}

void
engine_init(struct engine *e, struct ruleset *rules, alarm_fn emit,
    void *ctx)
{
	memset(e, 0, sizeof *e);
	e->rules = rules;
	e->emit = emit;
	e->ctx = ctx;
	e->clock = TIME_NONE;
	e->next_deadline = TIME_NEVER;
	e->cap = 1024;
	e->series = xcalloc(e->cap, sizeof *e->series);
	e->ccap = 256;
	e->companions = xcalloc(e->ccap, sizeof *e->companions);
	build_index(e);
}

bool
engine_wants(const struct engine *e, const char *name, size_t len)
{
	const struct index_entry *x = index_slot(e, name, len);

	return x->name != NULL;
}

/* ---- series and companion tables ---- */

static void
grow_series(struct engine *e)
{
	size_t cap = e->cap * 2;
	struct series **t = xcalloc(cap, sizeof *t);

	for (size_t i = 0; i < e->cap; i++) {
		struct series *s = e->series[i];
		size_t j;

		if (s == NULL)
			continue;
		for (j = s->hash & (cap - 1); t[j] != NULL;
		    j = (j + 1) & (cap - 1))
			;
		t[j] = s;
	}
	free(e->series);
	e->series = t;
	e->cap = cap;
}

static struct series *
new_series(const struct rule *r, const char *key, size_t keylen,
    uint64_t hash)
{
	struct series *s = xcalloc(1, sizeof *s);
	const char *p = key + strlen(key) + 1;

	s->hash = hash;
	s->key = xmemdup(key, keylen);
	s->keylen = keylen;
	s->rule = r;
	s->deployment = xstrndup(p, strlen(p));
	p += strlen(p) + 1;
	s->node = xstrndup(p, strlen(p));
	p += strlen(p) + 1;
	s->metric = xstrndup(p, strlen(p));
	s->customer = xstrndup("", 0);
	s->last = s->since = s->clear_since = s->shown_since = TIME_NONE;
	s->deadline = TIME_NEVER;
	if (r->kind == RULE_DROP)
		s->window = xcalloc(WINDOW_POINTS, sizeof *s->window);
	return s;
}

struct series *
engine_series(struct engine *e, const struct rule *r, const char *key,
    size_t keylen, uint64_t hash)
{
	size_t i;

	for (i = hash & (e->cap - 1); e->series[i] != NULL;
	    i = (i + 1) & (e->cap - 1)) {
		struct series *s = e->series[i];

		if (s->hash == hash && s->keylen == keylen &&
		    memcmp(s->key, key, keylen) == 0)
			return s;
	}
	if (2 * (e->count + 1) > e->cap) {
		grow_series(e);
		return engine_series(e, r, key, keylen, hash);
	}
	e->series[i] = new_series(r, key, keylen, hash);
	e->count++;
	return e->series[i];
}

static struct companion **
companion_slot(const struct engine *e, const char *key, size_t keylen,
    uint64_t hash)
{
	size_t i;

	for (i = hash & (e->ccap - 1); e->companions[i] != NULL;
	    i = (i + 1) & (e->ccap - 1)) {
		struct companion *c = e->companions[i];

		if (c->hash == hash && c->keylen == keylen &&
		    memcmp(c->key, key, keylen) == 0)
			break;
	}
	return &e->companions[i];
}

static void
grow_companions(struct engine *e)
{
	struct companion **old = e->companions;
	size_t oldcap = e->ccap;

	e->ccap *= 2;
	e->companions = xcalloc(e->ccap, sizeof *e->companions);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			*companion_slot(e, old[i]->key, old[i]->keylen,
			    old[i]->hash) = old[i];
	free(old);
}

void
engine_set_companion(struct engine *e, const char *key, size_t keylen,
    int64_t time, double value)
{
	uint64_t hash = hash_bytes(key, keylen);
	struct companion **slot = companion_slot(e, key, keylen, hash);

	if (*slot == NULL) {
		if (2 * (e->ccount + 1) > e->ccap) {
			grow_companions(e);
			engine_set_companion(e, key, keylen, time, value);
			return;
		}
		*slot = xcalloc(1, sizeof **slot);
		(*slot)->hash = hash;
		(*slot)->key = xmemdup(key, keylen);
		(*slot)->keylen = keylen;
		(*slot)->time = TIME_NONE;
		e->ccount++;
	}
	/* A late sample does not replace a newer value. */
	if (time >= (*slot)->time) {
		(*slot)->time = time;
		(*slot)->value = value;
	}
}

/* Builds "deployment\0node\0metric" into buf; returns its length. */
static size_t
companion_key(char *buf, size_t size, const char *deployment,
    const char *node, const char *metric)
{
	int n = snprintf(buf, size, "%s%c%s%c%s", deployment, 0, node, 0,
	    metric);

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

static bool
companion_value(const struct engine *e, const struct view *v,
    const char *metric, double *value)
{
	char key[KEY_MAX];
	size_t len = companion_key(key, sizeof key, v->deployment, v->node,
	    metric);
	struct companion *c;

	if (len == 0)
		return false;
	c = *companion_slot(e, key, len, hash_bytes(key, len));
	if (c == NULL)
		return false;
	*value = c->value;
	return true;
}

/* ---- series keys ---- */

static bool
identity_label(const char *key)
{
	return strcmp(key, "status") != 0 && strcmp(key, "error") != 0;
}

/*
 * Builds the key of a rule's series for a record: rule name, deployment,
 * node, metric and the identity labels sorted by name, each ended by a NUL.
 * Returns the length, or 0 when the key does not fit.
 */
static size_t
series_key(char *buf, const struct rule *r, const struct view *v,
    bool labels)
{
	const struct kv *sorted[LABEL_MAX];
	int n = 0;
	size_t len = 0;
	const char *parts[4] = { r->name, v->deployment, v->node, r->metric };

	for (int i = 0; labels && i < v->nkv; i++) {
		int j = n++;

		if (!identity_label(v->kv[i].key)) {
			n--;
			continue;
		}
		while (j > 0 && strcmp(sorted[j - 1]->key, v->kv[i].key) > 0) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = &v->kv[i];
	}
	for (int i = 0; i < 4; i++) {
		size_t l = strlen(parts[i]);

		if (len + l + 1 > KEY_MAX)
			return 0;
		memcpy(buf + len, parts[i], l + 1);
		len += l + 1;
	}
	for (int i = 0; i < n; i++) {
		int w = snprintf(buf + len, KEY_MAX - len, "%s=%s",
		    sorted[i]->key, sorted[i]->value);

		if (w < 0 || len + (size_t)w + 1 > KEY_MAX)
			return 0;
		len += (size_t)w + 1;
	}
	return len;
}

static struct series *
series_for(struct engine *e, const struct rule *r, const struct view *v,
    bool labels)
{
	char key[KEY_MAX];
	size_t len = series_key(key, r, v, labels);
	struct series *s;

	if (len == 0) {
		ov_warn("series of rule '%s' on '%s' has too long a name; "
		    "skipped", r->name, v->deployment);
		return NULL;
	}
	s = engine_series(e, r, key, len, hash_bytes(key, len));
	if (strcmp(s->customer, v->customer) != 0) {
		free(s->customer);
		s->customer = xstrndup(v->customer, strlen(v->customer));
	}
	return s;
}

/* ---- transitions and flap damping ---- */

static void
set_deadline(struct engine *e, struct series *s, int64_t t)
{
	if (t < s->deadline)
		s->deadline = t;
	if (t < e->next_deadline)
		e->next_deadline = t;
}

static void
emit(struct engine *e, struct series *s, bool firing, int64_t t,
    const struct view *v)
{
	struct alarm a = {
		.series = s, .time = t, .firing = firing, .value = s->value,
		.record = v,
	};

	if (firing)
		s->shown_since = s->since;
	a.since = s->shown_since;
	s->shown = firing;
	e->emit(&a, e->ctx);
}

/* Counts a transition and returns true when the series is flapping: at
 * least flap_count transitions in the flap window. */
static bool
count_flap(struct engine *e, struct series *s, int64_t t)
{
	const struct rule *r = s->rule;
	int n = 0;

	if (s->nflaps == r->flap_count) {
		memmove(s->flaps, s->flaps + 1, (size_t)(s->nflaps - 1) *
		    sizeof *s->flaps);
		s->nflaps--;
	}
	s->flaps[s->nflaps++] = t;
	for (int i = 0; i < s->nflaps; i++)
		if (s->flaps[i] > t - r->flap_window_s)
			n++;
	if (n >= r->flap_count) {
		s->flapping = true;
		set_deadline(e, s, t + r->flap_window_s);
	}
	return s->flapping;
}

/* Reports a change of the series' own state, unless flap damping
 * suppresses it, so that a flapping series shows one firing alarm until it
 * settles. */
static void
transition(struct engine *e, struct series *s, bool firing, int64_t t,
    const struct view *v)
{
	if (s->rule->flap_count > 0 && count_flap(e, s, t)) {
		if (!s->shown)
			emit(e, s, true, t, v);
		return;
	}
	emit(e, s, firing, t, v);
}

static bool
inner_firing(const struct series *s)
{
	return s->phase == PHASE_FIRING || s->phase == PHASE_CLEARING;
}

/* Ends flapping once the window has passed without a transition. */
static void
settle_flapping(struct engine *e, struct series *s, int64_t now,
    const struct view *v)
{
	int64_t quiet = s->flaps[s->nflaps - 1] + s->rule->flap_window_s;

	if (!s->flapping || now <= quiet)
		return;
	/* The alarm ends at the instant the series became quiet. */
	s->flapping = false;
	if (s->shown && !inner_firing(s))
		emit(e, s, false, quiet, v);
	else if (!s->shown && inner_firing(s))
		emit(e, s, true, quiet, v);
}

/* ---- conditions ---- */

static bool
eval_cond(const struct engine *e, const struct cond *c, const struct view *v,
    double value)
{
	for (int i = 0; i < c->n; i++) {
		const struct term *t = &c->terms[i];
		double other;

		switch (t->type) {
		case TERM_VALUE:
			if (!cmp_number(t->op, value, t->number))
				return false;
			break;
		case TERM_OTHER:
			if (!companion_value(e, v, t->name, &other) ||
			    !cmp_number(t->op, other, t->number))
				return false;
			break;
		case TERM_LABEL:
		case TERM_FIELD:
			if (!term_match_kv(t, v->kv, v->nkv))
				return false;
			break;
		}
	}
	return true;
}

/*
 * Adds a sample to a drop series' window and returns true when the value
 * is at least drop_pct below the window's maximum, and that maximum is at
 * least the floor.  The window keeps only the candidates for its maximum
 * (a decreasing sequence), at most WINDOW_POINTS of them.
 */
static bool
eval_drop(struct series *s, int64_t t, double value)
{
	const struct rule *r = s->rule;
	struct point *w = s->window;
	int start = 0;
	bool dropped = false;

	while (start < s->nwindow && w[start].time <= t - r->window_s)
		start++;
	if (start < s->nwindow) {
		double max = w[start].value;

		dropped = max > 0 && max >= r->floor &&
		    value <= max * (1 - r->drop_pct / 100);
	}
	memmove(w, w + start, (size_t)(s->nwindow - start) * sizeof *w);
	s->nwindow -= start;
	while (s->nwindow > 0 && w[s->nwindow - 1].value <= value)
		s->nwindow--;
	if (s->nwindow == WINDOW_POINTS) {
		memmove(w, w + 1, (WINDOW_POINTS - 1) * sizeof *w);
		s->nwindow--;
	}
	w[s->nwindow].time = t;
	w[s->nwindow].value = value;
	s->nwindow++;
	return dropped;
}

/* Longest gap between samples that keeps a pending condition pending. */
#define PENDING_GAP (10 * 60)

static void
step_pending(struct engine *e, struct series *s, bool met, int64_t t,
    int64_t gap, const struct view *v)
{
	if (!met) {
		s->phase = PHASE_IDLE;
		return;
	}
	if (s->phase == PHASE_IDLE || gap > PENDING_GAP) {
		s->phase = PHASE_PENDING;
		s->since = t;
	}
	if (t - s->since >= s->rule->for_s) {
		s->phase = PHASE_FIRING;
		transition(e, s, true, t, v);
	}
}

static void
step_firing(struct engine *e, struct series *s, bool met, bool cleared,
    int64_t t, const struct view *v)
{
	if (!cleared || met) {
		s->phase = PHASE_FIRING;
		return;
	}
	if (s->phase != PHASE_CLEARING) {
		s->phase = PHASE_CLEARING;
		s->clear_since = t;
	}
	if (t - s->clear_since >= s->rule->keep_s) {
		s->phase = PHASE_IDLE;
		transition(e, s, false, t, v);
	}
}

/* Runs a threshold or drop series' state machine on one sample. */
static void
step_threshold(struct engine *e, struct series *s, const struct view *v)
{
	const struct rule *r = s->rule;
	int64_t gap = s->last == TIME_NONE ? 0 : v->time - s->last;
	bool met, cleared;

	s->last = v->time;
	s->value = v->value;
	if (r->kind == RULE_DROP) {
		met = eval_drop(s, v->time, v->value);
		cleared = !met;
	} else {
		met = eval_cond(e, &r->when, v, v->value);
		cleared = r->clear.n == 0 ? !met :
		    eval_cond(e, &r->clear, v, v->value);
	}
	if (s->flapping)
		settle_flapping(e, s, v->time, v);
	if (inner_firing(s))
		step_firing(e, s, met, cleared, v->time, v);
	else
		step_pending(e, s, met, v->time, gap, v);
}

static void
step_absent(struct engine *e, struct series *s, const struct view *v)
{
	int64_t previous = s->last;

	s->last = v->time;
	if (s->phase == PHASE_FIRING) {
		s->phase = PHASE_IDLE;
		s->value = (double)(v->time - previous);
		transition(e, s, false, v->time, v);
	}
	set_deadline(e, s, v->time + s->rule->for_s);
}

static void
sample_rule(struct engine *e, struct rule *r, const struct view *v)
{
	struct series *s;

	if (r->kind == RULE_EVENT || strcmp(r->metric, v->name) != 0 ||
	    !rule_in_scope(r, v->customer, v->deployment, v->node) ||
	    !rule_match_labels(r, v->kv, v->nkv))
		return;
	s = series_for(e, r, v, true);
	if (s == NULL)
		return;
	if (s->last != TIME_NONE && v->time < s->last) {
		/* Out of order for this series: its state is already past
		 * this instant, so the sample cannot change it. */
		e->out_of_order++;
		return;
	}
	if (r->kind == RULE_ABSENT)
		step_absent(e, s, v);
	else
		step_threshold(e, s, v);
}

void
engine_sample(struct engine *e, const struct view *v)
{
	struct index_entry *x = index_slot(e, v->name, strlen(v->name));

	if (x->name == NULL)
		return;
	engine_advance(e, v->time);
	if (x->companion) {
		char key[KEY_MAX];
		size_t len = companion_key(key, sizeof key, v->deployment,
		    v->node, v->name);

		if (len > 0)
			engine_set_companion(e, key, len, v->time, v->value);
	}
	for (size_t i = 0; i < x->n; i++)
		sample_rule(e, x->rules[i], v);
}

/* ---- events ---- */

static void
fire_event(struct engine *e, struct rule *r, const struct view *v)
{
	struct series *s;

	if (!eval_cond(e, &r->when, v, 0))
		return;
	s = series_for(e, r, v, false);
	if (s == NULL || s->phase == PHASE_FIRING ||
	    (s->last != TIME_NONE && v->time < s->last))
		return;
	s->last = v->time;
	s->phase = PHASE_FIRING;
	s->since = v->time;
	s->value = 1;
	transition(e, s, true, v->time, v);
	if (r->resolve_after_s > 0)
		set_deadline(e, s, v->time + r->resolve_after_s);
}

static void
resolve_event(struct engine *e, struct rule *r, const struct view *v)
{
	char key[KEY_MAX];
	struct view as_rule = *v;
	size_t len;
	struct series *s;

	if (!eval_cond(e, &r->resolve_fields, v, 0))
		return;
	/* The pairing event resolves the series of the same node. */
	as_rule.name = r->metric;
	len = series_key(key, r, &as_rule, false);
	if (len == 0)
		return;
	s = engine_series(e, r, key, len, hash_bytes(key, len));
	if (s->phase != PHASE_FIRING || v->time < s->since)
		return;
	s->last = v->time;
	s->phase = PHASE_IDLE;
	s->value = 0;
	transition(e, s, false, v->time, v);
}

void
engine_event(struct engine *e, const struct view *v)
{
	struct index_entry *x = index_slot(e, v->name, strlen(v->name));

	if (x->name == NULL)
		return;
	engine_advance(e, v->time);
	for (size_t i = 0; i < x->n; i++) {
		struct rule *r = x->rules[i];

		if (r->kind != RULE_EVENT ||
		    !rule_in_scope(r, v->customer, v->deployment, v->node))
			continue;
		if (strcmp(r->metric, v->name) == 0)
			fire_event(e, r, v);
		else if (r->resolve_event != NULL &&
		    strcmp(r->resolve_event, v->name) == 0)
			resolve_event(e, r, v);
	}
}

/* ---- time-driven checks ---- */

/* Runs the checks of one series whose deadline the clock has passed. */
static void
tick(struct engine *e, struct series *s, int64_t now)
{
	const struct rule *r = s->rule;

	s->deadline = TIME_NEVER;
	if (s->flapping)
		settle_flapping(e, s, now, NULL);
	if (r->kind == RULE_ABSENT && s->phase != PHASE_FIRING &&
	    s->last != TIME_NONE && now > s->last + r->for_s) {
		s->phase = PHASE_FIRING;
		s->since = s->last;
		s->value = (double)(now - s->last);
		transition(e, s, true, now, NULL);
	}
	if (r->kind == RULE_EVENT && s->phase == PHASE_FIRING &&
	    r->resolve_after_s > 0 && now > s->since + r->resolve_after_s) {
		s->phase = PHASE_IDLE;
		s->value = 0;
		transition(e, s, false, s->since + r->resolve_after_s, NULL);
	}
	if (s->flapping)
		set_deadline(e, s, s->flaps[s->nflaps - 1] + r->flap_window_s);
	if (r->kind == RULE_ABSENT && s->phase != PHASE_FIRING)
		set_deadline(e, s, s->last + r->for_s);
	if (r->kind == RULE_EVENT && s->phase == PHASE_FIRING &&
	    r->resolve_after_s > 0)
		set_deadline(e, s, s->since + r->resolve_after_s);
}

static int
compare_due(const void *a, const void *b)
{
	const struct series *x = *(struct series *const *)a;
	const struct series *y = *(struct series *const *)b;

	if (x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	return memcmp(x->key, y->key, x->keylen);
}

void
engine_advance(struct engine *e, int64_t t)
{
	struct series **due;
	size_t n = 0;

	if (t <= e->clock)
		return;
	e->clock = t;
	if (t <= e->next_deadline)
		return;
	/* Due series are handled in (deadline, key) order, so the output
	 * does not depend on the hash table's layout. */
	due = xcalloc(e->count + 1, sizeof *due);
	for (size_t i = 0; i < e->cap; i++)
		if (e->series[i] != NULL && e->series[i]->deadline < t)
			due[n++] = e->series[i];
	qsort(due, n, sizeof *due, compare_due);
	e->next_deadline = TIME_NEVER;
	for (size_t i = 0; i < n; i++)
		tick(e, due[i], t);
	free(due);
	engine_reset_deadline(e);
}

void
engine_reset_deadline(struct engine *e)
{
	e->next_deadline = TIME_NEVER;
	for (size_t i = 0; i < e->cap; i++)
		if (e->series[i] != NULL &&
		    e->series[i]->deadline < e->next_deadline)
			e->next_deadline = e->series[i]->deadline;
}

void
engine_free(struct engine *e)
{
	for (size_t i = 0; i < e->cap; i++) {
		struct series *s = e->series[i];

		if (s == NULL)
			continue;
		free(s->key);
		free(s->customer);
		free(s->deployment);
		free(s->node);
		free(s->metric);
		free(s->summary);
		free(s->window);
		free(s);
	}
	for (size_t i = 0; i < e->ccap; i++)
		if (e->companions[i] != NULL) {
			free(e->companions[i]->key);
			free(e->companions[i]);
		}
	for (size_t i = 0; i < e->icap; i++) {
		free(e->index[i].name);
		free(e->index[i].rules);
	}
	free(e->series);
	free(e->companions);
	free(e->index);
}
