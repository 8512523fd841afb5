/*
 * The engineer commands: open, and one command per ticket action (ack,
 * note, reply, workaround, resolve, close, reopen, pending, resume,
 * severity, assign, worklog).
 */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"
#include "civil.h"
#include "cli.h"
#include "commands.h"
#include "diag.h"
#include "inventory.h"
#include "json.h"

enum {
	OPT_BY = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_AT,
	OPT_TEXT,
	OPT_PUBLIC,
	OPT_TO,
	OPT_MINUTES,
	OPT_SEVERITY,
	OPT_CUSTOMER,
	OPT_CHANNEL,
	OPT_SUMMARY,
	OPT_DEPLOYMENT,
};

const char *
tk_login_name(void)
{
	const char *name = getlogin();
	struct passwd *pw;

	if (name != NULL && *name != '\0')
		return name;
	pw = getpwuid(geteuid());
	if (pw != NULL && pw->pw_name != NULL)
		return pw->pw_name;
	return "unknown";
}

void
tk_print_event(const struct tk_event *ev)
{
	struct ov_buf b = { 0 };

	tk_event_format(ev, &b);
	ov_out_write(&b);
	ov_buf_free(&b);
}

int64_t
tk_parse_ticket(const char *arg)
{
	return ov_cli_long("ticket", arg[0] == '#' ? arg + 1 : arg, 1,
	    LONG_MAX);
}

static bool
is_pending(struct tk_store *st, int64_t id)
{
	struct tk_ticket t;
	bool pending;

	if (!tk_ticket_get(st, id, &t))
		return false;
	pending = t.pending;
	tk_ticket_free(&t);
	return pending;
}

/* Records ev in its own transaction and prints it; returns the exit
 * status.  Resolving a ticket that waits on the customer ends the wait: a
 * "resumed" event goes first, so that the clocks of a later reopen run. */
static int
record_one(struct tk_event *ev)
{
	struct tk_store *st = tk_store_open_default(TK_OPEN_CREATE);
	struct tk_event resumed = { .ticket = ev->ticket, .time = ev->time,
		.action = TK_RESUMED, .by = ev->by };
	bool resume;
	char err[512], when[OV_TIME_LEN];
	enum tk_result res = TK_RECORDED;

	tk_begin(st);
	resume = ev->action == TK_RESOLVED && is_pending(st, ev->ticket);
	if (resume)
		res = tk_apply(st, &resumed, NULL, 0, err, sizeof err);
	if (res == TK_RECORDED)
		res = tk_apply(st, ev, NULL, 0, err, sizeof err);
	/* Checked once recorded, so that a lifecycle error is reported first. */
	if (res == TK_RECORDED && ev->action != TK_OPENED &&
	    tk_event_copies(st, ev) > 1) {
		ov_time_format(ev->time, when);
		snprintf(err, sizeof err, "ticket %lld: the same %s event is "
		    "already recorded at %s; give another --at if this is a "
		    "new one", (long long)ev->ticket, tk_action_name(ev->action),
		    when);
		res = TK_REJECTED;
	}
	if (res != TK_RECORDED) {
		tk_rollback(st);
		tk_store_close(st);
		ov_error("%s", err);
		return OV_EXIT_FAIL;
	}
	tk_commit(st);
	tk_store_close(st);
	if (resume)
		tk_print_event(&resumed);
	tk_print_event(ev);
	ov_out_flush();
	return OV_EXIT_OK;
}

/* An engineer command's action and the options it takes. */
struct action_spec {
	const char *command;
	enum tk_action action;
	unsigned options;	/* bits of OPT_* - OPT_BY */
	const char *flags;	/* usage of its options without a value */
	const char *required;	/* usage of its required options */
};

#define O(x) (1u << ((x) - OPT_BY))
#define BASE (O(OPT_BY) | O(OPT_AT))

static const struct action_spec specs[] = {
	{ "ack", TK_ACKNOWLEDGED, BASE, "", "" },
	{ "note", TK_NOTE, BASE | O(OPT_TEXT) | O(OPT_PUBLIC), "[--public] ",
	    "--text TEXT " },
	{ "reply", TK_CUSTOMER_REPLY, BASE | O(OPT_TEXT), "", "--text TEXT " },
	{ "workaround", TK_WORKAROUND, BASE | O(OPT_TEXT), "",
	    "--text TEXT " },
	{ "resolve", TK_RESOLVED, BASE | O(OPT_TEXT), "", "--text TEXT " },
	{ "close", TK_CLOSED, BASE, "", "" },
	{ "reopen", TK_REOPENED, BASE | O(OPT_TEXT), "", "--text TEXT " },
	{ "pending", TK_PENDING, BASE, "", "" },
	{ "resume", TK_RESUMED, BASE, "", "" },
	{ "severity", TK_SEVERITY, BASE | O(OPT_SEVERITY), "",
	    "--severity critical|normal " },
	{ "assign", TK_ASSIGNED, BASE | O(OPT_TO), "", "--to NAME " },
	{ "worklog", TK_WORKLOG, BASE | O(OPT_MINUTES), "", "--minutes N " },
};

