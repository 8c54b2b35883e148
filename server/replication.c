/* replication — the replication history and stream, shared by both roles;
 * the command table and ROLE/INFO; see replication.h and repl_internal.h.
 *
 * History is two ids and an offset: master_replid names the stream this
 * node serves, master_repl_offset counts its bytes.  When a node's stream
 * forks (a replica is promoted) the old id becomes replid2, valid up to
 * second_replid_offset, so nodes that followed the old stream up to there
 * can still continue from the backlog (PSYNC2).
 *
 * On a primary the stream is produced here, from the propagate sink: RESP
 * of each effect, with a SELECT whenever the db changes.  On a replica it
 * is the primary's bytes, forwarded verbatim by repl_replica.c, so chained
 * replicas see exactly the primary's stream and offsets agree everywhere.
 */
#include "replication.h"

#include "client.h"
#include "failover.h"
#include "log.h"
#include "mem.h"
#include "networking.h"
#include "numconv.h"
#include "propagate.h"
#include "rand.h"
#include "repl_backlog.h"
#include "repl_internal.h"
#include "reply.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct repl_backlog *backlog;
static void set_sink(int on);
/* The db the stream last SELECTed; -1 forces a SELECT before the next
 * command (a new backlog, a full sync starting). */
static int stream_db = -1;
static long long no_replicas_since;

/* ---- history ---- */

void repl_clear_replid2(void)
{
    memset(server.replid2, '0', RUN_ID_LEN);
    server.replid2[RUN_ID_LEN] = '\0';
    server.second_replid_offset = -1;
}

void repl_change_replid(void)
{
    char id[RUN_ID_LEN + 1];
    if (rand_hex(id, RUN_ID_LEN) < 0) {
        log_warning("Unable to read random bytes: the replication ID stays %s", server.replid);
        return;
    }
    memcpy(server.replid, id, sizeof id);
}

void repl_shift_replid(void)
{
    memcpy(server.replid2, server.replid, sizeof server.replid);
    /* The old history is valid up to the last byte we have: a node that
     * asks to continue from the next one is exactly in sync. */
    server.second_replid_offset = server.master_repl_offset + 1;
    repl_change_replid();
    log_notice("Setting secondary replication ID to %s, valid up to offset: %lld. New "
               "replication ID is %s",
               server.replid2, server.second_replid_offset, server.replid);
}

void repl_set_history(const char *replid, long long offset)
{
    memcpy(server.replid, replid, RUN_ID_LEN);
    server.replid[RUN_ID_LEN] = '\0';
    server.master_repl_offset = offset;
    repl_clear_replid2();
}

/* ---- the backlog ---- */

void repl_create_backlog(void)
{
    repl_backlog_free(backlog);
    backlog = repl_backlog_new((size_t)cfg.repl_backlog_size, server.master_repl_offset + 1);
    stream_db = -1;
    set_sink(1);
}

void repl_free_backlog(void)
{
    repl_backlog_free(backlog);
    backlog = NULL;
    set_sink(0);
}

int repl_has_backlog(void)
{
    return backlog != NULL;
}

void repl_reset_stream_db(void)
{
    stream_db = -1;
}

size_t replication_backlog_memory(void)
{
    return backlog ? repl_backlog_size(backlog) : 0;
}

/* What a PSYNC may continue from: an offset the backlog still covers. */
int repl_backlog_serves(long long offset)
{
    return backlog && repl_backlog_covers(backlog, offset);
}

long long repl_backlog_send(long long offset, repl_backlog_copy_fn *fn, void *ctx)
{
    return backlog ? repl_backlog_copy_from(backlog, offset, fn, ctx) : -1;
}

static void resize_backlog_if_needed(void)
{
    if (backlog && repl_backlog_size(backlog) != (size_t)cfg.repl_backlog_size)
        repl_backlog_resize(backlog, (size_t)cfg.repl_backlog_size);
}

/* ---- the stream ---- */

void repl_feed_stream(const char *p, size_t len)
{
    if (!backlog)
        return;
    repl_backlog_append(backlog, p, len);
    server.master_repl_offset += (long long)len;
    repl_primary_feed_replicas(p, len);
}

/* "<prefix><n>\r\n" without printf: this runs for every propagated write. */
static vstr cat_header(vstr s, char prefix, long long n)
{
    char buf[32];
    buf[0] = prefix;
    size_t len = 1 + numconv_ll_to_str(buf + 1, n);
    buf[len++] = '\r';
    buf[len++] = '\n';
    return vstr_cat(s, buf, len);
}

static vstr encode_command(vstr s, int argc, const struct resp_arg *argv)
{
    s = cat_header(s, '*', argc);
    for (int i = 0; i < argc; i++) {
        s = cat_header(s, '$', (long long)argv[i].len);
        s = vstr_cat(s, argv[i].ptr, argv[i].len);
        s = vstr_cat(s, "\r\n", 2);
    }
    return s;
}

