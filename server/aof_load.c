/* aof_load — parsing AOF files and replaying them; see aof_load.h. */
#include "aof_load.h"

#include "client.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "mtime.h"
#include "numconv.h"
#include "rdb.h"
#include "server.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "*<argc>\r\n" and "$<len>\r\n" lines are short; a longer one is garbage. */
#define HEADER_LINE_MAX 64
/* Payloads are read in pieces so a corrupt length on a short file ends in
 * "truncated" rather than in one huge allocation. */
#define READ_CHUNK (64 * 1024)
#define ARGV_INITIAL_MAX 1024
#define RDB_MAGIC "REDIS"

/* ---------- the reader ---------- */

void aof_reader_init(struct aof_reader *r, FILE *fp, long long offset, long long max_bulk_len)
{
    r->fp = fp;
    r->offset = offset;
    r->max_bulk_len = max_bulk_len;
}

void aof_argv_free(int argc, vstr *argv)
{
    for (int i = 0; i < argc; i++)
        vstr_free(argv[i]);
    mem_free(argv);
}

static enum aof_read_result eof_or_error(struct aof_reader *r)
{
    return ferror(r->fp) ? AOF_READ_IO_ERROR : AOF_READ_TRUNCATED;
}

/* Reads one "\r\n"-terminated line into buf (without the terminator).
 * *got_any tells a clean EOF (nothing read) from a cut line. */
static enum aof_read_result read_line(struct aof_reader *r, char *buf, size_t size, size_t *len,
                                      int *got_any)
{
    size_t n = 0;
    *got_any = 0;
    for (;;) {
        int ch = getc(r->fp);
        if (ch == EOF)
            return eof_or_error(r);
        *got_any = 1;
        r->offset++;
        if (ch == '\n')
            break;
        if (n + 1 >= size)
            return AOF_READ_BAD_FORMAT;
        buf[n++] = (char)ch;
    }
    if (n == 0 || buf[n - 1] != '\r')
        return AOF_READ_BAD_FORMAT;
    buf[--n] = '\0';
    *len = n;
    return AOF_READ_CMD;
}

/* Annotations ('#' lines) carry no data for loading; they may be long. */
static enum aof_read_result skip_line(struct aof_reader *r)
{
    for (;;) {
        int ch = getc(r->fp);
        if (ch == EOF)
            return eof_or_error(r);
        r->offset++;
        if (ch == '\n')
            return AOF_READ_CMD;
    }
}

static enum aof_read_result read_count(struct aof_reader *r, char prefix, long long max,
                                       long long *out)
{
    char line[HEADER_LINE_MAX];
    size_t len;
    int got_any;
    enum aof_read_result res = read_line(r, line, sizeof line, &len, &got_any);
    if (res != AOF_READ_CMD)
        return res;
    if (line[0] != prefix || numconv_to_ll(line + 1, len - 1, out) < 0 || *out < 0 || *out > max)
        return AOF_READ_BAD_FORMAT;
    return AOF_READ_CMD;
}

static enum aof_read_result read_bulk(struct aof_reader *r, vstr *out)
{
    long long len;
    enum aof_read_result res = read_count(r, '$', r->max_bulk_len, &len);
    if (res != AOF_READ_CMD)
        return res;
    vstr s = vstr_empty();
    long long left = len + 2;
    while (left > 0) {
        size_t want = left > READ_CHUNK ? READ_CHUNK : (size_t)left;
        s = vstr_make_room(s, want);
        size_t got = fread(s + vstr_len(s), 1, want, r->fp);
        vstr_incr_len(s, got);
        r->offset += (long long)got;
        left -= (long long)got;
        if (got < want) {
            vstr_free(s);
            return eof_or_error(r);
        }
    }
    if (s[len] != '\r' || s[len + 1] != '\n') {
        vstr_free(s);
        return AOF_READ_BAD_FORMAT;
    }
    vstr_set_len(s, (size_t)len);
    *out = s;
    return AOF_READ_CMD;
}

