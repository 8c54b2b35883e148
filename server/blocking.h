/* blocking — clients parked on keys until a value arrives or time runs out.
 *
 * A blocking command (BLPOP, BLMOVE, BZPOPMIN...) that finds nothing to pop
 * calls blocking_block(): the client stops reading commands and waits, in
 * FIFO order with the other clients, on each of its keys.  Any modification
 * of a waited-on key marks it ready; after the command that modified it
 * finishes (after EXEC for a transaction), every ready key whose value has
 * the awaited type is offered to its waiting clients, oldest first, through
 * the serve function the command registered, until the value runs out.
 * Serving can make other keys ready (BLMOVE), which are served in turn.
 *
 * A served, timed-out or CLIENT UNBLOCKed client resumes reading its
 * pending input before the loop next sleeps.  Blocking is refused inside
 * MULTI/EXEC and for fake clients: the command then answers as its
 * non-blocking form would.
 */
#ifndef VIGIL_BLOCKING_H
#define VIGIL_BLOCKING_H

#include "object.h"

#include <stddef.h>
#include <stdint.h>

struct client;
struct db;

/* Serves client c, blocked by its own command (c->argv is that command,
 * owned by the client), from key, which now holds o: o has the awaited type
 * and is not empty.  Pops, replies and does the keyspace bookkeeping; on
 * failure it replies the error and leaves o as it found it.  The client is
 * unblocked afterwards either way. */
typedef void blocking_serve_fn(struct client *c, vobj *o, const char *key, size_t keylen);

void blocking_init(void);

/* 1 when c may not block (inside MULTI/EXEC, fake clients). */
int blocking_denied(const struct client *c);

/* Parses argument i as a timeout in seconds (fractions allowed) and sets
 * *deadline_ms to the absolute unix time in ms it ends at, 0 for "never".
 * Replies Redis's error and returns -1 when invalid. */
int blocking_parse_timeout(struct client *c, int i, long long *deadline_ms);

/* Blocks c on the nkeys keys argv[first_key..] until one of them holds a
 * value of the given type (then serve is called) or the deadline passes
 * (then the client gets a nil array).  Repeated keys count once. */
void blocking_block(struct client *c, enum obj_type type, int first_key, int nkeys,
                    long long deadline_ms, blocking_serve_fn *serve);

/* Marks key ready if a client waits on it; db hooks call this for every
 * modified key. */
void blocking_signal_key(struct db *db, const char *key, size_t len);

/* Serves the clients waiting on ready keys; the dispatcher calls this after
 * each top-level command.  Does nothing when called from within itself. */
void blocking_handle_ready_keys(void);

/* Before the loop sleeps: lets unblocked clients run their pending input. */
void blocking_before_sleep(void);

/* CLIENT UNBLOCK: ends the wait of client id as a timeout (nil array) or
 * with the -UNBLOCKED error.  1 if that client was blocked, else 0. */
int blocking_unblock_client(uint64_t id, int with_error);

/* Clients blocked right now (INFO blocked_clients). */
unsigned long blocking_count(void);

#endif