void repl_feed_command(int dbid, int argc, const struct resp_arg *argv)
{
    /* One buffer reused for every command. */
    static vstr s;
    if (!backlog)
        return;
    if (!s)
        s = vstr_empty();
    vstr_clear(s);
    if (dbid >= 0 && dbid != stream_db) {
        char num[16];
        size_t n = numconv_ll_to_str(num, dbid);
        struct resp_arg select[2] = {{"SELECT", 6}, {num, n}};
        s = encode_command(s, 2, select);
        stream_db = dbid;
    }
    s = encode_command(s, argc, argv);
    repl_feed_stream(s, vstr_len(s));
}

/* The propagate sink.  A replica's stream is its primary's, forwarded by
 * repl_replica.c: its own writes (a writable replica) stay local. */
static void replication_sink(int dbid, int argc, const struct resp_arg *argv)
{
    if (server_is_replica())
        return;
    repl_feed_command(dbid, argc, argv);
    repl_primary_note_write();
}

/* The sink listens only while a backlog exists: without one nothing is
 * replicated, and the propagate layer then skips its copies. */
static void set_sink(int on)
{
    propagate_unregister_sink(replication_sink);
    if (on)
        propagate_register_sink(replication_sink);
}

/* ---- cron ---- */

/* A primary alone for repl-backlog-ttl seconds drops its backlog, and
 * with it its history: a replica arriving later needs a full sync anyway. */
static void backlog_ttl_cron(void)
{
    if (repl_primary_count() > 0 || server_is_replica()) {
        no_replicas_since = server.unixtime;
        return;
    }
    if (!backlog || cfg.repl_backlog_ttl == 0)
        return;
    if (server.unixtime - no_replicas_since > cfg.repl_backlog_ttl) {
        repl_change_replid();
        repl_clear_replid2();
        repl_free_backlog();
        log_notice("Replication backlog freed after %lld seconds without connected replicas.",
                   cfg.repl_backlog_ttl);
    }
}

void replication_cron(void)
{
    static long long last_second_ms;
    resize_backlog_if_needed();
    repl_primary_tick();
    failover_cron();
    if (server.mstime - last_second_ms < 1000)
        return;
    last_second_ms = server.mstime;
    repl_replica_cron();
    repl_primary_cron();
    backlog_ttl_cron();
}

void replication_before_sleep(void)
{
    repl_primary_before_sleep();
}

void replication_restore_history(const char *replid, long long offset)
{
    if (cfg.replicaof_host) {
        repl_set_history(replid, offset);
        repl_replica_resume_history();
        return;
    }
    /* Files always carry these fields; offset 0 means no replica ever
     * followed, and no history is worth a backlog. */
    if (offset == 0)
        return;
    memcpy(server.replid2, replid, RUN_ID_LEN);
    server.replid2[RUN_ID_LEN] = '\0';
    server.second_replid_offset = offset + 1;
    server.master_repl_offset = offset;
    repl_create_backlog();
}

void replication_init(void)
{
    no_replicas_since = server.unixtime;
    networking_add_free_hook(repl_primary_client_freed);
    networking_add_free_hook(repl_replica_client_freed);
    if (cfg.replicaof_host)
        repl_replica_start(cfg.replicaof_host, cfg.replicaof_port, 0);
}

/* ---- the dispatcher's checks ---- */

const char *replication_check_write(const struct client *c, int is_write)
{
    if (!is_write)
        return NULL;
    if (!server_is_replica() && !repl_primary_enough_good_replicas())
        return "-NOREPLICAS Not enough good replicas to write.";
    if (server_is_replica() && cfg.replica_read_only && !(c->flags & CLIENT_MASTER))
        return "-READONLY You can't write against a read only replica.";
    return NULL;
}

const char *replication_check_stale(const struct client *c, const struct command *cmd)
{
    if (server_is_replica() && !(c->flags & CLIENT_MASTER) && !repl_replica_link_up() &&
        !cfg.replica_serve_stale_data && !(cmd->flag_bits & CMD_STALE))
        return "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to "
               "'no'.";
    return NULL;
}

/* ---- INFO and ROLE ---- */

vstr replication_info(vstr s)
{
    if (server_is_replica()) {
        s = vstr_cat_cstr(s, "role:slave\r\n");
        s = repl_replica_info(s);
    } else {
        s = vstr_cat_cstr(s, "role:master\r\n");
    }
    s = repl_primary_info(s);
    s = vstr_catfmt(s,
                    "master_failover_state:%s\r\nmaster_replid:%s\r\nmaster_replid2:%s\r\n"
                    "master_repl_offset:%lld\r\nsecond_repl_offset:%lld\r\n"
                    "repl_backlog_active:%d\r\nrepl_backlog_size:%lld\r\n"
                    "repl_backlog_first_byte_offset:%lld\r\nrepl_backlog_histlen:%lld\r\n",
                    failover_state_name(), server.replid, server.replid2, server.master_repl_offset,
                    server.second_replid_offset, backlog != NULL, cfg.repl_backlog_size,
                    backlog ? repl_backlog_first_offset(backlog) : 0,
                    backlog ? repl_backlog_histlen(backlog) : 0);
    return s;
}

