/* object — value objects and string encodings; see object.h. */
#include "object.h"

#include "mem.h"
#include "numconv.h"

#include <string.h>

static vobj shared_integers[OBJ_SHARED_INTEGERS];
static const struct obj_type_ops *type_ops[OBJ_HASH + 1];

void obj_init_shared(void)
{
    for (long i = 0; i < OBJ_SHARED_INTEGERS; i++) {
        shared_integers[i].type = OBJ_STRING;
        shared_integers[i].encoding = OBJ_ENC_INT;
        shared_integers[i].refcount = OBJ_SHARED_REFCOUNT;
        shared_integers[i].ptr = (void *)(intptr_t)i;
    }
}

void obj_register_type(enum obj_type type, const struct obj_type_ops *ops)
{
    type_ops[type] = ops;
}

const struct obj_type_ops *obj_type_ops(enum obj_type type)
{
    return type <= OBJ_HASH ? type_ops[type] : NULL;
}

vobj *obj_new(enum obj_type type, enum obj_encoding enc, void *ptr)
{
    vobj *o = mem_malloc(sizeof *o);
    o->type = type;
    o->encoding = enc;
    o->lru = 0;
    o->refcount = 1;
    o->ptr = ptr;
    return o;
}

static vobj *new_embstr(const char *p, size_t len)
{
    vobj *o = mem_malloc(sizeof *o + VSTR_INLINE_OVERHEAD + len);
    o->type = OBJ_STRING;
    o->encoding = OBJ_ENC_EMBSTR;
    o->lru = 0;
    o->refcount = 1;
    o->ptr = vstr_init_at(o + 1, p, len);
    return o;
}

vobj *obj_new_string(const char *p, size_t len)
{
    if (len <= OBJ_EMBSTR_MAX)
        return new_embstr(p, len);
    return obj_new(OBJ_STRING, OBJ_ENC_RAW, vstr_new(p, len));
}

vobj *obj_new_string_from_ll(long long value)
{
    if (value >= 0 && value < OBJ_SHARED_INTEGERS)
        return &shared_integers[value];
    return obj_new(OBJ_STRING, OBJ_ENC_INT, (void *)(intptr_t)value);
}

vobj *obj_new_string_encoded(const char *p, size_t len)
{
    long long v;
    if (len <= 20 && numconv_to_ll(p, len, &v) == 0)
        return obj_new_string_from_ll(v);
    return obj_new_string(p, len);
}

vobj *obj_dup_string(const vobj *o)
{
    if (o->encoding == OBJ_ENC_INT)
        return obj_new(OBJ_STRING, OBJ_ENC_INT, o->ptr);
    return obj_new_string(o->ptr, vstr_len(o->ptr));
}

vobj *obj_unshare_string(vobj *o)
{
    if (o->refcount == 1 && o->encoding == OBJ_ENC_RAW)
        return o;
    char buf[32];
    size_t len;
    const char *p = obj_string_view(o, buf, &len);
    return obj_new(OBJ_STRING, OBJ_ENC_RAW, vstr_new(p, len));
}

void obj_incr_ref(vobj *o)
{
    if (o->refcount != OBJ_SHARED_REFCOUNT)
        o->refcount++;
}

static void free_payload(vobj *o)
{
    if (o->type == OBJ_STRING) {
        if (o->encoding == OBJ_ENC_RAW)
            vstr_free(o->ptr);
        return;
    }
    if (type_ops[o->type])
        type_ops[o->type]->free(o);
}

void obj_decr_ref(vobj *o)
{
    if (o->refcount == OBJ_SHARED_REFCOUNT)
        return;
    if (--o->refcount == 0) {
        free_payload(o);
        mem_free(o);
    }
}

void obj_free_value(void *o)
{
    obj_decr_ref(o);
}

const char *obj_string_view(const vobj *o, char *buf, size_t *len)
{
    if (o->encoding == OBJ_ENC_INT) {
        *len = numconv_ll_to_str(buf, (long long)(intptr_t)o->ptr);
        buf[*len] = '\0';
        return buf;
    }
    *len = vstr_len(o->ptr);
    return o->ptr;
}

size_t obj_string_len(const vobj *o)
{
    if (o->encoding == OBJ_ENC_INT) {
        char buf[32];
        return numconv_ll_to_str(buf, (long long)(intptr_t)o->ptr);
    }
    return vstr_len(o->ptr);
}

int obj_get_ll(const vobj *o, long long *out)
{
    if (o->encoding == OBJ_ENC_INT) {
        *out = (long long)(intptr_t)o->ptr;
        return 0;
    }
    return numconv_to_ll(o->ptr, vstr_len(o->ptr), out);
}

int obj_get_long_double(const vobj *o, long double *out)
{
    if (o->encoding == OBJ_ENC_INT) {
        *out = (long double)(intptr_t)o->ptr;
        return 0;
    }
    return numconv_to_long_double(o->ptr, vstr_len(o->ptr), out);
}

const char *obj_type_name(const vobj *o)
{
    static const char *const names[] = {"string", "list", "set", "zset", "hash"};
    return o->type <= OBJ_HASH ? names[o->type] : "unknown";
}

const char *obj_encoding_name(unsigned encoding)
{
    static const char *const names[] = {"raw",        "int",      "hashtable", "zipmap",
                                        "linkedlist", "ziplist",  "intset",    "skiplist",
                                        "embstr",     "quicklist", "stream",   "listpack"};
    return encoding < sizeof names / sizeof names[0] ? names[encoding] : "unknown";
}

size_t obj_mem_usage(const vobj *o)
{
    if (o->type == OBJ_STRING) {
        if (o->encoding == OBJ_ENC_RAW)
            return mem_size(o) + vstr_alloc_size(o->ptr);
        return mem_size(o);
    }
    const struct obj_type_ops *ops = type_ops[o->type];
    return mem_size(o) + (ops && ops->mem_usage ? ops->mem_usage(o) : 0);
}

/* Entries looked at to estimate a big hashtable's size (MEMORY USAGE's
 * default sampling in Redis). */
#define DICT_MEM_SAMPLES 64

size_t obj_dict_mem_usage(dict *d, int with_values)
{
    size_t sampled = 0, bytes = 0;
    dict_iter it;
    dict_iter_init(&it, d, 0);
    for (dict_entry *de; sampled < DICT_MEM_SAMPLES && (de = dict_iter_next(&it)); sampled++) {
        bytes += mem_size(de) + vstr_alloc_size(de->key);
        if (with_values)
            bytes += vstr_alloc_size(de->v.val);
    }
    dict_iter_release(&it);
    size_t total = dict_mem_usage(d);
    if (sampled)
        total += bytes / sampled * dict_size(d);
    return total;
}

vobj *obj_dup(const vobj *o)
{
    if (o->type == OBJ_STRING)
        return obj_dup_string(o);
    return type_ops[o->type]->dup(o);
}
