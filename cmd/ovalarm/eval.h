/*
 * Rule evaluation: one state machine per rule and series, driven only by the
 * records' own time.
 */
#ifndef OVALARM_EVAL_H
#define OVALARM_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define TIME_NONE INT64_MIN
#define TIME_NEVER INT64_MAX
#define WINDOW_POINTS 64	/* window maxima kept per drop series */
#define FLAP_MAX 32

/* A sample or event reduced to what rules look at; strings are "" when
 * the record has no such field. */
struct view {
	int64_t time;
	const char *customer, *deployment, *node;
	const char *name;	/* metric or event name */
	double value;
	struct kv kv[LABEL_MAX];	/* labels, or event fields */
	int nkv;
};

enum phase { PHASE_IDLE, PHASE_PENDING, PHASE_FIRING, PHASE_CLEARING };

struct point {
	int64_t time;
	double value;
};

/* The evaluation state of one rule on one series. */
struct series {
	uint64_t hash;		/* also the fingerprint */
	char *key;		/* rule, deployment, node, metric, labels */
	size_t keylen;
	const struct rule *rule;
	char *customer, *deployment, *node, *metric;
	int64_t last;		/* time of the last sample or event */
	enum phase phase;
	int64_t since;		/* start of pending or firing */
	int64_t clear_since;	/* start of the clear condition */
	double value;
	bool shown;		/* a firing alarm was written */
	char *summary;		/* summary of the last firing alarm */
	int64_t shown_since;
	int64_t deadline;	/* next time-driven check, or TIME_NEVER */
	struct point *window;	/* drop rules: candidates for the max */
	int nwindow;
	int64_t flaps[FLAP_MAX];	/* times of recent transitions */
	int nflaps;
	bool flapping;
};

/* The last value of a metric another rule's condition looks at. */
struct companion {
	uint64_t hash;
	char *key;
	size_t keylen;
	int64_t time;
	double value;
};

/* One alarm transition, handed to the output. */
struct alarm {
	struct series *series;	/* the output keeps the summary here */
	int64_t time, since;
	bool firing;
	double value;
	const struct view *record;	/* the record behind it, or NULL */
};

typedef void (*alarm_fn)(const struct alarm *a, void *ctx);

struct index_entry {
	char *name;
	struct rule **rules;	/* rules whose metric or event this is */
	size_t n;
	bool companion;		/* another rule's condition reads it */
};

struct engine {
	struct ruleset *rules;
	struct series **series;	/* open addressing by hash */
	size_t cap, count;
	struct companion **companions;
	size_t ccap, ccount;
	struct index_entry *index;	/* by metric or event name */
	size_t icap;
	int64_t clock;		/* latest record time seen */
	int64_t next_deadline;	/* no series deadline comes before it */
	alarm_fn emit;
	void *ctx;
	long out_of_order;
};

/* Sets up an engine over a rule set; alarms go to emit(ctx). */
void engine_init(struct engine *e, struct ruleset *rules, alarm_fn emit,
    void *ctx);

/* Returns true when some rule reads samples of this metric (or events of
 * this name), so the record is worth parsing. */
bool engine_wants(const struct engine *e, const char *name, size_t len);

/* Feeds one sample or event. */
void engine_sample(struct engine *e, const struct view *v);
void engine_event(struct engine *e, const struct view *v);

/* Moves the clock to t when t is later, and runs the time-driven checks
 * (absence, resolve after, end of flapping) that t has passed. */
void engine_advance(struct engine *e, int64_t t);

/* Finds or creates a series by key; used by the state file loader. */
struct series *engine_series(struct engine *e, const struct rule *r,
    const char *key, size_t keylen, uint64_t hash);

/* Stores a companion value; used by the state file loader. */
void engine_set_companion(struct engine *e, const char *key, size_t keylen,
    int64_t time, double value);

/* Recomputes next_deadline after series were loaded. */
void engine_reset_deadline(struct engine *e);

/* Computes the 64-bit FNV-1a hash used for keys and fingerprints. */
uint64_t hash_bytes(const char *s, size_t len);

/* Frees everything the engine allocated. */
void engine_free(struct engine *e);

#endif
