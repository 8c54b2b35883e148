/* repl_primary — serving replicas: REPLCONF, PSYNC/SYNC, full syncs,
 * acknowledgements, WAIT and min-replicas.
 *
 * A replica is a client with CLIENT_SLAVE and a repl_client_state; the
 * states follow Redis's: waiting for a snapshot, receiving it, (after a
 * diskless transfer) waiting for its first ACK, then online.  Only online
 * replicas get the stream in their output buffer; until then what the
 * stream produces since their snapshot's offset waits in `pending`, so
 * nothing is lost between the snapshot and going online.
 *
 * The snapshot is taken in memory (repl_payload) when the first waiting
 * replica's delay has passed; every replica waiting then shares it.  The
 * transfer writes it straight to the socket with its own write handler,
 * framed as a `$<len>` bulk or, for diskless sync to replicas that
 * announced `capa eof`, between `$EOF:<mark>` and the 40-byte mark.
 */
#include "client.h"
#include "failover.h"
#include "log.h"
#include "mem.h"
#include "net.h"
#include "networking.h"
#include "numconv.h"
#include "rand.h"
#include "repl_internal.h"
#include "repl_payload.h"
#include "replication.h"
#include "reply.h"
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EOF_MARK_LEN 40
#define IP_LEN 64

enum replica_state { RS_NONE, RS_WAIT_SNAPSHOT, RS_SEND_BULK, RS_WAIT_ACK, RS_ONLINE };

struct repl_client_state {
    struct client *c;
    struct repl_client_state *prev, *next; /* replicas in arrival order */
    enum replica_state state;
    int listening_port;
    char announced_ip[IP_LEN];
    int capa_eof, capa_psync2;
    int old_protocol; /* SYNC: no +FULLRESYNC line */
    long long ack_off;
    long long ack_time_ms;
    long long waiting_since_ms;
    long long woff; /* stream offset after this client's last write (WAIT) */
    /* The full-sync transfer: head, shared payload, tail mark. */
    vstr xfer_head;
    struct repl_payload *payload;
    char xfer_tail[EOF_MARK_LEN];
    size_t xfer_tail_len, xfer_pos;
    int len_sent; /* the `$<len>` line is in xfer_head */
    vstr pending;
};

struct waiter {
    struct client *c;
    long long target;
    long numreplicas;
    long long deadline_ms; /* 0: forever */
    struct waiter *next;
};

static struct repl_client_state *replicas_head, *replicas_tail;
static int replica_count;
static struct waiter *waiters;
static int getack_requested;
static long long ping_countdown;

static struct repl_client_state *state_of(struct client *c)
{
    if (!c->repl) {
        c->repl = mem_calloc(sizeof *c->repl);
        c->repl->c = c;
    }
    return c->repl;
}

static void replica_ip(const struct repl_client_state *rs, char *ip, size_t len)
{
    if (rs->announced_ip[0]) {
        snprintf(ip, len, "%s", rs->announced_ip);
        return;
    }
    int port;
    if (!rs->c->conn || net_peer_name(rs->c->conn->fd, ip, len, &port) < 0)
        snprintf(ip, len, "?");
}

/* "ip:port" as Redis names a replica in its logs. */
static const char *replica_name(const struct repl_client_state *rs)
{
    static char name[IP_LEN + 16];
    char ip[IP_LEN];
    replica_ip(rs, ip, sizeof ip);
    snprintf(name, sizeof name, "%s:%d", ip, rs->listening_port);
    return name;
}

static void link_replica(struct repl_client_state *rs)
{
    rs->prev = replicas_tail;
    rs->next = NULL;
    if (replicas_tail)
        replicas_tail->next = rs;
    else
        replicas_head = rs;
    replicas_tail = rs;
    replica_count++;
}

static void unlink_replica(struct repl_client_state *rs)
{
    if (rs->prev)
        rs->prev->next = rs->next;
    else
        replicas_head = rs->next;
    if (rs->next)
        rs->next->prev = rs->prev;
    else
        replicas_tail = rs->prev;
    replica_count--;
}

