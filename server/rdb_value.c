/* rdb_value — one codec per value type: which RDB type a value is saved
 * as, its body, and building a value back from every encoding Redis 7.0
 * writes or still loads; see rdb.h.
 *
 * Compact encodings (listpacks, intsets) travel as verbatim blobs and are
 * validated in full before they are adopted; older blobs (ziplists,
 * zipmaps) are converted by rdb_legacy.c.  A value that comes out past the
 * *-max-listpack-* limits is converted, as Redis does on load.
 */
#include "rdb.h"

#include "config.h"
#include "intset.h"
#include "listpack.h"
#include "mem.h"
#include "numconv.h"
#include "quicklist.h"
#include "rdb_legacy.h"
#include "server.h"
#include "t_hash.h"
#include "t_list.h"
#include "t_set.h"
#include "t_zset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUICKLIST_CONTAINER_PLAIN 1
#define QUICKLIST_CONTAINER_PACKED 2
/* A count read from a file only pre-sizes tables up to this many slots:
 * the elements themselves must follow for more. */
#define SIZE_HINT_CAP (1 << 16)
/* Old-style string scores: one length byte, or one of these markers. */
#define RDB_DOUBLE_NAN 253
#define RDB_DOUBLE_POS_INF 254
#define RDB_DOUBLE_NEG_INF 255

/* ---- saving ---- */

static int rdb_list_type(const vobj *o)
{
    return o->encoding == OBJ_ENC_QUICKLIST ? RDB_TYPE_LIST_QUICKLIST_2 : -1;
}

static int rdb_hash_type(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return RDB_TYPE_HASH_LISTPACK;
    return o->encoding == OBJ_ENC_HT ? RDB_TYPE_HASH : -1;
}

static int rdb_set_type(const vobj *o)
{
    if (o->encoding == OBJ_ENC_INTSET)
        return RDB_TYPE_SET_INTSET;
    return o->encoding == OBJ_ENC_HT ? RDB_TYPE_SET : -1;
}

static int rdb_zset_type(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return RDB_TYPE_ZSET_LISTPACK;
    return o->encoding == OBJ_ENC_SKIPLIST ? RDB_TYPE_ZSET_2 : -1;
}

int rdb_value_type(const vobj *o)
{
    switch (o->type) {
    case OBJ_STRING: return RDB_TYPE_STRING;
    case OBJ_LIST: return rdb_list_type(o);
    case OBJ_HASH: return rdb_hash_type(o);
    case OBJ_SET: return rdb_set_type(o);
    case OBJ_ZSET: return rdb_zset_type(o);
    default: return -1;
    }
}

static int write_string_value(struct rdb_out *out, const vobj *o)
{
    char buf[32];
    size_t len;
    const char *p = obj_string_view(o, buf, &len);
    return rdb_write_string(out, p, len);
}

/* Compressed quicklist nodes are stored as the LZF blobs they already
 * are, whatever rdbcompression says, as Redis does. */
static int write_quicklist_node(struct rdb_out *out, const quicklist_node *node,
                                unsigned char **scratch)
{
    const unsigned char *lzf;
    size_t lzf_len, raw_len;
    if (rdb_write_len(out, QUICKLIST_CONTAINER_PACKED) < 0)
        return -1;
    if (quicklist_node_lzf(node, &lzf, &lzf_len, &raw_len) == 0) {
        unsigned char enc = 0xC3;
        if (rdb_write_raw(out, &enc, 1) < 0 || rdb_write_len(out, lzf_len) < 0 ||
            rdb_write_len(out, raw_len) < 0)
            return -1;
        return rdb_write_raw(out, lzf, lzf_len);
    }
    size_t len;
    const unsigned char *lp = quicklist_node_listpack(node, &len, scratch);
    return lp ? rdb_write_string(out, lp, len) : -1;
}

static int write_list(struct rdb_out *out, const vobj *o)
{
    quicklist *ql = o->ptr;
    if (rdb_write_len(out, quicklist_node_count(ql)) < 0)
        return -1;
    unsigned char *scratch = NULL;
    int rc = 0;
    for (const quicklist_node *n = quicklist_first_node(ql); n && rc == 0;
         n = quicklist_next_node(n))
        rc = write_quicklist_node(out, n, &scratch);
    mem_free(scratch);
    return rc;
}

