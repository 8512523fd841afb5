#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "output.h"

static const char *
kv_value(const struct view *v, const char *key)
{
	if (v == NULL)
		return "";
	for (int i = 0; i < v->nkv; i++)
		if (strcmp(v->kv[i].key, key) == 0)
			return v->kv[i].value;
	return "";
}

/* Returns the identity label of a series (from its key), or "". */
static const char *
series_label(const struct series *s, const char *name, size_t *len)
{
	const char *p = s->key;
	size_t nl = strlen(name);

	for (int part = 0; p < s->key + s->keylen; p += strlen(p) + 1,
	    part++)
		if (part >= 4 && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			*len = strlen(p + nl + 1);
			return p + nl + 1;
		}
	*len = 0;
	return "";
}

static void
add_duration(struct ov_buf *b, int64_t seconds)
{
	char buf[64];

	ov_duration_format(seconds < 0 ? 0 : seconds, buf, sizeof buf);
	ov_buf_adds(b, buf);
}

/* Formats {value} or {value:.Nf}. */
static void
add_value(struct ov_buf *b, double value, const char *spec, size_t len)
{
	char buf[64];
	int digits = -1;

	if (len == 3 && spec[0] == '.' && spec[1] >= '0' && spec[1] <= '9' &&
	    spec[2] == 'f')
		digits = spec[1] - '0';
	if (digits >= 0)
		snprintf(buf, sizeof buf, "%.*f", digits, value);
	else
		snprintf(buf, sizeof buf, "%.15g", value);
	ov_buf_adds(b, buf);
}

/* Adds one placeholder; an unknown one is copied as written. */
static void
add_field(struct ov_buf *b, const char *name, size_t len,
    const struct series *s, double value, int64_t time, int64_t since,
    const struct view *v)
{
	char key[128], tbuf[OV_TIME_LEN];
	const struct rule *r = s->rule;
	size_t vl;
	const char *lv;

#define IS(word) (len == strlen(word) && memcmp(name, word, len) == 0)
	if (IS("rule"))
		ov_buf_adds(b, r->name);
	else if (IS("customer"))
		ov_buf_adds(b, s->customer);
	else if (IS("deployment"))
		ov_buf_adds(b, s->deployment);
	else if (IS("node"))
		ov_buf_adds(b, s->node);
	else if (IS("metric") || IS("event"))
		ov_buf_adds(b, s->metric);
	else if (IS("severity"))
		ov_buf_adds(b, r->critical ? "critical" : "normal");
	else if (len >= 5 && memcmp(name, "value", 5) == 0 &&
	    (len == 5 || name[5] == ':'))
		add_value(b, value, name + 6, len > 6 ? len - 6 : 0);
	else if (IS("for"))
		add_duration(b, r->kind == RULE_DROP ? r->window_s : r->for_s);
	else if (IS("duration"))
		add_duration(b, time - since);
	else if (IS("since")) {
		ov_time_format(since, tbuf);
		ov_buf_adds(b, tbuf);
	} else if (len > 6 && len < sizeof key + 6 &&
	    (memcmp(name, "label.", 6) == 0 ||
	    memcmp(name, "field.", 6) == 0)) {
		memcpy(key, name + 6, len - 6);
		key[len - 6] = '\0';
		lv = series_label(s, key, &vl);
		if (vl > 0)
			ov_buf_add(b, lv, vl);
		else
			ov_buf_adds(b, kv_value(v, key));
	} else {
		ov_buf_addc(b, '{');
		ov_buf_add(b, name, len);
		ov_buf_addc(b, '}');
	}
#undef IS
}

void
output_summary(struct ov_buf *b, const struct series *s, double value,
    int64_t time, int64_t since, const struct view *record)
{
	const char *p = s->rule->summary;
	size_t start = b->len;

	while (*p != '\0') {
		const char *close;

		if (*p != '{' || (close = strchr(p, '}')) == NULL) {
			ov_buf_addc(b, *p++);
			continue;
		}
		add_field(b, p + 1, (size_t)(close - p - 1), s, value, time,
		    since, record);
		p = close + 1;
	}
	/* A field that is empty, such as {node} of a deployment-wide
	 * series, would leave a blank at the end. */
	while (b->len > start && b->data[b->len - 1] == ' ')
		b->len--;
}

