/* t_zset — sorted sets over Redis 7.0's two encodings.
 *
 *   listpack  member, score, member, score ... ordered by score, then by
 *             member bytes.  An integral score within +-2^62 is stored as a
 *             listpack integer, any other as its %.17g text, exactly as
 *             redis-server writes it (RDB and DUMP carry the blob verbatim).
 *             Used while the set has at most zset-max-listpack-entries
 *             members of at most zset-max-listpack-value bytes.
 *   skiplist  a zsl (score order, spans for O(log n) ranks) plus a dict
 *             member -> score (v.d) whose keys borrow the member vstr owned
 *             by the skiplist node, so a member is stored once.
 *
 * A zset moves from listpack to skiplist when it outgrows a limit and never
 * back; only the *STORE commands pick the encoding of the set they build
 * from its final size, as Redis does.
 *
 * Commands reach elements through struct zset_iter, which hides the
 * encoding: the range, pop and set-operation code is written once.  The
 * file reads top-down: encodings and the value type, element access,
 * then the commands grouped as Redis documents them.
 */
#include "t_zset.h"

#include "client.h"
#include "db.h"
#include "dict.h"
#include "intset.h"
#include "mem.h"
#include "notify.h"
#include "numconv.h"
#include "reply.h"
#include "scan.h"
#include "server.h"
#include "zskiplist.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The skiplist encoding's payload. */
struct zset_big {
    dict *dict; /* member (borrowed from the node) -> score in v.d */
    struct zsl *zsl;
};

/* The dict neither owns its keys (the skiplist does) nor has values. */
static const struct dict_type zset_dict_type = {0};

/* Negative ZRANDMEMBER counts are served in batches of this many picks. */
#define RANDOM_SAMPLE_BATCH 1000

/* ---- helpers on bytes and scores ---- */

/* memcmp order, a prefix sorting first: the order of members. */
static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t min = alen < blen ? alen : blen;
    int c = min ? memcmp(a, b, min) : 0;
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

/* Redis keeps a score as a listpack integer when it is integral and well
 * inside the range of long long. */
static int score_as_ll(double d, long long *out)
{
    if (d < (double)(-LLONG_MAX / 2) || d > (double)(LLONG_MAX / 2))
        return 0;
    long long ll = (long long)d;
    if ((double)ll != d)
        return 0;
    *out = ll;
    return 1;
}

/* The text a score is stored as in a listpack; buf >= 32 bytes. */
static size_t score_to_lp_text(char *buf, double d)
{
    long long ll;
    if (score_as_ll(d, &ll))
        return numconv_ll_to_str(buf, ll);
    return (size_t)snprintf(buf, 32, "%.17g", d);
}

/* Parses a score text the way the listpack stores it; -1 if it is not a
 * number (only an unvalidated blob could hold one). */
static int parse_lp_score_text(const unsigned char *s, uint32_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    *out = strtod(buf, &end);
    return (*end != '\0' || isnan(*out)) ? -1 : 0;
}

/* ---- the listpack encoding ---- */

static double lpz_score(unsigned char *sptr)
{
    int64_t iv;
    uint32_t slen;
    unsigned char *s = lp_get(sptr, &iv, &slen);
    double d = 0;
    if (!s)
        return (double)iv;
    parse_lp_score_text(s, slen, &d);
    return d;
}

static int lpz_member_cmp(unsigned char *eptr, const char *m, size_t len)
{
    unsigned char buf[LP_INTBUF_SIZE];
    uint32_t elen;
    unsigned char *e = lp_get_str(eptr, &elen, buf);
    return bytes_cmp((const char *)e, elen, m, len);
}

/* The member entry of m, or NULL; *score receives its score. */
static unsigned char *lpz_find(unsigned char *lp, const char *m, size_t len, double *score)
{
    unsigned char *p = lp_first(lp);
    if (p)
        p = lp_find(lp, p, (const unsigned char *)m, (uint32_t)len, 1);
    if (p && score)
        *score = lpz_score(lp_next(lp, p));
    return p;
}

/* Inserts (m, score) at its place in the order; m must be absent. */
static unsigned char *lpz_insert(unsigned char *lp, const char *m, size_t len, double score)
{
    char text[32];
    uint32_t tlen = (uint32_t)score_to_lp_text(text, score);
    unsigned char *p = lp_first(lp);
    while (p) {
        unsigned char *sptr = lp_next(lp, p);
        double s = lpz_score(sptr);
        if (s > score || (s == score && lpz_member_cmp(p, m, len) > 0)) {
            unsigned char *newsptr;
            lp = lp_insert(lp, p, (unsigned char *)text, tlen, LP_BEFORE, &newsptr);
            return lp_insert(lp, newsptr, (const unsigned char *)m, (uint32_t)len, LP_BEFORE, NULL);
        }
        p = lp_next(lp, sptr);
    }
    lp = lp_append(lp, (const unsigned char *)m, (uint32_t)len);
    return lp_append(lp, (unsigned char *)text, tlen);
}

/* ---- the skiplist encoding ---- */

static struct zset_big *big_new(size_t size_hint)
{
    struct zset_big *zs = mem_malloc(sizeof *zs);
    zs->dict = dict_new(&zset_dict_type);
    zs->zsl = zsl_new();
    if (size_hint > 1)
        dict_expand(zs->dict, size_hint);
    return zs;
}

static void big_free(struct zset_big *zs)
{
    dict_free(zs->dict);
    zsl_free(zs->zsl);
    mem_free(zs);
}

/* Inserts an absent member; the skiplist takes ownership of it. */
static void big_insert(struct zset_big *zs, double score, vstr member)
{
    struct zsl_node *node = zsl_insert(zs->zsl, score, member);
    dict_entry *de = dict_add(zs->dict, node->member, NULL);
    de->v.d = score;
}

static void big_delete(struct zset_big *zs, const char *m, size_t len)
{
    dict_entry *de = dict_unlink(zs->dict, m, len);
    vstr member = de->key;
    double score = de->v.d;
    dict_free_entry(zs->dict, de);
    zsl_delete(zs->zsl, score, member, NULL);
}

/* zsl range deletes report each removed member so the dict follows. */
static void big_forget_member(vstr member, double score, void *ctx)
{
    (void)score;
    dict_delete(((struct zset_big *)ctx)->dict, member, vstr_len(member));
}

/* ---- the value type ---- */

static vobj *new_listpack_zset(void)
{
    return obj_new(OBJ_ZSET, OBJ_ENC_LISTPACK, lp_new(0));
}

static vobj *new_skiplist_zset(size_t size_hint)
{
    return obj_new(OBJ_ZSET, OBJ_ENC_SKIPLIST, big_new(size_hint));
}

unsigned long zset_length(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return lp_length(o->ptr) / 2;
    return ((const struct zset_big *)o->ptr)->zsl->length;
}

void zset_convert_to_skiplist(vobj *o)
{
    if (o->encoding != OBJ_ENC_LISTPACK)
        return;
    unsigned char *lp = o->ptr;
    struct zset_big *zs = big_new(zset_length(o));
    unsigned char *p = lp_first(lp);
    while (p) {
        unsigned char buf[LP_INTBUF_SIZE];
        uint32_t len;
        unsigned char *m = lp_get_str(p, &len, buf);
        unsigned char *sptr = lp_next(lp, p);
        big_insert(zs, lpz_score(sptr), vstr_new(m, len));
        p = lp_next(lp, sptr);
    }
    lp_free(lp);
    o->ptr = zs;
    o->encoding = OBJ_ENC_SKIPLIST;
}

/* Whether adding a member of len bytes keeps the listpack within limits. */
static int listpack_can_take(const vobj *o, size_t len)
{
    return zset_length(o) + 1 <= (unsigned long)cfg.zset_max_listpack_entries &&
           len <= (size_t)cfg.zset_max_listpack_value && lp_safe_to_add(o->ptr, len + 32);
}

/* Adds an absent member, converting first if the listpack would outgrow. */
static void insert_new(vobj *o, double score, const char *m, size_t len)
{
    if (o->encoding == OBJ_ENC_LISTPACK && !listpack_can_take(o, len))
        zset_convert_to_skiplist(o);
    if (o->encoding == OBJ_ENC_LISTPACK)
        o->ptr = lpz_insert(o->ptr, m, len, score);
    else
        big_insert(o->ptr, score, vstr_new(m, len));
}

/* 0 with *score set if m is a member, else -1. */
static int zset_score(vobj *o, const char *m, size_t len, double *score)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return lpz_find(o->ptr, m, len, score) ? 0 : -1;
    dict_entry *de = dict_find(((struct zset_big *)o->ptr)->dict, m, len);
    if (!de)
        return -1;
    *score = de->v.d;
    return 0;
}

/* Moves a present member to a new score; m must not point into o. */
static void update_score(vobj *o, const char *m, size_t len, double cur, double score)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *eptr = lpz_find(o->ptr, m, len, NULL);
        o->ptr = lp_delete_range_with_entry(o->ptr, &eptr, 2);
        o->ptr = lpz_insert(o->ptr, m, len, score);
        return;
    }
    struct zset_big *zs = o->ptr;
    dict_entry *de = dict_find(zs->dict, m, len);
    zsl_update_score(zs->zsl, cur, de->key, score);
    de->v.d = score;
}

/* 1 if m was removed, 0 if absent. */
static int zset_delete(vobj *o, const char *m, size_t len)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *eptr = lpz_find(o->ptr, m, len, NULL);
        if (!eptr)
            return 0;
        o->ptr = lp_delete_range_with_entry(o->ptr, &eptr, 2);
        return 1;
    }
    struct zset_big *zs = o->ptr;
    if (!dict_find(zs->dict, m, len))
        return 0;
    big_delete(zs, m, len);
    return 1;
}

vobj *zset_type_create(size_t size_hint, size_t max_member_len)
{
    if (size_hint <= (size_t)cfg.zset_max_listpack_entries &&
        max_member_len <= (size_t)cfg.zset_max_listpack_value)
        return new_listpack_zset();
    return new_skiplist_zset(size_hint);
}

