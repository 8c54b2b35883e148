/* crc64 — table-driven CRC-64/Jones, slice-by-8; see crc64.h.
 *
 * With a reflected CRC the register shifts right and the low byte meets the
 * next input byte.  Slice-by-8 folds eight input bytes per step: table k
 * holds the effect of a byte that still has k more zero bytes to travel
 * through the register, so eight lookups replace eight dependent steps.
 */
#include "crc64.h"

#include <pthread.h>

/* 0xad93d23594c935a9 with its 64 bits reversed, for the right-shifting form. */
#define CRC64_POLY_REFLECTED 0x95ac9329ac4bc9b5ULL

static uint64_t crc64_table[8][256];
static pthread_once_t crc64_once = PTHREAD_ONCE_INIT;

static void crc64_build_tables(void)
{
    for (int n = 0; n < 256; n++) {
        uint64_t c = (uint64_t)n;
        for (int bit = 0; bit < 8; bit++)
            c = (c & 1) ? (c >> 1) ^ CRC64_POLY_REFLECTED : c >> 1;
        crc64_table[0][n] = c;
    }
    for (int n = 0; n < 256; n++) {
        uint64_t c = crc64_table[0][n];
        for (int k = 1; k < 8; k++) {
            c = crc64_table[0][c & 0xff] ^ (c >> 8);
            crc64_table[k][n] = c;
        }
    }
}

void crc64_init(void)
{
    pthread_once(&crc64_once, crc64_build_tables);
}

/* Assembled byte by byte so the result is the same on any host; compilers
 * turn this into a single load on little-endian machines. */
static uint64_t load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t crc64_bytewise(uint64_t crc, const unsigned char *p, size_t len)
{
    while (len--)
        crc = crc64_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

uint64_t crc64(uint64_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    crc64_init();
    while (len >= 8) {
        crc ^= load_le64(p);
        crc = crc64_table[7][crc & 0xff] ^ crc64_table[6][(crc >> 8) & 0xff] ^
              crc64_table[5][(crc >> 16) & 0xff] ^ crc64_table[4][(crc >> 24) & 0xff] ^
              crc64_table[3][(crc >> 32) & 0xff] ^ crc64_table[2][(crc >> 40) & 0xff] ^
              crc64_table[1][(crc >> 48) & 0xff] ^ crc64_table[0][crc >> 56];
        p += 8;
        len -= 8;
    }
    return crc64_bytewise(crc, p, len);
}
