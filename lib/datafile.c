#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datafile.h"

#ifndef OV_DATADIR
#define OV_DATADIR "/usr/local/share/ov"
#endif
#ifndef OV_SYSCONFDIR
#define OV_SYSCONFDIR "/etc/ov"
#endif

static bool
readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Puts the folder of the running program, with up levels removed, in
 * buf; returns false when /proc does not tell. */
static bool
exe_folder(char *buf, size_t size, int up)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (int i = 0; i <= up; i++) {
		slash = strrchr(buf, '/');
		if (slash == NULL)
			return false;
		*slash = '\0';
	}
	return true;
}

bool
ov_data_path(const char *name, char *buf, size_t size)
{
	const char *env = getenv("OV_DATADIR");
	char exe[PATH_MAX];

	if (env != NULL && *env != '\0') {
		snprintf(buf, size, "%s/%s", env, name);
		if (readable(buf))
			return true;
	}
	/* The administrator's own copy, which `make install` never touches. */
	snprintf(buf, size, "%s/%s", OV_SYSCONFDIR, name);
	if (readable(buf))
		return true;
	/* PREFIX/bin/PROGRAM reads PREFIX/share/ov, wherever it was installed
	 * (make install PREFIX=... needs no rebuild). */
	if (exe_folder(exe, sizeof exe, 1)) {
		snprintf(buf, size, "%s/share/ov/%s", exe, name);
		if (readable(buf))
			return true;
	}
	/* A program in SRC/build/bin reads SRC/etc. */
	if (exe_folder(exe, sizeof exe, 2)) {
		snprintf(buf, size, "%s/etc/%s", exe, name);
		if (readable(buf))
			return true;
	}
	snprintf(buf, size, "%s/%s", OV_DATADIR, name);
	return readable(buf);
}
