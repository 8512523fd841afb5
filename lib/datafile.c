#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datafile.h"

#ifndef OV_DATADIR
#define OV_DATADIR "/usr/local/share/ov"
#endif

static bool
readable(const char *path)
{
	return access(path, R_OK) == 0;
}

bool
ov_data_path(const char *name, char *buf, size_t size)
{
	const char *env = getenv("OV_DATADIR");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0') {
		snprintf(buf, size, "%s/%s", env, name);
		if (readable(buf))
			return true;
	}
	snprintf(buf, size, "%s/%s", OV_DATADIR, name);
	if (readable(buf))
		return true;
	/* A program in SRC/build/bin reads SRC/etc. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3 && (slash = strrchr(exe, '/')); up++)
			*slash = '\0';
		snprintf(buf, size, "%s/etc/%s", exe, name);
		if (readable(buf))
			return true;
	}
	return false;
}
