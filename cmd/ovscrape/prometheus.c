/*
 * The Prometheus source: instant queries against the HTTP API of a
 * Prometheus server that scrapes node_exporter on the deployment's hosts.
 * Each host (the "instance" label) becomes a node.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "diag.h"
#include "scrape.h"

#define QUERY_CORES \
	"count by (instance) (node_cpu_seconds_total{mode=\"idle\"})"
#define QUERY_LOAD \
	"100 * (1 - avg by (instance) " \
	"(rate(node_cpu_seconds_total{mode=\"idle\"}[1m])))"

static void
add_query(struct target *t, const char *endpoint, const char *query)
{
	char *q = curl_easy_escape(NULL, query, 0);
	char path[512];

	if (q == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	snprintf(path, sizeof path, "/api/v1/query?query=%s", q);
	curl_free(q);
	target_add(t, endpoint, path);
}

void
prometheus_requests(struct target *t)
{
	add_query(t, "cores", QUERY_CORES);
	add_query(t, "cpu", QUERY_LOAD);
}

/* Returns the "result" array of a successful vector response, or NULL after
 * marking the fetch failed. */
static const cJSON *
vector_result(struct fetch *f, const cJSON *json)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(json, "status");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(json, "data");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(data,
	    "resultType");
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(data, "result");

	if (!cJSON_IsString(status) ||
	    strcmp(status->valuestring, "success") != 0 ||
	    !cJSON_IsString(type) ||
	    strcmp(type->valuestring, "vector") != 0 ||
	    !cJSON_IsArray(result)) {
		f->error = "invalid_json";
		snprintf(f->detail, sizeof f->detail, "answer is not a "
		    "successful vector result");
		return NULL;
	}
	return result;
}

/* Reads one vector element: its instance label and its value, which the
 * API sends as [time, "number"]. */
static bool
vector_element(const cJSON *el, const char **instance, double *value)
{
	const cJSON *metric = cJSON_GetObjectItemCaseSensitive(el, "metric");
	const cJSON *inst = cJSON_GetObjectItemCaseSensitive(metric,
	    "instance");
	const cJSON *pair = cJSON_GetObjectItemCaseSensitive(el, "value");
	const cJSON *text = cJSON_GetArrayItem(pair, 1);
	char *end;

	if (!cJSON_IsString(inst) || !cJSON_IsString(text))
		return false;
	*instance = inst->valuestring;
	*value = strtod(text->valuestring, &end);
	return *end == '\0' && end != text->valuestring && isfinite(*value);
}

static void
emit_vector(struct emitter *e, const cJSON *result, const char *metric,
    double *sum, int *count)
{
	const cJSON *el;
	const char *instance;
	double v;

	cJSON_ArrayForEach(el, result) {
		if (!vector_element(el, &instance, &v))
			continue;
		emit_sample(e, instance, metric, v, NULL, NULL);
		*sum += v;
		(*count)++;
	}
}

void
prometheus_emit(struct emitter *e, struct target *t)
{
	struct fetch *fc = target_fetch(t, "cores");
	struct fetch *fl = target_fetch(t, "cpu");
	cJSON *jc = NULL, *jl = NULL;
	const cJSON *rc = NULL, *rl = NULL;
	double cores = 0, load = 0;
	int ncores = 0, nload = 0;

	if (t->secret_error == NULL) {
		jc = fetch_json(fc);
		jl = fetch_json(fl);
		rc = jc ? vector_result(fc, jc) : NULL;
		rl = jl ? vector_result(fl, jl) : NULL;
	}
	if (emit_common(e)) {
		if (rc != NULL)
			emit_vector(e, rc, "node.cores", &cores, &ncores);
		if (rl != NULL)
			emit_vector(e, rl, "node.cpu_load", &load, &nload);
		if (ncores > 0)
			emit_sample(e, NULL, "cluster.cores", cores, NULL,
			    NULL);
	}
	cJSON_Delete(jc);
	cJSON_Delete(jl);
}
