/* t_hash — the hash type and its commands; see t_hash.h.
 *
 * The first half is the type: encoding-independent get/set/delete, the
 * listpack -> hashtable conversion, the iterator and the object ops.  The
 * second half is the commands, which only go through those calls (HSCAN and
 * HRANDFIELD also look at the encoding, as Redis's replies depend on it).
 */
#include "t_hash.h"

#include "client.h"
#include "db.h"
#include "mem.h"
#include "notify.h"
#include "numconv.h"
#include "propagate.h"
#include "reply.h"
#include "scan.h"
#include "server.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* The type                                                                */
/* ---------------------------------------------------------------------- */

static void free_value_vstr(void *v)
{
    vstr_free(v);
}

/* Hashtable encoding: the dict owns fields (keys) and values (vstr). */
static const struct dict_type hash_dict_type = {.key_free = vstr_free, .val_free = free_value_vstr};

/* A field or value read out of a hash: listpack integers are rendered into
 * buf, so p is valid as long as the hash is unchanged and the struct lives. */
struct hash_str {
    const char *p;
    size_t len;
    unsigned char buf[LP_INTBUF_SIZE];
};

static void lp_entry_str(unsigned char *entry, struct hash_str *out)
{
    uint32_t len;
    out->p = (const char *)lp_get_str(entry, &len, out->buf);
    out->len = len;
}

vobj *hash_type_create(void)
{
    return obj_new(OBJ_HASH, OBJ_ENC_LISTPACK, lp_new(0));
}

size_t hash_type_length(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return lp_length((unsigned char *)o->ptr) / 2;
    return dict_size(o->ptr);
}

/* The listpack entry of field, or NULL. */
static unsigned char *lp_find_field(unsigned char *lp, const char *field, size_t flen)
{
    unsigned char *first = lp_first(lp);
    if (!first)
        return NULL;
    return lp_find(lp, first, (const unsigned char *)field, (uint32_t)flen, 1);
}

/* 0 with *out set to the field's value, or -1 if the field is absent. */
static int hash_type_get(vobj *o, const char *field, size_t flen, struct hash_str *out)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *fptr = lp_find_field(o->ptr, field, flen);
        if (!fptr)
            return -1;
        lp_entry_str(lp_next(o->ptr, fptr), out);
        return 0;
    }
    dict_entry *de = dict_find(o->ptr, field, flen);
    if (!de)
        return -1;
    out->p = de->v.val;
    out->len = vstr_len(de->v.val);
    return 0;
}

static int hash_type_exists(vobj *o, const char *field, size_t flen)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return lp_find_field(o->ptr, field, flen) != NULL;
    return dict_find(o->ptr, field, flen) != NULL;
}

int hash_type_convert(vobj *o)
{
    if (o->encoding != OBJ_ENC_LISTPACK)
        return 0;
    unsigned char *lp = o->ptr;
    dict *d = dict_new(&hash_dict_type);
    dict_expand(d, lp_length(lp) / 2);
    unsigned char *fptr = lp_first(lp);
    while (fptr) {
        unsigned char *vptr = lp_next(lp, fptr);
        if (!vptr)
            break;
        struct hash_str f, v;
        lp_entry_str(fptr, &f);
        lp_entry_str(vptr, &v);
        vstr key = vstr_new(f.p, f.len), val = vstr_new(v.p, v.len);
        if (!dict_add(d, key, val)) {
            /* A repeated field: only a corrupt payload has one. */
            vstr_free(key);
            vstr_free(val);
            dict_free(d);
            return -1;
        }
        fptr = lp_next(lp, vptr);
    }
    lp_free(lp);
    o->ptr = d;
    o->encoding = OBJ_ENC_HT;
    return 0;
}

static int too_long_for_listpack(size_t len)
{
    return len > (size_t)cfg.hash_max_listpack_value;
}

