/* main — vigil-sentinel's entry point: command line and config file,
 * daemonizing, the persistent id, signals, and the event loop with the
 * sentinel timer.
 *
 *   vigil-sentinel /path/to/sentinel.conf [--name value ...]
 *
 * The config file is required and must be writable: the sentinel keeps
 * its state in it (see state.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "config_file.h"
#include "events.h"
#include "instance.h"
#include "log.h"
#include "mem.h"
#include "monitor.h"
#include "proc.h"
#include "rand.h"
#include "state.h"

#define VIGIL_SENTINEL_VERSION "7.0.15"
#define TIMER_PERIOD 0.1

static void random_hex(char *out, size_t hexlen)
{
    if (rand_hex(out, hexlen) < 0) {
        fprintf(stderr, "Unable to read random bytes\n");
        exit(1);
    }
}

static void seed_random(void)
{
    if (rand_seed() < 0) {
        fprintf(stderr, "Unable to read random bytes\n");
        exit(1);
    }
}

static void fatal_config(struct cfgfile_error *err)
{
    vstr text = cfgfile_error_format(err, "Vigil-sentinel " VIGIL_SENTINEL_VERSION);
    fprintf(stderr, "%s\n", text);
    vstr_free(text);
    exit(1);
}

/* Loads the file, then `--name value` overrides (a redis-server style
 * `--sentinel` flag is accepted and ignored). */
static void load_config(int argc, char **argv)
{
    int first = 0;
    const char *file = cfgfile_cmdline_file(argc - 1, argv + 1, &first);
    if (!file) {
        fprintf(stderr, "Sentinel needs config file on disk to save state.  Exiting...\n");
        exit(1);
    }
    char abs[PATH_MAX];
    if (!realpath(file, abs)) {
        fprintf(stderr, "Sentinel config file %s: %s. Exiting...\n", file, strerror(errno));
        exit(1);
    }
    sentinel.config_file = vstr_from(abs);
    struct cfgfile_error err = {0};
    if (cfgfile_load_file(abs, state_directive, NULL, &err) < 0)
        fatal_config(&err);
    char **opts = mem_calloc((size_t)argc * sizeof *opts);
    int nopts = 0;
    for (int i = 1 + first; i < argc; i++)
        if (strcmp(argv[i], "--sentinel"))
            opts[nopts++] = argv[i];
    int read_stdin = 0;
    vstr text = cfgfile_cmdline_to_text(nopts, opts, &read_stdin);
    mem_free(opts);
    if (cfgfile_load_string(NULL, text, vstr_len(text), state_directive, NULL, &err) < 0)
        fatal_config(&err);
    vstr_free(text);
    if (access(abs, W_OK) == -1) {
        fprintf(stderr, "Sentinel config file %s is not writable: %s. Exiting...\n", abs,
                strerror(errno));
        exit(1);
    }
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)w;
    (void)revents;
    monitor_tick();
    client_stats_sample(instance_now());
}

/* SIGTERM/SIGINT: save the state and leave, as redis-sentinel does. */
static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)revents;
    log_warning("Received %s scheduling shutdown...", w->signum == SIGINT ? "SIGINT" : "SIGTERM");
    state_flush();
    if (sentinel.pidfile)
        unlink(sentinel.pidfile);
    log_warning("Sentinel is now ready to exit, bye bye...");
    ev_break(loop, EVBREAK_ALL);
}

static void publish_event(const char *channel, const char *msg, size_t len)
{
    client_publish(channel, msg, len);
}

/* First start: a new persistent id; then announce every primary. */
static void sentinel_is_running(void)
{
    if (sentinel.myid[0] == '\0') {
        random_hex(sentinel.myid, 40);
        log_warning("Sentinel ID is %s", sentinel.myid);
    } else {
        log_warning("Sentinel ID is %s", sentinel.myid);
    }
    if (state_flush() < 0) {
        log_warning("Sentinel config file %s is not writable. Exiting...", sentinel.config_file);
        exit(1);
    }
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, sentinel.masters, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *m = de->v.val;
        events_instance(LOG_WARNING, "+monitor", m, "quorum %u", m->quorum);
    }
    dict_iter_release(&it);
}

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
        printf("Vigil sentinel v=%s\n", VIGIL_SENTINEL_VERSION);
        return 0;
    }
    seed_random();
    log_set_role('X');
    instance_state_init();
    sentinel.deny_scripts_reconfig = 1;
    random_hex(sentinel.run_id, 40);
    load_config(argc, argv);
    if (sentinel.logfile && log_set_file(sentinel.logfile) < 0) {
        fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
        exit(1);
    }
    if (sentinel.daemonize)
        proc_daemonize();
    signal(SIGPIPE, SIG_IGN);
    sentinel.loop = EV_DEFAULT;
    sentinel.start_time = instance_now();
    sentinel.previous_time = sentinel.start_time;
    log_notice("oO0OoO0OoO0Oo Vigil sentinel is starting oO0OoO0OoO0Oo");
    log_notice("Running mode=sentinel, port=%d.", sentinel.port);
    if (client_listen() < 0) {
        log_warning("Failed listening on port %d (tcp), aborting.", sentinel.port);
        exit(1);
    }
    proc_write_pidfile(sentinel.pidfile);
    events_set_publisher(publish_event);
    sentinel_is_running();

    ev_timer timer;
    ev_timer_init(&timer, on_timer, TIMER_PERIOD, TIMER_PERIOD);
    ev_timer_start(sentinel.loop, &timer);
    ev_signal sigterm, sigint;
    ev_signal_init(&sigterm, on_signal, SIGTERM);
    ev_signal_init(&sigint, on_signal, SIGINT);
    ev_signal_start(sentinel.loop, &sigterm);
    ev_signal_start(sentinel.loop, &sigint);
    ev_run(sentinel.loop, 0);
    return 0;
}
