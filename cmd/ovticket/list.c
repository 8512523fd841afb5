/*
 * list and show: tickets as a table on a terminal, as records in a pipe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "cli.h"
#include "commands.h"
#include "diag.h"
#include "json.h"
#include "table.h"

enum {
	OPT_OPEN = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_CUSTOMER,
	OPT_SEVERITY,
	OPT_CHANNEL,
	OPT_SINCE,
};

/* Formats an instant for a table in the reader's zone, named:
 * "2026-11-02 10:15 CET", or "" for none.  buf has DISPLAY_LEN bytes. */
#define DISPLAY_LEN 64
static void
short_time(int64_t t, char *buf)
{
	if (t == TK_NO_TIME) {
		buf[0] = '\0';
		return;
	}
	ov_time_display(t, buf, DISPLAY_LEN);
}

/* Writes a ticket_state record: the current state of one ticket.  The
 * fields are listed in ovticket(1). */
static void
print_state(const struct tk_ticket *t, struct ov_buf *b)
{
	ov_rec_begin(b, "ticket_state");
	ov_rec_time(b, "time", t->updated);
	ov_rec_int(b, "ticket", t->id);
	ov_rec_str(b, "customer", t->customer);
	ov_rec_str(b, "deployment", t->deployment);
	ov_rec_str(b, "severity", t->severity);
	ov_rec_str(b, "channel", t->channel);
	ov_rec_str(b, "summary", t->summary);
	ov_rec_str(b, "fingerprint", t->fingerprint);
	ov_rec_str(b, "state", t->state);
	ov_rec_bool(b, "pending", t->pending);
	ov_rec_bool(b, "acknowledged", t->acknowledged);
	ov_rec_str(b, "assignee", t->assignee);
	ov_rec_time(b, "opened", t->opened);
	if (t->resolved != TK_NO_TIME)
		ov_rec_time(b, "resolved", t->resolved);
	if (t->closed != TK_NO_TIME)
		ov_rec_time(b, "closed", t->closed);
	ov_rec_int(b, "worklog_minutes", t->worklog_minutes);
	ov_rec_int(b, "events", t->events);
	ov_rec_end(b);
	ov_out_write(b);
}

static const char *const list_titles[] = {
	">ID", "STATE", "SEVERITY", "CUSTOMER", "DEPLOYMENT", "CHANNEL",
	"OPENED", "UPDATED", "OWNER", "SUMMARY", NULL
};

static void
add_row(const struct tk_ticket *t, struct ov_table *table)
{
	char id[24], opened[DISPLAY_LEN], updated[DISPLAY_LEN];
	const char *state = t->pending ? "pending" : t->state;
	const char *cells[] = { id, state, t->severity, t->customer,
		t->deployment, t->channel, opened, updated, t->assignee,
		t->summary };

	snprintf(id, sizeof id, "%lld", (long long)t->id);
	short_time(t->opened, opened);
	short_time(t->updated, updated);
	ov_table_add(table, cells);
}

struct list_ctx {
	struct ov_table *table;	/* NULL in a pipe */
	struct ov_buf out;
	long count;
};

static int
list_one(const struct tk_ticket *t, void *ctx)
{
	struct list_ctx *lc = ctx;

	lc->count++;
	if (lc->table != NULL)
		add_row(t, lc->table);
	else
		print_state(t, &lc->out);
	return 0;
}

static const struct ov_help list_help = {
	"usage: ovticket list [-qv] [--open] [--channel NAME] "
	"[--customer ID] [--db FILE]\n"
	"       [--severity LEVEL] [--since TIME]",
	"\n"
	"Lists tickets by number: a table on a terminal, ticket_state records\n"
	"in a pipe.\n"
	"  --open            only tickets neither resolved nor closed\n"
	"  --customer ID     only this customer's tickets\n"
	"  --severity LEVEL  only critical or normal tickets\n"
	"  --channel NAME    only tickets opened by alarm, email, phone or\n"
	"                    portal\n"
	"  --since TIME      only tickets with an event at or after TIME\n",
};

