/* aof_manifest — parsing, formatting and atomic persistence of the AOF
 * manifest; see aof_manifest.h. */
#include "aof_manifest.h"

#include "argsplit.h"
#include "mem.h"
#include "numconv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Redis refuses manifest lines longer than this; so do we. */
#define MANIFEST_MAX_LINE 1024
/* A manifest is a handful of lines: anything this big is not one. */
#define MANIFEST_MAX_SIZE (16 * 1024 * 1024)

struct aof_manifest *aof_manifest_new(void)
{
    return mem_calloc(sizeof(struct aof_manifest));
}

static void free_files(struct aof_file *files, int count)
{
    for (int i = 0; i < count; i++)
        vstr_free(files[i].name);
    mem_free(files);
}

void aof_manifest_free(struct aof_manifest *m)
{
    if (!m)
        return;
    if (m->base) {
        vstr_free(m->base->name);
        mem_free(m->base);
    }
    free_files(m->incr, m->incr_count);
    free_files(m->history, m->history_count);
    mem_free(m);
}

static struct aof_file *dup_files(const struct aof_file *files, int count)
{
    if (count == 0)
        return NULL;
    struct aof_file *copy = mem_malloc(sizeof *copy * (size_t)count);
    for (int i = 0; i < count; i++) {
        copy[i] = files[i];
        copy[i].name = vstr_dup(files[i].name);
    }
    return copy;
}

struct aof_manifest *aof_manifest_dup(const struct aof_manifest *m)
{
    struct aof_manifest *copy = aof_manifest_new();
    *copy = *m;
    if (m->base) {
        copy->base = mem_malloc(sizeof *copy->base);
        *copy->base = *m->base;
        copy->base->name = vstr_dup(m->base->name);
    }
    copy->incr = dup_files(m->incr, m->incr_count);
    copy->history = dup_files(m->history, m->history_count);
    return copy;
}

static void push_file(struct aof_file **files, int *count, struct aof_file f)
{
    *files = mem_realloc(*files, sizeof **files * (size_t)(*count + 1));
    (*files)[(*count)++] = f;
}

/* ---------- parsing ---------- */

/* Fills f from one line's key/value pairs; unknown keys are ignored, as
 * Redis does, so later versions may add some. */
static int parse_pairs(vstr *argv, int argc, struct aof_file *f, vstr *err)
{
    if (argc < 6 || argc % 2) {
        *err = vstr_from("Invalid AOF manifest file format");
        return -1;
    }
    for (int i = 0; i < argc; i += 2) {
        const char *key = argv[i], *val = argv[i + 1];
        size_t vlen = vstr_len(argv[i + 1]);
        if (!strcmp(key, "file")) {
            vstr_free(f->name);
            f->name = vstr_dup(argv[i + 1]);
        } else if (!strcmp(key, "seq")) {
            if (numconv_to_ll(val, vlen, &f->seq) < 0 || f->seq < 1) {
                *err = vstr_from("Invalid AOF manifest file format: bad seq");
                return -1;
            }
        } else if (!strcmp(key, "type")) {
            f->type = vlen == 1 ? val[0] : 0;
        }
    }
    if (!f->name || vstr_len(f->name) == 0 || memchr(f->name, '/', vstr_len(f->name))) {
        *err = vstr_from("Invalid AOF manifest file format: bad file name");
        return -1;
    }
    return 0;
}

static int add_parsed(struct aof_manifest *m, struct aof_file f, vstr *err)
{
    switch (f.type) {
    case AOF_FILE_BASE:
        if (m->base) {
            *err = vstr_from("Found duplicate base file information");
            return -1;
        }
        m->base = mem_malloc(sizeof *m->base);
        *m->base = f;
        if (f.seq > m->base_seq)
            m->base_seq = f.seq;
        return 0;
    case AOF_FILE_INCR:
        if (f.seq <= m->incr_seq) {
            *err = vstr_from("Found a non-monotonic sequence number");
            return -1;
        }
        m->incr_seq = f.seq;
        push_file(&m->incr, &m->incr_count, f);
        return 0;
    case AOF_FILE_HISTORY: push_file(&m->history, &m->history_count, f); return 0;
    default: *err = vstr_from("Unknown AOF file type"); return -1;
    }
}

static int parse_line(struct aof_manifest *m, const char *line, size_t len, vstr *err)
{
    int argc;
    vstr *argv = argsplit(line, len, &argc);
    if (!argv) {
        *err = vstr_from("Invalid AOF manifest file format");
        return -1;
    }
    struct aof_file f = {0};
    int rc = parse_pairs(argv, argc, &f, err);
    argsplit_free(argv, argc);
    if (rc == 0)
        rc = add_parsed(m, f, err);
    if (rc < 0)
        vstr_free(f.name);
    return rc;
}

static int is_blank(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return 0;
    return 1;
}

struct aof_manifest *aof_manifest_parse(const char *text, size_t len, vstr *err)
{
    struct aof_manifest *m = aof_manifest_new();
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t linelen = end - pos;
        if (linelen > MANIFEST_MAX_LINE) {
            *err = vstr_from("The AOF manifest file contains too long line");
            aof_manifest_free(m);
            return NULL;
        }
        const char *line = text + pos;
        pos = end + 1;
        if (linelen && line[linelen - 1] == '\r')
            linelen--;
        if (linelen == 0 || line[0] == '#' || is_blank(line, linelen))
            continue;
        if (parse_line(m, line, linelen, err) < 0) {
            aof_manifest_free(m);
            return NULL;
        }
    }
    return m;
}

