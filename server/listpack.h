/* listpack — Redis 7.0's compact list of strings and integers, byte for byte.
 *
 * A listpack is one allocation: a 6-byte header (total bytes as uint32 LE,
 * element count as uint16 LE, 65535 meaning "walk to count"), the entries,
 * and a 0xFF terminator.  Each entry is an encoding byte (plus length or
 * integer bytes), the string data if any, and a "backlen": the size of the
 * encoding+data written backwards, 7 bits per byte, so the list can be walked
 * from either end.  Strings that are canonical integers are stored as
 * integers of the smallest width.
 *
 * Small hashes and sorted sets keep their fields in one listpack, and each
 * quicklist node is one.  RDB files and DUMP payloads carry these blobs
 * verbatim, so the layout must match redis-server's exactly.
 *
 * `unsigned char *lp` is the blob; entry pointers point inside it.  Calls that
 * write return the (possibly moved) blob, like realloc(): entry pointers
 * taken before a write are invalid after it unless the call hands back a new
 * one.  Callers keep a blob under 1 GB by checking lp_safe_to_add() first.
 */
#ifndef VIGIL_LISTPACK_H
#define VIGIL_LISTPACK_H

#include <stddef.h>
#include <stdint.h>

#define LP_BEFORE 0
#define LP_AFTER 1
/* Room for any int64 rendered in decimal, sign and NUL included. */
#define LP_INTBUF_SIZE 21

/* One element's value: a string (sval != NULL, slen bytes) or an integer. */
typedef struct lp_value {
    unsigned char *sval;
    uint32_t slen;
    int64_t lval;
} lp_value;

unsigned char *lp_new(size_t capacity);
void lp_free(unsigned char *lp);
size_t lp_bytes(const unsigned char *lp);
/* Element count; walks the blob (and caches the result) when the header says unknown. */
unsigned long lp_length(unsigned char *lp);

/* Navigation: each returns an entry pointer, or NULL past either end. */
unsigned char *lp_first(unsigned char *lp);
unsigned char *lp_last(unsigned char *lp);
unsigned char *lp_next(unsigned char *lp, unsigned char *p);
/* p may also be the terminator, giving the last entry. */
unsigned char *lp_prev(unsigned char *lp, unsigned char *p);
/* Entry at index; negative indexes count from the tail (-1 is the last). */
unsigned char *lp_seek(unsigned char *lp, long index);

/* Returns the string bytes and sets *slen, or NULL and sets *ival for an integer. */
unsigned char *lp_get(unsigned char *p, int64_t *ival, uint32_t *slen);
/* Like lp_get, but renders integers as decimal into buf; never NULL. */
unsigned char *lp_get_str(unsigned char *p, uint32_t *slen, unsigned char buf[LP_INTBUF_SIZE]);
void lp_get_value(unsigned char *p, lp_value *v);

unsigned char *lp_append(unsigned char *lp, const unsigned char *s, uint32_t slen);
unsigned char *lp_prepend(unsigned char *lp, const unsigned char *s, uint32_t slen);
unsigned char *lp_append_int(unsigned char *lp, int64_t v);
unsigned char *lp_prepend_int(unsigned char *lp, int64_t v);
/* Inserts before or after entry p (or before the terminator when p points to it).
 * When newp is not NULL it receives the new entry. */
unsigned char *lp_insert(unsigned char *lp, unsigned char *p, const unsigned char *s, uint32_t slen,
                         int where, unsigned char **newp);
/* Replaces the entry *p; *p is updated to the new entry. */
unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const unsigned char *s,
                          uint32_t slen);
unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, int64_t v);
/* Deletes entry p; when next is not NULL it receives the entry that followed, or NULL. */
unsigned char *lp_delete(unsigned char *lp, unsigned char *p, unsigned char **next);
/* Deletes up to count entries starting at *p; *p becomes the following entry or NULL. */
unsigned char *lp_delete_range_with_entry(unsigned char *lp, unsigned char **p,
                                          unsigned long count);
/* Deletes up to count entries starting at index (negative from the tail). */
unsigned char *lp_delete_range(unsigned char *lp, long index, unsigned long count);
/* Deletes the n entries in ps, which must be distinct and in ascending order. */
unsigned char *lp_batch_delete(unsigned char *lp, unsigned char **ps, unsigned long n);
/* Appends b's entries to a and frees b; returns the merged blob. */
unsigned char *lp_merge(unsigned char *a, unsigned char *b);

/* First entry from p on that equals s, comparing every (skip+1)-th entry. */
unsigned char *lp_find(unsigned char *lp, unsigned char *p, const unsigned char *s, uint32_t slen,
                       unsigned int skip);
/* 1 when entry p holds the same value as s (integers compare by value), else 0. */
int lp_compare(unsigned char *p, const unsigned char *s, uint32_t slen);

/* Random helpers for HRANDFIELD / ZRANDMEMBER over field-value pairs; they use
 * random().  total_pairs is lp_length(lp) / 2 and must not be 0; val may be NULL. */
void lp_random_pair(unsigned char *lp, unsigned long total_pairs, lp_value *key, lp_value *val);
/* count pairs chosen independently (repeats allowed), in random order; vals may be NULL. */
void lp_random_pairs(unsigned char *lp, unsigned int count, lp_value *keys, lp_value *vals);
/* Up to count distinct pairs, in listpack order; returns how many were picked. */
unsigned int lp_random_pairs_unique(unsigned char *lp, unsigned int count, lp_value *keys,
                                    lp_value *vals);

/* Checks an untrusted blob of size bytes: 0 when well formed, -1 otherwise.
 * Shallow checks only the header and terminator; deep also walks every entry
 * (bounds, encodings, backlens) and the element count.  Never reads outside
 * [lp, lp + size). */
int lp_validate(unsigned char *lp, size_t size, int deep);
/* Deep validation that also calls cb on each entry; cb returning -1 rejects. */
typedef int (*lp_entry_cb)(unsigned char *p, void *userdata);
int lp_validate_each(unsigned char *lp, size_t size, lp_entry_cb cb, void *userdata);

/* 1 when the blob stays under 1 GB after growing by add bytes. */
int lp_safe_to_add(const unsigned char *lp, size_t add);
/* Bytes s would take as an entry, and the bytes entry p takes. */
size_t lp_encoded_size(const unsigned char *s, uint32_t slen);
size_t lp_entry_size(const unsigned char *p);
/* Parses s as a canonical int64 the way listpacks decide (no spaces, '+',
 * leading zeros or "-0"): 1 and *out set when it is one, else 0. */
int lp_string_to_int64(const unsigned char *s, size_t len, int64_t *out);

#endif