static int lp_set(vobj *o, const char *field, size_t flen, const char *value, size_t vlen)
{
    unsigned char *lp = o->ptr;
    unsigned char *fptr = lp_find_field(lp, field, flen);
    int existed = fptr != NULL;
    if (existed) {
        unsigned char *vptr = lp_next(lp, fptr);
        lp = lp_replace(lp, &vptr, (const unsigned char *)value, (uint32_t)vlen);
    } else {
        lp = lp_append(lp, (const unsigned char *)field, (uint32_t)flen);
        lp = lp_append(lp, (const unsigned char *)value, (uint32_t)vlen);
    }
    o->ptr = lp;
    if (!existed && hash_type_length(o) > (size_t)cfg.hash_max_listpack_entries)
        hash_type_convert(o);
    return existed;
}

int hash_type_set(vobj *o, const char *field, size_t flen, const char *value, size_t vlen)
{
    /* Converting before the write keeps any one listpack entry small and
     * the blob under the listpack size limit. */
    if (o->encoding == OBJ_ENC_LISTPACK &&
        (too_long_for_listpack(flen) || too_long_for_listpack(vlen) ||
         !lp_safe_to_add(o->ptr, flen + vlen)))
        hash_type_convert(o);
    if (o->encoding == OBJ_ENC_LISTPACK)
        return lp_set(o, field, flen, value, vlen);
    int created;
    dict *d = o->ptr;
    dict_entry *de = dict_add_or_find(d, field, flen, &created);
    dict_set_val(d, de, vstr_new(value, vlen));
    return !created;
}

int hash_type_delete(vobj *o, const char *field, size_t flen)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *fptr = lp_find_field(o->ptr, field, flen);
        if (!fptr)
            return 0;
        o->ptr = lp_delete_range_with_entry(o->ptr, &fptr, 2);
        return 1;
    }
    if (dict_delete(o->ptr, field, flen) < 0)
        return 0;
    dict_resize_to_fit(o->ptr);
    return 1;
}

/* ---- validation of untrusted listpacks ---- */

struct lp_check {
    unsigned long entries;
    dict *fields;
    int dup;
};

static int check_hash_entry(unsigned char *p, void *userdata)
{
    struct lp_check *chk = userdata;
    /* Only fields (even positions) must be unique. */
    if (chk->entries++ % 2 == 0) {
        struct hash_str f;
        lp_entry_str(p, &f);
        int created;
        dict_add_or_find(chk->fields, f.p, f.len, &created);
        if (!created) {
            chk->dup = 1;
            return -1;
        }
    }
    return 0;
}

int hash_listpack_validate(unsigned char *lp, size_t size)
{
    static const struct dict_type set_type = {.key_free = vstr_free};
    struct lp_check chk = {.entries = 0, .fields = dict_new(&set_type), .dup = 0};
    int rc = lp_validate_each(lp, size, check_hash_entry, &chk);
    dict_free(chk.fields);
    if (rc < 0 || chk.dup || chk.entries % 2 != 0)
        return -1;
    return 0;
}

/* ---- iterator ---- */

void hash_iter_init(struct hash_iter *it, vobj *o)
{
    it->o = o;
    it->fptr = it->vptr = NULL;
    it->de = NULL;
    it->started = 0;
    if (o->encoding == OBJ_ENC_HT)
        dict_iter_init(&it->di, o->ptr, 0);
}

int hash_iter_next(struct hash_iter *it)
{
    if (it->o->encoding == OBJ_ENC_HT) {
        it->de = dict_iter_next(&it->di);
        return it->de ? 0 : -1;
    }
    unsigned char *lp = it->o->ptr;
    if (!it->started)
        it->fptr = lp_first(lp);
    else if (it->vptr)
        it->fptr = lp_next(lp, it->vptr);
    it->started = 1;
    it->vptr = it->fptr ? lp_next(lp, it->fptr) : NULL;
    if (!it->vptr)
        it->fptr = NULL;
    return it->vptr ? 0 : -1;
}

static const char *iter_get(struct hash_iter *it, int value, size_t *len)
{
    if (it->o->encoding == OBJ_ENC_HT) {
        vstr s = value ? it->de->v.val : it->de->key;
        *len = vstr_len(s);
        return s;
    }
    uint32_t slen;
    unsigned char *buf = value ? it->vbuf : it->fbuf;
    const char *p = (const char *)lp_get_str(value ? it->vptr : it->fptr, &slen, buf);
    *len = slen;
    return p;
}

