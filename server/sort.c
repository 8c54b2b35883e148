/* sort — SORT and SORT_RO; see sort.h.
 *
 * A run copies the elements it needs into one arena (each NUL-terminated,
 * as strtod and strcoll want them), gives each a sort key (a score, or the
 * BY value for ALPHA), sorts, then answers for the LIMIT window.  Copying
 * keeps the run independent of the sorted value: BY and GET lookups may
 * expire other keys, and STORE may overwrite the key being sorted.
 *
 * Ties keep the order the elements were loaded in, which is what Redis's
 * stable full sort gives on glibc.  Redis sorts a LIMITed BY run with a
 * partial quicksort instead, whose order among ties (equal weights) is
 * its own; such output differs only in the order of those ties.
 *
 * Lists are read and built through quicklist.h directly: in Redis 7.0 a
 * list value is always a bare quicklist (OBJECT ENCODING "quicklist").
 */
#include "sort.h"

#include "client.h"
#include "db.h"
#include "mem.h"
#include "notify.h"
#include "numconv.h"
#include "quicklist.h"
#include "reply.h"
#include "server.h"
#include "t_hash.h"
#include "t_set.h"
#include "t_zset.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sort_args {
    int desc, alpha;
    int dontsort;   /* BY a pattern without '*': keep the value's order */
    const char *by; /* the last BY pattern (unused with dontsort), or NULL */
    long long limit_start, limit_count;
    int store;        /* argv index of STORE's key, 0 without STORE */
    int *gets, ngets; /* argv indexes of the GET patterns */
};

struct sort_item {
    size_t off, len;       /* the element, in the arena */
    size_t by_off, by_len; /* ALPHA with BY: the BY value, in the arena */
    int has_by;
    double score;
    size_t pos; /* load order: breaks ties */
};

struct sort_run {
    struct client *c;
    struct sort_args a;
    vstr arena;
    struct sort_item *items;
    size_t count, cap;
    vstr key;        /* key names built from patterns */
    vstr val;        /* hash values copied out of a listpack */
    char numbuf[32]; /* int-encoded strings rendered */
};

/* ---- arguments ---- */

