/*
 * A fast path for the common sample line: one pass over the raw text
 * (lib/jsonscan.c) that checks the whole line and picks out the top-level
 * fields a cluster.cores sample needs, without building a cJSON tree.
 * Anything the scan does not take -- invalid JSON, or JSON it cannot check
 * as strictly as ov_record_parse() -- is parsed the slow way, which
 * accepts it or gives the exact reason for rejecting it.
 */
#include <string.h>

#include "jsonscan.h"
#include "ovbill.h"

struct sample_scan {
	struct flat_sample *out;
	bool other_metric;	/* stopped at a metric other than
				   cluster.cores */
};

static bool
key_is(const char *key, size_t klen, const char *name, size_t nlen)
{
	return klen == nlen && memcmp(key, name, nlen) == 0;
}

/* Reads a string field, which must need no unescaping to be compared. */
static bool
plain_string(struct ov_scan *sc, const char **s, size_t *len)
{
	return ov_scan_string(sc, s, len) && !sc->escaped;
}

/* Keeps a top-level field of the sample.  Returns false when the field
 * is not of the expected type, so that the slow path explains why.  A
 * metric other than cluster.cores also returns false, to end the scan. */
static bool
keep_field(struct ov_scan *sc, int depth, const char *key, size_t klen)
{
	struct sample_scan *ss = sc->ctx;
	struct flat_sample *out = ss->out;

	if (depth > 0)
		return ov_scan_value(sc, depth + 1);
	if (key_is(key, klen, "value", 5)) {
		out->has_value = true;
		return ov_scan_integer(sc, &out->value);
	}
	if (key_is(key, klen, "kind", 4))
		return plain_string(sc, &out->kind, &out->kind_len);
	if (key_is(key, klen, "time", 4))
		return plain_string(sc, &out->time, &out->time_len);
	if (key_is(key, klen, "deployment", 10))
		return plain_string(sc, &out->deployment,
		    &out->deployment_len);
	if (key_is(key, klen, "customer", 8))
		return plain_string(sc, &out->customer, &out->customer_len);
	if (key_is(key, klen, "metric", 6)) {
		if (!plain_string(sc, &out->metric, &out->metric_len))
			return false;
		if (!key_is(out->metric, out->metric_len, "cluster.cores", 13))
			ss->other_metric = true;
		return !ss->other_metric;
	}
	return ov_scan_value(sc, depth + 1);
}

enum scan_result
scan_sample(const char *text, size_t len, struct flat_sample *out)
{
	struct sample_scan ss = { out, false };
	struct ov_scan sc = { .member = keep_field, .ctx = &ss };
	bool ok;

	memset(out, 0, sizeof *out);
	ok = ov_scan_line(&sc, text, len);
	if (ss.other_metric)
		return SCAN_OTHER_METRIC;
	return ok ? SCAN_SAMPLE : SCAN_SLOW;
}
