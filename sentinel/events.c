/* events — event messages, their pub/sub delivery and the script queue
 * (see events.h). */
#include "events.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <ev.h>
#include <unistd.h>

#include "mem.h"
#include "resp_write.h"

#define SCRIPT_MAX_QUEUE 256
#define SCRIPT_MAX_RUNNING 16
#define SCRIPT_MAX_RETRY 10
#define SCRIPT_MAX_ARGS 16

struct script_job {
    ev_child child; /* watches the running script */
    vstr argv[SCRIPT_MAX_ARGS + 1];
    int argc;
    int running;
    pid_t pid;
    long long start_time; /* running: when started; scheduled: not before */
    int retry_num;
    struct script_job *next;
};

static struct script_job *jobs;
static int jobs_count;
static void (*publisher)(const char *channel, const char *msg, size_t len);

void events_set_publisher(void (*publish)(const char *channel, const char *msg, size_t len))
{
    publisher = publish;
}

vstr events_describe(vstr out, const struct instance *ri)
{
    const char *role = (ri->flags & INST_MASTER)  ? "master"
                       : (ri->flags & INST_SLAVE) ? "slave"
                                                  : "sentinel";
    out = vstr_catfmt(out, "%s %s %s %d", role, ri->name, ri->host, ri->port);
    if (ri->master) {
        const struct instance *m = ri->master;
        out = vstr_catfmt(out, " @ %s %s %d", m->name, m->host, m->port);
    }
    return out;
}

static void schedule_script(const char *path, const char *const *args, int nargs)
{
    if (jobs_count >= SCRIPT_MAX_QUEUE) {
        /* Drop the oldest job that is not running, as Redis does. */
        struct script_job **pp = &jobs;
        while (*pp && (*pp)->running)
            pp = &(*pp)->next;
        if (!*pp)
            return;
        struct script_job *old = *pp;
        *pp = old->next;
        for (int i = 0; i < old->argc; i++)
            vstr_free(old->argv[i]);
        mem_free(old);
        jobs_count--;
    }
    struct script_job *j = mem_calloc(sizeof *j);
    j->argv[j->argc++] = vstr_from(path);
    for (int i = 0; i < nargs && j->argc < SCRIPT_MAX_ARGS; i++)
        j->argv[j->argc++] = vstr_from(args[i]);
    j->start_time = 0;
    struct script_job **pp = &jobs;
    while (*pp)
        pp = &(*pp)->next;
    *pp = j;
    jobs_count++;
}

static void emit(enum log_level level, const char *type, struct instance *ri, vstr msg)
{
    log_msg(level, "%s %s", type, msg);
    if (level != LOG_DEBUG && publisher)
        publisher(type, msg, vstr_len(msg));
    if (level == LOG_WARNING && ri) {
        struct instance *master = (ri->flags & INST_MASTER) ? ri : ri->master;
        if (master && master->notification_script) {
            const char *args[2] = {type, msg};
            schedule_script(master->notification_script, args, 2);
        }
    }
}

void events_instance(enum log_level level, const char *type, struct instance *ri,
                     const char *fmt, ...)
{
    vstr msg = events_describe(vstr_empty(), ri);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        msg = vstr_cat(msg, " ", 1);
        msg = vstr_catvfmt(msg, fmt, ap);
        va_end(ap);
    }
    emit(level, type, ri, msg);
    vstr_free(msg);
}

void events_plain(enum log_level level, const char *type, struct instance *ri, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstr msg = vstr_catvfmt(vstr_empty(), fmt, ap);
    va_end(ap);
    emit(level, type, ri, msg);
    vstr_free(msg);
}

void events_client_reconfig(struct instance *master, const char *role, const char *state,
                            const char *from_ip, int from_port, const char *to_ip, int to_port)
{
    if (!master->client_reconfig_script)
        return;
    char fport[16], tport[16];
    snprintf(fport, sizeof fport, "%d", from_port);
    snprintf(tport, sizeof tport, "%d", to_port);
    const char *args[] = {master->name, role, state, from_ip, fport, to_ip, tport};
    schedule_script(master->client_reconfig_script, args, 7);
}

static void unlink_job(struct script_job *j)
{
    struct script_job **pp = &jobs;
    while (*pp && *pp != j)
        pp = &(*pp)->next;
    if (*pp)
        *pp = j->next;
    for (int i = 0; i < j->argc; i++)
        vstr_free(j->argv[i]);
    mem_free(j);
    jobs_count--;
}

