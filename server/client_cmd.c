/* client_cmd — CLIENT and its subcommands; see client_cmd.h.
 *
 * The client list (server.clients_head) is kept in creation order and ids
 * only grow, so it is also sorted by id: CLIENT LIST ID looks clients up by
 * binary search over a snapshot of it instead of scanning once per id.
 */
#include "client_cmd.h"

#include "blocking.h"

#include "client.h"
#include "mem.h"
#include "numconv.h"
#include "reply.h"
#include "server.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

/* Client classes, as CLIENT LIST TYPE and CLIENT KILL TYPE name them. */
enum client_type { TYPE_NONE = -1, TYPE_NORMAL, TYPE_REPLICA, TYPE_PUBSUB, TYPE_MASTER };

int client_cmd_name_valid(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (name[i] < '!' || name[i] > '~')
            return 0;
    return 1;
}

void client_cmd_set_name(struct client *c, const char *name, size_t len)
{
    vstr_free(c->name);
    c->name = len ? vstr_new(name, len) : NULL;
}

/* A monitor is not a replica, even though both receive a stream. */
static enum client_type client_type_of(const struct client *c)
{
    if (c->flags & CLIENT_MASTER)
        return TYPE_MASTER;
    if ((c->flags & CLIENT_SLAVE) && !(c->flags & CLIENT_MONITOR))
        return TYPE_REPLICA;
    if (c->flags & CLIENT_PUBSUB)
        return TYPE_PUBSUB;
    return TYPE_NORMAL;
}

static enum client_type client_type_by_name(const char *name)
{
    if (!strcasecmp(name, "normal"))
        return TYPE_NORMAL;
    if (!strcasecmp(name, "slave") || !strcasecmp(name, "replica"))
        return TYPE_REPLICA;
    if (!strcasecmp(name, "pubsub"))
        return TYPE_PUBSUB;
    if (!strcasecmp(name, "master"))
        return TYPE_MASTER;
    return TYPE_NONE;
}

/* Replies the error for an unknown type name; TYPE_NONE then. */
static enum client_type parse_type_or_reply(struct client *c, int i)
{
    enum client_type type = client_type_by_name(client_arg(c, i));
    if (type == TYPE_NONE)
        reply_error_fmt(c, "Unknown client type '%s'", client_arg(c, i));
    return type;
}

static void id_command(struct client *c)
{
    reply_ll(c, (long long)c->id);
}

static void getname_command(struct client *c)
{
    if (c->name)
        reply_bulk(c, c->name, vstr_len(c->name));
    else
        reply_null(c);
}

static void setname_command(struct client *c)
{
    const char *name = client_arg(c, 2);
    size_t len = client_arg_len(c, 2);
    if (!client_cmd_name_valid(name, len)) {
        reply_error(c, CLIENT_CMD_NAME_ERROR);
        return;
    }
    client_cmd_set_name(c, name, len);
    reply_ok(c);
}

static void info_command(struct client *c)
{
    vstr s = client_info_string(vstr_empty(), c);
    s = vstr_cat(s, "\n", 1);
    reply_verbatim(c, s, vstr_len(s));
    vstr_free(s);
}

/* ---- CLIENT LIST ---- */

/* The clients in id order, for lookups by id. */
static struct client **snapshot_clients(size_t *count)
{
    struct client **all = mem_malloc(sizeof *all * (server.client_count + 1));
    size_t n = 0;
    for (struct client *c = server.clients_head; c && n < server.client_count; c = c->next)
        all[n++] = c;
    *count = n;
    return all;
}

