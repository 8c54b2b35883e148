/* info — INFO and the statistics behind it.
 *
 * One function per section appends "field:value\r\n" lines to a vstr in
 * redis-server 7.0.15's order.  Fields for features Vigil does not have
 * (modules, Lua, defragmentation, TLS, cluster) keep their place with the
 * value a standalone redis-server without that activity reports, because
 * tools look fields up by name and some by position.
 *
 * The instantaneous rates (ops/sec, kbps) come from a 100 ms sampling
 * timer averaged over the last 16 samples, as Redis computes them.
 */
#include "info.h"

#include "aof.h"
#include "pubsub.h"

#include "client.h"
#include "config.h"
#include "latency.h"
#include "mem.h"
#include "mtime.h"
#include "proc.h"
#include "replication.h"
#include "reply.h"
#include "server.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ---- instantaneous rates ---- */

#define METRIC_SAMPLES 16
#define METRIC_PERIOD 0.1

enum { METRIC_OPS, METRIC_NET_IN, METRIC_NET_OUT, METRIC_COUNT };

static struct {
    long long last_ms;
    long long last_value[METRIC_COUNT];
    long long samples[METRIC_COUNT][METRIC_SAMPLES]; /* per second */
    int idx;
} metrics;

static ev_timer metrics_timer;
static size_t used_memory_startup;

static long long metric_value(int m)
{
    switch (m) {
    case METRIC_OPS: return server.stat.numcommands;
    case METRIC_NET_IN: return server.stat.net_input_bytes;
    default: return server.stat.net_output_bytes;
    }
}

static void sample_metrics(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)w;
    (void)revents;
    long long now = mtime_mstime();
    long long elapsed = now - metrics.last_ms;
    for (int m = 0; m < METRIC_COUNT; m++) {
        long long value = metric_value(m);
        long long delta = value - metrics.last_value[m];
        metrics.samples[m][metrics.idx] = elapsed > 0 && delta > 0 ? delta * 1000 / elapsed : 0;
        metrics.last_value[m] = value;
    }
    metrics.last_ms = now;
    metrics.idx = (metrics.idx + 1) % METRIC_SAMPLES;
}

static long long metric_rate(int m)
{
    long long sum = 0;
    for (int i = 0; i < METRIC_SAMPLES; i++)
        sum += metrics.samples[m][i];
    return sum / METRIC_SAMPLES;
}

void info_init(void)
{
    used_memory_startup = mem_used();
    metrics.last_ms = mtime_mstime();
    ev_timer_init(&metrics_timer, sample_metrics, METRIC_PERIOD, METRIC_PERIOD);
    ev_timer_start(server.loop, &metrics_timer);
}

static void reset_command_stats(struct command *cmd, void *ctx)
{
    (void)ctx;
    cmd->calls = cmd->usec = cmd->rejected_calls = cmd->failed_calls = 0;
    latency_reset_command(cmd);
}

void info_reset_stats(void)
{
    memset(&server.stat, 0, sizeof server.stat);
    server.stat.peak_memory_time = server.unixtime;
    memset(&metrics.samples, 0, sizeof metrics.samples);
    for (int m = 0; m < METRIC_COUNT; m++)
        metrics.last_value[m] = metric_value(m);
    dict_clear(server.errors, NULL);
    commands_foreach(reset_command_stats, NULL);
}

/* ---- helpers ---- */

/* "1.27M": Redis's human-readable byte counts. */
static vstr cat_human_bytes(vstr s, const char *field, double n)
{
    static const char units[] = "BKMGTPE";
    int u = 0;
    while (n >= 1024 && u < 6) {
        n /= 1024;
        u++;
    }
    if (u == 0)
        return vstr_catfmt(s, "%s:%.0fB\r\n", field, n);
    return vstr_catfmt(s, "%s:%.2f%c\r\n", field, n, units[u]);
}

static size_t rss_bytes(void)
{
    FILE *fp = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, resident = 0;
    if (!fp)
        return 0;
    if (fscanf(fp, "%llu %llu", &size, &resident) != 2)
        resident = 0;
    fclose(fp);
    return (size_t)(resident * (unsigned long long)sysconf(_SC_PAGESIZE));
}

static size_t client_buffers(const struct client *c)
{
    return vstr_alloc_size(c->querybuf) + CLIENT_REPLY_CHUNK + c->reply_bytes;
}

/* ---- sections ---- */

