/* repl_backlog — the replication backlog: a ring buffer holding the most
 * recent bytes of the replication stream, addressed by stream offset.
 *
 * The stream is numbered from 1 (the first byte ever produced under a
 * replication history); the backlog knows which offset its oldest byte has
 * and serves any offset from there to one past its newest byte, which is
 * what lets a replica that lost its link continue with +CONTINUE instead of
 * a full sync.  It knows nothing about replicas or sockets: replication.c
 * appends what it propagates and copies out what a PSYNC asks for.
 */
#ifndef VIGIL_REPL_BACKLOG_H
#define VIGIL_REPL_BACKLOG_H

#include <stddef.h>

struct repl_backlog;

/* A backlog of size bytes whose next appended byte has offset next_offset. */
struct repl_backlog *repl_backlog_new(size_t size, long long next_offset);
void repl_backlog_free(struct repl_backlog *b);
void repl_backlog_append(struct repl_backlog *b, const char *p, size_t len);
/* Changes the capacity, keeping the newest bytes that still fit. */
void repl_backlog_resize(struct repl_backlog *b, size_t size);

size_t repl_backlog_size(const struct repl_backlog *b);
/* Offset of the oldest byte held (INFO repl_backlog_first_byte_offset). */
long long repl_backlog_first_offset(const struct repl_backlog *b);
/* Bytes held (INFO repl_backlog_histlen). */
long long repl_backlog_histlen(const struct repl_backlog *b);
/* 1 when every byte from offset to the newest one is held (offset may be
 * one past the newest byte: nothing to send, but nothing missing). */
int repl_backlog_covers(const struct repl_backlog *b, long long offset);

typedef void repl_backlog_copy_fn(void *ctx, const char *p, size_t len);
/* Hands the bytes from offset to the newest one to fn, in at most two
 * chunks; returns how many, or -1 when offset is not covered. */
long long repl_backlog_copy_from(const struct repl_backlog *b, long long offset,
                                 repl_backlog_copy_fn *fn, void *ctx);

#endif
