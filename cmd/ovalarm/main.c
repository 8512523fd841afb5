/*
 * ovalarm: reads samples and events, evaluates alarm rules, and writes alarm
 * transitions as records, as Alertmanager alerts or as a Nagios status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "eval.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "rules.h"
#include "record.h"
#include "report.h"
#include "state.h"
#include "statefile.h"

#define LOCK_TIMEOUT_MS 10000

enum {
	OPT_RULES = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_RULES_DIR,
	OPT_STATE,
	OPT_FORMAT,
	OPT_NAGIOS,
	OPT_PASS,
	OPT_CHECK,
};

static const struct option longopts[] = {
	OV_COMMON_LONGOPTS,
	OV_LOOP_LONGOPTS,
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "rules-dir", required_argument, NULL, OPT_RULES_DIR },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "now", required_argument, NULL, OV_OPT_NOW },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "nagios", no_argument, NULL, OPT_NAGIOS },
	{ "pass", no_argument, NULL, OPT_PASS },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ NULL, 0, NULL, 0 },
};

static const struct ov_help help = {
	.usage = "usage: ovalarm [-qv] [--check] [--nagios] [--pass] "
	    "[--strict]\n"
	    "               [--format records|alertmanager] "
	    "[--max-line BYTES] [--now TIME]\n"
	    "               [--rejects FILE] [--rules FILE] "
	    "[--rules-dir DIR] [--state FILE]\n"
	    "               [FILE ...]\n"
	    "       " REPORT_SYNOPSIS,
	.text =
	    "\nEvaluates alarm rules over sample and event records and writes "
	    "alarm records\n(state firing or resolved) for every "
	    "transition.\n\n"
	    "  --rules FILE        rules file (default: the shipped "
	    "alarms.conf)\n"
	    "  --rules-dir DIR     per-customer rules: DIR/CUSTOMER.conf "
	    "adds, overrides\n"
	    "                      or disables rules for that customer\n"
	    "  --state FILE        keep pending and firing alarms between "
	    "runs\n"
	    "  --now TIME          run the absence checks up to this RFC 3339 "
	    "instant\n"
	    "  --format FORMAT     records (default) or alertmanager (an "
	    "Alertmanager v2\n"
	    "                      alerts array of firing and just resolved "
	    "alarms)\n"
	    "  --nagios            print one Nagios status line; exit 0 OK, "
	    "1 WARNING,\n"
	    "                      2 CRITICAL, 3 UNKNOWN\n"
	    "  --pass              copy records of other kinds to the output "
	    "unchanged\n"
	    "  --check             check the rules files and exit\n"
	    "  --strict            stop at the first invalid record\n"
	    "  --rejects FILE      append invalid lines to FILE\n"
	    "  --max-line BYTES    longest line accepted (default 1048576)\n"
	    "  -q, --quiet         no warnings\n"
	    "  -v, --verbose       notes on standard error (-vv for more)\n"
	    "  --help, --version\n\n"
	    "'ovalarm report --help' describes the monthly report.\n\n"
	    "Exit status: 0 ok, 1 some records rejected, 2 usage error, 3 a "
	    "rules or state\nfile could not be used.  See ovalarm(1) and "
	    "ovalarm.conf(5).\n",
};

struct options {
	const char *rules, *rules_dir, *state;
	int64_t now;
	bool pass, check;
	enum out_format format;
};

struct run {
	struct engine engine;
	struct output output;
	bool pass;
	struct reader reader;
};

static void
parse_format(struct options *o, const char *arg)
{
	if (strcmp(arg, "records") == 0)
		o->format = OUT_RECORDS;
	else if (strcmp(arg, "alertmanager") == 0)
		o->format = OUT_ALERTMANAGER;
	else
		ov_usage_error("--format '%s': use records or alertmanager",
		    arg);
}

static int
parse_options(int argc, char **argv, struct options *o, struct ov_loop *loop)
{
	int opt;

	memset(o, 0, sizeof *o);
	o->now = TIME_NONE;
	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_RULES:
			o->rules = optarg;
			break;
		case OPT_RULES_DIR:
			o->rules_dir = optarg;
			break;
		case OPT_STATE:
			o->state = optarg;
			break;
		case OV_OPT_NOW:
			o->now = ov_cli_time("--now", optarg);
			break;
		case OPT_FORMAT:
			parse_format(o, optarg);
			break;
		case OPT_NAGIOS:
			o->format = OUT_NAGIOS;
			break;
		case OPT_PASS:
			o->pass = true;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		default:
			if (!ov_cli_common(opt, optarg, argc, argv, longopts,
			    &help, loop))
				ov_usage_error("unexpected option");
		}
	}
	/* Passed records would break the alerts array or the status line. */
	if (o->pass && o->format != OUT_RECORDS)
		ov_usage_error("--pass needs the records format");
	return optind;
}

