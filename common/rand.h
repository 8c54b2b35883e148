/* rand — the randomness both daemons use: seeding the dict hash and libc's
 * random() from OpenSSL's RNG at start, ids (run id, replication id,
 * sentinel id) as hex from the same RNG, and indexes below a bound. */
#ifndef VIGIL_RAND_H
#define VIGIL_RAND_H

#include <stddef.h>

/* Seeds the dict hash (SipHash key) and random(); -1 if the RNG failed. */
int rand_seed(void);
/* Writes hexlen (even, at most 128) random hex digits and a NUL to out;
 * -1 if the RNG failed. */
int rand_hex(char *out, size_t hexlen);
/* A random value in [0, n), n > 0, wide enough for any collection size. */
unsigned long rand_below(unsigned long n);

#endif
