/* config — the server's configuration parameters.
 *
 * Every parameter redis-server 7.0 knows is described once, in a table in
 * config.c: its name and alias, type, bounds, default and flags.  The values
 * themselves live in the global `cfg`, which the rest of the server reads
 * directly (cfg.port, cfg.maxmemory, ...).  This module loads them from
 * redis.conf files and the command line (through common/config_file), and
 * implements the logic of CONFIG GET, SET and REWRITE; it does no
 * networking: errors come back as text for the caller to reply with.
 *
 * Parameters that Vigil accepts but does not act on yet are flagged in the
 * table; setting them in a file is logged once by config_log_ignored().
 */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stddef.h>

#include "vstr.h"

#define CONFIG_MAX_BIND 16
#define CONFIG_MAX_SAVE_PARAMS 16

/* enable-debug-command, enable-protected-configs, enable-module-command. */
enum config_access { CONFIG_ACCESS_NO, CONFIG_ACCESS_YES, CONFIG_ACCESS_LOCAL };

enum maxmemory_policy {
    MAXMEMORY_VOLATILE_LRU,
    MAXMEMORY_VOLATILE_LFU,
    MAXMEMORY_VOLATILE_RANDOM,
    MAXMEMORY_VOLATILE_TTL,
    MAXMEMORY_ALLKEYS_LRU,
    MAXMEMORY_ALLKEYS_LFU,
    MAXMEMORY_ALLKEYS_RANDOM,
    MAXMEMORY_NO_EVICTION
};

enum appendfsync_mode { APPENDFSYNC_NO, APPENDFSYNC_ALWAYS, APPENDFSYNC_EVERYSEC };
enum repl_diskless_load { REPL_DISKLESS_LOAD_DISABLED, REPL_DISKLESS_LOAD_ON_EMPTY_DB,
                          REPL_DISKLESS_LOAD_SWAPDB };
enum sanitize_dump { SANITIZE_DUMP_NO, SANITIZE_DUMP_YES, SANITIZE_DUMP_CLIENTS };
enum oom_score_adj_mode { OOM_SCORE_ADJ_NO, OOM_SCORE_RELATIVE, OOM_SCORE_ABSOLUTE };
enum tls_auth_clients { TLS_AUTH_CLIENTS_NO, TLS_AUTH_CLIENTS_YES, TLS_AUTH_CLIENTS_OPTIONAL };
enum acl_pubsub_default { ACL_PUBSUB_RESETCHANNELS, ACL_PUBSUB_ALLCHANNELS };
enum propagation_error { PROPAGATION_ERR_IGNORE, PROPAGATION_ERR_PANIC,
                         PROPAGATION_ERR_PANIC_ON_REPLICAS };
enum cluster_endpoint { CLUSTER_ENDPOINT_IP, CLUSTER_ENDPOINT_HOSTNAME,
                        CLUSTER_ENDPOINT_UNKNOWN };
enum supervised_mode { SUPERVISED_NONE, SUPERVISED_AUTODETECT, SUPERVISED_SYSTEMD,
                       SUPERVISED_UPSTART };

/* shutdown-on-sigint / shutdown-on-sigterm: 0 means "default". */
#define SHUTDOWN_SAVE (1 << 0)
#define SHUTDOWN_NOSAVE (1 << 1)
#define SHUTDOWN_NOW (1 << 2)
#define SHUTDOWN_FORCE (1 << 3)

/* client-output-buffer-limit classes. */
enum client_class { CLIENT_CLASS_NORMAL, CLIENT_CLASS_REPLICA, CLIENT_CLASS_PUBSUB,
                    CLIENT_CLASS_COUNT };

#define CONFIG_OOM_COUNT 3
#define CONFIG_MAX_PERCENTILES 16

/* Strings are NULL when unset, except those whose empty value is
 * meaningful ("" for logfile means stdout). */
struct server_config {
    /* Network. */
    int port;
    char *bind[CONFIG_MAX_BIND];
    int bind_count;
    char *bind_source_addr;
    char *unixsocket;
    unsigned unixsocketperm;
    int tcp_backlog;
    long long maxidletime; /* timeout */
    int tcp_keepalive;
    unsigned maxclients;
    int protected_mode;
    unsigned socket_mark_id;

