/* networking — accepting clients, reading and executing requests, and
 * writing replies; see networking.h.
 *
 * Replies are not written from command handlers: a client with output is
 * queued on server.pending_writes and the before-sleep hook writes them
 * all at once, so a pipeline of requests read in one go costs one write.
 * Only what cannot be written then waits for the socket to be writable.
 */
#include "networking.h"

#include "commands.h"
#include "conn_tls.h"
#include "connection.h"
#include "log.h"
#include "mem.h"
#include "mtime.h"
#include "multi.h"
#include "pubsub.h"
#include "replication.h"
#include "reply.h"
#include "server.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define IOBUF_LEN (16 * 1024)
/* Bulk arguments at least this big are read straight to their full size. */
#define MBULK_BIG_ARG (32 * 1024)
#define MAX_ACCEPTS_PER_CALL 1000
/* Per write event, stop after this much unless memory is tight: others wait. */
#define MAX_WRITE_PER_EVENT (1024 * 64)
#define MAX_IOV 64
#define MAX_FREE_HOOKS 8
#define REPLY_PEAK_WINDOW_MS 5000

static void (*free_hooks[MAX_FREE_HOOKS])(struct client *c);
static int free_hook_count;

void networking_add_free_hook(void (*hook)(struct client *c))
{
    if (free_hook_count < MAX_FREE_HOOKS)
        free_hooks[free_hook_count++] = hook;
}

int client_arg_is(const struct client *c, int i, const char *keyword)
{
    return strcasecmp(c->argv[i].ptr, keyword) == 0 && strlen(keyword) == c->argv[i].len;
}

void client_set_db(struct client *c, int dbid)
{
    c->db = db_get(dbid);
}

static void link_client(struct client *c)
{
    c->prev = server.clients_tail;
    c->next = NULL;
    if (server.clients_tail)
        server.clients_tail->next = c;
    else
        server.clients_head = c;
    server.clients_tail = c;
    server.client_count++;
}

static void unlink_client(struct client *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else if (server.clients_head == c)
        server.clients_head = c->next;
    else
        return;
    if (c->next)
        c->next->prev = c->prev;
    else
        server.clients_tail = c->prev;
    c->prev = c->next = NULL;
    server.client_count--;
}

static void client_on_readable(struct conn *conn);

struct client *client_new(struct conn *conn)
{
    struct client *c = mem_calloc(sizeof *c);
    c->id = server.next_client_id++;
    c->conn = conn;
    c->resp = 2;
    c->db = db_get(0);
    c->authenticated = !connection_auth_required();
    c->querybuf = vstr_empty();
    resp_request_init(&c->req);
    c->buf = mem_malloc(CLIENT_REPLY_CHUNK);
    c->ctime = c->last_interaction = server.unixtime;
    c->buf_peak_reset_time = server.mstime;
    if (conn) {
        conn_set_data(conn, c);
        conn_set_read_handler(conn, client_on_readable);
        if (cfg.tcp_keepalive)
            net_set_keepalive(conn->fd, cfg.tcp_keepalive);
        net_set_nodelay(conn->fd, 1);
        link_client(c);
    } else {
        c->flags |= CLIENT_FAKE;
    }
    return c;
}

static void free_reply_blocks(struct client *c)
{
    struct reply_block *b = c->reply_head;
    while (b) {
        struct reply_block *next = b->next;
        mem_free(b);
        b = next;
    }
    c->reply_head = c->reply_tail = NULL;
    c->reply_bytes = c->reply_blocks = 0;
}

/* Removes c from the singly linked pending-write queue, if queued. */
static void unqueue_pending_write(struct client *c)
{
    if (!(c->flags & CLIENT_PENDING_WRITE))
        return;
    struct client **link = &server.pending_writes;
    while (*link && *link != c)
        link = &(*link)->next_pending_write;
    if (*link)
        *link = c->next_pending_write;
    c->flags &= ~CLIENT_PENDING_WRITE;
}

