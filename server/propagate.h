/* propagate — the single stream of effects that the AOF and replicas see.
 *
 * After a command changes the dataset (server.dirty moved), its arguments
 * — or a deterministic rewrite of them — are queued; side effects found
 * while it ran (a lazily expired key, a blocked client served) queue
 * their own commands before it.  When the outermost command returns the
 * queue goes to every sink, wrapped in MULTI/EXEC when it holds more than
 * one command, so a transaction or a command with side effects stays
 * atomic downstream.
 */
#ifndef VIGIL_PROPAGATE_H
#define VIGIL_PROPAGATE_H

#include "resp.h"
#include "vstr.h"

struct client;

/* A sink receives each command with the db it applies to. */
typedef void propagate_sink_fn(int dbid, int argc, const struct resp_arg *argv);
void propagate_register_sink(propagate_sink_fn *fn);
void propagate_unregister_sink(propagate_sink_fn *fn);
/* True when something listens: callers may skip building rewrites. */
int propagate_active(void);

/* Queues a command (the arguments are copied). */
void propagate_also(int dbid, int argc, const struct resp_arg *argv);
/* Propagates argv instead of the client's own arguments (ownership of the
 * vstrs passes to the propagator). */
void propagate_rewrite(struct client *c, int argc, vstr *argv);
/* The same from borrowed arguments, copied (nothing when no sink listens). */
void propagate_rewrite_args(struct client *c, int argc, const struct resp_arg *argv);
/* Rewrites the command as `<cmd> <key> <num>` (PEXPIREAT with a time, LPOP
 * with a count, ...) or, with num < 0, `<cmd> <key>` (DEL, PERSIST, LPOP). */
void propagate_rewrite_key(struct client *c, const char *cmd, const char *key, size_t klen,
                           long long ms);
/* The name of the command that deletes a key the way the lazyfree
 * setting for expiry says: "UNLINK" or "DEL". */
const char *propagate_expire_del_name(void);
/* This execution of the command must not be propagated. */
void propagate_prevent(struct client *c);
/* This execution is propagated even if it changed nothing (FLUSHALL on an
 * empty data set still empties the replicas'). */
void propagate_force(struct client *c);

/* Called by the dispatcher around every command. */
void propagate_command_start(void);
void propagate_command_end(struct client *c, long long dirty);
/* Flushes what is queued outside any command (active expiry, cron). */
void propagate_flush(void);

#endif
