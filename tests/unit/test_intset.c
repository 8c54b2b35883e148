/* Unit tests for server/intset: layout, upgrades, removal, validation, and
 * the exact bytes Redis 7.0.15 puts in a DUMP payload. */
#include "crc64.h"
#include "intset.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* DUMP payloads from redis-server 7.0.15: type 11 (set as intset), a 6-bit
 * RDB string length, the intset blob, RDB version 10, CRC64 little-endian. */
static const uint8_t dump_16bit[] = {/* SADD x 1 2 3 -2 */
                                     0x0b, 0x10, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
                                     0xfe, 0xff, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x0a, 0x00,
                                     0xe2, 0x9f, 0x74, 0x42, 0xf9, 0x05, 0xd5, 0xb7};
static const uint8_t dump_32bit[] = {/* SADD s 1 2 3 70000 */
                                     0x0b, 0x18, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
                                     0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
                                     0x03, 0x00, 0x00, 0x00, 0x70, 0x11, 0x01, 0x00, 0x0a,
                                     0x00, 0xef, 0x2e, 0x65, 0x21, 0xe3, 0x85, 0xa2, 0x2a};
static const uint8_t dump_64bit[] = {/* SADD b 1 5000000000 -3 */
                                     0x0b, 0x20, 0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
                                     0x00, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0xf2, 0x05, 0x2a, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00,
                                     0x88, 0xf8, 0x94, 0x14, 0xe0, 0xbc, 0xb8, 0x5d};

static intset *build(const int64_t *vals, size_t n)
{
    intset *is = intset_new();
    for (size_t i = 0; i < n; i++)
        is = intset_add(is, vals[i], NULL);
    return is;
}

/* Builds the set from vals and checks it against the blob inside a DUMP
 * payload, and that the payload's footer is our CRC64 of the rest. */
static void check_golden(const uint8_t *dump, size_t dump_len, const int64_t *vals, size_t n)
{
    size_t blob_len = dump[1];
    intset *is = build(vals, n);

    ck_assert_uint_eq(intset_blob_len(is), blob_len);
    ck_assert_mem_eq(is, dump + 2, blob_len);
    ck_assert_int_eq(intset_validate(dump + 2, blob_len, 1), 0);

    uint64_t footer = 0;
    for (int i = 7; i >= 0; i--)
        footer = (footer << 8) | dump[dump_len - 8 + (size_t)i];
    ck_assert_uint_eq(crc64(0, dump, dump_len - 8), footer);
    intset_free(is);
}

START_TEST(golden_bytes)
{
    const int64_t v16[] = {1, 2, 3, -2};
    const int64_t v32[] = {1, 2, 3, 70000};
    const int64_t v64[] = {1, 5000000000LL, -3};
    check_golden(dump_16bit, sizeof(dump_16bit), v16, 4);
    check_golden(dump_32bit, sizeof(dump_32bit), v32, 4);
    check_golden(dump_64bit, sizeof(dump_64bit), v64, 3);
}
END_TEST

START_TEST(empty_set)
{
    intset *is = intset_new();
    int64_t v;
    ck_assert_uint_eq(intset_len(is), 0);
    ck_assert_uint_eq(intset_blob_len(is), 8);
    ck_assert_int_eq(intset_find(is, 0), 0);
    ck_assert_int_eq(intset_get(is, 0, &v), -1);
    int removed = 1;
    is = intset_remove(is, 5, &removed);
    ck_assert_int_eq(removed, 0);
    intset_free(is);
}
END_TEST

static void expect_contents(const intset *is, const int64_t *want, uint32_t n)
{
    int64_t v;
    ck_assert_uint_eq(intset_len(is), n);
    for (uint32_t i = 0; i < n; i++) {
        ck_assert_int_eq(intset_get(is, i, &v), 0);
        ck_assert_int_eq(v, want[i]);
    }
    ck_assert_int_eq(intset_get(is, n, &v), -1);
}

