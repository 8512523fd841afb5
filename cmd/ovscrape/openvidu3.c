/*
 * The OpenVidu 3 (LiveKit) source: the health page and the Prometheus text
 * metrics of the LiveKit server, served under URL/livekit/.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "promtext.h"
#include "scrape.h"

/* Sums of the LiveKit metrics ovscrape reports. */
struct lk_totals {
	double rooms, participants, published, subscribed, webhook_failures;
	double cpu_seconds;
	bool has_cpu;
	long samples;
};

void
openvidu3_requests(struct target *t)
{
	target_add(t, "health", "/livekit/");
	t->fetches[t->nfetches - 1].req.certinfo = true;
	target_add(t, "metrics", "/livekit/metrics");
}

static int
add_sample(const struct ov_prom_sample *s, void *ctx)
{
	struct lk_totals *lk = ctx;
	const char *status;

	lk->samples++;
	if (!isfinite(s->value))
		return 0;
	if (strcmp(s->name, "livekit_room_total") == 0)
		lk->rooms += s->value;
	else if (strcmp(s->name, "livekit_participant_total") == 0)
		lk->participants += s->value;
	else if (strcmp(s->name, "livekit_track_published_total") == 0)
		lk->published += s->value;
	else if (strcmp(s->name, "livekit_track_subscribed_total") == 0)
		lk->subscribed += s->value;
	else if (strcmp(s->name, "livekit_webhook_dispatch_total") == 0) {
		status = ov_prom_label(s, "status");
		if (status != NULL && strcmp(status, "failure") == 0)
			lk->webhook_failures += s->value;
	} else if (strcmp(s->name, "process_cpu_seconds_total") == 0) {
		lk->cpu_seconds += s->value;
		lk->has_cpu = true;
	}
	return 0;
}

/* Parses the metrics page.  A malformed page marks the fetch failed with
 * error "invalid_metrics". */
static bool
parse_metrics(struct fetch *f, struct lk_totals *lk)
{
	char err[200];

	if (f->error != NULL)
		return false;
	if (ov_prom_parse(f->body.data ? f->body.data : "", f->body.len,
	    add_sample, lk, err, sizeof err) != 0) {
		f->error = "invalid_metrics";
		snprintf(f->detail, sizeof f->detail, "metrics page: %s", err);
		return false;
	}
	return true;
}

void
openvidu3_emit(struct emitter *e, struct target *t)
{
	struct lk_totals lk = { 0 };
	struct fetch *health = target_fetch(t, "health");
	bool metrics_ok = false;

	if (t->secret_error == NULL) {
		metrics_ok = parse_metrics(target_fetch(t, "metrics"), &lk);
		/* LiveKit returns 406 "Not Ready" while it cannot take
		 * rooms, which is a health status, not a failed fetch. */
		if (health->status == 406) {
			health->error = NULL;
			health->detail[0] = '\0';
		}
	}
	if (!emit_common(e))
		return;
	if (health->error == NULL)
		emit_sample(e, NULL, "health.up", health->status == 200,
		    "status", health->status == 200 ? "UP" : "NOT_READY");
	if (!metrics_ok)
		return;
	emit_sample(e, NULL, "rooms.active", lk.rooms, NULL, NULL);
	emit_sample(e, NULL, "participants.active", lk.participants, NULL,
	    NULL);
	emit_sample(e, NULL, "tracks.published", lk.published, NULL, NULL);
	emit_sample(e, NULL, "tracks.subscribed", lk.subscribed, NULL, NULL);
	emit_sample(e, NULL, "webhooks.failed_total", lk.webhook_failures,
	    NULL, NULL);
	if (lk.has_cpu)
		emit_sample(e, NULL, "process.cpu_seconds_total",
		    lk.cpu_seconds, NULL, NULL);
}
