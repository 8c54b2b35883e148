/* proc — daemonizing, pid file and CPU usage; see proc.h. */
#include "proc.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

void proc_daemonize(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        log_warning("Can't fork to daemonize: %s; staying in the foreground", strerror(errno));
        return;
    }
    if (pid > 0)
        exit(0);
    setsid();
    /* dup2 onto the standard descriptors keeps 0, 1 and 2 taken, so no
     * later file or socket lands on them and receives stray output. */
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return;
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        close(fd);
}

void proc_write_pidfile(const char *path)
{
    if (!path || !*path)
        return;
    FILE *fp = fopen(path, "w");
    if (!fp) {
        log_warning("Failed to write PID file: %s", path);
        return;
    }
    fprintf(fp, "%d\n", (int)getpid());
    fclose(fp);
}

const char *proc_multiplexing_api(struct ev_loop *loop)
{
    unsigned backend = ev_backend(loop);
    if (backend & EVBACKEND_EPOLL)
        return "epoll";
    if (backend & EVBACKEND_KQUEUE)
        return "kqueue";
    if (backend & EVBACKEND_POLL)
        return "poll";
    return "select";
}

static double tv_seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

vstr proc_cpu_info(vstr s)
{
    struct rusage self, children, thread;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    getrusage(RUSAGE_THREAD, &thread);
    return vstr_catfmt(s,
                       "used_cpu_sys:%.6f\r\nused_cpu_user:%.6f\r\nused_cpu_sys_children:%.6f\r\n"
                       "used_cpu_user_children:%.6f\r\nused_cpu_sys_main_thread:%.6f\r\n"
                       "used_cpu_user_main_thread:%.6f\r\n",
                       tv_seconds(self.ru_stime), tv_seconds(self.ru_utime),
                       tv_seconds(children.ru_stime), tv_seconds(children.ru_utime),
                       tv_seconds(thread.ru_stime), tv_seconds(thread.ru_utime));
}