static long long retry_delay(int retry_num)
{
    long long delay = sentinel.timing.script_retry_delay;
    while (retry_num-- > 1)
        delay *= 2;
    return delay;
}

/* A script that exited 1 or died of a signal is retried later, with a
 * doubling delay; other exits are final.  libev's default loop reaps every
 * child itself, so the exit status arrives through this watcher. */
static void on_script_exit(struct ev_loop *loop, ev_child *w, int revents)
{
    (void)revents;
    struct script_job *j = w->data;
    ev_child_stop(loop, w);
    int status = w->rstatus;
    int bysignal = WIFSIGNALED(status);
    int exitcode = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    if ((bysignal || exitcode == 1) && j->retry_num != SCRIPT_MAX_RETRY) {
        j->running = 0;
        j->pid = 0;
        j->start_time = instance_now() + retry_delay(j->retry_num);
        return;
    }
    if (bysignal || exitcode != 0)
        events_plain(LOG_WARNING, "-script-error", NULL, "%s %d %d", j->argv[0], bysignal,
                     exitcode);
    unlink_job(j);
}

static void start_job(struct script_job *j)
{
    pid_t pid = fork();
    if (pid < 0) {
        events_plain(LOG_WARNING, "-script-error", NULL, "%s %d %d", j->argv[0], 0, -1);
        return;
    }
    if (pid == 0) {
        /* The child must not run any of our atexit or loop machinery. */
        char *argv[SCRIPT_MAX_ARGS + 1];
        for (int i = 0; i < j->argc; i++)
            argv[i] = j->argv[i];
        argv[j->argc] = NULL;
        execve(argv[0], argv, environ);
        _exit(2);
    }
    j->running = 1;
    j->pid = pid;
    j->start_time = instance_now();
    j->retry_num++;
    ev_child_init(&j->child, on_script_exit, pid, 0);
    j->child.data = j;
    ev_child_start(sentinel.loop, &j->child);
    log_debug("+script-child %ld", (long)pid);
}

static void kill_timed_out(long long now)
{
    for (struct script_job *j = jobs; j; j = j->next) {
        if (j->running && now - j->start_time > sentinel.timing.script_max_runtime) {
            events_plain(LOG_WARNING, "-script-timeout", NULL, "%s %ld", j->argv[0],
                         (long)j->pid);
            kill(j->pid, SIGKILL);
        }
    }
}

void events_scripts_tick(void)
{
    long long now = instance_now();
    int running = events_scripts_running();
    for (struct script_job *j = jobs; j && running < SCRIPT_MAX_RUNNING; j = j->next) {
        if (j->running || j->start_time > now)
            continue;
        start_job(j);
        if (j->running)
            running++;
    }
    kill_timed_out(now);
}

int events_scripts_running(void)
{
    int n = 0;
    for (struct script_job *j = jobs; j; j = j->next)
        n += j->running;
    return n;
}

int events_scripts_queued(void)
{
    return jobs_count;
}

vstr events_pending_scripts_reply(vstr out)
{
    long long now = instance_now();
    out = resp_write_array_len(out, jobs_count);
    for (struct script_job *j = jobs; j; j = j->next) {
        out = resp_write_array_len(out, 10);
        out = resp_write_bulk_cstr(out, "argv");
        out = resp_write_array_len(out, j->argc);
        for (int i = 0; i < j->argc; i++)
            out = resp_write_bulk(out, j->argv[i], vstr_len(j->argv[i]));
        out = resp_write_bulk_cstr(out, "flags");
        out = resp_write_bulk_cstr(out, j->running ? "running" : "scheduled");
        out = resp_write_bulk_cstr(out, "pid");
        out = resp_write_bulk_ll(out, j->pid);
        if (j->running) {
            out = resp_write_bulk_cstr(out, "run-time");
            out = resp_write_bulk_ll(out, now - j->start_time);
        } else {
            long long delay = j->start_time ? j->start_time - now : 0;
            out = resp_write_bulk_cstr(out, "run-delay");
            out = resp_write_bulk_ll(out, delay < 0 ? 0 : delay);
        }
        out = resp_write_bulk_cstr(out, "retry-num");
        out = resp_write_bulk_ll(out, j->retry_num);
    }
    return out;
}
