/* keyspace — generic key commands. */
#include "keyspace.h"

#include "client.h"
#include "db.h"
#include "reply.h"
#include "server.h"

static void del_command(struct client *c)
{
    long long deleted = 0;
    for (int i = 1; i < c->argc; i++) {
        db_expire_if_needed(c->db, client_arg(c, i), client_arg_len(c, i));
        if (db_delete(c->db, client_arg(c, i), client_arg_len(c, i))) {
            db_signal_modified_key(c, c->db, client_arg(c, i), client_arg_len(c, i));
            server.dirty++;
            deleted++;
        }
    }
    reply_ll(c, deleted);
}

static void dbsize_command(struct client *c)
{
    reply_ll(c, (long long)db_size(c->db));
}

struct command keyspace_commands[] = {
    {.name = "del", .proc = del_command, .arity = -2, .flags = "write", .acl = "@keyspace",
     .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic", .since = "1.0.0",
     .summary = "Delete a key", .complexity = "O(N)"},
    {.name = "dbsize", .proc = dbsize_command, .arity = 1, .flags = "readonly fast",
     .acl = "@keyspace", .group = "server", .since = "1.0.0",
     .summary = "Return the number of keys in the selected database", .complexity = "O(1)"},
    {0},
};
