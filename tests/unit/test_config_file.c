/* Unit tests for common/config_file: tokenizer, file reading with
 * includes, error reports and command-line conversion. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argsplit.h"
#include "config_file.h"
#include "mem.h"

/* ---------- helpers ---------- */

static vstr *split(const char *line, int *argc)
{
    return argsplit(line, strlen(line), argc);
}

/* Collects directives as "name|arg|arg@line" strings, one per call. */
struct collected {
    vstr text;
    int calls;
    const char *reject; /* directive name to refuse, or NULL */
};

static int collect(void *ctx, const char *file, int line, int argc, vstr *argv, vstr *msg)
{
    struct collected *c = ctx;
    (void)file;
    if (c->reject && strcmp(argv[0], c->reject) == 0) {
        *msg = vstr_from("rejected by test");
        return -1;
    }
    for (int i = 0; i < argc; i++)
        c->text = vstr_catfmt(c->text, "%s%s", i ? "|" : "", argv[i]);
    c->text = vstr_catfmt(c->text, "@%d;", line);
    c->calls++;
    return 0;
}

static char tmpdir[] = "/tmp/vigil-cfgfile-XXXXXX";

static vstr write_tmp(const char *name, const char *content)
{
    vstr path = vstr_catfmt(vstr_empty(), "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(content, fp);
    fclose(fp);
    return path;
}

static void setup(void)
{
    strcpy(tmpdir, "/tmp/vigil-cfgfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    vstr cmd = vstr_catfmt(vstr_empty(), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    vstr_free(cmd);
}

/* ---------- tokenizer ---------- */

START_TEST(split_plain_words)
{
    int argc;
    vstr *argv = split("  port   6379\t", &argc);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argc, 2);
    ck_assert_str_eq(argv[0], "port");
    ck_assert_str_eq(argv[1], "6379");
    argsplit_free(argv, argc);
}
END_TEST

START_TEST(split_double_quote_escapes)
{
    int argc;
    vstr *argv = split("\"a\\nb\\rc\\td\\be\\af\\\\g\\\"h\\x41\\x7a\"", &argc);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argc, 1);
    ck_assert_int_eq(vstr_len(argv[0]), 17);
    ck_assert_mem_eq(argv[0], "a\nb\rc\td\be\af\\g\"hAz", 17);
    argsplit_free(argv, argc);
}
END_TEST

START_TEST(split_hex_zero_byte_and_bad_hex)
{
    int argc;
    vstr *argv = split("\"x\\x00y\" \"\\xZZ\"", &argc);
    ck_assert_int_eq(argc, 2);
    ck_assert_int_eq(vstr_len(argv[0]), 3);
    ck_assert_mem_eq(argv[0], "x\0y", 3);
    /* Not two hex digits: the backslash just escapes the 'x'. */
    ck_assert_str_eq(argv[1], "xZZ");
    argsplit_free(argv, argc);
}
END_TEST

START_TEST(split_single_quotes)
{
    int argc;
    vstr *argv = split("'it\\'s' 'a\\nb' ''", &argc);
    ck_assert_int_eq(argc, 3);
    ck_assert_str_eq(argv[0], "it's");
    ck_assert_str_eq(argv[1], "a\\nb");
    ck_assert_int_eq(vstr_len(argv[2]), 0);
    argsplit_free(argv, argc);
}
END_TEST

START_TEST(split_quote_inside_word)
{
    int argc;
    vstr *argv = split("ab\"c d\" e", &argc);
    ck_assert_int_eq(argc, 2);
    ck_assert_str_eq(argv[0], "abc d");
    ck_assert_str_eq(argv[1], "e");
    argsplit_free(argv, argc);
}
END_TEST

START_TEST(split_unbalanced)
{
    const char *bad[] = {"port \"1", "port '1", "port \"1\"x", "port '1'x", "\"abc\\\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int argc = 99;
        ck_assert_ptr_null(split(bad[i], &argc));
        ck_assert_int_eq(argc, 0);
    }
}
END_TEST

START_TEST(split_blank_line)
{
    int argc = 99;
    vstr *argv = split("   \t ", &argc);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argc, 0);
    argsplit_free(argv, argc);
}
END_TEST

/* ---------- reading ---------- */

START_TEST(load_string_lines_and_comments)
{
    const char *text = "# comment\n\n  Port 1\r\n   # indented comment\nsave \"\"\nbind a b\n";
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_string("x.conf", text, strlen(text), collect, &c, &err), 0);
    ck_assert_str_eq(c.text, "port|1@3;save|@5;bind|a|b@6;");
    vstr_free(c.text);
}
END_TEST

