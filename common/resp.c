/* resp — incremental RESP request parsing; see resp.h. */
#include "resp.h"

#include "argsplit.h"
#include "mem.h"
#include "numconv.h"

#include <limits.h>
#include <string.h>

/* Past these, a client that has not authenticated is cut off: Redis uses
 * the same bounds so that an anonymous peer cannot make it allocate much. */
#define UNAUTH_MAX_ARGS 10
#define UNAUTH_MAX_BULK 16384

void resp_request_init(struct resp_request *r)
{
    memset(r, 0, sizeof *r);
    r->bulk_len = -1;
}

static void release_inline(struct resp_request *r)
{
    argsplit_free(r->inline_argv, r->inline_argc);
    r->inline_argv = NULL;
    r->inline_argc = 0;
}

void resp_request_free(struct resp_request *r)
{
    release_inline(r);
    mem_free(r->argv);
    mem_free(r->offsets);
    resp_request_init(r);
}

static void reset_for_next(struct resp_request *r)
{
    release_inline(r);
    r->argc = 0;
    r->args_left = 0;
    r->bulk_len = -1;
    r->parsed = 0;
    r->done = 0;
}

static void ensure_capacity(struct resp_request *r, long n)
{
    if (n <= r->cap)
        return;
    /* Never trust the announced count for the allocation: grow as the
     * arguments really arrive. */
    int cap = r->cap ? r->cap : 8;
    while (cap < n)
        cap *= 2;
    r->argv = mem_realloc(r->argv, sizeof(*r->argv) * (size_t)cap);
    r->offsets = mem_realloc(r->offsets, sizeof(*r->offsets) * (size_t)cap);
    r->cap = cap;
}

/* Finds the CRLF-terminated line at buf[from..len); returns the offset of
 * its '\r', or -1 if incomplete. */
static long find_line(const char *buf, size_t from, size_t len)
{
    const char *nl = memchr(buf + from, '\r', len - from);
    if (!nl || (size_t)(nl - buf) + 1 >= len)
        return -1;
    return nl - buf;
}

static enum resp_status parse_inline(struct resp_request *r, char *buf, size_t len,
                                     size_t *consumed, const char **err)
{
    char *nl = memchr(buf, '\n', len);
    if (!nl) {
        if (len > RESP_INLINE_MAX) {
            *err = "Protocol error: too big inline request";
            return RESP_ERROR;
        }
        return RESP_NEED_MORE;
    }
    size_t linelen = (size_t)(nl - buf);
    if (linelen && buf[linelen - 1] == '\r')
        linelen--;
    int argc;
    vstr *argv = argsplit(buf, linelen, &argc);
    if (!argv) {
        *err = "Protocol error: unbalanced quotes in request";
        return RESP_ERROR;
    }
    r->inline_argv = argv;
    r->inline_argc = argc;
    ensure_capacity(r, argc);
    for (int i = 0; i < argc; i++) {
        r->argv[i].ptr = argv[i];
        r->argv[i].len = vstr_len(argv[i]);
    }
    r->argc = argc;
    r->done = 1;
    *consumed = (size_t)(nl - buf) + 1;
    return RESP_DONE;
}

static enum resp_status parse_count(struct resp_request *r, char *buf, size_t len,
                                    const struct resp_limits *limits, const char **err)
{
    long eol = find_line(buf, 0, len);
    if (eol < 0) {
        if (len > RESP_INLINE_MAX) {
            *err = "Protocol error: too big mbulk count string";
            return RESP_ERROR;
        }
        return RESP_NEED_MORE;
    }
    long long count;
    if (numconv_to_ll(buf + 1, (size_t)eol - 1, &count) < 0 || count > INT_MAX) {
        *err = "Protocol error: invalid multibulk length";
        return RESP_ERROR;
    }
    if (count > UNAUTH_MAX_ARGS && limits->auth_required) {
        *err = "Protocol error: unauthenticated multibulk length";
        return RESP_ERROR;
    }
    r->parsed = (size_t)eol + 2;
    r->args_left = count > 0 ? (long)count : 0;
    return RESP_DONE;
}

static enum resp_status parse_bulk_header(struct resp_request *r, char *buf, size_t len,
                                          const struct resp_limits *limits, const char **err)
{
    long eol = find_line(buf, r->parsed, len);
    if (eol < 0) {
        if (len - r->parsed > RESP_INLINE_MAX) {
            *err = "Protocol error: too big bulk count string";
            return RESP_ERROR;
        }
        return RESP_NEED_MORE;
    }
    static char expected_msg[64];
    if (buf[r->parsed] != '$') {
        char got = buf[r->parsed];
        memcpy(expected_msg, "Protocol error: expected '$', got ' '", 38);
        expected_msg[35] = got;
        *err = expected_msg;
        return RESP_ERROR;
    }
    long long blen;
    const char *digits = buf + r->parsed + 1;
    size_t ndigits = (size_t)eol - r->parsed - 1;
    if (numconv_to_ll(digits, ndigits, &blen) < 0 || blen < 0 ||
        (limits->max_bulk_len >= 0 && blen > limits->max_bulk_len)) {
        *err = "Protocol error: invalid bulk length";
        return RESP_ERROR;
    }
    if (blen > UNAUTH_MAX_BULK && limits->auth_required) {
        *err = "Protocol error: unauthenticated bulk length";
        return RESP_ERROR;
    }
    r->bulk_len = blen;
    r->parsed = (size_t)eol + 2;
    return RESP_DONE;
}

static enum resp_status parse_multibulk(struct resp_request *r, char *buf, size_t len,
                                        const struct resp_limits *limits, size_t *consumed,
                                        const char **err)
{
    enum resp_status st;
    if (r->parsed == 0) {
        if ((st = parse_count(r, buf, len, limits, err)) != RESP_DONE)
            return st;
    }
    while (r->args_left > 0) {
        if (r->bulk_len < 0 &&
            (st = parse_bulk_header(r, buf, len, limits, err)) != RESP_DONE)
            return st;
        if (len - r->parsed < (size_t)r->bulk_len + 2)
            return RESP_NEED_MORE;
        ensure_capacity(r, r->argc + 1);
        r->offsets[r->argc] = r->parsed;
        r->argv[r->argc].len = (size_t)r->bulk_len;
        r->argc++;
        buf[r->parsed + (size_t)r->bulk_len] = '\0';
        r->parsed += (size_t)r->bulk_len + 2;
        r->bulk_len = -1;
        r->args_left--;
    }
    for (int i = 0; i < r->argc; i++)
        r->argv[i].ptr = buf + r->offsets[i];
    r->done = 1;
    *consumed = r->parsed;
    return RESP_DONE;
}

enum resp_status resp_parse(struct resp_request *r, char *buf, size_t len,
                            const struct resp_limits *limits, size_t *consumed, const char **err)
{
    if (r->done)
        reset_for_next(r);
    if (len == 0)
        return RESP_NEED_MORE;
    if (buf[0] == '*')
        return parse_multibulk(r, buf, len, limits, consumed, err);
    return parse_inline(r, buf, len, consumed, err);
}

size_t resp_bulk_bytes_missing(const struct resp_request *r, size_t buffered)
{
    if (r->done || r->bulk_len < 0)
        return 0;
    size_t need = r->parsed + (size_t)r->bulk_len + 2;
    return need > buffered ? need - buffered : 0;
}

size_t resp_format_header(char *buf, char prefix, long long value)
{
    buf[0] = prefix;
    size_t n = 1 + numconv_ll_to_str(buf + 1, value);
    buf[n++] = '\r';
    buf[n++] = '\n';
    return n;
}
