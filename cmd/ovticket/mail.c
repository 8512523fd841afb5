/*
 * ovticket mail: files one e-mail message, as a mail server's pipe delivery
 * hands it over, as a new ticket or as a customer reply to a tagged ticket.
 *
 * The exit status follows sysexits(3), which Postfix and sendmail read: 0
 * delivered, EX_DATAERR and EX_NOUSER bounce the message, EX_TEMPFAIL makes
 * the server keep it and retry.  So every failure that is not the message's
 * fault (database busy or unusable, customers file unreadable) is
 * EX_TEMPFAIL, and no message is ever lost.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"
#include "commands.h"
#include "cli.h"
#include "diag.h"
#include "inventory.h"
#include "mailmsg.h"
#include "store.h"

#define MAIL_MAX_SIZE_DEFAULT (10L * 1024 * 1024)

static const struct ov_help mail_help = {
	"usage: ovticket mail [-qv] [--db FILE] [--max-size BYTES] "
	"[--now TIME]\n"
	"                     --customers FILE",
	"Read one e-mail message on standard input and file it: a subject\n"
	"with a ticket tag [#N] adds a customer_reply to ticket N, any other\n"
	"message opens a normal ticket on the email channel.\n"
	"\n"
	"  --customers FILE   customers.csv; its email column identifies the\n"
	"                     sender's customer by address or domain\n"
	"  --max-size BYTES   largest message accepted (default 10485760;\n"
	"                     suffixes k, M)\n"
	"  --db FILE          ticket database (default: $OV_DB)\n"
	"  --now TIME         time of the recorded events (default: now)\n"
	"  -v, -q             more notes, no warnings\n"
	"  --help, --version  show this help or the version\n"
	"\n"
	"Exit status: 0 filed, 65 malformed or too large, 67 unknown sender,\n"
	"75 temporary failure (the mail server retries), 2 usage error.\n",
};

enum {
	OPT_CUSTOMERS = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_MAX_SIZE,
};

static const struct option mail_options[] = {
	OV_COMMON_LONGOPTS,
	{ "customers", required_argument, NULL, OPT_CUSTOMERS },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	TK_DB_LONGOPT,
	{ "now", required_argument, NULL, OV_OPT_NOW },
	{ NULL, 0, NULL, 0 },
};

struct mail_args {
	const char *customers;
	long max_size;
	int64_t now;
};

/* True between the start of delivery and its outcome.  The store ends the
 * program with status 3 when the database is unusable; during delivery the
 * exit handler turns that into EX_TEMPFAIL so the mail server retries. */
static volatile bool delivering;

static void
tempfail_on_exit(void)
{
	if (delivering)
		_exit(EX_TEMPFAIL);
}

static long
parse_size(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno == 0 && n > 0 && *end == 'k' && end[1] == '\0' &&
	    n <= (1L << 20))
		return n * 1024;
	if (errno == 0 && n > 0 && *end == 'M' && end[1] == '\0' &&
	    n <= 1024)
		return n * 1024 * 1024;
	if (errno == 0 && n > 0 && *end == '\0' && n <= (1L << 30))
		return n;
	ov_usage_error("--max-size: invalid size '%s' (bytes, or a number "
	    "with k or M, at most 1 GiB)", arg);
}

static void
parse_args(int argc, char **argv, struct mail_args *a)
{
	int opt;

	while ((opt = getopt_long(argc, argv, ":qv", mail_options,
	    NULL)) != -1) {
		if (ov_cli_common(opt, optarg, argc, argv, mail_options,
		    &mail_help, NULL))
			continue;
		if (opt == OPT_CUSTOMERS)
			a->customers = optarg;
		else if (opt == OPT_MAX_SIZE)
			a->max_size = parse_size(optarg);
		else if (opt == TK_OPT_DB)
			tk_db_option = optarg;
		else if (opt == OV_OPT_NOW)
			a->now = ov_cli_time("--now", optarg);
	}
	if (optind < argc)
		ov_usage_error("unexpected operand '%s'", argv[optind]);
	if (a->customers == NULL)
		ov_usage_error("missing --customers FILE");
}

/*
 * Reads standard input whole, up to max bytes.  Returns the message, NULL
 * with *too_large set when it is bigger, and exits EX_TEMPFAIL on a read
 * error.
 */
