/* link — an asynchronous client connection from the sentinel to a Redis
 * instance or another sentinel.
 *
 * A link is a conn (common/conn.h), an output vstr, hiredis's reply reader
 * and a FIFO of reply callbacks.  Commands may be queued while the
 * connection is still being established.  A pub/sub link has no FIFO: every
 * reply is handed to the owner's push handler.  The link never reconnects
 * by itself; the owner calls link_connect() again on its own schedule.
 * Callbacks may close or free the link they run for: both are deferred
 * until the reply loop returns.
 */
#ifndef VIGIL_SENTINEL_LINK_H
#define VIGIL_SENTINEL_LINK_H

#include <ev.h>
#include <hiredis/hiredis.h>
#include <stddef.h>

struct link;

/* reply is never NULL; it is freed after the callback returns. */
typedef void (*link_reply_fn)(struct link *l, redisReply *reply, void *owner);

struct link_handlers {
    void (*on_connect)(struct link *l, void *owner);
    /* Called once when an established or pending connection is lost. */
    void (*on_disconnect)(struct link *l, void *owner, const char *why);
    /* Pub/sub links: every reply. */
    link_reply_fn on_push;
};

struct link *link_new(struct ev_loop *loop, const struct link_handlers *h, void *owner,
                      int pubsub);
/* Frees the link; pending callbacks are dropped without being called. */
void link_free(struct link *l);

/* Starts connecting to host:port, closing any current connection. */
int link_connect(struct link *l, const char *host, int port);
/* Drops the connection (pending callbacks are dropped, on_disconnect runs). */
void link_close(struct link *l, const char *why);

int link_is_connected(const struct link *l);
/* Connected or connecting. */
int link_is_active(const struct link *l);
/* Commands sent whose replies have not arrived. */
int link_pending(const struct link *l);
/* Our end of the connection (the address peers see us at). */
int link_local_addr(const struct link *l, char *ip, size_t iplen, int *port);

/* Queues a command (argv NULL-terminated).  fn may be NULL to ignore the
 * reply.  -1 if the link has no connection. */
int link_command(struct link *l, link_reply_fn fn, const char *const *argv);
int link_command_argv(struct link *l, link_reply_fn fn, int argc, const char **argv,
                      const size_t *argvlen);

#endif
