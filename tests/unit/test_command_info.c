/* Unit tests for server/command_info's key-spec interpreter (the rules
 * COMMAND GETKEYS follows, checked against redis-server 7.0.15's answers
 * for the commands the specs below are taken from) and for the slow log's
 * admission and trimming rules. */
#include "client.h"
#include "command_info.h"
#include "config.h"
#include "slowlog.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 16

struct argv_buf {
    int argc;
    struct resp_arg argv[MAX_ARGS];
    char store[MAX_ARGS][32];
};

/* Splits a space-separated command line into resp_args. */
static void make_argv(struct argv_buf *b, const char *line)
{
    b->argc = 0;
    while (*line && b->argc < MAX_ARGS) {
        size_t len = strcspn(line, " ");
        memcpy(b->store[b->argc], line, len);
        b->store[b->argc][len] = '\0';
        b->argv[b->argc].ptr = b->store[b->argc];
        b->argv[b->argc].len = len;
        b->argc++;
        line += len;
        line += *line == ' ';
    }
}

/* The keys found, joined by spaces, or "ERR" when the specs reject the line. */
static const char *keys_of(struct command *cmd, const char *line)
{
    static char out[256];
    struct argv_buf b;
    struct command_key keys[MAX_ARGS];
    make_argv(&b, line);
    int n = command_info_get_keys(cmd, b.argc, b.argv, keys);
    if (n < 0)
        return "ERR";
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, b.argv[keys[i].pos].ptr);
    }
    return out;
}

START_TEST(derived_from_first_last_step)
{
    struct command get = {.name = "get",
                          .arity = 2,
                          .first_key = 1,
                          .last_key = 1,
                          .key_step = 1,
                          .flag_bits = CMD_READONLY};
    struct command mset = {.name = "mset",
                           .arity = -3,
                           .first_key = 1,
                           .last_key = -1,
                           .key_step = 2,
                           .flag_bits = CMD_WRITE};
    struct command del = {.name = "del",
                          .arity = -2,
                          .first_key = 1,
                          .last_key = -1,
                          .key_step = 1,
                          .flag_bits = CMD_WRITE};
    struct command ping = {.name = "ping", .arity = -1};
    ck_assert_str_eq(keys_of(&get, "GET k"), "k");
    ck_assert_str_eq(keys_of(&mset, "MSET a 1 b 2"), "a b");
    ck_assert_str_eq(keys_of(&mset, "MSET a 1 b"), "a b");
    ck_assert_str_eq(keys_of(&del, "DEL a b c"), "a b c");
    ck_assert_str_eq(keys_of(&ping, "PING x"), "");
}
END_TEST

START_TEST(several_specs_keep_their_flags)
{
    struct command copy = {.name = "copy",
                           .arity = -3,
                           .first_key = 1,
                           .last_key = 2,
                           .key_step = 1,
                           .key_specs = "RO access|index 1|range 0 1 0;"
                                        "OW update|index 2|range 0 1 0"};
    struct argv_buf b;
    struct command_key keys[MAX_ARGS];
    make_argv(&b, "COPY s d DB 2");
    ck_assert_int_eq(command_info_get_keys(&copy, b.argc, b.argv, keys), 2);
    ck_assert_int_eq(keys[0].pos, 1);
    ck_assert_int_eq(keys[1].pos, 2);
    ck_assert_int_eq((int)keys[0].flags_len, 9);
    ck_assert(strncmp(keys[0].flags, "RO access", 9) == 0);
    ck_assert(strncmp(keys[1].flags, "OW update", 9) == 0);
}
END_TEST

START_TEST(keyword_search)
{
    /* XREAD: keys after STREAMS, half of what remains (limit 2). */
    struct command xread = {
        .name = "xread", .arity = -4, .key_specs = "RO access|keyword STREAMS 1|range -1 1 2"};
    ck_assert_str_eq(keys_of(&xread, "XREAD COUNT 2 STREAMS a b 0 0"), "a b");
    ck_assert_str_eq(keys_of(&xread, "XREAD STREAMS a 0"), "a");
    ck_assert_str_eq(keys_of(&xread, "XREAD COUNT 2"), "");
    /* MIGRATE: KEYS searched backwards from the second-to-last argument. */
    struct command migrate = {.name = "migrate",
                              .arity = -6,
                              .key_specs = "RW access delete|keyword KEYS -2|range -1 1 0"};
    ck_assert_str_eq(keys_of(&migrate, "MIGRATE h 1 \"\" 0 5 KEYS a b"), "a b");
}
END_TEST

