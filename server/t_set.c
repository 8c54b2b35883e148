/* t_set — the set type and its commands; see t_set.h.
 *
 * The first half is the type: encoding-independent add/remove/membership,
 * the intset -> hashtable conversion, iteration, random picks and the
 * object ops.  The second half is the commands.  Replies follow Redis 7.0's
 * shapes exactly: the set algebra answers with RESP3 sets, SRANDMEMBER with
 * arrays, and results are produced in the order Redis produces them (an
 * intset result comes out ascending), so intset replies match byte for byte.
 */
#include "t_set.h"

#include "client.h"
#include "db.h"
#include "mem.h"
#include "notify.h"
#include "numconv.h"
#include "propagate.h"
#include "rand.h"
#include "reply.h"
#include "scan.h"
#include "server.h"

#include <limits.h>
#include <stdlib.h>

/* ---------------------------------------------------------------------- */
/* The type                                                                */
/* ---------------------------------------------------------------------- */

/* Hashtable encoding: members are the dict's keys, values are unused. */
static const struct dict_type set_dict_type = {.key_free = vstr_free};

static int member_to_int(const char *p, size_t len, int64_t *v)
{
    long long ll;
    if (numconv_to_ll(p, len, &ll) < 0)
        return -1;
    *v = ll;
    return 0;
}

static vobj *new_hashtable_set(size_t size_hint)
{
    dict *d = dict_new(&set_dict_type);
    if (size_hint > 1)
        dict_expand(d, size_hint);
    return obj_new(OBJ_SET, OBJ_ENC_HT, d);
}

/* The empty set results are built in (SINTERSTORE, SUNION...): members are
 * added one by one and the encoding follows them, as in Redis. */
static vobj *new_intset_set(void)
{
    return obj_new(OBJ_SET, OBJ_ENC_INTSET, intset_new());
}

vobj *set_type_create(const char *first_member, size_t len, size_t size_hint)
{
    int64_t v;
    if (size_hint <= (size_t)cfg.set_max_intset_entries &&
        member_to_int(first_member, len, &v) == 0)
        return new_intset_set();
    return new_hashtable_set(size_hint);
}

size_t set_type_size(const vobj *o)
{
    if (o->encoding == OBJ_ENC_INTSET)
        return intset_len(o->ptr);
    return dict_size(o->ptr);
}

static void convert_to_hashtable(vobj *o)
{
    intset *is = o->ptr;
    uint32_t n = intset_len(is);
    dict *d = dict_new(&set_dict_type);
    dict_expand(d, n);
    for (uint32_t i = 0; i < n; i++) {
        int64_t v;
        intset_get(is, i, &v);
        dict_add(d, vstr_from_ll(v), NULL);
    }
    intset_free(is);
    o->ptr = d;
    o->encoding = OBJ_ENC_HT;
}

vobj *set_type_from_intset(intset *is)
{
    vobj *o = obj_new(OBJ_SET, OBJ_ENC_INTSET, is);
    if (intset_len(is) > (uint32_t)cfg.set_max_intset_entries)
        convert_to_hashtable(o);
    return o;
}

static int intset_add_value(vobj *o, int64_t v)
{
    int added;
    o->ptr = intset_add(o->ptr, v, &added);
    if (added && intset_len(o->ptr) > (uint32_t)cfg.set_max_intset_entries)
        convert_to_hashtable(o);
    return added;
}

static int dict_add_member(vobj *o, const char *member, size_t len)
{
    int created;
    dict_add_or_find(o->ptr, member, len, &created);
    return created;
}

int set_type_add(vobj *o, const char *member, size_t len)
{
    if (o->encoding == OBJ_ENC_INTSET) {
        int64_t v;
        if (member_to_int(member, len, &v) == 0)
            return intset_add_value(o, v);
        convert_to_hashtable(o);
    }
    return dict_add_member(o, member, len);
}

/* set_type_add for a member an iterator handed out: an intset member goes
 * into an intset without being parsed again. */
static int set_add_elem(vobj *o, const struct set_elem *e)
{
    if (e->is_int && o->encoding == OBJ_ENC_INTSET)
        return intset_add_value(o, e->ival);
    return set_type_add(o, e->p, e->len);
}

int set_type_remove(vobj *o, const char *member, size_t len)
{
    if (o->encoding == OBJ_ENC_INTSET) {
        int64_t v;
        int removed = 0;
        if (member_to_int(member, len, &v) == 0)
            o->ptr = intset_remove(o->ptr, v, &removed);
        return removed;
    }
    if (dict_delete(o->ptr, member, len) < 0)
        return 0;
    dict_resize_to_fit(o->ptr);
    return 1;
}

static int set_remove_elem(vobj *o, const struct set_elem *e)
{
    if (e->is_int && o->encoding == OBJ_ENC_INTSET) {
        int removed;
        o->ptr = intset_remove(o->ptr, e->ival, &removed);
        return removed;
    }
    return set_type_remove(o, e->p, e->len);
}

