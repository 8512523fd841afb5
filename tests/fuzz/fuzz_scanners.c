/*
 * Fuzz target: the fast line scanners of ovbill (scan_sample) and ovalarm
 * (scan_record), which read common sample lines without cJSON.  Each must
 * accept only lines that the full record parser (lib/json.c) accepts too,
 * with the same field values; anything else has to go the slow way.
 *
 * fuzz-sources: cmd/ovbill/scan.c cmd/ovalarm/scan.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/ovalarm/scan.h"
#include "../../cmd/ovbill/ovbill.h"
#include "fuzz_line.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns true when the parsed string field key equals s[0..len). */
static bool
same_string(const cJSON *obj, const char *key, const char *s, size_t len)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (s == NULL)
		return item == NULL || cJSON_IsNull(item);
	return cJSON_IsString(item) && strlen(item->valuestring) == len &&
	    memcmp(item->valuestring, s, len) == 0;
}

static void
check_ovbill(const char *text, size_t len, const cJSON *obj)
{
	struct flat_sample s;
	const cJSON *value;

	if (scan_sample(text, len, &s) != SCAN_SAMPLE)
		return;
	/* The fast path took a line the full parser rejects. */
	if (obj == NULL)
		abort();
	if (!same_string(obj, "kind", s.kind, s.kind_len) ||
	    !same_string(obj, "metric", s.metric, s.metric_len) ||
	    !same_string(obj, "deployment", s.deployment, s.deployment_len))
		abort();
	value = cJSON_GetObjectItemCaseSensitive(obj, "value");
	if (s.has_value && (!cJSON_IsNumber(value) ||
	    value->valuedouble != (double)s.value))
		abort();
}

static void
check_ovalarm(const char *text, size_t len, const cJSON *obj)
{
	char *buf = malloc(len + 1);
	struct view v;
	const char *kind = NULL;

	if (buf == NULL)
		return;
	memset(&v, 0, sizeof v);
	if (scan_record(text, len, buf, &v, &kind)) {
		const cJSON *value = cJSON_GetObjectItemCaseSensitive(obj,
		    "value");

		if (obj == NULL)
			abort();
		if (v.deployment != NULL &&
		    !same_string(obj, "deployment", v.deployment,
		    strlen(v.deployment)))
			abort();
		if (cJSON_IsNumber(value) && value->valuedouble != v.value)
			abort();
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ov_record rec;
	char *text = fuzz_line(data, size, &rec);
	cJSON *obj;

	if (text == NULL)
		return 0;
	obj = ov_record_parse(&rec);
	check_ovbill(text, size, obj);
	check_ovalarm(text, size, obj);
	cJSON_Delete(obj);
	free(text);
	return 0;
}
