/*
 * Reading ticket records into the event table.  Only what the SLA clock
 * needs is kept (about 32 bytes per event), so a million events fit in a
 * few tens of megabytes whatever the size of the records' text.
 */
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "json.h"
#include "jsonscan.h"
#include "ovsla.h"

/* Size of the buffer the fast path copies a customer or severity into to
 * check it, above the 128 bytes of the longest valid name.  A longer one
 * takes the slow path. */
#define MAX_NAME 160

static const struct {
	const char *name;
	enum action action;
} actions[] = {
	{ "opened", ACT_OPENED },
	{ "acknowledged", ACT_ACKNOWLEDGED },
	{ "workaround", ACT_WORKAROUND },
	{ "resolved", ACT_RESOLVED },
	{ "closed", ACT_CLOSED },
	{ "reopened", ACT_REOPENED },
	{ "pending", ACT_PENDING },
	{ "resumed", ACT_RESUMED },
	{ "customer_reply", ACT_CUSTOMER_REPLY },
	{ "severity", ACT_SEVERITY },
	{ "note", ACT_OTHER },
	{ "assigned", ACT_OTHER },
	{ "worklog", ACT_OTHER },
	{ "alarm_refired", ACT_OTHER },
	{ "alarm_cleared", ACT_OTHER },
};

static void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (q == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return q;
}

void
events_init(struct event_table *et)
{
	memset(et, 0, sizeof *et);
}

static uint64_t
hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
grow_slots(struct event_table *et)
{
	size_t n = et->nslots ? et->nslots * 2 : 256;

	free(et->slots);
	et->slots = xrealloc(NULL, n * sizeof *et->slots);
	for (size_t i = 0; i < n; i++)
		et->slots[i] = SIZE_MAX;
	et->nslots = n;
	for (size_t k = 0; k < et->nnames; k++) {
		size_t i = hash_name(et->names[k]) & (n - 1);

		while (et->slots[i] != SIZE_MAX)
			i = (i + 1) & (n - 1);
		et->slots[i] = k;
	}
}

/* Returns the index of a customer name, adding it on first sight. */
static uint32_t
intern(struct event_table *et, const char *name)
{
	size_t i;

	if (et->nnames * 2 >= et->nslots)
		grow_slots(et);
	i = hash_name(name) & (et->nslots - 1);
	for (; et->slots[i] != SIZE_MAX; i = (i + 1) & (et->nslots - 1))
		if (strcmp(et->names[et->slots[i]], name) == 0)
			return (uint32_t)et->slots[i];
	if (et->nnames == et->names_cap) {
		et->names_cap = et->names_cap ? et->names_cap * 2 : 64;
		et->names = xrealloc(et->names, et->names_cap *
		    sizeof *et->names);
	}
	et->names[et->nnames] = strdup(name);
	if (et->names[et->nnames] == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	et->slots[i] = et->nnames;
	return (uint32_t)et->nnames++;
}

/* Finds the action named s[0..len).  Returns false when no action has
 * that name. */
static bool
find_action(const char *s, size_t len, enum action *out)
{
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strlen(actions[i].name) == len &&
		    memcmp(s, actions[i].name, len) == 0) {
			*out = actions[i].action;
			return true;
		}
	return false;
}

static int
parse_action(struct ov_record *rec, const char *s, enum action *out)
{
	if (find_action(s, strlen(s), out))
		return 0;
	return ov_reject(rec, "action: unknown action '%.40s'", s);
}

static int
get_severity(struct ov_record *rec, const cJSON *obj, struct event *ev)
{
	const char *s;
	enum ov_severity sev;

	if (ov_get_string(rec, obj, "severity", true, &s) < 0)
		return -1;
	if (ov_severity_parse(s, &sev) != 0)
		return ov_reject(rec, "severity: must be critical or normal, "
		    "not '%.40s'", s);
	ev->severity = (uint8_t)sev;
	return 0;
}

static int
get_customer(struct ov_record *rec, const cJSON *obj, struct event_table *et,
    struct event *ev)
{
	const char *s;

	if (ov_get_string(rec, obj, "customer", true, &s) < 0)
		return -1;
	if (!ov_valid_id(s))
		return ov_reject(rec, "customer: invalid identifier '%.40s'",
		    s);
	ev->customer = intern(et, s);
	return 0;
}

/* Reads the fields of one ticket record; returns 1 to keep the event, 0
 * to drop it, -1 after ov_reject(). */
static int
parse_ticket(struct ov_record *rec, const cJSON *obj, struct event_table *et,
    struct event *ev)
{
	const char *s;
	enum action act = ACT_OTHER;

