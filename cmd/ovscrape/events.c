/*
 * "ovscrape events": OpenVidu CDR lines ({"eventName":{...,"timestamp":ms}})
 * and webhook bodies ({"event":"eventName","timestamp":ms,...}) become event
 * records.  A delivery seen twice is written once.  With -f, a CDR folder is
 * followed across daily rotation until SIGTERM or SIGINT.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "scrape.h"

/* Events remembered for duplicate detection: a redelivery comes within
 * seconds, far fewer events apart than this. */
#define DEDUPE_WINDOW 4096
#define DEDUPE_BUCKETS 8192

/* Maximum files followed in one folder.  OpenVidu's logback configuration
 * keeps 30 daily CDR files. */
#define MAX_FOLLOWED 256

enum {
	OPT_DEPLOYMENT = OV_OPT_FIRST_PROGRAM_OPTION,
	OPT_DEPLOYMENTS,
	OPT_POLL,
};

static const struct ov_help events_help = {
	"usage: ovscrape events [-fqv] [--strict] [--deployments FILE]\n"
	"                       [--max-line N] [--poll DURATION]\n"
	"                       [--rejects FILE] --deployment NAME [FILE ...]",
	"\n"
	"Read OpenVidu CDR lines or webhook bodies (one JSON object per line)\n"
	"from the FILEs, or standard input, and write event records.\n"
	"\n"
	"  -f, --follow         follow FILE, or the CDR.*.log files of a\n"
	"                       folder FILE, as they grow and rotate, until\n"
	"                       SIGTERM or SIGINT\n"
	"  --deployment NAME    deployment the events belong to (required)\n"
	"  --deployments FILE   inventory giving the deployment's customer\n"
	"  --poll DURATION      how often -f looks for new lines (default 1s)\n"
	"  --strict             stop at the first rejected line\n"
	"  --rejects FILE       copy rejected lines to FILE\n"
	"  --max-line N         longest line accepted, bytes (default 1 MiB)\n"
	"  -q, --quiet          mute warnings\n"
	"  -v, --verbose        print notes\n"
	"\n"
	"An event delivered twice (same name, timestamp and identifying\n"
	"fields) is written once.\n"
	"\n"
	"Exit status: 0 ok, 1 some lines rejected, 2 usage error, 3 a file\n"
	"could not be read.\n",
};

/* Recent event keys: a ring in arrival order, chained into buckets. */
struct dedupe {
	uint64_t keys[DEDUPE_WINDOW];
	int next[DEDUPE_WINDOW];
	int buckets[DEDUPE_BUCKETS];
	size_t count;		/* keys stored so far, up to the window */
	size_t head;		/* slot the next key goes to */
};

struct events {
	struct event_source source;
	struct dedupe seen;
	struct ov_buf out;
	long duplicates;
};

/* A file followed with -f. */
struct followed {
	char *path;
	ino_t ino;
	off_t offset;
	long line;
	struct ov_buf partial;	/* bytes after the last newline */
	bool skipping;		/* inside a line longer than the maximum */
	bool present;
};

static volatile sig_atomic_t stop_following;

static void
on_stop(int sig)
{
	(void)sig;
	stop_following = 1;
}

static void
dedupe_init(struct dedupe *d)
{
	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < DEDUPE_BUCKETS; i++)
		d->buckets[i] = -1;
}

static void
dedupe_unlink(struct dedupe *d, int slot)
{
	int *p = &d->buckets[d->keys[slot] % DEDUPE_BUCKETS];

	while (*p != -1 && *p != slot)
		p = &d->next[*p];
	if (*p == slot)
		*p = d->next[slot];
}

/* Returns true when key was seen within the window, and otherwise
 * remembers it. */
static bool
dedupe_seen(struct dedupe *d, uint64_t key)
{
	int *head = &d->buckets[key % DEDUPE_BUCKETS];
	int slot;

	for (int i = *head; i != -1; i = d->next[i])
		if (d->keys[i] == key)
			return true;
	slot = (int)d->head;
	if (d->count == DEDUPE_WINDOW)
		dedupe_unlink(d, slot);
	else
		d->count++;
	d->keys[slot] = key;
	head = &d->buckets[key % DEDUPE_BUCKETS];
	d->next[slot] = *head;
	*head = slot;
	d->head = (d->head + 1) % DEDUPE_WINDOW;
	return false;
}

/* The record function of both modes. */
static int
event_record(struct ov_record *rec, void *ctx)
{
	struct events *ev = ctx;
	struct event_info info;

	if (event_convert_fast(rec->text, rec->len, &ev->source, &ev->out,
	    &info) == 0 && event_convert_slow(rec, &ev->source, &ev->out,
	    &info) < 0)
		return -1;
	if (!dedupe_seen(&ev->seen, info.key)) {
		ov_out_write(&ev->out);
		return 0;
	}
	ev->out.len = 0;
	ev->duplicates++;
	ov_note(1, "%s:%ld: duplicate %.*s event skipped", rec->file,
	    rec->line, (int)info.name_len, info.name);
	return 0;
}

