/*
 * export and import: every ticket event as a ticket record, in time order,
 * and back.  `export | import` into an empty database gives a database
 * whose export is identical.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "diag.h"
#include "json.h"

#define BATCH_RECORDS 2000

enum {
	OPT_SINCE = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_CUSTOMER,
};

static int
export_one(const struct tk_event *ev, void *ctx)
{
	struct ov_buf *b = ctx;

	tk_event_format(ev, b);
	ov_out_write(b);
	return 0;
}

static const struct ov_help export_help = {
	"usage: ovticket export [-qv] [--customer ID] [--db FILE] "
	"[--since TIME]",
	"\n"
	"Writes every ticket event as a ticket record, in time order: the\n"
	"input of ovsla and ovbill.\n"
	"  --customer ID  only events of this customer's tickets\n"
	"  --since TIME   only events at or after TIME\n",
};

int
tk_cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		TK_DB_LONGOPT,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "customer", required_argument, NULL, OPT_CUSTOMER },
		{ NULL, 0, NULL, 0 },
	};
	struct tk_filter f;
	struct ov_buf b = { 0 };
	struct tk_store *st;
	int opt;

	tk_filter_init(&f);
	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (opt == OPT_SINCE)
			f.since = ov_cli_time("--since", optarg);
		else if (opt == OPT_CUSTOMER)
			f.customer = optarg;
		else if (!ov_cli_common(opt, optarg, argc, argv, longopts,
		    &export_help, NULL))
			ov_usage_error("unexpected option");
	}
	if (optind != argc)
		ov_usage_error("export takes no operands");
	st = tk_store_open_default(0);
	tk_events_each(st, &f, export_one, &b);
	tk_store_close(st);
	ov_buf_free(&b);
	ov_out_flush();
	return OV_EXIT_OK;
}

struct import {
	struct tk_store *st;
	long batched;
	struct ov_buf out, line;
	long recorded, duplicates;
};

/* Reads the fields of a ticket record into ev; strings point into obj. */
static int
read_event(struct ov_record *rec, const cJSON *obj, struct tk_event *ev)
{
	const char *action;

	memset(ev, 0, sizeof *ev);
	if (ov_get_time(rec, obj, "time", true, &ev->time) < 0 ||
	    ov_get_int(rec, obj, "ticket", true, &ev->ticket) < 0 ||
	    ov_get_string(rec, obj, "action", true, &action) < 0)
		return -1;
	if (ev->ticket < 1)
		return ov_reject(rec, "field \"ticket\": invalid number %lld",
		    (long long)ev->ticket);
	if (tk_action_parse(action, &ev->action) < 0)
		return ov_reject(rec, "field \"action\": unknown action "
		    "'%s'", action);
	if (ov_get_string(rec, obj, "by", false, &ev->by) < 0 ||
	    ov_get_string(rec, obj, "text", false, &ev->text) < 0 ||
	    ov_get_bool(rec, obj, "public", false, &ev->is_public) < 0 ||
	    ov_get_string(rec, obj, "severity", false, &ev->severity) < 0 ||
	    ov_get_string(rec, obj, "to", false, &ev->to) < 0 ||
	    ov_get_int(rec, obj, "minutes", false, &ev->minutes) < 0 ||
	    ov_get_string(rec, obj, "fingerprint", false,
	    &ev->fingerprint) < 0 ||
	    ov_get_string(rec, obj, "customer", false, &ev->customer) < 0 ||
	    ov_get_string(rec, obj, "deployment", false, &ev->deployment) < 0 ||
	    ov_get_string(rec, obj, "channel", false, &ev->channel) < 0 ||
	    ov_get_string(rec, obj, "summary", false, &ev->summary) < 0)
		return -1;
	return 0;
}

/*
 * Rebuilds the idempotence key of an event that ingest recorded from an
 * alarm, so that ingesting the same alarms after an import adds nothing.
 * Ingest records alarm events at the alarm's time, and its reopenings
 * with a text starting "alarm fired again: ".
 */