int
tk_cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		TK_DB_LONGOPT,
		{ "open", no_argument, NULL, OPT_OPEN },
		{ "customer", required_argument, NULL, OPT_CUSTOMER },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ NULL, 0, NULL, 0 },
	};
	struct tk_filter f;
	struct list_ctx lc = { 0 };
	struct tk_store *st;
	int opt;

	tk_filter_init(&f);
	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		switch (opt) {
		case TK_OPT_DB:
			tk_db_option = optarg;
			break;
		case OPT_OPEN:
			f.open_only = true;
			break;
		case OPT_CUSTOMER:
			f.customer = optarg;
			break;
		case OPT_SEVERITY:
			if (!tk_valid_severity(optarg))
				ov_usage_error("--severity '%s': use critical "
				    "or normal", optarg);
			f.severity = optarg;
			break;
		case OPT_CHANNEL:
			if (!tk_valid_channel(optarg))
				ov_usage_error("--channel '%s': use alarm, "
				    "email, phone or portal", optarg);
			f.channel = optarg;
			break;
		case OPT_SINCE:
			f.since = ov_cli_time("--since", optarg);
			break;
		default:
			if (!ov_cli_common(opt, optarg, argc, argv, longopts,
			    &list_help, NULL))
				ov_usage_error("unexpected option");
		}
	}
	if (optind != argc)
		ov_usage_error("list takes no operands");
	st = tk_store_open_default(0);
	if (ov_stdout_is_terminal())
		lc.table = ov_table_new(list_titles);
	tk_tickets_each(st, &f, list_one, &lc);
	tk_store_close(st);
	if (lc.table != NULL)
		ov_table_print(lc.table, stdout);
	ov_buf_free(&lc.out);
	ov_out_flush();
	return OV_EXIT_OK;
}

/* Details of an event for the activity table. */
static void
event_details(const struct tk_event *ev, char *buf, size_t size)
{
	switch (ev->action) {
	case TK_OPENED:
		snprintf(buf, size, "%s %s via %s: %s", ev->severity,
		    ev->customer, ev->channel, ev->summary);
		break;
	case TK_NOTE:
		snprintf(buf, size, "%s%s", ev->is_public ? "(public) " : "",
		    ev->text);
		break;
	case TK_SEVERITY:
		snprintf(buf, size, "now %s", ev->severity);
		break;
	case TK_ASSIGNED:
		snprintf(buf, size, "to %s", ev->to);
		break;
	case TK_WORKLOG:
		snprintf(buf, size, "%lld min", (long long)ev->minutes);
		break;
	case TK_ALARM_REFIRED:
	case TK_ALARM_CLEARED:
		snprintf(buf, size, "%s", ev->fingerprint);
		break;
	default:
		snprintf(buf, size, "%s", ev->text ? ev->text : "");
	}
}

struct show_ctx {
	struct ov_table *table;	/* NULL in a pipe */
	struct ov_buf out;
};

static int
show_event(const struct tk_event *ev, void *ctx)
{
	struct show_ctx *sc = ctx;
	char when[DISPLAY_LEN], details[1024];
	const char *cells[] = { when, tk_action_name(ev->action), ev->by,
		details };

	if (sc->table == NULL) {
		tk_event_format(ev, &sc->out);
		ov_out_write(&sc->out);
		return 0;
	}
	short_time(ev->time, when);
	event_details(ev, details, sizeof details);
	ov_table_add(sc->table, cells);
	return 0;
}

static void
show_header(const struct tk_ticket *t)
{
	char opened[DISPLAY_LEN];

	short_time(t->opened, opened);
	printf("Ticket %lld: %s\n", (long long)t->id, t->summary);
	printf("Customer %s%s%s, %s, opened %s via %s\n", t->customer,
	    t->deployment ? ", deployment " : "",
	    t->deployment ? t->deployment : "", t->severity, opened,
	    t->channel);
	printf("State %s%s, owner %s, %lld minutes of work\n\n", t->state,
	    t->pending ? " (pending)" : "", t->assignee ? t->assignee : "none",
	    (long long)t->worklog_minutes);
}

static const struct ov_help show_help = {
	"usage: ovticket show [-qv] [--db FILE] ticket",
	"\n"
	"Shows a ticket and all its activity: a table on a terminal; in a\n"
	"pipe its ticket_state record, then its ticket records in time "
	"order.\n",
};

int
tk_cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		TK_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const titles[] = { "TIME", "ACTION", "BY",
		"DETAILS", NULL };
	struct show_ctx sc = { 0 };
	struct tk_filter f;
	struct tk_ticket t;
	struct tk_store *st;
	int opt;

	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (!ov_cli_common(opt, optarg, argc, argv, longopts,
		    &show_help, NULL))
			ov_usage_error("unexpected option");
	}
	if (argc - optind != 1)
		ov_usage_error("show needs one ticket number");
	tk_filter_init(&f);
	f.ticket = tk_parse_ticket(argv[optind]);
	st = tk_store_open_default(0);
	if (!tk_ticket_get(st, f.ticket, &t)) {
		tk_store_close(st);
		ov_error("ticket %lld not found", (long long)f.ticket);
		return OV_EXIT_FAIL;
	}
	if (ov_stdout_is_terminal()) {
		show_header(&t);
		sc.table = ov_table_new(titles);
	} else {
		print_state(&t, &sc.out);
	}
	tk_events_each(st, &f, show_event, &sc);
	if (sc.table != NULL)
		ov_table_print(sc.table, stdout);
	tk_ticket_free(&t);
	tk_store_close(st);
	ov_buf_free(&sc.out);
	ov_out_flush();
	return OV_EXIT_OK;
}
