/* listpack — Redis 7.0's listpack format; see listpack.h.
 *
 * Entry encodings (first byte):
 *   0xxxxxxx                 7-bit unsigned integer
 *   10xxxxxx + data          string of up to 63 bytes
 *   110xxxxx yyyyyyyy        13-bit signed integer
 *   1110xxxx yyyyyyyy + data string of up to 4095 bytes
 *   11110000 + u32 + data    string of up to 2^32-1 bytes
 *   0xF1..0xF4 + 2/3/4/8     16/24/32/64-bit signed integer, little endian
 *   0xFF                     terminator (never an entry)
 * Every entry is followed by its backlen.  All writes go through one splice
 * that replaces a byte range with at most one encoded entry.
 */
#include "listpack.h"

#include "log.h"
#include "mem.h"
#include "rand.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LP_HDR_SIZE 6
#define LP_EOF 0xFF
#define LP_COUNT_UNKNOWN 65535
#define LP_MAX_SAFE_SIZE (1UL << 30)
/* An int64 in decimal is at most 20 characters ("-9223372036854775808"). */
#define LP_MAX_INT_STR 20

#define LP_ENC_INT16 0xF1
#define LP_ENC_INT24 0xF2
#define LP_ENC_INT32 0xF3
#define LP_ENC_INT64 0xF4
#define LP_ENC_STR32 0xF0

/* An entry ready to be written: encoding bytes (the whole value for an
 * integer), the string bytes if any, and the backlen. */
struct lp_enc {
    unsigned char hdr[9];
    unsigned int hdr_len;
    const unsigned char *data;
    uint32_t data_len;
    unsigned char back[5];
    unsigned int back_len;
};

/* ---------- little-endian helpers ---------- */

static uint64_t get_le(const unsigned char *p, unsigned int n)
{
    uint64_t v = 0;
    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(unsigned char *p, uint64_t v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Interprets the low `bits` bits of u as a two's complement number. */
static int64_t sign_extend(uint64_t u, unsigned int bits)
{
    if (bits == 64)
        return (int64_t)u;
    uint64_t m = 1ULL << (bits - 1);
    return (int64_t)((u ^ m) - m);
}

static uint32_t hdr_total(const unsigned char *lp)
{
    return (uint32_t)get_le(lp, 4);
}

static unsigned int hdr_count(const unsigned char *lp)
{
    return (unsigned int)get_le(lp + 4, 2);
}

static void set_total(unsigned char *lp, size_t bytes)
{
    put_le(lp, bytes, 4);
}

static void set_count(unsigned char *lp, unsigned long count)
{
    put_le(lp + 4, count >= LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : count, 2);
}

/* Once the count is unknown it stays so until lp_length() walks the blob. */
static void add_count(unsigned char *lp, long delta)
{
    unsigned int c = hdr_count(lp);
    if (c != LP_COUNT_UNKNOWN)
        set_count(lp, (unsigned long)((long)c + delta));
}

/* ---------- backlen ---------- */

/* Byte counts follow redis-server's thresholds exactly, so that blobs we
 * write are identical to its own. */
static unsigned int backlen_size(uint64_t l)
{
    if (l <= 127)
        return 1;
    if (l < 16383)
        return 2;
    if (l < 2097151)
        return 3;
    if (l < 268435455)
        return 4;
    return 5;
}

/* The most significant group comes first; every byte but the first has the
 * high bit set, telling a backward reader that more bytes follow. */
static unsigned int backlen_encode(uint64_t l, unsigned char *out)
{
    unsigned int n = backlen_size(l);
    for (unsigned int i = 0; i < n; i++) {
        unsigned int shift = 7 * (n - 1 - i);
        out[i] = (unsigned char)((l >> shift) & 127);
        if (i > 0)
            out[i] |= 128;
    }
    return n;
}

/* Reads the backlen ending at p; *n receives its byte count. */
static uint64_t backlen_decode(const unsigned char *p, unsigned int *n)
{
    uint64_t v = 0;
    unsigned int i = 0;
    unsigned char b;
    do {
        b = *(p - i);
        v |= (uint64_t)(b & 127) << (7 * i);
        i++;
    } while ((b & 128) && i < 5);
    *n = i;
    return v;
}

/* ---------- encoding ---------- */

int lp_string_to_int64(const unsigned char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > LP_MAX_INT_STR)
        return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    size_t i = 0;
    int neg = s[0] == '-';
    if (neg)
        i = 1;
    /* Rejects "-", "-0...", "0..." and anything not starting with 1-9. */
    if (i >= len || s[i] < '1' || s[i] > '9')
        return 0;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        unsigned int d = (unsigned int)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return 0;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return 0;
        *out = (int64_t)v;
    }
    return 1;
}