	if (ov_get_int(rec, obj, "ticket", true, &ev->ticket) < 0 ||
	    ov_get_time(rec, obj, "time", true, &ev->time) < 0 ||
	    ov_get_string(rec, obj, "action", true, &s) < 0)
		return -1;
	if (ev->ticket < 0)
		return ov_reject(rec, "ticket: must not be negative");
	if (parse_action(rec, s, &act) < 0)
		return -1;
	ev->action = (uint8_t)act;
	if (act == ACT_OPENED && (get_customer(rec, obj, et, ev) < 0 ||
	    get_severity(rec, obj, ev) < 0))
		return -1;
	if (act == ACT_SEVERITY && get_severity(rec, obj, ev) < 0)
		return -1;
	return act != ACT_OTHER;
}

/* The fast path: the top-level fields of a ticket record found by one scan
 * of the line (lib/jsonscan.c), without a cJSON tree.  A string is NULL
 * when absent. */
struct ticket_fields {
	const char *kind, *time, *action, *customer, *severity;
	size_t kind_len, time_len, action_len, customer_len, severity_len;
	int64_t ticket;
	bool has_ticket;
};

static bool
is_key(const char *key, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(key, name, len) == 0;
}

/* Reads a string field that needs no unescaping. */
static bool
plain_string(struct ov_scan *sc, const char **s, size_t *len)
{
	return ov_scan_string(sc, s, len) && !sc->escaped;
}

/* Keeps the fields the SLA clock needs.  A field of another type than
 * expected stops the scan, so that the slow path explains it. */
static bool
keep_field(struct ov_scan *sc, int depth, const char *key, size_t len)
{
	struct ticket_fields *tf = sc->ctx;

	if (depth > 0)
		return ov_scan_value(sc, depth + 1);
	if (is_key(key, len, "ticket")) {
		tf->has_ticket = true;
		return ov_scan_integer(sc, &tf->ticket);
	}
	if (is_key(key, len, "kind"))
		return plain_string(sc, &tf->kind, &tf->kind_len);
	if (is_key(key, len, "time"))
		return plain_string(sc, &tf->time, &tf->time_len);
	if (is_key(key, len, "action"))
		return plain_string(sc, &tf->action, &tf->action_len);
	if (is_key(key, len, "customer"))
		return plain_string(sc, &tf->customer, &tf->customer_len);
	if (is_key(key, len, "severity"))
		return plain_string(sc, &tf->severity, &tf->severity_len);
	return ov_scan_value(sc, depth + 1);
}

