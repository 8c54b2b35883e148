/* dict — hash table with string keys, incremental rehashing and SCAN.
 *
 * Keys are vstr (binary-safe); lookups take a plain pointer and length so
 * callers can search with bytes straight from a request.  Growing or
 * shrinking moves buckets a few at a time on each operation (and from the
 * server's cron), so no single command pays for a whole rehash.  Hashing is
 * SipHash with a per-process random seed.
 *
 * dict_scan() walks buckets in reverse-binary cursor order: every element
 * present for the whole scan is returned at least once, even if the table
 * is resized between calls.
 */
#ifndef VIGIL_DICT_H
#define VIGIL_DICT_H

#include "vstr.h"

#include <stddef.h>
#include <stdint.h>

typedef struct dict_entry {
    vstr key;
    union {
        void *val;
        int64_t s64;
        uint64_t u64;
        double d;
    } v;
    struct dict_entry *next;
} dict_entry;

struct dict_type {
    int nocase;                 /* case-insensitive keys (command names) */
    void (*key_free)(vstr key); /* NULL: the dict does not own its keys */
    void (*val_free)(void *val);
};

typedef struct dict dict;

typedef struct dict_iter {
    dict *d;
    int table;
    long index;
    int safe;
    dict_entry *entry, *next;
    uint64_t fingerprint;
} dict_iter;

typedef void dict_scan_fn(void *ctx, const dict_entry *de);

void dict_set_seed(const uint8_t seed[16]);
/* While a child process shares our memory, avoid resizing (copy-on-write). */
void dict_allow_resize(int allow);

dict *dict_new(const struct dict_type *type);
void dict_free(dict *d);
/* Removes every entry; calls progress every 65536 buckets (for big flushes). */
void dict_clear(dict *d, void (*progress)(void));

size_t dict_size(const dict *d);
size_t dict_buckets(const dict *d);
int dict_is_rehashing(const dict *d);

dict_entry *dict_find(dict *d, const char *key, size_t len);
/* Inserts key (ownership passes to the dict); NULL if it already exists. */
dict_entry *dict_add(dict *d, vstr key, void *val);
/* The entry for key, creating it with a copy of the key if absent. */
dict_entry *dict_add_or_find(dict *d, const char *key, size_t len, int *created);
/* 0 if deleted (key and value freed per the type), -1 if absent. */
int dict_delete(dict *d, const char *key, size_t len);
/* Removes the entry without freeing it; release with dict_free_entry(). */
dict_entry *dict_unlink(dict *d, const char *key, size_t len);
void dict_free_entry(dict *d, dict_entry *de);
void dict_set_val(dict *d, dict_entry *de, void *val);

dict_entry *dict_random(dict *d);
/* A random entry of a non-empty dict, less biased by chain lengths than
 * dict_random(): picked among a sample (SRANDMEMBER, HRANDFIELD). */
dict_entry *dict_fair_random(dict *d);
/* Up to count entries from a random region (eviction/expiry sampling). */
size_t dict_sample(dict *d, dict_entry **out, size_t count);

void dict_iter_init(dict_iter *it, dict *d, int safe);
dict_entry *dict_iter_next(dict_iter *it);
void dict_iter_release(dict_iter *it);

unsigned long dict_scan(dict *d, unsigned long cursor, dict_scan_fn *fn, void *ctx);

int dict_expand(dict *d, size_t size);
/* Shrinks when mostly empty. */
void dict_resize_to_fit(dict *d);
/* Rehashes for about ms milliseconds; returns 1 if more work remains. */
int dict_rehash_ms(dict *d, int ms);
/* Buckets and entries of table 0 (main) and 1 (rehash target, 0 when
 * not rehashing): DEBUG HTSTATS. */
void dict_table_stats(const dict *d, size_t size[2], size_t used[2]);
/* Bytes used by the table arrays (not keys or values). */
size_t dict_mem_usage(const dict *d);

#endif
