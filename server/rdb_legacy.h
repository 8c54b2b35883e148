/* rdb_legacy — the compact encodings older Redis versions wrote into RDB
 * files, converted on load: ziplists (lists before 7.0's quicklist 2,
 * hashes and sorted sets before listpacks) and zipmaps (hashes before 2.6).
 *
 * Vigil never keeps these formats in memory: each blob is walked once with
 * every length and offset checked against its size, and its entries are
 * copied into a new listpack.  A malformed blob yields NULL, never a read
 * outside it.
 */
#ifndef VIGIL_RDB_LEGACY_H
#define VIGIL_RDB_LEGACY_H

#include <stddef.h>

/* A listpack with the same entries as the ziplist of size bytes at zl, or
 * NULL if the ziplist is malformed (an empty ziplist gives an empty one). */
unsigned char *rdb_ziplist_to_listpack(const unsigned char *zl, size_t size);
/* A listpack of field, value, ... from a zipmap of size bytes, or NULL. */
unsigned char *rdb_zipmap_to_listpack(const unsigned char *zm, size_t size);

#endif
