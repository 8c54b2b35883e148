/* rdb — RDB primitives (lengths, strings, LZF), the reader and writer
 * abstractions, and whole-file encoding and decoding; see rdb.h.  The
 * per-type value codecs are in rdb_value.c.
 *
 * Lengths: the top two bits of the first byte say 6-bit length (00),
 * 14-bit big-endian length (01), 32- or 64-bit big-endian length after a
 * 0x80 or 0x81 byte, or (11) a special string encoding in the low six bits:
 * an 8, 16 or 32-bit little-endian integer, or an LZF blob (compressed
 * length, original length, bytes).
 */
#include "rdb.h"

#include "config.h"
#include "crc64.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "numconv.h"
#include "server.h"

#include <limits.h>
#include <lzf.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

#define RDB_LEN_6BIT 0
#define RDB_LEN_14BIT 1
#define RDB_LEN_32BIT 0x80
#define RDB_LEN_64BIT 0x81
#define RDB_LEN_ENCVAL 3

/* Blobs are read in pieces of this size, so a forged length costs no
 * more memory than the bytes that really follow it. */
#define READ_CHUNK (1024 * 1024)
/* An LZF back-reference of 2 or 3 bytes expands to at most 264 bytes:
 * a claimed original length beyond this ratio is forged. */
#define LZF_MAX_RATIO 132

/* ---- writing ---- */

void rdb_out_init(struct rdb_out *out, rdb_write_fn *fn, void *ctx)
{
    memset(out, 0, sizeof *out);
    out->write = fn;
    out->ctx = ctx;
    out->checksum = cfg.rdbchecksum;
    out->compress = cfg.rdbcompression;
}

static int buffer_write(void *ctx, const void *p, size_t len)
{
    vstr *buf = ctx;
    *buf = vstr_cat(*buf, p, len);
    return 0;
}

void rdb_out_init_buffer(struct rdb_out *out, vstr *buf)
{
    rdb_out_init(out, buffer_write, buf);
}

static int file_write(void *ctx, const void *p, size_t len)
{
    return fwrite(p, 1, len, ctx) == len ? 0 : -1;
}

void rdb_out_init_file(struct rdb_out *out, FILE *fp)
{
    rdb_out_init(out, file_write, fp);
}

int rdb_write_raw(struct rdb_out *out, const void *p, size_t len)
{
    if (len == 0)
        return 0;
    if (out->write(out->ctx, p, len) < 0)
        return -1;
    if (out->checksum)
        out->crc = crc64(out->crc, p, len);
    out->bytes += len;
    return 0;
}

int rdb_write_type(struct rdb_out *out, unsigned char type)
{
    return rdb_write_raw(out, &type, 1);
}

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int rdb_write_len(struct rdb_out *out, uint64_t len)
{
    unsigned char buf[9];
    size_t n;
    if (len < (1 << 6)) {
        buf[0] = (unsigned char)len;
        n = 1;
    } else if (len < (1 << 14)) {
        buf[0] = (unsigned char)(RDB_LEN_14BIT << 6 | len >> 8);
        buf[1] = (unsigned char)len;
        n = 2;
    } else if (len <= UINT32_MAX) {
        buf[0] = RDB_LEN_32BIT;
        put_be(buf + 1, len, 4);
        n = 5;
    } else {
        buf[0] = RDB_LEN_64BIT;
        put_be(buf + 1, len, 8);
        n = 9;
    }
    return rdb_write_raw(out, buf, n);
}

/* The compact integer encoding of v into buf: its size, or 0 when v does
 * not fit 32 bits. */
static size_t encode_int(long long v, unsigned char *buf)
{
    int width;
    if (v >= INT8_MIN && v <= INT8_MAX)
        width = 1;
    else if (v >= INT16_MIN && v <= INT16_MAX)
        width = 2;
    else if (v >= INT32_MIN && v <= INT32_MAX)
        width = 4;
    else
        return 0;
    buf[0] = (unsigned char)(RDB_LEN_ENCVAL << 6 | (width == 1   ? RDB_ENC_INT8
                                                    : width == 2 ? RDB_ENC_INT16
                                                                 : RDB_ENC_INT32));
    put_le(buf + 1, (uint64_t)v, width);
    return 1 + (size_t)width;
}

