/* quicklist — a linked list of listpack nodes; see quicklist.h.
 *
 * Compression invariant: with depth d, the d nodes at each end are raw and
 * the others are compressed unless compressing them did not pay off.  Every
 * change ends in ql_settle(), which repairs the ends and the nodes it
 * touched in O(d).  Readers that need a compressed node "borrow" it:
 * decompress it and compress it back when they are done.  quicklist_index()
 * lends its node until the next call on the quicklist, which is why every
 * public entry point starts with ql_take_back().
 */
#include "quicklist.h"

#include "listpack.h"
#include "log.h"
#include "mem.h"

#include <lzf.h>
#include <stdlib.h>
#include <string.h>

#define QL_FILL_MAX 32768
#define QL_COMPRESS_MAX 65535
/* A node of count-limited list (positive fill) still stays within 8 KB. */
#define QL_SAFETY_LIMIT 8192
/* Compressing tiny nodes costs more than it saves. */
#define QL_MIN_COMPRESS_BYTES 48
/* Compression must save at least this much to be kept. */
#define QL_MIN_COMPRESS_GAIN 8
/* How many nodes one operation can push out of a raw end zone: an insert
 * in a full node splits it and may add a node for the element. */
#define QL_EDGE_SHIFT 2

static const size_t ql_byte_limits[] = {4096, 8192, 16384, 32768, 65536};

/* A compressed node's data. */
struct ql_lzf {
    uint32_t len;
    unsigned char bytes[];
};

struct quicklist_node {
    quicklist_node *prev, *next;
    unsigned char *data; /* the listpack, or a struct ql_lzf when compressed */
    size_t sz;           /* listpack bytes, also while compressed */
    unsigned int count;
    unsigned int compressed : 1;
    unsigned int borrowed : 1;       /* decompressed for a reader only */
    unsigned int incompressible : 1; /* last attempt did not pay off */
};

struct quicklist {
    quicklist_node *head, *tail;
    unsigned long count; /* elements */
    unsigned long len;   /* nodes */
    int fill;
    unsigned int compress;
    quicklist_node *lent; /* borrowed by quicklist_index() */
};

struct quicklist_iter {
    quicklist *ql;
    quicklist_node *node;
    unsigned char *pos; /* element last returned; NULL: seek to start */
    long offset;        /* pos's index in node */
    long start;         /* where to begin in node when pos is NULL */
    int forward;
};

/* ---------- nodes ---------- */

static quicklist_node *node_new(unsigned char *lp, unsigned long count)
{
    quicklist_node *n = mem_calloc(sizeof(*n));
    n->data = lp;
    n->sz = lp_bytes(lp);
    n->count = (unsigned int)count;
    return n;
}

static void node_free(quicklist_node *n)
{
    mem_free(n->data);
    mem_free(n);
}

static void node_changed(quicklist_node *n)
{
    n->sz = lp_bytes(n->data);
    n->incompressible = 0;
}

static size_t node_data_bytes(const quicklist_node *n)
{
    if (n->compressed)
        return sizeof(struct ql_lzf) + ((const struct ql_lzf *)n->data)->len;
    return n->sz;
}

static void node_decompress(quicklist_node *n)
{
    if (!n->compressed)
        return;
    struct ql_lzf *z = (struct ql_lzf *)n->data;
    unsigned char *lp = mem_malloc(n->sz);
    /* We compressed these bytes ourselves: failing here means memory corruption. */
    if (lzf_decompress(z->bytes, z->len, lp, (unsigned int)n->sz) != n->sz) {
        log_warning("quicklist: corrupt compressed node (%zu bytes)", n->sz);
        abort();
    }
    mem_free(z);
    n->data = lp;
    n->compressed = 0;
}

static void node_compress(quicklist_node *n)
{
    if (n->compressed || n->borrowed || n->incompressible)
        return;
    if (n->sz < QL_MIN_COMPRESS_BYTES || n->sz > UINT32_MAX) {
        n->incompressible = 1;
        return;
    }
    struct ql_lzf *z = mem_malloc(sizeof(*z) + n->sz);
    /* lzf_compress gives 0 when the output would not fit in the space
     * given, i.e. when it would not save QL_MIN_COMPRESS_GAIN bytes. */
    unsigned int clen = lzf_compress(n->data, (unsigned int)n->sz, z->bytes,
                                     (unsigned int)(n->sz - QL_MIN_COMPRESS_GAIN));
    if (clen == 0) {
        mem_free(z);
        n->incompressible = 1;
        return;
    }
    z->len = clen;
    z = mem_realloc(z, sizeof(*z) + clen);
    mem_free(n->data);
    n->data = (unsigned char *)z;
    n->compressed = 1;
}

