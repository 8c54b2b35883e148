/* t_hash — the hash type: its two encodings and the H* commands.
 *
 * A hash starts as a listpack of field, value, field, value... entries and
 * becomes a dict (field vstr -> value vstr) once it holds more than
 * hash-max-listpack-entries pairs or a field or value longer than
 * hash-max-listpack-value bytes.  The conversion is one-way, as in Redis.
 *
 * Besides the command table, this header is the API persistence and
 * replication use to build hashes (RDB loading) and to walk them (RDB
 * saving, AOF rewrite) without knowing the encoding.
 */
#ifndef VIGIL_T_HASH_H
#define VIGIL_T_HASH_H

#include "commands.h"
#include "dict.h"
#include "listpack.h"
#include "object.h"

#include <stddef.h>

extern struct command hash_commands[];

/* Registers the hash type's free/dup/mem_usage/length with object.c. */
void hash_init(void);

/* An empty listpack-encoded hash (refcount 1). */
vobj *hash_type_create(void);
/* Number of field/value pairs. */
size_t hash_type_length(const vobj *o);
/* Adds or updates a field, converting the encoding when a threshold is
 * crossed; returns 1 if the field existed (value replaced), 0 if added. */
int hash_type_set(vobj *o, const char *field, size_t flen, const char *value, size_t vlen);
/* Removes a field; 1 if it was there, else 0. */
int hash_type_delete(vobj *o, const char *field, size_t flen);
/* Converts a listpack hash to the hashtable encoding; -1 (and o left
 * unchanged) if the listpack repeats a field. */
int hash_type_convert(vobj *o);
/* Checks an untrusted listpack blob of size bytes as a hash payload: well
 * formed, an even number of entries, no repeated field.  0 or -1. */
int hash_listpack_validate(unsigned char *lp, size_t size);

/* Walks the pairs of a hash in encoding order.  The hash must not be
 * modified while an iterator is live. */
struct hash_iter {
    vobj *o;
    unsigned char *fptr, *vptr; /* listpack: the current field and value */
    int started;
    dict_iter di; /* hashtable */
    dict_entry *de;
    unsigned char fbuf[LP_INTBUF_SIZE], vbuf[LP_INTBUF_SIZE];
};

void hash_iter_init(struct hash_iter *it, vobj *o);
/* Moves to the next pair: 0, or -1 when there are no more. */
int hash_iter_next(struct hash_iter *it);
/* The current pair's bytes; valid until the next hash_iter_next(). */
const char *hash_iter_field(struct hash_iter *it, size_t *len);
const char *hash_iter_value(struct hash_iter *it, size_t *len);
void hash_iter_release(struct hash_iter *it);

#endif
