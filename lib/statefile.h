/*
 * Durable small files: an exclusive lock beside a state file, and atomic
 * replacement (write a temporary file in the same folder, fsync, rename,
 * fsync the folder), so a crash leaves either the old or the new content.
 */
#ifndef OV_STATEFILE_H
#define OV_STATEFILE_H

#include <stdio.h>

/*
 * Takes an exclusive lock on "path.lock", waiting up to timeout_ms for a
 * concurrent run to finish.  Returns the lock's descriptor (closing it
 * releases the lock), or -1 with a reason in err.
 */
int ov_lock(const char *path, int timeout_ms, char *err, size_t errsize);

/* Releases a lock taken by ov_lock(). */
void ov_unlock(int fd);

/* A file being written for atomic replacement. */
struct ov_atomic {
	char *path;
	char *tmp;
	FILE *f;
};

/* Opens a temporary file beside path.  Returns the stream, or NULL (errno). */
FILE *ov_atomic_open(struct ov_atomic *a, const char *path);

/* Flushes, syncs and renames the temporary file over path; returns 0, or
 * -1 (errno) after removing the temporary file, also when an earlier write
 * to the stream failed. */
int ov_atomic_commit(struct ov_atomic *a);

/* Removes the temporary file without touching path. */
void ov_atomic_abort(struct ov_atomic *a);

#endif
