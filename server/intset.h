/* intset — the compact encoding of small sets of integers.
 *
 * An intset is a single allocation laid out exactly as Redis 7.0 lays it out,
 * so the RDB code writes and reads it verbatim:
 *
 *   uint32 LE encoding   bytes per element: 2, 4 or 8
 *   uint32 LE length     number of elements
 *   elements             signed, little-endian, strictly ascending
 *
 * The intset pointer IS that blob: intset_blob_len() bytes from it are what
 * goes into an RDB file.  A blob read from a file becomes an intset once it
 * has passed intset_validate() and been copied into a mem_malloc() block.
 * Adding a value that does not fit widens every element; nothing ever
 * narrows.  Calls that may resize return the (possibly moved) intset: always
 * use the result, as with realloc().
 */
#ifndef VIGIL_INTSET_H
#define VIGIL_INTSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct intset intset;

intset *intset_new(void);
void intset_free(intset *is);

/* Inserts v; *added (may be NULL) says whether it was absent. */
intset *intset_add(intset *is, int64_t v, int *added);
/* Removes v; *removed (may be NULL) says whether it was present. */
intset *intset_remove(intset *is, int64_t v, int *removed);
/* 1 if v is a member, else 0. */
int intset_find(const intset *is, int64_t v);

/* The element at pos (0-based, ascending order): 0, or -1 past the end. */
int intset_get(const intset *is, uint32_t pos, int64_t *v);
uint32_t intset_len(const intset *is);
/* Size of the blob in bytes: 8 + length * encoding. */
size_t intset_blob_len(const intset *is);

/* These three need a non-empty set.  intset_random draws with random(). */
int64_t intset_random(const intset *is);
int64_t intset_min(const intset *is);
int64_t intset_max(const intset *is);

/* Checks an untrusted blob of `size` bytes (from RDB or RESTORE): a known
 * encoding, at least one element, and a size that matches the header
 * exactly.  With deep set, also that the elements are strictly ascending.
 * Never reads outside [blob, blob+size).  Returns 0 if valid, else -1. */
int intset_validate(const void *blob, size_t size, int deep);

#endif
