/*
 * Fuzz target: ovscrape's reading of OpenVidu responses.  The input is split
 * at lines "%%" into up to seven parts: the OpenVidu 2 bodies of health,
 * config, media-nodes, sessions and recordings (an empty part is a failed
 * fetch), then CDR or webhook event lines for "ovscrape events", then a
 * LiveKit /metrics page for the OpenVidu 3 source.  The responses go through
 * two rounds, so that the media-node status times kept between rounds of
 * --every are read back too.
 *
 * events.c is included rather than linked because its record function is
 * static.  poll.c, which does the HTTP work, is replaced by the three small
 * fetch-list functions the sources call.
 *
 * fuzz-sources: cmd/ovscrape/emit.c cmd/ovscrape/openvidu2.c
 * fuzz-sources: cmd/ovscrape/openvidu3.c cmd/ovscrape/eventrec.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/ovscrape/events.c"

#define PARTS 7

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct part {
	const char *data;
	size_t len;
};

/* Adds a request for an endpoint, as poll.c does but without libcurl. */
void
target_add(struct target *t, const char *endpoint, const char *path)
{
	struct fetch *f = &t->fetches[t->nfetches++];

	if (t->nfetches > SCRAPE_MAX_FETCHES)
		abort();
	memset(f, 0, sizeof *f);
	f->target = t;
	f->req.endpoint = endpoint;
	if (asprintf(&f->req.url, "%s%s", t->dep->url, path) < 0)
		abort();
}

struct fetch *
target_fetch(struct target *t, const char *endpoint)
{
	for (size_t i = 0; i < t->nfetches; i++)
		if (strcmp(t->fetches[i].req.endpoint, endpoint) == 0)
			return &t->fetches[i];
	return NULL;
}

void
target_reset(struct target *t)
{
	for (size_t i = 0; i < t->nfetches; i++) {
		free(t->fetches[i].req.url);
		ov_buf_free(&t->fetches[i].body);
	}
	t->nfetches = 0;
}

/* Splits the input at "\n%%\n" lines into at most PARTS parts. */
static int
split(const uint8_t *data, size_t size, struct part *parts)
{
	static const char marker[] = "\n%%\n";
	const char *p = (const char *)data, *end = p + size;
	int n = 0;

	while (n < PARTS - 1) {
		const char *m = memmem(p, (size_t)(end - p), marker,
		    sizeof marker - 1);

		if (m == NULL)
			break;
		parts[n].data = p;
		parts[n++].len = (size_t)(m - p);
		p = m + sizeof marker - 1;
	}
	parts[n].data = p;
	parts[n++].len = (size_t)(end - p);
	return n;
}

/* Fills the fetches of t with the parts as HTTP 200 responses. */
static void
fill_responses(struct target *t, const struct part *parts, int nparts)
{
	for (size_t i = 0; i < t->nfetches; i++) {
		struct fetch *f = &t->fetches[i];

		f->done = true;
		if ((int)i >= nparts || parts[i].len == 0) {
			f->error = "timeout";
			continue;
		}
		f->status = 200;
		ov_buf_add(&f->body, parts[i].data, parts[i].len);
	}
}

static void
openvidu2_rounds(struct target *t, struct emitter *e,
    const struct part *parts, int nparts)
{
	for (int round = 0; round < 2; round++) {
		openvidu2_requests(t);
		fill_responses(t, parts, nparts);
		openvidu2_emit(e, t);
		target_reset(t);
		e->now += 60;
	}
	openvidu2_free(t);
}

static void
events_lines(const struct part *p)
{
	static struct events ev = { .source = { .customer = "acme",
		.deployment = "acme-prod" } };
	const char *s = p->data, *end = p->data + p->len;
	long line = 0;

	dedupe_init(&ev.seen);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		struct ov_record rec = { .file = "cdr", .line = ++line };
		char *text = malloc(len + 1);

		if (text == NULL)
			abort();
		memcpy(text, s, len);
		text[len] = '\0';
		rec.text = text;
		rec.len = len;
		(void)event_record(&rec, &ev);
		free(text);
		s += len + 1;
	}
	ov_buf_free(&ev.out);
	ov_buf_free(&ev.source.head);
}

static void
openvidu3_round(struct target *t, struct emitter *e, const struct part *p)
{
	struct part parts[2] = { { "{}", 2 }, *p };

	openvidu3_requests(t);
	fill_responses(t, parts, 2);
	openvidu3_emit(e, t);
	target_reset(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ov_deployment dep = { .id = "acme-prod",
		.customer = "acme", .url = "https://127.0.0.1:9" };
	struct target t = { .dep = &dep, .started_ms = 1000,
		.finished_ms = 1250 };
	struct ov_buf out = { 0 };
	struct emitter e = { .target = &t, .now = 1796398870, .out = &out };
	struct part parts[PARTS];
	int n = split(data, size, parts);
	static bool ready;

	if (!ready) {
		/* The samples and events themselves are not checked here. */
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
		ov_verbosity = OV_QUIET;
		ready = true;
	}
	openvidu2_rounds(&t, &e, parts, n);
	if (n > 5)
		events_lines(&parts[5]);
	if (n > 6)
		openvidu3_round(&t, &e, &parts[6]);
	ov_buf_free(&out);
	return 0;
}