static struct client *find_by_id(struct client **all, size_t count, long long id)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        long long mid_id = (long long)all[mid]->id;
        if (mid_id == id)
            return all[mid];
        if (mid_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static vstr append_info_line(vstr s, const struct client *c)
{
    s = client_info_string(s, c);
    return vstr_cat(s, "\n", 1);
}

/* CLIENT LIST ID id...: every id must be an integer; unknown ones are skipped,
 * repeated ones listed again, in the order given. */
static void list_by_ids(struct client *c)
{
    for (int i = 3; i < c->argc; i++) {
        long long id;
        if (numconv_to_ll(client_arg(c, i), client_arg_len(c, i), &id) < 0) {
            reply_error(c, "Invalid client ID");
            return;
        }
    }
    size_t count;
    struct client **all = snapshot_clients(&count);
    vstr s = vstr_empty();
    for (int i = 3; i < c->argc; i++) {
        long long id;
        numconv_to_ll(client_arg(c, i), client_arg_len(c, i), &id);
        struct client *found = find_by_id(all, count, id);
        if (found)
            s = append_info_line(s, found);
    }
    mem_free(all);
    reply_verbatim(c, s, vstr_len(s));
    vstr_free(s);
}

static void list_by_type(struct client *c, enum client_type type)
{
    vstr s = vstr_empty();
    for (struct client *other = server.clients_head; other; other = other->next)
        if (type == TYPE_NONE || client_type_of(other) == type)
            s = append_info_line(s, other);
    reply_verbatim(c, s, vstr_len(s));
    vstr_free(s);
}

static void list_command(struct client *c)
{
    if (c->argc == 2) {
        list_by_type(c, TYPE_NONE);
    } else if (c->argc == 4 && client_arg_is(c, 2, "type")) {
        enum client_type type = parse_type_or_reply(c, 3);
        if (type != TYPE_NONE)
            list_by_type(c, type);
    } else if (c->argc > 3 && client_arg_is(c, 2, "id")) {
        list_by_ids(c);
    } else {
        reply_error_syntax(c);
    }
}

/* ---- CLIENT KILL ---- */

/* Filters of CLIENT KILL; all given ones must match (AND). */
struct kill_filter {
    const char *addr, *laddr, *user;
    uint64_t id; /* 0: any */
    enum client_type type;
    int skipme;
};

static int kill_filter_matches(const struct kill_filter *f, const struct client *self,
                               const struct client *c)
{
    if (f->addr && strcmp(c->addr, f->addr) != 0)
        return 0;
    if (f->laddr && strcmp(c->laddr, f->laddr) != 0)
        return 0;
    if (f->type != TYPE_NONE && client_type_of(c) != f->type)
        return 0;
    if (f->id && c->id != f->id)
        return 0;
    if (f->user && strcmp(c->user ? c->user : "default", f->user) != 0)
        return 0;
    return !(f->skipme && c == self);
}

/* One "option value" pair of the new form; -1 after replying an error. */
static int parse_kill_option(struct client *c, int j, struct kill_filter *f)
{
    const char *val = client_arg(c, j + 1);
    size_t vlen = client_arg_len(c, j + 1);
    if (client_arg_is(c, j, "id")) {
        long long id;
        if (numconv_to_ll(val, vlen, &id) < 0 || id < 1) {
            reply_error(c, "client-id should be greater than 0");
            return -1;
        }
        f->id = (uint64_t)id;
    } else if (client_arg_is(c, j, "type")) {
        f->type = parse_type_or_reply(c, j + 1);
        if (f->type == TYPE_NONE)
            return -1;
    } else if (client_arg_is(c, j, "addr")) {
        f->addr = val;
    } else if (client_arg_is(c, j, "laddr")) {
        f->laddr = val;
    } else if (client_arg_is(c, j, "user")) {
        /* "default" is the only user until ACLs exist. */
        if (strcmp(val, "default") != 0) {
            reply_error_fmt(c, "No such user '%s'", val);
            return -1;
        }
        f->user = val;
    } else if (client_arg_is(c, j, "skipme") &&
               (!strcasecmp(val, "yes") || !strcasecmp(val, "no"))) {
        f->skipme = !strcasecmp(val, "yes");
    } else {
        reply_error_syntax(c);
        return -1;
    }
    return 0;
}

/* Closes every match; the caller itself is closed only after its reply. */
static long long kill_matching(struct client *c, const struct kill_filter *f, int *self_killed)
{
    long long killed = 0;
    *self_killed = 0;
    for (struct client *other = server.clients_head; other; other = other->next) {
        if ((other->flags & CLIENT_CLOSE_ASAP) || !kill_filter_matches(f, c, other))
            continue;
        if (other == c)
            *self_killed = 1;
        else
            client_close_async(other);
        killed++;
    }
    return killed;
}

static void kill_command(struct client *c)
{
    struct kill_filter f = {.type = TYPE_NONE, .skipme = 1};
    int old_form = c->argc == 3;
    if (old_form) {
        /* CLIENT KILL addr:port may kill the caller itself. */
        f.addr = client_arg(c, 2);
        f.skipme = 0;
    } else {
        for (int j = 2; j < c->argc; j += 2) {
            if (j + 1 >= c->argc) {
                reply_error_syntax(c);
                return;
            }
            if (parse_kill_option(c, j, &f) < 0)
                return;
        }
    }
    int self_killed;
    long long killed = kill_matching(c, &f, &self_killed);
    if (old_form && killed == 0)
        reply_error(c, "No such client");
    else if (old_form)
        reply_ok(c);
    else
        reply_ll(c, killed);
    if (self_killed)
        c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/* ---- pause, reply modes, eviction ---- */

static void pause_command(struct client *c)
{
    if (c->argc > 4) {
        reply_subcommand_syntax_error(c);
        return;
    }
    long long ms;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &ms) < 0) {
        reply_error(c, "timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        reply_error(c, "timeout is negative");
        return;
    }
    int type = 2;
    if (c->argc == 4) {
        if (client_arg_is(c, 3, "write")) {
            type = 1;
        } else if (!client_arg_is(c, 3, "all")) {
            reply_error(c, "CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    /* Redis adds the timeout to the clock without an overflow check: a
     * timeout too large to add ends in the past, so it pauses for nothing
     * beyond the current tick.  The same is done here without overflowing. */
    long long end = (ms > 0 && ms <= LLONG_MAX - server.mstime) ? server.mstime + ms : 0;
    server_pause(type, end);
    reply_ok(c);
}

static void unpause_command(struct client *c)
{
    server_unpause();
    reply_ok(c);
}

static void reply_mode_command(struct client *c)
{
    if (client_arg_is(c, 2, "on")) {
        c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP);
        reply_ok(c);
    } else if (client_arg_is(c, 2, "off")) {
        c->flags |= CLIENT_REPLY_OFF;
    } else if (client_arg_is(c, 2, "skip")) {
        if (!(c->flags & CLIENT_REPLY_OFF))
            c->flags |= CLIENT_REPLY_SKIP_NEXT;
    } else {
        reply_error_syntax(c);
    }
}

static void no_evict_command(struct client *c)
{
    if (client_arg_is(c, 2, "on")) {
        c->flags |= CLIENT_NO_EVICT;
    } else if (client_arg_is(c, 2, "off")) {
        c->flags &= ~CLIENT_NO_EVICT;
    } else {
        reply_error_syntax(c);
        return;
    }
    reply_ok(c);
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: the blocked command times out, or
 * fails with -UNBLOCKED. */
static void unblock_command(struct client *c)
{
    long long id;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &id) < 0) {
        reply_error_not_integer(c);
        return;
    }
    int with_error = 0;
    if (c->argc == 4) {
        if (client_arg_is(c, 3, "error")) {
            with_error = 1;
        } else if (!client_arg_is(c, 3, "timeout")) {
            reply_error(c, "CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    } else if (c->argc > 4) {
        reply_error_syntax(c);
        return;
    }
    reply_ll(c, blocking_unblock_client((uint64_t)id, with_error));
}

/* Client-side caching is not implemented: tracking is always off. */
static void getredir_command(struct client *c)
{
    reply_ll(c, -1);
}

static void trackinginfo_command(struct client *c)
{
    reply_map_len(c, 3);
    reply_bulk_cstr(c, "flags");
    reply_set_len(c, 1);
    reply_bulk_cstr(c, "off");
    reply_bulk_cstr(c, "redirect");
    reply_ll(c, -1);
    reply_bulk_cstr(c, "prefixes");
    reply_array_len(c, 0);
}

static void help_command(struct client *c)
{
    static const char *const lines[] = {
        "GETNAME",
        "    Reply with the name of this connection, or nil.",
        "GETREDIR",
        "    Reply with the client id tracking notifications go to (-1: none).",
        "ID",
        "    Reply with the id of this connection.",
        "INFO",
        "    Describe this connection, in the format of CLIENT LIST.",
        "KILL <ip:port>",
        "    Close the connection from <ip:port>.",
        "KILL <filter> <value> [<filter> <value> ...]",
        "    Close every connection matching all the filters:",
        "    * ID <client-id>",
        "    * ADDR (<ip:port>|<unixsocket>:0)    the peer's address",
        "    * LADDR (<ip:port>|<unixsocket>:0)   the address it connected to",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "    * USER <username>",
        "    * SKIPME (YES|NO)    spare this connection (YES by default)",
        "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]",
        "    Describe the connections, one per line.",
        "NO-EVICT (ON|OFF)",
        "    Exempt this connection from client eviction, or not.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Hold the commands of all clients (or only writes) for <timeout> ms.",
        "REPLY (ON|OFF|SKIP)",
        "    Send replies, stop sending them, or skip the next one.",
        "SETNAME <name>",
        "    Name this connection (an empty name removes it).",
        "TRACKINGINFO",
        "    Describe this connection's client-side caching state.",
        "UNBLOCK <client-id> [TIMEOUT|ERROR]",
        "    Wake a client blocked in a blocking command.",
        "UNPAUSE",
        "    End a CLIENT PAUSE now.",
        NULL,
    };
    reply_help(c, lines);
}

#define CLIENT_SUB(cname, cproc, carity, cflags, cacl, csince, csummary, ccomplexity)            \
    {.name = cname, .proc = cproc, .arity = carity, .flags = cflags, .acl = cacl,                 \
     .group = "connection", .since = csince, .summary = csummary, .complexity = ccomplexity}

static struct command client_subcommands[] = {
    CLIENT_SUB("id", id_command, 2, "noscript loading stale", "@connection", "5.0.0",
               "Returns the client ID for the current connection", "O(1)"),
    CLIENT_SUB("getname", getname_command, 2, "noscript loading stale", "@connection", "2.6.9",
               "Get the current connection name", "O(1)"),
    CLIENT_SUB("setname", setname_command, 3, "noscript loading stale", "@connection", "2.6.9",
               "Set the current connection name", "O(1)"),
    CLIENT_SUB("info", info_command, 2, "noscript loading stale", "@connection", "6.2.0",
               "Returns information about the current client connection.", "O(1)"),
    CLIENT_SUB("list", list_command, -2, "admin noscript loading stale", "@connection", "2.4.0",
               "Get the list of client connections",
               "O(N) where N is the number of client connections"),
    CLIENT_SUB("kill", kill_command, -3, "admin noscript loading stale", "@connection", "2.4.0",
               "Kill the connection of a client",
               "O(N) where N is the number of client connections"),
    CLIENT_SUB("pause", pause_command, -3, "admin noscript loading stale", "@connection",
               "2.9.50", "Stop processing commands from clients for some time", "O(1)"),
    CLIENT_SUB("unpause", unpause_command, 2, "admin noscript loading stale", "@connection",
               "6.2.0", "Resume processing of clients that were paused",
               "O(N) Where N is the number of paused clients"),
    CLIENT_SUB("reply", reply_mode_command, 3, "noscript loading stale", "@connection", "3.2.0",
               "Instruct the server whether to reply to commands", "O(1)"),
    CLIENT_SUB("no-evict", no_evict_command, 3, "admin noscript loading stale", "@connection",
               "7.0.0", "Set client eviction mode for the current connection", "O(1)"),
    CLIENT_SUB("unblock", unblock_command, -3, "admin noscript loading stale", "@connection",
               "5.0.0", "Unblock a client blocked in a blocking command from a different "
               "connection", "O(log N) where N is the number of client connections"),
    CLIENT_SUB("getredir", getredir_command, 2, "noscript loading stale", "@connection", "6.0.0",
               "Get tracking notifications redirection client ID if any", "O(1)"),
    CLIENT_SUB("trackinginfo", trackinginfo_command, 2, "noscript loading stale", "@connection",
               "6.2.0",
               "Return information about server assisted client side caching for the current "
               "connection",
               "O(1)"),
    CLIENT_SUB("help", help_command, 2, "loading stale", "@connection", "5.0.0",
               "Show helpful text about the different subcommands", "O(1)"),
    {0},
};

struct command client_commands[] = {
    {.name = "client", .arity = -2, .flags = "", .acl = "", .subcommands = client_subcommands,
     .group = "connection", .since = "2.4.0",
     .summary = "A container for client connection commands",
     .complexity = "Depends on subcommand."},
    {0},
};
