/* conn — the connection interface and its plain-socket implementation.
 *
 * Plain connections map directly onto libev io watchers: the read handler
 * is the EV_READ watcher's callback, the write handler the EV_WRITE one.
 */
#include "conn.h"

#include "mem.h"
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct conn *conn_alloc(struct ev_loop *loop, const struct conn_ops *ops, int fd)
{
    struct conn *c = mem_calloc(sizeof *c);
    c->ops = ops;
    c->loop = loop;
    c->fd = fd;
    c->state = CONN_STATE_NONE;
    return c;
}

static void conn_free_now(struct conn *c)
{
    ev_io_stop(c->loop, &c->rio);
    ev_io_stop(c->loop, &c->wio);
    if (c->ops->destroy)
        c->ops->destroy(c);
    if (c->fd >= 0)
        close(c->fd);
    mem_free(c);
}

int conn_call_handler(struct conn *c, conn_handler h)
{
    if (!h)
        return 1;
    c->in_handler++;
    h(c);
    c->in_handler--;
    if (c->in_handler == 0 && c->close_pending) {
        conn_free_now(c);
        return 0;
    }
    return 1;
}

void conn_close(struct conn *c)
{
    if (!c)
        return;
    if (c->in_handler) {
        c->close_pending = 1;
        c->read_handler = c->write_handler = NULL;
        ev_io_stop(c->loop, &c->rio);
        ev_io_stop(c->loop, &c->wio);
        return;
    }
    conn_free_now(c);
}

const char *conn_last_error(const struct conn *c)
{
    if (c->err[0])
        return c->err;
    return strerror(c->last_errno);
}

int conn_accept(struct conn *c, conn_handler cb)
{
    return c->ops->accept(c, cb);
}

int conn_connect(struct conn *c, const char *host, int port, const char *src, conn_handler cb)
{
    return c->ops->connect(c, host, port, src, cb);
}

ssize_t conn_read(struct conn *c, void *buf, size_t len)
{
    return c->ops->read(c, buf, len);
}

ssize_t conn_write(struct conn *c, const void *buf, size_t len)
{
    return c->ops->write(c, buf, len);
}

ssize_t conn_writev(struct conn *c, const struct iovec *iov, int iovcnt)
{
    return c->ops->writev(c, iov, iovcnt);
}

void conn_set_read_handler(struct conn *c, conn_handler h)
{
    c->read_handler = h;
    c->ops->update_watchers(c);
}

void conn_set_write_handler(struct conn *c, conn_handler h)
{
    c->write_handler = h;
    c->ops->update_watchers(c);
}

/* ---- plain sockets ---- */

static void plain_on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct conn *c = w->data;
    conn_call_handler(c, c->read_handler);
}

static void plain_on_writable(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct conn *c = w->data;
    if (c->state == CONN_STATE_CONNECTING) {
        int err = net_socket_error(c->fd);
        c->state = err ? CONN_STATE_ERROR : CONN_STATE_CONNECTED;
        c->last_errno = err;
        conn_handler cb = c->conn_handler;
        c->conn_handler = NULL;
        c->ops->update_watchers(c);
        conn_call_handler(c, cb);
        return;
    }
    conn_call_handler(c, c->write_handler);
}

static void plain_update_watchers(struct conn *c)
{
    if (c->close_pending)
        return;
    if (c->read_handler && !ev_is_active(&c->rio))
        ev_io_start(c->loop, &c->rio);
    else if (!c->read_handler && ev_is_active(&c->rio))
        ev_io_stop(c->loop, &c->rio);
    int want_write = c->write_handler || c->state == CONN_STATE_CONNECTING;
    if (want_write && !ev_is_active(&c->wio))
        ev_io_start(c->loop, &c->wio);
    else if (!want_write && ev_is_active(&c->wio))
        ev_io_stop(c->loop, &c->wio);
}

static void plain_init_watchers(struct conn *c)
{
    ev_io_init(&c->rio, plain_on_readable, c->fd, EV_READ);
    ev_io_init(&c->wio, plain_on_writable, c->fd, EV_WRITE);
    c->rio.data = c->wio.data = c;
}

static int plain_accept(struct conn *c, conn_handler cb)
{
    c->state = CONN_STATE_CONNECTED;
    return conn_call_handler(c, cb) ? 0 : -1;
}

static int plain_connect(struct conn *c, const char *host, int port, const char *src,
                         conn_handler cb)
{
    char err[NET_ERR_LEN] = "";
    int fd = net_tcp_connect_nonblock(err, host, port, src);
    if (fd < 0) {
        c->state = CONN_STATE_ERROR;
        c->last_errno = errno;
        snprintf(c->err, sizeof c->err, "%s", err);
        return -1;
    }
    c->fd = fd;
    plain_init_watchers(c);
    c->state = CONN_STATE_CONNECTING;
    c->conn_handler = cb;
    plain_update_watchers(c);
    return 0;
}

/* 0 means the peer closed; -1 with EAGAIN means try later. */
static ssize_t plain_read(struct conn *c, void *buf, size_t len)
{
    ssize_t n = read(c->fd, buf, len);
    if (n == 0) {
        c->state = CONN_STATE_CLOSED;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        c->last_errno = errno;
        c->state = CONN_STATE_ERROR;
    }
    return n;
}

static ssize_t plain_write(struct conn *c, const void *buf, size_t len)
{
    ssize_t n = write(c->fd, buf, len);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
        c->last_errno = errno;
        c->state = CONN_STATE_ERROR;
    }
    return n;
}

static ssize_t plain_writev(struct conn *c, const struct iovec *iov, int iovcnt)
{
    ssize_t n = writev(c->fd, iov, iovcnt);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
        c->last_errno = errno;
        c->state = CONN_STATE_ERROR;
    }
    return n;
}

static int plain_has_pending(struct conn *c)
{
    (void)c;
    return 0;
}

static const struct conn_ops plain_ops = {
    .name = "tcp",
    .connect = plain_connect,
    .accept = plain_accept,
    .read = plain_read,
    .write = plain_write,
    .writev = plain_writev,
    .has_pending = plain_has_pending,
    .update_watchers = plain_update_watchers,
    .destroy = NULL,
};

struct conn *conn_plain_accepted(struct ev_loop *loop, int fd)
{
    struct conn *c = conn_alloc(loop, &plain_ops, fd);
    c->state = CONN_STATE_ACCEPTING;
    plain_init_watchers(c);
    return c;
}

struct conn *conn_plain_new(struct ev_loop *loop)
{
    return conn_alloc(loop, &plain_ops, -1);
}
