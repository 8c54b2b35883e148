/* pubsub — channels, shard channels and patterns; see pubsub.h.
 *
 * Each kind of subscription has a server table, name -> the array of
 * subscribed clients in subscription order, and every subscribed client
 * has a set of names per kind.  Delivery walks the channel's array, then
 * every pattern (a pattern and a channel both matching deliver twice, as in
 * Redis).  Replies and messages go through reply.c, so a slow subscriber
 * only grows its own output buffer until its class limit closes it.
 */
#include "pubsub.h"

#include "client.h"
#include "dict.h"
#include "glob.h"
#include "mem.h"
#include "networking.h"
#include "reply.h"
#include "resp.h"
#include "server.h"

#include <string.h>

enum sub_kind { KIND_CHANNEL, KIND_PATTERN, KIND_SHARD, KIND_COUNT };

/* The clients subscribed to one name. */
struct subscribers {
    struct client **v;
    size_t len, cap;
};

struct pubsub_state {
    dict *names[KIND_COUNT]; /* name -> NULL: what this client is subscribed to */
};

/* Per kind: the server table and the words its confirmations carry. */
static struct {
    dict *table;
    const char *sub_word;
    const char *unsub_word;
} kinds[KIND_COUNT] = {
    [KIND_CHANNEL] = {NULL, "subscribe", "unsubscribe"},
    [KIND_PATTERN] = {NULL, "psubscribe", "punsubscribe"},
    [KIND_SHARD] = {NULL, "ssubscribe", "sunsubscribe"},
};

static void subscribers_free(void *p)
{
    struct subscribers *s = p;
    mem_free(s->v);
    mem_free(s);
}

static const struct dict_type table_type = {.key_free = vstr_free, .val_free = subscribers_free};
static const struct dict_type name_set_type = {.key_free = vstr_free};

/* ---- bookkeeping ---- */

static long client_kind_count(const struct client *c, enum sub_kind kind)
{
    return c->pubsub ? (long)dict_size(c->pubsub->names[kind]) : 0;
}

/* The running count a confirmation carries: shard subscriptions are
 * counted apart from channels and patterns, as Redis 7.0 does. */
static long confirmation_count(const struct client *c, enum sub_kind kind)
{
    if (kind == KIND_SHARD)
        return client_kind_count(c, KIND_SHARD);
    return client_kind_count(c, KIND_CHANNEL) + client_kind_count(c, KIND_PATTERN);
}

static long total_count(const struct client *c)
{
    return client_kind_count(c, KIND_CHANNEL) + client_kind_count(c, KIND_PATTERN) +
           client_kind_count(c, KIND_SHARD);
}

static struct pubsub_state *state_of(struct client *c)
{
    if (!c->pubsub) {
        c->pubsub = mem_calloc(sizeof *c->pubsub);
        for (int k = 0; k < KIND_COUNT; k++)
            c->pubsub->names[k] = dict_new(&name_set_type);
    }
    return c->pubsub;
}

static void state_free(struct client *c)
{
    if (!c->pubsub)
        return;
    for (int k = 0; k < KIND_COUNT; k++)
        dict_free(c->pubsub->names[k]);
    mem_free(c->pubsub);
    c->pubsub = NULL;
}

static void add_subscriber(enum sub_kind kind, const char *name, size_t len, struct client *c)
{
    int created;
    dict_entry *de = dict_add_or_find(kinds[kind].table, name, len, &created);
    if (created)
        de->v.val = mem_calloc(sizeof(struct subscribers));
    struct subscribers *s = de->v.val;
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->v = mem_realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->len++] = c;
}

/* Keeps the others in subscription order; drops the name when it was the
 * last subscriber, so idle channels cost nothing. */
