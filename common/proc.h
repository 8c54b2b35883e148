/* proc — process-level chores both daemons share: going to the background
 * (daemonize yes), the pid file, and the INFO fields that describe the
 * process (CPU usage, event backend). */
#ifndef VIGIL_PROC_H
#define VIGIL_PROC_H

#include "vstr.h"

#include <ev.h>

/* Forks; the parent exits, the child starts a new session with its stdio
 * on /dev/null.  If fork fails, logs it and stays in the foreground. */
void proc_daemonize(void);
/* Writes our pid to path; NULL or "" means no pid file.  A failure is
 * logged, not fatal, as in Redis. */
void proc_write_pidfile(const char *path);
/* Appends the used_cpu_* lines of INFO's CPU section (no header). */
vstr proc_cpu_info(vstr s);
/* The loop's libev backend under the name INFO's multiplexing_api uses. */
const char *proc_multiplexing_api(struct ev_loop *loop);

#endif
