/*
 * Fuzz target: the fast paths that read event lines without cJSON, in
 * ovscrape events (event_convert_fast) and ovsla (events_parse_fast).
 * Each must take only lines that the full record parser (lib/json.c)
 * accepts too.  An event record must come out byte for byte as the slow
 * path writes it, with the same duplicate key, and a ticket event must
 * read the same both ways.
 *
 * fuzz-sources: cmd/ovscrape/eventrec.c cmd/ovsla/events.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/ovscrape/scrape.h"
#include "../../cmd/ovsla/ovsla.h"
#include "fuzz_line.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_events(struct ov_record *rec, const cJSON *obj)
{
	struct event_source src = { .customer = "c\"1", .deployment = "d" };
	struct ov_buf fast = { 0 }, slow = { 0 };
	struct event_info fast_info, slow_info;

	if (event_convert_fast(rec->text, rec->len, &src, &fast,
	    &fast_info) == 1) {
		if (obj == NULL || event_convert_slow(rec, &src, &slow,
		    &slow_info) < 0)
			abort();
		if (fast.len != slow.len ||
		    memcmp(fast.data, slow.data, fast.len) != 0 ||
		    fast_info.key != slow_info.key)
			abort();
	} else if (fast.len != 0) {
		abort();	/* declined, but wrote something */
	}
	ov_buf_free(&fast);
	ov_buf_free(&slow);
	ov_buf_free(&src.head);
}

/* A ticket event must read the same both ways, customer name included. */
static void
check_ovsla(struct ov_record *rec, const cJSON *obj)
{
	struct event_table fast_table, slow_table;
	struct event fast = { 0 }, slow = { 0 };
	int rc;

	events_init(&fast_table);
	events_init(&slow_table);
	rc = events_parse_fast(rec->text, rec->len, &fast_table, &fast);
	if (rc >= 0) {
		if (obj == NULL ||
		    events_parse_slow(rec, &slow_table, &slow) != rc ||
		    fast.ticket != slow.ticket || fast.time != slow.time ||
		    fast.action != slow.action ||
		    fast.severity != slow.severity ||
		    fast_table.nnames != slow_table.nnames ||
		    (fast_table.nnames > 0 &&
		    strcmp(fast_table.names[fast.customer],
		    slow_table.names[slow.customer]) != 0))
			abort();
	} else if (fast_table.nnames != 0) {
		abort();	/* declined, but kept a name */
	}
	events_free(&fast_table);
	events_free(&slow_table);
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
	check_events(&rec, obj);
	check_ovsla(&rec, obj);
	cJSON_Delete(obj);
	free(text);
	return 0;
}