static void enc_finish(struct lp_enc *e)
{
    e->back_len = backlen_encode((uint64_t)e->hdr_len + e->data_len, e->back);
}

static void enc_int(struct lp_enc *e, int64_t v)
{
    e->data = NULL;
    e->data_len = 0;
    if (v >= 0 && v <= 127) {
        e->hdr[0] = (unsigned char)v;
        e->hdr_len = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t u = (uint64_t)v & 0x1FFF;
        e->hdr[0] = (unsigned char)(0xC0 | (u >> 8));
        e->hdr[1] = (unsigned char)(u & 0xFF);
        e->hdr_len = 2;
    } else {
        unsigned int n;
        if (v >= INT16_MIN && v <= INT16_MAX) {
            e->hdr[0] = LP_ENC_INT16;
            n = 2;
        } else if (v >= -8388608 && v <= 8388607) {
            e->hdr[0] = LP_ENC_INT24;
            n = 3;
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            e->hdr[0] = LP_ENC_INT32;
            n = 4;
        } else {
            e->hdr[0] = LP_ENC_INT64;
            n = 8;
        }
        put_le(e->hdr + 1, (uint64_t)v, n);
        e->hdr_len = 1 + n;
    }
    enc_finish(e);
}

static void enc_str(struct lp_enc *e, const unsigned char *s, uint32_t len)
{
    int64_t v;
    if (lp_string_to_int64(s, len, &v)) {
        enc_int(e, v);
        return;
    }
    if (len < 64) {
        e->hdr[0] = (unsigned char)(0x80 | len);
        e->hdr_len = 1;
    } else if (len < 4096) {
        e->hdr[0] = (unsigned char)(0xE0 | (len >> 8));
        e->hdr[1] = (unsigned char)(len & 0xFF);
        e->hdr_len = 2;
    } else {
        e->hdr[0] = LP_ENC_STR32;
        put_le(e->hdr + 1, len, 4);
        e->hdr_len = 5;
    }
    e->data = s;
    e->data_len = len;
    enc_finish(e);
}

static size_t enc_size(const struct lp_enc *e)
{
    return (size_t)e->hdr_len + e->data_len + e->back_len;
}

size_t lp_encoded_size(const unsigned char *s, uint32_t slen)
{
    struct lp_enc e;
    enc_str(&e, s, slen);
    return enc_size(&e);
}

/* Encoding bytes plus data of the entry at p (its backlen excluded).  Only
 * for entries already known to be well formed. */
static uint64_t entry_enc_len(const unsigned char *p)
{
    unsigned char b = p[0];
    if (b < 0x80)
        return 1;
    if ((b & 0xC0) == 0x80)
        return 1 + (uint64_t)(b & 0x3F);
    if ((b & 0xE0) == 0xC0)
        return 2;
    if ((b & 0xF0) == 0xE0)
        return 2 + (((uint64_t)(b & 0x0F) << 8) | p[1]);
    switch (b) {
    case LP_ENC_STR32: return 5 + get_le(p + 1, 4);
    case LP_ENC_INT16: return 3;
    case LP_ENC_INT24: return 4;
    case LP_ENC_INT32: return 5;
    case LP_ENC_INT64: return 9;
    default: return 1;
    }
}

size_t lp_entry_size(const unsigned char *p)
{
    uint64_t l = entry_enc_len(p);
    return (size_t)(l + backlen_size(l));
}

/* ---------- basics and navigation ---------- */

unsigned char *lp_new(size_t capacity)
{
    size_t min = LP_HDR_SIZE + 1;
    unsigned char *lp = mem_malloc(capacity > min ? capacity : min);
    set_total(lp, min);
    set_count(lp, 0);
    lp[LP_HDR_SIZE] = LP_EOF;
    return lp;
}

