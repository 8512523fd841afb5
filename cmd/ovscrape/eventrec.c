/*
 * One OpenVidu event line to one event record, for "ovscrape events".  A
 * CDR line is {"eventName":{...,"timestamp":ms}}, a webhook body
 * {"event":"eventName","timestamp":ms,...}.
 *
 * Two paths give the same record byte for byte and the same duplicate key.
 * The fast path reads the line with one scan (lib/jsonscan.c) and copies
 * the field values as they are written.  It takes the lines of the usual
 * shape, which are nearly all of a CDR file.  Every other line goes through
 * cJSON, which accepts it or gives the exact reason for rejecting it.
 */
#include <math.h>
#include <string.h>

#include "jsonscan.h"
#include "scrape.h"

/* Members kept by the fast path: those of the line's object and of the
 * objects directly in it.  A line with more takes the slow path. */
#define MAX_MEMBERS 64

/* Last second accepted, to its last millisecond: 9999-12-31T23:59:59Z. */
#define MAX_SECONDS 253402300799.0

/* Keys the conversion looks at.  The first N_IDS tell two distinct events
 * of the same name and timestamp apart, and go into the duplicate key in
 * this order. */
enum known_key {
	K_SESSION_ID, K_UNIQUE_SESSION_ID, K_CONNECTION_ID, K_STREAM_ID, K_ID,
	K_ENVIRONMENT_ID, K_STATUS, K_OLD_STATUS, K_NEW_STATUS, K_REASON,
	K_CONNECTION,
	N_IDS,
	K_TIMESTAMP = N_IDS, K_EVENT, K_MEDIA_NODE_ID, K_MEDIA_NODE_ID2,
	N_KNOWN,
	K_OTHER = N_KNOWN,
};

static const struct {
	const char *name;
	size_t len;
} known[N_KNOWN] = {
#define KEY(s) { s, sizeof s - 1 }
	KEY("sessionId"), KEY("uniqueSessionId"), KEY("connectionId"),
	KEY("streamId"), KEY("id"), KEY("environmentId"), KEY("status"),
	KEY("oldStatus"), KEY("newStatus"), KEY("reason"), KEY("connection"),
	KEY("timestamp"), KEY("event"), KEY("media_node_id"),
	KEY("mediaNodeId"),
#undef KEY
};

/* The known keys of each length, for classify(). */
#define MAX_KNOWN_LEN 15
static unsigned char by_length[MAX_KNOWN_LEN + 1][4];
static unsigned char n_by_length[MAX_KNOWN_LEN + 1];

static enum known_key
classify(const char *key, size_t len)
{
	static bool indexed;

	if (!indexed)
		for (int k = 0; k < N_KNOWN; k++)
			by_length[known[k].len][n_by_length[known[k].len]++] =
			    (unsigned char)k;
	indexed = true;
	if (len > MAX_KNOWN_LEN)
		return K_OTHER;
	for (int i = 0; i < n_by_length[len]; i++) {
		int k = by_length[len][i];

		if (known[k].name[0] == key[0] &&
		    memcmp(known[k].name, key, len) == 0)
			return (enum known_key)k;
	}
	return K_OTHER;
}

/*
 * The duplicate key is a 64-bit hash of the name, the timestamp and the
 * identifying fields, read eight bytes at a time.  It is only compared
 * within one run, so it may change between versions.
 */
#define HASH_SEED 0xcbf29ce484222325ULL
#define HASH_MUL 0x9e3779b97f4a7c15ULL

static uint64_t
mix(uint64_t h, uint64_t word)
{
	h = (h ^ word) * HASH_MUL;
	return h ^ (h >> 29);
}

static uint64_t
hash_add(uint64_t h, const char *s, size_t len)
{
	uint64_t word;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&word, s, 8);
		h = mix(h, word);
	}
	word = 0;
	memcpy(&word, s, len);
	/* The length ends the string, so "ab"+"c" differs from "a"+"bc". */
	return mix(mix(h, word), len);
}

static uint64_t
hash_add_number(uint64_t h, double v)
{
	uint64_t bits;

	if (v == 0)
		v = 0;	/* -0 and 0 are the same value */
	memcpy(&bits, &v, sizeof bits);
	return mix(mix(h, bits), 0xfe);
}

