/*
 * The OpenVidu 2.x Pro REST API source: health, config, media nodes with
 * their sessions and recordings, sessions with pending connections, and
 * recordings, turned into the samples of ovscrape(1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "scrape.h"

/* Parsed bodies of one round, NULL where the fetch failed. */
struct ov2_answers {
	cJSON *health, *config, *nodes, *sessions, *recordings;
};

void
openvidu2_requests(struct target *t)
{
	target_add(t, "health", "/openvidu/api/health");
	t->fetches[t->nfetches - 1].req.accept_health_codes = true;
	t->fetches[t->nfetches - 1].req.certinfo = true;
	target_add(t, "config", "/openvidu/api/config");
	target_add(t, "media-nodes",
	    "/openvidu/api/media-nodes?sessions=true&recordings=true");
	target_add(t, "sessions",
	    "/openvidu/api/sessions?pendingConnections=true");
	target_add(t, "recordings", "/openvidu/api/recordings");
}

static const char *
get_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Returns a numeric field, or NAN when it is absent or not a number. */
static double
get_num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ?
	    v->valuedouble : NAN;
}

/* Returns the array of a list response: {"content": [...]} for sessions and
 * media nodes, {"items": [...]} for recordings, or a bare array. */
static const cJSON *
list_items(const cJSON *json, const char *key)
{
	const cJSON *a;

	if (cJSON_IsArray(json))
		return json;
	a = cJSON_GetObjectItemCaseSensitive(json, key);
	return cJSON_IsArray(a) ? a : NULL;
}

/* Seconds from a millisecond timestamp to now, never negative. */
static double
age_seconds(int64_t now, double ms)
{
	double age;

	if (isnan(ms))
		return 0;
	age = (double)now - floor(ms / 1000.0);
	return age > 0 ? age : 0;
}

/* Collects the names of a disconnectedMediaNodes array, duplicates
 * included. */
static void
add_disconnected(const cJSON *list, const char ***names, size_t *n,
    size_t *cap)
{
	const cJSON *x;

	if (!cJSON_IsArray(list))
		return;
	cJSON_ArrayForEach(x, list) {
		if (!cJSON_IsString(x))
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*names = realloc(*names, *cap * sizeof **names);
			if (*names == NULL)
				ov_die(OV_EXIT_RESOURCE, "out of memory");
		}
		(*names)[(*n)++] = x->valuestring;
	}
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Counts the distinct media nodes listed as disconnected, by a single
 * master or by any master of an Enterprise HA cluster, whose body is
 * {"clusterStatus":...,"nodes":{"master_IP":{"disconnectedMediaNodes":[]}}}.
 * Sorting keeps a hostile list of a million names from taking quadratic
 * time. */
static size_t
count_disconnected(const cJSON *health)
{
	const cJSON *m, *masters = cJSON_GetObjectItemCaseSensitive(health,
	    "nodes");
	const char **names = NULL;
	size_t n = 0, cap = 0, distinct = 0;

	add_disconnected(cJSON_GetObjectItemCaseSensitive(health,
	    "disconnectedMediaNodes"), &names, &n, &cap);
	if (cJSON_IsObject(masters))
		cJSON_ArrayForEach(m, masters)
			add_disconnected(cJSON_GetObjectItemCaseSensitive(m,
			    "disconnectedMediaNodes"), &names, &n, &cap);
	if (n > 0)
		qsort(names, n, sizeof *names, compare_names);
	for (size_t i = 0; i < n; i++)
		distinct += i == 0 || strcmp(names[i - 1], names[i]) != 0;
	free(names);
	return distinct;
}

static void
emit_health(struct emitter *e, const cJSON *health)
{
	const char *status = get_str(health, "status");

	if (status == NULL)
		status = get_str(health, "clusterStatus");
	if (status == NULL)
		return;
	emit_sample(e, NULL, "health.up", strcmp(status, "UP") == 0, "status",
	    status);
	emit_sample(e, NULL, "health.disconnected_media_nodes",
	    (double)count_disconnected(health), NULL, NULL);
}

/* Reads OPENVIDU_WEBHOOK_EVENTS as a JSON array, or as a string such as
 * "[sessionCreated,participantJoined]" should a server print it so. */
