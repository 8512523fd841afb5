/*
 * ovticket portal: writes the static web portal from the store, and swaps
 * it in whole so that a web server never serves a half-written site.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"
#include "commands.h"
#include "cli.h"
#include "diag.h"
#include "inventory.h"
#include "portal.h"
#include "statefile.h"
#include "store.h"

static const struct ov_help portal_help = {
	"usage: ovticket portal [-qv] [--customers FILE] [--db FILE] "
	"[--now TIME]\n"
	"                       [--sla FILE] --out DIR [--reports FILE ...]",
	"Write the static web portal: a staff overview with every ticket, and\n"
	"one tree per customer under DIR/customers/ID/ with only its tickets.\n"
	"\n"
	"  --out DIR          folder of the site, replaced whole on each run\n"
	"  --sla FILE         sla records (from ovsla status) for SLA states\n"
	"  --reports FILE ... report records (from ovalarm report) for the\n"
	"                     monthly evolution pages; the operands after\n"
	"                     the options are further report files\n"
	"  --customers FILE   customers.csv, for names and customers without\n"
	"                     tickets\n"
	"  --db FILE          ticket database (default: $OV_DB)\n"
	"  --now TIME         write the site as it was at TIME (RFC 3339)\n"
	"  -v, -q             more notes, no warnings\n"
	"  --help, --version  show this help or the version\n"
	"\n"
	"Times are shown in the local time of TZ (for example\n"
	"TZ=Europe/Madrid).  Compute --sla with 'ovsla status --now' at the\n"
	"same instant as --now.\n",
};

enum {
	OPT_OUT = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_SLA,
	OPT_CUSTOMERS,
	OPT_REPORTS,
};

static const struct option portal_options[] = {
	OV_COMMON_LONGOPTS,
	{ "out", required_argument, NULL, OPT_OUT },
	{ "sla", required_argument, NULL, OPT_SLA },
	{ "customers", required_argument, NULL, OPT_CUSTOMERS },
	{ "reports", required_argument, NULL, OPT_REPORTS },
	TK_DB_LONGOPT,
	{ "now", required_argument, NULL, OV_OPT_NOW },
	{ NULL, 0, NULL, 0 },
};

struct portal_args {
	char *out;		/* a copy without trailing slashes */
	const char *sla;
	const char *customers;
	char **reports;		/* report files: --reports and the operands */
	int nreports;
	bool now_given;		/* --now: leave out later activity */
};

static int
add_event(const struct tk_event *ev, void *ctx)
{
	portal_add_event(ctx, ev);
	return 0;
}

/* Takes the sla records of a file and ignores records of other kinds, so
 * the output of ovsla can be given as it is. */
static int
add_sla(struct ov_record *rec, void *ctx)
{
	size_t len;
	const char *kind = ov_json_peek(rec->text, rec->len, "kind", &len);
	const cJSON *k;
	cJSON *obj;
	char err[256];
	int rc = 0;

	if (kind != NULL && (len != 3 || memcmp(kind, "sla", 3) != 0))
		return 0;
	if ((obj = ov_record_parse(rec)) == NULL)
		return -1;
	k = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	if (cJSON_IsString(k) && strcmp(k->valuestring, "sla") == 0 &&
	    portal_add_sla_record(ctx, obj, err, sizeof err) < 0)
		rc = ov_reject(rec, "%s", err);
	cJSON_Delete(obj);
	return rc;
}

/* Takes the report records of a file and ignores records of other kinds,
 * so the output of ovalarm report can be given as it is. */
static int
add_report(struct ov_record *rec, void *ctx)
{
	size_t len;
	const char *kind = ov_json_peek(rec->text, rec->len, "kind", &len);
	const cJSON *k;
	cJSON *obj;
	int rc = 0;

	if (kind != NULL && (len != 6 || memcmp(kind, "report", 6) != 0))
		return 0;
	if ((obj = ov_record_parse(rec)) == NULL)
		return -1;
	k = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	if (cJSON_IsString(k) && strcmp(k->valuestring, "report") == 0)
		rc = portal_add_report(ctx, rec, obj);
	cJSON_Delete(obj);
	return rc;
}

/* Loads the report records; returns -1 when some were rejected.  A file
 * that cannot be read is fatal, because the charts would silently lose
 * its months. */
static int
load_reports(struct portal *p, char **paths, int npaths)
{
	struct ov_loop loop;
	int rc;

	ov_loop_init(&loop);
	p->have_reports = true;
	rc = ov_loop_run(&loop, paths, npaths, add_report, p);
	if (loop.read_failed)
		ov_die(OV_EXIT_RESOURCE, "cannot read the report records; "
		    "the site was not written");
	ov_loop_finish(&loop);
	return rc;
}

