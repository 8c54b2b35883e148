/* conn_tls — the TLS (OpenSSL) implementation of the conn interface.
 *
 * A TLS conn behaves like a plain one once connected: conn_read/write/
 * writev, handlers, deferred close.  The differences are handled inside:
 *  - the handshake: conn_accept() and conn_connect() return at once and
 *    call their callback when the handshake has finished, with the state
 *    CONN_STATE_CONNECTED or CONN_STATE_ERROR (conn_last_error() tells
 *    why).  Read and write handlers set before that only start afterwards;
 *  - a read that needs the socket writable (or a write that needs it
 *    readable) returns -1/EAGAIN like any would-block, and the handler is
 *    called again when the socket is ready the way OpenSSL asked;
 *  - bytes OpenSSL already decrypted are delivered by calling the read
 *    handler again from the loop, without waiting for the socket.
 *
 * The SSL object is made when the conn is created and holds its own
 * reference to the context's SSL_CTX, so a context may be replaced (CONFIG
 * SET tls-*) and freed while its connections live on.
 */
#ifndef VIGIL_CONN_TLS_H
#define VIGIL_CONN_TLS_H

#include "conn.h"
#include "tls_context.h"

/* How an accepted connection treats the client's certificate. */
enum conn_tls_auth {
    CONN_TLS_AUTH_NO,       /* not asked for */
    CONN_TLS_AUTH_YES,      /* required and verified against the CA */
    CONN_TLS_AUTH_OPTIONAL, /* verified if the client sends one */
};

/* A TLS connection around an accepted socket; start the handshake with
 * conn_accept().  On failure to set up, the conn is returned in
 * CONN_STATE_ERROR and conn_accept() reports it through its callback. */
struct conn *conn_tls_accepted(struct ev_loop *loop, int fd, const struct tls_context *ctx,
                               enum conn_tls_auth auth);

/* A new outgoing TLS connection for conn_connect().  The server's chain is
 * verified against the configured CA; host names are sent as SNI but not
 * matched against the certificate, as Redis does. */
struct conn *conn_tls_new(struct ev_loop *loop, const struct tls_context *ctx);

/* True if c is a TLS connection. */
int conn_is_tls(const struct conn *c);

#endif