void client_free(struct client *c)
{
    if (server.current_client == c)
        server.current_client = NULL;
    for (int i = 0; i < free_hook_count; i++)
        free_hooks[i](c);
    unqueue_pending_write(c);
    unlink_client(c);
    if (c->conn)
        conn_close(c->conn);
    client_release_argv(c);
    resp_request_free(&c->req);
    vstr_free(c->querybuf);
    vstr_free(c->name);
    vstr_free(c->user);
    free_reply_blocks(c);
    mem_free(c->buf);
    mem_free(c);
}

void client_close_async(struct client *c)
{
    if (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_FAKE))
        return;
    c->flags |= CLIENT_CLOSE_ASAP;
    c->next_close = server.pending_closes;
    server.pending_closes = c;
}

static void free_pending_closes(void)
{
    while (server.pending_closes) {
        struct client *c = server.pending_closes;
        server.pending_closes = c->next_close;
        client_free(c);
    }
}

void client_own_argv(struct client *c)
{
    if (c->owned_argv)
        return;
    c->owned_argv = mem_malloc(sizeof(vstr) * (size_t)c->argc);
    struct resp_arg *copy = mem_malloc(sizeof *copy * (size_t)c->argc);
    for (int i = 0; i < c->argc; i++) {
        c->owned_argv[i] = vstr_new(c->argv[i].ptr, c->argv[i].len);
        copy[i].ptr = c->owned_argv[i];
        copy[i].len = c->argv[i].len;
    }
    c->argv = copy;
}

void client_release_argv(struct client *c)
{
    if (!c->owned_argv)
        return;
    for (int i = 0; i < c->argc; i++)
        vstr_free(c->owned_argv[i]);
    mem_free(c->owned_argv);
    mem_free(c->argv);
    c->owned_argv = NULL;
    c->argv = NULL;
    c->argc = 0;
}

/* ---- accepting ---- */

static const char protected_mode_msg[] =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
    "the server is running, however MAKE SURE Redis is not publicly accessible from internet if "
    "you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the "
    "protected mode option to 'no', and then restarting the server. 3) If you started the server "
    "manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an "
    "authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.\r\n";

/* Refusals are written straight to the socket: no client is created. */
static void refuse_connection(int fd, const char *msg)
{
    ssize_t ignored = write(fd, msg, strlen(msg));
    (void)ignored;
    close(fd);
}

enum listener_kind { LISTENER_TCP, LISTENER_UNIX, LISTENER_TLS };

static struct tls_context *tls_ctx;
/* TLS listeners sit beside the plain ones, one per bind address. */
static int tls_listen_fds[CONFIG_MAX_BIND + 1];
static ev_io tls_listen_watchers[CONFIG_MAX_BIND + 1];
static int tls_listen_count;

static int protected_mode_refuses(const char *ip)
{
    return cfg.protected_mode && !connection_auth_required() && !net_is_loopback(ip);
}

/* Runs when a TLS client's handshake is over.  The protected-mode refusal
 * waits until now so the client can read it. */
static void tls_client_accepted(struct conn *conn)
{
    struct client *c = conn_data(conn);
    if (conn_state(conn) != CONN_STATE_CONNECTED) {
        log_warning("Error accepting a client connection: %s", conn_last_error(conn));
        client_free(c);
        return;
    }
    char ip[64];
    if (net_peer_name(conn->fd, ip, sizeof ip, NULL) == 0 && protected_mode_refuses(ip)) {
        ssize_t ignored = conn_write(conn, protected_mode_msg, strlen(protected_mode_msg));
        (void)ignored;
        server.stat.rejected_conn++;
        client_free(c);
    }
}