static int write_hash(struct rdb_out *out, const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return rdb_write_string(out, o->ptr, lp_bytes(o->ptr));
    if (rdb_write_len(out, hash_type_length(o)) < 0)
        return -1;
    struct hash_iter it;
    hash_iter_init(&it, (vobj *)o);
    int rc = 0;
    while (rc == 0 && hash_iter_next(&it) == 0) {
        size_t flen, vlen;
        const char *f = hash_iter_field(&it, &flen);
        const char *v = hash_iter_value(&it, &vlen);
        rc = rdb_write_string(out, f, flen) < 0 || rdb_write_string(out, v, vlen) < 0 ? -1 : 0;
    }
    hash_iter_release(&it);
    return rc;
}

static int write_set(struct rdb_out *out, const vobj *o)
{
    if (o->encoding == OBJ_ENC_INTSET)
        return rdb_write_string(out, o->ptr, intset_blob_len(o->ptr));
    if (rdb_write_len(out, set_type_size(o)) < 0)
        return -1;
    struct set_iter it;
    struct set_elem e;
    int rc = 0;
    set_iter_init(&it, (vobj *)o);
    while (rc == 0 && set_iter_next(&it, &e) == 0)
        rc = rdb_write_string(out, e.p, e.len);
    set_iter_release(&it);
    return rc;
}

static int write_binary_double(struct rdb_out *out, double d)
{
    unsigned char buf[8];
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)(bits >> (8 * i));
    return rdb_write_raw(out, buf, 8);
}

/* Skiplists are written from the highest score down, as Redis does, so
 * a loader inserting at the head finds each new element's place at once. */
static int write_zset(struct rdb_out *out, const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return rdb_write_string(out, o->ptr, lp_bytes(o->ptr));
    if (rdb_write_len(out, zset_length(o)) < 0)
        return -1;
    struct zset_iter it;
    struct zset_elem e;
    zset_iter_init(&it, (vobj *)o, 1);
    while (zset_iter_next(&it, &e))
        if (rdb_write_string(out, e.member, e.len) < 0 || write_binary_double(out, e.score) < 0)
            return -1;
    return 0;
}

int rdb_write_value(struct rdb_out *out, const vobj *o)
{
    switch (o->type) {
    case OBJ_STRING: return write_string_value(out, o);
    case OBJ_LIST: return write_list(out, o);
    case OBJ_HASH: return write_hash(out, o);
    case OBJ_SET: return write_set(out, o);
    case OBJ_ZSET: return write_zset(out, o);
    default: return -1;
    }
}

/* ---- loading helpers ---- */

/* A blob string copied into its own allocation (listpacks and intsets
 * must be plain mem_malloc blocks), with its size. */
static unsigned char *read_blob(struct rdb_in *in, size_t *size)
{
    vstr s = rdb_read_string(in);
    if (!s)
        return NULL;
    *size = vstr_len(s);
    unsigned char *blob = mem_memdup(s, *size ? *size : 1);
    vstr_free(s);
    return blob;
}

/* Called for each compact blob about to be validated. */
static void note_validation(struct rdb_in *in)
{
    if (in->count_sanitizations)
        server.stat.dump_payload_sanitizations++;
}

static int read_count(struct rdb_in *in, uint64_t *n)
{
    return rdb_read_len(in, n, NULL);
}

static vobj *empty_key(struct rdb_in *in, vobj *o)
{
    if (o)
        obj_decr_ref(o);
    in->empty_key = 1;
    return NULL;
}

static vobj *fail_value(struct rdb_in *in, vobj *o, const char *what)
{
    if (o)
        obj_decr_ref(o);
    rdb_fail(in, "%s", what);
    return NULL;
}

/* ---- strings and lists ---- */

/* Values up to this size are read on the stack: most values are small,
 * and loading then makes one allocation (the object) per value. */
#define SMALL_STRING 64

