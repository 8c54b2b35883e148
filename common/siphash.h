/* siphash — SipHash-1-2 keyed hash for hash tables.  A secret random seed
 * makes bucket placement unpredictable to clients (hash-flooding safety). */
#ifndef VIGIL_SIPHASH_H
#define VIGIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash(const void *data, size_t len, const uint8_t key[16]);
/* Same, but ASCII letters hash as their lower case. */
uint64_t siphash_nocase(const void *data, size_t len, const uint8_t key[16]);

#endif