static const struct option action_longopts[] = {
	OV_COMMON_LONGOPTS,
	TK_DB_LONGOPT,
	{ "by", required_argument, NULL, OPT_BY },
	{ "at", required_argument, NULL, OPT_AT },
	{ "now", required_argument, NULL, OPT_AT },	/* same as --at */
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "public", no_argument, NULL, OPT_PUBLIC },
	{ "to", required_argument, NULL, OPT_TO },
	{ "minutes", required_argument, NULL, OPT_MINUTES },
	{ "severity", required_argument, NULL, OPT_SEVERITY },
	{ NULL, 0, NULL, 0 },
};

static const struct action_spec *
find_spec(const char *command)
{
	for (size_t i = 0; i < sizeof specs / sizeof *specs; i++)
		if (strcmp(specs[i].command, command) == 0)
			return &specs[i];
	ov_die(OV_EXIT_USAGE, "unknown action command '%s'", command);
}

static const char *
option_name(int opt)
{
	for (const struct option *o = action_longopts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

/* Sets one action option in ev, or rejects an option the action does not
 * take. */
static void
set_action_option(const struct action_spec *spec, int opt, const char *arg,
    struct tk_event *ev)
{
	if (!(spec->options & O(opt)))
		ov_usage_error("%s does not take --%s", spec->command,
		    option_name(opt));
	switch (opt) {
	case OPT_BY:
		ev->by = arg;
		break;
	case OPT_AT:
		ev->time = ov_cli_time("--at", arg);
		break;
	case OPT_TEXT:
		ev->text = arg;
		break;
	case OPT_PUBLIC:
		ev->is_public = true;
		break;
	case OPT_TO:
		ev->to = arg;
		break;
	case OPT_MINUTES:
		ev->minutes = ov_cli_long("--minutes", arg, 1, 7 * 24 * 60);
		break;
	case OPT_SEVERITY:
		ev->severity = arg;
		break;
	}
}

static void
check_required(const struct action_spec *spec, const struct tk_event *ev)
{
	if ((spec->options & O(OPT_TEXT)) && (ev->text == NULL ||
	    *ev->text == '\0'))
		ov_usage_error("%s needs --text TEXT", spec->command);
	if ((spec->options & O(OPT_TO)) && ev->to == NULL)
		ov_usage_error("%s needs --to NAME", spec->command);
	if ((spec->options & O(OPT_MINUTES)) && ev->minutes == 0)
		ov_usage_error("%s needs --minutes N", spec->command);
	if ((spec->options & O(OPT_SEVERITY)) && ev->severity == NULL)
		ov_usage_error("%s needs --severity critical|normal",
		    spec->command);
	if (ev->severity != NULL && !tk_valid_severity(ev->severity))
		ov_usage_error("--severity '%s': use critical or normal",
		    ev->severity);
}

int
tk_cmd_action(int argc, char **argv)
{
	const struct action_spec *spec = find_spec(argv[0]);
	struct tk_event ev = { .action = spec->action, .time = time(NULL) };
	char usage[256], text[512];
	struct ov_help help = { usage, text };
	int opt;

	snprintf(usage, sizeof usage, "usage: ovticket %s [-qv] %s[--at TIME] "
	    "[--by NAME] [--db FILE]\n       %sticket", spec->command,
	    spec->flags, spec->required);
	snprintf(text, sizeof text, "\nRecords '%s' on a ticket and writes "
	    "it as a ticket record.\n--by defaults to the login name, --at "
	    "(or --now) to now.  See ovticket(1).\n",
	    tk_action_name(spec->action));
	while ((opt = getopt_long(argc, argv, ":qv", action_longopts, NULL)) !=
	    -1) {
		if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (opt >= OPT_BY && opt <= OPT_DEPLOYMENT)
			set_action_option(spec, opt, optarg, &ev);
		else if (!ov_cli_common(opt, optarg, argc, argv,
		    action_longopts, &help, NULL))
			ov_usage_error("unexpected option");
	}
	/* "severity N LEVEL" works as well as "--severity LEVEL". */
	if (spec->action == TK_SEVERITY && ev.severity == NULL &&
	    argc - optind == 2)
		ev.severity = argv[--argc];
	if (argc - optind != 1)
		ov_usage_error("%s needs one ticket number", spec->command);
	ev.ticket = tk_parse_ticket(argv[optind]);
	check_required(spec, &ev);
	if (ev.by == NULL)
		ev.by = tk_login_name();
	return record_one(&ev);
}

static const struct ov_help open_help = {
	"usage: ovticket open [-qv] [--at TIME] [--by NAME] "
	"[--channel phone|email|portal]\n"
	"       [--db FILE] [--deployment ID] --customer ID "
	"--severity critical|normal\n"
	"       --summary TEXT",
	"\n"
	"Opens a ticket and writes its 'opened' record.\n"
	"  --customer ID     the customer\n"
	"  --severity LEVEL  critical or normal\n"
	"  --channel NAME    how it was reported: phone (default), email or\n"
	"                    portal\n"
	"  --summary TEXT    one line saying what is wrong\n"
	"  --deployment ID   the deployment concerned, if known\n"
	"  --by NAME         who opens it (default: the login name)\n"
	"  --at TIME         when it was reported (default: now)\n",
};

/* Asks at the terminal for the fields of the telephone path that the
 * options did not give (see prompt.c). */
static void
prompt_missing(struct tk_event *ev)
{
	struct tk_open_fields f = { ev->customer, ev->severity, ev->summary };

	if (tk_prompt_open(&f) < 0)
		ov_die(OV_EXIT_USAGE, "open: input ended before every field "
		    "was given");
	ev->customer = f.customer;
	ev->severity = f.severity;
	ev->summary = f.summary;
}

/* Checks a new ticket's customer against $OV_CUSTOMERS when it is set, so
 * that a typo does not start a customer of its own; without the file
 * any valid identifier is taken. */
static bool
known_customer(const char *id)
{
	const char *path = getenv("OV_CUSTOMERS");
	struct ov_customers customers;
	char err[512];
	bool found;

	if (path == NULL || *path == '\0')
		return true;
	if (ov_customers_load(path, &customers, err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	found = ov_customer_find(&customers, id) != NULL;
	ov_customers_free(&customers);
	if (!found)
		ov_error("customer '%s' is not in %s ($OV_CUSTOMERS); check "
		    "the name or add the customer there first", id, path);
	return found;
}

int
tk_cmd_open(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		TK_DB_LONGOPT,
		{ "by", required_argument, NULL, OPT_BY },
		{ "at", required_argument, NULL, OPT_AT },
		{ "now", required_argument, NULL, OPT_AT },
		{ "customer", required_argument, NULL, OPT_CUSTOMER },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "summary", required_argument, NULL, OPT_SUMMARY },
		{ "deployment", required_argument, NULL, OPT_DEPLOYMENT },
		{ NULL, 0, NULL, 0 },
	};
	struct tk_event ev = { .action = TK_OPENED, .time = time(NULL),
		.channel = "phone" };
	int opt;

	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		switch (opt) {
		case TK_OPT_DB:
			tk_db_option = optarg;
			break;
		case OPT_BY:
			ev.by = optarg;
			break;
		case OPT_AT:
			ev.time = ov_cli_time("--at", optarg);
			break;
		case OPT_CUSTOMER:
			ev.customer = optarg;
			break;
		case OPT_SEVERITY:
			ev.severity = optarg;
			break;
		case OPT_CHANNEL:
			ev.channel = optarg;
			break;
		case OPT_SUMMARY:
			ev.summary = optarg;
			break;
		case OPT_DEPLOYMENT:
			ev.deployment = optarg;
			break;
		default:
			if (!ov_cli_common(opt, optarg, argc, argv, longopts,
			    &open_help, NULL))
				ov_usage_error("unexpected option");
		}
	}
	if (optind != argc)
		ov_usage_error("open takes no operands");
	if ((ev.customer == NULL || ev.severity == NULL ||
	    ev.summary == NULL) && isatty(STDIN_FILENO))
		prompt_missing(&ev);
	if (ev.customer == NULL || ev.severity == NULL || ev.summary == NULL)
		ov_usage_error("open needs --customer, --severity and "
		    "--summary");
	if (strcmp(ev.channel, "phone") != 0 &&
	    strcmp(ev.channel, "email") != 0 &&
	    strcmp(ev.channel, "portal") != 0)
		ov_usage_error("--channel '%s': use phone, email or portal",
		    ev.channel);
	if (!tk_valid_severity(ev.severity))
		ov_usage_error("--severity '%s': use critical or normal",
		    ev.severity);
	if (ov_valid_id(ev.customer) && !known_customer(ev.customer))
		return OV_EXIT_FAIL;
	if (ev.by == NULL)
		ev.by = tk_login_name();
	return record_one(&ev);
}
