/* aof_manifest — the list of files that make up a multi-part AOF.
 *
 * Redis 7.0 keeps the AOF as a directory (appenddirname) holding one base
 * file (a snapshot: RDB or AOF format), the incremental files written
 * since that snapshot, and history files waiting to be deleted.  The
 * manifest names them, one per line, in Redis's exact format:
 *
 *     file appendonly.aof.3.base.rdb seq 3 type b
 *     file appendonly.aof.5.incr.aof seq 5 type i
 *
 * This module parses and formats that text, generates the file names, and
 * reads/writes the manifest file atomically.  It knows nothing about the
 * running server, so it is tested on its own.
 */
#ifndef VIGIL_AOF_MANIFEST_H
#define VIGIL_AOF_MANIFEST_H

#include "vstr.h"

#include <stddef.h>

enum aof_file_type { AOF_FILE_BASE = 'b', AOF_FILE_HISTORY = 'h', AOF_FILE_INCR = 'i' };

struct aof_file {
    vstr name;
    long long seq;
    char type;
};

struct aof_manifest {
    struct aof_file *base; /* NULL when there is none */
    struct aof_file *incr; /* in sequence order; the last one receives writes */
    int incr_count;
    struct aof_file *history;
    int history_count;
    long long base_seq; /* highest sequence numbers handed out so far */
    long long incr_seq;
};

struct aof_manifest *aof_manifest_new(void);
void aof_manifest_free(struct aof_manifest *m);
struct aof_manifest *aof_manifest_dup(const struct aof_manifest *m);

/* Parses manifest text; NULL with a message in *err when malformed. */
struct aof_manifest *aof_manifest_parse(const char *text, size_t len, vstr *err);
/* The manifest's text: base, then history, then incremental files. */
vstr aof_manifest_format(const struct aof_manifest *m);

/* Starts a new base file named after prefix (appendfilename); the previous
 * base becomes history.  Returns the new name (owned by the manifest). */
const char *aof_manifest_new_base(struct aof_manifest *m, const char *prefix, int rdb);
/* Appends a new incremental file; returns its name (owned by the manifest). */
const char *aof_manifest_new_incr(struct aof_manifest *m, const char *prefix);
/* After a rewrite: incremental files the new base covers become history —
 * all of them but the last, or all when keep_last is 0. */
void aof_manifest_incr_to_history(struct aof_manifest *m, int keep_last);
/* Forgets the history entries (their files are being deleted). */
void aof_manifest_clear_history(struct aof_manifest *m);
/* The incremental file receiving writes, NULL if none. */
const char *aof_manifest_last_incr(const struct aof_manifest *m);

/* "<prefix>.manifest" */
vstr aof_manifest_filename(const char *prefix);
/* Reads dir/<prefix>.manifest: 1 with *out set, 0 when it does not exist,
 * -1 with *err on a read or format error. */
int aof_manifest_load(const char *dir, const char *prefix, struct aof_manifest **out, vstr *err);
/* Writes the manifest through a temporary file, fsync and rename, so a
 * crash leaves either the old or the new manifest.  0 or -1 (errno set). */
int aof_manifest_persist(const char *dir, const char *prefix, const struct aof_manifest *m);

#endif
