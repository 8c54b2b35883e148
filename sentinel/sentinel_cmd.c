/* sentinel_cmd — SENTINEL subcommands (see sentinel_cmd.h). */
#include "sentinel_cmd.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "election.h"
#include "events.h"
#include "failover.h"
#include "glob.h"
#include "instance.h"
#include "link.h"
#include "numconv.h"
#include "resp_write.h"
#include "state.h"

/* Replies are built as "field, value" pairs in a side buffer so the array
 * length is known before it is written. */
struct fields {
    vstr buf;
    int n;
};

static void f_str(struct fields *f, const char *name, const char *value)
{
    f->buf = resp_write_bulk_cstr(f->buf, name);
    f->buf = resp_write_bulk_cstr(f->buf, value);
    f->n += 2;
}

static void f_ll(struct fields *f, const char *name, long long value)
{
    f->buf = resp_write_bulk_cstr(f->buf, name);
    f->buf = resp_write_bulk_ll(f->buf, value);
    f->n += 2;
}

static void add_master_fields(struct fields *f, const struct instance *ri)
{
    f_ll(f, "config-epoch", (long long)ri->config_epoch);
    f_ll(f, "num-slaves", (long long)dict_size(ri->slaves));
    f_ll(f, "num-other-sentinels", (long long)dict_size(ri->sentinels));
    f_ll(f, "quorum", ri->quorum);
    f_ll(f, "failover-timeout", ri->failover_timeout);
    f_ll(f, "parallel-syncs", ri->parallel_syncs);
    if (ri->notification_script)
        f_str(f, "notification-script", ri->notification_script);
    if (ri->client_reconfig_script)
        f_str(f, "client-reconfig-script", ri->client_reconfig_script);
}

static void add_slave_fields(struct fields *f, const struct instance *ri)
{
    f_ll(f, "master-link-down-time", ri->master_link_down_time);
    f_str(f, "master-link-status", ri->slave_master_link_up ? "ok" : "err");
    f_str(f, "master-host", ri->slave_master_host ? ri->slave_master_host : "?");
    f_ll(f, "master-port", ri->slave_master_port);
    f_ll(f, "slave-priority", ri->slave_priority);
    f_ll(f, "slave-repl-offset", (long long)ri->slave_repl_offset);
    f_ll(f, "replica-announced", ri->replica_announced);
}

static vstr reply_instance(vstr out, const struct instance *ri)
{
    long long now = instance_now();
    struct fields f = {vstr_empty(), 0};
    f_str(&f, "name", ri->name);
    f_str(&f, "ip", ri->host);
    f_ll(&f, "port", ri->port);
    f_str(&f, "runid", ri->runid ? ri->runid : "");
    vstr flags = instance_flags_string(ri);
    f_str(&f, "flags", flags);
    vstr_free(flags);
    f_ll(&f, "link-pending-commands", ri->cc ? link_pending(ri->cc) : 0);
    f_ll(&f, "link-refcount", 1);
    if (ri->flags & INST_FAILOVER_IN_PROGRESS)
        f_str(&f, "failover-state", instance_failover_state_name(ri->failover_state));
    f_ll(&f, "last-ping-sent", ri->act_ping_time ? now - ri->act_ping_time : 0);
    f_ll(&f, "last-ok-ping-reply", now - ri->last_avail_time);
    f_ll(&f, "last-ping-reply", now - ri->last_pong_time);
    if (ri->flags & INST_S_DOWN)
        f_ll(&f, "s-down-time", now - ri->s_down_since_time);
    if (ri->flags & INST_O_DOWN)
        f_ll(&f, "o-down-time", now - ri->o_down_since_time);
    f_ll(&f, "down-after-milliseconds", ri->down_after_period);
    if (ri->flags & (INST_MASTER | INST_SLAVE)) {
        f_ll(&f, "info-refresh", ri->info_refresh ? now - ri->info_refresh : 0);
        f_str(&f, "role-reported", ri->role_reported == INST_MASTER ? "master" : "slave");
        f_ll(&f, "role-reported-time", now - ri->role_reported_time);
    }
    if (ri->flags & INST_MASTER)
        add_master_fields(&f, ri);
    if (ri->flags & INST_SLAVE)
        add_slave_fields(&f, ri);
    if (ri->flags & INST_SENTINEL) {
        f_ll(&f, "last-hello-message", now - ri->last_hello_time);
        f_str(&f, "voted-leader", ri->leader ? ri->leader : "?");
        f_ll(&f, "voted-leader-epoch", (long long)ri->leader_epoch);
    }
    out = resp_write_array_len(out, f.n);
    out = vstr_cat_vstr(out, f.buf);
    vstr_free(f.buf);
    return out;
}

