/* aof — the AOF buffer, writes and fsync policies, the manifest's file
 * transitions, and turning AOF on and off; see aof.h. */
#include "aof.h"

#include "aof_load.h"
#include "aof_manifest.h"
#include "aof_rewrite.h"
#include "bio.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "mtime.h"
#include "propagate.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* everysec: how long a write may wait for a slow background fsync before
 * it goes ahead anyway (counted in aof_delayed_fsync). */
#define MAX_FLUSH_POSTPONE_MS 2000

static struct {
    enum aof_state state;
    int fd;
    vstr buf;
    int selected_db;
    long long last_ts; /* of the last #TS annotation */
    struct aof_manifest *manifest;
    long long current_size;   /* base + incremental files */
    long long base_size;      /* current_size after the last load or rewrite */
    long long last_incr_size; /* of the file receiving writes */
    long long last_fsync_ms;
    long long fsynced_size; /* current_size when the last fsync was asked */
    long long flush_postponed_ms;
    long long delayed_fsync;
    int write_errno; /* 0 while writes succeed */
} aof = {.fd = -1, .selected_db = -1};

/* Set from the bio thread. */
static atomic_int fsyncs_in_flight;
static atomic_int bio_fsync_errno;

const char *aof_dir(void)
{
    return cfg.appenddirname;
}

enum aof_state aof_get_state(void)
{
    return aof.state;
}

static vstr path_in_dir(const char *name)
{
    return vstr_catfmt(vstr_empty(), "%s/%s", aof_dir(), name);
}

static vstr temp_incr_name(void)
{
    return vstr_catfmt(vstr_empty(), "temp-%s.incr", cfg.appendfilename);
}

int aof_ensure_dir(void)
{
    if (mkdir(aof_dir(), 0755) == 0 || errno == EEXIST)
        return 0;
    log_warning("Can't open or create append-only dir %s: %s", aof_dir(), strerror(errno));
    return -1;
}

static long long file_size(const char *name)
{
    vstr path = path_in_dir(name);
    struct stat st;
    long long size = stat(path, &st) == 0 ? (long long)st.st_size : 0;
    vstr_free(path);
    return size;
}

static int open_append(const char *name, int truncate)
{
    vstr path = path_in_dir(name);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | (truncate ? O_TRUNC : 0), 0644);
    if (fd < 0)
        log_warning("Can't open the append-only file %s: %s", name, strerror(errno));
    vstr_free(path);
    return fd;
}

/* ---------- background jobs ---------- */

/* Only fsyncs of the file receiving writes are counted: they are what a
 * write would queue behind.  Closing a retired file syncs it too. */
static void fsync_job(void *fdp, void *close_after)
{
    int fd = (int)(intptr_t)fdp;
    if (fdatasync(fd) < 0 && errno != EINVAL)
        atomic_store(&bio_fsync_errno, errno);
    else
        atomic_store(&bio_fsync_errno, 0);
    if (close_after)
        close(fd);
    else
        atomic_fetch_sub(&fsyncs_in_flight, 1);
}

static void submit_fsync(int fd, int close_after)
{
    if (!close_after)
        atomic_fetch_add(&fsyncs_in_flight, 1);
    bio_submit(fsync_job, (void *)(intptr_t)fd, close_after ? (void *)1 : NULL);
}

static void unlink_job(void *path, void *unused)
{
    (void)unused;
    unlink(path);
    vstr_free(path);
}

/* ---------- feeding the buffer ---------- */

static vstr cat_bulk(vstr s, const char *p, size_t len)
{
    s = vstr_catfmt(s, "$%zu\r\n", len);
    s = vstr_cat(s, p, len);
    return vstr_cat(s, "\r\n", 2);
}

static void feed_select(int dbid)
{
    char num[16];
    int n = snprintf(num, sizeof num, "%d", dbid);
    aof.buf = vstr_cat(aof.buf, "*2\r\n$6\r\nSELECT\r\n", 16);
    aof.buf = cat_bulk(aof.buf, num, (size_t)n);
    aof.selected_db = dbid;
}

/* The propagation sink.  While AOF waits for its first base, writes are
 * kept only once the rewrite child runs (they follow its snapshot). */
