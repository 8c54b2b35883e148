/* repl_payload — the data set as a full sync ships it: an RDB image that a
 * forked child writes into a pipe while the primary keeps serving; the
 * primary collects it in memory and replicas are sent what has arrived so
 * far (a diskless `$EOF:` transfer starts at once, a `$<len>` one when the
 * image is complete).  One image serves every replica syncing from the same
 * offset (a reference count).  On the replica side, an image received in
 * memory is loaded from there.
 */
#ifndef VIGIL_REPL_PAYLOAD_H
#define VIGIL_REPL_PAYLOAD_H

#include "vstr.h"

#include <ev.h>
#include <stddef.h>
#include <sys/types.h>

enum repl_payload_state { REPL_PAYLOAD_BUILDING, REPL_PAYLOAD_DONE, REPL_PAYLOAD_FAILED };

struct repl_payload;
/* More bytes arrived, or the image is done or failed. */
typedef void repl_payload_fn(struct repl_payload *p);

struct repl_payload {
    vstr data; /* the image so far */
    enum repl_payload_state state;
    int refs;
    repl_payload_fn *notify;
    /* The child writing it. */
    pid_t pid;
    int fd;
    ev_io reader;
    ev_child child;
    int pipe_closed, child_status, child_done;
};

/* Forks the writer of a snapshot of every database, with one reference;
 * NULL (logged) when the fork fails. */
struct repl_payload *repl_payload_start(repl_payload_fn *notify);
void repl_payload_retain(struct repl_payload *p);
/* The last release of an image still being written kills its child. */
void repl_payload_release(struct repl_payload *p);

/* Replaces the data set with the RDB image at p: 0, or -1 (logged) with the
 * databases emptied. */
int repl_payload_load(const char *p, size_t len);

#endif