/* The first byte of the next item: '*' a command, '#' an annotation. */
static enum aof_read_result next_item(struct aof_reader *r, int *first)
{
    for (;;) {
        int ch = getc(r->fp);
        if (ch == EOF)
            return ferror(r->fp) ? AOF_READ_IO_ERROR : AOF_READ_EOF;
        if (ch != '#') {
            ungetc(ch, r->fp);
            *first = ch;
            return AOF_READ_CMD;
        }
        r->offset++;
        enum aof_read_result res = skip_line(r);
        if (res != AOF_READ_CMD)
            return res;
    }
}

enum aof_read_result aof_reader_next(struct aof_reader *r, int *argc, vstr **argv)
{
    int first;
    enum aof_read_result res = next_item(r, &first);
    if (res != AOF_READ_CMD)
        return res;
    if (first != '*')
        return AOF_READ_BAD_FORMAT;
    long long count;
    res = read_count(r, '*', INT_MAX, &count);
    if (res != AOF_READ_CMD)
        return res;
    if (count < 1)
        return AOF_READ_BAD_FORMAT;
    int cap = count < ARGV_INITIAL_MAX ? (int)count : ARGV_INITIAL_MAX;
    vstr *args = mem_malloc(sizeof(vstr) * (size_t)cap);
    int n = 0;
    while (n < count) {
        if (n == cap) {
            cap = count - cap < cap ? (int)count : cap * 2;
            args = mem_realloc(args, sizeof(vstr) * (size_t)cap);
        }
        res = read_bulk(r, &args[n]);
        if (res != AOF_READ_CMD) {
            aof_argv_free(n, args);
            return res;
        }
        n++;
    }
    *argc = n;
    *argv = args;
    return AOF_READ_CMD;
}

/* ---------- replaying ---------- */

struct replay {
    struct client *client;
    const char *path;
    /* Commands of an open MULTI, run when its EXEC arrives. */
    int in_multi;
    long long multi_offset; /* where the MULTI started: the cut point */
    int queued, queue_cap;
    int *queued_argc;
    vstr **queued_argv;
};

static int is_word(int argc, vstr *argv, const char *word)
{
    return argc == 1 && !strcasecmp(argv[0], word);
}