int zset_type_add(vobj *o, double score, const char *member, size_t len)
{
    double cur;
    if (isnan(score) || zset_score(o, member, len, &cur) == 0)
        return -1;
    insert_new(o, score, member, len);
    return 0;
}

void zset_type_fit_encoding(vobj *o)
{
    if (o->encoding != OBJ_ENC_LISTPACK)
        return;
    int fits = zset_length(o) <= (unsigned long)cfg.zset_max_listpack_entries;
    unsigned char *lp = o->ptr;
    for (unsigned char *p = lp_first(lp); p && fits; p = lp_next(lp, lp_next(lp, p))) {
        int64_t iv;
        uint32_t len;
        if (lp_get(p, &iv, &len) && len > (uint32_t)cfg.zset_max_listpack_value)
            fits = 0;
    }
    if (!fits)
        zset_convert_to_skiplist(o);
}

struct lp_check {
    unsigned long entries;
    dict *seen; /* members so far, deep checks only */
    int bad;
};

static int check_lp_entry(unsigned char *p, void *userdata)
{
    struct lp_check *chk = userdata;
    unsigned char buf[LP_INTBUF_SIZE];
    uint32_t len;
    unsigned char *s = lp_get_str(p, &len, buf);
    if (chk->entries++ % 2) {
        int64_t iv;
        double d;
        if (lp_get(p, &iv, &len) && parse_lp_score_text(s, len, &d) < 0)
            return -1;
        return 0;
    }
    if (chk->seen) {
        int created;
        dict_add_or_find(chk->seen, (const char *)s, len, &created);
        if (!created)
            return -1;
    }
    return 0;
}

int zset_listpack_validate(unsigned char *lp, size_t size, int deep)
{
    static const struct dict_type seen_type = {.key_free = vstr_free};
    if (!deep)
        return lp_validate(lp, size, 0);
    struct lp_check chk = {0, dict_new(&seen_type), 0};
    int rc = lp_validate_each(lp, size, check_lp_entry, &chk);
    dict_free(chk.seen);
    if (rc < 0 || chk.entries % 2)
        return -1;
    return 0;
}

static void zset_free(vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        lp_free(o->ptr);
    else
        big_free(o->ptr);
}

static vobj *zset_dup(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return obj_new(OBJ_ZSET, OBJ_ENC_LISTPACK, mem_memdup(o->ptr, lp_bytes(o->ptr)));
    const struct zset_big *src = o->ptr;
    vobj *copy = new_skiplist_zset(src->zsl->length);
    for (struct zsl_node *n = src->zsl->header->level[0].forward; n; n = n->level[0].forward)
        big_insert(copy->ptr, n->score, vstr_dup(n->member));
    return copy;
}

static size_t zset_mem_usage(const vobj *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        return mem_size(o->ptr);
    const struct zset_big *zs = o->ptr;
    size_t total = mem_size(zs) + mem_size(zs->zsl) + mem_size(zs->zsl->header) +
                   dict_mem_usage(zs->dict) + dict_size(zs->dict) * sizeof(dict_entry);
    for (struct zsl_node *n = zs->zsl->header->level[0].forward; n; n = n->level[0].forward)
        total += mem_size(n) + vstr_alloc_size(n->member);
    return total;
}

static size_t zset_obj_length(const vobj *o)
{
    return zset_length(o);
}

void zset_init(void)
{
    static const struct obj_type_ops ops = {
        .free = zset_free,
        .dup = zset_dup,
        .mem_usage = zset_mem_usage,
        .length = zset_obj_length,
    };
    obj_register_type(OBJ_ZSET, &ops);
}

/* ---- iteration and positioning ---- */

static void iter_at_lp_entry(struct zset_iter *it, vobj *o, unsigned char *eptr, int reverse)
{
    it->o = o;
    it->eptr = eptr;
    it->node = NULL;
    it->reverse = reverse;
}

static void iter_at_node(struct zset_iter *it, vobj *o, struct zsl_node *node, int reverse)
{
    it->o = o;
    it->eptr = NULL;
    it->node = node;
    it->reverse = reverse;
}

void zset_iter_init(struct zset_iter *it, vobj *o, int reverse)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *lp = o->ptr;
        unsigned char *e = reverse ? lp_last(lp) : lp_first(lp);
        iter_at_lp_entry(it, o, reverse && e ? lp_prev(lp, e) : e, reverse);
    } else {
        struct zsl *zsl = ((struct zset_big *)o->ptr)->zsl;
        iter_at_node(it, o, reverse ? zsl->tail : zsl->header->level[0].forward, reverse);
    }
}

static int iter_valid(const struct zset_iter *it)
{
    return it->o->encoding == OBJ_ENC_LISTPACK ? it->eptr != NULL : it->node != NULL;
}

int zset_iter_next(struct zset_iter *it, struct zset_elem *e)
{
    if (!iter_valid(it))
        return 0;
    if (it->o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *lp = it->o->ptr;
        uint32_t len;
        e->member = (const char *)lp_get_str(it->eptr, &len, e->buf);
        e->len = len;
        unsigned char *sptr = lp_next(lp, it->eptr);
        e->score = lpz_score(sptr);
        if (it->reverse) {
            unsigned char *prev_score = lp_prev(lp, it->eptr);
            it->eptr = prev_score ? lp_prev(lp, prev_score) : NULL;
        } else {
            it->eptr = lp_next(lp, sptr);
        }
        return 1;
    }
    struct zsl_node *n = it->node;
    e->member = n->member;
    e->len = vstr_len(n->member);
    e->score = n->score;
    it->node = it->reverse ? n->backward : n->level[0].forward;
    return 1;
}

/* Positions it on the element of 0-based rank (in score order). */
static void iter_at_rank(struct zset_iter *it, vobj *o, unsigned long rank, int reverse)
{
    if (o->encoding == OBJ_ENC_LISTPACK)
        iter_at_lp_entry(it, o, lp_seek(o->ptr, (long)(2 * rank)), reverse);
    else
        iter_at_node(it, o, zsl_by_rank(((struct zset_big *)o->ptr)->zsl, rank + 1), reverse);
}

/* 0-based rank of m in score order (or from the top with reverse), -1 if
 * absent. */
static long zset_rank(vobj *o, const char *m, size_t len, int reverse)
{
    unsigned long n = zset_length(o);
    long rank = -1;
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *lp = o->ptr;
        long i = 0;
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p)), i++) {
            if (lp_compare(p, (const unsigned char *)m, (uint32_t)len)) {
                rank = i;
                break;
            }
        }
    } else {
        struct zset_big *zs = o->ptr;
        dict_entry *de = dict_find(zs->dict, m, len);
        if (de)
            rank = (long)zsl_rank(zs->zsl, de->v.d, de->key) - 1;
    }
    if (rank < 0)
        return -1;
    return reverse ? (long)n - 1 - rank : rank;
}

/* ---- score and lex ranges ---- */

static int score_gte_min(double v, const struct zrange_spec *r)
{
    return r->minex ? v > r->min : v >= r->min;
}

static int score_lte_max(double v, const struct zrange_spec *r)
{
    return r->maxex ? v < r->max : v <= r->max;
}

static int lex_gte_min(const char *m, size_t len, const struct zlex_spec *r)
{
    if (r->mininf)
        return r->mininf < 0;
    int c = bytes_cmp(m, len, r->min, vstr_len(r->min));
    return r->minex ? c > 0 : c >= 0;
}

static int lex_lte_max(const char *m, size_t len, const struct zlex_spec *r)
{
    if (r->maxinf)
        return r->maxinf > 0;
    int c = bytes_cmp(m, len, r->max, vstr_len(r->max));
    return r->maxex ? c < 0 : c <= 0;
}

/* A score or lex range, tested on an element.  Walks start at the end
 * nearest the iteration's origin: the near test finds the start, the far
 * test stops the walk. */
struct zrange {
    const struct zrange_spec *score; /* one of score, lex is set */
    const struct zlex_spec *lex;
};

static int range_above_min(const struct zrange *r, const struct zset_elem *e)
{
    return r->score ? score_gte_min(e->score, r->score) : lex_gte_min(e->member, e->len, r->lex);
}

static int range_below_max(const struct zrange *r, const struct zset_elem *e)
{
    return r->score ? score_lte_max(e->score, r->score) : lex_lte_max(e->member, e->len, r->lex);
}

/* The test that stops a walk in this direction. */
static int range_within_far_end(const struct zrange *r, const struct zset_elem *e, int reverse)
{
    return reverse ? range_above_min(r, e) : range_below_max(r, e);
}

/* Positions it on the first element of the range in the walk's direction
 * (the lowest, or the highest with reverse); invalid when none is in it. */
static void iter_at_range(struct zset_iter *it, vobj *o, const struct zrange *r, int reverse)
{
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        const struct zsl *zsl = ((struct zset_big *)o->ptr)->zsl;
        struct zsl_node *n;
        if (r->score)
            n = reverse ? zsl_last_in_range(zsl, r->score) : zsl_first_in_range(zsl, r->score);
        else
            n = reverse ? zsl_last_in_lex_range(zsl, r->lex) : zsl_first_in_lex_range(zsl, r->lex);
        iter_at_node(it, o, n, reverse);
        return;
    }
    /* Listpack: walk from the near end to the first element past the near
     * bound; it starts the range if it is also within the far bound. */
    zset_iter_init(it, o, reverse);
    struct zset_iter here = *it;
    struct zset_elem e;
    while (zset_iter_next(it, &e)) {
        int past_near = reverse ? range_below_max(r, &e) : range_above_min(r, &e);
        if (past_near) {
            *it = range_within_far_end(r, &e, reverse) ? here : (struct zset_iter){.o = o};
            return;
        }
        here = *it;
    }
}