static bool
is_node_event(const char *name, size_t len)
{
	static const char *const names[] = { "nodeCrashed", "nodeRecovered",
		"mediaNodeStatusChanged", NULL };

	for (const char *const *n = names; *n; n++)
		if (strlen(*n) == len && memcmp(*n, name, len) == 0)
			return true;
	return false;
}

/* Starts the record with the fields every event of the same second has,
 * formatted once per second. */
static void
write_head(struct ov_buf *b, struct event_source *src, double ms)
{
	int64_t second = (int64_t)floor(ms / 1000.0);

	if (src->head.len == 0 || second != src->head_second) {
		ov_rec_begin(&src->head, "event");
		ov_rec_time(&src->head, "time", second);
		ov_rec_str(&src->head, "customer", src->customer);
		ov_rec_str(&src->head, "deployment", src->deployment);
		src->head_second = second;
	}
	b->len = 0;
	ov_buf_add(b, src->head.data, src->head.len);
}

static bool
skipped_field(enum known_key k)
{
	return k == K_TIMESTAMP || k == K_EVENT;
}

/* The slow path: a checked cJSON tree. */

static uint64_t
tree_key(const char *name, double ms, const cJSON *fields)
{
	uint64_t h = HASH_SEED;

	h = hash_add(h, name, strlen(name));
	h = hash_add_number(h, ms);
	for (int k = 0; k < N_IDS; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(fields,
		    known[k].name);

		h = mix(h, (uint64_t)k);
		if (cJSON_IsString(v))
			h = hash_add(h, v->valuestring,
			    strlen(v->valuestring));
		else if (cJSON_IsNumber(v))
			h = hash_add_number(h, v->valuedouble);
	}
	return h;
}

/* The media node an event is about: the node itself for node events, the
 * node a recording ran on for recording events. */
static const char *
tree_node(const char *name, const cJSON *fields)
{
	const cJSON *v;

	if (is_node_event(name, strlen(name))) {
		v = cJSON_GetObjectItemCaseSensitive(fields, "id");
		return cJSON_IsString(v) ? v->valuestring : NULL;
	}
	v = cJSON_GetObjectItemCaseSensitive(fields, "media_node_id");
	if (cJSON_IsString(v) && *v->valuestring)
		return v->valuestring;
	v = cJSON_GetObjectItemCaseSensitive(fields, "mediaNodeId");
	if (cJSON_IsString(v) && *v->valuestring)
		return v->valuestring;
	return NULL;
}

/* Finds the event name and the object holding its fields: a webhook body
 * has "event", a CDR line is {"name":{...}}. */
static int
tree_locate(struct ov_record *rec, const cJSON *json, const char **name,
    const cJSON **fields)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(json, "event");

	if (ev != NULL) {
		if (!cJSON_IsString(ev) || *ev->valuestring == '\0')
			return ov_reject(rec, "\"event\" must be a non-empty "
			    "string");
		*name = ev->valuestring;
		*fields = json;
		return 0;
	}
	if (json->child == NULL || json->child->next != NULL ||
	    !cJSON_IsObject(json->child))
		return ov_reject(rec, "not an OpenVidu event: expected a "
		    "webhook body with \"event\" or a CDR line "
		    "{\"eventName\":{...}}");
	if (*json->child->string == '\0')
		return ov_reject(rec, "empty event name: expected a CDR line "
		    "{\"eventName\":{...}}");
	*name = json->child->string;
	*fields = json->child;
	return 0;
}

static int
tree_time(struct ov_record *rec, const cJSON *fields, double *ms)
{
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(fields,
	    "timestamp");

	if (ts == NULL)
		return ov_reject(rec, "missing \"timestamp\" (milliseconds)");
	if (!cJSON_IsNumber(ts) || !isfinite(ts->valuedouble) ||
	    ts->valuedouble < 0 || ts->valuedouble >= OV_JSON_MAX_EXACT ||
	    floor(ts->valuedouble / 1000.0) > MAX_SECONDS)
		return ov_reject(rec, "\"timestamp\" must be milliseconds "
		    "since 1970 up to year 9999");
	*ms = ts->valuedouble;
	return 0;
}

