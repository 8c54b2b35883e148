/* zskiplist — skiplist with spans for sorted sets; see zskiplist.h.
 *
 * Every search walks down from the top level, moving right while the next
 * node still sorts before the target.  The node where it turns down on each
 * level is remembered in `update[]` (these are the links a change must
 * patch) and, for inserts, the rank reached there in `rank[]` (to split the
 * span of the link the new node cuts in two).
 */
#include "zskiplist.h"

#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct zsl_node *node_new(int level, double score, vstr member)
{
    struct zsl_node *n = mem_malloc(sizeof(*n) + (size_t)level * sizeof(struct zsl_level));
    n->score = score;
    n->member = member;
    return n;
}

void zsl_node_free(struct zsl_node *node)
{
    vstr_free(node->member);
    mem_free(node);
}

struct zsl *zsl_new(void)
{
    struct zsl *zsl = mem_malloc(sizeof(*zsl));
    zsl->level = 1;
    zsl->length = 0;
    zsl->tail = NULL;
    zsl->header = node_new(ZSL_MAX_LEVEL, 0, NULL);
    for (int i = 0; i < ZSL_MAX_LEVEL; i++) {
        zsl->header->level[i].forward = NULL;
        zsl->header->level[i].span = 0;
    }
    zsl->header->backward = NULL;
    return zsl;
}

void zsl_free(struct zsl *zsl)
{
    struct zsl_node *n = zsl->header->level[0].forward;
    while (n) {
        struct zsl_node *next = n->level[0].forward;
        zsl_node_free(n);
        n = next;
    }
    mem_free(zsl->header);
    mem_free(zsl);
}

/* Each extra level with probability 1/4: two random bits per coin flip. */
static int random_level(void)
{
    int level = 1;
    while (level < ZSL_MAX_LEVEL && (random() & 3) == 0)
        level++;
    return level;
}

/* 1 if node sorts strictly before (score, member). */
static int sorts_before(const struct zsl_node *node, double score, const vstr member)
{
    return node->score < score || (node->score == score && vstr_cmp(node->member, member) < 0);
}

struct zsl_node *zsl_insert(struct zsl *zsl, double score, vstr member)
{
    struct zsl_node *update[ZSL_MAX_LEVEL], *x = zsl->header;
    unsigned long rank[ZSL_MAX_LEVEL];

    for (int i = zsl->level - 1; i >= 0; i--) {
        rank[i] = i == zsl->level - 1 ? 0 : rank[i + 1];
        while (x->level[i].forward && sorts_before(x->level[i].forward, score, member)) {
            rank[i] += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    int level = random_level();
    /* New top levels start at the header, whose link spans the whole list. */
    for (int i = zsl->level; i < level; i++) {
        rank[i] = 0;
        update[i] = zsl->header;
        update[i]->level[i].span = zsl->length;
    }
    if (level > zsl->level)
        zsl->level = level;

    x = node_new(level, score, member);
    for (int i = 0; i < level; i++) {
        x->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = x;
        /* rank[0] - rank[i] nodes lie between update[i] and the new node. */
        x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = (rank[0] - rank[i]) + 1;
    }
    /* Links above the new node's height now jump over one more element. */
    for (int i = level; i < zsl->level; i++)
        update[i]->level[i].span++;

    x->backward = update[0] == zsl->header ? NULL : update[0];
    if (x->level[0].forward)
        x->level[0].forward->backward = x;
    else
        zsl->tail = x;
    zsl->length++;
    return x;
}

/* Unlinks x, given the update[] of a search that stopped just before it. */
static void unlink_node(struct zsl *zsl, struct zsl_node *x, struct zsl_node **update)
{
    for (int i = 0; i < zsl->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span--;
        }
    }
    if (x->level[0].forward)
        x->level[0].forward->backward = x->backward;
    else
        zsl->tail = x->backward;
    while (zsl->level > 1 && zsl->header->level[zsl->level - 1].forward == NULL)
        zsl->level--;
    zsl->length--;
}

/* Fills update[] for (score, member) and returns the node that follows it
 * on level 0 — the element itself when present. */
static struct zsl_node *find_update(const struct zsl *zsl, double score, const vstr member,
                                    struct zsl_node **update)
{
    struct zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && sorts_before(x->level[i].forward, score, member))
            x = x->level[i].forward;
        update[i] = x;
    }
    return x->level[0].forward;
}

static int is_element(const struct zsl_node *x, double score, const vstr member)
{
    return x && x->score == score && vstr_cmp(x->member, member) == 0;
}

int zsl_delete(struct zsl *zsl, double score, const vstr member, struct zsl_node **node_out)
{
    struct zsl_node *update[ZSL_MAX_LEVEL];
    struct zsl_node *x = find_update(zsl, score, member, update);

    if (!is_element(x, score, member))
        return -1;
    unlink_node(zsl, x, update);
    if (node_out)
        *node_out = x;
    else
        zsl_node_free(x);
    return 0;
}

