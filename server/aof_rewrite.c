/* aof_rewrite — the rewrite child, the base file writer, BGREWRITEAOF
 * and the automatic rewrite; see aof_rewrite.h. */
#include "aof_rewrite.h"

#include "aof.h"
#include "client.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "mtime.h"
#include "mem.h"
#include "numconv.h"
#include "rdb.h"
#include "reply.h"
#include "server.h"
#include "snapshot.h"
#include "t_hash.h"
#include "t_list.h"
#include "t_set.h"
#include "t_zset.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Elements per HMSET/ZADD: big values become several bounded commands. */
#define ITEMS_PER_CMD 64
/* With aof-rewrite-incremental-fsync, the child syncs every this many
 * bytes so the kernel never holds a huge dirty backlog. */
#define AUTOSYNC_BYTES (4 * 1024 * 1024)
/* A failed scheduled rewrite is retried no sooner than this. */
#define RETRY_DELAY_MS 5000

static struct {
    pid_t child;
    ev_child watcher;
    long long start_ms;
    vstr tmp_path;
    int rdb; /* the child writes an RDB image (aof-use-rdb-preamble) */
    int scheduled;
    long long retry_after_ms;
    long long last_time_sec;
    int last_ok;
    long long rewrites;
    long long consecutive_failures;
} rw = {.child = -1, .last_time_sec = -1, .last_ok = 1};

/* ---------- writing a base file in AOF format ---------- */

struct base_writer {
    FILE *fp;
    long long unsynced;
};

static void put_header(struct base_writer *w, char mark, long long n)
{
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%c%lld\r\n", mark, n);
    fwrite(buf, 1, (size_t)len, w->fp);
    w->unsynced += len;
}

static void put_bulk(struct base_writer *w, const char *p, size_t len)
{
    put_header(w, '$', (long long)len);
    fwrite(p, 1, len, w->fp);
    fwrite("\r\n", 1, 2, w->fp);
    w->unsynced += (long long)len + 2;
}

static void put_bulk_ll(struct base_writer *w, long long v)
{
    char buf[24];
    put_bulk(w, buf, numconv_ll_to_str(buf, v));
}

static void put_command_start(struct base_writer *w, long long argc, const char *name,
                              const char *key, size_t klen)
{
    put_header(w, '*', argc);
    put_bulk(w, name, strlen(name));
    put_bulk(w, key, klen);
}

static void write_string(struct base_writer *w, const char *key, size_t klen, vobj *o)
{
    char buf[24];
    size_t len;
    const char *p = obj_string_view(o, buf, &len);
    put_command_start(w, 3, "SET", key, klen);
    put_bulk(w, p, len);
}

/* A collection goes out as commands of at most ITEMS_PER_CMD elements:
 * one header per batch, then per_item bulks per element. */
struct batch {
    const char *name, *key;
    size_t klen;
    size_t left, in_cmd;
    int per_item;
};

static void batch_next(struct base_writer *w, struct batch *b)
{
    if (b->in_cmd == 0) {
        size_t n = b->left < ITEMS_PER_CMD ? b->left : ITEMS_PER_CMD;
        put_command_start(w, 2 + b->per_item * (long long)n, b->name, b->key, b->klen);
        b->in_cmd = n;
        b->left -= n;
    }
    b->in_cmd--;
}

static void write_list(struct base_writer *w, const char *key, size_t klen, vobj *o)
{
    struct batch b = {"RPUSH", key, klen, list_type_length(o), 0, 1};
    quicklist_iter *it = quicklist_iter_new(o->ptr, QUICKLIST_HEAD);
    quicklist_entry e;
    while (quicklist_iter_next(it, &e)) {
        batch_next(w, &b);
        if (e.value)
            put_bulk(w, (const char *)e.value, e.len);
        else
            put_bulk_ll(w, e.ival);
    }
    quicklist_iter_free(it);
}

