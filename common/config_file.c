/* config_file — redis.conf tokenizer and reader; see config_file.h. */
#include "config_file.h"

#include "argsplit.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mem.h"

/* Deep enough for any sane layout, shallow enough to stop runaway nesting. */
#define CFGFILE_MAX_INCLUDE_DEPTH 16

/* The files being read right now, outermost first, to refuse include loops. */
struct include_stack {
    char *paths[CFGFILE_MAX_INCLUDE_DEPTH];
    int depth;
};

struct load_state {
    cfgfile_directive_fn fn;
    void *ctx;
    struct cfgfile_error *err;
    struct include_stack stack;
};

static int load_path(struct load_state *st, const char *path);

static int is_blank(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

/* ---------- errors ---------- */

static void set_error(struct cfgfile_error *err, const char *file, int line, const char *raw,
                      size_t rawlen, vstr msg)
{
    cfgfile_error_clear(err);
    err->file = file ? vstr_from(file) : NULL;
    err->line = line;
    err->raw = raw ? vstr_new(raw, rawlen) : NULL;
    err->msg = msg;
}

void cfgfile_error_clear(struct cfgfile_error *err)
{
    vstr_free(err->file);
    vstr_free(err->raw);
    vstr_free(err->msg);
    memset(err, 0, sizeof(*err));
}

vstr cfgfile_error_format(const struct cfgfile_error *err, const char *product)
{
    const char *msg = err->msg ? err->msg : "unknown error";
    if (err->line == 0)
        return vstr_from(msg);
    vstr s = vstr_catfmt(vstr_empty(), "\n*** FATAL CONFIG FILE ERROR (%s) ***\n", product);
    if (err->file)
        s = vstr_catfmt(s, "Reading the configuration file %s, at line %d\n", err->file, err->line);
    else
        s = vstr_catfmt(s, "Reading the configuration file, at line %d\n", err->line);
    s = vstr_catfmt(s, ">>> '%s'\n%s", err->raw ? err->raw : "", msg);
    return s;
}

/* ---------- reading ---------- */

static int has_glob_chars(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir whose names match pattern, sorted; NULL if dir is
 * unreadable.  (common/glob.h is the project's matcher for keys, and it
 * shadows the C library's <glob.h>, hence fnmatch and a directory scan.) */
static char **match_dir(const char *dir, const char *pattern, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = mem_malloc(sizeof(char *));
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (fnmatch(pattern, de->d_name, FNM_PERIOD) != 0)
            continue;
        names = mem_realloc(names, sizeof(char *) * (n + 1));
        names[n++] = vstr_catfmt(vstr_empty(), "%s/%s", dir, de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(char *), compare_names);
    *count = n;
    return names;
}

/* `include` may name one file or a pattern in its last path component; a
 * pattern matching no file is not an error, a missing plain file is. */
static int handle_include(struct load_state *st, const char *pattern)
{
    const char *slash = strrchr(pattern, '/');
    const char *base = slash ? slash + 1 : pattern;
    if (!has_glob_chars(base))
        return load_path(st, pattern);
    vstr dir = slash ? vstr_new(pattern, (size_t)(slash - pattern)) : vstr_from(".");
    if (vstr_len(dir) == 0)
        dir = vstr_cat(dir, "/", 1);
    size_t n = 0;
    char **files = match_dir(dir, base, &n);
    int result = 0;
    if (!files) {
        set_error(st->err, NULL, 0, NULL, 0,
                  vstr_catfmt(vstr_empty(), "Fatal error, can't open config file '%s': %s",
                              pattern, strerror(errno)));
        result = -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (result == 0)
            result = load_path(st, files[i]);
        vstr_free(files[i]);
    }
    mem_free(files);
    vstr_free(dir);
    return result;
}

/* Handles one trimmed, non-comment line. */
static int load_line(struct load_state *st, const char *name, int lineno, const char *line,
                     size_t len)
{
    int argc;
    vstr *argv = argsplit(line, len, &argc);
    if (!argv) {
        set_error(st->err, name, lineno, line, len,
                  vstr_from("Unbalanced quotes in configuration line"));
        return -1;
    }
    int rc = 0;
    if (argc > 0) {
        vstr_tolower(argv[0]);
        if (strcmp(argv[0], "include") == 0 && argc == 2) {
            rc = handle_include(st, argv[1]);
        } else if (strcmp(argv[0], "include") == 0) {
            set_error(st->err, name, lineno, line, len,
                      vstr_from("Bad directive or wrong number of arguments"));
            rc = -1;
        } else {
            vstr msg = NULL;
            rc = st->fn(st->ctx, name, lineno, argc, argv, &msg);
            if (rc != 0)
                set_error(st->err, name, lineno, line, len,
                          msg ? msg : vstr_from("Bad directive or wrong number of arguments"));
            else
                vstr_free(msg);
        }
    }
    argsplit_free(argv, argc);
    return rc;
}

static int load_text(struct load_state *st, const char *name, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    int lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *s = p, *e = eol;
        lineno++;
        p = nl ? nl + 1 : end;
        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (s == e || *s == '#')
            continue;
        if (load_line(st, name, lineno, s, (size_t)(e - s)) != 0)
            return -1;
    }
    return 0;
}

static vstr read_fd(FILE *fp)
{
    vstr buf = vstr_empty();
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf = vstr_cat(buf, chunk, n);
    if (ferror(fp)) {
        vstr_free(buf);
        return NULL;
    }
    return buf;
}

static vstr read_whole_file(const char *path)
{
    if (strcmp(path, "-") == 0)
        return read_fd(stdin);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    vstr buf = read_fd(fp);
    int saved = errno;
    fclose(fp);
    errno = saved;
    return buf;
}

/* Pushes the canonical path of a file about to be read; -1 on a loop. */
static int push_include(struct load_state *st, const char *path)
{
    char *real = realpath(path, NULL);
    const char *key = real ? real : path;
    if (st->stack.depth == CFGFILE_MAX_INCLUDE_DEPTH) {
        set_error(st->err, NULL, 0, NULL, 0,
                  vstr_catfmt(vstr_empty(), "Fatal error, includes nested too deeply at '%s'",
                              path));
        free(real);
        return -1;
    }
    for (int i = 0; i < st->stack.depth; i++) {
        if (strcmp(st->stack.paths[i], key) == 0) {
            set_error(st->err, NULL, 0, NULL, 0,
                      vstr_catfmt(vstr_empty(),
                                  "Fatal error, include loop: '%s' is already being read", path));
            free(real);
            return -1;
        }
    }
    st->stack.paths[st->stack.depth++] = mem_strdup(key);
    free(real);
    return 0;
}

static void pop_include(struct load_state *st)
{
    mem_free(st->stack.paths[--st->stack.depth]);
}

static int load_path(struct load_state *st, const char *path)
{
    int from_stdin = strcmp(path, "-") == 0;
    if (!from_stdin && push_include(st, path) != 0)
        return -1;
    vstr text = read_whole_file(path);
    int rc = -1;
    if (!text) {
        set_error(st->err, NULL, 0, NULL, 0,
                  vstr_catfmt(vstr_empty(), "Fatal error, can't open config file '%s': %s", path,
                              strerror(errno)));
    } else {
        rc = load_text(st, from_stdin ? "(stdin)" : path, text, vstr_len(text));
        vstr_free(text);
    }
    if (!from_stdin)
        pop_include(st);
    return rc;
}

int cfgfile_load_file(const char *path, cfgfile_directive_fn fn, void *ctx,
                      struct cfgfile_error *err)
{
    struct load_state st = {.fn = fn, .ctx = ctx, .err = err};
    return load_path(&st, path);
}

int cfgfile_load_string(const char *name, const char *text, size_t len, cfgfile_directive_fn fn,
                        void *ctx, struct cfgfile_error *err)
{
    struct load_state st = {.fn = fn, .ctx = ctx, .err = err};
    return load_text(&st, name, text, len);
}

/* ---------- command line ---------- */

const char *cfgfile_cmdline_file(int argc, char **argv, int *first_option)
{
    *first_option = 0;
    if (argc == 0 || (argv[0][0] == '-' && argv[0][1] != '\0'))
        return NULL;
    *first_option = 1;
    return argv[0];
}

static int starts_option(const char *a)
{
    return a[0] == '-' && a[1] == '-';
}

/* True when the argument is only a name ("--port"), not "--port 6380". */
static int is_bare_name(const char *a)
{
    int n;
    vstr *parts = argsplit(a, strlen(a), &n);
    argsplit_free(parts, n);
    return parts && n == 1;
}

/* A name right after another name with no value yet is taken as that
 * name's value (so `--masterauth --secret` works), except that a bare
 * `--save` followed by another option or by nothing means `save ""`. */
vstr cfgfile_cmdline_to_text(int argc, char **argv, int *read_stdin)
{
    vstr text = vstr_empty();
    int awaiting_value = 0;

    *read_stdin = 0;
    for (int j = 0; j < argc; j++) {
        const char *a = argv[j];
        int last = j == argc - 1;
        if (strcmp(a, "-") == 0 && last) {
            *read_stdin = 1;
        } else if (!awaiting_value && starts_option(a)) {
            if (vstr_len(text))
                text = vstr_cat(text, "\n", 1);
            text = vstr_cat_cstr(text, a + 2);
            text = vstr_cat(text, " ", 1);
            awaiting_value = is_bare_name(a);
            if (awaiting_value && strcasecmp(a, "--save") == 0 &&
                (last || starts_option(argv[j + 1]))) {
                text = vstr_cat_cstr(text, "\"\"");
                awaiting_value = 0;
            }
        } else {
            text = vstr_cat_repr(text, a, strlen(a));
            text = vstr_cat(text, " ", 1);
            awaiting_value = 0;
        }
    }
    return text;
}
