/* latency — the latency monitor, per-command latency histograms and the
 * LATENCY command.
 *
 * Monitor: each event class keeps a ring of its last 160 samples, at most
 * one per second (a second spike in the same second raises that sample
 * instead), plus its all-time maximum.
 *
 * Histograms: log-linear buckets over microseconds — values below 16
 * exactly, then 16 linear sub-buckets per power of two — so any value is
 * known to within 1/16 (about 6%) in a fixed 8 KB per command, allocated on
 * the command's first call.
 */
#include "latency.h"

#include "client.h"
#include "config.h"
#include "dict.h"
#include "mem.h"
#include "reply.h"
#include "server.h"

#include <string.h>

#define SERIES_LEN 160

struct latency_sample {
    long long time; /* unix seconds */
    long long ms;
};

struct latency_series {
    struct latency_sample samples[SERIES_LEN];
    int next; /* slot of the next sample */
    long long max;
};

static dict *events; /* event name -> struct latency_series */

static void series_free(void *p)
{
    mem_free(p);
}

static const struct dict_type events_type = {.key_free = vstr_free, .val_free = series_free};

static struct latency_series *series_find(const char *name, size_t len)
{
    dict_entry *de = events ? dict_find(events, name, len) : NULL;
    return de ? de->v.val : NULL;
}

static const struct latency_sample *series_latest(const struct latency_series *ts)
{
    return &ts->samples[(ts->next + SERIES_LEN - 1) % SERIES_LEN];
}

static void add_sample(const char *event, long long ms)
{
    if (!events)
        events = dict_new(&events_type);
    int created;
    dict_entry *de = dict_add_or_find(events, event, strlen(event), &created);
    if (created)
        de->v.val = mem_calloc(sizeof(struct latency_series));
    struct latency_series *ts = de->v.val;
    if (ms > ts->max)
        ts->max = ms;
    struct latency_sample *last = &ts->samples[(ts->next + SERIES_LEN - 1) % SERIES_LEN];
    if (last->time == server.unixtime) {
        if (ms > last->ms)
            last->ms = ms;
        return;
    }
    ts->samples[ts->next].time = server.unixtime;
    ts->samples[ts->next].ms = ms;
    ts->next = (ts->next + 1) % SERIES_LEN;
}

void latency_add_sample_if_needed(const char *event, long long ms)
{
    if (cfg.latency_monitor_threshold > 0 && ms >= cfg.latency_monitor_threshold)
        add_sample(event, ms);
}

/* ---- histograms ---- */

#define HIST_SUB_BITS 4
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_BUCKETS (HIST_SUB + (64 - HIST_SUB_BITS) * HIST_SUB)

struct latency_hist {
    uint64_t total;
    uint64_t counts[HIST_BUCKETS];
};

static int hist_index(uint64_t v)
{
    if (v < HIST_SUB)
        return (int)v;
    int e = 63 - __builtin_clzll(v);
    int sub = (int)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
    return HIST_SUB + (e - HIST_SUB_BITS) * HIST_SUB + sub;
}

/* The largest value bucket idx holds. */
static uint64_t hist_upper(int idx)
{
    if (idx < HIST_SUB)
        return (uint64_t)idx;
    int e = (idx - HIST_SUB) / HIST_SUB + HIST_SUB_BITS;
    uint64_t sub = (uint64_t)((idx - HIST_SUB) % HIST_SUB);
    uint64_t width = 1ULL << (e - HIST_SUB_BITS);
    return (HIST_SUB + sub) * width + width - 1;
}

void latency_observe_command(struct command *cmd, long long duration_us)
{
    if (!cmd->latency_hist)
        cmd->latency_hist = mem_calloc(sizeof *cmd->latency_hist);
    uint64_t v = duration_us > 0 ? (uint64_t)duration_us : 0;
    cmd->latency_hist->counts[hist_index(v)]++;
    cmd->latency_hist->total++;
    latency_add_sample_if_needed((cmd->flag_bits & CMD_FAST) ? "fast-command" : "command",
                                 duration_us / 1000);
}