static void write_set(struct base_writer *w, const char *key, size_t klen, vobj *o)
{
    struct batch b = {"SADD", key, klen, set_type_size(o), 0, 1};
    struct set_iter it;
    struct set_elem e;
    set_iter_init(&it, o);
    while (set_iter_next(&it, &e) == 0) {
        batch_next(w, &b);
        put_bulk(w, e.p, e.len);
    }
    set_iter_release(&it);
}

static void write_hash(struct base_writer *w, const char *key, size_t klen, vobj *o)
{
    struct batch b = {"HMSET", key, klen, hash_type_length(o), 0, 2};
    struct hash_iter it;
    hash_iter_init(&it, o);
    while (hash_iter_next(&it) == 0) {
        batch_next(w, &b);
        size_t flen, vlen;
        const char *f = hash_iter_field(&it, &flen);
        put_bulk(w, f, flen);
        const char *v = hash_iter_value(&it, &vlen);
        put_bulk(w, v, vlen);
    }
    hash_iter_release(&it);
}

static void write_zset(struct base_writer *w, const char *key, size_t klen, vobj *o)
{
    struct batch b = {"ZADD", key, klen, zset_length(o), 0, 2};
    struct zset_iter it;
    struct zset_elem e;
    zset_iter_init(&it, o, 0);
    while (zset_iter_next(&it, &e)) {
        batch_next(w, &b);
        char score[40];
        size_t slen = numconv_double_to_str(score, e.score);
        put_bulk(w, score, slen);
        put_bulk(w, e.member, e.len);
    }
}

/* Streams and modules have no type in Vigil: anything else is a bug. */
static int write_value(struct base_writer *w, const char *key, size_t klen, vobj *o)
{
    switch (o->type) {
    case OBJ_STRING: write_string(w, key, klen, o); return 0;
    case OBJ_LIST: write_list(w, key, klen, o); return 0;
    case OBJ_SET: write_set(w, key, klen, o); return 0;
    case OBJ_HASH: write_hash(w, key, klen, o); return 0;
    case OBJ_ZSET: write_zset(w, key, klen, o); return 0;
    default:
        log_warning("AOF rewrite: no writer for the %s value of a key", obj_type_name(o));
        return -1;
    }
}

static int sync_if_due(struct base_writer *w)
{
    if (!cfg.aof_rewrite_incremental_fsync || w->unsynced < AUTOSYNC_BYTES)
        return 0;
    w->unsynced = 0;
    if (fflush(w->fp) != 0)
        return -1;
    return fsync(fileno(w->fp));
}

static int write_db(struct base_writer *w, struct db *db, long long now)
{
    dict_iter it;
    dict_iter_init(&it, db->keys, 0);
    dict_entry *de;
    int rc = 0;
    while (rc == 0 && (de = dict_iter_next(&it))) {
        size_t klen = vstr_len(de->key);
        long long when = db_get_expire(db, de->key, klen);
        /* Already expired: loading would only delete it again. */
        if (when != -1 && when < now)
            continue;
        rc = write_value(w, de->key, klen, de->v.val);
        if (rc == 0 && when != -1) {
            put_command_start(w, 3, "PEXPIREAT", de->key, klen);
            put_bulk_ll(w, when);
        }
        if (rc == 0)
            rc = sync_if_due(w);
        /* Testing knob (rdb-key-save-delay): a rewrite slow enough to
         * observe and to interrupt. */
        if (cfg.rdb_key_save_delay > 0)
            usleep((useconds_t)cfg.rdb_key_save_delay);
    }
    dict_iter_release(&it);
    return rc;
}

static int write_dataset(struct base_writer *w)
{
    long long now = mtime_mstime();
    if (cfg.aof_timestamp_enabled)
        fprintf(w->fp, "#TS:%lld\r\n", now / 1000);
    for (int i = 0; i < cfg.databases; i++) {
        struct db *db = db_get(i);
        if (db_size(db) == 0)
            continue;
        put_header(w, '*', 2);
        put_bulk(w, "SELECT", 6);
        put_bulk_ll(w, i);
        if (write_db(w, db, now) < 0)
            return -1;
    }
    return 0;
}

