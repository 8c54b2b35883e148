/* rand — seeds, hex ids and bounded random values; see rand.h. */
#include "rand.h"

#include "dict.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rand_seed(void)
{
    uint8_t seed[16];
    if (RAND_bytes(seed, sizeof seed) != 1)
        return -1;
    dict_set_seed(seed);
    unsigned int s;
    memcpy(&s, seed, sizeof s);
    srandom(s);
    return 0;
}

int rand_hex(char *out, size_t hexlen)
{
    unsigned char bytes[64];
    size_t n = hexlen / 2;
    if (n > sizeof bytes || RAND_bytes(bytes, (int)n) != 1)
        return -1;
    for (size_t i = 0; i < n; i++)
        snprintf(out + i * 2, 3, "%02x", bytes[i]);
    out[n * 2] = '\0';
    return 0;
}

/* random() gives 31 bits: two calls cover sets larger than 2^31. */
unsigned long rand_below(unsigned long n)
{
    uint64_t r = ((uint64_t)random() << 31) ^ (uint64_t)random();
    return (unsigned long)(r % n);
}
