/* commands — the dispatcher and the commands other than SENTINEL (see
 * commands.h).  The table mirrors redis-sentinel's: fifteen commands. */
#include "commands.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "events.h"
#include "instance.h"
#include "log.h"
#include "mem.h"
#include "monitor.h"
#include "proc.h"
#include "resp_write.h"
#include "sentinel_cmd.h"
#include "state.h"

#define VIGIL_REDIS_VERSION "7.0.15"
#define HELLO_CHANNEL "__sentinel__:hello"

typedef void command_fn(struct client *c, int argc, struct resp_arg *argv);

struct command {
    const char *name;
    int arity; /* negative: at least -arity arguments */
    command_fn *fn;
    int no_auth; /* allowed before AUTH */
};

/* ACL users besides "default" (created with ACL SETUSER). */
struct acl_user {
    vstr name;
    vstr pass; /* NULL: nopass */
    int enabled;
    struct acl_user *next;
};

static struct acl_user *acl_users;

static void cmd_ping(struct client *c, int argc, struct resp_arg *argv)
{
    if (argc > 2) {
        c->out = resp_write_error(c->out, "ERR wrong number of arguments for 'ping' command");
        return;
    }
    if (client_subscriptions(c)) {
        c->out = resp_write_array_len(c->out, 2);
        c->out = resp_write_bulk_cstr(c->out, "pong");
        c->out = argc == 2 ? resp_write_bulk(c->out, argv[1].ptr, argv[1].len)
                           : resp_write_bulk_cstr(c->out, "");
        return;
    }
    if (argc == 2)
        c->out = resp_write_bulk(c->out, argv[1].ptr, argv[1].len);
    else
        c->out = resp_write_simple(c->out, "PONG");
}

static vstr info_server(vstr s)
{
    struct utsname name;
    uname(&name);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    long long now = instance_now();
    long long uptime = (now - sentinel.start_time) / 1000;
    s = vstr_catfmt(s,
                    "# Server\r\nredis_version:" VIGIL_REDIS_VERSION "\r\n"
                    "redis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\n"
                    "redis_mode:sentinel\r\nos:%s %s %s\r\narch_bits:%d\r\n"
                    "monotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:%s\r\n"
                    "atomicvar_api:c11-builtin\r\ngcc_version:%d.%d.%d\r\n"
                    "process_id:%ld\r\nprocess_supervised:no\r\n"
                    "run_id:%s\r\ntcp_port:%d\r\nserver_time_usec:%lld\r\n"
                    "uptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:10\r\n"
                    "configured_hz:10\r\nlru_clock:%lld\r\nexecutable:%s\r\nconfig_file:%s\r\n"
                    "io_threads_active:0\r\n",
                    name.sysname, name.release, name.machine, (int)(sizeof(long) * 8),
                    proc_multiplexing_api(sentinel.loop), __GNUC__, __GNUC_MINOR__,
                    __GNUC_PATCHLEVEL__, (long)getpid(), sentinel.run_id, sentinel.port, now * 1000,
                    uptime, uptime / 86400, (now / 1000) & ((1 << 24) - 1), exe,
                    sentinel.config_file ? sentinel.config_file : "");
    return s;
}

static vstr info_clients(vstr s)
{
    size_t query, out;
    client_max_buffers(&query, &out);
    return vstr_catfmt(s,
                       "# Clients\r\nconnected_clients:%d\r\ncluster_connections:0\r\n"
                       "maxclients:10000\r\nclient_recent_max_input_buffer:%zu\r\n"
                       "client_recent_max_output_buffer:%zu\r\nblocked_clients:0\r\n"
                       "tracking_clients:0\r\nclients_in_timeout_table:0\r\n",
                       client_count(), query, out);
}

/* Redis's stats fields; a sentinel holds no data, so the keyspace,
 * replication, fork and defrag counters are always zero. */
