/* rdb — the RDB serialization format (version 10, as Redis 7.0 writes it).
 *
 * This module only encodes and decodes: values to bytes and back, and a
 * whole data set to a stream and back.  Where the bytes go is abstract: a
 * writer is a `struct rdb_out` (a write callback plus a running CRC-64) and a
 * reader a `struct rdb_in` (a read callback, the CRC and the byte offset),
 * so the same code serves a file (SAVE, load at start), a buffer (DUMP,
 * RESTORE) or a pipe or socket (replication).  snapshot.c drives files and
 * child processes; dump.c the DUMP/RESTORE payloads.
 *
 * Everything read is untrusted: every length, count and blob is checked,
 * and a failure leaves a message and the offset in the reader instead of a
 * crash or a half-built value.
 */
#ifndef VIGIL_RDB_H
#define VIGIL_RDB_H

#include "object.h"
#include "vstr.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RDB_VERSION 10

/* Value types as they appear before a key (and first in a DUMP payload). */
enum rdb_type {
    RDB_TYPE_STRING = 0,
    RDB_TYPE_LIST = 1,
    RDB_TYPE_SET = 2,
    RDB_TYPE_ZSET = 3,
    RDB_TYPE_HASH = 4,
    RDB_TYPE_ZSET_2 = 5,
    RDB_TYPE_MODULE = 6,
    RDB_TYPE_MODULE_2 = 7,
    RDB_TYPE_HASH_ZIPMAP = 9,
    RDB_TYPE_LIST_ZIPLIST = 10,
    RDB_TYPE_SET_INTSET = 11,
    RDB_TYPE_ZSET_ZIPLIST = 12,
    RDB_TYPE_HASH_ZIPLIST = 13,
    RDB_TYPE_LIST_QUICKLIST = 14,
    RDB_TYPE_STREAM_LISTPACKS = 15,
    RDB_TYPE_HASH_LISTPACK = 16,
    RDB_TYPE_ZSET_LISTPACK = 17,
    RDB_TYPE_LIST_QUICKLIST_2 = 18,
    RDB_TYPE_STREAM_LISTPACKS_2 = 19,
};

/* Opcodes that share the type byte's position. */
enum rdb_opcode {
    RDB_OPCODE_FUNCTION2 = 245,
    RDB_OPCODE_FUNCTION = 246,
    RDB_OPCODE_MODULE_AUX = 247,
    RDB_OPCODE_IDLE = 248,
    RDB_OPCODE_FREQ = 249,
    RDB_OPCODE_AUX = 250,
    RDB_OPCODE_RESIZEDB = 251,
    RDB_OPCODE_EXPIRETIME_MS = 252,
    RDB_OPCODE_EXPIRETIME = 253,
    RDB_OPCODE_SELECTDB = 254,
    RDB_OPCODE_EOF = 255,
};

/* ---- writing ---- */

/* Writes len bytes: 0, or -1 on an error (the whole save then fails). */
typedef int rdb_write_fn(void *ctx, const void *p, size_t len);

struct rdb_out {
    rdb_write_fn *write;
    void *ctx;
    uint64_t crc;   /* CRC-64 of every byte written, when checksum is set */
    int checksum;   /* keep crc up to date (rdbchecksum) */
    int compress;   /* LZF-compress long strings (rdbcompression) */
    uint64_t bytes; /* written so far */
    long long keys; /* key/value pairs written so far */
    /* Microseconds to sleep after each key (rdb-key-save-delay, tests only). */
    long long key_delay_us;
};

/* A writer with checksum and compression taken from rdbchecksum and
 * rdbcompression; callers may change both before writing. */
void rdb_out_init(struct rdb_out *out, rdb_write_fn *fn, void *ctx);
/* Writers appending to a vstr (*buf, which may move) or to a stdio stream. */
void rdb_out_init_buffer(struct rdb_out *out, vstr *buf);
void rdb_out_init_file(struct rdb_out *out, FILE *fp);

int rdb_write_raw(struct rdb_out *out, const void *p, size_t len);
int rdb_write_type(struct rdb_out *out, unsigned char type);
int rdb_write_len(struct rdb_out *out, uint64_t len);
/* A string the way Redis stores one: a compact integer when it is a short
 * canonical integer, LZF when compression is on and it pays, else raw. */