static vobj *read_string_value(struct rdb_in *in)
{
    uint64_t len;
    int encoded;
    if (rdb_read_len(in, &len, &encoded) < 0)
        return NULL;
    if (!encoded && len <= SMALL_STRING) {
        char buf[SMALL_STRING];
        if (rdb_read_raw(in, buf, (size_t)len) < 0)
            return NULL;
        return obj_new_string_encoded(buf, (size_t)len);
    }
    vstr s = rdb_read_string_body(in, len, encoded);
    if (!s)
        return NULL;
    vobj *o = obj_new_string_encoded(s, vstr_len(s));
    vstr_free(s);
    return o;
}

static vobj *read_plain_list(struct rdb_in *in)
{
    uint64_t n;
    if (read_count(in, &n) < 0)
        return NULL;
    vobj *o = list_type_create();
    for (uint64_t i = 0; i < n; i++) {
        vstr s = rdb_read_string(in);
        if (!s)
            return fail_value(in, o, "Truncated list");
        quicklist_push_tail(o->ptr, s, vstr_len(s));
        vstr_free(s);
    }
    return quicklist_count(o->ptr) ? o : empty_key(in, o);
}

/* Old single-ziplist lists: re-pushed so nodes follow our fill limit. */
static vobj *read_ziplist_list(struct rdb_in *in)
{
    size_t size;
    unsigned char *zl = read_blob(in, &size);
    if (!zl)
        return NULL;
    note_validation(in);
    unsigned char *lp = rdb_ziplist_to_listpack(zl, size);
    mem_free(zl);
    if (!lp)
        return fail_value(in, NULL, "Invalid ziplist in list value");
    vobj *o = list_type_create();
    unsigned char buf[LP_INTBUF_SIZE];
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
        uint32_t len;
        unsigned char *s = lp_get_str(p, &len, buf);
        quicklist_push_tail(o->ptr, s, len);
    }
    lp_free(lp);
    return quicklist_count(o->ptr) ? o : empty_key(in, o);
}

/* One quicklist node as a listpack: a ziplist (version 1), a listpack or
 * a single plain element (version 2).  NULL with in->err on bad data. */
static unsigned char *read_quicklist_node(struct rdb_in *in, int version)
{
    uint64_t container = QUICKLIST_CONTAINER_PACKED;
    if (version == 2 && read_count(in, &container) < 0)
        return NULL;
    if (container != QUICKLIST_CONTAINER_PACKED && container != QUICKLIST_CONTAINER_PLAIN) {
        rdb_fail(in, "Unknown quicklist container %llu", (unsigned long long)container);
        return NULL;
    }
    size_t size;
    unsigned char *blob = read_blob(in, &size);
    if (!blob)
        return NULL;
    note_validation(in);
    unsigned char *lp = NULL;
    if (container == QUICKLIST_CONTAINER_PLAIN) {
        if (size < (1u << 30))
            lp = lp_append(lp_new(size + 16), blob, (uint32_t)size);
        mem_free(blob);
    } else if (version == 1) {
        lp = rdb_ziplist_to_listpack(blob, size);
        mem_free(blob);
    } else if (lp_validate(blob, size, 1) == 0) {
        lp = blob;
    } else {
        mem_free(blob);
    }
    if (!lp)
        rdb_fail(in, "Invalid quicklist node");
    return lp;
}

static vobj *read_quicklist(struct rdb_in *in, int version)
{
    uint64_t nodes;
    if (read_count(in, &nodes) < 0)
        return NULL;
    vobj *o = list_type_create();
    for (uint64_t i = 0; i < nodes; i++) {
        unsigned char *lp = read_quicklist_node(in, version);
        if (!lp)
            return fail_value(in, o, "Invalid quicklist node");
        quicklist_append_listpack(o->ptr, lp);
    }
    return quicklist_count(o->ptr) ? o : empty_key(in, o);
}

/* ---- hashes ---- */