double latency_percentile(const struct command *cmd, double p)
{
    const struct latency_hist *h = cmd->latency_hist;
    if (!h || !h->total)
        return -1;
    uint64_t target = (uint64_t)(p / 100.0 * (double)h->total + 0.5);
    if (target < 1)
        target = 1;
    uint64_t seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= target)
            return (double)hist_upper(i);
    }
    return (double)hist_upper(HIST_BUCKETS - 1);
}

void latency_reset_command(struct command *cmd)
{
    mem_free(cmd->latency_hist);
    cmd->latency_hist = NULL;
}

/* ---- LATENCY ---- */

static void latency_latest_command(struct client *c)
{
    if (!events) {
        reply_array_len(c, 0);
        return;
    }
    reply_array_len(c, (long)dict_size(events));
    dict_iter it;
    dict_iter_init(&it, events, 0);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        const struct latency_series *ts = de->v.val;
        const struct latency_sample *last = series_latest(ts);
        reply_array_len(c, 4);
        reply_bulk(c, de->key, vstr_len(de->key));
        reply_ll(c, last->time);
        reply_ll(c, last->ms);
        reply_ll(c, ts->max);
    }
    dict_iter_release(&it);
}

static void latency_history_command(struct client *c)
{
    const struct latency_series *ts = series_find(client_arg(c, 2), client_arg_len(c, 2));
    if (!ts) {
        reply_array_len(c, 0);
        return;
    }
    long n = 0;
    for (int i = 0; i < SERIES_LEN; i++)
        n += ts->samples[i].time != 0;
    reply_array_len(c, n);
    /* Oldest first: the ring starts at the next slot to be written. */
    for (int k = 0; k < SERIES_LEN; k++) {
        const struct latency_sample *s = &ts->samples[(ts->next + k) % SERIES_LEN];
        if (!s->time)
            continue;
        reply_array_len(c, 2);
        reply_ll(c, s->time);
        reply_ll(c, s->ms);
    }
}

static void latency_reset_events_command(struct client *c)
{
    long long resets = 0;
    if (!events) {
        reply_ll(c, 0);
        return;
    }
    if (c->argc == 2) {
        resets = (long long)dict_size(events);
        dict_clear(events, NULL);
    }
    for (int i = 2; i < c->argc; i++)
        resets += dict_delete(events, client_arg(c, i), client_arg_len(c, i)) == 0;
    reply_ll(c, resets);
}

/* One line per event: how many spikes, their average and the worst. */
static vstr doctor_report(void)
{
    if (cfg.latency_monitor_threshold <= 0)
        return vstr_from("The latency monitor is off: set latency-monitor-threshold (in "
                         "milliseconds) with CONFIG SET to record latency spikes.\n");
    if (!events || dict_size(events) == 0)
        return vstr_from("No latency spike has reached the configured threshold of the "
                         "latency monitor yet.\n");
    vstr s = vstr_from("Latency spikes recorded per event:\n\n");
    dict_iter it;
    dict_iter_init(&it, events, 0);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        const struct latency_series *ts = de->v.val;
        long long n = 0, sum = 0;
        for (int i = 0; i < SERIES_LEN; i++) {
            if (!ts->samples[i].time)
                continue;
            n++;
            sum += ts->samples[i].ms;
        }
        s = vstr_catfmt(s, "- %s: %lld spikes, average %lldms, worst ever %lldms.\n", de->key, n,
                        n ? sum / n : 0, ts->max);
    }
    dict_iter_release(&it);
    return vstr_cat_cstr(s, "\nThe slow log (SLOWLOG GET) shows which commands were slow.\n");
}

static void latency_doctor_command(struct client *c)
{
    vstr report = doctor_report();
    reply_verbatim(c, report, vstr_len(report));
    vstr_free(report);
}

/* Redis's format: bucket upper bounds as powers of two, cumulative counts. */
static void reply_histogram(struct client *c, const struct command *cmd)
{
    const struct latency_hist *h = cmd->latency_hist;
    reply_bulk(c, cmd->fullname, vstr_len(cmd->fullname));
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "calls");
    reply_ll(c, (long long)h->total);
    reply_bulk_cstr(c, "histogram_usec");
    void *slot = reply_deferred_len(c);
    long pairs = 0;
    uint64_t cumulative = 0;
    int next = 0;
    for (int k = 0; k < 64 && cumulative < h->total; k++) {
        int upto = hist_index(1ULL << k);
        uint64_t before = cumulative;
        for (; next <= upto; next++)
            cumulative += h->counts[next];
        if (cumulative == before)
            continue;
        reply_ll(c, 1LL << k);
        reply_ll(c, (long long)cumulative);
        pairs++;
    }
    reply_set_deferred_map_len(c, slot, pairs);
}

