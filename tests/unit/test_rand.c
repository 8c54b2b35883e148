/* Unit tests for common/rand: hex ids have the asked length and only hex
 * digits, two ids differ, bounds are honoured and seeding succeeds. */
#include "rand.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(hex_ids)
{
    char a[41], b[41];
    memset(a, 'X', sizeof a);
    ck_assert_int_eq(rand_hex(a, 40), 0);
    ck_assert_uint_eq(strlen(a), 40);
    ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 40);
    ck_assert_int_eq(rand_hex(b, 40), 0);
    ck_assert_str_ne(a, b);
    char small[3];
    ck_assert_int_eq(rand_hex(small, 2), 0);
    ck_assert_uint_eq(strlen(small), 2);
}
END_TEST

START_TEST(hex_rejects_oversized_ids)
{
    char big[260];
    ck_assert_int_eq(rand_hex(big, 258), -1);
    ck_assert_int_eq(rand_hex(big, 128), 0);
    ck_assert_uint_eq(strlen(big), 128);
}
END_TEST

START_TEST(below_stays_in_range)
{
    ck_assert_int_eq(rand_seed(), 0);
    ck_assert_uint_eq(rand_below(1), 0);
    int hit[7] = {0};
    for (int i = 0; i < 7000; i++) {
        unsigned long v = rand_below(7);
        ck_assert_uint_lt(v, 7);
        hit[v] = 1;
    }
    for (int i = 0; i < 7; i++)
        ck_assert_msg(hit[i], "%d never drawn", i);
    /* Wider than random()'s 31 bits. */
    unsigned long max = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned long v = rand_below(1UL << 40);
        ck_assert_uint_lt(v, 1UL << 40);
        if (v > max)
            max = v;
    }
    ck_assert_uint_gt(max, 1UL << 31);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rand");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, hex_ids);
    tcase_add_test(tc, hex_rejects_oversized_ids);
    tcase_add_test(tc, below_stays_in_range);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
