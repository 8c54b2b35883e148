/* argsplit — splits a line into arguments the way redis.conf lines, inline
 * requests and redis-cli input are split: whitespace separates, "double
 * quotes" understand \n \r \t \b \a \\ \" \xHH, 'single quotes' only \'.
 * A closing quote must be followed by whitespace or the end of the line. */
#ifndef VIGIL_ARGSPLIT_H
#define VIGIL_ARGSPLIT_H

#include "vstr.h"

#include <stddef.h>

/* Returns a NULL-terminated array of *argc strings, or NULL on unbalanced
 * quotes.  An empty line gives an empty (non-NULL) array. */
vstr *argsplit(const char *line, size_t len, int *argc);
void argsplit_free(vstr *argv, int argc);

#endif