int set_type_is_member(vobj *o, const char *member, size_t len)
{
    if (o->encoding == OBJ_ENC_INTSET) {
        int64_t v;
        return member_to_int(member, len, &v) == 0 && intset_find(o->ptr, v);
    }
    return dict_find(o->ptr, member, len) != NULL;
}

static int set_has_elem(vobj *o, const struct set_elem *e)
{
    if (e->is_int && o->encoding == OBJ_ENC_INTSET)
        return intset_find(o->ptr, e->ival);
    return set_type_is_member(o, e->p, e->len);
}

static void elem_from_int(struct set_elem *e, int64_t v)
{
    e->is_int = 1;
    e->ival = v;
    e->len = numconv_ll_to_str(e->buf, v);
    e->buf[e->len] = '\0';
    e->p = e->buf;
}

static void elem_from_entry(struct set_elem *e, const dict_entry *de)
{
    e->is_int = 0;
    e->p = de->key;
    e->len = vstr_len(de->key);
}

/* ---- iteration ---- */

void set_iter_init(struct set_iter *it, vobj *o)
{
    it->o = o;
    it->pos = 0;
    if (o->encoding == OBJ_ENC_HT)
        dict_iter_init(&it->di, o->ptr, 0);
}

int set_iter_next(struct set_iter *it, struct set_elem *e)
{
    if (it->o->encoding == OBJ_ENC_INTSET) {
        int64_t v;
        if (intset_get(it->o->ptr, it->pos, &v) < 0)
            return -1;
        it->pos++;
        elem_from_int(e, v);
        return 0;
    }
    dict_entry *de = dict_iter_next(&it->di);
    if (!de)
        return -1;
    elem_from_entry(e, de);
    return 0;
}

void set_iter_release(struct set_iter *it)
{
    if (it->o->encoding == OBJ_ENC_HT)
        dict_iter_release(&it->di);
}

/* ---- random members ---- */

/* A random member of a non-empty set. */
static void set_random_elem(vobj *o, struct set_elem *e)
{
    if (o->encoding == OBJ_ENC_INTSET)
        elem_from_int(e, intset_random(o->ptr));
    else
        elem_from_entry(e, dict_fair_random(o->ptr));
}

/* ---- object ops ---- */

static void set_free(vobj *o)
{
    if (o->encoding == OBJ_ENC_INTSET)
        intset_free(o->ptr);
    else
        dict_free(o->ptr);
}

static vobj *set_dup(const vobj *o)
{
    if (o->encoding == OBJ_ENC_INTSET)
        return obj_new(OBJ_SET, OBJ_ENC_INTSET, mem_memdup(o->ptr, intset_blob_len(o->ptr)));
    dict *src = o->ptr;
    vobj *copy = new_hashtable_set(dict_size(src));
    dict_iter it;
    dict_iter_init(&it, src, 0);
    for (dict_entry *de; (de = dict_iter_next(&it));)
        dict_add(copy->ptr, vstr_dup(de->key), NULL);
    dict_iter_release(&it);
    return copy;
}

static size_t set_mem_usage(const vobj *o)
{
    if (o->encoding == OBJ_ENC_INTSET)
        return mem_size(o->ptr);
    return obj_dict_mem_usage(o->ptr, 0);
}

static size_t set_length_op(const vobj *o)
{
    return set_type_size(o);
}

static const struct obj_type_ops set_ops = {
    .free = set_free,
    .dup = set_dup,
    .mem_usage = set_mem_usage,
    .length = set_length_op,
};

void set_init(void)
{
    obj_register_type(OBJ_SET, &set_ops);
}

/* ---------------------------------------------------------------------- */
/* Commands                                                                */
/* ---------------------------------------------------------------------- */

#define KEY(c) client_arg(c, 1), client_arg_len(c, 1)
#define ARG(c, i) client_arg(c, i), client_arg_len(c, i)

/* The set at argv[i], NULL if missing; -1 after replying WRONGTYPE. */
static int lookup_set(struct client *c, int i, int for_write, vobj **out)
{
    vobj *o = for_write ? db_lookup_write(c->db, ARG(c, i)) : db_lookup_read(c->db, ARG(c, i));
    if (o && o->type != OBJ_SET) {
        reply_error_wrongtype(c);
        return -1;
    }
    *out = o;
    return 0;
}

static void signal_write(struct client *c, int i, const char *event)
{
    db_signal_modified_key(c, c->db, ARG(c, i));
    notify_keyspace_event(NOTIFY_SET, event, ARG(c, i), c->db->id);
}

static void notify_del(struct client *c, int i)
{
    notify_keyspace_event(NOTIFY_GENERIC, "del", ARG(c, i), c->db->id);
}

static void reply_elem(struct client *c, const struct set_elem *e)
{
    reply_bulk(c, e->p, e->len);
}

/* Every member, in encoding order (the caller sent the length). */
static void reply_members(struct client *c, vobj *o)
{
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0)
        reply_elem(c, &e);
    set_iter_release(&it);
}

