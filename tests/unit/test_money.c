/* Unit tests of lib/money: exact decimals and half-up rounding to cents. */
#include "money.h"
#include "tap.h"

static struct ov_decimal
dec(const char *s)
{
	struct ov_decimal d = { 0, 0 };

	ov_decimal_parse(s, &d, NULL, 0);
	return d;
}

static const char *
share(const char *price, int64_t num, int64_t den)
{
	static char buf[OV_MONEY_LEN];
	int64_t cents;

	if (ov_decimal_share_cents(dec(price), num, den, &cents) < 0)
		return "error";
	ov_cents_format(cents, buf);
	return buf;
}

int
main(void)
{
	char buf[OV_MONEY_LEN];
	struct ov_decimal d;
	int64_t cents;

	tap_is_str(share("0.0024", 259200, 1), "622.08", "24x7 month of 6 "
	    "cores");
	tap_is_str(share("0.0006", 43200, 1), "25.92", "nbd 43200 minutes");
	tap_is_str(share("0.0024", 1, 1), "0.00", "one core-minute");
	tap_is_str(share("0.0024", 2, 1), "0.00", "0.0048 rounds down");
	tap_is_str(share("0.0024", 3, 1), "0.01", "0.0072 rounds up");
	tap_is_str(share("0.005", 1, 1), "0.01", "half a cent rounds up");
	tap_is_str(share("0.0025", 2, 1), "0.01", "0.005 exactly rounds up");
	tap_is_str(share("0.0049", 1, 1), "0.00", "0.0049 rounds down");
	tap_is_str(share("-0.005", 1, 1), "-0.01", "negative half away");
	tap_is_str(share("200.00", 14, 30), "93.33", "prorated 14 of 30 days");
	tap_is_str(share("200.00", 1, 3), "66.67", "one third");
	tap_is_str(share("100", 44640 - 1440 * 16, 44640), "48.39",
	    "contract from the 17th of a 31-day month");
	tap_is_str(share("45.50", 90, 60), "68.25", "90 minutes at 45.50/h");
	tap_is_str(share("0.0024", 8928000, 1), "21427.20",
	    "200 deployments of 1 core for a month");
	tap_is_str(share("1", 1, 0), "error", "zero denominator");
	tap_is_int(ov_decimal_parse("0.0024", &d, NULL, 0), 0, "parse price");
	tap_is_int(d.units, 24, "price units");
	tap_is_int(d.scale, 4, "price scale");
	ov_decimal_format(d, buf);
	tap_is_str(buf, "0.0024", "price kept as written");
	tap_is_int(ov_decimal_parse("1e3", &d, NULL, 0), -1, "exponent");
	tap_is_int(ov_decimal_parse("1.", &d, NULL, 0), -1, "bare point");
	tap_is_int(ov_decimal_parse(".5", &d, NULL, 0), 0, "leading point");
	tap_is_int(ov_decimal_parse("", &d, NULL, 0), -1, "empty");
	tap_is_int(ov_decimal_parse("0.0000000001", &d, NULL, 0), -1,
	    "ten decimals");
	tap_is_int(ov_decimal_parse("1234567890123456789", &d, NULL, 0), -1,
	    "nineteen digits");
	tap_is_int(ov_cents_parse("12.5", &cents, NULL, 0), 0, "cents parse");
	tap_is_int(cents, 1250, "12.5 is 1250 cents");
	tap_is_int(ov_cents_parse("12.555", &cents, NULL, 0), -1,
	    "three decimals for money");
	ov_cents_format(-50, buf);
	tap_is_str(buf, "-0.50", "negative cents");
	tap_is_int(ov_round_half_up(5, 2), 3, "2.5 rounds to 3");
	tap_is_int(ov_round_half_up(-5, 2), -3, "-2.5 rounds to -3");
	tap_is_int(ov_round_half_up(7, 3), 2, "7/3 rounds to 2");
	return tap_done();
}
