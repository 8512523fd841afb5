/*
 * Report records of "ovalarm report" for the portal's evolution pages: the
 * few figures the charts and the latest month's table show, checked as
 * they are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "portal.h"

static char *
copy_string(const char *s)
{
	char *copy = strdup(s != NULL ? s : "");

	if (copy == NULL)
		abort();
	return copy;
}

/* Reads an optional percentage; 0 when absent or null. */
static int
get_percent(struct ov_record *rec, const cJSON *obj, const char *key,
    double *out)
{
	int rc = ov_get_number(rec, obj, key, false, out);

	if (rc == 1 && (*out < 0 || *out > 100))
		return ov_reject(rec, "field \"%s\": %g is not a percentage "
		    "from 0 to 100", key, *out);
	return rc;
}

/* Reads an optional count that cannot be negative. */
static int
get_count(struct ov_record *rec, const cJSON *obj, const char *key,
    int64_t *out)
{
	int rc = ov_get_int(rec, obj, key, false, out);

	if (rc == 1 && *out < 0)
		return ov_reject(rec, "field \"%s\": expected a count, got "
		    "%lld", key, (long long)*out);
	return rc;
}

/* Takes the largest "max" of the per-node CPU entries. */
static int
get_cpu(struct ov_record *rec, const cJSON *obj, struct portal_report *r)
{
	const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(obj, "cpu");
	const cJSON *node;

	if (cpu == NULL || cJSON_IsNull(cpu))
		return 0;
	if (!cJSON_IsArray(cpu))
		return ov_reject(rec, "field \"cpu\": expected an array of "
		    "per-node figures");
	cJSON_ArrayForEach(node, cpu) {
		const char *name = NULL;
		double max;
		int rc;

		if (!cJSON_IsObject(node))
			return ov_reject(rec, "field \"cpu\": expected objects "
			    "with \"node\" and \"max\"");
		if (ov_get_string(rec, node, "node", false, &name) < 0 ||
		    (rc = get_percent(rec, node, "max", &max)) < 0)
			return -1;
		if (rc == 0 || (r->has_cpu && max <= r->cpu_max))
			continue;
		r->has_cpu = true;
		r->cpu_max = max;
		free(r->cpu_node);
		r->cpu_node = copy_string(name);
	}
	return 0;
}

/* The participants chart takes connections.active (OpenVidu 2), else
 * participants.active (OpenVidu 3). */
static int
get_connections(struct ov_record *rec, const cJSON *obj,
    struct portal_report *r)
{
	static const char *const keys[2][2] = {
		{ "peak_connections", "peak_connections_at" },
		{ "peak_participants", "peak_participants_at" },
	};

	for (int k = 0; k < 2 && !r->has_connections; k++) {
		int rc = get_count(rec, obj, keys[k][0], &r->connections);

		if (rc < 0 || ov_get_time(rec, obj, keys[k][1], false,
		    &r->connections_at) < 0)
			return -1;
		r->has_connections = rc == 1;
	}
	return 0;
}

/* Reads the availability and minute counts. */
static int
get_minutes(struct ov_record *rec, const cJSON *obj, struct portal_report *r)
{
	int rc = get_percent(rec, obj, "availability_percent",
	    &r->availability);

	if (rc < 0 || get_count(rec, obj, "minutes_up", &r->minutes_up) < 0 ||
	    get_count(rec, obj, "minutes_down", &r->minutes_down) < 0 ||
	    get_count(rec, obj, "minutes_unknown", &r->minutes_unknown) < 0)
		return -1;
	r->has_availability = rc == 1;
	return 0;
}

/* Core-minutes are known only when cluster.cores was sampled: ovalarm
 * writes core_minutes 0 with cores_max null when it was not. */
