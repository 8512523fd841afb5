#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "json.h"
#include "record.h"
#include "scan.h"

/* Collects labels (samples) or fields (events) as text.  Samples must
 * have string labels; event fields that are numbers or booleans are
 * written into scratch space, and nested values are left out. */
static int
collect_kv(struct reader *rd, struct ov_record *rec, const cJSON *obj,
    bool event, struct view *v)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, obj) {
		if (v->nkv == LABEL_MAX)
			return ov_reject(rec, "more than %d %s", LABEL_MAX,
			    event ? "fields" : "labels");
		v->kv[v->nkv].key = x->string;
		if (cJSON_IsString(x)) {
			v->kv[v->nkv++].value = x->valuestring;
		} else if (event && (cJSON_IsNumber(x) || cJSON_IsBool(x))) {
			char *s = rd->scratch[v->nkv];

			if (cJSON_IsBool(x))
				snprintf(s, 32, "%s", cJSON_IsTrue(x) ?
				    "true" : "false");
			else
				snprintf(s, 32, "%.15g", x->valuedouble);
			v->kv[v->nkv++].value = s;
		} else if (!event) {
			return ov_reject(rec, "label \"%s\": expected a string",
			    x->string);
		}
	}
	return 0;
}

static int
fill_view(struct reader *rd, struct ov_record *rec, const cJSON *o, bool event,
    struct view *v)
{
	const cJSON *kv = NULL;

	v->customer = v->node = "";
	v->nkv = 0;
	v->value = 0;
	if (ov_get_time(rec, o, "time", true, &v->time) < 0 ||
	    ov_get_string(rec, o, "deployment", true, &v->deployment) < 0 ||
	    ov_get_string(rec, o, "customer", false, &v->customer) < 0 ||
	    ov_get_string(rec, o, "node", false, &v->node) < 0)
		return -1;
	if (event) {
		if (ov_get_string(rec, o, "event", true, &v->name) < 0 ||
		    ov_get_object(rec, o, "fields", false, &kv) < 0)
			return -1;
	} else {
		if (ov_get_string(rec, o, "metric", true, &v->name) < 0 ||
		    ov_get_number(rec, o, "value", true, &v->value) < 0 ||
		    ov_get_object(rec, o, "labels", false, &kv) < 0)
			return -1;
	}
	return kv ? collect_kv(rd, rec, kv, event, v) : 0;
}

void
reader_init(struct reader *rd, size_t max_line)
{
	memset(rd, 0, sizeof *rd);
	rd->line = malloc(max_line + 2);
	if (rd->line == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
}

int
reader_read(struct reader *rd, struct ov_record *rec, struct view *v,
    bool *event)
{
	const char *kind = NULL;

	cJSON_Delete(rd->tree);
	rd->tree = NULL;
	if (scan_record(rec->text, rec->len, rd->line, v, &kind)) {
		*event = kind[0] == 'e';
		return 1;
	}
	rd->tree = ov_record_parse(rec);
	if (rd->tree == NULL ||
	    ov_get_string(rec, rd->tree, "kind", true, &kind) < 0)
		return -1;
	if (strcmp(kind, "sample") != 0 && strcmp(kind, "event") != 0)
		return 0;
	*event = kind[0] == 'e';
	return fill_view(rd, rec, rd->tree, *event, v) < 0 ? -1 : 1;
}

void
reader_free(struct reader *rd)
{
	cJSON_Delete(rd->tree);
	free(rd->line);
	rd->tree = NULL;
	rd->line = NULL;
}
