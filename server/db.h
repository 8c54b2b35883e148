/* db — the keyspace: numbered databases of key -> value with expiry.
 *
 * All reads and writes of keys go through here, so expiry, keyspace
 * statistics, WATCH invalidation and keyspace notifications happen in one
 * place.  A key past its TTL is deleted when touched (lazy expiry) and by
 * the active expire cycle (expire.c); it is never returned.
 */
#ifndef VIGIL_DB_H
#define VIGIL_DB_H

#include "dict.h"
#include "object.h"

struct client;

struct db {
    dict *keys;    /* vstr -> vobj */
    dict *expires; /* the same key vstr -> unix ms (v.s64) */
    dict *blocking_keys;
    dict *ready_keys;
    dict *watched_keys;
    int id;
    long long avg_ttl;
    unsigned long expires_cursor;
};

/* Lookup flags. */
#define LOOKUP_NONE 0
#define LOOKUP_NOTOUCH (1 << 0)  /* don't update the access time */
#define LOOKUP_NONOTIFY (1 << 1) /* no keymiss notification */
#define LOOKUP_NOSTATS (1 << 2)  /* don't count hits/misses */
#define LOOKUP_WRITE (1 << 3)    /* lookup for a write: replicas delete expired keys too */
#define LOOKUP_NOEXPIRE (1 << 4) /* don't delete expired keys (still hidden) */

/* Set flags. */
#define SETKEY_KEEPTTL 1
#define SETKEY_NO_SIGNAL 2
#define SETKEY_ALREADY_EXIST 4
#define SETKEY_DOESNT_EXIST 8

void db_init_all(void);
struct db *db_get(int id);

vobj *db_lookup(struct db *db, const char *key, size_t len, int flags);
static inline vobj *db_lookup_read(struct db *db, const char *key, size_t len)
{
    return db_lookup(db, key, len, LOOKUP_NONE);
}
static inline vobj *db_lookup_write(struct db *db, const char *key, size_t len)
{
    return db_lookup(db, key, len, LOOKUP_WRITE);
}
/* Read lookups that reply for the caller: nil on a miss, WRONGTYPE on a
 * type mismatch (type < 0: any type).  NULL means "already replied". */
vobj *db_lookup_read_or_reply(struct client *c, const char *key, size_t len, int type);
vobj *db_lookup_write_or_reply(struct client *c, const char *key, size_t len, int type);

/* Adds a new key (must not exist); the db takes the reference to val. */
void db_add(struct db *db, const char *key, size_t len, vobj *val);
/* Loading (RDB): adds key with its expire (-1: none), taking ownership of
 * both key and val; -1 (nothing taken) if the key already exists. */
int db_add_loaded(struct db *db, vstr key, vobj *val, long long expire);
/* Replaces the value of an existing key, keeping its TTL. */
void db_overwrite(struct db *db, const char *key, size_t len, vobj *val);
/* Adds or overwrites; drops the TTL unless SETKEY_KEEPTTL; signals WATCH. */
void db_set_key(struct client *c, struct db *db, const char *key, size_t len, vobj *val,
                int flags);
/* 1 if the key existed and was removed. */
int db_delete(struct db *db, const char *key, size_t len);
/* Like db_delete, but frees big values in the background. */
int db_delete_async(struct db *db, const char *key, size_t len);
/* Values waiting for / freed by the background thread (INFO memory). */
size_t db_lazyfree_pending(void);
size_t db_lazyfreed(void);

void db_set_expire(struct client *c, struct db *db, const char *key, size_t len, long long when);
long long db_get_expire(struct db *db, const char *key, size_t len); /* -1: none */
int db_remove_expire(struct db *db, const char *key, size_t len);
/* 1 if the key is expired (and, on a primary, deleted). */
int db_expire_if_needed(struct db *db, const char *key, size_t len);
int db_key_is_expired(struct db *db, const char *key, size_t len);
/* Deletes an expired key, notifying "expired" and signalling WATCH; key must
 * not point at the db's own copy of the name (it is freed first). */
void db_delete_expired(struct db *db, const char *key, size_t len);

/* Empties one db (-1: all); returns the number of keys removed. */
long long db_empty(int dbid, int async);
int db_swap(int id1, int id2);
/* A random live key (NULL if empty); the caller owns the returned vstr. */
vstr db_random_key(struct db *db);
size_t db_size(struct db *db);
long long db_total_keys(void);

/* Access tracking: LFU counter under an LFU maxmemory-policy, else the LRU clock. */
int db_policy_is_lfu(void);
void db_touch_object(vobj *o);
/* Approximate milliseconds since the last access (LRU policies). */
unsigned long long db_object_idle_ms(const vobj *o);
/* The logarithmic access counter after decay (LFU policies). */
unsigned db_object_lfu_counter(const vobj *o);

/* WATCH invalidation and client-side caching hook for a modified key. */
void db_signal_modified_key(struct client *c, struct db *db, const char *key, size_t len);
void db_signal_flushed(int dbid);

/* Hooks other modules register: WATCH (multi.c), blocking wake-ups. */
struct db_hooks {
    void (*key_modified)(struct db *db, const char *key, size_t len);
    void (*db_flushed)(int dbid);
    void (*db_swapped)(int id1, int id2);
};
void db_register_hooks(const struct db_hooks *hooks);

#endif