static int
get_cores(struct ov_record *rec, const cJSON *obj, struct portal_report *r)
{
	int64_t cores_max;
	int rc = get_count(rec, obj, "core_minutes", &r->core_minutes);
	int rc_max = get_count(rec, obj, "cores_max", &cores_max);

	if (rc < 0 || rc_max < 0)
		return -1;
	r->has_cores = rc == 1 && (rc_max == 1 || r->core_minutes > 0);
	return 0;
}

static struct portal_report *
new_report(struct portal *p)
{
	struct portal_report *r;

	if (p->nreports == p->capreports) {
		p->capreports = p->capreports ? p->capreports * 2 : 64;
		p->reports = realloc(p->reports,
		    p->capreports * sizeof *p->reports);
		if (p->reports == NULL)
			abort();
	}
	r = &p->reports[p->nreports];
	memset(r, 0, sizeof *r);
	r->seq = p->nreports;
	return r;
}

static void
free_report(struct portal_report *r)
{
	free(r->customer);
	free(r->deployment);
	free(r->cpu_node);
}

int
portal_add_report(struct portal *p, struct ov_record *rec, const cJSON *obj)
{
	struct portal_report *r = new_report(p);
	const char *period, *deployment, *customer = NULL;
	int year, month;
	char err[128];

	if (ov_get_string(rec, obj, "period", true, &period) < 0 ||
	    ov_get_string(rec, obj, "deployment", true, &deployment) < 0 ||
	    ov_get_string(rec, obj, "customer", false, &customer) < 0)
		return -1;
	if (ov_month_parse(period, &year, &month, err, sizeof err) < 0)
		return ov_reject(rec, "field \"period\": %s", err);
	if (deployment[0] == '\0')
		return ov_reject(rec, "field \"deployment\": empty");
	r->month = year * 12 + month - 1;
	if (get_minutes(rec, obj, r) < 0 || get_cpu(rec, obj, r) < 0 ||
	    get_connections(rec, obj, r) < 0 || get_cores(rec, obj, r) < 0 ||
	    get_count(rec, obj, "alarms_fired", &r->alarms_fired) < 0) {
		free_report(r);
		return -1;
	}
	r->customer = copy_string(customer);
	r->deployment = copy_string(deployment);
	p->nreports++;
	p->have_reports = true;
	return 0;
}

static int
compare_reports(const void *a, const void *b)
{
	const struct portal_report *x = a, *y = b;
	int c;

	if ((c = strcmp(x->customer, y->customer)) != 0 ||
	    (c = strcmp(x->deployment, y->deployment)) != 0)
		return c;
	if (x->month != y->month)
		return (x->month > y->month) - (x->month < y->month);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static bool
same_key(const struct portal_report *x, const struct portal_report *y)
{
	return x->month == y->month && strcmp(x->customer, y->customer) == 0 &&
	    strcmp(x->deployment, y->deployment) == 0;
}

void
portal_finish_reports(struct portal *p)
{
	size_t kept = 0;
	char month[16];

	/* qsort() must not get the null list of a portal without reports. */
	if (p->nreports > 0)
		qsort(p->reports, p->nreports, sizeof *p->reports,
		    compare_reports);
	for (size_t i = 0; i < p->nreports; i++) {
		struct portal_report *r = &p->reports[i];

		/* Sorted by input order within a key: the next one is later,
		 * as when a month's report is written again. */
		if (i + 1 < p->nreports && same_key(r, r + 1)) {
			portal_month_format(r->month, month, sizeof month);
			ov_warn("deployment '%s': more than one report for %s; "
			    "the last one given is used", r->deployment,
			    month);
			free_report(r);
			continue;
		}
		p->reports[kept++] = *r;
	}
	p->nreports = kept;
}

void
portal_free_reports(struct portal *p)
{
	for (size_t i = 0; i < p->nreports; i++)
		free_report(&p->reports[i]);
	free(p->reports);
	p->reports = NULL;
	p->nreports = p->capreports = 0;
}

void
portal_month_format(int month, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d", month / 12, month % 12 + 1);
}