static vstr info_stats(vstr s)
{
    const struct client_stats *st = client_get_stats();
    return vstr_catfmt(
        s,
        "# Stats\r\ntotal_connections_received:%lld\r\ntotal_commands_processed:%lld\r\n"
        "instantaneous_ops_per_sec:%lld\r\ntotal_net_input_bytes:%lld\r\n"
        "total_net_output_bytes:%lld\r\ntotal_net_repl_input_bytes:0\r\n"
        "total_net_repl_output_bytes:0\r\ninstantaneous_input_kbps:%.2f\r\n"
        "instantaneous_output_kbps:%.2f\r\ninstantaneous_input_repl_kbps:0.00\r\n"
        "instantaneous_output_repl_kbps:0.00\r\nrejected_connections:0\r\nsync_full:0\r\n"
        "sync_partial_ok:0\r\nsync_partial_err:0\r\nexpired_keys:0\r\n"
        "expired_stale_perc:0.00\r\nexpired_time_cap_reached_count:0\r\n"
        "expire_cycle_cpu_milliseconds:0\r\nevicted_keys:0\r\nevicted_clients:0\r\n"
        "total_eviction_exceeded_time:0\r\ncurrent_eviction_exceeded_time:0\r\n"
        "keyspace_hits:0\r\nkeyspace_misses:0\r\npubsub_channels:%d\r\npubsub_patterns:%d\r\n"
        "pubsubshard_channels:0\r\nlatest_fork_usec:0\r\ntotal_forks:0\r\n"
        "migrate_cached_sockets:0\r\nslave_expires_tracked_keys:0\r\nactive_defrag_hits:0\r\n"
        "active_defrag_misses:0\r\nactive_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\n"
        "total_active_defrag_time:0\r\ncurrent_active_defrag_time:0\r\n"
        "tracking_total_keys:0\r\ntracking_total_items:0\r\ntracking_total_prefixes:0\r\n"
        "unexpected_error_replies:0\r\ntotal_error_replies:%lld\r\n"
        "dump_payload_sanitizations:0\r\ntotal_reads_processed:%lld\r\n"
        "total_writes_processed:%lld\r\nio_threaded_reads_processed:0\r\n"
        "io_threaded_writes_processed:0\r\nreply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n",
        st->connections, st->commands, (long long)st->ops_per_sec, st->net_input_bytes,
        st->net_output_bytes, st->input_kbps, st->output_kbps, client_pubsub_channels(),
        client_pubsub_patterns(), st->errors, st->reads, st->writes);
}

static vstr info_cpu(vstr s)
{
    return proc_cpu_info(vstr_cat(s, "# CPU\r\n", 7));
}

static vstr info_sentinel(vstr s)
{
    long long now = instance_now();
    s = vstr_catfmt(s,
                    "# Sentinel\r\nsentinel_masters:%zu\r\nsentinel_tilt:%d\r\n"
                    "sentinel_tilt_since_seconds:%lld\r\nsentinel_running_scripts:%d\r\n"
                    "sentinel_scripts_queue_length:%d\r\nsentinel_simulate_failure_flags:%d\r\n",
                    dict_size(sentinel.masters), sentinel.tilt,
                    sentinel.tilt ? (now - sentinel.tilt_start_time) / 1000 : -1,
                    events_scripts_running(), events_scripts_queued(), sentinel.simfailure_flags);
    dict_iter it;
    dict_entry *de;
    int i = 0;
    dict_iter_init(&it, sentinel.masters, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *m = de->v.val;
        const char *status = (m->flags & INST_O_DOWN)   ? "odown"
                             : (m->flags & INST_S_DOWN) ? "sdown"
                                                        : "ok";
        const char *host;
        int port;
        instance_current_master_addr(m, &host, &port);
        s = vstr_catfmt(s, "master%d:name=%s,status=%s,address=%s:%d,slaves=%zu,sentinels=%zu\r\n",
                        i++, m->name, status, host, port, dict_size(m->slaves),
                        dict_size(m->sentinels) + 1);
    }
    dict_iter_release(&it);
    return s;
}