static vstr reply_dict(vstr out, dict *d)
{
    out = resp_write_array_len(out, (long long)dict_size(d));
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, d, 0);
    while ((de = dict_iter_next(&it)))
        out = reply_instance(out, de->v.val);
    dict_iter_release(&it);
    return out;
}

static struct instance *master_or_reply(struct client *c, const char *name)
{
    struct instance *ri = instance_master_by_name(name);
    if (!ri)
        c->out = resp_write_error(c->out, "ERR No such master with that name");
    return ri;
}

static int arg_ll(struct client *c, const struct resp_arg *a, long long *v)
{
    if (numconv_to_ll(a->ptr, a->len, v) == 0)
        return 0;
    c->out = resp_write_error(c->out, "ERR value is not an integer or out of range");
    return -1;
}

static void cmd_is_master_down(struct client *c, struct resp_arg *argv)
{
    long long port, epoch;
    if (arg_ll(c, &argv[3], &port) < 0 || arg_ll(c, &argv[4], &epoch) < 0)
        return;
    struct instance *ri = instance_master_by_addr(argv[2].ptr, (int)port);
    int isdown = !sentinel.tilt && ri && (ri->flags & INST_S_DOWN);
    vstr leader = NULL;
    uint64_t leader_epoch = 0;
    if (ri && strcasecmp(argv[5].ptr, "*"))
        leader = election_vote(ri, (uint64_t)epoch, argv[5].ptr, &leader_epoch);
    c->out = resp_write_array_len(c->out, 3);
    c->out = resp_write_int(c->out, isdown);
    c->out = resp_write_bulk_cstr(c->out, leader ? leader : "*");
    c->out = resp_write_int(c->out, (long long)leader_epoch);
    if (leader)
        vstr_free(leader);
}

