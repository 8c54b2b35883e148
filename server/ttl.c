/* ttl — TTL commands; see ttl.h.
 *
 * All four EXPIRE variants turn their argument into an absolute unix time
 * in milliseconds, which is what db.c stores.  A time already past deletes
 * the key at once (event "del"), as Redis does; on a replica the time is
 * stored instead, because the primary decides when keys go.
 */
#include "ttl.h"

#include "client.h"
#include "db.h"
#include "notify.h"
#include "numconv.h"
#include "propagate.h"
#include "reply.h"
#include "server.h"

#include <limits.h>

#define KEY(c, i) client_arg(c, i), client_arg_len(c, i)

#define EXPIRE_NX (1 << 0)
#define EXPIRE_XX (1 << 1)
#define EXPIRE_GT (1 << 2)
#define EXPIRE_LT (1 << 3)

/* NX XX GT LT from argument 3 on, with Redis's conflict errors. */
static int parse_expire_flags(struct client *c, int *flags)
{
    static const struct {
        const char *word;
        int flag;
    } words[] = {{"nx", EXPIRE_NX}, {"xx", EXPIRE_XX}, {"gt", EXPIRE_GT}, {"lt", EXPIRE_LT}};
    *flags = 0;
    for (int i = 3; i < c->argc; i++) {
        int known = 0;
        for (size_t w = 0; w < sizeof words / sizeof words[0] && !known; w++) {
            if (client_arg_is(c, i, words[w].word)) {
                *flags |= words[w].flag;
                known = 1;
            }
        }
        if (!known) {
            reply_error_fmt(c, "Unsupported option %s", client_arg(c, i));
            return -1;
        }
    }
    if ((*flags & EXPIRE_NX) && (*flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
        reply_error(c, "NX and XX, GT or LT options at the same time are not compatible");
        return -1;
    }
    if ((*flags & EXPIRE_GT) && (*flags & EXPIRE_LT)) {
        reply_error(c, "GT and LT options at the same time are not compatible");
        return -1;
    }
    return 0;
}

/* The absolute expire time in ms, or -1 after replying (not an integer,
 * or an overflow in the unit conversion or the addition of basetime). */
static int parse_expire_time(struct client *c, long long basetime, int seconds, long long *when)
{
    long long v;
    if (numconv_to_ll(KEY(c, 2), &v) < 0) {
        reply_error_not_integer(c);
        return -1;
    }
    int overflow = seconds && (v > LLONG_MAX / 1000 || v < LLONG_MIN / 1000);
    if (!overflow && seconds)
        v *= 1000;
    if (overflow || v > LLONG_MAX - basetime) {
        reply_error_fmt(c, "invalid expire time in '%s' command", c->cmd->fullname);
        return -1;
    }
    *when = v + basetime;
    return 0;
}

/* Whether NX/XX/GT/LT let the new time replace current (-1: no TTL, which
 * counts as infinite for GT and LT). */
static int flags_allow(int flags, long long current, long long when)
{
    if ((flags & EXPIRE_NX) && current != -1)
        return 0;
    if ((flags & EXPIRE_XX) && current == -1)
        return 0;
    if ((flags & EXPIRE_GT) && (current == -1 || when <= current))
        return 0;
    if ((flags & EXPIRE_LT) && current != -1 && when >= current)
        return 0;
    return 1;
}

static void expire_generic(struct client *c, long long basetime, int seconds)
{
    int flags;
    long long when;
    if (parse_expire_flags(c, &flags) < 0 || parse_expire_time(c, basetime, seconds, &when) < 0)
        return;
    if (!db_lookup_write(c->db, KEY(c, 1)) ||
        !flags_allow(flags, db_get_expire(c->db, KEY(c, 1)), when)) {
        reply_ll(c, 0);
        return;
    }
    /* Replicas get an absolute time, or the deletion it caused. */
    if (when <= server.mstime && !server.loading && !server_is_replica()) {
        db_delete(c->db, KEY(c, 1));
        db_signal_modified_key(c, c->db, KEY(c, 1));
        notify_keyspace_event(NOTIFY_GENERIC, "del", KEY(c, 1), c->db->id);
        propagate_rewrite_key(c, propagate_expire_del_name(), KEY(c, 1), -1);
    } else {
        db_set_expire(c, c->db, KEY(c, 1), when);
        db_signal_modified_key(c, c->db, KEY(c, 1));
        notify_keyspace_event(NOTIFY_GENERIC, "expire", KEY(c, 1), c->db->id);
        propagate_rewrite_key(c, "PEXPIREAT", KEY(c, 1), when);
    }
    server.dirty++;
    reply_ll(c, 1);
}

static void expire_command(struct client *c)
{
    expire_generic(c, server.mstime, 1);
}

static void pexpire_command(struct client *c)
{
    expire_generic(c, server.mstime, 0);
}

static void expireat_command(struct client *c)
{
    expire_generic(c, 0, 1);
}

static void pexpireat_command(struct client *c)
{
    expire_generic(c, 0, 0);
}

/* -2 for a missing key, -1 without a TTL, else the remaining time (or the
 * absolute expire time) in ms or rounded to seconds. */
static void ttl_generic(struct client *c, int in_ms, int absolute)
{
    if (!db_lookup(c->db, KEY(c, 1), LOOKUP_NOTOUCH)) {
        reply_ll(c, -2);
        return;
    }
    long long expire = db_get_expire(c->db, KEY(c, 1));
    if (expire == -1) {
        reply_ll(c, -1);
        return;
    }
    /* A replica may hold times already past (even negative ones): 0. */
    long long t = absolute ? expire : (expire > server.mstime ? expire - server.mstime : 0);
    if (t < 0)
        t = 0;
    /* Rounded with unsigned arithmetic: a time near LLONG_MAX wraps as it
     * does in Redis instead of overflowing. */
    reply_ll(c, in_ms ? t : (long long)((unsigned long long)t + 500) / 1000);
}

static void ttl_command(struct client *c)
{
    ttl_generic(c, 0, 0);
}

static void pttl_command(struct client *c)
{
    ttl_generic(c, 1, 0);
}

static void expiretime_command(struct client *c)
{
    ttl_generic(c, 0, 1);
}

static void pexpiretime_command(struct client *c)
{
    ttl_generic(c, 1, 1);
}

static void persist_command(struct client *c)
{
    if (!db_lookup_write(c->db, KEY(c, 1)) || !db_remove_expire(c->db, KEY(c, 1))) {
        reply_ll(c, 0);
        return;
    }
    db_signal_modified_key(c, c->db, KEY(c, 1));
    notify_keyspace_event(NOTIFY_GENERIC, "persist", KEY(c, 1), c->db->id);
    server.dirty++;
    reply_ll(c, 1);
}

struct command ttl_commands[] = {
    {.name = "expire", .proc = expire_command, .arity = -3, .flags = "write fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "1.0.0", .summary = "Set a key's time to live in seconds", .complexity = "O(1)"},
    {.name = "pexpire", .proc = pexpire_command, .arity = -3, .flags = "write fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "2.6.0", .summary = "Set a key's time to live in milliseconds",
     .complexity = "O(1)"},
    {.name = "expireat", .proc = expireat_command, .arity = -3, .flags = "write fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "1.2.0", .summary = "Set the expiration for a key as a UNIX timestamp",
     .complexity = "O(1)"},
    {.name = "pexpireat", .proc = pexpireat_command, .arity = -3, .flags = "write fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "2.6.0",
     .summary = "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
     .complexity = "O(1)"},
    {.name = "ttl", .proc = ttl_command, .arity = 2, .flags = "readonly fast", .acl = "@keyspace",
     .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "1.0.0",
     .summary = "Get the time to live for a key in seconds", .complexity = "O(1)"},
    {.name = "pttl", .proc = pttl_command, .arity = 2, .flags = "readonly fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "2.6.0", .summary = "Get the time to live for a key in milliseconds",
     .complexity = "O(1)"},
    {.name = "expiretime", .proc = expiretime_command, .arity = 2, .flags = "readonly fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "7.0.0", .summary = "Get the expiration Unix timestamp for a key",
     .complexity = "O(1)"},
    {.name = "pexpiretime", .proc = pexpiretime_command, .arity = 2, .flags = "readonly fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "7.0.0", .summary = "Get the expiration Unix timestamp for a key in milliseconds",
     .complexity = "O(1)"},
    {.name = "persist", .proc = persist_command, .arity = 2, .flags = "write fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "2.2.0", .summary = "Remove the expiration from a key", .complexity = "O(1)"},
    {0},
};
