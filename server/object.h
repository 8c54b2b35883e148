/* object — the values stored in the keyspace.
 *
 * Every value is a vobj: its type (string, list, ...), its encoding (how
 * the type is laid out in memory, reported by OBJECT ENCODING), the LRU
 * clock or LFU counter of its last access, a reference count and a pointer
 * to the encoded data.  Strings have three encodings, as in Redis:
 *   int    — the value is a 64-bit integer kept in the pointer itself;
 *   embstr — short strings, the vstr allocated together with the object;
 *   raw    — a separately allocated vstr.
 */
#ifndef VIGIL_OBJECT_H
#define VIGIL_OBJECT_H

#include "dict.h"
#include "vstr.h"

#include <limits.h>
#include <stddef.h>

/* Type and encoding numbers are Redis's (they appear in RDB files). */
enum obj_type { OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4 };

enum obj_encoding {
    OBJ_ENC_RAW = 0,
    OBJ_ENC_INT = 1,
    OBJ_ENC_HT = 2,
    OBJ_ENC_ZIPMAP = 3,
    OBJ_ENC_LINKEDLIST = 4,
    OBJ_ENC_ZIPLIST = 5,
    OBJ_ENC_INTSET = 6,
    OBJ_ENC_SKIPLIST = 7,
    OBJ_ENC_EMBSTR = 8,
    OBJ_ENC_QUICKLIST = 9,
    OBJ_ENC_STREAM = 10,
    OBJ_ENC_LISTPACK = 11,
};

#define OBJ_LRU_BITS 24
#define OBJ_SHARED_REFCOUNT INT_MAX
/* Strings up to this length are embstr-encoded (the object then fits 64 bytes). */
#define OBJ_EMBSTR_MAX 44
/* Integers 0..9999 are shared objects, as in Redis. */
#define OBJ_SHARED_INTEGERS 10000

typedef struct vobj {
    unsigned type : 4;
    unsigned encoding : 4;
    unsigned lru : OBJ_LRU_BITS;
    int refcount;
    void *ptr;
} vobj;

void obj_init_shared(void);

vobj *obj_new(enum obj_type type, enum obj_encoding enc, void *ptr);
vobj *obj_new_string(const char *p, size_t len);
vobj *obj_new_string_from_ll(long long value);
/* A string value, converted to the int encoding when it holds a canonical integer. */
vobj *obj_new_string_encoded(const char *p, size_t len);
vobj *obj_dup_string(const vobj *o);
/* A private raw copy, safe to modify in place (APPEND, SETRANGE). */
vobj *obj_unshare_string(vobj *o);

void obj_incr_ref(vobj *o);
void obj_decr_ref(vobj *o);
/* dict value destructor. */
void obj_free_value(void *o);

/* The bytes of a string object; int values are rendered into buf (>= 21 bytes). */
const char *obj_string_view(const vobj *o, char *buf, size_t *len);
size_t obj_string_len(const vobj *o);
/* 0 with *out set if the string is a canonical integer, else -1. */
int obj_get_ll(const vobj *o, long long *out);
int obj_get_long_double(const vobj *o, long double *out);

const char *obj_type_name(const vobj *o);
const char *obj_encoding_name(unsigned encoding);
/* Approximate bytes used by the value (MEMORY USAGE, lazy-free decisions). */
size_t obj_mem_usage(const vobj *o);
/* For a type's mem_usage op: a hashtable of vstr keys (and vstr values if
 * with_values), its entries estimated from a sample of them. */
size_t obj_dict_mem_usage(dict *d, int with_values);

/* Registered by each collection type so object.c stays type-agnostic. */
struct obj_type_ops {
    void (*free)(vobj *o);
    vobj *(*dup)(const vobj *o);
    size_t (*mem_usage)(const vobj *o);
    /* Number of elements: decides lazy freeing of big values. */
    size_t (*length)(const vobj *o);
};
void obj_register_type(enum obj_type type, const struct obj_type_ops *ops);
const struct obj_type_ops *obj_type_ops(enum obj_type type);
/* A deep copy of any value (COPY). */
vobj *obj_dup(const vobj *o);

#endif
