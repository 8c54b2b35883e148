/* multi — MULTI/EXEC queues and WATCH; see multi.h.
 *
 * A queued command owns a copy of its arguments (the query buffer they
 * came from is reused).  A watched key is one record shared by two
 * indexes: the client's array (to unwatch it) and the db's watched_keys
 * table, key -> array of records (to find the watchers of a modified key).
 *
 * Expiry follows Redis 7.0: a key already logically expired when WATCHed
 * counts as absent, so its lazy or active deletion changes nothing; a key
 * that expires after WATCH fails EXEC even if nobody deleted it yet.
 */
#include "multi.h"

#include "client.h"
#include "db.h"
#include "mem.h"
#include "networking.h"
#include "reply.h"
#include "server.h"

#include <string.h>
#include <strings.h>

struct queued_command {
    struct command *cmd;
    int argc;
    struct resp_arg *argv; /* each ptr is a vstr owned here */
};

struct multi_state {
    struct queued_command *cmds;
    int count, cap;
    uint64_t flags; /* union of the queued commands' flag bits */
};

struct watched_key {
    struct client *client;
    struct db *db;
    vstr key;
    int expired; /* logically expired when WATCHed */
};

/* A client's watched keys, or one key's watchers in a db. */
struct watch_list {
    struct watched_key **v;
    size_t len, cap;
};

struct watch_state {
    struct watch_list keys;
};

static void list_push(struct watch_list *l, struct watched_key *wk)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = mem_realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->len++] = wk;
}

/* Order does not matter in either index: the last element fills the gap. */
static void list_remove(struct watch_list *l, const struct watched_key *wk)
{
    for (size_t i = 0; i < l->len; i++) {
        if (l->v[i] == wk) {
            l->v[i] = l->v[--l->len];
            return;
        }
    }
}

/* ---- the queue ---- */

static void free_queue(struct multi_state *ms)
{
    for (int i = 0; i < ms->count; i++) {
        struct queued_command *qc = &ms->cmds[i];
        for (int j = 0; j < qc->argc; j++)
            vstr_free(qc->argv[j].ptr);
        mem_free(qc->argv);
    }
    mem_free(ms->cmds);
    mem_free(ms);
}

void multi_queue_command(struct client *c)
{
    /* An aborted transaction will never run: don't spend memory on it. */
    if (!(c->flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC))) {
        if (!c->mstate)
            c->mstate = mem_calloc(sizeof *c->mstate);
        struct multi_state *ms = c->mstate;
        if (ms->count == ms->cap) {
            ms->cap = ms->cap ? ms->cap * 2 : 8;
            ms->cmds = mem_realloc(ms->cmds, (size_t)ms->cap * sizeof *ms->cmds);
        }
        struct queued_command *qc = &ms->cmds[ms->count++];
        qc->cmd = c->cmd;
        qc->argc = c->argc;
        qc->argv = mem_malloc((size_t)c->argc * sizeof *qc->argv);
        for (int i = 0; i < c->argc; i++) {
            qc->argv[i].ptr = vstr_new(c->argv[i].ptr, c->argv[i].len);
            qc->argv[i].len = c->argv[i].len;
        }
        ms->flags |= c->cmd->flag_bits;
    }
    reply_raw(c, "+QUEUED\r\n", 9);
}

int multi_runs_immediately(const struct command *cmd)
{
    static const char *const immediate[] = {"exec", "discard", "multi", "watch", "quit", "reset"};
    if (cmd->parent)
        return 0;
    for (size_t i = 0; i < sizeof immediate / sizeof immediate[0]; i++)
        if (strcasecmp(cmd->name, immediate[i]) == 0)
            return 1;
    return 0;
}

int multi_is_exec(const struct command *cmd)
{
    return cmd && !cmd->parent && strcasecmp(cmd->name, "exec") == 0;
}

uint64_t multi_queued_flags(const struct client *c)
{
    return c->mstate ? c->mstate->flags : 0;
}

long multi_queued_count(const struct client *c)
{
    if (!(c->flags & CLIENT_MULTI))
        return -1;
    return c->mstate ? c->mstate->count : 0;
}

/* ---- watching ---- */

static struct watch_list *watchers_of(struct db *db, const char *key, size_t len)
{
    dict_entry *de = dict_find(db->watched_keys, key, len);
    return de ? de->v.val : NULL;
}

static int is_watching(struct client *c, struct db *db, const char *key, size_t len)
{
    struct watch_list *l = watchers_of(db, key, len);
    for (size_t i = 0; l && i < l->len; i++)
        if (l->v[i]->client == c)
            return 1;
    return 0;
}

