/* scan — cursor and option parsing, dict walking and replies shared by the
 * SCAN family; see scan.h. */
#include "scan.h"

#include "client.h"
#include "glob.h"
#include "mem.h"
#include "numconv.h"
#include "reply.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* Redis reads the cursor with strtoul: a sign is accepted ("-1" wraps to
 * the largest cursor), leading space, trailing bytes and overflow are not. */
int scan_parse_cursor(struct client *c, int index, unsigned long *cursor)
{
    const char *s = client_arg(c, index);
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (isspace((unsigned char)s[0]) || *end != '\0' || errno == ERANGE) {
        reply_error(c, "invalid cursor");
        return -1;
    }
    *cursor = v;
    return 0;
}

static int parse_count(struct client *c, int index, long *count)
{
    long long v;
    if (numconv_to_ll(client_arg(c, index), client_arg_len(c, index), &v) < 0 || v > LONG_MAX ||
        v < LONG_MIN) {
        reply_error_not_integer(c);
        return -1;
    }
    if (v < 1) {
        reply_error_syntax(c);
        return -1;
    }
    *count = (long)v;
    return 0;
}

int scan_parse_options(struct client *c, int first_opt, int flags, struct scan_options *o)
{
    o->count = SCAN_DEFAULT_COUNT;
    o->pattern = NULL;
    o->pattern_len = 0;
    o->type = NULL;
    /* Every option takes a value; a repeated option overrides the earlier one. */
    for (int i = first_opt; i < c->argc; i += 2) {
        int has_value = i + 1 < c->argc;
        if (has_value && client_arg_is(c, i, "count")) {
            if (parse_count(c, i + 1, &o->count) < 0)
                return -1;
        } else if (has_value && client_arg_is(c, i, "match")) {
            o->pattern = client_arg(c, i + 1);
            o->pattern_len = client_arg_len(c, i + 1);
        } else if (has_value && (flags & SCAN_OPT_ALLOW_TYPE) && client_arg_is(c, i, "type")) {
            o->type = client_arg(c, i + 1);
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    /* MATCH * selects everything: skip the matching altogether. */
    if (o->pattern && o->pattern_len == 1 && o->pattern[0] == '*')
        o->pattern = NULL;
    return 0;
}

int scan_match(const struct scan_options *o, const char *p, size_t len)
{
    return !o->pattern || glob_match(o->pattern, o->pattern_len, p, len, 0);
}

struct counting_ctx {
    dict_scan_fn *fn;
    void *ctx;
    long seen;
};

static void count_and_forward(void *ctx, const dict_entry *de)
{
    struct counting_ctx *cc = ctx;
    cc->seen++;
    cc->fn(cc->ctx, de);
}

/* Entries are counted before MATCH filters them, as Redis does: COUNT
 * bounds the work, not the reply. */
unsigned long scan_dict(dict *d, unsigned long cursor, long count, dict_scan_fn *fn, void *ctx)
{
    struct counting_ctx cc = {.fn = fn, .ctx = ctx, .seen = 0};
    /* Bounds the work on a sparse table (many empty buckets). */
    long max_buckets = count > LONG_MAX / 10 ? LONG_MAX : count * 10;
    do {
        cursor = dict_scan(d, cursor, count_and_forward, &cc);
    } while (cursor && max_buckets-- && cc.seen < count);
    return cursor;
}

void scan_batch_init(struct scan_batch *b)
{
    b->data = NULL;
    b->ends = NULL;
    b->count = b->cap = 0;
}

void scan_batch_add(struct scan_batch *b, const char *p, size_t len)
{
    if (!b->data)
        b->data = vstr_empty();
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->ends = mem_realloc(b->ends, b->cap * sizeof *b->ends);
    }
    b->data = vstr_cat(b->data, p, len);
    b->ends[b->count++] = vstr_len(b->data);
}

/* Redis turns the score into a string with "%.17Lg" here, not with its
 * usual double reply format: "-0" and "1e+20" show as such.  Printing the
 * double itself with 17 digits gives the same text. */
void scan_batch_add_score(struct scan_batch *b, double score)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.17g", score);
    scan_batch_add(b, buf, (size_t)n);
}

const char *scan_batch_get(const struct scan_batch *b, size_t i, size_t *len)
{
    size_t start = i ? b->ends[i - 1] : 0;
    *len = b->ends[i] - start;
    return b->data + start;
}

void scan_batch_free(struct scan_batch *b)
{
    if (b->data)
        vstr_free(b->data);
    mem_free(b->ends);
    scan_batch_init(b);
}

void scan_reply(struct client *c, unsigned long cursor, const struct scan_batch *b)
{
    char buf[32];
    reply_array_len(c, 2);
    reply_bulk(c, buf, numconv_ull_to_str(buf, cursor));
    reply_array_len(c, (long)b->count);
    for (size_t i = 0; i < b->count; i++) {
        size_t len;
        const char *p = scan_batch_get(b, i, &len);
        reply_bulk(c, p, len);
    }
}