START_TEST(load_string_unbalanced_reports_line)
{
    const char *text = "port 1\nfoo \"bar\n";
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_string("/etc/x.conf", text, strlen(text), collect, &c, &err), -1);
    ck_assert_int_eq(err.line, 2);
    ck_assert_str_eq(err.file, "/etc/x.conf");
    ck_assert_str_eq(err.raw, "foo \"bar");
    ck_assert_str_eq(err.msg, "Unbalanced quotes in configuration line");
    vstr report = cfgfile_error_format(&err, "Vigil 1.2.3");
    ck_assert_str_eq(report, "\n*** FATAL CONFIG FILE ERROR (Vigil 1.2.3) ***\n"
                             "Reading the configuration file /etc/x.conf, at line 2\n"
                             ">>> 'foo \"bar'\n"
                             "Unbalanced quotes in configuration line");
    vstr_free(report);
    cfgfile_error_clear(&err);
    vstr_free(c.text);
}
END_TEST

START_TEST(load_string_callback_rejects)
{
    const char *text = "a 1\nb 2\nc 3\n";
    struct collected c = {vstr_empty(), 0, "b"};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_string(NULL, text, strlen(text), collect, &c, &err), -1);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_int_eq(err.line, 2);
    ck_assert_ptr_null(err.file);
    ck_assert_str_eq(err.msg, "rejected by test");
    vstr report = cfgfile_error_format(&err, "Vigil 1.2.3");
    ck_assert_ptr_nonnull(strstr(report, "Reading the configuration file, at line 2\n>>> 'b 2'\n"));
    vstr_free(report);
    cfgfile_error_clear(&err);
    vstr_free(c.text);
}
END_TEST

START_TEST(load_file_with_include)
{
    vstr inner = write_tmp("inner.conf", "b 2\n");
    vstr outer_text = vstr_catfmt(vstr_empty(), "a 1\ninclude %s\nc 3\n", inner);
    vstr outer = write_tmp("outer.conf", outer_text);
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_file(outer, collect, &c, &err), 0);
    ck_assert_str_eq(c.text, "a|1@1;b|2@1;c|3@3;");
    vstr_free(c.text);
    vstr_free(inner);
    vstr_free(outer);
    vstr_free(outer_text);
}
END_TEST

START_TEST(load_file_include_pattern)
{
    vstr a = write_tmp("part-a.conf", "a 1\n");
    vstr b = write_tmp("part-b.conf", "b 2\n");
    vstr text = vstr_catfmt(vstr_empty(), "include %s/part-*.conf\ninclude %s/none-*.conf\n",
                            tmpdir, tmpdir);
    vstr main_file = write_tmp("main.conf", text);
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_file(main_file, collect, &c, &err), 0);
    ck_assert_str_eq(c.text, "a|1@1;b|2@1;");
    vstr_free(c.text);
    vstr_free(a);
    vstr_free(b);
    vstr_free(text);
    vstr_free(main_file);
}
END_TEST

START_TEST(load_file_include_loop)
{
    vstr a_path = vstr_catfmt(vstr_empty(), "%s/a.conf", tmpdir);
    vstr b_text = vstr_catfmt(vstr_empty(), "b 1\ninclude %s\n", a_path);
    vstr b = write_tmp("b.conf", b_text);
    vstr a_text = vstr_catfmt(vstr_empty(), "a 1\ninclude %s\n", b);
    vstr a = write_tmp("a.conf", a_text);
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_file(a, collect, &c, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "include loop"));
    ck_assert_str_eq(c.text, "a|1@1;b|1@1;");
    cfgfile_error_clear(&err);
    vstr_free(c.text);
    vstr_free(a_path);
    vstr_free(a_text);
    vstr_free(b_text);
    vstr_free(a);
    vstr_free(b);
}
END_TEST

START_TEST(load_file_missing)
{
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_file("/nonexistent/vigil.conf", collect, &c, &err), -1);
    ck_assert_int_eq(err.line, 0);
    vstr report = cfgfile_error_format(&err, "Vigil 1.2.3");
    ck_assert_str_eq(report, "Fatal error, can't open config file '/nonexistent/vigil.conf': "
                             "No such file or directory");
    vstr_free(report);
    cfgfile_error_clear(&err);
    vstr_free(c.text);
}
END_TEST

START_TEST(include_wrong_arity_is_bad_directive)
{
    const char *text = "include\n";
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_string("x", text, strlen(text), collect, &c, &err), -1);
    ck_assert_str_eq(err.msg, "Bad directive or wrong number of arguments");
    cfgfile_error_clear(&err);
    vstr_free(c.text);
}
END_TEST

/* ---------- command line ---------- */

static vstr cmdline_directives(int argc, char **argv, int *read_stdin)
{
    vstr text = cfgfile_cmdline_to_text(argc, argv, read_stdin);
    struct collected c = {vstr_empty(), 0, NULL};
    struct cfgfile_error err = {0};
    ck_assert_int_eq(cfgfile_load_string(NULL, text, vstr_len(text), collect, &c, &err), 0);
    vstr_free(text);
    return c.text;
}

