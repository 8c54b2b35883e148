/* Unit tests for listpack: every encoding width and its boundaries, golden
 * blobs taken from redis-server 7.0.15's DUMP output, navigation, writes in
 * the middle, searching, random picks, and validation of hostile input. */
#include "listpack.h"
#include "mem.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Listpacks cut out of DUMP payloads of redis-server 7.0.15
 * (rdbcompression off):
 *   golden_hash:   HSET h a 1 bb 2
 *   golden_zset:   ZADD z 1 a 2.5 b -3 c
 *   golden_widths: RPUSH g <the 32 values of widths_values>, one quicklist node */
static const unsigned char golden_hash[18] = {
    0x12, 0x00, 0x00, 0x00, 0x04, 0x00, 0x81, 0x61, 0x02,
    0x01, 0x01, 0x82, 0x62, 0x62, 0x03, 0x02, 0x01, 0xff,
};
static const unsigned char golden_zset[26] = {
    0x1a, 0x00, 0x00, 0x00, 0x06, 0x00, 0x81, 0x63, 0x02, 0xdf, 0xfd, 0x02, 0x81,
    0x61, 0x02, 0x01, 0x01, 0x81, 0x62, 0x02, 0x83, 0x32, 0x2e, 0x35, 0x04, 0xff,
};
static const unsigned char golden_widths[300] = {
    0x2c, 0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x01, 0x7f, 0x01, 0xc0, 0x80, 0x02, 0xdf, 0xff, 0x02,
    0xdf, 0xc0, 0x02, 0xd0, 0x00, 0x02, 0xcf, 0xff, 0x02, 0xf1, 0x00, 0x10, 0x03, 0xf1, 0xff, 0xef,
    0x03, 0xf1, 0xff, 0x7f, 0x03, 0xf2, 0x00, 0x80, 0x00, 0x04, 0xf1, 0x00, 0x80, 0x03, 0xf2, 0xff,
    0x7f, 0xff, 0x04, 0xf2, 0xff, 0xff, 0x7f, 0x04, 0xf3, 0x00, 0x00, 0x80, 0x00, 0x05, 0xf2, 0x00,
    0x00, 0x80, 0x04, 0xf3, 0xff, 0xff, 0x7f, 0xff, 0x05, 0xf3, 0xff, 0xff, 0xff, 0x7f, 0x05, 0xf4,
    0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x09, 0xf3, 0x00, 0x00, 0x00, 0x80, 0x05, 0xf4,
    0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x09, 0xf4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0x7f, 0x09, 0xf4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x09, 0x93, 0x39, 0x32,
    0x32, 0x33, 0x33, 0x37, 0x32, 0x30, 0x33, 0x36, 0x38, 0x35, 0x34, 0x37, 0x37, 0x35, 0x38, 0x30,
    0x38, 0x14, 0x82, 0x2d, 0x30, 0x03, 0x82, 0x30, 0x31, 0x03, 0x82, 0x20, 0x31, 0x03, 0x82, 0x2b,
    0x31, 0x03, 0x80, 0x01, 0xbf, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61,
    0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61,
    0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61,
    0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61,
    0x61, 0x61, 0x61, 0x61, 0x40, 0xe0, 0x40, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62,
    0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62,
    0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62,
    0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62,
    0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x62, 0x42, 0x81, 0x78, 0x02, 0xff,
};

static const char *widths_values[] = {
    "0",
    "127",
    "128",
    "-1",
    "-64",
    "-4096",
    "4095",
    "4096",
    "-4097",
    "32767",
    "32768",
    "-32768",
    "-32769",
    "8388607",
    "8388608",
    "-8388608",
    "-8388609",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-0",
    "01",
    " 1",
    "+1",
    "",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "x",
};
#define N_WIDTHS (sizeof(widths_values) / sizeof(*widths_values))

static unsigned char *append_cstr(unsigned char *lp, const char *s)
{
    return lp_append(lp, (const unsigned char *)s, (uint32_t)strlen(s));
}

static unsigned char *build(const char **vals, size_t n)
{
    unsigned char *lp = lp_new(0);
    for (size_t i = 0; i < n; i++)
        lp = append_cstr(lp, vals[i]);
    return lp;
}

