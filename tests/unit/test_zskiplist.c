/* Unit tests for server/zskiplist.  The core test drives thousands of random
 * inserts, deletes, score updates and range deletes against a plain sorted
 * array and checks the skiplist's links, spans, ranks and range answers
 * against it. */
#include "zskiplist.h"

#include "mem.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model: a sorted array of (score, member) ---- */

struct elem {
    double score;
    size_t len;
    char member[24];
};

struct model {
    struct elem *e;
    size_t n;
};

static int elem_cmp(const void *pa, const void *pb)
{
    const struct elem *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    size_t min = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->member, b->member, min);
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

static int model_find_member(const struct model *m, const char *member, size_t len)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->e[i].len == len && memcmp(m->e[i].member, member, len) == 0)
            return (int)i;
    return -1;
}

static void model_insert(struct model *m, double score, const char *member, size_t len)
{
    struct elem *e = &m->e[m->n++];
    e->score = score;
    e->len = len;
    memcpy(e->member, member, len);
    qsort(m->e, m->n, sizeof(*m->e), elem_cmp);
}

static void model_remove_at(struct model *m, size_t i)
{
    memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof(*m->e));
    m->n--;
}

static int node_is(const struct zsl_node *node, const struct elem *e)
{
    return node && node->score == e->score && vstr_len(node->member) == e->len &&
           memcmp(node->member, e->member, e->len) == 0;
}

static vstr elem_vstr(const struct elem *e)
{
    return vstr_new(e->member, e->len);
}

/* ---- structural checks ---- */

static unsigned long level0_distance(const struct zsl_node *from, const struct zsl_node *to)
{
    unsigned long d = 0;
    while (from != to) {
        from = from->level[0].forward;
        d++;
    }
    return d;
}

/* Walks every level: each link must jump exactly `span` level-0 nodes, and
 * level 0 must equal the model, with consistent backward and tail links. */
static void check_against_model(const struct zsl *zsl, const struct model *m)
{
    ck_assert_uint_eq(zsl->length, m->n);
    ck_assert_int_ge(zsl->level, 1);
    ck_assert_int_le(zsl->level, ZSL_MAX_LEVEL);

    const struct zsl_node *x = zsl->header->level[0].forward, *prev = NULL;
    for (size_t i = 0; i < m->n; i++) {
        ck_assert(node_is(x, &m->e[i]));
        ck_assert_ptr_eq(x->backward, prev);
        prev = x;
        x = x->level[0].forward;
    }
    ck_assert_ptr_null(x);
    ck_assert_ptr_eq(zsl->tail, prev);

    for (int lvl = 0; lvl < zsl->level; lvl++) {
        for (const struct zsl_node *n = zsl->header; n->level[lvl].forward;
             n = n->level[lvl].forward)
            ck_assert_uint_eq(n->level[lvl].span, level0_distance(n, n->level[lvl].forward));
    }
    for (int lvl = zsl->level; lvl < ZSL_MAX_LEVEL; lvl++)
        ck_assert_ptr_null(zsl->header->level[lvl].forward);
}

static void check_ranks(const struct zsl *zsl, const struct model *m)
{
    for (size_t i = 0; i < m->n; i++) {
        vstr member = elem_vstr(&m->e[i]);
        ck_assert_uint_eq(zsl_rank(zsl, m->e[i].score, member), i + 1);
        ck_assert_uint_eq(zsl_rank(zsl, m->e[i].score + 0.125, member), 0);
        vstr_free(member);
        ck_assert(node_is(zsl_by_rank(zsl, i + 1), &m->e[i]));
    }
    ck_assert_ptr_null(zsl_by_rank(zsl, 0));
    ck_assert_ptr_null(zsl_by_rank(zsl, m->n + 1));
}

/* ---- score ranges against the model ---- */

static int in_spec(double v, const struct zrange_spec *r)
{
    return (r->minex ? v > r->min : v >= r->min) && (r->maxex ? v < r->max : v <= r->max);
}

