/* Unit tests for the zset value type in server/t_zset: the listpack bytes
 * Redis 7.0.15 writes, encoding conversion, iteration in both directions
 * and encodings, deep copies, and validation of untrusted listpacks. */
#include "config.h"
#include "listpack.h"
#include "mem.h"
#include "object.h"
#include "t_zset.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The listpack inside redis-server 7.0.15's DUMP (rdbcompression no) of
 *   ZADD lpz 1e17 a 123.5 c -0 d 0.1 e inf f -inf g 5e18 h -7 12 3 x
 * Integral scores within +-2^62 are integers; others their %.17g text. */
static const unsigned char redis_lp[] = {
    0x60, 0x00, 0x00, 0x00, 0x12, 0x00, 0x81, 0x67, 0x02, 0x84, 0x2d, 0x69, 0x6e, 0x66, 0x05, 0x0c,
    0x01, 0xdf, 0xf9, 0x02, 0x81, 0x64, 0x02, 0x00, 0x01, 0x81, 0x65, 0x02, 0x93, 0x30, 0x2e, 0x31,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x31,
    0x14, 0x81, 0x78, 0x02, 0x03, 0x01, 0x81, 0x63, 0x02, 0x85, 0x31, 0x32, 0x33, 0x2e, 0x35, 0x06,
    0x81, 0x61, 0x02, 0xf4, 0x00, 0x00, 0x8a, 0x5d, 0x78, 0x45, 0x63, 0x01, 0x09, 0x81, 0x68, 0x02,
    0x85, 0x35, 0x65, 0x2b, 0x31, 0x38, 0x06, 0x81, 0x66, 0x02, 0x83, 0x69, 0x6e, 0x66, 0x04, 0xff};

static void setup(void)
{
    config_init_defaults();
    zset_init();
}

static int add(vobj *o, double score, const char *member)
{
    return zset_type_add(o, score, member, strlen(member));
}

START_TEST(test_listpack_bytes_match_redis)
{
    vobj *o = zset_type_create(0, 0);
    ck_assert_int_eq(add(o, 1e17, "a"), 0);
    ck_assert_int_eq(add(o, 123.5, "c"), 0);
    ck_assert_int_eq(add(o, -0.0, "d"), 0);
    ck_assert_int_eq(add(o, 0.1, "e"), 0);
    ck_assert_int_eq(add(o, INFINITY, "f"), 0);
    ck_assert_int_eq(add(o, -INFINITY, "g"), 0);
    ck_assert_int_eq(add(o, 5e18, "h"), 0);
    ck_assert_int_eq(add(o, -7, "12"), 0);
    ck_assert_int_eq(add(o, 3, "x"), 0);
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    ck_assert_uint_eq(lp_bytes(o->ptr), sizeof redis_lp);
    ck_assert_mem_eq(o->ptr, redis_lp, sizeof redis_lp);
    obj_decr_ref(o);
}
END_TEST

START_TEST(test_duplicates_and_nan_are_rejected)
{
    for (int big = 0; big < 2; big++) {
        vobj *o = zset_type_create(big ? 1000 : 0, 0);
        ck_assert_int_eq(o->encoding, big ? OBJ_ENC_SKIPLIST : OBJ_ENC_LISTPACK);
        ck_assert_int_eq(add(o, 1, "m"), 0);
        ck_assert_int_eq(add(o, 2, "m"), -1);
        ck_assert_int_eq(add(o, NAN, "n"), -1);
        ck_assert_uint_eq(zset_length(o), 1);
        obj_decr_ref(o);
    }
}
END_TEST

/* Walks o both ways and checks it holds members "m<i>" scored i, 0..n-1. */
static void check_sequence(vobj *o, int n)
{
    struct zset_iter it;
    struct zset_elem e;
    char want[32];
    for (int reverse = 0; reverse < 2; reverse++) {
        int i = 0;
        zset_iter_init(&it, o, reverse);
        while (zset_iter_next(&it, &e)) {
            int k = reverse ? n - 1 - i : i;
            snprintf(want, sizeof want, "m%d", k);
            ck_assert_uint_eq(e.len, strlen(want));
            ck_assert_mem_eq(e.member, want, e.len);
            ck_assert_double_eq(e.score, k);
            i++;
        }
        ck_assert_int_eq(i, n);
    }
}

START_TEST(test_converts_past_the_entry_limit)
{
    cfg.zset_max_listpack_entries = 4;
    vobj *o = zset_type_create(0, 0);
    char m[32];
    /* Added out of order: the encodings must sort them. */
    for (int i = 9; i >= 0; i--) {
        snprintf(m, sizeof m, "m%d", i);
        ck_assert_int_eq(add(o, i, m), 0);
        ck_assert_int_eq(o->encoding, 10 - i > 4 ? OBJ_ENC_SKIPLIST : OBJ_ENC_LISTPACK);
    }
    ck_assert_uint_eq(zset_length(o), 10);
    check_sequence(o, 10);
    obj_decr_ref(o);
}
END_TEST

