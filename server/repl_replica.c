/* repl_replica — following a primary: REPLICAOF's link, the handshake,
 * the full-sync transfer and the master client that applies the stream.
 *
 * The link is a state machine driven by the connection's read handler and
 * the once-a-second cron: connect, PING, AUTH, REPLCONF listening-port /
 * ip-address / capa, then PSYNC with our history (replid, offset + 1) when
 * we have one.  +CONTINUE turns the connection straight into the master
 * client; +FULLRESYNC is followed by the payload, framed `$<len>` or
 * `$EOF:<mark>`, which is read into memory and loaded.  Bytes the primary
 * sends after the payload already belong to the stream and become the
 * master client's first input.
 *
 * The master client runs the stream like any client's commands (replies
 * suppressed) and, after each command outside a transaction, forwards the
 * exact bytes to our backlog and replicas: that advances our offset.
 */
#include "client.h"
#include "conn_tls.h"
#include "failover.h"
#include "log.h"
#include "mem.h"
#include "net.h"
#include "networking.h"
#include "numconv.h"
#include "rdb.h"
#include "repl_internal.h"
#include "repl_payload.h"
#include "replication.h"
#include "reply.h"
#include "server.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EOF_MARK_LEN 40
#define READ_CHUNK (16 * 1024)
/* A handshake reply line longer than this is not one. */
#define MAX_LINE 1024

enum link_state {
    LINK_NONE,
    LINK_CONNECT,
    LINK_CONNECTING,
    LINK_RECEIVE_PONG,
    LINK_RECEIVE_AUTH,
    LINK_RECEIVE_PORT,
    LINK_RECEIVE_IP,
    LINK_RECEIVE_CAPA,
    LINK_RECEIVE_PSYNC,
    LINK_TRANSFER_HEADER,
    LINK_TRANSFER_BODY,
    LINK_CONNECTED,
};

/* The link to our primary ("ml": master link). */
static struct {
    enum link_state state;
    struct conn *conn; /* until the master client takes it over */
    vstr inbuf;
    struct client *master;
    size_t applied;   /* master client's query buffer bytes already forwarded */
    int have_history; /* PSYNC with our replid and offset, not "? -1" */
    long long last_io_ms;
    long long down_since; /* unix seconds; 0: never up */
    /* The full sync under way. */
    char sync_replid[RUN_ID_LEN + 1];
    long long sync_offset;
    long long xfer_size; /* -1: EOF-framed */
    char eof_mark[EOF_MARK_LEN];
    vstr payload;
    long long xfer_last_io_ms;
} ml;

static void close_handshake(void)
{
    if (ml.conn) {
        conn_close(ml.conn);
        ml.conn = NULL;
    }
    vstr_free(ml.inbuf);
    ml.inbuf = NULL;
    vstr_free(ml.payload);
    ml.payload = NULL;
}

/* Gives up the current attempt; the cron tries again in a second. */
static void retry_later(void)
{
    close_handshake();
    if (server_is_replica())
        ml.state = LINK_CONNECT;
}

static int send_raw(const char *p, size_t len)
{
    ssize_t n = conn_write(ml.conn, p, len);
    if (n != (ssize_t)len) {
        log_warning("Error writing to MASTER: %s", conn_last_error(ml.conn));
        return -1;
    }
    return 0;
}

static int send_command(int argc, const char **argv)
{
    vstr s = vstr_catfmt(vstr_empty(), "*%d\r\n", argc);
    for (int i = 0; i < argc; i++)
        s = vstr_catfmt(s, "$%zu\r\n%s\r\n", strlen(argv[i]), argv[i]);
    int rc = send_raw(s, vstr_len(s));
    vstr_free(s);
    return rc;
}

/* ---- the master client ---- */

static void become_connected(const char *leftover, size_t len)
{
    struct client *c = client_new(ml.conn);
    ml.conn = NULL;
    c->flags |= CLIENT_MASTER;
    c->authenticated = 1;
    int port;
    char ip[64];
    if (net_peer_name(c->conn->fd, ip, sizeof ip, &port) == 0)
        net_format_addr(c->addr, sizeof c->addr, ip, port);
    c->querybuf = vstr_cat(c->querybuf, leftover, len);
    ml.master = c;
    ml.applied = 0;
    ml.state = LINK_CONNECTED;
    ml.have_history = 1;
    close_handshake();
    if (!repl_has_backlog())
        repl_create_backlog();
    repl_replica_send_ack();
    if (vstr_len(c->querybuf))
        networking_process_input(c);
}

