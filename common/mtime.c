/* mtime — wall and monotonic clocks; see mtime.h. */
#include "mtime.h"

#include <sys/time.h>
#include <time.h>

long long mtime_ustime(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

long long mtime_mstime(void)
{
    return mtime_ustime() / 1000;
}

uint64_t mtime_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