static int valid_address(const char *host)
{
    struct in6_addr a6;
    struct in_addr a4;
    return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

static void cmd_monitor(struct client *c, struct resp_arg *argv)
{
    long long quorum, port;
    if (numconv_to_ll(argv[5].ptr, argv[5].len, &quorum) < 0) {
        c->out = resp_write_error(c->out, "ERR Invalid quorum");
        return;
    }
    if (numconv_to_ll(argv[4].ptr, argv[4].len, &port) < 0) {
        c->out = resp_write_error(c->out, "ERR Invalid port");
        return;
    }
    if (quorum <= 0) {
        c->out = resp_write_error(c->out, "ERR Quorum must be 1 or greater.");
        return;
    }
    if (!sentinel.resolve_hostnames && !valid_address(argv[3].ptr)) {
        c->out = resp_write_error(c->out, "ERR Invalid IP address or hostname specified");
        return;
    }
    const char *err;
    struct instance *ri =
        instance_create(argv[2].ptr, INST_MASTER, argv[3].ptr,
                        port < INT_MIN || port > INT_MAX ? -1 : (int)port, (unsigned)quorum, NULL,
                        &err);
    if (!ri) {
        c->out = resp_write_error(c->out, err);
        return;
    }
    state_flush();
    events_instance(LOG_WARNING, "+monitor", ri, "quorum %u", ri->quorum);
    c->out = resp_write_simple(c->out, "OK");
}

/* The script options: NULL on success or the error text. */
static const char *set_script(struct instance *ri, const char *opt, const char *value)
{
    int notification = !strcasecmp(opt, "notification-script");
    if (sentinel.deny_scripts_reconfig)
        return "ERR Reconfiguration of scripts path is denied for security reasons. Check the "
               "deny-scripts-reconfig configuration directive in your Sentinel configuration";
    if (value[0] && access(value, X_OK) == -1)
        return notification ? "ERR Notification script seems non existing or non executable"
                            : "ERR Client reconfiguration script seems non existing or non "
                              "executable";
    vstr *slot = notification ? &ri->notification_script : &ri->client_reconfig_script;
    if (*slot)
        vstr_free(*slot);
    *slot = value[0] ? vstr_from(value) : NULL;
    return NULL;
}

/* Every other option goes through the config directive of the same name. */
static int set_directive(struct instance *ri, const char *opt, int nvals,
                         const struct resp_arg *vals)
{
    vstr argv[4] = {vstr_from(opt), vstr_from(ri->name), NULL, NULL};
    vstr_tolower(argv[0]);
    for (int i = 0; i < nvals; i++)
        argv[2 + i] = vstr_new(vals[i].ptr, vals[i].len);
    const char *err = state_sentinel_directive(2 + nvals, argv);
    for (int i = 0; i < 2 + nvals; i++)
        vstr_free(argv[i]);
    return err ? -1 : 0;
}

/* One SENTINEL SET option; 0, or -1 with the error written. */
static int set_option(struct client *c, struct instance *ri, const char *opt, int nvals,
                      const struct resp_arg *vals)
{
    if (!strcasecmp(opt, "notification-script") || !strcasecmp(opt, "client-reconfig-script")) {
        const char *err = set_script(ri, opt, vals[0].ptr);
        if (err)
            c->out = resp_write_error(c->out, err);
        return err ? -1 : 0;
    }
    int bad = -1;
    long long v;
    if (!strcasecmp(opt, "quorum")) {
        if (numconv_to_ll(vals[0].ptr, vals[0].len, &v) < 0 || v <= 0)
            bad = 0;
        else
            ri->quorum = (unsigned)v;
    } else if (!strcasecmp(opt, "rename-command") && (!vals[0].len || !vals[1].len)) {
        bad = vals[1].len ? 0 : 1;
    } else if (set_directive(ri, opt, nvals, vals) < 0) {
        bad = 0;
    }
    if (bad < 0)
        return 0;
    c->out = resp_write_errorf(c->out, "ERR Invalid argument '%s' for SENTINEL SET '%s'",
                               vals[bad].ptr, opt);
    return -1;
}

/* Options of SENTINEL SET with the number of values each takes. */
static const struct {
    const char *name;
    int nvals;
} settable[] = {{"down-after-milliseconds", 1},
                {"failover-timeout", 1},
                {"parallel-syncs", 1},
                {"notification-script", 1},
                {"client-reconfig-script", 1},
                {"auth-pass", 1},
                {"auth-user", 1},
                {"quorum", 1},
                {"rename-command", 2},
                {"master-reboot-down-after-period", 1},
                {NULL, 0}};

static int option_values(const char *opt)
{
    for (int i = 0; settable[i].name; i++)
        if (!strcasecmp(opt, settable[i].name))
            return settable[i].nvals;
    return 0;
}

static void log_set_event(struct instance *ri, const char *opt, int nvals,
                          const struct resp_arg *vals)
{
    if (!strcasecmp(opt, "auth-pass"))
        events_instance(LOG_WARNING, "+set", ri, "%s ******", opt);
    else if (nvals == 2)
        events_instance(LOG_WARNING, "+set", ri, "%s %s %s", opt, vals[0].ptr, vals[1].ptr);
    else
        events_instance(LOG_WARNING, "+set", ri, "%s %s", opt, vals[0].ptr);
}

/* Options apply one by one, as in redis-sentinel: an error stops the
 * command but keeps (and saves) the options before it. */
static void cmd_set(struct client *c, int argc, struct resp_arg *argv)
{
    struct instance *ri = master_or_reply(c, argv[2].ptr);
    if (!ri)
        return;
    int changes = 0, i = 3;
    while (i < argc) {
        const char *opt = argv[i].ptr;
        int nvals = option_values(opt);
        if (nvals == 0 || i + nvals >= argc) {
            c->out = resp_write_errorf(
                c->out, "ERR Unknown option or number of arguments for SENTINEL SET '%s'", opt);
            break;
        }
        if (set_option(c, ri, opt, nvals, &argv[i + 1]) < 0)
            break;
        log_set_event(ri, opt, nvals, &argv[i + 1]);
        changes++;
        i += nvals + 1;
    }
    if (changes)
        state_flush();
    if (i >= argc)
        c->out = resp_write_simple(c->out, "OK");
}

static void cmd_reset(struct client *c, struct resp_arg *argv)
{
    int count = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, sentinel.masters, 1);
    while ((de = dict_iter_next(&it))) {
        struct instance *ri = de->v.val;
        if (ri->name && glob_match(argv[2].ptr, argv[2].len, ri->name, vstr_len(ri->name), 0)) {
            instance_reset_master(ri, INSTANCE_RESET_SENTINELS);
            count++;
        }
    }
    dict_iter_release(&it);
    if (count)
        state_flush();
    c->out = resp_write_int(c->out, count);
}

