/* connection — commands about the connection itself: PING, ECHO, QUIT,
 * SELECT, and the handshake and session ones, AUTH, HELLO and RESET.
 *
 * There is one user, "default", whose password is `requirepass` (none when
 * unset).  Passwords are read from cfg at each AUTH, so CONFIG SET
 * requirepass applies to the next authentication.  AUTH and HELLO replace
 * their secret arguments with "(redacted)" once used, so MONITOR (and any
 * later logging of the command) never shows them.
 */
#include "connection.h"

#include "client.h"
#include "client_cmd.h"
#include "monitor.h"
#include "multi.h"
#include "numconv.h"
#include "pubsub.h"
#include "reply.h"
#include "server.h"

#include <string.h>

#define WRONGPASS_ERROR "-WRONGPASS invalid username-password pair or user is disabled."

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

int connection_auth_required(void)
{
    return cfg.requirepass != NULL && cfg.requirepass[0] != '\0';
}

/* Compares without stopping at the first difference, so the time taken
 * tells nothing about how much of the password was right. */
static int secrets_equal(const char *given, size_t glen, const char *secret, size_t slen)
{
    unsigned diff = glen != slen;
    for (size_t i = 0; i < glen; i++)
        diff |= (unsigned char)given[i] ^ (i < slen ? (unsigned char)secret[i] : 0);
    return diff == 0;
}

/* The default user accepts any password when none is configured. */
static int check_credentials(const char *user, size_t ulen, const char *pass, size_t plen)
{
    if (ulen != 7 || memcmp(user, "default", 7) != 0)
        return 0;
    if (!connection_auth_required())
        return 1;
    return secrets_equal(pass, plen, cfg.requirepass, strlen(cfg.requirepass));
}

/* Points argument i at "(redacted)"; the bytes it named stay where they
 * are, so a handler may keep reading them through its own pointers. */
static void redact_arg(struct client *c, int i)
{
    static char redacted[] = "(redacted)";
    c->argv[i].ptr = redacted;
    c->argv[i].len = sizeof redacted - 1;
}

static void auth_command(struct client *c)
{
    if (c->argc > 3) {
        reply_error_syntax(c);
        return;
    }
    const char *user = c->argc == 3 ? client_arg(c, 1) : "default";
    size_t ulen = c->argc == 3 ? client_arg_len(c, 1) : 7;
    const char *pass = client_arg(c, c->argc - 1);
    size_t plen = client_arg_len(c, c->argc - 1);
    for (int i = 1; i < c->argc; i++)
        redact_arg(c, i);
    if (c->argc == 2 && !connection_auth_required()) {
        reply_error(c, "AUTH <password> called without any password configured for the default "
                       "user. Are you sure your configuration is correct?");
        return;
    }
    if (!check_credentials(user, ulen, pass, plen)) {
        reply_error(c, WRONGPASS_ERROR);
        return;
    }
    c->authenticated = 1;
    reply_ok(c);
}

/* HELLO's options apply in order, so an AUTH before a bad option has
 * already authenticated.  A name is checked when seen but set only once
 * the client is known to be authenticated; *name_arg is its index. */
static int hello_options(struct client *c, int *name_arg)
{
    for (int j = 2; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (client_arg_is(c, j, "auth") && more >= 2) {
            const char *user = client_arg(c, j + 1), *pass = client_arg(c, j + 2);
            size_t ulen = client_arg_len(c, j + 1), plen = client_arg_len(c, j + 2);
            redact_arg(c, j + 1);
            redact_arg(c, j + 2);
            if (!check_credentials(user, ulen, pass, plen)) {
                reply_error(c, WRONGPASS_ERROR);
                return -1;
            }
            c->authenticated = 1;
            j += 2;
        } else if (client_arg_is(c, j, "setname") && more >= 1) {
            if (!client_cmd_name_valid(client_arg(c, j + 1), client_arg_len(c, j + 1))) {
                reply_error(c, CLIENT_CMD_NAME_ERROR);
                return -1;
            }
            *name_arg = ++j;
        } else {
            reply_error_fmt(c, "Syntax error in HELLO option '%s'", client_arg(c, j));
            return -1;
        }
    }
    return 0;
}

static void hello_reply(struct client *c)
{
    reply_map_len(c, 7);
    reply_bulk_cstr(c, "server");
    reply_bulk_cstr(c, "redis");
    reply_bulk_cstr(c, "version");
    reply_bulk_cstr(c, VIGIL_VERSION);
    reply_bulk_cstr(c, "proto");
    reply_ll(c, c->resp);
    reply_bulk_cstr(c, "id");
    reply_ll(c, (long long)c->id);
    reply_bulk_cstr(c, "mode");
    reply_bulk_cstr(c, "standalone");
    reply_bulk_cstr(c, "role");
    reply_bulk_cstr(c, server_is_replica() ? "replica" : "master");
    reply_bulk_cstr(c, "modules");
    reply_array_len(c, 0);
}

/* HELLO [protover [AUTH user pass] [SETNAME name]].  RESP3 is not
 * implemented yet, so 2 is the only protocol version accepted. */
static void hello_command(struct client *c)
{
    if (c->argc >= 2) {
        long long ver;
        if (numconv_to_ll(client_arg(c, 1), client_arg_len(c, 1), &ver) < 0) {
            reply_error(c, "Protocol version is not an integer or out of range");
            return;
        }
        if (ver != 2) {
            reply_error(c, "-NOPROTO unsupported protocol version");
            return;
        }
    }
    int name_arg = 0;
    if (hello_options(c, &name_arg) < 0)
        return;
    if (!c->authenticated) {
        reply_error(c, "-NOAUTH HELLO must be called with the client already authenticated, "
                       "otherwise the HELLO AUTH <user> <pass> option can be used to "
                       "authenticate the client and select the RESP protocol version at the "
                       "same time");
        return;
    }
    if (name_arg)
        client_cmd_set_name(c, client_arg(c, name_arg), client_arg_len(c, name_arg));
    hello_reply(c);
}

/* RESET: the connection as it was when accepted, except for its id, its
 * address and CLIENT NO-EVICT (which Redis 7.0 keeps too).  A pending
 * CLIENT REPLY SKIP already applies to RESET itself, as in Redis. */
static void reset_command(struct client *c)
{
    if (c->flags & CLIENT_MONITOR)
        monitor_remove(c);
    multi_reset_client(c);
    pubsub_reset_client(c);
    client_set_db(c, 0);
    c->resp = 2;
    client_cmd_set_name(c, NULL, 0);
    c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
    c->authenticated = !connection_auth_required();
    reply_raw(c, "+RESET\r\n", 8);
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
    {.name = "auth", .proc = auth_command, .arity = -2,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl = "@connection",
     .group = "connection", .since = "1.0.0", .summary = "Authenticate to the server",
     .complexity = "O(N) where N is the number of passwords defined for the user"},
    {.name = "hello", .proc = hello_command, .arity = -1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl = "@connection",
     .group = "connection", .since = "6.0.0", .summary = "Handshake with Redis",
     .complexity = "O(1)"},
    {.name = "reset", .proc = reset_command, .arity = 1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl = "@connection",
     .group = "connection", .since = "6.2.0", .summary = "Reset the connection",
     .complexity = "O(1)"},
    {0},
};
