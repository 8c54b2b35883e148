/* dict — chained hash table with incremental rehash; see dict.h.
 *
 * Two tables: t[0] is the live one, t[1] exists only while rehashing, when
 * buckets migrate from t[0] to t[1] one step per operation.  Lookups search
 * both.  Table sizes are powers of two so a bucket index is hash & mask.
 */
#include "dict.h"

#include "mem.h"
#include "mtime.h"
#include "siphash.h"

#include <stdlib.h>
#include <string.h>

#define DICT_MIN_SIZE 4
/* With resizing discouraged (a fork is running) grow only past this ratio. */
#define DICT_FORCE_RESIZE_RATIO 5

struct dict_table {
    dict_entry **buckets;
    unsigned long size;
    unsigned long mask;
    unsigned long used;
};

struct dict {
    const struct dict_type *type;
    struct dict_table t[2];
    long rehash_index; /* -1 when not rehashing */
    int safe_iterators;
};

static uint8_t hash_seed[16];
static int resize_allowed = 1;

void dict_set_seed(const uint8_t seed[16])
{
    memcpy(hash_seed, seed, sizeof hash_seed);
}

void dict_allow_resize(int allow)
{
    resize_allowed = allow;
}

static uint64_t dict_hash(const dict *d, const char *key, size_t len)
{
    return d->type->nocase ? siphash_nocase(key, len, hash_seed) : siphash(key, len, hash_seed);
}

static int keys_equal(const dict *d, const dict_entry *de, const char *key, size_t len)
{
    if (vstr_len(de->key) != len)
        return 0;
    if (d->type->nocase)
        return strncasecmp(de->key, key, len) == 0;
    return memcmp(de->key, key, len) == 0;
}

static void table_reset(struct dict_table *t)
{
    t->buckets = NULL;
    t->size = t->mask = t->used = 0;
}

dict *dict_new(const struct dict_type *type)
{
    dict *d = mem_malloc(sizeof *d);
    d->type = type;
    table_reset(&d->t[0]);
    table_reset(&d->t[1]);
    d->rehash_index = -1;
    d->safe_iterators = 0;
    return d;
}

size_t dict_size(const dict *d)
{
    return d->t[0].used + d->t[1].used;
}

size_t dict_buckets(const dict *d)
{
    return d->t[0].size + d->t[1].size;
}

int dict_is_rehashing(const dict *d)
{
    return d->rehash_index != -1;
}

void dict_table_stats(const dict *d, size_t size[2], size_t used[2])
{
    for (int t = 0; t <= 1; t++) {
        size[t] = d->t[t].size;
        used[t] = d->t[t].used;
    }
}

size_t dict_mem_usage(const dict *d)
{
    return (d->t[0].size + d->t[1].size) * sizeof(dict_entry *) + sizeof *d;
}

static void release_entry(dict *d, dict_entry *de)
{
    if (d->type->key_free)
        d->type->key_free(de->key);
    if (d->type->val_free && de->v.val)
        d->type->val_free(de->v.val);
    mem_free(de);
}

void dict_free_entry(dict *d, dict_entry *de)
{
    release_entry(d, de);
}

static void table_clear(dict *d, struct dict_table *t, void (*progress)(void))
{
    for (unsigned long i = 0; i < t->size && t->used > 0; i++) {
        if (progress && (i & 65535) == 0)
            progress();
        dict_entry *de = t->buckets[i];
        while (de) {
            dict_entry *next = de->next;
            release_entry(d, de);
            t->used--;
            de = next;
        }
    }
    mem_free(t->buckets);
    table_reset(t);
}

void dict_clear(dict *d, void (*progress)(void))
{
    table_clear(d, &d->t[0], progress);
    table_clear(d, &d->t[1], progress);
    d->rehash_index = -1;
}

void dict_free(dict *d)
{
    if (!d)
        return;
    dict_clear(d, NULL);
    mem_free(d);
}

static unsigned long next_power(size_t size)
{
    unsigned long n = DICT_MIN_SIZE;
    while (n < size && n < (1UL << 62))
        n <<= 1;
    return n;
}

