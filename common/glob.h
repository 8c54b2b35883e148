/* glob — Redis's glob-style matching, for KEYS, SCAN MATCH, PSUBSCRIBE,
 * CONFIG GET, CLIENT KILL and the like.
 *
 *   *        any run of bytes          ?       exactly one byte
 *   [abc]    one of the listed bytes   [^abc]  one byte not listed
 *   [a-z]    a range (ends may come in either order)
 *   \x       the byte x literally (also inside brackets)
 *
 * Matching is binary-safe and follows redis-server 7.0 in its corner cases:
 * an empty string matches only the empty pattern, an unterminated bracket
 * runs to the end of the pattern, and a pattern with more than 1000 star
 * groups before its last token never matches.  The running time is
 * O(pattern * string) at worst, whatever the pattern: no exponential blow-up.
 */
#ifndef VIGIL_GLOB_H
#define VIGIL_GLOB_H

#include <stddef.h>

/* 1 if str matches pattern, else 0.  nocase folds ASCII letters. */
int glob_match(const char *pattern, size_t plen, const char *str, size_t slen, int nocase);
int glob_match_cstr(const char *pattern, const char *str, int nocase);

#endif