static void sadd_command(struct client *c)
{
    vobj *o;
    if (lookup_set(c, 1, 1, &o) < 0)
        return;
    /* Sized for one member: the arguments may repeat, and the encoding
     * must come out as Redis's, which grows from the first member. */
    if (!o) {
        o = set_type_create(ARG(c, 2), 1);
        db_add(c->db, KEY(c), o);
    }
    long long added = 0;
    for (int i = 2; i < c->argc; i++)
        added += set_type_add(o, ARG(c, i));
    if (added)
        signal_write(c, 1, "sadd");
    server.dirty += added;
    reply_ll(c, added);
}

static void srem_command(struct client *c)
{
    vobj *o;
    if (lookup_set(c, 1, 1, &o) < 0)
        return;
    long long deleted = 0;
    int key_removed = 0;
    for (int i = 2; o && i < c->argc; i++) {
        if (!set_type_remove(o, ARG(c, i)))
            continue;
        deleted++;
        if (set_type_size(o) == 0) {
            db_delete(c->db, KEY(c));
            key_removed = 1;
            break;
        }
    }
    if (deleted) {
        signal_write(c, 1, "srem");
        if (key_removed)
            notify_del(c, 1);
        server.dirty += deleted;
    }
    reply_ll(c, deleted);
}

static void smove_command(struct client *c)
{
    vobj *src, *dst;
    /* A missing source answers 0 before the destination's type is looked at. */
    if (lookup_set(c, 1, 1, &src) < 0)
        return;
    if (!src) {
        reply_ll(c, 0);
        return;
    }
    if (lookup_set(c, 2, 1, &dst) < 0)
        return;
    const char *member = client_arg(c, 3);
    size_t mlen = client_arg_len(c, 3);
    if (src == dst) {
        reply_ll(c, set_type_is_member(src, member, mlen));
        return;
    }
    if (!set_type_remove(src, member, mlen)) {
        reply_ll(c, 0);
        return;
    }
    notify_keyspace_event(NOTIFY_SET, "srem", KEY(c), c->db->id);
    if (set_type_size(src) == 0) {
        db_delete(c->db, KEY(c));
        notify_del(c, 1);
    }
    if (!dst) {
        dst = set_type_create(member, mlen, 1);
        db_add(c->db, ARG(c, 2), dst);
    }
    db_signal_modified_key(c, c->db, KEY(c));
    server.dirty++;
    if (set_type_add(dst, member, mlen)) {
        server.dirty++;
        notify_keyspace_event(NOTIFY_SET, "sadd", ARG(c, 2), c->db->id);
    }
    db_signal_modified_key(c, c->db, ARG(c, 2));
    reply_ll(c, 1);
}

static void sismember_command(struct client *c)
{
    vobj *o;
    if (lookup_set(c, 1, 0, &o) < 0)
        return;
    reply_ll(c, o && set_type_is_member(o, ARG(c, 2)));
}

static void smismember_command(struct client *c)
{
    vobj *o;
    if (lookup_set(c, 1, 0, &o) < 0)
        return;
    reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++)
        reply_ll(c, o && set_type_is_member(o, ARG(c, i)));
}

static void scard_command(struct client *c)
{
    vobj *o;
    if (lookup_set(c, 1, 0, &o) < 0)
        return;
    reply_ll(c, o ? (long long)set_type_size(o) : 0);
}

/* ---- SPOP ---- */

/* Above this ratio of members left to members popped, SPOP pops one by
 * one; below it, it rebuilds the few that stay as a new set (Redis's
 * SPOP_MOVE_STRATEGY_MUL). */
#define SPOP_MOVE_STRATEGY_MUL 5

/* SPOP is random: replicas get the members it took, as SREMs of at most
 * SREM_BATCH members each (the SPOP itself is not propagated). */
#define SREM_BATCH 1024

struct srem_batch {
    struct client *c;
    int n;
    vstr members[SREM_BATCH];
};

static void srem_flush(struct srem_batch *b)
{
    if (b->n == 0)
        return;
    struct resp_arg argv[SREM_BATCH + 2];
    argv[0] = (struct resp_arg){"SREM", 4};
    argv[1] = b->c->argv[1];
    for (int i = 0; i < b->n; i++)
        argv[i + 2] = (struct resp_arg){b->members[i], vstr_len(b->members[i])};
    propagate_also(b->c->db->id, b->n + 2, argv);
    for (int i = 0; i < b->n; i++)
        vstr_free(b->members[i]);
    b->n = 0;
}

static void srem_add(struct srem_batch *b, const struct set_elem *e)
{
    if (!propagate_active())
        return;
    b->members[b->n++] = vstr_new(e->p, e->len);
    if (b->n == SREM_BATCH)
        srem_flush(b);
}

static void spop_single(struct client *c)
{
    vobj *o = db_lookup_write_or_reply(c, KEY(c), OBJ_SET);
    if (!o)
        return;
    struct set_elem e;
    set_random_elem(o, &e);
    reply_elem(c, &e);
    struct resp_arg argv[3] = {{"SREM", 4}, c->argv[1], {(char *)e.p, e.len}};
    propagate_rewrite_args(c, 3, argv);
    set_remove_elem(o, &e);
    notify_keyspace_event(NOTIFY_SET, "spop", KEY(c), c->db->id);
    if (set_type_size(o) == 0) {
        db_delete(c->db, KEY(c));
        notify_del(c, 1);
    }
    db_signal_modified_key(c, c->db, KEY(c));
    server.dirty++;
}