struct histogram_ctx {
    struct client *c;
    long count;
};

static void histogram_one(struct command *cmd, void *ctx)
{
    struct histogram_ctx *hc = ctx;
    if (!cmd->latency_hist || !cmd->latency_hist->total)
        return;
    reply_histogram(hc->c, cmd);
    hc->count++;
}

static void latency_histogram_command(struct client *c)
{
    struct histogram_ctx hc = {.c = c};
    void *slot = reply_deferred_len(c);
    if (c->argc == 2) {
        commands_foreach(histogram_one, &hc);
    } else {
        for (int i = 2; i < c->argc; i++) {
            struct command *cmd = commands_lookup(client_arg(c, i), client_arg_len(c, i));
            if (cmd)
                histogram_one(cmd, &hc);
        }
    }
    reply_set_deferred_map_len(c, slot, hc.count);
}

static void latency_help_command(struct client *c)
{
    static const char *const lines[] = {
        "DOCTOR",
        "    A short report on the latency spikes recorded so far.",
        "HISTORY <event>",
        "    The (unix time, milliseconds) samples recorded for <event>.",
        "LATEST",
        "    For every event: its latest sample's time and latency, and its worst latency.",
        "RESET [<event> ...]",
        "    Forget the samples of the named events (of every event without names).",
        "HISTOGRAM [<command> ...]",
        "    Cumulative execution time distribution of the named commands (of all",
        "    commands without names), in power-of-two microsecond buckets.",
        NULL,
    };
    reply_help(c, lines);
}

#define LATENCY_TIPS "nondeterministic_output request_policy:all_nodes response_policy:special"

static struct command latency_subcommands[] = {
    {.name = "help",
     .proc = latency_help_command,
     .arity = 2,
     .flags = "loading stale",
     .group = "server",
     .since = "2.8.13",
     .summary = "Show helpful text about the different subcommands.",
     .complexity = "O(1)"},
    {.name = "doctor",
     .proc = latency_doctor_command,
     .arity = 2,
     .flags = "admin noscript loading stale",
     .tips = LATENCY_TIPS,
     .group = "server",
     .since = "2.8.13",
     .summary = "Return a human readable latency analysis report.",
     .complexity = "O(1)"},
    {.name = "histogram",
     .proc = latency_histogram_command,
     .arity = -2,
     .flags = "admin noscript loading stale",
     .tips = LATENCY_TIPS,
     .group = "server",
     .since = "7.0.0",
     .summary = "Return the cumulative distribution of latencies of a subset of commands or all.",
     .complexity = "O(N) where N is the number of commands with latency information being "
                   "retrieved.",
     .args = "?*command:string"},
    {.name = "reset",
     .proc = latency_reset_events_command,
     .arity = -2,
     .flags = "admin noscript loading stale",
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .group = "server",
     .since = "2.8.13",
     .summary = "Reset latency data for one or more events.",
     .complexity = "O(1)",
     .args = "?*event:string"},
    {.name = "latest",
     .proc = latency_latest_command,
     .arity = 2,
     .flags = "admin noscript loading stale",
     .tips = LATENCY_TIPS,
     .group = "server",
     .since = "2.8.13",
     .summary = "Return the latest latency samples for all events.",
     .complexity = "O(1)"},
    {.name = "history",
     .proc = latency_history_command,
     .arity = 3,
     .flags = "admin noscript loading stale",
     .tips = LATENCY_TIPS,
     .group = "server",
     .since = "2.8.13",
     .summary = "Return timestamp-latency samples for the event.",
     .complexity = "O(1)",
     .args = "event:string"},
    {0},
};

struct command latency_commands[] = {
    {.name = "latency",
     .arity = -2,
     .flags = "",
     .group = "server",
     .since = "2.8.13",
     .summary = "A container for latency diagnostics commands",
     .complexity = "Depends on subcommand.",
     .subcommands = latency_subcommands},
    {0},
};
