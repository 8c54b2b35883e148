/* server — process-wide state, the periodic cron, the before-sleep hook
 * and the shutdown sequence. */
#include "server.h"

#include "aof.h"
#include "blocking.h"
#include "commands.h"
#include "expire.h"
#include "log.h"
#include "mem.h"
#include "mtime.h"
#include "networking.h"
#include "replication.h"
#include "shutdown.h"
#include "snapshot.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

struct server server;

#define LRU_CLOCK_RESOLUTION_MS 1000
#define LRU_CLOCK_MAX ((1 << 24) - 1)

void server_update_cached_time(void)
{
    server.mstime = mtime_mstime();
    server.unixtime = server.mstime / 1000;
    server.lruclock = (unsigned)((server.mstime / LRU_CLOCK_RESOLUTION_MS) & LRU_CLOCK_MAX);
}

int server_is_replica(void)
{
    return server.masterhost_set;
}

void server_request_shutdown(int flags)
{
    server.shutdown_asap = 1;
    server.shutdown_flags = flags;
    ev_break(server.loop, EVBREAK_ALL);
}

/* The steps that may fail come first, so that a refused shutdown leaves a
 * server that still works: nothing is closed or removed before them. */
int server_prepare_shutdown(int flags)
{
    log_warning("User requested shutdown...");
    aof_shutdown();
    if (shutdown_save(flags) < 0) {
        log_warning("Errors trying to shut down the server. Check the logs for more information.");
        return -1;
    }
    if (cfg.pidfile && *cfg.pidfile) {
        log_notice("Removing the pid file.");
        unlink(cfg.pidfile);
    }
    networking_close_listeners();
    log_warning("Vigil is now ready to exit, bye bye...");
    return 0;
}

/* Sets hz from the number of clients when dynamic-hz is on: more clients,
 * more frequent cron, so per-tick client work stays small. */
static void adapt_hz(void)
{
    server.hz = cfg.hz;
    if (!cfg.dynamic_hz)
        return;
    while (server.client_count / (unsigned long)server.hz > 200 && server.hz < 500)
        server.hz *= 2;
}

/* Expiring is a write: replicas wait for their primary's DELs, and a
 * CLIENT PAUSE holds it like any other write. */
static int active_expire_allowed(void)
{
    return server.active_expire_enabled && !server_is_replica() && server.pause_type == 0;
}

static void databases_cron(void)
{
    if (active_expire_allowed())
        expire_active_cycle(EXPIRE_CYCLE_SLOW);
    for (int i = 0; i < cfg.databases; i++) {
        struct db *db = db_get(i);
        dict_resize_to_fit(db->keys);
        dict_resize_to_fit(db->expires);
        if (dict_is_rehashing(db->keys))
            dict_rehash_ms(db->keys, 1);
        if (dict_is_rehashing(db->expires))
            dict_rehash_ms(db->expires, 1);
    }
}

static void track_peak_memory(void)
{
    size_t used = mem_used();
    if (used > server.stat.peak_memory) {
        server.stat.peak_memory = used;
        server.stat.peak_memory_time = server.unixtime;
    }
}

static void on_cron(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    server_update_cached_time();
    track_peak_memory();
    networking_clients_cron();
    databases_cron();
    snapshot_cron();
    replication_cron();
    aof_cron();
    if (server.pause_type && server.pause_end_ms <= server.mstime)
        server_unpause();
    server.cronloops++;
    adapt_hz();
    w->repeat = 1.0 / server.hz;
    ev_timer_again(server.loop, w);
}

void server_pause(int type, long long end_ms)
{
    /* A stronger or longer pause wins over the one in force. */
    if (type > server.pause_type)
        server.pause_type = type;
    if (end_ms > server.pause_end_ms)
        server.pause_end_ms = end_ms;
}

/* Set when a pause ends: the held clients run from the before-sleep hook,
 * not from inside CLIENT UNPAUSE, so no client's command runs nested in
 * another's. */
static int resume_held_clients;

void server_unpause(void)
{
    server.pause_type = 0;
    server.pause_end_ms = 0;
    resume_held_clients = 1;
}

static void resume_paused_clients(void)
{
    if (!resume_held_clients || server.pause_type)
        return;
    resume_held_clients = 0;
    struct client *next;
    for (struct client *c = server.clients_head; c; c = next) {
        next = c->next;
        if (!(c->flags & CLIENT_PAUSED_WAITING))
            continue;
        c->flags &= ~CLIENT_PAUSED_WAITING;
        networking_process_input(c);
    }
}

static void on_before_sleep(struct ev_loop *loop, ev_prepare *w, int revents)
{
    (void)loop;
    (void)w;
    (void)revents;
    resume_paused_clients();
    if (active_expire_allowed())
        expire_active_cycle(EXPIRE_CYCLE_FAST);
    blocking_before_sleep();
    replication_before_sleep();
    /* Replies go out only after the writes they acknowledge reached the
     * AOF (and, with appendfsync always, the disk). */
    aof_flush(0);
    networking_before_sleep();
}

static void on_shutdown_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)loop;
    (void)revents;
    int sigint = w->signum == SIGINT;
    log_warning("Received %s scheduling shutdown...", sigint ? "SIGINT" : "SIGTERM");
    /* shutdown-on-sigint/-sigterm: the same flags SHUTDOWN takes. */
    server_request_shutdown(sigint ? cfg.shutdown_on_sigint : cfg.shutdown_on_sigterm);
}

void server_init_loop(void)
{
    server.loop = ev_default_loop(EVFLAG_AUTO);
    server.hz = cfg.hz;
    ev_init(&server.cron_timer, on_cron);
    server.cron_timer.repeat = 1.0 / server.hz;
    ev_timer_again(server.loop, &server.cron_timer);
    ev_prepare_init(&server.before_sleep, on_before_sleep);
    ev_prepare_start(server.loop, &server.before_sleep);
    ev_signal_init(&server.sigterm_watcher, on_shutdown_signal, SIGTERM);
    ev_signal_start(server.loop, &server.sigterm_watcher);
    ev_signal_init(&server.sigint_watcher, on_shutdown_signal, SIGINT);
    ev_signal_start(server.loop, &server.sigint_watcher);
    signal(SIGPIPE, SIG_IGN);
}
