/* vstr — length-prefixed strings; see vstr.h for the layout. */
#include "vstr.h"

#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The flags byte sits just before the string bytes and says which header
 * precedes it. */
enum { VSTR_TYPE_8 = 1, VSTR_TYPE_32 = 2 };

struct __attribute__((packed)) vstr_hdr8 {
    uint8_t len;
    uint8_t alloc;
    uint8_t flags;
    char buf[];
};

struct __attribute__((packed)) vstr_hdr32 {
    uint32_t len;
    uint32_t alloc;
    uint8_t flags;
    char buf[];
};

#define HDR8(s) ((struct vstr_hdr8 *)((s) - sizeof(struct vstr_hdr8)))
#define HDR32(s) ((struct vstr_hdr32 *)((s) - sizeof(struct vstr_hdr32)))

/* vstr_len() in the header reads these layouts directly. */
_Static_assert(sizeof(struct vstr_hdr8) == 3 && VSTR_TYPE_8 == 1, "vstr_len expects hdr8");
_Static_assert(sizeof(struct vstr_hdr32) == 9, "vstr_len expects hdr32");

/* Past this, grow by a fixed step instead of doubling. */
#define VSTR_MAX_PREALLOC (1024 * 1024)

static int vstr_type(const vstr s)
{
    return (unsigned char)s[-1];
}

static size_t header_size(int type)
{
    return type == VSTR_TYPE_8 ? sizeof(struct vstr_hdr8) : sizeof(struct vstr_hdr32);
}

static int type_for(size_t size)
{
    return size < 256 ? VSTR_TYPE_8 : VSTR_TYPE_32;
}

static size_t vstr_alloc(const vstr s)
{
    return vstr_type(s) == VSTR_TYPE_8 ? HDR8(s)->alloc : HDR32(s)->alloc;
}

static void set_alloc(vstr s, size_t alloc)
{
    if (vstr_type(s) == VSTR_TYPE_8)
        HDR8(s)->alloc = (uint8_t)alloc;
    else
        HDR32(s)->alloc = (uint32_t)alloc;
}

void vstr_set_len(vstr s, size_t len)
{
    if (vstr_type(s) == VSTR_TYPE_8)
        HDR8(s)->len = (uint8_t)len;
    else
        HDR32(s)->len = (uint32_t)len;
    s[len] = '\0';
}

size_t vstr_avail(const vstr s)
{
    return vstr_alloc(s) - vstr_len(s);
}

size_t vstr_alloc_size(const vstr s)
{
    return mem_size(s - header_size(vstr_type(s)));
}

/* Builds a string with room for `alloc` bytes; its usable size is what the
 * allocator really gave, capped to what the header can describe. */
static vstr vstr_new_alloc(const void *init, size_t len, size_t alloc)
{
    int type = type_for(alloc);
    size_t hdr = header_size(type);
    char *mem = mem_malloc(hdr + alloc + 1);
    size_t usable = mem_size(mem) - hdr - 1;
    size_t cap = type == VSTR_TYPE_8 ? 255 : UINT32_MAX;
    vstr s = mem + hdr;
    s[-1] = (char)type;
    set_alloc(s, usable > cap ? cap : usable);
    if (init && len)
        memcpy(s, init, len);
    else if (len)
        memset(s, 0, len);
    vstr_set_len(s, len);
    return s;
}

vstr vstr_init_at(void *mem, const void *init, size_t len)
{
    struct vstr_hdr8 *h = mem;
    h->len = h->alloc = (uint8_t)len;
    h->flags = VSTR_TYPE_8;
    if (len)
        memcpy(h->buf, init, len);
    h->buf[len] = '\0';
    return h->buf;
}

vstr vstr_new(const void *init, size_t len)
{
    return vstr_new_alloc(init, len, len);
}

vstr vstr_from(const char *cstr)
{
    return vstr_new(cstr, strlen(cstr));
}

vstr vstr_empty(void)
{
    return vstr_new(NULL, 0);
}

vstr vstr_from_ll(long long value)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", value);
    return vstr_new(buf, (size_t)n);
}

vstr vstr_dup(const vstr s)
{
    return vstr_new(s, vstr_len(s));
}

void vstr_free(vstr s)
{
    if (s)
        mem_free(s - header_size(vstr_type(s)));
}