static void
write_record(struct output *o, const struct alarm *a,
    const struct ov_buf *summary)
{
	const struct series *s = a->series;
	struct ov_buf *b = &o->buf;
	ov_rec_begin(b, "alarm");
	ov_rec_time(b, "time", a->time);
	if (*s->customer)
		ov_rec_str(b, "customer", s->customer);
	ov_rec_str(b, "deployment", s->deployment);
	if (*s->node)
		ov_rec_str(b, "node", s->node);
	ov_rec_str(b, "rule", s->rule->name);
	ov_rec_str(b, "severity", s->rule->critical ? "critical" : "normal");
	ov_rec_str(b, "state", a->firing ? "firing" : "resolved");
	ov_rec_time(b, "since", a->since);
	ov_rec_num(b, "value", a->value);
	ov_buf_printf(b, ",\"fingerprint\":\"%016llx\"",
	    (unsigned long long)s->hash);
	ov_rec_str(b, "summary", summary->data);
	ov_rec_end(b);
	ov_out_write(b);
}

static void
remember_resolved(struct output *o, const struct series *s, int64_t t)
{
	for (size_t i = 0; i < o->nresolved; i++)
		if (o->resolved[i] == s) {
			o->resolved_at[i] = t;
			return;
		}
	if (o->nresolved == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->resolved = realloc(o->resolved, o->cap * sizeof *o->resolved);
		o->resolved_at = realloc(o->resolved_at, o->cap *
		    sizeof *o->resolved_at);
		if (o->resolved == NULL || o->resolved_at == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	o->resolved[o->nresolved] = (struct series *)s;
	o->resolved_at[o->nresolved++] = t;
}

void
output_alarm(const struct alarm *a, void *ctx)
{
	struct output *o = ctx;
	struct series *s = a->series;
	struct ov_buf summary = { 0 };

	output_summary(&summary, s, a->value, a->time, a->since, a->record);
	ov_buf_addc(&summary, '\0');
	if (a->firing) {
		/* Kept for the Alertmanager and Nagios output of later runs,
		 * which have no record to fill the summary from. */
		free(s->summary);
		s->summary = strdup(summary.data);
		o->fired++;
	} else {
		o->cleared++;
	}
	if (o->format == OUT_RECORDS)
		write_record(o, a, &summary);
	else if (o->format == OUT_ALERTMANAGER && !a->firing)
		remember_resolved(o, a->series, a->time);
	ov_buf_free(&summary);
}

/* Adds a label whose name Alertmanager accepts: [a-zA-Z_][a-zA-Z0-9_]*. */
static void
am_label(struct ov_buf *b, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	char clean[128];
	size_t n = nlen < sizeof clean - 2 ? nlen : sizeof clean - 2, j = 0;

	if (n > 0 && name[0] >= '0' && name[0] <= '9')
		clean[j++] = '_';
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_';

		clean[j++] = ok ? c : '_';
	}
	if (b->data[b->len - 1] != '{')
		ov_buf_addc(b, ',');
	ov_buf_add_json_string(b, clean, j);
	ov_buf_addc(b, ':');
	ov_buf_add_json_string(b, value, vlen);
}

static void
am_alert(struct ov_buf *b, const struct series *s, int64_t ends)
{
	char tbuf[OV_TIME_LEN];
	struct ov_buf summary = { 0 };
	const char *rn = s->rule->name;
	int part = 0;

	if (s->summary != NULL)
		ov_buf_adds(&summary, s->summary);
	else
		output_summary(&summary, s, s->value, ends == TIME_NONE ?
		    s->last : ends, s->shown_since, NULL);
	ov_buf_adds(b, "{\"labels\":{");
	am_label(b, "alertname", 9, rn, strlen(rn));
	am_label(b, "severity", 8, s->rule->critical ? "critical" : "normal",
	    s->rule->critical ? 8 : 6);
	am_label(b, "deployment", 10, s->deployment, strlen(s->deployment));
	if (*s->customer)
		am_label(b, "customer", 8, s->customer, strlen(s->customer));
	if (*s->node)
		am_label(b, "node", 4, s->node, strlen(s->node));
	for (const char *p = s->key; p < s->key + s->keylen;
	    p += strlen(p) + 1, part++) {
		const char *eq = strchr(p, '=');

		/* The identity labels follow rule, deployment, node, metric. */
		if (part >= 4 && eq != NULL)
			am_label(b, p, (size_t)(eq - p), eq + 1, strlen(eq + 1));
	}
	ov_buf_adds(b, "},\"annotations\":{");
	ov_buf_adds(b, "\"summary\":");
	ov_buf_add_json_string(b, summary.data ? summary.data : "",
	    summary.len);
	ov_buf_addc(b, '}');
	ov_time_format(s->shown_since, tbuf);
	ov_rec_str(b, "startsAt", tbuf);
	if (ends != TIME_NONE) {
		ov_time_format(ends, tbuf);
		ov_rec_str(b, "endsAt", tbuf);
	}
	ov_buf_addc(b, '}');
	ov_buf_free(&summary);
}

static int
compare_keys(const void *a, const void *b)
{
	const struct series *x = *(struct series *const *)a;
	const struct series *y = *(struct series *const *)b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

/* Lists the series with a firing alarm out, sorted by key. */
static struct series **
firing_series(const struct engine *e, size_t *n)
{
	struct series **all = calloc(e->count + 1, sizeof *all);

	if (all == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	*n = 0;
	for (size_t i = 0; i < e->cap; i++)
		if (e->series[i] != NULL && e->series[i]->shown)
			all[(*n)++] = e->series[i];
	qsort(all, *n, sizeof *all, compare_keys);
	return all;
}

static void
finish_alertmanager(struct output *o, const struct engine *e)
{
	size_t n;
	struct series **firing = firing_series(e, &n);
	struct ov_buf *b = &o->buf;
	bool first = true;

	b->len = 0;
	ov_buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (!first)
			ov_buf_addc(b, ',');
		am_alert(b, firing[i], TIME_NONE);
		first = false;
	}
	for (size_t i = 0; i < o->nresolved; i++) {
		if (o->resolved[i]->shown)
			continue;	/* fired again after resolving */
		if (!first)
			ov_buf_addc(b, ',');
		am_alert(b, o->resolved[i], o->resolved_at[i]);
		first = false;
	}
	ov_buf_adds(b, "]\n");
	ov_out_write(b);
	free(firing);
}

/* Appends a name to the Nagios line with '|' and control characters
 * replaced by '_', because '|' starts the performance data and a newline
 * starts the long output. */
static void
add_plugin_text(struct ov_buf *b, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ov_buf_addc(b, *p == '|' || *p < 0x20 || *p == 0x7f ? '_' :
		    (char)*p);
}

static int
finish_nagios(struct output *o, const struct engine *e)
{
	size_t n, critical = 0, listed = 0;
	struct series **firing = firing_series(e, &n);
	struct ov_buf *b = &o->buf;

	for (size_t i = 0; i < n; i++)
		critical += firing[i]->rule->critical;
	b->len = 0;
	ov_buf_printf(b, "OVALARM %s - ", critical ? "CRITICAL" : n ?
	    "WARNING" : "OK");
	if (n == 0)
		ov_buf_adds(b, "no alarm firing");
	else
		ov_buf_printf(b, "%zu critical, %zu normal:", critical,
		    n - critical);
	/* Critical alarms first, at most five named. */
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < n && listed < 5; i++) {
			const struct series *s = firing[i];

			if (s->rule->critical != pass)
				continue;
			ov_buf_printf(b, "%s %s ", listed ? "," : "",
			    s->rule->name);
			add_plugin_text(b, s->deployment);
			if (*s->node) {
				ov_buf_addc(b, '/');
				add_plugin_text(b, s->node);
			}
			listed++;
		}
	if (n > listed)
		ov_buf_printf(b, ", and %zu more", n - listed);
	ov_buf_printf(b, " | critical=%zu;;;0 normal=%zu;;;0 fired=%ld;;;0 "
	    "resolved=%ld;;;0\n", critical, n - critical, o->fired,
	    o->cleared);
	ov_out_write(b);
	free(firing);
	if (critical > 0)
		return 2;
	return n > 0 ? 1 : 0;
}

int
output_finish(struct output *o, const struct engine *e)
{
	int rc = 0;

	if (o->format == OUT_ALERTMANAGER)
		finish_alertmanager(o, e);
	else if (o->format == OUT_NAGIOS)
		rc = finish_nagios(o, e);
	ov_buf_free(&o->buf);
	free(o->resolved);
	free(o->resolved_at);
	return rc;
}
