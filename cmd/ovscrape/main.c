/*
 * ovscrape: polls the OpenVidu deployments of an inventory and writes
 * samples; "ovscrape events" turns CDR files and webhook bodies into event
 * records.  See ovscrape(1).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "diag.h"
#include "scrape.h"

enum {
	OPT_DEPLOYMENTS = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_CACERT,
	OPT_EVERY,
	OPT_LIST,
	OPT_PARALLEL,
	OPT_RETRIES,
	OPT_SHARD,
	OPT_TIMEOUT,
};

static const struct ov_help help = {
	"usage: ovscrape [-qv] [--list] [--cacert FILE] [--every DURATION] "
	"[--now TIME]\n"
	"                [--parallel N] [--retries N] [--shard K/N] "
	"[--timeout DURATION]\n"
	"                --deployments FILE\n"
	"       ovscrape events [-fqv] [--strict] [--deployments FILE]\n"
	"                [--max-line N] [--poll DURATION] [--rejects FILE]\n"
	"                --deployment NAME [FILE ...]",
	"\n"
	"Poll every deployment of the inventory once (or every DURATION) and\n"
	"write sample records to standard output.\n"
	"\n"
	"  --deployments FILE  the inventory, deployments.csv(5)\n"
	"  --cacert FILE       trust the CA certificates in FILE (default:\n"
	"                      $CURL_CA_BUNDLE, else the system store)\n"
	"  --every DURATION    keep polling at each multiple of DURATION\n"
	"                      (e.g. 1m) until SIGTERM or SIGINT\n"
	"  --list              print the deployments this run would poll,\n"
	"                      one per line, and exit\n"
	"  --now TIME          stamp the samples with TIME (RFC 3339)\n"
	"  --parallel N        deployments polled at once (default 64)\n"
	"  --retries N         extra attempts of a failed request (default 1)\n"
	"  --shard K/N         poll only share K of N of the inventory\n"
	"  --timeout DURATION  time limit of one deployment (default 10s)\n"
	"  -q, --quiet         mute warnings\n"
	"  -v, --verbose       print notes (retries, timings)\n"
	"      --help          print this help\n"
	"      --version       print the version\n"
	"\n"
	"ovscrape events [FILE ...] reads OpenVidu CDR files or webhook\n"
	"bodies and writes event records; see 'ovscrape events --help'.\n"
	"\n"
	"Exit status: 0 every deployment was up, 1 some deployment was down\n"
	"or had no usable secret, 2 usage error, 3 the inventory could not\n"
	"be used.\n",
};

struct run {
	struct scrape_options opt;
	const char *inventory;
	struct ov_deployments deps;
	struct target *targets;
	size_t ntargets;
	int64_t every;		/* seconds, 0 for one round */
	int64_t now;		/* --now, or INT64_MIN */
	long shard_k, shard_n;
	bool list;
	int down;		/* deployments down in the round */
	long rounds;		/* rounds started */
	struct ov_buf out;
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* FNV-1a, 64 bits: a stable hash of the deployment name for --shard. */
static uint64_t
fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
parse_shard(struct run *r, const char *arg)
{
	char *end;

	errno = 0;
	r->shard_k = strtol(arg, &end, 10);
	if (*end == '/' && end != arg)
		r->shard_n = strtol(end + 1, &end, 10);
	if (*end != '\0' || errno != 0 || r->shard_n < 1 ||
	    r->shard_n > 1000000 || r->shard_k < 1 || r->shard_k > r->shard_n)
		ov_usage_error("--shard '%s': expected K/N with 1 <= K <= N, "
		    "e.g. 2/4", arg);
}

static void
parse_options(struct run *r, int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		{ "deployments", required_argument, NULL, OPT_DEPLOYMENTS },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "every", required_argument, NULL, OPT_EVERY },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "dry-run", no_argument, NULL, OPT_LIST },
		{ "now", required_argument, NULL, OV_OPT_NOW },
		{ "parallel", required_argument, NULL, OPT_PARALLEL },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DEPLOYMENTS:
			r->inventory = optarg;
			break;
		case OPT_CACERT:
			r->opt.cacert = optarg;
			break;
		case OPT_EVERY:
			r->every = ov_cli_duration("--every", optarg);
			if (r->every < 1)
				ov_usage_error("--every must be at least 1s");
			break;
		case OPT_LIST:
			r->list = true;
			break;
		case OV_OPT_NOW:
			r->now = ov_cli_time("--now", optarg);
			break;
		case OPT_PARALLEL:
			r->opt.parallel = (int)ov_cli_long("--parallel",
			    optarg, 1, 1000);
			break;
		case OPT_RETRIES:
			r->opt.retries = (int)ov_cli_long("--retries", optarg,
			    0, 10);
			break;
		case OPT_SHARD:
			parse_shard(r, optarg);
			break;
		case OPT_TIMEOUT:
			r->opt.timeout_ms = ov_cli_duration("--timeout",
			    optarg) * 1000;
			if (r->opt.timeout_ms < 1000 ||
			    r->opt.timeout_ms > 3600 * 1000)
				ov_usage_error("--timeout must be from 1s to "
				    "1h");
			break;
		default:
			ov_cli_common(c, optarg, argc, argv, longopts, &help,
			    NULL);
		}
	}
	if (optind < argc)
		ov_usage_error("unexpected operand '%s'", argv[optind]);
	if (r->inventory == NULL)
		ov_usage_error("--deployments FILE is required");
	if (r->every > 0 && r->now != INT64_MIN)
		ov_usage_error("--now and --every cannot be combined");
}

