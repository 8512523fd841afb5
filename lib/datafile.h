/*
 * Locating the shipped data files (plans.conf, holidays, the default alarm
 * set) when no option names them.
 */
#ifndef OV_DATAFILE_H
#define OV_DATAFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds a shipped file by name, trying in order: $OV_DATADIR/name,
 * /etc/ov/name (the administrator's copy, which `make install` never
 * overwrites), PREFIX/share/ov/name beside the running program's
 * PREFIX/bin, etc/name of the source tree when the program runs from its
 * build folder, and the data folder compiled in (DATADIR of the Makefile).
 * Returns true and the path in buf, or false.
 */
bool ov_data_path(const char *name, char *buf, size_t size);

#endif