static struct zrange_spec random_spec(void)
{
    struct zrange_spec r;
    r.min = (double)(random() % 60) / 2.0 - 2;
    r.max = r.min + (double)(random() % 20) / 2.0 - 1;
    r.minex = (int)(random() % 2);
    r.maxex = (int)(random() % 2);
    if (random() % 10 == 0)
        r.min = -INFINITY;
    if (random() % 10 == 0)
        r.max = INFINITY;
    return r;
}

/* What the quick overlap test must answer: the range is not empty, the
 * last score is not below it and the first not above it.  It may say yes
 * for a range that falls in a gap, never no for one that holds an element. */
static int model_overlaps(const struct model *m, const struct zrange_spec *r)
{
    if (m->n == 0 || r->min > r->max || (r->min == r->max && (r->minex || r->maxex)))
        return 0;
    double lo = m->e[0].score, hi = m->e[m->n - 1].score;
    int last_above_min = r->minex ? hi > r->min : hi >= r->min;
    int first_below_max = r->maxex ? lo < r->max : lo <= r->max;
    return last_above_min && first_below_max;
}

static void check_score_range(const struct zsl *zsl, const struct model *m,
                              const struct zrange_spec *r)
{
    long first = -1, last = -1;
    for (size_t i = 0; i < m->n; i++) {
        if (in_spec(m->e[i].score, r)) {
            if (first < 0)
                first = (long)i;
            last = (long)i;
        }
    }
    ck_assert_int_eq(zsl_is_in_range(zsl, r), model_overlaps(m, r));
    if (first >= 0)
        ck_assert_int_eq(zsl_is_in_range(zsl, r), 1);
    if (first < 0) {
        ck_assert_ptr_null(zsl_first_in_range(zsl, r));
        ck_assert_ptr_null(zsl_last_in_range(zsl, r));
        return;
    }
    ck_assert(node_is(zsl_first_in_range(zsl, r), &m->e[first]));
    ck_assert(node_is(zsl_last_in_range(zsl, r), &m->e[last]));
}

/* Range-delete callback: checks each removed member against the model and
 * removes it there, the way the server removes it from its hash table. */
struct removal_log {
    struct model *m;
    unsigned long calls;
};

static void on_removed(vstr member, double score, void *ctx)
{
    struct removal_log *log = ctx;
    int i = model_find_member(log->m, member, vstr_len(member));
    ck_assert_int_ge(i, 0);
    ck_assert(log->m->e[i].score == score);
    model_remove_at(log->m, (size_t)i);
    log->calls++;
}

/* ---- the randomized run ---- */

static void random_member(char *buf, size_t *len)
{
    *len = (size_t)snprintf(buf, 24, "m%ld", random() % 1500);
}

static void random_op(struct zsl *zsl, struct model *m)
{
    char buf[24];
    size_t len;
    random_member(buf, &len);
    int at = model_find_member(m, buf, len);
    double score = (double)(random() % 50) / 2.0;
    long dice = random() % 10;

    if (at < 0) {
        struct zsl_node *n = zsl_insert(zsl, score, vstr_new(buf, len));
        model_insert(m, score, buf, len);
        ck_assert(n->score == score);
        return;
    }
    vstr member = vstr_new(buf, len);
    double cur = m->e[at].score;
    if (dice < 4) {
        ck_assert_int_eq(zsl_delete(zsl, cur, member, NULL), 0);
        ck_assert_int_eq(zsl_delete(zsl, cur, member, NULL), -1);
        model_remove_at(m, (size_t)at);
    } else {
        struct zsl_node *n = zsl_update_score(zsl, cur, member, score);
        ck_assert_ptr_nonnull(n);
        ck_assert(n->score == score);
        model_remove_at(m, (size_t)at);
        model_insert(m, score, buf, len);
    }
    vstr_free(member);
}

START_TEST(random_against_model)
{
    struct zsl *zsl = zsl_new();
    struct model m = {malloc(sizeof(struct elem) * 2000), 0};
    srandom(1234);

    for (int op = 1; op <= 10000; op++) {
        random_op(zsl, &m);
        if (op % 1000 == 0) {
            check_against_model(zsl, &m);
            check_ranks(zsl, &m);
            for (int k = 0; k < 200; k++) {
                struct zrange_spec r = random_spec();
                check_score_range(zsl, &m, &r);
            }
        }
    }
    check_against_model(zsl, &m);
    zsl_free(zsl);
    free(m.e);
}
END_TEST