/* Renders entry p as a C string in a static buffer (tests only). */
static const char *str_at(unsigned char *p)
{
    static char out[8192];
    unsigned char buf[LP_INTBUF_SIZE];
    uint32_t len;
    unsigned char *s = lp_get_str(p, &len, buf);
    ck_assert_uint_lt(len, sizeof(out));
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

static void assert_contents(unsigned char *lp, const char **vals, size_t n)
{
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp), 1), 0);
    ck_assert_uint_eq(lp_length(lp), n);
    unsigned char *p = lp_first(lp);
    for (size_t i = 0; i < n; i++, p = lp_next(lp, p)) {
        ck_assert_ptr_nonnull(p);
        ck_assert_str_eq(str_at(p), vals[i]);
    }
    ck_assert_ptr_null(p);
    p = lp_last(lp);
    for (size_t i = n; i-- > 0; p = lp_prev(lp, p)) {
        ck_assert_ptr_nonnull(p);
        ck_assert_str_eq(str_at(p), vals[i]);
    }
    ck_assert_ptr_null(p);
}

START_TEST(golden_hash_bytes)
{
    const char *vals[] = {"a", "1", "bb", "2"};
    unsigned char *lp = build(vals, 4);
    ck_assert_uint_eq(lp_bytes(lp), sizeof(golden_hash));
    ck_assert_mem_eq(lp, golden_hash, sizeof(golden_hash));
    lp_free(lp);

    unsigned char *g = mem_memdup(golden_hash, sizeof(golden_hash));
    assert_contents(g, vals, 4);
    int64_t v;
    uint32_t len;
    ck_assert_ptr_null(lp_get(lp_seek(g, 1), &v, &len));
    ck_assert_int_eq(v, 1);
    mem_free(g);
}
END_TEST

START_TEST(golden_zset_bytes)
{
    const char *vals[] = {"c", "-3", "a", "1", "b", "2.5"};
    unsigned char *lp = build(vals, 6);
    ck_assert_uint_eq(lp_bytes(lp), sizeof(golden_zset));
    ck_assert_mem_eq(lp, golden_zset, sizeof(golden_zset));
    lp_free(lp);
    unsigned char *g = mem_memdup(golden_zset, sizeof(golden_zset));
    assert_contents(g, vals, 6);
    mem_free(g);
}
END_TEST

START_TEST(golden_every_width)
{
    unsigned char *lp = build(widths_values, N_WIDTHS);
    ck_assert_uint_eq(lp_bytes(lp), sizeof(golden_widths));
    ck_assert_mem_eq(lp, golden_widths, sizeof(golden_widths));

    /* The integer writer must pick the same widths as the string writer. */
    unsigned char *ints = lp_new(0);
    for (size_t i = 0; i < N_WIDTHS; i++) {
        int64_t v;
        const unsigned char *s = (const unsigned char *)widths_values[i];
        if (lp_string_to_int64(s, strlen(widths_values[i]), &v))
            ints = lp_append_int(ints, v);
        else
            ints = append_cstr(ints, widths_values[i]);
    }
    ck_assert_mem_eq(ints, golden_widths, sizeof(golden_widths));
    lp_free(ints);
    lp_free(lp);

    unsigned char *g = mem_memdup(golden_widths, sizeof(golden_widths));
    assert_contents(g, widths_values, N_WIDTHS);
    int64_t v = 0;
    uint32_t len;
    ck_assert_ptr_null(lp_get(lp_seek(g, 21), &v, &len));
    ck_assert_int_eq(v, INT64_MAX);
    ck_assert_ptr_null(lp_get(lp_seek(g, 22), &v, &len));
    ck_assert_int_eq(v, INT64_MIN);
    ck_assert_ptr_nonnull(lp_get(lp_seek(g, 23), &v, &len));
    ck_assert_uint_eq(len, 19);
    mem_free(g);
}
END_TEST

/* Laid out as redis-server 7.0.15 dumped RPUSH big <4095 x 'r'> <4096 x 'q'> z:
 * the 4095-byte string uses the 12-bit form (ef ff .. 20 81), the 4096-byte
 * one the 32-bit form (f0 00 10 00 00 .. 20 85). */