int repl_primary_count(void)
{
    return replica_count;
}

static void make_replica(struct client *c, enum replica_state state)
{
    struct repl_client_state *rs = state_of(c);
    c->flags |= CLIENT_SLAVE;
    c->authenticated = 1;
    rs->state = state;
    rs->ack_time_ms = server.mstime;
    rs->waiting_since_ms = server.mstime;
    link_replica(rs);
}

/* ---- feeding the stream ---- */

static int pending_over_limit(const struct repl_client_state *rs)
{
    unsigned long long hard = cfg.client_obuf_limits[CLIENT_CLASS_REPLICA].hard;
    return hard && vstr_len(rs->pending) >= hard;
}

void repl_primary_feed_replicas(const char *p, size_t len)
{
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        if (rs->c->flags & CLIENT_CLOSE_ASAP)
            continue;
        if (rs->state == RS_ONLINE) {
            reply_raw(rs->c, p, len);
        } else if (rs->state == RS_SEND_BULK || rs->state == RS_WAIT_ACK) {
            rs->pending = vstr_cat(rs->pending ? rs->pending : vstr_empty(), p, len);
            if (pending_over_limit(rs)) {
                log_warning("Client %s scheduled to be closed ASAP for overcoming of output "
                            "buffer limits.",
                            replica_name(rs));
                server.stat.client_outbuf_limit_disconnections++;
                client_close_async(rs->c);
            }
        }
    }
}

static void go_online(struct repl_client_state *rs)
{
    rs->state = RS_ONLINE;
    rs->ack_time_ms = server.mstime;
    if (rs->pending) {
        reply_raw(rs->c, rs->pending, vstr_len(rs->pending));
        vstr_free(rs->pending);
        rs->pending = NULL;
    }
    log_notice("Synchronization with replica %s succeeded", replica_name(rs));
}

/* ---- full sync transfer ---- */

static void end_transfer(struct repl_client_state *rs)
{
    repl_payload_release(rs->payload);
    rs->payload = NULL;
    vstr_free(rs->xfer_head);
    rs->xfer_head = NULL;
}

/* The image bytes this replica may be sent now: an EOF-framed transfer
 * streams what the child produced so far, a `$<len>` one waits for all. */
static size_t body_available(const struct repl_client_state *rs)
{
    const struct repl_payload *p = rs->payload;
    if (rs->xfer_tail_len == 0 && p->state != REPL_PAYLOAD_DONE)
        return 0;
    return vstr_len(p->data);
}

/* Writes the next part of head + payload + tail.  -1 if the link failed;
 * *done once everything went, *starved when waiting for the child. */
static int write_transfer(struct repl_client_state *rs, int *done, int *starved)
{
    size_t head = vstr_len(rs->xfer_head), body = body_available(rs);
    int complete = rs->payload->state == REPL_PAYLOAD_DONE;
    size_t total = head + body + (complete ? rs->xfer_tail_len : 0);
    struct iovec iov[3];
    int n = 0;
    size_t pos = rs->xfer_pos;
    if (pos < head) {
        iov[n++] = (struct iovec){rs->xfer_head + pos, head - pos};
        pos = head;
    }
    if (pos < head + body) {
        iov[n++] = (struct iovec){rs->payload->data + (pos - head), head + body - pos};
        pos = head + body;
    }
    if (pos < total)
        iov[n++] = (struct iovec){rs->xfer_tail + (pos - head - body), total - pos};
    *done = 0;
    *starved = n == 0;
    if (n == 0)
        return 0;
    ssize_t w = conn_writev(rs->c->conn, iov, n);
    if (w < 0)
        return conn_state(rs->c->conn) == CONN_STATE_CONNECTED ? 0 : -1;
    rs->xfer_pos += (size_t)w;
    server.stat.net_output_bytes += w;
    *done = complete && rs->xfer_pos == total;
    *starved = !complete && rs->xfer_pos == total;
    return 0;
}