static void remove_subscriber(enum sub_kind kind, const char *name, size_t len, struct client *c)
{
    dict_entry *de = dict_find(kinds[kind].table, name, len);
    if (!de)
        return;
    struct subscribers *s = de->v.val;
    for (size_t i = 0; i < s->len; i++) {
        if (s->v[i] != c)
            continue;
        memmove(s->v + i, s->v + i + 1, (s->len - i - 1) * sizeof *s->v);
        s->len--;
        break;
    }
    if (s->len == 0)
        dict_delete(kinds[kind].table, name, len);
}

/* ---- replies ---- */

/* Subscription replies and messages are pushes in RESP3, arrays in RESP2. */
static void push_len(struct client *c, long len)
{
    if (c->resp == 3) {
        char buf[32];
        reply_raw(c, buf, resp_format_header(buf, '>', len));
    } else {
        reply_array_len(c, len);
    }
}

static void reply_confirmation(struct client *c, const char *word, const char *name, size_t len,
                               long count)
{
    push_len(c, 3);
    reply_bulk_cstr(c, word);
    if (name)
        reply_bulk(c, name, len);
    else
        reply_null(c);
    reply_ll(c, count);
}

/* ---- subscribe / unsubscribe ---- */

static void subscribe(struct client *c, enum sub_kind kind, const char *name, size_t len)
{
    struct pubsub_state *ps = state_of(c);
    int created;
    dict_add_or_find(ps->names[kind], name, len, &created);
    if (created)
        add_subscriber(kind, name, len, c);
    reply_confirmation(c, kinds[kind].sub_word, name, len, confirmation_count(c, kind));
}

/* The name may be the client's own set entry: it is released last. */
static void unsubscribe(struct client *c, enum sub_kind kind, const char *name, size_t len,
                        int notify)
{
    struct pubsub_state *ps = c->pubsub;
    int subscribed = ps && dict_find(ps->names[kind], name, len) != NULL;
    if (subscribed)
        remove_subscriber(kind, name, len, c);
    if (notify)
        reply_confirmation(c, kinds[kind].unsub_word, name, len,
                           confirmation_count(c, kind) - subscribed);
    if (subscribed)
        dict_delete(ps->names[kind], name, len);
}

static void unsubscribe_all(struct client *c, enum sub_kind kind, int notify)
{
    if (client_kind_count(c, kind) == 0) {
        if (notify)
            reply_confirmation(c, kinds[kind].unsub_word, NULL, 0, confirmation_count(c, kind));
        return;
    }
    dict *names = c->pubsub->names[kind];
    dict_iter it;
    dict_iter_init(&it, names, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it)))
        unsubscribe(c, kind, de->key, vstr_len(de->key), notify);
    dict_iter_release(&it);
}

/* The CLIENT_PUBSUB flag follows whether any subscription is left. */
static void update_pubsub_flag(struct client *c)
{
    if (total_count(c) > 0) {
        c->flags |= CLIENT_PUBSUB;
    } else {
        c->flags &= ~CLIENT_PUBSUB;
        state_free(c);
    }
}

void pubsub_reset_client(struct client *c)
{
    if (!c->pubsub)
        return;
    for (int k = 0; k < KIND_COUNT; k++)
        unsubscribe_all(c, (enum sub_kind)k, 0);
    update_pubsub_flag(c);
}

static void subscribe_generic(struct client *c, enum sub_kind kind)
{
    for (int i = 1; i < c->argc; i++)
        subscribe(c, kind, client_arg(c, i), client_arg_len(c, i));
    update_pubsub_flag(c);
}

static void unsubscribe_generic(struct client *c, enum sub_kind kind)
{
    if (c->argc == 1)
        unsubscribe_all(c, kind, 1);
    for (int i = 1; i < c->argc; i++)
        unsubscribe(c, kind, client_arg(c, i), client_arg_len(c, i), 1);
    update_pubsub_flag(c);
}

static void subscribe_command(struct client *c)
{
    subscribe_generic(c, KIND_CHANNEL);
}