static bool
webhook_events_set(const cJSON *events)
{
	if (cJSON_IsArray(events))
		return cJSON_GetArraySize(events) > 0;
	if (cJSON_IsString(events)) {
		const char *s = events->valuestring;

		return *s != '\0' && strcmp(s, "[]") != 0;
	}
	return false;
}

/* Emits config.info and config.webhook_active.  The config also contains
 * OPENVIDU_WEBHOOK_HEADERS, often with a bearer token, which is never read. */
static void
emit_config(struct emitter *e, const cJSON *config)
{
	const cJSON *hook = cJSON_GetObjectItemCaseSensitive(config,
	    "OPENVIDU_WEBHOOK");
	bool active = cJSON_IsTrue(hook) || (cJSON_IsString(hook) &&
	    strcmp(hook->valuestring, "true") == 0);

	emit_sample2(e, NULL, "config.info", 1, "version",
	    get_str(config, "VERSION"), "cluster_id",
	    get_str(config, "OPENVIDU_PRO_CLUSTER_ID"));
	emit_sample(e, NULL, "config.webhook_active", active &&
	    webhook_events_set(cJSON_GetObjectItemCaseSensitive(config,
	    "OPENVIDU_WEBHOOK_EVENTS")), NULL, NULL);
}

/* Statuses in which a media node's cores count for the licence. */
static bool
billed_status(const char *status)
{
	return strcmp(status, "running") == 0 ||
	    strcmp(status, "waiting-idle-to-terminate") == 0 ||
	    strcmp(status, "terminating") == 0;
}