/* Elements in the range: O(log n) on a skiplist by way of ranks. */
static unsigned long range_count(vobj *o, const struct zrange *r)
{
    struct zset_iter it;
    struct zset_elem e;
    unsigned long count = 0;
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        const struct zsl *zsl = ((struct zset_big *)o->ptr)->zsl;
        iter_at_range(&it, o, r, 0);
        if (!it.node)
            return 0;
        struct zset_iter last;
        iter_at_range(&last, o, r, 1);
        return zsl_rank(zsl, last.node->score, last.node->member) -
               zsl_rank(zsl, it.node->score, it.node->member) + 1;
    }
    iter_at_range(&it, o, r, 0);
    while (zset_iter_next(&it, &e) && range_below_max(r, &e))
        count++;
    return count;
}

/* Removes the elements in the range; returns how many. */
static unsigned long range_delete(vobj *o, const struct zrange *r)
{
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        struct zset_big *zs = o->ptr;
        if (r->score)
            return zsl_delete_range_by_score(zs->zsl, r->score, big_forget_member, zs);
        return zsl_delete_range_by_lex(zs->zsl, r->lex, big_forget_member, zs);
    }
    struct zset_iter it;
    struct zset_elem e;
    iter_at_range(&it, o, r, 0);
    unsigned char *start = it.eptr;
    unsigned long count = 0;
    while (zset_iter_next(&it, &e) && range_below_max(r, &e))
        count++;
    if (count)
        o->ptr = lp_delete_range_with_entry(o->ptr, &start, 2 * count);
    return count;
}

/* Removes the elements of 0-based ranks start..end (valid, inclusive). */
static unsigned long rank_delete(vobj *o, long start, long end)
{
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        struct zset_big *zs = o->ptr;
        return zsl_delete_range_by_rank(zs->zsl, (unsigned long)start + 1, (unsigned long)end + 1,
                                        big_forget_member, zs);
    }
    o->ptr = lp_delete_range(o->ptr, 2 * start, (unsigned long)(2 * (end - start + 1)));
    return (unsigned long)(end - start + 1);
}

/* ---- shared command plumbing ---- */

/* Looks up the key in argument i and checks its type: 0 with *o (NULL
 * when missing), or -1 once WRONGTYPE was replied. */
static int lookup_zset(struct client *c, int i, int for_write, vobj **o)
{
    const char *key = client_arg(c, i);
    size_t len = client_arg_len(c, i);
    *o = for_write ? db_lookup_write(c->db, key, len) : db_lookup_read(c->db, key, len);
    if (*o && (*o)->type != OBJ_ZSET) {
        reply_error_wrongtype(c);
        return -1;
    }
    return 0;
}

/* Parses argument i as a long; replies the integer error on failure. */
static int arg_long(struct client *c, int i, long *out)
{
    long long v;
    if (numconv_to_ll(client_arg(c, i), client_arg_len(c, i), &v) < 0 || v < LONG_MIN ||
        v > LONG_MAX) {
        reply_error_not_integer(c);
        return -1;
    }
    *out = (long)v;
    return 0;
}

static int arg_double(struct client *c, int i, double *out)
{
    return numconv_to_double(client_arg(c, i), client_arg_len(c, i), out);
}

/* Deletes a zset a command emptied, with Redis's notification. */
static void delete_emptied(struct client *c, const char *key, size_t len)
{
    db_delete(c->db, key, len);
    notify_keyspace_event(NOTIFY_GENERIC, "del", key, len, c->db->id);
}

/* Array header for n elements, with or without their scores: RESP2 has a
 * flat [m, s, m, s], RESP3 nests [[m, s], ...]. */
static void reply_elements_len(struct client *c, long n, int withscores)
{
    reply_array_len(c, withscores && c->resp < 3 ? 2 * n : n);
}

static void reply_element(struct client *c, const struct zset_elem *e, int withscores)
{
    if (withscores && c->resp >= 3)
        reply_array_len(c, 2);
    reply_bulk(c, e->member, e->len);
    if (withscores)
        reply_double(c, e->score);
}

/* Sets the destination of a *STORE command to o, or deletes it when o is
 * NULL (an empty result), with Redis's events; replies the size stored. */
static void store_result(struct client *c, int dst_arg, vobj *o, const char *event)
{
    const char *key = client_arg(c, dst_arg);
    size_t len = client_arg_len(c, dst_arg);
    if (o) {
        long n = (long)zset_length(o);
        db_set_key(c, c->db, key, len, o, 0);
        notify_keyspace_event(NOTIFY_ZSET, event, key, len, c->db->id);
        server.dirty++;
        reply_ll(c, n);
        return;
    }
    if (db_delete(c->db, key, len)) {
        db_signal_modified_key(c, c->db, key, len);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key, len, c->db->id);
        server.dirty++;
    }
    reply_ll(c, 0);
}

/* ---- ZADD, ZINCRBY ---- */

#define ZADD_NX (1 << 0)
#define ZADD_XX (1 << 1)
#define ZADD_GT (1 << 2)
#define ZADD_LT (1 << 3)
#define ZADD_INCR (1 << 4)
#define ZADD_CH (1 << 5)

enum zadd_outcome { ZADD_NOP, ZADD_ADDED, ZADD_UPDATED, ZADD_UNCHANGED, ZADD_NAN };

/* Applies one score-member pair under the ZADD flags; *newscore gets the
 * member's score after the operation. */
static enum zadd_outcome zadd_one(vobj *o, double score, const char *m, size_t len, int flags,
                                  double *newscore)
{
    double cur;
    if (zset_score(o, m, len, &cur) == 0) {
        if (flags & ZADD_NX)
            return ZADD_NOP;
        if (flags & ZADD_INCR) {
            score += cur;
            if (isnan(score))
                return ZADD_NAN;
        }
        if (((flags & ZADD_LT) && score >= cur) || ((flags & ZADD_GT) && score <= cur))
            return ZADD_NOP;
        *newscore = score;
        if (score == cur)
            return ZADD_UNCHANGED;
        update_score(o, m, len, cur, score);
        return ZADD_UPDATED;
    }
    if (flags & ZADD_XX)
        return ZADD_NOP;
    insert_new(o, score, m, len);
    *newscore = score;
    return ZADD_ADDED;
}

static int parse_zadd_flags(struct client *c, int *scoreidx)
{
    static const struct {
        const char *word;
        int flag;
    } words[] = {{"nx", ZADD_NX}, {"xx", ZADD_XX},     {"gt", ZADD_GT},
                 {"lt", ZADD_LT}, {"incr", ZADD_INCR}, {"ch", ZADD_CH}};
    int flags = 0;
    for (*scoreidx = 2; *scoreidx < c->argc; (*scoreidx)++) {
        int matched = 0;
        for (size_t w = 0; w < sizeof words / sizeof words[0] && !matched; w++) {
            if (client_arg_is(c, *scoreidx, words[w].word)) {
                flags |= words[w].flag;
                matched = 1;
            }
        }
        if (!matched)
            break;
    }
    return flags;
}

/* Checks the flag combinations in Redis's order; replies and returns -1. */
static int check_zadd_flags(struct client *c, int flags, int pairs)
{
    if ((flags & ZADD_NX) && (flags & ZADD_XX)) {
        reply_error(c, "XX and NX options at the same time are not compatible");
        return -1;
    }
    if (((flags & ZADD_NX) && (flags & (ZADD_GT | ZADD_LT))) ||
        ((flags & ZADD_GT) && (flags & ZADD_LT))) {
        reply_error(c, "GT, LT, and/or NX options at the same time are not compatible");
        return -1;
    }
    if ((flags & ZADD_INCR) && pairs > 1) {
        reply_error(c, "INCR option supports a single increment-element pair");
        return -1;
    }
    return 0;
}

/* The member of the first pair decides the encoding of a new set. */
static vobj *create_for_zadd(size_t first_member_len)
{
    if (cfg.zset_max_listpack_entries == 0 ||
        first_member_len > (size_t)cfg.zset_max_listpack_value)
        return new_skiplist_zset(0);
    return new_listpack_zset();
}

/* Adds pairs scores[j], argument scoreidx+1+2j; replies per the flags. */
static void zadd_apply(struct client *c, int scoreidx, const double *scores, int pairs, int flags)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    long added = 0, updated = 0, processed = 0;
    double score = 0;
    vobj *o;

    if (lookup_zset(c, 1, 1, &o) < 0)
        return;
    if (!o && !(flags & ZADD_XX)) {
        o = create_for_zadd(client_arg_len(c, scoreidx + 1));
        db_add(c->db, key, klen, o);
    }
    for (int j = 0; o && j < pairs; j++) {
        int m = scoreidx + 1 + 2 * j;
        double newscore;
        enum zadd_outcome r =
            zadd_one(o, scores[j], client_arg(c, m), client_arg_len(c, m), flags, &newscore);
        if (r == ZADD_NAN) {
            reply_error(c, "resulting score is not a number (NaN)");
            return;
        }
        added += r == ZADD_ADDED;
        updated += r == ZADD_UPDATED;
        if (r != ZADD_NOP) {
            processed++;
            score = newscore;
        }
    }
    server.dirty += added + updated;
    if (added || updated) {
        db_signal_modified_key(c, c->db, key, klen);
        notify_keyspace_event(NOTIFY_ZSET, (flags & ZADD_INCR) ? "zincr" : "zadd", key, klen,
                              c->db->id);
    }
    if (flags & ZADD_INCR) {
        if (processed)
            reply_double(c, score);
        else
            reply_null(c);
    } else {
        reply_ll(c, (flags & ZADD_CH) ? added + updated : added);
    }
}

/* Parses every score before touching the set: ZADD is all or nothing. */
static void zadd_command(struct client *c)
{
    int scoreidx;
    int flags = parse_zadd_flags(c, &scoreidx);
    int args = c->argc - scoreidx;
    if (args == 0 || args % 2) {
        reply_error_syntax(c);
        return;
    }
    int pairs = args / 2;
    if (check_zadd_flags(c, flags, pairs) < 0)
        return;
    double one = 0, *scores = pairs == 1 ? &one : mem_malloc(sizeof(double) * (size_t)pairs);
    int ok = 1;
    for (int j = 0; j < pairs && ok; j++)
        ok = arg_double(c, scoreidx + 2 * j, &scores[j]) == 0;
    if (ok)
        zadd_apply(c, scoreidx, scores, pairs, flags);
    else
        reply_error_not_float(c);
    if (scores != &one)
        mem_free(scores);
}