const char *hash_iter_field(struct hash_iter *it, size_t *len)
{
    return iter_get(it, 0, len);
}

const char *hash_iter_value(struct hash_iter *it, size_t *len)
{
    return iter_get(it, 1, len);
}

void hash_iter_release(struct hash_iter *it)
{
    if (it->o->encoding == OBJ_ENC_HT)
        dict_iter_release(&it->di);
}

/* ---- object ops ---- */

static void hash_free(vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        lp_free(o->ptr);
    else
        dict_free(o->ptr);
}

static vobj *hash_dup(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return obj_new(OBJ_HASH, OBJ_ENC_LISTPACK, mem_memdup(o->ptr, lp_bytes(o->ptr)));
    dict *src = o->ptr;
    dict *d = dict_new(&hash_dict_type);
    dict_expand(d, dict_size(src));
    dict_iter it;
    dict_iter_init(&it, src, 0);
    for (dict_entry *de; (de = dict_iter_next(&it));)
        dict_add(d, vstr_dup(de->key), vstr_dup(de->v.val));
    dict_iter_release(&it);
    return obj_new(OBJ_HASH, OBJ_ENC_HT, d);
}

static size_t hash_mem_usage(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return mem_size(o->ptr);
    return obj_dict_mem_usage(o->ptr, 1);
}

static size_t hash_length_op(const vobj *o)
{
    return hash_type_length(o);
}

static const struct obj_type_ops hash_ops = {
    .free = hash_free,
    .dup = hash_dup,
    .mem_usage = hash_mem_usage,
    .length = hash_length_op,
};

void hash_init(void)
{
    obj_register_type(OBJ_HASH, &hash_ops);
}

/* ---------------------------------------------------------------------- */
/* Commands                                                                */
/* ---------------------------------------------------------------------- */

#define KEY(c) client_arg(c, 1), client_arg_len(c, 1)

/* Read lookup of argv[1] for commands with their own reply on a miss:
 * 0 with *out NULL when missing, -1 after replying WRONGTYPE. */
static int lookup_read(struct client *c, vobj **out)
{
    vobj *o = db_lookup_read(c->db, KEY(c));
    if (o && o->type != OBJ_HASH) {
        reply_error_wrongtype(c);
        return -1;
    }
    *out = o;
    return 0;
}

static int lookup_write(struct client *c, vobj **out)
{
    vobj *o = db_lookup_write(c->db, KEY(c));
    if (o && o->type != OBJ_HASH) {
        reply_error_wrongtype(c);
        return -1;
    }
    *out = o;
    return 0;
}

/* The hash at argv[1] for a write, created if missing; NULL after WRONGTYPE. */
static vobj *lookup_write_or_create(struct client *c)
{
    vobj *o;
    if (lookup_write(c, &o) < 0)
        return NULL;
    if (!o) {
        o = hash_type_create();
        db_add(c->db, KEY(c), o);
    }
    return o;
}

static void signal_write(struct client *c, const char *event)
{
    db_signal_modified_key(c, c->db, KEY(c));
    notify_keyspace_event(NOTIFY_HASH, event, KEY(c), c->db->id);
}

/* Sets the pairs argv[2..]; returns how many fields were new. */
static long long set_pairs(struct client *c, vobj *o)
{
    long long added = 0;
    for (int i = 2; i + 1 < c->argc; i += 2)
        added += !hash_type_set(o, client_arg(c, i), client_arg_len(c, i), client_arg(c, i + 1),
                                client_arg_len(c, i + 1));
    return added;
}

/* HSET and HMSET differ only in their reply. */
static int generic_hset(struct client *c, long long *added)
{
    if (c->argc % 2 != 0) {
        reply_error_arity(c);
        return -1;
    }
    vobj *o = lookup_write_or_create(c);
    if (!o)
        return -1;
    *added = set_pairs(c, o);
    signal_write(c, "hset");
    server.dirty += (c->argc - 2) / 2;
    return 0;
}

