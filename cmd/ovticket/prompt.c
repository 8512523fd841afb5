/*
 * Prompts of the telephone path: an engineer types `ovticket open` during
 * a call and is asked for what the options did not give.  Questions go to
 * standard error, so standard output stays the ticket record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channels.h"
#include "diag.h"
#include "inventory.h"
#include "json.h"
#include "mailmsg.h"
#include "pgconn.h"
#include "store.h"
#include "store_impl.h"

/* Invalid inputs accepted before giving up, so that a script feeding a
 * terminal garbage cannot loop forever. */
#define MAX_TRIES 5

struct known {
	size_t count, cap;
	char **ids;
	char **names;
};

static void
known_add(struct known *k, const char *id, const char *name)
{
	for (size_t i = 0; i < k->count; i++)
		if (strcmp(k->ids[i], id) == 0)
			return;
	if (k->count == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->ids = realloc(k->ids, k->cap * sizeof *k->ids);
		k->names = realloc(k->names, k->cap * sizeof *k->names);
		if (k->ids == NULL || k->names == NULL)
			abort();
	}
	k->ids[k->count] = strdup(id);
	k->names[k->count] = strdup(name != NULL ? name : "");
	if (k->ids[k->count] == NULL || k->names[k->count] == NULL)
		abort();
	k->count++;
}

static int
add_ticket_customer(const struct tk_ticket *t, void *ctx)
{
	known_add(ctx, t->customer, NULL);
	return 0;
}

/* Collects the customers of $OV_CUSTOMERS (a customers.csv) and of the
 * tickets already in the store. */
static void
known_load(struct known *k)
{
	const char *csv = getenv("OV_CUSTOMERS");
	const char *db = getenv("OV_DB");
	struct ov_customers cs;
	struct tk_filter f;
	struct tk_store *st;
	char err[512];

	if (csv != NULL && ov_customers_load(csv, &cs, err, sizeof err) == 0) {
		for (size_t i = 0; i < cs.count; i++)
			known_add(k, cs.items[i].id, cs.items[i].name);
		ov_customers_free(&cs);
	} else if (csv != NULL) {
		ov_warn("%s", err);
	}
	if (tk_db_option != NULL)
		db = tk_db_option;
	/* A SQLite file is created only once the ticket is recorded.  A
	 * PostgreSQL database gets its tables now, as open would do next. */
	if (db != NULL && ov_pg_is_uri(db))
		st = tk_store_open(db, TK_OPEN_CREATE);
	else if (db != NULL && access(db, R_OK) == 0)
		st = tk_store_open(db, TK_OPEN_READONLY);
	else
		return;
	tk_filter_init(&f);
	tk_tickets_each(st, &f, add_ticket_customer, k);
	tk_store_close(st);
}

static void
known_free(struct known *k)
{
	for (size_t i = 0; i < k->count; i++) {
		free(k->ids[i]);
		free(k->names[i]);
	}
	free(k->ids);
	free(k->names);
}

/*
 * Reads one input line with the ends trimmed, or NULL at end of input.  It
 * asks again for a line that is not UTF-8 (a terminal set to Latin-1),
 * because the store would reject it only after the last question.
 */
static char *
ask(const char *question)
{
	char *line = NULL, *clean;
	size_t size = 0;

	for (int tries = 0; tries < MAX_TRIES; tries++) {
		fprintf(stderr, "%s: ", question);
		fflush(stderr);
		if (getline(&line, &size, stdin) < 0) {
			fputc('\n', stderr);
			break;
		}
		clean = mail_one_line(line, TK_MAX_SUMMARY);
		if (ov_utf8_valid(clean, strlen(clean))) {
			free(line);
			return clean;
		}
		free(clean);
		fprintf(stderr, "The answer is not valid UTF-8: set the "
		    "terminal to UTF-8 and type it again.\n");
	}
	free(line);
	return NULL;
}

/* Accepts a customer by id or by its number in the list shown. */
static char *
ask_customer(const struct known *k)
{
	for (size_t i = 0; i < k->count; i++)
		fprintf(stderr, "%3zu  %-20s %s\n", i + 1, k->ids[i],
		    k->names[i]);
	for (int tries = 0; tries < MAX_TRIES; tries++) {
		char *answer = ask("Customer (id or number)");
		char *end;
		unsigned long n;

		if (answer == NULL)
			return NULL;
		n = strtoul(answer, &end, 10);
		if (*end == '\0' && n >= 1 && n <= k->count) {
			free(answer);
			return strdup(k->ids[n - 1]);
		}
		for (size_t i = 0; i < k->count; i++)
			if (strcmp(answer, k->ids[i]) == 0)
				return answer;
		if (k->count == 0 && ov_valid_id(answer))
			return answer;
		fprintf(stderr, "'%s' is not a known customer.\n", answer);
		free(answer);
	}
	return NULL;
}

static char *
ask_severity(void)
{
	for (int tries = 0; tries < MAX_TRIES; tries++) {
		char *answer = ask("Severity (critical or normal)");

		if (answer == NULL)
			return NULL;
		if (strcmp(answer, "c") == 0 || strcmp(answer, "1") == 0 ||
		    strcmp(answer, "critical") == 0) {
			free(answer);
			return strdup("critical");
		}
		if (strcmp(answer, "n") == 0 || strcmp(answer, "2") == 0 ||
		    strcmp(answer, "normal") == 0) {
			free(answer);
			return strdup("normal");
		}
		fprintf(stderr, "Type critical (c, 1) or normal (n, 2).\n");
		free(answer);
	}
	return NULL;
}

static char *
ask_summary(void)
{
	for (int tries = 0; tries < MAX_TRIES; tries++) {
		char *answer = ask("Summary (one line)");

		if (answer == NULL || answer[0] != '\0')
			return answer;
		free(answer);
	}
	return NULL;
}

/* The answers, kept for the rest of the run because the caller records
 * them in an event after tk_prompt_open() returns. */
static char *answers[3];

static void
free_answers(void)
{
	for (size_t i = 0; i < 3; i++)
		free(answers[i]);
}

int
tk_prompt_open(struct tk_open_fields *f)
{
	struct known k = { 0 };

	atexit(free_answers);

	if (f->customer == NULL) {
		known_load(&k);
		f->customer = answers[0] = ask_customer(&k);
		known_free(&k);
		if (f->customer == NULL)
			return -1;
	}
	if (f->severity == NULL &&
	    (f->severity = answers[1] = ask_severity()) == NULL)
		return -1;
	if (f->summary == NULL &&
	    (f->summary = answers[2] = ask_summary()) == NULL)
		return -1;
	return 0;
}