/* Writes p as an LZF blob: 1 when written, 0 when it would not shrink by
 * at least 4 bytes (then nothing is written), -1 on a write error. */
static int write_lzf(struct rdb_out *out, const void *p, size_t len)
{
    unsigned char stack[4096];
    size_t cap = len - 4;
    unsigned char *buf = cap <= sizeof stack ? stack : mem_malloc(cap);
    unsigned comp = lzf_compress(p, (unsigned)len, buf, (unsigned)cap);
    int rc = 0;
    if (comp > 0) {
        unsigned char type = RDB_LEN_ENCVAL << 6 | RDB_ENC_LZF;
        rc = rdb_write_type(out, type) < 0 || rdb_write_len(out, comp) < 0 ||
                     rdb_write_len(out, len) < 0 || rdb_write_raw(out, buf, comp) < 0
                 ? -1
                 : 1;
    }
    if (buf != stack)
        mem_free(buf);
    return rc;
}

int rdb_write_string(struct rdb_out *out, const void *p, size_t len)
{
    long long v;
    unsigned char buf[5];
    if (len <= 11 && numconv_to_ll(p, len, &v) == 0) {
        size_t n = encode_int(v, buf);
        if (n)
            return rdb_write_raw(out, buf, n);
    }
    /* LZF needs the input to fit an unsigned int. */
    if (out->compress && len > 20 && len <= UINT32_MAX) {
        int rc = write_lzf(out, p, len);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
    }
    if (rdb_write_len(out, len) < 0)
        return -1;
    return rdb_write_raw(out, p, len);
}

static int write_aux(struct rdb_out *out, const char *key, const char *val)
{
    if (rdb_write_type(out, RDB_OPCODE_AUX) < 0 || rdb_write_string(out, key, strlen(key)) < 0)
        return -1;
    return rdb_write_string(out, val, strlen(val));
}

static int write_aux_ll(struct rdb_out *out, const char *key, long long v)
{
    char buf[32];
    buf[numconv_ll_to_str(buf, v)] = '\0';
    return write_aux(out, key, buf);
}

static int write_aux_fields(struct rdb_out *out)
{
    if (write_aux(out, "redis-ver", VIGIL_VERSION) < 0 ||
        write_aux_ll(out, "redis-bits", (long long)sizeof(void *) * 8) < 0 ||
        write_aux_ll(out, "ctime", (long long)time(NULL)) < 0 ||
        write_aux_ll(out, "used-mem", (long long)mem_used()) < 0 ||
        write_aux_ll(out, "repl-stream-db", 0) < 0 ||
        write_aux(out, "repl-id", server.replid) < 0 ||
        write_aux_ll(out, "repl-offset", server.master_repl_offset) < 0)
        return -1;
    return write_aux_ll(out, "aof-base", 0);
}

/* An LRU maxmemory policy keeps idle times in the file, an LFU one the
 * access counter; otherwise neither is saved. */
static int policy_is_lru(void)
{
    return cfg.maxmemory_policy == MAXMEMORY_VOLATILE_LRU ||
           cfg.maxmemory_policy == MAXMEMORY_ALLKEYS_LRU;
}

static int write_access_time(struct rdb_out *out, const vobj *o)
{
    if (policy_is_lru()) {
        if (rdb_write_type(out, RDB_OPCODE_IDLE) < 0)
            return -1;
        return rdb_write_len(out, db_object_idle_ms(o) / 1000);
    }
    if (db_policy_is_lfu()) {
        unsigned char freq = (unsigned char)db_object_lfu_counter(o);
        if (rdb_write_type(out, RDB_OPCODE_FREQ) < 0)
            return -1;
        return rdb_write_raw(out, &freq, 1);
    }
    return 0;
}

int rdb_write_key_value(struct rdb_out *out, const char *key, size_t klen, const vobj *o,
                        long long expire_ms)
{
    int type = rdb_value_type(o);
    if (type < 0)
        return -1;
    if (expire_ms != -1) {
        unsigned char buf[8];
        put_le(buf, (uint64_t)expire_ms, 8);
        if (rdb_write_type(out, RDB_OPCODE_EXPIRETIME_MS) < 0 || rdb_write_raw(out, buf, 8) < 0)
            return -1;
    }
    if (write_access_time(out, o) < 0 || rdb_write_type(out, (unsigned char)type) < 0 ||
        rdb_write_string(out, key, klen) < 0 || rdb_write_value(out, o) < 0)
        return -1;
    out->keys++;
    if (out->key_delay_us > 0)
        usleep((useconds_t)out->key_delay_us);
    return 0;
}

