/* config_cmd — CONFIG over the directive table in config.c.
 *
 * config.c owns parsing, validation and atomicity; this file turns client
 * arguments into calls, replies, and registers the hooks that apply a
 * changed value to the running server (rebinding listeners, log level...).
 */
#include "config_cmd.h"

#include "client.h"
#include "info.h"
#include "log.h"
#include "mem.h"
#include "networking.h"
#include "reply.h"
#include "server.h"

#include <string.h>

static void emit_pair(void *ctx, const char *name, const vstr value)
{
    struct client *c = ctx;
    reply_bulk_cstr(c, name);
    reply_bulk(c, value, vstr_len(value));
}

/* The reply is a map whose size is known only after matching. */
struct get_ctx {
    struct client *c;
    long pairs;
};

static void count_and_emit(void *ctx, const char *name, const vstr value)
{
    struct get_ctx *g = ctx;
    g->pairs++;
    emit_pair(g->c, name, value);
}

static void config_get_command(struct client *c)
{
    int n = c->argc - 2;
    const char **patterns = mem_malloc(sizeof(char *) * (size_t)n);
    size_t *lens = mem_malloc(sizeof(size_t) * (size_t)n);
    for (int i = 0; i < n; i++) {
        patterns[i] = client_arg(c, i + 2);
        lens[i] = client_arg_len(c, i + 2);
    }
    void *slot = reply_deferred_len(c);
    struct get_ctx g = {c, 0};
    config_get_multi(n, patterns, lens, count_and_emit, &g);
    reply_set_deferred_map_len(c, slot, g.pairs);
    mem_free(patterns);
    mem_free(lens);
}

static int client_is_local(const struct client *c)
{
    return (c->flags & CLIENT_UNIX_SOCKET) || strncmp(c->addr, "127.", 4) == 0 ||
           strncmp(c->addr, "[::1]:", 6) == 0;
}

static void config_set_command(struct client *c)
{
    if (c->argc % 2) {
        reply_error_arity(c);
        return;
    }
    int n = (c->argc - 2) / 2;
    const char **names = mem_malloc(sizeof(char *) * (size_t)n);
    const char **values = mem_malloc(sizeof(char *) * (size_t)n);
    size_t *nlens = mem_malloc(sizeof(size_t) * (size_t)n);
    size_t *vlens = mem_malloc(sizeof(size_t) * (size_t)n);
    for (int i = 0; i < n; i++) {
        names[i] = client_arg(c, 2 + 2 * i);
        nlens[i] = client_arg_len(c, 2 + 2 * i);
        values[i] = client_arg(c, 3 + 2 * i);
        vlens[i] = client_arg_len(c, 3 + 2 * i);
    }
    vstr err = NULL;
    if (config_set_ex(n, names, nlens, values, vlens, client_is_local(c), &err) == 0) {
        reply_ok(c);
    } else {
        /* config.c's messages carry their error code already. */
        vstr msg = vstr_catfmt(vstr_empty(), "-%s", err ? err : "ERR CONFIG SET failed");
        reply_error(c, msg);
        vstr_free(msg);
    }
    vstr_free(err);
    mem_free(names);
    mem_free(values);
    mem_free(nlens);
    mem_free(vlens);
}

static void config_resetstat_command(struct client *c)
{
    info_reset_stats();
    reply_ok(c);
}

static void config_rewrite_command(struct client *c)
{
    if (!config_file_path()) {
        reply_error(c, "The server is running without a config file");
        return;
    }
    vstr err = NULL;
    if (config_rewrite(&err) == 0) {
        log_notice("CONFIG REWRITE executed with success.");
        reply_ok(c);
    } else {
        log_warning("CONFIG REWRITE failed: %s", err ? err : "unknown error");
        reply_error_fmt(c, "Rewriting config file: %s", err ? err : "unknown error");
    }
    vstr_free(err);
}

static void config_help_command(struct client *c)
{
    static const char *const help[] = {
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        NULL,
    };
    reply_help(c, help);
}

/* ---- apply hooks ---- */

