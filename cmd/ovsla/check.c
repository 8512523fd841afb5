/*
 * The state file of "ovsla check": the state each target had at the last
 * run, so that each change is reported once.  One line per target,
 * "TICKET TARGET STATE MET_AT" (MET_AT is a Unix time or -1), after a
 * comment line naming the format.  The file is locked from its reading to
 * its atomic replacement, which comes after the output has been flushed,
 * so a run that dies before its output is out reports the same changes
 * again next time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ovsla.h"
#include "statefile.h"

#define STATE_HEADER "# ovsla check state 1: ticket target state met_at"
#define LOCK_TIMEOUT_MS 10000

struct entry {
	int64_t ticket;
	int64_t met_at;
	uint8_t target, state;
};

struct list {
	struct entry *items;
	size_t count, cap;
};

struct check_state {
	const char *path;
	int lock;
	struct check_db *db;	/* with --db, instead of the file */
	const struct check_db_ops *ops;
	struct list old, fresh;
};

static void
push(struct list *l, struct entry e)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->items = realloc(l->items, l->cap * sizeof *l->items);
		if (l->items == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	l->items[l->count++] = e;
}

static int
cmp_entries(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->ticket != b->ticket)
		return a->ticket < b->ticket ? -1 : 1;
	return (a->target > b->target) - (a->target < b->target);
}

static int
parse_target(const char *s)
{
	for (int t = 0; t < 3; t++)
		if (strcmp(s, ov_target_name((enum ov_target)t)) == 0)
			return t;
	return -1;
}

static void
parse_line(struct check_state *cs, const char *line, long lineno)
{
	char target[32], state[32];
	long long ticket, met_at;
	struct entry e;
	enum state st;
	int t, n = 0;

	if (sscanf(line, "%lld %31s %31s %lld%n", &ticket, target, state,
	    &met_at, &n) != 4 || line[n] != '\0' || ticket < 0 ||
	    (t = parse_target(target)) < 0 || state_parse(state, &st) != 0)
		ov_die(OV_EXIT_RESOURCE, "%s:%ld: invalid state line '%.60s'; "
		    "the file was not written by ovsla check: move it away to "
		    "start over (current at_risk, breached and met targets "
		    "are then reported again)", cs->path, lineno, line);
	e.ticket = ticket;
	e.met_at = met_at;
	e.target = (uint8_t)t;
	e.state = (uint8_t)st;
	push(&cs->old, e);
}

static void
load(struct check_state *cs, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		parse_line(cs, line, lineno);
	}
	if (ferror(f))
		ov_die(OV_EXIT_RESOURCE, "%s: %s", cs->path, strerror(errno));
	free(line);
	if (cs->old.count > 0)
		qsort(cs->old.items, cs->old.count, sizeof *cs->old.items,
		    cmp_entries);
}