START_TEST(long_string_layout)
{
    unsigned char *r = mem_malloc(4096);
    memset(r, 'r', 4096);
    unsigned char *lp = lp_append(lp_new(0), r, 4095);
    ck_assert_uint_eq(lp_bytes(lp), 4106);
    const unsigned char head[] = {0x0a, 0x10, 0x00, 0x00, 0x01, 0x00, 0xef, 0xff};
    ck_assert_mem_eq(lp, head, sizeof(head));
    const unsigned char tail[] = {0x20, 0x81, 0xff};
    ck_assert_mem_eq(lp + 4106 - 3, tail, 3);
    lp_free(lp);

    memset(r, 'q', 4096);
    lp = lp_append(lp_new(0), r, 4096);
    lp = lp_append(lp, (const unsigned char *)"z", 1);
    ck_assert_uint_eq(lp_bytes(lp), 0x1011);
    const unsigned char head2[] = {0x11, 0x10, 0x00, 0x00, 0x02, 0x00,
                                   0xf0, 0x00, 0x10, 0x00, 0x00};
    ck_assert_mem_eq(lp, head2, sizeof(head2));
    const unsigned char tail2[] = {0x20, 0x85, 0x81, 0x7a, 0x02, 0xff};
    ck_assert_mem_eq(lp + 0x1011 - 6, tail2, 6);
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp), 1), 0);
    uint32_t len;
    int64_t v;
    unsigned char *s = lp_get(lp_seek(lp, -2), &v, &len);
    ck_assert_uint_eq(len, 4096);
    ck_assert_mem_eq(s, r, 4096);
    lp_free(lp);
    mem_free(r);
}
END_TEST

START_TEST(int_width_boundaries)
{
    static const struct {
        int64_t v;
        size_t size;
    } cases[] = {
        {0, 2},
        {127, 2},
        {128, 3},
        {-1, 3},
        {-4096, 3},
        {4095, 3},
        {4096, 4},
        {-4097, 4},
        {32767, 4},
        {-32768, 4},
        {32768, 5},
        {-32769, 5},
        {8388607, 5},
        {-8388608, 5},
        {8388608, 6},
        {-8388609, 6},
        {INT32_MAX, 6},
        {INT32_MIN, 6},
        {(int64_t)INT32_MAX + 1, 10},
        {(int64_t)INT32_MIN - 1, 10},
        {INT64_MAX, 10},
        {INT64_MIN, 10},
    };
    unsigned char *lp = lp_new(0);
    size_t expect = lp_bytes(lp);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        lp = lp_append_int(lp, cases[i].v);
        expect += cases[i].size;
        ck_assert_uint_eq(lp_bytes(lp), expect);
        ck_assert_uint_eq(lp_entry_size(lp_last(lp)), cases[i].size);
    }
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp), 1), 0);
    size_t i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
        int64_t v;
        uint32_t len;
        ck_assert_ptr_null(lp_get(p, &v, &len));
        ck_assert_int_eq(v, cases[i].v);
    }
    ck_assert_uint_eq(i, sizeof(cases) / sizeof(*cases));
    lp_free(lp);
}
END_TEST

START_TEST(string_length_boundaries)
{
    /* Lengths at the 6/12/32-bit encodings' edges and where the backlen
     * grows from one byte to two (127/128) and from two to three (16382/16383). */
    static const struct {
        uint32_t len;
        size_t size;
    } cases[] = {
        {0, 2},       {1, 3},       {63, 65},       {64, 67},       {125, 128},     {126, 130},
        {4095, 4099}, {4096, 4103}, {16377, 16384}, {16378, 16386}, {20000, 20008},
    };
    unsigned char *data = mem_malloc(20000);
    memset(data, 's', 20000);
    unsigned char *lp = lp_new(0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        ck_assert_uint_eq(lp_encoded_size(data, cases[i].len), cases[i].size);
        lp = lp_append(lp, data, cases[i].len);
        ck_assert_uint_eq(lp_entry_size(lp_last(lp)), cases[i].size);
    }
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp), 1), 0);
    size_t i = sizeof(cases) / sizeof(*cases);
    for (unsigned char *p = lp_last(lp); p; p = lp_prev(lp, p)) {
        int64_t v;
        uint32_t len;
        unsigned char *s = lp_get(p, &v, &len);
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_eq(len, cases[--i].len);
    }
    ck_assert_uint_eq(i, 0);
    lp_free(lp);
    mem_free(data);
}
END_TEST