START_TEST(cmdline_file_detection)
{
    int first;
    char *with_file[] = {"/etc/vigil.conf", "--port", "1"};
    ck_assert_str_eq(cfgfile_cmdline_file(3, with_file, &first), "/etc/vigil.conf");
    ck_assert_int_eq(first, 1);
    char *no_file[] = {"--port", "1"};
    ck_assert_ptr_null(cfgfile_cmdline_file(2, no_file, &first));
    ck_assert_int_eq(first, 0);
    char *from_stdin[] = {"-", "--port", "1"};
    ck_assert_str_eq(cfgfile_cmdline_file(3, from_stdin, &first), "-");
    ck_assert_int_eq(first, 1);
    ck_assert_ptr_null(cfgfile_cmdline_file(0, NULL, &first));
}
END_TEST

START_TEST(cmdline_multi_value_and_quoting)
{
    int rs;
    char *argv[] = {"--replicaof", "127.0.0.1", "6379", "--requirepass", "a b\"c", "--port 7000"};
    vstr d = cmdline_directives(6, argv, &rs);
    ck_assert_str_eq(d, "replicaof|127.0.0.1|6379@1;requirepass|a b\"c@2;port|7000@3;");
    ck_assert_int_eq(rs, 0);
    vstr_free(d);
}
END_TEST

START_TEST(cmdline_save_forms)
{
    int rs;
    char *empty_value[] = {"--save", "", "--port", "1"};
    vstr d = cmdline_directives(4, empty_value, &rs);
    ck_assert_str_eq(d, "save|@1;port|1@2;");
    vstr_free(d);

    char *bare_then_option[] = {"--save", "--port", "1"};
    d = cmdline_directives(3, bare_then_option, &rs);
    ck_assert_str_eq(d, "save|@1;port|1@2;");
    vstr_free(d);

    char *bare_last[] = {"--port", "1", "--save"};
    d = cmdline_directives(3, bare_last, &rs);
    ck_assert_str_eq(d, "port|1@1;save|@2;");
    vstr_free(d);

    char *pairs[] = {"--save", "10", "1", "20", "2"};
    d = cmdline_directives(5, pairs, &rs);
    ck_assert_str_eq(d, "save|10|1|20|2@1;");
    vstr_free(d);
}
END_TEST

START_TEST(cmdline_value_starting_with_dashes)
{
    int rs;
    char *argv[] = {"--masterauth", "--secret", "--port", "1"};
    vstr d = cmdline_directives(4, argv, &rs);
    ck_assert_str_eq(d, "masterauth|--secret@1;port|1@2;");
    vstr_free(d);
}
END_TEST

START_TEST(cmdline_stdin_marker)
{
    int rs;
    char *argv[] = {"--port", "1", "-"};
    vstr d = cmdline_directives(3, argv, &rs);
    ck_assert_str_eq(d, "port|1@1;");
    ck_assert_int_eq(rs, 1);
    vstr_free(d);
}
END_TEST

static Suite *config_file_suite(void)
{
    Suite *s = suite_create("config_file");
    TCase *tok = tcase_create("tokenizer");
    tcase_add_test(tok, split_plain_words);
    tcase_add_test(tok, split_double_quote_escapes);
    tcase_add_test(tok, split_hex_zero_byte_and_bad_hex);
    tcase_add_test(tok, split_single_quotes);
    tcase_add_test(tok, split_quote_inside_word);
    tcase_add_test(tok, split_unbalanced);
    tcase_add_test(tok, split_blank_line);
    suite_add_tcase(s, tok);

    TCase *rd = tcase_create("reading");
    tcase_add_checked_fixture(rd, setup, teardown);
    tcase_add_test(rd, load_string_lines_and_comments);
    tcase_add_test(rd, load_string_unbalanced_reports_line);
    tcase_add_test(rd, load_string_callback_rejects);
    tcase_add_test(rd, load_file_with_include);
    tcase_add_test(rd, load_file_include_pattern);
    tcase_add_test(rd, load_file_include_loop);
    tcase_add_test(rd, load_file_missing);
    tcase_add_test(rd, include_wrong_arity_is_bad_directive);
    suite_add_tcase(s, rd);

    TCase *cl = tcase_create("cmdline");
    tcase_add_test(cl, cmdline_file_detection);
    tcase_add_test(cl, cmdline_multi_value_and_quoting);
    tcase_add_test(cl, cmdline_save_forms);
    tcase_add_test(cl, cmdline_value_starting_with_dashes);
    tcase_add_test(cl, cmdline_stdin_marker);
    suite_add_tcase(s, cl);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_file_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