struct zsl_node *zsl_update_score(struct zsl *zsl, double cur_score, const vstr member,
                                  double new_score)
{
    struct zsl_node *update[ZSL_MAX_LEVEL];
    struct zsl_node *x = find_update(zsl, cur_score, member, update);

    if (!is_element(x, cur_score, member))
        return NULL;
    /* Still strictly between its neighbours' scores: the position holds
     * whatever the member bytes, so only the score changes. */
    if ((x->backward == NULL || x->backward->score < new_score) &&
        (x->level[0].forward == NULL || x->level[0].forward->score > new_score)) {
        x->score = new_score;
        return x;
    }
    /* Otherwise relink, moving the member pointer to the new node so that
     * references the caller holds to it stay valid. */
    unlink_node(zsl, x, update);
    struct zsl_node *moved = zsl_insert(zsl, new_score, x->member);
    x->member = NULL;
    zsl_node_free(x);
    return moved;
}

unsigned long zsl_rank(const struct zsl *zsl, double score, const vstr member)
{
    const struct zsl_node *x = zsl->header;
    unsigned long rank = 0;

    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && (sorts_before(x->level[i].forward, score, member) ||
                                       is_element(x->level[i].forward, score, member))) {
            rank += x->level[i].span;
            x = x->level[i].forward;
        }
        if (x != zsl->header && is_element(x, score, member))
            return rank;
    }
    return 0;
}

struct zsl_node *zsl_by_rank(const struct zsl *zsl, unsigned long rank)
{
    struct zsl_node *x = zsl->header;
    unsigned long traversed = 0;

    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span <= rank) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (traversed == rank)
            return x == zsl->header ? NULL : x;
    }
    return NULL;
}

/* Score and lex ranges share their walks; only the tests on the two ends
 * differ, so each kind of range supplies them here. */
struct range_ops {
    int (*above_min)(const struct zsl_node *n, const void *spec);
    int (*below_max)(const struct zsl_node *n, const void *spec);
    int (*is_empty)(const void *spec);
};

static int range_in(const struct zsl *zsl, const struct range_ops *ops, const void *spec)
{
    const struct zsl_node *first = zsl->header->level[0].forward;
    if (ops->is_empty(spec) || !first)
        return 0;
    return ops->above_min(zsl->tail, spec) && ops->below_max(first, spec);
}

static struct zsl_node *range_first(const struct zsl *zsl, const struct range_ops *ops,
                                    const void *spec)
{
    struct zsl_node *x = zsl->header;
    if (!range_in(zsl, ops, spec))
        return NULL;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->level[i].forward && !ops->above_min(x->level[i].forward, spec))
            x = x->level[i].forward;
    /* range_in() found the tail above min, so some node follows x. */
    x = x->level[0].forward;
    return ops->below_max(x, spec) ? x : NULL;
}

static struct zsl_node *range_last(const struct zsl *zsl, const struct range_ops *ops,
                                   const void *spec)
{
    struct zsl_node *x = zsl->header;
    if (!range_in(zsl, ops, spec))
        return NULL;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->level[i].forward && ops->below_max(x->level[i].forward, spec))
            x = x->level[i].forward;
    /* The first element is known to be below max, so x is not the header. */
    return ops->above_min(x, spec) ? x : NULL;
}

static unsigned long range_delete(struct zsl *zsl, const struct range_ops *ops, const void *spec,
                                  zsl_removed_fn removed, void *ctx)
{
    struct zsl_node *update[ZSL_MAX_LEVEL], *x = zsl->header;
    unsigned long count = 0;

    if (ops->is_empty(spec))
        return 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && !ops->above_min(x->level[i].forward, spec))
            x = x->level[i].forward;
        update[i] = x;
    }
    /* update[] stays right for every node in the run: each one removed
     * leaves the same predecessors in front of the next. */
    x = x->level[0].forward;
    while (x && ops->below_max(x, spec)) {
        struct zsl_node *next = x->level[0].forward;
        unlink_node(zsl, x, update);
        if (removed)
            removed(x->member, x->score, ctx);
        zsl_node_free(x);
        count++;
        x = next;
    }
    return count;
}

static int score_above_min(const struct zsl_node *n, const void *spec)
{
    const struct zrange_spec *r = spec;
    return r->minex ? n->score > r->min : n->score >= r->min;
}

static int score_below_max(const struct zsl_node *n, const void *spec)
{
    const struct zrange_spec *r = spec;
    return r->maxex ? n->score < r->max : n->score <= r->max;
}