/* A reader's access: decompress, remembering to compress back on release. */
static void node_borrow(quicklist_node *n)
{
    if (n->compressed) {
        node_decompress(n);
        n->borrowed = 1;
    }
}

/* ---------- compression layout ---------- */

/* True when n is at least `compress` nodes away from both ends. */
static int node_is_interior(const quicklist *ql, const quicklist_node *n)
{
    if (ql->compress == 0)
        return 0;
    unsigned int i = 0;
    for (const quicklist_node *m = n->prev; m && i < ql->compress; m = m->prev)
        i++;
    if (i < ql->compress)
        return 0;
    i = 0;
    for (const quicklist_node *m = n->next; m && i < ql->compress; m = m->next)
        i++;
    return i >= ql->compress;
}

static void node_compress_if_interior(quicklist *ql, quicklist_node *n)
{
    if (n && !n->compressed && node_is_interior(ql, n))
        node_compress(n);
}

static void node_release(quicklist *ql, quicklist_node *n)
{
    if (!n->borrowed)
        return;
    n->borrowed = 0;
    node_compress_if_interior(ql, n);
}

/* Keeps one end's d nodes raw and compresses the few nodes just inside
 * them that a change may have pushed out of the end zone. */
static void settle_end(quicklist *ql, quicklist_node *n, int forward)
{
    unsigned int i;
    for (i = 0; n && i < ql->compress; i++, n = forward ? n->next : n->prev)
        node_decompress(n);
    for (i = 0; n && i < QL_EDGE_SHIFT; i++, n = forward ? n->next : n->prev)
        node_compress_if_interior(ql, n);
}

/* Restores the compression invariant after a change to nodes a and b
 * (either may be NULL). */
static void ql_settle(quicklist *ql, quicklist_node *a, quicklist_node *b)
{
    if (ql->compress) {
        settle_end(ql, ql->head, 1);
        settle_end(ql, ql->tail, 0);
    }
    node_compress_if_interior(ql, a);
    node_compress_if_interior(ql, b);
}

static void ql_take_back(quicklist *ql)
{
    if (ql->lent) {
        node_release(ql, ql->lent);
        ql->lent = NULL;
    }
}

/* ---------- list structure ---------- */

/* Links n next to `at` (after or before it); at is NULL only for an empty list. */
static void link_node(quicklist *ql, quicklist_node *at, quicklist_node *n, int after)
{
    if (!at) {
        ql->head = ql->tail = n;
    } else if (after) {
        n->prev = at;
        n->next = at->next;
        if (at->next)
            at->next->prev = n;
        else
            ql->tail = n;
        at->next = n;
    } else {
        n->next = at;
        n->prev = at->prev;
        if (at->prev)
            at->prev->next = n;
        else
            ql->head = n;
        at->prev = n;
    }
    ql->len++;
}

static void unlink_node(quicklist *ql, quicklist_node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        ql->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        ql->tail = n->prev;
    ql->len--;
}

static void delete_node(quicklist *ql, quicklist_node *n)
{
    if (ql->lent == n)
        ql->lent = NULL;
    unlink_node(ql, n);
    ql->count -= n->count;
    node_free(n);
}

/* Finds the node holding element idx (negative from the tail) and the
 * element's offset in it, walking from the nearer end. */
static quicklist_node *ql_locate(const quicklist *ql, long idx, long *offset)
{
    unsigned long i;
    if (idx < 0) {
        if ((unsigned long)(-(idx + 1)) >= ql->count)
            return NULL;
        i = ql->count - (unsigned long)(-(idx + 1)) - 1;
    } else {
        if ((unsigned long)idx >= ql->count)
            return NULL;
        i = (unsigned long)idx;
    }
    if (i <= ql->count / 2) {
        for (quicklist_node *n = ql->head; n; n = n->next) {
            if (i < n->count) {
                *offset = (long)i;
                return n;
            }
            i -= n->count;
        }
    } else {
        unsigned long back = ql->count - 1 - i;
        for (quicklist_node *n = ql->tail; n; n = n->prev) {
            if (back < n->count) {
                *offset = (long)(n->count - 1 - back);
                return n;
            }
            back -= n->count;
        }
    }
    return NULL;
}