static void
select_targets(struct run *r)
{
	char err[512];

	if (ov_deployments_load(r->inventory, &r->deps, err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	r->targets = calloc(r->deps.count ? r->deps.count : 1,
	    sizeof *r->targets);
	if (r->targets == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t i = 0; i < r->deps.count; i++) {
		const struct ov_deployment *d = &r->deps.items[i];

		if (r->shard_n > 0 &&
		    fnv1a64(d->id) % (uint64_t)r->shard_n !=
		    (uint64_t)(r->shard_k - 1))
			continue;
		r->targets[r->ntargets++].dep = d;
	}
}

/* Reads every secret again before each round, so that a rotated secret is
 * used without a restart; warnings are given in the first round only. */
static void
load_secrets(struct run *r, bool first)
{
	for (size_t i = 0; i < r->ntargets; i++) {
		struct target *t = &r->targets[i];

		if (first && !t->dep->tls_verify)
			ov_warn_at(r->inventory, t->dep->line, "deployment %s: "
			    "tls_verify is false: its server certificate is "
			    "not checked", t->dep->id);
		secret_load(t, r->inventory, first);
	}
}

static void
list_targets(const struct run *r)
{
	for (size_t i = 0; i < r->ntargets; i++) {
		const struct ov_deployment *d = r->targets[i].dep;

		printf("%s\t%s\t%s\t%s\n", d->id, d->customer,
		    ov_api_name(d->api), d->url);
	}
	ov_out_flush();
}

static void
add_requests(struct target *t)
{
	t->nfetches = 0;
	if (t->secret_error != NULL)
		return;
	switch (t->dep->api) {
	case OV_API_OPENVIDU2:
		openvidu2_requests(t);
		break;
	case OV_API_OPENVIDU3:
		openvidu3_requests(t);
		break;
	case OV_API_PROMETHEUS:
		prometheus_requests(t);
		break;
	}
}

struct round {
	struct run *run;
	int64_t now;
	struct ov_table *table;	/* on a terminal, else NULL */
};

/* Called by poll_round() as each deployment finishes. */
static void
target_done(struct target *t, void *ctx)
{
	struct round *rd = ctx;
	struct emitter e = { .target = t, .now = rd->now,
		.out = &rd->run->out, .table = rd->table };

	switch (t->dep->api) {
	case OV_API_OPENVIDU2:
		openvidu2_emit(&e, t);
		break;
	case OV_API_OPENVIDU3:
		openvidu3_emit(&e, t);
		break;
	case OV_API_PROMETHEUS:
		prometheus_emit(&e, t);
		break;
	}
	if (!t->up)
		rd->run->down++;
	ov_note(1, "%s: polled in %lld ms", t->dep->id,
	    (long long)(t->finished_ms - t->started_ms));
	target_reset(t);
}

static int
run_round(struct run *r, int64_t now)
{
	struct round rd = { .run = r, .now = now };
	int64_t started = poll_clock_ms();

	if (ov_stdout_is_terminal())
		rd.table = ov_table_new(emit_table_titles);
	load_secrets(r, r->rounds++ == 0);
	for (size_t i = 0; i < r->ntargets; i++)
		add_requests(&r->targets[i]);
	r->down = 0;
	poll_round(r->targets, r->ntargets, &r->opt, target_done, &rd);
	if (rd.table != NULL)
		ov_table_print(rd.table, stdout);
	ov_out_flush();
	ov_note(1, "round of %zu deployments took %lld ms", r->ntargets,
	    (long long)(poll_clock_ms() - started));
	return r->down > 0 ? OV_EXIT_FAIL : OV_EXIT_OK;
}

/* Sleeps until the next multiple of r->every; returns false when a signal
 * asked to stop. */
static bool
wait_next_round(const struct run *r, int64_t *round_time)
{
	int64_t now_ms = poll_clock_ms();
	int64_t next = (now_ms / 1000 / r->every + 1) * r->every;

	while (!stop_requested && poll_clock_ms() < next * 1000) {
		int64_t left = next * 1000 - poll_clock_ms();
		struct timespec ts;

		if (left > 200)
			left = 200;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
	*round_time = next;
	return !stop_requested;
}

static int
run_every(struct run *r)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int64_t t = poll_clock_ms() / 1000;
	int status = OV_EXIT_OK;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	ov_note(1, "polling %zu deployments every %llds", r->ntargets,
	    (long long)r->every);
	do {
		if (run_round(r, t) != OV_EXIT_OK)
			status = OV_EXIT_FAIL;
	} while (wait_next_round(r, &t));
	ov_note(1, "stopped by a signal");
	return status;
}

int
main(int argc, char **argv)
{
	struct run r = {
		.opt = { .parallel = 64, .timeout_ms = 10000, .retries = 1 },
		.now = INT64_MIN,
	};
	int status;

	ov_set_progname(argv[0]);
	if (argc > 1 && strcmp(argv[1], "events") == 0) {
		ov_set_subcommand("events");
		return events_main(argc - 1, argv + 1);
	}
	parse_options(&r, argc, argv);
	if (r.opt.cacert == NULL && getenv("CURL_CA_BUNDLE") != NULL &&
	    *getenv("CURL_CA_BUNDLE") != '\0')
		r.opt.cacert = getenv("CURL_CA_BUNDLE");
	ov_out_init();
	select_targets(&r);
	if (r.list) {
		list_targets(&r);
		status = OV_EXIT_OK;
	} else {
		poll_init(&r.opt);
		if (r.every > 0)
			status = run_every(&r);
		else
			status = run_round(&r, r.now != INT64_MIN ? r.now :
			    poll_clock_ms() / 1000);
		poll_cleanup();
	}
	for (size_t i = 0; i < r.ntargets; i++) {
		secret_free(&r.targets[i]);
		openvidu2_free(&r.targets[i]);
	}
	free(r.targets);
	ov_deployments_free(&r.deps);
	ov_buf_free(&r.out);
	return status;
}
