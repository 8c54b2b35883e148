/* db — keyspace access, expiry and key-level signalling; see db.h. */
#include "db.h"

#include "client.h"
#include "mem.h"
#include "notify.h"
#include "reply.h"
#include "server.h"

#include <string.h>

#define MAX_DB_HOOKS 8

/* keys owns the key strings; expires shares them and holds no value. */
static const struct dict_type keys_dict_type = {.key_free = vstr_free,
                                                .val_free = obj_free_value};
static const struct dict_type expires_dict_type = {0};
static const struct dict_type plain_dict_type = {.key_free = vstr_free};

static struct db_hooks hooks[MAX_DB_HOOKS];
static int hook_count;

void db_register_hooks(const struct db_hooks *h)
{
    if (hook_count < MAX_DB_HOOKS)
        hooks[hook_count++] = *h;
}

void db_init_all(void)
{
    server.dbs = mem_calloc(sizeof(struct db) * (size_t)cfg.databases);
    for (int i = 0; i < cfg.databases; i++) {
        struct db *db = &server.dbs[i];
        db->id = i;
        db->keys = dict_new(&keys_dict_type);
        db->expires = dict_new(&expires_dict_type);
        db->blocking_keys = dict_new(&plain_dict_type);
        db->ready_keys = dict_new(&plain_dict_type);
        db->watched_keys = dict_new(&plain_dict_type);
    }
}

struct db *db_get(int id)
{
    return &server.dbs[id];
}

size_t db_size(struct db *db)
{
    return dict_size(db->keys);
}

long long db_total_keys(void)
{
    long long total = 0;
    for (int i = 0; i < cfg.databases; i++)
        total += (long long)dict_size(server.dbs[i].keys);
    return total;
}

void db_signal_modified_key(struct client *c, struct db *db, const char *key, size_t len)
{
    (void)c;
    for (int i = 0; i < hook_count; i++)
        if (hooks[i].key_modified)
            hooks[i].key_modified(db, key, len);
}

void db_signal_flushed(int dbid)
{
    for (int i = 0; i < hook_count; i++)
        if (hooks[i].db_flushed)
            hooks[i].db_flushed(dbid);
}

/* ---- expiry ---- */

long long db_get_expire(struct db *db, const char *key, size_t len)
{
    if (dict_size(db->expires) == 0)
        return -1;
    dict_entry *de = dict_find(db->expires, key, len);
    return de ? de->v.s64 : -1;
}

int db_key_is_expired(struct db *db, const char *key, size_t len)
{
    long long when = db_get_expire(db, key, len);
    if (when < 0 || server.loading)
        return 0;
    return server.mstime > when;
}

void db_delete_expired(struct db *db, const char *key, size_t len)
{
    db_delete(db, key, len);
    notify_keyspace_event(NOTIFY_EXPIRED, "expired", key, len, db->id);
    db_signal_modified_key(NULL, db, key, len);
    server.stat.expiredkeys++;
    server.dirty++;
}

int db_expire_if_needed(struct db *db, const char *key, size_t len)
{
    if (!db_key_is_expired(db, key, len))
        return 0;
    /* A replica waits for the primary's DEL but already hides the key. */
    if (server_is_replica())
        return 1;
    db_delete_expired(db, key, len);
    return 1;
}

void db_set_expire(struct client *c, struct db *db, const char *key, size_t len, long long when)
{
    (void)c;
    dict_entry *kde = dict_find(db->keys, key, len);
    if (!kde)
        return;
    dict_entry *ede = dict_find(db->expires, key, len);
    if (!ede)
        ede = dict_add(db->expires, kde->key, NULL);
    ede->v.s64 = when;
}

int db_remove_expire(struct db *db, const char *key, size_t len)
{
    return dict_delete(db->expires, key, len) == 0;
}

/* ---- lookups ---- */

vobj *db_lookup(struct db *db, const char *key, size_t len, int flags)
{
    dict_entry *de = dict_find(db->keys, key, len);
    if (de && db_key_is_expired(db, key, len)) {
        if (!server_is_replica() || (flags & LOOKUP_WRITE)) {
            if (!(flags & LOOKUP_NOEXPIRE))
                db_delete_expired(db, key, len);
        }
        de = NULL;
    }
    if (!de) {
        if (!(flags & (LOOKUP_NONOTIFY | LOOKUP_WRITE)))
            notify_keyspace_event(NOTIFY_KEY_MISS, "keymiss", key, len, db->id);
        if (!(flags & (LOOKUP_NOSTATS | LOOKUP_WRITE)))
            server.stat.keyspace_misses++;
        return NULL;
    }
    vobj *val = de->v.val;
    if (!(flags & (LOOKUP_NOSTATS | LOOKUP_WRITE)))
        server.stat.keyspace_hits++;
    if (!(flags & LOOKUP_NOTOUCH) &&
        !(server.current_client && (server.current_client->flags & CLIENT_NO_TOUCH)))
        val->lru = server.lruclock;
    return val;
}

