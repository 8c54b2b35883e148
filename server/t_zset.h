/* t_zset — sorted sets: the Z* commands and the zset value type.
 *
 * Besides the command table this exports what other modules need:
 * building and walking a zset whatever its encoding (RDB save/load, SORT),
 * and the pop core that the blocking commands (BZPOPMIN, BZPOPMAX, BZMPOP)
 * call once a key they wait for has members.
 */
#ifndef VIGIL_T_ZSET_H
#define VIGIL_T_ZSET_H

#include "commands.h"
#include "listpack.h"
#include "object.h"

#include <stddef.h>

struct client;
struct zsl_node;

extern struct command zset_commands[];

/* Registers the zset value type with object.c; called at startup. */
void zset_init(void);

/* ---- the value type ---- */

/* An empty zset in the encoding a set of size_hint members of at most
 * max_member_len bytes calls for (listpack within the
 * zset-max-listpack-* limits, skiplist otherwise). */
vobj *zset_type_create(size_t size_hint, size_t max_member_len);
/* Adds a member that must not be present yet, converting the encoding when
 * a limit is crossed: 0, or -1 for a duplicate member or a NaN score (a
 * corrupt payload when loading). */
int zset_type_add(vobj *o, double score, const char *member, size_t len);
/* Moves a listpack zset that exceeds the zset-max-listpack-* limits to the
 * skiplist encoding (after loading a listpack blob verbatim). */
void zset_type_fit_encoding(vobj *o);
/* Checks an untrusted zset listpack of size bytes: well formed, an even
 * number of entries, every score a valid non-NaN number and, with deep,
 * no duplicate member.  0 if valid, else -1. */
int zset_listpack_validate(unsigned char *lp, size_t size, int deep);
unsigned long zset_length(const vobj *o);

/* One element as an iterator hands it out.  The member points into the
 * zset (or into buf for integers a listpack stores as numbers) and is
 * valid until the zset is modified. */
struct zset_elem {
    const char *member;
    size_t len;
    double score;
    unsigned char buf[LP_INTBUF_SIZE];
};

/* Walks a zset in score order, or from the highest score down with
 * reverse; the zset must not change meanwhile.  No release needed. */
struct zset_iter {
    vobj *o;
    unsigned char *eptr;   /* listpack: the member entry of the next element */
    struct zsl_node *node; /* skiplist: the next node */
    int reverse;
};

/* Converts a listpack sorted set to the skiplist encoding (SORT does, as in
 * Redis); a no-op on a skiplist. */
void zset_convert_to_skiplist(vobj *o);

void zset_iter_init(struct zset_iter *it, vobj *o, int reverse);
/* 1 and *e filled with the next element, or 0 at the end. */
int zset_iter_next(struct zset_iter *it, struct zset_elem *e);

/* ---- popping, shared with the blocking commands ---- */

#define ZSET_MIN 0
#define ZSET_MAX 1

/* Reply shapes, as Redis 7.0 answers each popping command. */
enum zset_pop_shape {
    ZSET_POP_FLAT,       /* ZPOPMIN/ZPOPMAX: [member, score, ...] */
    ZSET_POP_NESTED,     /* ZPOPMIN/ZPOPMAX with COUNT in RESP3: [[member, score], ...] */
    ZSET_POP_FLAT_KEY,   /* BZPOPMIN/BZPOPMAX: [key, member, score] */
    ZSET_POP_NESTED_KEY, /* ZMPOP/BZMPOP: [key, [[member, score], ...]] */
};

/* Pops up to count (>= 1) members from the lowest (ZSET_MIN) or highest
 * (ZSET_MAX) end of the non-empty zset o stored at key, replies in shape,
 * and does the bookkeeping: `zpopmin`/`zpopmax` event, `del` when emptied,
 * WATCH signal, server.dirty per member. */
void zset_pop_reply(struct client *c, vobj *o, const char *key, size_t keylen, int where,
                    long count, enum zset_pop_shape shape);

/* Parses "numkeys key [key ...] MIN|MAX [COUNT count]" starting at
 * argument numkeys_idx (ZMPOP: 1, BZMPOP: 2), replying Redis's error and
 * returning -1 when invalid.  count is 1 without COUNT. */
int zset_parse_mpop(struct client *c, int numkeys_idx, long *numkeys, int *where, long *count);

#endif
