/*
 * Command-line conventions shared by every program: the common options
 * (--help, --version, -v, -q, and the record-loop options --strict,
 * --rejects and --max-line), checked conversion of option values, and
 * usage errors that suggest the nearest valid option or subcommand.
 *
 * Programs call getopt_long() with an option string that starts with ':'
 * and pass every option they do not handle themselves to ov_cli_common().
 */
#ifndef OV_CLI_H
#define OV_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "input.h"

#ifndef OV_VERSION
#define OV_VERSION "0.1.0"
#endif

/* Codes of the long options that have no short form. */
enum {
	OV_OPT_HELP = 1000,
	OV_OPT_VERSION,
	OV_OPT_STRICT,
	OV_OPT_REJECTS,
	OV_OPT_MAX_LINE,
	OV_OPT_NOW,
	OV_OPT_FIRST_PROGRAM_OPTION = 1100,	/* programs number theirs from
						   here */
};

#define OV_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, OV_OPT_HELP }, \
	{ "version", no_argument, NULL, OV_OPT_VERSION }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }

#define OV_LOOP_LONGOPTS \
	{ "strict", no_argument, NULL, OV_OPT_STRICT }, \
	{ "rejects", required_argument, NULL, OV_OPT_REJECTS }, \
	{ "max-line", required_argument, NULL, OV_OPT_MAX_LINE }

/* Text of a program's --help and its one-line usage (the SYNOPSIS). */
struct ov_help {
	const char *usage;	/* "usage: ovbill [-qv] [--csv] ..." */
	const char *text;	/* the rest of --help */
};

/*
 * Handles a common option: -v, -q, --help, --version, and, when loop is not
 * NULL, --strict, --rejects and --max-line.  Also reports getopt's '?' and
 * ':' results as usage errors (exit 2).  Returns true when opt was handled.
 */
bool ov_cli_common(int opt, const char *arg, int argc, char **argv,
    const struct option *longopts, const struct ov_help *help,
    struct ov_loop *loop);

/* Converts an option's value or exits with a usage error naming it. */
int64_t ov_cli_time(const char *option, const char *arg);
int64_t ov_cli_duration(const char *option, const char *arg);
long ov_cli_long(const char *option, const char *arg, long min, long max);
void ov_cli_month(const char *option, const char *arg, int *year,
    int *month);

/* Returns the candidate nearest to word (edit distance of at most 2), or
 * NULL.  candidates is NULL-terminated. */
const char *ov_cli_nearest(const char *word, const char *const *candidates);

/* Exits with a usage error for an unknown subcommand, suggesting the
 * nearest one. */
void ov_cli_bad_command(const char *word, const char *const *commands)
	__attribute__((noreturn));

#endif
