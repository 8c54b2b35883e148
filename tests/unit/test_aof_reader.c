/* Unit tests for the AOF reader (server/aof_load): commands as Redis
 * writes them, annotations, every way a file can be cut short, garbage,
 * and the offsets that truncation relies on. */
#include "aof_load.h"
#include "mem.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char two_cmds[] = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                               "#TS:1700000000\r\n"
                               "*3\r\n$3\r\nset\r\n$1\r\na\r\n$3\r\nb\0c\r\n";

static FILE *file_of(const char *data, size_t len)
{
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    if (len)
        ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
    rewind(fp);
    return fp;
}

START_TEST(reads_commands_and_skips_annotations)
{
    FILE *fp = file_of(two_cmds, sizeof two_cmds - 1);
    struct aof_reader r;
    aof_reader_init(&r, fp, 0, 1 << 20);
    int argc;
    vstr *argv;
    ck_assert_int_eq(aof_reader_next(&r, &argc, &argv), AOF_READ_CMD);
    ck_assert_int_eq(argc, 2);
    ck_assert_str_eq(argv[0], "SELECT");
    ck_assert_int_eq(r.offset, 23);
    aof_argv_free(argc, argv);
    ck_assert_int_eq(aof_reader_next(&r, &argc, &argv), AOF_READ_CMD);
    ck_assert_int_eq(argc, 3);
    ck_assert_uint_eq(vstr_len(argv[2]), 3);
    ck_assert_int_eq(memcmp(argv[2], "b\0c", 3), 0);
    aof_argv_free(argc, argv);
    ck_assert_int_eq(aof_reader_next(&r, &argc, &argv), AOF_READ_EOF);
    ck_assert_int_eq(r.offset, (long long)sizeof two_cmds - 1);
    fclose(fp);
}
END_TEST

/* Every proper prefix that cuts the second command is "truncated", and
 * the offset before it is where the file would be cut. */
START_TEST(every_cut_is_truncated)
{
    size_t full = sizeof two_cmds - 1;
    size_t second = 23 + strlen("#TS:1700000000\r\n");
    for (size_t len = second + 1; len < full; len++) {
        FILE *fp = file_of(two_cmds, len);
        struct aof_reader r;
        aof_reader_init(&r, fp, 0, 1 << 20);
        int argc;
        vstr *argv;
        ck_assert_int_eq(aof_reader_next(&r, &argc, &argv), AOF_READ_CMD);
        aof_argv_free(argc, argv);
        long long before = r.offset;
        ck_assert_int_eq(before, 23);
        ck_assert_msg(aof_reader_next(&r, &argc, &argv) == AOF_READ_TRUNCATED, "len %zu", len);
        fclose(fp);
    }
}
END_TEST

static enum aof_read_result read_one(const char *data, long long max_bulk)
{
    FILE *fp = file_of(data, strlen(data));
    struct aof_reader r;
    aof_reader_init(&r, fp, 0, max_bulk);
    int argc;
    vstr *argv;
    enum aof_read_result res = aof_reader_next(&r, &argc, &argv);
    if (res == AOF_READ_CMD)
        aof_argv_free(argc, argv);
    fclose(fp);
    return res;
}

START_TEST(rejects_garbage)
{
    ck_assert_int_eq(read_one("SET a b\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*0\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*-1\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*x\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*1\n$1\r\na\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*1\r\n:1\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*1\r\n$1\r\nab\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*1\r\n$101\r\n", 100), AOF_READ_BAD_FORMAT);
    ck_assert_int_eq(read_one("*99999999999999999999\r\n", 100), AOF_READ_BAD_FORMAT);
    char longline[200];
    memset(longline, '1', sizeof longline);
    longline[0] = '*';
    longline[sizeof longline - 1] = 0;
    ck_assert_int_eq(read_one(longline, 100), AOF_READ_BAD_FORMAT);
}
END_TEST

/* A huge declared count or length on a tiny file ends as "truncated"
 * without allocating what it claims. */
START_TEST(huge_counts_do_not_allocate)
{
    size_t before = mem_used();
    ck_assert_int_eq(read_one("*2000000000\r\n$1\r\na\r\n", 1LL << 40), AOF_READ_TRUNCATED);
    ck_assert_int_eq(read_one("*1\r\n$1000000000000\r\nabc", 1LL << 40), AOF_READ_TRUNCATED);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(annotation_at_end_and_empty_file)
{
    ck_assert_int_eq(read_one("", 10), AOF_READ_EOF);
    ck_assert_int_eq(read_one("#TS:1\r\n", 10), AOF_READ_EOF);
    ck_assert_int_eq(read_one("#TS:1", 10), AOF_READ_TRUNCATED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aof_reader");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reads_commands_and_skips_annotations);
    tcase_add_test(tc, every_cut_is_truncated);
    tcase_add_test(tc, rejects_garbage);
    tcase_add_test(tc, huge_counts_do_not_allocate);
    tcase_add_test(tc, annotation_at_end_and_empty_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