static void finish_transfer(struct repl_client_state *rs)
{
    int eof_framed = rs->xfer_tail_len > 0;
    end_transfer(rs);
    /* A replica loading straight from the socket might read past the mark:
     * the stream starts only once it says it is done (its first ACK). */
    if (eof_framed) {
        rs->state = RS_WAIT_ACK;
        log_notice("Streamed RDB transfer with replica %s succeeded (socket). Waiting for "
                   "REPLCONF ACK from slave to enable streaming",
                   replica_name(rs));
        return;
    }
    go_online(rs);
}

static void on_transfer_writable(struct conn *conn)
{
    struct client *c = conn_data(conn);
    struct repl_client_state *rs = c->repl;
    int done, starved;
    if (write_transfer(rs, &done, &starved) < 0) {
        log_warning("Write error sending DB to replica: %s", conn_last_error(conn));
        client_close_async(c);
        return;
    }
    /* Nothing more to send until the child writes more: stop watching. */
    if (done || starved)
        conn_set_write_handler(conn, NULL);
    if (done)
        finish_transfer(rs);
}

/* The child produced more (or finished, or failed): wake the transfers. */
static void on_payload_progress(struct repl_payload *p)
{
    if (p->state == REPL_PAYLOAD_DONE)
        log_notice("Diskless rdb transfer, done reading from pipe, %d replicas still up.",
                   replica_count);
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        if (rs->payload != p || rs->state != RS_SEND_BULK)
            continue;
        if (p->state == REPL_PAYLOAD_FAILED) {
            log_warning("BGSAVE for replication failed");
            client_close_async(rs->c);
            continue;
        }
        if (p->state == REPL_PAYLOAD_DONE && rs->xfer_tail_len == 0 && !rs->len_sent) {
            rs->xfer_head = vstr_catfmt(rs->xfer_head, "$%zu\r\n", vstr_len(p->data));
            rs->len_sent = 1;
        }
        if (!rs->c->conn->write_handler)
            conn_set_write_handler(rs->c->conn, on_transfer_writable);
    }
}

/* The 40 hex digits ending a diskless payload; -1 if the RNG failed. */
static int random_mark(char *out)
{
    char hex[EOF_MARK_LEN + 1];
    if (rand_hex(hex, EOF_MARK_LEN) < 0)
        return -1;
    memcpy(out, hex, EOF_MARK_LEN);
    return 0;
}

/* +FULLRESYNC goes out at once; the `$<len>` line when the length is
 * known, the `$EOF:<mark>` one at once too. */
static void begin_transfer(struct repl_client_state *rs, struct repl_payload *payload,
                           long long offset)
{
    rs->xfer_head = vstr_empty();
    if (!rs->old_protocol)
        rs->xfer_head =
            vstr_catfmt(rs->xfer_head, "+FULLRESYNC %s %lld\r\n", server.replid, offset);
    rs->xfer_tail_len = 0;
    rs->len_sent = 0;
    /* Without a mark (the RNG failed) the `$<len>` framing still works. */
    if (cfg.repl_diskless_sync && rs->capa_eof && random_mark(rs->xfer_tail) == 0) {
        rs->xfer_tail_len = EOF_MARK_LEN;
        rs->xfer_head = vstr_cat_cstr(rs->xfer_head, "$EOF:");
        rs->xfer_head = vstr_cat(rs->xfer_head, rs->xfer_tail, EOF_MARK_LEN);
        rs->xfer_head = vstr_cat_cstr(rs->xfer_head, "\r\n");
    }
    repl_payload_retain(payload);
    rs->payload = payload;
    rs->xfer_pos = 0;
    rs->state = RS_SEND_BULK;
    conn_set_write_handler(rs->c->conn, on_transfer_writable);
}

/* One snapshot, written by a forked child, for every replica waiting now. */
static void start_full_sync(void)
{
    const char *target = cfg.repl_diskless_sync ? "replicas sockets" : "disk";
    log_notice("Starting BGSAVE for SYNC with target: %s", target);
    /* The stream after the snapshot must start with a SELECT. */
    repl_reset_stream_db();
    struct repl_payload *payload = repl_payload_start(on_payload_progress);
    long long offset = server.master_repl_offset;
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        if (rs->state != RS_WAIT_SNAPSHOT || (rs->c->flags & CLIENT_CLOSE_ASAP))
            continue;
        if (!payload) {
            log_warning("BGSAVE for replication failed");
            client_close_async(rs->c);
            continue;
        }
        begin_transfer(rs, payload, offset);
    }
    repl_payload_release(payload);
}

