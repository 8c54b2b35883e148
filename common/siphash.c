/* siphash — SipHash with 1 compression and 2 finalisation rounds (the
 * variant Redis uses: fast for the short keys of a keyspace). */
#include "siphash.h"

#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static uint8_t fold_case(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static uint64_t siphash_impl(const uint8_t *in, size_t len, const uint8_t key[16], int nocase)
{
    uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
    uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
    uint64_t v3 = 0x7465646279746573ULL ^ k1;
    uint64_t b = (uint64_t)len << 56;
    size_t whole = len - (len % 8);
    uint8_t block[8];

    for (size_t i = 0; i < whole; i += 8) {
        memcpy(block, in + i, 8);
        if (nocase)
            for (int j = 0; j < 8; j++)
                block[j] = fold_case(block[j]);
        uint64_t m = load_le64(block);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t i = whole; i < len; i++) {
        uint8_t c = nocase ? fold_case(in[i]) : in[i];
        b |= (uint64_t)c << (8 * (i - whole));
    }
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash(const void *data, size_t len, const uint8_t key[16])
{
    return siphash_impl(data, len, key, 0);
}

uint64_t siphash_nocase(const void *data, size_t len, const uint8_t key[16])
{
    return siphash_impl(data, len, key, 1);
}
