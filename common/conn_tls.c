/* conn_tls — TLS connections over OpenSSL behind the conn interface; see
 * conn_tls.h.
 *
 * Both io watchers share one callback.  What an event means depends on the
 * phase: while the TCP connect runs, writability ends it; during the
 * handshake, either event resumes SSL_do_handshake(); once connected, it
 * runs the owner's handlers.  OpenSSL may need the opposite direction of
 * the operation in progress (a read that must first write, a write that
 * must first read); the two "wants" flags remember that, so the watcher
 * for the direction OpenSSL needs is armed and the handler of the
 * operation that stalled is the one called when it fires.
 */
#include "conn_tls.h"

#include "mem.h"
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

/* A read stalled until the socket is writable. */
#define TLS_READ_WANTS_WRITE (1 << 0)
/* A write stalled until the socket is readable. */
#define TLS_WRITE_WANTS_READ (1 << 1)
/* SSL_do_handshake() is in progress ... */
#define TLS_HANDSHAKING (1 << 2)
/* ... and waits for writability (otherwise for readability). */
#define TLS_HANDSHAKE_WANTS_WRITE (1 << 3)

/* writev() gathers small buffers into one record's worth. */
#define TLS_GATHER_MAX (16 * 1024)

struct tls_conn {
    SSL *ssl;
    int flags;
};

static const struct conn_ops tls_ops;

static struct tls_conn *tls_of(const struct conn *c)
{
    return c->impl;
}

/* Keeps the text of the oldest queued OpenSSL error for conn_last_error(). */
static void save_openssl_error(struct conn *c)
{
    unsigned long code = ERR_get_error();
    if (code)
        ERR_error_string_n(code, c->err, sizeof c->err);
    else
        snprintf(c->err, sizeof c->err, "unknown TLS error");
    ERR_clear_error();
}

/* Classifies a failed OpenSSL I/O call (ret <= 0) and records the cause of
 * real errors in the conn.  Returns the SSL_ERROR_* code; a peer that
 * closed without close_notify counts as SSL_ERROR_ZERO_RETURN, since RESP
 * frames itself and nothing can be silently truncated, but keeps OpenSSL's
 * text ("unexpected eof while reading"), which is what Redis logs. */
static int classify_failure(struct conn *c, int ret)
{
    int code = SSL_get_error(tls_of(c)->ssl, ret);
    if (code == SSL_ERROR_SSL &&
        ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        save_openssl_error(c);
        return SSL_ERROR_ZERO_RETURN;
    }
    switch (code) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: break;
    case SSL_ERROR_ZERO_RETURN: snprintf(c->err, sizeof c->err, "Connection closed by peer"); break;
    case SSL_ERROR_SYSCALL:
        c->last_errno = errno;
        if (errno == 0)
            snprintf(c->err, sizeof c->err, "Connection closed by peer");
        else
            c->err[0] = '\0';
        ERR_clear_error();
        break;
    default: save_openssl_error(c); break;
    }
    return code;
}

static void set_watcher(struct ev_loop *loop, ev_io *w, int on)
{
    if (on && !ev_is_active(w))
        ev_io_start(loop, w);
    else if (!on && ev_is_active(w))
        ev_io_stop(loop, w);
}

/* Arms the watchers the current phase needs.  Decrypted bytes waiting in
 * OpenSSL will not make the socket readable, so the read event is fed to
 * the loop instead. */
static void tls_update_watchers(struct conn *c)
{
    struct tls_conn *t = tls_of(c);
    if (c->close_pending || c->fd < 0)
        return;
    int want_read = 0, want_write = 0;
    if (t->flags & TLS_HANDSHAKING) {
        want_write = (t->flags & TLS_HANDSHAKE_WANTS_WRITE) != 0;
        want_read = !want_write;
    } else if (c->state == CONN_STATE_CONNECTING) {
        want_write = 1;
    } else if (c->state != CONN_STATE_ACCEPTING) {
        want_read = (c->read_handler && !(t->flags & TLS_READ_WANTS_WRITE)) ||
                    (t->flags & TLS_WRITE_WANTS_READ);
        want_write = (c->write_handler && !(t->flags & TLS_WRITE_WANTS_READ)) ||
                     (t->flags & TLS_READ_WANTS_WRITE);
    }
    set_watcher(c->loop, &c->rio, want_read);
    set_watcher(c->loop, &c->wio, want_write);
    if (c->state == CONN_STATE_CONNECTED && c->read_handler && !(t->flags & TLS_READ_WANTS_WRITE) &&
        SSL_pending(t->ssl) > 0)
        ev_feed_event(c->loop, &c->rio, EV_READ);
}