static void hset_command(struct client *c)
{
    long long added;
    if (generic_hset(c, &added) == 0)
        reply_ll(c, added);
}

static void hmset_command(struct client *c)
{
    long long added;
    if (generic_hset(c, &added) == 0)
        reply_ok(c);
}

static void hsetnx_command(struct client *c)
{
    vobj *o = lookup_write_or_create(c);
    if (!o)
        return;
    if (hash_type_exists(o, client_arg(c, 2), client_arg_len(c, 2))) {
        reply_ll(c, 0);
        return;
    }
    hash_type_set(o, client_arg(c, 2), client_arg_len(c, 2), client_arg(c, 3),
                  client_arg_len(c, 3));
    signal_write(c, "hset");
    server.dirty++;
    reply_ll(c, 1);
}

static void reply_field_value(struct client *c, vobj *o, const char *field, size_t flen)
{
    struct hash_str v;
    if (hash_type_get(o, field, flen, &v) == 0)
        reply_bulk(c, v.p, v.len);
    else
        reply_null(c);
}

static void hget_command(struct client *c)
{
    vobj *o = db_lookup_read_or_reply(c, KEY(c), OBJ_HASH);
    if (o)
        reply_field_value(c, o, client_arg(c, 2), client_arg_len(c, 2));
}

static void hmget_command(struct client *c)
{
    vobj *o;
    if (lookup_read(c, &o) < 0)
        return;
    reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        if (o)
            reply_field_value(c, o, client_arg(c, i), client_arg_len(c, i));
        else
            reply_null(c);
    }
}

static void hstrlen_command(struct client *c)
{
    vobj *o;
    if (lookup_read(c, &o) < 0)
        return;
    struct hash_str v;
    int found = o && hash_type_get(o, client_arg(c, 2), client_arg_len(c, 2), &v) == 0;
    reply_ll(c, found ? (long long)v.len : 0);
}

static void hexists_command(struct client *c)
{
    vobj *o;
    if (lookup_read(c, &o) < 0)
        return;
    reply_ll(c, o && hash_type_exists(o, client_arg(c, 2), client_arg_len(c, 2)));
}

static void hlen_command(struct client *c)
{
    vobj *o;
    if (lookup_read(c, &o) < 0)
        return;
    reply_ll(c, o ? (long long)hash_type_length(o) : 0);
}

static void hdel_command(struct client *c)
{
    vobj *o;
    if (lookup_write(c, &o) < 0)
        return;
    long long deleted = 0;
    int key_removed = 0;
    for (int i = 2; o && i < c->argc; i++) {
        if (!hash_type_delete(o, client_arg(c, i), client_arg_len(c, i)))
            continue;
        deleted++;
        if (hash_type_length(o) == 0) {
            db_delete(c->db, KEY(c));
            key_removed = 1;
            break;
        }
    }
    if (deleted) {
        signal_write(c, "hdel");
        if (key_removed)
            notify_keyspace_event(NOTIFY_GENERIC, "del", KEY(c), c->db->id);
        server.dirty += deleted;
    }
    reply_ll(c, deleted);
}

/* HKEYS, HVALS and HGETALL: what to include of each pair. */
#define WITH_FIELDS 1
#define WITH_VALUES 2

static void reply_iter_part(struct client *c, struct hash_iter *it, int value)
{
    size_t len;
    const char *p = value ? hash_iter_value(it, &len) : hash_iter_field(it, &len);
    reply_bulk(c, p, len);
}

static void generic_getall(struct client *c, int what)
{
    vobj *o;
    if (lookup_read(c, &o) < 0)
        return;
    long len = o ? (long)hash_type_length(o) : 0;
    if (what == (WITH_FIELDS | WITH_VALUES))
        reply_map_len(c, len);
    else
        reply_array_len(c, len);
    if (!o)
        return;
    struct hash_iter it;
    hash_iter_init(&it, o);
    while (hash_iter_next(&it) == 0) {
        if (what & WITH_FIELDS)
            reply_iter_part(c, &it, 0);
        if (what & WITH_VALUES)
            reply_iter_part(c, &it, 1);
    }
    hash_iter_release(&it);
}

