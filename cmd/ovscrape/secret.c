/*
 * Deployment secrets: read from the file named in secret_file, or from an
 * environment variable when the field is "env:NAME".  A secret never comes
 * from the command line and never appears in a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "scrape.h"

/* Maximum size of a secret file.  OpenVidu secrets are short strings. */
#define MAX_SECRET 4096

static char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

/* Keeps the first line without its line end, as "cat file" shows it.  The
 * buffer is not NUL-terminated and may contain NUL bytes, which the caller
 * rejects, so the scan stops only at n or at a line end. */
static size_t
first_line_length(const char *s, size_t n)
{
	size_t len = 0;

	while (len < n && s[len] != '\r' && s[len] != '\n')
		len++;
	return len;
}

static void
load_from_env(struct target *t, const char *inventory, const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		ov_error_at(inventory, t->dep->line, "deployment %s: "
		    "environment variable %s is not set or empty",
		    t->dep->id, name);
		t->secret_error = "secret";
		return;
	}
	t->secret = xstrndup(v, strlen(v));
}

static void
warn_mode(const struct target *t, const char *inventory, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		ov_warn_at(inventory, t->dep->line, "deployment %s: secret "
		    "file %s is readable by group or others; run chmod 600 "
		    "on it", t->dep->id, t->dep->secret_file);
}

static void
load_from_file(struct target *t, const char *inventory, const char *path,
    bool warn)
{
	char buf[MAX_SECRET + 1];
	ssize_t n;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ov_error_at(inventory, t->dep->line, "deployment %s: cannot "
		    "open secret file %s: %s", t->dep->id, path,
		    strerror(errno));
		t->secret_error = "secret";
		return;
	}
	if (warn)
		warn_mode(t, inventory, fd);
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0 || n > MAX_SECRET) {
		explicit_bzero(buf, sizeof buf);
		ov_error_at(inventory, t->dep->line, "deployment %s: secret "
		    "file %s: %s", t->dep->id, path, n < 0 ? strerror(errno) :
		    "larger than 4 KiB, expected one line");
		t->secret_error = "secret";
		return;
	}
	len = first_line_length(buf, (size_t)n);
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		explicit_bzero(buf, sizeof buf);
		ov_error_at(inventory, t->dep->line, "deployment %s: secret "
		    "file %s: first line is empty or contains a NUL byte",
		    t->dep->id, path);
		t->secret_error = "secret";
		return;
	}
	t->secret = xstrndup(buf, len);
	explicit_bzero(buf, sizeof buf);
}

void
secret_load(struct target *t, const char *inventory, bool warn)
{
	const char *ref = t->dep->secret_file;

	secret_free(t);
	t->secret_error = NULL;
	if (ref == NULL) {
		/* The OpenVidu 2 REST API always needs the secret. */
		if (t->dep->api == OV_API_OPENVIDU2) {
			ov_error_at(inventory, t->dep->line, "deployment %s: "
			    "secret_file is empty, but the openvidu2 API "
			    "requires a secret", t->dep->id);
			t->secret_error = "secret";
		}
		return;
	}
	if (strncmp(ref, "env:", 4) == 0)
		load_from_env(t, inventory, ref + 4);
	else
		load_from_file(t, inventory, ref, warn);
}

void
secret_free(struct target *t)
{
	if (t->secret != NULL) {
		explicit_bzero(t->secret, strlen(t->secret));
		free(t->secret);
		t->secret = NULL;
	}
}
