/* Unit tests for common/resp: multibulk and inline requests, requests
 * split at every byte boundary (with the buffer moving between reads),
 * and every protocol error with Redis's text. */
#include "resp.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct resp_limits open_limits = {.max_bulk_len = 512 * 1024 * 1024};

/* Parses one request held in a private copy of text. */
static enum resp_status parse_text(struct resp_request *r, const char *text, size_t len,
                                   const struct resp_limits *lim, size_t *consumed,
                                   const char **err, char **copy)
{
    *copy = malloc(len + 1);
    memcpy(*copy, text, len);
    return resp_parse(r, *copy, len, lim, consumed, err);
}

START_TEST(multibulk_complete)
{
    struct resp_request r;
    resp_request_init(&r);
    const char req[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\0lue\r\n";
    size_t consumed;
    const char *err;
    char *buf;
    ck_assert_int_eq(parse_text(&r, req, sizeof req - 1, &open_limits, &consumed, &err, &buf),
                     RESP_DONE);
    ck_assert_uint_eq(consumed, sizeof req - 1);
    ck_assert_int_eq(r.argc, 3);
    ck_assert_str_eq(r.argv[0].ptr, "SET");
    ck_assert_uint_eq(r.argv[2].len, 5);
    ck_assert_mem_eq(r.argv[2].ptr, "v\0lue", 5);
    /* Arguments are NUL-terminated in place. */
    ck_assert_int_eq(r.argv[1].ptr[1], '\0');
    resp_request_free(&r);
    free(buf);
}
END_TEST

/* Feeds the request one byte more at a time, in a fresh buffer each
 * time, as a socket read into a moving query buffer would. */
START_TEST(multibulk_every_split)
{
    const char req[] = "*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n";
    size_t total = sizeof req - 1;
    struct resp_request r;
    resp_request_init(&r);
    for (size_t avail = 1; avail <= total; avail++) {
        char *buf = malloc(total);
        memcpy(buf, req, avail);
        size_t consumed;
        const char *err;
        enum resp_status st = resp_parse(&r, buf, avail, &open_limits, &consumed, &err);
        if (avail < total) {
            ck_assert_int_eq(st, RESP_NEED_MORE);
        } else {
            ck_assert_int_eq(st, RESP_DONE);
            ck_assert_int_eq(r.argc, 2);
            ck_assert_str_eq(r.argv[1].ptr, "hello world");
        }
        free(buf);
    }
    resp_request_free(&r);
}
END_TEST

START_TEST(pipelined_requests)
{
    char buf[] = "*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
    size_t len = sizeof buf - 1, pos = 0;
    struct resp_request r;
    resp_request_init(&r);
    int count = 0;
    while (pos < len) {
        size_t consumed;
        const char *err;
        ck_assert_int_eq(resp_parse(&r, buf + pos, len - pos, &open_limits, &consumed, &err),
                         RESP_DONE);
        ck_assert_int_eq(r.argc, 1);
        ck_assert_uint_eq(r.argv[0].len, 4);
        pos += consumed;
        count++;
    }
    ck_assert_int_eq(count, 3);
    resp_request_free(&r);
}
END_TEST

START_TEST(inline_with_quotes)
{
    struct resp_request r;
    resp_request_init(&r);
    const char req[] = "SET \"a b\" 'c\\'d' \"\\x41\\n\"\r\n";
    size_t consumed;
    const char *err;
    char *buf;
    ck_assert_int_eq(parse_text(&r, req, sizeof req - 1, &open_limits, &consumed, &err, &buf),
                     RESP_DONE);
    ck_assert_int_eq(r.argc, 4);
    ck_assert_str_eq(r.argv[1].ptr, "a b");
    ck_assert_str_eq(r.argv[2].ptr, "c'd");
    ck_assert_str_eq(r.argv[3].ptr, "A\n");
    resp_request_free(&r);
    free(buf);
}
END_TEST

START_TEST(empty_requests)
{
    struct resp_request r;
    resp_request_init(&r);
    size_t consumed;
    const char *err;
    char *buf;
    ck_assert_int_eq(parse_text(&r, "\r\n", 2, &open_limits, &consumed, &err, &buf), RESP_DONE);
    ck_assert_int_eq(r.argc, 0);
    free(buf);
    ck_assert_int_eq(parse_text(&r, "*0\r\n", 4, &open_limits, &consumed, &err, &buf),
                     RESP_DONE);
    ck_assert_int_eq(r.argc, 0);
    ck_assert_uint_eq(consumed, 4);
    free(buf);
    resp_request_free(&r);
}
END_TEST

static void expect_error(const char *req, const struct resp_limits *lim, const char *msg)
{
    struct resp_request r;
    resp_request_init(&r);
    size_t consumed;
    const char *err = NULL;
    char *buf;
    ck_assert_int_eq(parse_text(&r, req, strlen(req), lim, &consumed, &err, &buf), RESP_ERROR);
    ck_assert_str_eq(err, msg);
    resp_request_free(&r);
    free(buf);
}

START_TEST(protocol_errors)
{
    expect_error("*3000000000\r\n", &open_limits, "Protocol error: invalid multibulk length");
    expect_error("*abc\r\n", &open_limits, "Protocol error: invalid multibulk length");
    expect_error("*1\r\n+foo\r\n", &open_limits, "Protocol error: expected '$', got '+'");
    expect_error("*1\r\n$-5\r\n", &open_limits, "Protocol error: invalid bulk length");
    struct resp_limits small = {.max_bulk_len = 10};
    expect_error("*1\r\n$11\r\n", &small, "Protocol error: invalid bulk length");
    expect_error("SET \"a b\r\n", &open_limits, "Protocol error: unbalanced quotes in request");
    struct resp_limits unauth = {.max_bulk_len = -1, .auth_required = 1};
    expect_error("*11\r\n", &unauth, "Protocol error: unauthenticated multibulk length");
    expect_error("*1\r\n$16385\r\n", &unauth, "Protocol error: unauthenticated bulk length");
}
END_TEST

START_TEST(oversized_lines)
{
    size_t n = RESP_INLINE_MAX + 10;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    expect_error(big, &open_limits, "Protocol error: too big inline request");
    big[0] = '*';
    expect_error(big, &open_limits, "Protocol error: too big mbulk count string");
    free(big);
}
END_TEST

START_TEST(big_bulk_reports_missing_bytes)
{
    struct resp_request r;
    resp_request_init(&r);
    char buf[] = "*2\r\n$3\r\nSET\r\n$100000\r\nabc";
    size_t consumed;
    const char *err;
    ck_assert_int_eq(resp_parse(&r, buf, sizeof buf - 1, &open_limits, &consumed, &err),
                     RESP_NEED_MORE);
    ck_assert_uint_eq(resp_bulk_bytes_missing(&r, sizeof buf - 1), 100000 - 3 + 2);
    resp_request_free(&r);
}
END_TEST

START_TEST(format_header)
{
    char buf[32];
    size_t n = resp_format_header(buf, '$', -1);
    ck_assert_mem_eq(buf, "$-1\r\n", n);
    n = resp_format_header(buf, '*', 1234567);
    ck_assert_mem_eq(buf, "*1234567\r\n", n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("resp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, multibulk_complete);
    tcase_add_test(tc, multibulk_every_split);
    tcase_add_test(tc, pipelined_requests);
    tcase_add_test(tc, inline_with_quotes);
    tcase_add_test(tc, empty_requests);
    tcase_add_test(tc, protocol_errors);
    tcase_add_test(tc, oversized_lines);
    tcase_add_test(tc, big_bulk_reports_missing_bytes);
    tcase_add_test(tc, format_header);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