/* Diskless sync waits repl-diskless-sync-delay for more replicas to share
 * one snapshot, unless repl-diskless-sync-max-replicas already came. */
static int snapshot_due(void)
{
    int waiting = 0;
    long long oldest = 0;
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        if (rs->state != RS_WAIT_SNAPSHOT)
            continue;
        if (!waiting || rs->waiting_since_ms < oldest)
            oldest = rs->waiting_since_ms;
        waiting++;
    }
    if (!waiting)
        return 0;
    if (!cfg.repl_diskless_sync)
        return 1;
    if (cfg.repl_diskless_sync_max_replicas > 0 && waiting >= cfg.repl_diskless_sync_max_replicas)
        return 1;
    return server.mstime - oldest >= (long long)cfg.repl_diskless_sync_delay * 1000;
}

/* ---- PSYNC / SYNC ---- */

static void copy_to_client(void *ctx, const char *p, size_t len)
{
    reply_raw(ctx, p, len);
}

static int try_partial_resync(struct client *c, const char *replid, long long offset)
{
    char name[IP_LEN + 16];
    snprintf(name, sizeof name, "%s", replica_name(state_of(c)));
    if (strcasecmp(replid, server.replid) != 0) {
        if (strcasecmp(replid, server.replid2) != 0) {
            if (replid[0] != '?')
                log_notice("Partial resynchronization not accepted: Replication ID mismatch "
                           "(Replica asked for '%s', my replication IDs are '%s' and '%s')",
                           replid, server.replid, server.replid2);
            else
                log_notice("Full resync requested by replica %s", name);
            return -1;
        }
        if (offset > server.second_replid_offset) {
            log_notice("Partial resynchronization not accepted: Requested offset for second ID "
                       "was %lld, but I can reply up to %lld",
                       offset, server.second_replid_offset);
            return -1;
        }
    }
    if (!repl_backlog_serves(offset)) {
        log_notice("Unable to partial resync with replica %s for lack of backlog (Replica "
                   "request was: %lld).",
                   name, offset);
        if (offset > server.master_repl_offset)
            log_warning("Warning: replica %s tried to PSYNC with an offset that is greater than "
                        "the master replication offset.",
                        name);
        return -1;
    }
    make_replica(c, RS_ONLINE);
    char line[80];
    int n = c->repl->capa_psync2 ? snprintf(line, sizeof line, "+CONTINUE %s\r\n", server.replid)
                                 : snprintf(line, sizeof line, "+CONTINUE\r\n");
    reply_raw(c, line, (size_t)n);
    long long sent = repl_backlog_send(offset, copy_to_client, c);
    server.stat.sync_partial_ok++;
    log_notice("Partial resynchronization request from %s accepted. Sending %lld bytes of "
               "backlog starting from offset %lld.",
               name, sent, offset);
    return 0;
}

static int sync_refused(struct client *c)
{
    if (c->flags & CLIENT_SLAVE)
        return 1;
    if (server_is_replica() && !repl_replica_link_up()) {
        reply_error(c, "-NOMASTERLINK Can't SYNC while not connected with my master");
        return 1;
    }
    if (reply_has_pending(c)) {
        reply_error(c, "SYNC and PSYNC are invalid with pending output");
        return 1;
    }
    return 0;
}

static void full_resync(struct client *c)
{
    make_replica(c, RS_WAIT_SNAPSHOT);
    server.stat.sync_full++;
    if (replica_count == 1 && !repl_has_backlog()) {
        repl_change_replid();
        repl_clear_replid2();
        repl_create_backlog();
        log_notice("Replication backlog created, my new replication IDs are '%s' and '%s'",
                   server.replid, server.replid2);
    }
    if (cfg.repl_diskless_sync && c->repl->capa_eof)
        log_notice("Delay next BGSAVE for diskless SYNC");
    if (snapshot_due())
        start_full_sync();
}

