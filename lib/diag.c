#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

const char *ov_progname = "ov";
int ov_verbosity = OV_NORMAL;
static const char *subcommand;

void
ov_set_progname(const char *argv0)
{
	const char *slash;

	/* Past a file size limit (ulimit -f), make writes fail with EFBIG and
	 * a message instead of killing the process half-way through a file. */
	signal(SIGXFSZ, SIG_IGN);
	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	ov_progname = slash ? slash + 1 : argv0;
}

void
ov_set_subcommand(const char *name)
{
	subcommand = name;
}

/*
 * Makes a message one safe line: line breaks and tabs (a library's
 * multi-line error) become spaces, and other control characters, C1 ones
 * (UTF-8 C2 80 to C2 9F) included, become '?', so that a value quoted from
 * hostile input cannot drive the terminal.
 */
static void
one_line(char *s)
{
	char *out = s, *start = s;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t') {
			if (out > start && out[-1] != ' ')
				*out++ = ' ';
		} else if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f) {
			*out++ = '?';
			s++;
		} else {
			*out++ = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
	}
	while (out > start && out[-1] == ' ')
		out--;
	*out = '\0';
}

static void
emit(const char *file, long line, const char *level, const char *fmt,
    va_list ap)
{
	/* One fprintf per part; stderr is unbuffered, so build the line first
	 * and write it at once to keep lines from parallel runs whole. */
	char msg[4096];		/* room for the "\n" added after one_line() */
	char text[3800];

	ov_vformat(text, sizeof text, fmt, ap);
	if (file != NULL && line > 0)
		snprintf(msg, sizeof msg - 1, "%s: %s:%ld: %s%s", ov_progname,
		    file, line, level, text);
	else if (file != NULL)
		snprintf(msg, sizeof msg - 1, "%s: %s: %s%s", ov_progname, file,
		    level, text);
	else
		snprintf(msg, sizeof msg - 1, "%s: %s%s", ov_progname, level,
		    text);
	one_line(msg);
	strcat(msg, "\n");
	fputs(msg, stderr);
}

void
ov_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n;

	n = vsnprintf(buf, size, fmt, ap);
	if (n < 0)
		snprintf(buf, size, "(message could not be formatted)");
}

void
ov_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, "", fmt, ap);
	va_end(ap);
}

void
ov_warn(const char *fmt, ...)
{
	va_list ap;

	if (ov_verbosity < OV_NORMAL)
		return;
	va_start(ap, fmt);
	emit(NULL, 0, "warning: ", fmt, ap);
	va_end(ap);
}

void
ov_note(int level, const char *fmt, ...)
{
	va_list ap;

	if (ov_verbosity < level)
		return;
	va_start(ap, fmt);
	emit(NULL, 0, "", fmt, ap);
	va_end(ap);
}

void
ov_error_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(file, line, "", fmt, ap);
	va_end(ap);
}

void
ov_warn_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	if (ov_verbosity < OV_NORMAL)
		return;
	va_start(ap, fmt);
	emit(file, line, "warning: ", fmt, ap);
	va_end(ap);
}

void
ov_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, "", fmt, ap);
	va_end(ap);
	exit(status);
}

void
ov_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, "", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s%s%s --help' for more information.\n",
	    ov_progname, subcommand ? " " : "", subcommand ? subcommand : "");
	exit(OV_EXIT_USAGE);
}