static void watch_key(struct client *c, const char *key, size_t len)
{
    struct db *db = c->db;
    if (is_watching(c, db, key, len))
        return;
    struct watched_key *wk = mem_malloc(sizeof *wk);
    wk->client = c;
    wk->db = db;
    wk->key = vstr_new(key, len);
    wk->expired = db_key_is_expired(db, key, len);
    int created;
    dict_entry *de = dict_add_or_find(db->watched_keys, key, len, &created);
    if (created)
        de->v.val = mem_calloc(sizeof(struct watch_list));
    list_push(de->v.val, wk);
    if (!c->watched)
        c->watched = mem_calloc(sizeof *c->watched);
    list_push(&c->watched->keys, wk);
}

/* The db index entry goes away with its last watcher. */
static void unindex_key(struct watched_key *wk)
{
    struct watch_list *l = watchers_of(wk->db, wk->key, vstr_len(wk->key));
    if (!l)
        return;
    list_remove(l, wk);
    if (l->len == 0) {
        mem_free(l->v);
        mem_free(l);
        dict_delete(wk->db->watched_keys, wk->key, vstr_len(wk->key));
    }
}

static void unwatch_all(struct client *c)
{
    if (!c->watched)
        return;
    struct watch_list *keys = &c->watched->keys;
    for (size_t i = 0; i < keys->len; i++) {
        unindex_key(keys->v[i]);
        vstr_free(keys->v[i]->key);
        mem_free(keys->v[i]);
    }
    mem_free(keys->v);
    mem_free(c->watched);
    c->watched = NULL;
}

/* A key modified (or deleted) in db: every watcher is dirty, except one
 * that watched the key while it was already expired and now sees it gone:
 * for that client nothing changed. */
static void on_key_modified(struct db *db, const char *key, size_t len)
{
    if (dict_size(db->watched_keys) == 0)
        return;
    struct watch_list *l = watchers_of(db, key, len);
    for (size_t i = 0; l && i < l->len; i++) {
        struct watched_key *wk = l->v[i];
        if (wk->expired && !dict_find(db->keys, key, len)) {
            wk->expired = 0;
            continue;
        }
        wk->client->flags |= CLIENT_DIRTY_CAS;
    }
}

/* Watchers of a key whose contents are being replaced: emptied said
 * whether the key was in the old contents, filled whether it is in the
 * new ones.  A key expired at WATCH time that stays absent is no change. */
static void touch_replaced(struct watch_list *l, int emptied, int filled)
{
    if (!emptied && !filled)
        return;
    for (size_t i = 0; i < l->len; i++) {
        struct watched_key *wk = l->v[i];
        if (wk->expired && !filled) {
            wk->expired = 0;
            continue;
        }
        wk->client->flags |= CLIENT_DIRTY_CAS;
    }
}

/* Called before the db is emptied, while its keys can still be seen. */
static void touch_flushed_db(struct db *db)
{
    dict_iter it;
    dict_iter_init(&it, db->watched_keys, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        int existed = dict_find(db->keys, de->key, vstr_len(de->key)) != NULL;
        touch_replaced(de->v.val, existed, 0);
    }
    dict_iter_release(&it);
}

static void on_db_flushed(int dbid)
{
    int first = dbid < 0 ? 0 : dbid, last = dbid < 0 ? cfg.databases - 1 : dbid;
    for (int i = first; i <= last; i++)
        touch_flushed_db(db_get(i));
}

/* Called after the swap: the watchers stay with the db number, so a key's
 * old contents are now in the other db and its new ones in its own. */
static void touch_swapped_db(struct db *db, struct db *other)
{
    dict_iter it;
    dict_iter_init(&it, db->watched_keys, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        size_t len = vstr_len(de->key);
        int was_there = dict_find(other->keys, de->key, len) != NULL;
        int is_there = dict_find(db->keys, de->key, len) != NULL;
        touch_replaced(de->v.val, was_there, is_there);
    }
    dict_iter_release(&it);
}

static void on_db_swapped(int id1, int id2)
{
    if (id1 == id2)
        return;
    touch_swapped_db(db_get(id1), db_get(id2));
    touch_swapped_db(db_get(id2), db_get(id1));
}

/* A watched key that expired after WATCH fails EXEC, deleted or not. */
static int watched_key_expired(struct client *c)
{
    if (!c->watched)
        return 0;
    struct watch_list *keys = &c->watched->keys;
    for (size_t i = 0; i < keys->len; i++) {
        struct watched_key *wk = keys->v[i];
        if (!wk->expired && db_key_is_expired(wk->db, wk->key, vstr_len(wk->key)))
            return 1;
    }
    return 0;
}