static int arity_ok(const struct command *cmd, int argc)
{
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

static int execute(struct replay *rp, int argc, vstr *argv)
{
    struct resp_arg *args = mem_malloc(sizeof *args * (size_t)argc);
    for (int i = 0; i < argc; i++)
        args[i] = (struct resp_arg){argv[i], vstr_len(argv[i])};
    struct command *cmd = commands_lookup_argv(argc, args);
    int rc = 0;
    if (!cmd || !cmd->proc) {
        log_warning("Unknown command '%s' reading the append only file %s", argv[0], rp->path);
        rc = -1;
    } else if (!arity_ok(cmd, argc)) {
        log_warning("Wrong number of arguments for '%s' reading the append only file %s", argv[0],
                    rp->path);
        rc = -1;
    } else {
        struct client *c = rp->client;
        c->argc = argc;
        c->argv = args;
        c->cmd = cmd;
        commands_call(c);
        c->argc = 0;
        c->argv = NULL;
    }
    mem_free(args);
    return rc;
}

static void queue_command(struct replay *rp, int argc, vstr *argv)
{
    if (rp->queued == rp->queue_cap) {
        rp->queue_cap = rp->queue_cap ? rp->queue_cap * 2 : 16;
        rp->queued_argc = mem_realloc(rp->queued_argc, sizeof(int) * (size_t)rp->queue_cap);
        rp->queued_argv = mem_realloc(rp->queued_argv, sizeof(vstr *) * (size_t)rp->queue_cap);
    }
    rp->queued_argc[rp->queued] = argc;
    rp->queued_argv[rp->queued++] = argv;
}

static void drop_queue(struct replay *rp)
{
    for (int i = 0; i < rp->queued; i++)
        aof_argv_free(rp->queued_argc[i], rp->queued_argv[i]);
    rp->queued = 0;
}

static int run_queue(struct replay *rp)
{
    int rc = 0;
    for (int i = 0; i < rp->queued && rc == 0; i++)
        rc = execute(rp, rp->queued_argc[i], rp->queued_argv[i]);
    drop_queue(rp);
    return rc;
}

/* Takes ownership of argv.  MULTI opens a queue, EXEC runs it. */
static int replay_command(struct replay *rp, int argc, vstr *argv, long long start_offset)
{
    int rc = 0;
    if (is_word(argc, argv, "multi")) {
        rp->in_multi = 1;
        rp->multi_offset = start_offset;
        drop_queue(rp);
    } else if (is_word(argc, argv, "exec")) {
        rc = rp->in_multi ? run_queue(rp) : 0;
        rp->in_multi = 0;
    } else if (rp->in_multi) {
        queue_command(rp, argc, argv);
        return 0;
    } else {
        rc = execute(rp, argc, argv);
    }
    aof_argv_free(argc, argv);
    return rc;
}

/* ---------- one file ---------- */

/* A base written with aof-use-rdb-preamble is an RDB image; commands may
 * follow it (an RDB preamble in a pre-7.0 single-file AOF). */
static int load_rdb_preamble(FILE *fp, const char *path)
{
    log_notice("Reading RDB base file on AOF loading...");
    struct rdb_in in;
    rdb_in_init_file(&in, fp);
    in.checksum = cfg.rdbchecksum;
    struct rdb_load_stats stats;
    if (rdb_read_dataset(&in, !server_is_replica(), &stats) < 0) {
        log_warning("Error reading the RDB base file %s, AOF loading aborted: %s at offset %llu",
                    path, in.err, (unsigned long long)in.pos);
        return -1;
    }
    log_notice("Reading the remaining AOF tail...");
    return 0;
}

static int starts_with_rdb(FILE *fp)
{
    char magic[sizeof RDB_MAGIC - 1];
    size_t n = fread(magic, 1, sizeof magic, fp);
    rewind(fp);
    return n == sizeof magic && !memcmp(magic, RDB_MAGIC, sizeof magic);
}

/* Cuts the broken tail so the next append continues a valid file. */
static int truncate_tail(const char *path, long long valid_up_to)
{
    log_warning("!!! Warning: short read while loading the AOF file %s!!!", path);
    log_warning("!!! Truncating the AOF %s at offset %lld !!!", path, valid_up_to);
    if (truncate(path, valid_up_to) < 0) {
        log_warning("Error truncating the AOF file %s: %s", path, strerror(errno));
        return -1;
    }
    log_warning("AOF %s loaded anyway because aof-load-truncated is enabled", path);
    return 0;
}

static enum aof_load_status truncated(const char *path, int last, long long valid_up_to)
{
    if (!last) {
        log_warning("Fatal error: the truncated file is not the last file");
        return AOF_LOAD_FAILED;
    }
    if (cfg.aof_load_truncated && truncate_tail(path, valid_up_to) == 0)
        return AOF_LOAD_TRUNCATED;
    log_warning("Unexpected end of file reading the append only file %s. You can: "
                "1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
                "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
                "configuration option to yes and restart the server.",
                path);
    return AOF_LOAD_FAILED;
}

static enum aof_load_status replay_stream(struct replay *rp, struct aof_reader *r, int last)
{
    for (;;) {
        long long start = r->offset;
        int argc;
        vstr *argv;
        enum aof_read_result res = aof_reader_next(r, &argc, &argv);
        switch (res) {
        case AOF_READ_CMD:
            if (replay_command(rp, argc, argv, start) < 0)
                return AOF_LOAD_FAILED;
            break;
        case AOF_READ_EOF:
            if (!rp->in_multi)
                return AOF_LOAD_OK;
            log_warning("Revert incomplete MULTI/EXEC transaction in AOF file %s", rp->path);
            return truncated(rp->path, last, rp->multi_offset);
        case AOF_READ_TRUNCATED:
            return truncated(rp->path, last, rp->in_multi ? rp->multi_offset : start);
        case AOF_READ_BAD_FORMAT:
            log_warning("Bad file format reading the append only file %s: make a backup of "
                        "your AOF file, then use ./redis-check-aof --fix <filename.manifest>",
                        rp->path);
            return AOF_LOAD_FAILED;
        case AOF_READ_IO_ERROR:
            log_warning("Unrecoverable error reading the append only file %s: %s", rp->path,
                        strerror(errno));
            return AOF_LOAD_FAILED;
        }
    }
}

static enum aof_load_status load_file(const char *path, int last, long long *size)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        log_warning("Fatal error: can't open the append log file %s for reading: %s", path,
                    strerror(errno));
        return AOF_LOAD_FAILED;
    }
    struct stat st;
    *size = fstat(fileno(fp), &st) == 0 ? (long long)st.st_size : 0;
    if (*size == 0) {
        fclose(fp);
        return AOF_LOAD_EMPTY;
    }
    struct replay rp = {.client = client_new(NULL), .path = path};
    struct aof_reader r;
    aof_reader_init(&r, fp, 0, cfg.proto_max_bulk_len);
    enum aof_load_status status = AOF_LOAD_OK;
    if (starts_with_rdb(fp) && load_rdb_preamble(fp, path) < 0)
        status = AOF_LOAD_FAILED;
    if (status == AOF_LOAD_OK) {
        r.offset = ftello(fp);
        status = replay_stream(&rp, &r, last);
    }
    drop_queue(&rp);
    mem_free(rp.queued_argc);
    mem_free(rp.queued_argv);
    client_free(rp.client);
    fclose(fp);
    if (status == AOF_LOAD_TRUNCATED)
        *size = (long long)(stat(path, &st) == 0 ? st.st_size : 0);
    return status;
}

