/*
 * Sample output: the record layout of ov-records(5), and the samples every
 * source emits (up, api.ok, scrape.duration_seconds, tls.cert_expiry_days).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "scrape.h"

const char *const emit_table_titles[] = { "DEPLOYMENT", "NODE", "METRIC",
	">VALUE", "LABELS", NULL };

/* Adds a sample as a table row: labels as "key=value" pairs. */
static void
add_row(struct emitter *e, const char *node, const char *metric,
    double value, const char *const labels[4])
{
	struct ov_buf num = { 0 }, text = { 0 };
	const char *cells[6];

	ov_buf_add_json_number(&num, value);
	ov_buf_addc(&num, '\0');
	ov_buf_addc(&text, '\0');
	for (int i = 0; i < 4; i += 2) {
		if (labels[i] == NULL || labels[i + 1] == NULL)
			continue;
		text.len--;
		ov_buf_printf(&text, "%s%s=%s", text.len ? " " : "",
		    labels[i], labels[i + 1]);
		ov_buf_addc(&text, '\0');
	}
	cells[0] = e->target->dep->id;
	cells[1] = node;
	cells[2] = metric;
	cells[3] = num.data;
	cells[4] = text.data;
	cells[5] = NULL;
	ov_table_add(e->table, cells);
	ov_buf_free(&num);
	ov_buf_free(&text);
}

static void
begin_sample(struct emitter *e, const char *node, const char *metric,
    double value)
{
	struct ov_buf *b = e->out;

	ov_rec_begin(b, "sample");
	ov_rec_time(b, "time", e->now);
	ov_rec_str(b, "customer", e->target->dep->customer);
	ov_rec_str(b, "deployment", e->target->dep->id);
	ov_rec_str(b, "node", node);
	ov_rec_str(b, "metric", metric);
	ov_rec_num(b, "value", value);
}

/* Emits one sample with up to two labels.  A label whose name or value is
 * NULL is left out, and so is a sample whose value is not finite. */
void
emit_sample2(struct emitter *e, const char *node, const char *metric,
    double value, const char *label1, const char *value1,
    const char *label2, const char *value2)
{
	struct ov_buf *b = e->out;

	/* A record's value must be a finite number. */
	if (!isfinite(value))
		return;
	if (e->table != NULL) {
		const char *const labels[4] = { label1, value1, label2,
			value2 };

		add_row(e, node, metric, value, labels);
		return;
	}
	begin_sample(e, node, metric, value);
	if ((label1 && value1) || (label2 && value2)) {
		ov_rec_open(b, "labels");
		if (label1 && value1)
			ov_rec_str(b, label1, value1);
		if (label2 && value2)
			ov_rec_str(b, label2, value2);
		ov_rec_close(b);
	}
	ov_rec_end(b);
	ov_out_write(b);
}

void
emit_sample(struct emitter *e, const char *node, const char *metric,
    double value, const char *label, const char *label_value)
{
	emit_sample2(e, node, metric, value, label, label_value, NULL, NULL);
}

cJSON *
fetch_json(struct fetch *f)
{
	cJSON *json;

	if (f->error != NULL)
		return NULL;
	/* JSON text is UTF-8 (RFC 8259); cJSON accepts any bytes, which would
	 * then reach the records through node ids and labels. */
	if (!ov_utf8_valid(f->body.data ? f->body.data : "", f->body.len))
		json = NULL;
	else
		json = cJSON_ParseWithLength(f->body.data ? f->body.data : "",
		    f->body.len);
	if (json == NULL || !(cJSON_IsObject(json) || cJSON_IsArray(json))) {
		cJSON_Delete(json);
		f->error = "invalid_json";
		snprintf(f->detail, sizeof f->detail, "HTTP %ld answer is not "
		    "valid JSON (%zu bytes)", f->status, f->body.len);
		return NULL;
	}
	return json;
}

/* Chooses the deployment's error: a rejected secret first, else the first
 * failed fetch when none succeeded.  Returns NULL when it is up. */
static const struct fetch *
deployment_failure(const struct target *t)
{
	const struct fetch *first = NULL;
	bool any_ok = false;

	for (size_t i = 0; i < t->nfetches; i++) {
		const struct fetch *f = &t->fetches[i];

		if (f->error != NULL && strcmp(f->error, "auth") == 0)
			return f;
		if (f->error == NULL)
			any_ok = true;
		else if (first == NULL)
			first = f;
	}
	return any_ok ? NULL : first;
}

static void
emit_api_ok(struct emitter *e)
{
	const struct target *t = e->target;

	for (size_t i = 0; i < t->nfetches; i++) {
		const struct fetch *f = &t->fetches[i];

		emit_sample2(e, NULL, "api.ok", f->error ? 0 : 1, "endpoint",
		    f->req.endpoint, "error", f->error);
	}
}

static void
emit_cert_expiry(struct emitter *e)
{
	const struct target *t = e->target;

	for (size_t i = 0; i < t->nfetches; i++)
		if (t->fetches[i].has_cert_expiry) {
			emit_sample(e, NULL, "tls.cert_expiry_days",
			    (double)(t->fetches[i].cert_not_after - e->now) /
			    86400.0, NULL, NULL);
			return;
		}
}

bool
emit_common(struct emitter *e)
{
	struct target *t = e->target;
	const struct fetch *bad;
	const char *id = t->dep->id;

	t->up = false;
	if (t->secret_error != NULL) {
		emit_sample(e, NULL, "up", 0, "error", t->secret_error);
		return false;
	}
	bad = deployment_failure(t);
	t->up = bad == NULL;
	emit_sample(e, NULL, "up", bad ? 0 : 1, "error",
	    bad ? bad->error : NULL);
	emit_sample(e, NULL, "scrape.duration_seconds",
	    (double)(t->finished_ms - t->started_ms) / 1000.0, NULL, NULL);
	emit_api_ok(e);
	emit_cert_expiry(e);
	if (bad != NULL) {
		ov_error("%s: down (%s): %s: %s", id, bad->error,
		    bad->req.url, bad->detail);
		return false;
	}
	for (size_t i = 0; i < t->nfetches; i++)
		if (t->fetches[i].error != NULL)
			ov_warn("%s: %s endpoint failed (%s): %s", id,
			    t->fetches[i].req.endpoint, t->fetches[i].error,
			    t->fetches[i].detail);
	return true;
}