static char *
read_message(long max, size_t *len, bool *too_large)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	*too_large = false;
	while (buf != NULL) {
		if (n == cap)
			buf = realloc(buf, cap *= 2);
		if (buf == NULL)
			break;
		r = read(STDIN_FILENO, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			ov_die(EX_TEMPFAIL, "<stdin>: read failed: %s",
			    strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > (size_t)max) {
			*too_large = true;
			free(buf);
			return NULL;
		}
	}
	if (buf == NULL)
		ov_die(EX_TEMPFAIL, "out of memory reading the message");
	*len = n;
	return buf;
}

/*
 * Tells whether one entry of the email column matches an address: an entry
 * with '@' is an address, compared whole; any other entry is a domain that
 * matches the address's domain and its subdomains.  Returns the strength of
 * the match: 0 none, else higher for more specific entries.
 */
static size_t
entry_match(const char *entry, size_t len, const char *addr)
{
	const char *domain = strrchr(addr, '@') + 1;
	size_t dlen = strlen(domain);

	if (memchr(entry, '@', len) != NULL)
		return strlen(addr) == len && strncasecmp(entry, addr,
		    len) == 0 ? 100000 : 0;
	if (dlen == len && strncasecmp(entry, domain, len) == 0)
		return len + 1;
	if (dlen > len && domain[dlen - len - 1] == '.' &&
	    strncasecmp(entry, domain + dlen - len, len) == 0)
		return len;
	return 0;
}

/* Finds the customer whose email column matches addr most specifically,
 * or NULL. */
static const struct ov_customer *
match_customer(const struct ov_customers *cs, const char *addr)
{
	const struct ov_customer *best = NULL;
	size_t best_score = 0;

	for (size_t i = 0; i < cs->count; i++) {
		const char *p = cs->items[i].email;

		while (*p != '\0') {
			size_t len = strcspn(p, " ;,\t");
			size_t score = len > 0 ? entry_match(p, len, addr) : 0;

			if (score > best_score) {
				best_score = score;
				best = &cs->items[i];
			}
			p += len;
			p += strspn(p, " ;,\t");
		}
	}
	return best;
}

/* Ticket records of the open transaction, written once it is committed so
 * that nothing is announced that was not stored. */
static struct ov_buf pending_output;

/* Records one event in the open transaction and keeps its ticket record
 * for the output.  Returns the store's result. */
static enum tk_result
record(struct tk_store *st, struct tk_event *ev, const char *key)
{
	struct ov_buf b = { 0 };
	char err[512];
	enum tk_result r = tk_apply(st, ev, key, 0, err, sizeof err);

	if (r == TK_REJECTED)
		ov_note(1, "ticket #%lld: %s", (long long)ev->ticket, err);
	if (r == TK_RECORDED) {
		tk_event_format(ev, &b);
		ov_buf_add(&pending_output, b.data, b.len);
		ov_buf_free(&b);
	}
	return r;
}

/* Returns the idempotence key of a message, so that a redelivery files
 * nothing twice.  A message without a Message-ID is keyed by the SHA-256
 * of its bytes, because the mail server hands over the same bytes on each
 * retry. */
static const char *
message_key(const struct mail_message *m, char *buf, size_t size)
{
	if (m->message_id[0] == '\0')
		snprintf(buf, size, "mail-sha256|%s", m->digest);
	else
		snprintf(buf, size, "mail|%s", m->message_id);
	return buf;
}

/* The "by" of the events: the sender's address, or "email" for an address
 * longer than the store keeps in that field. */
static const char *
sender_name(const struct mail_message *m)
{
	return strlen(m->from_addr) <= TK_MAX_ID ? m->from_addr : "email";
}

static void
reply_event(struct tk_event *ev, const struct mail_message *m,
    int64_t ticket, int64_t now, const char *text)
{
	memset(ev, 0, sizeof *ev);
	ev->ticket = ticket;
	ev->time = now;
	ev->action = TK_CUSTOMER_REPLY;
	ev->by = sender_name(m);
	ev->text = text;
}

/*
 * Adds the message to a tagged ticket when the tag names an existing ticket
 * of the sender's customer that is not closed.  Returns true when done.
 */
static bool
add_reply(struct tk_store *st, const struct mail_message *m,
    const char *customer, int64_t now, const char *text)
{
	struct tk_ticket t;
	struct tk_event ev;
	char key[400];
	bool usable;

	if (m->ticket_tag < 0 || !tk_ticket_get(st, m->ticket_tag, &t))
		return false;
	usable = strcmp(t.customer, customer) == 0 &&
	    strcmp(t.state, "closed") != 0;
	if (!usable)
		ov_note(1, "ticket #%lld is closed or not %s's: opening a new "
		    "ticket", (long long)t.id, customer);
	tk_ticket_free(&t);
	if (!usable)
		return false;
	reply_event(&ev, m, m->ticket_tag, now, text);
	return record(st, &ev, message_key(m, key, sizeof key)) !=
	    TK_REJECTED;
}

