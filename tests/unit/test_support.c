/* Unit tests of the support modules of lib/: cli (suggestions), statefile
 * (lock and atomic replacement), table (alignment), datafile (lookup) and
 * diag (message format). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "datafile.h"
#include "diag.h"
#include "statefile.h"
#include "table.h"
#include "tap.h"

static char dir[] = "/tmp/ovsupportXXXXXX";

static char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_cli(void)
{
	const char *commands[] = { "list", "show", "export", "import", NULL };
	const char *options[] = { "strict", "rejects", "max-line", NULL };

	tap_is_str(ov_cli_nearest("lsit", commands), "list", "nearest: swap");
	tap_is_str(ov_cli_nearest("exprt", commands), "export",
	    "nearest: missing letter");
	tap_is_str(ov_cli_nearest("stirct", options), "strict",
	    "nearest option");
	tap_ok(ov_cli_nearest("frobnicate", commands) == NULL,
	    "nothing near a far word");
	tap_is_int(ov_cli_duration("--for", "1h30m"), 5400, "duration option");
	tap_is_int(ov_cli_time("--now", "2026-11-02T09:15:00Z"), 1793610900,
	    "time option");
	tap_is_int(ov_cli_long("--n", "42", 1, 100), 42, "number option");
}

static void
test_statefile(void)
{
	char path[128], err[256];
	struct ov_atomic a;
	FILE *f;
	int fd, fd2;

	snprintf(path, sizeof path, "%s/state", dir);
	fd = ov_lock(path, 0, err, sizeof err);
	tap_ok(fd >= 0, "lock taken");
	fd2 = ov_lock(path, 100, err, sizeof err);
	tap_ok(fd2 < 0, "second lock refused after waiting");
	tap_ok(strstr(err, "is locked by another run") != NULL,
	    "lock message says why");
	ov_unlock(fd);
	fd2 = ov_lock(path, 0, err, sizeof err);
	tap_ok(fd2 >= 0, "lock free after unlock");
	ov_unlock(fd2);

	f = ov_atomic_open(&a, path);
	fputs("old\n", f);
	tap_is_int(ov_atomic_commit(&a), 0, "first commit");
	f = ov_atomic_open(&a, path);
	fputs("half", f);
	ov_atomic_abort(&a);
	tap_is_str(slurp(path), "old\n", "abort keeps the old content");
	f = ov_atomic_open(&a, path);
	fputs("new\n", f);
	tap_is_int(ov_atomic_commit(&a), 0, "second commit");
	tap_is_str(slurp(path), "new\n", "commit replaces the content");

	/* A stream whose write failed must not be renamed into place. */
	f = ov_atomic_open(&a, path);
	fputs("broken", f);
	fflush(f);
	close(fileno(f));
	fputs("more", f);
	fflush(f);
	tap_is_int(ov_atomic_commit(&a), -1, "failed write fails the commit");
	tap_is_str(slurp(path), "new\n", "failed commit keeps the content");
}

static void
test_table(void)
{
	const char *titles[] = { "NAME", ">COUNT", "NOTE", NULL };
	const char *row1[] = { "caf\xc3\xa9", "7", "a", NULL };
	const char *row2[] = { "x", "1234", "bell\a\xc2\x9b", NULL };
	char path[128];
	struct ov_table *t = ov_table_new(titles);
	FILE *f;

	snprintf(path, sizeof path, "%s/table", dir);
	f = fopen(path, "w");
	ov_table_add(t, row1);
	ov_table_add(t, row2);
	ov_table_print(t, f);
	fclose(f);
	tap_is_str(slurp(path),
	    "NAME  COUNT  NOTE\n"
	    "caf\xc3\xa9      7  a\n"
	    "x      1234  bell??\n",
	    "table aligned by characters, control bytes replaced");
}

static void
test_datafile(void)
{
	char path[256], buf[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/plans.conf", dir);
	f = fopen(path, "w");
	fclose(f);
	setenv("OV_DATADIR", dir, 1);
	tap_ok(ov_data_path("plans.conf", buf, sizeof buf), "found in "
	    "OV_DATADIR");
	tap_is_str(buf, path, "OV_DATADIR path");
	tap_ok(!ov_data_path("no-such-file.conf", buf, sizeof buf),
	    "missing file not found");
	unsetenv("OV_DATADIR");
}

static void
test_diag(void)
{
	char path[128];
	int saved = dup(STDERR_FILENO), fd;

	snprintf(path, sizeof path, "%s/stderr", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	ov_set_progname("/usr/bin/ovtest");
	ov_verbosity = OV_NORMAL;
	ov_error("plain %d", 1);
	ov_error_at("in.nd", 12, "bad record");
	ov_warn("careful");
	ov_note(1, "hidden note");
	ov_verbosity = OV_QUIET;
	ov_warn("muted");
	ov_error("errors still shown");
	ov_error("multi\n\tline \x1b[2J and \xc2\x9b end\n");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(fd);
	tap_is_str(slurp(path),
	    "ovtest: plain 1\n"
	    "ovtest: in.nd:12: bad record\n"
	    "ovtest: warning: careful\n"
	    "ovtest: errors still shown\n"
	    "ovtest: multi line ?[2J and ? end\n",
	    "message formats and levels");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_cli();
	test_statefile();
	test_table();
	test_datafile();
	test_diag();
	for (const char *name = "state\0state.lock\0table\0plans.conf\0"
	     "stderr\0"; *name != '\0'; name += strlen(name) + 1) {
		char path[256];

		snprintf(path, sizeof path, "%s/%s", dir, name);
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