    /* General. */
    int daemonize;
    int supervised;
    char *pidfile;
    int loglevel;
    char *logfile;
    int syslog_enabled;
    char *syslog_ident;
    int syslog_facility;
    int databases;
    int always_show_logo;
    int set_proc_title;
    char *proc_title_template;
    int crash_log_enabled;
    int crash_memcheck_enabled;
    int disable_thp;
    char *ignore_warnings;
    int shutdown_on_sigint;
    int shutdown_on_sigterm;
    int shutdown_timeout;
    char *server_cpulist;
    char *bio_cpulist;
    char *aof_rewrite_cpulist;
    char *bgsave_cpulist;

    /* Security. */
    char *requirepass;
    char *aclfile;
    long long acllog_max_len;
    int acl_pubsub_default;
    int enable_debug_command;
    int enable_protected_configs;
    int enable_module_command;
    int sanitize_dump_payload;

    /* Limits and protocol. */
    long long proto_max_bulk_len;
    unsigned long long client_query_buffer_limit;
    struct {
        unsigned long long hard, soft;
        long long soft_seconds;
    } client_obuf_limits[CLIENT_CLASS_COUNT];
    long long busy_reply_threshold; /* lua-time-limit */
    unsigned long long tracking_table_max_keys;

    /* Event loop and background work. */
    int hz;
    int dynamic_hz;
    int activerehashing;
    int active_expire_effort;
    int io_threads;
    int io_threads_do_reads;
    int jemalloc_bg_thread;
    int activedefrag;
    unsigned long long active_defrag_ignore_bytes;
    int active_defrag_threshold_lower;
    int active_defrag_threshold_upper;
    int active_defrag_cycle_min;
    int active_defrag_cycle_max;
    unsigned long long active_defrag_max_scan_fields;

    /* Memory. */
    unsigned long long maxmemory;
    int maxmemory_policy;
    int maxmemory_samples;
    int maxmemory_eviction_tenacity;
    long long maxmemory_clients; /* negative: a percentage of maxmemory */
    int lfu_log_factor;
    int lfu_decay_time;
    int lazyfree_lazy_eviction;
    int lazyfree_lazy_expire;
    int lazyfree_lazy_server_del;
    int lazyfree_lazy_user_del;
    int lazyfree_lazy_user_flush;
    int oom_score_adj;
    int oom_score_adj_values[CONFIG_OOM_COUNT];

    /* Slow log, latency. */
    long long slowlog_log_slower_than;
    unsigned long slowlog_max_len;
    long long latency_monitor_threshold;
    int latency_tracking;
    double latency_tracking_info_percentiles[CONFIG_MAX_PERCENTILES];
    int latency_tracking_info_percentiles_count;

    /* Snapshotting. */
    struct {
        long long seconds;
        long long changes;
    } save_params[CONFIG_MAX_SAVE_PARAMS];
    int save_params_count;
    int stop_writes_on_bgsave_error;
    int rdbcompression;
    int rdbchecksum;
    char *dbfilename;
    int rdb_del_sync_files;
    int rdb_save_incremental_fsync;

    /* Append only file. */
    int appendonly;
    char *appendfilename;
    char *appenddirname;
    int appendfsync;
    int no_appendfsync_on_rewrite;
    int auto_aof_rewrite_percentage;
    long long auto_aof_rewrite_min_size;
    int aof_load_truncated;
    int aof_use_rdb_preamble;
    int aof_rewrite_incremental_fsync;
    int aof_timestamp_enabled;
    int aof_disable_auto_gc;

    /* Replication. */
    char *replicaof_host; /* NULL when not a replica */
    int replicaof_port;
    char *masterauth;
    char *masteruser;
    int replica_serve_stale_data;
    int replica_read_only;
    int replica_ignore_maxmemory;
    int replica_lazy_flush;
    int replica_announced;
    int replica_ignore_disk_write_errors;
    int replica_priority;
    char *replica_announce_ip;
    int replica_announce_port;
    int repl_diskless_sync;
    int repl_diskless_sync_delay;
    int repl_diskless_sync_max_replicas;
    int repl_diskless_load;
    int repl_ping_replica_period;
    int repl_timeout;
    int repl_disable_tcp_nodelay;
    long long repl_backlog_size;
    long long repl_backlog_ttl;
    int min_replicas_to_write;
    int min_replicas_max_lag;
    int propagation_error_behavior;