/* ---------- fill rules ---------- */

static int ql_fits(const quicklist *ql, size_t sz, unsigned long count)
{
    if (ql->fill < 0)
        return sz <= ql_byte_limits[-ql->fill - 1];
    return sz <= QL_SAFETY_LIMIT && count <= (unsigned long)ql->fill;
}

static int node_allows_insert(const quicklist *ql, const quicklist_node *n, size_t esz)
{
    return n && ql_fits(ql, n->sz + esz, n->count + 1UL);
}

/* ---------- element writes ---------- */

static void node_push(quicklist *ql, quicklist_node *n, int where, const void *s, size_t len)
{
    node_decompress(n);
    if (where == QUICKLIST_HEAD)
        n->data = lp_prepend(n->data, s, (uint32_t)len);
    else
        n->data = lp_append(n->data, s, (uint32_t)len);
    n->count++;
    node_changed(n);
    ql->count++;
}

static quicklist_node *node_with(quicklist *ql, const void *s, size_t len)
{
    ql->count++;
    return node_new(lp_append(lp_new(0), s, (uint32_t)len), 1);
}

/* Deletes entry p of (raw) node n.  Returns 1 when that emptied and freed
 * the node, else 0. */
static int node_delete_entry(quicklist *ql, quicklist_node *n, unsigned char *p)
{
    n->data = lp_delete(n->data, p, NULL);
    n->count--;
    ql->count--;
    if (n->count == 0) {
        delete_node(ql, n);
        return 1;
    }
    node_changed(n);
    return 0;
}

/* Moves n's elements from index k on into a new node linked after n. */
static quicklist_node *node_split(quicklist *ql, quicklist_node *n, long k)
{
    unsigned long total = n->count;
    unsigned char *right = mem_memdup(n->data, n->sz);
    n->data = lp_delete_range(n->data, k, total - (unsigned long)k);
    n->count = (unsigned int)k;
    node_changed(n);
    right = lp_delete_range(right, 0, (unsigned long)k);
    quicklist_node *r = node_new(right, total - (unsigned long)k);
    link_node(ql, n, r, 1);
    return r;
}

/* Merges b (a's successor) into a when the result fits; 1 if merged. */
static int node_try_merge(quicklist *ql, quicklist_node *a, quicklist_node *b)
{
    if (!a || !b)
        return 0;
    /* One header and terminator disappear in the merge. */
    if (!ql_fits(ql, a->sz + b->sz - 7, (unsigned long)a->count + b->count))
        return 0;
    node_decompress(a);
    node_decompress(b);
    a->data = lp_merge(a->data, b->data);
    a->count += b->count;
    node_changed(a);
    b->data = NULL;
    unlink_node(ql, b);
    mem_free(b);
    return 1;
}

/* Inserts s before or after the element at offset off of node n. */
static void ql_insert_at(quicklist *ql, quicklist_node *n, long off, int after, const void *s,
                         size_t len)
{
    size_t esz = lp_encoded_size(s, (uint32_t)len);
    node_decompress(n);
    if (node_allows_insert(ql, n, esz)) {
        unsigned char *p = lp_seek(n->data, off);
        n->data = lp_insert(n->data, p, s, (uint32_t)len, after ? LP_AFTER : LP_BEFORE, NULL);
        n->count++;
        node_changed(n);
        ql->count++;
        ql_settle(ql, n, NULL);
        return;
    }
    /* n is full.  At its edges the element may fit the neighbour or get a
     * node of its own; in the middle n must be split. */
    int at_tail = after && off == (long)n->count - 1;
    int at_head = !after && off == 0;
    if (at_tail && node_allows_insert(ql, n->next, esz)) {
        node_push(ql, n->next, QUICKLIST_HEAD, s, len);
        ql_settle(ql, n, n->next);
        return;
    }
    if (at_head && node_allows_insert(ql, n->prev, esz)) {
        node_push(ql, n->prev, QUICKLIST_TAIL, s, len);
        ql_settle(ql, n, n->prev);
        return;
    }
    if (at_tail || at_head) {
        quicklist_node *m = node_with(ql, s, len);
        link_node(ql, n, m, at_tail);
        ql_settle(ql, n, m);
        return;
    }
    quicklist_node *right = node_split(ql, n, after ? off + 1 : off);
    quicklist_node *mid = NULL;
    if (node_allows_insert(ql, n, esz)) {
        node_push(ql, n, QUICKLIST_TAIL, s, len);
    } else if (node_allows_insert(ql, right, esz)) {
        node_push(ql, right, QUICKLIST_HEAD, s, len);
    } else {
        mid = node_with(ql, s, len);
        link_node(ql, n, mid, 1);
    }
    /* The halves may now fit into their outer neighbours. */
    quicklist_node *prev = n->prev;
    if (node_try_merge(ql, prev, n))
        n = prev;
    node_try_merge(ql, right, right->next);
    ql_settle(ql, n, right);
    node_compress_if_interior(ql, mid);
}