static struct conn *new_accepted_conn(int fd, enum listener_kind kind)
{
    if (kind != LISTENER_TLS)
        return conn_plain_accepted(server.loop, fd);
    enum conn_tls_auth auth = cfg.tls_auth_clients == TLS_AUTH_CLIENTS_NO ? CONN_TLS_AUTH_NO
                              : cfg.tls_auth_clients == TLS_AUTH_CLIENTS_OPTIONAL
                                  ? CONN_TLS_AUTH_OPTIONAL
                                  : CONN_TLS_AUTH_YES;
    return conn_tls_accepted(server.loop, fd, tls_ctx, auth);
}

static void accept_client(int fd, const char *ip, int port, enum listener_kind kind)
{
    if (server.client_count >= cfg.maxclients) {
        /* Before a handshake there is no way to tell a TLS client why. */
        if (kind == LISTENER_TLS)
            close(fd);
        else
            refuse_connection(fd, "-ERR max number of clients reached\r\n");
        server.stat.rejected_conn++;
        return;
    }
    if (kind == LISTENER_TCP && protected_mode_refuses(ip)) {
        refuse_connection(fd, protected_mode_msg);
        server.stat.rejected_conn++;
        return;
    }
    struct conn *conn = new_accepted_conn(fd, kind);
    struct client *c = client_new(conn);
    if (kind == LISTENER_UNIX) {
        c->flags |= CLIENT_UNIX_SOCKET;
        snprintf(c->addr, sizeof c->addr, "%s:0", cfg.unixsocket);
        snprintf(c->laddr, sizeof c->laddr, "%s:0", cfg.unixsocket);
    } else {
        char lip[64];
        int lport = 0;
        net_format_addr(c->addr, sizeof c->addr, ip, port);
        if (net_sock_name(fd, lip, sizeof lip, &lport) == 0)
            net_format_addr(c->laddr, sizeof c->laddr, lip, lport);
    }
    server.stat.numconnections++;
    log_verbose("Accepted %s", c->addr);
    /* Last: a failed handshake frees the client from the callback. */
    conn_accept(conn, kind == LISTENER_TLS ? tls_client_accepted : NULL);
}

static void accept_tcp_connections(int listen_fd, enum listener_kind kind)
{
    for (int i = 0; i < MAX_ACCEPTS_PER_CALL; i++) {
        char ip[64], err[NET_ERR_LEN];
        int port;
        int fd = net_tcp_accept(err, listen_fd, ip, sizeof ip, &port);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_warning("Accepting client connection: %s", err);
            return;
        }
        accept_client(fd, ip, port, kind);
    }
}

static void on_tcp_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    accept_tcp_connections(w->fd, LISTENER_TCP);
}

static void on_tls_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    accept_tcp_connections(w->fd, LISTENER_TLS);
}

static void on_unix_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    for (int i = 0; i < MAX_ACCEPTS_PER_CALL; i++) {
        char err[NET_ERR_LEN];
        int fd = net_unix_accept(err, w->fd);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_warning("Accepting client connection: %s", err);
            return;
        }
        accept_client(fd, NULL, 0, LISTENER_UNIX);
    }
}

/* Opens addr:port into fds[*count] and watchers[*count]. */
static int listen_tcp(const char *addr, int port, int *fds, ev_io *watchers, int *count,
                      void (*on_accept)(struct ev_loop *, ev_io *, int))
{
    char err[NET_ERR_LEN] = "";
    int fd = net_tcp_listen(err, addr, port, cfg.tcp_backlog);
    if (fd == -2)
        return 0; /* optional address ("-::1") not available */
    if (fd < 0) {
        log_warning("Warning: Could not create server TCP listening socket %s:%d: %s", addr, port,
                    err);
        return -1;
    }
    int i = (*count)++;
    fds[i] = fd;
    ev_io_init(&watchers[i], on_accept, fd, EV_READ);
    ev_io_start(server.loop, &watchers[i]);
    return 0;
}