void replication_master_processed(struct client *c)
{
    if (c != ml.master || (c->flags & CLIENT_MULTI))
        return;
    size_t n = c->qb_pos - ml.applied;
    if (n == 0)
        return;
    repl_feed_stream(c->querybuf + ml.applied, n);
    ml.applied = c->qb_pos;
}

size_t replication_master_trimmable(const struct client *c)
{
    return c == ml.master ? ml.applied : c->qb_pos;
}

void replication_master_trimmed(struct client *c, size_t n)
{
    if (c == ml.master)
        ml.applied -= n;
}

void repl_replica_send_ack(void)
{
    struct client *c = ml.master;
    if (!c)
        return;
    char off[24];
    snprintf(off, sizeof off, "%lld", server.master_repl_offset);
    vstr s = vstr_catfmt(vstr_empty(), "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$%zu\r\n%s\r\n",
                         strlen(off), off);
    c->flags |= CLIENT_MASTER_FORCE_REPLY;
    reply_raw(c, s, vstr_len(s));
    c->flags &= ~CLIENT_MASTER_FORCE_REPLY;
    vstr_free(s);
}

void repl_replica_client_freed(struct client *c)
{
    if (c != ml.master)
        return;
    ml.master = NULL;
    ml.down_since = server.unixtime;
    log_notice("Connection with master lost.");
    log_notice("Caching the disconnected master state.");
    if (server_is_replica())
        ml.state = LINK_CONNECT;
}

/* ---- the full sync payload ---- */

static void finish_full_sync(const char *leftover, size_t len)
{
    log_notice("MASTER <-> REPLICA sync: Flushing old data");
    /* Our replicas hold the old data set: they must sync again. */
    repl_primary_disconnect_replicas();
    log_notice("MASTER <-> REPLICA sync: Loading DB in memory");
    if (repl_payload_load(ml.payload, vstr_len(ml.payload)) < 0) {
        log_warning("Failed trying to load the MASTER synchronization DB from socket");
        ml.have_history = 0;
        retry_later();
        return;
    }
    repl_set_history(ml.sync_replid, ml.sync_offset);
    repl_create_backlog();
    log_notice("MASTER <-> REPLICA sync: Finished with success");
    vstr rest = vstr_new(leftover, len);
    become_connected(rest, vstr_len(rest));
    vstr_free(rest);
}

/* Consumes payload bytes from inbuf; finishes the sync at the end. */
static void read_payload(void)
{
    size_t before = vstr_len(ml.payload);
    ml.payload = vstr_cat(ml.payload, ml.inbuf, vstr_len(ml.inbuf));
    vstr_clear(ml.inbuf);
    size_t have = vstr_len(ml.payload);
    if (ml.xfer_size >= 0) {
        if ((long long)have < ml.xfer_size)
            return;
        size_t end = (size_t)ml.xfer_size;
        vstr extra = vstr_new(ml.payload + end, have - end);
        vstr_set_len(ml.payload, end);
        finish_full_sync(extra, vstr_len(extra));
        vstr_free(extra);
        return;
    }
    /* The mark may straddle the previous read: search from just before it. */
    size_t from = before > EOF_MARK_LEN ? before - EOF_MARK_LEN : 0;
    char *mark = memmem(ml.payload + from, have - from, ml.eof_mark, EOF_MARK_LEN);
    if (!mark)
        return;
    size_t end = (size_t)(mark - ml.payload);
    vstr extra = vstr_new(mark + EOF_MARK_LEN, have - end - EOF_MARK_LEN);
    vstr_set_len(ml.payload, end);
    finish_full_sync(extra, vstr_len(extra));
    vstr_free(extra);
}

/* ---- loading straight from the socket (repl-diskless-load) ---- */

#define SOCKET_CHUNK (64 * 1024)

/* The RDB reader's source: what the handshake already read, then the
 * socket, read ahead in big chunks; what is left after the image is the
 * stream's first bytes. */