static void zincrby_command(struct client *c)
{
    double incr;
    if (arg_double(c, 2, &incr) < 0) {
        reply_error_not_float(c);
        return;
    }
    zadd_apply(c, 2, &incr, 1, ZADD_INCR);
}

/* ---- ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK ---- */

static void zrem_command(struct client *c)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    vobj *o;
    if (lookup_zset(c, 1, 1, &o) < 0)
        return;
    if (!o) {
        reply_ll(c, 0);
        return;
    }
    long deleted = 0;
    int emptied = 0;
    for (int j = 2; j < c->argc && !emptied; j++) {
        deleted += zset_delete(o, client_arg(c, j), client_arg_len(c, j));
        emptied = zset_length(o) == 0;
    }
    if (deleted) {
        notify_keyspace_event(NOTIFY_ZSET, "zrem", key, klen, c->db->id);
        if (emptied)
            delete_emptied(c, key, klen);
        db_signal_modified_key(c, c->db, key, klen);
        server.dirty += deleted;
    }
    reply_ll(c, deleted);
}

static void zcard_command(struct client *c)
{
    vobj *o;
    if (lookup_zset(c, 1, 0, &o) < 0)
        return;
    reply_ll(c, o ? (long long)zset_length(o) : 0);
}

static void zscore_command(struct client *c)
{
    vobj *o;
    double score;
    if (lookup_zset(c, 1, 0, &o) < 0)
        return;
    if (o && zset_score(o, client_arg(c, 2), client_arg_len(c, 2), &score) == 0)
        reply_double(c, score);
    else
        reply_null(c);
}

static void zmscore_command(struct client *c)
{
    vobj *o;
    if (lookup_zset(c, 1, 0, &o) < 0)
        return;
    reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        double score;
        if (o && zset_score(o, client_arg(c, j), client_arg_len(c, j), &score) == 0)
            reply_double(c, score);
        else
            reply_null(c);
    }
}

static void rank_generic(struct client *c, int reverse)
{
    vobj *o;
    if (lookup_zset(c, 1, 0, &o) < 0)
        return;
    long rank = o ? zset_rank(o, client_arg(c, 2), client_arg_len(c, 2), reverse) : -1;
    if (rank < 0)
        reply_null(c);
    else
        reply_ll(c, rank);
}

static void zrank_command(struct client *c)
{
    rank_generic(c, 0);
}

static void zrevrank_command(struct client *c)
{
    rank_generic(c, 1);
}

/* ---- ZCOUNT, ZLEXCOUNT ---- */

/* Parses a score (lex) range from arguments i and i+1, replying Redis's
 * error on failure.  A lex range must be released with
 * zsl_free_lex_range. */
static int parse_score_range(struct client *c, int i, struct zrange_spec *spec)
{
    if (zsl_parse_range(client_arg(c, i), client_arg_len(c, i), client_arg(c, i + 1),
                        client_arg_len(c, i + 1), spec) < 0) {
        reply_error(c, "min or max is not a float");
        return -1;
    }
    return 0;
}

static int parse_lex_range(struct client *c, int i, struct zlex_spec *spec)
{
    if (zsl_parse_lex_range(client_arg(c, i), client_arg_len(c, i), client_arg(c, i + 1),
                            client_arg_len(c, i + 1), spec) < 0) {
        reply_error(c, "min or max not valid string range item");
        return -1;
    }
    return 0;
}

static void count_in_range(struct client *c, const struct zrange *r)
{
    vobj *o;
    if (lookup_zset(c, 1, 0, &o) < 0)
        return;
    reply_ll(c, o ? (long long)range_count(o, r) : 0);
}

static void zcount_command(struct client *c)
{
    struct zrange_spec spec;
    if (parse_score_range(c, 2, &spec) < 0)
        return;
    count_in_range(c, &(struct zrange){.score = &spec});
}

static void zlexcount_command(struct client *c)
{
    struct zlex_spec spec;
    if (parse_lex_range(c, 2, &spec) < 0)
        return;
    count_in_range(c, &(struct zrange){.lex = &spec});
    zsl_free_lex_range(&spec);
}

/* ---- ZRANGE and friends, ZRANGESTORE ---- */

/* Where a range goes: the client, or (ZRANGESTORE) a new zset. */
struct range_sink {
    struct client *c;
    int withscores;
    vobj *dst; /* ZRANGESTORE's result, created by sink_begin */
    int store;
    void *deferred; /* reply length slot when the length is not known */
    long count;
};

/* len: the number of elements to come, or -1 if unknown. */
static void sink_begin(struct range_sink *s, long len)
{
    s->count = 0;
    if (s->store) {
        /* Redis sizes the destination by the announced length. */
        s->dst = len > (long)cfg.zset_max_listpack_entries ? new_skiplist_zset((size_t)len)
                                                           : new_listpack_zset();
    } else if (len < 0) {
        s->deferred = reply_deferred_len(s->c);
    } else {
        reply_elements_len(s->c, len, s->withscores);
    }
}

static void sink_emit(struct range_sink *s, const struct zset_elem *e)
{
    s->count++;
    if (s->store)
        insert_new(s->dst, e->score, e->member, e->len);
    else
        reply_element(s->c, e, s->withscores);
}

static void sink_end(struct range_sink *s, long len)
{
    if (s->store) {
        if (!s->count) {
            obj_decr_ref(s->dst);
            s->dst = NULL;
        }
        store_result(s->c, 1, s->dst, "zrangestore");
    } else if (len < 0) {
        long n = s->withscores && s->c->resp < 3 ? 2 * s->count : s->count;
        reply_set_deferred_array_len(s->c, s->deferred, n);
    }
}

static void range_by_rank(struct range_sink *s, vobj *o, long start, long end, int reverse)
{
    long llen = (long)zset_length(o);
    if (start < 0)
        start += llen;
    if (end < 0)
        end += llen;
    if (start < 0)
        start = 0;
    if (start > end || start >= llen) {
        sink_begin(s, 0);
        sink_end(s, 0);
        return;
    }
    if (end >= llen)
        end = llen - 1;
    long n = end - start + 1;
    struct zset_iter it;
    struct zset_elem e;
    iter_at_rank(&it, o, (unsigned long)(reverse ? llen - 1 - start : start), reverse);
    sink_begin(s, n);
    for (long i = 0; i < n && zset_iter_next(&it, &e); i++)
        sink_emit(s, &e);
    sink_end(s, n);
}

/* A negative offset skips everything, as in Redis; a negative limit means
 * no limit. */
static void range_by_spec(struct range_sink *s, vobj *o, const struct zrange *r, long offset,
                          long limit, int reverse)
{
    struct zset_iter it;
    struct zset_elem e;
    sink_begin(s, -1);
    iter_at_range(&it, o, r, reverse);
    if (offset < 0)
        limit = 0;
    while (offset-- > 0 && zset_iter_next(&it, &e))
        ;
    while (limit-- != 0 && zset_iter_next(&it, &e) && range_within_far_end(r, &e, reverse))
        sink_emit(s, &e);
    sink_end(s, -1);
}

enum range_kind { RANGE_AUTO, RANGE_RANK, RANGE_SCORE, RANGE_LEX };

struct range_args {
    enum range_kind kind;
    int reverse; /* -1: not given yet (ZRANGE's REV may set it) */
    int withscores;
    long offset, limit;
};

/* Parses the options after <key> <min> <max>; replies and returns -1 on
 * errors, checked in Redis's order. */
