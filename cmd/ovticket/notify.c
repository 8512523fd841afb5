/*
 * ovticket notify: routes ticket and sla records to the experts.  Each
 * record becomes one outbox entry per matching route, stored before any
 * sending.  Then every due entry is sent, e-mail through SMTP or JSON to a
 * webhook.  An entry that cannot be sent stays in the outbox and is retried
 * with backoff by later runs; one that was sent is never sent again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"
#include "commands.h"
#include "civil.h"
#include "cli.h"
#include "diag.h"
#include "mailmsg.h"
#include "notify.h"
#include "store.h"

/* Entries claimed per round, and how long a claim keeps other senders off
 * an entry (longer than any send with the 1 h maximum timeout). */
#define CLAIM_LIMIT 200
#define CLAIM_LEASE 7200
#define MAX_ROUNDS 1000

static const struct ov_help notify_help = {
	"usage: ovticket notify [-qv] [--retry] [--db FILE] [--now TIME]\n"
	"                       [--strict] [--rejects FILE] "
	"[--max-line BYTES]\n"
	"                       --config FILE [FILE ...]",
	"Alert the experts of ticket and sla records: each record goes to the\n"
	"outbox once per matching route of the configuration, then every due\n"
	"outbox entry is sent by e-mail or webhook.  What cannot be sent is\n"
	"retried with backoff by later runs.\n"
	"\n"
	"  --config FILE      routes and SMTP server, see "
	"ovticket-notify.conf(5)\n"
	"  --retry            read no records; only send due outbox entries\n"
	"  --db FILE          ticket database (default: $OV_DB)\n"
	"  --now TIME         instant of the run, for replays and tests\n"
	"  --strict, --rejects FILE, --max-line BYTES  record loop options\n"
	"  -v, -q             more notes, no warnings\n"
	"  --help, --version  show this help or the version\n",
};

enum {
	OPT_CONFIG = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_RETRY,
};

static const struct option notify_options[] = {
	OV_COMMON_LONGOPTS,
	OV_LOOP_LONGOPTS,
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "retry", no_argument, NULL, OPT_RETRY },
	TK_DB_LONGOPT,
	{ "now", required_argument, NULL, OV_OPT_NOW },
	{ NULL, 0, NULL, 0 },
};

struct notify_run {
	struct notify_config config;
	struct tk_store *st;
	int64_t now;
	long queued, sent, failed;
};

/* The fields of a record that routing and the message use. */
struct notice {
	const char *kind;	/* "ticket" or "sla" */
	int64_t ticket;
	int64_t time;
	const char *what;	/* the action, or the sla state */
	const char *severity;
	const char *customer;
	const cJSON *obj;
};

static bool
route_matches(const struct notify_route *r, const struct notice *n)
{
	if (r->severity != NULL && strcmp(r->severity, n->severity) != 0)
		return false;
	if (r->customers[0] != NULL &&
	    !notify_list_has(r->customers, n->customer))
		return false;
	if (strcmp(n->kind, "sla") == 0)
		return notify_list_has(r->sla_states, n->what);
	return notify_list_has(r->actions, n->what);
}