struct socket_reader {
    vstr buf;
    size_t pos;
};

/* Blocks (up to repl-timeout per read) for the next chunk: the replica
 * does nothing else while it loads from the socket, as in Redis. */
static int refill(struct socket_reader *r)
{
    vstr_clear(r->buf);
    r->pos = 0;
    r->buf = vstr_make_room(r->buf, SOCKET_CHUNK);
    for (;;) {
        ssize_t n = conn_read(ml.conn, r->buf, SOCKET_CHUNK);
        if (n > 0) {
            vstr_set_len(r->buf, (size_t)n);
            server.stat.net_input_bytes += n;
            return 0;
        }
        if (n == 0 || conn_state(ml.conn) != CONN_STATE_CONNECTED) {
            log_warning("I/O error trying to sync with MASTER: connection lost");
            return -1;
        }
        struct pollfd pfd = {.fd = conn_fd(ml.conn), .events = POLLIN};
        if (poll(&pfd, 1, cfg.repl_timeout * 1000) <= 0) {
            log_warning("Timeout receiving bulk data from MASTER...");
            return -1;
        }
    }
}

static size_t socket_read(void *ctx, void *buf, size_t len)
{
    struct socket_reader *r = ctx;
    size_t got = 0;
    while (got < len) {
        if (r->pos == vstr_len(r->buf) && refill(r) < 0)
            break;
        size_t n = vstr_len(r->buf) - r->pos;
        if (n > len - got)
            n = len - got;
        memcpy((char *)buf + got, r->buf + r->pos, n);
        r->pos += n;
        got += n;
    }
    return got;
}

/* After the RDB: the EOF mark, or exactly the announced length. */
static int check_payload_end(struct socket_reader *r, const struct rdb_in *in)
{
    if (ml.xfer_size >= 0) {
        if ((long long)in->pos == ml.xfer_size)
            return 0;
        log_warning("The MASTER's payload is %lld bytes, not the %lld announced",
                    (long long)in->pos, ml.xfer_size);
        return -1;
    }
    char mark[EOF_MARK_LEN];
    if (socket_read(r, mark, EOF_MARK_LEN) == EOF_MARK_LEN &&
        memcmp(mark, ml.eof_mark, EOF_MARK_LEN) == 0)
        return 0;
    log_warning("Replication payload from MASTER does not end with the EOF mark");
    return -1;
}

static void load_from_socket(void)
{
    log_notice("MASTER <-> REPLICA sync: Flushing old data");
    repl_primary_disconnect_replicas();
    db_empty(-1, cfg.replica_lazy_flush);
    log_notice("MASTER <-> REPLICA sync: Loading DB from socket");
    struct socket_reader r = {ml.inbuf, 0};
    ml.inbuf = NULL;
    struct rdb_in in;
    rdb_in_init(&in, socket_read, &r);
    in.checksum = 1;
    struct rdb_load_stats stats;
    server.loading = 1;
    int rc = rdb_read_dataset(&in, 0, &stats);
    server.loading = 0;
    if (rc < 0)
        log_warning("Failed trying to load the MASTER synchronization DB from socket: byte "
                    "offset %llu: %s",
                    (unsigned long long)in.pos, in.err);
    if (rc < 0 || check_payload_end(&r, &in) < 0) {
        vstr_free(r.buf);
        db_empty(-1, 0);
        ml.have_history = 0;
        retry_later();
        return;
    }
    log_notice("Done loading RDB, keys loaded: %lld, keys expired: %lld.", stats.keys_loaded,
               stats.keys_expired);
    repl_set_history(ml.sync_replid, ml.sync_offset);
    repl_create_backlog();
    log_notice("MASTER <-> REPLICA sync: Finished with success");
    become_connected(r.buf + r.pos, vstr_len(r.buf) - r.pos);
    vstr_free(r.buf);
}

/* repl-diskless-load: swapdb always loads from the socket (without
 * keeping the old data meanwhile), on-empty-db when there is no data to
 * lose; disabled receives the whole payload first. */
static int load_from_socket_wanted(void)
{
    return cfg.repl_diskless_load == REPL_DISKLESS_LOAD_SWAPDB ||
           (cfg.repl_diskless_load == REPL_DISKLESS_LOAD_ON_EMPTY_DB && db_total_keys() == 0);
}