int rdb_write_string(struct rdb_out *out, const void *p, size_t len);

/* The RDB type byte a value is saved with, or -1 for an unknown type. */
int rdb_value_type(const vobj *o);
/* The value's body (what follows its type byte and key). */
int rdb_write_value(struct rdb_out *out, const vobj *o);
/* One key: expire (-1: none), access-time opcode when a maxmemory policy
 * tracks it, type, key and value. */
int rdb_write_key_value(struct rdb_out *out, const char *key, size_t klen, const vobj *o,
                        long long expire_ms);
/* A complete file: magic and version, AUX fields, every non-empty
 * database, EOF and the CRC-64 trailer (0 when checksum is off). */
int rdb_write_dataset(struct rdb_out *out);

/* ---- reading ---- */

/* Reads up to len bytes into buf, returning how many were read; fewer than
 * len means end of input or an error. */
typedef size_t rdb_read_fn(void *ctx, void *buf, size_t len);

#define RDB_ERR_LEN 160

struct rdb_in {
    rdb_read_fn *read;
    void *ctx;
    uint64_t crc;
    int checksum;
    uint64_t pos; /* bytes consumed: the offset errors are reported at */
    /* Set on the first error; pos then points just past the bad bytes. */
    char err[RDB_ERR_LEN];
    int empty_key; /* the last value read had no elements (skipped, not fatal) */
    /* Blobs are always validated in full; this only says whether each one
     * counts in INFO's dump_payload_sanitizations (sanitize-dump-payload). */
    int count_sanitizations;
    /* Called about every progress_every bytes (load-at-start progress log). */
    void (*progress)(struct rdb_in *in);
    void *progress_ctx;
    uint64_t progress_every, next_progress;
};

void rdb_in_init(struct rdb_in *in, rdb_read_fn *fn, void *ctx);
/* A reader over len bytes at p (which must outlive it). */
struct rdb_in_buffer {
    const unsigned char *p;
    size_t len, off;
};
void rdb_in_init_buffer(struct rdb_in *in, struct rdb_in_buffer *src, const void *p, size_t len);
void rdb_in_init_file(struct rdb_in *in, FILE *fp);

/* Exactly len bytes, or -1 (end of input is an error). */
int rdb_read_raw(struct rdb_in *in, void *buf, size_t len);
int rdb_read_type(struct rdb_in *in);
/* 0 with *len set, or -1.  *encoded (may be NULL) is set for the special
 * string encodings, and *len is then the encoding number. */
int rdb_read_len(struct rdb_in *in, uint64_t *len, int *encoded);
/* A string of any encoding as a new vstr, or NULL. */
vstr rdb_read_string(struct rdb_in *in);
/* The rest of a string whose length header (len, encoded) was read. */
vstr rdb_read_string_body(struct rdb_in *in, uint64_t len, int encoded);

/* A value of the given RDB type as a new object, validated (duplicates
 * included) and in the encoding the size limits call for.  NULL on an
 * error (in->err) or for an empty collection (in->empty_key set). */
vobj *rdb_read_value(struct rdb_in *in, int type);
/* 1 when type is a value type this reader knows about at all. */
int rdb_is_value_type(int type);

struct rdb_load_stats {
    long long keys_loaded;
    long long keys_expired;
    long long ctime;    /* the "ctime" AUX field, or -1 */
    long long used_mem; /* the "used-mem" AUX field, or -1 */
    char version[32];   /* the "redis-ver" AUX field, or "" */
    char repl_id[41];   /* the "repl-id" AUX field, or "" */
    long long repl_offset; /* the "repl-offset" AUX field, or -1 */
};

/* Reads a whole file into the (empty) databases.  Keys already expired
 * are dropped when expire_keys is set (a primary).  0, or -1 with in->err
 * set; the databases may then hold part of the data and must be emptied. */
int rdb_read_dataset(struct rdb_in *in, int expire_keys, struct rdb_load_stats *stats);

/* Sets a value's LRU clock or LFU counter from a file's IDLE (seconds) or
 * FREQ opcode, or RESTORE's IDLETIME/FREQ; -1 for "not given" (then as for
 * a new value). */
#define RDB_LFU_INIT_VAL 5
void rdb_set_access_time(vobj *o, long long idle_s, int freq);

/* Records an error at the current offset (the first one wins); -1. */
int rdb_fail(struct rdb_in *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