static int parse_range_options(struct client *c, int first, int store, struct range_args *a)
{
    for (int j = first; j < c->argc; j++) {
        int left = c->argc - j - 1;
        if (!store && client_arg_is(c, j, "withscores")) {
            a->withscores = 1;
        } else if (client_arg_is(c, j, "limit") && left >= 2) {
            if (arg_long(c, j + 1, &a->offset) < 0 || arg_long(c, j + 2, &a->limit) < 0)
                return -1;
            j += 2;
        } else if (a->reverse < 0 && client_arg_is(c, j, "rev")) {
            a->reverse = 1;
        } else if (a->kind == RANGE_AUTO && client_arg_is(c, j, "bylex")) {
            a->kind = RANGE_LEX;
        } else if (a->kind == RANGE_AUTO && client_arg_is(c, j, "byscore")) {
            a->kind = RANGE_SCORE;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    if (a->reverse < 0)
        a->reverse = 0;
    if (a->kind == RANGE_AUTO)
        a->kind = RANGE_RANK;
    if (a->limit != -1 && a->kind == RANGE_RANK) {
        reply_error(c, "syntax error, LIMIT is only supported in combination with either BYSCORE "
                       "or BYLEX");
        return -1;
    }
    if (a->withscores && a->kind == RANGE_LEX) {
        reply_error(c, "syntax error, WITHSCORES not supported in combination with BYLEX");
        return -1;
    }
    return 0;
}

/* The whole ZRANGE family: key at argument keyidx (ZRANGESTORE: the
 * source, after the destination), kind and reverse fixed by the legacy
 * commands or RANGE_AUTO / -1 for ZRANGE's options. */
static void range_generic(struct client *c, int keyidx, int store, enum range_kind kind,
                          int reverse)
{
    struct range_args a = {.kind = kind, .reverse = reverse, .limit = -1};
    if (parse_range_options(c, keyidx + 3, store, &a) < 0)
        return;
    /* Reversed score and lex ranges are written max first. */
    int minidx = keyidx + 1, maxidx = keyidx + 2;
    if (a.reverse && a.kind != RANGE_RANK) {
        minidx = keyidx + 2;
        maxidx = keyidx + 1;
    }
    long start = 0, end = 0;
    struct zrange_spec score;
    struct zlex_spec lex = {0};
    struct zrange r = {0};
    if (a.kind == RANGE_RANK) {
        if (arg_long(c, minidx, &start) < 0 || arg_long(c, maxidx, &end) < 0)
            return;
    } else if (a.kind == RANGE_SCORE) {
        if (zsl_parse_range(client_arg(c, minidx), client_arg_len(c, minidx), client_arg(c, maxidx),
                            client_arg_len(c, maxidx), &score) < 0) {
            reply_error(c, "min or max is not a float");
            return;
        }
        r.score = &score;
    } else {
        if (zsl_parse_lex_range(client_arg(c, minidx), client_arg_len(c, minidx),
                                client_arg(c, maxidx), client_arg_len(c, maxidx), &lex) < 0) {
            reply_error(c, "min or max not valid string range item");
            return;
        }
        r.lex = &lex;
    }

    struct range_sink s = {.c = c, .withscores = a.withscores, .store = store};
    vobj *o;
    if (lookup_zset(c, keyidx, 0, &o) == 0) {
        if (!o) {
            sink_begin(&s, store ? -1 : 0);
            sink_end(&s, 0);
        } else if (a.kind == RANGE_RANK) {
            range_by_rank(&s, o, start, end, a.reverse);
        } else {
            range_by_spec(&s, o, &r, a.offset, a.limit, a.reverse);
        }
    }
    if (r.lex)
        zsl_free_lex_range(&lex);
}

static void zrange_command(struct client *c)
{
    range_generic(c, 1, 0, RANGE_AUTO, -1);
}

static void zrangestore_command(struct client *c)
{
    range_generic(c, 2, 1, RANGE_AUTO, -1);
}

static void zrevrange_command(struct client *c)
{
    range_generic(c, 1, 0, RANGE_RANK, 1);
}

static void zrangebyscore_command(struct client *c)
{
    range_generic(c, 1, 0, RANGE_SCORE, 0);
}

static void zrevrangebyscore_command(struct client *c)
{
    range_generic(c, 1, 0, RANGE_SCORE, 1);
}

static void zrangebylex_command(struct client *c)
{
    range_generic(c, 1, 0, RANGE_LEX, 0);
}

static void zrevrangebylex_command(struct client *c)
{
    range_generic(c, 1, 0, RANGE_LEX, 1);
}

/* ---- ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX ---- */

static void remrange_reply(struct client *c, vobj *o, unsigned long deleted, const char *event)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    if (deleted) {
        db_signal_modified_key(c, c->db, key, klen);
        notify_keyspace_event(NOTIFY_ZSET, event, key, klen, c->db->id);
        if (zset_length(o) == 0)
            delete_emptied(c, key, klen);
    }
    server.dirty += (long long)deleted;
    reply_ll(c, (long long)deleted);
}

static void zremrangebyrank_command(struct client *c)
{
    long start, end;
    vobj *o;
    if (arg_long(c, 2, &start) < 0 || arg_long(c, 3, &end) < 0 || lookup_zset(c, 1, 1, &o) < 0)
        return;
    long llen = o ? (long)zset_length(o) : 0;
    if (start < 0)
        start += llen;
    if (end < 0)
        end += llen;
    if (start < 0)
        start = 0;
    if (!o || start > end || start >= llen) {
        reply_ll(c, 0);
        return;
    }
    if (end >= llen)
        end = llen - 1;
    remrange_reply(c, o, rank_delete(o, start, end), "zremrangebyrank");
}

static void remrange_by_spec(struct client *c, const struct zrange *r, const char *event)
{
    vobj *o;
    if (lookup_zset(c, 1, 1, &o) < 0)
        return;
    if (!o) {
        reply_ll(c, 0);
        return;
    }
    remrange_reply(c, o, range_delete(o, r), event);
}

static void zremrangebyscore_command(struct client *c)
{
    struct zrange_spec spec;
    if (parse_score_range(c, 2, &spec) < 0)
        return;
    remrange_by_spec(c, &(struct zrange){.score = &spec}, "zremrangebyscore");
}

static void zremrangebylex_command(struct client *c)
{
    struct zlex_spec spec;
    if (parse_lex_range(c, 2, &spec) < 0)
        return;
    remrange_by_spec(c, &(struct zrange){.lex = &spec}, "zremrangebylex");
    zsl_free_lex_range(&spec);
}

/* ---- ZUNION, ZINTER, ZDIFF (and STORE), ZINTERCARD ---- */

/* One input of a set operation: a zset, a plain set (every member scores
 * 1) or a missing key (empty).  Plain sets are intsets or dicts of member
 * keys, Redis 7.0's two set encodings. */
struct zsrc {
    vobj *o;
    double weight;
    unsigned long len;
    int index; /* position on the command line, for a stable ordering */
};

struct zsrc_iter {
    const struct zsrc *src;
    struct zset_iter zit;
    uint32_t ipos;
    dict_iter dit;
};

static unsigned long src_length(const vobj *o)
{
    if (!o)
        return 0;
    if (o->type == OBJ_ZSET)
        return zset_length(o);
    if (o->encoding == OBJ_ENC_INTSET)
        return intset_len(o->ptr);
    return dict_size(o->ptr);
}

static void src_iter_init(struct zsrc_iter *it, const struct zsrc *src)
{
    it->src = src;
    it->ipos = 0;
    if (src->o->type == OBJ_ZSET)
        zset_iter_init(&it->zit, src->o, 0);
    else if (src->o->encoding != OBJ_ENC_INTSET)
        dict_iter_init(&it->dit, src->o->ptr, 0);
}

static int src_iter_next(struct zsrc_iter *it, struct zset_elem *e)
{
    const vobj *o = it->src->o;
    if (o->type == OBJ_ZSET)
        return zset_iter_next(&it->zit, e);
    e->score = 1.0;
    if (o->encoding == OBJ_ENC_INTSET) {
        int64_t v;
        if (intset_get(o->ptr, it->ipos++, &v) < 0)
            return 0;
        e->len = numconv_ll_to_str((char *)e->buf, v);
        e->member = (const char *)e->buf;
        return 1;
    }
    dict_entry *de = dict_iter_next(&it->dit);
    if (!de)
        return 0;
    e->member = de->key;
    e->len = vstr_len(de->key);
    return 1;
}

static void src_iter_release(struct zsrc_iter *it)
{
    const vobj *o = it->src->o;
    if (o->type != OBJ_ZSET && o->encoding != OBJ_ENC_INTSET)
        dict_iter_release(&it->dit);
}

/* 1 with *score (unweighted) if m is in the input, else 0. */
static int src_find(const struct zsrc *src, const char *m, size_t len, double *score)
{
    vobj *o = src->o;
    if (!o)
        return 0;
    if (o->type == OBJ_ZSET)
        return zset_score(o, m, len, score) == 0;
    *score = 1.0;
    if (o->encoding == OBJ_ENC_INTSET) {
        int64_t v;
        return lp_string_to_int64((const unsigned char *)m, len, &v) && intset_find(o->ptr, v);
    }
    return dict_find(o->ptr, m, len) != NULL;
}

/* A weighted score; 0 * inf gives 0 rather than NaN, as in Redis. */
static double weighted(double score, double weight)
{
    double v = score * weight;
    return isnan(v) ? 0 : v;
}

enum aggregate { AGG_SUM, AGG_MIN, AGG_MAX };

static void aggregate_into(double *target, double v, enum aggregate agg)
{
    if (agg == AGG_SUM) {
        *target += v;
        /* inf + -inf: Redis settles on 0. */
        if (isnan(*target))
            *target = 0;
    } else if (agg == AGG_MIN) {
        *target = v < *target ? v : *target;
    } else {
        *target = v > *target ? v : *target;
    }
}

/* The result of a set operation before it is replied or stored. */
struct zresult {
    struct zres {
        vstr member;
        double score;
    } * items;
    size_t n, cap;
    size_t maxlen;   /* longest member and ...                     */
    size_t totallen; /* ... all members: the encoding of a stored set */
};

static void result_add(struct zresult *r, vstr member, double score)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = mem_realloc(r->items, r->cap * sizeof *r->items);
    }
    r->items[r->n].member = member;
    r->items[r->n].score = score;
    r->n++;
    if (vstr_len(member) > r->maxlen)
        r->maxlen = vstr_len(member);
    r->totallen += vstr_len(member);
}

static void result_free(struct zresult *r)
{
    for (size_t i = 0; i < r->n; i++)
        vstr_free(r->items[i].member);
    mem_free(r->items);
}

static int zres_cmp(const void *pa, const void *pb)
{
    const struct zres *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    return bytes_cmp(a->member, vstr_len(a->member), b->member, vstr_len(b->member));
}

/* Builds the stored set from a sorted result, consuming its members. */
static vobj *result_to_zset(struct zresult *r)
{
    vobj *o;
    if (r->n <= (size_t)cfg.zset_max_listpack_entries &&
        r->maxlen <= (size_t)cfg.zset_max_listpack_value &&
        lp_safe_to_add(NULL, r->totallen + 32 * r->n)) {
        o = new_listpack_zset();
        char text[32];
        for (size_t i = 0; i < r->n; i++) {
            vstr m = r->items[i].member;
            o->ptr = lp_append(o->ptr, (unsigned char *)m, (uint32_t)vstr_len(m));
            o->ptr = lp_append(o->ptr, (unsigned char *)text,
                               (uint32_t)score_to_lp_text(text, r->items[i].score));
            vstr_free(m);
        }
    } else {
        o = new_skiplist_zset(r->n);
        for (size_t i = 0; i < r->n; i++)
            big_insert(o->ptr, r->items[i].score, r->items[i].member);
    }
    r->n = 0;
    return o;
}

/* Smallest input first (Redis's order, which also decides the order in
 * which scores are summed); ties keep the command-line order. */
static int zsrc_cmp(const void *pa, const void *pb)
{
    const struct zsrc *a = pa, *b = pb;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->index - b->index;
}