static int write_db(struct rdb_out *out, struct db *db)
{
    size_t size = dict_size(db->keys);
    if (size == 0)
        return 0;
    if (rdb_write_type(out, RDB_OPCODE_SELECTDB) < 0 || rdb_write_len(out, (uint64_t)db->id) < 0 ||
        rdb_write_type(out, RDB_OPCODE_RESIZEDB) < 0 || rdb_write_len(out, size) < 0 ||
        rdb_write_len(out, dict_size(db->expires)) < 0)
        return -1;
    dict_iter it;
    dict_iter_init(&it, db->keys, 0);
    dict_entry *de;
    int rc = 0;
    while (rc == 0 && (de = dict_iter_next(&it))) {
        dict_entry *ee = dict_find(db->expires, de->key, vstr_len(de->key));
        rc = rdb_write_key_value(out, de->key, vstr_len(de->key), de->v.val, ee ? ee->v.s64 : -1);
    }
    dict_iter_release(&it);
    return rc;
}

int rdb_write_dataset(struct rdb_out *out)
{
    char magic[16];
    snprintf(magic, sizeof magic, "REDIS%04d", RDB_VERSION);
    if (rdb_write_raw(out, magic, 9) < 0 || write_aux_fields(out) < 0)
        return -1;
    for (int i = 0; i < cfg.databases; i++)
        if (write_db(out, db_get(i)) < 0)
            return -1;
    if (rdb_write_type(out, RDB_OPCODE_EOF) < 0)
        return -1;
    unsigned char trailer[8];
    put_le(trailer, out->checksum ? out->crc : 0, 8);
    return rdb_write_raw(out, trailer, 8);
}

/* ---- reading ---- */

void rdb_in_init(struct rdb_in *in, rdb_read_fn *fn, void *ctx)
{
    memset(in, 0, sizeof *in);
    in->read = fn;
    in->ctx = ctx;
    in->checksum = 1;
}

static size_t buffer_read(void *ctx, void *buf, size_t len)
{
    struct rdb_in_buffer *src = ctx;
    size_t n = src->len - src->off < len ? src->len - src->off : len;
    memcpy(buf, src->p + src->off, n);
    src->off += n;
    return n;
}

void rdb_in_init_buffer(struct rdb_in *in, struct rdb_in_buffer *src, const void *p, size_t len)
{
    src->p = p;
    src->len = len;
    src->off = 0;
    rdb_in_init(in, buffer_read, src);
}

/* Loading reads a few bytes at a time: the unlocked stdio call avoids a
 * lock round trip per field (only this thread touches the FILE). */
static size_t file_read(void *ctx, void *buf, size_t len)
{
    return fread_unlocked(buf, 1, len, ctx);
}

void rdb_in_init_file(struct rdb_in *in, FILE *fp)
{
    rdb_in_init(in, file_read, fp);
}

int rdb_fail(struct rdb_in *in, const char *fmt, ...)
{
    if (in->err[0])
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->err, sizeof in->err, fmt, ap);
    va_end(ap);
    return -1;
}

int rdb_read_raw(struct rdb_in *in, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    size_t n = in->read(in->ctx, buf, len);
    if (in->checksum)
        in->crc = crc64(in->crc, buf, n);
    in->pos += n;
    if (in->progress && in->pos >= in->next_progress) {
        in->progress(in);
        in->next_progress = in->pos + in->progress_every;
    }
    if (n != len)
        return rdb_fail(in, "Unexpected EOF reading RDB file");
    return 0;
}

int rdb_read_type(struct rdb_in *in)
{
    unsigned char t;
    return rdb_read_raw(in, &t, 1) < 0 ? -1 : t;
}