static void psubscribe_command(struct client *c)
{
    subscribe_generic(c, KIND_PATTERN);
}

static void ssubscribe_command(struct client *c)
{
    subscribe_generic(c, KIND_SHARD);
}

static void unsubscribe_command(struct client *c)
{
    unsubscribe_generic(c, KIND_CHANNEL);
}

static void punsubscribe_command(struct client *c)
{
    unsubscribe_generic(c, KIND_PATTERN);
}

static void sunsubscribe_command(struct client *c)
{
    unsubscribe_generic(c, KIND_SHARD);
}

/* ---- publishing ---- */

static void send_message(struct client *c, const char *word, const char *channel, size_t chlen,
                         const char *msg, size_t msglen)
{
    push_len(c, 3);
    reply_bulk_cstr(c, word);
    reply_bulk(c, channel, chlen);
    reply_bulk(c, msg, msglen);
}

static void send_pattern_message(struct client *c, const vstr pattern, const char *channel,
                                 size_t chlen, const char *msg, size_t msglen)
{
    push_len(c, 4);
    reply_bulk_cstr(c, "pmessage");
    reply_bulk(c, pattern, vstr_len(pattern));
    reply_bulk(c, channel, chlen);
    reply_bulk(c, msg, msglen);
}

static long long deliver_to_channel(enum sub_kind kind, const char *word, const char *channel,
                                    size_t chlen, const char *msg, size_t msglen)
{
    dict_entry *de = dict_find(kinds[kind].table, channel, chlen);
    if (!de)
        return 0;
    struct subscribers *s = de->v.val;
    for (size_t i = 0; i < s->len; i++)
        send_message(s->v[i], word, channel, chlen, msg, msglen);
    return (long long)s->len;
}

static long long deliver_to_patterns(const char *channel, size_t chlen, const char *msg,
                                     size_t msglen)
{
    dict *patterns = kinds[KIND_PATTERN].table;
    if (dict_size(patterns) == 0)
        return 0;
    long long receivers = 0;
    dict_iter it;
    dict_iter_init(&it, patterns, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        if (!glob_match(de->key, vstr_len(de->key), channel, chlen, 0))
            continue;
        struct subscribers *s = de->v.val;
        for (size_t i = 0; i < s->len; i++)
            send_pattern_message(s->v[i], de->key, channel, chlen, msg, msglen);
        receivers += (long long)s->len;
    }
    dict_iter_release(&it);
    return receivers;
}

long long pubsub_publish(const char *channel, size_t chlen, const char *msg, size_t msglen)
{
    long long receivers = deliver_to_channel(KIND_CHANNEL, "message", channel, chlen, msg, msglen);
    return receivers + deliver_to_patterns(channel, chlen, msg, msglen);
}

static void publish_command(struct client *c)
{
    long long n = pubsub_publish(client_arg(c, 1), client_arg_len(c, 1), client_arg(c, 2),
                                 client_arg_len(c, 2));
    reply_ll(c, n);
}

/* Shard channels never match patterns. */
static void spublish_command(struct client *c)
{
    long long n = deliver_to_channel(KIND_SHARD, "smessage", client_arg(c, 1), client_arg_len(c, 1),
                                     client_arg(c, 2), client_arg_len(c, 2));
    reply_ll(c, n);
}

/* ---- PUBSUB ---- */

/* CHANNELS / SHARDCHANNELS [pattern]: the active names matching it. */
static void reply_channels(struct client *c, enum sub_kind kind)
{
    if (c->argc > 3) {
        reply_subcommand_syntax_error(c);
        return;
    }
    const char *pat = c->argc == 3 ? client_arg(c, 2) : NULL;
    size_t patlen = c->argc == 3 ? client_arg_len(c, 2) : 0;
    void *slot = reply_deferred_len(c);
    long n = 0;
    dict_iter it;
    dict_iter_init(&it, kinds[kind].table, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        if (pat && !glob_match(pat, patlen, de->key, vstr_len(de->key), 0))
            continue;
        reply_bulk(c, de->key, vstr_len(de->key));
        n++;
    }
    dict_iter_release(&it);
    reply_set_deferred_array_len(c, slot, n);
}

