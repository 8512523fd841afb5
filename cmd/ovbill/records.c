/*
 * Input records of ovbill: cluster.cores samples and the ticket records
 * that carry work time (opened for the customer, worklog for the minutes).
 * Every other kind, metric and action is skipped after a look at the raw
 * line, before any full parse.
 */
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "json.h"
#include "ovbill.h"

static bool
equals(const char *v, size_t len, const char *s)
{
	return v != NULL && len == strlen(s) && memcmp(v, s, len) == 0;
}

/* Copies a peeked plain string into buf; returns false when absent or too
 * long. */
static bool
peek_copy(const struct ov_record *rec, const char *key, char *buf,
    size_t size)
{
	size_t len;
	const char *v = ov_json_peek(rec->text, rec->len, key, &len);

	if (v == NULL || len >= size)
		return false;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return true;
}

static int
compare_deployments(const void *a, const void *b)
{
	const struct ov_deployment *x = *(const struct ov_deployment *const *)a;
	const struct ov_deployment *y = *(const struct ov_deployment *const *)b;

	return strcmp(x->id, y->id);
}

/* Finds a deployment of --deployments by binary search over a sorted
 * index, built on first use, because every sample without a customer
 * field needs a lookup. */
static const struct ov_deployment *
find_deployment(struct input_state *st, const char *id)
{
	const struct ov_deployments *d = st->deployments;
	struct ov_deployment key = { .id = (char *)id };
	const struct ov_deployment *keyp = &key, *const *found;

	if (st->sorted == NULL && d->count > 0) {
		st->sorted = calloc(d->count, sizeof *st->sorted);
		if (st->sorted == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
		for (size_t i = 0; i < d->count; i++)
			st->sorted[i] = &d->items[i];
		qsort(st->sorted, d->count, sizeof *st->sorted,
		    compare_deployments);
	}
	if (st->sorted == NULL)
		return NULL;
	found = bsearch(&keyp, st->sorted, d->count, sizeof *st->sorted,
	    compare_deployments);
	return found != NULL ? *found : NULL;
}

/* Owner of a sample: its customer field, else the deployment's owner in
 * --deployments, else "" (unknown). */
static const char *
owner(struct input_state *st, const char *customer, const char *deployment)
{
	const struct ov_deployment *d;

	if (customer != NULL && *customer != '\0')
		return customer;
	d = find_deployment(st, deployment);
	return d != NULL ? d->customer : "";
}

/*
 * Handles a sample outside the kept window without parsing it: it only
 * marks the nearest sample before or after the month, so that a gap
 * running into the month can be reported with its true start or end.
 */
static void
outside_sample(const struct ov_record *rec, struct input_state *st,
    int64_t t)
{
	char deployment[160], customer[160];
	const char *c = NULL;
	size_t len;

	if (!peek_copy(rec, "deployment", deployment, sizeof deployment))
		return;
	if (peek_copy(rec, "customer", customer, sizeof customer))
		c = customer;
	else if (ov_json_peek(rec->text, rec->len, "customer", &len) == NULL &&
	    strstr(rec->text, "\"customer\"") != NULL)
		return;		/* an escaped customer: not worth a parse */
	usage_add(st->usage, owner(st, c, deployment), deployment, t, 0);
}

static int
sample_fields(struct ov_record *rec, const cJSON *root,
    struct input_state *st)
{
	const char *metric, *deployment, *customer = NULL;
	int64_t t;
	double value;

	if (ov_get_string(rec, root, "metric", true, &metric) < 0)
		return -1;
	if (strcmp(metric, "cluster.cores") != 0)
		return 0;
	if (ov_get_time(rec, root, "time", true, &t) < 0 ||
	    ov_get_string(rec, root, "deployment", true, &deployment) < 0 ||
	    ov_get_string(rec, root, "customer", false, &customer) < 0 ||
	    ov_get_number(rec, root, "value", true, &value) < 0)
		return -1;
	if (!ov_valid_id(deployment))
		return ov_reject(rec, "field \"deployment\": invalid "
		    "identifier '%.60s'", deployment);
	if (customer != NULL && *customer != '\0' && !ov_valid_id(customer))
		return ov_reject(rec, "field \"customer\": invalid "
		    "identifier '%.60s'", customer);
	if (value < 0 || value > BILL_MAX_CORES || value != (double)(int64_t)
	    value)
		return ov_reject(rec, "field \"value\": cluster.cores must be "
		    "a whole number of cores from 0 to %d, not %.17g",
		    BILL_MAX_CORES, value);
	usage_add(st->usage, owner(st, customer, deployment), deployment, t,
	    (uint32_t)value);
	st->samples++;
	return 0;
}

static int
ticket_fields(struct ov_record *rec, const cJSON *root,
    struct input_state *st)
{
	const char *action, *customer, *by = NULL;
	int64_t ticket, t, minutes;

	if (ov_get_string(rec, root, "action", true, &action) < 0)
		return -1;
	if (strcmp(action, "opened") != 0 && strcmp(action, "worklog") != 0)
		return 0;
	if (ov_get_int(rec, root, "ticket", true, &ticket) < 0 ||
	    ov_get_time(rec, root, "time", true, &t) < 0)
		return -1;
	if (strcmp(action, "opened") == 0) {
		if (ov_get_string(rec, root, "customer", true, &customer) < 0)
			return -1;
		work_opened(st->work, ticket, customer);
		return 0;
	}
	if (ov_get_int(rec, root, "minutes", true, &minutes) < 0 ||
	    ov_get_string(rec, root, "by", false, &by) < 0)
		return -1;
	if (minutes < 0 || minutes > 100000)
		return ov_reject(rec, "field \"minutes\": expected a whole "
		    "number from 0 to 100000, not %lld", (long long)minutes);
	if (t >= st->usage->month.start && t < st->usage->month.end)
		work_log(st->work, ticket, t, minutes, by != NULL ? by : "");
	return 0;
}

static int
parsed_record(struct ov_record *rec, struct input_state *st)
{
	cJSON *root = ov_record_parse(rec);
	const char *kind;
	int rc = 0;

	if (root == NULL)
		return -1;
	if (ov_get_string(rec, root, "kind", true, &kind) < 0)
		rc = -1;
	else if (strcmp(kind, "sample") == 0)
		rc = sample_fields(rec, root, st);
	else if (strcmp(kind, "ticket") == 0)
		rc = ticket_fields(rec, root, st);
	cJSON_Delete(root);
	return rc;
}

/* Copies a field found by scan_sample() into buf as a C string; false
 * when it does not fit. */
static bool
copy_field(const char *v, size_t len, char *buf, size_t size)
{
	if (v == NULL || len >= size)
		return false;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return true;
}

/*
 * Uses a sample line checked by scan_sample().  Returns false when some
 * field is missing or invalid, so that the full parser reports it with
 * its usual message.
 */
static bool
fast_sample(struct input_state *st, const struct flat_sample *f)
{
	char deployment[160], customer[160];
	const char *c = NULL;
	int64_t t;

	if (f->metric == NULL || f->time == NULL || !f->has_value ||
	    !copy_field(f->deployment, f->deployment_len, deployment,
	    sizeof deployment) || !ov_valid_id(deployment))
		return false;
	if (!equals(f->metric, f->metric_len, "cluster.cores"))
		return true;
	if (ov_time_parse(f->time, f->time_len, &t, NULL, 0) < 0)
		return false;
	if (f->customer != NULL) {
		if (!copy_field(f->customer, f->customer_len, customer,
		    sizeof customer) || (*customer != '\0' &&
		    !ov_valid_id(customer)))
			return false;
		c = customer;
	}
	if (f->value < 0 || f->value > BILL_MAX_CORES)
		return false;
	if (t >= st->usage->window_start && t < st->usage->window_end)
		st->samples++;
	usage_add(st->usage, owner(st, c, deployment), deployment, t,
	    (uint32_t)f->value);
	return true;
}

/* Looks at a sample's raw line: true when it must be parsed, false when
 * it is another metric or outside the window. */
static bool
sample_wanted(struct ov_record *rec, struct input_state *st)
{
	struct flat_sample f;
	enum scan_result r = scan_sample(rec->text, rec->len, &f);
	const char *v;
	size_t len;
	int64_t t;

	if (r == SCAN_OTHER_METRIC || (r == SCAN_SAMPLE && fast_sample(st, &f)))
		return false;
	v = ov_json_peek(rec->text, rec->len, "metric", &len);
	if (v != NULL && !equals(v, len, "cluster.cores"))
		return false;
	v = ov_json_peek(rec->text, rec->len, "time", &len);
	if (v == NULL || ov_time_parse(v, len, &t, NULL, 0) < 0)
		return true;	/* the parse reports what is wrong */
	if (t >= st->usage->window_start && t < st->usage->window_end)
		return true;
	outside_sample(rec, st, t);
	return false;
}

int
bill_record(struct ov_record *rec, void *ctx)
{
	struct input_state *st = ctx;
	const char *kind, *action;
	size_t len, alen;

	kind = ov_json_peek(rec->text, rec->len, "kind", &len);
	if (kind != NULL) {
		if (equals(kind, len, "sample")) {
			if (!sample_wanted(rec, st))
				return 0;
		} else if (equals(kind, len, "ticket")) {
			action = ov_json_peek(rec->text, rec->len, "action",
			    &alen);
			if (action != NULL && !equals(action, alen, "opened") &&
			    !equals(action, alen, "worklog"))
				return 0;
		} else
			return 0;
	}
	return parsed_record(rec, st);
}