void lp_free(unsigned char *lp)
{
    mem_free(lp);
}

size_t lp_bytes(const unsigned char *lp)
{
    return hdr_total(lp);
}

unsigned char *lp_first(unsigned char *lp)
{
    unsigned char *p = lp + LP_HDR_SIZE;
    return *p == LP_EOF ? NULL : p;
}

unsigned char *lp_next(unsigned char *lp, unsigned char *p)
{
    if (*p == LP_EOF)
        return NULL;
    unsigned char *q = p + lp_entry_size(p);
    return q >= lp + lp_bytes(lp) - 1 ? NULL : q;
}

unsigned char *lp_prev(unsigned char *lp, unsigned char *p)
{
    if (p <= lp + LP_HDR_SIZE)
        return NULL;
    unsigned int n;
    uint64_t l = backlen_decode(p - 1, &n);
    return p - n - l;
}

unsigned char *lp_last(unsigned char *lp)
{
    return lp_prev(lp, lp + lp_bytes(lp) - 1);
}

unsigned long lp_length(unsigned char *lp)
{
    unsigned int c = hdr_count(lp);
    if (c != LP_COUNT_UNKNOWN)
        return c;
    unsigned long n = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p))
        n++;
    set_count(lp, n);
    return n;
}

unsigned char *lp_seek(unsigned char *lp, long index)
{
    unsigned int c = hdr_count(lp);
    int forward = index >= 0;
    long steps = forward ? index : -index - 1;
    /* With a known count, walk from whichever end is closer. */
    if (c != LP_COUNT_UNKNOWN) {
        long idx = index < 0 ? (long)c + index : index;
        if (idx < 0 || idx >= (long)c)
            return NULL;
        forward = idx <= (long)c / 2;
        steps = forward ? idx : (long)c - 1 - idx;
    }
    unsigned char *p = forward ? lp_first(lp) : lp_last(lp);
    while (p && steps-- > 0)
        p = forward ? lp_next(lp, p) : lp_prev(lp, p);
    return p;
}

/* ---------- reading ---------- */

unsigned char *lp_get(unsigned char *p, int64_t *ival, uint32_t *slen)
{
    unsigned char b = p[0];
    if (b < 0x80) {
        *ival = b;
        return NULL;
    }
    if ((b & 0xC0) == 0x80) {
        *slen = b & 0x3F;
        return p + 1;
    }
    if ((b & 0xE0) == 0xC0) {
        *ival = sign_extend(((uint64_t)(b & 0x1F) << 8) | p[1], 13);
        return NULL;
    }
    if ((b & 0xF0) == 0xE0) {
        *slen = ((uint32_t)(b & 0x0F) << 8) | p[1];
        return p + 2;
    }
    switch (b) {
    case LP_ENC_STR32: *slen = (uint32_t)get_le(p + 1, 4); return p + 5;
    case LP_ENC_INT16: *ival = sign_extend(get_le(p + 1, 2), 16); return NULL;
    case LP_ENC_INT24: *ival = sign_extend(get_le(p + 1, 3), 24); return NULL;
    case LP_ENC_INT32: *ival = sign_extend(get_le(p + 1, 4), 32); return NULL;
    case LP_ENC_INT64: *ival = sign_extend(get_le(p + 1, 8), 64); return NULL;
    default:
        /* Not reachable on a validated blob; answer something harmless. */
        *ival = 0;
        return NULL;
    }
}

unsigned char *lp_get_str(unsigned char *p, uint32_t *slen, unsigned char buf[LP_INTBUF_SIZE])
{
    int64_t v;
    unsigned char *s = lp_get(p, &v, slen);
    if (s)
        return s;
    *slen = (uint32_t)snprintf((char *)buf, LP_INTBUF_SIZE, "%" PRId64, v);
    return buf;
}

void lp_get_value(unsigned char *p, lp_value *v)
{
    v->slen = 0;
    v->lval = 0;
    v->sval = lp_get(p, &v->lval, &v->slen);
}

/* ---------- writing ---------- */

/* Replaces del bytes at offset off with the entry e (nothing when e is NULL)
 * and fixes the total.  The element count is the caller's business. */