/* ---------- formatting ---------- */

static int needs_quoting(const vstr name)
{
    for (size_t i = 0; i < vstr_len(name); i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch <= ' ' || ch >= 127 || ch == '"' || ch == '\'' || ch == '\\')
            return 1;
    }
    return 0;
}

static vstr format_file(vstr s, const struct aof_file *f)
{
    s = vstr_cat_cstr(s, "file ");
    if (needs_quoting(f->name))
        s = vstr_cat_repr(s, f->name, vstr_len(f->name));
    else
        s = vstr_cat_vstr(s, f->name);
    return vstr_catfmt(s, " seq %lld type %c\n", f->seq, f->type);
}

vstr aof_manifest_format(const struct aof_manifest *m)
{
    vstr s = vstr_empty();
    if (m->base)
        s = format_file(s, m->base);
    for (int i = 0; i < m->history_count; i++)
        s = format_file(s, &m->history[i]);
    for (int i = 0; i < m->incr_count; i++)
        s = format_file(s, &m->incr[i]);
    return s;
}

/* ---------- transitions ---------- */

const char *aof_manifest_new_base(struct aof_manifest *m, const char *prefix, int rdb)
{
    if (m->base) {
        m->base->type = AOF_FILE_HISTORY;
        push_file(&m->history, &m->history_count, *m->base);
    } else {
        m->base = mem_malloc(sizeof *m->base);
    }
    m->base_seq++;
    m->base->seq = m->base_seq;
    m->base->type = AOF_FILE_BASE;
    m->base->name =
        vstr_catfmt(vstr_empty(), "%s.%lld.base.%s", prefix, m->base_seq, rdb ? "rdb" : "aof");
    return m->base->name;
}

const char *aof_manifest_new_incr(struct aof_manifest *m, const char *prefix)
{
    m->incr_seq++;
    struct aof_file f = {
        .name = vstr_catfmt(vstr_empty(), "%s.%lld.incr.aof", prefix, m->incr_seq),
        .seq = m->incr_seq,
        .type = AOF_FILE_INCR,
    };
    push_file(&m->incr, &m->incr_count, f);
    return f.name;
}

void aof_manifest_incr_to_history(struct aof_manifest *m, int keep_last)
{
    int moved = m->incr_count - (keep_last && m->incr_count ? 1 : 0);
    for (int i = 0; i < moved; i++) {
        m->incr[i].type = AOF_FILE_HISTORY;
        push_file(&m->history, &m->history_count, m->incr[i]);
    }
    if (moved == 0)
        return;
    memmove(m->incr, m->incr + moved, sizeof *m->incr * (size_t)(m->incr_count - moved));
    m->incr_count -= moved;
}

void aof_manifest_clear_history(struct aof_manifest *m)
{
    free_files(m->history, m->history_count);
    m->history = NULL;
    m->history_count = 0;
}

const char *aof_manifest_last_incr(const struct aof_manifest *m)
{
    return m->incr_count ? m->incr[m->incr_count - 1].name : NULL;
}

/* ---------- the manifest file ---------- */

vstr aof_manifest_filename(const char *prefix)
{
    return vstr_catfmt(vstr_empty(), "%s.manifest", prefix);
}

static vstr read_whole(FILE *fp, int *toobig)
{
    vstr text = vstr_empty();
    char chunk[4096];
    size_t n;
    *toobig = 0;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        text = vstr_cat(text, chunk, n);
        if (vstr_len(text) > MANIFEST_MAX_SIZE) {
            *toobig = 1;
            break;
        }
    }
    return text;
}

int aof_manifest_load(const char *dir, const char *prefix, struct aof_manifest **out, vstr *err)
{
    vstr path = vstr_catfmt(vstr_empty(), "%s/%s.manifest", dir, prefix);
    FILE *fp = fopen(path, "r");
    vstr_free(path);
    if (!fp) {
        if (errno == ENOENT)
            return 0;
        *err = vstr_catfmt(vstr_empty(), "Fail to open AOF manifest: %s", strerror(errno));
        return -1;
    }
    int toobig;
    vstr text = read_whole(fp, &toobig);
    int failed = ferror(fp);
    fclose(fp);
    if (failed || toobig) {
        *err =
            vstr_from(toobig ? "The AOF manifest file is too large" : "Fail to read AOF manifest");
        vstr_free(text);
        return -1;
    }
    *out = aof_manifest_parse(text, vstr_len(text), err);
    vstr_free(text);
    return *out ? 1 : -1;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The rename is durable only once the directory entry is on disk. */
static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int aof_manifest_persist(const char *dir, const char *prefix, const struct aof_manifest *m)
{
    vstr tmp = vstr_catfmt(vstr_empty(), "%s/temp-%s.manifest", dir, prefix);
    vstr path = vstr_catfmt(vstr_empty(), "%s/%s.manifest", dir, prefix);
    vstr text = aof_manifest_format(m);
    int rc = -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        rc = write_all(fd, text, vstr_len(text));
        if (rc == 0)
            rc = fsync(fd);
        close(fd);
        if (rc == 0)
            rc = rename(tmp, path);
        if (rc == 0)
            rc = fsync_dir(dir);
        else
            unlink(tmp);
    }
    int saved = errno;
    vstr_free(text);
    vstr_free(tmp);
    vstr_free(path);
    errno = saved;
    return rc;
}
