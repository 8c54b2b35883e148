/* repl_backlog — the ring buffer behind PSYNC partial resyncs; see
 * repl_backlog.h.
 *
 * `idx` is where the next byte goes; the histlen bytes before it (wrapping
 * around the end of `buf`) are the history.  The offset of the newest byte
 * is next_offset - 1, so the oldest is next_offset - histlen.
 */
#include "repl_backlog.h"

#include "mem.h"

#include <string.h>

struct repl_backlog {
    char *buf;
    size_t size;
    size_t idx;
    size_t histlen;
    long long next_offset;
};

struct repl_backlog *repl_backlog_new(size_t size, long long next_offset)
{
    struct repl_backlog *b = mem_calloc(sizeof *b);
    b->size = size ? size : 1;
    b->buf = mem_malloc(b->size);
    b->next_offset = next_offset;
    return b;
}

void repl_backlog_free(struct repl_backlog *b)
{
    if (!b)
        return;
    mem_free(b->buf);
    mem_free(b);
}

void repl_backlog_append(struct repl_backlog *b, const char *p, size_t len)
{
    b->next_offset += (long long)len;
    /* Only the last `size` bytes can survive: skip the rest up front. */
    if (len > b->size) {
        p += len - b->size;
        len = b->size;
    }
    while (len > 0) {
        size_t room = b->size - b->idx;
        size_t n = len < room ? len : room;
        memcpy(b->buf + b->idx, p, n);
        b->idx = (b->idx + n) % b->size;
        b->histlen += n;
        p += n;
        len -= n;
    }
    if (b->histlen > b->size)
        b->histlen = b->size;
}

static void append_to_backlog(void *ctx, const char *p, size_t len)
{
    struct repl_backlog *b = ctx;
    repl_backlog_append(b, p, len);
}

void repl_backlog_resize(struct repl_backlog *b, size_t size)
{
    if (size == 0)
        size = 1;
    if (size == b->size)
        return;
    struct repl_backlog *fresh = repl_backlog_new(size, b->next_offset - (long long)b->histlen);
    repl_backlog_copy_from(b, repl_backlog_first_offset(b), append_to_backlog, fresh);
    mem_free(b->buf);
    *b = *fresh;
    mem_free(fresh);
}

size_t repl_backlog_size(const struct repl_backlog *b)
{
    return b->size;
}

long long repl_backlog_first_offset(const struct repl_backlog *b)
{
    return b->next_offset - (long long)b->histlen;
}

long long repl_backlog_histlen(const struct repl_backlog *b)
{
    return (long long)b->histlen;
}

int repl_backlog_covers(const struct repl_backlog *b, long long offset)
{
    return offset >= repl_backlog_first_offset(b) && offset <= b->next_offset;
}

long long repl_backlog_copy_from(const struct repl_backlog *b, long long offset,
                                 repl_backlog_copy_fn *fn, void *ctx)
{
    if (!repl_backlog_covers(b, offset))
        return -1;
    size_t want = (size_t)(b->next_offset - offset);
    /* The oldest wanted byte sits `want` bytes before idx, modulo size. */
    size_t start = (b->idx + b->size - want % b->size) % b->size;
    size_t first = want < b->size - start ? want : b->size - start;
    if (first)
        fn(ctx, b->buf + start, first);
    if (want > first)
        fn(ctx, b->buf, want - first);
    return (long long)want;
}
