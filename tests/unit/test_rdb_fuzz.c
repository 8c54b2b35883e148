/* A deterministic mutation fuzzer for the RDB reader, run as a check test
 * so every `make unit` (and `make asan`) exercises it.  Seeds are a whole
 * file with every type in several encodings (checksum zeroed, so damage
 * reaches the value validators instead of stopping at the CRC) and single
 * values as RESTORE sees them.  Each mutant must load or fail cleanly;
 * the coverage-guided version of this is tests/fuzz/fuzz_rdb.c. */
#include "config.h"
#include "db.h"
#include "listpack.h"
#include "log.h"
#include "mem.h"
#include "rdb.h"
#include "server.h"
#include "t_hash.h"
#include "t_list.h"
#include "t_set.h"
#include "t_zset.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 4000

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

static void setup(void)
{
    config_init_defaults();
    log_set_level(LOG_NOTHING);
    obj_init_shared();
    hash_init();
    zset_init();
    list_init();
    set_init();
    db_init_all();
    server_update_cached_time();
    /* Small limits: the seeds then hold listpack and big encodings both. */
    cfg.hash_max_listpack_entries = 8;
    cfg.zset_max_listpack_entries = 8;
    rng_state = 42;
}

static vobj *seed_hash(int n)
{
    vobj *o = hash_type_create();
    char f[16], v[16];
    for (int i = 0; i < n; i++) {
        snprintf(f, sizeof f, "f%d", i);
        snprintf(v, sizeof v, i % 2 ? "%d" : "val%d", i * 1000);
        hash_type_set(o, f, strlen(f), v, strlen(v));
    }
    return o;
}

static vobj *seed_zset(int n)
{
    vobj *o = zset_type_create((size_t)n, 0);
    char m[16];
    for (int i = 0; i < n; i++) {
        snprintf(m, sizeof m, "m%d", i);
        zset_type_add(o, i * 1.25, m, strlen(m));
    }
    return o;
}

static vobj *seed_list(int n)
{
    vobj *o = list_type_create();
    char v[16];
    for (int i = 0; i < n; i++) {
        snprintf(v, sizeof v, i % 2 ? "%d" : "e%d", i);
        list_type_push(o, LIST_TAIL, v, strlen(v));
    }
    return o;
}

static vobj *seed_set(int n, int strings)
{
    char m[16];
    snprintf(m, sizeof m, strings ? "x" : "1");
    vobj *o = set_type_create(m, strlen(m), (size_t)n);
    for (int i = 0; i < n; i++) {
        snprintf(m, sizeof m, strings ? "x%d" : "%d", i * 1000);
        set_type_add(o, m, strlen(m));
    }
    return o;
}

static vstr seed_file(void)
{
    struct db *db = db_get(0);
    db_add(db, "s", 1, obj_new_string("a string value that compresses well well well", 45));
    db_add(db, "i", 1, obj_new_string_from_ll(-77777));
    db_add(db, "hs", 2, seed_hash(4));
    db_add(db, "hb", 2, seed_hash(20));
    db_add(db, "zs", 2, seed_zset(4));
    db_add(db, "zb", 2, seed_zset(20));
    db_add(db, "l", 1, seed_list(300));
    db_add(db, "si", 2, seed_set(5, 0));
    db_add(db, "ss", 2, seed_set(5, 1));
    db_set_expire(NULL, db, "s", 1, server.mstime + 100000);
    vstr buf = vstr_empty();
    struct rdb_out out;
    rdb_out_init_buffer(&out, &buf);
    out.checksum = 0;
    ck_assert_int_eq(rdb_write_dataset(&out), 0);
    db_empty(-1, 0);
    return buf;
}

/* Overwrites, inserts or deletes a few bytes (never the magic). */
static size_t mutate(unsigned char *p, size_t len, size_t cap)
{
    int edits = 1 + (int)(rng() % 4);
    for (int e = 0; e < edits && len > 10; e++) {
        size_t pos = 9 + rng() % (len - 9);
        switch (rng() % 4) {
        case 0: p[pos] = (unsigned char)rng(); break;
        case 1: p[pos] ^= (unsigned char)(1u << (rng() % 8)); break;
        case 2:
            if (len < cap) {
                memmove(p + pos + 1, p + pos, len - pos);
                p[pos] = (unsigned char)rng();
                len++;
            }
            break;
        default:
            memmove(p + pos, p + pos + 1, len - pos - 1);
            len--;
            break;
        }
    }
    return len;
}

START_TEST(test_fuzz_whole_files)
{
    vstr seed = seed_file();
    size_t cap = vstr_len(seed) + 64;
    unsigned char *buf = mem_malloc(cap);
    int loaded = 0, refused = 0;
    for (int round = 0; round < ROUNDS; round++) {
        memcpy(buf, seed, vstr_len(seed));
        size_t len = mutate(buf, vstr_len(seed), cap);
        struct rdb_in in;
        struct rdb_in_buffer src;
        struct rdb_load_stats st;
        rdb_in_init_buffer(&in, &src, buf, len);
        if (rdb_read_dataset(&in, 1, &st) == 0) {
            loaded++;
        } else {
            ck_assert(in.err[0] != '\0');
            ck_assert_uint_le(in.pos, len);
            refused++;
        }
        db_empty(-1, 0);
    }
    /* Most damage must be noticed; some (inside a string value) cannot be. */
    ck_assert_int_gt(refused, ROUNDS / 2);
    ck_assert_int_gt(loaded, 0);
    mem_free(buf);
    vstr_free(seed);
}
END_TEST

START_TEST(test_fuzz_single_values)
{
    vobj *seeds[] = {seed_hash(4),  seed_hash(20),  seed_zset(4),  seed_zset(20),
                     seed_list(50), seed_set(5, 0), seed_set(5, 1)};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        vstr body = vstr_empty();
        struct rdb_out out;
        rdb_out_init_buffer(&out, &body);
        int type = rdb_value_type(seeds[s]);
        ck_assert_int_eq(rdb_write_value(&out, seeds[s]), 0);
        size_t cap = vstr_len(body) + 64;
        unsigned char *buf = mem_malloc(cap);
        for (int round = 0; round < ROUNDS / 4; round++) {
            memcpy(buf, body, vstr_len(body));
            size_t len = mutate(buf, vstr_len(body), cap);
            struct rdb_in in;
            struct rdb_in_buffer src;
            rdb_in_init_buffer(&in, &src, buf, len);
            vobj *o = rdb_read_value(&in, type);
            if (o)
                obj_decr_ref(o);
            else
                ck_assert(in.err[0] != '\0' || in.empty_key);
        }
        mem_free(buf);
        vstr_free(body);
        obj_decr_ref(seeds[s]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rdb_fuzz");
    TCase *tc = tcase_create("mutations");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fuzz_whole_files);
    tcase_add_test(tc, test_fuzz_single_values);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
