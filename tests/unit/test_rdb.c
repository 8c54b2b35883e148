/* Unit tests for server/rdb*: the length and string encodings byte for
 * byte, value round trips for every type and encoding, whole-file round
 * trips through the databases (TTLs, expiry at load, checksum), every
 * truncation of a file, and the ziplist/zipmap converters on good and
 * malformed blobs. */
#include "config.h"
#include "db.h"
#include "listpack.h"
#include "log.h"
#include "mem.h"
#include "quicklist.h"
#include "rdb.h"
#include "rdb_legacy.h"
#include "server.h"
#include "t_hash.h"
#include "t_list.h"
#include "t_set.h"
#include "t_zset.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
    config_init_defaults();
    log_set_level(LOG_WARNING);
    obj_init_shared();
    hash_init();
    zset_init();
    list_init();
    set_init();
    db_init_all();
    server_update_cached_time();
}

/* ---- helpers ---- */

static vstr out_buf;
static struct rdb_out out;

static void out_reset(void)
{
    if (out_buf)
        vstr_free(out_buf);
    out_buf = vstr_empty();
    rdb_out_init_buffer(&out, &out_buf);
}

static void assert_bytes(const char *expected, size_t len)
{
    ck_assert_uint_eq(vstr_len(out_buf), len);
    ck_assert(memcmp(out_buf, expected, len) == 0);
}

/* A value written with its type byte, then read back. */
static vobj *round_trip(vobj *o)
{
    out_reset();
    int type = rdb_value_type(o);
    ck_assert_int_ge(type, 0);
    ck_assert_int_eq(rdb_write_type(&out, (unsigned char)type), 0);
    ck_assert_int_eq(rdb_write_value(&out, o), 0);
    struct rdb_in in;
    struct rdb_in_buffer src;
    rdb_in_init_buffer(&in, &src, out_buf, vstr_len(out_buf));
    vobj *back = rdb_read_value(&in, rdb_read_type(&in));
    ck_assert_msg(back != NULL, "read failed: %s", in.err);
    ck_assert_uint_eq(src.off, src.len);
    return back;
}

/* Reads a value of the given type from raw bytes; NULL on error. */
static vobj *read_bytes(int type, const void *p, size_t len, struct rdb_in *in)
{
    static struct rdb_in_buffer src;
    rdb_in_init_buffer(in, &src, p, len);
    return rdb_read_value(in, type);
}

/* ---- lengths and strings ---- */