/* Locks and reads the state file; a missing file is an empty state. */
struct check_state *
check_open(const char *path)
{
	struct check_state *cs = calloc(1, sizeof *cs);
	char err[512];
	FILE *f;

	if (cs == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	cs->path = path;
	cs->lock = ov_lock(path, LOCK_TIMEOUT_MS, err, sizeof err);
	if (cs->lock < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	f = fopen(path, "r");
	if (f == NULL && errno != ENOENT)
		ov_die(OV_EXIT_RESOURCE, "%s: %s", path, strerror(errno));
	if (f != NULL) {
		load(cs, f);
		fclose(f);
	}
	return cs;
}

/* Adds a row of the state table to the old entries. */
static void
add_db_row(void *ctx, int64_t ticket, const char *target, const char *state,
    int64_t met_at)
{
	struct check_state *cs = ctx;
	struct entry e = { .ticket = ticket, .met_at = met_at };
	enum state st;
	int t = parse_target(target);

	if (t < 0 || state_parse(state, &st) != 0)
		ov_die(OV_EXIT_RESOURCE, "%s: sla_check_state: invalid row "
		    "(ticket %lld, target '%.20s', state '%.20s'); delete the "
		    "row", cs->path, (long long)ticket, target, state);
	e.target = (uint8_t)t;
	e.state = (uint8_t)st;
	push(&cs->old, e);
}

struct check_state *
check_open_store(const char *path, struct check_db *db,
    const struct check_db_ops *ops)
{
	struct check_state *cs = calloc(1, sizeof *cs);

	if (cs == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	cs->path = path;
	cs->lock = -1;
	cs->db = db;
	cs->ops = ops;
	ops->load(db, add_db_row, cs);
	if (cs->old.count > 0)
		qsort(cs->old.items, cs->old.count, sizeof *cs->old.items,
		    cmp_entries);
	return cs;
}

static const struct entry *
find_old(const struct check_state *cs, int64_t ticket, enum ov_target target)
{
	struct entry key = { .ticket = ticket, .target = (uint8_t)target };

	if (cs->old.count == 0)
		return NULL;
	return bsearch(&key, cs->old.items, cs->old.count,
	    sizeof *cs->old.items, cmp_entries);
}

int
check_previous(struct check_state *cs, int64_t ticket, enum ov_target target)
{
	const struct entry *e = find_old(cs, ticket, target);

	return e == NULL ? -1 : e->state;
}

/* Returns true when a met or breached target was met at another instant
 * than last time, as after a reopened ticket is resolved again. */
bool
check_met_changed(struct check_state *cs, int64_t ticket,
    enum ov_target target, int64_t met_at)
{
	const struct entry *e = find_old(cs, ticket, target);

	return e != NULL && e->met_at != met_at;
}

void
check_record(struct check_state *cs, int64_t ticket, enum ov_target target,
    enum state state, int64_t met_at)
{
	struct entry e = { ticket, met_at, (uint8_t)target, (uint8_t)state };

	push(&cs->fresh, e);
}

static void
write_entry(FILE *f, const struct entry *e)
{
	fprintf(f, "%" PRId64 " %s %s %" PRId64 "\n", e->ticket,
	    ov_target_name((enum ov_target)e->target),
	    state_name((enum state)e->state), e->met_at);
}

/* Writes the fresh entries, and the old ones of tickets not seen in this
 * run (a ticket whose computation failed keeps its last state). */
static void
write_merged(const struct check_state *cs, FILE *f)
{
	const struct list *o = &cs->old, *n = &cs->fresh;
	size_t i = 0, j = 0;

	fprintf(f, "%s\n", STATE_HEADER);
	while (i < o->count || j < n->count) {
		if (j == n->count || (i < o->count &&
		    o->items[i].ticket < n->items[j].ticket)) {
			write_entry(f, &o->items[i++]);
			continue;
		}
		while (i < o->count && o->items[i].ticket ==
		    n->items[j].ticket)
			i++;
		write_entry(f, &n->items[j++]);
	}
}

int
check_commit(struct check_state *cs)
{
	struct ov_atomic a;
	FILE *f;

	if (cs->db != NULL) {
		for (size_t i = 0; i < cs->fresh.count; i++) {
			const struct entry *e = &cs->fresh.items[i];

			cs->ops->save(cs->db, e->ticket,
			    ov_target_name((enum ov_target)e->target),
			    state_name((enum state)e->state), e->met_at);
		}
		cs->ops->commit(cs->db);
		return 0;
	}
	f = ov_atomic_open(&a, cs->path);
	if (f == NULL) {
		ov_error("%s: cannot write: %s", cs->path, strerror(errno));
		return -1;
	}
	if (cs->fresh.count > 0)
		qsort(cs->fresh.items, cs->fresh.count,
		    sizeof *cs->fresh.items, cmp_entries);
	write_merged(cs, f);
	if (ferror(f)) {
		ov_error("%s: write failed", cs->path);
		ov_atomic_abort(&a);
		return -1;
	}
	if (ov_atomic_commit(&a) != 0) {
		ov_error("%s: cannot replace: %s", cs->path, strerror(errno));
		return -1;
	}
	return 0;
}

void
check_close(struct check_state *cs)
{
	if (cs->db != NULL)
		cs->ops->close(cs->db);
	else
		ov_unlock(cs->lock);
	free(cs->old.items);
	free(cs->fresh.items);
	free(cs);
}
