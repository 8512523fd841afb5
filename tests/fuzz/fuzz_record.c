/* Fuzz target: one input line through the record checks and every typed
 * field getter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ov_record rec = { .file = "fuzz", .line = 1 };
	static const char *keys[] = { "kind", "time", "value", "ticket",
		"labels", "metric", "minutes", "public" };
	struct ov_buf out = { 0 };
	cJSON *obj;
	size_t vlen;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rec.text = text;
	rec.len = size;
	(void)ov_json_peek(text, size, "kind", &vlen);
	obj = ov_record_parse(&rec);
	if (obj != NULL) {
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
			const char *s;
			const cJSON *o;
			double d;
			int64_t n;
			bool b;

			ov_get_string(&rec, obj, keys[i], false, &s);
			ov_get_number(&rec, obj, keys[i], false, &d);
			ov_get_int(&rec, obj, keys[i], false, &n);
			ov_get_time(&rec, obj, keys[i], false, &n);
			ov_get_bool(&rec, obj, keys[i], false, &b);
			ov_get_object(&rec, obj, keys[i], false, &o);
		}
		ov_json_print(&out, obj);
		cJSON_Delete(obj);
	}
	ov_buf_free(&out);
	free(text);
	return 0;
}