START_TEST(test_length_encodings)
{
    static const struct {
        uint64_t len;
        const char *bytes;
        size_t n;
    } cases[] = {
        {0, "\x00", 1},
        {63, "\x3f", 1},
        {64, "\x40\x40", 2},
        {16383, "\x7f\xff", 2},
        {16384, "\x80\x00\x00\x40\x00", 5},
        {UINT32_MAX, "\x80\xff\xff\xff\xff", 5},
        {1ULL << 32, "\x81\x00\x00\x00\x01\x00\x00\x00\x00", 9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        out_reset();
        ck_assert_int_eq(rdb_write_len(&out, cases[i].len), 0);
        assert_bytes(cases[i].bytes, cases[i].n);
        struct rdb_in in;
        struct rdb_in_buffer src;
        rdb_in_init_buffer(&in, &src, out_buf, vstr_len(out_buf));
        uint64_t back;
        int enc;
        ck_assert_int_eq(rdb_read_len(&in, &back, &enc), 0);
        ck_assert_int_eq(enc, 0);
        ck_assert_uint_eq(back, cases[i].len);
    }
}
END_TEST

START_TEST(test_string_integer_encodings)
{
    static const struct {
        const char *s;
        const char *bytes;
        size_t n;
    } cases[] = {
        {"0", "\xc0\x00", 2},
        {"-1", "\xc0\xff", 2},
        {"12345", "\xc1\x39\x30", 3},
        {"-2147483648", "\xc2\x00\x00\x00\x80", 5},
        {"2147483648",
         "\x0a"
         "2147483648",
         11},
        {"007",
         "\x03"
         "007",
         4},
        {"+1", "\x02+1", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        out_reset();
        ck_assert_int_eq(rdb_write_string(&out, cases[i].s, strlen(cases[i].s)), 0);
        assert_bytes(cases[i].bytes, cases[i].n);
        struct rdb_in in;
        struct rdb_in_buffer src;
        rdb_in_init_buffer(&in, &src, out_buf, vstr_len(out_buf));
        vstr back = rdb_read_string(&in);
        ck_assert_str_eq(back, cases[i].s);
        vstr_free(back);
    }
}
END_TEST

START_TEST(test_string_lzf)
{
    char text[300];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "abc"[i % 3];
    out_reset();
    ck_assert_int_eq(rdb_write_string(&out, text, sizeof text), 0);
    ck_assert_uint_eq((unsigned char)out_buf[0], 0xC3);
    ck_assert_uint_lt(vstr_len(out_buf), 40);
    struct rdb_in in;
    struct rdb_in_buffer src;
    rdb_in_init_buffer(&in, &src, out_buf, vstr_len(out_buf));
    vstr back = rdb_read_string(&in);
    ck_assert_uint_eq(vstr_len(back), sizeof text);
    ck_assert(memcmp(back, text, sizeof text) == 0);
    vstr_free(back);

    out_reset();
    out.compress = 0;
    ck_assert_int_eq(rdb_write_string(&out, text, sizeof text), 0);
    ck_assert_uint_eq(vstr_len(out_buf), 2 + sizeof text);
}
END_TEST

START_TEST(test_forged_lengths_fail_cleanly)
{
    /* A 2^40-byte string, an LZF blob claiming a huge expansion, an
     * unknown length encoding, an unknown string encoding. */
    static const char *const inputs[] = {
        "\x81\x00\x00\x01\x00\x00\x00\x00\x00"
        "abc",
        "\xc3\x02\x80\x10\x00\x00\x00xx",
        "\x82",
        "\xc5",
    };
    static const size_t lens[] = {12, 9, 1, 1};
    for (size_t i = 0; i < 4; i++) {
        struct rdb_in in;
        struct rdb_in_buffer src;
        rdb_in_init_buffer(&in, &src, inputs[i], lens[i]);
        ck_assert_ptr_null(rdb_read_string(&in));
        ck_assert(in.err[0] != '\0');
    }
}
END_TEST

/* ---- value round trips ---- */

START_TEST(test_round_trip_strings)
{
    static const char *const values[] = {"", "hello", "12345", "-9223372036854775808",
                                         "this string is longer than forty-four bytes, raw"};
    for (size_t i = 0; i < 5; i++) {
        vobj *o = obj_new_string_encoded(values[i], strlen(values[i]));
        vobj *back = round_trip(o);
        char b1[32], b2[32];
        size_t l1, l2;
        const char *p1 = obj_string_view(o, b1, &l1), *p2 = obj_string_view(back, b2, &l2);
        ck_assert_uint_eq(l1, l2);
        ck_assert(memcmp(p1, p2, l1) == 0);
        ck_assert_uint_eq(back->encoding, o->encoding);
        obj_decr_ref(o);
        obj_decr_ref(back);
    }
}
END_TEST

static vobj *make_hash(int pairs, size_t value_len)
{
    vobj *o = hash_type_create();
    char f[32], v[512];
    memset(v, 'v', sizeof v);
    for (int i = 0; i < pairs; i++) {
        snprintf(f, sizeof f, "field%d", i);
        hash_type_set(o, f, strlen(f), v, value_len);
    }
    return o;
}

static void assert_hash_equal(vobj *a, vobj *b)
{
    ck_assert_uint_eq(hash_type_length(a), hash_type_length(b));
    ck_assert_uint_eq(a->encoding, b->encoding);
    struct hash_iter it;
    hash_iter_init(&it, a);
    while (hash_iter_next(&it) == 0) {
        size_t flen, vlen;
        const char *f = hash_iter_field(&it, &flen);
        const char *v = hash_iter_value(&it, &vlen);
        /* Setting the same pair on the copy must find the field there. */
        ck_assert_int_eq(hash_type_set(b, f, flen, v, vlen), 1);
    }
    hash_iter_release(&it);
}

START_TEST(test_round_trip_hashes)
{
    vobj *small = make_hash(5, 3), *big = make_hash(600, 3), *longv = make_hash(3, 200);
    ck_assert_uint_eq(small->encoding, OBJ_ENC_LISTPACK);
    ck_assert_uint_eq(big->encoding, OBJ_ENC_HT);
    ck_assert_uint_eq(longv->encoding, OBJ_ENC_HT);
    vobj *all[] = {small, big, longv};
    for (int i = 0; i < 3; i++) {
        vobj *back = round_trip(all[i]);
        assert_hash_equal(all[i], back);
        ck_assert_uint_eq(hash_type_length(back), hash_type_length(all[i]));
        obj_decr_ref(back);
        obj_decr_ref(all[i]);
    }
}
END_TEST

static void assert_zset_equal(vobj *a, vobj *b)
{
    ck_assert_uint_eq(zset_length(a), zset_length(b));
    ck_assert_uint_eq(a->encoding, b->encoding);
    struct zset_iter ia, ib;
    struct zset_elem ea, eb;
    zset_iter_init(&ia, a, 0);
    zset_iter_init(&ib, b, 0);
    while (zset_iter_next(&ia, &ea)) {
        ck_assert(zset_iter_next(&ib, &eb));
        ck_assert_uint_eq(ea.len, eb.len);
        ck_assert(memcmp(ea.member, eb.member, ea.len) == 0);
        ck_assert(ea.score == eb.score);
    }
    ck_assert(!zset_iter_next(&ib, &eb));
}

START_TEST(test_round_trip_zsets)
{
    vobj *small = zset_type_create(4, 0);
    zset_type_add(small, 1.5, "a", 1);
    zset_type_add(small, -INFINITY, "lo", 2);
    zset_type_add(small, INFINITY, "hi", 2);
    zset_type_add(small, 7, "7", 1);
    vobj *big = zset_type_create(1000, 0);
    char m[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(m, sizeof m, "member%d", i);
        zset_type_add(big, i / 3.0, m, strlen(m));
    }
    ck_assert_uint_eq(small->encoding, OBJ_ENC_LISTPACK);
    ck_assert_uint_eq(big->encoding, OBJ_ENC_SKIPLIST);
    vobj *all[] = {small, big};
    for (int i = 0; i < 2; i++) {
        vobj *back = round_trip(all[i]);
        assert_zset_equal(all[i], back);
        obj_decr_ref(back);
        obj_decr_ref(all[i]);
    }
}
END_TEST

static vobj *make_list(int n, int compress)
{
    cfg.list_compress_depth = compress;
    vobj *o = list_type_create();
    char v[64];
    for (int i = 0; i < n; i++) {
        int len = snprintf(v, sizeof v, i % 3 ? "element-%d" : "%d", i);
        list_type_push(o, LIST_TAIL, v, (size_t)len);
    }
    return o;
}

static void assert_list_equal(vobj *a, vobj *b)
{
    ck_assert_uint_eq(quicklist_count(a->ptr), quicklist_count(b->ptr));
    quicklist_iter *ia = quicklist_iter_new(a->ptr, QUICKLIST_HEAD);
    quicklist_iter *ib = quicklist_iter_new(b->ptr, QUICKLIST_HEAD);
    quicklist_entry ea, eb;
    while (quicklist_iter_next(ia, &ea)) {
        ck_assert(quicklist_iter_next(ib, &eb));
        if (ea.value)
            ck_assert(quicklist_entry_equals(&eb, ea.value, ea.len));
        else
            ck_assert(!eb.value && eb.ival == ea.ival);
    }
    quicklist_iter_free(ia);
    quicklist_iter_free(ib);
}

START_TEST(test_round_trip_lists)
{
    int sizes[] = {1, 100, 5000};
    for (int i = 0; i < 3; i++) {
        for (int compress = 0; compress <= 1; compress++) {
            vobj *o = make_list(sizes[i], compress);
            vobj *back = round_trip(o);
            ck_assert_uint_eq(back->encoding, OBJ_ENC_QUICKLIST);
            assert_list_equal(o, back);
            obj_decr_ref(o);
            obj_decr_ref(back);
        }
    }
}
END_TEST

static vobj *make_set(int n, int strings)
{
    char m[32];
    snprintf(m, sizeof m, strings ? "s0" : "0");
    vobj *o = set_type_create(m, strlen(m), (size_t)n);
    for (int i = 0; i < n; i++) {
        snprintf(m, sizeof m, strings ? "s%d" : "%d", i * 7 - 100);
        set_type_add(o, m, strlen(m));
    }
    return o;
}

START_TEST(test_round_trip_sets)
{
    vobj *small = make_set(10, 0), *big = make_set(1000, 0), *strs = make_set(20, 1);
    ck_assert_uint_eq(small->encoding, OBJ_ENC_INTSET);
    ck_assert_uint_eq(big->encoding, OBJ_ENC_HT);
    ck_assert_uint_eq(strs->encoding, OBJ_ENC_HT);
    vobj *all[] = {small, big, strs};
    for (int i = 0; i < 3; i++) {
        vobj *back = round_trip(all[i]);
        ck_assert_uint_eq(back->encoding, all[i]->encoding);
        ck_assert_uint_eq(set_type_size(back), set_type_size(all[i]));
        struct set_iter it;
        struct set_elem e;
        set_iter_init(&it, all[i]);
        while (set_iter_next(&it, &e) == 0)
            ck_assert(set_type_is_member(back, e.p, e.len));
        set_iter_release(&it);
        obj_decr_ref(back);
        obj_decr_ref(all[i]);
    }
}
END_TEST

/* ---- malformed values ---- */

START_TEST(test_bad_values_rejected)
{
    struct rdb_in in;
    /* hash listpack blob that is not a listpack */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_HASH_LISTPACK,
                                  "\x03"
                                  "abc",
                                  4, &in));
    ck_assert(in.err[0]);
    /* plain hash with a repeated field */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_HASH,
                                  "\x02\x01"
                                  "a\x01"
                                  "1\x01"
                                  "a\x01"
                                  "2",
                                  10, &in));
    ck_assert(strstr(in.err, "Duplicate"));
    /* empty hash: not an error, but no value */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_HASH, "\x00", 1, &in));
    ck_assert_int_eq(in.empty_key, 1);
    ck_assert(!in.err[0]);
    /* zset with a NaN score, and with a repeated member */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_ZSET,
                                  "\x01\x01"
                                  "a\xfd",
                                  4, &in));
    ck_assert_ptr_null(read_bytes(RDB_TYPE_ZSET,
                                  "\x02\x01"
                                  "a\x01"
                                  "1\x01"
                                  "a\x01"
                                  "2",
                                  10, &in));
    /* string score that is not a number */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_ZSET,
                                  "\x01\x01"
                                  "a\x02"
                                  "1x",
                                  6, &in));
    /* quicklist 2 with an unknown container and with a bad listpack */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_LIST_QUICKLIST_2,
                                  "\x01\x07\x01"
                                  "a",
                                  4, &in));
    ck_assert_ptr_null(read_bytes(RDB_TYPE_LIST_QUICKLIST_2,
                                  "\x01\x02\x03"
                                  "abc",
                                  6, &in));
    /* sets: a repeated member, an intset out of order, an empty intset */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_SET,
                                  "\x02\x01"
                                  "a\x01"
                                  "a",
                                  5, &in));
    ck_assert(strstr(in.err, "Duplicate"));
    ck_assert_ptr_null(read_bytes(RDB_TYPE_SET_INTSET,
                                  "\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x03\x00", 13, &in));
    ck_assert_ptr_null(
        read_bytes(RDB_TYPE_SET_INTSET, "\x08\x02\x00\x00\x00\x00\x00\x00\x00", 9, &in));
    /* streams and modules are refused by name */
    ck_assert_ptr_null(read_bytes(RDB_TYPE_STREAM_LISTPACKS_2, "\x00", 1, &in));
    ck_assert(strstr(in.err, "Stream"));
    ck_assert_ptr_null(read_bytes(RDB_TYPE_MODULE_2, "\x00", 1, &in));
    ck_assert(strstr(in.err, "Module"));
}
END_TEST

