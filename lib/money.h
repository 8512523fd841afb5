/*
 * Exact money.  Amounts are decimals read from strings ("0.0024", "200.00")
 * and kept as an integer count of 10^-scale units; products and shares are
 * computed in 128-bit integers and rounded once, half up, to cents.  No
 * floating point is involved anywhere.
 */
#ifndef OV_MONEY_H
#define OV_MONEY_H

#include <stdbool.h>
#include <stdint.h>

#define OV_DECIMAL_MAX_SCALE 9

/* A decimal number: units / 10^scale. */
struct ov_decimal {
	int64_t units;
	int scale;
};

/* Longest formatted amount, with its NUL. */
#define OV_MONEY_LEN 32

/*
 * Parses a plain decimal ("622.08", "0.0024", "-3", at most 9 decimals and
 * 18 digits).  Returns 0, or -1 with a reason in err.
 */
int ov_decimal_parse(const char *s, struct ov_decimal *d, char *err,
    unsigned errsize);

/* Formats a decimal with its own number of decimals ("0.0024"). */
void ov_decimal_format(struct ov_decimal d, char *buf);

/*
 * Computes d × num / den in cents, rounded half up (half away from zero for
 * negative results).  Returns 0, or -1 when den is 0 or the result does not
 * fit in 64 bits.
 */
int ov_decimal_share_cents(struct ov_decimal d, int64_t num, int64_t den,
    int64_t *cents);

/* Rounds a rational num / den to the nearest integer, half up. */
int64_t ov_round_half_up(__int128 num, __int128 den);

/* Formats cents as "622.08" or "-0.50". */
void ov_cents_format(int64_t cents, char *buf);

/* Parses an amount with at most two decimals into cents ("200", "12.5"). */
int ov_cents_parse(const char *s, int64_t *cents, char *err,
    unsigned errsize);

#endif
