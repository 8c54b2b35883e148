/* t_list — the list type and its commands; see t_list.h.
 *
 * The first part is the type over the quicklist; then the commands, grouped
 * as Redis documents them: pushes, pops (with the bookkeeping every pop
 * shares), reads by index or range, in-place edits, moves, and the
 * blocking forms, which answer at once when they can and otherwise block
 * with a serve function that finishes the same work later.
 */
#include "t_list.h"

#include "blocking.h"
#include "client.h"
#include "db.h"
#include "mem.h"
#include "notify.h"
#include "numconv.h"
#include "propagate.h"
#include "reply.h"
#include "server.h"

#include <limits.h>

/* Elements must fit a listpack node (quicklist.h); proto-max-bulk-len can
 * be configured higher than that. */
#define LIST_MAX_ELEMENT (((size_t)1 << 30) - 1024)

/* ---------------------------------------------------------------------- */
/* The type                                                                */
/* ---------------------------------------------------------------------- */

vobj *list_type_create(void)
{
    quicklist *ql = quicklist_new(cfg.list_max_listpack_size, cfg.list_compress_depth);
    return obj_new(OBJ_LIST, OBJ_ENC_QUICKLIST, ql);
}

size_t list_type_length(const vobj *o)
{
    return quicklist_count(o->ptr);
}

void list_type_push(vobj *o, int where, const char *s, size_t len)
{
    quicklist_push(o->ptr, where, s, len);
}

vstr list_type_pop(vobj *o, int where)
{
    vstr s;
    int64_t v;
    if (quicklist_pop(o->ptr, where, &s, &v) < 0)
        return NULL;
    if (s)
        return s;
    char buf[24];
    return vstr_new(buf, numconv_ll_to_str(buf, v));
}

static void list_free(vobj *o)
{
    quicklist_free(o->ptr);
}

static vobj *list_dup(const vobj *o)
{
    return obj_new(OBJ_LIST, OBJ_ENC_QUICKLIST, quicklist_dup(o->ptr));
}

static size_t list_mem_usage(const vobj *o)
{
    return sizeof(vobj) + quicklist_mem_usage(o->ptr);
}

static const struct obj_type_ops list_ops = {
    .free = list_free,
    .dup = list_dup,
    .mem_usage = list_mem_usage,
    .length = list_type_length,
};

void list_init(void)
{
    obj_register_type(OBJ_LIST, &list_ops);
}

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                          */
/* ---------------------------------------------------------------------- */

#define ARG(c, i) client_arg(c, i), client_arg_len(c, i)

static void reply_entry(struct client *c, const quicklist_entry *e)
{
    if (e->value)
        reply_bulk(c, (const char *)e->value, e->len);
    else
        reply_bulk_ll(c, e->ival);
}

/* Write lookup of argument i: 0 with *out (NULL when missing), or -1 after
 * replying WRONGTYPE. */
static int lookup_list(struct client *c, int i, int write, vobj **out)
{
    vobj *o = write ? db_lookup_write(c->db, ARG(c, i)) : db_lookup_read(c->db, ARG(c, i));
    if (o && o->type != OBJ_LIST) {
        reply_error_wrongtype(c);
        return -1;
    }
    *out = o;
    return 0;
}

static int parse_long(struct client *c, int i, long long *out)
{
    if (numconv_to_ll(ARG(c, i), out) < 0) {
        reply_error_not_integer(c);
        return -1;
    }
    return 0;
}

/* A long long in [min, LLONG_MAX], else the given error. */
static int parse_at_least(struct client *c, int i, long long min, const char *err, long long *out)
{
    if (numconv_to_ll(ARG(c, i), out) < 0 || *out < min) {
        reply_error(c, err);
        return -1;
    }
    return 0;
}

/* LEFT / RIGHT as a list end. */
static int parse_end(struct client *c, int i, int *where)
{
    if (client_arg_is(c, i, "left"))
        *where = LIST_HEAD;
    else if (client_arg_is(c, i, "right"))
        *where = LIST_TAIL;
    else
        return -1;
    return 0;
}

static int elements_fit(struct client *c, int first)
{
    for (int i = first; i < c->argc; i++) {
        if (client_arg_len(c, i) > LIST_MAX_ELEMENT) {
            reply_error(c, "Element too large");
            return 0;
        }
    }
    return 1;
}

static const char *pop_event(int where)
{
    return where == LIST_HEAD ? "lpop" : "rpop";
}

static const char *push_event(int where)
{
    return where == LIST_HEAD ? "lpush" : "rpush";
}

/* After n elements were popped from key: the event, deletion of an emptied
 * list, WATCH and dirty. */
