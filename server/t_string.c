/* t_string — string commands over the int/embstr/raw encodings. */
#include "t_string.h"

#include "client.h"
#include "db.h"
#include "reply.h"
#include "server.h"

static void get_command(struct client *c)
{
    vobj *o = db_lookup_read_or_reply(c, client_arg(c, 1), client_arg_len(c, 1), -1);
    if (!o)
        return;
    if (o->type != OBJ_STRING) {
        reply_error_wrongtype(c);
        return;
    }
    reply_bulk_obj(c, o);
}

static void set_command(struct client *c)
{
    vobj *val = obj_new_string_encoded(client_arg(c, 2), client_arg_len(c, 2));
    db_set_key(c, c->db, client_arg(c, 1), client_arg_len(c, 1), val, 0);
    server.dirty++;
    reply_ok(c);
}

struct command string_commands[] = {
    {.name = "get", .proc = get_command, .arity = 2, .flags = "readonly fast", .acl = "@string",
     .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
     .summary = "Get the value of a key", .complexity = "O(1)"},
    {.name = "set", .proc = set_command, .arity = -3, .flags = "write denyoom", .acl = "@string",
     .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
     .summary = "Set the string value of a key", .complexity = "O(1)"},
    {0},
};