static void cmd_info(struct client *c, int argc, struct resp_arg *argv)
{
    static const struct {
        const char *name;
        vstr (*fn)(vstr);
    } sections[] = {{"server", info_server},
                    {"clients", info_clients},
                    {"stats", info_stats},
                    {"cpu", info_cpu},
                    {"sentinel", info_sentinel}};
    vstr s = vstr_empty();
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        int want = argc == 1;
        for (int a = 1; a < argc; a++)
            if (!strcasecmp(argv[a].ptr, sections[i].name) || !strcasecmp(argv[a].ptr, "all") ||
                !strcasecmp(argv[a].ptr, "default") || !strcasecmp(argv[a].ptr, "everything"))
                want = 1;
        if (!want)
            continue;
        if (vstr_len(s))
            s = vstr_cat_cstr(s, "\r\n");
        s = sections[i].fn(s);
    }
    c->out = resp_write_bulk(c->out, s, vstr_len(s));
    vstr_free(s);
}

static void cmd_role(struct client *c, int argc, struct resp_arg *argv)
{
    (void)argc;
    (void)argv;
    c->out = resp_write_array_len(c->out, 2);
    c->out = resp_write_bulk_cstr(c->out, "sentinel");
    c->out = resp_write_array_len(c->out, (long long)dict_size(sentinel.masters));
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, sentinel.masters, 0);
    while ((de = dict_iter_next(&it)))
        c->out = resp_write_bulk_cstr(c->out, ((struct instance *)de->v.val)->name);
    dict_iter_release(&it);
}

static void cmd_subscribe(struct client *c, int argc, struct resp_arg *argv)
{
    client_subscribe(c, tolower((unsigned char)argv[0].ptr[0]) == 'p', argc, argv);
}

static void cmd_unsubscribe(struct client *c, int argc, struct resp_arg *argv)
{
    client_unsubscribe(c, tolower((unsigned char)argv[0].ptr[0]) == 'p', argc, argv);
}

static void cmd_publish(struct client *c, int argc, struct resp_arg *argv)
{
    (void)argc;
    if (strcmp(argv[1].ptr, HELLO_CHANNEL)) {
        c->out = resp_write_error(c->out, "ERR Only HELLO messages are accepted by Sentinel "
                                          "instances.");
        return;
    }
    monitor_process_hello(argv[2].ptr, argv[2].len);
    c->out = resp_write_int(c->out, 1);
}

static struct acl_user *acl_find(const char *name)
{
    for (struct acl_user *u = acl_users; u; u = u->next)
        if (!strcmp(u->name, name))
            return u;
    return NULL;
}

/* 0 if user/pass are valid credentials. */
static int check_credentials(const char *user, const char *pass)
{
    if (!strcmp(user, "default"))
        return !sentinel.requirepass || !strcmp(pass, sentinel.requirepass) ? 0 : -1;
    struct acl_user *u = acl_find(user);
    if (!u || !u->enabled)
        return -1;
    return !u->pass || !strcmp(u->pass, pass) ? 0 : -1;
}

static int do_auth(struct client *c, const char *user, const char *pass)
{
    if (check_credentials(user, pass) < 0) {
        c->out = resp_write_error(c->out, "WRONGPASS invalid username-password pair or user is "
                                          "disabled.");
        return -1;
    }
    c->authenticated = 1;
    vstr_free(c->user);
    c->user = vstr_from(user);
    return 0;
}

static void cmd_auth(struct client *c, int argc, struct resp_arg *argv)
{
    if (argc > 3) {
        c->out = resp_write_error(c->out, "ERR syntax error");
        return;
    }
    if (argc == 2 && !sentinel.requirepass) {
        c->out = resp_write_error(c->out,
                                  "ERR AUTH <password> called without any password configured "
                                  "for the default user. Are you sure your configuration is "
                                  "correct?");
        return;
    }
    const char *user = argc == 3 ? argv[1].ptr : "default";
    const char *pass = argv[argc - 1].ptr;
    if (do_auth(c, user, pass) == 0)
        c->out = resp_write_simple(c->out, "OK");
}

