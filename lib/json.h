/*
 * JSON records: parsing one line into a checked cJSON tree, typed field
 * access that rejects bad values with a reason, and compact record output.
 *
 * cJSON 1.7.15 accepts things a record must not contain, so every line is
 * checked here: valid UTF-8, no NUL byte or "\u0000" in strings, no raw
 * control characters, no leading zeros, no duplicate keys, and numbers that
 * are finite and below 2^53 in magnitude.
 */
#ifndef OV_JSON_H
#define OV_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "input.h"

/* Magnitude from which a JSON number is no longer an exact integer. */
#define OV_JSON_MAX_EXACT 9007199254740992.0	/* 2^53 */

/* Returns true when s[0..len) is valid UTF-8 (no overlongs, surrogates). */
bool ov_utf8_valid(const char *s, size_t len);

/*
 * Parses the record's text into a JSON object and checks it as described
 * above.  Returns the tree (free it with cJSON_Delete), or NULL after
 * ov_reject() with the reason.
 */
cJSON *ov_record_parse(struct ov_record *rec);

/*
 * Finds the string value of a top-level key in raw JSON text without parsing
 * the line, for cheap filtering ("kind", "metric").  Returns a pointer to the
 * value's first byte and its length, or NULL when the key is not found as a
 * plain (unescaped) string.  A NULL result means "parse to be sure".
 */
const char *ov_json_peek(const char *text, size_t len, const char *key,
    size_t *vlen);

/*
 * Typed field getters.  Each returns 1 when the field is present and valid,
 * 0 when it is absent (or null) and not required, and -1 after ov_reject()
 * when it is missing but required or has the wrong type or value.
 */
int ov_get_string(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, const char **out);
int ov_get_number(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, double *out);
int ov_get_int(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, int64_t *out);
int ov_get_bool(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, bool *out);
int ov_get_time(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, int64_t *out);
int ov_get_object(struct ov_record *rec, const cJSON *obj, const char *key,
    bool required, const cJSON **out);

/* A growable byte buffer. */
struct ov_buf {
	char *data;
	size_t len, cap;
};

void ov_buf_add(struct ov_buf *b, const void *data, size_t len);
/* Makes room for len more bytes and a NUL, and returns where they go: the
 * caller writes there and adds what it wrote to b->len. */
char *ov_buf_room(struct ov_buf *b, size_t len);
void ov_buf_addc(struct ov_buf *b, char c);
void ov_buf_adds(struct ov_buf *b, const char *s);
void ov_buf_printf(struct ov_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ov_buf_free(struct ov_buf *b);

/* Appends s as a quoted JSON string. */
void ov_buf_add_json_string(struct ov_buf *b, const char *s, size_t len);

/* Appends a number in its shortest form that reads back exactly. */
void ov_buf_add_json_number(struct ov_buf *b, double v);

/*
 * Record output.  A record is built field by field, in the order of the
 * calls, as one compact JSON line: ov_rec_begin(), the ov_rec_* fields,
 * then ov_rec_end() which adds "}\n".  Field names are escaped like
 * values when they need it.
 */
void ov_rec_begin(struct ov_buf *b, const char *kind);
void ov_rec_str(struct ov_buf *b, const char *key, const char *value);
void ov_rec_num(struct ov_buf *b, const char *key, double value);
void ov_rec_int(struct ov_buf *b, const char *key, int64_t value);
void ov_rec_bool(struct ov_buf *b, const char *key, bool value);
void ov_rec_time(struct ov_buf *b, const char *key, int64_t t);
void ov_rec_null(struct ov_buf *b, const char *key);
/* Adds a value that is already JSON text (an object, array or literal). */
void ov_rec_raw(struct ov_buf *b, const char *key, const char *json,
    size_t len);
/* Adds a parsed value by printing it compactly with ov_json_print(). */
void ov_rec_json(struct ov_buf *b, const char *key, const cJSON *value);
/* Opens a nested object field; close it with ov_rec_close(). */
void ov_rec_open(struct ov_buf *b, const char *key);
void ov_rec_close(struct ov_buf *b);
void ov_rec_end(struct ov_buf *b);

/* Prints a cJSON value compactly with this module's number format. */
void ov_json_print(struct ov_buf *b, const cJSON *value);

/*
 * Writes b to stdout and empties it.  A write error other than a closed
 * pipe exits with status 3; a closed pipe ends the program quietly by
 * SIGPIPE, also when the program was started with SIGPIPE ignored.
 */
void ov_out_write(struct ov_buf *b);

/* Makes stdout fully buffered with a large buffer when it is not a terminal;
 * call once at start. */
void ov_out_init(void);

/* Flushes stdout, exiting with status 3 when that fails. */
void ov_out_flush(void);

#endif