/* Ends the handshake phase and tells the owner.  Returns 0 if the owner
 * closed the conn from its callback. */
static int finish_handshake(struct conn *c, enum conn_state state)
{
    struct tls_conn *t = tls_of(c);
    t->flags &= ~(TLS_HANDSHAKING | TLS_HANDSHAKE_WANTS_WRITE);
    c->state = state;
    conn_handler cb = c->conn_handler;
    c->conn_handler = NULL;
    tls_update_watchers(c);
    if (!conn_call_handler(c, cb))
        return 0;
    /* An owner without a callback learns of a failure from its read
     * handler: conn_read() reports the error. */
    if (state == CONN_STATE_ERROR && c->read_handler && !c->close_pending)
        ev_feed_event(c->loop, &c->rio, EV_READ);
    return 1;
}

/* One step of the handshake.  Returns 0 if the conn was closed. */
static int handshake_step(struct conn *c)
{
    struct tls_conn *t = tls_of(c);
    ERR_clear_error();
    errno = 0;
    int ret = SSL_do_handshake(t->ssl);
    if (ret == 1)
        return finish_handshake(c, CONN_STATE_CONNECTED);
    int code = classify_failure(c, ret);
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
        if (code == SSL_ERROR_WANT_WRITE)
            t->flags |= TLS_HANDSHAKE_WANTS_WRITE;
        else
            t->flags &= ~TLS_HANDSHAKE_WANTS_WRITE;
        tls_update_watchers(c);
        return 1;
    }
    return finish_handshake(c, CONN_STATE_ERROR);
}

/* The non-blocking TCP connect has finished: start the handshake. */
static void tcp_connect_done(struct conn *c)
{
    int err = net_socket_error(c->fd);
    if (err) {
        c->last_errno = err;
        finish_handshake(c, CONN_STATE_ERROR);
        return;
    }
    SSL_set_fd(tls_of(c)->ssl, c->fd);
    tls_of(c)->flags |= TLS_HANDSHAKING;
    handshake_step(c);
}

/* Runs the owner's handlers for a connected conn.  A handler that stalled
 * on the opposite direction runs when that direction is ready. */
static void dispatch(struct conn *c, int revents)
{
    struct tls_conn *t = tls_of(c);
    int call_read = ((revents & EV_READ) && c->read_handler) ||
                    ((revents & EV_WRITE) && (t->flags & TLS_READ_WANTS_WRITE));
    int call_write = ((revents & EV_WRITE) && c->write_handler) ||
                     ((revents & EV_READ) && (t->flags & TLS_WRITE_WANTS_READ));
    if (call_read) {
        t->flags &= ~TLS_READ_WANTS_WRITE;
        if (!conn_call_handler(c, c->read_handler))
            return;
    }
    if (call_write) {
        t->flags &= ~TLS_WRITE_WANTS_READ;
        if (!conn_call_handler(c, c->write_handler))
            return;
    }
    tls_update_watchers(c);
}

static void tls_on_event(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    struct conn *c = w->data;
    struct tls_conn *t = tls_of(c);
    if (t->flags & TLS_HANDSHAKING)
        handshake_step(c);
    else if (c->state == CONN_STATE_CONNECTING)
        tcp_connect_done(c);
    else
        dispatch(c, revents);
}

static void tls_init_watchers(struct conn *c)
{
    ev_io_init(&c->rio, tls_on_event, c->fd, EV_READ);
    ev_io_init(&c->wio, tls_on_event, c->fd, EV_WRITE);
    c->rio.data = c->wio.data = c;
}