/* Allocates a table for size elements; becomes t[1] (rehash target) unless
 * the dict is empty, in which case it simply replaces t[0]. */
static int dict_resize(dict *d, size_t size)
{
    if (dict_is_rehashing(d) || size < d->t[0].used)
        return -1;
    unsigned long real = next_power(size);
    if (real == d->t[0].size)
        return -1;
    struct dict_table fresh = {mem_calloc(real * sizeof(dict_entry *)), real, real - 1, 0};
    if (d->t[0].buckets == NULL) {
        d->t[0] = fresh;
        return 0;
    }
    d->t[1] = fresh;
    d->rehash_index = 0;
    return 0;
}

int dict_expand(dict *d, size_t size)
{
    return dict_resize(d, size);
}

void dict_resize_to_fit(dict *d)
{
    if (!resize_allowed || dict_is_rehashing(d))
        return;
    size_t used = d->t[0].used;
    if (d->t[0].size > DICT_MIN_SIZE && used * 10 < d->t[0].size)
        dict_resize(d, used < DICT_MIN_SIZE ? DICT_MIN_SIZE : used);
}

/* Moves up to n buckets from t[0] to t[1], visiting at most n*10 empty
 * buckets so one step stays bounded on sparse tables. */
static int rehash_steps(dict *d, int n)
{
    int empty_visits = n * 10;
    if (!dict_is_rehashing(d))
        return 0;
    struct dict_table *from = &d->t[0], *to = &d->t[1];
    while (n-- && from->used != 0) {
        while (from->buckets[d->rehash_index] == NULL) {
            d->rehash_index++;
            if (--empty_visits == 0)
                return 1;
        }
        dict_entry *de = from->buckets[d->rehash_index];
        while (de) {
            dict_entry *next = de->next;
            unsigned long idx = dict_hash(d, de->key, vstr_len(de->key)) & to->mask;
            de->next = to->buckets[idx];
            to->buckets[idx] = de;
            from->used--;
            to->used++;
            de = next;
        }
        from->buckets[d->rehash_index] = NULL;
        d->rehash_index++;
    }
    if (from->used == 0) {
        mem_free(from->buckets);
        d->t[0] = *to;
        table_reset(to);
        d->rehash_index = -1;
        return 0;
    }
    return 1;
}

int dict_rehash_ms(dict *d, int ms)
{
    if (d->safe_iterators)
        return 0;
    uint64_t deadline = mtime_monotonic_us() + (uint64_t)ms * 1000;
    while (rehash_steps(d, 100))
        if (mtime_monotonic_us() >= deadline)
            return 1;
    return 0;
}

/* Safe iterators may be walking the table: moving buckets under them would
 * make them skip or repeat entries. */
static void rehash_step(dict *d)
{
    if (d->safe_iterators == 0)
        rehash_steps(d, 1);
}

static void expand_if_needed(dict *d)
{
    if (dict_is_rehashing(d))
        return;
    if (d->t[0].size == 0) {
        dict_resize(d, DICT_MIN_SIZE);
        return;
    }
    unsigned long used = d->t[0].used, size = d->t[0].size;
    if (used >= size && (resize_allowed || used / size > DICT_FORCE_RESIZE_RATIO))
        dict_resize(d, used + 1);
}

dict_entry *dict_find(dict *d, const char *key, size_t len)
{
    if (dict_size(d) == 0)
        return NULL;
    if (dict_is_rehashing(d))
        rehash_step(d);
    uint64_t h = dict_hash(d, key, len);
    for (int t = 0; t <= 1; t++) {
        unsigned long idx = h & d->t[t].mask;
        for (dict_entry *de = d->t[t].buckets ? d->t[t].buckets[idx] : NULL; de; de = de->next)
            if (keys_equal(d, de, key, len))
                return de;
        if (!dict_is_rehashing(d))
            break;
    }
    return NULL;
}

static dict_entry *insert_new(dict *d, vstr key, uint64_t h)
{
    struct dict_table *t = dict_is_rehashing(d) ? &d->t[1] : &d->t[0];
    unsigned long idx = h & t->mask;
    dict_entry *de = mem_malloc(sizeof *de);
    de->key = key;
    de->v.val = NULL;
    de->next = t->buckets[idx];
    t->buckets[idx] = de;
    t->used++;
    return de;
}