static void aof_feed(int dbid, int argc, const struct resp_arg *argv)
{
    if (aof.fd < 0)
        return;
    if (cfg.aof_timestamp_enabled && server.unixtime > aof.last_ts) {
        aof.buf = vstr_catfmt(aof.buf, "#TS:%lld\r\n", server.unixtime);
        aof.last_ts = server.unixtime;
    }
    if (dbid != aof.selected_db)
        feed_select(dbid);
    aof.buf = vstr_catfmt(aof.buf, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++)
        aof.buf = cat_bulk(aof.buf, argv[i].ptr, argv[i].len);
}

/* ---------- writing and fsync ---------- */

static ssize_t write_all(int fd, const char *p, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static void note_write_error(int err)
{
    if (aof.write_errno == 0)
        log_warning("Error writing to the AOF file: %s", strerror(err));
    aof.write_errno = err;
}

/* Under `always` an acknowledged write must be on disk: if that cannot be
 * guaranteed, stopping is the only honest answer, as in Redis. */
static void fatal_under_always(const char *what)
{
    log_warning("Can't recover from AOF %s error when the AOF fsync policy is 'always' (%s). "
                "Exiting...",
                what, strerror(errno));
    exit(1);
}

static void fsync_by_policy(void)
{
    if (cfg.no_appendfsync_on_rewrite && aof_rewrite_in_progress())
        return;
    if (cfg.appendfsync == APPENDFSYNC_ALWAYS) {
        if (fdatasync(aof.fd) < 0)
            fatal_under_always("fsync");
        aof.last_fsync_ms = server.mstime;
        aof.fsynced_size = aof.current_size;
    } else if (cfg.appendfsync == APPENDFSYNC_EVERYSEC &&
               server.mstime - aof.last_fsync_ms >= 1000 && !atomic_load(&fsyncs_in_flight)) {
        submit_fsync(aof.fd, 0);
        aof.last_fsync_ms = server.mstime;
        aof.fsynced_size = aof.current_size;
    }
}

/* everysec: a write behind a running fsync would block on the same disk,
 * so it waits (up to MAX_FLUSH_POSTPONE_MS) for the fsync to finish. */
static int postpone_write(int force)
{
    if (force || cfg.appendfsync != APPENDFSYNC_EVERYSEC || !atomic_load(&fsyncs_in_flight)) {
        aof.flush_postponed_ms = 0;
        return 0;
    }
    if (aof.flush_postponed_ms == 0) {
        aof.flush_postponed_ms = server.mstime;
        return 1;
    }
    if (server.mstime - aof.flush_postponed_ms < MAX_FLUSH_POSTPONE_MS)
        return 1;
    aof.delayed_fsync++;
    log_notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF "
               "buffer without waiting for fsync to complete, this may slow down Redis.");
    aof.flush_postponed_ms = 0;
    return 0;
}

void aof_flush(int force)
{
    if (aof.fd < 0)
        return;
    if (vstr_len(aof.buf) == 0) {
        /* Written but never synced (the write came right after an fsync). */
        if (cfg.appendfsync == APPENDFSYNC_EVERYSEC && aof.fsynced_size != aof.current_size)
            fsync_by_policy();
        return;
    }
    if (postpone_write(force))
        return;
    ssize_t n = write_all(aof.fd, aof.buf, vstr_len(aof.buf));
    if (n < 0) {
        if (cfg.appendfsync == APPENDFSYNC_ALWAYS)
            fatal_under_always("write");
        note_write_error(errno);
        return;
    }
    aof.current_size += n;
    aof.last_incr_size += n;
    /* What did not fit stays buffered and is retried: the file only ever
     * receives whole prefixes of the stream. */
    if ((size_t)n < vstr_len(aof.buf)) {
        if (cfg.appendfsync == APPENDFSYNC_ALWAYS)
            fatal_under_always("write");
        note_write_error(errno ? errno : ENOSPC);
        vstr_keep_range(aof.buf, (size_t)n, vstr_len(aof.buf) - (size_t)n);
        return;
    }
    if (aof.write_errno) {
        log_warning("AOF write error looks solved, Redis can write again.");
        aof.write_errno = 0;
    }
    vstr_clear(aof.buf);
    fsync_by_policy();
}

/* ---------- file transitions ---------- */

