/* Unit tests for common/crc64: the published check value, DUMP footers
 * produced by redis-server 7.0.15, and agreement with a bit-at-a-time
 * reference for every length and split point. */
#include "crc64.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* The textbook definition, one bit at a time: slow but obviously right. */
static uint64_t crc64_reference(uint64_t crc, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
    }
    return crc;
}

START_TEST(check_value)
{
    crc64_init();
    ck_assert_uint_eq(crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
    ck_assert_uint_eq(crc64(0, "", 0), 0);
    ck_assert_uint_eq(crc64(0x1234, "", 0), 0x1234);
}
END_TEST

/* DUMP of a 62-byte string (SET str "The quick ... again!!"): type 0,
 * length 0x3e, the bytes, RDB version 10, then the CRC64 little-endian. */
START_TEST(dump_footer)
{
    const char text[] = "The quick brown fox jumps over the lazy dog, again and again!!";
    uint8_t dump[2 + 62 + 2 + 8];
    const uint8_t footer[8] = {0xf3, 0x6f, 0xef, 0xc1, 0xea, 0x5a, 0x44, 0x88};
    dump[0] = 0x00;
    dump[1] = 0x3e;
    memcpy(dump + 2, text, 62);
    dump[64] = 0x0a;
    dump[65] = 0x00;
    memcpy(dump + 66, footer, 8);

    uint64_t want = 0;
    for (int i = 7; i >= 0; i--)
        want = (want << 8) | footer[i];
    ck_assert_uint_eq(crc64(0, dump, 66), want);
}
END_TEST

START_TEST(matches_reference)
{
    enum { N = 1000 };
    uint8_t *buf = malloc(N);
    srandom(1);
    for (size_t i = 0; i < N; i++)
        buf[i] = (uint8_t)random();
    /* Every length up to 64 from every alignment within a word. */
    for (size_t off = 0; off < 8; off++)
        for (size_t len = 0; len <= 64; len++)
            ck_assert_uint_eq(crc64(0, buf + off, len), crc64_reference(0, buf + off, len));
    ck_assert_uint_eq(crc64(0, buf, N), crc64_reference(0, buf, N));
    free(buf);
}
END_TEST

START_TEST(continues_across_calls)
{
    enum { N = 300 };
    uint8_t buf[N];
    for (size_t i = 0; i < N; i++)
        buf[i] = (uint8_t)(i * 31 + 7);
    uint64_t whole = crc64(0, buf, N);
    for (size_t split = 0; split <= N; split++)
        ck_assert_uint_eq(crc64(crc64(0, buf, split), buf + split, N - split), whole);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crc64");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, check_value);
    tcase_add_test(tc, dump_footer);
    tcase_add_test(tc, matches_reference);
    tcase_add_test(tc, continues_across_calls);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
