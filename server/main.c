/* main — vigil-server's entry point: reads the configuration (a file and
 * `--name value` overrides, exactly as redis-server takes them), sets up
 * the process, opens the listeners and runs the event loop. */
#include "aof.h"
#include "bio.h"
#include "blocking.h"
#include "command_info.h"
#include "commands.h"
#include "info.h"
#include "config.h"
#include "config_cmd.h"
#include "config_file.h"
#include "log.h"
#include "mem.h"
#include "monitor.h"
#include "mtime.h"
#include "multi.h"
#include "networking.h"
#include "object.h"
#include "proc.h"
#include "pubsub.h"
#include "rand.h"
#include "replication.h"
#include "server.h"
#include "shutdown.h"
#include "snapshot.h"
#include "t_hash.h"
#include "t_list.h"
#include "t_zset.h"
#include "t_set.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "Usage: ./vigil-server [/path/to/vigil.conf] [options] [-]\n"
                    "       ./vigil-server - (read config from stdin)\n"
                    "       ./vigil-server -v or --version\n"
                    "       ./vigil-server -h or --help\n\n"
                    "Examples:\n"
                    "       ./vigil-server (run the server with default conf)\n"
                    "       ./vigil-server /etc/vigil/6379.conf\n"
                    "       ./vigil-server --port 7777\n"
                    "       ./vigil-server --port 7777 --replicaof 127.0.0.1 8888\n"
                    "       ./vigil-server /etc/myvigil.conf --loglevel verbose -\n");
    exit(1);
}

static void version(void)
{
    printf("Vigil server v=%s (Redis-compatible %s) bits=%d\n", VIGIL_PROJECT_VERSION,
           VIGIL_VERSION, (int)(sizeof(long) * 8));
    exit(0);
}

/* The hash seed, random(), and 40 hex characters each for the run id and
 * the replication id, all from the OpenSSL RNG. */
static void init_random_ids(void)
{
    if (rand_seed() < 0 || rand_hex(server.runid, RUN_ID_LEN) < 0 ||
        rand_hex(server.replid, RUN_ID_LEN) < 0) {
        fprintf(stderr, "Unable to read random bytes\n");
        exit(1);
    }
    memset(server.replid2, '0', RUN_ID_LEN);
    server.second_replid_offset = -1;
}

static void load_config(int argc, char **argv)
{
    int first_opt = 0;
    const char *file = cfgfile_cmdline_file(argc - 1, argv + 1, &first_opt);
    vstr err = NULL;
    if (config_load(file, argc - 1 - first_opt, argv + 1 + first_opt, &err) < 0) {
        fprintf(stderr, "%s\n", err ? err : "Invalid configuration");
        exit(1);
    }
    vstr_free(err);
    config_log_ignored();
}

static void init_server_state(void)
{
    server.pid = getpid();
    server_update_cached_time();
    server.start_time = server.unixtime;
    server.start_monotonic_us = mtime_monotonic_us();
    server.next_client_id = 1;
    server.active_expire_enabled = 1;
    server.lastsave = server.unixtime;
    snapshot_init();
    shutdown_set_save_hook(snapshot_shutdown_save);
    static const struct dict_type errors_type = {.key_free = vstr_free};
    server.errors = dict_new(&errors_type);
    obj_init_shared();
    hash_init();
    list_init();
    zset_init();
    set_init();
    db_init_all();
    bio_init();
    blocking_init();
    pubsub_init();
    multi_init();
    commands_init();
    config_cmd_init();
    command_info_init();
    server.quicklist_packed_threshold = 1 << 30;
    monitor_init();
}

/* Runs the loop until a shutdown request succeeds: a refused one (a save
 * that failed) leaves the server serving. */
static void run_until_shutdown(void)
{
    for (;;) {
        ev_run(server.loop, 0);
        if (server.shutdown_asap && server_prepare_shutdown(server.shutdown_flags) == 0)
            return;
        if (server.shutdown_asap)
            log_warning("Shutdown requested by signal failed; the server keeps running. "
                        "Check the logs for the reason.");
        server.shutdown_asap = 0;
    }
}

/* The AOF, when enabled, is the more complete record: it is loaded
 * instead of the RDB file. */
static void load_data(void)
{
    aof_init();
    if (!cfg.appendonly) {
        snapshot_load_at_start();
    } else if (aof_load_at_start() < 0) {
        log_warning("Fatal error loading the DB, check server logs. Exiting.");
        exit(1);
    }
    aof_open_at_start();
}

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")))
        version();
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
        usage();
    umask(022);
    /* SORT ... ALPHA collates replies by the environment's locale, as Redis does. */
    setlocale(LC_COLLATE, "");
    init_random_ids();
    server.executable = argv[0];
    config_init_defaults();
    load_config(argc, argv);
    log_set_level((enum log_level)cfg.loglevel);
    if (cfg.logfile && *cfg.logfile && log_set_file(cfg.logfile) < 0) {
        fprintf(stderr, "Can't open the log file: %s\n", cfg.logfile);
        exit(1);
    }
    if (cfg.daemonize)
        proc_daemonize();
    init_server_state();
    server_init_loop();
    info_init();
    log_notice("oO0OoO0OoO0Oo Vigil is starting oO0OoO0OoO0Oo");
    log_notice("Vigil version=%s, bits=%d, pid=%d, just started", VIGIL_PROJECT_VERSION,
               (int)(sizeof(long) * 8), (int)server.pid);
    if ((cfg.tls_port || cfg.tls_replication || cfg.tls_cluster) &&
        networking_tls_configure() < 0) {
        log_warning("Failed to configure TLS. Check logs for more info.");
        exit(1);
    }
    log_notice("Server initialized");
    load_data();
    if (networking_listen() < 0)
        exit(1);
    replication_init();
    proc_write_pidfile(cfg.pidfile);
    log_notice("Ready to accept connections");
    run_until_shutdown();
    return 0;
}
