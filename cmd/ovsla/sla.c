/*
 * The SLA clock of one ticket.
 *
 * Walking a ticket's events in time order gives, for each of the three
 * clocks, the spans of time in which it counts.  The reaction clock stops
 * only while the ticket is closed.  The workaround clock also stops while
 * the ticket is pending, and the resolution clock also stops from a
 * resolved to the next reopened.  Elapsed time is the length of those spans on the
 * plan's clock up to the instant of evaluation (the meeting event, or
 * --now), so a severity change, which only changes the target durations,
 * measures every target from the opening with the time already elapsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "diag.h"
#include "ovsla.h"

#define OPEN_END INT64_MAX

/* A stretch of time in which a clock counts, [from, to). */
struct span {
	int64_t from, to;
};

/* The three clocks of a ticket while its events are walked. */
struct walk {
	struct span *spans[3];
	size_t nspans[3], cap[3];
	bool counting[3];
	bool pending, closed, resolved;
	int64_t met[3];
	enum ov_severity severity;
};

/* Reused from ticket to ticket, so the walk allocates only while it grows. */
static struct walk w;

static const char *const state_names[] = {
	"running", "paused", "at_risk", "met", "breached",
};

const char *
state_name(enum state s)
{
	return state_names[s];
}

int
state_parse(const char *s, enum state *out)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum state)i;
			return 0;
		}
	return -1;
}

