/* snapshot — SAVE, BGSAVE, save points, load at start; see snapshot.h.
 *
 * A background save forks: the child owns a copy-on-write image of the
 * data set, writes it and exits; the parent keeps serving and learns how
 * it went from an ev_child watcher.  While the child lives, hash tables do
 * not resize, so pages are not copied for nothing.  The child reports the
 * memory it had to copy through a pipe before exiting.
 */
#include "snapshot.h"

#include "aof_rewrite.h"

#include "client.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "mtime.h"
#include "rdb.h"
#include "replication.h"
#include "reply.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* After a failed BGSAVE, save points wait this long before trying again. */
#define BGSAVE_RETRY_DELAY 5
/* Load progress is logged at most this often, checked every so many bytes. */
#define LOAD_PROGRESS_SECONDS 2
#define LOAD_PROGRESS_BYTES (4 * 1024 * 1024)
#define IO_BUFFER_SIZE (1024 * 1024)

void snapshot_init(void)
{
    server.child_info_fd = -1;
    server.rdb_last_bgsave_time_sec = -1;
}

int snapshot_child_active(void)
{
    return server.child_pid > 0;
}

int snapshot_writes_denied(void)
{
    return cfg.stop_writes_on_bgsave_error && cfg.save_params_count > 0 &&
           server.lastbgsave_failed && !server_is_replica();
}

/* ---- writing a file ---- */

static void temp_name(char *buf, size_t size, pid_t pid)
{
    snprintf(buf, size, "temp-%d.rdb", (int)pid);
}

static const char *cwd(char *buf, size_t size)
{
    return getcwd(buf, size) ? buf : "unknown";
}

/* Makes a rename durable: the directory entry must reach the disk too. */
static void fsync_dir_of(const char *filename)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", filename);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return;
    fsync(fd);
    close(fd);
}

static int write_temp(const char *tmp)
{
    FILE *fp = fopen(tmp, "w");
    char dir[PATH_MAX];
    if (!fp) {
        log_warning("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                    tmp, cwd(dir, sizeof dir), strerror(errno));
        return -1;
    }
    setvbuf(fp, NULL, _IOFBF, IO_BUFFER_SIZE);
    struct rdb_out out;
    rdb_out_init_file(&out, fp);
    out.key_delay_us = cfg.rdb_key_save_delay;
    int rc = rdb_write_dataset(&out);
    if (rc == 0 && (fflush(fp) == EOF || fsync(fileno(fp)) < 0))
        rc = -1;
    int saved_errno = errno;
    if (fclose(fp) == EOF)
        rc = -1;
    if (rc < 0) {
        log_warning("Write error saving DB on disk: %s", strerror(saved_errno));
        unlink(tmp);
    }
    return rc;
}

/* Writes temp-<pid>.rdb and renames it over filename. */
static int write_file(const char *filename)
{
    char tmp[64], dir[PATH_MAX];
    temp_name(tmp, sizeof tmp, getpid());
    if (write_temp(tmp) < 0)
        return -1;
    if (rename(tmp, filename) < 0) {
        log_warning("Error moving temp DB file %s on the final destination %s (in server root "
                    "dir %s): %s",
                    tmp, filename, cwd(dir, sizeof dir), strerror(errno));
        unlink(tmp);
        return -1;
    }
    fsync_dir_of(filename);
    log_notice("DB saved on disk");
    return 0;
}

int snapshot_save(const char *filename)
{
    server.rdb_saves++;
    /* A failed foreground save is the caller's error to report; only a
     * background failure stops writes. */
    if (write_file(filename) < 0)
        return -1;
    server.dirty = 0;
    server.lastsave = time(NULL);
    server.lastbgsave_failed = 0;
    return 0;
}

/* ---- background saving ---- */

/* Private dirty memory of this process (the pages copy-on-write cost the
 * child), from /proc; 0 where it cannot be read. */
static size_t private_dirty_bytes(void)
{
    FILE *fp = fopen("/proc/self/smaps_rollup", "r");
    if (!fp)
        return 0;
    char line[256];
    size_t total = 0, kb;
    while (fgets(line, sizeof line, fp))
        if (sscanf(line, "Private_Dirty: %zu kB", &kb) == 1)
            total += kb * 1024;
    fclose(fp);
    return total;
}

static void close_listeners_in_child(void)
{
    for (int i = 0; i < server.listen_count; i++)
        close(server.listen_fds[i]);
    if (server.unix_fd >= 0)
        close(server.unix_fd);
}

static void run_child(int report_fd)
{
    log_set_role('C');
    close_listeners_in_child();
    if (write_file(cfg.dbfilename) < 0)
        _exit(1);
    size_t cow = private_dirty_bytes();
    if (cow)
        log_notice("Fork CoW for RDB: current %zu MB", cow / (1024 * 1024));
    /* A lost report only leaves rdb_last_cow_size at its old value. */
    ssize_t written = write(report_fd, &cow, sizeof cow);
    (void)written;
    _exit(0);
}

static void read_child_report(void)
{
    /* Static: GCC takes a stack buffer handed to read() for one that
     * could dangle past the call. */
    static size_t cow;
    if (server.child_info_fd < 0)
        return;
    if (read(server.child_info_fd, &cow, sizeof cow) == (ssize_t)sizeof cow)
        server.rdb_last_cow_size = cow;
    close(server.child_info_fd);
    server.child_info_fd = -1;
}

static void bgsave_done(int status)
{
    char tmp[64];
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log_notice("Background saving terminated with success");
        server.dirty -= server.dirty_before_bgsave;
        server.lastsave = time(NULL);
        server.lastbgsave_failed = 0;
    } else if (WIFSIGNALED(status)) {
        log_warning("Background saving terminated by signal %d", WTERMSIG(status));
        temp_name(tmp, sizeof tmp, server.child_pid);
        unlink(tmp);
        /* SIGUSR1 is how we stop a child ourselves: not a failure. */
        if (WTERMSIG(status) != SIGUSR1)
            server.lastbgsave_failed = 1;
    } else {
        log_warning("Background saving error");
        server.lastbgsave_failed = 1;
    }
    read_child_report();
    server.rdb_last_bgsave_time_sec = (mtime_mstime() - server.child_start_ms) / 1000;
    server.child_pid = 0;
    dict_allow_resize(1);
}