int rdb_read_len(struct rdb_in *in, uint64_t *len, int *encoded)
{
    unsigned char b[9];
    if (encoded)
        *encoded = 0;
    if (rdb_read_raw(in, b, 1) < 0)
        return -1;
    switch (b[0] >> 6) {
    case RDB_LEN_6BIT: *len = b[0] & 0x3F; return 0;
    case RDB_LEN_14BIT:
        if (rdb_read_raw(in, b + 1, 1) < 0)
            return -1;
        *len = (uint64_t)(b[0] & 0x3F) << 8 | b[1];
        return 0;
    case RDB_LEN_ENCVAL:
        if (!encoded)
            return rdb_fail(in, "Unexpected string encoding where a length belongs");
        *encoded = 1;
        *len = b[0] & 0x3F;
        return 0;
    default: break;
    }
    int bytes = b[0] == RDB_LEN_32BIT ? 4 : b[0] == RDB_LEN_64BIT ? 8 : 0;
    if (bytes == 0)
        return rdb_fail(in, "Unknown length encoding %d", b[0]);
    if (rdb_read_raw(in, b + 1, (size_t)bytes) < 0)
        return -1;
    *len = 0;
    for (int i = 1; i <= bytes; i++)
        *len = *len << 8 | b[i];
    return 0;
}

/* len bytes as a new vstr, read in chunks: a forged length fails at the
 * end of input instead of allocating it up front. */
static vstr read_blob(struct rdb_in *in, uint64_t len)
{
    if (len > SIZE_MAX / 2) {
        rdb_fail(in, "String length %llu out of range", (unsigned long long)len);
        return NULL;
    }
    vstr s = vstr_empty();
    while (vstr_len(s) < len) {
        size_t chunk = len - vstr_len(s) < READ_CHUNK ? len - vstr_len(s) : READ_CHUNK;
        s = vstr_make_room(s, chunk);
        if (rdb_read_raw(in, s + vstr_len(s), chunk) < 0) {
            vstr_free(s);
            return NULL;
        }
        vstr_incr_len(s, chunk);
    }
    return s;
}

static vstr read_lzf(struct rdb_in *in)
{
    uint64_t clen, len;
    if (rdb_read_len(in, &clen, NULL) < 0 || rdb_read_len(in, &len, NULL) < 0)
        return NULL;
    if (clen == 0 || len == 0 || len > UINT32_MAX || clen > UINT32_MAX ||
        len / LZF_MAX_RATIO > clen) {
        rdb_fail(in, "Invalid LZF lengths (%llu compressed, %llu original)",
                 (unsigned long long)clen, (unsigned long long)len);
        return NULL;
    }
    vstr comp = read_blob(in, clen);
    if (!comp)
        return NULL;
    vstr s = vstr_make_room(vstr_empty(), len);
    unsigned n = lzf_decompress(comp, (unsigned)clen, s, (unsigned)len);
    vstr_free(comp);
    if (n != len) {
        vstr_free(s);
        rdb_fail(in, "Invalid LZF compressed string");
        return NULL;
    }
    vstr_incr_len(s, len);
    return s;
}

static vstr read_encoded_int(struct rdb_in *in, int enc)
{
    int width = enc == RDB_ENC_INT8 ? 1 : enc == RDB_ENC_INT16 ? 2 : 4;
    unsigned char b[4];
    if (rdb_read_raw(in, b, (size_t)width) < 0)
        return NULL;
    int shift = 64 - 8 * width;
    long long v = (long long)((int64_t)(get_le(b, width) << shift) >> shift);
    return vstr_from_ll(v);
}

vstr rdb_read_string(struct rdb_in *in)
{
    uint64_t len;
    int encoded;
    if (rdb_read_len(in, &len, &encoded) < 0)
        return NULL;
    return rdb_read_string_body(in, len, encoded);
}

vstr rdb_read_string_body(struct rdb_in *in, uint64_t len, int encoded)
{
    if (!encoded)
        return read_blob(in, len);
    switch (len) {
    case RDB_ENC_INT8:
    case RDB_ENC_INT16:
    case RDB_ENC_INT32: return read_encoded_int(in, (int)len);
    case RDB_ENC_LZF: return read_lzf(in);
    default: rdb_fail(in, "Unknown RDB string encoding type %d", (int)len); return NULL;
    }
}

/* ---- whole files ---- */

/* What the opcodes before a key said about it. */
struct key_meta {
    long long expire; /* unix ms, or -1 */
    long long idle;   /* seconds, or -1 */
    int freq;         /* LFU counter, or -1 */
};