static void compute_union(struct zsrc *src, int n, enum aggregate agg, struct zresult *out)
{
    static const struct dict_type acc_type = {0};
    dict *acc = dict_new(&acc_type);
    struct zset_elem e;
    for (int i = 0; i < n; i++) {
        if (!src[i].len)
            continue;
        struct zsrc_iter it;
        src_iter_init(&it, &src[i]);
        while (src_iter_next(&it, &e)) {
            double score = weighted(e.score, src[i].weight);
            dict_entry *de = dict_find(acc, e.member, e.len);
            if (de)
                aggregate_into(&de->v.d, score, agg);
            else
                dict_add(acc, vstr_new(e.member, e.len), NULL)->v.d = score;
        }
        src_iter_release(&it);
    }
    /* The result takes the accumulator's keys, which it never frees. */
    dict_iter di;
    dict_iter_init(&di, acc, 0);
    for (dict_entry *de = dict_iter_next(&di); de; de = dict_iter_next(&di))
        result_add(out, de->key, de->v.d);
    dict_iter_release(&di);
    dict_free(acc);
}

/* Walks the smallest input and keeps what every other one holds; with
 * out NULL only counts, stopping at limit (0: no limit). */
static unsigned long compute_inter(struct zsrc *src, int n, enum aggregate agg, struct zresult *out,
                                   unsigned long limit)
{
    unsigned long count = 0;
    struct zset_elem e;
    if (!src[0].len)
        return 0;
    struct zsrc_iter it;
    src_iter_init(&it, &src[0]);
    while (src_iter_next(&it, &e)) {
        double score = weighted(e.score, src[0].weight), other;
        int j;
        for (j = 1; j < n; j++) {
            if (!src_find(&src[j], e.member, e.len, &other))
                break;
            aggregate_into(&score, other * src[j].weight, agg);
        }
        if (j < n)
            continue;
        count++;
        if (out)
            result_add(out, vstr_new(e.member, e.len), score);
        else if (limit && count >= limit)
            break;
    }
    src_iter_release(&it);
    return count;
}

/* Members of the first input found in no other, with their scores. */
static void compute_diff(struct zsrc *src, int n, struct zresult *out)
{
    struct zset_elem e;
    if (!src[0].len)
        return;
    struct zsrc_iter it;
    src_iter_init(&it, &src[0]);
    while (src_iter_next(&it, &e)) {
        double ignored;
        int j;
        for (j = 1; j < n; j++)
            if (src_find(&src[j], e.member, e.len, &ignored))
                break;
        if (j == n)
            result_add(out, vstr_new(e.member, e.len), e.score);
    }
    src_iter_release(&it);
}

enum setop { SETOP_UNION, SETOP_INTER, SETOP_DIFF, SETOP_INTERCARD };

struct setop_args {
    int numkeys_idx;
    int store; /* destination in argument 1 */
    long n;
    enum aggregate agg;
    int withscores;
    long limit;
};

/* numkeys, then the key lookups (WRONGTYPE wins over option errors, as in
 * Redis); src receives the inputs.  -1 once an error was replied. */
static int load_sources(struct client *c, struct setop_args *a, struct zsrc **src)
{
    if (arg_long(c, a->numkeys_idx, &a->n) < 0)
        return -1;
    if (a->n < 1) {
        reply_error_fmt(c, "at least 1 input key is needed for '%s' command", c->cmd->fullname);
        return -1;
    }
    if (a->n > c->argc - a->numkeys_idx - 1) {
        reply_error_syntax(c);
        return -1;
    }
    *src = mem_calloc(sizeof(struct zsrc) * (size_t)a->n);
    for (int i = 0; i < a->n; i++) {
        int k = a->numkeys_idx + 1 + i;
        vobj *o = a->store ? db_lookup_write(c->db, client_arg(c, k), client_arg_len(c, k))
                           : db_lookup_read(c->db, client_arg(c, k), client_arg_len(c, k));
        if (o && o->type != OBJ_ZSET && o->type != OBJ_SET) {
            reply_error_wrongtype(c);
            mem_free(*src);
            return -1;
        }
        (*src)[i] = (struct zsrc){.o = o, .weight = 1.0, .len = src_length(o), .index = i};
    }
    return 0;
}

static int parse_aggregate(struct client *c, int j, enum aggregate *agg)
{
    if (client_arg_is(c, j, "sum"))
        *agg = AGG_SUM;
    else if (client_arg_is(c, j, "min"))
        *agg = AGG_MIN;
    else if (client_arg_is(c, j, "max"))
        *agg = AGG_MAX;
    else
        return -1;
    return 0;
}

/* WEIGHTS / AGGREGATE (not for ZDIFF), WITHSCORES (not when storing),
 * LIMIT (ZINTERCARD only); replies and returns -1 on an error. */
static int parse_setop_options(struct client *c, enum setop op, struct setop_args *a,
                               struct zsrc *src)
{
    int weighted_op = op == SETOP_UNION || op == SETOP_INTER;
    for (long j = a->numkeys_idx + 1 + a->n; j < c->argc; j++) {
        long left = c->argc - j - 1;
        if (weighted_op && left >= a->n && client_arg_is(c, (int)j, "weights")) {
            for (long i = 0; i < a->n; i++) {
                if (arg_double(c, (int)(j + 1 + i), &src[i].weight) < 0) {
                    reply_error(c, "weight value is not a float");
                    return -1;
                }
            }
            j += a->n;
        } else if (weighted_op && left >= 1 && client_arg_is(c, (int)j, "aggregate")) {
            if (parse_aggregate(c, (int)++j, &a->agg) < 0) {
                reply_error_syntax(c);
                return -1;
            }
        } else if (op != SETOP_INTERCARD && !a->store && client_arg_is(c, (int)j, "withscores")) {
            a->withscores = 1;
        } else if (op == SETOP_INTERCARD && left >= 1 && client_arg_is(c, (int)j, "limit")) {
            long long v;
            j++;
            if (numconv_to_ll(client_arg(c, (int)j), client_arg_len(c, (int)j), &v) < 0 || v < 0) {
                reply_error(c, "LIMIT can't be negative");
                return -1;
            }
            a->limit = (long)v;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    return 0;
}

static void reply_result(struct client *c, const struct zresult *r, int withscores)
{
    reply_elements_len(c, (long)r->n, withscores);
    for (size_t i = 0; i < r->n; i++) {
        struct zset_elem e = {.member = r->items[i].member,
                              .len = vstr_len(r->items[i].member),
                              .score = r->items[i].score};
        reply_element(c, &e, withscores);
    }
}

static void setop_generic(struct client *c, enum setop op, int store)
{
    struct setop_args a = {.numkeys_idx = store ? 2 : 1, .store = store, .agg = AGG_SUM};
    struct zsrc *src;
    if (load_sources(c, &a, &src) < 0)
        return;
    if (parse_setop_options(c, op, &a, src) < 0) {
        mem_free(src);
        return;
    }
    /* ZDIFF must keep its first input first. */
    if (op != SETOP_DIFF)
        qsort(src, (size_t)a.n, sizeof *src, zsrc_cmp);

    if (op == SETOP_INTERCARD) {
        reply_ll(c, (long long)compute_inter(src, (int)a.n, a.agg, NULL, (unsigned long)a.limit));
        mem_free(src);
        return;
    }
    struct zresult r = {0};
    if (op == SETOP_UNION)
        compute_union(src, (int)a.n, a.agg, &r);
    else if (op == SETOP_INTER)
        compute_inter(src, (int)a.n, a.agg, &r, 0);
    else
        compute_diff(src, (int)a.n, &r);
    mem_free(src);
    if (r.n > 1)
        qsort(r.items, r.n, sizeof *r.items, zres_cmp);

    if (!store) {
        reply_result(c, &r, a.withscores);
    } else {
        static const char *const events[] = {"zunionstore", "zinterstore", "zdiffstore"};
        store_result(c, 1, r.n ? result_to_zset(&r) : NULL, events[op]);
    }
    result_free(&r);
}

static void zunion_command(struct client *c)
{
    setop_generic(c, SETOP_UNION, 0);
}

static void zinter_command(struct client *c)
{
    setop_generic(c, SETOP_INTER, 0);
}

static void zdiff_command(struct client *c)
{
    setop_generic(c, SETOP_DIFF, 0);
}

static void zunionstore_command(struct client *c)
{
    setop_generic(c, SETOP_UNION, 1);
}

static void zinterstore_command(struct client *c)
{
    setop_generic(c, SETOP_INTER, 1);
}

static void zdiffstore_command(struct client *c)
{
    setop_generic(c, SETOP_DIFF, 1);
}

static void zintercard_command(struct client *c)
{
    setop_generic(c, SETOP_INTERCARD, 0);
}

/* ---- ZPOPMIN, ZPOPMAX, ZMPOP ---- */

void zset_pop_reply(struct client *c, vobj *o, const char *key, size_t keylen, int where,
                    long count, enum zset_pop_shape shape)
{
    long n = (long)zset_length(o);
    if (count < n)
        n = count;
    if (shape == ZSET_POP_FLAT) {
        reply_array_len(c, 2 * n);
    } else if (shape == ZSET_POP_NESTED) {
        reply_array_len(c, n);
    } else if (shape == ZSET_POP_FLAT_KEY) {
        reply_array_len(c, 2 * n + 1);
        reply_bulk(c, key, keylen);
    } else {
        reply_array_len(c, 2);
        reply_bulk(c, key, keylen);
        reply_array_len(c, n);
    }
    int nested = shape == ZSET_POP_NESTED || shape == ZSET_POP_NESTED_KEY;
    for (long i = 0; i < n; i++) {
        struct zset_iter it;
        struct zset_elem e;
        zset_iter_init(&it, o, where == ZSET_MAX);
        zset_iter_next(&it, &e);
        if (nested)
            reply_array_len(c, 2);
        reply_bulk(c, e.member, e.len);
        reply_double(c, e.score);
        /* The member lives in the set: delete by rank, not by name. */
        long rank = where == ZSET_MAX ? (long)zset_length(o) - 1 : 0;
        rank_delete(o, rank, rank);
        server.dirty++;
        if (i == 0)
            notify_keyspace_event(NOTIFY_ZSET, where == ZSET_MAX ? "zpopmax" : "zpopmin", key,
                                  keylen, c->db->id);
    }
    if (zset_length(o) == 0)
        delete_emptied(c, key, keylen);
    db_signal_modified_key(c, c->db, key, keylen);
}

/* Pops from the first existing key of arguments first..first+numkeys-1;
 * a key of another type stops the search with WRONGTYPE. */
static void pop_generic(struct client *c, int first, long numkeys, int where, long count,
                        enum zset_pop_shape shape, int nil_when_empty)
{
    for (long i = 0; i < numkeys; i++) {
        vobj *o;
        int k = first + (int)i;
        if (lookup_zset(c, k, 1, &o) < 0)
            return;
        if (o) {
            if (count == 0)
                reply_array_len(c, 0);
            else
                zset_pop_reply(c, o, client_arg(c, k), client_arg_len(c, k), where, count, shape);
            return;
        }
    }
    if (nil_when_empty)
        reply_null_array(c);
    else
        reply_array_len(c, 0);
}

static void pop_minmax(struct client *c, int where)
{
    long count = 1;
    if (c->argc > 3) {
        reply_error_syntax(c);
        return;
    }
    if (c->argc == 3) {
        long long v;
        if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &v) < 0 || v < 0 ||
            v > LONG_MAX) {
            reply_error(c, "value is out of range, must be positive");
            return;
        }
        count = (long)v;
    }
    enum zset_pop_shape shape = c->argc == 3 && c->resp >= 3 ? ZSET_POP_NESTED : ZSET_POP_FLAT;
    pop_generic(c, 1, 1, where, count, shape, 0);
}

