/* Unit tests for common/vstr and common/argsplit: growth across header
 * sizes, binary safety, ranges, formatting, and Redis-style splitting. */
#include "argsplit.h"
#include "mem.h"
#include "vstr.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(grows_across_header_types)
{
    vstr s = vstr_empty();
    for (int i = 0; i < 1000; i++)
        s = vstr_cat(s, "ab", 2);
    ck_assert_uint_eq(vstr_len(s), 2000);
    ck_assert_int_eq(s[1999], 'b');
    ck_assert_int_eq(s[2000], '\0');
    vstr_free(s);
}
END_TEST

START_TEST(binary_safe)
{
    vstr s = vstr_new("a\0b", 3);
    ck_assert_uint_eq(vstr_len(s), 3);
    vstr t = vstr_dup(s);
    ck_assert_int_eq(vstr_cmp(s, t), 0);
    t = vstr_cat(t, "", 1);
    ck_assert_int_lt(vstr_cmp(s, t), 0);
    vstr_free(s);
    vstr_free(t);
}
END_TEST

START_TEST(ranges_and_zero_growth)
{
    vstr s = vstr_from("hello world");
    vstr_keep_range(s, 6, 100);
    ck_assert_str_eq(s, "world");
    vstr_keep_range(s, 10, 1);
    ck_assert_uint_eq(vstr_len(s), 0);
    s = vstr_grow_zero(s, 300);
    ck_assert_uint_eq(vstr_len(s), 300);
    for (int i = 0; i < 300; i++)
        ck_assert_int_eq(s[i], 0);
    vstr_free(s);
}
END_TEST

START_TEST(format_and_repr)
{
    vstr s = vstr_catfmt(vstr_empty(), "%d-%s", 42, "x");
    ck_assert_str_eq(s, "42-x");
    s = vstr_cat_repr(s, "a\"\n\x01", 4);
    ck_assert_str_eq(s, "42-x\"a\\\"\\n\\x01\"");
    vstr_free(s);
    vstr big = vstr_catfmt(vstr_empty(), "%0600d", 7);
    ck_assert_uint_eq(vstr_len(big), 600);
    vstr_free(big);
}
END_TEST

START_TEST(inline_storage)
{
    char mem[VSTR_INLINE_OVERHEAD + 5];
    vstr s = vstr_init_at(mem, "hello", 5);
    ck_assert_uint_eq(vstr_len(s), 5);
    ck_assert_str_eq(s, "hello");
}
END_TEST

START_TEST(no_leaks)
{
    size_t before = mem_used();
    vstr s = vstr_from("x");
    for (int i = 0; i < 100; i++)
        s = vstr_catfmt(s, "%d", i);
    s = vstr_shrink(s);
    vstr_free(s);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(split_rules)
{
    int argc;
    vstr *argv = argsplit("  set \"a\\tb\" 'it''s' plain  ", 29, &argc);
    ck_assert_ptr_null(argv);
    argv = argsplit("set \"a\\tb\" 'it\\'s' plain", 24, &argc);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argc, 4);
    ck_assert_str_eq(argv[1], "a\tb");
    ck_assert_str_eq(argv[2], "it's");
    ck_assert_str_eq(argv[3], "plain");
    argsplit_free(argv, argc);
    ck_assert_ptr_null(argsplit("\"open", 5, &argc));
    ck_assert_ptr_null(argsplit("'open", 5, &argc));
    argv = argsplit("   ", 3, &argc);
    ck_assert_int_eq(argc, 0);
    argsplit_free(argv, argc);
    argv = argsplit("\"\\x00\\xff\"", 10, &argc);
    ck_assert_int_eq(argc, 1);
    ck_assert_uint_eq(vstr_len(argv[0]), 2);
    ck_assert_int_eq((unsigned char)argv[0][1], 0xff);
    argsplit_free(argv, argc);
    /* Either closing quote must be followed by a space or the end. */
    ck_assert_ptr_null(argsplit("\"a\"b", 4, &argc));
    ck_assert_ptr_null(argsplit("'a'b", 4, &argc));
    argv = argsplit("\"a\\\"\" 'b'", 9, &argc);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argc, 2);
    ck_assert_str_eq(argv[0], "a\"");
    ck_assert_str_eq(argv[1], "b");
    argsplit_free(argv, argc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vstr");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, grows_across_header_types);
    tcase_add_test(tc, binary_safe);
    tcase_add_test(tc, ranges_and_zero_growth);
    tcase_add_test(tc, format_and_repr);
    tcase_add_test(tc, inline_storage);
    tcase_add_test(tc, no_leaks);
    tcase_add_test(tc, split_rules);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
