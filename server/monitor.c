/* monitor — MONITOR; see monitor.h.
 *
 * A line is built only when someone is monitoring, after the command ran:
 * by then AUTH and HELLO have replaced their secrets with "(redacted)" and
 * SELECT has switched the database the line reports, both as in Redis 7.0.
 * Admin commands (CONFIG, DEBUG, SHUTDOWN, MONITOR...) and those flagged
 * skip_monitor are never shown.  Commands replayed by a fake client (AOF
 * loading) are not shown either; script clients are, as "lua".
 */
#include "monitor.h"

#include "client.h"
#include "config.h"
#include "mem.h"
#include "mtime.h"
#include "networking.h"
#include "reply.h"
#include "server.h"

static struct client **monitors;
static size_t monitor_count, monitor_cap;

void monitor_remove(struct client *c)
{
    if (!(c->flags & CLIENT_MONITOR))
        return;
    c->flags &= ~CLIENT_MONITOR;
    for (size_t i = 0; i < monitor_count; i++) {
        if (monitors[i] == c) {
            monitors[i] = monitors[--monitor_count];
            return;
        }
    }
}

void monitor_init(void)
{
    networking_add_free_hook(monitor_remove);
}

static void monitor_add(struct client *c)
{
    if (monitor_count == monitor_cap) {
        monitor_cap = monitor_cap ? monitor_cap * 2 : 4;
        monitors = mem_realloc(monitors, sizeof *monitors * monitor_cap);
    }
    monitors[monitor_count++] = c;
    c->flags |= CLIENT_MONITOR;
}

static int is_shown(const struct client *c)
{
    if (c->cmd->flag_bits & (CMD_SKIP_MONITOR | CMD_ADMIN))
        return 0;
    return !(c->flags & CLIENT_FAKE) || (c->flags & CLIENT_SCRIPT);
}

/* "+<sec>.<usec> [<db> <origin>] "arg" ... \r\n" */
static vstr format_line(const struct client *c)
{
    long long us = mtime_ustime();
    vstr line =
        vstr_catfmt(vstr_empty(), "+%lld.%06lld [%d ", us / 1000000, us % 1000000, c->db->id);
    if (c->flags & CLIENT_SCRIPT)
        line = vstr_cat_cstr(line, "lua");
    else if (c->flags & CLIENT_UNIX_SOCKET)
        line = vstr_catfmt(line, "unix:%s", cfg.unixsocket);
    else
        line = vstr_cat_cstr(line, c->addr);
    line = vstr_cat(line, "]", 1);
    for (int i = 0; i < c->argc; i++) {
        line = vstr_cat(line, " ", 1);
        line = vstr_cat_repr(line, client_arg(c, i), client_arg_len(c, i));
    }
    return vstr_cat(line, "\r\n", 2);
}

void monitor_feed(struct client *c)
{
    if (monitor_count == 0 || !is_shown(c))
        return;
    vstr line = format_line(c);
    for (size_t i = 0; i < monitor_count; i++)
        reply_raw(monitors[i], line, vstr_len(line));
    vstr_free(line);
}

/* Inside a transaction or a script a client expects one reply per command,
 * which a stream cannot give. */
static void monitor_command(struct client *c)
{
    if (c->flags & (CLIENT_MULTI | CLIENT_SCRIPT)) {
        reply_error(c, "MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    /* Asking twice, or as a replica, changes nothing and gets no reply. */
    if (c->flags & (CLIENT_MONITOR | CLIENT_SLAVE))
        return;
    monitor_add(c);
    reply_ok(c);
}

struct command monitor_commands[] = {
    {.name = "monitor", .proc = monitor_command, .arity = 1,
     .flags = "admin noscript loading stale", .acl = "", .group = "server", .since = "1.0.0",
     .summary = "Listen for all requests received by the server in real time"},
    {0},
};
