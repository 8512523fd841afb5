/*
 * Diagnostics and exit statuses shared by every program of the toolkit.
 *
 * Messages go to standard error as "prog: message", or "prog: file:line: message"
 * when a record is at fault.  Programs are silent by default: notes need -v, and
 * warnings can be muted with -q.  Errors are always shown.
 */
#ifndef OV_DIAG_H
#define OV_DIAG_H

#include <stdarg.h>
#include <stdnoreturn.h>

/* Exit statuses, the same for every program (see ov(7)). */
enum ov_exit {
	OV_EXIT_OK = 0,		/* success */
	OV_EXIT_FAIL = 1,	/* some records rejected or some work failed */
	OV_EXIT_USAGE = 2,	/* usage error */
	OV_EXIT_RESOURCE = 3,	/* a file, database or network resource unusable */
};

/* Verbosity: -q sets OV_QUIET, -v raises it by one per flag. */
enum ov_verbosity {
	OV_QUIET = -1,
	OV_NORMAL = 0,
	OV_VERBOSE = 1,
	OV_DEBUG = 2,
};

extern const char *ov_progname;
extern int ov_verbosity;

/*
 * Sets the program name used in messages from argv[0]'s last component.
 * Every main calls it first, so it also ignores SIGXFSZ: a write past a file
 * size limit then fails with an error the program reports.
 */
void ov_set_progname(const char *argv0);

/* Names the subcommand being run ("events"), so that a usage error points
 * at that subcommand's --help. */
void ov_set_subcommand(const char *name);

/* Prints "prog: message" for an error, always shown. */
void ov_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "prog: warning: message" unless -q was given. */
void ov_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "prog: message" only with -v (level 1) or -vv (level 2). */
void ov_note(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "prog: file:line: message" for an error in one input line. */
void ov_error_at(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prints "prog: file:line: warning: message" unless -q was given. */
void ov_warn_at(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prints an error and exits with the given status. */
noreturn void ov_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints an error followed by "Try 'prog --help'." and exits with status 2. */
noreturn void ov_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Formats a message into a caller's buffer, cutting it at the buffer size. */
void ov_vformat(char *buf, size_t size, const char *fmt, va_list ap);

#endif
