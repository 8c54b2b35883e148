/* log — Redis-style log lines; see log.h. */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static enum log_level current_level = LOG_NOTICE;
static int log_fd = STDOUT_FILENO;
static char role_char = 'M';

static const char *const level_names[] = {"debug", "verbose", "notice", "warning", "nothing"};
static const char level_marks[] = ".-*#";

int log_set_file(const char *path)
{
    int fd = STDOUT_FILENO;
    if (path && *path) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
    }
    if (log_fd != STDOUT_FILENO)
        close(log_fd);
    log_fd = fd;
    return 0;
}

void log_set_level(enum log_level level)
{
    current_level = level;
}

enum log_level log_get_level(void)
{
    return current_level;
}

void log_set_role(char role)
{
    role_char = role;
}

int log_level_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (strcasecmp(name, level_names[i]) == 0)
            return (int)i;
    return -1;
}

/* One write() per line, so lines from a forked child never interleave. */
static void emit(enum log_level level, const char *msg)
{
    char line[8192];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    int off = snprintf(line, sizeof line, "%d:%c ", (int)getpid(), role_char);
    off += (int)strftime(line + off, sizeof line - (size_t)off, "%d %b %Y %H:%M:%S.", &tm);
    off += snprintf(line + off, sizeof line - (size_t)off, "%03d %c %s\n", (int)(tv.tv_usec / 1000),
                    level_marks[level], msg);
    if (off > (int)sizeof line - 1)
        off = (int)sizeof line - 1;
    ssize_t ignored = write(log_fd, line, (size_t)off);
    (void)ignored;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level < current_level || level >= LOG_NOTHING)
        return;
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    emit(level, msg);
}

