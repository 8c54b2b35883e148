/* numconv — strict conversions between numbers and their text forms.
 *
 * These follow Redis's rules exactly, because they decide which replies say
 * "ERR value is not an integer or out of range": no leading spaces or '+',
 * no leading zeros (except "0"), the whole input must be consumed.
 */
#ifndef VIGIL_NUMCONV_H
#define VIGIL_NUMCONV_H

#include <stddef.h>
#include <stdint.h>

/* 0 on success, -1 if s is not a canonical signed 64-bit integer. */
int numconv_to_ll(const char *s, size_t len, long long *out);
int numconv_to_ull(const char *s, size_t len, unsigned long long *out);
/* Accepts what strtod does, but no spaces, and rejects NaN. */
int numconv_to_double(const char *s, size_t len, double *out);
int numconv_to_long_double(const char *s, size_t len, long double *out);

/* Writes the decimal form without a NUL; returns its length.  buf >= 21 bytes. */
size_t numconv_ll_to_str(char *buf, long long value);
size_t numconv_ull_to_str(char *buf, unsigned long long value);
/* Double as Redis replies it: "inf", "-inf", integers without ".0", else %.17g. buf >= 32. */
size_t numconv_double_to_str(char *buf, double value);
/* Long double as INCRBYFLOAT stores it: fixed notation, trailing zeros trimmed. buf >= 5120. */
size_t numconv_long_double_to_str(char *buf, size_t size, long double value);

/* Number of decimal digits of v (for reply length prefixes). */
int numconv_digits10(uint64_t v);

#endif
