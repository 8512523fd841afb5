/*
 * ovsla: SLA clocks of tickets from ticket records (see ovsla(1)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "cli.h"
#include "diag.h"
#include "json.h"
#include "ovsla.h"
#include "table.h"

/* Warning threshold: time left before the calendar's end. */
#define CALENDAR_WARN_SECONDS (60 * 86400)

static const struct ov_help help = {
	"usage: ovsla [status] [-qv] [--pass] [--strict] "
	"[--customers file | --plan name]\n"
	"             [--max-line bytes] [--now time] [--plans file] "
	"[--rejects file]\n"
	"             [--warn percent] [file ...]\n"
	"       ovsla check [-qv] [--pass] [--strict] "
	"[--customers file | --plan name]\n"
	"             [--max-line bytes] [--now time] [--plans file] "
	"[--rejects file]\n"
	"             [--warn percent] --state file | --db database "
	"[file ...]\n"
	"       ovsla report [-qv] [--csv] [--strict] "
	"[--customers file | --plan name]\n"
	"             [--max-line bytes] [--now time] [--plans file] "
	"[--rejects file]\n"
	"             [--warn percent] --month YYYY-MM [file ...]",
	"\n"
	"Reads ticket records (ovticket export) and computes the SLA targets\n"
	"of each ticket: reaction, workaround and resolution.\n"
	"\n"
	"  status                 one sla record per target as of --now\n"
	"                         (the default command)\n"
	"  check                  only the targets that became at_risk,\n"
	"                         breached or met since the last run\n"
	"  report                 per customer: targets met, breached and\n"
	"                         running, compliance, reaction times\n"
	"\n"
	"  --customers FILE       customers.csv: each ticket's plan is its\n"
	"                         customer's plan (default: $OV_CUSTOMERS,\n"
	"                         else /etc/ov/customers.csv, else plan\n"
	"                         24x7 for every ticket)\n"
	"  --plan NAME            use this plan for every ticket instead\n"
	"  --plans FILE           plans.conf (default: the installed one,\n"
	"                         else the built-in 24x7 and nbd plans)\n"
	"  --now TIME             instant of evaluation, RFC 3339 (default:\n"
	"                         the current time); later events are ignored\n"
	"  --warn PERCENT         at_risk when at most PERCENT of a target\n"
	"                         is left (0 to 100, default 25)\n"
	"  --state FILE           check: the state of the last run\n"
	"  --db DATABASE          check: keep that state in the table\n"
	"                         sla_check_state of a SQLite file or a\n"
	"                         postgresql:// URI, shared by several hosts\n"
	"  --month YYYY-MM        report: tickets opened in this month\n"
	"  --csv                  report: write CSV with a header row\n"
	"  --pass                 copy records of other kinds to the output\n"
	"  --strict               stop at the first invalid record\n"
	"  --rejects FILE         append invalid lines to FILE\n"
	"  --max-line BYTES       longest input line (default 1048576)\n"
	"  -q, --quiet            hide warnings\n"
	"  -v, --verbose          print notes about the run\n"
	"  --help, --version\n"
	"\n"
	"Exit status: 0 success; 1 invalid records or tickets whose SLA could\n"
	"not be computed (reported); 2 usage error; 3 a file could not be used.\n"
};

enum command { CMD_STATUS, CMD_CHECK, CMD_REPORT };

static const char *const commands[] = { "status", "check", "report", NULL };

enum {
	OPT_CSV = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_CUSTOMERS,
	OPT_MONTH,
	OPT_PASS,
	OPT_PLAN,
	OPT_PLANS,
	OPT_STATE,
	OPT_DB,
	OPT_WARN,
};

static const struct option longopts[] = {
	OV_COMMON_LONGOPTS,
	OV_LOOP_LONGOPTS,
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "customers", required_argument, NULL, OPT_CUSTOMERS },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "now", required_argument, NULL, OV_OPT_NOW },
	{ "pass", no_argument, NULL, OPT_PASS },
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ "plans", required_argument, NULL, OPT_PLANS },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "db", required_argument, NULL, OPT_DB },
	{ "warn", required_argument, NULL, OPT_WARN },
	{ NULL, 0, NULL, 0 },
};

struct options {
	enum command command;
	bool csv, pass;
	const char *customers, *plan, *plans, *state, *db, *month;
	int year, mon;
	int64_t now;
	int warn;
	struct ov_loop loop;
};

/* Everything a ticket callback needs. */
struct run {
	struct sla_config cfg;
	enum command command;
	struct sla_output *out;
	struct check_state *check;
	struct month_report *report;
	long changes;
};

