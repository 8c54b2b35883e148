/* Unit tests for quicklist: pushes and pops across node boundaries for many
 * fill values, compression at depths 1 and 2, indexing both ways, inserts
 * that split full nodes, range and iterator deletes, RDB node access, and a
 * randomized run against a plain array model.  After each step the whole
 * structure is checked: counts, every node's listpack, element order, and
 * the compression layout. */
#include "listpack.h"
#include "mem.h"
#include "quicklist.h"
#include "vstr.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int fills[] = {1, 2, 3, 4, 16, 128, -1, -2, -5};
#define N_FILLS (sizeof(fills) / sizeof(*fills))

/* ---------- a plain array model ---------- */

typedef struct model {
    vstr *v;
    long n, cap;
} model;

static void model_insert(model *m, long at, const char *s, size_t len)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->v = mem_realloc(m->v, sizeof(vstr) * (size_t)m->cap);
    }
    memmove(m->v + at + 1, m->v + at, sizeof(vstr) * (size_t)(m->n - at));
    m->v[at] = vstr_new(s, len);
    m->n++;
}

static void model_delete(model *m, long at, long count)
{
    if (count == 0)
        return;
    for (long i = at; i < at + count; i++)
        vstr_free(m->v[i]);
    memmove(m->v + at, m->v + at + count, sizeof(vstr) * (size_t)(m->n - at - count));
    m->n -= count;
}

static void model_free(model *m)
{
    model_delete(m, 0, m->n);
    mem_free(m->v);
}

/* ---------- checking ---------- */

static void entry_matches(const quicklist_entry *e, const char *s, size_t len)
{
    if (e->value) {
        ck_assert_uint_eq(e->len, len);
        ck_assert_mem_eq(e->value, s, len);
    } else {
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%lld", (long long)e->ival);
        ck_assert_uint_eq((size_t)n, len);
        ck_assert_mem_eq(buf, s, len);
    }
    ck_assert_int_eq(quicklist_entry_equals(e, s, len), 1);
}

/* Checks nodes, their listpacks, the element order and, for depth d, that
 * the d nodes at each end are raw (depth -1 skips the layout check).  When
 * `compressible` is set, every interior node of 100 bytes or more must be
 * compressed too. */
static void check_list(quicklist *ql, const model *m, int depth, int compressible)
{
    ck_assert_uint_eq(quicklist_count(ql), (unsigned long)m->n);
    unsigned long nodes = quicklist_node_count(ql), pos = 0;
    long at = 0;
    unsigned char *scratch = NULL;
    for (const quicklist_node *n = quicklist_first_node(ql); n; n = quicklist_next_node(n), pos++) {
        size_t len;
        unsigned char *lp = (unsigned char *)quicklist_node_listpack(n, &len, &scratch);
        ck_assert_ptr_nonnull(lp);
        ck_assert_int_eq(lp_validate(lp, len, 1), 0);
        ck_assert_uint_gt(quicklist_node_entries(n), 0);
        ck_assert_uint_eq(lp_length(lp), quicklist_node_entries(n));
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), at++) {
            ck_assert_int_lt(at, m->n);
            ck_assert_int_eq(lp_compare(p, (unsigned char *)m->v[at], (uint32_t)vstr_len(m->v[at])),
                             1);
        }
        const unsigned char *lzf;
        size_t lzf_len, raw_len;
        int compressed = quicklist_node_lzf(n, &lzf, &lzf_len, &raw_len) == 0;
        int edge = pos < (unsigned long)depth || nodes - 1 - pos < (unsigned long)depth;
        if (depth >= 0 && (edge || depth == 0))
            ck_assert_msg(!compressed, "node %lu of %lu compressed at depth %d", pos, nodes, depth);
        else if (depth > 0 && compressible && len >= 100)
            ck_assert_msg(compressed, "node %lu of %lu (%zu bytes) raw", pos, nodes, len);
        if (compressed) {
            ck_assert_uint_eq(raw_len, len);
            ck_assert_uint_lt(lzf_len, raw_len);
        }
    }
    mem_free(scratch);
    ck_assert_int_eq(at, m->n);
    ck_assert_uint_eq(pos, nodes);
}