static int handle_bulk_header(const char *line)
{
    if (line[0] == '-') {
        log_warning("MASTER aborted replication with an error: %s", line + 1);
        return -1;
    }
    if (line[0] != '$') {
        log_warning("Bad protocol from MASTER, the first byte is not '$' (we received '%s'), "
                    "are you sure the host and port are right?",
                    line);
        return -1;
    }
    if (!strncmp(line + 1, "EOF:", 4) && strlen(line + 5) >= EOF_MARK_LEN) {
        memcpy(ml.eof_mark, line + 5, EOF_MARK_LEN);
        ml.xfer_size = -1;
        log_notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to %s",
                   load_from_socket_wanted() ? "parser" : "memory");
    } else {
        long long size;
        if (numconv_to_ll(line + 1, strlen(line + 1), &size) < 0 || size < 0) {
            log_warning("Bad bulk length from MASTER: '%s'", line);
            return -1;
        }
        ml.xfer_size = size;
        log_notice("MASTER <-> REPLICA sync: receiving %lld bytes from master to %s", size,
                   load_from_socket_wanted() ? "parser" : "memory");
    }
    if (load_from_socket_wanted()) {
        load_from_socket();
        return 0;
    }
    ml.payload = vstr_empty();
    ml.state = LINK_TRANSFER_BODY;
    return 0;
}

/* ---- the handshake ---- */

static int send_replconfs(void)
{
    if (cfg.masterauth) {
        int rc = cfg.masteruser
                     ? send_command(3, (const char *[]){"AUTH", cfg.masteruser, cfg.masterauth})
                     : send_command(2, (const char *[]){"AUTH", cfg.masterauth});
        if (rc < 0)
            return -1;
    }
    char port[16];
    snprintf(port, sizeof port, "%d",
             cfg.replica_announce_port ? cfg.replica_announce_port : cfg.port);
    if (send_command(3, (const char *[]){"REPLCONF", "listening-port", port}) < 0)
        return -1;
    if (cfg.replica_announce_ip &&
        send_command(3, (const char *[]){"REPLCONF", "ip-address", cfg.replica_announce_ip}) < 0)
        return -1;
    if (send_command(5, (const char *[]){"REPLCONF", "capa", "eof", "capa", "psync2"}) < 0)
        return -1;
    ml.state = cfg.masterauth ? LINK_RECEIVE_AUTH : LINK_RECEIVE_PORT;
    return 0;
}

static int send_psync(void)
{
    char off[24];
    const char *replid = "?";
    snprintf(off, sizeof off, "-1");
    if (ml.have_history) {
        replid = server.replid;
        snprintf(off, sizeof off, "%lld", server.master_repl_offset + 1);
        log_notice("Trying a partial resynchronization (request %s:%s).", replid, off);
    } else {
        log_notice("Partial resynchronization not possible (no cached master)");
    }
    ml.state = LINK_RECEIVE_PSYNC;
    if (failover_in_progress())
        return send_command(4, (const char *[]){"PSYNC", replid, off, "FAILOVER"});
    return send_command(3, (const char *[]){"PSYNC", replid, off});
}

/* +CONTINUE [replid]: the primary's id may have changed (it was promoted);
 * then our stream forks from here too, and our replicas must learn it. */
static void partial_accepted(const char *line)
{
    const char *newid = line + 9;
    while (*newid == ' ')
        newid++;
    log_notice("Successful partial resynchronization with master.");
    if (strlen(newid) >= RUN_ID_LEN && strncmp(newid, server.replid, RUN_ID_LEN) != 0) {
        memcpy(server.replid2, server.replid, sizeof server.replid);
        server.second_replid_offset = server.master_repl_offset + 1;
        memcpy(server.replid, newid, RUN_ID_LEN);
        server.replid[RUN_ID_LEN] = '\0';
        log_notice("Master replication ID changed to %s", server.replid);
        repl_primary_disconnect_replicas();
    }
    log_notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
}

