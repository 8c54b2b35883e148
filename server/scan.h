/* scan — what SCAN, HSCAN, SSCAN and ZSCAN share: parsing the cursor and
 * the MATCH / COUNT / TYPE options with Redis's error replies, walking a
 * dict for one call's worth of elements, and the [cursor, [elements]]
 * reply.
 *
 * A command parses with scan_parse_cursor() and scan_parse_options(),
 * collects the elements it wants to return into a scan_batch (filtering
 * with scan_match(); pairs such as field/value are added one after the
 * other), then answers with scan_reply().  Elements are copied into the
 * batch, so a caller may delete keys (expired ones) before replying.
 */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

#include "dict.h"
#include "vstr.h"

#include <stddef.h>

struct client;

/* Elements per call when COUNT is not given. */
#define SCAN_DEFAULT_COUNT 10
/* scan_parse_options() flags: TYPE is accepted by SCAN only. */
#define SCAN_OPT_ALLOW_TYPE 1

struct scan_options {
    long count;
    const char *pattern; /* NULL: everything matches (no MATCH, or MATCH *) */
    size_t pattern_len;
    const char *type; /* TYPE name as given, NULL if absent */
};

/* Parses argument index as a cursor; replies "ERR invalid cursor" and
 * returns -1 if it is not one. */
int scan_parse_cursor(struct client *c, int index, unsigned long *cursor);
/* Parses the options from argument first_opt to the end; on error replies
 * (syntax error, not an integer) and returns -1. */
int scan_parse_options(struct client *c, int first_opt, int flags, struct scan_options *o);
/* 1 if the element passes the MATCH pattern (always 1 without one). */
int scan_match(const struct scan_options *o, const char *p, size_t len);

/* Calls fn on the entries of successive buckets from cursor until about
 * count entries were seen or 10 * count buckets were walked; returns the
 * cursor for the next call (0: done).  An entry counts once even where a
 * field/value or member/score pair is returned, as in Redis 7.0.  fn must
 * not modify the dict. */
unsigned long scan_dict(dict *d, unsigned long cursor, long count, dict_scan_fn *fn, void *ctx);

/* Elements collected for one reply, copied back to back. */
struct scan_batch {
    vstr data;    /* NULL until the first element */
    size_t *ends; /* end offset of each element in data */
    size_t count, cap;
};

/* The context a dict_scan_fn of a per-type SCAN gets from scan_dict(). */
struct scan_collect {
    const struct scan_options *opts;
    struct scan_batch *batch;
};

void scan_batch_init(struct scan_batch *b);
void scan_batch_add(struct scan_batch *b, const char *p, size_t len);
/* Adds a score as ZSCAN shows it: 17 significant digits, -0 kept. */
void scan_batch_add_score(struct scan_batch *b, double score);
const char *scan_batch_get(const struct scan_batch *b, size_t i, size_t *len);
void scan_batch_free(struct scan_batch *b);

/* Replies [cursor, [elements...]]. */
void scan_reply(struct client *c, unsigned long cursor, const struct scan_batch *b);

#endif