static int read_aux(struct rdb_in *in, struct rdb_load_stats *stats)
{
    vstr key = rdb_read_string(in);
    vstr val = key ? rdb_read_string(in) : NULL;
    if (!val) {
        vstr_free(key);
        return -1;
    }
    long long v;
    if (!strcmp(key, "redis-ver")) {
        snprintf(stats->version, sizeof stats->version, "%s", val);
        log_notice("Loading RDB produced by version %s", val);
    } else if (!strcmp(key, "ctime") && numconv_to_ll(val, vstr_len(val), &v) == 0) {
        stats->ctime = v;
        log_notice("RDB age %lld seconds", (long long)time(NULL) - v);
    } else if (!strcmp(key, "repl-id") && vstr_len(val) == sizeof stats->repl_id - 1) {
        memcpy(stats->repl_id, val, sizeof stats->repl_id);
    } else if (!strcmp(key, "repl-offset") && numconv_to_ll(val, vstr_len(val), &v) == 0) {
        stats->repl_offset = v;
    } else if (!strcmp(key, "used-mem") && numconv_to_ll(val, vstr_len(val), &v) == 0) {
        stats->used_mem = v;
        log_notice("RDB memory usage when created %.2f Mb", (double)v / (1024 * 1024));
    }
    vstr_free(key);
    vstr_free(val);
    return 0;
}

static int read_u64le(struct rdb_in *in, int bytes, uint64_t *v)
{
    unsigned char b[8];
    if (rdb_read_raw(in, b, (size_t)bytes) < 0)
        return -1;
    *v = get_le(b, bytes);
    return 0;
}

/* A RESIZEDB hint, bounded: it only pre-sizes tables.  The bound (128 MB
 * of buckets) keeps a hostile hint from exhausting memory while real
 * datasets of up to 16M keys per db load without a rehash. */
static int read_resize(struct rdb_in *in, struct db *db)
{
    uint64_t keys, expires;
    if (rdb_read_len(in, &keys, NULL) < 0 || rdb_read_len(in, &expires, NULL) < 0)
        return -1;
    const uint64_t cap = 1 << 24;
    dict_expand(db->keys, (size_t)(keys < cap ? keys : cap));
    dict_expand(db->expires, (size_t)(expires < cap ? expires : cap));
    return 0;
}

void rdb_set_access_time(vobj *o, long long idle_s, int freq)
{
    if (db_policy_is_lfu()) {
        unsigned minutes = (unsigned)((server.unixtime / 60) & 65535);
        o->lru = minutes << 8 | (unsigned)(freq >= 0 ? freq : RDB_LFU_INIT_VAL);
        return;
    }
    unsigned clock = server.lruclock, idle = 0;
    if (idle_s > 0)
        idle = idle_s >= (1 << OBJ_LRU_BITS) ? (1 << OBJ_LRU_BITS) - 1 : (unsigned)idle_s;
    o->lru = (clock >= idle ? clock - idle : (1u << OBJ_LRU_BITS) + clock - idle) &
             ((1u << OBJ_LRU_BITS) - 1);
}

/* Takes ownership of key and val on success (one hash lookup per key:
 * loading is dominated by them). */
static int store_key(struct rdb_in *in, struct db *db, vstr key, vobj *val,
                     const struct key_meta *meta)
{
    rdb_set_access_time(val, meta->idle, meta->freq);
    if (db_add_loaded(db, key, val, meta->expire) < 0) {
        rdb_fail(in, "Duplicate key '%.64s' in DB %d", key, db->id);
        obj_decr_ref(val);
        return -1;
    }
    return 0;
}

/* Reads one key and its value (type already read) into db. */
static int read_key(struct rdb_in *in, struct db *db, int type, const struct key_meta *meta,
                    int expire_keys, struct rdb_load_stats *stats)
{
    vstr key = rdb_read_string(in);
    if (!key)
        return -1;
    vobj *val = rdb_read_value(in, type);
    int rc = 0;
    if (!val) {
        if (in->empty_key) {
            log_warning("RDB: skipping empty key '%.64s'", key);
            in->empty_key = 0;
        } else {
            rc = -1;
        }
    } else if (expire_keys && meta->expire != -1 && meta->expire < server.mstime) {
        obj_decr_ref(val);
        stats->keys_expired++;
    } else if ((rc = store_key(in, db, key, val, meta)) == 0) {
        stats->keys_loaded++;
        return 0;
    }
    vstr_free(key);
    return rc;
}