/* ---- legacy blobs ---- */

/* Builds a ziplist from entries given as strings; "#N" entries are stored
 * with integer encoding enc (0 = pick the immediate/int8 form). */
static size_t build_ziplist(unsigned char *zl, const char *const *entries, int n)
{
    size_t off = 10, prev = 0, tail = 10;
    for (int i = 0; i < n; i++) {
        size_t start = off;
        tail = off;
        zl[off++] = (unsigned char)prev;
        size_t len = strlen(entries[i]);
        zl[off++] = (unsigned char)len;
        memcpy(zl + off, entries[i], len);
        off += len;
        prev = off - start;
    }
    zl[off++] = 0xFF;
    uint32_t total = (uint32_t)off, t = (uint32_t)tail;
    memcpy(zl, &total, 4);
    memcpy(zl + 4, &t, 4);
    zl[8] = (unsigned char)n;
    zl[9] = 0;
    return off;
}

START_TEST(test_ziplist_conversion)
{
    static const char *const entries[] = {"a", "hello", "12", ""};
    unsigned char zl[128];
    size_t size = build_ziplist(zl, entries, 4);
    unsigned char *lp = rdb_ziplist_to_listpack(zl, size);
    ck_assert_ptr_nonnull(lp);
    ck_assert_uint_eq(lp_length(lp), 4);
    unsigned char buf[LP_INTBUF_SIZE];
    uint32_t len;
    unsigned char *p = lp_first(lp);
    for (int i = 0; i < 4; i++, p = lp_next(lp, p)) {
        unsigned char *s = lp_get_str(p, &len, buf);
        ck_assert_uint_eq(len, strlen(entries[i]));
        ck_assert(memcmp(s, entries[i], len) == 0);
    }
    lp_free(lp);

    /* Integer encodings: int8 -5, int16 300, int24 -70000, immediate 7. */
    static const unsigned char ints[] = {22,   0,    0,    0,    20,
                                         0,    0,    0,    4,    0, /* header (tail fixed below) */
                                         0x00, 0xFE, 0xFB,          /* int8 -5 */
                                         0x03, 0xC0, 0x2C, 0x01,    /* int16 300 */
                                         0x04, 0xF0, 0x90, 0xEE, 0xFE, /* int24 -70000 */
                                         0x05, 0xF8, 0xFF};
    unsigned char copy[sizeof ints];
    memcpy(copy, ints, sizeof ints);
    uint32_t total = sizeof ints, tail = 22;
    memcpy(copy, &total, 4);
    memcpy(copy + 4, &tail, 4);
    lp = rdb_ziplist_to_listpack(copy, sizeof copy);
    ck_assert_ptr_nonnull(lp);
    int64_t want[] = {-5, 300, -70000, 7}, v;
    p = lp_first(lp);
    for (int i = 0; i < 4; i++, p = lp_next(lp, p)) {
        ck_assert_ptr_null(lp_get(p, &v, &len));
        ck_assert_int_eq(v, want[i]);
    }
    lp_free(lp);
}
END_TEST