static int score_is_empty(const void *spec)
{
    const struct zrange_spec *r = spec;
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

static const struct range_ops score_ops = {score_above_min, score_below_max, score_is_empty};

int zsl_is_in_range(const struct zsl *zsl, const struct zrange_spec *range)
{
    return range_in(zsl, &score_ops, range);
}

struct zsl_node *zsl_first_in_range(const struct zsl *zsl, const struct zrange_spec *range)
{
    return range_first(zsl, &score_ops, range);
}

struct zsl_node *zsl_last_in_range(const struct zsl *zsl, const struct zrange_spec *range)
{
    return range_last(zsl, &score_ops, range);
}

unsigned long zsl_delete_range_by_score(struct zsl *zsl, const struct zrange_spec *range,
                                        zsl_removed_fn removed, void *ctx)
{
    return range_delete(zsl, &score_ops, range, removed, ctx);
}

/* Orders a member against a lex bound, either end possibly infinite. */
static int lex_cmp(const vstr member, const vstr bound, int inf)
{
    if (inf)
        return -inf;
    return vstr_cmp(member, bound);
}

static int lex_above_min(const struct zsl_node *n, const void *spec)
{
    const struct zlex_spec *r = spec;
    int c = lex_cmp(n->member, r->min, r->mininf);
    return r->minex ? c > 0 : c >= 0;
}

static int lex_below_max(const struct zsl_node *n, const void *spec)
{
    const struct zlex_spec *r = spec;
    int c = lex_cmp(n->member, r->max, r->maxinf);
    return r->maxex ? c < 0 : c <= 0;
}

/* Compares the two ends: an infinity against a string or the other
 * infinity, or two strings. */
static int lex_bounds_cmp(const struct zlex_spec *r)
{
    if (r->mininf || r->maxinf)
        return r->mininf == r->maxinf ? 0 : (r->mininf ? r->mininf : -r->maxinf);
    return vstr_cmp(r->min, r->max);
}

static int lex_is_empty(const void *spec)
{
    const struct zlex_spec *r = spec;
    int c = lex_bounds_cmp(r);
    return c > 0 || (c == 0 && (r->minex || r->maxex));
}

static const struct range_ops lex_ops = {lex_above_min, lex_below_max, lex_is_empty};

int zsl_is_in_lex_range(const struct zsl *zsl, const struct zlex_spec *range)
{
    return range_in(zsl, &lex_ops, range);
}

struct zsl_node *zsl_first_in_lex_range(const struct zsl *zsl, const struct zlex_spec *range)
{
    return range_first(zsl, &lex_ops, range);
}

struct zsl_node *zsl_last_in_lex_range(const struct zsl *zsl, const struct zlex_spec *range)
{
    return range_last(zsl, &lex_ops, range);
}

unsigned long zsl_delete_range_by_lex(struct zsl *zsl, const struct zlex_spec *range,
                                      zsl_removed_fn removed, void *ctx)
{
    return range_delete(zsl, &lex_ops, range, removed, ctx);
}

unsigned long zsl_delete_range_by_rank(struct zsl *zsl, unsigned long start, unsigned long end,
                                       zsl_removed_fn removed, void *ctx)
{
    struct zsl_node *update[ZSL_MAX_LEVEL], *x = zsl->header;
    unsigned long traversed = 0, count = 0;

    if (start == 0 || start > end)
        return 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span < start) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    traversed++;
    x = x->level[0].forward;
    while (x && traversed <= end) {
        struct zsl_node *next = x->level[0].forward;
        unlink_node(zsl, x, update);
        if (removed)
            removed(x->member, x->score, ctx);
        zsl_node_free(x);
        count++;
        traversed++;
        x = next;
    }
    return count;
}

/* Reads one end of a score range the way strtod() does, so "inf",
 * " 1", "0x10" and "" (zero) are all accepted as redis-server accepts them.
 * strtod needs a terminated string; argument slices are not. */
static int parse_score_item(const char *s, size_t len, double *value, int *exclusive)
{
    char small[64];
    char *buf = len < sizeof(small) ? small : mem_malloc(len + 1);
    char *end;
    int rc = 0;

    memcpy(buf, s, len);
    buf[len] = '\0';
    *exclusive = buf[0] == '(';
    *value = strtod(buf + *exclusive, &end);
    if (*end != '\0' || isnan(*value))
        rc = -1;
    if (buf != small)
        mem_free(buf);
    return rc;
}

int zsl_parse_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                    struct zrange_spec *spec)
{
    if (parse_score_item(min, minlen, &spec->min, &spec->minex) == -1 ||
        parse_score_item(max, maxlen, &spec->max, &spec->maxex) == -1)
        return -1;
    return 0;
}

static int parse_lex_item(const char *s, size_t len, vstr *out, int *exclusive, int *inf)
{
    *out = NULL;
    *exclusive = 0;
    *inf = 0;
    if (len == 1 && (s[0] == '-' || s[0] == '+')) {
        *inf = s[0] == '-' ? -1 : 1;
        return 0;
    }
    if (len == 0 || (s[0] != '(' && s[0] != '['))
        return -1;
    *exclusive = s[0] == '(';
    *out = vstr_new(s + 1, len - 1);
    return 0;
}

int zsl_parse_lex_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                        struct zlex_spec *spec)
{
    if (parse_lex_item(min, minlen, &spec->min, &spec->minex, &spec->mininf) == -1)
        return -1;
    if (parse_lex_item(max, maxlen, &spec->max, &spec->maxex, &spec->maxinf) == -1) {
        vstr_free(spec->min);
        spec->min = NULL;
        return -1;
    }
    return 0;
}

void zsl_free_lex_range(struct zlex_spec *spec)
{
    vstr_free(spec->min);
    vstr_free(spec->max);
    spec->min = spec->max = NULL;
}