static void zpopmin_command(struct client *c)
{
    pop_minmax(c, ZSET_MIN);
}

static void zpopmax_command(struct client *c)
{
    pop_minmax(c, ZSET_MAX);
}

/* A long in [1, LONG_MAX], with msg as the error for anything else. */
static int arg_positive(struct client *c, int i, const char *msg, long *out)
{
    long long v;
    if (numconv_to_ll(client_arg(c, i), client_arg_len(c, i), &v) < 0 || v < 1 || v > LONG_MAX) {
        reply_error(c, msg);
        return -1;
    }
    *out = (long)v;
    return 0;
}

int zset_parse_mpop(struct client *c, int numkeys_idx, long *numkeys, int *where, long *count)
{
    if (arg_positive(c, numkeys_idx, "numkeys should be greater than 0", numkeys) < 0)
        return -1;
    if (*numkeys >= c->argc - numkeys_idx - 1) {
        reply_error_syntax(c);
        return -1;
    }
    int where_idx = numkeys_idx + (int)*numkeys + 1;
    if (client_arg_is(c, where_idx, "min")) {
        *where = ZSET_MIN;
    } else if (client_arg_is(c, where_idx, "max")) {
        *where = ZSET_MAX;
    } else {
        reply_error_syntax(c);
        return -1;
    }
    *count = -1;
    for (int j = where_idx + 1; j < c->argc; j++) {
        if (*count == -1 && client_arg_is(c, j, "count") && j + 1 < c->argc) {
            if (arg_positive(c, ++j, "count should be greater than 0", count) < 0)
                return -1;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    if (*count == -1)
        *count = 1;
    return 0;
}

static void zmpop_command(struct client *c)
{
    long numkeys, count;
    int where;
    if (zset_parse_mpop(c, 1, &numkeys, &where, &count) < 0)
        return;
    pop_generic(c, 2, numkeys, where, count, ZSET_POP_NESTED_KEY, 1);
}

/* ---- ZRANDMEMBER ---- */

static void reply_lp_value(struct client *c, const lp_value *v)
{
    if (v->sval)
        reply_bulk(c, (const char *)v->sval, v->slen);
    else
        reply_bulk_ll(c, v->lval);
}

static double lp_value_score(const lp_value *v)
{
    double d = 0;
    if (!v->sval)
        return (double)v->lval;
    parse_lp_score_text(v->sval, v->slen, &d);
    return d;
}

static void reply_lp_pair(struct client *c, const lp_value *m, const lp_value *s, int withscores)
{
    if (withscores && c->resp >= 3)
        reply_array_len(c, 2);
    reply_lp_value(c, m);
    if (withscores)
        reply_double(c, lp_value_score(s));
}

static void reply_node(struct client *c, const struct zsl_node *n, int withscores)
{
    struct zset_elem e = {.member = n->member, .len = vstr_len(n->member), .score = n->score};
    reply_element(c, &e, withscores);
}

/* count picks with repetitions, in random order. */
static void random_with_repeats(struct client *c, vobj *o, unsigned long count, int withscores)
{
    reply_elements_len(c, (long)count, withscores);
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        struct zset_big *zs = o->ptr;
        while (count-- && !(c->flags & CLIENT_CLOSE_ASAP)) {
            dict_entry *de = dict_random(zs->dict);
            struct zset_elem e = {.member = de->key, .len = vstr_len(de->key), .score = de->v.d};
            reply_element(c, &e, withscores);
        }
        return;
    }
    lp_value keys[RANDOM_SAMPLE_BATCH], vals[RANDOM_SAMPLE_BATCH];
    while (count && !(c->flags & CLIENT_CLOSE_ASAP)) {
        unsigned int batch = count > RANDOM_SAMPLE_BATCH ? RANDOM_SAMPLE_BATCH : (unsigned)count;
        count -= batch;
        lp_random_pairs(o->ptr, batch, keys, vals);
        for (unsigned int i = 0; i < batch; i++)
            reply_lp_pair(c, &keys[i], &vals[i], withscores);
    }
}

/* count (< size) distinct members of a skiplist zset.  When they are most
 * of the set, one pass picks each node with probability needed/left;
 * otherwise random picks are deduplicated through a scratch dict. */
static void random_distinct_skiplist(struct client *c, vobj *o, unsigned long count, int withscores)
{
    struct zset_big *zs = o->ptr;
    unsigned long size = zs->zsl->length;
    if (count * 3 > size) {
        unsigned long left = size, needed = count;
        for (struct zsl_node *n = zs->zsl->header->level[0].forward; n && needed;
             n = n->level[0].forward, left--) {
            if ((unsigned long)random() % left < needed) {
                reply_node(c, n, withscores);
                needed--;
            }
        }
        return;
    }
    static const struct dict_type picked_type = {0};
    dict *picked = dict_new(&picked_type);
    while (dict_size(picked) < count) {
        dict_entry *de = dict_random(zs->dict);
        if (dict_find(picked, de->key, vstr_len(de->key)))
            continue;
        dict_add(picked, de->key, NULL);
        struct zset_elem e = {.member = de->key, .len = vstr_len(de->key), .score = de->v.d};
        reply_element(c, &e, withscores);
    }
    dict_free(picked);
}

static void random_distinct(struct client *c, vobj *o, unsigned long count, int withscores)
{
    unsigned long size = zset_length(o);
    reply_elements_len(c, (long)(count < size ? count : size), withscores);
    /* Asked for at least the whole set: Redis lists it highest first. */
    if (count >= size) {
        struct zset_iter it;
        struct zset_elem e;
        zset_iter_init(&it, o, 1);
        while (zset_iter_next(&it, &e))
            reply_element(c, &e, withscores);
        return;
    }
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        random_distinct_skiplist(c, o, count, withscores);
        return;
    }
    lp_value *keys = mem_malloc(sizeof(lp_value) * count);
    lp_value *vals = mem_malloc(sizeof(lp_value) * count);
    unsigned int picked = lp_random_pairs_unique(o->ptr, (unsigned int)count, keys, vals);
    for (unsigned int i = 0; i < picked; i++)
        reply_lp_pair(c, &keys[i], &vals[i], withscores);
    mem_free(keys);
    mem_free(vals);
}

static void zrandmember_one(struct client *c)
{
    vobj *o;
    if (lookup_zset(c, 1, 0, &o) < 0)
        return;
    if (!o) {
        reply_null(c);
    } else if (o->encoding == OBJ_ENC_LISTPACK) {
        lp_value m;
        lp_random_pair(o->ptr, zset_length(o), &m, NULL);
        reply_lp_value(c, &m);
    } else {
        dict_entry *de = dict_random(((struct zset_big *)o->ptr)->dict);
        reply_bulk(c, de->key, vstr_len(de->key));
    }
}

/* A positive count asks for distinct members, a negative one for that
 * many independent picks. */
static void zrandmember_command(struct client *c)
{
    if (c->argc == 2) {
        zrandmember_one(c);
        return;
    }
    long count;
    if (arg_long(c, 2, &count) < 0)
        return;
    if (count == LONG_MIN) {
        reply_error_fmt(c, "value is out of range, value must between %ld and %ld", -LONG_MAX,
                        LONG_MAX);
        return;
    }
    int withscores = c->argc == 4;
    if (c->argc > 4 || (withscores && !client_arg_is(c, 3, "withscores"))) {
        reply_error_syntax(c);
        return;
    }
    /* Twice the count must fit the reply length. */
    if (withscores && (count < -LONG_MAX / 2 || count > LONG_MAX / 2)) {
        reply_error(c, "value is out of range");
        return;
    }
    vobj *o;
    if (lookup_zset(c, 1, 0, &o) < 0)
        return;
    if (!o || count == 0)
        reply_array_len(c, 0);
    else if (count < 0)
        random_with_repeats(c, o, (unsigned long)-count, withscores);
    else
        random_distinct(c, o, (unsigned long)count, withscores);
}

/* ---- ZSCAN ---- */

static void collect_member(void *ctx, const dict_entry *de)
{
    const struct scan_collect *sc = ctx;
    size_t len = vstr_len(de->key);
    if (!scan_match(sc->opts, de->key, len))
        return;
    scan_batch_add(sc->batch, de->key, len);
    scan_batch_add_score(sc->batch, de->v.d);
}