static int handle_psync_reply(const char *line)
{
    if (!strncmp(line, "+FULLRESYNC", 11)) {
        char id[RUN_ID_LEN + 1];
        long long off;
        if (sscanf(line + 11, " %40s %lld", id, &off) != 2 || strlen(id) != RUN_ID_LEN) {
            log_warning("Master replied with wrong +FULLRESYNC syntax.");
            return -1;
        }
        memcpy(ml.sync_replid, id, sizeof id);
        ml.sync_offset = off;
        log_notice("Full resync from master: %s:%lld", id, off);
        failover_psync_done(1);
        ml.state = LINK_TRANSFER_HEADER;
        ml.xfer_last_io_ms = server.mstime;
        return 0;
    }
    if (!strncmp(line, "+CONTINUE", 9)) {
        partial_accepted(line);
        failover_psync_done(1);
        return 1;
    }
    failover_psync_done(0);
    if (!strncmp(line, "-NOMASTERLINK", 13) || !strncmp(line, "-LOADING", 8)) {
        log_notice("Master is currently unable to PSYNC but should be in the future: %s", line);
        return -1;
    }
    log_warning("Unexpected reply to PSYNC from master: %s", line);
    return -1;
}

/* Handles one reply line of the handshake: 0 to go on, 1 when the link
 * became the master client, -1 to give up this attempt. */
static int handle_line(const char *line)
{
    switch (ml.state) {
    case LINK_RECEIVE_PONG:
        if (line[0] == '-' && strncmp(line, "-NOAUTH", 7) && strncmp(line, "-NOPERM", 7) &&
            strncmp(line, "-ERR operation not permitted", 28)) {
            log_warning("Error reply to PING from master: '%s'", line);
            return -1;
        }
        log_notice("Master replied to PING, replication can continue...");
        return send_replconfs();
    case LINK_RECEIVE_AUTH:
        if (line[0] == '-') {
            log_warning("Unable to AUTH to MASTER: %s", line);
            return -1;
        }
        ml.state = LINK_RECEIVE_PORT;
        return 0;
    case LINK_RECEIVE_PORT:
        if (line[0] == '-')
            log_notice("(Non critical) Master does not understand REPLCONF listening-port: %s",
                       line);
        ml.state = cfg.replica_announce_ip ? LINK_RECEIVE_IP : LINK_RECEIVE_CAPA;
        return 0;
    case LINK_RECEIVE_IP:
        if (line[0] == '-')
            log_notice("(Non critical) Master does not understand REPLCONF ip-address: %s", line);
        ml.state = LINK_RECEIVE_CAPA;
        return 0;
    case LINK_RECEIVE_CAPA:
        if (line[0] == '-')
            log_notice("(Non critical) Master does not understand REPLCONF capa: %s", line);
        return send_psync();
    case LINK_RECEIVE_PSYNC: return line[0] ? handle_psync_reply(line) : 0;
    case LINK_TRANSFER_HEADER: return line[0] ? handle_bulk_header(line) : 0;
    default: return -1;
    }
}

/* Takes complete lines off inbuf while the handshake wants lines. */
static void process_lines(void)
{
    while (ml.state != LINK_TRANSFER_BODY && ml.conn) {
        char *nl = memchr(ml.inbuf, '\n', vstr_len(ml.inbuf));
        if (!nl) {
            if (vstr_len(ml.inbuf) > MAX_LINE) {
                log_warning("Protocol error from MASTER: reply line too long");
                retry_later();
            }
            return;
        }
        size_t linelen = (size_t)(nl - ml.inbuf) + 1;
        vstr line = vstr_new(ml.inbuf, linelen - 1);
        if (vstr_len(line) && line[vstr_len(line) - 1] == '\r')
            vstr_set_len(line, vstr_len(line) - 1);
        vstr_keep_range(ml.inbuf, linelen, vstr_len(ml.inbuf) - linelen);
        int rc = handle_line(line);
        vstr_free(line);
        if (rc < 0) {
            retry_later();
            return;
        }
        if (rc == 1) {
            vstr rest = ml.inbuf;
            ml.inbuf = NULL;
            become_connected(rest, vstr_len(rest));
            vstr_free(rest);
            return;
        }
    }
    if (ml.state == LINK_TRANSFER_BODY)
        read_payload();
}