void repl_psync_command(struct client *c)
{
    if (c->flags & CLIENT_SLAVE)
        return;
    long long offset;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &offset) < 0) {
        reply_error(c, "value is not an integer or out of range");
        return;
    }
    /* Our primary hands over to us (FAILOVER): promote first, then serve
     * its PSYNC as our replica's. */
    if (c->argc > 3 && client_arg_is(c, 3, "failover") &&
        failover_psync_promote(c, client_arg(c, 1), offset) < 0)
        return;
    if (sync_refused(c))
        return;
    log_notice("Replica %s asks for synchronization", replica_name(state_of(c)));
    const char *replid = client_arg(c, 1);
    if (try_partial_resync(c, replid, offset) == 0)
        return;
    if (replid[0] != '?')
        server.stat.sync_partial_err++;
    full_resync(c);
}

void repl_sync_command(struct client *c)
{
    if (sync_refused(c))
        return;
    struct repl_client_state *rs = state_of(c);
    rs->old_protocol = 1;
    log_notice("Replica %s asks for synchronization", replica_name(rs));
    full_resync(c);
}

/* ---- REPLCONF ---- */

static void replconf_ack(struct client *c, const char *arg, size_t len)
{
    long long off;
    if (!(c->flags & CLIENT_SLAVE) || numconv_to_ll(arg, len, &off) < 0)
        return;
    struct repl_client_state *rs = c->repl;
    if (off > rs->ack_off)
        rs->ack_off = off;
    rs->ack_time_ms = server.mstime;
    if (rs->state == RS_WAIT_ACK)
        go_online(rs);
}

void repl_replconf_command(struct client *c)
{
    if (c->argc % 2 == 0) {
        reply_error_syntax(c);
        return;
    }
    for (int j = 1; j < c->argc; j += 2) {
        const char *val = client_arg(c, j + 1);
        if (client_arg_is(c, j, "listening-port")) {
            long long port;
            if (numconv_to_ll(val, client_arg_len(c, j + 1), &port) < 0 || port < 0 ||
                port > 65535) {
                reply_error(c, "value is not an integer or out of range");
                return;
            }
            state_of(c)->listening_port = (int)port;
        } else if (client_arg_is(c, j, "ip-address")) {
            if (client_arg_len(c, j + 1) >= IP_LEN) {
                reply_error_fmt(c,
                                "REPLCONF ip-address provided by replica instance is too "
                                "long: %zu bytes",
                                client_arg_len(c, j + 1));
                return;
            }
            snprintf(state_of(c)->announced_ip, IP_LEN, "%s", val);
        } else if (client_arg_is(c, j, "capa")) {
            if (!strcasecmp(val, "eof"))
                state_of(c)->capa_eof = 1;
            else if (!strcasecmp(val, "psync2"))
                state_of(c)->capa_psync2 = 1;
        } else if (client_arg_is(c, j, "ack")) {
            replconf_ack(c, val, client_arg_len(c, j + 1));
            return;
        } else if (client_arg_is(c, j, "getack")) {
            if (c->flags & CLIENT_MASTER)
                repl_replica_send_ack();
            return;
        } else if (!client_arg_is(c, j, "rdb-only") && !client_arg_is(c, j, "rdb-filter-only")) {
            reply_error_fmt(c, "Unrecognized REPLCONF option: %s", client_arg(c, j));
            return;
        }
    }
    reply_ok(c);
}

/* ---- acks, WAIT, min-replicas ---- */

static int count_acked(long long offset)
{
    int n = 0;
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next)
        if (rs->state == RS_ONLINE && rs->ack_off >= offset)
            n++;
    return n;
}

static int good_replicas(void)
{
    int n = 0;
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next)
        if (rs->state == RS_ONLINE &&
            server.mstime - rs->ack_time_ms <= (long long)cfg.min_replicas_max_lag * 1000)
            n++;
    return n;
}