START_TEST(test_ziplist_malformed)
{
    static const char *const entries[] = {"a", "hello", "12"};
    unsigned char zl[128], bad[128];
    size_t size = build_ziplist(zl, entries, 3);
    /* Each damaged copy must be refused. */
    struct {
        size_t off;
        unsigned char val;
    } damage[] = {
        {0, 0x50},  /* total bytes */
        {4, 0x0B},  /* tail offset */
        {8, 9},     /* count */
        {10, 5},    /* first prevlen must be 0 */
        {11, 0x3F}, /* string length past the end */
        {11, 0xC5}, /* unknown encoding */
        {13, 0x09}, /* second entry's prevlen */
    };
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        memcpy(bad, zl, size);
        bad[damage[i].off] = damage[i].val;
        ck_assert_msg(rdb_ziplist_to_listpack(bad, size) == NULL, "damage %zu accepted", i);
    }
    for (size_t cut = 0; cut < size; cut++)
        ck_assert_ptr_null(rdb_ziplist_to_listpack(zl, cut));
}
END_TEST

START_TEST(test_zipmap_conversion)
{
    /* 2 pairs: "k1" -> "v1" (1 free byte), "key" -> "value" */
    static const unsigned char zm[] = {2,   2,   'k', '1', 2,   1,   'v', '1', 'X', 3,   'k',
                                       'e', 'y', 5,   0,   'v', 'a', 'l', 'u', 'e', 0xFF};
    unsigned char *lp = rdb_zipmap_to_listpack(zm, sizeof zm);
    ck_assert_ptr_nonnull(lp);
    ck_assert_uint_eq(lp_length(lp), 4);
    uint32_t len;
    unsigned char buf[LP_INTBUF_SIZE];
    unsigned char *s = lp_get_str(lp_seek(lp, 3), &len, buf);
    ck_assert_uint_eq(len, 5);
    ck_assert(memcmp(s, "value", 5) == 0);
    lp_free(lp);
    for (size_t cut = 0; cut < sizeof zm; cut++)
        ck_assert_ptr_null(rdb_zipmap_to_listpack(zm, cut));
    unsigned char bad[sizeof zm];
    memcpy(bad, zm, sizeof zm);
    bad[0] = 3; /* count disagrees */
    ck_assert_ptr_null(rdb_zipmap_to_listpack(bad, sizeof bad));
}
END_TEST

