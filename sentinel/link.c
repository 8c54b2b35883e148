/* link — asynchronous hiredis-protocol client over common/conn (see link.h).
 *
 * Replies are parsed with hiredis's reader and matched with callbacks in
 * FIFO order, which is how Redis answers a pipelined connection.  The conn
 * layer defers the socket close while a handler runs; this module adds the
 * same protection for the link object itself (in_reply / free_pending),
 * because a reply callback may well free the instance that owns the link.
 */
#include "link.h"

#include <errno.h>
#include <string.h>

#include "conn.h"
#include "mem.h"
#include "net.h"
#include "vstr.h"

struct pending_cb {
    link_reply_fn fn;
    struct pending_cb *next;
};

struct link {
    struct ev_loop *loop;
    const struct link_handlers *h;
    void *owner;
    int pubsub;
    struct conn *conn;
    redisReader *reader;
    vstr out;
    struct pending_cb *head, *tail;
    int npending;
    int in_reply;
    int free_pending;
};

static void link_on_readable(struct conn *c);
static void link_on_writable(struct conn *c);

struct link *link_new(struct ev_loop *loop, const struct link_handlers *h, void *owner,
                      int pubsub)
{
    struct link *l = mem_calloc(sizeof *l);
    l->loop = loop;
    l->h = h;
    l->owner = owner;
    l->pubsub = pubsub;
    l->out = vstr_empty();
    return l;
}

static void drop_callbacks(struct link *l)
{
    while (l->head) {
        struct pending_cb *p = l->head;
        l->head = p->next;
        mem_free(p);
    }
    l->tail = NULL;
    l->npending = 0;
}

/* Releases the connection and its parsing state without telling the owner. */
static void release_conn(struct link *l)
{
    if (l->conn) {
        conn_set_data(l->conn, NULL);
        conn_close(l->conn);
        l->conn = NULL;
    }
    if (l->reader) {
        redisReaderFree(l->reader);
        l->reader = NULL;
    }
    vstr_clear(l->out);
    drop_callbacks(l);
}

void link_close(struct link *l, const char *why)
{
    if (!l->conn)
        return;
    release_conn(l);
    if (l->h->on_disconnect && !l->free_pending)
        l->h->on_disconnect(l, l->owner, why);
}

void link_free(struct link *l)
{
    if (!l)
        return;
    if (l->in_reply) {
        /* The reply loop still uses l: it frees it when the callback returns. */
        l->free_pending = 1;
        release_conn(l);
        return;
    }
    release_conn(l);
    vstr_free(l->out);
    mem_free(l);
}

static void link_on_connected(struct conn *c)
{
    struct link *l = conn_data(c);
    if (!l)
        return;
    if (conn_state(c) != CONN_STATE_CONNECTED) {
        link_close(l, conn_last_error(c));
        return;
    }
    conn_set_read_handler(c, link_on_readable);
    if (vstr_len(l->out))
        conn_set_write_handler(c, link_on_writable);
    if (l->h->on_connect)
        l->h->on_connect(l, l->owner);
}

int link_connect(struct link *l, const char *host, int port)
{
    link_close(l, "reconnecting");
    l->conn = conn_plain_new(l->loop);
    conn_set_data(l->conn, l);
    l->reader = redisReaderCreate();
    if (conn_connect(l->conn, host, port, NULL, link_on_connected) < 0) {
        link_close(l, conn_last_error(l->conn));
        return -1;
    }
    return 0;
}

int link_is_connected(const struct link *l)
{
    return l->conn && conn_state(l->conn) == CONN_STATE_CONNECTED;
}

int link_is_active(const struct link *l)
{
    return l->conn != NULL;
}

int link_pending(const struct link *l)
{
    return l->npending;
}

int link_local_addr(const struct link *l, char *ip, size_t iplen, int *port)
{
    if (!link_is_connected(l))
        return -1;
    return net_sock_name(conn_fd(l->conn), ip, iplen, port);
}

static void link_on_writable(struct conn *c)
{
    struct link *l = conn_data(c);
    if (!l)
        return;
    while (vstr_len(l->out)) {
        ssize_t n = conn_write(c, l->out, vstr_len(l->out));
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            link_close(l, conn_last_error(c));
            return;
        }
        vstr_keep_range(l->out, (size_t)n, vstr_len(l->out) - (size_t)n);
    }
    conn_set_write_handler(c, NULL);
}

/* Hands one parsed reply to its callback (or to the push handler). */
static void dispatch_reply(struct link *l, redisReply *reply)
{
    if (l->pubsub) {
        if (l->h->on_push)
            l->h->on_push(l, reply, l->owner);
        return;
    }
    struct pending_cb *p = l->head;
    if (!p) {
        /* A reply nobody asked for: the stream is out of step. */
        link_close(l, "unexpected reply");
        return;
    }
    l->head = p->next;
    if (!l->head)
        l->tail = NULL;
    l->npending--;
    link_reply_fn fn = p->fn;
    mem_free(p);
    if (fn)
        fn(l, reply, l->owner);
}

/* Parses and dispatches every complete reply in the reader.  Stops as soon
 * as a callback closed or freed the link. */
static void drain_replies(struct link *l, struct conn *c)
{
    while (l->conn == c && !l->free_pending) {
        void *reply = NULL;
        if (redisReaderGetReply(l->reader, &reply) != REDIS_OK) {
            link_close(l, "protocol error");
            return;
        }
        if (!reply)
            return;
        dispatch_reply(l, reply);
        freeReplyObject(reply);
    }
}

static void link_on_readable(struct conn *c)
{
    struct link *l = conn_data(c);
    if (!l)
        return;
    char buf[16384];
    ssize_t n = conn_read(c, buf, sizeof buf);
    if (n == 0) {
        link_close(l, "connection closed by peer");
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            link_close(l, conn_last_error(c));
        return;
    }
    redisReaderFeed(l->reader, buf, (size_t)n);
    l->in_reply++;
    drain_replies(l, c);
    l->in_reply--;
    if (l->free_pending && l->in_reply == 0) {
        vstr_free(l->out);
        mem_free(l);
    }
}

int link_command_argv(struct link *l, link_reply_fn fn, int argc, const char **argv,
                      const size_t *argvlen)
{
    if (!l->conn || l->free_pending)
        return -1;
    char *cmd = NULL;
    int len = redisFormatCommandArgv(&cmd, argc, argv, argvlen);
    if (len < 0)
        return -1;
    l->out = vstr_cat(l->out, cmd, (size_t)len);
    redisFreeCommand(cmd);
    if (!l->pubsub) {
        struct pending_cb *p = mem_calloc(sizeof *p);
        p->fn = fn;
        if (l->tail)
            l->tail->next = p;
        else
            l->head = p;
        l->tail = p;
        l->npending++;
    }
    if (link_is_connected(l))
        conn_set_write_handler(l->conn, link_on_writable);
    return 0;
}

int link_command(struct link *l, link_reply_fn fn, const char *const *argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return link_command_argv(l, fn, argc, (const char **)argv, NULL);
}
