/* mem — the one allocator wrapper.
 *
 * Every allocation in Vigil goes through these calls so that INFO's
 * used_memory and the maxmemory limit see the real footprint.  Sizes are
 * counted with malloc_usable_size(), so the figure matches what the C
 * library actually handed out.  Out-of-memory aborts with a log line, as
 * Redis does: a half-applied command is worse than a crash.
 */
#ifndef VIGIL_MEM_H
#define VIGIL_MEM_H

#include <stddef.h>

void *mem_malloc(size_t size);
void *mem_calloc(size_t size);
void *mem_realloc(void *ptr, size_t size);
void mem_free(void *ptr);
char *mem_strdup(const char *s);
void *mem_memdup(const void *p, size_t len);

/* Bytes of usable memory behind ptr (0 for NULL). */
size_t mem_size(const void *ptr);
/* Bytes currently allocated through this module. */
size_t mem_used(void);

#endif
