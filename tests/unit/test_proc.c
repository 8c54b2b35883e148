/* Unit tests for common/proc: the pid file holds our pid (and nothing is
 * written without a path), the CPU lines are INFO-shaped, and the event
 * backend gets one of Redis's names.  Daemonizing is covered by
 * tests/integration/test_daemonize.py (here it would fork the runner). */
#include "proc.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(pidfile_holds_our_pid)
{
    char path[] = "/tmp/vigil-test-pidXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    proc_write_pidfile(path);
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    int pid = 0;
    ck_assert_int_eq(fscanf(fp, "%d", &pid), 1);
    fclose(fp);
    unlink(path);
    ck_assert_int_eq(pid, (int)getpid());
    /* No path: nothing to do, and a bad one is only logged. */
    proc_write_pidfile(NULL);
    proc_write_pidfile("");
    proc_write_pidfile("/nonexistent-dir/x.pid");
}
END_TEST

START_TEST(cpu_lines)
{
    vstr s = proc_cpu_info(vstr_from("# CPU\r\n"));
    const char *fields[] = {"used_cpu_sys:",
                            "used_cpu_user:",
                            "used_cpu_sys_children:",
                            "used_cpu_user_children:",
                            "used_cpu_sys_main_thread:",
                            "used_cpu_user_main_thread:"};
    ck_assert(strncmp(s, "# CPU\r\n", 7) == 0);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ck_assert_msg(strstr(s, fields[i]), "%s missing", fields[i]);
    ck_assert(s[vstr_len(s) - 2] == '\r' && s[vstr_len(s) - 1] == '\n');
    vstr_free(s);
}
END_TEST

START_TEST(multiplexing_api_name)
{
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    const char *name = proc_multiplexing_api(loop);
    ck_assert(!strcmp(name, "epoll") || !strcmp(name, "kqueue") || !strcmp(name, "poll") ||
              !strcmp(name, "select"));
    ev_loop_destroy(loop);
    loop = ev_loop_new(EVBACKEND_POLL);
    ck_assert_str_eq(proc_multiplexing_api(loop), "poll");
    ev_loop_destroy(loop);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("proc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, pidfile_holds_our_pid);
    tcase_add_test(tc, cpu_lines);
    tcase_add_test(tc, multiplexing_api_name);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
