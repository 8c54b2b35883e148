/* commands — gathers the command families into one table, resolves
 * subcommands, checks a request against the rules (arity, auth, state) and
 * runs it with timing and statistics.
 *
 * Rejections use Redis 7.0's exact texts, and the order of the checks is
 * Redis's, because clients and tests observe which error wins.
 */
#include "commands.h"

#include "blocking.h"
#include "client.h"
#include "command_families.h"
#include "latency.h"
#include "log.h"
#include "mem.h"
#include "monitor.h"
#include "mtime.h"
#include "multi.h"
#include "propagate.h"
#include "reply.h"
#include "server.h"
#include "slowlog.h"
#include "snapshot.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static dict *command_table;

static const struct dict_type command_dict_type = {.nocase = 1, .key_free = vstr_free};

static const struct {
    const char *word;
    uint64_t bit;
} flag_names[] = {
    {"write", CMD_WRITE},
    {"readonly", CMD_READONLY},
    {"denyoom", CMD_DENYOOM},
    {"module", CMD_MODULE},
    {"admin", CMD_ADMIN},
    {"pubsub", CMD_PUBSUB},
    {"noscript", CMD_NOSCRIPT},
    {"blocking", CMD_BLOCKING},
    {"loading", CMD_LOADING},
    {"stale", CMD_STALE},
    {"skip_monitor", CMD_SKIP_MONITOR},
    {"skip_slowlog", CMD_SKIP_SLOWLOG},
    {"asking", CMD_ASKING},
    {"fast", CMD_FAST},
    {"no_auth", CMD_NO_AUTH},
    {"may_replicate", CMD_MAY_REPLICATE},
    {"sentinel", CMD_SENTINEL},
    {"only_sentinel", CMD_ONLY_SENTINEL},
    {"no_mandatory_keys", CMD_NO_MANDATORY_KEYS},
    {"protected", CMD_PROTECTED},
    {"no_async_loading", CMD_NO_ASYNC_LOADING},
    {"no_multi", CMD_NO_MULTI},
    {"movablekeys", CMD_MOVABLE_KEYS},
    {"allow_busy", CMD_ALLOW_BUSY},
};

uint64_t commands_parse_flags(const char *words)
{
    uint64_t bits = 0;
    const char *p = words ? words : "";
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        int known = 0;
        for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
            if (strlen(flag_names[i].word) == len && strncmp(p, flag_names[i].word, len) == 0) {
                bits |= flag_names[i].bit;
                known = 1;
            }
        }
        if (!known)
            log_warning("Unknown command flag '%.*s'", (int)len, p);
        p += len;
    }
    return bits;
}

static void register_command(dict *table, struct command *cmd, struct command *parent)
{
    cmd->flag_bits = commands_parse_flags(cmd->flags);
    cmd->parent = parent;
    cmd->fullname = parent ? vstr_catfmt(vstr_empty(), "%s|%s", parent->name, cmd->name)
                           : vstr_from(cmd->name);
    if (cmd->subcommands) {
        cmd->subcommand_table = dict_new(&command_dict_type);
        for (struct command *sub = cmd->subcommands; sub->name; sub++)
            register_command(cmd->subcommand_table, sub, cmd);
    }
    dict_add(table, vstr_from(cmd->name), cmd);
}

void commands_init(void)
{
    command_table = dict_new(&command_dict_type);
    for (int f = 0; command_families[f]; f++)
        for (struct command *cmd = command_families[f]; cmd->name; cmd++)
            register_command(command_table, cmd, NULL);
}

dict *commands_table(void)
{
    return command_table;
}

struct command *commands_lookup(const char *name, size_t len)
{
    dict_entry *de = dict_find(command_table, name, len);
    return de ? de->v.val : NULL;
}

struct command *commands_lookup_argv(int argc, const struct resp_arg *argv)
{
    struct command *cmd = commands_lookup(argv[0].ptr, argv[0].len);
    if (!cmd || !cmd->subcommand_table || argc < 2)
        return cmd;
    dict_entry *de = dict_find(cmd->subcommand_table, argv[1].ptr, argv[1].len);
    return de ? de->v.val : NULL;
}

void commands_foreach(void (*fn)(struct command *cmd, void *ctx), void *ctx)
{
    dict_iter it;
    dict_iter_init(&it, command_table, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        struct command *cmd = de->v.val;
        fn(cmd, ctx);
        if (cmd->subcommands)
            for (struct command *sub = cmd->subcommands; sub->name; sub++)
                fn(sub, ctx);
    }
    dict_iter_release(&it);
}

/* ---- dispatch ---- */

/* Inside MULTI a rejection dooms the transaction; a rejected EXEC ends
 * it at once, and says EXECABORT even outside MULTI, as Redis does. */
static void reject(struct client *c, const char *msg)
{
    if (c->cmd)
        c->cmd->rejected_calls++;
    if (c->flags & CLIENT_MULTI)
        c->flags |= CLIENT_DIRTY_EXEC;
    if (multi_is_exec(c->cmd))
        multi_abort_exec(c, msg);
    else
        reply_error(c, msg);
}