/* Pops count random members one at a time. */
static void spop_by_picking(struct client *c, vobj *o, unsigned long count,
                            struct srem_batch *b)
{
    reply_set_len(c, (long)count);
    while (count--) {
        struct set_elem e;
        set_random_elem(o, &e);
        reply_elem(c, &e);
        srem_add(b, &e);
        set_remove_elem(o, &e);
    }
}

/* Moves the few members that stay into a new set, replies with what is
 * left in the old one (the popped members), and stores the new set. */
static void spop_by_moving(struct client *c, vobj *o, unsigned long count,
                           struct srem_batch *b)
{
    unsigned long remaining = set_type_size(o) - count;
    vobj *kept = NULL;
    while (remaining--) {
        struct set_elem e;
        set_random_elem(o, &e);
        if (!kept)
            kept = set_type_create(e.p, e.len, remaining + 1);
        set_add_elem(kept, &e);
        set_remove_elem(o, &e);
    }
    reply_set_len(c, (long)count);
    reply_members(c, o);
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0)
        srem_add(b, &e);
    set_iter_release(&it);
    db_overwrite(c->db, KEY(c), kept);
}

static void spop_with_count(struct client *c)
{
    long long count;
    if (numconv_to_ll(ARG(c, 2), &count) < 0 || count < 0) {
        reply_error(c, "value is out of range, must be positive");
        return;
    }
    vobj *o;
    if (lookup_set(c, 1, 1, &o) < 0)
        return;
    if (!o || count == 0) {
        reply_set_len(c, 0);
        return;
    }
    unsigned long size = set_type_size(o);
    notify_keyspace_event(NOTIFY_SET, "spop", KEY(c), c->db->id);
    struct srem_batch *b = mem_malloc(sizeof *b);
    b->c = c;
    b->n = 0;
    if ((unsigned long long)count >= size) {
        reply_set_len(c, (long)size);
        reply_members(c, o);
        db_delete(c->db, KEY(c));
        notify_del(c, 1);
        count = (long long)size;
        propagate_rewrite_key(c, cfg.lazyfree_lazy_server_del ? "UNLINK" : "DEL", KEY(c), -1);
    } else if ((size - (unsigned long)count) * SPOP_MOVE_STRATEGY_MUL > (unsigned long)count) {
        spop_by_picking(c, o, (unsigned long)count, b);
        propagate_prevent(c);
    } else {
        spop_by_moving(c, o, (unsigned long)count, b);
        propagate_prevent(c);
    }
    srem_flush(b);
    mem_free(b);
    db_signal_modified_key(c, c->db, KEY(c));
    server.dirty += count;
}

static void spop_command(struct client *c)
{
    if (c->argc == 2)
        spop_single(c);
    else if (c->argc == 3)
        spop_with_count(c);
    else
        reply_error_syntax(c);
}

/* ---- SRANDMEMBER ---- */

/* Below this ratio of set size to count, distinct members are chosen by
 * shuffling them all; above it, by picking and skipping repeats. */
#define SRANDMEMBER_SUB_STRATEGY_MUL 3

/* Negative count: independent picks, repeats allowed. */
static void randmember_with_repeats(struct client *c, vobj *o, unsigned long count)
{
    reply_array_len(c, (long)count);
    while (count-- && !(c->flags & CLIENT_CLOSE_ASAP)) {
        struct set_elem e;
        set_random_elem(o, &e);
        reply_elem(c, &e);
    }
}

/* A member held by position while shuffling: an intset value or a
 * hashtable entry. */
union member_ref {
    int64_t v;
    const dict_entry *de;
};

static void reply_member_ref(struct client *c, const vobj *o, union member_ref r)
{
    struct set_elem e;
    if (o->encoding == OBJ_ENC_INTSET)
        elem_from_int(&e, r.v);
    else
        elem_from_entry(&e, r.de);
    reply_elem(c, &e);
}

/* Takes every member, then draws count of them without replacement
 * (a partial Fisher-Yates shuffle), so the order is random too. */
static void randmember_by_shuffling(struct client *c, vobj *o, unsigned long count)
{
    size_t size = set_type_size(o), n = 0;
    union member_ref *all = mem_malloc(sizeof(*all) * size);
    if (o->encoding == OBJ_ENC_INTSET) {
        for (; n < size; n++)
            intset_get(o->ptr, (uint32_t)n, &all[n].v);
    } else {
        dict_iter it;
        dict_iter_init(&it, o->ptr, 0);
        for (dict_entry *de; (de = dict_iter_next(&it));)
            all[n++].de = de;
        dict_iter_release(&it);
    }
    for (size_t i = 0; i < count; i++) {
        size_t j = i + rand_below(size - i);
        union member_ref tmp = all[i];
        all[i] = all[j];
        all[j] = tmp;
        reply_member_ref(c, o, all[i]);
    }
    mem_free(all);
}