static unsigned char *lp_splice(unsigned char *lp, size_t off, size_t del, const struct lp_enc *e)
{
    size_t old = lp_bytes(lp);
    size_t add = e ? enc_size(e) : 0;
    size_t total = old - del + add;
    if (total > UINT32_MAX) {
        log_warning("listpack: %zu bytes would overflow the header", total);
        abort();
    }
    /* The new value may live inside this very blob (an entry copied onto
     * another); take a private copy before realloc can move it. */
    unsigned char *own = NULL;
    struct lp_enc copy;
    if (e && e->data && e->data >= lp && e->data < lp + old) {
        copy = *e;
        own = mem_memdup(e->data, e->data_len);
        copy.data = own;
        e = &copy;
    }
    if (add > del)
        lp = mem_realloc(lp, total);
    memmove(lp + off + add, lp + off + del, old - off - del);
    if (add < del)
        lp = mem_realloc(lp, total);
    if (e) {
        unsigned char *w = lp + off;
        memcpy(w, e->hdr, e->hdr_len);
        w += e->hdr_len;
        if (e->data_len)
            memcpy(w, e->data, e->data_len);
        w += e->data_len;
        memcpy(w, e->back, e->back_len);
    }
    set_total(lp, total);
    mem_free(own);
    return lp;
}

static unsigned char *insert_enc(unsigned char *lp, unsigned char *p, const struct lp_enc *e,
                                 int where, unsigned char **newp)
{
    if (where == LP_AFTER && *p != LP_EOF)
        p += lp_entry_size(p);
    size_t off = (size_t)(p - lp);
    lp = lp_splice(lp, off, 0, e);
    add_count(lp, 1);
    if (newp)
        *newp = lp + off;
    return lp;
}

unsigned char *lp_insert(unsigned char *lp, unsigned char *p, const unsigned char *s, uint32_t slen,
                         int where, unsigned char **newp)
{
    struct lp_enc e;
    enc_str(&e, s, slen);
    return insert_enc(lp, p, &e, where, newp);
}

unsigned char *lp_append(unsigned char *lp, const unsigned char *s, uint32_t slen)
{
    return lp_insert(lp, lp + lp_bytes(lp) - 1, s, slen, LP_BEFORE, NULL);
}

unsigned char *lp_prepend(unsigned char *lp, const unsigned char *s, uint32_t slen)
{
    return lp_insert(lp, lp + LP_HDR_SIZE, s, slen, LP_BEFORE, NULL);
}

unsigned char *lp_append_int(unsigned char *lp, int64_t v)
{
    struct lp_enc e;
    enc_int(&e, v);
    return insert_enc(lp, lp + lp_bytes(lp) - 1, &e, LP_BEFORE, NULL);
}

unsigned char *lp_prepend_int(unsigned char *lp, int64_t v)
{
    struct lp_enc e;
    enc_int(&e, v);
    return insert_enc(lp, lp + LP_HDR_SIZE, &e, LP_BEFORE, NULL);
}

static unsigned char *replace_enc(unsigned char *lp, unsigned char **p, const struct lp_enc *e)
{
    size_t off = (size_t)(*p - lp);
    lp = lp_splice(lp, off, lp_entry_size(*p), e);
    *p = lp + off;
    return lp;
}

unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const unsigned char *s,
                          uint32_t slen)
{
    struct lp_enc e;
    enc_str(&e, s, slen);
    return replace_enc(lp, p, &e);
}

unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, int64_t v)
{
    struct lp_enc e;
    enc_int(&e, v);
    return replace_enc(lp, p, &e);
}

unsigned char *lp_delete_range_with_entry(unsigned char *lp, unsigned char **p, unsigned long count)
{
    unsigned char *end = *p;
    unsigned long n = 0;
    while (n < count && *end != LP_EOF) {
        end += lp_entry_size(end);
        n++;
    }
    size_t off = (size_t)(*p - lp);
    lp = lp_splice(lp, off, (size_t)(end - *p), NULL);
    add_count(lp, -(long)n);
    *p = lp[off] == LP_EOF ? NULL : lp + off;
    return lp;
}

unsigned char *lp_delete(unsigned char *lp, unsigned char *p, unsigned char **next)
{
    lp = lp_delete_range_with_entry(lp, &p, 1);
    if (next)
        *next = p;
    return lp;
}

