/*
 * Locating the shipped data files (plans.conf, holidays, the default alarm
 * set) when no option names them.
 */
#ifndef OV_DATAFILE_H
#define OV_DATAFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds a shipped file by name, trying in order: $OV_DATADIR/name, the
 * installed data folder (DATADIR of the Makefile, /usr/local/share/ov by
 * default), and etc/name of the source tree when the program runs from its
 * build folder.  Returns true and the path in buf, or false.
 */
bool ov_data_path(const char *name, char *buf, size_t size);

#endif