static void hkeys_command(struct client *c)
{
    generic_getall(c, WITH_FIELDS);
}

static void hvals_command(struct client *c)
{
    generic_getall(c, WITH_VALUES);
}

static void hgetall_command(struct client *c)
{
    generic_getall(c, WITH_FIELDS | WITH_VALUES);
}

/* The current value of a field as read by HINCRBY/HINCRBYFLOAT: 0 with *v
 * set, 1 if the field (or the hash) is missing. */
static int current_value(vobj *o, struct client *c, struct hash_str *v)
{
    if (!o || hash_type_get(o, client_arg(c, 2), client_arg_len(c, 2), v) < 0)
        return 1;
    return 0;
}

/* Stores text as the new value of argv[2], creating the hash if needed. */
static void store_incr_result(struct client *c, vobj *o, const char *text, size_t len,
                              const char *event)
{
    if (!o) {
        o = hash_type_create();
        db_add(c->db, KEY(c), o);
    }
    hash_type_set(o, client_arg(c, 2), client_arg_len(c, 2), text, len);
    signal_write(c, event);
    server.dirty++;
}

static void hincrby_command(struct client *c)
{
    long long incr, value = 0;
    if (numconv_to_ll(client_arg(c, 3), client_arg_len(c, 3), &incr) < 0) {
        reply_error_not_integer(c);
        return;
    }
    vobj *o;
    if (lookup_write(c, &o) < 0)
        return;
    struct hash_str cur;
    if (current_value(o, c, &cur) == 0 && numconv_to_ll(cur.p, cur.len, &value) < 0) {
        reply_error(c, "hash value is not an integer");
        return;
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        reply_error(c, "increment or decrement would overflow");
        return;
    }
    value += incr;
    char buf[32];
    size_t len = numconv_ll_to_str(buf, value);
    store_incr_result(c, o, buf, len, "hincrby");
    reply_ll(c, value);
}

/* Long doubles print with up to ~5000 digits (fixed notation). */
#define HASH_LD_BUF 5120

static void hincrbyfloat_command(struct client *c)
{
    long double incr, value = 0;
    if (numconv_to_long_double(client_arg(c, 3), client_arg_len(c, 3), &incr) < 0) {
        reply_error_not_float(c);
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        reply_error(c, "value is NaN or Infinity");
        return;
    }
    vobj *o;
    if (lookup_write(c, &o) < 0)
        return;
    struct hash_str cur;
    if (current_value(o, c, &cur) == 0 && numconv_to_long_double(cur.p, cur.len, &value) < 0) {
        reply_error(c, "hash value is not a float");
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_error(c, "increment would produce NaN or Infinity");
        return;
    }
    char buf[HASH_LD_BUF];
    size_t len = numconv_long_double_to_str(buf, sizeof buf, value);
    store_incr_result(c, o, buf, len, "hincrbyfloat");
    reply_bulk(c, buf, len);
    struct resp_arg argv[4] = {{"HSET", 4}, c->argv[1], c->argv[2], {buf, len}};
    propagate_rewrite_args(c, 4, argv);
}

/* ---- HRANDFIELD ---- */

/* Redis's sampling strategy switches: below this ratio of hash size to
 * count it copies and removes, above it picks and de-duplicates. */
#define RANDFIELD_SUB_STRATEGY_MUL 3
/* Pairs sampled per listpack walk when repeats are allowed. */
#define RANDFIELD_SAMPLE_LIMIT 1000

static void reply_lp_value(struct client *c, const lp_value *v)
{
    if (v->sval)
        reply_bulk(c, (const char *)v->sval, v->slen);
    else
        reply_bulk_ll(c, v->lval);
}

/* One field (and its value) of a HRANDFIELD reply: RESP3 nests each pair. */
static void reply_lp_pair(struct client *c, const lp_value *k, const lp_value *v)
{
    if (v && c->resp > 2)
        reply_array_len(c, 2);
    reply_lp_value(c, k);
    if (v)
        reply_lp_value(c, v);
}

