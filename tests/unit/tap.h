/*
 * A small TAP producer for the unit tests: each check prints "ok N - name"
 * or "not ok N - name" with the values compared, and tap_done() prints the
 * plan and returns the exit status for main().
 */
#ifndef OV_TAP_H
#define OV_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline int
tap_ok(int pass, const char *name)
{
	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - %s\n", pass ? "" : "not ", tap_count, name);
	return pass;
}

static inline void
tap_is_int(long long got, long long expected, const char *name)
{
	if (!tap_ok(got == expected, name))
		printf("#   got: %lld\n#   expected: %lld\n", got, expected);
}

static inline void
tap_is_str(const char *got, const char *expected, const char *name)
{
	int pass = got != NULL && expected != NULL ? strcmp(got, expected) == 0
	    : got == expected;

	if (!tap_ok(pass, name))
		printf("#   got: '%s'\n#   expected: '%s'\n",
		    got ? got : "(null)", expected ? expected : "(null)");
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
