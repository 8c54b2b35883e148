/* debug_digest — Redis-compatible data set digests; see debug_digest.h.
 *
 * Two SHA1 combinators build everything: xor (order-independent, for set
 * members and hash/zset pairs) and mix (digest = SHA1(digest ^ SHA1(data)),
 * order-dependent, for list elements and sequences).  A key contributes
 * mix(key), mix(type as big-endian u32), its value, and a marker when it
 * has a TTL; keys are xored into the db's contribution, and each non-empty
 * db first mixes its number.  Integers and scores are hashed as the text
 * Redis renders them (ll2string, "%.17g").
 */
#include "debug_digest.h"

#include "client.h"
#include "db.h"
#include "numconv.h"
#include "quicklist.h"
#include "reply.h"
#include "server.h"
#include "t_hash.h"
#include "t_set.h"
#include "t_zset.h"

#include <arpa/inet.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#define DIGEST_LEN 20

static void xor_digest(unsigned char *digest, const void *p, size_t len)
{
    unsigned char hash[DIGEST_LEN];
    SHA1(p, len, hash);
    for (int i = 0; i < DIGEST_LEN; i++)
        digest[i] ^= hash[i];
}

static void mix_digest(unsigned char *digest, const void *p, size_t len)
{
    xor_digest(digest, p, len);
    SHA1(digest, DIGEST_LEN, digest);
}

static void mix_ll(unsigned char *digest, long long v)
{
    char buf[32];
    size_t n = numconv_ll_to_str(buf, v);
    mix_digest(digest, buf, n);
}

static void digest_list(unsigned char *digest, vobj *o)
{
    quicklist_iter *it = quicklist_iter_new(o->ptr, QUICKLIST_HEAD);
    quicklist_entry e;
    while (quicklist_iter_next(it, &e)) {
        if (e.value)
            mix_digest(digest, e.value, e.len);
        else
            mix_ll(digest, e.ival);
    }
    quicklist_iter_free(it);
}

static void digest_set(unsigned char *digest, vobj *o)
{
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0)
        xor_digest(digest, e.p, e.len);
    set_iter_release(&it);
}

static void digest_zset(unsigned char *digest, vobj *o)
{
    struct zset_iter it;
    struct zset_elem e;
    zset_iter_init(&it, o, 0);
    while (zset_iter_next(&it, &e)) {
        unsigned char pair[DIGEST_LEN] = {0};
        char score[64];
        int n = snprintf(score, sizeof score, "%.17g", e.score);
        mix_digest(pair, e.member, e.len);
        mix_digest(pair, score, (size_t)n);
        xor_digest(digest, pair, DIGEST_LEN);
    }
}

static void digest_hash(unsigned char *digest, vobj *o)
{
    struct hash_iter it;
    hash_iter_init(&it, o);
    while (hash_iter_next(&it) == 0) {
        unsigned char pair[DIGEST_LEN] = {0};
        size_t flen, vlen;
        const char *f = hash_iter_field(&it, &flen);
        mix_digest(pair, f, flen);
        const char *v = hash_iter_value(&it, &vlen);
        mix_digest(pair, v, vlen);
        xor_digest(digest, pair, DIGEST_LEN);
    }
    hash_iter_release(&it);
}

/* The value's part of a key's digest: type, contents, TTL marker. */
static void digest_value(unsigned char *digest, struct db *db, const char *key, size_t klen,
                         vobj *o)
{
    uint32_t type = htonl(o->type);
    mix_digest(digest, &type, sizeof type);
    char buf[32];
    size_t len;
    switch (o->type) {
    case OBJ_STRING: {
        const char *p = obj_string_view(o, buf, &len);
        mix_digest(digest, p, len);
        break;
    }
    case OBJ_LIST: digest_list(digest, o); break;
    case OBJ_SET: digest_set(digest, o); break;
    case OBJ_ZSET: digest_zset(digest, o); break;
    case OBJ_HASH: digest_hash(digest, o); break;
    default: break;
    }
    if (db_get_expire(db, key, klen) != -1)
        xor_digest(digest, "!!expire!!", 10);
}

static void reply_hex(struct client *c, const unsigned char *digest)
{
    char hex[DIGEST_LEN * 2 + 1];
    for (int i = 0; i < DIGEST_LEN; i++)
        snprintf(hex + i * 2, 3, "%02x", digest[i]);
    reply_status(c, hex);
}

static void digest_db(unsigned char *final, struct db *db)
{
    uint32_t id = htonl((uint32_t)db->id);
    mix_digest(final, &id, sizeof id);
    dict_iter it;
    dict_iter_init(&it, db->keys, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it))) {
        unsigned char digest[DIGEST_LEN] = {0};
        const char *key = de->key;
        mix_digest(digest, key, vstr_len((vstr)key));
        digest_value(digest, db, key, vstr_len((vstr)key), de->v.val);
        xor_digest(final, digest, DIGEST_LEN);
    }
    dict_iter_release(&it);
}

void debug_digest(struct client *c)
{
    unsigned char final[DIGEST_LEN] = {0};
    for (int i = 0; i < cfg.databases; i++) {
        struct db *db = db_get(i);
        if (dict_size(db->keys) > 0)
            digest_db(final, db);
    }
    reply_hex(c, final);
}

void debug_digest_value(struct client *c)
{
    reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        unsigned char digest[DIGEST_LEN] = {0};
        vobj *o = db_lookup(c->db, client_arg(c, i), client_arg_len(c, i),
                            LOOKUP_NOTOUCH | LOOKUP_NONOTIFY | LOOKUP_NOSTATS);
        if (o)
            digest_value(digest, c->db, client_arg(c, i), client_arg_len(c, i), o);
        reply_hex(c, digest);
    }
}