static void cmd_failover(struct client *c, struct resp_arg *argv)
{
    struct instance *ri = master_or_reply(c, argv[2].ptr);
    if (!ri)
        return;
    if (ri->flags & INST_FAILOVER_IN_PROGRESS) {
        c->out = resp_write_error(c->out, "INPROG Failover already in progress");
        return;
    }
    if (!failover_select_slave(ri)) {
        c->out = resp_write_error(c->out, "NOGOODSLAVE No suitable replica to promote");
        return;
    }
    log_warning("Executing user requested FAILOVER of '%s'", ri->name);
    failover_start(ri);
    ri->flags |= INST_FORCE_FAILOVER;
    state_flush();
    c->out = resp_write_simple(c->out, "OK");
}

static void cmd_ckquorum(struct client *c, struct resp_arg *argv)
{
    struct instance *ri = master_or_reply(c, argv[2].ptr);
    if (!ri)
        return;
    unsigned int usable = 1, voters = (unsigned)dict_size(ri->sentinels) + 1;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, ri->sentinels, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *si = de->v.val;
        if (!(si->flags & (INST_S_DOWN | INST_O_DOWN)) && !si->cc_disconnected)
            usable++;
    }
    dict_iter_release(&it);
    vstr e = vstr_empty();
    if (usable < ri->quorum)
        e = vstr_cat_cstr(e, " Not enough available Sentinels to reach the specified quorum "
                             "for this master");
    if (usable < voters / 2 + 1)
        e = vstr_cat_cstr(e, " Not enough available Sentinels to reach the majority and "
                             "authorize a failover");
    if (vstr_len(e))
        c->out = resp_write_errorf(c->out, "NOQUORUM %u usable Sentinels.%s", usable, e);
    else {
        vstr ok = vstr_catfmt(vstr_empty(),
                              "OK %u usable Sentinels. Quorum and failover authorization can be "
                              "reached",
                              usable);
        c->out = resp_write_simple(c->out, ok);
        vstr_free(ok);
    }
    vstr_free(e);
}

static vstr reply_info_entry(vstr out, const struct instance *ri, long long now)
{
    out = resp_write_array_len(out, 2);
    out = resp_write_int(out, ri->info_refresh ? now - ri->info_refresh : 0);
    if (ri->info)
        out = resp_write_bulk(out, ri->info, vstr_len(ri->info));
    else
        out = resp_write_null(out);
    return out;
}