static void
program_option(int opt, struct options *o)
{
	switch (opt) {
	case OPT_CSV:
		o->csv = true;
		break;
	case OPT_CUSTOMERS:
		o->customers = optarg;
		break;
	case OPT_MONTH:
		ov_cli_month("--month", optarg, &o->year, &o->mon);
		o->month = optarg;
		break;
	case OV_OPT_NOW:
		o->now = ov_cli_time("--now", optarg);
		break;
	case OPT_PASS:
		o->pass = true;
		break;
	case OPT_PLAN:
		o->plan = optarg;
		break;
	case OPT_PLANS:
		o->plans = optarg;
		break;
	case OPT_STATE:
		o->state = optarg;
		break;
	case OPT_DB:
		o->db = optarg;
		break;
	case OPT_WARN:
		o->warn = (int)ov_cli_long("--warn", optarg, 0, 100);
		break;
	}
}

/* Takes the command from the first operand when it names one. */
static void
take_command(int argc, char **argv, struct options *o)
{
	const char *word;

	if (optind >= argc)
		return;
	word = argv[optind];
	for (int i = 0; commands[i] != NULL; i++)
		if (strcmp(word, commands[i]) == 0) {
			o->command = (enum command)i;
			optind++;
			return;
		}
	/* A word that is no file and looks like a command is a typo. */
	if (strcmp(word, "-") != 0 && access(word, F_OK) != 0 &&
	    strpbrk(word, "/.") == NULL)
		ov_cli_bad_command(word, commands);
}

/* The customers file of the shipped crontab and systemd units. */
#define DEFAULT_CUSTOMERS "/etc/ov/customers.csv"

static void
check_combinations(struct options *o)
{
	const char *env = getenv("OV_CUSTOMERS");

	if (o->customers == NULL && o->plan == NULL && env != NULL &&
	    *env != '\0')
		o->customers = env;
	if (o->customers == NULL && o->plan == NULL &&
	    access(DEFAULT_CUSTOMERS, R_OK) == 0)
		o->customers = DEFAULT_CUSTOMERS;
	if (o->customers == NULL && o->plan == NULL) {
		/* A plain `ovsla report --month M` still writes its report,
		 * on the wall clock, and names the plan it assumed. */
		ov_warn("no customers file (--customers, $OV_CUSTOMERS or %s) "
		    "and no --plan: every ticket uses plan 24x7",
		    DEFAULT_CUSTOMERS);
		o->plan = "24x7";
	}
	if (o->customers != NULL && o->plan != NULL)
		ov_usage_error("--customers and --plan cannot be combined");
	if (o->command == CMD_CHECK && (o->state == NULL) == (o->db == NULL))
		ov_usage_error("check needs --state FILE or --db DATABASE");
	if (o->command != CMD_CHECK && (o->state != NULL || o->db != NULL))
		ov_usage_error("--state and --db are for the check command");
	if (o->command == CMD_REPORT && o->month == NULL)
		ov_usage_error("report needs --month YYYY-MM");
	if (o->command != CMD_REPORT && (o->month != NULL || o->csv))
		ov_usage_error("--month and --csv are for the report command");
	if (o->command == CMD_REPORT && o->pass)
		ov_usage_error("--pass cannot be used with report");
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	const struct option *lo = longopts;
	int opt;

	while ((opt = getopt_long(argc, argv, ":qv", lo, NULL)) != -1) {
		if (opt >= OV_OPT_FIRST_PROGRAM_OPTION || opt == OV_OPT_NOW)
			program_option(opt, o);
		else if (!ov_cli_common(opt, optarg, argc, argv, lo, &help,
		    &o->loop))
			ov_usage_error("unhandled option");
	}
	take_command(argc, argv, o);
	check_combinations(o);
}

/* Warns when a ticket used the business clock and the holiday file is
 * about to run out, before SLA computations start failing. */
static void
warn_calendar_end(const struct sla_config *cfg)
{
	const struct ov_business_calendar *bc = cfg->calendar;
	int64_t end = ov_business_end(bc);
	char now[OV_TIME_LEN];

	if (!cfg->used_business_clock || end - cfg->now > CALENDAR_WARN_SECONDS)
		return;
	ov_time_format(cfg->now, now);
	if (end <= cfg->now)
		ov_warn("the holiday file %s lists holidays up to %d only, "
		    "which has ended by %s: add the holidays of the years "
		    "after %d", bc->file, bc->last_year, now, bc->last_year);
	else
		ov_warn("the holiday file %s lists holidays up to %d, which "
		    "ends within 60 days of %s: add the holidays of %d",
		    bc->file, bc->last_year, now, bc->last_year + 1);
}

