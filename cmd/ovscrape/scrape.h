/*
 * Internal interfaces of ovscrape: the deployments of one run (targets),
 * the HTTP fetches made for them, and the sources that turn responses into
 * samples.
 */
#ifndef OVSCRAPE_H
#define OVSCRAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "inventory.h"
#include "json.h"
#include "table.h"

/* Maximum response body kept.  A larger one fails with error "too_large". */
#define SCRAPE_MAX_BODY (8 * 1024 * 1024)

/* Maximum fetches one source makes for one deployment in a round. */
#define SCRAPE_MAX_FETCHES 6

/* Request of a fetch, filled in by a source for poll.c. */
struct request {
	const char *endpoint;	/* "health", "sessions": labels.endpoint */
	char *url;
	bool accept_health_codes;	/* 409 and 503 carry a health body */
	bool certinfo;		/* read the server certificate (new
				   connection) */
};

/* One HTTP exchange and its result. */
struct fetch {
	struct request req;
	struct target *target;
	void *easy;		/* CURL * */
	struct ov_buf body;
	long status;		/* HTTP status, 0 when none */
	const char *error;	/* labels.error, NULL when the answer is
				   usable */
	char error_buf[16];	/* storage of "http_NNN" errors */
	char detail[256];	/* what failed, for standard error */
	char curl_error[256];	/* CURLOPT_ERRORBUFFER (CURL_ERROR_SIZE) */
	int attempts;
	int64_t retry_at_ms;	/* 0 when not waiting for a retry */
	bool too_large;
	bool done;
	bool has_cert_expiry;
	int64_t cert_not_after;
};

/* When this process first saw a media node in its current status, for
 * statuses whose start the node object does not show. */
struct node_seen {
	char *node;
	char *status;
	int64_t since;
	bool present;		/* listed in the current round */
};

/* One deployment being polled in a round. */
struct target {
	const struct ov_deployment *dep;
	char *secret;		/* NULL when the deployment has none */
	const char *secret_error;	/* why the secret is unusable */
	struct fetch fetches[SCRAPE_MAX_FETCHES];
	size_t nfetches;
	size_t pending;		/* fetches not yet done */
	int64_t started_ms, deadline_ms, finished_ms;
	bool running;
	bool up;		/* set by emit_common() */
	struct node_seen *seen;	/* kept across rounds of --every */
	size_t nseen, seen_cap;
	size_t *seen_slots;	/* hash index into seen, SIZE_MAX when free */
	size_t nslots;		/* a power of two, or 0 */
};

/* Settings of a polling run, from the command line. */
struct scrape_options {
	int parallel;		/* deployments in flight at once */
	int64_t timeout_ms;	/* per deployment, all fetches together */
	int retries;		/* extra attempts of a failed fetch */
	const char *cacert;	/* extra CA file, or NULL */
};

/* Context of the samples of one deployment in one round. */
struct emitter {
	struct target *target;
	int64_t now;		/* sample time, seconds */
	struct ov_buf *out;
	struct ov_table *table;	/* rows for a terminal, or NULL for records */
};

/* Column titles of the table shown on a terminal. */
extern const char *const emit_table_titles[];

/* secret.c */
/* Loads a deployment's secret into t, or sets t->secret_error.  Warns
 * about a file readable by others only when warn is true. */
void secret_load(struct target *t, const char *inventory, bool warn);
void secret_free(struct target *t);

/* poll.c */
/* Initialises libcurl for the limits of o; call once before poll_round(). */
void poll_init(const struct scrape_options *o);
/* Closes the connections kept between rounds and ends libcurl. */
void poll_cleanup(void);
/* Polls every target at once within the limits of o, then calls done for
 * each target as it finishes. */
void poll_round(struct target *targets, size_t n,
    const struct scrape_options *o,
    void (*done)(struct target *t, void *ctx), void *ctx);
/* Current time in milliseconds (CLOCK_REALTIME). */
int64_t poll_clock_ms(void);
/* Adds a request for endpoint at base URL + path. */
void target_add(struct target *t, const char *endpoint, const char *path);
/* Returns the fetch of an endpoint, or NULL. */
struct fetch *target_fetch(struct target *t, const char *endpoint);
/* Frees the round's fetches of t. */
void target_reset(struct target *t);

/* emit.c */
void emit_sample(struct emitter *e, const char *node, const char *metric,
    double value, const char *label, const char *label_value);
void emit_sample2(struct emitter *e, const char *node, const char *metric,
    double value, const char *label1, const char *value1,
    const char *label2, const char *value2);
/* Emits up, api.ok, scrape.duration_seconds and tls.cert_expiry_days for a
 * finished target.  Returns true when the deployment is up. */
bool emit_common(struct emitter *e);
/* Parses a fetch's JSON body, or marks the fetch invalid_json and returns
 * NULL. */
cJSON *fetch_json(struct fetch *f);

/* Frees what a target keeps across rounds. */
void openvidu2_free(struct target *t);

/* openvidu2.c, openvidu3.c, prometheus.c: one pair per api. */
void openvidu2_requests(struct target *t);
void openvidu2_emit(struct emitter *e, struct target *t);
void openvidu3_requests(struct target *t);
void openvidu3_emit(struct emitter *e, struct target *t);
void prometheus_requests(struct target *t);
void prometheus_emit(struct emitter *e, struct target *t);

/* events.c */
/* Runs "ovscrape events" and returns the exit status. */
int events_main(int argc, char **argv);

/* eventrec.c: one event line to one event record. */
struct event_source {
	const char *customer;	/* NULL when unknown */
	const char *deployment;
	struct ov_buf head;	/* start of the records of one second */
	int64_t head_second;
};

/* Identity of a converted line, for duplicate detection. */
struct event_info {
	uint64_t key;		/* hash of name, time and identifying fields */
	const char *name;	/* the event name, name_len bytes, valid
				   while the line is */
	size_t name_len;
	char name_buf[256];	/* where the slow path copies the name, cut
				   to 255 bytes */
};

/*
 * Writes the event record of a line of the usual shape to out and returns
 * 1, or returns 0 and writes nothing when the line needs the slow path.
 */
int event_convert_fast(const char *text, size_t len,
    struct event_source *src, struct ov_buf *out, struct event_info *info);

/*
 * Writes the event record of any line to out and returns 0, or returns -1
 * after ov_reject() with the reason the line is not an event.  Gives the
 * same record and key as event_convert_fast() for the lines that one
 * takes.
 */
int event_convert_slow(struct ov_record *rec, struct event_source *src,
    struct ov_buf *out, struct event_info *info);

#endif