/* Parses the options from argv[2]; -1 after replying an error. */
static int parse_args(struct client *c, int readonly, struct sort_args *a)
{
    memset(a, 0, sizeof *a);
    a->limit_count = -1;
    for (int j = 2; j < c->argc; j++) {
        int left = c->argc - j - 1;
        if (client_arg_is(c, j, "asc")) {
            a->desc = 0;
        } else if (client_arg_is(c, j, "desc")) {
            a->desc = 1;
        } else if (client_arg_is(c, j, "alpha")) {
            a->alpha = 1;
        } else if (client_arg_is(c, j, "limit") && left >= 2) {
            if (numconv_to_ll(client_arg(c, j + 1), client_arg_len(c, j + 1), &a->limit_start) <
                    0 ||
                numconv_to_ll(client_arg(c, j + 2), client_arg_len(c, j + 2), &a->limit_count) <
                    0) {
                reply_error_not_integer(c);
                return -1;
            }
            j += 2;
        } else if (client_arg_is(c, j, "store") && left >= 1 && !readonly) {
            a->store = ++j;
        } else if (client_arg_is(c, j, "by") && left >= 1) {
            a->by = client_arg(c, ++j);
            /* A constant BY means "don't sort"; Redis never clears it. */
            if (!strchr(a->by, '*'))
                a->dontsort = 1;
        } else if (client_arg_is(c, j, "get") && left >= 1) {
            if (!a->gets)
                a->gets = mem_malloc(sizeof(int) * (size_t)c->argc);
            a->gets[a->ngets++] = ++j;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    return 0;
}

/* ---- pattern lookups ---- */

/* The value of field in hash h: 0 with *p (NUL-terminated), or -1. */
static int hash_field(struct sort_run *r, vobj *h, const char *field, size_t flen, const char **p,
                      size_t *len)
{
    /* A hashtable hash maps field vstr -> value vstr (t_hash.h): one lookup. */
    if (h->encoding == OBJ_ENC_HT) {
        dict_entry *de = dict_find(h->ptr, field, flen);
        if (!de)
            return -1;
        *p = de->v.val;
        *len = vstr_len(de->v.val);
        return 0;
    }
    struct hash_iter it;
    int found = -1;
    hash_iter_init(&it, h);
    while (found < 0 && hash_iter_next(&it) == 0) {
        size_t fl, vl;
        const char *f = hash_iter_field(&it, &fl);
        if (fl != flen || memcmp(f, field, flen) != 0)
            continue;
        const char *v = hash_iter_value(&it, &vl);
        r->val = vstr_copy(r->val, v, vl);
        *p = r->val;
        *len = vl;
        found = 0;
    }
    hash_iter_release(&it);
    return found;
}

/* What pattern names for element elem: "#" is the element itself, else
 * the first '*' is replaced by it to form a key, read as a string, or as
 * a hash when the pattern goes on with "->field".  0 with *p (NUL-
 * terminated, valid until the next lookup) and *len, or -1 for nothing. */
static int pattern_value(struct sort_run *r, const char *pattern, size_t patlen, const char *elem,
                         size_t elen, const char **p, size_t *len)
{
    if (pattern[0] == '#' && pattern[1] == '\0') {
        *p = elem;
        *len = elen;
        return 0;
    }
    const char *star = strchr(pattern, '*');
    if (!star)
        return -1;
    const char *arrow = strstr(star + 1, "->");
    const char *field = arrow && arrow[2] ? arrow + 2 : NULL;
    size_t flen = field ? patlen - (size_t)(field - pattern) : 0;
    size_t prefix = (size_t)(star - pattern);
    size_t suffix = patlen - prefix - 1 - (field ? flen + 2 : 0);
    r->key = vstr_copy(r->key, pattern, prefix);
    r->key = vstr_cat(r->key, elem, elen);
    r->key = vstr_cat(r->key, star + 1, suffix);
    vobj *o = db_lookup_read(r->c->db, r->key, vstr_len(r->key));
    if (!o)
        return -1;
    if (field)
        return o->type == OBJ_HASH ? hash_field(r, o, field, flen, p, len) : -1;
    if (o->type != OBJ_STRING)
        return -1;
    *p = obj_string_view(o, r->numbuf, len);
    return 0;
}

/* ---- loading ---- */

static const char *item_elem(const struct sort_run *r, const struct sort_item *it)
{
    return r->arena + it->off;
}

/* Appends bytes and a NUL to the arena; returns their offset. */
static size_t arena_add(struct sort_run *r, const char *p, size_t len)
{
    size_t off = vstr_len(r->arena);
    r->arena = vstr_cat(r->arena, p, len);
    r->arena = vstr_cat(r->arena, "", 1);
    return off;
}

static void add_item(struct sort_run *r, const char *p, size_t len)
{
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = mem_realloc(r->items, r->cap * sizeof(*r->items));
    }
    struct sort_item *it = &r->items[r->count];
    memset(it, 0, sizeof *it);
    it->off = arena_add(r, p, len);
    it->len = len;
    it->pos = r->count++;
}

static void load_set(struct sort_run *r, vobj *o)
{
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0)
        add_item(r, e.p, e.len);
    set_iter_release(&it);
}

static void add_list_entry(struct sort_run *r, const quicklist_entry *e)
{
    if (e->value) {
        add_item(r, (const char *)e->value, e->len);
        return;
    }
    char buf[32];
    add_item(r, buf, numconv_ll_to_str(buf, e->ival));
}