START_TEST(canonical_integers)
{
    static const struct {
        const char *s;
        int ok;
        int64_t v;
    } cases[] = {
        {"0", 1, 0},
        {"-0", 0, 0},
        {"01", 0, 0},
        {" 1", 0, 0},
        {"1 ", 0, 0},
        {"+1", 0, 0},
        {"", 0, 0},
        {"-", 0, 0},
        {"1a", 0, 0},
        {"-17", 1, -17},
        {"9223372036854775807", 1, INT64_MAX},
        {"9223372036854775808", 0, 0},
        {"-9223372036854775808", 1, INT64_MIN},
        {"-9223372036854775809", 0, 0},
        {"18446744073709551616", 0, 0},
        {"100000000000000000000", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int64_t v = 0;
        int ok = lp_string_to_int64((const unsigned char *)cases[i].s, strlen(cases[i].s), &v);
        ck_assert_msg(ok == cases[i].ok, "%s", cases[i].s);
        if (ok)
            ck_assert_int_eq(v, cases[i].v);
    }
}
END_TEST

START_TEST(seek_both_ways)
{
    unsigned char *lp = lp_new(0);
    for (int i = 0; i < 300; i++)
        lp = lp_append_int(lp, i * 1000);
    for (long i = 0; i < 300; i++) {
        int64_t v;
        uint32_t len;
        ck_assert_ptr_null(lp_get(lp_seek(lp, i), &v, &len));
        ck_assert_int_eq(v, i * 1000);
        ck_assert_ptr_null(lp_get(lp_seek(lp, -1 - i), &v, &len));
        ck_assert_int_eq(v, (299 - i) * 1000);
    }
    ck_assert_ptr_null(lp_seek(lp, 300));
    ck_assert_ptr_null(lp_seek(lp, -301));
    lp_free(lp);

    lp = lp_new(0);
    ck_assert_ptr_null(lp_first(lp));
    ck_assert_ptr_null(lp_last(lp));
    ck_assert_ptr_null(lp_seek(lp, 0));
    ck_assert_ptr_null(lp_seek(lp, -1));
    ck_assert_uint_eq(lp_length(lp), 0);
    lp_free(lp);
}
END_TEST

/* Past 65534 elements the header count reads 65535 ("unknown"); lengths and
 * seeks must walk, and the count is cached again once it fits. */
START_TEST(unknown_count)
{
    unsigned char *lp = lp_new(0);
    for (int i = 0; i < 70000; i++)
        lp = lp_append_int(lp, i);
    ck_assert_uint_eq(lp[4] | (lp[5] << 8), 65535);
    ck_assert_uint_eq(lp_length(lp), 70000);
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp), 1), 0);
    int64_t v;
    uint32_t len;
    lp_get(lp_seek(lp, -1), &v, &len);
    ck_assert_int_eq(v, 69999);
    lp_get(lp_seek(lp, 69998), &v, &len);
    ck_assert_int_eq(v, 69998);
    ck_assert_ptr_null(lp_seek(lp, 70000));
    ck_assert_ptr_null(lp_seek(lp, -70001));
    lp = lp_delete_range(lp, 0, 10000);
    ck_assert_uint_eq(lp[4] | (lp[5] << 8), 65535);
    ck_assert_uint_eq(lp_length(lp), 60000);
    ck_assert_uint_eq(lp[4] | (lp[5] << 8), 60000);
    lp_get(lp_first(lp), &v, &len);
    ck_assert_int_eq(v, 10000);
    lp_free(lp);
}
END_TEST