static vstr section_server(vstr s)
{
    struct utsname name;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    uname(&name);
    long long now_us = mtime_ustime();
    long long uptime = now_us / 1000000 - server.start_time;
    s = vstr_catfmt(s,
                    "redis_version:%s\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
                    "redis_build_id:0\r\nredis_mode:standalone\r\nos:%s %s %s\r\n"
                    "arch_bits:%d\r\nmonotonic_clock:POSIX clock_gettime\r\n"
                    "multiplexing_api:%s\r\natomicvar_api:c11-builtin\r\n",
                    VIGIL_VERSION, name.sysname, name.release, name.machine,
                    (int)(sizeof(long) * 8), proc_multiplexing_api(server.loop));
    s = vstr_catfmt(s, "gcc_version:%d.%d.%d\r\nprocess_id:%d\r\nprocess_supervised:no\r\n",
                    __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__, (int)server.pid);
    s = vstr_catfmt(s,
                    "run_id:%s\r\ntcp_port:%d\r\nserver_time_usec:%lld\r\n"
                    "uptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:%d\r\n"
                    "configured_hz:%d\r\nlru_clock:%u\r\nexecutable:%s\r\nconfig_file:%s\r\n"
                    "io_threads_active:0\r\nvigil_version:%s\r\n",
                    server.runid, cfg.port, now_us, uptime, uptime / 86400, server.hz, cfg.hz,
                    server.lruclock, exe, server.configfile ? server.configfile : "",
                    VIGIL_PROJECT_VERSION);
    return s;
}

static vstr section_clients(vstr s)
{
    long long replicas = 0, blocked = 0;
    size_t max_in = 0, max_out = 0;
    for (const struct client *c = server.clients_head; c; c = c->next) {
        replicas += (c->flags & CLIENT_SLAVE) != 0;
        blocked += (c->flags & CLIENT_BLOCKED) != 0;
        size_t in = vstr_alloc_size(c->querybuf);
        size_t out = CLIENT_REPLY_CHUNK + c->reply_bytes;
        max_in = in > max_in ? in : max_in;
        max_out = out > max_out ? out : max_out;
    }
    return vstr_catfmt(s,
                       "connected_clients:%lld\r\ncluster_connections:0\r\nmaxclients:%u\r\n"
                       "client_recent_max_input_buffer:%zu\r\n"
                       "client_recent_max_output_buffer:%zu\r\nblocked_clients:%lld\r\n"
                       "tracking_clients:0\r\nclients_in_timeout_table:0\r\n",
                       (long long)server.client_count - replicas, cfg.maxclients, max_in, max_out,
                       blocked);
}

struct memory_figures {
    size_t used, rss, peak, overhead, dataset, clients, allocated, active;
};

