/* Unit tests for the pure parts of the client commands: which connection
 * names CLIENT SETNAME / HELLO SETNAME accept, and the shutdown save step's
 * verdict with and without FORCE. */
#include "client_cmd.h"
#include "server.h"
#include "shutdown.h"

#include <check.h>
#include <stdlib.h>

START_TEST(names_accepted)
{
    ck_assert(client_cmd_name_valid("worker-1", 8));
    ck_assert(client_cmd_name_valid("a~b!{}", 6));
    ck_assert(client_cmd_name_valid("", 0));
}
END_TEST

START_TEST(names_refused)
{
    ck_assert(!client_cmd_name_valid("has space", 9));
    ck_assert(!client_cmd_name_valid("new\nline", 8));
    ck_assert(!client_cmd_name_valid("tab\t", 4));
    ck_assert(!client_cmd_name_valid("nul\0byte", 8));
    ck_assert(!client_cmd_name_valid("del\x7f", 4));
    ck_assert(!client_cmd_name_valid("caf\xc3\xa9", 5));
}
END_TEST

static int save_calls, last_save_flags;

static int failing_save(int flags)
{
    save_calls++;
    last_save_flags = flags;
    return -1;
}

static int working_save(int flags)
{
    save_calls++;
    last_save_flags = flags;
    return 0;
}

START_TEST(save_step)
{
    shutdown_set_save_hook(NULL);
    ck_assert_int_eq(shutdown_save(SHUTDOWN_SAVE), 0);

    save_calls = 0;
    shutdown_set_save_hook(working_save);
    ck_assert_int_eq(shutdown_save(SHUTDOWN_NOSAVE | SHUTDOWN_NOW), 0);
    ck_assert_int_eq(save_calls, 1);
    ck_assert_int_eq(last_save_flags, SHUTDOWN_NOSAVE | SHUTDOWN_NOW);

    shutdown_set_save_hook(failing_save);
    ck_assert_int_eq(shutdown_save(SHUTDOWN_SAVE), -1);
    ck_assert_int_eq(shutdown_save(SHUTDOWN_SAVE | SHUTDOWN_FORCE), 0);
    ck_assert_int_eq(save_calls, 3);
    shutdown_set_save_hook(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_cmd");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, names_accepted);
    tcase_add_test(tc, names_refused);
    tcase_add_test(tc, save_step);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
