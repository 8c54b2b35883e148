/* keyspace — the generic key commands: deleting, testing, listing and
 * scanning keys, renaming, copying and moving them between databases,
 * OBJECT introspection, and the database-wide DBSIZE, FLUSHDB, FLUSHALL and
 * SWAPDB.  TTL commands live in ttl.c; SCAN's option parsing and reply in
 * scan.c, shared with the per-type SCANs.
 *
 * Every write signals WATCH, notifies the keyspace event Redis sends and
 * counts in server.dirty as Redis does (per deleted key for DEL, once for
 * RENAME/MOVE/COPY/SWAPDB, the number of removed keys for the flushes).
 */
#include "keyspace.h"

#include "client.h"
#include "db.h"
#include "glob.h"
#include "notify.h"
#include "numconv.h"
#include "propagate.h"
#include "reply.h"
#include "scan.h"
#include "server.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#define KEY(c, i) client_arg(c, i), client_arg_len(c, i)

/* ---- argument helpers ---- */

/* An int argument as Redis's getIntFromObjectOrReply reads it: msg (or the
 * generic texts when NULL) replaces the error for a bad value. */
static int parse_int_arg(struct client *c, int index, const char *msg, int *out)
{
    long long v;
    if (numconv_to_ll(KEY(c, index), &v) < 0) {
        reply_error(c, msg ? msg : "value is not an integer or out of range");
        return -1;
    }
    if (v < INT_MIN || v > INT_MAX) {
        if (msg)
            reply_error(c, msg);
        else
            reply_error_fmt(c, "value is out of range, value must between %d and %d", INT_MIN,
                            INT_MAX);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* A database number that SELECT would accept, else -1 with the reply. */
static struct db *parse_db_arg(struct client *c, int index)
{
    int id;
    if (parse_int_arg(c, index, NULL, &id) < 0)
        return NULL;
    if (id < 0 || id >= cfg.databases) {
        reply_error(c, "DB index is out of range");
        return NULL;
    }
    return db_get(id);
}

/* ---- DEL, UNLINK, EXISTS, TYPE, TOUCH ---- */

static void delete_keys(struct client *c, int lazy)
{
    long long deleted = 0;
    for (int i = 1; i < c->argc; i++) {
        /* An expired key counts as absent: remove it as expired first. */
        db_expire_if_needed(c->db, KEY(c, i));
        int removed = lazy ? db_delete_async(c->db, KEY(c, i)) : db_delete(c->db, KEY(c, i));
        if (!removed)
            continue;
        db_signal_modified_key(c, c->db, KEY(c, i));
        notify_keyspace_event(NOTIFY_GENERIC, "del", KEY(c, i), c->db->id);
        server.dirty++;
        deleted++;
    }
    reply_ll(c, deleted);
}

static void del_command(struct client *c)
{
    delete_keys(c, cfg.lazyfree_lazy_user_del);
}

static void unlink_command(struct client *c)
{
    delete_keys(c, 1);
}

static void exists_command(struct client *c)
{
    long long count = 0;
    for (int i = 1; i < c->argc; i++)
        if (db_lookup(c->db, KEY(c, i), LOOKUP_NOTOUCH))
            count++;
    reply_ll(c, count);
}

static void type_command(struct client *c)
{
    vobj *o = db_lookup(c->db, KEY(c, 1), LOOKUP_NOTOUCH);
    reply_status(c, o ? obj_type_name(o) : "none");
}

static void touch_command(struct client *c)
{
    long long touched = 0;
    for (int i = 1; i < c->argc; i++)
        if (db_lookup_read(c->db, KEY(c, i)))
            touched++;
    reply_ll(c, touched);
}

/* ---- KEYS, SCAN, RANDOMKEY, DBSIZE ---- */

/* Expired keys are skipped but not deleted: deleting would disturb the
 * iteration, and the expire cycle will get to them. */
static void keys_command(struct client *c)
{
    const char *pattern = client_arg(c, 1);
    size_t plen = client_arg_len(c, 1);
    int all = plen == 1 && pattern[0] == '*';
    void *len_slot = reply_deferred_len(c);
    long count = 0;
    dict_iter it;
    dict_iter_init(&it, c->db->keys, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        vstr key = de->key;
        if (!all && !glob_match(pattern, plen, key, vstr_len(key), 0))
            continue;
        if (db_key_is_expired(c->db, key, vstr_len(key)))
            continue;
        reply_bulk(c, key, vstr_len(key));
        count++;
    }
    dict_iter_release(&it);
    reply_set_deferred_array_len(c, len_slot, count);
}

struct key_scan {
    struct db *db;
    const struct scan_options *opts;
    struct scan_batch *keys;
    struct scan_batch *expired; /* deleted once the dict walk is over */
};

static void collect_key(void *ctx, const dict_entry *de)
{
    struct key_scan *ks = ctx;
    size_t len = vstr_len(de->key);
    if (!scan_match(ks->opts, de->key, len))
        return;
    if (db_key_is_expired(ks->db, de->key, len)) {
        scan_batch_add(ks->expired, de->key, len);
        return;
    }
    if (ks->opts->type && strcasecmp(ks->opts->type, obj_type_name(de->v.val)) != 0)
        return;
    scan_batch_add(ks->keys, de->key, len);
}

static void scan_command(struct client *c)
{
    unsigned long cursor;
    struct scan_options opts;
    if (scan_parse_cursor(c, 1, &cursor) < 0 ||
        scan_parse_options(c, 2, SCAN_OPT_ALLOW_TYPE, &opts) < 0)
        return;
    struct scan_batch keys, expired;
    scan_batch_init(&keys);
    scan_batch_init(&expired);
    struct key_scan ks = {.db = c->db, .opts = &opts, .keys = &keys, .expired = &expired};
    cursor = scan_dict(c->db->keys, cursor, opts.count, collect_key, &ks);
    for (size_t i = 0; i < expired.count; i++) {
        size_t len;
        const char *key = scan_batch_get(&expired, i, &len);
        db_expire_if_needed(c->db, key, len);
    }
    scan_reply(c, cursor, &keys);
    scan_batch_free(&keys);
    scan_batch_free(&expired);
}

static void randomkey_command(struct client *c)
{
    vstr key = db_random_key(c->db);
    if (!key) {
        reply_null(c);
        return;
    }
    reply_bulk(c, key, vstr_len(key));
    vstr_free(key);
}

static void dbsize_command(struct client *c)
{
    reply_ll(c, (long long)db_size(c->db));
}

/* ---- RENAME, RENAMENX, MOVE, COPY ---- */

/* Moves the value object itself (not a copy) under a new name or into
 * another db, with its TTL; the source name is removed. */
static void relink_key(struct client *c, struct db *src, struct db *dst, const char *from,
                       size_t from_len, const char *to, size_t to_len, vobj *o)
{
    long long expire = db_get_expire(src, from, from_len);
    obj_incr_ref(o);
    db_add(dst, to, to_len, o);
    if (expire != -1)
        db_set_expire(c, dst, to, to_len, expire);
    db_delete(src, from, from_len);
}

static void rename_generic(struct client *c, int nx)
{
    int same = client_arg_len(c, 1) == client_arg_len(c, 2) &&
               memcmp(client_arg(c, 1), client_arg(c, 2), client_arg_len(c, 1)) == 0;
    vobj *o = db_lookup_write(c->db, KEY(c, 1));
    if (!o) {
        reply_error_no_such_key(c);
        return;
    }
    if (same) {
        if (nx)
            reply_ll(c, 0);
        else
            reply_ok(c);
        return;
    }
    if (db_lookup_write(c->db, KEY(c, 2))) {
        if (nx) {
            reply_ll(c, 0);
            return;
        }
        db_delete(c->db, KEY(c, 2));
    }
    relink_key(c, c->db, c->db, KEY(c, 1), KEY(c, 2), o);
    db_signal_modified_key(c, c->db, KEY(c, 1));
    db_signal_modified_key(c, c->db, KEY(c, 2));
    notify_keyspace_event(NOTIFY_GENERIC, "rename_from", KEY(c, 1), c->db->id);
    notify_keyspace_event(NOTIFY_GENERIC, "rename_to", KEY(c, 2), c->db->id);
    server.dirty++;
    if (nx)
        reply_ll(c, 1);
    else
        reply_ok(c);
}

static void rename_command(struct client *c)
{
    rename_generic(c, 0);
}

static void renamenx_command(struct client *c)
{
    rename_generic(c, 1);
}

static void move_command(struct client *c)
{
    struct db *src = c->db, *dst = parse_db_arg(c, 2);
    if (!dst)
        return;
    if (src == dst) {
        reply_error(c, "source and destination objects are the same");
        return;
    }
    vobj *o = db_lookup_write(src, KEY(c, 1));
    if (!o || db_lookup_write(dst, KEY(c, 1))) {
        reply_ll(c, 0);
        return;
    }
    relink_key(c, src, dst, KEY(c, 1), KEY(c, 1), o);
    db_signal_modified_key(c, src, KEY(c, 1));
    db_signal_modified_key(c, dst, KEY(c, 1));
    notify_keyspace_event(NOTIFY_GENERIC, "move_from", KEY(c, 1), src->id);
    notify_keyspace_event(NOTIFY_GENERIC, "move_to", KEY(c, 1), dst->id);
    server.dirty++;
    reply_ll(c, 1);
}

/* COPY source destination [DB n] [REPLACE]: the options may repeat. */
static int parse_copy_options(struct client *c, struct db **dst, int *replace)
{
    for (int i = 3; i < c->argc; i++) {
        if (client_arg_is(c, i, "replace")) {
            *replace = 1;
        } else if (client_arg_is(c, i, "db") && i + 1 < c->argc) {
            int id;
            if (parse_int_arg(c, ++i, NULL, &id) < 0)
                return -1;
            if (id < 0 || id >= cfg.databases) {
                reply_error(c, "DB index is out of range");
                return -1;
            }
            *dst = db_get(id);
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    return 0;
}

static void copy_command(struct client *c)
{
    struct db *src = c->db, *dst = c->db;
    int replace = 0;
    if (parse_copy_options(c, &dst, &replace) < 0)
        return;
    if (src == dst && client_arg_len(c, 1) == client_arg_len(c, 2) &&
        memcmp(client_arg(c, 1), client_arg(c, 2), client_arg_len(c, 1)) == 0) {
        reply_error(c, "source and destination objects are the same");
        return;
    }
    vobj *o = db_lookup_read(src, KEY(c, 1));
    if (!o) {
        reply_ll(c, 0);
        return;
    }
    long long expire = db_get_expire(src, KEY(c, 1));
    if (db_lookup_write(dst, KEY(c, 2))) {
        if (!replace) {
            reply_ll(c, 0);
            return;
        }
        db_delete(dst, KEY(c, 2));
    }
    db_add(dst, KEY(c, 2), obj_dup(o));
    if (expire != -1)
        db_set_expire(c, dst, KEY(c, 2), expire);
    db_signal_modified_key(c, dst, KEY(c, 2));
    notify_keyspace_event(NOTIFY_GENERIC, "copy_to", KEY(c, 2), dst->id);
    server.dirty++;
    reply_ll(c, 1);
}

/* ---- OBJECT ---- */

static vobj *object_lookup_or_reply(struct client *c)
{
    vobj *o = db_lookup(c->db, KEY(c, 2), LOOKUP_NOTOUCH | LOOKUP_NONOTIFY);
    if (!o)
        reply_null(c);
    return o;
}

static void object_encoding_command(struct client *c)
{
    vobj *o = object_lookup_or_reply(c);
    if (o)
        reply_bulk_cstr(c, obj_encoding_name(o->encoding));
}

static void object_refcount_command(struct client *c)
{
    vobj *o = object_lookup_or_reply(c);
    if (o)
        reply_ll(c, o->refcount);
}

static void object_idletime_command(struct client *c)
{
    vobj *o = object_lookup_or_reply(c);
    if (!o)
        return;
    if (db_policy_is_lfu()) {
        reply_error(c, "An LFU maxmemory policy is selected, idle time not tracked. Please note "
                       "that when switching between policies at runtime LRU and LFU data will "
                       "take some time to adjust.");
        return;
    }
    reply_ll(c, (long long)(db_object_idle_ms(o) / 1000));
}

static void object_freq_command(struct client *c)
{
    vobj *o = object_lookup_or_reply(c);
    if (!o)
        return;
    if (!db_policy_is_lfu()) {
        reply_error(c, "An LFU maxmemory policy is not selected, access frequency not tracked. "
                       "Please note that when switching between policies at runtime LRU and LFU "
                       "data will take some time to adjust.");
        return;
    }
    reply_ll(c, db_object_lfu_counter(o));
}

static void object_help_command(struct client *c)
{
    static const char *const lines[] = {
        "ENCODING <key>",
        "    Return the internal encoding of the value stored at <key>.",
        "FREQ <key>",
        "    Return the logarithmic access frequency counter of <key> (LFU policies only).",
        "IDLETIME <key>",
        "    Return the seconds since <key> was last accessed (LRU policies only).",
        "REFCOUNT <key>",
        "    Return the reference count of the value stored at <key>.",
        NULL,
    };
    reply_help(c, lines);
}

/* ---- FLUSHDB, FLUSHALL, SWAPDB ---- */

/* [ASYNC|SYNC]; without either, lazyfree-lazy-user-flush decides. */
static int parse_flush_mode(struct client *c, int *async)
{
    *async = cfg.lazyfree_lazy_user_flush;
    if (c->argc == 1)
        return 0;
    if (c->argc == 2 && client_arg_is(c, 1, "sync")) {
        *async = 0;
        return 0;
    }
    if (c->argc == 2 && client_arg_is(c, 1, "async")) {
        *async = 1;
        return 0;
    }
    reply_error_syntax(c);
    return -1;
}

static void flushdb_command(struct client *c)
{
    int async;
    if (parse_flush_mode(c, &async) < 0)
        return;
    server.dirty += db_empty(c->db->id, async);
    propagate_force(c);
    reply_ok(c);
}

static void flushall_command(struct client *c)
{
    int async;
    if (parse_flush_mode(c, &async) < 0)
        return;
    server.dirty += db_empty(-1, async);
    propagate_force(c);
    reply_ok(c);
}

static void swapdb_command(struct client *c)
{
    int id1, id2;
    if (parse_int_arg(c, 1, "invalid first DB index", &id1) < 0 ||
        parse_int_arg(c, 2, "invalid second DB index", &id2) < 0)
        return;
    if (id1 < 0 || id1 >= cfg.databases || id2 < 0 || id2 >= cfg.databases) {
        reply_error(c, "DB index is out of range");
        return;
    }
    if (id1 != id2)
        db_swap(id1, id2);
    server.dirty++;
    reply_ok(c);
}

/* ---- the table ---- */

static struct command object_subcommands[] = {
    {.name = "encoding", .proc = object_encoding_command, .arity = 3, .flags = "readonly",
     .acl = "@keyspace", .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
     .since = "2.2.3", .summary = "Inspect the internal encoding of a Redis object",
     .complexity = "O(1)"},
    {.name = "freq", .proc = object_freq_command, .arity = 3, .flags = "readonly",
     .acl = "@keyspace", .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
     .since = "4.0.0", .summary = "Get the logarithmic access frequency counter of a Redis object",
     .complexity = "O(1)"},
    {.name = "help", .proc = object_help_command, .arity = 2, .flags = "loading stale",
     .acl = "@keyspace", .group = "generic", .since = "6.2.0",
     .summary = "Show helpful text about the different subcommands", .complexity = "O(1)"},
    {.name = "idletime", .proc = object_idletime_command, .arity = 3, .flags = "readonly",
     .acl = "@keyspace", .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
     .since = "2.2.3", .summary = "Get the time since a Redis object was last accessed",
     .complexity = "O(1)"},
    {.name = "refcount", .proc = object_refcount_command, .arity = 3, .flags = "readonly",
     .acl = "@keyspace", .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
     .since = "2.2.3", .summary = "Get the number of references to the value of the key",
     .complexity = "O(1)"},
    {0},
};

struct command keyspace_commands[] = {
    {.name = "del", .proc = del_command, .arity = -2, .flags = "write", .acl = "@keyspace",
     .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic", .since = "1.0.0",
     .summary = "Delete a key",
     .complexity = "O(N) where N is the number of keys that will be removed. When a key to "
                   "remove holds a value other than a string, the individual complexity for this "
                   "key is O(M) where M is the number of elements in the list, set, sorted set "
                   "or hash. Removing a single key that holds a string value is O(1)."},
    {.name = "unlink", .proc = unlink_command, .arity = -2, .flags = "write fast",
     .acl = "@keyspace", .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic",
     .since = "4.0.0",
     .summary = "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but "
                "non blocking.",
     .complexity = "O(1) for each key removed regardless of its size. Then the command does O(N) "
                   "work in a different thread in order to reclaim memory, where N is the number "
                   "of allocations the deleted objects where composed of."},
    {.name = "exists", .proc = exists_command, .arity = -2, .flags = "readonly fast",
     .acl = "@keyspace", .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic",
     .since = "1.0.0", .summary = "Determine if a key exists",
     .complexity = "O(N) where N is the number of keys to check."},
    {.name = "type", .proc = type_command, .arity = 2, .flags = "readonly fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic",
     .since = "1.0.0", .summary = "Determine the type stored at key", .complexity = "O(1)"},
    {.name = "touch", .proc = touch_command, .arity = -2, .flags = "readonly fast",
     .acl = "@keyspace", .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic",
     .since = "3.2.1",
     .summary = "Alters the last access time of a key(s). Returns the number of existing keys "
                "specified.",
     .complexity = "O(N) where N is the number of keys that will be touched."},
    {.name = "keys", .proc = keys_command, .arity = 2, .flags = "readonly",
     .acl = "@keyspace @dangerous", .group = "generic", .since = "1.0.0",
     .summary = "Find all keys matching the given pattern",
     .complexity = "O(N) with N being the number of keys in the database, under the assumption "
                   "that the key names in the database and the given pattern have limited "
                   "length."},
    {.name = "scan", .proc = scan_command, .arity = -2, .flags = "readonly", .acl = "@keyspace",
     .group = "generic", .since = "2.8.0", .summary = "Incrementally iterate the keys space",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command "
                   "calls for the cursor to return back to 0. N is the number of elements inside "
                   "the collection."},
    {.name = "randomkey", .proc = randomkey_command, .arity = 1, .flags = "readonly",
     .acl = "@keyspace", .group = "generic", .since = "1.0.0",
     .summary = "Return a random key from the keyspace", .complexity = "O(1)"},
    {.name = "dbsize", .proc = dbsize_command, .arity = 1, .flags = "readonly fast",
     .acl = "@keyspace", .group = "server", .since = "1.0.0",
     .summary = "Return the number of keys in the selected database", .complexity = "O(1)"},
    {.name = "rename", .proc = rename_command, .arity = 3, .flags = "write", .acl = "@keyspace",
     .first_key = 1, .last_key = 2, .key_step = 1, .group = "generic", .since = "1.0.0",
     .summary = "Rename a key", .complexity = "O(1)"},
    {.name = "renamenx", .proc = renamenx_command, .arity = 3, .flags = "write fast",
     .acl = "@keyspace", .first_key = 1, .last_key = 2, .key_step = 1, .group = "generic",
     .since = "1.0.0", .summary = "Rename a key, only if the new key does not exist",
     .complexity = "O(1)"},
    {.name = "move", .proc = move_command, .arity = 3, .flags = "write fast", .acl = "@keyspace",
     .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "1.0.0",
     .summary = "Move a key to another database", .complexity = "O(1)"},
    {.name = "copy", .proc = copy_command, .arity = -3, .flags = "write denyoom",
     .acl = "@keyspace", .first_key = 1, .last_key = 2, .key_step = 1, .group = "generic",
     .since = "6.2.0", .summary = "Copy a key",
     .complexity = "O(N) worst case for collections, where N is the number of nested items. O(1) "
                   "for string values."},
    {.name = "object", .arity = -2, .flags = "", .subcommands = object_subcommands,
     .group = "generic", .since = "2.2.3",
     .summary = "A container for object introspection commands",
     .complexity = "Depends on subcommand."},
    {.name = "flushdb", .proc = flushdb_command, .arity = -1, .flags = "write",
     .acl = "@keyspace @dangerous", .group = "server", .since = "1.0.0",
     .summary = "Remove all keys from the current database",
     .complexity = "O(N) where N is the number of keys in the selected database"},
    {.name = "flushall", .proc = flushall_command, .arity = -1, .flags = "write",
     .acl = "@keyspace @dangerous", .group = "server", .since = "1.0.0",
     .summary = "Remove all keys from all databases",
     .complexity = "O(N) where N is the total number of keys in all databases"},
    {.name = "swapdb", .proc = swapdb_command, .arity = 3, .flags = "write fast",
     .acl = "@keyspace @dangerous", .group = "server", .since = "4.0.0",
     .summary = "Swaps two Redis databases",
     .complexity = "O(N) where N is the count of clients watching or blocking on keys from both "
                   "databases."},
    {0},
};
