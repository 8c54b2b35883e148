/* crc64 — the CRC-64 that guards RDB files and DUMP payloads.
 *
 * Parameters (as Redis uses them): the Jones polynomial 0xad93d23594c935a9,
 * input and output reflected, initial value 0, no final xor.  The check
 * value is crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.  The running
 * value can be continued across calls, so a file can be summed as it is
 * written or read in chunks.
 */
#ifndef VIGIL_CRC64_H
#define VIGIL_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Builds the lookup tables.  Optional: crc64() does it on first use, but a
 * daemon may call it at start-up so no request ever pays for it. */
void crc64_init(void);

/* Continues the checksum `crc` over len bytes at p (start with 0). */
uint64_t crc64(uint64_t crc, const void *p, size_t len);

#endif