vstr vstr_make_room(vstr s, size_t addlen)
{
    size_t len = vstr_len(s);
    if (vstr_avail(s) >= addlen)
        return s;
    size_t want = len + addlen;
    want = want < VSTR_MAX_PREALLOC ? want * 2 : want + VSTR_MAX_PREALLOC;
    int type = type_for(want);
    if (type == vstr_type(s)) {
        size_t hdr = header_size(type);
        char *mem = mem_realloc(s - hdr, hdr + want + 1);
        size_t usable = mem_size(mem) - hdr - 1;
        size_t cap = type == VSTR_TYPE_8 ? 255 : UINT32_MAX;
        s = mem + hdr;
        set_alloc(s, usable > cap ? cap : usable);
        return s;
    }
    vstr grown = vstr_new_alloc(s, len, want);
    vstr_free(s);
    return grown;
}

void vstr_incr_len(vstr s, size_t n)
{
    vstr_set_len(s, vstr_len(s) + n);
}

void vstr_clear(vstr s)
{
    vstr_set_len(s, 0);
}

vstr vstr_cat(vstr s, const void *p, size_t len)
{
    size_t cur = vstr_len(s);
    s = vstr_make_room(s, len);
    memcpy(s + cur, p, len);
    vstr_set_len(s, cur + len);
    return s;
}

vstr vstr_cat_cstr(vstr s, const char *cstr)
{
    return vstr_cat(s, cstr, strlen(cstr));
}

vstr vstr_cat_vstr(vstr s, const vstr t)
{
    return vstr_cat(s, t, vstr_len(t));
}

vstr vstr_catvfmt(vstr s, const char *fmt, va_list ap)
{
    char small[256];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0)
        return s;
    if ((size_t)n < sizeof small)
        return vstr_cat(s, small, (size_t)n);
    size_t cur = vstr_len(s);
    s = vstr_make_room(s, (size_t)n + 1);
    vsnprintf(s + cur, (size_t)n + 1, fmt, ap);
    vstr_set_len(s, cur + (size_t)n);
    return s;
}

vstr vstr_catfmt(vstr s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s = vstr_catvfmt(s, fmt, ap);
    va_end(ap);
    return s;
}

vstr vstr_cat_repr(vstr s, const char *p, size_t len)
{
    s = vstr_cat(s, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '\\': s = vstr_cat(s, "\\\\", 2); break;
        case '"': s = vstr_cat(s, "\\\"", 2); break;
        case '\n': s = vstr_cat(s, "\\n", 2); break;
        case '\r': s = vstr_cat(s, "\\r", 2); break;
        case '\t': s = vstr_cat(s, "\\t", 2); break;
        case '\a': s = vstr_cat(s, "\\a", 2); break;
        case '\b': s = vstr_cat(s, "\\b", 2); break;
        default:
            if (c >= 32 && c < 127)
                s = vstr_cat(s, &p[i], 1);
            else
                s = vstr_catfmt(s, "\\x%02x", c);
        }
    }
    return vstr_cat(s, "\"", 1);
}

vstr vstr_copy(vstr s, const void *p, size_t len)
{
    vstr_set_len(s, 0);
    return vstr_cat(s, p, len);
}

vstr vstr_grow_zero(vstr s, size_t len)
{
    size_t cur = vstr_len(s);
    if (len <= cur)
        return s;
    s = vstr_make_room(s, len - cur);
    memset(s + cur, 0, len - cur);
    vstr_set_len(s, len);
    return s;
}

void vstr_keep_range(vstr s, size_t start, size_t len)
{
    size_t cur = vstr_len(s);
    if (start >= cur) {
        vstr_set_len(s, 0);
        return;
    }
    if (len > cur - start)
        len = cur - start;
    if (start)
        memmove(s, s + start, len);
    vstr_set_len(s, len);
}

void vstr_tolower(vstr s)
{
    size_t len = vstr_len(s);
    for (size_t i = 0; i < len; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] + 32);
}

vstr vstr_shrink(vstr s)
{
    if (vstr_avail(s) == 0)
        return s;
    vstr tight = vstr_new(s, vstr_len(s));
    vstr_free(s);
    return tight;
}

int vstr_cmp(const vstr a, const vstr b)
{
    size_t la = vstr_len(a), lb = vstr_len(b);
    int c = memcmp(a, b, la < lb ? la : lb);
    if (c)
        return c;
    return la < lb ? -1 : la > lb;
}