/* ---- lifecycle ---- */

void multi_reset_client(struct client *c)
{
    if (c->mstate) {
        free_queue(c->mstate);
        c->mstate = NULL;
    }
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
    unwatch_all(c);
}

void multi_abort_exec(struct client *c, const char *error)
{
    multi_reset_client(c);
    if (error[0] == '-')
        error++;
    reply_error_fmt(c, "-EXECABORT Transaction discarded because of: %s", error);
}

void multi_init(void)
{
    static const struct db_hooks hooks = {
        .key_modified = on_key_modified,
        .db_flushed = on_db_flushed,
        .db_swapped = on_db_swapped,
    };
    db_register_hooks(&hooks);
    networking_add_free_hook(multi_reset_client);
}

/* ---- commands ---- */

static void multi_command(struct client *c)
{
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "MULTI calls can not be nested");
        return;
    }
    c->flags |= CLIENT_MULTI;
    reply_ok(c);
}

static void discard_command(struct client *c)
{
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "DISCARD without MULTI");
        return;
    }
    multi_reset_client(c);
    reply_ok(c);
}

/* Runs the queue with the client's own argv swapped out; CLIENT_MULTI
 * stays set meanwhile so blocking commands know not to block. */
static void run_queue(struct client *c)
{
    struct multi_state *ms = c->mstate;
    int count = ms ? ms->count : 0;
    int argc = c->argc;
    struct resp_arg *argv = c->argv;
    struct command *cmd = c->cmd;
    reply_array_len(c, count);
    for (int i = 0; i < count; i++) {
        c->argc = ms->cmds[i].argc;
        c->argv = ms->cmds[i].argv;
        c->cmd = ms->cmds[i].cmd;
        commands_call(c);
    }
    c->argc = argc;
    c->argv = argv;
    c->cmd = cmd;
}

static void exec_command(struct client *c)
{
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "EXEC without MULTI");
        return;
    }
    if (watched_key_expired(c))
        c->flags |= CLIENT_DIRTY_CAS;
    if (c->flags & CLIENT_DIRTY_EXEC) {
        reply_error(c, "-EXECABORT Transaction discarded because of previous errors.");
        multi_reset_client(c);
        return;
    }
    if (c->flags & CLIENT_DIRTY_CAS) {
        reply_null_array(c);
        multi_reset_client(c);
        return;
    }
    /* The transaction's own writes must not dirty it. */
    unwatch_all(c);
    run_queue(c);
    multi_reset_client(c);
}

static void watch_command(struct client *c)
{
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "WATCH inside MULTI is not allowed");
        return;
    }
    /* Already doomed: watching more keys changes nothing. */
    if (!(c->flags & CLIENT_DIRTY_CAS))
        for (int i = 1; i < c->argc; i++)
            watch_key(c, client_arg(c, i), client_arg_len(c, i));
    reply_ok(c);
}

static void unwatch_command(struct client *c)
{
    unwatch_all(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    reply_ok(c);
}

struct command multi_commands[] = {
    {.name = "multi", .proc = multi_command, .arity = 1,
     .flags = "noscript loading stale fast allow_busy", .acl = "@transaction",
     .group = "transactions", .since = "1.2.0", .summary = "Mark the start of a transaction block",
     .complexity = "O(1)"},
    {.name = "exec", .proc = exec_command, .arity = 1,
     .flags = "noscript loading stale skip_slowlog", .acl = "@transaction",
     .group = "transactions", .since = "1.2.0", .summary = "Execute all commands issued after MULTI",
     .complexity = "Depends on commands in the transaction"},
    {.name = "discard", .proc = discard_command, .arity = 1,
     .flags = "noscript loading stale fast allow_busy", .acl = "@transaction",
     .group = "transactions", .since = "2.0.0",
     .summary = "Discard all commands issued after MULTI",
     .complexity = "O(N), when N is the number of queued commands"},
    {.name = "watch", .proc = watch_command, .arity = -2,
     .flags = "noscript loading stale fast allow_busy", .acl = "@transaction", .first_key = 1,
     .last_key = -1, .key_step = 1, .group = "transactions", .since = "2.2.0",
     .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
     .complexity = "O(1) for every key."},
    {.name = "unwatch", .proc = unwatch_command, .arity = 1,
     .flags = "noscript loading stale fast allow_busy", .acl = "@transaction",
     .group = "transactions", .since = "2.2.0", .summary = "Forget about all watched keys",
     .complexity = "O(1)"},
    {0},
};
