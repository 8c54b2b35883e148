/* conn — one connection interface over plain TCP/Unix sockets and TLS.
 *
 * Callers read, write and register handlers through conn_* calls and never
 * touch the socket, so the TLS implementation slots in behind the same
 * calls.  Handlers run from the libev loop.  A handler may close the
 * connection it was called for: the close is deferred until the handler
 * returns, so the conn stays valid for the rest of that call.
 */
#ifndef VIGIL_CONN_H
#define VIGIL_CONN_H

#include <ev.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

struct conn;
typedef void (*conn_handler)(struct conn *conn);

enum conn_state {
    CONN_STATE_NONE,
    CONN_STATE_CONNECTING,
    CONN_STATE_ACCEPTING,
    CONN_STATE_CONNECTED,
    CONN_STATE_CLOSED,
    CONN_STATE_ERROR
};

struct conn_ops {
    const char *name;
    int (*connect)(struct conn *c, const char *host, int port, const char *src, conn_handler cb);
    int (*accept)(struct conn *c, conn_handler cb);
    ssize_t (*read)(struct conn *c, void *buf, size_t len);
    ssize_t (*write)(struct conn *c, const void *buf, size_t len);
    ssize_t (*writev)(struct conn *c, const struct iovec *iov, int iovcnt);
    /* Bytes decrypted but not yet read (TLS); 0 for plain sockets. */
    int (*has_pending)(struct conn *c);
    void (*update_watchers)(struct conn *c);
    void (*destroy)(struct conn *c);
};

struct conn {
    const struct conn_ops *ops;
    struct ev_loop *loop;
    int fd;
    enum conn_state state;
    int last_errno;
    ev_io rio, wio;
    conn_handler read_handler, write_handler, conn_handler;
    void *data;       /* the owner's object (client, link, ...) */
    void *impl;       /* the implementation's state (SSL*) */
    int in_handler;   /* depth of handler calls running */
    int close_pending;
    char err[256];
};

/* A plain connection around an accepted socket, or a new outgoing one. */
struct conn *conn_plain_accepted(struct ev_loop *loop, int fd);
struct conn *conn_plain_new(struct ev_loop *loop);

int conn_accept(struct conn *c, conn_handler cb);
int conn_connect(struct conn *c, const char *host, int port, const char *src, conn_handler cb);
ssize_t conn_read(struct conn *c, void *buf, size_t len);
ssize_t conn_write(struct conn *c, const void *buf, size_t len);
ssize_t conn_writev(struct conn *c, const struct iovec *iov, int iovcnt);
/* NULL handler stops watching. */
void conn_set_read_handler(struct conn *c, conn_handler h);
void conn_set_write_handler(struct conn *c, conn_handler h);
void conn_close(struct conn *c);

static inline void conn_set_data(struct conn *c, void *data)
{
    c->data = data;
}
static inline void *conn_data(const struct conn *c)
{
    return c->data;
}
static inline int conn_fd(const struct conn *c)
{
    return c->fd;
}
static inline enum conn_state conn_state(const struct conn *c)
{
    return c->state;
}
const char *conn_last_error(const struct conn *c);

/* For implementations: run a handler with deferred-close protection.
 * Returns 0 if the conn was closed (and freed) during the handler. */
int conn_call_handler(struct conn *c, conn_handler h);
/* For implementations: allocate and initialise the common part. */
struct conn *conn_alloc(struct ev_loop *loop, const struct conn_ops *ops, int fd);

#endif
