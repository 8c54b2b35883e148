/* failover — the FAILOVER command and its state machine; see failover.h.
 *
 * waiting-for-sync: writes paused, replicas ACK every second; as soon as
 * the target (or, without TO, any replica) acknowledged our whole stream,
 * failover-in-progress: we turn into its replica, and the PSYNC our link
 * sends carries FAILOVER.  Its answer ends the failover either way.
 */
#include "failover.h"

#include "client.h"
#include "log.h"
#include "mem.h"
#include "numconv.h"
#include "repl_internal.h"
#include "reply.h"
#include "server.h"

#include <limits.h>
#include <strings.h>

enum failover_state { FAILOVER_NONE, FAILOVER_WAIT_FOR_SYNC, FAILOVER_IN_PROGRESS };

static struct {
    enum failover_state state;
    char *host; /* the target, or NULL for "any replica" until one is found */
    int port;
    long long end_ms; /* 0: no timeout */
    int force;
} fo;

const char *failover_state_name(void)
{
    switch (fo.state) {
    case FAILOVER_WAIT_FOR_SYNC: return "waiting-for-sync";
    case FAILOVER_IN_PROGRESS: return "failover-in-progress";
    default: return "no-failover";
    }
}

int failover_active(void)
{
    return fo.state != FAILOVER_NONE;
}

int failover_in_progress(void)
{
    return fo.state == FAILOVER_IN_PROGRESS;
}

static void clear_state(void)
{
    fo.state = FAILOVER_NONE;
    mem_free(fo.host);
    fo.host = NULL;
    fo.end_ms = 0;
    fo.force = 0;
    server_unpause();
}

static void abort_failover(const char *reason)
{
    if (fo.state == FAILOVER_IN_PROGRESS)
        repl_replica_stop();
    log_notice("FAILOVER aborted: %s", reason);
    clear_state();
}

static void demote_to_target(void)
{
    fo.state = FAILOVER_IN_PROGRESS;
    repl_replica_start(fo.host, fo.port, 1);
}

void failover_psync_done(int accepted)
{
    if (fo.state != FAILOVER_IN_PROGRESS)
        return;
    if (accepted)
        clear_state();
    else
        abort_failover("Failover target rejected psync request");
}

int failover_psync_promote(struct client *c, const char *replid, long long offset)
{
    (void)offset;
    if (strcasecmp(replid, server.replid) != 0) {
        reply_error(c, "PSYNC FAILOVER replid must match my replid.");
        return -1;
    }
    if (server_is_replica()) {
        repl_replica_stop();
        vstr info = client_info_string(vstr_empty(), c);
        log_notice("MASTER MODE enabled (failover request from '%s')", info);
        vstr_free(info);
    }
    return 0;
}

/* Finds the replica to hand over to: the target, or any replica that has
 * acknowledged our whole stream. */
static int target_synced(void)
{
    if (fo.host)
        return repl_primary_replica_ack(fo.host, fo.port) == server.master_repl_offset;
    char *host;
    int port;
    if (repl_primary_find_synced(&host, &port) < 0)
        return 0;
    fo.host = host;
    fo.port = port;
    return 1;
}

void failover_cron(void)
{
    if (fo.state != FAILOVER_WAIT_FOR_SYNC)
        return;
    if (fo.end_ms && fo.end_ms <= server.mstime) {
        if (!fo.force) {
            abort_failover("Replica never caught up before timeout");
            return;
        }
        log_notice("FAILOVER to %s:%d time out exceeded, failing over.", fo.host, fo.port);
        demote_to_target();
        return;
    }
    if (target_synced()) {
        log_notice("Failover target %s:%d is synced, failing over.", fo.host, fo.port);
        demote_to_target();
    }
}

struct failover_args {
    const char *host;
    long long port, timeout;
    int force, abort;
};

static int parse_args(struct client *c, struct failover_args *a)
{
    for (int j = 1; j < c->argc; j++) {
        if (client_arg_is(c, j, "to") && !a->host && j + 2 < c->argc) {
            if (numconv_to_ll(client_arg(c, j + 2), client_arg_len(c, j + 2), &a->port) < 0) {
                reply_error(c, "value is not an integer or out of range");
                return -1;
            }
            a->host = client_arg(c, j + 1);
            j += 2;
        } else if (client_arg_is(c, j, "timeout") && !a->timeout && j + 1 < c->argc) {
            if (numconv_to_ll(client_arg(c, j + 1), client_arg_len(c, j + 1), &a->timeout) < 0) {
                reply_error(c, "value is not an integer or out of range");
                return -1;
            }
            if (a->timeout <= 0) {
                reply_error(c, "FAILOVER timeout must be greater than 0");
                return -1;
            }
            j++;
        } else if (client_arg_is(c, j, "force") && !a->force) {
            a->force = 1;
        } else if (client_arg_is(c, j, "abort") && !a->abort) {
            a->abort = 1;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    return 0;
}

static int check_request(struct client *c, const struct failover_args *a)
{
    const char *err = NULL;
    if (server_is_replica())
        err = "FAILOVER is not valid when server is a replica.";
    else if (repl_primary_count() == 0)
        err = "FAILOVER requires connected replicas.";
    else if (a->force && (!a->timeout || !a->host))
        err = "FAILOVER with force option requires both a timeout and target HOST and IP.";
    else if (fo.state != FAILOVER_NONE)
        err = "FAILOVER already in progress.";
    else if (a->host && repl_primary_replica_ack(a->host, (int)a->port) < 0)
        err = repl_primary_has_replica(a->host, (int)a->port)
                  ? "FAILOVER target replica is not online."
                  : "FAILOVER target HOST and PORT is not a replica.";
    if (err)
        reply_error(c, err);
    return err ? -1 : 0;
}

void failover_command(struct client *c)
{
    struct failover_args a = {0};
    if (parse_args(c, &a) < 0)
        return;
    if (a.abort) {
        if (fo.state == FAILOVER_NONE) {
            reply_error(c, "No failover in progress.");
            return;
        }
        abort_failover("Failover manually aborted");
        reply_ok(c);
        return;
    }
    if (check_request(c, &a) < 0)
        return;
    if (a.host) {
        fo.host = mem_strdup(a.host);
        fo.port = (int)a.port;
        log_notice("FAILOVER requested to %s:%d.", fo.host, fo.port);
    } else {
        log_notice("FAILOVER requested to any replica.");
    }
    fo.end_ms = a.timeout ? server.mstime + a.timeout : 0;
    fo.force = a.force;
    fo.state = FAILOVER_WAIT_FOR_SYNC;
    server_pause(1, LLONG_MAX);
    reply_ok(c);
}