static void
too_long(struct followed *fw, struct ov_loop *loop, long line)
{
	ov_error_at(fw->path, line, "line longer than --max-line (%zu bytes); "
	    "skipped", loop->max_line);
	loop->rejected++;
}

/* Hands one complete line of a followed file to the record function, with
 * the reporting ov_loop_run() does for plain files. */
static void
follow_line(struct followed *fw, struct ov_loop *loop, struct events *ev,
    char *text, size_t len)
{
	struct ov_record rec = { .file = fw->path, .line = ++fw->line };

	ov_line_trim(&text, &len, fw->line);
	text[len] = '\0';
	rec.text = text;
	rec.len = len;
	if (len > loop->max_line) {
		too_long(fw, loop, fw->line);
		return;
	}
	if (strspn(text, " \t") == len)
		return;
	loop->records++;
	if (event_record(&rec, ev) == 0)
		return;
	loop->rejected++;
	ov_error_at(fw->path, fw->line, "%s", rec.error);
	if (loop->rejects_path != NULL && loop->rejects == NULL)
		loop->rejects = fopen(loop->rejects_path, "a");
	if (loop->rejects != NULL)
		fprintf(loop->rejects, "%s\n", text);
	else if (loop->rejects_path != NULL)
		ov_die(OV_EXIT_RESOURCE, "cannot open rejects file %s: %s",
		    loop->rejects_path, strerror(errno));
}

/* Splits new bytes into lines and keeps an unfinished last line for the
 * next read. */
static void
follow_bytes(struct followed *fw, struct ov_loop *loop, struct events *ev,
    const char *data, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t part = nl ? (size_t)(nl - data) : n;

		if (!fw->skipping)
			ov_buf_add(&fw->partial, data, part);
		/* Room for a byte order mark and the "\r" of "\r\n", which
		 * follow_line() takes off before checking the length. */
		if (fw->partial.len > loop->max_line + 4 && !fw->skipping) {
			too_long(fw, loop, fw->line + 1);
			fw->skipping = true;
			fw->partial.len = 0;
		}
		if (nl == NULL)
			return;
		if (fw->skipping) {
			fw->line++;
			fw->skipping = false;
		} else {
			ov_buf_addc(&fw->partial, '\0');
			follow_line(fw, loop, ev, fw->partial.data,
			    fw->partial.len - 1);
		}
		fw->partial.len = 0;
		data += part + 1;
		n -= part + 1;
	}
}

