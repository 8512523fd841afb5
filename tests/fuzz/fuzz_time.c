/* Fuzz target: RFC 3339 instants, dates, months, durations and decimals. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[64], err[160];
	int64_t t, days, cents;
	int y, m;
	struct ov_decimal d;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ov_time_parse(s, size, &t, err, sizeof err) == 0) {
		int64_t again;

		ov_time_format(t, buf);
		/* A parsed instant formats to text that parses to itself. */
		if (ov_time_parse(buf, strlen(buf), &again, err,
		    sizeof err) != 0 || again != t)
			abort();
	}
	if (ov_date_parse(s, &days, err, sizeof err) == 0)
		ov_date_format(days, buf);
	ov_month_parse(s, &y, &m, err, sizeof err);
	if (ov_duration_parse(s, &t, err, sizeof err) == 0)
		ov_duration_format(t, buf, sizeof buf);
	if (ov_decimal_parse(s, &d, err, sizeof err) == 0) {
		ov_decimal_format(d, buf);
		if (ov_decimal_share_cents(d, 44640, 7, &cents) == 0)
			ov_cents_format(cents, buf);
	}
	free(s);
	return 0;
}