static void cmd_hello(struct client *c, int argc, struct resp_arg *argv)
{
    int i = 1;
    if (argc >= 2) {
        if (strcmp(argv[1].ptr, "2") && strcmp(argv[1].ptr, "3")) {
            c->out = resp_write_error(c->out, "NOPROTO unsupported protocol version");
            return;
        }
        if (!strcmp(argv[1].ptr, "3")) {
            c->out = resp_write_error(c->out, "NOPROTO unsupported protocol version");
            return;
        }
        i = 2;
    }
    for (; i < argc; i++) {
        if (!strcasecmp(argv[i].ptr, "auth") && i + 2 < argc) {
            if (do_auth(c, argv[i + 1].ptr, argv[i + 2].ptr) < 0)
                return;
            i += 2;
        } else if (!strcasecmp(argv[i].ptr, "setname") && i + 1 < argc) {
            if (c->name)
                vstr_free(c->name);
            c->name = vstr_from(argv[++i].ptr);
        } else {
            c->out = resp_write_errorf(c->out, "ERR Syntax error in HELLO option '%s'", argv[i].ptr);
            return;
        }
    }
    if (!c->authenticated) {
        c->out = resp_write_error(c->out, "NOAUTH HELLO must be called with the client already "
                                          "authenticated, otherwise the HELLO <proto> AUTH <user> "
                                          "<pass> option can be used to authenticate the client "
                                          "and select the RESP protocol version at the same time");
        return;
    }
    c->out = resp_write_array_len(c->out, 14);
    c->out = resp_write_bulk_cstr(c->out, "server");
    c->out = resp_write_bulk_cstr(c->out, "redis");
    c->out = resp_write_bulk_cstr(c->out, "version");
    c->out = resp_write_bulk_cstr(c->out, VIGIL_REDIS_VERSION);
    c->out = resp_write_bulk_cstr(c->out, "proto");
    c->out = resp_write_int(c->out, 2);
    c->out = resp_write_bulk_cstr(c->out, "id");
    c->out = resp_write_int(c->out, c->id);
    c->out = resp_write_bulk_cstr(c->out, "mode");
    c->out = resp_write_bulk_cstr(c->out, "sentinel");
    c->out = resp_write_bulk_cstr(c->out, "role");
    c->out = resp_write_bulk_cstr(c->out, "sentinel");
    c->out = resp_write_bulk_cstr(c->out, "modules");
    c->out = resp_write_array_len(c->out, 0);
}

static void client_kill(struct client *c, int argc, struct resp_arg *argv)
{
    struct client *target = NULL;
    if (argc == 3)
        target = client_by_addr(argv[2].ptr);
    else if (argc == 4 && !strcasecmp(argv[2].ptr, "id"))
        target = client_by_id(atoll(argv[3].ptr));
    else if (argc == 4 && !strcasecmp(argv[2].ptr, "addr"))
        target = client_by_addr(argv[3].ptr);
    else {
        c->out = resp_write_error(c->out, "ERR syntax error");
        return;
    }
    if (!target) {
        c->out = argc == 3 ? resp_write_error(c->out, "ERR No such client")
                           : resp_write_int(c->out, 0);
        return;
    }
    c->out = argc == 3 ? resp_write_simple(c->out, "OK") : resp_write_int(c->out, 1);
    if (target == c)
        client_close_later(c);
    else
        client_close(target);
}