static void
tree_write(struct ov_buf *b, const char *name, const cJSON *fields)
{
	ov_rec_str(b, "event", name);
	ov_rec_str(b, "node", tree_node(name, fields));
	ov_rec_open(b, "fields");
	for (const cJSON *f = fields->child; f != NULL; f = f->next)
		if (!skipped_field(classify(f->string, strlen(f->string))))
			ov_rec_json(b, f->string, f);
	ov_rec_close(b);
	ov_rec_end(b);
}

int
event_convert_slow(struct ov_record *rec, struct event_source *src,
    struct ov_buf *out, struct event_info *info)
{
	cJSON *json = ov_record_parse(rec);
	const cJSON *fields = NULL;
	const char *name = NULL;
	double ms = 0;

	if (json == NULL)
		return -1;
	if (tree_locate(rec, json, &name, &fields) < 0 ||
	    tree_time(rec, fields, &ms) < 0) {
		cJSON_Delete(json);
		return -1;
	}
	info->key = tree_key(name, ms, fields);
	info->name_len = strlen(name);
	if (info->name_len >= sizeof info->name_buf) {
		/* Cut at a character boundary: the name is UTF-8. */
		info->name_len = sizeof info->name_buf - 1;
		while (info->name_len > 0 &&
		    ((unsigned char)name[info->name_len] & 0xc0) == 0x80)
			info->name_len--;
	}
	memcpy(info->name_buf, name, info->name_len);
	info->name = info->name_buf;
	write_head(out, src, ms);
	tree_write(out, name, fields);
	cJSON_Delete(json);
	return 0;
}

/* The fast path: member spans of one scan. */

struct member {
	const char *key, *value;	/* key without its quotes; value as
					   written, quotes included */
	size_t key_len, value_len;
	int parent;		/* index of the member holding it, or -1 */
	enum known_key known;
	bool escaped;		/* the value is a string with escapes */
};

struct scanned {
	struct member m[MAX_MEMBERS];
	int n;
	int current;		/* top-level member being read */
};

/* Keeps the members of the line's object and of the objects in it. */
static bool
keep_member(struct ov_scan *sc, int depth, const char *key, size_t key_len)
{
	struct scanned *s = sc->ctx;
	struct member *m;

	if (depth > 1)
		return ov_scan_value(sc, depth + 1);
	if (s->n == MAX_MEMBERS)
		return false;
	m = &s->m[s->n];
	m->key = key;
	m->key_len = key_len;
	m->known = classify(key, key_len);
	m->value = sc->p;
	m->parent = depth == 0 ? -1 : s->current;
	if (depth == 0)
		s->current = s->n;
	s->n++;
	if (!ov_scan_value(sc, depth + 1))
		return false;
	m->value_len = (size_t)(sc->p - m->value);
	m->escaped = *m->value == '"' && sc->escaped;
	return true;
}

static bool
is_string(const struct member *m)
{
	return m != NULL && *m->value == '"';
}

static bool
is_integer(const struct member *m)
{
	return m != NULL && (*m->value == '-' ||
	    (*m->value >= '0' && *m->value <= '9'));
}

static int64_t
integer_value(const struct member *m)
{
	struct ov_scan sc = { .p = m->value, .end = m->value + m->value_len };
	int64_t v = 0;

	ov_scan_integer(&sc, &v);
	return v;
}

/* Name, fields and time of a line the fast path can take. */
struct fast_event {
	const char *name;	/* without quotes or escapes */
	size_t name_len;
	int fields;		/* parent index of the fields */
	double ms;
	const struct member *slot[N_KNOWN];	/* known fields, or NULL */
};

/* Finds the event name, the object of its fields and the name of the one
 * top-level member of a CDR line. */
static bool
fast_name(const struct scanned *s, struct fast_event *e)
{
	const struct member *ev = NULL;
	int top = 0;

	for (int i = 0; i < s->n; i++)
		if (s->m[i].parent == -1) {
			top++;
			if (s->m[i].known == K_EVENT)
				ev = &s->m[i];
		}
	if (ev != NULL) {
		if (!is_string(ev) || ev->escaped || ev->value_len == 2)
			return false;
		e->name = ev->value + 1;
		e->name_len = ev->value_len - 2;
		e->fields = -1;
		return true;
	}
	if (top != 1 || *s->m[0].value != '{' || s->m[0].key_len == 0 ||
	    memchr(s->m[0].key, '\\', s->m[0].key_len) != NULL)
		return false;
	e->name = s->m[0].key;
	e->name_len = s->m[0].key_len;
	e->fields = 0;
	return true;
}