static void reject_unknown(struct client *c)
{
    struct command *container = commands_lookup(c->argv[0].ptr, c->argv[0].len);
    vstr msg;
    if (container && container->subcommand_table) {
        vstr upper = vstr_new(c->argv[0].ptr, c->argv[0].len);
        for (char *p = upper; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        msg = vstr_catfmt(vstr_empty(), "unknown subcommand '%.128s'. Try %s HELP.",
                          c->argv[1].ptr, upper);
        vstr_free(upper);
    } else {
        vstr args = vstr_empty();
        for (int i = 1; i < c->argc && vstr_len(args) < 128; i++)
            args = vstr_catfmt(args, "'%.*s' ", 128 - (int)vstr_len(args), c->argv[i].ptr);
        msg = vstr_catfmt(vstr_empty(), "unknown command '%.128s', with args beginning with: %s",
                          c->argv[0].ptr, args);
        vstr_free(args);
    }
    reject(c, msg);
    vstr_free(msg);
}

static int arity_ok(const struct command *cmd, int argc)
{
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* Commands allowed while a RESP2 client is in subscribed mode. */
static int allowed_in_pubsub(const struct command *cmd)
{
    static const char *const allowed[] = {"ping",        "subscribe",    "ssubscribe",
                                          "unsubscribe", "sunsubscribe", "psubscribe",
                                          "punsubscribe", "quit",        "reset"};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strcasecmp(cmd->name, allowed[i]) == 0)
            return 1;
    return 0;
}

static int is_write_command(const struct command *cmd)
{
    return (cmd->flag_bits & (CMD_WRITE | CMD_MAY_REPLICATE)) != 0;
}

/* CLIENT PAUSE holds the client's input until the pause ends.  A write
 * pause holds writes even when they are only being queued, and an EXEC
 * whose queue holds a write, as Redis 7.0 does. */
static int must_postpone(struct client *c)
{
    if (server.pause_type == 0 || (c->flags & (CLIENT_SLAVE | CLIENT_MASTER)))
        return 0;
    if (server.pause_type == 2)
        return 1;
    if (multi_is_exec(c->cmd) && (multi_queued_flags(c) & (CMD_WRITE | CMD_MAY_REPLICATE)))
        return 1;
    return is_write_command(c->cmd);
}

/* stop-writes-on-bgsave-error: writes (and PING, so monitoring notices)
 * are refused after a failed background save, except from our primary. */
static int denied_by_disk_error(struct client *c)
{
    int is_write = (c->cmd->flag_bits & CMD_WRITE) || !strcmp(c->cmd->name, "ping");
    return is_write && !(c->flags & CLIENT_MASTER) && snapshot_writes_denied();
}

int commands_process(struct client *c)
{
    /* Like Redis, CLIENT LIST's cmd= names the command being run, even one
     * rejected below, and "NULL" after an unknown one. */
    c->cmd = c->lastcmd = commands_lookup_argv(c->argc, c->argv);
    if (!c->cmd) {
        reject_unknown(c);
        return 0;
    }
    struct command *cmd = c->cmd;
    if (!arity_ok(cmd, c->argc)) {
        vstr msg = vstr_catfmt(vstr_empty(), "wrong number of arguments for '%s' command",
                               cmd->fullname);
        reject(c, msg);
        vstr_free(msg);
        return 0;
    }
    if (!c->authenticated && !(cmd->flag_bits & CMD_NO_AUTH)) {
        reject(c, "-NOAUTH Authentication required.");
        return 0;
    }
    if ((c->flags & CLIENT_MULTI) && (cmd->flag_bits & CMD_NO_MULTI)) {
        reject(c, "Command not allowed inside a transaction");
        return 0;
    }
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2 && !allowed_in_pubsub(cmd)) {
        vstr msg = vstr_catfmt(vstr_empty(),
                               "Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING "
                               "/ QUIT / RESET are allowed in this context",
                               cmd->fullname);
        reject(c, msg);
        vstr_free(msg);
        return 0;
    }
    if (denied_by_disk_error(c)) {
        reject(c, SNAPSHOT_MISCONF_ERR);
        return 0;
    }
    if (must_postpone(c)) {
        c->flags |= CLIENT_PAUSED_WAITING;
        return 1;
    }
    if ((c->flags & CLIENT_MULTI) && !multi_runs_immediately(cmd)) {
        multi_queue_command(c);
        return 0;
    }
    commands_call(c);
    /* Keys the command (or a whole EXEC) made ready are served before the
     * next command runs, as Redis does. */
    blocking_handle_ready_keys();
    return 0;
}

/* Calls nest when EXEC runs its queue: the inner ones keep the clock of
 * the outer (a transaction sees one "now") and leave the client-level
 * bookkeeping (last command, CLIENT REPLY SKIP) to it. */
void commands_call(struct client *c)
{
    struct command *cmd = c->cmd;
    int nested = (c->flags & CLIENT_EXECUTING) != 0;
    long long errors_before = server.stat.total_error_replies;
    long long dirty_before = server.dirty;
    if (!nested)
        server_update_cached_time();
    propagate_command_start();
    uint64_t start = mtime_monotonic_us();
    c->flags |= CLIENT_EXECUTING;
    cmd->proc(c);
    if (!nested)
        c->flags &= ~CLIENT_EXECUTING;
    uint64_t duration = mtime_monotonic_us() - start;
    propagate_command_end(c, server.dirty - dirty_before);

    if (server.stat.total_error_replies > errors_before)
        cmd->failed_calls++;
    cmd->calls++;
    cmd->usec += (long long)duration;
    slowlog_observe(c, (long long)duration);
    latency_observe_command(cmd, (long long)duration);
    server.stat.numcommands++;
    monitor_feed(c);
    if (nested)
        return;
    c->commands_processed++;

    /* CLIENT REPLY SKIP silences exactly the command after it. */
    c->flags &= ~CLIENT_REPLY_SKIP;
    if (c->flags & CLIENT_REPLY_SKIP_NEXT) {
        c->flags |= CLIENT_REPLY_SKIP;
        c->flags &= ~CLIENT_REPLY_SKIP_NEXT;
    }
}