static void cmd_client(struct client *c, int argc, struct resp_arg *argv)
{
    const char *sub = argv[1].ptr;
    if (!strcasecmp(sub, "list") && argc == 2) {
        vstr s = client_list(vstr_empty());
        c->out = resp_write_bulk(c->out, s, vstr_len(s));
        vstr_free(s);
    } else if (!strcasecmp(sub, "setname") && argc == 3) {
        for (size_t i = 0; i < argv[2].len; i++)
            if (argv[2].ptr[i] <= ' ' || argv[2].ptr[i] > '~') {
                c->out = resp_write_error(c->out, "ERR Client names cannot contain spaces, "
                                                  "newlines or special characters.");
                return;
            }
        if (c->name)
            vstr_free(c->name);
        c->name = argv[2].len ? vstr_new(argv[2].ptr, argv[2].len) : NULL;
        c->out = resp_write_simple(c->out, "OK");
    } else if (!strcasecmp(sub, "getname") && argc == 2) {
        c->out = c->name ? resp_write_bulk_cstr(c->out, c->name) : resp_write_null(c->out);
    } else if (!strcasecmp(sub, "id") && argc == 2) {
        c->out = resp_write_int(c->out, c->id);
    } else if (!strcasecmp(sub, "kill") && argc >= 3) {
        client_kill(c, argc, argv);
    } else {
        c->out = resp_write_errorf(c->out, "ERR unknown subcommand '%.128s'. Try CLIENT HELP.",
                                   sub);
    }
}

static void acl_setuser(struct client *c, int argc, struct resp_arg *argv)
{
    struct acl_user *u = acl_find(argv[2].ptr);
    if (!u) {
        u = mem_calloc(sizeof *u);
        u->name = vstr_from(argv[2].ptr);
        u->next = acl_users;
        acl_users = u;
    }
    for (int i = 3; i < argc; i++) {
        const char *r = argv[i].ptr;
        if (!strcasecmp(r, "on"))
            u->enabled = 1;
        else if (!strcasecmp(r, "off"))
            u->enabled = 0;
        else if (r[0] == '>') {
            if (u->pass)
                vstr_free(u->pass);
            u->pass = vstr_from(r + 1);
        } else if (!strcasecmp(r, "nopass") || !strcasecmp(r, "resetpass")) {
            if (u->pass)
                vstr_free(u->pass);
            u->pass = NULL;
        }
        /* Command, key and channel rules are accepted: every command of a
         * sentinel is open to an authenticated user. */
    }
    c->out = resp_write_simple(c->out, "OK");
}

static void cmd_acl(struct client *c, int argc, struct resp_arg *argv)
{
    const char *sub = argv[1].ptr;
    if (!strcasecmp(sub, "whoami") && argc == 2) {
        c->out = resp_write_bulk_cstr(c->out, c->user);
    } else if (!strcasecmp(sub, "setuser") && argc >= 3) {
        acl_setuser(c, argc, argv);
    } else if (!strcasecmp(sub, "deluser") && argc >= 3) {
        int n = 0;
        for (int i = 2; i < argc; i++) {
            struct acl_user **pp = &acl_users;
            while (*pp && strcmp((*pp)->name, argv[i].ptr))
                pp = &(*pp)->next;
            if (*pp) {
                struct acl_user *u = *pp;
                *pp = u->next;
                vstr_free(u->name);
                if (u->pass)
                    vstr_free(u->pass);
                mem_free(u);
                n++;
            }
        }
        c->out = resp_write_int(c->out, n);
    } else if (!strcasecmp(sub, "users") && argc == 2) {
        int n = 1;
        for (struct acl_user *u = acl_users; u; u = u->next)
            n++;
        c->out = resp_write_array_len(c->out, n);
        c->out = resp_write_bulk_cstr(c->out, "default");
        for (struct acl_user *u = acl_users; u; u = u->next)
            c->out = resp_write_bulk_cstr(c->out, u->name);
    } else {
        c->out = resp_write_errorf(c->out, "ERR unknown subcommand '%.128s'. Try ACL HELP.", sub);
    }
}

static void cmd_shutdown(struct client *c, int argc, struct resp_arg *argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    log_warning("User requested shutdown...");
    state_flush();
    if (sentinel.pidfile)
        unlink(sentinel.pidfile);
    log_warning("Sentinel is now ready to exit, bye bye...");
    exit(0);
}