static void popped(struct client *c, vobj *o, const char *key, size_t len, int where, long n)
{
    notify_keyspace_event(NOTIFY_LIST, pop_event(where), key, len, c->db->id);
    if (list_type_length(o) == 0) {
        db_delete(c->db, key, len);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key, len, c->db->id);
    }
    db_signal_modified_key(c, c->db, key, len);
    server.dirty += n;
}

/* Replies up to count elements from one end, in pop order, and removes them
 * with one range deletion.  Returns how many. */
static long reply_and_remove(struct client *c, vobj *o, int where, long long count)
{
    quicklist *ql = o->ptr;
    long n = (long)quicklist_count(ql);
    if (count < n)
        n = (long)count;
    reply_array_len(c, n);
    quicklist_iter *it = quicklist_iter_new(ql, where);
    quicklist_entry e;
    for (long i = 0; i < n && quicklist_iter_next(it, &e); i++)
        reply_entry(c, &e);
    quicklist_iter_free(it);
    quicklist_delete_range(ql, where == LIST_HEAD ? 0 : -n, (unsigned long)n);
    return n;
}

/* Replies the element at one end and removes it. */
static void reply_and_remove_one(struct client *c, vobj *o, int where)
{
    quicklist_entry e;
    long idx = where == LIST_HEAD ? 0 : -1;
    quicklist_index(o->ptr, idx, &e);
    reply_entry(c, &e);
    quicklist_delete_range(o->ptr, idx, 1);
}

/* AOF and replicas see a pop as LPOP/RPOP key [count]: what LMPOP and
 * the blocking forms actually did, as Redis rewrites them. */
static void propagate_pop(struct client *c, const char *key, size_t keylen, int where, long count)
{
    propagate_rewrite_key(c, where == LIST_HEAD ? "LPOP" : "RPOP", key, keylen, count ? count : -1);
}

/* BLMOVE and BRPOPLPUSH propagate as LMOVE and RPOPLPUSH. */
static void propagate_blocking_move(struct client *c, const char *src, size_t srclen)
{
    int blmove = client_arg_is(c, 0, "blmove");
    if (!blmove && !client_arg_is(c, 0, "brpoplpush"))
        return;
    int argc = blmove ? 5 : 3;
    vstr *argv = mem_malloc(sizeof(vstr) * (size_t)argc);
    argv[0] = vstr_from(blmove ? "LMOVE" : "RPOPLPUSH");
    argv[1] = vstr_new(src, srclen);
    for (int i = 2; i < argc; i++)
        argv[i] = vstr_new(ARG(c, i));
    propagate_rewrite(c, argc, argv);
}

/* ---------------------------------------------------------------------- */
/* Pushes                                                                  */
/* ---------------------------------------------------------------------- */

static void push_generic(struct client *c, int where, int only_existing)
{
    vobj *o;
    if (lookup_list(c, 1, 1, &o) < 0 || !elements_fit(c, 2))
        return;
    if (!o) {
        if (only_existing) {
            reply_ll(c, 0);
            return;
        }
        o = list_type_create();
        db_add(c->db, ARG(c, 1), o);
    }
    for (int i = 2; i < c->argc; i++)
        list_type_push(o, where, ARG(c, i));
    reply_ll(c, (long long)list_type_length(o));
    db_signal_modified_key(c, c->db, ARG(c, 1));
    notify_keyspace_event(NOTIFY_LIST, push_event(where), ARG(c, 1), c->db->id);
    server.dirty += c->argc - 2;
}

static void lpush_command(struct client *c)
{
    push_generic(c, LIST_HEAD, 0);
}

static void rpush_command(struct client *c)
{
    push_generic(c, LIST_TAIL, 0);
}

static void lpushx_command(struct client *c)
{
    push_generic(c, LIST_HEAD, 1);
}

static void rpushx_command(struct client *c)
{
    push_generic(c, LIST_TAIL, 1);
}

/* ---------------------------------------------------------------------- */
/* Pops                                                                    */
/* ---------------------------------------------------------------------- */

static void pop_generic(struct client *c, int where)
{
    if (c->argc > 3) {
        reply_error_arity(c);
        return;
    }
    long long count = 0;
    int with_count = c->argc == 3;
    if (with_count &&
        parse_at_least(c, 2, 0, "value is out of range, must be positive", &count) < 0)
        return;
    vobj *o;
    if (lookup_list(c, 1, 1, &o) < 0)
        return;
    if (!o) {
        if (with_count)
            reply_null_array(c);
        else
            reply_null(c);
        return;
    }
    if (with_count && count == 0) {
        reply_array_len(c, 0);
        return;
    }
    long n = 1;
    if (with_count)
        n = reply_and_remove(c, o, where, count);
    else
        reply_and_remove_one(c, o, where);
    popped(c, o, ARG(c, 1), where, n);
}

static void lpop_command(struct client *c)
{
    pop_generic(c, LIST_HEAD);
}

static void rpop_command(struct client *c)
{
    pop_generic(c, LIST_TAIL);
}