START_TEST(range_deletes_against_model)
{
    struct zsl *zsl = zsl_new();
    struct model m = {malloc(sizeof(struct elem) * 2000), 0};
    struct removal_log log = {&m, 0};
    srandom(99);

    for (int round = 0; round < 40; round++) {
        while (m.n < 800)
            random_op(zsl, &m);
        struct zrange_spec r = random_spec();
        size_t expect = 0;
        for (size_t i = 0; i < m.n; i++)
            expect += in_spec(m.e[i].score, &r);
        log.calls = 0;
        ck_assert_uint_eq(zsl_delete_range_by_score(zsl, &r, on_removed, &log), expect);
        ck_assert_uint_eq(log.calls, expect);
        check_against_model(zsl, &m);

        unsigned long start = (unsigned long)(random() % (long)(m.n + 2));
        unsigned long end = start + (unsigned long)(random() % 100);
        expect = start == 0 || start > m.n ? 0 : (end > m.n ? m.n : end) - start + 1;
        log.calls = 0;
        ck_assert_uint_eq(zsl_delete_range_by_rank(zsl, start, end, on_removed, &log), expect);
        ck_assert_uint_eq(log.calls, expect);
        check_against_model(zsl, &m);
    }
    ck_assert_uint_eq(zsl_delete_range_by_rank(zsl, 1, m.n, NULL, NULL), m.n);
    ck_assert_uint_eq(zsl->length, 0);
    ck_assert_ptr_null(zsl->tail);
    ck_assert_int_eq(zsl->level, 1);
    zsl_free(zsl);
    free(m.e);
}
END_TEST

/* ---- lex ranges: every score 0, members of arbitrary bytes ---- */

static void random_bytes_member(char *buf, size_t *len)
{
    static const char alphabet[] = {'a', 'b', 'c', '\0', '\xff', 'B'};
    *len = (size_t)(random() % 4);
    for (size_t i = 0; i < *len; i++)
        buf[i] = alphabet[random() % (long)sizeof(alphabet)];
}

static int lex_cmp_model(const char *a, size_t alen, const char *b, size_t blen)
{
    struct elem x = {0, alen, {0}}, y = {0, blen, {0}};
    memcpy(x.member, a, alen);
    memcpy(y.member, b, blen);
    return elem_cmp(&x, &y);
}

/* Builds a random lex bound, sometimes infinite, as the parser would. */
static void random_lex_bound(char *buf, size_t *len, char *text, size_t *tlen)
{
    long k = random() % 8;
    if (k == 0 || k == 1) {
        text[0] = k == 0 ? '-' : '+';
        *tlen = 1;
        *len = 0;
        return;
    }
    random_bytes_member(buf, len);
    text[0] = k % 2 ? '(' : '[';
    memcpy(text + 1, buf, *len);
    *tlen = *len + 1;
}

static int in_lex_spec(const struct elem *e, const struct zlex_spec *r)
{
    int above = r->mininf
                    ? r->mininf < 0
                    : (r->minex ? lex_cmp_model(e->member, e->len, r->min, vstr_len(r->min)) > 0
                                : lex_cmp_model(e->member, e->len, r->min, vstr_len(r->min)) >= 0);
    int below = r->maxinf
                    ? r->maxinf > 0
                    : (r->maxex ? lex_cmp_model(e->member, e->len, r->max, vstr_len(r->max)) < 0
                                : lex_cmp_model(e->member, e->len, r->max, vstr_len(r->max)) <= 0);
    return above && below;
}

