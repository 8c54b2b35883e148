/* Unit tests for the set type in server/t_set: add/remove/membership and
 * iteration on both encodings, the encoding chosen at creation, the
 * intset -> hashtable conversion at set-max-intset-entries, wrapping a
 * loaded intset blob, deep copies, and a random run against a model. */
#include "config.h"
#include "intset.h"
#include "mem.h"
#include "t_set.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
    config_init_defaults();
    set_init();
}

static int add(vobj *o, const char *m)
{
    return set_type_add(o, m, strlen(m));
}

static int has(vobj *o, const char *m)
{
    return set_type_is_member(o, m, strlen(m));
}

/* Members seen by the iterator; checks none is seen twice. */
static size_t iter_count(vobj *o)
{
    struct set_iter it;
    struct set_elem e;
    size_t n = 0;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0) {
        ck_assert(set_type_is_member(o, e.p, e.len));
        n++;
    }
    ck_assert_int_eq(set_iter_next(&it, &e), -1);
    set_iter_release(&it);
    ck_assert_uint_eq(n, set_type_size(o));
    return n;
}

START_TEST(create_picks_the_encoding)
{
    vobj *a = set_type_create("12", 2, 1);
    ck_assert_int_eq(a->type, OBJ_SET);
    ck_assert_int_eq(a->encoding, OBJ_ENC_INTSET);
    ck_assert_uint_eq(set_type_size(a), 0);
    vobj *b = set_type_create("x", 1, 1);
    ck_assert_int_eq(b->encoding, OBJ_ENC_HT);
    /* Non-canonical integers are strings. */
    static const char *const strings[] = {"-0", "007", "+1",  " 1",
                                          "1 ", "",    "1.0", "9223372036854775808"};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        vobj *o = set_type_create(strings[i], strlen(strings[i]), 1);
        ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
        obj_decr_ref(o);
    }
    /* More members expected than an intset may hold. */
    vobj *c = set_type_create("1", 1, (size_t)cfg.set_max_intset_entries + 1);
    ck_assert_int_eq(c->encoding, OBJ_ENC_HT);
    obj_decr_ref(a);
    obj_decr_ref(b);
    obj_decr_ref(c);
}
END_TEST

START_TEST(intset_basics)
{
    vobj *o = set_type_create("5", 1, 1);
    ck_assert_int_eq(add(o, "5"), 1);
    ck_assert_int_eq(add(o, "-9223372036854775808"), 1);
    ck_assert_int_eq(add(o, "9223372036854775807"), 1);
    ck_assert_int_eq(add(o, "5"), 0);
    ck_assert_int_eq(o->encoding, OBJ_ENC_INTSET);
    ck_assert(has(o, "5") && !has(o, "6") && !has(o, "abc") && !has(o, "05"));
    /* Ascending order, rendered as decimal. */
    static const char *const order[] = {"-9223372036854775808", "5", "9223372036854775807"};
    struct set_iter it;
    struct set_elem e;
    size_t i = 0;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0) {
        ck_assert(e.is_int);
        ck_assert_uint_eq(e.len, strlen(order[i]));
        ck_assert(memcmp(e.p, order[i], e.len) == 0);
        i++;
    }
    set_iter_release(&it);
    ck_assert_uint_eq(i, 3);
    ck_assert_int_eq(set_type_remove(o, "abc", 3), 0);
    ck_assert_int_eq(set_type_remove(o, "5", 1), 1);
    ck_assert_int_eq(set_type_remove(o, "5", 1), 0);
    ck_assert_uint_eq(set_type_size(o), 2);
    obj_decr_ref(o);
}
END_TEST

START_TEST(string_member_converts)
{
    vobj *o = set_type_create("1", 1, 1);
    add(o, "1");
    add(o, "2");
    ck_assert_int_eq(add(o, "two"), 1);
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    ck_assert(has(o, "1") && has(o, "2") && has(o, "two"));
    ck_assert_uint_eq(iter_count(o), 3);
    /* One-way: removing the string keeps the hashtable. */
    ck_assert_int_eq(set_type_remove(o, "two", 3), 1);
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    obj_decr_ref(o);
}
END_TEST

