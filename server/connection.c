/* connection — connection-level commands. */
#include "connection.h"

#include "client.h"
#include "numconv.h"
#include "reply.h"
#include "server.h"

static void ping_command(struct client *c)
{
    if (c->argc > 2) {
        reply_error_arity(c);
        return;
    }
    if (c->flags & CLIENT_PUBSUB && c->resp == 2) {
        reply_array_len(c, 2);
        reply_bulk(c, "pong", 4);
        if (c->argc == 1)
            reply_bulk(c, "", 0);
        else
            reply_bulk(c, client_arg(c, 1), client_arg_len(c, 1));
        return;
    }
    if (c->argc == 1)
        reply_raw(c, "+PONG\r\n", 7);
    else
        reply_bulk(c, client_arg(c, 1), client_arg_len(c, 1));
}

static void echo_command(struct client *c)
{
    reply_bulk(c, client_arg(c, 1), client_arg_len(c, 1));
}

static void quit_command(struct client *c)
{
    reply_ok(c);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

static void select_command(struct client *c)
{
    long long id;
    if (numconv_to_ll(client_arg(c, 1), client_arg_len(c, 1), &id) < 0) {
        reply_error(c, "value is not an integer or out of range");
        return;
    }
    if (id < 0 || id >= cfg.databases) {
        reply_error(c, "DB index is out of range");
        return;
    }
    client_set_db(c, (int)id);
    reply_ok(c);
}

struct command connection_commands[] = {
    {.name = "ping", .proc = ping_command, .arity = -1, .flags = "fast", .acl = "@connection",
     .group = "connection", .since = "1.0.0", .summary = "Ping the server",
     .complexity = "O(1)"},
    {.name = "echo", .proc = echo_command, .arity = 2, .flags = "fast", .acl = "@connection",
     .group = "connection", .since = "1.0.0", .summary = "Echo the given string",
     .complexity = "O(1)"},
    {.name = "quit", .proc = quit_command, .arity = -1,
     .flags = "allow_busy noscript loading stale fast no_auth", .acl = "@connection",
     .group = "connection", .since = "1.0.0", .summary = "Close the connection",
     .complexity = "O(1)"},
    {.name = "select", .proc = select_command, .arity = 2, .flags = "loading stale fast",
     .acl = "@connection", .group = "connection", .since = "1.0.0",
     .summary = "Change the selected database for the current connection",
     .complexity = "O(1)"},
    {0},
};