static void on_child_exit(struct ev_loop *loop, ev_child *w, int revents)
{
    (void)revents;
    ev_child_stop(loop, w);
    bgsave_done(w->rstatus);
}

int snapshot_bgsave(void)
{
    if (snapshot_child_active())
        return -1;
    int fds[2];
    if (pipe(fds) < 0)
        fds[0] = fds[1] = -1;
    server.dirty_before_bgsave = server.dirty;
    server.lastbgsave_try = time(NULL);
    server.rdb_saves++;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        run_child(fds[1]);
    }
    if (fds[1] >= 0)
        close(fds[1]);
    if (pid < 0) {
        server.lastbgsave_failed = 1;
        if (fds[0] >= 0)
            close(fds[0]);
        log_warning("Can't save in background: fork: %s", strerror(errno));
        return -1;
    }
    log_notice("Background saving started by pid %ld", (long)pid);
    server.child_pid = pid;
    server.child_info_fd = fds[0];
    server.child_start_ms = mtime_mstime();
    dict_allow_resize(0);
    ev_child_init(&server.child_watcher, on_child_exit, pid, 0);
    ev_child_start(server.loop, &server.child_watcher);
    return 0;
}

/* Stops a running child without counting it as a failed save. */
static void kill_child(void)
{
    if (!snapshot_child_active())
        return;
    log_warning("There is a child saving an .rdb. Killing it!");
    kill(server.child_pid, SIGUSR1);
    char tmp[64];
    temp_name(tmp, sizeof tmp, server.child_pid);
    unlink(tmp);
    ev_child_stop(server.loop, &server.child_watcher);
    read_child_report();
    server.child_pid = 0;
    dict_allow_resize(1);
}

/* BGSAVE SCHEDULE issued while an AOF rewrite child ran. */
static int bgsave_scheduled;

void snapshot_cron(void)
{
    if (snapshot_child_active() || aof_rewrite_in_progress())
        return;
    if (bgsave_scheduled) {
        bgsave_scheduled = 0;
        snapshot_bgsave();
        return;
    }
    long long now = server.unixtime;
    int may_retry = !server.lastbgsave_failed || now - server.lastbgsave_try > BGSAVE_RETRY_DELAY;
    for (int i = 0; i < cfg.save_params_count && may_retry; i++) {
        long long seconds = cfg.save_params[i].seconds, changes = cfg.save_params[i].changes;
        if (server.dirty >= changes && now - server.lastsave > seconds) {
            log_notice("%lld changes in %lld seconds. Saving...", changes, seconds);
            snapshot_bgsave();
            return;
        }
    }
}

int snapshot_shutdown_save(int flags)
{
    kill_child();
    int wanted =
        (flags & SHUTDOWN_SAVE) || (cfg.save_params_count > 0 && !(flags & SHUTDOWN_NOSAVE));
    if (!wanted)
        return 0;
    log_notice("Saving the final RDB snapshot before exiting.");
    return snapshot_save(cfg.dbfilename);
}

/* ---- loading ---- */

struct load_progress {
    const char *filename;
    uint64_t total;
    long long last_log_ms;
};

