/* t_string — the string commands (GET, SET, INCR, APPEND, LCS, ...).
 *
 * The command table is what commands.c loads.  The longest-common-
 * subsequence computation behind LCS is exported as a pure function so it
 * can be tested without a server.
 */
#ifndef VIGIL_T_STRING_H
#define VIGIL_T_STRING_H

#include "commands.h"

#include <stddef.h>
#include <stdint.h>

extern struct command string_commands[];

/* The dynamic-programming table of an LCS: for every pair of prefixes of a
 * and b, the length of their longest common subsequence. */
struct string_lcs {
    const char *a, *b;
    uint32_t alen, blen;
    uint32_t *table;
};

/* One run of consecutive matching bytes: a[a_start..a_end] equals
 * b[b_start..b_end] (inclusive bounds). */
struct string_lcs_range {
    uint32_t a_start, a_end, b_start, b_end;
};

/* Largest string length the 32-bit table indexes can address. */
#define STRING_LCS_MAX_LEN (UINT32_MAX - 2)

/* Builds the table; a and b must outlive it.  -1 (nothing allocated) if a
 * string is longer than STRING_LCS_MAX_LEN or the table would need more
 * than max_table_bytes. */
int string_lcs_build(struct string_lcs *lcs, const char *a, size_t alen, const char *b, size_t blen,
                     size_t max_table_bytes);
uint32_t string_lcs_length(const struct string_lcs *lcs);
/* Walks one longest common subsequence back from the ends of both strings.
 * Writes it into out (string_lcs_length() bytes) unless out is NULL, and
 * calls on_range, if not NULL, for each run of matches, last run first. */
void string_lcs_walk(const struct string_lcs *lcs, char *out,
                     void (*on_range)(const struct string_lcs_range *r, void *ctx), void *ctx);
void string_lcs_free(struct string_lcs *lcs);

#endif