START_TEST(insert_replace_delete_middle)
{
    const char *start[] = {"a", "b", "c", "d", "e"};
    unsigned char *lp = build(start, 5);
    unsigned char *p = lp_seek(lp, 1), *np;
    lp = lp_insert(lp, p, (const unsigned char *)"X", 1, LP_AFTER, &np);
    ck_assert_str_eq(str_at(np), "X");
    lp = lp_insert(lp, lp_first(lp), (const unsigned char *)"42", 2, LP_BEFORE, &np);
    ck_assert_str_eq(str_at(np), "42");
    lp = lp_insert(lp, lp_last(lp), (const unsigned char *)"-5000", 5, LP_AFTER, NULL);
    const char *after_insert[] = {"42", "a", "b", "X", "c", "d", "e", "-5000"};
    assert_contents(lp, after_insert, 8);

    /* Grow (past the one-byte length form), shrink, and go integer. */
    char longer[200];
    memset(longer, 'L', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    p = lp_seek(lp, 3);
    lp = lp_replace(lp, &p, (const unsigned char *)longer, (uint32_t)strlen(longer));
    ck_assert_str_eq(str_at(p), longer);
    p = lp_next(lp, p);
    ck_assert_str_eq(str_at(p), "c");
    p = lp_seek(lp, 3);
    lp = lp_replace(lp, &p, (const unsigned char *)"y", 1);
    p = lp_seek(lp, 4);
    lp = lp_replace_int(lp, &p, 1234567);
    const char *after_replace[] = {"42", "a", "b", "y", "1234567", "d", "e", "-5000"};
    assert_contents(lp, after_replace, 8);

    unsigned char *next;
    lp = lp_delete(lp, lp_seek(lp, 3), &next);
    ck_assert_str_eq(str_at(next), "1234567");
    lp = lp_delete(lp, lp_last(lp), &next);
    ck_assert_ptr_null(next);
    const char *after_delete[] = {"42", "a", "b", "1234567", "d", "e"};
    assert_contents(lp, after_delete, 6);

    lp = lp_delete_range(lp, 1, 2);
    const char *after_range[] = {"42", "1234567", "d", "e"};
    assert_contents(lp, after_range, 4);
    lp = lp_delete_range(lp, -2, 100);
    assert_contents(lp, after_range, 2);
    lp = lp_delete_range(lp, 5, 1);
    assert_contents(lp, after_range, 2);
    p = lp_first(lp);
    lp = lp_delete_range_with_entry(lp, &p, 10);
    ck_assert_ptr_null(p);
    assert_contents(lp, after_range, 0);
    lp_free(lp);
}
END_TEST

START_TEST(replace_with_own_bytes)
{
    char big[3000];
    memset(big, 'B', sizeof(big));
    unsigned char *lp = lp_append(lp_new(0), (const unsigned char *)big, sizeof(big));
    lp = lp_append(lp, (const unsigned char *)"s", 1);
    unsigned char *p = lp_last(lp);
    int64_t v;
    uint32_t len;
    unsigned char *src = lp_get(lp_first(lp), &v, &len);
    /* The source bytes move when the blob is reallocated. */
    lp = lp_replace(lp, &p, src, len);
    src = lp_get(p, &v, &len);
    ck_assert_uint_eq(len, sizeof(big));
    ck_assert_mem_eq(src, big, sizeof(big));
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp), 1), 0);
    lp_free(lp);
}
END_TEST

START_TEST(batch_delete_and_merge)
{
    const char *vals[] = {"0", "one", "2", "three", "4", "five", "6"};
    unsigned char *lp = build(vals, 7);
    unsigned char *ps[] = {lp_seek(lp, 0), lp_seek(lp, 3), lp_seek(lp, 4), lp_seek(lp, 6)};
    lp = lp_batch_delete(lp, ps, 4);
    const char *left[] = {"one", "2", "five"};
    assert_contents(lp, left, 3);

    const char *more[] = {"x", "77"};
    unsigned char *b = build(more, 2);
    lp = lp_merge(lp, b);
    const char *merged[] = {"one", "2", "five", "x", "77"};
    assert_contents(lp, merged, 5);
    lp_free(lp);
}
END_TEST

START_TEST(find_with_skip)
{
    /* A hash whose second value equals the first field's name. */
    const char *vals[] = {"f1", "f2", "f2", "100", "n", "-7"};
    unsigned char *lp = build(vals, 6);
    unsigned char *p = lp_find(lp, lp_first(lp), (const unsigned char *)"f2", 2, 1);
    ck_assert_ptr_eq(p, lp_seek(lp, 2));
    p = lp_find(lp, lp_first(lp), (const unsigned char *)"f2", 2, 0);
    ck_assert_ptr_eq(p, lp_seek(lp, 1));
    ck_assert_ptr_null(lp_find(lp, lp_first(lp), (const unsigned char *)"100", 3, 1));
    p = lp_find(lp, lp_seek(lp, 1), (const unsigned char *)"100", 3, 1);
    ck_assert_ptr_eq(p, lp_seek(lp, 3));
    p = lp_find(lp, lp_first(lp), (const unsigned char *)"-7", 2, 0);
    ck_assert_ptr_eq(p, lp_seek(lp, 5));
    ck_assert_ptr_null(lp_find(lp, lp_first(lp), (const unsigned char *)"0100", 4, 0));
    ck_assert_ptr_null(lp_find(lp, lp_first(lp), (const unsigned char *)"f", 1, 0));

    ck_assert_int_eq(lp_compare(lp_seek(lp, 3), (const unsigned char *)"100", 3), 1);
    ck_assert_int_eq(lp_compare(lp_seek(lp, 3), (const unsigned char *)"101", 3), 0);
    ck_assert_int_eq(lp_compare(lp_seek(lp, 0), (const unsigned char *)"f1", 2), 1);
    ck_assert_int_eq(lp_compare(lp_seek(lp, 0), (const unsigned char *)"f", 1), 0);
    lp_free(lp);
}
END_TEST