START_TEST(upgrade_16_32_64)
{
    intset *is = intset_new();
    int added;
    is = intset_add(is, 5, &added);
    ck_assert_int_eq(added, 1);
    is = intset_add(is, -7, &added);
    ck_assert_uint_eq(intset_blob_len(is), 8 + 2 * 2);

    is = intset_add(is, 65536, &added);
    ck_assert_int_eq(added, 1);
    ck_assert_uint_eq(intset_blob_len(is), 8 + 3 * 4);
    const int64_t w32[] = {-7, 5, 65536};
    expect_contents(is, w32, 3);

    /* A value too wide for int32 and negative goes at the front. */
    is = intset_add(is, INT64_MIN, &added);
    ck_assert_uint_eq(intset_blob_len(is), 8 + 4 * 8);
    const int64_t w64[] = {INT64_MIN, -7, 5, 65536};
    expect_contents(is, w64, 4);

    /* Never narrows, even when the wide value leaves. */
    is = intset_remove(is, INT64_MIN, NULL);
    ck_assert_uint_eq(intset_blob_len(is), 8 + 3 * 8);
    ck_assert_int_eq(intset_validate(is, intset_blob_len(is), 1), 0);
    ck_assert_int_eq(intset_min(is), -7);
    ck_assert_int_eq(intset_max(is), 65536);
    intset_free(is);
}
END_TEST

START_TEST(boundaries)
{
    const int64_t vals[] = {INT16_MAX, INT16_MIN, INT32_MIN, INT32_MAX, INT64_MAX, 0, -1};
    const int64_t sorted[] = {INT32_MIN, INT16_MIN, -1, 0, INT16_MAX, INT32_MAX, INT64_MAX};
    intset *is = intset_new();
    for (size_t i = 0; i < 7; i++) {
        is = intset_add(is, vals[i], NULL);
        ck_assert(intset_find(is, vals[i]));
    }
    expect_contents(is, sorted, 7);
    ck_assert_int_eq(intset_find(is, INT64_MIN), 0);
    ck_assert_int_eq(intset_find(is, (int64_t)INT16_MAX + 1), 0);
    intset_free(is);
}
END_TEST

START_TEST(duplicates_and_removal)
{
    intset *is = intset_new();
    int added, removed;
    for (int64_t v = 10; v >= -10; v--)
        is = intset_add(is, v * 3, NULL);
    is = intset_add(is, 9, &added);
    ck_assert_int_eq(added, 0);
    ck_assert_uint_eq(intset_len(is), 21);

    is = intset_remove(is, 0, &removed);
    ck_assert_int_eq(removed, 1);
    is = intset_remove(is, 1, &removed);
    ck_assert_int_eq(removed, 0);
    is = intset_remove(is, -30, &removed);
    ck_assert_int_eq(removed, 1);
    is = intset_remove(is, 30, &removed);
    ck_assert_int_eq(removed, 1);
    /* Wider than the encoding: cannot be present. */
    is = intset_remove(is, 1LL << 40, &removed);
    ck_assert_int_eq(removed, 0);

    const int64_t want[] = {-27, -24, -21, -18, -15, -12, -9, -6, -3,
                            3,   6,   9,   12,  15,  18,  21, 24, 27};
    expect_contents(is, want, 18);
    ck_assert_int_eq(intset_validate(is, intset_blob_len(is), 1), 0);
    intset_free(is);
}
END_TEST

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Random adds and removes against a plain sorted array. */
START_TEST(random_against_model)
{
    enum { OPS = 20000, RANGE = 3000 };
    int64_t *model = malloc(sizeof(int64_t) * OPS);
    size_t n = 0;
    intset *is = intset_new();
    srandom(42);
    for (int op = 0; op < OPS; op++) {
        int64_t v = (int64_t)(random() % RANGE) - RANGE / 2;
        if (op > OPS / 2)
            v *= 1000003; /* forces 32-bit values late in the run */
        int present = bsearch(&v, model, n, sizeof(int64_t), cmp_i64) != NULL;
        int changed;
        if (random() % 3 == 0) {
            is = intset_remove(is, v, &changed);
            ck_assert_int_eq(changed, present);
            if (present) {
                int64_t *at = bsearch(&v, model, n, sizeof(int64_t), cmp_i64);
                memmove(at, at + 1, (size_t)(model + n - at - 1) * sizeof(int64_t));
                n--;
            }
        } else {
            is = intset_add(is, v, &changed);
            ck_assert_int_eq(changed, !present);
            if (!present) {
                model[n++] = v;
                qsort(model, n, sizeof(int64_t), cmp_i64);
            }
        }
    }
    expect_contents(is, model, (uint32_t)n);
    for (int i = 0; i < 100; i++) {
        int64_t r = intset_random(is);
        ck_assert_ptr_nonnull(bsearch(&r, model, n, sizeof(int64_t), cmp_i64));
    }
    ck_assert_int_eq(intset_validate(is, intset_blob_len(is), 1), 0);
    intset_free(is);
    free(model);
}
END_TEST

