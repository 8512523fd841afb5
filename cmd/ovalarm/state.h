/*
 * The --state file: every series' evaluation state and the clock, kept
 * between runs so that input split across runs gives the same alarms as
 * one run.
 */
#ifndef OVALARM_STATE_H
#define OVALARM_STATE_H

#include "eval.h"

/*
 * Loads a state file into the engine.  A missing file is an empty state.
 * A file that cannot be read or is corrupt is an error: the message names
 * the file and line, and the program exits with status 3.
 */
void state_load(struct engine *e, const char *path);

/* Writes the engine's state atomically; exits with status 3 on failure. */
void state_save(const struct engine *e, const char *path);

#endif