static unsigned char *build_pairs(int n)
{
    unsigned char *lp = lp_new(0);
    for (int i = 0; i < n; i++) {
        char key[16];
        int len = snprintf(key, sizeof(key), "k%d", i);
        lp = lp_append(lp, (const unsigned char *)key, (uint32_t)len);
        lp = lp_append_int(lp, i);
    }
    return lp;
}

static int pair_index(const lp_value *k, const lp_value *v)
{
    ck_assert_ptr_nonnull(k->sval);
    ck_assert_ptr_null(v->sval);
    char key[16];
    int len = snprintf(key, sizeof(key), "k%d", (int)v->lval);
    ck_assert_uint_eq(k->slen, (uint32_t)len);
    ck_assert_mem_eq(k->sval, key, k->slen);
    return (int)v->lval;
}

START_TEST(random_pairs)
{
    srandom(7);
    unsigned char *lp = build_pairs(20);
    lp_value k, v, keys[50], vals[50];
    for (int i = 0; i < 200; i++) {
        lp_random_pair(lp, 20, &k, &v);
        pair_index(&k, &v);
    }
    lp_random_pairs(lp, 50, keys, vals);
    int seen[20] = {0};
    for (int i = 0; i < 50; i++)
        seen[pair_index(&keys[i], &vals[i])]++;

    unsigned int got = lp_random_pairs_unique(lp, 8, keys, vals);
    ck_assert_uint_eq(got, 8);
    int last = -1;
    for (unsigned int i = 0; i < got; i++) {
        int idx = pair_index(&keys[i], &vals[i]);
        ck_assert_int_gt(idx, last);
        last = idx;
    }
    got = lp_random_pairs_unique(lp, 50, keys, vals);
    ck_assert_uint_eq(got, 20);
    for (unsigned int i = 0; i < got; i++)
        ck_assert_int_eq(pair_index(&keys[i], &vals[i]), (int)i);
    lp_free(lp);
}
END_TEST

START_TEST(validate_rejects_damage)
{
    size_t n = sizeof(golden_widths);
    unsigned char *g = mem_memdup(golden_widths, n);
    ck_assert_int_eq(lp_validate(g, n, 1), 0);
    ck_assert_int_eq(lp_validate(g, n, 0), 0);
    ck_assert_int_eq(lp_validate(g, n - 1, 0), -1);
    ck_assert_int_eq(lp_validate(g, 0, 1), -1);
    ck_assert_int_eq(lp_validate(NULL, 0, 1), -1);

    /* Every truncation, with the header patched to agree and a terminator
     * written at the cut, so only the entry walk can notice. */
    for (size_t cut = 0; cut < n; cut++) {
        unsigned char *t = mem_memdup(golden_widths, cut ? cut : 1);
        if (cut >= 7) {
            t[0] = (unsigned char)cut;
            t[1] = (unsigned char)(cut >> 8);
            t[2] = t[3] = 0;
            t[cut - 1] = 0xFF;
            /* Cuts that happen to end on an entry boundary are still
             * caught by the element count. */
            ck_assert_int_eq(lp_validate(t, cut, 1), -1);
        } else {
            ck_assert_int_eq(lp_validate(t, cut, 1), -1);
        }
        mem_free(t);
    }

    /* Wrong total, wrong count, bad encoding byte, corrupt backlen. */
    g[0]++;
    ck_assert_int_eq(lp_validate(g, n, 0), -1);
    g[0]--;
    g[4]++;
    ck_assert_int_eq(lp_validate(g, n, 0), 0);
    ck_assert_int_eq(lp_validate(g, n, 1), -1);
    g[4]--;
    g[6] = 0xF5;
    ck_assert_int_eq(lp_validate(g, n, 1), -1);
    g[6] = 0xFF;
    ck_assert_int_eq(lp_validate(g, n, 1), -1);
    g[6] = golden_widths[6];
    g[7]++;
    ck_assert_int_eq(lp_validate(g, n, 1), -1);
    g[7]--;
    ck_assert_int_eq(lp_validate(g, n, 1), 0);
    /* A 32-bit string length pointing far past the end. */
    unsigned char huge[] = {0x0c, 0, 0, 0, 1, 0, 0xF0, 0xff, 0xff, 0xff, 0x7f, 0xFF};
    ck_assert_int_eq(lp_validate(huge, sizeof(huge), 1), -1);
    mem_free(g);
}
END_TEST