START_TEST(validate_garbage)
{
    uint8_t blob[32];
    const uint8_t *good = dump_32bit + 2;
    size_t good_len = 24;
    memcpy(blob, good, good_len);

    ck_assert_int_eq(intset_validate(blob, good_len, 1), 0);
    ck_assert_int_eq(intset_validate(blob, 0, 0), -1);
    ck_assert_int_eq(intset_validate(blob, 7, 0), -1);
    ck_assert_int_eq(intset_validate(blob, good_len - 1, 0), -1);
    ck_assert_int_eq(intset_validate(blob, good_len + 1, 0), -1);

    /* Unknown encodings. */
    for (uint8_t enc = 0; enc < 16; enc++) {
        blob[0] = enc;
        int ok = enc == 4;
        ck_assert_int_eq(intset_validate(blob, good_len, 0), ok ? 0 : -1);
    }
    blob[0] = 4;
    blob[3] = 1;
    ck_assert_int_eq(intset_validate(blob, good_len, 0), -1);
    blob[3] = 0;

    /* Length 2^30 + 4: in 32-bit arithmetic 8 + len * 4 wraps to exactly 24. */
    blob[7] = 0x40;
    ck_assert_int_eq(intset_validate(blob, good_len, 0), -1);
    blob[7] = 0;

    /* Empty sets are refused as Redis 7.0 refuses them. */
    const uint8_t empty[8] = {2, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(intset_validate(empty, 8, 1), -1);

    /* Out of order or duplicated: only the deep check notices. */
    blob[10] = 3; /* elements 3, 2, 3, 70000 */
    ck_assert_int_eq(intset_validate(blob, good_len, 0), 0);
    ck_assert_int_eq(intset_validate(blob, good_len, 1), -1);
    blob[10] = 2; /* 2, 2, 3, 70000 */
    ck_assert_int_eq(intset_validate(blob, good_len, 1), -1);
}
END_TEST

/* Random bytes with a plausible header: validation must never read past the
 * buffer (the ASan build checks that) and must agree with a slow model. */
START_TEST(validate_fuzz)
{
    srandom(7);
    for (int round = 0; round < 20000; round++) {
        size_t size = (size_t)(random() % 40);
        uint8_t *buf = malloc(size ? size : 1);
        for (size_t i = 0; i < size; i++)
            buf[i] = (uint8_t)random();
        if (size >= 8) {
            buf[0] = (uint8_t)(2u << (random() % 3));
            buf[1] = buf[2] = buf[3] = 0;
            buf[4] = (uint8_t)(random() % 6);
            buf[5] = buf[6] = buf[7] = 0;
        }
        int rc = intset_validate(buf, size, 1);
        if (rc == 0) {
            size_t enc = buf[0], len = buf[4];
            ck_assert_uint_eq(size, 8 + enc * len);
            ck_assert_uint_gt(len, 0);
        }
        free(buf);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("intset");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, golden_bytes);
    tcase_add_test(tc, empty_set);
    tcase_add_test(tc, upgrade_16_32_64);
    tcase_add_test(tc, boundaries);
    tcase_add_test(tc, duplicates_and_removal);
    tcase_add_test(tc, random_against_model);
    tcase_add_test(tc, validate_garbage);
    tcase_add_test(tc, validate_fuzz);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