/* LMPOP / BLMPOP arguments after the timeout. */
struct mpop_args {
    int first_key;
    int nkeys;
    int where;
    long long count;
};

static int mpop_parse(struct client *c, int numkeys_idx, struct mpop_args *a)
{
    long long numkeys;
    if (parse_at_least(c, numkeys_idx, 1, "numkeys should be greater than 0", &numkeys) < 0)
        return -1;
    /* The keys and the direction must all be there. */
    if (numkeys > c->argc - numkeys_idx - 2) {
        reply_error_syntax(c);
        return -1;
    }
    a->first_key = numkeys_idx + 1;
    a->nkeys = (int)numkeys;
    int i = a->first_key + a->nkeys;
    if (parse_end(c, i, &a->where) < 0) {
        reply_error_syntax(c);
        return -1;
    }
    a->count = -1;
    for (i++; i < c->argc; i++) {
        if (client_arg_is(c, i, "count") && i + 1 < c->argc && a->count == -1) {
            i++;
            if (parse_at_least(c, i, 1, "count should be greater than 0", &a->count) < 0)
                return -1;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    if (a->count == -1)
        a->count = 1;
    return 0;
}

/* Pops from the first non-empty list among the keys: [key, [elements]].
 * 1 if it popped, 0 if every key is missing, -1 after WRONGTYPE. */
static int mpop_first(struct client *c, const struct mpop_args *a)
{
    for (int i = a->first_key; i < a->first_key + a->nkeys; i++) {
        vobj *o;
        if (lookup_list(c, i, 1, &o) < 0)
            return -1;
        if (!o)
            continue;
        reply_array_len(c, 2);
        reply_bulk(c, ARG(c, i));
        long n = reply_and_remove(c, o, a->where, a->count);
        propagate_pop(c, ARG(c, i), a->where, n);
        popped(c, o, ARG(c, i), a->where, n);
        return 1;
    }
    return 0;
}

static void lmpop_command(struct client *c)
{
    struct mpop_args a;
    if (mpop_parse(c, 1, &a) < 0)
        return;
    if (mpop_first(c, &a) == 0)
        reply_null_array(c);
}

/* ---------------------------------------------------------------------- */
/* Reads                                                                   */
/* ---------------------------------------------------------------------- */

static void llen_command(struct client *c)
{
    vobj *o;
    if (lookup_list(c, 1, 0, &o) < 0)
        return;
    reply_ll(c, o ? (long long)list_type_length(o) : 0);
}

static void lindex_command(struct client *c)
{
    vobj *o = db_lookup_read_or_reply(c, ARG(c, 1), OBJ_LIST);
    long long index;
    if (!o || parse_long(c, 2, &index) < 0)
        return;
    quicklist_entry e;
    if (index < LONG_MIN || index > LONG_MAX || quicklist_index(o->ptr, (long)index, &e) < 0)
        reply_null(c);
    else
        reply_entry(c, &e);
}

/* Clamps [start, end] (negative from the tail) to a list of len elements;
 * 0 with the range, or -1 when it is empty. */
static int clamp_range(long long start, long long end, long long len, long long *from,
                       long long *to)
{
    if (start < 0)
        start += len;
    if (end < 0)
        end += len;
    if (start < 0)
        start = 0;
    if (start > end || start >= len)
        return -1;
    if (end >= len)
        end = len - 1;
    *from = start;
    *to = end;
    return 0;
}

static void lrange_command(struct client *c)
{
    long long start, end, from, to;
    if (parse_long(c, 2, &start) < 0 || parse_long(c, 3, &end) < 0)
        return;
    vobj *o;
    if (lookup_list(c, 1, 0, &o) < 0)
        return;
    if (!o || clamp_range(start, end, (long long)list_type_length(o), &from, &to) < 0) {
        reply_array_len(c, 0);
        return;
    }
    long n = (long)(to - from + 1);
    reply_array_len(c, n);
    quicklist_iter *it = quicklist_iter_at_index(o->ptr, QUICKLIST_HEAD, (long)from);
    quicklist_entry e;
    for (long i = 0; i < n && quicklist_iter_next(it, &e); i++)
        reply_entry(c, &e);
    quicklist_iter_free(it);
}

struct lpos_args {
    long long rank, count, maxlen;
    int with_count;
};

static int lpos_parse(struct client *c, struct lpos_args *a)
{
    *a = (struct lpos_args){.rank = 1};
    for (int i = 3; i < c->argc; i++) {
        int more = i + 1 < c->argc;
        if (more && client_arg_is(c, i, "rank")) {
            if (parse_long(c, ++i, &a->rank) < 0)
                return -1;
            if (a->rank == 0) {
                reply_error(c, "RANK can't be zero: use 1 to start from the first match, 2 from "
                               "the second ... or use negative to start from the end of the list");
                return -1;
            }
        } else if (more && client_arg_is(c, i, "count")) {
            if (parse_at_least(c, ++i, 0, "COUNT can't be negative", &a->count) < 0)
                return -1;
            a->with_count = 1;
        } else if (more && client_arg_is(c, i, "maxlen")) {
            if (parse_at_least(c, ++i, 0, "MAXLEN can't be negative", &a->maxlen) < 0)
                return -1;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    return 0;
}

/* Redis counts the matches past the rank in wrapping arithmetic, which
 * decides what RANK -9223372036854775808 COUNT n returns: every match. */
static int lpos_count_reached(long long matches, long long rank, long long count)
{
    unsigned long long found = (unsigned long long)matches - (unsigned long long)rank + 1;
    return count && (long long)found >= count;
}

static void lpos_command(struct client *c)
{
    struct lpos_args a;
    if (lpos_parse(c, &a) < 0)
        return;
    vobj *o;
    if (lookup_list(c, 1, 0, &o) < 0)
        return;
    if (!o) {
        if (a.with_count)
            reply_array_len(c, 0);
        else
            reply_null(c);
        return;
    }
    int direction = QUICKLIST_HEAD;
    long long rank = a.rank;
    if (rank < 0) {
        /* -LLONG_MIN stays LLONG_MIN in Redis's two's complement. */
        rank = (long long)(0ULL - (unsigned long long)rank);
        direction = QUICKLIST_TAIL;
    }
    long long llen = (long long)list_type_length(o);
    void *slot = a.with_count ? reply_deferred_len(c) : NULL;
    long found = 0;
    long long index = 0, matches = 0, hit = -1;
    quicklist_iter *it = quicklist_iter_new(o->ptr, direction);
    quicklist_entry e;
    while ((a.maxlen == 0 || index < a.maxlen) && quicklist_iter_next(it, &e)) {
        if (quicklist_entry_equals(&e, ARG(c, 2)) && ++matches >= rank) {
            hit = direction == QUICKLIST_HEAD ? index : llen - index - 1;
            if (!a.with_count)
                break;
            reply_ll(c, hit);
            found++;
            if (lpos_count_reached(matches, rank, a.count))
                break;
        }
        index++;
    }
    quicklist_iter_free(it);
    if (a.with_count)
        reply_set_deferred_array_len(c, slot, found);
    else if (hit >= 0)
        reply_ll(c, hit);
    else
        reply_null(c);
}

/* ---------------------------------------------------------------------- */
/* Edits                                                                   */
/* ---------------------------------------------------------------------- */

static void lset_command(struct client *c)
{
    vobj *o;
    if (lookup_list(c, 1, 1, &o) < 0)
        return;
    if (!o) {
        reply_error_no_such_key(c);
        return;
    }
    long long index;
    if (parse_long(c, 2, &index) < 0 || !elements_fit(c, 3))
        return;
    if (index < LONG_MIN || index > LONG_MAX ||
        quicklist_replace_at_index(o->ptr, (long)index, ARG(c, 3)) < 0) {
        reply_error_out_of_range(c);
        return;
    }
    reply_ok(c);
    db_signal_modified_key(c, c->db, ARG(c, 1));
    notify_keyspace_event(NOTIFY_LIST, "lset", ARG(c, 1), c->db->id);
    server.dirty++;
}

static void linsert_command(struct client *c)
{
    int after;
    if (client_arg_is(c, 2, "after"))
        after = 1;
    else if (client_arg_is(c, 2, "before"))
        after = 0;
    else {
        reply_error_syntax(c);
        return;
    }
    vobj *o;
    if (lookup_list(c, 1, 1, &o) < 0 || !elements_fit(c, 4))
        return;
    if (!o) {
        reply_ll(c, 0);
        return;
    }
    quicklist_iter *it = quicklist_iter_new(o->ptr, QUICKLIST_HEAD);
    quicklist_entry e;
    int inserted = 0;
    while (quicklist_iter_next(it, &e)) {
        if (!quicklist_entry_equals(&e, ARG(c, 3)))
            continue;
        if (after)
            quicklist_insert_after(it, &e, ARG(c, 4));
        else
            quicklist_insert_before(it, &e, ARG(c, 4));
        inserted = 1;
        break;
    }
    quicklist_iter_free(it);
    if (!inserted) {
        reply_ll(c, -1);
        return;
    }
    db_signal_modified_key(c, c->db, ARG(c, 1));
    notify_keyspace_event(NOTIFY_LIST, "linsert", ARG(c, 1), c->db->id);
    server.dirty++;
    reply_ll(c, (long long)list_type_length(o));
}

/* After elements were removed by LREM or LTRIM: the event, deletion of an
 * emptied list and WATCH. */
static void trimmed(struct client *c, vobj *o, const char *event)
{
    notify_keyspace_event(NOTIFY_LIST, event, ARG(c, 1), c->db->id);
    if (list_type_length(o) == 0) {
        db_delete(c->db, ARG(c, 1));
        notify_keyspace_event(NOTIFY_GENERIC, "del", ARG(c, 1), c->db->id);
    }
    db_signal_modified_key(c, c->db, ARG(c, 1));
}

static void lrem_command(struct client *c)
{
    long long count;
    if (parse_long(c, 2, &count) < 0)
        return;
    vobj *o;
    if (lookup_list(c, 1, 1, &o) < 0)
        return;
    if (!o) {
        reply_ll(c, 0);
        return;
    }
    /* count < 0 removes from the tail; its magnitude as unsigned also
     * covers LLONG_MIN. */
    unsigned long long limit =
        count < 0 ? 0ULL - (unsigned long long)count : (unsigned long long)count;
    quicklist_iter *it = quicklist_iter_new(o->ptr, count < 0 ? QUICKLIST_TAIL : QUICKLIST_HEAD);
    quicklist_entry e;
    unsigned long long removed = 0;
    while (quicklist_iter_next(it, &e)) {
        if (!quicklist_entry_equals(&e, ARG(c, 3)))
            continue;
        quicklist_delete_entry(it, &e);
        if (++removed == limit)
            break;
    }
    quicklist_iter_free(it);
    if (removed) {
        trimmed(c, o, "lrem");
        server.dirty += (long long)removed;
    }
    reply_ll(c, (long long)removed);
}

static void ltrim_command(struct client *c)
{
    long long start, end, from, to;
    if (parse_long(c, 2, &start) < 0 || parse_long(c, 3, &end) < 0)
        return;
    vobj *o;
    if (lookup_list(c, 1, 1, &o) < 0)
        return;
    if (!o) {
        reply_ok(c);
        return;
    }
    long long len = (long long)list_type_length(o);
    long long head = len, tail = 0;
    if (clamp_range(start, end, len, &from, &to) == 0) {
        head = from;
        tail = len - to - 1;
    }
    quicklist_delete_range(o->ptr, 0, (unsigned long)head);
    quicklist_delete_range(o->ptr, (long)-tail, (unsigned long)tail);
    trimmed(c, o, "ltrim");
    server.dirty += head + tail;
    reply_ok(c);
}

/* ---------------------------------------------------------------------- */
/* Moves                                                                   */
/* ---------------------------------------------------------------------- */

/* Pushes value onto the list at argument dst_i (dst, NULL when missing). */
static void move_push(struct client *c, int dst_i, vobj *dst, const char *value, size_t len,
                      int where)
{
    if (!dst) {
        dst = list_type_create();
        db_add(c->db, ARG(c, dst_i), dst);
    }
    db_signal_modified_key(c, c->db, ARG(c, dst_i));
    list_type_push(dst, where, value, len);
    notify_keyspace_event(NOTIFY_LIST, push_event(where), ARG(c, dst_i), c->db->id);
}

/* Moves one element from src (non-empty, at key) to the list at argument
 * dst_i and replies it; -1 after WRONGTYPE when dst is not a list, with src
 * untouched. */
static int move_element(struct client *c, vobj *src, const char *key, size_t keylen, int dst_i,
                        int wherefrom, int whereto)
{
    vobj *dst;
    if (lookup_list(c, dst_i, 1, &dst) < 0)
        return -1;
    vstr value = list_type_pop(src, wherefrom);
    move_push(c, dst_i, dst, value, vstr_len(value), whereto);
    reply_bulk(c, value, vstr_len(value));
    vstr_free(value);
    propagate_blocking_move(c, key, keylen);
    popped(c, src, key, keylen, wherefrom, 1);
    return 0;
}

static void move_generic(struct client *c, int wherefrom, int whereto)
{
    vobj *src;
    if (lookup_list(c, 1, 1, &src) < 0)
        return;
    if (!src) {
        reply_null(c);
        return;
    }
    move_element(c, src, ARG(c, 1), 2, wherefrom, whereto);
}

static int parse_move_ends(struct client *c, int *wherefrom, int *whereto)
{
    if (parse_end(c, 3, wherefrom) < 0 || parse_end(c, 4, whereto) < 0) {
        reply_error_syntax(c);
        return -1;
    }
    return 0;
}

static void lmove_command(struct client *c)
{
    int wherefrom, whereto;
    if (parse_move_ends(c, &wherefrom, &whereto) == 0)
        move_generic(c, wherefrom, whereto);
}

static void rpoplpush_command(struct client *c)
{
    move_generic(c, LIST_TAIL, LIST_HEAD);
}

/* ---------------------------------------------------------------------- */
/* Blocking forms                                                          */
/* ---------------------------------------------------------------------- */

static int bpop_where(const struct client *c)
{
    return client_arg_is(c, 0, "blpop") ? LIST_HEAD : LIST_TAIL;
}

static void bpop_reply(struct client *c, vobj *o, const char *key, size_t keylen, int where)
{
    reply_array_len(c, 2);
    reply_bulk(c, key, keylen);
    reply_and_remove_one(c, o, where);
    propagate_pop(c, key, keylen, where, 0);
    popped(c, o, key, keylen, where, 1);
}

static void bpop_serve(struct client *c, vobj *o, const char *key, size_t keylen)
{
    bpop_reply(c, o, key, keylen, bpop_where(c));
}

static void bpop_command(struct client *c)
{
    long long deadline;
    if (blocking_parse_timeout(c, c->argc - 1, &deadline) < 0)
        return;
    for (int i = 1; i < c->argc - 1; i++) {
        vobj *o;
        if (lookup_list(c, i, 1, &o) < 0)
            return;
        if (o) {
            bpop_reply(c, o, ARG(c, i), bpop_where(c));
            return;
        }
    }
    if (blocking_denied(c))
        reply_null_array(c);
    else
        blocking_block(c, OBJ_LIST, 1, c->argc - 2, deadline, bpop_serve);
}

static void bmpop_serve(struct client *c, vobj *o, const char *key, size_t keylen)
{
    struct mpop_args a;
    mpop_parse(c, 2, &a);
    reply_array_len(c, 2);
    reply_bulk(c, key, keylen);
    long n = reply_and_remove(c, o, a.where, a.count);
    propagate_pop(c, key, keylen, a.where, n);
    popped(c, o, key, keylen, a.where, n);
}

static void blmpop_command(struct client *c)
{
    struct mpop_args a;
    long long deadline;
    if (mpop_parse(c, 2, &a) < 0 || blocking_parse_timeout(c, 1, &deadline) < 0)
        return;
    int rc = mpop_first(c, &a);
    if (rc != 0)
        return;
    if (blocking_denied(c))
        reply_null_array(c);
    else
        blocking_block(c, OBJ_LIST, a.first_key, a.nkeys, deadline, bmpop_serve);
}

/* BLMOVE src dst from to timeout, or BRPOPLPUSH src dst timeout. */
static void bmove_ends(const struct client *c, int *wherefrom, int *whereto)
{
    if (c->argc == 4) {
        *wherefrom = LIST_TAIL;
        *whereto = LIST_HEAD;
    } else {
        *wherefrom = client_arg_is(c, 3, "left") ? LIST_HEAD : LIST_TAIL;
        *whereto = client_arg_is(c, 4, "left") ? LIST_HEAD : LIST_TAIL;
    }
}

static void bmove_serve(struct client *c, vobj *o, const char *key, size_t keylen)
{
    int wherefrom, whereto;
    bmove_ends(c, &wherefrom, &whereto);
    move_element(c, o, key, keylen, 2, wherefrom, whereto);
}

static void bmove_generic(struct client *c)
{
    long long deadline;
    if (blocking_parse_timeout(c, c->argc - 1, &deadline) < 0)
        return;
    vobj *src;
    if (lookup_list(c, 1, 1, &src) < 0)
        return;
    if (src) {
        int wherefrom, whereto;
        bmove_ends(c, &wherefrom, &whereto);
        move_element(c, src, ARG(c, 1), 2, wherefrom, whereto);
    } else if (blocking_denied(c)) {
        reply_null(c);
    } else {
        blocking_block(c, OBJ_LIST, 1, 1, deadline, bmove_serve);
    }
}

static void blmove_command(struct client *c)
{
    int wherefrom, whereto;
    if (parse_move_ends(c, &wherefrom, &whereto) == 0)
        bmove_generic(c);
}

static void brpoplpush_command(struct client *c)
{
    bmove_generic(c);
}

/* ---------------------------------------------------------------------- */
/* Command table                                                           */
/* ---------------------------------------------------------------------- */

#define LIST_KEY1 .first_key = 1, .last_key = 1, .key_step = 1, .group = "list"
#define SPEC_INSERT "RW insert|index 1|range 0 1 0"
#define SPEC_POP "RW access delete|index 1|range 0 1 0"
#define SPEC_MOVE "RW access delete|index 1|range 0 1 0;RW insert|index 2|range 0 1 0"
#define PUSH_ARGS "key:key#0 *element:string"
#define POP_ARGS "key:key#0 ?count:integer@6.2.0"
#define END_ARG(name) name ":oneof(left:pure-token=LEFT right:pure-token=RIGHT)"
#define MOVE_ARGS "source:key#0 destination:key#1 " END_ARG("wherefrom") " " END_ARG("whereto")
#define MPOP_ARGS "numkeys:integer *key:key#0 " END_ARG("where") " ?count:integer=COUNT"
#define PUSH_COMPLEXITY                                                                            \
    "O(1) for each element added, so O(N) to add N elements when the command is called with "      \
    "multiple arguments."
#define TIMEOUT_HISTORY "6.0.0 `timeout` is interpreted as a double instead of an integer."

struct command list_commands[] = {
    {.name = "lpush",
     .proc = lpush_command,
     .arity = -3,
     .flags = "write denyoom fast",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = SPEC_INSERT,
     .args = PUSH_ARGS,
     .history = "2.4.0 Accepts multiple `element` arguments.",
     .since = "1.0.0",
     .summary = "Prepend one or multiple elements to a list",
     .complexity = PUSH_COMPLEXITY},
    {.name = "rpush",
     .proc = rpush_command,
     .arity = -3,
     .flags = "write denyoom fast",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = SPEC_INSERT,
     .args = PUSH_ARGS,
     .history = "2.4.0 Accepts multiple `element` arguments.",
     .since = "1.0.0",
     .summary = "Append one or multiple elements to a list",
     .complexity = PUSH_COMPLEXITY},
    {.name = "lpushx",
     .proc = lpushx_command,
     .arity = -3,
     .flags = "write denyoom fast",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = SPEC_INSERT,
     .args = PUSH_ARGS,
     .history = "4.0.0 Accepts multiple `element` arguments.",
     .since = "2.2.0",
     .summary = "Prepend an element to a list, only if the list exists",
     .complexity = PUSH_COMPLEXITY},
    {.name = "rpushx",
     .proc = rpushx_command,
     .arity = -3,
     .flags = "write denyoom fast",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = SPEC_INSERT,
     .args = PUSH_ARGS,
     .history = "4.0.0 Accepts multiple `element` arguments.",
     .since = "2.2.0",
     .summary = "Append an element to a list, only if the list exists",
     .complexity = PUSH_COMPLEXITY},
    {.name = "lpop",
     .proc = lpop_command,
     .arity = -2,
     .flags = "write fast",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = SPEC_POP,
     .args = POP_ARGS,
     .history = "6.2.0 Added the `count` argument.",
     .since = "1.0.0",
     .summary = "Remove and get the first elements in a list",
     .complexity = "O(N) where N is the number of elements returned"},
    {.name = "rpop",
     .proc = rpop_command,
     .arity = -2,
     .flags = "write fast",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = SPEC_POP,
     .args = POP_ARGS,
     .history = "6.2.0 Added the `count` argument.",
     .since = "1.0.0",
     .summary = "Remove and get the last elements in a list",
     .complexity = "O(N) where N is the number of elements returned"},
    {.name = "lmpop",
     .proc = lmpop_command,
     .arity = -4,
     .flags = "write",
     .acl = "@list",
     .group = "list",
     .key_specs = "RW access delete|index 1|keynum 0 1 1",
     .args = MPOP_ARGS,
     .since = "7.0.0",
     .summary = "Pop elements from a list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                   "elements returned."},
    {.name = "llen",
     .proc = llen_command,
     .arity = 2,
     .flags = "readonly fast",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = "RO|index 1|range 0 1 0",
     .args = "key:key#0",
     .since = "1.0.0",
     .summary = "Get the length of a list",
     .complexity = "O(1)"},
    {.name = "lindex",
     .proc = lindex_command,
     .arity = 3,
     .flags = "readonly",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = "RO access|index 1|range 0 1 0",
     .args = "key:key#0 index:integer",
     .since = "1.0.0",
     .summary = "Get an element from a list by its index",
     .complexity = "O(N) where N is the number of elements to traverse to get to the element at "
                   "index. This makes asking for the first or the last element of the list "
                   "O(1)."},
    {.name = "lrange",
     .proc = lrange_command,
     .arity = 4,
     .flags = "readonly",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = "RO access|index 1|range 0 1 0",
     .args = "key:key#0 start:integer stop:integer",
     .since = "1.0.0",
     .summary = "Get a range of elements from a list",
     .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, "
                   "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                   "elements in the specified range."},
    {.name = "lpos",
     .proc = lpos_command,
     .arity = -3,
     .flags = "readonly",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = "RO access|index 1|range 0 1 0",
     .args = "key:key#0 element:string ?rank:integer=RANK ?num-matches:integer=COUNT "
             "?len:integer=MAXLEN",
     .since = "6.0.6",
     .summary = "Return the index of matching elements on a list",
     .complexity = "O(N) where N is the number of elements in the list, for the average case. "
                   "When searching for elements near the head or the tail of the list, or when "
                   "the MAXLEN option is provided, the command may run in constant time."},
    {.name = "lset",
     .proc = lset_command,
     .arity = 4,
     .flags = "write denyoom",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = "RW update|index 1|range 0 1 0",
     .args = "key:key#0 index:integer element:string",
     .since = "1.0.0",
     .summary = "Set the value of an element in a list by its index",
     .complexity = "O(N) where N is the length of the list. Setting either the first or the last "
                   "element of the list is O(1)."},
    {.name = "linsert",
     .proc = linsert_command,
     .arity = 5,
     .flags = "write denyoom",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = SPEC_INSERT,
     .args = "key:key#0 where:oneof(before:pure-token=BEFORE after:pure-token=AFTER) "
             "pivot:string element:string",
     .since = "2.2.0",
     .summary = "Insert an element before or after another element in a list",
     .complexity = "O(N) where N is the number of elements to traverse before seeing the value "
                   "pivot. This means that inserting somewhere on the left end on the list "
                   "(head) can be considered O(1) and inserting somewhere on the right end "
                   "(tail) is O(N)."},
    {.name = "lrem",
     .proc = lrem_command,
     .arity = 4,
     .flags = "write",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = "RW delete|index 1|range 0 1 0",
     .args = "key:key#0 count:integer element:string",
     .since = "1.0.0",
     .summary = "Remove elements from a list",
     .complexity = "O(N+M) where N is the length of the list and M is the number of elements "
                   "removed."},
    {.name = "ltrim",
     .proc = ltrim_command,
     .arity = 4,
     .flags = "write",
     .acl = "@list",
     LIST_KEY1,
     .key_specs = "RW delete|index 1|range 0 1 0",
     .args = "key:key#0 start:integer stop:integer",
     .since = "1.0.0",
     .summary = "Trim a list to the specified range",
     .complexity = "O(N) where N is the number of elements to be removed by the operation."},
    {.name = "lmove",
     .proc = lmove_command,
     .arity = 5,
     .flags = "write denyoom",
     .acl = "@list",
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .group = "list",
     .key_specs = SPEC_MOVE,
     .args = MOVE_ARGS,
     .since = "6.2.0",
     .summary = "Pop an element from a list, push it to another list and return it",
     .complexity = "O(1)"},
    {.name = "rpoplpush",
     .proc = rpoplpush_command,
     .arity = 3,
     .flags = "write denyoom",
     .acl = "@list",
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .group = "list",
     .key_specs = SPEC_MOVE,
     .args = "source:key#0 destination:key#1",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments",
     .since = "1.2.0",
     .summary = "Remove the last element in a list, prepend it to another list and return it",
     .complexity = "O(1)"},
    {.name = "blpop",
     .proc = bpop_command,
     .arity = -3,
     .flags = "write noscript blocking",
     .acl = "@list",
     .first_key = 1,
     .last_key = -2,
     .key_step = 1,
     .group = "list",
     .key_specs = "RW access delete|index 1|range -2 1 0",
     .args = "*key:key#0 timeout:double",
     .history = TIMEOUT_HISTORY,
     .since = "2.0.0",
     .summary = "Remove and get the first element in a list, or block until one is available",
     .complexity = "O(N) where N is the number of provided keys."},
    {.name = "brpop",
     .proc = bpop_command,
     .arity = -3,
     .flags = "write noscript blocking",
     .acl = "@list",
     .first_key = 1,
     .last_key = -2,
     .key_step = 1,
     .group = "list",
     .key_specs = "RW access delete|index 1|range -2 1 0",
     .args = "*key:key#0 timeout:double",
     .history = TIMEOUT_HISTORY,
     .since = "2.0.0",
     .summary = "Remove and get the last element in a list, or block until one is available",
     .complexity = "O(N) where N is the number of provided keys."},
    {.name = "blmove",
     .proc = blmove_command,
     .arity = 6,
     .flags = "write denyoom noscript blocking",
     .acl = "@list",
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .group = "list",
     .key_specs = SPEC_MOVE,
     .args = MOVE_ARGS " timeout:double",
     .since = "6.2.0",
     .summary = "Pop an element from a list, push it to another list and return it; or block "
                "until one is available",
     .complexity = "O(1)"},
    {.name = "brpoplpush",
     .proc = brpoplpush_command,
     .arity = 4,
     .flags = "write denyoom noscript blocking",
     .acl = "@list",
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .group = "list",
     .key_specs = SPEC_MOVE,
     .args = "source:key#0 destination:key#1 timeout:double",
     .history = TIMEOUT_HISTORY,
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
     .since = "2.2.0",
     .summary = "Pop an element from a list, push it to another list and return it; or block "
                "until one is available",
     .complexity = "O(1)"},
    {.name = "blmpop",
     .proc = blmpop_command,
     .arity = -5,
     .flags = "write blocking",
     .acl = "@list",
     .group = "list",
     .key_specs = "RW access delete|index 2|keynum 0 1 1",
     .args = "timeout:double " MPOP_ARGS,
     .since = "7.0.0",
     .summary = "Pop elements from a list, or block until one is available",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                   "elements returned."},
    {0},
};