static void measure_memory(struct memory_figures *m)
{
    memset(m, 0, sizeof *m);
    m->used = mem_used();
    m->rss = rss_bytes();
    if (m->used > server.stat.peak_memory) {
        server.stat.peak_memory = m->used;
        server.stat.peak_memory_time = server.unixtime;
    }
    m->peak = server.stat.peak_memory;
    for (const struct client *c = server.clients_head; c; c = c->next)
        m->clients += client_buffers(c);
    m->overhead = used_memory_startup + m->clients;
    for (int i = 0; i < cfg.databases; i++) {
        struct db *db = db_get(i);
        m->overhead += dict_mem_usage(db->keys) + dict_mem_usage(db->expires);
    }
    m->dataset = m->used > m->overhead ? m->used - m->overhead : 0;
    struct mallinfo2 mi = mallinfo2();
    m->allocated = mi.uordblks;
    m->active = mi.uordblks + mi.fordblks;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

static vstr section_memory(vstr s)
{
    struct memory_figures m;
    measure_memory(&m);
    size_t total_system = (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE);
    size_t net_startup = m.used > used_memory_startup ? m.used - used_memory_startup : 0;
    s = vstr_catfmt(s, "used_memory:%zu\r\n", m.used);
    s = cat_human_bytes(s, "used_memory_human", (double)m.used);
    s = vstr_catfmt(s, "used_memory_rss:%zu\r\n", m.rss);
    s = cat_human_bytes(s, "used_memory_rss_human", (double)m.rss);
    s = vstr_catfmt(s, "used_memory_peak:%zu\r\n", m.peak);
    s = cat_human_bytes(s, "used_memory_peak_human", (double)m.peak);
    s = vstr_catfmt(s,
                    "used_memory_peak_perc:%.2f%%\r\nused_memory_overhead:%zu\r\n"
                    "used_memory_startup:%zu\r\nused_memory_dataset:%zu\r\n"
                    "used_memory_dataset_perc:%.2f%%\r\nallocator_allocated:%zu\r\n"
                    "allocator_active:%zu\r\nallocator_resident:%zu\r\n"
                    "total_system_memory:%zu\r\n",
                    ratio(m.used, m.peak) * 100, m.overhead, used_memory_startup, m.dataset,
                    ratio(m.dataset, net_startup) * 100, m.allocated, m.active, m.rss,
                    total_system);
    s = cat_human_bytes(s, "total_system_memory_human", (double)total_system);
    s = vstr_cat_cstr(s, "used_memory_lua:0\r\nused_memory_vm_eval:0\r\n"
                         "used_memory_lua_human:0B\r\nused_memory_scripts_eval:0\r\n"
                         "number_of_cached_scripts:0\r\nnumber_of_functions:0\r\n"
                         "number_of_libraries:0\r\nused_memory_vm_functions:0\r\n"
                         "used_memory_vm_total:0\r\nused_memory_vm_total_human:0B\r\n"
                         "used_memory_functions:0\r\nused_memory_scripts:0\r\n"
                         "used_memory_scripts_human:0B\r\n");
    s = vstr_catfmt(s, "maxmemory:%llu\r\n", cfg.maxmemory);
    s = cat_human_bytes(s, "maxmemory_human", (double)cfg.maxmemory);
    vstr policy = config_render("maxmemory-policy");
    s = vstr_catfmt(s, "maxmemory_policy:%s\r\n", policy ? policy : "");
    vstr_free(policy);
    s = vstr_catfmt(s,
                    "allocator_frag_ratio:%.2f\r\nallocator_frag_bytes:%lld\r\n"
                    "allocator_rss_ratio:%.2f\r\nallocator_rss_bytes:%lld\r\n"
                    "rss_overhead_ratio:1.00\r\nrss_overhead_bytes:0\r\n"
                    "mem_fragmentation_ratio:%.2f\r\nmem_fragmentation_bytes:%lld\r\n",
                    ratio(m.active, m.allocated), (long long)m.active - (long long)m.allocated,
                    ratio(m.rss, m.active), (long long)m.rss - (long long)m.active,
                    ratio(m.rss, m.used), (long long)m.rss - (long long)m.used);
    return vstr_catfmt(s,
                       "mem_not_counted_for_evict:0\r\nmem_replication_backlog:%zu\r\n"
                       "mem_total_replication_buffers:%zu\r\nmem_clients_slaves:0\r\n"
                       "mem_clients_normal:%zu\r\nmem_cluster_links:0\r\nmem_aof_buffer:0\r\n"
                       "mem_allocator:libc\r\nactive_defrag_running:0\r\n"
                       "lazyfree_pending_objects:%zu\r\nlazyfreed_objects:%zu\r\n",
                       replication_backlog_memory(), replication_backlog_memory(), m.clients,
                       db_lazyfree_pending(), db_lazyfreed());
}

static vstr section_persistence(vstr s)
{
    int child = server.child_pid > 0;
    long long current = child ? (mtime_mstime() - server.child_start_ms) / 1000 : -1;
    s = vstr_catfmt(s,
                    "loading:%d\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\n"
                    "current_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n"
                    "current_save_keys_processed:0\r\ncurrent_save_keys_total:%lld\r\n"
                    "rdb_changes_since_last_save:%lld\r\nrdb_bgsave_in_progress:%d\r\n"
                    "rdb_last_save_time:%lld\r\nrdb_last_bgsave_status:%s\r\n"
                    "rdb_last_bgsave_time_sec:%lld\r\nrdb_current_bgsave_time_sec:%lld\r\n"
                    "rdb_saves:%lld\r\nrdb_last_cow_size:%zu\r\n"
                    "rdb_last_load_keys_expired:%lld\r\nrdb_last_load_keys_loaded:%lld\r\n",
                    server.loading, child ? db_total_keys() : 0, server.dirty, child,
                    server.lastsave, server.lastbgsave_failed ? "err" : "ok",
                    server.rdb_last_bgsave_time_sec, current, server.rdb_saves,
                    server.rdb_last_cow_size, server.rdb_last_load_keys_expired,
                    server.rdb_last_load_keys_loaded);
    return aof_info(s);
}

static vstr section_stats(vstr s)
{
    const struct server_stats *st = &server.stat;
    s = vstr_catfmt(s,
                    "total_connections_received:%lld\r\ntotal_commands_processed:%lld\r\n"
                    "instantaneous_ops_per_sec:%lld\r\ntotal_net_input_bytes:%lld\r\n"
                    "total_net_output_bytes:%lld\r\ntotal_net_repl_input_bytes:0\r\n"
                    "total_net_repl_output_bytes:0\r\ninstantaneous_input_kbps:%.2f\r\n"
                    "instantaneous_output_kbps:%.2f\r\ninstantaneous_input_repl_kbps:0.00\r\n"
                    "instantaneous_output_repl_kbps:0.00\r\nrejected_connections:%lld\r\n"
                    "sync_full:%lld\r\nsync_partial_ok:%lld\r\nsync_partial_err:%lld\r\n",
                    st->numconnections, st->numcommands, metric_rate(METRIC_OPS),
                    st->net_input_bytes, st->net_output_bytes,
                    (double)metric_rate(METRIC_NET_IN) / 1024,
                    (double)metric_rate(METRIC_NET_OUT) / 1024, st->rejected_conn, st->sync_full,
                    st->sync_partial_ok, st->sync_partial_err);
    s = vstr_catfmt(s,
                    "expired_keys:%lld\r\nexpired_stale_perc:%.2f\r\n"
                    "expired_time_cap_reached_count:%lld\r\nexpire_cycle_cpu_milliseconds:%lld\r\n"
                    "evicted_keys:%lld\r\nevicted_clients:%lld\r\n"
                    "total_eviction_exceeded_time:0\r\ncurrent_eviction_exceeded_time:0\r\n"
                    "keyspace_hits:%lld\r\nkeyspace_misses:%lld\r\n",
                    st->expiredkeys, (double)st->expired_stale_perc,
                    st->expired_time_cap_reached_count, st->expire_cycle_time_used / 1000,
                    st->evictedkeys, st->evictedclients, st->keyspace_hits, st->keyspace_misses);
    s = vstr_catfmt(s, "pubsub_channels:%ld\r\npubsub_patterns:%ld\r\npubsubshard_channels:%ld\r\n",
                    pubsub_channel_count(), pubsub_pattern_count(), pubsub_shard_channel_count());
    s = vstr_cat_cstr(s, "latest_fork_usec:0\r\ntotal_forks:0\r\nmigrate_cached_sockets:0\r\n"
                         "slave_expires_tracked_keys:0\r\nactive_defrag_hits:0\r\n"
                         "active_defrag_misses:0\r\nactive_defrag_key_hits:0\r\n"
                         "active_defrag_key_misses:0\r\ntotal_active_defrag_time:0\r\n"
                         "current_active_defrag_time:0\r\ntracking_total_keys:0\r\n"
                         "tracking_total_items:0\r\ntracking_total_prefixes:0\r\n");
    return vstr_catfmt(s,
                       "unexpected_error_replies:%lld\r\ntotal_error_replies:%lld\r\n"
                       "dump_payload_sanitizations:%lld\r\ntotal_reads_processed:%lld\r\n"
                       "total_writes_processed:%lld\r\nio_threaded_reads_processed:0\r\n"
                       "io_threaded_writes_processed:0\r\nreply_buffer_shrinks:0\r\n"
                       "reply_buffer_expands:0\r\n",
                       st->unexpected_error_replies, st->total_error_replies,
                       st->dump_payload_sanitizations, st->total_reads_processed,
                       st->total_writes_processed);
}

static vstr section_replication(vstr s)
{
    return replication_info(s);
}

static vstr section_modules(vstr s)
{
    return s;
}

static void cat_command_stats(struct command *cmd, void *ctx)
{
    vstr *s = ctx;
    if (!cmd->calls && !cmd->failed_calls && !cmd->rejected_calls)
        return;
    *s = vstr_catfmt(*s,
                     "cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,"
                     "failed_calls=%lld\r\n",
                     cmd->fullname, cmd->calls, cmd->usec,
                     cmd->calls ? (double)cmd->usec / (double)cmd->calls : 0.0, cmd->rejected_calls,
                     cmd->failed_calls);
}

static vstr section_commandstats(vstr s)
{
    commands_foreach(cat_command_stats, &s);
    return s;
}

static int compare_entries(const void *a, const void *b)
{
    const dict_entry *const *x = a, *const *y = b;
    return vstr_cmp((*x)->key, (*y)->key);
}

/* Sorted by error code, as Redis lists them. */
static vstr section_errorstats(vstr s)
{
    size_t n = dict_size(server.errors), i = 0;
    if (!n)
        return s;
    dict_entry **entries = mem_malloc(sizeof *entries * n);
    dict_iter it;
    dict_iter_init(&it, server.errors, 0);
    dict_entry *de;
    while ((de = dict_iter_next(&it)) && i < n)
        entries[i++] = de;
    dict_iter_release(&it);
    qsort(entries, i, sizeof *entries, compare_entries);
    for (size_t k = 0; k < i; k++)
        s = vstr_catfmt(s, "errorstat_%s:count=%lld\r\n", entries[k]->key,
                        (long long)entries[k]->v.s64);
    mem_free(entries);
    return s;
}

static void cat_latency_stats(struct command *cmd, void *ctx)
{
    vstr *s = ctx;
    if (latency_percentile(cmd, 100) < 0)
        return;
    *s = vstr_catfmt(*s, "latency_percentiles_usec_%s:", cmd->fullname);
    for (int i = 0; i < cfg.latency_tracking_info_percentiles_count; i++) {
        double p = cfg.latency_tracking_info_percentiles[i];
        *s = vstr_catfmt(*s, "%sp%g=%.3f", i ? "," : "", p, latency_percentile(cmd, p));
    }
    *s = vstr_cat_cstr(*s, "\r\n");
}

static vstr section_latencystats(vstr s)
{
    if (cfg.latency_tracking)
        commands_foreach(cat_latency_stats, &s);
    return s;
}

static vstr section_cluster(vstr s)
{
    return vstr_cat_cstr(s, "cluster_enabled:0\r\n");
}

static vstr section_keyspace(vstr s)
{
    for (int i = 0; i < cfg.databases; i++) {
        struct db *db = db_get(i);
        size_t keys = dict_size(db->keys);
        if (keys)
            s = vstr_catfmt(s, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i, keys,
                            dict_size(db->expires), db->avg_ttl);
    }
    return s;
}

/* ---- section selection ---- */

static const struct {
    const char *name;  /* as INFO takes it */
    const char *title; /* as its header shows it */
    vstr (*fn)(vstr s);
    int in_default;
} sections[] = {
    {"server", "Server", section_server, 1},
    {"clients", "Clients", section_clients, 1},
    {"memory", "Memory", section_memory, 1},
    {"persistence", "Persistence", section_persistence, 1},
    {"stats", "Stats", section_stats, 1},
    {"replication", "Replication", section_replication, 1},
    {"cpu", "CPU", proc_cpu_info, 1},
    {"modules", "Modules", section_modules, 1},
    {"commandstats", "Commandstats", section_commandstats, 0},
    {"errorstats", "Errorstats", section_errorstats, 1},
    {"latencystats", "Latencystats", section_latencystats, 0},
    {"cluster", "Cluster", section_cluster, 1},
    {"keyspace", "Keyspace", section_keyspace, 1},
};
#define SECTION_COUNT (sizeof sections / sizeof sections[0])

static int name_is(const char *name, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(name, word, len) == 0;
}

/* Marks the sections one INFO argument asks for; unknown names ask for none. */
static void select_sections(const char *name, size_t len, int *wanted)
{
    int all = name_is(name, len, "all") || name_is(name, len, "everything");
    int deflt = name_is(name, len, "default");
    for (size_t i = 0; i < SECTION_COUNT; i++)
        if (all || (deflt && sections[i].in_default) || name_is(name, len, sections[i].name))
            wanted[i] = 1;
}

vstr info_generate(vstr s, int nsections, const struct resp_arg *names)
{
    int wanted[SECTION_COUNT] = {0};
    if (nsections == 0)
        select_sections("default", 7, wanted);
    for (int i = 0; i < nsections; i++)
        select_sections(names[i].ptr, names[i].len, wanted);
    int first = 1;
    for (size_t i = 0; i < SECTION_COUNT; i++) {
        if (!wanted[i])
            continue;
        s = vstr_catfmt(s, "%s# %s\r\n", first ? "" : "\r\n", sections[i].title);
        s = sections[i].fn(s);
        first = 0;
    }
    return s;
}

static void info_command(struct client *c)
{
    vstr s = info_generate(vstr_empty(), c->argc - 1, c->argv + 1);
    reply_verbatim(c, s, vstr_len(s));
    vstr_free(s);
}

struct command info_commands[] = {
    {.name = "info",
     .proc = info_command,
     .arity = -1,
     .flags = "loading stale",
     .acl = "@dangerous",
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .group = "server",
     .since = "1.0.0",
     .summary = "Get information and statistics about the server",
     .complexity = "O(1)",
     .history = "7.0.0 Added support for taking multiple section arguments.",
     .args = "?*section:string"},
    {0},
};
