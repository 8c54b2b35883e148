/* intset — sorted array of integers in Redis 7.0's byte layout; see intset.h.
 *
 * Every header field and element is read and written through the little-
 * endian helpers below, so the blob is the same on any host and no access
 * needs alignment (elements sit at offset 8 + i * encoding).
 */
#include "intset.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define INTSET_HEADER 8
#define INTSET_ENC_16 2
#define INTSET_ENC_32 4
#define INTSET_ENC_64 8

/* Byte arrays, not integers: the fields are little-endian whatever the host. */
struct intset {
    uint8_t encoding[4];
    uint8_t length[4];
    uint8_t contents[];
};
_Static_assert(sizeof(struct intset) == INTSET_HEADER, "intset header must be 8 bytes");

static uint64_t load_le(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = width; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static void store_le(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* Sign-extends a width-byte little-endian value. */
static int64_t load_signed(const uint8_t *p, unsigned width)
{
    uint64_t v = load_le(p, width);
    switch (width) {
    case INTSET_ENC_16: return (int16_t)(uint16_t)v;
    case INTSET_ENC_32: return (int32_t)(uint32_t)v;
    default: return (int64_t)v;
    }
}

static unsigned enc_of(const intset *is)
{
    return (unsigned)load_le(is->encoding, 4);
}

static void set_enc(intset *is, unsigned enc)
{
    store_le(is->encoding, enc, 4);
}

static void set_len(intset *is, uint32_t len)
{
    store_le(is->length, len, 4);
}

static uint8_t *elem_ptr(intset *is, uint32_t pos, unsigned enc)
{
    return is->contents + (size_t)pos * enc;
}

static int64_t elem_get(const intset *is, uint32_t pos)
{
    unsigned enc = enc_of(is);
    return load_signed(is->contents + (size_t)pos * enc, enc);
}

static void elem_set(intset *is, uint32_t pos, int64_t v)
{
    unsigned enc = enc_of(is);
    store_le(elem_ptr(is, pos, enc), (uint64_t)v, enc);
}

/* The narrowest encoding that holds v. */
static unsigned enc_for(int64_t v)
{
    if (v >= INT16_MIN && v <= INT16_MAX)
        return INTSET_ENC_16;
    if (v >= INT32_MIN && v <= INT32_MAX)
        return INTSET_ENC_32;
    return INTSET_ENC_64;
}

intset *intset_new(void)
{
    intset *is = mem_malloc(INTSET_HEADER);
    set_enc(is, INTSET_ENC_16);
    set_len(is, 0);
    return is;
}

void intset_free(intset *is)
{
    mem_free(is);
}

uint32_t intset_len(const intset *is)
{
    return (uint32_t)load_le(is->length, 4);
}

size_t intset_blob_len(const intset *is)
{
    return INTSET_HEADER + (size_t)intset_len(is) * enc_of(is);
}

static intset *resize(intset *is, uint32_t len, unsigned enc)
{
    return mem_realloc(is, INTSET_HEADER + (size_t)len * enc);
}

/* Binary search.  Returns 1 and the position if v is present; otherwise 0
 * and the position where v would be inserted. */
static int search(const intset *is, int64_t v, uint32_t *pos)
{
    uint32_t lo = 0, hi = intset_len(is);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t cur = elem_get(is, mid);
        if (cur == v) {
            *pos = mid;
            return 1;
        }
        if (cur < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
}

/* Widens every element to hold v, which by construction lies outside the
 * current range, so it goes at either end.  Walking from the back lets the
 * wider copies overwrite only elements that have already moved. */
static intset *upgrade_and_add(intset *is, int64_t v)
{
    unsigned old_enc = enc_of(is), new_enc = enc_for(v);
    uint32_t len = intset_len(is);
    int prepend = v < 0;

    is = resize(is, len + 1, new_enc);
    for (uint32_t i = len; i-- > 0;) {
        int64_t e = load_signed(elem_ptr(is, i, old_enc), old_enc);
        store_le(elem_ptr(is, i + (uint32_t)prepend, new_enc), (uint64_t)e, new_enc);
    }
    set_enc(is, new_enc);
    elem_set(is, prepend ? 0 : len, v);
    set_len(is, len + 1);
    return is;
}

intset *intset_add(intset *is, int64_t v, int *added)
{
    uint32_t pos, len = intset_len(is);
    unsigned enc = enc_of(is);

    if (added)
        *added = 1;
    if (enc_for(v) > enc)
        return upgrade_and_add(is, v);
    if (search(is, v, &pos)) {
        if (added)
            *added = 0;
        return is;
    }
    is = resize(is, len + 1, enc);
    memmove(elem_ptr(is, pos + 1, enc), elem_ptr(is, pos, enc), (size_t)(len - pos) * enc);
    elem_set(is, pos, v);
    set_len(is, len + 1);
    return is;
}

intset *intset_remove(intset *is, int64_t v, int *removed)
{
    uint32_t pos, len = intset_len(is);
    unsigned enc = enc_of(is);

    if (removed)
        *removed = 0;
    if (enc_for(v) > enc || !search(is, v, &pos))
        return is;
    memmove(elem_ptr(is, pos, enc), elem_ptr(is, pos + 1, enc), (size_t)(len - pos - 1) * enc);
    set_len(is, len - 1);
    if (removed)
        *removed = 1;
    return resize(is, len - 1, enc);
}

int intset_find(const intset *is, int64_t v)
{
    uint32_t pos;
    return enc_for(v) <= enc_of(is) && search(is, v, &pos);
}

int intset_get(const intset *is, uint32_t pos, int64_t *v)
{
    if (pos >= intset_len(is))
        return -1;
    *v = elem_get(is, pos);
    return 0;
}

int64_t intset_random(const intset *is)
{
    return elem_get(is, (uint32_t)((uint64_t)random() % intset_len(is)));
}

int64_t intset_min(const intset *is)
{
    return elem_get(is, 0);
}

int64_t intset_max(const intset *is)
{
    return elem_get(is, intset_len(is) - 1);
}

static int ascending(const uint8_t *elems, uint32_t len, unsigned enc)
{
    int64_t prev = load_signed(elems, enc);
    for (uint32_t i = 1; i < len; i++) {
        int64_t cur = load_signed(elems + (size_t)i * enc, enc);
        if (cur <= prev)
            return 0;
        prev = cur;
    }
    return 1;
}

int intset_validate(const void *blob, size_t size, int deep)
{
    const uint8_t *p = blob;
    if (size < INTSET_HEADER)
        return -1;
    uint64_t enc = load_le(p, 4), len = load_le(p + 4, 4);
    if (enc != INTSET_ENC_16 && enc != INTSET_ENC_32 && enc != INTSET_ENC_64)
        return -1;
    /* 64-bit arithmetic: len * enc cannot overflow (len < 2^32, enc <= 8). */
    if (len == 0 || INTSET_HEADER + len * enc != size)
        return -1;
    if (deep && !ascending(p + INTSET_HEADER, (uint32_t)len, (unsigned)enc))
        return -1;
    return 0;
}