static void cmd_command(struct client *c, int argc, struct resp_arg *argv);

static const struct command table[] = {
    {"ping", -1, cmd_ping, 0},
    {"sentinel", -2, sentinel_cmd_exec, 0},
    {"subscribe", -2, cmd_subscribe, 0},
    {"unsubscribe", -1, cmd_unsubscribe, 0},
    {"psubscribe", -2, cmd_subscribe, 0},
    {"punsubscribe", -1, cmd_unsubscribe, 0},
    {"publish", 3, cmd_publish, 0},
    {"info", -1, cmd_info, 0},
    {"role", 1, cmd_role, 0},
    {"client", -2, cmd_client, 0},
    {"shutdown", -1, cmd_shutdown, 0},
    {"auth", -2, cmd_auth, 1},
    {"hello", -1, cmd_hello, 1},
    {"acl", -2, cmd_acl, 0},
    {"command", -1, cmd_command, 0},
    {NULL, 0, NULL, 0}};

static void cmd_command(struct client *c, int argc, struct resp_arg *argv)
{
    int n = 0;
    while (table[n].name)
        n++;
    if (argc == 2 && !strcasecmp(argv[1].ptr, "count")) {
        c->out = resp_write_int(c->out, n);
        return;
    }
    if (argc == 2 && !strcasecmp(argv[1].ptr, "docs")) {
        c->out = resp_write_array_len(c->out, 0);
        return;
    }
    c->out = resp_write_array_len(c->out, n);
    for (int i = 0; i < n; i++) {
        c->out = resp_write_array_len(c->out, 6);
        c->out = resp_write_bulk_cstr(c->out, table[i].name);
        c->out = resp_write_int(c->out, table[i].arity);
        c->out = resp_write_array_len(c->out, 0);
        c->out = resp_write_int(c->out, 0);
        c->out = resp_write_int(c->out, 0);
        c->out = resp_write_int(c->out, 0);
    }
}

static const struct command *lookup(const char *name)
{
    for (const struct command *cmd = table; cmd->name; cmd++)
        if (!strcasecmp(cmd->name, name))
            return cmd;
    return NULL;
}

static void reply_unknown(struct client *c, int argc, struct resp_arg *argv)
{
    vstr args = vstr_empty();
    for (int i = 1; i < argc && vstr_len(args) < 128; i++)
        args = vstr_catfmt(args, "'%.*s' ", (int)(argv[i].len > 128 ? 128 : argv[i].len),
                           argv[i].ptr);
    c->out = resp_write_errorf(c->out, "ERR unknown command '%.128s', with args beginning with: %s",
                               argv[0].ptr, args);
    vstr_free(args);
}

static int allowed_in_pubsub(const struct command *cmd)
{
    return cmd->fn == cmd_subscribe || cmd->fn == cmd_unsubscribe || cmd->fn == cmd_ping;
}

void commands_exec(struct client *c, int argc, struct resp_arg *argv)
{
    const struct command *cmd = lookup(argv[0].ptr);
    if (!cmd) {
        reply_unknown(c, argc, argv);
        return;
    }
    if (c->last_cmd)
        vstr_free(c->last_cmd);
    c->last_cmd = vstr_from(cmd->name);
    if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity)) {
        c->out = resp_write_errorf(c->out, "ERR wrong number of arguments for '%s' command",
                                   cmd->name);
        return;
    }
    if (!c->authenticated && !cmd->no_auth) {
        c->out = resp_write_error(c->out, "NOAUTH Authentication required.");
        return;
    }
    if (client_subscriptions(c) && !allowed_in_pubsub(cmd)) {
        c->out = resp_write_errorf(c->out,
                                   "ERR Can't execute '%s': only (P|S)SUBSCRIBE / "
                                   "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
                                   "context",
                                   cmd->name);
        return;
    }
    cmd->fn(c, argc, argv);
}