static int tls_accept(struct conn *c, conn_handler cb)
{
    c->conn_handler = cb;
    if (c->state == CONN_STATE_ERROR)
        return finish_handshake(c, CONN_STATE_ERROR) ? 0 : -1;
    if (c->state != CONN_STATE_ACCEPTING)
        return -1;
    tls_of(c)->flags |= TLS_HANDSHAKING;
    return handshake_step(c) ? 0 : -1;
}

static int is_ip_literal(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static int tls_connect(struct conn *c, const char *host, int port, const char *src, conn_handler cb)
{
    struct tls_conn *t = tls_of(c);
    if (c->state != CONN_STATE_NONE || !t->ssl) {
        c->state = CONN_STATE_ERROR;
        return -1;
    }
    char err[NET_ERR_LEN] = "";
    int fd = net_tcp_connect_nonblock(err, host, port, src);
    if (fd < 0) {
        c->state = CONN_STATE_ERROR;
        c->last_errno = errno;
        snprintf(c->err, sizeof c->err, "%s", err);
        return -1;
    }
    c->fd = fd;
    tls_init_watchers(c);
    SSL_set_connect_state(t->ssl);
    /* SNI only carries names: RFC 6066 forbids literal addresses. */
    if (!is_ip_literal(host))
        SSL_set_tlsext_host_name(t->ssl, host);
    c->state = CONN_STATE_CONNECTING;
    c->conn_handler = cb;
    tls_update_watchers(c);
    return 0;
}

/* Common ending of a failed SSL_read/SSL_write past the would-block cases:
 * a clean or abrupt EOF closes, anything else is an error. */
static void fail_io(struct conn *c, int code)
{
    if (code == SSL_ERROR_ZERO_RETURN || (code == SSL_ERROR_SYSCALL && c->last_errno == 0))
        c->state = CONN_STATE_CLOSED;
    else
        c->state = CONN_STATE_ERROR;
}

/* What a failed SSL_read (reading) or SSL_write returns.  A renegotiation
 * may make a read wait for the socket to be writable, or a write for it
 * to be readable: the watchers follow.  0 means the peer closed (reads
 * only); -1 with EAGAIN means try later. */
static ssize_t io_failed(struct conn *c, int n, int reading)
{
    struct tls_conn *t = tls_of(c);
    int code = classify_failure(c, n);
    if (code == (reading ? SSL_ERROR_WANT_WRITE : SSL_ERROR_WANT_READ)) {
        t->flags |= reading ? TLS_READ_WANTS_WRITE : TLS_WRITE_WANTS_READ;
        tls_update_watchers(c);
    }
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE ||
        (code == SSL_ERROR_SYSCALL && (errno == EINTR || errno == EAGAIN))) {
        errno = EAGAIN;
        return -1;
    }
    fail_io(c, code);
    if (reading && c->state == CONN_STATE_CLOSED)
        return 0;
    errno = c->last_errno ? c->last_errno : (reading ? EIO : EPIPE);
    return -1;
}