static int too_big_for_listpack_hash(unsigned char *lp)
{
    if (lp_length(lp) / 2 > (unsigned long)cfg.hash_max_listpack_entries)
        return 1;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
        int64_t v;
        uint32_t len;
        if (lp_get(p, &v, &len) && len > (uint32_t)cfg.hash_max_listpack_value)
            return 1;
    }
    return 0;
}

/* Adopts a listpack of field, value pairs as a hash after checking it. */
static vobj *hash_from_listpack(struct rdb_in *in, unsigned char *lp, size_t size)
{
    if (!lp || hash_listpack_validate(lp, size) < 0) {
        mem_free(lp);
        return fail_value(in, NULL, "Invalid or duplicate-field hash listpack");
    }
    vobj *o = obj_new(OBJ_HASH, OBJ_ENC_LISTPACK, lp);
    if (lp_length(lp) == 0)
        return empty_key(in, o);
    if (too_big_for_listpack_hash(lp) && hash_type_convert(o) < 0)
        return fail_value(in, o, "Duplicate hash fields detected");
    return o;
}

static vobj *read_hash_blob(struct rdb_in *in, int type)
{
    size_t size;
    unsigned char *blob = read_blob(in, &size);
    if (!blob)
        return NULL;
    note_validation(in);
    if (type == RDB_TYPE_HASH_LISTPACK)
        return hash_from_listpack(in, blob, size);
    unsigned char *lp = type == RDB_TYPE_HASH_ZIPMAP ? rdb_zipmap_to_listpack(blob, size)
                                                     : rdb_ziplist_to_listpack(blob, size);
    mem_free(blob);
    return hash_from_listpack(in, lp, lp ? lp_bytes(lp) : 0);
}

static vobj *read_plain_hash(struct rdb_in *in)
{
    uint64_t n;
    if (read_count(in, &n) < 0)
        return NULL;
    vobj *o = hash_type_create();
    for (uint64_t i = 0; i < n; i++) {
        vstr f = rdb_read_string(in);
        vstr v = f ? rdb_read_string(in) : NULL;
        int dup = v ? hash_type_set(o, f, vstr_len(f), v, vstr_len(v)) : 0;
        vstr_free(f);
        if (v)
            vstr_free(v);
        if (!v)
            return fail_value(in, o, "Truncated hash");
        if (dup)
            return fail_value(in, o, "Duplicate hash fields detected");
    }
    return n ? o : empty_key(in, o);
}

/* ---- sets ---- */

static vobj *read_plain_set(struct rdb_in *in)
{
    uint64_t n;
    if (read_count(in, &n) < 0)
        return NULL;
    if (n == 0)
        return empty_key(in, NULL);
    vobj *o = NULL;
    for (uint64_t i = 0; i < n; i++) {
        vstr m = rdb_read_string(in);
        if (!m)
            return fail_value(in, o, "Truncated set");
        if (!o)
            o = set_type_create(m, vstr_len(m), n < SIZE_HINT_CAP ? n : SIZE_HINT_CAP);
        int added = set_type_add(o, m, vstr_len(m));
        vstr_free(m);
        if (!added)
            return fail_value(in, o, "Duplicate set members detected");
    }
    return o;
}

static vobj *read_intset(struct rdb_in *in)
{
    size_t size;
    unsigned char *blob = read_blob(in, &size);
    if (!blob)
        return NULL;
    note_validation(in);
    if (intset_validate(blob, size, 1) < 0) {
        mem_free(blob);
        return fail_value(in, NULL, "Invalid intset");
    }
    return set_type_from_intset((intset *)blob);
}

/* ---- sorted sets ---- */

static int read_binary_double(struct rdb_in *in, double *d)
{
    unsigned char buf[8];
    if (rdb_read_raw(in, buf, 8) < 0)
        return -1;
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--)
        bits = bits << 8 | buf[i];
    memcpy(d, &bits, sizeof *d);
    return 0;
}

