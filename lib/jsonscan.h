/*
 * A one-pass check of a JSON line that reads the common record shapes
 * without building a cJSON tree, for the hot paths of the programs.
 *
 * The scan accepts a subset of JSON that can be used as written, with no
 * decoding.  Strings are valid UTF-8 whose only escapes are \" and \\.
 * Numbers are whole, of at most 15 digits, and not -0.  true, false, null
 * and arrays are taken too.  Objects have at most 32 keys and no
 * duplicates, values nest at most 32 deep, and spaces and tabs are the
 * only blanks.  Such text prints back unchanged through lib/json.c once
 * the blanks are left out.  Anything else, valid or not, fails the scan:
 * the caller then parses the line with ov_record_parse(), which accepts it
 * or gives the exact reason why not.
 * Whatever the scan accepts, ov_record_parse() accepts with the same
 * values.
 */
#ifndef OV_JSONSCAN_H
#define OV_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ov_scan {
	const char *p, *end;	/* the text still to read */
	/*
	 * Called at each member of each object, positioned at the member's
	 * value, with the depth of the object (0 for the line's object).  It
	 * reads the value -- with ov_scan_value(sc, depth + 1) when it has
	 * no use for it -- and returns false to end the scan.  When NULL,
	 * every value is read and checked only.
	 */
	bool (*member)(struct ov_scan *sc, int depth, const char *key,
	    size_t key_len);
	void *ctx;		/* for the member function */
	bool escaped;		/* the string read last has escapes */
	bool blanks;		/* blanks were seen between tokens */
};

/*
 * Scans text[0..len) as one JSON object with optional blanks around it.
 * The caller sets member and ctx of sc first, and this function the rest.  Returns true when
 * the whole line is in the subset and no member function stopped it.
 */
bool ov_scan_line(struct ov_scan *sc, const char *text, size_t len);

/* Reads and checks one value at sc->p; depth counts the objects and arrays
 * around it. */
bool ov_scan_value(struct ov_scan *sc, int depth);

/* Reads a string at sc->p: *s and *len give its text between the quotes,
 * still escaped when sc->escaped is set. */
bool ov_scan_string(struct ov_scan *sc, const char **s, size_t *len);

/* Reads a whole number at sc->p. */
bool ov_scan_integer(struct ov_scan *sc, int64_t *v);

/*
 * Copies the value text s[0..len), read by a scan, to out without its
 * blanks, as lib/json.c prints it, and returns the bytes written (at most
 * len).  out may be s, to compact the text in place.
 */
size_t ov_scan_compact(char *out, const char *s, size_t len);

#endif