/* Swaps the file receiving writes; the old one is fsynced and closed in
 * the background, after any fsync already queued for it. */
static void switch_fd(int fd)
{
    if (aof.fd >= 0)
        submit_fsync(aof.fd, 1);
    aof.fd = fd;
    aof.selected_db = -1;
    aof.last_incr_size = 0;
}

static void delete_history(void)
{
    if (cfg.aof_disable_auto_gc || aof.manifest->history_count == 0)
        return;
    for (int i = 0; i < aof.manifest->history_count; i++) {
        const char *name = aof.manifest->history[i].name;
        log_notice("Removing the history file %s in the background", name);
        bio_submit(unlink_job, path_in_dir(name), NULL);
    }
    aof_manifest_clear_history(aof.manifest);
    if (aof_manifest_persist(aof_dir(), cfg.appendfilename, aof.manifest) < 0)
        log_warning("Can't persist the AOF manifest: %s", strerror(errno));
}

/* A new incremental file, in the manifest before any write reaches it. */
static int open_new_incr(void)
{
    struct aof_manifest *m = aof_manifest_dup(aof.manifest);
    const char *name = aof_manifest_new_incr(m, cfg.appendfilename);
    int fd = open_append(name, 0);
    if (fd >= 0 && aof_manifest_persist(aof_dir(), cfg.appendfilename, m) < 0) {
        log_warning("Can't persist the AOF manifest: %s", strerror(errno));
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        aof_manifest_free(m);
        return -1;
    }
    log_notice("Creating AOF incr file %s on background rewrite", name);
    aof_manifest_free(aof.manifest);
    aof.manifest = m;
    switch_fd(fd);
    return 0;
}

int aof_rewrite_prepare(void)
{
    if (aof.state == AOF_OFF)
        return 0;
    aof_flush(1);
    if (aof.state == AOF_ON)
        return open_new_incr();
    vstr name = temp_incr_name();
    int fd = open_append(name, 1);
    vstr_free(name);
    if (fd < 0)
        return -1;
    switch_fd(fd);
    return 0;
}

void aof_rewrite_abandon(void)
{
    if (aof.state != AOF_WAIT_REWRITE || aof.fd < 0)
        return;
    close(aof.fd);
    aof.fd = -1;
    vstr_clear(aof.buf);
    vstr name = temp_incr_name();
    vstr path = path_in_dir(name);
    unlink(path);
    vstr_free(path);
    vstr_free(name);
}

/* Renames the temporary incremental file of AOF_WAIT_REWRITE into m. */
static int adopt_temp_incr(struct aof_manifest *m)
{
    vstr tmp = temp_incr_name();
    vstr from = path_in_dir(tmp);
    vstr to = path_in_dir(aof_manifest_new_incr(m, cfg.appendfilename));
    int rc = rename(from, to);
    if (rc < 0)
        log_warning("Error trying to rename the temporary AOF incr file %s into %s: %s", tmp, to,
                    strerror(errno));
    vstr_free(tmp);
    vstr_free(from);
    vstr_free(to);
    return rc;
}

static int install_base(struct aof_manifest *m, const char *tmp_path, int rdb)
{
    const char *base = aof_manifest_new_base(m, cfg.appendfilename, rdb);
    vstr path = path_in_dir(base);
    int rc = rename(tmp_path, path);
    if (rc < 0)
        log_warning("Error trying to rename the temporary AOF base file %s into %s: %s", tmp_path,
                    base, strerror(errno));
    else
        log_notice("Successfully renamed the temporary AOF base file %s into %s", tmp_path, base);
    vstr_free(path);
    return rc;
}

int aof_rewrite_install(const char *tmp_path, int rdb)
{
    /* Whatever the parent buffered belongs to the file the new base does
     * not cover: it must be there before the manifest changes. */
    aof_flush(1);
    struct aof_manifest *m = aof_manifest_dup(aof.manifest);
    int waiting = aof.state == AOF_WAIT_REWRITE;
    if (install_base(m, tmp_path, rdb) < 0 || (waiting && adopt_temp_incr(m) < 0)) {
        aof_manifest_free(m);
        return -1;
    }
    aof_manifest_incr_to_history(m, aof.state != AOF_OFF);
    if (aof_manifest_persist(aof_dir(), cfg.appendfilename, m) < 0) {
        log_warning("Can't persist the AOF manifest: %s", strerror(errno));
        vstr base_path = path_in_dir(m->base->name);
        unlink(base_path);
        vstr_free(base_path);
        aof_manifest_free(m);
        return -1;
    }
    aof_manifest_free(aof.manifest);
    aof.manifest = m;
    if (waiting) {
        aof.state = AOF_ON;
        log_notice("Background AOF rewrite done: AOF is now on");
    }
    aof.base_size = file_size(m->base->name) + aof.last_incr_size;
    aof.current_size = aof.base_size;
    delete_history();
    return 0;
}