/* NUMSUB / SHARDNUMSUB channel...: name, count pairs in argument order. */
static void reply_numsub(struct client *c, enum sub_kind kind)
{
    reply_array_len(c, (long)(c->argc - 2) * 2);
    for (int i = 2; i < c->argc; i++) {
        dict_entry *de = dict_find(kinds[kind].table, client_arg(c, i), client_arg_len(c, i));
        struct subscribers *s = de ? de->v.val : NULL;
        reply_bulk(c, client_arg(c, i), client_arg_len(c, i));
        reply_ll(c, s ? (long long)s->len : 0);
    }
}

static void pubsub_channels_command(struct client *c)
{
    reply_channels(c, KIND_CHANNEL);
}

static void pubsub_shardchannels_command(struct client *c)
{
    reply_channels(c, KIND_SHARD);
}

static void pubsub_numsub_command(struct client *c)
{
    reply_numsub(c, KIND_CHANNEL);
}

static void pubsub_shardnumsub_command(struct client *c)
{
    reply_numsub(c, KIND_SHARD);
}

static void pubsub_numpat_command(struct client *c)
{
    reply_ll(c, pubsub_pattern_count());
}

static void pubsub_help_command(struct client *c)
{
    static const char *const lines[] = {
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        NULL,
    };
    reply_help(c, lines);
}

/* ---- counts ---- */

long pubsub_client_channel_count(const struct client *c)
{
    return client_kind_count(c, KIND_CHANNEL);
}

long pubsub_client_pattern_count(const struct client *c)
{
    return client_kind_count(c, KIND_PATTERN);
}

long pubsub_client_shard_channel_count(const struct client *c)
{
    return client_kind_count(c, KIND_SHARD);
}

long pubsub_channel_count(void)
{
    return (long)dict_size(kinds[KIND_CHANNEL].table);
}

long pubsub_pattern_count(void)
{
    return (long)dict_size(kinds[KIND_PATTERN].table);
}

long pubsub_shard_channel_count(void)
{
    return (long)dict_size(kinds[KIND_SHARD].table);
}

void pubsub_init(void)
{
    for (int k = 0; k < KIND_COUNT; k++)
        kinds[k].table = dict_new(&table_type);
    networking_add_free_hook(pubsub_reset_client);
}

/* ---- command table ---- */

static struct command pubsub_subcommands[] = {
    {.name = "channels", .proc = pubsub_channels_command, .arity = -2,
     .flags = "pubsub loading stale", .acl = "@pubsub", .group = "pubsub", .since = "2.8.0",
     .summary = "List active channels",
     .complexity = "O(N) where N is the number of active channels, and assuming constant time "
                   "pattern matching (relatively short channels and patterns)"},
    {.name = "numsub", .proc = pubsub_numsub_command, .arity = -2,
     .flags = "pubsub loading stale", .acl = "@pubsub", .group = "pubsub", .since = "2.8.0",
     .summary = "Get the count of subscribers for channels",
     .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested "
                   "channels"},
    {.name = "numpat", .proc = pubsub_numpat_command, .arity = 2,
     .flags = "pubsub loading stale", .acl = "@pubsub", .group = "pubsub", .since = "2.8.0",
     .summary = "Get the count of unique patterns pattern subscriptions",
     .complexity = "O(1)"},
    {.name = "shardchannels", .proc = pubsub_shardchannels_command, .arity = -2,
     .flags = "pubsub loading stale", .acl = "@pubsub", .group = "pubsub", .since = "7.0.0",
     .summary = "List active shard channels",
     .complexity = "O(N) where N is the number of active shard channels, and assuming constant "
                   "time pattern matching (relatively short shard channels)."},
    {.name = "shardnumsub", .proc = pubsub_shardnumsub_command, .arity = -2,
     .flags = "pubsub loading stale", .acl = "@pubsub", .group = "pubsub", .since = "7.0.0",
     .summary = "Get the count of subscribers for shard channels",
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested "
                   "shard channels"},
    {.name = "help", .proc = pubsub_help_command, .arity = 2, .flags = "loading stale",
     .group = "pubsub", .since = "6.2.0",
     .summary = "Show helpful text about the different subcommands", .complexity = "O(1)"},
    {0},
};

