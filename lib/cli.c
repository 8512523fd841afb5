#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "cli.h"
#include "diag.h"

static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? sub : del;
			if (ins < cur[j])
				cur[j] = ins;
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

const char *
ov_cli_nearest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (; *candidates != NULL; candidates++) {
		size_t d = distance(word, *candidates);

		if (d < best_d) {
			best_d = d;
			best = *candidates;
		}
	}
	return best;
}

void
ov_cli_bad_command(const char *word, const char *const *commands)
{
	const char *near = ov_cli_nearest(word, commands);

	if (near != NULL)
		ov_usage_error("unknown command '%s'; did you mean '%s'?", word,
		    near);
	ov_usage_error("unknown command '%s'", word);
}

/* Reports an option getopt_long() did not recognise, with a suggestion. */
static void
bad_option(int argc, char **argv, const struct option *longopts)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	char name[64];
	const char *names[128];
	size_t n = 0;
	const char *near;

	if (optopt != 0 && optopt < 256 && strncmp(arg, "--", 2) != 0)
		ov_usage_error("unknown option '-%c'", optopt);
	snprintf(name, sizeof name, "%s", arg + (strncmp(arg, "--", 2) ? 0 :
	    2));
	name[strcspn(name, "=")] = '\0';
	for (; longopts && longopts->name && n + 1 < 128; longopts++)
		names[n++] = longopts->name;
	names[n] = NULL;
	near = ov_cli_nearest(name, names);
	if (near != NULL)
		ov_usage_error("unknown option '--%s'; did you mean '--%s'?",
		    name, near);
	ov_usage_error("unknown option '%s'", arg);
}

bool
ov_cli_common(int opt, const char *arg, int argc, char **argv,
    const struct option *longopts, const struct ov_help *help,
    struct ov_loop *loop)
{
	switch (opt) {
	case 'v':
		if (ov_verbosity < OV_NORMAL)
			ov_verbosity = OV_NORMAL;
		ov_verbosity++;
		return true;
	case 'q':
		ov_verbosity = OV_QUIET;
		return true;
	case OV_OPT_HELP:
		printf("%s\n%s", help->usage, help->text);
		exit(OV_EXIT_OK);
	case OV_OPT_VERSION:
		printf("%s (ov toolkit) %s\n", ov_progname, OV_VERSION);
		exit(OV_EXIT_OK);
	case ':':
		if (optopt != 0 && optopt < 256)
			ov_usage_error("option '-%c' requires a value", optopt);
		ov_usage_error("option '%s' requires a value",
		    argv[optind - 1]);
	case '?':
		bad_option(argc, argv, longopts);
	}
	if (loop == NULL)
		return false;
	switch (opt) {
	case OV_OPT_STRICT:
		loop->strict = true;
		return true;
	case OV_OPT_REJECTS:
		loop->rejects_path = arg;
		return true;
	case OV_OPT_MAX_LINE:
		loop->max_line = (size_t)ov_cli_long("--max-line", arg, 16,
		    1L << 30);
		return true;
	}
	return false;
}

int64_t
ov_cli_time(const char *option, const char *arg)
{
	int64_t t;
	char err[160];

	if (ov_time_parse(arg, strlen(arg), &t, err, sizeof err) < 0)
		ov_usage_error("%s '%s': %s", option, arg, err);
	return t;
}

int64_t
ov_cli_duration(const char *option, const char *arg)
{
	int64_t s;
	char err[160];

	if (ov_duration_parse(arg, &s, err, sizeof err) < 0)
		ov_usage_error("%s '%s': %s", option, arg, err);
	return s;
}

long
ov_cli_long(const char *option, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	/* strtol() also takes blanks and a '+' sign before the digits. */
	if (!(isdigit((unsigned char)arg[0]) || (arg[0] == '-' &&
	    isdigit((unsigned char)arg[1]))) || *end != '\0' || errno != 0 ||
	    v < min || v > max)
		ov_usage_error("%s '%s': expected a whole number from %ld to "
		    "%ld", option, arg, min, max);
	return v;
}

void
ov_cli_month(const char *option, const char *arg, int *year, int *month)
{
	char err[160];

	if (ov_month_parse(arg, year, month, err, sizeof err) < 0)
		ov_usage_error("%s '%s': %s", option, arg, err);
}