/* Up to n list elements from index first, walking backwards with desc. */
static void load_list_range(struct sort_run *r, vobj *o, long first, long n, int desc)
{
    quicklist_iter *it =
        quicklist_iter_at_index(o->ptr, desc ? QUICKLIST_TAIL : QUICKLIST_HEAD, first);
    quicklist_entry e;
    while (it && n-- > 0 && quicklist_iter_next(it, &e))
        add_list_entry(r, &e);
    if (it)
        quicklist_iter_free(it);
}

/* Up to n elements of a sorted set in rank order (reversed with desc),
 * skipping the first `skip`. */
static void load_zset_range(struct sort_run *r, vobj *o, long long skip, long long n, int desc)
{
    struct zset_iter it;
    struct zset_elem e;
    zset_iter_init(&it, o, desc);
    while (n > 0 && zset_iter_next(&it, &e)) {
        if (skip > 0) {
            skip--;
            continue;
        }
        add_item(r, e.member, e.len);
        n--;
    }
}

static size_t value_length(vobj *o)
{
    if (!o)
        return 0;
    if (o->type == OBJ_ZSET)
        return zset_length(o);
    return o->type == OBJ_SET ? set_type_size(o) : quicklist_count(o->ptr);
}

/* Loads what will be sorted and fixes the [*start, *end] output window
 * (start > end: nothing).  An unsorted list is loaded for the window only,
 * in the requested direction; the window is then the whole load. */
static void load_items(struct sort_run *r, vobj *o, long long *start, long long *end)
{
    long long len = (long long)value_length(o);
    long long s = r->a.limit_start < 0 ? 0 : r->a.limit_start;
    long long e;
    /* Past the end the window is empty; a count reaching beyond it (or a
     * negative one) stops at the last element. */
    if (s >= len) {
        s = len - 1;
        e = len - 2;
    } else if (r->a.limit_count < 0 || r->a.limit_count > len - s) {
        e = len - 1;
    } else {
        e = s + r->a.limit_count - 1;
    }
    if (o && o->type == OBJ_LIST && r->a.dontsort) {
        if (e >= s)
            load_list_range(r, o, (long)(r->a.desc ? len - s - 1 : s), (long)(e - s + 1),
                            r->a.desc);
        e -= s;
        s = 0;
    } else if (o && o->type == OBJ_ZSET && r->a.dontsort) {
        /* Unsorted means the sorted set's own order, as Redis gives it. */
        if (e >= s)
            load_zset_range(r, o, s, e - s + 1, r->a.desc);
        e -= s;
        s = 0;
    } else if (o && o->type == OBJ_ZSET) {
        load_zset_range(r, o, 0, len, 0);
    } else if (o && o->type == OBJ_LIST) {
        load_list_range(r, o, 0, (long)len, 0);
    } else if (o) {
        load_set(r, o);
    }
    *start = s;
    *end = e;
}

/* ---- sorting ---- */

/* Redis reads scores with strtod: leading space, hex and "inf" pass; NaN,
 * overflow, underflow and trailing bytes do not. */
static int parse_score(const char *p, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(p, &end);
    if (*end != '\0' || errno == ERANGE || isnan(d))
        return -1;
    *out = d;
    return 0;
}

/* Fills each item's sort key; -1 if a score is not a number. */
static int load_sort_keys(struct sort_run *r)
{
    int error = 0;
    for (size_t i = 0; i < r->count; i++) {
        struct sort_item *it = &r->items[i];
        const char *p = item_elem(r, it);
        size_t len = it->len;
        if (r->a.by &&
            pattern_value(r, r->a.by, strlen(r->a.by), item_elem(r, it), it->len, &p, &len) < 0)
            continue;
        if (r->a.alpha) {
            if (r->a.by) {
                size_t off = arena_add(r, p, len);
                it->by_off = off;
                it->by_len = len;
                it->has_by = 1;
            }
        } else if (parse_score(p, &it->score) < 0) {
            error = 1;
        }
    }
    return error ? -1 : 0;
}

static int compare_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    int cmp = memcmp(a, b, alen < blen ? alen : blen);
    if (cmp)
        return cmp;
    return (alen > blen) - (alen < blen);
}