unsigned char *lp_delete_range(unsigned char *lp, long index, unsigned long count)
{
    unsigned char *p = lp_seek(lp, index);
    if (!p || count == 0)
        return lp;
    return lp_delete_range_with_entry(lp, &p, count);
}

unsigned char *lp_batch_delete(unsigned char *lp, unsigned char **ps, unsigned long n)
{
    if (n == 0)
        return lp;
    unsigned char *eof = lp + lp_bytes(lp) - 1;
    unsigned char *dst = ps[0];
    /* Slide each run of kept entries down over the gaps, terminator included. */
    for (unsigned long i = 0; i < n; i++) {
        unsigned char *src = ps[i] + lp_entry_size(ps[i]);
        unsigned char *stop = i + 1 < n ? ps[i + 1] : eof + 1;
        memmove(dst, src, (size_t)(stop - src));
        dst += stop - src;
    }
    size_t total = (size_t)(dst - lp);
    lp = mem_realloc(lp, total);
    set_total(lp, total);
    add_count(lp, -(long)n);
    return lp;
}

unsigned char *lp_merge(unsigned char *a, unsigned char *b)
{
    size_t abytes = lp_bytes(a), bbytes = lp_bytes(b);
    size_t bentries = bbytes - LP_HDR_SIZE - 1;
    unsigned int ac = hdr_count(a), bc = hdr_count(b);
    a = mem_realloc(a, abytes + bentries);
    /* Entries are self-contained, so b's body can follow a's as is. */
    memcpy(a + abytes - 1, b + LP_HDR_SIZE, bentries + 1);
    set_total(a, abytes + bentries);
    if (ac == LP_COUNT_UNKNOWN || bc == LP_COUNT_UNKNOWN)
        set_count(a, LP_COUNT_UNKNOWN);
    else
        set_count(a, (unsigned long)ac + bc);
    lp_free(b);
    return a;
}

/* ---------- searching ---------- */

/* Compares entry p with s.  *s_int caches whether s is an integer
 * (-1 unknown, 0 no, 1 yes, value in *s_val), parsed only when an integer
 * entry is met. */
static int entry_equals(unsigned char *p, const unsigned char *s, uint32_t slen, int *s_int,
                        int64_t *s_val)
{
    int64_t v;
    uint32_t len;
    unsigned char *str = lp_get(p, &v, &len);
    if (str)
        return len == slen && (slen == 0 || memcmp(str, s, slen) == 0);
    if (*s_int < 0)
        *s_int = lp_string_to_int64(s, slen, s_val);
    return *s_int && *s_val == v;
}

unsigned char *lp_find(unsigned char *lp, unsigned char *p, const unsigned char *s, uint32_t slen,
                       unsigned int skip)
{
    int s_int = -1;
    int64_t s_val = 0;
    unsigned int skipped = 0;
    for (; p; p = lp_next(lp, p)) {
        if (skipped == 0) {
            if (entry_equals(p, s, slen, &s_int, &s_val))
                return p;
            skipped = skip;
        } else {
            skipped--;
        }
    }
    return NULL;
}

int lp_compare(unsigned char *p, const unsigned char *s, uint32_t slen)
{
    int s_int = -1;
    int64_t s_val = 0;
    return entry_equals(p, s, slen, &s_int, &s_val);
}

/* ---------- random ---------- */

static void read_pair(unsigned char *lp, unsigned char *p, lp_value *key, lp_value *val)
{
    lp_get_value(p, key);
    if (val)
        lp_get_value(lp_next(lp, p), val);
}

void lp_random_pair(unsigned char *lp, unsigned long total_pairs, lp_value *key, lp_value *val)
{
    long idx = (long)rand_below(total_pairs) * 2;
    read_pair(lp, lp_seek(lp, idx), key, val);
}

struct pick {
    unsigned long pair;
    unsigned int slot;
};

static int pick_cmp(const void *a, const void *b)
{
    unsigned long x = ((const struct pick *)a)->pair, y = ((const struct pick *)b)->pair;
    return (x > y) - (x < y);
}