/* Every node holding more than one element respects the fill rule. */
static void check_limits(quicklist *ql, int fill)
{
    static const size_t byte_limits[] = {4096, 8192, 16384, 32768, 65536};
    unsigned char *scratch = NULL;
    for (const quicklist_node *n = quicklist_first_node(ql); n; n = quicklist_next_node(n)) {
        size_t len;
        quicklist_node_listpack(n, &len, &scratch);
        unsigned long count = quicklist_node_entries(n);
        if (count == 1)
            continue;
        if (fill < 0) {
            ck_assert_uint_le(len, byte_limits[-fill - 1]);
        } else {
            ck_assert_uint_le(len, 8192);
            ck_assert_uint_le(count, (unsigned long)fill);
        }
    }
    mem_free(scratch);
}

/* Iterates both ways and indexes both ways, comparing with the model. */
static void check_reads(quicklist *ql, const model *m)
{
    quicklist_entry e;
    quicklist_iter *it = quicklist_iter_new(ql, QUICKLIST_HEAD);
    long i = 0;
    while (quicklist_iter_next(it, &e)) {
        ck_assert_int_lt(i, m->n);
        entry_matches(&e, m->v[i], vstr_len(m->v[i]));
        i++;
    }
    quicklist_iter_free(it);
    ck_assert_int_eq(i, m->n);
    it = quicklist_iter_new(ql, QUICKLIST_TAIL);
    while (quicklist_iter_next(it, &e)) {
        i--;
        entry_matches(&e, m->v[i], vstr_len(m->v[i]));
    }
    quicklist_iter_free(it);
    ck_assert_int_eq(i, 0);
    for (i = 0; i < m->n; i++) {
        ck_assert_int_eq(quicklist_index(ql, i, &e), 0);
        entry_matches(&e, m->v[i], vstr_len(m->v[i]));
        ck_assert_int_eq(quicklist_index(ql, -1 - i, &e), 0);
        entry_matches(&e, m->v[m->n - 1 - i], vstr_len(m->v[m->n - 1 - i]));
    }
    ck_assert_int_eq(quicklist_index(ql, m->n, &e), -1);
    ck_assert_int_eq(quicklist_index(ql, -m->n - 1, &e), -1);
}