/* STORE compares bytes (replicas must agree); replies collate by locale. */
static int compare_text(const struct sort_run *r, const char *a, size_t alen, const char *b,
                        size_t blen)
{
    return r->a.store ? compare_bytes(a, alen, b, blen) : strcoll(a, b);
}

static int compare_items(const void *pa, const void *pb, void *ctx)
{
    const struct sort_run *r = ctx;
    const struct sort_item *x = pa, *y = pb;
    int cmp;
    if (!r->a.alpha) {
        if (x->score != y->score)
            cmp = x->score < y->score ? -1 : 1;
        else
            cmp = compare_bytes(item_elem(r, x), x->len, item_elem(r, y), y->len);
    } else if (r->a.by) {
        if (!x->has_by || !y->has_by)
            cmp = x->has_by - y->has_by;
        else
            cmp = compare_text(r, r->arena + x->by_off, x->by_len, r->arena + y->by_off, y->by_len);
    } else {
        cmp = compare_text(r, item_elem(r, x), x->len, item_elem(r, y), y->len);
    }
    cmp = (cmp > 0) - (cmp < 0);
    if (r->a.desc)
        cmp = -cmp;
    if (cmp == 0)
        cmp = (x->pos > y->pos) - (x->pos < y->pos);
    return cmp;
}

/* ---- output ---- */

static void reply_window(struct sort_run *r, long long start, long long end, long long outlen)
{
    struct client *c = r->c;
    reply_array_len(c, (long)outlen);
    for (long long j = start; j <= end; j++) {
        const struct sort_item *it = &r->items[j];
        if (!r->a.ngets)
            reply_bulk(c, item_elem(r, it), it->len);
        for (int g = 0; g < r->a.ngets; g++) {
            const char *p;
            size_t len;
            int idx = r->a.gets[g];
            if (pattern_value(r, client_arg(c, idx), client_arg_len(c, idx), item_elem(r, it),
                              it->len, &p, &len) == 0)
                reply_bulk(c, p, len);
            else
                reply_null(c);
        }
    }
}

/* The window as a new list; a GET that names nothing stores "". */
static quicklist *build_list(struct sort_run *r, long long start, long long end)
{
    quicklist *ql = quicklist_new(cfg.list_max_listpack_size, cfg.list_compress_depth);
    for (long long j = start; j <= end; j++) {
        const struct sort_item *it = &r->items[j];
        if (!r->a.ngets)
            quicklist_push_tail(ql, item_elem(r, it), it->len);
        for (int g = 0; g < r->a.ngets; g++) {
            const char *p = "";
            size_t len = 0;
            int idx = r->a.gets[g];
            pattern_value(r, client_arg(r->c, idx), client_arg_len(r->c, idx), item_elem(r, it),
                          it->len, &p, &len);
            quicklist_push_tail(ql, p, len);
        }
    }
    return ql;
}

static void store_window(struct sort_run *r, long long start, long long end, long long outlen)
{
    struct client *c = r->c;
    const char *key = client_arg(c, r->a.store);
    size_t klen = client_arg_len(c, r->a.store);
    if (outlen > 0) {
        vobj *list = obj_new(OBJ_LIST, OBJ_ENC_QUICKLIST, build_list(r, start, end));
        db_set_key(c, c->db, key, klen, list, 0);
        notify_keyspace_event(NOTIFY_LIST, "sortstore", key, klen, c->db->id);
        server.dirty += outlen;
    } else if (db_delete(c->db, key, klen)) {
        db_signal_modified_key(c, c->db, key, klen);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key, klen, c->db->id);
        server.dirty++;
    }
    reply_ll(c, outlen);
}