/* Reads what was appended to a followed file since the last look. */
static void
follow_read(struct followed *fw, struct ov_loop *loop, struct events *ev)
{
	char buf[65536];
	struct stat st;
	ssize_t n;
	int fd = open(fw->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (st.st_ino != fw->ino || st.st_size < fw->offset) {
		/* A replaced or truncated file is read again from the start. */
		ov_note(1, "%s: file replaced or truncated, reading it "
		    "again", fw->path);
		fw->ino = st.st_ino;
		fw->offset = 0;
		fw->line = 0;
		fw->partial.len = 0;
		fw->skipping = false;
	}
	while ((n = pread(fd, buf, sizeof buf, fw->offset)) > 0) {
		follow_bytes(fw, loop, ev, buf, (size_t)n);
		fw->offset += n;
	}
	close(fd);
}

static bool
is_cdr_name(const char *name)
{
	size_t n = strlen(name);

	return strncmp(name, "CDR.", 4) == 0 && n > 8 &&
	    strcmp(name + n - 4, ".log") == 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct follow_set {
	struct followed files[MAX_FOLLOWED];
	size_t n;
	bool warned_full;
};

static void
follow_add(struct follow_set *fs, const char *path)
{
	struct followed *fw;

	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->files[i].path, path) == 0) {
			fs->files[i].present = true;
			return;
		}
	if (fs->n == MAX_FOLLOWED) {
		if (!fs->warned_full)
			ov_warn("following %d files already; %s is not read",
			    MAX_FOLLOWED, path);
		fs->warned_full = true;
		return;
	}
	fw = &fs->files[fs->n++];
	memset(fw, 0, sizeof *fw);
	fw->path = strdup(path);
	if (fw->path == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	fw->ino = (ino_t)-1;
	fw->present = true;
	ov_note(1, "following %s", path);
}

/* Adds the CDR files of a folder in name order, which is time order. */
static void
follow_scan_dir(struct follow_set *fs, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *names[MAX_FOLLOWED];
	size_t n = 0;

	if (d == NULL) {
		ov_warn("cannot read folder %s: %s", dir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL && n < MAX_FOLLOWED)
		if (is_cdr_name(de->d_name) &&
		    asprintf(&names[n], "%s/%s", dir, de->d_name) >= 0)
			n++;
	closedir(d);
	qsort(names, n, sizeof *names, compare_names);
	for (size_t i = 0; i < n; i++) {
		follow_add(fs, names[i]);
		free(names[i]);
	}
}

/* Drops files that went away (rotated out of the history). */
static void
follow_prune(struct follow_set *fs)
{
	size_t w = 0;

	for (size_t i = 0; i < fs->n; i++) {
		struct followed *fw = &fs->files[i];

		if (fw->present || access(fw->path, F_OK) == 0) {
			fs->files[w++] = *fw;
			continue;
		}
		ov_note(1, "%s: removed, no longer followed", fw->path);
		free(fw->path);
		ov_buf_free(&fw->partial);
	}
	fs->n = w;
}

static void
sleep_ms(int64_t ms)
{
	while (ms > 0 && !stop_following) {
		struct timespec ts = { 0, (ms > 100 ? 100 : ms) * 1000000L };

		nanosleep(&ts, NULL);
		ms -= 100;
	}
}

static int
follow(char **paths, int npaths, struct ov_loop *loop, struct events *ev,
    int64_t poll_ms)
{
	static struct follow_set fs;
	struct sigaction sa = { .sa_handler = on_stop };
	struct stat st;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop_following) {
		for (size_t i = 0; i < fs.n; i++)
			fs.files[i].present = false;
		for (int i = 0; i < npaths; i++) {
			if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
				follow_scan_dir(&fs, paths[i]);
			else
				follow_add(&fs, paths[i]);
		}
		follow_prune(&fs);
		for (size_t i = 0; i < fs.n && !loop->stopped; i++)
			follow_read(&fs.files[i], loop, ev);
		ov_out_flush();
		if (loop->strict && loop->rejected > 0)
			break;
		sleep_ms(poll_ms);
	}
	for (size_t i = 0; i < fs.n; i++) {
		free(fs.files[i].path);
		ov_buf_free(&fs.files[i].partial);
	}
	return loop->rejected > 0 ? -1 : 0;
}

/* Looks up the deployment's customer in the inventory, when one is given. */
static void
find_customer(struct events *ev, const char *inventory,
    struct ov_deployments *deps)
{
	const struct ov_deployment *d;
	char err[512];

	if (inventory == NULL)
		return;
	if (ov_deployments_load(inventory, deps, err, sizeof err) < 0)
		ov_die(OV_EXIT_RESOURCE, "%s", err);
	d = ov_deployment_find(deps, ev->source.deployment);
	if (d == NULL)
		ov_die(OV_EXIT_RESOURCE, "%s: deployment '%s' not found",
		    inventory, ev->source.deployment);
	ev->source.customer = d->customer;
}

int
events_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		OV_COMMON_LONGOPTS,
		OV_LOOP_LONGOPTS,
		{ "follow", no_argument, NULL, 'f' },
		{ "deployment", required_argument, NULL, OPT_DEPLOYMENT },
		{ "deployments", required_argument, NULL, OPT_DEPLOYMENTS },
		{ "poll", required_argument, NULL, OPT_POLL },
		{ NULL, 0, NULL, 0 },
	};
	static struct events ev;
	struct ov_deployments deps = { 0 };
	struct ov_loop loop;
	const char *inventory = NULL;
	bool follow_mode = false;
	int64_t poll_ms = 1000;
	int c, rc;

	ov_loop_init(&loop);
	while ((c = getopt_long(argc, argv, ":fqv", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow_mode = true;
			break;
		case OPT_DEPLOYMENT:
			if (!ov_valid_id(optarg))
				ov_usage_error("--deployment '%s': invalid "
				    "name (letters, digits, . _ - @)", optarg);
			ev.source.deployment = optarg;
			break;
		case OPT_DEPLOYMENTS:
			inventory = optarg;
			break;
		case OPT_POLL:
			poll_ms = ov_cli_duration("--poll", optarg) * 1000;
			if (poll_ms < 1000)
				ov_usage_error("--poll must be at least 1s");
			break;
		default:
			ov_cli_common(c, optarg, argc, argv, longopts,
			    &events_help, &loop);
		}
	}
	if (ev.source.deployment == NULL)
		ov_usage_error("--deployment NAME is required");
	if (follow_mode && optind == argc)
		ov_usage_error("-f requires a FILE or folder operand");
	dedupe_init(&ev.seen);
	find_customer(&ev, inventory, &deps);
	ov_out_init();
	if (follow_mode)
		rc = follow(argv + optind, argc - optind, &loop, &ev, poll_ms);
	else
		rc = ov_loop_run(&loop, argv + optind, argc - optind,
		    event_record, &ev);
	ov_out_flush();
	if (ev.duplicates > 0)
		ov_note(1, "%ld duplicate events skipped", ev.duplicates);
	if (ov_loop_finish(&loop) < 0)
		rc = -1;
	ov_buf_free(&ev.out);
	ov_buf_free(&ev.source.head);
	ov_deployments_free(&deps);
	if (loop.read_failed)
		return OV_EXIT_RESOURCE;
	return rc < 0 ? OV_EXIT_FAIL : OV_EXIT_OK;
}