static void log_progress(struct rdb_in *in)
{
    struct load_progress *lp = in->progress_ctx;
    long long now = mtime_mstime();
    if (now - lp->last_log_ms < LOAD_PROGRESS_SECONDS * 1000)
        return;
    lp->last_log_ms = now;
    double perc = lp->total ? 100.0 * (double)in->pos / (double)lp->total : 0;
    log_notice("Loading RDB %s: %llu of %llu bytes (%.1f%%)", lp->filename,
               (unsigned long long)in->pos, (unsigned long long)lp->total, perc);
}

/* What the last successful load found (the replication history). */
static struct rdb_load_stats last_load;

int snapshot_load(const char *filename)
{
    FILE *fp = fopen(filename, "r");
    if (!fp) {
        if (errno == ENOENT)
            return 1;
        log_warning("Fatal error loading the DB file %s: %s", filename, strerror(errno));
        return -1;
    }
    setvbuf(fp, NULL, _IOFBF, IO_BUFFER_SIZE);
    struct stat st;
    struct load_progress progress = {filename, 0, mtime_mstime()};
    if (fstat(fileno(fp), &st) == 0)
        progress.total = (uint64_t)st.st_size;
    struct rdb_in in;
    rdb_in_init_file(&in, fp);
    in.checksum = cfg.rdbchecksum;
    in.progress = log_progress;
    in.progress_ctx = &progress;
    in.progress_every = LOAD_PROGRESS_BYTES;
    in.next_progress = LOAD_PROGRESS_BYTES;
    struct rdb_load_stats stats;
    long long start = mtime_mstime();
    server.loading = 1;
    int rc = rdb_read_dataset(&in, !server_is_replica(), &stats);
    server.loading = 0;
    fclose(fp);
    if (rc < 0) {
        log_warning("Bad RDB file %s at byte offset %llu: %s", filename, (unsigned long long)in.pos,
                    in.err);
        return -1;
    }
    last_load = stats;
    server.rdb_last_load_keys_loaded = stats.keys_loaded;
    server.rdb_last_load_keys_expired = stats.keys_expired;
    log_notice("Done loading RDB, keys loaded: %lld, keys expired: %lld.", stats.keys_loaded,
               stats.keys_expired);
    log_notice("DB loaded from disk: %.3f seconds", (double)(mtime_mstime() - start) / 1000);
    return 0;
}

void snapshot_load_at_start(void)
{
    int rc = snapshot_load(cfg.dbfilename);
    if (rc < 0) {
        log_warning("Fatal error loading the DB, check server logs. Exiting.");
        exit(1);
    }
    if (rc == 0 && last_load.repl_id[0] && last_load.repl_offset >= 0)
        replication_restore_history(last_load.repl_id, last_load.repl_offset);
}

/* ---- commands ---- */

static void save_command(struct client *c)
{
    if (snapshot_child_active()) {
        reply_error(c, "Background save already in progress");
        return;
    }
    if (snapshot_save(cfg.dbfilename) < 0) {
        reply_error(c, "-ERR");
        return;
    }
    reply_ok(c);
}

static void bgsave_command(struct client *c)
{
    int schedule = c->argc == 2 && client_arg_is(c, 1, "schedule");
    if (c->argc > 1 && !schedule) {
        reply_error_syntax(c);
        return;
    }
    if (snapshot_child_active()) {
        reply_error(c, "Background save already in progress");
        return;
    }
    /* One child at a time: SCHEDULE waits for the AOF rewrite to end. */
    if (aof_rewrite_in_progress()) {
        if (schedule) {
            bgsave_scheduled = 1;
            reply_status(c, "Background saving scheduled");
        } else {
            reply_error(c, "Another child process is active (AOF?): can't BGSAVE right now. Use "
                           "BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
        }
        return;
    }
    if (snapshot_bgsave() < 0) {
        reply_error(c, "-ERR");
        return;
    }
    reply_status(c, "Background saving started");
}

struct command snapshot_commands[] = {
    {.name = "save",
     .proc = save_command,
     .arity = 1,
     .flags = "admin noscript no_async_loading no_multi",
     .acl = "@dangerous",
     .group = "server",
     .since = "1.0.0",
     .summary = "Synchronously save the dataset to disk",
     .complexity = "O(N) where N is the total number of keys in all databases"},
    {.name = "bgsave",
     .proc = bgsave_command,
     .arity = -1,
     .flags = "admin noscript no_async_loading",
     .acl = "@dangerous",
     .group = "server",
     .since = "1.0.0",
     .summary = "Asynchronously save the dataset to disk",
     .complexity = "O(1)",
     .args = "?schedule:pure-token=SCHEDULE@3.2.2",
     .history = "3.2.2 Added the `SCHEDULE` option."},
    {0},
};
