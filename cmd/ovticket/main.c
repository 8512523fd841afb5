/*
 * ovticket: tickets in a SQLite database, fed by alarms, engineers and the
 * customer channels, written out as ticket records.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "cli.h"
#include "commands.h"
#include "diag.h"
#include "json.h"

/* One subcommand: its name, the function that runs it, and its summary for
 * --help.  To add one, add a line here and declare the function in a
 * header of its own. */
struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "ingest", tk_cmd_ingest, "open and update tickets from alarms" },
	{ "open", tk_cmd_open, "open a ticket by hand (phone, e-mail)" },
	{ "ack", tk_cmd_action, "acknowledge a ticket" },
	{ "note", tk_cmd_action, "add a comment, --public to send it" },
	{ "reply", tk_cmd_action, "record the customer's reply" },
	{ "workaround", tk_cmd_action, "record a temporary fix" },
	{ "resolve", tk_cmd_action, "record the permanent fix" },
	{ "close", tk_cmd_action, "close a resolved ticket" },
	{ "reopen", tk_cmd_action, "reopen a resolved or closed ticket" },
	{ "pending", tk_cmd_action, "wait on the customer" },
	{ "resume", tk_cmd_action, "stop waiting on the customer" },
	{ "severity", tk_cmd_action, "change the severity" },
	{ "assign", tk_cmd_action, "change the owner" },
	{ "worklog", tk_cmd_action, "record minutes of work" },
	{ "list", tk_cmd_list, "list tickets" },
	{ "show", tk_cmd_show, "show one ticket and its activity" },
	{ "export", tk_cmd_export, "write every event in time order" },
	{ "import", tk_cmd_import, "load events written by export" },
	{ "mail", tk_cmd_mail, "file an e-mail message read on stdin" },
	{ "notify", tk_cmd_notify, "alert the experts by e-mail and webhook" },
	{ "portal", tk_cmd_portal, "write the static web portal" },
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

static const struct ov_help help = {
	"usage: ovticket [-qv] [--db FILE] command [argument ...]",
	"\n"
	"Keeps support tickets in a SQLite database and writes every event it\n"
	"records to standard output as a ticket record.\n"
	"\n"
	"Options:\n"
	"  --db FILE      the ticket database (default: $OV_DB); created by\n"
	"                 the commands that record events\n"
	"  -q, --quiet    no warnings\n"
	"  -v, --verbose  more messages\n"
	"  --help         this text; 'ovticket COMMAND --help' for a command\n"
	"  --version      the version\n"
	"\n"
	"Commands:\n",
};

static void
print_help(void)
{
	printf("%s\n%s", help.usage, help.text);
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-11s  %s\n", commands[i].name, commands[i].summary);
	printf("\nSee ovticket(1).\n");
	exit(OV_EXIT_OK);
}

static const struct command *
find_command(const char *name)
{
	const char *names[NCOMMANDS + 1];

	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
		names[i] = commands[i].name;
	}
	names[NCOMMANDS] = NULL;
	ov_cli_bad_command(name, names);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		TK_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	int opt;

	ov_set_progname(argv[0]);
	ov_out_init();
	/* A file size limit must give a write error (exit 3), not kill us. */
	signal(SIGXFSZ, SIG_IGN);

	while ((opt = getopt_long(argc, argv, "+:qv", longopts, NULL)) != -1) {
		if (opt == OV_OPT_HELP)
			print_help();
		if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (!ov_cli_common(opt, optarg, argc, argv, longopts,
		    &help, NULL))
			ov_usage_error("unexpected option");
	}
	if (optind >= argc)
		ov_usage_error("missing command");
	cmd = find_command(argv[optind]);
	ov_set_subcommand(cmd->name);
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: start a fresh scan for the command */
	return cmd->run(argc, argv);
}