struct command pubsub_commands[] = {
    {.name = "subscribe", .proc = subscribe_command, .arity = -2,
     .flags = "pubsub noscript loading stale", .acl = "@pubsub", .group = "pubsub",
     .since = "2.0.0", .summary = "Listen for messages published to the given channels",
     .complexity = "O(N) where N is the number of channels to subscribe to."},
    {.name = "unsubscribe", .proc = unsubscribe_command, .arity = -1,
     .flags = "pubsub noscript loading stale", .acl = "@pubsub", .group = "pubsub",
     .since = "2.0.0", .summary = "Stop listening for messages posted to the given channels",
     .complexity = "O(N) where N is the number of clients already subscribed to a channel."},
    {.name = "psubscribe", .proc = psubscribe_command, .arity = -2,
     .flags = "pubsub noscript loading stale", .acl = "@pubsub", .group = "pubsub",
     .since = "2.0.0",
     .summary = "Listen for messages published to channels matching the given patterns",
     .complexity = "O(N) where N is the number of patterns the client is already subscribed "
                   "to."},
    {.name = "punsubscribe", .proc = punsubscribe_command, .arity = -1,
     .flags = "pubsub noscript loading stale", .acl = "@pubsub", .group = "pubsub",
     .since = "2.0.0",
     .summary = "Stop listening for messages posted to channels matching the given patterns",
     .complexity = "O(N+M) where N is the number of patterns the client is already subscribed "
                   "and M is the number of total patterns subscribed in the system (by any "
                   "client)."},
    {.name = "publish", .proc = publish_command, .arity = 3, .flags = "pubsub loading stale fast",
     .acl = "@pubsub", .group = "pubsub", .since = "2.0.0",
     .summary = "Post a message to a channel",
     .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel "
                   "and M is the total number of subscribed patterns (by any client)."},
    {.name = "ssubscribe", .proc = ssubscribe_command, .arity = -2,
     .flags = "pubsub noscript loading stale", .acl = "@pubsub", .first_key = 1, .last_key = -1,
     .key_step = 1, .group = "pubsub", .since = "7.0.0",
     .summary = "Listen for messages published to the given shard channels",
     .complexity = "O(N) where N is the number of shard channels to subscribe to."},
    {.name = "sunsubscribe", .proc = sunsubscribe_command, .arity = -1,
     .flags = "pubsub noscript loading stale", .acl = "@pubsub", .first_key = 1, .last_key = -1,
     .key_step = 1, .group = "pubsub", .since = "7.0.0",
     .summary = "Stop listening for messages posted to the given shard channels",
     .complexity = "O(N) where N is the number of clients already subscribed to a shard "
                   "channel."},
    {.name = "spublish", .proc = spublish_command, .arity = 3,
     .flags = "pubsub loading stale fast", .acl = "@pubsub", .first_key = 1, .last_key = 1,
     .key_step = 1, .group = "pubsub", .since = "7.0.0",
     .summary = "Post a message to a shard channel",
     .complexity = "O(N) where N is the number of clients subscribed to the receiving shard "
                   "channel."},
    {.name = "pubsub", .arity = -2, .subcommands = pubsub_subcommands, .group = "pubsub",
     .since = "2.8.0", .summary = "A container for Pub/Sub commands",
     .complexity = "Depends on subcommand."},
    {0},
};
