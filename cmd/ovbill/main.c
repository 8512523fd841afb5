/*
 * ovbill: monthly invoice lines from cluster.cores samples and ticket
 * worklogs (see ovbill(1)).
 */
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "cli.h"
#include "diag.h"
#include "json.h"
#include "ovbill.h"
#include "table.h"

static const struct ov_help help = {
	"usage: ovbill [-qv] [--csv] [--strict] [--deployments file] "
	"[--max-gap duration]\n"
	"              [--max-line bytes] [--plans file] [--rejects file] "
	"[--tz zone]\n"
	"              --month YYYY-MM --customers file [file ...]\n"
	"       ovbill usage [-qv] [--csv] [--strict] [--customers file]\n"
	"              [--deployments file] [--max-gap duration] "
	"[--max-line bytes]\n"
	"              [--rejects file] [--tz zone] --month YYYY-MM "
	"[file ...]",
	"\n"
	"Reads cluster.cores samples and ticket records (ovticket export) and\n"
	"writes the invoice lines of one month for every customer whose\n"
	"contract covers part of it, also customers with no usage.  The\n"
	"usage command writes each deployment's core-minutes per day.\n"
	"\n"
	"  --month YYYY-MM        calendar month billed, in the --tz zone\n"
	"  --customers FILE       customers.csv: plans, contracts, rates\n"
	"  --deployments FILE     deployments.csv: owner of samples that have\n"
	"                         no customer field\n"
	"  --plans FILE           plans.conf (default: the installed one,\n"
	"                         else the built-in 24x7 and nbd plans)\n"
	"  --max-gap DURATION     longest time a sample covers until the next\n"
	"                         one (default 5m); longer gaps are not\n"
	"                         charged and are reported\n"
	"  --tz ZONE              zone of the month and contract dates\n"
	"                         (default Europe/Madrid)\n"
	"  --csv                  write CSV with a header row\n"
	"  --strict               stop at the first invalid record\n"
	"  --rejects FILE         append invalid lines to FILE\n"
	"  --max-line BYTES       longest input line (default 1048576)\n"
	"  -q, --quiet            hide warnings\n"
	"  -v, --verbose          print notes about the run\n"
	"  --help, --version\n"
	"\n"
	"Exit status: 0 success; 1 invalid records, usage or work that could\n"
	"not be billed (reported); 2 usage error; 3 a file could not be used.\n"
};

enum {
	OPT_CSV = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_CUSTOMERS,
	OPT_DEPLOYMENTS,
	OPT_MAX_GAP,
	OPT_MONTH,
	OPT_PLANS,
	OPT_TZ,
};

static const struct option longopts[] = {
	OV_COMMON_LONGOPTS,
	OV_LOOP_LONGOPTS,
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "customers", required_argument, NULL, OPT_CUSTOMERS },
	{ "deployments", required_argument, NULL, OPT_DEPLOYMENTS },
	{ "max-gap", required_argument, NULL, OPT_MAX_GAP },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "plans", required_argument, NULL, OPT_PLANS },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ NULL, 0, NULL, 0 },
};

struct options {
	bool usage_report;
	bool csv;
	const char *customers, *deployments, *plans, *month, *tz;
	int64_t max_gap;
	int year, mon;
	struct ov_loop loop;
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	int opt;

	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_CSV:
			o->csv = true;
			break;
		case OPT_CUSTOMERS:
			o->customers = optarg;
			break;
		case OPT_DEPLOYMENTS:
			o->deployments = optarg;
			break;
		case OPT_MAX_GAP:
			o->max_gap = ov_cli_duration("--max-gap", optarg);
			if (o->max_gap > BILL_MAX_GAP_SECONDS)
				ov_usage_error("--max-gap '%s': at most 1d",
				    optarg);
			break;
		case OPT_MONTH:
			ov_cli_month("--month", optarg, &o->year, &o->mon);
			o->month = optarg;
			break;
		case OPT_PLANS:
			o->plans = optarg;
			break;
		case OPT_TZ:
			o->tz = optarg;
			break;
		default:
			if (!ov_cli_common(opt, optarg, argc, argv, longopts,
			    &help, &o->loop))
				ov_usage_error("unhandled option");
		}
	}
	if (o->month == NULL)
		ov_usage_error("--month is required");
	if (o->customers == NULL && !o->usage_report)
		ov_usage_error("--customers is required");
}

/* Loads the files named by options; any error exits with status 3. */
static void
load_files(const struct options *o, struct ov_customers *customers,
    struct ov_deployments *deployments, struct ov_plans *plans)
{
	char err[512];

	if (o->customers != NULL &&
	    ov_customers_load(o->customers, customers, err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	if (o->deployments != NULL &&
	    ov_deployments_load(o->deployments, deployments, err,
	    sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	if (!o->usage_report &&
	    ov_plans_load(o->plans, plans, err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
}

static enum format
output_format(const struct options *o)
{
	if (o->csv)
		return FORMAT_CSV;
	return ov_stdout_is_terminal() ? FORMAT_TABLE : FORMAT_RECORDS;
}

int
main(int argc, char **argv)
{
	struct options o = { .max_gap = 300, .tz = "Europe/Madrid" };
	struct ov_customers customers = { 0 };
	struct ov_deployments deployments = { 0 };
	struct ov_plans plans = { 0 };
	struct month month;
	struct usage usage;
	struct input_state st = { 0 };
	char err[256];
	int status = OV_EXIT_OK;

	ov_set_progname(argv[0]);
	ov_loop_init(&o.loop);
	if (argc > 1 && strcmp(argv[1], "usage") == 0) {
		o.usage_report = true;
		argv++;
		argc--;
	}
	parse_options(argc, argv, &o);
	if (ov_zone_set(o.tz, err, sizeof err) < 0)
		ov_usage_error("--tz: %s", err);
	if (month_init(&month, o.year, o.mon) < 0)
		ov_usage_error("--tz '%s': offsets that are not whole minutes "
		    "are not supported", o.tz);
	load_files(&o, &customers, &deployments, &plans);
	ov_out_init();

	usage_init(&usage, &month, o.max_gap);
	st.usage = &usage;
	st.work = work_new();
	st.deployments = &deployments;
	if (ov_loop_run(&o.loop, argv + optind, argc - optind, bill_record,
	    &st) < 0)
		status = OV_EXIT_FAIL;
	if (ov_loop_finish(&o.loop) < 0)
		status = OV_EXIT_FAIL;
	ov_note(1, "%ld records read, %ld cluster.cores samples used, %zu "
	    "deployments", o.loop.records, st.samples, usage.nseries);

	if (o.loop.stopped) {
		/* Invoices from part of the input would be wrong, not short. */
		ov_error("--strict: stopped at the first invalid record; "
		    "nothing written");
	} else if (o.loop.strict && o.loop.read_failed) {
		/* The same holds for a whole input file left out. */
		ov_error("--strict: an input file could not be read; nothing "
		    "written");
		status = OV_EXIT_FAIL;
	} else if (o.usage_report) {
		if (report_usage(&usage, output_format(&o)) < 0)
			status = OV_EXIT_FAIL;
	} else if (bill(&usage, st.work, &customers, o.customers, &plans,
	    output_format(&o)) < 0)
		status = OV_EXIT_FAIL;

	usage_free(&usage);
	work_free(st.work);
	free(st.sorted);
	ov_customers_free(&customers);
	ov_deployments_free(&deployments);
	if (!o.usage_report)
		ov_plans_free(&plans);
	/* An input file that could not be read at all is a resource error. */
	if (o.loop.read_failed)
		status = OV_EXIT_RESOURCE;
	return status;
}
