/*
 * Fuzz target: the state files of ovalarm (--state, JSON lines) and of
 * "ovsla check" (one "TICKET TARGET STATE MET_AT" line per target).  The
 * input is the ovalarm file, then optionally a line "%%" and the ovsla one.
 *
 * Both loaders end the process on a corrupt file, as they should: a run
 * must not go on from a state it cannot trust.  So the loaders' sources are
 * included here with exit() and ov_die() renamed to a jump back into the
 * target, and the file, line buffer and JSON object they hold at that
 * moment are tracked so that they can be freed.  A series field freed just
 * before the jump may still point to the freed memory, which the exiting
 * program never reads again, so it is cleared before the engine is freed.
 * The ovalarm rules the
 * state refers to are fixed: a threshold rule with flap damping, a drop
 * rule (which keeps a window) and an event rule.
 *
 * fuzz-sources: cmd/ovalarm/eval.c cmd/ovalarm/rules.c cmd/ovsla/sla.c
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "diag.h"
#include "json.h"
#include "statefile.h"

static jmp_buf loader_exit;
static FILE *open_file;
static char *line_buf;
static cJSON *parsed;
static void *last_freed;

static noreturn void
fuzz_exit(int status)
{
	longjmp(loader_exit, status == 0 ? -1 : status);
}

static noreturn void __attribute__((format(printf, 2, 3)))
fuzz_die(int status, const char *fmt, ...)
{
	(void)fmt;
	fuzz_exit(status);
}

static FILE *
fuzz_fopen(const char *path, const char *mode)
{
	return open_file = fopen(path, mode);
}

static ssize_t
fuzz_getline(char **line, size_t *cap, FILE *f)
{
	ssize_t n = getline(line, cap, f);

	line_buf = *line;
	return n;
}

static cJSON *
fuzz_parse(const char *text)
{
	return parsed = cJSON_Parse(text);
}

static void
fuzz_free(void *p)
{
	last_freed = p;
	free(p);
}

static void
fuzz_delete(cJSON *o)
{
	if (o == parsed)
		parsed = NULL;
	cJSON_Delete(o);
}

#define exit fuzz_exit
#define ov_die fuzz_die
#define fopen fuzz_fopen
#define getline fuzz_getline
#define cJSON_Parse fuzz_parse
#define cJSON_Delete fuzz_delete
#define free fuzz_free
#include "../../cmd/ovalarm/state.c"
#undef free
#include "../../cmd/ovsla/check.c"
#undef exit
#undef ov_die
#undef fopen
#undef getline
#undef cJSON_Parse
#undef cJSON_Delete

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "rule cpu_high\n"
    "\twhen cpu.percent > 90 for 2m\n"
    "\tclear cpu.percent < 70\n"
    "\tflap 3 in 1h\n"
    "\tseverity normal\n"
    "rule participants_drop\n"
    "\tdrop participants.active by 50% over 10m floor 10\n"
    "\tseverity critical\n"
    "rule node_crashed\n"
    "\tevent nodeCrashed\n"
    "\tseverity critical\n";

static void
write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
	    fclose(f) != 0)
		abort();
}

/* Releases what a loader held when it gave up. */
static void
release(struct engine *e)
{
	for (size_t i = 0; i < e->cap; i++) {
		struct series *s = e->series[i];

		if (s != NULL && s->customer == last_freed)
			s->customer = NULL;
		if (s != NULL && s->summary == last_freed)
			s->summary = NULL;
	}
	if (open_file != NULL)
		fclose(open_file);
	free(line_buf);
	cJSON_Delete(parsed);
	open_file = NULL;
	line_buf = NULL;
	parsed = NULL;
}

static void
no_alarm(const struct alarm *a, void *ctx)
{
	(void)a;
	(void)ctx;
}

static void
ovalarm_state(const char *path, struct ruleset *rules)
{
	/* Static: it must keep its contents across the longjmp(). */
	static struct engine e;

	engine_init(&e, rules, no_alarm, NULL);
	last_freed = NULL;
	if (setjmp(loader_exit) == 0)
		state_load(&e, path);
	else
		release(&e);
	/* state_load() closed and freed them on success. */
	open_file = NULL;
	line_buf = NULL;
	engine_free(&e);
}

static void
ovsla_state(const char *path)
{
	static struct check_state cs;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		abort();
	cs = (struct check_state){ .path = path, .lock = -1 };
	if (setjmp(loader_exit) == 0)
		load(&cs, f);
	else
		free(line_buf);	/* load() frees it only when it returns */
	line_buf = NULL;
	fclose(f);
	free(cs.old.items);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char alarm_path[64], sla_path[64];
	static struct ruleset rules;
	static const char marker[] = "\n%%\n";
	const uint8_t *split = memmem(data, size, marker, sizeof marker - 1);
	size_t len = split ? (size_t)(split - data) : size;

	if (alarm_path[0] == '\0') {
		ov_verbosity = OV_QUIET;
		snprintf(alarm_path, sizeof alarm_path, "/tmp/ovfuzzstate.%d",
		    (int)getpid());
		snprintf(sla_path, sizeof sla_path, "/tmp/ovfuzzcheck.%d",
		    (int)getpid());
		write_file(alarm_path, rules_text, sizeof rules_text - 1);
		if (rules_load(&rules, alarm_path, NULL) != 0)
			abort();
	}
	write_file(alarm_path, data, len);
	ovalarm_state(alarm_path, &rules);
	if (split != NULL) {
		write_file(sla_path, split + sizeof marker - 1,
		    size - len - (sizeof marker - 1));
		ovsla_state(sla_path);
		unlink(sla_path);
	}
	unlink(alarm_path);
	return 0;
}