static vstr reply_info_cache(vstr out, const struct instance *m)
{
    long long now = instance_now();
    out = resp_write_bulk_cstr(out, m->name);
    out = resp_write_array_len(out, (long long)dict_size(m->slaves) + 1);
    out = reply_info_entry(out, m, now);
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it)))
        out = reply_info_entry(out, de->v.val, now);
    dict_iter_release(&it);
    return out;
}

static void cmd_info_cache(struct client *c, int argc, struct resp_arg *argv)
{
    struct instance *list[256];
    int n = 0;
    if (argc == 2) {
        dict_iter it;
        dict_entry *de;
        dict_iter_init(&it, sentinel.masters, 0);
        while ((de = dict_iter_next(&it)) && n < 256)
            list[n++] = de->v.val;
        dict_iter_release(&it);
    } else {
        for (int i = 2; i < argc && n < 256; i++) {
            struct instance *ri = instance_master_by_name(argv[i].ptr);
            if (ri)
                list[n++] = ri;
        }
    }
    c->out = resp_write_array_len(c->out, 2LL * n);
    for (int i = 0; i < n; i++)
        c->out = reply_info_cache(c->out, list[i]);
}

static void cmd_simulate_failure(struct client *c, int argc, struct resp_arg *argv)
{
    sentinel.simfailure_flags = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcasecmp(argv[i].ptr, "crash-after-election")) {
            sentinel.simfailure_flags |= SENTINEL_SIMFAILURE_CRASH_AFTER_ELECTION;
            log_warning("Failure simulation: this Sentinel will crash after being successfully "
                        "elected as failover leader");
        } else if (!strcasecmp(argv[i].ptr, "crash-after-promotion")) {
            sentinel.simfailure_flags |= SENTINEL_SIMFAILURE_CRASH_AFTER_PROMOTION;
            log_warning("Failure simulation: this Sentinel will crash after promoting the "
                        "selected replica to master");
        } else if (!strcasecmp(argv[i].ptr, "help")) {
            c->out = resp_write_array_len(c->out, 2);
            c->out = resp_write_bulk_cstr(c->out, "crash-after-election");
            c->out = resp_write_bulk_cstr(c->out, "crash-after-promotion");
            return;
        } else {
            c->out = resp_write_error(c->out, "ERR Unknown failure simulation specified");
            return;
        }
    }
    c->out = resp_write_simple(c->out, "OK");
}

struct timing_param {
    const char *name;
    size_t offset;
};

#define TP(n, f) {n, offsetof(struct sentinel_timing, f)}
static const struct timing_param timing_params[] = {
    TP("info-period", info_period),
    TP("ping-period", ping_period),
    TP("ask-period", ask_period),
    TP("publish-period", publish_period),
    TP("default-down-after", default_down_after),
    TP("default-failover-timeout", default_failover_timeout),
    TP("tilt-trigger", tilt_trigger),
    TP("tilt-period", tilt_period),
    TP("slave-reconf-timeout", slave_reconf_timeout),
    TP("min-link-reconnect-period", min_link_reconnect_period),
    TP("election-timeout", election_timeout),
    TP("script-max-runtime", script_max_runtime),
    TP("script-retry-delay", script_retry_delay),
};
#define N_TIMING (sizeof timing_params / sizeof timing_params[0])

static long long *timing_slot(size_t i)
{
    return (long long *)((char *)&sentinel.timing + timing_params[i].offset);
}