dict_entry *dict_add(dict *d, vstr key, void *val)
{
    if (dict_find(d, key, vstr_len(key)))
        return NULL;
    expand_if_needed(d);
    dict_entry *de = insert_new(d, key, dict_hash(d, key, vstr_len(key)));
    de->v.val = val;
    return de;
}

dict_entry *dict_add_or_find(dict *d, const char *key, size_t len, int *created)
{
    dict_entry *de = dict_find(d, key, len);
    if (created)
        *created = de == NULL;
    if (de)
        return de;
    expand_if_needed(d);
    return insert_new(d, vstr_new(key, len), dict_hash(d, key, len));
}

dict_entry *dict_unlink(dict *d, const char *key, size_t len)
{
    if (dict_size(d) == 0)
        return NULL;
    if (dict_is_rehashing(d))
        rehash_step(d);
    uint64_t h = dict_hash(d, key, len);
    for (int t = 0; t <= 1; t++) {
        if (!d->t[t].buckets)
            continue;
        dict_entry **link = &d->t[t].buckets[h & d->t[t].mask];
        for (; *link; link = &(*link)->next) {
            if (keys_equal(d, *link, key, len)) {
                dict_entry *de = *link;
                *link = de->next;
                d->t[t].used--;
                return de;
            }
        }
        if (!dict_is_rehashing(d))
            break;
    }
    return NULL;
}

int dict_delete(dict *d, const char *key, size_t len)
{
    dict_entry *de = dict_unlink(d, key, len);
    if (!de)
        return -1;
    release_entry(d, de);
    return 0;
}

void dict_set_val(dict *d, dict_entry *de, void *val)
{
    void *old = de->v.val;
    de->v.val = val;
    if (d->type->val_free && old && old != val)
        d->type->val_free(old);
}

/* Picks a random non-empty bucket, then a random entry in its chain. */
dict_entry *dict_random(dict *d)
{
    if (dict_size(d) == 0)
        return NULL;
    if (dict_is_rehashing(d))
        rehash_step(d);
    dict_entry *head;
    do {
        if (dict_is_rehashing(d)) {
            /* Buckets below rehash_index in t[0] are already empty. */
            unsigned long span = d->t[0].size + d->t[1].size - (unsigned long)d->rehash_index;
            unsigned long r = (unsigned long)d->rehash_index + (random() % span);
            head = r >= d->t[0].size ? d->t[1].buckets[r - d->t[0].size] : d->t[0].buckets[r];
        } else {
            head = d->t[0].buckets[random() & d->t[0].mask];
        }
    } while (!head);
    long chain = 0;
    for (dict_entry *de = head; de; de = de->next)
        chain++;
    long pick = random() % chain;
    while (pick--)
        head = head->next;
    return head;
}

size_t dict_sample(dict *d, dict_entry **out, size_t count)
{
    size_t size = dict_size(d), got = 0;
    if (count > size)
        count = size;
    if (count == 0)
        return 0;
    for (size_t i = 0; i < count; i++)
        rehash_step(d);
    int tables = dict_is_rehashing(d) ? 2 : 1;
    unsigned long maxmask = d->t[0].mask > d->t[1].mask ? d->t[0].mask : d->t[1].mask;
    unsigned long idx = (unsigned long)random() & maxmask;
    size_t empty_run = 0, budget = count * 10;
    while (got < count && budget--) {
        for (int t = 0; t < tables && got < count; t++) {
            if (idx >= d->t[t].size)
                continue;
            dict_entry *de = d->t[t].buckets[idx];
            if (!de) {
                /* Long empty stretches: jump elsewhere rather than crawl. */
                if (++empty_run >= 5 && empty_run > count) {
                    idx = (unsigned long)random() & maxmask;
                    empty_run = 0;
                }
                continue;
            }
            empty_run = 0;
            for (; de && got < count; de = de->next)
                out[got++] = de;
        }
        idx = (idx + 1) & maxmask;
    }
    return got;
}

/* Entries dict_fair_random() picks among. */
#define FAIR_RANDOM_SAMPLES 15