/* 0 means the peer closed; -1 with EAGAIN means try later. */
static ssize_t tls_read(struct conn *c, void *buf, size_t len)
{
    struct tls_conn *t = tls_of(c);
    if (c->state == CONN_STATE_CLOSED)
        return 0;
    if (c->state != CONN_STATE_CONNECTED) {
        errno = ENOTCONN;
        return -1;
    }
    ERR_clear_error();
    errno = 0;
    int n = SSL_read(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    return n > 0 ? n : io_failed(c, n, 1);
}

static ssize_t tls_write(struct conn *c, const void *buf, size_t len)
{
    struct tls_conn *t = tls_of(c);
    if (c->state != CONN_STATE_CONNECTED) {
        errno = c->state == CONN_STATE_CLOSED ? EPIPE : ENOTCONN;
        return -1;
    }
    if (len == 0)
        return 0;
    ERR_clear_error();
    errno = 0;
    int n = SSL_write(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    return n > 0 ? n : io_failed(c, n, 0);
}

/* TLS has no scatter write.  Small buffers are copied together so they go
 * out in one record; a big first buffer goes out on its own.  A write
 * OpenSSL asked to retry is retried with the same leading bytes and at
 * least the same length, as it requires: callers resend from the same
 * offset, their buffers only grow, and the choice between the two paths
 * depends on the first buffer's size, which only grows too. */
static ssize_t tls_writev(struct conn *c, const struct iovec *iov, int iovcnt)
{
    if (iovcnt <= 0)
        return 0;
    if (iovcnt == 1 || iov[0].iov_len >= TLS_GATHER_MAX)
        return tls_write(c, iov[0].iov_base, iov[0].iov_len);
    char buf[TLS_GATHER_MAX];
    size_t used = 0;
    for (int i = 0; i < iovcnt && used < sizeof buf; i++) {
        size_t take = iov[i].iov_len;
        if (take > sizeof buf - used)
            take = sizeof buf - used;
        memcpy(buf + used, iov[i].iov_base, take);
        used += take;
    }
    return tls_write(c, buf, used);
}

static int tls_has_pending(struct conn *c)
{
    struct tls_conn *t = tls_of(c);
    return t->ssl && c->state == CONN_STATE_CONNECTED && SSL_pending(t->ssl) > 0;
}

static void tls_destroy(struct conn *c)
{
    struct tls_conn *t = tls_of(c);
    if (!t)
        return;
    if (t->ssl) {
        /* Best effort close_notify; a blocked socket just drops it. */
        if (c->state == CONN_STATE_CONNECTED)
            SSL_shutdown(t->ssl);
        SSL_free(t->ssl);
    }
    ERR_clear_error();
    mem_free(t);
    c->impl = NULL;
}

static const struct conn_ops tls_ops = {
    .name = "tls",
    .connect = tls_connect,
    .accept = tls_accept,
    .read = tls_read,
    .write = tls_write,
    .writev = tls_writev,
    .has_pending = tls_has_pending,
    .update_watchers = tls_update_watchers,
    .destroy = tls_destroy,
};

static int verify_mode(enum conn_tls_auth auth)
{
    switch (auth) {
    case CONN_TLS_AUTH_NO: return SSL_VERIFY_NONE;
    case CONN_TLS_AUTH_OPTIONAL: return SSL_VERIFY_PEER;
    case CONN_TLS_AUTH_YES: break;
    }
    return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}

static struct conn *tls_alloc(struct ev_loop *loop, int fd, struct ssl_ctx_st *ssl_ctx)
{
    struct conn *c = conn_alloc(loop, &tls_ops, fd);
    struct tls_conn *t = mem_calloc(sizeof *t);
    c->impl = t;
    ERR_clear_error();
    t->ssl = ssl_ctx ? SSL_new(ssl_ctx) : NULL;
    if (!t->ssl) {
        c->state = CONN_STATE_ERROR;
        if (ssl_ctx)
            save_openssl_error(c);
        else
            snprintf(c->err, sizeof c->err, "TLS is not configured");
    }
    return c;
}

struct conn *conn_tls_accepted(struct ev_loop *loop, int fd, const struct tls_context *ctx,
                               enum conn_tls_auth auth)
{
    struct conn *c = tls_alloc(loop, fd, ctx ? tls_context_server(ctx) : NULL);
    tls_init_watchers(c);
    if (c->state == CONN_STATE_ERROR)
        return c;
    struct tls_conn *t = tls_of(c);
    SSL_set_verify(t->ssl, verify_mode(auth), NULL);
    SSL_set_fd(t->ssl, fd);
    SSL_set_accept_state(t->ssl);
    c->state = CONN_STATE_ACCEPTING;
    return c;
}

struct conn *conn_tls_new(struct ev_loop *loop, const struct tls_context *ctx)
{
    return tls_alloc(loop, -1, ctx ? tls_context_client(ctx) : NULL);
}

int conn_is_tls(const struct conn *c)
{
    return c->ops == &tls_ops;
}