static void cmd_debug(struct client *c, int argc, struct resp_arg *argv)
{
    if (argc == 2) {
        c->out = resp_write_array_len(c->out, 2 * (long long)N_TIMING);
        for (size_t i = 0; i < N_TIMING; i++) {
            vstr up = vstr_from(timing_params[i].name);
            for (size_t k = 0; k < vstr_len(up); k++)
                up[k] = (char)(up[k] >= 'a' && up[k] <= 'z' ? up[k] - 32 : up[k]);
            c->out = resp_write_bulk_cstr(c->out, up);
            c->out = resp_write_bulk_ll(c->out, *timing_slot(i));
            vstr_free(up);
        }
        return;
    }
    for (int j = 2; j < argc; j += 2) {
        size_t i = 0;
        while (i < N_TIMING && strcasecmp(argv[j].ptr, timing_params[i].name))
            i++;
        long long v;
        if (i == N_TIMING || j + 1 >= argc) {
            c->out = resp_write_errorf(c->out, "ERR Unknown option or number of arguments for "
                                               "SENTINEL DEBUG '%s'",
                                       argv[j].ptr);
            return;
        }
        if (numconv_to_ll(argv[j + 1].ptr, argv[j + 1].len, &v) < 0 || v <= 0) {
            c->out = resp_write_errorf(c->out, "ERR Invalid argument '%s' for SENTINEL DEBUG '%s'",
                                       argv[j + 1].ptr, argv[j].ptr);
            return;
        }
        *timing_slot(i) = v;
    }
    c->out = resp_write_simple(c->out, "OK");
}

static void config_pair(struct client *c, const char *pattern, const char *name,
                        const char *value, int *n, vstr *buf)
{
    if (!glob_match_cstr(pattern, name, 1))
        return;
    *buf = resp_write_bulk_cstr(*buf, name);
    *buf = resp_write_bulk_cstr(*buf, value ? value : "");
    *n += 2;
    (void)c;
}

static void cmd_config(struct client *c, int argc, struct resp_arg *argv)
{
    const char *sub = argv[2].ptr;
    if (!strcasecmp(sub, "get") && argc == 4) {
        char port[16];
        snprintf(port, sizeof port, "%d", sentinel.announce_port);
        vstr buf = vstr_empty();
        int n = 0;
        const char *p = argv[3].ptr;
        config_pair(c, p, "resolve-hostnames", sentinel.resolve_hostnames ? "yes" : "no", &n,
                    &buf);
        config_pair(c, p, "announce-hostnames", sentinel.announce_hostnames ? "yes" : "no", &n,
                    &buf);
        config_pair(c, p, "announce-ip", sentinel.announce_ip, &n, &buf);
        config_pair(c, p, "announce-port", port, &n, &buf);
        config_pair(c, p, "sentinel-user", sentinel.sentinel_user, &n, &buf);
        config_pair(c, p, "sentinel-pass", sentinel.sentinel_pass, &n, &buf);
        c->out = resp_write_array_len(c->out, n);
        c->out = vstr_cat_vstr(c->out, buf);
        vstr_free(buf);
        return;
    }
    if (!strcasecmp(sub, "set") && argc == 5) {
        static const char *const names[] = {"resolve-hostnames", "announce-hostnames",
                                            "announce-ip",       "announce-port",
                                            "sentinel-user",     "sentinel-pass",
                                            NULL};
        int known = 0;
        for (int i = 0; names[i]; i++)
            known |= !strcasecmp(argv[3].ptr, names[i]);
        vstr a[2] = {vstr_from(argv[3].ptr), vstr_new(argv[4].ptr, argv[4].len)};
        vstr_tolower(a[0]);
        const char *err = known ? state_sentinel_directive(2, a) : "unknown";
        vstr_free(a[0]);
        vstr_free(a[1]);
        if (err) {
            c->out = known ? resp_write_errorf(c->out,
                                               "ERR Invalid value '%s' to SENTINEL CONFIG SET '%s'",
                                               argv[4].ptr, argv[3].ptr)
                           : resp_write_errorf(c->out,
                                               "ERR Invalid argument '%s' to SENTINEL CONFIG SET",
                                               argv[3].ptr);
            return;
        }
        if (!strncasecmp(argv[3].ptr, "sentinel-", 9))
            instance_drop_sentinel_links();
        state_flush();
        c->out = resp_write_simple(c->out, "OK");
        return;
    }
    c->out = resp_write_error(c->out, "ERR Only SENTINEL CONFIG GET <option> / SET <option> "
                                      "<value> are supported.");
}