/* ---------- public: lifecycle ---------- */

quicklist *quicklist_new(int fill, int compress)
{
    quicklist *ql = mem_calloc(sizeof(*ql));
    quicklist_set_options(ql, fill, compress);
    return ql;
}

void quicklist_free(quicklist *ql)
{
    if (!ql)
        return;
    quicklist_node *n = ql->head;
    while (n) {
        quicklist_node *next = n->next;
        node_free(n);
        n = next;
    }
    mem_free(ql);
}

quicklist *quicklist_dup(quicklist *ql)
{
    ql_take_back(ql);
    quicklist *c = quicklist_new(ql->fill, (int)ql->compress);
    for (quicklist_node *n = ql->head; n; n = n->next) {
        quicklist_node *m = mem_calloc(sizeof(*m));
        m->data = mem_memdup(n->data, node_data_bytes(n));
        m->sz = n->sz;
        m->count = n->count;
        m->compressed = n->compressed;
        m->incompressible = n->incompressible;
        link_node(c, c->tail, m, 1);
    }
    c->count = ql->count;
    /* Nodes an iterator holds raw in the source are compressed in the copy,
     * using plain positions rather than per-node walks. */
    unsigned long i = 0;
    for (quicklist_node *m = c->head; m; m = m->next, i++) {
        if (c->compress && i >= c->compress && c->len - 1 - i >= c->compress)
            node_compress(m);
    }
    return c;
}

void quicklist_set_options(quicklist *ql, int fill, int compress)
{
    if (fill > QL_FILL_MAX)
        fill = QL_FILL_MAX;
    else if (fill < -5)
        fill = -5;
    if (compress < 0)
        compress = 0;
    else if (compress > QL_COMPRESS_MAX)
        compress = QL_COMPRESS_MAX;
    ql->fill = fill;
    ql->compress = (unsigned int)compress;
}

unsigned long quicklist_count(const quicklist *ql)
{
    return ql->count;
}

unsigned long quicklist_node_count(const quicklist *ql)
{
    return ql->len;
}

size_t quicklist_mem_usage(const quicklist *ql)
{
    size_t total = mem_size(ql);
    for (const quicklist_node *n = ql->head; n; n = n->next)
        total += mem_size(n) + mem_size(n->data);
    return total;
}

/* ---------- public: ends ---------- */

void quicklist_push(quicklist *ql, int where, const void *s, size_t len)
{
    ql_take_back(ql);
    quicklist_node *end = where == QUICKLIST_HEAD ? ql->head : ql->tail;
    if (node_allows_insert(ql, end, lp_encoded_size(s, (uint32_t)len))) {
        node_push(ql, end, where, s, len);
    } else {
        quicklist_node *n = node_with(ql, s, len);
        link_node(ql, end, n, where == QUICKLIST_TAIL);
        end = n;
    }
    ql_settle(ql, end, NULL);
}

void quicklist_push_head(quicklist *ql, const void *s, size_t len)
{
    quicklist_push(ql, QUICKLIST_HEAD, s, len);
}

void quicklist_push_tail(quicklist *ql, const void *s, size_t len)
{
    quicklist_push(ql, QUICKLIST_TAIL, s, len);
}

