/* server — the process-wide state of vigil-server: the event loop, the
 * listening sockets, the databases, the client list and the statistics
 * INFO reports.  Configuration values live in config.h's `cfg`.
 */
#ifndef VIGIL_SERVER_H
#define VIGIL_SERVER_H

#include "client.h"
#include "config.h"
#include "db.h"

#include <ev.h>
#include <stdint.h>
#include <sys/types.h>

#define VIGIL_VERSION "7.0.15"
#define VIGIL_PROJECT_VERSION "0.1.0"
#define SERVER_MAX_LISTENERS 17
#define RUN_ID_LEN 40

struct server_stats {
    long long numcommands;
    long long numconnections;
    long long rejected_conn;
    long long expiredkeys;
    long long expired_stale_perc;
    long long expired_time_cap_reached_count;
    long long expire_cycle_time_used;
    long long evictedkeys;
    long long evictedclients;
    long long keyspace_hits;
    long long keyspace_misses;
    long long net_input_bytes;
    long long net_output_bytes;
    long long total_error_replies;
    long long unexpected_error_replies;
    long long client_qbuf_limit_disconnections;
    long long client_outbuf_limit_disconnections;
    long long total_reads_processed;
    long long total_writes_processed;
    long long io_threaded_reads;
    long long dump_payload_sanitizations;
    size_t peak_memory;
    long long peak_memory_time;
};

struct server {
    struct ev_loop *loop;
    pid_t pid;
    char runid[RUN_ID_LEN + 1];
    long long start_time; /* unix seconds */
    uint64_t start_monotonic_us;
    char *executable;
    char *configfile; /* absolute path, or NULL */

    int listen_fds[SERVER_MAX_LISTENERS];
    ev_io listen_watchers[SERVER_MAX_LISTENERS];
    int listen_count;
    int unix_fd;
    ev_io unix_watcher;

    struct db *dbs;
    long long dirty; /* writes since the last save */

    struct client *clients_head, *clients_tail;
    unsigned long client_count;
    struct client *pending_writes;
    struct client *pending_closes;
    struct client *current_client;
    uint64_t next_client_id;

    /* Cached clocks, refreshed before each command so that one command
     * sees one "now" (expiry decisions stay consistent). */
    long long mstime;
    long long unixtime;
    unsigned lruclock;

    int shutdown_asap;
    int shutdown_flags;
    int active_expire_enabled;
    long long cronloops;
    int hz; /* current rate, adapted when dynamic-hz is on */

    /* CLIENT PAUSE. */
    int pause_type;          /* 0 none, 1 write, 2 all */
    long long pause_end_ms;

    ev_timer cron_timer;
    ev_prepare before_sleep;
    ev_signal sigterm_watcher, sigint_watcher;

    struct server_stats stat;
    dict *errors; /* error code -> count (INFO errorstats) */
    long long lastsave;
    int loading;
    int masterhost_set; /* replica role: refined by replication.c */

    /* Replication identity as a standalone primary reports it (INFO,
     * DEBUG CHANGE-REPL-ID); the replication module takes these over. */
    char replid[RUN_ID_LEN + 1];
    char replid2[RUN_ID_LEN + 1];
    long long master_repl_offset;
    long long second_replid_offset;

    /* Persistence (snapshot.c). */
    pid_t child_pid; /* the background save child, or 0 */
    ev_child child_watcher;
    int child_info_fd; /* read end of the child's report pipe, or -1 */
    long long child_start_ms;
    long long dirty_before_bgsave;
    long long lastbgsave_try; /* unix seconds */
    int lastbgsave_failed; /* 0 (the zero state) means "ok" */
    long long rdb_last_bgsave_time_sec; /* -1: none yet */
    long long rdb_saves;
    size_t rdb_last_cow_size;
    long long rdb_last_load_keys_loaded, rdb_last_load_keys_expired;

    /* DEBUG QUICKLIST-PACKED-THRESHOLD: list elements of at least this
     * many bytes get a node of their own (list module). */
    size_t quicklist_packed_threshold;
};

extern struct server server;

/* Creates the loop with its cron timer, before-sleep hook and signals. */
void server_init_loop(void);
/* CLIENT PAUSE: type 1 holds writes, 2 holds everything, until end_ms. */
void server_pause(int type, long long end_ms);
void server_unpause(void);
/* Refreshes the cached clocks (server.mstime, unixtime, lruclock). */
void server_update_cached_time(void);
/* Asks the loop to stop and the process to shut down (SIGTERM, SHUTDOWN). */
void server_request_shutdown(int flags);
/* Runs the shutdown sequence; 0 if the process may exit. */
int server_prepare_shutdown(int flags);
/* Writes are refused while paused or a replica; the reason as an error reply. */
int server_is_replica(void);



#endif
