#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "input.h"

/* Bytes a line may have beyond --max-line: a byte order mark on the first
 * line, and "\r\n". */
#define LINE_EXTRA 5

#define INITIAL_BUFFER (256 * 1024)

int
ov_input_open(struct ov_input *in, const char *path, size_t max_line)
{
	struct stat st;

	memset(in, 0, sizeof *in);
	in->max_line = max_line ? max_line : OV_MAX_LINE_DEFAULT;
	if (path == NULL || strcmp(path, "-") == 0) {
		in->name = "<stdin>";
		in->fd = STDIN_FILENO;
	} else {
		in->name = path;
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0)
			return -1;
	}
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
		in->size = (uint64_t)st.st_size;
	else if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (in->fd != STDIN_FILENO)
			close(in->fd);
		errno = EISDIR;
		return -1;
	}
	in->cap = INITIAL_BUFFER;
	if (in->cap > in->max_line + LINE_EXTRA)
		in->cap = in->max_line + LINE_EXTRA;
	in->buf = malloc(in->cap);
	if (in->buf == NULL) {
		if (in->fd != STDIN_FILENO)
			close(in->fd);
		return -1;
	}
	return 0;
}

/* Reads more bytes after in->end, moving or growing the buffer first.
 * Returns bytes read, 0 at end of file, -1 on error. */
static ssize_t
fill(struct ov_input *in)
{
	ssize_t n;

	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap) {
		size_t cap = in->cap * 2;
		char *p;

		if (cap > in->max_line + LINE_EXTRA)
			cap = in->max_line + LINE_EXTRA;
		if (cap <= in->cap)
			return -2;	/* full: the line is too long */
		p = realloc(in->buf, cap);
		if (p == NULL)
			return -1;
		in->buf = p;
		in->cap = cap;
	}
	do {
		n = read(in->fd, in->buf + in->end, in->cap - in->end);
	} while (n < 0 && errno == EINTR);
	if (n > 0) {
		in->end += (size_t)n;
		in->bytes_read += (uint64_t)n;
	}
	return n;
}

/* Discards bytes up to and including the next newline. */
static int
skip_line(struct ov_input *in)
{
	for (;;) {
		char *nl = memchr(in->buf + in->start, '\n',
		    in->end - in->start);
		ssize_t n;

		if (nl != NULL) {
			in->start = (size_t)(nl - in->buf) + 1;
			return 0;
		}
		in->start = in->end = 0;
		n = fill(in);
		if (n < 0)
			return -1;
		if (n == 0) {
			in->eof = true;
			return 0;
		}
	}
}

void
ov_line_trim(char **text, size_t *len, long line)
{
	if (*len > 0 && (*text)[*len - 1] == '\r')
		(*len)--;
	if (line == 1 && *len >= 3 && memcmp(*text, "\xef\xbb\xbf", 3) == 0) {
		*text += 3;
		*len -= 3;
	}
}

int
ov_input_next(struct ov_input *in, const char **line, size_t *len)
{
	size_t scanned = 0;

	for (;;) {
		char *p = in->buf + in->start;
		size_t avail = in->end - in->start;
		char *nl = memchr(p + scanned, '\n', avail - scanned);
		size_t n;
		ssize_t got;

		if (nl != NULL || (in->eof && avail > 0)) {
			n = nl ? (size_t)(nl - p) : avail;
			in->start += nl ? n + 1 : n;
			in->line++;
			ov_line_trim(&p, &n, in->line);
			if (n > in->max_line)
				return OV_LINE_TOO_LONG;
			*line = p;
			*len = n;
			return OV_LINE_OK;
		}
		if (in->eof)
			return OV_LINE_END;
		scanned = avail;
		got = fill(in);
		if (got == -2) {
			/* No newline within max_line bytes: skip the rest. */
			in->line++;
			if (skip_line(in) < 0)
				return OV_LINE_ERROR;
			return OV_LINE_TOO_LONG;
		}
		if (got < 0)
			return OV_LINE_ERROR;
		if (got == 0)
			in->eof = true;
		scanned = 0;
	}
}