static const char *
field(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
add_line(struct ov_buf *b, const char *label, const char *value)
{
	if (value != NULL && value[0] != '\0')
		ov_buf_printf(b, "%-10s %s\n", label, value);
}

/* Adds the fields that only some actions carry: the new owner of an
 * assignment, the minutes of a worklog, and whether a note was public. */
static void
add_event_lines(struct ov_buf *b, const cJSON *obj)
{
	const cJSON *minutes = cJSON_GetObjectItemCaseSensitive(obj,
	    "minutes");
	const cJSON *public = cJSON_GetObjectItemCaseSensitive(obj, "public");
	char number[32];

	add_line(b, "To:", field(obj, "to"));
	if (cJSON_IsNumber(minutes)) {
		snprintf(number, sizeof number, "%.0f", minutes->valuedouble);
		add_line(b, "Minutes:", number);
	}
	if (cJSON_IsBool(public))
		add_line(b, "Public:", cJSON_IsTrue(public) ? "yes" : "no");
}

/*
 * Adds 32 random hex digits, stored with the entry and used in the
 * Message-ID of its e-mail: a resend then has the same Message-ID, and a
 * new database, whose outbox ids start at 1 again, no old one.
 */
static void
add_token(struct ov_buf *b)
{
	unsigned char bytes[16];

	if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
		ov_die(OV_EXIT_RESOURCE, "getrandom failed: %s",
		    strerror(errno));
	for (size_t i = 0; i < sizeof bytes; i++)
		ov_buf_printf(b, "%02x", bytes[i]);
}

/* Builds the entry's payload: {"token", "subject", "text"} of the
 * message. */
static void
build_payload(struct ov_buf *p, const struct notice *n, const char *summary)
{
	struct ov_buf subject = { 0 }, text = { 0 };
	const char *body = field(n->obj, "text");
	char ticket[32], when[OV_TIME_LEN];
	char *one_line = mail_one_line(summary != NULL ? summary : "", 1024);

	snprintf(ticket, sizeof ticket, "#%lld", (long long)n->ticket);
	ov_time_format(n->time, when);
	if (strcmp(n->kind, "sla") == 0)
		ov_buf_printf(&subject, "[%s] SLA %s %s: %s %s", ticket,
		    field(n->obj, "target"), n->what, n->severity,
		    n->customer);
	else
		ov_buf_printf(&subject, "[%s] %s %s: %s: %s", ticket,
		    n->severity, n->customer, n->what, one_line);
	add_line(&text, "Ticket:", ticket);
	add_line(&text, "Customer:", n->customer);
	add_line(&text, "Severity:", n->severity);
	add_line(&text, "Summary:", one_line);
	add_line(&text, strcmp(n->kind, "sla") == 0 ? "SLA:" : "Action:",
	    n->what);
	add_line(&text, "Target:", field(n->obj, "target"));
	add_line(&text, "Due:", field(n->obj, "due"));
	add_line(&text, "Time:", when);
	add_line(&text, "By:", field(n->obj, "by"));
	add_event_lines(&text, n->obj);
	if (body != NULL)
		ov_buf_printf(&text, "\n%s\n", body);
	ov_buf_adds(p, "{\"token\":\"");
	add_token(p);
	ov_buf_adds(p, "\",\"subject\":");
	ov_buf_add_json_string(p, subject.data, subject.len);
	ov_buf_adds(p, ",\"text\":");
	ov_buf_add_json_string(p, text.data, text.len);
	ov_buf_adds(p, "}");
	ov_buf_addc(p, '\0');
	ov_buf_free(&subject);
	ov_buf_free(&text);
	free(one_line);
}

/* A ticket record's action, and the fields it has that tell apart two
 * events of one action in the same second.  minutes is -1 and public
 * NULL when the record has none. */
struct event_search {
	const char *action;
	const char *text;
	const char *by;
	const char *to;
	const char *severity;
	int64_t minutes;
	const cJSON *public;
	int64_t id;
};

static bool
same_or_absent(const char *wanted, const char *stored)
{
	return wanted == NULL || (stored != NULL && strcmp(wanted, stored) == 0);
}

static int
match_event(const struct tk_event *ev, void *ctx)
{
	struct event_search *s = ctx;

	if (strcmp(tk_action_name(ev->action), s->action) != 0 ||
	    !same_or_absent(s->text, ev->text) ||
	    !same_or_absent(s->by, ev->by) || !same_or_absent(s->to, ev->to) ||
	    !same_or_absent(s->severity, ev->severity) ||
	    (s->minutes >= 0 && s->minutes != ev->minutes) ||
	    (s->public != NULL && cJSON_IsTrue(s->public) != ev->is_public))
		return 0;
	s->id = ev->id;
	return 1;
}

/* Finds the stored event a ticket record announces, so that the outbox
 * contains one entry per event and route however often the record comes. */
static int64_t
find_event(struct tk_store *st, const struct notice *n)
{
	const cJSON *minutes = cJSON_GetObjectItemCaseSensitive(n->obj,
	    "minutes");
	struct event_search s = {
		.action = n->what,
		.text = field(n->obj, "text"),
		.by = field(n->obj, "by"),
		.to = field(n->obj, "to"),
		.severity = field(n->obj, "severity"),
		.minutes = cJSON_IsNumber(minutes) ? (int64_t)
		    minutes->valuedouble : -1,
		.public = cJSON_GetObjectItemCaseSensitive(n->obj, "public"),
	};
	struct tk_filter f;

	tk_filter_init(&f);
	f.ticket = n->ticket;
	f.since = n->time;
	f.until = n->time + 1;
	tk_events_each(st, &f, match_event, &s);
	return s.id;
}

static int
read_notice(struct ov_record *rec, const cJSON *obj, struct notice *n)
{
	int64_t id;

	if (ov_get_string(rec, obj, "kind", true, &n->kind) < 0 ||
	    ov_get_int(rec, obj, "ticket", true, &id) < 0 ||
	    ov_get_time(rec, obj, "time", true, &n->time) < 0)
		return -1;
	n->ticket = id;
	n->obj = obj;
	if (strcmp(n->kind, "sla") == 0)
		return ov_get_string(rec, obj, "state", true, &n->what) < 0 ||
		    ov_get_string(rec, obj, "target", true,
		    &(const char *){ NULL }) < 0 ? -1 : 0;
	return ov_get_string(rec, obj, "action", true, &n->what) < 0 ? -1 : 0;
}

/* Queues one record for every matching route. */
static int
queue_notice(struct notify_run *run, struct ov_record *rec,
    struct notice *n)
{
	struct ov_buf payload = { 0 };
	struct tk_ticket t;
	int64_t event = 0;
	const char *severity = field(n->obj, "severity");
	char key[256] = "";

	if (!tk_ticket_get(run->st, n->ticket, &t))
		return ov_reject(rec, "ticket %lld is not in %s",
		    (long long)n->ticket, tk_store_path(run->st));
	n->customer = t.customer;
	n->severity = severity != NULL && tk_valid_severity(severity) ?
	    severity : t.severity;
	if (strcmp(n->kind, "ticket") == 0 &&
	    (event = find_event(run->st, n)) == 0) {
		tk_ticket_free(&t);
		return ov_reject(rec, "ticket %lld has no %s event at this "
		    "time in %s", (long long)n->ticket, n->what,
		    tk_store_path(run->st));
	}
	if (strcmp(n->kind, "sla") == 0) {
		const char *target = field(n->obj, "target");
		const char *met_at = field(n->obj, "met_at");

		/* The same state of the same target is sent once, however
		 * often `ovsla status` reports it; met again later (after a
		 * reopening) is news. */
		snprintf(key, sizeof key, "%lld|%s|%s|%s",
		    (long long)n->ticket, target ? target : "", n->what,
		    met_at ? met_at : "");
	}
	for (size_t i = 0; i < run->config.nroutes; i++) {
		const struct notify_route *r = &run->config.routes[i];

		if (!route_matches(r, n))
			continue;
		if (payload.len == 0)
			build_payload(&payload, n, t.summary);
		if (tk_outbox_enqueue(run->st, run->now, n->ticket, event,
		    key[0] != '\0' ? key : NULL, r->name, payload.data))
			run->queued++;
	}
	ov_buf_free(&payload);
	tk_ticket_free(&t);
	return 0;
}

static int
on_record(struct ov_record *rec, void *ctx)
{
	struct notify_run *run = ctx;
	struct notice n = { 0 };
	size_t len;
	const char *kind = ov_json_peek(rec->text, rec->len, "kind", &len);
	cJSON *obj;
	int rc;

	/* Records of other kinds pass by unparsed. */
	if (kind != NULL && !(len == 6 && memcmp(kind, "ticket", 6) == 0) &&
	    !(len == 3 && memcmp(kind, "sla", 3) == 0))
		return 0;
	if ((obj = ov_record_parse(rec)) == NULL)
		return -1;
	rc = read_notice(rec, obj, &n);
	if (rc == 0 && (strcmp(n.kind, "ticket") == 0 ||
	    strcmp(n.kind, "sla") == 0))
		rc = queue_notice(run, rec, &n);
	cJSON_Delete(obj);
	return rc;
}

/* Renders the message of one or more entries into subject and text. */
static void
render(const struct tk_outbox_entry *const *e, size_t n,
    const struct notify_route *r, struct ov_buf *subject, struct ov_buf *text)
{
	for (size_t i = 0; i < n; i++) {
		cJSON *p = cJSON_Parse(e[i]->payload);
		const char *s = p != NULL ? field(p, "subject") : NULL;
		const char *t = p != NULL ? field(p, "text") : NULL;

		if (n == 1) {
			ov_buf_adds(subject, s != NULL ? s : "ovticket");
		} else {
			ov_buf_printf(text, "%s--- %s\n", i > 0 ? "\n" : "",
			    s != NULL ? s : "");
		}
		ov_buf_adds(text, t != NULL ? t : "");
		cJSON_Delete(p);
	}
	if (n > 1)
		ov_buf_printf(subject, "%zu notifications for %s", n, r->name);
	ov_buf_addc(subject, '\0');
	ov_buf_addc(text, '\0');
}

/*
 * Names the message of entries starting with first: by the token of its
 * payload, so that the recipient can recognise a resend after a lost
 * reply.  Entries queued before payloads had tokens use their id.
 */
static void
message_id(const struct tk_outbox_entry *first, size_t n, const char *domain,
    char *id, size_t size)
{
	cJSON *p = cJSON_Parse(first->payload);
	const char *token = p != NULL ? field(p, "token") : NULL;

	if (token != NULL && token[0] != '\0' &&
	    strspn(token, "0123456789abcdef") == strlen(token))
		snprintf(id, size, "ovticket.%s.%zu@%s", token, n, domain);
	else
		snprintf(id, size, "ovticket.outbox.%lld.%zu@%s",
		    (long long)first->id, n, domain);
	cJSON_Delete(p);
}

static int
deliver(struct notify_run *run, const struct notify_route *r,
    const struct tk_outbox_entry *const *e, size_t n, char *err,
    size_t errsize)
{
	struct ov_buf subject = { 0 }, text = { 0 }, hook = { 0 };
	const char *domain = strrchr(run->config.smtp.from != NULL ?
	    run->config.smtp.from : "@ovticket", '@') + 1;
	char id[300];
	int rc;

	render(e, n, r, &subject, &text);
	if (r->webhook != NULL) {
		ov_buf_printf(&hook, "%s\n%s", subject.data, text.data);
		ov_buf_addc(&hook, '\0');
		rc = webhook_post(r->webhook, hook.data,
		    run->config.smtp.timeout, r->ca_file, err, errsize);
	} else {
		message_id(e[0], n, domain, id, sizeof id);
		rc = smtp_send(&run->config.smtp,
		    (const char *const *)r->email, subject.data, text.data, id,
		    err, errsize);
	}
	ov_buf_free(&subject);
	ov_buf_free(&text);
	ov_buf_free(&hook);
	return rc;
}

static void
settle(struct notify_run *run, const struct notify_route *r,
    const struct tk_outbox_entry *const *e, size_t n)
{
	char err[512];

	if (deliver(run, r, e, n, err, sizeof err) == 0) {
		for (size_t i = 0; i < n; i++)
			tk_outbox_sent(run->st, e[i]->id, run->now);
		run->sent += (long)n;
		ov_note(1, "route %s: sent %zu entries", r->name, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		tk_outbox_failed(run->st, e[i]->id, run->now, err);
	run->failed += (long)n;
	ov_error("route %s: %zu entries not sent, kept in the outbox for "
	    "a retry: %s", r->name, n, err);
}

/* Sends the claimed entries of one route: one message for a batch route,
 * else one per entry. */
static void
send_route(struct notify_run *run, const struct notify_route *r,
    struct tk_outbox_entry *entries, size_t count)
{
	const struct tk_outbox_entry **mine = calloc(count + 1,
	    sizeof *mine);
	size_t n = 0;

	if (mine == NULL)
		abort();
	for (size_t i = 0; i < count; i++)
		if (strcmp(entries[i].route, r->name) == 0)
			mine[n++] = &entries[i];
	if (n > 0 && r->batch)
		settle(run, r, mine, n);
	for (size_t i = 0; i < n && !r->batch; i++)
		settle(run, r, &mine[i], 1);
	free(mine);
}

static void
send_unrouted(struct notify_run *run, struct tk_outbox_entry *entries,
    size_t count)
{
	char err[300];

	for (size_t i = 0; i < count; i++) {
		if (notify_route_find(&run->config, entries[i].route) != NULL)
			continue;
		snprintf(err, sizeof err, "route %s is not in %s",
		    entries[i].route, run->config.path);
		ov_warn("outbox entry %lld: %s", (long long)entries[i].id, err);
		tk_outbox_failed(run->st, entries[i].id, run->now, err);
		run->failed++;
	}
}

/* Claims and sends every due entry.  Each round's failures are moved into
 * the future by the backoff, so the rounds end. */
static void
send_due(struct notify_run *run)
{
	struct tk_outbox_entry *entries;
	char claimer[64];
	size_t count;

	snprintf(claimer, sizeof claimer, "notify-%ld", (long)getpid());
	for (int round = 0; round < MAX_ROUNDS; round++) {
		count = tk_outbox_claim(run->st, run->now, claimer,
		    CLAIM_LEASE, CLAIM_LIMIT, &entries);
		for (size_t i = 0; i < run->config.nroutes; i++)
			send_route(run, &run->config.routes[i], entries,
			    count);
		send_unrouted(run, entries, count);
		tk_outbox_free(entries, count);
		if (count < CLAIM_LIMIT)
			break;
	}
}

static void
load_config(struct notify_run *run, const char *path)
{
	char err[600];

	if (path == NULL)
		ov_usage_error("missing --config FILE");
	if (notify_config_load(path, &run->config, err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	if (run->config.credentials != NULL &&
	    smtp_read_credentials(&run->config.smtp, run->config.credentials,
	    err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s:%d: credentials: %s", path,
		    run->config.credentials_line, err);
}

int
tk_cmd_notify(int argc, char **argv)
{
	struct notify_run run = { 0 };
	struct ov_loop loop;
	const char *config = NULL;
	bool retry_only = false;
	int opt, rc = OV_EXIT_OK;

	run.now = time(NULL);
	ov_loop_init(&loop);
	while ((opt = getopt_long(argc, argv, ":qv", notify_options,
	    NULL)) != -1) {
		if (ov_cli_common(opt, optarg, argc, argv, notify_options,
		    &notify_help, &loop))
			continue;
		if (opt == OPT_CONFIG)
			config = optarg;
		else if (opt == OPT_RETRY)
			retry_only = true;
		else if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (opt == OV_OPT_NOW)
			run.now = ov_cli_time("--now", optarg);
	}
	if (retry_only && optind < argc)
		ov_usage_error("--retry reads no records: remove '%s'",
		    argv[optind]);
	load_config(&run, config);
	mail_gmime_init();
	/* In the minute pipeline notify starts with the ingest before it, so
	 * on the first run the database may not exist yet: create it. */
	run.st = tk_store_open_default(TK_OPEN_CREATE);
	if (!retry_only && ov_loop_run(&loop, argv + optind, argc - optind,
	    on_record, &run) < 0)
		rc = OV_EXIT_FAIL;
	if (ov_loop_finish(&loop) < 0)
		rc = OV_EXIT_FAIL;
	send_due(&run);
	ov_note(1, "%ld queued, %ld sent, %ld failed, %lld waiting",
	    run.queued, run.sent, run.failed,
	    (long long)tk_outbox_unsent(run.st));
	tk_store_close(run.st);
	notify_config_free(&run.config);
	if (loop.read_failed)
		return OV_EXIT_RESOURCE;
	return run.failed > 0 ? OV_EXIT_FAIL : rc;
}