/* ---------- turning AOF on and off ---------- */

static int start_aof(void)
{
    if (aof_ensure_dir() < 0)
        return -1;
    aof_rewrite_kill();
    aof.state = AOF_WAIT_REWRITE;
    aof.last_fsync_ms = server.mstime;
    propagate_register_sink(aof_feed);
    if (aof_rewrite_start() < 0) {
        log_warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite "
                    "operation. Check the above logs for more info about the error.");
        propagate_unregister_sink(aof_feed);
        aof.state = AOF_OFF;
        return -1;
    }
    return 0;
}

static void stop_aof(void)
{
    /* First the rewrite: in AOF_WAIT_REWRITE its temporary file goes too. */
    aof_rewrite_kill();
    aof_rewrite_abandon();
    aof_rewrite_unschedule();
    aof_flush(1);
    if (aof.fd >= 0) {
        bio_drain();
        if (fdatasync(aof.fd) < 0)
            log_warning("Fail to fsync the AOF file: %s", strerror(errno));
        close(aof.fd);
        aof.fd = -1;
    }
    propagate_unregister_sink(aof_feed);
    aof.state = AOF_OFF;
    aof.selected_db = -1;
    vstr_clear(aof.buf);
}

static int apply_appendonly(const char **err)
{
    if (cfg.appendonly && aof.state == AOF_OFF && start_aof() < 0) {
        *err = "Unable to turn on AOF. Check server logs.";
        return -1;
    }
    if (!cfg.appendonly && aof.state != AOF_OFF)
        stop_aof();
    return 0;
}

/* ---------- start-up ---------- */

/* Before Redis 7.0 the AOF was one file in `dir`: it becomes the base of
 * a fresh manifest and moves into the directory. */
static int upgrade_single_file(void)
{
    if (access(cfg.appendfilename, F_OK) != 0)
        return 0;
    if (aof_ensure_dir() < 0)
        return -1;
    vstr to = path_in_dir(cfg.appendfilename);
    struct aof_manifest *m = aof_manifest_new();
    m->base = mem_calloc(sizeof *m->base);
    m->base->name = vstr_from(cfg.appendfilename);
    m->base->seq = m->base_seq = 1;
    m->base->type = AOF_FILE_BASE;
    int rc = aof_manifest_persist(aof_dir(), cfg.appendfilename, m);
    if (rc == 0)
        rc = rename(cfg.appendfilename, to);
    if (rc < 0) {
        log_warning("Error upgrading the AOF %s: %s", cfg.appendfilename, strerror(errno));
        aof_manifest_free(m);
    } else {
        log_notice("Successfully migrated an old-style AOF into the AOF directory");
        aof_manifest_free(aof.manifest);
        aof.manifest = m;
    }
    vstr_free(to);
    return rc;
}

void aof_init(void)
{
    aof.buf = vstr_empty();
    aof.manifest = aof_manifest_new();
    config_register_apply("appendonly", apply_appendonly);
    struct aof_manifest *m = NULL;
    vstr err = NULL;
    int found = aof_manifest_load(aof_dir(), cfg.appendfilename, &m, &err);
    if (found < 0) {
        log_warning("Can't load the AOF manifest: %s", err);
        vstr_free(err);
        if (cfg.appendonly)
            exit(1);
    } else if (found > 0) {
        aof_manifest_free(aof.manifest);
        aof.manifest = m;
    } else if (cfg.appendonly && upgrade_single_file() < 0) {
        exit(1);
    }
}