static const char *
alarm_key_of(struct import *im, const struct tk_event *ev, char *key,
    size_t size)
{
	const char *fp = ev->fingerprint, *state = "firing";
	struct tk_ticket t;

	switch (ev->action) {
	case TK_OPENED:
		if (fp == NULL || ev->channel == NULL ||
		    strcmp(ev->channel, "alarm") != 0)
			return NULL;
		break;
	case TK_ALARM_REFIRED:
		break;
	case TK_ALARM_CLEARED:
		state = "resolved";
		break;
	case TK_REOPENED:
		if (ev->text == NULL ||
		    strncmp(ev->text, "alarm fired again: ", 19) != 0 ||
		    !tk_ticket_get(im->st, ev->ticket, &t))
			return NULL;
		fp = t.fingerprint;
		if (fp != NULL)
			tk_alarm_key(key, size, fp, ev->time, state);
		tk_ticket_free(&t);
		return fp != NULL ? key : NULL;
	default:
		return NULL;
	}
	tk_alarm_key(key, size, fp, ev->time, state);
	return key;
}

static int
import_event(struct import *im, struct ov_record *rec, const cJSON *obj)
{
	struct tk_event ev;
	char key[TK_MAX_ID + 64], err[512];
	const char *k;
	enum tk_result res;

	if (read_event(rec, obj, &ev) < 0)
		return -1;
	if (im->batched++ == 0)
		tk_begin(im->st);
	if (tk_event_copies(im->st, &ev) > 0) {
		im->duplicates++;
		return 0;
	}
	k = alarm_key_of(im, &ev, key, sizeof key);
	res = tk_apply(im->st, &ev, k, TK_APPLY_FORCE, err, sizeof err);
	if (res == TK_DUPLICATE) {
		im->duplicates++;
		return 0;
	}
	if (res == TK_REJECTED)
		return ov_reject(rec, "%s", err);
	im->recorded++;
	tk_event_format(&ev, &im->line);
	ov_buf_add(&im->out, im->line.data, im->line.len);
	return 0;
}

static void
commit_batch(struct import *im)
{
	if (im->batched > 0)
		tk_commit(im->st);
	im->batched = 0;
	ov_out_write(&im->out);
	ov_out_flush();
}

static int
import_record(struct ov_record *rec, void *ctx)
{
	struct import *im = ctx;
	size_t klen;
	const char *kind = ov_json_peek(rec->text, rec->len, "kind", &klen);
	cJSON *obj;
	const char *k;
	int rc = 0;

	if (kind != NULL && !(klen == 6 && memcmp(kind, "ticket", 6) == 0))
		return 0;
	if ((obj = ov_record_parse(rec)) == NULL)
		return -1;
	if (ov_get_string(rec, obj, "kind", true, &k) < 0)
		rc = -1;
	else if (strcmp(k, "ticket") == 0)
		rc = import_event(im, rec, obj);
	cJSON_Delete(obj);
	if (im->batched >= BATCH_RECORDS)
		commit_batch(im);
	return rc;
}

static const struct ov_help import_help = {
	"usage: ovticket import [-qv] [--strict] [--db FILE] "
	"[--max-line BYTES] [--rejects FILE]\n"
	"       [file ...]",
	"\n"
	"Loads ticket records written by export, keeping ticket numbers and\n"
	"times, and writes those it records.  Events already stored are\n"
	"skipped, so an import can be repeated.\n",
};

int
tk_cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		OV_LOOP_LONGOPTS,
		TK_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	struct import im = { 0 };
	struct ov_loop loop;
	int opt, rc;

	ov_loop_init(&loop);
	while ((opt = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (!ov_cli_common(opt, optarg, argc, argv, longopts,
		    &import_help, &loop))
			ov_usage_error("unexpected option");
	}
	im.st = tk_store_open_default(TK_OPEN_CREATE);
	rc = ov_loop_run(&loop, argv + optind, argc - optind, import_record,
	    &im);
	commit_batch(&im);
	tk_store_close(im.st);
	ov_note(1, "%ld events imported, %ld already stored", im.recorded,
	    im.duplicates);
	ov_buf_free(&im.out);
	ov_buf_free(&im.line);
	/* An input file that could not be read at all is a resource
	 * error, as in the other programs. */
	if (ov_loop_finish(&loop) < 0 || loop.read_failed)
		return OV_EXIT_RESOURCE;
	return rc < 0 ? OV_EXIT_FAIL : OV_EXIT_OK;
}