START_TEST(test_converts_past_the_value_limit)
{
    cfg.zset_max_listpack_value = 3;
    vobj *o = zset_type_create(0, 0);
    ck_assert_int_eq(add(o, 1, "abc"), 0);
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    ck_assert_int_eq(add(o, 2, "abcd"), 0);
    ck_assert_int_eq(o->encoding, OBJ_ENC_SKIPLIST);
    obj_decr_ref(o);
    o = zset_type_create(1, 4);
    ck_assert_int_eq(o->encoding, OBJ_ENC_SKIPLIST);
    obj_decr_ref(o);
}
END_TEST

START_TEST(test_iterates_a_large_skiplist)
{
    vobj *o = zset_type_create(5000, 0);
    char m[32];
    for (int i = 0; i < 5000; i++) {
        int k = (i * 7919) % 5000;
        snprintf(m, sizeof m, "m%d", k);
        ck_assert_int_eq(add(o, k, m), 0);
    }
    check_sequence(o, 5000);
    ck_assert_uint_gt(obj_mem_usage(o), 5000 * 16);
    obj_decr_ref(o);
}
END_TEST

START_TEST(test_dup_is_deep)
{
    for (int big = 0; big < 2; big++) {
        vobj *o = zset_type_create(big ? 1000 : 0, 0);
        add(o, 0, "m0");
        add(o, 1, "m1");
        vobj *copy = obj_dup(o);
        add(o, 2, "m2");
        ck_assert_int_eq(copy->encoding, o->encoding);
        ck_assert_uint_eq(zset_length(copy), 2);
        obj_decr_ref(o);
        check_sequence(copy, 2);
        obj_decr_ref(copy);
    }
}
END_TEST

START_TEST(test_fit_encoding_after_a_verbatim_load)
{
    unsigned char *lp = mem_memdup(redis_lp, sizeof redis_lp);
    vobj *o = obj_new(OBJ_ZSET, OBJ_ENC_LISTPACK, lp);
    zset_type_fit_encoding(o);
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    cfg.zset_max_listpack_entries = 8;
    zset_type_fit_encoding(o);
    ck_assert_int_eq(o->encoding, OBJ_ENC_SKIPLIST);
    ck_assert_uint_eq(zset_length(o), 9);
    struct zset_iter it;
    struct zset_elem e;
    zset_iter_init(&it, o, 0);
    ck_assert(zset_iter_next(&it, &e));
    ck_assert_mem_eq(e.member, "g", 1);
    ck_assert(isinf(e.score) && e.score < 0);
    obj_decr_ref(o);
}
END_TEST

static unsigned char *pairs(const char *const *items, int n)
{
    unsigned char *lp = lp_new(0);
    for (int i = 0; i < n; i++)
        lp = lp_append(lp, (const unsigned char *)items[i], (uint32_t)strlen(items[i]));
    return lp;
}

START_TEST(test_validation)
{
    unsigned char copy[sizeof redis_lp];
    memcpy(copy, redis_lp, sizeof copy);
    ck_assert_int_eq(zset_listpack_validate(copy, sizeof copy, 1), 0);
    ck_assert_int_eq(zset_listpack_validate(copy, sizeof copy - 1, 1), -1);

    static const char *const odd[] = {"a", "1", "b"};
    static const char *const bad_score[] = {"a", "1", "b", "x1"};
    static const char *const nan_score[] = {"a", "nan"};
    static const char *const dup[] = {"a", "1", "a", "2"};
    /* Each is a well formed listpack: only the deep check rejects it. */
    const struct {
        const char *const *items;
        int n;
    } cases[] = {{odd, 3}, {bad_score, 4}, {nan_score, 2}, {dup, 4}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *lp = pairs(cases[i].items, cases[i].n);
        ck_assert_int_eq(zset_listpack_validate(lp, lp_bytes(lp), 1), -1);
        ck_assert_int_eq(zset_listpack_validate(lp, lp_bytes(lp), 0), 0);
        lp_free(lp);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("zset");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_listpack_bytes_match_redis);
    tcase_add_test(tc, test_duplicates_and_nan_are_rejected);
    tcase_add_test(tc, test_converts_past_the_entry_limit);
    tcase_add_test(tc, test_converts_past_the_value_limit);
    tcase_add_test(tc, test_iterates_a_large_skiplist);
    tcase_add_test(tc, test_dup_is_deep);
    tcase_add_test(tc, test_fit_encoding_after_a_verbatim_load);
    tcase_add_test(tc, test_validation);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