static void reply_de_pair(struct client *c, const dict_entry *de, int withvalues)
{
    if (withvalues && c->resp > 2)
        reply_array_len(c, 2);
    reply_bulk(c, de->key, vstr_len(de->key));
    if (withvalues)
        reply_bulk(c, de->v.val, vstr_len(de->v.val));
}

static void reply_randfield_len(struct client *c, unsigned long count, int withvalues)
{
    reply_array_len(c, (long)(withvalues && c->resp == 2 ? count * 2 : count));
}

/* Negative count: count independent picks, repeats allowed, random order. */
static void randfield_with_repeats(struct client *c, vobj *o, unsigned long count, int withvalues)
{
    reply_randfield_len(c, count, withvalues);
    if (o->encoding == OBJ_ENC_HT) {
        while (count-- && !(c->flags & CLIENT_CLOSE_ASAP))
            reply_de_pair(c, dict_fair_random(o->ptr), withvalues);
        return;
    }
    unsigned long limit = count < RANDFIELD_SAMPLE_LIMIT ? count : RANDFIELD_SAMPLE_LIMIT;
    lp_value *keys = mem_malloc(sizeof(lp_value) * limit);
    lp_value *vals = withvalues ? mem_malloc(sizeof(lp_value) * limit) : NULL;
    while (count && !(c->flags & CLIENT_CLOSE_ASAP)) {
        unsigned long n = count < limit ? count : limit;
        count -= n;
        lp_random_pairs(o->ptr, (unsigned int)n, keys, vals);
        for (unsigned long i = 0; i < n; i++)
            reply_lp_pair(c, &keys[i], vals ? &vals[i] : NULL);
    }
    mem_free(keys);
    mem_free(vals);
}

static void randfield_all(struct client *c, vobj *o, int withvalues)
{
    struct hash_iter it;
    hash_iter_init(&it, o);
    while (hash_iter_next(&it) == 0) {
        if (withvalues && c->resp > 2)
            reply_array_len(c, 2);
        reply_iter_part(c, &it, 0);
        if (withvalues)
            reply_iter_part(c, &it, 1);
    }
    hash_iter_release(&it);
}

static void randfield_unique_listpack(struct client *c, vobj *o, unsigned long count,
                                      int withvalues)
{
    lp_value *keys = mem_malloc(sizeof(lp_value) * count);
    lp_value *vals = withvalues ? mem_malloc(sizeof(lp_value) * count) : NULL;
    unsigned int n = lp_random_pairs_unique(o->ptr, (unsigned int)count, keys, vals);
    for (unsigned int i = 0; i < n; i++)
        reply_lp_pair(c, &keys[i], vals ? &vals[i] : NULL);
    mem_free(keys);
    mem_free(vals);
}

/* count is close to the size: take every entry, drop random ones. */
static void randfield_unique_by_removal(struct client *c, dict *d, unsigned long count,
                                        int withvalues)
{
    size_t size = dict_size(d);
    dict_entry **all = mem_malloc(sizeof(*all) * size);
    size_t n = 0;
    dict_iter it;
    dict_iter_init(&it, d, 0);
    for (dict_entry *de; (de = dict_iter_next(&it));)
        all[n++] = de;
    dict_iter_release(&it);
    while (n > count) {
        size_t victim = (size_t)random() % n;
        all[victim] = all[--n];
    }
    for (size_t i = 0; i < n; i++)
        reply_de_pair(c, all[i], withvalues);
    mem_free(all);
}

/* count is small next to the size: pick at random, skip repeats. */
static void randfield_unique_by_picking(struct client *c, dict *d, unsigned long count,
                                        int withvalues)
{
    /* The seen set borrows the hash's field strings; it owns nothing. */
    static const struct dict_type seen_type = {0};
    dict *seen = dict_new(&seen_type);
    dict_expand(seen, count);
    while (dict_size(seen) < count) {
        dict_entry *de = dict_fair_random(d);
        if (!dict_add(seen, de->key, NULL))
            continue;
        reply_de_pair(c, de, withvalues);
    }
    dict_free(seen);
}

