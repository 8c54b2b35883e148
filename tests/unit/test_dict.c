/* Unit tests for common/dict: add/find/delete through incremental
 * rehashing, iteration, random sampling, and the SCAN guarantee (every
 * element present for the whole scan is returned, across resizes). */
#include "dict.h"
#include "mem.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct dict_type owned_keys = {.key_free = vstr_free};
static const struct dict_type nocase_keys = {.nocase = 1, .key_free = vstr_free};

static vstr key_n(long n)
{
    return vstr_catfmt(vstr_empty(), "key:%ld", n);
}

START_TEST(add_find_delete)
{
    dict *d = dict_new(&owned_keys);
    for (long i = 0; i < 10000; i++) {
        vstr k = key_n(i);
        ck_assert_ptr_nonnull(dict_add(d, k, (void *)(intptr_t)(i + 1)));
    }
    ck_assert_uint_eq(dict_size(d), 10000);
    vstr dup = key_n(42);
    ck_assert_ptr_null(dict_add(d, dup, NULL));
    vstr_free(dup);
    for (long i = 0; i < 10000; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "key:%ld", i);
        dict_entry *de = dict_find(d, buf, (size_t)n);
        ck_assert_ptr_nonnull(de);
        ck_assert_int_eq((intptr_t)de->v.val, i + 1);
    }
    for (long i = 0; i < 10000; i += 2) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "key:%ld", i);
        ck_assert_int_eq(dict_delete(d, buf, (size_t)n), 0);
        ck_assert_int_eq(dict_delete(d, buf, (size_t)n), -1);
    }
    ck_assert_uint_eq(dict_size(d), 5000);
    ck_assert_ptr_null(dict_find(d, "key:0", 5));
    ck_assert_ptr_nonnull(dict_find(d, "key:1", 5));
    dict_free(d);
}
END_TEST

START_TEST(binary_and_nocase_keys)
{
    dict *d = dict_new(&owned_keys);
    dict_add(d, vstr_new("a\0b", 3), (void *)1);
    ck_assert_ptr_nonnull(dict_find(d, "a\0b", 3));
    ck_assert_ptr_null(dict_find(d, "a", 1));
    dict_free(d);

    dict *n = dict_new(&nocase_keys);
    dict_add(n, vstr_from("GeT"), (void *)1);
    ck_assert_ptr_nonnull(dict_find(n, "get", 3));
    ck_assert_ptr_nonnull(dict_find(n, "GET", 3));
    ck_assert_ptr_null(dict_find(n, "ge", 2));
    dict_free(n);
}
END_TEST

START_TEST(add_or_find_creates_once)
{
    dict *d = dict_new(&owned_keys);
    int created;
    dict_entry *a = dict_add_or_find(d, "x", 1, &created);
    ck_assert_int_eq(created, 1);
    a->v.s64 = 7;
    dict_entry *b = dict_add_or_find(d, "x", 1, &created);
    ck_assert_int_eq(created, 0);
    ck_assert_int_eq(b->v.s64, 7);
    dict_free(d);
}
END_TEST

START_TEST(safe_iterator_sees_everything_once)
{
    dict *d = dict_new(&owned_keys);
    for (long i = 0; i < 5000; i++)
        dict_add(d, key_n(i), NULL);
    char *seen = mem_calloc(5000);
    dict_iter it;
    dict_iter_init(&it, d, 1);
    dict_entry *de;
    long count = 0;
    while ((de = dict_iter_next(&it))) {
        long n = atol(de->key + 4);
        ck_assert_int_eq(seen[n], 0);
        seen[n] = 1;
        count++;
        /* Deleting the current entry is allowed with a safe iterator. */
        if (n % 3 == 0)
            dict_delete(d, de->key, vstr_len(de->key));
    }
    dict_iter_release(&it);
    ck_assert_int_eq(count, 5000);
    ck_assert_uint_eq(dict_size(d), 5000 - 1667);
    mem_free(seen);
    dict_free(d);
}
END_TEST

struct scan_seen {
    char *seen;
};