static int count_cb(unsigned char *p, void *ud)
{
    (void)p;
    return ++*(int *)ud > 3 ? -1 : 0;
}

START_TEST(validate_callback)
{
    int calls = 0;
    unsigned char *g = mem_memdup(golden_hash, sizeof(golden_hash));
    ck_assert_int_eq(lp_validate_each(g, sizeof(golden_hash), count_cb, &calls), -1);
    ck_assert_int_eq(calls, 4);
    calls = 0;
    unsigned char *z = mem_memdup(golden_zset, sizeof(golden_zset));
    ck_assert_int_eq(lp_validate_each(z, 12, count_cb, &calls), -1);
    ck_assert_int_eq(calls, 0);
    mem_free(g);
    mem_free(z);
}
END_TEST

/* A blob that passes deep validation must be walkable both ways. */
static void walk_if_valid(unsigned char *buf, size_t size)
{
    if (lp_validate(buf, size, 1) < 0)
        return;
    unsigned long fwd = 0, back = 0;
    for (unsigned char *p = lp_first(buf); p; p = lp_next(buf, p)) {
        unsigned char tmp[LP_INTBUF_SIZE];
        uint32_t len;
        lp_get_str(p, &len, tmp);
        fwd++;
    }
    for (unsigned char *p = lp_last(buf); p; p = lp_prev(buf, p))
        back++;
    ck_assert_uint_eq(fwd, back);
    ck_assert_uint_eq(fwd, lp_length(buf));
}

START_TEST(validate_random_garbage)
{
    srandom(12345);
    size_t n = sizeof(golden_widths);
    for (int round = 0; round < 20000; round++) {
        /* Exactly-sized allocations let ASan catch any overread. */
        unsigned char *buf;
        size_t size;
        if (round % 2) {
            size = n;
            buf = mem_memdup(golden_widths, n);
            int flips = 1 + (int)(random() % 4);
            for (int f = 0; f < flips; f++)
                buf[random() % n] = (unsigned char)random();
        } else {
            size = 7 + (size_t)(random() % 64);
            buf = mem_malloc(size);
            for (size_t i = 0; i < size; i++)
                buf[i] = (unsigned char)random();
            buf[0] = (unsigned char)size;
            buf[1] = buf[2] = buf[3] = 0;
            buf[size - 1] = 0xFF;
            if (round % 4 == 0)
                buf[4] = buf[5] = 0xFF;
        }
        walk_if_valid(buf, size);
        mem_free(buf);
    }
}
END_TEST

START_TEST(safe_to_add)
{
    unsigned char *lp = lp_new(0);
    ck_assert_int_eq(lp_safe_to_add(lp, 1000), 1);
    ck_assert_int_eq(lp_safe_to_add(lp, (1UL << 30) - 7), 1);
    ck_assert_int_eq(lp_safe_to_add(lp, (1UL << 30) - 6), 0);
    ck_assert_int_eq(lp_safe_to_add(NULL, 1UL << 30), 1);
    ck_assert_int_eq(lp_safe_to_add(lp, SIZE_MAX), 0);
    lp_free(lp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("listpack");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, golden_hash_bytes);
    tcase_add_test(tc, golden_zset_bytes);
    tcase_add_test(tc, golden_every_width);
    tcase_add_test(tc, long_string_layout);
    tcase_add_test(tc, int_width_boundaries);
    tcase_add_test(tc, string_length_boundaries);
    tcase_add_test(tc, canonical_integers);
    tcase_add_test(tc, seek_both_ways);
    tcase_add_test(tc, unknown_count);
    tcase_add_test(tc, insert_replace_delete_middle);
    tcase_add_test(tc, replace_with_own_bytes);
    tcase_add_test(tc, batch_delete_and_merge);
    tcase_add_test(tc, find_with_skip);
    tcase_add_test(tc, random_pairs);
    tcase_add_test(tc, validate_rejects_damage);
    tcase_add_test(tc, validate_callback);
    tcase_add_test(tc, validate_random_garbage);
    tcase_add_test(tc, safe_to_add);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