void
ov_input_close(struct ov_input *in)
{
	if (in->fd >= 0 && in->fd != STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
	free(in->buf);
	in->buf = NULL;
}

void
ov_loop_init(struct ov_loop *loop)
{
	memset(loop, 0, sizeof *loop);
	loop->max_line = OV_MAX_LINE_DEFAULT;
	loop->progress = isatty(STDERR_FILENO) && getenv("OV_NO_PROGRESS") ==
	    NULL;
}

int
ov_reject(struct ov_record *rec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ov_vformat(rec->error, sizeof rec->error, fmt, ap);
	va_end(ap);
	return -1;
}

static void
keep_reject(struct ov_loop *loop, const char *text, size_t len)
{
	if (loop->rejects_path == NULL)
		return;
	if (loop->rejects == NULL) {
		loop->rejects = fopen(loop->rejects_path, "a");
		if (loop->rejects == NULL)
			ov_die(OV_EXIT_RESOURCE, "cannot open rejects file %s: "
			    "%s", loop->rejects_path, strerror(errno));
	}
	fwrite(text, 1, len, loop->rejects);
	fputc('\n', loop->rejects);
}

/* Shows "name: 45% 120 MiB, 1.6M records/s" on a terminal, at most twice a
 * second; the line is cleared when the input ends. */
static void
show_progress(struct ov_loop *loop, struct ov_input *in, bool done)
{
	static struct timespec started, last;
	struct timespec now;
	double elapsed;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (started.tv_sec == 0)
		started = last = now;
	if (done) {
		if (last.tv_sec != started.tv_sec || last.tv_nsec !=
		    started.tv_nsec)
			fputs("\r\033[K", stderr);
		return;
	}
	if ((now.tv_sec - last.tv_sec) * 1000000000L +
	    (now.tv_nsec - last.tv_nsec) < 500000000L)
		return;
	last = now;
	elapsed = (double)(now.tv_sec - started.tv_sec) +
	    (double)(now.tv_nsec - started.tv_nsec) / 1e9;
	if (in->size > 0)
		fprintf(stderr, "\r\033[K%s: %s: %.0f%% of %.0f MiB, "
		    "%.2fM records/s", ov_progname, in->name,
		    100.0 * (double)in->bytes_read / (double)in->size,
		    (double)in->size / 1048576.0,
		    (double)loop->records / elapsed / 1e6);
	else
		fprintf(stderr, "\r\033[K%s: %s: %.0f MiB read, "
		    "%.2fM records/s", ov_progname, in->name,
		    (double)in->bytes_read / 1048576.0,
		    (double)loop->records / elapsed / 1e6);
}

static bool
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

static int
run_one(struct ov_loop *loop, const char *path, ov_record_fn fn, void *ctx)
{
	struct ov_input in;
	struct ov_record rec;
	const char *line;
	size_t len;
	int status;

	if (ov_input_open(&in, path, loop->max_line) < 0) {
		ov_error("%s: %s", path, strerror(errno));
		loop->read_failed = true;
		return 0;
	}
	memset(&rec, 0, sizeof rec);
	rec.file = in.name;
	while ((status = ov_input_next(&in, &line, &len)) != OV_LINE_END) {
		if (status == OV_LINE_ERROR) {
			ov_error("%s: read error: %s", in.name,
			    strerror(errno));
			loop->read_failed = true;
			break;
		}
		if (status == OV_LINE_TOO_LONG) {
			loop->rejected++;
			if (ov_verbosity >= OV_NORMAL)
				ov_error_at(in.name, in.line, "line longer than "
			    "--max-line (%zu bytes); skipped", loop->max_line);
			if (loop->strict) {
				loop->stopped = true;
				break;
			}
			continue;
		}
		if (blank(line, len))
			continue;
		/* The buffer always has room after a line: the newline or
		 * the spare bytes beyond max_line. */
		((char *)line)[len] = '\0';
		rec.line = in.line;
		rec.text = line;
		rec.len = len;
		rec.error[0] = '\0';
		loop->records++;
		if (fn(&rec, ctx) < 0) {
			loop->rejected++;
			if (ov_verbosity >= OV_NORMAL)
				ov_error_at(in.name, in.line, "%s", rec.error[0] ?
			    rec.error : "invalid record");
			keep_reject(loop, line, len);
			if (loop->strict) {
				loop->stopped = true;
				break;
			}
		}
		if (loop->progress && (loop->records & 0xffff) == 0)
			show_progress(loop, &in, false);
	}
	if (loop->progress)
		show_progress(loop, &in, true);
	ov_input_close(&in);
	return 0;
}

int
ov_loop_run(struct ov_loop *loop, char **paths, int npaths, ov_record_fn fn,
    void *ctx)
{
	if (npaths == 0)
		run_one(loop, NULL, fn, ctx);
	for (int i = 0; i < npaths && !loop->stopped; i++)
		run_one(loop, paths[i], fn, ctx);
	return (loop->rejected > 0 || loop->read_failed) ? -1 : 0;
}

int
ov_loop_finish(struct ov_loop *loop)
{
	int rc = 0;

	if (loop->rejects != NULL) {
		if (fclose(loop->rejects) != 0) {
			ov_error("%s: %s", loop->rejects_path,
			    strerror(errno));
			rc = -1;
		}
		loop->rejects = NULL;
	}
	return rc;
}