/* The plain port, then the TLS port, on every bind address. */
static int listen_tcp_ports(void)
{
    static char *const default_bind[] = {"*", "-::*"};
    char *const *addrs = cfg.bind_count ? cfg.bind : default_bind;
    int count = cfg.bind_count ? cfg.bind_count : 2;
    for (int i = 0; cfg.port != 0 && i < count; i++)
        if (listen_tcp(addrs[i], cfg.port, server.listen_fds, server.listen_watchers,
                       &server.listen_count, on_tcp_accept) < 0)
            return -1;
    for (int i = 0; cfg.tls_port != 0 && i < count; i++)
        if (listen_tcp(addrs[i], cfg.tls_port, tls_listen_fds, tls_listen_watchers,
                       &tls_listen_count, on_tls_accept) < 0)
            return -1;
    return 0;
}

int networking_listen(void)
{
    server.listen_count = 0;
    tls_listen_count = 0;
    server.unix_fd = -1;
    if (listen_tcp_ports() < 0)
        return -1;
    if (cfg.unixsocket && *cfg.unixsocket) {
        char err[NET_ERR_LEN] = "";
        server.unix_fd = net_unix_listen(err, cfg.unixsocket, cfg.unixsocketperm, cfg.tcp_backlog);
        if (server.unix_fd < 0) {
            log_warning("Failed opening Unix socket: %s", err);
            return -1;
        }
        ev_io_init(&server.unix_watcher, on_unix_accept, server.unix_fd, EV_READ);
        ev_io_start(server.loop, &server.unix_watcher);
    }
    if (server.listen_count == 0 && tls_listen_count == 0 && server.unix_fd < 0) {
        log_warning("Configured to not listen anywhere, exiting.");
        return -1;
    }
    return 0;
}

void networking_close_listeners(void)
{
    for (int i = 0; i < server.listen_count; i++) {
        ev_io_stop(server.loop, &server.listen_watchers[i]);
        close(server.listen_fds[i]);
    }
    server.listen_count = 0;
    for (int i = 0; i < tls_listen_count; i++) {
        ev_io_stop(server.loop, &tls_listen_watchers[i]);
        close(tls_listen_fds[i]);
    }
    tls_listen_count = 0;
    if (server.unix_fd >= 0) {
        ev_io_stop(server.loop, &server.unix_watcher);
        close(server.unix_fd);
        unlink(cfg.unixsocket);
        server.unix_fd = -1;
    }
}

int networking_tls_configure(void)
{
    const struct tls_context_config config = {
        .cert_file = cfg.tls_cert_file,
        .key_file = cfg.tls_key_file,
        .key_file_pass = cfg.tls_key_file_pass,
        .client_cert_file = cfg.tls_client_cert_file,
        .client_key_file = cfg.tls_client_key_file,
        .client_key_file_pass = cfg.tls_client_key_file_pass,
        .dh_params_file = cfg.tls_dh_params_file,
        .ca_cert_file = cfg.tls_ca_cert_file,
        .ca_cert_dir = cfg.tls_ca_cert_dir,
        .protocols = cfg.tls_protocols,
        .ciphers = cfg.tls_ciphers,
        .ciphersuites = cfg.tls_ciphersuites,
        .prefer_server_ciphers = cfg.tls_prefer_server_ciphers,
        .session_caching = cfg.tls_session_caching,
        .session_cache_size = cfg.tls_session_cache_size,
        .session_cache_timeout = cfg.tls_session_cache_timeout,
        .require_ca =
            cfg.tls_auth_clients != TLS_AUTH_CLIENTS_NO || cfg.tls_replication || cfg.tls_cluster,
    };
    struct tls_context *ctx = tls_context_new(&config);
    if (!ctx)
        return -1;
    /* Live connections keep their own reference to the old context. */
    tls_context_free(tls_ctx);
    tls_ctx = ctx;
    return 0;
}

const struct tls_context *networking_tls_context(void)
{
    return tls_ctx;
}