static void
open_ticket(struct tk_store *st, const struct mail_message *m,
    const char *customer, int64_t now, const char *text)
{
	struct tk_event ev = { 0 };
	char key[400];

	ev.time = now;
	ev.action = TK_OPENED;
	ev.by = sender_name(m);
	ev.customer = customer;
	ev.severity = "normal";
	ev.channel = "email";
	ev.summary = m->subject[0] != '\0' ? m->subject : "(no subject)";
	switch (record(st, &ev, message_key(m, key, sizeof key))) {
	case TK_DUPLICATE:
		ov_note(1, "message %s was already filed",
		    strchr(key, '|') + 1);
		return;
	case TK_REJECTED:
		ov_die(EX_TEMPFAIL, "cannot open a ticket for %s", customer);
	case TK_RECORDED:
		break;
	}
	reply_event(&ev, m, ev.ticket, now, text);
	if (record(st, &ev, NULL) != TK_RECORDED)
		ov_die(EX_TEMPFAIL, "ticket #%lld: cannot add the message",
		    (long long)ev.ticket);
}

/* The text of the customer_reply: the body, and for a tag that could not
 * be followed, a first line naming the ticket the customer meant. */
static char *
reply_text(const struct mail_message *m, bool tag_followed)
{
	struct ov_buf b = { 0 };

	if (m->ticket_tag > 0 && !tag_followed)
		ov_buf_printf(&b, "(Follow-up to ticket #%lld)\n\n",
		    (long long)m->ticket_tag);
	ov_buf_adds(&b, m->text[0] != '\0' ? m->text : "(empty message)");
	ov_buf_addc(&b, '\0');
	return b.data;
}

/*
 * Writes the ticket records of a filed message.  The message is stored by
 * then, so a failed write is only a warning: any status but 0 would make
 * the mail server bounce the message or deliver it again.
 */
static void
write_records(void)
{
	struct ov_buf *b = &pending_output;

	if ((b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len) ||
	    fflush(stdout) != 0)
		ov_warn("the message was filed, but its ticket records could "
		    "not be written: %s", strerror(errno));
	ov_buf_free(b);
}

/* Files a parsed message from a known customer in one transaction. */
static void
file_message(const struct mail_message *m, const char *customer,
    int64_t now)
{
	struct tk_store *st = tk_store_open_default(TK_OPEN_CREATE);
	char *text = reply_text(m, true);
	char *followup;

	tk_begin(st);
	if (!add_reply(st, m, customer, now, text)) {
		followup = reply_text(m, false);
		open_ticket(st, m, customer, now, followup);
		free(followup);
	}
	tk_commit(st);
	tk_store_close(st);
	delivering = false;
	write_records();
	free(text);
}

int
tk_cmd_mail(int argc, char **argv)
{
	struct mail_args a = { NULL, MAIL_MAX_SIZE_DEFAULT, 0 };
	const struct ov_customer *c;
	struct ov_customers cs;
	struct mail_message m;
	char err[512];
	bool too_large;
	size_t len;
	char *data;

	a.now = time(NULL);
	parse_args(argc, argv, &a);
	/* A reader that goes away gets no records, but the filing is kept. */
	signal(SIGPIPE, SIG_IGN);
	atexit(tempfail_on_exit);
	delivering = true;
	if ((data = read_message(a.max_size, &len, &too_large)) == NULL) {
		delivering = false;
		ov_error("<stdin>: message larger than --max-size %ld bytes",
		    a.max_size);
		return EX_DATAERR;
	}
	if (mail_message_parse(data, len, &m, err, sizeof err) < 0) {
		delivering = false;
		ov_error("<stdin>: %s", err);
		mail_message_free(&m);
		free(data);
		return EX_DATAERR;
	}
	free(data);
	if (ov_customers_load(a.customers, &cs, err, sizeof err) < 0)
		ov_die(EX_TEMPFAIL, "%s", err);
	if ((c = match_customer(&cs, m.from_addr)) == NULL) {
		delivering = false;
		ov_error("<stdin>: sender %s matches no customer of %s",
		    m.from_addr, a.customers);
		ov_customers_free(&cs);
		mail_message_free(&m);
		return EX_NOUSER;
	}
	file_message(&m, c->id, a.now);
	ov_customers_free(&cs);
	mail_message_free(&m);
	return EX_OK;
}