int repl_primary_enough_good_replicas(void)
{
    if (!cfg.min_replicas_to_write || !cfg.min_replicas_max_lag)
        return 1;
    return good_replicas() >= cfg.min_replicas_to_write;
}

long long repl_primary_replica_ack(const char *ip, int port)
{
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        char rip[IP_LEN];
        replica_ip(rs, rip, sizeof rip);
        if (rs->state == RS_ONLINE && rs->listening_port == port && !strcasecmp(rip, ip))
            return rs->ack_off;
    }
    return -1;
}

int repl_primary_has_replica(const char *ip, int port)
{
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        char rip[IP_LEN];
        replica_ip(rs, rip, sizeof rip);
        if (rs->listening_port == port && !strcasecmp(rip, ip))
            return 1;
    }
    return 0;
}

int repl_primary_find_synced(char **ip, int *port)
{
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        if (rs->state != RS_ONLINE || rs->ack_off != server.master_repl_offset)
            continue;
        char rip[IP_LEN];
        replica_ip(rs, rip, sizeof rip);
        *ip = mem_strdup(rip);
        *port = rs->listening_port;
        return 0;
    }
    return -1;
}

/* The running client just wrote: WAIT waits for the stream up to here. */
void repl_primary_note_write(void)
{
    struct client *c = server.current_client;
    if (c && !(c->flags & (CLIENT_MASTER | CLIENT_SLAVE)))
        state_of(c)->woff = server.master_repl_offset;
}

static long long client_woff(struct client *c)
{
    return c->repl ? c->repl->woff : 0;
}

static void remove_waiter(struct client *c)
{
    for (struct waiter **w = &waiters; *w; w = &(*w)->next) {
        if ((*w)->c == c) {
            struct waiter *gone = *w;
            *w = gone->next;
            mem_free(gone);
            return;
        }
    }
}

static void unblock_waiter(struct client *c, int acked)
{
    remove_waiter(c);
    c->flags &= ~CLIENT_BLOCKED;
    reply_ll(c, acked);
    networking_process_input(c);
}

static long long parse_timeout(struct client *c, const char *s, size_t len)
{
    long long t;
    if (numconv_to_ll(s, len, &t) < 0) {
        reply_error(c, "timeout is not an integer or out of range");
        return -1;
    }
    if (t < 0) {
        reply_error(c, "timeout is negative");
        return -1;
    }
    return t;
}

void repl_wait_command(struct client *c)
{
    if (server_is_replica()) {
        reply_error(c, "WAIT cannot be used with replica instances. Please also note that since "
                       "Redis 4.0 if a replica is configured to be writable (which is not the "
                       "default) writes to replicas are just local and are not propagated.");
        return;
    }
    long long num;
    if (numconv_to_ll(client_arg(c, 1), client_arg_len(c, 1), &num) < 0) {
        reply_error(c, "value is not an integer or out of range");
        return;
    }
    long long timeout = parse_timeout(c, client_arg(c, 2), client_arg_len(c, 2));
    if (timeout < 0)
        return;
    long long target = client_woff(c);
    int acked = count_acked(target);
    if (acked >= num || (c->flags & CLIENT_MULTI)) {
        reply_ll(c, acked);
        return;
    }
    struct waiter *w = mem_malloc(sizeof *w);
    *w = (struct waiter){c, target, (long)num, timeout ? server.mstime + timeout : 0, waiters};
    waiters = w;
    c->flags |= CLIENT_BLOCKED;
    getack_requested = 1;
}

/* Answers the waiters whose deadline passed and, unless expire_only,
 * those with enough acknowledgements. */
static void serve_waiters(int expire_only)
{
    struct waiter *w = waiters;
    while (w) {
        struct waiter *next = w->next;
        int acked = count_acked(w->target);
        int expired = w->deadline_ms && server.mstime >= w->deadline_ms;
        if ((!expire_only && acked >= w->numreplicas) || expired)
            unblock_waiter(w->c, acked);
        w = next;
    }
}