START_TEST(converts_past_entry_limit)
{
    cfg.set_max_intset_entries = 8;
    vobj *o = set_type_create("0", 1, 1);
    char buf[32];
    for (int i = 0; i < 8; i++) {
        snprintf(buf, sizeof buf, "%d", i);
        add(o, buf);
    }
    ck_assert_int_eq(o->encoding, OBJ_ENC_INTSET);
    ck_assert_int_eq(add(o, "3"), 0);
    ck_assert_int_eq(o->encoding, OBJ_ENC_INTSET);
    add(o, "8");
    ck_assert_int_eq(o->encoding, OBJ_ENC_HT);
    for (int i = 0; i <= 8; i++) {
        snprintf(buf, sizeof buf, "%d", i);
        ck_assert(has(o, buf));
    }
    ck_assert_uint_eq(iter_count(o), 9);
    obj_decr_ref(o);
}
END_TEST

START_TEST(from_intset_fits_the_limit)
{
    cfg.set_max_intset_entries = 3;
    intset *small = intset_new();
    for (int64_t v = 0; v < 3; v++)
        small = intset_add(small, v * 10, NULL);
    vobj *a = set_type_from_intset(small);
    ck_assert_int_eq(a->encoding, OBJ_ENC_INTSET);
    intset *big = intset_new();
    for (int64_t v = 0; v < 4; v++)
        big = intset_add(big, -v, NULL);
    vobj *b = set_type_from_intset(big);
    ck_assert_int_eq(b->encoding, OBJ_ENC_HT);
    ck_assert(has(b, "-3") && has(b, "0") && !has(b, "3"));
    obj_decr_ref(a);
    obj_decr_ref(b);
}
END_TEST

START_TEST(binary_safe)
{
    vobj *o = set_type_create("a", 1, 1);
    const char m[] = {'a', '\0', 'b'};
    ck_assert_int_eq(set_type_add(o, m, 3), 1);
    ck_assert_int_eq(set_type_add(o, "a", 1), 1);
    ck_assert(set_type_is_member(o, m, 3));
    ck_assert(!set_type_is_member(o, m, 2));
    ck_assert_uint_eq(set_type_size(o), 2);
    obj_decr_ref(o);
}
END_TEST

START_TEST(dup_is_deep)
{
    vobj *ints = set_type_create("1", 1, 1);
    add(ints, "1");
    add(ints, "2");
    vobj *strs = set_type_create("x", 1, 1);
    add(strs, "x");
    add(strs, "y");
    vobj *ci = obj_dup(ints), *cs = obj_dup(strs);
    ck_assert_int_eq(ci->encoding, OBJ_ENC_INTSET);
    ck_assert_int_eq(cs->encoding, OBJ_ENC_HT);
    set_type_remove(ints, "1", 1);
    set_type_remove(strs, "x", 1);
    ck_assert(has(ci, "1") && has(ci, "2"));
    ck_assert(has(cs, "x") && has(cs, "y"));
    obj_decr_ref(ints);
    obj_decr_ref(strs);
    obj_decr_ref(ci);
    obj_decr_ref(cs);
}
END_TEST

/* Adds and removes at random against a bitmap model, with a threshold small
 * enough for conversions to happen along the way. */
START_TEST(random_against_model)
{
    enum { RANGE = 200 };
    cfg.set_max_intset_entries = 64;
    char model[RANGE * 2] = {0};
    vobj *o = set_type_create("0", 1, 1);
    srandom(7);
    char buf[32];
    for (int step = 0; step < 20000; step++) {
        int v = (int)(random() % RANGE);
        int as_string = random() % 50 == 0;
        int slot = as_string ? RANGE + v : v;
        snprintf(buf, sizeof buf, as_string ? "s%d" : "%d", v);
        if (random() % 3) {
            ck_assert_int_eq(add(o, buf), !model[slot]);
            model[slot] = 1;
        } else {
            ck_assert_int_eq(set_type_remove(o, buf, strlen(buf)), model[slot]);
            model[slot] = 0;
        }
    }
    size_t expected = 0;
    for (int slot = 0; slot < RANGE * 2; slot++) {
        snprintf(buf, sizeof buf, slot >= RANGE ? "s%d" : "%d", slot % RANGE);
        ck_assert_int_eq(has(o, buf), model[slot]);
        expected += model[slot];
    }
    ck_assert_uint_eq(iter_count(o), expected);
    obj_decr_ref(o);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("set_type");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, create_picks_the_encoding);
    tcase_add_test(tc, intset_basics);
    tcase_add_test(tc, string_member_converts);
    tcase_add_test(tc, converts_past_entry_limit);
    tcase_add_test(tc, from_intset_fits_the_limit);
    tcase_add_test(tc, binary_safe);
    tcase_add_test(tc, dup_is_deep);
    tcase_add_test(tc, random_against_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
