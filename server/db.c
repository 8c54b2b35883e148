/* db — keyspace access, expiry and key-level signalling; see db.h. */
#include "db.h"

#include "bio.h"
#include "client.h"
#include "mem.h"
#include "notify.h"
#include "propagate.h"
#include "reply.h"
#include "server.h"

#include <stdlib.h>
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
    /* On a replica the primary decides: its stream still sees the key
     * until the DEL it sends for it. */
    if (server_is_replica() && server.current_client &&
        (server.current_client->flags & CLIENT_MASTER))
        return 0;
    return server.mstime > when;
}

/* Replicas and the AOF learn of the expiry as a deletion: they never
 * expire keys themselves. */
static void propagate_expired(struct db *db, const char *key, size_t len)
{
    const char *cmd = propagate_expire_del_name();
    struct resp_arg argv[2] = {{(char *)cmd, strlen(cmd)}, {(char *)key, len}};
    propagate_also(db->id, 2, argv);
}

void db_delete_expired(struct db *db, const char *key, size_t len)
{
    propagate_expired(db, key, len);
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

/* ---- access tracking (LRU clock or LFU counter, per maxmemory-policy) ---- */

/* Under an LFU policy the 24 bits of vobj.lru hold the minute of the last
 * decrement (high 16 bits) and a logarithmic access counter (low 8 bits). */
#define LFU_INIT_VAL 5
#define LFU_COUNTER_MAX 255
#define LRU_CLOCK_MAX ((1u << OBJ_LRU_BITS) - 1)
#define LRU_CLOCK_RESOLUTION_MS 1000

int db_policy_is_lfu(void)
{
    return cfg.maxmemory_policy == MAXMEMORY_VOLATILE_LFU ||
           cfg.maxmemory_policy == MAXMEMORY_ALLKEYS_LFU;
}

static unsigned lfu_minutes(void)
{
    return (unsigned)((server.unixtime / 60) & 65535);
}

unsigned db_object_lfu_counter(const vobj *o)
{
    unsigned last = o->lru >> 8, counter = o->lru & 255, now = lfu_minutes();
    unsigned elapsed = now >= last ? now - last : 65535 - last + now;
    unsigned periods = cfg.lfu_decay_time > 0 ? elapsed / (unsigned)cfg.lfu_decay_time : 0;
    return periods > counter ? 0 : counter - periods;
}

/* The counter grows with probability 1/((counter-5)*lfu_log_factor+1), so
 * 255 stands for about a million hits with the default factor. */
static unsigned lfu_log_incr(unsigned counter)
{
    if (counter == LFU_COUNTER_MAX)
        return counter;
    double r = (double)rand() / RAND_MAX;
    double base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
    double p = 1.0 / (base * cfg.lfu_log_factor + 1);
    return r < p ? counter + 1 : counter;
}

void db_touch_object(vobj *o)
{
    if (db_policy_is_lfu()) {
        unsigned counter = lfu_log_incr(db_object_lfu_counter(o));
        o->lru = (lfu_minutes() << 8) | counter;
    } else {
        o->lru = server.lruclock;
    }
}

unsigned long long db_object_idle_ms(const vobj *o)
{
    unsigned now = server.lruclock;
    unsigned long long ticks = now >= o->lru ? now - o->lru : now + (LRU_CLOCK_MAX - o->lru);
    return ticks * LRU_CLOCK_RESOLUTION_MS;
}

/* ---- lookups ---- */

vobj *db_lookup(struct db *db, const char *key, size_t len, int flags)
{
    dict_entry *de = dict_find(db->keys, key, len);
    if (de && db_key_is_expired(db, key, len)) {
        if (!server_is_replica() || ((flags & LOOKUP_WRITE) && !cfg.replica_read_only)) {
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
        db_touch_object(val);
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

int db_add_loaded(struct db *db, vstr key, vobj *val, long long expire)
{
    dict_entry *de = dict_add(db->keys, key, val);
    if (!de)
        return -1;
    if (expire != -1)
        dict_add(db->expires, de->key, NULL)->v.s64 = expire;
    return 0;
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
    /* One hash lookup on the hot path: find, then overwrite in place. */
    dict_entry *de = (flags & SETKEY_DOESNT_EXIST) ? NULL : dict_find(db->keys, key, len);
    if (de && !(flags & SETKEY_ALREADY_EXIST) && db_key_is_expired(db, key, len)) {
        db_delete_expired(db, key, len);
        de = NULL;
    }
    if (de) {
        dict_set_val(db->keys, de, val);
        if (!(flags & SETKEY_KEEPTTL))
            db_remove_expire(db, key, len);
    } else {
        db_add(db, key, len, val);
    }
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

/* Values with more elements than this are freed by the bio thread: the
 * cost of freeing grows with the element count, not the byte size. */
#define LAZYFREE_THRESHOLD 64

/* Objects handed to the bio thread and not freed yet, and freed so far
 * (INFO memory's lazyfree_pending_objects / lazyfreed_objects). */
static _Atomic size_t lazyfree_pending, lazyfreed;

size_t db_lazyfree_pending(void)
{
    return lazyfree_pending;
}

size_t db_lazyfreed(void)
{
    return lazyfreed;
}

static void free_value_job(void *val, void *unused)
{
    (void)unused;
    obj_decr_ref(val);
    lazyfree_pending--;
    lazyfreed++;
}

static size_t free_effort(const vobj *o)
{
    const struct obj_type_ops *ops = obj_type_ops(o->type);
    return (o->type != OBJ_STRING && ops && ops->length) ? ops->length(o) : 1;
}

int db_delete_async(struct db *db, const char *key, size_t len)
{
    dict_entry *de = dict_find(db->keys, key, len);
    if (!de)
        return 0;
    vobj *val = de->v.val;
    /* Only a value nobody else references can move to another thread. */
    if (val->refcount == 1 && free_effort(val) > LAZYFREE_THRESHOLD) {
        de->v.val = NULL;
        lazyfree_pending++;
        bio_submit(free_value_job, val, NULL);
    }
    return db_delete(db, key, len);
}

static void free_dicts_job(void *keys, void *expires)
{
    size_t count = dict_size(keys);
    dict_free(expires);
    dict_free(keys);
    lazyfree_pending -= count;
    lazyfreed += count;
}

long long db_empty(int dbid, int async)
{
    long long removed = 0;
    int first = dbid < 0 ? 0 : dbid, last = dbid < 0 ? cfg.databases - 1 : dbid;
    /* Before emptying: WATCH looks at which watched keys were there. */
    db_signal_flushed(dbid);
    for (int i = first; i <= last; i++) {
        struct db *db = &server.dbs[i];
        removed += (long long)dict_size(db->keys);
        if (async && dict_size(db->keys) > LAZYFREE_THRESHOLD) {
            /* Hand the whole tables to the bio thread and start afresh. */
            lazyfree_pending += dict_size(db->keys);
            bio_submit(free_dicts_job, db->keys, db->expires);
            db->keys = dict_new(&keys_dict_type);
            db->expires = dict_new(&expires_dict_type);
        } else {
            dict_clear(db->expires, NULL);
            dict_clear(db->keys, NULL);
        }
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