static uint64_t
hash_node(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Returns the slot of a node in the hash index: its own, or the free slot
 * where it belongs. */
static size_t
seen_slot(const struct target *t, const char *node)
{
	size_t mask = t->nslots - 1, i = hash_node(node) & mask;

	while (t->seen_slots[i] != SIZE_MAX &&
	    strcmp(t->seen[t->seen_slots[i]].node, node) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Rebuilds the hash index of t->seen, at most half full, so that a
 * deployment listing a hundred thousand media nodes costs no quadratic
 * time. */
static void
seen_reindex(struct target *t, size_t room)
{
	size_t n = 16;

	while (n < 2 * room)
		n *= 2;
	if (n != t->nslots) {
		free(t->seen_slots);
		t->seen_slots = malloc(n * sizeof *t->seen_slots);
		if (t->seen_slots == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
		t->nslots = n;
	}
	for (size_t i = 0; i < n; i++)
		t->seen_slots[i] = SIZE_MAX;
	for (size_t k = 0; k < t->nseen; k++)
		t->seen_slots[seen_slot(t, t->seen[k].node)] = k;
}

/* Returns the instant this process first saw the node in this status,
 * remembering now when it had not. */
static int64_t
first_seen(struct target *t, const char *node, const char *status,
    int64_t now)
{
	struct node_seen *s;
	size_t slot;

	if (2 * (t->nseen + 1) > t->nslots)
		seen_reindex(t, 2 * (t->nseen + 1));
	slot = seen_slot(t, node);
	if (t->seen_slots[slot] != SIZE_MAX) {
		s = &t->seen[t->seen_slots[slot]];
		if (strcmp(s->status, status) != 0) {
			free(s->status);
			s->status = strdup(status);
			if (s->status == NULL)
				ov_die(OV_EXIT_RESOURCE, "out of memory");
			s->since = now;
		}
		s->present = true;
		return s->since;
	}
	if (t->nseen == t->seen_cap) {
		t->seen_cap = t->seen_cap ? 2 * t->seen_cap : 16;
		t->seen = realloc(t->seen, t->seen_cap * sizeof *t->seen);
		if (t->seen == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	t->seen_slots[slot] = t->nseen;
	s = &t->seen[t->nseen++];
	s->node = strdup(node);
	s->status = strdup(status);
	if (s->node == NULL || s->status == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	s->since = now;
	s->present = true;
	return now;
}

/* Forgets the nodes not listed in this round. */
static void
prune_seen(struct target *t)
{
	size_t w = 0;

	for (size_t i = 0; i < t->nseen; i++) {
		if (t->seen[i].present) {
			t->seen[i].present = false;
			t->seen[w++] = t->seen[i];
			continue;
		}
		free(t->seen[i].node);
		free(t->seen[i].status);
	}
	t->nseen = w;
	seen_reindex(t, w);
}

void
openvidu2_free(struct target *t)
{
	for (size_t i = 0; i < t->nseen; i++) {
		free(t->seen[i].node);
		free(t->seen[i].status);
	}
	free(t->seen);
	free(t->seen_slots);
	t->seen = NULL;
	t->seen_slots = NULL;
	t->nseen = t->seen_cap = t->nslots = 0;
}

/* Seconds since a node entered its status: launching since launchingTime,
 * running since connectionTime, a disconnected node since
 * disconnectionTime, and otherwise since this process first saw it in that
 * status (0 on first sight, a lower bound). */
static double
status_seconds(struct emitter *e, const cJSON *node, const char *id,
    const char *status)
{
	double t = NAN;
	int64_t since = first_seen(e->target, id, status, e->now);

	if (strcmp(status, "launching") == 0)
		t = get_num(node, "launchingTime");
	else if (strcmp(status, "running") == 0)
		t = get_num(node, "connectionTime");
	if (isnan(t) && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(node,
	    "connected")))
		t = get_num(node, "disconnectionTime");
	if (isnan(t))
		return since < e->now ? (double)(e->now - since) : 0;
	return age_seconds(e->now, t);
}

/* The mediaNodeId of every session, sorted, to count a node's sessions in
 * logarithmic time when the node object does not list them. */
struct placements {
	const char **ids;
	size_t n;
};

static void
placements_build(struct placements *p, const cJSON *sessions)
{
	const cJSON *items = list_items(sessions, "content"), *s;
	size_t cap = (size_t)cJSON_GetArraySize(items);

	p->n = 0;
	p->ids = cap ? malloc(cap * sizeof *p->ids) : NULL;
	if (cap && p->ids == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	cJSON_ArrayForEach(s, items) {
		const char *placed = get_str(s, "mediaNodeId");

		if (placed != NULL && p->n < cap)
			p->ids[p->n++] = placed;
	}
	if (p->n > 0)
		qsort(p->ids, p->n, sizeof *p->ids, compare_names);
}

/* Returns the first index whose id is not below id, or past it (upper). */
static size_t
placements_bound(const struct placements *p, const char *id, bool upper)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p->ids[mid], id);

		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
count_node_sessions(const cJSON *node, const struct placements *p)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(node, "sessions");
	const char *id = get_str(node, "id");

	if (cJSON_IsArray(list))
		return cJSON_GetArraySize(list);
	/* Without ?sessions=true, count the sessions placed on the node. */
	if (id == NULL)
		return 0;
	return (int)(placements_bound(p, id, true) -
	    placements_bound(p, id, false));
}

static void
emit_node(struct emitter *e, const cJSON *node, const struct placements *p)
{
	const char *id = get_str(node, "id");
	const char *status = get_str(node, "status");
	const cJSON *connected = cJSON_GetObjectItemCaseSensitive(node,
	    "connected");

	if (id == NULL || status == NULL) {
		ov_warn("%s: media node without id or status skipped",
		    e->target->dep->id);
		return;
	}
	emit_sample(e, id, "node.running", strcmp(status, "running") == 0,
	    "status", status);
	emit_sample(e, id, "node.cpu_load", get_num(node, "load"), NULL, NULL);
	if (cJSON_IsBool(connected))
		emit_sample(e, id, "node.connected", cJSON_IsTrue(connected),
		    NULL, NULL);
	emit_sample(e, id, "node.sessions", count_node_sessions(node, p),
	    NULL, NULL);
	emit_sample(e, id, "node.status_seconds", status_seconds(e, node, id,
	    status), "status", status);
}

static void
emit_nodes(struct emitter *e, const cJSON *nodes, const cJSON *sessions)
{
	const struct ov_deployment *d = e->target->dep;
	const cJSON *node, *items = list_items(nodes, "content");
	struct placements placed;
	int total = 0, running = 0, billed = 0;

	placements_build(&placed, sessions);
	cJSON_ArrayForEach(node, items) {
		const char *status = get_str(node, "status");

		emit_node(e, node, &placed);
		total++;
		if (status == NULL)
			continue;
		running += strcmp(status, "running") == 0;
		billed += billed_status(status);
	}
	emit_sample(e, NULL, "cluster.cores", d->master_cores +
	    (double)d->media_node_cores * billed, NULL, NULL);
	emit_sample(e, NULL, "cluster.media_nodes", total, NULL, NULL);
	emit_sample(e, NULL, "cluster.media_nodes_running", running, NULL,
	    NULL);
	free(placed.ids);
	prune_seen(e->target);
}

static void
emit_sessions(struct emitter *e, const cJSON *sessions)
{
	const cJSON *s, *c;
	int nsessions = 0, connections = 0, publishers = 0;
	double oldest_empty = 0;

	cJSON_ArrayForEach(s, list_items(sessions, "content")) {
		const cJSON *conns = cJSON_GetObjectItemCaseSensitive(s,
		    "connections");
		int active = 0;

		nsessions++;
		cJSON_ArrayForEach(c, list_items(conns, "content")) {
			const char *status = get_str(c, "status");
			const cJSON *pubs = cJSON_GetObjectItemCaseSensitive(c,
			    "publishers");

			/* A connection without a status counts as active. */
			if (status != NULL && strcmp(status, "active") != 0)
				continue;
			active++;
			if (cJSON_IsArray(pubs))
				publishers += cJSON_GetArraySize(pubs);
		}
		connections += active;
		if (active == 0) {
			double age = age_seconds(e->now, get_num(s,
			    "createdAt"));

			oldest_empty = age > oldest_empty ? age : oldest_empty;
		}
	}
	emit_sample(e, NULL, "sessions.active", nsessions, NULL, NULL);
	emit_sample(e, NULL, "connections.active", connections, NULL, NULL);
	emit_sample(e, NULL, "publishers.active", publishers, NULL, NULL);
	emit_sample(e, NULL, "sessions.oldest_empty_seconds", oldest_empty,
	    NULL, NULL);
}

static void
emit_recordings(struct emitter *e, const cJSON *recordings)
{
	const cJSON *r;
	int active = 0, failed = 0;
	double started_empty = 0, stopped = 0;

	cJSON_ArrayForEach(r, list_items(recordings, "items")) {
		const char *status = get_str(r, "status");
		double created = get_num(r, "createdAt"), age;

		if (status == NULL)
			continue;
		if (strcmp(status, "failed") == 0)
			failed++;
		if (strcmp(status, "started") == 0) {
			active++;
			if (get_num(r, "size") == 0) {
				age = age_seconds(e->now, created);
				started_empty = fmax(started_empty, age);
			}
		} else if (strcmp(status, "stopped") == 0) {
			/* The stop instant is createdAt + duration when the
			 * server reports a duration, else createdAt. */
			double dur = get_num(r, "duration");

			if (!isnan(dur) && dur > 0 && !isnan(created))
				created += dur * 1000.0;
			stopped = fmax(stopped, age_seconds(e->now, created));
		}
	}
	emit_sample(e, NULL, "recordings.active", active, NULL, NULL);
	emit_sample(e, NULL, "recordings.failed", failed, NULL, NULL);
	emit_sample(e, NULL, "recordings.oldest_started_empty_seconds",
	    started_empty, NULL, NULL);
	emit_sample(e, NULL, "recordings.oldest_stopped_seconds", stopped,
	    NULL, NULL);
}

static void
parse_answers(struct target *t, struct ov2_answers *a)
{
	a->health = fetch_json(target_fetch(t, "health"));
	a->config = fetch_json(target_fetch(t, "config"));
	a->nodes = fetch_json(target_fetch(t, "media-nodes"));
	a->sessions = fetch_json(target_fetch(t, "sessions"));
	a->recordings = fetch_json(target_fetch(t, "recordings"));
}

void
openvidu2_emit(struct emitter *e, struct target *t)
{
	struct ov2_answers a = { 0 };

	if (t->secret_error == NULL)
		parse_answers(t, &a);
	if (emit_common(e)) {
		if (a.health != NULL)
			emit_health(e, a.health);
		if (a.config != NULL)
			emit_config(e, a.config);
		if (a.nodes != NULL)
			emit_nodes(e, a.nodes, a.sessions);
		if (a.sessions != NULL)
			emit_sessions(e, a.sessions);
		if (a.recordings != NULL)
			emit_recordings(e, a.recordings);
	}
	cJSON_Delete(a.health);
	cJSON_Delete(a.config);
	cJSON_Delete(a.nodes);
	cJSON_Delete(a.sessions);
	cJSON_Delete(a.recordings);
}