static vobj *check_type(struct client *c, vobj *o, int type)
{
    if (o && type >= 0 && o->type != (unsigned)type) {
        reply_error_wrongtype(c);
        return NULL;
    }
    return o;
}

vobj *db_lookup_read_or_reply(struct client *c, const char *key, size_t len, int type)
{
    vobj *o = db_lookup_read(c->db, key, len);
    if (!o) {
        reply_null(c);
        return NULL;
    }
    return check_type(c, o, type);
}

vobj *db_lookup_write_or_reply(struct client *c, const char *key, size_t len, int type)
{
    vobj *o = db_lookup_write(c->db, key, len);
    if (!o) {
        reply_null(c);
        return NULL;
    }
    return check_type(c, o, type);
}

/* ---- writes ---- */

void db_add(struct db *db, const char *key, size_t len, vobj *val)
{
    dict_add(db->keys, vstr_new(key, len), val);
    notify_keyspace_event(NOTIFY_NEW, "new", key, len, db->id);
}

void db_overwrite(struct db *db, const char *key, size_t len, vobj *val)
{
    dict_entry *de = dict_find(db->keys, key, len);
    if (de)
        dict_set_val(db->keys, de, val);
}

void db_set_key(struct client *c, struct db *db, const char *key, size_t len, vobj *val,
                int flags)
{
    int exists;
    if (flags & SETKEY_ALREADY_EXIST)
        exists = 1;
    else if (flags & SETKEY_DOESNT_EXIST)
        exists = 0;
    else
        exists = db_lookup(db, key, len, LOOKUP_WRITE | LOOKUP_NOTOUCH) != NULL;
    if (exists)
        db_overwrite(db, key, len, val);
    else
        db_add(db, key, len, val);
    if (exists && !(flags & SETKEY_KEEPTTL))
        db_remove_expire(db, key, len);
    if (!(flags & SETKEY_NO_SIGNAL))
        db_signal_modified_key(c, db, key, len);
}

int db_delete(struct db *db, const char *key, size_t len)
{
    dict_entry *de = dict_unlink(db->keys, key, len);
    if (!de)
        return 0;
    if (dict_size(db->expires))
        dict_delete(db->expires, key, len);
    dict_free_entry(db->keys, de);
    return 1;
}

int db_delete_async(struct db *db, const char *key, size_t len)
{
    return db_delete(db, key, len);
}

int db_exists(struct db *db, const char *key, size_t len)
{
    return db_lookup(db, key, len, LOOKUP_NOTOUCH | LOOKUP_NOSTATS | LOOKUP_NONOTIFY) != NULL;
}

long long db_empty(int dbid, int async)
{
    (void)async;
    long long removed = 0;
    int first = dbid < 0 ? 0 : dbid, last = dbid < 0 ? cfg.databases - 1 : dbid;
    /* Before emptying: WATCH looks at which watched keys were there. */
    db_signal_flushed(dbid);
    for (int i = first; i <= last; i++) {
        struct db *db = &server.dbs[i];
        removed += (long long)dict_size(db->keys);
        dict_clear(db->expires, NULL);
        dict_clear(db->keys, NULL);
        db->avg_ttl = 0;
        db->expires_cursor = 0;
    }
    return removed;
}

/* Swaps the data, not the blocking/watch bookkeeping, which belongs to
 * the db number that clients selected. */
int db_swap(int id1, int id2)
{
    if (id1 < 0 || id1 >= cfg.databases || id2 < 0 || id2 >= cfg.databases)
        return -1;
    struct db *a = &server.dbs[id1], *b = &server.dbs[id2];
    dict *keys = a->keys, *expires = a->expires;
    long long avg_ttl = a->avg_ttl;
    unsigned long cursor = a->expires_cursor;
    a->keys = b->keys;
    a->expires = b->expires;
    a->avg_ttl = b->avg_ttl;
    a->expires_cursor = b->expires_cursor;
    b->keys = keys;
    b->expires = expires;
    b->avg_ttl = avg_ttl;
    b->expires_cursor = cursor;
    for (int i = 0; i < hook_count; i++)
        if (hooks[i].db_swapped)
            hooks[i].db_swapped(id1, id2);
    return 0;
}

vstr db_random_key(struct db *db)
{
    size_t tries = 0, with_ttl = dict_size(db->expires);
    for (;;) {
        dict_entry *de = dict_random(db->keys);
        if (!de)
            return NULL;
        vstr key = vstr_dup(de->key);
        if (!dict_find(db->expires, key, vstr_len(key)))
            return key;
        /* When every key has a TTL and all are expired on a replica, stop
         * after a while instead of looping for ever. */
        if (with_ttl == dict_size(db->keys) && ++tries >= 100 && server_is_replica())
            return key;
        if (db_expire_if_needed(db, key, vstr_len(key))) {
            vstr_free(key);
            continue;
        }
        return key;
    }
}