/* count is small next to a big hashtable: pick at random, skip repeats. */
static void randmember_by_picking(struct client *c, dict *d, unsigned long count)
{
    /* The seen set borrows the members' strings; it owns nothing. */
    static const struct dict_type seen_type = {0};
    dict *seen = dict_new(&seen_type);
    dict_expand(seen, count);
    while (dict_size(seen) < count) {
        dict_entry *de = dict_fair_random(d);
        if (!dict_add(seen, de->key, NULL))
            continue;
        reply_bulk(c, de->key, vstr_len(de->key));
    }
    dict_free(seen);
}

static void randmember_unique(struct client *c, vobj *o, unsigned long count)
{
    unsigned long size = set_type_size(o);
    if (count >= size) {
        reply_array_len(c, (long)size);
        reply_members(c, o);
        return;
    }
    reply_array_len(c, (long)count);
    if (o->encoding == OBJ_ENC_INTSET || count * SRANDMEMBER_SUB_STRATEGY_MUL > size)
        randmember_by_shuffling(c, o, count);
    else
        randmember_by_picking(c, o->ptr, count);
}

static void srandmember_with_count(struct client *c)
{
    long long count;
    if (numconv_to_ll(ARG(c, 2), &count) < 0) {
        reply_error_not_integer(c);
        return;
    }
    if (count < -LLONG_MAX) {
        reply_error_fmt(c, "value is out of range, value must between %lld and %lld", -LLONG_MAX,
                        LLONG_MAX);
        return;
    }
    vobj *o;
    if (lookup_set(c, 1, 0, &o) < 0)
        return;
    if (!o || count == 0) {
        reply_array_len(c, 0);
        return;
    }
    if (count < 0)
        randmember_with_repeats(c, o, (unsigned long)-count);
    else if (count == 1)
        randmember_with_repeats(c, o, 1);
    else
        randmember_unique(c, o, (unsigned long)count);
}

static void srandmember_command(struct client *c)
{
    if (c->argc == 3) {
        srandmember_with_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_error_syntax(c);
        return;
    }
    vobj *o = db_lookup_read_or_reply(c, KEY(c), OBJ_SET);
    if (!o)
        return;
    struct set_elem e;
    set_random_elem(o, &e);
    reply_elem(c, &e);
}

/* ---- set algebra ---- */

/* Keys per command that fit the stack; more are allocated. */
#define SET_OP_STACK_KEYS 16

/* The sets named by n arguments from argv[first]; *missing counts the
 * absent ones (left NULL).  -1 after replying WRONGTYPE: every key is
 * checked before any work is done. */
static int lookup_sets(struct client *c, int first, int n, int for_write, vobj **sets, int *missing)
{
    *missing = 0;
    for (int j = 0; j < n; j++) {
        if (lookup_set(c, first + j, for_write, &sets[j]) < 0)
            return -1;
        *missing += sets[j] == NULL;
    }
    return 0;
}

static vobj **alloc_sets(int n, vobj **stack)
{
    return n <= SET_OP_STACK_KEYS ? stack : mem_malloc(sizeof(vobj *) * (size_t)n);
}

static void free_sets(vobj **sets, vobj **stack)
{
    if (sets != stack)
        mem_free(sets);
}

/* Stores a computed result at argv[dst] and replies its size; an empty
 * (or NULL) result deletes the destination instead. */
static void store_result(struct client *c, int dst, vobj *result, const char *event)
{
    size_t size = result ? set_type_size(result) : 0;
    if (size > 0) {
        db_set_key(c, c->db, ARG(c, dst), result, 0);
        reply_ll(c, (long long)size);
        notify_keyspace_event(NOTIFY_SET, event, ARG(c, dst), c->db->id);
        server.dirty++;
        return;
    }
    if (result)
        obj_decr_ref(result);
    reply_ll(c, 0);
    if (db_delete(c->db, ARG(c, dst))) {
        server.dirty++;
        db_signal_modified_key(c, c->db, ARG(c, dst));
        notify_del(c, dst);
    }
}

static int compare_by_size(const void *a, const void *b)
{
    size_t sa = set_type_size(*(vobj *const *)a), sb = set_type_size(*(vobj *const *)b);
    return sa < sb ? -1 : sa > sb;
}

static int in_all_others(vobj **sets, int n, const struct set_elem *e)
{
    for (int j = 1; j < n; j++)
        if (sets[j] != sets[0] && !set_has_elem(sets[j], e))
            return 0;
    return 1;
}

/* Members collected for a reply whose length must come first: hashtable
 * members by pointer (the set is not modified meanwhile), integers by value. */
struct found {
    struct set_elem *elems;
    size_t count, cap;
};

static void found_add(struct found *f, const struct set_elem *e)
{
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->elems = mem_realloc(f->elems, f->cap * sizeof(*f->elems));
    }
    f->elems[f->count++] = *e;
}

/* What an intersection is for. */
enum inter_mode { INTER_REPLY, INTER_STORE, INTER_CARD };

/* Walks the smallest set and keeps the members every other set has, in
 * that set's order; at most limit of them (0: no limit) for INTER_CARD. */
