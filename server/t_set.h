/* t_set — the set type: its two encodings and the S* commands.
 *
 * As in Redis 7.0 a set is either an intset (every member a canonical
 * 64-bit integer and at most set-max-intset-entries members; o->ptr is the
 * intset blob) or a hashtable (a dict of member vstr with no values).  The
 * conversion is one-way, except that SPOP with a count close to the size
 * rebuilds the remaining members as a fresh set, which may be an intset.
 *
 * Besides the command table this header is what other modules use to build
 * sets (RDB loading) and to walk them (RDB saving, AOF rewrite, SORT)
 * without knowing the encoding.
 */
#ifndef VIGIL_T_SET_H
#define VIGIL_T_SET_H

#include "commands.h"
#include "dict.h"
#include "intset.h"
#include "object.h"

#include <stddef.h>
#include <stdint.h>

extern struct command set_commands[];

/* Registers the set type's free/dup/mem_usage/length with object.c. */
void set_init(void);

/* An empty set (refcount 1) in the encoding that first_member and an
 * expected size of size_hint members call for: an intset when the member
 * is an integer and size_hint fits set-max-intset-entries, else a
 * hashtable presized for size_hint.  The member itself is not added. */
vobj *set_type_create(const char *first_member, size_t len, size_t size_hint);
/* Wraps an intset (RDB's verbatim blob, already validated) as a set,
 * converting it to a hashtable if it exceeds set-max-intset-entries. */
vobj *set_type_from_intset(intset *is);
/* Adds a member, converting the encoding when needed: 1 if added, 0 if it
 * was already there. */
int set_type_add(vobj *o, const char *member, size_t len);
/* 1 if the member was there and is removed, else 0. */
int set_type_remove(vobj *o, const char *member, size_t len);
int set_type_is_member(vobj *o, const char *member, size_t len);
size_t set_type_size(const vobj *o);

/* One member as an iterator or a random pick hands it out: the bytes in
 * p/len (an intset member is rendered into buf, and also given in ival). */
struct set_elem {
    const char *p;
    size_t len;
    int is_int;
    int64_t ival;
    char buf[24];
};

/* Walks the members in encoding order (ascending for an intset).  The set
 * must not be modified while an iterator is live. */
struct set_iter {
    vobj *o;
    uint32_t pos; /* intset */
    dict_iter di; /* hashtable */
};

void set_iter_init(struct set_iter *it, vobj *o);
/* Fills e with the next member: 0, or -1 when there are no more. */
int set_iter_next(struct set_iter *it, struct set_elem *e);
void set_iter_release(struct set_iter *it);

#endif