START_TEST(lex_ranges_against_model)
{
    struct zsl *zsl = zsl_new();
    struct model m = {malloc(sizeof(struct elem) * 400), 0};
    struct removal_log log = {&m, 0};
    srandom(5);

    for (int round = 0; round < 3000; round++) {
        if (m.n < 60) {
            char buf[24];
            size_t len;
            random_bytes_member(buf, &len);
            if (model_find_member(&m, buf, len) < 0) {
                zsl_insert(zsl, 0, vstr_new(buf, len));
                model_insert(&m, 0, buf, len);
            }
            continue;
        }
        char b1[24], b2[24], t1[25], t2[25];
        size_t l1, l2, tl1, tl2;
        random_lex_bound(b1, &l1, t1, &tl1);
        random_lex_bound(b2, &l2, t2, &tl2);
        struct zlex_spec r;
        ck_assert_int_eq(zsl_parse_lex_range(t1, tl1, t2, tl2, &r), 0);

        long first = -1, last = -1;
        for (size_t i = 0; i < m.n; i++) {
            if (in_lex_spec(&m.e[i], &r)) {
                if (first < 0)
                    first = (long)i;
                last = (long)i;
            }
        }
        if (first >= 0)
            ck_assert_int_eq(zsl_is_in_lex_range(zsl, &r), 1);
        if (first < 0) {
            ck_assert_ptr_null(zsl_first_in_lex_range(zsl, &r));
            ck_assert_ptr_null(zsl_last_in_lex_range(zsl, &r));
        } else {
            ck_assert(node_is(zsl_first_in_lex_range(zsl, &r), &m.e[first]));
            ck_assert(node_is(zsl_last_in_lex_range(zsl, &r), &m.e[last]));
        }
        if (round % 50 == 0) {
            log.calls = 0;
            unsigned long expect = first < 0 ? 0 : (unsigned long)(last - first + 1);
            ck_assert_uint_eq(zsl_delete_range_by_lex(zsl, &r, on_removed, &log), expect);
            ck_assert_uint_eq(log.calls, expect);
            check_against_model(zsl, &m);
        }
        zsl_free_lex_range(&r);
    }
    zsl_free(zsl);
    free(m.e);
}
END_TEST

/* ---- focused cases ---- */

START_TEST(equal_scores_order_by_member)
{
    struct zsl *zsl = zsl_new();
    const char *names[] = {"b", "a", "ab", "", "B", "aa"};
    const char *sorted[] = {"", "B", "a", "aa", "ab", "b"};
    for (int i = 0; i < 6; i++)
        zsl_insert(zsl, 1.0, vstr_from(names[i]));
    zsl_insert(zsl, 0.5, vstr_from("zzz"));
    zsl_insert(zsl, 2.0, vstr_from(""));

    struct zsl_node *n = zsl->header->level[0].forward;
    ck_assert_str_eq(n->member, "zzz");
    n = n->level[0].forward;
    for (int i = 0; i < 6; i++, n = n->level[0].forward)
        ck_assert_str_eq(n->member, sorted[i]);
    ck_assert(n->score == 2.0);
    ck_assert_ptr_eq(n, zsl->tail);
    ck_assert_ptr_null(zsl->header->level[0].forward->backward);
    zsl_free(zsl);
}
END_TEST

START_TEST(update_score_in_place_and_moved)
{
    struct zsl *zsl = zsl_new();
    zsl_insert(zsl, 1, vstr_from("a"));
    struct zsl_node *b = zsl_insert(zsl, 2, vstr_from("b"));
    zsl_insert(zsl, 3, vstr_from("c"));
    vstr key = vstr_from("b");
    vstr member = b->member;

    /* Strictly between the neighbours: same node, same member pointer. */
    ck_assert_ptr_eq(zsl_update_score(zsl, 2, key, 2.5), b);
    ck_assert(b->score == 2.5);
    /* Tying a neighbour's score relinks (the member bytes decide the order). */
    struct zsl_node *moved = zsl_update_score(zsl, 2.5, key, 3);
    ck_assert_ptr_eq(moved->member, member);
    ck_assert_uint_eq(zsl_rank(zsl, 3, key), 2);
    moved = zsl_update_score(zsl, 3, key, 10);
    ck_assert_ptr_eq(moved->member, member);
    ck_assert_ptr_eq(zsl->tail, moved);
    ck_assert_uint_eq(zsl_rank(zsl, 10, key), 3);
    moved = zsl_update_score(zsl, 10, key, -10);
    ck_assert_ptr_eq(moved->member, member);
    ck_assert_uint_eq(zsl_rank(zsl, -10, key), 1);
    /* Absent (wrong current score). */
    ck_assert_ptr_null(zsl_update_score(zsl, 10, key, 1));
    vstr_free(key);
    zsl_free(zsl);
}
END_TEST

