/* slowlog — SLOWLOG: a bounded, newest-first log of the commands that ran
 * for at least slowlog-log-slower-than microseconds (negative disables,
 * 0 logs everything), keeping slowlog-max-len entries.  commands_call()
 * reports every executed command here. */
#ifndef VIGIL_SLOWLOG_H
#define VIGIL_SLOWLOG_H

#include "commands.h"

/* Logs c's current command if it ran for duration_us or longer than the
 * threshold and is not flagged skip_slowlog. */
void slowlog_observe(struct client *c, long long duration_us);
size_t slowlog_len(void);
void slowlog_reset(void);

extern struct command slowlog_commands[];

#endif