/* Compressible text, a longer run now and then, an integer every fifth. */
static size_t make_value(char *buf, size_t cap, long i)
{
    int n;
    if (i % 5 == 0)
        n = snprintf(buf, cap, "%ld", i * 37 - 1000);
    else if (i % 7 == 0)
        n = snprintf(buf, cap, "value-%06ld-%0100d", i, 0);
    else
        n = snprintf(buf, cap, "value-%06ld-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
    ck_assert_uint_lt((size_t)n, cap);
    return (size_t)n;
}

/* ---------- tests ---------- */

START_TEST(push_pop_both_ends)
{
    int fill = fills[_i];
    size_t before = mem_used();
    quicklist *ql = quicklist_new(fill, 0);
    model m = {0};
    char buf[160];
    for (long i = 0; i < 600; i++) {
        size_t len = make_value(buf, sizeof(buf), i);
        if (i % 2) {
            quicklist_push_tail(ql, buf, len);
            model_insert(&m, m.n, buf, len);
        } else {
            quicklist_push_head(ql, buf, len);
            model_insert(&m, 0, buf, len);
        }
    }
    check_list(ql, &m, 0, 0);
    check_limits(ql, fill);
    check_reads(ql, &m);
    if (fill > 0 && fill < 600)
        ck_assert_uint_ge(quicklist_node_count(ql), 600 / (unsigned long)fill);
    for (long i = 0; m.n > 0; i++) {
        vstr s;
        int64_t v;
        int head = i % 3 == 0;
        ck_assert_int_eq(quicklist_pop(ql, head ? QUICKLIST_HEAD : QUICKLIST_TAIL, &s, &v), 0);
        long at = head ? 0 : m.n - 1;
        if (s) {
            ck_assert_uint_eq(vstr_len(s), vstr_len(m.v[at]));
            ck_assert_mem_eq(s, m.v[at], vstr_len(s));
            vstr_free(s);
        } else {
            ck_assert_int_eq(v, strtoll(m.v[at], NULL, 10));
        }
        model_delete(&m, at, 1);
        if (i % 50 == 0)
            check_list(ql, &m, 0, 0);
    }
    vstr s;
    int64_t v;
    ck_assert_int_eq(quicklist_pop(ql, QUICKLIST_HEAD, &s, &v), -1);
    ck_assert_uint_eq(quicklist_node_count(ql), 0);
    quicklist_free(ql);
    model_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

static quicklist *build(int fill, int depth, model *m, long n)
{
    quicklist *ql = quicklist_new(fill, depth);
    char buf[160];
    for (long i = 0; i < n; i++) {
        size_t len = make_value(buf, sizeof(buf), i);
        quicklist_push_tail(ql, buf, len);
        model_insert(m, m->n, buf, len);
    }
    return ql;
}

START_TEST(compression_depths)
{
    for (int depth = 1; depth <= 2; depth++) {
        for (size_t f = 0; f < N_FILLS; f++) {
            model m = {0};
            quicklist *ql = build(fills[f], depth, &m, 500);
            check_list(ql, &m, depth, 1);
            check_reads(ql, &m);
            /* Reading borrowed nodes must leave the layout as it was. */
            check_list(ql, &m, depth, 1);
            char buf[160];
            for (long i = 0; i < 100; i++) {
                size_t len = make_value(buf, sizeof(buf), 1000 + i);
                quicklist_push_head(ql, buf, len);
                model_insert(&m, 0, buf, len);
                vstr s;
                int64_t v;
                quicklist_pop(ql, QUICKLIST_TAIL, &s, &v);
                vstr_free(s);
                model_delete(&m, m.n - 1, 1);
            }
            check_list(ql, &m, depth, 1);
            quicklist *copy = quicklist_dup(ql);
            check_list(copy, &m, depth, 1);
            check_reads(copy, &m);
            quicklist_free(copy);
            quicklist_free(ql);
            model_free(&m);
        }
    }
}
END_TEST

START_TEST(compression_skips_small_and_random)
{
    /* Incompressible bytes stay raw even in the interior. */
    quicklist *ql = quicklist_new(-1, 1);
    model m = {0};
    srandom(3);
    for (int i = 0; i < 200; i++) {
        char buf[100];
        for (size_t k = 0; k < sizeof(buf); k++)
            buf[k] = (char)('A' + random() % 60);
        quicklist_push_tail(ql, buf, sizeof(buf));
        model_insert(&m, m.n, buf, sizeof(buf));
    }
    check_list(ql, &m, 1, 0);
    check_reads(ql, &m);
    unsigned long compressed = 0;
    for (const quicklist_node *n = quicklist_first_node(ql); n; n = quicklist_next_node(n)) {
        const unsigned char *lzf;
        size_t a, b;
        compressed += quicklist_node_lzf(n, &lzf, &a, &b) == 0;
    }
    /* 60 letters of randomness per byte: LZF finds little to gain. */
    ck_assert_uint_lt(compressed, quicklist_node_count(ql));
    quicklist_free(ql);
    model_free(&m);

    /* Single small elements per node are never compressed. */
    ql = quicklist_new(1, 1);
    for (int i = 0; i < 10; i++)
        quicklist_push_tail(ql, "ab", 2);
    for (const quicklist_node *n = quicklist_first_node(ql); n; n = quicklist_next_node(n)) {
        const unsigned char *lzf;
        size_t a, b;
        ck_assert_int_eq(quicklist_node_lzf(n, &lzf, &a, &b), -1);
    }
    quicklist_free(ql);
}
END_TEST

/* Inserting in the middle of a full node splits it. */
START_TEST(insert_splits_full_node)
{
    for (int depth = 0; depth <= 2; depth++) {
        model m = {0};
        quicklist *ql = build(4, depth, &m, 12);
        ck_assert_uint_eq(quicklist_node_count(ql), 3);
        quicklist_iter *it = quicklist_iter_at_index(ql, QUICKLIST_HEAD, 5);
        quicklist_entry e;
        ck_assert_int_eq(quicklist_iter_next(it, &e), 1);
        entry_matches(&e, m.v[5], vstr_len(m.v[5]));
        quicklist_insert_after(it, &e, "new-after", 9);
        ck_assert_int_eq(quicklist_iter_next(it, &e), 0);
        quicklist_iter_free(it);
        model_insert(&m, 6, "new-after", 9);
        ck_assert_uint_eq(quicklist_node_count(ql), 4);
        check_list(ql, &m, depth, 0);

        it = quicklist_iter_at_index(ql, QUICKLIST_TAIL, 2);
        ck_assert_int_eq(quicklist_iter_next(it, &e), 1);
        entry_matches(&e, m.v[2], vstr_len(m.v[2]));
        quicklist_insert_before(it, &e, "-77", 3);
        quicklist_iter_free(it);
        model_insert(&m, 2, "-77", 3);
        check_list(ql, &m, depth, 0);
        check_reads(ql, &m);

        /* At a full node's edges the element goes next door or alone. */
        it = quicklist_iter_at_index(ql, QUICKLIST_HEAD, 0);
        ck_assert_int_eq(quicklist_iter_next(it, &e), 1);
        quicklist_insert_before(it, &e, "first", 5);
        quicklist_iter_free(it);
        model_insert(&m, 0, "first", 5);
        it = quicklist_iter_at_index(ql, QUICKLIST_HEAD, -1);
        ck_assert_int_eq(quicklist_iter_next(it, &e), 1);
        quicklist_insert_after(it, &e, "last", 4);
        quicklist_iter_free(it);
        model_insert(&m, m.n, "last", 4);
        check_list(ql, &m, depth, 0);
        check_reads(ql, &m);
        quicklist_free(ql);
        model_free(&m);
    }
}
END_TEST

/* After a split the halves merge into neighbours that have room. */
START_TEST(split_merges_with_neighbour)
{
    model m = {0};
    quicklist *ql = build(4, 0, &m, 12);
    ck_assert_uint_eq(quicklist_delete_range(ql, 0, 3), 3);
    model_delete(&m, 0, 3);
    /* Nodes now hold 1, 4 and 4 elements; insert after the second
     * element of the full middle node. */
    quicklist_iter *it = quicklist_iter_at_index(ql, QUICKLIST_HEAD, 2);
    quicklist_entry e;
    ck_assert_int_eq(quicklist_iter_next(it, &e), 1);
    quicklist_insert_after(it, &e, "mid", 3);
    quicklist_iter_free(it);
    model_insert(&m, 3, "mid", 3);
    check_list(ql, &m, 0, 0);
    check_limits(ql, 4);
    ck_assert_uint_eq(quicklist_node_count(ql), 3);
    quicklist_free(ql);
    model_free(&m);
}
END_TEST

/* A split of the head node that also adds a node for a big element pushes
 * two nodes out of the raw end zone: both must be compressed. */
START_TEST(split_near_head_keeps_layout)
{
    model m = {0};
    quicklist *ql = build(4, 2, &m, 28);
    ck_assert_uint_eq(quicklist_node_count(ql), 7);
    check_list(ql, &m, 2, 1);
    char *big = mem_malloc(10000);
    memset(big, 'K', 10000);
    quicklist_iter *it = quicklist_iter_at_index(ql, QUICKLIST_HEAD, 1);
    quicklist_entry e;
    ck_assert_int_eq(quicklist_iter_next(it, &e), 1);
    quicklist_insert_after(it, &e, big, 10000);
    quicklist_iter_free(it);
    model_insert(&m, 2, big, 10000);
    ck_assert_uint_eq(quicklist_node_count(ql), 9);
    check_list(ql, &m, 2, 1);
    check_reads(ql, &m);
    mem_free(big);
    quicklist_free(ql);
    model_free(&m);
}
END_TEST

START_TEST(delete_ranges_across_nodes)
{
    for (size_t f = 0; f < N_FILLS; f++) {
        model m = {0};
        quicklist *ql = build(fills[f], 1, &m, 400);
        ck_assert_uint_eq(quicklist_delete_range(ql, 10, 150), 150);
        model_delete(&m, 10, 150);
        check_list(ql, &m, 1, 1);
        ck_assert_uint_eq(quicklist_delete_range(ql, -30, 10), 10);
        model_delete(&m, m.n - 30, 10);
        check_list(ql, &m, 1, 1);
        /* Clipped at the end, like LTRIM's second call. */
        ck_assert_uint_eq(quicklist_delete_range(ql, -5, 100), 5);
        model_delete(&m, m.n - 5, 5);
        ck_assert_uint_eq(quicklist_delete_range(ql, 0, 3), 3);
        model_delete(&m, 0, 3);
        ck_assert_uint_eq(quicklist_delete_range(ql, (long)m.n, 3), 0);
        ck_assert_uint_eq(quicklist_delete_range(ql, -(long)m.n - 1, 3), 0);
        ck_assert_uint_eq(quicklist_delete_range(ql, 0, 0), 0);
        check_list(ql, &m, 1, 1);
        check_reads(ql, &m);
        ck_assert_uint_eq(quicklist_delete_range(ql, 0, (unsigned long)m.n), (unsigned long)m.n);
        model_delete(&m, 0, m.n);
        check_list(ql, &m, 1, 1);
        ck_assert_uint_eq(quicklist_node_count(ql), 0);
        quicklist_free(ql);
        model_free(&m);
    }
}
END_TEST

START_TEST(iterator_deletion)
{
    for (int depth = 0; depth <= 2; depth++) {
        for (size_t f = 0; f < N_FILLS; f++) {
            model m = {0};
            quicklist *ql = build(fills[f], depth, &m, 300);
            /* Forward: drop every element whose model index is even. */
            quicklist_iter *it = quicklist_iter_new(ql, QUICKLIST_HEAD);
            quicklist_entry e;
            long i = 0, at = 0;
            while (quicklist_iter_next(it, &e)) {
                entry_matches(&e, m.v[at], vstr_len(m.v[at]));
                if (i++ % 2 == 0) {
                    quicklist_delete_entry(it, &e);
                    model_delete(&m, at, 1);
                } else {
                    at++;
                }
            }
            quicklist_iter_free(it);
            ck_assert_int_eq(i, 300);
            check_list(ql, &m, depth, 1);

            /* Backward from an index: drop two of every three. */
            it = quicklist_iter_at_index(ql, QUICKLIST_TAIL, -10);
            at = m.n - 10;
            i = 0;
            while (quicklist_iter_next(it, &e)) {
                entry_matches(&e, m.v[at], vstr_len(m.v[at]));
                if (i++ % 3) {
                    quicklist_delete_entry(it, &e);
                    model_delete(&m, at, 1);
                }
                at--;
            }
            quicklist_iter_free(it);
            ck_assert_int_eq(at, -1);
            check_list(ql, &m, depth, 1);
            check_reads(ql, &m);

            /* Everything, one by one. */
            it = quicklist_iter_new(ql, QUICKLIST_TAIL);
            while (quicklist_iter_next(it, &e))
                quicklist_delete_entry(it, &e);
            quicklist_iter_free(it);
            model_delete(&m, 0, m.n);
            check_list(ql, &m, depth, 1);
            quicklist_free(ql);
            model_free(&m);
        }
    }
}
END_TEST

START_TEST(replace_and_big_elements)
{
    model m = {0};
    quicklist *ql = build(-1, 1, &m, 300);
    char *big = mem_malloc(10000);
    memset(big, 'Z', 10000);
    /* Bigger than the 4 KB node limit: the element gets a node of its own. */
    unsigned long nodes = quicklist_node_count(ql);
    ck_assert_int_eq(quicklist_replace_at_index(ql, 150, big, 10000), 0);
    vstr_free(m.v[150]);
    m.v[150] = vstr_new(big, 10000);
    ck_assert_uint_ge(quicklist_node_count(ql), nodes + 1);
    check_list(ql, &m, 1, 1);
    ck_assert_int_eq(quicklist_replace_at_index(ql, -1, "12345", 5), 0);
    vstr_free(m.v[m.n - 1]);
    m.v[m.n - 1] = vstr_new("12345", 5);
    ck_assert_int_eq(quicklist_replace_at_index(ql, 0, big, 5000), 0);
    vstr_free(m.v[0]);
    m.v[0] = vstr_new(big, 5000);
    ck_assert_int_eq(quicklist_replace_at_index(ql, m.n, "x", 1), -1);
    check_list(ql, &m, 1, 1);
    check_reads(ql, &m);

    quicklist_push_tail(ql, big, 10000);
    model_insert(&m, m.n, big, 10000);
    quicklist_push_tail(ql, "after", 5);
    model_insert(&m, m.n, "after", 5);
    quicklist_push_head(ql, big, 9000);
    model_insert(&m, 0, big, 9000);
    check_list(ql, &m, 1, 1);
    check_reads(ql, &m);
    mem_free(big);
    quicklist_free(ql);
    model_free(&m);
}
END_TEST

/* RDB save walks the nodes' listpacks; load adopts them back. */
START_TEST(node_listpacks_round_trip)
{
    model m = {0};
    quicklist *ql = build(-2, 1, &m, 2000);
    quicklist *back = quicklist_new(-2, 1);
    unsigned char *scratch = NULL;
    unsigned long compressed = 0;
    for (const quicklist_node *n = quicklist_first_node(ql); n; n = quicklist_next_node(n)) {
        size_t len;
        const unsigned char *lp = quicklist_node_listpack(n, &len, &scratch);
        const unsigned char *lzf;
        size_t a, b;
        compressed += quicklist_node_lzf(n, &lzf, &a, &b) == 0;
        quicklist_append_listpack(back, mem_memdup(lp, len));
    }
    mem_free(scratch);
    ck_assert_uint_gt(compressed, 0);
    quicklist_append_listpack(back, lp_new(0));
    ck_assert_uint_eq(quicklist_node_count(back), quicklist_node_count(ql));
    check_list(back, &m, 1, 1);
    check_reads(back, &m);
    quicklist_free(back);
    quicklist_free(ql);
    model_free(&m);
}
END_TEST

START_TEST(options_and_memory)
{
    size_t before = mem_used();
    model m = {0};
    quicklist *ql = build(128, 0, &m, 1000);
    size_t usage = quicklist_mem_usage(ql);
    ck_assert_uint_gt(usage, 1000 * 10);
    ck_assert_uint_le(usage, mem_used() - before);
    /* Changing the options reshapes later writes only; reads stay right. */
    quicklist_set_options(ql, 2, 1);
    char buf[160];
    for (long i = 0; i < 50; i++) {
        size_t len = make_value(buf, sizeof(buf), 5000 + i);
        quicklist_push_head(ql, buf, len);
        model_insert(&m, 0, buf, len);
    }
    check_reads(ql, &m);
    check_list(ql, &m, -1, 0);
    /* Nodes compressed earlier may stay so at depth 0, as in Redis where
     * a list keeps the options it was created with. */
    quicklist_set_options(ql, 0, 0);
    quicklist_push_tail(ql, "z", 1);
    model_insert(&m, m.n, "z", 1);
    check_list(ql, &m, -1, 0);
    check_reads(ql, &m);
    quicklist_free(ql);
    model_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

/* Random operations mirrored on the model, checked as they go. */
START_TEST(randomized_against_model)
{
    static const int depths[] = {0, 1, 2};
    srandom(1000 + (unsigned int)_i);
    int fill = fills[_i % N_FILLS];
    int depth = depths[_i % 3];
    quicklist *ql = quicklist_new(fill, depth);
    model m = {0};
    char *buf = mem_malloc(9000);
    for (int step = 0; step < 3000; step++) {
        size_t len;
        long r = random() % 100;
        if (r < 3) {
            len = 5000 + (size_t)(random() % 4000);
            memset(buf, 'B', len);
        } else {
            len = make_value(buf, 9000, random() % 100000);
        }
        long op = random() % 9;
        long at = m.n ? random() % m.n : 0;
        quicklist_entry e;
        quicklist_iter *it;
        switch (op) {
        case 0:
        case 1:
            quicklist_push_head(ql, buf, len);
            model_insert(&m, 0, buf, len);
            break;
        case 2:
        case 3:
            quicklist_push_tail(ql, buf, len);
            model_insert(&m, m.n, buf, len);
            break;
        case 4:
            if (!m.n)
                break;
            it = quicklist_iter_at_index(ql, (int)(random() % 2), at);
            ck_assert_int_eq(quicklist_iter_next(it, &e), 1);
            if (random() % 2) {
                quicklist_insert_after(it, &e, buf, len);
                model_insert(&m, at + 1, buf, len);
            } else {
                quicklist_insert_before(it, &e, buf, len);
                model_insert(&m, at, buf, len);
            }
            quicklist_iter_free(it);
            break;
        case 5:
            if (!m.n)
                break;
            ck_assert_int_eq(quicklist_replace_at_index(ql, at, buf, len), 0);
            vstr_free(m.v[at]);
            m.v[at] = vstr_new(buf, len);
            break;
        case 6: {
            unsigned long count = (unsigned long)(random() % 20);
            unsigned long got = quicklist_delete_range(ql, at, count);
            unsigned long expect =
                m.n ? (count < (unsigned long)(m.n - at) ? count : (unsigned long)(m.n - at)) : 0;
            ck_assert_uint_eq(got, expect);
            model_delete(&m, at, (long)got);
            break;
        }
        case 7: {
            vstr s;
            int64_t v;
            int where = (int)(random() % 2);
            if (quicklist_pop(ql, where, &s, &v) < 0) {
                ck_assert_int_eq(m.n, 0);
                break;
            }
            vstr_free(s);
            model_delete(&m, where == QUICKLIST_HEAD ? 0 : m.n - 1, 1);
            break;
        }
        default:
            if (!m.n)
                break;
            ck_assert_int_eq(quicklist_index(ql, at - m.n, &e), 0);
            entry_matches(&e, m.v[at], vstr_len(m.v[at]));
            /* The node lent to that lookup stays raw until the next call;
             * a lookup in the head node (always raw) takes it back. */
            ck_assert_int_eq(quicklist_index(ql, 0, &e), 0);
            break;
        }
        check_list(ql, &m, depth, 1);
        check_limits(ql, fill);
    }
    check_list(ql, &m, depth, 1);
    check_limits(ql, fill);
    check_reads(ql, &m);
    mem_free(buf);
    quicklist_free(ql);
    model_free(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("quicklist");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, push_pop_both_ends, 0, (int)N_FILLS);
    tcase_add_test(tc, compression_depths);
    tcase_add_test(tc, compression_skips_small_and_random);
    tcase_add_test(tc, insert_splits_full_node);
    tcase_add_test(tc, split_merges_with_neighbour);
    tcase_add_test(tc, split_near_head_keeps_layout);
    tcase_add_test(tc, delete_ranges_across_nodes);
    tcase_add_test(tc, iterator_deletion);
    tcase_add_test(tc, replace_and_big_elements);
    tcase_add_test(tc, node_listpacks_round_trip);
    tcase_add_test(tc, options_and_memory);
    tcase_add_loop_test(tc, randomized_against_model, 0, 27);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