int quicklist_pop(quicklist *ql, int where, vstr *sval, int64_t *ival)
{
    ql_take_back(ql);
    quicklist_node *n = where == QUICKLIST_HEAD ? ql->head : ql->tail;
    if (!n)
        return -1;
    node_decompress(n);
    unsigned char *p = where == QUICKLIST_HEAD ? lp_first(n->data) : lp_last(n->data);
    int64_t v = 0;
    uint32_t len = 0;
    unsigned char *s = lp_get(p, &v, &len);
    *sval = s ? vstr_new(s, len) : NULL;
    *ival = v;
    if (node_delete_entry(ql, n, p))
        n = NULL;
    ql_settle(ql, n, NULL);
    return 0;
}

/* ---------- public: by index ---------- */

static void fill_entry(quicklist_entry *e, quicklist_node *n, unsigned char *p, long off)
{
    uint32_t len = 0;
    e->node = n;
    e->lp_pos = p;
    e->offset = off;
    e->ival = 0;
    e->value = lp_get(p, &e->ival, &len);
    e->len = len;
}

int quicklist_index(quicklist *ql, long idx, quicklist_entry *e)
{
    ql_take_back(ql);
    long off;
    quicklist_node *n = ql_locate(ql, idx, &off);
    if (!n)
        return -1;
    if (n->compressed) {
        node_borrow(n);
        ql->lent = n;
    }
    fill_entry(e, n, lp_seek(n->data, off), off);
    return 0;
}

int quicklist_replace_at_index(quicklist *ql, long idx, const void *s, size_t len)
{
    ql_take_back(ql);
    long off;
    quicklist_node *n = ql_locate(ql, idx, &off);
    if (!n)
        return -1;
    node_decompress(n);
    unsigned char *p = lp_seek(n->data, off);
    size_t old = lp_entry_size(p), add = lp_encoded_size(s, (uint32_t)len);
    if (n->count == 1 || ql_fits(ql, n->sz - old + add, n->count)) {
        n->data = lp_replace(n->data, &p, s, (uint32_t)len);
        node_changed(n);
        ql_settle(ql, n, NULL);
        return 0;
    }
    /* Too big for this node: take the old element out and insert the new
     * one in its place, which may split the node.  n keeps at least one
     * element since it held two or more. */
    node_delete_entry(ql, n, p);
    if (off < (long)n->count)
        ql_insert_at(ql, n, off, 0, s, len);
    else
        ql_insert_at(ql, n, off - 1, 1, s, len);
    return 0;
}

unsigned long quicklist_delete_range(quicklist *ql, long start, unsigned long count)
{
    ql_take_back(ql);
    long off;
    quicklist_node *n = ql_locate(ql, start, &off);
    if (!n || count == 0)
        return 0;
    unsigned long left = count;
    /* At most the first and the last node are trimmed rather than dropped. */
    quicklist_node *first = NULL, *last = NULL;
    while (left && n) {
        quicklist_node *next = n->next;
        unsigned long take = n->count - (unsigned long)off;
        if (take > left)
            take = left;
        if (take == n->count) {
            delete_node(ql, n);
        } else {
            node_decompress(n);
            n->data = lp_delete_range(n->data, off, take);
            n->count -= (unsigned int)take;
            ql->count -= take;
            node_changed(n);
            if (!first)
                first = n;
            else
                last = n;
        }
        left -= take;
        off = 0;
        n = next;
    }
    ql_settle(ql, first, last);
    return count - left;
}

int quicklist_entry_equals(const quicklist_entry *e, const void *s, size_t len)
{
    return lp_compare(e->lp_pos, s, (uint32_t)len);
}

/* ---------- public: iteration ---------- */

static void iter_enter(quicklist_iter *it, quicklist_node *n)
{
    it->node = n;
    it->pos = NULL;
    it->start = n && !it->forward ? (long)n->count - 1 : 0;
}

static quicklist_iter *iter_create(quicklist *ql, int direction)
{
    quicklist_iter *it = mem_calloc(sizeof(*it));
    it->ql = ql;
    it->forward = direction == QUICKLIST_HEAD;
    return it;
}

quicklist_iter *quicklist_iter_new(quicklist *ql, int direction)
{
    ql_take_back(ql);
    quicklist_iter *it = iter_create(ql, direction);
    iter_enter(it, it->forward ? ql->head : ql->tail);
    return it;
}