/* ---- reading and executing ---- */

static void protocol_error(struct client *c, const char *err)
{
    if (log_get_level() <= LOG_VERBOSE) {
        vstr info = client_info_string(vstr_empty(), c);
        log_verbose("Protocol error (%s) from client: %s", err, info);
        vstr_free(info);
    }
    /* Our primary gets no reply: the link is dropped, and the replica
     * reconnects and resyncs. */
    if (c->flags & CLIENT_MASTER) {
        log_warning("Protocol error (%s) from MASTER: dropping the link", err);
        client_close_async(c);
        return;
    }
    reply_error(c, err);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
    c->qb_pos = vstr_len(c->querybuf);
}

/* Moves the unprocessed tail of the query buffer to its start.  The
 * master client keeps what it has not forwarded to our replicas yet (a
 * transaction still open). */
static void trim_query_buffer(struct client *c)
{
    size_t len = vstr_len(c->querybuf);
    size_t drop = (c->flags & CLIENT_MASTER) ? replication_master_trimmable(c) : c->qb_pos;
    if (drop == 0)
        return;
    if (drop >= len) {
        vstr_clear(c->querybuf);
    } else {
        memmove(c->querybuf, c->querybuf + drop, len - drop);
        vstr_set_len(c->querybuf, len - drop);
    }
    c->qb_pos -= drop;
    if (c->flags & CLIENT_MASTER)
        replication_master_trimmed(c, drop);
}

void networking_process_input(struct client *c)
{
    const struct resp_limits limits = {
        .max_bulk_len = (c->flags & CLIENT_MASTER) ? -1 : cfg.proto_max_bulk_len,
        .auth_required = !c->authenticated,
    };
    server.current_client = c;
    while (c->qb_pos < vstr_len(c->querybuf)) {
        if (c->flags &
            (CLIENT_BLOCKED | CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_PAUSED_WAITING))
            break;
        size_t consumed = 0;
        const char *err = NULL;
        enum resp_status st =
            resp_parse(&c->req, c->querybuf + c->qb_pos, vstr_len(c->querybuf) - c->qb_pos, &limits,
                       &consumed, &err);
        if (st == RESP_NEED_MORE)
            break;
        if (st == RESP_ERROR) {
            protocol_error(c, err);
            break;
        }
        if (c->req.argc == 0) {
            c->qb_pos += consumed;
            continue;
        }
        c->argc = c->req.argc;
        c->argv = c->req.argv;
        int rc = commands_process(c);
        /* A postponed command (CLIENT PAUSE) keeps its bytes to run again. */
        if (rc > 0)
            break;
        c->qb_pos += consumed;
        if (c->flags & CLIENT_MASTER)
            replication_master_processed(c);
        if (!c->owned_argv) {
            c->argc = 0;
            c->argv = NULL;
        }
    }
    trim_query_buffer(c);
    if (server.current_client == c)
        server.current_client = NULL;
}

static int querybuf_over_limit(struct client *c)
{
    if (c->flags & CLIENT_MASTER)
        return 0;
    return vstr_len(c->querybuf) > cfg.client_query_buffer_limit;
}

