/* rdb_legacy — ziplist and zipmap blobs converted to listpacks; see
 * rdb_legacy.h.
 *
 * Ziplist layout: uint32 LE total bytes, uint32 LE offset of the last
 * entry, uint16 LE entry count (65535: count unknown), the entries, 0xFF.
 * An entry is the previous entry's size (1 byte, or 0xFE and 4 bytes LE),
 * an encoding (string lengths of 6, 14 or 32 bits, or an integer width, or
 * a small immediate integer) and the data.
 *
 * Zipmap layout: a count byte (254 and up: unknown), then per pair a key
 * (length, bytes) and a value (length, a "free" byte, bytes, free padding),
 * and 0xFF.  Lengths are one byte under 254, else 254 and 4 bytes LE.
 */
#include "rdb_legacy.h"

#include "listpack.h"

#include <stdint.h>
#include <string.h>

#define ZL_HEADER_SIZE 10
#define ZL_END 0xFF
#define ZL_BIG_PREVLEN 0xFE
#define ZL_COUNT_UNKNOWN 0xFFFF

static uint32_t read_u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One decoded ziplist entry. */
struct zl_entry {
    size_t prevlen;
    size_t size; /* the whole entry */
    const unsigned char *str;
    size_t slen;
    int64_t ival; /* when str is NULL */
};

static int64_t read_int_le(const unsigned char *p, int width)
{
    uint64_t v = 0;
    for (int i = width - 1; i >= 0; i--)
        v = v << 8 | p[i];
    /* Sign-extend from the stored width. */
    int shift = 64 - 8 * width;
    return (int64_t)(v << shift) >> shift;
}

/* The integer width of an integer encoding byte, 0 for an immediate
 * value, or -1 for a byte that is no valid encoding. */
static int zl_int_width(unsigned char enc)
{
    switch (enc) {
    case 0xC0: return 2;
    case 0xD0: return 4;
    case 0xE0: return 8;
    case 0xF0: return 3;
    case 0xFE: return 1;
    default: return (enc >= 0xF1 && enc <= 0xFD) ? 0 : -1;
    }
}

/* Decodes the entry at p, which must end before limit: 0, or -1. */
static int zl_decode(const unsigned char *p, const unsigned char *limit, struct zl_entry *e)
{
    size_t avail = (size_t)(limit - p), hdr;
    if (avail < 2)
        return -1;
    if (p[0] == ZL_BIG_PREVLEN) {
        if (avail < 6)
            return -1;
        e->prevlen = read_u32le(p + 1);
        hdr = 5;
    } else if (p[0] == ZL_END) {
        return -1;
    } else {
        e->prevlen = p[0];
        hdr = 1;
    }
    unsigned char enc = p[hdr];
    size_t datalen;
    e->str = NULL;
    if (enc < 0xC0) {
        size_t lenbytes = (enc >> 6) == 0 ? 1 : (enc >> 6) == 1 ? 2 : 5;
        if (avail - hdr < lenbytes)
            return -1;
        if (lenbytes == 1)
            datalen = enc & 0x3F;
        else if (lenbytes == 2)
            datalen = (size_t)(enc & 0x3F) << 8 | p[hdr + 1];
        else
            datalen = (size_t)p[hdr + 1] << 24 | (size_t)p[hdr + 2] << 16 |
                      (size_t)p[hdr + 3] << 8 | p[hdr + 4];
        hdr += lenbytes;
        if (datalen > avail - hdr)
            return -1;
        e->str = p + hdr;
        e->slen = datalen;
    } else {
        int width = zl_int_width(enc);
        if (width < 0)
            return -1;
        hdr += 1;
        datalen = (size_t)width;
        if (datalen > avail - hdr)
            return -1;
        e->ival = width ? read_int_le(p + hdr, width) : (int64_t)(enc & 0x0F) - 1;
    }
    e->size = hdr + datalen;
    return 0;
}

/* One pass checks every entry (its bounds, its encoding, that it records
 * the previous entry's true size) while copying it, then the header's tail
 * offset and count against what the walk found. */
unsigned char *rdb_ziplist_to_listpack(const unsigned char *zl, size_t size)
{
    if (size < ZL_HEADER_SIZE + 1 || read_u32le(zl) != size || zl[size - 1] != ZL_END)
        return NULL;
    size_t tail = read_u32le(zl + 4);
    unsigned count = (unsigned)zl[8] | (unsigned)zl[9] << 8;
    const unsigned char *p = zl + ZL_HEADER_SIZE, *end = zl + size - 1;
    unsigned char *lp = lp_new(size);
    size_t prev_size = 0, last_off = ZL_HEADER_SIZE, n = 0;
    while (p < end) {
        struct zl_entry e = {0};
        if (zl_decode(p, end, &e) < 0 || e.prevlen != prev_size || !lp_safe_to_add(lp, e.size))
            goto bad;
        lp = e.str ? lp_append(lp, e.str, (uint32_t)e.slen) : lp_append_int(lp, e.ival);
        last_off = (size_t)(p - zl);
        prev_size = e.size;
        p += e.size;
        n++;
    }
    if (last_off != tail || (count != ZL_COUNT_UNKNOWN && count != n))
        goto bad;
    return lp;
bad:
    lp_free(lp);
    return NULL;
}

#define ZM_BIGLEN 254
#define ZM_END 255

/* Reads a zipmap length at *p (not past end), advancing *p: 0, or -1. */
static int zm_read_len(const unsigned char **p, const unsigned char *end, size_t *len)
{
    if (*p >= end || **p == ZM_END)
        return -1;
    if (**p < ZM_BIGLEN) {
        *len = **p;
        *p += 1;
        return 0;
    }
    if (end - *p < 5)
        return -1;
    *len = read_u32le(*p + 1);
    *p += 5;
    return 0;
}

/* Reads len bytes at *p (bounds-checked), advancing past them and skip more. */
static const unsigned char *zm_take(const unsigned char **p, const unsigned char *end, size_t len,
                                    size_t skip)
{
    const unsigned char *s = *p;
    if ((size_t)(end - s) < len || (size_t)(end - s) - len < skip)
        return NULL;
    *p = s + len + skip;
    return s;
}

unsigned char *rdb_zipmap_to_listpack(const unsigned char *zm, size_t size)
{
    if (size < 2 || zm[size - 1] != ZM_END)
        return NULL;
    unsigned count = zm[0];
    const unsigned char *p = zm + 1, *end = zm + size - 1;
    unsigned char *lp = lp_new(size);
    size_t pairs = 0;
    while (p < end) {
        size_t klen, vlen;
        const unsigned char *key, *val;
        if (zm_read_len(&p, end, &klen) < 0 || !(key = zm_take(&p, end, klen, 0)) ||
            zm_read_len(&p, end, &vlen) < 0 || p >= end)
            goto bad;
        size_t free_bytes = *p++;
        if (!(val = zm_take(&p, end, vlen, free_bytes)) || !lp_safe_to_add(lp, klen + vlen + 32))
            goto bad;
        lp = lp_append(lp, key, (uint32_t)klen);
        lp = lp_append(lp, val, (uint32_t)vlen);
        pairs++;
    }
    if (count < ZM_BIGLEN && count != pairs)
        goto bad;
    return lp;
bad:
    lp_free(lp);
    return NULL;
}
