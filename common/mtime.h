/* mtime — clocks.  Wall-clock time for what users see (TTLs, LASTSAVE),
 * the monotonic clock for measuring durations (timeouts, latency). */
#ifndef VIGIL_MTIME_H
#define VIGIL_MTIME_H

#include <stdint.h>

long long mtime_ustime(void);   /* wall clock, microseconds */
long long mtime_mstime(void);   /* wall clock, milliseconds */
uint64_t mtime_monotonic_us(void);

#endif