quicklist_iter *quicklist_iter_at_index(quicklist *ql, int direction, long idx)
{
    ql_take_back(ql);
    long off;
    quicklist_node *n = ql_locate(ql, idx, &off);
    if (!n)
        return NULL;
    quicklist_iter *it = iter_create(ql, direction);
    iter_enter(it, n);
    it->start = off;
    return it;
}

int quicklist_iter_next(quicklist_iter *it, quicklist_entry *e)
{
    ql_take_back(it->ql);
    while (it->node) {
        quicklist_node *n = it->node;
        unsigned char *p;
        if (!it->pos) {
            node_borrow(n);
            p = it->start >= 0 && it->start < (long)n->count ? lp_seek(n->data, it->start) : NULL;
            it->offset = it->start;
        } else {
            p = it->forward ? lp_next(n->data, it->pos) : lp_prev(n->data, it->pos);
            it->offset += it->forward ? 1 : -1;
        }
        if (p) {
            it->pos = p;
            fill_entry(e, n, p, it->offset);
            return 1;
        }
        node_release(it->ql, n);
        iter_enter(it, it->forward ? n->next : n->prev);
    }
    return 0;
}

void quicklist_delete_entry(quicklist_iter *it, quicklist_entry *e)
{
    quicklist *ql = it->ql;
    ql_take_back(ql);
    quicklist_node *n = e->node;
    quicklist_node *following = it->forward ? n->next : n->prev;
    if (node_delete_entry(ql, n, e->lp_pos)) {
        iter_enter(it, following);
        ql_settle(ql, NULL, NULL);
        return;
    }
    /* Resume by index: the next element forward now sits at the deleted
     * one's offset, the next one backward just before it. */
    it->pos = NULL;
    it->start = it->forward ? e->offset : e->offset - 1;
    ql_settle(ql, n, NULL);
}

static void iter_insert(quicklist_iter *it, quicklist_entry *e, const void *s, size_t len,
                        int after)
{
    quicklist *ql = it->ql;
    ql_take_back(ql);
    /* The node passes from the iterator to the insert, which settles its
     * compression; the iterator is spent. */
    e->node->borrowed = 0;
    it->node = NULL;
    ql_insert_at(ql, e->node, e->offset, after, s, len);
}

void quicklist_insert_before(quicklist_iter *it, quicklist_entry *e, const void *s, size_t len)
{
    iter_insert(it, e, s, len, 0);
}

void quicklist_insert_after(quicklist_iter *it, quicklist_entry *e, const void *s, size_t len)
{
    iter_insert(it, e, s, len, 1);
}

void quicklist_iter_free(quicklist_iter *it)
{
    if (!it)
        return;
    if (it->node)
        node_release(it->ql, it->node);
    mem_free(it);
}

/* ---------- public: node access for RDB ---------- */

const quicklist_node *quicklist_first_node(const quicklist *ql)
{
    return ql->head;
}

const quicklist_node *quicklist_next_node(const quicklist_node *node)
{
    return node->next;
}

unsigned long quicklist_node_entries(const quicklist_node *node)
{
    return node->count;
}

const unsigned char *quicklist_node_listpack(const quicklist_node *node, size_t *len,
                                             unsigned char **scratch)
{
    *len = node->sz;
    if (!node->compressed)
        return node->data;
    const struct ql_lzf *z = (const struct ql_lzf *)node->data;
    *scratch = mem_realloc(*scratch, node->sz);
    if (lzf_decompress(z->bytes, z->len, *scratch, (unsigned int)node->sz) != node->sz)
        return NULL;
    return *scratch;
}

int quicklist_node_lzf(const quicklist_node *node, const unsigned char **lzf, size_t *lzf_len,
                       size_t *raw_len)
{
    if (!node->compressed)
        return -1;
    const struct ql_lzf *z = (const struct ql_lzf *)node->data;
    *lzf = z->bytes;
    *lzf_len = z->len;
    *raw_len = node->sz;
    return 0;
}

void quicklist_append_listpack(quicklist *ql, unsigned char *lp)
{
    ql_take_back(ql);
    unsigned long n = lp_length(lp);
    if (n == 0) {
        lp_free(lp);
        return;
    }
    quicklist_node *node = node_new(lp, n);
    link_node(ql, ql->tail, node, 1);
    ql->count += n;
    ql_settle(ql, node, NULL);
}
