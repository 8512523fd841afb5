/*
 * The record of a fuzz input for the targets that read one line: the bytes
 * copied with a terminating NUL, as the record loop hands a line over.
 */
#ifndef FUZZ_LINE_H
#define FUZZ_LINE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

/* Fills rec with a NUL-terminated copy of data; returns the copy (free
 * it), or NULL when out of memory. */
static inline char *
fuzz_line(const uint8_t *data, size_t size, struct ov_record *rec)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		return NULL;
	memcpy(text, data, size);
	text[size] = '\0';
	*rec = (struct ov_record){ .file = "fuzz", .line = 1, .text = text,
		.len = size };
	return text;
}

#endif
