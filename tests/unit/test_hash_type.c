/* Unit tests for the hash type in server/t_hash: set/delete/iterate on both
 * encodings, the conversion thresholds, deep copies, and validation of
 * untrusted listpack payloads (what RDB loading will hand it). */
#include "config.h"
#include "listpack.h"
#include "mem.h"
#include "t_hash.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
    config_init_defaults();
    hash_init();
}

/* The value of field as the iterator sees it, copied into out (NUL-ended);
 * -1 if the field is absent.  Also checks no field is seen twice. */
static int iter_lookup(vobj *o, const char *field, char *out, size_t outsz)
{
    struct hash_iter it;
    int found = -1;
    hash_iter_init(&it, o);
    while (hash_iter_next(&it) == 0) {
        size_t flen, vlen;
        const char *f = hash_iter_field(&it, &flen);
        if (flen != strlen(field) || memcmp(f, field, flen) != 0)
            continue;
        ck_assert_int_eq(found, -1);
        const char *v = hash_iter_value(&it, &vlen);
        ck_assert_uint_lt(vlen, outsz);
        memcpy(out, v, vlen);
        out[vlen] = '\0';
        found = 0;
    }
    ck_assert_int_eq(hash_iter_next(&it), -1);
    hash_iter_release(&it);
    return found;
}

static size_t iter_count(vobj *o)
{
    struct hash_iter it;
    size_t n = 0;
    hash_iter_init(&it, o);
    while (hash_iter_next(&it) == 0)
        n++;
    hash_iter_release(&it);
    return n;
}

static int set_str(vobj *o, const char *f, const char *v)
{
    return hash_type_set(o, f, strlen(f), v, strlen(v));
}

START_TEST(listpack_basics)
{
    vobj *o = hash_type_create();
    char buf[128];
    ck_assert_int_eq(o->type, OBJ_HASH);
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    ck_assert_uint_eq(hash_type_length(o), 0);
    ck_assert_uint_eq(iter_count(o), 0);
    ck_assert_int_eq(set_str(o, "a", "1"), 0);
    ck_assert_int_eq(set_str(o, "b", "two"), 0);
    ck_assert_int_eq(set_str(o, "a", "uno"), 1);
    ck_assert_uint_eq(hash_type_length(o), 2);
    ck_assert_int_eq(iter_lookup(o, "a", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "uno");
    ck_assert_int_eq(iter_lookup(o, "b", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "two");
    ck_assert_int_eq(hash_type_delete(o, "a", 1), 1);
    ck_assert_int_eq(hash_type_delete(o, "a", 1), 0);
    ck_assert_int_eq(iter_lookup(o, "a", buf, sizeof buf), -1);
    ck_assert_uint_eq(hash_type_length(o), 1);
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    obj_decr_ref(o);
}
END_TEST

/* Listpacks store canonical integers as integers: the bytes read back must
 * be the bytes written, integer-looking or not. */
START_TEST(integer_like_values_round_trip)
{
    static const char *const vals[] = {"0",
                                       "12",
                                       "-7",
                                       "007",
                                       "+5",
                                       "-0",
                                       "1.5",
                                       " 3",
                                       "9223372036854775807",
                                       "9223372036854775808"};
    vobj *o = hash_type_create();
    char buf[64];
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        set_str(o, vals[i], vals[i]);
        ck_assert_int_eq(iter_lookup(o, vals[i], buf, sizeof buf), 0);
        ck_assert_str_eq(buf, vals[i]);
    }
    ck_assert_uint_eq(hash_type_length(o), sizeof vals / sizeof vals[0]);
    obj_decr_ref(o);
}
END_TEST

START_TEST(converts_past_entry_limit)
{
    cfg.hash_max_listpack_entries = 4;
    vobj *o = hash_type_create();
    char f[16], v[16], buf[16];
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "f%d", i);
        snprintf(v, sizeof v, "%d", i * 10);
        set_str(o, f, v);
    }
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    /* Updating an existing field does not grow the hash. */
    set_str(o, "f0", "updated");
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    set_str(o, "f4", "40");
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    ck_assert_uint_eq(hash_type_length(o), 5);
    ck_assert_int_eq(iter_lookup(o, "f0", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "updated");
    ck_assert_int_eq(iter_lookup(o, "f3", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "30");
    /* One-way: shrinking does not convert back. */
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "f%d", i);
        ck_assert_int_eq(hash_type_delete(o, f, strlen(f)), 1);
    }
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    ck_assert_uint_eq(iter_count(o), 1);
    obj_decr_ref(o);
}
END_TEST

