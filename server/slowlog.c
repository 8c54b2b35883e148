/* slowlog — the slow log and the SLOWLOG command.
 *
 * Entries live in a doubly linked list, newest at the head, so a push is
 * O(1) and trimming to slowlog-max-len (which CONFIG SET may lower at any
 * time) drops from the tail.  An entry copies at most 32 arguments of at
 * most 128 bytes each, as Redis does, so one huge command cannot make the
 * log huge; secrets (AUTH passwords) are stored redacted.
 */
#include "slowlog.h"

#include "client.h"
#include "config.h"
#include "mem.h"
#include "numconv.h"
#include "reply.h"
#include "server.h"

#include <string.h>
#include <strings.h>

#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_STRING 128
#define SLOWLOG_DEFAULT_GET 10

struct slowlog_entry {
    struct slowlog_entry *prev, *next;
    long long id;
    long long time;     /* unix seconds */
    long long duration; /* microseconds */
    int argc;
    vstr *argv;
    vstr peer;
    vstr name;
};

static struct {
    struct slowlog_entry *head, *tail;
    size_t len;
    long long next_id;
} slowlog;

/* Arguments that must not be stored: AUTH's credentials, HELLO AUTH's. */
static int is_redacted(const struct client *c, int i)
{
    if (strcasecmp(c->cmd->name, "auth") == 0)
        return i >= 1;
    if (strcasecmp(c->cmd->name, "hello") != 0)
        return 0;
    for (int j = 2; j < i; j++)
        if (client_arg_is(c, j, "auth") && i - j <= 2)
            return 1;
    return 0;
}

static vstr copy_arg(const struct client *c, int i)
{
    if (is_redacted(c, i))
        return vstr_from("(redacted)");
    size_t len = client_arg_len(c, i);
    if (len <= SLOWLOG_MAX_STRING)
        return vstr_new(client_arg(c, i), len);
    vstr s = vstr_new(client_arg(c, i), SLOWLOG_MAX_STRING);
    return vstr_catfmt(s, "... (%zu more bytes)", len - SLOWLOG_MAX_STRING);
}

static struct slowlog_entry *entry_new(const struct client *c, long long duration)
{
    struct slowlog_entry *e = mem_calloc(sizeof *e);
    e->argc = c->argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : c->argc;
    e->argv = mem_malloc(sizeof *e->argv * (size_t)e->argc);
    for (int i = 0; i < e->argc; i++) {
        if (i == SLOWLOG_MAX_ARGC - 1 && c->argc > SLOWLOG_MAX_ARGC)
            e->argv[i] = vstr_catfmt(vstr_empty(), "... (%d more arguments)",
                                     c->argc - SLOWLOG_MAX_ARGC + 1);
        else
            e->argv[i] = copy_arg(c, i);
    }
    e->id = slowlog.next_id++;
    e->time = server.unixtime;
    e->duration = duration;
    e->peer = vstr_from(c->addr);
    e->name = c->name ? vstr_dup(c->name) : vstr_empty();
    return e;
}

static void entry_free(struct slowlog_entry *e)
{
    for (int i = 0; i < e->argc; i++)
        vstr_free(e->argv[i]);
    mem_free(e->argv);
    vstr_free(e->peer);
    vstr_free(e->name);
    mem_free(e);
}

static void push_head(struct slowlog_entry *e)
{
    e->next = slowlog.head;
    if (slowlog.head)
        slowlog.head->prev = e;
    slowlog.head = e;
    if (!slowlog.tail)
        slowlog.tail = e;
    slowlog.len++;
}

static void drop_tail(void)
{
    struct slowlog_entry *e = slowlog.tail;
    slowlog.tail = e->prev;
    if (slowlog.tail)
        slowlog.tail->next = NULL;
    else
        slowlog.head = NULL;
    slowlog.len--;
    entry_free(e);
}