void lp_random_pairs(unsigned char *lp, unsigned int count, lp_value *keys, lp_value *vals)
{
    unsigned long total = lp_length(lp) / 2;
    if (count == 0 || total == 0)
        return;
    struct pick *picks = mem_malloc(sizeof(*picks) * count);
    for (unsigned int i = 0; i < count; i++) {
        picks[i].pair = rand_below(total);
        picks[i].slot = i;
    }
    /* Sorted by position, one walk serves every pick. */
    qsort(picks, count, sizeof(*picks), pick_cmp);
    unsigned char *p = lp_first(lp);
    unsigned long at = 0;
    for (unsigned int i = 0; i < count; i++) {
        while (at < picks[i].pair) {
            p = lp_next(lp, lp_next(lp, p));
            at++;
        }
        unsigned int slot = picks[i].slot;
        read_pair(lp, p, &keys[slot], vals ? &vals[slot] : NULL);
    }
    mem_free(picks);
}

unsigned int lp_random_pairs_unique(unsigned char *lp, unsigned int count, lp_value *keys,
                                    lp_value *vals)
{
    unsigned long total = lp_length(lp) / 2;
    unsigned int picked = 0;
    unsigned long seen = 0;
    /* Selection sampling: take each pair with probability needed/remaining,
     * which yields a uniform sample in one pass. */
    for (unsigned char *p = lp_first(lp); p && picked < count; seen++) {
        unsigned char *v = lp_next(lp, p);
        if (!v)
            break;
        if (rand_below(total - seen) < count - picked) {
            read_pair(lp, p, &keys[picked], vals ? &vals[picked] : NULL);
            picked++;
        }
        p = lp_next(lp, v);
    }
    return picked;
}

/* ---------- validation ---------- */

/* Bytes of the encoding part (before any string data) for first byte b, or
 * 0 for a byte that starts no entry. */
static unsigned int enc_prefix_len(unsigned char b)
{
    if (b < 0xC0)
        return 1;
    if ((b & 0xE0) == 0xC0 || (b & 0xF0) == 0xE0)
        return 2;
    switch (b) {
    case LP_ENC_STR32: return 5;
    case LP_ENC_INT16: return 3;
    case LP_ENC_INT24: return 4;
    case LP_ENC_INT32: return 5;
    case LP_ENC_INT64: return 9;
    default: return 0;
    }
}

/* Checks the entry at p, which must end before `end` (the terminator);
 * *next receives the following entry.  Reads nothing at or past end. */
static int validate_entry(unsigned char *p, const unsigned char *end, unsigned char **next)
{
    size_t avail = (size_t)(end - p);
    unsigned int prefix = enc_prefix_len(p[0]);
    if (prefix == 0 || prefix > avail)
        return -1;
    uint64_t l = entry_enc_len(p);
    if (l > avail)
        return -1;
    unsigned char back[5];
    unsigned int bl = backlen_encode(l, back);
    if (l + bl > avail || memcmp(p + l, back, bl) != 0)
        return -1;
    *next = p + l + bl;
    return 0;
}

int lp_validate_each(unsigned char *lp, size_t size, lp_entry_cb cb, void *userdata)
{
    if (lp_validate(lp, size, 0) < 0)
        return -1;
    const unsigned char *end = lp + size - 1;
    unsigned char *p = lp + LP_HDR_SIZE;
    unsigned long n = 0;
    while (p < end) {
        unsigned char *next;
        if (validate_entry(p, end, &next) < 0)
            return -1;
        if (cb && cb(p, userdata) < 0)
            return -1;
        n++;
        p = next;
    }
    unsigned int c = hdr_count(lp);
    if (c != LP_COUNT_UNKNOWN && c != n)
        return -1;
    return 0;
}

int lp_validate(unsigned char *lp, size_t size, int deep)
{
    if (!lp || size < LP_HDR_SIZE + 1 || size > UINT32_MAX)
        return -1;
    if (hdr_total(lp) != size || lp[size - 1] != LP_EOF)
        return -1;
    if (!deep)
        return 0;
    return lp_validate_each(lp, size, NULL, NULL);
}

int lp_safe_to_add(const unsigned char *lp, size_t add)
{
    size_t len = lp ? lp_bytes(lp) : 0;
    return add <= LP_MAX_SAFE_SIZE && len + add <= LP_MAX_SAFE_SIZE;
}
