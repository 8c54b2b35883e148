/* bio — background I/O and freeing.
 *
 * One worker thread runs jobs the event loop must not wait for: freeing
 * large values and whole keyspaces (UNLINK, FLUSHALL ASYNC), and later
 * fsync/close for the AOF.  Jobs run in submission order.
 */
#ifndef VIGIL_BIO_H
#define VIGIL_BIO_H

#include <stddef.h>

typedef void bio_fn(void *arg1, void *arg2);

void bio_init(void);
void bio_submit(bio_fn *fn, void *arg1, void *arg2);
/* Jobs queued or running (INFO lazyfree_pending_objects, tests). */
size_t bio_pending(void);
/* Blocks until the queue is empty (shutdown, DEBUG, tests). */
void bio_drain(void);

#endif