/* ---------- the manifest's files ---------- */

static enum aof_load_status load_listed(const char *dir, const char *name, int last,
                                        long long *size)
{
    vstr path = vstr_catfmt(vstr_empty(), "%s/%s", dir, name);
    enum aof_load_status status;
    if (access(path, F_OK) != 0) {
        log_warning("The AOF file %s doesn't exist", name);
        status = AOF_LOAD_FAILED;
    } else {
        status = load_file(path, last, size);
    }
    vstr_free(path);
    return status;
}

enum aof_load_status aof_load_manifest(const struct aof_manifest *m, const char *dir,
                                       long long *total_size, long long *base_size)
{
    *total_size = *base_size = 0;
    int files = (m->base ? 1 : 0) + m->incr_count;
    if (files == 0)
        return AOF_LOAD_NOT_EXIST;
    int loaded_any = 0, was_truncated = 0;
    for (int i = 0; i < files; i++) {
        const struct aof_file *f = m->base ? (i == 0 ? m->base : &m->incr[i - 1]) : &m->incr[i];
        long long size = 0;
        uint64_t start = mtime_monotonic_us();
        enum aof_load_status st = load_listed(dir, f->name, i == files - 1, &size);
        if (st == AOF_LOAD_FAILED)
            return st;
        if (st != AOF_LOAD_EMPTY)
            loaded_any = 1;
        was_truncated |= st == AOF_LOAD_TRUNCATED;
        *total_size += size;
        if (f == m->base)
            *base_size = size;
        log_notice("DB loaded from %s %s: %.3f seconds",
                   f->type == AOF_FILE_BASE ? "base file" : "incr file", f->name,
                   (double)(mtime_monotonic_us() - start) / 1e6);
    }
    if (!loaded_any)
        return AOF_LOAD_EMPTY;
    return was_truncated ? AOF_LOAD_TRUNCATED : AOF_LOAD_OK;
}
