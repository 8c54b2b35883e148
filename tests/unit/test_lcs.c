/* Unit tests for the LCS computation in server/t_string: the answers and
 * match ranges redis-server 7.0.15 gives for the same inputs (ties
 * included), the size refusal, and random inputs checked against the
 * properties any correct answer has. */
#include "t_string.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define NO_LIMIT ((size_t)1 << 30)
#define MAX_RANGES 64

struct ranges {
    struct string_lcs_range r[MAX_RANGES];
    int n;
};

static void collect(const struct string_lcs_range *r, void *ctx)
{
    struct ranges *rs = ctx;
    ck_assert_int_lt(rs->n, MAX_RANGES);
    rs->r[rs->n++] = *r;
}

/* Runs LCS on a and b; returns the subsequence (caller frees) and fills rs. */
static char *run_lcs(const char *a, const char *b, struct ranges *rs)
{
    struct string_lcs lcs;
    ck_assert_int_eq(string_lcs_build(&lcs, a, strlen(a), b, strlen(b), NO_LIMIT), 0);
    uint32_t len = string_lcs_length(&lcs);
    char *out = calloc(1, len + 1);
    rs->n = 0;
    string_lcs_walk(&lcs, out, collect, rs);
    string_lcs_free(&lcs);
    return out;
}

static void check_range(const struct ranges *rs, int i, uint32_t as, uint32_t ae, uint32_t bs,
                        uint32_t be)
{
    ck_assert_uint_eq(rs->r[i].a_start, as);
    ck_assert_uint_eq(rs->r[i].a_end, ae);
    ck_assert_uint_eq(rs->r[i].b_start, bs);
    ck_assert_uint_eq(rs->r[i].b_end, be);
}

START_TEST(redis_doc_example)
{
    struct ranges rs;
    char *s = run_lcs("ohmytext", "mynewtext", &rs);
    ck_assert_str_eq(s, "mytext");
    ck_assert_int_eq(rs.n, 2);
    check_range(&rs, 0, 4, 7, 5, 8);
    check_range(&rs, 1, 2, 3, 0, 1);
    free(s);
}
END_TEST

/* Several subsequences are equally long: the reported one must be the one
 * redis-server reports (LCS t1 t2 answered "cbc", t2 t1 "aba"). */
START_TEST(ties_follow_redis)
{
    struct ranges rs;
    char *s = run_lcs("abcabc", "cbacba", &rs);
    ck_assert_str_eq(s, "cbc");
    ck_assert_int_eq(rs.n, 3);
    check_range(&rs, 0, 5, 5, 3, 3);
    check_range(&rs, 1, 4, 4, 1, 1);
    check_range(&rs, 2, 2, 2, 0, 0);
    free(s);

    s = run_lcs("cbacba", "abcabc", &rs);
    ck_assert_str_eq(s, "aba");
    free(s);

    s = run_lcs("aaaa", "aa", &rs);
    ck_assert_str_eq(s, "aa");
    ck_assert_int_eq(rs.n, 1);
    check_range(&rs, 0, 2, 3, 0, 1);
    free(s);
}
END_TEST

START_TEST(longer_golden)
{
    struct ranges rs;
    char *s = run_lcs("ACCGGTCGAGTGCGCGGAAGCCGGCCGAA", "GTCGTTCGGAATGCCGTTGCTCTGTAAA", &rs);
    ck_assert_str_eq(s, "GTCGTCGGAAGCCGGCCGAA");
    const uint32_t want[][4] = {{27, 28, 26, 27}, {26, 26, 23, 23}, {25, 25, 21, 21},
                                {23, 24, 18, 19}, {19, 22, 12, 15}, {14, 18, 6, 10},
                                {9, 10, 3, 4},    {4, 6, 0, 2}};
    ck_assert_int_eq(rs.n, 8);
    for (int i = 0; i < 8; i++)
        check_range(&rs, i, want[i][0], want[i][1], want[i][2], want[i][3]);
    free(s);
}
END_TEST

START_TEST(empty_and_disjoint)
{
    struct ranges rs;
    char *s = run_lcs("", "abc", &rs);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(rs.n, 0);
    free(s);
    s = run_lcs("abc", "xyz", &rs);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(rs.n, 0);
    free(s);
    s = run_lcs("same", "same", &rs);
    ck_assert_str_eq(s, "same");
    ck_assert_int_eq(rs.n, 1);
    check_range(&rs, 0, 0, 3, 0, 3);
    free(s);
}
END_TEST