static void intersect(struct client *c, vobj **sets, int n, enum inter_mode mode, long long limit,
                      int dst)
{
    qsort(sets, (size_t)n, sizeof(*sets), compare_by_size);
    vobj *result = mode == INTER_STORE ? new_intset_set() : NULL;
    struct found found = {0};
    long long card = 0;
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, sets[0]);
    while (set_iter_next(&it, &e) == 0) {
        if (!in_all_others(sets, n, &e))
            continue;
        card++;
        if (mode == INTER_STORE)
            set_add_elem(result, &e);
        else if (mode == INTER_REPLY)
            found_add(&found, &e);
        else if (limit && card >= limit)
            break;
    }
    set_iter_release(&it);
    if (mode == INTER_CARD) {
        reply_ll(c, card);
    } else if (mode == INTER_STORE) {
        store_result(c, dst, result, "sinterstore");
    } else {
        reply_set_len(c, (long)found.count);
        /* An integer's bytes live in the copy's own buf: the p copied
         * with it pointed into the iterator's element. */
        for (size_t i = 0; i < found.count; i++) {
            const struct set_elem *e = &found.elems[i];
            reply_bulk(c, e->is_int ? e->buf : e->p, e->len);
        }
        mem_free(found.elems);
    }
}

/* SINTER, SINTERSTORE, SINTERCARD and SMEMBERS over n keys from argv[first];
 * dst is the destination's index for INTER_STORE. */
static void sinter_generic(struct client *c, int first, int n, enum inter_mode mode,
                           long long limit, int dst)
{
    vobj *stack[SET_OP_STACK_KEYS];
    vobj **sets = alloc_sets(n, stack);
    int missing;
    if (lookup_sets(c, first, n, mode == INTER_STORE, sets, &missing) == 0) {
        if (!missing)
            intersect(c, sets, n, mode, limit, dst);
        else if (mode == INTER_STORE)
            store_result(c, dst, NULL, "sinterstore");
        else if (mode == INTER_CARD)
            reply_ll(c, 0);
        else
            reply_set_len(c, 0);
    }
    free_sets(sets, stack);
}

static void smembers_command(struct client *c)
{
    sinter_generic(c, 1, 1, INTER_REPLY, 0, 0);
}

static void sinter_command(struct client *c)
{
    sinter_generic(c, 1, c->argc - 1, INTER_REPLY, 0, 0);
}

static void sinterstore_command(struct client *c)
{
    sinter_generic(c, 2, c->argc - 2, INTER_STORE, 0, 1);
}

static void sintercard_command(struct client *c)
{
    long long numkeys, limit = 0;
    if (numconv_to_ll(ARG(c, 1), &numkeys) < 0 || numkeys < 1) {
        reply_error(c, "numkeys should be greater than 0");
        return;
    }
    if (numkeys > c->argc - 2) {
        reply_error(c, "Number of keys can't be greater than number of args");
        return;
    }
    for (int j = 2 + (int)numkeys; j < c->argc; j++) {
        if (j + 1 < c->argc && client_arg_is(c, j, "limit")) {
            if (numconv_to_ll(ARG(c, j + 1), &limit) < 0 || limit < 0) {
                reply_error(c, "LIMIT can't be negative");
                return;
            }
            j++;
        } else {
            reply_error_syntax(c);
            return;
        }
    }
    sinter_generic(c, 2, (int)numkeys, INTER_CARD, limit, 0);
}

enum set_op { OP_UNION, OP_DIFF };

static void add_all(vobj *result, vobj *o)
{
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0)
        set_add_elem(result, &e);
    set_iter_release(&it);
}

static void remove_all(vobj *result, vobj *o)
{
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0 && set_type_size(result) > 0)
        set_remove_elem(result, &e);
    set_iter_release(&it);
}

/* The members of sets[0] that no other set has. */
static void diff_by_checking(vobj *result, vobj **sets, int n)
{
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, sets[0]);
    while (set_iter_next(&it, &e) == 0) {
        int j = 1;
        while (j < n && (!sets[j] || (sets[j] != sets[0] && !set_has_elem(sets[j], &e))))
            j++;
        if (j == n)
            set_add_elem(result, &e);
    }
    set_iter_release(&it);
}

/* Copy the first set and take the others away. */
static void diff_by_removing(vobj *result, vobj **sets, int n)
{
    add_all(result, sets[0]);
    for (int j = 1; j < n && set_type_size(result) > 0; j++)
        if (sets[j])
            remove_all(result, sets[j]);
}

/* Picks the cheaper way: checking each member of the first set against
 * every other set, or copying it and removing the others' members. */
static void difference(vobj *result, vobj **sets, int n)
{
    unsigned long long check_work = 0, remove_work = 0;
    for (int j = 0; j < n; j++) {
        if (!sets[j])
            continue;
        check_work += set_type_size(sets[0]);
        remove_work += set_type_size(sets[j]);
    }
    if (check_work / 2 <= remove_work)
        diff_by_checking(result, sets, n);
    else
        diff_by_removing(result, sets, n);
}

/* SUNION(STORE) and SDIFF(STORE): the result is built as a set, so it
 * comes out in that set's order (ascending when it is an intset). */