void repl_primary_unblock_waiters(void)
{
    while (waiters) {
        struct client *c = waiters->c;
        remove_waiter(c);
        c->flags &= ~CLIENT_BLOCKED;
        reply_error(c, "-UNBLOCKED force unblock from blocking operation, instance state "
                       "changed (master -> replica?)");
    }
}

/* ---- introspection ---- */

static const char *state_name(enum replica_state st)
{
    switch (st) {
    case RS_SEND_BULK: return "send_bulk";
    case RS_ONLINE:
    case RS_WAIT_ACK: return "online";
    default: return "wait_bgsave";
    }
}

vstr repl_primary_info(vstr s)
{
    s = vstr_catfmt(s, "connected_slaves:%d\r\n", replica_count);
    if (cfg.min_replicas_to_write && cfg.min_replicas_max_lag)
        s = vstr_catfmt(s, "min_slaves_good_slaves:%d\r\n", good_replicas());
    int i = 0;
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next, i++) {
        char ip[IP_LEN];
        replica_ip(rs, ip, sizeof ip);
        s = vstr_catfmt(s, "slave%d:ip=%s,port=%d,state=%s,offset=%lld,lag=%lld\r\n", i, ip,
                        rs->listening_port, state_name(rs->state), rs->ack_off,
                        (server.mstime - rs->ack_time_ms) / 1000);
    }
    return s;
}

void repl_primary_role_list(struct client *c)
{
    void *slot = reply_deferred_len(c);
    long n = 0;
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        if (rs->state != RS_ONLINE)
            continue;
        char ip[IP_LEN];
        replica_ip(rs, ip, sizeof ip);
        reply_array_len(c, 3);
        reply_bulk_cstr(c, ip);
        reply_bulk_ll(c, rs->listening_port);
        reply_bulk_ll(c, rs->ack_off);
        n++;
    }
    reply_set_deferred_array_len(c, slot, n);
}

/* ---- lifecycle and cron ---- */

void repl_primary_disconnect_replicas(void)
{
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next)
        client_close_async(rs->c);
}

void repl_primary_client_freed(struct client *c)
{
    remove_waiter(c);
    struct repl_client_state *rs = c->repl;
    if (!rs)
        return;
    if (rs->state != RS_NONE) {
        log_notice("Connection with replica %s lost.", replica_name(rs));
        unlink_replica(rs);
    }
    end_transfer(rs);
    vstr_free(rs->pending);
    mem_free(rs);
    c->repl = NULL;
}

/* A replica silent (no ACK) for repl-timeout is gone; one still waiting
 * for its snapshot gets a newline now and then so it does not time out. */
static void check_replicas(void)
{
    for (struct repl_client_state *rs = replicas_head; rs; rs = rs->next) {
        if (rs->state == RS_WAIT_SNAPSHOT) {
            reply_raw(rs->c, "\n", 1);
            continue;
        }
        if (rs->state == RS_ONLINE && !rs->old_protocol &&
            server.mstime - rs->ack_time_ms > (long long)cfg.repl_timeout * 1000) {
            log_warning("Disconnecting timedout replica (streaming sync): %s", replica_name(rs));
            client_close_async(rs->c);
        }
    }
}

void repl_primary_cron(void)
{
    /* A full period after the first replica, then every period; none while
     * writes are paused (a failover waits for the offsets to match). */
    if (replica_count == 0) {
        ping_countdown = cfg.repl_ping_replica_period;
    } else if (!server_is_replica() && !server.pause_type && --ping_countdown <= 0) {
        ping_countdown = cfg.repl_ping_replica_period;
        struct resp_arg ping = {"PING", 4};
        repl_feed_command(-1, 1, &ping);
    }
    check_replicas();
}

void repl_primary_tick(void)
{
    if (snapshot_due())
        start_full_sync();
    if (waiters)
        serve_waiters(1);
}

void repl_primary_before_sleep(void)
{
    if (!waiters)
        return;
    if (getack_requested && !server.pause_type) {
        getack_requested = 0;
        struct resp_arg getack[3] = {{"REPLCONF", 8}, {"GETACK", 6}, {"*", 1}};
        repl_feed_command(-1, 3, getack);
    }
    serve_waiters(0);
}
