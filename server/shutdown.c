/* shutdown — SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]; see shutdown.h.
 *
 * The sequence is synchronous: SHUTDOWN runs it inside the command and the
 * process exits when it succeeds, so the caller sees its connection close
 * and no reply.  When it fails (a save that could not be written, without
 * FORCE) the server keeps running and the caller gets an error.  There is
 * no waiting for replicas to catch up yet, so a shutdown is never "in
 * progress" for ABORT to cancel.
 */
#include "shutdown.h"

#include "client.h"
#include "log.h"
#include "reply.h"
#include "server.h"

#include <stdlib.h>

static shutdown_save_fn *save_hook;

void shutdown_set_save_hook(shutdown_save_fn *fn)
{
    save_hook = fn;
}

int shutdown_save(int flags)
{
    if (!save_hook || save_hook(flags) == 0)
        return 0;
    if (flags & SHUTDOWN_FORCE) {
        log_warning("Error trying to save the DB, exiting anyway (FORCE).");
        return 0;
    }
    log_warning("Error trying to save the DB, can't exit.");
    return -1;
}

#define SHUTDOWN_ABORT_FLAG 16

/* Flags from the arguments; -1 for an unknown word or a bad combination
 * (SAVE with NOSAVE, ABORT with anything else). */
static int parse_flags(struct client *c)
{
    int flags = 0;
    for (int i = 1; i < c->argc; i++) {
        if (client_arg_is(c, i, "nosave"))
            flags |= SHUTDOWN_NOSAVE;
        else if (client_arg_is(c, i, "save"))
            flags |= SHUTDOWN_SAVE;
        else if (client_arg_is(c, i, "now"))
            flags |= SHUTDOWN_NOW;
        else if (client_arg_is(c, i, "force"))
            flags |= SHUTDOWN_FORCE;
        else if (client_arg_is(c, i, "abort"))
            flags |= SHUTDOWN_ABORT_FLAG;
        else
            return -1;
    }
    if ((flags & SHUTDOWN_SAVE) && (flags & SHUTDOWN_NOSAVE))
        return -1;
    if ((flags & SHUTDOWN_ABORT_FLAG) && flags != SHUTDOWN_ABORT_FLAG)
        return -1;
    return flags;
}

static void shutdown_command(struct client *c)
{
    int flags = parse_flags(c);
    if (flags < 0) {
        reply_error_syntax(c);
        return;
    }
    if (flags & SHUTDOWN_ABORT_FLAG) {
        reply_error(c, "No shutdown in progress.");
        return;
    }
    /* A server still loading its data has nothing consistent to save. */
    if (server.loading)
        flags = (flags & ~SHUTDOWN_SAVE) | SHUTDOWN_NOSAVE;
    if (server_prepare_shutdown(flags) < 0) {
        reply_error(c, "Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    exit(0);
}

struct command shutdown_commands[] = {
    {.name = "shutdown", .proc = shutdown_command, .arity = -1,
     .flags = "admin noscript loading stale no_multi allow_busy", .acl = "", .group = "server",
     .since = "1.0.0",
     .summary = "Synchronously save the dataset to disk and then shut down the server",
     .complexity = "O(N) when saving, where N is the total number of keys in all databases "
                   "when saving data, otherwise O(1)"},
    {0},
};
