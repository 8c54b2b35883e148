/* reply — RESP reply construction into client buffers; see reply.h.
 *
 * Bytes go to the client's fixed buffer while no block is queued (the
 * common case: small replies, no allocation), then to a list of blocks.
 * A deferred length is a block reserved in the list and filled in later;
 * it is marked full so nothing is appended into it meanwhile.
 */
#include "reply.h"

#include "client.h"
#include "commands.h"
#include "mem.h"
#include "networking.h"
#include "numconv.h"
#include "object.h"
#include "resp.h"
#include "server.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define BLOCK_MIN 16384
#define DEFERRED_SLOT 32
/* Redis keeps at most this many distinct error codes in errorstats. */
#define ERRORSTATS_MAX 128

static int should_reply(const struct client *c)
{
    if (c->flags & (CLIENT_FAKE | CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP))
        return 0;
    if (c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP))
        return 0;
    if ((c->flags & CLIENT_MASTER) && !(c->flags & CLIENT_MASTER_FORCE_REPLY))
        return 0;
    return c->conn != NULL;
}

static struct reply_block *new_block(struct client *c, size_t size)
{
    struct reply_block *b = mem_malloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    if (c->reply_tail)
        c->reply_tail->next = b;
    else
        c->reply_head = b;
    c->reply_tail = b;
    c->reply_bytes += size;
    c->reply_blocks++;
    return b;
}

static void append_to_list(struct client *c, const char *p, size_t len)
{
    struct reply_block *tail = c->reply_tail;
    if (tail && tail->used < tail->size) {
        size_t room = tail->size - tail->used;
        size_t n = len < room ? len : room;
        memcpy(tail->data + tail->used, p, n);
        tail->used += n;
        p += n;
        len -= n;
    }
    if (len) {
        struct reply_block *b = new_block(c, len > BLOCK_MIN ? len : BLOCK_MIN);
        memcpy(b->data, p, len);
        b->used = len;
    }
    networking_check_obuf_limits(c);
}

static void append(struct client *c, const char *p, size_t len)
{
    if (c->reply_head == NULL) {
        size_t room = CLIENT_REPLY_CHUNK - c->bufpos;
        size_t n = len < room ? len : room;
        memcpy(c->buf + c->bufpos, p, n);
        c->bufpos += n;
        p += n;
        len -= n;
    }
    if (len)
        append_to_list(c, p, len);
    networking_schedule_write(c);
}

void reply_raw(struct client *c, const char *p, size_t len)
{
    if (should_reply(c))
        append(c, p, len);
}

void reply_ok(struct client *c)
{
    reply_raw(c, "+OK\r\n", 5);
}

void reply_status(struct client *c, const char *status)
{
    if (!should_reply(c))
        return;
    append(c, "+", 1);
    append(c, status, strlen(status));
    append(c, "\r\n", 2);
}

static void count_error(const char *msg, size_t len)
{
    server.stat.total_error_replies++;
    const char *space = memchr(msg, ' ', len);
    size_t codelen = space ? (size_t)(space - msg) : len;
    int created;
    if (dict_size(server.errors) >= ERRORSTATS_MAX && !dict_find(server.errors, msg, codelen))
        return;
    dict_entry *de = dict_add_or_find(server.errors, msg, codelen, &created);
    de->v.s64++;
}

/* Error text may not contain newlines: they would break the protocol. */
static void append_error_text(struct client *c, const char *msg, size_t len)
{
    char clean[512];
    while (len) {
        size_t n = len < sizeof clean ? len : sizeof clean;
        for (size_t i = 0; i < n; i++)
            clean[i] = (msg[i] == '\r' || msg[i] == '\n') ? ' ' : msg[i];
        append(c, clean, n);
        msg += n;
        len -= n;
    }
}

void reply_error(struct client *c, const char *msg)
{
    size_t len = strlen(msg);
    int has_code = len && msg[0] == '-';
    if (has_code) {
        msg++;
        len--;
    }
    count_error(has_code ? msg : "ERR", has_code ? len : 3);
    if (!should_reply(c))
        return;
    append(c, has_code ? "-" : "-ERR ", has_code ? 1 : 5);
    append_error_text(c, msg, len);
    append(c, "\r\n", 2);
}

void reply_error_fmt(struct client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstr msg = vstr_catvfmt(vstr_empty(), fmt, ap);
    va_end(ap);
    reply_error(c, msg);
    vstr_free(msg);
}

void reply_null(struct client *c)
{
    reply_raw(c, "$-1\r\n", 5);
}

void reply_null_array(struct client *c)
{
    reply_raw(c, "*-1\r\n", 5);
}

static void reply_header(struct client *c, char prefix, long long v)
{
    char buf[32];
    reply_raw(c, buf, resp_format_header(buf, prefix, v));
}

