/*
 * ovalarm: reads samples and events, evaluates alarm rules, and writes alarm
 * transitions as records, as Alertmanager alerts or as a Nagios status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "cli.h"
#include "datafile.h"
#include "diag.h"
#include "eval.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "rules.h"
#include "scan.h"
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
	    "               [FILE ...]",
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
	char scratch[LABEL_MAX][32];	/* event fields that are numbers */
	char *line;			/* copy of a line for scan_record() */
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
	return optind;
}

/* Collects labels (samples) or fields (events) as text.  Samples must
 * have string labels; event fields that are numbers or booleans are
 * written into scratch space, and nested values are left out. */
static int
collect_kv(struct run *r, struct ov_record *rec, const cJSON *obj,
    bool event, struct view *v)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, obj) {
		if (v->nkv == LABEL_MAX)
			return ov_reject(rec, "more than %d %s", LABEL_MAX,
			    event ? "fields" : "labels");
		v->kv[v->nkv].key = x->string;
		if (cJSON_IsString(x)) {
			v->kv[v->nkv++].value = x->valuestring;
		} else if (event && (cJSON_IsNumber(x) || cJSON_IsBool(x))) {
			char *s = r->scratch[v->nkv];

			if (cJSON_IsBool(x))
				snprintf(s, 32, "%s", cJSON_IsTrue(x) ?
				    "true" : "false");
			else
				snprintf(s, 32, "%.15g", x->valuedouble);
			v->kv[v->nkv++].value = s;
		} else if (!event) {
			return ov_reject(rec, "label \"%s\": expected a string",
			    x->string);
		}
	}
	return 0;
}

static int
fill_view(struct run *r, struct ov_record *rec, const cJSON *o, bool event,
    struct view *v)
{
	const cJSON *kv = NULL;

	v->customer = v->node = "";
	v->nkv = 0;
	v->value = 0;
	if (ov_get_time(rec, o, "time", true, &v->time) < 0 ||
	    ov_get_string(rec, o, "deployment", true, &v->deployment) < 0 ||
	    ov_get_string(rec, o, "customer", false, &v->customer) < 0 ||
	    ov_get_string(rec, o, "node", false, &v->node) < 0)
		return -1;
	if (event) {
		if (ov_get_string(rec, o, "event", true, &v->name) < 0 ||
		    ov_get_object(rec, o, "fields", false, &kv) < 0)
			return -1;
	} else {
		if (ov_get_string(rec, o, "metric", true, &v->name) < 0 ||
		    ov_get_number(rec, o, "value", true, &v->value) < 0 ||
		    ov_get_object(rec, o, "labels", false, &kv) < 0)
			return -1;
	}
	return kv ? collect_kv(r, rec, kv, event, v) : 0;
}

static int
evaluate(struct run *r, struct ov_record *rec)
{
	cJSON *o = ov_record_parse(rec);
	const char *kind = NULL;
	struct view v;
	int rc = 0;

	if (o == NULL)
		return -1;
	if (ov_get_string(rec, o, "kind", true, &kind) < 0) {
		rc = -1;
	} else if (strcmp(kind, "sample") != 0 && strcmp(kind, "event") != 0) {
		if (r->pass) {
			ov_buf_add(&r->output.buf, rec->text, rec->len);
			ov_buf_addc(&r->output.buf, '\n');
			ov_out_write(&r->output.buf);
		}
	} else if (fill_view(r, rec, o, kind[0] == 'e', &v) < 0) {
		rc = -1;
	} else if (kind[0] == 'e') {
		engine_event(&r->engine, &v);
	} else {
		engine_sample(&r->engine, &v);
	}
	cJSON_Delete(o);
	return rc;
}

/* Moves the clock to the time of a record no rule reads, so that absence
 * and resolve-after checks see every record's time.  Such a record is not
 * validated, so a time that cannot be read is ignored. */
static void
advance_clock(struct run *r, const struct ov_record *rec)
{
	size_t len;
	const char *s = ov_json_peek(rec->text, rec->len, "time", &len);
	int64_t t;
	char err[128];

	if (s != NULL && ov_time_parse(s, len, &t, err, sizeof err) == 0)
		engine_advance(&r->engine, t);
}

/*
 * Handles one line.  Samples and events of the usual shape are read by
 * scan_record() without cJSON, and those no rule reads only move the
 * clock.  Any other line (escapes, extra fields, other kinds with --pass,
 * invalid text) goes through the full parse, which reports what is wrong.
 */
static int
on_record(struct ov_record *rec, void *ctx)
{
	struct run *r = ctx;
	size_t klen, nlen;
	const char *kind = ov_json_peek(rec->text, rec->len, "kind", &klen);
	const char *name = NULL;
	struct view v;
	bool event = kind != NULL && klen == 5 && memcmp(kind, "event", 5) == 0;
	bool sample = kind != NULL && klen == 6 &&
	    memcmp(kind, "sample", 6) == 0;

	if (kind != NULL && !sample && !event && !r->pass)
		return 0;
	if ((sample || event) && scan_record(rec->text, rec->len, r->line, &v,
	    &kind)) {
		if (!engine_wants(&r->engine, v.name, strlen(v.name), event))
			engine_advance(&r->engine, v.time);
		else if (event)
			engine_event(&r->engine, &v);
		else
			engine_sample(&r->engine, &v);
		return 0;
	}
	if (sample || event)
		name = ov_json_peek(rec->text, rec->len, event ? "event" :
		    "metric", &nlen);
	if (name != NULL && !engine_wants(&r->engine, name, nlen, event)) {
		advance_clock(r, rec);
		return 0;
	}
	return evaluate(r, rec);
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

static void
load_rules(struct ruleset *set, const struct options *o)
{
	char path[4096];
	const char *rules = o->rules;

	if (rules == NULL) {
		if (!ov_data_path("alarms.conf", path, sizeof path))
			ov_die(OV_EXIT_RESOURCE, "alarms.conf: the default "
			    "rules file was not found; name one with --rules "
			    "FILE or set OV_DATADIR");
		rules = path;
	}
	if (rules_load(set, rules, NULL) < 0 ||
	    (o->rules_dir != NULL && rules_load_dir(set, o->rules_dir) < 0))
		exit(OV_EXIT_RESOURCE);
	ov_note(1, "%zu rules loaded", set->n);
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
	ov_loop_init(&loop);
	first = parse_options(argc, argv, &o, &loop);
	if (o.format == OUT_NAGIOS)
		on_exit(nagios_unknown, NULL);
	load_rules(&rules, &o);
	if (o.check)
		return OV_EXIT_OK;

	r = calloc(1, sizeof *r);
	if (r == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	r->pass = o.pass;
	r->line = malloc(loop.max_line + 2);
	if (r->line == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
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
	if (o.format == OUT_NAGIOS) {
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
	engine_free(&r->engine);
	rules_free(&rules);
	free(r->line);
	free(r);
	return status;
}