static void on_link_readable(struct conn *conn)
{
    ml.inbuf = vstr_make_room(ml.inbuf, READ_CHUNK);
    size_t len = vstr_len(ml.inbuf);
    ssize_t n = conn_read(conn, ml.inbuf + len, READ_CHUNK);
    if (n <= 0) {
        if (n < 0 && conn_state(conn) == CONN_STATE_CONNECTED)
            return;
        log_warning("Error reading from MASTER: %s",
                    n == 0 ? "connection lost" : conn_last_error(conn));
        retry_later();
        return;
    }
    vstr_incr_len(ml.inbuf, (size_t)n);
    server.stat.net_input_bytes += n;
    ml.last_io_ms = ml.xfer_last_io_ms = server.mstime;
    process_lines();
}

static void on_link_connected(struct conn *conn)
{
    if (conn_state(conn) != CONN_STATE_CONNECTED) {
        log_warning("Error condition on socket for SYNC: %s", conn_last_error(conn));
        retry_later();
        return;
    }
    log_notice("Non blocking connect for SYNC fired the event.");
    ml.inbuf = vstr_empty();
    ml.state = LINK_RECEIVE_PONG;
    ml.last_io_ms = server.mstime;
    conn_set_read_handler(conn, on_link_readable);
    if (send_command(1, (const char *[]){"PING"}) < 0)
        retry_later();
}

/* tls-replication: the link speaks TLS through the same conn calls. */
static struct conn *new_link_conn(void)
{
    const struct tls_context *ctx = networking_tls_context();
    if (cfg.tls_replication && ctx)
        return conn_tls_new(server.loop, ctx);
    return conn_plain_new(server.loop);
}

static void connect_to_master(void)
{
    ml.conn = new_link_conn();
    log_notice("Connecting to MASTER %s:%d", cfg.replicaof_host, cfg.replicaof_port);
    if (conn_connect(ml.conn, cfg.replicaof_host, cfg.replicaof_port, cfg.bind_source_addr,
                     on_link_connected) < 0) {
        log_warning("Unable to connect to MASTER: %s", conn_last_error(ml.conn));
        conn_close(ml.conn);
        ml.conn = NULL;
        return;
    }
    ml.state = LINK_CONNECTING;
    ml.last_io_ms = server.mstime;
    log_notice("MASTER <-> REPLICA sync started");
}

/* ---- REPLICAOF ---- */

static void drop_master_client(void)
{
    struct client *m = ml.master;
    if (!m)
        return;
    ml.master = NULL;
    ml.down_since = server.unixtime;
    client_close_async(m);
}

void repl_replica_start(const char *host, int port, int from_command)
{
    int was_primary = !server_is_replica();
    char *copy = mem_strdup(host);
    mem_free(cfg.replicaof_host);
    cfg.replicaof_host = copy;
    cfg.replicaof_port = port;
    server.masterhost_set = 1;
    log_set_role('S');
    drop_master_client();
    close_handshake();
    if (was_primary)
        repl_primary_unblock_waiters();
    if (was_primary && from_command) {
        log_notice("Before turning into a replica, using my own master parameters to "
                   "synthesize a cached master: I may be able to synchronize with the new "
                   "master with just a partial transfer.");
        ml.have_history = 1;
    }
    ml.state = LINK_CONNECT;
    connect_to_master();
}

void repl_replica_stop(void)
{
    mem_free(cfg.replicaof_host);
    cfg.replicaof_host = NULL;
    cfg.replicaof_port = 0;
    server.masterhost_set = 0;
    log_set_role('M');
    drop_master_client();
    close_handshake();
    ml.state = LINK_NONE;
    repl_shift_replid();
    /* Our replicas must learn the new id: they reconnect and continue. */
    repl_primary_disconnect_replicas();
    repl_reset_stream_db();
}

void repl_replica_resume_history(void)
{
    ml.have_history = 1;
}

int repl_replica_is_following(const char *host, int port)
{
    return server_is_replica() && cfg.replicaof_host && !strcasecmp(cfg.replicaof_host, host) &&
           cfg.replicaof_port == port;
}

int repl_replica_link_up(void)
{
    return ml.state == LINK_CONNECTED && ml.master;
}

/* ---- introspection ---- */