/* ---- whole files ---- */

static void fill_db(void)
{
    struct db *db0 = db_get(0), *db5 = db_get(5);
    db_add(db0, "str", 3, obj_new_string("value", 5));
    db_add(db0, "num", 3, obj_new_string_from_ll(424242));
    db_add(db0, "hash", 4, make_hash(10, 5));
    db_add(db0, "ttl", 3, obj_new_string("t", 1));
    db_set_expire(NULL, db0, "ttl", 3, server.mstime + 100000);
    db_add(db0, "stale", 5, obj_new_string("s", 1));
    db_set_expire(NULL, db0, "stale", 5, server.mstime - 1000);
    cfg.hash_max_listpack_entries = 16;
    db_add(db5, "other", 5, make_hash(40, 5));
}

static vstr write_file_bytes(void)
{
    out_reset();
    ck_assert_int_eq(rdb_write_dataset(&out), 0);
    return vstr_dup(out_buf);
}

static int load_bytes(const void *p, size_t len, struct rdb_in *in, struct rdb_load_stats *st)
{
    static struct rdb_in_buffer src;
    db_empty(-1, 0);
    rdb_in_init_buffer(in, &src, p, len);
    return rdb_read_dataset(in, 1, st);
}

START_TEST(test_dataset_round_trip)
{
    fill_db();
    vstr file = write_file_bytes();
    ck_assert(memcmp(file, "REDIS0010", 9) == 0);
    struct rdb_in in;
    struct rdb_load_stats st;
    ck_assert_msg(load_bytes(file, vstr_len(file), &in, &st) == 0, "%s", in.err);
    ck_assert_int_eq(st.keys_loaded, 5);
    ck_assert_int_eq(st.keys_expired, 1);
    ck_assert_str_eq(st.version, "7.0.15");
    ck_assert_uint_eq(db_size(db_get(0)), 4);
    ck_assert_uint_eq(db_size(db_get(5)), 1);
    ck_assert_int_eq(db_get_expire(db_get(0), "ttl", 3), server.mstime + 100000);
    ck_assert_int_eq(db_get_expire(db_get(0), "str", 3), -1);
    vobj *num = db_lookup(db_get(0), "num", 3, LOOKUP_NOTOUCH);
    long long v;
    ck_assert_int_eq(obj_get_ll(num, &v), 0);
    ck_assert_int_eq(v, 424242);
    vstr_free(file);
}
END_TEST