static void randfield_unique(struct client *c, vobj *o, unsigned long count, int withvalues)
{
    unsigned long size = hash_type_length(o);
    reply_randfield_len(c, count < size ? count : size, withvalues);
    if (count >= size)
        randfield_all(c, o, withvalues);
    else if (o->encoding == OBJ_ENC_LISTPACK)
        randfield_unique_listpack(c, o, count, withvalues);
    else if (count * RANDFIELD_SUB_STRATEGY_MUL > size)
        randfield_unique_by_removal(c, o->ptr, count, withvalues);
    else
        randfield_unique_by_picking(c, o->ptr, count, withvalues);
}

static void randfield_with_count(struct client *c, long count, int withvalues)
{
    vobj *o;
    if (lookup_read(c, &o) < 0)
        return;
    if (!o || count == 0) {
        reply_array_len(c, 0);
        return;
    }
    if (count < 0)
        randfield_with_repeats(c, o, (unsigned long)-count, withvalues);
    else if (count == 1)
        randfield_with_repeats(c, o, 1, withvalues);
    else
        randfield_unique(c, o, (unsigned long)count, withvalues);
}

static void reply_random_field(struct client *c, vobj *o)
{
    if (o->encoding == OBJ_ENC_HT) {
        dict_entry *de = dict_fair_random(o->ptr);
        reply_bulk(c, de->key, vstr_len(de->key));
        return;
    }
    lp_value k;
    lp_random_pair(o->ptr, hash_type_length(o), &k, NULL);
    reply_lp_value(c, &k);
}

static void hrandfield_command(struct client *c)
{
    if (c->argc == 2) {
        vobj *o = db_lookup_read_or_reply(c, KEY(c), OBJ_HASH);
        if (o)
            reply_random_field(c, o);
        return;
    }
    long long count;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &count) < 0) {
        reply_error_not_integer(c);
        return;
    }
    if (count < -LONG_MAX) {
        reply_error_fmt(c, "value is out of range, value must between %ld and %ld", -LONG_MAX,
                        LONG_MAX);
        return;
    }
    if (c->argc > 4 || (c->argc == 4 && !client_arg_is(c, 3, "withvalues"))) {
        reply_error_syntax(c);
        return;
    }
    int withvalues = c->argc == 4;
    /* The reply carries two elements per pick. */
    if (withvalues && (count < -LONG_MAX / 2 || count > LONG_MAX / 2)) {
        reply_error(c, "value is out of range");
        return;
    }
    randfield_with_count(c, (long)count, withvalues);
}

/* ---- HSCAN ---- */

static void collect_pair(void *ctx, const dict_entry *de)
{
    const struct scan_collect *sc = ctx;
    size_t len = vstr_len(de->key);
    if (!scan_match(sc->opts, de->key, len))
        return;
    scan_batch_add(sc->batch, de->key, len);
    scan_batch_add(sc->batch, de->v.val, vstr_len(de->v.val));
}

/* A listpack hash is small: all of it goes out in one call, cursor 0. */
static void collect_listpack(vobj *o, const struct scan_options *opts, struct scan_batch *batch)
{
    struct hash_iter it;
    hash_iter_init(&it, o);
    while (hash_iter_next(&it) == 0) {
        size_t flen, vlen;
        const char *f = hash_iter_field(&it, &flen);
        if (!scan_match(opts, f, flen))
            continue;
        scan_batch_add(batch, f, flen);
        const char *v = hash_iter_value(&it, &vlen);
        scan_batch_add(batch, v, vlen);
    }
    hash_iter_release(&it);
}

static void hscan_command(struct client *c)
{
    unsigned long cursor;
    if (scan_parse_cursor(c, 2, &cursor) < 0)
        return;
    vobj *o;
    if (lookup_read(c, &o) < 0)
        return;
    struct scan_batch batch;
    scan_batch_init(&batch);
    if (!o) {
        scan_reply(c, 0, &batch);
        return;
    }
    struct scan_options opts;
    if (scan_parse_options(c, 3, 0, &opts) < 0)
        return;
    if (o->encoding == OBJ_ENC_LISTPACK) {
        collect_listpack(o, &opts, &batch);
        cursor = 0;
    } else {
        struct scan_collect sc = {.opts = &opts, .batch = &batch};
        cursor = scan_dict(o->ptr, cursor, opts.count, collect_pair, &sc);
    }
    scan_reply(c, cursor, &batch);
    scan_batch_free(&batch);
}

