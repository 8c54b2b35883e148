/* Bootstrap configuration values; replaced by the full directive table. */
#ifndef VIGIL_SERVER_CONFIG_H
#define VIGIL_SERVER_CONFIG_H

#include "vstr.h"

#define CONFIG_MAX_PERCENTILES 16

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

struct server_config {
    int port;
    char *bind[16];
    int bind_count;
    char *unixsocket;
    unsigned unixsocketperm;
    int tcp_backlog;
    long long maxidletime;
    int tcp_keepalive;
    unsigned maxclients;
    int protected_mode;
    char *requirepass;
    int databases;
    int loglevel;
    char *logfile;
    int daemonize;
    char *pidfile;
    long long proto_max_bulk_len;
    unsigned long long client_query_buffer_limit;
    int hz;
    int dynamic_hz;
    long long slowlog_log_slower_than;
    unsigned long slowlog_max_len;
    int enable_debug_command;
    int enable_protected_configs;
    int active_expire_effort;
    unsigned long long maxmemory;
    int maxmemory_policy;
    long long latency_monitor_threshold;
    int latency_tracking;
    double latency_tracking_info_percentiles[CONFIG_MAX_PERCENTILES];
    int latency_tracking_info_percentiles_count;
    int rdbcompression;
    int appendonly;
    long long repl_backlog_size;
    char *dbfilename;
    int notify_keyspace_events;
    struct {
        unsigned long long hard, soft;
        long long soft_seconds;
    } client_obuf_limits[3];
};

extern struct server_config cfg;

void config_init_defaults(void);
int config_load(const char *file, int argc, char **argv, vstr *err);
/* A parameter's value as CONFIG GET shows it, or NULL if unknown. */
vstr config_render(const char *name);

#endif