START_TEST(test_dataset_checksum)
{
    fill_db();
    vstr file = write_file_bytes();
    struct rdb_in in;
    struct rdb_load_stats st;
    /* A flipped bit in a string value only the checksum can see. */
    char *pos = memmem(file, vstr_len(file), "value", 5);
    ck_assert_ptr_nonnull(pos);
    pos[0] = 'V';
    ck_assert_int_eq(load_bytes(file, vstr_len(file), &in, &st), -1);
    ck_assert(strstr(in.err, "checksum"));
    ck_assert_uint_eq(in.pos, vstr_len(file));
    /* With the trailer zeroed the file is accepted unchecked. */
    memset(file + vstr_len(file) - 8, 0, 8);
    ck_assert_int_eq(load_bytes(file, vstr_len(file), &in, &st), 0);
    vstr_free(file);
}
END_TEST

START_TEST(test_every_truncation_fails)
{
    fill_db();
    vstr file = write_file_bytes();
    for (size_t cut = 0; cut < vstr_len(file); cut++) {
        struct rdb_in in;
        struct rdb_load_stats st;
        ck_assert_int_eq(load_bytes(file, cut, &in, &st), -1);
        ck_assert(in.err[0]);
        ck_assert_uint_le(in.pos, cut);
    }
    db_empty(-1, 0);
    vstr_free(file);
}
END_TEST