START_TEST(converts_on_long_field_or_value)
{
    char big[66];
    memset(big, 'x', 65);
    big[65] = '\0';
    char at_limit[65];
    memcpy(at_limit, big, 64);
    at_limit[64] = '\0';

    vobj *o = hash_type_create();
    set_str(o, at_limit, at_limit);
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    set_str(o, "v", big);
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    obj_decr_ref(o);

    o = hash_type_create();
    set_str(o, big, "1");
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    char buf[8];
    ck_assert_int_eq(iter_lookup(o, big, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "1");
    obj_decr_ref(o);
}
END_TEST

START_TEST(binary_safe)
{
    vobj *o = hash_type_create();
    const char field[] = {'a', '\0', 'b'};
    const char value[] = {'\0', '\xff', '\n'};
    ck_assert_int_eq(hash_type_set(o, field, 3, value, 3), 0);
    ck_assert_int_eq(hash_type_set(o, "a", 1, "x", 1), 0);
    ck_assert_uint_eq(hash_type_length(o), 2);
    ck_assert_int_eq(hash_type_convert(o), 0);
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    ck_assert_int_eq(hash_type_set(o, field, 3, "y", 1), 1);
    ck_assert_int_eq(hash_type_delete(o, field, 3), 1);
    ck_assert_int_eq(hash_type_delete(o, field, 1), 1);
    ck_assert_uint_eq(hash_type_length(o), 0);
    obj_decr_ref(o);
}
END_TEST

START_TEST(dup_is_deep)
{
    for (int enc = 0; enc < 2; enc++) {
        vobj *o = hash_type_create();
        set_str(o, "a", "1");
        set_str(o, "b", "2");
        if (enc)
            hash_type_convert(o);
        vobj *copy = obj_dup(o);
        ck_assert_int_eq(copy->encoding, o->encoding);
        set_str(o, "a", "changed");
        hash_type_delete(o, "b", 1);
        char buf[16];
        ck_assert_int_eq(iter_lookup(copy, "a", buf, sizeof buf), 0);
        ck_assert_str_eq(buf, "1");
        ck_assert_int_eq(iter_lookup(copy, "b", buf, sizeof buf), 0);
        ck_assert_uint_gt(obj_mem_usage(copy), 0);
        obj_decr_ref(o);
        obj_decr_ref(copy);
    }
}
END_TEST

/* Random operations against a plain array model, with a small threshold so
 * both encodings and the conversion get exercised. */
#define MODEL_FIELDS 40

START_TEST(random_against_model)
{
    cfg.hash_max_listpack_entries = 16;
    srandom(1234);
    for (int round = 0; round < 20; round++) {
        vobj *o = hash_type_create();
        long model[MODEL_FIELDS];
        for (int i = 0; i < MODEL_FIELDS; i++)
            model[i] = -1;
        for (int op = 0; op < 400; op++) {
            int i = (int)(random() % MODEL_FIELDS);
            char f[16], v[24], buf[24];
            snprintf(f, sizeof f, "%d", i);
            if (random() % 3) {
                long val = random() % 1000;
                snprintf(v, sizeof v, "%ld", val);
                ck_assert_int_eq(set_str(o, f, v), model[i] >= 0);
                model[i] = val;
            } else {
                ck_assert_int_eq(hash_type_delete(o, f, strlen(f)), model[i] >= 0);
                model[i] = -1;
            }
            if (op % 50 == 0) {
                size_t live = 0;
                for (int k = 0; k < MODEL_FIELDS; k++) {
                    snprintf(f, sizeof f, "%d", k);
                    int found = iter_lookup(o, f, buf, sizeof buf);
                    ck_assert_int_eq(found == 0, model[k] >= 0);
                    if (model[k] >= 0) {
                        ck_assert_int_eq(atol(buf), model[k]);
                        live++;
                    }
                }
                ck_assert_uint_eq(hash_type_length(o), live);
                ck_assert_uint_eq(iter_count(o), live);
            }
        }
        obj_decr_ref(o);
    }
}
END_TEST

static unsigned char *lp_of(const char *const *items, size_t n)
{
    unsigned char *lp = lp_new(0);
    for (size_t i = 0; i < n; i++)
        lp = lp_append(lp, (const unsigned char *)items[i], (uint32_t)strlen(items[i]));
    return lp;
}

START_TEST(validate_payloads)
{
    static const char *const good[] = {"a", "1", "b", "2", "12", "x"};
    static const char *const odd[] = {"a", "1", "b"};
    static const char *const dup[] = {"a", "1", "b", "2", "a", "3"};
    static const char *const dup_int[] = {"7", "x", "07", "y", "7", "z"};
    /* A value equal to a field is fine: only fields must be unique. */
    static const char *const value_like_field[] = {"a", "b", "b", "a"};

    unsigned char *lp = lp_of(good, 6);
    size_t size = lp_bytes(lp);
    ck_assert_int_eq(hash_listpack_validate(lp, size), 0);
    /* Truncated, or with a header that disagrees with the size. */
    ck_assert_int_eq(hash_listpack_validate(lp, size - 1), -1);
    lp[0] ^= 1;
    ck_assert_int_eq(hash_listpack_validate(lp, size), -1);
    lp_free(lp);

    lp = lp_of(odd, 3);
    ck_assert_int_eq(hash_listpack_validate(lp, lp_bytes(lp)), -1);
    lp_free(lp);
    lp = lp_of(dup, 6);
    ck_assert_int_eq(hash_listpack_validate(lp, lp_bytes(lp)), -1);
    lp_free(lp);
    lp = lp_of(dup_int, 6);
    ck_assert_int_eq(hash_listpack_validate(lp, lp_bytes(lp)), -1);
    lp_free(lp);
    lp = lp_of(value_like_field, 4);
    ck_assert_int_eq(hash_listpack_validate(lp, lp_bytes(lp)), 0);
    lp_free(lp);
    lp = lp_new(0);
    ck_assert_int_eq(hash_listpack_validate(lp, lp_bytes(lp)), 0);
    lp_free(lp);
}
END_TEST

START_TEST(convert_rejects_repeated_field)
{
    static const char *const dup[] = {"a", "1", "a", "2"};
    vobj *o = obj_new(OBJ_HASH, OBJ_ENC_LISTPACK, lp_of(dup, 4));
    ck_assert_int_eq(hash_type_convert(o), -1);
    ck_assert_int_eq(o->encoding, OBJ_ENC_LISTPACK);
    ck_assert_uint_eq(hash_type_length(o), 2);
    obj_decr_ref(o);
}
END_TEST

/* Random mutations of a valid blob must be rejected or accepted, never
 * crash or read out of bounds (run under ASan by `make asan-test`). */
START_TEST(validate_fuzz)
{
    static const char *const items[] = {"field", "value", "n", "12345", "big", "-99999999999"};
    unsigned char *base = lp_of(items, 6);
    size_t size = lp_bytes(base);
    srandom(99);
    for (int i = 0; i < 5000; i++) {
        unsigned char *buf = malloc(size);
        memcpy(buf, base, size);
        int flips = 1 + (int)(random() % 3);
        for (int k = 0; k < flips; k++)
            buf[random() % size] = (unsigned char)random();
        size_t len = (random() % 4) ? size : (size_t)(random() % (long)size);
        hash_listpack_validate(buf, len);
        free(buf);
    }
    lp_free(base);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hash_type");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, listpack_basics);
    tcase_add_test(tc, integer_like_values_round_trip);
    tcase_add_test(tc, converts_past_entry_limit);
    tcase_add_test(tc, converts_on_long_field_or_value);
    tcase_add_test(tc, binary_safe);
    tcase_add_test(tc, dup_is_deep);
    tcase_add_test(tc, random_against_model);
    tcase_add_test(tc, validate_payloads);
    tcase_add_test(tc, convert_rejects_repeated_field);
    tcase_add_test(tc, validate_fuzz);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
