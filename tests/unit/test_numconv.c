/* Unit tests for common/numconv: Redis's strict integer rules and the
 * text forms of doubles and long doubles. */
#include "numconv.h"

#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int ll(const char *s, long long *out)
{
    return numconv_to_ll(s, strlen(s), out);
}

START_TEST(strict_integers)
{
    long long v;
    ck_assert_int_eq(ll("0", &v), 0);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(ll("-9223372036854775808", &v), 0);
    ck_assert(v == LLONG_MIN);
    ck_assert_int_eq(ll("9223372036854775807", &v), 0);
    ck_assert(v == LLONG_MAX);
    const char *bad[] = {"", "-", "-0", "01", "+1", " 1", "1 ", "1a",
                         "9223372036854775808", "-9223372036854775809", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(ll(bad[i], &v) == -1, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(integer_text)
{
    char buf[32];
    size_t n = numconv_ll_to_str(buf, LLONG_MIN);
    ck_assert_mem_eq(buf, "-9223372036854775808", n);
    n = numconv_ll_to_str(buf, 0);
    ck_assert_mem_eq(buf, "0", n);
    ck_assert_int_eq(numconv_digits10(0), 1);
    ck_assert_int_eq(numconv_digits10(UINT64_MAX), 20);
}
END_TEST

START_TEST(doubles)
{
    double d;
    ck_assert_int_eq(numconv_to_double("1.5", 3, &d), 0);
    ck_assert(d == 1.5);
    ck_assert_int_eq(numconv_to_double("-inf", 4, &d), 0);
    ck_assert(isinf(d) && d < 0);
    ck_assert_int_eq(numconv_to_double("nan", 3, &d), -1);
    ck_assert_int_eq(numconv_to_double(" 1", 2, &d), -1);
    ck_assert_int_eq(numconv_to_double("1x", 2, &d), -1);
    char buf[64];
    size_t n = numconv_double_to_str(buf, 3.0);
    ck_assert_mem_eq(buf, "3", n);
    n = numconv_double_to_str(buf, INFINITY);
    ck_assert_mem_eq(buf, "inf", n);
    n = numconv_double_to_str(buf, 0.1);
    ck_assert_mem_eq(buf, "0.10000000000000001", n);
}
END_TEST

START_TEST(long_doubles_like_incrbyfloat)
{
    char buf[5120];
    numconv_long_double_to_str(buf, sizeof buf, 10.5L);
    ck_assert_str_eq(buf, "10.5");
    numconv_long_double_to_str(buf, sizeof buf, 3.0L);
    ck_assert_str_eq(buf, "3");
    numconv_long_double_to_str(buf, sizeof buf, 5.0e3L);
    ck_assert_str_eq(buf, "5000");
    long double v;
    ck_assert_int_eq(numconv_to_long_double("10.1", 4, &v), 0);
    numconv_long_double_to_str(buf, sizeof buf, v + 0.1L);
    ck_assert_str_eq(buf, "10.2");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("numconv");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, strict_integers);
    tcase_add_test(tc, integer_text);
    tcase_add_test(tc, doubles);
    tcase_add_test(tc, long_doubles_like_incrbyfloat);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