START_TEST(delete_hands_node_out)
{
    struct zsl *zsl = zsl_new();
    zsl_insert(zsl, 1, vstr_from("x"));
    vstr key = vstr_from("x");
    struct zsl_node *node = NULL;
    ck_assert_int_eq(zsl_delete(zsl, 2, key, &node), -1);
    ck_assert_ptr_null(node);
    ck_assert_int_eq(zsl_delete(zsl, 1, key, &node), 0);
    ck_assert_ptr_nonnull(node);
    ck_assert_str_eq(node->member, "x");
    ck_assert_uint_eq(zsl->length, 0);
    ck_assert_ptr_null(zsl->tail);
    zsl_node_free(node);
    vstr_free(key);
    zsl_free(zsl);
}
END_TEST

START_TEST(empty_ranges)
{
    struct zsl *zsl = zsl_new();
    struct zrange_spec all = {-INFINITY, INFINITY, 0, 0};
    ck_assert_int_eq(zsl_is_in_range(zsl, &all), 0);
    ck_assert_ptr_null(zsl_first_in_range(zsl, &all));
    zsl_insert(zsl, 5, vstr_from("five"));
    struct zrange_spec point_ex = {5, 5, 1, 0};
    struct zrange_spec point = {5, 5, 0, 0};
    struct zrange_spec reversed = {6, 4, 0, 0};
    ck_assert_int_eq(zsl_is_in_range(zsl, &point_ex), 0);
    ck_assert_int_eq(zsl_is_in_range(zsl, &point), 1);
    ck_assert_int_eq(zsl_is_in_range(zsl, &reversed), 0);
    ck_assert_uint_eq(zsl_delete_range_by_score(zsl, &reversed, NULL, NULL), 0);
    ck_assert_uint_eq(zsl_delete_range_by_rank(zsl, 2, 1, NULL, NULL), 0);
    ck_assert_uint_eq(zsl_delete_range_by_rank(zsl, 0, 1, NULL, NULL), 0);
    ck_assert_uint_eq(zsl_delete_range_by_score(zsl, &point, NULL, NULL), 1);
    zsl_free(zsl);
}
END_TEST

