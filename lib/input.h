/*
 * Line input: reads newline-terminated lines from a file or standard input
 * with one large buffer, and the record loop built on it.
 *
 * A UTF-8 byte-order mark at the start, "\r\n" line ends and a missing final
 * newline are accepted.  A line longer than the maximum is skipped and
 * reported, so one bad line never stops or crashes a run.
 */
#ifndef OV_INPUT_H
#define OV_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OV_MAX_LINE_DEFAULT (1024 * 1024)

/* One open input. */
struct ov_input {
	const char *name;	/* as shown in messages: the path or "<stdin>" */
	int fd;
	char *buf;
	size_t cap, start, end;
	size_t max_line;
	long line;		/* number of the line last returned */
	bool eof;
	uint64_t bytes_read;
	uint64_t size;		/* file size for progress, 0 if unknown */
};

enum ov_line_status {
	OV_LINE_END = 0,	/* no more lines */
	OV_LINE_OK = 1,		/* *line holds one line without its ending */
	OV_LINE_TOO_LONG = 2,	/* the line was over max_line and skipped */
	OV_LINE_ERROR = -1,	/* read error; errno is set */
};

/* Opens a path, or standard input for NULL or "-". Returns 0 or -1 (errno). */
int ov_input_open(struct ov_input *in, const char *path, size_t max_line);

/* Reads the next line. The pointer is valid until the next call. */
int ov_input_next(struct ov_input *in, const char **line, size_t *len);

/* Takes the "\r" of a "\r\n" line end off a line, and a UTF-8 byte order
 * mark off line 1, by moving *text and shortening *len. */
void ov_line_trim(char **text, size_t *len, long line);

/* Closes the input (standard input is left open). */
void ov_input_close(struct ov_input *in);

/* One input line handed to a program's record function. */
struct ov_record {
	const char *file;
	long line;
	const char *text;	/* not NUL-terminated before text[len] is
				   written; the loop stores a NUL there */
	size_t len;
	char error[512];	/* reason set by ov_reject() */
};

/* Options of the record loop, set from the common command-line options. */
struct ov_loop {
	size_t max_line;	/* --max-line, default OV_MAX_LINE_DEFAULT */
	bool strict;		/* --strict: stop at the first rejected line */
	const char *rejects_path; /* --rejects FILE */
	FILE *rejects;
	long records;		/* lines handed to the record function */
	long rejected;		/* lines rejected */
	bool read_failed;	/* an input could not be opened or read */
	bool stopped;		/* --strict stopped the loop */
	bool progress;		/* show progress on a terminal */
};

/*
 * A program's per-line function: returns 0 when the line was used or
 * ignored, -1 after ov_reject() when it was rejected.
 */
typedef int (*ov_record_fn)(struct ov_record *rec, void *ctx);

/* Sets the loop's defaults. */
void ov_loop_init(struct ov_loop *loop);

/*
 * Runs fn on every non-blank line of the named files (standard input when
 * there are none).  Rejected lines are reported as "prog: file:line: reason",
 * copied to --rejects, and counted.  Returns 0, or -1 when any line was
 * rejected or an input failed, so that the program exits 1.
 */
int ov_loop_run(struct ov_loop *loop, char **paths, int npaths,
    ov_record_fn fn, void *ctx);

/* Closes the rejects file; returns -1 if writing it failed. */
int ov_loop_finish(struct ov_loop *loop);

/* Sets the reason a record is rejected; always returns -1. */
int ov_reject(struct ov_record *rec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
