/* state — the sentinel's configuration file: loading it, and rewriting it
 * whenever the state changes.
 *
 * The file holds both the operator's settings and the state the sentinel
 * learns (myid, epochs, known replicas and sentinels), in redis-sentinel's
 * directive syntax so either daemon can read the other's file.  A rewrite
 * keeps every line that is not a `sentinel` directive as it was and
 * appends the whole sentinel block, then replaces the file atomically
 * (temporary file, fsync, rename, fsync of the directory): after a crash
 * the file is either the old or the new state, never a mix.
 */
#ifndef VIGIL_SENTINEL_STATE_H
#define VIGIL_SENTINEL_STATE_H

#include "vstr.h"

/* A cfgfile_directive_fn (config_file.h) for every directive we accept. */
int state_directive(void *ctx, const char *file, int line, int argc, vstr *argv, vstr *msg);
/* Applies one `sentinel ...` directive given as arguments after "sentinel";
 * NULL on success or the error text. */
const char *state_sentinel_directive(int argc, vstr *argv);

/* The `sentinel ...` lines describing the current state. */
vstr state_render(vstr out);
/* Writes text to path atomically.  0 or -1 with errno set. */
int state_write_atomic(const char *path, const char *text, size_t len);
/* Rebuilds the config file from its non-sentinel lines plus state_render().
 * 0, or -1 after logging why. */
int state_flush(void);

#endif