static void sort_value(struct sort_run *r, vobj *o)
{
    long long start, end;
    load_items(r, o, &start, &end);
    if (!r->a.dontsort) {
        if (load_sort_keys(r) < 0) {
            reply_error(r->c, "One or more scores can't be converted into double");
            return;
        }
        if (r->count > 1)
            qsort_r(r->items, r->count, sizeof(*r->items), compare_items, r);
    }
    long long window = end >= start ? end - start + 1 : 0;
    long long outlen = r->a.ngets ? window * r->a.ngets : window;
    if (r->a.store)
        store_window(r, start, end, outlen);
    else
        reply_window(r, start, end, outlen);
}

/* The value to sort, NULL if missing; -1 after replying WRONGTYPE. */
static int lookup_sortable(struct client *c, vobj **out)
{
    vobj *o = db_lookup_read(c->db, client_arg(c, 1), client_arg_len(c, 1));
    if (o && o->type != OBJ_SET && o->type != OBJ_LIST && o->type != OBJ_ZSET) {
        reply_error_wrongtype(c);
        return -1;
    }
    /* Redis sorts sorted sets through their skiplist and keeps it. */
    if (o && o->type == OBJ_ZSET)
        zset_convert_to_skiplist(o);
    *out = o;
    return 0;
}

static void sort_generic(struct client *c, int readonly)
{
    struct sort_run r;
    vobj *o;
    memset(&r, 0, sizeof r);
    r.c = c;
    /* Options are checked before the key's type, as Redis does. */
    if (parse_args(c, readonly, &r.a) == 0 && lookup_sortable(c, &o) == 0) {
        /* An unsorted set's order is the hash table's: a stored result
         * must be the same on replicas, so it is sorted lexically. */
        if (r.a.dontsort && o && o->type == OBJ_SET && r.a.store) {
            r.a.dontsort = 0;
            r.a.alpha = 1;
            r.a.by = NULL;
        }
        r.arena = vstr_empty();
        r.key = vstr_empty();
        r.val = vstr_empty();
        sort_value(&r, o);
        vstr_free(r.arena);
        vstr_free(r.key);
        vstr_free(r.val);
    }
    mem_free(r.items);
    mem_free(r.a.gets);
}

static void sort_command(struct client *c)
{
    sort_generic(c, 0);
}

static void sort_ro_command(struct client *c)
{
    sort_generic(c, 1);
}

#define SORT_KEY_SPECS                                                                             \
    "RO access|index 1|range 0 1 0;"                                                               \
    "RO access|unknown|unknown|For the optional BY/GET keyword. It is marked 'unknown' because "   \
    "the key names derive from the content of the key we sort"
#define SORT_ARGS                                                                                  \
    "key:key#0 ?pattern:pattern#1=BY ?offset_count:block=LIMIT(offset:integer count:integer) "     \
    "?*+pattern:pattern#1=GET ?order:oneof(asc:pure-token=ASC desc:pure-token=DESC) "              \
    "?sorting:pure-token=ALPHA"
#define SORT_COMPLEXITY                                                                            \
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "       \
    "number of returned elements. When the elements are not sorted, complexity is O(N)."

struct command sort_commands[] = {
    {.name = "sort",
     .proc = sort_command,
     .arity = -2,
     .flags = "write denyoom",
     .acl = "@set @sortedset @list @dangerous",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "generic",
     .key_specs = SORT_KEY_SPECS ";OW update|unknown|unknown|For the optional STORE keyword. It "
                                 "is marked 'unknown' because the keyword can appear anywhere in "
                                 "the argument array",
     .args = SORT_ARGS " ?destination:key#2=STORE",
     .since = "1.0.0",
     .summary = "Sort the elements in a list, set or sorted set",
     .complexity = SORT_COMPLEXITY},
    {.name = "sort_ro",
     .proc = sort_ro_command,
     .arity = -2,
     .flags = "readonly",
     .acl = "@set @sortedset @list @dangerous",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "generic",
     .key_specs = SORT_KEY_SPECS,
     .args = SORT_ARGS,
     .since = "7.0.0",
     .summary = "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
     .complexity = SORT_COMPLEXITY},
    {0},
};
