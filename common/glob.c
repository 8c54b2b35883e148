/* glob — Redis-compatible glob matching without recursion; see glob.h.
 *
 * Every token other than `*` matches exactly one byte, so the classic
 * two-cursor walk suffices: on a mismatch, resume just after the most recent
 * star, one byte further into the string than last time.  Earlier stars
 * never need revisiting — anything they could absorb the latest star can
 * absorb too — which bounds the work by pattern length times string length.
 */
#include "glob.h"

#include <string.h>

/* redis-server gives up once its matcher recurses through more than this
 * many stars; the observable effect is that such patterns match nothing. */
#define GLOB_MAX_STAR_NESTING 1000

/* The C library's tolower() in the "C" locale, which is what Redis runs in. */
static int fold(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int same_byte(char a, char b, int nocase)
{
    if (nocase)
        return fold((unsigned char)a) == fold((unsigned char)b);
    return a == b;
}

/* Range ends compare as plain `char`, signed on the x86 and ARM64 builds
 * Redis is shipped as, so [a-\xff] behaves there as it does here. */
static int in_range(char lo, char hi, char c, int nocase)
{
    int start = (signed char)lo, end = (signed char)hi, v = (signed char)c;
    if (start > end) {
        int tmp = start;
        start = end;
        end = tmp;
    }
    if (nocase) {
        start = fold(start);
        end = fold(end);
        v = fold(v);
    }
    return v >= start && v <= end;
}

/* Matches the bracket expression at p (just past the '[', n bytes left)
 * against c.  Sets *used to the pattern bytes it spans after the '[',
 * closing ']' included; that length never depends on c. */
static int bracket_match(const char *p, size_t n, char c, int nocase, size_t *used)
{
    size_t i = 0;
    int negate = 0, hit = 0;

    if (n > 0 && p[0] == '^') {
        negate = 1;
        i++;
    }
    for (;; i++) {
        if (i >= n) {
            /* Unterminated: the bracket swallows the rest of the pattern. */
            *used = n;
            return hit ^ negate;
        }
        if (p[i] == '\\' && n - i >= 2) {
            i++;
            hit |= p[i] == c;
        } else if (p[i] == ']') {
            *used = i + 1;
            return hit ^ negate;
        } else if (n - i >= 3 && p[i + 1] == '-') {
            hit |= in_range(p[i], p[i + 2], c, nocase);
            i += 2;
        } else {
            hit |= same_byte(p[i], c, nocase);
        }
    }
}

/* Matches the single-byte token at pattern[*pi] against c and advances *pi
 * past it.  The caller has ruled out '*'. */
static int token_match(const char *pattern, size_t plen, size_t *pi, char c, int nocase)
{
    size_t p = *pi, used;
    int hit;

    switch (pattern[p]) {
    case '?': *pi = p + 1; return 1;
    case '[':
        hit = bracket_match(pattern + p + 1, plen - p - 1, c, nocase, &used);
        *pi = p + 1 + used;
        return hit;
    case '\\':
        if (plen - p >= 2)
            p++;
        *pi = p + 1;
        return same_byte(pattern[p], c, nocase);
    default: *pi = p + 1; return same_byte(pattern[p], c, nocase);
    }
}

static size_t skip_stars(const char *pattern, size_t plen, size_t p)
{
    while (p < plen && pattern[p] == '*')
        p++;
    return p;
}

int glob_match(const char *pattern, size_t plen, const char *str, size_t slen, int nocase)
{
    size_t p = 0, s = 0;
    size_t resume_p = 0, resume_s = 0;
    int have_star = 0, stars = 0;

    if (slen == 0)
        return plen == 0;
    while (s < slen) {
        if (p < plen && pattern[p] == '*') {
            p = skip_stars(pattern, plen, p);
            if (p == plen)
                return 1;
            if (++stars > GLOB_MAX_STAR_NESTING)
                return 0;
            have_star = 1;
            resume_p = p;
            resume_s = s;
            continue;
        }
        if (p < plen && token_match(pattern, plen, &p, str[s], nocase)) {
            s++;
            continue;
        }
        if (!have_star)
            return 0;
        /* Let the latest star absorb one more byte and retry after it. */
        p = resume_p;
        s = ++resume_s;
    }
    return skip_stars(pattern, plen, p) == plen;
}

int glob_match_cstr(const char *pattern, const char *str, int nocase)
{
    return glob_match(pattern, strlen(pattern), str, strlen(str), nocase);
}
