/* aof_load — reading AOF files back into the dataset.
 *
 * A file is a sequence of commands in RESP multibulk form, possibly
 * preceded by an RDB image (a base written with aof-use-rdb-preamble) and
 * interleaved with annotation lines starting with '#' (`#TS:<unix time>`
 * when aof-timestamp-enabled).  The reader below only parses; the loader
 * replays each command through a connectionless client, holding back the
 * commands of a MULTI until its EXEC so that a transaction cut off by a
 * crash is dropped as a whole.
 *
 * A file that ends in the middle of a command (a crash during a write) is
 * "truncated": when it is the last file and aof-load-truncated is on, what
 * precedes the broken command is kept and the file is cut there.
 */
#ifndef VIGIL_AOF_LOAD_H
#define VIGIL_AOF_LOAD_H

#include "aof_manifest.h"
#include "vstr.h"

#include <stdio.h>

enum aof_read_result {
    AOF_READ_CMD,       /* *argc / *argv hold a command */
    AOF_READ_EOF,       /* clean end of file */
    AOF_READ_TRUNCATED, /* the file ends inside a command */
    AOF_READ_BAD_FORMAT,
    AOF_READ_IO_ERROR,
};

struct aof_reader {
    FILE *fp;
    long long offset;       /* bytes consumed so far */
    long long max_bulk_len; /* larger arguments are a format error */
};

void aof_reader_init(struct aof_reader *r, FILE *fp, long long offset, long long max_bulk_len);
/* Reads the next command, skipping annotations.  On AOF_READ_CMD the
 * caller owns *argv (free with aof_argv_free). */
enum aof_read_result aof_reader_next(struct aof_reader *r, int *argc, vstr **argv);
void aof_argv_free(int argc, vstr *argv);

enum aof_load_status {
    AOF_LOAD_OK,
    AOF_LOAD_EMPTY,     /* the files exist but hold nothing */
    AOF_LOAD_NOT_EXIST, /* the manifest lists no file */
    AOF_LOAD_TRUNCATED, /* loaded, after cutting a broken tail */
    AOF_LOAD_FAILED,
};

/* Replays every file of the manifest in dir: base, then incremental files.
 * *total_size receives the bytes of all files, *base_size the base's. */
enum aof_load_status aof_load_manifest(const struct aof_manifest *m, const char *dir,
                                       long long *total_size, long long *base_size);

#endif