static void client_on_readable(struct conn *conn)
{
    struct client *c = conn_data(conn);
    size_t buffered = vstr_len(c->querybuf) - c->qb_pos;
    size_t readlen = IOBUF_LEN;
    size_t missing = resp_bulk_bytes_missing(&c->req, buffered);
    /* A big argument is read to its exact end, so the buffer is sized once
     * and the next request starts in a fresh read. */
    if (missing >= MBULK_BIG_ARG)
        readlen = missing;
    c->querybuf = vstr_make_room(c->querybuf, readlen);
    size_t len = vstr_len(c->querybuf);
    ssize_t n = conn_read(conn, c->querybuf + len, readlen);
    if (n < 0) {
        if (conn_state(conn) == CONN_STATE_CONNECTED)
            return;
        log_verbose("Reading from client: %s", conn_last_error(conn));
        client_close_async(c);
        return;
    }
    if (n == 0) {
        log_verbose("Client closed connection %s", c->addr);
        client_close_async(c);
        return;
    }
    vstr_incr_len(c->querybuf, (size_t)n);
    if (vstr_len(c->querybuf) > c->querybuf_peak)
        c->querybuf_peak = vstr_len(c->querybuf);
    c->last_interaction = server.unixtime;
    c->net_input_bytes += (uint64_t)n;
    server.stat.net_input_bytes += n;
    server.stat.total_reads_processed++;
    if (querybuf_over_limit(c)) {
        vstr info = client_info_string(vstr_empty(), c);
        log_warning("Closing client that reached max query buffer length: %s", info);
        vstr_free(info);
        server.stat.client_qbuf_limit_disconnections++;
        client_close_async(c);
        return;
    }
    networking_process_input(c);
}

/* ---- writing ---- */

void networking_schedule_write(struct client *c)
{
    if (c->flags & (CLIENT_PENDING_WRITE | CLIENT_FAKE) || !c->conn)
        return;
    c->flags |= CLIENT_PENDING_WRITE;
    c->next_pending_write = server.pending_writes;
    server.pending_writes = c;
}

/* Writes from the fixed buffer and the block list with one writev; 0 on
 * success (maybe partial), -1 if the connection failed. */
static int write_to_client(struct client *c)
{
    size_t total = 0;
    if (c->bufpos > c->buf_peak)
        c->buf_peak = c->bufpos;
    while (reply_has_pending(c)) {
        struct iovec iov[MAX_IOV];
        int n = 0;
        size_t batch = 0;
        if (c->bufpos > c->sentlen) {
            iov[n].iov_base = c->buf + c->sentlen;
            iov[n].iov_len = c->bufpos - c->sentlen;
            batch += iov[n++].iov_len;
        }
        size_t skip = c->bufpos > c->sentlen ? 0 : c->sentlen;
        for (struct reply_block *b = c->reply_head; b && n < MAX_IOV; b = b->next) {
            if (b->used <= skip) {
                skip -= b->used;
                continue;
            }
            iov[n].iov_base = b->data + skip;
            iov[n].iov_len = b->used - skip;
            batch += iov[n++].iov_len;
            skip = 0;
        }
        if (n == 0)
            break;
        ssize_t w = conn_writev(c->conn, iov, n);
        if (w <= 0) {
            if (w < 0 && conn_state(c->conn) == CONN_STATE_CONNECTED)
                break;
            log_verbose("Error writing to client: %s", conn_last_error(c->conn));
            return -1;
        }
        total += (size_t)w;
        size_t left = (size_t)w;
        if (c->bufpos > c->sentlen) {
            size_t chunk = c->bufpos - c->sentlen;
            size_t used = left < chunk ? left : chunk;
            c->sentlen += used;
            left -= used;
            if (c->sentlen == c->bufpos)
                c->sentlen = c->bufpos = 0;
            else
                continue;
        }
        /* For blocks, sentlen counts bytes already sent of the head block. */
        while (left > 0 && c->reply_head) {
            struct reply_block *b = c->reply_head;
            size_t remain = b->used - c->sentlen;
            if (left >= remain) {
                left -= remain;
                c->reply_head = b->next;
                if (!c->reply_head)
                    c->reply_tail = NULL;
                c->reply_bytes -= b->size;
                c->reply_blocks--;
                c->sentlen = 0;
                mem_free(b);
            } else {
                c->sentlen += left;
                left = 0;
            }
        }
        if ((size_t)w < batch)
            break;
        if (total > MAX_WRITE_PER_EVENT && mem_used() < cfg.maxmemory)
            break;
    }
    c->net_output_bytes += total;
    server.stat.net_output_bytes += (long long)total;
    server.stat.total_writes_processed++;
    if (total > 0 && !(c->flags & CLIENT_MASTER))
        c->last_interaction = server.unixtime;
    return 0;
}