static const char *role_state_name(void)
{
    switch (ml.state) {
    case LINK_NONE:
    case LINK_CONNECT: return "connect";
    case LINK_CONNECTING: return "connecting";
    case LINK_TRANSFER_HEADER:
    case LINK_TRANSFER_BODY: return "sync";
    case LINK_CONNECTED: return "connected";
    default: return "handshake";
    }
}

void repl_replica_role(struct client *c)
{
    reply_array_len(c, 5);
    reply_bulk_cstr(c, "slave");
    reply_bulk_cstr(c, cfg.replicaof_host);
    reply_ll(c, cfg.replicaof_port);
    reply_bulk_cstr(c, role_state_name());
    reply_ll(c, ml.master ? server.master_repl_offset : -1);
}

static long long read_offset(void)
{
    if (!ml.master)
        return ml.have_history ? server.master_repl_offset : 0;
    return server.master_repl_offset + (long long)(vstr_len(ml.master->querybuf) - ml.applied);
}

vstr repl_replica_info(vstr s)
{
    int in_sync = ml.state == LINK_TRANSFER_HEADER || ml.state == LINK_TRANSFER_BODY;
    long long offset = ml.master || ml.have_history ? server.master_repl_offset : 0;
    s = vstr_catfmt(s,
                    "master_host:%s\r\nmaster_port:%d\r\nmaster_link_status:%s\r\n"
                    "master_last_io_seconds_ago:%lld\r\nmaster_sync_in_progress:%d\r\n"
                    "slave_read_repl_offset:%lld\r\nslave_repl_offset:%lld\r\n",
                    cfg.replicaof_host, cfg.replicaof_port, repl_replica_link_up() ? "up" : "down",
                    ml.master ? server.unixtime - ml.master->last_interaction : -1LL, in_sync,
                    read_offset(), offset);
    if (in_sync) {
        long long read = ml.payload ? (long long)vstr_len(ml.payload) : 0;
        long long total = ml.state == LINK_TRANSFER_BODY ? ml.xfer_size : -1;
        s = vstr_catfmt(s,
                        "master_sync_total_bytes:%lld\r\nmaster_sync_read_bytes:%lld\r\n"
                        "master_sync_left_bytes:%lld\r\nmaster_sync_perc:%.2f\r\n"
                        "master_sync_last_io_seconds_ago:%lld\r\n",
                        total, read, total - read,
                        total > 0 ? (double)read * 100 / (double)total : 0.0,
                        (server.mstime - ml.xfer_last_io_ms) / 1000);
    }
    if (!repl_replica_link_up())
        s = vstr_catfmt(s, "master_link_down_since_seconds:%lld\r\n",
                        ml.down_since ? server.unixtime - ml.down_since : -1LL);
    return vstr_catfmt(s, "slave_priority:%d\r\nslave_read_only:%d\r\nreplica_announced:%d\r\n",
                       cfg.replica_priority, cfg.replica_read_only, cfg.replica_announced);
}

/* ---- cron ---- */

static void check_timeouts(void)
{
    long long timeout_ms = (long long)cfg.repl_timeout * 1000;
    if (ml.state >= LINK_CONNECTING && ml.state <= LINK_RECEIVE_PSYNC &&
        server.mstime - ml.last_io_ms > timeout_ms) {
        log_warning("Timeout connecting to the MASTER...");
        retry_later();
    } else if ((ml.state == LINK_TRANSFER_HEADER || ml.state == LINK_TRANSFER_BODY) &&
               server.mstime - ml.xfer_last_io_ms > timeout_ms) {
        log_warning("Timeout receiving bulk data from MASTER... If the problem persists try to "
                    "set the 'repl-timeout' parameter in redis.conf to a larger value.");
        retry_later();
    } else if (ml.master && server.unixtime - ml.master->last_interaction > cfg.repl_timeout) {
        log_warning("MASTER timeout: no data nor PING received...");
        drop_master_client();
        ml.state = LINK_CONNECT;
    }
}

void repl_replica_cron(void)
{
    if (!server_is_replica())
        return;
    check_timeouts();
    if (ml.state == LINK_CONNECT)
        connect_to_master();
    if (ml.master)
        repl_replica_send_ack();
}