    /* Data types. */
    int hash_max_listpack_entries, hash_max_listpack_value;
    int set_max_intset_entries;
    int zset_max_listpack_entries, zset_max_listpack_value;
    int list_max_listpack_size, list_compress_depth;
    unsigned long long hll_sparse_max_bytes;
    unsigned long long stream_node_max_bytes;
    long long stream_node_max_entries;

    /* Keyspace notifications (NOTIFY_* flags of notify.h). */
    int notify_keyspace_events;

    /* Cluster (accepted, not implemented). */
    int cluster_enabled;
    char *cluster_config_file;
    long long cluster_node_timeout;
    int cluster_port;
    char *cluster_announce_ip;
    char *cluster_announce_hostname;
    int cluster_announce_port;
    int cluster_announce_bus_port;
    int cluster_announce_tls_port;
    int cluster_preferred_endpoint_type;
    int cluster_replica_validity_factor;
    int cluster_migration_barrier;
    int cluster_allow_replica_migration;
    int cluster_require_full_coverage;
    int cluster_replica_no_failover;
    int cluster_allow_reads_when_down;
    int cluster_allow_pubsubshard_when_down;
    unsigned long long cluster_link_sendbuf_limit;

    /* TLS. */
    int tls_port;
    char *tls_cert_file;
    char *tls_key_file;
    char *tls_key_file_pass;
    char *tls_client_cert_file;
    char *tls_client_key_file;
    char *tls_client_key_file_pass;
    char *tls_dh_params_file;
    char *tls_ca_cert_file;
    char *tls_ca_cert_dir;
    int tls_auth_clients;
    int tls_replication;
    int tls_cluster;
    char *tls_protocols;
    char *tls_ciphers;
    char *tls_ciphersuites;
    int tls_prefer_server_ciphers;
    int tls_session_caching;
    int tls_session_cache_size;
    int tls_session_cache_timeout;

    /* Testing knobs (hidden from CONFIG GET *). */
    int key_load_delay;
    int rdb_key_save_delay;
    int loading_process_events_interval_bytes;
};

extern struct server_config cfg;

/* Runs after a CONFIG SET changed the parameter; returns -1 with a static
 * message in *err to make the whole CONFIG SET fail and roll back. */
typedef int (*config_apply_fn)(const char **err);

void config_init_defaults(void);
/* Loads file (NULL: none, "-": stdin), then the command-line options after
 * it, over the current values (call config_init_defaults() first).  On
 * error returns -1 with the operator-facing message in *err. */
int config_load(const char *file, int argc, char **argv, vstr *err);
/* Absolute path of the loaded config file, NULL when there is none. */
const char *config_file_path(void);

/* CONFIG SET with several name/value pairs, all or nothing.  *err receives
 * the full error reply text ("ERR ..."). */
int config_set(int npairs, const char **names, const size_t *name_lens, const char **values,
               const size_t *value_lens, vstr *err);
/* Same, telling whether the client is local, for the "local" level of
 * enable-protected-configs; config_set() treats the client as remote. */
int config_set_ex(int npairs, const char **names, const size_t *name_lens, const char **values,
                  const size_t *value_lens, int client_is_local, vstr *err);

typedef void (*config_emit_fn)(void *ctx, const char *name, const vstr value);
/* CONFIG GET with one pattern. */
void config_get(const char *pattern, size_t plen, config_emit_fn emit, void *ctx);
/* CONFIG GET with several patterns; each parameter is emitted once. */
void config_get_multi(int npatterns, const char **patterns, const size_t *plens,
                      config_emit_fn emit, void *ctx);

int config_rewrite(vstr *err);

/* A parameter's value as CONFIG GET shows it, or NULL if unknown. */
vstr config_render(const char *name);
/* Registers the hook run after `name` is changed by CONFIG SET. */
int config_register_apply(const char *name, config_apply_fn fn);
/* True for parameters whose values must not be logged (passwords). */
int config_is_sensitive(const char *name, size_t len);

/* "100", "1k" (1000), "1kb" (1024), "2mb", "3G"... *err set on failure. */
long long config_parse_memory(const char *s, int *err);

/* Logs, once, each parameter set in the configuration that Vigil ignores. */
void config_log_ignored(void);

#endif
