/* mem — accounted allocation; see mem.h. */
#include "mem.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Relaxed atomics: the background fsync/free thread frees memory too. */
static _Atomic size_t used_memory;

static void *oom(size_t size)
{
    fprintf(stderr, "vigil: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

static void account_add(void *p)
{
    atomic_fetch_add_explicit(&used_memory, malloc_usable_size(p), memory_order_relaxed);
}

static void account_sub(void *p)
{
    atomic_fetch_sub_explicit(&used_memory, malloc_usable_size(p), memory_order_relaxed);
}

void *mem_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        return oom(size);
    account_add(p);
    return p;
}

void *mem_calloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        return oom(size);
    account_add(p);
    return p;
}

void *mem_realloc(void *ptr, size_t size)
{
    if (!ptr)
        return mem_malloc(size);
    size_t old = malloc_usable_size(ptr);
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        return oom(size);
    size_t now = malloc_usable_size(p);
    if (now >= old)
        atomic_fetch_add_explicit(&used_memory, now - old, memory_order_relaxed);
    else
        atomic_fetch_sub_explicit(&used_memory, old - now, memory_order_relaxed);
    return p;
}

void mem_free(void *ptr)
{
    if (!ptr)
        return;
    account_sub(ptr);
    free(ptr);
}

void *mem_memdup(const void *p, size_t len)
{
    void *copy = mem_malloc(len);
    memcpy(copy, p, len);
    return copy;
}

char *mem_strdup(const char *s)
{
    return mem_memdup(s, strlen(s) + 1);
}

size_t mem_size(const void *ptr)
{
    return ptr ? malloc_usable_size((void *)ptr) : 0;
}

size_t mem_used(void)
{
    return atomic_load_explicit(&used_memory, memory_order_relaxed);
}
