/* resp_write — RESP2 reply formatting into a vstr.
 *
 * A daemon builds each reply by appending to the client's output buffer
 * with these calls; nothing here knows about clients or sockets.  Every
 * call returns the (possibly moved) vstr, like vstr_cat().
 */
#ifndef VIGIL_RESP_WRITE_H
#define VIGIL_RESP_WRITE_H

#include <stddef.h>

#include "vstr.h"

vstr resp_write_simple(vstr out, const char *status);
/* msg is the full error text, e.g. "ERR no such key" (the '-' is added). */
vstr resp_write_error(vstr out, const char *msg);
vstr resp_write_errorf(vstr out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
vstr resp_write_int(vstr out, long long value);
vstr resp_write_bulk(vstr out, const void *p, size_t len);
vstr resp_write_bulk_cstr(vstr out, const char *s);
vstr resp_write_bulk_ll(vstr out, long long value);
vstr resp_write_null(vstr out);
vstr resp_write_null_array(vstr out);
vstr resp_write_array_len(vstr out, long long len);

#endif