static void role_command(struct client *c)
{
    if (server_is_replica()) {
        repl_replica_role(c);
        return;
    }
    reply_array_len(c, 3);
    reply_bulk_cstr(c, "master");
    reply_ll(c, server.master_repl_offset);
    repl_primary_role_list(c);
}

/* ---- REPLICAOF ---- */

static int parse_port(const char *s, long *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > 65535)
        return -1;
    *port = v;
    return 0;
}

static void replicaof_command(struct client *c)
{
    if (failover_active()) {
        reply_error(c, "REPLICAOF not allowed while failing over.");
        return;
    }
    if (client_arg_is(c, 1, "no") && client_arg_is(c, 2, "one")) {
        if (server_is_replica()) {
            repl_replica_stop();
            vstr info = client_info_string(vstr_empty(), c);
            log_notice("MASTER MODE enabled (user request from '%s')", info);
            vstr_free(info);
        }
        reply_ok(c);
        return;
    }
    if (c->flags & CLIENT_SLAVE) {
        reply_error(c, "Command is not valid when client is a replica.");
        return;
    }
    long port;
    if (parse_port(client_arg(c, 2), &port) < 0) {
        reply_error(c, "Invalid master port");
        return;
    }
    if (repl_replica_is_following(client_arg(c, 1), (int)port)) {
        log_notice("REPLICAOF would result into synchronization with the master we are already "
                   "connected with. No operation performed.");
        reply_status(c, "OK Already connected to specified master");
        return;
    }
    repl_replica_start(client_arg(c, 1), (int)port, 1);
    vstr info = client_info_string(vstr_empty(), c);
    log_notice("REPLICAOF %s:%d enabled (user request from '%s')", client_arg(c, 1), (int)port,
               info);
    vstr_free(info);
    reply_ok(c);
}

struct command replication_commands[] = {
    {.name = "replicaof",
     .proc = replicaof_command,
     .arity = 3,
     .flags = "admin noscript stale no_async_loading",
     .group = "server",
     .since = "5.0.0",
     .summary = "Make the server a replica of another instance, or promote it as master.",
     .complexity = "O(1)"},
    {.name = "slaveof",
     .proc = replicaof_command,
     .arity = 3,
     .flags = "admin noscript stale no_async_loading",
     .group = "server",
     .since = "1.0.0",
     .summary = "Make the server a replica of another instance, or promote it as master.",
     .complexity = "O(1)",
     .doc_flags = "deprecated",
     .deprecated_since = "5.0.0",
     .replaced_by = "`REPLICAOF`"},
    {.name = "role",
     .proc = role_command,
     .arity = 1,
     .flags = "noscript loading stale fast",
     .acl = "@admin @dangerous",
     .group = "server",
     .since = "2.8.12",
     .summary = "Return the role of the instance in the context of replication",
     .complexity = "O(1)"},
    {.name = "replconf",
     .proc = repl_replconf_command,
     .arity = -1,
     .flags = "admin noscript loading stale allow_busy",
     .group = "server",
     .since = "3.0.0",
     .summary = "An internal command for configuring the replication stream",
     .complexity = "O(1)",
     .doc_flags = "syscmd"},
    {.name = "psync",
     .proc = repl_psync_command,
     .arity = -3,
     .flags = "admin noscript no_async_loading no_multi",
     .group = "server",
     .since = "2.8.0",
     .summary = "Internal command used for replication"},
    {.name = "sync",
     .proc = repl_sync_command,
     .arity = 1,
     .flags = "admin noscript no_async_loading no_multi",
     .group = "server",
     .since = "1.0.0",
     .summary = "Internal command used for replication"},
    {.name = "wait",
     .proc = repl_wait_command,
     .arity = 3,
     .flags = "noscript",
     .acl = "@connection",
     .tips = "request_policy:all_shards response_policy:agg_min",
     .group = "generic",
     .since = "3.0.0",
     .summary = "Wait for the synchronous replication of all the write commands sent in the "
                "context of the current connection",
     .complexity = "O(1)"},
    {.name = "failover",
     .proc = failover_command,
     .arity = -1,
     .flags = "admin noscript stale",
     .group = "server",
     .since = "6.2.0",
     .summary = "Start a coordinated failover between this server and one of its replicas.",
     .complexity = "O(1)"},
    {0},
};