static void client_on_writable(struct conn *conn);

/* After a write: stop watching writability once drained, close if asked. */
static void after_write(struct client *c)
{
    if (!reply_has_pending(c)) {
        c->sentlen = 0;
        if (c->conn->write_handler)
            conn_set_write_handler(c->conn, NULL);
        if (c->flags & CLIENT_CLOSE_AFTER_REPLY)
            client_close_async(c);
    } else if (!c->conn->write_handler) {
        conn_set_write_handler(c->conn, client_on_writable);
    }
}

static void client_on_writable(struct conn *conn)
{
    struct client *c = conn_data(conn);
    if (write_to_client(c) < 0) {
        client_close_async(c);
        return;
    }
    after_write(c);
}

static void flush_pending_writes(void)
{
    while (server.pending_writes) {
        struct client *c = server.pending_writes;
        server.pending_writes = c->next_pending_write;
        c->flags &= ~CLIENT_PENDING_WRITE;
        if (c->flags & CLIENT_CLOSE_ASAP)
            continue;
        if (write_to_client(c) < 0) {
            client_close_async(c);
            continue;
        }
        after_write(c);
    }
}

void networking_before_sleep(void)
{
    flush_pending_writes();
    free_pending_closes();
}

int networking_check_obuf_limits(struct client *c)
{
    int class = (c->flags & CLIENT_SLAVE) ? 1 : (c->flags & CLIENT_PUBSUB) ? 2 : 0;
    if (c->flags & (CLIENT_FAKE | CLIENT_CLOSE_ASAP))
        return 0;
    unsigned long long used = reply_pending_bytes(c);
    unsigned long long hard = cfg.client_obuf_limits[class].hard;
    unsigned long long soft = cfg.client_obuf_limits[class].soft;
    int over = hard && used >= hard;
    if (!over && soft && used >= soft) {
        if (c->obuf_soft_limit_reached_time == 0)
            c->obuf_soft_limit_reached_time = server.unixtime;
        else if (server.unixtime - c->obuf_soft_limit_reached_time >
                 cfg.client_obuf_limits[class].soft_seconds)
            over = 1;
    } else if (!over) {
        c->obuf_soft_limit_reached_time = 0;
    }
    if (!over)
        return 0;
    vstr info = client_info_string(vstr_empty(), c);
    log_warning("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.",
                info);
    vstr_free(info);
    server.stat.client_outbuf_limit_disconnections++;
    client_close_async(c);
    return 1;
}

/* ---- cron ---- */

static int client_timed_out(struct client *c)
{
    if (cfg.maxidletime == 0)
        return 0;
    /* Held by CLIENT PAUSE counts as blocked: waiting is not idling. */
    if (c->flags & (CLIENT_SLAVE | CLIENT_MASTER | CLIENT_BLOCKED | CLIENT_PUBSUB | CLIENT_FAKE |
                    CLIENT_MONITOR | CLIENT_PAUSED_WAITING))
        return 0;
    return server.unixtime - c->last_interaction > cfg.maxidletime;
}

/* An idle client's query buffer goes back to a small allocation. */
static void shrink_query_buffer(struct client *c)
{
    if (vstr_len(c->querybuf) == 0 && vstr_alloc_size(c->querybuf) > 4 * IOBUF_LEN) {
        vstr_free(c->querybuf);
        c->querybuf = vstr_empty();
    }
    c->querybuf_peak = vstr_len(c->querybuf);
}

/* The reply buffer peak covers a sliding window of a few seconds. */
static void reset_reply_peak(struct client *c)
{
    if (server.mstime - c->buf_peak_reset_time < REPLY_PEAK_WINDOW_MS)
        return;
    c->buf_peak = c->bufpos;
    c->buf_peak_reset_time = server.mstime;
}