static void
load_customers(struct portal *p, const char *path)
{
	struct ov_customers c;
	char err[512];

	if (ov_customers_load(path, &c, err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	for (size_t i = 0; i < c.count; i++)
		portal_add_customer(p, c.items[i].id, c.items[i].name);
	ov_customers_free(&c);
}

/* Loads the SLA records; returns -1 when some were rejected. */
static int
load_sla(struct portal *p, const char *path)
{
	struct ov_loop loop;
	char *paths[] = { (char *)path };
	int rc;

	ov_loop_init(&loop);
	rc = ov_loop_run(&loop, paths, 1, add_sla, p);
	if (loop.read_failed)
		ov_die(OV_EXIT_RESOURCE, "%s: cannot read the sla records",
		    path);
	ov_loop_finish(&loop);
	return rc;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Puts the new site at out: exchanges the two folders in one atomic step
 * (renameat2 RENAME_EXCHANGE) when out exists, else renames, and then
 * removes the old site.
 */
static void
swap_site(const char *tmp, const char *out)
{
	struct stat st;

	if (lstat(out, &st) == 0) {
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out,
		    RENAME_EXCHANGE) < 0)
			ov_die(OV_EXIT_RESOURCE, "%s: cannot replace the site: "
			    "%s", out, strerror(errno));
		remove_tree(tmp);
	} else if (rename(tmp, out) < 0) {
		ov_die(OV_EXIT_RESOURCE, "%s: cannot create the site: %s", out,
		    strerror(errno));
	}
}

static void
parse_args(int argc, char **argv, struct portal_args *a, struct portal *p)
{
	const char *out = NULL;
	int opt;

	/* Each report file is one argument, so argc bounds their number. */
	if ((a->reports = calloc(argc, sizeof *a->reports)) == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	while ((opt = getopt_long(argc, argv, ":qv", portal_options,
	    NULL)) != -1) {
		if (ov_cli_common(opt, optarg, argc, argv, portal_options,
		    &portal_help, NULL))
			continue;
		if (opt == OPT_OUT)
			out = optarg;
		else if (opt == OPT_SLA)
			a->sla = optarg;
		else if (opt == OPT_CUSTOMERS)
			a->customers = optarg;
		else if (opt == OPT_REPORTS)
			a->reports[a->nreports++] = optarg;
		else if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (opt == OV_OPT_NOW) {
			p->now = ov_cli_time("--now", optarg);
			a->now_given = true;
		}
	}
	if (optind < argc && a->nreports == 0)
		ov_usage_error("unexpected operand '%s'", argv[optind]);
	while (optind < argc)
		a->reports[a->nreports++] = argv[optind++];
	if (out == NULL)
		ov_usage_error("missing --out DIR");
	/* "site/" would put the temporary folder inside the old site. */
	if ((a->out = strdup(out)) == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	while (strlen(a->out) > 1 && a->out[strlen(a->out) - 1] == '/')
		a->out[strlen(a->out) - 1] = '\0';
}

int
tk_cmd_portal(int argc, char **argv)
{
	struct portal_args a = { 0 };
	struct portal p = { 0 };
	struct tk_filter f;
	struct tk_store *st;
	char tmp[4096], err[4200];
	int lock, rc = OV_EXIT_OK;

	p.now = time(NULL);
	parse_args(argc, argv, &a, &p);
	if (a.customers != NULL)
		load_customers(&p, a.customers);
	if (a.sla != NULL && load_sla(&p, a.sla) < 0)
		rc = OV_EXIT_FAIL;
	if (a.nreports > 0 && load_reports(&p, a.reports, a.nreports) < 0)
		rc = OV_EXIT_FAIL;
	st = tk_store_open_default(TK_OPEN_READONLY);
	tk_filter_init(&f);
	/* Without --now, activity recorded with a later --at still shows. */
	if (a.now_given)
		f.until = p.now + 1;
	tk_events_each(st, &f, add_event, &p);
	tk_store_close(st);
	portal_finish(&p);

	if ((lock = ov_lock(a.out, 10000, err, sizeof err)) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	snprintf(tmp, sizeof tmp, "%s.tmp", a.out);
	remove_tree(tmp);
	if (mkdir(tmp, 0755) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s: %s", tmp, strerror(errno));
	if (portal_render(&p, tmp, err, sizeof err) < 0) {
		remove_tree(tmp);
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	}
	swap_site(tmp, a.out);
	ov_unlock(lock);
	ov_note(1, "%s: %zu tickets, %zu customers", a.out, p.ntickets,
	    p.ncustomers);
	portal_free(&p);
	free(a.reports);
	free(a.out);
	return rc;
}