static int write_rdb(FILE *fp)
{
    struct rdb_out out;
    rdb_out_init_file(&out, fp);
    out.key_delay_us = cfg.rdb_key_save_delay;
    return rdb_write_dataset(&out);
}

int aof_rewrite_write_base(const char *path, int rdb)
{
    FILE *fp = fopen(path, "w");
    if (!fp) {
        log_warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): %s",
                    strerror(errno));
        return -1;
    }
    struct base_writer w = {.fp = fp};
    int rc = rdb ? write_rdb(fp) : write_dataset(&w);
    if (rc == 0 && (fflush(fp) != 0 || fsync(fileno(fp)) != 0))
        rc = -1;
    if (fclose(fp) != 0)
        rc = -1;
    if (rc < 0) {
        log_warning("Write error writing append only file on disk: %s", strerror(errno));
        unlink(path);
    }
    return rc;
}

/* ---------- the child ---------- */

static vstr tmp_path_for(pid_t pid)
{
    return vstr_catfmt(vstr_empty(), "%s/temp-rewriteaof-bg-%d.aof", aof_dir(), (int)pid);
}

/* The loop's signal handling stays with the parent: the child must die
 * on the signals that stop it (SIGUSR1 when the parent kills it). */
static void child_reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
}

static void child_main(void)
{
    log_set_role('C');
    child_reset_signals();
    vstr path = tmp_path_for(getpid());
    int rc = aof_rewrite_write_base(path, rw.rdb);
    if (rc == 0)
        log_notice("Successfully created the temporary AOF base file %s", path);
    _exit(rc == 0 ? 0 : 1);
}

static void record_failure(void)
{
    rw.last_ok = 0;
    rw.consecutive_failures++;
    /* Turning AOF on waits for this rewrite: keep trying. */
    if (aof_get_state() == AOF_WAIT_REWRITE) {
        rw.scheduled = 1;
        rw.retry_after_ms = mtime_mstime() + RETRY_DELAY_MS;
    }
}

static void finish_child(void)
{
    ev_child_stop(server.loop, &rw.watcher);
    rw.child = -1;
    dict_allow_resize(!snapshot_child_active());
    rw.last_time_sec = (mtime_mstime() - rw.start_ms) / 1000;
    vstr_free(rw.tmp_path);
    rw.tmp_path = NULL;
}

static void on_child_exit(struct ev_loop *loop, ev_child *w, int revents)
{
    (void)loop;
    (void)revents;
    int status = w->rstatus;
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok) {
        log_notice("Background AOF rewrite terminated with success");
        ok = aof_rewrite_install(rw.tmp_path, rw.rdb) == 0;
    } else if (WIFSIGNALED(status)) {
        log_warning("Background AOF rewrite terminated by signal %d", WTERMSIG(status));
    } else {
        log_warning("Background AOF rewrite terminated with error");
    }
    if (ok) {
        log_notice("Background AOF rewrite finished successfully");
        rw.last_ok = 1;
        rw.rewrites++;
        rw.consecutive_failures = 0;
    } else {
        unlink(rw.tmp_path);
        aof_rewrite_abandon();
        record_failure();
    }
    finish_child();
}

static void schedule(void)
{
    rw.scheduled = 1;
    rw.retry_after_ms = 0;
}

