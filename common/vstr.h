/* vstr — binary-safe, length-prefixed, NUL-terminated strings.
 *
 * A vstr is a plain `char *` to the bytes, with a small header just before
 * them holding the length and the allocated size, so it can be passed to any
 * C string function and still hold zero bytes.  Short strings use a 3-byte
 * header, others a 9-byte one.  Calls that may grow the string return the
 * (possibly moved) pointer: always use the result, like realloc().
 */
#ifndef VIGIL_VSTR_H
#define VIGIL_VSTR_H

#include <stdarg.h>
#include <stddef.h>

typedef char *vstr;

vstr vstr_new(const void *init, size_t len);
vstr vstr_from(const char *cstr);
vstr vstr_empty(void);
vstr vstr_from_ll(long long value);
vstr vstr_dup(const vstr s);
void vstr_free(vstr s);
/* Builds a short string (len < 256) inside caller-owned memory of at least
 * VSTR_INLINE_OVERHEAD + len bytes; it must never be grown or freed alone. */
vstr vstr_init_at(void *mem, const void *init, size_t len);
#define VSTR_INLINE_OVERHEAD 4

/* The length lives in the header before the bytes; the flags byte just
 * before s says which header.  Inline: it is on every hot path. */
static inline size_t vstr_len(const vstr s)
{
    unsigned char type = (unsigned char)s[-1];
    if (type == 1)
        return (unsigned char)s[-3];
    unsigned int len;
    __builtin_memcpy(&len, s - 9, sizeof len);
    return len;
}

size_t vstr_avail(const vstr s);
/* Bytes of memory behind s, header included. */
size_t vstr_alloc_size(const vstr s);

vstr vstr_make_room(vstr s, size_t addlen);
/* After writing n bytes into the free space, account for them. */
void vstr_incr_len(vstr s, size_t n);
void vstr_set_len(vstr s, size_t len);
void vstr_clear(vstr s);

vstr vstr_cat(vstr s, const void *p, size_t len);
vstr vstr_cat_cstr(vstr s, const char *cstr);
vstr vstr_cat_vstr(vstr s, const vstr t);
vstr vstr_catfmt(vstr s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
vstr vstr_catvfmt(vstr s, const char *fmt, va_list ap);
/* A quoted, escaped rendering of p (as Redis prints values in logs and CLIENT LIST). */
vstr vstr_cat_repr(vstr s, const char *p, size_t len);
vstr vstr_copy(vstr s, const void *p, size_t len);
/* Grows to len bytes, zero-filling the new part (SETRANGE, APPEND padding). */
vstr vstr_grow_zero(vstr s, size_t len);

/* Keeps only the bytes [start, start+len). */
void vstr_keep_range(vstr s, size_t start, size_t len);
void vstr_tolower(vstr s);
/* Frees the unused tail of the allocation. */
vstr vstr_shrink(vstr s);

int vstr_cmp(const vstr a, const vstr b);

#endif