START_TEST(test_header_and_opcodes)
{
    struct rdb_in in;
    struct rdb_load_stats st;
    ck_assert_int_eq(load_bytes("REDIX0010\xff", 10, &in, &st), -1);
    ck_assert(strstr(in.err, "signature"));
    ck_assert_int_eq(load_bytes("REDIS0011\xff", 10, &in, &st), -1);
    ck_assert(strstr(in.err, "version"));
    ck_assert_int_eq(load_bytes("REDIS00a0\xff", 10, &in, &st), -1);
    /* Version 4 files have no checksum trailer. */
    ck_assert_int_eq(load_bytes("REDIS0004\xff", 10, &in, &st), 0);
    /* A db number past `databases`, a function, module aux data. */
    ck_assert_int_eq(load_bytes("REDIS0010\xfe\x40\x40\xff", 13, &in, &st), -1);
    ck_assert_int_eq(load_bytes("REDIS0010\xf5\x00\xff", 12, &in, &st), -1);
    ck_assert(strstr(in.err, "Function"));
    ck_assert_int_eq(load_bytes("REDIS0010\xf7\x00\xff", 12, &in, &st), -1);
    /* A duplicate key. */
    static const char dup[] = "REDIS0009\xfe\x00\x00\x01k\x01v\x00\x01k\x01w\xff";
    ck_assert_int_eq(load_bytes(dup, sizeof dup - 1, &in, &st), -1);
    ck_assert(strstr(in.err, "Duplicate key"));
    db_empty(-1, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rdb");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_length_encodings);
    tcase_add_test(tc, test_string_integer_encodings);
    tcase_add_test(tc, test_string_lzf);
    tcase_add_test(tc, test_forged_lengths_fail_cleanly);
    tcase_add_test(tc, test_round_trip_strings);
    tcase_add_test(tc, test_round_trip_hashes);
    tcase_add_test(tc, test_round_trip_zsets);
    tcase_add_test(tc, test_round_trip_lists);
    tcase_add_test(tc, test_round_trip_sets);
    tcase_add_test(tc, test_bad_values_rejected);
    tcase_add_test(tc, test_ziplist_conversion);
    tcase_add_test(tc, test_ziplist_malformed);
    tcase_add_test(tc, test_zipmap_conversion);
    tcase_add_test(tc, test_dataset_round_trip);
    tcase_add_test(tc, test_dataset_checksum);
    tcase_add_test(tc, test_every_truncation_fails);
    tcase_add_test(tc, test_header_and_opcodes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