static void sunion_diff_generic(struct client *c, int first, int n, int dst, enum set_op op)
{
    vobj *stack[SET_OP_STACK_KEYS];
    vobj **sets = alloc_sets(n, stack);
    int missing;
    if (lookup_sets(c, first, n, dst > 0, sets, &missing) < 0) {
        free_sets(sets, stack);
        return;
    }
    vobj *result = new_intset_set();
    if (op == OP_UNION) {
        for (int j = 0; j < n; j++)
            if (sets[j])
                add_all(result, sets[j]);
    } else if (sets[0]) {
        difference(result, sets, n);
    }
    free_sets(sets, stack);
    if (dst > 0) {
        store_result(c, dst, result, op == OP_UNION ? "sunionstore" : "sdiffstore");
        return;
    }
    reply_set_len(c, (long)set_type_size(result));
    reply_members(c, result);
    obj_decr_ref(result);
}

static void sunion_command(struct client *c)
{
    sunion_diff_generic(c, 1, c->argc - 1, 0, OP_UNION);
}

static void sunionstore_command(struct client *c)
{
    sunion_diff_generic(c, 2, c->argc - 2, 1, OP_UNION);
}

static void sdiff_command(struct client *c)
{
    sunion_diff_generic(c, 1, c->argc - 1, 0, OP_DIFF);
}

static void sdiffstore_command(struct client *c)
{
    sunion_diff_generic(c, 2, c->argc - 2, 1, OP_DIFF);
}

/* ---- SSCAN ---- */

static void collect_member(void *ctx, const dict_entry *de)
{
    const struct scan_collect *sc = ctx;
    size_t len = vstr_len(de->key);
    if (scan_match(sc->opts, de->key, len))
        scan_batch_add(sc->batch, de->key, len);
}

static void sscan_command(struct client *c)
{
    unsigned long cursor;
    if (scan_parse_cursor(c, 2, &cursor) < 0)
        return;
    vobj *o;
    if (lookup_set(c, 1, 0, &o) < 0)
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
    if (o->encoding == OBJ_ENC_INTSET) {
        /* A small intset goes out whole, in one call. */
        struct set_iter it;
        struct set_elem e;
        set_iter_init(&it, o);
        while (set_iter_next(&it, &e) == 0)
            if (scan_match(&opts, e.p, e.len))
                scan_batch_add(&batch, e.p, e.len);
        set_iter_release(&it);
        cursor = 0;
    } else {
        struct scan_collect sc = {.opts = &opts, .batch = &batch};
        cursor = scan_dict(o->ptr, cursor, opts.count, collect_member, &sc);
    }
    scan_reply(c, cursor, &batch);
    scan_batch_free(&batch);
}

/* ---- the table ---- */

/* Single-key set commands: argv[1], the "set" group. */
#define SET_KEY1 .first_key = 1, .last_key = 1, .key_step = 1, .group = "set"
/* Multi-key commands over argv[1..] (the STORE variants: a destination,
 * then the sources). */
#define SET_KEYS_ALL .first_key = 1, .last_key = -1, .key_step = 1, .group = "set"