/* A listpack zset goes out whole in one call, scores as stored (integers
 * as such). */
static void collect_listpack(unsigned char *lp, const struct scan_options *opts,
                             struct scan_batch *batch)
{
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p))) {
        unsigned char mbuf[LP_INTBUF_SIZE], sbuf[LP_INTBUF_SIZE];
        uint32_t mlen, slen;
        unsigned char *m = lp_get_str(p, &mlen, mbuf);
        if (!scan_match(opts, (const char *)m, mlen))
            continue;
        unsigned char *s = lp_get_str(lp_next(lp, p), &slen, sbuf);
        scan_batch_add(batch, (const char *)m, mlen);
        scan_batch_add(batch, (const char *)s, slen);
    }
}

static void zscan_command(struct client *c)
{
    unsigned long cursor;
    vobj *o;
    if (scan_parse_cursor(c, 2, &cursor) < 0 || lookup_zset(c, 1, 0, &o) < 0)
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
        collect_listpack(o->ptr, &opts, &batch);
        cursor = 0;
    } else {
        struct zset_big *zs = o->ptr;
        struct scan_collect sc = {.opts = &opts, .batch = &batch};
        cursor = scan_dict(zs->dict, cursor, opts.count, collect_member, &sc);
    }
    scan_reply(c, cursor, &batch);
    scan_batch_free(&batch);
}

struct command zset_commands[] = {
    {.name = "zadd",
     .proc = zadd_command,
     .arity = -4,
     .flags = "write denyoom fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Add one or more members to a sorted set, or update its score if it already exists",
     .complexity =
         "O(log(N)) for each item added, where N is the number of elements in the sorted set."},
    {.name = "zincrby",
     .proc = zincrby_command,
     .arity = 4,
     .flags = "write denyoom fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Increment the score of a member in a sorted set",
     .complexity = "O(log(N)) where N is the number of elements in the sorted set."},
    {.name = "zrem",
     .proc = zrem_command,
     .arity = -3,
     .flags = "write fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Remove one or more members from a sorted set",
     .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the "
                   "number of elements to be removed."},
    {.name = "zcard",
     .proc = zcard_command,
     .arity = 2,
     .flags = "readonly fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Get the number of members in a sorted set",
     .complexity = "O(1)"},
    {.name = "zscore",
     .proc = zscore_command,
     .arity = 3,
     .flags = "readonly fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Get the score associated with the given member in a sorted set",
     .complexity = "O(1)"},
    {.name = "zmscore",
     .proc = zmscore_command,
     .arity = -3,
     .flags = "readonly fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "6.2.0",
     .summary = "Get the score associated with the given members in a sorted set",
     .complexity = "O(N) where N is the number of members being requested."},
    {.name = "zrank",
     .proc = zrank_command,
     .arity = 3,
     .flags = "readonly fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.0.0",
     .summary = "Determine the index of a member in a sorted set",
     .complexity = "O(log(N))"},
    {.name = "zrevrank",
     .proc = zrevrank_command,
     .arity = 3,
     .flags = "readonly fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.0.0",
     .summary =
         "Determine the index of a member in a sorted set, with scores ordered from high to low",
     .complexity = "O(log(N))"},
    {.name = "zcount",
     .proc = zcount_command,
     .arity = 4,
     .flags = "readonly fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.0.0",
     .summary = "Count the members in a sorted set with scores within the given values",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set."},
    {.name = "zlexcount",
     .proc = zlexcount_command,
     .arity = 4,
     .flags = "readonly fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.8.9",
     .summary = "Count the number of members in a sorted set between a given lexicographical range",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set."},
    {.name = "zrange",
     .proc = zrange_command,
     .arity = -4,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Return a range of members in a sorted set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements returned."},
    {.name = "zrangestore",
     .proc = zrangestore_command,
     .arity = -5,
     .flags = "write denyoom",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .group = "sorted-set",
     .since = "6.2.0",
     .summary = "Store a range of members from sorted set into another key",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements stored into the destination key."},
    {.name = "zrevrange",
     .proc = zrevrange_command,
     .arity = -4,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Return a range of members in a sorted set, by index, with scores ordered from "
                "high to low",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements returned."},
    {.name = "zrangebyscore",
     .proc = zrangebyscore_command,
     .arity = -4,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.0.5",
     .summary = "Return a range of members in a sorted set, by score",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements being returned. If M is constant (e.g. always asking for "
                   "the first 10 elements with LIMIT), you can consider it O(log(N))."},
    {.name = "zrevrangebyscore",
     .proc = zrevrangebyscore_command,
     .arity = -4,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.2.0",
     .summary = "Return a range of members in a sorted set, by score, with scores ordered from "
                "high to low",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements being returned. If M is constant (e.g. always asking for "
                   "the first 10 elements with LIMIT), you can consider it O(log(N))."},
    {.name = "zrangebylex",
     .proc = zrangebylex_command,
     .arity = -4,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.8.9",
     .summary = "Return a range of members in a sorted set, by lexicographical range",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements being returned. If M is constant (e.g. always asking for "
                   "the first 10 elements with LIMIT), you can consider it O(log(N))."},
    {.name = "zrevrangebylex",
     .proc = zrevrangebylex_command,
     .arity = -4,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.8.9",
     .summary = "Return a range of members in a sorted set, by lexicographical range, ordered from "
                "higher to lower strings.",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements being returned. If M is constant (e.g. always asking for "
                   "the first 10 elements with LIMIT), you can consider it O(log(N))."},
    {.name = "zremrangebyrank",
     .proc = zremrangebyrank_command,
     .arity = 4,
     .flags = "write",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.0.0",
     .summary = "Remove all members in a sorted set within the given indexes",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements removed by the operation."},
    {.name = "zremrangebyscore",
     .proc = zremrangebyscore_command,
     .arity = 4,
     .flags = "write",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "1.2.0",
     .summary = "Remove all members in a sorted set within the given scores",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements removed by the operation."},
    {.name = "zremrangebylex",
     .proc = zremrangebylex_command,
     .arity = 4,
     .flags = "write",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.8.9",
     .summary = "Remove all members in a sorted set between the given lexicographical range",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements removed by the operation."},
    {.name = "zunion",
     .proc = zunion_command,
     .arity = -3,
     .flags = "readonly movablekeys",
     .acl = "@sortedset",
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .group = "sorted-set",
     .since = "6.2.0",
     .summary = "Add multiple sorted sets",
     .complexity = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, "
                   "and M being the number of elements in the resulting sorted set."},
    {.name = "zinter",
     .proc = zinter_command,
     .arity = -3,
     .flags = "readonly movablekeys",
     .acl = "@sortedset",
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .group = "sorted-set",
     .since = "6.2.0",
     .summary = "Intersect multiple sorted sets",
     .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K "
                   "being the number of input sorted sets and M being the number of elements in "
                   "the resulting sorted set."},
    {.name = "zdiff",
     .proc = zdiff_command,
     .arity = -3,
     .flags = "readonly movablekeys",
     .acl = "@sortedset",
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .group = "sorted-set",
     .since = "6.2.0",
     .summary = "Subtract multiple sorted sets",
     .complexity =
         "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
         "is the size of the first set, and K is the size of the result set."},
    {.name = "zunionstore",
     .proc = zunionstore_command,
     .arity = -4,
     .flags = "write denyoom movablekeys",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.0.0",
     .summary = "Add multiple sorted sets and store the resulting sorted set in a new key",
     .complexity = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, "
                   "and M being the number of elements in the resulting sorted set."},
    {.name = "zinterstore",
     .proc = zinterstore_command,
     .arity = -4,
     .flags = "write denyoom movablekeys",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.0.0",
     .summary = "Intersect multiple sorted sets and store the resulting sorted set in a new key",
     .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K "
                   "being the number of input sorted sets and M being the number of elements in "
                   "the resulting sorted set."},
    {.name = "zdiffstore",
     .proc = zdiffstore_command,
     .arity = -4,
     .flags = "write denyoom movablekeys",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "6.2.0",
     .summary = "Subtract multiple sorted sets and store the resulting sorted set in a new key",
     .complexity =
         "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
         "is the size of the first set, and K is the size of the result set."},
    {.name = "zintercard",
     .proc = zintercard_command,
     .arity = -3,
     .flags = "readonly movablekeys",
     .acl = "@sortedset",
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .group = "sorted-set",
     .since = "7.0.0",
     .summary = "Intersect multiple sorted sets and return the cardinality of the result",
     .complexity = "O(N*K) worst case with N being the smallest input sorted set, K being the "
                   "number of input sorted sets."},
    {.name = "zpopmin",
     .proc = zpopmin_command,
     .arity = -2,
     .flags = "write fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "5.0.0",
     .summary = "Remove and return members with the lowest scores in a sorted set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being "
                   "the number of elements popped."},
    {.name = "zpopmax",
     .proc = zpopmax_command,
     .arity = -2,
     .flags = "write fast",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "5.0.0",
     .summary = "Remove and return members with the highest scores in a sorted set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being "
                   "the number of elements popped."},
    {.name = "zmpop",
     .proc = zmpop_command,
     .arity = -4,
     .flags = "write movablekeys",
     .acl = "@sortedset",
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .group = "sorted-set",
     .since = "7.0.0",
     .summary = "Remove and return members with scores in a sorted set",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number "
                   "of elements in the sorted set, and M being the number of elements popped."},
    {.name = "zrandmember",
     .proc = zrandmember_command,
     .arity = -2,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "6.2.0",
     .summary = "Get one or multiple random elements from a sorted set",
     .complexity = "O(N) where N is the number of elements returned"},
    {.name = "zscan",
     .proc = zscan_command,
     .arity = -3,
     .flags = "readonly",
     .acl = "@sortedset",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "sorted-set",
     .since = "2.8.0",
     .summary = "Incrementally iterate sorted sets elements and associated scores",
     .complexity =
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
         "the cursor to return back to 0. N is the number of elements inside the collection.."},
    {0},
};
