/* Bootstrap configuration: defaults and --port/--bind only. */
#include "config.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

struct server_config cfg;

void config_init_defaults(void)
{
    memset(&cfg, 0, sizeof cfg);
    cfg.port = 6379;
    cfg.bind[0] = mem_strdup("127.0.0.1");
    cfg.bind_count = 1;
    cfg.tcp_backlog = 511;
    cfg.tcp_keepalive = 300;
    cfg.maxclients = 10000;
    cfg.protected_mode = 1;
    cfg.databases = 16;
    cfg.loglevel = 2;
    cfg.logfile = mem_strdup("");
    cfg.proto_max_bulk_len = 512LL * 1024 * 1024;
    cfg.client_query_buffer_limit = 1024ULL * 1024 * 1024;
    cfg.hz = 10;
    cfg.dynamic_hz = 1;
    cfg.slowlog_log_slower_than = 10000;
    cfg.slowlog_max_len = 128;
    cfg.active_expire_effort = 1;
    cfg.dbfilename = mem_strdup("dump.rdb");
    cfg.client_obuf_limits[1].hard = 256ULL << 20;
    cfg.client_obuf_limits[1].soft = 64ULL << 20;
    cfg.client_obuf_limits[1].soft_seconds = 60;
    cfg.client_obuf_limits[2].hard = 32ULL << 20;
    cfg.client_obuf_limits[2].soft = 8ULL << 20;
    cfg.client_obuf_limits[2].soft_seconds = 60;
}

int config_load(const char *file, int argc, char **argv, vstr *err)
{
    (void)file;
    (void)err;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            cfg.port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--bind") == 0)
            cfg.bind[0] = mem_strdup(argv[i + 1]);
        else if (strcmp(argv[i], "--enable-debug-command") == 0)
            cfg.enable_debug_command = 1;
        else if (strcmp(argv[i], "--requirepass") == 0)
            cfg.requirepass = mem_strdup(argv[i + 1]);
        else if (strcmp(argv[i], "--maxclients") == 0)
            cfg.maxclients = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--timeout") == 0)
            cfg.maxidletime = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--unixsocket") == 0)
            cfg.unixsocket = mem_strdup(argv[i + 1]);
        else if (strcmp(argv[i], "--unixsocketperm") == 0)
            cfg.unixsocketperm = (unsigned)strtoul(argv[i + 1], NULL, 8);
        else if (strcmp(argv[i], "--protected-mode") == 0)
            cfg.protected_mode = strcmp(argv[i + 1], "yes") == 0;
    }
    return 0;
}