static int apply_loglevel(const char **err)
{
    (void)err;
    log_set_level((enum log_level)cfg.loglevel);
    return 0;
}

static int apply_listeners(const char **err)
{
    networking_close_listeners();
    if (networking_listen() < 0) {
        *err = "Unable to listen on this port";
        return -1;
    }
    return 0;
}

static const char tls_update_failed[] = "Unable to update TLS configuration. Check server logs.";

static int tls_in_use(void)
{
    return cfg.tls_port || cfg.tls_replication || cfg.tls_cluster;
}

/* Any tls-* file or setting: rebuild the context when TLS is in use. */
static int apply_tls(const char **err)
{
    if (tls_in_use() && networking_tls_configure() < 0) {
        *err = tls_update_failed;
        return -1;
    }
    return 0;
}

/* A TLS port needs a context first: TLS may not have been in use. */
static int apply_tls_port(const char **err)
{
    if (cfg.tls_port && !networking_tls_context() && networking_tls_configure() < 0) {
        *err = tls_update_failed;
        return -1;
    }
    networking_close_listeners();
    if (networking_listen() < 0) {
        *err = "Unable to listen on this port. Check server logs.";
        return -1;
    }
    return 0;
}

static int apply_hz(const char **err)
{
    (void)err;
    server.hz = cfg.hz;
    return 0;
}

void config_cmd_init(void)
{
    config_register_apply("loglevel", apply_loglevel);
    config_register_apply("port", apply_listeners);
    config_register_apply("bind", apply_listeners);
    config_register_apply("hz", apply_hz);
    config_register_apply("tls-port", apply_tls_port);
    /* tls-auth-clients is read per connection: no rebuild, as in Redis. */
    static const char *const tls_params[] = {"tls-cert-file",
                                             "tls-key-file",
                                             "tls-key-file-pass",
                                             "tls-client-cert-file",
                                             "tls-client-key-file",
                                             "tls-client-key-file-pass",
                                             "tls-dh-params-file",
                                             "tls-ca-cert-file",
                                             "tls-ca-cert-dir",
                                             "tls-protocols",
                                             "tls-ciphers",
                                             "tls-ciphersuites",
                                             "tls-prefer-server-ciphers",
                                             "tls-session-caching",
                                             "tls-session-cache-size",
                                             "tls-session-cache-timeout",
                                             "tls-replication",
                                             "tls-cluster"};
    for (size_t i = 0; i < sizeof tls_params / sizeof tls_params[0]; i++)
        config_register_apply(tls_params[i], apply_tls);
}

static struct command config_subcommands[] = {
    {.name = "get", .proc = config_get_command, .arity = -3,
     .flags = "admin noscript loading stale", .group = "server", .since = "2.0.0",
     .summary = "Get the values of configuration parameters",
     .complexity = "O(N) when N is the number of configuration parameters provided"},
    {.name = "set", .proc = config_set_command, .arity = -4,
     .flags = "admin noscript loading stale", .acl = "@dangerous", .group = "server",
     .since = "2.0.0", .summary = "Set configuration parameters to the given values",
     .complexity = "O(N) when N is the number of configuration parameters provided"},
    {.name = "resetstat", .proc = config_resetstat_command, .arity = 2,
     .flags = "admin noscript loading stale", .acl = "@dangerous", .group = "server",
     .since = "2.0.0", .summary = "Reset the stats returned by INFO", .complexity = "O(1)"},
    {.name = "rewrite", .proc = config_rewrite_command, .arity = 2,
     .flags = "admin noscript loading stale", .acl = "@dangerous", .group = "server",
     .since = "2.8.0",
     .summary = "Rewrite the configuration file with the in memory configuration",
     .complexity = "O(1)"},
    {.name = "help", .proc = config_help_command, .arity = 2, .flags = "loading stale",
     .group = "server", .since = "5.0.0", .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)"},
    {0},
};

struct command config_commands[] = {
    {.name = "config", .arity = -2, .subcommands = config_subcommands, .group = "server",
     .since = "2.0.0", .summary = "A container for server configuration commands",
     .complexity = "Depends on subcommand."},
    {0},
};