struct command set_commands[] = {
    {.name = "sadd",
     .proc = sadd_command,
     .arity = -3,
     .flags = "write denyoom fast",
     .acl = "@set",
     SET_KEY1,
     .key_specs = "RW insert|index 1|range 0 1 0",
     .args = "key:key#0 *member:string",
     .history = "2.4.0 Accepts multiple `member` arguments.",
     .since = "1.0.0",
     .summary = "Add one or more members to a set",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                   "called with multiple arguments."},
    {.name = "srem",
     .proc = srem_command,
     .arity = -3,
     .flags = "write fast",
     .acl = "@set",
     SET_KEY1,
     .key_specs = "RW delete|index 1|range 0 1 0",
     .args = "key:key#0 *member:string",
     .history = "2.4.0 Accepts multiple `member` arguments.",
     .since = "1.0.0",
     .summary = "Remove one or more members from a set",
     .complexity = "O(N) where N is the number of members to be removed."},
    {.name = "smove",
     .proc = smove_command,
     .arity = 4,
     .flags = "write fast",
     .acl = "@set",
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .group = "set",
     .key_specs = "RW access delete|index 1|range 0 1 0;RW insert|index 2|range 0 1 0",
     .args = "source:key#0 destination:key#1 member:string",
     .since = "1.0.0",
     .summary = "Move a member from one set to another",
     .complexity = "O(1)"},
    {.name = "sismember",
     .proc = sismember_command,
     .arity = 3,
     .flags = "readonly fast",
     .acl = "@set",
     SET_KEY1,
     .key_specs = "RO|index 1|range 0 1 0",
     .args = "key:key#0 member:string",
     .since = "1.0.0",
     .summary = "Determine if a given value is a member of a set",
     .complexity = "O(1)"},
    {.name = "smismember",
     .proc = smismember_command,
     .arity = -3,
     .flags = "readonly fast",
     .acl = "@set",
     SET_KEY1,
     .args = "key:key#0 *member:string",
     .since = "6.2.0",
     .summary = "Returns the membership associated with the given elements for a set",
     .complexity = "O(N) where N is the number of elements being checked for membership"},
    {.name = "scard",
     .proc = scard_command,
     .arity = 2,
     .flags = "readonly fast",
     .acl = "@set",
     SET_KEY1,
     .key_specs = "RO|index 1|range 0 1 0",
     .args = "key:key#0",
     .since = "1.0.0",
     .summary = "Get the number of members in a set",
     .complexity = "O(1)"},
    {.name = "spop",
     .proc = spop_command,
     .arity = -2,
     .flags = "write fast",
     .acl = "@set",
     SET_KEY1,
     .tips = "nondeterministic_output",
     .key_specs = "RW access delete|index 1|range 0 1 0",
     .args = "key:key#0 ?count:integer@3.2.0",
     .history = "3.2.0 Added the `count` argument.",
     .since = "1.0.0",
     .summary = "Remove and return one or multiple random members from a set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of the "
                   "passed count."},
    {.name = "srandmember",
     .proc = srandmember_command,
     .arity = -2,
     .flags = "readonly",
     .acl = "@set",
     SET_KEY1,
     .tips = "nondeterministic_output",
     .args = "key:key#0 ?count:integer@2.6.0",
     .history = "2.6.0 Added the optional `count` argument.",
     .since = "1.0.0",
     .summary = "Get one or multiple random members from a set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute "
                   "value of the passed count."},
    {.name = "smembers",
     .proc = smembers_command,
     .arity = 2,
     .flags = "readonly",
     .acl = "@set",
     SET_KEY1,
     .tips = "nondeterministic_output_order",
     .since = "1.0.0",
     .summary = "Get all the members in a set",
     .complexity = "O(N) where N is the set cardinality."},
    {.name = "sinter",
     .proc = sinter_command,
     .arity = -2,
     .flags = "readonly",
     .acl = "@set",
     SET_KEYS_ALL,
     .tips = "nondeterministic_output_order",
     .since = "1.0.0",
     .summary = "Intersect multiple sets",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is "
                   "the number of sets."},
    {.name = "sintercard",
     .proc = sintercard_command,
     .arity = -3,
     .flags = "readonly",
     .acl = "@set",
     .group = "set",
     .key_specs = "RO access|index 1|keynum 0 1 1",
     .args = "numkeys:integer *key:key#0 ?limit:integer=LIMIT",
     .since = "7.0.0",
     .summary = "Intersect multiple sets and return the cardinality of the result",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is "
                   "the number of sets."},
    {.name = "sinterstore",
     .proc = sinterstore_command,
     .arity = -3,
     .flags = "write denyoom",
     .acl = "@set",
     SET_KEYS_ALL,
     .key_specs = "RW update|index 1|range 0 1 0;RO access|index 2|range -1 1 0",
     .args = "destination:key#0 *key:key#1",
     .since = "1.0.0",
     .summary = "Intersect multiple sets and store the resulting set in a key",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is "
                   "the number of sets."},
    {.name = "sunion",
     .proc = sunion_command,
     .arity = -2,
     .flags = "readonly",
     .acl = "@set",
     SET_KEYS_ALL,
     .tips = "nondeterministic_output_order",
     .since = "1.0.0",
     .summary = "Add multiple sets",
     .complexity = "O(N) where N is the total number of elements in all given sets."},
    {.name = "sunionstore",
     .proc = sunionstore_command,
     .arity = -3,
     .flags = "write denyoom",
     .acl = "@set",
     SET_KEYS_ALL,
     .key_specs = "OW update|index 1|range 0 1 0;RO access|index 2|range -1 1 0",
     .args = "destination:key#0 *key:key#1",
     .since = "1.0.0",
     .summary = "Add multiple sets and store the resulting set in a key",
     .complexity = "O(N) where N is the total number of elements in all given sets."},
    {.name = "sdiff",
     .proc = sdiff_command,
     .arity = -2,
     .flags = "readonly",
     .acl = "@set",
     SET_KEYS_ALL,
     .tips = "nondeterministic_output_order",
     .since = "1.0.0",
     .summary = "Subtract multiple sets",
     .complexity = "O(N) where N is the total number of elements in all given sets."},
    {.name = "sdiffstore",
     .proc = sdiffstore_command,
     .arity = -3,
     .flags = "write denyoom",
     .acl = "@set",
     SET_KEYS_ALL,
     .key_specs = "OW update|index 1|range 0 1 0;RO access|index 2|range -1 1 0",
     .args = "destination:key#0 *key:key#1",
     .since = "1.0.0",
     .summary = "Subtract multiple sets and store the resulting set in a key",
     .complexity = "O(N) where N is the total number of elements in all given sets."},
    {.name = "sscan",
     .proc = sscan_command,
     .arity = -3,
     .flags = "readonly",
     .acl = "@set",
     SET_KEY1,
     .tips = "nondeterministic_output",
     .args = "key:key#0 cursor:integer ?pattern:pattern=MATCH ?count:integer=COUNT",
     .since = "2.8.0",
     .summary = "Incrementally iterate Set elements",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                   "command calls for the cursor to return back to 0. N is the number of "
                   "elements inside the collection.."},
    {0},
};