void slowlog_observe(struct client *c, long long duration_us)
{
    if (cfg.slowlog_log_slower_than < 0 || !c->cmd || (c->cmd->flag_bits & CMD_SKIP_SLOWLOG))
        return;
    if (duration_us < cfg.slowlog_log_slower_than)
        return;
    push_head(entry_new(c, duration_us));
    while (slowlog.len > cfg.slowlog_max_len)
        drop_tail();
}

size_t slowlog_len(void)
{
    return slowlog.len;
}

void slowlog_reset(void)
{
    while (slowlog.tail)
        drop_tail();
}

static void reply_entry(struct client *c, const struct slowlog_entry *e)
{
    reply_array_len(c, 6);
    reply_ll(c, e->id);
    reply_ll(c, e->time);
    reply_ll(c, e->duration);
    reply_array_len(c, e->argc);
    for (int i = 0; i < e->argc; i++)
        reply_bulk(c, e->argv[i], vstr_len(e->argv[i]));
    reply_bulk(c, e->peer, vstr_len(e->peer));
    reply_bulk(c, e->name, vstr_len(e->name));
}

static void slowlog_get_command(struct client *c)
{
    long long count = SLOWLOG_DEFAULT_GET;
    if (c->argc > 3) {
        reply_subcommand_syntax_error(c);
        return;
    }
    if (c->argc == 3 &&
        (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &count) < 0 || count < -1)) {
        reply_error(c, "count should be greater than or equal to -1");
        return;
    }
    if (count == -1 || (unsigned long long)count > slowlog.len)
        count = (long long)slowlog.len;
    reply_array_len(c, (long)count);
    const struct slowlog_entry *e = slowlog.head;
    for (long long i = 0; i < count; i++, e = e->next)
        reply_entry(c, e);
}

static void slowlog_len_command(struct client *c)
{
    reply_ll(c, (long long)slowlog.len);
}

static void slowlog_reset_command(struct client *c)
{
    slowlog_reset();
    reply_ok(c);
}

static void slowlog_help_command(struct client *c)
{
    static const char *const lines[] = {
        "GET [<count>]",
        "    The newest <count> entries (10 by default, -1 for all). Each entry holds:",
        "    id, unix time, duration in microseconds, the arguments, the client's",
        "    address and the client's name.",
        "LEN",
        "    The number of entries in the slow log.",
        "RESET",
        "    Empty the slow log.",
        NULL,
    };
    reply_help(c, lines);
}

static struct command slowlog_subcommands[] = {
    {.name = "len",
     .proc = slowlog_len_command,
     .arity = 2,
     .flags = "admin loading stale",
     .tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output",
     .group = "server",
     .since = "2.2.12",
     .summary = "Get the slow log's length",
     .complexity = "O(1)"},
    {.name = "help",
     .proc = slowlog_help_command,
     .arity = 2,
     .flags = "loading stale",
     .group = "server",
     .since = "6.2.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)"},
    {.name = "reset",
     .proc = slowlog_reset_command,
     .arity = 2,
     .flags = "admin loading stale",
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .group = "server",
     .since = "2.2.12",
     .summary = "Clear all entries from the slow log",
     .complexity = "O(N) where N is the number of entries in the slowlog"},
    {.name = "get",
     .proc = slowlog_get_command,
     .arity = -2,
     .flags = "admin loading stale",
     .tips = "request_policy:all_nodes nondeterministic_output",
     .group = "server",
     .since = "2.2.12",
     .summary = "Get the slow log's entries",
     .complexity = "O(N) where N is the number of entries returned",
     .history = "4.0.0 Added client IP address, port and name to the reply.",
     .args = "?count:integer"},
    {0},
};

struct command slowlog_commands[] = {
    {.name = "slowlog",
     .arity = -2,
     .flags = "",
     .group = "server",
     .since = "2.2.12",
     .summary = "A container for slow log commands",
     .complexity = "Depends on subcommand.",
     .subcommands = slowlog_subcommands},
    {0},
};
