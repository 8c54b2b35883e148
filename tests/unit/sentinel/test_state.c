/* Unit tests for sentinel/state: directives in, state lines out, and the
 * atomic rewrite keeping the operator's lines. */
#include "config_file.h"
#include "instance.h"
#include "state.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ID "3d85065b92618cbe08eac96c8eb43e89a1820e88"
#define PEER "4a2f5d6b82aba20f137aa9a5eb32725c441f349c"

static const char *conf = "port 26390\n"
                          "sentinel myid " ID "\n"
                          "sentinel monitor mymaster 127.0.0.1 6379 2\n"
                          "sentinel down-after-milliseconds mymaster 1000\n"
                          "sentinel auth-pass mymaster \"se cret\"\n"
                          "sentinel config-epoch mymaster 3\n"
                          "sentinel leader-epoch mymaster 4\n"
                          "sentinel known-replica mymaster 127.0.0.1 6380\n"
                          "sentinel known-sentinel mymaster 127.0.0.1 26380 " PEER "\n"
                          "sentinel current-epoch 4\n";

static vstr load(const char *text)
{
    instance_state_init();
    sentinel.deny_scripts_reconfig = 1;
    struct cfgfile_error err = {0};
    if (cfgfile_load_string("t", text, strlen(text), state_directive, NULL, &err) < 0) {
        vstr msg = vstr_dup(err.msg);
        cfgfile_error_clear(&err);
        return msg;
    }
    return NULL;
}

START_TEST(round_trip)
{
    ck_assert_ptr_null(load(conf));
    ck_assert_int_eq(sentinel.port, 26390);
    ck_assert_int_eq(sentinel.current_epoch, 4);
    struct instance *m = instance_master_by_name("mymaster");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->auth_pass, "se cret");
    vstr out = state_render(vstr_empty());
    const char *expect = "sentinel myid " ID "\n"
                         "sentinel monitor mymaster 127.0.0.1 6379 2\n"
                         "sentinel down-after-milliseconds mymaster 1000\n"
                         "sentinel auth-pass mymaster \"se cret\"\n"
                         "sentinel config-epoch mymaster 3\n"
                         "sentinel leader-epoch mymaster 4\n"
                         "sentinel known-replica mymaster 127.0.0.1 6380\n"
                         "sentinel known-sentinel mymaster 127.0.0.1 26380 " PEER "\n"
                         "sentinel current-epoch 4\n";
    ck_assert_str_eq(out, expect);
    vstr_free(out);
}
END_TEST

START_TEST(rename_command_applied_and_saved)
{
    ck_assert_ptr_null(load("sentinel monitor m 127.0.0.1 6379 2\n"
                            "sentinel known-replica m 127.0.0.1 6380\n"
                            "sentinel rename-command m CONFIG \"my config\"\n"
                            "sentinel rename-command m PING PONG2\n"
                            "sentinel rename-command m ping ping\n"
                            "sentinel down-after-milliseconds m 1500\n"));
    struct instance *m = instance_master_by_name("m");
    struct instance *r = instance_slave_by_addr(m, "127.0.0.1", 6380);
    ck_assert_ptr_nonnull(r);
    /* Replicas use their primary's renamings and down-after. */
    ck_assert_str_eq(instance_command_name(r, "CONFIG"), "my config");
    ck_assert_str_eq(instance_command_name(r, "config"), "my config");
    ck_assert_str_eq(instance_command_name(r, "PING"), "PING");
    ck_assert_int_eq(r->down_after_period, 1500);
    vstr out = state_render(vstr_empty());
    ck_assert_ptr_nonnull(strstr(out, "sentinel rename-command m CONFIG \"my config\"\n"));
    ck_assert_ptr_null(strstr(out, "PONG2"));
    vstr_free(out);
    vstr err = load("sentinel monitor m 127.0.0.1 6379 2\nsentinel rename-command m GET \"\"\n");
    ck_assert_ptr_nonnull(err);
    vstr_free(err);
}
END_TEST

START_TEST(rejects_bad_directives)
{
    static const char *bad[] = {
        "sentinel monitor m 127.0.0.1 6379 0\n",
        "sentinel monitor m 127.0.0.1 99999 2\n",
        "sentinel down-after-milliseconds nosuch 1000\n",
        "sentinel monitor m 127.0.0.1 6379 2\nsentinel down-after-milliseconds m -5\n",
        "sentinel myid tooshort\n",
        "sentinel frobnicate\n",
        "nosuchdirective 1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vstr err = load(bad[i]);
        ck_assert_msg(err != NULL, "accepted: %s", bad[i]);
        vstr_free(err);
    }
}
END_TEST

START_TEST(rewrite_keeps_operator_lines)
{
    char path[] = "/tmp/vigil-sentinel-state-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *orig = "# my comment\nport 26390\nsentinel monitor old 127.0.0.1 1 1\n";
    ck_assert_int_eq(write(fd, orig, strlen(orig)), (ssize_t)strlen(orig));
    close(fd);
    ck_assert_ptr_null(load(conf));
    sentinel.config_file = vstr_from(path);
    ck_assert_int_eq(state_flush(), 0);
    ck_assert_int_eq(state_flush(), 0); /* idempotent */
    FILE *fp = fopen(path, "r");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    unlink(path);
    ck_assert_ptr_nonnull(strstr(buf, "# my comment\nport 26390\n"));
    ck_assert_ptr_null(strstr(buf, "monitor old"));
    ck_assert_ptr_nonnull(strstr(buf, "sentinel current-epoch 4\n"));
    /* Exactly one generated block. */
    char *first = strstr(buf, "# Generated by CONFIG REWRITE");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, "# Generated by CONFIG REWRITE"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sentinel_state");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, rename_command_applied_and_saved);
    tcase_add_test(tc, rejects_bad_directives);
    tcase_add_test(tc, rewrite_keeps_operator_lines);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