void networking_clients_cron(void)
{
    for (struct client *c = server.clients_head; c; c = c->next) {
        if (c->flags & CLIENT_CLOSE_ASAP)
            continue;
        if (client_timed_out(c)) {
            log_verbose("Closing idle client");
            client_close_async(c);
            continue;
        }
        shrink_query_buffer(c);
        reset_reply_peak(c);
        networking_check_obuf_limits(c);
    }
}

/* ---- CLIENT LIST / CLIENT INFO lines ---- */

static vstr append_flags(vstr s, const struct client *c)
{
    char flags[16];
    int n = 0;
    if (c->flags & CLIENT_MONITOR)
        flags[n++] = 'O';
    else if (c->flags & CLIENT_SLAVE)
        flags[n++] = 'S';
    if (c->flags & CLIENT_MASTER)
        flags[n++] = 'M';
    if (c->flags & CLIENT_PUBSUB)
        flags[n++] = 'P';
    if (c->flags & CLIENT_MULTI)
        flags[n++] = 'x';
    if (c->flags & CLIENT_BLOCKED)
        flags[n++] = 'b';
    if (c->flags & CLIENT_DIRTY_CAS)
        flags[n++] = 'd';
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY)
        flags[n++] = 'c';
    if (c->flags & CLIENT_UNBLOCKED)
        flags[n++] = 'u';
    if (c->flags & CLIENT_CLOSE_ASAP)
        flags[n++] = 'A';
    if (c->flags & CLIENT_UNIX_SOCKET)
        flags[n++] = 'U';
    if (c->flags & CLIENT_NO_EVICT)
        flags[n++] = 'e';
    if (c->flags & CLIENT_NO_TOUCH)
        flags[n++] = 'T';
    if (n == 0)
        flags[n++] = 'N';
    return vstr_cat(s, flags, (size_t)n);
}

/* Bytes held by the arguments of the command being run. */
static size_t argv_memory(const struct client *c)
{
    size_t sum = 0;
    for (int i = 0; i < c->argc && c->argv; i++)
        sum += c->argv[i].len;
    return sum;
}

/* The fields and their order are Redis 7.0's. */
vstr client_info_string(vstr s, const struct client *c)
{
    const char *cmd = c->lastcmd ? c->lastcmd->fullname : "NULL";
    size_t argv_mem = argv_memory(c);
    size_t qbuf_mem = vstr_alloc_size(c->querybuf);
    s = vstr_catfmt(s, "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=",
                    (unsigned long long)c->id, c->addr, c->laddr, c->conn ? c->conn->fd : -1,
                    c->name ? c->name : "", server.unixtime - c->ctime,
                    server.unixtime - c->last_interaction);
    s = append_flags(s, c);
    s = vstr_catfmt(s,
                    " db=%d sub=%ld psub=%ld ssub=%ld multi=%ld qbuf=%zu qbuf-free=%zu argv-mem=%zu "
                    "multi-mem=0 rbs=%d rbp=%zu obl=%zu oll=%zu omem=%zu tot-mem=%zu events=r%s "
                    "cmd=%s user=%s redir=-1 resp=%d",
                    c->db ? c->db->id : 0, pubsub_client_channel_count(c),
                    pubsub_client_pattern_count(c), pubsub_client_shard_channel_count(c),
                    multi_queued_count(c), vstr_len(c->querybuf), vstr_avail(c->querybuf),
                    argv_mem, CLIENT_REPLY_CHUNK, c->buf_peak, c->bufpos, c->reply_blocks,
                    c->reply_bytes,
                    sizeof *c + qbuf_mem + argv_mem + CLIENT_REPLY_CHUNK + c->reply_bytes,
                    (c->conn && c->conn->write_handler) ? "w" : "", cmd,
                    c->user ? c->user : "default", c->resp);
    return s;
}
