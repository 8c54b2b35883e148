/* Unit tests for server/aof_manifest: Redis 7.0's manifest lines parsed
 * and formatted byte for byte, the rewrite transitions, malformed input,
 * and the atomic write/read of the manifest file. */
#include "aof_manifest.h"
#include "mem.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What redis-server 7.0.15 writes after a few rewrites with history kept. */
static const char redis_text[] = "file appendonly.aof.3.base.rdb seq 3 type b\n"
                                 "file appendonly.aof.2.incr.aof seq 2 type h\n"
                                 "file appendonly.aof.3.incr.aof seq 3 type i\n"
                                 "file appendonly.aof.4.incr.aof seq 4 type i\n";

START_TEST(parses_and_formats_redis_text)
{
    vstr err = NULL;
    struct aof_manifest *m = aof_manifest_parse(redis_text, strlen(redis_text), &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->base->name, "appendonly.aof.3.base.rdb");
    ck_assert_int_eq(m->base_seq, 3);
    ck_assert_int_eq(m->incr_count, 2);
    ck_assert_int_eq(m->incr_seq, 4);
    ck_assert_int_eq(m->history_count, 1);
    ck_assert_str_eq(aof_manifest_last_incr(m), "appendonly.aof.4.incr.aof");
    vstr out = aof_manifest_format(m);
    ck_assert_str_eq(out, redis_text);
    vstr_free(out);
    aof_manifest_free(m);
}
END_TEST

START_TEST(accepts_comments_crlf_and_any_key_order)
{
    const char *text = "# comment\r\n\r\nseq 1 type b file x.1.base.aof\r\n"
                       "file x.1.incr.aof type i seq 1 extra ignored\n";
    vstr err = NULL;
    struct aof_manifest *m = aof_manifest_parse(text, strlen(text), &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->base->name, "x.1.base.aof");
    ck_assert_int_eq(m->incr_count, 1);
    aof_manifest_free(m);
}
END_TEST

static void expect_rejected(const char *text)
{
    vstr err = NULL;
    struct aof_manifest *m = aof_manifest_parse(text, strlen(text), &err);
    ck_assert_msg(m == NULL, "accepted: %s", text);
    ck_assert_ptr_nonnull(err);
    vstr_free(err);
}

START_TEST(rejects_malformed)
{
    expect_rejected("file a seq 1\n");                             /* too few */
    expect_rejected("file a seq 1 type\n");                        /* odd */
    expect_rejected("file a seq x type i\n");                      /* bad seq */
    expect_rejected("file a seq 0 type i\n");                      /* seq < 1 */
    expect_rejected("file a seq 1 type z\n");                      /* type */
    expect_rejected("file a seq 1 type bb\n");                     /* type */
    expect_rejected("file ../a seq 1 type i\n");                   /* a path */
    expect_rejected("file \"a seq 1 type i\n");                    /* quotes */
    expect_rejected("file a seq 1 type b\nfile b seq 2 type b\n"); /* two bases */
    expect_rejected("file a seq 2 type i\nfile b seq 2 type i\n"); /* not increasing */
    expect_rejected("seq 1 type i foo bar\n");                     /* no name */
    char longline[2000];
    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = 0;
    expect_rejected(longline);
}
END_TEST

START_TEST(quotes_odd_names)
{
    struct aof_manifest *m = aof_manifest_new();
    aof_manifest_new_incr(m, "my file");
    vstr out = aof_manifest_format(m);
    ck_assert_str_eq(out, "file \"my file.1.incr.aof\" seq 1 type i\n");
    vstr err = NULL;
    struct aof_manifest *back = aof_manifest_parse(out, vstr_len(out), &err);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back->incr[0].name, "my file.1.incr.aof");
    aof_manifest_free(back);
    vstr_free(out);
    aof_manifest_free(m);
}
END_TEST

/* The sequence of a BGREWRITEAOF: a new incr file at the start, then the
 * new base, and the covered incr files to history. */
START_TEST(rewrite_transitions)
{
    struct aof_manifest *m = aof_manifest_new();
    aof_manifest_new_base(m, "appendonly.aof", 1);
    aof_manifest_new_incr(m, "appendonly.aof");
    aof_manifest_new_incr(m, "appendonly.aof");
    ck_assert_str_eq(aof_manifest_new_base(m, "appendonly.aof", 0), "appendonly.aof.2.base.aof");
    aof_manifest_incr_to_history(m, 1);
    vstr out = aof_manifest_format(m);
    ck_assert_str_eq(out, "file appendonly.aof.2.base.aof seq 2 type b\n"
                          "file appendonly.aof.1.base.rdb seq 1 type h\n"
                          "file appendonly.aof.1.incr.aof seq 1 type h\n"
                          "file appendonly.aof.2.incr.aof seq 2 type i\n");
    vstr_free(out);
    aof_manifest_clear_history(m);
    struct aof_manifest *copy = aof_manifest_dup(m);
    aof_manifest_incr_to_history(copy, 0);
    ck_assert_int_eq(copy->incr_count, 0);
    ck_assert_ptr_null(aof_manifest_last_incr(copy));
    ck_assert_int_eq(copy->history_count, 1);
    ck_assert_str_eq(aof_manifest_new_incr(copy, "appendonly.aof"), "appendonly.aof.3.incr.aof");
    out = aof_manifest_format(m);
    ck_assert_str_eq(out, "file appendonly.aof.2.base.aof seq 2 type b\n"
                          "file appendonly.aof.2.incr.aof seq 2 type i\n");
    vstr_free(out);
    aof_manifest_free(copy);
    aof_manifest_free(m);
    struct aof_manifest *empty = aof_manifest_new();
    aof_manifest_incr_to_history(empty, 0);
    aof_manifest_incr_to_history(empty, 1);
    ck_assert_int_eq(empty->history_count, 0);
    aof_manifest_free(empty);
}
END_TEST

START_TEST(persist_and_load)
{
    char dir[] = "/tmp/vigil-manifest-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct aof_manifest *m = NULL;
    vstr err = NULL;
    ck_assert_int_eq(aof_manifest_load(dir, "appendonly.aof", &m, &err), 0);
    m = aof_manifest_new();
    aof_manifest_new_base(m, "appendonly.aof", 1);
    aof_manifest_new_incr(m, "appendonly.aof");
    ck_assert_int_eq(aof_manifest_persist(dir, "appendonly.aof", m), 0);
    struct aof_manifest *back = NULL;
    ck_assert_int_eq(aof_manifest_load(dir, "appendonly.aof", &back, &err), 1);
    vstr a = aof_manifest_format(m), b = aof_manifest_format(back);
    ck_assert_str_eq(a, b);
    vstr_free(a);
    vstr_free(b);
    aof_manifest_free(back);
    aof_manifest_free(m);
    char path[128];
    snprintf(path, sizeof path, "%s/temp-appendonly.aof.manifest", dir);
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/appendonly.aof.manifest", dir);
    FILE *fp = fopen(path, "w");
    fputs("garbage\n", fp);
    fclose(fp);
    ck_assert_int_eq(aof_manifest_load(dir, "appendonly.aof", &back, &err), -1);
    vstr_free(err);
    unlink(path);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aof_manifest");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parses_and_formats_redis_text);
    tcase_add_test(tc, accepts_comments_crlf_and_any_key_order);
    tcase_add_test(tc, rejects_malformed);
    tcase_add_test(tc, quotes_odd_names);
    tcase_add_test(tc, rewrite_transitions);
    tcase_add_test(tc, persist_and_load);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
