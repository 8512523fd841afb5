#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

static int
fail(char *err, unsigned errsize, const char *msg)
{
	if (err != NULL && errsize > 0)
		snprintf(err, errsize, "%s", msg);
	return -1;
}

int
ov_decimal_parse(const char *s, struct ov_decimal *d, char *err,
    unsigned errsize)
{
	const char *p = s;
	bool negative = false, point = false;
	int digits = 0, scale = 0;
	int64_t units = 0;

	if (*p == '-' || *p == '+')
		negative = *p++ == '-';
	if (*p == '\0')
		return fail(err, errsize, "invalid amount: no digits");
	for (; *p != '\0'; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			return fail(err, errsize,
			    "invalid amount: expected a decimal like 0.0024");
		if (++digits > 18)
			return fail(err, errsize,
			    "invalid amount: more than 18 digits");
		units = units * 10 + (*p - '0');
		if (point && ++scale > OV_DECIMAL_MAX_SCALE)
			return fail(err, errsize,
			    "invalid amount: more than 9 decimals");
	}
	if (digits == 0 || (point && scale == 0))
		return fail(err, errsize,
		    "invalid amount: expected a decimal like 0.0024");
	d->units = negative ? -units : units;
	d->scale = scale;
	return 0;
}

void
ov_decimal_format(struct ov_decimal d, char *buf)
{
	uint64_t u = d.units < 0 ? (uint64_t)0 - (uint64_t)d.units :
	    (uint64_t)d.units;
	uint64_t pow = 1;

	for (int i = 0; i < d.scale; i++)
		pow *= 10;
	if (d.scale == 0)
		snprintf(buf, OV_MONEY_LEN, "%s%llu", d.units < 0 ? "-" : "",
		    (unsigned long long)u);
	else
		snprintf(buf, OV_MONEY_LEN, "%s%llu.%0*llu",
		    d.units < 0 ? "-" : "", (unsigned long long)(u / pow),
		    d.scale, (unsigned long long)(u % pow));
}

int64_t
ov_round_half_up(__int128 num, __int128 den)
{
	bool negative = (num < 0) != (den < 0);
	__int128 n = num < 0 ? -num : num;
	__int128 m = den < 0 ? -den : den;
	__int128 q = (2 * n + m) / (2 * m);

	return (int64_t)(negative ? -q : q);
}

int
ov_decimal_share_cents(struct ov_decimal d, int64_t num, int64_t den,
    int64_t *cents)
{
	__int128 pow = 1, n, m, q;

	if (den == 0)
		return -1;
	for (int i = 0; i < d.scale; i++)
		pow *= 10;
	/* cents = units × 100 × num / (10^scale × den) */
	n = (__int128)d.units * 100 * num;
	m = pow * den;
	q = (__int128)ov_round_half_up(n, m);
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*cents = (int64_t)q;
	return 0;
}

void
ov_cents_format(int64_t cents, char *buf)
{
	uint64_t u = cents < 0 ? (uint64_t)0 - (uint64_t)cents :
	    (uint64_t)cents;

	snprintf(buf, OV_MONEY_LEN, "%s%llu.%02llu", cents < 0 ? "-" : "",
	    (unsigned long long)(u / 100), (unsigned long long)(u % 100));
}

int
ov_cents_parse(const char *s, int64_t *cents, char *err, unsigned errsize)
{
	struct ov_decimal d;

	if (ov_decimal_parse(s, &d, err, errsize) < 0)
		return -1;
	if (d.scale > 2)
		return fail(err, errsize,
		    "invalid amount: more than 2 decimals for a money amount");
	if (ov_decimal_share_cents(d, 1, 1, cents) < 0)
		return fail(err, errsize, "invalid amount: too large");
	return 0;
}
