#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "statefile.h"

int
ov_lock(const char *path, int timeout_ms, char *err, size_t errsize)
{
	char lockpath[4096];
	struct timespec pause = { 0, 50 * 1000000L };
	int fd, waited = 0;

	snprintf(lockpath, sizeof lockpath, "%s.lock", path);
	fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errsize, "cannot create lock file %s: %s",
		    lockpath, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errsize, "cannot lock %s: %s", lockpath,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (waited >= timeout_ms) {
			snprintf(err, errsize, "%s is locked by another run "
			    "(waited %d ms); try again when it has finished",
			    path, waited);
			close(fd);
			return -1;
		}
		nanosleep(&pause, NULL);
		waited += 50;
	}
	return fd;
}

void
ov_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

FILE *
ov_atomic_open(struct ov_atomic *a, const char *path)
{
	size_t n = strlen(path) + 16;
	int fd;

	memset(a, 0, sizeof *a);
	a->path = strdup(path);
	a->tmp = malloc(n);
	if (a->path == NULL || a->tmp == NULL)
		goto fail;
	snprintf(a->tmp, n, "%s.tmp.XXXXXX", path);
	fd = mkostemp(a->tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	a->f = fdopen(fd, "w");
	if (a->f == NULL) {
		int e = errno;

		close(fd);
		unlink(a->tmp);
		errno = e;
		goto fail;
	}
	return a->f;
fail:
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	return NULL;
}

static void
sync_folder(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (copy == NULL)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int
ov_atomic_commit(struct ov_atomic *a)
{
	int e;

	/* A short fwrite() leaves only the error flag, and errno from its
	 * failed write: fflush() may still succeed on an empty buffer. */
	if (ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0) {
		e = errno != 0 ? errno : EIO;
		fclose(a->f);
		goto fail;
	}
	if (fclose(a->f) != 0) {
		e = errno;
		goto fail;
	}
	a->f = NULL;
	if (rename(a->tmp, a->path) != 0) {
		e = errno;
		goto fail;
	}
	sync_folder(a->path);
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	return 0;
fail:
	a->f = NULL;
	ov_atomic_abort(a);
	errno = e;
	return -1;
}

void
ov_atomic_abort(struct ov_atomic *a)
{
	if (a->f != NULL)
		fclose(a->f);
	if (a->tmp != NULL)
		unlink(a->tmp);
	free(a->path);
	free(a->tmp);
	memset(a, 0, sizeof *a);
}
