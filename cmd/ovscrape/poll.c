/*
 * Concurrent polling with libcurl's multi interface: every fetch of every
 * deployment in flight shares one event loop, so a slow deployment costs
 * only its own time limit.  Failures are classified into the labels.error
 * values of the "up" sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <curl/curl.h>

#include "diag.h"
#include "scrape.h"

/* Delay before the first retry.  Each further retry doubles it. */
#define RETRY_DELAY_MS 250

/* Maximum redirects followed before a chain counts as a loop. */
#define MAX_REDIRECTS 5

struct poller {
	CURLM *multi;
	const struct scrape_options *opt;
	struct target *targets;
	size_t n, next, running;
	void (*done)(struct target *t, void *ctx);
	void *ctx;
};

static CURLM *shared_multi;	/* kept between rounds to reuse connections */

int64_t
poll_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Raises the open-file limit to its hard maximum: each fetch in flight and
 * each idle connection kept for the next round uses a descriptor. */
static void
raise_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

void
poll_init(const struct scrape_options *o)
{
	raise_file_limit();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		ov_die(OV_EXIT_RESOURCE, "libcurl initialisation failed");
	shared_multi = curl_multi_init();
	if (shared_multi == NULL)
		ov_die(OV_EXIT_RESOURCE, "libcurl initialisation failed");
	/* Idle connections kept for reuse: enough for one full batch of
	 * deployments, instead of libcurl's four per transfer ever added. */
	curl_multi_setopt(shared_multi, CURLMOPT_MAXCONNECTS,
	    (long)o->parallel * SCRAPE_MAX_FETCHES);
}

void
poll_cleanup(void)
{
	curl_multi_cleanup(shared_multi);
	shared_multi = NULL;
	curl_global_cleanup();
}

void
target_add(struct target *t, const char *endpoint, const char *path)
{
	struct fetch *f;
	const char *base = t->dep->url;
	size_t blen = strlen(base);

	if (t->nfetches == SCRAPE_MAX_FETCHES)
		ov_die(OV_EXIT_RESOURCE, "too many fetches for one deployment");
	f = &t->fetches[t->nfetches++];
	memset(f, 0, sizeof *f);
	f->target = t;
	f->req.endpoint = endpoint;
	/* The paths all start with '/', so drop one ending the URL. */
	if (blen > 0 && base[blen - 1] == '/')
		blen--;
	if (asprintf(&f->req.url, "%.*s%s", (int)blen, base, path) < 0)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
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
		if (t->fetches[i].easy != NULL)
			curl_easy_cleanup(t->fetches[i].easy);
	}
	t->nfetches = 0;
	t->pending = 0;
	t->running = false;
}

static size_t
write_body(char *data, size_t size, size_t count, void *ctx)
{
	struct fetch *f = ctx;
	size_t n = size * count;

	if (f->body.len + n > SCRAPE_MAX_BODY) {
		f->too_large = true;
		return 0;
	}
	ov_buf_add(&f->body, data, n);
	return n;
}

/* Sets the options that stay the same across attempts of a fetch. */
static void
setup_easy(struct fetch *f, const struct scrape_options *o)
{
	const struct target *t = f->target;
	CURL *e = curl_easy_init();

	if (e == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	f->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, f->req.url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, f);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, f->curl_error);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "ovscrape/" OV_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)SCRAPE_MAX_BODY);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, t->dep->tls_verify ? 1L :
	    0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, t->dep->tls_verify ? 2L :
	    0L);
	if (o->cacert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);
	if (t->secret != NULL && t->dep->api == OV_API_PROMETHEUS) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
		curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, t->secret);
	} else if (t->secret != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, "OPENVIDUAPP");
		curl_easy_setopt(e, CURLOPT_PASSWORD, t->secret);
	}
	if (f->req.certinfo && strncmp(f->req.url, "https:", 6) == 0) {
		/* A new connection without session resumption, so that the
		 * certificate read is the one the server sends now. */
		curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	}
}

/* Starts one attempt of a fetch with the time left to its deployment. */
static void
start_fetch(struct poller *p, struct fetch *f, int64_t now)
{
	int64_t left = f->target->deadline_ms - now;

	if (f->easy == NULL)
		setup_easy(f, p->opt);
	if (left < 1)
		left = 1;
	f->body.len = 0;
	f->curl_error[0] = '\0';
	f->too_large = false;
	f->retry_at_ms = 0;
	f->attempts++;
	curl_easy_setopt(f->easy, CURLOPT_TIMEOUT_MS, (long)left);
	curl_easy_setopt(f->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)left);
	if (curl_multi_add_handle(p->multi, f->easy) != CURLM_OK)
		ov_die(OV_EXIT_RESOURCE, "libcurl could not start a transfer");
}

static void
start_target(struct poller *p, struct target *t)
{
	int64_t now = poll_clock_ms();

	t->started_ms = now;
	t->deadline_ms = now + p->opt->timeout_ms;
	t->running = true;
	t->pending = t->nfetches;
	p->running++;
	for (size_t i = 0; i < t->nfetches; i++)
		start_fetch(p, &t->fetches[i], now);
	if (t->nfetches == 0) {
		t->running = false;
		p->running--;
		t->finished_ms = now;
		p->done(t, p->ctx);
	}
}

