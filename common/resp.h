/* resp — the Redis serialization protocol: an incremental request parser
 * and helpers to format reply headers.
 *
 * The parser reads multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline
 * (`GET k\r\n`) requests.  Multibulk arguments are slices of the caller's
 * buffer, NUL-terminated in place (the '\r' after each one is overwritten),
 * so a request is executed without copying its arguments.  A request that
 * arrives in pieces is resumed where it stopped; the caller keeps the bytes
 * from the request's start in its buffer (the buffer may move: the parser
 * remembers offsets, not pointers).
 */
#ifndef VIGIL_RESP_H
#define VIGIL_RESP_H

#include "vstr.h"

#include <stddef.h>

struct resp_arg {
    char *ptr;
    size_t len;
};

struct resp_limits {
    long long max_bulk_len; /* proto-max-bulk-len; < 0 means unlimited */
    int auth_required;      /* tighter limits before AUTH, as Redis has */
};

enum resp_status { RESP_NEED_MORE, RESP_DONE, RESP_ERROR };

struct resp_request {
    int argc;
    struct resp_arg *argv; /* valid after RESP_DONE until the next parse */
    /* Parser state, private. */
    int cap;
    size_t *offsets;
    long args_left;     /* multibulk arguments not yet read; 0 = no header yet */
    long long bulk_len; /* length of the bulk being read, -1 = header needed */
    size_t parsed;      /* bytes of this request consumed so far */
    int done;
    vstr *inline_argv;
    int inline_argc;
};

/* Longest inline request or count/length header line. */
#define RESP_INLINE_MAX 65536

void resp_request_init(struct resp_request *r);
void resp_request_free(struct resp_request *r);

/* Parses the request that starts at buf.  On RESP_DONE, *consumed is its
 * size and argc/argv hold it (argc may be 0 for an empty request, to be
 * skipped).  On RESP_ERROR, *err is the message (without "-ERR ").  */
enum resp_status resp_parse(struct resp_request *r, char *buf, size_t len,
                            const struct resp_limits *limits, size_t *consumed, const char **err);

/* While a large bulk argument is arriving: bytes still missing for it, so
 * the reader can make room in one step; 0 otherwise. */
size_t resp_bulk_bytes_missing(const struct resp_request *r, size_t buffered);

/* Formats "<prefix><value>\r\n" into buf (>= 32 bytes); returns its length. */
size_t resp_format_header(char *buf, char prefix, long long value);

#endif