static void
load_files(const struct options *o, struct ov_plans *plans,
    struct ov_customers *customers, struct ov_business_calendar *bc,
    struct sla_config *cfg)
{
	char err[600];

	if (ov_plans_load(o->plans, plans, err, sizeof err) != 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	if (o->customers != NULL && ov_customers_load(o->customers, customers,
	    err, sizeof err) != 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	if (ov_business_init(bc, &plans->calendar, err, sizeof err) != 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	cfg->plans = plans;
	cfg->customers = o->customers != NULL ? customers : NULL;
	cfg->calendar = bc;
	if (o->plan != NULL) {
		cfg->plan = ov_plan_find(plans, o->plan);
		if (cfg->plan == NULL)
			ov_usage_error("--plan '%s': no such plan in %s",
			    o->plan, plans->path[0] ? plans->path :
			    "the built-in plans");
	}
}

static void
report_changes(struct run *r, const struct ticket_sla *t)
{
	for (int i = 0; i < t->ntargets; i++) {
		const struct target_result *res = &t->targets[i];
		int prev = check_previous(r->check, t->ticket, res->target);
		bool notable = res->state == ST_AT_RISK ||
		    res->state == ST_BREACHED || res->state == ST_MET;
		bool changed = prev != (int)res->state ||
		    (res->met_at >= 0 && check_met_changed(r->check,
		    t->ticket, res->target, res->met_at));

		if (notable && changed) {
			output_target(r->out, t, res, r->cfg.now);
			r->changes++;
		}
		check_record(r->check, t->ticket, res->target, res->state,
		    res->met_at);
	}
}

static int
on_ticket(const struct event *ev, size_t n, const struct event_table *et,
    void *ctx)
{
	struct run *r = ctx;
	struct ticket_sla t;
	int rc = sla_compute(&r->cfg, ev, n, et, &t);

	if (r->command == CMD_STATUS)
		for (int i = 0; i < t.ntargets; i++)
			output_target(r->out, &t, &t.targets[i], r->cfg.now);
	else if (r->command == CMD_CHECK)
		report_changes(r, &t);
	else if (t.plan != NULL)
		report_add(r->report, &t);
	return rc < 0 ? -1 : 0;
}

/* Computes every ticket and writes the command's output; returns the
 * number of tickets that failed. */
static long
run_command(const struct options *o, struct run *r, struct event_table *et)
{
	bool table = ov_stdout_is_terminal();
	long failed;

	r->command = o->command;
	if (o->command == CMD_REPORT)
		r->report = report_new(o->year, o->mon, o->now,
		    r->cfg.customers, o->plan);
	else
		r->out = output_new(table);
	if (o->command == CMD_CHECK)
		r->check = o->db != NULL ? check_open_db(o->db) :
		    check_open(o->state);
	failed = events_each_ticket(et, on_ticket, r);
	if (r->report != NULL)
		report_write(r->report, o->csv, table);
	else
		output_finish(r->out);
	ov_out_flush();
	if (r->check != NULL) {
		ov_note(1, "%ld changes reported", r->changes);
		if (check_commit(r->check) != 0)
			failed++;
		check_close(r->check);
	}
	return failed;
}

int
main(int argc, char **argv)
{
	struct options o = { .warn = 25, .now = (int64_t)time(NULL) };
	struct ov_plans plans = { 0 };
	struct ov_customers customers = { 0 };
	struct ov_business_calendar bc;
	struct event_table et;
	struct run r = { 0 };
	int status = OV_EXIT_OK;

	ov_set_progname(argv[0]);
	ov_loop_init(&o.loop);
	parse_options(argc, argv, &o);
	load_files(&o, &plans, &customers, &bc, &r.cfg);
	r.cfg.now = o.now;
	r.cfg.warn_percent = o.warn;
	ov_out_init();

	events_init(&et);
	et.pass = o.pass;
	if (ov_loop_run(&o.loop, argv + optind, argc - optind, events_record,
	    &et) < 0)
		status = OV_EXIT_FAIL;
	if (ov_loop_finish(&o.loop) < 0)
		status = OV_EXIT_FAIL;
	if (o.loop.stopped) {
		/* --strict: nothing is written from part of the input. */
		status = OV_EXIT_FAIL;
		goto out;
	}
	events_sort(&et);
	ov_note(1, "%ld records read, %zu ticket events used", o.loop.records,
	    et.count);
	if (run_command(&o, &r, &et) > 0)
		status = OV_EXIT_FAIL;
	warn_calendar_end(&r.cfg);
	if (o.loop.read_failed)
		status = OV_EXIT_RESOURCE;

out:
	events_free(&et);
	ov_business_free(&bc);
	ov_customers_free(&customers);
	ov_plans_free(&plans);
	return status;
}
