/* argsplit — Redis-style argument splitting; see argsplit.h. */
#include "argsplit.h"

#include "mem.h"

#include <ctype.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char escape_char(char c)
{
    switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
    }
}

/* Reads one argument starting at *p; returns it, or NULL on bad quoting. */
static vstr read_arg(const char **pp, const char *end)
{
    const char *p = *pp;
    vstr arg = vstr_empty();
    char quote = 0;
    for (;;) {
        if (p == end) {
            if (quote) {
                vstr_free(arg);
                return NULL;
            }
            break;
        }
        if (quote && *p == quote) {
            p++;
            /* A closing quote must end the argument. */
            if (p != end && !isspace((unsigned char)*p)) {
                vstr_free(arg);
                return NULL;
            }
            break;
        }
        if (quote == '"') {
            if (*p == '\\' && end - p >= 4 && p[1] == 'x' && hex_value(p[2]) >= 0 &&
                hex_value(p[3]) >= 0) {
                char byte = (char)(hex_value(p[2]) * 16 + hex_value(p[3]));
                arg = vstr_cat(arg, &byte, 1);
                p += 4;
                continue;
            }
            if (*p == '\\' && end - p >= 2) {
                char c = escape_char(p[1]);
                arg = vstr_cat(arg, &c, 1);
                p += 2;
                continue;
            }
            arg = vstr_cat(arg, p++, 1);
        } else if (quote == '\'') {
            if (*p == '\\' && end - p >= 2 && p[1] == '\'') {
                arg = vstr_cat(arg, "'", 1);
                p += 2;
                continue;
            }
            arg = vstr_cat(arg, p++, 1);
        } else {
            if (isspace((unsigned char)*p))
                break;
            if (*p == '"' || *p == '\'') {
                quote = *p++;
                continue;
            }
            arg = vstr_cat(arg, p++, 1);
        }
    }
    *pp = p;
    return arg;
}

vstr *argsplit(const char *line, size_t len, int *argc)
{
    const char *p = line, *end = line + len;
    int count = 0, cap = 4;
    vstr *argv = mem_malloc(sizeof(vstr) * (size_t)cap);
    for (;;) {
        while (p != end && isspace((unsigned char)*p))
            p++;
        if (p == end)
            break;
        vstr arg = read_arg(&p, end);
        if (!arg) {
            argsplit_free(argv, count);
            *argc = 0;
            return NULL;
        }
        if (count + 1 >= cap) {
            cap *= 2;
            argv = mem_realloc(argv, sizeof(vstr) * (size_t)cap);
        }
        argv[count++] = arg;
    }
    argv[count] = NULL;
    *argc = count;
    return argv;
}

void argsplit_free(vstr *argv, int argc)
{
    if (!argv)
        return;
    for (int i = 0; i < argc; i++)
        vstr_free(argv[i]);
    mem_free(argv);
}