static int read_string_double(struct rdb_in *in, double *d)
{
    unsigned char len;
    char buf[256];
    if (rdb_read_raw(in, &len, 1) < 0)
        return -1;
    switch (len) {
    case RDB_DOUBLE_NAN: *d = NAN; return 0;
    case RDB_DOUBLE_POS_INF: *d = INFINITY; return 0;
    case RDB_DOUBLE_NEG_INF: *d = -INFINITY; return 0;
    default: break;
    }
    if (rdb_read_raw(in, buf, len) < 0)
        return -1;
    char *end;
    buf[len] = '\0';
    *d = strtod(buf, &end);
    if (len == 0 || end != buf + len)
        return rdb_fail(in, "Invalid score in sorted set");
    return 0;
}

/* ZSET (string scores) and ZSET_2 (binary scores). */
static vobj *read_plain_zset(struct rdb_in *in, int type)
{
    uint64_t n;
    if (read_count(in, &n) < 0)
        return NULL;
    vobj *o = zset_type_create(n < SIZE_HINT_CAP ? n : SIZE_HINT_CAP, 0);
    for (uint64_t i = 0; i < n; i++) {
        double score;
        vstr member = rdb_read_string(in);
        if (!member)
            return fail_value(in, o, "Truncated sorted set");
        int rc = type == RDB_TYPE_ZSET_2 ? read_binary_double(in, &score)
                                         : read_string_double(in, &score);
        if (rc == 0 && zset_type_add(o, score, member, vstr_len(member)) < 0)
            rc = rdb_fail(in, "Duplicate member or NaN score in sorted set");
        vstr_free(member);
        if (rc < 0)
            return fail_value(in, o, "Bad sorted set element");
    }
    return n ? o : empty_key(in, o);
}

static vobj *zset_from_listpack(struct rdb_in *in, unsigned char *lp, size_t size)
{
    if (!lp || zset_listpack_validate(lp, size, 1) < 0) {
        mem_free(lp);
        return fail_value(in, NULL, "Invalid or duplicate-member sorted set listpack");
    }
    vobj *o = obj_new(OBJ_ZSET, OBJ_ENC_LISTPACK, lp);
    if (lp_length(lp) == 0)
        return empty_key(in, o);
    zset_type_fit_encoding(o);
    return o;
}

static vobj *read_zset_blob(struct rdb_in *in, int type)
{
    size_t size;
    unsigned char *blob = read_blob(in, &size);
    if (!blob)
        return NULL;
    note_validation(in);
    if (type == RDB_TYPE_ZSET_LISTPACK)
        return zset_from_listpack(in, blob, size);
    unsigned char *lp = rdb_ziplist_to_listpack(blob, size);
    mem_free(blob);
    return zset_from_listpack(in, lp, lp ? lp_bytes(lp) : 0);
}

/* ---- dispatch ---- */

int rdb_is_value_type(int type)
{
    return (type >= RDB_TYPE_STRING && type <= RDB_TYPE_MODULE_2) ||
           (type >= RDB_TYPE_HASH_ZIPMAP && type <= RDB_TYPE_STREAM_LISTPACKS_2);
}

vobj *rdb_read_value(struct rdb_in *in, int type)
{
    in->empty_key = 0;
    switch (type) {
    case RDB_TYPE_STRING: return read_string_value(in);
    case RDB_TYPE_LIST: return read_plain_list(in);
    case RDB_TYPE_LIST_ZIPLIST: return read_ziplist_list(in);
    case RDB_TYPE_LIST_QUICKLIST: return read_quicklist(in, 1);
    case RDB_TYPE_LIST_QUICKLIST_2: return read_quicklist(in, 2);
    case RDB_TYPE_SET: return read_plain_set(in);
    case RDB_TYPE_SET_INTSET: return read_intset(in);
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2: return read_plain_zset(in, type);
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_ZSET_LISTPACK: return read_zset_blob(in, type);
    case RDB_TYPE_HASH: return read_plain_hash(in);
    case RDB_TYPE_HASH_ZIPMAP:
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_LISTPACK: return read_hash_blob(in, type);
    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2:
        rdb_fail(in, "Module values are not supported (type %d)", type);
        return NULL;
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
        rdb_fail(in, "Stream values are not supported (type %d)", type);
        return NULL;
    default: rdb_fail(in, "Unknown RDB value type %d", type); return NULL;
    }
}