START_TEST(keynum)
{
    struct command zunionstore = {.name = "zunionstore",
                                  .arity = -4,
                                  .key_specs = "OW update|index 1|range 0 1 0;"
                                               "RO access|index 2|keynum 0 1 1"};
    ck_assert_str_eq(keys_of(&zunionstore, "ZUNIONSTORE d 2 a b"), "d a b");
    ck_assert_str_eq(keys_of(&zunionstore, "ZUNIONSTORE d 2 a b WEIGHTS 1 2"), "d a b");
    ck_assert_str_eq(keys_of(&zunionstore, "ZUNIONSTORE d 0 a b"), "ERR");
    ck_assert_str_eq(keys_of(&zunionstore, "ZUNIONSTORE d 3 a b"), "ERR");
    ck_assert_str_eq(keys_of(&zunionstore, "ZUNIONSTORE d -1 a b"), "ERR");
    ck_assert_str_eq(keys_of(&zunionstore, "ZUNIONSTORE d x a b"), "ERR");
    ck_assert_str_eq(keys_of(&zunionstore, "ZUNIONSTORE d 99999999999999999999 a"), "ERR");
    /* EVAL-like: numkeys 0 is no keys at all, which makes the spec fail. */
    struct command eval = {
        .name = "eval", .arity = -3, .key_specs = "RW access update|index 2|keynum 0 1 1"};
    ck_assert_str_eq(keys_of(&eval, "EVAL s 1 k"), "k");
    ck_assert_str_eq(keys_of(&eval, "EVAL s"), "ERR");
}
END_TEST

START_TEST(unknown_and_malformed_specs)
{
    struct command sort = {.name = "sort",
                           .arity = -2,
                           .key_specs = "RO access|index 1|range 0 1 0;OW update|unknown|unknown"};
    ck_assert_str_eq(keys_of(&sort, "SORT a STORE b"), "a");
    static const char *const bad[] = {"RO", "RO|index|range 0 1 0", "RO|index 1|range 0 1",
                                      "RO|sideways 1|range 0 1 0", "RO|index 1|blob 1 2 3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct command cmd = {.name = "bad", .arity = -2, .key_specs = bad[i]};
        ck_assert_str_eq(keys_of(&cmd, "BAD a b"), "ERR");
    }
}
END_TEST

START_TEST(overlapping_specs_stay_in_bounds)
{
    /* Two specs over the same keys: never more results than arguments. */
    struct command twice = {.name = "twice",
                            .arity = -2,
                            .key_specs = "RW update|index 1|range -1 1 0;"
                                         "RO access|index 1|range -1 1 0"};
    struct argv_buf b;
    struct command_key keys[MAX_ARGS + 1];
    make_argv(&b, "TWICE a b");
    keys[b.argc].pos = -7;
    ck_assert_int_eq(command_info_get_keys(&twice, b.argc, b.argv, keys), b.argc);
    ck_assert_int_eq(keys[b.argc].pos, -7);
}
END_TEST

START_TEST(acl_categories)
{
    ck_assert(command_info_acl_category("@read", 5) != 0);
    ck_assert(command_info_acl_category("READ", 4) == command_info_acl_category("@read", 5));
    ck_assert(command_info_acl_category("keyspace", 8) == 1);
    ck_assert(command_info_acl_category("nosuch", 6) == 0);
    ck_assert(command_info_acl_category("@", 1) == 0);
}
END_TEST

/* ---- slowlog ---- */

static void observe(struct command *cmd, const char *line, long long duration)
{
    struct argv_buf b;
    struct client c;
    memset(&c, 0, sizeof c);
    make_argv(&b, line);
    c.argc = b.argc;
    c.argv = b.argv;
    c.cmd = cmd;
    strcpy(c.addr, "127.0.0.1:5555");
    slowlog_observe(&c, duration);
}

START_TEST(slowlog_threshold_and_trim)
{
    struct command set = {.name = "set", .arity = -3};
    struct command exec = {.name = "exec", .arity = 1, .flag_bits = CMD_SKIP_SLOWLOG};
    config_init_defaults();
    slowlog_reset();
    cfg.slowlog_log_slower_than = 100;
    observe(&set, "SET a b", 99);
    ck_assert_uint_eq(slowlog_len(), 0);
    observe(&set, "SET a b", 100);
    ck_assert_uint_eq(slowlog_len(), 1);
    observe(&exec, "EXEC", 1000);
    ck_assert_uint_eq(slowlog_len(), 1);
    cfg.slowlog_log_slower_than = -1;
    observe(&set, "SET a b", 1000000);
    ck_assert_uint_eq(slowlog_len(), 1);
    cfg.slowlog_log_slower_than = 0;
    cfg.slowlog_max_len = 3;
    for (int i = 0; i < 10; i++)
        observe(&set, "SET a b", 0);
    ck_assert_uint_eq(slowlog_len(), 3);
    cfg.slowlog_max_len = 0;
    observe(&set, "SET a b", 0);
    ck_assert_uint_eq(slowlog_len(), 0);
    slowlog_reset();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("command_info");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, derived_from_first_last_step);
    tcase_add_test(tc, several_specs_keep_their_flags);
    tcase_add_test(tc, keyword_search);
    tcase_add_test(tc, keynum);
    tcase_add_test(tc, unknown_and_malformed_specs);
    tcase_add_test(tc, overlapping_specs_stay_in_bounds);
    tcase_add_test(tc, acl_categories);
    tcase_add_test(tc, slowlog_threshold_and_trim);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