/* Expected answers observed from redis-server 7.0.15 ZRANGEBYSCORE. */
START_TEST(parse_score_range)
{
    static const struct {
        const char *text;
        int ok;
        double value;
        int ex;
    } cases[] = {
        {"1.5", 1, 1.5, 0},
        {"(1.5", 1, 1.5, 1},
        {"-inf", 1, -INFINITY, 0},
        {"+inf", 1, INFINITY, 0},
        {"inf", 1, INFINITY, 0},
        {"(-inf", 1, -INFINITY, 1},
        {"-Infinity", 1, -INFINITY, 0},
        {"", 1, 0, 0},
        {"(", 1, 0, 1},
        {" 1", 1, 1, 0},
        {"0x10", 1, 16, 0},
        {"1e400", 1, INFINITY, 0},
        {".5", 1, 0.5, 0},
        {"nan", 0, 0, 0},
        {"(nan", 0, 0, 0},
        {"-nan", 0, 0, 0},
        {"1 ", 0, 0, 0},
        {"((1", 0, 0, 0},
        {"-", 0, 0, 0},
        {"+", 0, 0, 0},
        {"1_0", 0, 0, 0},
        {"abc", 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct zrange_spec r;
        const char *t = cases[i].text;
        int rc = zsl_parse_range(t, strlen(t), "10", 2, &r);
        ck_assert_msg(rc == (cases[i].ok ? 0 : -1), "'%s'", t);
        if (!cases[i].ok)
            continue;
        ck_assert_msg(r.min == cases[i].value && r.minex == cases[i].ex, "'%s'", t);
        ck_assert(r.max == 10 && r.maxex == 0);
        ck_assert_int_eq(zsl_parse_range("0", 1, t, strlen(t), &r), 0);
        ck_assert(r.max == cases[i].value && r.maxex == cases[i].ex);
    }
    /* An argument slice is read only up to its length; NUL ends the number
     * as it does in redis-server ("1\0x" is accepted there). */
    struct zrange_spec r;
    ck_assert_int_eq(zsl_parse_range("12345", 2, "1\0x", 3, &r), 0);
    ck_assert(r.min == 12 && r.max == 1);
    char *long_num = malloc(300);
    memset(long_num, '0', 299);
    long_num[298] = '7';
    long_num[299] = 'x';
    ck_assert_int_eq(zsl_parse_range(long_num, 299, "1", 1, &r), 0);
    ck_assert(r.min == 7);
    ck_assert_int_eq(zsl_parse_range(long_num, 300, "1", 1, &r), -1);
    free(long_num);
}
END_TEST

/* Expected answers observed from redis-server 7.0.15 ZRANGEBYLEX. */
START_TEST(parse_lex_range)
{
    struct zlex_spec r;
    ck_assert_int_eq(zsl_parse_lex_range("-", 1, "+", 1, &r), 0);
    ck_assert(r.min == NULL && r.mininf == -1 && r.max == NULL && r.maxinf == 1);
    zsl_free_lex_range(&r);

    ck_assert_int_eq(zsl_parse_lex_range("[a\0b", 4, "(c", 2, &r), 0);
    ck_assert_uint_eq(vstr_len(r.min), 3);
    ck_assert_mem_eq(r.min, "a\0b", 3);
    ck_assert(r.minex == 0 && r.mininf == 0 && r.maxex == 1);
    ck_assert_str_eq(r.max, "c");
    zsl_free_lex_range(&r);

    ck_assert_int_eq(zsl_parse_lex_range("[", 1, "(", 1, &r), 0);
    ck_assert_uint_eq(vstr_len(r.min), 0);
    zsl_free_lex_range(&r);

    const char *bad[] = {"a", "", "--", "++", "+a", "]a", "{a"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t before = mem_used();
        ck_assert_int_eq(zsl_parse_lex_range(bad[i], strlen(bad[i]), "+", 1, &r), -1);
        ck_assert_int_eq(zsl_parse_lex_range("[ok", 3, bad[i], strlen(bad[i]), &r), -1);
        ck_assert_uint_eq(mem_used(), before); /* nothing leaked on the error path */
    }
}
END_TEST

/* Point queries on the lex bounds that the random test rarely hits. */
START_TEST(lex_infinities)
{
    struct zsl *zsl = zsl_new();
    zsl_insert(zsl, 0, vstr_from("a"));
    zsl_insert(zsl, 0, vstr_from("b"));
    const char *pairs[][2] = {{"-", "-"}, {"+", "+"}, {"+", "-"}, {"[b", "[a"}, {"(b", "[b"}};
    for (size_t i = 0; i < 5; i++) {
        struct zlex_spec r;
        ck_assert_int_eq(zsl_parse_lex_range(pairs[i][0], strlen(pairs[i][0]), pairs[i][1],
                                             strlen(pairs[i][1]), &r),
                         0);
        ck_assert_int_eq(zsl_is_in_lex_range(zsl, &r), 0);
        ck_assert_ptr_null(zsl_first_in_lex_range(zsl, &r));
        ck_assert_uint_eq(zsl_delete_range_by_lex(zsl, &r, NULL, NULL), 0);
        zsl_free_lex_range(&r);
    }
    struct zlex_spec r;
    ck_assert_int_eq(zsl_parse_lex_range("[b", 2, "[b", 2, &r), 0);
    ck_assert_str_eq(zsl_first_in_lex_range(zsl, &r)->member, "b");
    ck_assert_str_eq(zsl_last_in_lex_range(zsl, &r)->member, "b");
    zsl_free_lex_range(&r);
    zsl_free(zsl);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("zskiplist");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, random_against_model);
    tcase_add_test(tc, range_deletes_against_model);
    tcase_add_test(tc, lex_ranges_against_model);
    tcase_add_test(tc, equal_scores_order_by_member);
    tcase_add_test(tc, update_score_in_place_and_moved);
    tcase_add_test(tc, delete_hands_node_out);
    tcase_add_test(tc, empty_ranges);
    tcase_add_test(tc, parse_score_range);
    tcase_add_test(tc, parse_lex_range);
    tcase_add_test(tc, lex_infinities);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
