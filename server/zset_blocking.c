/* zset_blocking — BZPOPMIN, BZPOPMAX and BZMPOP: the sorted-set pops of
 * t_zset.h behind the blocking framework of blocking.h.
 *
 * Each answers at once when one of its keys holds a sorted set; otherwise
 * it blocks (unless inside MULTI) and is served later through the same
 * pop, propagated as ZPOPMIN/ZPOPMAX key [count] as Redis rewrites it.
 */
#include "blocking.h"
#include "client.h"
#include "commands.h"
#include "db.h"
#include "propagate.h"
#include "reply.h"
#include "server.h"
#include "t_zset.h"

/* AOF and replicas see what was done: ZPOPMIN/ZPOPMAX key [count]. */
static void propagate_zpop(struct client *c, const char *key, size_t keylen, int where, long count)
{
    propagate_rewrite_key(c, where == ZSET_MAX ? "ZPOPMAX" : "ZPOPMIN", key, keylen,
                          count ? count : -1);
}

/* The first existing key among argv[first..first+n-1]: 1 with *o and *i,
 * 0 when none exists, -1 after WRONGTYPE. */
static int first_zset(struct client *c, int first, long n, vobj **o, int *i)
{
    for (*i = first; *i < first + n; (*i)++) {
        *o = db_lookup_write(c->db, client_arg(c, *i), client_arg_len(c, *i));
        if (!*o)
            continue;
        if ((*o)->type != OBJ_ZSET) {
            reply_error_wrongtype(c);
            return -1;
        }
        return 1;
    }
    return 0;
}

/* ---- BZPOPMIN / BZPOPMAX ---- */

static int bzpop_where(const struct client *c)
{
    return client_arg_is(c, 0, "bzpopmax") ? ZSET_MAX : ZSET_MIN;
}

static void bzpop_reply(struct client *c, vobj *o, const char *key, size_t keylen)
{
    int where = bzpop_where(c);
    propagate_zpop(c, key, keylen, where, 0);
    zset_pop_reply(c, o, key, keylen, where, 1, ZSET_POP_FLAT_KEY);
}

static void bzpop_command(struct client *c)
{
    long long deadline;
    if (blocking_parse_timeout(c, c->argc - 1, &deadline) < 0)
        return;
    vobj *o;
    int i;
    int rc = first_zset(c, 1, c->argc - 2, &o, &i);
    if (rc > 0)
        bzpop_reply(c, o, client_arg(c, i), client_arg_len(c, i));
    else if (rc == 0 && blocking_denied(c))
        reply_null_array(c);
    else if (rc == 0)
        blocking_block(c, OBJ_ZSET, 1, c->argc - 2, deadline, bzpop_reply);
}

/* ---- BZMPOP ---- */

static void bzmpop_reply(struct client *c, vobj *o, const char *key, size_t keylen)
{
    long numkeys, count;
    int where;
    zset_parse_mpop(c, 2, &numkeys, &where, &count);
    long n = (long)zset_length(o);
    propagate_zpop(c, key, keylen, where, count < n ? count : n);
    zset_pop_reply(c, o, key, keylen, where, count, ZSET_POP_NESTED_KEY);
}

static void bzmpop_command(struct client *c)
{
    long numkeys, count;
    int where;
    long long deadline;
    if (zset_parse_mpop(c, 2, &numkeys, &where, &count) < 0 ||
        blocking_parse_timeout(c, 1, &deadline) < 0)
        return;
    vobj *o;
    int i;
    int rc = first_zset(c, 3, numkeys, &o, &i);
    if (rc > 0)
        bzmpop_reply(c, o, client_arg(c, i), client_arg_len(c, i));
    else if (rc == 0 && blocking_denied(c))
        reply_null_array(c);
    else if (rc == 0)
        blocking_block(c, OBJ_ZSET, 3, (int)numkeys, deadline, bzmpop_reply);
}

#define BZPOP_COMMON                                                                               \
    .arity = -3, .flags = "write noscript blocking fast", .acl = "@sortedset", .first_key = 1,     \
    .last_key = -2, .key_step = 1, .group = "sorted-set",                                          \
    .key_specs = "RW access delete|index 1|range -2 1 0", .args = "*key:key#0 timeout:double",     \
    .history = "6.0.0 `timeout` is interpreted as a double instead of an integer.",                \
    .since = "5.0.0",                                                                              \
    .complexity = "O(log(N)) with N being the number of elements in the sorted set."

struct command zset_blocking_commands[] = {
    {.name = "bzpopmin",
     .proc = bzpop_command,
     BZPOP_COMMON,
     .summary = "Remove and return the member with the lowest score from one or more sorted "
                "sets, or block until one is available"},
    {.name = "bzpopmax",
     .proc = bzpop_command,
     BZPOP_COMMON,
     .summary = "Remove and return the member with the highest score from one or more sorted "
                "sets, or block until one is available"},
    {.name = "bzmpop",
     .proc = bzmpop_command,
     .arity = -5,
     .flags = "write blocking",
     .acl = "@sortedset",
     .group = "sorted-set",
     .key_specs = "RW access delete|index 2|keynum 0 1 1",
     .args = "timeout:double numkeys:integer *key:key#0 "
             "where:oneof(min:pure-token=MIN max:pure-token=MAX) ?count:integer=COUNT",
     .since = "7.0.0",
     .summary = "Remove and return members with scores in a sorted set or block until one is "
                "available",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the "
                   "number of elements in the sorted set, and M being the number of elements "
                   "popped."},
    {0},
};
