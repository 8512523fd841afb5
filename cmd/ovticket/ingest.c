/*
 * ingest: alarm transitions open, update and reopen tickets.
 *
 * Records are written in batches, one transaction per batch, and the ticket
 * records of a batch are printed only after it is committed, so nothing is
 * announced that a crash could lose.  Each alarm transition has an
 * idempotence key (fingerprint, time, state) under a UNIQUE constraint, so
 * reading the same input again, or after a crash, records nothing twice.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "civil.h"
#include "commands.h"
#include "diag.h"
#include "inventory.h"
#include "json.h"

/* Records per transaction when the input is a file. */
#define BATCH_RECORDS 2000

enum {
	OPT_REOPEN_WITHIN = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_PASS,
};

struct ingest {
	struct tk_store *st;
	int64_t reopen_within;	/* seconds */
	bool pass;
	bool from_stdin;
	long batched;		/* records in the open transaction */
	struct ov_buf out;	/* output of the open transaction */
	struct ov_buf line;
	long recorded, duplicates, ignored;
};

/* One alarm record's fields. */
struct alarm {
	int64_t time;
	const char *state;
	const char *fingerprint;
	const char *severity;
	const char *customer;
	const char *deployment;
	const char *summary;
};

static void
commit_batch(struct ingest *in)
{
	if (in->batched == 0 && in->out.len == 0)
		return;
	if (in->st != NULL && in->batched > 0)
		tk_commit(in->st);
	in->batched = 0;
	ov_out_write(&in->out);
	ov_out_flush();
}

/* Returns true when more input is ready on standard input, so that a
 * stream from a pipe is committed as soon as it pauses. */