static int read_header(struct rdb_in *in)
{
    char magic[10] = {0};
    if (rdb_read_raw(in, magic, 9) < 0)
        return -1;
    if (memcmp(magic, "REDIS", 5) != 0)
        return rdb_fail(in, "Wrong signature trying to load DB from file");
    int version = 0;
    for (int i = 5; i < 9; i++) {
        if (magic[i] < '0' || magic[i] > '9')
            return rdb_fail(in, "Can't handle RDB format version %.4s", magic + 5);
        version = version * 10 + (magic[i] - '0');
    }
    if (version < 1 || version > RDB_VERSION)
        return rdb_fail(in, "Can't handle RDB format version %d", version);
    return version;
}

static int check_trailer(struct rdb_in *in, int version)
{
    if (version < 5)
        return 0;
    uint64_t expected = in->crc, stored;
    if (read_u64le(in, 8, &stored) < 0)
        return -1;
    if (!in->checksum)
        return 0;
    if (stored == 0) {
        log_warning("RDB file was saved with checksum disabled: no check performed.");
        return 0;
    }
    if (stored != expected)
        return rdb_fail(in, "Wrong RDB checksum expected: (%llx) got: (%llx)",
                        (unsigned long long)stored, (unsigned long long)expected);
    return 0;
}

/* Handles one opcode; 1 at EOF, 0 to go on, -1 on error. */
static int read_opcode(struct rdb_in *in, int type, struct db **db, struct key_meta *meta,
                       struct rdb_load_stats *stats)
{
    uint64_t v;
    switch (type) {
    case RDB_OPCODE_EOF: return 1;
    case RDB_OPCODE_EXPIRETIME:
        if (read_u64le(in, 4, &v) < 0)
            return -1;
        meta->expire = (long long)v * 1000;
        return 0;
    case RDB_OPCODE_EXPIRETIME_MS:
        if (read_u64le(in, 8, &v) < 0)
            return -1;
        meta->expire = (long long)v;
        return 0;
    case RDB_OPCODE_FREQ:
        if (read_u64le(in, 1, &v) < 0)
            return -1;
        meta->freq = (int)v;
        return 0;
    case RDB_OPCODE_IDLE:
        if (rdb_read_len(in, &v, NULL) < 0)
            return -1;
        meta->idle = v > (uint64_t)LLONG_MAX ? LLONG_MAX : (long long)v;
        return 0;
    case RDB_OPCODE_SELECTDB:
        if (rdb_read_len(in, &v, NULL) < 0)
            return -1;
        if (v >= (uint64_t)cfg.databases)
            return rdb_fail(in,
                            "Data file was created with a server configured to handle "
                            "more than %d databases",
                            cfg.databases);
        *db = db_get((int)v);
        return 0;
    case RDB_OPCODE_RESIZEDB: return read_resize(in, *db);
    case RDB_OPCODE_AUX: return read_aux(in, stats);
    case RDB_OPCODE_MODULE_AUX: return rdb_fail(in, "Module data (MODULE_AUX) is not supported");
    case RDB_OPCODE_FUNCTION:
    case RDB_OPCODE_FUNCTION2: return rdb_fail(in, "Functions (FUNCTION opcode) are not supported");
    default: return rdb_fail(in, "Unknown RDB opcode or value type %d", type);
    }
}

int rdb_read_dataset(struct rdb_in *in, int expire_keys, struct rdb_load_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->ctime = stats->used_mem = stats->repl_offset = -1;
    int version = read_header(in);
    if (version < 0)
        return -1;
    struct db *db = db_get(0);
    struct key_meta meta = {-1, -1, -1};
    for (;;) {
        int type = rdb_read_type(in);
        if (type < 0)
            return -1;
        if (rdb_is_value_type(type)) {
            if (read_key(in, db, type, &meta, expire_keys, stats) < 0)
                return -1;
            meta = (struct key_meta){-1, -1, -1};
            continue;
        }
        int rc = read_opcode(in, type, &db, &meta, stats);
        if (rc < 0)
            return -1;
        if (rc == 1)
            break;
    }
    return check_trailer(in, version);
}