static const char *const help_lines[] = {
    "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CKQUORUM <master-name>",
    "    Check if the current Sentinel configuration is able to reach the quorum",
    "    needed to failover a master and the majority needed to authorize the",
    "    failover.",
    "CONFIG SET <param> <value>",
    "    Set a global Sentinel configuration parameter.",
    "CONFIG GET <param>",
    "    Get global Sentinel configuration parameter.",
    "DEBUG [<param> <value> ...]",
    "    Show a list of configurable time parameters and their values (milliseconds).",
    "    Or update current configurable parameters values (one or more).",
    "GET-MASTER-ADDR-BY-NAME <master-name>",
    "    Return the ip and port number of the master with that name.",
    "FAILOVER <master-name>",
    "    Manually failover a master node without asking for agreement from other",
    "    Sentinels",
    "FLUSHCONFIG",
    "    Force Sentinel to rewrite its configuration on disk, including the current",
    "    Sentinel state.",
    "INFO-CACHE <master-name>",
    "    Return last cached INFO output from masters and all its replicas.",
    "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
    "    Check if the master specified by ip:port is down from current Sentinel's",
    "    point of view.",
    "MASTER <master-name>",
    "    Show the state and info of the specified master.",
    "MASTERS",
    "    Show a list of monitored masters and their state.",
    "MONITOR <name> <ip> <port> <quorum>",
    "    Start monitoring a new master with the specified name, ip, port and quorum.",
    "MYID",
    "    Return the ID of the Sentinel instance.",
    "PENDING-SCRIPTS",
    "    Get pending scripts information.",
    "REMOVE <master-name>",
    "    Remove master from Sentinel's monitor list.",
    "REPLICAS <master-name>",
    "    Show a list of replicas for this master and their state.",
    "RESET <pattern>",
    "    Reset masters for specific master name matching this pattern.",
    "SENTINELS <master-name>",
    "    Show a list of Sentinel instances for this master and their state.",
    "SET <master-name> <option> <value> [<option> <value> ...]",
    "    Set configuration parameters for certain masters.",
    "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
    "    Simulate a Sentinel crash.",
    "HELP",
    "    Prints this help.",
    NULL};

static void cmd_help(struct client *c)
{
    int n = 0;
    while (help_lines[n])
        n++;
    c->out = resp_write_array_len(c->out, n);
    for (int i = 0; i < n; i++)
        c->out = resp_write_simple(c->out, help_lines[i]);
}

static void cmd_get_addr(struct client *c, struct resp_arg *argv)
{
    struct instance *ri = instance_master_by_name(argv[2].ptr);
    if (!ri) {
        c->out = resp_write_null_array(c->out);
        return;
    }
    const char *host;
    int port;
    instance_current_master_addr(ri, &host, &port);
    c->out = resp_write_array_len(c->out, 2);
    c->out = resp_write_bulk_cstr(c->out, host);
    c->out = resp_write_bulk_ll(c->out, port);
}

static void cmd_remove(struct client *c, struct resp_arg *argv)
{
    struct instance *ri = master_or_reply(c, argv[2].ptr);
    if (!ri)
        return;
    events_instance(LOG_WARNING, "-monitor", ri, NULL);
    dict_delete(sentinel.masters, argv[2].ptr, argv[2].len);
    state_flush();
    c->out = resp_write_simple(c->out, "OK");
}

/* Subcommands with their arity (negative: at least that many arguments). */
struct subcommand {
    const char *name;
    int arity;
};

static const struct subcommand subcommands[] = {
    {"masters", 2},         {"master", 3},           {"replicas", 3},
    {"slaves", 3},          {"sentinels", 3},        {"get-master-addr-by-name", 3},
    {"reset", 3},           {"failover", 3},         {"ckquorum", 3},
    {"flushconfig", 2},     {"monitor", 6},          {"remove", 3},
    {"set", -5},            {"is-master-down-by-addr", 6},
    {"myid", 2},            {"info-cache", -3},      {"simulate-failure", -3},
    {"config", -3},         {"debug", -2},           {"pending-scripts", 2},
    {"help", 2},            {NULL, 0}};