/*
 * Handles one line.  Records of other kinds are dropped unread unless
 * --pass copies them; samples and events no rule reads only move the
 * clock, so that absence and resolve-after checks see every record's time.
 */
static int
on_record(struct ov_record *rec, void *ctx)
{
	struct run *r = ctx;
	size_t klen;
	const char *kind = ov_json_peek(rec->text, rec->len, "kind", &klen);
	struct view v;
	bool event;
	int rc;

	if (kind != NULL && !r->pass &&
	    !(klen == 6 && memcmp(kind, "sample", 6) == 0) &&
	    !(klen == 5 && memcmp(kind, "event", 5) == 0))
		return 0;
	rc = reader_read(&r->reader, rec, &v, &event);
	if (rc == 0 && r->pass) {
		ov_buf_add(&r->output.buf, rec->text, rec->len);
		ov_buf_addc(&r->output.buf, '\n');
		ov_out_write(&r->output.buf);
	} else if (rc == 1 && !engine_wants(&r->engine, v.name,
	    strlen(v.name))) {
		engine_advance(&r->engine, v.time);
	} else if (rc == 1 && event) {
		engine_event(&r->engine, &v);
	} else if (rc == 1) {
		engine_sample(&r->engine, &v);
	}
	return rc < 0 ? -1 : 0;
}

static bool nagios_line_written;

/* Gives Nagios a status line when a fatal error ends the run: Nagios shows
 * the first line of standard output, not standard error. */
static void
nagios_unknown(int status, void *arg)
{
	(void)arg;
	if (status == OV_EXIT_RESOURCE && !nagios_line_written)
		printf("OVALARM UNKNOWN - the rules or the state file could "
		    "not be used (details on standard error)\n");
}

int
main(int argc, char **argv)
{
	struct options o;
	struct ov_loop loop;
	struct ruleset rules = { 0 };
	struct run *r;
	int first, status = OV_EXIT_OK, lock = -1;
	char err[256];

	ov_set_progname(argv[0]);
	if (argc > 1 && strcmp(argv[1], "report") == 0) {
		ov_set_subcommand("report");
		return report_main(argc - 1, argv + 1);
	}
	ov_loop_init(&loop);
	first = parse_options(argc, argv, &o, &loop);
	if (o.format == OUT_NAGIOS)
		on_exit(nagios_unknown, NULL);
	rules_load_all(&rules, o.rules, o.rules_dir);
	if (o.check) {
		rules_free(&rules);
		return OV_EXIT_OK;
	}

	r = calloc(1, sizeof *r);
	if (r == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	r->pass = o.pass;
	reader_init(&r->reader, loop.max_line);
	r->output.format = o.format;
	engine_init(&r->engine, &rules, output_alarm, &r->output);
	if (o.state != NULL) {
		lock = ov_lock(o.state, LOCK_TIMEOUT_MS, err, sizeof err);
		if (lock < 0)
			ov_die(OV_EXIT_RESOURCE, "%s", err);
		state_load(&r->engine, o.state);
	}
	ov_out_init();

	if (ov_loop_run(&loop, argv + first, argc - first, on_record, r) < 0)
		status = OV_EXIT_FAIL;
	if (ov_loop_finish(&loop) < 0)
		status = OV_EXIT_FAIL;
	if (o.now != TIME_NONE)
		engine_advance(&r->engine, o.now);
	if (r->engine.out_of_order > 0)
		ov_note(1, "%ld samples older than their series' last sample "
		    "were ignored", r->engine.out_of_order);
	if (o.format == OUT_NAGIOS && loop.read_failed) {
		/* Alarms of an input never read are unknown, not OK. */
		printf("OVALARM UNKNOWN - an input file could not be read "
		    "(details on standard error)\n");
		nagios_line_written = true;
		status = OV_EXIT_RESOURCE;
	} else if (o.format == OUT_NAGIOS) {
		/* Nagios reads the exit status as the service state, so
		 * rejected lines are only reported on standard error. */
		status = output_finish(&r->output, &r->engine);
		nagios_line_written = true;
	} else {
		output_finish(&r->output, &r->engine);
	}
	ov_out_flush();

	if (o.state != NULL) {
		state_save(&r->engine, o.state);
		ov_unlock(lock);
	}
	/* An input file that could not be read at all is a resource error
	 * (in Nagios mode, UNKNOWN above). */
	if (o.format != OUT_NAGIOS && loop.read_failed)
		status = OV_EXIT_RESOURCE;
	engine_free(&r->engine);
	rules_free(&rules);
	reader_free(&r->reader);
	free(r);
	return status;
}