int aof_load_at_start(void)
{
    long long total, base;
    server.loading = 1;
    enum aof_load_status st = aof_load_manifest(aof.manifest, aof_dir(), &total, &base);
    server.loading = 0;
    if (st == AOF_LOAD_FAILED)
        return -1;
    aof.current_size = total;
    aof.base_size = base;
    server.dirty = 0;
    if (st == AOF_LOAD_OK || st == AOF_LOAD_TRUNCATED)
        log_notice("DB loaded from append only file");
    return 0;
}

static void create_first_base(void)
{
    if (aof_ensure_dir() < 0)
        exit(1);
    vstr tmp = vstr_catfmt(vstr_empty(), "%s/temp-rewriteaof-%d.aof", aof_dir(), (int)getpid());
    struct aof_manifest *m = aof_manifest_dup(aof.manifest);
    int rdb = cfg.aof_use_rdb_preamble;
    if (aof_rewrite_write_base(tmp, rdb) < 0 || install_base(m, tmp, rdb) < 0)
        exit(1);
    log_notice("Creating AOF base file %s on server start", m->base->name);
    aof_manifest_free(aof.manifest);
    aof.manifest = m;
    vstr_free(tmp);
}

void aof_open_at_start(void)
{
    if (!cfg.appendonly)
        return;
    if (!aof.manifest->base && aof.manifest->incr_count == 0)
        create_first_base();
    const char *incr = aof_manifest_last_incr(aof.manifest);
    if (incr) {
        aof.fd = open_append(incr, 0);
        aof.last_incr_size = file_size(incr);
    } else {
        incr = aof_manifest_new_incr(aof.manifest, cfg.appendfilename);
        aof.fd = open_append(incr, 0);
    }
    if (aof.fd < 0 || aof_manifest_persist(aof_dir(), cfg.appendfilename, aof.manifest) < 0) {
        log_warning("Can't open the AOF file or persist its manifest: %s", strerror(errno));
        exit(1);
    }
    aof.state = AOF_ON;
    aof.last_fsync_ms = server.mstime;
    aof.fsynced_size = aof.current_size;
    delete_history();
    propagate_register_sink(aof_feed);
}

/* ---------- cron, shutdown, INFO ---------- */

void aof_cron(void)
{
    int err = atomic_load(&bio_fsync_errno);
    if (err)
        note_write_error(err);
    aof_flush(0);
    aof_rewrite_cron(aof.current_size, aof.base_size);
}

void aof_shutdown(void)
{
    aof_rewrite_kill();
    if (aof.fd < 0)
        return;
    log_notice("Calling fsync() on the AOF file.");
    aof_flush(1);
    bio_drain();
    if (fdatasync(aof.fd) < 0)
        log_warning("Fail to fsync the AOF file: %s", strerror(errno));
}

vstr aof_info(vstr s)
{
    struct aof_rewrite_stats rs;
    aof_rewrite_get_stats(&rs);
    int write_ok = aof.write_errno == 0 && atomic_load(&bio_fsync_errno) == 0;
    s = vstr_catfmt(s,
                    "aof_enabled:%d\r\naof_rewrite_in_progress:%d\r\n"
                    "aof_rewrite_scheduled:%d\r\naof_last_rewrite_time_sec:%lld\r\n"
                    "aof_current_rewrite_time_sec:%lld\r\naof_last_bgrewrite_status:%s\r\n"
                    "aof_rewrites:%lld\r\naof_rewrites_consecutive_failures:%lld\r\n"
                    "aof_last_write_status:%s\r\naof_last_cow_size:0\r\n"
                    "module_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n",
                    aof.state != AOF_OFF, rs.in_progress, rs.scheduled, rs.last_time_sec,
                    rs.current_time_sec, rs.last_ok ? "ok" : "err", rs.rewrites,
                    rs.consecutive_failures, write_ok ? "ok" : "err");
    if (aof.state == AOF_OFF)
        return s;
    return vstr_catfmt(s,
                       "aof_current_size:%lld\r\naof_base_size:%lld\r\n"
                       "aof_pending_rewrite:%d\r\naof_buffer_length:%zu\r\n"
                       "aof_pending_bio_fsync:%d\r\naof_delayed_fsync:%lld\r\n",
                       aof.current_size, aof.base_size, rs.scheduled, vstr_len(aof.buf),
                       atomic_load(&fsyncs_in_flight), aof.delayed_fsync);
}
