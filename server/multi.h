/* multi — transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * Inside MULTI the dispatcher hands every command that passed its checks
 * to multi_queue_command() instead of running it; EXEC then runs the queue
 * through commands_call() with nothing in between.  WATCH records keys per
 * db; any modification of one (including expiry and FLUSH/SWAPDB, reported
 * through db.c's hooks) marks the watching clients CLIENT_DIRTY_CAS and
 * their EXEC replies nil.  A rejected command while queueing marks
 * CLIENT_DIRTY_EXEC and EXEC replies EXECABORT.
 */
#ifndef VIGIL_MULTI_H
#define VIGIL_MULTI_H

#include "commands.h"

#include <stdint.h>

struct client;

extern struct command multi_commands[];

/* Registers the db and client-release hooks; called once at startup. */
void multi_init(void);

/* 1 if cmd runs at once inside MULTI instead of being queued (EXEC,
 * DISCARD, MULTI, WATCH, QUIT, RESET). */
int multi_runs_immediately(const struct command *cmd);
/* Queues c's current command (copying its arguments) and replies +QUEUED. */
void multi_queue_command(struct client *c);
/* 1 if cmd is EXEC. */
int multi_is_exec(const struct command *cmd);
/* The union of the queued commands' flags: EXEC writes if they do. */
uint64_t multi_queued_flags(const struct client *c);
/* The dispatcher rejected EXEC itself: discard any transaction and reply
 * "-EXECABORT Transaction discarded because of: <error>". */
void multi_abort_exec(struct client *c, const char *error);

/* Discards the transaction and unwatches every key, without replying
 * (RESET, client release). */
void multi_reset_client(struct client *c);
/* Commands queued (CLIENT LIST multi=), or -1 outside MULTI. */
long multi_queued_count(const struct client *c);

#endif
