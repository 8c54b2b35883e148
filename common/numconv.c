/* numconv — strict number/text conversions; see numconv.h. */
#include "numconv.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int numconv_to_ull(const char *s, size_t len, unsigned long long *out)
{
    if (len == 0 || len > 20)
        return -1;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 0;
    }
    if (s[0] < '1' || s[0] > '9')
        return -1;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int numconv_to_ll(const char *s, size_t len, long long *out)
{
    int negative = len > 0 && s[0] == '-';
    unsigned long long mag;
    if (numconv_to_ull(s + negative, len - (size_t)negative, &mag) < 0)
        return -1;
    if (negative) {
        /* "-0" is not canonical: Redis refuses it as an integer. */
        if (mag == 0 || mag > (unsigned long long)LLONG_MAX + 1)
            return -1;
        *out = mag == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)mag;
    } else {
        if (mag > (unsigned long long)LLONG_MAX)
            return -1;
        *out = (long long)mag;
    }
    return 0;
}

/* strtod-family parsing needs a NUL-terminated copy; numbers are short. */
static int copy_number(const char *s, size_t len, char *buf, size_t size)
{
    if (len == 0 || len >= size || memchr(s, '\0', len))
        return -1;
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\v' ||
        s[0] == '\f')
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return 0;
}

int numconv_to_double(const char *s, size_t len, double *out)
{
    char buf[512];
    if (copy_number(s, len, buf, sizeof buf) < 0)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || isnan(v) || (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)))
        return -1;
    *out = v;
    return 0;
}

int numconv_to_long_double(const char *s, size_t len, long double *out)
{
    char buf[512];
    if (copy_number(s, len, buf, sizeof buf) < 0)
        return -1;
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if (*end != '\0' || isnan(v) || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

int numconv_digits10(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

size_t numconv_ull_to_str(char *buf, unsigned long long value)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

size_t numconv_ll_to_str(char *buf, long long value)
{
    if (value >= 0)
        return numconv_ull_to_str(buf, (unsigned long long)value);
    buf[0] = '-';
    unsigned long long mag = (unsigned long long)(-(value + 1)) + 1;
    return 1 + numconv_ull_to_str(buf + 1, mag);
}

size_t numconv_double_to_str(char *buf, double value)
{
    if (isinf(value))
        return (size_t)sprintf(buf, value > 0 ? "inf" : "-inf");
    /* Integral values inside the exactly-representable range print without
     * an exponent, as Redis does for scores like 1e15. */
    if (value == (double)(long long)value && fabs(value) < 1e17)
        return numconv_ll_to_str(buf, (long long)value);
    return (size_t)snprintf(buf, 32, "%.17g", value);
}

size_t numconv_long_double_to_str(char *buf, size_t size, long double value)
{
    if (isinf(value))
        return (size_t)snprintf(buf, size, value > 0 ? "inf" : "-inf");
    int n = snprintf(buf, size, "%.17Lf", value);
    if (n < 0 || (size_t)n >= size)
        return 0;
    if (strchr(buf, '.')) {
        while (n > 0 && buf[n - 1] == '0')
            n--;
        if (n > 0 && buf[n - 1] == '.')
            n--;
    }
    /* "-0" reads oddly and Redis never prints it. */
    if (n == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        n = 1;
    }
    buf[n] = '\0';
    return (size_t)n;
}