/* Copies s[0..len) into buf as a C string, when it fits. */
static bool
copy_name(char *buf, const char *s, size_t len)
{
	if (s == NULL || len >= MAX_NAME)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

/* Checks the severity of an opened or severity event. */
static bool
fast_severity(const struct ticket_fields *tf, struct event *ev)
{
	char buf[MAX_NAME];
	enum ov_severity sev;

	if (!copy_name(buf, tf->severity, tf->severity_len) ||
	    ov_severity_parse(buf, &sev) != 0)
		return false;
	ev->severity = (uint8_t)sev;
	return true;
}

int
events_parse_fast(const char *text, size_t len, struct event_table *et,
    struct event *ev)
{
	struct ticket_fields tf = { 0 };
	struct ov_scan sc = { .member = keep_field, .ctx = &tf };
	char customer[MAX_NAME], err[160];
	enum action act;

	if (!ov_scan_line(&sc, text, len) || tf.kind == NULL ||
	    !is_key(tf.kind, tf.kind_len, "ticket") || !tf.has_ticket ||
	    tf.ticket < 0 || tf.time == NULL || tf.action == NULL ||
	    ov_time_parse(tf.time, tf.time_len, &ev->time, err,
	    sizeof err) < 0 ||
	    !find_action(tf.action, tf.action_len, &act))
		return -1;
	if (act == ACT_OPENED && (!copy_name(customer, tf.customer,
	    tf.customer_len) || !ov_valid_id(customer) ||
	    !fast_severity(&tf, ev)))
		return -1;
	if (act == ACT_SEVERITY && !fast_severity(&tf, ev))
		return -1;
	if (act == ACT_OPENED)
		ev->customer = intern(et, customer);
	ev->ticket = tf.ticket;
	ev->action = (uint8_t)act;
	return act != ACT_OTHER;
}

int
events_parse_slow(struct ov_record *rec, struct event_table *et,
    struct event *ev)
{
	cJSON *obj = ov_record_parse(rec);
	const char *kind;
	int rc;

	if (obj == NULL)
		return -1;
	if (ov_get_string(rec, obj, "kind", true, &kind) < 0) {
		cJSON_Delete(obj);
		return -1;
	}
	if (strcmp(kind, "ticket") != 0) {
		cJSON_Delete(obj);
		return 2;
	}
	rc = parse_ticket(rec, obj, et, ev);
	cJSON_Delete(obj);
	return rc;
}

static void
pass_record(const struct event_table *et, const struct ov_record *rec)
{
	struct ov_buf b = { 0 };

	if (!et->pass)
		return;
	ov_buf_add(&b, rec->text, rec->len);
	ov_buf_addc(&b, '\n');
	ov_out_write(&b);
	ov_buf_free(&b);
}

/* The record function of the loop: keeps ticket events, passes or ignores
 * other kinds. */
int
events_record(struct ov_record *rec, void *ctx)
{
	struct event_table *et = ctx;
	struct event ev = { 0 };
	const char *kind;
	size_t klen;
	int rc;

	kind = ov_json_peek(rec->text, rec->len, "kind", &klen);
	if (kind != NULL && !(klen == 6 && memcmp(kind, "ticket", 6) == 0)) {
		pass_record(et, rec);
		return 0;
	}
	rc = events_parse_fast(rec->text, rec->len, et, &ev);
	if (rc < 0) {
		memset(&ev, 0, sizeof ev);
		rc = events_parse_slow(rec, et, &ev);
	}
	if (rc == 2) {
		pass_record(et, rec);
		return 0;
	}
	if (rc <= 0)
		return rc;
	if (et->count == et->cap) {
		et->cap = et->cap ? et->cap * 2 : 4096;
		et->items = xrealloc(et->items, et->cap * sizeof *et->items);
	}
	ev.seq = (uint32_t)et->count;
	et->items[et->count++] = ev;
	return 0;
}

/* Orders events by ticket and time; at one instant "opened" comes first,
 * then the input order. */
static int
cmp_events(const void *pa, const void *pb)
{
	const struct event *a = pa, *b = pb;

	if (a->ticket != b->ticket)
		return a->ticket < b->ticket ? -1 : 1;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if ((a->action == ACT_OPENED) != (b->action == ACT_OPENED))
		return a->action == ACT_OPENED ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static bool
seen_at_same_instant(const struct event *items, size_t kept,
    const struct event *ev)
{
	for (size_t j = kept; j-- > 0;) {
		const struct event *p = &items[j];

		if (p->ticket != ev->ticket || p->time != ev->time)
			return false;
		if (p->action == ev->action)
			return true;
	}
	return false;
}

/* Warns about a ticket opened more than once: the clock starts at its
 * earliest opening, which comes first once sorted. */
static void
warn_reopenings(const struct event_table *et)
{
	const struct event *first = NULL;
	int64_t warned = -1;

	for (size_t i = 0; i < et->count; i++) {
		const struct event *ev = &et->items[i];

		if (ev->action != ACT_OPENED)
			continue;
		if (first == NULL || first->ticket != ev->ticket) {
			first = ev;
			continue;
		}
		if (warned == ev->ticket)
			continue;
		warned = ev->ticket;
		ov_warn("ticket %lld is opened more than once (customers %s "
		    "and %s); its earliest opening is used",
		    (long long)ev->ticket, et->names[first->customer],
		    et->names[ev->customer]);
	}
}

/* Sorts the events and drops duplicates: the same ticket, action and time
 * count once, the first read. */
void
events_sort(struct event_table *et)
{
	size_t kept = 0, dropped;

	if (et->count == 0)
		return;
	qsort(et->items, et->count, sizeof *et->items, cmp_events);
	for (size_t i = 0; i < et->count; i++) {
		if (seen_at_same_instant(et->items, kept, &et->items[i]))
			continue;
		et->items[kept++] = et->items[i];
	}
	dropped = et->count - kept;
	et->count = kept;
	warn_reopenings(et);
	if (dropped > 0)
		ov_note(1, "%zu duplicate ticket events ignored", dropped);
}

long
events_each_ticket(const struct event_table *et, ticket_fn fn, void *ctx)
{
	long failed = 0;
	size_t i = 0;

	while (i < et->count) {
		size_t j = i + 1;

		while (j < et->count && et->items[j].ticket ==
		    et->items[i].ticket)
			j++;
		if (fn(&et->items[i], j - i, et, ctx) < 0)
			failed++;
		i = j;
	}
	return failed;
}

void
events_free(struct event_table *et)
{
	for (size_t i = 0; i < et->nnames; i++)
		free(et->names[i]);
	free(et->names);
	free(et->slots);
	free(et->items);
	memset(et, 0, sizeof *et);
}