dict_entry *dict_fair_random(dict *d)
{
    dict_entry *sample[FAIR_RANDOM_SAMPLES];
    size_t n = dict_sample(d, sample, FAIR_RANDOM_SAMPLES);
    if (n == 0)
        return dict_random(d);
    return sample[(size_t)random() % n];
}

/* A fingerprint of the table layout: an unsafe iterator must see it
 * unchanged at release, or the caller modified the dict illegally. */
static uint64_t fingerprint(const dict *d)
{
    uint64_t v[6] = {(uint64_t)(uintptr_t)d->t[0].buckets, d->t[0].size, d->t[0].used,
                     (uint64_t)(uintptr_t)d->t[1].buckets, d->t[1].size, d->t[1].used};
    uint64_t h = 0;
    for (int i = 0; i < 6; i++)
        h = (h ^ v[i]) * 0x100000001b3ULL;
    return h;
}

void dict_iter_init(dict_iter *it, dict *d, int safe)
{
    it->d = d;
    it->table = 0;
    it->index = -1;
    it->safe = safe;
    it->entry = it->next = NULL;
    it->fingerprint = 0;
}

dict_entry *dict_iter_next(dict_iter *it)
{
    for (;;) {
        if (it->entry == NULL) {
            if (it->index == -1 && it->table == 0) {
                if (it->safe)
                    it->d->safe_iterators++;
                else
                    it->fingerprint = fingerprint(it->d);
            }
            it->index++;
            if ((unsigned long)it->index >= it->d->t[it->table].size) {
                if (dict_is_rehashing(it->d) && it->table == 0) {
                    it->table = 1;
                    it->index = 0;
                } else {
                    return NULL;
                }
            }
            if (it->d->t[it->table].size == 0)
                return NULL;
            it->entry = it->d->t[it->table].buckets[it->index];
        } else {
            it->entry = it->next;
        }
        if (it->entry) {
            /* Remember the successor: the caller may delete this entry. */
            it->next = it->entry->next;
            return it->entry;
        }
    }
}

void dict_iter_release(dict_iter *it)
{
    if (it->index == -1 && it->table == 0)
        return;
    if (it->safe)
        it->d->safe_iterators--;
    it->index = -1;
    it->table = 0;
}

static unsigned long reverse_bits(unsigned long v)
{
    unsigned long s = 8 * sizeof(v), mask = ~0UL;
    while ((s >>= 1) > 0) {
        mask ^= (mask << s);
        v = ((v >> s) & mask) | ((v << s) & ~mask);
    }
    return v;
}

static void scan_bucket(dict_entry *de, dict_scan_fn *fn, void *ctx)
{
    while (de) {
        dict_entry *next = de->next;
        fn(ctx, de);
        de = next;
    }
}

/* Increments the high bits of the cursor first: a bucket's children in a
 * bigger table (and its parent in a smaller one) are then visited in the
 * same order, which is what keeps the guarantee across resizes. */
static unsigned long next_cursor(unsigned long cursor, unsigned long mask)
{
    cursor |= ~mask;
    cursor = reverse_bits(cursor);
    cursor++;
    return reverse_bits(cursor);
}

unsigned long dict_scan(dict *d, unsigned long cursor, dict_scan_fn *fn, void *ctx)
{
    if (dict_size(d) == 0)
        return 0;
    d->safe_iterators++;
    if (!dict_is_rehashing(d)) {
        struct dict_table *t = &d->t[0];
        scan_bucket(t->buckets[cursor & t->mask], fn, ctx);
        cursor = next_cursor(cursor, t->mask);
    } else {
        struct dict_table *small = &d->t[0], *large = &d->t[1];
        if (small->size > large->size) {
            small = &d->t[1];
            large = &d->t[0];
        }
        scan_bucket(small->buckets[cursor & small->mask], fn, ctx);
        /* Then every bucket of the larger table that expands from it. */
        do {
            scan_bucket(large->buckets[cursor & large->mask], fn, ctx);
            cursor = next_cursor(cursor, large->mask);
        } while (cursor & (small->mask ^ large->mask));
    }
    d->safe_iterators--;
    return cursor;
}
