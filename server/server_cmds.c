/* server_cmds — TIME and LASTSAVE. */
#include "server_cmds.h"

#include "client.h"
#include "mtime.h"
#include "reply.h"
#include "server.h"

/* The live clock, not the per-command cache: TIME must move on within a
 * transaction or script, as in Redis. */
static void time_command(struct client *c)
{
    long long now = mtime_ustime();
    reply_array_len(c, 2);
    reply_bulk_ll(c, now / 1000000);
    reply_bulk_ll(c, now % 1000000);
}

static void lastsave_command(struct client *c)
{
    reply_ll(c, server.lastsave);
}

struct command server_cmds_commands[] = {
    {.name = "time",
     .proc = time_command,
     .arity = 1,
     .flags = "loading stale fast",
     .tips = "nondeterministic_output",
     .group = "server",
     .since = "2.6.0",
     .summary = "Return the current server time",
     .complexity = "O(1)"},
    {.name = "lastsave",
     .proc = lastsave_command,
     .arity = 1,
     .flags = "loading stale fast",
     .acl = "@admin @dangerous",
     .tips = "nondeterministic_output",
     .group = "server",
     .since = "1.0.0",
     .summary = "Get the UNIX time stamp of the last successful save to disk",
     .complexity = "O(1)"},
    {0},
};