/* Does what tree_locate() and tree_time() do, or returns false when those
 * would reject the line or the name has escapes. */
static bool
fast_locate(const struct scanned *s, struct fast_event *e)
{
	const struct member *ts;
	int64_t ms;

	if (!fast_name(s, e))
		return false;
	memset(e->slot, 0, sizeof e->slot);
	for (int i = 0; i < s->n; i++)
		if (s->m[i].parent == e->fields && s->m[i].known != K_OTHER)
			e->slot[s->m[i].known] = &s->m[i];
	ts = e->slot[K_TIMESTAMP];
	if (!is_integer(ts) || (ms = integer_value(ts)) < 0 ||
	    floor((double)ms / 1000.0) > MAX_SECONDS)
		return false;
	e->ms = (double)ms;
	return true;
}

/* tree_key() on the members, or false when an identifying string has
 * escapes. */
static bool
fast_key(const struct fast_event *e, uint64_t *key)
{
	uint64_t h = HASH_SEED;

	h = hash_add(h, e->name, e->name_len);
	h = hash_add_number(h, e->ms);
	for (int k = 0; k < N_IDS; k++) {
		const struct member *v = e->slot[k];

		h = mix(h, (uint64_t)k);
		if (is_string(v)) {
			if (v->escaped)
				return false;
			h = hash_add(h, v->value + 1, v->value_len - 2);
		} else if (is_integer(v)) {
			h = hash_add_number(h, (double)integer_value(v));
		}
	}
	*key = h;
	return true;
}

/* tree_node() on the members: the value as written, quotes included,
 * which is how lib/json.c prints it. */
static const struct member *
fast_node(const struct fast_event *e)
{
	const struct member *v;

	if (is_node_event(e->name, e->name_len))
		return is_string(e->slot[K_ID]) ? e->slot[K_ID] : NULL;
	v = e->slot[K_MEDIA_NODE_ID];
	if (is_string(v) && v->value_len > 2)
		return v;
	v = e->slot[K_MEDIA_NODE_ID2];
	if (is_string(v) && v->value_len > 2)
		return v;
	return NULL;
}

/* Copies the fields: each key with its quotes, as key() in lib/json.c
 * prints a key that needs no escaping or is escaped only so, and each
 * value without its blanks. */
static void
fast_fields(struct ov_buf *b, const struct scanned *s,
    const struct fast_event *e, bool blanks)
{
	size_t room = 0;
	char *out, *start;

	for (int i = 0; i < s->n; i++)
		room += s->m[i].key_len + s->m[i].value_len + 4;
	start = out = ov_buf_room(b, room);
	for (int i = 0; i < s->n; i++) {
		const struct member *m = &s->m[i];

		if (m->parent != e->fields || skipped_field(m->known))
			continue;
		if (out != start)
			*out++ = ',';
		memcpy(out, m->key - 1, m->key_len + 2);
		out += m->key_len + 2;
		*out++ = ':';
		if (blanks) {
			out += ov_scan_compact(out, m->value, m->value_len);
		} else {
			memcpy(out, m->value, m->value_len);
			out += m->value_len;
		}
	}
	b->len += (size_t)(out - start);
	b->data[b->len] = '\0';
}

int
event_convert_fast(const char *text, size_t len, struct event_source *src,
    struct ov_buf *out, struct event_info *info)
{
	struct scanned s;	/* not zeroed: 3 KiB a line showed in the
				   profile */
	struct ov_scan sc = { .member = keep_member, .ctx = &s };
	struct fast_event e;
	const struct member *node;

	s.n = 0;
	s.current = -1;

	if (!ov_scan_line(&sc, text, len) || !fast_locate(&s, &e) ||
	    !fast_key(&e, &info->key))
		return 0;
	info->name = e.name;
	info->name_len = e.name_len;
	write_head(out, src, e.ms);
	ov_rec_raw(out, "event", e.name - 1, e.name_len + 2);
	node = fast_node(&e);
	if (node != NULL)
		ov_rec_raw(out, "node", node->value, node->value_len);
	ov_rec_open(out, "fields");
	fast_fields(out, &s, &e, sc.blanks);
	ov_rec_close(out);
	ov_rec_end(out);
	return 1;
}
