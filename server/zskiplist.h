/* zskiplist — the ordered half of a large sorted set (OBJECT ENCODING
 * "skiplist"); the server pairs it with a hash table member -> score.
 *
 * Elements are ordered by score, then by member bytes (memcmp order).  Each
 * forward link records its span — how many elements it jumps — so ranks are
 * found in O(log n) as well as scores.  Levels are drawn with p = 1/4 up to
 * ZSL_MAX_LEVEL; level 0 is a plain doubly linked list that callers may walk
 * through `level[0].forward` and `backward`.
 *
 * Ownership: a node owns its member vstr.  zsl_insert() takes the member it
 * is given; freeing the node (zsl_delete, the range deletes, zsl_free,
 * zsl_node_free) frees the member.  The server may borrow that pointer — as
 * the key of its member -> score table, say — for as long as the node lives;
 * zsl_update_score() keeps the very same member pointer even when it has to
 * relocate the element, so such borrowed keys stay valid across updates.
 *
 * Preconditions left to the caller (who checks them with the hash table):
 * a member is inserted at most once, the (score, member) passed to
 * delete/update is present, and no score is NaN.
 */
#ifndef VIGIL_ZSKIPLIST_H
#define VIGIL_ZSKIPLIST_H

#include "vstr.h"

#include <stddef.h>

#define ZSL_MAX_LEVEL 32

struct zsl_node {
    vstr member;
    double score;
    struct zsl_node *backward;
    struct zsl_level {
        struct zsl_node *forward;
        unsigned long span;
    } level[];
};

struct zsl {
    struct zsl_node *header; /* sentinel before the first element, no member */
    struct zsl_node *tail;
    unsigned long length;
    int level;
};

/* A score interval; minex / maxex make that end exclusive. */
struct zrange_spec {
    double min, max;
    int minex, maxex;
};

/* A member interval for the *BYLEX commands.  An end is either a string
 * (owned by the spec, exclusive when minex / maxex is set) or, when the
 * string is NULL, an infinity: inf -1 for "-" (below every member), +1 for
 * "+" (above every member). */
struct zlex_spec {
    vstr min, max;
    int minex, maxex;
    int mininf, maxinf;
};

/* Called on each member a range delete removes, before the node (and the
 * member with it) is freed, so the server can drop it from its table. */
typedef void (*zsl_removed_fn)(vstr member, double score, void *ctx);

struct zsl *zsl_new(void);
void zsl_free(struct zsl *zsl);
/* Frees a node handed out by zsl_delete(), member included. */
void zsl_node_free(struct zsl_node *node);

struct zsl_node *zsl_insert(struct zsl *zsl, double score, vstr member);
/* Unlinks (score, member): 0, or -1 if absent.  With node_out, the unlinked
 * node is handed to the caller (free it with zsl_node_free); otherwise it is
 * freed here. */
int zsl_delete(struct zsl *zsl, double score, const vstr member, struct zsl_node **node_out);
/* Changes the score of (cur_score, member); returns its node, which is the
 * same node when the order is unchanged, or NULL if it is absent. */
struct zsl_node *zsl_update_score(struct zsl *zsl, double cur_score, const vstr member,
                                  double new_score);

/* 1-based rank of (score, member), 0 if absent. */
unsigned long zsl_rank(const struct zsl *zsl, double score, const vstr member);
/* Node at 1-based rank, NULL if out of range. */
struct zsl_node *zsl_by_rank(const struct zsl *zsl, unsigned long rank);

/* A quick overlap test: 0 when the range is empty or lies wholly before the
 * first or after the last element, else 1 — which only says an element MAY
 * be inside (the range can fall in a gap); zsl_first_in_range() decides. */
int zsl_is_in_range(const struct zsl *zsl, const struct zrange_spec *range);
struct zsl_node *zsl_first_in_range(const struct zsl *zsl, const struct zrange_spec *range);
struct zsl_node *zsl_last_in_range(const struct zsl *zsl, const struct zrange_spec *range);

/* Lex ranges assume all scores are equal, as the *BYLEX commands require.
 * zsl_is_in_lex_range is the same quick overlap test as zsl_is_in_range. */
int zsl_is_in_lex_range(const struct zsl *zsl, const struct zlex_spec *range);
struct zsl_node *zsl_first_in_lex_range(const struct zsl *zsl, const struct zlex_spec *range);
struct zsl_node *zsl_last_in_lex_range(const struct zsl *zsl, const struct zlex_spec *range);

/* Each returns how many elements it removed, calling removed (may be NULL)
 * on each.  Ranks are 1-based and inclusive. */
unsigned long zsl_delete_range_by_score(struct zsl *zsl, const struct zrange_spec *range,
                                        zsl_removed_fn removed, void *ctx);
unsigned long zsl_delete_range_by_lex(struct zsl *zsl, const struct zlex_spec *range,
                                      zsl_removed_fn removed, void *ctx);
unsigned long zsl_delete_range_by_rank(struct zsl *zsl, unsigned long start, unsigned long end,
                                       zsl_removed_fn removed, void *ctx);

/* Parse the min / max arguments of ZRANGEBYSCORE and friends: a number as
 * strtod() reads it ("inf", "-inf", "1e3", ...), "(" in front for an
 * exclusive end.  -1 (and the server replies "ERR min or max is not a
 * float") on anything else, NaN included. */
int zsl_parse_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                    struct zrange_spec *spec);
/* Parse the min / max of ZRANGEBYLEX and friends: "[x", "(x", "-" or "+".
 * -1 on anything else (the server replies "ERR min or max not valid string
 * range item"); on 0 the spec owns strings: release with zsl_free_lex_range. */
int zsl_parse_lex_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                        struct zlex_spec *spec);
void zsl_free_lex_range(struct zlex_spec *spec);

#endif
