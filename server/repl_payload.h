/* repl_payload — the data set as a full sync ships it: an RDB image built
 * in memory on the primary, and loaded from memory on the replica.  The
 * primary shares one image among every replica syncing from the same
 * offset (a reference count), so a burst of replicas costs one snapshot.
 */
#ifndef VIGIL_REPL_PAYLOAD_H
#define VIGIL_REPL_PAYLOAD_H

#include "vstr.h"

#include <stddef.h>

struct repl_payload {
    vstr data;
    int refs;
};

/* A snapshot of every database, with one reference; NULL on failure. */
struct repl_payload *repl_payload_build(void);
void repl_payload_retain(struct repl_payload *p);
void repl_payload_release(struct repl_payload *p);

/* Replaces the data set with the RDB image at p: 0, or -1 (logged) with the
 * databases emptied. */
int repl_payload_load(const char *p, size_t len);

#endif