static const struct subcommand *find_subcommand(const char *name)
{
    for (const struct subcommand *s = subcommands; s->name; s++)
        if (!strcasecmp(s->name, name))
            return s;
    return NULL;
}

static void dispatch(struct client *c, const char *sub, int argc, struct resp_arg *argv)
{
    struct instance *ri;
    if (!strcasecmp(sub, "masters"))
        c->out = reply_dict(c->out, sentinel.masters);
    else if (!strcasecmp(sub, "master")) {
        if ((ri = master_or_reply(c, argv[2].ptr)))
            c->out = reply_instance(c->out, ri);
    } else if (!strcasecmp(sub, "replicas") || !strcasecmp(sub, "slaves")) {
        if ((ri = master_or_reply(c, argv[2].ptr)))
            c->out = reply_dict(c->out, ri->slaves);
    } else if (!strcasecmp(sub, "sentinels")) {
        if ((ri = master_or_reply(c, argv[2].ptr)))
            c->out = reply_dict(c->out, ri->sentinels);
    } else if (!strcasecmp(sub, "get-master-addr-by-name"))
        cmd_get_addr(c, argv);
    else if (!strcasecmp(sub, "reset"))
        cmd_reset(c, argv);
    else if (!strcasecmp(sub, "failover"))
        cmd_failover(c, argv);
    else if (!strcasecmp(sub, "ckquorum"))
        cmd_ckquorum(c, argv);
    else if (!strcasecmp(sub, "flushconfig")) {
        if (state_flush() < 0)
            c->out = resp_write_error(c->out, "ERR Failed to save config");
        else
            c->out = resp_write_simple(c->out, "OK");
    } else if (!strcasecmp(sub, "monitor"))
        cmd_monitor(c, argv);
    else if (!strcasecmp(sub, "remove"))
        cmd_remove(c, argv);
    else if (!strcasecmp(sub, "set"))
        cmd_set(c, argc, argv);
    else if (!strcasecmp(sub, "is-master-down-by-addr"))
        cmd_is_master_down(c, argv);
    else if (!strcasecmp(sub, "myid"))
        c->out = resp_write_bulk_cstr(c->out, sentinel.myid);
    else if (!strcasecmp(sub, "info-cache"))
        cmd_info_cache(c, argc, argv);
    else if (!strcasecmp(sub, "simulate-failure"))
        cmd_simulate_failure(c, argc, argv);
    else if (!strcasecmp(sub, "config"))
        cmd_config(c, argc, argv);
    else if (!strcasecmp(sub, "debug"))
        cmd_debug(c, argc, argv);
    else if (!strcasecmp(sub, "pending-scripts"))
        c->out = events_pending_scripts_reply(c->out);
    else
        cmd_help(c);
}

void sentinel_cmd_exec(struct client *c, int argc, struct resp_arg *argv)
{
    if (argc < 2) {
        c->out = resp_write_error(c->out, "ERR wrong number of arguments for 'sentinel' command");
        return;
    }
    const char *sub = argv[1].ptr;
    const struct subcommand *s = find_subcommand(sub);
    if (!s) {
        c->out = resp_write_errorf(c->out, "ERR unknown subcommand '%.128s'. Try SENTINEL HELP.",
                                   sub);
        return;
    }
    if ((s->arity > 0 && argc != s->arity) || (s->arity < 0 && argc < -s->arity)) {
        vstr lower = vstr_from(s->name);
        c->out = resp_write_errorf(c->out, "ERR wrong number of arguments for 'sentinel|%s' command",
                                   lower);
        vstr_free(lower);
        return;
    }
    dispatch(c, sub, argc, argv);
}
