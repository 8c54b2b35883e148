/* Unit tests for server/notify's notify-keyspace-events flag string: the
 * parse and render pairs below are what redis-server 7.0.15 answers to
 * CONFIG SET notify-keyspace-events <in> then CONFIG GET. */
#include "notify.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *in;
    const char *out;
} round_trips[] = {
    {"", ""},
    {"KEA", "AKE"},
    {"AKE", "AKE"},
    {"g", "g"},
    {"K", "K"},
    {"E", "E"},
    {"Kg", "gK"},
    {"A", "A"},
    {"gA", "A"},
    {"KEA$lshzxetdmn", "AKEm"},
    {"m", "m"},
    {"n", "n"},
    {"Km", "Km"},
    {"KEAmn", "AKEm"},
    {"x", "x"},
    {"xe", "xe"},
    {"g$lshzxetd", "A"},
    {"g$lshzxet", "g$lshzxet"},
    {"nd", "dn"},
    {"EKmzg", "gzKEm"},
};

START_TEST(test_round_trips)
{
    for (size_t i = 0; i < sizeof round_trips / sizeof round_trips[0]; i++) {
        int flags = notify_flags_parse(round_trips[i].in);
        ck_assert_msg(flags >= 0, "parse %s", round_trips[i].in);
        vstr s = notify_flags_render(flags);
        ck_assert_msg(vstr_len(s) == strlen(round_trips[i].out) &&
                          memcmp(s, round_trips[i].out, vstr_len(s)) == 0,
                      "%s rendered as %s, want %s", round_trips[i].in, s, round_trips[i].out);
        vstr_free(s);
    }
}
END_TEST

START_TEST(test_bits)
{
    ck_assert_int_eq(notify_flags_parse("KEA"), NOTIFY_KEYSPACE | NOTIFY_KEYEVENT | NOTIFY_ALL);
    ck_assert_int_eq(notify_flags_parse("Ex"), NOTIFY_KEYEVENT | NOTIFY_EXPIRED);
    ck_assert_int_eq(notify_flags_parse("A") & (NOTIFY_NEW | NOTIFY_KEY_MISS), 0);
    ck_assert_int_eq(notify_flags_parse("A") & NOTIFY_MODULE, NOTIFY_MODULE);
}
END_TEST

START_TEST(test_rejects_unknown_letters)
{
    ck_assert_int_eq(notify_flags_parse("X"), -1);
    ck_assert_int_eq(notify_flags_parse("KEa"), -1);
    ck_assert_int_eq(notify_flags_parse("K E"), -1);
    ck_assert_int_eq(notify_flags_parse("KEA!"), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("notify");
    TCase *tc = tcase_create("flags");
    tcase_add_test(tc, test_round_trips);
    tcase_add_test(tc, test_bits);
    tcase_add_test(tc, test_rejects_unknown_letters);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