int aof_rewrite_start(void)
{
    if (rw.child != -1)
        return -1;
    /* One fork at a time, as in Redis: copy-on-write memory adds up. */
    if (snapshot_child_active()) {
        schedule();
        return 1;
    }
    rw.scheduled = 0;
    if (aof_ensure_dir() < 0 || aof_rewrite_prepare() < 0) {
        record_failure();
        return -1;
    }
    long long start = mtime_mstime();
    rw.rdb = cfg.aof_use_rdb_preamble;
    pid_t pid = fork();
    if (pid == 0)
        child_main();
    if (pid < 0) {
        log_warning("Can't rewrite append only file in background: fork: %s", strerror(errno));
        aof_rewrite_abandon();
        record_failure();
        return -1;
    }
    rw.child = pid;
    rw.start_ms = start;
    dict_allow_resize(0);
    rw.tmp_path = tmp_path_for(pid);
    ev_child_init(&rw.watcher, on_child_exit, pid, 0);
    ev_child_start(server.loop, &rw.watcher);
    log_notice("Background append only file rewriting started by pid %d", (int)pid);
    return 0;
}

int aof_rewrite_in_progress(void)
{
    return rw.child != -1;
}

void aof_rewrite_kill(void)
{
    if (rw.child == -1)
        return;
    log_notice("Killing running AOF rewrite child: %d", (int)rw.child);
    kill(rw.child, SIGUSR1);
    while (waitpid(rw.child, NULL, 0) < 0 && errno == EINTR)
        ;
    unlink(rw.tmp_path);
    aof_rewrite_abandon();
    finish_child();
}

void aof_rewrite_unschedule(void)
{
    rw.scheduled = 0;
    rw.retry_after_ms = 0;
}

static int growth_calls_for_rewrite(long long current_size, long long base_size)
{
    if (!cfg.auto_aof_rewrite_percentage || current_size < cfg.auto_aof_rewrite_min_size)
        return 0;
    long long base = base_size ? base_size : 1;
    long long growth = current_size * 100 / base - 100;
    if (growth < cfg.auto_aof_rewrite_percentage)
        return 0;
    log_notice("Starting automatic rewriting of AOF on %lld%% growth", growth);
    return 1;
}

void aof_rewrite_cron(long long current_size, long long base_size)
{
    if (rw.child != -1 || snapshot_child_active() || server.mstime < rw.retry_after_ms)
        return;
    if (rw.scheduled) {
        aof_rewrite_start();
        return;
    }
    if (aof_get_state() == AOF_ON && growth_calls_for_rewrite(current_size, base_size)) {
        /* A failing automatic rewrite must not fork on every tick. */
        if (aof_rewrite_start() < 0)
            rw.retry_after_ms = server.mstime + RETRY_DELAY_MS;
    }
}

void aof_rewrite_get_stats(struct aof_rewrite_stats *st)
{
    st->in_progress = rw.child != -1;
    st->scheduled = rw.scheduled;
    st->last_time_sec = rw.last_time_sec;
    st->current_time_sec = rw.child != -1 ? (mtime_mstime() - rw.start_ms) / 1000 : -1;
    st->last_ok = rw.last_ok;
    st->rewrites = rw.rewrites;
    st->consecutive_failures = rw.consecutive_failures;
}

/* ---------- BGREWRITEAOF ---------- */

static void bgrewriteaof_command(struct client *c)
{
    if (rw.child != -1) {
        reply_error(c, "Background append only file rewriting already in progress");
        return;
    }
    /* Inside EXEC a fork would snapshot half a transaction: the cron
     * starts it once the transaction is over, as it does when an RDB
     * child is running. */
    int started = 1;
    if (c->flags & CLIENT_MULTI)
        schedule();
    else
        started = aof_rewrite_start();
    if (started == 0)
        reply_status(c, "Background append only file rewriting started");
    else if (started == 1)
        reply_status(c, "Background append only file rewriting scheduled");
    else
        reply_error(c, "Can't execute an AOF background rewriting. Please check the server "
                       "logs for more information.");
}

struct command aof_commands[] = {
    {.name = "bgrewriteaof",
     .proc = bgrewriteaof_command,
     .arity = 1,
     .flags = "admin noscript no_async_loading",
     .acl = "@admin @slow @dangerous",
     .group = "server",
     .since = "1.0.0",
     .summary = "Asynchronously rewrite the append-only file",
     .complexity = "O(1)"},
    {0},
};
