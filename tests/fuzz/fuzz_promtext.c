/*
 * Fuzz target: the Prometheus text exposition parser.  Every sample handed
 * to the callback is read in full, so that a label or name pointing past
 * the page shows up under AddressSanitizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
read_sample(const struct ov_prom_sample *s, void *ctx)
{
	size_t *total = ctx;

	*total += strlen(s->name) + strlen(s->type);
	if (s->nlabels > OV_PROM_MAX_LABELS || s->line < 1)
		abort();
	for (size_t i = 0; i < s->nlabels; i++) {
		*total += strlen(s->labels[i].name) +
		    strlen(s->labels[i].value);
		if (ov_prom_label(s, s->labels[i].name) == NULL)
			abort();
	}
	(void)ov_prom_label(s, "status");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so a read past the end is caught. */
	char *text = malloc(size ? size : 1), err[200];
	size_t total = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	if (ov_prom_parse(text, size, read_sample, &total, err,
	    sizeof err) == -1 && err[0] == '\0')
		abort();	/* every failure says why */
	free(text);
	return 0;
}
