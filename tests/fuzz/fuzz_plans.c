/*
 * Fuzz target: plans.conf and the holiday CSV it names.  The input is the
 * INI text, then optionally a line "%%" and the CSV text, which is written
 * as holidays.csv beside plans.conf so that "holidays = holidays.csv" in
 * the INI part reads it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plans.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], conf[96], csv[96];
	static const char marker[] = "\n%%\n";
	const uint8_t *split = memmem(data, size, marker, sizeof marker - 1);
	size_t conf_len = split ? (size_t)(split - data) : size;
	struct ov_plans plans;
	char err[512];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/ovfuzzplans.%d", (int)getpid());
		if (mkdir(dir, 0700) != 0)
			abort();
		snprintf(conf, sizeof conf, "%s/plans.conf", dir);
		snprintf(csv, sizeof csv, "%s/holidays.csv", dir);
	}
	write_file(conf, data, conf_len);
	if (split != NULL)
		write_file(csv, split + sizeof marker - 1,
		    size - conf_len - (sizeof marker - 1));
	else
		unlink(csv);
	if (ov_plans_load(conf, &plans, err, sizeof err) == 0) {
		/* A loaded set must be usable as the programs use it. */
		for (size_t i = 0; i < plans.count; i++)
			if (ov_plan_find(&plans, plans.items[i].name) == NULL)
				abort();
		ov_plans_free(&plans);
	} else if (err[0] == '\0') {
		abort();	/* every failure says why */
	}
	unlink(conf);
	unlink(csv);
	rmdir(dir);
	dir[0] = '\0';
	return 0;
}