static void mark_seen(void *ctx, const dict_entry *de)
{
    struct scan_seen *s = ctx;
    long n = atol(de->key + 4);
    if (n < 20000)
        s->seen[n] = 1;
}

/* Elements present for the whole scan must all be returned, while the
 * table grows (and rehashes) between cursor calls. */
START_TEST(scan_survives_growth)
{
    dict *d = dict_new(&owned_keys);
    for (long i = 0; i < 1000; i++)
        dict_add(d, key_n(i), NULL);
    struct scan_seen s = {mem_calloc(20000)};
    unsigned long cursor = 0;
    long next = 1000;
    do {
        cursor = dict_scan(d, cursor, mark_seen, &s);
        for (int k = 0; k < 50 && next < 20000; k++)
            dict_add(d, key_n(next++), NULL);
    } while (cursor != 0);
    for (long i = 0; i < 1000; i++)
        ck_assert_msg(s.seen[i], "key:%ld missed by SCAN", i);
    mem_free(s.seen);
    dict_free(d);
}
END_TEST

START_TEST(scan_survives_shrink)
{
    dict *d = dict_new(&owned_keys);
    for (long i = 0; i < 20000; i++)
        dict_add(d, key_n(i), NULL);
    struct scan_seen s = {mem_calloc(20000)};
    unsigned long cursor = 0;
    long victim = 100;
    do {
        cursor = dict_scan(d, cursor, mark_seen, &s);
        /* Delete keys >= 100 progressively and let the table shrink. */
        for (int k = 0; k < 400 && victim < 20000; k++, victim++) {
            vstr key = key_n(victim);
            dict_delete(d, key, vstr_len(key));
            vstr_free(key);
        }
        dict_resize_to_fit(d);
    } while (cursor != 0);
    for (long i = 0; i < 100; i++)
        ck_assert_msg(s.seen[i], "key:%ld missed by SCAN", i);
    mem_free(s.seen);
    dict_free(d);
}
END_TEST

START_TEST(random_and_sample)
{
    dict *d = dict_new(&owned_keys);
    ck_assert_ptr_null(dict_random(d));
    for (long i = 0; i < 100; i++)
        dict_add(d, key_n(i), NULL);
    for (int i = 0; i < 1000; i++)
        ck_assert_ptr_nonnull(dict_random(d));
    dict_entry *sample[20];
    size_t got = dict_sample(d, sample, 20);
    ck_assert_uint_gt(got, 0);
    ck_assert_uint_le(got, 20);
    dict_free(d);
}
END_TEST

/* Every entry can come out of dict_fair_random(), and only entries do.
 * A fixed seed keeps the run reproducible. */
START_TEST(fair_random_reaches_every_entry)
{
    srandom(1);
    dict *d = dict_new(&owned_keys);
    for (long i = 0; i < 100; i++)
        dict_add(d, key_n(i), (void *)(i + 1));
    char seen[100] = {0};
    for (int i = 0; i < 20000; i++) {
        dict_entry *de = dict_fair_random(d);
        ck_assert_ptr_nonnull(de);
        long v = (long)de->v.val;
        ck_assert(v >= 1 && v <= 100);
        seen[v - 1] = 1;
    }
    for (int i = 0; i < 100; i++)
        ck_assert_msg(seen[i], "key:%d never picked", i);
    dict_free(d);
}
END_TEST

START_TEST(clear_frees_everything)
{
    size_t before = mem_used();
    dict *d = dict_new(&owned_keys);
    for (long i = 0; i < 3000; i++)
        dict_add(d, key_n(i), NULL);
    dict_clear(d, NULL);
    ck_assert_uint_eq(dict_size(d), 0);
    dict_free(d);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dict");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, add_find_delete);
    tcase_add_test(tc, binary_and_nocase_keys);
    tcase_add_test(tc, add_or_find_creates_once);
    tcase_add_test(tc, safe_iterator_sees_everything_once);
    tcase_add_test(tc, scan_survives_growth);
    tcase_add_test(tc, scan_survives_shrink);
    tcase_add_test(tc, random_and_sample);
    tcase_add_test(tc, fair_random_reaches_every_entry);
    tcase_add_test(tc, clear_frees_everything);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