/* ---- the table ---- */

/* Every hash command takes one key, argv[1], and is in the "hash" group. */
#define HASH_KEY1 .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash"

struct command hash_commands[] = {
    {.name = "hset",
     .proc = hset_command,
     .arity = -4,
     .flags = "write denyoom fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Set the string value of a hash field",
     .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs when "
                   "the command is called with multiple field/value pairs."},
    {.name = "hsetnx",
     .proc = hsetnx_command,
     .arity = 4,
     .flags = "write denyoom fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Set the value of a hash field, only if the field does not exist",
     .complexity = "O(1)"},
    {.name = "hget",
     .proc = hget_command,
     .arity = 3,
     .flags = "readonly fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Get the value of a hash field",
     .complexity = "O(1)"},
    {.name = "hmset",
     .proc = hmset_command,
     .arity = -4,
     .flags = "write denyoom fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Set multiple hash fields to multiple values",
     .complexity = "O(N) where N is the number of fields being set."},
    {.name = "hmget",
     .proc = hmget_command,
     .arity = -3,
     .flags = "readonly fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Get the values of all the given hash fields",
     .complexity = "O(N) where N is the number of fields being requested."},
    {.name = "hgetall",
     .proc = hgetall_command,
     .arity = 2,
     .flags = "readonly",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Get all the fields and values in a hash",
     .complexity = "O(N) where N is the size of the hash."},
    {.name = "hdel",
     .proc = hdel_command,
     .arity = -3,
     .flags = "write fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Delete one or more hash fields",
     .complexity = "O(N) where N is the number of fields to be removed."},
    {.name = "hlen",
     .proc = hlen_command,
     .arity = 2,
     .flags = "readonly fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Get the number of fields in a hash",
     .complexity = "O(1)"},
    {.name = "hexists",
     .proc = hexists_command,
     .arity = 3,
     .flags = "readonly fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Determine if a hash field exists",
     .complexity = "O(1)"},
    {.name = "hkeys",
     .proc = hkeys_command,
     .arity = 2,
     .flags = "readonly",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Get all the fields in a hash",
     .complexity = "O(N) where N is the size of the hash."},
    {.name = "hvals",
     .proc = hvals_command,
     .arity = 2,
     .flags = "readonly",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Get all the values in a hash",
     .complexity = "O(N) where N is the size of the hash."},
    {.name = "hincrby",
     .proc = hincrby_command,
     .arity = 4,
     .flags = "write denyoom fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.0.0",
     .summary = "Increment the integer value of a hash field by the given number",
     .complexity = "O(1)"},
    {.name = "hincrbyfloat",
     .proc = hincrbyfloat_command,
     .arity = 4,
     .flags = "write denyoom fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.6.0",
     .summary = "Increment the float value of a hash field by the given amount",
     .complexity = "O(1)"},
    {.name = "hstrlen",
     .proc = hstrlen_command,
     .arity = 3,
     .flags = "readonly fast",
     .acl = "@hash",
     HASH_KEY1,
     .since = "3.2.0",
     .summary = "Get the length of the value of a hash field",
     .complexity = "O(1)"},
    {.name = "hrandfield",
     .proc = hrandfield_command,
     .arity = -2,
     .flags = "readonly",
     .acl = "@hash",
     HASH_KEY1,
     .since = "6.2.0",
     .summary = "Get one or multiple random fields from a hash",
     .complexity = "O(N) where N is the number of fields returned"},
    {.name = "hscan",
     .proc = hscan_command,
     .arity = -3,
     .flags = "readonly",
     .acl = "@hash",
     HASH_KEY1,
     .since = "2.8.0",
     .summary = "Incrementally iterate hash fields and associated values",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                   "command calls for the cursor to return back to 0. N is the number of "
                   "elements inside the collection.."},
    {0},
};