static void
span_open(int clock, int64_t t)
{
	if (w.nspans[clock] == w.cap[clock]) {
		w.cap[clock] = w.cap[clock] ? w.cap[clock] * 2 : 8;
		w.spans[clock] = realloc(w.spans[clock], w.cap[clock] *
		    sizeof *w.spans[clock]);
		if (w.spans[clock] == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	w.spans[clock][w.nspans[clock]++] = (struct span){ t, OPEN_END };
}

/* Starts or stops each clock whose counting changed at instant t. */
static void
update_clocks(int64_t t)
{
	bool counting[3];

	counting[OV_REACTION] = !w.closed;
	counting[OV_WORKAROUND] = !w.closed && !w.pending;
	counting[OV_RESOLUTION] = !w.closed && !w.pending && !w.resolved;
	for (int c = 0; c < 3; c++) {
		if (counting[c] == w.counting[c])
			continue;
		if (counting[c])
			span_open(c, t);
		else
			w.spans[c][w.nspans[c] - 1].to = t;
		w.counting[c] = counting[c];
	}
}

static void
meet(int target, int64_t t)
{
	if (w.met[target] < 0)
		w.met[target] = t;
}

static void
apply(const struct event *ev, int64_t t)
{
	switch ((enum action)ev->action) {
	case ACT_RESOLVED:
		if (!w.resolved) {
			w.resolved = true;
			w.met[OV_RESOLUTION] = t;
		}
		/* A resolution is also a workaround and a reaction. */
		meet(OV_WORKAROUND, t);
		meet(OV_REACTION, t);
		break;
	case ACT_WORKAROUND:
		meet(OV_WORKAROUND, t);
		meet(OV_REACTION, t);
		break;
	case ACT_ACKNOWLEDGED:
		meet(OV_REACTION, t);
		break;
	case ACT_REOPENED:
		if (w.resolved || w.closed) {
			w.resolved = w.closed = false;
			w.met[OV_RESOLUTION] = -1;
		}
		break;
	case ACT_CLOSED:
		w.closed = true;
		break;
	case ACT_PENDING:
		w.pending = true;
		break;
	case ACT_RESUMED:
	case ACT_CUSTOMER_REPLY:
		w.pending = false;
		break;
	case ACT_SEVERITY:
		w.severity = (enum ov_severity)ev->severity;
		break;
	case ACT_OPENED:
	case ACT_OTHER:
		break;
	}
	update_clocks(t);
}

/* Walks the events up to now from the opening; returns the index of the
 * opened event, or -1 when there is none. */
static long
walk_events(const struct event *ev, size_t n, int64_t now)
{
	long opened = -1;
	int64_t t0;

	for (size_t i = 0; i < n && opened < 0; i++)
		if (ev[i].action == ACT_OPENED)
			opened = (long)i;
	if (opened < 0)
		return -1;
	t0 = ev[opened].time;
	memset(w.nspans, 0, sizeof w.nspans);
	memset(w.counting, 0, sizeof w.counting);
	w.pending = w.closed = w.resolved = false;
	w.met[0] = w.met[1] = w.met[2] = -1;
	w.severity = (enum ov_severity)ev[opened].severity;
	update_clocks(t0);
	for (size_t i = 0; i < n; i++) {
		if (i == (size_t)opened || ev[i].time > now)
			continue;
		/* An event stamped before the opening (a skewed clock) takes
		 * effect at the opening. */
		apply(&ev[i], ev[i].time > t0 ? ev[i].time : t0);
	}
	return opened;
}

/* Time counted by a clock up to instant x. */
static int
counted(const struct ov_clock *clk, int c, int64_t x, int64_t *out,
    char *err, size_t errsize)
{
	int64_t sum = 0, part;

	for (size_t i = 0; i < w.nspans[c]; i++) {
		const struct span *s = &w.spans[c][i];
		int64_t to = s->to < x ? s->to : x;

		if (to <= s->from)
			continue;
		if (ov_clock_between(clk, s->from, to, &part, err,
		    errsize) != 0)
			return -1;
		sum += part;
	}
	*out = sum;
	return 0;
}

/* Instant at which a clock reached the duration d, known to be reached. */
static int
crossing(const struct ov_clock *clk, int c, int64_t d, int64_t *out,
    char *err, size_t errsize)
{
	int64_t sum = 0, part = 0;

	for (size_t i = 0; i < w.nspans[c]; i++) {
		const struct span *s = &w.spans[c][i];

		if (s->to != OPEN_END && ov_clock_between(clk, s->from, s->to,
		    &part, err, errsize) != 0)
			return -1;
		if (s->to == OPEN_END || sum + part >= d)
			return ov_clock_add(clk, s->from, d - sum, out, err,
			    errsize);
		sum += part;
	}
	snprintf(err, errsize, "internal error: target never reached");
	return -1;
}

static enum state
judge(const struct target_result *r, int c, int warn_percent)
{
	if (r->met_at >= 0)
		return r->elapsed <= r->duration ? ST_MET : ST_BREACHED;
	if (r->elapsed > r->duration)
		return ST_BREACHED;
	if (!w.counting[c])
		return ST_PAUSED;
	if (r->remaining * 100 <= (int64_t)warn_percent * r->duration)
		return ST_AT_RISK;
	return ST_RUNNING;
}

/* Computes one target; returns 0 or -1 with a reason in err. */
static int
evaluate(const struct ov_clock *clk, int c, int64_t duration, int64_t now,
    int warn_percent, struct target_result *r, char *err, size_t errsize)
{
	int64_t x;

	r->target = (enum ov_target)c;
	r->duration = duration;
	r->met_at = w.met[c];
	x = r->met_at >= 0 ? r->met_at : now;
	if (counted(clk, c, x, &r->elapsed, err, errsize) != 0)
		return -1;
	r->remaining = duration - r->elapsed;
	/* Due is when the clock reached the target, or, not reached yet,
	 * when it will if it counts on from x without a stop. */
	if (r->remaining <= 0) {
		if (crossing(clk, c, duration, &r->due, err, errsize) != 0)
			return -1;
	} else if (ov_clock_add(clk, x, r->remaining, &r->due, err,
	    errsize) != 0)
		return -1;
	r->state = judge(r, c, warn_percent);
	return 0;
}

static const struct ov_plan *
ticket_plan(struct sla_config *cfg, int64_t ticket, const char *customer)
{
	const struct ov_customer *c;
	const struct ov_plan *p;

	if (cfg->plan != NULL)
		return cfg->plan;
	c = ov_customer_find(cfg->customers, customer);
	if (c == NULL) {
		ov_error("ticket %lld: customer '%s' is not in the customers "
		    "file; add it or use --plan", (long long)ticket, customer);
		return NULL;
	}
	p = ov_plan_find(cfg->plans, c->plan);
	if (p == NULL)
		ov_error("ticket %lld: plan '%s' of customer '%s' is not in "
		    "plans.conf", (long long)ticket, c->plan, customer);
	return p;
}

int
sla_compute(struct sla_config *cfg, const struct event *ev, size_t n,
    const struct event_table *et, struct ticket_sla *out)
{
	struct ov_clock clk = { NULL };
	char err[512];
	long o;
	int rc = 1;

	memset(out, 0, sizeof *out);
	out->ticket = ev[0].ticket;
	o = walk_events(ev, n, cfg->now);
	if (o < 0) {
		ov_error("ticket %lld: no opened event; its SLA cannot be "
		    "computed", (long long)out->ticket);
		return -1;
	}
	if (ev[o].time > cfg->now)
		return 0;
	out->customer = et->names[ev[o].customer];
	out->customer_index = ev[o].customer;
	out->plan = ticket_plan(cfg, out->ticket, out->customer);
	if (out->plan == NULL)
		return -1;
	if (out->plan->business_clock) {
		clk.business = cfg->calendar;
		cfg->used_business_clock = true;
	}
	out->severity = w.severity;
	out->opened = ev[o].time;
	if (ov_clock_start(&clk, out->opened, &out->started, err,
	    sizeof err) != 0) {
		ov_error("ticket %lld: %s", (long long)out->ticket, err);
		return -1;
	}
	for (int c = 0; c < 3; c++) {
		int64_t d = out->plan->target[out->severity][c];
		struct target_result *r = &out->targets[out->ntargets];

		if (d == OV_NO_TARGET)
			continue;
		if (evaluate(&clk, c, d, cfg->now, cfg->warn_percent, r, err,
		    sizeof err) != 0) {
			/* One message per ticket: its other targets fail on
			 * the same calendar the same way. */
			if (rc != -1)
				ov_error("ticket %lld: %s: %s",
				    (long long)out->ticket,
				    ov_target_name((enum ov_target)c), err);
			rc = -1;
			continue;
		}
		out->ntargets++;
	}
	return rc;
}
