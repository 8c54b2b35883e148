/* repl_payload — full-sync images; see repl_payload.h.
 *
 * The child writes the RDB file format (rdb.c, with the replication id and
 * offset of the fork in its AUX fields) into a pipe and exits 0 on success.
 * The parent reads the pipe from the event loop, and the image is done when
 * the pipe reached its end and the child exited cleanly.  On the replica
 * the image is parsed from memory; keys already past their TTL are kept:
 * the primary's stream deletes them.
 */
#include "repl_payload.h"

#include "db.h"
#include "log.h"
#include "mem.h"
#include "mtime.h"
#include "rdb.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PIPE_READ_CHUNK (64 * 1024)
#define PIPE_BUFFER (64 * 1024)

/* ---- the child ---- */

/* The RDB writer emits a few bytes at a time: they are gathered into
 * big writes, or the pipe would cost a system call per field. */
struct pipe_out {
    int fd;
    size_t used;
    char buf[PIPE_BUFFER];
};

static int write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

static int pipe_flush(struct pipe_out *po)
{
    int rc = write_all(po->fd, po->buf, po->used);
    po->used = 0;
    return rc;
}

static int pipe_write(void *ctx, const void *p, size_t len)
{
    struct pipe_out *po = ctx;
    if (po->used + len > sizeof po->buf && pipe_flush(po) < 0)
        return -1;
    if (len > sizeof po->buf)
        return write_all(po->fd, p, len);
    memcpy(po->buf + po->used, p, len);
    po->used += len;
    return 0;
}

static void close_listeners_in_child(void)
{
    for (int i = 0; i < server.listen_count; i++)
        close(server.listen_fds[i]);
    if (server.unix_fd >= 0)
        close(server.unix_fd);
}

static void run_child(int fd)
{
    log_set_role('C');
    close_listeners_in_child();
    static struct pipe_out po;
    po.fd = fd;
    struct rdb_out out;
    rdb_out_init(&out, pipe_write, &po);
    int ok = rdb_write_dataset(&out) == 0 && pipe_flush(&po) == 0;
    _exit(ok ? 0 : 1);
}

/* ---- the parent ---- */

static void stop_watching(struct repl_payload *p)
{
    if (p->fd >= 0) {
        ev_io_stop(server.loop, &p->reader);
        close(p->fd);
        p->fd = -1;
    }
    ev_child_stop(server.loop, &p->child);
}

/* Done once both the pipe ended and the child's status is known. */
static void maybe_finish(struct repl_payload *p)
{
    if (!p->pipe_closed || !p->child_done)
        return;
    stop_watching(p);
    int ok = WIFEXITED(p->child_status) && WEXITSTATUS(p->child_status) == 0;
    p->state = ok ? REPL_PAYLOAD_DONE : REPL_PAYLOAD_FAILED;
    if (ok)
        log_notice("Background RDB transfer terminated with success (%zu bytes)",
                   vstr_len(p->data));
    else
        log_warning("Background transfer error");
    p->notify(p);
}

static void on_pipe_readable(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct repl_payload *p = w->data;
    p->data = vstr_make_room(p->data, PIPE_READ_CHUNK);
    ssize_t n = read(p->fd, p->data + vstr_len(p->data), PIPE_READ_CHUNK);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        ev_io_stop(server.loop, &p->reader);
        p->pipe_closed = 1;
        maybe_finish(p);
        return;
    }
    vstr_incr_len(p->data, (size_t)n);
    p->notify(p);
}

static void on_child_exit(struct ev_loop *loop, ev_child *w, int revents)
{
    (void)revents;
    ev_child_stop(loop, w);
    struct repl_payload *p = w->data;
    p->child_status = w->rstatus;
    p->child_done = 1;
    maybe_finish(p);
}

struct repl_payload *repl_payload_start(repl_payload_fn *notify)
{
    int fds[2];
    if (pipe(fds) < 0) {
        log_warning("Can't create the pipe for a diskless transfer: %s", strerror(errno));
        return NULL;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        run_child(fds[1]);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        log_warning("Can't start the background transfer: fork: %s", strerror(errno));
        return NULL;
    }
    log_notice("Background RDB transfer started by pid %ld", (long)pid);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    struct repl_payload *p = mem_calloc(sizeof *p);
    p->data = vstr_empty();
    p->refs = 1;
    p->notify = notify;
    p->pid = pid;
    p->fd = fds[0];
    ev_io_init(&p->reader, on_pipe_readable, p->fd, EV_READ);
    p->reader.data = p;
    ev_io_start(server.loop, &p->reader);
    ev_child_init(&p->child, on_child_exit, pid, 0);
    p->child.data = p;
    ev_child_start(server.loop, &p->child);
    return p;
}

void repl_payload_retain(struct repl_payload *p)
{
    p->refs++;
}

/* Nobody wants the image any more: the child is stopped and reaped here. */
static void abandon(struct repl_payload *p)
{
    stop_watching(p);
    if (!p->child_done) {
        kill(p->pid, SIGUSR1);
        waitpid(p->pid, NULL, 0);
    }
}

void repl_payload_release(struct repl_payload *p)
{
    if (!p || --p->refs > 0)
        return;
    if (p->state == REPL_PAYLOAD_BUILDING)
        abandon(p);
    vstr_free(p->data);
    mem_free(p);
}

int repl_payload_load(const char *p, size_t len)
{
    db_empty(-1, cfg.replica_lazy_flush);
    struct rdb_in_buffer src;
    struct rdb_in in;
    rdb_in_init_buffer(&in, &src, p, len);
    in.checksum = 1;
    struct rdb_load_stats stats;
    long long start = mtime_mstime();
    server.loading = 1;
    int rc = rdb_read_dataset(&in, 0, &stats);
    server.loading = 0;
    if (rc < 0) {
        log_warning("Failed trying to load the MASTER synchronization DB from memory: byte "
                    "offset %llu: %s",
                    (unsigned long long)in.pos, in.err);
        db_empty(-1, 0);
        return -1;
    }
    log_notice("Done loading RDB, keys loaded: %lld, keys expired: %lld, in %.3f seconds.",
               stats.keys_loaded, stats.keys_expired, (double)(mtime_mstime() - start) / 1000);
    return 0;
}
