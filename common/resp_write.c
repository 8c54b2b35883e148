/* resp_write — RESP2 reply formatting into a vstr (see resp_write.h). */
#include "resp_write.h"

#include <stdarg.h>
#include <string.h>

#include "numconv.h"
#include "resp.h"

static vstr write_header(vstr out, char prefix, long long value)
{
    char buf[32];
    size_t n = resp_format_header(buf, prefix, value);
    return vstr_cat(out, buf, n);
}

vstr resp_write_simple(vstr out, const char *status)
{
    out = vstr_cat(out, "+", 1);
    out = vstr_cat_cstr(out, status);
    return vstr_cat(out, "\r\n", 2);
}

/* Error texts must stay on one line: a newline would split the reply. */
vstr resp_write_error(vstr out, const char *msg)
{
    out = vstr_cat(out, "-", 1);
    size_t start = vstr_len(out);
    out = vstr_cat_cstr(out, msg);
    for (size_t i = start; i < vstr_len(out); i++)
        if (out[i] == '\r' || out[i] == '\n')
            out[i] = ' ';
    return vstr_cat(out, "\r\n", 2);
}

vstr resp_write_errorf(vstr out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstr msg = vstr_catvfmt(vstr_empty(), fmt, ap);
    va_end(ap);
    out = resp_write_error(out, msg);
    vstr_free(msg);
    return out;
}

vstr resp_write_int(vstr out, long long value)
{
    return write_header(out, ':', value);
}

vstr resp_write_bulk(vstr out, const void *p, size_t len)
{
    out = write_header(out, '$', (long long)len);
    out = vstr_cat(out, p, len);
    return vstr_cat(out, "\r\n", 2);
}

vstr resp_write_bulk_cstr(vstr out, const char *s)
{
    if (!s)
        return resp_write_null(out);
    return resp_write_bulk(out, s, strlen(s));
}

vstr resp_write_bulk_ll(vstr out, long long value)
{
    char buf[32];
    size_t n = numconv_ll_to_str(buf, value);
    return resp_write_bulk(out, buf, n);
}

vstr resp_write_null(vstr out)
{
    return vstr_cat(out, "$-1\r\n", 5);
}

vstr resp_write_null_array(vstr out)
{
    return vstr_cat(out, "*-1\r\n", 5);
}

vstr resp_write_array_len(vstr out, long long len)
{
    return write_header(out, '*', len);
}