static bool
input_ready(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

static int
read_alarm(struct ov_record *rec, const cJSON *obj, struct alarm *a)
{
	const char *rule = NULL;

	memset(a, 0, sizeof *a);
	if (ov_get_time(rec, obj, "time", true, &a->time) < 0 ||
	    ov_get_string(rec, obj, "state", true, &a->state) < 0 ||
	    ov_get_string(rec, obj, "fingerprint", true, &a->fingerprint) < 0)
		return -1;
	if (strcmp(a->state, "firing") != 0 &&
	    strcmp(a->state, "resolved") != 0)
		return ov_reject(rec, "field \"state\": invalid value '%s': "
		    "use firing or resolved", a->state);
	if (*a->fingerprint == '\0' || strlen(a->fingerprint) > TK_MAX_ID)
		return ov_reject(rec, "field \"fingerprint\": must have 1 to "
		    "%d bytes", TK_MAX_ID);
	if (strcmp(a->state, "resolved") == 0)
		return 0;
	if (ov_get_string(rec, obj, "severity", true, &a->severity) < 0 ||
	    ov_get_string(rec, obj, "customer", true, &a->customer) < 0 ||
	    ov_get_string(rec, obj, "deployment", false, &a->deployment) < 0 ||
	    ov_get_string(rec, obj, "summary", false, &a->summary) < 0 ||
	    ov_get_string(rec, obj, "rule", false, &rule) < 0)
		return -1;
	if (!tk_valid_severity(a->severity))
		return ov_reject(rec, "field \"severity\": invalid value "
		    "'%s': use critical or normal", a->severity);
	if (!ov_valid_id(a->customer))
		return ov_reject(rec, "field \"customer\": invalid "
		    "identifier '%s'", a->customer);
	if (a->summary == NULL || *a->summary == '\0')
		a->summary = rule != NULL && *rule ? rule : a->fingerprint;
	return 0;
}

/* Chooses the event an alarm transition records; returns false when it
 * records none (a clear with no ticket). */
static bool
choose_event(struct ingest *in, const struct alarm *a, struct tk_event *ev,
    char *text, size_t textsize)
{
	bool open;
	int64_t id = tk_ticket_by_fingerprint(in->st, a->fingerprint, &open);
	struct tk_ticket t;
	int64_t ended;

	memset(ev, 0, sizeof *ev);
	ev->time = a->time;
	ev->by = "ovalarm";
	ev->fingerprint = a->fingerprint;
	ev->ticket = id;
	if (strcmp(a->state, "resolved") == 0) {
		ev->action = TK_ALARM_CLEARED;
		return id != 0;
	}
	ev->action = TK_ALARM_REFIRED;
	if (id != 0 && open)
		return true;
	if (id != 0 && tk_ticket_get(in->st, id, &t)) {
		/* The window runs from the resolution; closing comes later
		 * and does not extend it. */
		ended = t.resolved != TK_NO_TIME ? t.resolved : t.closed;
		tk_ticket_free(&t);
		/* A firing older than the resolution belongs to history. */
		if (a->time < ended)
			return true;
		if (a->time - ended <= in->reopen_within) {
			ev->action = TK_REOPENED;
			snprintf(text, textsize, "alarm fired again: %s",
			    a->summary);
			ev->text = text;
			return true;
		}
	}
	ev->action = TK_OPENED;
	ev->ticket = 0;
	ev->customer = a->customer;
	ev->deployment = a->deployment;
	ev->severity = a->severity;
	ev->channel = "alarm";
	ev->summary = a->summary;
	return true;
}

static int
ingest_alarm(struct ingest *in, struct ov_record *rec, const cJSON *obj)
{
	struct alarm a;
	struct tk_event ev;
	char key[TK_MAX_ID + 64], text[TK_MAX_SUMMARY + 64], err[512];
	enum tk_result res;

	if (read_alarm(rec, obj, &a) < 0)
		return -1;
	if (in->batched++ == 0)
		tk_begin(in->st);
	if (!choose_event(in, &a, &ev, text, sizeof text)) {
		ov_note(1, "%s:%ld: no ticket for cleared alarm %s", rec->file,
		    rec->line, a.fingerprint);
		in->ignored++;
		return 0;
	}
	tk_alarm_key(key, sizeof key, a.fingerprint, a.time, a.state);
	res = tk_apply(in->st, &ev, key, 0, err, sizeof err);
	if (res == TK_DUPLICATE) {
		in->duplicates++;
		return 0;
	}
	if (res == TK_REJECTED)
		return ov_reject(rec, "%s", err);
	in->recorded++;
	tk_event_format(&ev, &in->line);
	ov_buf_add(&in->out, in->line.data, in->line.len);
	return 0;
}

static void
pass_through(struct ingest *in, const struct ov_record *rec)
{
	if (!in->pass)
		return;
	ov_buf_add(&in->out, rec->text, rec->len);
	ov_buf_addc(&in->out, '\n');
}

static int
ingest_record(struct ov_record *rec, void *ctx)
{
	struct ingest *in = ctx;
	size_t klen;
	const char *kind = ov_json_peek(rec->text, rec->len, "kind", &klen);
	cJSON *obj;
	const char *k;
	int rc = 0;

	if (kind != NULL && !(klen == 5 && memcmp(kind, "alarm", 5) == 0)) {
		pass_through(in, rec);
	} else if ((obj = ov_record_parse(rec)) == NULL) {
		rc = -1;
	} else {
		if (ov_get_string(rec, obj, "kind", true, &k) < 0)
			rc = -1;
		else if (strcmp(k, "alarm") != 0)
			pass_through(in, rec);
		else
			rc = ingest_alarm(in, rec, obj);
		cJSON_Delete(obj);
	}
	if (in->batched >= BATCH_RECORDS || (in->from_stdin &&
	    !input_ready()) || in->out.len >= (1 << 20))
		commit_batch(in);
	return rc;
}

static const struct ov_help help = {
	"usage: ovticket ingest [-qv] [--pass] [--strict] [--db FILE] "
	"[--max-line BYTES]\n"
	"       [--rejects FILE] [--reopen-within DURATION] [file ...]",
	"\n"
	"Reads alarm records: a firing alarm opens a ticket, or adds\n"
	"alarm_refired to the open ticket with the same fingerprint, or\n"
	"reopens a ticket resolved within --reopen-within; a resolved alarm\n"
	"adds alarm_cleared.  Writes each recorded event as a ticket record.\n"
	"Reading the same input again records nothing twice.\n"
	"\n"
	"  --reopen-within DURATION  window after a resolution in which the\n"
	"                      same alarm reopens its ticket (default 24h)\n"
	"  --pass              copy records of other kinds to the output\n"
	"  --strict            stop at the first bad record\n"
	"  --rejects FILE      append bad records to FILE\n"
	"  --max-line BYTES    longest line accepted (default 1 MiB)\n",
};

/* Returns true when the run reads standard input. */
static bool
reads_stdin(int argc, char **argv)
{
	if (argc == 0)
		return true;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			return true;
	return false;
}

int
tk_cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		OV_LOOP_LONGOPTS,
		TK_DB_LONGOPT,
		{ "reopen-within", required_argument, NULL, OPT_REOPEN_WITHIN },
		{ "pass", no_argument, NULL, OPT_PASS },
		{ NULL, 0, NULL, 0 },
	};
	struct ingest in = { .reopen_within = 24 * 3600 };
	struct ov_loop loop;
	int opt, rc;

	ov_loop_init(&loop);
	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (opt == OPT_REOPEN_WITHIN)
			in.reopen_within = ov_cli_duration("--reopen-within",
			    optarg);
		else if (opt == OPT_PASS)
			in.pass = true;
		else if (!ov_cli_common(opt, optarg, argc, argv, longopts,
		    &help, &loop))
			ov_usage_error("unexpected option");
	}
	in.st = tk_store_open_default(TK_OPEN_CREATE);
	in.from_stdin = reads_stdin(argc - optind, argv + optind);
	rc = ov_loop_run(&loop, argv + optind, argc - optind, ingest_record,
	    &in);
	commit_batch(&in);
	tk_store_close(in.st);
	ov_note(1, "%ld events recorded, %ld duplicates skipped, %ld clears "
	    "without a ticket", in.recorded, in.duplicates, in.ignored);
	ov_buf_free(&in.out);
	ov_buf_free(&in.line);
	/* An input file that could not be read at all is a resource
	 * error, as in the other programs. */
	if (ov_loop_finish(&loop) < 0 || loop.read_failed)
		return OV_EXIT_RESOURCE;
	return rc < 0 ? OV_EXIT_FAIL : OV_EXIT_OK;
}