void reply_ll(struct client *c, long long v)
{
    if (v == 0)
        reply_raw(c, ":0\r\n", 4);
    else if (v == 1)
        reply_raw(c, ":1\r\n", 4);
    else
        reply_header(c, ':', v);
}

void reply_bulk(struct client *c, const char *p, size_t len)
{
    if (!should_reply(c))
        return;
    char hdr[32];
    append(c, hdr, resp_format_header(hdr, '$', (long long)len));
    append(c, p, len);
    append(c, "\r\n", 2);
}

void reply_bulk_cstr(struct client *c, const char *s)
{
    if (s)
        reply_bulk(c, s, strlen(s));
    else
        reply_null(c);
}

void reply_bulk_ll(struct client *c, long long v)
{
    char buf[32];
    reply_bulk(c, buf, numconv_ll_to_str(buf, v));
}

void reply_bulk_double(struct client *c, double d)
{
    char buf[64];
    reply_bulk(c, buf, numconv_double_to_str(buf, d));
}

void reply_double(struct client *c, double d)
{
    reply_bulk_double(c, d);
}

void reply_bulk_obj(struct client *c, const vobj *o)
{
    char buf[32];
    size_t len;
    const char *p = obj_string_view(o, buf, &len);
    reply_bulk(c, p, len);
}

void reply_array_len(struct client *c, long len)
{
    reply_header(c, '*', len);
}

void reply_map_len(struct client *c, long pairs)
{
    reply_header(c, c->resp >= 3 ? '%' : '*', c->resp >= 3 ? pairs : pairs * 2);
}

void reply_set_len(struct client *c, long len)
{
    reply_header(c, c->resp >= 3 ? '~' : '*', len);
}

void reply_verbatim(struct client *c, const char *p, size_t len)
{
    reply_bulk(c, p, len);
}

void *reply_deferred_len(struct client *c)
{
    if (!should_reply(c))
        return NULL;
    struct reply_block *b = new_block(c, DEFERRED_SLOT);
    b->used = b->size; /* full until filled: nothing may be appended into it */
    networking_schedule_write(c);
    return b;
}

static void set_deferred(struct client *c, void *slot, char prefix, long len)
{
    (void)c;
    struct reply_block *b = slot;
    if (!b)
        return;
    b->used = resp_format_header(b->data, prefix, len);
}

void reply_set_deferred_array_len(struct client *c, void *slot, long len)
{
    set_deferred(c, slot, '*', len);
}

void reply_set_deferred_map_len(struct client *c, void *slot, long pairs)
{
    set_deferred(c, slot, c->resp >= 3 ? '%' : '*', c->resp >= 3 ? pairs : pairs * 2);
}

void reply_help(struct client *c, const char *const *lines)
{
    long count = 0;
    while (lines[count])
        count++;
    char cmd[64];
    size_t n = c->argv[0].len < sizeof cmd - 1 ? c->argv[0].len : sizeof cmd - 1;
    for (size_t i = 0; i < n; i++)
        cmd[i] = (char)toupper((unsigned char)c->argv[0].ptr[i]);
    cmd[n] = '\0';
    reply_array_len(c, count + 3);
    char first[160];
    snprintf(first, sizeof first, "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
             cmd);
    reply_status(c, first);
    for (long i = 0; i < count; i++)
        reply_status(c, lines[i]);
    reply_status(c, "HELP");
    reply_status(c, "    Prints this help.");
}

void reply_subcommand_syntax_error(struct client *c)
{
    char cmd[64];
    size_t n = c->argv[0].len < sizeof cmd - 1 ? c->argv[0].len : sizeof cmd - 1;
    for (size_t i = 0; i < n; i++)
        cmd[i] = (char)toupper((unsigned char)c->argv[0].ptr[i]);
    cmd[n] = '\0';
    reply_error_fmt(c,
                    "unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP.",
                    c->argv[1].ptr, cmd);
}

void reply_error_wrongtype(struct client *c)
{
    reply_error(c, "-WRONGTYPE Operation against a key holding the wrong kind of value");
}

void reply_error_syntax(struct client *c)
{
    reply_error(c, "syntax error");
}

void reply_error_not_integer(struct client *c)
{
    reply_error(c, "value is not an integer or out of range");
}

void reply_error_not_float(struct client *c)
{
    reply_error(c, "value is not a valid float");
}

void reply_error_arity(struct client *c)
{
    const char *name = c->cmd ? c->cmd->fullname : c->argv[0].ptr;
    reply_error_fmt(c, "wrong number of arguments for '%s' command", name);
}

void reply_error_out_of_range(struct client *c)
{
    reply_error(c, "index out of range");
}

void reply_error_no_such_key(struct client *c)
{
    reply_error(c, "no such key");
}

size_t reply_pending_bytes(const struct client *c)
{
    return c->reply_bytes;
}

int reply_has_pending(const struct client *c)
{
    return c->bufpos > c->sentlen || c->reply_head != NULL;
}
