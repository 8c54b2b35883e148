/* aof — the append-only file, as Redis 7.0 lays it out.
 *
 * Every write the propagation layer emits (propagate.h) is appended, in
 * RESP, to an in-memory buffer; before the loop sleeps the buffer is
 * written to the current incremental file of the AOF directory and, by
 * `appendfsync`, fsynced at once (always: before any reply goes out), once
 * a second from the bio thread (everysec), or never (no).
 *
 * The directory's files are named by the manifest (aof_manifest.h).  This
 * module owns the manifest and every transition of the files: opening the
 * incremental file at start, switching to a fresh one when a rewrite
 * starts (so the child's snapshot and the parent's new writes never mix:
 * no rewrite buffer), and installing the child's base file when it ends.
 * The child process itself, the base file writers and BGREWRITEAOF live
 * in aof_rewrite.c; reading files back lives in aof_load.c.
 *
 * Start-up order (main.c): aof_init(), then aof_load_at_start() when
 * `appendonly yes` (instead of the RDB file), then aof_open_at_start().
 */
#ifndef VIGIL_AOF_H
#define VIGIL_AOF_H

#include "vstr.h"

enum aof_state {
    AOF_OFF,
    AOF_ON,
    /* Turned on at runtime: waiting for the first rewrite to produce a
     * base; writes meanwhile go to a temporary incremental file. */
    AOF_WAIT_REWRITE,
};

/* Reads the manifest if the directory has one, registers CONFIG SET hooks. */
void aof_init(void);
/* Loads the dataset from the AOF; 0, or -1 (logged) when the server must
 * not start. */
int aof_load_at_start(void);
/* With `appendonly yes`: creates a base if there is none, opens the
 * incremental file and starts logging writes.  Exits on failure. */
void aof_open_at_start(void);

/* Writes (and fsyncs, by policy) the buffer; called before replies are
 * flushed.  force ignores a pending background fsync. */
void aof_flush(int force);
/* Once per cron tick: pending fsyncs, write retries, rewrite scheduling. */
void aof_cron(void);
/* SHUTDOWN: stops a rewrite, writes and fsyncs everything. */
void aof_shutdown(void);

enum aof_state aof_get_state(void);
/* The AOF directory (appenddirname, relative to `dir`). */
const char *aof_dir(void);
/* Creates the AOF directory when missing; 0 or -1 (logged). */
int aof_ensure_dir(void);

/* For aof_rewrite.c, around the child: before the fork, starts a fresh
 * incremental file; after success, installs the base written to tmp_path
 * (rdb says its format); after a failure, drops what the start created. */
int aof_rewrite_prepare(void);
int aof_rewrite_install(const char *tmp_path, int rdb);
void aof_rewrite_abandon(void);

/* INFO persistence: the aof_* lines. */
vstr aof_info(vstr s);

#endif