START_TEST(binary_bytes)
{
    const char a[] = {'x', 0, (char)0xff, 'y'}, b[] = {0, 'q', (char)0xff};
    struct string_lcs lcs;
    ck_assert_int_eq(string_lcs_build(&lcs, a, sizeof a, b, sizeof b, NO_LIMIT), 0);
    ck_assert_uint_eq(string_lcs_length(&lcs), 2);
    char out[2];
    string_lcs_walk(&lcs, out, NULL, NULL);
    ck_assert_int_eq(out[0], 0);
    ck_assert_int_eq(out[1], (char)0xff);
    string_lcs_free(&lcs);
}
END_TEST

START_TEST(refuses_big_tables)
{
    struct string_lcs lcs;
    /* 11 * 11 cells of 4 bytes = 484 bytes. */
    ck_assert_int_eq(string_lcs_build(&lcs, "0123456789", 10, "0123456789", 10, 483), -1);
    ck_assert_int_eq(string_lcs_build(&lcs, "0123456789", 10, "0123456789", 10, 484), 0);
    string_lcs_free(&lcs);
    ck_assert_int_eq(string_lcs_build(&lcs, "a", (size_t)STRING_LCS_MAX_LEN + 1, "b", 1, NO_LIMIT),
                     -1);
}
END_TEST

/* Length by an independent method: one rolling row. */
static size_t reference_length(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t *row = calloc(blen + 1, sizeof *row);
    for (size_t i = 1; i <= alen; i++) {
        size_t diag = 0;
        for (size_t j = 1; j <= blen; j++) {
            size_t up = row[j];
            row[j] = a[i - 1] == b[j - 1] ? diag + 1 : (up > row[j - 1] ? up : row[j - 1]);
            diag = up;
        }
    }
    size_t len = row[blen];
    free(row);
    return len;
}

static int is_subsequence(const char *sub, size_t slen, const char *s, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k < slen; i++)
        if (s[i] == sub[k])
            k++;
    return k == slen;
}

/* Ranges come last first, do not overlap, match byte for byte and add up
 * to the subsequence, which is common to both strings. */
static void check_random_case(const char *a, size_t alen, const char *b, size_t blen)
{
    struct string_lcs lcs;
    ck_assert_int_eq(string_lcs_build(&lcs, a, alen, b, blen, NO_LIMIT), 0);
    uint32_t len = string_lcs_length(&lcs);
    ck_assert_uint_eq(len, reference_length(a, alen, b, blen));
    char out[64];
    struct ranges rs = {.n = 0};
    string_lcs_walk(&lcs, out, collect, &rs);
    ck_assert(is_subsequence(out, len, a, alen));
    ck_assert(is_subsequence(out, len, b, blen));
    uint32_t total = 0;
    for (int i = 0; i < rs.n; i++) {
        const struct string_lcs_range *r = &rs.r[i];
        uint32_t n = r->a_end - r->a_start + 1;
        ck_assert_uint_eq(r->b_end - r->b_start + 1, n);
        ck_assert_mem_eq(a + r->a_start, b + r->b_start, n);
        ck_assert_mem_eq(a + r->a_start, out + (len - total - n), n);
        if (i > 0) {
            ck_assert_uint_lt(r->a_end, rs.r[i - 1].a_start);
            ck_assert_uint_lt(r->b_end, rs.r[i - 1].b_start);
        }
        total += n;
    }
    ck_assert_uint_eq(total, len);
    string_lcs_free(&lcs);
}

START_TEST(random_properties)
{
    srand(12345);
    for (int iter = 0; iter < 2000; iter++) {
        char a[40], b[40];
        size_t alen = (size_t)(rand() % 40), blen = (size_t)(rand() % 40);
        int alphabet = 1 + rand() % 4;
        for (size_t i = 0; i < alen; i++)
            a[i] = (char)('a' + rand() % alphabet);
        for (size_t i = 0; i < blen; i++)
            b[i] = (char)('a' + rand() % alphabet);
        check_random_case(a, alen, b, blen);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lcs");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, redis_doc_example);
    tcase_add_test(tc, ties_follow_redis);
    tcase_add_test(tc, longer_golden);
    tcase_add_test(tc, empty_and_disjoint);
    tcase_add_test(tc, binary_bytes);
    tcase_add_test(tc, refuses_big_tables);
    tcase_add_test(tc, random_properties);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
