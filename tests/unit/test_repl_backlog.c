/* Unit tests for server/repl_backlog: offsets, wrap-around, what a PSYNC
 * offset may ask for, resizing, and a random model check against a flat
 * copy of the whole stream. */
#include "repl_backlog.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Collects what repl_backlog_copy_from hands out. */
struct sink {
    char data[4096];
    size_t len;
    int chunks;
};

static void collect(void *ctx, const char *p, size_t len)
{
    struct sink *s = ctx;
    ck_assert_uint_le(s->len + len, sizeof s->data);
    memcpy(s->data + s->len, p, len);
    s->len += len;
    s->chunks++;
}

START_TEST(fresh_backlog)
{
    struct repl_backlog *b = repl_backlog_new(16, 1);
    ck_assert_int_eq(repl_backlog_first_offset(b), 1);
    ck_assert_int_eq(repl_backlog_histlen(b), 0);
    ck_assert_int_eq(repl_backlog_covers(b, 1), 1);
    ck_assert_int_eq(repl_backlog_covers(b, 0), 0);
    ck_assert_int_eq(repl_backlog_covers(b, 2), 0);
    struct sink s = {0};
    ck_assert_int_eq(repl_backlog_copy_from(b, 1, collect, &s), 0);
    ck_assert_int_eq(s.chunks, 0);
    repl_backlog_free(b);
}
END_TEST

START_TEST(append_and_copy)
{
    struct repl_backlog *b = repl_backlog_new(16, 101);
    repl_backlog_append(b, "hello world", 11);
    ck_assert_int_eq(repl_backlog_first_offset(b), 101);
    ck_assert_int_eq(repl_backlog_histlen(b), 11);
    struct sink s = {0};
    ck_assert_int_eq(repl_backlog_copy_from(b, 107, collect, &s), 5);
    ck_assert_mem_eq(s.data, "world", 5);
    ck_assert_int_eq(repl_backlog_covers(b, 112), 1);
    ck_assert_int_eq(repl_backlog_covers(b, 113), 0);
    ck_assert_int_eq(repl_backlog_copy_from(b, 113, collect, &s), -1);
    repl_backlog_free(b);
}
END_TEST

START_TEST(wraps_and_forgets)
{
    struct repl_backlog *b = repl_backlog_new(8, 1);
    repl_backlog_append(b, "abcdef", 6);
    repl_backlog_append(b, "ghijk", 5); /* 11 bytes through an 8-byte ring */
    ck_assert_int_eq(repl_backlog_histlen(b), 8);
    ck_assert_int_eq(repl_backlog_first_offset(b), 4);
    ck_assert_int_eq(repl_backlog_covers(b, 3), 0);
    struct sink s = {0};
    ck_assert_int_eq(repl_backlog_copy_from(b, 4, collect, &s), 8);
    ck_assert_mem_eq(s.data, "defghijk", 8);
    ck_assert_int_eq(s.chunks, 2);
    repl_backlog_free(b);
}
END_TEST

START_TEST(append_larger_than_ring)
{
    struct repl_backlog *b = repl_backlog_new(4, 1);
    repl_backlog_append(b, "0123456789", 10);
    ck_assert_int_eq(repl_backlog_first_offset(b), 7);
    struct sink s = {0};
    ck_assert_int_eq(repl_backlog_copy_from(b, 7, collect, &s), 4);
    ck_assert_mem_eq(s.data, "6789", 4);
    repl_backlog_free(b);
}
END_TEST

START_TEST(resize_keeps_newest)
{
    struct repl_backlog *b = repl_backlog_new(8, 1);
    repl_backlog_append(b, "abcdefghij", 10);
    repl_backlog_resize(b, 4);
    ck_assert_uint_eq(repl_backlog_size(b), 4);
    ck_assert_int_eq(repl_backlog_first_offset(b), 7);
    struct sink s = {0};
    repl_backlog_copy_from(b, 7, collect, &s);
    ck_assert_mem_eq(s.data, "ghij", 4);
    repl_backlog_resize(b, 32);
    repl_backlog_append(b, "KL", 2);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(repl_backlog_copy_from(b, 7, collect, &s), 6);
    ck_assert_mem_eq(s.data, "ghijKL", 6);
    repl_backlog_free(b);
}
END_TEST

/* Random appends against a flat copy of the stream: every covered offset
 * yields exactly the stream's tail, every other one is refused. */
START_TEST(random_against_model)
{
    static char stream[20000];
    size_t total = 0;
    srand(7);
    struct repl_backlog *b = repl_backlog_new(977, 1);
    while (total < sizeof stream - 300) {
        size_t n = (size_t)(rand() % 300);
        char chunk[300];
        for (size_t i = 0; i < n; i++)
            chunk[i] = (char)('a' + rand() % 26);
        memcpy(stream + total, chunk, n);
        total += n;
        repl_backlog_append(b, chunk, n);
        long long first = repl_backlog_first_offset(b);
        ck_assert_int_eq(first, (long long)total + 1 - repl_backlog_histlen(b));
        long long probe = 1 + rand() % ((long long)total + 2);
        struct sink s = {0};
        long long got = repl_backlog_copy_from(b, probe, collect, &s);
        if (probe < first) {
            ck_assert_int_eq(got, -1);
        } else {
            ck_assert_int_eq(got, (long long)total + 1 - probe);
            ck_assert_mem_eq(s.data, stream + probe - 1, (size_t)got);
        }
    }
    repl_backlog_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("repl_backlog");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fresh_backlog);
    tcase_add_test(tc, append_and_copy);
    tcase_add_test(tc, wraps_and_forgets);
    tcase_add_test(tc, append_larger_than_ring);
    tcase_add_test(tc, resize_keeps_newest);
    tcase_add_test(tc, random_against_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