/* Parses OpenSSL's "Mar  4 16:00:00 2027 GMT" form of notAfter. */
static int
parse_cert_time(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%b %d %H:%M:%S %Y GMT", &tm);

	if (end == NULL)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* Reads the server certificate's expiry from CURLINFO_CERTINFO. */
static void
read_cert_expiry(struct fetch *f)
{
	struct curl_certinfo *ci = NULL;

	if (!f->req.certinfo ||
	    curl_easy_getinfo(f->easy, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL || ci->num_of_certs < 1)
		return;
	/* The first certificate of the chain is the server's own. */
	for (struct curl_slist *s = ci->certinfo[0]; s != NULL; s = s->next)
		if (strncmp(s->data, "Expire date:", 12) == 0 &&
		    parse_cert_time(s->data + 12, &f->cert_not_after) == 0)
			f->has_cert_expiry = true;
}

static void
classify_http(struct fetch *f)
{
	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &f->status);
	if (f->status >= 200 && f->status < 300)
		return;
	if (f->req.accept_health_codes &&
	    (f->status == 409 || f->status == 503))
		return;
	if (f->status == 401 || f->status == 403) {
		f->error = "auth";
		snprintf(f->detail, sizeof f->detail, "HTTP %ld: credentials "
		    "rejected; check the secret", f->status);
		return;
	}
	snprintf(f->error_buf, sizeof f->error_buf, "http_%ld", f->status);
	f->error = f->error_buf;
	snprintf(f->detail, sizeof f->detail, "HTTP %ld", f->status);
}

/* Maps a libcurl result to a labels.error value. */
static const char *
curl_error_class(CURLcode rc, bool too_large)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_COULDNT_CONNECT:
		return "refused";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "dns";
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		return "tls";
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2_STREAM:
		return "truncated";
	case CURLE_FILESIZE_EXCEEDED:
		return "too_large";
	case CURLE_WRITE_ERROR:
		return too_large ? "too_large" : "write_error";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirect_loop";
	default:
		return "connection";
	}
}

static void
classify(struct fetch *f, CURLcode rc, const char *errbuf)
{
	f->error = NULL;
	f->status = 0;
	f->detail[0] = '\0';
	if (rc == CURLE_OK) {
		classify_http(f);
		return;
	}
	f->error = curl_error_class(rc, f->too_large);
	if (f->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(f->detail, sizeof f->detail, "answer larger than "
		    "%d MiB", SCRAPE_MAX_BODY / (1024 * 1024));
	else if (rc == CURLE_GOT_NOTHING)
		snprintf(f->detail, sizeof f->detail, "connection closed "
		    "without an answer");
	else
		snprintf(f->detail, sizeof f->detail, "%s",
		    *errbuf ? errbuf : curl_easy_strerror(rc));
}

/* Failures worth another attempt: the next one may well succeed. */
static bool
retryable(const struct fetch *f)
{
	return f->error != NULL && (strcmp(f->error, "refused") == 0 ||
	    strcmp(f->error, "truncated") == 0 ||
	    strcmp(f->error, "connection") == 0 ||
	    (f->status >= 500 && f->status < 600));
}

static void
finish_fetch(struct poller *p, struct fetch *f)
{
	struct target *t = f->target;

	f->done = true;
	if (--t->pending > 0)
		return;
	t->running = false;
	t->finished_ms = poll_clock_ms();
	p->running--;
	p->done(t, p->ctx);
}

static void
handle_result(struct poller *p, CURL *easy, CURLcode rc, int64_t now)
{
	struct fetch *f = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&f);
	curl_multi_remove_handle(p->multi, easy);
	classify(f, rc, f->curl_error);
	read_cert_expiry(f);
	if (retryable(f) && f->attempts <= p->opt->retries) {
		int64_t delay = (int64_t)RETRY_DELAY_MS << (f->attempts - 1);

		if (now + delay < f->target->deadline_ms) {
			ov_note(1, "%s: %s: %s; retrying in %lld ms",
			    f->target->dep->id, f->req.endpoint, f->detail,
			    (long long)delay);
			f->retry_at_ms = now + delay;
			return;
		}
	}
	finish_fetch(p, f);
}

/* Starts the retries that are due and returns the milliseconds to the next
 * one (at most 1000). */
static long
start_due_retries(struct poller *p, int64_t now)
{
	long wait = 1000;

	for (size_t i = 0; i < p->n; i++) {
		struct target *t = &p->targets[i];

		for (size_t j = 0; t->running && j < t->nfetches; j++) {
			struct fetch *f = &t->fetches[j];

			if (f->retry_at_ms == 0)
				continue;
			if (f->retry_at_ms <= now)
				start_fetch(p, f, now);
			else if (f->retry_at_ms - now < wait)
				wait = (long)(f->retry_at_ms - now);
		}
	}
	return wait;
}

void
poll_round(struct target *targets, size_t n, const struct scrape_options *o,
    void (*done)(struct target *t, void *ctx), void *ctx)
{
	struct poller p = { .multi = shared_multi, .opt = o,
		.targets = targets, .n = n, .done = done, .ctx = ctx };
	int still;

	while (p.next < n || p.running > 0) {
		CURLMsg *msg;
		int64_t now;
		long wait;

		while (p.next < n && p.running < (size_t)o->parallel)
			start_target(&p, &targets[p.next++]);
		if (curl_multi_perform(p.multi, &still) != CURLM_OK)
			ov_die(OV_EXIT_RESOURCE, "libcurl multi interface "
			    "failed");
		now = poll_clock_ms();
		while ((msg = curl_multi_info_read(p.multi, &still)) != NULL)
			if (msg->msg == CURLMSG_DONE)
				handle_result(&p, msg->easy_handle,
				    msg->data.result, now);
		wait = start_due_retries(&p, now);
		if (p.running > 0)
			curl_multi_poll(p.multi, NULL, 0, (int)wait, NULL);
	}
}
